"""lrlab.data: the shipped Engel data, the split, standardizing and ManySeeds.

Expected values come from the data's documented properties (235 households,
two columns, the file's checksum in data/README.md), from closed forms (the
normal equations, a straight-line fit by numpy.polyfit) or from independent
computations (separate LeastSquares runs, explicit loops).
"""

import hashlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

from lrlab import LeastSquares, critical_lr, gradient_descent
from lrlab.data import (
    DATA_DIR,
    ENGEL_CSV,
    ManySeeds,
    engel,
    held_out_runs,
    load_csv,
    split_rows,
    standardize,
)

ENGEL_SHA256 = "796c3da0406291dd324c51901b51386be12b5f52e330afaf69584f57c06ad45c"


def test_the_csv_ships_with_the_repository_and_is_the_documented_file():
    assert ENGEL_CSV.parent == DATA_DIR
    assert hashlib.sha256(ENGEL_CSV.read_bytes()).hexdigest() == ENGEL_SHA256
    assert ENGEL_SHA256 in (DATA_DIR / "README.md").read_text(encoding="utf-8")


def test_load_csv_reads_235_households_with_two_columns():
    names, values = load_csv(ENGEL_CSV)
    assert names == ["income", "foodexp"]
    assert values.shape == (235, 2)
    assert np.isfinite(values).all() and (values > 0).all()
    # every household spends less on food than it earns
    assert (values[:, 1] < values[:, 0]).all()


def test_load_csv_matches_a_plain_reading_of_the_file():
    lines = ENGEL_CSV.read_text(encoding="utf-8").splitlines()[1:]
    expected = np.array([[float(v) for v in line.split(",")] for line in lines])
    np.testing.assert_array_equal(load_csv(ENGEL_CSV)[1], expected)


def test_load_csv_names_the_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="data/ folder"):
        load_csv(tmp_path / "nope.csv")


def test_split_rows_partitions_and_is_seeded():
    train, held = split_rows(235, held_out=0.2, seed=0)
    assert len(held) == 47 and len(train) == 188
    assert sorted(np.concatenate([train, held]).tolist()) == list(range(235))
    again = split_rows(235, held_out=0.2, seed=0)
    np.testing.assert_array_equal(again[1], held)
    assert not np.array_equal(split_rows(235, held_out=0.2, seed=1)[1], held)
    with pytest.raises(ValueError, match="held_out"):
        split_rows(10, held_out=1.0)


def test_standardize_uses_the_given_statistics():
    x = np.array([2.0, 4.0, 6.0])
    np.testing.assert_allclose(standardize(x, 4.0, 2.0), [-1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="std"):
        standardize(x, 0.0, 0.0)


def test_engel_standardizes_with_training_statistics():
    data = engel()
    raw_train = data.raw[data.train_rows]
    assert data.x_mean == pytest.approx(raw_train[:, 0].mean())
    assert data.y_std == pytest.approx(raw_train[:, 1].std())
    assert data.x_train.mean() == pytest.approx(0.0, abs=1e-12)
    assert data.x_train.std() == pytest.approx(1.0)
    held_raw = data.raw[data.held_rows, 0]
    np.testing.assert_allclose(data.x_held, (held_raw - data.x_mean) / data.x_std)


def test_minimum_is_the_normal_equations_and_the_correlation():
    data = engel()
    X = np.column_stack([np.ones(data.n_train), data.x_train])
    w_normal = np.linalg.solve(X.T @ X, X.T @ data.y_train)
    np.testing.assert_allclose(data.problem().minimum, w_normal, atol=1e-12)
    # both columns standardized: intercept 0, slope = Pearson's correlation
    r = np.corrcoef(data.x_train, data.y_train)[0, 1]
    np.testing.assert_allclose(w_normal, [0.0, r], atol=1e-12)


def test_to_units_gives_the_straight_line_fit_in_francs():
    data = engel()
    slope, intercept = np.polyfit(*data.raw[data.train_rows].T, 1)
    got = data.to_units(data.problem().minimum)
    np.testing.assert_allclose(got, (intercept, slope), rtol=1e-9)


def test_standardized_hessian_is_2i_so_the_critical_rate_is_1():
    train = engel().problem(batch_size=16)
    np.testing.assert_allclose(train.curvature, [2.0, 2.0], rtol=1e-12)
    assert critical_lr(train) == pytest.approx(1.0, rel=1e-12)


def test_raw_problem_critical_rate_from_the_moments_of_income():
    data = engel()
    x = data.raw[data.train_rows, 0]
    H = 2 * np.array([[1.0, x.mean()], [x.mean(), (x * x).mean()]])
    assert critical_lr(data.raw_problem()) == pytest.approx(2 / np.linalg.eigvalsh(H).max())


def test_batches_per_epoch_drops_the_short_batch():
    assert engel().problem(batch_size=16).batches_per_epoch == 188 // 16 == 11


def test_many_seeds_equals_separate_runs():
    train = engel().problem(batch_size=16)
    seeds = [0, 3, 7]
    together = gradient_descent(ManySeeds(train, seeds), np.zeros((3, 2)), 0.3, 40)
    for i, s in enumerate(seeds):
        alone = LeastSquares(train.X, train.y, batch_size=16, seed=s)
        run = gradient_descent(alone, np.zeros(2), 0.3, 40)
        np.testing.assert_array_equal(together.w[:, i], run.w)


def test_many_seeds_gradient_by_explicit_loop():
    train = engel().problem(batch_size=16)
    many = ManySeeds(train, [1, 2])
    w = np.array([[0.3, -0.2], [1.0, 0.5]])
    g = many.grad(w, step=13)
    for i, s in enumerate([1, 2]):
        rows = LeastSquares(train.X, train.y, batch_size=16, seed=s).batch_rows(13)
        expected = np.zeros(2)
        for j in rows:
            expected += 2 / 16 * (train.X[j] @ w[i] - train.y[j]) * train.X[j]
        np.testing.assert_allclose(g[i], expected, rtol=1e-12)


def test_many_seeds_draws_each_seed_s_batches():
    train = engel().problem(batch_size=16)
    many = ManySeeds(train, [0, 5, 9])
    for step in (0, 10, 11, 57):              # first, last of epoch 0, first of epoch 1, later
        for i, s in enumerate([0, 5, 9]):
            alone = LeastSquares(train.X, train.y, batch_size=16, seed=s)
            np.testing.assert_array_equal(many.batch_rows(step)[i], alone.batch_rows(step))


def test_many_seeds_loss_is_the_least_squares_loss_bit_for_bit():
    train = engel().problem(batch_size=8)
    w = np.random.default_rng(0).normal(scale=3.0, size=(7, 4, 2))
    np.testing.assert_array_equal(ManySeeds(train, range(4)).loss(w), train.loss(w))


def test_many_seeds_fast_loss_is_the_least_squares_loss_to_rounding():
    train = engel().problem(batch_size=8)
    w = np.random.default_rng(1).normal(scale=3.0, size=(7, 4, 2))
    fast = ManySeeds(train, range(4), fast_loss=True)
    np.testing.assert_allclose(fast.loss(w), train.loss(w), rtol=1e-13)
    assert float(fast.loss(train.minimum[None])[0]) == pytest.approx(
        float(train.loss(train.minimum)), rel=1e-14)
    exact = gradient_descent(ManySeeds(train, range(4)), np.zeros((4, 2)), 0.2, 50)
    quick = gradient_descent(fast, np.zeros((4, 2)), 0.2, 50)
    np.testing.assert_array_equal(quick.w, exact.w)            # the same runs
    np.testing.assert_allclose(quick.loss, exact.loss, rtol=1e-13)


def test_held_out_runs_scores_diverged_runs_as_held_loss_does():
    data = engel()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run, held_loss = held_out_runs(data.problem(batch_size=4), data.held_out(), 2.0, 60,
                                       seeds=[0, 1, 2])
    assert (run.status == "diverged").all()
    with np.errstate(all="ignore"):
        expected = data.held_out().loss(run.w)
    np.testing.assert_allclose(held_loss, expected, rtol=1e-12)
    np.testing.assert_array_equal(np.isnan(held_loss), np.isnan(expected))


def test_many_seeds_checks_its_arguments():
    data = engel()
    with pytest.raises(ValueError, match="mini-batches"):
        ManySeeds(data.problem(), [0])
    with pytest.raises(TypeError):
        ManySeeds("not a problem", [0])
    with pytest.raises(ValueError, match="one point per seed"):
        ManySeeds(data.problem(batch_size=16), [0, 1]).grad(np.zeros((3, 2)))


def test_held_out_runs_scores_on_the_held_out_rows():
    data = engel()
    run, held_loss = held_out_runs(data.problem(batch_size=16), data.held_out(), 0.1, 22,
                                   seeds=[0, 1])
    w = run.w[-1, 1]
    expected = np.mean((w[0] + w[1] * data.x_held - data.y_held) ** 2)
    assert held_loss[-1, 1] == pytest.approx(expected, rel=1e-12)
    assert held_loss.shape == (23, 2)


def test_math_modules_do_not_import_matplotlib():
    code = ("import sys, lrlab.data, lrlab.range_test; "
            "sys.exit(1 if 'matplotlib' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
