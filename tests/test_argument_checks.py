"""Bad arguments get an error that names the argument and what is allowed.

Cases an audit of every public function found answered silently (a result
computed from nonsense) or with a bare error from deep inside numpy or
ipywidgets. Each case here must raise, and the message must name the
argument and the allowed range or choices.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lrlab  # noqa: E402
from lrlab import conventions as C  # noqa: E402
from lrlab import course, noise, range_test, summary, theory, training  # noqa: E402
from lrlab import schedules as S  # noqa: E402
from lrlab.data import ManySeeds, engel, held_out_runs  # noqa: E402
from lrlab.explore.base import log_slider  # noqa: E402
from lrlab.explore.noise import NoiseScheduleExplorer  # noqa: E402
from lrlab.explore.one_d import DescentExplorer, RateAndDecayExplorer, RegimeExplorer  # noqa: E402
from lrlab.explore.schedules import GalleryExplorer  # noqa: E402
from lrlab.explore.two_d import BowlExplorer, LandscapeExplorer  # noqa: E402
from lrlab.plot import model as PM  # noqa: E402
from lrlab.plot import one_d as P  # noqa: E402
from lrlab.plot import schedules as PS  # noqa: E402
from lrlab.problems import TwoBasins2D  # noqa: E402

PARABOLA = lrlab.blog_post_problem()


def _minus_one(t):
    return -1.0 + 0.0 * np.asarray(t, dtype=float)


CASES = [
    ("max_loss must be a finite number > 0",
     lambda: lrlab.gradient_descent(PARABOLA, 5.0, 0.1, 10, max_loss=-1.0)),
    ("w must be a number or an array of numbers", lambda: PARABOLA.loss(None)),
    ("w must be a number or an array of numbers", lambda: PARABOLA.grad("a")),
    ("schedule must be a schedule giving finite rates >= 0, got -1.0 at step 0",
     lambda: S.linear_warmup(_minus_one, 10)),
    ("schedule must be a schedule giving finite rates >= 0, got -1.0 at step 10.0",
     lambda: S.join_schedules([S.constant(0.1), _minus_one], [10])(20)),
    ("staircase must be True or False", lambda: theory.underflow_step(0.2, 0.95, staircase="yes")),
    ("flush must be True or False", lambda: theory.underflow_step(0.2, 0.95, flush=None)),
    ("dtype must be np.float32 or np.float64",
     lambda: theory.underflow_step(0.2, 0.95, dtype="float16")),
    ("quantiles must be a pair (lo, hi) with 0 <= lo < hi <= 1",
     lambda: noise.compare_schedules(PARABOLA, 5.0, {"c": S.constant(0.1)}, 10, 1.0,
                                     quantiles=(0.9, 0.1))),
    ("quantiles must be a pair (lo, hi)",
     lambda: noise.compare_schedules(PARABOLA, 5.0, {"c": S.constant(0.1)}, 10, 1.0,
                                     quantiles=0.5)),
    ("seeds must be an integer >= 0",
     lambda: training.train_seeds(engel(), "constant", 0.05, 1, 188, seeds=[0.5])),
    ("start_loss must hold finite numbers >= 0",
     lambda: range_test.read_curve([0.1, 1.0], [1.0, 2.0], start_loss=-1.0)),
    ("start_loss must hold finite numbers >= 0",
     lambda: range_test.read_curve([0.1, 1.0], [1.0, 2.0], start_loss=float("nan"))),
    ("tol must be a finite number > 0",
     lambda: summary.basin_report(lrlab.gradient_descent(lrlab.TwoBasins(), 1.6, 0.1, 10),
                                  tol=-1.0)),
    ("rel must be a finite number >= 0", lambda: course.check_number(1000, 1, rel=float("inf"))),
    ("abs_tol must be a real number >= 0", lambda: course.check_number(1, 1, abs_tol="a")),
    # a slider would clamp a starting value outside its range without a word
    ("learning rate must be a finite number >= 0.001 and <= 2",
     lambda: DescentExplorer(lr=50.0)),
    ("steps must be a finite number >= 1 and <= 200", lambda: DescentExplorer(steps=0)),
    ("start w0 must be a finite number >= -6 and <= 6", lambda: DescentExplorer(w0=50.0)),
    ("decay rate must be a finite number >= 0.5 and <= 1",
     lambda: RateAndDecayExplorer(decay_rate=-0.5)),
    ("learning rate must be a finite number", lambda: RegimeExplorer(lr=-0.1)),
    ("condition k must be a finite number >= 1 and <= 100", lambda: BowlExplorer(condition=500)),
    ("noise s must be a finite number >= 0", lambda: NoiseScheduleExplorer(noise=-1.0)),
    ("learning rate: the lower end must be a finite number > 0",
     lambda: log_slider("learning rate", 0.1, 0.0, 2.0)),
    ("learning rate: the upper end must be a finite number > 2",
     lambda: log_slider("learning rate", 0.1, 2.0, 0.5)),
    ("learning rate must be one of the slider's positions, from 0.001 to 2; got 0.1234 "
     "(the nearest are 0.123 and 0.124)",
     lambda: setattr(log_slider("learning rate", 0.1, 1e-3, 2.0), "value", 0.1234)),
    ("start w0 must be one of the slider's positions, from -6 to 6; got 'left'",
     lambda: setattr(DescentExplorer().controls["w0"], "value", "left")),
    # a library's call table names the library's argument, not lrlab's
    ("lr must be a finite number >= 0", lambda: C.torch_multistep(lr=-1, milestones=[10])),
    ("initial_learning_rate must be a finite number >= 0", lambda: C.keras_cosine_decay(-1, 100)),
    ("warmup_target must be a finite number >= 0",
     lambda: C.keras_cosine_decay(0.0, 100, warmup_target=-0.1, warmup_steps=10)),
    ("init_value must be a finite number >= 0", lambda: C.optax_warmup_cosine(-1, 0.1, 10, 100)),
    ("end_value must be a finite number >= 0 and <= 0.1",
     lambda: C.optax_warmup_cosine(0, 0.1, 10, 100, end_value=-1)),
    ("schedule must be a finite number > 0",
     lambda: held_out_runs(engel().problem(batch_size=16), engel().held_out(), -1, 10, [0])),
    # figures of small multiples
    ("rates must hold at least one entry", lambda: P.paths_grid(PARABOLA, 5.0, [], 10, (-9, 7))),
    ("problems must hold at least one entry", lambda: P.problems_grid([], 5.0, 0.1, 10, (-9, 7))),
    ("ncols must be an integer >= 1",
     lambda: P.paths_grid(PARABOLA, 5.0, [0.1], 10, (-9, 7), ncols=-1)),
    ("schedules must hold at least one entry", lambda: PS.gallery_grid({})),
    ("ncols must be an integer >= 1",
     lambda: PS.gallery_grid({"c": S.constant(0.1)}, ncols=0)),
    ("ncols must be an integer >= 1",
     lambda: PM.training_grid([training.train_seeds(engel(), "constant", 0.05, 1, 188,
                                                    seeds=[0])], ncols=0)),
    # and a few more public pieces
    ("index must be an integer >= -2 and <= 1",
     lambda: lrlab.gradient_descent(PARABOLA, 5.0, [0.1, 0.2], 3).run(5)),
    ("w must have shape batch + (2,)", lambda: TwoBasins2D().pit(1.0)),
    ("w must have shape batch + (2,)", lambda: engel().to_units(1.0)),
    ("fast_loss must be True or False",
     lambda: ManySeeds(engel().problem(batch_size=16), [0], fast_loss="no")),
    ("schedule must be one of", lambda: GalleryExplorer(schedule=None)),
    ("schedule must be one of", lambda: NoiseScheduleExplorer(schedule="bogus")),
    ("runs must be an integer >= 1", lambda: NoiseScheduleExplorer(runs=0)),
    ("tol must be a finite number > 0", lambda: LandscapeExplorer(TwoBasins2D(), tol=-1.0)),
    ("summary must be the dict summarize() returns; it has no 'status'",
     lambda: summary.describe({})),
    ("summary must be the dict summarize_seeds() returns", lambda: training.describe_seeds({})),
    ("shape must be a tuple of whole numbers >= 1", lambda: noise.noise_draws(0, 3, shape="a")),
    ("run must be a Trajectory", lambda: noise.mean_sq_error(None)),
    ("schedule must be a schedule made by lrlab.schedules", lambda: C.lrlab_call(0.1)),
    ("schedule must be a schedule function", lambda: C.first_change(None)),
    ("schedule must be a schedule giving finite rates >= 0",
     lambda: held_out_runs(engel().problem(batch_size=16), engel().held_out(), _minus_one, 10,
                           [0])),
]


@pytest.mark.parametrize("message, call", CASES, ids=[c[0][:40] for c in CASES])
def test_bad_arguments_are_named_with_what_is_allowed(message, call):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert message in str(info.value)


def test_the_checks_let_good_arguments_through():
    assert theory.underflow_step(0.2, 0.95, staircase=np.bool_(True)) == 1672
    sched = S.linear_warmup(S.constant(0.1), 10)
    assert float(sched(20)) == pytest.approx(0.1)
    assert course.check_number(31, 31, rel=0).correct is True
    assert noise.noise_draws(0, 3, shape=5).shape == (3, 5)          # an int is one axis
    assert summary.basin_report(lrlab.gradient_descent(lrlab.TwoBasins(), 1.6, 0.15, 60))[
        "settled"]


def test_scalar_or_array_gives_python_scalars_for_0d_results():
    from lrlab._checks import scalar_or_array

    for value, kind in ((np.float64(0.5), float), (np.array(3), int), (np.array("a"), str)):
        out = scalar_or_array(value)
        assert type(out) is kind and out == value
    many = np.array([0.5, 1.5])
    assert scalar_or_array(many) is many


def test_total_lr_checks_a_schedule_like_gradient_descent():
    with pytest.raises(ValueError, match=r"^schedule must be a schedule giving finite rates >= 0, "
                                         r"got -1.0 at step 0$"):
        theory.total_lr(_minus_one, steps=3)
