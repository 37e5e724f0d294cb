"""What a run did, in numbers a readout or an exercise can quote.

:func:`summarize` gathers the facts about one run of gradient descent that
the notebooks print under their figures: its status, where it ended, and for
a quadratic the closed-form numbers (regime, thresholds, steps to a
tolerance, where a decaying rate freezes ``w``). Plain data, no formatting
beyond :func:`describe`.

>>> from lrlab import gradient_descent, blog_post_problem
>>> run = gradient_descent(blog_post_problem(), 5.0, lr=0.2, steps=30)
>>> s = summarize(run, lr=0.2)
>>> s["regime"], s["status"], round(s["final_w"], 6)
('monotone', 'running', -0.999999)
"""

from __future__ import annotations

import math
import re

import numpy as np

from . import theory
from ._checks import check_number, check_summary
from .descent import Trajectory

__all__ = ["summarize", "describe", "basin_report", "describe_basin", "basin_outcome",
           "blog_post_log", "printed_numbers"]


def _is_quadratic(problem):
    return hasattr(problem, "curvature") and hasattr(problem, "center")


def summarize(run, lr=None, eps=1e-6):
    """Facts about one run as a dict.

    Not called by a notebook: the explorers of notebooks 01-03, 06 and 07 build their readouts
    from it (e.g. notebooks/01-one-step-at-a-time.ipynb, section 'Explore: rate, start and
    number of steps').

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
        exponential decay: ``total_lr``, ``freeze_point``, ``freeze_error``
        (its distance from the minimum) and ``outcome``
        (:func:`lrlab.theory.decay_outcome`: "converges", "freezes short" or
        "diverges", for ever).
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
                out["freeze_error"] = abs(out["freeze_point"] - float(problem.minimum))
            p = lr.params
            if (p["decay_rate"] < 1 and not p.get("transition_begin") and p.get("end_value") is None
                    and float(p["decay_steps"]).is_integer() and p["initial_lr"] > 0):
                out["outcome"] = theory.decay_outcome(problem, p["initial_lr"], p["decay_rate"],
                                                      int(p["decay_steps"]), p["staircase"])
    return out


def _value(x):
    """A point as plain Python: a float, or a list of floats."""
    return np.asarray(x, dtype=np.float64).tolist()


def _num(x, digits=4):
    if isinstance(x, list):
        return "(" + ", ".join(_num(v, digits) for v in x) + ")"
    if x == 0 or (1e-3 <= abs(x) < 1e5):
        return f"{x:.{digits}g}"
    return f"{x:.{max(digits - 2, 1)}e}"


def describe(summary):
    """One line of plain text from :func:`summarize`'s dict, for a readout.

    Not called by a notebook: it writes the readout under every explorer
    (lrlab.explorer.Explorer.text), e.g. notebooks/02-too-small-too-large.ipynb,
    section 'Explorer: drag the rate across the thresholds'.

    >>> from lrlab import gradient_descent, blog_post_problem
    >>> run = gradient_descent(blog_post_problem(), 5.0, lr=1.1, steps=60)
    >>> describe(summarize(run, lr=1.1))
    'divergent: diverged at step 38 of 60 (loss 3.8e+07); converges only below lr = 1'
    """
    s = check_summary("summary", summary, ("status", "steps", "final_loss", "final_w"),
                      "summarize()")
    head = s.get("regime") or s.get("outcome") or s["status"]
    if s["status"] == "diverged":
        text = (f"{head}: diverged at step {s['diverged_at']} of {s['steps']} "
                f"(loss {_num(s['final_loss'], 2)})")
        if "total_lr" in s and "critical_lr" in s:
            text += (f"; the rate stayed above the limit {_num(s['critical_lr'])} "
                     "for too many steps")
        elif "critical_lr" in s:
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
        # A finite total of rates never reaches the minimum: "converges" only means the
        # error freezes within 1e-6 of its start (theory.decay_outcome's tolerance).
        close = s.get("outcome") == "converges"
        if close and "freeze_error" in s:
            gap = (f"{_num(s['freeze_error'], 2)} from the minimum" if s["freeze_error"] > 0
                   else "closer to the minimum than float64 can show")
            where = f"{gap}, within 1e-06 of the start's error"
        else:
            where = f"at w = {_num(s['freeze_point'], 6)}"
        text += f"; for ever it freezes {where} (total of all rates {_num(s['total_lr'])})"
    return text


def basin_report(run, tol=1e-3):
    """Which pit of a two-pit problem a run ended in, and whether it settled there.

    Taught in notebooks/02-too-small-too-large.ipynb, section '6 · Stepping over the pit'.

    For a problem with two ``minima`` and a hump between them (the middle of
    its ``stationary_points``, e.g. :class:`~lrlab.problems.TwoBasins`): a
    point left of the hump belongs to the left pit, a point right of it to the
    right pit. The *deeper* pit is the one whose bottom has the lower loss.
    A run has *settled* when its last point is within ``tol`` of its pit's
    bottom.

    Parameters
    ----------
    run : Trajectory
        A single run on a two-pit problem.
    tol : float, default 1e-3

    Returns
    -------
    dict
        ``start_pit`` and ``end_pit`` (``"deeper"`` or ``"shallower"``;
        ``end_pit`` is ``None`` for a diverged run), ``crossed`` (ended in
        the other pit than it started in), ``settled``, ``bottom`` (the end
        pit's minimum), ``gap`` (final loss minus the deeper bottom's loss),
        ``final_w``, ``steps``, ``status``, ``diverged_at``.

    Examples
    --------
    From ``w = 1.6`` on the shallow right pit of ``(w^2 - 1)^2 + 0.3 w``:

    >>> from lrlab import TwoBasins, gradient_descent
    >>> run = gradient_descent(TwoBasins(), 1.6, lr=0.15, steps=60)
    >>> r = basin_report(run)
    >>> r["start_pit"], r["end_pit"], r["crossed"], r["settled"]
    ('shallower', 'deeper', True, True)
    """
    if not isinstance(run, Trajectory):
        raise TypeError(f"run must be a Trajectory, got {type(run).__name__}")
    if run.batch_shape:
        raise ValueError("run must be a single run; pick one with run.run(i)")
    tol = check_number("tol", tol, lo=0, lo_open=True)
    problem = run.problem
    if not hasattr(problem, "minima") or not hasattr(problem, "stationary_points"):
        raise TypeError(f"problem must have two pits (e.g. TwoBasins), got {problem!r}")
    minima = np.asarray(problem.minima, dtype=np.float64)
    hump = float(np.asarray(problem.stationary_points)[1])
    bottoms = np.asarray(problem.loss(minima), dtype=np.float64)
    deeper = int(np.argmin(bottoms))
    names = {deeper: "deeper", 1 - deeper: "shallower"}

    def pit(w):
        return 0 if w < hump else 1

    s = summarize(run)
    w0 = float(s["w0"])
    out = dict(
        start_pit=names[pit(w0)], end_pit=None, crossed=None, settled=False, bottom=None,
        gap=None, final_w=s["final_w"], steps=s["steps"], status=s["status"],
        diverged_at=s["diverged_at"],
    )
    if s["status"] == "diverged":
        return out
    w = float(s["final_w"])
    k = pit(w)
    out.update(
        end_pit=names[k], crossed=k != pit(w0), settled=bool(abs(w - minima[k]) <= tol),
        bottom=float(minima[k]), gap=float(s["final_loss"] - bottoms[deeper]),
    )
    return out


def describe_basin(report):
    """One line of plain text from :func:`basin_report`'s dict, for a readout.

    Used in notebooks/02-too-small-too-large.ipynb, section 'Explorer: rate and start point', by
    the explorer's readout.

    >>> from lrlab import TwoBasins, gradient_descent
    >>> run = gradient_descent(TwoBasins(), 1.6, lr=0.05, steps=60)
    >>> for part in describe_basin(basin_report(run)).split("; "):
    ...     print(part)
    settled in the shallower pit (bottom w = 0.9601), where it started
    loss 0.6 above the deeper bottom
    """
    r = report
    if r["status"] == "diverged":
        return (f"left both pits: started in the {r['start_pit']} pit, "
                f"diverged at step {r['diverged_at']}")
    where = "settled in" if r["settled"] else f"after {r['steps']} steps still moving in"
    side = "after jumping over the hump" if r["crossed"] else "where it started"
    text = f"{where} the {r['end_pit']} pit (bottom w = {_num(r['bottom'])}), {side}"
    if not r["settled"]:
        text += f", at w = {_num(r['final_w'])}"
    if r["settled"] and r["end_pit"] == "deeper":
        return text + "; the lowest loss of all"
    return text + f"; loss {_num(r['gap'], 2)} above the deeper bottom"


def blog_post_log(run, schedule):
    """The lines the blog post's TensorFlow 1 program prints, for a run, in English.

    Taught in notebooks/03-exponential-decay.ipynb,
    section "3 · The blog post's program, replayed".

    After update ``i`` (``0 .. steps - 1``) that program prints two lines: the
    update number and the global step ``i + 1``; then the learning rate at
    that global step (the rate the *next* update will use), the loss and
    ``w``, both after the update. Every value is printed as numpy prints a
    float32: the shortest text that reads back as the same float32.

    Parameters
    ----------
    run : Trajectory
        A single run, normally computed with ``dtype=np.float32``.
    schedule : schedule function
        The schedule the run used; evaluated at ``1 .. steps`` in the run's dtype.

    Returns
    -------
    list of str
        ``2 * steps`` lines.

    Examples
    --------
    >>> import numpy as np
    >>> from lrlab import exponential_decay, gradient_descent, blog_post_problem
    >>> sched = exponential_decay(0.2, 1, 0.95, dtype=np.float32)
    >>> run = gradient_descent(blog_post_problem(), 5.0, sched, 1, dtype=np.float32)
    >>> blog_post_log(run, sched)
    ['update 0, global_step 1', '  learning_rate 0.19, loss 12.959999, w 2.6']
    """
    if not isinstance(run, Trajectory):
        raise TypeError(f"run must be a Trajectory, got {type(run).__name__}")
    if run.batch_shape:
        raise ValueError("run must be a single run; pick one with run.run(i)")
    if not callable(schedule):
        raise TypeError("schedule must be a schedule function (see lrlab.schedules)")
    dt = run.w.dtype.type
    rates = np.asarray(schedule(np.arange(1, run.steps + 1)), dtype=dt)
    lines = []
    for i in range(run.steps):
        lines.append(f"update {i}, global_step {i + 1}")
        # str() of a numpy float is its shortest round-trip text; an f-string
        # would format the value as a Python float (all its float64 digits)
        lr, loss, w = (str(dt(v)) for v in (rates[i], run.loss[i + 1], run.w[i + 1]))
        lines.append(f"  learning_rate {lr}, loss {loss}, w {w}")
    return lines


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan")


def printed_numbers(line):
    """The numbers printed in a line of text, as the strings printed, in order.

    Taught in notebooks/03-exponential-decay.ipynb,
    section "3 · The blog post's program, replayed".

    Words around them (in any language) are ignored, so the lines of two
    programs that label their values differently can be compared number by
    number, character for character.

    >>> printed_numbers("update 3, global_step 4, w -0.062883735, loss 5.882776e-07")
    ['3', '4', '-0.062883735', '5.882776e-07']
    """
    return _NUMBER.findall(str(line))


def basin_outcome(report):
    """A few words for :func:`basin_report`'s dict, for a panel title.

    Taught in notebooks/02-too-small-too-large.ipynb, section '6 · Stepping over the pit'.

    "stays in", "jumps into" (it crossed the hump) or "still moving in" the
    deeper or shallower pit, or "leaves both pits" for a diverged run.

    >>> from lrlab import TwoBasins, gradient_descent
    >>> runs = gradient_descent(TwoBasins(), 1.6, lr=[0.05, 0.2, 0.4], steps=60)
    >>> [basin_outcome(basin_report(runs.run(i))) for i in range(3)]
    ['stays in the shallower pit', 'jumps into the deeper pit', 'leaves both pits']
    """
    r = report
    if r["status"] == "diverged":
        return "leaves both pits"
    if not r["settled"]:
        return f"still moving in the {r['end_pit']} pit"
    return f"{'jumps into' if r['crossed'] else 'stays in'} the {r['end_pit']} pit"

