"""The two-dimensional additions to lrlab.theory, against hand-worked values and simulations."""

import math

import numpy as np
import pytest

from lrlab import Quadratic, Rosenbrock, TwoBasins, gradient_descent, theory
from lrlab.problems import TwoBasins2D, stretched_bowl

BOWL = Quadratic(a=[0.5, 5.0])  # curvatures 1 and 10


def test_direction_factors_by_hand():
    # 1 - L lr with L = 1 and 10
    assert theory.direction_factors(BOWL, 0.19) == pytest.approx([0.81, -0.9], abs=1e-15)
    f = theory.direction_factors(BOWL, np.array([0.05, 0.1, 0.21]))
    assert f.shape == (3, 2)
    assert f == pytest.approx(np.array([[0.95, 0.5], [0.9, 0.0], [0.79, -1.1]]), abs=1e-15)


def test_direction_factors_are_the_ratio_of_successive_errors():
    center = np.array([1.0, -2.0])
    bowl = Quadratic(a=[0.5, 5.0], center=center)
    run = gradient_descent(bowl, [4.0, 3.0], lr=0.07, steps=6)
    err = run.w - center
    ratios = err[1:] / err[:-1]
    assert ratios == pytest.approx(np.tile([1 - 0.07, 1 - 0.7], (6, 1)), rel=1e-12)


def test_condition_number_and_optimal_contraction():
    assert theory.condition_number(BOWL) == 10.0
    assert theory.condition_number(Quadratic([2.0, 2.0])) == 1.0
    assert theory.optimal_contraction(BOWL) == pytest.approx(9 / 11, rel=1e-15)
    assert theory.optimal_contraction(Quadratic([3.0, 3.0])) == 0.0


def test_optimal_contraction_is_the_lowest_contraction_over_all_rates():
    rates = np.linspace(1e-4, 0.2, 200_001)
    worst = np.abs(1 - np.outer(rates, [1.0, 10.0])).max(axis=1)   # brute force
    assert worst.min() == pytest.approx(theory.optimal_contraction(BOWL), abs=1e-5)
    assert rates[worst.argmin()] == pytest.approx(2 / 11, abs=1e-5)
    assert theory.contraction(BOWL, theory.optimal_lr(BOWL)) == pytest.approx(9 / 11)


def test_slowest_direction_matches_a_simulation():
    for lr, expected in [(0.05, 0), (0.1, 0), (0.19, 1), (0.195, 1)]:
        assert theory.slowest_direction(BOWL, lr) == expected
        run = gradient_descent(BOWL, [1.0, 1.0], lr=lr, steps=80)
        left = np.abs(run.w[-1])             # error left of a start error of 1 in each direction
        assert int(np.argmax(left)) == expected
    assert theory.slowest_direction(BOWL, np.array([0.1, 0.19])).tolist() == [0, 1]


def test_direction_steps_by_counting():
    def count(factor, eps):  # smallest t with |factor|^t <= eps, by brute force
        t, size = 0, 1.0
        while size > eps:
            t, size = t + 1, size * abs(factor)
        return t

    for lr in (0.03, 0.1, 0.15, 0.19):
        steps = theory.direction_steps(BOWL, lr, 1e-3)
        expected = [count(1 - lr, 1e-3), count(1 - 10 * lr, 1e-3)]
        assert steps.tolist() == expected
        assert steps.max() == theory.steps_to_tolerance(BOWL, lr, 1e-3)
    assert theory.direction_steps(BOWL, 0.25, 1e-3).tolist() == [count(0.75, 1e-3), math.inf]


def test_best_rate_needs_35_steps_for_1e3():
    # (9/11)^34 > 1e-3 >= (9/11)^35
    assert (9 / 11) ** 34 > 1e-3 >= (9 / 11) ** 35
    assert theory.steps_to_tolerance(BOWL, theory.optimal_lr(BOWL), 1e-3) == 35


def test_local_curvatures_of_a_quadratic_are_its_curvatures():
    bowl = Quadratic(a=[4.0, 0.25], center=[1.0, 2.0])
    assert theory.local_curvatures(bowl, [7.0, -3.0]) == pytest.approx([0.5, 8.0], rel=1e-8)
    assert theory.local_critical_lr(bowl, [0.0, 0.0]) == pytest.approx(theory.critical_lr(bowl))


def _rosenbrock_hessian(x, y, a=1.0, b=100.0):
    # f = (a - x)^2 + b (y - x^2)^2, differentiated by hand
    return np.array([[2 - 4 * b * y + 12 * b * x * x, -4 * b * x], [-4 * b * x, 2 * b]])


@pytest.mark.parametrize("point", [(1.0, 1.0), (-1.2, 1.0), (0.3, -0.5)])
def test_local_curvatures_of_rosenbrock(point):
    H = _rosenbrock_hessian(*point)
    tr, det = H.trace(), np.linalg.det(H)
    expected = [(tr - math.sqrt(tr * tr - 4 * det)) / 2, (tr + math.sqrt(tr * tr - 4 * det)) / 2]
    got = theory.local_curvatures(Rosenbrock(), point)
    assert got == pytest.approx(expected, rel=1e-6, abs=1e-6)
    assert theory.local_critical_lr(Rosenbrock(), point) == pytest.approx(2 / expected[1],
                                                                          rel=1e-6)


def test_local_curvatures_checks_its_point():
    with pytest.raises(ValueError, match="shape"):
        theory.local_curvatures(Rosenbrock(), [1.0, 1.0, 1.0])


def test_local_critical_lr_at_the_saddle_comes_from_the_positive_curvature():
    # along x the saddle is a hump (negative curvature); along y the bowl has curvature 2 b = 2
    p = TwoBasins2D(b=1.0)
    assert theory.local_critical_lr(p, p.saddle) == pytest.approx(2 / 2.0, rel=1e-6)


def test_two_basins_2d_loss_and_gradient():
    p = TwoBasins2D(tilt=0.3, b=1.0)
    assert float(p.loss([2.0, 1.0])) == pytest.approx(9 + 0.6 + 1)     # (4 - 1)^2 + 0.6 + 1
    w = np.array([0.7, -0.4])
    h = 1e-6
    numeric = [(p.loss(w + h * e) - p.loss(w - h * e)) / (2 * h) for e in np.eye(2)]
    assert p.grad(w) == pytest.approx(numeric, rel=1e-7)
    batch = np.array([[0.7, -0.4], [2.0, 1.0], [-1.0, 0.0]])
    assert p.loss(batch).shape == (3,)
    assert p.grad(batch).shape == (3, 2)


def test_two_basins_2d_special_points():
    p = TwoBasins2D(tilt=0.3, b=2.0)
    one_d = TwoBasins(0.3)
    assert p.minima[:, 0] == pytest.approx(one_d.minima)
    assert p.minima[:, 1].tolist() == [0.0, 0.0]
    for point in (*p.minima, p.saddle):
        assert np.abs(p.grad(point)).max() < 1e-12
    # a saddle: one curvature negative (the hump along x), one positive (2 b along y)
    L = theory.local_curvatures(p, p.saddle)
    assert L[0] < 0 and L[1] == pytest.approx(4.0, rel=1e-6)
    # at a bottom: 12 m^2 - 4 along x, 2 b along y
    m = one_d.minima[0]
    assert theory.local_curvatures(p, p.minima[0]) == pytest.approx(sorted([12 * m * m - 4, 4.0]),
                                                                    rel=1e-6)
    assert p.deeper == 0 and TwoBasins2D(tilt=-0.3).deeper == 1
    assert p.pit([[-2.0, 5.0], [0.0, 0.0], [0.5, -1.0]]).tolist() == [0, 0, 1]
    assert p.pit([1.0, 0.0]) == 1


def test_two_basins_2d_checks_its_arguments():
    with pytest.raises(ValueError, match="b"):
        TwoBasins2D(b=0.0)
    with pytest.raises(ValueError, match="tilt"):
        TwoBasins2D(tilt=2.0)
    assert repr(TwoBasins2D()) == "TwoBasins2D(tilt=0.3, b=1)"


@pytest.mark.parametrize("k", [1.0, 4.0, 64.0])
def test_stretched_bowl(k):
    b = stretched_bowl(k)
    assert b.curvature == pytest.approx([10.0 / k, 10.0])
    assert theory.condition_number(b) == pytest.approx(k)
    assert theory.critical_lr(b) == pytest.approx(0.2)
    assert theory.optimal_contraction(b) == pytest.approx((k - 1) / (k + 1))
    with pytest.raises(ValueError, match="condition"):
        stretched_bowl(0.5)


# --- level_ellipse --------------------------------------------------------------------------


@pytest.mark.parametrize("level", [0.3, 2.0, 45.0])
def test_level_ellipse_points_are_on_the_level_set(level):
    # 0.5 (x - 1)^2 + 5 (y + 2)^2 = level, written out by hand
    bowl = Quadratic(a=[0.5, 5.0], center=[1.0, -2.0])
    ring = theory.level_ellipse(bowl, level)
    assert ring.shape == (512, 2)
    loss = 0.5 * (ring[:, 0] - 1.0) ** 2 + 5.0 * (ring[:, 1] + 2.0) ** 2
    assert loss == pytest.approx(np.full(512, level), rel=1e-12)
    # closed, and reaching the half-axes sqrt(level / a) on both sides of the centre
    np.testing.assert_array_equal(ring[0], ring[-1])
    assert ring.max(axis=0) - [1.0, -2.0] == pytest.approx(
        [math.sqrt(level / 0.5), math.sqrt(level / 5.0)], rel=1e-4)
    assert ring.min(axis=0) - [1.0, -2.0] == pytest.approx(
        [-math.sqrt(level / 0.5), -math.sqrt(level / 5.0)], rel=1e-4)


def test_level_ellipse_goes_round_counter_clockwise_and_encloses_pi_a_b():
    ring = theory.level_ellipse(BOWL, 2.0, points=2001)
    x, y = ring[:, 0], ring[:, 1]
    area = 0.5 * np.sum(x[:-1] * y[1:] - x[1:] * y[:-1])      # shoelace, > 0 if CCW
    assert area == pytest.approx(math.pi * 2.0 * math.sqrt(0.4), rel=1e-5)


def test_level_ellipse_at_zero_is_the_minimum_and_checks_its_input():
    ring = theory.level_ellipse(stretched_bowl(4, center=(3.0, 1.0)), 0.0, points=7)
    np.testing.assert_array_equal(ring, np.tile([3.0, 1.0], (7, 1)))
    with pytest.raises(ValueError, match="level"):
        theory.level_ellipse(BOWL, -1.0)
    with pytest.raises(TypeError, match="2-D Quadratic"):
        theory.level_ellipse(Rosenbrock(), 1.0)
    with pytest.raises(TypeError, match="2-D Quadratic"):
        theory.level_ellipse(Quadratic(1.0), 1.0)
