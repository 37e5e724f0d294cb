"""lrlab: the learning-rate lab.

How the learning rate drives gradient descent, in plain numpy. The math sits
flat in this folder, one module a topic, and every name a notebook uses is
also importable from ``lrlab`` itself:

- :mod:`lrlab.schedules`: learning-rate schedules as pure functions of the step;
- :mod:`lrlab.problems`: losses to minimise, with their gradients and curvature;
- :mod:`lrlab.descent`: gradient descent (plain, momentum, Adam) that records its trajectory;
- :mod:`lrlab.theory`: thresholds, regimes and budgets in closed form;
- :mod:`lrlab.noise`, :mod:`lrlab.momentum`: noisy gradients; momentum's (lr, beta) map;
- :mod:`lrlab.data`, :mod:`lrlab.training`, :mod:`lrlab.range_test`: a real model (notebook 08);
- :mod:`lrlab.conventions`: how Keras, PyTorch and optax spell the same schedules;
- :mod:`lrlab.summary`: runs described in words (the explorers' readouts).

Three rooms beside it, imported on demand (``import lrlab`` needs numpy alone):
:mod:`lrlab.plot` (figures), :mod:`lrlab.explore` (explorers: a figure with
sliders) and :mod:`lrlab.course` (exercise checkers and solution folds).

>>> import lrlab
>>> run = lrlab.gradient_descent(lrlab.blog_post_problem(), w0=5.0, lr=0.2, steps=2)
>>> run.w.round(12).tolist()
[5.0, 2.6, 1.16]
"""

from . import conventions, noise, theory
from .conventions import MOMENTUM_ROW, momentum_convention_gap
from .data import ManySeeds, engel, held_out_runs
from .descent import Trajectory, adam, gradient_descent
from .momentum import one_cycle_momentum, sweep_outcomes
from .problems import (
    LeastSquares,
    NoisyGradient,
    Problem,
    Quadratic,
    Rosenbrock,
    TwoBasins,
    TwoBasins2D,
    blog_post_problem,
    stretched_bowl,
)
from .schedules import *  # noqa: F403
from .schedules import __all__ as _schedule_names
from .summary import basin_outcome, basin_report, blog_post_log, printed_numbers
from .theory import (
    closed_form_path,
    contraction,
    critical_lr,
    freeze_point,
    noise_ball,
    one_step_lr,
    optimal_lr,
    regime,
    steps_to_tolerance,
    total_lr,
)
from .training import (
    CURVE_READINGS,
    describe_seeds,
    read_loss_curve,
    schedules_for,
    seed_quantiles,
    summarize_seeds,
    train_seeds,
)

__version__ = "0.1.0"

__all__ = [
    # modules
    "conventions", "noise", "theory",
    # descent and problems
    "Trajectory", "gradient_descent", "adam",
    "Problem", "Quadratic", "TwoBasins", "TwoBasins2D", "Rosenbrock", "LeastSquares",
    "NoisyGradient", "blog_post_problem", "stretched_bowl",
    # theory in closed form
    "closed_form_path", "contraction", "critical_lr", "freeze_point", "noise_ball",
    "one_step_lr", "optimal_lr", "regime", "steps_to_tolerance", "total_lr",
    # momentum, library conventions, words
    "sweep_outcomes", "one_cycle_momentum", "MOMENTUM_ROW", "momentum_convention_gap",
    "basin_outcome", "basin_report", "blog_post_log", "printed_numbers",
    # a real model
    "ManySeeds", "engel", "held_out_runs", "CURVE_READINGS", "describe_seeds",
    "read_loss_curve", "schedules_for", "seed_quantiles", "summarize_seeds", "train_seeds",
    *_schedule_names,
]
