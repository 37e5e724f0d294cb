"""Momentum, Nesterov and Adam in lrlab.descent, and the Keras momentum convention.

Expected values come from closed forms worked by hand (first steps), from the
same runs made one at a time, or from float64 (for float32). The library
comparisons are in test_momentum_vs_torch.py.
"""

import numpy as np
import pytest

from lrlab import Quadratic, adam, blog_post_problem, exponential_decay, gradient_descent
from lrlab.conventions import keras_momentum_path, momentum_convention_gap

PARABOLA = blog_post_problem()
BOWL = Quadratic([0.5, 5.0])
W0 = np.array([-5.0, 2.0])


def test_first_steps_by_hand():
    # (w + 1)^2 from 5: g0 = 12. Heavy ball: w1 = 5 - 0.1 * 12 = 3.8; g1 = 9.6,
    # buf = 0.9 * 12 + 9.6 = 20.4, w2 = 3.8 - 2.04 = 1.76.
    run = gradient_descent(PARABOLA, 5.0, 0.1, 2, momentum=0.9)
    np.testing.assert_allclose(run.w, [5.0, 3.8, 1.76], rtol=1e-14)
    # Nesterov: buf = 12, step 0.1 * (12 + 0.9 * 12) = 2.28 -> 2.72
    run = gradient_descent(PARABOLA, 5.0, 0.1, 1, momentum=0.9, nesterov=True)
    np.testing.assert_allclose(run.w, [5.0, 2.72], rtol=1e-14)


def test_zero_momentum_is_plain_descent():
    plain = gradient_descent(BOWL, W0, 0.15, 50)
    for nesterov in (False, True):
        heavy = gradient_descent(BOWL, W0, 0.15, 50, momentum=0.0, nesterov=nesterov)
        np.testing.assert_array_equal(heavy.w, plain.w)


def test_grid_of_rates_and_momenta_matches_single_runs():
    rates = np.array([0.05, 0.5, 1.5])[:, None]
    momenta = np.array([0.0, 0.5, 0.9, 0.99])
    for nesterov in (False, True):
        grid = gradient_descent(PARABOLA, 5.0, rates, 60, momentum=momenta, nesterov=nesterov)
        assert grid.status.shape == (3, 4)
        for i, lr in enumerate(rates[:, 0]):
            for j, beta in enumerate(momenta):
                one = gradient_descent(PARABOLA, 5.0, float(lr), 60, momentum=float(beta),
                                       nesterov=nesterov)
                np.testing.assert_array_equal(grid.w[:, i, j], one.w)
                assert grid.status[i, j] == one.status


def test_grid_on_a_2d_problem_and_start_points():
    starts = np.array([[-5.0, 2.0], [1.0, 1.0]])
    grid = gradient_descent(BOWL, starts, 0.1, 30, momentum=[[0.5], [0.9]])
    assert grid.w.shape == (31, 2, 2, 2)
    one = gradient_descent(BOWL, starts[1], 0.1, 30, momentum=0.9)
    np.testing.assert_array_equal(grid.w[:, 1, 1], one.w)


def test_float32_follows_float64():
    for opt in (lambda dt: gradient_descent(PARABOLA, 5.0, 0.3, 40, momentum=0.5, dtype=dt),
                lambda dt: adam(PARABOLA, 5.0, 0.3, 40, dtype=dt)):
        r32, r64 = opt(np.float32), opt(np.float64)
        assert r32.w.dtype == np.float32
        np.testing.assert_allclose(r32.w, r64.w, rtol=1e-5, atol=1e-5)


def test_momentum_statuses():
    # limit 2 (1 + beta) / L with L = 2: 1.5 at beta 0.5
    runs = gradient_descent(PARABOLA, 5.0, [1.4, 1.6], 400, momentum=0.5)
    assert runs.status.tolist() == ["converged", "diverged"]


@pytest.mark.parametrize("kwargs, match", [
    (dict(momentum=1.0), "momentum must hold finite numbers >= 0 and < 1"),
    (dict(momentum=-0.1), "momentum"),
    (dict(momentum=[0.1, 0.2, 0.3], lr=[0.1, 0.2]), "batch of momenta"),
])
def test_bad_momentum(kwargs, match):
    kw = {"lr": 0.1, **kwargs}
    with pytest.raises(ValueError, match=match):
        gradient_descent(PARABOLA, 5.0, kw.pop("lr"), 5, **kw)


def test_nesterov_must_be_bool():
    with pytest.raises(TypeError, match="nesterov must be True or False"):
        gradient_descent(PARABOLA, 5.0, 0.1, 5, momentum=0.5, nesterov="yes")


@pytest.mark.parametrize("kwargs, match", [
    (dict(b1=1.0), "b1 must be"), (dict(b2=-0.5), "b2 must be"), (dict(eps=-1.0), "eps must"),
    (dict(steps=0), "steps must"), (dict(lr=0.0), "lr must"),
])
def test_bad_adam_arguments(kwargs, match):
    kw = {"lr": 0.1, "steps": 5, **kwargs}
    with pytest.raises(ValueError, match=match):
        adam(PARABOLA, 5.0, kw.pop("lr"), kw.pop("steps"), **kw)


def test_adam_rates_run_together():
    rates = [0.01, 0.1, 1.0]
    runs = adam(BOWL, W0, rates, 50)
    for i, lr in enumerate(rates):
        np.testing.assert_array_equal(runs.w[:, i], adam(BOWL, W0, lr, 50).w)


def test_adam_second_step_by_hand():
    # (w + 1)^2 from 5, lr 0.1: g0 = 12, w1 = 5 - 0.1 * 12 / (12 + eps), g1 = 2 (w1 + 1)
    b1, b2, eps = 0.9, 0.999, 1e-8
    g0 = 12.0
    w1 = 5.0 - 0.1 * g0 / (g0 + eps)
    g1 = 2 * (w1 + 1)
    m = (1 - b1) * g0 * b1 + (1 - b1) * g1
    v = (1 - b2) * g0**2 * b2 + (1 - b2) * g1**2
    w2 = w1 - 0.1 * (m / (1 - b1**2)) / (np.sqrt(v / (1 - b2**2)) + eps)
    np.testing.assert_allclose(adam(PARABOLA, 5.0, 0.1, 2).w, [5.0, w1, w2], rtol=1e-13)


def test_keras_and_torch_momentum_agree_for_a_constant_rate():
    keras = keras_momentum_path(BOWL, W0, 0.15, 80, 0.9)
    torch = gradient_descent(BOWL, W0, 0.15, 80, momentum=0.9).w
    scale = np.abs(torch).max(axis=0)
    assert np.all(np.abs(keras - torch) <= 1e-12 * scale)


def test_keras_momentum_under_a_schedule_by_hand():
    # lr 0.1 then 0.05; the blog post's problem from 5: g0 = 12, w1 = 3.8, g1 = 9.6.
    # Keras: v = 0.9 * (-1.2) - 0.05 * 9.6 = -1.56 -> w2 = 2.24
    # PyTorch: buf = 0.9 * 12 + 9.6 = 20.4, w2 = 3.8 - 0.05 * 20.4 = 2.78
    sched = exponential_decay(0.1, 1, 0.5)
    gap = momentum_convention_gap(PARABOLA, 5.0, sched, 2, 0.9)
    np.testing.assert_allclose(gap["keras"], [5.0, 3.8, 2.24], rtol=1e-14)
    np.testing.assert_allclose(gap["pytorch"], [5.0, 3.8, 2.78], rtol=1e-14)
    assert gap["gap"] == pytest.approx(0.54, rel=1e-12) and gap["gap_step"] == 2
