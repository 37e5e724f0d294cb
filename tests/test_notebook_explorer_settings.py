"""The explorers of notebooks 00-03 at the settings their prose tells the student to try.

These checks used to live in notebook cells that moved the sliders from code (and so
changed what the student saw first). Here each explorer is a fresh instance, driven the
same way, and every expected number comes from a closed form worked out in the test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest


def steps_to(factor, eps=1e-6):
    """Smallest whole t with |factor|^t <= eps (by hand: ceil(ln eps / ln |factor|))."""
    return math.ceil(math.log(eps) / math.log(abs(factor)))


def freeze(lr0, r, e0=6.0, center=-1.0):
    """-1 + 6 prod_t (1 - 2 lr0 r^t), the freeze point of a decay on (w + 1)^2."""
    return center + e0 * math.prod(1 - 2 * lr0 * r**t for t in range(5000))


@pytest.mark.parametrize("lr, decay, head, tail", [
    (0.03, 1.0, "too small:", f"error x1e-06 in {steps_to(0.94)} steps"),
    (0.9, 1.0, "oscillating:", f"error x1e-06 in {steps_to(0.8)} steps"),
    (1.05, 1.0, "divergent:", "error x1e-06 never"),
])
def test_00_rate_and_decay_without_decay(lr, decay, head, tail):
    from lrlab.explore.one_d import RateAndDecayExplorer

    explorer = RateAndDecayExplorer(lr=lr, decay_rate=decay, steps=50, lr_range=(0.005, 1.25))
    assert explorer.text.startswith(head) and explorer.text.endswith(tail), explorer.text


def test_00_opens_on_the_state_its_prose_describes():
    from lrlab.explore.one_d import RateAndDecayExplorer

    explorer = RateAndDecayExplorer(lr=0.03, decay_rate=1.0, steps=50, lr_range=(0.005, 1.25))
    assert steps_to(1 - 2 * 0.03) == 224                     # "error x1e-06 in 224 steps"
    assert explorer.text.endswith("error x1e-06 in 224 steps")


def test_00_decay_rescues_a_rate_that_starts_too_large():
    from lrlab.explore.one_d import RateAndDecayExplorer

    explorer = RateAndDecayExplorer(lr=1.05, decay_rate=0.95, steps=50, lr_range=(0.005, 1.25))
    text = explorer.text
    gap = abs(freeze(1.05, 0.95) + 1)
    assert gap < 1e-6 * 6
    assert text.startswith("starts divergent, rate x0.95 per step; converges:")
    assert "within 1e-06 of the start's error" in text and "reaches" not in text


def test_00_decay_freezes_a_small_rate_far_from_the_bottom():
    from lrlab.explore.one_d import RateAndDecayExplorer

    explorer = RateAndDecayExplorer(lr=0.03, decay_rate=0.95, steps=50, lr_range=(0.005, 1.25))
    assert explorer.text.startswith("starts too small, rate x0.95 per step; freezes short:")
    assert f"freezes at w = {freeze(0.03, 0.95):.6g}" in explorer.text


@pytest.mark.parametrize("w0", [5.0, -4.0])
def test_01_steps_do_not_depend_on_the_start(w0):
    from lrlab import blog_post_problem
    from lrlab.explore.one_d import DescentExplorer

    explorer = DescentExplorer(blog_post_problem(), w0=w0, lr=0.2, steps=30,
                               controls=("lr", "w0", "steps"), lr_range=(0.005, 2.0))
    assert explorer.text.startswith("monotone:")
    assert explorer.text.endswith(f"error x1e-06 in {steps_to(0.6)} steps")
    explorer.controls["lr"].value = 0.8                      # |1 - 1.6| = 0.6 as well
    assert explorer.text.startswith("oscillating:")
    assert explorer.text.endswith(f"error x1e-06 in {steps_to(0.6)} steps")


@pytest.mark.parametrize("lr, regime", [(0.01, "too small"), (0.2, "monotone"),
                                        (0.5, "one step"), (0.8, "oscillating"),
                                        (1.0, "on the edge"), (1.2, "divergent")])
def test_02_regime_explorer_names_each_regime(lr, regime):
    from lrlab.explore.one_d import RegimeExplorer

    explorer = RegimeExplorer(lr=lr, steps=30, controls=("lr", "steps"), xlim=(-12.0, 10.0))
    assert explorer.text.startswith(regime + ":")
    assert f"each step multiplies the error by {1 - 2 * lr:.2g}" in explorer.text


@pytest.mark.parametrize("a, regime", [(0.2, "too small"), (1.0, "monotone"), (2.5, "one step"),
                                       (4.0, "oscillating"), (5.0, "on the edge"),
                                       (6.0, "divergent")])
def test_02_curvature_slides_the_picture_under_a_fixed_rate(a, regime):
    from lrlab.explore.one_d import RegimeExplorer

    explorer = RegimeExplorer(lr=0.2, a=1.0, controls=("lr", "a"), xlim=(-12.0, 10.0))
    explorer.controls["a"].value = a
    assert explorer.text.startswith(regime + ":"), explorer.text
    assert f"limit {1 / a:.3g}" in explorer.text


@pytest.mark.parametrize("w0, lr, words", [
    (1.6, 0.05, "settled in the shallower pit"),
    (1.6, 0.2, "settled in the deeper pit"),
    (1.6, 0.25, "still moving in the deeper pit"),
    (1.6, 0.4, "left both pits"),
    (-1.6, 0.2, "settled in the shallower pit"),
])
def test_02_pits_explorer(w0, lr, words):
    from lrlab.explore.one_d import BasinsExplorer

    explorer = BasinsExplorer(lr=lr, w0=w0, controls=("lr", "w0"))
    assert words in explorer.text, explorer.text


@pytest.mark.parametrize("lr0, r, head, words", [
    (0.2, 0.8, "freezes short:", f"freezes at w = {freeze(0.2, 0.8):.6g}"),
    (0.2, 0.95, "freezes short:", f"freezes at w = {freeze(0.2, 0.95):.6g}"),
    (0.2, 0.99, "converges:", "within 1e-06 of the start's error"),
    (1.5, 0.9, "converges:", f"freezes {abs(freeze(1.5, 0.9) + 1):.2g} from the minimum"),
])
def test_03_decay_explorer(lr0, r, head, words):
    from lrlab.explore.one_d import DescentExplorer

    explorer = DescentExplorer(
        controls=("lr", "decay_rate", "decay_steps", "staircase", "steps"),
        lr=lr0, decay_rate=r, decay_steps=1, staircase=True, steps=100, max_steps=300,
        lr_range=(0.01, 3.0), xlim=(-4.0, 6.5))
    assert explorer.text.startswith(head), explorer.text
    assert words in explorer.text and "reaches" not in explorer.text
    np.testing.assert_allclose(explorer.run.lr[:3], lr0 * r ** np.arange(3), rtol=1e-12)
