"""Sweeps and schedules for notebook 07 (momentum and Adam); plain numpy.

- :func:`sweep_outcomes`: a whole grid of ``(lr, momentum)`` pairs run in one
  vectorized call of :func:`lrlab.gradient_descent`, each named by what it did;
- :func:`one_cycle_momentum`: the momentum PyTorch's ``OneCycleLR`` gives the
  optimizer at every step (it moves against the rate).

>>> from lrlab import blog_post_problem
>>> out = sweep_outcomes(blog_post_problem(), 5.0, [0.1, 1.5, 2.5], [0.0, 0.9], steps=200)
>>> out["outcome"].tolist()
[['within tol', 'within tol'], ['diverges', 'within tol'], ['diverges', 'diverges']]
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import check_array, check_int, check_number, scalar_or_array
from .descent import gradient_descent

__all__ = ["OUTCOMES", "sweep_outcomes", "one_cycle_momentum"]

#: Labels of :func:`sweep_outcomes`.
OUTCOMES = ("within tol", "not yet", "diverges")


def sweep_outcomes(problem, w0, rates, momenta, steps, tol=1e-3, nesterov=False):
    """Run every pair of a grid of rates and momenta, and say what each run did.

    Taught in notebooks/07-momentum-and-adam.ipynb, section '2 · A map of rates and momenta'.

    One call of :func:`~lrlab.gradient_descent` with ``lr`` a column and
    ``momentum`` a row. For each run, the error is ``w - problem.minimum`` and:

    - ``"within tol"``: from some step on, every error is at most ``tol``
      times the first (``steps_to`` gives that step);
    - ``"diverges"``: the run's status is ``"diverged"``;
    - ``"not yet"``: neither, within ``steps`` (still ringing or creeping).

    Returns a dict: ``outcome`` (str, shape ``(len(rates), len(momenta))``),
    ``steps_to`` (float, ``inf`` unless within tol), ``rates``, ``momenta``, ``run``.
    """
    rates = check_array("rates", rates, lo=0, lo_open=True, ndim=1)
    momenta = check_array("momenta", momenta, lo=0, hi=1, hi_open=True, ndim=1)
    steps = check_int("steps", steps, lo=1)
    tol = check_number("tol", tol, lo=0, hi=1, lo_open=True, hi_open=True)
    run = gradient_descent(problem, w0, rates[:, None], steps, momentum=momenta[None, :],
                           nesterov=nesterov)
    err = run.w - problem.minimum
    if problem.shape:
        err = np.sqrt((err * err).sum(axis=-1))
    err = np.abs(err)
    with np.errstate(invalid="ignore"):
        above = ~(err <= tol * err[0])              # NaN (after a divergence) counts as above
    # the last step that is still above, counted from the end
    from_end = np.argmax(above[::-1], axis=0)
    last_above = np.where(above.any(axis=0), steps - from_end, -1)
    within = last_above < steps
    steps_to = np.where(within, last_above + 1, np.inf).astype(np.float64)
    outcome = np.where(run.status == "diverged", OUTCOMES[2],
                       np.where(within, OUTCOMES[0], OUTCOMES[1]))
    steps_to[outcome != OUTCOMES[0]] = np.inf
    return {"outcome": outcome, "steps_to": steps_to, "rates": rates, "momenta": momenta,
            "run": run}


def one_cycle_momentum(step, total_steps, pct_start=0.3, base_momentum=0.85,
                       max_momentum=0.95):
    """The momentum of PyTorch's ``OneCycleLR`` (``cycle_momentum=True``, cosine) at ``step``.

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section 'Why one-cycle schedules cycle the momentum'.

    It runs against the rate (:func:`lrlab.schedules.one_cycle`): from
    ``max_momentum`` down to ``base_momentum`` while the rate climbs to its peak
    (at step ``pct_start * total_steps - 1``), then back up to ``max_momentum`` at
    step ``total_steps - 1`` while the rate falls. Each phase goes from ``a`` to
    ``b`` by ``b + (a - b) (1 + cos(pi x)) / 2``, ``x`` the fraction of the phase done.

    >>> one_cycle_momentum([0, 29, 99], 100).round(12).tolist()
    [0.95, 0.85, 0.95]
    """
    total = check_int("total_steps", total_steps, lo=2)
    pct = check_number("pct_start", pct_start, lo=0, hi=1, lo_open=True, hi_open=True)
    lo = check_number("base_momentum", base_momentum, lo=0, hi=1, hi_open=True)
    hi = check_number("max_momentum", max_momentum, lo=lo, hi=1, hi_open=True)
    t = check_array("step", step, lo=0)
    peak, end = pct * total - 1, total - 1

    def anneal(a, b, x):
        return b + (a - b) / 2.0 * (1.0 + np.cos(math.pi * np.clip(x, 0.0, 1.0)))

    with np.errstate(divide="ignore", invalid="ignore"):
        rising = anneal(hi, lo, t / peak) if peak > 0 else np.full(t.shape, lo)
        falling = anneal(lo, hi, (t - peak) / (end - peak))
    out = np.where(t <= peak, rising, falling)
    return scalar_or_array(out)
