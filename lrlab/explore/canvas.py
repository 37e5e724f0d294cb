"""The figure of an explorer in the page: an ipympl canvas and the frames it sends.

:func:`make_canvas` wraps a matplotlib ``Figure`` in ipympl's canvas widget
(``jupyter-matplotlib``), with a subclass that keeps the page's picture right
and cheap to send:

- frames are PNGs encoded by :func:`png_rgba` (no row filters; a large frame
  deflated in two halves on two threads);
- a frame sent close behind another is whole, and after a diff the picture is
  resent whole once the canvas is quiet (the page can lose a frame that
  arrives while the one before is still loading);
- one lock per canvas, held while the figure is drawn or a frame encoded (the
  kernel may handle a slider and the page's draw request on two threads);
- its Agg renderer keeps the glyph images of the texts it drew
  (:class:`lrlab._agg_text.TextCachingRenderer`).

:class:`lrlab.explorer.Explorer` decides what to draw; this module only shows it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
import os
import struct
import threading
import time
import warnings
import zlib

import numpy as np

from ._agg_text import TextCache, TextCachingRenderer

__all__ = ["make_canvas", "png_rgba"]


def png_rgba(pixels, level=3):
    """Encode an ``(h, w, 4)`` uint8 array as a PNG (no row filters, zlib ``level``).

    A frame after a slider move differs from the last one in a few lines, so
    the image matplotlib's web backends send (the changed pixels, zero
    elsewhere) is nearly all zeros: plain zlib compresses it as well as
    Pillow's filtered encoder does, three times faster. A large frame is
    compressed in two halves at once (:func:`_deflate`).

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> pixels = np.zeros((2, 3, 4), dtype=np.uint8)
    >>> pixels[1, 2] = (255, 0, 0, 255)                  # one red pixel
    >>> image = Image.open(io.BytesIO(png_rgba(pixels)))
    >>> image.size, image.getpixel((2, 1))
    ((3, 2), (255, 0, 0, 255))
    """
    h, w, _ = pixels.shape
    raw = np.empty((h, 1 + 4 * w), dtype=np.uint8)
    raw[:, 0] = 0                                       # filter byte 0 ("none") per row
    raw[:, 1:] = pixels.reshape(h, 4 * w)

    def chunk(kind, body):
        crc = zlib.crc32(body, zlib.crc32(kind)) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)    # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", _deflate(memoryview(raw).cast("B"), level)) + chunk(b"IEND", b""))


#: Below this many bytes a frame is compressed in one piece (a thread would cost more).
_SPLIT_ABOVE = 1 << 18
_deflate_worker = None


def _deflate(data, level):
    """``zlib.compress(data, level)``'s format, the two halves compressed on two threads.

    zlib lets go of the interpreter while it compresses, so two halves take
    about half the time on two cores. The first half ends with a sync flush
    (its blocks not final, its last byte whole), so the raw deflate streams
    of the halves joined are one stream; the zlib wrapper around them is a
    two-byte header and the Adler-32 checksum of all the data (RFC 1950).
    """
    global _deflate_worker
    from .base import RENDER_OFF

    if "deflate" in RENDER_OFF or len(data) < _SPLIT_ABOVE or (os.cpu_count() or 1) < 2:
        return zlib.compress(data, level)
    if _deflate_worker is None:
        _deflate_worker = concurrent.futures.ThreadPoolExecutor(1, "lrlab-deflate")

    def first_half():
        c = zlib.compressobj(level, zlib.DEFLATED, -15)
        return c.compress(data[:half]) + c.flush(zlib.Z_SYNC_FLUSH)

    half = len(data) // 2
    head = _deflate_worker.submit(first_half)
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    tail = c.compress(data[half:]) + c.flush(zlib.Z_FINISH)
    checksum = struct.pack(">I", zlib.adler32(data) & 0xFFFFFFFF)
    return b"\x78\x01" + head.result() + tail + checksum


_CANVAS_CLASS = None

NO_IPYMPL = (
    "lrlab's live explorers draw into ipympl's figure widget, and ipympl is not installed "
    "in this kernel's Python. Install it there: `pip install ipympl` (or `pip install -r "
    "requirements.txt` from the course folder; `make lab` does it), then restart the kernel "
    "and reload the page. Meanwhile the static figures before each explorer need only "
    "matplotlib and make the same point."
)


def _require_ipympl():
    """Fail with :data:`NO_IPYMPL` (what to install, and that the static figures teach) if
    ipympl cannot be imported."""
    try:
        import ipympl  # noqa: F401
    except ImportError as err:
        raise ModuleNotFoundError(NO_IPYMPL, name="ipympl") from err


def _canvas_class():
    """ipympl's canvas, sending its frames with :func:`png_rgba` (made once, on first use)."""
    global _CANVAS_CLASS
    if _CANVAS_CLASS is not None:
        return _CANVAS_CLASS
    _require_ipympl()
    from ipympl.backend_nbagg import Canvas

    class FastCanvas(Canvas):
        """An ipympl ``Canvas`` whose frames are encoded by :func:`png_rgba` and never go stale.

        Same protocol as matplotlib's ``FigureCanvasWebAggCore.get_diff_image``
        (a whole frame, or only the changed pixels on a zero background), with
        one rule added. The page shows a frame by loading it into one shared
        image; a frame that arrives while the one before is still loading
        replaces it, and the one before is never drawn. A diff that takes the
        place of a lost frame paints its few pixels over an old picture (or an
        empty canvas) and leaves it wrong. So:

        - a frame sent within ``diff_after`` seconds of the previous one is
          whole (losing the previous one then costs nothing), and
        - after a diff, once the canvas has been quiet for ``heal_after``
          seconds, the same picture is sent again whole, which repairs the
          page if the page still lost a frame.
        """

        diff_after = 0.25
        heal_after = 0.5

        @property
        def lock(self):
            """Held while the figure is changed, drawn or encoded.

            The kernel may handle widget messages on more than one thread (a
            slider's change on one, the page's request for a draw on another):
            without the lock two of them draw into the one Agg buffer at once
            and the page gets a frame of half-drawn, half-cleared pixels.
            """
            return self.__dict__.setdefault("_lrlab_lock", threading.RLock())

        @property
        def text_cache(self):
            """The glyph images of the texts drawn on this canvas (and its scratch canvases)."""
            return self.__dict__.setdefault("_lrlab_text_cache", TextCache())

        def get_renderer(self):
            """Agg's renderer for the canvas's size, one that keeps the texts it drew."""
            w, h = self.get_width_height(physical=True)
            key = (w, h, self.figure.dpi)
            if self.__dict__.get("_lrlab_renderer_key") != key:
                self.renderer = TextCachingRenderer(w, h, self.figure.dpi, cache=self.text_cache)
                self._lrlab_renderer_key = key
            return self.renderer

        def draw(self):
            with self.lock:
                super().draw()

        def blit(self, bbox=None):
            with self.lock:
                super().blit(bbox)

        def get_diff_image(self):
            with self.lock:
                return self._diff_image()

        def _diff_image(self):
            if not self._png_is_old:
                return None
            now = time.monotonic()
            pixels = np.asarray(self.get_renderer().buffer_rgba())
            buff = pixels.view(np.uint32).squeeze(2)
            recent = now - getattr(self, "_sent_at", -math.inf) < self.diff_after
            if (self._force_full or recent or buff.shape != self._last_buff.shape
                    or (pixels[:, :, 3] != 255).any()):
                self.set_image_mode("full")
                output = buff
            else:
                self.set_image_mode("diff")
                output = np.where(buff != self._last_buff, buff, 0)
                self._schedule_heal()
            self._sent_at = now
            self._last_buff = buff.copy()
            self._force_full = False
            self._png_is_old = False
            return png_rgba(output.view(np.uint8).reshape(*output.shape, 4))

        def _schedule_heal(self):
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return            # no kernel loop (a script, a test): nothing is lost either
            self._diffs = getattr(self, "_diffs", 0) + 1
            loop.call_later(self.heal_after, self._heal, self._diffs)

        def _heal(self, number):
            """Resend the picture whole if diff ``number`` is still the last frame sent."""
            try:
                with self.lock:
                    if number != self._diffs or self._current_image_mode != "diff":
                        return
                    self._force_full = True
                    self._png_is_old = True
                    self.manager.refresh_all()
            except Exception:  # a loop callback's error would only reach a log
                logging.getLogger(__name__).exception("lrlab explorer: resending a frame failed")

    # the front end looks the model up by ipympl's names, which the subclass keeps
    _CANVAS_CLASS = FastCanvas
    return FastCanvas


def make_canvas(fig):
    """Wrap a matplotlib ``Figure`` in an ipympl canvas widget (no pyplot, no global state)."""
    # ipympl's toolbar passes an argument traitlets deprecates; the warning is
    # about ipympl's code, not ours, and would show in every notebook.
    _require_ipympl()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from ipympl.backend_nbagg import FigureManager

        canvas = _canvas_class()(fig)
        FigureManager(canvas, 0)
    canvas.header_visible = False
    canvas.footer_visible = False
    # the toolbar would cover the left axis labels on hover; a projector needs none
    canvas.toolbar_visible = False
    canvas.resizable = False
    return canvas
