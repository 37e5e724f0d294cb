"""What a run did, in numbers a readout or an exercise can quote.

:func:`summarize` gathers the facts about one run of gradient descent that
the notebooks print under their figures: its status, where it ended, and for
a quadratic the closed-form numbers (regime, thresholds, steps to a
tolerance, where a decaying rate freezes ``w``). Plain data, no formatting
beyond :func:`describe`.

>>> from lrlab import gradient_descent, seed_problem
>>> run = gradient_descent(seed_problem(), 5.0, lr=0.2, steps=30)
>>> s = summarize(run, lr=0.2)
>>> s["regime"], s["status"], round(s["final_w"], 6)
('monotone', 'running', -0.999999)
"""

from __future__ import annotations

import math

import numpy as np

from . import theory
from .descent import Trajectory

__all__ = ["summarize", "describe"]


def _is_quadratic(problem):
    return hasattr(problem, "curvature") and hasattr(problem, "center")


def summarize(run, lr=None, eps=1e-6):
    """Facts about one run as a dict.

    Parameters
    ----------
    run : Trajectory
        A single run (not a batch).
    lr : float or schedule, optional
        The rate the run used; with it the closed-form facts are added
        for quadratics (regime for a constant rate; total and freeze point for
        an exponential decay).
    eps : float, default 1e-6
        Error reduction for ``steps_to_tolerance``.

    Returns
    -------
    dict
        Always: ``status``, ``status_step``, ``steps``, ``final_w``,
        ``final_loss``, ``w0``, ``diverged_at`` (step or None), ``stalled_at``.
        For a quadratic: ``critical_lr``, ``one_step_lr``; with a constant
        ``lr``: ``regime``, ``contraction``, ``steps_to_tolerance``; with an
        exponential decay: ``total_lr``, ``freeze_point``.
    """
    if not isinstance(run, Trajectory):
        raise TypeError(f"run must be a Trajectory, got {type(run).__name__}")
    if run.batch_shape:
        raise ValueError("run must be a single run; pick one with run.run(i)")
    problem = run.problem
    status, k = str(run.status), int(run.status_step)
    last = k if status == "diverged" else run.steps
    out = dict(
        status=status,
        status_step=k,
        steps=run.steps,
        w0=_value(run.w[0]),
        final_w=_value(run.w[last]),
        final_loss=float(run.loss[last]),
        diverged_at=k if status == "diverged" else None,
        stalled_at=k if status == "stalled" else None,
        converged_at=k if status == "converged" else None,
    )
    if _is_quadratic(problem):
        out["critical_lr"] = theory.critical_lr(problem)
        out["one_step_lr"] = theory.one_step_lr(problem)
        if lr is not None and not callable(lr):
            out["regime"] = theory.regime(problem, lr)
            out["contraction"] = theory.contraction(problem, lr)
            out["steps_to_tolerance"] = theory.steps_to_tolerance(problem, lr, eps)
            out["eps"] = eps
        elif callable(lr) and getattr(lr, "name", None) == "exponential_decay":
            out["total_lr"] = theory.total_lr(lr)
            if math.isfinite(out["total_lr"]) and problem.shape == ():
                out["freeze_point"] = theory.freeze_point(problem, run.w[0].astype(float), lr)
    return out


def _value(x):
    x = np.asarray(x, dtype=np.float64)
    return float(x) if x.ndim == 0 else x.tolist()


def _num(x, digits=4):
    if isinstance(x, list):
        return "(" + ", ".join(_num(v, digits) for v in x) + ")"
    if x == 0 or (1e-3 <= abs(x) < 1e5):
        return f"{x:.{digits}g}"
    return f"{x:.{max(digits - 2, 1)}e}"


def describe(summary):
    """One line of plain text from :func:`summarize`'s dict, for a readout.

    >>> from lrlab import gradient_descent, seed_problem
    >>> run = gradient_descent(seed_problem(), 5.0, lr=1.1, steps=60)
    >>> describe(summarize(run, lr=1.1))
    'divergent: diverged at step 38 (loss 3.8e+07); converges only below lr = 1'
    """
    s = summary
    head = s.get("regime", s["status"])
    if s["status"] == "diverged":
        text = f"{head}: diverged at step {s['diverged_at']} (loss {_num(s['final_loss'], 2)})"
        if "critical_lr" in s:
            text += f"; converges only below lr = {_num(s['critical_lr'])}"
        return text
    text = (f"{head}: after {s['steps']} steps w = {_num(s['final_w'])}, "
            f"loss = {_num(s['final_loss'], 2)}")
    if s["status"] == "stalled":
        text += f"; w stopped changing at step {s['stalled_at']}"
    elif s["status"] == "converged":
        text += f"; converged at step {s['converged_at']}"
    if s.get("steps_to_tolerance") is not None:
        n = s["steps_to_tolerance"]
        when = "never" if math.isinf(n) else f"in {int(n)} steps"
        text += f"; error x{s['eps']:g} {when}"
    if "freeze_point" in s:
        text += (f"; freezes at w = {_num(s['freeze_point'], 6)} "
                 f"(total of all rates {_num(s['total_lr'])})")
    return text
