"""Tests of the noisy-gradient explorer: its controls drive lrlab.noise, its readout says so."""

import math

import numpy as np
import pytest

from lrlab import blog_post_problem  # noqa: E402
from lrlab import noise as N  # noqa: E402
from lrlab.explore.noise import NoiseScheduleExplorer  # noqa: E402


@pytest.fixture(scope="module")
def explorer():
    return NoiseScheduleExplorer(runs=100, steps=300)


def test_is_an_explorer_box(explorer):
    assert "lrlab-explorer" in explorer.box._dom_classes
    assert "lrlab-readout" in explorer.readout._dom_classes
    assert tuple(explorer.controls["schedule"].options) == N.SCHEDULE_KINDS


def test_constant_reports_the_noise_ball(explorer):
    explorer.controls["schedule"].value = "constant"
    explorer.controls["lr"].value = 0.1
    explorer.controls["noise"].value = 1.0
    s = explorer.summary
    # lr s^2 / (L (2 - lr L)) with L = 2
    assert s["ball"] == pytest.approx(0.1 / (2 * 1.8))
    assert s["expected"] == pytest.approx(0.1 / (2 * 1.8), rel=1e-6)
    assert s["status"] == "stalled"
    assert "stays in the noise ball" in explorer.text
    assert "0.0278" in explorer.text


def test_exponential_runs_out_and_one_over_t_keeps_going(explorer):
    explorer.controls["lr"].value = 0.2
    explorer.controls["schedule"].value = "exponential"
    explorer.controls["decay_rate"].value = 0.98
    s = explorer.summary
    assert s["total"] == pytest.approx(0.2 / 0.02)          # lr0 / (1 - r)
    assert "stops moving" in explorer.text
    explorer.controls["schedule"].value = "1/t"
    assert math.isinf(explorer.summary["total"])
    assert explorer.summary["status"] == "converged"
    assert "keeps getting closer" in explorer.text


def test_only_the_schedule_s_own_slider_is_enabled(explorer):
    expected = {"constant": set(), "exponential": {"decay_rate"}, "1/t": {"c"},
                "cosine": set(), "step": {"step_size"}}
    for kind, on in expected.items():
        explorer.controls["schedule"].value = kind
        enabled = {n for n in ("decay_rate", "c", "step_size")
                   if not explorer.controls[n].disabled}
        assert enabled == on


def test_readout_mean_is_the_simulation(explorer):
    explorer.controls["schedule"].value = "step"
    explorer.controls["step_size"].value = 50
    explorer.controls["noise"].value = 0.5
    sched = N.noise_schedule("step", 0.2, step_size=50)
    batch = N.seeded_runs(blog_post_problem(), 5.0, sched, 300, noise=0.5, runs=100, seed=0)
    mse = float(np.mean((batch.w[-1] + 1.0) ** 2))
    assert explorer.summary["mse"] == pytest.approx(mse, rel=1e-12)
    # the drawn mean line ends at the same value
    assert explorer.panel.mean.get_ydata()[-1] == pytest.approx(mse, rel=1e-12)


def test_steps_control_sets_the_cosine_horizon(explorer):
    explorer.controls["schedule"].value = "cosine"
    explorer.controls["steps"].value = 400
    assert explorer.summary["steps"] == 400
    # a cosine over 400 steps from 0.2 adds up to 0.2 (400 / 2 + 1 / 2)
    assert explorer.summary["total"] == pytest.approx(0.2 * 200.5)
    assert len(explorer.rate_line.get_xdata()) == 400


def test_same_settings_same_text():
    a, b = NoiseScheduleExplorer(runs=50, steps=200), NoiseScheduleExplorer(runs=50, steps=200)
    assert a.text == b.text


def test_a_new_schedule_restyles_the_legends_without_new_artists():
    from matplotlib.colors import to_hex

    from lrlab.plot.noise import SCHEDULE_COLORS

    e = NoiseScheduleExplorer(runs=20, steps=200)
    artists = [list(ax.get_children()) for ax in e.figure.axes]
    for kind in ("1/t", "step", "constant"):
        e.controls["schedule"].value = kind
        assert [list(ax.get_children()) for ax in e.figure.axes] == artists
        color, marker = SCHEDULE_COLORS[kind]
        err_legend, rate_legend = (ax.get_legend() for ax in e.figure.axes)
        band, mean = err_legend.legend_handles[:2]
        assert to_hex(band.get_color()) == to_hex(mean.get_color()) == to_hex(color)
        assert mean.get_marker() == marker
        assert rate_legend.get_texts()[0].get_text() == kind
        assert to_hex(rate_legend.legend_handles[0].get_color()) == to_hex(color)


def test_step_axes_stay_put_while_the_steps_move():
    e = NoiseScheduleExplorer(runs=20, steps=300, max_steps=2000)
    for steps in (300, 1200, 100):
        e.controls["steps"].value = steps
        assert [ax.get_xlim() for ax in e.figure.axes] == [(1, 2000), (1, 2000)]
        assert e.panel.mean.get_xdata()[-1] == steps


def test_a_slider_the_schedule_does_not_use_reuses_the_runs(monkeypatch):
    e = NoiseScheduleExplorer(runs=20, steps=200, schedule="exponential")
    calls = []
    real = N.compare_schedules
    monkeypatch.setattr(N, "compare_schedules", lambda *a, **k: calls.append(1) or real(*a, **k))
    text = e.text
    e.controls["c"].value = 2.0               # 1/t's slider: exponential does not use it
    e.controls["step_size"].value = 200
    assert calls == [] and e.text == text
    e.controls["decay_rate"].value = 0.95     # its own slider: a new run
    assert calls == [1] and e.text != text
    e.controls["decay_rate"].value = 0.99     # back: the runs kept from before
    assert calls == [1] and e.text == text


@pytest.mark.parametrize("kind", ["step", "1/t", "constant"])
def test_the_legends_follow_the_schedule_on_the_page(kind):
    """After another schedule is chosen the frame the page gets shows its legend (name and
    colour) as a full redraw does: a legend restyled in place was kept in the cached
    background, and the page showed the old schedule's name and colours."""
    from .test_base import assert_same_picture, attached, frame, full_frame

    e = attached(NoiseScheduleExplorer(runs=20, steps=200))
    for value in (kind, "exponential", kind):
        e.controls["schedule"].value = value
        shown = frame(e)
        texts = [t.get_text() for t in e.ax_rate.get_legend().get_texts()]
        assert texts[0] == value
        swatch = e.ax_rate.get_legend().legend_handles[0].get_color()
        assert swatch == e.rate_line.get_color()
        assert_same_picture(shown, full_frame(e), f"schedule={value}")
