"""The readout under an explorer's figure, as a student reads it at a glance.

``explorer.text`` (what cells print) stays exact for the lesson's checks; the
page shows :func:`for_people` of it.
"""

from __future__ import annotations

import re

__all__ = ["PEOPLE_ZERO", "for_people"]

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
