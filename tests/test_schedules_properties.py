"""Property tests of lrlab.schedules with hypothesis.

For valid arguments and steps: no exception, no warning, finite rates >= 0, the
shape of the steps kept, a step gives the same rate alone or in an array.
For arbitrary (mostly invalid) arguments: only ``ValueError`` or ``TypeError``,
or else a schedule that behaves.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrlab.schedules as S

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

DTYPES = st.sampled_from([np.float64, np.float32])


def biggest(dtype):
    return float(np.finfo(dtype).max)


def rates(dtype):
    return st.floats(0.0, biggest(dtype))


def lengths(dtype):
    return st.floats(float(np.finfo(dtype).tiny), biggest(dtype))


scalar_steps = st.one_of(
    st.integers(0, 10**6),
    st.integers(0, 2**63 - 1),
    st.floats(0.0, 1e6),
    st.floats(0.0, biggest(np.float64)),
)
step_arrays = st.lists(scalar_steps, min_size=1, max_size=8).map(
    lambda xs: np.asarray([float(x) for x in xs]))
steps = st.one_of(scalar_steps, step_arrays)


@st.composite
def schedules(draw):
    """A factory call with valid arguments drawn from wide ranges."""
    dt = draw(DTYPES)
    kind = draw(st.sampled_from(S.__all__))
    small = st.floats(0.0, 1e6)
    if kind == "constant":
        return S.constant(draw(rates(dt)), dtype=dt)
    if kind == "exponential_decay":
        return S.exponential_decay(
            draw(rates(dt)), draw(lengths(dt)), draw(lengths(dt)),
            staircase=draw(st.booleans()), transition_begin=draw(st.floats(0, biggest(dt))),
            end_value=draw(st.none() | rates(dt)), dtype=dt)
    if kind == "inverse_time_decay":
        return S.inverse_time_decay(draw(rates(dt)), draw(lengths(dt)),
                                    draw(st.floats(0, biggest(dt))),
                                    staircase=draw(st.booleans()), dtype=dt)
    if kind == "polynomial_decay":
        return S.polynomial_decay(draw(rates(dt)), draw(lengths(dt)), draw(rates(dt)),
                                  power=draw(st.floats(1e-3, 1e3)), cycle=draw(st.booleans()),
                                  dtype=dt)
    if kind == "piecewise_constant":
        bounds = sorted(set(draw(st.lists(small, max_size=5))))
        values = draw(st.lists(rates(dt), min_size=len(bounds) + 1, max_size=len(bounds) + 1))
        return S.piecewise_constant(bounds, values, switch=draw(st.sampled_from(["after", "at"])),
                                    dtype=dt)
    if kind == "step_decay":
        return S.step_decay(draw(rates(dt)), draw(st.integers(1, 10**15)),
                            draw(st.floats(0, biggest(dt))), dtype=dt)
    if kind == "multistep_decay":
        return S.multistep_decay(draw(rates(dt)), draw(st.lists(st.integers(1, 10**15),
                                                                max_size=6)),
                                 draw(st.floats(0, biggest(dt))), dtype=dt)
    if kind == "cosine_decay":
        return S.cosine_decay(draw(rates(dt)), draw(lengths(dt)),
                              alpha=draw(st.floats(0, biggest(dt))),
                              exponent=draw(st.floats(1e-3, 1e3)), dtype=dt)
    if kind == "cosine_decay_restarts":
        return S.cosine_decay_restarts(draw(rates(dt)), draw(lengths(dt)),
                                       t_mul=draw(st.floats(1.0, biggest(dt))),
                                       m_mul=draw(st.floats(0, biggest(dt))),
                                       alpha=draw(st.floats(0, 1)), dtype=dt)
    if kind == "linear_warmup":
        inner = S.cosine_decay(draw(rates(dt)), draw(lengths(dt)), dtype=dt)
        return S.linear_warmup(inner, draw(lengths(dt)), start_lr=draw(rates(dt)), dtype=dt)
    if kind == "one_cycle":
        three = draw(st.booleans())
        return S.one_cycle(draw(rates(dt)), draw(st.integers(1, 10**15)),
                           pct_start=draw(st.floats(0, 0.5 if three else 1.0)),
                           div_factor=draw(st.floats(1.0, 1e30)),
                           final_div_factor=draw(st.floats(1.0, 1e30)),
                           anneal=draw(st.sampled_from(["cos", "linear"])), three_phase=three,
                           dtype=dt)
    assert kind == "join_schedules"
    n = draw(st.integers(1, 4))
    parts = [S.exponential_decay(draw(rates(dt)), draw(lengths(dt)),
                                 draw(st.floats(1e-30, 1e30)), dtype=dt) for _ in range(n)]
    bounds = sorted(set(draw(st.lists(small, min_size=n - 1, max_size=n - 1))))
    return S.join_schedules(parts[: len(bounds) + 1], bounds, dtype=dt)


def check_rates(sched, step):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            out = sched(step)
        except Warning as warning:
            raise AssertionError(f"{sched.name} {sched.params} at {step!r}: {warning}") from None
    if isinstance(step, np.ndarray):
        assert isinstance(out, np.ndarray) and out.shape == step.shape
        assert out.dtype == sched.params["dtype"]
    else:
        assert type(out) is float
    arr = np.asarray(out, dtype=np.float64)
    assert np.all(np.isfinite(arr)), (sched.name, sched.params, step, out)
    assert np.all(arr >= 0), (sched.name, sched.params, step, out)
    return out


@SETTINGS
@given(schedules(), steps)
def test_valid_input_gives_finite_nonnegative_rates_without_warnings(sched, step):
    check_rates(sched, step)


@SETTINGS
@given(schedules(), step_arrays)
def test_a_step_gives_the_same_rate_alone_or_in_an_array(sched, step):
    together = check_rates(sched, step)
    alone = [sched(float(s)) for s in step]
    assert np.array_equal(np.asarray(alone, dtype=together.dtype), together)
    assert np.array_equal(sched(step), together)  # and again: no state


@SETTINGS
@given(DTYPES, st.floats(0, 1e30), st.floats(1e-3, 1e6), st.floats(1e-6, 1.0), steps)
def test_exponential_decay_stays_between_zero_and_initial_lr(dt, lr0, k, rate, step):
    out = np.asarray(S.exponential_decay(lr0, k, rate, dtype=dt)(step))
    assert np.all(out <= np.float32(lr0) if dt == np.float32 else out <= lr0)


@SETTINGS
@given(DTYPES, st.floats(1e-30, 1e30), st.floats(1e-3, 1e6), st.floats(0, 1),
       st.floats(0.1, 10), steps)
def test_cosine_decay_stays_between_its_floor_and_its_start(dt, lr0, k, alpha, exponent, step):
    out = np.asarray(S.cosine_decay(lr0, k, alpha=alpha, exponent=exponent, dtype=dt)(step),
                     dtype=np.float64)
    slack = 1e-6 if dt == np.float32 else 1e-14
    assert np.all(out <= lr0 * (1 + slack))
    # alpha and lr0 as the dtype holds them; a product below float32's normal
    # range is rounded to a multiple of its smallest subnormal
    floor = float(dt(alpha)) * float(dt(lr0)) * (1 - slack) - 1e-44
    assert np.all(out >= floor)


@SETTINGS
@given(st.integers(1, 10**6), st.floats(0, 1), st.sampled_from(["cos", "linear"]),
       st.booleans())
def test_one_cycle_never_exceeds_its_peak(total, pct, anneal, three):
    pct = min(pct, 0.5) if three else pct
    sched = S.one_cycle(1.0, total, pct_start=pct, anneal=anneal, three_phase=three)
    out = sched(np.linspace(0, total + 5, 50))
    assert np.all(out <= 1.0 + 1e-12) and np.all(out >= 0)


# --------------------------------------------------------------------------- arbitrary input

junk = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-10**400, 10**400),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
    st.lists(st.floats(-10, 10), max_size=3),
    st.just(np.float32), st.just("float32"), st.just(object()),
)

ARGUMENTS = {
    "constant": ["lr"],
    "exponential_decay": ["initial_lr", "decay_steps", "decay_rate", "staircase",
                          "transition_begin", "end_value"],
    "inverse_time_decay": ["initial_lr", "decay_steps", "decay_rate", "staircase"],
    "polynomial_decay": ["initial_lr", "decay_steps", "end_lr", "power", "cycle"],
    "piecewise_constant": ["boundaries", "values", "switch"],
    "step_decay": ["initial_lr", "step_size", "gamma"],
    "multistep_decay": ["initial_lr", "milestones", "gamma"],
    "cosine_decay": ["initial_lr", "decay_steps", "alpha", "exponent"],
    "cosine_decay_restarts": ["initial_lr", "first_decay_steps", "t_mul", "m_mul", "alpha"],
    "linear_warmup": ["schedule", "warmup_steps", "start_lr"],
    "one_cycle": ["max_lr", "total_steps", "pct_start", "div_factor", "final_div_factor",
                  "anneal", "three_phase"],
    "join_schedules": ["schedules", "boundaries"],
}
GOOD = {
    "lr": 0.1, "initial_lr": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": False,
    "transition_begin": 0, "end_value": None, "end_lr": 0.0, "power": 1.0, "cycle": False,
    "boundaries": [5], "values": [0.1, 0.01], "switch": "at", "step_size": 3, "gamma": 0.5,
    "milestones": [5], "alpha": 0.0, "exponent": 1.0, "first_decay_steps": 10, "t_mul": 2.0,
    "m_mul": 1.0, "schedule": S.constant(0.1), "warmup_steps": 5, "start_lr": 0.0,
    "max_lr": 0.1, "total_steps": 100, "pct_start": 0.3, "div_factor": 25.0,
    "final_div_factor": 1e4, "anneal": "cos", "three_phase": False,
    "schedules": [S.constant(0.1), S.constant(0.01)],
}


def test_arguments_table_is_complete():
    assert set(ARGUMENTS) == set(S.__all__)


@SETTINGS
@given(st.sampled_from(sorted(ARGUMENTS)), st.data())
def test_arbitrary_arguments_raise_only_value_or_type_error(name, data):
    factory = getattr(S, name)
    kwargs = {arg: GOOD[arg] for arg in ARGUMENTS[name]}
    for arg in data.draw(st.lists(st.sampled_from(ARGUMENTS[name] + ["dtype"]), min_size=1,
                                  max_size=3, unique=True)):
        kwargs[arg] = data.draw(junk)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            sched = factory(**kwargs)
        except (ValueError, TypeError) as err:
            assert str(err)
            return
    # accepted: then it must be a well-behaved schedule
    check_rates(sched, np.asarray([0.0, 1.0, 5.0, 99.5, 1e9]))


@SETTINGS
@given(schedules(), junk | st.lists(junk, max_size=3))
def test_arbitrary_steps_raise_only_value_or_type_error(sched, step):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            out = sched(step)
        except (ValueError, TypeError) as err:
            assert "step" in str(err)
            return
    arr = np.asarray(out, dtype=np.float64)
    assert np.all(np.isfinite(arr)) and np.all(arr >= 0)


@pytest.mark.parametrize("value", [math.nan, -1.0, math.inf])
def test_junk_examples_named(value):
    with pytest.raises(ValueError, match="initial_lr"):
        S.exponential_decay(value, 1, 0.5)
