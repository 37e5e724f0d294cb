"""What every lrlab figure shares: colours, sizes, small multiples, and panels that redraw in place.

Each panel owns one ``matplotlib.axes.Axes``. It draws what does not change
once (the loss curve, the thresholds) when it is made, and ``update(run)``
moves its lines to a new run with ``set_data``: static figures call it once,
the explorers of :mod:`lrlab.explore` call it on every slider move.

A run that leaves a panel is not drawn off to infinity: its path stops at the
edge with a cross and the step at which it left, so a diverging run reads as
diverging, not as a broken figure.

Colours are the Okabe-Ito palette (safe for colour-blind readers) and every
line also has its own marker.
"""

from __future__ import annotations

import math
import os

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation

from .._checks import check_int, check_number

__all__ = [
    "COLORS",
    "MARKERS",
    "PRESENT_SCALE",
    "STYLE",
    "WIDTH",
    "MIN_PANEL_WIDTH",
    "FLOOR",
    "GREY",
    "FINE_LADDER",
    "style_context",
    "round_up_limit",
    "grid_columns",
    "panel_grid",
    "step_axes",
    "PathPanel",
    "LossPanel",
    "RatePanel",
    "RateMarks",
    "label_above",
    "set_line_data",
    "set_text_position",
]

#: Okabe-Ito colours: blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: One marker per colour, so lines differ without colour too.
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
#: How many more pixels every figure gets in presenter mode (``make present`` sets the
#: environment variable ``LRLAB_PRESENT=1`` for Voila's kernel): a figure WIDTH wide is then
#: 1328 px, two thirds of a 1920 px projector, text and lines scaled with it. (More pixels
#: cost an explorer more time per frame: 2.6 times the pixels to encode at 1.6.)
PRESENT_SCALE = 1.6 if os.environ.get("LRLAB_PRESENT", "") not in ("", "0") else 1.0
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
    "figure.dpi": 100 * PRESENT_SCALE,
}
#: The widest a static figure is drawn, in inches at STYLE's 100 dpi: 830 px, 841 px with the
#: margins of the notebook's tight PNG. A notebook column in JupyterLab at 1280 px with the file
#: browser open is 848 px wide, so a figure shows at its own size there, tick labels and all.
WIDTH = 8.3
#: The narrowest panel of small multiples (inches): more panels in a row of WIDTH would crowd
#: their tick labels, so they wrap onto more rows instead (:func:`grid_columns`).
MIN_PANEL_WIDTH = 2.7
#: The grey of guide lines and reference curves.
GREY = "#999999"
FLOOR = 1e-32  # a loss of exactly 0 is drawn here on a log axis


def style_context():
    """``matplotlib.rc_context(STYLE)``: the figures of every lrlab module are built inside it."""
    return matplotlib.rc_context(STYLE)


def round_up_limit(value, ladder=(1.0, 2.0, 5.0)):
    """The smallest ``m * 10**k`` (``m`` one of ``ladder``) that is at least ``value``.

    An axis whose end follows a slider moves in these steps rather than on
    every move: it stays readable (with 1, 2, 5 the data fill 40-100 % of
    it; with a finer ladder more) and a panel is redrawn only when its limits
    really change.

    Parameters
    ----------
    value : float
        A positive number.
    ladder : sequence of float
        Increasing mantissas in [1, 10), starting at 1.

    Returns ``float``.

    Examples
    --------
    >>> round_up_limit(0.13), round_up_limit(0.2), round_up_limit(3.1e-5)
    (0.2, 0.2, 5e-05)
    >>> round_up_limit(37, ladder=FINE_LADDER)
    40.0
    """
    value = check_number("value", value, lo=0.0, lo_open=True)
    ladder = [float(m) for m in ladder]
    if not ladder or ladder[0] != 1.0 or sorted(ladder) != ladder or ladder[-1] >= 10:
        raise ValueError(f"ladder must be increasing mantissas in [1, 10) from 1, got {ladder}")
    power = 10.0 ** math.floor(math.log10(value))
    for step in (*ladder, 10.0):
        top = float(f"{step * power:.12g}")       # 2 * 0.1 is 0.2, not 0.20000000000000004
        if top >= value:
            return top
    return 10.0 * power


#: A ladder for :func:`round_up_limit` whose steps are at most a third: the data fill >= 75 %.
FINE_LADDER = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)


def _first_outside(values, lo, hi):
    """Index of the first non-finite value or value outside [lo, hi], or None."""
    bad = ~np.isfinite(values) | (values < lo) | (values > hi)
    return int(np.argmax(bad)) if bad.any() else None


class PathPanel:
    """The loss curve of a 1-D problem with the path of ``w`` walked on it.

    Parameters
    ----------
    problem : Problem with ``shape == ()``
    xlim : (float, float)
        The window of ``w`` shown; a path that leaves it is cut at the edge.
    max_points : int
        Draw at most this many points of the path (the first ones), so long
        runs stay readable.
    steady : bool
        Round the top of the loss axis up with :data:`FINE_LADDER`, so that a
        curvature slider changes the limits only now and then (explorers).
    """

    def __init__(self, ax, problem, xlim, color=COLORS[0], marker="o", max_points=60,
                 steady=False):
        if problem.shape != ():
            raise ValueError("PathPanel draws 1-D problems; problem.shape must be ()")
        self.ax, self.problem, self.xlim = ax, problem, tuple(float(x) for x in xlim)
        self.max_points, self.steady = max_points, steady
        (self.curve,) = ax.plot([], [], color=GREY, lw=1.5, zorder=1)
        (self.path,) = ax.plot([], [], color=color, marker=marker, ms=5, lw=1.2, alpha=0.9,
                               zorder=3)
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
        if self.steady and hi + pad > 0:
            top = round_up_limit(hi + pad, FINE_LADDER)
            base = 0.0 if lo >= 0 else -round_up_limit(-lo, FINE_LADDER)
            self.ylim = (base - 0.06 * (top - base), top)
        else:
            self.ylim = (lo - pad, hi + pad)
        self.ax.set_xlim(*self.xlim)
        self.ax.set_ylim(*self.ylim)

    def update(self, run):
        """Show ``run`` (a single 1-D run).

        A run that leaves the window and comes back (a large first rate that
        decays) is drawn whole, the lines cut at the frame, with its end
        star, and the note says when it was out.
        """
        w_all = np.asarray(run.w, dtype=np.float64)
        loss_all = np.asarray(run.loss, dtype=np.float64)
        outside = (~np.isfinite(w_all) | (w_all < self.xlim[0]) | (w_all > self.xlim[1])
                   | ~(loss_all <= self.ylim[1]))
        if outside.any() and not outside[-1]:
            return self._left_and_came_back(w_all, loss_all, outside)
        w = w_all[: self.max_points + 1]
        loss = loss_all[: self.max_points + 1]
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
            # where the path leaves the window, pinned to the edge: a marker's width inside
            # it, so the axes do not cut the marker in half
            inset = 0.03 * (self.xlim[1] - self.xlim[0])
            edge_x = float(np.clip(np.nan_to_num(w[out], nan=self.xlim[1]),
                                   self.xlim[0] + inset, self.xlim[1] - inset))
            edge_y = self.ylim[1] - 0.05 * (self.ylim[1] - self.ylim[0])
            self.end.set_data([], [])
            self.exit.set_data([edge_x], [edge_y])
            self.exit_text.set_text(f"left the plot at step {out}")
        return self

    def _left_and_came_back(self, w, loss, outside):
        out, back = int(np.argmax(outside)), int(np.flatnonzero(outside)[-1]) + 1
        shown = slice(0, self.max_points + 1)
        self.path.set_data(w[shown], loss[shown])     # finite throughout: it came back
        self.start.set_data(w[:1], loss[:1])
        self.end.set_data(w[-1:], loss[-1:])
        edge_x = float(np.clip(w[out], *self.xlim))
        edge_y = self.ylim[1] - 0.02 * (self.ylim[1] - self.ylim[0])
        self.exit.set_data([edge_x], [edge_y])
        self.exit_text.set_text(f"left the plot at step {out},\nback at step {back}")
        return self


def step_axes(ax, steps, ylim, ylabel, first=0, xlog=False, ylog=True):
    """Scales, limits and labels of a panel that shows something against the step.

    The step axis runs from ``first`` to ``steps`` (log scale if ``xlog``); the
    other shows ``ylim`` (if given; log scale if ``ylog``) and is labelled ``ylabel``.
    """
    if xlog:
        ax.set_xscale("log")
    if ylog:
        ax.set_yscale("log")
    if ylim:
        ax.set_ylim(*ylim)
    ax.set_xlim(first, steps)
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)


class LossPanel:
    """Loss against step, on a log axis, with a cross where a run diverged.

    Parameters
    ----------
    steps : int
        Width of the step axis.
    ylim : (float, float)
        Loss range shown (log scale); losses of 0 are drawn at the bottom.
    log : bool, default True
        Log scale for the loss (use False for a loss that can be negative).
    """

    def __init__(self, ax, steps, ylim=(1e-16, 1e8), log=True):
        self.ax, self.log, self.ylim = ax, log, ylim
        (line,) = ax.plot([], [], color=COLORS[0], marker=MARKERS[0], ms=3, markevery=0.1)
        (cross,) = ax.plot([], [], ls="none", marker="X", ms=12, color=COLORS[3], mec="black",
                           zorder=5)
        self.lines, self.crosses = [line], [cross]
        self.note = ax.text(0.98, 0.95, "", transform=ax.transAxes, ha="right", va="top",
                            color=COLORS[3], fontsize=11, fontweight="bold")
        # where the run stops, when the step axis goes further (see set_steps)
        self.end_line = ax.axvline(steps, color=GREY, ls=":", lw=1.2, zorder=1.5)
        self.end_line.set_visible(False)
        step_axes(ax, steps, ylim, "loss", ylog=log)

    def set_steps(self, steps, axis_end=None):
        """Show ``steps`` steps; the axis may end later (``axis_end``), with a dotted
        line at ``steps`` where the runs stop."""
        end = steps if axis_end is None else axis_end
        self.ax.set_xlim(0, end)
        self.end_line.set_xdata([steps, steps])
        self.end_line.set_visible(end > steps)

    def update(self, run):
        """Show ``run``'s loss; returns the panel."""
        (line,), (cross,), note = self.lines, self.crosses, ""
        loss = np.asarray(run.loss, dtype=np.float64)
        t = np.arange(len(loss))
        if self.log:
            loss = np.where(loss > FLOOR, loss, FLOOR)
        out = _first_outside(loss, -np.inf, self.ylim[1])
        if run.status == "diverged":
            out = int(run.status_step) if out is None else min(out, int(run.status_step))
        back = None
        if out is not None and run.status != "diverged" and np.isfinite(loss[-1]) \
                and loss[-1] <= self.ylim[1]:
            # off the scale and back (a decaying rate): the whole run, cut at the frame
            back = int(np.flatnonzero(~(loss <= self.ylim[1]))[-1]) + 1
        if out is None or back is not None:
            line.set_data(t, loss)
            cross.set_data([], [])
            if back is not None:
                note = f"off the scale\nfrom step {out} to {back - 1}"
        else:
            at = int(run.status_step) if run.status == "diverged" else out
            line.set_data(t[:out], loss[:out])
            cross.set_data([at], [self.ylim[1] / 3 if self.log else self.ylim[1]])
            note = (f"diverged at step {at}" if run.status == "diverged"
                    else f"off the scale at step {out}")
        self.note.set_text(note)
        return self


class RatePanel:
    """The learning rate each update used, against the step."""

    def __init__(self, ax, steps, ylim=None):
        self.ax = ax
        (self.line,) = ax.plot([], [], color=COLORS[2], marker="^", ms=3, markevery=0.1,
                               drawstyle="steps-post")
        step_axes(ax, steps, ylim, "learning rate", ylog=False)

    def update(self, run):
        lr = np.asarray(run.lr, dtype=np.float64)
        self.line.set_data(np.arange(len(lr)), lr)
        return self


def grid_columns(n, ncols=None):
    """How many columns ``n`` small multiples take: ``ncols`` if given, else as many as fit.

    At most ``WIDTH // MIN_PANEL_WIDTH`` (3) panels side by side; the panels
    are spread evenly over the rows (4 panels take 2 rows of 2, not 3 and 1).

    >>> [grid_columns(n) for n in (1, 2, 3, 4, 5, 6, 7)]
    [1, 2, 3, 2, 3, 3, 3]
    """
    if ncols is not None:
        return check_int("ncols", ncols, lo=1)
    n = max(int(n), 1)       # no panels: the caller says what is missing
    most = max(1, int(WIDTH // MIN_PANEL_WIDTH))
    rows = -(-n // most)
    return -(-n // rows)


def panel_grid(n, ncols, panel_size, figsize=None, what="panels", **share):
    """A figure for ``n`` small multiples in rows of ``ncols``; the spare cells are hidden.

    ``ncols`` None picks :func:`grid_columns`. ``figsize`` defaults to
    ``panel_size`` (width, height) per panel, no wider in all than
    :data:`WIDTH`; ``share`` (``sharex``, ``sharey``) goes to ``fig.subplots``.
    Returns ``fig, axes, nrows`` with ``axes`` flat, spare cells included.
    ``what`` names the argument that gave the panels, for the error when there
    are none.
    """
    if n < 1:
        raise ValueError(f"{what} must hold at least one entry, got none")
    ncols = grid_columns(n, ncols)
    nrows = -(-n // ncols)
    fig = Figure(figsize=figsize or (min(panel_size[0] * ncols, WIDTH), panel_size[1] * nrows),
                 layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, **share)).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes, nrows


def set_line_data(line, x, y):
    """``line.set_data(x, y)``, unless the line already holds exactly these points.

    An artist set to what it already shows stays clean (not ``stale``), so a
    live explorer does not redraw it on the next frame.
    """
    if (np.array_equal(np.asarray(line.get_xdata(orig=True)), np.asarray(x), equal_nan=True)
            and np.array_equal(np.asarray(line.get_ydata(orig=True)), np.asarray(y),
                               equal_nan=True)):
        return
    line.set_data(x, y)


def set_text_position(text, x=None, y=None):
    """Move ``text`` to ``x`` and/or ``y``, leaving it clean if it is there already."""
    old_x, old_y = text.get_position()
    new = (old_x if x is None else x, old_y if y is None else y)
    if new != (old_x, old_y):
        text.set_position(new)


class RateMarks:
    """Two dashed vertical lines on a rate axis, each with its value written beside it.

    The first (green) marks a rate worth knowing, such as the one-step rate
    ``1/L``, and is labelled ``"<name> <rate>"`` ending at it; the second
    (vermillion) marks the critical rate ``2/L``, labelled ``"limit <rate>"``
    starting at it. ``move(rate, crit)`` puts both where a new problem has them.
    Used by :func:`u_curve`, :class:`RateAxisPanel` and
    :class:`lrlab.plot.two_d.FactorPanel`.

    The labels are written level, just above the top of the axes
    (:func:`label_above`), where no data is drawn, so they never cover a
    curve. ``at`` is where the lines start
    (before the first ``move``).
    """

    def __init__(self, ax, name, at=(1.0, 1.0), lw=1.5, fontsize=None):
        self.name = name
        colors = (COLORS[2], COLORS[3])
        self.lines = [ax.axvline(x, color=color, ls="--", lw=lw, zorder=2)
                      for x, color in zip(at, colors, strict=True)]
        self.texts = [label_above(ax, x, "", color=color, ha=ha, fontsize=fontsize)
                      for x, ha, color in zip(at, ("right", "left"), colors, strict=True)]

    def move(self, rate, crit):
        """Put the first line at ``rate`` and the second at the critical rate ``crit``."""
        for line, x in zip(self.lines, (rate, crit), strict=True):
            set_line_data(line, [x, x], line.get_ydata(orig=True))
        labels = (f"{self.name} {rate:.3g} ", f" limit {crit:.3g}")
        for text, x, label in zip(self.texts, (rate, crit), labels, strict=True):
            set_text_position(text, x=x)
            text.set_text(label)
        return self


def label_above(ax, x, text, color="black", ha="center", fontsize=None, row=0, **kwargs):
    """A level label just above the top of ``ax`` at the data position ``x``.

    Nothing is drawn there (the top spine is hidden), so the label never
    covers a line; ``ha`` puts it left of ``x`` (``"right"``), right of it
    (``"left"``) or centred, and ``row`` 1 one line higher (for two labels
    whose rates are close). Returns the ``Text`` (move it with
    ``set_position((x, 1.0))``). The axes' title, if any, belongs on the
    other side (``ax.set_title(..., loc="left")``).
    """
    size = matplotlib.font_manager.FontProperties(size=fontsize).get_size_in_points()
    lift = (3 + 1.4 * size * row) / 72
    trans = ax.get_xaxis_transform() + ScaledTranslation(0, lift, ax.figure.dpi_scale_trans)
    return ax.text(x, 1.0, text, transform=trans, ha=ha, va="bottom", color=color,
                   fontsize=fontsize, clip_on=False, **kwargs)


