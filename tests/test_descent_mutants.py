"""The status rules of gradient descent, checked against a plain-Python reading of them.

``reference_run`` below re-implements, one step at a time in Python floats,
what ``Trajectory``'s docstring promises: the update, the divergence limit,
"converged" at the first gradient norm ``<= tol`` (the last point included),
"stalled" at the first update that leaves ``w`` unchanged with a nonzero
gradient, a tie going to "converged", "diverged" overriding both, and
everything after the divergence step blanked. Hypothesis drives both over
wide ranges, and hand-picked runs pin the edge cases a student's run can hit
(landing exactly on the minimum with ``tol=0``, a tie, a gradient that turns
small only at the last point, float32 numbers near 1e-38).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from testkit import check_message

from lrlab import Quadratic, gradient_descent
from lrlab.descent import STATUSES

f32 = np.float32
SMALLEST_NORMAL32 = 2.0**-126


def per_step(rates):
    """A schedule giving ``rates[t]`` at step ``t`` (a list of rates would be a batch)."""
    values = np.array(rates, dtype=np.float64)
    return lambda steps: values[np.asarray(steps)]


def reference_run(a, c, w0, rates, tol, max_loss=None):
    """Status, status step and points of a 1-D run on ``a (w - c)^2``, in Python floats."""
    w = [float(w0)]
    grads = []
    for r in rates:
        g = 2 * a * (w[-1] - c)
        grads.append(g)
        w.append(w[-1] - r * g)
    g_last = 2 * a * (w[-1] - c)
    loss = [a * ((x - c) * (x - c)) if math.isfinite(x) else math.inf for x in w]
    limit = max_loss if max_loss is not None else 1e6 * max(abs(loss[0]), 1.0)
    steps = len(rates)
    diverged = next((t for t, v in enumerate(loss) if not v <= limit or math.isinf(v)), None)
    small = [abs(g) <= tol for g in grads + [g_last]]
    converged = next((t for t in range(steps + 1) if small[t]), None)
    stalled = next((t for t in range(steps) if w[t + 1] == w[t] and grads[t] != 0), None)
    if diverged is not None:
        return "diverged", diverged, w
    if converged is not None and (stalled is None or converged <= stalled):
        return "converged", converged, w
    if stalled is not None:
        return "stalled", stalled, w
    return "running", -1, w


@settings(max_examples=300, deadline=None)
@given(a=st.floats(0.01, 100), c=st.floats(-10, 10), w0=st.floats(-100, 100),
       lr=st.floats(1e-20, 3.0), steps=st.integers(1, 60),
       tol=st.sampled_from([0.0, 1e-12, 1e-8, 1e-3, 0.5, 10.0]))
def test_statuses_follow_the_rules(a, c, w0, lr, steps, tol):
    run = gradient_descent(Quadratic(a, c), w0, lr, steps, tol=tol)
    status, step, w = reference_run(a, c, w0, [lr] * steps, tol)
    assert (str(run.status), int(run.status_step)) == (status, step)
    last = step if status == "diverged" else steps
    assert run.w[: last + 1].tolist() == w[: last + 1]


@settings(max_examples=200, deadline=None)
@given(w0=st.floats(0.5, 1e6), scale=st.sampled_from([0.5, 1.0, 2.0]),
       tiny=st.floats(1e-30, 1e-18))
def test_a_tie_between_converged_and_stalled_goes_to_converged(w0, scale, tiny):
    # a rate so small that the first update leaves w unchanged (stalled at 0) while
    # the gradient 2 w0 is already within tol (converged at 0) when scale >= 1
    tol = 2 * w0 * scale
    run = gradient_descent(Quadratic(1.0), w0, tiny, 5, tol=tol)
    expected = "converged" if scale >= 1 else "stalled"
    assert (run.status, run.status_step) == (expected, 0)


def test_tie_later_in_the_run():
    # the rates change: the run moves, then stalls at step 2, where its gradient
    # is also exactly at tol
    rates = [0.25, 0.25, 1e-30, 1e-30]
    run = gradient_descent(Quadratic(0.5), 8.0, per_step(rates), 4, tol=2.0)    # g = w
    assert run.w.tolist() == [8.0, 6.0, 4.5, 4.5, 4.5]
    assert (run.status, run.status_step) == ("stalled", 2)
    run = gradient_descent(Quadratic(0.5), 8.0, per_step(rates), 4, tol=4.5)
    assert (run.status, run.status_step) == ("converged", 2)


def test_landing_exactly_on_the_minimum_converges_with_tol_zero():
    run = gradient_descent(Quadratic(1.0), 5.0, 0.5, 10, tol=0)    # 5 - 0.5 * 10 = 0
    assert run.w[1] == 0.0
    assert (run.status, run.status_step) == ("converged", 1)
    batch = gradient_descent(Quadratic(1.0), [5.0, 3.0], 0.5, 3, tol=0)
    assert batch.status.tolist() == ["converged", "converged"]


def test_convergence_at_the_last_point_is_reported_there():
    # the gradient is large at every update and zero only at w[steps]
    for steps in (1, 3):
        rates = [0.1] * (steps - 1) + [0.5]
        run = gradient_descent(Quadratic(1.0), 5.0, per_step(rates), steps, tol=0)
        assert run.w[-1] == 0.0 and (run.grad != 0).all()
        assert (run.status, run.status_step) == ("converged", steps)


def test_a_run_that_never_converges_is_running():
    run = gradient_descent(Quadratic(1.0), 5.0, 0.1, 3, tol=1e-3)
    assert (run.status, run.status_step) == ("running", -1)


def test_everything_after_divergence_is_blank():
    run = gradient_descent(Quadratic(1.0), 5.0, per_step([0.1, 0.1, 5000.0, 0.1, 0.1]), 5)
    status, k, w = reference_run(1.0, 0.0, 5.0, [0.1, 0.1, 5000.0, 0.1, 0.1], 1e-8)
    assert (run.status, run.status_step) == (status, k) == ("diverged", 3)
    assert run.w[: k + 1].tolist() == w[: k + 1]
    assert np.isnan(run.w[k + 1:]).all() and np.isnan(run.loss[k + 1:]).all()
    assert np.isfinite(run.grad[:k]).all() and np.isnan(run.grad[k:]).all()
    assert np.isfinite(run.lr[:k]).all() and np.isnan(run.lr[k:]).all()
    assert np.isfinite(run.loss[: k + 1]).all()


def test_divergence_overrides_an_earlier_stall():
    # stalled at update 0 (a rate of 1e-30), then a huge rate: "diverged" wins
    run = gradient_descent(Quadratic(1.0), 5.0, per_step([1e-30, 1e6, 0.1]), 3)
    assert (run.status, run.status_step) == ("diverged", 2)


def test_max_loss_is_the_divergence_limit():
    # loss 25 * 0.36^t... with lr 0.2 on a = 1: 25, 9, 3.24: above 5 at steps 0 and 1
    run = gradient_descent(Quadratic(1.0), 5.0, 0.2, 3, max_loss=30.0)
    assert run.status != "diverged"
    run = gradient_descent(Quadratic(1.0), 5.0, 0.2, 3, max_loss=24.0)
    assert (run.status, run.status_step) == ("diverged", 0)
    # default limit: 1e6 times the start loss, or 1e6 when the start loss is below 1
    run = gradient_descent(Quadratic(1.0), 0.5, 1.5, 40)       # error times -2 a step
    status, k, _ = reference_run(1.0, 0.0, 0.5, [1.5] * 40, 1e-8)
    assert (run.status, run.status_step) == (status, k)
    assert 4**k * 0.25 > 1e6 >= 4 ** (k - 1) * 0.25


def test_two_coordinates_stall_only_when_both_freeze():
    # x moves, y has a zero gradient: not a stall; then both freeze
    bowl = Quadratic([0.5, 0.5], [0.0, 0.0])                # g = w
    run = gradient_descent(bowl, [4.0, 0.0], per_step([0.5, 1e-30, 1e-30]), 3, tol=0)
    assert run.w[:, 0].tolist() == [4.0, 2.0, 2.0, 2.0]
    assert (run.status, run.status_step) == ("stalled", 1)
    # the gradient norm, not one coordinate, decides convergence
    run = gradient_descent(bowl, [3.0, 4.0], 1e-30, 2, tol=5.0)     # |g| = 5
    assert (run.status, run.status_step) == ("converged", 0)
    run = gradient_descent(bowl, [3.0, 4.0], 1e-30, 2, tol=4.9)
    assert (run.status, run.status_step) == ("stalled", 0)


# --- float32 near 1e-38: the flush of lr * g and of the new w ---------------------------------

def flushed(x):
    x = float(x)
    return math.copysign(0.0, x) if 0 < abs(x) < SMALLEST_NORMAL32 else x


def reference_float32_run(w0, rates):
    """On ``0.5 w^2`` (gradient ``w``), TensorFlow's float32 update by the rule."""
    w = [f32(w0)]
    for r in rates:
        with np.errstate(under="ignore"):
            step = f32(flushed(f32(r) * w[-1]))
            w.append(f32(flushed(w[-1] - step)))
    return w


def test_float32_flushes_the_step_lr_times_g():
    # lr * g = 1e-39 is subnormal: TensorFlow drops it, so w does not move (stalled)
    run = gradient_descent(Quadratic(0.5), 1e-37, 0.01, 3, dtype=np.float32, tol=0)
    assert (run.w == f32(1e-37)).all()
    assert (run.status, run.status_step) == ("stalled", 0)


def test_float32_flushes_the_new_w():
    # w - lr * g = 3e-38 - 2.7e-38 = 3e-39 is subnormal: it becomes 0
    run = gradient_descent(Quadratic(0.5), 3e-38, 0.9, 2, dtype=np.float32, tol=0)
    assert run.w[1] == 0 and run.w[2] == 0
    assert (run.status, run.status_step) == ("converged", 1)


@settings(max_examples=200, deadline=None)
@given(w0=st.one_of(st.floats(1e-38, 1e-35), st.floats(-1e-35, -1e-38)),
       lr=st.floats(0.0009765625, 1.875, width=32), steps=st.integers(1, 20))
def test_float32_runs_near_the_smallest_normal(w0, lr, steps):
    run = gradient_descent(Quadratic(0.5), w0, lr, steps, dtype=np.float32, tol=0)
    expected = reference_float32_run(w0, [lr] * steps)
    np.testing.assert_array_equal(run.w.view(np.uint32), np.array(expected).view(np.uint32))
    assert run.status in STATUSES


# --- what a Trajectory holds -------------------------------------------------------------------

def test_trajectory_records_the_rates_and_gradients_used():
    run = gradient_descent(Quadratic(1.0, 1.0), 3.0, per_step([0.1, 0.2]), 2)
    assert run.w.tolist() == pytest.approx([3.0, 2.6, 1.96], abs=1e-15)
    assert run.grad.tolist() == pytest.approx([4.0, 3.2], abs=1e-15)
    assert run.loss.tolist() == pytest.approx([4.0, 2.56, 0.9216], abs=1e-15)
    assert run.lr.tolist() == [0.1, 0.2]
    assert len(run) == run.steps == 2 and run.batch_shape == ()
    assert run.problem.center == 1.0


def test_losses_of_a_long_run_are_the_losses_of_its_points():
    # the loss is computed a few hundred points at a time: check every one of 700
    run = gradient_descent(Quadratic(1.0, -1.0), 5.0, 0.001, 700, tol=0)
    np.testing.assert_array_equal(run.loss, (run.w + 1.0) * (run.w + 1.0))


def test_a_run_of_a_batch():
    runs = gradient_descent(Quadratic(1.0), [[1.0, 2.0], [3.0, 4.0]], 0.25, 2)
    assert runs.batch_shape == (2, 2)
    one = runs.run((1, 0))
    assert one.w.tolist() == [3.0, 1.5, 0.75] and one.lr.tolist() == [0.25, 0.25]
    assert one.batch_shape == () and one.status == runs.status[1, 0]
    last = runs.run((-1, -1))
    assert last.w.tolist() == [4.0, 2.0, 1.0] and last.grad.tolist() == [8.0, 4.0]
    flat = gradient_descent(Quadratic(1.0), [1.0, 2.0], 0.25, 2)
    assert flat.run(-1).w.tolist() == flat.run(1).w.tolist() == [2.0, 1.0, 0.5]
    assert flat.run(0).loss.tolist() == [1.0, 0.25, 0.0625]
    assert int(flat.run(0).status_step) == int(flat.status_step[0])


def test_a_schedule_is_evaluated_at_steps_0_to_steps_minus_1():
    seen = []

    def sched(steps):
        seen.append(np.asarray(steps).tolist())
        return 0.1 * np.ones(np.shape(steps))

    gradient_descent(Quadratic(1.0), 1.0, sched, 4)
    assert seen == [[0, 1, 2, 3]]


def test_two_variable_float_loop_matches_the_array_loop_bit_for_bit():
    # a single float64 run in two variables takes the Python-float loop
    from lrlab import Rosenbrock

    run = gradient_descent(Rosenbrock(), [-1.0, 1.5], 1e-3, 50, tol=0)
    w = np.array([-1.0, 1.5])
    for t in range(50):
        g = Rosenbrock().grad(w)
        assert run.grad[t].tolist() == g.tolist()
        w = w - 1e-3 * g
        assert run.w[t + 1].tolist() == w.tolist()


X = "x"
SEED1 = Quadratic(1.0, -1.0)


@pytest.mark.parametrize("call,kind,message", [
    (lambda: gradient_descent(3, 1.0, 0.1, 3), TypeError,
     "problem must be an lrlab Problem, got int"),
    (lambda: gradient_descent(SEED1, 1.0, 0.1, X), TypeError,
     "steps must be an integer >= 1 and <= 1e+07, got str 'x'"),
    (lambda: gradient_descent(SEED1, 1.0, 0.1, 10_000_001), ValueError,
     "steps must be an integer >= 1 and <= 1e+07, got 10000001"),
    (lambda: gradient_descent(SEED1, 1.0, 0.1, 3, dtype=np.int32), ValueError,
     "dtype must be np.float32 or np.float64, got int32"),
    (lambda: gradient_descent(SEED1, 1.0, 0.1, 3, tol=X), TypeError,
     "tol must be a real number >= 0, got str 'x'"),
    (lambda: gradient_descent(SEED1, X, 0.1, 3), TypeError,
     "w0 must be a number or an array of numbers, got 'x'"),
    (lambda: gradient_descent(Quadratic([1.0, 1.0]), [1.0, 2.0, 3.0], 0.1, 3), ValueError,
     "w0 must have shape batch + (2,) for Quadratic(a=[1.0, 1.0], center=[0.0, 0.0]), "
     "got (3,)"),
    (lambda: gradient_descent(Quadratic([1.0, 1.0]), 1.0, 0.1, 3), ValueError,
     "w0 must have shape batch + (2,) for Quadratic(a=[1.0, 1.0], center=[0.0, 0.0]), "
     "got ()"),
    (lambda: gradient_descent(SEED1, [1.0, 2.0], [0.1, 0.2, 0.3], 3), ValueError,
     "the batch of start points (2,) and the batch of rates (3,) must broadcast together"),
    (lambda: gradient_descent(SEED1, 1.0, 0.1, 3, max_loss=X), TypeError,
     "max_loss must be a real number > 0, got str 'x'"),
    (lambda: gradient_descent(SEED1, 1.0, 0.1, 3, max_loss=0.0), ValueError,
     "max_loss must be a finite number > 0, got 0.0"),
    (lambda: gradient_descent(SEED1, 1.0, X, 3), TypeError,
     "lr must be a real number > 0, got str 'x'"),
    (lambda: gradient_descent(SEED1, 1.0, 0.0, 3), ValueError,
     "lr must be a finite number > 0, got 0.0"),
    (lambda: gradient_descent(SEED1, 1.0, [0.1, 0.0], 3), ValueError,
     "lr must hold finite numbers > 0, got "),
    (lambda: gradient_descent(SEED1, 1.0, lambda s: np.ones(2), 3), ValueError,
     "lr must be a schedule giving one rate per step (see lrlab.schedules): it gave shape (2,) "
     "for steps of shape (3,)"),
    (lambda: gradient_descent(SEED1, 1.0, lambda s: -np.ones(3), 3), ValueError,
     "lr must be a schedule giving finite rates >= 0, got -1.0 at step 0"),
    (lambda: gradient_descent(SEED1, 1.0, lambda s: np.full(3, np.inf), 3), ValueError,
     "lr must be a schedule giving finite rates >= 0, got inf at step 0"),
    (lambda: gradient_descent(SEED1, 1.0, 0.1, 3).run(0), ValueError,
     "run(index) needs a batch of runs; this trajectory holds one run"),
    (lambda: gradient_descent(SEED1, [1.0, 2.0], 0.1, 3).run((0, 1)), ValueError,
     "index must give one position per batch axis (2,), got (0, 1)"),
    (lambda: gradient_descent(SEED1, [1.0, 2.0], 0.1, 3).run(2), ValueError,
     "index must be an integer >= -2 and <= 1, got 2"),
    (lambda: gradient_descent(SEED1, [1.0, 2.0], 0.1, 3).run(-3), ValueError,
     "index must be an integer >= -2 and <= 1, got -3"),
])
def test_argument_messages(call, kind, message):
    check_message(call, kind, message)


def test_zero_rates_in_a_schedule_are_allowed():
    run = gradient_descent(SEED1, 5.0, lambda s: np.zeros(np.shape(s)), 3, tol=0)
    # a zero rate leaves w where it is although the gradient is not zero: "stalled"
    assert run.w.tolist() == [5.0] * 4 and (run.status, run.status_step) == ("stalled", 0)


# --- the divergence limit at its edge, defaults, dtypes -------------------------------------------

def test_a_loss_equal_to_the_limit_has_not_diverged():
    # from w0 = 1 (loss 1, limit 1e6) the factor 1 - 2 * 5.5 = -10: w = 1, -10, 100, -1000
    run = gradient_descent(Quadratic(1.0), 1.0, 5.5, 3)
    assert run.w.tolist() == [1.0, -10.0, 100.0, -1000.0] and run.loss[-1] == 1e6
    assert run.status == "running"
    run = gradient_descent(Quadratic(1.0), 1.0, 5.5, 4)
    assert (run.status, run.status_step) == ("diverged", 4)


def test_a_loss_just_above_the_limit_has_diverged():
    # up to 1e6 (1 + 5e-7) times the start loss in 5 steps, then home in one step
    f = -((1e6 * (1 + 5e-7)) ** (1 / 10))
    rates = per_step([(1 - f) / 2] * 5 + [0.5] * 3)
    run = gradient_descent(Quadratic(1.0, -1.0), 5.0, rates, 8)
    assert run.loss[5] > 36e6
    assert (run.status, run.status_step) == ("diverged", 5)


def test_the_default_tolerance_is_1e_8():
    # the gradient 2 (w + 1) shrinks by 0.8 a step from 12: below 1e-8 after 94 updates
    run = gradient_descent(Quadratic(1.0, -1.0), 5.0, 0.1, 200)
    first = next(t for t in range(201) if 12 * 0.8**t <= 1e-8)
    assert (run.status, run.status_step) == ("converged", first)
    assert gradient_descent(Quadratic(1.0, -1.0), 5.0, 0.1, 10).status == "running"


def test_float32_runs_keep_every_array_in_float32():
    run = gradient_descent(Quadratic(1.0, -1.0), 5.0, 0.2, 5, dtype=np.float32)
    assert {a.dtype for a in (run.w, run.loss, run.lr, run.grad)} == {np.dtype(np.float32)}
    diverged = gradient_descent(Quadratic(1.0, -1.0), 5.0, 3.0, 40, dtype=np.float32)
    assert diverged.status == "diverged" and diverged.lr.dtype == np.float32


def test_float64_keeps_subnormal_numbers():
    # float64 is plain IEEE arithmetic: a result below 2.2e-308 is kept (only float32
    # emulates TensorFlow's flush to zero)
    run = gradient_descent(Quadratic(0.5), 1e-300, 1 - 2.0**-40, 1, tol=0)
    assert 0 < run.w[1] < np.finfo(np.float64).tiny


def test_a_run_of_a_batch_keeps_its_problem():
    runs = gradient_descent(Quadratic(1.0), [1.0, 2.0], 0.25, 2)
    assert runs.run(0).problem is runs.problem


def test_batch_message_names_the_batch_axes_only():
    with pytest.raises(ValueError) as err:
        gradient_descent(Quadratic([1.0, 1.0]), [[1.0, 2.0], [3.0, 4.0]], [0.1, 0.2, 0.3], 3)
    assert str(err.value) == ("the batch of start points (2,) and the batch of rates (3,) must "
                              "broadcast together")
