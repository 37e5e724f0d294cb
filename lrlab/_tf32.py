"""Float32 arithmetic the way TensorFlow's CPU kernels do it, in numpy.

Plain numpy float32 and TensorFlow float32 agree on ``+``, ``-``, ``*``, ``/``
and ``floor`` for normal numbers: both round every result to the nearest
float32 (IEEE 754). The blog post's program (``loss = (w + 1)^2`` with
``exponential_decay(0.2, step, 1, 0.95, staircase=True)``) still comes out
different in plain numpy, for two reasons, both checked bit for bit against
tensorflow-cpu 2.21 over 2000 steps:

1. **Subnormals are flushed to zero.** TensorFlow runs its CPU kernels with
   the processor's flush-to-zero and denormals-are-zero modes switched on. A
   result smaller in size than the smallest normal float32
   (``np.finfo(np.float32).tiny``, about 1.18e-38) becomes 0, and such a
   number given as input counts as 0. In TensorFlow ``1.1754944e-38 * 0.5``
   is ``0.0``; in numpy it is ``5.877472e-39``, a *subnormal* number (IEEE
   "gradual underflow"). That is why the blog post's learning rate is exactly 0
   from global step 1672 in TensorFlow, but only from step 1996 in numpy.
   :func:`flush_subnormals` does the flushing.

2. **The power is the C library's** ``powf``. TensorFlow's decayed rate is
   ``0.2 * pow(0.95, step)`` in float32; for a single number its ``Pow``
   kernel calls the C library's ``powf``. That function is accurate but not
   correctly rounded: for ``0.95**58`` the exact value lies 0.4995 of a unit
   in the last place above a float32 and ``powf`` rounds it up. numpy's
   ``np.power`` on a float32 *array* may use its own vectorized code (on a
   CPU with AVX-512 it differed from ``powf`` in the last bit for 341 of the
   first 1672 steps), and rounding the float64 power to float32 gives a
   different rate at 19 of the first 2000 steps. A numpy float32 *scalar*
   ``x ** y`` calls ``powf``: :func:`powf` uses that, one element at a time.

Everything else in the blog post's graph is plain float32: the gradient is
``(w + 1) * 2`` times an upstream ``1.0`` (both products exact), and the
update is ``w - (lr * g)`` with two roundings, not a fused multiply-add.
In the blog post's run the product ``lr * g`` itself turns subnormal from step
1544 and is flushed to 0, which changes nothing there: ``w`` has not moved
since update 180, when ``lr * g`` fell below half the float32 spacing of ``w``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["flush_subnormals", "powf", "tf_pow", "tf_multiply"]


_SMALLEST_NORMAL = {}


def _smallest_normal(dtype):
    """``np.finfo(dtype).tiny``, looked up once per dtype (finfo is slow)."""
    if dtype not in _SMALLEST_NORMAL:
        _SMALLEST_NORMAL[dtype] = np.finfo(dtype).tiny
    return _SMALLEST_NORMAL[dtype]


def flush_subnormals(x):
    """Replace subnormal numbers by a zero of the same sign (flush to zero).

    Used in notebooks/03-exponential-decay.ipynb,
    section "3 · The blog post's program, replayed", through exponential_decay and
    gradient_descent in float32.

    A number is *subnormal* when it is not zero but smaller in size than
    ``np.finfo(dtype).tiny``. Applied after each float32 operation, this
    reproduces TensorFlow's CPU kernels (point 1 of the module docstring).

    Parameters
    ----------
    x : float or array_like
        Floating-point values. Integer values are returned unchanged.

    Returns
    -------
    numpy scalar or ndarray
        ``x`` with the same dtype and shape, its subnormals replaced by
        ``+0.0`` or ``-0.0``. Infinities and NaN are kept.

    Examples
    --------
    >>> import numpy as np
    >>> half_tiny = np.finfo(np.float32).tiny * np.float32(0.5)
    >>> bool(half_tiny > 0), float(flush_subnormals(half_tiny))
    (True, 0.0)
    >>> flush_subnormals(np.array([1e-39, -1e-39, 1e-30], dtype=np.float32)).tolist()
    [0.0, -0.0, 1.0000000031710769e-30]
    """
    arr = np.asarray(x)
    if arr.dtype.kind != "f":
        return arr[()]
    small = np.abs(arr) < _smallest_normal(arr.dtype)
    if small.any():
        # NaN compares False, so it is kept; copysign keeps the sign of the zero.
        arr = np.where(small, np.copysign(arr.dtype.type(0), arr), arr)
    return arr[()]


def powf(base, exponent):
    """``base ** exponent`` in float32 by the C library's ``powf``.

    Used in notebooks/03-exponential-decay.ipynb,
    section "3 · The blog post's program, replayed", through exponential_decay and
    gradient_descent in float32.

    Why ``powf`` and not ``np.power``: point 2 of the module docstring. This
    function applies numpy's float32 *scalar* ``**`` (which calls ``powf``)
    element by element, after broadcasting, and computes each distinct pair
    only once, so a staircase schedule with many repeated exponents stays fast.

    The result is what this machine's C library gives, like TensorFlow's own
    result on this machine. (Given a tensor of *many* float32 numbers,
    TensorFlow's ``Pow`` uses Eigen's vectorized power instead, which differs
    from ``powf`` in the last bit for about a quarter of the blog post's rates; a
    learning rate is a single number, so ``powf`` is the one that matters.)
    Subnormal results are *not* flushed here; use :func:`tf_pow` for
    TensorFlow's arithmetic.

    Parameters
    ----------
    base, exponent : float or array_like
        Converted to float32 and broadcast together.

    Returns
    -------
    numpy.float32 or ndarray of float32
        Overflow gives ``inf`` and a negative base with a fractional exponent
        gives NaN, silently, as in TensorFlow.

    Examples
    --------
    >>> import numpy as np
    >>> powf(0.95, [0, 1, 58]).tolist() == [1.0, 0.949999988079071, 0.05104683339595795]
    True
    """
    b, e = np.broadcast_arrays(np.asarray(base, dtype=np.float32),
                               np.asarray(exponent, dtype=np.float32))
    # Distinct (base, exponent) pairs, keyed by their two bit patterns so that
    # -0.0 and NaN are handled like any other value.
    b_bits = b.ravel().view(np.uint32).astype(np.uint64)
    e_bits = e.ravel().view(np.uint32).astype(np.uint64)
    unique, inverse = np.unique((b_bits << np.uint64(32)) | e_bits, return_inverse=True)
    bases = (unique >> np.uint64(32)).astype(np.uint32).view(np.float32)
    exponents = (unique & np.uint64(0xFFFFFFFF)).astype(np.uint32).view(np.float32)
    with np.errstate(all="ignore"):
        # Each x and y is a numpy float32 scalar, so ``x ** y`` calls powf.
        values = np.array([x**y for x, y in zip(bases, exponents, strict=True)], dtype=np.float32)
    return values[inverse.reshape(-1)].reshape(b.shape)[()]


def tf_pow(base, exponent):
    """TensorFlow's float32 ``tf.pow`` on single numbers: ``powf``, then flushed.

    Used in notebooks/03-exponential-decay.ipynb,
    section "3 · The blog post's program, replayed", through exponential_decay and
    gradient_descent in float32.

    >>> float(tf_pow(0.95, 1750.0)), float(powf(0.95, 1750.0)) > 0
    (0.0, True)
    """
    return flush_subnormals(powf(base, exponent))


def tf_multiply(x, y):
    """TensorFlow's float32 ``x * y``: the IEEE product, subnormals flushed.

    Used in notebooks/03-exponential-decay.ipynb,
    section "3 · The blog post's program, replayed", through exponential_decay and
    gradient_descent in float32.

    >>> import numpy as np
    >>> float(tf_multiply(np.finfo(np.float32).tiny, 0.5))
    0.0
    """
    x = flush_subnormals(np.asarray(x, dtype=np.float32))
    y = flush_subnormals(np.asarray(y, dtype=np.float32))
    with np.errstate(under="ignore"):
        return flush_subnormals(x * y)
