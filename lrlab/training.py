"""Training the line of notebook 08: its three schedules, and what many seeds did.

Notebook 08 trains a straight line on Engel's data (:mod:`lrlab.data`) by
mini-batch SGD for a number of epochs, with one of three schedules counted in
updates (:data:`SCHEDULE_KINDS`, built by :func:`epoch_schedule`), for many
shuffling seeds at once (:func:`train_seeds`, which calls
:func:`lrlab.data.held_out_runs`). :func:`seed_quantiles` reads the median
and a band across the seeds, counting a diverged seed as worse than any
finite loss, and :func:`summarize_seeds` / :func:`describe_seeds` turn a run
into the numbers and the line of text a readout quotes. :func:`read_loss_curve`
names the shape of one loss curve (a rate too small, spikes, too large,
diverged). Numpy only: the figures are in :mod:`lrlab.plot.model`, the
explorer in :mod:`lrlab.explore.model`.

>>> from lrlab.data import engel
>>> result = train_seeds(engel(), "exponential", peak=0.05, epochs=5, batch_size=16,
...                      seeds=range(4))
>>> result.steps, result.batches_per_epoch, result.held_loss.shape
(55, 11, (56, 4))
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_array, check_choice, check_int, check_number, check_summary
from .data import Dataset, held_out_runs
from .descent import Trajectory
from .schedules import constant, cosine_decay, exponential_decay, linear_warmup

__all__ = [
    "SCHEDULE_KINDS",
    "epoch_schedule",
    "schedules_for",
    "warmup_steps",
    "seed_quantiles",
    "SeedRuns",
    "train_seeds",
    "summarize_seeds",
    "describe_seeds",
    "CURVE_READINGS",
    "read_loss_curve",
]

#: The schedules notebook 08 compares, in the order it shows them.
SCHEDULE_KINDS = ("constant", "exponential", "cosine + warmup")


def warmup_steps(batches_per_epoch, epochs, warmup_epochs=2):
    """Length of the warmup of ``"cosine + warmup"``, in updates.

    Used in notebooks/08-a-real-model.ipynb, section '5 · Three schedules on held-out data',
    through epoch_schedule.

    ``warmup_epochs`` epochs, but at most half the run (so a run of fewer
    than ``2 * warmup_epochs`` epochs still has a cosine part).

    Examples
    --------
    >>> warmup_steps(11, 20), warmup_steps(11, 3), warmup_steps(1, 1)
    (22, 16, 0)
    """
    per_epoch = check_int("batches_per_epoch", batches_per_epoch, lo=1)
    epochs = check_int("epochs", epochs, lo=1)
    warmup_epochs = check_int("warmup_epochs", warmup_epochs, lo=0)
    return min(warmup_epochs * per_epoch, (epochs * per_epoch) // 2)


def epoch_schedule(kind, peak, batches_per_epoch, epochs, decay_rate=0.8, warmup_epochs=2):
    """One of notebook 08's schedules, counted in updates, for a run of ``epochs`` epochs.

    Used in notebooks/08-a-real-model.ipynb, section '5 · Three schedules on held-out data',
    through schedules_for.

    =================  ===========================================================
    ``kind``           the schedule (``E`` = ``batches_per_epoch``, ``T`` = ``E * epochs``)
    =================  ===========================================================
    constant           ``constant(peak)``
    exponential        ``exponential_decay(peak, E, decay_rate, staircase=True)``:
                       ``x decay_rate`` once per epoch
    cosine + warmup    ``linear_warmup(cosine_decay(peak, T - W), W)`` with
                       ``W = warmup_steps(E, epochs, warmup_epochs)``: a linear
                       rise from 0 over ``W`` updates, then half a cosine down
                       to 0 at update ``T`` (no warmup if ``W`` is 0)
    =================  ===========================================================

    Parameters
    ----------
    kind : str
        One of :data:`SCHEDULE_KINDS`.
    peak : float
        The first rate, or the rate after the warmup; > 0.
    batches_per_epoch : int
        Updates per epoch (``problem.batches_per_epoch``), >= 1.
    epochs : int
        Length of the run, >= 1.
    decay_rate : float, default 0.8
        Factor per epoch of the exponential schedule, in (0, 1].
    warmup_epochs : int, default 2
        Warmup of the cosine schedule, in epochs (see :func:`warmup_steps`).

    Examples
    --------
    >>> sched = epoch_schedule("cosine + warmup", 0.1, 11, 20)
    >>> sched([0, 11, 22]).round(6).tolist()          # warmup over 2 epochs, then the peak
    [0.0, 0.05, 0.1]
    >>> epoch_schedule("exponential", 0.1, 11, 20)([10, 11]).round(6).tolist()
    [0.1, 0.08]
    """
    kind = check_choice("kind", kind, SCHEDULE_KINDS)
    peak = check_number("peak", peak, lo=0, lo_open=True)
    per_epoch = check_int("batches_per_epoch", batches_per_epoch, lo=1)
    epochs = check_int("epochs", epochs, lo=1)
    if kind == "constant":
        return constant(peak)
    if kind == "exponential":
        rate = check_number("decay_rate", decay_rate, lo=0, hi=1, lo_open=True)
        return exponential_decay(peak, per_epoch, rate, staircase=True)
    warmup = warmup_steps(per_epoch, epochs, warmup_epochs)
    cosine = cosine_decay(peak, epochs * per_epoch - warmup)
    return linear_warmup(cosine, warmup) if warmup else cosine


def schedules_for(peak, batches_per_epoch, epochs, decay_rate=0.8, warmup_epochs=2):
    """All of :data:`SCHEDULE_KINDS` for one peak and run length: ``{kind: schedule}``.

    Taught in notebooks/08-a-real-model.ipynb, section '5 · Three schedules on held-out data'.

    Examples
    --------
    >>> list(schedules_for(0.05, 11, 20))
    ['constant', 'exponential', 'cosine + warmup']
    """
    return {kind: epoch_schedule(kind, peak, batches_per_epoch, epochs, decay_rate=decay_rate,
                                 warmup_epochs=warmup_epochs)
            for kind in SCHEDULE_KINDS}


def seed_quantiles(values, q):
    """Percentiles ``q`` across seeds (the last axis); a diverged seed counts as ``+inf``.

    Taught in notebooks/08-a-real-model.ipynb, section 'Try it'.

    NaN (what a run holds after it diverged) and ``inf`` are worse than any
    finite value. Between two finite values the percentile is numpy's default
    (linear interpolation, the same numbers as :func:`numpy.percentile`); a
    percentile that reaches into the diverged seeds is ``inf``. No warning is
    issued either way.

    Parameters
    ----------
    values : array_like, shape (..., seeds)
    q : float or sequence of float
        Percentiles, each in [0, 100].

    Returns
    -------
    ndarray, shape ``np.shape(q) + values.shape[:-1]``

    Examples
    --------
    >>> seed_quantiles([0.1, 0.2, 0.3, float("nan")], [0, 50, 100]).tolist()
    [0.1, 0.25, inf]
    """
    try:
        v = np.asarray(values, dtype=np.float64)     # NaN and inf allowed: diverged seeds
    except (TypeError, ValueError):
        raise TypeError(f"values must be an array of numbers, got {values!r}") from None
    if v.ndim < 1 or v.shape[-1] == 0:
        raise ValueError(f"values must have at least one seed on its last axis, got {v.shape}")
    q = np.asarray(q, dtype=np.float64)
    if not np.all((q >= 0) & (q <= 100)):
        raise ValueError(f"q must be percentiles between 0 and 100, got {q!r}")
    qs = np.atleast_1d(q)
    v = np.sort(np.where(np.isnan(v), np.inf, v), axis=-1)
    n = v.shape[-1]
    pos = qs / 100 * (n - 1)
    below = np.floor(pos).astype(int)
    above = np.minimum(below + 1, n - 1)
    a = np.moveaxis(v[..., below], -1, 0)            # (len(q), ...)
    b = np.moveaxis(v[..., above], -1, 0)
    t = (pos - below).reshape((-1,) + (1,) * (a.ndim - 1))
    with np.errstate(invalid="ignore"):               # inf - inf and inf * 0: replaced below
        diff = b - a
        # numpy's own interpolation (numpy.lib._function_base_impl._lerp)
        out = np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)
    out = np.where(t == 0, a, out)
    out = np.where(np.isinf(a) | (np.isinf(b) & (t > 0)), np.inf, out)
    return out.reshape(q.shape + out.shape[1:])


@dataclass(frozen=True)
class SeedRuns:
    """One training setting, run for many shuffling seeds (see :func:`train_seeds`).

    What train_seeds returns; used in notebooks/08-a-real-model.ipynb,
    section '6 · How much does the peak rate matter?'.

    Attributes
    ----------
    kind, peak, epochs, batch_size : the settings
    batches_per_epoch, steps : int
        Updates per epoch, and in the whole run (``epochs * batches_per_epoch``).
    seeds : tuple of int
    schedule : the schedule function (:func:`epoch_schedule`)
    run : Trajectory
        ``run.w`` of shape ``(steps + 1, seeds, 2)``.
    held_loss : ndarray, shape (steps + 1, seeds)
        Held-out loss after each update (NaN after a seed diverged).
    exact : float
        Held-out loss of the exact least-squares line of the training rows.
    """

    kind: str
    peak: float
    epochs: int
    batch_size: int
    batches_per_epoch: int
    steps: int
    seeds: tuple
    schedule: object
    run: Trajectory
    held_loss: np.ndarray
    exact: float

    @property
    def full_batch(self):
        return self.batches_per_epoch == 1


def train_seeds(data, kind, peak, epochs, batch_size, seeds=range(20), decay_rate=0.8,
                warmup_epochs=2):
    """Train the line on ``data`` for every seed at once and score it on the held-out rows.

    Taught in notebooks/08-a-real-model.ipynb, section '6 · How much does the peak rate matter?'
    (its exercise 4) and section '7 · Batch size and peak rate, live'.

    The schedule is :func:`epoch_schedule` ``(kind, peak, ...)``; the run is
    :func:`lrlab.data.held_out_runs` from ``w = 0`` on ``data.problem(batch_size)``.

    Parameters
    ----------
    data : lrlab.data.Dataset
    kind, peak, epochs, decay_rate, warmup_epochs : see :func:`epoch_schedule`.
    batch_size : int
        Rows per update, 1 to ``data.n_train`` (which is full batch: the
        same gradient whatever the shuffle).
    seeds : sequence of int, default range(20)

    Examples
    --------
    >>> from lrlab.data import engel
    >>> result = train_seeds(engel(), "constant", 0.05, epochs=2, batch_size=188, seeds=[0, 1])
    >>> result.steps, result.full_batch
    (2, True)
    """
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be an lrlab.data.Dataset, got {type(data).__name__}")
    batch_size = check_int("batch_size", batch_size, lo=1, hi=data.n_train)
    epochs = check_int("epochs", epochs, lo=1)
    seeds = tuple(check_int("seeds", s, lo=0) for s in check_array("seeds", list(seeds), ndim=1))
    train, held = data.problem(batch_size=batch_size), data.held_out()
    per_epoch = train.batches_per_epoch
    schedule = epoch_schedule(kind, peak, per_epoch, epochs, decay_rate=decay_rate,
                              warmup_epochs=warmup_epochs)
    steps = epochs * per_epoch
    run, held_loss = held_out_runs(train, held, schedule, steps, seeds)
    exact = float(held.loss(train.minimum))
    return SeedRuns(kind=kind, peak=float(peak), epochs=epochs, batch_size=batch_size,
                    batches_per_epoch=per_epoch, steps=steps, seeds=seeds, schedule=schedule,
                    run=run, held_loss=held_loss, exact=exact)


def summarize_seeds(result, lo=10, hi=90):
    """What a :class:`SeedRuns` did, in the numbers a readout quotes.

    Taught in notebooks/08-a-real-model.ipynb, section '7 · Batch size and peak rate, live'.

    Parameters
    ----------
    result : SeedRuns
    lo, hi : float, default 10 and 90
        The band's percentiles across seeds.

    Returns
    -------
    dict
        ``status`` (``"diverged"`` if any seed did, else ``"running"``),
        ``kind``, ``peak``, ``batch_size``, ``full_batch``, ``epochs``,
        ``steps``, ``batches_per_epoch``, ``seeds`` (how many),
        ``final_median``, ``final_lo``, ``final_hi`` (held-out loss after the
        last update, by :func:`seed_quantiles`: ``inf`` where diverged seeds
        reach), ``exact``, ``diverged`` (how many seeds),
        ``diverged_seeds`` (which), ``first_diverged`` (the earliest update
        at which one did, or None), ``lo``, ``hi``.

    Examples
    --------
    >>> from lrlab.data import engel
    >>> s = summarize_seeds(train_seeds(engel(), "constant", 3.0, 2, 16, seeds=range(5)))
    >>> s["diverged"], s["status"]
    (5, 'diverged')
    """
    if not isinstance(result, SeedRuns):
        raise TypeError(f"result must be a SeedRuns, got {type(result).__name__}")
    lo = check_number("lo", lo, lo=0, hi=100)
    hi = check_number("hi", hi, lo=lo, hi=100)
    status, at = result.run.status, result.run.status_step
    gone = status == "diverged"
    final = np.where(gone, np.inf, result.held_loss[-1])
    mid, low, high = (float(x) for x in seed_quantiles(final, [50, lo, hi]))
    return {
        "status": "diverged" if gone.any() else "running",
        "kind": result.kind, "peak": result.peak, "batch_size": result.batch_size,
        "full_batch": result.full_batch, "epochs": result.epochs, "steps": result.steps,
        "batches_per_epoch": result.batches_per_epoch, "seeds": len(result.seeds),
        "final_median": mid, "final_lo": low, "final_hi": high, "exact": result.exact,
        "diverged": int(gone.sum()),
        "diverged_seeds": [s for s, g in zip(result.seeds, gone, strict=True) if g],
        "first_diverged": int(at[gone].min()) if gone.any() else None,
        "lo": lo, "hi": hi,
    }


def _loss(x):
    return "diverged" if math.isinf(x) else f"{x:.3g}"


def describe_seeds(summary):
    """One line of plain text from :func:`summarize_seeds`, for a readout.

    Taught in notebooks/08-a-real-model.ipynb, section '7 · Batch size and peak rate, live'.

    Examples
    --------
    >>> from lrlab.data import engel
    >>> s = summarize_seeds(train_seeds(engel(), "constant", 3.0, 2, 16, seeds=range(5)))
    >>> describe_seeds(s).split("; ")[1]
    '5 of 5 seeds diverged, the first at update 5'
    """
    s = check_summary("summary", summary, (
        "kind", "peak", "batch_size", "full_batch", "epochs", "steps", "seeds", "diverged",
        "first_diverged", "final_median", "final_lo", "final_hi", "lo", "hi", "exact"),
        "summarize_seeds()")
    batch = f"{s['batch_size']} (full batch)" if s["full_batch"] else str(s["batch_size"])
    epochs = "1 epoch" if s["epochs"] == 1 else f"{s['epochs']} epochs"
    updates = "1 update" if s["steps"] == 1 else f"{s['steps']} updates"
    head = f"{s['kind']}, peak {s['peak']:.3g}, batch {batch}: {epochs} = {updates}"
    parts = [head]
    if s["diverged"]:
        parts.append(f"{s['diverged']} of {s['seeds']} seeds diverged, "
                     f"the first at update {s['first_diverged']}")
    parts.append(f"final held-out loss over {s['seeds']} seeds: median "
                 f"{_loss(s['final_median'])} ({s['lo']:g}%-{s['hi']:g}%: "
                 f"{_loss(s['final_lo'])} to {_loss(s['final_hi'])}); "
                 f"exact least-squares line {s['exact']:.3g}")
    return "; ".join(parts)


#: The four names :func:`read_loss_curve` gives a loss curve.
CURVE_READINGS = ("too small", "too large", "spikes", "diverged")


def read_loss_curve(loss, floor, near=1.3, typical=1.5):
    """Name the shape of one loss curve, as notebook 07's diagnosis exercise reads it.

    Taught in notebooks/08-a-real-model.ipynb, section 'Exercise 4 · Diagnose four loss curves'.

    The rules, in this order:

    - ``"diverged"``: some loss is not finite (lrlab records NaN after the
      update where a run diverged);
    - ``"too small"``: the curve never comes within ``near`` times the floor
      (slow progress that has not arrived);
    - ``"spikes"``: its median over the second half of the updates is below
      ``typical`` times the floor (mostly at the floor, with short jumps);
    - ``"too large"``: otherwise (mostly far above the floor).

    Parameters
    ----------
    loss : array_like, shape (n,)
        One run's loss after each update, n >= 2.
    floor : float
        The lowest loss the model can reach on these rows, > 0 (for example
        :attr:`SeedRuns.exact`, the held-out loss of the least-squares line).
    near, typical : float, default 1.3 and 1.5
        The two thresholds, as multiples of the floor, each >= 1.

    Examples
    --------
    >>> read_loss_curve([1.0, 0.5, 0.4, 0.3], floor=0.1)
    'too small'
    >>> read_loss_curve([1.0, 0.1, 0.1, 5.0, 0.1, 0.1], floor=0.1)
    'spikes'
    >>> read_loss_curve([1.0, 0.1, 3.0, 2.0, 4.0, 0.1], floor=0.1)
    'too large'
    >>> read_loss_curve([1.0, 30.0, float("nan")], floor=0.1)
    'diverged'
    """
    try:
        curve = np.asarray(loss, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"loss must be a 1-D array of losses, got {loss!r}") from None
    if curve.ndim != 1 or curve.size < 2:
        raise ValueError(f"loss must be a 1-D array of at least 2 losses, got shape {curve.shape}")
    floor = check_number("floor", floor, lo=0, lo_open=True)
    near = check_number("near", near, lo=1)
    typical = check_number("typical", typical, lo=1)
    if not np.isfinite(curve).all():
        return "diverged"
    curve = check_array("loss", curve, lo=0)
    if curve.min() > near * floor:
        return "too small"
    late = float(np.median(curve[curve.size // 2:]))
    return "spikes" if late < typical * floor else "too large"
