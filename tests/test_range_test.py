"""lrlab.range_test: the geometric ramp, reading the curve, and the whole test.

Expected values come from the ramp's formula, from loss curves written by
hand, and, for the test on a 1-D bowl, from the closed form of gradient
descent there (each update multiplies the error by ``1 - 2 a lr``), computed
here with a plain loop and read with the documented rule.
"""

import numpy as np
import pytest

from lrlab import LeastSquares, Quadratic, critical_lr
from lrlab.data import ManySeeds, engel
from lrlab.range_test import geometric_ramp, range_test, read_curve


def test_geometric_ramp_formula_and_ends():
    ramp = geometric_ramp(1e-3, 10.0, 101)
    t = np.arange(101)
    np.testing.assert_allclose(ramp(t), 1e-3 * (1e4) ** (t / 100), rtol=1e-12)
    ratios = ramp(t[1:]) / ramp(t[:-1])
    np.testing.assert_allclose(ratios, 10 ** 0.04, rtol=1e-12)   # the same factor every update
    assert ramp(0) == pytest.approx(1e-3) and ramp(100) == pytest.approx(10.0)


def test_geometric_ramp_checks_its_arguments():
    with pytest.raises(ValueError, match="lr_max"):
        geometric_ramp(1.0, 0.5, 10)
    with pytest.raises(ValueError, match="steps"):
        geometric_ramp(0.1, 1.0, 1)


def test_read_curve_on_a_hand_written_curve():
    lr = [0.01, 0.1, 1.0, 10.0, 100.0]
    # lowest 0.2 at lr 1; 0.6 is 3x the lowest (not yet 4x); 3.0 is 15x
    assert read_curve(lr, [0.9, 0.5, 0.2, 0.6, 3.0], start_loss=1.0) == (1.0, 100.0, 10.0)
    # a NaN counts as blown up; the best is the lowest finite loss
    best, explode, suggested = read_curve(lr, [0.9, 0.5, np.nan, 0.1, 0.1], start_loss=1.0)
    assert (best, explode, suggested) == (10.0, 1.0, 0.1)


def test_read_curve_never_blowing_up_gives_nan():
    best, explode, suggested = read_curve([0.1, 0.2, 0.3], [0.9, 0.8, 0.7], start_loss=1.0)
    assert best == 0.3 and np.isnan(explode) and np.isnan(suggested)


def test_read_curve_reads_each_column_of_a_batch():
    loss = np.array([[0.5, 0.5], [0.4, 3.0], [2.0, 3.0]])
    best, explode, suggested = read_curve([1.0, 2.0, 3.0], loss, start_loss=[1.0, 1.0],
                                          blowup=4.0, factor=2.0)
    np.testing.assert_array_equal(best, [2.0, 1.0])
    np.testing.assert_array_equal(explode, [3.0, 2.0])     # 2.0 > 4 x 0.4; 3.0 > 4 x 0.5
    np.testing.assert_array_equal(suggested, [1.5, 1.0])


def test_read_curve_checks_shapes():
    with pytest.raises(ValueError, match="one row per rate"):
        read_curve([0.1, 0.2], [1.0, 2.0, 3.0], start_loss=1.0)


def _bowl_reading(a, w0, lrs, blowup=4.0):
    """The documented reading, from the closed form on a (w - 0)^2 bowl, by a plain loop."""
    e, lowest = w0, a * w0 * w0
    losses = []
    for lr in lrs:
        e *= 1 - 2 * a * lr
        loss = a * e * e
        losses.append(loss)
        lowest = min(lowest, loss)
        if loss > blowup * lowest:
            return lrs[int(np.argmin(losses))], lr
    return lrs[int(np.argmin(losses))], np.nan


def test_range_test_on_a_bowl_matches_the_closed_form():
    bowl = Quadratic(2.0)
    test = range_test(bowl, 1.0, lr_min=1e-3, lr_max=10.0, steps=80)
    lrs = [1e-3 * 1e4 ** (t / 79) for t in range(80)]
    best, explode = _bowl_reading(2.0, 1.0, lrs)
    assert test.lr_best == pytest.approx(best)
    assert test.lr_explode == pytest.approx(explode)
    assert test.suggested_lr == pytest.approx(explode / 10)
    # below the critical rate 1/a every factor |1 - 2a lr| is < 1: no blow-up there
    assert test.lr_explode > critical_lr(bowl) == 0.5


def test_range_test_over_seeds_equals_one_test_per_seed():
    train = engel().problem(batch_size=16)
    many = range_test(ManySeeds(train, [0, 4]), np.zeros((2, 2)), steps=60)
    assert many.loss.shape == (60, 2) and many.lr_explode.shape == (2,)
    for i, s in enumerate([0, 4]):
        one = range_test(LeastSquares(train.X, train.y, batch_size=16, seed=s), np.zeros(2),
                         steps=60)
        np.testing.assert_array_equal(many.loss[:, i], one.loss)
        assert many.lr_explode[i] == one.lr_explode


def test_range_test_pairs_each_loss_with_the_rate_that_made_it():
    train = engel().problem(batch_size=16)
    test = range_test(train, np.zeros(2), steps=30)
    np.testing.assert_array_equal(test.loss, test.run.loss[1:])
    used = np.isfinite(test.run.lr)            # a diverged run records NaN after it blew up
    np.testing.assert_array_equal(test.lr[used], test.run.lr[used])
    assert test.start_loss == pytest.approx(np.mean(train.y ** 2))   # w = 0 predicts 0
