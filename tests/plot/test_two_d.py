"""lrlab.plot.two_d: contour panels, factor lines and per-direction errors, checked by value."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lrlab import Quadratic, Rosenbrock, exponential_decay, gradient_descent  # noqa: E402
from lrlab.plot import COLORS  # noqa: E402
from lrlab.plot.two_d import (  # noqa: E402
    ContourPanel,
    DirectionErrorPanel,
    FactorPanel,
    contour_grid,
    direction_errors,
    edge_exit,
    factor_plot,
)
from lrlab.problems import TwoBasins2D, stretched_bowl  # noqa: E402

BOWL = Quadratic(a=[0.5, 5.0])
W0 = [-5.0, 2.0]
XLIM, YLIM = (-6.0, 6.0), (-3.0, 3.0)


def _ax():
    return Figure().subplots()


# --- edge_exit ---------------------------------------------------------------------------


def test_edge_exit_inside():
    assert edge_exit(np.array([[0.0, 0.0], [0.5, -0.5]]), (-1, 1), (-1, 1)) == (None, None)


def test_edge_exit_crossing_point_by_hand():
    # from (0, 0) to (2, 4): y reaches 1 at a quarter of the way, x = 0.5 there
    step, point = edge_exit(np.array([[0.0, 0.0], [2.0, 4.0], [9.0, 9.0]]), (-1, 1), (-1, 1))
    assert step == 1 and point == pytest.approx((0.5, 1.0))
    # leaving through the left edge: from (0.5, 0) to (-3, 0.7), x = -1 at 3/7 of the way
    step, point = edge_exit(np.array([[0.5, 0.0], [-3.0, 0.7]]), (-1, 1), (-1, 1))
    assert step == 1 and point == pytest.approx((-1.0, 0.3))


def test_edge_exit_nan_and_outside_start():
    step, point = edge_exit(np.array([[0.2, 0.1], [0.3, 0.2], [np.nan, np.nan]]), (-1, 1),
                            (-1, 1))
    assert step == 2 and point == pytest.approx((0.3, 0.2))
    step, point = edge_exit(np.array([[5.0, 0.5], [0.0, 0.0]]), (-1, 1), (-1, 1))
    assert step == 0 and point == pytest.approx((1.0, 0.5))


# --- ContourPanel ------------------------------------------------------------------------


def test_contour_panel_draws_a_converging_path():
    run = gradient_descent(BOWL, W0, lr=0.1, steps=30)
    panel = ContourPanel(_ax(), BOWL, XLIM, YLIM).update(run)
    x, y = panel.path.get_data()
    assert np.column_stack([x, y]) == pytest.approx(run.w)
    assert panel.start.get_data()[0].tolist() == [-5.0]
    assert np.column_stack(panel.end.get_data())[0] == pytest.approx(run.w[-1])
    assert len(panel.exit.get_data()[0]) == 0 and panel.exit_text.get_text() == ""
    assert np.column_stack(panel.minima.get_data()).tolist() == [[0.0, 0.0]]


def test_contour_panel_cuts_a_diverging_path_at_the_edge():
    # y_t = 2 (1 - 10 x 0.21)^t = 2 (-1.1)^t: |y_t| > 3 first at t = 5 (1.1^4 < 1.5 < 1.1^5)
    assert 1.1**4 < 1.5 < 1.1**5
    run = gradient_descent(BOWL, W0, lr=0.21, steps=40)
    panel = ContourPanel(_ax(), BOWL, XLIM, YLIM).update(run)
    assert panel.exit_text.get_text() == "left the plot at step 5"
    ex, ey = (v[0] for v in panel.exit.get_data())
    assert abs(ey) == pytest.approx(3.0)
    x, y = panel.path.get_data()
    assert len(x) == 6 and (x[-1], y[-1]) == pytest.approx((ex, ey))
    assert len(panel.end.get_data()[0]) == 0
    # the edge point lies on the segment from w_4 to w_5
    p, q = run.w[4], run.w[5]
    s = (ey - p[1]) / (q[1] - p[1])
    assert ex == pytest.approx(p[0] + s * (q[0] - p[0]))


def test_contour_panel_update_keeps_the_contours_and_set_problem_replaces_them():
    # a surface other than a quadratic bowl is contoured on a grid; a new one replaces it
    pits = TwoBasins2D()
    panel = ContourPanel(_ax(), pits, (-2, 2), (-1.8, 1.8))
    fill, lines = panel.fill, panel.lines
    for lr in (0.05, 0.1, 0.19):
        panel.update(gradient_descent(pits, [1.6, 1.5], lr=lr, steps=20))
    assert panel.fill is fill and panel.lines is lines
    panel.set_problem(TwoBasins2D(tilt=0.5))
    assert panel.fill is not fill and panel.lines is not lines
    assert fill not in panel.ax.get_children()
    # a bowl after it: ellipses replace the grid contours, and stay for the next bowl
    panel.set_problem(BOWL)
    fill, lines = panel.fill, panel.lines
    children = list(panel.ax.get_children())
    panel.set_problem(Quadratic([0.05, 5.0]))
    assert panel.fill is fill and panel.lines is lines
    assert list(panel.ax.get_children()) == children


def test_bowl_contours_are_its_level_ellipses():
    # 0.5 x^2 + 5 y^2 in (-6, 6) x (-3, 3): the lines are the ellipses loss = level
    panel = ContourPanel(_ax(), BOWL, XLIM, YLIM, levels=12)
    rings = panel.lines.get_segments()
    assert len(rings) == 12
    for level, ring in zip(panel.levels, rings, strict=True):
        assert 0.5 * ring[:, 0] ** 2 + 5 * ring[:, 1] ** 2 == pytest.approx(
            np.full(len(ring), level), rel=1e-9)
        # half-axes sqrt(level / 0.5) along x and sqrt(level / 5) along y
        assert np.abs(ring).max(axis=0) == pytest.approx(
            [np.sqrt(level / 0.5), np.sqrt(level / 5)], rel=1e-4)
    # one band per level inside the window: the lowest the inside of the first ellipse,
    # each other one the ring between two ellipses (the inner one reversed, a hole); the
    # top level passes through the corners, so no band above it. Signed (shoelace) areas
    # against pi * half-axis * half-axis:
    bands = panel.fill.get_paths()
    assert len(bands) == 12
    half = np.sqrt(panel.levels[:, None] / np.array([0.5, 5.0]))      # (12, 2)
    ellipse_area = np.pi * half[:, 0] * half[:, 1]
    for i, band in enumerate(bands):
        rings = [ring for ring in band.to_polygons()]
        areas = [0.5 * np.sum(r[:-1, 0] * r[1:, 1] - r[1:, 0] * r[:-1, 1]) for r in rings]
        expected = [ellipse_area[i]] + ([-ellipse_area[i - 1]] if i else [])
        assert areas == pytest.approx(expected, rel=1e-4)
    # greys as contourf gives them: darker for higher bands, translucent
    colors = panel.fill.get_facecolor()
    assert np.all(np.diff(colors[:, 0]) < 0) and np.all(colors[:, 3] == 0.28)


def test_bowl_bands_have_holes_when_drawn():
    # a point of the lowest band is painted once: white under 28 % of that band's grey
    # (not darkened by every ring around it, as stacked filled ellipses would be)
    fig = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    panel = ContourPanel(ax, BOWL, XLIM, YLIM)
    panel.lines.set_visible(False)
    panel.minima.set_visible(False)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())
    for point, band in (((0.4, 0.0), 0), ((0.0, 1.0), 4)):    # losses 0.08 and 5
        assert 0.5 * point[0] ** 2 + 5 * point[1] ** 2 < panel.levels[band]
        px, py = ax.transData.transform(point)
        rgb = pixels[int(round(pixels.shape[0] - py)), int(round(px)), :3] / 255
        grey = panel.fill.get_facecolor()[band, 0]
        assert rgb == pytest.approx(np.full(3, 0.72 + 0.28 * grey), abs=2 / 255)


def test_off_centre_bowl_gets_a_band_above_its_top_level():
    # minimum (7, 1) outside the window: the lowest loss is at (6, 1), 0.5; the highest at
    # (-6, -3), 0.5 * 169 + 2 * 16 = 116.5; linear spacing stops short of it
    bowl = Quadratic([0.5, 2.0], center=[7.0, 1.0])
    panel = ContourPanel(_ax(), bowl, XLIM, YLIM, spacing="linear", levels=5)
    assert panel.levels == pytest.approx(0.5 + 116.0 * np.arange(1, 6) / 6)
    bands = panel.fill.get_paths()
    assert len(bands) == 6
    # the top band: the window's frame with the last ellipse as its hole
    frame, hole = bands[-1].to_polygons()
    assert np.all(frame.min(axis=0) <= [-6, -3]) and np.all(frame.max(axis=0) >= [6, 3])
    assert 0.5 * (hole[:, 0] - 7) ** 2 + 2 * (hole[:, 1] - 1) ** 2 == pytest.approx(
        np.full(len(hole), panel.levels[-1]))
    assert len(panel.minima.get_data()[0]) == 1


def test_sqrt_levels_are_evenly_spaced_ellipses():
    # loss is 0 at the grid's centre; level i of n is max * (i / n)^2
    panel = ContourPanel(_ax(), BOWL, XLIM, YLIM, levels=12)
    top = 0.5 * 36 + 5 * 9  # the corner (6, 3)
    expected = top * (np.arange(1, 13) / 12) ** 2
    assert panel.levels == pytest.approx(expected, rel=1e-9)


def test_log_levels_and_bad_spacing():
    panel = ContourPanel(_ax(), Rosenbrock(), (-2, 2), (-1, 3), spacing="log", levels=5)
    ratios = panel.levels[1:] / panel.levels[:-1]
    assert ratios == pytest.approx(np.full(4, 10.0))  # 1e-4 .. 1 of the range in 5 levels
    with pytest.raises(ValueError, match="spacing"):
        ContourPanel(_ax(), BOWL, XLIM, YLIM, spacing="cubic")
    with pytest.raises(ValueError, match="2-D"):
        ContourPanel(_ax(), Quadratic(1.0), XLIM, YLIM)


def test_two_pits_are_marked_with_their_saddle():
    p = TwoBasins2D()
    panel = ContourPanel(_ax(), p, (-2, 2), (-2, 2))
    assert np.column_stack(panel.minima.get_data()) == pytest.approx(p.minima)
    assert np.column_stack(panel.saddle.get_data())[0] == pytest.approx(p.saddle)


def test_long_paths_get_sparse_markers():
    run = gradient_descent(Rosenbrock(), [-1.2, 1.0], lr=1e-3, steps=1000)
    panel = ContourPanel(_ax(), Rosenbrock(), (-2, 2), (-1, 3), max_points=1000).update(run)
    assert panel.path.get_markevery() == 10
    short = ContourPanel(_ax(), BOWL, XLIM, YLIM).update(gradient_descent(BOWL, W0, 0.1, 20))
    assert short.path.get_markevery() is None


# --- FactorPanel ---------------------------------------------------------------------------


def test_factor_panel_lines_by_hand():
    panel = FactorPanel(_ax(), BOWL, (0.0, 0.25))
    lr, fx = panel.curves[0].get_data()
    _, fy = panel.curves[1].get_data()
    assert fx == pytest.approx(np.abs(1 - lr)) and fy == pytest.approx(np.abs(1 - 10 * lr))
    _, worst = panel.worst.get_data()
    assert worst == pytest.approx(np.maximum(np.abs(1 - lr), np.abs(1 - 10 * lr)))
    assert panel.best_line.get_xdata()[0] == pytest.approx(2 / 11)
    assert panel.crit_line.get_xdata()[0] == pytest.approx(0.2)
    assert panel.best_text.get_text() == "best 0.182 "
    assert panel.curves[0].get_color() == COLORS[0]


def test_factor_panel_update_marks_the_rate():
    panel = FactorPanel(_ax(), BOWL, (0.0, 0.25)).update(0.19)
    assert panel.dots[0].get_data()[1][0] == pytest.approx(0.81)
    assert panel.dots[1].get_data()[1][0] == pytest.approx(0.9)
    assert panel.label.get_text() == "lr = 0.19: x ×0.81, y ×-0.9"
    panel.set_problem(Quadratic([5.0, 5.0]))      # round bowl: both lines |1 - 10 lr|
    assert panel.label.get_text() == "lr = 0.19: x ×-0.9, y ×-0.9"
    assert panel.best_line.get_xdata()[0] == pytest.approx(0.1)


def test_factor_plot_default_range():
    fig, ax = factor_plot(BOWL, rates=[0.1])
    assert ax.get_xlim() == pytest.approx((0.0, 0.25))


# --- DirectionErrorPanel ---------------------------------------------------------------------


def test_direction_errors_by_value():
    center = np.array([1.0, 2.0])
    bowl = Quadratic([0.5, 5.0], center=center)
    run = gradient_descent(bowl, [-4.0, 4.0], lr=0.05, steps=10)
    panel = DirectionErrorPanel(_ax(), center, 10).update(run)
    t, ex = panel.lines[0].get_data()
    _, ey = panel.lines[1].get_data()
    assert ex == pytest.approx(5 * 0.95 ** np.arange(11))   # |x - x*| = 5 * 0.95^t
    assert ey == pytest.approx(2 * 0.5 ** np.arange(11))    # |y - y*| = 2 * 0.5^t
    assert len(panel.cross.get_data()[0]) == 0


def test_direction_errors_stop_where_a_run_diverges():
    # a run that diverges is NaN afterwards: nothing may be drawn at the floor after it
    run = gradient_descent(BOWL, W0, lr=0.21, steps=200)
    assert run.status == "diverged"
    panel = DirectionErrorPanel(_ax(), [0.0, 0.0], 200, ylim=(1e-10, 1e3)).update(run)
    for line in panel.lines:
        _, e = line.get_data()
        assert np.all(np.isfinite(e)) and np.all(e <= 1e3)
        assert len(e) <= int(run.status_step) + 1
    # |y_t| = 2 * 1.1^t passes 1e3 first at t = 66
    assert 2 * 1.1**65 < 1e3 < 2 * 1.1**66
    assert list(panel.cross.get_data()[0]) == [66]


# --- small multiples -------------------------------------------------------------------------


def test_contour_grid_runs_and_titles():
    fig, axes, runs = contour_grid(BOWL, W0, [0.1, 0.19], 30, XLIM, YLIM)
    assert len(axes) == 2
    assert [ax.get_title() for ax in axes] == ["lr = 0.1: x ×0.9, y ×0 per step",
                                               "lr = 0.19: x ×0.81, y ×-0.9 per step"]
    assert runs[1].w == pytest.approx(gradient_descent(BOWL, W0, 0.19, 30).w)


def test_contour_grid_broadcasts_problems_and_schedules():
    problems = [Quadratic([0.5, 5.0]), Quadratic([5.0, 5.0]), Quadratic([0.05, 5.0])]
    fig, axes, runs = contour_grid(problems, W0, 0.1, 10, XLIM, YLIM, ncols=2)
    assert len(runs) == 3 and not axes[3].get_visible()
    assert runs[1].w[1] == pytest.approx([0.0, 0.0])  # a round bowl at 1 / L: one step
    sched = exponential_decay(0.18, 1, 0.9)
    _, axes, runs = contour_grid(BOWL, [W0, [3.0, 1.0]], sched, 10, XLIM, YLIM)
    assert axes[0].get_title() == "lr 0.18, decay ×0.9 per step"
    assert runs[1].w[0].tolist() == [3.0, 1.0]
    with pytest.raises(ValueError, match="same length"):
        contour_grid(problems, [W0, W0], 0.1, 10, XLIM, YLIM)


def test_direction_errors_figure():
    fig, axes, runs = direction_errors(BOWL, W0, [0.1, 0.19], 20)
    assert len(axes) == 2 and axes[1].get_title().startswith("lr = 0.19")
    assert runs[0].w == pytest.approx(gradient_descent(BOWL, W0, 0.1, 20).w)


def test_a_new_bowl_leaves_what_did_not_change_clean():
    # stretched bowls keep the steep curvature 10: the y line and the limit 2 / 10 stay put,
    # and a live explorer redraws only what is stale
    ax = _ax()
    contour = ContourPanel(ax, stretched_bowl(10), XLIM, YLIM)
    panel = FactorPanel(ax.figure.add_subplot(2, 1, 2), stretched_bowl(10), (0.0, 0.25))
    for artist in (*ax.get_children(), *panel.ax.get_children()):
        artist.stale = False
    contour.set_problem(stretched_bowl(40))
    panel.set_problem(stretched_bowl(40))
    assert not contour.minima.stale and contour.lines.stale
    assert not panel.curves[1].stale and not panel.names[1].stale
    assert not panel.crit_line.stale and not panel.crit_text.stale
    assert panel.curves[0].stale and panel.worst.stale
    assert panel.best_line.stale and panel.best_text.stale
    # and all of it at the new bowl: curvatures 0.25 and 10, best rate 2 / 10.25
    assert panel.best_line.get_xdata()[0] == pytest.approx(2 / 10.25)
    assert panel.crit_line.get_xdata()[0] == pytest.approx(0.2)
    np.testing.assert_allclose(panel.curves[0].get_ydata(), np.abs(1 - 0.25 * panel.grid))
