"""The canvas of an explorer: ipympl's figure widget, and the frames it sends to the page.

:func:`make_canvas` wraps an explorer's figure in ipympl's canvas widget
(``jupyter-matplotlib``), a subclass (:class:`FastCanvas`, made on first use)
that encodes its frames with :func:`png_rgba` and works around three
behaviours of ipympl (a lock; whole frames during drags; a whole resend when
quiet), each described in ``docs/upstream-ipympl.md``. Its use of matplotlib's
private frame state is :mod:`lrlab.explore._private`'s, with a fallback to
ipympl's own frames.

:class:`lrlab.explore.base.Explorer` decides what to draw; this module only shows it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import struct
import threading
import time
import warnings
import zlib

import numpy as np

from . import _private

__all__ = ["make_canvas", "png_rgba"]


def png_rgba(pixels, level=3):
    """Encode an ``(h, w, 4)`` uint8 array as a PNG (no row filters, zlib ``level``).

    A frame after a slider move differs from the last one in a few lines, so
    the image matplotlib's web backends send (the changed pixels, zero
    elsewhere) is nearly all zeros: plain zlib compresses it as well as
    Pillow's filtered encoder does, three times faster.

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
            + chunk(b"IDAT", zlib.compress(raw, level)) + chunk(b"IEND", b""))


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
        """ipympl's ``Canvas`` with lrlab's PNG encoder and three workarounds of ipympl behaviour.

        Each works around behaviour of ipympl 0.10 described, with a
        reproduction, in ``docs/upstream-ipympl.md`` (a report not filed):

        - **the lock** (:attr:`lock`): ipykernel 7 may handle a slider's
          change and the page's request for a draw on two threads, and
          ipympl draws and encodes both into one Agg buffer with no lock: the
          page then got frames of half-drawn, half-cleared pixels.
        - **whole frames during drags**: the page loads each frame into one
          shared image; a frame that arrives while the one before is still
          loading replaces it, and the one before is never drawn. A diff in
          place of a lost frame paints its few pixels over an old picture. So
          a frame sent within ``diff_after`` seconds of the previous one is
          whole (losing the previous one then costs nothing).
        - **the resend when quiet**: after a diff, once the canvas has been
          quiet for ``heal_after`` seconds, the same picture is sent again
          whole, which repairs the page if it still lost a frame.

        The frame rules need matplotlib's private frame state
        (:mod:`lrlab.explore._private`); where that is not as expected, or
        with ``LRLAB_PUBLIC_CANVAS=1``, the canvas sends frames as ipympl does
        (the lock stays).
        """

        diff_after = 0.25
        heal_after = 0.5

        def __init__(self, figure, *args, **kwargs):
            self.lock = threading.RLock()
            self._sent_at = -math.inf
            self._diffs = 0
            super().__init__(figure, *args, **kwargs)
            #: lrlab's frames (True) or ipympl's own (False, the public path)
            self.fast = _private.frame_state_works(self)

        def draw(self):
            with self.lock:
                super().draw()

        def blit(self, bbox=None):
            with self.lock:
                super().blit(bbox)

        def get_diff_image(self):
            with self.lock:
                if not self.fast:
                    return super().get_diff_image()
                now = time.monotonic()
                whole = now - self._sent_at < self.diff_after
                frame, mode = _private.next_frame(self, png_rgba, whole=whole)
                if frame is not None:
                    self._sent_at = now
                    if mode == "diff":
                        self._schedule_resend()
                return frame

        def _schedule_resend(self):
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return            # no kernel loop (a script, a test): no page to repair either
            self._diffs += 1
            loop.call_later(self.heal_after, self._resend, self._diffs)

        def _resend(self, number):
            """Resend the picture whole if diff ``number`` is still the last frame sent."""
            try:
                with self.lock:
                    if number == self._diffs and _private.image_mode(self) == "diff":
                        _private.resend_whole(self)
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
