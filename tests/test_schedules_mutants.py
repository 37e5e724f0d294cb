"""lrlab.schedules at its edges: hand-computed rates at boundaries, and every argument's message.

Each expected rate is the docstring's formula evaluated by hand at a step
where a slip (``<`` for ``<=``, a hand-over one step late, a floor dropped)
would change it; the float32 rates are checked bit for bit against the same
formula in numpy float32 scalars. The message table checks that a bad
argument is named, with its allowed range, for every factory and dtype.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from testkit import check_message

import lrlab.schedules as S

f32 = np.float32
BIG64, BIG32 = "1.79769e+308", "3.40282e+38"
TINY64, TINY32 = "2.22507e-308", "1.17549e-38"


# --- exponential_decay: end_value, transition_begin, staircase ----------------------------------

def test_end_value_is_a_ceiling_when_the_rate_does_not_decay():
    # decay_rate 1 counts as growth (as in optax): end_value caps, it does not lift
    sched = S.exponential_decay(0.1, 10, 1.0, end_value=0.5)
    assert sched([0, 5, 100]).tolist() == [0.1, 0.1, 0.1]
    grow = S.exponential_decay(0.1, 1, 2.0, end_value=0.5)
    assert grow([0, 1, 2, 3, 10]).tolist() == [0.1, 0.2, 0.4, 0.5, 0.5]
    grow32 = S.exponential_decay(0.1, 1, 2.0, end_value=0.5, dtype=np.float32)
    assert grow32([2, 3]).tolist() == [float(f32(0.1) * f32(4)), float(f32(0.5))]


def test_end_value_is_a_floor_when_the_rate_decays():
    sched = S.exponential_decay(1.0, 1, 0.5, end_value=0.2)
    assert sched([0, 1, 2, 3, 9]).tolist() == [1.0, 0.5, 0.25, 0.2, 0.2]
    assert S.exponential_decay(1.0, 1, 0.5, end_value=0.0)(3) == 0.125


def test_transition_begin_holds_then_decays():
    sched = S.exponential_decay(0.8, 2, 0.25, transition_begin=3)
    # hold 0.8 up to step 3, then 0.8 * 0.25^((t - 3) / 2)
    assert sched([0, 2.5, 3, 4, 5, 7]).tolist() == [0.8, 0.8, 0.8, 0.4, 0.2, 0.05]
    stairs = S.exponential_decay(0.8, 2, 0.25, staircase=True, transition_begin=3)
    assert stairs([3, 4, 5, 6, 7]).tolist() == [0.8, 0.8, 0.2, 0.2, 0.05]


def test_float32_exponential_decay_is_computed_in_float32():
    sched = S.exponential_decay(0.3, 3, 0.7, dtype=np.float32)
    for t in (0, 1, 5, 7, 40):
        p = f32(t) / f32(3)
        expected = f32(0.3) * (f32(0.7) ** p)
        assert sched(t) == float(expected), t
    stairs = S.exponential_decay(0.3, 3, 0.7, staircase=True, dtype=np.float32)
    assert stairs([2, 3, 5, 6]).tolist() == [float(f32(0.3)), float(f32(0.3) * f32(0.7))] * 1 + [
        float(f32(0.3) * f32(0.7)), float(f32(0.3) * (f32(0.7) * f32(0.7)))]


def test_growth_saturates_instead_of_overflowing():
    assert S.exponential_decay(1.0, 1, 10.0)(400) == np.finfo(np.float64).max
    assert S.exponential_decay(1.0, 1, 10.0, dtype=np.float32)(50) == float(np.finfo(f32).max)
    assert S.step_decay(1.0, 1, 10.0)(400) == np.finfo(np.float64).max


# --- linear_warmup: the hand-over at step W ------------------------------------------------------

def test_warmup_hands_over_exactly_at_its_length():
    # at step W the wrapped schedule starts: s(0) exactly, not start + (s(0) - start),
    # which rounds to 0.8999999999999999 for these numbers
    assert 0.2 + (0.9 - 0.2) != 0.9
    sched = S.linear_warmup(S.constant(0.9), 10, start_lr=0.2)
    assert sched(10) == 0.9
    assert sched([0, 5, 9.5, 10, 11]).tolist() == [0.2, 0.55, pytest.approx(0.865), 0.9, 0.9]
    decay = S.linear_warmup(S.exponential_decay(0.9, 1, 0.5), 4, start_lr=0.2)
    assert decay([4, 5, 6]).tolist() == [0.9, 0.45, 0.225]


def test_warmup_in_float32():
    sched = S.linear_warmup(S.constant(0.9, dtype=np.float32), 4, start_lr=0.1,
                            dtype=np.float32)
    rise = f32(0.9) - f32(0.1)
    assert sched([1, 2]).tolist() == [float(f32(0.1) + rise * (f32(1) / f32(4))),
                                      float(f32(0.1) + rise * (f32(2) / f32(4)))]
    assert sched(4) == float(f32(0.9))


# --- the other factories at their edges ---------------------------------------------------

def test_inverse_time_decay_by_hand():
    sched = S.inverse_time_decay(0.6, 4, 0.5)
    assert sched([0, 4, 6, 8]).tolist() == pytest.approx([0.6, 0.4, 0.6 / 1.75, 0.3], rel=1e-15)
    stairs = S.inverse_time_decay(0.6, 4, 0.5, staircase=True)
    assert stairs([3, 4, 7, 8]).tolist() == pytest.approx([0.6, 0.4, 0.4, 0.3], rel=1e-15)
    assert S.inverse_time_decay(0.6, 4, 0.0)(100) == 0.6


def test_polynomial_decay_by_hand():
    sched = S.polynomial_decay(1.0, 10, end_lr=0.1, power=2.0)
    # (1 - 0.1) (1 - t / 10)^2 + 0.1
    assert sched([0, 5, 10, 20]).tolist() == [1.0, pytest.approx(0.325), 0.1, 0.1]
    cyc = S.polynomial_decay(1.0, 10, end_lr=0.0, cycle=True)
    # the period grows to cover the step: ceil(t / 10) * 10
    assert cyc([0, 5, 10, 15, 20]).tolist() == [1.0, 0.5, 0.0, 0.25, 0.0]


def test_piecewise_constant_switch_sides():
    after = S.piecewise_constant([5, 10], [1.0, 0.5, 0.25])
    assert after([4, 5, 6, 10, 11]).tolist() == [1.0, 1.0, 0.5, 0.5, 0.25]
    at = S.piecewise_constant([5, 10], [1.0, 0.5, 0.25], switch="at")
    assert at([4, 5, 6, 10, 11]).tolist() == [1.0, 0.5, 0.5, 0.25, 0.25]


def test_step_and_multistep_by_hand():
    assert S.step_decay(0.8, 3, 0.5)([2, 3, 5, 6]).tolist() == [0.8, 0.4, 0.4, 0.2]
    assert S.step_decay(0.8, 3)(3) == pytest.approx(0.08)                  # gamma 0.1
    multi = S.multistep_decay(0.8, [7, 3], 0.5)                            # sorted: 3, 7
    assert multi([2, 3, 6, 7, 100]).tolist() == [0.8, 0.4, 0.4, 0.2, 0.2]
    assert S.multistep_decay(0.8, [3])(3) == pytest.approx(0.08)
    # a milestone given twice drops twice, as in PyTorch's MultiStepLR
    assert S.multistep_decay(0.8, [3, 3], 0.5)([2, 3]).tolist() == [0.8, 0.2]


def test_cosine_decay_by_hand():
    sched = S.cosine_decay(1.0, 10, alpha=0.2, exponent=2.0)
    # (1 - 0.2) ((1 + cos(pi t / 10)) / 2)^2 + 0.2
    half = (1 + math.cos(math.pi * 0.3)) / 2
    assert sched(3) == pytest.approx(0.8 * half**2 + 0.2, rel=1e-15)
    assert sched([0, 10, 20]).tolist() == [1.0, 0.2, 0.2]


def test_cosine_decay_restarts_by_hand():
    sched = S.cosine_decay_restarts(1.0, 4, t_mul=2.0, m_mul=0.5, alpha=0.1)
    # periods [0, 4), [4, 12), [12, 28); peaks 1, 0.5, 0.25; alpha 0.1 not scaled
    def rate(i, x):
        return 0.9 * 0.5**i * (1 + math.cos(math.pi * x)) / 2 + 0.1
    for t, (i, x) in {0: (0, 0), 2: (0, 0.5), 4: (1, 0), 8: (1, 0.5), 12: (2, 0),
                      20: (2, 0.5)}.items():
        assert sched(t) == pytest.approx(rate(i, x), rel=1e-14), t
    same = S.cosine_decay_restarts(1.0, 4, t_mul=1.0)
    assert same([0, 2, 4, 6, 8]).tolist() == pytest.approx([1.0, 0.5, 1.0, 0.5, 1.0])


def test_one_cycle_three_phases_by_hand():
    sched = S.one_cycle(1.0, 20, pct_start=0.25, div_factor=4.0, final_div_factor=10.0,
                        anneal="linear", three_phase=True)
    # peak at 0.25 * 20 - 1 = 4, back at 2 * 0.25 * 20 - 2 = 8, minimum at 19
    assert sched([0, 4, 8, 19, 30]).tolist() == pytest.approx([0.25, 1.0, 0.25, 0.025, 0.025])
    assert sched(2) == pytest.approx(0.625)
    assert sched(6) == pytest.approx(0.625)
    cos = S.one_cycle(1.0, 11, pct_start=0.5, div_factor=4.0, final_div_factor=10.0)
    # halfway up the cosine phase (step 2.25 of 4.5) the rate is halfway: 0.625
    assert cos(2.25) == pytest.approx(0.625, rel=1e-12)
    zero = S.one_cycle(1.0, 10, pct_start=0.1, div_factor=4.0, anneal="linear")
    # the rise ends at 0.1 * 10 - 1 = 0, where it begins: a phase of zero length, at its
    # end (the peak) at step 0
    assert zero(0) == 1.0


def test_join_schedules_boundaries():
    sched = S.join_schedules([S.constant(1.0), S.exponential_decay(0.5, 1, 0.5),
                              S.constant(0.01)], [3, 5])
    assert sched([2, 3, 4, 5, 9]).tolist() == [1.0, 0.5, 0.25, 0.01, 0.01]


# --- steps ---------------------------------------------------------------------------------------

def test_steps_forms_and_shapes():
    sched = S.exponential_decay(1.0, 1, 0.5)
    assert isinstance(sched(1), float) and sched(1) == 0.5
    assert sched(np.float32(2)) == 0.25
    zero_d = sched(np.array(2))
    assert isinstance(zero_d, np.ndarray) and zero_d.shape == () and zero_d == 0.25
    assert sched([[0, 1], [2, 3]]).tolist() == [[1.0, 0.5], [0.25, 0.125]]
    assert sched([]).shape == (0,) and sched([]).dtype == np.float64
    assert sched([1, 2.0]).tolist() == [0.5, 0.25]
    assert sched(np.array([1, 2], dtype=object)).tolist() == [0.5, 0.25]
    assert S.constant(0.1, dtype=np.float32)(1e39) == float(f32(0.1))   # step past float32


# --- every argument's message -------------------------------------------------------------------

X = "x"
ONE = S.constant(0.1)


def rng(lo, hi):
    return f">= {lo} and <= {hi}"


@pytest.mark.parametrize("call,kind,message", [
    (lambda: S.constant(X), TypeError, f"lr must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.constant(X, dtype=np.float32), TypeError,
     f"lr must be a real number {rng(0, BIG32)}, got str 'x'"),
    (lambda: S.constant(0.1, dtype=np.int32), ValueError,
     "dtype must be np.float32 or np.float64, got int32"),
    (lambda: S.constant(0.1, dtype=","), TypeError,
     "dtype must be np.float32 or np.float64, got ','"),
    (lambda: S.exponential_decay(X, 1, 0.5), TypeError,
     f"initial_lr must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.exponential_decay(0.1, X, 0.5), TypeError,
     f"decay_steps must be a real number {rng(TINY64, BIG64)}, got str 'x'"),
    (lambda: S.exponential_decay(0.1, X, 0.5, dtype=np.float32), TypeError,
     f"decay_steps must be a real number {rng(TINY32, BIG32)}, got str 'x'"),
    (lambda: S.exponential_decay(0.1, 1, X), TypeError,
     f"decay_rate must be a real number {rng(TINY64, BIG64)}, got str 'x'"),
    (lambda: S.exponential_decay(0.1, 1, X, dtype=np.float32), TypeError,
     f"decay_rate must be a real number {rng(TINY32, BIG32)}, got str 'x'"),
    (lambda: S.exponential_decay(0.1, 1, 0.5, staircase=X), TypeError,
     "staircase must be True or False, got str 'x'"),
    (lambda: S.exponential_decay(0.1, 1, 0.5, transition_begin=X), TypeError,
     f"transition_begin must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.exponential_decay(0.1, 1, 0.5, end_value=X), TypeError,
     f"end_value must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.exponential_decay(0.1, 1, 0.5, end_value=X, dtype=np.float32), TypeError,
     f"end_value must be a real number {rng(0, BIG32)}, got str 'x'"),
    (lambda: S.inverse_time_decay(X, 1, 0.5), TypeError,
     f"initial_lr must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.inverse_time_decay(0.1, X, 0.5), TypeError,
     f"decay_steps must be a real number {rng(TINY64, BIG64)}, got str 'x'"),
    (lambda: S.inverse_time_decay(0.1, 1, X), TypeError,
     f"decay_rate must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.inverse_time_decay(0.1, 1, 0.5, staircase=X), TypeError,
     "staircase must be True or False, got str 'x'"),
    (lambda: S.polynomial_decay(X, 1), TypeError,
     f"initial_lr must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.polynomial_decay(0.1, X), TypeError,
     f"decay_steps must be a real number {rng(TINY64, BIG64)}, got str 'x'"),
    (lambda: S.polynomial_decay(0.1, 1, end_lr=X), TypeError,
     f"end_lr must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.polynomial_decay(0.1, 1, power=X), TypeError,
     "power must be a real number > 0, got str 'x'"),
    (lambda: S.polynomial_decay(0.1, 1, cycle=X), TypeError,
     "cycle must be True or False, got str 'x'"),
    (lambda: S.piecewise_constant(X, [0.1]), TypeError,
     "boundaries must be a list of numbers, got str 'x'"),
    (lambda: S.piecewise_constant(5, [0.1]), TypeError,
     "boundaries must be a list of numbers, got int 5"),
    (lambda: S.piecewise_constant([X], [0.1, 0.2]), TypeError,
     "boundaries[0] must be a real number >= 0, got str 'x'"),
    (lambda: S.piecewise_constant([1], [0.1, X]), TypeError,
     "values[1] must be a real number, got str 'x'"),
    (lambda: S.piecewise_constant([1], [0.1, -0.2]), ValueError,
     f"values[1] must be a finite number {rng(0, BIG64)}, got -0.2"),
    (lambda: S.piecewise_constant([1], [0.1]), ValueError,
     "values must have one more entry than boundaries (len(boundaries) + 1 = 2), got 1"),
    (lambda: S.piecewise_constant([2, 1], [0.1, 0.2, 0.3]), ValueError,
     "boundaries must be strictly increasing, got boundaries[0] = 2.0 and boundaries[1] = 1.0"),
    (lambda: S.piecewise_constant([1], [0.1, 0.2], switch="before"), ValueError,
     "switch must be one of 'after', 'at', got 'before'"),
    (lambda: S.step_decay(X, 1), TypeError,
     f"initial_lr must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.step_decay(0.1, X), TypeError,
     "step_size must be an integer >= 1 and <= 1e+15, got str 'x'"),
    (lambda: S.step_decay(0.1, 1, gamma=X), TypeError,
     f"gamma must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.multistep_decay(X, [1]), TypeError,
     f"initial_lr must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.multistep_decay(0.1, [X]), TypeError,
     "milestones[0] must be an integer >= 1 and <= 1e+15, got str 'x'"),
    (lambda: S.multistep_decay(0.1, [1], gamma=X), TypeError,
     f"gamma must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.cosine_decay(X, 1), TypeError,
     f"initial_lr must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.cosine_decay(0.1, X), TypeError,
     f"decay_steps must be a real number {rng(TINY64, BIG64)}, got str 'x'"),
    (lambda: S.cosine_decay(0.1, 1, alpha=X), TypeError,
     f"alpha must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.cosine_decay(0.1, 1, exponent=X), TypeError,
     "exponent must be a real number > 0, got str 'x'"),
    (lambda: S.cosine_decay_restarts(X, 1), TypeError,
     f"initial_lr must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.cosine_decay_restarts(0.1, X), TypeError,
     f"first_decay_steps must be a real number {rng(TINY64, BIG64)}, got str 'x'"),
    (lambda: S.cosine_decay_restarts(0.1, 1, t_mul=X), TypeError,
     f"t_mul must be a real number {rng(1, BIG64)}, got str 'x'"),
    (lambda: S.cosine_decay_restarts(0.1, 1, m_mul=X), TypeError,
     f"m_mul must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.cosine_decay_restarts(0.1, 1, alpha=X), TypeError,
     "alpha must be a real number >= 0 and <= 1, got str 'x'"),
    (lambda: S.linear_warmup(X, 1), TypeError,
     "schedule must be a schedule function (see lrlab.schedules), got str 'x'"),
    (lambda: S.linear_warmup(ONE, X), TypeError,
     f"warmup_steps must be a real number {rng(TINY64, BIG64)}, got str 'x'"),
    (lambda: S.linear_warmup(ONE, 1, start_lr=X), TypeError,
     f"start_lr must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.linear_warmup(lambda s: np.full(np.shape(s), -1.0), 5), ValueError,
     "schedule must be a schedule giving finite rates >= 0, got -1.0 at step 0"),
    (lambda: S.linear_warmup(lambda s: "x", 5), ValueError,
     "schedule must be a schedule giving one rate per step (see lrlab.schedules): "),
    (lambda: S.one_cycle(X, 10), TypeError,
     f"max_lr must be a real number {rng(0, BIG64)}, got str 'x'"),
    (lambda: S.one_cycle(1.0, X), TypeError,
     "total_steps must be an integer >= 1 and <= 1e+15, got str 'x'"),
    (lambda: S.one_cycle(1.0, 10, three_phase=X), TypeError,
     "three_phase must be True or False, got str 'x'"),
    (lambda: S.one_cycle(1.0, 10, pct_start=X), TypeError,
     "pct_start must be a real number >= 0 and <= 1, got str 'x'"),
    (lambda: S.one_cycle(1.0, 10, pct_start=X, three_phase=True), TypeError,
     "pct_start must be a real number >= 0 and <= 0.5, got str 'x'"),
    (lambda: S.one_cycle(1.0, 10, div_factor=X), TypeError,
     "div_factor must be a real number > 0, got str 'x'"),
    (lambda: S.one_cycle(1.0, 10, final_div_factor=X), TypeError,
     "final_div_factor must be a real number > 0, got str 'x'"),
    (lambda: S.one_cycle(1.0, 10, anneal="cosine"), ValueError,
     "anneal must be one of 'cos', 'linear', got 'cosine'"),
    (lambda: S.one_cycle(1.0, 10, div_factor=1e-310), ValueError,
     "div_factor is too small: the rate it gives, inf, overflows float64"),
    (lambda: S.one_cycle(1e30, 10, div_factor=1.0, final_div_factor=1e-10,
                         dtype=np.float32), ValueError,
     "final_div_factor is too small: the rate it gives, 1e+40, overflows float32"),
    (lambda: S.join_schedules(X, []), TypeError,
     "schedules must be a list of schedule functions, got 'x'"),
    (lambda: S.join_schedules([ONE, X], [1]), TypeError,
     "schedules[1] must be a schedule function (see lrlab.schedules), got str 'x'"),
    (lambda: S.join_schedules([], []), ValueError,
     "schedules must hold at least one schedule function, got none"),
    (lambda: S.join_schedules([ONE, ONE], [X]), TypeError,
     "boundaries[0] must be a real number >= 0, got str 'x'"),
    (lambda: S.join_schedules([ONE, ONE, ONE], [2, 1]), ValueError,
     "boundaries must be strictly increasing, got boundaries[0] = 2.0 and boundaries[1] = 1.0"),
    (lambda: S.join_schedules([ONE, ONE], []), ValueError,
     "boundaries must have one fewer entry than schedules (len(schedules) - 1 = 1), got 0"),
    (lambda: S.join_schedules([ONE, lambda s: np.full(np.shape(s), np.nan)], [1])(3),
     ValueError, "schedule must be a schedule giving finite rates >= 0, got nan at step 2.0"),
    (lambda: ONE(None), TypeError, "step must be a number or an array of numbers >= 0, got None"),
    (lambda: ONE([[1], [1, 2]]), TypeError,
     "step must be a number or an array of numbers >= 0, got [[1], [1, 2]]"),
    (lambda: ONE(True), TypeError,
     "step must be a number or an array of numbers >= 0, got bool True"),
    (lambda: ONE(["a"]), TypeError,
     "step must be a number or an array of numbers >= 0, got list ['a']"),
    (lambda: ONE(np.array([True])), TypeError,
     "step must be a number or an array of numbers >= 0, got ndarray array([ True])"),
    (lambda: ONE(10**400), ValueError,
     "step must be finite and >= 0, got an integer too large for a float"),
    (lambda: ONE(-1), ValueError, "step must be finite and >= 0, got "),
    (lambda: ONE([1, math.inf]), ValueError, "step must be finite and >= 0, got "),
])
def test_argument_messages(call, kind, message):
    # numpy scalars print as np.float64(...): for those only the start is checked
    check_message(call, kind, message, prefix_ends=(", got ", ": "))


# --- params, dtype names, defaults ---------------------------------------------------------------

def test_every_factory_records_its_arguments():
    w = S.constant(0.3)
    cases = [
        (S.constant(0.3), {"lr": 0.3, "dtype": np.float64}),
        (S.exponential_decay(0.3, 2, 0.5, True, 1, 0.1),
         {"initial_lr": 0.3, "decay_steps": 2.0, "decay_rate": 0.5, "staircase": True,
          "transition_begin": 1.0, "end_value": 0.1, "dtype": np.float64}),
        (S.inverse_time_decay(0.3, 2, 0.5, True, dtype=np.float32),
         {"initial_lr": 0.3, "decay_steps": 2.0, "decay_rate": 0.5, "staircase": True,
          "dtype": np.float32}),
        (S.polynomial_decay(0.3, 2, 0.1, 2.0, True),
         {"initial_lr": 0.3, "decay_steps": 2.0, "end_lr": 0.1, "power": 2.0, "cycle": True,
          "dtype": np.float64}),
        (S.piecewise_constant([2], [0.3, 0.1], "at"),
         {"boundaries": [2.0], "values": [0.3, 0.1], "switch": "at", "dtype": np.float64}),
        (S.step_decay(0.3, 2, 0.5), {"initial_lr": 0.3, "step_size": 2, "gamma": 0.5,
                                     "dtype": np.float64}),
        (S.multistep_decay(0.3, [4, 2], 0.5), {"initial_lr": 0.3, "milestones": [2, 4],
                                               "gamma": 0.5, "dtype": np.float64}),
        (S.cosine_decay(0.3, 2, 0.1, 2.0), {"initial_lr": 0.3, "decay_steps": 2.0, "alpha": 0.1,
                                           "exponent": 2.0, "periodic": False,
                                           "dtype": np.float64}),
        (S.cosine_decay(0.3, 2, periodic=True), {"initial_lr": 0.3, "decay_steps": 2.0,
                                                 "alpha": 0.0, "exponent": 1.0,
                                                 "periodic": True, "dtype": np.float64}),
        (S.cosine_decay_restarts(0.3, 2, 3.0, 0.5, 0.1),
         {"initial_lr": 0.3, "first_decay_steps": 2.0, "t_mul": 3.0, "m_mul": 0.5,
          "alpha": 0.1, "dtype": np.float64}),
        (S.linear_warmup(w, 2, 0.1), {"schedule": w, "warmup_steps": 2.0, "start_lr": 0.1,
                                      "dtype": np.float64}),
        (S.one_cycle(0.3, 10, 0.4, 5.0, 100.0, "linear", True),
         {"max_lr": 0.3, "total_steps": 10, "pct_start": 0.4, "div_factor": 5.0,
          "final_div_factor": 100.0, "anneal": "linear", "three_phase": True,
          "dtype": np.float64}),
        (S.join_schedules([w, w], [2]), {"schedules": [w, w], "boundaries": [2.0],
                                         "dtype": np.float64}),
    ]
    for sched, params in cases:
        assert sched.params == params, sched.name
        assert sched.name in sched.__doc__ and sched.__name__ == sched.name


MINIMAL = {
    "constant": (0.1,), "exponential_decay": (0.1, 1, 0.5), "inverse_time_decay": (0.1, 1, 0.5),
    "polynomial_decay": (0.1, 1), "piecewise_constant": ([1], [0.1, 0.2]),
    "step_decay": (0.1, 1), "multistep_decay": (0.1, [1]), "cosine_decay": (0.1, 1),
    "cosine_decay_restarts": (0.1, 1), "linear_warmup": (S.constant(0.1), 1),
    "one_cycle": (0.1, 10), "join_schedules": ([S.constant(0.1)], []),
}


@pytest.mark.parametrize("name", sorted(MINIMAL))
def test_every_factory_names_a_bad_dtype(name):
    factory = getattr(S, name)
    with pytest.raises(ValueError) as err:
        factory(*MINIMAL[name], dtype=np.int32)
    assert str(err.value) == "dtype must be np.float32 or np.float64, got int32"
    with pytest.raises(TypeError) as err:
        factory(*MINIMAL[name], dtype=",")
    assert str(err.value) == "dtype must be np.float32 or np.float64, got ','"
    # and no step gives anything but the dtype asked for, even no step at all
    sched = factory(*MINIMAL[name], dtype=np.float32)
    assert sched([]).dtype == np.float32 and sched([0, 3.5]).dtype == np.float32


def test_documented_defaults():
    assert S.polynomial_decay(1.0, 10)([5, 10]).tolist() == [0.5, 0.0]          # end_lr 0, power 1
    restarts = S.cosine_decay_restarts(1.0, 10)                                  # t_mul 2, m_mul 1
    assert restarts([10, 30, 70]).tolist() == [1.0, 1.0, 1.0]
    assert restarts(20) == pytest.approx(0.5)
    assert S.cosine_decay(1.0, 10)(10) == 0.0                                     # alpha 0
    assert S.step_decay(1.0, 2)(2) == 0.1                                         # gamma 0.1
    assert S.linear_warmup(S.constant(1.0), 4)(0) == 0.0                          # start_lr 0
    assert S.exponential_decay(1.0, 1, 0.5)(1.5) == pytest.approx(0.5**1.5)       # not stairs
    assert S.piecewise_constant([1], [1.0, 0.5])(1) == 1.0                        # switch after
    cycle = S.one_cycle(1.0, 101)                 # pct_start 0.3, div 25, final div 1e4, cos
    assert cycle([0, 29.3, 100]).tolist() == pytest.approx([0.04, 1.0, 4e-6])


# --- float32 cosines, the restart index, the 1cycle peak ----------------------------------------

def test_float32_cosines_are_rounded_from_float64():
    # numpy's own float32 cos is off by a unit in the last place at many points
    k = 20000
    steps = np.arange(1, k, dtype=np.float32)
    x = steps / np.float32(k)
    c = np.cos((np.float32(math.pi) * x).astype(np.float64)).astype(np.float32)
    assert (c != np.cos(np.float32(math.pi) * x)).sum() > 100
    expected = np.float32(0.5) * (np.float32(1) + c)
    got = S.cosine_decay_restarts(1.0, k, dtype=np.float32)(steps)
    np.testing.assert_array_equal(got.view(np.uint32), expected.view(np.uint32))
    # one_cycle's cosine phases likewise: the rise from 0.25 to 1 over steps 0 .. 9999
    cycle = S.one_cycle(1.0, 20000, pct_start=0.5, div_factor=4.0, dtype=np.float32)
    up = np.arange(0, 9999, dtype=np.float32)
    cx = np.cos((np.float32(math.pi) * (up / np.float32(9999))).astype(np.float64))
    a, b = np.float32(0.25), np.float32(1.0)
    rise = b + (a - b) / np.float32(2) * (cx.astype(np.float32) + np.float32(1))
    np.testing.assert_array_equal(cycle(up).view(np.uint32), rise.view(np.uint32))


def test_restart_index_near_and_at_a_restart():
    # float32, first period of length 1, t_mul 1.5: the step just below 1 is still at the
    # end of the first period (rate near alpha = 0), not the start of the second
    sched = S.cosine_decay_restarts(1.0, 1.0, t_mul=1.5, dtype=np.float32)
    below = np.nextafter(np.float32(1), np.float32(0))
    assert sched(below) < 1e-6 and sched(1.0) == 1.0
    # float64, t_mul 2, m_mul 0.5: restarts at 1, 3, 7, 15, 31 start at peaks 0.5^n
    halving = S.cosine_decay_restarts(1.0, 1.0, t_mul=2.0, m_mul=0.5)
    assert halving([1, 3, 7, 15, 31]).tolist() == [0.5, 0.25, 0.125, 0.0625, 0.03125]


def test_one_cycle_peak_is_exact():
    # at the peak step the rising phase ends (x = 1): max_lr itself, not the falling
    # phase's start min + (max - min), which rounds differently for these numbers
    low = 0.9 / 4.5
    assert low + (0.9 - low) != 0.9
    assert S.one_cycle(0.9, 11, pct_start=0.5, div_factor=4.5, final_div_factor=1.0)(4.5) == 0.9
    # a start rate of exactly the largest float is allowed
    big = float(np.finfo(np.float64).max)
    assert S.one_cycle(big, 10, div_factor=1.0, final_div_factor=1.0)(0) == big


def test_schedules_are_quiet_when_numpy_would_raise():
    with np.errstate(all="raise"):
        assert S.exponential_decay(0.1, 1, 0.5)(2000) == 0.0          # underflow
        # overflow: the power saturates at the largest float, then 0.1 times it
        assert S.exponential_decay(0.1, 1, 2.0)(2000) == 0.1 * np.finfo(np.float64).max


def test_a_wrapped_schedule_must_give_one_rate_per_step():
    # two rates for one step: refused with lrlab's message, not numpy's
    with pytest.raises(ValueError, match=r"^schedule must be a schedule giving one rate per step "
                                         r"\(see lrlab.schedules\): "):
        S.linear_warmup(lambda s: np.ones(2), 4)
    with pytest.raises(ValueError, match=r"^schedule must be a schedule giving one rate per step "):
        S.join_schedules([S.constant(0.1), lambda s: np.ones(2)], [1])([0, 1, 2, 3])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_evenly_spaced_milestones_are_a_step_decay_bit_for_bit(dtype):
    # PyTorch: MultiStepLR with milestones k, 2k, 3k, ... is StepLR(step_size=k); here the
    # two factories compute the same power of gamma in the same dtype
    steps = np.arange(0, 61)
    multi = S.multistep_decay(0.3, list(range(2, 62, 2)), 0.1, dtype=dtype)(steps)
    step = S.step_decay(0.3, 2, 0.1, dtype=dtype)(steps)
    assert multi.dtype == step.dtype == dtype
    np.testing.assert_array_equal(multi, step)
