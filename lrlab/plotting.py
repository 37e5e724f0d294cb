"""Figures for the notebooks: panels that draw a run and can redraw it in place.

Each panel owns one ``matplotlib.axes.Axes``. It draws what does not change
once (the loss curve, the thresholds) when it is made, and ``update(run)``
moves its lines to a new run with ``set_data``: static figures call it once,
the live explorers of :mod:`lrlab.widgets` call it on every slider move.

A run that leaves the plot is not drawn off to infinity: its path stops at the
edge with a cross and the step at which it left, so a diverging run reads as
diverging, not as a broken plot.

Colours are the Okabe-Ito palette (safe for colour-blind readers) and every
line also has its own marker.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from lrlab import gradient_descent, seed_problem
>>> from lrlab.plotting import path_and_loss
>>> run = gradient_descent(seed_problem(), 5.0, lr=0.2, steps=20)
>>> fig, (ax_path, ax_loss) = path_and_loss(run)
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from . import theory
from .descent import gradient_descent

__all__ = [
    "COLORS",
    "MARKERS",
    "STYLE",
    "PathPanel",
    "LossPanel",
    "RatePanel",
    "path_and_loss",
    "paths_grid",
    "rate_sweep",
    "mark_thresholds",
]

#: Okabe-Ito colours: blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: One marker per colour, so lines differ without colour too.
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
#: Sizes that read on a projector; use with ``matplotlib.rc_context(STYLE)``.
STYLE = {
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "legend.fontsize": 11,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
}
_GREY = "#999999"
_FLOOR = 1e-32  # a loss of exactly 0 is drawn here on a log axis


def _first_outside(values, lo, hi):
    """Index of the first non-finite value or value outside [lo, hi], or None."""
    bad = ~np.isfinite(values) | (values < lo) | (values > hi)
    return int(np.argmax(bad)) if bad.any() else None


class PathPanel:
    """The loss curve of a 1-D problem with the path of ``w`` walked on it.

    Parameters
    ----------
    ax : Axes
    problem : Problem with ``shape == ()``
    xlim : (float, float)
        The window of ``w`` shown; a path that leaves it is cut at the edge.
    color, marker : str
    max_points : int
        Draw at most this many points of the path (the first ones), so long
        runs stay readable.
    """

    def __init__(self, ax, problem, xlim, color=COLORS[0], marker="o", max_points=60,
                 label=None):
        if problem.shape != ():
            raise ValueError("PathPanel draws 1-D problems; problem.shape must be ()")
        self.ax, self.problem, self.xlim = ax, problem, tuple(float(x) for x in xlim)
        self.max_points = max_points
        (self.curve,) = ax.plot([], [], color=_GREY, lw=1.5, zorder=1)
        (self.path,) = ax.plot([], [], color=color, marker=marker, ms=5, lw=1.2, alpha=0.9,
                               zorder=3, label=label)
        (self.start,) = ax.plot([], [], ls="none", marker="o", ms=10, mfc="white", mec="black",
                                zorder=4)
        (self.end,) = ax.plot([], [], ls="none", marker="*", ms=14, color=color, mec="black",
                              zorder=5)
        (self.exit,) = ax.plot([], [], ls="none", marker="X", ms=13, color=COLORS[3],
                               mec="black", zorder=6)
        self.exit_text = ax.text(0.5, 0.95, "", transform=ax.transAxes, ha="center", va="top",
                                 color=COLORS[3], fontsize=11, fontweight="bold")
        ax.set_xlabel("w")
        ax.set_ylabel("loss")
        self.set_problem(problem)

    def set_problem(self, problem):
        """Redraw the loss curve (for a problem whose shape changed, e.g. a new curvature)."""
        self.problem = problem
        xs = np.linspace(*self.xlim, 400)
        ys = problem.loss(xs)
        self.curve.set_data(xs, ys)
        lo, hi = float(ys.min()), float(ys.max())
        pad = 0.06 * (hi - lo)
        self.ylim = (lo - pad, hi + pad)
        self.ax.set_xlim(*self.xlim)
        self.ax.set_ylim(*self.ylim)

    def update(self, run):
        """Show ``run`` (a single 1-D run)."""
        w = np.asarray(run.w, dtype=np.float64)[: self.max_points + 1]
        loss = np.asarray(run.loss, dtype=np.float64)[: self.max_points + 1]
        out = _first_outside(w, *self.xlim)
        if out is None:
            out = _first_outside(loss, -np.inf, self.ylim[1])
        shown = slice(None) if out is None else slice(0, out)
        self.path.set_data(w[shown], loss[shown])
        self.start.set_data(w[:1], loss[:1])
        if out is None:
            self.end.set_data(w[-1:], loss[-1:])
            self.exit.set_data([], [])
            self.exit_text.set_text("")
        else:
            # the point where the path leaves the window, pinned to the edge
            edge_x = float(np.clip(np.nan_to_num(w[out], nan=self.xlim[1]), *self.xlim))
            edge_y = self.ylim[1] - 0.02 * (self.ylim[1] - self.ylim[0])
            self.end.set_data([], [])
            self.exit.set_data([edge_x], [edge_y])
            self.exit_text.set_text(f"left the plot at step {out}")
        return self


class LossPanel:
    """Loss against step, on a log axis, with a cross where a run diverged.

    Parameters
    ----------
    ax : Axes
    steps : int
        Width of the step axis.
    ylim : (float, float)
        Loss range shown (log scale); losses of 0 are drawn at the bottom.
    log : bool, default True
        Log scale for the loss (use False for a loss that can be negative).
    n_lines : int
        How many runs the panel can show at once (one per colour).
    """

    def __init__(self, ax, steps, ylim=(1e-16, 1e8), log=True, n_lines=1, labels=None):
        self.ax, self.log, self.ylim = ax, log, ylim
        self.lines, self.crosses = [], []
        for i in range(n_lines):
            label = labels[i] if labels else None
            (line,) = ax.plot([], [], color=COLORS[i % 8], marker=MARKERS[i % 8], ms=3,
                              markevery=0.1, label=label)
            (cross,) = ax.plot([], [], ls="none", marker="X", ms=12, color=COLORS[3],
                               mec="black", zorder=5)
            self.lines.append(line)
            self.crosses.append(cross)
        self.note = ax.text(0.98, 0.95, "", transform=ax.transAxes, ha="right", va="top",
                            color=COLORS[3], fontsize=11, fontweight="bold")
        if log:
            ax.set_yscale("log")
        ax.set_ylim(*ylim)
        ax.set_xlim(0, steps)
        ax.set_xlabel("step")
        ax.set_ylabel("loss")
        if labels:
            ax.legend(loc="lower left")

    def set_steps(self, steps):
        self.ax.set_xlim(0, steps)

    def update(self, *runs):
        """Show one run per line (fewer runs than lines hides the rest)."""
        notes = []
        for i, (line, cross) in enumerate(zip(self.lines, self.crosses, strict=True)):
            if i >= len(runs):
                line.set_data([], [])
                cross.set_data([], [])
                continue
            run = runs[i]
            loss = np.asarray(run.loss, dtype=np.float64)
            t = np.arange(len(loss))
            if self.log:
                loss = np.where(loss > _FLOOR, loss, _FLOOR)
            out = _first_outside(loss, -np.inf, self.ylim[1])
            if run.status == "diverged":
                out = int(run.status_step) if out is None else min(out, int(run.status_step))
            if out is None:
                line.set_data(t, loss)
                cross.set_data([], [])
            else:
                at = int(run.status_step) if run.status == "diverged" else out
                line.set_data(t[:out], loss[:out])
                cross.set_data([at], [self.ylim[1] / 3 if self.log else self.ylim[1]])
                notes.append(f"diverged at step {at}" if run.status == "diverged"
                             else f"off the scale at step {out}")
        self.note.set_text("; ".join(dict.fromkeys(notes)))
        return self


class RatePanel:
    """The learning rate each update used, against the step."""

    def __init__(self, ax, steps, ylim=None, log=False, color=COLORS[2]):
        self.ax = ax
        (self.line,) = ax.plot([], [], color=color, marker="^", ms=3, markevery=0.1,
                               drawstyle="steps-post")
        if log:
            ax.set_yscale("log")
        ax.set_xlim(0, steps)
        if ylim:
            ax.set_ylim(*ylim)
        ax.set_xlabel("step")
        ax.set_ylabel("learning rate")

    def update(self, run):
        lr = np.asarray(run.lr, dtype=np.float64)
        self.line.set_data(np.arange(len(lr)), lr)
        return self


def path_and_loss(run, xlim=None, figsize=(10, 3.6), title=None):
    """A figure with the path on the loss curve (left) and the loss per step (right).

    Returns ``fig, (ax_path, ax_loss)``.
    """
    problem = run.problem
    w = np.asarray(run.w, dtype=np.float64)
    if xlim is None:
        center = float(getattr(problem, "center", 0.0))
        r = 1.5 * max(abs(float(w[0]) - center), 1.0)
        xlim = (center - r, center + r)
    fig = Figure(figsize=figsize, layout="constrained")
    ax_path, ax_loss = fig.subplots(1, 2)
    PathPanel(ax_path, problem, xlim).update(run)
    loss0 = max(float(run.loss[0]), 1.0)
    LossPanel(ax_loss, run.steps, ylim=(1e-16, loss0 * 1e4)).update(run)
    if title:
        fig.suptitle(title)
    return fig, (ax_path, ax_loss)


def paths_grid(problem, w0, rates, steps, xlim, ncols=None, figsize=None, titles=None):
    """Small multiples: one panel per rate, each the path of ``w`` on the loss curve.

    Each title names the rate and, for a quadratic, its regime
    (:func:`lrlab.theory.regime`). Returns ``fig, axes``.
    """
    rates = list(rates)
    ncols = ncols or len(rates)
    nrows = -(-len(rates) // ncols)
    fig = Figure(figsize=figsize or (3.2 * ncols, 3.0 * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True)).ravel()
    runs = gradient_descent(problem, w0, lr=np.asarray(rates, dtype=float), steps=steps)
    for i, (ax, lr) in enumerate(zip(axes, rates, strict=False)):
        PathPanel(ax, problem, xlim, color=COLORS[i % 8], marker=MARKERS[i % 8]).update(
            runs.run(i))
        if titles:
            ax.set_title(titles[i])
        elif hasattr(problem, "center"):
            ax.set_title(f"lr = {lr:g}: {theory.regime(problem, lr)}")
        else:
            ax.set_title(f"lr = {lr:g}")
        if i % ncols:
            ax.set_ylabel("")
    for ax in axes[len(rates):]:
        ax.set_visible(False)
    return fig, axes


def mark_thresholds(ax, problem, labels=True):
    """Vertical lines at the one-step rate ``1/L`` and the critical rate ``2/L``."""
    one, crit = theory.one_step_lr(problem), theory.critical_lr(problem)
    lines = [
        ax.axvline(one, color=COLORS[2], ls="--", lw=1.5),
        ax.axvline(crit, color=COLORS[3], ls="--", lw=1.5),
    ]
    if labels:
        trans = ax.get_xaxis_transform()
        ax.text(one, 0.02, f"one step {one:.3g} ", transform=trans, va="bottom", ha="right",
                color=COLORS[2], rotation=90)
        ax.text(crit, 0.02, f" limit {crit:.3g}", transform=trans, va="bottom", ha="left",
                color=COLORS[3], rotation=90)
    return lines


def rate_sweep(ax, problem, w0, rates, steps, color=COLORS[0], label=None):
    """Loss after ``steps`` updates against the rate (log-log): the U-shaped curve.

    Runs every rate at once (one vectorized :func:`~lrlab.gradient_descent`).
    Diverged runs are drawn as crosses along the top edge. Returns the batch
    trajectory.
    """
    rates = np.asarray(rates, dtype=float)
    runs = gradient_descent(problem, w0, lr=rates, steps=steps)
    final = np.asarray(runs.loss[-1], dtype=float)
    diverged = runs.status == "diverged"
    shown = np.where(final > _FLOOR, final, _FLOOR)
    ax.loglog(rates[~diverged], shown[~diverged], color=color, marker="o", ms=3,
              label=label or f"after {steps} steps")
    top = float(runs.loss[0].max()) * 10
    if diverged.any():
        ax.plot(rates[diverged], np.full(diverged.sum(), top), ls="none", marker="x",
                color=COLORS[3], label="diverged")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("loss")
    return runs
