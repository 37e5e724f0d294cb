"""Argument checks shared by every public function of lrlab.

Each check raises ``ValueError`` (or ``TypeError`` for the wrong kind of
object) with a message that names the argument and the allowed range, e.g.::

    ValueError: lr must be a finite number > 0, got -0.1
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_number",
    "check_int",
    "check_array",
    "check_dtype",
    "check_choice",
    "check_numbers",
    "scalar_or_array",
]


def _describe(lo, hi, lo_open, hi_open):
    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo_open else '>='} {lo:g}")
    if hi is not None:
        parts.append(f"{'<' if hi_open else '<='} {hi:g}")
    return " and ".join(parts)


def check_number(name, value, lo=None, hi=None, lo_open=False, hi_open=False):
    """Return ``value`` as a Python float after checking it is a finite real in range.

    ``lo``/``hi`` are optional bounds; ``lo_open``/``hi_open`` make them strict.
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        else:
            rng = _describe(lo, hi, lo_open, hi_open)
            raise TypeError(
                f"{name} must be a real number{' ' + rng if rng else ''}, "
                f"got {type(value).__name__} {value!r}"
            )
    try:
        v = float(value)
    except OverflowError:  # an integer too large for a float
        v = float("inf")
    ok = np.isfinite(v)
    if ok and lo is not None:
        ok = v > lo if lo_open else v >= lo
    if ok and hi is not None:
        ok = v < hi if hi_open else v <= hi
    if not ok:
        rng = _describe(lo, hi, lo_open, hi_open)
        raise ValueError(f"{name} must be a finite number{' ' + rng if rng else ''}, got {value!r}")
    return v


def check_int(name, value, lo=None, hi=None):
    """Return ``value`` as a Python int after checking it is an integer in ``[lo, hi]``."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        whole = isinstance(value, (float, np.floating)) and np.isfinite(value)
        if whole and float(value).is_integer():
            value = int(value)
        else:
            rng = _describe(lo, hi, False, False)
            raise TypeError(
                f"{name} must be an integer{' ' + rng if rng else ''}, "
                f"got {type(value).__name__} {value!r}"
            )
    v = int(value)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise ValueError(f"{name} must be an integer {_describe(lo, hi, False, False)}, got {v}")
    return v


def check_array(name, value, lo=None, hi=None, lo_open=False, hi_open=False, ndim=None,
                dtype=np.float64):
    """Return ``value`` as a float array after checking every entry is finite and in range."""
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}") from None
    if ndim is not None and arr.ndim not in np.atleast_1d(ndim):
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    bad = ~np.isfinite(arr)
    if lo is not None:
        bad |= (arr <= lo) if lo_open else (arr < lo)
    if hi is not None:
        bad |= (arr >= hi) if hi_open else (arr > hi)
    if bad.any():
        rng = _describe(lo, hi, lo_open, hi_open)
        first = arr[bad].flat[0]
        raise ValueError(
            f"{name} must hold finite numbers{' ' + rng if rng else ''}, got {first!r}"
        )
    return arr


def check_start(w0, shape):
    """Return ``w0`` as a float array (:func:`check_array`) after checking it has ``shape``."""
    w0 = check_array("w0", w0)
    if w0.shape != shape:
        raise ValueError(f"w0 must have shape {shape}, got {w0.shape}")
    return w0


def check_numbers(name, value, **bounds):
    """:func:`check_number` for a single number, :func:`check_array` for an array of them.

    Returns a Python float or a float64 array; ``bounds`` as for :func:`check_number`.
    """
    if np.ndim(value) == 0:
        return check_number(name, value, **bounds)
    return check_array(name, value, **bounds)


def scalar_or_array(x):
    """A result as the caller wants it: a Python scalar when it is 0-d, else an array.

    Functions that take one number or an array of numbers give back a float
    (or an int, or a str) for one number and an array for an array.

    >>> scalar_or_array(np.float64(0.25)), scalar_or_array(np.array(["a", "b"])).tolist()
    (0.25, ['a', 'b'])
    """
    x = np.asarray(x)
    return x.item() if x.ndim == 0 else x


def check_dtype(name, dtype):
    """Return ``np.dtype(dtype)`` if it is float32 or float64."""
    try:
        dt = np.dtype(dtype)
    except (TypeError, SyntaxError, ValueError):
        raise TypeError(f"{name} must be np.float32 or np.float64, got {dtype!r}") from None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"{name} must be np.float32 or np.float64, got {dt}")
    return dt


def check_bool(name, value):
    """Return ``value`` as a bool after checking it is True or False (not 1, "yes" or None)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")


def renamed(call, names):
    """``call()``, with an error about an argument of an inner function renamed to the outer one.

    ``names`` maps inner argument names to the caller's: an error that starts
    ``"initial_lr must ..."`` from inside ``torch_multistep(lr, ...)`` reads
    ``"lr must ..."``.
    """
    try:
        return call()
    except (TypeError, ValueError) as err:
        message = str(err)
        for inner, outer in names.items():
            if message.startswith(inner + " "):
                raise type(err)(outer + message[len(inner):]) from None
        raise


def check_summary(name, value, keys, maker):
    """Return ``value`` if it is a dict holding ``keys`` (the dict ``maker`` returns)."""
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be the dict {maker} returns, got {type(value).__name__}")
    missing = [k for k in keys if k not in value]
    if missing:
        raise ValueError(f"{name} must be the dict {maker} returns; it has no "
                         f"{', '.join(repr(k) for k in missing)}")
    return value


def check_choice(name, value, choices):
    """Return ``value`` if it is one of ``choices``."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value
