"""Figures: every static figure of the notebooks, built from the panels of :mod:`lrlab.plot.base`.

One module per topic, named as in :mod:`lrlab.explore`; a notebook imports
its figures from here::

    from lrlab.plot import STYLE, paths_grid     # STYLE: matplotlib.rcParams.update(STYLE)

==============  ==========================================================
module          figures of
==============  ==========================================================
``base``        every figure: colours, sizes, panels that redraw in place
``one_d``       notebooks 00-03: one weight, one rate, exponential decay
``schedules``   notebook 04: the schedule gallery and the libraries' readings
``noise``       notebook 05: noisy gradients and why the rate must decay
``two_d``       notebook 06: two dimensions, contours, the two factors
``momentum``    notebook 07: momentum and Adam
``model``       notebook 08: a real model, mini-batches, the range test
==============  ==========================================================

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from lrlab import blog_post_problem
>>> from lrlab.plot import paths_grid
>>> fig, axes = paths_grid(blog_post_problem(), 5.0, [0.1, 0.5, 1.05], steps=20, xlim=(-9, 7))
>>> [ax.get_title() for ax in axes]
['lr = 0.1: monotone', 'lr = 0.5: one step', 'lr = 1.05: divergent']
"""

from .base import COLORS, MARKERS, STYLE, WIDTH
from .model import (
                    data_figure,
                    peak_sweep_figure,
                    range_test_figure,
                    schedules_figure,
                    steps_and_epochs,
                    training_grid,
)
from .momentum import (
                    distance,
                    momentum_map,
                    momentum_paths_grid,
                    one_cycle_figure,
                    ringing_grid,
                    warmup_figure,
)
from .noise import long_run_figure, noise_ball_figure, schedules_grid
from .one_d import (
                    decay_grid,
                    error_by_step,
                    first_steps,
                    float32_limits,
                    freeze_grid,
                    outcome_map,
                    paths_grid,
                    problems_grid,
                    rate_axis,
                    rate_sweep,
                    staircase_vs_continuous,
                    u_curve,
)
from .schedules import blog_post_runs_grid, convention_panels, gallery_grid
from .two_d import contour_grid, direction_errors, factor_plot

__all__ = [
    "COLORS", "MARKERS", "STYLE", "WIDTH",
    "paths_grid", "rate_sweep", "first_steps", "error_by_step", "rate_axis",
    "problems_grid", "u_curve", "decay_grid", "staircase_vs_continuous", "freeze_grid",
    "outcome_map", "float32_limits",
    "gallery_grid", "blog_post_runs_grid", "convention_panels",
    "noise_ball_figure", "schedules_grid", "long_run_figure",
    "contour_grid", "factor_plot", "direction_errors",
    "distance", "ringing_grid", "momentum_map", "momentum_paths_grid", "warmup_figure",
    "one_cycle_figure",
    "data_figure", "steps_and_epochs", "range_test_figure", "schedules_figure",
    "peak_sweep_figure", "training_grid",
]
