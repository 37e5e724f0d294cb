"""How fast lrlab's gradient descent runs: a sweep of rates, vectorized and not.

    python benchmarks/bench_descent.py

Prints, measured in this one run on this machine (best of several repeats,
so the figures are the machine's speed rather than its noise):

1. 1,000 constant rates x 1,000 steps on the blog post's problem, in one vectorized
   call (target: under 20 ms);
2. the same sweep as a plain Python loop over the rates, one call per rate;
3. the blog post's 100 steps in float32 with its exponential decay
   (target: under 1 ms);
4. a grid of 200 rates x 200 momenta (heavy ball) x 200 steps on the blog post's
   problem, in one vectorized call (notebook 07's map of outcomes; target: under 0.5 s);

and the ratio of 2 to 1.
"""

from __future__ import annotations

import platform
import timeit

import numpy as np

import lrlab

BLOG_POST = lrlab.blog_post_problem()
RATES = np.geomspace(1e-3, 2.0, 1000)


def vectorized():
    return lrlab.gradient_descent(BLOG_POST, 5.0, lr=RATES, steps=1000)


def python_loop():
    return [lrlab.gradient_descent(BLOG_POST, 5.0, lr=float(r), steps=1000) for r in RATES]


BLOG_POST_SCHEDULE = lrlab.exponential_decay(0.2, 1, 0.95, staircase=True, dtype=np.float32)


def blog_post_float32():
    return lrlab.gradient_descent(BLOG_POST, 5.0, BLOG_POST_SCHEDULE, 100, dtype=np.float32)


MOMENTUM_RATES = np.geomspace(0.01, 4.0, 200)[:, None]
MOMENTA = np.linspace(0.0, 0.99, 200)


def momentum_grid():
    return lrlab.gradient_descent(BLOG_POST, 5.0, MOMENTUM_RATES, 200, momentum=MOMENTA)


def best(fn, number, repeat):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def main():
    # the two sweeps must agree before their times mean anything
    batch, loop = vectorized(), python_loop()
    assert all(np.array_equal(batch.w[:, i], run.w, equal_nan=True) for i, run in
               enumerate(loop))
    t_vec = best(vectorized, number=3, repeat=7)
    t_loop = best(python_loop, number=1, repeat=3)
    t_f32 = best(blog_post_float32, number=20, repeat=7)
    t_mom = best(momentum_grid, number=1, repeat=5)
    print(f"lrlab {lrlab.__version__}, numpy {np.__version__}, python "
          f"{platform.python_version()}, {platform.machine()}")
    print(f"sweep 1000 rates x 1000 steps, vectorized : {t_vec * 1e3:8.2f} ms  (target < 20 ms)")
    print(f"same sweep, Python loop over the rates    : {t_loop * 1e3:8.2f} ms")
    print(f"blog post, 100 steps in float32 (TF)      : {t_f32 * 1e3:8.3f} ms  (target < 1 ms)")
    print(f"ratio loop / vectorized                   : {t_loop / t_vec:8.1f}x")
    print(f"200 x 200 (lr, momentum) x 200 steps      : {t_mom * 1e3:8.2f} ms  (target < 500 ms)")


if __name__ == "__main__":
    main()
