"""Live explorers in two dimensions: a contour map you can click to pick the start.

Built on :class:`lrlab.explore.base.Explorer`: moving a control reruns gradient
descent (:mod:`lrlab.descent`), asks :mod:`lrlab.theory` for the closed-form
numbers, and moves the lines of the panels of :mod:`lrlab.plot.two_d` in
place. A change of rate never recomputes a contour map; only a change of the
surface itself (the condition number) does, and then a bowl's ellipses are
moved, not replaced. With a steps slider, the step axes end at the number of
steps rounded up to 1, 2 or 5 times a power of ten
(:func:`lrlab.plot.base.round_up_limit`), so most moves of the slider keep
them and only the lines are redrawn.

Clicking on the contour map (left button, with no zoom or pan tool active)
moves the start point there: the click sets the ``x0`` and ``y0`` sliders, so
the sliders and the picture always agree. :meth:`Explorer2D.set_start` does
the same from code.

>>> explorer = BowlExplorer(lr=0.19)
>>> explorer.controls["lr"].value = 0.1
>>> explorer.text.split(";")[0]
'lr 0.1 on a bowl with k = 10: x ×0.9, y ×0 per step, x converges last'
"""

from __future__ import annotations

import math

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from .. import theory
from .._checks import check_number
from ..descent import gradient_descent
from ..plot.base import LossPanel, round_up_limit, style_context
from ..plot.two_d import ContourPanel, DirectionErrorPanel, FactorPanel
from ..problems import stretched_bowl
from ..schedules import exponential_decay
from ..summary import describe, summarize
from .base import Explorer, for_people, log_slider, slider

__all__ = ["Explorer2D", "BowlExplorer", "LandscapeExplorer"]

_NAMES = ("x", "y")


def _pt(w, digits=3):
    return "(" + ", ".join(_num(v, digits) for v in np.ravel(w)) + ")"


def _num(v, digits=3):
    v = float(v)
    if v == 0 or 1e-3 <= abs(v) < 1e5:
        return f"{v:.{digits}g}"
    return f"{v:.{max(digits - 2, 1)}e}"


class Explorer2D(Explorer):
    """An :class:`~lrlab.explore.base.Explorer` whose first panel is a clickable contour map.

    Subclasses set ``self.contour`` (a :class:`~lrlab.plot.two_d.ContourPanel`)
    and ``self.defaults`` (holding ``x0`` and ``y0`` when those are not
    controls) before calling ``Explorer.__init__``.
    """

    def __init__(self, controls, figure, title=None):
        self._holding = False
        super().__init__(controls, figure, title=title)
        # Lay the figure out once, with the first settings' labels in place:
        # re-running the constrained layout on every redraw would cost a third
        # of each slider move.
        figure.draw_without_rendering()
        figure.set_layout_engine("none")
        self.click_id = self.canvas.mpl_connect("button_press_event", self._on_click)

    def _on_change(self, change):
        if not self._holding:
            self.refresh()

    def set_start(self, x, y):
        """Move the start point to ``(x, y)`` (clipped to the window); one redraw.

        Sets the ``x0`` and ``y0`` sliders when the explorer shows them, else
        its hidden defaults.
        """
        (x_lo, x_hi), (y_lo, y_hi) = self.contour.xlim, self.contour.ylim
        new = {"x0": float(np.clip(x, x_lo, x_hi)), "y0": float(np.clip(y, y_lo, y_hi))}
        self._holding = True
        try:
            for name, value in new.items():
                if name in self.controls:
                    # a slider's nearest position: what it shows is what is drawn
                    self.controls[name].value = self.controls[name].nearest(value)
                else:
                    self.defaults[name] = value
        finally:
            self._holding = False
        self.refresh()

    def _on_click(self, event):
        toolbar = getattr(self.canvas, "toolbar", None)
        mode = getattr(toolbar, "mode", "")
        if getattr(mode, "value", mode):  # zooming or panning: the click is theirs
            return
        if event.inaxes is not self.contour.ax or event.button != 1:
            return
        if event.xdata is None or event.ydata is None:
            return
        self.set_start(event.xdata, event.ydata)


def _start_sliders(xlim, ylim, x0, y0):
    step_x = 10 ** math.floor(math.log10((xlim[1] - xlim[0]) / 100))
    step_y = 10 ** math.floor(math.log10((ylim[1] - ylim[0]) / 100))
    return {
        "x0": slider(W.FloatSlider, "start x0", value=x0, min=xlim[0], max=xlim[1],
                      step=step_x),
        "y0": slider(W.FloatSlider, "start y0", value=y0, min=ylim[0], max=ylim[1],
                      step=step_y),
    }


class BowlExplorer(Explorer2D):
    """Gradient descent on a stretched bowl: the zig-zag, the limit and the best rate, live.

    The bowl is :func:`lrlab.problems.stretched_bowl`: curvatures
    ``(10 / k, 10)``, so the condition number ``k`` changes how flat the
    ``x`` direction is while the limit ``2 / 10`` stays put. The readout
    quotes the steps to cut the error by ``1e-3``.
    Three panels: the contour map with the path; every direction's factor
    ``|1 - L_i lr|`` against the rate, with the best constant rate and the
    limit; each coordinate's distance to the minimum, step by step.

    Parameters
    ----------
    lr, condition, x0, y0, steps : starting values of the controls
    controls : sequence of str
        From ``"lr"``, ``"condition"``, ``"x0"``, ``"y0"``, ``"steps"``,
        ``"decay_rate"``. With ``"decay_rate"`` the rate follows
        :func:`lrlab.schedules.exponential_decay` (a decay rate of 1 is a
        constant rate) and the readout says where ``w`` freezes.
    xlim, ylim : the window of the map (and the range of the start sliders)
    lr_range : (float, float)
        Ends of the (linear) rate slider.

    Examples
    --------
    >>> explorer = BowlExplorer(lr=0.21, steps=200)
    >>> explorer.summary["status"], explorer.contour.exit_text.get_text()
    ('diverged', 'left the plot at step 5')
    """

    def __init__(self, lr=0.1, condition=10.0, x0=-5.0, y0=2.0, steps=60,
                 controls=("lr", "condition", "x0", "y0", "steps"), decay_rate=1.0,
                 xlim=(-6.0, 6.0), ylim=(-3.0, 3.0), lr_range=(0.002, 0.25), max_steps=200,
                 title=None, figsize=(8.3, 4.4)):
        make = {
            "lr": lambda: slider(W.FloatSlider, "learning rate", value=lr, min=lr_range[0],
                                  max=lr_range[1], step=0.001, readout_format=".3f"),
            "condition": lambda: log_slider("condition k", condition, 1.0, 100.0, fmt=".3g"),
            "steps": lambda: slider(W.IntSlider, "steps", value=steps, min=1, max=max_steps),
            "decay_rate": lambda: slider(W.FloatSlider, "decay rate", value=decay_rate,
                                          min=0.8, max=1.0, step=0.002, readout_format=".3f"),
        }
        unknown = set(controls) - set(make) - {"x0", "y0"}
        if unknown:
            raise ValueError(f"controls must be among {sorted([*make, 'x0', 'y0'])}, "
                             f"got {sorted(unknown)}")
        built = {}
        starts = _start_sliders(xlim, ylim, x0, y0)
        for name in controls:
            built[name] = starts[name] if name in starts else make[name]()
        self.steepest, self.eps = 10.0, 1e-3
        # with a steps slider the step axis ends at a round number (most moves keep it);
        # with a fixed number of steps, at that number
        self._step_axis = round_up_limit if "steps" in controls else int
        self.defaults = dict(lr=lr, condition=condition, steps=steps, decay_rate=decay_rate,
                             x0=x0, y0=y0)
        problem = stretched_bowl(condition, self.steepest)
        with style_context():
            fig = Figure(figsize=figsize, layout="constrained")
            grid = fig.add_gridspec(2, 2, width_ratios=(1.2, 1.0), height_ratios=(1.2, 1.0))
            ax_map = fig.add_subplot(grid[:, 0])
            ax_factor = fig.add_subplot(grid[0, 1])
            ax_err = fig.add_subplot(grid[1, 1])
            self.contour = ContourPanel(ax_map, problem, xlim, ylim, max_points=max_steps)
            self.factors = FactorPanel(ax_factor, problem, (0.0, lr_range[1]))
            self.errors = DirectionErrorPanel(ax_err, problem.center, self._step_axis(steps))
        self.condition_shown = float(condition)
        super().__init__(built, fig, title=title)

    def settings(self, values):
        """The problem, rate (or schedule) and run for a set of control values."""
        v = {**self.defaults, **values}
        problem = stretched_bowl(v["condition"], self.steepest)
        lr = v["lr"]
        if v["decay_rate"] < 1:
            lr = exponential_decay(v["lr"], 1, v["decay_rate"])
        run = gradient_descent(problem, [v["x0"], v["y0"]], lr, v["steps"])
        return problem, lr, run

    def redraw(self, values):
        v = {**self.defaults, **values}
        problem, lr, run = self.settings(values)
        if float(v["condition"]) != self.condition_shown:
            # the surface changed: the only case that recomputes the contour map
            self.contour.set_problem(problem)
            self.factors.set_problem(problem)
            self.condition_shown = float(v["condition"])
        else:
            self.factors.problem = problem
        self.contour.update(run)
        self.factors.update(v["lr"])
        self.errors.set_steps(self._step_axis(run.steps))
        self.errors.update(run)
        self.run, self.problem = run, problem
        s = summarize(run, lr=lr, eps=self.eps)
        s.update(lr0=float(v["lr"]), condition=float(v["condition"]),
                 decay_rate=float(v["decay_rate"]),
                 factors=theory.direction_factors(problem, v["lr"]).tolist(),
                 slowest=_NAMES[theory.slowest_direction(problem, v["lr"])],
                 optimal_lr=theory.optimal_lr(problem),
                 optimal_steps=theory.steps_to_tolerance(problem, theory.optimal_lr(problem),
                                                         self.eps))
        if callable(lr):
            s["freeze"] = theory.freeze_point(problem, np.array([v["x0"], v["y0"]]), lr)
        else:
            growing = theory.growing_directions(problem, [v["x0"], v["y0"]], lr)
            s["growing"] = [n for n, g in zip(_NAMES, growing, strict=True) if g]
        return s

    @property
    def text(self):
        s = self.summary
        facts = ", ".join(f"{n} ×{_num(f)}" for n, f in zip(_NAMES, s["factors"], strict=True))
        head = f"lr {_num(s['lr0'])} on a bowl with k = {_num(s['condition'])}"
        start = f"start {_pt(s['w0'])}"
        if s["status"] == "diverged" or s.get("growing"):
            if s["status"] == "diverged":
                where = f"diverged at step {s['diverged_at']} of {s['steps']}"
            else:
                where = f"still growing after {s['steps']} steps"
            return (f"{head}: {facts} per step; a factor beyond ±1, so the error grows: "
                    f"{where} (converges only below lr = {_num(s['critical_lr'])}); {start}")
        if s.get("contraction", 0) > 1:
            # a factor beyond ±1, but the start sits on the minimum in that direction
            idle = [n for n, f in zip(_NAMES, s["factors"], strict=True) if abs(f) > 1]
            name = " and ".join(idle)
            return (f"{head}: {facts} per step; the factor of {name} is beyond ±1 and would "
                    f"blow up any error in {name}, but the start has none there, so it stays 0 "
                    f"(move {' or '.join(n + '0' for n in idle)} and it diverges; it converges "
                    f"only below lr = {_num(s['critical_lr'])}); {start}, after {s['steps']} steps "
                    f"w = {_pt(s['final_w'])}")
        if "freeze" in s:
            return (f"{head}, decay ×{_num(s['decay_rate'], 4)} per step: "
                    f"after {s['steps']} steps w = {_pt(s['final_w'])}; for ever it freezes at "
                    f"{_pt(s['freeze'])} (total of all rates {_num(s['total_lr'])}); {start}")
        n = s["steps_to_tolerance"]
        when = "never" if math.isinf(n) else f"in {int(n)} steps"
        best = int(s["optimal_steps"])
        return (f"{head}: {facts} per step, {s['slowest']} converges last; "
                f"error ×{s['eps']:g} {when} (best rate {_num(s['optimal_lr'])}: {best} steps); "
                f"{start}, after {s['steps']} steps w = {_pt(s['final_w'])}")


    @property
    def readout_text(self):
        """The page's readout: two short sentences (the figure shows the rest)."""
        s = self.summary
        facts = ", ".join(f"{n} ×{_num(f)}" for n, f in zip(_NAMES, s["factors"], strict=True))
        head = f"lr {_num(s['lr0'])}, k = {_num(s['condition'])}"
        where = f"From {_pt(s['w0'])}, after {s['steps']} steps w = {_pt(s['final_w'])}."
        if s["status"] == "diverged":
            text = (f"{head}: {facts} per step, so the error grows: diverged at step "
                    f"{s['diverged_at']}. It converges only below lr = {_num(s['critical_lr'])}.")
        elif s.get("growing"):
            text = (f"{head}: {facts} per step, so the error grows. It converges only below "
                    f"lr = {_num(s['critical_lr'])}. {where}")
        elif s.get("contraction", 0) > 1:
            idle = " and ".join(n for n, f in zip(_NAMES, s["factors"], strict=True)
                                if abs(f) > 1)
            text = (f"{head}: {facts} per step; {idle} would blow up, but the start has no "
                    f"error in {idle}. {where}")
        elif "freeze" in s:
            text = (f"{head}, decay ×{_num(s['decay_rate'], 4)} per step: w freezes at "
                    f"{_pt(s['freeze'])} for ever (total of all rates {_num(s['total_lr'])}). "
                    f"{where}")
        else:
            n = s["steps_to_tolerance"]
            when = "never" if math.isinf(n) else f"in {int(n)} steps"
            text = (f"{head}: {facts} per step; error ×{s['eps']:g} {when} (best rate "
                    f"{_num(s['optimal_lr'])}: {int(s['optimal_steps'])}). {where}")
        return for_people(text)


class LandscapeExplorer(Explorer2D):
    """Gradient descent on any 2-D problem: the path on its contour map and the loss per step.

    For a problem with two pits (:class:`lrlab.problems.TwoBasins2D`) the
    readout names the pit the run ends in; for any other it gives the
    curvatures where the run ended (:func:`lrlab.theory.local_curvatures`)
    and the largest stable rate there.

    Parameters
    ----------
    problem : Problem with ``shape == (2,)``
    lr, x0, y0, steps : starting values of the controls
    xlim, ylim : the window of the map (and the range of the start sliders)
    lr_range : (float, float)
        Ends of the log-scale rate slider.
    spacing, levels : contour levels (see :class:`~lrlab.plot.two_d.ContourPanel`)
    log_loss : bool
        Log scale for the loss panel (for a loss that stays positive).
    loss_ylim : (float, float), optional
        Range of the loss panel; by default from the loss at the window's corners.

    Examples
    --------
    >>> from lrlab.problems import TwoBasins2D
    >>> explorer = LandscapeExplorer(TwoBasins2D(), lr=0.15, x0=1.6, y0=1.5, steps=60,
    ...                              lr_range=(0.01, 0.3), spacing="sqrt")
    >>> explorer.text.split(";")[0]
    'from (1.6, 1.5), lr 0.15: settled in the deeper pit, after crossing the saddle'
    """

    def __init__(self, problem, lr=0.001, x0=-1.2, y0=1.0, steps=2000, xlim=(-2.0, 2.0),
                 ylim=(-1.0, 3.0), lr_range=(1e-4, 1e-2), max_steps=5000, spacing="log",
                 levels=14, log_loss=True, loss_ylim=None, title=None, figsize=(8.3, 3.9),
                 tol=1e-3):
        if problem.shape != (2,):
            raise ValueError("LandscapeExplorer shows 2-D problems; problem.shape must be (2,)")
        self.problem, self.tol = problem, check_number("tol", tol, lo=0, lo_open=True)
        self.defaults = dict(x0=x0, y0=y0)
        built = {
            "lr": log_slider("learning rate", lr, *lr_range, fmt=".3g"),
            "steps": slider(W.IntSlider, "steps", value=steps, min=1, max=max_steps),
            **_start_sliders(xlim, ylim, x0, y0),
        }
        with style_context():
            fig = Figure(figsize=figsize, layout="constrained")
            ax_map, ax_loss = fig.subplots(1, 2, width_ratios=(1.2, 1.0))
            self.contour = ContourPanel(ax_map, problem, xlim, ylim, spacing=spacing,
                                        levels=levels, max_points=max_steps)
            top = float(np.max(problem.loss(np.array([[xlim[0], ylim[0]], [xlim[1], ylim[1]],
                                                      [xlim[0], ylim[1]], [xlim[1], ylim[0]]]))))
            ylim_loss = (1e-12, 1e3 * max(top, 1.0)) if log_loss else (None, None)
            if not log_loss:
                bottom = float(np.min(problem.loss(np.atleast_2d(
                    getattr(problem, "minima", np.zeros((1, 2)))))))
                ylim_loss = (bottom - 0.1 * (top - bottom), 1.2 * top)
            self.loss_panel = LossPanel(ax_loss, round_up_limit(steps),
                                        ylim=loss_ylim or ylim_loss, log=log_loss)
        super().__init__(built, fig, title=title)

    def redraw(self, values):
        v = {**self.defaults, **values}
        run = gradient_descent(self.problem, [v["x0"], v["y0"]], v["lr"], v["steps"])
        self.contour.update(run)
        self.loss_panel.set_steps(run.steps, round_up_limit(run.steps))
        self.loss_panel.update(run)
        self.run = run
        s = summarize(run)
        s["lr"] = float(v["lr"])
        if hasattr(self.problem, "pit") and s["status"] != "diverged":
            start, end = self.problem.pit(run.w[0]), self.problem.pit(run.w[-1])
            bottom = self.problem.minima[end]
            s.update(pit="deeper" if end == self.problem.deeper else "shallower",
                     crossed=start != end,
                     settled=bool(np.linalg.norm(run.w[-1] - bottom) <= self.tol))
        elif s["status"] != "diverged":
            end = np.asarray(run.w[-1], dtype=float)
            s.update(curvatures=theory.local_curvatures(self.problem, end).tolist(),
                     local_limit=theory.local_critical_lr(self.problem, end))
        return s

    @property
    def text(self):
        s = self.summary
        head = f"from {_pt(s['w0'])}, lr {_num(s['lr'])}"
        if "pit" in s:
            where = "settled in" if s["settled"] else f"after {s['steps']} steps still in"
            how = "after crossing the saddle" if s["crossed"] else "where it started"
            return (f"{head}: {where} the {s['pit']} pit, {how}; w = {_pt(s['final_w'])}, "
                    f"loss {_num(s['final_loss'])}")
        text = f"{head}: " + describe(s)
        if "curvatures" in s:
            L = s["curvatures"]
            text += (f"; curvatures there {_num(L[0])} and {_num(L[-1])}, "
                     f"so stable only below lr = {_num(s['local_limit'])}")
        return text
