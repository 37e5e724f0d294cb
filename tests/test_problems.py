"""Problems: losses at known points, gradients against finite differences."""

import numpy as np
import pytest

from lrlab.problems import (
    LeastSquares,
    NoisyGradient,
    Quadratic,
    Rosenbrock,
    TwoBasins,
    blog_post_problem,
)


def numeric_grad(problem, w, h=1e-6):
    """Central differences, one coordinate at a time (independent of grad())."""
    w = np.asarray(w, dtype=np.float64)
    if problem.shape == ():
        return (problem.loss(w + h) - problem.loss(w - h)) / (2 * h)
    out = np.empty_like(w)
    for i in range(w.shape[-1]):
        e = np.zeros_like(w)
        e[..., i] = h
        out[..., i] = (problem.loss(w + e) - problem.loss(w - e)) / (2 * h)
    return out


def make_regression():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, 40)
    X = np.c_[np.ones(40), x]
    return X, 0.5 - 1.5 * x + 0.1 * rng.standard_normal(40)


PROBLEMS = [
    (blog_post_problem(), [5.0, -3.0, 0.25]),
    (Quadratic([0.5, 5.0], [1.0, -2.0]), [[0.3, 0.7], [-4.0, 2.0]]),
    (TwoBasins(0.3), [-1.7, 0.1, 1.3]),
    (Rosenbrock(), [[-1.2, 1.0], [0.5, 0.5]]),
    (LeastSquares(*make_regression()), [[0.0, 0.0], [1.0, -2.0]]),
]


@pytest.mark.parametrize("problem,points", PROBLEMS, ids=lambda p: repr(p)[:30])
def test_gradient_matches_finite_differences(problem, points):
    np.testing.assert_allclose(problem.grad(points), numeric_grad(problem, points), rtol=1e-6,
                               atol=1e-6)


@pytest.mark.parametrize("problem,points", PROBLEMS, ids=lambda p: repr(p)[:30])
def test_batch_equals_one_by_one(problem, points):
    points = np.asarray(points, dtype=np.float64)
    batch_loss = problem.loss(points)
    batch_grad = problem.grad(points)
    for i in range(points.shape[0]):
        assert problem.loss(points[i]) == batch_loss[i]
        np.testing.assert_array_equal(problem.grad(points[i]), batch_grad[i])


def test_blog_post_problem_values():
    p = blog_post_problem()
    assert p.loss(5.0) == 36.0  # (5 + 1)^2
    assert p.grad(5.0) == 12.0  # 2 (5 + 1)
    assert p.loss(-1.0) == 0.0
    assert float(p.curvature) == 2.0


def test_quadratic_2d_is_half_x2_plus_10y2():
    p = Quadratic(a=[0.5, 5.0], center=[0, 0])
    x, y = 0.7, -1.3
    assert p.loss([x, y]) == pytest.approx(0.5 * (x**2 + 10 * y**2), rel=1e-15)


def test_float32_in_float32_out():
    p = blog_post_problem()
    w = np.float32(5.0)
    assert p.loss(w).dtype == np.float32
    assert p.grad(np.array([1.0, 2.0], np.float32)).dtype == np.float32


def test_two_basins_minima_are_stationary_with_positive_curvature():
    p = TwoBasins(0.3)
    left, right = p.minima
    assert left < 0 < right
    np.testing.assert_allclose(p.grad(p.minima), 0, atol=1e-12)
    assert np.all(p.curvature_at(p.minima) > 0)
    assert p.loss(left) < p.loss(right)  # the left pit is the deeper one


def test_rosenbrock_minimum():
    p = Rosenbrock(a=2.0, b=10.0)
    assert p.loss(p.minimum) == 0.0
    np.testing.assert_array_equal(p.grad(p.minimum), [0.0, 0.0])


def test_least_squares_minimum_and_curvature_independently():
    X, y = make_regression()
    p = LeastSquares(X, y)
    # Normal equations, solved independently of lstsq.
    w_star = np.linalg.solve(X.T @ X, X.T @ y)
    np.testing.assert_allclose(p.minimum, w_star, rtol=1e-12)
    np.testing.assert_allclose(p.grad(w_star), 0, atol=1e-12)
    H = 2 / len(y) * X.T @ X
    np.testing.assert_allclose(np.sort(p.curvature), np.sort(np.linalg.eigvals(H).real), rtol=1e-12)


def test_minibatches_cover_each_epoch_once_and_reshuffle():
    X, y = make_regression()
    p = LeastSquares(X, y, batch_size=8, seed=4)
    assert p.batches_per_epoch == 5
    epoch0 = np.concatenate([p.batch_rows(s) for s in range(5)])
    epoch1 = np.concatenate([p.batch_rows(s) for s in range(5, 10)])
    assert sorted(epoch0) == list(range(40)) == sorted(epoch1)
    assert not np.array_equal(epoch0, epoch1)
    np.testing.assert_array_equal(p.batch_rows(7), p.batch_rows(7))


def test_minibatch_gradient_is_the_batch_mean():
    X, y = make_regression()
    p = LeastSquares(X, y, batch_size=8, seed=4)
    w = np.array([0.2, 0.3])
    rows = p.batch_rows(3)
    expected = np.mean([2 * (X[j] @ w - y[j]) * X[j] for j in rows], axis=0)
    np.testing.assert_allclose(p.grad(w, step=3), expected, rtol=1e-12)


def test_noisy_gradient_is_reproducible_and_has_the_right_spread():
    base = blog_post_problem()
    p = NoisyGradient(base, noise=2.0, seed=5)
    w = np.zeros(20000)
    g = p.grad(w, step=3)
    np.testing.assert_array_equal(g, p.grad(w, step=3))
    assert not np.array_equal(g, p.grad(w, step=4))
    z = g - base.grad(w)
    assert abs(z.mean()) < 0.05 and abs(z.std() - 2.0) < 0.05
    assert p.loss(1.0) == base.loss(1.0)
    assert float(p.curvature) == 2.0


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: Quadratic(a=0.0), "a must"),
        (lambda: Quadratic(a=-1.0), "a must"),
        (lambda: Quadratic(a=np.nan), "a must"),
        (lambda: Quadratic(a=[1.0, 2.0], center=[1.0, 2.0, 3.0]), "a and center"),
        (lambda: Quadratic(a=[[1.0]]), "a must"),
        (lambda: TwoBasins(tilt=2.0), "tilt must"),
        (lambda: Rosenbrock(b=0), "b must"),
        (lambda: LeastSquares(np.ones((3, 2)), np.ones(4)), "same number of rows"),
        (lambda: LeastSquares(np.ones((3, 2)), np.ones(3), batch_size=4), "batch_size must"),
        (lambda: NoisyGradient(blog_post_problem(), noise=-1), "noise must"),
        (lambda: blog_post_problem().loss([1.0, "x"]), "w must"),
        (lambda: Quadratic([1.0, 2.0]).loss([1.0, 2.0, 3.0]), "w must"),
        (lambda: blog_post_problem().grad(1.0, step=-1), "step must"),
    ],
)
def test_bad_input_is_named(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_rosenbrock_gradient_on_floats_is_the_array_gradient():
    # the float path of a single run must give the same bits as the array one
    p = Rosenbrock(a=1.5, b=30.0)
    points = np.random.default_rng(4).uniform(-3, 3, size=(200, 2))
    on_arrays = p.grad(points)
    on_floats = np.array([p._grad_floats(w.tolist(), 0) for w in points])
    np.testing.assert_array_equal(on_floats, on_arrays)
    assert all(isinstance(g, float) for g in p._grad_floats([0.5, 0.25], 0))
