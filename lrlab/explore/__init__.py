"""Explorers: a figure with sliders under it that reruns the math on every move.

:class:`Explorer` (in :mod:`lrlab.explore.base`) is the whole technique: the
controls, one ``redraw`` that asks the math for a run and moves the figure's
lines with ``set_data``, and the readout under the figure. Each topic module
holds the explorers of its notebooks, named as in :mod:`lrlab.plot`; none
holds a formula (the runs come from :mod:`lrlab.descent` and friends).

==============  ================================================================
module          explorers
==============  ================================================================
``one_d``       notebooks 00-03: DescentExplorer, RateAndDecayExplorer,
                RegimeExplorer, BasinsExplorer
``schedules``   notebook 04: GalleryExplorer
``noise``       notebook 05: NoiseScheduleExplorer
``two_d``       notebook 06: BowlExplorer, LandscapeExplorer
``momentum``    notebook 07: HeavyBallExplorer, RaceExplorer
``model``       notebook 08: TrainingExplorer
``base``        what they share: Explorer, LadderSlider and the slider factories
``canvas``      the live canvas (ipympl) and how frames reach the page
==============  ================================================================

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from lrlab.explore import DescentExplorer
>>> explorer = DescentExplorer(lr=0.5)
>>> explorer.values["lr"], explorer.run.w[:3].tolist()
(0.5, [5.0, -1.0, -1.0])
"""

from .base import Explorer, LadderSlider
from .model import TrainingExplorer
from .momentum import HeavyBallExplorer, RaceExplorer
from .noise import NoiseScheduleExplorer
from .one_d import BasinsExplorer, DescentExplorer, RateAndDecayExplorer, RegimeExplorer
from .schedules import GalleryExplorer
from .two_d import BowlExplorer, LandscapeExplorer

__all__ = [
    "Explorer", "LadderSlider",
    "DescentExplorer", "RateAndDecayExplorer", "RegimeExplorer", "BasinsExplorer",
    "GalleryExplorer", "NoiseScheduleExplorer", "BowlExplorer", "LandscapeExplorer",
    "HeavyBallExplorer", "RaceExplorer", "TrainingExplorer",
]
