"""The heavy ball's and Adam's closed forms in lrlab.theory, each against runs."""

import math

import numpy as np
import pytest

import lrlab.theory as th
from lrlab import Quadratic, adam, blog_post_problem, gradient_descent
from lrlab.problems import stretched_bowl

PARABOLA = blog_post_problem()
BOWL = Quadratic([0.5, 5.0])
W0 = np.array([-5.0, 2.0])


@pytest.mark.parametrize("problem, w0", [(PARABOLA, np.array(5.0)), (BOWL, W0)])
@pytest.mark.parametrize("lr, beta", [(0.05, 0.5), (0.15, 0.9), (0.3, 0.99), (0.02, 0.0)])
def test_matrix_powers_follow_the_run(problem, w0, lr, beta):
    run = gradient_descent(problem, w0, lr, 150, momentum=beta)
    path = th.momentum_path(problem, w0, lr, beta, 150)
    scale = np.abs(run.w - problem.center).max(axis=0)
    assert np.all(np.abs(path - run.w) <= 1e-11 * scale)


def test_matrix_by_hand():
    # the blog post's problem, L = 2: 1 + 0.5 - 2 * 0.2 = 1.1
    np.testing.assert_allclose(th.momentum_matrix(PARABOLA, 0.2, 0.5)[0],
                               [[1.1, -0.5], [1.0, 0.0]], rtol=1e-15)
    assert th.momentum_matrix(BOWL, [0.1, 0.2], [0.5, 0.9]).shape == (2, 2, 2, 2)


def _measured_factor(errors, late=300, span=100):
    """Per-step factor of the error's envelope, from two windows of a run."""
    e = np.abs(np.asarray(errors)).reshape(len(errors), -1).max(axis=1)
    hi = e[late - 20:late].max()
    lo = e[late - span - 20:late - span].max()
    return (hi / lo) ** (1 / span)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_stability_limit_from_runs(beta):
    limit = th.momentum_critical_lr(PARABOLA, beta)
    assert limit == pytest.approx(2 * (1 + beta) / 2.0, rel=1e-15)
    inside = gradient_descent(PARABOLA, 5.0, 0.97 * limit, 3000, momentum=beta, max_loss=1e300)
    outside = gradient_descent(PARABOLA, 5.0, 1.03 * limit, 3000, momentum=beta)
    assert abs(inside.w[-1] + 1) < 1e-3 * 6
    assert outside.status == "diverged"
    assert th.momentum_contraction(PARABOLA, 0.97 * limit, beta) < 1
    assert th.momentum_contraction(PARABOLA, 1.03 * limit, beta) > 1


@pytest.mark.parametrize("lr, beta", [(0.05, 0.9), (0.3, 0.5), (0.9, 0.5), (0.01, 0.3)])
def test_contraction_is_the_runs_factor(lr, beta):
    bowl = Quadratic(1.0)      # the blog post's curvature, minimum at 0: w is the error itself
    run = gradient_descent(bowl, 6.0, lr, 400, momentum=beta, tol=0)
    assert _measured_factor(run.w) == pytest.approx(
        th.momentum_contraction(bowl, lr, beta), rel=5e-3)


def test_ringing_shrinks_by_sqrt_beta():
    beta = 0.81
    assert th.momentum_regime(PARABOLA, 0.5, beta) == "underdamped"
    assert th.momentum_contraction(PARABOLA, 0.5, beta) == pytest.approx(0.9, rel=1e-12)


def test_effective_rate_for_a_slowly_varying_gradient():
    # a nearly flat bowl far from its minimum: the gradient hardly changes over 300 steps
    flat = Quadratic(1e-7)
    run = gradient_descent(flat, 1000.0, 0.1, 300, momentum=0.9)
    step = run.w[-2] - run.w[-1]
    assert step / (0.1 * run.grad[-1]) == pytest.approx(1 / (1 - 0.9), rel=1e-3)
    assert th.effective_lr(0.1, 0.9) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("beta", [0.25, 0.64])
def test_regimes_from_runs(beta):
    sb = math.sqrt(beta)
    low, high, edge = (1 - sb) ** 2 / 2, (1 + sb) ** 2 / 2, (1 + beta)   # rates, L = 2
    cases = {"overdamped": 0.5 * low, "critically damped": low, "underdamped": (low + high) / 2,
             "flipping": (high + edge) / 2, "divergent": 1.05 * edge}
    for label, lr in cases.items():
        assert th.momentum_regime(PARABOLA, lr, beta) == label
        e = gradient_descent(PARABOLA, 5.0, lr, 60, momentum=beta, max_loss=1e300).w + 1
        signs = np.sign(e[:40])
        flips = np.count_nonzero(signs[1:] != signs[:-1])
        if label in ("overdamped", "critically damped"):
            assert flips == 0                      # slides in from one side
        elif label == "underdamped":
            assert 2 <= flips < 30                 # rings: crosses, but not every step
        elif label == "flipping":
            assert np.all(signs[11:] != signs[10:-1])   # crosses every step
        else:
            assert abs(e[-1]) > 1e3 * abs(e[0])
    assert th.momentum_regime(PARABOLA, edge, beta) == "on the edge"


def test_regimes_without_momentum_are_plain_descents():
    rates = np.array([0.2, 0.5, 0.7, 1.0, 1.2])
    got = th.momentum_regime(PARABOLA, rates, 0.0).tolist()
    assert got == ["overdamped", "critically damped", "flipping", "on the edge", "divergent"]
    assert th.regime(PARABOLA, rates).tolist() == [
        "monotone", "one step", "oscillating", "on the edge", "divergent"]


@pytest.mark.parametrize("k", [10.0, 100.0])
def test_best_pair(k):
    bowl = stretched_bowl(k)
    lr, beta = th.optimal_momentum(bowl)
    rho = (math.sqrt(k) - 1) / (math.sqrt(k) + 1)
    assert th.optimal_momentum_contraction(bowl) == pytest.approx(rho, rel=1e-14)
    assert th.momentum_contraction(bowl, lr, beta) == pytest.approx(rho, rel=1e-6)
    # no pair on a fine grid does better
    rates = np.linspace(0.2, 1.5, 261)[:, None] * lr
    betas = np.linspace(0, 0.999, 400)
    assert th.momentum_contraction(bowl, rates, betas).min() >= rho * (1 - 1e-3)
    # a run at the best pair shrinks by rho per step (within the double root's factor t)
    run = gradient_descent(bowl, W0, lr, 400, momentum=beta, tol=0)
    assert _measured_factor(run.w, late=260, span=200) == pytest.approx(rho, rel=1e-2)
    plain = gradient_descent(bowl, W0, th.optimal_lr(bowl), 400, tol=0)
    assert _measured_factor(plain.w, late=260, span=200) == pytest.approx(
        (k - 1) / (k + 1), rel=1e-3)


def test_steps_to_stay_within():
    lr, beta = th.optimal_momentum(BOWL)
    run = gradient_descent(BOWL, W0, lr, 200, momentum=beta)
    n = th.steps_to_stay_within(run.w, 1e-3)
    norms = np.linalg.norm(run.w, axis=1)
    assert norms[n - 1] > 1e-3 * norms[0] and np.all(norms[n:] <= 1e-3 * norms[0])
    assert th.steps_to_stay_within([1.0, 2.0], 0.5) == math.inf


@pytest.mark.parametrize("w0", [5.0, 500.0, -1.0 + 1e-9])
def test_adam_first_step(w0):
    for b1, b2, eps in [(0.9, 0.999, 1e-8), (0.5, 0.9, 1e-3)]:
        run = adam(PARABOLA, w0, 0.1, 1, b1=b1, b2=b2, eps=eps)
        assert th.adam_first_step(PARABOLA, w0, 0.1, eps) == pytest.approx(run.w[1], rel=1e-15)
    g = 2 * (w0 + 1)
    assert th.adam_first_step(PARABOLA, w0, 0.1) == pytest.approx(w0 - 0.1 * g / (abs(g) + 1e-8))


@pytest.mark.parametrize("call, error, match", [
    (lambda: th.momentum_critical_lr(PARABOLA, 1.0), ValueError, "momentum must be"),
    (lambda: th.momentum_regime(PARABOLA, 0.1, [0.5, -0.1]), ValueError, "momentum must hold"),
    (lambda: th.momentum_matrix(PARABOLA, 0.0, 0.5), ValueError, "lr must be"),
    (lambda: th.effective_lr(0.1, 1.0), ValueError, "momentum must be"),
    (lambda: th.momentum_path(PARABOLA, 5.0, 0.1, 0.5, 0), ValueError, "steps must be"),
    (lambda: th.steps_to_stay_within([], 1e-3), ValueError, "errors must hold"),
    (lambda: th.steps_to_stay_within([1.0, 0.5], 0.0), ValueError, "eps must be"),
    (lambda: th.adam_first_step("a problem", 5.0, 0.1), TypeError, "problem must be"),
    (lambda: th.adam_first_step(PARABOLA, 5.0, 0.1, eps=-1.0), ValueError, "eps must be"),
])
def test_bad_arguments_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- argument messages of the heavy ball's closed forms -------------------------------------
# The contract of every rate and momentum argument (lrlab/_checks.py): a rate is a finite
# number > 0, a momentum a finite number in [0, 1); the message names the argument, the range
# and the value. Each case sits just outside a bound (or at an open one), so a bound moved,
# opened, closed or dropped, or an argument renamed, fails here.
LR_CASES = [(0.0, "lr must be a finite number > 0, got 0.0"),
            (-0.1, "lr must be a finite number > 0, got -0.1")]
MOMENTUM_CASES = [(1.0, "momentum must be a finite number >= 0 and < 1, got 1.0"),
                  (1.5, "momentum must be a finite number >= 0 and < 1, got 1.5"),
                  (-0.1, "momentum must be a finite number >= 0 and < 1, got -0.1")]
WITH_LR_AND_MOMENTUM = {
    "momentum_matrix": lambda lr, m: th.momentum_matrix(PARABOLA, lr, m),
    "momentum_roots": lambda lr, m: th.momentum_roots(PARABOLA, lr, m),
    "momentum_contraction": lambda lr, m: th.momentum_contraction(PARABOLA, lr, m),
    "momentum_regime": lambda lr, m: th.momentum_regime(PARABOLA, lr, m),
    "momentum_path": lambda lr, m: th.momentum_path(PARABOLA, 5.0, lr, m, 10),
    "effective_lr": lambda lr, m: th.effective_lr(lr, m),
}


@pytest.mark.parametrize("name", WITH_LR_AND_MOMENTUM)
@pytest.mark.parametrize("lr, message", LR_CASES)
def test_momentum_functions_name_a_bad_rate(name, lr, message):
    with pytest.raises(ValueError) as err:
        WITH_LR_AND_MOMENTUM[name](lr, 0.5)
    assert str(err.value) == message


@pytest.mark.parametrize("name", [*WITH_LR_AND_MOMENTUM, "momentum_critical_lr"])
@pytest.mark.parametrize("momentum, message", MOMENTUM_CASES)
def test_momentum_functions_name_a_bad_momentum(name, momentum, message):
    call = WITH_LR_AND_MOMENTUM.get(name, lambda lr, m: th.momentum_critical_lr(PARABOLA, m))
    with pytest.raises(ValueError) as err:
        call(0.1, momentum)
    assert str(err.value) == message


@pytest.mark.parametrize("name", [*WITH_LR_AND_MOMENTUM, "momentum_critical_lr"])
def test_momentum_functions_take_the_edges_of_their_ranges(name):
    # momentum 0 (plain descent) and a rate just above 0 are allowed everywhere
    call = WITH_LR_AND_MOMENTUM.get(name, lambda lr, m: th.momentum_critical_lr(PARABOLA, m))
    call(1e-300, 0.0)
