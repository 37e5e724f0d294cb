"""Live explorers of notebook 07 (momentum and Adam).

- :class:`HeavyBallExplorer`: the heavy ball on the blog post's parabola or on
  the 2-D bowl of notebook 06, with sliders for the rate (log scale) and the
  momentum; the readout names the regime and the limit ``2 (1 + beta) / L``.
- :class:`RaceExplorer`: plain descent, momentum and Adam on one bowl, one
  rate slider each, their paths drawn together.

Both subclass :class:`lrlab.explore.base.Explorer`. They hold no formulas: runs
come from :mod:`lrlab.descent`, numbers from :mod:`lrlab.theory`.

>>> explorer = HeavyBallExplorer(lr=1.5, momentum=0.9)
>>> explorer.text.split(";")[0]
'lr 1.5, momentum 0.90: limit 2 (1 + beta) / L = 1.9'
"""

from __future__ import annotations

import functools
import math

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from .. import theory
from ..descent import adam, gradient_descent
from ..plot.base import PathPanel, style_context
from ..plot.momentum import ErrorPanel, PathsPanel, distance
from ..problems import Quadratic, blog_post_problem
from ..summary import summarize
from .base import Explorer, log_slider, slider

__all__ = ["HeavyBallExplorer", "RaceExplorer"]

_REGIME_WORDS = {
    "overdamped": "overdamped: slides in from one side",
    "critically damped": "critically damped: the fastest slide without crossing",
    "underdamped": "underdamped: rings around the minimum",
    "flipping": "flipping: jumps across the minimum every step",
    "on the edge": "on the edge: never settles",
    "divergent": "divergent: beyond the limit",
}


def _num(v, digits=3):
    v = float(v)
    if v == 0 or 1e-3 <= abs(v) < 1e5:
        return f"{v:.{digits}g}"
    return f"{v:.{max(digits - 2, 1)}e}"


def _within(run, eps):
    n = theory.steps_to_stay_within(distance(run), eps)
    if run.status == "diverged":
        return math.inf
    return n


class HeavyBallExplorer(Explorer):
    """The heavy ball (``buf = beta buf + g; w -= lr buf``) live, in 1-D or 2-D.

    Parameters
    ----------
    lr, momentum : starting values of the sliders
    problem : Quadratic, optional
        Default: the blog post's ``(w + 1)^2``. A 2-D bowl draws a contour map.
    w0 : start point (default 5 in 1-D, (-5, 2) in 2-D)
    lr_range : (float, float)
        Ends of the log-scale rate slider.
    eps : float
        The readout gives the step from which the distance to the minimum
        stays below ``eps`` times the first.
    """

    def __init__(self, lr=0.9, momentum=0.0, problem=None, w0=None, steps=80,
                 lr_range=(0.01, 4.0), eps=1e-3, xlim=None, ylim=(-3.0, 3.0), title=None,
                 figsize=(8.3, 3.6)):
        problem = blog_post_problem() if problem is None else problem
        self.problem, self.steps, self.eps = problem, int(steps), float(eps)
        if w0 is None:
            w0 = 5.0 if not problem.shape else np.array([-5.0, 2.0])
        self.w0 = np.asarray(w0, dtype=np.float64)
        controls = {
            "lr": log_slider("learning rate", lr, *lr_range),
            "momentum": slider(W.FloatSlider, "momentum beta", value=momentum, min=0.0,
                                max=0.99, step=0.01, readout_format=".2f"),
        }
        with style_context():
            fig = Figure(figsize=figsize, layout="constrained")
            ax_path, ax_err = fig.subplots(1, 2)
            if problem.shape:
                self.path = PathsPanel(ax_path, problem, xlim or (-6.0, 6.0), ylim, 1,
                                       max_points=steps)
            else:
                c = float(problem.center)
                self.path = PathPanel(ax_path, problem, xlim or (c - 9.0, c + 9.0),
                                      max_points=steps)
            self.errors = ErrorPanel(ax_err, steps, ylim=(1e-12, 1e6))
        super().__init__(controls, fig, title=title)
        fig.draw_without_rendering()
        fig.set_layout_engine("none")

    def settings(self, values):
        """The problem, rate, momentum and run for a set of control values."""
        run = gradient_descent(self.problem, self.w0, values["lr"], self.steps,
                               momentum=values["momentum"])
        return self.problem, values["lr"], values["momentum"], run

    def redraw(self, values):
        problem, lr, beta, run = self.settings(values)
        self.run = run
        if problem.shape:
            self.path.update([run])
        else:
            self.path.update(run)
        rho = theory.momentum_contraction(problem, lr, beta)
        self.errors.update([distance(run)], rho)
        s = summarize(run)
        s.update(lr=float(lr), momentum=float(beta), rho=rho,
                 limit=theory.momentum_critical_lr(problem, beta),
                 regime=str(theory.momentum_regime(problem, lr, beta)),
                 within=_within(run, self.eps))
        return s

    @property
    def text(self):
        s = self.summary
        head = (f"lr {_num(s['lr'])}, momentum {s['momentum']:.2f}: "
                f"limit 2 (1 + beta) / L = {_num(s['limit'])}")
        what = f"{_REGIME_WORDS[s['regime']]}, error ×{_num(s['rho'])} per step"
        if self.problem.shape:
            what = "steepest direction " + what
        if s["status"] == "diverged":
            end = f"diverged at step {s['diverged_at']} of {s['steps']}"
        elif math.isinf(s["within"]):
            end = f"not within {self.eps:g} of the start distance after {s['steps']} steps"
        else:
            end = f"within {self.eps:g} of the start distance from step {s['within']}"
        return f"{head}; {what}; {end}"


class RaceExplorer(Explorer):
    """Plain descent, the heavy ball and Adam on one bowl, one rate slider each.

    Parameters
    ----------
    lr_sgd, lr_momentum, lr_adam : starting rates
    momentum : float
        The heavy ball's ``beta`` (fixed).
    problem : 2-D Quadratic (default: notebook 06's ``0.5 x^2 + 5 y^2``)
    w0, steps, eps, xlim, ylim : as for :class:`HeavyBallExplorer`
    """

    labels = ("plain", "momentum", "Adam")   # the readout adds the momentum's beta

    def __init__(self, lr_sgd=0.18, lr_momentum=0.15, lr_adam=0.3, momentum=0.5, problem=None,
                 w0=(-5.0, 2.0), steps=60, eps=1e-3, xlim=(-6.0, 6.0), ylim=(-3.0, 3.0),
                 title=None, figsize=(8.3, 3.8)):
        self.problem = Quadratic([0.5, 5.0]) if problem is None else problem
        self.momentum, self.steps, self.eps = float(momentum), int(steps), float(eps)
        self.w0 = np.asarray(w0, dtype=np.float64)
        p, w, n, beta = self.problem, self.w0, self.steps, self.momentum
        self._plain = functools.lru_cache(maxsize=8)(lambda lr: gradient_descent(p, w, lr, n))
        self._heavy = functools.lru_cache(maxsize=8)(
            lambda lr: gradient_descent(p, w, lr, n, momentum=beta))
        self._adam = functools.lru_cache(maxsize=8)(lambda lr: adam(p, w, lr, n))
        controls = {
            "lr_sgd": log_slider("plain: lr", lr_sgd, 0.005, 0.5),
            "lr_momentum": log_slider("momentum: lr", lr_momentum, 0.002, 0.5),
            "lr_adam": log_slider("Adam: lr", lr_adam, 0.005, 2.0),
        }
        with style_context():
            fig = Figure(figsize=figsize, layout="constrained")
            ax_map, ax_err = fig.subplots(1, 2, width_ratios=(1.2, 1.0))
            self.paths = PathsPanel(ax_map, self.problem, xlim, ylim, 3, labels=self.labels,
                                    max_points=steps)
            self.errors = ErrorPanel(ax_err, steps, ylim=(1e-10, 1e4), n_lines=3)
            self.errors.guide.set_visible(False)
        super().__init__(controls, fig, title=title)
        fig.draw_without_rendering()
        fig.set_layout_engine("none")

    def settings(self, values):
        """The three runs for a set of control values: plain, momentum, Adam.

        A slider move changes one rate, so each optimizer keeps its last few
        runs (``functools.lru_cache`` per explorer) and only one is rerun.
        """
        return (self._plain(values["lr_sgd"]), self._heavy(values["lr_momentum"]),
                self._adam(values["lr_adam"]))

    def redraw(self, values):
        runs = self.settings(values)
        self.run = runs[0]
        self.runs = runs
        self.paths.update(list(runs))
        self.errors.update([distance(r) for r in runs])
        s = summarize(runs[0])
        s.update(rates=[values["lr_sgd"], values["lr_momentum"], values["lr_adam"]],
                 statuses=[str(r.status) for r in runs],
                 diverged=[int(r.status_step) if r.status == "diverged" else None
                           for r in runs],
                 within=[_within(r, self.eps) for r in runs],
                 final=[float(distance(r)[-1]) for r in runs])
        return s

    @property
    def text(self):
        s = self.summary
        parts = []
        names = ("plain", f"momentum {self.momentum:g}", "Adam")
        for name, lr, gone, n, d in zip(names, s["rates"], s["diverged"], s["within"],
                                        s["final"], strict=True):
            if gone is not None:
                parts.append(f"{name} (lr {_num(lr)}): diverged at step {gone}")
            elif math.isinf(n):
                parts.append(f"{name} (lr {_num(lr)}): distance {_num(d)} after "
                             f"{self.steps} steps")
            else:
                parts.append(f"{name} (lr {_num(lr)}): within {self.eps:g} from step {n}")
        return "; ".join(parts)
