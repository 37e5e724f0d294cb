"""Produce ``schedules.json``: learning rates computed by the real libraries.

Run with the reference environment (TensorFlow/Keras, PyTorch, JAX/optax),
never needed by the tests themselves::

    /work/refenv/bin/python tests/reference/generate_schedules.py

Every *case* evaluates one library call at a list of steps and records the
lrlab call that should reproduce it (``lrlab``: factory name and keyword
arguments, nested for schedules that wrap other schedules). Cases whose
``lrlab`` is ``null`` record a convention of the library that lrlab does not
follow (they are checked in the tests for the *difference*).

How each library is asked:

- Keras 3 (TensorFlow backend): ``schedule(step)`` one step at a time. Keras
  computes in the dtype of ``initial_learning_rate``: a Python float gives
  float32 (``keras.config.floatx()``), a ``np.float64`` gives float64. Both
  are stored.
- TensorFlow 1 API (``tf.compat.v1.train.*``), float32.
- PyTorch: a real ``torch.optim.SGD`` with the scheduler attached; the rate
  at step ``t`` is ``optimizer.param_groups[0]["lr"]`` after ``t`` calls of
  ``optimizer.step(); scheduler.step()``. Python floats (float64).
- optax with ``jax_enable_x64``: float64.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import jaxlib  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
import tensorflow as tf  # noqa: E402
import torch  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "lrlab" / "reference" / "schedules.json"
KS = keras.optimizers.schedules
TS = torch.optim.lr_scheduler

CASES = []


def lab(factory, **kwargs):
    """The lrlab call expected to reproduce a case."""
    return {"factory": factory, "kwargs": kwargs}


def add(case_id, library, dtype, call, params, steps, values, lrlab, note=""):
    values = [float(v) for v in values]
    assert all(np.isfinite(values)), (case_id, library, values)
    CASES.append({
        "id": case_id,
        "library": library,
        "dtype": dtype,
        "call": call,
        "params": params,
        "lrlab": lrlab,
        "steps": [int(s) if float(s).is_integer() else float(s) for s in steps],
        "values": values,
        "note": note,
    })


# --------------------------------------------------------------------------- evaluators


def keras_values(make, steps):
    sched = make()
    out = []
    for s in steps:
        v = sched(tf.constant(s, dtype=tf.int64 if float(s).is_integer() else tf.float32))
        out.append(v.numpy())
    dtypes = {np.asarray(v).dtype for v in out}
    assert len(dtypes) == 1, dtypes
    return [float(v) for v in out], str(dtypes.pop())


# Keras's float64 mode still casts Python-float hyper-parameters through float32
# (``ops.cast(0.95, "float64")`` converts 0.95 to a float32 tensor first). These
# lrlab arguments are therefore rounded to float32 in the float64 expectation.
KERAS_F32_ROUNDED = {
    "ExponentialDecay": ["decay_rate", "gamma"],
    "InverseTimeDecay": ["decay_rate"],
    "PolynomialDecay": ["end_lr", "power"],
    "CosineDecay": ["schedule.initial_lr"],  # warmup_target
    "CosineDecayRestarts": ["alpha", "t_mul", "m_mul"],
    "PiecewiseConstantDecay": [],
}


def _round_through_float32(spec, paths):
    spec = json.loads(json.dumps(spec))
    for path in paths:
        *outer, last = path.split(".")
        kw = spec["kwargs"]
        for key in outer:
            kw = kw.get(key, {}).get("kwargs", {})
        if last in kw:
            kw[last] = float(np.float32(kw[last]))
    return spec


def keras_case(case_id, cls, args, kwargs, steps, lrlab, note="",
               float64_arg="initial_learning_rate"):
    """Store a Keras schedule twice: float32 (Python floats) and float64."""
    call_args = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
    call = f"keras.optimizers.schedules.{cls}({call_args})"
    values, dtype = keras_values(lambda: getattr(KS, cls)(*args, **kwargs), steps)
    assert dtype == "float32", dtype
    lab32 = None if lrlab is None else _with_dtype(lrlab, "float32")
    add(case_id, "keras", "float32", call, {"args": list(args), "kwargs": kwargs}, steps, values,
        lab32, note)
    # float64: the dtype follows the first argument (the initial rate or the values)
    args64 = list(args)
    if float64_arg == "values":
        args64[1] = [np.float64(v) for v in args64[1]]
    else:
        args64[0] = np.float64(args64[0])
    values, dtype = keras_values(lambda: getattr(KS, cls)(*args64, **kwargs), steps)
    assert dtype == "float64", dtype
    call64 = call.replace(f"{cls}(", f"{cls}(<{float64_arg} as np.float64> ", 1)
    rounded = KERAS_F32_ROUNDED[cls]
    note64 = note
    if rounded:
        note64 = (note + "; " if note else "") + (
            "Keras float64 casts these arguments through float32 first: "
            + ", ".join(rounded))
    add(case_id, "keras", "float64", call64, {"args": list(args), "kwargs": kwargs}, steps,
        values, None if lrlab is None else _round_through_float32(lrlab, rounded), note64)


def _with_dtype(spec, dtype):
    """Add dtype to an lrlab spec (and to the schedules it wraps)."""
    spec = json.loads(json.dumps(spec))
    spec["kwargs"]["dtype"] = dtype
    for key in ("schedule",):
        if key in spec["kwargs"]:
            spec["kwargs"][key] = _with_dtype(spec["kwargs"][key], dtype)
    if "schedules" in spec["kwargs"]:
        spec["kwargs"]["schedules"] = [_with_dtype(s, dtype) for s in spec["kwargs"]["schedules"]]
    return spec


def tf1_case(case_id, fn, args_before, args_after, steps, lrlab, note=""):
    """TensorFlow 1 API: fn(*args_before, global_step, *args_after) in eager mode."""
    values = []
    for s in steps:
        r = getattr(tf.compat.v1.train, fn)(*args_before, tf.constant(int(s), tf.int64),
                                            *args_after)
        r = r() if callable(r) else r
        assert r.dtype == tf.float32, r.dtype
        values.append(float(r.numpy()))
    call = (f"tf.compat.v1.train.{fn}("
            + ", ".join([*map(repr, args_before), "global_step", *map(repr, args_after)]) + ")")
    add(case_id, "tf1", "float32", call,
        {"args_before_step": list(args_before), "args_after_step": list(args_after)},
        steps, values, None if lrlab is None else _with_dtype(lrlab, "float32"), note)


def torch_values(lr, make_scheduler, steps):
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=lr)
    sched = make_scheduler(opt)
    wanted = {int(s) for s in steps}
    got = {}
    for t in range(max(wanted) + 1):
        if t > 0:
            opt.step()
            sched.step()
        if t in wanted:
            got[t] = opt.param_groups[0]["lr"]
    out = [got[int(s)] for s in steps]
    assert all(isinstance(v, float) for v in out)
    return out


def torch_case(case_id, lr, call, make_scheduler, steps, lrlab, note=""):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = torch_values(lr, make_scheduler, steps)
    add(case_id, "torch", "float64", f"torch.optim.SGD(params, lr={lr!r}); {call}",
        {"lr": lr, "scheduler": call}, steps, values, lrlab, note)


def optax_case(case_id, call, sched, steps, lrlab, note=""):
    values = []
    for s in steps:
        v = sched(jnp.asarray(s, dtype=jnp.int64 if float(s).is_integer() else jnp.float64))
        v = jnp.asarray(v)
        assert v.dtype == jnp.float64, v.dtype
        values.append(float(v))
    add(case_id, "optax", "float64", call, {"call": call}, steps, values, lrlab, note)


def around(*points, lo=0):
    """Steps 0, each point and its neighbours."""
    out = {0}
    for p in points:
        out.update({p - 1, p, p + 1})
    return sorted(s for s in out if s >= lo)


# --------------------------------------------------------------------------- cases


def exponential_cases():
    dense = sorted(set(range(0, 301)) | {333, 1000, 5000})
    steps = around(1, 9, 10, 20, 100) + [333, 1000, 5000]
    spec = lab("exponential_decay", initial_lr=0.2, decay_steps=10, decay_rate=0.95)
    keras_case("exponential", "ExponentialDecay", (0.2, 10, 0.95), {}, dense, spec)
    tf1_case("exponential", "exponential_decay", (0.2,), (10, 0.95), steps, spec)
    optax_case("exponential", "optax.exponential_decay(init_value=0.2, transition_steps=10, "
               "decay_rate=0.95)", optax.exponential_decay(0.2, 10, 0.95), steps, spec)

    spec = lab("exponential_decay", initial_lr=0.2, decay_steps=10, decay_rate=0.5,
               staircase=True)
    keras_case("exponential_staircase", "ExponentialDecay", (0.2, 10, 0.5), {"staircase": True},
               steps, spec)
    tf1_case("exponential_staircase", "exponential_decay", (0.2,), (10, 0.5, True), steps, spec)
    optax_case("exponential_staircase", "optax.exponential_decay(0.2, 10, 0.5, staircase=True)",
               optax.exponential_decay(0.2, 10, 0.5, staircase=True), steps, spec)
    torch_case("exponential_staircase", 0.2, "StepLR(optimizer, step_size=10, gamma=0.5)",
               lambda o: TS.StepLR(o, step_size=10, gamma=0.5), steps, spec)

    # the blog post's schedule (case ids say "seed"): rate 0.95 per step, float32 underflow late on
    blog_post_steps = sorted(set(range(0, 2001, 5)) | {1, 2, 3, 58, 179, 1671, 1672, 1996})
    spec = lab("exponential_decay", initial_lr=0.2, decay_steps=1, decay_rate=0.95)
    keras_case("exponential_seed", "ExponentialDecay", (0.2, 1, 0.95), {}, blog_post_steps, spec)
    tf1_case("exponential_seed", "exponential_decay", (0.2,), (1, 0.95), blog_post_steps, spec)
    for staircase in (True,):
        tf1_case("exponential_seed_staircase", "exponential_decay", (0.2,), (1, 0.95, staircase),
                 blog_post_steps, dict(spec, kwargs=dict(spec["kwargs"], staircase=True)))
    optax_case("exponential_seed", "optax.exponential_decay(0.2, 1, 0.95)",
               optax.exponential_decay(0.2, 1, 0.95), blog_post_steps, spec)
    torch_case("exponential_seed", 0.2, "ExponentialLR(optimizer, gamma=0.95)",
               lambda o: TS.ExponentialLR(o, gamma=0.95), blog_post_steps, spec,
               note="one multiplication per step: rounding accumulates")

    # growth, as in a learning-rate range test
    grow_steps = list(range(0, 101, 5)) + [7, 33, 99]
    spec = lab("exponential_decay", initial_lr=1e-4, decay_steps=10, decay_rate=10.0)
    keras_case("exponential_growth", "ExponentialDecay", (1e-4, 10, 10.0), {}, sorted(grow_steps),
               spec)
    spec = lab("exponential_decay", initial_lr=1e-4, decay_steps=10, decay_rate=10.0,
               end_value=1.0)
    optax_case("exponential_growth_ceiling", "optax.exponential_decay(1e-4, 10, 10.0, "
               "end_value=1.0)", optax.exponential_decay(1e-4, 10, 10.0, end_value=1.0),
               sorted(grow_steps), spec)

    # optax's transition_begin and end_value (a floor)
    steps = around(5, 15, 25, 100) + [1000]
    spec = lab("exponential_decay", initial_lr=0.1, decay_steps=10, decay_rate=0.5,
               transition_begin=5, end_value=0.01)
    optax_case("exponential_begin_floor", "optax.exponential_decay(0.1, transition_steps=10, "
               "decay_rate=0.5, transition_begin=5, end_value=0.01)",
               optax.exponential_decay(0.1, 10, 0.5, transition_begin=5, end_value=0.01),
               steps, spec)
    spec = lab("exponential_decay", initial_lr=0.1, decay_steps=10, decay_rate=0.5,
               staircase=True, transition_begin=5)
    optax_case("exponential_begin_staircase", "optax.exponential_decay(0.1, 10, 0.5, "
               "transition_begin=5, staircase=True)",
               optax.exponential_decay(0.1, 10, 0.5, transition_begin=5, staircase=True),
               steps, spec)


def inverse_time_cases():
    steps = around(10, 20, 100) + [1000, 100000]
    for staircase in (False, True):
        cid = "inverse_time" + ("_staircase" if staircase else "")
        spec = lab("inverse_time_decay", initial_lr=0.1, decay_steps=10, decay_rate=0.5,
                   staircase=staircase)
        keras_case(cid, "InverseTimeDecay", (0.1, 10, 0.5), {"staircase": staircase}, steps, spec)
        tf1_case(cid, "inverse_time_decay", (0.1,), (10, 0.5, staircase), steps, spec)
        if staircase:
            fn, text = (lambda t: 1 / (1 + 0.5 * (t // 10))), "lambda t: 1 / (1 + 0.5 * (t // 10))"
        else:
            fn, text = (lambda t: 1 / (1 + 0.5 * t / 10)), "lambda t: 1 / (1 + 0.5 * t / 10)"
        steps_t = [s for s in steps if s <= 1000]
        torch_case(cid, 0.1, f"LambdaLR(optimizer, {text})", lambda o, f=fn: TS.LambdaLR(o, f),
                   steps_t, spec)


def polynomial_cases():
    steps = around(50, 100, 200) + [1000]
    spec = lab("polynomial_decay", initial_lr=0.1, decay_steps=100, end_lr=0.001, power=2.0)
    keras_case("polynomial", "PolynomialDecay", (0.1, 100), {"end_learning_rate": 0.001,
               "power": 2.0}, steps, spec)
    tf1_case("polynomial", "polynomial_decay", (0.1,), (100, 0.001, 2.0), steps, spec)
    optax_case("polynomial", "optax.polynomial_schedule(init_value=0.1, end_value=0.001, "
               "power=2.0, transition_steps=100)",
               optax.polynomial_schedule(0.1, 0.001, 2.0, 100), steps, spec)
    spec = lab("polynomial_decay", initial_lr=0.1, decay_steps=100, end_lr=0.0, power=2.0)
    torch_case("polynomial_to_zero", 0.1, "PolynomialLR(optimizer, total_iters=100, power=2.0)",
               lambda o: TS.PolynomialLR(o, total_iters=100, power=2.0), steps, spec)
    keras_case("polynomial_to_zero", "PolynomialDecay", (0.1, 100), {"end_learning_rate": 0.0,
               "power": 2.0}, steps, spec)
    spec = lab("polynomial_decay", initial_lr=0.05, decay_steps=40, end_lr=0.0005, power=1.0)
    optax_case("polynomial_linear", "optax.linear_schedule(init_value=0.05, end_value=0.0005, "
               "transition_steps=40)", optax.linear_schedule(0.05, 0.0005, 40), around(20, 40),
               spec)
    keras_case("polynomial_linear", "PolynomialDecay", (0.05, 40),
               {"end_learning_rate": 0.0005, "power": 1.0}, around(20, 40), spec)
    cyc_steps = around(10, 20, 30, 40, 95) + [15, 25]
    spec = lab("polynomial_decay", initial_lr=0.1, decay_steps=10, end_lr=0.01, power=0.5,
               cycle=True)
    keras_case("polynomial_cycle", "PolynomialDecay", (0.1, 10),
               {"end_learning_rate": 0.01, "power": 0.5, "cycle": True}, sorted(cyc_steps), spec)
    tf1_case("polynomial_cycle", "polynomial_decay", (0.1,), (10, 0.01, 0.5, True),
             sorted(cyc_steps), spec)


def piecewise_cases():
    steps = around(10, 20) + [100]
    boundaries, values = [10, 20], [0.1, 0.05, 0.01]
    after = lab("piecewise_constant", boundaries=boundaries, values=values, switch="after")
    keras_case("piecewise", "PiecewiseConstantDecay", (boundaries, values), {}, steps, after,
               float64_arg="values",
               note="Keras keeps the old value while step <= boundary")
    tf1_case("piecewise", "piecewise_constant", (), (boundaries, values), steps, after)
    # optax stores ratios; the values it means are their running products
    scales = {10: 0.5, 20: 0.2}
    v = 0.1
    optax_values = [v]
    for b in sorted(scales):
        v = scales[b] * v
        optax_values.append(v)
    at = lab("piecewise_constant", boundaries=boundaries, values=optax_values, switch="at")
    optax_case("piecewise", "optax.piecewise_constant_schedule(0.1, {10: 0.5, 20: 0.2})",
               optax.piecewise_constant_schedule(0.1, scales), steps, at,
               note="optax switches at step >= boundary")


def step_cases():
    steps = around(30, 60, 90) + [300]
    spec = lab("step_decay", initial_lr=0.1, step_size=30, gamma=0.1)
    torch_case("step", 0.1, "StepLR(optimizer, step_size=30, gamma=0.1)",
               lambda o: TS.StepLR(o, step_size=30, gamma=0.1), steps, spec)
    keras_case("step", "ExponentialDecay", (0.1, 30, 0.1), {"staircase": True}, steps, spec)
    optax_case("step", "optax.exponential_decay(0.1, 30, 0.1, staircase=True)",
               optax.exponential_decay(0.1, 30, 0.1, staircase=True), steps, spec)

    steps = around(30, 80) + [200]
    spec = lab("multistep_decay", initial_lr=0.1, milestones=[30, 80], gamma=0.1)
    torch_case("multistep", 0.1, "MultiStepLR(optimizer, milestones=[30, 80], gamma=0.1)",
               lambda o: TS.MultiStepLR(o, milestones=[30, 80], gamma=0.1), steps, spec)
    optax_case("multistep", "optax.piecewise_constant_schedule(0.1, {30: 0.1, 80: 0.1})",
               optax.piecewise_constant_schedule(0.1, {30: 0.1, 80: 0.1}), steps, spec)
    values = [0.1, 0.1 * 0.1, 0.1 * 0.1**2]
    keras_case("multistep", "PiecewiseConstantDecay", ([29, 79], values), {}, steps,
               lab("piecewise_constant", boundaries=[29, 79], values=values),
               float64_arg="values", note="milestones - 1, since Keras switches after")
    spec = lab("multistep_decay", initial_lr=0.1, milestones=[30, 30, 80], gamma=0.5)
    torch_case("multistep_repeated", 0.1,
               "MultiStepLR(optimizer, milestones=[30, 30, 80], gamma=0.5)",
               lambda o: TS.MultiStepLR(o, milestones=[30, 30, 80], gamma=0.5), steps, spec,
               note="a repeated milestone applies gamma twice")


def cosine_cases():
    steps = list(range(0, 101)) + [150, 200, 1000]
    spec = lab("cosine_decay", initial_lr=0.1, decay_steps=100, alpha=0.01)
    keras_case("cosine", "CosineDecay", (0.1, 100), {"alpha": 0.01}, steps, spec)
    tf1_case("cosine", "cosine_decay", (0.1,), (100, 0.01), steps, spec)
    optax_case("cosine", "optax.cosine_decay_schedule(init_value=0.1, decay_steps=100, "
               "alpha=0.01)", optax.cosine_decay_schedule(0.1, 100, alpha=0.01), steps, spec)
    within = [s for s in steps if s <= 100]
    torch_case("cosine", 0.1, "CosineAnnealingLR(optimizer, T_max=100, eta_min=0.001)",
               lambda o: TS.CosineAnnealingLR(o, T_max=100, eta_min=0.1 * 0.01), within, spec,
               note="eta_min = alpha * initial_lr; steps up to T_max")
    beyond = [101, 150, 200]
    torch_case("cosine_beyond_tmax", 0.1, "CosineAnnealingLR(optimizer, T_max=100, "
               "eta_min=0.001)", lambda o: TS.CosineAnnealingLR(o, T_max=100, eta_min=0.001),
               beyond, None, note="after T_max torch climbs back up; lrlab, Keras and optax "
               "stay at the minimum")
    spec = lab("cosine_decay", initial_lr=0.1, decay_steps=100, alpha=0.0, exponent=2.0)
    optax_case("cosine_exponent", "optax.cosine_decay_schedule(0.1, 100, alpha=0.0, "
               "exponent=2.0)", optax.cosine_decay_schedule(0.1, 100, exponent=2.0), steps, spec)
    spec = lab("cosine_decay", initial_lr=0.1, decay_steps=100)
    keras_case("cosine_to_zero", "CosineDecay", (0.1, 100), {}, steps, spec)
    torch_case("cosine_to_zero", 0.1, "CosineAnnealingLR(optimizer, T_max=100)",
               lambda o: TS.CosineAnnealingLR(o, T_max=100), within, spec)


def restart_cases():
    steps = sorted(set(around(5, 10, 30, 70, 150, 310)) | {20, 50, 100, 200})
    spec = lab("cosine_decay_restarts", initial_lr=0.1, first_decay_steps=10, t_mul=2.0,
               m_mul=0.5, alpha=0.01)
    keras_case("restarts", "CosineDecayRestarts", (0.1, 10),
               {"t_mul": 2.0, "m_mul": 0.5, "alpha": 0.01}, steps, spec)
    tf1_case("restarts", "cosine_decay_restarts", (0.1,), (10, 2.0, 0.5, 0.01), steps, spec)
    spec = lab("cosine_decay_restarts", initial_lr=0.1, first_decay_steps=10, t_mul=2.0,
               alpha=0.01)
    keras_case("restarts_tmul2", "CosineDecayRestarts", (0.1, 10), {"t_mul": 2.0, "alpha": 0.01},
               steps, spec)
    torch_case("restarts_tmul2", 0.1, "CosineAnnealingWarmRestarts(optimizer, T_0=10, T_mult=2, "
               "eta_min=0.001)", lambda o: TS.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2,
                                                                          eta_min=0.001),
               steps, spec, note="eta_min = alpha * initial_lr; torch has no m_mul")
    steps1 = around(10, 20, 50)
    spec = lab("cosine_decay_restarts", initial_lr=0.1, first_decay_steps=10, t_mul=1.0)
    keras_case("restarts_tmul1", "CosineDecayRestarts", (0.1, 10), {"t_mul": 1.0}, steps1, spec)
    torch_case("restarts_tmul1", 0.1, "CosineAnnealingWarmRestarts(optimizer, T_0=10)",
               lambda o: TS.CosineAnnealingWarmRestarts(o, T_0=10), steps1, spec)
    steps3 = sorted(set(around(7, 28, 91)) | {14, 50, 200})
    spec = lab("cosine_decay_restarts", initial_lr=0.1, first_decay_steps=7, t_mul=3.0,
               m_mul=0.9)
    keras_case("restarts_tmul3", "CosineDecayRestarts", (0.1, 7), {"t_mul": 3.0, "m_mul": 0.9},
               steps3, spec)


def warmup_cases():
    steps = around(5, 10, 60, 110) + [500]
    # Keras: the decay steps come after the warmup
    spec = lab("linear_warmup", schedule=lab("cosine_decay", initial_lr=0.1, decay_steps=100,
                                             alpha=0.1), warmup_steps=10, start_lr=0.0)
    keras_case("warmup_cosine", "CosineDecay", (0.0, 100),
               {"alpha": 0.1, "warmup_target": 0.1, "warmup_steps": 10}, steps, spec)
    # optax: the decay steps include the warmup
    spec = lab("linear_warmup", schedule=lab("cosine_decay", initial_lr=0.1, decay_steps=100,
                                             alpha=0.01 / 0.1), warmup_steps=10, start_lr=0.0)
    optax_case("warmup_cosine", "optax.warmup_cosine_decay_schedule(init_value=0.0, "
               "peak_value=0.1, warmup_steps=10, decay_steps=110, end_value=0.01)",
               optax.warmup_cosine_decay_schedule(0.0, 0.1, 10, 110, end_value=0.01), steps, spec,
               note="decay_steps=110 includes the 10 warmup steps")
    spec = lab("linear_warmup", schedule=lab("exponential_decay", initial_lr=0.1, decay_steps=10,
                                             decay_rate=0.5), warmup_steps=10, start_lr=0.001)
    optax_case("warmup_exponential", "optax.warmup_exponential_decay_schedule(init_value=0.001, "
               "peak_value=0.1, warmup_steps=10, transition_steps=10, decay_rate=0.5)",
               optax.warmup_exponential_decay_schedule(0.001, 0.1, 10, 10, 0.5), steps, spec)
    # torch: LinearLR then the decay, joined by SequentialLR
    spec = lab("linear_warmup", schedule=lab("cosine_decay", initial_lr=0.1, decay_steps=100),
               warmup_steps=10, start_lr=0.01)
    torch_case("warmup_cosine_sequential", 0.1,
               "SequentialLR(optimizer, [LinearLR(optimizer, start_factor=0.1, end_factor=1.0, "
               "total_iters=10), CosineAnnealingLR(optimizer, T_max=100)], milestones=[10])",
               lambda o: TS.SequentialLR(o, [TS.LinearLR(o, start_factor=0.1, end_factor=1.0,
                                                         total_iters=10),
                                             TS.CosineAnnealingLR(o, T_max=100)], milestones=[10]),
               [s for s in steps if s <= 110], spec)


def one_cycle_cases():
    variants = [
        ("one_cycle", 100, {}),
        ("one_cycle_linear", 100, {"anneal": "linear"}),
        ("one_cycle_three_phase", 100, {"three_phase": True}),
        ("one_cycle_three_phase_linear", 100, {"three_phase": True, "anneal": "linear"}),
        ("one_cycle_odd", 37, {"pct_start": 0.25, "div_factor": 10.0,
                               "final_div_factor": 100.0}),
    ]
    for cid, total, kw in variants:
        pct = kw.get("pct_start", 0.3)
        peak1 = pct * total - 1
        steps = sorted({s for s in around(int(peak1), int(peak1) + 1, int(2 * peak1),
                                          total // 2, total - 1) if s <= total - 1})
        torch_kw = {"anneal_strategy" if k == "anneal" else k: v for k, v in kw.items()}
        text = ", ".join(f"{k}={v!r}" for k, v in torch_kw.items())
        spec = lab("one_cycle", max_lr=0.1, total_steps=total, **kw)
        torch_case(cid, 0.1, f"OneCycleLR(optimizer, max_lr=0.1, total_steps={total}"
                   + (", " + text if text else "") + ")",
                   lambda o, t=total, k=torch_kw: TS.OneCycleLR(o, max_lr=0.1, total_steps=t, **k),
                   steps, spec)
    # torch's extra step at total_steps (extrapolated) is a convention lrlab does not follow
    torch_case("one_cycle_linear_extra_step", 0.1, "OneCycleLR(optimizer, max_lr=0.1, "
               "total_steps=100, anneal_strategy='linear')",
               lambda o: TS.OneCycleLR(o, max_lr=0.1, total_steps=100, anneal_strategy="linear"),
               [99, 100], None, note="step total_steps extrapolates below the minimum")

    # optax's one-cycle schedules are joins of simple pieces in lrlab
    total, peak, pct, div, fdiv = 100, 0.1, 0.3, 25.0, 1e4
    a = peak / div
    top = a * div
    low = top * (1.0 / (div * fdiv))
    n = int(pct * total)
    spec = lab("join_schedules", schedules=[
        lab("cosine_decay", initial_lr=a, decay_steps=n, alpha=top / a),
        lab("cosine_decay", initial_lr=top, decay_steps=total - n, alpha=low / top)],
        boundaries=[n])
    steps = around(n, 50, total) + [1000]
    optax_case("optax_cosine_onecycle", "optax.cosine_onecycle_schedule(transition_steps=100, "
               "peak_value=0.1)", optax.cosine_onecycle_schedule(100, 0.1), steps, spec,
               note="peak at int(pct_start * T), minimum at T")
    n1, n2 = int(0.3 * total), int(0.85 * total)
    low = a * (1.0 / fdiv)
    spec = lab("join_schedules", schedules=[
        lab("polynomial_decay", initial_lr=a, decay_steps=n1, end_lr=top),
        lab("polynomial_decay", initial_lr=top, decay_steps=n2 - n1, end_lr=top * (1.0 / div)),
        lab("polynomial_decay", initial_lr=top * (1.0 / div), decay_steps=total - n2,
            end_lr=top * (1.0 / div) * (1.0 / fdiv))], boundaries=[n1, n2])
    optax_case("optax_linear_onecycle", "optax.linear_onecycle_schedule(transition_steps=100, "
               "peak_value=0.1)", optax.linear_onecycle_schedule(100, 0.1),
               around(n1, n2, total) + [50, 1000], spec)
    del low


def join_cases():
    steps = around(10, 30) + [100]
    spec = lab("join_schedules", schedules=[
        lab("polynomial_decay", initial_lr=0.0, decay_steps=10, end_lr=0.1),
        lab("exponential_decay", initial_lr=0.1, decay_steps=5, decay_rate=0.5),
        lab("constant", lr=0.001)], boundaries=[10, 30])
    optax_case("join", "optax.join_schedules([optax.linear_schedule(0.0, 0.1, 10), "
               "optax.exponential_decay(0.1, 5, 0.5), optax.constant_schedule(0.001)], [10, 30])",
               optax.join_schedules([optax.linear_schedule(0.0, 0.1, 10),
                                     optax.exponential_decay(0.1, 5, 0.5),
                                     optax.constant_schedule(0.001)], [10, 30]), steps, spec)
    spec = lab("join_schedules", schedules=[
        lab("constant", lr=0.1),
        lab("multistep_decay", initial_lr=0.1, milestones=[5], gamma=0.5)], boundaries=[10])
    torch_case("join_sequential", 0.1, "SequentialLR(optimizer, [ConstantLR(optimizer, "
               "factor=1.0, total_iters=0), MultiStepLR(optimizer, milestones=[5], gamma=0.5)], "
               "milestones=[10])",
               lambda o: TS.SequentialLR(o, [TS.ConstantLR(o, factor=1.0, total_iters=0),
                                             TS.MultiStepLR(o, milestones=[5], gamma=0.5)],
                                         milestones=[10]), around(10, 15) + [30], spec)


def main():
    exponential_cases()
    inverse_time_cases()
    polynomial_cases()
    piecewise_cases()
    step_cases()
    cosine_cases()
    restart_cases()
    warmup_cases()
    one_cycle_cases()
    join_cases()
    ids = [(c["id"], c["library"], c["dtype"]) for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case"
    doc = {
        "description": "Learning rates from Keras/TensorFlow, PyTorch and optax, with the lrlab "
                       "call that should reproduce each; see README.md.",
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": "/work/refenv/bin/python tests/reference/generate_schedules.py",
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "versions": {
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "torch": torch.__version__,
            "jax": jax.__version__,
            "jaxlib": jaxlib.__version__,
            "optax": optax.__version__,
            "numpy": np.__version__,
        },
        "settings": {
            "keras_floatx": keras.config.floatx(),
            "keras_backend": keras.backend.backend(),
            "jax_enable_x64": bool(jax.config.jax_enable_x64),
        },
        "dtypes": "float32: Keras/TF with Python-float arguments (their default); float64: "
                  "Keras with a np.float64 first argument, torch (Python floats), optax (x64)",
        "cases": CASES,
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(CASES)} cases to {OUT}")


if __name__ == "__main__":
    main()
