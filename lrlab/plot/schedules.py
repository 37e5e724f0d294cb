"""Figures for the schedule gallery: every schedule on one page, and where libraries differ.

Built like the rest of :mod:`lrlab.plot` (explicit ``fig, ax``, Okabe-Ito colours,
one marker per line, projector sizes from :data:`lrlab.plot.base.STYLE`). The
rates come from the schedules themselves, the runs from
:func:`lrlab.gradient_descent` and the totals from :func:`lrlab.theory.total_lr`:
no formula lives here.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from lrlab.conventions import gallery
>>> fig, axes = gallery_grid(gallery(), steps=100)
>>> len(axes), axes[0].get_title()
(12, 'constant')
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import theory
from ..descent import gradient_descent
from .base import COLORS, MARKERS, WIDTH, LossPanel, grid_columns, panel_grid, style_context

__all__ = ["schedule_style", "draw_rates", "gallery_grid", "blog_post_runs_grid",
           "convention_panels"]

_GREY = "#777777"



#: The palette without its yellow, which is hard to see as a thin line on white.
_LINE_COLORS = [c for c in COLORS if c != "#F0E442"]


def schedule_style(i):
    """Colour and marker of the ``i``-th schedule of the gallery (they repeat after 7)."""
    return _LINE_COLORS[i % 7], MARKERS[i % 7]


def draw_rates(ax, schedule, steps, color=COLORS[0], marker="o", label=None):
    """Draw ``schedule`` at the whole steps ``0 .. steps`` as a staircase (one rate per update).

    An optimizer only asks for the rate at whole steps and keeps it for the
    whole update, so the line is drawn ``steps-post``. Returns the line.
    """
    t = np.arange(int(steps) + 1)
    (line,) = ax.plot(t, np.asarray(schedule(t), dtype=np.float64), color=color, marker=marker,
                      ms=4, markevery=0.1, drawstyle="steps-post", label=label)
    return line


def _schedule_grid(n, ncols, height, figsize):
    """``fig, axes, ncols, nrows``: a panel for each of ``n`` schedules, 3.1 in wide and
    ``height`` high, on shared axes, in rows of ``ncols`` (None: as many as fit)."""
    ncols = grid_columns(n, ncols)
    fig, axes, nrows = panel_grid(n, ncols, (3.1, height), figsize, "schedules", sharex=True,
                                  sharey=True)
    return fig, axes, ncols, nrows


def gallery_grid(schedules, steps=100, ncols=None, figsize=None, ylim=None):
    """Small multiples: the learning rate against the step, one panel per schedule.

    Parameters
    ----------
    schedules : dict name -> schedule
    steps : int
        Width of the step axis.
    ncols : int, optional
        Panels per row (default: as many as fit a notebook column,
        :func:`lrlab.plot.base.grid_columns`).
    ylim : (float, float), optional
        Shared rate axis; by default from 0 to a little above the largest rate.

    Returns ``fig, axes``; ``axes`` holds one ``Axes`` per schedule, titled by
    its name.
    """
    names = list(schedules)
    if not names:
        raise ValueError("schedules must hold at least one entry, got none")
    t = np.arange(int(steps) + 1)
    top = max(float(np.max(schedules[n](t))) for n in names)
    with style_context():
        fig, axes, ncols, nrows = _schedule_grid(len(names), ncols, 2.35, figsize)
        for i, (ax, name) in enumerate(zip(axes, names, strict=False)):
            color, marker = schedule_style(i)
            draw_rates(ax, schedules[name], steps, color=color, marker=marker)
            ax.set_title(name, fontsize=12)
            ax.set_xlim(0, steps)
            ax.set_ylim(*(ylim or (0, 1.1 * top)))
            ax.grid(alpha=0.3)
            if i % ncols == 0:
                ax.set_ylabel("learning rate")
            if i // ncols == nrows - 1:
                ax.set_xlabel("step")
    return fig, axes[:len(names)]


def blog_post_runs_grid(schedules, problem, w0, steps=100, reference_lr=None, ncols=None,
                        figsize=None, ylim=(1e-16, 1e3)):
    """Small multiples: the loss of gradient descent under each schedule, with its total of rates.

    Each panel shows the loss against the step (log scale) for the schedule
    (colour) and, in grey, for a constant ``reference_lr`` for comparison.
    The title gives the total of the rates over the run
    (:func:`lrlab.theory.total_lr`).

    Returns ``fig, axes, runs``; ``runs`` maps each name to its
    :class:`~lrlab.Trajectory`.
    """
    names = list(schedules)
    runs = {n: gradient_descent(problem, w0, schedules[n], steps) for n in names}
    ref = gradient_descent(problem, w0, reference_lr, steps) if reference_lr else None
    with style_context():
        fig, axes, ncols, nrows = _schedule_grid(len(names), ncols, 2.45, figsize)
        for i, (ax, name) in enumerate(zip(axes, names, strict=False)):
            color, marker = schedule_style(i)
            panel = LossPanel(ax, steps, ylim=ylim)
            panel.lines[0].set_color(color)
            panel.lines[0].set_marker(marker)
            panel.update(runs[name])
            if ref is not None:
                ax.plot(np.arange(steps + 1), np.maximum(ref.loss, ylim[0]), color=_GREY,
                        ls=":", lw=1.6, zorder=1)
            total = theory.total_lr(schedules[name], steps=steps)
            ax.set_title(f"{name}\ntotal of rates {total:.3g}", fontsize=11)
            ax.grid(alpha=0.3)
            if i % ncols:
                ax.set_ylabel("")
            if i // ncols != nrows - 1:
                ax.set_xlabel("")
        if ref is not None:
            fig.suptitle(f"loss per step on the blog post's problem; dotted grey: a constant "
                         f"rate of {reference_lr:g}", fontsize=12)
    return fig, axes[:len(names)], runs


def convention_panels(panels, figsize=None):
    """One above the other, how two conventions (and the real libraries) place the same change.

    Parameters
    ----------
    panels : list of dict
        Each with ``"title"``, ``"steps"`` (the whole steps shown),
        ``"schedules"`` (``{label: schedule}``, drawn as staircases with
        markers at every step), optionally ``"library"`` (``{label: (steps,
        rates)}``: a library's stored values, drawn as large open markers)
        ``"marks"`` (``{step: text}``: dotted vertical lines) and ``"log"``
        (a log-scale rate axis).

    Returns ``fig, axes``.
    """
    with style_context():
        n = len(panels)
        # one panel per row, its legend on its right: a notebook column holds both
        fig = Figure(figsize=figsize or (WIDTH, 2.9 * n), layout="constrained")
        axes = np.atleast_1d(fig.subplots(n, 1)).ravel()
        for ax, spec in zip(axes, panels, strict=True):
            t = np.asarray(spec["steps"])
            for i, (label, sched) in enumerate(spec["schedules"].items()):
                color, marker = COLORS[i], MARKERS[i]
                ax.plot(t, np.asarray(sched(t), dtype=np.float64), color=color, marker=marker,
                        ms=5 if len(t) <= 40 else 3, markevery=1 if len(t) <= 40 else 0.05,
                        drawstyle="steps-post", label=label, lw=1.8 + 1.2 * (i == 0),
                        alpha=0.9)
            for j, (label, (steps, rates)) in enumerate(spec.get("library", {}).items()):
                ax.plot(steps, rates, ls="none", marker=MARKERS[(j + 3) % 8], ms=12,
                        mfc="none", mec=COLORS[(j + 3) % 8], mew=2, label=label, zorder=5)
            marks = sorted(spec.get("marks", {}).items())
            span = float(t.max() - t.min()) or 1.0
            for k, (step, text) in enumerate(marks):
                ax.axvline(step, color=_GREY, ls=":", lw=1.3, zorder=0)
                # two marks close together: the first label ends at its line, the second
                # starts at its own, so the two never run into each other
                near_next = k + 1 < len(marks) and marks[k + 1][0] - step < 0.15 * span
                near_last = k > 0 and step - marks[k - 1][0] < 0.15 * span
                ha = "right" if near_next else "left" if near_last else "center"
                ax.annotate(text, (step, 1.0), xycoords=("data", "axes fraction"),
                            xytext={"right": (-2, 2), "left": (2, 2)}.get(ha, (0, 2)),
                            textcoords="offset points", va="bottom", ha=ha, fontsize=10,
                            color=_GREY)
            if spec.get("log"):
                ax.set_yscale("log")
            else:
                ax.set_ylim(0, None)
            ax.set_title(spec["title"], fontsize=12, pad=16)
            ax.set_xlabel("step")
            ax.set_ylabel("learning rate")
            ax.grid(alpha=0.3)
            # beside the panel: the legend never hides a line or a mark
            ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=10,
                      frameon=False)
    return fig, axes
