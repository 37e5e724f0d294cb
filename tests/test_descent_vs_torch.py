"""lrlab's float64 gradient descent against torch.optim.SGD (values stored in JSON).

The reference trajectories were produced by tests/reference/generate_descent_torch.py
(its provenance is inside the JSON); CI needs neither torch nor the script.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from testkit import torch_case

from lrlab import gradient_descent

DATA = json.loads((Path(__file__).parent / "reference" / "descent_torch.json").read_text())
CASES = DATA["cases"]


def test_reference_covers_rates_beyond_divergence():
    # each problem's critical rate is 1 / max(a): 1.0 for the blog post's problem (stored as
    # "seed") and 0.2 for the 2-D bowl
    blog_post_rates = [c["lr"] for c in CASES if c["problem"] == "seed"]
    bowl_rates = [c["lr"] for c in CASES if c["problem"] == "bowl2d"]
    assert min(blog_post_rates) <= 1e-3 and max(blog_post_rates) > 1.0
    assert min(bowl_rates) <= 1e-3 and max(bowl_rates) > 0.2


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['problem']}-lr{c['lr']:.4g}-gamma{c['gamma']}" for c in CASES]
)
def test_trajectory_matches_torch_sgd(case):
    problem, lr, steps = torch_case(case)
    run = gradient_descent(problem, case["w0"], lr, steps)
    ref = np.asarray(case["w"], dtype=np.float64)
    np.testing.assert_allclose(run.lr[: len(case["lr_used"])][np.isfinite(run.lr)],
                               np.asarray(case["lr_used"])[np.isfinite(run.lr)], rtol=1e-12)
    # compare every point lrlab computed before it declared the run diverged
    last = steps if run.status != "diverged" else int(run.status_step)
    np.testing.assert_allclose(run.w[: last + 1], ref[: last + 1], rtol=1e-12, atol=0)
    if run.status == "diverged":
        assert not np.all(np.abs(ref[-1]) < 1e6 * np.abs(ref[0])), "torch kept it bounded"
