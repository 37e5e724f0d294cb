"""Gradient descent that keeps its whole trajectory.

The update is the one every library implements::

    w[t + 1] = w[t] - lr[t] * grad(w[t])

:func:`gradient_descent` runs it for a fixed number of steps and records every
point, loss, rate and gradient. Give it an array of rates (or of start
points) and it runs all of them at once, in one vectorized loop, with the
same numbers as running them one by one.

>>> from lrlab import Quadratic, gradient_descent
>>> run = gradient_descent(Quadratic(1.0, center=-1.0), w0=5.0, lr=0.2, steps=3)
>>> run.w.round(12).tolist()
[5.0, 2.6, 1.16, 0.296]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _tf32, schedules
from ._checks import check_array, check_bool, check_dtype, check_int, check_number
from .problems import Problem

__all__ = ["Trajectory", "gradient_descent", "adam", "STATUSES"]

#: What can happen to a run, in the order they are checked.
STATUSES = ("diverged", "stalled", "converged", "running")


def gradient_descent(problem, w0, lr, steps, dtype=np.float64, tol=1e-8, max_loss=None,
                     momentum=0.0, nesterov=False):
    """Run gradient descent and record its whole trajectory.

    Taught in notebooks/01-one-step-at-a-time.ipynb, section 'The same thing as a loop'; the
    notebooks run it from notebook 00 on.

    ``w[t + 1] = w[t] - lr[t] * grad(w[t])`` for ``t = 0 .. steps - 1``; with
    ``momentum`` the heavy ball (or Nesterov), see :func:`_descend_momentum`.

    Parameters
    ----------
    problem : Problem
        What to minimise (see :mod:`lrlab.problems`).
    w0 : float or array_like
        Start point, shape ``problem.shape``; or a batch of start points,
        shape ``batch + problem.shape``.
    lr : float, array_like or schedule
        A constant rate > 0; an array of rates, one run each (broadcast
        against the batch of start points with numpy's rules); or a schedule
        ``lr(step)`` from :mod:`lrlab.schedules`, evaluated at ``0 .. steps-1``.
    steps : int
        Number of updates, 1 to 10,000,000.
    dtype : np.float64 or np.float32
        Arithmetic precision. ``np.float32`` computes as TensorFlow's CPU
        kernels do (subnormals flushed to zero), so the blog post's TensorFlow 1
        program is reproduced bit for bit.
    tol : float, default 1e-8
        A run has converged once its gradient norm is at most ``tol``.
    max_loss : float, optional
        A run has diverged once its loss exceeds this; by default a million
        times its starting loss (at least 1e6).
    momentum : float or array_like, default 0.0
        The heavy ball's ``beta`` in ``[0, 1)``, PyTorch's and optax's
        convention: ``buf = beta * buf + g; w -= lr[t] * buf``. An array runs
        one momentum per run, broadcast with the rates and start points (a
        column of rates and a row of momenta run a whole grid at once).
    nesterov : bool, default False
        Nesterov's variant: ``w -= lr[t] * (g + beta * buf)``.

    Examples
    --------
    >>> from lrlab import Quadratic
    >>> post = Quadratic(1.0, center=-1.0)            # the blog post's (w + 1)^2
    >>> runs = gradient_descent(post, 5.0, lr=[0.2, 0.5, 1.0, 1.1], steps=60)
    >>> runs.status.tolist()
    ['converged', 'converged', 'running', 'diverged']

    With momentum 0.5 the rate 1.1 comes back inside the limit ``2 (1 + 0.5) / 2``:

    >>> gradient_descent(post, 5.0, lr=1.1, steps=100, momentum=0.5).status.item()
    'converged'
    """
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be an lrlab Problem, got {type(problem).__name__}")
    steps = check_int("steps", steps, lo=1, hi=10_000_000)
    dt = check_dtype("dtype", dtype)
    tol = check_number("tol", tol, lo=0)
    shape = problem.shape
    w0, rates, batch = _starts_and_rates(problem, w0, lr, steps, dt)
    beta = check_array("momentum", momentum, lo=0, hi=1, hi_open=True)
    nesterov = check_bool("nesterov", nesterov)
    try:
        batch = np.broadcast_shapes(batch, beta.shape)
    except ValueError:
        raise ValueError(f"the batch of momenta {beta.shape} must broadcast with the batch of "
                         f"rates and start points {batch}") from None
    if max_loss is not None:
        max_loss = check_number("max_loss", max_loss, lo=0, lo_open=True)
    lead = (1,) * (len(batch) - (rates.ndim - 1))
    rates = np.broadcast_to(rates.reshape((steps, *lead, *rates.shape[1:])), (steps, *batch))
    # one rate per run, with axes of length 1 for the problem's own axes
    per_point = rates.reshape(rates.shape + (1,) * len(shape))
    update = _update_float32 if dt == np.float32 else _update_float64

    w = np.empty((steps + 1, *batch, *shape), dtype=dt)
    grad = np.empty((steps, *batch, *shape), dtype=dt)
    w[0] = np.broadcast_to(w0.astype(dt), (*batch, *shape))
    with np.errstate(all="ignore"):
        # The loop does nothing but the update: every check below looks at
        # the whole recorded trajectory at once, after the loop.
        if beta.any():
            beta = np.broadcast_to(beta.astype(dt), batch).reshape(batch + (1,) * len(shape))
            _descend_momentum(problem, w, grad, per_point, beta, nesterov, update)
        elif (problem._grad_floats is not None and dt == np.float64 and batch == ()
                and shape == (2,)):
            _descend_floats(problem, w, grad, rates.reshape(steps).tolist())
        else:
            # the update itself: w[t + 1] = w[t] - lr[t] * grad(w[t])
            for t in range(steps):
                g = problem._grad(w[t], t)
                grad[t] = g
                w[t + 1] = update(w[t], per_point[t], g)
    return _trajectory(problem, w, grad, rates, tol, max_loss)


def _update_float64(w, lr, g):
    """One update in float64: ``w - lr * g``, plain IEEE arithmetic."""
    return w - lr * g


def _update_float32(w, lr, g):
    """One update the way TensorFlow's float32 CPU kernel does it.

    TensorFlow's CPU kernels run with subnormal numbers flushed to zero, so a
    product ``lr * g`` too small to be a normal float32 becomes exactly 0.
    """
    step = _tf32.flush_subnormals(lr * g)
    return _tf32.flush_subnormals(w - step)


def _descend_momentum(problem, w, grad, rates, beta, nesterov, update):
    """The update loop with momentum, as PyTorch's ``SGD`` and optax's ``sgd`` write it.

    ``buf`` remembers past gradients, each step weighing the old ones by ``beta``::

        buf = beta * buf + g
        w   = w - lr[t] * buf                  # heavy ball
        w   = w - lr[t] * (g + beta * buf)     # Nesterov

    The first step moves by ``lr[0] * g`` (heavy ball; ``buf`` starts at 0).
    """
    buf = np.zeros_like(w[0])
    for t in range(len(rates)):
        g = problem._grad(w[t], t)
        grad[t] = g
        buf *= beta                            # buf = beta * buf + g, in place
        buf += g
        w[t + 1] = update(w[t], rates[t], g + beta * buf if nesterov else buf)


def _descend_floats(problem, w, grad, rates):
    """The update loop of a single float64 run in two variables, on Python floats.

    ``w[t + 1] = w[t] - lr[t] * g`` with ``g = problem._grad_floats(w[t], t)``:
    the same IEEE double operations as the array loop (so the same bits),
    without numpy's overhead per call, which is nearly all the cost of a
    run of one point with a few coordinates.
    """
    grad_floats = problem._grad_floats
    x, y = w[0].tolist()
    points, grads = [], []
    for t, r in enumerate(rates):
        g = gx, gy = grad_floats((x, y), t)
        x = x - r * gx
        y = y - r * gy
        grads.append(g)
        points.append((x, y))
    w[1:] = points
    grad[:] = grads


def adam(problem, w0, lr, steps, b1=0.9, b2=0.999, eps=1e-8, dtype=np.float64, tol=1e-8,
         max_loss=None):
    """Run Adam and record its whole trajectory (the same :class:`Trajectory`).

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section '4 · Adam: the rate as a step length'.

    PyTorch's ``torch.optim.Adam`` and optax's ``adam``: two running averages,
    corrected for starting at zero, and ``eps`` outside the square root::

        m = b1 * m + (1 - b1) * g              # average gradient
        v = b2 * v + (1 - b2) * g * g          # average squared gradient
        m_hat = m / (1 - b1 ** (t + 1))
        v_hat = v / (1 - b2 ** (t + 1))
        w = w - lr[t] * m_hat / (sqrt(v_hat) + eps)

    Each coordinate moves by about ``lr`` per step, whatever the size of its
    gradient: the first step is exactly ``lr * g / (|g| + eps)``.

    Parameters
    ----------
    problem, w0, steps, dtype, tol, max_loss
        As for :func:`gradient_descent` (``dtype=np.float32`` is plain IEEE float32).
    lr : float, array_like or schedule
        As for :func:`gradient_descent`: one run per rate of an array.
    b1, b2 : float, default 0.9 and 0.999
        Decay of the two averages, in ``[0, 1)``.
    eps : float, default 1e-8
        Added to ``sqrt(v_hat)``, >= 0.

    Examples
    --------
    From ``w = 5`` on ``(w + 1)^2`` the gradient is 12, and the first step is 0.1:

    >>> from lrlab import blog_post_problem
    >>> adam(blog_post_problem(), 5.0, lr=0.1, steps=2).w.round(6).tolist()
    [5.0, 4.9, 4.800047]
    """
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be an lrlab Problem, got {type(problem).__name__}")
    steps = check_int("steps", steps, lo=1, hi=10_000_000)
    dt = check_dtype("dtype", dtype)
    tol = check_number("tol", tol, lo=0)
    b1 = check_number("b1", b1, lo=0, hi=1, hi_open=True)
    b2 = check_number("b2", b2, lo=0, hi=1, hi_open=True)
    eps = check_number("eps", eps, lo=0)
    if max_loss is not None:
        max_loss = check_number("max_loss", max_loss, lo=0, lo_open=True)
    shape = problem.shape
    w0, rates, batch = _starts_and_rates(problem, w0, lr, steps, dt)
    lead = (1,) * (len(batch) - (rates.ndim - 1))
    rates = np.broadcast_to(rates.reshape((steps, *lead, *rates.shape[1:])), (steps, *batch))
    per_point = rates.reshape(rates.shape + (1,) * len(shape))

    w = np.empty((steps + 1, *batch, *shape), dtype=dt)
    grad = np.empty((steps, *batch, *shape), dtype=dt)
    w[0] = np.broadcast_to(w0.astype(dt), (*batch, *shape))
    b1, b2, eps = dt.type(b1), dt.type(b2), dt.type(eps)
    with np.errstate(all="ignore"):
        m = np.zeros_like(w[0])
        v = np.zeros_like(w[0])
        for t in range(steps):
            g = problem._grad(w[t], t)
            grad[t] = g
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            m_hat = m / (1 - b1 ** (t + 1))
            v_hat = v / (1 - b2 ** (t + 1))
            w[t + 1] = w[t] - per_point[t] * m_hat / (np.sqrt(v_hat) + eps)
    return _trajectory(problem, w, grad, rates, tol, max_loss)


# --- What a run records: the Trajectory, its statuses, and the checks of the arguments ---


@dataclass(frozen=True)
class Trajectory:
    """Everything a run of gradient descent did.

    What gradient_descent and adam return; first read in notebooks/00-start-here.ipynb,
    section 'Where this comes from'.

    Arrays are indexed by step first, then by run (when several ran at once),
    then by coordinate (for problems in several variables).

    Attributes
    ----------
    w : ndarray, shape (steps + 1, *batch, *problem.shape)
        Every point, ``w[0]`` the start. After a run diverges its points are NaN.
    loss : ndarray, shape (steps + 1, *batch)
        The loss at every point.
    lr : ndarray, shape (steps, *batch)
        The rate each update used (``lr[t]`` took ``w[t]`` to ``w[t + 1]``).
    grad : ndarray, shape (steps, *batch, *problem.shape)
        The gradient each update used.
    status : ndarray of str, shape batch
        ``"diverged"``: the loss grew past ``max_loss`` or overflowed;
        ``"stalled"``: an update left ``w`` bit-identical although the gradient
        was not zero (the step fell below the float spacing of ``w``);
        ``"converged"``: the gradient norm fell to ``tol`` or below;
        ``"running"``: none of these within ``steps``.
    status_step : ndarray of int, shape batch
        The index ``t`` of the point ``w[t]`` where the status was seen
        (``-1`` for ``"running"``). For ``"stalled"``, ``w[t]`` is where ``w``
        froze: every later update left it unchanged or it moved no more.
    problem : Problem
    """

    w: np.ndarray
    loss: np.ndarray
    lr: np.ndarray
    grad: np.ndarray
    status: np.ndarray
    status_step: np.ndarray
    problem: Problem

    @property
    def steps(self):
        """Number of updates."""
        return self.lr.shape[0]

    @property
    def batch_shape(self):
        """Shape of the batch of runs (``()`` for a single run)."""
        return self.status.shape

    def run(self, index):
        """One run of a batch, as a :class:`Trajectory` of its own.

        >>> from lrlab import Quadratic
        >>> runs = gradient_descent(Quadratic(1.0), 1.0, lr=[0.1, 0.2], steps=2)
        >>> runs.run(1).w.round(12).tolist()
        [1.0, 0.6, 0.36]
        """
        if not self.batch_shape:
            raise ValueError("run(index) needs a batch of runs; this trajectory holds one run")
        index = index if isinstance(index, tuple) else (index,)
        if len(index) != len(self.batch_shape):
            raise ValueError(f"index must give one position per batch axis "
                             f"{self.batch_shape}, got {index!r}")
        index = tuple(check_int("index", i, lo=-n, hi=n - 1)
                      for i, n in zip(index, self.batch_shape, strict=True))
        pick = (slice(None),) + index
        return Trajectory(
            w=self.w[pick], loss=self.loss[pick], lr=self.lr[pick], grad=self.grad[pick],
            status=self.status[index], status_step=self.status_step[index],
            problem=self.problem,
        )

    def __len__(self):
        return self.steps


def _trajectory(problem, w, grad, rates, tol, max_loss):
    """The recorded run as a Trajectory: losses, statuses, and a diverged run blanked."""
    steps = grad.shape[0]
    with np.errstate(all="ignore"):
        loss = _losses(problem, w)
        g_last = problem._grad(w[steps], steps)
        status, status_step = _statuses(w, loss, grad, g_last, problem.shape, tol, max_loss)
    lr_used = rates  # a read-only view; copied only if a run diverged
    if (status == "diverged").any():
        lr_used = np.array(rates, dtype=w.dtype)
        _blank_after_divergence(status, status_step, w, loss, grad, lr_used)
    return Trajectory(
        w=w, loss=loss, lr=lr_used, grad=grad, status=status, status_step=status_step,
        problem=problem,
    )


def _losses(problem, w, chunk=256):
    """Loss at every recorded point, a few hundred steps at a time (bounded memory)."""
    loss = np.empty(w.shape[: w.ndim - len(problem.shape)], dtype=w.dtype)
    for start in range(0, w.shape[0], chunk):
        loss[start:start + chunk] = problem._loss(w[start:start + chunk])
    return loss


def _statuses(w, loss, grad, g_last, shape, tol, max_loss):
    """Status and status step of every run, from its recorded trajectory."""
    axes = tuple(range(-len(shape), 0))
    if max_loss is None:
        limit = 1e6 * np.maximum(np.abs(loss[0].astype(np.float64)), 1.0)
    else:
        limit = max_loss
    # "not (finite and below the limit)", written so that NaN counts as diverged
    diverged_at, diverged = _first(~(loss <= limit) | np.isinf(loss))

    def small(g):
        if not shape:
            return np.abs(g) <= tol
        g = g.astype(np.float64)
        return np.sqrt((g * g).sum(axis=axes)) <= tol

    converged_at, converged = _first(small(grad))
    at_end = ~converged & small(g_last)
    converged_at[at_end], converged[at_end] = grad.shape[0], True

    frozen = w[1:] == w[:-1]
    moving = grad != 0
    if shape:
        frozen, moving = frozen.all(axis=axes), moving.any(axis=axes)
    stalled_at, stalled = _first(frozen & moving)

    batch = loss.shape[1:]
    status = np.full(batch, "running", dtype="<U9")
    status_step = np.full(batch, -1, dtype=np.int64)
    # the first of "converged" and "stalled" wins (a tie goes to "converged");
    # "diverged" overrides both
    stall_first = stalled & (~converged | (stalled_at < converged_at))
    conv = converged & ~stall_first
    status[conv], status_step[conv] = "converged", converged_at[conv]
    status[stall_first], status_step[stall_first] = "stalled", stalled_at[stall_first]
    status[diverged], status_step[diverged] = "diverged", diverged_at[diverged]
    return status, status_step


def _first(condition):
    """Index of the first True along axis 0 for each run, and whether there is one."""
    at = np.array(np.argmax(condition, axis=0))
    found = np.array(np.take_along_axis(condition, at[None], axis=0)[0])
    return at, found


def _blank_after_divergence(status, status_step, w, loss, grad, lr):
    """Set everything after a run's divergence step to NaN (its last point stays)."""
    for run in np.argwhere(status == "diverged"):
        run = tuple(run)
        k = int(status_step[run])
        w[(slice(k + 1, None), *run)] = np.nan
        loss[(slice(k + 1, None), *run)] = np.nan
        grad[(slice(k, None), *run)] = np.nan
        lr[(slice(k, None), *run)] = np.nan


def _starts_and_rates(problem, w0, lr, steps, dt):
    """Checked start points, the rates per step and the batch of runs they make together."""
    shape = problem.shape
    w0 = check_array("w0", w0)
    if w0.ndim < len(shape) or w0.shape[w0.ndim - len(shape):] != shape:
        raise ValueError(f"w0 must have shape batch + {shape} for {problem!r}, got {w0.shape}")
    rates = schedules.rates(lr, steps, dt)
    try:
        batch = np.broadcast_shapes(w0.shape[: w0.ndim - len(shape)], rates.shape[1:])
    except ValueError:
        raise ValueError(
            f"the batch of start points {w0.shape[: w0.ndim - len(shape)]} and the batch of "
            f"rates {rates.shape[1:]} must broadcast together"
        ) from None
    return w0, rates, batch
