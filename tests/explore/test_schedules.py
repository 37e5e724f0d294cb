"""Tests of the gallery explorer: the dropdown swaps the sliders, every control drives the run."""

from __future__ import annotations

import doctest

import ipywidgets as W
import numpy as np
import pytest

pytest.importorskip("ipympl")

import lrlab.explore.schedules as WS  # noqa: E402
from lrlab.conventions import GALLERY, GALLERY_DEFAULTS  # noqa: E402
from lrlab.explore.base import LadderSlider  # noqa: E402
from lrlab.explore.schedules import GalleryExplorer  # noqa: E402


@pytest.fixture()
def explorer():
    return GalleryExplorer()


def _sliders_on_page(box):
    found, todo = [], [box]
    while todo:
        w = todo.pop()
        if isinstance(w, (W.IntSlider, W.SelectionSlider, W.Checkbox)):
            found.append(w)
        todo.extend(getattr(w, "children", ()))
    return found


def test_doctests():
    assert doctest.testmod(WS).failed == 0


def test_explorer_box_and_readout_classes(explorer):
    assert "lrlab-explorer" in explorer.box._dom_classes
    assert "lrlab-readout" in explorer.readout._dom_classes
    assert "lrlab-calls" in explorer.calls._dom_classes
    assert tuple(explorer.controls["schedule"].options) == GALLERY
    assert explorer.canvas in explorer.box.children


def test_default_cosine_readout(explorer):
    # cosine_decay(0.1, 100) summed over steps 0..99: 0.05 * sum(1 + cos(pi t / 100))
    t = np.arange(100)
    total = float(np.sum(0.05 * (1 + np.cos(np.pi * t / 100))))
    assert explorer.summary["total"] == pytest.approx(total)
    assert explorer.text.startswith("cosine_decay(0.1, 100): after 100 steps")
    assert f"total of the 100 rates {total:.4g}" in explorer.text


@pytest.mark.parametrize("name", GALLERY)
def test_dropdown_shows_only_that_schedules_settings(explorer, name):
    explorer.controls["schedule"].value = name
    on_page = _sliders_on_page(explorer.box)
    expected = {explorer.controls[f"{name}.{k}"] for k in GALLERY_DEFAULTS[name]}
    expected |= {explorer.controls["steps"]}
    shown = {w for w in on_page}
    assert {w for w in shown if not isinstance(w, W.Dropdown)} == {
        w for w in expected if not isinstance(w, W.Dropdown)}
    assert explorer.summary["status"] != "invalid"
    assert explorer.text.startswith(name)


def test_step_decay_settings_drive_the_run(explorer):
    explorer.controls["schedule"].value = "step_decay"
    explorer.controls["step_decay.gamma"].value = 0.1
    explorer.controls["step_decay.step_size"].value = 10
    explorer.controls["steps"].value = 30
    t = np.arange(30)
    np.testing.assert_allclose(explorer.run.lr, 0.1 * 0.1 ** (t // 10), rtol=1e-12)
    assert explorer.summary["total"] == pytest.approx(10 * (0.1 + 0.01 + 0.001))
    assert "StepLR(opt, step_size=10, gamma=0.1)" in explorer.calls.value


def test_constant_one_step_rate_lands_on_the_minimum(explorer):
    explorer.controls["schedule"].value = "constant"
    explorer.controls["constant.lr"].value = 0.5       # 1 / (2a) for the blog post's problem
    assert explorer.run.w[1] == pytest.approx(-1.0)
    assert "w = -1" in explorer.text


def test_constant_past_the_limit_diverges(explorer):
    explorer.controls["schedule"].value = "constant"
    explorer.controls["constant.lr"].value = 1.2
    assert explorer.summary["status"] == "diverged"
    assert "diverged at step" in explorer.text and "limit 1" in explorer.text


def test_steps_above_the_limit_are_counted(explorer):
    explorer.controls["cosine_decay.initial_lr"].value = 1.05
    # 1.05 (1 + cos(pi t / 100)) / 2 > 1 for t <= 14
    assert explorer.summary["steps_above_limit"] == 15
    assert "15 steps above the limit 1" in explorer.text


def test_invalid_settings_are_reported_not_raised(explorer):
    explorer.controls["schedule"].value = "piecewise_constant"
    explorer.controls["piecewise_constant.boundary_1"].value = 80
    assert explorer.summary["status"] == "invalid"
    assert "strictly increasing" in explorer.text
    explorer.controls["piecewise_constant.boundary_1"].value = 10
    assert explorer.summary["status"] != "invalid"


def test_one_cycle_three_phase_keeps_pct_start_legal(explorer):
    explorer.controls["schedule"].value = "one_cycle"
    explorer.controls["one_cycle.pct_start"].value = 0.8
    explorer.controls["one_cycle.three_phase"].value = True
    assert explorer.controls["one_cycle.pct_start"].value <= 0.5
    assert explorer.summary["status"] != "invalid"
    explorer.controls["one_cycle.three_phase"].value = False
    assert explorer.controls["one_cycle.pct_start"].max == pytest.approx(0.95)


def test_artists_are_updated_in_place(explorer):
    lines = (explorer.rate_panel.line, explorer.path_panel.path, explorer.loss_panel.lines[0])
    n_lines = len(explorer.figure.axes[0].get_lines())
    for name in ("one_cycle", "linear_warmup", "constant"):
        explorer.controls["schedule"].value = name
    assert (explorer.rate_panel.line, explorer.path_panel.path,
            explorer.loss_panel.lines[0]) == lines
    assert len(explorer.figure.axes[0].get_lines()) == n_lines
    x, y = explorer.rate_panel.line.get_data()
    assert np.allclose(y, 0.1)


def test_slider_for_kinds():
    rate = WS.slider_for("cosine_decay", "initial_lr", 0.1)
    assert isinstance(rate, LadderSlider) and (rate.min, rate.max) == (0.0, 1.5)
    # the values the notebook sets are positions of the slider, exactly
    for v in (0.1, 0.5, 1.05, 1.4):
        rate.value = v
        assert rate.value == v and rate.label == f"{v:.3f}"
    assert np.allclose(np.diff(rate.positions), 0.005)
    assert isinstance(WS.slider_for("step_decay", "step_size", 25), W.IntSlider)
    assert isinstance(WS.slider_for("piecewise_constant", "switch", "after"), W.Dropdown)
    assert isinstance(WS.slider_for("exponential_decay", "staircase", False), W.Checkbox)
    assert WS.slider_for("inverse_time_decay", "decay_rate", 1.0).max == 5.0
    pct = WS.slider_for("one_cycle", "pct_start", 0.7)
    pct.limit(0.5)
    assert (pct.max, pct.value) == (0.5, 0.5)
    pct.limit(None)
    assert (pct.max, pct.value) == (0.95, 0.5)
    with pytest.raises(ValueError):
        WS.slider_for("constant", "nonsense", 1)


def test_the_notebooks_suggested_settings_read_as_closed_forms_say(explorer):
    # 04's "things to try", once driven by a cell of the notebook, checked here instead
    explorer.controls["schedule"].value = "one_cycle"
    explorer.controls["one_cycle.max_lr"].value = 1.4
    # PyTorch's cosine 1cycle by hand: 1.4/25 -> 1.4 over steps 0..29, then -> 1.4/25/1e4 by 99
    t = np.arange(100.0)
    lo, top, end = 1.4 / 25, 1.4, 1.4 / 25 / 1e4
    rise = top + (lo - top) / 2 * (np.cos(np.pi * t / 29) + 1)
    fall = end + (top - end) / 2 * (np.cos(np.pi * (t - 29) / 70) + 1)
    rates = np.where(t <= 29, rise, fall)
    assert explorer.summary["steps_above_limit"] == int(np.sum(rates > 1)) == 36
    assert "36 steps above the limit 1" in explorer.text
    error = 6.0 * np.prod(1 - 2 * rates)                 # e_100 = e_0 prod (1 - 2a lr_t)
    assert float(explorer.run.w[-1]) + 1 == pytest.approx(error, abs=1e-14)

    explorer.controls["schedule"].value = "linear_warmup"
    explorer.controls["linear_warmup.warmup_steps"].value = 60
    # 60 warmup rates 0.1 t / 60, then cosine_decay(0.1, 80) over its steps 0..39
    s = np.arange(40)
    total = 0.1 * np.arange(60).sum() / 60 + np.sum(0.05 * (1 + np.cos(np.pi * s / 80)))
    assert explorer.summary["total"] == pytest.approx(total, rel=1e-12)
