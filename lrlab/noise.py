r"""Noisy gradients: many seeded runs, their mean squared error, and its exact expectation.

With gradient noise of standard deviation ``s`` on a quadratic of curvature
``L``, the error ``e = w - w*`` of one run obeys

.. math::

    e_{t+1} = (1 - \mathrm{lr}_t L)\, e_t - \mathrm{lr}_t\, s\, z_t,
    \qquad z_t \sim N(0, 1),

so its mean square ``m_t = E[e_t^2]`` obeys a recursion with no randomness
left in it:

.. math::

    m_{t+1} = (1 - \mathrm{lr}_t L)^2\, m_t + \mathrm{lr}_t^2 s^2 .

:func:`expected_sq_error` runs that recursion; :func:`seeded_runs` and
:func:`mean_sq_error` measure the same thing by brute force, averaging many
seeded runs of :func:`lrlab.gradient_descent` (one batch, every run with its
own noise). :func:`noise_schedule` builds the five schedules the notebook
compares and :func:`rate_totals` adds up their rates and squared rates for
ever (the Robbins-Monro conditions).

>>> from lrlab import blog_post_problem
>>> m = expected_sq_error(blog_post_problem(), 5.0, 0.2, steps=200, noise=1.0)
>>> round(float(m[-1]), 6)                  # the noise ball 0.2 / (2 (2 - 0.4))
0.0625
"""

from __future__ import annotations

import math

import numpy as np

from . import _checks, schedules
from ._checks import check_array, check_choice, check_int, check_number, scalar_or_array
from .descent import Trajectory, gradient_descent
from .problems import NoisyGradient, Problem, Quadratic
from .schedules import (
    constant,
    cosine_decay,
    exponential_decay,
    inverse_time_decay,
    step_decay,
)
from .theory import curvatures

__all__ = [
    "SCHEDULE_KINDS",
    "noise_schedule",
    "noise_draws",
    "seeded_runs",
    "mean_sq_error",
    "expected_sq_error",
    "stationary_sq_error",
    "rate_totals",
    "inverse_time_limit",
    "compare_schedules",
]

#: The schedules compared in notebook 05, in the order they are shown.
SCHEDULE_KINDS = ("constant", "exponential", "1/t", "cosine", "step")


def noise_schedule(kind, lr0, horizon=1000, decay_rate=0.99, c=0.5, step_size=100, gamma=0.5):
    r"""One of the five schedules of :data:`SCHEDULE_KINDS`, all starting at ``lr0``.

    Taught in notebooks/05-why-decay-noisy-gradients.ipynb, section '3 · Five ways to decay'.

    =============  ==========================================================
    ``kind``       rate at step ``t``
    =============  ==========================================================
    constant       ``lr0``
    exponential    ``lr0 * decay_rate^t``
    1/t            ``lr0 / (1 + lr0 t / c)``, which is ``c / t`` for large t
    cosine         ``lr0 (1 + cos(pi t / horizon)) / 2``, then 0 after ``horizon``
    step           ``lr0 * gamma^floor(t / step_size)``
    =============  ==========================================================

    Parameters
    ----------
    kind : str
        One of :data:`SCHEDULE_KINDS`.
    lr0 : float
        Rate at step 0, > 0.
    horizon : float, default 1000
        Length of the cosine decay (the number of steps the run will take).
    decay_rate : float, default 0.99
        Factor per step of the exponential decay, in (0, 1].
    c : float, default 0.5
        The 1/t schedule tends to ``c / t``; > 0.
    step_size : int, default 100
        Steps between the drops of the step decay.
    gamma : float, default 0.5
        Factor applied at each drop of the step decay, in [0, 1].

    Examples
    --------
    >>> sched = noise_schedule("1/t", 0.2, c=0.5)    # 0.2 / (1 + 0.4 t)
    >>> sched([0, 10]).round(6).tolist()
    [0.2, 0.04]
    """
    kind = check_choice("kind", kind, SCHEDULE_KINDS)
    lr0 = check_number("lr0", lr0, lo=0, lo_open=True)
    if kind == "constant":
        return constant(lr0)
    if kind == "exponential":
        rate = check_number("decay_rate", decay_rate, lo=0, hi=1, lo_open=True)
        return exponential_decay(lr0, 1, rate)
    if kind == "1/t":
        c = check_number("c", c, lo=0, lo_open=True)
        return inverse_time_decay(lr0, 1, lr0 / c)
    if kind == "cosine":
        return cosine_decay(lr0, check_number("horizon", horizon, lo=0, lo_open=True))
    gamma = check_number("gamma", gamma, lo=0, hi=1)
    return step_decay(lr0, check_int("step_size", step_size, lo=1), gamma)


def _is_rate_array(lr):
    return not callable(lr) and np.ndim(lr) > 0


def noise_draws(seed, steps, shape=()):
    r"""The standard normal numbers the noisy runs of ``seed`` get, drawn ahead of time.

    Used in notebooks/05-why-decay-noisy-gradients.ipynb, section 'Try it', by the explorer,
    which draws the noise once (and by compare_schedules).

    Row ``t`` is what :class:`lrlab.NoisyGradient` with this ``seed`` adds
    (times ``noise``) to the gradients of update ``t`` for a batch of points
    of shape ``shape``: ``default_rng([seed, t]).standard_normal(shape)``.
    Drawing them costs more than the descent itself; a caller that runs the
    same seeds again and again (a live explorer) draws them once and passes
    them to :func:`compare_schedules`.

    Parameters
    ----------
    seed : int
    steps : int
        Updates ``0 .. steps - 1``.
    shape : tuple of int
        Shape of the batch of points: ``(runs,) + problem.shape``.

    Returns
    -------
    ndarray, shape ``(steps, *shape)``

    Examples
    --------
    >>> from lrlab import NoisyGradient, Quadratic
    >>> z = noise_draws(3, 8, (4,))
    >>> noisy = NoisyGradient(Quadratic(1.0), noise=2.0, seed=3)
    >>> bool((noisy.grad(np.zeros(4), step=7) == 2.0 * z[7]).all())
    True
    """
    seed = check_int("seed", seed, lo=0)
    steps = check_int("steps", steps, lo=1)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else shape   # an int: one axis
    try:
        shape = tuple(check_int("shape", n, lo=1) for n in shape)
    except TypeError:
        raise TypeError(f"shape must be a tuple of whole numbers >= 1, got {shape!r}") from None
    out = np.empty((steps, *shape))
    for t in range(steps):
        out[t] = np.random.default_rng([seed, t]).standard_normal(shape)
    return out


def seeded_runs(problem, w0, lr, steps, noise, runs=1000, seed=0):
    r"""Many runs of gradient descent with noisy gradients, all in one batch.

    Taught in notebooks/05-why-decay-noisy-gradients.ipynb,
    section '1 · A gradient you cannot trust'.

    Every run starts at ``w0`` and gets its own noise: the gradient of run
    ``i`` at update ``t`` is ``grad(w) + noise * z[t, i]`` with independent
    standard normal ``z`` (:class:`lrlab.NoisyGradient` with seed ``seed``).
    The same ``seed`` gives the same noise to every rate and schedule, so
    their differences are not luck.

    Parameters
    ----------
    problem : Problem
        The noise-free problem.
    w0 : float or array_like, shape ``problem.shape``
    lr : float, schedule, or 1-D array of rates
        With an array, every rate runs ``runs`` times (batch ``(runs, len(lr))``).
    steps : int
    noise : float
        Standard deviation ``s`` of the noise on each gradient entry, >= 0.
    runs : int, default 1000
        Number of runs (seeds of the noise).
    seed : int, default 0

    Returns
    -------
    Trajectory
        Batch shape ``(runs,)``, or ``(runs, len(lr))`` for an array of rates.

    Examples
    --------
    >>> from lrlab import blog_post_problem
    >>> batch = seeded_runs(blog_post_problem(), 5.0, 0.2, steps=3, noise=1.0, runs=4)
    >>> batch.w.shape
    (4, 4)
    """
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be an lrlab Problem, got {type(problem).__name__}")
    runs = check_int("runs", runs, lo=1)
    w0 = _checks.check_start(w0, problem.shape)
    noisy = NoisyGradient(problem, noise, seed=seed)
    lead = (runs, 1) if _is_rate_array(lr) else (runs,)
    starts = np.broadcast_to(w0, lead + problem.shape)
    return gradient_descent(noisy, starts, lr, steps)


def _minimum(problem):
    base = getattr(problem, "base", problem)
    for attr in ("center", "minimum"):
        if hasattr(base, attr):
            return np.asarray(getattr(base, attr), dtype=np.float64)
    raise TypeError(f"{type(base).__name__} has no known minimum (center or minimum)")


def _sq_errors(run):
    """Squared distance to the minimum, ``|w - w*|^2``, of every run at every step."""
    return _sq_distances(run.w, run.problem)


def _sq_distances(w, problem):
    d = np.asarray(w, dtype=np.float64) - _minimum(problem)
    with np.errstate(over="ignore"):      # a diverged run's distance squared may be inf
        sq = d * d
    shape = problem.shape
    if shape:
        sq = sq.sum(axis=tuple(range(-len(shape), 0)))
    return sq


def mean_sq_error(run):
    r"""Mean over the runs of the squared distance to the minimum, at every step.

    Used in notebooks/05-why-decay-noisy-gradients.ipynb,
    section '2 · A constant rate stalls in a noise ball', through stationary_sq_error (and
    compare_schedules).

    .. math::

        \bar m_t = \frac{1}{R} \sum_{i=1}^{R} \lVert w_t^{(i)} - w^* \rVert^2

    Parameters
    ----------
    run : Trajectory
        From :func:`seeded_runs`: runs along axis 1.

    Returns
    -------
    ndarray, shape ``(steps + 1,)`` (or ``(steps + 1, n_rates)``)

    Examples
    --------
    >>> from lrlab import blog_post_problem
    >>> batch = seeded_runs(blog_post_problem(), 5.0, 0.2, steps=2, noise=0.0, runs=3)
    >>> mean_sq_error(batch).round(6).tolist()      # 6^2, 3.6^2, 2.16^2
    [36.0, 12.96, 4.6656]
    """
    if not isinstance(run, Trajectory):
        raise TypeError(f"run must be a Trajectory (from seeded_runs), got {type(run).__name__}")
    if not run.batch_shape:
        raise ValueError("run must be a batch of runs (from seeded_runs)")
    return _sq_errors(run).mean(axis=1)


def expected_sq_error(problem, w0, lr, steps, noise):
    r"""The exact expected squared error ``E[|w_t - w*|^2]`` of noisy descent on a quadratic.

    Taught in notebooks/05-why-decay-noisy-gradients.ipynb,
    section 'What "reaching the minimum" takes: Robbins and Monro'.

    Each direction ``i`` (curvature ``L_i``, start error ``e_i``) follows

    .. math::

        m_0 = e_i^2, \qquad
        m_{t+1} = (1 - \mathrm{lr}_t L_i)^2 m_t + \mathrm{lr}_t^2 s^2 ,

    and the result is the sum over directions. For a constant rate it tends
    to :func:`lrlab.theory.noise_ball`; for a schedule it is what an average
    over infinitely many seeds would show.

    Parameters
    ----------
    problem : Quadratic
        The noise-free problem.
    w0 : float or array_like, shape ``problem.shape``
    lr : float, 1-D array of rates, or schedule
    steps : int
    noise : float
        Standard deviation ``s``, >= 0.

    Returns
    -------
    ndarray, shape ``(steps + 1,)`` (or ``(steps + 1, n_rates)``)

    Examples
    --------
    >>> from lrlab import blog_post_problem
    >>> expected_sq_error(blog_post_problem(), 5.0, 0.2, 2, noise=1.0).round(4).tolist()
    [36.0, 13.0, 4.72]
    """
    if not hasattr(problem, "center"):
        raise TypeError(f"problem must be a Quadratic, got {type(problem).__name__}")
    steps = check_int("steps", steps, lo=1)
    s2 = check_number("noise", noise, lo=0) ** 2
    w0 = _checks.check_start(w0, problem.shape)
    L = curvatures(problem)
    e0 = np.ravel(w0 - problem.center)
    rates = schedules.rates(lr, steps)                  # (steps, *batch)
    if rates.ndim > 2:
        raise ValueError(f"lr must be a number, a 1-D array of rates or a schedule, got an "
                         f"array of shape {np.shape(lr)}")
    rates = rates.reshape(steps, -1)
    m = np.broadcast_to(e0**2, (rates.shape[1], L.size)).astype(np.float64)
    out = np.empty((steps + 1, rates.shape[1]))
    out[0] = m.sum(axis=-1)
    with np.errstate(over="ignore", invalid="ignore"):
        # m <- (1 - r L)^2 m + r^2 s^2: both coefficients for every step at once,
        # then only the recursion itself step by step
        r = rates[:, :, None]
        factor = (1.0 - r * L) ** 2                     # (steps, n, d)
        added = r * r * s2                              # (steps, n, 1)
        if m.size == 1:
            # one rate, one direction: the same products and sums on Python floats
            # (the same IEEE operations, one tenth of the time)
            x = float(m[0, 0])
            col = out[1:, 0]
            for t, (f, a) in enumerate(zip(factor.ravel().tolist(), added.ravel().tolist(),
                                           strict=True)):
                x = f * x + a
                col[t] = x
        else:
            for t in range(steps):
                m = factor[t] * m + added[t]
                out[t + 1] = m.sum(axis=-1)
    if callable(lr) or np.ndim(lr) == 0:
        return out[:, 0]
    return out


def stationary_sq_error(problem, lr, noise, steps=2000, runs=200, seed=0):
    r"""The noise ball measured: mean squared error once a constant rate has settled.

    Taught in notebooks/05-why-decay-noisy-gradients.ipynb,
    section '2 · A constant rate stalls in a noise ball'.

    Runs start *at* the minimum and run ``steps`` updates; the mean of
    ``|w_t - w*|^2`` over the runs and over the second half of the steps
    (after the first ``steps // 2``, when the start is forgotten) estimates
    the level where the error settles. Compare with
    :func:`lrlab.theory.noise_ball`.

    Parameters
    ----------
    problem : Problem with a ``center`` or ``minimum``
    lr : float or 1-D array of rates
    noise : float
    steps, runs, seed : int

    Examples
    --------
    >>> from lrlab import blog_post_problem
    >>> round(stationary_sq_error(blog_post_problem(), 0.2, 1.0, runs=500), 2)  # noise_ball 0.0625
    0.06
    """
    steps = check_int("steps", steps, lo=2)
    w_star = _minimum(problem)
    batch = seeded_runs(problem, w_star, lr, steps, noise, runs=runs, seed=seed)
    settled = mean_sq_error(batch)[steps // 2 + 1:]
    v = settled.mean(axis=0)
    return scalar_or_array(v)


def _inverse_time_sq_total(lr0, k, exact_terms=100_000):
    """``sum_{t >= 0} (lr0 / (1 + k t))^2``: exact terms, then the tail by Euler-Maclaurin."""
    t = np.arange(exact_terms, dtype=np.float64)
    head = float(np.sum((lr0 / (1.0 + k * t)) ** 2))
    n = float(exact_terms)
    # sum_{t >= n} f(t) ~ int_n^inf f + f(n) / 2 - f'(n) / 12,  f(t) = (1 + k t)^-2
    u = 1.0 + k * n
    tail = 1.0 / (k * u) + 0.5 / u**2 + k / (6.0 * u**3)
    return head + lr0**2 * tail


def rate_totals(schedule):
    r"""The sum of the rates and the sum of their squares, over all steps for ever.

    Taught in notebooks/05-why-decay-noisy-gradients.ipynb,
    section 'What "reaching the minimum" takes: Robbins and Monro'.

    .. math::

        S_1 = \sum_{t \ge 0} \mathrm{lr}_t, \qquad S_2 = \sum_{t \ge 0} \mathrm{lr}_t^2

    Robbins and Monro (1951): with noisy gradients the iterates reach the
    minimum when ``S_1 = inf`` (the steps can still carry ``w`` any
    distance) and ``S_2 < inf`` (the noise they add has a finite total).

    ==================  ==========================  =================================
    schedule            ``S_1``                     ``S_2``
    ==================  ==========================  =================================
    constant            inf                         inf
    exponential         ``lr0 / (1 - r)``           ``lr0^2 / (1 - r^2)``
    inverse time        inf                         finite (summed)
    cosine              ``sum`` over its length     ``sum`` over its length
    step                ``lr0 n / (1 - gamma)``     ``lr0^2 n / (1 - gamma^2)``
    ==================  ==========================  =================================

    Parameters
    ----------
    schedule : schedule function
        ``constant``, ``exponential_decay`` (continuous, ``decay_steps=1``,
        no ``transition_begin`` or ``end_value``), ``inverse_time_decay``
        (not staircase), ``cosine_decay`` (``alpha=0``) or ``step_decay``.

    Examples
    --------
    >>> from lrlab.schedules import exponential_decay
    >>> [round(x, 6) for x in rate_totals(exponential_decay(0.2, 1, 0.5))]
    [0.4, 0.053333]
    """
    name = getattr(schedule, "name", None)
    p = getattr(schedule, "params", {})
    if name == "constant":
        return (math.inf, math.inf) if p["lr"] > 0 else (0.0, 0.0)
    if name == "exponential_decay" and p["decay_steps"] == 1 and not p["staircase"] \
            and not p["transition_begin"] and p["end_value"] is None:
        lr0, r = p["initial_lr"], p["decay_rate"]
        if r >= 1:
            return math.inf, math.inf
        return lr0 / (1.0 - r), lr0**2 / (1.0 - r * r)
    if name == "inverse_time_decay" and not p["staircase"]:
        lr0, k = p["initial_lr"], p["decay_rate"] / p["decay_steps"]
        if k == 0:
            return rate_totals(constant(lr0))
        return math.inf, _inverse_time_sq_total(lr0, k)
    if name == "cosine_decay" and p["alpha"] == 0:
        n = math.ceil(p["decay_steps"])
        rates = np.asarray(schedule(np.arange(n)), dtype=np.float64)
        return float(rates.sum()), float((rates * rates).sum())
    if name == "step_decay":
        lr0, n, g = p["initial_lr"], p["step_size"], p["gamma"]
        if g >= 1:
            return rate_totals(constant(lr0))
        return lr0 * n / (1.0 - g), lr0**2 * n / (1.0 - g * g)
    raise ValueError(f"rate_totals does not know the schedule {name or schedule!r} "
                     "with these parameters")


def inverse_time_limit(problem, c, noise, t):
    r"""How fast a ``c / t`` rate shrinks the expected squared error: its large-``t`` form.

    Taught in notebooks/05-why-decay-noisy-gradients.ipynb,
    section '5 · For ever: of the five, only $1/t$ keeps going'.

    With ``lr_t ~ c / t`` the recursion of :func:`expected_sq_error` gives,
    for each direction with ``2 c L > 1``,

    .. math::

        E[e_t^2] \approx \frac{c^2 s^2}{(2 c L - 1)\, t},

    so the error keeps shrinking like ``1 / t``, never stopping. When
    ``2 c L <= 1`` the decay is slower (like ``t^{-2 c L}``) and this returns
    ``inf`` (no ``1 / t`` law).

    Parameters
    ----------
    problem : Quadratic
    c : float
        The rate's ``c / t`` constant, > 0.
    noise : float
    t : float or array_like
        Steps, > 0.

    Examples
    --------
    >>> from lrlab import blog_post_problem
    >>> inverse_time_limit(blog_post_problem(), 0.5, 1.0, 1000)   # 0.25 / (1 * 1000)
    0.00025
    """
    L = curvatures(problem)
    c = check_number("c", c, lo=0, lo_open=True)
    s2 = check_number("noise", noise, lo=0) ** 2
    t = check_array("t", t, lo=0, lo_open=True)
    x = 2.0 * c * L - 1.0
    if np.any(x <= 0):
        v = np.full(t.shape, math.inf)
    else:
        v = np.multiply.outer(1.0 / t, c * c * s2 / x).sum(axis=-1)
    return scalar_or_array(v)


def _noisy_quadratic_runs(problem, w0, lr, steps, noise, draws):
    """:func:`seeded_runs` on a :class:`~lrlab.Quadratic`, with the noise drawn ahead.

    The same arithmetic as :func:`lrlab.gradient_descent` on
    :class:`~lrlab.NoisyGradient` (``w - lr * (2 a (w - c) + s z)``, the
    same operations in the same order, so the same bits), without its
    per-step overhead: only the positions are kept. Returns the squared
    distances to the minimum (shape ``(steps + 1, runs)``) and the rates, or
    ``None`` when a run diverged (``gradient_descent`` then blanks it with
    NaN, which the caller gets by running it).
    """
    rates = schedules.rates(lr, steps)
    _, two_a, c = problem._params(np.dtype(np.float64))
    s = np.float64(noise)
    runs = draws.shape[1]
    w = np.empty((steps + 1, runs, *problem.shape))
    w[0] = w0
    noise_part = s * draws[:steps]                      # s z for every update at once
    g = np.empty((runs, *problem.shape))
    with np.errstate(all="ignore"):
        for t, r in enumerate(rates.tolist()):
            wt = w[t]
            np.subtract(wt, c, out=g)
            np.multiply(two_a, g, out=g)                # the gradient 2 a (w - c) ...
            np.add(g, noise_part[t], out=g)             # ... plus its noise
            np.multiply(r, g, out=g)
            np.subtract(wt, g, out=w[t + 1])
    # gradient_descent's test for divergence: a loss above 1e6 times the first one
    sq = _sq_distances(w, problem)
    limit = 1e6 * max(abs(float(problem._loss(np.asarray(w0, dtype=np.float64)))), 1.0)
    a_max = float(np.max(problem.a))
    if not (np.isfinite(sq).all() and a_max * float(sq.max()) <= limit * (1 - 1e-9)):
        with np.errstate(over="ignore", invalid="ignore"):
            below = (problem._loss(w) <= limit).all()
        if not below:
            return None
    return sq, rates


def compare_schedules(problem, w0, schedules, steps, noise, runs=1000, seed=0,
                      quantiles=(0.1, 0.9), draws=None):
    r"""Run every schedule on the same noise and measure it, step by step.

    Taught in notebooks/05-why-decay-noisy-gradients.ipynb, section '3 · Five ways to decay'
    (its exercise 2) and section '4 · The five schedules, step by step'.

    For each schedule: :func:`seeded_runs` (``runs`` runs, the same ``seed``
    for all, so every schedule meets the same noise), then at every step the
    mean squared error over the runs (:func:`mean_sq_error`), its exact
    expectation (:func:`expected_sq_error`) and the ``quantiles`` of the
    squared error across the runs (how far single runs stray from the mean).

    On a :class:`~lrlab.Quadratic` the noise is drawn once for all the
    schedules (:func:`noise_draws`) and the runs skip
    :func:`~lrlab.gradient_descent`'s bookkeeping; the numbers are the same,
    bit for bit.

    Parameters
    ----------
    problem, w0, steps, noise, runs, seed : as for :func:`seeded_runs`
    schedules : dict of name -> float or schedule
    quantiles : pair of float in [0, 1]
    draws : ndarray, optional
        ``noise_draws(seed, n, (runs, *problem.shape))`` for some ``n >= steps``,
        drawn earlier (a live explorer keeps them between calls).

    Returns
    -------
    dict of name -> dict
        ``"lr"`` (the rates used, shape ``(steps,)``), ``"mse"`` and
        ``"expected"`` (shape ``(steps + 1,)``), ``"low"`` and ``"high"``
        (the quantiles, shape ``(steps + 1,)``).

    Examples
    --------
    >>> from lrlab import blog_post_problem
    >>> out = compare_schedules(blog_post_problem(), 5.0, {"constant": 0.2}, 300, 1.0, runs=2000)
    >>> c = out["constant"]
    >>> round(float(c["expected"][-1]), 4), round(float(c["mse"][-1]), 2)
    (0.0625, 0.06)
    """
    if np.ndim(quantiles) != 1 or len(quantiles) != 2:
        raise TypeError(f"quantiles must be a pair (lo, hi) with 0 <= lo < hi <= 1, "
                        f"got {quantiles!r}")
    lo, hi = (check_number("quantiles", q, lo=0, hi=1) for q in quantiles)
    if not lo < hi:
        raise ValueError(f"quantiles must be a pair (lo, hi) with 0 <= lo < hi <= 1, "
                         f"got {quantiles!r}")
    fast = isinstance(problem, Quadratic)
    if fast:
        steps = check_int("steps", steps, lo=1, hi=10_000_000)
        runs = check_int("runs", runs, lo=1)
        seed = check_int("seed", seed, lo=0)
        noise = check_number("noise", noise, lo=0)
        w0 = _checks.check_start(w0, problem.shape)
    if draws is not None:
        if not fast:
            raise ValueError("draws are used only for a Quadratic problem")
        draws = np.asarray(draws, dtype=np.float64)
        shape = (runs, *problem.shape)
        if draws.ndim != 1 + len(shape) or draws.shape[1:] != shape or len(draws) < steps:
            raise ValueError(f"draws must have shape (n >= {steps}, {', '.join(map(str, shape))})"
                             f", got {draws.shape}")
        if not np.array_equal(draws[0], noise_draws(seed, 1, shape)[0]):
            raise ValueError(f"draws are not those of seed {seed} (see noise_draws)")
    out = {}
    for name, lr in dict(schedules).items():
        done = None
        if fast and (callable(lr) or np.ndim(lr) == 0):
            if draws is None:
                draws = noise_draws(seed, steps, (runs, *problem.shape))
            done = _noisy_quadratic_runs(problem, w0, lr, steps, noise, draws)
        if done is None:
            batch = seeded_runs(problem, w0, lr, steps, noise, runs=runs, seed=seed)
            sq, rates = _sq_errors(batch), batch.lr[:, 0]
        else:
            sq, rates = done
        with np.errstate(invalid="ignore"):   # inf - inf between two overflowed runs
            low, high = np.quantile(sq, [lo, hi], axis=1)
        out[name] = {
            "lr": np.asarray(rates, dtype=np.float64),
            "mse": sq.mean(axis=1),
            "expected": expected_sq_error(problem, w0, lr, steps, noise),
            "low": low,
            "high": high,
        }
    return out
