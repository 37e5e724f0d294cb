"""lrlab.adam against a plain-Python Adam written out here, and its argument checks.

The expected trajectories come from the loop below (PyTorch's and optax's formula, one
coordinate at a time in Python floats); the library's own values are in
tests/test_momentum_vs_torch.py.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from lrlab import Quadratic, adam, exponential_decay

BOWL = Quadratic([0.5, 5.0], center=[1.0, -2.0])
PARABOLA = Quadratic(1.0, center=-1.0)


def plain_adam(a, center, w0, rates, b1=0.9, b2=0.999, eps=1e-8):
    """Adam on sum_i a_i (w_i - c_i)^2, coordinate by coordinate, in Python floats."""
    path = [list(w0)]
    m = [0.0] * len(w0)
    v = [0.0] * len(w0)
    for t, lr in enumerate(rates):
        w = list(path[-1])
        for i in range(len(w)):
            g = 2 * a[i] * (w[i] - center[i])
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat = m[i] / (1 - b1 ** (t + 1))
            v_hat = v[i] / (1 - b2 ** (t + 1))
            w[i] = w[i] - lr * m_hat / (math.sqrt(v_hat) + eps)
        path.append(w)
    return np.array(path)


@pytest.mark.parametrize(("b1", "b2", "eps"), [(0.9, 0.999, 1e-8), (0.5, 0.9, 0.1),
                                               (0.0, 0.0, 0.0)])
def test_two_d_path_equals_the_loop_written_out(b1, b2, eps):
    run = adam(BOWL, [-3.0, 2.0], lr=0.2, steps=25, b1=b1, b2=b2, eps=eps)
    expected = plain_adam([0.5, 5.0], [1.0, -2.0], [-3.0, 2.0], [0.2] * 25, b1, b2, eps)
    np.testing.assert_allclose(run.w, expected, rtol=1e-13, atol=1e-15)
    assert run.w.shape == (26, 2) and run.grad.shape == (25, 2) and run.loss.shape == (26,)
    np.testing.assert_allclose(run.grad[0], [2 * 0.5 * (-4.0), 2 * 5.0 * 4.0])
    np.testing.assert_allclose(run.loss[0], 0.5 * 16 + 5.0 * 16)


def test_first_step_is_lr_times_the_sign_whatever_the_gradient():
    for w0 in (5.0, 500.0, -7.0):
        run = adam(PARABOLA, w0, lr=0.1, steps=1)
        g = 2 * (w0 + 1)
        assert run.w[1] == pytest.approx(w0 - 0.1 * g / (abs(g) + 1e-8), rel=1e-15)


def test_a_grid_of_rates_and_a_schedule():
    rates = np.array([0.01, 0.1, 1.0])
    run = adam(PARABOLA, 5.0, lr=rates, steps=30)
    assert run.w.shape == (31, 3)
    for j, lr in enumerate(rates):
        np.testing.assert_allclose(run.w[:, j], plain_adam([1.0], [-1.0], [5.0], [lr] * 30)[:, 0],
                                   rtol=1e-13)
    # start points and rates broadcast: 2 starts x 3 rates
    grid = adam(PARABOLA, np.array([[5.0], [-3.0]]), lr=rates, steps=5)
    assert grid.w.shape == (6, 2, 3)
    np.testing.assert_allclose(grid.w[:, 1, 2],
                               plain_adam([1.0], [-1.0], [-3.0], [1.0] * 5)[:, 0], rtol=1e-13)
    sched = exponential_decay(0.5, 1, 0.9)
    run = adam(PARABOLA, 5.0, lr=sched, steps=20)
    want = plain_adam([1.0], [-1.0], [5.0], [0.5 * 0.9 ** t for t in range(20)])[:, 0]
    np.testing.assert_allclose(run.w, want, rtol=1e-12)
    np.testing.assert_allclose(run.lr, [0.5 * 0.9 ** t for t in range(20)], rtol=1e-15)


def test_float32_runs_in_float32():
    run = adam(BOWL, [-3.0, 2.0], lr=0.2, steps=10, dtype=np.float32)
    assert run.w.dtype == np.float32 and run.grad.dtype == np.float32
    expected = plain_adam([0.5, 5.0], [1.0, -2.0], [-3.0, 2.0], [0.2] * 10)
    np.testing.assert_allclose(run.w, expected, rtol=1e-5, atol=1e-6)


def test_statuses_converged_running_and_diverged():
    # at lr 0.01 Adam crawls: 300 steps move w by at most 3, so it is still running
    slow = adam(PARABOLA, 5.0, lr=0.01, steps=300)
    assert slow.status == "running"
    fast = adam(PARABOLA, 5.0, lr=0.5, steps=2000, tol=1e-6)
    assert fast.status == "converged" and 0 < fast.status_step < 2000
    # a loss bound: the first point above max_loss ends the run as diverged, and what
    # follows is blanked
    run = adam(PARABOLA, 5.0, lr=20.0, steps=20, max_loss=40.0)   # first step to -15
    assert run.status == "diverged"
    k = int(run.status_step)
    assert k == 1 and run.w[1] == pytest.approx(-15.0) and run.loss[1] == pytest.approx(196.0)
    assert np.isnan(run.w[k + 1:]).all() and np.isnan(run.loss[k + 1:]).all()


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(steps=0), "steps must be an integer >= 1 and <= 1e+07, got 0"),
    (dict(steps=10_000_001), "steps must be an integer >= 1 and <= 1e+07, got 10000001"),
    (dict(b1=1.0), "b1 must be a finite number >= 0 and < 1, got 1.0"),
    (dict(b1=-0.1), "b1 must be a finite number >= 0 and < 1, got -0.1"),
    (dict(b2=1.0), "b2 must be a finite number >= 0 and < 1, got 1.0"),
    (dict(b2=-0.1), "b2 must be a finite number >= 0 and < 1, got -0.1"),
    (dict(eps=-1.0), "eps must be a finite number >= 0, got -1.0"),
    (dict(tol=-1.0), "tol must be a finite number >= 0, got -1.0"),
    (dict(max_loss=0.0), "max_loss must be a finite number > 0, got 0.0"),
    (dict(dtype=np.int32), "dtype must be np.float32 or np.float64, got int32"),
])
def test_bad_arguments_name_themselves(kwargs, message):
    args = {"steps": 10, **kwargs}
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        adam(PARABOLA, 5.0, 0.1, **args)


def test_bad_problem_and_start_points():
    with pytest.raises(TypeError, match="^problem must be an lrlab Problem, got str$"):
        adam("bowl", 5.0, 0.1, 10)
    with pytest.raises(ValueError, match=r"^w0 must have shape batch \+ \(2,\) for "):
        adam(BOWL, [1.0, 2.0, 3.0], 0.1, 10)
    with pytest.raises(ValueError, match=r"^w0 must have shape batch \+ \(2,\) for .*got \(\)$"):
        adam(BOWL, 1.0, 0.1, 10)
    with pytest.raises(ValueError, match=r"^the batch of start points \(2,\) and the batch of "
                                         r"rates \(3,\) must broadcast together$"):
        adam(PARABOLA, [1.0, 2.0], [0.1, 0.2, 0.3], 10)
    with pytest.raises(ValueError, match="^w0 "):
        adam(PARABOLA, [np.nan], 0.1, 10)
