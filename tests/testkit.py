"""Helpers that several test files share (pytest puts ``tests/`` on the path)."""

from __future__ import annotations

import pytest

from lrlab import Quadratic, exponential_decay


def check_message(call, kind, message, prefix_ends=("got ",)):
    """``call()`` raises ``kind`` with the text ``message``.

    A ``message`` ending in one of ``prefix_ends`` need only start the text: the
    rest shows an array's entry as numpy prints it (``np.float64(0.0)``).
    """
    with pytest.raises(kind) as err:
        call()
    text = str(err.value)
    assert text == message or (message.endswith(prefix_ends) and text.startswith(message)), (
        f"{text!r} is not {message!r}"
    )


def torch_case(case):
    """``(problem, lr, steps)`` of a case of ``tests/reference/*_torch.json``: its quadratic,
    its rate (a number, or for ``gamma`` torch's ExponentialLR stepped once per update,
    which is ``exponential_decay`` with ``decay_steps`` 1) and its number of steps."""
    lr = case["lr"]
    if case["gamma"] is not None:
        lr = exponential_decay(lr, 1, case["gamma"])
    return Quadratic(case["a"], case["center"]), lr, len(case["w"]) - 1
