"""Tests of lrlab.conventions: library conventions against the stored library values.

Expected values come from ``lrlab/reference/schedules.json`` (made by Keras,
PyTorch and optax themselves) or from closed forms worked out by hand; none is
copied from the code's output.
"""

from __future__ import annotations

import doctest
import json
import math
from pathlib import Path

import numpy as np
import pytest

import lrlab
import lrlab.conventions as C
import lrlab.schedules as S

REFERENCE = C.load_reference()  # lrlab/reference/schedules.json


def stored(case_id, library, dtype="float64"):
    case = C.reference_case(REFERENCE, case_id, library, dtype)
    return np.asarray(case["steps"]), np.asarray(case["values"])


def test_doctests():
    result = doctest.testmod(C)
    assert result.failed == 0 and result.attempted > 10


# ------------------------------------------------------------ the conventions vs the libraries


def test_keras_piecewise_reproduces_keras_and_differs_from_optax():
    steps, keras = stored("piecewise", "keras")
    _, optax = stored("piecewise", "optax")
    ours_keras = C.keras_piecewise_constant([10, 20], [0.1, 0.05, 0.01])(steps)
    ours_optax = C.optax_piecewise_constant(0.1, {10: 0.5, 20: 0.2})(steps)
    np.testing.assert_allclose(ours_keras, keras, rtol=1e-12)
    np.testing.assert_allclose(ours_optax, optax, rtol=1e-12)
    # the stored libraries disagree exactly at the boundaries 10 and 20, nowhere else
    assert sorted(steps[~np.isclose(keras, optax)].tolist()) == [10, 20]


def test_torch_multistep_reproduces_torch():
    steps, torch = stored("multistep", "torch")
    np.testing.assert_allclose(C.torch_multistep(0.1, [30, 80], 0.1)(steps), torch, rtol=1e-12)


def test_warmup_conventions_reproduce_keras_and_optax():
    steps, keras = stored("warmup_cosine", "keras")
    _, optax = stored("warmup_cosine", "optax")
    # Keras float64 rounds warmup_target through float32 (see the reference README)
    target = float(np.float32(0.1))
    ours_keras = C.keras_cosine_decay(0.0, 100, alpha=0.1, warmup_target=target, warmup_steps=10)
    ours_optax = C.optax_warmup_cosine(0.0, 0.1, warmup_steps=10, decay_steps=110,
                                       end_value=0.01)
    np.testing.assert_allclose(ours_keras(steps), keras, rtol=1e-12)
    np.testing.assert_allclose(ours_optax(steps), optax, rtol=1e-12)


def test_per_epoch_stepping_equals_keras_staircase_and_torch_steplr():
    steps, keras = stored("exponential_staircase", "keras")
    _, torch = stored("exponential_staircase", "torch")
    per_epoch = C.epoch_stepped(S.exponential_decay(0.2, 1, 0.5), 10)
    np.testing.assert_allclose(per_epoch(steps), keras, rtol=1e-12)
    np.testing.assert_allclose(per_epoch(steps), torch, rtol=1e-12)


def test_stored_torch_exponential_per_epoch_is_the_stored_value_at_the_epoch():
    steps, torch = stored("exponential_seed", "torch")
    table = dict(zip(steps.tolist(), torch.tolist(), strict=True))
    per_epoch = C.epoch_stepped(S.exponential_decay(0.2, 1, 0.95), 20)
    for batch in (0, 19, 20, 45, 100):
        assert per_epoch(batch) == pytest.approx(table[batch // 20], rel=1e-12)


def test_build_from_spec_reproduces_every_stored_case():
    checked = 0
    for case in REFERENCE["cases"]:
        if case["lrlab"] is None:
            with pytest.raises(ValueError, match="no lrlab equivalent"):
                C.build_from_spec(case["lrlab"])
            continue
        ours = np.asarray(C.build_from_spec(case["lrlab"])(case["steps"]), dtype=np.float64)
        np.testing.assert_allclose(ours, case["values"], rtol=1e-6, err_msg=case["call"])
        checked += 1
    assert checked > 80


def test_load_reference_default_is_the_package_file(tmp_path):
    assert C.REFERENCE_FILE == Path(lrlab.__file__).parent / "reference" / "schedules.json"
    assert C.load_reference()["versions"]["torch"].startswith("2.13")
    with pytest.raises(FileNotFoundError, match="no reference file at .*missing.json"):
        C.load_reference(tmp_path / "missing.json")


def test_reference_case_errors_and_rates():
    case = C.reference_case(REFERENCE, "piecewise", "optax")
    assert case["rates"][10] == 0.05
    with pytest.raises(KeyError, match="found 0"):
        C.reference_case(REFERENCE, "piecewise", "torch")


# ------------------------------------------------------------ reading a convention off


@pytest.mark.parametrize("boundary", [1, 10, 50, 137])
def test_first_change_at_a_boundary(boundary):
    # Keras: old value while step <= boundary; optax: new value when step >= boundary
    assert C.first_change(C.keras_piecewise_constant([boundary], [0.1, 0.01])) == boundary + 1
    assert C.first_change(C.optax_piecewise_constant(0.1, {boundary: 0.1})) == boundary
    assert C.first_change(C.torch_multistep(0.1, [boundary], 0.1)) == boundary


def test_first_change_none_for_a_constant():
    assert C.first_change(S.constant(0.1), stop=500) is None
    assert C.first_change(S.step_decay(0.1, 30), start=31) == 60


@pytest.mark.parametrize("warmup, decay", [(10, 100), (20, 200), (5, 6)])
def test_settle_step_inside_or_after(warmup, decay):
    optax = C.optax_warmup_cosine(0.0, 0.1, warmup, decay, end_value=0.01)
    keras = C.keras_cosine_decay(0.0, decay, alpha=0.1, warmup_target=0.1, warmup_steps=warmup)
    assert C.settle_step(optax, 10 * decay) == decay
    assert C.settle_step(keras, 10 * decay) == warmup + decay


def test_settle_step_of_simple_schedules():
    assert C.settle_step(S.cosine_decay(0.1, 100), 1000) == 100
    assert C.settle_step(S.polynomial_decay(0.1, 40, end_lr=0.001), 1000) == 40
    assert C.settle_step(S.constant(0.3), 10) == 0


def test_epoch_stepped_closed_form_and_checks():
    per_epoch = C.epoch_stepped(S.exponential_decay(0.3, 1, 0.9), 7)
    t = np.arange(100)
    np.testing.assert_allclose(per_epoch(t), 0.3 * 0.9 ** (t // 7), rtol=1e-12)
    assert isinstance(per_epoch(8), float) and per_epoch(8) == pytest.approx(0.27)
    assert per_epoch.name == "epoch_stepped"
    assert per_epoch.params["batches_per_epoch"] == 7
    with pytest.raises(ValueError):
        C.epoch_stepped(S.constant(0.1), 0)
    with pytest.raises(TypeError):
        C.epoch_stepped(0.1, 5)
    with pytest.raises(ValueError):
        per_epoch(-1)


def test_optax_warmup_cosine_checks():
    with pytest.raises(ValueError):
        C.optax_warmup_cosine(0.0, 0.1, warmup_steps=10, decay_steps=10)
    with pytest.raises(ValueError):
        C.optax_warmup_cosine(0.0, 0.0, warmup_steps=10, decay_steps=100)


def test_keras_cosine_float32_gives_keras_float32_rates():
    """Keras' default (a Python-float rate): float32, equal to the stored Keras values."""
    steps, keras = stored("warmup_cosine", "keras", "float32")
    ours = C.keras_cosine_decay(0.0, 100, alpha=0.1, warmup_target=0.1, warmup_steps=10,
                                dtype=np.float32)(steps)
    assert ours.dtype == np.float32
    np.testing.assert_array_equal(ours, np.asarray(keras, dtype=np.float32))
    steps, keras = stored("cosine", "keras", "float32")
    ours = C.keras_cosine_decay(0.1, 100, alpha=0.01, dtype=np.float32)(steps)
    np.testing.assert_array_equal(ours, np.asarray(keras, dtype=np.float32))


OPTAX_FLOAT32 = json.loads((Path(__file__).parent / "reference" / "optax_float32.json")
                           .read_text(encoding="utf-8"))


@pytest.mark.parametrize(("case_id", "args"), [
    ("warmup_cosine", dict(init_value=0.0, peak_value=0.1, warmup_steps=10, decay_steps=110,
                           end_value=0.01)),
    ("warmup_cosine_from_start", dict(init_value=0.001, peak_value=0.5, warmup_steps=25,
                                      decay_steps=100, end_value=0.0, exponent=2.0)),
])
def test_optax_warmup_cosine_float32_gives_optax_float32_rates(case_id, args):
    (case,) = [c for c in OPTAX_FLOAT32["cases"] if c["id"] == case_id]
    steps = np.asarray(case["steps"])
    ours = C.optax_warmup_cosine(**args, dtype=np.float32)
    got = ours(steps)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.asarray(case["values"], dtype=np.float32))
    assert ours(int(steps[7])) == got[7]  # a single step gives the same number
    # the float64 version agrees to float32 rounding, except where optax's warmup form
    # (init - peak) * (1 - t / W) + peak cancels: at step 0 it gives 0.000999987, not 0.001
    exact = C.optax_warmup_cosine(**args)(steps)
    late = steps >= args["warmup_steps"]
    np.testing.assert_allclose(exact[late], got[late], rtol=2e-6, atol=1e-9)
    np.testing.assert_allclose(exact, got, rtol=2e-6, atol=2e-8)
    if args["init_value"] > 0:
        assert got[0] != np.float32(args["init_value"])


def test_optax_warmup_cosine_float32_checks():
    sched = C.optax_warmup_cosine(0.0, 0.1, 10, 100, dtype=np.float32)
    with pytest.raises(ValueError, match="step must be finite and >= 0"):
        sched(-1)
    with pytest.raises(ValueError, match="dtype must be np.float32 or np.float64"):
        C.optax_warmup_cosine(0.0, 0.1, 10, 100, dtype=np.float16)


def test_keras_cosine_without_warmup_is_plain_cosine():
    steps, keras = stored("cosine", "keras")
    np.testing.assert_allclose(C.keras_cosine_decay(0.1, 100, alpha=0.01)(steps), keras,
                               rtol=1e-12)


# ------------------------------------------------------------ the gallery


def test_gallery_has_every_schedule_peaking_at_0_1():
    g = C.gallery()
    assert list(g) == list(S.__all__) == list(C.GALLERY)
    t = np.arange(101)
    for name, sched in g.items():
        assert sched.name == name
        assert float(np.max(sched(t))) == pytest.approx(0.1, rel=1e-12), name


def test_gallery_schedule_settings():
    sched = C.gallery_schedule("piecewise_constant", boundary_1=5, switch="at")
    assert sched([4, 5]).tolist() == [0.1, 0.05]
    joined = C.gallery_schedule("join_schedules", boundary=20, decay_steps=5, decay_rate=0.1)
    assert joined([19, 20, 24, 25]).tolist() == pytest.approx([0.1, 0.1, 0.1, 0.01])
    warm = C.gallery_schedule("linear_warmup", warmup_steps=10, peak_lr=0.2, decay_steps=40)
    assert warm([5, 10, 30, 50]).tolist() == pytest.approx([0.1, 0.2, 0.1, 0.0])
    with pytest.raises(ValueError, match="settings of step_decay"):
        C.gallery_schedule("step_decay", decay_rate=0.5)
    with pytest.raises(ValueError):
        C.gallery_schedule("no_such_schedule")


# ------------------------------------------------------------ writing calls


@pytest.mark.parametrize("name", list(C.GALLERY))
def test_lrlab_call_round_trips(name):
    sched = C.gallery()[name]
    namespace = {k: getattr(lrlab, k) for k in S.__all__} | {"np": np}
    rebuilt = eval(C.lrlab_call(sched), namespace)  # noqa: S307 - our own generated code
    t = np.arange(0, 300, 0.5)
    np.testing.assert_array_equal(rebuilt(t), sched(t))


def test_lrlab_call_leaves_out_defaults_and_keeps_float32():
    assert C.lrlab_call(S.cosine_decay(0.1, 100, alpha=0.1)) == "cosine_decay(0.1, 100, alpha=0.1)"
    assert (C.lrlab_call(S.exponential_decay(0.2, 1, 0.95, staircase=True, dtype=np.float32))
            == "exponential_decay(0.2, 1, 0.95, staircase=True, dtype=np.float32)")


def test_equivalent_calls_piecewise_shift_the_boundary():
    after = C.equivalent_calls(S.piecewise_constant([10, 20], [0.1, 0.05, 0.01]))
    assert after["keras"].endswith("PiecewiseConstantDecay([10, 20], [0.1, 0.05, 0.01])")
    assert after["optax"] == "optax.piecewise_constant_schedule(0.1, {11: 0.5, 21: 0.2})"
    at = C.equivalent_calls(S.piecewise_constant([10, 20], [0.1, 0.05, 0.01], switch="at"))
    assert at["keras"].endswith("PiecewiseConstantDecay([9, 19], [0.1, 0.05, 0.01])")
    assert at["optax"] == "optax.piecewise_constant_schedule(0.1, {10: 0.5, 20: 0.2})"
    ratio = C.equivalent_calls(S.piecewise_constant([10], [0.1, 0.01], switch="at"))
    assert "MultiStepLR(opt, milestones=[10], gamma=0.1)" in ratio["pytorch"]


def test_equivalent_calls_multistep_and_step():
    calls = C.equivalent_calls(S.multistep_decay(0.1, [30, 80], gamma=0.1))
    assert "PiecewiseConstantDecay([29, 79]" in calls["keras"]
    assert "MultiStepLR(opt, milestones=[30, 80], gamma=0.1)" in calls["pytorch"]
    assert calls["optax"] == "optax.piecewise_constant_schedule(0.1, {30: 0.1, 80: 0.1})"
    repeated = C.equivalent_calls(S.multistep_decay(1.0, [5, 5], gamma=0.5))
    assert repeated["optax"] == "optax.piecewise_constant_schedule(1.0, {5: 0.25})"
    step = C.equivalent_calls(S.step_decay(0.1, 30, gamma=0.5))
    assert "StepLR(opt, step_size=30, gamma=0.5)" in step["pytorch"]
    assert step["keras"].endswith("ExponentialDecay(0.1, 30, 0.5, staircase=True)")


def test_equivalent_calls_warmup_inside_or_after():
    sched = S.linear_warmup(S.cosine_decay(0.1, 100, alpha=0.1), 10, start_lr=0.01)
    calls = C.equivalent_calls(sched)
    assert "CosineDecay(0.01, 100, alpha=0.1, warmup_target=0.1, warmup_steps=10)" in calls["keras"]
    # optax counts the warmup inside decay_steps: 100 + 10; end value alpha * peak
    assert calls["optax"].startswith("optax.warmup_cosine_decay_schedule(0.01, 0.1, 10, 110, ")
    assert "end_value=0.01" in calls["optax"]
    assert "LinearLR(opt, start_factor=0.1, total_iters=10)" in calls["pytorch"]
    assert C.equivalent_calls(S.linear_warmup(S.cosine_decay(0.1, 100), 10))["pytorch"] is None


def test_equivalent_calls_where_a_library_has_none():
    assert C.equivalent_calls(S.one_cycle(0.1, 100))["keras"] is None
    assert C.equivalent_calls(S.inverse_time_decay(0.1, 10, 0.5))["optax"] is None
    restarts = C.equivalent_calls(S.cosine_decay_restarts(0.1, 10, m_mul=0.5))
    assert restarts["pytorch"] is None
    plain = C.equivalent_calls(S.cosine_decay_restarts(0.1, 10, t_mul=2.0, alpha=0.01))
    assert "CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2, eta_min=0.001)" in plain["pytorch"]
    begin = C.equivalent_calls(S.exponential_decay(0.1, 10, 0.5, transition_begin=5))
    assert begin["keras"] is None and "transition_begin=5" in begin["optax"]
    with pytest.raises(TypeError):
        C.equivalent_calls(lambda t: 0.1)


def test_equivalent_calls_cosine_and_exponential():
    cos = C.equivalent_calls(S.cosine_decay(0.1, 100, alpha=0.01))
    assert "CosineAnnealingLR(opt, T_max=100, eta_min=0.001)" in cos["pytorch"]
    assert cos["optax"] == "optax.cosine_decay_schedule(0.1, 100, alpha=0.01)"
    assert C.equivalent_calls(S.cosine_decay(0.1, 100, exponent=2.0))["keras"] is None
    blog_post = C.equivalent_calls(S.exponential_decay(0.2, 1, 0.95))
    assert "ExponentialLR(opt, gamma=0.95)" in blog_post["pytorch"]


def test_equivalents_table_and_markdown():
    rows = C.equivalents_table(C.gallery())
    assert [r["name"] for r in rows] == list(C.GALLERY)
    text = C.table_markdown(rows)
    lines = text.splitlines()
    assert lines[0] == ("| lrlab | Keras 3 (`keras.optimizers.schedules.`) | "
                        "PyTorch (`torch.optim.lr_scheduler.`) | optax (`optax.`) |")
    assert len(lines) == 2 + len(rows)
    assert "*no built-in*" in text
    body = "\n".join(lines[2:])
    assert "keras.optimizers.schedules." not in body and "lr_scheduler." not in body
    assert "`piecewise_constant_schedule(0.1, {31: 0.5, 61: 0.2})`" in body
    assert all(line.count(" | ") == 3 for line in lines[2:])
    rows_list = C.equivalents_table([S.constant(0.1)])
    assert rows_list[0]["name"] == "constant" and math.isclose(0.1, 0.1)


def test_one_cycle_calls_keep_sgd_momentum_and_flag_optax_peak():
    calls = C.equivalent_calls(S.one_cycle(0.1, 100))
    # OneCycleLR's default cycle_momentum=True overwrites the optimizer's momentum
    # (checked with PyTorch 2.13: SGD's momentum 0 becomes 0.95, 0.85 at the peak)
    assert calls["pytorch"].endswith("total_steps=100, cycle_momentum=False)")
    assert calls["optax"] == ("optax.cosine_onecycle_schedule(100, 0.1)  "
                              "# nearest, not equal: peak at step 30 (PyTorch: 29)")
    # the stored library values put the peaks where the comment says
    torch_steps, torch_rates = stored("one_cycle", "torch")
    optax_steps, optax_rates = stored("optax_cosine_onecycle", "optax")
    assert torch_steps[int(np.argmax(torch_rates))] == 29
    assert optax_steps[int(np.argmax(optax_rates))] == 30
    assert C.equivalent_calls(S.one_cycle(0.1, 100, three_phase=True))["optax"] is None
    assert C.equivalent_calls(S.one_cycle(0.1, 100, anneal="linear"))["optax"] is None
