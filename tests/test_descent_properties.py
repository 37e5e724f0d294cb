"""Property tests: gradient descent over wide parameter ranges never misbehaves.

For valid input: no exception, no warning (pyproject turns warnings into
errors), statuses from the allowed set, finite values up to the status step.
For invalid input: only ValueError or TypeError.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lrlab import (
    Quadratic,
    Rosenbrock,
    TwoBasins,
    blog_post_problem,
    gradient_descent,
    regime,
)
from lrlab.descent import STATUSES

rates = st.floats(min_value=1e-12, max_value=1e12, allow_nan=False)
starts = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
curvatures = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False)
dtypes = st.sampled_from([np.float32, np.float64])
SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(a=curvatures, center=starts, w0=starts, lr=rates, steps=st.integers(1, 300), dtype=dtypes)
def test_quadratic_runs_are_clean(a, center, w0, lr, steps, dtype):
    run = gradient_descent(Quadratic(a, center), w0, lr, steps, dtype=dtype)
    assert run.status in STATUSES
    assert run.w.dtype == dtype and run.w.shape == (steps + 1,)
    last = int(run.status_step) if run.status == "diverged" else steps
    assert np.isfinite(run.w[: last + 1]).all()
    if run.status == "diverged":
        # a run the closed form calls convergent never diverges in float64
        assert dtype == np.float32 or regime(Quadratic(a, center), lr) in (
            "divergent", "on the edge", "oscillating")


@SETTINGS
@given(lr=st.lists(rates, min_size=1, max_size=20), w0=starts, dtype=dtypes,
       steps=st.integers(1, 100))
def test_batches_equal_single_runs(lr, w0, dtype, steps):
    problem = blog_post_problem()
    batch = gradient_descent(problem, w0, lr, steps, dtype=dtype)
    for i, r in enumerate(lr):
        one = gradient_descent(problem, w0, r, steps, dtype=dtype)
        np.testing.assert_array_equal(batch.w[:, i], one.w)
        assert batch.status[i] == one.status


@SETTINGS
@given(lr=rates, x=starts, y=starts, steps=st.integers(1, 200))
def test_nonconvex_problems_are_clean(lr, x, y, steps):
    for problem, w0 in ((TwoBasins(), x), (Rosenbrock(), [x, y])):
        run = gradient_descent(problem, w0, lr, steps)
        assert run.status in STATUSES


bad_numbers = st.sampled_from([0.0, -1.0, np.nan, np.inf, -np.inf, "0.1", None, [[]]])


@SETTINGS
@given(lr=bad_numbers)
def test_bad_rates_raise_value_or_type_error(lr):
    try:
        gradient_descent(blog_post_problem(), 5.0, lr, 10)
    except (ValueError, TypeError) as err:
        assert "lr" in str(err)
    else:
        raise AssertionError(f"lr={lr!r} was accepted")


@SETTINGS
@given(steps=st.one_of(st.integers(max_value=0), st.floats(allow_nan=True).filter(
    lambda s: not float(s).is_integer() if np.isfinite(s) else True)))
def test_bad_steps_raise_value_or_type_error(steps):
    try:
        gradient_descent(blog_post_problem(), 5.0, 0.1, steps)
    except (ValueError, TypeError) as err:
        assert "steps" in str(err)
    else:
        raise AssertionError(f"steps={steps!r} was accepted")
