"""Gradient descent: closed forms, batches, statuses, bad input."""

import numpy as np
import pytest

from lrlab.descent import gradient_descent
from lrlab.problems import LeastSquares, NoisyGradient, Quadratic, Rosenbrock, blog_post_problem
from lrlab.schedules import exponential_decay

PARABOLA = blog_post_problem()


def test_blog_post_first_steps_match_teaching_facts():
    # ../shared/notes/teaching-facts.md: at lr = 0.2, w = 5, 2.6, 1.16, 0.296, -0.2224
    run = gradient_descent(PARABOLA, 5.0, lr=0.2, steps=4)
    np.testing.assert_allclose(run.w, [5, 2.6, 1.16, 0.296, -0.2224], rtol=1e-14)


@pytest.mark.parametrize("lr", [0.001, 0.1, 0.3, 0.5, 0.7, 0.95])
def test_constant_rate_follows_the_geometric_error(lr):
    run = gradient_descent(PARABOLA, 5.0, lr=lr, steps=50)
    t = np.arange(51)
    expected = -1 + (1 - 2 * lr) ** t * 6.0  # e_t = (1 - 2 a lr)^t e_0 by hand
    np.testing.assert_allclose(run.w, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(run.loss, (expected + 1) ** 2, rtol=1e-11, atol=1e-26)


def test_on_the_edge_bounces_between_two_points():
    run = gradient_descent(PARABOLA, 5.0, lr=1.0, steps=6)
    assert run.w.tolist() == [5, -7, 5, -7, 5, -7, 5]
    assert run.status == "running"


def test_divergence_is_reported_at_the_step_the_loss_passes_the_limit():
    lr = 1.1
    run = gradient_descent(PARABOLA, 5.0, lr=lr, steps=100)
    # loss_t = 36 * (1 - 2 lr)^(2t) passes 1e6 * 36 first at this t:
    expected = int(np.floor(np.log(1e6) / np.log((1 - 2 * lr) ** 2))) + 1
    assert run.status == "diverged"
    assert run.status_step == expected
    assert np.isfinite(run.w[expected])
    assert np.isnan(run.w[expected + 1:]).all()
    assert np.isnan(run.lr[expected:]).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_absurd_rates_diverge_quietly(dtype):
    # pyproject turns every warning into an error: overflow must not warn.
    run = gradient_descent(PARABOLA, 5.0, lr=[1e30, 1e300 if dtype == np.float64 else 1e38],
                           steps=50, dtype=dtype)
    assert run.status.tolist() == ["diverged", "diverged"]
    assert run.status_step.tolist() == [1, 1]


def test_one_step_rate_converges_after_one_update():
    run = gradient_descent(PARABOLA, 5.0, lr=0.5, steps=10)
    assert run.w[1] == -1.0
    assert (run.status, run.status_step) == ("converged", 1)


def test_converged_step_is_the_first_small_gradient():
    run = gradient_descent(PARABOLA, 5.0, lr=0.2, steps=200, tol=1e-6)
    g = np.abs(2 * (run.w + 1))
    assert run.status == "converged"
    assert run.status_step == np.argmax(g <= 1e-6)


def test_float32_stalls_when_the_step_is_below_half_a_spacing():
    # 1e-9 * 12 is far below half the float32 spacing at 5: w never moves.
    assert 1e-9 * 12 < np.spacing(np.float32(5.0)) / 2
    run = gradient_descent(PARABOLA, 5.0, lr=1e-9, steps=5, dtype=np.float32)
    assert (run.status, run.status_step) == ("stalled", 0)
    assert run.w.dtype == np.float32 and (run.w == np.float32(5.0)).all()


def test_array_of_rates_equals_one_by_one():
    rates = np.geomspace(1e-3, 1.5, 25)
    batch = gradient_descent(PARABOLA, 5.0, lr=rates, steps=80)
    for i, lr in enumerate(rates):
        one = gradient_descent(PARABOLA, 5.0, lr=lr, steps=80)
        np.testing.assert_array_equal(batch.w[:, i], one.w)
        np.testing.assert_array_equal(batch.loss[:, i], one.loss)
        assert batch.status[i] == one.status and batch.status_step[i] == one.status_step
        np.testing.assert_array_equal(batch.run(i).w, one.w)


@pytest.mark.parametrize(
    "problem,w0",
    [
        (Quadratic([0.5, 5.0]), [[1.0, 1.0], [-2.0, 0.5], [3.0, -3.0]]),
        (Rosenbrock(), [[-1.2, 1.0], [0.0, 0.0], [1.5, 2.0]]),
    ],
)
def test_grid_of_rates_and_starts_equals_one_by_one(problem, w0):
    rates = np.array([[1e-3], [1e-2], [0.19], [0.3]])
    batch = gradient_descent(problem, w0, lr=rates, steps=60)
    assert batch.w.shape == (61, 4, 3, 2)
    for i in range(4):
        for j in range(3):
            one = gradient_descent(problem, w0[j], lr=rates[i, 0], steps=60)
            np.testing.assert_array_equal(batch.w[:, i, j], one.w)
            assert batch.status[i, j] == one.status


def test_minibatch_runs_batch_equals_one_by_one():
    rng = np.random.default_rng(0)
    X = np.c_[np.ones(30), rng.normal(size=30)]
    y = X @ [1.0, -2.0] + 0.1 * rng.normal(size=30)
    p = LeastSquares(X, y, batch_size=5, seed=2)
    batch = gradient_descent(p, [0.0, 0.0], lr=[0.01, 0.1], steps=40)
    for i, lr in enumerate([0.01, 0.1]):
        np.testing.assert_array_equal(batch.w[:, i], gradient_descent(p, [0.0, 0.0], lr, 40).w)


def test_schedule_rates_are_used_in_order():
    def halving(step):
        return 0.4 * 0.5 ** np.asarray(step, dtype=float)

    run = gradient_descent(PARABOLA, 5.0, lr=halving, steps=5)
    np.testing.assert_array_equal(run.lr, 0.4 * 0.5 ** np.arange(5))
    e = 6.0
    for t in range(5):
        e *= 1 - 2 * 0.4 * 0.5**t
        assert run.w[t + 1] == pytest.approx(-1 + e, rel=1e-14)


@pytest.mark.parametrize("lr", [1e-3, 3e-3, exponential_decay(2e-3, 1, 0.999), 0.05])
def test_single_rosenbrock_run_on_floats_is_the_array_loop(lr):
    # one float64 run of a problem with _grad_floats goes through Python floats; a batch
    # of one takes the array loop: the same operations, so the same bits (0.05 diverges)
    one = gradient_descent(Rosenbrock(), [-1.2, 1.0], lr=lr, steps=400)
    batch = gradient_descent(Rosenbrock(), [[-1.2, 1.0]], lr=lr, steps=400)
    for field in ("w", "grad", "loss", "lr"):
        np.testing.assert_array_equal(getattr(one, field), getattr(batch, field)[:, 0])
    assert one.status == batch.status[0] and one.status_step == batch.status_step[0]


def test_first_rosenbrock_step_by_hand():
    # grad at (-1.2, 1): r = 1 - 1.44 = -0.44, (-2 (1 + 1.2) - 400 (-1.2) r, 200 r)
    run = gradient_descent(Rosenbrock(), [-1.2, 1.0], lr=1e-3, steps=1)
    assert run.grad[0] == pytest.approx([-215.6, -88.0], rel=1e-14)
    assert run.w[1] == pytest.approx([-1.2 + 0.2156, 1.0 + 0.088], rel=1e-14)


def test_noisy_and_float32_runs_do_not_take_the_float_loop():
    # NoisyGradient forwards unknown attributes to its problem: its noise must not be lost
    noisy = NoisyGradient(Rosenbrock(), noise=1.0, seed=2)
    a = gradient_descent(noisy, [-1.2, 1.0], lr=1e-4, steps=50)
    b = gradient_descent(noisy, [[-1.2, 1.0]], lr=1e-4, steps=50)
    np.testing.assert_array_equal(a.w, b.w[:, 0])
    plain = gradient_descent(Rosenbrock(), [-1.2, 1.0], lr=1e-4, steps=50)
    assert not np.array_equal(a.w, plain.w)
    one = gradient_descent(Rosenbrock(), [-1.2, 1.0], lr=1e-3, steps=50, dtype=np.float32)
    batch = gradient_descent(Rosenbrock(), [[-1.2, 1.0]], lr=1e-3, steps=50, dtype=np.float32)
    assert one.w.dtype == np.float32
    np.testing.assert_array_equal(one.w, batch.w[:, 0])


def test_noisy_runs_are_reproducible():
    p = NoisyGradient(PARABOLA, noise=1.0, seed=7)
    a = gradient_descent(p, 5.0, lr=0.1, steps=30)
    b = gradient_descent(p, 5.0, lr=0.1, steps=30)
    np.testing.assert_array_equal(a.w, b.w)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(lr=0.0), "lr must"),
        (dict(lr=-0.1), "lr must"),
        (dict(lr=np.nan), "lr must"),
        (dict(lr=np.inf), "lr must"),
        (dict(lr=[0.1, -1.0]), "lr must"),
        (dict(lr="fast"), "lr must"),
        (dict(steps=0), "steps must"),
        (dict(steps=2.5), "steps must"),
        (dict(dtype=np.int32), "dtype must"),
        (dict(w0=np.nan), "w0 must"),
        (dict(w0=np.ones((2, 3)), lr=np.ones(4) * 0.1), "must broadcast"),
        (dict(tol=-1.0), "tol must"),
        (dict(lr=lambda s: -np.ones(np.shape(s))),
         "lr must be a schedule giving finite rates >= 0"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    args = dict(problem=PARABOLA, w0=5.0, lr=0.1, steps=10)
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        gradient_descent(**args)


def test_problem_must_be_a_problem():
    with pytest.raises(TypeError, match="problem must"):
        gradient_descent(lambda w: w**2, 5.0, 0.1, 10)


def test_w0_shape_must_fit_the_problem():
    with pytest.raises(ValueError, match="w0 must"):
        gradient_descent(Quadratic([1.0, 2.0]), [1.0, 2.0, 3.0], 0.1, 10)
