"""Figures for notebook 07: a real data set, the range test and schedules on held-out data.

Static figures only, built like :mod:`lrlab.plotting` (an explicit
``Figure``, no pyplot) with its colours, markers and sizes. Every number drawn
comes from :mod:`lrlab.data`, :mod:`lrlab.range_test`, :mod:`lrlab.theory`
or :mod:`lrlab.schedules`: nothing here computes a formula of its own.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from lrlab.data import engel
>>> fig, ax = data_figure(engel())
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .plotting import COLORS, MARKERS

__all__ = ["data_figure", "steps_and_epochs", "range_test_figure", "schedules_figure",
           "peak_sweep_figure", "band"]

_GREY = "#999999"


def band(values, lo=10, hi=90):
    """Median and the ``lo``-``hi`` percentile band of ``values`` along the last axis."""
    values = np.asarray(values, dtype=np.float64)
    return (np.median(values, axis=-1), np.percentile(values, lo, axis=-1),
            np.percentile(values, hi, axis=-1))


def data_figure(data, w=None, figsize=(7.5, 4.4)):
    """The data in its own units: training rows, held-out rows and a fitted line.

    Parameters
    ----------
    data : lrlab.data.Dataset
    w : array_like, optional
        Standardized ``(intercept, slope)`` of a line to draw (default: the
        least-squares fit to the training rows).

    Returns
    -------
    fig, ax
    """
    w = data.problem().minimum if w is None else np.asarray(w, dtype=np.float64)
    intercept, slope = data.to_units(w)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    train, held = data.raw[data.train_rows], data.raw[data.held_rows]
    ax.scatter(train[:, 0], train[:, 1], s=22, color=COLORS[0], marker=MARKERS[0], alpha=0.7,
               label=f"training ({len(train)} households)")
    ax.scatter(held[:, 0], held[:, 1], s=34, color=COLORS[1], marker=MARKERS[1],
               edgecolor="black", linewidth=0.5,
               label=f"held out ({len(held)} households)")
    xs = np.array([0.0, data.raw[:, 0].max() * 1.03])
    ax.plot(xs, intercept + slope * xs, color=COLORS[3], linestyle="--",
            label=f"least squares: {intercept:.0f} + {slope:.3f} x income")
    ax.set_xlim(0, xs[-1])
    ax.set_ylim(0, data.raw[:, 1].max() * 1.08)
    ax.set_xlabel(f"{data.names[0]}: yearly income (Belgian francs)")
    ax.set_ylabel(f"{data.names[1]}: yearly food spending (francs)")
    ax.legend(loc="upper left")
    return fig, ax


def steps_and_epochs(schedules, batches_per_epoch, epochs, labels=None, figsize=(10, 3.8)):
    """Schedules against the update number, with the epochs marked.

    Parameters
    ----------
    schedules : list of schedule functions
    batches_per_epoch : int
        Updates per epoch (``problem.batches_per_epoch``).
    epochs : int
        How many epochs to draw.
    labels : list of str, optional

    Returns
    -------
    fig, ax
    """
    steps = np.arange(batches_per_epoch * epochs)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    for e in range(epochs + 1):
        ax.axvline(e * batches_per_epoch - 0.5, color=_GREY, linewidth=0.6, zorder=0)
    for i, sched in enumerate(schedules):
        label = labels[i] if labels else sched.name
        ax.plot(steps, sched(steps), color=COLORS[i % 8], marker=MARKERS[i % 8],
                markevery=max(1, batches_per_epoch // 2), drawstyle="steps-post", label=label)
    ax.set_xlim(-0.5, steps[-1] + 0.5)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(f"update number (grey lines: a new epoch every {batches_per_epoch} updates)")
    ax.set_ylabel("learning rate")
    ax.legend(loc="upper right")
    return fig, ax


def range_test_figure(test, critical=None, highlight=0, figsize=(10, 4.6)):
    """A range test's loss against the rate (log-log), one thin line per seed.

    Marks the median blow-up rate and the median suggested rate over the
    seeds and, if given, the full-batch critical rate from the Hessian.

    Parameters
    ----------
    test : lrlab.range_test.RangeTest
        A test of a batch of runs (``test.loss`` of shape ``(steps, seeds)``)
        or of one run.
    critical : float, optional
        The critical rate ``2 / L_max`` of the full training loss.
    highlight : int
        Which run to draw in colour.

    Returns
    -------
    fig, ax
    """
    loss = test.loss if test.loss.ndim == 2 else test.loss[:, None]
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    for j in range(loss.shape[1]):
        if j != highlight:
            ax.plot(test.lr, loss[:, j], color=_GREY, linewidth=0.8, alpha=0.6,
                    label="other seeds" if j == (1 if highlight == 0 else 0) else None)
    ax.plot(test.lr, loss[:, highlight], color=COLORS[0], marker=MARKERS[0], markersize=3,
            label=f"seed {highlight}")
    explode = np.atleast_1d(test.lr_explode)
    suggested = np.atleast_1d(test.suggested_lr)
    trans = ax.get_xaxis_transform()
    marks = [(np.nanmedian(suggested), COLORS[2], "suggested (median)", "right")]
    marks.append((np.nanmedian(explode), COLORS[3], "blows up (median)", "right"))
    if critical is not None:
        marks.append((critical, "black", "Hessian limit 2/L", "left"))
    for x, color, text, side in marks:
        ax.axvline(x, color=color, linestyle="--", linewidth=1.6)
        ax.text(x, 0.97, f"{text}: {x:.3g} ", transform=trans, color=color, rotation=90,
                ha=side, va="top",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    ax.axhline(float(np.min(test.start_loss)), color=_GREY, linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    finite = loss[np.isfinite(loss)]
    ax.set_ylim(finite.min() * 0.7, max(float(np.max(test.start_loss)) * 30, 1.0))
    ax.set_xlim(test.lr[0], test.lr[-1])
    ax.set_xlabel("learning rate of the update (log scale; it grows every update)")
    ax.set_ylabel("training loss after the update")
    ax.legend(loc="lower left")
    return fig, ax


def schedules_figure(results, batches_per_epoch, best=None, figsize=(15, 4.6)):
    """Three panels: the schedules, held-out loss by epoch, final held-out loss per seed.

    Parameters
    ----------
    results : dict
        ``name -> (schedule, held_loss)`` with ``held_loss`` of shape
        ``(steps + 1, seeds)`` (from :func:`lrlab.data.held_out_runs`).
    batches_per_epoch : int
    best : float, optional
        A reference held-out loss (drawn dotted), e.g. that of the exact
        least-squares line.

    Returns
    -------
    fig, axes
    """
    fig = Figure(figsize=figsize, layout="constrained")
    ax_lr, ax_loss, ax_end = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1.3, 0.8]})
    for i, (name, (sched, held_loss)) in enumerate(results.items()):
        color, marker = COLORS[i % 8], MARKERS[i % 8]
        steps = held_loss.shape[0] - 1
        t = np.arange(steps)
        ax_lr.plot(t / batches_per_epoch, sched(t) if callable(sched) else np.full(steps, sched),
                   color=color, label=name)
        epochs = np.arange(steps + 1) / batches_per_epoch
        mid, lo, hi = band(held_loss)
        ax_loss.plot(epochs, mid, color=color, marker=marker,
                     markevery=max(1, steps // 10), label=f"{name} (median)")
        ax_loss.fill_between(epochs, lo, hi, color=color, alpha=0.18, linewidth=0)
        final = held_loss[-1]
        jitter = np.linspace(-0.22, 0.22, final.size)
        ax_end.scatter(i + jitter, final, color=color, marker=marker, s=26, alpha=0.85)
        ax_end.plot([i - 0.3, i + 0.3], [np.median(final)] * 2, color="black", linewidth=2)
    if best is not None:
        for ax in (ax_loss, ax_end):
            ax.axhline(best, color="black", linestyle=":", linewidth=1.2)
        ax_loss.text(0.98, best * 0.97, "exact least squares ", color="black",
                     transform=ax_loss.get_yaxis_transform(), ha="right", va="top")
    ax_lr.set_xlabel("epoch")
    ax_lr.set_ylabel("learning rate")
    ax_lr.set_ylim(0, ax_lr.get_ylim()[1] * 1.4)
    ax_lr.set_title("the schedules")
    ax_lr.legend(loc="upper right")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("held-out loss")
    ax_loss.set_title("held-out loss (band: 10%-90% of seeds)")
    ax_loss.legend(loc="upper right")
    ax_end.set_xticks(range(len(results)), list(results), rotation=15)
    ax_end.set_ylabel("held-out loss at the end")
    ax_end.set_title("one dot per seed")
    return fig, (ax_lr, ax_loss, ax_end)


def peak_sweep_figure(peaks, finals, marks=(), best=None, figsize=(8.5, 4.6)):
    """Final held-out loss against the peak rate, one line (median, band) per schedule.

    Parameters
    ----------
    peaks : array_like
        The peak (first, or post-warmup) rates tried.
    finals : dict
        ``name -> array of shape (len(peaks), seeds)``: held-out loss at the end.
    marks : sequence of (float, str)
        Rates to mark with a vertical line and a label.
    best : float, optional
        A reference held-out loss (dotted line).

    Returns
    -------
    fig, ax
    """
    peaks = np.asarray(peaks, dtype=np.float64)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    for i, (name, values) in enumerate(finals.items()):
        mid, lo, hi = band(values)
        ax.plot(peaks, mid, color=COLORS[i % 8], marker=MARKERS[i % 8], label=name)
        ax.fill_between(peaks, lo, hi, color=COLORS[i % 8], alpha=0.18, linewidth=0)
    trans = ax.get_xaxis_transform()
    for k, (x, text) in enumerate(marks):
        color = COLORS[(k + 2) % 8] if k else COLORS[2]
        ax.axvline(x, color=color, linestyle="--", linewidth=1.4)
        ax.text(x, 0.97, f" {text}", transform=trans, color=color, rotation=90,
                ha="right", va="top",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    if best is not None:
        ax.axhline(best, color="black", linestyle=":", linewidth=1.2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("peak learning rate (log scale)")
    ax.set_ylabel("held-out loss at the end")
    ax.legend(loc="upper left")
    return fig, ax
