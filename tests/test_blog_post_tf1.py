"""lrlab in float32 reproduces the blog post's TensorFlow 1 program bit for bit.

The program (``shared/seed/tf1-program.py``) minimises ``(w + 1)^2`` from ``w = 5``
with ``exponential_decay(0.2, global_step, 1, 0.95, staircase=True)``. Its
printed output and a 2000-step recording of real TensorFlow are kept in
``tests/data`` (see ``tests/data/README.md``).

What TensorFlow's float32 arithmetic does that plain numpy does not:

- it flushes subnormal results to zero, so the rate is exactly 0 from global
  step 1672 (numpy's gradual underflow reaches 0 only at step 1996);
- its ``Pow`` is the C library's ``powf``, which is not correctly rounded
  (``0.95 ** 58`` comes out one unit in the last place above the nearest
  float32), and numpy's array ``np.power`` may differ from it.
"""

import json
import platform
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from lrlab import _tf32
from lrlab.descent import gradient_descent
from lrlab.problems import Quadratic
from lrlab.schedules import exponential_decay
from lrlab.theory import underflow_step

DATA = Path(__file__).resolve().parent / "data"
BLOG_POST_DIR = Path(__file__).resolve().parents[2] / "shared" / "seed"

f32 = np.float32
TINY = np.finfo(f32).tiny

LINE = re.compile(
    r"运行了轮 (\d+) ,global_step是 (\d+) \n"
    r" ,learning_rate是 (\S+) ,损失函数是 (\S+) 参数是 (\S+)\n"
)


def parse_printout(path):
    """Rows ``(i, global_step, lr, loss, w)`` of the blog post's printout, values as printed."""
    text = path.read_text(encoding="utf-8")
    rows = [(int(m[1]), int(m[2]), m[3], m[4], m[5]) for m in LINE.finditer(text)]
    assert "".join(m[0] for m in LINE.finditer(text)) == text, "unparsed text in the printout"
    return rows


def load_long_run():
    data = json.loads((DATA / "tf1-long-run.json").read_text(encoding="utf-8"))
    arrays = {
        key: np.array([int(h, 16) for h in data[key]], dtype=np.uint32).view(f32)
        for key in ("lr", "w", "loss", "grad")
    }
    return data, arrays


PRINTED_ROWS = parse_printout(DATA / "tf1-output.txt")
LONG_META, TF = load_long_run()


def tf_rate_by_hand(t):
    """TensorFlow's rate at global step ``t``, written out with numpy float32 scalars.

    ``0.2 * pow(0.95, floor(t / 1))`` with every result a float32; a numpy
    float32 scalar ``**`` calls the C library's powf, as TensorFlow does. The
    flush to zero is written out here, not taken from lrlab.
    """
    with np.errstate(under="ignore"):
        p = np.floor(f32(t) / f32(1))
        power = f32(0.95) ** p
        power = f32(0) if abs(power) < TINY else power
        rate = f32(0.2) * power
    return f32(0) if abs(rate) < TINY else rate


def _powf_as_recorded():
    by_hand = np.array([tf_rate_by_hand(t) for t in range(LONG_META["steps"] + 1)], dtype=f32)
    return np.flatnonzero(by_hand.view(np.uint32) != TF["lr"].view(np.uint32))


POWF_MISMATCHES = _powf_as_recorded()
ON_GLIBC = platform.libc_ver()[0] == "glibc"
needs_recorded_powf = pytest.mark.skipif(
    len(POWF_MISMATCHES) > 0 and not ON_GLIBC,
    reason="this C library's powf rounds some of TensorFlow's rates differently from glibc's, "
    "which TensorFlow used when tests/data was recorded",
)


def blog_post_schedule():
    return exponential_decay(0.2, 1, 0.95, staircase=True, dtype=np.float32)


def blog_post_run(steps):
    return gradient_descent(
        Quadratic(a=1.0, center=-1.0), w0=5.0, lr=blog_post_schedule(), steps=steps,
        dtype=np.float32,
    )


@pytest.fixture(scope="module")
def long_run():
    return blog_post_run(LONG_META["steps"])


def bits(x):
    return np.asarray(x, dtype=f32).view(np.uint32)


# --- the data -------------------------------------------------------------------------------


def test_repo_copy_is_the_blog_post_printout():
    original = BLOG_POST_DIR / "tf1-output.txt"
    if not original.exists():
        pytest.skip(f"{original} is not beside this checkout")
    assert (DATA / "tf1-output.txt").read_bytes() == original.read_bytes()


def test_blog_post_printout_has_100_steps():
    assert [row[:2] for row in PRINTED_ROWS] == [(i, i + 1) for i in range(100)]


def test_long_run_agrees_with_the_printout():
    for _, step, lr, loss, w in PRINTED_ROWS:
        assert (str(TF["lr"][step]), str(TF["loss"][step]), str(TF["w"][step])) == (lr, loss, w)
    assert LONG_META["provenance"]["tensorflow"] == "2.21.0"


# --- what TensorFlow computes, written out in plain numpy -----------------------------------


def test_tf_rate_is_powf_then_flush_to_zero():
    if len(POWF_MISMATCHES) and not ON_GLIBC:
        pytest.skip(f"local powf differs from the recorded one at steps {POWF_MISMATCHES[:5]}")
    assert POWF_MISMATCHES.tolist() == []
    # lrlab's float32 helpers compute the same rates
    steps = np.arange(LONG_META["steps"] + 1, dtype=f32)
    rates = _tf32.tf_multiply(f32(0.2), _tf32.tf_pow(f32(0.95), steps))
    np.testing.assert_array_equal(bits(rates), bits(TF["lr"]))


def test_correctly_rounded_power_is_not_what_tf_gives_at_step_58():
    # 0.95 in float32 is 15938355 / 2**24; its 58th power, exactly, lies just
    # below the midpoint of two float32s, so correct rounding goes down ...
    exact = Fraction(15938355, 2**24) ** 58
    low = f32(float(exact))
    high = np.nextafter(low, f32(1))
    if Fraction(float(low)) > exact:
        low, high = np.nextafter(low, f32(0)), low
    midpoint = (Fraction(float(low)) + Fraction(float(high))) / 2
    assert Fraction(float(low)) < exact < midpoint
    # ... but TensorFlow's rate is 0.2 times the float32 above.
    assert bits(TF["lr"][58]) == bits(f32(0.2) * high)
    assert bits(TF["lr"][58]) != bits(f32(0.2) * low)
    # lrlab's powf rounds up, like TensorFlow's
    assert bits(_tf32.powf(0.95, 58)) == bits(high)


def test_tf_gradient_and_update_round_twice_like_lrlabs_float32_update():
    # Given TensorFlow's rates, lrlab's float32 update (lr * g flushed, then
    # w - step flushed: two roundings) gives TensorFlow's next w at every step,
    # with g = (w + 1) * 2 from lrlab's problem; a fused multiply-add (one
    # rounding) would not have matched.
    from lrlab.descent import _update_float32

    problem = Quadratic(a=1.0, center=-1.0)
    fused_differs = False
    for t in range(LONG_META["steps"]):
        w, lr = TF["w"][t], TF["lr"][t]
        assert bits(problem._loss(w)) == bits(TF["loss"][t]), t
        g = problem._grad(w, t)
        assert bits(g) == bits(TF["grad"][t]), t
        w_next = _update_float32(w, lr, g)
        assert bits(w_next) == bits(TF["w"][t + 1]), t
        fused = f32(np.float64(w) - np.float64(lr) * np.float64(g))
        fused_differs |= bool(bits(fused) != bits(w_next))
    assert fused_differs


# --- lrlab against TensorFlow ----------------------------------------------------------------


@needs_recorded_powf
def test_lrlab_prints_the_blog_post_output_identically():
    run = blog_post_run(100)
    rates_after = blog_post_schedule()(np.arange(1, 101))
    np.testing.assert_array_equal(bits(run.lr[1:]), bits(rates_after[:-1]))
    printed = [
        (i, i + 1, str(f32(rates_after[i])), str(run.loss[i + 1]), str(run.w[i + 1]))
        for i in range(100)
    ]
    assert printed == PRINTED_ROWS


@needs_recorded_powf
def test_lrlab_long_run_matches_tensorflow_bit_for_bit(long_run):
    steps = LONG_META["steps"]
    assert long_run.w.dtype == np.float32
    for name in ("w", "loss"):
        np.testing.assert_array_equal(bits(getattr(long_run, name)), bits(TF[name]), err_msg=name)
    np.testing.assert_array_equal(bits(long_run.lr), bits(TF["lr"][:steps]))
    np.testing.assert_array_equal(bits(long_run.grad), bits(TF["grad"][:steps]))
    schedule = np.asarray(blog_post_schedule()(np.arange(steps + 1)), dtype=f32)
    np.testing.assert_array_equal(bits(schedule), bits(TF["lr"]))


@needs_recorded_powf
def test_stalls_after_update_180(long_run):
    w = long_run.w
    assert long_run.status == "stalled"
    assert long_run.status_step == 180
    assert w[180] == f32(-0.99927187)
    assert bits(w[179]) != bits(w[180])
    assert bits(w[181]) == bits(w[180])
    assert long_run.grad[180] != 0 and long_run.lr[180] > 0
    # The step lr * g is below half the float32 spacing of w, from then on.
    assert abs(long_run.lr[180] * long_run.grad[180]) < abs(np.spacing(w[180])) / 2
    assert (bits(w[180:]) == bits(w[180])).all()


@needs_recorded_powf
def test_rate_is_exactly_zero_from_global_step_1672(long_run):
    rates = np.asarray(blog_post_schedule()(np.arange(2001)), dtype=f32)
    assert rates[1671] > 0 and rates[1671] >= TINY  # still a normal float32
    assert rates[1671] < 2 * TINY
    assert (rates[1672:] == 0).all()
    assert long_run.lr[1671] > 0
    assert (long_run.lr[1672:] == 0).all()


def test_without_flushing_the_rate_reaches_zero_only_at_step_1996():
    # Plain IEEE float32 (gradual underflow), one numpy scalar at a time, against
    # lrlab's closed form for the first step with a zero rate.
    def rate(t, flush):
        with np.errstate(under="ignore"):
            r = f32(0.2) * (f32(0.95) ** f32(t))
        return f32(0) if flush and abs(r) < TINY else r

    def first_zero(flush):
        return next(t for t in range(3000) if rate(t, flush) == 0)

    assert first_zero(flush=False) == 1996 == underflow_step(0.2, 0.95, flush=False)
    assert first_zero(flush=True) == 1672 == underflow_step(0.2, 0.95)
    # lrlab's schedule, flushed as TensorFlow does, gives 0 from the same step
    rates = blog_post_schedule()(np.arange(1670, 1674))
    assert rates.tolist()[:2] != [0, 0] and rates.tolist()[2:] == [0, 0]
    # In between, IEEE keeps a subnormal rate: nonzero but below the smallest normal.
    between = [rate(t, flush=False) for t in (1672, 1800, 1995)]
    assert all(0 < r < TINY for r in between)


# --- the helpers -----------------------------------------------------------------------------


def test_flush_subnormals():
    x = np.array([TINY, TINY / 2, -TINY / 2, 1e-45, 0.0, -0.0, 1.0, np.inf, -np.inf, np.nan],
                 dtype=f32)
    out = _tf32.flush_subnormals(x)
    assert out.dtype == f32 and out.shape == x.shape
    expected = np.array([TINY, 0, -0.0, 0, 0, -0.0, 1, np.inf, -np.inf, np.nan], dtype=f32)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(np.signbit(out), np.signbit(expected))
    scalar = _tf32.flush_subnormals(f32(1e-40))
    assert isinstance(scalar, np.float32) and scalar == 0
    assert _tf32.flush_subnormals(np.float64(1e-310)) == 0  # float64's own threshold
    assert _tf32.flush_subnormals(np.float64(1e-39)) == 1e-39
    assert _tf32.flush_subnormals(np.array(3)) == 3


def test_tf_multiply_flushes_what_numpy_keeps():
    with np.errstate(under="ignore"):
        assert TINY * f32(0.5) > 0
    assert _tf32.tf_multiply(TINY, 0.5) == 0
    assert _tf32.tf_multiply(f32(2.0), f32(3.0)) == 6


def test_powf_special_cases():
    # the scalar-power-by-element comparison lives in test_tf32.py, against the
    # C library's powf called through ctypes
    assert isinstance(_tf32.powf(0.95, 2), np.float32)
    assert _tf32.powf(-0.0, -1.0) == -np.inf
    assert _tf32.tf_pow(0.95, 1750.0) == 0 < _tf32.powf(0.95, 1750.0)
