"""Theory against simulation, and against the numbers in teaching-facts.md."""

import math

import numpy as np
import pytest

from lrlab import (
    NoisyGradient,
    Quadratic,
    blog_post_problem,
    closed_form_path,
    contraction,
    critical_lr,
    exponential_decay,
    freeze_point,
    gradient_descent,
    noise_ball,
    one_step_lr,
    optimal_lr,
    regime,
    steps_to_tolerance,
    total_lr,
)
from lrlab.problems import LeastSquares, TwoBasins

PARABOLA = blog_post_problem()
BOWL = Quadratic([0.5, 5.0], [0.0, 0.0])


def test_thresholds_on_the_blog_post_problem():
    # f = a (w - w*)^2 with a = 1: converge iff lr < 1/a, one step at 1/(2a)
    assert critical_lr(PARABOLA) == 1.0
    assert one_step_lr(PARABOLA) == 0.5
    assert optimal_lr(PARABOLA) == 0.5


def test_thresholds_on_the_bowl():
    # L = 2a = (1, 10): limit 2/10, best constant rate 2/(1 + 10)
    assert critical_lr(BOWL) == pytest.approx(0.2)
    assert optimal_lr(BOWL) == pytest.approx(2 / 11)
    k = 10.0
    assert contraction(BOWL, optimal_lr(BOWL)) == pytest.approx((k - 1) / (k + 1))


@pytest.mark.parametrize("lr", [0.05, 0.2, 0.5, 0.75, 0.99, 1.0, 1.01, 1.5])
def test_contraction_is_the_observed_error_ratio(lr):
    run = gradient_descent(PARABOLA, 5.0, lr=lr, steps=3)
    e = run.w + 1
    assert abs(e[1] / e[0]) == pytest.approx(contraction(PARABOLA, lr), rel=1e-12)


def test_regime_labels_and_their_thresholds():
    rates = [0.01, 0.05, 0.051, 0.3, 0.5, 0.7, 1.0, 1.0 + 1e-6, 3.0]
    expected = ["too small", "too small", "monotone", "monotone", "one step", "oscillating",
                "on the edge", "divergent", "divergent"]
    assert regime(PARABOLA, rates).tolist() == expected
    assert regime(PARABOLA, 0.3) == "monotone"
    # thresholds move with the curvature: a = 4 -> one step at 1/8, edge at 1/4
    steep = Quadratic(4.0)
    assert regime(steep, 1 / 8) == "one step"
    assert regime(steep, 1 / 4) == "on the edge"


@pytest.mark.parametrize("lr,label", [(0.01, "too small"), (0.2, "monotone"), (0.3, "monotone"),
                                      (0.5, "one step"), (0.6, "oscillating"),
                                      (0.9, "oscillating"), (1.0, "on the edge"),
                                      (1.1, "divergent")])
def test_regime_describes_the_simulated_path(lr, label):
    run = gradient_descent(PARABOLA, 5.0, lr=lr, steps=20, tol=0)
    e = (run.w + 1)[:6]
    assert regime(PARABOLA, lr) == label
    if label in ("too small", "monotone"):
        # same side, shrinking; "too small" removes at most 10 % of the error a step
        assert (e > 0).all() and (np.diff(e) < 0).all()
        ratio = e[1:] / e[:-1]
        assert ((ratio >= 0.9) if label == "too small" else (ratio < 0.9)).all()
    elif label == "one step":
        assert e[0] != 0 and (e[1:] == 0).all()
    else:
        # across the minimum every step: shorter, the same length, or longer
        assert (e[1:] * e[:-1] < 0).all()
        size = np.abs(e)
        shrink = {"oscillating": np.less, "on the edge": np.equal, "divergent": np.greater}
        assert shrink[label](size[1:], size[:-1]).all()


def test_regime_matches_descent_status_for_divergence():
    rates = np.geomspace(0.5, 2.0, 41)
    run = gradient_descent(PARABOLA, 5.0, lr=rates, steps=400)
    diverged = run.status == "diverged"
    np.testing.assert_array_equal(diverged, regime(PARABOLA, rates) == "divergent")


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.2, 0.45, 0.7, 0.9])
@pytest.mark.parametrize("eps", [1e-2, 1e-6])
def test_steps_to_tolerance_is_the_first_step_below(lr, eps):
    n = steps_to_tolerance(PARABOLA, lr, eps)
    run = gradient_descent(PARABOLA, 5.0, lr=lr, steps=int(n) + 1, tol=0)
    ratio = np.abs(run.w + 1) / 6.0
    assert ratio[int(n)] <= eps * (1 + 1e-9)
    assert ratio[int(n) - 1] > eps


def test_steps_to_tolerance_edges():
    assert steps_to_tolerance(PARABOLA, 0.5, 1e-3) == 1
    assert steps_to_tolerance(PARABOLA, 1.0, 1e-3) == math.inf
    assert steps_to_tolerance(PARABOLA, 2.0, 1e-3) == math.inf
    # ln(eps) / ln|1 - 2 a lr| from teaching-facts.md
    assert steps_to_tolerance(PARABOLA, 0.2, 1e-3) == math.ceil(math.log(1e-3) / math.log(0.6))


@pytest.mark.parametrize("lr", [0.001, 0.1, 0.5, 0.9, 1.05])
def test_closed_form_path_equals_simulation(lr):
    np.testing.assert_allclose(
        closed_form_path(PARABOLA, 5.0, lr, 30), gradient_descent(PARABOLA, 5.0, lr, 30).w,
        rtol=1e-11, atol=1e-13,
    )
    np.testing.assert_allclose(
        closed_form_path(BOWL, [1.0, -2.0], lr / 5, 30),
        gradient_descent(BOWL, [1.0, -2.0], lr / 5, 30).w, rtol=1e-11, atol=1e-13,
    )


def test_closed_form_path_with_a_schedule():
    sched = exponential_decay(0.2, 1, 0.95)
    np.testing.assert_allclose(
        closed_form_path(PARABOLA, 5.0, sched, 60), gradient_descent(PARABOLA, 5.0, sched, 60).w,
        rtol=1e-12, atol=1e-14,
    )


@pytest.mark.parametrize("rate", [0.5, 0.8, 0.9, 0.95, 0.99])
@pytest.mark.parametrize("k", [1, 10])
def test_total_of_exponential_decay_in_closed_form(rate, k):
    for staircase in (False, True):
        sched = exponential_decay(0.2, k, rate, staircase=staircase)
        numeric = total_lr(sched, steps=40_000)
        assert total_lr(sched) == pytest.approx(numeric, rel=1e-9)
    # the totals quoted in teaching-facts.md for decay_steps = 1: lr0 / (1 - rate)
    assert total_lr(exponential_decay(0.2, 1, rate)) == pytest.approx(0.2 / (1 - rate))


def test_total_of_a_constant_is_infinite_and_others_need_steps():
    assert total_lr(0.1) == math.inf
    assert total_lr(0.1, steps=10) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="steps is required"):
        total_lr(lambda s: 0.1 / (1 + np.asarray(s)))


@pytest.mark.parametrize(
    "rate,where",
    # teaching-facts.md: the blog post's problem, lr0 = 0.2, from w0 = 5 (exact products)
    [(0.5, 1.3413), (0.8, -0.3870), (0.9, -0.9350), (0.95, -0.99927), (0.99, -1.0)],
)
def test_freeze_points_from_teaching_facts(rate, where):
    got = freeze_point(PARABOLA, 5.0, exponential_decay(0.2, 1, rate))
    # as printed in teaching-facts.md (to its digits) ...
    digits = len(str(where).split(".")[1])
    assert round(got, digits) == where
    # ... and to machine precision against the product written out as a loop
    e = 6.0
    for t in range(int(math.log(1e-20) / math.log(rate)) + 1):
        e *= 1.0 - 2.0 * 0.2 * rate**t
    assert got == pytest.approx(-1.0 + e, rel=1e-12)


def test_freeze_point_equals_a_long_simulation():
    sched = exponential_decay(0.3, 1, 0.9)
    run = gradient_descent(PARABOLA, 5.0, sched, steps=3000, tol=0)
    assert freeze_point(PARABOLA, 5.0, sched) == pytest.approx(run.w[-1], rel=1e-12)
    assert freeze_point(PARABOLA, 5.0, sched, steps=50) == pytest.approx(run.w[50], rel=1e-12)


def test_freeze_point_refuses_a_schedule_that_never_freezes():
    with pytest.raises(ValueError, match="never freezes"):
        freeze_point(PARABOLA, 5.0, lambda s: np.full(np.shape(s), 0.1), max_steps=100_000)


def test_noise_ball_matches_simulation():
    # E[e^2] -> lr s^2 / (L (2 - lr L)); teaching-facts: 0.0625 at lr 0.2, L 2, s 1
    assert noise_ball(PARABOLA, 0.2, 1.0) == pytest.approx(0.0625)
    noisy = NoisyGradient(Quadratic(1.0), noise=1.0, seed=11)
    run = gradient_descent(noisy, np.zeros(4000), lr=0.2, steps=300)
    mse = (run.w[100:] ** 2).mean()
    assert mse == pytest.approx(0.0625, rel=0.03)


def test_least_squares_threshold_matches_simulation():
    rng = np.random.default_rng(3)
    X = np.c_[np.ones(50), rng.uniform(0, 3, 50)]
    p = LeastSquares(X, X @ [1.0, 0.5])
    lc = critical_lr(p)
    run = gradient_descent(p, [0.0, 0.0], lr=[0.9 * lc, 1.1 * lc], steps=3000)
    assert run.status.tolist() == ["converged", "diverged"]


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: critical_lr(TwoBasins()), "problem must"),
        (lambda: regime(PARABOLA, -0.1), "lr must"),
        (lambda: regime(PARABOLA, 0.1, small=1.5), "small must"),
        (lambda: steps_to_tolerance(PARABOLA, 0.1, 2.0), "eps must"),
        (lambda: closed_form_path(PARABOLA, [1.0, 2.0], 0.1, 10), "w0 must"),
        (lambda: closed_form_path(PARABOLA, 1.0, 0.1, 0), "steps must"),
        (lambda: noise_ball(PARABOLA, 0.1, -1.0), "noise must"),
        (lambda: freeze_point(PARABOLA, 5.0, 0.1), "schedule must"),
    ],
)
def test_bad_input_is_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_freeze_point_of_a_diverging_decay_is_infinite_and_quiet():
    # starts at 2.7 (5.4 times the one-step rate) and decays by 0.995 every 33 steps:
    # the error is multiplied by |1 - 2 * 2.7| = 4.4 per step for hundreds of steps
    sched = exponential_decay(2.6979, 33, 0.995)
    assert freeze_point(PARABOLA, 5.0, sched) == math.inf
    assert gradient_descent(PARABOLA, 5.0, sched, 100).status == "diverged"
    # a start on the minimum stays there whatever the rates
    assert freeze_point(PARABOLA, -1.0, sched) == -1.0
