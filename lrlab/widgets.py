"""Live explorers: sliders that rerun gradient descent and redraw in place.

An explorer is a column of controls, a figure and a one-line readout. Moving
a control reruns the math (:mod:`lrlab.descent`, :mod:`lrlab.theory`,
:mod:`lrlab.summary`), moves the existing lines of the figure's panels
(:mod:`lrlab.plotting`) and rewrites the readout. Nothing here computes a
formula of its own.

The figure is an ipympl canvas (the ``jupyter-matplotlib`` widget), so it
updates without re-rendering the whole output and can be zoomed. The box
carries the CSS class ``lrlab-explorer`` and the readout ``lrlab-readout``;
the browser tests find them by those names.

Show one by making it the last expression of a cell::

    from lrlab.widgets import DescentExplorer
    explorer = DescentExplorer()
    explorer

and drive it from code (this is how the notebooks check themselves)::

    explorer.controls["lr"].value = 0.8
    print(explorer.text)
"""

from __future__ import annotations

import html
import math
import warnings

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from .descent import gradient_descent
from .plotting import COLORS, STYLE, LossPanel, PathPanel, RatePanel
from .problems import Quadratic, seed_problem
from .schedules import exponential_decay
from .summary import describe, summarize

__all__ = ["Explorer", "DescentExplorer", "log_slider", "make_canvas"]

_STATUS_COLORS = {"diverged": COLORS[3], "stalled": COLORS[4], "converged": COLORS[2]}


def log_slider(description, value, lo, hi, fmt=".3g"):
    """A slider on a log scale from ``lo`` to ``hi`` (for rates: equal steps per decade)."""
    return W.FloatLogSlider(
        value=value, base=10, min=math.log10(lo), max=math.log10(hi), step=0.005,
        description=description, readout_format=fmt, continuous_update=True,
        style={"description_width": "9em"}, layout=W.Layout(width="32em"),
    )


def _slider(cls, description, **kw):
    return cls(description=description, continuous_update=True,
               style={"description_width": "9em"}, layout=W.Layout(width="32em"), **kw)


def make_canvas(fig):
    """Wrap a matplotlib ``Figure`` in an ipympl canvas widget (no pyplot, no global state)."""
    # ipympl's toolbar passes an argument traitlets deprecates; the warning is
    # about ipympl's code, not ours, and would show in every notebook.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from ipympl.backend_nbagg import Canvas, FigureManager

        canvas = Canvas(fig)
        FigureManager(canvas, 0)
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.toolbar_visible = "fade-in-fade-out"
    canvas.resizable = False
    return canvas


class Explorer:
    """Controls, a figure and a readout, kept in step.

    Subclasses build ``self.figure`` and ``self.controls`` (a dict of widgets
    with a ``value``) and implement ``redraw(values) -> summary dict``, which
    updates the figure's artists in place; the readout is written from the
    summary by :func:`lrlab.summary.describe`.
    """

    columns = 2

    def __init__(self, controls, figure, title=None):
        self.controls = dict(controls)
        self.figure = figure
        self.canvas = make_canvas(figure)
        self.readout = W.HTML(layout=W.Layout(min_height="2.6em"))
        self.readout.add_class("lrlab-readout")
        widgets = list(self.controls.values())
        rows = [W.HBox(widgets[i:i + self.columns]) for i in range(0, len(widgets), self.columns)]
        head = [W.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        self.box = W.VBox([*head, *rows, self.canvas, self.readout])
        self.box.add_class("lrlab-explorer")
        self.summary = None
        for control in widgets:
            control.observe(self._on_change, names="value")
        self.refresh()

    @property
    def values(self):
        """The controls' current values, by name."""
        return {name: c.value for name, c in self.controls.items()}

    @property
    def text(self):
        """The readout as plain text."""
        return describe(self.summary)

    def _on_change(self, change):
        self.refresh()

    def refresh(self):
        """Rerun and redraw for the controls' current values."""
        self.summary = self.redraw(self.values)
        status = self.summary["status"]
        color = _STATUS_COLORS.get(status, "inherit")
        self.readout.value = (
            f'<span style="font-size:1.15em;color:{color}">{html.escape(self.text)}</span>'
        )
        self.canvas.draw_idle()

    def redraw(self, values):  # pragma: no cover - abstract
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


class DescentExplorer(Explorer):
    """Gradient descent on a 1-D problem: the path of ``w`` and the loss, live.

    Parameters
    ----------
    problem : Problem, optional
        A 1-D problem; the seed's ``(w + 1)^2`` by default.
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
                 figsize=(10, 3.6)):
        self.problem = problem if problem is not None else seed_problem()
        if self.problem.shape != ():
            raise ValueError("DescentExplorer shows 1-D problems; problem.shape must be ()")
        self.center = float(getattr(self.problem, "center", 0.0))
        self.decay = any(c in controls for c in ("decay_rate", "decay_steps", "staircase"))
        self.defaults = dict(lr=lr, w0=w0, steps=steps, a=a, decay_rate=decay_rate,
                             decay_steps=decay_steps, staircase=staircase)
        make = {
            "lr": lambda: log_slider("learning rate", lr, *lr_range),
            "w0": lambda: _slider(W.FloatSlider, "start w0", value=w0, min=w0_range[0],
                                  max=w0_range[1], step=0.1),
            "steps": lambda: _slider(W.IntSlider, "steps", value=steps, min=1, max=max_steps),
            "a": lambda: log_slider("curvature a", a, 0.1, 10.0),
            "decay_rate": lambda: _slider(W.FloatSlider, "decay rate", value=decay_rate,
                                          min=0.5, max=1.0, step=0.005, readout_format=".3f"),
            "decay_steps": lambda: _slider(W.IntSlider, "decay steps", value=decay_steps,
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
        with _style():
            fig = Figure(figsize=figsize, layout="constrained")
            axes = fig.subplots(1, 3 if self.decay else 2)
            self.path_panel = PathPanel(axes[0], self.problem, xlim)
            loss_top = 1e4 * max(float(np.max(self.problem.loss(np.array(xlim)))), 1.0)
            log = isinstance(self.problem, Quadratic) or "a" in controls
            self.loss_panel = LossPanel(axes[1], steps, ylim=(1e-16, loss_top), log=log)
            self.rate_panel = (RatePanel(axes[2], steps, ylim=(0, lr_range[1] * 1.05))
                               if self.decay else None)
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
        self.loss_panel.set_steps(run.steps)
        self.loss_panel.update(run)
        if self.rate_panel is not None:
            self.rate_panel.ax.set_xlim(0, run.steps)
            self.rate_panel.update(run)
        self.run = run
        return summarize(run, lr=lr)


def _style():
    import matplotlib

    return matplotlib.rc_context(STYLE)

