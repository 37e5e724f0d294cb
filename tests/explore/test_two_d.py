"""lrlab.explore.two_d: the 2-D explorers, driven from code as the notebooks and a click do."""

import html
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backend_bases import MouseEvent  # noqa: E402

from lrlab import Quadratic, Rosenbrock, gradient_descent  # noqa: E402
from lrlab.explore.base import Explorer  # noqa: E402
from lrlab.explore.two_d import BowlExplorer, LandscapeExplorer  # noqa: E402
from lrlab.problems import TwoBasins2D, stretched_bowl  # noqa: E402

BOWL = Quadratic(a=[0.5, 5.0])  # what BowlExplorer shows at condition 10


def _click(explorer, ax, x, y, button=1):
    """Send a mouse press at data point (x, y) of ``ax`` through the canvas's callbacks."""
    px, py = ax.transData.transform((x, y))
    event = MouseEvent("button_press_event", explorer.canvas, px, py, button=button)
    explorer.canvas.callbacks.process("button_press_event", event)


def test_bowl_explorer_is_an_explorer_with_the_css_classes():
    e = BowlExplorer()
    assert isinstance(e, Explorer)
    assert "lrlab-explorer" in e.box._dom_classes
    assert "lrlab-readout" in e.readout._dom_classes
    assert list(e.controls) == ["lr", "condition", "x0", "y0", "steps"]


def test_bowl_explorer_runs_what_it_says():
    e = BowlExplorer(lr=0.19, steps=60)
    expected = gradient_descent(BOWL, [-5.0, 2.0], 0.19, 60)
    assert e.run.w == pytest.approx(expected.w)
    # at 0.19: x x0.81, y x-0.9, so y is last; 0.9^t <= 1e-3 first at t = 66
    assert 0.9**65 > 1e-3 >= 0.9**66
    assert e.text.startswith("lr 0.19 on a bowl with k = 10: x ×0.81, y ×-0.9 per step, "
                             "y converges last; error ×0.001 in 66 steps "
                             "(best rate 0.182: 35 steps)")
    e.controls["lr"].value = 0.1
    assert "x converges last" in e.text


def test_bowl_explorer_divergence():
    e = BowlExplorer(lr=0.21, steps=200)
    assert e.summary["status"] == "diverged"
    run = gradient_descent(stretched_bowl(10), [e.values["x0"], e.values["y0"]], 0.21, 200)
    assert run.status == "diverged"
    assert (f"the error grows: diverged at step {int(run.status_step)} of 200 "
            "(converges only below lr = 0.2)") in e.text
    assert e.contour.exit_text.get_text() == "left the plot at step 5"


def test_a_start_on_the_minimum_in_the_unstable_direction_is_not_called_growing():
    # above the limit 0.2, y's factor is -1.1, but a start with y0 = 0 (the minimum's y) has
    # no error in y to blow up: the run converges in x alone, and the readout says so
    e = BowlExplorer(lr=0.21, steps=60)
    e.controls["y0"].value = 0.0
    run = gradient_descent(stretched_bowl(10), [e.values["x0"], 0.0], 0.21, 60)
    assert run.status != "diverged" and np.all(run.w[:, 1] == 0.0)
    assert abs(run.w[-1, 0]) < abs(run.w[0, 0])                   # x still converges
    assert "grows" not in e.text and "diverged" not in e.text
    assert "would blow up any error in y, but the start has none there, so it stays 0" in e.text
    e.controls["y0"].value = 0.5                                  # now there is one to grow
    assert "so the error grows: still growing after 60 steps" in e.text


def test_a_rate_change_keeps_the_contours_a_condition_change_moves_them():
    e = BowlExplorer()
    fill, lines = e.contour.fill, e.contour.lines
    rings = [seg.copy() for seg in lines.get_segments()]
    children = list(e.contour.ax.get_children())
    e.controls["lr"].value = 0.15
    e.controls["steps"].value = 90
    assert e.contour.fill is fill
    assert all(np.array_equal(a, b) for a, b in zip(rings, lines.get_segments(), strict=True))
    e.controls["condition"].value = 50.0
    # the same artists (none added or removed), now on the new bowl 0.1 x^2 + 5 y^2:
    # its top level is the corner's loss 0.1 * 36 + 5 * 9, level i of 12 is top * (i / 12)^2
    assert e.contour.fill is fill and e.contour.lines is lines
    assert list(e.contour.ax.get_children()) == children
    levels = 48.6 * (np.arange(1, 13) / 12) ** 2
    for level, ring in zip(levels, lines.get_segments(), strict=True):
        assert 0.1 * ring[:, 0] ** 2 + 5 * ring[:, 1] ** 2 == pytest.approx(
            np.full(len(ring), level), rel=1e-9)
    # curvatures now 10 / 50 and 10: the run is on that bowl
    expected = gradient_descent(Quadratic([0.1, 5.0]), [-5.0, 2.0], 0.15, 90)
    assert e.run.w == pytest.approx(expected.w)


def test_every_control_changes_the_readout():
    e = BowlExplorer(controls=("lr", "condition", "x0", "y0", "steps", "decay_rate"))
    for name, value in [("lr", 0.15), ("condition", 20.0), ("x0", 3.0), ("y0", -1.0),
                        ("steps", 80), ("decay_rate", 0.95)]:
        before = e.text
        e.controls[name].value = value
        assert e.text != before, name


def test_decay_freeze_point_by_products():
    e = BowlExplorer(lr=0.18, decay_rate=0.9, controls=("lr", "decay_rate", "x0", "y0"))
    t = np.arange(5000)
    rates = 0.18 * 0.9**t
    x = -5.0 * np.prod(1 - 1.0 * rates)
    y = 2.0 * np.prod(1 - 10.0 * rates)
    assert e.summary["freeze"] == pytest.approx([x, y], rel=1e-9, abs=1e-300)
    assert "for ever it freezes at (-0.753, 2.7e-10)" in e.text
    e.controls["decay_rate"].value = 1.0
    assert "freezes" not in e.text


def test_set_start_and_clipping():
    e = BowlExplorer()
    e.set_start(1.0, -1.0)
    assert (e.controls["x0"].value, e.controls["y0"].value) == (1.0, -1.0)
    assert e.run.w[0].tolist() == [1.0, -1.0]
    assert "start (1, -1)" in e.text
    e.set_start(100.0, -100.0)
    assert e.run.w[0].tolist() == [6.0, -3.0]


def test_set_start_without_start_sliders():
    e = BowlExplorer(controls=("lr",))
    e.set_start(2.0, 1.0)
    assert e.run.w[0].tolist() == [2.0, 1.0]


def test_clicking_the_map_moves_the_start():
    e = BowlExplorer()
    _click(e, e.contour.ax, 2.0, 1.0)
    assert e.controls["x0"].value == pytest.approx(2.0, abs=0.02)
    assert e.controls["y0"].value == pytest.approx(1.0, abs=0.02)
    assert e.run.w[0] == pytest.approx([2.0, 1.0], abs=0.02)
    before = e.run.w[0].copy()
    _click(e, e.factors.ax, 0.1, 0.5)          # another panel: ignored
    _click(e, e.contour.ax, -3.0, -2.0, button=3)  # right button: ignored
    assert e.run.w[0].tolist() == before.tolist()


def test_clicking_is_ignored_while_zooming():
    e = BowlExplorer()
    toolbar = e.canvas.toolbar
    toolbar.zoom()                      # the zoom tool is on: the click is the zoom's
    _click(e, e.contour.ax, 2.0, 1.0)
    assert e.run.w[0].tolist() == [-5.0, 2.0]
    toolbar.zoom()                      # off again
    _click(e, e.contour.ax, 2.0, 1.0)
    assert e.run.w[0] == pytest.approx([2.0, 1.0], abs=0.02)


def test_bowl_explorer_rejects_unknown_controls():
    with pytest.raises(ValueError, match="controls"):
        BowlExplorer(controls=("lr", "momentum"))


def test_landscape_explorer_two_pits():
    p = TwoBasins2D()
    e = LandscapeExplorer(p, lr=0.15, x0=1.6, y0=1.5, steps=60, xlim=(-2, 2), ylim=(-1.8, 1.8),
                          lr_range=(0.005, 0.4), spacing="sqrt", log_loss=False)
    run = gradient_descent(p, [1.6, 1.5], 0.15, 60)
    assert e.run.w == pytest.approx(run.w)
    # it ends left of the saddle, and the left pit is the deeper one
    assert run.w[-1, 0] < p.saddle[0]
    assert p.loss(p.minima[0]) < p.loss(p.minima[1])
    assert e.text.startswith("from (1.6, 1.5), lr 0.15: settled in the deeper pit, "
                             "after crossing the saddle")
    e.controls["lr"].value = 0.1
    assert "settled in the shallower pit, where it started" in e.text
    _click(e, e.contour.ax, -1.5, 1.0)
    assert e.run.w[0] == pytest.approx([-1.5, 1.0], abs=0.02)


def test_landscape_explorer_rosenbrock_local_limit():
    e = LandscapeExplorer(Rosenbrock(), lr=1e-3, steps=500)
    x, y = e.run.w[-1]
    H = np.array([[2 - 400 * y + 1200 * x * x, -400 * x], [-400 * x, 200.0]])
    assert e.summary["local_limit"] == pytest.approx(2 / np.linalg.eigvalsh(H).max(), rel=1e-6)
    assert "so stable only below lr = " in e.text
    before = e.text
    e.controls["y0"].value = 2.0
    assert e.text != before and e.text.startswith("from (-1.2, 2)")


def test_landscape_explorer_needs_a_2d_problem():
    with pytest.raises(ValueError, match="2-D"):
        LandscapeExplorer(Quadratic(1.0))


def test_step_axes_end_at_1_2_or_5_times_a_power_of_ten():
    # most moves of the steps slider keep the limits, so only the lines are redrawn
    e = BowlExplorer(steps=60)
    for steps, top in ((60, 100), (90, 100), (101, 200), (40, 50)):
        e.controls["steps"].value = steps
        assert e.errors.ax.get_xlim() == (0, top)
        assert e.errors.lines[0].get_xdata()[-1] == steps
    fixed = BowlExplorer(steps=60, controls=("lr", "decay_rate"))     # no steps slider
    assert fixed.errors.ax.get_xlim() == (0, 60)
    rosen = LandscapeExplorer(Rosenbrock(), steps=3000)
    assert rosen.loss_panel.ax.get_xlim() == (0, 5000)
    rosen.controls["steps"].value = 1999
    assert rosen.loss_panel.ax.get_xlim() == (0, 2000)


def test_the_page_readout_is_two_short_sentences():
    e = BowlExplorer(lr=0.19, condition=10.0, steps=60)
    # factors 1 - lr L for L = 1 and 10; the slower |0.9| needs ceil(ln 1e-3 / ln 0.9) = 66 steps
    assert math.ceil(math.log(1e-3) / math.log(0.9)) == 66
    page = e.readout_text
    assert "x ×0.81, y ×-0.9 per step" in page and "error down to a thousandth in 66 steps" in page
    for lr in (0.19, 0.21, 0.25):
        e.controls["lr"].value = lr
        page = e.readout_text
        assert len(page) <= 170 and page.count(". ") <= 2, page
    assert e.readout.value.count(html.escape(e.readout_text)) == 1
