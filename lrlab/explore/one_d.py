"""The explorers of notebooks 00 to 03: sliders that rerun gradient descent and redraw in place.

Each is an :class:`lrlab.explore.base.Explorer`: moving a control reruns the
math (:mod:`lrlab.descent`, :mod:`lrlab.theory`, :mod:`lrlab.summary`), moves
the lines of the :mod:`lrlab.plot` panels and rewrites the readout. Show one
by making it the last expression of a cell::

    from lrlab.explore import DescentExplorer
    explorer = DescentExplorer()
    explorer

and drive it from code (this is how the notebooks check themselves)::

    explorer.controls["lr"].value = 0.8
    print(explorer.text)
"""

from __future__ import annotations

import types

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from .. import theory
from ..descent import gradient_descent
from ..plot.base import LossPanel, PathPanel, RatePanel, round_up_limit, style_context
from ..plot.one_d import RateAxisPanel
from ..problems import Quadratic, TwoBasins, blog_post_problem
from ..schedules import exponential_decay
from ..summary import basin_report, describe, describe_basin, summarize
from .base import Explorer, log_slider, slider

__all__ = ["DescentExplorer", "RateAndDecayExplorer", "RegimeExplorer", "BasinsExplorer"]


class DescentExplorer(Explorer):
    """Gradient descent on a 1-D problem: the path of ``w`` and the loss, live.

    Parameters
    ----------
    problem : Problem, optional
        A 1-D problem; the blog post's ``(w + 1)^2`` by default.
    w0, lr, steps : float, float, int
        Starting values of the controls.
    controls : sequence of str
        Which controls to show, from ``"lr"``, ``"w0"``, ``"steps"``, ``"a"``
        (the curvature of a quadratic), ``"decay_rate"``, ``"decay_steps"``,
        ``"staircase"``. With any decay control the rate follows
        :func:`lrlab.schedules.exponential_decay` and a third panel shows it.
    lr_range : (float, float)
        Ends of the log-scale rate slider.
    xlim : (float, float), optional
        Window of ``w`` shown; by default wide enough for every start point.
    a, decay_rate, decay_steps, staircase :
        Starting values of those controls (used even when the control is hidden).
    """

    def __init__(self, problem=None, w0=5.0, lr=0.2, steps=30, controls=("lr", "w0", "steps"),
                 lr_range=(1e-3, 2.0), xlim=None, a=1.0, decay_rate=0.95, decay_steps=1,
                 staircase=False, w0_range=(-6.0, 6.0), max_steps=200, title=None,
                 figsize=(8.3, 3.5)):
        self.problem = problem if problem is not None else blog_post_problem()
        if self.problem.shape != ():
            raise ValueError("DescentExplorer shows 1-D problems; problem.shape must be ()")
        self.center = float(getattr(self.problem, "center", 0.0))
        self.decay = any(c in controls for c in ("decay_rate", "decay_steps", "staircase"))
        self.defaults = dict(lr=lr, w0=w0, steps=steps, a=a, decay_rate=decay_rate,
                             decay_steps=decay_steps, staircase=staircase)
        make = {
            "lr": lambda: log_slider("learning rate", lr, *lr_range),
            "w0": lambda: slider(W.FloatSlider, "start w0", value=w0, min=w0_range[0],
                                  max=w0_range[1], step=0.1),
            "steps": lambda: slider(W.IntSlider, "steps", value=steps, min=1, max=max_steps),
            "a": lambda: log_slider("curvature a", a, 0.1, 10.0),
            "decay_rate": lambda: slider(W.FloatSlider, "decay rate", value=decay_rate,
                                          min=0.5, max=1.0, step=0.005, readout_format=".3f"),
            "decay_steps": lambda: slider(W.IntSlider, "decay steps", value=decay_steps,
                                           min=1, max=50),
            "staircase": lambda: W.Checkbox(value=staircase, description="staircase",
                                            indent=False),
        }
        unknown = set(controls) - set(make)
        if unknown:
            raise ValueError(f"controls must be among {sorted(make)}, got {sorted(unknown)}")
        built = {name: make[name]() for name in controls}

        if xlim is None:
            reach = max(abs(w0_range[0] - self.center), abs(w0_range[1] - self.center), 1.0)
            xlim = (self.center - 1.4 * reach, self.center + 1.4 * reach)
        with style_context():
            fig = Figure(figsize=figsize, layout="constrained")
            axes = fig.subplots(1, 3 if self.decay else 2)
            self.path_panel = PathPanel(axes[0], self.problem, xlim, steady=True)
            loss_top = 1e4 * max(float(np.max(self.problem.loss(np.array(xlim)))), 1.0)
            log = isinstance(self.problem, Quadratic) or "a" in controls
            self.loss_panel = LossPanel(axes[1], steps, ylim=(1e-16, loss_top), log=log)
            self.rate_panel = (RatePanel(axes[2], steps, ylim=(0, lr_range[1] * 1.05))
                               if self.decay else None)
            # with a decaying rate: dashed lines where w freezes for ever (theory.freeze_point)
            self.freeze_lines = [ax.plot([], [], color="black", ls="--", lw=1.3, zorder=2)[0]
                                 for ax in axes[:2]] if self.decay else []
        super().__init__(built, fig, title=title)

    def settings(self, values):
        """The problem, schedule and run for a set of control values."""
        v = {**self.defaults, **values}
        problem = self.problem
        if "a" in values:
            problem = Quadratic(v["a"], center=self.center)
        lr = v["lr"]
        if self.decay:
            lr = exponential_decay(v["lr"], v["decay_steps"], v["decay_rate"],
                                   staircase=v["staircase"])
        run = gradient_descent(problem, v["w0"], lr, v["steps"])
        return problem, lr, run

    def redraw(self, values):
        problem, lr, run = self.settings(values)
        if problem is not self.path_panel.problem:
            self.path_panel.set_problem(problem)
        self.path_panel.update(run)
        # the step axes end in 1-2-5 steps, so a steps slider seldom changes them
        self.loss_panel.set_steps(run.steps, round_up_limit(run.steps))
        self.loss_panel.update(run)
        if self.rate_panel is not None:
            self.rate_panel.ax.set_xlim(0, round_up_limit(run.steps))
            # the y-range follows the first rate (so a small lr0 still fills the panel)
            # in 1-2-5 steps, so most moves keep the limits
            lr0 = float({**self.defaults, **values}["lr"])
            self.rate_panel.ax.set_ylim(0, round_up_limit(1.05 * lr0))
            self.rate_panel.update(run)
        self.run = run
        summary = summarize(run, lr=lr)
        if self.freeze_lines:
            frozen = summary.get("freeze_point")
            if frozen is None or summary["status"] == "diverged":
                for line in self.freeze_lines:
                    line.set_data([], [])
            else:
                level = float(problem.loss(frozen))
                self.freeze_lines[0].set_data([frozen, frozen], self.path_panel.ylim)
                self.freeze_lines[1].set_data([0, run.steps], [level, level])
        return summary


class RateAndDecayExplorer(DescentExplorer):
    """The whole course in one figure: a starting rate and a decay rate.

    A :class:`DescentExplorer` with the controls ``"lr"`` and ``"decay_rate"``.
    A decay rate of exactly 1 is a constant rate,
    and the readout then names its regime (:func:`lrlab.theory.regime`); below
    1 the rate follows :func:`lrlab.schedules.exponential_decay` and the
    readout names the regime the run starts in and where ``w`` freezes
    (:func:`lrlab.theory.freeze_point`).

    Parameters are those of :class:`DescentExplorer`; ``decay_rate`` defaults
    to 1 (no decay) and ``steps`` to 50.

    Examples
    --------
    >>> explorer = RateAndDecayExplorer(lr=1.05)
    >>> explorer.text.split(":")[0]
    'divergent'
    """

    def __init__(self, decay_rate=1.0, steps=50, lr_range=(0.01, 1.2), **kwargs):
        super().__init__(controls=("lr", "decay_rate"), decay_rate=decay_rate, steps=steps,
                         lr_range=lr_range, **kwargs)
        for panel, title in [(self.path_panel, "path of w"), (self.loss_panel, "loss per step"),
                             (self.rate_panel, "learning rate per step")]:
            panel.ax.set_title(title)

    def settings(self, values):
        v = {**self.defaults, **values}
        if v["decay_rate"] < 1:
            return super().settings(values)
        problem = self.problem
        if "a" in values:
            problem = Quadratic(v["a"], center=self.center)
        run = gradient_descent(problem, v["w0"], v["lr"], v["steps"])
        return problem, float(v["lr"]), run

    def redraw(self, values):
        summary = super().redraw(values)
        v = {**self.defaults, **values}
        problem = self.path_panel.problem
        if v["decay_rate"] < 1 and hasattr(problem, "center"):
            summary["start_regime"] = theory.regime(problem, v["lr"])
            summary["decay_rate"] = v["decay_rate"]
        return summary

    @property
    def text(self):
        s = self.summary
        if "start_regime" not in s:
            return describe(s)
        return (f"starts {s['start_regime']}, rate x{s['decay_rate']:g} per step; "
                + describe(s))


class RegimeExplorer(Explorer):
    """The regimes of a constant rate on ``a (w - w*)^2``, with the rate axis under the run.

    Top: the path of ``w`` on the loss curve and the loss against the step
    (log scale). The rate and ``a`` sliders are :func:`log_slider`: every rate
    and curvature a lesson names is a position, and so are the one-step rate
    and the limit whenever they are nice numbers (a = 1, 2, 2.5, 4, 5, ...).
    Bottom: the rate axis (:class:`lrlab.plot.one_d.RateAxisPanel`):
    the factor ``1 - 2 a lr`` that multiplies the error each step
    (:func:`lrlab.theory.error_factor`), the regime bands, the one-step and
    critical rates, and a marker at the current rate. With the control
    ``"a"`` the bowl's curvature moves and the thresholds move with it.

    Parameters
    ----------
    w0, lr, steps, a : float, float, int, float
        Starting values of the controls (used even when a control is hidden).
    center : float, default -1.0
        The minimum ``w*`` (the blog post's).
    controls : sequence of str
        From ``"lr"``, ``"steps"``, ``"a"``, ``"w0"``.
    lr_range : (float, float)
        Ends of the log-scale rate slider (the curvature's is 0.1 to 10).

    Examples
    --------
    >>> explorer = RegimeExplorer(controls=("lr", "a"))
    >>> explorer.controls["a"].value = 4.0
    >>> explorer.controls["lr"].value = 0.3
    >>> explorer.text.split(":")[0]
    'divergent'
    """

    def __init__(self, w0=5.0, lr=0.2, steps=30, a=1.0, center=-1.0, controls=("lr", "steps"),
                 lr_range=(1e-3, 2.0), w0_range=(-6.0, 6.0),
                 max_steps=200, xlim=(-9.0, 7.0), title=None, figsize=(8.3, 5.4)):
        self.center = float(center)
        self.defaults = dict(lr=lr, w0=w0, steps=steps, a=a)
        make = {
            "lr": lambda: log_slider("learning rate", lr, *lr_range),
            "steps": lambda: slider(W.IntSlider, "steps", value=steps, min=1, max=max_steps),
            "a": lambda: log_slider("curvature a", a, 0.1, 10.0),
            "w0": lambda: slider(W.FloatSlider, "start w0", value=w0, min=w0_range[0],
                                  max=w0_range[1], step=0.1),
        }
        unknown = set(controls) - set(make)
        if unknown:
            raise ValueError(f"controls must be among {sorted(make)}, got {sorted(unknown)}")
        built = {name: make[name]() for name in controls}
        problem = Quadratic(a, center=self.center)
        a_top = 10.0 if "a" in controls else a
        loss_top = 1e4 * float(np.max(Quadratic(a_top, center=self.center).loss(np.array(xlim))))
        with style_context():
            fig = Figure(figsize=figsize, layout="constrained")
            grid = fig.add_gridspec(2, 2, height_ratios=(3, 2))
            self.path_panel = PathPanel(fig.add_subplot(grid[0, 0]), problem, xlim, steady=True)
            self.loss_panel = LossPanel(fig.add_subplot(grid[0, 1]), steps,
                                        ylim=(1e-16, loss_top))
            self.rate_panel = RateAxisPanel(fig.add_subplot(grid[1, :]), problem, lr_range)
        self.run = None
        super().__init__(built, fig, title=title)

    def redraw(self, values):
        v = {**self.defaults, **values}
        problem = self.path_panel.problem
        if float(problem.a) != float(v["a"]):
            problem = Quadratic(v["a"], center=self.center)
            self.path_panel.set_problem(problem)
            self.rate_panel.set_problem(problem)
        run = gradient_descent(problem, v["w0"], v["lr"], v["steps"])
        self.path_panel.update(run)
        self.loss_panel.set_steps(run.steps, round_up_limit(run.steps))
        self.loss_panel.update(run)
        self.rate_panel.update(v["lr"])
        self.run = run
        summary = summarize(run, lr=v["lr"])
        summary["error_factor"] = theory.error_factor(problem, v["lr"])
        return summary

    @property
    def text(self):
        s = self.summary
        factor = round(s["error_factor"], 12) + 0.0     # no "1.11e-16" for an exact 0
        return (f"{describe(s)} | each step multiplies the error by {factor:.3g}; "
                f"one step at lr = {s['one_step_lr']:.3g}, limit {s['critical_lr']:.3g}")


class BasinsExplorer(DescentExplorer):
    """The blog post's "stepping over the pit" on a double well: which pit does a rate end in?

    A :class:`DescentExplorer` on :class:`lrlab.problems.TwoBasins`, with the
    rate and the start point as controls. The right panel shows how far the
    loss is above the deeper pit's bottom (log scale), so a run stuck in the
    shallow pit levels off, and the readout names the pit the run ended in
    (:func:`lrlab.summary.basin_report`).

    Parameters are those of :class:`DescentExplorer`, with defaults for the
    double well: start ``w0 = 1.6`` on the shallow pit's outer wall.

    Examples
    --------
    >>> explorer = BasinsExplorer()
    >>> explorer.controls["lr"].value = 0.15
    >>> explorer.text.split(": ", 1)[1].split(" (")[0]
    'settled in the deeper pit'
    """

    def __init__(self, problem=None, w0=1.6, lr=0.05, steps=60, controls=("lr", "w0"),
                 lr_range=(1e-3, 1.0), w0_range=(-1.8, 1.8), xlim=(-2.0, 2.0), **kwargs):
        problem = problem if problem is not None else TwoBasins()
        kwargs.setdefault("figsize", (8.3, 3.6))
        self.lowest = float(np.min(problem.loss(problem.minima)))
        super().__init__(problem=problem, w0=w0, lr=lr, steps=steps, controls=controls,
                         lr_range=lr_range, w0_range=w0_range, xlim=xlim, **kwargs)
        panel = self.loss_panel
        panel.log, panel.ylim = True, (1e-16, 1e4)
        panel.ax.set_yscale("log")
        panel.ax.set_ylim(*panel.ylim)
        panel.ax.set_ylabel("loss above the\ndeeper bottom")
        self.refresh()

    def redraw(self, values):
        problem, lr, run = self.settings(values)
        self.path_panel.update(run)
        self.loss_panel.set_steps(run.steps, round_up_limit(run.steps))
        gap = types.SimpleNamespace(loss=run.loss - self.lowest, status=run.status,
                                    status_step=run.status_step)
        self.loss_panel.update(gap)
        self.run = run
        summary = summarize(run, lr=lr)
        summary["basin"] = basin_report(run)
        return summary

    @property
    def text(self):
        v = self.values
        return f"lr {v['lr']:.3g} from w0 = {v['w0']:.3g}: " + describe_basin(self.summary["basin"])


