"""Tests of lrlab.schedules: against the real libraries' values, and on their own.

The library values live in ``lrlab/reference/schedules.json`` (made by
``tests/reference/generate_schedules.py`` with TensorFlow/Keras, PyTorch and
optax). These tests need only numpy and that file.
"""

from __future__ import annotations

import doctest
import json
import math

import numpy as np
import pytest

import lrlab.conventions as C
import lrlab.schedules as S
from lrlab.conventions import build_from_spec as build  # a case's JSON spec -> lrlab schedule

REFERENCE = json.loads(C.REFERENCE_FILE.read_text())
CASES = REFERENCE["cases"]


def case(case_id, library, dtype):
    found = [c for c in CASES
             if (c["id"], c["library"], c["dtype"]) == (case_id, library, dtype)]
    assert len(found) == 1, (case_id, library, dtype)
    return found[0]


def table(c):
    """A case's values by step."""
    return dict(zip(c["steps"], c["values"], strict=True))


def ulp_distance(a, b):
    """Number of float32 values between a and b (both >= 0)."""
    a = np.asarray(a, dtype=np.float32).view(np.int32).astype(np.int64)
    b = np.asarray(b, dtype=np.float32).view(np.int32).astype(np.int64)
    return np.abs(a - b)


# --------------------------------------------------------------------------- the reference file


def test_reference_file_records_its_provenance():
    for key in ("tensorflow", "keras", "torch", "jax", "optax", "numpy"):
        assert REFERENCE["versions"][key]
    assert REFERENCE["generated"] and REFERENCE["command"] and REFERENCE["python"]
    assert REFERENCE["settings"]["jax_enable_x64"] is True
    assert REFERENCE["settings"]["keras_floatx"] == "float32"
    libraries = {(c["library"], c["dtype"]) for c in CASES}
    assert libraries == {("keras", "float32"), ("keras", "float64"), ("tf1", "float32"),
                         ("torch", "float64"), ("optax", "float64")}
    for c in CASES:
        assert len(c["steps"]) == len(c["values"]) > 0


def test_every_factory_is_checked_against_a_library():
    used = set()

    def walk(spec):
        used.add(spec["factory"])
        for inner in [spec["kwargs"].get("schedule"), *spec["kwargs"].get("schedules", [])]:
            if inner:
                walk(inner)

    for c in CASES:
        if c["lrlab"]:
            walk(c["lrlab"])
    assert used == set(S.__all__)


FLOAT64 = [c for c in CASES if c["lrlab"] and c["dtype"] == "float64"]
FLOAT32 = [c for c in CASES if c["lrlab"] and c["dtype"] == "float32"]


def _case_id(c):
    return f"{c['id']}-{c['library']}-{c['dtype']}"


@pytest.mark.parametrize("c", FLOAT64, ids=_case_id)
def test_float64_matches_library(c):
    """torch (Python floats), optax (x64) and Keras float64: to rtol 1e-12.

    Most agree exactly; torch's schedulers update the rate by repeated
    multiplication, which leaves a few units in the last place.
    """
    sched = build(c["lrlab"])
    got = sched(np.asarray(c["steps"]))
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, c["values"], rtol=1e-12, atol=0)
    # one step at a time gives the same numbers
    for step, value in zip(c["steps"][:25], got[:25], strict=True):
        assert sched(step) == value


@pytest.mark.parametrize("c", FLOAT32, ids=_case_id)
def test_float32_matches_keras_and_tf(c):
    """Keras / TensorFlow float32: within 1 unit in the last place (in practice: equal)."""
    sched = build(c["lrlab"])
    got = sched(np.asarray(c["steps"]))
    assert got.dtype == np.float32
    ref = np.asarray(c["values"], dtype=np.float32)
    # the stored values are float32 numbers written as float64: exact
    assert np.array_equal(ref.astype(np.float64), np.asarray(c["values"]))
    assert ulp_distance(got, ref).max() <= 1, c["call"]


@pytest.mark.parametrize("library", ["keras", "tf1"])
def test_float32_blog_post_schedule_is_bit_for_bit_and_hits_zero_at_1672(library):
    """The blog post's schedule in float32: TensorFlow's exact bits, 0.0 from step 1672."""
    c = case("exponential_seed", library, "float32")
    sched = S.exponential_decay(0.2, 1, 0.95, dtype=np.float32)
    got = sched(np.asarray(c["steps"]))
    assert np.array_equal(got, np.asarray(c["values"], dtype=np.float32))
    assert sched(1671) > 0.0 and sched(1672) == 0.0
    assert S.exponential_decay(0.2, 1, 0.95)(1672) > 0.0  # float64 is far from underflow


def test_float32_is_bit_for_bit_where_tf_is_correctly_rounded():
    """Keras ExponentialDecay, PiecewiseConstantDecay, CosineDecay float32: equal bits."""
    for case_id in ("exponential", "piecewise", "cosine", "polynomial", "inverse_time"):
        c = case(case_id, "keras", "float32")
        got = build(c["lrlab"])(np.asarray(c["steps"]))
        assert np.array_equal(got, np.asarray(c["values"], dtype=np.float32)), case_id


# --------------------------------------------------------------------------- conventions


def test_keras_and_tf1_agree_bit_for_bit_and_lrlab_with_both():
    tf1 = [c for c in CASES if c["library"] == "tf1"]
    assert len(tf1) >= 8
    for c in tf1:
        got = build(c["lrlab"])(np.asarray(c["steps"]))
        assert got.dtype == np.float32
        assert ulp_distance(got, c["values"]).max() <= 1, c["id"]
        if c["id"] == "exponential_seed_staircase":
            continue
        k = case(c["id"], "keras", "float32")
        ref = table(k)
        for step, value, mine in zip(c["steps"], c["values"], got.tolist(), strict=True):
            if step in ref:
                assert ref[step] == value, (c["id"], step)
                assert ulp_distance(mine, ref[step]) <= 1, (c["id"], step)


def test_piecewise_boundary_keras_keeps_old_value_optax_switches():
    keras = case("piecewise", "keras", "float64")
    optax = case("piecewise", "optax", "float64")
    at_boundary = {c["library"]: table(c)[10] for c in (keras, optax)}
    assert at_boundary["keras"] == 0.1          # still the old value at step 10
    assert at_boundary["optax"] == 0.05         # already the new one
    after = S.piecewise_constant([10, 20], [0.1, 0.05, 0.01], switch="after")
    at = S.piecewise_constant([10, 20], [0.1, 0.05, 0.01], switch="at")
    assert after(10) == 0.1 and after(11) == 0.05
    assert at(9) == 0.1 and at(10) == 0.05
    # at whole steps, "after" with boundaries b equals "at" with b + 1
    steps = np.arange(40)
    moved = S.piecewise_constant([11, 21], [0.1, 0.05, 0.01], switch="at")
    assert np.array_equal(after(steps), moved(steps))


def test_torch_multistep_switches_at_milestone_keras_needs_milestone_minus_one():
    torch_ = case("multistep", "torch", "float64")
    keras = case("multistep", "keras", "float64")
    assert keras["params"]["args"][0] == [29, 79]
    t = table(torch_)
    assert t[29] == 0.1 and math.isclose(t[30], 0.01, rel_tol=1e-15)
    np.testing.assert_allclose(torch_["values"], keras["values"], rtol=1e-15)
    sched = S.multistep_decay(0.1, [30, 80])
    np.testing.assert_allclose(sched(np.asarray(torch_["steps"])), torch_["values"], rtol=1e-15)


def test_repeated_milestone_applies_gamma_twice_like_torch():
    c = case("multistep_repeated", "torch", "float64")
    values = table(c)
    assert values[30] == 0.1 * 0.5 * 0.5
    assert S.multistep_decay(0.1, [30, 30, 80], gamma=0.5)(30) == values[30]
    assert S.multistep_decay(0.1, [80, 30, 30], gamma=0.5)(30) == values[30]  # any order


def test_torch_cosine_climbs_back_after_t_max_lrlab_stays_at_minimum():
    c = case("cosine_beyond_tmax", "torch", "float64")
    sched = S.cosine_decay(0.1, 100, alpha=0.01)
    for step, value in zip(c["steps"], c["values"], strict=True):
        assert sched(step) == pytest.approx(0.001, rel=1e-12)
        assert value > 0.001 * (1 + 1e-9)
        # torch continues the cosine: step 100 + k mirrors step 100 - k
        assert value == pytest.approx(sched(200 - step), rel=1e-12)


def test_periodic_cosine_follows_torch_cosine_annealing_before_and_after_t_max():
    wave = S.cosine_decay(0.1, 100, alpha=0.01, periodic=True)
    for case_id in ("cosine", "cosine_beyond_tmax"):
        c = case(case_id, "torch", "float64")
        np.testing.assert_allclose(wave(np.asarray(c["steps"])), c["values"], rtol=1e-12)
    # a whole period later the wave is back where it started, by the closed form
    assert wave(200) == pytest.approx(0.1, rel=1e-15)
    assert wave(300) == pytest.approx(0.001, rel=1e-12)
    assert S.cosine_decay(0.1, 100, alpha=0.01)(300) == pytest.approx(0.001, rel=1e-12)


def test_periodic_must_be_a_bool():
    with pytest.raises(TypeError, match="periodic must be True or False"):
        S.cosine_decay(0.1, 100, periodic=1)


def test_torch_one_cycle_extrapolates_one_step_too_far_lrlab_holds():
    c = case("one_cycle_linear_extra_step", "torch", "float64")
    values = table(c)
    sched = S.one_cycle(0.1, 100, anneal="linear")
    assert sched(99) == values[99]
    assert values[100] < 0.0 < sched(100) == sched(99) == sched(10**6)


def test_warmup_decay_steps_keras_after_optax_inside():
    """The same schedule is Keras decay_steps=100 and optax decay_steps=110 (10 warmup)."""
    keras = case("warmup_cosine", "keras", "float64")
    optax = case("warmup_cosine", "optax", "float64")
    assert keras["params"]["args"][1] == 100 and "decay_steps=110" in optax["call"]
    assert keras["steps"] == optax["steps"]
    # equal up to Keras rounding warmup_target=0.1 through float32
    np.testing.assert_allclose(keras["values"], optax["values"], rtol=2e-8)
    # and both are lrlab's warmup of 10 steps before a cosine decay of 100 (the
    # Equivalents of linear_warmup's docstring)
    sched = S.linear_warmup(S.cosine_decay(0.1, 100, alpha=0.1), 10)
    got = sched(np.asarray(optax["steps"]))
    np.testing.assert_allclose(got, optax["values"], rtol=1e-12)
    np.testing.assert_allclose(got, keras["values"], rtol=2e-8)


def test_keras_float64_rounds_hyperparameters_through_float32():
    c = case("exponential", "keras", "float64")
    steps = np.asarray(c["steps"])
    exact = S.exponential_decay(0.2, 10, 0.95)(steps)
    rounded = S.exponential_decay(0.2, 10, float(np.float32(0.95)))(steps)
    np.testing.assert_allclose(rounded, c["values"], rtol=1e-14, atol=0)
    assert not np.allclose(exact, c["values"], rtol=1e-9, atol=0)


def test_step_decay_is_torch_steplr_and_keras_staircase():
    torch_ = case("step", "torch", "float64")
    optax = case("step", "optax", "float64")
    keras = case("step", "keras", "float32")
    sched = S.step_decay(0.1, 30, 0.1)
    steps = np.asarray(torch_["steps"])
    np.testing.assert_allclose(sched(steps), torch_["values"], rtol=1e-15)
    np.testing.assert_allclose(sched(steps), optax["values"], rtol=1e-15)
    assert np.array_equal(S.step_decay(0.1, 30, 0.1, dtype=np.float32)(steps),
                          np.float32(keras["values"]))
    assert sched(29) == 0.1 and sched(30) == pytest.approx(0.01)


def test_optax_onecycle_is_not_torch_onecycle():
    """optax peaks at int(pct_start * T) = 30, torch at pct_start * T - 1 = 29."""
    optax = table(case("optax_cosine_onecycle", "optax", "float64"))
    torch_sched = S.one_cycle(0.1, 100)
    assert optax[30] == pytest.approx(0.1, rel=1e-15)
    assert torch_sched(29) == pytest.approx(0.1, rel=1e-15)
    assert torch_sched(30) < 0.1 and optax[29] < 0.1


# --------------------------------------------------------------------------- behaviour


def all_schedules(dtype=np.float64):
    base = S.cosine_decay(0.1, 50, dtype=dtype)
    return {
        "constant": S.constant(0.1, dtype=dtype),
        "exponential_decay": S.exponential_decay(0.2, 10, 0.9, staircase=True,
                                                 transition_begin=3, end_value=0.01,
                                                 dtype=dtype),
        "inverse_time_decay": S.inverse_time_decay(0.1, 10, 0.5, dtype=dtype),
        "polynomial_decay": S.polynomial_decay(0.1, 20, 0.001, power=2.0, cycle=True,
                                               dtype=dtype),
        "piecewise_constant": S.piecewise_constant([5, 15], [0.1, 0.05, 0.01], dtype=dtype),
        "step_decay": S.step_decay(0.1, 7, 0.5, dtype=dtype),
        "multistep_decay": S.multistep_decay(0.1, [5, 12], 0.5, dtype=dtype),
        "cosine_decay": base,
        "cosine_decay_restarts": S.cosine_decay_restarts(0.1, 10, 2.0, 0.8, 0.01, dtype=dtype),
        "linear_warmup": S.linear_warmup(base, 5, dtype=dtype),
        "one_cycle": S.one_cycle(0.1, 40, dtype=dtype),
        "join_schedules": S.join_schedules([S.constant(0.1, dtype=dtype), base], [10],
                                           dtype=dtype),
    }


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(all_schedules()))
def test_scalars_arrays_shapes_and_purity(name, dtype):
    sched = all_schedules(dtype)[name]
    assert sched.name == name
    assert isinstance(sched.params, dict) and sched.params["dtype"] is dtype
    steps = np.arange(0, 120, 0.5)
    first = sched(steps)
    assert isinstance(first, np.ndarray) and first.dtype == dtype and first.shape == steps.shape
    assert np.array_equal(first, sched(steps))                       # same input, same output
    assert np.array_equal(first, sched(list(steps)))                 # list works too
    grid = steps.reshape(8, 30)
    assert np.array_equal(sched(grid), first.reshape(8, 30))         # shape kept
    assert np.array_equal(sched(steps[::-1]), first[::-1])           # no memory of order
    scalars = [sched(float(s)) for s in steps]
    assert all(type(v) is float for v in scalars)
    assert np.array_equal(np.asarray(scalars, dtype=dtype), first)   # scalar == array
    assert type(sched(3)) is float and type(sched(np.int64(3))) is float
    assert type(sched(np.float32(3))) is float
    zero_d = sched(np.asarray(3))
    assert isinstance(zero_d, np.ndarray) and zero_d.shape == ()
    assert sched(np.zeros((0, 3))).shape == (0, 3)
    assert np.all(np.isfinite(first)) and np.all(first >= 0)
    ints = sched(np.arange(10, dtype=np.int32))
    assert np.array_equal(ints, first[:20:2])


@pytest.mark.parametrize("name", sorted(all_schedules()))
@pytest.mark.parametrize("bad", [-1, -0.5, math.nan, math.inf, [0, -1], np.array([1.0, np.nan])])
def test_bad_steps_raise_value_error_naming_step(name, bad):
    sched = all_schedules()[name]
    with pytest.raises(ValueError, match="step"):
        sched(bad)


@pytest.mark.parametrize("bad", ["3", None, True, 1 + 2j, [1, "a"], {"a": 1}, np.array([True])])
def test_non_numeric_steps_raise_type_error_naming_step(bad):
    with pytest.raises(TypeError, match="step"):
        S.constant(0.1)(bad)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_huge_steps_give_finite_rates_without_warnings(dtype):
    huge = np.array([1e6, 1e15, 1e300, np.finfo(np.float64).max])
    for name, sched in all_schedules(dtype).items():
        rates = sched(huge)
        assert np.all(np.isfinite(rates)) and np.all(rates >= 0), name
    grow = S.exponential_decay(1.0, 1, 10.0, dtype=dtype)
    assert grow(1e300) == float(np.finfo(dtype).max)            # saturates, not inf
    assert S.exponential_decay(0.0, 1e-30, 10.0, dtype=dtype)(1e300) == 0.0
    assert S.exponential_decay(1.0, 1, 0.5, dtype=dtype)(1e300) == 0.0


def test_formulas_by_hand():
    assert S.exponential_decay(0.2, 1, 0.95)(2) == pytest.approx(0.2 * 0.95**2, rel=1e-15)
    assert S.exponential_decay(0.2, 10, 0.95)(25) == pytest.approx(0.2 * 0.95**2.5, rel=1e-15)
    stairs = S.exponential_decay(0.2, 10, 0.95, staircase=True)
    assert stairs(29.9) == pytest.approx(0.2 * 0.95**2, rel=1e-15)
    delayed = S.exponential_decay(0.2, 10, 0.5, transition_begin=100, end_value=0.05)
    assert delayed(100) == 0.2 and delayed(110) == 0.1 and delayed(10**4) == 0.05
    ceiling = S.exponential_decay(0.001, 10, 10.0, end_value=1.0)
    assert ceiling(20) == pytest.approx(0.1) and ceiling(100) == 1.0
    assert S.inverse_time_decay(1.0, 10, 1.0)(30) == 0.25
    assert S.polynomial_decay(1.0, 10, 0.0, power=1.0)(2.5) == 0.75
    cyc = S.polynomial_decay(1.0, 10, 0.0, power=1.0, cycle=True)
    assert cyc(10) == 0.0 and cyc(15) == 0.25 and cyc(0) == 1.0
    assert S.polynomial_decay(0.1, 10, end_lr=0.5)(5) == pytest.approx(0.3)   # rising
    assert S.cosine_decay(1.0, 10)(5) == pytest.approx(0.5)
    assert S.cosine_decay(1.0, 10, exponent=2.0)(5) == pytest.approx(0.25)
    assert S.cosine_decay(1.0, 10, alpha=3.0)(10) == pytest.approx(3.0)     # alpha > 1 rises
    r = S.cosine_decay_restarts(1.0, 10, t_mul=2.0, m_mul=0.5)
    assert r(10) == 0.5 and r(30) == 0.25 and r(20) == pytest.approx(0.25)
    warm = S.linear_warmup(S.constant(0.5), 4, start_lr=0.1)
    assert warm(0) == 0.1 and warm(2) == pytest.approx(0.3) and warm(4) == 0.5
    oc = S.one_cycle(1.0, 100, pct_start=0.3)
    assert oc(0) == pytest.approx(1.0 / 25, rel=1e-14)  # torch's rounding: 0.04000000000000004
    assert oc(29) == pytest.approx(1.0) and oc(99) == 1.0 / 25 / 1e4
    three = S.one_cycle(1.0, 100, pct_start=0.25, three_phase=True)
    assert three(24) == 1.0 and three(48) == pytest.approx(0.04) and three(99) == 0.04 / 1e4


def test_restarts_fall_exactly_on_period_starts():
    for t_mul in (1.0, 1.5, 2.0, 3.0, 7.0):
        for dtype in (np.float64, np.float32):
            sched = S.cosine_decay_restarts(1.0, 8, t_mul=t_mul, dtype=dtype)
            start, length = 0.0, 8.0
            for _ in range(6):
                assert sched(start) == 1.0, (t_mul, start)
                start, length = start + length, length * t_mul


def test_one_cycle_degenerate_phases_give_finite_rates():
    for pct in (0.0, 0.005, 0.01, 0.5, 1.0):
        for total in (1, 2, 3, 100):
            for anneal in ("cos", "linear"):
                rates = S.one_cycle(1.0, total, pct_start=pct, anneal=anneal)(np.arange(total + 2))
                assert np.all(np.isfinite(rates)) and np.all(rates >= 0)
                assert rates.max() <= 1.0


def test_join_schedules_counts_from_each_boundary():
    a, b, c = S.constant(1.0), S.exponential_decay(1.0, 1, 0.5), S.step_decay(8.0, 1, 0.5)
    sched = S.join_schedules([a, b, c], [10, 20])
    assert sched(9) == 1.0 and sched(10) == 1.0 and sched(12) == 0.25
    assert sched(20) == 8.0 and sched(23) == 1.0
    assert sched.params["boundaries"] == [10.0, 20.0]


def test_docstrings_have_equivalents_and_examples():
    for name in S.__all__:
        doc = getattr(S, name).__doc__
        assert ">>>" in doc, name
        assert "Equivalents" in doc, name
        for library in ("Keras", "PyTorch", "optax"):
            assert library in doc, (name, library)


def test_doctests_pass():
    result = doctest.testmod(S, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 12 and result.failed == 0


# --------------------------------------------------------------------------- invalid arguments

INVALID = [
    # factory, kwargs, exception, the message names...
    (S.constant, {"lr": -0.1}, ValueError, "lr"),
    (S.constant, {"lr": math.nan}, ValueError, "lr"),
    (S.constant, {"lr": "0.1"}, TypeError, "lr"),
    (S.constant, {"lr": 0.1, "dtype": np.int32}, ValueError, "dtype"),
    (S.constant, {"lr": 0.1, "dtype": "float16"}, ValueError, "dtype"),
    (S.constant, {"lr": 1e39, "dtype": np.float32}, ValueError, "lr"),
    (S.exponential_decay, {"initial_lr": -1, "decay_steps": 1, "decay_rate": 0.9}, ValueError,
     "initial_lr"),
    (S.exponential_decay, {"initial_lr": 1, "decay_steps": 0, "decay_rate": 0.9}, ValueError,
     "decay_steps"),
    (S.exponential_decay, {"initial_lr": 1, "decay_steps": 1, "decay_rate": 0.0}, ValueError,
     "decay_rate"),
    (S.exponential_decay, {"initial_lr": 1, "decay_steps": 1, "decay_rate": -0.5}, ValueError,
     "decay_rate"),
    (S.exponential_decay, {"initial_lr": 1, "decay_steps": 1, "decay_rate": 0.9,
                           "staircase": "yes"}, TypeError, "staircase"),
    (S.exponential_decay, {"initial_lr": 1, "decay_steps": 1, "decay_rate": 0.9,
                           "transition_begin": -1}, ValueError, "transition_begin"),
    (S.exponential_decay, {"initial_lr": 1, "decay_steps": 1, "decay_rate": 0.9,
                           "end_value": -1}, ValueError, "end_value"),
    (S.exponential_decay, {"initial_lr": 1, "decay_steps": 1, "decay_rate": 0.9,
                           "dtype": "int"}, (TypeError, ValueError), "dtype"),
    (S.inverse_time_decay, {"initial_lr": 1, "decay_steps": -1, "decay_rate": 1},
     ValueError, "decay_steps"),
    (S.inverse_time_decay, {"initial_lr": 1, "decay_steps": 1, "decay_rate": -1},
     ValueError, "decay_rate"),
    (S.inverse_time_decay, {"initial_lr": 1, "decay_steps": 1, "decay_rate": 1,
                            "staircase": 1}, TypeError, "staircase"),
    (S.polynomial_decay, {"initial_lr": 1, "decay_steps": 0}, ValueError, "decay_steps"),
    (S.polynomial_decay, {"initial_lr": 1, "decay_steps": 1, "end_lr": -1}, ValueError,
     "end_lr"),
    (S.polynomial_decay, {"initial_lr": 1, "decay_steps": 1, "power": 0}, ValueError, "power"),
    (S.polynomial_decay, {"initial_lr": 1, "decay_steps": 1, "cycle": None}, TypeError, "cycle"),
    (S.piecewise_constant, {"boundaries": [5, 5], "values": [1, 2, 3]}, ValueError, "boundaries"),
    (S.piecewise_constant, {"boundaries": [5, 3], "values": [1, 2, 3]}, ValueError, "boundaries"),
    (S.piecewise_constant, {"boundaries": [-1], "values": [1, 2]}, ValueError, "boundaries"),
    (S.piecewise_constant, {"boundaries": [5], "values": [1, 2, 3]}, ValueError, "values"),
    (S.piecewise_constant, {"boundaries": [5], "values": [1, -2]}, ValueError, "values"),
    (S.piecewise_constant, {"boundaries": 5, "values": [1, 2]}, TypeError, "boundaries"),
    (S.piecewise_constant, {"boundaries": [5], "values": "ab"}, TypeError, "values"),
    (S.piecewise_constant, {"boundaries": [5], "values": [1, 2], "switch": "before"},
     ValueError, "switch"),
    (S.step_decay, {"initial_lr": 1, "step_size": 0}, ValueError, "step_size"),
    (S.step_decay, {"initial_lr": 1, "step_size": 2.5}, TypeError, "step_size"),
    (S.step_decay, {"initial_lr": 1, "step_size": 2, "gamma": -0.1}, ValueError, "gamma"),
    (S.multistep_decay, {"initial_lr": 1, "milestones": [0, 5]}, ValueError, "milestones"),
    (S.multistep_decay, {"initial_lr": 1, "milestones": [2.5]}, TypeError, "milestones"),
    (S.multistep_decay, {"initial_lr": 1, "milestones": 5}, TypeError, "milestones"),
    (S.multistep_decay, {"initial_lr": 1, "milestones": [5], "gamma": math.inf}, ValueError,
     "gamma"),
    (S.cosine_decay, {"initial_lr": 1, "decay_steps": 0}, ValueError, "decay_steps"),
    (S.cosine_decay, {"initial_lr": 1, "decay_steps": 1, "alpha": -0.1}, ValueError, "alpha"),
    (S.cosine_decay, {"initial_lr": 1, "decay_steps": 1, "exponent": 0}, ValueError, "exponent"),
    (S.cosine_decay_restarts, {"initial_lr": 1, "first_decay_steps": 0}, ValueError,
     "first_decay_steps"),
    (S.cosine_decay_restarts, {"initial_lr": 1, "first_decay_steps": 1, "t_mul": 0.5},
     ValueError, "t_mul"),
    (S.cosine_decay_restarts, {"initial_lr": 1, "first_decay_steps": 1, "m_mul": -1},
     ValueError, "m_mul"),
    (S.cosine_decay_restarts, {"initial_lr": 1, "first_decay_steps": 1, "alpha": 1.5},
     ValueError, "alpha"),
    (S.linear_warmup, {"schedule": 0.1, "warmup_steps": 5}, TypeError, "schedule"),
    (S.linear_warmup, {"schedule": S.constant(0.1), "warmup_steps": 0}, ValueError,
     "warmup_steps"),
    (S.linear_warmup, {"schedule": S.constant(0.1), "warmup_steps": 5, "start_lr": -1},
     ValueError, "start_lr"),
    (S.one_cycle, {"max_lr": -1, "total_steps": 10}, ValueError, "max_lr"),
    (S.one_cycle, {"max_lr": 1, "total_steps": 0}, ValueError, "total_steps"),
    (S.one_cycle, {"max_lr": 1, "total_steps": 10.5}, TypeError, "total_steps"),
    (S.one_cycle, {"max_lr": 1, "total_steps": 10, "pct_start": 1.5}, ValueError, "pct_start"),
    (S.one_cycle, {"max_lr": 1, "total_steps": 10, "pct_start": 0.6, "three_phase": True},
     ValueError, "pct_start"),
    (S.one_cycle, {"max_lr": 1, "total_steps": 10, "div_factor": 0}, ValueError, "div_factor"),
    (S.one_cycle, {"max_lr": 1e300, "total_steps": 10, "div_factor": 1e-300}, ValueError,
     "div_factor"),
    (S.one_cycle, {"max_lr": 1, "total_steps": 10, "final_div_factor": -1}, ValueError,
     "final_div_factor"),
    (S.one_cycle, {"max_lr": 1, "total_steps": 10, "anneal": "exp"}, ValueError, "anneal"),
    (S.one_cycle, {"max_lr": 1, "total_steps": 10, "three_phase": "no"}, TypeError,
     "three_phase"),
    (S.join_schedules, {"schedules": [], "boundaries": []}, ValueError, "schedules"),
    (S.join_schedules, {"schedules": S.constant(1), "boundaries": []}, TypeError, "schedules"),
    (S.join_schedules, {"schedules": [S.constant(1), 2.0], "boundaries": [3]}, TypeError,
     "schedules"),
    (S.join_schedules, {"schedules": [S.constant(1), S.constant(2)], "boundaries": []},
     ValueError, "boundaries"),
    (S.join_schedules, {"schedules": [S.constant(1)] * 3, "boundaries": [5, 2]}, ValueError,
     "boundaries"),
]


@pytest.mark.parametrize("factory, kwargs, error, name", INVALID,
                         ids=[f"{f.__name__}-{n}-{i}" for i, (f, _, _, n) in enumerate(INVALID)])
def test_invalid_arguments_raise_naming_the_argument(factory, kwargs, error, name):
    with pytest.raises(error, match=rf"\b{name}\b"):
        factory(**kwargs)


# --------------------------------------------------------------------------- rates(): the rule


def test_rates_of_a_number_an_array_and_a_schedule():
    assert S.rates(0.25, 3).tolist() == [0.25, 0.25, 0.25]
    grid = S.rates([0.5, 2.0], 3, dtype=np.float32)
    assert grid.shape == (3, 2) and grid.dtype == np.float32 and not grid.flags.writeable
    assert grid.tolist() == [[0.5, 2.0]] * 3
    # 0.5 * 0.5 ** t is exact in binary
    assert S.rates(S.exponential_decay(0.5, 1, 0.5), 4).tolist() == [0.5, 0.25, 0.125, 0.0625]
    # any function of the steps: called once, with 0 .. steps - 1
    seen = []
    assert S.rates(lambda t: seen.append(t.tolist()) or 0.5 * np.ones(len(t)), 3).tolist() == [
        0.5, 0.5, 0.5]
    assert seen == [[0, 1, 2]]


@pytest.mark.parametrize("call, kind, message", [
    (lambda: S.rates(0.1, 0), ValueError, "steps must be an integer >= 1, got 0"),
    (lambda: S.rates(0.0, 2), ValueError, "lr must be a finite number > 0, got 0.0"),
    (lambda: S.rates(-1.0, 2, name="schedule"), ValueError,
     "schedule must be a finite number > 0, got -1.0"),
    (lambda: S.rates("x", 2), TypeError, "lr must be a real number > 0, got str 'x'"),
    (lambda: S.rates(lambda t: "x", 2), ValueError,
     "lr must be a schedule giving one rate per step (see lrlab.schedules): could not convert "
     "string to float: 'x'"),
    (lambda: S.rates(lambda t: np.ones((2, 1)), 2), ValueError,
     "lr must be a schedule giving one rate per step (see lrlab.schedules): it gave shape (2, 1) "
     "for steps of shape (2,)"),
    (lambda: S.rates(lambda t: np.where(t == 1, np.nan, 0.1), 3), ValueError,
     "lr must be a schedule giving finite rates >= 0, got nan at step 1"),
    # 1e39 is finite in float64 but not in float32
    (lambda: S.rates(lambda t: np.full(t.shape, 1e39), 2, dtype=np.float32), ValueError,
     "lr must be a schedule giving finite rates >= 0 and <= 3.40282e+38 (float32), got 1e+39 "
     "at step 0"),
])
def test_rates_messages_name_the_argument(call, kind, message):
    with pytest.raises(kind) as err:
        call()
    assert str(err.value) == message
