"""lrlab: the learning-rate lab.

How the learning rate drives gradient descent, in plain numpy:

- :mod:`lrlab.schedules`: learning-rate schedules as pure functions of the step;
- :mod:`lrlab.problems`: losses to minimise, with their gradients and curvature;
- :mod:`lrlab.descent`: gradient descent that records its whole trajectory;
- :mod:`lrlab.theory`: thresholds, regimes and budgets in closed form.

Plotting (:mod:`lrlab.plotting`) and the interactive explorers
(:mod:`lrlab.widgets`) are separate modules, imported on demand: ``import
lrlab`` needs numpy alone.

>>> import lrlab
>>> run = lrlab.gradient_descent(lrlab.seed_problem(), w0=5.0, lr=0.2, steps=2)
>>> run.w.round(12).tolist()
[5.0, 2.6, 1.16]
"""

from .descent import Trajectory, adam, gradient_descent
from .problems import (
    LeastSquares,
    NoisyGradient,
    Problem,
    Quadratic,
    Rosenbrock,
    TwoBasins,
    seed_problem,
)
from .schedules import *  # noqa: F403
from .schedules import __all__ as _schedule_names
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

__version__ = "0.1.0"

__all__ = [
    "Trajectory",
    "gradient_descent",
    "adam",
    "Problem",
    "Quadratic",
    "TwoBasins",
    "Rosenbrock",
    "LeastSquares",
    "NoisyGradient",
    "seed_problem",
    "closed_form_path",
    "contraction",
    "critical_lr",
    "freeze_point",
    "noise_ball",
    "one_step_lr",
    "optimal_lr",
    "regime",
    "steps_to_tolerance",
    "total_lr",
    *_schedule_names,
]
