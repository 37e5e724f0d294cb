"""Which artists of an explorer's figure move, and how to draw them over its background in order.

Blitting (matplotlib's guide "Faster rendering by using blitting") draws the
figure once without its moving artists, keeps that picture (the background)
and on every frame draws the moving artists over it. A full draw sorts each
panel's artists by zorder; so that a blitted frame looks the same, whatever
a panel draws after its first moving artist is drawn again over the
background, in the same order. :class:`MovingArtists` keeps that list: the
moving artists themselves, and between them the static artists that a full
draw puts above them (an axis with its ticks, a spine, a fixed label), each
run of those kept as one transparent image (a :class:`Layer`) rather than
drawn again on every frame.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.legend import Legend
from matplotlib.spines import Spine
from matplotlib.text import Text

__all__ = ["Layer", "MovingArtists"]


class MovingArtists:
    """The moving artists of a figure and the layers between them, in drawing order."""

    def __init__(self, figure):
        self.figure = figure
        self.movers = set()      # the artists that change from frame to frame
        self.order = []          # (panel or None, [artist or Layer, ...]) in drawing order
        self._images = {}        # moving artist -> its image, while it does not change
        self._scratch = None

    def candidates(self):
        """``(panel or None, artists)``: every artist that may move, the figure's own first."""
        fig = self.figure
        out = [(None, [a for a in fig.get_children()
                       if a is not fig.patch and not isinstance(a, Axes)])]
        for ax in fig.axes:
            out.append((ax, [a for a in ax.get_children() if a is not ax.patch]))
        return out

    def ids(self):
        """The ids of every artist, in order: a background shows exactly these."""
        return tuple(id(a) for _, artists in self.candidates() for a in artists)

    def newly_moving(self):
        """Static artists changed (``stale``) since the last full draw: they become moving ones.

        (Axes and spines change with the limits, which a new background shows.)
        """
        layered = {a for layer in self.layers() for a in layer.artists}
        return {a for _, artists in self.candidates() for a in artists
                if a.stale and (a in layered or not a.get_animated())
                and not isinstance(a, (Axis, Spine))}

    def add(self, new):
        """Add ``new`` to the moving artists; animate what each panel draws from its first mover on.

        In each panel, the artists from the first moving one on (sorted as
        matplotlib sorts them: by zorder, then order of creation) are drawn on
        every frame; the static ones among them go into layers.
        """
        self.movers |= set(new)
        order = []
        for ax, artists in self.candidates():
            ordered = sorted(artists, key=lambda a: a.get_zorder())   # stable, as matplotlib
            first = next((i for i, a in enumerate(ordered) if a in self.movers), None)
            if first is None:
                continue
            items = []
            for a in ordered[first:]:
                a.set_animated(True)
                if a in self.movers:
                    items.append(a)
                elif isinstance(items[-1], Layer):
                    items[-1].artists.append(a)
                else:
                    items.append(Layer([a]))
            order.append((ax, items))
        self.order = order

    def layers(self):
        """Every layer, in drawing order."""
        return [item for _, items in self.order for item in items if isinstance(item, Layer)]

    def new_background(self, renderer):
        """After a full draw into ``renderer``: draw the layers' images again."""
        for layer in self.layers():
            layer.render(self.scratch(renderer))
        self.forget_images()

    def draw(self, renderer):
        """Draw the moving artists and the layers between them, in order.

        A moving text or legend that did not change since it was last drawn
        (not ``stale``: a legend the last move left alone, a label that
        follows another control) is laid on as an image of itself (a
        :class:`Layer`): text is the slow part of a frame (notebook 05's two
        legends, drawn afresh, took two thirds of its time a move). Lines are
        always drawn in place: an image would blend their antialiased edges
        a unit or two away from a full draw, over many pixels.
        """
        for _, items in self.order:
            for item in items:
                if isinstance(item, Layer):
                    item.draw(renderer)
                elif item.stale or not isinstance(item, (Text, Legend)):
                    self._images.pop(item, None)
                    item.draw(renderer)
                else:
                    if item not in self._images:
                        self._images[item] = Layer([item])
                        self._images[item].render(self.scratch(renderer))
                    self._images[item].draw(renderer)

    def forget_images(self):
        """Drop the images of unchanged moving artists (the axis limits changed under them)."""
        self._images = {}

    def draw_each(self, renderer):
        """Draw every moving artist and layered artist itself (into a renderer not ours)."""
        for _, items in self.order:
            for item in items:
                for a in (item.artists if isinstance(item, Layer) else [item]):
                    a.draw(renderer)

    def scratch(self, like):
        """An empty renderer the size of ``like``'s, kept for drawing layers."""
        size = (int(like.width), int(like.height), like.dpi)
        if self._scratch is None or self._scratch[0] != size:
            self._scratch = (size, RendererAgg(*size))
        return self._scratch[1]


class Layer:
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

    def render(self, scratch):
        """Draw the artists into ``scratch``, an empty renderer of the figure's size and dpi."""
        scratch.clear()
        for a in self.artists:
            a.draw(scratch)
        pixels = np.asarray(scratch.buffer_rgba())
        found = ink_box(pixels[..., 3])
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


def ink_box(alpha):
    """``(top, bottom, left, right)`` of the pixels with any alpha (rows from the top), or None.

    >>> alpha = np.zeros((4, 5), dtype=np.uint8)
    >>> alpha[1:3, 2] = 255
    >>> ink_box(alpha), ink_box(alpha[:1])
    ((1, 3, 2, 3), None)
    """
    rows = np.flatnonzero(alpha.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(alpha[rows[0]:rows[-1] + 1].any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
