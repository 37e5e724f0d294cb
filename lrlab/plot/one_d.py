"""The figures of notebooks 00-03: one weight, one rate, and exponential decay.

Paths and losses of a few runs side by side, the first steps drawn out, the
regimes on a rate axis, the U of final loss against the rate, and where decay
freezes a run. Built from the panels of :mod:`lrlab.plot.base`.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from lrlab import blog_post_problem, gradient_descent
>>> from lrlab.plot import paths_grid
>>> fig, axes = paths_grid(blog_post_problem(), 5.0, [0.2, 1.2], steps=20, xlim=(-12, 10))
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .. import theory
from ..descent import gradient_descent
from .base import (
    COLORS,
    FLOOR,
    GREY,
    MARKERS,
    WIDTH,
    PathPanel,
    RateMarks,
    grid_columns,
    panel_grid,
)

__all__ = [
    "paths_grid",
    "rate_sweep",
    "RateAxisPanel",
    "rate_axis",
    "problems_grid",
    "u_curve",
    "first_steps",
    "error_by_step",
    "decay_grid",
    "staircase_vs_continuous",
    "freeze_grid",
    "OUTCOME_STYLE",
    "outcome_map",
    "float32_limits",
]

def paths_grid(problem, w0, rates, steps, xlim, ncols=None, figsize=None, titles=None):
    """Small multiples: one panel per rate, each the path of ``w`` on the loss curve.

    Each title names the rate and, for a quadratic, its regime
    (:func:`lrlab.theory.regime`). Returns ``fig, axes``.
    """
    rates = list(rates)
    ncols = grid_columns(len(rates), ncols)
    fig, axes, _ = panel_grid(len(rates), ncols, (3.2, 3.0), figsize, what="rates", sharey=True)
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
    return fig, axes


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
    shown = np.where(final > FLOOR, final, FLOOR)
    ax.loglog(rates[~diverged], shown[~diverged], color=color, marker="o", ms=3,
              label=label or f"after {steps} steps")
    # crosses above everything that is still drawn as a line
    top = 10 * max(float(np.max(shown[~diverged], initial=0.0)), float(runs.loss[0].max()))
    if diverged.any():
        ax.plot(rates[diverged], np.full(diverged.sum(), top), ls="none", marker="x",
                color=COLORS[3], label="diverged")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("loss")
    return runs


def first_steps(problem, w0, lr, steps=2, xlim=None, figsize=(7.5, 4.2)):
    """The first updates drawn by hand: each point, its tangent, and the jump to the next.

    At every point ``w_t`` the tangent line has the slope ``grad(w_t)`` (the
    derivative); the arrow goes to ``w_{t+1} = w_t - lr * grad(w_t)``, the
    point the update picks (computed by :func:`~lrlab.gradient_descent`).
    Each point is labelled with its value (4 significant digits).

    Parameters
    ----------
    problem : Problem with ``shape == ()``
    steps : int, default 2
        Number of updates drawn.
    xlim : (float, float), optional
        Window of ``w``; by default it holds every point with a margin.

    Returns ``fig, ax, run``; the figure, its axes and the
    :class:`~lrlab.Trajectory` drawn.

    Examples
    --------
    >>> from lrlab import blog_post_problem
    >>> fig, ax, run = first_steps(blog_post_problem(), 5.0, 0.2, steps=2)
    >>> run.w.round(12).tolist()
    [5.0, 2.6, 1.16]
    """
    if problem.shape != ():
        raise ValueError("first_steps draws 1-D problems; problem.shape must be ()")
    run = gradient_descent(problem, w0, lr=lr, steps=steps)
    w = np.asarray(run.w, dtype=np.float64)
    loss = np.asarray(run.loss, dtype=np.float64)
    if xlim is None:
        center = float(getattr(problem, "center", np.nanmean(w)))
        lo, hi = float(np.nanmin(np.append(w, center))), float(np.nanmax(np.append(w, center)))
        pad = 0.25 * max(hi - lo, 1.0)
        xlim = (lo - pad, hi + pad)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    xs = np.linspace(*xlim, 400)
    ys = problem.loss(xs)
    ax.plot(xs, ys, color=GREY, lw=1.5, zorder=1)
    half = 0.12 * (xlim[1] - xlim[0])
    for t in range(steps + 1):
        color, marker = COLORS[t % 8], MARKERS[t % 8]
        ax.plot(w[t], loss[t], ls="none", marker=marker, ms=10, color=color, mec="black",
                zorder=4)
        ax.annotate(f"$w_{{{t}}}$ = {w[t]:.4g}", (w[t], loss[t]),
                    xytext=(12, -10), textcoords="offset points", ha="left", va="top",
                    color=color, fontsize=12, fontweight="bold", zorder=5)
        if t < steps:
            g = float(run.grad[t])
            tx = np.array([w[t] - half, w[t] + half])
            ax.plot(tx, loss[t] + g * (tx - w[t]), color=color, ls="--", lw=1.5, zorder=2)
            ax.annotate("", xy=(w[t + 1], loss[t + 1]), xytext=(w[t], loss[t]),
                        arrowprops=dict(arrowstyle="-|>", color=color, lw=2,
                                        connectionstyle="arc3,rad=0.35", shrinkA=6,
                                        shrinkB=6), zorder=3)
    ax.set_xlim(*xlim)
    ax.set_ylim(min(0.0, float(ys.min())) - 0.05 * float(ys.max()), 1.08 * float(ys.max()))
    ax.set_xlabel("w")
    ax.set_ylabel("loss")
    ax.set_title(f"lr = {lr:g}: dashed lines are the tangents, slope = derivative")
    return fig, ax, run


def error_by_step(problem, w0, rates, steps, figsize=(7.5, 4.2)):
    """Distance to the minimum ``|w_t - w*|`` against the step, log scale, one line per rate.

    The markers are a run of :func:`~lrlab.gradient_descent`; the dashed line
    under each is the closed form ``|1 - L lr|^t |w0 - w*|``
    (:func:`lrlab.theory.closed_form_path`). A constant factor per step is a
    straight line on a log axis; the legend names the factor
    (:func:`lrlab.theory.contraction`). Errors of exactly 0 are not drawn.

    Parameters
    ----------
    problem : Quadratic with ``shape == ()``

    Returns ``fig, ax, runs``; ``runs`` is the batch
    :class:`~lrlab.Trajectory`, one run per rate.

    Examples
    --------
    >>> from lrlab import blog_post_problem
    >>> fig, ax, runs = error_by_step(blog_post_problem(), 5.0, [0.1, 0.2], steps=10)
    >>> [line.get_label() for line in ax.get_lines()[::2]]
    ['lr = 0.1: error x0.8 per step', 'lr = 0.2: error x0.6 per step']
    """
    if problem.shape != () or not hasattr(problem, "center"):
        raise ValueError("error_by_step draws a 1-D Quadratic")
    rates = [float(r) for r in rates]
    runs = gradient_descent(problem, w0, lr=np.asarray(rates), steps=steps)
    center = float(problem.center)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    t = np.arange(steps + 1)
    for i, lr in enumerate(rates):
        color, marker = COLORS[i % 8], MARKERS[i % 8]
        err = np.abs(np.asarray(runs.w[:, i], dtype=np.float64) - center)
        shown = err > 0
        factor = theory.contraction(problem, lr)
        ax.plot(t[shown], err[shown], ls="none", color=color, marker=marker, ms=6,
                label=f"lr = {lr:g}: error x{factor:.3g} per step")
        exact = np.abs(theory.closed_form_path(problem, w0, lr, steps) - center)
        keep = exact > 0
        ax.plot(t[keep], exact[keep], color=color, ls="--", lw=1.2)
    ax.set_yscale("log")
    ax.set_xlim(0, steps)
    ax.set_xlabel("step t")
    ax.set_ylabel("distance to the minimum |w - w*|")
    ax.legend(loc="lower left")
    return fig, ax, runs


#: Background shade of each regime band on the rate axis (light; the bands are also labelled).
_BAND_SHADES = {"too small": "#E8E8E8", "monotone": "#D6EAF5", "oscillating": "#FBEBC8",
                "divergent": "#F6D5C8"}
_BAND_LABELS = {"too small": "too\nsmall", "monotone": "monotone", "oscillating": "oscil-\nlating",
                "divergent": "divergent"}


class RateAxisPanel:
    """The rate axis: the factor ``1 - L lr`` that multiplies the error each step, against the rate.

    The factor comes from :func:`lrlab.theory.error_factor` and the shaded,
    labelled bands from :func:`lrlab.theory.regime` evaluated along the axis;
    dashed lines mark the one-step rate (factor 0) and the critical rate
    (factor -1). ``update(lr)`` moves a marker to one rate and names its
    regime; ``set_problem(problem)`` moves everything for a new curvature.

    Parameters
    ----------
    problem : Quadratic
    lr_range : (float, float)
        Ends of the (log-scale) rate axis.
    ylim : (float, float)
        Range of the factor shown; beyond it the curve leaves the panel.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab import blog_post_problem
    >>> fig = Figure()
    >>> panel = RateAxisPanel(fig.subplots(), blog_post_problem(), (1e-3, 2.0)).update(0.7)
    >>> panel.label.get_text()
    'lr = 0.7: oscillating'
    """

    def __init__(self, ax, problem, lr_range, ylim=(-1.6, 1.25)):
        self.ax, self.lr_range = ax, tuple(float(x) for x in lr_range)
        self.grid = np.geomspace(*self.lr_range, 600)
        # band edges halfway (in log space) between grid points
        mids = np.sqrt(self.grid[1:] * self.grid[:-1])
        self.edges = np.concatenate([[self.grid[0]], mids, [self.grid[-1]]])
        trans = ax.get_xaxis_transform()
        self.bands, self.band_text = {}, {}
        for name, shade in _BAND_SHADES.items():
            self.bands[name] = ax.add_patch(Rectangle((1, 0), 0, 1, transform=trans,
                                                      color=shade, lw=0, zorder=0))
            self.band_text[name] = ax.text(1, 0.04, _BAND_LABELS[name], transform=trans,
                                           ha="center", va="bottom", fontsize=11,
                                           color="#333333")
        for y in (1.0, 0.0, -1.0):
            ax.axhline(y, color=GREY, lw=0.8, ls=":", zorder=1)
        (self.curve,) = ax.plot([], [], color="black", lw=2, zorder=2)
        self._marks = RateMarks(ax, "one step", fontsize=11)
        self.one_line, self.crit_line = self._marks.lines
        self.one_text, self.crit_text = self._marks.texts
        self.now_line = ax.axvline(1, color=COLORS[0], lw=2.5, zorder=3)
        (self.now_dot,) = ax.plot([], [], ls="none", marker="o", ms=11, color=COLORS[0],
                                  mec="black", zorder=4)
        # the current rate and its regime are the panel's title, on the left: the
        # thresholds' labels stand above the axes on the right
        self.label = ax.set_title("", color=COLORS[0], fontweight="bold", loc="left")
        ax.set_xscale("log")
        ax.set_xlim(*self.lr_range)
        ax.set_ylim(*ylim)
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("error factor\nper step")
        self.lr = None
        self.set_problem(problem)

    def set_problem(self, problem):
        """Redraw the factor curve, the bands and the thresholds for ``problem``."""
        self.problem = problem
        self.curve.set_data(self.grid, theory.error_factor(problem, self.grid))
        labels = theory.regime(problem, self.grid)
        for name, band in self.bands.items():
            idx = np.flatnonzero(labels == name)
            text = self.band_text[name]
            if idx.size == 0:
                band.set_width(0)
                text.set_text("")
                continue
            lo, hi = self.edges[idx[0]], self.edges[idx[-1] + 1]
            band.set_x(lo)
            band.set_width(hi - lo)
            text.set_x(np.sqrt(lo * hi))
            # a label wider than its band would spill over its neighbours
            text.set_text(_BAND_LABELS[name] if hi / lo > 2.2 else "")
        self._marks.move(theory.one_step_lr(problem), theory.critical_lr(problem))
        if self.lr is not None:
            self.update(self.lr)
        return self

    def update(self, lr):
        """Put the marker at rate ``lr`` and name its regime."""
        self.lr = float(lr)
        factor = theory.error_factor(self.problem, self.lr)
        self.now_line.set_xdata([self.lr, self.lr])
        lo, hi = self.ax.get_ylim()
        self.now_dot.set_data([self.lr], [min(max(factor, lo), hi)])
        self.label.set_text(f"lr = {self.lr:.3g}: {theory.regime(self.problem, self.lr)}")
        return self


def rate_axis(problem, rates=(), lr_range=(1e-3, 2.0), figsize=(WIDTH, 3.4)):
    """A figure of the rate axis (:class:`RateAxisPanel`) with a few rates marked on it.

    Each rate in ``rates`` is a point on the factor curve with its own colour
    and marker (the order of :data:`COLORS` and :data:`MARKERS`, as in
    :func:`paths_grid`), named with its value in a legend beside the axes.
    Returns ``fig, ax``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab import blog_post_problem
    >>> fig, ax = rate_axis(blog_post_problem(), rates=[0.2, 0.7])
    >>> ax.get_xscale()
    'log'
    """
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    panel = RateAxisPanel(ax, problem, lr_range)
    panel.now_line.set_visible(False)
    lo, hi = ax.get_ylim()
    for i, lr in enumerate(rates):
        f = min(max(theory.error_factor(problem, lr), lo), hi)
        ax.plot([lr], [f], ls="none", marker=MARKERS[i % 8], ms=11, color=COLORS[i % 8],
                mec="black", zorder=4, label=f"{lr:g}")
    if len(rates):
        # beside the axes: a value written by its point would sit on the curve or a threshold
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="rate", fontsize=10,
                  frameon=False, handletextpad=0.3)
    return fig, ax


def problems_grid(problems, w0, lr, steps, xlim, titles=None, ncols=None, figsize=None):
    """Small multiples: the same rate on several 1-D problems, one panel each.

    Each title names the problem's curvature ``a`` and, for a quadratic, the
    regime of ``lr`` on it (:func:`lrlab.theory.regime`). Returns ``fig, axes``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab import Quadratic
    >>> fig, axes = problems_grid([Quadratic(0.25, -1), Quadratic(4, -1)], 5.0, 0.3, 10, (-9, 7))
    >>> [ax.get_title() for ax in axes]
    ['a = 0.25: monotone', 'a = 4: divergent']
    """
    problems = list(problems)
    ncols = grid_columns(len(problems), ncols)
    fig, axes, _ = panel_grid(len(problems), ncols, (3.4, 3.0), figsize, what="problems")
    for i, (ax, problem) in enumerate(zip(axes, problems, strict=False)):
        run = gradient_descent(problem, w0, lr=lr, steps=steps)
        PathPanel(ax, problem, xlim, color=COLORS[i % 8], marker=MARKERS[i % 8]).update(run)
        if titles:
            ax.set_title(titles[i])
        elif hasattr(problem, "center"):
            ax.set_title(f"a = {float(problem.a):g}: {theory.regime(problem, lr)}")
        if i % ncols:
            ax.set_ylabel("")
    return fig, axes


def decay_grid(problem, w0, lr0, decay_rates, steps, xlim, ncols=None, figsize=None):
    """Small multiples: one panel per decay rate, the path of ``w`` with a decaying rate.

    Panel ``i`` runs :func:`~lrlab.gradient_descent` with
    ``lr_t = lr0 * decay_rates[i] ** t``
    (:func:`lrlab.schedules.exponential_decay` with ``decay_steps = 1``). Its
    title gives the decay and, for a 1-D quadratic, where ``w`` ends after
    infinitely many steps (:func:`lrlab.theory.freeze_point`), with a dotted
    line at the minimum; a decay rate of 1 is a constant rate, titled "no
    decay" (a constant rate below the critical rate reaches the bottom).

    Returns ``fig, axes, runs``; ``runs`` is a list of
    :class:`~lrlab.Trajectory`, one per decay rate.

    Examples
    --------
    >>> from lrlab import blog_post_problem
    >>> fig, axes, runs = decay_grid(blog_post_problem(), 5.0, 0.2, [1.0, 0.5], 30, (-3, 6))
    >>> [ax.get_title() for ax in axes]
    ['no decay\\nreaches the bottom', 'decay x0.5 per step\\nw freezes at 1.341']
    """
    from ..schedules import exponential_decay

    decay_rates = [float(r) for r in decay_rates]
    ncols = grid_columns(len(decay_rates), ncols)
    fig, axes, _ = panel_grid(len(decay_rates), ncols, (3.2, 3.0), figsize, "decay_rates",
                               sharey=True)
    runs = []
    for i, (ax, rate) in enumerate(zip(axes, decay_rates, strict=False)):
        sched = exponential_decay(lr0, 1, rate)
        run = gradient_descent(problem, w0, lr=sched, steps=steps)
        runs.append(run)
        PathPanel(ax, problem, xlim, color=COLORS[i % 8], marker=MARKERS[i % 8]).update(run)
        if hasattr(problem, "center") and problem.shape == ():
            ax.axvline(float(problem.center), color=GREY, ls=":", lw=1.2, zorder=0)
        if rate >= 1 and hasattr(problem, "curvature"):
            settles = lr0 < theory.critical_lr(problem)
            ax.set_title("no decay\n" + ("reaches the bottom" if settles else "never settles"))
        elif rate >= 1:
            ax.set_title("no decay")
        elif hasattr(problem, "center") and problem.shape == ():
            frozen = theory.freeze_point(problem, w0, sched)
            ax.set_title(f"decay x{rate:g} per step\nw freezes at {frozen:.4g}")
        else:
            ax.set_title(f"decay x{rate:g} per step")
        if i % ncols:
            ax.set_ylabel("")
    return fig, axes[:len(decay_rates)], runs


def staircase_vs_continuous(problem, w0, initial_lr, decay_rate, decay_steps=(1, 10), steps=50,
                            figsize=None):
    """Small multiples: staircase against continuous decay, one column per ``decay_steps``.

    Top row: the rate ``lr0 * r^(t / k)`` (continuous, line) and
    ``lr0 * r^floor(t / k)`` (staircase, steps). Bottom row: the distance to
    the minimum ``|w_t - w*|`` of the two runs, log scale; the legend gives
    its value after ``steps`` updates.

    Parameters
    ----------
    problem : Quadratic with ``shape == ()``
    decay_steps : sequence of int
        One column each.

    Returns ``fig, axes, runs``; ``axes`` has shape ``(2, len(decay_steps))``;
    ``runs[k]`` is the pair ``(staircase run, continuous run)`` for
    ``decay_steps = k``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab import blog_post_problem
    >>> fig, axes, runs = staircase_vs_continuous(blog_post_problem(), 5.0, 0.2, 0.95, (1, 10))
    >>> bool((runs[1][0].w == runs[1][1].w).all()), bool((runs[10][0].w == runs[10][1].w).all())
    (True, False)
    """
    from ..schedules import exponential_decay

    decay_steps = list(decay_steps)
    n = len(decay_steps)
    fig = Figure(figsize=figsize or (min(5.2 * n, WIDTH), 6.4), layout="constrained")
    axes = np.asarray(fig.subplots(2, n, sharex=True, squeeze=False))
    center = float(problem.center)
    t = np.arange(steps + 1)
    runs = {}
    for j, k in enumerate(decay_steps):
        pair = []
        for i, stair in enumerate((True, False)):
            sched = exponential_decay(initial_lr, k, decay_rate, staircase=stair)
            run = gradient_descent(problem, w0, sched, steps)
            pair.append(run)
            name = "staircase" if stair else "continuous"
            color, marker = COLORS[3 * i], MARKERS[3 * i]
            lr = np.asarray(run.lr, dtype=np.float64)
            axes[0, j].plot(np.arange(steps), lr, color=color, marker=marker, ms=4,
                            markevery=max(steps // 12, 1), lw=2.5 - i,
                            drawstyle="steps-post" if stair else "default", label=name)
            err = np.abs(np.asarray(run.w, dtype=np.float64) - center)
            axes[1, j].semilogy(t, np.where(err > 0, err, np.nan), color=color, marker=marker,
                                ms=4, markevery=max(steps // 12, 1), lw=2.5 - i,
                                label=f"{name}: {err[-1]:.2g}")
        runs[k] = tuple(pair)
        axes[0, j].set_title(f"decay_steps = {k}")
        axes[0, j].set_ylabel("learning rate")
        axes[0, j].set_ylim(0, 1.08 * initial_lr)
        # the rates fall from the top left and stay above half the first rate for
        # decay_steps 10: the lower left is empty; the distances fall, so the upper right is
        axes[0, j].legend(loc="lower left")
        axes[1, j].set_ylabel("|w - w*|")
        axes[1, j].set_xlabel("step")
        axes[1, j].set_xlim(0, steps)
        axes[1, j].legend(loc="upper right", title=f"after {steps} steps", title_fontsize=10)
    return fig, axes, runs


def freeze_grid(problem, w0, initial_lr, decay_rates, steps, xlim, figsize=None):
    """Small multiples: one decay rate per row, with the predicted freeze point.

    Left: the path of ``w`` on the loss curve (:class:`PathPanel`) and a
    dashed line at :func:`lrlab.theory.freeze_point`. Right: ``|w_t - w*|``
    against the step (log scale) and a dashed line at the predicted final
    distance. Each row's title gives the rate and the total of all the rates
    (:func:`lrlab.theory.total_lr`). A row per rate keeps every panel half a
    notebook column wide, however many rates there are.

    Returns ``fig, axes, runs``; ``axes`` has shape ``(2, len(decay_rates))``:
    ``axes[0, j]`` is rate ``j``'s path, ``axes[1, j]`` its distance; ``runs``
    one run per rate.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab import blog_post_problem
    >>> fig, axes, runs = freeze_grid(blog_post_problem(), 5.0, 0.2, [0.5, 0.9], 40, (-3.0, 6.0))
    >>> axes.shape, axes[0, 0].get_title()
    ((2, 2), 'rate 0.5: total 0.4, freezes at 1.3413')
    """
    from ..schedules import exponential_decay

    rates = [float(r) for r in decay_rates]
    n = len(rates)
    fig = Figure(figsize=figsize or (WIDTH, 2.3 * n + 0.3), layout="constrained")
    axes = np.asarray(fig.subplots(n, 2, squeeze=False, sharex="col")).T
    center = float(problem.center)
    t = np.arange(steps + 1)
    runs = []
    for j, rate in enumerate(rates):
        sched = exponential_decay(initial_lr, 1, rate)
        run = gradient_descent(problem, w0, sched, steps)
        runs.append(run)
        color, marker = COLORS[j % 8], MARKERS[j % 8]
        PathPanel(axes[0, j], problem, xlim, color=color, marker=marker).update(run)
        frozen = theory.freeze_point(problem, w0, sched)
        axes[0, j].axvline(frozen, color="black", ls="--", lw=1.5)
        verb = ("reaches" if theory.decay_outcome(problem, initial_lr, rate) == "converges"
                else "freezes at")
        axes[0, j].set_title(f"rate {rate:g}: total {theory.total_lr(sched):.3g}, "
                             f"{verb} {frozen:.5g}")
        err = np.abs(np.asarray(run.w, dtype=np.float64) - center)
        ax = axes[1, j]
        ax.semilogy(t, np.where(err > 0, err, np.nan), color=color, marker=marker, ms=4,
                    markevery=max(steps // 10, 1))
        gap = abs(frozen - center)
        if gap > 0:
            ax.axhline(gap, color="black", ls="--", lw=1.5)
        ax.set_xlim(0, steps)
        ax.set_ylim(1e-12, 2 * abs(w0 - center))
        ax.set_ylabel("|w - w*|")
        if j == n - 1:
            ax.set_xlabel("step (dashed: for ever)")
        else:
            ax.set_xlabel("")
            axes[0, j].set_xlabel("")
    return fig, axes, runs


#: Colour and hatching of each outcome on the outcome map (colour-blind safe, hatched too).
OUTCOME_STYLE = {"converges": ("#56B4E9", ""), "freezes short": ("#E69F00", "."),
                 "diverges": ("#D55E00", "//")}


def outcome_map(problem, initial_lrs, decay_rates, points=(), figsize=(WIDTH, 5.2)):
    """Map of what exponential decay does, over the first rate and the decay rate.

    Each cell is labelled by :func:`lrlab.theory.decay_outcome` (decay every step; one
    vectorized call for the whole grid): converges, freezes short or
    diverges. The regions are coloured, hatched and named; a dashed line marks
    the constant-rate limit :func:`lrlab.theory.critical_lr`.

    Parameters
    ----------
    problem : Quadratic
    initial_lrs : array_like
        Grid of first rates (x axis, log scale).
    decay_rates : array_like
        Grid of decay rates in ``(0, 1)`` (y axis).
    points : sequence of (lr0, rate, label)
        Settings to mark on the map, one marker each.

    Returns ``fig, ax, labels``; ``labels[i, j]`` is the outcome at
    ``decay_rates[i]``, ``initial_lrs[j]``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab import blog_post_problem
    >>> fig, ax, labels = outcome_map(blog_post_problem(), [0.2, 3.0], [0.95, 0.99])
    >>> labels.tolist()
    [['freezes short', 'diverges'], ['converges', 'diverges']]
    """
    from matplotlib.patches import Patch

    lrs = np.asarray(initial_lrs, dtype=np.float64)
    rates = np.asarray(decay_rates, dtype=np.float64)
    labels = theory.decay_outcome(problem, lrs[None, :], rates[:, None])
    names = list(theory.DECAY_OUTCOMES)
    code = np.vectorize(names.index)(labels).astype(float)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    colors = [OUTCOME_STYLE[n][0] for n in names]
    hatches = [OUTCOME_STYLE[n][1] for n in names]
    if lrs.size > 1 and rates.size > 1:
        ax.contourf(lrs, rates, code, levels=[-0.5, 0.5, 1.5, 2.5], colors=colors,
                    hatches=hatches)
        ax.contour(lrs, rates, code, levels=[0.5, 1.5], colors="black", linewidths=1)
    crit = theory.critical_lr(problem)
    ax.axvline(crit, color="black", ls="--", lw=1.5)
    ax.text(crit, 1.0, f" constant-rate limit {crit:g}", transform=ax.get_xaxis_transform(),
            va="bottom", ha="left", fontsize=11)
    for i, (lr0, rate, text) in enumerate(points):
        ax.plot([lr0], [rate], ls="none", marker=MARKERS[(i + 7) % 8], ms=13, color="white",
                mec="black", mew=1.8, zorder=5)
        ax.annotate(text, (lr0, rate), xytext=(9, -4), textcoords="offset points",
                    fontsize=11, fontweight="bold", va="top", zorder=6,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    ax.set_xscale("log")
    ax.set_xlabel("first learning rate lr0 (log scale)")
    ax.set_ylabel("decay rate (per step)")
    ax.legend(handles=[Patch(facecolor=c, hatch=h, edgecolor="black", label=n)
                       for n, c, h in zip(names, colors, hatches, strict=True)],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), title="run for ever")
    return fig, ax, labels


def float32_limits(problem, w0, schedule32, steps=2000, figsize=(WIDTH, 7.6)):
    """Where float32 stops a decaying run: the update size and the rate, against the step.

    Top: the size of each update ``|w_{t+1} - w_t|`` in float64 and in
    float32 (TensorFlow's arithmetic), log scale, with half the float32
    spacing of ``w`` where it stalls (an update smaller than that is rounded
    away) and the step where the float32 run stalled. Below it: the rate in
    float64 and in float32, with the smallest normal and the smallest
    subnormal float32, and the steps where the float32 rate is 0
    (:func:`lrlab.theory.underflow_step`, flushed and IEEE).

    Parameters
    ----------
    problem : Problem with ``shape == ()``
    schedule32 : exponential decay schedule made with ``dtype=np.float32``

    Returns ``fig, axes, (run32, run64)``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab import exponential_decay, blog_post_problem
    >>> sched = exponential_decay(0.2, 1, 0.95, dtype=np.float32)
    >>> fig, axes, (run32, run64) = float32_limits(blog_post_problem(), 5.0, sched, 300)
    >>> str(run32.status), int(run32.status_step)
    ('stalled', 180)
    """
    from ..schedules import exponential_decay

    p = dict(schedule32.params)
    sched64 = exponential_decay(p["initial_lr"], p["decay_steps"], p["decay_rate"],
                                staircase=p["staircase"])
    run32 = gradient_descent(problem, w0, schedule32, steps, dtype=np.float32)
    run64 = gradient_descent(problem, w0, sched64, steps)
    t = np.arange(steps)
    fig = Figure(figsize=figsize, layout="constrained")
    ax_w, ax_lr = fig.subplots(2, 1, sharex=True)
    floor = 1e-50
    for run, name, i in ((run64, "float64", 0), (run32, "float32 (TensorFlow)", 3)):
        w = np.asarray(run.w, dtype=np.float64)
        move = np.abs(np.diff(w))
        ax_w.semilogy(t, np.where(move > 0, move, np.nan), color=COLORS[i], marker=MARKERS[i],
                      ms=4, markevery=max(steps // 12, 1), lw=2.5 - i / 3, label=name)
        lr = np.asarray(run.lr, dtype=np.float64)
        ax_lr.semilogy(t, np.where(lr > 0, lr, np.nan), color=COLORS[i], marker=MARKERS[i],
                       ms=4, markevery=max(steps // 12, 1), lw=2.5 - i / 3, label=name)
    f32 = np.finfo(np.float32)
    if str(run32.status) == "stalled":
        k = int(run32.status_step)
        half = float(np.spacing(np.abs(run32.w[k]))) / 2
        ax_w.axhline(half, color="black", ls=":", lw=1.5,
                     label=f"half the float32 spacing at w ({half:.2g})")
        ax_w.axvline(k, color=COLORS[3], ls="--", lw=1.5)
        ax_w.text(k, 0.02, f" float32 w stops\n changing: step {k}", color=COLORS[3],
                  transform=ax_w.get_xaxis_transform(), va="bottom", fontsize=11)
    ax_w.set_ylabel("size of the update |Δw|")
    ax_w.set_xlim(0, steps)
    ax_w.set_ylim(floor, 10)
    # right, halfway down: the update sizes fall from the top left, the dotted line crosses
    # high up
    ax_w.legend(loc="center right", fontsize=10)
    for value, text in ((float(f32.tiny), "smallest normal float32"),
                        (float(f32.smallest_subnormal), "smallest subnormal float32")):
        ax_lr.axhline(value, color="black", ls=":", lw=1.5)
        ax_lr.annotate(f"{text} ({value:.2g})", (0.02, value), xytext=(0, 2),
                       xycoords=ax_lr.get_yaxis_transform(), textcoords="offset points",
                       va="bottom", fontsize=10)
    args = (p["initial_lr"], p["decay_rate"], int(p["decay_steps"]), p["staircase"])
    for flush, ls, name, y in ((True, "--", "flush to zero", 0.97), (False, "-.", "IEEE", 0.72)):
        k = theory.underflow_step(*args, flush=flush)
        if k <= steps:
            ax_lr.axvline(k, color=COLORS[4], ls=ls, lw=1.5)
            ax_lr.text(k, y, f"0 from {k}\n({name}) ", transform=ax_lr.get_xaxis_transform(),
                       ha="right", va="top", fontsize=10, color=COLORS[4],
                       bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85))
    ax_lr.set_ylabel("learning rate")
    ax_lr.set_xlabel("step")
    ax_lr.set_ylim(floor, 10)
    ax_lr.legend(loc="center left", fontsize=10)
    return fig, (ax_w, ax_lr), (run32, run64)


def u_curve(problem, w0, rates, steps=(20, 200), figsize=(WIDTH, 4.4), ylim=(1e-34, 1e6)):
    """The loss after a fixed number of steps against the rate, for a few budgets.

    One :func:`rate_sweep` per entry of ``steps`` (each a single vectorized
    run over all the rates), the thresholds of a quadratic marked as by
    :class:`~lrlab.plot.base.RateMarks` (labelled above the axes), and one legend entry for
    all the diverged runs. A loss of exactly 0 is drawn at 1e-32. Returns
    ``fig, ax, runs`` with ``runs`` a list of batch trajectories, one per
    budget.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lrlab import blog_post_problem
    >>> fig, ax, runs = u_curve(blog_post_problem(), 5.0, [0.01, 0.5, 2.0], steps=(10,))
    >>> runs[0].status.tolist()
    ['running', 'converged', 'diverged']
    """
    rates = np.asarray(rates, dtype=float)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    runs = [rate_sweep(ax, problem, w0, rates, n, color=COLORS[i % 8],
                       label=f"after {n} steps")
            for i, n in enumerate(steps)]
    curves = [line for line in ax.get_lines() if line.get_label() != "diverged"]
    for k, line in enumerate(curves):
        line.set_marker(MARKERS[k % 8])
    if hasattr(problem, "curvature"):
        one, crit = theory.one_step_lr(problem), theory.critical_lr(problem)
        RateMarks(ax, "one step", at=(one, crit)).move(one, crit)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), loc="lower left")
    ax.set_ylim(*ylim)
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("loss after the steps")
    return fig, ax, runs
