"""Axis ends that follow a slider in steps: lrlab.plot.round_up_limit and steady panels."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from lrlab import Quadratic  # noqa: E402
from lrlab.plot.base import FINE_LADDER, PathPanel, round_up_limit  # noqa: E402


@pytest.mark.parametrize("value, expected", [
    (1.0, 1.0), (1.0001, 2.0), (2.0, 2.0), (2.5, 5.0), (5.0, 5.0), (5.1, 10.0), (9.99, 10.0),
    (0.03, 0.05), (0.0525, 0.1), (31, 50), (51, 100), (1e-300, 1e-300), (3e300, 5e300),
])
def test_one_two_five(value, expected):
    assert round_up_limit(value) == pytest.approx(expected, rel=1e-12)


def test_fine_ladder_leaves_at_most_a_quarter_empty():
    for value in np.geomspace(1e-3, 1e3, 997):
        top = round_up_limit(float(value), FINE_LADDER)
        assert value <= top <= 4 / 3 * value * (1 + 1e-12)
        mantissa = top / 10 ** math.floor(math.log10(top) + 1e-12)
        assert any(math.isclose(mantissa, m, rel_tol=1e-9) for m in (*FINE_LADDER, 10.0))


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_values_are_refused_by_name(bad):
    with pytest.raises(ValueError, match="value"):
        round_up_limit(bad)


@pytest.mark.parametrize("ladder", [(), (2.0, 5.0), (1.0, 5.0, 2.0), (1.0, 10.0)])
def test_bad_ladders_are_refused_by_name(ladder):
    with pytest.raises(ValueError, match="ladder"):
        round_up_limit(3.0, ladder)


def test_a_steady_path_panel_keeps_its_limits_for_a_small_change_of_curvature():
    ax = Figure().subplots()
    panel = PathPanel(ax, Quadratic(1.0, center=-1.0), (-12.0, 10.0), steady=True)
    top = ax.get_ylim()[1]
    curve_top = (10.0 + 1.0) ** 2                      # the largest loss in the window
    assert curve_top <= top <= 4 / 3 * 1.06 * curve_top
    panel.set_problem(Quadratic(1.01, center=-1.0))    # one percent stiffer
    assert ax.get_ylim()[1] == top
    panel.set_problem(Quadratic(2.0, center=-1.0))     # twice as stiff: a new top
    assert ax.get_ylim()[1] >= 2 * curve_top


def test_a_loss_axis_longer_than_the_run_marks_where_the_run_stops():
    from lrlab.plot.base import LossPanel

    ax = Figure().subplots()
    panel = LossPanel(ax, 30)
    panel.set_steps(35, round_up_limit(35))
    assert ax.get_xlim() == (0.0, 50.0)
    assert panel.end_line.get_visible() and list(panel.end_line.get_xdata()) == [35, 35]
    panel.set_steps(50, round_up_limit(50))
    assert ax.get_xlim() == (0.0, 50.0) and not panel.end_line.get_visible()
