"""Tests of lrlab.noise against closed forms and independent computations."""

import math

import numpy as np
import pytest

from lrlab import Quadratic, blog_post_problem, gradient_descent
from lrlab import noise as N
from lrlab.schedules import constant, exponential_decay, inverse_time_decay, step_decay

PARABOLA = blog_post_problem()          # (w + 1)^2: L = 2, w* = -1
L, W_STAR = 2.0, -1.0


def ball(lr, s, curv=L):
    """The noise ball lr s^2 / (L (2 - lr L)), written out here."""
    return lr * s**2 / (curv * (2 - lr * curv))


# --- noise_schedule -------------------------------------------------------------------------

@pytest.mark.parametrize("kind, kwargs, expected", [
    ("constant", {}, lambda t: 0.2 + 0 * t),
    ("exponential", {"decay_rate": 0.9}, lambda t: 0.2 * 0.9**t),
    ("1/t", {"c": 0.5}, lambda t: 0.2 / (1 + 0.4 * t)),
    ("cosine", {"horizon": 100}, lambda t: 0.1 * (1 + np.cos(np.pi * np.minimum(t, 100) / 100))),
    ("step", {"step_size": 10, "gamma": 0.5}, lambda t: 0.2 * 0.5 ** (t // 10)),
])
def test_noise_schedule_formulas(kind, kwargs, expected):
    t = np.arange(0, 300)
    got = N.noise_schedule(kind, 0.2, **kwargs)(t)
    np.testing.assert_allclose(got, expected(t), rtol=1e-12, atol=1e-15)


def test_one_over_t_tends_to_c_over_t():
    sched = N.noise_schedule("1/t", 0.3, c=0.7)
    t = 1e7
    assert sched(t) * t == pytest.approx(0.7, rel=1e-6)


def test_noise_schedule_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        N.noise_schedule("linear", 0.1)


# --- expected_sq_error ----------------------------------------------------------------------

@pytest.mark.parametrize("lr, s", [(0.2, 1.0), (0.05, 0.5), (0.9, 2.0)])
def test_expected_constant_rate_closed_form(lr, s):
    # m_t = q^t e0^2 + ball (1 - q^t), q = (1 - lr L)^2
    steps, e0 = 60, 6.0
    q = (1 - lr * L) ** 2
    t = np.arange(steps + 1)
    closed = q**t * e0**2 + ball(lr, s) * (1 - q**t)
    got = N.expected_sq_error(PARABOLA, 5.0, lr, steps, noise=s)
    np.testing.assert_allclose(got, closed, rtol=1e-10)


def test_expected_tends_to_noise_ball():
    got = N.expected_sq_error(PARABOLA, 5.0, 0.2, 400, noise=1.0)[-1]
    assert got == pytest.approx(0.0625, rel=1e-12)


def test_expected_without_noise_is_the_squared_path():
    sched = exponential_decay(0.3, 1, 0.9)
    rates = 0.3 * 0.9 ** np.arange(40)
    e = 6.0 * np.concatenate([[1.0], np.cumprod(1 - L * rates)])
    got = N.expected_sq_error(PARABOLA, 5.0, sched, 40, noise=0.0)
    np.testing.assert_allclose(got, e**2, rtol=1e-12)


def test_expected_sums_directions():
    bowl = Quadratic(a=[0.5, 3.0], center=[1.0, -2.0])
    w0 = np.array([4.0, 0.0])
    sched = inverse_time_decay(0.1, 1, 0.2)
    got = N.expected_sq_error(bowl, w0, sched, 50, noise=0.7)
    parts = [N.expected_sq_error(Quadratic(a, c), float(x), sched, 50, noise=0.7)
             for a, c, x in [(0.5, 1.0, 4.0), (3.0, -2.0, 0.0)]]
    np.testing.assert_allclose(got, parts[0] + parts[1], rtol=1e-12)


def test_expected_for_an_array_of_rates():
    rates = np.array([0.1, 0.3])
    got = N.expected_sq_error(PARABOLA, 5.0, rates, 30, noise=1.0)
    assert got.shape == (31, 2)
    for j, lr in enumerate(rates):
        np.testing.assert_allclose(got[:, j], N.expected_sq_error(PARABOLA, 5.0, lr, 30, 1.0))


def test_expected_needs_a_quadratic():
    from lrlab import TwoBasins

    with pytest.raises(TypeError, match="Quadratic"):
        N.expected_sq_error(TwoBasins(), 0.5, 0.1, 10, 1.0)


# --- seeded_runs and mean_sq_error ---------------------------------------------------------

def test_no_noise_every_run_is_the_plain_run():
    batch = N.seeded_runs(PARABOLA, 5.0, 0.2, 20, noise=0.0, runs=5)
    plain = gradient_descent(PARABOLA, 5.0, 0.2, 20)
    for i in range(5):
        np.testing.assert_array_equal(batch.w[:, i], plain.w)
    np.testing.assert_allclose(N.mean_sq_error(batch), (plain.w - W_STAR) ** 2, rtol=1e-12)


def test_runs_get_their_own_noise_and_are_reproducible():
    a = N.seeded_runs(PARABOLA, 5.0, 0.2, 10, noise=1.0, runs=50, seed=3)
    b = N.seeded_runs(PARABOLA, 5.0, 0.2, 10, noise=1.0, runs=50, seed=3)
    c = N.seeded_runs(PARABOLA, 5.0, 0.2, 10, noise=1.0, runs=50, seed=4)
    np.testing.assert_array_equal(a.w, b.w)
    assert len(np.unique(a.w[-1])) == 50
    assert not np.array_equal(a.w, c.w)


def test_noise_has_the_requested_spread():
    # the first update: w1 = w0 - lr (g + s z), so w1 has standard deviation lr s
    batch = N.seeded_runs(PARABOLA, 5.0, 0.5, 1, noise=2.0, runs=20000)
    assert np.std(batch.w[1]) == pytest.approx(0.5 * 2.0, rel=0.03)
    assert np.mean(batch.w[1]) == pytest.approx(5.0 - 0.5 * 12.0, abs=0.05)


@pytest.mark.parametrize("lr", [exponential_decay(0.2, 1, 0.97), 0.3,
                                step_decay(0.4, 5, 0.5)])
def test_average_of_many_seeds_matches_the_expectation(lr):
    # e_t is Gaussian with mean mu_t and variance v_t, so e_t^2 has variance 2 v^2 + 4 mu^2 v;
    # the average over R runs must be within a few standard errors of E[e^2] = mu^2 + v
    runs, steps, s = 4000, 60, 1.0
    batch = N.seeded_runs(PARABOLA, 5.0, lr, steps, noise=s, runs=runs, seed=11)
    m = N.mean_sq_error(batch)
    mu = N.expected_sq_error(PARABOLA, 5.0, lr, steps, noise=0.0) ** 0.5
    expect = N.expected_sq_error(PARABOLA, 5.0, lr, steps, noise=s)
    v = expect - mu**2
    se = np.sqrt((2 * v**2 + 4 * mu**2 * v) / runs)
    z = np.abs(m[1:] - expect[1:]) / se[1:]
    assert z.max() < 5


def test_array_of_rates_batch_shape():
    batch = N.seeded_runs(PARABOLA, 5.0, np.array([0.1, 0.2, 0.3]), 4, noise=1.0, runs=7)
    assert batch.w.shape == (5, 7, 3)
    assert N.mean_sq_error(batch).shape == (5, 3)


def test_mean_sq_error_sums_coordinates():
    bowl = Quadratic(a=[1.0, 2.0], center=[0.5, -0.5])
    batch = N.seeded_runs(bowl, [1.0, 1.0], 0.1, 3, noise=0.0, runs=2)
    # no noise: error in each coordinate is e0 (1 - 2 a lr)^t
    t = np.arange(4)
    expected = (0.5 * 0.8**t) ** 2 + (1.5 * 0.6**t) ** 2
    np.testing.assert_allclose(N.mean_sq_error(batch), expected, rtol=1e-12)


def test_mean_sq_error_needs_a_batch():
    with pytest.raises(ValueError, match="batch"):
        N.mean_sq_error(gradient_descent(PARABOLA, 5.0, 0.2, 3))


def test_seeded_runs_checks_w0():
    with pytest.raises(ValueError, match="w0 must have shape"):
        N.seeded_runs(PARABOLA, [1.0, 2.0], 0.1, 3, noise=1.0)


# --- stationary_sq_error: the noise ball measured -------------------------------------------

@pytest.mark.parametrize("s", [0.5, 1.0])
def test_stationary_matches_the_noise_ball(s):
    rates = np.array([0.05, 0.2, 0.5, 0.8])
    got = N.stationary_sq_error(PARABOLA, rates, s, steps=2000, runs=400, seed=1)
    # about 400 runs x 1000 correlated steps: a standard error below 0.7 % of the ball
    # (for lr 0.05, whose errors stay correlated for about 10 steps); 2 % is 3 of them
    np.testing.assert_allclose(got, ball(rates, s), rtol=0.02)


# --- rate_totals: Robbins-Monro ------------------------------------------------------------

def test_totals_constant_are_infinite():
    assert N.rate_totals(constant(0.1)) == (math.inf, math.inf)


def test_totals_exponential_geometric_series():
    t1, t2 = N.rate_totals(exponential_decay(0.2, 1, 0.95))
    rates = 0.2 * 0.95 ** np.arange(5000)
    assert t1 == pytest.approx(rates.sum(), rel=1e-12)
    assert t2 == pytest.approx((rates**2).sum(), rel=1e-12)


def test_totals_inverse_time_basel():
    # lr = 0.3 / (1 + t): sum of squares = 0.09 * pi^2 / 6
    t1, t2 = N.rate_totals(inverse_time_decay(0.3, 1, 1.0))
    assert t1 == math.inf
    assert t2 == pytest.approx(0.09 * math.pi**2 / 6, rel=1e-12)


def test_totals_step_and_cosine():
    t1, t2 = N.rate_totals(step_decay(0.2, 10, 0.5))
    assert (t1, t2) == (pytest.approx(4.0), pytest.approx(0.04 * 10 / 0.75))
    c1, c2 = N.rate_totals(N.noise_schedule("cosine", 0.2, horizon=1000))
    # sum_{t<N} (1 + cos(pi t / N)) / 2 = N / 2 + 1 / 2 (the cosines add up to 1)
    assert c1 == pytest.approx(0.2 * 500.5, rel=1e-12)
    # mean of cos^2 over the half period is 1/2: sum (1 + cos)^2 / 4 = (N + 2 + N / 2) / 4
    assert c2 == pytest.approx(0.04 * (1000 + 2 + 500) / 4, rel=1e-12)


def test_totals_unknown_schedule():
    with pytest.raises(ValueError, match="rate_totals"):
        N.rate_totals(exponential_decay(0.2, 10, 0.5, staircase=True))


# --- inverse_time_limit --------------------------------------------------------------------

def test_inverse_time_limit_matches_the_recursion_far_out():
    sched = N.noise_schedule("1/t", 0.2, c=0.5)
    m = N.expected_sq_error(PARABOLA, 5.0, sched, 100_000, noise=1.0)
    # c^2 s^2 / ((2 c L - 1) t) = 0.25 / t
    assert N.inverse_time_limit(PARABOLA, 0.5, 1.0, 100_000) == pytest.approx(0.25 / 100_000)
    assert m[-1] == pytest.approx(0.25 / 100_000, rel=0.01)


def test_inverse_time_limit_small_c_has_no_one_over_t_law():
    assert N.inverse_time_limit(PARABOLA, 0.2, 1.0, 1000) == math.inf


# --- compare_schedules ---------------------------------------------------------------------

def test_compare_schedules_matches_the_pieces():
    scheds = {"constant": 0.2, "exponential": exponential_decay(0.2, 1, 0.9)}
    out = N.compare_schedules(PARABOLA, 5.0, scheds, 50, noise=1.0, runs=300, seed=2)
    for name, lr in scheds.items():
        batch = N.seeded_runs(PARABOLA, 5.0, lr, 50, noise=1.0, runs=300, seed=2)
        sq = (batch.w - W_STAR) ** 2
        np.testing.assert_allclose(out[name]["mse"], sq.mean(axis=1), rtol=1e-12)
        # the exact expectation, by its recursion written out here
        rates = lr(np.arange(50)).tolist() if callable(lr) else [lr] * 50
        m = [36.0]
        for r in rates:
            m.append((1 - 2 * r) ** 2 * m[-1] + r * r)
        np.testing.assert_allclose(out[name]["expected"], m, rtol=1e-12)
        # the 10% and 90% quantiles bracket 80% of the runs at every step
        inside = (sq >= out[name]["low"][:, None]) & (sq <= out[name]["high"][:, None])
        assert np.all(np.abs(inside[1:].mean(axis=1) - 0.8) <= 0.01)
    np.testing.assert_allclose(out["exponential"]["lr"], 0.2 * 0.9 ** np.arange(50))


# --- the noise drawn ahead, and the fast runs of compare_schedules ---------------------------

def test_noise_draws_are_the_noisy_gradients_noise():
    from lrlab import NoisyGradient

    z = N.noise_draws(5, 12, (7,))
    assert z.shape == (12, 7)
    noisy = NoisyGradient(PARABOLA, noise=1.5, seed=5)
    w = np.full(7, W_STAR)                  # where the noise-free gradient is exactly 0
    for t in (0, 4, 11):
        np.testing.assert_array_equal(noisy.grad(w, step=t), 1.5 * z[t])
        np.testing.assert_array_equal(z[t], np.random.default_rng([5, t]).standard_normal(7))


@pytest.mark.parametrize("lr", [0.2, exponential_decay(0.5, 1, 0.98), N.noise_schedule(
    "cosine", 0.9, horizon=150), N.noise_schedule("step", 0.3, step_size=20)])
def test_compare_schedules_is_seeded_runs_bit_for_bit(lr):
    # compare_schedules runs a Quadratic without gradient_descent: same numbers, every bit
    out = N.compare_schedules(PARABOLA, 5.0, {"s": lr}, 150, noise=1.3, runs=64, seed=9)["s"]
    batch = N.seeded_runs(PARABOLA, 5.0, lr, 150, noise=1.3, runs=64, seed=9)
    sq = (batch.w - W_STAR) ** 2
    np.testing.assert_array_equal(out["mse"], sq.mean(axis=1))
    np.testing.assert_array_equal(np.stack([out["low"], out["high"]]),
                                  np.quantile(sq, [0.1, 0.9], axis=1))
    np.testing.assert_array_equal(out["lr"], batch.lr[:, 0])
    # with the noise drawn ahead, longer than the run: the same again
    draws = N.noise_draws(9, 400, (64,))
    again = N.compare_schedules(PARABOLA, 5.0, {"s": lr}, 150, noise=1.3, runs=64, seed=9,
                                draws=draws)["s"]
    for key in out:
        np.testing.assert_array_equal(again[key], out[key])


def test_compare_schedules_in_two_dimensions_is_seeded_runs():
    bowl = Quadratic(a=[0.5, 3.0], center=[1.0, -2.0])
    out = N.compare_schedules(bowl, [4.0, 0.0], {"c": 0.1}, 60, noise=0.5, runs=40, seed=1)
    batch = N.seeded_runs(bowl, [4.0, 0.0], 0.1, 60, noise=0.5, runs=40, seed=1)
    np.testing.assert_array_equal(out["c"]["mse"], N.mean_sq_error(batch))


def test_compare_schedules_diverging_runs_are_blanked_as_gradient_descent_does():
    # lr 1.1 > 2 / L = 1: every run diverges and gradient_descent sets what follows to NaN
    out = N.compare_schedules(PARABOLA, 5.0, {"too big": 1.1}, 200, noise=1.0, runs=20)["too big"]
    batch = N.seeded_runs(PARABOLA, 5.0, 1.1, 200, noise=1.0, runs=20)
    assert (batch.status == "diverged").all()
    np.testing.assert_array_equal(out["mse"], N.mean_sq_error(batch))
    assert np.isnan(out["mse"][-1]) and np.isnan(out["lr"][-1])


def test_compare_schedules_checks_the_draws():
    with pytest.raises(ValueError, match="draws must have shape"):
        N.compare_schedules(PARABOLA, 5.0, {"c": 0.2}, 50, 1.0, runs=10, draws=np.zeros((49, 10)))
    with pytest.raises(ValueError, match="draws must have shape"):
        N.compare_schedules(PARABOLA, 5.0, {"c": 0.2}, 50, 1.0, runs=10, draws=np.zeros((50, 11)))
    with pytest.raises(ValueError, match="seed 3"):
        N.compare_schedules(PARABOLA, 5.0, {"c": 0.2}, 50, 1.0, runs=10, seed=3,
                            draws=N.noise_draws(4, 50, (10,)))


def test_expected_one_rate_is_the_column_of_many():
    # one rate on one direction runs on Python floats; as a column of an array of rates it
    # runs on numpy arrays: the same operations, the same bits
    for lr in (0.3, 0.95):
        single = N.expected_sq_error(PARABOLA, 5.0, lr, 300, noise=0.8)
        many = N.expected_sq_error(PARABOLA, 5.0, [lr, 0.1], 300, noise=0.8)
        np.testing.assert_array_equal(single, many[:, 0])
    grows = N.expected_sq_error(PARABOLA, 5.0, 1.5, 2000, noise=1.0)       # |1 - 3| = 2 per step
    np.testing.assert_array_equal(grows, N.expected_sq_error(PARABOLA, 5.0, [1.5, 0.1], 2000,
                                                             noise=1.0)[:, 0])
    # m <- 4 m + 1.5^2: m_10 = 36 * 4^10 + 2.25 (4^10 - 1) / 3
    assert grows[10] == pytest.approx(36 * 4**10 + 0.75 * (4**10 - 1), rel=1e-12)
    assert math.isinf(grows[-1])
