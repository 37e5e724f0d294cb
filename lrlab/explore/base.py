"""Explorer: a figure with controls under it that reruns the math on every move.

What happens when a student moves a slider, in order:

1. the slider's new value reaches :meth:`Explorer.refresh` (``observe``);
2. ``redraw(values)``, written by each explorer, asks lrlab's math for the
   run (:func:`lrlab.gradient_descent` and friends) and moves the figure's
   lines to it with ``set_data``; it returns a summary of the run;
3. the readout under the figure is rewritten from that summary;
4. :meth:`Explorer.render` draws the figure (blitting, as in matplotlib's
   guide "Faster rendering by using blitting": the figure without its moving
   lines is kept as a background, and each frame is that background with the
   lines drawn on it) and the canvas sends the frame to the page.

Words used here: a **figure** is a matplotlib picture; a **panel** one of its
axes; an **explorer** a figure with controls that reruns the math; its
**canvas** the ipympl widget that shows the explorer's figure in the page
(:mod:`lrlab.explore.canvas`).

The sliders are :mod:`lrlab.explore.sliders`' (imported here too), the
readout's wording :mod:`lrlab.explore.readout`'s, the order in which moving
lines are drawn :mod:`lrlab.explore._layers`'.
"""

from __future__ import annotations

import asyncio
import collections
import html
import logging

import ipywidgets as W

from ..plot.base import COLORS
from ..summary import describe
from ._layers import MovingArtists
from .canvas import make_canvas
from .page_style import style_widget
from .readout import for_people
from .sliders import (  # noqa: F401  (the explorers' sliders, importable from here)
    LadderSlider,
    linear_values,
    log_slider,
    nice_values,
    slider,
)

__all__ = ["Explorer", "LadderSlider", "linear_values", "log_slider", "nice_values",
           "slider"]

_STATUS_COLORS = {"diverged": COLORS[3], "stalled": COLORS[4], "converged": COLORS[2]}


class Explorer:
    """Controls, a figure and a readout, kept in step.

    A subclass builds the figure and the controls (a dict of widgets with a
    ``value``) and writes ``redraw(values)``: run the math, move the figure's
    artists with ``set_data``, return a summary dict (the readout is
    :func:`lrlab.summary.describe` of it). Example: :class:`lrlab.explore.one_d.DescentExplorer`.

    Attributes
    ----------
    renders : dict
        How many frames were ``"blit"`` (only the moving artists drawn
        again), ``"kept"`` (axis limits seen before: their kept background,
        then a blit) and ``"full"`` (the whole figure drawn).
    """

    columns = 2
    #: How many backgrounds are kept for axis limits seen before.
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
        self.renders = {"full": 0, "kept": 0, "blit": 0}
        self.moving = MovingArtists(figure)
        self._pending = False        # a deferred render is scheduled
        self._background = None      # the figure without its moving artists
        self._signature = None       # what the background shows (_current_signature)
        self._kept = collections.OrderedDict()   # signature -> background, layers' images
        self.canvas.mpl_connect("draw_event", self._on_draw)
        for control in widgets:
            control.observe(self._on_change, names="value")
        self.refresh()

    @property
    def values(self):
        """The controls' current values, by name."""
        return {name: c.value for name, c in self.controls.items()}

    def _on_change(self, change):
        self.refresh()

    def refresh(self):
        """Rerun the math, move the artists and rewrite the readout; then draw."""
        with self.canvas.lock:           # no frame is drawn while the artists move
            self.summary = self.redraw(self.values)
            color = _STATUS_COLORS.get(self.summary["status"], "inherit")
            # text-wrap: pretty keeps a last line from holding a lone "4)"
            self.readout.value = (
                f'<span style="font-size:1.15em;color:{color};text-wrap:pretty">'
                f'{html.escape(self.readout_text)}</span>'
            )
            self.request_render()

    def redraw(self, values):  # pragma: no cover - abstract
        """Run the math for ``values``, move the artists, return the summary."""
        raise NotImplementedError

    def render(self, full=False):
        """Draw the figure's current state and send the frame; returns how it was drawn.

        ``"blit"``: the background, the moving artists drawn on it.
        ``"kept"``: new axis limits seen before: their kept background, then
        as a blit. ``"full"``: anything else (new limits, a new canvas size, an
        artist added or a static one changed; or ``full``): the whole figure,
        which gives a new background (:meth:`_on_draw`).
        """
        with self.canvas.lock:
            self._pending = False
            how = self._how(full)
            self.renders["full" if how == "layout" else how] += 1
            if how in ("full", "layout"):
                self._draw_full(layout=how == "layout")
                return "full"
            if how == "kept":
                self._restore(self._current_signature())
            self.canvas.restore_region(self._background)
            self.moving.draw(self.canvas.get_renderer())
            self.canvas.blit(self.figure.bbox)
            return how

    @property
    def text(self):
        """The readout as plain text (what cells print: exact)."""
        return describe(self.summary)

    @property
    def readout_text(self):
        """What the page's readout says: :attr:`text` rounded for people (:func:`for_people`).

        A subclass may say it in fewer words (one or two short sentences).
        """
        return for_people(self.text)

    # -- when to draw ----------------------------------------------------------------------

    def request_render(self):
        """Render the figure now, or once at the end of the current event-loop turn.

        Several requests in one turn of a running event loop (the kernel
        handling a message, or a cell setting several controls) give a single
        render of the final state; without a running loop the render is
        immediate. Before a page has opened the canvas (ipympl's
        ``syncing_data_url``) nothing is drawn: the page asks for a full draw
        when it opens, and ipympl cannot show a frame drawn before that (its
        stand-in image breaks the view).
        """
        if self._pending or getattr(self.canvas, "syncing_data_url", False):
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

    # -- how to draw -----------------------------------------------------------------------

    def _how(self, full):
        """What the next frame needs: ``"layout"`` (a full draw with a new layout),
        ``"full"``, ``"kept"`` or ``"blit"``."""
        if self._background is None:
            return "layout"
        moved = self.moving.newly_moving()
        added = self.moving.ids() != self._signature[-1]
        if moved or added:
            self.moving.add(moved)
            self._kept.clear()           # kept backgrounds show the new movers as static
            # new artists may need new margins; moved data and texts keep the layout
            # (rerunning it shifts every panel by a fraction of a pixel)
            return "layout" if added else "full"
        signature = self._current_signature()
        if signature[:2] != self._signature[:2]:
            return "layout"              # the canvas was resized
        if full:
            return "full"
        if signature == self._signature:
            return "blit"
        return "kept" if signature in self._kept else "full"

    def _current_signature(self):
        """Everything a background depends on: the canvas's size, each panel's limits,
        scales and place, and the artists (their ids, last)."""
        fig = self.figure
        sig = [self.canvas.get_width_height(physical=True), fig.dpi]
        for ax in fig.axes:
            sig.append((tuple(ax.viewLim.bounds), ax.get_xscale(), ax.get_yscale(),
                        tuple(ax.get_position().bounds)))
        sig.append(self.moving.ids())
        return tuple(sig)

    def _draw_full(self, layout):
        """``canvas.draw()``, with the figure's layout engine run only if ``layout``
        (so the panels do not shift while a slider changes their limits)."""
        engine = self.figure.get_layout_engine()
        if layout or engine is None:
            self.canvas.draw()            # _on_draw keeps the background, draws the movers
            return
        self.figure.set_layout_engine("none")
        try:
            self.canvas.draw()
        finally:
            self.figure.set_layout_engine(engine)

    def _on_draw(self, event):
        """After any full draw (ours, a zoom, a resize): keep the background, add the movers."""
        if self.canvas.is_saving():
            return       # savefig draws animated artists itself
        renderer = event.renderer
        if renderer is not self.canvas.get_renderer():
            self.moving.draw_each(renderer)      # another renderer: draw every artist itself
            return
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._signature = self._current_signature()
        self.moving.new_background(renderer)
        self._kept[self._signature] = (self._background, [
            (layer, layer.image, layer.x, layer.y) for layer in self.moving.layers()])
        self._kept.move_to_end(self._signature)
        while len(self._kept) > self.backgrounds_kept:
            self._kept.popitem(last=False)
        self.moving.draw(renderer)

    def _restore(self, signature):
        """Make the kept background (and layers) of ``signature`` the current ones."""
        self._kept.move_to_end(signature)
        self._background, layers = self._kept[signature]
        for layer, image, x, y in layers:
            layer.image, layer.x, layer.y = image, x, y
        self.moving.forget_images()
        self._signature = signature

    def _repr_mimebundle_(self, **kwargs):
        if self.shown_values is None:
            self.shown_values = self.values      # the state it opened on, for the tests
        return self.box._repr_mimebundle_(**kwargs)
