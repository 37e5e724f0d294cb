"""lrlab's float32 emulation of TensorFlow (``lrlab/_tf32.py``) on the inputs where it matters.

The blog post's run never feeds a subnormal number *into* a product, so its
bit-for-bit match (``test_blog_post_tf1.py``) cannot tell whether inputs are
flushed. These tests can: near 1e-38 every flush shows. Expected values come
from the rule written out in Python floats (a float32 is subnormal when
``0 < |x| < 2**-126``) and, for ``powf``, from the C library itself through
ctypes, not from lrlab's own code.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrlab import _tf32

f32 = np.float32
SMALLEST_NORMAL = 2.0**-126          # float32: IEEE 754 binary32, emin = -126
floats32 = st.floats(width=32, allow_nan=False)   # includes subnormals, +-0 and +-inf


def flushed(x):
    """A Python float seen by a flush-to-zero processor: subnormals become a signed 0."""
    return math.copysign(0.0, x) if 0 < abs(x) < SMALLEST_NORMAL else x


def same(a, b):
    """Equal values with the same sign of zero."""
    return float(a) == float(b) and math.copysign(1, float(a)) == math.copysign(1, float(b))


# --- flush_subnormals ------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(x=floats32)
def test_flush_subnormals_property(x):
    out = _tf32.flush_subnormals(f32(x))
    assert isinstance(out, np.float32)
    assert same(out, flushed(x))


def test_flush_subnormals_at_the_boundary():
    tiny = f32(SMALLEST_NORMAL)
    below = np.nextafter(tiny, f32(0))            # the largest subnormal
    out = _tf32.flush_subnormals(np.array([tiny, below, -below, -tiny], dtype=f32))
    assert out.tolist() == [SMALLEST_NORMAL, 0.0, 0.0, -SMALLEST_NORMAL]
    assert np.signbit(out).tolist() == [False, False, True, True]


def test_flush_subnormals_of_a_dtype_not_seen_before(monkeypatch):
    # the smallest normal number is looked up per dtype the first time it is needed
    monkeypatch.setattr(_tf32, "_SMALLEST_NORMAL", {})
    assert _tf32.flush_subnormals(np.float16(1e-5)) == 0          # float16 tiny: 6.1e-5
    assert _tf32.flush_subnormals(np.float16(1e-4)) == np.float16(1e-4)
    assert _tf32.flush_subnormals(f32(1e-39)) == 0
    assert _tf32.flush_subnormals(f32(1e-37)) == f32(1e-37)
    assert _tf32.flush_subnormals(np.float64(1e-39)) == 1e-39     # normal in float64


# --- tf_multiply: inputs and result flushed ---------------------------------------------------

def test_tf_multiply_flushes_a_subnormal_input():
    # 1e-40 is subnormal in float32: TensorFlow reads it as 0, so the product is 0,
    # although 1e-40 * 1e5 = 1e-35 is a normal float32
    for x, y in ((1e-40, 1e5), (1e5, 1e-40), (-1e-40, 1e5)):
        out = _tf32.tf_multiply(x, y)
        assert out == 0 and out.dtype == f32, (x, y)
    assert np.signbit(_tf32.tf_multiply(-1e-40, 1e5))
    assert _tf32.tf_multiply(1e-37, 1e5) == f32(f32(1e-37) * f32(1e5))


def test_tf_multiply_is_silent_when_numpy_would_raise():
    # 1.5e-38 * 0.3 is subnormal and inexact: IEEE underflow, which numpy could raise
    with np.errstate(all="raise"):
        assert _tf32.tf_multiply(1.5e-38, 0.3) == 0
        with pytest.raises(FloatingPointError):
            f32(1.5e-38) * f32(0.3)


@settings(max_examples=400, deadline=None)
@given(x=floats32, y=floats32)
def test_tf_multiply_property(x, y):
    # the product of two float32 is exact in a Python float (24 + 24 bits < 53), so
    # rounding it once to float32 is the IEEE float32 product
    a, b = flushed(x), flushed(y)
    if (a == 0 and math.isinf(b)) or (b == 0 and math.isinf(a)):
        expected = math.nan
    else:
        with np.errstate(over="ignore", under="ignore"):
            expected = flushed(float(f32(a * b)))
    with np.errstate(over="ignore", invalid="ignore"):   # numpy warns on inf, 0 * inf
        out = _tf32.tf_multiply(f32(x), f32(y))
    assert out.dtype == f32
    if math.isnan(expected):
        assert np.isnan(out)
    else:
        assert same(out, expected)


# --- powf: the C library's powf ---------------------------------------------------------------

def _libm_powf():
    name = ctypes.util.find_library("m")
    if name is None:
        pytest.skip("no C math library found by ctypes")
    fn = ctypes.CDLL(name).powf
    fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float, ctypes.c_float]
    return fn


def test_powf_is_the_c_librarys_powf():
    libm_powf = _libm_powf()
    rng = np.random.default_rng(15)
    bases = np.concatenate([[0.95] * 5, rng.uniform(0, 3, 300)]).astype(f32)
    exponents = np.concatenate([[0, 1, 58, 1671, 1750], rng.uniform(-40, 40, 300)]).astype(f32)
    out = _tf32.powf(bases.reshape(5, 61), exponents.reshape(5, 61))
    assert out.dtype == f32 and out.shape == (5, 61)
    pairs = zip(bases.tolist(), exponents.tolist(), strict=True)
    expected = np.array([libm_powf(b, e) for b, e in pairs], dtype=f32)
    np.testing.assert_array_equal(out.ravel().view(np.uint32), expected.view(np.uint32))


def test_powf_broadcasts_and_repeats():
    # one exponent for many bases, and repeated pairs (the staircase's case)
    out = _tf32.powf(f32([2, 3, 2, 0.5]), f32(3))
    assert out.tolist() == [8.0, 27.0, 8.0, 0.125]
    col = _tf32.powf(f32([[2], [3]]), f32([0, 1, 2]))
    assert col.tolist() == [[1, 2, 4], [1, 3, 9]]


def test_powf_is_within_one_unit_of_the_exact_power():
    # 0.95 in float32 is 15938355 / 2**24: the exact power as a fraction
    base = Fraction(15938355, 2**24)
    assert Fraction(float(f32(0.95))) == base
    for n in (2, 10, 58, 200, 1000):
        got = _tf32.powf(0.95, n)
        exact = base**n
        ulp = Fraction(float(np.spacing(got)))
        assert abs(Fraction(float(got)) - exact) < ulp, n


def test_powf_of_nothing_is_an_empty_float32_array():
    out = _tf32.powf([], [])
    assert out.shape == (0,) and out.dtype == f32


def test_tf_pow_flushes_what_powf_keeps():
    kept = _tf32.powf(0.95, 1750.0)
    assert 0 < kept < SMALLEST_NORMAL                 # a subnormal float32
    assert _tf32.tf_pow(0.95, 1750.0) == 0
    assert _tf32.tf_pow(0.95, 58.0) == _tf32.powf(0.95, 58.0)
