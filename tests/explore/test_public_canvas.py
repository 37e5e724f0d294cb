"""The canvas without private attributes (the public path) still shows every explorer right.

lrlab's canvas reads and writes matplotlib's private frame state, in
:mod:`lrlab.explore._private` only, when its feature check passes. Here the
check is made to fail (as ``LRLAB_PUBLIC_CANVAS=1`` or another matplotlib
version would): every explorer of every notebook must still build, move, send
frames that rebuild its picture in the page, and show the values and the
readout the code set.
"""

from __future__ import annotations

import html
import io
import random

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from PIL import Image  # noqa: E402

from lrlab.explore import _private  # noqa: E402
from lrlab.explore import canvas as canvas_module  # noqa: E402
from lrlab.explore.one_d import DescentExplorer  # noqa: E402

from .test_base import attached, frame, full_frame  # noqa: E402
from .test_fuzz import NOTEBOOKS, _bench, check_figure, check_readout, random_moves  # noqa: E402


class Page:
    """What the page shows: whole frames replace the picture, diffs paint their pixels over it."""

    def __init__(self, canvas):
        self.canvas, self.picture, self.frames = canvas, None, 0
        canvas.send_binary = self.receive

    def receive(self, data):
        pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))
        if self.picture is None or (pixels[..., 3] == 255).all():   # a whole (opaque) frame
            self.picture = pixels.copy()
        else:
            changed = pixels[..., 3] != 0
            self.picture[changed] = pixels[changed]
        self.frames += 1


def test_the_feature_check_takes_the_fast_path_on_the_installed_versions(monkeypatch):
    if _private.PUBLIC_ONLY:
        pytest.skip("LRLAB_PUBLIC_CANVAS is set: the public path is asked for")
    explorer = attached(DescentExplorer())
    assert explorer.canvas.fast
    encoded = []
    original = canvas_module.png_rgba
    monkeypatch.setattr(canvas_module, "png_rgba",
                        lambda pixels: encoded.append(pixels.shape) or original(pixels))
    explorer.canvas.send_binary = lambda data: None
    explorer.controls["lr"].value = 0.3
    assert encoded == [frame(explorer).shape], "lrlab's encoder did not make the frame"


def test_a_failed_feature_check_falls_back_to_ipympls_own_frames(monkeypatch):
    class Changed:
        """Frame state as another version might keep it: a name gone, a kind changed."""
        _png_is_old, _force_full, _current_image_mode = True, False, "full"
        _last_buff = None
        set_image_mode = get_renderer = staticmethod(lambda *args: None)

    assert not _private.frame_state_works(Changed())
    assert not _private.frame_state_works(object())
    monkeypatch.setattr(_private, "frame_state_works", lambda canvas: False)
    explorer = DescentExplorer()
    assert not explorer.canvas.fast
    page = Page(explorer.canvas)
    attached(explorer)
    for lr in (0.3, 0.9, 1.5):
        explorer.controls["lr"].value = lr
        np.testing.assert_array_equal(page.picture, frame(explorer))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_explorer_works_on_the_public_path(path, monkeypatch):
    monkeypatch.setattr(_private, "PUBLIC_ONLY", True)
    found = _bench().discover(path)
    assert found
    for name, explorer in found:
        assert not explorer.canvas.fast, f"{name}: the canvas took the private path"
        page = Page(explorer.canvas)
        attached(explorer)
        rng = random.Random(f"public:{path.stem}:{name}")
        for cname, value in random_moves(explorer, rng):
            where = f"{path.stem}:{name} {cname}={value!r}"
            assert explorer.values[cname] == value, where
            check_figure(explorer, where)
            check_readout(explorer, explorer.values, where)
            assert html.escape(explorer.readout_text) in explorer.readout.value, where
            shown = frame(explorer)
            np.testing.assert_array_equal(page.picture, shown, err_msg=where)
            diff = np.abs(shown.astype(int) - full_frame(explorer).astype(int)).max(axis=-1)
            assert (diff > 48).mean() < 5e-3, f"{where}: the frame is not the figure"
        assert page.frames > 0


def test_only_the_private_module_touches_matplotlibs_and_ipympls_private_state():
    """The figures and explorers (the modules that use matplotlib, ipympl, ipywidgets) name
    none of their private attributes outside lrlab/explore/_private.py."""
    import re
    from pathlib import Path

    import lrlab

    names = re.compile(r"\._(png_is_old|force_full|last_buff|current_image_mode|renderer|"
                       r"options_values|options_labels|image_mode)\b|__dict__")
    root = Path(lrlab.__file__).parent
    files = sorted([*(root / "explore").glob("*.py"), *(root / "plot").glob("*.py")])
    assert len(files) > 10
    found = [f"{path.relative_to(root)}:{n}" for path in files
             if path.name != "_private.py"
             for n, line in enumerate(path.read_text().splitlines(), 1) if names.search(line)]
    assert not found, found
