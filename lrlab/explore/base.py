"""The explorer machinery: controls, a figure and a readout kept in step, drawn fast.

:class:`Explorer` is the base of every live explorer in lrlab. A subclass
builds the figure and the controls and implements ``redraw(values)``, which
moves the figure's artists and returns a summary for the readout; this class
reruns it on every change of a control and draws the new frame, redrawing
only what changed (see its docstring and DESIGN.md, "Render path").
:class:`LadderSlider` is the slider of every number an explorer shows (the
page sends its position, an index, so no value is ever rounded or echoed);
:func:`log_slider` makes one for rates. The canvas and its frames are
:mod:`lrlab.canvas`'s.
"""

from __future__ import annotations

import asyncio
import bisect
import collections
import decimal
import html
import logging
import math
import os
import re

import ipywidgets as W
import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.colors import to_rgba
from matplotlib.spines import Spine
from traitlets import TraitError, validate

from .._checks import check_int, check_number
from ..plot.base import COLORS
from ..summary import describe
from ._agg_text import TextCachingRenderer
from .canvas import make_canvas
from .page_style import style_widget

__all__ = ["Explorer", "LadderSlider", "linear_values", "log_slider", "nice_values",
           "octave_slider"]

#: Render optimisations turned off for a measurement: ``LRLAB_RENDER_OFF=kept,panels,glyphs,
#: deflate,sprites`` (benchmarks/bench_explorers.py; read here, once).
RENDER_OFF = frozenset(os.environ.get("LRLAB_RENDER_OFF", "").replace(" ", "").split(","))

_STATUS_COLORS = {"diverged": COLORS[3], "stalled": COLORS[4], "converged": COLORS[2]}


def _slider_range(description, value, lo, hi, positive=False):
    """Check a slider's range and starting value: a slider would clamp a value outside silently."""
    bound = {"lo": 0, "lo_open": True} if positive else {}
    lo = check_number(f"{description}: the lower end", lo, **bound)
    hi = check_number(f"{description}: the upper end", hi, lo=lo, lo_open=True)
    return check_number(description, value, lo=lo, hi=hi), lo, hi


# The mantissas of the "nice" numbers, in hundredths: 1.00-1.99 by 0.01, 2.00-4.95 by
# 0.05, 5.0-9.9 by 0.1. Neighbours differ by 0.5 % to 2.5 %, about 210 a decade.
_NICE_MANTISSAS = (*range(100, 200), *range(200, 500, 5), *range(500, 1000, 10))


def nice_values(lo, hi):
    """The nice numbers from ``lo`` to ``hi``: a mantissa of :data:`_NICE_MANTISSAS` times 10^k.

    Each is the float nearest its decimal (``float("0.19") == 0.19``), so a
    value typed in code, such as 0.2, 1.2 or 6, is one of them exactly.

    Examples
    --------
    >>> v = nice_values(0.1, 10.0)
    >>> 0.2 in v and 1.05 in v and 1.2 in v and 6.0 in v, 0.1234 in v, len(v)
    (True, False, 421)
    """
    out = []
    for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1):
        for m in _NICE_MANTISSAS:
            v = float(f"{m}e{e - 2}")
            if lo <= v <= hi:
                out.append(v)
    return out


def linear_values(lo, hi, step):
    """``lo, lo + step, ...`` up to ``hi``, each the float nearest its decimal.

    Computed in decimal, so 0.5 + 60 * 0.005 is 0.8 and not 0.8000000000000002.

    Examples
    --------
    >>> v = linear_values(0.5, 1.0, 0.005)
    >>> 0.8 in v, 0.97 in v, 0.825 in v, v[0], v[-1], len(v)
    (True, True, True, 0.5, 1.0, 101)
    """
    d_lo, d_step = decimal.Decimal(repr(float(lo))), decimal.Decimal(repr(float(step)))
    n = math.floor((hi - lo) / step + 1e-9)
    return [float(d_lo + k * d_step) for k in range(n + 1)]


class NotAPosition(TraitError, ValueError):
    """A value set on a :class:`LadderSlider` that is not one of its positions."""


class LadderSlider(W.SelectionSlider):
    """A slider over a fixed, sorted list of numbers (its positions).

    The page holds the slider's position as an index and sends an index, so a
    value set from code is exactly what the slider shows and what the
    explorer draws: the page never rounds it to its own grid and never sends
    back a neighbour (FloatSlider and FloatLogSlider views do both, and a
    late echo overwrote values set from code). Setting a value that is not a
    position raises an error naming the nearest positions; :meth:`nearest`
    rounds a number to a position (a click on a figure, say).

    Parameters
    ----------
    description : str
    values : sequence of float
        The positions, increasing. A starting ``value`` between two of them is
        added as a position of its own (so it is shown exactly).
    value : float
        The starting value (a position, or added as one).
    fmt : str
        Format of the readout (a ``format`` spec); more digits where two
        positions would read the same.
    """

    def __init__(self, description, values, value, fmt=".3g"):
        values = sorted(float(v) for v in values)
        if not values:
            raise ValueError(f"{description}: the slider needs at least one position")
        value = check_number(description, value)   # the factories check its range
        if value not in values:
            values = sorted([*values, value])
        labels = [format(v, fmt) for v in values]
        if len(set(labels)) < len(labels):
            labels = [format(v, ".6g") for v in values]
        self._ladder = list(zip(labels, values, strict=True))
        super().__init__(options=self._ladder, value=value,
                         description=description, continuous_update=True,
                         style={"description_width": "9em"}, layout=W.Layout(width="32em"))
        # (at the first position ipywidgets leaves the label unset: the index did not change)
        self.label = self._options_labels[self.index]

    @property
    def min(self):
        """The first position."""
        return self._options_values[0]

    @property
    def max(self):
        """The last position."""
        return self._options_values[-1]

    @property
    def positions(self):
        """Every position, increasing."""
        return list(self._options_values)

    def limit(self, hi):
        """Offer only the positions up to ``hi`` (of those it was built with); all if ``None``.

        A value above ``hi`` moves down to the last position offered.
        """
        options = [(label, v) for label, v in self._ladder if hi is None or v <= hi]
        if tuple(v for _, v in options) == tuple(self._options_values):
            return
        value = self.value if hi is None or self.value <= hi else options[-1][1]
        self.options = options
        self.value = value

    def nearest(self, x):
        """The position nearest ``x`` (the end for ``x`` beyond it)."""
        values = self._options_values
        i = bisect.bisect_left(values, float(x))
        near = values[max(i - 1, 0):i + 1]
        return min(near, key=lambda v: abs(v - x))

    @validate("value")
    def _validate_value(self, proposal):
        value = proposal.value
        values = self._options_values
        if not values:                        # options not set yet (while building)
            return value
        try:
            i = values.index(value)
        except (ValueError, TypeError):
            pass
        else:
            return values[i]
        try:
            x = float(value)
        except (TypeError, ValueError):
            x = math.nan
        i = bisect.bisect_left(values, x) if math.isfinite(x) else 0
        near = " and ".join(format(v, "g") for v in values[max(i - 1, 0):i + 1])
        raise NotAPosition(
            f"{self.description} must be one of the slider's positions, from "
            f"{values[0]:g} to {values[-1]:g}; got {value!r}"
            + (f" (the nearest are {near})" if math.isfinite(x) else ""))


def log_slider(description, value, lo, hi, fmt=".3g"):
    """A slider for rates on a log-like scale: the nice numbers from ``lo`` to ``hi``.

    Its positions are :func:`nice_values` (2 or 3 significant digits, 0.5 %
    to 2.5 % apart), so every rate a lesson names (0.2, 0.5, 1, 1.2, 0.19,
    1e-3, ...) is a position, reached exactly by code, mouse or arrow keys.
    """
    value, lo, hi = _slider_range(description, value, lo, hi, positive=True)
    return LadderSlider(description, nice_values(lo, hi), value, fmt=fmt)


def octave_slider(description, value, lo, hi, per_octave=60, fmt=".3g"):
    """A log-scale slider whose positions are the powers ``2^(k / per_octave)``.

    Every power of 2, 1 included, is a position of the slider, so rates such
    as ``1 / (2a)`` and ``1 / a`` (for ``a`` on a slider of the same kind)
    can be reached exactly. The ends ``lo`` and ``hi`` are moved out to the
    nearest positions. (The explorers use :func:`log_slider`, whose positions
    are the numbers a lesson names.)

    Examples
    --------
    >>> s = octave_slider("learning rate", 0.5, 1e-3, 2.0)
    >>> 0.25 in s.positions, 1.0 in s.positions, s.max
    (True, True, 2.0)
    """
    value, lo, hi = _slider_range(description, value, lo, hi, positive=True)
    n = check_int("per_octave", per_octave, lo=1)
    k_lo = math.floor(math.log2(lo) * n + 1e-9)
    k_hi = math.ceil(math.log2(hi) * n - 1e-9)
    return LadderSlider(description, [2.0 ** (k / n) for k in range(k_lo, k_hi + 1)], value,
                        fmt=fmt)


def slider(cls, description, **kw):
    """An ``IntSlider`` (or other widget) with the explorers' style; a ``FloatSlider`` is a ladder.

    A ``FloatSlider``'s page view rounds the value to its own grid and may
    send the rounded value back: a float slider is a :class:`LadderSlider`
    over ``min, min + step, ..., max`` instead (same ends, same step).
    """
    if "value" in kw and "min" in kw and "max" in kw:
        _slider_range(description, kw["value"], kw["min"], kw["max"])
    if cls is W.FloatSlider:
        values = linear_values(kw["min"], kw["max"], kw.get("step", 0.1))
        return LadderSlider(description, values, kw["value"],
                            fmt=kw.get("readout_format", ".2f"))
    return cls(description=description, continuous_update=True,
               style={"description_width": "9em"}, layout=W.Layout(width="32em"), **kw)


def _ink_box(alpha, near=None, pad=6):
    """``(top, bottom, left, right)`` of the pixels with any alpha (rows from the top), or None.

    With ``near`` (a Bbox, y from the bottom) only that area, ``pad`` pixels
    wider, is searched; if ink touches the edge of that area the whole image is.
    """
    height, width = alpha.shape
    if near is not None and np.all(np.isfinite(near.extents)):
        x0 = max(0, math.floor(near.x0) - pad)
        x1 = min(width, math.ceil(near.x1) + pad)
        top = max(0, height - math.ceil(near.y1) - pad)
        bottom = min(height, height - math.floor(near.y0) + pad)
        area = alpha[top:bottom, x0:x1]
        if area.size and not (area[0].any() or area[-1].any() or area[:, 0].any()
                              or area[:, -1].any()):
            box = _ink_box(area)
            return None if box is None else (box[0] + top, box[1] + top, box[2] + x0,
                                             box[3] + x0)
    rows = np.flatnonzero(alpha.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(alpha[rows[0]:rows[-1] + 1].any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def _extent(artist, renderer):
    """The artist's window extent, or None where it cannot say."""
    try:
        return artist.get_window_extent(renderer)
    except Exception:  # some artists need more than a renderer to know theirs
        return None


_FRACTIONS = {1e-3: "a thousandth", 1e-6: "a millionth", 1e-9: "a billionth"}
# a number in e-notation: 9.8e-31, -5.7e-05, 4.9e+07 (not part of a word or a longer number)
_E_NUMBER = re.compile(r"(?<![\w.])(-?)(\d+(?:\.\d+)?)e([+-]\d+)(?![\w.])")
# a point: "(-0.0243, 9.8e-31)"
_POINT = re.compile(r"\(-?[\d.]+(?:e[+-]\d+)?(?:, -?[\d.]+(?:e[+-]\d+)?)+\)")
#: Below this a coordinate in a readout is 0 to a reader.
PEOPLE_ZERO = 1e-12


def for_people(text):
    """An explorer's readout as a student reads it at a glance (the page shows this).

    ``explorer.text`` (what cells print, exact for the lesson's checks) is
    kept; the page's readout rounds it for people: a coordinate of a point
    below :data:`PEOPLE_ZERO` in size is written 0, and the readout then says
    so once (a loss keeps its digits: its log axis shows how small it is);
    ``"error x1e-06"`` (the error down to that fraction of the start's) reads
    "error down to a millionth"; ``" | "`` ends a sentence.

    Examples
    --------
    >>> for_people("w = (-0.0243, 9.8e-31); error x1e-06 in 224 steps")
    'w = (-0.0243, 0); error down to a millionth in 224 steps (0 means below 1e-12)'
    >>> for_people("loss 4.9e+07 | each step multiplies the error by -1.4")
    'loss 4.9e+07. Each step multiplies the error by -1.4'
    >>> for_people("w = (-1.16, 1.3e-18), loss 8.3e-30")
    'w = (-1.16, 0), loss 8.3e-30 (0 means below 1e-12)'
    """
    zeroed = []

    def number(match):
        value = float(match.group(0))
        if value != 0 and abs(value) < PEOPLE_ZERO:
            zeroed.append(value)
            return "0"
        return match.group(0)

    def fraction(match):
        name = _FRACTIONS.get(float(match.group(2)))
        return f"error down to {name}" if name else match.group(0)

    out = re.sub(r"error ([x×])(\S+)", fraction, text)
    # a point's coordinates: a tiny one is 0 (a loss keeps its size: the log axis shows it)
    out = _POINT.sub(lambda m: _E_NUMBER.sub(number, m.group(0)), out)
    out = re.sub(r" \| (\w)", lambda m: ". " + m.group(1).upper(), out)
    if zeroed:
        out += f" (0 means below {PEOPLE_ZERO:g})"
    return out


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

    def render(self, scratch, near=None):
        """Draw the artists into ``scratch``, a renderer of the figure's size and dpi.

        ``near`` (a display-space ``Bbox``, such as the artist's window
        extent) says where to look for the ink: only that area, a few pixels
        wider, is searched, unless ink reaches its edge (then everywhere).
        """
        scratch.clear()
        for a in self.artists:
            a.draw(scratch)
        pixels = np.asarray(scratch.buffer_rgba())
        found = _ink_box(pixels[..., 3], near)
        if found is None:
            self.image = None
            return
        top, bottom, left, right = found
        # draw_image takes rows from the bottom up
        self.image = pixels[top:bottom, left:right][::-1].copy()
        self.x, self.y = int(left), int(scratch.height) - int(bottom)    # y counts from below

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
        self.box = W.VBox([*head, *rows, self.canvas, self.readout, style_widget()])
        self.box.add_class("lrlab-explorer")
        self.summary = None
        self.shown_values = None     # the controls' values when first displayed
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

    @property
    def readout_text(self):
        """What the page's readout says: :attr:`text` rounded for people (:func:`for_people`).

        A subclass may say it in fewer words (one or two short sentences).
        """
        return for_people(self.text)

    def _on_change(self, change):
        self.refresh()

    def refresh(self):
        """Rerun and redraw for the controls' current values."""
        with self.canvas.lock:           # no frame is drawn while the artists move
            self.summary = self.redraw(self.values)
            status = self.summary["status"]
            color = _STATUS_COLORS.get(status, "inherit")
            # text-wrap: pretty keeps a last line from holding a lone "4)"
            self.readout.value = (
                f'<span style="font-size:1.15em;color:{color};text-wrap:pretty">'
                f'{html.escape(self.readout_text)}</span>'
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
        if "panels" in RENDER_OFF:
            return False
        if (self._extents is None or len(signature) != len(old) or len(old) != len(fig.axes) + 3
                or signature[:2] != old[:2] or signature[-1] != old[-1]):
            return False
        changed = self._changed_axes(old, signature)
        if not changed or len(changed) == len(fig.axes):
            return False
        if any(was[3] != now[3] for was, now in zip(old[2:-1], signature[2:-1], strict=True)):
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
            layer.render(self._scratch(renderer))
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
        kept = self._kept.get(signature) if "kept" not in RENDER_OFF else None
        if kept is None:
            return False
        self._kept.move_to_end(signature)
        changed = self._changed_axes(self._signature, signature)
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

    def _changed_axes(self, old, new):
        """The panels whose limits, scales or position differ between two signatures."""
        return [ax for ax, was, now in zip(self.figure.axes, old[2:-1], new[2:-1], strict=True)
                if was != now]

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
                elif "sprites" in RENDER_OFF:
                    item.draw(renderer)
                elif item in self._sprites:
                    self._sprites[item].draw(renderer)
                elif item not in self._unchanged:
                    self._unchanged.add(item)
                    item.draw(renderer)
                else:
                    sprite = self._sprites[item] = _Layer([item])
                    scratch = self._scratch(renderer)
                    sprite.render(scratch, near=_extent(item, scratch))
                    sprite.draw(renderer)

    def _scratch(self, like):
        """An empty renderer the size of ``like``'s, kept for drawing layers."""
        size = (int(like.width), int(like.height), like.dpi)
        if self._scratch_renderer is None or self._scratch_renderer[0] != size:
            # sharing the canvas's texts: an unchanged text drawn there is replayed here
            cache = getattr(self.canvas, "text_cache", None)
            self._scratch_renderer = (size, TextCachingRenderer(*size, cache=cache))
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
                layer.render(self._scratch(renderer))
            self._sprites = {}
            self._keep()
            self._draw_moving(renderer)
        else:                                  # another renderer: draw every artist itself
            for _ax, items in self._moving:
                for item in items:
                    for a in (item.artists if isinstance(item, _Layer) else [item]):
                        a.draw(renderer)

    def _repr_mimebundle_(self, **kwargs):
        if self.shown_values is None:
            self.shown_values = self.values      # the state it opened on, for the tests
        return self.box._repr_mimebundle_(**kwargs)
