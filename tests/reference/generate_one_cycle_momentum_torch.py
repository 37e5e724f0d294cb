"""Record the momentum that torch.optim.lr_scheduler.OneCycleLR gives SGD at every step.

Run with a Python that has torch (CI does not need it; the JSON is stored):

    python tests/reference/generate_one_cycle_momentum_torch.py \
        > tests/reference/one_cycle_momentum_torch.json

OneCycleLR's defaults (cycle_momentum=True, base_momentum=0.85,
max_momentum=0.95, anneal_strategy="cos") on SGD(momentum=0.9); the rate and
the momentum are read from the optimizer before each update.
"""

import datetime
import json
import platform
import sys

import torch

CASES = [dict(max_lr=0.1, total_steps=100, pct_start=0.3),
         dict(max_lr=1.0, total_steps=37, pct_start=0.25)]


def main():
    cases = []
    for case in CASES:
        w = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([w], lr=case["max_lr"], momentum=0.9)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, **case)
        lrs, momenta = [], []
        for _ in range(case["total_steps"]):
            lrs.append(opt.param_groups[0]["lr"])
            momenta.append(opt.param_groups[0]["momentum"])
            opt.step()
            sched.step()
        cases.append(dict(**case, base_momentum=0.85, max_momentum=0.95, lr=lrs,
                          momentum=momenta))
    json.dump(dict(provenance=dict(
        script="tests/reference/generate_one_cycle_momentum_torch.py", torch=torch.__version__,
        python=sys.version.split()[0], platform=platform.platform(),
        date=datetime.date.today().isoformat()), cases=cases), sys.stdout)


if __name__ == "__main__":
    main()
