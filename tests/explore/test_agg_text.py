"""The explorers' text-caching Agg renderer draws exactly what Agg draws."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import RendererAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lrlab.explore._agg_text import TextCache, TextCachingRenderer  # noqa: E402


def busy_figure(shift=0.0, color="black"):
    """Tick labels, rotated and boxed texts, mathtext, the same string in two colours."""
    fig = Figure(figsize=(4, 3), dpi=90)
    ax = fig.subplots()
    ax.plot([0, 1, 2], [1, 3, 2])
    ax.set_xlim(0 + shift, 2 + shift)
    ax.set_title("loss per step", fontweight="bold")
    ax.set_ylabel("error factor\nper step")
    ax.text(0.5, 2.0, "lr = 0.25", color=color, rotation=30)
    ax.text(1.0, 1.5, "lr = 0.25", color="tab:red", bbox={"boxstyle": "round", "fc": "w"})
    ax.text(0.2, 2.6, r"$\eta_t = \eta_0 \gamma^t$")
    return fig


def pixels(fig, renderer):
    renderer.clear()
    fig.draw(renderer)
    return np.asarray(renderer.buffer_rgba()).copy()


@pytest.mark.parametrize("shift", [0.0, 0.37])
def test_the_first_and_every_later_draw_equal_plain_agg(shift):
    fig = busy_figure(shift)
    plain = pixels(fig, RendererAgg(360, 270, 90))
    cached = TextCachingRenderer(360, 270, 90)
    first = pixels(fig, cached)
    misses = cached.text_misses
    again = pixels(fig, cached)
    np.testing.assert_array_equal(first, plain)
    np.testing.assert_array_equal(again, plain)
    assert cached.text_misses == misses            # nothing drawn afresh the second time
    assert cached.text_hits >= misses > 5


def test_a_kept_text_takes_the_colour_it_is_drawn_in_now():
    cached = TextCachingRenderer(360, 270, 90)
    pixels(busy_figure(color="black"), cached)
    fig = busy_figure(color="tab:green")
    np.testing.assert_array_equal(pixels(fig, cached), pixels(fig, RendererAgg(360, 270, 90)))


def test_moved_limits_draw_new_tick_labels_afresh_and_forget_the_oldest():
    cached = TextCachingRenderer(360, 270, 90, cache=TextCache(kept=8))
    for shift in (0.0, 0.5, 1.0):
        fig = busy_figure(shift)
        np.testing.assert_array_equal(pixels(fig, cached), pixels(fig, RendererAgg(360, 270, 90)))
    assert len(cached.cache) == 8


def test_renderers_sharing_a_cache_replay_each_others_texts():
    shared = TextCache()
    fig = busy_figure()
    first, second = (TextCachingRenderer(360, 270, 90, cache=shared) for _ in range(2))
    pixels(fig, first)
    np.testing.assert_array_equal(pixels(fig, second), pixels(fig, RendererAgg(360, 270, 90)))
    assert second.text_misses == 0 and second.text_hits == first.text_misses
    with pytest.raises(ValueError, match="kept"):
        TextCache(kept=0)
