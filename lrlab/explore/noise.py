"""A live explorer for noisy gradients: pick a schedule, a noise level, and watch the error.

:class:`NoiseScheduleExplorer` runs a couple of hundred seeded noisy runs
(:func:`lrlab.noise.compare_schedules`) on every change and shows their mean
squared error against the step next to the exact expectation, with the
learning rate beside it. The readout says where the runs ended and what the
Robbins-Monro totals (:func:`lrlab.noise.rate_totals`) predict. No formula
lives here: every number comes from :mod:`lrlab.noise` and :mod:`lrlab.theory`.

The noise is drawn once (:func:`lrlab.noise.noise_draws`) and the runs of the
last few settings are kept, so moving a slider the current schedule does not
use (a disabled one) reruns nothing.

>>> explorer = NoiseScheduleExplorer(runs=50)
>>> explorer.controls["schedule"].value = "constant"
>>> explorer.text.split(":")[0]
'constant 0.2'
"""

from __future__ import annotations

import functools
import math

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from .. import noise as _noise
from .. import theory
from .._checks import check_choice, check_int
from ..plot.base import style_context
from ..plot.noise import SCHEDULE_COLORS, MSEPanel, restyle_legend
from ..problems import blog_post_problem
from .base import Explorer, log_slider, slider

__all__ = ["NoiseScheduleExplorer"]

#: Which slider each schedule uses, besides the noise, the starting rate and the steps.
_USES = {"constant": (), "exponential": ("decay_rate",), "1/t": ("c",), "cosine": (),
         "step": ("step_size",)}


def _num(x):
    if math.isinf(x):
        return "infinite"
    return f"{x:.3g}" if 1e-3 <= abs(x) < 1e4 else f"{x:.2e}"


class NoiseScheduleExplorer(Explorer):
    """Noisy gradient descent on the blog post's ``(w + 1)^2`` from ``w0 = 5``, one schedule at a
    time, many seeds at once.

    Parameters
    ----------
    schedule, noise, lr, decay_rate, c, step_size, steps :
        Starting values of the controls (see :func:`lrlab.noise.noise_schedule`;
        the cosine decays over the whole run, ``steps``).
    runs : int
        Seeds averaged on each redraw.
    max_steps : int
        End of the steps slider, and of both panels' step axes (they stay put
        while the slider moves, so a shorter run ends inside the panel).
    """

    columns = 2

    def __init__(self, schedule="exponential", noise=1.0, lr=0.2, decay_rate=0.99, c=0.5,
                 step_size=100, steps=1000, runs=200, max_steps=2000, title=None,
                 figsize=(8.3, 3.8)):
        self.problem, self.w0, self.seed = blog_post_problem(), 5.0, 0
        check_choice("schedule", schedule, _noise.SCHEDULE_KINDS)
        self.runs = check_int("runs", runs, lo=1)
        # the noise every run gets, drawn once for the longest run the slider allows
        # (drawing it costs more than the descent); same numbers as seeded_runs
        self.draws = _noise.noise_draws(self.seed, int(max_steps), (self.runs,))
        # the runs and rate totals of the last few settings, so a slider moved back
        # (or one the schedule does not use) reruns nothing
        self._runs_for = functools.lru_cache(maxsize=16)(self._runs_of)
        self._totals_for = functools.lru_cache(maxsize=16)(self._totals_of)
        crit = theory.critical_lr(self.problem)
        controls = {
            "schedule": W.Dropdown(options=list(_noise.SCHEDULE_KINDS), value=schedule,
                                   description="schedule", style={"description_width": "9em"},
                                   layout=W.Layout(width="32em")),
            "noise": slider(W.FloatSlider, "noise s", value=noise, min=0.0, max=3.0,
                             step=0.05),
            "lr": log_slider("starting rate", lr, 0.01, 0.95 * crit),
            "steps": slider(W.IntSlider, "steps", value=steps, min=100, max=max_steps,
                             step=100),
            "decay_rate": slider(W.FloatSlider, "× per step", value=decay_rate,
                                  min=0.9, max=0.999, step=0.001, readout_format=".3f"),
            "c": log_slider("c (lr → c/t)", c, 0.05, 5.0),
            "step_size": slider(W.IntSlider, "halve every", value=step_size, min=10,
                                 max=500, step=10),
        }
        with style_context():
            fig = Figure(figsize=figsize, layout="constrained")
            ax_err, ax_rate = fig.subplots(1, 2, width_ratios=[1.6, 1])
            self.panel = MSEPanel(ax_err, max_steps, ylim=(1e-5, 1e2))
            color, _ = SCHEDULE_COLORS[schedule]
            (self.rate_line,) = ax_rate.plot([], [], lw=2, color=color, label=schedule)
            (self.const_line,) = ax_rate.plot([], [], color="#777777", ls=":", lw=1.6,
                                              label="the starting rate, kept constant")
            ax_rate.set_xscale("log")
            ax_rate.set_yscale("log")
            ax_rate.set_xlim(1, max_steps)
            ax_rate.legend(loc="lower left", fontsize=10)
            ax_rate.set_ylim(1e-5, 1.0)
            ax_rate.set_xlabel("step")
            ax_rate.set_ylabel("learning rate")
            self.ax_rate = ax_rate
        super().__init__(controls, fig, title=title)

    def schedule(self, values):
        """The schedule the controls describe."""
        v = values
        return _noise.noise_schedule(v["schedule"], v["lr"], horizon=v["steps"],
                                     decay_rate=v["decay_rate"], c=v["c"],
                                     step_size=v["step_size"])

    def _settings(self, values):
        """The schedule's own parameters (a disabled slider's value left out), steps, noise."""
        kind = values["schedule"]
        own = tuple((name, values[name]) for name in _USES[kind])
        horizon = int(values["steps"]) if kind == "cosine" else None
        return (kind, float(values["lr"]), own, horizon), int(values["steps"]), \
            float(values["noise"])

    def _compute(self, values):
        """The runs and the rate totals for ``values`` (kept for the last few settings)."""
        schedule_key, steps, noise = self._settings(values)
        return self._runs_for(schedule_key, steps, noise), self._totals_for(schedule_key)

    @staticmethod
    def _schedule_of(schedule_key):
        kind, lr, own, horizon = schedule_key
        return _noise.noise_schedule(kind, lr, **({"horizon": horizon} if horizon else {}),
                                     **dict(own))

    def _runs_of(self, schedule_key, steps, noise):
        kind = schedule_key[0]
        return _noise.compare_schedules(
            self.problem, self.w0, {kind: self._schedule_of(schedule_key)}, steps, noise,
            runs=self.runs, seed=self.seed, draws=self.draws)[kind]

    def _totals_of(self, schedule_key):
        return _noise.rate_totals(self._schedule_of(schedule_key))

    def redraw(self, values):
        kind = values["schedule"]
        for name in ("decay_rate", "c", "step_size"):
            self.controls[name].disabled = name not in _USES[kind]
        steps = int(values["steps"])
        result, (total, total_sq) = self._compute(values)
        ball = theory.noise_ball(self.problem, values["lr"], values["noise"])
        if kind != getattr(self, "_shown_kind", None):
            self._shown_kind = kind
            color, marker = SCHEDULE_COLORS[kind]
            self.panel.set_style(color, marker)
            self.rate_line.set_color(color)
            self.rate_line.set_label(kind)
            # the legends are restyled in place: no artist is added, no full redraw
            restyle_legend(self.ax_rate, [self.rate_line])
        self.panel.update(result, ball=ball)
        t = np.arange(1, steps + 1)
        self.rate_line.set_data(t, np.where(result["lr"] > 0, result["lr"], np.nan))
        self.const_line.set_data([1, steps], [values["lr"], values["lr"]])
        if math.isinf(total_sq):
            status, verdict = "stalled", "stays in the noise ball"
        elif math.isinf(total):
            status, verdict = "converged", "keeps getting closer for ever"
        else:
            status, verdict = "running", "stops moving once the rates run out"
        return {
            "status": status, "kind": kind, "values": dict(values), "steps": steps,
            "mse": float(result["mse"][-1]), "expected": float(result["expected"][-1]),
            "ball": float(ball), "total": total, "total_sq": total_sq, "verdict": verdict,
        }

    def _label(self, s):
        v = s["values"]
        kind = s["kind"]
        if kind == "constant":
            return f"constant {_num(v['lr'])}"
        if kind == "exponential":
            return f"exponential x{v['decay_rate']:g} per step"
        if kind == "1/t":
            return f"1/t (lr → {v['c']:.3g}/t)"
        if kind == "cosine":
            return f"cosine over {s['steps']} steps"
        return f"step (halve every {v['step_size']})"

    @property
    def text(self):
        s = self.summary
        return (f"{self._label(s)}: after {s['steps']} steps, mean squared error "
                f"{_num(s['mse'])} over {self.runs} seeds (exact {_num(s['expected'])}); "
                f"a constant {_num(s['values']['lr'])} settles at {_num(s['ball'])}. "
                f"Sum of rates {_num(s['total'])}, of squares {_num(s['total_sq'])}: "
                f"{s['verdict']}.")
