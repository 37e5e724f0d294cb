"""lrlab.noise at its edges: the divergence limit's two copies, the schedules' defaults,
the totals at gamma = 1, the settled half of the run, and every argument's message.

Expected values are the docstrings' formulas evaluated by hand, plain loops,
or ``gradient_descent`` itself where the point is that the fast path of
``compare_schedules`` must agree with it bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from testkit import check_message

from lrlab import Quadratic, TwoBasins, blog_post_problem, gradient_descent
from lrlab import noise as N
from lrlab.schedules import (
    constant,
    cosine_decay,
    exponential_decay,
    inverse_time_decay,
    step_decay,
)

PARABOLA = blog_post_problem()          # (w + 1)^2: L = 2, w* = -1


# --- the divergence limit: compare_schedules' fast runs against gradient_descent ---------------

def _up_then_home(ratio, up=5, steps=8):
    """Rates that multiply the loss of (w + 1)^2 by ``ratio`` in ``up`` steps, then land on -1.

    Each update multiplies the error by f = 1 - 2 lr (the loss by f^2); the rate 0.5
    makes f = 0. The loss peaks at step ``up`` only: a run that crosses the divergence
    limit there and comes back is "diverged" all the same.
    """
    f = -(ratio ** (1 / (2 * up)))
    values = np.array([(1 - f) / 2] * up + [0.5] * (steps - up))
    return lambda s: values[np.asarray(s)]


@pytest.mark.parametrize("ratio", [1e6 * (1 + 5e-7), 1e6 * (1 + 5e-10), 1e6 * (1 - 5e-10),
                                   1.5e6])
@pytest.mark.parametrize("w0", [5.0, -1.5])                 # start loss 36, and 0.25 (< 1)
def test_compare_schedules_diverges_exactly_where_gradient_descent_does(ratio, w0):
    # the limit is 1e6 times the start loss, or 1e6 when that is below 1
    start = (w0 + 1) ** 2
    sched = _up_then_home(ratio * max(start, 1.0) / start)
    run = N.seeded_runs(PARABOLA, w0, sched, 8, noise=0.0, runs=1)
    diverged = ratio > 1e6
    assert (run.status[0] == "diverged") == diverged
    out = N.compare_schedules(PARABOLA, w0, {"edge": sched}, 8, noise=0.0, runs=1)["edge"]
    np.testing.assert_array_equal(out["mse"], (run.w[:, 0] + 1) ** 2)
    np.testing.assert_array_equal(out["lr"], run.lr[:, 0])
    assert np.isnan(out["mse"][-1]) == diverged


def test_compare_schedules_on_a_non_quadratic_uses_seeded_runs():
    tb = TwoBasins()
    with pytest.raises(ValueError, match="^draws are used only for a Quadratic problem$"):
        N.compare_schedules(tb, 1.0, {"c": 0.01}, 5, 0.1, runs=4, draws=np.zeros((5, 4)))


def test_compare_schedules_array_rates_and_lr_column():
    # an array of rates runs every rate (batch (runs, n)); "lr" is the first rate's column
    out = N.compare_schedules(PARABOLA, 5.0, {"two": np.array([0.1, 0.2])}, 4, 0.0, runs=1)
    np.testing.assert_array_equal(out["two"]["lr"], [[0.1, 0.2]] * 4)
    sched = exponential_decay(0.2, 1, 0.5)
    out = N.compare_schedules(PARABOLA, 5.0, {"exp": sched}, 3, 0.0, runs=2)
    assert out["exp"]["lr"].dtype == np.float64
    assert out["exp"]["lr"].tolist() == [0.2, 0.1, 0.05]
    # noise-free runs: the squared error is the path's, (6 * 0.6^t ...)^2
    e = [6.0, 6.0 * 0.6, 6.0 * 0.6 * 0.8, 6.0 * 0.6 * 0.8 * 0.9]
    np.testing.assert_allclose(out["exp"]["mse"], np.square(e), rtol=1e-14)
    np.testing.assert_allclose(out["exp"]["low"], np.square(e), rtol=1e-14)


def test_compare_schedules_noise_and_seed_reach_the_fast_runs():
    a = N.compare_schedules(PARABOLA, 5.0, {"c": 0.2}, 20, noise=1.0, runs=50, seed=3)["c"]
    b = N.compare_schedules(PARABOLA, 5.0, {"c": 0.2}, 20, noise=2.0, runs=50, seed=3)["c"]
    c = N.compare_schedules(PARABOLA, 5.0, {"c": 0.2}, 20, noise=1.0, runs=50, seed=4)["c"]
    batch = N.seeded_runs(PARABOLA, 5.0, 0.2, 20, noise=2.0, runs=50, seed=3)
    np.testing.assert_array_equal(b["mse"], ((batch.w + 1) ** 2).mean(axis=1))
    assert not np.array_equal(a["mse"], b["mse"]) and not np.array_equal(a["mse"], c["mse"])


def test_compare_schedules_with_draws_made_ahead():
    draws = N.noise_draws(7, 30, (40,))
    a = N.compare_schedules(PARABOLA, 5.0, {"c": 0.2}, 20, 1.0, runs=40, seed=7, draws=draws)
    b = N.compare_schedules(PARABOLA, 5.0, {"c": 0.2}, 20, 1.0, runs=40, seed=7)
    np.testing.assert_array_equal(a["c"]["mse"], b["c"]["mse"])
    wrong = N.noise_draws(8, 30, (40,))
    with pytest.raises(ValueError, match="^draws are not those of seed 7 "):
        N.compare_schedules(PARABOLA, 5.0, {"c": 0.2}, 20, 1.0, runs=40, seed=7, draws=wrong)
    changed = draws.copy()
    changed[1] += 1.0                         # the first row still matches: not checked further
    N.compare_schedules(PARABOLA, 5.0, {"c": 0.2}, 20, 1.0, runs=40, seed=7, draws=changed)


def test_compare_schedules_quantiles_may_touch_the_ends():
    out = N.compare_schedules(PARABOLA, 5.0, {"c": 0.2}, 5, 1.0, runs=30, quantiles=(0.0, 1.0))
    batch = N.seeded_runs(PARABOLA, 5.0, 0.2, 5, 1.0, runs=30)
    sq = (batch.w + 1) ** 2
    np.testing.assert_array_equal(out["c"]["low"], sq.min(axis=1))
    np.testing.assert_array_equal(out["c"]["high"], sq.max(axis=1))


# --- noise_schedule: the documented defaults ---------------------------------------------------

def test_noise_schedule_defaults():
    assert N.noise_schedule("exponential", 0.2)(2) == pytest.approx(0.2 * 0.99**2, rel=1e-15)
    assert N.noise_schedule("1/t", 0.2)(10) == pytest.approx(0.2 / (1 + 0.4 * 10), rel=1e-15)
    step = N.noise_schedule("step", 0.2)
    assert step([99, 100, 200]).tolist() == [0.2, 0.1, 0.05]
    cos = N.noise_schedule("cosine", 0.2)
    assert cos([500, 1000, 1500]).tolist() == [pytest.approx(0.1), 0.0, 0.0]
    assert N.noise_schedule("constant", 0.2)(123) == 0.2


def test_noise_schedule_edges():
    assert N.noise_schedule("exponential", 0.2, decay_rate=1.0)(50) == 0.2
    assert N.noise_schedule("step", 0.2, gamma=0.0, step_size=1)([0, 1]).tolist() == [0.2, 0.0]
    assert N.noise_schedule("step", 0.2, gamma=1.0)(1000) == 0.2


# --- rate_totals ------------------------------------------------------------------------------

def test_rate_totals_at_gamma_one_and_zero():
    assert N.rate_totals(step_decay(0.2, 10, 1.0)) == (math.inf, math.inf)
    # gamma 0: ten steps of 0.2, then nothing
    t1, t2 = N.rate_totals(step_decay(0.2, 10, 0.0))
    assert (t1, t2) == (pytest.approx(2.0), pytest.approx(0.4))


def test_rate_totals_of_the_other_schedules():
    assert N.rate_totals(constant(0.0)) == (0.0, 0.0)
    assert N.rate_totals(exponential_decay(0.2, 1, 1.0)) == (math.inf, math.inf)
    # inverse time decay with rate 0 is a constant
    assert N.rate_totals(inverse_time_decay(0.2, 1, 0.0)) == (math.inf, math.inf)
    # 1/t with k = 0.4: the squares' total, by a long plain sum and its integral tail
    lr0, k, n = 0.2, 0.4, 2_000_000
    t = np.arange(n, dtype=np.float64)
    brute = float(np.sum((lr0 / (1 + k * t)) ** 2)) + lr0**2 / (k * (1 + k * n))
    assert N.rate_totals(N.noise_schedule("1/t", lr0, c=0.5))[1] == pytest.approx(brute,
                                                                                 rel=1e-12)
    for bad in (exponential_decay(0.2, 2, 0.5), exponential_decay(0.2, 1, 0.5, end_value=0.1),
                exponential_decay(0.2, 1, 0.5, transition_begin=3),
                cosine_decay(0.2, 10, alpha=0.1)):
        with pytest.raises(ValueError, match="^rate_totals does not know the schedule "):
            N.rate_totals(bad)
    with pytest.raises(ValueError, match="^rate_totals does not know the schedule <function"):
        N.rate_totals(lambda s: s)


# --- stationary_sq_error: the second half of the run ------------------------------------------

@pytest.mark.parametrize("steps", [2, 3, 40, 41])
def test_stationary_sq_error_averages_the_second_half(steps):
    got = N.stationary_sq_error(PARABOLA, 0.3, 1.0, steps=steps, runs=25, seed=2)
    batch = gradient_descent(N.NoisyGradient(PARABOLA, 1.0, seed=2), np.full(25, -1.0), 0.3, steps)
    sq = (batch.w + 1) ** 2                       # (steps + 1, runs)
    expected = sq[steps // 2 + 1:].mean()         # the points after the first steps // 2 updates
    assert got == pytest.approx(expected, rel=1e-14)


def test_stationary_sq_error_of_several_rates():
    got = N.stationary_sq_error(PARABOLA, [0.1, 0.3], 1.0, steps=10, runs=5)
    assert isinstance(got, np.ndarray) and got.shape == (2,)
    assert isinstance(N.stationary_sq_error(PARABOLA, 0.1, 1.0, steps=10, runs=5), float)


# --- expected_sq_error, mean_sq_error, inverse_time_limit -------------------------------------

def test_expected_sq_error_2d_one_step_by_hand():
    bowl = Quadratic([0.5, 5.0], [1.0, 2.0])          # L = 1, 10
    got = N.expected_sq_error(bowl, [3.0, 3.0], 0.1, 1, noise=2.0)
    # m0 = 2^2 + 1^2; m1 = 0.9^2 * 4 + 0.01 * 4 + 0^2 * 1 + 0.01 * 4
    assert got.tolist() == [5.0, pytest.approx(0.81 * 4 + 0.04 + 0.04, rel=1e-15)]
    rates = N.expected_sq_error(bowl, [3.0, 3.0], [0.1, 0.05], 1, noise=2.0)
    assert rates.shape == (2, 2)
    assert rates[1].tolist() == [pytest.approx(3.32), pytest.approx(0.95**2 * 4 + 0.01 +
                                                                     0.25 + 0.01)]


def test_inverse_time_limit_by_hand():
    bowl = Quadratic([0.5, 5.0])                       # L = 1, 10
    # c = 2: 2 c L - 1 = 3 and 39; s = 0.5: c^2 s^2 = 1
    got = N.inverse_time_limit(bowl, 2.0, 0.5, [10.0, 100.0])
    np.testing.assert_allclose(got, [(1 / 3 + 1 / 39) / 10, (1 / 3 + 1 / 39) / 100],
                               rtol=1e-14)
    assert isinstance(got, np.ndarray)
    assert N.inverse_time_limit(PARABOLA, 0.25, 1.0, 10.0) == math.inf     # 2 c L - 1 = 0
    assert N.inverse_time_limit(PARABOLA, 0.5, 0.0, 10.0) == 0.0


def test_minimum_of_problems():
    # the squared distance is to center (Quadratic) or to minimum (other problems)
    class Pit:
        shape = ()
        minimum = 2.0

    assert N._sq_distances(np.array([3.0, 5.0]), Pit()).tolist() == [1.0, 9.0]
    noisy = N.NoisyGradient(Quadratic(1.0, 4.0), 1.0)
    assert N._sq_distances(np.array([3.0]), noisy).tolist() == [1.0]
    with pytest.raises(TypeError, match="^object has no known minimum"):
        N._sq_distances(np.array([1.0]), object())


def test_noise_draws_shapes():
    assert N.noise_draws(0, 3).shape == (3,)
    assert N.noise_draws(0, 3, 4).shape == (3, 4)
    np.testing.assert_array_equal(N.noise_draws(0, 1, 1)[0],
                                  np.random.default_rng([0, 0]).standard_normal((1,)))


# --- every argument's message ---------------------------------------------------------------------

S = "x"


@pytest.mark.parametrize("call,kind,message", [
    (lambda: N.noise_schedule("constant", S), TypeError,
     "lr0 must be a real number > 0, got str 'x'"),
    (lambda: N.noise_schedule("constant", 0.0), ValueError,
     "lr0 must be a finite number > 0, got 0.0"),
    (lambda: N.noise_schedule("exponential", 0.2, decay_rate=S), TypeError,
     "decay_rate must be a real number > 0 and <= 1, got str 'x'"),
    (lambda: N.noise_schedule("exponential", 0.2, decay_rate=0.0), ValueError,
     "decay_rate must be a finite number > 0 and <= 1, got 0.0"),
    (lambda: N.noise_schedule("1/t", 0.2, c=S), TypeError,
     "c must be a real number > 0, got str 'x'"),
    (lambda: N.noise_schedule("1/t", 0.2, c=0.0), ValueError,
     "c must be a finite number > 0, got 0.0"),
    (lambda: N.noise_schedule("cosine", 0.2, horizon=S), TypeError,
     "horizon must be a real number > 0, got str 'x'"),
    (lambda: N.noise_schedule("cosine", 0.2, horizon=0.0), ValueError,
     "horizon must be a finite number > 0, got 0.0"),
    (lambda: N.noise_schedule("step", 0.2, gamma=S), TypeError,
     "gamma must be a real number >= 0 and <= 1, got str 'x'"),
    (lambda: N.noise_schedule("step", 0.2, step_size=S), TypeError,
     "step_size must be an integer >= 1, got str 'x'"),
    (lambda: N.noise_schedule("step", 0.2, step_size=0), ValueError,
     "step_size must be an integer >= 1, got 0"),
    (lambda: N.noise_schedule("Step", 0.2), ValueError,
     "kind must be one of 'constant', 'exponential', '1/t', 'cosine', 'step', got 'Step'"),
    (lambda: N.noise_draws(S, 3), TypeError, "seed must be an integer >= 0, got str 'x'"),
    (lambda: N.noise_draws(0, S), TypeError, "steps must be an integer >= 1, got str 'x'"),
    (lambda: N.noise_draws(0, 0), ValueError, "steps must be an integer >= 1, got 0"),
    (lambda: N.noise_draws(0, 3, (S,)), TypeError,
     "shape must be a tuple of whole numbers >= 1, got ('x',)"),
    (lambda: N.noise_draws(0, 3, (0,)), ValueError, "shape must be an integer >= 1, got 0"),
    (lambda: N.seeded_runs(1.0, 0.0, 0.1, 3, 1.0), TypeError,
     "problem must be an lrlab Problem, got float"),
    (lambda: N.seeded_runs(PARABOLA, 0.0, 0.1, 3, 1.0, runs=S), TypeError,
     "runs must be an integer >= 1, got str 'x'"),
    (lambda: N.seeded_runs(PARABOLA, 0.0, 0.1, 3, 1.0, runs=0), ValueError,
     "runs must be an integer >= 1, got 0"),
    (lambda: N.seeded_runs(PARABOLA, S, 0.1, 3, 1.0), TypeError,
     "w0 must be a number or an array of numbers, got 'x'"),
    (lambda: N.mean_sq_error(3.0), TypeError,
     "run must be a Trajectory (from seeded_runs), got float"),
    (lambda: N.expected_sq_error(TwoBasins(), 0.0, 0.1, 3, 1.0), TypeError,
     "problem must be a Quadratic, got TwoBasins"),
    (lambda: N.expected_sq_error(PARABOLA, 0.0, 0.1, S, 1.0), TypeError,
     "steps must be an integer >= 1, got str 'x'"),
    (lambda: N.expected_sq_error(PARABOLA, 0.0, 0.1, 0, 1.0), ValueError,
     "steps must be an integer >= 1, got 0"),
    (lambda: N.expected_sq_error(PARABOLA, 0.0, 0.1, 3, S), TypeError,
     "noise must be a real number >= 0, got str 'x'"),
    (lambda: N.expected_sq_error(PARABOLA, S, 0.1, 3, 1.0), TypeError,
     "w0 must be a number or an array of numbers, got 'x'"),
    (lambda: N.expected_sq_error(PARABOLA, [1.0, 2.0], 0.1, 3, 1.0), ValueError,
     "w0 must have shape (), got (2,)"),
    (lambda: N.expected_sq_error(PARABOLA, 0.0, S, 3, 1.0), TypeError,
     "lr must be a real number > 0, got str 'x'"),
    (lambda: N.expected_sq_error(PARABOLA, 0.0, [0.1, 0.0], 3, 1.0), ValueError,
     "lr must hold finite numbers > 0, got "),
    (lambda: N.expected_sq_error(PARABOLA, 0.0, [[0.1]], 3, 1.0), ValueError,
     "lr must be a number, a 1-D array of rates or a schedule, got an array of shape (1, 1)"),
    (lambda: N.expected_sq_error(PARABOLA, 0.0, lambda s: np.full(np.shape(s), np.inf), 3, 1.0),
     ValueError, "lr must be a schedule giving finite rates >= 0, got inf at step 0"),
    (lambda: N.expected_sq_error(PARABOLA, 0.0, lambda s: np.full(np.shape(s), -0.1), 3, 1.0),
     ValueError, "lr must be a schedule giving finite rates >= 0, got -0.1 at step 0"),
    (lambda: N.expected_sq_error(PARABOLA, 0.0, lambda s: np.ones(2), 3, 1.0),
     ValueError, "lr must be a schedule giving one rate per step (see lrlab.schedules): it gave "
     "shape (2,) for steps of shape (3,)"),
    (lambda: N.stationary_sq_error(PARABOLA, 0.1, 1.0, steps=1), ValueError,
     "steps must be an integer >= 2, got 1"),
    (lambda: N.inverse_time_limit(PARABOLA, S, 1.0, 10.0), TypeError,
     "c must be a real number > 0, got str 'x'"),
    (lambda: N.inverse_time_limit(PARABOLA, 0.0, 1.0, 10.0), ValueError,
     "c must be a finite number > 0, got 0.0"),
    (lambda: N.inverse_time_limit(PARABOLA, 0.5, S, 10.0), TypeError,
     "noise must be a real number >= 0, got str 'x'"),
    (lambda: N.inverse_time_limit(PARABOLA, 0.5, 1.0, 0.0), ValueError,
     "t must hold finite numbers > 0, got "),
    (lambda: N.inverse_time_limit(PARABOLA, 0.5, 1.0, S), TypeError,
     "t must be a number or an array of numbers, got 'x'"),
    (lambda: N.compare_schedules(PARABOLA, 0.0, {}, 3, 1.0, quantiles=0.5), TypeError,
     "quantiles must be a pair (lo, hi) with 0 <= lo < hi <= 1, got 0.5"),
    (lambda: N.compare_schedules(PARABOLA, 0.0, {}, 3, 1.0, quantiles=(0.1, 0.2, 0.3)), TypeError,
     "quantiles must be a pair (lo, hi) with 0 <= lo < hi <= 1, got (0.1, 0.2, 0.3)"),
    (lambda: N.compare_schedules(PARABOLA, 0.0, {}, 3, 1.0, quantiles=(S, 0.5)), TypeError,
     "quantiles must be a real number >= 0 and <= 1, got str 'x'"),
    (lambda: N.compare_schedules(PARABOLA, 0.0, {}, 3, 1.0, quantiles=(0.5, 0.5)), ValueError,
     "quantiles must be a pair (lo, hi) with 0 <= lo < hi <= 1, got (0.5, 0.5)"),
    (lambda: N.compare_schedules(PARABOLA, 0.0, {}, S, 1.0), TypeError,
     "steps must be an integer >= 1 and <= 1e+07, got str 'x'"),
    (lambda: N.compare_schedules(PARABOLA, 0.0, {}, 3, 1.0, runs=S), TypeError,
     "runs must be an integer >= 1, got str 'x'"),
    (lambda: N.compare_schedules(PARABOLA, 0.0, {}, 3, 1.0, seed=S), TypeError,
     "seed must be an integer >= 0, got str 'x'"),
    (lambda: N.compare_schedules(PARABOLA, 0.0, {}, 3, S), TypeError,
     "noise must be a real number >= 0, got str 'x'"),
    (lambda: N.compare_schedules(PARABOLA, S, {}, 3, 1.0), TypeError,
     "w0 must be a number or an array of numbers, got 'x'"),
    (lambda: N.compare_schedules(PARABOLA, [1.0, 2.0], {}, 3, 1.0), ValueError,
     "w0 must have shape (), got (2,)"),
    (lambda: N.compare_schedules(PARABOLA, 0.0, {}, 3, 1.0, runs=2, draws=np.zeros((2, 2))),
     ValueError, "draws must have shape (n >= 3, 2), got (2, 2)"),
    (lambda: N.compare_schedules(PARABOLA, 0.0, {}, 3, 1.0, runs=2, draws=np.zeros((3, 3))),
     ValueError, "draws must have shape (n >= 3, 2), got (3, 3)"),
    (lambda: N.compare_schedules(PARABOLA, 0.0, {}, 3, 1.0, runs=2, draws=np.zeros(3)),
     ValueError, "draws must have shape (n >= 3, 2), got (3,)"),
])
def test_argument_messages(call, kind, message):
    check_message(call, kind, message)


def test_compare_schedules_accepts_the_largest_step_count_it_allows():
    # steps is checked against 10,000,000 before anything runs; 0 and 10,000,001 are refused
    for steps in (0, 10_000_001):
        with pytest.raises(ValueError, match=r"^steps must be an integer >= 1 and <= 1e\+07, "):
            N.compare_schedules(PARABOLA, 0.0, {}, steps, 1.0)
    assert N.compare_schedules(PARABOLA, 0.0, {}, 10_000_000, 1.0) == {}
    assert N.compare_schedules(PARABOLA, 0.0, {"c": 0.1}, 1, 1.0, runs=1)["c"]["mse"].shape == (2,)


# --- defaults, wrappers, float32 schedules -----------------------------------------------------

def test_default_runs_and_seed():
    batch = N.seeded_runs(PARABOLA, 5.0, 0.2, 2, 1.0)
    assert batch.w.shape == (3, 1000)
    again = N.seeded_runs(PARABOLA, 5.0, 0.2, 2, 1.0, runs=1000, seed=0)
    np.testing.assert_array_equal(batch.w, again.w)
    out = N.compare_schedules(PARABOLA, 5.0, {"c": 0.2}, 2, 1.0)["c"]
    np.testing.assert_array_equal(out["mse"], ((again.w + 1) ** 2).mean(axis=1))
    # stationary_sq_error: 2000 steps, 200 runs, seed 0, averaged after step 1000
    got = N.stationary_sq_error(PARABOLA, 0.2, 1.0)
    runs = N.seeded_runs(PARABOLA, -1.0, 0.2, 2000, 1.0, runs=200, seed=0)
    assert got == pytest.approx(((runs.w + 1) ** 2)[1001:].mean(), rel=1e-13)
    assert type(got) is float


def test_compare_schedules_passes_the_seed_to_every_path():
    # an array of rates takes seeded_runs (not the fast loop): the seed must reach it
    out = N.compare_schedules(PARABOLA, 5.0, {"two": np.array([0.1, 0.2])}, 3, 1.0, runs=4, seed=3)
    batch = N.seeded_runs(PARABOLA, 5.0, np.array([0.1, 0.2]), 3, 1.0, runs=4, seed=3)
    np.testing.assert_array_equal(out["two"]["mse"], ((batch.w + 1) ** 2).mean(axis=1))


def test_compare_schedules_overflow_is_quiet():
    out = N.compare_schedules(PARABOLA, 5.0, {"huge": 1e200}, 4, 1.0, runs=3)["huge"]
    # w[1] = 5 - 1e200 * 12: its squared distance overflows to inf; then the run is blank
    assert out["mse"][0] == 36.0 and out["mse"][1] == np.inf and np.isnan(out["mse"][2:]).all()


def test_a_wrappers_minimum_is_its_base_problems():
    class Wrapper:
        shape = ()
        base = Quadratic(1.0, 4.0)
        center = 0.0                       # not the minimum: base decides

    assert N._sq_distances(np.array([3.0]), Wrapper()).tolist() == [1.0]

    class OnlyCenter:
        shape = ()
        center = 2.0

    assert N._sq_distances(np.array([3.0, 5.0]), OnlyCenter()).tolist() == [1.0, 9.0]


def test_expected_sq_error_of_a_float32_schedule_is_float64_arithmetic():
    sched = exponential_decay(0.2, 1, 0.9, dtype=np.float32)
    rates = sched(np.arange(30)).tolist()          # float32 values, as Python floats
    m = [36.0]
    for r in rates:
        m.append((1 - 2 * r) ** 2 * m[-1] + r * r * 0.49)
    got = N.expected_sq_error(PARABOLA, 5.0, sched, 30, noise=0.7)
    np.testing.assert_allclose(got, m, rtol=1e-14)


def test_expected_sq_error_accepts_zero_rates_and_stays_quiet():
    def zeros(s):
        return np.zeros(np.shape(s))

    assert N.expected_sq_error(PARABOLA, 5.0, zeros, 3, 1.0).tolist() == [36.0] * 4
    # a rate that overflows the mean square, then the one-step rate (factor 0): 0 * inf
    values = np.array([1e200, 0.5])
    got = N.expected_sq_error(PARABOLA, 5.0, lambda s: values[np.asarray(s)], 2, 1.0)
    assert got[0] == 36.0 and np.isinf(got[1]) and np.isnan(got[2])


def test_rate_totals_of_float32_and_stretched_schedules():
    cos = cosine_decay(0.2, 1000, dtype=np.float32)
    values = cos(np.arange(1000)).tolist()
    t1, t2 = N.rate_totals(cos)
    assert t1 == pytest.approx(math.fsum(values), rel=1e-14)
    assert t2 == pytest.approx(math.fsum(v * v for v in values), rel=1e-14)
    # inverse time decay with decay_steps 2: lr0 / (1 + 0.5 t / 2), k = 0.25
    lr0, k, n = 0.2, 0.25, 2_000_000
    t = np.arange(n, dtype=np.float64)
    brute = float(np.sum((lr0 / (1 + k * t)) ** 2)) + lr0**2 / (k * (1 + k * n))
    got = N.rate_totals(inverse_time_decay(0.2, 2, 0.5))
    assert got[0] == math.inf and got[1] == pytest.approx(brute, rel=1e-12)
    with pytest.raises(ValueError) as err:
        N.rate_totals(exponential_decay(0.2, 2, 0.5))
    assert str(err.value) == ("rate_totals does not know the schedule 'exponential_decay' "
                              "with these parameters")


def test_scalar_results_print_as_python_floats():
    assert type(N.inverse_time_limit(PARABOLA, 0.5, 1.0, 10.0)) is float


def test_mean_sq_error_message():
    with pytest.raises(ValueError) as err:
        N.mean_sq_error(gradient_descent(PARABOLA, 5.0, 0.2, 3))
    assert str(err.value) == "run must be a batch of runs (from seeded_runs)"


def test_draws_shape_message_in_two_dimensions():
    bowl = Quadratic([1.0, 1.0])
    with pytest.raises(ValueError) as err:
        N.compare_schedules(bowl, [1.0, 1.0], {}, 3, 1.0, runs=2, draws=np.zeros((3, 2)))
    assert str(err.value) == "draws must have shape (n >= 3, 2, 2), got (3, 2)"


def test_expected_sq_error_in_two_directions_stays_quiet_after_an_overflow():
    # the array recursion (two directions): an overflowed mean square times a zero factor
    values = np.array([1e200, 0.5])
    bowl = Quadratic([1.0, 1.0])                       # L = 2, 2: lr 0.5 gives factor 0
    got = N.expected_sq_error(bowl, [5.0, 5.0], lambda s: values[np.asarray(s)], 2, 1.0)
    assert got[0] == 50.0 and np.isinf(got[1]) and np.isnan(got[2])
