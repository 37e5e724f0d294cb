"""The sliders of the explorers: a slider over a fixed list of numbers, and its factories.

Every number an explorer lets a student set is a :class:`LadderSlider`: the
page holds and sends its position (an index), so a value set from code is
exactly what the slider shows and what the explorer draws. :func:`log_slider`
makes one for rates (the "nice" numbers a lesson names), :func:`slider` one
for anything else (a ``FloatSlider`` becomes a linear ladder of exact decimals).

>>> s = log_slider("learning rate", 0.2, 1e-3, 2.0)
>>> s.value, 0.19 in s.positions, s.nearest(0.1234)
(0.2, True, 0.123)
"""

from __future__ import annotations

import bisect
import decimal
import math

import ipywidgets as W
from traitlets import TraitError, validate

from .._checks import check_number

__all__ = ["LadderSlider", "NotAPosition", "linear_values", "log_slider", "nice_values",
           "slider"]


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
        self.label = self.options[self.index][0]

    @property
    def _values(self):
        """The positions offered now (from ipywidgets' public ``options``: label, value pairs)."""
        return tuple(v for _, v in self.options)

    @property
    def min(self):
        """The first position."""
        return self._values[0]

    @property
    def max(self):
        """The last position."""
        return self._values[-1]

    @property
    def positions(self):
        """Every position, increasing."""
        return list(self._values)

    def limit(self, hi):
        """Offer only the positions up to ``hi`` (of those it was built with); all if ``None``.

        A value above ``hi`` moves down to the last position offered.
        """
        options = [(label, v) for label, v in self._ladder if hi is None or v <= hi]
        if tuple(v for _, v in options) == tuple(self._values):
            return
        value = self.value if hi is None or self.value <= hi else options[-1][1]
        self.options = options
        self.value = value

    def nearest(self, x):
        """The position nearest ``x`` (the end for ``x`` beyond it)."""
        values = self._values
        i = bisect.bisect_left(values, float(x))
        near = values[max(i - 1, 0):i + 1]
        return min(near, key=lambda v: abs(v - x))

    @validate("value")
    def _validate_value(self, proposal):
        value = proposal.value
        values = self._values
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
