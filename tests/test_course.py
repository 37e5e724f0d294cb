"""The exercise checkers against answers a novice really types.

Every verdict and message below is written by hand (the reference values are
round numbers whose tolerance bands are easy to do in one's head), never
computed by the checker under test.
"""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from lrlab.course import Solution, check_choice, check_choices, check_number, solution

INF = float("inf")
NAN = float("nan")
UNANSWERED = "Not answered yet: replace None with your prediction and run the cell again."

# (answer, expected, keyword arguments, verdict, the message's start)
NUMBERS = [
    (None, 3.8, {}, None, UNANSWERED),
    (3.8, 3.8, {}, True, "Right: 3.8 (the reference is 3.8)."),
    (4.5, 3.8, {}, False, "Not quite: 4.5 is too high."),
    (3.0, 3.8, {}, False, "Not quite: 3 is too low."),
    (3, 3.8, {"hint": "Subtract."}, False, "Not quite: 3 is too low. Hint: Subtract."),
    # the default tolerance is 5 % relative: 3.8 +- 0.19
    (3.98, 3.8, {}, True, "Right: 3.98"),
    (4.0, 3.8, {}, False, "Not quite: 4 is too high."),
    (3.62, 3.8, {}, True, "Right: 3.62"),
    (3.6, 3.8, {}, False, "Not quite: 3.6 is too low."),
    # relative tolerance alone: 100 +- 10
    (109, 100, {"rel": 0.1, "abs_tol": 0}, True, "Right: 109"),
    (111, 100, {"rel": 0.1, "abs_tol": 0}, False, "Not quite: 111 is too high."),
    (89, 100, {"rel": 0.1, "abs_tol": 0}, False, "Not quite: 89 is too low."),
    # absolute tolerance alone: 100 +- 2 (a relative 0.1 would accept 102.5 and 97.5)
    (101.5, 100, {"rel": 0, "abs_tol": 2}, True, "Right: 101.5"),
    (102.5, 100, {"rel": 0, "abs_tol": 2}, False, "Not quite: 102.5 is too high."),
    (97.5, 100, {"rel": 0, "abs_tol": 2}, False, "Not quite: 97.5 is too low."),
    # an exact count: rel=0 and abs_tol=0
    (31, 31, {"rel": 0}, True, "Right: 31 (the reference is 31)."),
    (30, 31, {"rel": 0}, False, "Not quite: 30 is too low."),
    # why: said when right, never when wrong
    (3.8, 3.8, {"why": "0.1 x 12 = 1.2."}, True,
     "Right: 3.8 (the reference is 3.8). Why: 0.1 x 12 = 1.2."),
    # infinities
    (INF, INF, {}, True, "Right: inf (the reference is inf)."),
    (-INF, INF, {}, False, "Not quite: -inf is too low."),
    (1e300, INF, {}, False, "Not quite: 1e+300 is too low."),
    (INF, 3.8, {}, False, "Not quite: inf is too high; the answer is a finite number."),
    (-INF, 3.8, {}, False, "Not quite: -inf is too low; the answer is a finite number."),
    # not a number at all
    (NAN, 3.8, {}, False, "Your answer is nan (not a number)"),
    (np.float32("nan"), 3.8, {}, False, "Your answer is nan (not a number)"),
    (True, 1.0, {}, False, "True is a yes/no value, not a number"),
    (np.bool_(False), 0.0, {}, False, "False is a yes/no value, not a number"),
    ("3.8", 3.8, {}, False, "Remove the quotes: write 3.8, not '3.8'"),
    (" 31 ", 31, {}, False, "Remove the quotes: write 31, not ' 31 '"),
    ("about four", 3.8, {}, False, "Your answer should be a number, got the text 'about four'"),
    ([3.8], 3.8, {}, False, "Your answer is a list of 1 item; give one number."),
    ((3.8, 4.0), 3.8, {}, False, "Your answer is a tuple of 2 items; give one number."),
    (np.array([3.8, 4.0]), 3.8, {}, False, "Your answer is an array of 2 numbers"),
    (3.8 + 0j, 3.8, {}, False, "(3.8+0j) is a complex number; give a real number"),
    ({"w": 3.8}, 3.8, {}, False, "Your answer is a dict of 1 item"),
    (object, 3.8, {}, False, "Your answer should be a number, got <class 'object'>"),
    # other spellings of one real number
    (np.array(3.8), 3.8, {}, True, "Right: 3.8"),
    (np.array([3.8]), 3.8, {}, True, "Right: 3.8"),
    (np.array([[31]]), 31, {"rel": 0}, True, "Right: 31"),
    (np.float32(3.8), 3.8, {}, True, "Right: 3.8"),
    (np.int64(31), 31, {"rel": 0}, True, "Right: 31"),
    (Decimal("3.8"), 3.8, {}, True, "Right: 3.8"),
    (Decimal("4.5"), 3.8, {}, False, "Not quite: 4.5 is too high."),
    (Fraction(19, 5), 3.8, {}, True, "Right: 3.8"),
    (Fraction(1, 3), 3.8, {}, False, "Not quite: 0.333333 is too low."),
]


@pytest.mark.parametrize("answer, expected, kwargs, verdict, message", NUMBERS)
def test_check_number(answer, expected, kwargs, verdict, message):
    feedback = check_number(answer, expected, **kwargs)
    assert feedback.correct is verdict
    assert feedback.message.startswith(message), feedback.message
    if verdict is not True:
        assert "Why:" not in feedback.message


REGIMES = ["too small", "monotone", "oscillating", "divergent"]
RATES = [0.03, 0.5, 0.9, 1.05]
HINTS = {"divergent": "Is |q| above 1?", 0.9: "Where does the first step land?"}

# (answer, expected, choices, verdict, the message)
CHOICES = [
    (None, "oscillating", REGIMES, None, UNANSWERED),
    ("oscillating", "oscillating", REGIMES, True, 'Right: "oscillating".'),
    (" Oscillating", "oscillating", REGIMES, True, 'Right: "oscillating".'),
    ("OSCILLATING  ", "oscillating", REGIMES, True, 'Right: "oscillating".'),
    ("too  Small", "too small", REGIMES, True, 'Right: "too small".'),
    ('"monotone"', "monotone", REGIMES, True, 'Right: "monotone".'),
    (np.array(["monotone"]), "monotone", REGIMES, True, 'Right: "monotone".'),
    ("divergent", "oscillating", REGIMES, False,
     'Not quite: not "divergent". Hint: Is |q| above 1?'),
    ("Monotone", "oscillating", REGIMES, False, 'Not quite: not "monotone".'),
    ("zigzag", "oscillating", REGIMES, False,
     "Choose one of 'too small', 'monotone', 'oscillating', 'divergent'; got 'zigzag'."),
    (3, "oscillating", REGIMES, False,
     "Choose one of 'too small', 'monotone', 'oscillating', 'divergent' (with the quotes); got 3."),
    (True, "oscillating", REGIMES, False,
     "True is a yes/no value; choose one of 'too small', 'monotone', 'oscillating', 'divergent'."),
    (["oscillating"], "oscillating", REGIMES, False,
     "Choose one of 'too small', 'monotone', 'oscillating', 'divergent' (with the quotes); "
     "got ['oscillating']."),
    (0.5, 0.5, RATES, True, "Right: 0.5."),
    (np.float64(0.5), 0.5, RATES, True, "Right: 0.5."),
    (np.array([0.5]), 0.5, RATES, True, "Right: 0.5."),
    (Decimal("0.5"), 0.5, RATES, True, "Right: 0.5."),
    (Fraction(1, 2), 0.5, RATES, True, "Right: 0.5."),
    (0.9, 0.5, RATES, False, "Not quite: not 0.9. Hint: Where does the first step land?"),
    (0.03, 0.5, RATES, False, "Not quite: not 0.03."),
    ("0.5", 0.5, RATES, False,
     "Remove the quotes: write 0.5, not '0.5' (in quotes it is text, not a number)."),
    ("0.9 ", 0.5, RATES, False,
     "Remove the quotes: write 0.9, not '0.9 ' (in quotes it is text, not a number)."),
    (0.7, 0.5, RATES, False, "Choose one of 0.03, 0.5, 0.9, 1.05; got 0.7."),
    (NAN, 0.5, RATES, False, "Choose one of 0.03, 0.5, 0.9, 1.05; got nan."),
    (True, 0.5, RATES, False, "True is a yes/no value; choose one of 0.03, 0.5, 0.9, 1.05."),
    ("half", 0.5, RATES, False, "Choose one of 0.03, 0.5, 0.9, 1.05; got 'half'."),
    (np.array([0.5, 0.9]), 0.5, RATES, False, "Choose one of 0.03, 0.5, 0.9, 1.05; got array"),
]


@pytest.mark.parametrize("answer, expected, choices, verdict, message", CHOICES)
def test_check_choice(answer, expected, choices, verdict, message):
    feedback = check_choice(answer, expected, choices, hints=HINTS)
    assert feedback.correct is verdict
    assert feedback.message.startswith(message), feedback.message


def test_why_is_said_only_when_right():
    why = "q = -0.4: it lands across the bottom, each jump shorter."
    right = check_choice("oscillating", "oscillating", REGIMES, why=why)
    wrong = check_choice("monotone", "oscillating", REGIMES, why=why)
    assert right.message == f'Right: "oscillating". Why: {why}'
    assert wrong.message == 'Not quite: not "monotone".'
    assert check_number(None, 1.0, why=why).message == UNANSWERED


def test_feedback_renders_as_html():
    html = check_number(3.8, 3.8)._repr_html_()
    assert html.startswith('<p style="color:#009E73') and "Right: 3.8" in html


@pytest.mark.parametrize("expected", [True, "3.8", None, NAN, [3.8]])
def test_check_number_rejects_a_bad_reference(expected):
    with pytest.raises((TypeError, ValueError), match="expected must be a number"):
        check_number(3.8, expected)


CURVES = ["too small", "good", "on the edge", "too large"]

# (answers, verdict, message): the reference is ["on the edge", "too small", "too large", "good"]
SEVERAL = [
    (None, None, UNANSWERED),
    (["on the edge", "too small", "too large", "good"], True,
     'A: Right: "on the edge".\nB: Right: "too small".\nC: Right: "too large".\n'
     'D: Right: "good".\nWhy: the slope says it.'),
    ((" On the edge", "TOO SMALL", "too large", "good"), True, 'A: Right: "on the edge".'),
    (["good", "too small", "too large", "on the edge"], False,
     'A: Not quite: not "good".\nB: Right: "too small".\nC: Right: "too large".\n'
     'D: Not quite: not "on the edge".'),
    (["on the edge", None, "too large", "good"], None,
     f'A: Right: "on the edge".\nB: {UNANSWERED}\nC: Right: "too large".\nD: Right: "good".'),
    (["on the edge", "too small", "too large"], False,
     "Give a list of 4 answers, one for each of A, B, C, D in that order, e.g. "
     "['too small', 'good', 'on the edge', 'too large']."),
    ("on the edge", False, "Give a list of 4 answers"),
    (["on the edge", "slow", "too large", "good"], False,
     "A: Right: \"on the edge\".\nB: Choose one of 'too small', 'good', 'on the edge', "
     "'too large'; got 'slow'."),
]


@pytest.mark.parametrize("answers, verdict, message", SEVERAL)
def test_check_choices(answers, verdict, message):
    from lrlab.course import check_choices

    feedback = check_choices(answers, ["on the edge", "too small", "too large", "good"], CURVES,
                             labels="ABCD", why="the slope says it.")
    assert feedback.correct is verdict
    assert feedback.message.startswith(message), feedback.message
    if verdict is not True:
        assert "Why:" not in feedback.message


# Whole messages, word for word (the rows above check how each one starts).
WHOLE_MESSAGES = [
    (True, "True is a yes/no value, not a number: write a number (for example 3.8)."),
    ("3.8", "Remove the quotes: write 3.8, not '3.8' (in quotes it is text, not a number)."),
    ("about four", "Your answer should be a number, got the text 'about four': "
                   "write a number such as 3.8."),
    (np.array([3.8, 4.0]), "Your answer is an array of 2 numbers; give one number "
                           "(for example the last one: arr[-1])."),
    (3.8 + 0j, "(3.8+0j) is a complex number; give a real number (no j part)."),
    (10**400, "1" + "0" * 400 + " is too large to compare; give a smaller number."),
    (object, "Your answer should be a number, got <class 'object'> (a type)."),
    (NAN, "Your answer is nan (not a number): the computation that made it went wrong "
          "somewhere (0/0, or inf - inf?). Write a number."),
]


@pytest.mark.parametrize("answer, message", WHOLE_MESSAGES)
def test_check_number_whole_messages(answer, message):
    feedback = check_number(answer, 3.8)
    assert feedback.correct is False
    assert feedback.message == message


@pytest.mark.parametrize("name, kwargs", [("rel", {"rel": -0.1}), ("abs_tol", {"abs_tol": -0.1})])
def test_check_number_rejects_a_negative_tolerance(name, kwargs):
    with pytest.raises(ValueError, match=rf"^{name} must be a finite number >= 0, got -0\.1$"):
        check_number(3.8, 3.8, **kwargs)


def test_check_number_names_a_nan_reference():
    with pytest.raises(ValueError, match=r"^expected must be a number, got nan$"):
        check_number(3.8, NAN)


# (answer, expected, choices, the whole message): more kinds of choice list
MORE_CHOICES = [
    # whole numbers are shown as typed, not as floats
    (3, 3, [3, 7], "Right: 3."),
    (1234567, 1234567, [1234567, 7], "Right: 1234567."),
    # yes/no choices
    (True, True, [False, True], "Right: True."),
    (np.bool_(False), True, [False, True], "Not quite: not False."),
    (True, 0, [0, 1], "True is a yes/no value; choose one of 0, 1."),
    # text and numbers mixed: a number is matched, no quotes asked for
    (0.5, 0.5, ["creeps", 0.5], "Right: 0.5."),
    # a number in quotes that is not among the numbers: no "remove the quotes"
    ("0.7", 0.5, RATES, "Choose one of 0.03, 0.5, 0.9, 1.05; got '0.7'."),
    ("3", "monotone", REGIMES,
     "Choose one of 'too small', 'monotone', 'oscillating', 'divergent'; got '3'."),
    # only spaces and quotes around the text are forgiven, not other letters
    ("monotoneX", "monotone", REGIMES,
     "Choose one of 'too small', 'monotone', 'oscillating', 'divergent'; got 'monotoneX'."),
]


@pytest.mark.parametrize("answer, expected, choices, message", MORE_CHOICES)
def test_check_choice_more_kinds(answer, expected, choices, message):
    feedback = check_choice(answer, expected, choices)
    assert feedback.correct is message.startswith("Right")
    assert feedback.message == message


def test_check_choice_rejects_a_reference_not_among_the_choices():
    with pytest.raises(ValueError, match=r"^expected must be one of \['a', 'b'\], got 'c'$"):
        check_choice("a", "c", ["a", "b"])


def test_check_choices_numbers_its_answers_by_default():
    feedback = check_choices(["slow", "fast", "slow"], ["slow", "fast", "fast"], ["slow", "fast"],
                             hints={"slow": "Look again."})
    assert feedback.correct is False
    assert feedback.message == ('1: Right: "slow".\n2: Right: "fast".\n'
                                '3: Not quite: not "slow". Hint: Look again.')


def test_check_choices_takes_an_array():
    feedback = check_choices(np.array(["slow", "fast"]), ["slow", "fast"], ["slow", "fast"])
    assert feedback.correct is True
    assert feedback.message == '1: Right: "slow".\n2: Right: "fast".'


def test_check_choices_rejects_labels_of_another_length():
    with pytest.raises(ValueError, match=r"^labels must name the 2 answers, got 3$"):
        check_choices(["slow", "fast"], ["slow", "fast"], ["slow", "fast"], labels="ABC")


def test_feedback_truth_and_html():
    right, wrong, unanswered = check_number(1, 1), check_number(2, 1), check_number(None, 1)
    assert bool(right) is True and bool(wrong) is False and bool(unanswered) is False
    assert right._repr_html_() == (
        '<p style="color:#009E73;font-size:1.1em">&#10004; Right: 1 (the reference is 1).</p>')
    assert wrong._repr_html_() == (
        '<p style="color:#D55E00;font-size:1.1em">&#10008; Not quite: 2 is too high.</p>')
    assert unanswered._repr_html_() == (
        f'<p style="color:#555555;font-size:1.1em">&#8230; {UNANSWERED}</p>')
    two_lines = check_choices(["a", "b"], ["a", "a"], ["a", "b"])
    assert two_lines._repr_html_() == (
        '<p style="color:#D55E00;font-size:1.1em">&#10008; 1: Right: "a".<br>'
        '2: Not quite: not "b".</p>')


def test_solution_text_and_html():
    text = """
        At lr = 0.1 the factor is `1 - 2a lr` = 0.8 & shrinks
        the gap: **31 steps**.

            >>> steps(0.1)
            31

        X marks the spot X"""
    folded = solution(text, summary="Answer & why")
    assert folded.summary == "Answer & why"
    assert folded.text == ("At lr = 0.1 the factor is `1 - 2a lr` = 0.8 & shrinks\n"
                           "the gap: **31 steps**.\n\n"
                           "    >>> steps(0.1)\n    31\n\n"
                           "X marks the spot X")
    assert repr(folded) == f"Answer & why\n\n{folded.text}"
    assert folded._repr_html_() == (
        '<details class="lrlab-solution"><summary><b>Answer &amp; why</b></summary>\n'
        "<p>At lr = 0.1 the factor is <code>1 - 2a lr</code> = 0.8 &amp; shrinks "
        "the gap: <b>31 steps</b>.</p>\n"
        "<pre>&gt;&gt;&gt; steps(0.1)\n31</pre>\n"
        "<p>X marks the spot X</p>\n</details>")


def test_solution_keeps_inner_indentation_and_its_default_summary():
    folded = solution("\n    first\n      second\n")
    assert folded.text == "first\n  second"
    assert repr(folded) == ("Solution (open it once you have checked your prediction)\n\n"
                            "first\n  second")


@pytest.mark.parametrize("kwargs, name", [
    ({"text": "   "}, "text"), ({"text": 31}, "text"),
    ({"text": "31 steps", "summary": ""}, "summary"),
    ({"text": "31 steps", "summary": None}, "summary"),
])
def test_solution_rejects_empty_or_non_text(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name} must be a non-empty string, got "):
        Solution(**kwargs)
