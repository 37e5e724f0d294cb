"""Tests of the gallery figures: they draw what the schedules and runs are (closed forms)."""

from __future__ import annotations

import doctest
import math

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

import lrlab.plot.schedules as P
from lrlab import blog_post_problem, constant, cosine_decay, exponential_decay
from lrlab.conventions import epoch_stepped, gallery, keras_piecewise_constant

matplotlib.use("Agg")


def test_doctests():
    assert doctest.testmod(P).failed == 0


def test_gallery_grid_draws_every_schedule_at_whole_steps():
    g = gallery()
    fig, axes = P.gallery_grid(g, steps=100)
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in axes] == list(g)
    cos_line = axes[list(g).index("cosine_decay")].get_lines()[0]
    x, y = cos_line.get_data()
    assert list(x) == list(range(101))
    # cosine_decay(0.1, 100): 0.1 * (1 + cos(pi t / 100)) / 2
    assert y[50] == pytest.approx(0.05) and y[100] == pytest.approx(0.0, abs=1e-15)
    assert cos_line.get_drawstyle() == "steps-post"
    assert axes[0].get_ylim()[1] == pytest.approx(0.11)
    fig.canvas.draw()


def test_gallery_grid_hides_spare_panels():
    fig, axes = P.gallery_grid({"a": constant(0.1), "b": constant(0.2)}, steps=10, ncols=3)
    assert len(axes) == 2
    assert sum(ax.get_visible() for ax in fig.axes) == 2


def test_schedule_styles_avoid_yellow():
    colors = {P.schedule_style(i)[0] for i in range(12)}
    assert "#F0E442" not in colors and len(colors) == 7


def test_blog_post_runs_grid_losses_and_totals():
    scheds = {"constant": constant(0.1), "halving": exponential_decay(0.1, 1, 0.5)}
    fig, axes, runs = P.blog_post_runs_grid(scheds, blog_post_problem(), 5.0, steps=100,
                                       reference_lr=0.1, ncols=2)
    # constant 0.1 on (w + 1)^2 from 5: error 6 * 0.8^t, loss its square
    assert float(runs["constant"].loss[-1]) == pytest.approx((6 * 0.8**100) ** 2, rel=1e-9)
    assert axes[0].get_title() == "constant\ntotal of rates 10"
    # halving: 0.1 * (1 - 0.5^100) / 0.5 = 0.2
    assert axes[1].get_title() == "halving\ntotal of rates 0.2"
    assert axes[0].get_yscale() == "log"
    assert len(axes[0].get_lines()) >= 3   # run, cross, constant reference
    assert "constant rate of 0.1" in fig.get_suptitle()


def test_convention_panels_draw_lines_library_markers_and_marks():
    panels = [
        {"title": "boundary", "steps": np.arange(0, 16),
         "schedules": {"after": keras_piecewise_constant([10], [0.1, 0.01])},
         "library": {"stored": ([9, 10, 11], [0.1, 0.1, 0.01])}, "marks": {10: "b"}},
        {"title": "epochs", "steps": np.arange(0, 31),
         "schedules": {"per epoch": epoch_stepped(exponential_decay(0.2, 1, 0.5), 10),
                       "per batch": exponential_decay(0.2, 1, 0.5)}, "log": True},
    ]
    fig, axes = P.convention_panels(panels)
    assert len(axes) == 2
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert labels == ["after", "stored"]
    x, y = axes[0].get_lines()[0].get_data()
    assert y[10] == 0.1 and y[11] == 0.01          # Keras keeps the old value at the boundary
    assert axes[1].get_yscale() == "log" and axes[0].get_ylim()[0] == 0
    per_epoch = axes[1].get_lines()[0].get_data()[1]
    assert per_epoch[25] == pytest.approx(0.2 * 0.5**2)
    assert any(t.get_text() == "b" for t in axes[0].texts)
    fig.canvas.draw()


def test_draw_rates_returns_the_line():
    fig = Figure()
    ax = fig.subplots()
    line = P.draw_rates(ax, cosine_decay(0.2, 10), 10)
    assert math.isclose(line.get_data()[1][5], 0.1)
