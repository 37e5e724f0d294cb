"""`lrlab.training.read_loss_curve` names a loss curve by the rules of its docstring.

Each curve is built by hand so that its name follows from the rules by inspection
(its minimum, and the median of its second half, against the floor), and one real
run that lrlab reports as diverged reads "diverged".
"""

from __future__ import annotations

import numpy as np
import pytest

from lrlab.data import engel
from lrlab.training import CURVE_READINGS, read_loss_curve, summarize_seeds, train_seeds

FLOOR = 0.1


def test_a_slow_smooth_curve_that_never_nears_the_floor_is_too_small():
    curve = 0.2 + 0.8 * 0.99 ** np.arange(200)        # lowest value above 0.2 = 2 x floor
    assert read_loss_curve(curve, FLOOR) == "too small"


def test_a_curve_at_the_floor_with_rare_jumps_is_spikes():
    curve = np.full(220, FLOOR)
    curve[::11] = 5.0                                  # one jump in eleven updates
    assert read_loss_curve(curve, FLOOR) == "spikes"


def test_a_curve_mostly_far_above_the_floor_is_too_large():
    curve = np.tile([FLOOR, 2.0, 3.0], 70)             # touches the floor, median 2.0
    assert read_loss_curve(curve, FLOOR) == "too large"


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_curve_with_a_value_that_is_not_finite_diverged(bad):
    assert read_loss_curve([1.0, 0.5, 40.0, bad], FLOOR) == "diverged"


def test_the_thresholds_are_multiples_of_the_floor():
    curve = np.full(10, 0.125)                         # 1.25 x floor, flat
    assert read_loss_curve(curve, FLOOR) == "spikes"                # 1.25 <= 1.3 and < 1.5
    assert read_loss_curve(curve, FLOOR, near=1.2) == "too small"   # 1.25 > 1.2
    assert read_loss_curve(curve, FLOOR, typical=1.2) == "too large"  # 1.25 >= 1.2


def test_only_the_second_half_sets_the_typical_level():
    curve = np.r_[np.full(10, 3.0), np.full(10, FLOOR)]   # high first, then at the floor
    assert read_loss_curve(curve, FLOOR) == "spikes"
    assert read_loss_curve(curve[::-1], FLOOR) == "too large"


def test_a_run_lrlab_calls_diverged_reads_diverged():
    result = train_seeds(engel(), "constant", 3.0, 2, 16, seeds=[0])
    assert summarize_seeds(result)["diverged"] == 1
    assert read_loss_curve(result.held_loss[:, 0], result.exact) == "diverged"


def test_the_names_are_the_four_readings():
    assert set(CURVE_READINGS) == {"too small", "too large", "spikes", "diverged"}


@pytest.mark.parametrize("kwargs, message", [
    ({"loss": [[0.1, 0.2]], "floor": FLOOR}, "loss must be a 1-D array of at least 2"),
    ({"loss": [0.1], "floor": FLOOR}, "loss must be a 1-D array of at least 2"),
    ({"loss": ["a", "b"], "floor": FLOOR}, "loss must be a 1-D array of losses"),
    ({"loss": [0.1, -0.2], "floor": FLOOR}, "loss must hold finite numbers >= 0"),
    ({"loss": [0.1, 0.2], "floor": 0.0}, "floor must be a finite number > 0"),
    ({"loss": [0.1, 0.2], "floor": FLOOR, "near": 0.5}, "near must be a finite number >= 1"),
    ({"loss": [0.1, 0.2], "floor": FLOOR, "typical": np.nan},
     "typical must be a finite number >= 1"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        read_loss_curve(**kwargs)
