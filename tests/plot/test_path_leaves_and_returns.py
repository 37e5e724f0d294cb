"""A run that leaves the window and comes back is drawn as such, and the readout agrees.

Notebook 03's explorer at lr 1.18, decay 0.825 every 21 steps (staircase),
195 steps: the first rates overshoot far out of the window, the decayed ones
bring ``w`` back to the minimum. The expected steps come from an independent
run of :func:`lrlab.gradient_descent` and numpy, not from the panels.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ipympl")

from lrlab import blog_post_problem, exponential_decay, gradient_descent  # noqa: E402
from lrlab.explore.one_d import DescentExplorer  # noqa: E402

XLIM = (-4.0, 6.5)


def make():
    return DescentExplorer(controls=("lr", "decay_rate", "decay_steps", "staircase", "steps"),
                           lr=1.18, decay_rate=0.825, decay_steps=21, staircase=True,
                           steps=195, max_steps=300, lr_range=(0.01, 3.0), xlim=XLIM)


def test_the_path_leaves_comes_back_and_ends_on_a_star():
    run = gradient_descent(blog_post_problem(), 5.0, exponential_decay(1.18, 21, 0.825,
                                                                  staircase=True), 195)
    w = np.asarray(run.w, dtype=np.float64)
    out = np.flatnonzero((w < XLIM[0]) | (w > XLIM[1]))
    assert out.size and out[-1] < 195                   # it does leave, and comes back
    e = make()
    panel = e.path_panel
    assert e.summary["status"] == "converged" and e.text.startswith("converges")
    np.testing.assert_array_equal(panel.end.get_data()[0], [w[-1]])      # the end star
    assert panel.exit_text.get_text() == (f"left the plot at step {out[0]},\n"
                                          f"back at step {out[-1] + 1}")
    assert len(panel.path.get_data()[0]) == panel.max_points + 1          # drawn on, not cut
    loss = np.asarray(run.loss, dtype=np.float64)
    drawn = e.loss_panel.lines[0].get_data()[1]
    assert len(drawn) == len(loss) and not e.loss_panel.crosses[0].get_data()[0]
    above = np.flatnonzero(loss > e.loss_panel.ylim[1])
    assert e.loss_panel.note.get_text() == (f"off the scale\nfrom step {above[0]} "
                                            f"to {above[-1]}")


def test_a_run_that_never_comes_back_is_still_cut_where_it_left():
    e = make()
    e.controls["decay_rate"].value = 0.99                # the rate stays above the limit
    assert e.summary["status"] == "diverged"
    assert len(e.path_panel.end.get_data()[0]) == 0
    assert e.path_panel.exit_text.get_text().startswith("left the plot at step ")
    assert "back" not in e.path_panel.exit_text.get_text()
