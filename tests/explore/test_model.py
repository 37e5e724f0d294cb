"""The training explorer of notebook 08: its readout is what lrlab computes, at every setting.

Expected values come from separate calls of lrlab's pieces (``held_out_runs``,
the schedule factories of ``lrlab.schedules``, numpy's percentiles) or from
arithmetic done here, never from the explorer's own output.
"""

import math
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lrlab import constant, cosine_decay, exponential_decay, linear_warmup  # noqa: E402
from lrlab.data import engel, held_out_runs  # noqa: E402
from lrlab.explore.model import TrainingExplorer  # noqa: E402
from lrlab.training import (  # noqa: E402
    SCHEDULE_KINDS,
    epoch_schedule,
    schedules_for,
    seed_quantiles,
    warmup_steps,
)

SEEDS = list(range(20))


@pytest.fixture(scope="module")
def data():
    return engel()


@pytest.fixture()
def explorer(data):
    e = TrainingExplorer(data=data)
    e.canvas.syncing_data_url = False      # as with a browser view attached: renders happen
    return e


def set_controls(explorer, **values):
    for name, value in values.items():
        explorer.controls[name].value = value


def independent(data, schedule, batch_size, epochs):
    """held_out_runs called directly: (run, held-out loss, updates)."""
    train = data.problem(batch_size=batch_size)
    steps = epochs * (data.n_train // batch_size)
    run, held = held_out_runs(train, data.held_out(), schedule, steps, SEEDS)
    return run, held, steps


def check_figure(explorer):
    for ax in explorer.figure.axes:
        assert all(math.isfinite(v) for v in (*ax.get_xlim(), *ax.get_ylim()))
        for line in ax.get_lines():
            assert not np.isinf(np.asarray(line.get_xydata(), dtype=float)).any()
        for collection in ax.collections:
            for path in collection.get_paths():
                assert np.isfinite(path.vertices).all()
    for segment in explorer.lines_panel.lines.get_segments():
        assert np.isfinite(segment).all()


def test_is_an_explorer_box_with_the_four_named_controls(explorer, data):
    assert "lrlab-explorer" in explorer.box._dom_classes
    assert "lrlab-readout" in explorer.readout._dom_classes
    assert set(explorer.controls) == {"schedule", "peak", "epochs", "batch_size"}
    assert tuple(explorer.controls["schedule"].options) == SCHEDULE_KINDS
    sizes = [value for _, value in explorer.controls["batch_size"].options]
    assert sizes == [4, 8, 16, 32, 64, data.n_train]
    assert explorer.controls["batch_size"].options[-1][0] == f"{data.n_train} (full batch)"


def test_readout_is_an_independent_run_of_twenty_seeds(explorer, data):
    set_controls(explorer, schedule="exponential", peak=0.3, epochs=7, batch_size=8)
    per_epoch = 188 // 8                                    # 23 full batches of 8 rows
    sched = exponential_decay(0.3, per_epoch, 0.8, staircase=True)
    run, held, steps = independent(data, sched, 8, 7)
    assert steps == 7 * 23 == 161
    assert not (run.status == "diverged").any()
    final = held[-1]
    s = explorer.summary
    assert s["final_median"] == pytest.approx(np.median(final), rel=1e-12)
    lo, hi = np.percentile(final, [10, 90])
    assert s["final_lo"] == pytest.approx(lo, rel=1e-12)
    assert s["final_hi"] == pytest.approx(hi, rel=1e-12)
    train = data.problem()
    exact = np.mean((train.minimum[0] + train.minimum[1] * data.x_held - data.y_held) ** 2)
    assert s["exact"] == pytest.approx(exact, rel=1e-12)
    text = explorer.text
    assert text.startswith("exponential, peak 0.3, batch 8: 7 epochs = 161 updates; ")
    assert "diverged" not in text
    assert (f"median {np.median(final):.3g} (10%-90%: {lo:.3g} to {hi:.3g}); "
            f"exact least-squares line {exact:.3g}") in text
    # the figure shows the same numbers: the median line ends at the median
    assert explorer.loss_panel.median.get_ydata()[-1] == pytest.approx(np.median(final))
    assert len(explorer.lines_panel.lines.get_segments()) == 20
    check_figure(explorer)


def test_diverged_seeds_are_counted_and_named(explorer, data):
    set_controls(explorer, schedule="constant", peak=1.0, epochs=20, batch_size=16)
    run, held, steps = independent(data, constant(1.0), 16, 20)
    gone = run.status == "diverged"
    n, first = int(gone.sum()), int(run.status_step[gone].min())
    assert 0 < n < 20                          # some seeds, not all: both kinds are shown
    text = explorer.text
    assert f"{n} of 20 seeds diverged, the first at update {first}" in text
    assert explorer.summary["diverged_seeds"] == [s for s in SEEDS if gone[s]]
    assert explorer.summary["status"] == "diverged"
    # the quantiles count a diverged seed as worse than any other
    final = np.sort(np.where(gone, np.inf, held[-1]))
    assert explorer.summary["final_median"] == pytest.approx((final[9] + final[10]) / 2)
    assert "10%-90%:" in text and text.split("10%-90%: ")[1].split(")")[0].endswith("diverged")
    # marked in the figure: a cross per diverged seed, no line for them, a note
    x, y = explorer.loss_panel.crosses.get_data()      # on the epoch axis: 11 updates an epoch
    np.testing.assert_allclose(sorted(x), np.sort(run.status_step[gone]) / (188 // 16))
    assert len(explorer.lines_panel.lines.get_segments()) == 20 - n
    assert f"{n} of 20 seeds diverged" in explorer.loss_panel.note.get_text()
    assert f"{n} diverged seed" in explorer.lines_panel.note.get_text()
    check_figure(explorer)


def test_every_seed_diverging_is_shown_without_a_warning(explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        set_controls(explorer, schedule="constant", batch_size=4, epochs=40, peak=3.0)
        explorer.render(full=True)
    s = explorer.summary
    assert s["diverged"] == 20
    assert math.isinf(s["final_median"]) and math.isinf(s["final_lo"])
    assert "20 of 20 seeds diverged" in explorer.text
    assert "median diverged (10%-90%: diverged to diverged)" in explorer.text
    assert len(explorer.lines_panel.lines.get_segments()) == 0
    check_figure(explorer)


@pytest.mark.parametrize("name", ["schedule", "peak", "epochs", "batch_size"])
def test_every_control_at_its_ends(explorer, name):
    control = explorer.controls[name]
    if type(control).__name__ == "LadderSlider":
        ends = [control.min, control.max]
    elif hasattr(control, "options"):
        ends = [o[1] if isinstance(o, tuple) else o for o in control.options]
    else:
        ends = [control.min, control.max]
    for value in ends:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            control.value = value
            explorer.render(full=True)
            explorer.render()
        assert explorer.text
        check_figure(explorer)


def test_the_ends_of_the_sliders(explorer):
    assert explorer.controls["peak"].min == 1e-3
    assert explorer.controls["peak"].max == 3.0
    assert (explorer.controls["epochs"].min, explorer.controls["epochs"].max) == (1, 40)


def test_schedule_switch_changes_the_rates_as_lrlab_schedules_say(explorer):
    set_controls(explorer, peak=0.2, epochs=10, batch_size=16)
    t = np.arange(10 * 11)
    expected = {
        "constant": constant(0.2)(t),
        "exponential": exponential_decay(0.2, 11, 0.8, staircase=True)(t),
        # two epochs (22 updates) of warmup, then a cosine over the other 88
        "cosine + warmup": linear_warmup(cosine_decay(0.2, 88), 22)(t),
    }
    for kind in ("cosine + warmup", "constant", "exponential", "cosine + warmup"):
        explorer.controls["schedule"].value = kind
        lr = explorer.result.run.lr
        assert lr.shape == (110, 20)
        np.testing.assert_array_equal(lr, np.broadcast_to(expected[kind][:, None], lr.shape))
    assert explorer.result.run.lr[0, 0] == 0.0          # the warmup starts from 0
    assert explorer.result.run.lr[22, 0] == pytest.approx(0.2)


def test_shared_schedules_are_the_notebook_s_definitions():
    """epoch_schedule is what notebook 08 wrote out: 11 updates per epoch, 20 epochs."""
    t = np.arange(220)
    notebook = {
        "constant": constant(0.056),
        "exponential": exponential_decay(0.056, 11, 0.8, staircase=True),
        "cosine + warmup": linear_warmup(cosine_decay(0.056, 220 - 22), 22),
    }
    shared = schedules_for(0.056, 11, 20)
    assert list(shared) == list(notebook) == list(SCHEDULE_KINDS)
    for kind, sched in notebook.items():
        np.testing.assert_array_equal(shared[kind](t), sched(t))
        np.testing.assert_array_equal(epoch_schedule(kind, 0.056, 11, 20)(t), sched(t))
        assert shared[kind].name == sched.name
    assert shared["exponential"].params == notebook["exponential"].params


def test_a_run_shorter_than_two_warmups_warms_up_for_half_of_it():
    assert warmup_steps(11, 20) == 22
    assert warmup_steps(11, 3) == 33 // 2 == 16
    assert warmup_steps(1, 1) == 0
    sched = epoch_schedule("cosine + warmup", 0.5, 11, 3)
    np.testing.assert_array_equal(sched(np.arange(33)),
                                  linear_warmup(cosine_decay(0.5, 17), 16)(np.arange(33)))
    np.testing.assert_array_equal(epoch_schedule("cosine + warmup", 0.5, 1, 1)(np.arange(3)),
                                  cosine_decay(0.5, 1)(np.arange(3)))


def test_seed_quantiles_are_numpy_s_and_count_a_diverged_seed_as_worst():
    rng = np.random.default_rng(3)
    values = rng.lognormal(size=(30, 20))
    np.testing.assert_allclose(seed_quantiles(values, [10, 50, 90]),
                               np.percentile(values, [10, 50, 90], axis=-1), rtol=1e-14)
    # sorted: 1, 2, 3, 4, diverged; positions 0.4 (10 %), 2 (50 %), 3 (75 %), 3.6 (90 %)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = seed_quantiles([3.0, np.nan, 1.0, 4.0, 2.0], [10, 50, 75, 90])
    np.testing.assert_allclose(got[:3], [1.4, 3.0, 4.0])
    assert got[3] == np.inf
    assert seed_quantiles([np.inf, np.nan], 0) == np.inf


def test_same_settings_same_text(data):
    a, b = TrainingExplorer(data=data), TrainingExplorer(data=data)
    assert a.text == b.text


def test_bad_arguments_name_the_argument_and_the_range(data):
    with pytest.raises(ValueError, match="batch_size must be one of"):
        TrainingExplorer(data=data, batch_size=5)
    with pytest.raises(ValueError, match="schedule must be one of"):
        TrainingExplorer(data=data, schedule="cosine")
    with pytest.raises(ValueError, match="epochs must be an integer >= 1 and <= 40"):
        TrainingExplorer(data=data, epochs=41)
    with pytest.raises(ValueError, match="peak must be a finite number >= 0.001 and <= 3"):
        TrainingExplorer(data=data, peak=5.0)
    with pytest.raises(ValueError, match="kind must be one of"):
        epoch_schedule("step", 0.1, 11, 20)
    with pytest.raises(ValueError, match="peak must be a finite number > 0"):
        epoch_schedule("constant", 0.0, 11, 20)
    with pytest.raises(ValueError, match="q must be percentiles between 0 and 100"):
        seed_quantiles([1.0, 2.0], 101)


def test_the_loss_axis_counts_epochs_so_a_new_batch_size_keeps_it(explorer):
    set_controls(explorer, schedule="constant", peak=0.05, epochs=7, batch_size=16)
    ax = explorer.loss_panel.ax
    top = explorer.controls["epochs"].max              # every epoch the slider offers, fixed
    assert ax.get_xlim() == (0, top) and top == 40
    for size in (4, 8, 32, 64, 188):
        explorer.controls["batch_size"].value = size
        assert ax.get_xlim() == (0, top), size
        t = explorer.loss_panel.median.get_xdata()
        # one point per update, 188 // size of them an epoch, the last at epoch 7
        assert len(t) == 7 * (188 // size) + 1 and t[-1] == pytest.approx(7.0)
    explorer.controls["epochs"].value = 23
    assert ax.get_xlim() == (0, top)
    assert explorer.loss_panel.median.get_xdata()[-1] == pytest.approx(23.0)
    assert ax.get_xlabel() == "epoch"
