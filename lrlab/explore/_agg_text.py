"""An Agg renderer that keeps the glyph images of the texts it draws, for the explorers.

Most texts of an explorer's figure are drawn again, unchanged and at the same
place, every time a panel is redrawn: tick labels that did not move, axis
labels, titles. Agg draws a text by asking FreeType to render each glyph to a
small coverage image and blending that image into the canvas; the rendering
is most of the cost. :class:`TextCachingRenderer` records, for each text it
draws, the glyph images and where they went, keyed by everything that decides
them (the string, the font, its size, the angle, antialiasing, hinting and
the exact position). Drawing the same text at the same place again blends the recorded
images, the very same calls with the same arguments, so the pixels are
identical to drawing it afresh.

Only plain text is kept; mathtext and TeX go through Agg as usual.

>>> import numpy as np
>>> from matplotlib.figure import Figure
>>> fig = Figure(figsize=(2, 1), dpi=50)
>>> _ = fig.text(0.1, 0.4, "lr = 0.1")
>>> renderer = TextCachingRenderer(100, 50, 50)
>>> fig.draw(renderer); first = np.asarray(renderer.buffer_rgba()).copy()
>>> renderer.clear(); fig.draw(renderer)
>>> renderer.text_hits, np.array_equal(first, np.asarray(renderer.buffer_rgba()))
(1, True)
"""

from __future__ import annotations

import collections
import threading

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import RendererAgg

__all__ = ["TextCache", "TextCachingRenderer"]


def _text_option(mtext, getter):
    """A shaping option of the Text being drawn (matplotlib 3.11 has them), or None."""
    get = getattr(mtext, getter, None)
    return get() if get is not None else None


class _Recorder:
    """Stands in for Agg's C renderer while a text is drawn: records each glyph image blended."""

    __slots__ = ("real", "calls")

    def __init__(self, real):
        self.real, self.calls = real, []

    def draw_text_image(self, image, x, y, angle, gc):
        # matplotlib 3.11 passes each glyph's image; older versions the whole text's FT2Font,
        # whose pixels numpy reads the same way
        self.calls.append((np.array(image, dtype=np.uint8, copy=True), x, y, angle))
        self.real.draw_text_image(image, x, y, angle, gc)

    def __getattr__(self, name):          # anything else (boxes: draw_path) goes through
        return getattr(self.real, name)


class TextCache:
    """Glyph images of drawn texts by text and place, the least recently used forgotten first.

    Renderers of the same size and dpi (an explorer's canvas and its scratch
    canvas) may share one; it is safe to use from several threads.

    Parameters
    ----------
    kept : int
        How many distinct texts (string, font, place) are remembered, >= 1.
    """

    def __init__(self, kept=512):
        if int(kept) < 1:
            raise ValueError(f"kept must be a whole number >= 1, got {kept!r}")
        self.kept = int(kept)
        self._items = collections.OrderedDict()
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._items)

    def get(self, key):
        """The recorded calls for ``key``, or None."""
        with self._lock:
            calls = self._items.get(key)
            if calls is not None:
                self._items.move_to_end(key)
            return calls

    def put(self, key, calls):
        """Remember ``calls`` for ``key``."""
        with self._lock:
            self._items[key] = calls
            while len(self._items) > self.kept:
                self._items.popitem(last=False)


class TextCachingRenderer(RendererAgg):
    """``RendererAgg`` that replays the glyph images of a text drawn before at the same place.

    Parameters
    ----------
    width, height, dpi
        As for ``RendererAgg``.
    cache : TextCache, optional
        Where the glyph images are kept (a new one of 512 texts by default);
        give renderers a shared one to let each replay what another drew.

    Attributes
    ----------
    cache : TextCache
    text_hits, text_misses : int
        Texts this renderer drew from the cache, and afresh.
    """

    def __init__(self, width, height, dpi, cache=None):
        super().__init__(width, height, dpi)
        self.cache = cache if cache is not None else TextCache()
        self.text_hits = self.text_misses = 0

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        from .base import RENDER_OFF

        if ismath or "glyphs" in RENDER_OFF:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        key = (s, tuple(prop.get_family()), prop.get_style(), prop.get_variant(),
               prop.get_weight(), prop.get_stretch(), prop.get_size_in_points(), prop.get_file(),
               angle, gc.get_antialiased(), float(x), float(y), self.width, self.height,
               self.dpi, mpl.rcParams["text.hinting"], mpl.rcParams["text.hinting_factor"],
               *(_text_option(mtext, name) for name in ("get_fontfeatures", "get_language")))
        calls = self.cache.get(key)
        if calls is not None:
            self.text_hits += 1
            for image, ix, iy, a in calls:
                self._renderer.draw_text_image(image, ix, iy, a, gc)
            return None
        self.text_misses += 1
        real = self._renderer
        recorder = self._renderer = _Recorder(real)
        try:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        finally:
            self._renderer = real
        self.cache.put(key, recorder.calls)
        return None
