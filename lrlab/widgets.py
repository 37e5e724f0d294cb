"""Live explorers: sliders that rerun gradient descent and redraw in place.

An explorer is a column of controls, a figure and a one-line readout. Moving
a control reruns the math (:mod:`lrlab.descent`, :mod:`lrlab.theory`,
:mod:`lrlab.summary`), moves the existing lines of the figure's panels
(:mod:`lrlab.plotting`) and rewrites the readout. Nothing here computes a
formula of its own.

The figure is an ipympl canvas (the ``jupyter-matplotlib`` widget), so it
updates without re-rendering the whole output and can be zoomed. The box
carries the CSS class ``lrlab-explorer`` and the readout ``lrlab-readout``;
the browser tests find them by those names.

Show one by making it the last expression of a cell::

    from lrlab.widgets import DescentExplorer
    explorer = DescentExplorer()
    explorer

and drive it from code (this is how the notebooks check themselves)::

    explorer.controls["lr"].value = 0.8
    print(explorer.text)
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import html
import logging
import math
import os
import struct
import threading
import time
import types
import warnings
import zlib

import ipywidgets as W
import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.spines import Spine

from . import theory
from ._agg_text import TextCachingRenderer
from .descent import gradient_descent
from .plotting import COLORS, STYLE, LossPanel, PathPanel, RateAxisPanel, RatePanel, round_up_limit
from .problems import Quadratic, TwoBasins, seed_problem
from .schedules import exponential_decay
from .summary import basin_report, describe, describe_basin, summarize

__all__ = ["Explorer", "DescentExplorer", "RateAndDecayExplorer", "RegimeExplorer",
           "BasinsExplorer", "log_slider", "octave_slider", "make_canvas"]

_STATUS_COLORS = {"diverged": COLORS[3], "stalled": COLORS[4], "converged": COLORS[2]}


def log_slider(description, value, lo, hi, fmt=".3g"):
    """A slider on a log scale from ``lo`` to ``hi`` (for rates: equal steps per decade).

    The browser snaps the slider to ``min + n * step`` in exponent, so ``min`` is
    shifted by less than half a step to put the starting ``value`` on that grid:
    the page then shows (and sends back) exactly ``value``, not a neighbour.
    """
    step = 0.005
    lo_exp, v_exp = math.log10(lo), math.log10(value)
    lo_exp = v_exp - step * round((v_exp - lo_exp) / step)
    return W.FloatLogSlider(
        value=value, base=10, min=lo_exp, max=math.log10(hi), step=step,
        description=description, readout_format=fmt, continuous_update=True,
        style={"description_width": "9em"}, layout=W.Layout(width="32em"),
    )


def octave_slider(description, value, lo, hi, per_octave=60, fmt=".3g"):
    """A log-scale slider whose positions are the powers ``2^(k / per_octave)``.

    Every power of 2, 1 included, is a position of the slider, so rates such
    as ``1 / (2a)`` and ``1 / a`` (for ``a`` on a slider of the same kind)
    can be reached exactly, one arrow-key press at a time. A browser snaps a
    slider's value to its positions; with :func:`log_slider` the one-step rate
    0.5 would snap to 0.501 and never read "one step". The ends ``lo`` and
    ``hi`` are moved out to the nearest positions.

    Examples
    --------
    >>> s = octave_slider("learning rate", 0.5, 1e-3, 2.0)
    >>> round(10 ** (s.min + 598 * s.step), 12), round(10 ** (s.max), 12)   # 1 and 2
    (1.0, 2.0)
    """
    step = math.log10(2.0) / per_octave
    k_lo = math.floor(math.log10(lo) / step + 1e-9)
    k_hi = math.ceil(math.log10(hi) / step - 1e-9)
    return W.FloatLogSlider(
        value=value, base=10, min=k_lo * step, max=k_hi * step, step=step,
        description=description, readout_format=fmt, continuous_update=True,
        style={"description_width": "9em"}, layout=W.Layout(width="32em"),
    )


def _slider(cls, description, **kw):
    return cls(description=description, continuous_update=True,
               style={"description_width": "9em"}, layout=W.Layout(width="32em"), **kw)


def png_rgba(pixels, level=3):
    """Encode an ``(h, w, 4)`` uint8 array as a PNG (no row filters, zlib ``level``).

    A frame after a slider move differs from the last one in a few lines, so
    the image matplotlib's web backends send (the changed pixels, zero
    elsewhere) is nearly all zeros: plain zlib compresses it as well as
    Pillow's filtered encoder does, three times faster. A large frame is
    compressed in two halves at once (:func:`_deflate`).
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
    if len(data) < _SPLIT_ABOVE or (os.cpu_count() or 1) < 2:
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


def _canvas_class():
    """ipympl's canvas, sending its frames with :func:`png_rgba` (made once, on first use)."""
    global _CANVAS_CLASS
    if _CANVAS_CLASS is not None:
        return _CANVAS_CLASS
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

        def get_renderer(self):
            """Agg's renderer for the canvas's size, one that keeps the texts it drew."""
            w, h = self.get_width_height(physical=True)
            key = (w, h, self.figure.dpi)
            if self.__dict__.get("_lrlab_renderer_key") != key:
                self.renderer = TextCachingRenderer(w, h, self.figure.dpi)
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


class _Layer:
    """A run of static artists drawn above moving ones, kept as a transparent image.

    ``render`` draws the artists into an empty transparent canvas of the
    figure's size and keeps the part that holds any ink; ``draw`` lays that
    image over a renderer's pixels (alpha "over", as drawing the artists
    there would blend them).
    """

    __slots__ = ("artists", "image", "x", "y")

    def __init__(self, artists):
        self.artists = list(artists)
        self.image, self.x, self.y = None, 0, 0

    def render(self, like, scratch=None):
        """Draw the artists as ``like`` would (same size and dpi), into ``scratch`` if given."""
        if scratch is None:
            scratch = TextCachingRenderer(int(like.width), int(like.height), like.dpi)
        else:
            scratch.clear()
        for a in self.artists:
            a.draw(scratch)
        pixels = np.asarray(scratch.buffer_rgba())
        ink = pixels[..., 3] != 0
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        if rows.size == 0:
            self.image = None
            return
        top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        # draw_image takes rows from the bottom up
        self.image = pixels[top:bottom, left:right][::-1].copy()
        self.x, self.y = int(left), int(like.height) - int(bottom)    # y counts from below

    def draw(self, renderer):
        if self.image is None:
            return
        gc = renderer.new_gc()
        try:
            renderer.draw_image(gc, self.x, self.y, self.image)
        finally:
            gc.restore()


class Explorer:
    """Controls, a figure and a readout, kept in step.

    Subclasses build ``self.figure`` and ``self.controls`` (a dict of widgets
    with a ``value``) and implement ``redraw(values) -> summary dict``, which
    updates the figure's artists in place; the readout is written from the
    summary by :func:`lrlab.summary.describe`.

    Drawing is split from the math so a slider keeps up with the hand:

    - :meth:`refresh` reruns the math, moves the artists and rewrites the
      readout at once (so ``explorer.text`` is always current), then asks
      for one render. Inside a running event loop (a kernel) the render is
      deferred to the end of the current message, so a burst of changes
      handled together is drawn once, with the latest values; with no loop
      it happens at once.
    - A render redraws only what moved (blitting): the artists a redraw has
      changed are marked animated, the rest of the figure is drawn once and
      kept as a background, and each render restores that background, draws
      the moving artists on it and sends the frame. Any change the cached
      background cannot show (the canvas size, an artist added or removed,
      a static artist that moved) falls back to one full draw, which
      refreshes the background.
    - New axis limits or scales redraw only the panels they belong to: each
      such panel's area in the background (ticks and labels included, at the
      old limits and the new) is cleared and the panel drawn again there,
      unless that area touches another panel or a figure-level text, when
      the whole figure is drawn.
    - The backgrounds of the last ``backgrounds_kept`` sets of limits are
      kept: limits seen before (a slider moved back) restore their
      background instead of drawing the panels again. Axis ends that move in
      steps (:func:`lrlab.plotting.round_up_limit`) take few values, so after
      a few moves most new limits are ones seen before.

    Attributes
    ----------
    renders : dict
        How many renders were ``"full"`` draws, ``"panels"`` (only the panels
        whose limits changed), ``"kept"`` (limits seen before: their kept
        background) and ``"blit"``.
    """

    columns = 2
    #: How many backgrounds (with their layers) are kept for limits seen before.
    backgrounds_kept = 12

    def __init__(self, controls, figure, title=None):
        self.controls = dict(controls)
        self.figure = figure
        self.canvas = make_canvas(figure)
        self.readout = W.HTML(layout=W.Layout(min_height="2.6em"))
        self.readout.add_class("lrlab-readout")
        widgets = list(self.controls.values())
        rows = [W.HBox(widgets[i:i + self.columns]) for i in range(0, len(widgets), self.columns)]
        head = [W.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        self.box = W.VBox([*head, *rows, self.canvas, self.readout])
        self.box.add_class("lrlab-explorer")
        self.summary = None
        self.renders = {"full": 0, "panels": 0, "kept": 0, "blit": 0}
        self._pending = False        # a deferred render is scheduled
        self._background = None      # the figure without its moving artists
        self._signature = None       # what the background was drawn for
        self._moving = []            # (axes or None, artists and layers in drawing order)
        self._movers = set()         # the artists that change from frame to frame
        self._sprites = {}           # moving artist -> its image, while it does not change
        self._unchanged = set()      # moving artists unchanged in the last frame drawn
        self._scratch_renderer = None
        self._extents = None         # each panel's area in the background, and the fixed texts'
        self._kept = collections.OrderedDict()   # signature -> background, extents, layers
        self.canvas.mpl_connect("draw_event", self._on_draw)
        for control in widgets:
            control.observe(self._on_change, names="value")
        self.refresh()

    @property
    def values(self):
        """The controls' current values, by name."""
        return {name: c.value for name, c in self.controls.items()}

    @property
    def text(self):
        """The readout as plain text."""
        return describe(self.summary)

    def _on_change(self, change):
        self.refresh()

    def refresh(self):
        """Rerun and redraw for the controls' current values."""
        with self.canvas.lock:           # no frame is drawn while the artists move
            self.summary = self.redraw(self.values)
            status = self.summary["status"]
            color = _STATUS_COLORS.get(status, "inherit")
            self.readout.value = (
                f'<span style="font-size:1.15em;color:{color}">{html.escape(self.text)}</span>'
            )
            self.request_render()

    def redraw(self, values):  # pragma: no cover - abstract
        raise NotImplementedError

    # -- rendering ---------------------------------------------------------------------------

    def request_render(self):
        """Render the figure now, or once at the end of the current event-loop turn.

        Several requests in one turn of a running event loop (the kernel
        handling a message, or a cell setting several controls) give a single
        render of the final state; without a running loop the render is
        immediate. Before a page has opened the canvas (``syncing_data_url``)
        nothing is drawn, as with ``draw_idle``.
        """
        if self._pending or getattr(self.canvas, "syncing_data_url", False):
            # No page shows the canvas yet: the page asks for a full draw when it
            # opens, and ipympl cannot show a frame drawn before that (its
            # fallback image breaks the view), so there is nothing to draw for.
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.render()
            return
        self._pending = True
        loop.call_soon(self._deferred_render)

    def flush(self):
        """Render now if a deferred render is waiting."""
        if self._pending:
            self.render()

    def _deferred_render(self):
        if not self._pending:
            return
        try:
            self.render()
        except Exception:  # a callback's error would only reach a log
            self._pending = False
            logging.getLogger(__name__).exception("lrlab explorer: render failed")

    def render(self, full=False):
        """Draw the figure's current state into the canvas and send the frame.

        Parameters
        ----------
        full : bool
            Draw everything, not only the moving artists (the layout is rerun
            only on the first draw, when artists were added or the canvas resized).

        Returns
        -------
        str
            ``"full"``, ``"panels"`` or ``"blit"``: how the frame was drawn.
        """
        with self.canvas.lock:
            return self._render(full)

    def _render(self, full):
        self._pending = False
        layout = self._background is None
        if not layout:
            moved = self._newly_moving()
            added = self._artist_ids() != self._signature[-1]
            if moved or added:
                self._set_moving(moved)
                full = True
                # new artists may need new margins; moved data and texts keep the layout
                # (rerunning it shifts every panel by a fraction of a pixel)
                layout = added
        signature = self._current_signature()
        if self._signature is None or signature[:2] != self._signature[:2]:
            layout = True                 # the canvas was resized
        if not (layout or full) and signature != self._signature:
            if self._restore(signature):
                self.renders["kept"] += 1
                return "kept"
            if self._draw_panels(signature):
                self.renders["panels"] += 1
                return "panels"
        if layout or full or signature != self._signature:
            # A full draw; the layout is kept unless it must change, so the panels
            # do not shift while a slider changes their limits.
            self.renders["full"] += 1
            self._draw_full(layout)
            return "full"
        self.renders["blit"] += 1
        self.canvas.restore_region(self._background)
        self._draw_moving(self.canvas.get_renderer())
        self.canvas.blit(self.figure.bbox)
        return "blit"

    def _draw_panels(self, signature):
        """Redraw only the panels whose limits or scales changed; False if that cannot be done.

        Possible when the change is limits or scales alone (same canvas, same
        artists, same panel positions) and the area each changed panel covers,
        at its old limits and its new ones, touches no other panel and no
        figure-level text or legend. The old area is cleared to the figure's
        colour and the panel drawn again (its moving artists left out).
        """
        old = self._signature
        fig = self.figure
        if (self._extents is None or len(signature) != len(old) or len(old) != len(fig.axes) + 3
                or signature[:2] != old[:2] or signature[-1] != old[-1]):
            return False
        pairs = list(zip(fig.axes, old[2:-1], signature[2:-1], strict=True))
        changed = [ax for ax, was, now in pairs if was != now]
        if not changed or len(changed) == len(fig.axes):
            return False
        if any(was[3] != now[3] for _, was, now in pairs):
            return False                  # a panel moved: the layout changed
        renderer = self.canvas.get_renderer()
        panels, fixed = self._extents
        others = [panels[a] for a in fig.axes if a not in changed] + fixed
        if any(panels[ax].padded(2).overlaps(box) for ax in changed for box in others):
            return False
        self.canvas.restore_region(self._background)
        pixels = np.asarray(renderer.buffer_rgba())
        height, width = pixels.shape[:2]
        face = (np.array(to_rgba(fig.patch.get_facecolor())) * 255).round().astype(np.uint8)
        for ax in changed:
            area = panels[ax].padded(2)
            x0, x1 = np.clip([math.floor(area.x0), math.ceil(area.x1)], 0, width)
            y0, y1 = np.clip([math.floor(area.y0), math.ceil(area.y1)], 0, height)
            pixels[height - y1:height - y0, x0:x1] = face      # rows run from the top
        for ax in changed:
            ax.draw(renderer)             # its moving artists are animated: left out
        # The new ticks and labels may reach further than the old ones, over the
        # figure's bare background; if they reach another panel, draw everything.
        new = {ax: ax.get_tightbbox(renderer) for ax in changed}
        if any(box.padded(2).overlaps(other) for box in new.values() for other in others):
            return False
        panels.update(new)
        for layer in self._layers(changed):
            layer.render(renderer, self._scratch(renderer))
        self._forget_sprites(changed)
        self._background = self.canvas.copy_from_bbox(fig.bbox)
        self._signature = signature
        self._keep()
        self._draw_moving(renderer)
        self.canvas.blit(fig.bbox)
        return True

    def _keep(self):
        """Keep the current background, panel areas and layers for the current signature."""
        panels, fixed = self._extents
        layers = [(layer, layer.image, layer.x, layer.y) for layer in self._layers()]
        self._kept[self._signature] = (self._background, (dict(panels), fixed), layers)
        self._kept.move_to_end(self._signature)
        while len(self._kept) > self.backgrounds_kept:
            self._kept.popitem(last=False)

    def _restore(self, signature):
        """Show a kept background for ``signature`` and the movers on it; False if none is kept."""
        kept = self._kept.get(signature)
        if kept is None:
            return False
        self._kept.move_to_end(signature)
        old = self._signature
        changed = [ax for ax, was, now in zip(self.figure.axes, old[2:-1], signature[2:-1],
                                              strict=True) if was != now]
        background, (panels, fixed), layers = kept
        for layer, image, x, y in layers:
            layer.image, layer.x, layer.y = image, x, y
        self._forget_sprites(changed)
        self._background, self._signature = background, signature
        self._extents = (dict(panels), fixed)
        self.canvas.restore_region(background)
        self._draw_moving(self.canvas.get_renderer())
        self.canvas.blit(self.figure.bbox)
        return True

    def _forget_sprites(self, axes):
        """Drop the images of the moving artists of ``axes`` (their limits changed)."""
        for ax, items in self._moving:
            if ax in axes:
                for item in items:
                    self._sprites.pop(item, None)

    def _draw_full(self, layout):
        """``canvas.draw()``, with the figure's layout engine run only if ``layout``."""
        engine = self.figure.get_layout_engine()
        if layout or engine is None:
            self.canvas.draw()            # _on_draw keeps the background, draws the movers
            return
        self.figure.set_layout_engine("none")
        try:
            self.canvas.draw()
        finally:
            self.figure.set_layout_engine(engine)

    def _candidates(self):
        """(axes, artists) pairs: every artist that may move, in drawing order."""
        fig = self.figure
        out = [(None, [a for a in fig.get_children()
                       if a is not fig.patch and not isinstance(a, Axes)])]
        for ax in fig.axes:
            out.append((ax, [a for a in ax.get_children() if a is not ax.patch]))
        return out

    def _artist_ids(self):
        return tuple(id(a) for _, artists in self._candidates() for a in artists)

    def _newly_moving(self):
        """Static artists changed since the last full draw: they become moving ones.

        (Axes and spines change with the limits, which a new background handles.)
        """
        layered = {a for layer in self._layers() for a in layer.artists}
        return {a for _, artists in self._candidates() for a in artists
                if a.stale and (a in layered or not a.get_animated())
                and not isinstance(a, (Axis, Spine))}

    def _set_moving(self, new):
        """Animate ``new``, the moving artists still shown, and all drawn after them.

        Moving artists are drawn over the background, so whatever a full draw
        puts after the first moving artist of an axes (same sort: by zorder,
        then by order of creation) must be drawn after it on every frame. The
        static ones among them (an axis with its ticks and labels, a spine, a
        fixed label) are not drawn again each time: each run of them between
        two moving artists is kept as a transparent image (a :class:`_Layer`),
        redrawn with the background and laid over the moving artists below it.
        """
        self._movers |= set(new)
        self._kept.clear()              # kept backgrounds show the new movers as static
        moving = []
        for ax, artists in self._candidates():
            ordered = sorted(artists, key=lambda a: a.get_zorder())   # stable, as matplotlib
            first = next((i for i, a in enumerate(ordered) if a in self._movers), None)
            if first is None:
                continue
            items = []
            for a in ordered[first:]:
                a.set_animated(True)
                if a in self._movers:
                    items.append(a)
                elif isinstance(items[-1], _Layer):
                    items[-1].artists.append(a)
                else:
                    items.append(_Layer([a]))
            moving.append((ax, items))
        self._moving = moving

    def _layers(self, axes=None):
        """The layers of all panels, or of the panels in ``axes``."""
        return [item for ax, items in self._moving for item in items
                if isinstance(item, _Layer) and (axes is None or ax in axes)]

    def _draw_moving(self, renderer):
        """Draw the moving artists and the layers between them, in order.

        A moving artist that did not change since it was last drawn (not
        ``stale``: say a label that follows another control) is laid on as
        an image of itself rather than drawn again. The image is made the
        second frame in a row the artist is unchanged: one that changes every
        other frame (two sliders moved in turn) is not imaged in vain.
        """
        for _ax, items in self._moving:
            for item in items:
                if isinstance(item, _Layer):
                    item.draw(renderer)
                elif item.stale:
                    self._sprites.pop(item, None)
                    self._unchanged.discard(item)
                    item.draw(renderer)
                elif item in self._sprites:
                    self._sprites[item].draw(renderer)
                elif item not in self._unchanged:
                    self._unchanged.add(item)
                    item.draw(renderer)
                else:
                    sprite = self._sprites[item] = _Layer([item])
                    sprite.render(renderer, self._scratch(renderer))
                    sprite.draw(renderer)

    def _scratch(self, like):
        """An empty renderer the size of ``like``'s, kept for drawing layers."""
        size = (int(like.width), int(like.height), like.dpi)
        if self._scratch_renderer is None or self._scratch_renderer[0] != size:
            self._scratch_renderer = (size, TextCachingRenderer(*size))
        return self._scratch_renderer[1]

    def _current_signature(self):
        """Everything a cached background depends on (the artists' ids last)."""
        fig = self.figure
        sig = [self.canvas.get_width_height(physical=True), fig.dpi]
        for ax in fig.axes:
            sig.append((tuple(ax.viewLim.bounds), ax.get_xscale(), ax.get_yscale(),
                        tuple(ax.get_position().bounds)))
        sig.append(self._artist_ids())
        return tuple(sig)

    def _on_draw(self, event):
        """After any full draw (ours, a zoom, a resize): keep the background, add the movers."""
        if self.canvas.is_saving():
            return       # savefig draws animated artists itself
        renderer = event.renderer
        if renderer is getattr(self.canvas, "renderer", None):
            fig = self.figure
            self._background = self.canvas.copy_from_bbox(fig.bbox)
            self._signature = self._current_signature()
            fixed = [a.get_window_extent(renderer) for a in (*fig.texts, *fig.legends)
                     if a.get_visible() and not a.get_animated()]
            self._extents = ({ax: ax.get_tightbbox(renderer) for ax in fig.axes}, fixed)
            for layer in self._layers():
                layer.render(renderer, self._scratch(renderer))
            self._sprites = {}
            self._keep()
            self._draw_moving(renderer)
        else:                                  # another renderer: draw every artist itself
            for _ax, items in self._moving:
                for item in items:
                    for a in (item.artists if isinstance(item, _Layer) else [item]):
                        a.draw(renderer)

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


class DescentExplorer(Explorer):
    """Gradient descent on a 1-D problem: the path of ``w`` and the loss, live.

    Parameters
    ----------
    problem : Problem, optional
        A 1-D problem; the seed's ``(w + 1)^2`` by default.
    w0, lr, steps : float, float, int
        Starting values of the controls.
    controls : sequence of str
        Which controls to show, from ``"lr"``, ``"w0"``, ``"steps"``, ``"a"``
        (the curvature of a quadratic), ``"decay_rate"``, ``"decay_steps"``,
        ``"staircase"``. With any decay control the rate follows
        :func:`lrlab.schedules.exponential_decay` and a third panel shows it.
    lr_range : (float, float)
        Ends of the log-scale rate slider.
    xlim : (float, float), optional
        Window of ``w`` shown; by default wide enough for every start point.
    a, decay_rate, decay_steps, staircase :
        Starting values of those controls (used even when the control is hidden).
    """

    def __init__(self, problem=None, w0=5.0, lr=0.2, steps=30, controls=("lr", "w0", "steps"),
                 lr_range=(1e-3, 2.0), xlim=None, a=1.0, decay_rate=0.95, decay_steps=1,
                 staircase=False, w0_range=(-6.0, 6.0), max_steps=200, title=None,
                 figsize=(8.3, 3.5)):
        self.problem = problem if problem is not None else seed_problem()
        if self.problem.shape != ():
            raise ValueError("DescentExplorer shows 1-D problems; problem.shape must be ()")
        self.center = float(getattr(self.problem, "center", 0.0))
        self.decay = any(c in controls for c in ("decay_rate", "decay_steps", "staircase"))
        self.defaults = dict(lr=lr, w0=w0, steps=steps, a=a, decay_rate=decay_rate,
                             decay_steps=decay_steps, staircase=staircase)
        make = {
            "lr": lambda: log_slider("learning rate", lr, *lr_range),
            "w0": lambda: _slider(W.FloatSlider, "start w0", value=w0, min=w0_range[0],
                                  max=w0_range[1], step=0.1),
            "steps": lambda: _slider(W.IntSlider, "steps", value=steps, min=1, max=max_steps),
            "a": lambda: log_slider("curvature a", a, 0.1, 10.0),
            "decay_rate": lambda: _slider(W.FloatSlider, "decay rate", value=decay_rate,
                                          min=0.5, max=1.0, step=0.005, readout_format=".3f"),
            "decay_steps": lambda: _slider(W.IntSlider, "decay steps", value=decay_steps,
                                           min=1, max=50),
            "staircase": lambda: W.Checkbox(value=staircase, description="staircase",
                                            indent=False),
        }
        unknown = set(controls) - set(make)
        if unknown:
            raise ValueError(f"controls must be among {sorted(make)}, got {sorted(unknown)}")
        built = {name: make[name]() for name in controls}

        if xlim is None:
            reach = max(abs(w0_range[0] - self.center), abs(w0_range[1] - self.center), 1.0)
            xlim = (self.center - 1.4 * reach, self.center + 1.4 * reach)
        with _style():
            fig = Figure(figsize=figsize, layout="constrained")
            axes = fig.subplots(1, 3 if self.decay else 2)
            self.path_panel = PathPanel(axes[0], self.problem, xlim, steady=True)
            loss_top = 1e4 * max(float(np.max(self.problem.loss(np.array(xlim)))), 1.0)
            log = isinstance(self.problem, Quadratic) or "a" in controls
            self.loss_panel = LossPanel(axes[1], steps, ylim=(1e-16, loss_top), log=log)
            self.rate_panel = (RatePanel(axes[2], steps, ylim=(0, lr_range[1] * 1.05))
                               if self.decay else None)
            # with a decaying rate: dashed lines where w freezes for ever (theory.freeze_point)
            self.freeze_lines = [ax.plot([], [], color="black", ls="--", lw=1.3, zorder=2)[0]
                                 for ax in axes[:2]] if self.decay else []
        super().__init__(built, fig, title=title)

    def settings(self, values):
        """The problem, schedule and run for a set of control values."""
        v = {**self.defaults, **values}
        problem = self.problem
        if "a" in values:
            problem = Quadratic(v["a"], center=self.center)
        lr = v["lr"]
        if self.decay:
            lr = exponential_decay(v["lr"], v["decay_steps"], v["decay_rate"],
                                   staircase=v["staircase"])
        run = gradient_descent(problem, v["w0"], lr, v["steps"])
        return problem, lr, run

    def redraw(self, values):
        problem, lr, run = self.settings(values)
        if problem is not self.path_panel.problem:
            self.path_panel.set_problem(problem)
        self.path_panel.update(run)
        # the step axes end in 1-2-5 steps, so a steps slider seldom changes them
        self.loss_panel.set_steps(run.steps, round_up_limit(run.steps))
        self.loss_panel.update(run)
        if self.rate_panel is not None:
            self.rate_panel.ax.set_xlim(0, round_up_limit(run.steps))
            # the y-range follows the first rate (so a small lr0 still fills the panel)
            # in 1-2-5 steps, so most moves keep the limits
            lr0 = float({**self.defaults, **values}["lr"])
            self.rate_panel.ax.set_ylim(0, round_up_limit(1.05 * lr0))
            self.rate_panel.update(run)
        self.run = run
        summary = summarize(run, lr=lr)
        if self.freeze_lines:
            frozen = summary.get("freeze_point")
            if frozen is None or summary["status"] == "diverged":
                for line in self.freeze_lines:
                    line.set_data([], [])
            else:
                level = float(problem.loss(frozen))
                self.freeze_lines[0].set_data([frozen, frozen], self.path_panel.ylim)
                self.freeze_lines[1].set_data([0, run.steps], [level, level])
        return summary


class RateAndDecayExplorer(DescentExplorer):
    """The whole course in one figure: a starting rate and a decay rate.

    A :class:`DescentExplorer` with the controls ``"lr"`` and ``"decay_rate"``
    (plus any others asked for). A decay rate of exactly 1 is a constant rate,
    and the readout then names its regime (:func:`lrlab.theory.regime`); below
    1 the rate follows :func:`lrlab.schedules.exponential_decay` and the
    readout names the regime the run starts in and where ``w`` freezes
    (:func:`lrlab.theory.freeze_point`).

    Parameters are those of :class:`DescentExplorer`; ``decay_rate`` defaults
    to 1 (no decay) and ``steps`` to 50.

    Examples
    --------
    >>> explorer = RateAndDecayExplorer(lr=1.05)
    >>> explorer.text.split(":")[0]
    'divergent'
    """

    def __init__(self, problem=None, controls=("lr", "decay_rate"), decay_rate=1.0, steps=50,
                 lr_range=(0.01, 1.2), **kwargs):
        if "decay_rate" not in controls:
            raise ValueError("RateAndDecayExplorer needs the control 'decay_rate'")
        super().__init__(problem=problem, controls=controls, decay_rate=decay_rate,
                         steps=steps, lr_range=lr_range, **kwargs)
        for panel, title in [(self.path_panel, "path of w"), (self.loss_panel, "loss per step"),
                             (self.rate_panel, "learning rate per step")]:
            panel.ax.set_title(title)

    def settings(self, values):
        v = {**self.defaults, **values}
        if v["decay_rate"] < 1:
            return super().settings(values)
        problem = self.problem
        if "a" in values:
            problem = Quadratic(v["a"], center=self.center)
        run = gradient_descent(problem, v["w0"], v["lr"], v["steps"])
        return problem, float(v["lr"]), run

    def redraw(self, values):
        summary = super().redraw(values)
        v = {**self.defaults, **values}
        problem = self.path_panel.problem
        if v["decay_rate"] < 1 and hasattr(problem, "center"):
            summary["start_regime"] = theory.regime(problem, v["lr"])
            summary["decay_rate"] = v["decay_rate"]
        return summary

    @property
    def text(self):
        s = self.summary
        if "start_regime" not in s:
            return describe(s)
        return (f"starts {s['start_regime']}, rate x{s['decay_rate']:g} per step; "
                + describe(s))


class RegimeExplorer(Explorer):
    """The regimes of a constant rate on ``a (w - w*)^2``, with the rate axis under the run.

    Top: the path of ``w`` on the loss curve and the loss against the step
    (log scale). The rate and ``a`` sliders are :func:`octave_slider`, so the
    one-step rate and the limit are positions a student can land on.
    Bottom: the rate axis (:class:`lrlab.plotting.RateAxisPanel`):
    the factor ``1 - 2 a lr`` that multiplies the error each step
    (:func:`lrlab.theory.error_factor`), the regime bands, the one-step and
    critical rates, and a marker at the current rate. With the control
    ``"a"`` the bowl's curvature moves and the thresholds move with it.

    Parameters
    ----------
    w0, lr, steps, a : float, float, int, float
        Starting values of the controls (used even when a control is hidden).
    center : float, default -1.0
        The minimum ``w*`` (the seed's).
    controls : sequence of str
        From ``"lr"``, ``"steps"``, ``"a"``, ``"w0"``.
    lr_range, a_range : (float, float)
        Ends of the log-scale sliders.

    Examples
    --------
    >>> explorer = RegimeExplorer(controls=("lr", "a"))
    >>> explorer.controls["a"].value = 4.0
    >>> explorer.controls["lr"].value = 0.3
    >>> explorer.text.split(":")[0]
    'divergent'
    """

    def __init__(self, w0=5.0, lr=0.2, steps=30, a=1.0, center=-1.0, controls=("lr", "steps"),
                 lr_range=(1e-3, 2.0), a_range=(0.1, 10.0), w0_range=(-6.0, 6.0),
                 max_steps=200, xlim=(-9.0, 7.0), title=None, figsize=(8.3, 5.4)):
        self.center = float(center)
        self.defaults = dict(lr=lr, w0=w0, steps=steps, a=a)
        make = {
            "lr": lambda: octave_slider("learning rate", lr, *lr_range),
            "steps": lambda: _slider(W.IntSlider, "steps", value=steps, min=1, max=max_steps),
            "a": lambda: octave_slider("curvature a", a, *a_range),
            "w0": lambda: _slider(W.FloatSlider, "start w0", value=w0, min=w0_range[0],
                                  max=w0_range[1], step=0.1),
        }
        unknown = set(controls) - set(make)
        if unknown:
            raise ValueError(f"controls must be among {sorted(make)}, got {sorted(unknown)}")
        built = {name: make[name]() for name in controls}
        problem = Quadratic(a, center=self.center)
        a_top = a_range[1] if "a" in controls else a
        loss_top = 1e4 * float(np.max(Quadratic(a_top, center=self.center).loss(np.array(xlim))))
        with _style():
            fig = Figure(figsize=figsize, layout="constrained")
            grid = fig.add_gridspec(2, 2, height_ratios=(3, 2))
            self.path_panel = PathPanel(fig.add_subplot(grid[0, 0]), problem, xlim, steady=True)
            self.loss_panel = LossPanel(fig.add_subplot(grid[0, 1]), steps,
                                        ylim=(1e-16, loss_top))
            self.rate_panel = RateAxisPanel(fig.add_subplot(grid[1, :]), problem, lr_range)
        self.run = None
        super().__init__(built, fig, title=title)

    def redraw(self, values):
        v = {**self.defaults, **values}
        problem = self.path_panel.problem
        if float(problem.a) != float(v["a"]):
            problem = Quadratic(v["a"], center=self.center)
            self.path_panel.set_problem(problem)
            self.rate_panel.set_problem(problem)
        run = gradient_descent(problem, v["w0"], v["lr"], v["steps"])
        self.path_panel.update(run)
        self.loss_panel.set_steps(run.steps, round_up_limit(run.steps))
        self.loss_panel.update(run)
        self.rate_panel.update(v["lr"])
        self.run = run
        summary = summarize(run, lr=v["lr"])
        summary["error_factor"] = theory.error_factor(problem, v["lr"])
        return summary

    @property
    def text(self):
        s = self.summary
        factor = round(s["error_factor"], 12) + 0.0     # no "1.11e-16" for an exact 0
        return (f"{describe(s)} | each step multiplies the error by {factor:.3g}; "
                f"one step at lr = {s['one_step_lr']:.3g}, limit {s['critical_lr']:.3g}")


class BasinsExplorer(DescentExplorer):
    """The seed's "stepping over the pit" on a double well: which pit does a rate end in?

    A :class:`DescentExplorer` on :class:`lrlab.problems.TwoBasins`, with the
    rate and the start point as controls. The right panel shows how far the
    loss is above the deeper pit's bottom (log scale), so a run stuck in the
    shallow pit levels off, and the readout names the pit the run ended in
    (:func:`lrlab.summary.basin_report`).

    Parameters are those of :class:`DescentExplorer`, with defaults for the
    double well: start ``w0 = 1.6`` on the shallow pit's outer wall.

    Examples
    --------
    >>> explorer = BasinsExplorer()
    >>> explorer.controls["lr"].value = 0.15
    >>> explorer.text.split(": ", 1)[1].split(" (")[0]
    'settled in the deeper pit'
    """

    def __init__(self, problem=None, w0=1.6, lr=0.05, steps=60, controls=("lr", "w0"),
                 lr_range=(1e-3, 1.0), w0_range=(-1.8, 1.8), xlim=(-2.0, 2.0),
                 gap_range=(1e-16, 1e4), **kwargs):
        problem = problem if problem is not None else TwoBasins()
        kwargs.setdefault("figsize", (8.3, 3.6))
        self.lowest = float(np.min(problem.loss(problem.minima)))
        self.gap_range = gap_range
        super().__init__(problem=problem, w0=w0, lr=lr, steps=steps, controls=controls,
                         lr_range=lr_range, w0_range=w0_range, xlim=xlim, **kwargs)
        panel = self.loss_panel
        panel.log, panel.ylim = True, gap_range
        panel.ax.set_yscale("log")
        panel.ax.set_ylim(*gap_range)
        panel.ax.set_ylabel("loss above the\ndeeper bottom")
        self.refresh()

    def redraw(self, values):
        problem, lr, run = self.settings(values)
        self.path_panel.update(run)
        self.loss_panel.set_steps(run.steps, round_up_limit(run.steps))
        gap = types.SimpleNamespace(loss=run.loss - self.lowest, status=run.status,
                                    status_step=run.status_step)
        self.loss_panel.update(gap)
        self.run = run
        summary = summarize(run, lr=lr)
        summary["basin"] = basin_report(run)
        return summary

    @property
    def text(self):
        v = self.values
        return f"lr {v['lr']:.3g} from w0 = {v['w0']:.3g}: " + describe_basin(self.summary["basin"])


def _style():
    import matplotlib

    return matplotlib.rc_context(STYLE)

