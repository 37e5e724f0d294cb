"""lrlab.plot.model: the figures draw what the math modules computed."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lrlab import constant, exponential_decay  # noqa: E402
from lrlab.data import ManySeeds, engel, held_out_runs  # noqa: E402
from lrlab.plot.model import (  # noqa: E402
    band,
    data_figure,
    peak_sweep_figure,
    range_test_figure,
    schedules_figure,
    steps_and_epochs,
)
from lrlab.range_test import range_test  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return engel()


def test_band_is_median_and_percentiles():
    mid, lo, hi = band(np.arange(11.0)[None, :])
    assert (mid[0], lo[0], hi[0]) == (5.0, 1.0, 9.0)


def test_data_figure_draws_every_household_and_the_fitted_line(data):
    fig, ax = data_figure(data)
    sizes = sorted(len(c.get_offsets()) for c in ax.collections)
    assert sizes == [47, 188]
    (line,) = ax.get_lines()
    x, y = line.get_data()
    slope, intercept = np.polyfit(*data.raw[data.train_rows].T, 1)
    np.testing.assert_allclose(y, intercept + slope * np.asarray(x), rtol=1e-9)


def test_steps_and_epochs_draws_the_rates_at_every_update():
    sched = exponential_decay(0.5, 11, 0.8, staircase=True)
    fig, ax = steps_and_epochs([sched], batches_per_epoch=11, epochs=3)
    (line,) = ax.get_lines()[-1:]
    x, y = line.get_data()
    assert len(x) == 33
    np.testing.assert_allclose(y[[0, 10, 11, 22]], [0.5, 0.5, 0.4, 0.32])


def test_range_test_figure_marks_the_readings(data):
    train = data.problem(batch_size=16)
    test = range_test(ManySeeds(train, range(4)), np.zeros((4, 2)), steps=60)
    fig, ax = range_test_figure(test, critical=1.0)
    vertical = sorted(float(line.get_xdata()[0]) for line in ax.get_lines()
                      if line.get_linestyle() == "--")
    expected = sorted([np.median(test.suggested_lr), np.median(test.lr_explode), 1.0])
    np.testing.assert_allclose(vertical, expected)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"


def test_schedules_and_peak_sweep_figures(data):
    train, held = data.problem(batch_size=16), data.held_out()
    results = {}
    for name, sched in {"constant": constant(0.1),
                        "exponential": exponential_decay(0.1, 11, 0.8)}.items():
        results[name] = (sched, held_out_runs(train, held, sched, 22, seeds=[0, 1, 2])[1])
    fig, axes = schedules_figure(results, batches_per_epoch=11, best=0.1)
    assert len(axes) == 3
    finals = {name: np.array([v[1][-1]] * 2) for name, v in results.items()}
    fig, ax = peak_sweep_figure([0.1, 0.2], finals, marks=[(0.15, "mark")], best=0.1)
    medians = [line.get_ydata() for line in ax.get_lines()[:2]]
    np.testing.assert_allclose(medians[0], np.median(finals["constant"], axis=-1))
