"""The explorers' number sliders hold exactly the numbers a lesson names.

The page sends a LadderSlider's position (an index), so whatever code sets is
what the page shows; these tests pin down that the numbers the course names
are positions, that neighbours are close enough for a hand, and that a number
off the ladder is refused with the nearest positions named.
"""

from __future__ import annotations

import numpy as np
import pytest

from lrlab.explore.base import LadderSlider, linear_values, log_slider, nice_values

# rates, curvatures and conditions the notebooks and the issue name
NAMED = [0.001, 0.0018, 0.003, 0.03, 0.05, 0.1, 0.18, 0.19, 0.2, 0.21, 0.25, 0.4, 0.5, 0.8,
         0.9, 1.0, 1.05, 1.18, 1.2, 1.4, 1.5, 2.5, 4.0, 5.0, 6.0, 10.0, 100.0]


def test_every_named_number_is_a_position_exactly():
    positions = nice_values(1e-3, 100.0)
    for x in NAMED:
        assert x in positions, x


def test_neighbours_are_at_most_2_5_percent_apart():
    positions = np.array(nice_values(1e-3, 10.0))
    ratios = positions[1:] / positions[:-1]
    assert ratios.max() <= 1.025 + 1e-12 and ratios.min() > 1.004


def test_linear_positions_are_the_decimals():
    values = linear_values(0.5, 1.0, 0.005)
    assert values[60] == 0.8 and values[94] == 0.97 and values[-1] == 1.0


def test_a_value_set_is_the_value_shown():
    s = log_slider("learning rate", 0.2, 1e-3, 2.0)
    for x in (1.2, 0.19, 6e-3, 2.0, 1e-3):
        s.value = x
        assert s.value == x and s.positions[s.index] == x and float(s.label) == x


def test_a_value_off_the_ladder_is_refused_with_the_nearest_named():
    s = log_slider("learning rate", 0.2, 1e-3, 2.0)
    with pytest.raises(ValueError, match=r"got 0.1234 \(the nearest are 0.123 and 0.124\)"):
        s.value = 0.1234
    assert s.value == 0.2
    assert s.nearest(0.1234) == 0.123 and s.nearest(50) == 2.0 and s.nearest(0) == 0.001


def test_a_start_off_the_ladder_becomes_a_position():
    s = LadderSlider("peak rate", nice_values(1e-3, 3.0), 0.0561234)
    assert s.value == 0.0561234 and 0.0561234 in s.positions and s.label


def test_the_label_is_set_at_the_first_position():
    s = log_slider("learning rate", 0.001, 1e-3, 2.0)
    assert s.index == 0 and s.label == "0.001"
