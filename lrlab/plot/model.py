"""Figures for notebook 08: a real data set, the range test and schedules on held-out data.

Two panels move their artists with ``update``: :class:`SeedLinesPanel` (the
data in francs and the line each seed ends at) and :class:`HeldLossPanel`
(held-out loss, median and band over the seeds), drawn once per setting by
:func:`training_grid` and on every slider move by
:class:`lrlab.explore.model.TrainingExplorer`.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from lrlab.data import engel
>>> fig, ax = data_figure(engel())
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator, StrMethodFormatter

from .._checks import check_choice, check_int
from ..training import seed_quantiles
from .base import (
    COLORS,
    MARKERS,
    STYLE,
    WIDTH,
    grid_columns,
    label_above,
    panel_grid,
    style_context,
)

__all__ = ["data_figure", "steps_and_epochs", "range_test_figure", "schedules_figure",
           "peak_sweep_figure", "band", "SeedLinesPanel", "HeldLossPanel", "training_grid",
           "panel_title"]

_GREY = "#999999"
_DIVERGED = COLORS[3]


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

    Returns ``fig, ax``.
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


def steps_and_epochs(schedules, batches_per_epoch, epochs, labels=None, figsize=(WIDTH, 3.8)):
    """Schedules against the update number, with the epochs marked.

    Parameters
    ----------
    schedules : list of schedule functions
    batches_per_epoch : int
        Updates per epoch (``problem.batches_per_epoch``).
    epochs : int
        How many epochs to draw.
    labels : list of str, optional

    Returns ``fig, ax``.
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
    # above the axes: inside, the legend would cover the epoch lines or a schedule
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)
    return fig, ax


def range_test_figure(test, critical=None, highlight=0, figsize=(WIDTH, 4.6)):
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

    Returns ``fig, ax``.
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
    # the suggested rate is a tenth of the blow-up rate: their labels take two rows
    marks = [(np.nanmedian(suggested), COLORS[2], "suggested (median)", "right", 0)]
    marks.append((np.nanmedian(explode), COLORS[3], "blows up (median)", "right", 1))
    if critical is not None:
        marks.append((critical, "black", "Hessian limit 2/L", "left", 0))
    for x, color, text, side, row in marks:
        ax.axvline(x, color=color, linestyle="--", linewidth=1.6)
        label_above(ax, x, f" {text}: {x:.3g} ", color=color, ha=side, row=row)
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


def schedules_figure(results, batches_per_epoch, best=None, figsize=(WIDTH, 7.8)):
    """Three panels: the schedules and the final held-out loss per seed side by side, and
    under them, the whole column wide, the held-out loss by epoch.

    Parameters
    ----------
    results : dict
        ``name -> (schedule, held_loss)`` with ``held_loss`` of shape
        ``(steps + 1, seeds)`` (from :func:`lrlab.data.held_out_runs`).
    best : float, optional
        A reference held-out loss (drawn dotted), e.g. that of the exact
        least-squares line.

    Returns ``fig, axes``.
    """
    fig = Figure(figsize=figsize, layout="constrained")
    panels = fig.subplot_mosaic([["lr", "end"], ["loss", "loss"]], width_ratios=[1.2, 1])
    ax_lr, ax_loss, ax_end = panels["lr"], panels["loss"], panels["end"]
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
        # named in the legend: a label on the line would sit on the seeds' bands
        for ax in (ax_loss, ax_end):
            ax.axhline(best, color="black", linestyle=":", linewidth=1.2,
                       label="exact least squares")
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
    ax_end.set_xticks(range(len(results)), [name.replace(" + ", " +\n") for name in results])
    ax_end.set_ylabel("held-out loss at the end")
    ax_end.set_title("one dot per seed")
    return fig, (ax_lr, ax_loss, ax_end)


def peak_sweep_figure(peaks, finals, marks=(), best=None, figsize=(WIDTH, 4.6)):
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

    Returns ``fig, ax``.
    """
    peaks = np.asarray(peaks, dtype=np.float64)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    for i, (name, values) in enumerate(finals.items()):
        mid, lo, hi = band(values)
        ax.plot(peaks, mid, color=COLORS[i % 8], marker=MARKERS[i % 8], label=name)
        ax.fill_between(peaks, lo, hi, color=COLORS[i % 8], alpha=0.18, linewidth=0)
    for k, (x, text) in enumerate(marks):
        color = COLORS[(k + 2) % 8] if k else COLORS[2]
        ax.axvline(x, color=color, linestyle="--", linewidth=1.4)
        label_above(ax, x, f"{text} ", color=color, ha="right")
    if best is not None:
        ax.axhline(best, color="black", linestyle=":", linewidth=1.2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("peak learning rate (log scale)")
    ax.set_ylabel("held-out loss at the end")
    ax.legend(loc="upper left")
    return fig, ax



def panel_title(ax, text, y=1.025, **kwargs):
    """A title over ``ax`` that stays put (an ``ax.set_title`` title is repositioned, hence
    changed, at every draw, so an explorer would redraw it on every frame)."""
    kw = dict(fontsize=STYLE["axes.titlesize"], ha="center", va="bottom", clip_on=False)
    return ax.text(0.5, y, text, transform=ax.transAxes, **{**kw, **kwargs})


def _note_box():
    return dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85)


class SeedLinesPanel:
    """The data in francs with the line each seed's training ended at.

    Training rows and held-out rows as in :func:`data_figure`, the exact
    least-squares line of the training rows (black, dotted) and one thin,
    semi-transparent line per seed (:meth:`update`). A seed that diverged has
    no line: a note in the corner counts them.

    Parameters
    ----------
    data : lrlab.data.Dataset
    seeds : int, optional
        How many seeds the legend announces.

    Examples
    --------
    >>> from lrlab.data import engel
    >>> from lrlab.training import train_seeds
    >>> data = engel()
    >>> panel = SeedLinesPanel(Figure().subplots(), data)
    >>> _ = panel.update(train_seeds(data, "constant", 0.05, 5, 16, seeds=range(3)))
    >>> len(panel.lines.get_segments())                  # one line per seed
    3
    """

    def __init__(self, ax, data, seeds=None):
        self.ax, self.data = ax, data
        train, held = data.raw[data.train_rows], data.raw[data.held_rows]
        # z-order: what never moves (data, axes, legend) first, then what a slider moves
        # (the seeds' lines and all above them), so an explorer redraws only the latter
        ax.scatter(train[:, 0], train[:, 1], s=16, color=COLORS[0], marker=MARKERS[0],
                   alpha=0.55, zorder=2, label=f"training ({len(train)})")
        ax.scatter(held[:, 0], held[:, 1], s=26, color=COLORS[1], marker=MARKERS[1],
                   edgecolor="black", linewidth=0.5, zorder=2.1,
                   label=f"held out ({len(held)})")
        self.x = np.array([0.0, data.raw[:, 0].max() * 1.03])
        intercept, slope = data.to_units(data.problem().minimum)
        self.lines = LineCollection([], colors=COLORS[2], linewidths=1.3, alpha=0.45, zorder=3.5,
                                    label="each seed's line" if seeds is None
                                    else f"each seed's line ({seeds})")
        ax.add_collection(self.lines, autolim=False)
        ax.plot(self.x, intercept + slope * self.x, color="black", linestyle=":", linewidth=2.2,
                zorder=3.6, label="exact least squares")
        self.note = ax.text(0.98, 0.04, "", transform=ax.transAxes, ha="right", va="bottom",
                            color=_DIVERGED, fontsize=11, fontweight="bold", bbox=_note_box(),
                            zorder=7)
        ax.set_xlim(0, self.x[-1])
        ax.set_ylim(0, data.raw[:, 1].max() * 1.08)
        ax.set_xlabel("yearly income (francs)")
        ax.set_ylabel("yearly food spending (francs)")
        ax.legend(loc="upper left", fontsize=9, framealpha=0.9)

    def update(self, result):
        """Show the last point of every seed of ``result`` (a :class:`lrlab.training.SeedRuns`)."""
        w = np.asarray(result.run.w[-1], dtype=np.float64)          # (seeds, 2)
        kept = (result.run.status != "diverged") & np.isfinite(w).all(axis=-1)
        intercept, slope = self.data.to_units(w[kept])
        y = intercept[:, None] + slope[:, None] * self.x               # (kept, 2)
        self.lines.set_segments(np.stack([np.broadcast_to(self.x, y.shape), y], axis=-1))
        gone = int(np.count_nonzero(~kept))
        self.note.set_text("" if not gone else
                           f"{gone} diverged seed{'s' if gone > 1 else ''}: no line")
        return self


class HeldLossPanel:
    """Held-out loss against the update or epoch: median over the seeds, 10%-90% band (log scale).

    Also drawn: the held-out loss of the exact least-squares line (black,
    dotted), on an axis of updates a thin grey line at the end of each epoch,
    and for every seed
    that diverged a cross on the top edge, at the update where it did. Losses
    above the top of the axis (a diverged seed counts as infinite, see
    :func:`lrlab.training.seed_quantiles`) are cut there: the median line
    stops, the band is clipped, and a note in the corner counts the seeds
    that diverged.

    Parameters
    ----------
    ylim : (float, float)
        Loss range shown (fixed, so a slider never rescales it).
    per : {"update", "epoch"}
        The x axis: the update number, or the epoch (update / updates per epoch,
        so runs with different batch sizes share one axis and lie over each other
        where they have seen the data as often).

    Examples
    --------
    >>> from lrlab.data import engel
    >>> from lrlab.training import train_seeds
    >>> panel = HeldLossPanel(Figure().subplots())
    >>> result = train_seeds(engel(), "constant", 3.0, 5, 16, seeds=range(3))
    >>> panel.set_steps(result.steps)
    >>> panel.update(result).note.get_text()
    '3 of 3 seeds diverged (x)'
    """

    def __init__(self, ax, ylim=(0.05, 3.0), per="update"):
        self.ax, self.ylim = ax, tuple(float(v) for v in ylim)
        self.per = check_choice("per", per, ("update", "epoch"))
        # z-order: the axes first, then everything update() moves, so an explorer redraws
        # only the latter (the exact line is placed once, by the first update)
        self.exact = ax.axhline(np.nan, color="black", linestyle=":", linewidth=1.8, zorder=3.1,
                                label="exact least squares")
        # named in a corner below the bands, not on the line: the band of the seeds' losses
        # covers the line's whole length
        self.exact_label = ax.text(0.98, 0.03, "dotted: exact least squares",
                                   transform=ax.transAxes, ha="right", va="bottom",
                                   fontsize=10, zorder=6)
        (self.epochs,) = ax.plot([], [], color=_GREY, linewidth=0.7,
                                 transform=ax.get_xaxis_transform(), zorder=3.3)
        self.band = PolyCollection([], facecolors=COLORS[0], edgecolors="none", alpha=0.22,
                                   zorder=3.4, label="10%-90% of the seeds")
        ax.add_collection(self.band, autolim=False)
        (self.median,) = ax.plot([], [], color=COLORS[0], marker=MARKERS[0], markersize=5,
                                 zorder=3.6, label="median of the seeds")
        # on the top edge, half outside: "went off the top here"
        (self.crosses,) = ax.plot([], [], linestyle="none", marker="X", markersize=11,
                                  color=_DIVERGED, markeredgecolor="black", zorder=8,
                                  clip_on=False, label="a seed diverged")
        self.note = ax.text(0.03, 0.03, "", transform=ax.transAxes, ha="left", va="bottom",
                            color=_DIVERGED, fontsize=10, fontweight="bold", bbox=_note_box(),
                            zorder=7)
        for artist in (self.crosses, self.note, self.exact_label):
            artist.set_in_layout(False)            # inside the axes: no say in the margins
        ax.set_yscale("log")
        ax.set_ylim(*self.ylim)
        # plain numbers read better than powers of ten on a range this short (and fewer
        # ticks draw faster)
        ticks = [v for v in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10) if self.ylim[0] <= v <= self.ylim[1]]
        ax.yaxis.set_major_locator(FixedLocator(ticks))
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_xlim(0, 1)
        ax.set_xlabel("update (grey lines: end of an epoch)" if per == "update" else "epoch")
        # few tick labels: a slider that changes the run's length redraws them
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.set_ylabel("held-out loss")

    def set_steps(self, steps, per_epoch=1):
        """Show the run's ``steps`` updates (``per_epoch`` of them an epoch).

        The x axis runs from 0 to where the run ends, in updates or epochs
        (``per``). The limits change only when they must (new limits redraw the ticks).
        """
        steps = check_int("steps", steps, lo=1)
        per_epoch = check_int("per_epoch", per_epoch, lo=1)
        right = steps if self.per == "update" else steps / per_epoch
        if self.ax.get_xlim() != (0, right):
            self.ax.set_xlim(0, right)

    def update(self, result):
        """Show a :class:`lrlab.training.SeedRuns`; returns the panel."""
        bottom, top = self.ylim
        held = result.held_loss
        scale = 1 if self.per == "update" else result.batches_per_epoch
        t = np.arange(held.shape[0]) / scale
        mid, low, high = seed_quantiles(held, [50, 10, 90])
        shown = np.where(mid <= top, np.maximum(mid, bottom), np.nan)   # off the scale: a gap
        self.median.set_data(t, shown)
        self.median.set_markevery(max(1, t.size // 10))
        low, high = np.clip(low, bottom, top), np.clip(high, bottom, top)
        self.band.set_verts([np.column_stack([np.r_[t, t[::-1]], np.r_[high, low[::-1]]])])
        exact = float(np.clip(result.exact, bottom, top))
        if self.exact.get_ydata()[0] != exact:          # moved only when it changes
            self.exact.set_ydata([exact, exact])
        # on an axis of updates, a grey line ends each epoch (the epoch axis counts them itself)
        x = np.arange(1, result.epochs + 1) * result.batches_per_epoch if scale == 1 else []
        self.epochs.set_data(np.repeat(x, 3), np.tile([0.0, 1.0, np.nan], len(x)))
        gone = result.run.status == "diverged"
        at = np.sort(result.run.status_step[gone]) / scale
        self.crosses.set_data(at, np.full(at.size, top))
        self.note.set_text(f"{at.size} of {gone.size} seeds diverged (x)" if at.size else "")
        return self


def training_grid(results, titles=None, ncols=None, ylim=(0.05, 3.0), figsize=None):
    """Small multiples: held-out loss against the update for several settings, one per panel.

    Each panel is a :class:`HeldLossPanel` (median and band over the seeds,
    diverged seeds marked, the exact line dotted), on the same y range.

    Parameters
    ----------
    results : list of lrlab.training.SeedRuns
    titles : list of str, optional
        One per panel (default: schedule, peak and batch size).
    ncols : int, optional
        Panels per row (default: as many as fit a notebook column, at most 3).

    Returns ``fig, axes``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab.data import engel
    >>> from lrlab.training import train_seeds
    >>> runs = [train_seeds(engel(), "constant", p, 5, 16, seeds=range(4)) for p in (0.1, 2.0)]
    >>> fig, axes = training_grid(runs, ncols=2)
    >>> axes[1].texts[-1].get_text()         # the second panel's note
    '4 of 4 seeds diverged (x)'
    """
    n = len(results)
    ncols = min(grid_columns(n, ncols), max(n, 1))
    with style_context():
        fig, axes, _ = panel_grid(n, ncols, (4.6, 3.5), figsize, what="results", sharey=True)
        for i, (ax, result) in enumerate(zip(axes[:n], results, strict=True)):
            # the legend where the first row ends (the last panel, for one row)
            panel = HeldLossPanel(ax, ylim=ylim)
            panel.exact_label.set_text("")          # the legend names the dotted line
            panel.set_steps(result.steps)
            panel.update(result)
            batch = "full batch" if result.full_batch else f"batch {result.batch_size}"
            ax.set_title(titles[i] if titles else f"{result.kind}\npeak {result.peak:g}, {batch}",
                         pad=9)
            if i % ncols:
                ax.set_ylabel("")
            xlabel = ax.get_xlabel()
            ax.set_xlabel("")
        # one axis label for the figure: a panel's own would be wider than the panel
        fig.supxlabel(xlabel, fontsize=STYLE["axes.labelsize"])
        # one legend, above the panels: in a panel it would cover the epoch lines or a band
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper center", ncols=4,
                   fontsize=10, frameon=False)
    return fig, axes[:n]
