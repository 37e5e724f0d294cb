"""Helpers of notebook 03 (exponential decay), against independent computations.

Expected values come from closed forms written out here, from plain loops
over the update rule, or from TensorFlow's own output (tests/data), never
from the code under test.
"""

import json
import math
from pathlib import Path

import matplotlib
import numpy as np
import pytest

from lrlab import Quadratic, blog_post_problem, exponential_decay, gradient_descent, theory
from lrlab.summary import blog_post_log, describe, printed_numbers, summarize

matplotlib.use("Agg")

DATA = Path(__file__).parent / "data"
PARABOLA = blog_post_problem()  # (w + 1)^2: L = 2, minimum -1


def error_ratio_by_loop(L, lr0, rate, k=1, staircase=False, steps=20000):
    """|e_t / e_0| at every step, by multiplying the factors one by one."""
    ratios = [1.0]
    e = 1.0
    for t in range(steps):
        p = t // k if staircase else t / k
        e *= 1.0 - L * lr0 * rate**p
        ratios.append(abs(e))
    return np.array(ratios)


def outcome_by_loop(L, lr0, rate, k=1, staircase=False, tol=1e-6, blowup=1e3):
    r = error_ratio_by_loop(L, lr0, rate, k, staircase)
    if r.max() > blowup:
        return "diverges"
    return "converges" if r[-1] <= tol else "freezes short"


# ---------------------------------------------------------------- decay_outcome

@pytest.mark.parametrize("lr0, rate", [
    (0.2, 0.5), (0.2, 0.8), (0.2, 0.9), (0.2, 0.95), (0.2, 0.99), (0.05, 0.99),
    (0.3, 0.97), (1.5, 0.9), (3.0, 0.95), (5.0, 0.6), (0.01, 0.7), (2.0, 0.5),
])
def test_decay_outcome_matches_a_plain_loop(lr0, rate):
    assert theory.decay_outcome(PARABOLA, lr0, rate) == outcome_by_loop(2.0, lr0, rate)


@pytest.mark.parametrize("k, staircase", [(10, True), (10, False), (3, True)])
def test_decay_outcome_with_decay_steps(k, staircase):
    for lr0, rate in [(0.2, 0.5), (0.2, 0.95), (0.05, 0.9), (3.0, 0.9)]:
        got = theory.decay_outcome(PARABOLA, lr0, rate, decay_steps=k, staircase=staircase)
        assert got == outcome_by_loop(2.0, lr0, rate, k, staircase), (lr0, rate)


def test_decay_outcome_agrees_with_gradient_descent():
    # "diverges" is what gradient_descent calls diverged (loss over 1e6 x start);
    # otherwise the distance left after the rates have died out decides.
    for lr0, rate in [(3.0, 0.95), (0.2, 0.95), (0.2, 0.99), (1.5, 0.6)]:
        run = gradient_descent(PARABOLA, 5.0, exponential_decay(lr0, 1, rate), 3000)
        label = theory.decay_outcome(PARABOLA, lr0, rate)
        assert (str(run.status) == "diverged") == (label == "diverges")
        if label != "diverges":
            left = abs(float(run.w[-1]) + 1) / 6
            assert (left <= 1e-6) == (label == "converges")


def test_decay_outcome_broadcasts_over_a_grid():
    lrs, rates = np.array([0.2, 3.0]), np.array([0.8, 0.95, 0.99])
    grid = theory.decay_outcome(PARABOLA, lrs[None, :], rates[:, None])
    assert grid.shape == (3, 2)
    for i, r in enumerate(rates):
        for j, lr0 in enumerate(lrs):
            assert grid[i, j] == outcome_by_loop(2.0, lr0, r)


def test_decay_outcome_uses_the_stiffest_and_slowest_directions():
    bowl = Quadratic([0.5, 5.0])  # L = 1 and 10
    # lr0 = 0.5: the stiff direction multiplies its error by |1 - 5| = 4 at first
    expected = "diverges" if outcome_by_loop(10.0, 0.5, 0.95) == "diverges" else None
    assert theory.decay_outcome(bowl, 0.5, 0.95) == expected
    # lr0 = 0.02: both stay small; the flat direction (L = 1) freezes far short
    flat, stiff = outcome_by_loop(1.0, 0.02, 0.9), outcome_by_loop(10.0, 0.02, 0.9)
    assert (flat, stiff) == ("freezes short", "freezes short")
    assert theory.decay_outcome(bowl, 0.02, 0.9) == "freezes short"


def test_decay_outcome_rejects_a_rate_of_one():
    with pytest.raises(ValueError, match="decay_rate"):
        theory.decay_outcome(PARABOLA, 0.2, 1.0)


# ---------------------------------------------------------------- underflow_step

def first_zero_ieee32(lr0, rate, limit=5000):
    """First step where the numpy float32 scalar product (gradual underflow) is 0."""
    f = np.float32
    with np.errstate(under="ignore"):
        for t in range(limit):
            if f(lr0) * (f(rate) ** f(t)) == 0:
                return t
    return None


def test_underflow_step_against_the_float32_schedule():
    # flush to zero: the TensorFlow float32 schedule of lrlab.schedules
    rates = exponential_decay(0.2, 1, 0.95, staircase=True, dtype=np.float32)(np.arange(2500))
    first = int(np.argmax(rates == 0))
    assert first == theory.underflow_step(0.2, 0.95) == 1672
    assert rates[first - 1] > 0 and np.all(rates[first:] == 0)
    # IEEE gradual underflow, by numpy scalar arithmetic
    assert theory.underflow_step(0.2, 0.95, flush=False) == first_zero_ieee32(0.2, 0.95) == 1996


def test_underflow_step_closed_form_by_hand():
    # 0.5 * 0.5^p < tiny = 2^-126  <=>  p > 125, so the first p is 126
    assert theory.underflow_step(0.5, 0.5) == 126
    # staircase with 4 steps per stair: stair 126 starts at step 504
    assert theory.underflow_step(0.5, 0.5, decay_steps=4, staircase=True) == 504
    # continuous with 4 steps: t / 4 > 125, first t = 501
    assert theory.underflow_step(0.5, 0.5, decay_steps=4) == 501
    # float64, IEEE: 0.75 * 2^-p is below 2^-1075 (half the smallest subnormal)
    # once p > 1075 - log2(1 / 0.75) = 1074.58, so from p = 1075
    assert theory.underflow_step(0.75, 0.5, flush=False, dtype=np.float64) == 1075
    assert 0.75 * 0.5**1074 > 0 and 0.75 * 0.5**1075 == 0


# ---------------------------------------------------------------- blog_post_log

def test_blog_post_log_reproduces_every_number_tensorflow_printed():
    sched = exponential_decay(0.2, 1, 0.95, staircase=True, dtype=np.float32)
    run = gradient_descent(blog_post_problem(), 5.0, sched, 100, dtype=np.float32)
    ours = blog_post_log(run, sched)
    theirs = (DATA / "tf1-output.txt").read_text(encoding="utf-8").splitlines()
    assert len(ours) == len(theirs) == 200
    for a, b in zip(ours, theirs, strict=True):
        assert printed_numbers(a) == printed_numbers(b)


def test_blog_post_log_values_by_hand():
    sched = exponential_decay(0.2, 1, 0.95, dtype=np.float32)
    run = gradient_descent(blog_post_problem(), 5.0, sched, 2, dtype=np.float32)
    lines = blog_post_log(run, sched)
    # w1 = 5 - 0.2 * 12 = 2.6; then w2 = 2.6 - 0.19 * 7.2 = 1.232; lr at step 2 = 0.1805
    assert lines[0] == "update 0, global_step 1"
    assert printed_numbers(lines[3])[0] == "0.1805"
    assert printed_numbers(lines[3])[2] == str(np.float32(1.232))
    assert printed_numbers(lines[1])[2] == "2.6"


def test_printed_numbers():
    assert printed_numbers("a 1 b -2.5e-07 c .5 d 3.") == ["1", "-2.5e-07", ".5", "3."]
    assert printed_numbers("no numbers") == []


# ---------------------------------------------------------------- summary

def test_summary_names_the_outcome():
    # a finite total of rates never reaches the minimum: "converges" is a tolerance label
    for lr0, rate, outcome, verb in [
            (0.2, 0.95, "freezes short", "for ever it freezes at w = -0.999272"),
            (1.5, 0.9, "converges", "for ever it freezes 4.6e-09 from the minimum, within "
                                    "1e-06 of the start's error"),
            (0.2, 0.99, "converges", "closer to the minimum than float64 can show")]:
        sched = exponential_decay(lr0, 1, rate)
        s = summarize(gradient_descent(PARABOLA, 5.0, sched, 100), lr=sched)
        assert s["outcome"] == outcome
        text = describe(s)
        assert text.startswith(outcome + ":") and verb in text and "reaches" not in text
    # independent: 6 * prod |1 - 2 lr_t| for lr_t = 1.5 * 0.9^t
    sched = exponential_decay(1.5, 1, 0.9)
    s = summarize(gradient_descent(PARABOLA, 5.0, sched, 10), lr=sched)
    assert s["freeze_error"] == pytest.approx(
        6 * abs(math.prod(1 - 3.0 * 0.9**t for t in range(3000))), rel=1e-6)
    sched = exponential_decay(3.0, 1, 0.95)
    s = summarize(gradient_descent(PARABOLA, 5.0, sched, 100), lr=sched)
    assert describe(s).startswith("diverges: diverged at step")


# ---------------------------------------------------------------- figures

def test_staircase_vs_continuous_errors():
    from lrlab.plot import staircase_vs_continuous

    fig, axes, runs = staircase_vs_continuous(PARABOLA, 5.0, 0.2, 0.95, (1, 10), 50)
    assert axes.shape == (2, 2)
    stair, cont = runs[10]
    # error after 50 steps by hand: 6 * prod (1 - 0.4 * 0.95^p)
    e_stair = 6 * math.prod(1 - 0.4 * 0.95 ** (t // 10) for t in range(50))
    e_cont = 6 * math.prod(1 - 0.4 * 0.95 ** (t / 10) for t in range(50))
    assert float(stair.w[-1]) + 1 == pytest.approx(e_stair, rel=1e-9)
    assert float(cont.w[-1]) + 1 == pytest.approx(e_cont, rel=1e-9)
    assert f"{e_stair:.1e}" == "1.0e-09" and f"{e_cont:.1e}" == "1.9e-09"
    assert np.array_equal(runs[1][0].w, runs[1][1].w)


def test_freeze_grid_marks_the_freeze_point():
    from lrlab.plot import freeze_grid

    fig, axes, runs = freeze_grid(PARABOLA, 5.0, 0.2, [0.5, 0.8], 60, (-3.0, 6.0))
    expected = [-1 + 6 * math.prod(1 - 0.4 * r**t for t in range(2000)) for r in (0.5, 0.8)]
    for j, value in enumerate(expected):
        x = axes[0, j].lines[-1].get_xdata()[0]
        assert x == pytest.approx(value, rel=1e-12)


def test_outcome_map_labels():
    from lrlab.plot import outcome_map

    lrs, rates = np.array([0.05, 0.2, 3.0]), np.array([0.6, 0.95, 0.99])
    fig, ax, labels = outcome_map(PARABOLA, lrs, rates, points=[(0.2, 0.95, "the blog post")])
    for i, r in enumerate(rates):
        for j, lr0 in enumerate(lrs):
            assert labels[i, j] == outcome_by_loop(2.0, lr0, r)


def test_float32_limits_matches_tensorflow_bits():
    from lrlab.plot import float32_limits

    sched = exponential_decay(0.2, 1, 0.95, staircase=True, dtype=np.float32)
    fig, axes, (run32, run64) = float32_limits(PARABOLA, 5.0, sched, 400)
    record = json.loads((DATA / "tf1-long-run.json").read_text())
    tf_w = np.array([int(h, 16) for h in record["w"][:401]], dtype=np.uint32).view(np.float32)
    assert np.array_equal(run32.w, tf_w)
    # w stops changing at step 180: the first t with w[t + 1] == w[t] in TensorFlow's run
    assert int(run32.status_step) == int(np.argmax(tf_w[1:] == tf_w[:-1])) == 180


# ---------------------------------------------------------------- explorer

def test_decay_explorer_rate_panel_follows_lr0():
    from lrlab.explore.one_d import DescentExplorer

    ex = DescentExplorer(controls=("lr", "decay_rate", "decay_steps", "staircase", "steps"),
                         steps=100)
    # the top of the rate panel: the first 1, 2 or 5 x 10^k above the starting rate
    for lr0, top in [(0.05, 0.1), (0.03, 0.05), (0.15, 0.2), (0.4, 0.5), (0.9, 1.0)]:
        ex.controls["lr"].value = lr0
        assert ex.rate_panel.ax.get_ylim() == pytest.approx((0.0, top), rel=1e-12), lr0
    ex.controls["decay_rate"].value = 0.99
    ex.controls["lr"].value = 0.2
    assert ex.text.startswith("converges:")


def test_decay_explorer_draws_the_freeze_point():
    from lrlab.explore.one_d import DescentExplorer

    ex = DescentExplorer(controls=("lr", "decay_rate"), decay_rate=0.8, steps=50)
    # independent: -1 + 6 * prod (1 - 0.4 * 0.8^t), and its loss (w + 1)^2
    frozen = -1 + 6 * math.prod(1 - 0.4 * 0.8**t for t in range(2000))
    path_line, loss_line = ex.freeze_lines
    assert path_line.get_xdata()[0] == pytest.approx(frozen, rel=1e-12)
    assert loss_line.get_ydata()[0] == pytest.approx((frozen + 1) ** 2, rel=1e-10)
    ex.controls["decay_rate"].value = 0.99
    ex.controls["lr"].value = 1.9      # diverges: no freeze point drawn
    assert outcome_by_loop(2.0, 1.9, 0.99) == "diverges"
    assert ex.text.startswith("diverges:")
    assert len(path_line.get_xdata()) == 0
    ex.controls["lr"].value = 0.2      # reaches -1: loss 0, not drawn on the log axis
    assert path_line.get_xdata()[0] == pytest.approx(-1.0, abs=1e-12)
