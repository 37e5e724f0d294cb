"""Test problems for gradient descent: a loss, its gradient, and its curvature.

Every problem has a ``shape``: ``()`` for a problem in one variable, ``(d,)``
for ``d`` variables. Methods accept a single point or a whole batch of points:
an array of shape ``batch + shape`` gives losses of shape ``batch``. They
compute in the dtype of ``w`` (float32 in, float32 out), so a float32 run does
its arithmetic in float32 from start to end.

>>> from lrlab.problems import Quadratic
>>> post = Quadratic(a=1.0, center=-1.0)      # the blog post's loss, (w + 1)^2
>>> float(post.loss(5.0)), float(post.grad(5.0))
(36.0, 12.0)
"""

from __future__ import annotations

import numpy as np

from ._checks import check_array, check_int, check_number, scalar_or_array

__all__ = [
    "Problem",
    "Quadratic",
    "TwoBasins",
    "TwoBasins2D",
    "stretched_bowl",
    "Rosenbrock",
    "LeastSquares",
    "NoisyGradient",
    "blog_post_problem",
]


def as_points(w, shape, name="w"):
    """Return ``w`` as a float array whose trailing axes match ``shape``.

    Not used by a notebook: every problem's ``loss`` and ``grad`` (and
    :mod:`lrlab.data`) check the points they are given with it.
    """
    arr = np.asarray(w)
    if arr.dtype == object:           # None, strings, ragged lists: numpy would make NaN of some
        raise TypeError(f"{name} must be a number or an array of numbers, got {w!r}")
    if arr.dtype not in (np.float32, np.float64):
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a number or an array of numbers, got {w!r}") from None
    if arr.shape[arr.ndim - len(shape):] != shape or arr.ndim < len(shape):
        raise ValueError(
            f"{name} must have shape batch + {shape} for this problem, got shape {arr.shape}"
        )
    return arr


class Problem:
    """Base class: subclasses set ``shape`` and implement ``_loss`` and ``_grad``.

    Not used by a notebook directly: the base of every problem here.

    ``loss(w)`` and ``grad(w, step=0)`` check their input and call ``_loss`` and
    ``_grad`` on an array of shape ``batch + shape``. ``step`` matters only to
    problems whose gradient changes from step to step (mini-batches, noise).
    """

    shape: tuple = ()
    name = "problem"
    #: Optional ``_grad_floats(w, step)`` for a problem in two variables: the gradient at
    #: one point ``w = (x, y)`` of Python floats, as a pair of floats, computed with the
    #: same float64 operations as ``_grad``. A single float64 run uses it
    #: (:func:`lrlab.gradient_descent`), skipping numpy's per-call overhead on two
    #: numbers; ``None``: the run calls ``_grad``.
    _grad_floats = None

    def loss(self, w):
        """Loss at ``w`` (shape ``batch + shape``); returns shape ``batch``."""
        return self._loss(as_points(w, self.shape))

    def grad(self, w, step=0):
        """Gradient at ``w`` for update number ``step``; same shape as ``w``."""
        return self._grad(as_points(w, self.shape), check_int("step", step, lo=0))

    def _sum(self, x):
        """Sum over the problem's own axes (none for a 1-D problem)."""
        return x.sum(axis=-1) if self.shape else x

    def __repr__(self):
        return f"{type(self).__name__}({self._describe()})"

    def _describe(self):
        return ""


class Quadratic(Problem):
    """Separable quadratic bowl ``loss(w) = sum_i a_i (w_i - c_i)^2``.

    Taught in notebooks/02-too-small-too-large.ipynb,
    section '4 · A steeper bowl needs a smaller rate'; in two dimensions in
    notebooks/06-two-dimensions.ipynb.

    The gradient is ``2 a_i (w_i - c_i)`` and the curvature (the Hessian's
    diagonal) is ``L_i = 2 a_i``: the closed forms of :mod:`lrlab.theory`
    hold exactly for this problem.

    Parameters
    ----------
    a : float or array_like
        Positive steepness, one per coordinate (a number for one variable).
    center : float or array_like, default 0.0
        Position of the minimum ``w*``; broadcast against ``a``.

    Examples
    --------
    The blog post's problem ``(w + 1)^2`` and the 2-D bowl ``0.5 (x^2 + 10 y^2)``:

    >>> post = Quadratic(a=1.0, center=-1.0)
    >>> bowl = Quadratic(a=[0.5, 5.0], center=[0.0, 0.0])
    >>> bowl.shape, bowl.curvature.tolist()
    ((2,), [1.0, 10.0])
    """

    name = "quadratic"

    def __init__(self, a, center=0.0):
        a = check_array("a", a, lo=0, lo_open=True, ndim=(0, 1))
        center = check_array("center", center, ndim=(0, 1))
        try:
            a, center = np.broadcast_arrays(a, center)
        except ValueError:
            raise ValueError(
                f"a and center must have the same length, got {a.shape} and {center.shape}"
            ) from None
        self.a = a.copy()
        self.center = center.copy()
        self.shape = self.a.shape

    @property
    def curvature(self):
        """The Hessian's eigenvalues ``L_i = 2 a_i`` (one per coordinate)."""
        return 2.0 * self.a

    @property
    def minimum(self):
        """Where the loss is smallest: ``center``."""
        return self.center.copy()

    def _params(self, dtype):
        # a, 2a and the center in the dtype of the points (computed once per dtype)
        cache = self.__dict__.setdefault("_cache", {})
        if dtype not in cache:
            a = self.a.astype(dtype)
            cache[dtype] = (a, 2 * a, self.center.astype(dtype))
        return cache[dtype]

    def _loss(self, w):
        a, _, c = self._params(w.dtype)
        d = w - c
        if isinstance(d, np.ndarray):        # a * (d * d), in place: no more temporaries
            np.multiply(d, d, out=d)
            np.multiply(a, d, out=d)
            return self._sum(d)
        return self._sum(a * (d * d))

    def _grad(self, w, step):
        _, two_a, c = self._params(w.dtype)
        return two_a * (w - c)

    def _describe(self):
        fmt = (lambda x: f"{float(x):g}") if not self.shape else (lambda x: x.tolist())
        return f"a={fmt(self.a)}, center={fmt(self.center)}"


def blog_post_problem():
    """The blog post's problem: ``loss = (w + 1)^2``, to be started from ``w = 5``.

    Taught in notebooks/00-start-here.ipynb, section 'Where this comes from' (the blog post's
    problem); notebooks 00-05 and 07 use it.

    >>> blog_post_problem()
    Quadratic(a=1, center=-1)
    """
    return Quadratic(a=1.0, center=-1.0)


class TwoBasins(Problem):
    """A tilted double well in one variable: ``loss(w) = (w^2 - 1)^2 + tilt * w``.

    Taught in notebooks/02-too-small-too-large.ipynb, section '6 · Stepping over the pit'.

    Two pits: a deeper one near ``w = -1`` and a shallower one near ``w = +1``
    (for ``tilt > 0``), separated by a hump near ``w = 0``. Small steps stay in
    the pit they start in; a big step can jump over the hump into the other
    pit, or out of both.

    ``grad(w) = 4 w (w^2 - 1) + tilt``; ``curvature(w) = 12 w^2 - 4``.

    Parameters
    ----------
    tilt : float, default 0.3
        Slope added to the symmetric well; ``|tilt| < 0.7`` keeps two pits.

    Examples
    --------
    >>> p = TwoBasins()
    >>> [round(float(m), 4) for m in p.minima]
    [-1.0356, 0.9601]
    """

    name = "two basins"

    def __init__(self, tilt=0.3):
        # Two pits exist while the cubic 4w^3 - 4w + tilt has three real roots.
        limit = 8 / (3 * np.sqrt(3))
        self.tilt = check_number("tilt", tilt, lo=-limit, hi=limit, lo_open=True, hi_open=True)
        self.shape = ()

    @property
    def stationary_points(self):
        """The three points where the gradient is zero, in increasing order."""
        roots = np.roots([4.0, 0.0, -4.0, self.tilt])
        return np.sort(roots.real)

    @property
    def minima(self):
        """The bottoms of the two pits (left, right)."""
        s = self.stationary_points
        return np.array([s[0], s[2]])

    def curvature_at(self, w):
        """Second derivative ``12 w^2 - 4`` at ``w``."""
        w = as_points(w, self.shape)
        return 12 * w * w - 4

    def _loss(self, w):
        t = w.dtype.type(self.tilt)
        s = w * w - 1
        return s * s + t * w

    def _grad(self, w, step):
        t = w.dtype.type(self.tilt)
        return 4 * w * (w * w - 1) + t

    def _describe(self):
        return f"tilt={self.tilt:g}"


class TwoBasins2D(Problem):
    """Two pits in the plane: ``loss(x, y) = (x^2 - 1)^2 + tilt x + b y^2``.

    Taught in notebooks/06-two-dimensions.ipynb, section '7 · Two pits'.

    :class:`TwoBasins` along ``x`` and a bowl of steepness ``b``
    along ``y``. The pits' bottoms are at ``(m, 0)`` for the two minima ``m`` of
    the 1-D problem (the deeper one on the left for ``tilt > 0``); between them the
    hump becomes a saddle point. Curvatures at a bottom: ``12 m^2 - 4`` along
    ``x`` and ``2 b`` along ``y``.

    >>> p = TwoBasins2D()
    >>> p.minima.round(4).tolist(), p.pit([[-2.0, 1.0], [1.5, 0.0]]).tolist()
    ([[-1.0356, 0.0], [0.9601, 0.0]], [0, 1])
    """

    name = "two basins 2d"

    def __init__(self, tilt=0.3, b=1.0):
        self.along_x = TwoBasins(tilt)
        self.tilt = self.along_x.tilt
        self.b = check_number("b", b, lo=0, lo_open=True)
        self.shape = (2,)

    @property
    def minima(self):
        """Bottoms of the two pits, left then right, shape (2, 2)."""
        m = self.along_x.minima
        return np.stack([m, np.zeros(2)], axis=-1)

    @property
    def saddle(self):
        """The saddle point between the pits."""
        return np.array([self.along_x.stationary_points[1], 0.0])

    @property
    def deeper(self):
        """Index (0 left, 1 right) of the pit with the lower bottom."""
        return int(np.argmin(self.loss(self.minima)))

    def pit(self, w):
        """Which pit a point lies over: 0 left of the saddle, 1 right of it."""
        w = as_points(w, (2,))
        out = (w[..., 0] >= self.saddle[0]).astype(int)
        return scalar_or_array(out)

    def _loss(self, w):
        b = w.dtype.type(self.b)
        y = w[..., 1]
        return self.along_x._loss(w[..., 0]) + b * y * y

    def _grad(self, w, step):
        b = w.dtype.type(self.b)
        return np.stack([self.along_x._grad(w[..., 0], step), 2 * b * w[..., 1]], axis=-1)

    def _describe(self):
        return f"tilt={self.tilt:g}, b={self.b:g}"


def stretched_bowl(condition, steepest=10.0, center=(0.0, 0.0)):
    """A 2-D quadratic bowl with a given condition number and a fixed steepest curvature.

    Taught in notebooks/06-two-dimensions.ipynb,
    section '4 · Ill-conditioning: stretch the bowl'.

    Curvatures ``L = (steepest / condition, steepest)``, i.e.
    ``loss = (L_x / 2) x^2 + (L_y / 2) y^2`` around ``center``. Keeping the
    steepest curvature fixed keeps the limit ``2 / steepest`` fixed while the
    flat direction gets flatter.

    >>> stretched_bowl(10)                  # 0.5 x^2 + 5 y^2
    Quadratic(a=[0.5, 5.0], center=[0.0, 0.0])
    """
    k = check_number("condition", condition, lo=1)
    top = check_number("steepest", steepest, lo=0, lo_open=True)
    return Quadratic(a=[top / (2.0 * k), top / 2.0], center=center)


class Rosenbrock(Problem):
    """Rosenbrock's banana valley ``loss(x, y) = (a - x)^2 + b (y - x^2)^2``.

    Taught in notebooks/06-two-dimensions.ipynb,
    section "6 · Beyond the bowl: Rosenbrock's valley".

    The minimum is at ``(a, a^2)`` at the end of a long curved valley whose
    floor is flat and whose walls are steep: a hard test for a constant rate.

    ``grad = (-2 (a - x) - 4 b x (y - x^2),  2 b (y - x^2))``.

    Examples
    --------
    >>> p = Rosenbrock()
    >>> float(p.loss([1.0, 1.0])), bool((p.grad([1.0, 1.0]) == 0).all())
    (0.0, True)
    """

    name = "rosenbrock"

    def __init__(self, a=1.0, b=100.0):
        self.a = check_number("a", a)
        self.b = check_number("b", b, lo=0, lo_open=True)
        self.shape = (2,)

    @property
    def minimum(self):
        """Where the loss is zero: ``(a, a^2)``."""
        return np.array([self.a, self.a**2])

    def _loss(self, w):
        a, b = w.dtype.type(self.a), w.dtype.type(self.b)
        x, y = w[..., 0], w[..., 1]
        r = y - x * x
        return (a - x) ** 2 + b * r * r

    @staticmethod
    def _grad_xy(x, y, a, b):
        """The gradient's two components; numbers or arrays, the same operations either way."""
        r = y - x * x
        return -2 * (a - x) - 4 * b * x * r, 2 * b * r

    def _grad(self, w, step):
        a, b = w.dtype.type(self.a), w.dtype.type(self.b)
        return np.stack(self._grad_xy(w[..., 0], w[..., 1], a, b), axis=-1)

    def _grad_floats(self, w, step):
        return self._grad_xy(w[0], w[1], float(self.a), float(self.b))

    def _describe(self):
        return f"a={self.a:g}, b={self.b:g}"


class LeastSquares(Problem):
    """Linear regression by mean squared error: ``loss(w) = mean_j (x_j . w - y_j)^2``.

    Taught in notebooks/08-a-real-model.ipynb, section '3 · The limit, from the Hessian'; first
    met in notebooks/03-exponential-decay.ipynb, section '1 · The formula'.

    With ``batch_size`` set, ``grad(w, step)`` uses one mini-batch: the data
    are shuffled once per epoch (seeded by ``seed`` and the epoch number, so
    runs are reproducible) and cut into batches of ``batch_size`` rows; a last
    short batch is dropped. ``loss(w)`` is always the full-data loss.

    ``grad = (2 / m) X_B^T (X_B w - y_B)`` over the ``m`` rows of the batch.
    The Hessian is ``(2 / n) X^T X``; its eigenvalues are ``curvature``.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Inputs, one row per example (add a column of ones for an intercept).
    y : array_like, shape (n,)
        Targets.
    batch_size : int, optional
        Rows per mini-batch; ``None`` means full batch (plain gradient descent).
    seed : int, default 0
        Seed of the shuffling.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    >>> p = LeastSquares(X, [1.0, 3.0, 5.0])           # y = 1 + 2 x exactly
    >>> float(p.loss([1.0, 2.0]))
    0.0
    """

    name = "least squares"

    def __init__(self, X, y, batch_size=None, seed=0):
        X = check_array("X", X, ndim=2)
        y = check_array("y", y, ndim=1)
        if X.shape[0] != y.shape[0]:
            raise ValueError(
                f"X and y must have the same number of rows, got {X.shape[0]} and {y.shape[0]}"
            )
        n = X.shape[0]
        if batch_size is not None:
            batch_size = check_int("batch_size", batch_size, lo=1, hi=n)
        self.X, self.y = X.copy(), y.copy()
        self.batch_size = batch_size
        self.seed = check_int("seed", seed, lo=0)
        self.shape = (X.shape[1],)

    @property
    def n_examples(self):
        return self.X.shape[0]

    @property
    def batches_per_epoch(self):
        """Updates per pass over the data: ``n // batch_size`` (1 for full batch)."""
        return 1 if self.batch_size is None else self.n_examples // self.batch_size

    @property
    def curvature(self):
        """Eigenvalues of the Hessian ``(2 / n) X^T X``, smallest first."""
        return np.linalg.eigvalsh(2.0 / self.n_examples * self.X.T @ self.X)

    @property
    def minimum(self):
        """The least-squares solution (full data)."""
        return np.linalg.lstsq(self.X, self.y, rcond=None)[0]

    def batch_rows(self, step):
        """Indices of the rows that update number ``step`` uses."""
        step = check_int("step", step, lo=0)
        if self.batch_size is None:
            return np.arange(self.n_examples)
        epoch, k = divmod(step, self.batches_per_epoch)
        order = np.random.default_rng([self.seed, epoch]).permutation(self.n_examples)
        return order[k * self.batch_size:(k + 1) * self.batch_size]

    @staticmethod
    def _predict(w, X):
        # Elementwise product and a sum over the last axis: the same rounding
        # whether w is one point or a batch (a matrix product may not be).
        return (w[..., None, :] * X).sum(axis=-1)

    def _loss(self, w):
        X, y = self.X.astype(w.dtype), self.y.astype(w.dtype)
        r = self._predict(w, X) - y
        return (r * r).mean(axis=-1)

    def _grad(self, w, step):
        rows = self.batch_rows(step)
        X, y = self.X[rows].astype(w.dtype), self.y[rows].astype(w.dtype)
        r = self._predict(w, X) - y
        return (2 / len(rows)) * (r[..., :, None] * X).sum(axis=-2)

    def _describe(self):
        return f"n={self.n_examples}, d={self.shape[0]}, batch_size={self.batch_size}"


class NoisyGradient(Problem):
    """Any problem whose gradient comes with Gaussian noise: ``g + noise * z``.

    Used in notebooks/05-why-decay-noisy-gradients.ipynb,
    section '1 · A gradient you cannot trust', through seeded_runs.

    ``z`` is standard normal, drawn from a generator seeded by ``(seed, step)``,
    so the noise of update ``step`` is the same every time it is asked for:
    runs are reproducible, and the same seed gives the same noise sequence
    for every learning rate. The loss is the base problem's (noise free).

    Parameters
    ----------
    problem : Problem
        The noise-free problem.
    noise : float
        Standard deviation ``s`` of the noise added to each gradient entry.
    seed : int, default 0

    Examples
    --------
    >>> p = NoisyGradient(Quadratic(1.0), noise=1.0, seed=3)
    >>> bool(p.grad(0.0, step=7) == p.grad(0.0, step=7))
    True
    """

    name = "noisy gradient"

    def __init__(self, problem, noise, seed=0):
        if not isinstance(problem, Problem):
            raise TypeError(f"problem must be an lrlab Problem, got {type(problem).__name__}")
        self.base = problem
        self.noise = check_number("noise", noise, lo=0)
        self.seed = check_int("seed", seed, lo=0)
        self.shape = problem.shape

    def __getattr__(self, attr):
        # curvature, minimum, ... come from the noise-free problem
        if attr == "base":
            raise AttributeError(attr)
        return getattr(self.base, attr)

    def _loss(self, w):
        return self.base._loss(w)

    def _grad(self, w, step):
        z = np.random.default_rng([self.seed, step]).standard_normal(w.shape)
        return self.base._grad(w, step) + w.dtype.type(self.noise) * z.astype(w.dtype)

    def _describe(self):
        return f"{self.base!r}, noise={self.noise:g}, seed={self.seed}"
