"""Figures for noisy gradients: the noise ball, and the mean squared error of each schedule.

Built like the rest of :mod:`lrlab.plot`: a panel owns one ``Axes``, draws what never
changes when it is made and moves its lines with ``update``; the static
figures call it once, :mod:`lrlab.explore.noise` on every slider move. All
numbers come from :mod:`lrlab.noise` and :mod:`lrlab.theory`.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from lrlab import blog_post_problem
>>> fig, ax, table = noise_ball_figure(blog_post_problem(), [0.1, 0.2], [1.0], runs=50)
>>> table["formula"].round(4).tolist()
[[0.0278, 0.0625]]
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import noise as _noise
from .. import theory
from .base import COLORS, MARKERS, WIDTH, step_axes, style_context

__all__ = ["SCHEDULE_COLORS", "MSEPanel", "restyle_legend", "noise_ball_figure",
           "schedules_grid", "long_run_figure"]

#: One colour and marker per schedule of :data:`lrlab.noise.SCHEDULE_KINDS`.
SCHEDULE_COLORS = {kind: (COLORS[i], MARKERS[i]) for i, kind in enumerate(_noise.SCHEDULE_KINDS)}
_GREY = "#777777"



class MSEPanel:
    """Mean squared error against the step, log-log, with its exact expectation.

    Lines: the mean over the seeds (colour, markers), the exact expectation
    (black dashes), the band holding the middle of the runs (two thin lines)
    and, dotted, the noise ball of a constant rate for reference.

    Parameters
    ----------
    steps : int
        Width of the step axis (from step 1).
    legend : bool
        Draw a legend.
    """

    def __init__(self, ax, steps, ylim=(1e-6, 1e2), color=COLORS[0], marker="o",
                 legend=True):
        self.ax = ax
        kw = dict(color=color, lw=0.8, alpha=0.55)
        (self.low,) = ax.plot([], [], **kw, label="10%-90% of runs")
        (self.high,) = ax.plot([], [], **kw)
        (self.mean,) = ax.plot([], [], color=color, marker=marker, ms=5, markevery=0.08,
                               lw=2.2, label="mean over the seeds")
        (self.expected,) = ax.plot([], [], color="black", ls="--", lw=1.3,
                                   label="exact expectation")
        self.ball = ax.axhline(np.nan, color=_GREY, ls=":", lw=1.6,
                               label="noise ball of the starting rate")
        step_axes(ax, steps, ylim, "squared error (w - w*)²", first=1, xlog=True)
        if legend:
            # every error falls from its start: the upper right stays empty (the lower
            # left holds the band's low edge)
            ax.legend(loc="upper right", fontsize=9, framealpha=0.9)

    def set_steps(self, steps):
        self.ax.set_xlim(1, steps)

    def set_style(self, color, marker):
        """Give the mean and the band another colour and marker, legend included.

        The legend's own entries are restyled in place (a legend copies its
        lines when it is made), so no artist is added or removed.
        """
        for line in (self.low, self.high, self.mean):
            line.set_color(color)
        self.mean.set_marker(marker)
        restyle_legend(self.ax, (self.low, self.mean))
        return self

    def update(self, result, ball=None):
        """Show one entry of :func:`lrlab.noise.compare_schedules`; ``ball`` a level or None."""
        t = np.arange(len(result["mse"]))[1:]
        self.mean.set_data(t, result["mse"][1:])
        self.expected.set_data(t, result["expected"][1:])
        self.low.set_data(t, result["low"][1:])
        self.high.set_data(t, result["high"][1:])
        level = np.nan if ball is None or not np.isfinite(ball) else float(ball)
        self.ball.set_ydata([level, level])
        return self


def restyle_legend(ax, lines):
    """Copy the colour, marker and label of ``lines`` to their entries in ``ax``'s legend.

    A legend draws copies of its lines, made when it is; this updates those
    copies and their texts in place instead of making a new legend, so a
    live figure keeps the same artists. The legend must have been made by
    ``ax.legend()`` (entry ``i`` is the ``i``-th labelled artist of ``ax``).
    """
    legend = ax.get_legend()
    if legend is None:
        return
    labelled = ax.get_legend_handles_labels()[0]
    for line in lines:
        i = next((i for i, a in enumerate(labelled) if a is line), None)
        if i is None:
            continue
        handle = legend.legend_handles[i]
        handle.set_color(line.get_color())
        handle.set_marker(line.get_marker())
        legend.get_texts()[i].set_text(line.get_label())
    # its entries are not the axes' children: say the legend itself changed, or a live
    # figure that redraws only what changed keeps showing the old one
    legend.stale = True


def noise_ball_figure(problem, rates, noises, steps=2000, runs=200, seed=0, figsize=(7.5, 4.2)):
    """Where a constant rate settles: measured (markers) and ``theory.noise_ball`` (lines).

    For each noise level ``s`` the markers are
    :func:`lrlab.noise.stationary_sq_error` (``runs`` seeded runs of
    ``steps`` updates, started at the minimum) and the line is
    :func:`lrlab.theory.noise_ball` on a fine grid; a vertical line marks the
    critical rate ``2 / L`` where the ball becomes infinite.

    Returns ``fig, ax, table``; ``table``: ``rates`` (shape ``(n,)``),
    ``noises``, ``simulated`` and ``formula`` (shape ``(len(noises), n)``).
    """
    rates = np.asarray(rates, dtype=np.float64)
    noises = [float(s) for s in noises]
    simulated = np.array([np.atleast_1d(_noise.stationary_sq_error(
        problem, rates, s, steps=steps, runs=runs, seed=seed)) for s in noises])
    formula = np.array([np.atleast_1d(theory.noise_ball(problem, rates, s)) for s in noises])
    crit = theory.critical_lr(problem)
    grid = np.geomspace(rates.min() / 1.3, crit * 0.995, 300)
    with style_context():
        fig = Figure(figsize=figsize, layout="constrained")
        ax = fig.subplots()
        for i, s in enumerate(noises):
            ax.plot(grid, theory.noise_ball(problem, grid, s), color=COLORS[i], lw=1.5)
            ax.plot(rates, simulated[i], ls="none", color=COLORS[i], marker=MARKERS[i], ms=8,
                    mec="black", mew=0.6, label=f"s = {s:g}: simulated (line: formula)")
        ax.axvline(crit, color=COLORS[3], ls="--", lw=1.2)
        ax.text(crit, 0.04, f"critical rate {crit:g} ", transform=ax.get_xaxis_transform(),
                color=COLORS[3], ha="right", va="bottom", fontsize=10)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("constant learning rate")
        ax.set_ylabel("where E[(w - w*)²] settles")
        ax.legend(loc="upper left")
    table = {"rates": rates, "noises": np.array(noises), "simulated": simulated,
             "formula": formula}
    return fig, ax, table


def schedules_grid(results, titles=None, ball=None, ylim=(1e-5, 1e2), ncols=3, figsize=None):
    """Small multiples: one :class:`MSEPanel` per schedule, sharing their axes.

    The panels fill a grid of ``ncols`` columns; the legend takes the first
    free cell (or goes under the grid when there is none).

    Parameters
    ----------
    results : dict
        From :func:`lrlab.noise.compare_schedules`; one panel per entry, in order.
    titles : dict of name -> str, optional
        Panel titles (default: the name and the final mean squared error).
    ball : float, optional
        Noise ball of the starting rate, drawn dotted in every panel.
    ncols : int, default 3

    Returns ``fig, axes``.
    """
    names = list(results)
    n = len(names)
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    steps = len(results[names[0]]["mse"]) - 1
    with style_context():
        fig = Figure(figsize=figsize or (min(3.4 * ncols, WIDTH), 3.0 * nrows + 0.3),
                     layout="constrained")
        grid = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True)).ravel()
        axes = grid[:n]
        for i, (ax, name) in enumerate(zip(axes, names, strict=True)):
            color, marker = SCHEDULE_COLORS.get(name, (COLORS[i % 8], MARKERS[i % 8]))
            MSEPanel(ax, steps, ylim=ylim, color=color, marker=marker,
                     legend=False).update(results[name], ball=ball)
            final = float(results[name]["mse"][-1])
            ax.set_title((titles or {}).get(name, f"{name}:\n{final:.2g} at the end"))
            if i % ncols:
                ax.set_ylabel("")
            if i + ncols < n:      # another panel below this one
                ax.set_xlabel("")
        handles, labels = axes[0].get_legend_handles_labels()
        if n < len(grid):
            spare = grid[n]
            spare.set_axis_off()
            spare.legend(handles, labels, loc="center", fontsize=11, frameon=False)
            for ax in grid[n + 1:]:
                ax.set_visible(False)
        else:
            fig.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=10)
    return fig, axes


def long_run_figure(results, limit=None, figsize=(WIDTH, 4.4)):
    """Every schedule on one log-log panel for a long run, with its rate beside it.

    Left: the exact expected squared error of each schedule (lines) and the
    mean over the seeds (markers at a few steps). Right: the rates. ``limit``
    (``(t, values, label)``) draws a ``c / t`` law, e.g. from
    :func:`lrlab.noise.inverse_time_limit`.

    Returns ``fig, (ax_err, ax_rate)``.
    """
    with style_context():
        fig = Figure(figsize=figsize, layout="constrained")
        ax_err, ax_rate = fig.subplots(1, 2, width_ratios=[1.5, 1])
        for i, (name, r) in enumerate(results.items()):
            color, marker = SCHEDULE_COLORS.get(name, (COLORS[i % 8], MARKERS[i % 8]))
            steps = len(r["mse"]) - 1
            t = np.arange(1, steps + 1)
            ax_err.plot(t, r["expected"][1:], color=color, lw=2, label=name)
            picks = np.unique(np.geomspace(1, steps, 16).astype(int))
            ax_err.plot(picks, r["mse"][picks], ls="none", color=color, marker=marker, ms=6,
                        mec="black", mew=0.5)
            lr = r["lr"]
            shown = lr > 0
            ax_rate.plot(np.arange(len(lr))[shown] + 1, lr[shown], color=color, lw=2,
                         label=name)
        if limit is not None:
            t, values, label = limit
            ax_err.plot(t, values, color="black", ls=":", lw=1.8, label=label)
        ax_err.set_xscale("log")
        ax_err.set_yscale("log")
        ax_err.set_xlabel("step")
        ax_err.set_ylabel("E[(w - w*)²]  (markers: mean of the seeds)")
        ax_err.legend(loc="lower left", fontsize=10)
        ax_rate.set_xscale("log")
        ax_rate.set_yscale("log")
        ax_rate.set_ylim(1e-5, 1.0)
        ax_rate.set_xlabel("step")
        ax_rate.set_ylabel("learning rate")
    return fig, (ax_err, ax_rate)
