"""Record what torch.optim.SGD(momentum=...) and torch.optim.Adam do (float64).

Run with a Python that has torch (CI does not need it; the JSON is stored):

    python tests/reference/generate_momentum_torch.py > lrlab/reference/momentum_torch.json

Problems: the blog post's ``(w + 1)^2`` from 5 and the 2-D bowl
``0.5 x^2 + 5 y^2`` of notebook 06 from (-5, 2). Each case runs ``STEPS``
updates with a constant rate, or with ``ExponentialLR(gamma)`` stepped after
every update.
"""

import datetime
import json
import platform
import sys

import numpy as np
import torch

STEPS = 100
PROBLEMS = {
    "seed": dict(a=1.0, center=-1.0, w0=5.0),
    "bowl2d": dict(a=[0.5, 5.0], center=[0.0, 0.0], w0=[-5.0, 2.0]),
}
SGD_RATES = {"seed": [0.05, 0.4, 1.5], "bowl2d": [0.02, 0.15, 0.3]}
ADAM_RATES = [0.01, 0.1, 1.0]


def run(problem, make_optimizer, gamma=None):
    a = torch.tensor(problem["a"], dtype=torch.float64)
    c = torch.tensor(problem["center"], dtype=torch.float64)
    w = torch.tensor(problem["w0"], dtype=torch.float64, requires_grad=True)
    opt = make_optimizer([w])
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma) if gamma else None
    path = [w.detach().clone().tolist()]
    for _ in range(STEPS):
        opt.zero_grad()
        loss = (a * (w - c) ** 2).sum()
        loss.backward()
        opt.step()
        if sched:
            sched.step()
        path.append(w.detach().clone().tolist())
    return path


def main():
    cases = []
    for name, problem in PROBLEMS.items():
        for momentum in (0.5, 0.9, 0.99):
            for nesterov in (False, True):
                for gamma in (None, 0.95):
                    for lr in SGD_RATES[name]:
                        path = run(problem, lambda p, lr=lr, m=momentum, n=nesterov:
                                   torch.optim.SGD(p, lr=lr, momentum=m, nesterov=n), gamma)
                        cases.append(dict(optimizer="sgd", problem=name, **problem, lr=lr,
                                          gamma=gamma, momentum=momentum, nesterov=nesterov,
                                          w=path))
        for eps in (1e-8, 1e-3):
            for gamma in (None, 0.95):
                for lr in ADAM_RATES:
                    path = run(problem, lambda p, lr=lr, eps=eps:
                               torch.optim.Adam(p, lr=lr, betas=(0.9, 0.999), eps=eps), gamma)
                    cases.append(dict(optimizer="adam", problem=name, **problem, lr=lr,
                                      gamma=gamma, b1=0.9, b2=0.999, eps=eps, w=path))
    out = dict(
        provenance=dict(
            script="tests/reference/generate_momentum_torch.py",
            torch=torch.__version__, numpy=np.__version__, python=sys.version.split()[0],
            platform=platform.platform(), date=datetime.date.today().isoformat(),
            steps=STEPS, calls="torch.optim.SGD(lr, momentum, nesterov), "
                               "torch.optim.Adam(lr, betas, eps), defaults otherwise (CPU)",
        ),
        cases=cases,
    )
    json.dump(out, sys.stdout, indent=None)


if __name__ == "__main__":
    with np.errstate(all="ignore"):
        main()
