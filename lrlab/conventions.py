"""Where Keras, PyTorch and optax disagree, and how to translate between them.

The same schedule is spelled differently in each library, and three details
make "the same" schedule give different rates at the same step:

1. **Boundaries.** Keras ``PiecewiseConstantDecay`` keeps the old value while
   ``step <= boundary`` and uses the new one from ``boundary + 1``; optax
   ``piecewise_constant_schedule`` and PyTorch ``MultiStepLR`` switch *at* the
   boundary (milestone). :func:`keras_piecewise_constant` and
   :func:`optax_piecewise_constant` turn each library's arguments into the
   lrlab schedule that gives its rates.
2. **Warmup inside or after the decay.** optax
   ``warmup_cosine_decay_schedule(decay_steps=D)`` counts the warmup *inside*
   ``D``; Keras ``CosineDecay(decay_steps=D, warmup_steps=W)`` decays for ``D``
   steps *after* the warmup (:func:`optax_warmup_cosine`,
   :func:`keras_cosine_decay`).
3. **Who counts the steps.** A PyTorch scheduler moves on when the user calls
   ``scheduler.step()``: once per batch or once per epoch.
   :func:`epoch_stepped` gives the rate per batch of a schedule stepped once
   per epoch; it equals a Keras or optax staircase whose ``decay_steps`` is
   the number of batches per epoch.

:func:`equivalent_calls` writes the Keras, PyTorch and optax calls for an lrlab
schedule from its ``.params`` (the mappings of the docstrings in
:mod:`lrlab.schedules`), and :func:`gallery` builds the notebook's example of
every schedule. :func:`load_reference` reads the rates the real libraries
produced (``lrlab/reference/schedules.json``, installed with the package).

>>> keras = keras_piecewise_constant([50], [0.1, 0.01])
>>> optax = optax_piecewise_constant(0.1, {50: 0.1})
>>> first_change(keras), first_change(optax)
(51, 50)
"""

from __future__ import annotations

import inspect
import json
import math
from pathlib import Path

import numpy as np

from . import schedules as S
from ._checks import check_choice, check_dtype, check_int, check_number, renamed

__all__ = [
    "GALLERY",
    "GALLERY_DEFAULTS",
    "gallery",
    "gallery_schedule",
    "lrlab_call",
    "equivalent_calls",
    "equivalents_table",
    "table_markdown",
    "keras_piecewise_constant",
    "optax_piecewise_constant",
    "torch_multistep",
    "keras_cosine_decay",
    "optax_warmup_cosine",
    "epoch_stepped",
    "first_change",
    "settle_step",
    "REFERENCE_FILE",
    "load_reference",
    "reference_case",
    "build_from_spec",
]

LIBRARIES = ("keras", "pytorch", "optax")

# ---------------------------------------------------------------------------
# The gallery: one example of every schedule, from flat settings
# ---------------------------------------------------------------------------

#: The twelve schedules of :mod:`lrlab.schedules`, in the order the gallery shows them.
GALLERY = tuple(S.__all__)

#: Flat settings of each gallery example (nested schedules are described by
#: their inner settings: e.g. the warmup's cosine by ``peak_lr`` and
#: ``decay_steps``). Every example peaks at 0.1 and fits in 100 steps.
GALLERY_DEFAULTS = {
    "constant": {"lr": 0.1},
    "exponential_decay": {"initial_lr": 0.1, "decay_steps": 20, "decay_rate": 0.5,
                          "staircase": False},
    "inverse_time_decay": {"initial_lr": 0.1, "decay_steps": 10, "decay_rate": 1.0,
                           "staircase": False},
    "polynomial_decay": {"initial_lr": 0.1, "decay_steps": 80, "end_lr": 0.005, "power": 2.0},
    "piecewise_constant": {"boundary_1": 30, "boundary_2": 60, "value_0": 0.1, "value_1": 0.05,
                           "value_2": 0.01, "switch": "after"},
    "step_decay": {"initial_lr": 0.1, "step_size": 25, "gamma": 0.5},
    "multistep_decay": {"initial_lr": 0.1, "milestone_1": 40, "milestone_2": 70, "gamma": 0.3},
    "cosine_decay": {"initial_lr": 0.1, "decay_steps": 100, "alpha": 0.0},
    "cosine_decay_restarts": {"initial_lr": 0.1, "first_decay_steps": 20, "t_mul": 2.0,
                              "m_mul": 0.7, "alpha": 0.0},
    "linear_warmup": {"start_lr": 0.0, "warmup_steps": 20, "peak_lr": 0.1, "decay_steps": 80,
                      "alpha": 0.0},
    "one_cycle": {"max_lr": 0.1, "total_steps": 100, "pct_start": 0.3, "div_factor": 25.0,
                  "anneal": "cos", "three_phase": False},
    "join_schedules": {"lr": 0.1, "boundary": 50, "decay_steps": 10, "decay_rate": 0.5},
}


def gallery_schedule(name, **settings):
    """Build the gallery's ``name`` schedule from flat settings (see :data:`GALLERY_DEFAULTS`).

    Used in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page',
    through gallery, and by the explorer of section '3 · Explore: any schedule, any settings'.

    The nested schedules are built as follows: ``linear_warmup`` wraps
    ``cosine_decay(peak_lr, decay_steps, alpha)``; ``join_schedules`` holds
    ``constant(lr)`` until ``boundary``, then runs
    ``exponential_decay(lr, decay_steps, decay_rate, staircase=True)``;
    ``piecewise_constant`` has two boundaries and ``multistep_decay`` two
    milestones.

    Examples
    --------
    >>> sched = gallery_schedule("step_decay", gamma=0.1)
    >>> sched.params["gamma"], sched([24, 25]).tolist()
    (0.1, [0.1, 0.010000000000000002])
    """
    name = check_choice("name", name, GALLERY)
    unknown = set(settings) - set(GALLERY_DEFAULTS[name])
    if unknown:
        raise ValueError(f"settings of {name} must be among {sorted(GALLERY_DEFAULTS[name])}, "
                         f"got {sorted(unknown)}")
    v = {**GALLERY_DEFAULTS[name], **settings}
    if name == "piecewise_constant":
        return S.piecewise_constant([v["boundary_1"], v["boundary_2"]],
                                    [v["value_0"], v["value_1"], v["value_2"]], switch=v["switch"])
    if name == "multistep_decay":
        return S.multistep_decay(v["initial_lr"], [v["milestone_1"], v["milestone_2"]],
                                 gamma=v["gamma"])
    if name == "linear_warmup":
        inner = S.cosine_decay(v["peak_lr"], v["decay_steps"], alpha=v["alpha"])
        return S.linear_warmup(inner, v["warmup_steps"], start_lr=v["start_lr"])
    if name == "join_schedules":
        hold = S.constant(v["lr"])
        decay = S.exponential_decay(v["lr"], v["decay_steps"], v["decay_rate"], staircase=True)
        return S.join_schedules([hold, decay], [v["boundary"]])
    return getattr(S, name)(**v)


def gallery():
    """Every schedule of :mod:`lrlab.schedules` with its gallery settings, by name.

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page'.

    >>> list(gallery())[:3]
    ['constant', 'exponential_decay', 'inverse_time_decay']
    """
    return {name: gallery_schedule(name) for name in GALLERY}


# ---------------------------------------------------------------------------
# Writing calls from a schedule's .params
# ---------------------------------------------------------------------------


def _fmt(x):
    """A number as a short literal: whole floats keep a '.0', others at most 6 digits."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, str):
        return repr(x)
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in x) + "]"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{_fmt(k)}: {_fmt(v)}" for k, v in x.items()) + "}"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if x.is_integer() and abs(x) < 1e6:
        return f"{x:.1f}"
    return f"{x:.6g}"


def _steps(x):
    """A number of steps: shown as a whole number when it is one."""
    return str(int(x)) if float(x).is_integer() else _fmt(x)


def _call(func, *args, **kwargs):
    parts = [a if isinstance(a, _Code) else _fmt(a) for a in args]
    parts += [f"{k}={v if isinstance(v, _Code) else _fmt(v)}" for k, v in kwargs.items()]
    return f"{func}({', '.join(parts)})"


class _Code(str):
    """A piece of code inserted as is (not quoted) by :func:`_call`."""


def lrlab_call(schedule):
    """The lrlab call that builds ``schedule``, from its ``.params`` (defaults left out).

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page'.

    >>> lrlab_call(S.cosine_decay(0.1, 100, alpha=0.1))
    'cosine_decay(0.1, 100, alpha=0.1)'
    """
    if not (callable(schedule) and hasattr(schedule, "name") and hasattr(schedule, "params")):
        raise TypeError(f"schedule must be a schedule made by lrlab.schedules, got {schedule!r}")
    name, params = schedule.name, schedule.params
    factory = getattr(S, name)
    sig = inspect.signature(factory)
    args, kwargs = [], {}
    for pname, p in sig.parameters.items():
        if pname == "dtype":
            if params["dtype"] is not np.float64:
                kwargs["dtype"] = _Code("np.float32")
            continue
        value = params[pname]
        if p.default is not inspect.Parameter.empty and _same(value, p.default):
            continue
        if pname == "schedule":
            value = _Code(lrlab_call(value))
        elif pname == "schedules":
            value = _Code("[" + ", ".join(lrlab_call(s) for s in value) + "]")
        elif pname in ("decay_steps", "first_decay_steps", "warmup_steps", "transition_begin",
                       "total_steps", "step_size"):
            value = _Code(_steps(value))
        elif pname == "boundaries":
            value = _Code("[" + ", ".join(_steps(b) for b in value) + "]")
        if p.default is inspect.Parameter.empty:
            args.append(value)
        else:
            kwargs[pname] = value
    return _call(name, *args, **kwargs)


def _same(value, default):
    """Is a parameter at its default (``0 == 0.0`` counts, ``False == 0`` does not)?"""
    if isinstance(value, bool) or isinstance(default, bool) or value is None or default is None:
        return value is default
    if isinstance(value, (int, float)) and isinstance(default, (int, float)):
        return float(value) == float(default)
    return value == default


def _ratios(values):
    """``values[i + 1] / values[i]``, or None if a value is 0 (optax stores ratios)."""
    if any(v == 0 for v in values[:-1]):
        return None
    return [values[i + 1] / values[i] for i in range(len(values) - 1)]


def _common_ratio(values):
    r = _ratios(values)
    if r is None or not r:
        return None
    return r[0] if all(math.isclose(x, r[0], rel_tol=1e-12) for x in r) else None


def _whole(xs):
    return all(float(x).is_integer() for x in xs)


_K = "keras.optimizers.schedules."
_T = "lr_scheduler."


def _calls_constant(p):
    return {"keras": f"keras.optimizers.SGD(learning_rate={_fmt(p['lr'])})",
            "pytorch": f"torch.optim.SGD(params, lr={_fmt(p['lr'])})  # no scheduler",
            "optax": f"optax.constant_schedule({_fmt(p['lr'])})"}


def _calls_exponential(p):
    lr0, k, r, stair = p["initial_lr"], p["decay_steps"], p["decay_rate"], p["staircase"]
    begin, end = p["transition_begin"], p["end_value"]
    out = {}
    plain = not begin and end is None
    out["keras"] = (_call(_K + "ExponentialDecay", lr0, _Code(_steps(k)), r,
                          **({"staircase": True} if stair else {})) if plain else None)
    if not plain:
        out["pytorch"] = None
    elif float(k) == 1:
        out["pytorch"] = f"{_T}ExponentialLR(opt, gamma={_fmt(r)})  # opt: lr={_fmt(lr0)}"
    elif stair and float(k).is_integer():
        out["pytorch"] = (f"{_T}StepLR(opt, step_size={_steps(k)}, gamma={_fmt(r)})"
                          f"  # opt: lr={_fmt(lr0)}")
    else:
        out["pytorch"] = (f"{_T}LambdaLR(opt, lambda t: {_fmt(r)} ** (t / {_steps(k)}))"
                          f"  # opt: lr={_fmt(lr0)}")
    extra = {}
    if begin:
        extra["transition_begin"] = _Code(_steps(begin))
    if stair:
        extra["staircase"] = True
    if end is not None:
        extra["end_value"] = end
    out["optax"] = _call("optax.exponential_decay", lr0, _Code(_steps(k)), r, **extra)
    return out


def _calls_inverse_time(p):
    lr0, k, r, stair = p["initial_lr"], p["decay_steps"], p["decay_rate"], p["staircase"]
    ratio = f"(t // {_steps(k)})" if stair else f"t / {_steps(k)}"
    return {"keras": _call(_K + "InverseTimeDecay", lr0, _Code(_steps(k)), r,
                           **({"staircase": True} if stair else {})),
            "pytorch": (f"{_T}LambdaLR(opt, lambda t: 1 / (1 + {_fmt(r)} * {ratio}))"
                        f"  # opt: lr={_fmt(lr0)}"),
            "optax": None}


def _calls_polynomial(p):
    lr0, k, end, power, cycle = (p["initial_lr"], p["decay_steps"], p["end_lr"], p["power"],
                                 p["cycle"])
    out = {"keras": _call(_K + "PolynomialDecay", lr0, _Code(_steps(k)), end_learning_rate=end,
                          power=power, **({"cycle": True} if cycle else {}))}
    out["pytorch"] = (f"{_T}PolynomialLR(opt, total_iters={_steps(k)}, power={_fmt(power)})"
                      f"  # opt: lr={_fmt(lr0)}"
                      if end == 0 and not cycle and float(k).is_integer() else None)
    out["optax"] = (_call("optax.polynomial_schedule", lr0, end, power, _Code(_steps(k)))
                    if not cycle else None)
    return out


def _calls_piecewise(p):
    b, values, switch = p["boundaries"], p["values"], p["switch"]
    whole = _whole(b)
    # Keras switches after its boundary, optax and torch at theirs: shift by one step
    keras_b = b if switch == "after" else ([x - 1 for x in b] if whole and min(b, default=1) >= 1
                                           else None)
    at_b = b if switch == "at" else ([x + 1 for x in b] if whole else None)
    out = {"keras": (_call(_K + "PiecewiseConstantDecay", _Code(_fmt([int(x) for x in keras_b])),
                           values) if keras_b is not None else None)}
    ratios = _ratios(values)
    if at_b is not None and ratios is not None:
        scales = {int(x): r for x, r in zip(at_b, ratios, strict=True)}
        out["optax"] = f"optax.piecewise_constant_schedule({_fmt(values[0])}, {_fmt(scales)})"
    else:
        out["optax"] = None
    g = _common_ratio(values)
    if at_b is not None and g is not None and min(at_b, default=1) >= 1:
        out["pytorch"] = (f"{_T}MultiStepLR(opt, milestones={_fmt([int(x) for x in at_b])}, "
                          f"gamma={_fmt(g)})  # opt: lr={_fmt(values[0])}")
    elif at_b is not None and values[0] > 0:
        # LambdaLR multiplies the optimizer's lr by a factor: look it up (bisect counts b <= t)
        factors = [v / values[0] for v in values]
        out["pytorch"] = (f"{_T}LambdaLR(opt, lambda t: {_fmt(factors)}"
                          f"[bisect.bisect_right({_fmt([int(x) for x in at_b])}, t)])"
                          f"  # opt: lr={_fmt(values[0])}")
    else:
        out["pytorch"] = None
    return out


def _calls_step(p):
    lr0, n, g = p["initial_lr"], p["step_size"], p["gamma"]
    return {"keras": _call(_K + "ExponentialDecay", lr0, _Code(str(n)), g, staircase=True),
            "pytorch": f"{_T}StepLR(opt, step_size={n}, gamma={_fmt(g)})  # opt: lr={_fmt(lr0)}",
            "optax": (_call("optax.exponential_decay", lr0, _Code(str(n)), g, staircase=True)
                      if g > 0 else None)}


def _calls_multistep(p):
    lr0, ms, g = p["initial_lr"], p["milestones"], p["gamma"]
    counts = {}
    for m in ms:
        counts[m] = counts.get(m, 0) + 1
    merged = sorted(counts)
    values = [lr0 * g ** sum(counts[m] for m in merged[:i]) for i in range(len(merged) + 1)]
    return {"keras": _call(_K + "PiecewiseConstantDecay", _Code(_fmt([m - 1 for m in merged])),
                           values),
            "pytorch": (f"{_T}MultiStepLR(opt, milestones={_fmt(ms)}, gamma={_fmt(g)})"
                        f"  # opt: lr={_fmt(lr0)}"),
            "optax": ("optax.piecewise_constant_schedule("
                      f"{_fmt(lr0)}, {_fmt({m: g ** c for m, c in counts.items()})})")}


def _calls_cosine(p):
    lr0, k, alpha, e = p["initial_lr"], p["decay_steps"], p["alpha"], p["exponent"]
    periodic = p.get("periodic", False)
    torch_ok = e == 1 and float(k).is_integer()
    out = {"keras": (_call(_K + "CosineDecay", lr0, _Code(_steps(k)), alpha=alpha)
                     if e == 1 and not periodic else None),
           "pytorch": (f"{_T}CosineAnnealingLR(opt, T_max={_steps(k)}, eta_min={_fmt(alpha * lr0)})"
                       f"  # opt: lr={_fmt(lr0)}" + ("" if periodic else "; up to step T_max")
                       if torch_ok else None)}
    if periodic:  # Keras and optax stay at the minimum after decay_steps
        out["optax"] = None
        return out
    extra = {"alpha": alpha}
    if e != 1:
        extra["exponent"] = e
    out["optax"] = _call("optax.cosine_decay_schedule", lr0, _Code(_steps(k)), **extra)
    return out


def _calls_restarts(p):
    lr0, k, tm, mm, alpha = (p["initial_lr"], p["first_decay_steps"], p["t_mul"], p["m_mul"],
                             p["alpha"])
    out = {"keras": _call(_K + "CosineDecayRestarts", lr0, _Code(_steps(k)), t_mul=tm, m_mul=mm,
                          alpha=alpha)}
    if mm == 1 and _whole([k, tm]):
        out["pytorch"] = (f"{_T}CosineAnnealingWarmRestarts(opt, T_0={_steps(k)}, "
                          f"T_mult={int(tm)}, eta_min={_fmt(alpha * lr0)})  # opt: lr={_fmt(lr0)}")
    else:
        out["pytorch"] = None
    out["optax"] = None  # optax.sgdr_schedule takes the pieces one by one: see join_schedules
    return out


def _calls_warmup(p):
    inner, w, start = p["schedule"], p["warmup_steps"], p["start_lr"]
    ip = inner.params
    peak = float(inner(0))
    out = {"keras": None, "pytorch": None, "optax": None}
    if inner.name == "cosine_decay":
        d, alpha, e = ip["decay_steps"], ip["alpha"], ip["exponent"]
        if e == 1:
            out["keras"] = _call(_K + "CosineDecay", start, _Code(_steps(d)), alpha=alpha,
                                 warmup_target=peak, warmup_steps=_Code(_steps(w)))
        extra = {"exponent": e} if e != 1 else {}
        out["optax"] = _call("optax.warmup_cosine_decay_schedule", start, peak, _Code(_steps(w)),
                             _Code(_steps(d + w)), end_value=alpha * peak, **extra)
        after = (f"{_T}CosineAnnealingLR(opt, T_max={_steps(d)}, eta_min={_fmt(alpha * peak)})"
                 if e == 1 else None)
    elif inner.name == "exponential_decay" and not ip["transition_begin"]:
        extra = {"staircase": True} if ip["staircase"] else {}
        if ip["end_value"] is not None:
            extra["end_value"] = ip["end_value"]
        out["optax"] = _call("optax.warmup_exponential_decay_schedule", start, peak,
                             _Code(_steps(w)), _Code(_steps(ip["decay_steps"])),
                             ip["decay_rate"], **extra)
        after = (f"{_T}ExponentialLR(opt, gamma={_fmt(ip['decay_rate'])})"
                 if float(ip["decay_steps"]) == 1 and ip["end_value"] is None else None)
    else:
        after = None
    if after and start > 0 and peak > 0 and float(w).is_integer():
        out["pytorch"] = (f"{_T}SequentialLR(opt, [{_T}LinearLR(opt, start_factor="
                          f"{_fmt(start / peak)}, total_iters={_steps(w)}), {after}], "
                          f"milestones=[{_steps(w)}])  # opt: lr={_fmt(peak)}")
    return out


def _calls_one_cycle(p):
    extra = {}
    for key, default in (("pct_start", 0.3), ("div_factor", 25.0), ("final_div_factor", 1e4),
                         ("three_phase", False)):
        if p[key] != default:
            extra[key] = p[key]
    if p["anneal"] != "cos":
        extra["anneal_strategy"] = p["anneal"]
    extra_text = "".join(f", {k}={_fmt(v)}" for k, v in extra.items())
    # OneCycleLR's default cycle_momentum=True overwrites the optimizer's momentum
    # (SGD's 0 becomes 0.95 -> 0.85 -> 0.95): False leaves the optimizer as it was
    out = {"keras": None,
           "pytorch": (f"{_T}OneCycleLR(opt, max_lr={_fmt(p['max_lr'])}, "
                       f"total_steps={p['total_steps']}{extra_text}, cycle_momentum=False)"),
           "optax": None}
    if p["anneal"] == "cos" and not p["three_phase"]:
        # optax's own one-cycle is the nearest call, not an equal one: it peaks at
        # int(pct_start * T) and reaches its minimum at T, PyTorch one step earlier
        optax_extra = {k: v for k, v in extra.items() if k != "anneal_strategy"}
        peak_step = int(p["pct_start"] * p["total_steps"])
        out["optax"] = (f"optax.cosine_onecycle_schedule({p['total_steps']}, "
                        f"{_fmt(p['max_lr'])}"
                        + "".join(f", {k}={_fmt(v)}" for k, v in optax_extra.items())
                        + f")  # nearest, not equal: peak at step {peak_step} "
                          f"(PyTorch: {p['pct_start'] * p['total_steps'] - 1:g})")
    return out


def _calls_join(p):
    inner = [equivalent_calls(s) for s in p["schedules"]]
    b = p["boundaries"]
    out = {"keras": None, "pytorch": None, "optax": None}
    if all(c["optax"] for c in inner):
        out["optax"] = (f"optax.join_schedules([{', '.join(c['optax'] for c in inner)}], "
                        f"{_fmt([int(x) if float(x).is_integer() else x for x in b])})")
    # SequentialLR shares the optimizer's rate between its schedulers: safe here only when
    # every piece before the last holds the rate the last one starts from
    *held, last = p["schedules"]
    start = float(last(0))
    last_torch = inner[-1]["pytorch"]
    if (held and _whole(b) and last_torch and "# no scheduler" not in last_torch
            and all(s.name == "constant" and s.params["lr"] == start for s in held)):
        pieces = [f"{_T}ConstantLR(opt, factor=1.0, total_iters=0)"] * len(held)
        pieces.append(last_torch.split("  #")[0])
        out["pytorch"] = (f"{_T}SequentialLR(opt, [{', '.join(pieces)}], "
                          f"milestones={_fmt([int(x) for x in b])})  # opt: lr={_fmt(start)}")
    return out


_CALLS = {
    "constant": _calls_constant,
    "exponential_decay": _calls_exponential,
    "inverse_time_decay": _calls_inverse_time,
    "polynomial_decay": _calls_polynomial,
    "piecewise_constant": _calls_piecewise,
    "step_decay": _calls_step,
    "multistep_decay": _calls_multistep,
    "cosine_decay": _calls_cosine,
    "cosine_decay_restarts": _calls_restarts,
    "linear_warmup": _calls_warmup,
    "one_cycle": _calls_one_cycle,
    "join_schedules": _calls_join,
}


def equivalent_calls(schedule):
    """The Keras, PyTorch and optax calls that give ``schedule``'s rates, from its ``.params``.

    Used in notebooks/04-schedule-gallery.ipynb,
    section '3 · Explore: any schedule, any settings', by the explorer, and through
    equivalents_table.

    Each entry is a string of code, or ``None`` when the library has no
    built-in equivalent for these settings. Where a library's nearest built-in
    follows a different convention (optax's one-cycle peaks one step later than
    PyTorch's), the call ends with a comment ``# nearest, not equal: ...``.
    PyTorch calls are schedulers attached to an optimizer ``opt`` whose ``lr``
    is given in a comment; their rate at step ``t`` is the one after ``t``
    calls of ``scheduler.step()``.

    Parameters
    ----------
    schedule : schedule function from :mod:`lrlab.schedules`

    Returns
    -------
    dict with keys ``"keras"``, ``"pytorch"``, ``"optax"``

    Examples
    --------
    >>> calls = equivalent_calls(S.piecewise_constant([50], [0.1, 0.01]))   # switch="after"
    >>> calls["keras"]
    'keras.optimizers.schedules.PiecewiseConstantDecay([50], [0.1, 0.01])'
    >>> calls["optax"]                 # optax switches at its boundary: one step later
    'optax.piecewise_constant_schedule(0.1, {51: 0.1})'
    """
    name = getattr(schedule, "name", None)
    if name not in _CALLS:
        raise TypeError(f"schedule must be a schedule from lrlab.schedules, got {schedule!r}")
    return _CALLS[name](schedule.params)


def equivalents_table(schedules):
    """One row per schedule: its lrlab call and the Keras, PyTorch and optax equivalents.

    Taught in notebooks/04-schedule-gallery.ipynb,
    section 'Deeper · The same schedule in Keras, PyTorch and optax'.

    Parameters
    ----------
    schedules : dict name -> schedule, or a list of schedules

    Returns
    -------
    list of dict with keys ``"name"``, ``"lrlab"``, ``"keras"``, ``"pytorch"``, ``"optax"``
    """
    items = schedules.items() if isinstance(schedules, dict) else [(s.name, s) for s in schedules]
    return [{"name": name, "lrlab": lrlab_call(s), **equivalent_calls(s)} for name, s in items]


def table_markdown(rows, columns=("lrlab", "keras", "pytorch", "optax"), missing="no built-in"):
    """A Markdown table of :func:`equivalents_table` rows (code in backticks).

    Taught in notebooks/04-schedule-gallery.ipynb,
    section 'Deeper · The same schedule in Keras, PyTorch and optax'.

    To keep the table narrow, the module prefixes are named once in the header
    and left out of the cells: ``keras.optimizers.schedules.``,
    ``torch.optim.lr_scheduler.`` (``lr_scheduler.`` in the calls) and ``optax.``.
    """
    head = {"lrlab": "lrlab", "keras": f"Keras 3 (`{_K}`)",
            "pytorch": "PyTorch (`torch.optim.lr_scheduler.`)", "optax": "optax (`optax.`)"}
    lines = ["| " + " | ".join(head.get(c, c) for c in columns) + " |",
             "|" + "---|" * len(columns)]
    for row in rows:
        cells = []
        for c in columns:
            text = row[c]
            if text is None:
                cells.append(f"*{missing}*")
                continue
            for prefix in (_K, _T, "optax."):
                text = text.replace(prefix, "")
            text = text.replace("|", "\\|")
            cells.append(f"`{text}`")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Library arguments -> lrlab schedules (the conventions, in code)
# ---------------------------------------------------------------------------


def keras_piecewise_constant(boundaries, values):
    """Keras ``PiecewiseConstantDecay(boundaries, values)``: switches *after* each boundary.

    Taught in notebooks/04-schedule-gallery.ipynb,
    section 'D1 · Boundaries: on which side is the boundary step?' and
    section 'Exercise 2 · A port that forgot the boundary'.

    ``lr(t) = values[i]`` where ``i`` counts the boundaries ``b < t``.

    >>> keras_piecewise_constant([10], [0.1, 0.01])([10, 11]).tolist()
    [0.1, 0.01]
    """
    return S.piecewise_constant(boundaries, values, switch="after")


def optax_piecewise_constant(init_value, boundaries_and_scales):
    """optax ``piecewise_constant_schedule(init_value, {b: scale})``: switches *at* each boundary.

    Taught in notebooks/04-schedule-gallery.ipynb,
    section 'D1 · Boundaries: on which side is the boundary step?' and
    section 'Exercise 2 · A port that forgot the boundary'.

    optax stores ratios: from step ``b`` on the rate is multiplied by
    ``scale``, so ``lr(t) = init_value * prod(scale_b for b <= t)``.

    >>> optax_piecewise_constant(0.1, {10: 0.5})([9, 10]).tolist()
    [0.1, 0.05]
    """
    init_value = check_number("init_value", init_value, lo=0.0)
    items = sorted((check_number("boundary", b, lo=0.0), check_number("scale", s, lo=0.0))
                   for b, s in dict(boundaries_and_scales).items())
    values = [init_value]
    for _, scale in items:
        values.append(values[-1] * scale)
    return S.piecewise_constant([b for b, _ in items], values, switch="at")


def torch_multistep(lr, milestones, gamma=0.1):
    """PyTorch ``MultiStepLR(opt, milestones, gamma)`` on ``SGD(lr=lr)``: drops *at* each milestone.

    Not used by a notebook: tests/test_conventions.py checks it against PyTorch's MultiStepLR.

    >>> torch_multistep(0.1, [10], 0.5)([9, 10]).tolist()
    [0.1, 0.05]
    """
    return renamed(lambda: S.multistep_decay(lr, milestones, gamma=gamma), {"initial_lr": "lr"})


def keras_cosine_decay(initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None,
                       warmup_steps=0, dtype=np.float64):
    """Keras ``CosineDecay``: the warmup comes first, then ``decay_steps`` of cosine.

    Taught in notebooks/04-schedule-gallery.ipynb,
    section 'D2 · Warmup: inside `decay_steps`, or after it?'.

    ``dtype=np.float32`` gives the rates Keras computes from a Python float (its
    default, ``keras.config.floatx()``); ``np.float64`` those from a float64
    ``initial_learning_rate``, except that Keras rounds ``alpha`` and
    ``warmup_target`` through float32 first (pass them rounded to match it bit for bit).

    .. math::

        \\mathrm{lr}(t) = \\begin{cases}
        \\mathrm{init} + (\\mathrm{target} - \\mathrm{init})\\, t / W & t < W \\\\
        \\mathrm{target}\\left[(1-\\alpha)\\tfrac12(1 + \\cos\\frac{\\pi \\min(t - W, D)}{D})
        + \\alpha\\right] & t \\ge W
        \\end{cases}

    The decay ends at step ``W + D``.

    >>> sched = keras_cosine_decay(0.0, 100, alpha=0.1, warmup_target=0.1, warmup_steps=10)
    >>> settle_step(sched, 500)
    110
    """
    if warmup_target is None or not warmup_steps:
        return renamed(lambda: S.cosine_decay(initial_learning_rate, decay_steps, alpha=alpha,
                                              dtype=dtype),
                       {"initial_lr": "initial_learning_rate"})
    inner = renamed(lambda: S.cosine_decay(warmup_target, decay_steps, alpha=alpha, dtype=dtype),
                    {"initial_lr": "warmup_target"})
    return renamed(lambda: S.linear_warmup(inner, warmup_steps, start_lr=initial_learning_rate,
                                           dtype=dtype),
                   {"start_lr": "initial_learning_rate"})


def optax_warmup_cosine(init_value, peak_value, warmup_steps, decay_steps, end_value=0.0,
                        exponent=1.0, dtype=np.float64):
    """optax ``warmup_cosine_decay_schedule``: the warmup counts *inside* ``decay_steps``.

    Taught in notebooks/04-schedule-gallery.ipynb,
    section 'D2 · Warmup: inside `decay_steps`, or after it?'.

    ``dtype=np.float64`` gives optax's rates with ``jax_enable_x64`` on;
    ``np.float32`` those of optax's default (float32), bit for bit, in optax's
    own order of float32 operations, which differs from Keras' order (that of
    lrlab's float32 cosine) by up to a few units in the last place.

    It is ``linear_warmup(cosine_decay(peak, decay_steps - warmup_steps,
    alpha=end_value / peak, exponent), warmup_steps, init_value)``: the decay
    ends at step ``decay_steps``.

    >>> sched = optax_warmup_cosine(0.0, 0.1, 10, 100, end_value=0.01)
    >>> settle_step(sched, 500)
    100
    """
    peak_value = check_number("peak_value", peak_value, lo=0.0, lo_open=True)
    warmup_steps = check_number("warmup_steps", warmup_steps, lo=0.0, lo_open=True)
    decay_steps = check_number("decay_steps", decay_steps, lo=warmup_steps, lo_open=True)
    end_value = check_number("end_value", end_value, lo=0.0, hi=peak_value)
    if check_dtype("dtype", dtype) == np.float32:
        init_value = check_number("init_value", init_value, lo=0.0)
        exponent = check_number("exponent", exponent, lo=0.0, lo_open=True)
        return _optax_warmup_cosine_float32(init_value, peak_value, warmup_steps, decay_steps,
                                            end_value, exponent)
    inner = S.cosine_decay(peak_value, decay_steps - warmup_steps, alpha=end_value / peak_value,
                           exponent=exponent)
    return renamed(lambda: S.linear_warmup(inner, warmup_steps, start_lr=init_value),
                   {"start_lr": "init_value"})


def _optax_warmup_cosine_float32(init, peak, warmup, decay, end, exponent):
    f = np.float32
    alpha, e = f(end / peak), f(exponent)  # end / peak in Python floats, as optax does
    init, peak, w, k = f(init), f(peak), f(warmup), f(decay - warmup)

    def schedule(step):
        t = np.asarray(step, dtype=np.float64)
        if not np.all(np.isfinite(t)) or np.any(t < 0):
            raise ValueError(f"step must be finite and >= 0, got {step!r}")
        t = t.astype(f)
        warm = (init - peak) * (f(1) - np.clip(t, f(0), w) / w) + peak
        count = np.minimum(np.maximum(t - w, f(0)), k)
        angle = (f(math.pi) * count / k).astype(np.float64)
        half_cosine = f(0.5) * (f(1) + np.cos(angle).astype(f))
        decayed = peak * ((f(1) - alpha) * half_cosine ** e + alpha)
        rates = np.where(t < w, warm, decayed).astype(f)
        return rates[()] if rates.ndim == 0 else rates

    schedule.name = "optax_warmup_cosine"
    schedule.params = {"init_value": init, "peak_value": peak, "warmup_steps": warmup,
                       "decay_steps": decay, "end_value": end, "exponent": exponent,
                       "dtype": np.float32}
    return schedule


def epoch_stepped(schedule, batches_per_epoch):
    """The rate per batch when a scheduler is stepped once per *epoch*.

    Taught in notebooks/04-schedule-gallery.ipynb,
    section 'D3 · Per step or per epoch: who counts?'.

    A PyTorch scheduler advances when ``scheduler.step()`` is called. Called
    at the end of each epoch of ``n`` batches, the rate at batch ``t`` is the
    schedule's rate at step ``floor(t / n)``:

    .. math:: \\mathrm{lr}_{\\text{epoch}}(t) = s(\\lfloor t / n \\rfloor)

    So ``ExponentialLR(gamma)`` stepped per epoch equals Keras
    ``ExponentialDecay(lr, decay_steps=n, decay_rate=gamma, staircase=True)``
    stepped per batch.

    Parameters
    ----------
    schedule : schedule function
        The rate per call of ``scheduler.step()``.
    batches_per_epoch : int
        Batches (optimizer updates) per epoch, >= 1.

    Examples
    --------
    >>> per_epoch = epoch_stepped(S.exponential_decay(0.2, 1, 0.5), 10)
    >>> per_epoch([0, 9, 10, 25]).tolist()
    [0.2, 0.2, 0.1, 0.05]
    """
    schedule = S._schedule_arg("schedule", schedule)
    n = check_int("batches_per_epoch", batches_per_epoch, lo=1)

    def stepped(step):
        scalar = np.ndim(step) == 0 and not isinstance(step, np.ndarray)
        epochs = np.floor(np.asarray(step, dtype=np.float64) / n)
        if np.any(~np.isfinite(epochs)) or np.any(epochs < 0):
            raise ValueError("step must be finite and >= 0")
        rates = schedule(epochs)
        return float(rates) if scalar else np.asarray(rates)

    stepped.name = "epoch_stepped"
    stepped.params = {"schedule": schedule, "batches_per_epoch": n}
    return stepped


# ---------------------------------------------------------------------------
# Reading off a convention: when does the rate change, when does it settle
# ---------------------------------------------------------------------------


def first_change(schedule, start=1, stop=100_000):
    """The first whole step ``t >= start`` whose rate differs from the step before's.

    Taught in notebooks/04-schedule-gallery.ipynb,
    section 'Exercise 2 · A port that forgot the boundary'.

    This is the first step that *uses* a new value: for a piecewise schedule,
    where its first boundary takes effect. Returns ``None`` if the rate never
    changes before ``stop``.

    >>> first_change(S.step_decay(0.1, 30))
    30
    """
    schedule = S._schedule_arg("schedule", schedule)
    start = check_int("start", start, lo=1)
    stop = check_int("stop", stop, lo=start)
    t = np.arange(start - 1, stop + 1)
    rates = np.asarray(schedule(t), dtype=np.float64)
    moved = np.flatnonzero(rates[1:] != rates[:-1])
    return int(t[moved[0] + 1]) if moved.size else None


def settle_step(schedule, stop):
    """The first whole step from which the rate stays equal to its value at ``stop``.

    Taught in notebooks/04-schedule-gallery.ipynb,
    section 'D2 · Warmup: inside `decay_steps`, or after it?'.

    For a decay that ends at a floor, the step at which it reaches the floor.

    >>> settle_step(S.cosine_decay(0.1, 100, alpha=0.1), 1000)
    100
    """
    stop = check_int("stop", stop, lo=0)
    rates = np.asarray(schedule(np.arange(stop + 1)), dtype=np.float64)
    differs = np.flatnonzero(rates != rates[-1])
    return int(differs[-1] + 1) if differs.size else 0


# ---------------------------------------------------------------------------
# The libraries' own values (lrlab/reference/schedules.json, package data)
# ---------------------------------------------------------------------------


#: The libraries' stored values, shipped inside the package (any install, any folder).
REFERENCE_FILE = Path(__file__).resolve().parent / "reference" / "schedules.json"


def load_reference(path=None):
    """The cases of a reference file written by ``tests/reference/generate_schedules.py``.

    Taught in notebooks/04-schedule-gallery.ipynb,
    section 'Deeper · The same schedule in Keras, PyTorch and optax'.

    Parameters
    ----------
    path : str or Path, optional
        By default :data:`REFERENCE_FILE`.

    Returns
    -------
    dict
        The file's contents (``versions``, ``cases``, ...).
    """
    path = Path(REFERENCE_FILE if path is None else path)
    if not path.is_file():
        raise FileNotFoundError(f"no reference file at {path}; lrlab's own is "
                                f"{REFERENCE_FILE}")
    return json.loads(path.read_text(encoding="utf-8"))


def reference_case(reference, case_id, library, dtype="float64"):
    """The one case with this ``id``, ``library`` and ``dtype``; its values by step as ``"rates"``.

    Taught in notebooks/04-schedule-gallery.ipynb,
    section 'D1 · Boundaries: on which side is the boundary step?' and the other D sections.

    Returns the case dict with an added ``"rates"`` dict ``{step: rate}``.
    """
    found = [c for c in reference["cases"]
             if (c["id"], c["library"], c["dtype"]) == (case_id, library, dtype)]
    if len(found) != 1:
        raise KeyError(f"expected one case ({case_id!r}, {library!r}, {dtype!r}), "
                       f"found {len(found)}")
    case = dict(found[0])
    case["rates"] = dict(zip(case["steps"], case["values"], strict=True))
    return case


def build_from_spec(spec):
    """The lrlab schedule of a case's ``"lrlab"`` spec ``{"factory": ..., "kwargs": ...}``.

    Taught in notebooks/04-schedule-gallery.ipynb,
    section 'Deeper · The same schedule in Keras, PyTorch and optax'.

    >>> build_from_spec({"factory": "constant", "kwargs": {"lr": 0.1}})(3)
    0.1
    """
    if spec is None:
        raise ValueError("this case has no lrlab equivalent (a convention lrlab does not follow)")
    kwargs = dict(spec["kwargs"])
    if "schedule" in kwargs:
        kwargs["schedule"] = build_from_spec(kwargs["schedule"])
    if "schedules" in kwargs:
        kwargs["schedules"] = [build_from_spec(s) for s in kwargs["schedules"]]
    if "dtype" in kwargs:
        kwargs["dtype"] = np.dtype(kwargs["dtype"])
    return getattr(S, spec["factory"])(**kwargs)


# ---------------------------------------------------------------------------
# Momentum: where the rate sits (notebook 07, momentum and Adam)
# ---------------------------------------------------------------------------

#: The momentum row of the conventions table: the same ``SGD(momentum=beta)`` in each library.
MOMENTUM_ROW = {
    "lrlab": "gradient_descent(problem, w0, lr, steps, momentum=beta)",
    "keras": "keras.optimizers.SGD(lr, momentum=beta): v = beta v - lr_t g; w += v",
    "pytorch": "torch.optim.SGD(params, lr, momentum=beta): buf = beta buf + g; w -= lr_t buf",
    "optax": "optax.sgd(lr, momentum=beta): buf = beta buf + g; w -= lr_t buf",
}


def keras_momentum_path(problem, w0, lr, steps, momentum):
    """The path of Keras' ``SGD(momentum=beta)``: the rate goes *into* the memory.

    Used in notebooks/07-momentum-and-adam.ipynb,
    section 'Keras puts the rate inside the memory', through momentum_convention_gap.

    ``v = beta * v - lr[t] * g; w = w + v``, with ``v`` starting at 0. Each past
    gradient keeps the rate of its own step. PyTorch and optax
    (:func:`lrlab.gradient_descent` with ``momentum``) keep the gradients in the
    memory and multiply the whole memory by the *current* rate. With a constant
    rate the two are the same (``v = -lr * buf``); under a decaying schedule the
    Keras steps are larger, since old gradients keep their old, larger rates.

    Returns an array of shape ``(steps + 1, *problem.shape)`` (float64).

    >>> from lrlab import blog_post_problem
    >>> keras_momentum_path(blog_post_problem(), 5.0, 0.1, 2, 0.9).round(12).tolist()
    [5.0, 3.8, 1.76]
    """
    from .problems import Problem

    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be an lrlab Problem, got {type(problem).__name__}")
    steps = check_int("steps", steps, lo=1)
    beta = check_number("momentum", momentum, lo=0, hi=1, hi_open=True)
    w0 = np.asarray(w0, dtype=np.float64)
    if w0.shape != problem.shape:
        raise ValueError(f"w0 must have shape {problem.shape}, got {w0.shape}")
    rates = S.rates(lr, steps)
    path = [w0]
    w, v = w0, np.zeros_like(w0)
    for t in range(steps):
        v = beta * v - rates[t] * problem.grad(w)
        w = w + v
        path.append(w)
    return np.array(path)


def momentum_convention_gap(problem, w0, schedule, steps, momentum):
    """How far Keras' momentum path is from PyTorch's and optax's under a schedule.

    Taught in notebooks/07-momentum-and-adam.ipynb,
    section 'Keras puts the rate inside the memory'.

    Returns a dict: ``keras`` and ``pytorch`` (the two paths, shape
    ``(steps + 1, *problem.shape)``), ``gap`` (their largest distance over all
    steps) and ``gap_step`` (where it is largest).

    >>> from lrlab import blog_post_problem
    >>> g = momentum_convention_gap(blog_post_problem(), 5.0, 0.1, 50, 0.9)   # a constant rate
    >>> bool(g["gap"] < 1e-12)
    True
    """
    from .descent import gradient_descent

    keras = keras_momentum_path(problem, w0, schedule, steps, momentum)
    torch = gradient_descent(problem, w0, schedule, steps, momentum=momentum).w
    diff = np.abs(keras - torch).reshape(steps + 1, -1).max(axis=1)
    at = int(np.argmax(diff))
    return {"keras": keras, "pytorch": torch, "gap": float(diff[at]), "gap_step": at}
