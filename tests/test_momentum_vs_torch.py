"""lrlab's momentum, Nesterov and Adam against torch.optim (float64 values stored in JSON).

The reference trajectories were produced by tests/reference/generate_momentum_torch.py
(its provenance is inside the JSON); CI needs neither torch nor the script.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from testkit import torch_case

import lrlab
from lrlab import adam, gradient_descent

DATA = json.loads((Path(lrlab.__file__).parent / "reference" / "momentum_torch.json").read_text())
CASES = DATA["cases"]


def _id(c):
    what = (f"m{c['momentum']}{'-nesterov' if c['nesterov'] else ''}" if c["optimizer"] == "sgd"
            else f"eps{c['eps']:g}")
    return f"{c['optimizer']}-{c['problem']}-lr{c['lr']:g}-{what}-gamma{c['gamma']}"


def test_reference_covers_the_issue():
    sgd = [c for c in CASES if c["optimizer"] == "sgd"]
    ad = [c for c in CASES if c["optimizer"] == "adam"]
    assert {c["momentum"] for c in sgd} == {0.5, 0.9, 0.99}
    assert {c["nesterov"] for c in sgd} == {False, True}
    assert len({c["lr"] for c in ad}) == 3 and len({c["eps"] for c in ad}) == 2
    assert {c["problem"] for c in CASES} == {"seed", "bowl2d"}
    assert DATA["provenance"]["torch"].startswith("2.")


def _run(case):
    problem, lr, steps = torch_case(case)
    if case["optimizer"] == "sgd":
        return gradient_descent(problem, case["w0"], lr, steps, momentum=case["momentum"],
                                nesterov=case["nesterov"])
    return adam(problem, case["w0"], lr, steps, b1=case["b1"], b2=case["b2"], eps=case["eps"])


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_trajectory_matches_torch(case):
    run = _run(case)
    ref = np.asarray(case["w"], dtype=np.float64)
    steps = len(ref) - 1
    # compare every point lrlab computed before it declared the run diverged
    last = steps if run.status != "diverged" else int(run.status_step)
    # 1e-12 relative to each point, or to the run's own size where a coordinate passes near
    # 0 (there a point is the difference of two nearly equal numbers: 2 of the 96 cases)
    ours, theirs = run.w[: last + 1], ref[: last + 1]
    scale = np.maximum(np.abs(theirs), np.abs(theirs).max(axis=0))
    worst = float((np.abs(ours - theirs) / scale).max())
    assert worst <= 1e-12, f"relative difference {worst:.3g}"
    if run.status == "diverged":
        # torch's own point there is as far out: its loss passed a million times the start
        loss = run.problem.loss(ref[: last + 1])
        assert loss[-1] > 1e6 * max(loss[0], 1.0)
