"""Record what torch.optim.SGD does on lrlab's test quadratics (float64).

Run with a Python that has torch (CI does not need it; the JSON is stored):

    python tests/reference/generate_descent_torch.py > tests/reference/descent_torch.json

Each case is plain SGD (no momentum) on ``loss = sum a_i (w_i - c_i)^2``, with a
constant rate or with ``ExponentialLR(gamma)`` stepped after every update.
"""

import datetime
import json
import platform
import sys

import numpy as np
import torch

STEPS = 100


def run(a, center, w0, lr, gamma=None):
    a = torch.tensor(a, dtype=torch.float64)
    c = torch.tensor(center, dtype=torch.float64)
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma) if gamma else None
    path, rates = [w.detach().clone().tolist()], []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = (a * (w - c) ** 2).sum()
        loss.backward()
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        if sched:
            sched.step()
        path.append(w.detach().clone().tolist())
    return path, rates


def main():
    cases = []
    problems = [
        ("seed", 1.0, -1.0, 5.0, np.geomspace(1e-3, 1.3, 14)),
        ("bowl2d", [0.5, 5.0], [0.0, 0.0], [1.0, 1.0], np.geomspace(1e-3, 0.26, 12)),
    ]
    for name, a, c, w0, rates in problems:
        for gamma in (None, 0.95):
            for lr in rates:
                path, used = run(a, c, w0, float(lr), gamma)
                cases.append(dict(problem=name, a=a, center=c, w0=w0, lr=float(lr),
                                  gamma=gamma, w=path, lr_used=used))
    out = dict(
        provenance=dict(
            script="tests/reference/generate_descent_torch.py",
            torch=torch.__version__, numpy=np.__version__, python=sys.version.split()[0],
            platform=platform.platform(), date=datetime.date.today().isoformat(),
            steps=STEPS,
        ),
        cases=cases,
    )
    json.dump(out, sys.stdout, indent=None)


if __name__ == "__main__":
    with np.errstate(all="ignore"):
        main()
