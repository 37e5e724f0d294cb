"""Explorers: a figure with sliders under it that reruns the math on every move.

:class:`Explorer` (in :mod:`lrlab.explore.base`) is the whole technique: the
controls, one ``redraw`` that asks the math for a run and moves the figure's
lines with ``set_data``, and the readout under the figure. Each topic module
holds the explorers of its notebooks, named as in :mod:`lrlab.plot`; none
holds a formula (the runs come from :mod:`lrlab.descent` and friends).

>>> from lrlab.explore import DescentExplorer
>>> explorer = DescentExplorer(lr=0.5)              # a cell shows it as its last expression
>>> explorer.controls["lr"].value = 1.2             # what the slider does, from code
>>> explorer.text.split(";")[0]
'divergent: diverged at step 21 of 30 (loss 4.9e+07)'

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
``base``        what they share: Explorer (controls -> redraw -> draw)
``sliders``     LadderSlider and the slider factories
``readout``     the readout's wording for people
``canvas``      the canvas (ipympl's widget) and how frames reach the page
``_layers``     which artists move, drawn over the background in order
``_private``    every private attribute of matplotlib used, behind a check
==============  ================================================================
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
