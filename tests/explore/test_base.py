"""The Explorer base class: blitted frames equal full draws, bursts coalesce, frames decode.

The speed of a live explorer comes from drawing only what moved
(:meth:`lrlab.explore.base.Explorer.render`). These tests pin down that the
shortcut never shows anything a full draw would not: pixel for pixel, after
moves that change data, texts, limits and the problem itself.
"""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import types
import zlib

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from PIL import Image  # noqa: E402

from lrlab.explore import _private  # noqa: E402
from lrlab.explore import canvas as canvas_module  # noqa: E402
from lrlab.explore.canvas import png_rgba  # noqa: E402
from lrlab.explore.one_d import (  # noqa: E402
    BasinsExplorer,
    DescentExplorer,
    RateAndDecayExplorer,
    RegimeExplorer,
)


def frame(explorer):
    """The canvas's pixels now (a copy)."""
    return np.asarray(explorer.canvas.get_renderer().buffer_rgba()).copy()


def assert_same_picture(shown, expected, where=""):
    """Equal but for rounding, which no eye can see.

    Agg may blend a pixel a unit or so apart when it is drawn in two passes,
    and an artist laid on as a cached image (a layer, or a moving artist that
    did not change) is blended once more than one drawn in place: where
    antialiased edges and translucent fills overlap, a pixel may come out a
    few units of 255 apart (up to 7 seen here), and a legend with a
    translucent frame laid on as an image moves every pixel under it by a
    unit. A wrong picture (a stale image, a missing or misplaced artist)
    differs by far more than that, over many pixels.
    """
    diff = np.abs(shown.astype(int) - expected.astype(int)).max(axis=-1)
    assert diff.max() <= 8, f"{where}: pixels differ by up to {diff.max()}"
    assert (diff > 2).mean() < 5e-3, f"{where}: {(diff > 2).mean():.2%} of the pixels differ"


def attached(explorer):
    """As with a page showing the canvas; the layout fixed after one draw.

    (Each constrained-layout pass may move the panels by a fraction of a
    pixel; ipympl's own draws rerun it, which these tests compare against.)
    """
    explorer.canvas.syncing_data_url = False
    explorer.render(full=True)
    explorer.figure.set_layout_engine("none")
    return explorer


def full_frame(explorer):
    explorer.render(full=True)
    return frame(explorer)


CASES = [
    (DescentExplorer, {}, [("lr", 0.3), ("lr", 0.9), ("w0", -3.0), ("lr", 1.5), ("steps", 80)]),
    (RateAndDecayExplorer, {"lr": 0.03}, [("lr", 0.5), ("decay_rate", 0.95), ("lr", 1.1),
                                          ("decay_rate", 1.0), ("lr", 1.05)]),
    (RegimeExplorer, {"controls": ("lr", "a")}, [("lr", 0.4), ("a", 2.0), ("lr", 0.9),
                                                 ("a", 0.5), ("lr", 0.01)]),
    (BasinsExplorer, {}, [("lr", 0.2), ("w0", -1.6), ("lr", 0.9), ("lr", 0.05)]),
]


@pytest.mark.parametrize("cls, kwargs, moves", CASES, ids=[c[0].__name__ for c in CASES])
def test_blitted_frames_equal_full_draws(cls, kwargs, moves):
    explorer = cls(**kwargs)
    explorer.canvas.syncing_data_url = False
    for name, value in moves * 2:          # twice: the second time every mover is known
        explorer.controls[name].value = value
        assert_same_picture(frame(explorer), full_frame(explorer), f"{name}={value}")
    assert explorer.renders["blit"] > 0


def test_moves_of_data_only_are_blitted():
    explorer = DescentExplorer()
    explorer.canvas.syncing_data_url = False
    lr = explorer.controls["lr"]
    lr.value = 0.25                      # the first draw
    lr.value = 0.27                      # the first move finds the moving artists
    explorer.renders.update(full=0, kept=0, blit=0)
    for value in (0.3, 0.35, 0.4, 0.8, 1.2):
        lr.value = value
    assert explorer.renders == {"full": 0, "kept": 0, "blit": 5}
    explorer.controls["steps"].value = 90   # the step axis changes (50 -> 100): a full draw
    assert explorer.renders == {"full": 1, "kept": 0, "blit": 5}
    explorer.controls["steps"].value = 30   # back to 50: its background was kept
    assert explorer.renders == {"full": 1, "kept": 1, "blit": 5}


def test_limits_seen_before_restore_their_kept_background_and_match_a_full_draw():
    explorer = attached(RateAndDecayExplorer(lr=0.03))
    for value in (0.05, 0.15, 0.3, 0.7, 0.2):   # find the movers; tops 0.5, 1, 0.5
        explorer.controls["lr"].value = value
    for value in (0.6, 0.25, 0.65):             # tops 1, 0.5, 1: each seen before
        before = dict(explorer.renders)
        explorer.controls["lr"].value = value
        assert explorer.renders["kept"] == before["kept"] + 1, explorer.renders
        assert_same_picture(frame(explorer), full_frame(explorer), f"lr={value}")
        nearby = explorer.controls["lr"].nearest(value * 0.98)   # a position of the slider
        explorer.controls["lr"].value = nearby          # a blit on the restored background
        assert_same_picture(frame(explorer), full_frame(explorer), f"lr={nearby}")


def test_kept_backgrounds_are_dropped_when_a_static_artist_changes():
    explorer = RateAndDecayExplorer(lr=0.03)
    ax = explorer.figure.axes[0]
    note = ax.text(0.5, 0.5, "a note", transform=ax.transAxes, zorder=0.5)   # under the lines
    explorer = attached(explorer)
    for value in (0.05, 0.15, 0.3, 0.7, 0.2):
        explorer.controls["lr"].value = value
    assert explorer._kept and note not in explorer.moving.movers
    note.set_text("a new note")                             # static until now
    explorer.controls["lr"].value = 0.6
    assert_same_picture(frame(explorer), full_frame(explorer), "new note, lr=0.6")
    explorer.controls["lr"].value = 0.2                     # the old top again: drawn anew
    assert_same_picture(frame(explorer), full_frame(explorer), "new note, lr=0.2")


def test_frames_stay_whole_when_two_threads_draw_at_once():
    """ipykernel 7 may handle a slider's change and the page's draw request on two threads;
    every frame sent must still be a whole picture, not a half-cleared buffer."""
    import threading

    explorer = RateAndDecayExplorer(lr=0.03)
    canvas = explorer.canvas
    canvas.syncing_data_url = False
    sent = []
    canvas.send_binary = lambda data: sent.append(data)
    explorer.render(full=True)
    whole = (np.asarray(Image.open(io.BytesIO(sent[-1])))[..., :3] < 250).any(-1).sum()
    errors = []

    def sliders():
        try:
            for k in range(40):
                explorer.controls["lr"].value = [0.03, 0.3, 0.9, 0.2][k % 4]
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    def page():
        try:
            for _ in range(40):
                canvas.handle_event({"type": "refresh"})   # what the page sends, then "draw"
                canvas.handle_event({"type": "draw"})
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=sliders), threading.Thread(target=page)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    inks = [(np.asarray(Image.open(io.BytesIO(f)))[..., :3] < 250).any(-1).sum() for f in sent
            if np.asarray(Image.open(io.BytesIO(f)))[..., 3].all()]          # whole frames
    assert len(inks) > 40
    assert min(inks) > 0.8 * whole, f"a whole frame held {min(inks)} dark pixels, not ~{whole}"


def test_a_burst_in_one_loop_turn_renders_once_with_the_last_values():
    explorer = attached(DescentExplorer())
    explorer.renders.update(full=0, kept=0, blit=0)

    async def burst():
        for value in np.geomspace(0.01, 1.5, 12):
            explorer.controls["lr"].value = explorer.controls["lr"].nearest(value)
        assert explorer.renders == {"full": 0, "kept": 0, "blit": 0}  # nothing drawn
        await asyncio.sleep(0)

    asyncio.run(burst())
    assert sum(explorer.renders.values()) == 1
    assert explorer.run.lr[0] == pytest.approx(1.5, rel=0.01)
    assert_same_picture(frame(explorer), full_frame(explorer))


def test_other_full_draws_and_savefig_show_the_moving_artists():
    explorer = attached(DescentExplorer())
    for value in (0.3, 0.9, 1.3):
        explorer.controls["lr"].value = value
    expected = frame(explorer)
    explorer.canvas.draw()                 # as ipympl does on a resize or a zoom
    assert_same_picture(frame(explorer), expected)
    with io.BytesIO() as buf:
        explorer.figure.savefig(buf, format="png")
        saved = np.asarray(Image.open(buf))
    assert saved.shape == expected.shape
    assert_same_picture(saved, expected)


def test_nothing_is_drawn_before_a_page_shows_the_canvas():
    # ipympl's stand-in image for a canvas with no view breaks the view that opens
    # later, so with no view (as in nbval) the explorer only moves its artists.
    explorer = DescentExplorer()
    for value in (0.3, 0.9):
        explorer.controls["lr"].value = value
    assert explorer.renders == {"full": 0, "kept": 0, "blit": 0}
    assert explorer.canvas._data_url is None
    assert explorer.text.startswith("oscillating")


@pytest.mark.parametrize("shape", [(37, 53), (540, 830)], ids=["small", "explorer-sized"])
def test_png_rgba_decodes_to_the_same_pixels(shape):
    rng = np.random.default_rng(0)
    h, w = shape
    pixels = np.zeros((h, w, 4), dtype=np.uint8)
    pixels[5:20, 3:40] = rng.integers(0, 256, (15, 37, 4), dtype=np.uint8)
    pixels[h // 2 - 3:h // 2 + 3] = rng.integers(0, 256, (6, w, 4), dtype=np.uint8)  # across
    pixels[-9:, -30:] = 255
    png = png_rgba(pixels)
    decoded = np.asarray(Image.open(io.BytesIO(png)))
    np.testing.assert_array_equal(decoded, pixels)
    # zlib itself checks the stream and its checksum (Pillow may not)
    body = png[33 + 8:-16]         # after IHDR and the length and name of IDAT, before its CRC
    raw = zlib.decompress(body)
    assert len(raw) == h * (1 + 4 * w)


def test_frames_sent_to_the_front_end_are_diffs_that_rebuild_the_canvas():
    explorer = DescentExplorer()
    explorer.canvas.syncing_data_url = False
    explorer.canvas.diff_after = 0.0     # every frame may be a diff
    sent = []
    explorer.canvas.send_binary = sent.append
    explorer.render(full=True)
    shown = frame(explorer)              # what the page shows now
    for value in (0.3, 0.9):
        explorer.controls["lr"].value = value
        assert _private.image_mode(explorer.canvas) == "diff"
        diff = np.asarray(Image.open(io.BytesIO(sent[-1])))
        changed = diff[..., 3] != 0      # a diff frame: zero where nothing changed
        assert changed.mean() < 0.5
        shown[changed] = diff[changed]
        np.testing.assert_array_equal(shown, frame(explorer))


def test_a_frame_close_behind_another_is_sent_whole(monkeypatch):
    """The page drops a frame that a newer one overtakes while it loads: only a whole frame
    may follow close behind (a diff over a lost frame would leave the picture wrong)."""
    clock = [1000.0]
    monkeypatch.setattr(canvas_module, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    explorer = DescentExplorer()
    canvas = explorer.canvas
    canvas.syncing_data_url = False
    sent = []
    canvas.send_binary = lambda data: sent.append(_private.image_mode(canvas))
    explorer.render(full=True)
    gap = canvas.diff_after
    for dt, lr in [(0.04 * gap, 0.3), (1.2 * gap, 0.5), (0.4 * gap, 0.7), (1.04 * gap, 0.9)]:
        clock[0] += dt
        explorer.controls["lr"].value = lr
    assert sent == ["full", "full", "diff", "full", "diff"]


def test_after_a_diff_the_picture_is_resent_whole_once_the_canvas_is_quiet():
    explorer = DescentExplorer()
    canvas = explorer.canvas
    canvas.syncing_data_url = False
    canvas.diff_after, canvas.heal_after = 0.0, 0.1
    sent = []
    canvas.send_binary = lambda data: sent.append((_private.image_mode(canvas), data))
    explorer.render(full=True)

    async def slider_moves():
        explorer.controls["lr"].value = 0.3     # drawn at the end of this loop turn
        await asyncio.sleep(0.01)
        explorer.controls["lr"].value = 0.6     # a second diff before the first heal is due
        await asyncio.sleep(0.3)

    asyncio.run(slider_moves())
    assert [mode for mode, _ in sent] == ["full", "diff", "diff", "full"]
    resent = np.asarray(Image.open(io.BytesIO(sent[-1][1])))
    np.testing.assert_array_equal(resent, frame(explorer))


def test_import_lrlab_needs_neither_matplotlib_nor_ipywidgets():
    code = ("import sys, lrlab; bad = [m for m in ('matplotlib', 'ipywidgets', 'ipympl') "
            "if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_ink_box_holds_every_pixel_with_ink():
    from lrlab.explore._layers import ink_box

    alpha = np.zeros((100, 200), dtype=np.uint8)
    alpha[10:20, 30:60] = 255                     # rows from the top
    assert ink_box(alpha) == (10, 20, 30, 60)
    alpha[50:52, 0:200] = 1                       # faint ink elsewhere counts too
    assert ink_box(alpha) == (10, 52, 0, 200)
    assert ink_box(np.zeros((5, 5), dtype=np.uint8)) is None


def test_without_ipympl_an_explorer_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipympl", None)              # import ipympl fails
    monkeypatch.setitem(sys.modules, "ipympl.backend_nbagg", None)
    monkeypatch.setattr(canvas_module, "_CANVAS_CLASS", None)
    with pytest.raises(ModuleNotFoundError) as info:
        DescentExplorer()
    message = str(info.value)
    assert "pip install ipympl" in message and "restart the kernel" in message
    assert "static figures" in message


def test_the_page_readout_is_written_for_people():
    explorer = DescentExplorer()            # lr 0.2 on (w + 1)^2: 0.6^t <= 1e-6 from t = 28
    assert "error x1e-06 in 28 steps" in explorer.text      # what cells print: exact
    shown = explorer.readout.value
    assert "error down to a millionth in 28 steps" in shown and "x1e-06" not in shown
    assert "text-wrap:pretty" in shown     # no lone last word on a line of its own
