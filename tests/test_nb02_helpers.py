"""Helpers added for notebook 02 (too small, too large), checked against closed forms.

Expected values come from the algebra of the bowl ``a (w - w*)^2`` (error factor
``1 - 2 a lr``, one step at ``1 / (2a)``, limit ``1 / a``), from the double
well's derivatives written out here by hand, or from a plain Python loop of
gradient descent: never from the code under test.
"""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from lrlab import Quadratic, TwoBasins, blog_post_problem, gradient_descent, theory
from lrlab.plot import problems_grid, rate_axis, u_curve
from lrlab.plot.one_d import RateAxisPanel
from lrlab.summary import basin_outcome, basin_report, describe_basin

PARABOLA = blog_post_problem()


def plain_descent(grad, w0, lr, steps):
    """Gradient descent in plain Python floats: the independent reference."""
    w = [float(w0)]
    for _ in range(steps):
        w.append(w[-1] - lr * grad(w[-1]))
    return w


def double_well(tilt):
    """Loss, slope and second derivative of (w^2 - 1)^2 + tilt w, written out."""
    return (lambda w: (w * w - 1) ** 2 + tilt * w,
            lambda w: 4 * w ** 3 - 4 * w + tilt,
            lambda w: 12 * w * w - 4)


# --- theory.error_factor -------------------------------------------------------------

@pytest.mark.parametrize("lr", [0.01, 0.2, 0.45, 0.7, 1.0, 1.3])
def test_error_factor_is_the_ratio_of_successive_errors(lr):
    w = plain_descent(lambda x: 2 * (x + 1), 5.0, lr, 3)
    errors = [x + 1 for x in w]
    assert theory.error_factor(PARABOLA, lr) == pytest.approx(errors[1] / errors[0], rel=1e-12)
    assert theory.error_factor(PARABOLA, lr) == pytest.approx(errors[3] / errors[2], rel=1e-9)


def test_error_factor_zero_at_one_step_and_minus_one_at_the_limit():
    for a in (0.25, 1.0, 4.0):
        bowl = Quadratic(a, center=-1.0)
        assert theory.error_factor(bowl, 1 / (2 * a)) == pytest.approx(0.0, abs=1e-15)
        assert theory.error_factor(bowl, 1 / a) == pytest.approx(-1.0, rel=1e-15)


def test_error_factor_vectorized_and_stiffest_direction():
    rates = np.array([0.05, 0.1, 0.15])
    np.testing.assert_allclose(theory.error_factor(PARABOLA, rates), 1 - 2 * rates)
    bowl = Quadratic([0.5, 5.0])              # curvatures 1 and 10
    assert theory.error_factor(bowl, 0.15) == pytest.approx(1 - 10 * 0.15)


# --- theory.critical_lr_at ------------------------------------------------------------

def test_critical_lr_at_symmetric_well():
    p = TwoBasins(tilt=0.0)                  # f'' = 12 w^2 - 4: 8 at w = +-1, -4 at 0
    assert theory.critical_lr_at(p, 1.0) == pytest.approx(2 / 8)
    assert theory.critical_lr_at(p, -1.0) == pytest.approx(2 / 8)
    assert math.isinf(theory.critical_lr_at(p, 0.0))


def test_critical_lr_at_matches_a_finite_difference_second_derivative():
    p = TwoBasins(tilt=0.3)
    f, _, _ = double_well(0.3)
    h = 1e-4
    for w in p.minima:
        second = (f(w + h) - 2 * f(w) + f(w - h)) / h ** 2
        assert theory.critical_lr_at(p, w) == pytest.approx(2 / second, rel=1e-6)
    np.testing.assert_allclose(theory.critical_lr_at(p, p.minima),
                               [theory.critical_lr_at(p, w) for w in p.minima])


def test_local_limit_decides_whether_a_pit_holds_the_run():
    p = TwoBasins(tilt=0.3)
    _, grad, _ = double_well(0.3)
    left = float(p.minima[0])
    limit = theory.critical_lr_at(p, left)
    below = plain_descent(grad, left + 0.01, 0.95 * limit, 400)
    above = plain_descent(grad, left + 0.01, 1.05 * limit, 400)
    assert abs(below[-1] - left) < 1e-8
    assert abs(above[-1] - left) > 1e-3


def test_critical_lr_at_needs_curvature_at():
    with pytest.raises(TypeError, match="curvature_at"):
        theory.critical_lr_at(PARABOLA, 0.0)


# --- summary.basin_report / basin_outcome / describe_basin ----------------------------

def pit_of(w, tilt):
    """Left or right of the hump: the middle root of 4w^3 - 4w + tilt."""
    roots = np.sort(np.roots([4.0, 0.0, -4.0, tilt]).real)
    return "left" if w < roots[1] else "right"


@pytest.mark.parametrize("w0, lr", [(1.6, 0.05), (1.6, 0.2), (-1.6, 0.05), (-1.6, 0.2),
                                    (1.3, 0.1)])
def test_basin_report_against_a_plain_loop(w0, lr):
    _, grad, _ = double_well(0.3)
    w = plain_descent(grad, w0, lr, 200)
    side = {"left": "deeper", "right": "shallower"}      # tilt > 0: the left pit is lower
    r = basin_report(gradient_descent(TwoBasins(0.3), w0, lr, 200))
    assert r["start_pit"] == side[pit_of(w0, 0.3)]
    assert r["end_pit"] == side[pit_of(w[-1], 0.3)]
    assert r["crossed"] == (pit_of(w0, 0.3) != pit_of(w[-1], 0.3))
    assert r["settled"] is True
    assert r["final_w"] == pytest.approx(w[-1], abs=1e-9)


def test_basin_report_gap_and_which_pit_is_deeper():
    f, _, _ = double_well(0.3)
    p = TwoBasins(0.3)
    lowest = min(f(float(m)) for m in p.minima)
    r = basin_report(gradient_descent(p, 1.6, 0.05, 200))
    assert r["gap"] == pytest.approx(f(float(p.minima[1])) - lowest, abs=1e-9)
    # tilting the other way makes the right pit the deeper one
    mirrored = basin_report(gradient_descent(TwoBasins(-0.3), 1.6, 0.05, 200))
    assert mirrored["end_pit"] == "deeper"


def test_basin_report_diverged_and_unsettled_runs():
    r = basin_report(gradient_descent(TwoBasins(0.3), 1.6, 0.4, 60))
    assert r["status"] == "diverged" and r["end_pit"] is None
    assert basin_outcome(r) == "leaves both pits"
    assert describe_basin(r).startswith("left both pits")
    # 0.25 lies between the two pits' limits (about 0.2255 and 0.2832): no settling
    # in the deeper pit
    r = basin_report(gradient_descent(TwoBasins(0.3), 1.6, 0.25, 60))
    assert r["end_pit"] == "deeper" and not r["settled"]
    assert basin_outcome(r) == "still moving in the deeper pit"


def test_basin_outcome_words():
    runs = gradient_descent(TwoBasins(0.3), 1.6, lr=np.array([0.05, 0.2]), steps=200)
    assert basin_outcome(basin_report(runs.run(0))) == "stays in the shallower pit"
    assert basin_outcome(basin_report(runs.run(1))) == "jumps into the deeper pit"


def test_basin_report_rejects_other_problems():
    with pytest.raises(TypeError, match="two pits"):
        basin_report(gradient_descent(PARABOLA, 5.0, 0.2, 5))


# --- figures ---------------------------------------------------------------------------

def band_span(panel, name):
    band = panel.bands[name]
    return band.get_x(), band.get_x() + band.get_width()


def test_rate_axis_panel_bands_and_thresholds_follow_the_curvature():
    for a in (1.0, 4.0):
        panel = RateAxisPanel(Figure().subplots(), Quadratic(a, center=-1.0), (1e-3, 2.0))
        one, limit = 1 / (2 * a), 1 / a
        assert panel.one_line.get_xdata()[0] == pytest.approx(one)
        assert panel.crit_line.get_xdata()[0] == pytest.approx(limit)
        # bands meet at the thresholds, to within the grid's spacing (~1.4% per point)
        assert band_span(panel, "monotone")[1] == pytest.approx(one, rel=0.02)
        lo, hi = band_span(panel, "oscillating")
        assert lo == pytest.approx(one, rel=0.02) and hi == pytest.approx(limit, rel=0.02)
        assert band_span(panel, "too small")[1] == pytest.approx(0.1 * one, rel=0.02)
        xs, ys = panel.curve.get_data()
        np.testing.assert_allclose(ys, 1 - 2 * a * xs)


def test_rate_axis_panel_marker_and_title():
    panel = RateAxisPanel(Figure().subplots(), PARABOLA, (1e-3, 2.0)).update(0.7)
    assert panel.now_dot.get_data()[1][0] == pytest.approx(1 - 2 * 0.7)
    assert panel.label.get_text() == "lr = 0.7: oscillating"
    panel.set_problem(Quadratic(4.0, center=-1.0))       # 2a lr = 5.6: past the limit
    assert panel.label.get_text() == "lr = 0.7: divergent"


def test_rate_axis_figure_marks_every_rate():
    fig, ax = rate_axis(PARABOLA, rates=[0.01, 0.5, 1.2])
    # named in the legend beside the axes (a value written by its point sat on the curve)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0.01", "0.5", "1.2"]


def test_problems_grid_titles_name_the_regime():
    bowls = [Quadratic(a, center=-1.0) for a in (0.2, 1.0, 3.0, 6.0)]
    fig, axes = problems_grid(bowls, 5.0, 0.2, 20, (-12, 10))
    # 2 a lr = 0.08, 0.4, 1.2, 2.4
    assert [ax.get_title() for ax in axes] == [
        "a = 0.2: too small", "a = 1: monotone", "a = 3: oscillating", "a = 6: divergent"]


def test_u_curve_final_losses_match_the_closed_form():
    rates = np.array([1e-4, 0.01, 0.3, 0.8, 0.95])
    fig, ax, runs = u_curve(PARABOLA, 5.0, rates, steps=(10, 50))
    for n, run in zip((10, 50), runs, strict=True):
        # compare |e_N| = sqrt(loss): w carries an absolute rounding of ~1e-16 per step
        np.testing.assert_allclose(np.sqrt(run.loss[-1]), 6 * np.abs(1 - 2 * rates) ** n,
                                   rtol=1e-9, atol=1e-14)
    labels = ax.get_legend().get_texts()
    assert [t.get_text() for t in labels] == ["after 10 steps", "after 50 steps"]


# --- widgets ---------------------------------------------------------------------------

def test_regime_explorer_follows_both_sliders():
    from lrlab.explore.one_d import RegimeExplorer

    explorer = RegimeExplorer(controls=("lr", "a"), steps=30)
    explorer.controls["a"].value = 4.0
    explorer.controls["lr"].value = 0.1                  # 2a lr = 0.8: monotone
    assert explorer.text.startswith("monotone")
    expected = [-1 + 6 * 0.2 ** t for t in range(31)]    # e_t = (1 - 0.8)^t e_0
    np.testing.assert_allclose(explorer.run.w, expected, rtol=1e-12, atol=1e-15)
    assert explorer.rate_panel.crit_line.get_xdata()[0] == pytest.approx(0.25)
    explorer.controls["lr"].value = 0.3                  # 2a lr = 2.4: past the limit
    assert explorer.text.startswith("divergent")
    assert "limit 0.25" in explorer.text


def test_basins_explorer_readout_and_gap_panel():
    from lrlab.explore.one_d import BasinsExplorer

    f, _, _ = double_well(0.3)
    explorer = BasinsExplorer()
    explorer.controls["lr"].value = 0.05
    assert "settled in the shallower pit" in explorer.text
    assert explorer.loss_panel.ax.get_yscale() == "log"
    lowest = min(f(float(m)) for m in TwoBasins(0.3).minima)
    gaps = explorer.loss_panel.lines[0].get_ydata()
    np.testing.assert_allclose(gaps, [f(w) - lowest for w in explorer.run.w], rtol=1e-9)
    explorer.controls["lr"].value = 0.2
    assert "settled in the deeper pit" in explorer.text
