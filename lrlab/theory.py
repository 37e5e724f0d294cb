"""Closed forms for gradient descent on a quadratic bowl.

On ``loss(w) = sum_i a_i (w_i - c_i)^2`` the error ``e = w - c`` of each
coordinate obeys ``e[t + 1] = (1 - L_i lr) e[t]`` with curvature ``L_i = 2 a_i``.
Everything in this module follows from that one line:

- ``|1 - L lr| < 1`` converges: ``0 < lr < 2 / L`` (the *critical rate*);
- ``lr = 1 / L`` lands on the minimum in one step;
- a decaying schedule multiplies the error by ``prod_t (1 - L lr_t)``, which
  stays above zero when the rates add up to a finite total: ``w`` freezes.

The functions take any problem with a ``curvature`` (the Hessian's eigenvalues:
:class:`~lrlab.problems.Quadratic`, :class:`~lrlab.problems.LeastSquares`).
In several variables the stiffest direction (``L_max``) sets the limit and
the flattest (``L_min``) sets the speed.

>>> from lrlab import seed_problem
>>> seed = seed_problem()                 # (w + 1)^2: a = 1, L = 2
>>> critical_lr(seed), one_step_lr(seed), regime(seed, 0.2)
(1.0, 0.5, 'monotone')
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import check_array, check_int, check_number

__all__ = [
    "REGIMES",
    "curvatures",
    "critical_lr",
    "one_step_lr",
    "optimal_lr",
    "contraction",
    "regime",
    "steps_to_tolerance",
    "closed_form_path",
    "total_lr",
    "freeze_point",
    "noise_ball",
]

#: Regime labels returned by :func:`regime`, from the smallest rate to the largest.
REGIMES = ("too small", "monotone", "one step", "oscillating", "on the edge", "divergent")

_EDGE_RTOL = 1e-9


def curvatures(problem):
    """The Hessian's eigenvalues ``L_i`` of a quadratic problem, as a 1-D array.

    >>> from lrlab import Quadratic
    >>> curvatures(Quadratic([0.5, 5.0])).tolist()
    [1.0, 10.0]
    """
    try:
        L = problem.curvature
    except AttributeError:
        raise TypeError(
            f"problem must be a quadratic with a constant curvature (Quadratic, LeastSquares), "
            f"got {type(problem).__name__}"
        ) from None
    L = np.atleast_1d(np.asarray(L, dtype=np.float64))
    if not np.all(L > 0):
        raise ValueError("problem must have a positive curvature in every direction")
    return L


def _rates(lr, name="lr"):
    if np.ndim(lr) == 0:
        return check_number(name, lr, lo=0, lo_open=True)
    return check_array(name, lr, lo=0, lo_open=True)


def critical_lr(problem):
    """The largest rate that still converges: ``2 / L_max`` (``1 / a`` in 1-D).

    At exactly this rate the stiffest direction bounces between two points
    forever; above it, the run diverges.

    >>> from lrlab import Quadratic
    >>> critical_lr(Quadratic([0.5, 5.0]))       # 2 / 10
    0.2
    """
    return float(2.0 / curvatures(problem).max())


def one_step_lr(problem):
    """The rate that lands on the minimum in one step: ``1 / L_max`` (``1 / (2a)``).

    In several variables only the stiffest direction lands in one step.

    >>> from lrlab import seed_problem
    >>> one_step_lr(seed_problem())
    0.5
    """
    return float(1.0 / curvatures(problem).max())


def optimal_lr(problem):
    """The best constant rate: ``2 / (L_min + L_max)``.

    It makes the slowest and the stiffest direction shrink equally fast, by
    ``(k - 1) / (k + 1)`` per step with ``k = L_max / L_min`` (Goh, "Why
    Momentum Really Works", Distill 2017). In 1-D it equals :func:`one_step_lr`.

    >>> from lrlab import Quadratic
    >>> optimal_lr(Quadratic([0.5, 5.0]))        # 2 / (1 + 10)
    0.18181818181818182
    """
    L = curvatures(problem)
    return float(2.0 / (L.min() + L.max()))


def contraction(problem, lr):
    """Factor by which the error shrinks per step, worst direction: ``max_i |1 - L_i lr|``.

    Below 1 the run converges; 0 means one step; above 1 it diverges.
    Accepts one rate or an array of rates.

    >>> from lrlab import seed_problem
    >>> contraction(seed_problem(), 0.2)
    0.6
    """
    L = curvatures(problem)
    lr = _rates(lr)
    c = np.abs(1.0 - np.multiply.outer(lr, L)).max(axis=-1)
    return float(c) if np.ndim(c) == 0 else c


def regime(problem, lr, small=0.1):
    """Name what a constant rate does, judged by the stiffest direction.

    With ``r = lr * L_max`` (the rate as a fraction of the one-step rate):

    ==============  =====================  ======================================
    label           when                   what the path of ``w`` does
    ==============  =====================  ======================================
    "too small"     ``r <= small``         creeps: each step removes at most
                                           ``small`` of the error
    "monotone"      ``small < r < 1``      slides down one side of the bowl
    "one step"      ``r == 1``             lands on the minimum at once
    "oscillating"   ``1 < r < 2``          jumps across, each jump shorter
    "on the edge"   ``r == 2``             bounces between two points for ever
    "divergent"     ``r > 2``              jumps across, each jump longer
    ==============  =====================  ======================================

    The two equalities are checked with a relative tolerance of 1e-9.

    Parameters
    ----------
    problem : Quadratic or LeastSquares
    lr : float or array_like
    small : float, default 0.1
        Fraction of the one-step rate at or below which a rate is "too small".

    Returns
    -------
    str, or an array of str for an array of rates.

    >>> from lrlab import seed_problem
    >>> [regime(seed_problem(), r) for r in (0.01, 0.2, 0.5, 0.8, 1.0, 1.2)]
    ['too small', 'monotone', 'one step', 'oscillating', 'on the edge', 'divergent']
    """
    small = check_number("small", small, lo=0, hi=1, lo_open=True, hi_open=True)
    r = np.asarray(_rates(lr)) * curvatures(problem).max()
    labels = np.select(
        [
            np.isclose(r, 1.0, rtol=_EDGE_RTOL, atol=0),
            np.isclose(r, 2.0, rtol=_EDGE_RTOL, atol=0),
            r <= small,
            r < 1,
            r < 2,
        ],
        ["one step", "on the edge", "too small", "monotone", "oscillating"],
        default="divergent",
    )
    return str(labels) if labels.ndim == 0 else labels


def steps_to_tolerance(problem, lr, eps):
    """Steps a constant rate needs to shrink the error by the factor ``eps``.

    ``ceil(ln(eps) / ln(rho))`` with ``rho`` the :func:`contraction`; ``1``
    when ``rho == 0`` (one step) and ``inf`` when ``rho >= 1`` (never).

    >>> from lrlab import seed_problem
    >>> steps_to_tolerance(seed_problem(), 0.2, 1e-6)     # 0.6^t <= 1e-6
    28.0
    """
    eps = check_number("eps", eps, lo=0, hi=1, lo_open=True, hi_open=True)
    rho = np.asarray(contraction(problem, lr), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.ceil(np.log(eps) / np.log(rho) - 1e-9)
    n = np.where(rho == 0, 1.0, np.where(rho >= 1, np.inf, n))
    return float(n) if n.ndim == 0 else n


def _schedule_values(lr, steps):
    if callable(lr):
        values = np.asarray(lr(np.arange(steps)), dtype=np.float64)
        if values.shape != (steps,) or not np.all(np.isfinite(values) & (values >= 0)):
            raise ValueError("lr schedule must give one finite rate >= 0 per step")
        return values
    return np.full(steps, check_number("lr", lr, lo=0, lo_open=True))


def closed_form_path(problem, w0, lr, steps):
    """The path of ``w`` in closed form: ``w_t = c + prod_{k<t} (1 - L lr_k) (w0 - c)``.

    For a constant rate that is ``c + (1 - L lr)^t (w0 - c)``. Only for
    :class:`~lrlab.problems.Quadratic` (whose directions are the coordinates).

    Parameters
    ----------
    problem : Quadratic
    w0 : float or array_like, shape ``problem.shape``
    lr : float or schedule
    steps : int

    Returns
    -------
    ndarray, shape ``(steps + 1, *problem.shape)``

    >>> from lrlab import seed_problem
    >>> closed_form_path(seed_problem(), 5.0, 0.2, 3).round(12).tolist()
    [5.0, 2.6, 1.16, 0.296]
    """
    if not hasattr(problem, "center"):
        raise TypeError(f"problem must be a Quadratic, got {type(problem).__name__}")
    steps = check_int("steps", steps, lo=1)
    w0 = check_array("w0", w0)
    if w0.shape != problem.shape:
        raise ValueError(f"w0 must have shape {problem.shape}, got {w0.shape}")
    rates = _schedule_values(lr, steps)
    factors = 1.0 - np.multiply.outer(rates, problem.curvature)
    with np.errstate(over="ignore"):
        prods = np.concatenate([np.ones((1, *problem.shape)), np.cumprod(factors, axis=0)])
    return problem.center + prods * (w0 - problem.center)


def _exponential_total(params):
    """Sum over all steps of an exponential decay, in closed form."""
    lr0, k, rate = params["initial_lr"], params["decay_steps"], params["decay_rate"]
    if params.get("end_value") or rate >= 1:
        return math.inf
    begin = params.get("transition_begin", 0)
    if params.get("staircase"):
        tail = lr0 * k / (1.0 - rate)
    else:
        tail = lr0 / (1.0 - rate ** (1.0 / k))
    return begin * lr0 + tail


def total_lr(schedule, steps=None):
    """Total of all the rates a schedule gives: ``sum_{t=0}^{steps-1} lr(t)``.

    With ``steps=None`` the total over all steps for ever, which is finite for
    exponential decay with ``decay_rate < 1``::

        sum_t lr0 * rate^(t / k) = lr0 / (1 - rate^(1 / k))      (continuous)
        sum_t lr0 * rate^floor(t / k) = lr0 * k / (1 - rate)    (staircase)

    and infinite for a constant rate. Other schedules need ``steps``.

    >>> from lrlab.schedules import exponential_decay
    >>> total_lr(exponential_decay(0.2, 1, 0.95))          # 0.2 / 0.05
    4.000000000000001
    """
    if not callable(schedule):
        check_number("schedule", schedule, lo=0, lo_open=True)
        if steps is None:
            return math.inf
        return float(schedule) * check_int("steps", steps, lo=1)
    if steps is not None:
        steps = check_int("steps", steps, lo=1)
        return float(np.sum(np.asarray(schedule(np.arange(steps)), dtype=np.float64)))
    name = getattr(schedule, "name", None)
    if name == "exponential_decay":
        return _exponential_total(schedule.params)
    if name == "constant":
        return math.inf
    raise ValueError(
        f"steps is required for the schedule {name or schedule!r}: only exponential_decay "
        "and constant have a closed-form total over infinitely many steps"
    )


def freeze_point(problem, w0, schedule, steps=None, max_steps=10_000_000):
    """Where ``w`` ends when a decaying schedule runs for ever: ``c + e0 prod_t (1 - L lr_t)``.

    When the rates add up to a finite total, the product stays away from zero
    and ``w`` freezes short of the minimum ``c``. With ``steps`` given, the
    point after that many updates (the same as ``closed_form_path(...)[-1]``).
    With ``steps=None`` the product runs until the rates are too small to
    change it in float64 (``L lr_t < 1e-18``); a schedule that never gets there
    within ``max_steps`` raises ``ValueError``.

    >>> from lrlab import seed_problem
    >>> from lrlab.schedules import exponential_decay
    >>> round(freeze_point(seed_problem(), 5.0, exponential_decay(0.2, 1, 0.95)), 5)
    -0.99927
    """
    if not hasattr(problem, "center"):
        raise TypeError(f"problem must be a Quadratic, got {type(problem).__name__}")
    w0 = check_array("w0", w0)
    if w0.shape != problem.shape:
        raise ValueError(f"w0 must have shape {problem.shape}, got {w0.shape}")
    if not callable(schedule):
        raise TypeError("schedule must be a schedule function (see lrlab.schedules)")
    L = problem.curvature
    if steps is not None:
        return _as_result(closed_form_path(problem, w0, schedule, steps)[-1])
    max_steps = check_int("max_steps", max_steps, lo=1)
    prod = np.ones(problem.shape)
    start, chunk = 0, 4096
    while start < max_steps:
        rates = np.asarray(schedule(np.arange(start, start + chunk)), dtype=np.float64)
        prod = prod * np.prod(1.0 - np.multiply.outer(rates, L), axis=0)
        if rates[-1] * L.max() < 1e-18 and np.all(np.diff(rates) <= 0):
            return _as_result(problem.center + prod * (w0 - problem.center))
        start += chunk
        chunk = min(chunk * 2, 1 << 20)
    raise ValueError(
        f"schedule never freezes within max_steps={max_steps}: its rates do not decay to "
        "zero (their total is infinite); pass steps to get the point after a number of steps"
    )


def _as_result(x):
    x = np.asarray(x, dtype=np.float64)
    return float(x) if x.ndim == 0 else x


def noise_ball(problem, lr, noise):
    """Mean squared error where SGD settles with a constant rate and noisy gradients.

    With gradient noise of standard deviation ``s`` per coordinate, each
    direction's error settles at ``E[e^2] = lr s^2 / (L (2 - lr L))``; the
    result is the sum over directions. ``inf`` when ``lr >= 2 / L_max``.

    >>> from lrlab import seed_problem
    >>> noise_ball(seed_problem(), 0.2, 1.0)      # 0.2 / (2 * 1.6)
    0.0625
    """
    L = curvatures(problem)
    s = check_number("noise", noise, lo=0)
    lr = np.asarray(_rates(lr))
    x = np.multiply.outer(lr, L)
    with np.errstate(divide="ignore"):
        v = np.where(x < 2, lr[..., None] * s**2 / (L * (2 - x)), np.inf).sum(axis=-1)
    return float(v) if v.ndim == 0 else v
