"""The one place lrlab touches private attributes of matplotlib or ipympl, each behind a check.

lrlab's canvas (:mod:`lrlab.explore.canvas`) changes how ipympl sends frames
to the page: its own PNG encoder, and the rules that keep the page's picture
right (:class:`~lrlab.explore.canvas.FastCanvas`). Both need the frame state
that matplotlib's web backend (``FigureCanvasWebAggCore``, ipympl's base)
keeps in private attributes:

- ``_png_is_old``: a new picture was drawn since the last frame was sent;
- ``_force_full``: the next frame must be whole (the page asked for it);
- ``_last_buff``: the pixels of the last frame sent, for the next diff;
- ``_current_image_mode``: whether the last frame sent was ``"full"`` or ``"diff"``.

They are read and written here only. :func:`frame_state_works` checks on
each new canvas that they exist and hold what this module assumes; if they do
not (another version of matplotlib or ipympl), or if the environment variable
``LRLAB_PUBLIC_CANVAS=1`` is set, the canvas takes the public path: ipympl's
own ``get_diff_image`` (Pillow's PNG, ipympl's diffs, none of lrlab's frame
rules), which ``tests/explore/test_public_canvas.py`` checks every explorer with.
"""

from __future__ import annotations

import os

import numpy as np

__all__ = ["PUBLIC_ONLY", "frame_state_works", "image_mode", "next_frame", "resend_whole"]

#: ``LRLAB_PUBLIC_CANVAS=1``: use no private attribute; every canvas sends frames ipympl's way.
PUBLIC_ONLY = os.environ.get("LRLAB_PUBLIC_CANVAS", "") not in ("", "0")


def frame_state_works(canvas):
    """Whether ``canvas`` keeps the frame state this module reads and writes, as assumed.

    False with ``LRLAB_PUBLIC_CANVAS=1``, or when an attribute is missing or of
    another kind than matplotlib 3.5-3.11 give it.
    """
    if PUBLIC_ONLY:
        return False
    try:
        return (isinstance(canvas._png_is_old, bool) and isinstance(canvas._force_full, bool)
                and isinstance(canvas._last_buff, np.ndarray)
                and canvas._current_image_mode in ("full", "diff")
                and callable(getattr(canvas, "set_image_mode", None))
                and callable(getattr(canvas, "get_renderer", None)))
    except AttributeError:
        return False


def next_frame(canvas, encode, whole=False):
    """The frame to send for the canvas's new picture, as matplotlib's ``get_diff_image`` makes
    it: ``(png, mode)``, or ``(None, None)`` if nothing was drawn since the last one.

    The frame is whole (``mode`` ``"full"``) when ``whole`` is true, the page
    asked for it, the size changed or a pixel is translucent; otherwise a
    diff: the changed pixels, zero (transparent) elsewhere. ``encode`` turns
    an ``(h, w, 4)`` uint8 array into PNG bytes.
    """
    if not canvas._png_is_old:
        return None, None
    pixels = np.asarray(canvas.get_renderer().buffer_rgba())
    buff = pixels.view(np.uint32).squeeze(2)            # one number a pixel: one comparison
    if (whole or canvas._force_full or buff.shape != canvas._last_buff.shape
            or (pixels[:, :, 3] != 255).any()):
        mode, output = "full", buff
    else:
        mode, output = "diff", np.where(buff != canvas._last_buff, buff, 0)
    canvas.set_image_mode(mode)
    canvas._last_buff = buff.copy()
    canvas._force_full = False
    canvas._png_is_old = False
    return encode(output.view(np.uint8).reshape(*output.shape, 4)), mode


def image_mode(canvas):
    """``"full"`` or ``"diff"``: how the last frame was sent."""
    return canvas._current_image_mode


def resend_whole(canvas):
    """Send the canvas's current picture again, whole (as the page's "refresh" asks)."""
    canvas._force_full = True
    canvas._png_is_old = True
    canvas.manager.refresh_all()
