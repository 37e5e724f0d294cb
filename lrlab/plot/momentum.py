"""Figures for notebook 07 (momentum and Adam): ringing, the (lr, momentum) map, paths.

Static figures for the notebook and the panels its explorers update in place
(:mod:`lrlab.explore.momentum`). The numbers come from :mod:`lrlab.descent`,
:mod:`lrlab.theory` and :mod:`lrlab.momentum`; nothing here computes them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap, LogNorm
from matplotlib.figure import Figure

from .. import theory
from .base import (
    COLORS,
    FLOOR,
    MARKERS,
    WIDTH,
    grid_columns,
    panel_grid,
    set_line_data,
    step_axes,
    style_context,
)
from .two_d import ContourPanel

__all__ = ["distance", "ErrorPanel", "PathsPanel", "ringing_grid", "momentum_map",
           "momentum_paths_grid", "warmup_figure", "one_cycle_figure"]

_GREY = "#777777"


class ErrorPanel:
    """``|w_t - w*|`` against the step on a log axis, one line per run, with a dashed
    guide ``|e_0| rho^t`` (the factor per step from :mod:`lrlab.theory`)."""

    def __init__(self, ax, steps, ylim=(1e-12, 1e4), n_lines=1):
        self.ax, self.ylim = ax, ylim
        self.lines = [ax.plot([], [], color=COLORS[i % 8], marker=MARKERS[i % 8], ms=3,
                              markevery=0.1)[0] for i in range(n_lines)]
        (self.guide,) = ax.plot([], [], color=_GREY, ls="--", lw=1.3, label="|e0| rho^t")
        step_axes(ax, steps, ylim, "distance to the minimum")

    def update(self, errors, rho=None):
        """``errors``: one array of distances per line (fewer hides the rest)."""
        for i, line in enumerate(self.lines):
            if i >= len(errors):
                set_line_data(line, [], [])
                continue
            e = np.asarray(errors[i], dtype=np.float64)
            e = np.where(np.isfinite(e), np.maximum(e, FLOOR), np.nan)   # NaN: not drawn
            set_line_data(line, np.arange(len(e)), e)
        if rho is None or not errors:
            set_line_data(self.guide, [], [])
        else:
            e0 = float(np.asarray(errors[0])[0])
            t = np.arange(len(errors[0]))
            with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
                g = e0 * float(rho) ** t
            # only the part inside the panel (an infinity cannot be drawn)
            g = np.where((g <= 10 * self.ylim[1]) & (g >= 1e-3 * self.ylim[0]), g, np.nan)
            set_line_data(self.guide, t, g)
        return self


def distance(run):
    """``|w_t - w*|`` at every step of a run (Euclidean in 2-D; no overflow).

    >>> from lrlab import Quadratic, gradient_descent
    >>> run = gradient_descent(Quadratic([0.5, 5.0]), [3.0, 4.0], lr=0.1, steps=1)
    >>> distance(run).round(12).tolist()      # from (3, 4) to (2.7, 0)
    [5.0, 2.7]
    """
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.asarray(run.w, dtype=np.float64) - run.problem.minimum
        return np.abs(e) if not run.problem.shape else np.hypot(e[..., 0], e[..., 1])


class PathsPanel:
    """A contour map of a 2-D problem with several paths on it (one per optimizer)."""

    def __init__(self, ax, problem, xlim, ylim, n_paths, labels=None, max_points=80):
        self.contour = ContourPanel(ax, problem, xlim, ylim, max_points=max_points,
                                    label=labels[0] if labels else None)
        self.ax, self.max_points = ax, max_points
        self.extra = []
        for i in range(1, n_paths):
            (line,) = ax.plot([], [], color=COLORS[i % 8], marker=MARKERS[i % 8], ms=4, lw=1.3,
                              alpha=0.9, zorder=4, label=labels[i] if labels else None)
            line.set_in_layout(False)
            self.extra.append(line)
        if labels:
            ax.legend(loc="lower right", fontsize=10, framealpha=0.9)

    def update(self, runs):
        self.contour.update(runs[0])
        (x0, x1), (y0, y1) = self.contour.xlim, self.contour.ylim
        for line, run in zip(self.extra, runs[1:], strict=False):
            w = np.asarray(run.w, dtype=np.float64)[: self.max_points + 1]
            inside = np.isfinite(w).all(axis=1) & (w[:, 0] >= x0) & (w[:, 0] <= x1) & (
                w[:, 1] >= y0) & (w[:, 1] <= y1)
            stop = len(w) if inside.all() else int(np.argmin(inside))
            set_line_data(line, w[:stop, 0], w[:stop, 1])
        return self


def ringing_grid(problem, w0, lr, momenta, steps, ncols=None, figsize=None):
    """One panel per momentum: the heavy ball's distance to the minimum, step by step.

    Each title gives the momentum, the limit ``2 (1 + beta) / L`` and the regime
    (:func:`lrlab.theory.momentum_regime`); the dashed line is ``|e_0| rho^t``
    with ``rho`` the :func:`~lrlab.theory.momentum_contraction`.
    Returns ``fig, axes, runs`` (a batch of runs, one per momentum).
    """
    from ..descent import gradient_descent

    momenta = np.asarray(momenta, dtype=np.float64)
    runs = gradient_descent(problem, w0, lr, steps, momentum=momenta)
    ncols = grid_columns(len(momenta), ncols)
    with style_context():
        fig, axes, _ = panel_grid(len(momenta), ncols, (3.3, 3.0), figsize, what="momenta",
                                   sharey=True)
        for i, beta in enumerate(momenta):
            run = runs.run(i)
            panel = ErrorPanel(axes[i], steps)
            panel.lines[0].set_color(COLORS[i % 8])
            panel.update([distance(run)], theory.momentum_contraction(problem, lr, beta))
            limit = theory.momentum_critical_lr(problem, beta)
            axes[i].set_title(f"beta = {beta:g}: limit {limit:.3g}\n"
                              f"{theory.momentum_regime(problem, lr, beta)}", fontsize=11)
            if i % ncols:
                axes[i].set_ylabel("")
    return fig, axes, runs


def momentum_map(result, problem, figsize=(WIDTH, 4.6), points=()):
    """The ``(lr, momentum)`` map of :func:`lrlab.momentum.sweep_outcomes`.

    Colour: steps to stay within the tolerance (darker is faster); light grey
    "not yet", red "diverges". The black curve is the limit ``2 (1 + beta) / L``
    (:func:`lrlab.theory.momentum_critical_lr`); the dashed line at
    ``beta = 0`` is plain descent. ``points``: ``(lr, beta, label)`` to mark.
    Returns ``fig, ax``.
    """
    rates, momenta = result["rates"], result["momenta"]
    n = result["steps_to"].T
    with style_context():
        fig = Figure(figsize=figsize, layout="constrained")
        ax = fig.subplots()
        finite = np.isfinite(n)
        top = max(float(n[finite].max()) if finite.any() else 2.0, 2.0)
        mesh = ax.pcolormesh(rates, momenta, np.where(finite, n, np.nan), shading="nearest",
                             cmap="viridis", norm=LogNorm(1, top))
        flags = np.where(result["outcome"].T == "diverges", 1.0,
                         np.where(result["outcome"].T == "not yet", 0.0, np.nan))
        ax.pcolormesh(rates, momenta, flags, shading="nearest",
                      cmap=ListedColormap(["#DDDDDD", "#F4A582"]),
                      norm=BoundaryNorm([-0.5, 0.5, 1.5], 2))
        fig.colorbar(mesh, ax=ax, label="steps to stay within the tolerance")
        limit = theory.momentum_critical_lr(problem, momenta)
        ax.plot(limit, momenta, color="black", lw=2, label="limit 2 (1 + beta) / L")
        ax.axhline(0, color=COLORS[1], ls="--", lw=2.5, label="plain descent (beta = 0)")
        for lr, beta, label in points:
            ax.plot([lr], [beta], marker="o", ms=9, mfc="white", mec="black", mew=1.5)
            ax.annotate(label, (lr, beta), textcoords="offset points", xytext=(6, 6),
                        fontsize=10)
        ax.set_xscale("log")
        ax.set_xlim(rates[0], rates[-1])
        ax.set_ylim(momenta[0] - 0.01, momenta[-1] + 0.005)
        ax.set_xlabel("learning rate")
        ax.set_ylabel("momentum beta")
        ax.legend(loc="upper left", fontsize=10, framealpha=0.9)
    return fig, ax


def momentum_paths_grid(problems, runs_per_panel, labels, titles, xlim, ylim, ncols=None,
                        figsize=None, max_points=80):
    """Contour maps with several runs' paths on each (one panel per problem).

    ``runs_per_panel``: a list (one per panel) of lists of runs, drawn in the
    order of ``labels``. Returns ``fig, axes``.
    """
    n = len(problems)
    ncols = grid_columns(n, ncols)
    with style_context():
        fig, axes, _ = panel_grid(n, ncols, (4.2, 3.4), figsize, what="problems")
        for i, (problem, runs) in enumerate(zip(problems, runs_per_panel, strict=True)):
            PathsPanel(axes[i], problem, xlim, ylim, len(runs), labels=labels if i == 0 else None,
                       max_points=max_points).update(runs)
            axes[i].set_title(titles[i], fontsize=11)
    return fig, axes


def warmup_figure(runs, labels, limits, figsize=(WIDTH, 3.8)):
    """Left: the loss per step of each run; right: its rate per step, with the
    largest stable rate where that run stood (``limits``, e.g.
    :func:`lrlab.theory.critical_lr_at` along the path; dotted).

    Returns ``fig, (ax_loss, ax_rate)``.
    """
    with style_context():
        fig = Figure(figsize=figsize, layout="constrained")
        ax_loss, ax_rate = fig.subplots(1, 2)
        for i, (run, label) in enumerate(zip(runs, labels, strict=True)):
            loss = np.asarray(run.loss, dtype=np.float64)
            ax_loss.plot(np.arange(len(loss)), np.maximum(loss, FLOOR), color=COLORS[i],
                         marker=MARKERS[i], ms=3, markevery=0.1, label=label)
            ax_rate.plot(np.arange(run.steps), run.lr, color=COLORS[i], marker=MARKERS[i],
                         ms=3, markevery=0.1, drawstyle="steps-post", label=f"rate: {label}")
        for i, lim in enumerate(limits):
            if lim is not None:
                ax_rate.plot(np.arange(len(lim)), lim, color=COLORS[i], ls=":", lw=2,
                             label=f"limit where it stands: {labels[i]}")
        ax_loss.set_yscale("log")
        ax_loss.set_xlabel("step")
        ax_loss.set_ylabel("loss")
        ax_loss.legend(fontsize=10)
        ax_rate.set_yscale("log")
        ax_rate.set_xlabel("step")
        ax_rate.set_ylabel("learning rate")
        ax_rate.legend(fontsize=9, loc="lower right")
    return fig, (ax_loss, ax_rate)


def one_cycle_figure(rates, momenta, figsize=(WIDTH, 3.6)):
    """One-cycle's rate and momentum per step (left) and the effective rate
    ``lr / (1 - beta)`` (right). Returns ``fig, (ax_left, ax_right)``."""
    rates, momenta = np.asarray(rates), np.asarray(momenta)
    t = np.arange(len(rates))
    with style_context():
        fig = Figure(figsize=figsize, layout="constrained")
        ax, ax_eff = fig.subplots(1, 2)
        ax.plot(t, rates, color=COLORS[0], label="learning rate")
        ax.set_xlabel("step")
        ax.set_ylabel("learning rate", color=COLORS[0])
        twin = ax.twinx()
        twin.spines["right"].set_visible(True)
        twin.plot(t, momenta, color=COLORS[1], ls="--", label="momentum")
        twin.set_ylabel("momentum", color=COLORS[1])
        ax_eff.plot(t, theory.effective_lr(rates, momenta), color=COLORS[2],
                    label="lr / (1 - beta), momentum cycled")
        ax_eff.plot(t, theory.effective_lr(rates, 0.9), color=_GREY, ls=":",
                    label="lr / (1 - 0.9), momentum fixed")
        ax_eff.set_xlabel("step")
        ax_eff.set_ylabel("effective rate")
        ax_eff.legend(fontsize=10)
    return fig, (ax, ax_eff)
