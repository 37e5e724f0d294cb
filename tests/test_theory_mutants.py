"""Closed forms of lrlab.theory at their edges, against hand computation and brute-force loops.

Each test pins a result a student would see wrong if the code slipped: a sum
over directions taken as a maximum, a total that forgets the rates held before
a delayed decay, an edge counted as growth, a boundary one unit off. Expected
values are written out by hand from the formulas in the docstrings, or
computed by plain Python loops over the update rule; never by the function
under test. The table at the end checks every argument's error message: it
names the argument and the allowed range, exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from testkit import check_message

from lrlab import Quadratic, Rosenbrock, TwoBasins, blog_post_problem, theory
from lrlab.schedules import (
    constant,
    exponential_decay,
    join_schedules,
    polynomial_decay,
)

PARABOLA = blog_post_problem()                      # (w + 1)^2: L = 2, minimum -1
BOWL = Quadratic([0.5, 5.0], [1.0, 2.0])   # L = 1 and 10, minimum (1, 2)


def loop_error_product(L, rates):
    """prod_t (1 - L lr_t), one factor at a time."""
    p = 1.0
    for r in rates:
        p *= 1.0 - L * r
    return p


# --- noise_ball: a sum over directions ---------------------------------------------------------

def test_noise_ball_sums_the_directions():
    # lr s^2 / (L (2 - lr L)) per direction: 0.05 / (1 * 1.95) + 0.05 / (10 * 1.5)
    expected = 0.05 / 1.95 + 0.05 / 15.0
    assert theory.noise_ball(BOWL, 0.05, 1.0) == pytest.approx(expected, rel=1e-14)
    assert round(expected, 4) == 0.0290


def test_noise_ball_2d_recursion_reaches_the_same_sum():
    # the mean square of each direction obeys m <- (1 - lr L)^2 m + lr^2 s^2
    lr, s = 0.15, 1.0
    parts = []
    for L in (1.0, 10.0):
        m = 0.0
        for _ in range(5000):
            m = (1 - lr * L) ** 2 * m + lr * lr * s * s
        parts.append(m)
    total = sum(parts)
    assert theory.noise_ball(BOWL, lr, s) == pytest.approx(total, rel=1e-12)
    assert total > 1.2 * max(parts)       # a maximum would miss a visible part


def test_noise_ball_scales_with_the_noise_variance():
    # s = 0.5: a quarter of the s = 1 ball, 0.2 * 0.25 / (2 * 1.6)
    assert theory.noise_ball(PARABOLA, 0.2, 0.5) == pytest.approx(0.015625, rel=1e-14)
    assert theory.noise_ball(PARABOLA, 0.2, 0.0) == 0.0


def test_noise_ball_is_infinite_from_the_critical_rate_on():
    assert theory.noise_ball(PARABOLA, 1.0, 1.0) == math.inf      # lr L = 2 exactly
    assert theory.noise_ball(PARABOLA, 1.0, 0.0) == math.inf      # no noise, but no ball either
    assert theory.noise_ball(PARABOLA, 1.2, 1.0) == math.inf      # lr L = 2.4
    assert theory.noise_ball(PARABOLA, 5.0, 1.0) == math.inf


def test_noise_ball_of_an_array_of_rates():
    got = theory.noise_ball(PARABOLA, np.array([0.2, 0.1, 1.0]), 1.0)
    assert isinstance(got, np.ndarray) and got.shape == (3,)
    np.testing.assert_allclose(got, [0.0625, 0.1 / (2 * 1.8), np.inf], rtol=1e-14)
    assert isinstance(theory.noise_ball(PARABOLA, 0.2, 1.0), float)


# --- total_lr: the held head, end_value, growth ------------------------------------------------

def brute_total(schedule, n=200_000):
    return float(np.sum(schedule(np.arange(n))))


def test_total_lr_counts_the_rates_held_before_a_delayed_decay():
    # 10 steps at 1.0, then 1 + 0.5 + 0.25 + ... = 2: in all 12
    sched = exponential_decay(1.0, 1, 0.5, transition_begin=10)
    assert theory.total_lr(sched) == pytest.approx(12.0, rel=1e-14)
    assert brute_total(sched) == pytest.approx(12.0, rel=1e-14)
    # with a first rate of 0.3 the head is 3 and the tail 0.6
    sched = exponential_decay(0.3, 1, 0.5, transition_begin=10)
    assert theory.total_lr(sched) == pytest.approx(3.6, rel=1e-14)
    staircase = exponential_decay(0.3, 4, 0.5, staircase=True, transition_begin=8)
    assert theory.total_lr(staircase) == pytest.approx(brute_total(staircase), rel=1e-12)


@pytest.mark.parametrize("kwargs", [
    {"transition_begin": 2.5}, {"decay_steps": 1.5, "staircase": True},
    {"decay_steps": 3, "staircase": True, "transition_begin": 2.5},
    {"decay_steps": 0.7, "staircase": True, "transition_begin": 0.2}, {"decay_steps": 1.5},
])
def test_total_lr_of_fractional_stairs_and_delays_is_the_long_sum(kwargs):
    # a delay between two steps, or stairs of a fractional length, have no k / (1 - r) form
    kwargs = dict(kwargs)                  # pop from a copy: the parameters are shared
    sched = exponential_decay(1.0, kwargs.pop("decay_steps", 1), 0.5, **kwargs)
    assert theory.total_lr(sched) == pytest.approx(brute_total(sched), rel=1e-14)


def test_total_lr_of_a_zero_rate_is_zero():
    assert theory.total_lr(exponential_decay(0.0, 1.5, 0.5, staircase=True)) == 0.0


def test_total_lr_is_infinite_with_a_floor_or_without_decay():
    assert theory.total_lr(exponential_decay(1.0, 1, 0.5, end_value=0.1)) == math.inf
    assert theory.total_lr(exponential_decay(0.1, 1, 1.0)) == math.inf        # constant
    assert theory.total_lr(exponential_decay(0.1, 1, 1.5)) == math.inf        # growth
    assert theory.total_lr(exponential_decay(0.1, 1, 1.5, end_value=1.0)) == math.inf
    assert theory.total_lr(constant(0.1)) == math.inf
    # a floor of 0 is no floor: the total stays finite
    assert theory.total_lr(exponential_decay(1.0, 1, 0.5, end_value=0.0)) == pytest.approx(2.0)


def test_total_lr_with_steps_and_of_a_number():
    assert theory.total_lr(0.1, steps=1) == 0.1
    assert theory.total_lr(0.1) == math.inf
    sched = exponential_decay(1.0, 1, 0.5)
    assert theory.total_lr(sched, steps=1) == 1.0
    assert theory.total_lr(sched, steps=3) == 1.75
    assert theory.total_lr(lambda s: np.ones(np.shape(s), dtype=int), steps=4) == 4.0


def test_total_lr_names_the_schedule_it_cannot_total():
    def my_schedule(s):
        return 0.1 / (1 + np.asarray(s))

    with pytest.raises(ValueError, match=r"^steps is required for the schedule <function "
                                         r".*my_schedule.*: only exponential_decay and constant"):
        theory.total_lr(my_schedule)
    with pytest.raises(ValueError, match="^steps is required for the schedule 'polynomial_decay'"):
        theory.total_lr(polynomial_decay(0.1, 10))


# --- regime, contraction, steps: the edges ------------------------------------------------------

@pytest.mark.parametrize("r,label", [
    (0.1, "too small"), (0.1000001, "monotone"), (1.0, "one step"), (1 + 1e-10, "one step"),
    (1 + 5e-9, "oscillating"), (1 - 5e-9, "monotone"), (2.0, "on the edge"),
    (2 * (1 - 1e-10), "on the edge"), (2 + 5e-9, "divergent"), (2 - 5e-9, "oscillating"),
])
def test_regime_labels_near_their_thresholds(r, label):
    # Quadratic(0.5): L = 1, so the rate is its own fraction r of the one-step rate
    assert theory.regime(Quadratic(0.5), r) == label


def test_regime_small_threshold_is_a_parameter():
    assert theory.regime(Quadratic(0.5), 0.3, small=0.3) == "too small"
    assert theory.regime(Quadratic(0.5), 0.3, small=0.29) == "monotone"
    labels = theory.regime(Quadratic(0.5), [0.05, 1.0, 3.0])
    assert isinstance(labels, np.ndarray) and labels.tolist() == ["too small", "one step",
                                                                   "divergent"]
    assert isinstance(theory.regime(Quadratic(0.5), 0.5), str)


def test_contraction_of_an_array_is_an_array_per_rate():
    got = theory.contraction(BOWL, [0.1, 0.19])       # max(|1 - L lr|) over L = 1, 10
    assert isinstance(got, np.ndarray)
    np.testing.assert_allclose(got, [0.9, 0.9], rtol=1e-14)
    assert isinstance(theory.contraction(BOWL, 0.1), float)


def test_steps_to_tolerance_exact_powers_and_edges():
    # factor 0.5: 0.5^2 = 0.25 exactly, so 2 steps (not 3)
    assert theory.steps_to_tolerance(Quadratic(0.5), 0.5, 0.25) == 2.0
    assert theory.steps_to_tolerance(Quadratic(0.5), 1.0, 0.25) == 1.0      # factor 0
    assert theory.steps_to_tolerance(Quadratic(0.5), 2.0, 0.25) == math.inf  # factor -1
    got = theory.steps_to_tolerance(Quadratic(0.5), [0.5, 2.0, 3.0], 0.25)
    assert isinstance(got, np.ndarray) and got.tolist() == [2.0, math.inf, math.inf]
    assert isinstance(theory.steps_to_tolerance(Quadratic(0.5), 0.5, 0.25), float)


def test_direction_steps_exact_powers_and_edges():
    bowl = Quadratic([0.5, 0.25])                    # L = 1 and 0.5
    # factors 0.5 and 0.75 at lr 0.5: 0.5^2 = 0.25; 0.75^t <= 0.25 from t = 5 (0.237)
    assert theory.direction_steps(bowl, 0.5, 0.25).tolist() == [2.0, 5.0]
    # lr 2: factors -1 (never) and 0 (one step)
    assert theory.direction_steps(bowl, 2.0, 0.25).tolist() == [math.inf, 1.0]


def test_slowest_direction_of_an_array():
    got = theory.slowest_direction(BOWL, [0.1, 0.19])
    assert isinstance(got, np.ndarray) and got.tolist() == [0, 1]


def test_error_factor_and_direction_factors():
    assert theory.error_factor(PARABOLA, 0.2) == pytest.approx(0.6, abs=1e-15)
    np.testing.assert_allclose(theory.error_factor(PARABOLA, [0.5, 1.0]), [0.0, -1.0], atol=1e-15)
    np.testing.assert_allclose(theory.direction_factors(BOWL, [0.1, 0.2]),
                               [[0.9, 0.0], [0.8, -1.0]], atol=1e-15)


# --- growing_directions: growth means |factor| > 1 --------------------------------------------

def test_an_edge_direction_is_not_growing():
    bowl = Quadratic([0.5, 5.0])                     # L = 1, 10
    # at lr 0.2 the stiff factor is exactly -1: it bounces for ever, it does not grow
    assert theory.growing_directions(bowl, [1.0, 1.0], 0.2).tolist() == [False, False]
    assert theory.growing_directions(bowl, [1.0, 1.0], 0.21).tolist() == [False, True]
    # lr 2.5: both grow (|1 - 2.5| = 1.5, |1 - 25| = 24), unless a coordinate starts on c
    assert theory.growing_directions(bowl, [1.0, 1.0], 2.5).tolist() == [True, True]
    assert theory.growing_directions(bowl, [0.0, 1.0], 2.5).tolist() == [False, True]
    shifted = Quadratic([0.5, 5.0], [3.0, -1.0])
    assert theory.growing_directions(shifted, [3.0, 0.0], 2.5).tolist() == [False, True]


# --- decay_outcome: the series tail ------------------------------------------------------------

def loop_outcome(L, lr0, rate, tol=1e-6, blowup=1e3, k=1, staircase=False):
    """decay_outcome's three labels, by multiplying the factors until they are 1."""
    e = 1.0
    t = 0
    while True:
        p = t // k if staircase else t / k
        x = L * lr0 * rate**p
        if x < 1e-17:
            break
        e *= 1.0 - x
        if abs(e) > blowup:
            return "diverges"
        t += 1
    return "converges" if abs(e) <= tol else "freezes short"


@pytest.mark.parametrize("lr0,rate", [(7.4e-4, 0.9999), (2e-4, 0.9999), (0.2, 0.95),
                                      (0.2, 0.99), (3.0, 0.95), (0.05, 0.99), (0.01, 0.995)])
def test_decay_outcome_agrees_with_a_brute_force_loop(lr0, rate):
    assert theory.decay_outcome(PARABOLA, lr0, rate) == loop_outcome(2.0, lr0, rate)


def test_decay_outcome_at_lr0_7_4e_4_converges():
    # the series tail is most of the story here: sum of 2 * 7.4e-4 * 0.9999^t = 14.8,
    # and e^-14.8 = 3.7e-7 < 1e-6
    assert 2 * 7.4e-4 / (1 - 0.9999) == pytest.approx(14.8)
    assert theory.decay_outcome(PARABOLA, 7.4e-4, 0.9999) == "converges"
    assert theory.decay_outcome(PARABOLA, 6e-4, 0.9999) == "freezes short"     # e^-12 = 6e-6


def test_decay_outcome_staircase_and_decay_steps():
    for k, staircase in ((3, False), (3, True), (10, True)):
        for lr0, rate in ((0.05, 0.9), (0.3, 0.95), (0.9, 0.7)):
            expected = loop_outcome(2.0, lr0, rate, k=k, staircase=staircase)
            got = theory.decay_outcome(PARABOLA, lr0, rate, decay_steps=k, staircase=staircase)
            assert got == expected, (k, staircase, lr0, rate)


def test_decay_outcome_thresholds_are_parameters():
    # lr0 0.2, rate 0.95 leaves |e| / |e0| = 1.2e-4 (teaching facts): tol decides
    assert theory.decay_outcome(PARABOLA, 0.2, 0.95, tol=1e-3) == "converges"
    assert theory.decay_outcome(PARABOLA, 0.2, 0.95, tol=1e-4) == "freezes short"
    # lr0 1.2: |1 - 2.4| = 1.4 at first; the peak of |e| decides with blowup
    peak = max(abs(loop_error_product(2.0, [1.2 * 0.5**j for j in range(n)]))
               for n in range(1, 40))
    assert theory.decay_outcome(PARABOLA, 1.2, 0.5, blowup=peak * 0.99) == "diverges"
    assert theory.decay_outcome(PARABOLA, 1.2, 0.5, blowup=peak * 1.01) != "diverges"


def test_decay_outcome_of_a_2d_bowl_needs_every_direction():
    # the flat direction (L = 1) decides convergence; the stiff one (L = 10) divergence
    assert theory.decay_outcome(BOWL, 0.05, 0.99) == loop_outcome(1.0, 0.05, 0.99)
    assert theory.decay_outcome(BOWL, 0.5, 0.9) == "diverges"
    assert loop_outcome(10.0, 0.5, 0.9) == "diverges"
    assert loop_outcome(1.0, 0.5, 0.9) != "diverges"


def test_decay_outcome_broadcasts():
    got = theory.decay_outcome(PARABOLA, [[0.2], [3.0]], [0.95, 0.99])
    assert got.shape == (2, 2)
    assert got.tolist() == [["freezes short", "converges"], ["diverges", "diverges"]]
    assert isinstance(theory.decay_outcome(PARABOLA, 0.2, 0.95), str)


# --- underflow_step ----------------------------------------------------------------------------

def first_zero_step(lr0, rate, k=1, staircase=False, flush=True, dtype=np.float32):
    """First t where lr0 * rate^p rounds below the limit, by trying every step (in float64)."""
    info = np.finfo(dtype)
    limit = float(info.tiny) if flush else float(info.smallest_subnormal) / 2
    t = 0
    while True:
        p = t // k if staircase else t / k
        if lr0 * rate**p < limit:
            return t
        t += 1


@pytest.mark.parametrize("kwargs", [
    {}, {"flush": False}, {"decay_steps": 3}, {"decay_steps": 3, "staircase": True},
    {"decay_steps": 7, "staircase": True, "flush": False}, {"dtype": np.float64},
])
def test_underflow_step_is_the_first_step_below_the_limit(kwargs):
    lr0, rate = 0.3, 0.9
    expected = first_zero_step(lr0, rate, k=kwargs.get("decay_steps", 1),
                               staircase=kwargs.get("staircase", False),
                               flush=kwargs.get("flush", True),
                               dtype=kwargs.get("dtype", np.float32))
    assert theory.underflow_step(lr0, rate, **kwargs) == expected


def test_underflow_step_of_a_rate_already_below_the_limit():
    assert theory.underflow_step(1e-39, 0.5) == 0
    assert theory.underflow_step(1e-39, 0.5, flush=False) > 0


# --- critical_lr_at ----------------------------------------------------------------------------

def test_critical_lr_at_points_and_humps():
    p = TwoBasins(tilt=0.0)                      # f'' = 12 w^2 - 4
    assert p.curvature_at(1.0) == 8.0
    assert theory.critical_lr_at(p, 1.0) == 0.25
    assert theory.critical_lr_at(p, 0.0) == math.inf
    w = np.array([1.0, 0.5, math.sqrt(1 / 3), 2.0])   # f'' = 8, -1, 0, 44
    got = theory.critical_lr_at(p, w)
    assert isinstance(got, np.ndarray)
    np.testing.assert_allclose(got, [0.25, math.inf, math.inf, 2 / 44], rtol=1e-12)
    with pytest.raises(TypeError, match="^problem must have curvature_at .*got Quadratic"):
        theory.critical_lr_at(PARABOLA, 1.0)


# --- freeze_point: long schedules, stiff problems, max_steps ------------------------------------

def test_freeze_point_of_a_slow_decay_needs_many_chunks():
    # 0.001 * 0.9995^t reaches 1e-18 / L only after about 70,000 steps
    sched = exponential_decay(0.001, 1, 0.9995)
    rates = sched(np.arange(90_000))
    assert rates[-1] * 2 < 1e-18 < rates[60_000] * 2
    expected = -1.0 + 6.0 * math.prod(1.0 - 2.0 * r for r in rates.tolist())
    assert theory.freeze_point(PARABOLA, 5.0, sched) == pytest.approx(expected, rel=1e-9)


def test_freeze_point_on_a_stiff_problem():
    # L = 1e6: the rates must fall below 1e-24 before the factors are 1
    stiff = Quadratic(5e5)
    sched = exponential_decay(1e-7, 1, 0.99)
    rates = sched(np.arange(6000))
    expected = 1.0 * math.prod(1.0 - 1e6 * r for r in rates.tolist())
    assert theory.freeze_point(stiff, 1.0, sched) == pytest.approx(expected, rel=1e-9)


def test_freeze_point_waits_for_a_rising_start():
    # rates that start near zero and rise: the first chunk is not the end
    ramp = polynomial_decay(0.0, 4096, end_lr=1e-22)          # 0 -> 1e-22 over 4096 steps
    sched = join_schedules([ramp, exponential_decay(0.3, 1, 0.9)], [4096])
    rates = sched(np.arange(4096 + 500))
    expected = -1.0 + 6.0 * loop_error_product(2.0, rates.tolist())
    assert theory.freeze_point(PARABOLA, 5.0, sched) == pytest.approx(expected, rel=1e-12)
    assert abs(expected + 1.0) < 1.0                         # it did move


def test_freeze_point_stops_at_max_steps():
    sched = exponential_decay(0.1, 1, 0.995)                 # 0.2 * 0.995^t < 1e-18 at ~8000
    with pytest.raises(ValueError, match="^schedule never freezes within max_steps=4096: "):
        theory.freeze_point(PARABOLA, 5.0, sched, max_steps=4096)
    quick = exponential_decay(0.1, 1, 0.5)
    assert theory.freeze_point(PARABOLA, 5.0, quick, max_steps=1) == pytest.approx(
        -1.0 + 6.0 * loop_error_product(2.0, [0.1 * 0.5**t for t in range(80)]), rel=1e-14)


def test_freeze_point_shapes():
    got = theory.freeze_point(BOWL, [3.0, 3.0], exponential_decay(0.05, 1, 0.9))
    assert isinstance(got, np.ndarray) and got.shape == (2,)
    flat = loop_error_product(1.0, [0.05 * 0.9**t for t in range(600)])
    stiff = loop_error_product(10.0, [0.05 * 0.9**t for t in range(600)])
    np.testing.assert_allclose(got, [1.0 + 2.0 * flat, 2.0 + 1.0 * stiff], rtol=1e-12)
    one = theory.freeze_point(PARABOLA, 5.0, exponential_decay(0.05, 1, 0.9), steps=3)
    assert isinstance(one, float)
    assert one == pytest.approx(-1.0 + 6.0 * loop_error_product(2.0, [0.05, 0.045, 0.0405]))


def test_freeze_points_to_machine_precision():
    # the teaching facts' freeze points, now against a loop to 1e-12 (not +-0.05)
    for rate in (0.5, 0.8, 0.9, 0.95, 0.99):
        n = int(math.log(1e-20) / math.log(rate)) + 1
        expected = -1.0 + 6.0 * loop_error_product(2.0, [0.2 * rate**t for t in range(n)])
        got = theory.freeze_point(PARABOLA, 5.0, exponential_decay(0.2, 1, rate))
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15), rate


# --- closed_form_path --------------------------------------------------------------------------

def test_closed_form_path_one_step_and_overflow():
    assert theory.closed_form_path(PARABOLA, 5.0, 0.2, 1).tolist() == [5.0, pytest.approx(2.6)]
    with np.errstate(all="raise"):
        np.seterr(over="raise")
    huge = theory.closed_form_path(PARABOLA, 5.0, 1e200, 3)      # factors -2e200: overflow, quietly
    assert np.isinf(huge[2:]).all()


def test_closed_form_path_schedules_may_give_zero_rates():
    path = theory.closed_form_path(PARABOLA, 5.0, lambda s: np.zeros(np.shape(s)), 3)
    assert path.tolist() == [5.0, 5.0, 5.0, 5.0]


# --- local curvatures ---------------------------------------------------------------------------

def test_local_curvatures_use_the_step_h():
    # Rosenbrock at (1, 1): the central difference of d/dx of the gradient picks up
    # h^2 / 6 times its third derivative 2400, so H_xx = 802 + 400 h^2 (the rest is exact)
    h = 0.1
    H = np.array([[802 + 400 * h * h, -400.0], [-400.0, 200.0]])
    expected = np.linalg.eigvalsh(H)
    got = theory.local_curvatures(Rosenbrock(), [1.0, 1.0], h=h)
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    assert theory.local_critical_lr(Rosenbrock(), [1.0, 1.0], h=h) == pytest.approx(
        2 / expected.max(), rel=1e-9)


def test_local_critical_lr_of_a_gentle_bowl_and_of_a_hump():
    assert theory.local_critical_lr(Quadratic([0.25, 0.1]), [0.0, 0.0]) == pytest.approx(4.0)
    # a saddle of the Rosenbrock-free kind: a bowl turned upside down has no positive curvature
    class Dome:
        shape = (2,)

        def grad(self, w):
            return -np.asarray(w, dtype=float)

    assert theory.local_critical_lr(Dome(), [0.0, 0.0]) == math.inf


# --- level_ellipse -----------------------------------------------------------------------------

def test_level_ellipse_around_an_off_center_minimum():
    ring = theory.level_ellipse(BOWL, 2.0, points=5)    # half-axes sqrt(4) and sqrt(0.4)
    expected = [[3.0, 2.0], [1.0, 2.0 + math.sqrt(0.4)], [-1.0, 2.0],
                [1.0, 2.0 - math.sqrt(0.4)], [3.0, 2.0]]
    np.testing.assert_allclose(ring, expected, atol=1e-12)
    assert theory.level_ellipse(BOWL, 2.0, points=2).shape == (2, 2)
    assert theory.level_ellipse(BOWL, 0.0, points=3).tolist() == [[1.0, 2.0]] * 3


# --- curvatures ----------------------------------------------------------------------------------

class _Flat:
    """A duck-typed problem with a flat direction."""

    curvature = np.array([0.0, 1.0])


def test_curvatures_must_be_positive():
    with pytest.raises(ValueError, match="^problem must have a positive curvature in every "
                                         "direction$"):
        theory.curvatures(_Flat())
    with pytest.raises(TypeError, match="^problem must be a quadratic with a constant curvature "
                                        r"\(Quadratic, LeastSquares\), got object$"):
        theory.curvatures(object())
    assert theory.curvatures(Quadratic([1, 2])).dtype == np.float64


# --- every argument's message: its name and the allowed range ------------------------------------

S = "x"   # a string: every check rejects it with a message that spells out the range


@pytest.mark.parametrize("call,kind,message", [
    (lambda: theory.contraction(PARABOLA, S), TypeError,
     "lr must be a real number > 0, got str 'x'"),
    (lambda: theory.contraction(PARABOLA, 0.0), ValueError,
     "lr must be a finite number > 0, got 0.0"),
    (lambda: theory.contraction(PARABOLA, [0.1, 0.0]), ValueError,
     "lr must hold finite numbers > 0, got "),
    (lambda: theory.decay_outcome(PARABOLA, 0.0, 0.9), ValueError,
     "initial_lr must be a finite number > 0, got 0.0"),
    (lambda: theory.decay_outcome(PARABOLA, [0.1, 0.0], 0.9), ValueError,
     "initial_lr must hold finite numbers > 0, got "),
    (lambda: theory.decay_outcome(PARABOLA, 0.1, 1.0), ValueError,
     "decay_rate must hold finite numbers > 0 and < 1, got "),
    (lambda: theory.decay_outcome(PARABOLA, 0.1, 0.0), ValueError,
     "decay_rate must hold finite numbers > 0 and < 1, got "),
    (lambda: theory.decay_outcome(PARABOLA, 0.1, 0.9, decay_steps=0), ValueError,
     "decay_steps must be an integer >= 1, got 0"),
    (lambda: theory.decay_outcome(PARABOLA, 0.1, 0.9, staircase=1), TypeError,
     "staircase must be True or False, got 1"),
    (lambda: theory.decay_outcome(PARABOLA, 0.1, 0.9, tol=S), TypeError,
     "tol must be a real number > 0 and < 1, got str 'x'"),
    (lambda: theory.decay_outcome(PARABOLA, 0.1, 0.9, blowup=S), TypeError,
     "blowup must be a real number > 1, got str 'x'"),
    (lambda: theory.decay_outcome(PARABOLA, 0.1, 0.9, blowup=1.0), ValueError,
     "blowup must be a finite number > 1, got 1.0"),
    (lambda: theory.underflow_step(S, 0.9), TypeError,
     "initial_lr must be a real number > 0, got str 'x'"),
    (lambda: theory.underflow_step(0.1, S), TypeError,
     "decay_rate must be a real number > 0 and < 1, got str 'x'"),
    (lambda: theory.underflow_step(0.1, 0.9, decay_steps=S), TypeError,
     "decay_steps must be an integer >= 1, got str 'x'"),
    (lambda: theory.underflow_step(0.1, 0.9, staircase=S), TypeError,
     "staircase must be True or False, got str 'x'"),
    (lambda: theory.underflow_step(0.1, 0.9, flush=S), TypeError,
     "flush must be True or False, got str 'x'"),
    (lambda: theory.underflow_step(0.1, 0.9, dtype=np.int32), ValueError,
     "dtype must be np.float32 or np.float64, got int32"),
    (lambda: theory.regime(PARABOLA, 0.1, small=S), TypeError,
     "small must be a real number > 0 and < 1, got str 'x'"),
    (lambda: theory.regime(PARABOLA, 0.1, small=1.0), ValueError,
     "small must be a finite number > 0 and < 1, got 1.0"),
    (lambda: theory.regime(PARABOLA, 0.1, small=0.0), ValueError,
     "small must be a finite number > 0 and < 1, got 0.0"),
    (lambda: theory.steps_to_tolerance(PARABOLA, 0.1, S), TypeError,
     "eps must be a real number > 0 and < 1, got str 'x'"),
    (lambda: theory.steps_to_tolerance(PARABOLA, 0.1, 1.0), ValueError,
     "eps must be a finite number > 0 and < 1, got 1.0"),
    (lambda: theory.direction_steps(BOWL, 0.1, S), TypeError,
     "eps must be a real number > 0 and < 1, got str 'x'"),
    (lambda: theory.direction_steps(BOWL, 0.1, 1.0), ValueError,
     "eps must be a finite number > 0 and < 1, got 1.0"),
    (lambda: theory.direction_steps(BOWL, 0.1, 0.0), ValueError,
     "eps must be a finite number > 0 and < 1, got 0.0"),
    (lambda: theory.closed_form_path(TwoBasins(), 1.0, 0.1, 3), TypeError,
     "problem must be a Quadratic, got TwoBasins"),
    (lambda: theory.closed_form_path(PARABOLA, S, 0.1, 3), TypeError,
     "w0 must be a number or an array of numbers, got 'x'"),
    (lambda: theory.closed_form_path(PARABOLA, 1.0, 0.1, S), TypeError,
     "steps must be an integer >= 1, got str 'x'"),
    (lambda: theory.closed_form_path(PARABOLA, 1.0, S, 3), TypeError,
     "lr must be a real number > 0, got str 'x'"),
    (lambda: theory.closed_form_path(PARABOLA, 1.0, lambda s: np.full(np.shape(s), np.inf), 3),
     ValueError, "lr must be a schedule giving finite rates >= 0, got inf at step 0"),
    (lambda: theory.closed_form_path(PARABOLA, 1.0, lambda s: np.full(np.shape(s), -1.0), 3),
     ValueError, "lr must be a schedule giving finite rates >= 0, got -1.0 at step 0"),
    (lambda: theory.closed_form_path(PARABOLA, 1.0, lambda s: np.ones(2), 3),
     ValueError, "lr must be a schedule giving one rate per step (see lrlab.schedules): it gave "
     "shape (2,) for steps of shape (3,)"),
    (lambda: theory.freeze_point(TwoBasins(), 1.0, constant(0.1)), TypeError,
     "problem must be a Quadratic, got TwoBasins"),
    (lambda: theory.freeze_point(PARABOLA, S, constant(0.1)), TypeError,
     "w0 must be a number or an array of numbers, got 'x'"),
    (lambda: theory.freeze_point(PARABOLA, [1.0, 2.0], constant(0.1)), ValueError,
     r"w0 must have shape (), got (2,)"),
    (lambda: theory.freeze_point(PARABOLA, 1.0, 0.1), TypeError,
     "schedule must be a schedule function (see lrlab.schedules)"),
    (lambda: theory.freeze_point(PARABOLA, 1.0, constant(0.1), max_steps=S), TypeError,
     "max_steps must be an integer >= 1, got str 'x'"),
    (lambda: theory.freeze_point(PARABOLA, 1.0, constant(0.1), max_steps=0), ValueError,
     "max_steps must be an integer >= 1, got 0"),
    (lambda: theory.noise_ball(PARABOLA, 0.1, S), TypeError,
     "noise must be a real number >= 0, got str 'x'"),
    (lambda: theory.total_lr(S), TypeError, "schedule must be a real number > 0, got str 'x'"),
    (lambda: theory.total_lr(0.0), ValueError, "schedule must be a finite number > 0, got 0.0"),
    (lambda: theory.total_lr(0.1, steps=S), TypeError,
     "steps must be an integer >= 1, got str 'x'"),
    (lambda: theory.total_lr(constant(0.1), steps=S), TypeError,
     "steps must be an integer >= 1, got str 'x'"),
    (lambda: theory.total_lr(constant(0.1), steps=0), ValueError,
     "steps must be an integer >= 1, got 0"),
    (lambda: theory.growing_directions(PARABOLA.__class__(1.0), 1.0, S), TypeError,
     "lr must be a real number > 0, got str 'x'"),
    (lambda: theory.growing_directions(TwoBasins(), 1.0, 0.1), TypeError,
     "problem must be a Quadratic (its directions are its coordinates), got TwoBasins"),
    (lambda: theory.growing_directions(BOWL, [1.0, 2.0, 3.0], 0.1), ValueError,
     "w0 must have one value per coordinate (2), got 3"),
    (lambda: theory.growing_directions(BOWL, [[1.0, 2.0]], 0.1), ValueError,
     "w0 must have (0, 1) dimension(s), got shape (1, 2)"),
    (lambda: theory.level_ellipse(PARABOLA, 1.0), TypeError,
     "problem must be a 2-D Quadratic, got Quadratic(a=1, center=-1)"),
    (lambda: theory.level_ellipse(BOWL, S), TypeError,
     "level must be a real number >= 0, got str 'x'"),
    (lambda: theory.level_ellipse(BOWL, 1.0, points=S), TypeError,
     "points must be an integer >= 2, got str 'x'"),
    (lambda: theory.level_ellipse(BOWL, 1.0, points=1), ValueError,
     "points must be an integer >= 2, got 1"),
    (lambda: theory.local_curvatures(BOWL, S), TypeError,
     "w must be a number or an array of numbers, got 'x'"),
    (lambda: theory.local_curvatures(BOWL, 1.0), ValueError,
     "w must have 1 dimension(s), got shape ()"),
    (lambda: theory.local_curvatures(BOWL, [1.0, 2.0, 3.0]), ValueError,
     "w must have shape (2,), got (3,)"),
    (lambda: theory.local_curvatures(BOWL, [1.0, 2.0], h=S), TypeError,
     "h must be a real number > 0, got str 'x'"),
    (lambda: theory.local_curvatures(BOWL, [1.0, 2.0], h=0.0), ValueError,
     "h must be a finite number > 0, got 0.0"),
])
def test_argument_messages(call, kind, message):
    check_message(call, kind, message)


# --- results print as plain Python numbers ----------------------------------------------------

def test_scalar_results_are_python_floats():
    # a numpy float64 would print as np.float64(0.6) in a notebook
    for value in (theory.contraction(PARABOLA, 0.2), theory.error_factor(PARABOLA, 0.2),
                  theory.noise_ball(PARABOLA, 0.2, 1.0), theory.critical_lr_at(TwoBasins(0.0), 1.0),
                  theory.steps_to_tolerance(PARABOLA, 0.2, 0.5),
                  theory.freeze_point(PARABOLA, 5.0, exponential_decay(0.2, 1, 0.5))):
        assert type(value) is float, value
    assert type(theory.slowest_direction(BOWL, 0.1)) is int


# --- critical_lr_at at a flat point and below curvature 1 -------------------------------------

class _Curved:
    """A duck-typed 1-D problem whose second derivative is given."""

    def __init__(self, curvature):
        self.curvature = curvature

    def curvature_at(self, w):
        return np.full(np.shape(w), self.curvature)


def test_critical_lr_at_a_flat_point_and_a_gentle_one():
    assert theory.critical_lr_at(_Curved(0.0), 1.0) == math.inf        # no limit where flat
    assert theory.critical_lr_at(_Curved(0.5), 1.0) == 4.0             # 2 / 0.5
    assert theory.critical_lr_at(_Curved(-0.5), 1.0) == math.inf


# --- decay_outcome: the series tail to 1e-11, ties, defaults ----------------------------------

def _log_error_product(L, lr0, rate):
    """log |prod_t (1 - L lr0 rate^t)|, summed term by term with math.fsum until the terms are 0."""
    terms = []
    t = 0
    while True:
        x = L * lr0 * rate**t
        if x < 1e-22:
            return math.fsum(terms)
        terms.append(math.log1p(-x) if x < 1 else math.log(abs(1 - x)))
        t += 1


@pytest.mark.parametrize("lr0,rate", [(7.4e-4, 0.9999), (3e-5, 0.9999), (4e-5, 0.99995)])
def test_decay_outcome_tail_to_eleven_digits(lr0, rate):
    # where most of the product is in the series tail (x < 1e-4), the tail's three terms
    # decide a tolerance set 1e-11 (relative) either side of the true |e_inf / e_0|
    true = math.exp(_log_error_product(2.0, lr0, rate))
    assert theory.decay_outcome(PARABOLA, lr0, rate, tol=true * (1 + 1e-11)) == "converges"
    assert theory.decay_outcome(PARABOLA, lr0, rate, tol=true * (1 - 1e-11)) == "freezes short"


def test_decay_outcome_thresholds_are_inclusive_as_documented():
    # a first factor of exactly 0.5 or 1.5, then rates too small to matter (1e-300)
    assert np.log(0.5) == math.log(0.5) and np.log(1.5) == math.log(1.5)
    # |e_inf| <= tol |e_0| converges, at equality too
    assert theory.decay_outcome(PARABOLA, 0.25, 1e-300, tol=0.5) == "converges"
    # |e_t| > blowup |e_0| diverges; at equality it does not
    assert theory.decay_outcome(PARABOLA, 1.25, 1e-300, blowup=1.5) == "freezes short"
    # the default blowup is 1e3: a first factor of 1000.5 diverges
    assert theory.decay_outcome(PARABOLA, 500.75, 1e-300) == "diverges"


def test_decay_outcome_is_continuous_unless_told():
    # with decay_steps = 3 the staircase and the continuous decay can disagree: the
    # default (staircase=False) must be the continuous one
    found = False
    for lr0 in np.linspace(0.20, 0.26, 61):
        cont = loop_outcome(2.0, lr0, 0.9, k=3)
        stairs = loop_outcome(2.0, lr0, 0.9, k=3, staircase=True)
        if cont != stairs:
            found = True
            assert theory.decay_outcome(PARABOLA, lr0, 0.9, decay_steps=3) == cont
    assert found


# --- underflow_step at the limit itself -------------------------------------------------------

def test_underflow_step_right_at_the_limit():
    tiny = float(np.finfo(np.float32).tiny)
    assert theory.underflow_step(tiny, 0.5) == 1 == first_zero_step(tiny, 0.5)
    assert theory.underflow_step(1.5 * tiny, 0.5) == 1 == first_zero_step(1.5 * tiny, 0.5)
    assert theory.underflow_step(2.5 * tiny, 0.5) == 2 == first_zero_step(2.5 * tiny, 0.5)


# --- growing_directions needs a Quadratic -----------------------------------------------------

def test_growing_directions_needs_both_center_and_steepness():
    class OnlyCenter:
        center = 0.0

    with pytest.raises(TypeError, match=r"^problem must be a Quadratic \(its directions are its "
                                        r"coordinates\), got OnlyCenter$"):
        theory.growing_directions(OnlyCenter(), 1.0, 0.1)


# --- local_critical_lr where nothing curves ---------------------------------------------------

def test_local_critical_lr_of_a_plane_is_infinite():
    class Plane:
        shape = (2,)

        def grad(self, w):
            return np.array([1.0, -2.0])

    assert theory.local_curvatures(Plane(), [0.0, 0.0]).tolist() == [0.0, 0.0]
    assert theory.local_critical_lr(Plane(), [0.0, 0.0]) == math.inf


# --- freeze_point: the stopping rule ----------------------------------------------------------

def test_freeze_point_never_freezes_message():
    with pytest.raises(ValueError) as err:
        theory.freeze_point(PARABOLA, 5.0, exponential_decay(0.1, 1, 0.995), max_steps=4096)
    assert str(err.value) == (
        "schedule never freezes within max_steps=4096: its rates do not decay to zero (their "
        "total is infinite); pass steps to get the point after a number of steps")


def test_freeze_point_stops_on_the_last_rate_of_a_chunk():
    # 4095 rates of 1e-10, then 0: the first chunk of 4096 already ends at 0, so the
    # point is final after it (within max_steps=4096)
    def drop(s):
        return np.where(np.asarray(s) < 4095, 1e-10, 0.0)

    expected = -1.0 + 6.0 * (1 - 2e-10) ** 4095
    assert theory.freeze_point(PARABOLA, 5.0, drop, max_steps=4096) == pytest.approx(expected,
                                                                                rel=1e-15)
    # L lr = 1e-18 exactly is not below 1e-18: a constant 5e-19 never freezes
    assert 5e-19 * 2.0 == 1e-18
    with pytest.raises(ValueError, match="^schedule never freezes"):
        theory.freeze_point(PARABOLA, 5.0, lambda s: np.full(np.shape(s), 5e-19), max_steps=4096)


def test_freeze_point_of_a_stiff_problem_waits_for_l_times_lr():
    # L = 1e6 and rates near 1e-15 at the end of the first chunk: 1e-15 is below 1e-18 * L
    # but L * 1e-15 = 1e-9 still moves w; the rule is L lr < 1e-18
    stiff = Quadratic(5e5)
    sched = exponential_decay(1e-7, 1, 0.9955)
    assert 1e-24 < sched(4095) < 1e-12
    rates = sched(np.arange(15000)).tolist()
    expected = math.prod(1.0 - 1e6 * r for r in rates)
    assert theory.freeze_point(stiff, 1.0, sched) == pytest.approx(expected, rel=1e-12)


def test_freeze_point_of_an_overflowing_run_started_on_the_minimum():
    # 1000 rates of 2 (factor -3: the error overflows to inf), then 0
    def burst(s):
        return np.where(np.asarray(s) < 1000, 2.0, 0.0)

    assert theory.freeze_point(PARABOLA, 5.0, burst) == math.inf
    assert theory.freeze_point(PARABOLA, -1.0, burst) == -1.0


def test_integer_inputs_give_float64_results():
    class IntBowl:
        curvature = [1, 4]                 # a duck-typed problem with integer curvatures

    assert theory.curvatures(IntBowl()).dtype == np.float64
    # a float32 schedule is added up in float64, not in float32
    sched = exponential_decay(0.1, 1, 0.999, dtype=np.float32)
    values = sched(np.arange(3000))
    assert values.dtype == np.float32
    expected = math.fsum(values.tolist())
    assert theory.total_lr(sched, steps=3000) == pytest.approx(expected, rel=1e-13)
    assert float(np.sum(values)) != pytest.approx(expected, rel=1e-13)    # float32's own sum


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_total_lr_of_a_slow_fractional_staircase_sums_every_chunk(dtype):
    # 0.999 per stair of 1.5 steps: the rates fall below 1e-17 of the total only after
    # about 47,000 steps, several chunks; the total is added up in float64
    sched = exponential_decay(1.0, 1.5, 0.999, staircase=True, dtype=dtype)
    values = sched(np.arange(400_000))
    assert float(values[47_000]) > 1e-15 and float(values[-1]) < 1e-100
    expected = math.fsum(values.astype(np.float64).tolist())
    assert theory.total_lr(sched) == pytest.approx(expected, rel=1e-12)
