"""A real data set for the course: Engel's 1857 household budgets, and how to feed it.

The repository ships one small data set, ``data/engel.csv`` at the repository
root (see ``data/README.md`` for its source and public-domain status): the
yearly income and the yearly spending on food of 235 Belgian working-class
households, in Belgian francs. This module reads it with numpy alone, splits
it into a training part and a held-out part (seeded), standardizes both with
the *training* mean and standard deviation, and builds the least-squares
problems that :func:`lrlab.gradient_descent` minimises.

The model is a straight line, food spending against income. After
standardizing (``z = (x - mean) / std``, with the training set's mean and
standard deviation) its parameters are ``w = (intercept, slope)`` and the loss
is the mean squared error ``mean_j (w_0 + w_1 z_j - v_j)^2``, where ``v`` is
the standardized food spending.

:class:`ManySeeds` runs mini-batch SGD for several shuffling seeds in one
vectorized loop: the seeds are the batch of runs.

>>> from lrlab.data import engel
>>> data = engel()
>>> data.n_train, data.n_held
(188, 47)
>>> train = data.problem(batch_size=16)
>>> train.batches_per_epoch                      # 188 // 16: a short last batch is dropped
11
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ._checks import check_array, check_bool, check_int, check_number, renamed
from .descent import gradient_descent
from .problems import LeastSquares, Problem, as_points

__all__ = [
    "DATA_DIR",
    "ENGEL_CSV",
    "load_csv",
    "split_rows",
    "standardize",
    "Dataset",
    "engel",
    "ManySeeds",
    "held_out_runs",
]

#: The repository's ``data`` folder (found next to the ``lrlab`` package).
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
#: Engel's food-expenditure data, as shipped with the repository.
ENGEL_CSV = DATA_DIR / "engel.csv"


def load_csv(path):
    """Read a numeric CSV file with one header line: ``(names, values)``.

    Used in notebooks/08-a-real-model.ipynb, section '1 · The data: income and food spending',
    through engel.

    Parameters
    ----------
    path : str or Path
        A comma-separated file: a header of column names (quotes allowed),
        then one row of numbers per line.

    Returns
    -------
    names : list of str
    values : ndarray, shape (rows, columns), float64

    Examples
    --------
    >>> names, values = load_csv(ENGEL_CSV)
    >>> names, values.shape
    (['income', 'foodexp'], (235, 2))
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: lrlab reads its data from the repository's data/ folder, so "
            f"install lrlab from a clone of the repository (pip install -e .)"
        )
    with path.open(encoding="utf-8") as f:
        header = f.readline()
        values = np.loadtxt(f, delimiter=",", dtype=np.float64, ndmin=2)
    names = [name.strip().strip('"') for name in header.split(",")]
    if values.shape[1] != len(names):
        raise ValueError(f"{path}: {len(names)} column names but {values.shape[1]} columns")
    return names, values


def split_rows(n, held_out=0.2, seed=0):
    """Split row numbers ``0 .. n-1`` into a training part and a held-out part.

    Used in notebooks/08-a-real-model.ipynb, section '1 · The data: income and food spending',
    through engel.

    A seeded random permutation: the first ``round(held_out * n)`` rows of it
    are held out, the rest train. Each part is returned in increasing order.

    Parameters
    ----------
    n : int
        Number of rows, >= 2.
    held_out : float, default 0.2
        Fraction held out, strictly between 0 and 1; each part gets at least one row.
    seed : int, default 0
        Seed of the permutation (``numpy.random.default_rng(seed)``).

    Examples
    --------
    >>> train, held = split_rows(10, held_out=0.3, seed=1)
    >>> len(train), len(held), sorted([*train, *held]) == list(range(10))
    (7, 3, True)
    """
    n = check_int("n", n, lo=2)
    held_out = check_number("held_out", held_out, lo=0, hi=1, lo_open=True, hi_open=True)
    seed = check_int("seed", seed, lo=0)
    k = min(max(int(round(held_out * n)), 1), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[k:]), np.sort(order[:k])


def standardize(values, mean, std):
    """``(values - mean) / std``: zero mean and unit spread, measured on the training set.

    Used in notebooks/08-a-real-model.ipynb, section '1 · The data: income and food spending',
    through engel.

    Use the *training* mean and standard deviation for every part of the
    data, so the held-out rows are scaled exactly as the model will see new
    data (they then have only roughly zero mean and unit spread).

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 3.0])
    >>> standardize(x, x.mean(), x.std()).round(4).tolist()
    [-1.2247, 0.0, 1.2247]
    """
    std = check_number("std", std, lo=0, lo_open=True)
    mean = check_number("mean", mean)
    return (check_array("values", values) - mean) / std


@dataclass(frozen=True)
class Dataset:
    """One input, one target, split and standardized with the training statistics.

    Taught in notebooks/08-a-real-model.ipynb, section '1 · The data: income and food spending'.

    Attributes
    ----------
    x_train, y_train, x_held, y_held : ndarray
        Standardized input and target of the training and held-out rows.
    x_mean, x_std, y_mean, y_std : float
        The training set's mean and standard deviation (``ddof=0``), in the
        data's own units.
    train_rows, held_rows : ndarray of int
        Which rows of ``raw`` went where.
    raw : ndarray, shape (n, 2)
        The data as read: input, target.
    names : tuple of str
        Column names of ``raw``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_held: np.ndarray
    y_held: np.ndarray
    x_mean: float
    x_std: float
    y_mean: float
    y_std: float
    train_rows: np.ndarray
    held_rows: np.ndarray
    raw: np.ndarray
    names: tuple

    @property
    def n_train(self):
        return len(self.train_rows)

    @property
    def n_held(self):
        return len(self.held_rows)

    @staticmethod
    def design(x):
        """The design matrix ``[1, x]``: a column of ones (intercept), then the input."""
        x = np.asarray(x, dtype=np.float64)
        return np.column_stack([np.ones_like(x), x])

    def problem(self, batch_size=None, seed=0):
        """The training loss as a :class:`~lrlab.problems.LeastSquares` (mini-batches if asked)."""
        return LeastSquares(self.design(self.x_train), self.y_train, batch_size=batch_size,
                            seed=seed)

    def held_out(self):
        """The held-out loss as a full-batch :class:`~lrlab.problems.LeastSquares`."""
        return LeastSquares(self.design(self.x_held), self.y_held)

    def raw_problem(self):
        """The training loss on the data in its own units (no standardizing), full batch."""
        x, y = self.raw[self.train_rows].T
        return LeastSquares(self.design(x), y)

    def to_units(self, w):
        """Turn standardized ``(intercept, slope)`` into the data's units.

        From ``(y - y_mean) / y_std = w_0 + w_1 (x - x_mean) / x_std``:
        ``slope = w_1 y_std / x_std`` and
        ``intercept = y_mean + w_0 y_std - slope x_mean``.

        Returns
        -------
        intercept, slope : float (or arrays, for a batch of ``w``)
        """
        w = as_points(w, (2,))       # (intercept, slope) pairs; NaN allowed (a diverged run)
        slope = w[..., 1] * self.y_std / self.x_std
        intercept = self.y_mean + w[..., 0] * self.y_std - slope * self.x_mean
        return intercept, slope


def engel(held_out=0.2, seed=0):
    """Engel's food-expenditure data: food spending against income, 235 households.

    Taught in notebooks/08-a-real-model.ipynb, section '1 · The data: income and food spending'.

    Reads ``data/engel.csv`` (income and food spending in Belgian francs per
    year), holds out a seeded ``held_out`` fraction of the rows
    (:func:`split_rows`) and standardizes both columns with the training mean
    and standard deviation (:func:`standardize`).

    Parameters
    ----------
    held_out : float, default 0.2
        Fraction of the households held out (47 of 235 by default).
    seed : int, default 0
        Seed of the split.

    Examples
    --------
    >>> data = engel()
    >>> round(float(data.x_train.mean()), 12), round(float(data.x_train.std()), 12)
    (0.0, 1.0)
    """
    names, raw = load_csv(ENGEL_CSV)
    train, held = split_rows(raw.shape[0], held_out=held_out, seed=seed)
    x, y = raw[train, 0], raw[train, 1]
    x_mean, x_std, y_mean, y_std = (float(v) for v in (x.mean(), x.std(), y.mean(), y.std()))
    return Dataset(
        x_train=standardize(x, x_mean, x_std), y_train=standardize(y, y_mean, y_std),
        x_held=standardize(raw[held, 0], x_mean, x_std),
        y_held=standardize(raw[held, 1], y_mean, y_std),
        x_mean=x_mean, x_std=x_std, y_mean=y_mean, y_std=y_std,
        train_rows=train, held_rows=held, raw=raw, names=tuple(names),
    )


class _SquaredError:
    """``mean_j (x_j . w - y_j)^2`` for many points ``w`` at once, from the normal equations.

    ``loss(w) = loss(w*) + (w - w*)^T G (w - w*)`` with ``G = X^T X / n`` and
    ``w*`` the least-squares fit: a sum of terms >= 0 (no cancellation near the fit).
    """

    def __init__(self, X, y):
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self.gram = X.T @ X / X.shape[0]
        self.fit = np.linalg.lstsq(X, y, rcond=None)[0]
        r = X @ self.fit - y
        self.floor = float(np.mean(r * r))

    def __call__(self, w):
        with np.errstate(all="ignore"):          # a diverged point is inf or NaN, as it should
            e = (w - self.fit.astype(w.dtype)).reshape(-1, self.fit.size)
            quad = np.einsum("ij,ij->i", e @ self.gram.astype(w.dtype), e)
            return (w.dtype.type(self.floor) + quad).reshape(w.shape[:-1])


@lru_cache(maxsize=4096)
def _shuffle(n, seed, epoch):
    """The order of the rows in ``epoch`` for ``seed`` (as in :meth:`LeastSquares.batch_rows`)."""
    order = np.random.default_rng([seed, epoch]).permutation(n)
    order.setflags(write=False)
    return order


class ManySeeds(Problem):
    """Mini-batch least squares for several shuffling seeds at once.

    Taught in notebooks/08-a-real-model.ipynb, section '2 · Steps and epochs'; the range test
    runs it in section '4 · The learning-rate range test'.

    Run number ``i`` of a batch of runs draws its mini-batches as
    ``LeastSquares(X, y, batch_size, seed=seeds[i])`` does, so one call of
    :func:`lrlab.gradient_descent` with start points of shape
    ``(len(seeds), d)`` gives the same numbers as ``len(seeds)`` separate
    runs, in one vectorized loop. The loss is the full-data loss, as for
    :class:`~lrlab.problems.LeastSquares`.

    For run ``i`` at update ``t`` with rows ``B_i(t)`` (``m`` of them):

    .. math::

        g_i = \\frac{2}{m} X_{B_i}^\\top (X_{B_i} w_i - y_{B_i})

    Parameters
    ----------
    problem : LeastSquares
        The problem, with ``batch_size`` set.
    seeds : sequence of int
        One shuffling seed per run.
    fast_loss : bool, default False
        Compute the loss from the normal equations, ``d x d`` numbers per
        point instead of a pass over the ``n`` rows: the same values to
        rounding (about 1e-15 relative), not bit for bit. The gradients, so
        the runs themselves, are the same either way.

    Examples
    --------
    >>> from lrlab import gradient_descent
    >>> train = engel().problem(batch_size=16)
    >>> runs = gradient_descent(ManySeeds(train, [0, 1, 2]), np.zeros((3, 2)), 0.1, steps=22)
    >>> runs.loss.shape                         # 22 updates + the start, 3 seeds
    (23, 3)
    """

    name = "least squares, several seeds"

    def __init__(self, problem, seeds, fast_loss=False):
        if not isinstance(problem, LeastSquares):
            raise TypeError(f"problem must be a LeastSquares, got {type(problem).__name__}")
        if problem.batch_size is None:
            raise ValueError("problem must use mini-batches (batch_size set), got a full batch")
        seeds = check_array("seeds", seeds, ndim=1)
        if seeds.size == 0 or not np.all(seeds == np.round(seeds)) or np.any(seeds < 0):
            raise ValueError(f"seeds must be whole numbers >= 0, at least one, got {seeds!r}")
        self.base = problem
        self.seeds = tuple(int(s) for s in seeds)
        self.shape = problem.shape
        self._epoch = None           # (epoch, X of its batches, y of its batches)
        fast_loss = check_bool("fast_loss", fast_loss)
        self._fast = _SquaredError(problem.X, problem.y) if fast_loss else None

    # read from the LeastSquares the seeds share
    batches_per_epoch, batch_size, n_examples, curvature, minimum = (
        property(lambda self, name=name: getattr(self.base, name))
        for name in ("batches_per_epoch", "batch_size", "n_examples", "curvature", "minimum"))

    def batch_rows(self, step):
        """Rows of update ``step`` for every seed: shape ``(len(seeds), batch_size)``."""
        epoch, k = divmod(check_int("step", step, lo=0), self.batches_per_epoch)
        return self._epoch_rows(epoch)[:, k]

    def _epoch_rows(self, epoch):
        # the shuffles LeastSquares.batch_rows draws, cut into this epoch's batches
        m, per_epoch = self.batch_size, self.batches_per_epoch
        orders = np.stack([_shuffle(self.n_examples, s, epoch) for s in self.seeds])
        return orders[:, :per_epoch * m].reshape(len(self.seeds), per_epoch, m)

    def _batches(self, step):
        """``X`` and ``y`` of update ``step``'s batches: ``(seeds, m, d)``, ``(seeds, m)``."""
        epoch, k = divmod(step, self.batches_per_epoch)
        if self._epoch is None or self._epoch[0] != epoch:
            rows = self._epoch_rows(epoch)                   # (seeds, batches, m)
            self._epoch = (epoch, self.base.X[rows], self.base.y[rows])
        _, X, y = self._epoch
        return X[:, k], y[:, k]

    def _loss(self, w):
        if self._fast is not None:
            return self._fast(w)
        d = self.shape[0]
        if d >= 8:
            return self.base._loss(w)
        # LeastSquares._loss column by column, a few thousand points at a time: the same
        # rounding (numpy sums fewer than 8 terms in order), without a (points, n, d) array
        X, y = self.base.X.astype(w.dtype), self.base.y.astype(w.dtype)
        flat = w.reshape(-1, d)
        out = np.empty(flat.shape[0], dtype=w.dtype)
        chunk = max(1, 2**16 // X.shape[0])
        for start in range(0, flat.shape[0], chunk):
            part = flat[start:start + chunk, None, :]
            r = part[..., 0] * X[:, 0]
            for j in range(1, d):
                r += part[..., j] * X[:, j]
            r -= y
            r *= r
            out[start:start + chunk] = r.mean(axis=-1)
        return out.reshape(w.shape[:-1])

    def _grad(self, w, step):
        n = len(self.seeds)
        if w.ndim < 2 or w.shape[-2] != n:
            raise ValueError(
                f"w must have shape (..., {n}, {self.shape[0]}): one point per seed, got {w.shape}"
            )
        X, y = self._batches(step)
        X, y = X.astype(w.dtype, copy=False), y.astype(w.dtype, copy=False)   # (seeds, m, d)
        d = self.shape[0]
        if d < 8:
            # LeastSquares._predict column by column: the same rounding, faster
            r = w[..., :, None, 0] * X[..., 0]                     # (..., seeds, m)
            for j in range(1, d):
                r += w[..., :, None, j] * X[..., j]
            r -= y
        else:
            r = (w[..., None, :] * X).sum(axis=-1) - y
        return (2 / X.shape[1]) * (r[..., :, None] * X).sum(axis=-2)

    def _describe(self):
        return f"{self.base!r}, seeds={list(self.seeds)}"


def held_out_runs(problem, held, schedule, steps, seeds, w0=None):
    """Train once per seed (one vectorized run) and score every point on held-out data.

    Taught in notebooks/08-a-real-model.ipynb, section '5 · Three schedules on held-out data'.

    Runs :func:`lrlab.gradient_descent` on :class:`ManySeeds` ``(problem,
    seeds)`` from ``w0`` (zeros by default) with ``schedule`` for ``steps``
    updates, and evaluates ``held.loss`` at every recorded point. Both losses
    come from the normal equations (as ``ManySeeds(..., fast_loss=True)``). A
    seed whose run diverged scores NaN after the update where it did.

    Parameters
    ----------
    problem : LeastSquares
        The training loss, with ``batch_size`` set.
    held : Problem
        The held-out loss (full batch), e.g. :meth:`Dataset.held_out`.
    schedule : float or schedule function
        A constant rate or a schedule from :mod:`lrlab.schedules`.
    steps : int
        Number of updates.
    seeds : sequence of int
        Shuffling seeds, one run each.
    w0 : array_like, optional
        Start point, shape ``problem.shape`` (the same for every seed).

    Returns
    -------
    run : Trajectory
        ``run.w`` has shape ``(steps + 1, len(seeds), d)``.
    held_loss : ndarray, shape (steps + 1, len(seeds))

    Examples
    --------
    >>> data = engel()
    >>> run, held_loss = held_out_runs(data.problem(batch_size=16), data.held_out(), 0.1,
    ...                                steps=11, seeds=[0, 1])
    >>> held_loss.shape
    (12, 2)
    """
    many = ManySeeds(problem, seeds, fast_loss=True)
    start = np.zeros(problem.shape) if w0 is None else check_array("w0", w0)
    start = np.broadcast_to(start, (len(many.seeds), *problem.shape))
    run = renamed(lambda: gradient_descent(many, start, schedule, steps), {"lr": "schedule"})
    if isinstance(held, LeastSquares):
        return run, _SquaredError(held.X, held.y)(run.w)
    with np.errstate(all="ignore"):
        return run, held.loss(run.w)
