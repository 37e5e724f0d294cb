"""A live explorer for notebook 08: train the line on Engel's data, for 20 seeds at once.

:class:`TrainingExplorer` trains the straight line of :mod:`lrlab.data` by
mini-batch SGD on every change of its controls (a schedule, its peak rate,
the number of epochs and the batch size), for 20 shuffling seeds in one
vectorized run (:func:`lrlab.training.train_seeds`). Left, the data in francs
with the line each seed ended at; right, the held-out loss against the
epoch, median and 10%-90% band over the seeds (:mod:`lrlab.plot.model`'s
panels). The readout is :func:`lrlab.training.describe_seeds`.

>>> explorer = TrainingExplorer()
>>> explorer.controls["peak"].value = 3.0
>>> explorer.summary["diverged"]
20
"""

from __future__ import annotations

import ipywidgets as W
from matplotlib.figure import Figure

from .._checks import check_choice, check_int, check_number
from ..data import engel
from ..plot.base import style_context
from ..plot.model import HeldLossPanel, SeedLinesPanel, panel_title
from ..training import SCHEDULE_KINDS, describe_seeds, summarize_seeds, train_seeds
from .base import Explorer, log_slider, slider

__all__ = ["TrainingExplorer", "BATCH_SIZES"]

#: The batch sizes offered: powers of 2, then the whole training set (188 rows: full batch).
BATCH_SIZES = (4, 8, 16, 32, 64, 188)


def _dropdown(description, options, value):
    return W.Dropdown(options=options, value=value, description=description,
                      style={"description_width": "9em"}, layout=W.Layout(width="32em"))


class TrainingExplorer(Explorer):
    """Mini-batch SGD on Engel's data, one setting at a time, many seeds at once.

    Parameters
    ----------
    data : lrlab.data.Dataset, optional
        The data (``engel()`` by default: 188 training rows, 47 held out).
    schedule : str
        One of :data:`lrlab.training.SCHEDULE_KINDS`.
    peak : float
        The peak rate (the first rate, or the rate after the warmup).
    batch_size : int
        One of :data:`BATCH_SIZES` below the training set's size, or that size ("full batch").
    seeds : int
        How many shuffling seeds (``0 .. seeds - 1``) run together, 1 to 1000.

    Attributes
    ----------
    controls : dict
        ``"schedule"``, ``"peak"``, ``"epochs"``, ``"batch_size"``.
    result : lrlab.training.SeedRuns
        The runs shown.

    Examples
    --------
    >>> explorer = TrainingExplorer(schedule="cosine + warmup", peak=0.8, batch_size=4)
    >>> explorer.summary["diverged"], explorer.summary["steps"]
    (0, 940)
    >>> explorer.controls["peak"].value = 1.0
    >>> explorer.text.split("; ")[1]
    '20 of 20 seeds diverged, the first at update 105'
    """

    def __init__(self, data=None, schedule="constant", peak=0.056, epochs=20, batch_size=16,
                 seeds=20, title=None, figsize=(8.4, 4.1)):
        self.data = data if data is not None else engel()
        self.seeds = range(check_int("seeds", seeds, lo=1, hi=1000))
        n = self.data.n_train
        sizes = tuple(b for b in BATCH_SIZES if b < n) + (n,)
        check_choice("schedule", schedule, SCHEDULE_KINDS)
        check_choice("batch_size", batch_size, sizes)
        max_epochs, lo, hi = 40, 1e-3, 3.0
        check_int("epochs", epochs, lo=1, hi=max_epochs)
        check_number("peak", peak, lo=lo, hi=hi)
        options = [(f"{b} (full batch)" if b == n else str(b), b) for b in sizes]
        controls = {
            "schedule": _dropdown("schedule", list(SCHEDULE_KINDS), schedule),
            "peak": log_slider("peak rate", peak, lo, hi),
            "epochs": slider(W.IntSlider, "epochs", value=epochs, min=1, max=max_epochs),
            "batch_size": _dropdown("batch size", options, batch_size),
        }
        with style_context():
            fig = Figure(figsize=figsize, layout="constrained")
            ax_data, ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.1])
            self.lines_panel = SeedLinesPanel(ax_data, self.data, seeds=len(self.seeds))
            panel_title(ax_data, "where each seed's line ends")
            # no legend: the title says what is drawn (a legend would be redrawn, slowly,
            # whenever the update axis changes)
            # against the epoch, on a fixed axis of every epoch the slider offers: a new batch
            # size lands where the data have been seen as often, a longer run reaches further,
            # and no move redraws the axis
            self.loss_panel = HeldLossPanel(ax_loss, per="epoch")
            ax_loss.set_xlim(0, max_epochs)
            panel_title(ax_loss, f"held-out loss of the {len(self.seeds)} seeds\n"
                        "line: median, band: 10%-90%", y=1.035, linespacing=1.25)
        self.result = None
        super().__init__(controls, fig, title=title)

    def settings(self, values=None):
        """The runs for a set of control values (the current ones by default)."""
        v = self.values if values is None else values
        return train_seeds(self.data, v["schedule"], v["peak"], v["epochs"], v["batch_size"],
                           seeds=self.seeds)

    def redraw(self, values):
        result = self.settings(values)
        self.result = result
        self.lines_panel.update(result)
        self.loss_panel.update(result)
        return summarize_seeds(result)

    @property
    def text(self):
        """The readout as plain text (:func:`lrlab.training.describe_seeds`)."""
        return describe_seeds(self.summary)
