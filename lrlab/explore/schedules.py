"""The gallery explorer: pick any schedule, set its parameters, watch the run follow.

:class:`GalleryExplorer` shows one schedule of :mod:`lrlab.schedules` at a
time. A dropdown picks the schedule; the row of sliders below it is that
schedule's own parameters (the controls box is rebuilt when the schedule
changes, so only the sliders that matter are on the page). Every change
redraws, in place, the learning rate per step, the path of ``w`` on the blog post's
problem and the loss, rewrites the readout, and writes the equivalent Keras,
PyTorch and optax calls (:func:`lrlab.conventions.equivalent_calls`).

The schedules are built by :func:`lrlab.conventions.gallery_schedule`; no
formula lives here.

>>> explorer = GalleryExplorer()
>>> explorer.controls["schedule"].value = "step_decay"
>>> explorer.controls["step_decay.gamma"].value = 0.1
>>> explorer.text.split(":")[0]
'step_decay(0.1, 25)'
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from .. import theory
from .._checks import check_choice
from ..conventions import GALLERY, GALLERY_DEFAULTS, equivalent_calls, gallery_schedule, lrlab_call
from ..descent import gradient_descent
from ..plot.base import (
    COLORS,
    FINE_LADDER,
    LossPanel,
    PathPanel,
    RatePanel,
    round_up_limit,
    style_context,
)
from ..plot.schedules import schedule_style
from ..problems import blog_post_problem
from .base import Explorer, slider

__all__ = ["GalleryExplorer", "slider_for"]

_RATES = ("lr", "initial_lr", "peak_lr", "max_lr", "value_0", "value_1", "value_2")
_LENGTHS = ("decay_steps", "first_decay_steps", "warmup_steps", "step_size", "total_steps")
_POSITIONS = ("boundary_1", "boundary_2", "milestone_1", "milestone_2", "boundary")
_FLOATS = {  # name: (min, max, step)
    "end_lr": (0.0, 0.2, 0.001),
    "start_lr": (0.0, 0.2, 0.001),
    "alpha": (0.0, 1.0, 0.01),
    "gamma": (0.0, 1.0, 0.01),
    "power": (0.25, 4.0, 0.05),
    "t_mul": (1.0, 3.0, 0.25),
    "m_mul": (0.0, 1.0, 0.05),
    "pct_start": (0.05, 0.95, 0.01),
}
_DECAY_RATE = {"exponential_decay": (0.05, 1.0, 0.01), "inverse_time_decay": (0.0, 5.0, 0.05),
               "join_schedules": (0.05, 1.0, 0.01)}
_CHOICES = {"switch": ("after", "at"), "anneal": ("cos", "linear")}
_FLAGS = ("staircase", "three_phase")


def slider_for(schedule, name, value, max_steps=300, lr_range=(0.0, 1.5)):
    """The control for one gallery setting: a rate slider, an int slider for steps, ...

    Parameters
    ----------
    schedule : str
        The schedule's name (a decay rate's range depends on it).
    name : str
        The setting, a key of :data:`lrlab.conventions.GALLERY_DEFAULTS` ``[schedule]``.
    value : the starting value
    """
    label = name.replace("_", " ")
    if name in _RATES:
        # a linear grid of 0.005: every rate the notebook sets (0.1, 0.5, 1.05, ...) is a
        # position of the slider, so the browser never snaps it to a neighbour
        return slider(W.FloatSlider, label, value=value, min=0.0, max=lr_range[1], step=0.005,
                       readout_format=".3f")
    if name in _LENGTHS:
        return slider(W.IntSlider, label, value=int(value), min=1, max=max_steps)
    if name in _POSITIONS:
        return slider(W.IntSlider, label, value=int(value), min=0, max=max_steps)
    if name == "div_factor":  # whole numbers, so that the default 25 stays exactly 25
        return slider(W.IntSlider, label, value=int(value), min=1, max=200)
    if name == "decay_rate":
        lo, hi, step = _DECAY_RATE[schedule]
        return slider(W.FloatSlider, label, value=value, min=lo, max=hi, step=step,
                       readout_format=".2f")
    if name in _FLOATS:
        lo, hi, step = _FLOATS[name]
        digits = max(0, -int(np.floor(np.log10(step))))
        return slider(W.FloatSlider, label, value=value, min=lo, max=hi, step=step,
                       readout_format=f".{digits}f")
    if name in _CHOICES:
        return W.Dropdown(options=list(_CHOICES[name]), value=value, description=label,
                          style={"description_width": "9em"}, layout=W.Layout(width="32em"))
    if name in _FLAGS:
        return W.Checkbox(value=bool(value), description=label, indent=False)
    raise ValueError(f"no control for the setting {name!r}")


def _num(x):
    x = float(x)
    if x == 0 or 1e-3 <= abs(x) < 1e5:
        return f"{x:.4g}"
    return f"{x:.2e}"


class GalleryExplorer(Explorer):
    """Any schedule of the gallery on the blog post's problem from ``w0 = 5``: rate, path, loss.

    Parameters
    ----------
    schedule : str
        The schedule shown first, one of :data:`lrlab.conventions.GALLERY`.
    steps : int
        Starting number of steps (a slider).
    max_steps : int
        Right end of the step sliders.
    lr_range : (float, float)
        The rate sliders run from 0 to ``lr_range[1]`` (steps of 0.005).
    xlim : (float, float)
        Window of ``w`` shown.

    Attributes
    ----------
    controls : dict
        ``"schedule"``, ``"steps"``, and ``"<schedule>.<setting>"`` for every
        setting of every schedule (all built once; only the current
        schedule's are on the page).
    schedule : the schedule function shown
    run : the :class:`~lrlab.Trajectory` shown
    """

    def __init__(self, schedule="cosine_decay", steps=100, max_steps=300, lr_range=(0.0, 1.5),
                 xlim=(-4.0, 6.5), title=None, figsize=(8.3, 3.7)):
        self.problem, self.w0 = blog_post_problem(), 5.0
        check_choice("schedule", schedule, GALLERY)
        controls = {
            "schedule": W.Dropdown(options=list(GALLERY), value=schedule, description="schedule",
                                   style={"description_width": "9em"},
                                   layout=W.Layout(width="32em")),
            "steps": slider(W.IntSlider, "steps", value=steps, min=1, max=max_steps),
        }
        self.groups = {}
        for name in GALLERY:
            group = []
            for setting, value in GALLERY_DEFAULTS[name].items():
                key = f"{name}.{setting}"
                controls[key] = slider_for(name, setting, value, max_steps, lr_range)
                group.append(controls[key])
            self.groups[name] = [W.HBox(group[i:i + self.columns])
                                 for i in range(0, len(group), self.columns)]
        self.param_box = W.VBox(self.groups[schedule])
        self.calls = W.HTML()
        self.calls.add_class("lrlab-calls")
        self._shown = None

        with style_context():
            fig = Figure(figsize=figsize, layout="constrained")
            ax_rate, ax_path, ax_loss = fig.subplots(1, 3)
            self.rate_panel = RatePanel(ax_rate, steps)
            self.limit_line = ax_rate.axhline(theory.critical_lr(self.problem), color=COLORS[3],
                                              ls="--", lw=1.3, label="limit 1/a")
            self.one_step_line = ax_rate.axhline(theory.one_step_lr(self.problem),
                                                 color=COLORS[2], ls=":", lw=1.3,
                                                 label="one step 1/(2a)")
            ax_rate.set_title("learning rate per step")
            self.path_panel = PathPanel(ax_path, self.problem, xlim)
            ax_path.set_title("path of w")
            # room above the start: a run may climb for a while and still come back down
            loss_top = 1e8 * max(float(np.max(self.problem.loss(np.array(xlim)))), 1.0)
            self.loss_panel = LossPanel(ax_loss, steps, ylim=(1e-16, loss_top))
            ax_loss.set_title("loss per step")
        super().__init__(controls, fig, title=title)
        # the controls box: schedule and steps on top, then the current schedule's settings
        head = list(self.box.children[:1]) if title else []
        top = W.HBox([self.controls["schedule"], self.controls["steps"]])
        self.box.children = [*head, top, self.param_box, self.canvas, self.readout, self.calls]

    def settings(self, values=None):
        """The current schedule's settings, by name (without the ``"<schedule>."`` prefix)."""
        values = self.values if values is None else values
        name = values["schedule"]
        prefix = name + "."
        return {k[len(prefix):]: v for k, v in values.items() if k.startswith(prefix)}

    def redraw(self, values):
        name, steps = values["schedule"], int(values["steps"])
        if name != self._shown:
            self._shown = name
            self.param_box.children = self.groups[name]
            color, marker = schedule_style(GALLERY.index(name))
            self.rate_panel.line.set_color(color)
            self.rate_panel.line.set_marker(marker)
            self.rate_panel.ax.legend(loc="upper right", fontsize=9, framealpha=0.9)
        settings = self.settings(values)
        if name == "one_cycle":
            # three phases need pct_start <= 0.5: keep the slider inside what is allowed
            pct = self.controls["one_cycle.pct_start"]
            pct.limit(0.5 if settings["three_phase"] else None)
            settings["pct_start"] = pct.value
        # the step axes end in 1-2-5 steps, so a steps slider seldom changes them
        self.rate_panel.ax.set_xlim(0, round_up_limit(steps))
        self.loss_panel.set_steps(steps, round_up_limit(steps))
        try:
            sched = gallery_schedule(name, **settings)
        except (ValueError, TypeError) as err:
            self.schedule, self.run = None, None
            for line in (self.rate_panel.line, self.path_panel.path, self.loss_panel.lines[0]):
                line.set_data([], [])
            self.calls.value = ""
            return {"status": "invalid", "text": f"{name}: invalid settings: {err}"}
        run = gradient_descent(self.problem, self.w0, sched, steps)
        self.schedule, self.run = sched, run
        self.rate_panel.update(run)
        # a diverged run's rates are blanked (nan) after it left: the largest of those used
        used = run.lr[np.isfinite(run.lr)]
        top = float(np.max(used)) if used.size else 0.0
        # the rate axis's top also moves in steps (a margin over the largest rate, rounded up
        # on the fine ladder): most moves keep it, and limits seen before redraw nothing
        self.rate_panel.ax.set_ylim(0, round_up_limit(1.05 * max(top, 1e-12), FINE_LADDER))
        self.path_panel.update(run)
        self.loss_panel.update(run)
        self.calls.value = self._calls_html(sched)
        total = theory.total_lr(sched, steps=steps)
        call = lrlab_call(sched)
        status = str(run.status)
        limit = theory.critical_lr(self.problem)
        above = int(np.count_nonzero(run.lr > limit))
        if status == "diverged":
            text = (f"{call}: diverged at step {int(run.status_step)}; largest rate "
                    f"{_num(top)} (limit {_num(limit)})")
        else:
            text = (f"{call}: after {steps} steps w = {_num(run.w[-1])}, "
                    f"loss = {float(run.loss[-1]):.2g}; total of the {steps} rates "
                    f"{_num(total)}, largest {_num(top)}")
            if above:
                text += f"; {above} steps above the limit {_num(limit)}"
        return {"status": status, "text": text, "total": total, "largest": top,
                "steps_above_limit": above}

    @staticmethod
    def _calls_html(sched):
        rows = []
        for lib, label in (("keras", "Keras"), ("pytorch", "PyTorch"), ("optax", "optax")):
            code = equivalent_calls(sched)[lib]
            cell = (f"<code>{html.escape(code)}</code>" if code
                    else "<i>no built-in equivalent</i>")
            rows.append(f"<tr><td style='padding-right:1em'><b>{label}</b></td>"
                        f"<td style='text-align:left'>{cell}</td></tr>")
        return "<table style='font-size:0.9em'>" + "".join(rows) + "</table>"

    @property
    def text(self):
        """The readout as plain text."""
        return self.summary["text"]
