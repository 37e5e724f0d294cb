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

The functions come in the order the notebooks teach them: one step and its
limits, closed-form paths, budgets under a schedule, noise, two dimensions,
momentum and Adam.

>>> from lrlab import blog_post_problem
>>> post = blog_post_problem()                 # the blog post's (w + 1)^2: a = 1, L = 2
>>> critical_lr(post), one_step_lr(post), regime(post, 0.2)
(1.0, 0.5, 'monotone')
"""

from __future__ import annotations

import math

import numpy as np

from . import schedules
from ._checks import (
    check_array,
    check_bool,
    check_dtype,
    check_int,
    check_number,
    check_numbers,
    check_start,
    scalar_or_array,
)

__all__ = [
    "REGIMES",
    "curvatures",
    "one_step_lr",
    "critical_lr",
    "error_factor",
    "contraction",
    "regime",
    "steps_to_tolerance",
    "critical_lr_at",
    "closed_form_path",
    "total_lr",
    "freeze_point",
    "DECAY_OUTCOMES",
    "decay_outcome",
    "underflow_step",
    "noise_ball",
    "level_ellipse",
    "condition_number",
    "direction_factors",
    "growing_directions",
    "optimal_lr",
    "optimal_contraction",
    "slowest_direction",
    "direction_steps",
    "local_curvatures",
    "local_critical_lr",
    "MOMENTUM_REGIMES",
    "momentum_matrix",
    "momentum_roots",
    "momentum_contraction",
    "momentum_critical_lr",
    "effective_lr",
    "momentum_regime",
    "optimal_momentum",
    "optimal_momentum_contraction",
    "momentum_path",
    "steps_to_stay_within",
    "adam_first_step",
]


# --- One step and its limits (notebooks 00-02) ----------------------------------------------------
# Each direction's error is multiplied by ``1 - L lr`` per step: the rate that zeroes it,
# the rate where it reaches -1, its size, and the regimes between.


#: Regime labels returned by :func:`regime`, from the smallest rate to the largest.
REGIMES = ("too small", "monotone", "one step", "oscillating", "on the edge", "divergent")


_EDGE_RTOL = 1e-9


def curvatures(problem):
    """The Hessian's eigenvalues ``L_i`` of a quadratic problem, as a 1-D array.

    Not called by a notebook: the other functions here read the curvatures through it
    (tests/test_theory2d.py).

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


def one_step_lr(problem):
    """The rate that lands on the minimum in one step: ``1 / L_max`` (``1 / (2a)``).

    Taught in notebooks/02-too-small-too-large.ipynb, section 'The two thresholds'.

    In several variables only the stiffest direction lands in one step.

    >>> from lrlab import blog_post_problem
    >>> one_step_lr(blog_post_problem())
    0.5
    """
    return float(1.0 / curvatures(problem).max())


def critical_lr(problem):
    """The largest rate that still converges: ``2 / L_max`` (``1 / a`` in 1-D).

    Taught in notebooks/02-too-small-too-large.ipynb, section 'The two thresholds'; for a
    steeper bowl in section '4 · A steeper bowl needs a smaller rate'.

    At exactly this rate the stiffest direction bounces between two points
    forever; above it, the run diverges.

    >>> from lrlab import Quadratic
    >>> critical_lr(Quadratic([0.5, 5.0]))       # 2 / 10
    0.2
    """
    return float(2.0 / curvatures(problem).max())


def error_factor(problem, lr):
    """The signed number the error is multiplied by each step: ``1 - L_max lr``.

    Taught in notebooks/02-too-small-too-large.ipynb,
    section '1 · One number decides everything'.

    On ``a (w - w*)^2`` that is ``1 - 2 a lr`` exactly: ``e[t + 1] = (1 - 2 a lr) e[t]``.
    Its sign tells the side (positive: ``w`` stays on the side it started;
    negative: it jumps across the minimum every step) and its size the speed
    (``|factor|`` is :func:`contraction` in 1-D). It is 0 at the one-step rate
    and -1 at the critical rate. In several variables this is the stiffest
    direction's factor. Accepts one rate or an array of rates.

    >>> from lrlab import blog_post_problem
    >>> [round(error_factor(blog_post_problem(), r), 12) for r in (0.2, 0.5, 0.7, 1.0)]
    [0.6, 0.0, -0.4, -1.0]
    """
    lr = check_numbers("lr", lr, lo=0, lo_open=True)
    f = 1.0 - np.asarray(lr) * curvatures(problem).max()
    return scalar_or_array(f)


def contraction(problem, lr):
    """Factor by which the error shrinks per step, worst direction: ``max_i |1 - L_i lr|``.

    Taught in notebooks/01-one-step-at-a-time.ipynb, section 'The same factor every step'.

    Below 1 the run converges; 0 means one step; above 1 it diverges.
    Accepts one rate or an array of rates.

    >>> from lrlab import blog_post_problem
    >>> contraction(blog_post_problem(), 0.2)
    0.6
    """
    L = curvatures(problem)
    lr = check_numbers("lr", lr, lo=0, lo_open=True)
    c = np.abs(1.0 - np.multiply.outer(lr, L)).max(axis=-1)
    return scalar_or_array(c)


def regime(problem, lr, small=0.1):
    """Name what a constant rate does, judged by the stiffest direction.

    Taught in notebooks/02-too-small-too-large.ipynb, section 'The two thresholds'; the six
    regimes side by side in section '2 · The six regimes, side by side'.

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

    >>> from lrlab import blog_post_problem
    >>> [regime(blog_post_problem(), r) for r in (0.01, 0.2, 0.5, 0.8, 1.0, 1.2)]
    ['too small', 'monotone', 'one step', 'oscillating', 'on the edge', 'divergent']
    """
    small = check_number("small", small, lo=0, hi=1, lo_open=True, hi_open=True)
    r = np.asarray(check_numbers("lr", lr, lo=0, lo_open=True)) * curvatures(problem).max()
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
    return scalar_or_array(labels)


def steps_to_tolerance(problem, lr, eps):
    """Steps a constant rate needs to shrink the error by the factor ``eps``.

    Taught in notebooks/01-one-step-at-a-time.ipynb, section 'Exercise 3: how many steps?'; the
    cost of a small rate in notebooks/02-too-small-too-large.ipynb,
    section '3 · Too small costs steps'.

    ``ceil(ln(eps) / ln(rho))`` with ``rho`` the :func:`contraction`; ``1``
    when ``rho == 0`` (one step) and ``inf`` when ``rho >= 1`` (never).

    >>> from lrlab import blog_post_problem
    >>> steps_to_tolerance(blog_post_problem(), 0.2, 1e-6)     # 0.6^t <= 1e-6
    28.0
    """
    eps = check_number("eps", eps, lo=0, hi=1, lo_open=True, hi_open=True)
    rho = np.asarray(contraction(problem, lr), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.ceil(np.log(eps) / np.log(rho) - 1e-9)
    n = np.where(rho == 0, 1.0, np.where(rho >= 1, np.inf, n))
    return scalar_or_array(n)


def critical_lr_at(problem, w):
    """The critical rate of the bowl that fits a 1-D loss at ``w``: ``2 / f''(w)``.

    Taught in notebooks/02-too-small-too-large.ipynb, section '6 · Stepping over the pit'.

    Near the bottom of a pit any smooth loss looks like ``a (w - w*)^2`` with
    ``2 a = f''(w*)``, so a run that has come close to the bottom stays there
    only if ``lr < 2 / f''(w*)`` (:func:`critical_lr` of that bowl). For a
    problem with ``curvature_at`` (e.g. :class:`~lrlab.problems.TwoBasins`);
    ``inf`` where the curvature is not positive (a hump has no limit: it
    never holds a run). Accepts one point or an array of points.

    >>> from lrlab import TwoBasins
    >>> p = TwoBasins(tilt=0.0)                  # (w^2 - 1)^2: f''(1) = 8
    >>> critical_lr_at(p, 1.0), critical_lr_at(p, 0.0)
    (0.25, inf)
    """
    try:
        curv = problem.curvature_at(w)
    except AttributeError:
        raise TypeError(
            f"problem must have curvature_at (e.g. TwoBasins), got {type(problem).__name__}"
        ) from None
    curv = np.asarray(curv, dtype=np.float64)
    with np.errstate(divide="ignore"):
        lim = np.where(curv > 0, 2.0 / np.where(curv > 0, curv, 1.0), np.inf)
    return scalar_or_array(lim)


# --- Closed-form paths (notebook 01) --------------------------------------------------------------
# The factors multiplied out: where ``w`` is after any number of steps, without running them.


def closed_form_path(problem, w0, lr, steps):
    """The path of ``w`` in closed form: ``w_t = c + prod_{k<t} (1 - L lr_k) (w0 - c)``.

    Used in notebooks/01-one-step-at-a-time.ipynb, section 'The same factor every step', by the
    dashed lines of plotting.error_by_step.

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

    >>> from lrlab import blog_post_problem
    >>> closed_form_path(blog_post_problem(), 5.0, 0.2, 3).round(12).tolist()
    [5.0, 2.6, 1.16, 0.296]
    """
    if not hasattr(problem, "center"):
        raise TypeError(f"problem must be a Quadratic, got {type(problem).__name__}")
    steps = check_int("steps", steps, lo=1)
    w0 = check_start(w0, problem.shape)
    if not callable(lr):
        lr = check_number("lr", lr, lo=0, lo_open=True)     # one rate (one path), or a schedule
    rates = schedules.rates(lr, steps)
    factors = 1.0 - np.multiply.outer(rates, problem.curvature)
    with np.errstate(over="ignore"):
        prods = np.concatenate([np.ones((1, *problem.shape)), np.cumprod(factors, axis=0)])
    return problem.center + prods * (w0 - problem.center)


# --- Budgets under a schedule: totals, freezing, outcomes (notebook 03) ---------------------------
# A decaying schedule multiplies the error by ``prod_t (1 - L lr_t)``; with a finite total of
# rates that product stays away from zero.


def total_lr(schedule, steps=None):
    """Total of all the rates a schedule gives: ``sum_{t=0}^{steps-1} lr(t)``.

    Taught in notebooks/03-exponential-decay.ipynb,
    section '4 · The total of all the rates, and where $w$ freezes'.

    With ``steps=None`` the total over all steps for ever, which is finite for
    exponential decay with ``decay_rate < 1``::

        sum_t lr0 * rate^(t / k) = lr0 / (1 - rate^(1 / k))      (continuous)
        sum_t lr0 * rate^floor(t / k) = lr0 * k / (1 - rate)    (staircase)

    and infinite for a constant rate. Other schedules need ``steps``.

    >>> from lrlab.schedules import exponential_decay
    >>> round(total_lr(exponential_decay(0.2, 1, 0.95)), 12)   # 0.2 / 0.05
    4.0
    """
    if not callable(schedule):
        check_number("schedule", schedule, lo=0, lo_open=True)
        if steps is None:
            return math.inf
        return float(schedule) * check_int("steps", steps, lo=1)
    if steps is not None:
        steps = check_int("steps", steps, lo=1)
        return float(np.sum(schedules.rates(schedule, steps, name="schedule")))
    name = getattr(schedule, "name", None)
    if name == "exponential_decay":
        return _exponential_total(schedule)
    if name == "constant":
        return math.inf
    raise ValueError(
        f"steps is required for the schedule {name or schedule!r}: only exponential_decay "
        "and constant have a closed-form total over infinitely many steps"
    )


def _exponential_total(schedule):
    """Sum over all steps of an exponential decay: in closed form, or summed when it has none."""
    params = schedule.params
    lr0, k, rate = params["initial_lr"], params["decay_steps"], params["decay_rate"]
    if params.get("end_value") or rate >= 1:
        return math.inf
    begin = params.get("transition_begin", 0)
    held = math.ceil(begin)       # the steps t < begin keep lr0; step `held` is (held - begin) in
    if not params.get("staircase"):
        q = rate ** (1.0 / k)
        return held * lr0 + lr0 * q ** (held - begin) / (1.0 - q)
    if float(k).is_integer():
        # every stair holds k steps, wherever between two steps the decay begins
        return held * lr0 + lr0 * k / (1.0 - rate)
    # a stair of a fractional length holds a varying number of steps: add the rates up
    # until they no longer change the total
    total, start, chunk = 0.0, 0, 4096
    while True:
        rates = np.asarray(schedule(np.arange(start, start + chunk)), dtype=np.float64)
        total += float(rates.sum())
        if rates[-1] <= 1e-17 * total:
            return total
        start += chunk
        chunk = min(chunk * 2, 1 << 20)


def freeze_point(problem, w0, schedule, steps=None, max_steps=10_000_000):
    """Where ``w`` ends when a decaying schedule runs for ever: ``c + e0 prod_t (1 - L lr_t)``.

    Taught in notebooks/03-exponential-decay.ipynb,
    section '4 · The total of all the rates, and where $w$ freezes'.

    When the rates add up to a finite total, the product stays away from zero
    and ``w`` freezes short of the minimum ``c``. With ``steps`` given, the
    point after that many updates (the same as ``closed_form_path(...)[-1]``).
    With ``steps=None`` the product runs until the rates are too small to
    change it in float64 (``L lr_t < 1e-18``); a schedule that never gets there
    within ``max_steps`` raises ``ValueError``. A schedule that stays above the
    critical rate long enough makes the run diverge: the result is then ``inf``.

    >>> from lrlab import blog_post_problem
    >>> from lrlab.schedules import exponential_decay
    >>> round(freeze_point(blog_post_problem(), 5.0, exponential_decay(0.2, 1, 0.95)), 5)
    -0.99927
    """
    if not hasattr(problem, "center"):
        raise TypeError(f"problem must be a Quadratic, got {type(problem).__name__}")
    w0 = check_start(w0, problem.shape)
    if not callable(schedule):
        raise TypeError("schedule must be a schedule function (see lrlab.schedules)")
    L = problem.curvature
    if steps is not None:
        return scalar_or_array(closed_form_path(problem, w0, schedule, steps)[-1])
    max_steps = check_int("max_steps", max_steps, lo=1)
    prod = np.ones(problem.shape)
    start, chunk = 0, 4096
    while start < max_steps:
        rates = np.asarray(schedule(np.arange(start, start + chunk)), dtype=np.float64)
        # A schedule that stays above the limit long enough overflows the
        # product: the run diverges, and the answer is an infinity.
        with np.errstate(over="ignore", invalid="ignore"):
            prod = prod * np.prod(1.0 - np.multiply.outer(rates, L), axis=0)
        if rates[-1] * L.max() < 1e-18 and np.all(np.diff(rates) <= 0):
            offset = w0 - problem.center
            with np.errstate(invalid="ignore"):
                moved = np.where(offset == 0, 0.0, prod * offset)
            moved = np.where(np.isfinite(moved), moved, np.inf)
            return scalar_or_array(problem.center + moved)
        start += chunk
        chunk = min(chunk * 2, 1 << 20)
    raise ValueError(
        f"schedule never freezes within max_steps={max_steps}: its rates do not decay to "
        "zero (their total is infinite); pass steps to get the point after a number of steps"
    )


#: Labels returned by :func:`decay_outcome`.
DECAY_OUTCOMES = ("converges", "freezes short", "diverges")


def decay_outcome(problem, initial_lr, decay_rate, decay_steps=1, staircase=False, tol=1e-6,
                  blowup=1e3):
    """What exponential decay does to gradient descent on a quadratic, run for ever.

    Taught in notebooks/03-exponential-decay.ipynb, section '6 · A map of every setting'.

    With ``lr_t = initial_lr * decay_rate^(t / decay_steps)`` (exponent rounded
    down with ``staircase``), each direction's error is multiplied by
    ``prod_t (1 - L lr_t)``. Its size after every step and for ever decide:

    - ``"diverges"``: at some step ``|e_t| > blowup * |e_0|`` (with the default
      1e3 that is a loss a million times the start, what
      :func:`~lrlab.gradient_descent` calls diverged for a start loss >= 1);
    - ``"converges"``: for ever, ``|e_inf| <= tol * |e_0|`` in every direction;
    - ``"freezes short"``: neither: the rates run out first and ``w`` stops
      at a visible distance from the minimum (see :func:`freeze_point`).

    Arguments broadcast, so a whole grid of settings is computed at once.

    Parameters
    ----------
    problem : Quadratic or LeastSquares
    initial_lr : float or array_like
        ``lr0 > 0``.
    decay_rate : float or array_like
        In ``(0, 1)``.
    decay_steps : int, default 1
    staircase : bool, default False
    tol, blowup : float
        Thresholds on ``|e| / |e_0|``, see above.

    Returns
    -------
    str, or an array of str (one of :data:`DECAY_OUTCOMES`) of the broadcast shape.

    Examples
    --------
    The blog post's problem (``L = 2``, ``lr0 = 0.2``): ``0.95`` leaves ``w`` 7e-4 short of
    ``-1`` (1.2e-4 of the start distance 6); ``0.99`` gets there; a first rate
    of ``3`` multiplies the error by ``|1 - 6| = 5`` per step at first.

    >>> from lrlab import blog_post_problem
    >>> decay_outcome(blog_post_problem(), [0.2, 0.2, 3.0], [0.95, 0.99, 0.95]).tolist()
    ['freezes short', 'converges', 'diverges']
    """
    L = curvatures(problem)
    lr0 = np.asarray(check_numbers("initial_lr", initial_lr, lo=0, lo_open=True))
    rate = np.asarray(check_array("decay_rate", decay_rate, lo=0, hi=1, lo_open=True,
                                  hi_open=True), dtype=np.float64)
    k = check_int("decay_steps", decay_steps, lo=1)
    if not isinstance(staircase, (bool, np.bool_)):
        raise TypeError(f"staircase must be True or False, got {staircase!r}")
    tol = check_number("tol", tol, lo=0, hi=1, lo_open=True, hi_open=True)
    blowup = check_number("blowup", blowup, lo=1, lo_open=True)
    lr0, rate = np.broadcast_arrays(lr0, rate)
    x0 = lr0[..., None] * L
    q = np.broadcast_to((rate if staircase else rate ** (1.0 / k))[..., None], x0.shape)
    log_end, peak = _decay_log_factors(x0, q, k if staircase else 1)
    diverges = (peak > math.log(blowup)).any(axis=-1)
    converges = (log_end <= math.log(tol)).all(axis=-1)
    out = np.where(diverges, DECAY_OUTCOMES[2],
                   np.where(converges, DECAY_OUTCOMES[0], DECAY_OUTCOMES[1]))
    return scalar_or_array(out)


def _decay_log_factors(x0, q, reps, small=1e-4):
    """``log |prod_j (1 - x0 q^j)^reps|`` over all ``j >= 0``, and its largest partial sum.

    Exact terms while ``x0 q^j >= small``; the rest from the series
    ``log(1 - x) = -x - x^2/2 - x^3/3 - ...`` summed in closed form (three terms,
    relative error below ``small^4 / (4 (1 - q^4))``). A factor of exactly 0
    gives ``-inf`` (the run lands on the minimum).
    """
    log_end = np.zeros(x0.shape)
    peak = np.zeros(x0.shape)
    x = x0.astype(np.float64).copy()
    active = x >= small
    with np.errstate(divide="ignore"):
        while active.any():
            f = np.log(np.abs(1.0 - x[active])) * reps
            log_end[active] += f
            peak[active] = np.maximum(peak[active], log_end[active])
            x[active] *= q[active]
            active &= x >= small
    tail = -reps * (x / (1 - q) + x**2 / (2 * (1 - q**2)) + x**3 / (3 * (1 - q**3)))
    return log_end + tail, peak


def underflow_step(initial_lr, decay_rate, decay_steps=1, staircase=False, flush=True,
                   dtype=np.float32):
    """First step at which exponential decay's rate is too small for ``dtype`` to hold.

    Taught in notebooks/03-exponential-decay.ipynb, section 'Deeper B · Float32's own limit:
    "the computer treats it as zero"'.

    The rate ``lr0 * r^p`` (``p = t / k``, rounded down with ``staircase``)
    becomes 0 in floating point once it falls below a limit ``m``:

    - ``flush=True``: ``m`` is the smallest *normal* number
      (``np.finfo(dtype).tiny``, 1.18e-38 in float32). TensorFlow's CPU
      kernels flush anything smaller to zero;
    - ``flush=False``: ``m`` is half the smallest *subnormal* number (7.0e-46
      in float32): IEEE arithmetic rounds a smaller result to zero.

    In exact arithmetic that happens first when ``p > p* = ln(m / lr0) / ln r``,
    so at step ``floor(k p*) + 1`` (continuous) or ``k (floor(p*) + 1)``
    (staircase). Floating-point rounding of the power can move the real
    answer by a step when ``k p*`` is within a rounding error of a whole number.

    Parameters
    ----------
    initial_lr : float
        ``lr0 > 0``.
    decay_rate : float
        In ``(0, 1)``.
    decay_steps : int, default 1
    staircase : bool, default False
    flush : bool, default True
        Subnormals flushed to zero (TensorFlow) or gradual underflow (IEEE, numpy).
    dtype : np.float32 or np.float64

    Examples
    --------
    The blog post's schedule, ``0.2 * 0.95^t`` in float32:

    >>> underflow_step(0.2, 0.95), underflow_step(0.2, 0.95, flush=False)
    (1672, 1996)
    """
    lr0 = check_number("initial_lr", initial_lr, lo=0, lo_open=True)
    rate = check_number("decay_rate", decay_rate, lo=0, hi=1, lo_open=True, hi_open=True)
    k = check_int("decay_steps", decay_steps, lo=1)
    staircase = check_bool("staircase", staircase)
    flush = check_bool("flush", flush)
    info = np.finfo(check_dtype("dtype", dtype))
    # in base 2, so that powers of two give exact exponents (half the smallest
    # float64 subnormal would itself round to 0)
    log2_limit = math.log2(float(info.tiny) if flush else float(info.smallest_subnormal)) - (
        0 if flush else 1)
    p_star = (log2_limit - math.log2(lr0)) / math.log2(rate)
    if p_star < 0:
        return 0
    if staircase:
        return k * (math.floor(p_star) + 1)
    return math.floor(k * p_star) + 1


# --- Noise (notebook 05) --------------------------------------------------------------------------
# Noisy gradients and a constant rate: where the error settles.


def noise_ball(problem, lr, noise):
    """Mean squared error where SGD settles with a constant rate and noisy gradients.

    Taught in notebooks/05-why-decay-noisy-gradients.ipynb,
    section '2 · A constant rate stalls in a noise ball'.

    With gradient noise of standard deviation ``s`` per coordinate, each
    direction's error settles at ``E[e^2] = lr s^2 / (L (2 - lr L))``; the
    result is the sum over directions. ``inf`` when ``lr >= 2 / L_max``.

    >>> from lrlab import blog_post_problem
    >>> noise_ball(blog_post_problem(), 0.2, 1.0)      # 0.2 / (2 * 1.6)
    0.0625
    """
    L = curvatures(problem)
    s = check_number("noise", noise, lo=0)
    lr = np.asarray(check_numbers("lr", lr, lo=0, lo_open=True))
    x = np.multiply.outer(lr, L)
    # where lr L >= 2 the ball is infinite; the division there (0 / 0 without noise) is unused
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(x < 2, lr[..., None] * s**2 / (L * (2 - x)), np.inf).sum(axis=-1)
    return scalar_or_array(v)


# --- Two dimensions (notebook 06) -----------------------------------------------------------------
# One factor per direction: the stiffest sets the limit, the worst factor the speed; the
# condition number; curvatures of any surface at a point.


def level_ellipse(problem, level, points=512):
    r"""Points on a contour line of a 2-D quadratic bowl: the ellipse ``loss(w) = level``.

    Used in notebooks/06-two-dimensions.ipynb, section '2 · Four rates on the same bowl', for
    the contour lines of every bowl figure and explorer.

    On ``loss = a_x (x - c_x)^2 + a_y (y - c_y)^2`` the contour at ``level``
    is the ellipse with half-axes ``sqrt(level / a_x)`` and ``sqrt(level / a_y)``
    around the minimum:

    .. math::

        w(\theta) = c + \left(\sqrt{\ell / a_x} \cos\theta,\;
                            \sqrt{\ell / a_y} \sin\theta\right),
        \qquad 0 \le \theta \le 2\pi .

    Parameters
    ----------
    problem : Quadratic
        With ``shape == (2,)``.
    level : float
        The loss on the contour, >= 0 (0 gives the minimum itself).
    points : int, default 512
        Points along the ellipse, counter-clockwise from the end of the ``x``
        half-axis; the last one repeats the first (a closed line).

    Returns
    -------
    ndarray, shape ``(points, 2)``

    Examples
    --------
    >>> from lrlab import Quadratic
    >>> bowl = Quadratic([0.5, 5.0])                    # half-axes sqrt(2 / 0.5), sqrt(2 / 5)
    >>> (level_ellipse(bowl, 2.0, points=5).round(3) + 0.0).tolist()
    [[2.0, 0.0], [0.0, 0.632], [-2.0, 0.0], [0.0, -0.632], [2.0, 0.0]]
    >>> bool(np.allclose(bowl.loss(level_ellipse(bowl, 2.0)), 2.0))
    True
    """
    if not hasattr(problem, "a") or not hasattr(problem, "center") or problem.shape != (2,):
        raise TypeError(f"problem must be a 2-D Quadratic, got {problem!r}")
    level = check_number("level", level, lo=0)
    points = check_int("points", points, lo=2)
    half = np.sqrt(level / np.asarray(problem.a, dtype=np.float64))
    theta = np.linspace(0.0, 2.0 * np.pi, points)
    ring = np.asarray(problem.center, dtype=np.float64) + half * np.column_stack(
        [np.cos(theta), np.sin(theta)])
    ring[-1] = ring[0]            # closed exactly
    return ring


def condition_number(problem):
    """How stretched the bowl is: ``k = L_max / L_min`` (1 for a round bowl).

    Taught in notebooks/06-two-dimensions.ipynb, section '1 · A bowl seen from above'; its cost
    in section '4 · Ill-conditioning: stretch the bowl'.

    >>> from lrlab import Quadratic
    >>> condition_number(Quadratic([0.5, 5.0]))
    10.0
    """
    L = curvatures(problem)
    return float(L.max() / L.min())


def direction_factors(problem, lr):
    """The signed factor of every direction: ``1 - L_i lr``, one column per direction.

    Taught in notebooks/06-two-dimensions.ipynb, section 'One step, two coordinates'.

    Direction ``i`` of the error obeys ``e_i[t + 1] = (1 - L_i lr) e_i[t]``: each
    direction shrinks by its own ``|1 - L_i lr|``, and :func:`contraction` is the
    largest of them. A negative factor means that coordinate jumps across the
    minimum every step (the zig-zag).

    Returns an array of shape ``(*np.shape(lr), d)``.

    >>> from lrlab import Quadratic
    >>> direction_factors(Quadratic([0.5, 5.0]), 0.19).round(12).tolist()   # L = 1, 10
    [0.81, -0.9]
    """
    return 1.0 - np.multiply.outer(check_numbers("lr", lr, lo=0, lo_open=True), curvatures(problem))


def growing_directions(problem, w0, lr):
    """Which coordinates' errors grow under a constant rate, from the start ``w0``.

    Used in notebooks/06-two-dimensions.ipynb, section 'Explorer: a bowl you can stretch', by
    the explorer's readout.

    On a quadratic bowl ``sum_i a_i (w_i - c_i)^2`` each coordinate's error
    obeys ``e_i[t] = (1 - L_i lr)^t e_i[0]`` with ``L_i = 2 a_i``
    (:func:`direction_factors`). It grows when ``|1 - L_i lr| > 1`` **and**
    there is an error to grow: a start exactly on the minimum's coordinate
    ``c_i`` keeps ``e_i = 0`` for ever, whatever the factor.

    Parameters
    ----------
    problem : lrlab.Quadratic
        A bowl whose directions are its coordinates.
    w0 : array_like
        The start, one value per coordinate.
    lr : float
        A constant rate, > 0.

    Examples
    --------
    >>> from lrlab import Quadratic
    >>> bowl = Quadratic([0.5, 5.0])             # L = 1, 10; at lr 0.25 the factors 0.75, -1.5
    >>> growing_directions(bowl, [1.0, 0.0], 0.25).tolist()
    [False, False]
    >>> growing_directions(bowl, [1.0, 0.5], 0.25).tolist()
    [False, True]
    """
    if not hasattr(problem, "center") or not hasattr(problem, "a"):
        raise TypeError(f"problem must be a Quadratic (its directions are its coordinates), "
                        f"got {type(problem).__name__}")
    lr = check_number("lr", lr, lo=0, lo_open=True)
    center = np.atleast_1d(np.asarray(problem.center, dtype=np.float64))
    w0 = np.atleast_1d(check_array("w0", w0, ndim=(0, 1)))
    if w0.size != center.size:
        raise ValueError(f"w0 must have one value per coordinate ({center.size}), got {w0.size}")
    factors = np.atleast_1d(direction_factors(problem, lr))
    return (np.abs(factors) > 1) & (w0 != center)


def optimal_lr(problem):
    """The best constant rate: ``2 / (L_min + L_max)``.

    Taught in notebooks/06-two-dimensions.ipynb,
    section '3 · The steepest direction sets the limit, the worse factor the speed'.

    It makes the slowest and the stiffest direction shrink equally fast, by
    ``(k - 1) / (k + 1)`` per step with ``k = L_max / L_min`` (Goh, "Why
    Momentum Really Works", Distill 2017). In 1-D it equals :func:`one_step_lr`.

    >>> from lrlab import Quadratic
    >>> optimal_lr(Quadratic([0.5, 5.0]))        # 2 / (1 + 10)
    0.18181818181818182
    """
    L = curvatures(problem)
    return float(2.0 / (L.min() + L.max()))


def optimal_contraction(problem):
    """The error factor per step at the best constant rate: ``(k - 1) / (k + 1)``.

    Taught in notebooks/06-two-dimensions.ipynb,
    section '3 · The steepest direction sets the limit, the worse factor the speed'.

    It is :func:`contraction` at :func:`optimal_lr`.

    >>> from lrlab import Quadratic
    >>> optimal_contraction(Quadratic([0.5, 5.0]))          # 9 / 11
    0.8181818181818182
    """
    k = condition_number(problem)
    return float((k - 1.0) / (k + 1.0))


def slowest_direction(problem, lr):
    """Index of the direction that converges last: the largest ``|1 - L_i lr|``.

    Taught in notebooks/06-two-dimensions.ipynb,
    section 'Exercise 2: which direction converges last?'.

    A tie (as at :func:`optimal_lr`) goes to the first such direction.

    >>> from lrlab import Quadratic
    >>> bowl = Quadratic([0.5, 5.0])
    >>> slowest_direction(bowl, 0.1), slowest_direction(bowl, 0.19)
    (0, 1)
    """
    idx = np.argmax(np.abs(direction_factors(problem, lr)), axis=-1)
    return scalar_or_array(idx)


def direction_steps(problem, lr, eps):
    """Steps each direction needs to shrink its error by ``eps``: ``ceil(ln eps / ln|1 - L_i lr|)``.

    Taught in notebooks/06-two-dimensions.ipynb,
    section 'Exercise 2: which direction converges last?'.

    ``1`` for a factor of 0 and ``inf`` for ``|factor| >= 1``, as in
    :func:`steps_to_tolerance`, which is the largest of these.

    >>> from lrlab import Quadratic
    >>> direction_steps(Quadratic([0.5, 5.0]), 0.1, 1e-3).tolist()   # 0.9^t and 0^t
    [66.0, 1.0]
    """
    eps = check_number("eps", eps, lo=0, hi=1, lo_open=True, hi_open=True)
    rho = np.abs(direction_factors(problem, lr))
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.ceil(np.log(eps) / np.log(rho) - 1e-9)
    return np.where(rho == 0, 1.0, np.where(rho >= 1, np.inf, n))


def local_curvatures(problem, w, h=1e-5):
    """Curvatures of any problem at one point: the Hessian's eigenvalues, smallest first.

    Taught in notebooks/06-two-dimensions.ipynb,
    section "6 · Beyond the bowl: Rosenbrock's valley".

    The Hessian is built column by column from central differences of the
    gradient, ``H[:, j] = (g(w + h u_j) - g(w - h u_j)) / (2 h)``, made
    symmetric, and handed to ``numpy.linalg.eigvalsh``. Near a minimum the
    quadratic facts hold with these curvatures: ``2 / L_max`` is the largest
    stable rate there.

    Parameters
    ----------
    problem : Problem with ``shape == (d,)``
    w : array_like, shape (d,)
    h : float, default 1e-5

    >>> from lrlab import Rosenbrock
    >>> local_curvatures(Rosenbrock(), [1.0, 1.0]).round(3).tolist()
    [0.399, 1001.601]
    """
    w = check_array("w", w, ndim=1)
    h = check_number("h", h, lo=0, lo_open=True)
    if w.shape != tuple(problem.shape):
        raise ValueError(f"w must have shape {problem.shape}, got {w.shape}")
    eye = np.eye(w.size)
    cols = [(problem.grad(w + h * u) - problem.grad(w - h * u)) / (2 * h) for u in eye]
    H = np.array(cols, dtype=np.float64).T
    return np.linalg.eigvalsh(0.5 * (H + H.T))


def local_critical_lr(problem, w, h=1e-5):
    """The largest stable rate near the point ``w``: ``2 / L_max`` of its :func:`local_curvatures`.

    Taught in notebooks/06-two-dimensions.ipynb,
    section "6 · Beyond the bowl: Rosenbrock's valley"; for two pits in section '7 · Two pits'.

    On a quadratic it is :func:`critical_lr` everywhere; on any other surface
    it holds for small steps around ``w`` (``inf`` if no curvature there is positive).

    >>> from lrlab import Rosenbrock
    >>> round(local_critical_lr(Rosenbrock(), [1.0, 1.0]), 6)     # 2 / 1001.6
    0.001997
    """
    top = float(local_curvatures(problem, w, h).max())
    return 2.0 / top if top > 0 else math.inf


# --- Momentum and Adam (notebook 07) --------------------------------------------------------------
# The heavy ball on a quadratic: each direction's error obeys a two-term recursion, i.e. a
# 2x2 matrix; its eigenvalues play the part of the factor 1 - L lr.


#: Labels returned by :func:`momentum_regime`, from the smallest rate to the largest.
MOMENTUM_REGIMES = ("overdamped", "critically damped", "underdamped", "flipping", "on the edge",
                    "divergent")


def momentum_matrix(problem, lr, momentum):
    """The heavy ball's error recursion as a 2x2 matrix, one per direction.

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section 'Why momentum is a two-term recursion'.

    With ``buf = beta buf + g`` and ``w -= lr buf`` (:func:`~lrlab.gradient_descent`
    with ``momentum=beta``), ``lr buf[t] = e[t - 1] - e[t]``, so each direction's
    error obeys ``e[t + 1] = (1 + beta - L lr) e[t] - beta e[t - 1]``::

        (e[t + 1], e[t]) = M (e[t], e[t - 1]),   M = [[1 + beta - L lr, -beta],
                                                      [1,                0    ]]

    starting from ``e[-1] = e[0]`` (the memory starts empty). ``lr`` and
    ``momentum`` broadcast; the result has shape ``(*batch, d, 2, 2)``.

    >>> from lrlab import blog_post_problem
    >>> momentum_matrix(blog_post_problem(), 0.5, 0.9).round(12).tolist()
    [[[0.9, -0.9], [1.0, 0.0]]]
    """
    L = curvatures(problem)
    lr = check_numbers("lr", lr, lo=0, lo_open=True)
    beta = check_numbers("momentum", momentum, lo=0, hi=1, hi_open=True)
    lr, beta = np.broadcast_arrays(np.asarray(lr), np.asarray(beta))
    x = np.multiply.outer(lr, L)
    b = np.broadcast_to(beta[..., None], x.shape)
    M = np.empty(x.shape + (2, 2))
    M[..., 0, 0] = 1.0 + b - x
    M[..., 0, 1] = -b
    M[..., 1, 0] = 1.0
    M[..., 1, 1] = 0.0
    return M


def momentum_roots(problem, lr, momentum):
    """The eigenvalues of :func:`momentum_matrix`: roots of ``z^2 - (1 + beta - L lr) z + beta``.

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section 'Why momentum is a two-term recursion'.

    Complex when the direction rings. Shape ``(*batch, d, 2)``; with ``momentum=0``
    one root is ``1 - L lr`` (plain descent's factor) and the other 0.

    >>> from lrlab import blog_post_problem
    >>> momentum_roots(blog_post_problem(), 0.2, 0.0).round(12).tolist()
    [[(0.6+0j), 0j]]
    """
    M = momentum_matrix(problem, lr, momentum)
    s, beta = M[..., 0, 0], -M[..., 0, 1]
    root = np.sqrt((s * s - 4 * beta).astype(complex))
    big = np.where(s.real >= 0, (s + root) / 2, (s - root) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        other = np.where(big == 0, 0, beta / np.where(big == 0, 1, big))
    return np.stack([big, other], axis=-1)


def momentum_contraction(problem, lr, momentum):
    """Factor by which the heavy ball's error shrinks per step in the long run, worst direction.

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section 'Why momentum is a two-term recursion'.

    The largest ``|root|`` of :func:`momentum_roots` over all directions (the
    spectral radius). Below 1 the run converges; when a direction rings
    (complex roots) its factor is exactly ``sqrt(beta)``.

    >>> from lrlab import blog_post_problem
    >>> round(momentum_contraction(blog_post_problem(), 0.5, 0.81), 12)    # rings: sqrt(0.81)
    0.9
    """
    rho = np.abs(momentum_roots(problem, lr, momentum)).max(axis=(-1, -2))
    return scalar_or_array(rho)


def momentum_critical_lr(problem, momentum):
    """The heavy ball's largest stable rate: ``2 (1 + beta) / L_max``.

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section 'Why momentum is a two-term recursion'.

    The roots stay inside the unit circle iff ``0 < L lr < 2 (1 + beta)``:
    momentum moves plain descent's limit ``2 / L_max`` out by the factor ``1 + beta``.

    >>> from lrlab import blog_post_problem
    >>> momentum_critical_lr(blog_post_problem(), 0.9)
    1.9
    """
    beta = np.asarray(check_numbers("momentum", momentum, lo=0, hi=1, hi_open=True))
    lim = 2.0 * (1.0 + beta) / curvatures(problem).max()
    return scalar_or_array(lim)


def effective_lr(lr, momentum):
    """The rate momentum amounts to while the gradient hardly changes: ``lr / (1 - beta)``.

    Taught in notebooks/07-momentum-and-adam.ipynb, section 'The effective rate'.

    With a constant gradient ``g``, ``buf = g (1 + beta + beta^2 + ...)`` tends
    to ``g / (1 - beta)``, so the step tends to ``lr g / (1 - beta)``.

    >>> round(effective_lr(0.01, 0.9), 12)
    0.1
    """
    lr = np.asarray(check_numbers("lr", lr, lo=0, lo_open=True))
    beta = np.asarray(check_numbers("momentum", momentum, lo=0, hi=1, hi_open=True))
    out = lr / (1.0 - beta)
    return scalar_or_array(out)


def momentum_regime(problem, lr, momentum):
    """Name what the heavy ball does on the stiffest direction (in 1-D: on the problem).

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section 'The same rate, more and more momentum'.

    With ``x = L_max lr`` and ``beta = momentum``:

    ===================  ====================================  ===============================
    label                when                                  the error ``e[t]``
    ===================  ====================================  ===============================
    "overdamped"         ``x < (1 - sqrt(beta))^2``            two real positive roots: slides
                                                               in without crossing (for a start
                                                               at rest), slowly
    "critically damped"  ``x == (1 - sqrt(beta))^2``           double root ``sqrt(beta)``
    "underdamped"        ``(1 - sqrt b)^2 < x < (1 + sqrt b)^2``  complex roots: rings, its
                                                               swing shrinking by ``sqrt(beta)``
    "flipping"           ``(1 + sqrt b)^2 <= x < 2 (1 + b)``   a negative real root: changes
                                                               sign every step
    "on the edge"        ``x == 2 (1 + beta)``                 a root at -1: never shrinks
    "divergent"          ``x > 2 (1 + beta)``                  grows
    ===================  ====================================  ===============================

    With ``beta = 0`` these are plain descent's monotone, one-step and
    oscillating regimes (the underdamped band is empty). Equalities are
    checked with a relative tolerance of 1e-9.

    >>> from lrlab import blog_post_problem
    >>> [momentum_regime(blog_post_problem(), r, 0.25) for r in (0.05, 0.125, 0.5, 1.2, 1.25, 1.3)]
    ['overdamped', 'critically damped', 'underdamped', 'flipping', 'on the edge', 'divergent']
    """
    lr = check_numbers("lr", lr, lo=0, lo_open=True)
    beta = check_numbers("momentum", momentum, lo=0, hi=1, hi_open=True)
    lr, beta = np.broadcast_arrays(np.asarray(lr), np.asarray(beta))
    x = lr * curvatures(problem).max()
    sb = np.sqrt(beta)
    low, high, edge = (1 - sb) ** 2, (1 + sb) ** 2, 2 * (1 + beta)
    labels = np.select(
        [
            np.isclose(x, low, rtol=_EDGE_RTOL, atol=0),
            np.isclose(x, edge, rtol=_EDGE_RTOL, atol=0),
            x < low,
            x < high,
            x < edge,
        ],
        ["critically damped", "on the edge", "overdamped", "underdamped", "flipping"],
        default="divergent",
    )
    return scalar_or_array(labels)


def optimal_momentum(problem):
    """The best constant ``(lr, beta)`` for the heavy ball on a bowl.

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section '3 · The bowl of notebook 06, with momentum'.

    ``lr = 4 / (sqrt(L_max) + sqrt(L_min))^2`` and
    ``beta = ((sqrt(k) - 1) / (sqrt(k) + 1))^2`` with ``k = L_max / L_min``: both
    extreme directions then sit on the edge of ringing, and every direction's
    error shrinks by ``sqrt(beta) = (sqrt(k) - 1) / (sqrt(k) + 1)`` per step in the
    long run (:func:`optimal_momentum_contraction`), against plain descent's
    ``(k - 1) / (k + 1)`` (Polyak 1964; Goh, Distill 2017).

    >>> from lrlab import Quadratic
    >>> lr, beta = optimal_momentum(Quadratic([0.5, 50.0]))     # L = 1, 100
    >>> round(lr, 12), round(beta, 12)
    (0.03305785124, 0.669421487603)
    """
    L = curvatures(problem)
    lo, hi = math.sqrt(L.min()), math.sqrt(L.max())
    return 4.0 / (hi + lo) ** 2, ((hi - lo) / (hi + lo)) ** 2


def optimal_momentum_contraction(problem):
    """The heavy ball's factor per step at its best pair: ``(sqrt(k) - 1) / (sqrt(k) + 1)``.

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section '3 · The bowl of notebook 06, with momentum'.

    >>> from lrlab import Quadratic
    >>> round(optimal_momentum_contraction(Quadratic([0.5, 50.0])), 12)     # k = 100: 9/11
    0.818181818182
    """
    sk = math.sqrt(condition_number(problem))
    return (sk - 1.0) / (sk + 1.0)


def momentum_path(problem, w0, lr, momentum, steps):
    """The heavy ball's path from the matrix powers: ``(e[t], e[t-1]) = M^t (e0, e0)``.

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section 'Why momentum is a two-term recursion'.

    An independent computation of :func:`~lrlab.gradient_descent` with
    ``momentum``, for a :class:`~lrlab.problems.Quadratic` and a constant rate.
    Returns an array of shape ``(steps + 1, *problem.shape)``.

    >>> from lrlab import blog_post_problem
    >>> momentum_path(blog_post_problem(), 5.0, 0.2, 0.5, 3).round(12).tolist()
    [5.0, 2.6, -0.04, -1.744]
    """
    if not hasattr(problem, "center"):
        raise TypeError(f"problem must be a Quadratic, got {type(problem).__name__}")
    steps = check_int("steps", steps, lo=1)
    w0 = check_start(w0, problem.shape)
    M = momentum_matrix(problem, check_number("lr", lr, lo=0, lo_open=True),
                        check_number("momentum", momentum, lo=0, hi=1, hi_open=True))
    e0 = np.atleast_1d(w0 - problem.center)
    state = np.stack([e0, e0], axis=-1)                   # (d, 2): (e[t], e[t - 1])
    errors = [e0]
    power = np.broadcast_to(np.eye(2), M.shape).copy()
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            power = M @ power
            errors.append((power @ state[..., None])[..., 0, 0])
    return problem.center + np.array(errors).reshape((steps + 1, *problem.shape))


def steps_to_stay_within(errors, eps):
    """First step from which every later error norm is at most ``eps`` times the first.

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section 'Exercise 1: does momentum rescue a rate that is too large?'.

    ``errors`` has shape ``(steps + 1, ...)`` (the error ``w - w*`` of a run, any
    coordinates after the first axis). ``inf`` if the last one is still above.
    With momentum the error is not monotone, so "reached" means "stays".

    >>> steps_to_stay_within([1.0, 0.5, -0.1, 0.05, 0.01], 0.06)
    3
    """
    try:
        e = np.asarray(errors, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"errors must be an array of numbers, got {errors!r}") from None
    if e.ndim < 1 or e.shape[0] < 1 or e.size == 0:
        raise ValueError(f"errors must hold one error per step (shape (steps + 1, ...)), "
                         f"got shape {e.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        norms = np.sqrt((e.reshape(e.shape[0], -1) ** 2).sum(axis=1))
    eps = check_number("eps", eps, lo=0, lo_open=True)
    above = np.nonzero(~(norms <= eps * norms[0]))[0]
    if above.size == 0:
        return 0
    if above[-1] == len(norms) - 1:
        return math.inf
    return int(above[-1] + 1)


def adam_first_step(problem, w0, lr, eps=1e-8):
    """Where Adam's first step lands: ``w0 - lr g / (|g| + eps)`` with ``g = grad(w0)``.

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section '4 · Adam: the rate as a step length' (its exercises 3 and 4).

    At step 1 the bias-corrected averages are ``g`` and ``g^2`` exactly, whatever
    ``b1`` and ``b2``, so each coordinate moves by ``lr |g| / (|g| + eps)``: about
    ``lr`` for any gradient much larger than ``eps``. Adam's rate is a step
    length, not a multiplier of the gradient.

    >>> from lrlab import blog_post_problem
    >>> post = blog_post_problem()
    >>> round(adam_first_step(post, 5.0, 0.1), 9), round(adam_first_step(post, 500.0, 0.1), 9)
    (4.9, 499.9)
    """
    if not hasattr(problem, "grad"):
        raise TypeError(f"problem must be an lrlab Problem, got {type(problem).__name__}")
    w0 = check_array("w0", w0)
    g = problem.grad(w0)
    lr = check_number("lr", lr, lo=0, lo_open=True)
    eps = check_number("eps", eps, lo=0)
    return scalar_or_array(w0 - lr * g / (np.abs(g) + eps))
