"""The CSS an explorer brings to the page: its figure grows with the notebook's column.

ipympl sizes its canvas in pixels (the figure's size at its dpi) and never
follows the page, so on a wide screen an explorer's figure filled 60 % of the
column. These rules let the canvas take the column's whole width, its height
following with the aspect ratio kept; the kernel still draws every frame at
the figure's own size and the browser scales the picture (a frame is the same
picture, only shown larger). Presenter mode (``make present``) draws the
figures with more pixels instead (:data:`lrlab.plot.PRESENT_SCALE`), so
there the picture is shown at about its own size.

The rules travel in a ``<style>`` element inside a hidden ``ipywidgets.HTML``
(the one way a kernel can give a page CSS in JupyterLab, Notebook 7, VS Code
and Voila alike); they apply only inside ``.lrlab-explorer``.
"""

from __future__ import annotations

import ipywidgets as W

__all__ = ["EXPLORER_CSS", "style_widget"]

#: Canvas rules: the first canvas (the figure) flows at the column's width with its aspect
#: ratio, but no taller than the window less room for the controls (the picture is then
#: fitted into that height, at the left); the second (ipympl's zoom rectangle) lies over it
#: at the same size.
EXPLORER_CSS = """
.lrlab-explorer .jupyter-matplotlib,
.lrlab-explorer .jupyter-matplotlib-figure,
.lrlab-explorer .jupyter-matplotlib-canvas-container {
  width: 100%; max-width: 100%; box-sizing: border-box; margin-left: 0; margin-right: 0;
}
.lrlab-explorer .jupyter-matplotlib-canvas-div {
  width: 100% !important; height: auto !important; margin-left: 0; margin-right: 0;
}
.lrlab-explorer .jupyter-matplotlib-canvas-div canvas:first-child {
  position: relative !important; display: block; width: 100% !important; height: auto !important;
  max-height: calc(100vh - 160px); object-fit: contain; object-position: left top;
}
.lrlab-explorer .jupyter-matplotlib-canvas-div canvas + canvas {
  width: 100% !important; height: 100% !important;
}
"""


def style_widget():
    """A hidden widget holding :data:`EXPLORER_CSS` (put it in the explorer's box).

    >>> widget = style_widget()
    >>> widget.layout.display, widget.value.startswith("<style>")
    ('none', True)
    """
    return W.HTML(f"<style>{EXPLORER_CSS}</style>", layout=W.Layout(display="none"))
