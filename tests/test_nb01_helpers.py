"""Helpers added for notebooks 00 and 01: first_steps, error_by_step, RateAndDecayExplorer.

Expected values come from the update rule worked by hand on the blog post's problem
(w + 1)^2 (gradient 2 (w + 1), minimum -1) or from independent numpy loops,
never from the functions under test.
"""

import math

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from lrlab import Quadratic, blog_post_problem  # noqa: E402
from lrlab.plot import error_by_step, first_steps  # noqa: E402


def test_first_steps_points_are_the_hand_worked_updates():
    # 5 - 0.2 * 12 = 2.6; 2.6 - 0.2 * 7.2 = 1.16
    fig, ax, run = first_steps(blog_post_problem(), 5.0, 0.2, steps=2)
    np.testing.assert_allclose(run.w, [5.0, 2.6, 1.16], rtol=0, atol=1e-12)
    texts = [t.get_text() for t in ax.texts if t.get_text()]
    assert texts == ["$w_{0}$ = 5", "$w_{1}$ = 2.6", "$w_{2}$ = 1.16"]


def test_first_steps_tangents_have_the_derivative_as_slope():
    fig, ax, run = first_steps(blog_post_problem(), 5.0, 0.2, steps=2)
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 2
    for line, w in zip(dashed, [5.0, 2.6], strict=True):
        x, y = line.get_data()
        slope = (y[1] - y[0]) / (x[1] - x[0])
        assert slope == pytest.approx(2 * (w + 1))          # d/dw (w + 1)^2
        # the tangent touches the curve at w: its midpoint is (w, (w + 1)^2)
        assert np.mean(x) == pytest.approx(w)
        assert np.mean(y) == pytest.approx((w + 1) ** 2)


def test_first_steps_rejects_problems_in_several_variables():
    with pytest.raises(ValueError, match="1-D"):
        first_steps(Quadratic([1.0, 2.0]), [1.0, 1.0], 0.1)


def test_error_by_step_markers_shrink_by_one_minus_two_lr():
    rates = [0.1, 0.2, 0.8]
    fig, ax, runs = error_by_step(blog_post_problem(), 5.0, rates, steps=12)
    lines = ax.get_lines()
    t = np.arange(13)
    for i, lr in enumerate(rates):
        markers, dashed = lines[2 * i], lines[2 * i + 1]
        expected = 6.0 * abs(1 - 2 * lr) ** t                  # e_t = (1 - 2 lr)^t e_0
        np.testing.assert_allclose(markers.get_data()[1], expected, rtol=1e-9)
        np.testing.assert_allclose(dashed.get_data()[1], expected, rtol=1e-12)
    labels = [line.get_label() for line in lines[::2]]
    assert labels == ["lr = 0.1: error x0.8 per step", "lr = 0.2: error x0.6 per step",
                      "lr = 0.8: error x0.6 per step"]
    assert ax.get_yscale() == "log"


def test_error_by_step_leaves_out_errors_of_zero():
    # lr = 0.5 lands on -1 exactly after one step: only the start is drawn
    fig, ax, runs = error_by_step(blog_post_problem(), 5.0, [0.5], steps=5)
    x, y = ax.get_lines()[0].get_data()
    assert list(x) == [0] and list(y) == [6.0]


@pytest.fixture
def explorer():
    from lrlab.explore.one_d import RateAndDecayExplorer

    return RateAndDecayExplorer()


@pytest.mark.parametrize(
    "lr, label",
    # on (w + 1)^2: too small up to 0.05, one step at 0.5, edge at 1, divergent above
    [(0.05, "too small"), (0.2, "monotone"), (0.5, "one step"), (0.9, "oscillating"),
     (1.05, "divergent")],
)
def test_rate_and_decay_without_decay_names_the_regime(explorer, lr, label):
    explorer.controls["lr"].value = lr
    assert explorer.text.startswith(label + ":")
    assert explorer.text.endswith("steps") or explorer.text.endswith("never")


def test_rate_and_decay_with_decay_reports_the_freeze_point(explorer):
    explorer.controls["lr"].value = 0.2
    explorer.controls["decay_rate"].value = 0.95
    # independent: w freezes at -1 + 6 prod_t (1 - 2 * 0.2 * 0.95^t)
    rates = 0.2 * 0.95 ** np.arange(2000)
    freeze = -1 + 6 * np.prod(1 - 2 * rates)
    assert freeze == pytest.approx(-0.99927, abs=1e-5)        # teaching-facts table
    assert explorer.text.startswith("starts monotone, rate x0.95 per step; ")
    assert f"freezes at w = {freeze:.6g}" in explorer.text
    np.testing.assert_allclose(explorer.rate_panel.line.get_data()[1], rates[:50], rtol=1e-12)


def test_rate_and_decay_back_to_one_is_a_constant_rate(explorer):
    explorer.controls["decay_rate"].value = 0.9
    explorer.controls["lr"].value = 0.9
    explorer.controls["decay_rate"].value = 1.0
    # constant 0.9: factor |1 - 1.8| = 0.8, ln(1e-6) / ln(0.8) = 61.9 -> 62 steps
    assert math.ceil(math.log(1e-6) / math.log(0.8)) == 62
    assert explorer.text.startswith("oscillating:")
    assert explorer.text.endswith("error x1e-06 in 62 steps")
    np.testing.assert_allclose(explorer.rate_panel.line.get_data()[1], np.full(50, 0.9))


def test_decay_grid_titles_give_the_freeze_point():
    from lrlab.plot import decay_grid

    fig, axes, runs = decay_grid(blog_post_problem(), 5.0, 0.2, [1.0, 0.8, 0.5], 40, (-3, 6))
    # independent: -1 + 6 prod_t (1 - 0.4 rate^t); teaching facts give -0.3870 and +1.3413
    frozen = [-1 + 6 * np.prod(1 - 0.4 * r ** np.arange(3000)) for r in (0.8, 0.5)]
    assert frozen == pytest.approx([-0.3870, 1.3413], abs=1e-4)
    titles = [ax.get_title() for ax in axes]
    assert titles == ["no decay\nreaches the bottom",
                      f"decay x0.8 per step\nw freezes at {frozen[0]:.4g}",
                      f"decay x0.5 per step\nw freezes at {frozen[1]:.4g}"]
    # the rates each run used: 0.2 * rate^t
    for run, r in zip(runs, (1.0, 0.8, 0.5), strict=True):
        np.testing.assert_allclose(run.lr, 0.2 * r ** np.arange(40), rtol=1e-12)


def test_decay_grid_without_decay_says_whether_the_rate_settles():
    from lrlab.plot import decay_grid

    # on (w + 1)^2 a constant rate settles only below 1 = 1 / a
    for lr0, second in [(0.9, "reaches the bottom"), (1.05, "never settles")]:
        fig, axes, runs = decay_grid(blog_post_problem(), 5.0, lr0, [1.0], 10, (-3, 6))
        assert axes[0].get_title() == "no decay\n" + second


def test_rate_and_decay_panels_are_titled(explorer):
    titles = [ax.get_title() for ax in explorer.figure.axes]
    assert titles == ["path of w", "loss per step", "learning rate per step"]

