r"""The learning-rate range test: raise the rate over one short run and read the loss.

Smith (2015, "Cyclical Learning Rates for Training Neural Networks",
arXiv:1506.01186) proposed running training once, for a few epochs, while the
learning rate climbs from a tiny value to a large one, and reading good rates
off the curve of the result against the rate. Smith raised the rate linearly
and read the accuracy; the common form today (fastai's ``lr_find``, PyTorch
Lightning's ``lr_find``) raises it **geometrically**, so that every decade of
rates gets the same number of updates, and reads the **loss**. That is the
form here (:func:`geometric_ramp`). The loss recorded after update ``t`` is
paired with the rate that update used.
Three readings come off the curve (:func:`read_curve`):

- ``lr_best``: the rate at the lowest loss;
- ``lr_explode``: the first rate after which the loss is more than ``blowup``
  times the lowest loss seen so far (4, the stopping rule of fastai's
  ``lr_find``), or not finite: the rate at which the run blows up;
- ``suggested_lr``: ``lr_explode / 10``, one decade below the blow-up: a
  cautious rule of thumb for a first constant rate (and a safe peak for a
  decaying schedule), not a law.

>>> from lrlab.data import engel
>>> test = range_test(engel().problem(batch_size=16), [0.0, 0.0], steps=100)
>>> float(test.lr[0]), round(float(test.lr[-1]), 9)
(0.001, 10.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_array, check_int, check_number, scalar_or_array
from .descent import Trajectory, gradient_descent
from .schedules import exponential_decay, rates

__all__ = ["geometric_ramp", "read_curve", "RangeTest", "range_test"]


def geometric_ramp(lr_min, lr_max, steps):
    r"""The range test's schedule: from ``lr_min`` at step 0 to ``lr_max`` at step ``steps - 1``.

    Used in notebooks/08-a-real-model.ipynb, section '4 · The learning-rate range test', through
    range_test.

    .. math::

        \mathrm{lr}_t = \mathrm{lr}_{\min}\,
        \Bigl(\frac{\mathrm{lr}_{\max}}{\mathrm{lr}_{\min}}\Bigr)^{t/(\mathrm{steps}-1)}

    The same factor at every update, so as many updates between 0.01 and 0.1 as
    between 0.1 and 1: ``exponential_decay(lr_min, steps - 1, lr_max / lr_min)``,
    a "decay" whose rate is above 1.

    Parameters
    ----------
    lr_min, lr_max : float
        First and last rate, ``0 < lr_min < lr_max``.
    steps : int
        Number of updates, >= 2.

    Examples
    --------
    >>> ramp = geometric_ramp(0.01, 1.0, steps=5)
    >>> ramp([0, 1, 2, 3, 4]).round(6).tolist()        # x sqrt(10) per update
    [0.01, 0.031623, 0.1, 0.316228, 1.0]
    """
    lr_min = check_number("lr_min", lr_min, lo=0, lo_open=True)
    lr_max = check_number("lr_max", lr_max, lo=lr_min, lo_open=True)
    steps = check_int("steps", steps, lo=2)
    return exponential_decay(lr_min, steps - 1, lr_max / lr_min)


def read_curve(lr, loss, start_loss, blowup=4.0, factor=10.0):
    """Read the three rates off a range test's curve.

    Used in notebooks/08-a-real-model.ipynb, section '4 · The learning-rate range test', through
    range_test.

    Parameters
    ----------
    lr : array_like, shape (T,)
        The rate of each update, increasing.
    loss : array_like, shape (T, *batch)
        The loss after each update (one column per run for a batch of runs);
        NaN or inf once a run has diverged.
    start_loss : float or array_like, shape batch
        The loss before the first update.
    blowup : float, default 4.0
        The run has blown up at the first update whose loss is above
        ``blowup`` times the lowest loss so far (``start_loss`` included), > 1.
    factor : float, default 10.0
        ``suggested_lr = lr_explode / factor``, > 0.

    Returns
    -------
    lr_best, lr_explode, suggested_lr : float or ndarray of shape batch
        ``lr_best`` is the rate at the lowest finite loss; ``lr_explode`` the
        rate of the first update with ``loss[t] > blowup * min(start_loss,
        loss[0], ..., loss[t])`` or a non-finite loss; NaN if that never
        happens within the test (the test did not go high enough), and then
        so is ``suggested_lr``.

    Examples
    --------
    A loss that falls, bottoms out at the third rate, and is more than four
    times that low point at the fifth:

    >>> read_curve([0.01, 0.1, 1.0, 10.0, 100.0], [0.9, 0.5, 0.2, 0.6, 3.0], start_loss=1.0)
    (1.0, 100.0, 10.0)
    """
    lr = check_array("lr", lr, ndim=1, lo=0, lo_open=True)
    loss = np.asarray(loss, dtype=np.float64)
    if loss.ndim < 1 or loss.shape[0] != lr.shape[0]:
        raise ValueError(f"loss must have one row per rate ({lr.shape[0]}), got shape {loss.shape}")
    blowup = check_number("blowup", blowup, lo=1, lo_open=True)
    factor = check_number("factor", factor, lo=0, lo_open=True)
    start = np.broadcast_to(check_array("start_loss", start_loss, lo=0), loss.shape[1:])
    finite = np.isfinite(loss)
    clean = np.where(finite, loss, np.inf)
    best = np.argmin(clean, axis=0)
    lowest = np.minimum(np.minimum.accumulate(clean, axis=0), start)
    bad = ~finite | (loss > blowup * lowest)
    blown = bad.any(axis=0)
    first_bad = np.argmax(bad, axis=0)
    lr_best = lr[best]
    lr_explode = np.where(blown, lr[first_bad], np.nan)
    suggested = lr_explode / factor
    if loss.ndim == 1:
        return float(lr_best), float(lr_explode), float(suggested)
    return lr_best, lr_explode, suggested


@dataclass(frozen=True)
class RangeTest:
    """The result of :func:`range_test`.

    What range_test returns; used in notebooks/08-a-real-model.ipynb,
    section '4 · The learning-rate range test'.

    Attributes
    ----------
    lr : ndarray, shape (steps,)
        The rate of each update.
    loss : ndarray, shape (steps, *batch)
        The (full training) loss after each update.
    start_loss : float or ndarray
        The loss before the first update.
    lr_best, lr_explode, suggested_lr : float or ndarray
        The readings of :func:`read_curve`.
    run : Trajectory
        The whole run.
    """

    lr: np.ndarray
    loss: np.ndarray
    start_loss: object
    lr_best: object
    lr_explode: object
    suggested_lr: object
    run: Trajectory

    @property
    def steps(self):
        return self.lr.shape[0]


def range_test(problem, w0, lr_min=1e-3, lr_max=10.0, steps=100, blowup=4.0, factor=10.0):
    """Run the learning-rate range test on ``problem`` and read its curve.

    Taught in notebooks/08-a-real-model.ipynb, section '4 · The learning-rate range test'.

    Runs :func:`lrlab.gradient_descent` from ``w0`` for ``steps`` updates
    with the :func:`geometric_ramp` from ``lr_min`` to ``lr_max`` and reads
    the curve with :func:`read_curve`. The loss recorded is the problem's
    ``loss``, which for mini-batch least squares is the loss on the whole
    training set (smoother than the loss of the batch just used).

    Parameters
    ----------
    problem : Problem
        For instance ``LeastSquares(..., batch_size=16)``, or
        :class:`lrlab.data.ManySeeds` to test several shuffling seeds at once
        (with ``w0`` of shape ``(seeds, d)``).
    w0 : array_like
        Start point (or a batch of start points).
    lr_min, lr_max : float, default 1e-3 and 10.0
        The ramp's ends.
    steps : int, default 100
        Length of the test, in updates (a few epochs is typical).
    blowup, factor : float, default 4.0 and 10.0
        How :func:`read_curve` reads the curve.

    Examples
    --------
    >>> from lrlab import Quadratic
    >>> test = range_test(Quadratic(1.0), 1.0, lr_min=0.01, lr_max=100.0, steps=40)
    >>> bool(1.0 < test.lr_explode < 2.0)      # this bowl diverges for lr > 1/a = 1
    True
    """
    ramp = geometric_ramp(lr_min, lr_max, steps)
    run = gradient_descent(problem, w0, ramp, steps)
    lr = rates(ramp, steps)
    loss = run.loss[1:]
    start = run.loss[0]
    lr_best, lr_explode, suggested = read_curve(lr, loss, start, blowup=blowup, factor=factor)
    start = scalar_or_array(start)
    return RangeTest(lr=lr, loss=loss, start_loss=start, lr_best=lr_best,
                     lr_explode=lr_explode, suggested_lr=suggested, run=run)
