"""Learning-rate schedules: the learning rate as a pure function of the step.

A *schedule* answers one question: "what learning rate do I use at step
``t``?" In this module a schedule is built in two stages, the same way optax
does it:

1. a *factory* such as :func:`exponential_decay` checks its arguments once
   and returns
2. a plain function ``schedule(step) -> lr`` with no hidden state: calling it
   twice with the same step gives the same answer, and the step can be a
   single number or a whole numpy array of steps.

>>> sched = exponential_decay(0.2, 1, 0.95)
>>> sched(2)                        # 0.2 * 0.95 ** 2
0.1805
>>> sched([0, 1, 2]).round(4).tolist()
[0.2, 0.19, 0.1805]

Keras and PyTorch package the same ideas differently. A Keras schedule is an
object you call with the step, much like these. A PyTorch scheduler instead
*changes* the optimizer's learning rate every time you call
``scheduler.step()``: the rate at step ``t`` is what you read after ``t``
calls. Each docstring below gives the equivalent call in Keras, PyTorch and
optax, with the mapping of the arguments, and says where the libraries
disagree (for instance by one step at a boundary). The values have been
checked against the real libraries (``tests/reference/``).

Every schedule function carries two attributes, so that plots and widgets
can show what they draw:

- ``sched.name``: the factory's name, e.g. ``"exponential_decay"``;
- ``sched.params``: a dict of the factory's arguments.

Every factory takes ``dtype``: ``np.float64`` (default) or ``np.float32``.
In float32 every operation is done in float32, the way TensorFlow and Keras
compute schedules by default. ``initial_lr`` is always the rate at step 0, >= 0.

Steps must be finite and non-negative; fractional steps are allowed (useful
for smooth plots). Lengths such as ``decay_steps`` must be at least the
smallest normal number of the dtype (so that dividing by them is safe). A
step too large for float32 is treated as the largest float32. A rate that
would overflow saturates at the largest finite float instead of becoming
``inf``, so a schedule always returns finite rates >= 0.

The factories come first, in the order of notebook 04's gallery; then
:func:`rates`, which turns a learning rate (a number, an array of rates or a
schedule) into one rate per step for gradient_descent, adam and the other
functions that take an ``lr`` and a number of steps; then the private support
code.
"""

from __future__ import annotations

import math

import numpy as np

from . import _checks
from ._checks import check_bool, check_choice, check_int

# The schedule factories: ``lrlab`` exports them and notebook 04's gallery shows them, in
# this order. :func:`rates` (a schedule's rate at every step) is imported by name.
__all__ = [
    "constant",
    "exponential_decay",
    "inverse_time_decay",
    "polynomial_decay",
    "piecewise_constant",
    "step_decay",
    "multistep_decay",
    "cosine_decay",
    "cosine_decay_restarts",
    "linear_warmup",
    "one_cycle",
    "join_schedules",
]


# ---------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------


def constant(lr, dtype=np.float64):
    """The same learning rate at every step: ``lr(step) = lr``.

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page';
    used in notebooks/07-momentum-and-adam.ipynb, section 'A case where warmup matters'.

    Parameters
    ----------
    lr : float
        The rate, finite and >= 0.

    Examples
    --------
    >>> sched = constant(0.1)
    >>> sched(7)
    0.1
    >>> sched.name, sched.params["lr"]
    ('constant', 0.1)

    Equivalents
    -----------
    - Keras: pass the float itself, ``keras.optimizers.SGD(learning_rate=lr)``.
    - PyTorch: ``torch.optim.SGD(params, lr=lr)`` with no scheduler
      (``ConstantLR`` is something else: it multiplies by a factor for a
      while, then stops).
    - optax: ``optax.constant_schedule(lr)``.
    """
    dt = _dtype("dtype", dtype)
    lr = _lr("lr", lr, dt)
    value = dt.type(lr)

    def core(s):
        return np.full(s.shape, value, dtype=dt)

    return _make_schedule("constant", {"lr": lr, "dtype": dt.type}, dt, core)


def exponential_decay(initial_lr, decay_steps, decay_rate, staircase=False, transition_begin=0,
                      end_value=None, dtype=np.float64):
    r"""Multiply the rate by ``decay_rate`` every ``decay_steps`` steps.

    Taught in notebooks/03-exponential-decay.ipynb, section '1 · The formula' (the blog post's
    schedule); first met in notebooks/00-start-here.ipynb.

    .. math::

        \mathrm{lr}(t) = \mathrm{initial\_lr} \cdot
        \mathrm{decay\_rate}^{\,t / \mathrm{decay\_steps}}

    With ``staircase=True`` the exponent is rounded down,
    ``floor(t / decay_steps)``, so the rate drops in steps. With
    ``decay_steps=1`` both agree at whole steps.

    Two options from optax: with ``transition_begin = b`` the rate stays at
    ``initial_lr`` until step ``b`` and the formula is then applied to
    ``t - b``; ``end_value`` is a floor when ``decay_rate < 1`` (the rate
    never goes below it) and a ceiling when ``decay_rate >= 1`` (as in optax,
    ``decay_rate == 1`` counts as growth).

    ``decay_rate > 1`` makes the rate *grow* geometrically, as in a learning
    rate range test (Smith, 2015). Growth without ``end_value`` saturates at
    the largest finite float instead of overflowing to ``inf``.

    Parameters
    ----------
    decay_steps : float
        Number of steps over which the rate is multiplied by ``decay_rate``, > 0.
    decay_rate : float
        Factor per ``decay_steps`` steps, > 0 (at least the smallest normal
        number of ``dtype``, so that it is not 0 in float32).
    dtype : np.float64 or np.float32
        In float32, ``initial_lr * decay_rate ** p`` is computed entirely in
        float32, as Keras and TensorFlow do by default.

    Examples
    --------
    >>> sched = exponential_decay(0.2, 1, 0.95)
    >>> sched(2)                                   # 0.2 * 0.95 ** 2
    0.1805
    >>> stairs = exponential_decay(0.2, 10, 0.5, staircase=True)
    >>> stairs([9, 10, 19, 20]).tolist()
    [0.2, 0.1, 0.1, 0.05]

    Equivalents
    -----------
    - Keras: ``keras.optimizers.schedules.ExponentialDecay(initial_lr,
      decay_steps, decay_rate, staircase)`` (same as TensorFlow 1's
      ``tf.compat.v1.train.exponential_decay``). Keras has no
      ``transition_begin`` or ``end_value``. It computes in float32 unless
      ``initial_lr`` is a float64 array or tensor: use ``dtype=np.float32``
      here to get its float32 values. Even in float64 it rounds a Python-float
      ``decay_rate`` through float32 first (``tf.cast`` of a Python float
      makes a float32 tensor, then casts it), so its float64 rates are those
      of ``exponential_decay(..., float(np.float32(decay_rate)))``. For 0.96
      the gap grows by about 2.2e-8 (relative) per decay period: 6.7e-7 after
      30 periods.

      >>> tf_rate = float(np.float32(0.96))
      >>> gap = exponential_decay(0.1, 1, tf_rate)(30) / exponential_decay(0.1, 1, 0.96)(30) - 1
      >>> f"{gap:.2g}"
      '-6.7e-07'

    - PyTorch: ``torch.optim.lr_scheduler.ExponentialLR(optimizer,
      gamma=decay_rate)`` multiplies once per ``scheduler.step()``, so it is
      ``decay_steps=1`` (whether a step is a batch or an epoch is up to the
      caller). ``StepLR(optimizer, step_size=decay_steps, gamma=decay_rate)``
      is the ``staircase=True`` version (see :func:`step_decay`).
    - optax: ``optax.exponential_decay(init_value=initial_lr,
      transition_steps=decay_steps, decay_rate=decay_rate,
      transition_begin=transition_begin, staircase=staircase,
      end_value=end_value)``. optax turns invalid arguments (``decay_rate=0``,
      ``transition_steps <= 0``) into a constant schedule with a log message;
      here they raise ``ValueError``.
    """
    dt = _dtype("dtype", dtype)
    initial_lr = _lr("initial_lr", initial_lr, dt)
    decay_steps = _length("decay_steps", decay_steps, dt)
    decay_rate = _number("decay_rate", decay_rate, lo=float(np.finfo(dt).tiny),
                              hi=_big(dt))
    staircase = check_bool("staircase", staircase)
    transition_begin = _number("transition_begin", transition_begin, lo=0.0, hi=_big(dt))
    if end_value is not None:
        end_value = _lr("end_value", end_value, dt)
    params = {
        "initial_lr": initial_lr,
        "decay_steps": decay_steps,
        "decay_rate": decay_rate,
        "staircase": staircase,
        "transition_begin": transition_begin,
        "end_value": end_value,
        "dtype": dt.type,
    }
    lr0 = dt.type(initial_lr)
    clip = np.maximum if decay_rate < 1.0 else np.minimum

    def core(s):
        counted = s - dt.type(transition_begin)
        # before transition_begin the rate is held; decay from 0 there (never
        # raise decay_rate to a negative power)
        counted = np.maximum(counted, dt.type(0))
        if dt == np.float32:
            decayed = _exponential_decay_float32(initial_lr, decay_steps, decay_rate,
                                                 staircase, counted)
        else:
            p = counted / decay_steps
            if staircase:
                p = np.floor(p)
            decayed = _times_power(lr0, decay_rate, p, dt)
        rates = np.where(counted <= 0, lr0, _saturate(decayed, dt))
        if end_value is not None:
            rates = clip(rates, dt.type(end_value))
        return rates

    return _make_schedule("exponential_decay", params, dt, core)


def _exponential_decay_float32(initial_lr, decay_steps, decay_rate, staircase, s):
    """Float32 branch of :func:`exponential_decay`: ``initial_lr * decay_rate ** p``.

    Every operand is float32 and every operation rounds to float32, as
    TensorFlow's float32 kernels do: ``p = s / decay_steps`` (floored if
    ``staircase``), then the power, then the product. ``s`` is the float32
    array of steps counted from ``transition_begin``.

    TensorFlow's graph is ``Mul(initial_lr, Pow(decay_rate, Floor(RealDiv(
    Cast(step), Cast(decay_steps)))))``, with ``powf`` and subnormals flushed to 0
    (``lrlab/_tf32.py``): the blog post's rates match TensorFlow bit for bit.
    """
    from . import _tf32

    f32 = np.float32
    p = _tf32.flush_subnormals(s / f32(decay_steps))
    if staircase:
        p = np.floor(p)
    power = _saturate(_tf32.tf_pow(f32(decay_rate), p), np.dtype(f32))
    return _tf32.tf_multiply(f32(initial_lr), power)


def inverse_time_decay(initial_lr, decay_steps, decay_rate, staircase=False, dtype=np.float64):
    r"""Rate inversely proportional to time: a ``1/t`` decay.

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page'
    (notebook 05's 1/t schedule is one).

    .. math::

        \mathrm{lr}(t) = \frac{\mathrm{initial\_lr}}
        {1 + \mathrm{decay\_rate} \cdot t / \mathrm{decay\_steps}}

    With ``staircase=True`` the ratio ``t / decay_steps`` is rounded down.
    For large ``t`` the rate behaves like ``c / t``: its total grows without
    bound (like ``log t``) while the total of its squares stays finite, the
    Robbins-Monro conditions.

    Parameters
    ----------
    decay_steps : float
        Time scale, > 0.
    decay_rate : float
        Strength of the decay, >= 0 (0 gives a constant rate).

    Examples
    --------
    >>> sched = inverse_time_decay(0.2, 1, 0.5)
    >>> sched(2)                                   # 0.2 / (1 + 0.5 * 2)
    0.1

    Equivalents
    -----------
    - Keras: ``keras.optimizers.schedules.InverseTimeDecay(initial_lr,
      decay_steps, decay_rate, staircase)`` (float32 by default, see
      :func:`exponential_decay`).
    - PyTorch: no built-in class;
      ``LambdaLR(optimizer, lambda t: 1 / (1 + decay_rate * t / decay_steps))``
      with the optimizer's ``lr=initial_lr`` (use ``t // decay_steps`` for
      the staircase).
    - optax: no built-in schedule; pass this function itself (it accepts
      arrays) or write the formula with ``jax.numpy``.
    """
    dt = _dtype("dtype", dtype)
    initial_lr = _lr("initial_lr", initial_lr, dt)
    decay_steps = _length("decay_steps", decay_steps, dt)
    decay_rate = _number("decay_rate", decay_rate, lo=0.0, hi=_big(dt))
    staircase = check_bool("staircase", staircase)
    params = {"initial_lr": initial_lr, "decay_steps": decay_steps, "decay_rate": decay_rate,
              "staircase": staircase, "dtype": dt.type}
    lr0, k, rate = dt.type(initial_lr), dt.type(decay_steps), dt.type(decay_rate)

    def core(s):
        p = _saturate(s / k, dt)
        if staircase:
            p = np.floor(p)
        return lr0 / (dt.type(1) + rate * p)

    return _make_schedule("inverse_time_decay", params, dt, core)


def polynomial_decay(initial_lr, decay_steps, end_lr=0.0, power=1.0, cycle=False,
                     dtype=np.float64):
    r"""Go from ``initial_lr`` to ``end_lr`` along a power curve, then stay there.

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page'.

    .. math::

        \mathrm{lr}(t) = (\mathrm{initial\_lr} - \mathrm{end\_lr})
        \left(1 - \frac{\min(t, D)}{D}\right)^{\mathrm{power}} + \mathrm{end\_lr},
        \qquad D = \mathrm{decay\_steps}

    ``power=1`` is a straight line. With ``cycle=True`` the rate does not
    stay at ``end_lr``: ``D`` is replaced by the first multiple of
    ``decay_steps`` that is >= ``t`` (``decay_steps`` itself at ``t = 0``),
    so each new cycle starts lower and decays more slowly, as in Keras.
    ``end_lr`` may be larger than ``initial_lr`` (a rising ramp).

    Parameters
    ----------
    decay_steps : float
        Length of the decay, > 0.
    end_lr : float, default 0.0
        Rate at and after ``decay_steps``, >= 0.
    power : float, default 1.0
        Shape of the curve, > 0.

    Examples
    --------
    >>> sched = polynomial_decay(0.2, 10, end_lr=0.0, power=2.0)
    >>> sched(5)                                   # 0.2 * (1 - 5/10) ** 2
    0.05
    >>> sched(50)
    0.0

    Equivalents
    -----------
    - Keras: ``keras.optimizers.schedules.PolynomialDecay(initial_lr,
      decay_steps, end_learning_rate=end_lr, power=power, cycle=cycle)``
      (float32 by default).
    - PyTorch: ``PolynomialLR(optimizer, total_iters=decay_steps,
      power=power)`` with ``lr=initial_lr`` is ``end_lr=0``, ``cycle=False``
      at whole steps (it has no end rate and no cycle).
    - optax: ``optax.polynomial_schedule(init_value=initial_lr,
      end_value=end_lr, power=power, transition_steps=decay_steps)``, and
      ``optax.linear_schedule(...)`` for ``power=1`` (no ``cycle``; its
      ``transition_begin`` is :func:`join_schedules` with a constant first).
    """
    dt = _dtype("dtype", dtype)
    initial_lr = _lr("initial_lr", initial_lr, dt)
    decay_steps = _length("decay_steps", decay_steps, dt)
    end_lr = _lr("end_lr", end_lr, dt)
    power = _positive("power", power)
    cycle = check_bool("cycle", cycle)
    params = {"initial_lr": initial_lr, "decay_steps": decay_steps, "end_lr": end_lr,
              "power": power, "cycle": cycle, "dtype": dt.type}
    lr0, lr1, k, pw = dt.type(initial_lr), dt.type(end_lr), dt.type(decay_steps), dt.type(power)

    def core(s):
        if cycle:
            # the first multiple of decay_steps >= s (decay_steps itself at s = 0)
            periods = np.maximum(np.ceil(s / k), dt.type(1))
            length = _saturate(k * periods, dt)
        else:
            s = np.minimum(s, k)
            length = k
        # 1 - p can round to a hair below 0 when cycling; a power of a
        # negative number would be nan
        remaining = np.maximum(dt.type(1) - s / length, dt.type(0))
        return (lr0 - lr1) * remaining**pw + lr1

    return _make_schedule("polynomial_decay", params, dt, core)


def piecewise_constant(boundaries, values, switch="after", dtype=np.float64):
    """A rate that is constant between boundaries: ``values[i]`` on the i-th piece.

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page';
    its boundary convention in section 'D1 · Boundaries: on which side is the boundary step?'.

    The libraries disagree on which piece a step *equal to* a boundary
    belongs to, so this is a parameter:

    - ``switch="after"`` (default): ``values[i + 1]`` starts *after*
      ``boundaries[i]``, i.e. when ``step > boundaries[i]``; at the boundary
      itself the old value holds. This is Keras's
      ``PiecewiseConstantDecay`` (and TensorFlow 1's
      ``tf.compat.v1.train.piecewise_constant``).
    - ``switch="at"``: ``values[i + 1]`` starts *at* ``boundaries[i]``, i.e.
      when ``step >= boundaries[i]``. This is optax's
      ``piecewise_constant_schedule`` and PyTorch's ``MultiStepLR`` /
      ``StepLR``.

    At whole steps, ``switch="after"`` with boundaries ``b`` equals
    ``switch="at"`` with boundaries ``b + 1``.

    Parameters
    ----------
    boundaries : list of float
        Strictly increasing, >= 0 (may be empty: a constant rate).
    values : list of float
        Rates, >= 0, one more than there are boundaries.

    Examples
    --------
    >>> keras_like = piecewise_constant([10], [0.1, 0.01])              # switch="after"
    >>> keras_like([9, 10, 11]).tolist()
    [0.1, 0.1, 0.01]
    >>> optax_like = piecewise_constant([10], [0.1, 0.01], switch="at")
    >>> optax_like([9, 10, 11]).tolist()
    [0.1, 0.01, 0.01]

    Equivalents
    -----------
    - Keras (``switch="after"``):
      ``keras.optimizers.schedules.PiecewiseConstantDecay(boundaries, values)``.
    - PyTorch (``switch="at"``): ``MultiStepLR(optimizer, milestones=boundaries,
      gamma)`` when each value is the previous one times the same ``gamma``
      (see :func:`multistep_decay`); otherwise ``LambdaLR`` with a lookup.
    - optax (``switch="at"``): ``optax.piecewise_constant_schedule(
      init_value=values[0], boundaries_and_scales={b_i: values[i+1] / values[i]})``;
      optax stores *ratios* of consecutive values, not the values.
    """
    dt = _dtype("dtype", dtype)
    boundaries = _number_list("boundaries", boundaries, lo=0.0)
    _increasing("boundaries", boundaries)
    values = _number_list("values", values)
    values = [_lr(f"values[{i}]", v, dt) for i, v in enumerate(values)]
    if len(values) != len(boundaries) + 1:
        raise ValueError(
            f"values must have one more entry than boundaries (len(boundaries) + 1 = "
            f"{len(boundaries) + 1}), got {len(values)}"
        )
    switch = check_choice("switch", switch, ("after", "at"))
    params = {"boundaries": boundaries, "values": values, "switch": switch, "dtype": dt.type}
    edges = np.asarray(boundaries, dtype=np.float64)
    table = np.asarray(values, dtype=dt)
    # "after": count the boundaries strictly below the step; "at": those <= step
    side = "left" if switch == "after" else "right"

    def core(s):
        return table[np.searchsorted(edges, s.astype(np.float64), side=side)]

    return _make_schedule("piecewise_constant", params, dt, core)


def step_decay(initial_lr, step_size, gamma=0.1, dtype=np.float64):
    r"""Multiply the rate by ``gamma`` every ``step_size`` steps (a staircase).

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page'
    (notebook 05's step schedule is one).

    .. math::

        \mathrm{lr}(t) = \mathrm{initial\_lr} \cdot
        \gamma^{\lfloor t / \mathrm{step\_size} \rfloor}

    The drop happens *at* ``t = step_size, 2 step_size, ...``.

    Parameters
    ----------
    step_size : int
        Steps between drops, >= 1.
    gamma : float, default 0.1
        Factor per drop, >= 0.

    Examples
    --------
    >>> sched = step_decay(0.1, step_size=30, gamma=0.5)
    >>> sched([29, 30, 60]).tolist()
    [0.1, 0.05, 0.025]

    Equivalents
    -----------
    - PyTorch: ``StepLR(optimizer, step_size, gamma)`` with ``lr=initial_lr``.
    - Keras: ``ExponentialDecay(initial_lr, decay_steps=step_size,
      decay_rate=gamma, staircase=True)`` (float32 by default).
    - optax: ``optax.exponential_decay(initial_lr, transition_steps=step_size,
      decay_rate=gamma, staircase=True)`` (needs ``gamma > 0``).
    """
    dt = _dtype("dtype", dtype)
    initial_lr = _lr("initial_lr", initial_lr, dt)
    step_size = check_int("step_size", step_size, lo=1, hi=_MAX_INT)
    gamma = _number("gamma", gamma, lo=0.0, hi=_big(dt))
    params = {"initial_lr": initial_lr, "step_size": step_size, "gamma": gamma, "dtype": dt.type}
    lr0, g, k = dt.type(initial_lr), dt.type(gamma), dt.type(step_size)

    def core(s):
        drops = np.floor(s / k)
        return _times_power(lr0, g, drops, dt)

    return _make_schedule("step_decay", params, dt, core)


def multistep_decay(initial_lr, milestones, gamma=0.1, dtype=np.float64):
    r"""Multiply the rate by ``gamma`` at each milestone.

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page'.

    .. math::

        \mathrm{lr}(t) = \mathrm{initial\_lr} \cdot \gamma^{\,n(t)},
        \qquad n(t) = \#\{\, m \in \mathrm{milestones} : m \le t \,\}

    The drop happens *at* the milestone. Milestones are whole steps >= 1 and
    may be given in any order. A milestone listed twice is counted twice
    (``gamma`` is applied twice at that step), exactly as PyTorch does.

    Parameters
    ----------
    milestones : list of int
        Steps >= 1 at which the rate is multiplied by ``gamma``.
    gamma : float, default 0.1
        Factor per milestone, >= 0.

    Examples
    --------
    >>> sched = multistep_decay(0.1, [30, 80], gamma=0.5)
    >>> sched([29, 30, 79, 80]).tolist()
    [0.1, 0.05, 0.05, 0.025]
    >>> multistep_decay(1.0, [5, 5], gamma=0.5)(5)    # repeated: gamma twice
    0.25

    Equivalents
    -----------
    - PyTorch: ``MultiStepLR(optimizer, milestones, gamma)`` with
      ``lr=initial_lr``.
    - Keras: ``PiecewiseConstantDecay(boundaries=[m - 1 for m in
      milestones], values=[initial_lr * gamma ** i for i in
      range(len(milestones) + 1)])``: Keras switches one step *after* its
      boundary (see :func:`piecewise_constant`); repeated milestones must be
      merged first.
    - optax: ``optax.piecewise_constant_schedule(initial_lr, {m: gamma ** c})``
      where ``c`` counts how often ``m`` is repeated.
    """
    dt = _dtype("dtype", dtype)
    initial_lr = _lr("initial_lr", initial_lr, dt)
    milestones = sorted(_number_list("milestones", milestones, lo=1, hi=_MAX_INT, integer=True))
    gamma = _number("gamma", gamma, lo=0.0, hi=_big(dt))
    params = {"initial_lr": initial_lr, "milestones": milestones, "gamma": gamma,
              "dtype": dt.type}
    lr0, g = dt.type(initial_lr), dt.type(gamma)
    edges = np.asarray(milestones, dtype=np.float64)

    def core(s):
        passed = np.searchsorted(edges, s.astype(np.float64), side="right").astype(dt)
        return _times_power(lr0, g, passed, dt)

    return _make_schedule("multistep_decay", params, dt, core)


def cosine_decay(initial_lr, decay_steps, alpha=0.0, exponent=1.0, periodic=False,
                 dtype=np.float64):
    r"""Half a cosine wave from ``initial_lr`` down to ``alpha * initial_lr``, then flat.

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page';
    PyTorch's version in section "D5 · One more: PyTorch's cosine does not stop".

    .. math::

        \mathrm{lr}(t) = \mathrm{initial\_lr}\left[(1 - \alpha)\,
        c(t)^{\mathrm{exponent}} + \alpha\right], \qquad
        c(t) = \tfrac12\left(1 + \cos\frac{\pi \min(t, D)}{D}\right),
        \quad D = \mathrm{decay\_steps}

    The rate starts flat, falls fastest half way, and flattens again at
    ``alpha * initial_lr``, where it stays after ``decay_steps``. With
    ``periodic=True`` the cosine goes on instead (:math:`t` in place of
    :math:`\min(t, D)`): the rate climbs back to ``initial_lr`` at ``2 D`` and
    repeats with period ``2 D``, as PyTorch's ``CosineAnnealingLR`` does.

    Parameters
    ----------
    decay_steps : float
        Length of the decay, > 0.
    alpha : float, default 0.0
        Final rate as a fraction of ``initial_lr``, >= 0.
    exponent : float, default 1.0
        Power applied to the cosine factor (optax), > 0.

    Examples
    --------
    >>> sched = cosine_decay(0.2, 100, alpha=0.1)
    >>> sched(50)                     # half way: 0.2 * (0.9 * 0.5 + 0.1)
    0.11000000000000001
    >>> sched(100), sched(500)
    (0.020000000000000004, 0.020000000000000004)
    >>> wave = cosine_decay(0.2, 100, alpha=0.1, periodic=True)
    >>> wave(100), wave(150), wave(200)   # back up after the minimum: period 200
    (0.020000000000000004, 0.10999999999999999, 0.2)

    Equivalents
    -----------
    - Keras: ``keras.optimizers.schedules.CosineDecay(initial_lr,
      decay_steps, alpha=alpha)`` (``exponent=1`` only; float32 by default).
    - PyTorch: ``CosineAnnealingLR(optimizer, T_max=decay_steps,
      eta_min=alpha * initial_lr)`` with ``lr=initial_lr``, for
      ``exponent=1`` and ``periodic=True`` (PyTorch keeps following the
      cosine back *up* after ``T_max``, period ``2 T_max``); with the default
      ``periodic=False`` the two agree only up to ``T_max``.
    - optax: ``optax.cosine_decay_schedule(init_value=initial_lr,
      decay_steps=decay_steps, alpha=alpha, exponent=exponent)``.
    """
    dt = _dtype("dtype", dtype)
    initial_lr = _lr("initial_lr", initial_lr, dt)
    decay_steps = _length("decay_steps", decay_steps, dt)
    alpha = _number("alpha", alpha, lo=0.0, hi=_big(dt))
    exponent = _positive("exponent", exponent)
    periodic = check_bool("periodic", periodic)
    params = {"initial_lr": initial_lr, "decay_steps": decay_steps, "alpha": alpha,
              "exponent": exponent, "periodic": periodic, "dtype": dt.type}
    lr0, k = dt.type(initial_lr), dt.type(decay_steps)

    def core(s):
        fraction = (s if periodic else np.minimum(s, k)) / k
        return _saturate(lr0 * _cosine_factor(fraction, alpha, exponent, dt), dt)

    return _make_schedule("cosine_decay", params, dt, core)


def _cosine_factor(fraction, alpha, exponent, dt):
    """``(1 - alpha) * (0.5 * (1 + cos(pi * fraction))) ** exponent + alpha`` in dtype dt."""
    half_cosine = dt.type(0.5) * (dt.type(1) + _cos(dt.type(math.pi) * fraction, dt))
    if exponent != 1.0:
        half_cosine = half_cosine ** dt.type(exponent)
    return dt.type(1.0 - alpha) * half_cosine + dt.type(alpha)


def cosine_decay_restarts(initial_lr, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                          dtype=np.float64):
    r"""Cosine decay that restarts: SGDR (Loshchilov and Hutter, 2016).

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page'.

    The first period is a :func:`cosine_decay` over ``first_decay_steps``.
    Then the rate jumps back up and decays again over a period ``t_mul``
    times longer, starting from a peak ``m_mul`` times lower. In period
    ``i = 0, 1, 2, ...``, of length ``T_i = first_decay_steps * t_mul**i``,
    at ``x`` steps into the period:

    .. math::

        \mathrm{lr} = \mathrm{initial\_lr}\left[(1 - \alpha)\,
        m_{\mathrm{mul}}^{\,i}\, \tfrac12\left(1 + \cos\frac{\pi x}{T_i}\right)
        + \alpha\right]

    Parameters
    ----------
    first_decay_steps : float
        Length of the first period, > 0.
    t_mul : float, default 2.0
        Growth of the period length at each restart, >= 1.
    m_mul : float, default 1.0
        Factor applied to the peak at each restart, >= 0.
    alpha : float, default 0.0
        Floor as a fraction of ``initial_lr``, in [0, 1] (not scaled by
        ``m_mul``).

    Examples
    --------
    >>> sched = cosine_decay_restarts(0.1, 10, t_mul=2.0)
    >>> sched([0, 5, 10, 20, 30]).round(6).tolist()   # restarts at 10 and 30
    [0.1, 0.05, 0.1, 0.05, 0.1]

    Equivalents
    -----------
    - Keras: ``keras.optimizers.schedules.CosineDecayRestarts(initial_lr,
      first_decay_steps, t_mul, m_mul, alpha)`` (float32 by default). Keras
      finds the period with a logarithm; in float32 that can put a restart
      one step late or early. Here the period index is corrected so that
      restarts fall exactly at ``first_decay_steps * (1 + t_mul + ... )``.
    - PyTorch: ``CosineAnnealingWarmRestarts(optimizer, T_0=first_decay_steps,
      T_mult=t_mul, eta_min=alpha * initial_lr)`` with ``lr=initial_lr``, for
      whole ``first_decay_steps`` and ``t_mul`` and ``m_mul=1`` (PyTorch has
      no ``m_mul``).
    - optax: ``optax.sgdr_schedule`` joins warmup-cosine pieces given one by
      one; the exact equivalent is :func:`join_schedules` of
      :func:`cosine_decay` pieces.
    """
    dt = _dtype("dtype", dtype)
    initial_lr = _lr("initial_lr", initial_lr, dt)
    first_decay_steps = _length("first_decay_steps", first_decay_steps, dt)
    t_mul = _number("t_mul", t_mul, lo=1.0, hi=_big(dt))
    m_mul = _number("m_mul", m_mul, lo=0.0, hi=_big(dt))
    alpha = _number("alpha", alpha, lo=0.0, hi=1.0)
    params = {"initial_lr": initial_lr, "first_decay_steps": first_decay_steps, "t_mul": t_mul,
              "m_mul": m_mul, "alpha": alpha, "dtype": dt.type}
    lr0, k = dt.type(initial_lr), dt.type(first_decay_steps)
    one, tm = dt.type(1), dt.type(t_mul)

    def start_of(i):
        """Where period i starts, in units of first_decay_steps: 1 + t_mul + ... (i terms)."""
        if tm == one:
            return i
        return (one - _saturate(tm**i, dt)) / (one - tm)

    def core(s):
        done = _saturate(s / k, dt)  # periods of length first_decay_steps done so far
        if tm == one:  # t_mul == 1, or so close to 1 that it is 1 in this dtype
            i = np.floor(done)
        else:
            # 1 + t + ... + t^(i-1) <= done  <=>  i <= log(1 + done (t - 1)) / log t;
            # rounding can put i one off at a restart, so nudge it by one
            i = np.floor(np.log1p(done * (tm - one)) / np.log(tm))
            i = np.where(start_of(i) > done, i - one, i)
            i = np.where(start_of(i + one) <= done, i + one, i)
        x = _saturate((done - start_of(i)) / _saturate(tm**i, dt), dt)
        peak = _saturate(dt.type(m_mul) ** i, dt)
        half_cosine = dt.type(0.5) * peak * (one + _cos(dt.type(math.pi) * x, dt))
        return _saturate(lr0 * (dt.type(1.0 - alpha) * half_cosine + dt.type(alpha)), dt)

    return _make_schedule("cosine_decay_restarts", params, dt, core)


def linear_warmup(schedule, warmup_steps, start_lr=0.0, dtype=np.float64):
    r"""Prepend a linear warmup to a schedule.

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page';
    used in notebooks/07-momentum-and-adam.ipynb, section 'A case where warmup matters'.

    .. math::

        \mathrm{lr}(t) = \begin{cases}
        \mathrm{start\_lr} + (s(0) - \mathrm{start\_lr})\, t / W & t < W \\
        s(t - W) & t \ge W
        \end{cases}

    where ``s`` is the wrapped schedule and ``W = warmup_steps``: the rate
    climbs in a straight line from ``start_lr`` to ``s(0)``, then ``s`` runs
    from its beginning. The whole schedule is ``W`` steps longer than ``s``.

    Parameters
    ----------
    schedule : schedule function
        The schedule that follows the warmup.
    warmup_steps : float
        Length of the warmup, > 0.
    start_lr : float, default 0.0
        Rate at step 0, >= 0.

    Examples
    --------
    >>> sched = linear_warmup(cosine_decay(0.1, 100), warmup_steps=10)
    >>> sched([0, 5, 10, 60]).round(6).tolist()
    [0.0, 0.05, 0.1, 0.05]

    Equivalents
    -----------
    - Keras: ``CosineDecay(initial_learning_rate=start_lr, decay_steps=D,
      alpha=alpha, warmup_target=peak, warmup_steps=W)`` is
      ``linear_warmup(cosine_decay(peak, D, alpha), W, start_lr)``: in Keras
      the ``D`` decay steps come *after* the warmup, as here.
    - optax: ``optax.warmup_cosine_decay_schedule(init_value=start_lr,
      peak_value=peak, warmup_steps=W, decay_steps=D, end_value=end,
      exponent=e)`` counts the warmup *inside* ``decay_steps``; it is
      ``linear_warmup(cosine_decay(peak, D - W, alpha=end / peak,
      exponent=e), W, start_lr)``. Likewise
      ``optax.warmup_exponential_decay_schedule`` is a ``linear_warmup`` of
      :func:`exponential_decay`.
    - PyTorch: ``SequentialLR(optimizer, [LinearLR(optimizer,
      start_factor=start_lr / peak, end_factor=1.0, total_iters=W), after],
      milestones=[W])`` with ``lr=peak`` (``LinearLR`` needs
      ``start_factor > 0``, so ``start_lr > 0``).
    """
    dt = _dtype("dtype", dtype)
    schedule = _schedule_arg("schedule", schedule)
    warmup_steps = _length("warmup_steps", warmup_steps, dt)
    start_lr = _lr("start_lr", start_lr, dt)
    target = float(_at(schedule, np.asarray(0), np.dtype(np.float64), "schedule"))
    params = {"schedule": schedule, "warmup_steps": warmup_steps, "start_lr": start_lr,
              "dtype": dt.type}
    lr_start, w = dt.type(start_lr), dt.type(warmup_steps)
    rise = dt.type(target) - lr_start

    def core(s):
        ramp = lr_start + rise * np.minimum(s / w, dt.type(1))  # only used where s < w
        later = s >= w
        rates = ramp.astype(dt)
        if later.any():
            rates[later] = _at(schedule, s[later] - w, dt, "schedule")
        return rates

    return _make_schedule("linear_warmup", params, dt, core)


def one_cycle(max_lr, total_steps, pct_start=0.3, div_factor=25.0, final_div_factor=1e4,
              anneal="cos", three_phase=False, dtype=np.float64):
    r"""The "1cycle" policy (Smith and Topin, 2017), as PyTorch's ``OneCycleLR``.

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page';
    its peak step in section 'D4 · One-cycle: does the peak come at step 29 or 30?'.

    The rate rises from ``max_lr / div_factor`` to ``max_lr``, then falls to
    ``max_lr / (div_factor * final_div_factor)``, far below where it
    started. With ``three_phase=True`` it first falls back to the start and
    only then to the minimum. Each phase goes from ``a`` to ``b`` by

    .. math::

        \text{cos: } b + \frac{a - b}{2}\left(1 + \cos \pi x\right), \qquad
        \text{linear: } (b - a)\,x + a

    with ``x`` the fraction of the phase done. As in PyTorch, the phases end
    at steps ``pct_start * total_steps - 1`` (the peak),
    ``2 * pct_start * total_steps - 2`` (three phases only) and
    ``total_steps - 1`` (the minimum); the rate then stays at the value of
    step ``total_steps - 1``.

    Parameters
    ----------
    max_lr : float
        Peak rate, >= 0.
    total_steps : int
        Number of steps in the cycle, >= 1.
    pct_start : float, default 0.3
        Fraction of the cycle spent rising, in [0, 1] (at most 0.5 with
        ``three_phase``).
    div_factor : float, default 25.0
        Start rate is ``max_lr / div_factor``, > 0.
    final_div_factor : float, default 1e4
        Final rate is the start rate divided by this, > 0.
    anneal : {"cos", "linear"}, default "cos"

    Examples
    --------
    >>> sched = one_cycle(1.0, total_steps=11, pct_start=0.5, anneal="linear")
    >>> sched([0, 2, 4.5, 10]).round(6).tolist()   # the peak is at 0.5 * 11 - 1 = 4.5
    [0.04, 0.466667, 1.0, 4e-06]

    Equivalents
    -----------
    - PyTorch: ``OneCycleLR(optimizer, max_lr, total_steps, pct_start,
      anneal_strategy=anneal, div_factor, final_div_factor, three_phase)``,
      at steps ``0 .. total_steps - 1``. PyTorch allows one more step, at
      ``total_steps``, where it *extrapolates* the last phase (with
      ``anneal="linear"`` the rate goes below the minimum, even negative),
      and raises after that; here the rate holds at the minimum.
    - optax: ``optax.cosine_onecycle_schedule(transition_steps=T,
      peak_value, pct_start, div_factor, final_div_factor)`` puts the peak at
      step ``int(pct_start * T)`` and the minimum at ``T`` (one step later
      than PyTorch), so it is not this schedule. It is exactly
      ``join_schedules([cosine_decay(a, n, alpha=peak / a), cosine_decay(peak,
      T - n, alpha=m / peak)], [n])`` with ``a = peak / div_factor``,
      ``n = int(pct_start * T)`` and ``m = a / final_div_factor`` (a cosine
      decay with ``alpha > 1`` rises). Likewise
      ``optax.linear_onecycle_schedule`` is a :func:`join_schedules` of three
      :func:`polynomial_decay` pieces with ``power=1``.
    - Keras: no built-in 1cycle schedule.
    """
    dt = _dtype("dtype", dtype)
    max_lr = _lr("max_lr", max_lr, dt)
    total_steps = check_int("total_steps", total_steps, lo=1, hi=_MAX_INT)
    three_phase = check_bool("three_phase", three_phase)
    pct_start = _number("pct_start", pct_start, lo=0.0, hi=0.5 if three_phase else 1.0)
    div_factor = _positive("div_factor", div_factor)
    final_div_factor = _positive("final_div_factor", final_div_factor)
    anneal = check_choice("anneal", anneal, ("cos", "linear"))
    params = {"max_lr": max_lr, "total_steps": total_steps, "pct_start": pct_start,
              "div_factor": div_factor, "final_div_factor": final_div_factor,
              "anneal": anneal, "three_phase": three_phase, "dtype": dt.type}

    # the three rates, computed in Python floats exactly as PyTorch does
    start_lr = max_lr / div_factor
    min_lr = start_lr / final_div_factor
    for name, rate in (("div_factor", start_lr), ("final_div_factor", min_lr)):
        if not rate <= _big(dt):
            raise ValueError(f"{name} is too small: the rate it gives, {rate!r}, overflows {dt}")
    if three_phase:
        phases = [(float(pct_start * total_steps) - 1, start_lr, max_lr),
                  (float(2 * pct_start * total_steps) - 2, max_lr, start_lr),
                  (total_steps - 1, start_lr, min_lr)]
    else:
        phases = [(float(pct_start * total_steps) - 1, start_lr, max_lr),
                  (total_steps - 1, max_lr, min_lr)]

    def interpolate(a, b, x):
        a, b = dt.type(a), dt.type(b)
        if anneal == "cos":
            return b + (a - b) / dt.type(2) * (_cos(dt.type(math.pi) * x, dt) + dt.type(1))
        return (b - a) * x + a  # PyTorch's order of operations, kept for equal bits

    def core(s):
        s = np.minimum(s, dt.type(total_steps - 1))
        rates = np.zeros(s.shape, dtype=dt)
        todo = np.ones(s.shape, dtype=bool)
        begin = 0.0
        for i, (end, a, b) in enumerate(phases):
            here = todo & ((s <= end) | (i == len(phases) - 1))
            if here.any():
                if end == begin:  # a phase of zero length: already at its end
                    x = np.ones(np.count_nonzero(here), dtype=dt)
                else:
                    x = (s[here] - dt.type(begin)) / dt.type(end - begin)
                rates[here] = interpolate(a, b, x)
            todo &= ~here
            begin = end
        # a linear phase ending near 0 can round a hair below it
        return _saturate(np.maximum(rates, dt.type(0)), dt)

    return _make_schedule("one_cycle", params, dt, core)


def join_schedules(schedules, boundaries, dtype=np.float64):
    """Run schedules one after the other; each one starts counting from 0.

    Taught in notebooks/04-schedule-gallery.ipynb, section '1 · Twelve schedules on one page'.

    ``schedules[0]`` runs until ``boundaries[0]``; from step
    ``boundaries[i]`` on, ``schedules[i + 1]`` runs and sees the step
    ``step - boundaries[i]``. The switch happens *at* the boundary.

    Parameters
    ----------
    schedules : list of schedule functions
        At least one.
    boundaries : list of float
        Strictly increasing, >= 0, one fewer than ``schedules``.
    dtype : np.float64 or np.float32
        dtype of the result (each schedule computes in its own dtype).

    Examples
    --------
    >>> warm = polynomial_decay(0.0, 5, end_lr=0.1)           # 0 -> 0.1 in 5 steps
    >>> sched = join_schedules([warm, exponential_decay(0.1, 1, 0.5)], [5])
    >>> sched([0, 4, 5, 6]).round(6).tolist()
    [0.0, 0.08, 0.1, 0.05]

    Equivalents
    -----------
    - optax: ``optax.join_schedules(schedules, boundaries)`` (same rule).
    - PyTorch: ``SequentialLR(optimizer, schedulers, milestones=boundaries)``
      also restarts each scheduler at its milestone, but the schedulers share
      the optimizer's rate: a scheduler that scales the *current* rate (such
      as ``ExponentialLR``) starts from wherever the previous one left it.
    - Keras: no built-in; write a ``LearningRateSchedule`` subclass.
    """
    dt = _dtype("dtype", dtype)
    if isinstance(schedules, (str, bytes)) or not np.iterable(schedules):
        raise TypeError(f"schedules must be a list of schedule functions, got {schedules!r}")
    schedules = [_schedule_arg(f"schedules[{i}]", s) for i, s in enumerate(schedules)]
    if not schedules:
        raise ValueError("schedules must hold at least one schedule function, got none")
    boundaries = _number_list("boundaries", boundaries, lo=0.0)
    _increasing("boundaries", boundaries)
    if len(boundaries) != len(schedules) - 1:
        raise ValueError(
            f"boundaries must have one fewer entry than schedules (len(schedules) - 1 = "
            f"{len(schedules) - 1}), got {len(boundaries)}"
        )
    params = {"schedules": schedules, "boundaries": boundaries, "dtype": dt.type}
    starts = [0.0, *boundaries]

    def core(s):
        s64 = s.astype(np.float64)
        # index of the schedule in charge: how many boundaries are <= step
        which = np.searchsorted(np.asarray(boundaries, dtype=np.float64), s64, side="right")
        rates = np.zeros(s.shape, dtype=dt)
        for i, sched in enumerate(schedules):
            here = which == i
            if here.any():
                rates[here] = _at(sched, s64[here] - starts[i], dt, "schedule")
        return rates

    return _make_schedule("join_schedules", params, dt, core)


# ---------------------------------------------------------------------------
# A schedule's rate at every step
# ---------------------------------------------------------------------------


def rates(schedule, steps, dtype=np.float64, name="lr"):
    """The rate of every update ``t = 0, 1, ..., steps - 1``, from a number, an array or a schedule.

    Not called by a notebook: gradient_descent, adam and the theory and noise functions read
    every rate through it (checked in tests/test_schedules.py).

    gradient_descent, adam and every lrlab function that takes an ``lr`` and a
    number of steps read their rates with this rule:

    - a number ``> 0`` is the same rate at every step: shape ``(steps,)``;
    - an array of rates ``> 0`` is one run per rate, each rate the same at
      every step: shape ``(steps, *array.shape)`` (a read-only view that
      repeats the array);
    - a schedule function (from this module, or any ``f(steps) -> rates``) is
      called once with all the steps, ``schedule(np.arange(steps))``, and must
      give one finite rate ``>= 0`` per step: shape ``(steps,)``.

    Parameters
    ----------
    schedule : float, array_like or schedule function
    steps : int
        Number of updates, >= 1.
    dtype : np.float64 or np.float32
        dtype of the rates.
    name : str, default "lr"
        The argument's name in error messages.

    Returns
    -------
    ndarray, shape ``(steps, *batch)``

    Examples
    --------
    >>> rates(0.1, 3).tolist()
    [0.1, 0.1, 0.1]
    >>> rates([0.1, 0.5], 2).tolist()
    [[0.1, 0.5], [0.1, 0.5]]
    >>> rates(exponential_decay(0.2, 1, 0.5), 4).tolist()
    [0.2, 0.1, 0.05, 0.025]
    """
    dt = _dtype("dtype", dtype)
    steps = check_int("steps", steps, lo=1)
    if callable(schedule):
        return _at(schedule, np.arange(steps), dt, name)
    values = _checks.check_numbers(name, schedule, lo=0, lo_open=True)
    if np.ndim(values) == 0:
        return np.full(steps, values, dtype=dt)
    return np.broadcast_to(values.astype(dt), (steps, *values.shape))


def _at(schedule, steps, dt, name):
    """``schedule(steps)`` for an array of valid steps, checked, as an array of ``dt``.

    The rates must have the steps' shape and be finite and >= 0 once in ``dt``;
    otherwise a ValueError names the argument ``name`` (and the first bad step).
    """
    try:
        values = np.asarray(schedule(steps), dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a schedule giving one rate per step "
                         f"(see lrlab.schedules): {err}") from None
    if values.shape != steps.shape:
        raise ValueError(f"{name} must be a schedule giving one rate per step (see "
                         f"lrlab.schedules): it gave shape {values.shape} for steps of shape "
                         f"{steps.shape}")
    with np.errstate(over="ignore"):
        out = values.astype(dt)
    bad = ~(np.isfinite(out) & (out >= 0))
    if bad.any():
        most = "" if dt == np.float64 else f" and <= {_big(dt):g} ({dt})"
        raise ValueError(f"{name} must be a schedule giving finite rates >= 0{most}, got "
                         f"{values[bad].flat[0].item()!r} at step {steps[bad].flat[0].item()!r}")
    return out


# ---------------------------------------------------------------------------
# Shared machinery (private): the function every factory returns
# ---------------------------------------------------------------------------


def _make_schedule(name, params, dt, core):
    """Wrap ``core(steps) -> rates`` (arrays of dtype dt) as a public schedule.

    The wrapper checks the step, silences the harmless overflow and underflow
    of huge steps (a rate that underflows to 0 is the right answer), and gives
    back a float or an array of the step's shape.
    """

    def schedule(step):
        s, scalar = _as_steps(step, dt)
        if s.size == 0:
            return np.zeros(s.shape, dtype=dt)
        # always compute on a flat array: numpy may round a 0-d (scalar)
        # computation differently from an array one, and a step must give the
        # same rate whichever way it is passed
        with np.errstate(over="ignore", under="ignore"):
            rates = core(s.reshape(-1))
        return _finish(np.asarray(rates).reshape(s.shape), dt, s.shape, scalar)

    schedule.name = name
    schedule.params = dict(params)
    schedule.__name__ = name
    schedule.__qualname__ = name
    schedule.__doc__ = f"{name} schedule with {params}: ``schedule(step) -> lr``."
    return schedule


def _as_steps(step, dt):
    """Check ``step`` and return ``(steps as an array of dtype dt, was_scalar)``.

    Steps are checked in float64 (so every integer a student is likely to
    type is exact), then converted to ``dt``. A step beyond the largest
    float32 becomes the largest float32 rather than ``inf``.
    """
    if step is None:
        raise TypeError("step must be a number or an array of numbers >= 0, got None")
    try:
        raw = np.asarray(step)
    except (TypeError, ValueError):  # e.g. a ragged list
        raise TypeError(f"step must be a number or an array of numbers >= 0, "
                        f"got {step!r}") from None
    scalar = not isinstance(step, np.ndarray) and raw.ndim == 0
    if raw.dtype == bool or raw.dtype.kind not in "iuf":
        if raw.dtype.kind == "O":
            # a list mixing numbers is fine; anything else is not
            try:
                raw = raw.astype(np.float64)
            except OverflowError:
                raise ValueError("step must be finite and >= 0, got an integer too large "
                                 "for a float") from None
            except (TypeError, ValueError):
                raw = None
        if raw is None or raw.dtype.kind not in "iuf" or raw.dtype == bool:
            raise TypeError(
                f"step must be a number or an array of numbers >= 0, "
                f"got {type(step).__name__} {step!r}"
            )
    s64 = raw.astype(np.float64)
    bad = ~np.isfinite(s64) | (s64 < 0)
    if bad.any():
        raise ValueError(f"step must be finite and >= 0, got {s64[bad].flat[0]!r}")
    if dt != np.float64:
        s64 = np.minimum(s64, np.finfo(dt).max)
    return s64.astype(dt), scalar


def _finish(values, dt, shape, scalar):
    """Return a Python float for a scalar step, else an array of the step's shape."""
    values = np.asarray(values, dtype=dt)
    if values.shape != shape:
        values = np.broadcast_to(values, shape).copy()
    if scalar:
        return float(values)
    return values


def _saturate(x, dt):
    """Replace ``+inf`` (an overflow) by the largest finite number of ``dt``."""
    return np.minimum(x, np.finfo(dt).max)


def _cos(x, dt):
    """``cos(x)`` rounded to ``dt``.

    For float32 the cosine is taken in float64 and rounded once, which gives
    the float32 nearest the true value. TensorFlow's float32 ``cos`` nearly
    always gives that same value; numpy's own float32 ``cos`` is off by one
    unit in the last place more often.
    """
    if dt == np.float32:
        return np.cos(x.astype(np.float64)).astype(np.float32)
    return np.cos(x)


def _times_power(lr0, factor, n, dt):
    """``lr0 * factor ** n`` in dtype dt: a rate multiplied by ``factor``, ``n`` times.

    The power and the product each saturate at the largest finite number of
    ``dt`` instead of overflowing to ``inf``.
    """
    return _saturate(lr0 * _saturate(np.power(factor, n), dt), dt)


# ---------------------------------------------------------------------------
# Argument checks (on top of lrlab/_checks.py)
# ---------------------------------------------------------------------------


_MAX_INT = 10**15  # integer arguments (steps, milestones) stay exact in float64


def _big(dt):
    """The largest finite number of ``dt``: the upper bound of factors and multipliers."""
    return float(np.finfo(dt).max)


def _number(name, value, **bounds):
    """``_checks.check_number``, with an integer too big for a float reported as ValueError."""
    try:
        return _checks.check_number(name, value, **bounds)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number, got an integer too large "
                         f"for a float ({len(str(abs(value)))} digits)") from None


def _dtype(name, dtype):
    """``_checks.check_dtype``, with numpy's other complaints about odd strings as TypeError."""
    try:
        return _checks.check_dtype(name, dtype)
    except (TypeError, ValueError):
        raise
    except Exception:  # np.dtype(",") raises SyntaxError
        raise TypeError(f"{name} must be np.float32 or np.float64, got {dtype!r}") from None


def _lr(name, value, dt):
    """A rate argument: finite, >= 0 and representable in ``dt``."""
    return _number(name, value, lo=0.0, hi=_big(dt))


def _positive(name, value):
    """A factor or an exponent: finite and > 0."""
    return _number(name, value, lo=0.0, lo_open=True)


def _length(name, value, dt):
    """A number of steps we divide by: at least the smallest normal number of ``dt``."""
    return _number(name, value, lo=float(np.finfo(dt).tiny), hi=_big(dt))


def _number_list(name, values, lo=None, hi=None, lo_open=False, integer=False):
    """A list of numbers (possibly empty), each checked like a single argument."""
    if isinstance(values, (str, bytes)) or not np.iterable(values):
        raise TypeError(f"{name} must be a list of numbers, got {type(values).__name__} {values!r}")
    checked = []
    for i, v in enumerate(values):
        if integer:
            checked.append(check_int(f"{name}[{i}]", v, lo=lo, hi=hi))
        else:
            checked.append(_number(f"{name}[{i}]", v, lo=lo, hi=hi, lo_open=lo_open))
    return checked


def _increasing(name, values):
    for i in range(1, len(values)):
        if not values[i] > values[i - 1]:
            raise ValueError(
                f"{name} must be strictly increasing, got {name}[{i - 1}] = {values[i - 1]!r} "
                f"and {name}[{i}] = {values[i]!r}"
            )


def _schedule_arg(name, value):
    if not callable(value):
        raise TypeError(
            f"{name} must be a schedule function (see lrlab.schedules), "
            f"got {type(value).__name__} {value!r}"
        )
    return value
