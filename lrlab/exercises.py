"""Predict, then check: small checkers for the notebooks' exercises.

A student writes a prediction into a variable (left as ``None`` until they
answer), and a checker compares it with the reference answer, which the
notebook computes with lrlab (never a typed-in literal). The result prints
as one line of feedback: right, or a hint pointing at the idea missed.
An unanswered exercise prints a reminder and raises nothing, so the notebook
still runs top to bottom.

>>> from lrlab import critical_lr, seed_problem
>>> check_number(1.0, critical_lr(seed_problem()), hint="Where does |1 - 2a lr| reach 1?")
Right: 1 (the reference is 1).
>>> check_number(None, 1.0)
Not answered yet: replace None with your prediction and run the cell again.
"""

from __future__ import annotations

import html
import math
import numbers
import re

import numpy as np

from ._checks import check_number as _check_number

__all__ = ["Feedback", "Solution", "check_number", "check_choice", "solution"]

_UNANSWERED = "Not answered yet: replace None with your prediction and run the cell again."


class Feedback:
    """The verdict on one answer: ``correct`` (True, False, or None if unanswered) and a message."""

    def __init__(self, correct, message):
        self.correct = correct
        self.message = message

    def __bool__(self):
        return bool(self.correct)

    def __repr__(self):
        return self.message

    def _repr_html_(self):
        color = {True: "#009E73", False: "#D55E00"}.get(self.correct, "#555555")
        mark = {True: "&#10004;", False: "&#10008;"}.get(self.correct, "&#8230;")
        return f'<p style="color:{color};font-size:1.1em">{mark} {self.message}</p>'


def _fmt(x):
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def check_number(answer, expected, rel=0.05, abs_tol=0.0, hint=None):
    """Compare a numeric prediction with the reference, within a tolerance.

    Parameters
    ----------
    answer : float or None
        The student's prediction (``None``: not answered yet).
    expected : float
        The reference, computed by lrlab in the notebook (``inf`` allowed:
        then only ``inf`` is right).
    rel, abs_tol : float
        Accepted relative and absolute error (right if either holds).
    hint : str, optional
        Shown when the answer is wrong, after whether it was too high or low.

    Returns
    -------
    Feedback
    """
    if isinstance(expected, bool) or not isinstance(expected, (numbers.Real, np.floating)):
        raise TypeError(f"expected must be a number, got {expected!r}")
    rel = _check_number("rel", rel, lo=0)
    abs_tol = _check_number("abs_tol", abs_tol, lo=0)
    expected = float(expected)
    if answer is None:
        return Feedback(None, _UNANSWERED)
    if isinstance(answer, bool) or not isinstance(answer, (numbers.Real, np.floating)):
        return Feedback(False, f"Your answer should be a number, got {answer!r}.")
    answer = float(answer)
    if math.isinf(expected) or math.isnan(answer):
        ok = answer == expected
    else:
        ok = math.isclose(answer, expected, rel_tol=rel, abs_tol=abs_tol)
    if ok:
        return Feedback(True, f"Right: {_fmt(answer)} (the reference is {_fmt(expected)}).")
    side = "too high" if answer > expected else "too low"
    message = f"Not quite: {_fmt(answer)} is {side}."
    if hint:
        message += f" Hint: {hint}"
    return Feedback(False, message)


def check_choice(answer, expected, choices, hints=None):
    """Compare a choice (one of ``choices``) with the reference choice.

    ``hints`` maps a wrong choice to the hint that addresses that mistake.

    >>> check_choice("diverges", "oscillates", ["creeps", "oscillates", "diverges"],
    ...              hints={"diverges": "Is |1 - 2a lr| above 1 or below it?"})
    Not quite: not "diverges". Hint: Is |1 - 2a lr| above 1 or below it?
    """
    choices = list(choices)
    if expected not in choices:
        raise ValueError(f"expected must be one of {choices}, got {expected!r}")
    if answer is None:
        return Feedback(None, _UNANSWERED)
    if answer not in choices:
        listed = ", ".join(repr(c) for c in choices)
        return Feedback(False, f"Choose one of {listed}; got {answer!r}.")
    if answer == expected:
        return Feedback(True, f'Right: "{answer}".')
    message = f'Not quite: not "{answer}".'
    hint = (hints or {}).get(answer)
    if hint:
        message += f" Hint: {hint}"
    return Feedback(False, message)


SOLUTION_SUMMARY = "Solution (open it once you have checked your prediction)"


class Solution:
    """A worked solution that stays folded until the student opens it.

    Shown as HTML ``<details>``, which every notebook frontend folds (JupyterLab,
    Notebook 7, VS Code, Colab, GitHub, nbviewer, nbconvert's HTML and Voila), so the
    numbers inside are not on screen until asked for. The plain-text form, which no
    frontend shows when HTML is there, holds the same words: nbval compares it, so the
    numbers a solution states are checked like every other printed number.

    The text is written like a markdown paragraph: blank lines separate paragraphs,
    ``**bold**`` and ```code``` work, and lines that start with four spaces are shown
    as a code block (a computation and what it printed).
    """

    def __init__(self, text, summary=SOLUTION_SUMMARY):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"text must be a non-empty string, got {text!r}")
        if not isinstance(summary, str) or not summary.strip():
            raise ValueError(f"summary must be a non-empty string, got {summary!r}")
        self.text = _dedent(text)
        self.summary = summary

    def __repr__(self):
        return f"{self.summary}\n\n{self.text}"

    def _repr_html_(self):
        blocks = []
        for block in re.split(r"\n\s*\n", self.text):
            lines = block.split("\n")
            if all(line.startswith("    ") for line in lines):
                code = "\n".join(line[4:] for line in lines)
                blocks.append(f"<pre>{html.escape(code)}</pre>")
            else:
                blocks.append(f"<p>{_inline_html(block)}</p>")
        body = "\n".join(blocks)
        return (
            '<details class="lrlab-solution">'
            f"<summary><b>{html.escape(self.summary)}</b></summary>\n{body}\n</details>"
        )


def solution(text, summary=SOLUTION_SUMMARY):
    """Fold a worked solution: ``solution(f"... {n} steps ...")`` as a cell's last line.

    >>> solution("At lr = 0.1 the factor is 0.8, so **31 steps**.")
    Solution (open it once you have checked your prediction)
    <BLANKLINE>
    At lr = 0.1 the factor is 0.8, so **31 steps**.
    >>> print(solution("q = `1 - 2a lr`")._repr_html_())  # doctest: +NORMALIZE_WHITESPACE
    <details class="lrlab-solution"><summary><b>Solution (open it once you have checked
    your prediction)</b></summary> <p>q = <code>1 - 2a lr</code></p> </details>
    """
    return Solution(text, summary)


def _dedent(text):
    lines = text.strip("\n").split("\n")
    indents = [len(x) - len(x.lstrip(" ")) for x in lines if x.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(x[cut:] for x in lines).strip()


def _inline_html(text):
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)
    return out.replace("\n", " ")
