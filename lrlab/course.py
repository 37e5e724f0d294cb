"""Predict, then check: small checkers for the notebooks' exercises.

A student writes a prediction into a variable (left as ``None`` until they
answer), and a checker compares it with the reference answer, which the
notebook computes with lrlab (never a typed-in literal). The result prints
as one line of feedback: right, or a hint pointing at the idea missed.
An unanswered exercise prints a reminder and raises nothing, so the notebook
still runs top to bottom.

>>> from lrlab import critical_lr, blog_post_problem
>>> check_number(1.0, critical_lr(blog_post_problem()), hint="Where does |1 - 2a lr| reach 1?")
Right: 1 (the reference is 1).
>>> check_number(None, 1.0)
Not answered yet: replace None with your prediction and run the cell again.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from decimal import Decimal

import numpy as np

from ._checks import check_number as _check_number

__all__ = ["Feedback", "Solution", "check_number", "check_choice", "check_choices", "solution"]

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
        message = self.message.replace("\n", "<br>")
        return f'<p style="color:{color};font-size:1.1em">{mark} {message}</p>'


def _fmt(x):
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def _with_why(message, why):
    return f"{message} Why: {why}" if why else message


class _Reject(Exception):
    """An answer that cannot be compared: its message says what to write instead."""


def _as_number(answer):
    """The student's answer as a float, or :class:`_Reject` with a kind message.

    Accepts Python and numpy numbers, ``Decimal``, ``Fraction`` and a single
    number inside an array; rejects what is not one real number.
    """
    if isinstance(answer, (bool, np.bool_)):
        raise _Reject(f"{answer} is a yes/no value, not a number: write a number "
                      "(for example 3.8).")
    if isinstance(answer, str):
        try:
            value = float(answer.strip())
        except ValueError:
            raise _Reject(f"Your answer should be a number, got the text {answer!r}: "
                          "write a number such as 3.8.") from None
        raise _Reject(f"Remove the quotes: write {_fmt(value)}, not {answer!r} "
                      "(in quotes it is text, not a number).")
    if isinstance(answer, np.ndarray):
        if answer.size != 1:
            raise _Reject(f"Your answer is an array of {answer.size} numbers; give one "
                          "number (for example the last one: arr[-1]).")
        return _as_number(answer.reshape(()).item())
    if isinstance(answer, (list, tuple, set, dict)):
        items = "item" if len(answer) == 1 else "items"
        raise _Reject(f"Your answer is a {type(answer).__name__} of {len(answer)} {items}; "
                      "give one number.")
    if isinstance(answer, (complex, np.complexfloating)):
        raise _Reject(f"{answer} is a complex number; give a real number "
                      "(no j part).")
    if isinstance(answer, (numbers.Real, np.floating, np.integer, Decimal)):
        try:
            return float(answer)
        except (OverflowError, ValueError):
            raise _Reject(f"{answer!r} is too large to compare; give a smaller "
                          "number.") from None
    raise _Reject(f"Your answer should be a number, got {answer!r} "
                  f"(a {type(answer).__name__}).")


def check_number(answer, expected, rel=0.05, abs_tol=0.0, hint=None, why=None):
    """Compare a numeric prediction with the reference, within a tolerance.

    Parameters
    ----------
    answer : float or None
        The student's prediction (``None``: not answered yet). Any real
        number is accepted (``int``, ``float``, numpy numbers, ``Decimal``,
        ``Fraction``, a one-number array); anything else (text, ``True``,
        a list, a complex number, ``nan``) gets a message saying what to write.
    expected : float
        The reference, computed by lrlab in the notebook (``inf`` allowed:
        then only ``inf`` is right).
    rel, abs_tol : float
        Accepted error relative to the reference, and absolute error (right if
        either holds: ``|answer - expected| <= max(rel |expected|, abs_tol)``).
    hint : str, optional
        Shown when the answer is wrong, after whether it was too high or low.
    why : str, optional
        One sentence saying why the reference is right, shown with a right answer.

    Returns
    -------
    Feedback

    >>> check_number(3.9, 3.8, why="The step is 0.1 x 12 = 1.2.")
    Right: 3.9 (the reference is 3.8). Why: The step is 0.1 x 12 = 1.2.
    >>> check_number("3.8", 3.8)
    Remove the quotes: write 3.8, not '3.8' (in quotes it is text, not a number).
    """
    if isinstance(expected, (bool, np.bool_)) or not isinstance(
            expected, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"expected must be a number, got {expected!r}")
    rel = _check_number("rel", rel, lo=0)
    abs_tol = _check_number("abs_tol", abs_tol, lo=0)
    expected = float(expected)
    if math.isnan(expected):
        raise ValueError("expected must be a number, got nan")
    if answer is None:
        return Feedback(None, _UNANSWERED)
    try:
        value = _as_number(answer)
    except _Reject as reject:
        return Feedback(False, str(reject))
    if math.isnan(value):
        return Feedback(False, "Your answer is nan (not a number): the computation that "
                               "made it went wrong somewhere (0/0, or inf - inf?). "
                               "Write a number.")
    if math.isinf(expected) or math.isinf(value):
        ok = value == expected
    else:
        ok = abs(value - expected) <= max(rel * abs(expected), abs_tol)
    if ok:
        return Feedback(True, _with_why(
            f"Right: {_fmt(value)} (the reference is {_fmt(expected)}).", why))
    side = "too high" if value > expected else "too low"
    message = f"Not quite: {_fmt(value)} is {side}."
    if math.isinf(value) and not math.isinf(expected):
        message = f"Not quite: {_fmt(value)} is {side}; the answer is a finite number."
    if hint:
        message += f" Hint: {hint}"
    return Feedback(False, message)


def _norm_text(text):
    return " ".join(text.strip().strip("\"'").split()).casefold()


def _match_choice(answer, choices):
    """The choice the answer names, or :class:`_Reject` with a kind message."""
    listed = ", ".join(repr(c) for c in choices)
    texts = [c for c in choices if isinstance(c, str)]
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.reshape(()).item()
    if isinstance(answer, str):
        for c in texts:
            if _norm_text(answer) == _norm_text(c):
                return c
        numeric = [c for c in choices if not isinstance(c, str)]
        try:
            value = float(answer.strip())
        except ValueError:
            value = None
        if value is not None and numeric and any(value == c for c in numeric):
            raise _Reject(f"Remove the quotes: write {_fmt(value)}, not {answer!r} "
                          "(in quotes it is text, not a number).")
        raise _Reject(f"Choose one of {listed}; got {answer!r}.")
    if isinstance(answer, (bool, np.bool_)):
        for c in choices:
            if isinstance(c, (bool, np.bool_)) and c == answer:
                return c
        raise _Reject(f"{answer} is a yes/no value; choose one of {listed}.")
    if texts and len(texts) == len(choices):
        raise _Reject(f"Choose one of {listed} (with the quotes); got {answer!r}.")
    try:
        value = _as_number(answer)
    except _Reject:
        raise _Reject(f"Choose one of {listed}; got {answer!r}.") from None
    for c in choices:
        if not isinstance(c, (str, bool, np.bool_)) and value == c:
            return c
    raise _Reject(f"Choose one of {listed}; got {_fmt(value)}.")


def check_choice(answer, expected, choices, hints=None, why=None):
    """Compare a choice (one of ``choices``) with the reference choice.

    ``hints`` maps a wrong choice to the hint that addresses that mistake;
    ``why`` is one sentence shown with a right answer. Text choices match
    whatever the case and spaces (``" Diverges"`` is ``"diverges"``); numeric
    choices match any number type, and a number in quotes is told to lose them.

    >>> check_choice("diverges", "oscillates", ["creeps", "oscillates", "diverges"],
    ...              hints={"diverges": "Is |1 - 2a lr| above 1 or below it?"})
    Not quite: not "diverges". Hint: Is |1 - 2a lr| above 1 or below it?
    >>> check_choice(" Oscillates", "oscillates", ["creeps", "oscillates"],
    ...              why="q = -0.4: each jump lands across the bottom, shorter.")
    Right: "oscillates". Why: q = -0.4: each jump lands across the bottom, shorter.
    """
    choices = list(choices)
    if expected not in choices:
        raise ValueError(f"expected must be one of {choices}, got {expected!r}")
    if answer is None:
        return Feedback(None, _UNANSWERED)
    try:
        chosen = _match_choice(answer, choices)
    except _Reject as reject:
        return Feedback(False, str(reject))
    shown = f'"{chosen}"' if isinstance(chosen, str) else _fmt(chosen)
    if chosen == expected:
        return Feedback(True, _with_why(f"Right: {shown}.", why))
    message = f"Not quite: not {shown}."
    hint = (hints or {}).get(chosen)
    if hint:
        message += f" Hint: {hint}"
    return Feedback(False, message)


def check_choices(answers, expected, choices, labels=None, hints=None, why=None):
    """Check several choices at once (one exercise, one prediction variable: a list).

    ``answers`` is the student's list, ``expected`` the reference list, both in
    the order of ``labels`` (default ``"1"``, ``"2"``, ...). Each item is judged
    by :func:`check_choice`; the verdict is right only if every item is.

    >>> check_choices(["fast", "Slow"], ["fast", "slow"], ["fast", "slow"], labels="AB")
    A: Right: "fast".
    B: Right: "slow".
    """
    expected = list(expected)
    labels = [str(x) for x in (labels or range(1, len(expected) + 1))]
    if len(labels) != len(expected):
        raise ValueError(f"labels must name the {len(expected)} answers, got {len(labels)}")
    if answers is None:
        return Feedback(None, _UNANSWERED)
    if isinstance(answers, np.ndarray):
        answers = answers.tolist()
    if not isinstance(answers, (list, tuple)) or len(answers) != len(expected):
        example = ", ".join(repr(c) for c in list(choices)[:len(expected)])
        return Feedback(False, f"Give a list of {len(expected)} answers, one for each of "
                               f"{', '.join(labels)} in that order, e.g. [{example}].")
    verdicts = [check_choice(a, e, choices, hints=hints)
                for a, e in zip(answers, expected, strict=True)]
    verdict = [v.correct for v in verdicts]
    right = False if False in verdict else (None if None in verdict else True)
    lines = [f"{label}: {v.message}" for label, v in zip(labels, verdicts, strict=True)]
    message = "\n".join(lines)
    if right and why:
        message += f"\nWhy: {why}"
    return Feedback(right, message)


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
