"""Figures for problems in two variables: contour maps with the path of ``w`` on them.

Like :mod:`lrlab.plot.base`'s panels, each draws what does not change once and
``update(...)`` moves its lines, so :mod:`lrlab.explore.two_d` redraws a new
rate without recomputing a contour.

- :class:`ContourPanel`: the loss as contour lines, the minimum, and the path
  of ``w``; a path that leaves the window stops at the edge with a cross and
  the step at which it left.
- :class:`FactorPanel`: every direction's factor ``|1 - L_i lr|`` against the
  rate, the worst of them (the contraction), and the best constant rate
  ``2 / (L_min + L_max)`` and the limit ``2 / L_max``.
- :class:`DirectionErrorPanel`: each coordinate's distance to the minimum,
  step by step, on a log axis.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from lrlab import Quadratic
>>> fig, axes, runs = contour_grid(Quadratic([0.5, 5.0]), [-5.0, 2.0], [0.1, 0.19], 30,
...                                xlim=(-6, 6), ylim=(-3, 3))
>>> [ax.get_title() for ax in axes]
['lr = 0.1: x ×0.9, y ×0 per step', 'lr = 0.19: x ×0.81, y ×-0.9 per step']
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.path import Path

from .. import theory
from ..descent import gradient_descent
from ..problems import Quadratic
from .base import (
    COLORS,
    MARKERS,
    WIDTH,
    RateMarks,
    grid_columns,
    label_above,
    panel_grid,
    set_line_data,
    set_text_position,
)

__all__ = [
    "ContourPanel",
    "FactorPanel",
    "DirectionErrorPanel",
    "contour_grid",
    "factor_plot",
    "direction_errors",
    "edge_exit",
]

_GREY = "#777777"
_AXIS_NAMES = ("x", "y")


def edge_exit(w, xlim, ylim):
    """Where a 2-D path first leaves the window, and the point where it crosses the edge.

    Returns ``(step, point)``: ``step`` is the index of the first point that is
    outside ``xlim`` x ``ylim`` or not finite (``None`` if the path stays
    inside), ``point`` the spot on the window's edge where the segment from the
    previous point goes out (the start itself, pinned to the window, when the
    path starts outside; the previous point when the next one is not finite).

    >>> edge_exit(np.array([[0.0, 0.0], [2.0, 4.0]]), (-1, 1), (-1, 1))
    (1, (0.5, 1.0))
    """
    w = np.asarray(w, dtype=np.float64)
    lo = np.array([xlim[0], ylim[0]], dtype=np.float64)
    hi = np.array([xlim[1], ylim[1]], dtype=np.float64)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(w).all(axis=-1) | (w < lo).any(axis=-1) | (w > hi).any(axis=-1)
    if not bad.any():
        return None, None
    k = int(np.argmax(bad))
    if k == 0:
        return 0, tuple(float(v) for v in np.clip(np.nan_to_num(w[0]), lo, hi))
    p, q = w[k - 1], w[k]
    if not np.isfinite(q).all():
        return k, (float(p[0]), float(p[1]))
    d = q - p
    # the largest fraction s of the segment that stays inside, coordinate by coordinate
    s = 1.0
    for i in range(2):
        if d[i] > 0:
            s = min(s, (hi[i] - p[i]) / d[i])
        elif d[i] < 0:
            s = min(s, (lo[i] - p[i]) / d[i])
    edge = np.clip(p + s * d, lo, hi)
    return k, (float(edge[0]), float(edge[1]))


def _levels(z, n, spacing):
    """Contour levels between the lowest and highest loss on the grid (or of the values ``z``)."""
    zmin, zmax = float(np.nanmin(z)), float(np.nanmax(z))
    span = max(zmax - zmin, 1e-300)
    if spacing == "log":
        return zmin + np.geomspace(span * 1e-4, span, n)
    if spacing == "sqrt":
        # a quadratic's ellipses equally spaced in distance
        return zmin + span * np.linspace(0.0, 1.0, n + 1)[1:] ** 2
    if spacing == "linear":
        return zmin + span * np.linspace(0.0, 1.0, n + 2)[1:-1]
    raise ValueError(f"spacing must be 'sqrt', 'log' or 'linear', got {spacing!r}")


def _is_bowl(problem):
    """A 2-D quadratic: its contour lines are ellipses, drawn from their closed form."""
    return isinstance(problem, Quadratic) and problem.shape == (2,)


def _window_range(problem, xlim, ylim):
    """Lowest and highest loss of a quadratic bowl over the window.

    Lowest at the minimum pulled into the window (the loss grows away from
    it along each axis on its own), highest at a corner.
    """
    c = np.asarray(problem.center, dtype=np.float64)
    inside = np.clip(c, [xlim[0], ylim[0]], [xlim[1], ylim[1]])
    corners = np.array([[x, y] for x in xlim for y in ylim], dtype=np.float64)
    return float(problem.loss(inside)), float(problem.loss(corners).max())


def _ring_path(rings):
    """One path of closed rings: the first counter-clockwise, the rest (holes) reversed."""
    verts, codes = [], []
    for i, ring in enumerate(rings):
        ring = ring if i == 0 else ring[::-1]
        verts.append(ring)
        codes.append(np.full(len(ring), Path.LINETO, dtype=Path.code_type))
        codes[-1][0], codes[-1][-1] = Path.MOVETO, Path.CLOSEPOLY
    return Path(np.concatenate(verts), np.concatenate(codes))


def _special_points(problem):
    """Minima (and a saddle, if the problem names one) to mark on the map."""
    minima = getattr(problem, "minima", None)
    if minima is None:
        minima = getattr(problem, "minimum", None)
    minima = np.empty((0, 2)) if minima is None else np.atleast_2d(np.asarray(minima, float))
    saddle = getattr(problem, "saddle", None)
    saddle = np.empty((0, 2)) if saddle is None else np.atleast_2d(np.asarray(saddle, float))
    return minima, saddle


class ContourPanel:
    """The loss of a 2-D problem as a contour map, with the path of ``w`` walked on it.

    Parameters
    ----------
    problem : Problem with ``shape == (2,)``
    xlim, ylim : (float, float)
        The window shown; a path that leaves it stops at the edge with a cross.
    max_points : int
        Draw at most this many points of the path (the first ones).
    levels : int
        Number of contour lines.
    spacing : {"sqrt", "log", "linear"}
        How the levels are spread: ``"sqrt"`` gives a quadratic bowl evenly
        spaced ellipses; ``"log"`` suits a loss spanning decades (Rosenbrock).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab import Quadratic, gradient_descent
    >>> fig = Figure()
    >>> panel = ContourPanel(fig.subplots(), Quadratic([0.5, 5.0]), (-6, 6), (-3, 3))
    >>> run = gradient_descent(Quadratic([0.5, 5.0]), [-5.0, 2.0], lr=0.21, steps=40)
    >>> panel.update(run).exit_text.get_text()
    'left the plot at step 5'
    """

    def __init__(self, ax, problem, xlim, ylim, color=COLORS[0], marker="o", max_points=80,
                 levels=12, spacing="sqrt", label=None):
        self.ax = ax
        self.xlim = tuple(float(v) for v in xlim)
        self.ylim = tuple(float(v) for v in ylim)
        self.max_points, self.n_levels, self.spacing = max_points, levels, spacing
        self.fill = self.lines = None
        (self.path,) = ax.plot([], [], color=color, marker=marker, ms=4.5, lw=1.4, alpha=0.95,
                               zorder=4, label=label)
        (self.start,) = ax.plot([], [], ls="none", marker="o", ms=11, mfc="white", mec="black",
                                mew=1.5, zorder=5)
        (self.end,) = ax.plot([], [], ls="none", marker="*", ms=16, color=color, mec="black",
                              zorder=6)
        (self.exit,) = ax.plot([], [], ls="none", marker="X", ms=14, color=COLORS[3],
                               mec="black", zorder=7, clip_on=False)
        (self.minima,) = ax.plot([], [], ls="none", marker="+", ms=16, mew=2.5, color="black",
                                 zorder=3)
        (self.saddle,) = ax.plot([], [], ls="none", marker="x", ms=11, mew=2, color=_GREY,
                                 zorder=3)
        self.exit_text = ax.text(0.5, 0.97, "", transform=ax.transAxes, ha="center", va="top",
                                 color=COLORS[3], fontsize=12, fontweight="bold", zorder=8,
                                 bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none",
                                           alpha=0.85))
        for artist in (self.path, self.start, self.end, self.exit, self.minima, self.saddle,
                       self.exit_text):
            artist.set_in_layout(False)  # moving artists must not move the axes
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        self.set_problem(problem)

    def set_problem(self, problem):
        """Draw the contour map of ``problem`` (only needed when the surface changes).

        A quadratic bowl's contours are ellipses, drawn from their closed form
        (:func:`lrlab.theory.level_ellipse`): a new bowl moves the same two
        artists (bands and lines) to new ellipses, adding none. Any other
        surface is contoured on a grid (``contourf`` and ``contour``).
        """
        if problem.shape != (2,):
            raise ValueError("ContourPanel draws 2-D problems; problem.shape must be (2,)")
        self.problem = problem
        bowl = _is_bowl(problem)
        for artist in (self.fill, self.lines):
            if artist is not None and not (bowl and isinstance(artist, (PathCollection,
                                                                       LineCollection))):
                artist.remove()
        if bowl:
            self._draw_ellipses(problem)
        else:
            self._draw_grid(problem)
        minima, saddle = _special_points(problem)
        set_line_data(self.minima, minima[:, 0], minima[:, 1])
        set_line_data(self.saddle, saddle[:, 0], saddle[:, 1])
        return self

    def _draw_ellipses(self, problem):
        """The bands and lines of a bowl, as ``contourf`` and ``contour`` would draw them."""
        zmin, zmax = _window_range(problem, self.xlim, self.ylim)
        levels = _levels(np.array([zmin, zmax]), self.n_levels, self.spacing)
        self.levels = levels
        rings = [theory.level_ellipse(problem, level) for level in levels]
        # the band between two levels is the ring between their ellipses; the lowest
        # is the inside of the first, the highest the window outside the last
        (x0, x1), (y0, y1) = self.xlim, self.ylim
        dx, dy = x1 - x0, y1 - y0
        frame = np.array([[x0 - dx, y0 - dy], [x1 + dx, y0 - dy], [x1 + dx, y1 + dy],
                          [x0 - dx, y1 + dy], [x0 - dx, y0 - dy]])
        bands = [_ring_path([rings[0]])]
        bands += [_ring_path([outer, inner])
                  for inner, outer in zip(rings[:-1], rings[1:], strict=True)]
        if levels[-1] < zmax:                  # some of the window lies above the top level
            bands.append(_ring_path([frame, rings[-1]]))
        # colours as contourf gives them: Greys at the middle of each band, on a
        # scale from the lowest loss to 1 above the highest (contourf's top edge)
        edges = np.array([zmin, *levels, zmax + 1.0])
        middles = 0.5 * (edges[:-1] + edges[1:])[:len(bands)]
        colors = matplotlib.colormaps["Greys"](Normalize(zmin, zmax + 1.0)(middles))
        colors[:, 3] = 0.28
        if isinstance(self.fill, PathCollection):
            self.fill.set_paths(bands)
            self.fill.set_facecolor(colors)
            self.lines.set_segments(rings)
            return
        self.fill = PathCollection(bands, facecolors=colors, edgecolors="none", linewidths=0,
                                   antialiaseds=True, zorder=0)
        self.lines = LineCollection(rings, colors=_GREY, linewidths=0.9, linestyles="solid",
                                    zorder=1)
        for artist in (self.fill, self.lines):
            self.ax.add_collection(artist, autolim=False)

    def _draw_grid(self, problem):
        xs = np.linspace(*self.xlim, 161)  # a surface other than a bowl: contoured on a grid
        ys = np.linspace(*self.ylim, 161)
        X, Y = np.meshgrid(xs, ys)
        Z = problem.loss(np.stack([X, Y], axis=-1))
        levels = _levels(Z, self.n_levels, self.spacing)
        self.levels = levels
        self.fill = self.ax.contourf(X, Y, Z, levels=np.concatenate([[Z.min()], levels,
                                                                     [Z.max() + 1]]),
                                     cmap="Greys", alpha=0.28, zorder=0, antialiased=True)
        self.lines = self.ax.contour(X, Y, Z, levels=levels, colors=_GREY, linewidths=0.9,
                                     linestyles="solid", zorder=1)

    def update(self, run):
        """Show ``run`` (a single run on a 2-D problem)."""
        w = np.asarray(run.w, dtype=np.float64)[: self.max_points + 1]
        out, edge = edge_exit(w, self.xlim, self.ylim)
        # a long path gets a marker every few steps (at most about 100), not on every point
        self.path.set_markevery(None if len(w) <= 120 else max(1, len(w) // 100))
        self.start.set_data(w[:1, 0], w[:1, 1])
        if out is None:
            self.path.set_data(w[:, 0], w[:, 1])
            self.end.set_data(w[-1:, 0], w[-1:, 1])
            self.exit.set_data([], [])
            self.exit_text.set_text("")
        else:
            shown = np.vstack([w[:out], [edge]])
            self.path.set_data(shown[:, 0], shown[:, 1])
            self.end.set_data([], [])
            self.exit.set_data([edge[0]], [edge[1]])
            self.exit_text.set_text(f"left the plot at step {out}")
            # the note stands on the side the path did not leave by
            high = edge[1] > 0.5 * (self.ylim[0] + self.ylim[1])
            set_text_position(self.exit_text, y=0.03 if high else 0.97)
            self.exit_text.set_verticalalignment("bottom" if high else "top")
        return self


class FactorPanel:
    """Every direction's factor ``|1 - L_i lr|`` against the rate, and the worst of them.

    One V-shaped line per direction (:func:`lrlab.theory.direction_factors`),
    the contraction ``max_i |1 - L_i lr|`` in black
    (:func:`lrlab.theory.contraction`), a dashed line at the best constant
    rate (:func:`lrlab.theory.optimal_lr`), where the contraction is lowest,
    and one at the limit (:func:`lrlab.theory.critical_lr`), where it reaches 1.
    ``update(lr)`` puts a marker on every line at one rate.

    Parameters
    ----------
    problem : Quadratic (or any problem with a ``curvature``)
    lr_range : (float, float)
        The rates shown (linear axis).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab import Quadratic
    >>> fig = Figure()
    >>> panel = FactorPanel(fig.subplots(), Quadratic([0.5, 5.0]), (0, 0.25)).update(0.1)
    >>> panel.label.get_text()
    'lr = 0.1: x ×0.9, y ×0'
    """

    def __init__(self, ax, problem, lr_range, ylim=(0.0, 1.45)):
        self.ax = ax
        self.grid = np.linspace(max(float(lr_range[0]), 1e-12), float(lr_range[1]), 501)
        d = len(theory.curvatures(problem))
        ax.axhspan(1.0, ylim[1], color=COLORS[3], alpha=0.08, lw=0, zorder=0)
        ax.axhline(1.0, color=COLORS[3], lw=1, ls=":", zorder=1)
        ax.text(0.01, 1.0, " above 1: diverges", transform=ax.get_yaxis_transform(),
                ha="left", va="bottom", color=COLORS[3], fontsize=10)
        self.curves = [ax.plot([], [], color=COLORS[i % 8], lw=2, zorder=2)[0]
                       for i in range(d)]
        # each line is named in the panel, next to its lowest point (no legend to cover it)
        self.names = [ax.text(0, 0, _name(i, d), color=COLORS[i % 8], fontsize=13,
                              fontweight="bold", ha="left" if i % 2 else "right", va="bottom",
                              zorder=6) for i in range(d)]
        (self.worst,) = ax.plot([], [], color="black", lw=3.2, alpha=0.35, zorder=3)
        self.dots = [ax.plot([], [], ls="none", marker=MARKERS[i % 8], ms=8, color=COLORS[i % 8],
                             mec="black", zorder=5)[0] for i in range(d)]
        self.now_line = ax.axvline(0, color=COLORS[4], lw=2, zorder=4)
        self.now_line.set_visible(False)
        self._marks = RateMarks(ax, "best", at=(0, 0), lw=1.6, fontsize=11)
        self.best_line, self.crit_line = self._marks.lines
        self.best_text, self.crit_text = self._marks.texts
        # above the panel, a row above the thresholds' labels: a long list of factors has the
        # panel's whole width there
        left = self.grid[0] if lr_range[0] > 0 else 0.0
        self.label = label_above(ax, left, "", color=COLORS[4], ha="left", fontsize=11, row=1,
                                 fontweight="bold", zorder=6)
        for artist in (*self.dots, *self.names):
            artist.set_in_layout(False)
        ax.set_xlim(self.grid[0] if lr_range[0] > 0 else 0.0, self.grid[-1])
        ax.set_ylim(*ylim)
        ax.set_xlabel("learning rate")
        ax.set_ylabel("error factor |1 - L lr|")
        self.lr = None
        self.set_problem(problem)

    def set_problem(self, problem):
        """Redraw the lines for a problem with other curvatures (same number of directions)."""
        self.problem = problem
        factors = np.abs(theory.direction_factors(problem, self.grid))
        d = len(factors[0])
        lo, hi = self.grid[0], self.grid[-1]
        # only what changed is set: a line or label left as it was is not redrawn
        for i, curve in enumerate(self.curves):
            set_line_data(curve, self.grid, factors[:, i])
            low = int(np.argmin(factors[:, i]))  # the line's lowest point within the range
            at = min(low, int(0.6 * (len(self.grid) - 1)))  # clear of the limit's labels
            name = self.names[i]
            if 0 < low == at:
                # a V: the name stands inside it, clear of both arms
                set_text_position(name, self.grid[at], factors[at, i] + 0.2)
                ha = "center"
            else:
                set_text_position(name, self.grid[at] + (0.012 if i % 2 else -0.012) * (hi - lo),
                                   factors[at, i] + 0.02)
                ha = "left" if i % 2 else "right"
            if name.get_horizontalalignment() != ha:    # left clean when it stays
                name.set_horizontalalignment(ha)
            name.set_text(_name(i, d))
        set_line_data(self.worst, self.grid, theory.contraction(problem, self.grid))
        self._marks.move(theory.optimal_lr(problem), theory.critical_lr(problem))
        if self.lr is not None:
            self.update(self.lr)
        return self

    def update(self, lr):
        """Mark rate ``lr`` on every direction's line and name the factors."""
        self.lr = float(lr)
        factors = theory.direction_factors(self.problem, self.lr)
        top = self.ax.get_ylim()[1]
        for dot, f in zip(self.dots, factors, strict=True):
            dot.set_data([self.lr], [min(abs(f), top)])
        self.now_line.set_xdata([self.lr, self.lr])
        self.now_line.set_visible(True)
        d = len(factors)
        parts = ", ".join(f"{_name(i, d)} ×{_factor(f)}" for i, f in enumerate(factors))
        self.label.set_text(f"lr = {self.lr:.3g}: {parts}")
        return self


class DirectionErrorPanel:
    """Each coordinate's distance to the minimum ``|w_i - w*_i|`` against the step (log axis).

    A constant factor per step is a straight line: the steeper, the faster.
    Errors of exactly 0 are drawn at the bottom; a run that grows past the
    top stops there with a cross.

    Parameters
    ----------
    center : array_like, shape (2,)
        The minimum ``w*``.
    """

    def __init__(self, ax, center, steps, ylim=(1e-10, 1e3)):
        self.ax, self.ylim = ax, ylim
        self.center = np.asarray(center, dtype=np.float64)
        d = self.center.size
        self.lines = [ax.plot([], [], color=COLORS[i % 8], marker=MARKERS[i % 8], ms=4,
                              markevery=0.08, label=f"|{_name(i, d)} - {_name(i, d)}*|")[0]
                      for i in range(d)]
        (self.cross,) = ax.plot([], [], ls="none", marker="X", ms=12, color=COLORS[3],
                                mec="black", zorder=5)
        self.cross.set_in_layout(False)
        ax.set_yscale("log")
        ax.set_ylim(*ylim)
        ax.set_xlim(0, steps)
        ax.set_xlabel("step")
        ax.set_ylabel("distance to minimum")
        # upper right: every error shrinks from the start or runs off the top (then it stops
        # there, with a cross), so that corner stays empty; the bottom holds errors of 0
        ax.legend(loc="upper right", framealpha=0.9)

    def set_steps(self, steps):
        self.ax.set_xlim(0, steps)

    def update(self, run):
        """Show the errors of ``run`` (a single run)."""
        err = np.abs(np.asarray(run.w, dtype=np.float64) - self.center)
        t = np.arange(err.shape[0])
        lo, hi = self.ylim
        crosses = []
        for i, line in enumerate(self.lines):
            with np.errstate(invalid="ignore"):
                bad = ~np.isfinite(err[:, i]) | (err[:, i] > hi)
                e = np.where(err[:, i] > lo, err[:, i], lo)
            if bad.any():
                k = int(np.argmax(bad))
                line.set_data(t[:k], e[:k])
                crosses.append(k)
            else:
                line.set_data(t, e)
        if crosses:
            self.cross.set_data([min(crosses)], [hi / 3])
        else:
            self.cross.set_data([], [])
        return self


def _name(i, d):
    return _AXIS_NAMES[i] if d == 2 else f"w{i}"


def _factor(f):
    f = float(f)
    return "0" if abs(f) < 5e-13 else f"{f:.3g}"


def _title(problem, lr):
    if callable(lr):
        p = getattr(lr, "params", {})
        if getattr(lr, "name", "") == "exponential_decay":
            return f"lr {p['initial_lr']:g}, decay ×{p['decay_rate']:g} per step"
        return getattr(lr, "name", "schedule")
    text = f"lr = {lr:g}"
    if hasattr(problem, "curvature") and hasattr(problem, "center"):
        factors = theory.direction_factors(problem, lr)
        d = len(factors)
        text += ": " + ", ".join(f"{_name(i, d)} ×{_factor(f)}" for i, f in enumerate(factors))
        text += " per step"
    return text


def _as_list(x, n, is_single):
    return [x] * n if is_single(x) else list(x)


def contour_grid(problems, starts, rates, steps, xlim, ylim, titles=None, ncols=None,
                 figsize=None, spacing="sqrt", levels=12, max_points=80):
    """Small multiples: one contour map per panel, each with one run's path.

    ``problems``, ``starts`` and ``rates`` are each one item (the same in
    every panel) or a list (one per panel). A rate may be a schedule from
    :mod:`lrlab.schedules`. The default titles give the rate and, for a
    quadratic, each direction's factor ``1 - L_i lr``
    (:func:`lrlab.theory.direction_factors`).

    Returns ``fig, axes, runs``; ``runs`` is a list of
    :class:`~lrlab.Trajectory`, one per panel.
    """
    def single_problem(p):
        return hasattr(p, "loss")

    def single_start(s):
        return np.ndim(s) == 1

    def single_rate(r):
        return callable(r) or np.ndim(r) == 0

    lens = [len(x) for x, single in ((problems, single_problem), (starts, single_start),
                                     (rates, single_rate)) if not single(x)]
    n = max(lens) if lens else 1
    problems = _as_list(problems, n, single_problem)
    starts = _as_list(starts, n, single_start)
    rates = _as_list(rates, n, single_rate)
    if not len(problems) == len(starts) == len(rates) == n:
        raise ValueError("problems, starts and rates given as lists must have the same length")
    ncols = grid_columns(n, ncols)
    fig, axes, _ = panel_grid(n, ncols, (3.3, 3.0), figsize, what="problems, starts or rates",
                               sharex=True, sharey=True)
    runs = []
    for i in range(n):
        run = gradient_descent(problems[i], starts[i], lr=rates[i], steps=steps)
        runs.append(run)
        ax = axes[i]
        ContourPanel(ax, problems[i], xlim, ylim, color=COLORS[i % 8], marker=MARKERS[i % 8],
                     spacing=spacing, levels=levels, max_points=max_points).update(run)
        ax.set_title(titles[i] if titles else _title(problems[i], rates[i]), fontsize=11)
        if i % ncols:
            ax.set_ylabel("")
        if i < n - ncols:
            ax.set_xlabel("")
    return fig, axes, runs


def factor_plot(problem, rates=(), lr_range=None, figsize=(8, 3.6)):
    """A figure of :class:`FactorPanel`, with a few rates marked on the worst-direction line.

    ``lr_range`` defaults to ``(0, 1.25 * critical rate)``. Returns ``fig, ax``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab import Quadratic
    >>> fig, ax = factor_plot(Quadratic([0.5, 5.0]), rates=[0.1])
    >>> round(float(ax.get_xlim()[1]), 6)
    0.25
    """
    if lr_range is None:
        lr_range = (0.0, 1.25 * theory.critical_lr(problem))
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    FactorPanel(ax, problem, lr_range)
    for lr in rates:
        c = theory.contraction(problem, lr)
        ax.plot([lr], [min(c, ax.get_ylim()[1])], ls="none", marker="o", ms=10, mfc="white",
                mec="black", mew=2, zorder=6)
        # written straight above its point, in the empty band above 1
        ax.text(lr, 1.2, f"{lr:g}", ha="center", va="bottom", fontsize=11, zorder=6)
    return fig, ax


def direction_errors(problem, w0, rates, steps, figsize=None, ylim=(1e-10, 1e3)):
    """Small multiples: each coordinate's distance to the minimum, one panel per rate.

    Runs :func:`~lrlab.gradient_descent` on a quadratic from ``w0`` with each
    rate; titles as in :func:`contour_grid`. Returns ``fig, axes, runs``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab import Quadratic
    >>> fig, axes, runs = direction_errors(Quadratic([0.5, 5.0]), [-5.0, 2.0], [0.1], 20)
    >>> axes[0].get_yscale()
    'log'
    """
    rates = [float(r) for r in rates]
    n = len(rates)
    fig = Figure(figsize=figsize or (min(4.2 * n, WIDTH), 3.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, n, sharey=True)).ravel()
    runs = []
    for i, (ax, lr) in enumerate(zip(axes, rates, strict=True)):
        run = gradient_descent(problem, w0, lr=lr, steps=steps)
        runs.append(run)
        DirectionErrorPanel(ax, problem.center, steps, ylim=ylim).update(run)
        ax.set_title(_title(problem, lr), fontsize=11)
        if i:
            ax.set_ylabel("")
    return fig, axes, runs
