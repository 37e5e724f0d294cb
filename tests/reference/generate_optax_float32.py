"""Produce ``optax_float32.json``: optax's schedules in its default precision.

optax computes in float32 unless JAX's ``jax_enable_x64`` is on (``schedules.json``
stores the float64 values, with it on). This file stores the float32 values of
the warmup-cosine schedule, so that ``lrlab.conventions.optax_warmup_cosine(...,
dtype=np.float32)`` can be checked against them. Run in a scratch environment
(never the repository's)::

    python -m venv /tmp/jaxenv && /tmp/jaxenv/bin/pip install jax optax numpy
    /tmp/jaxenv/bin/python tests/reference/generate_optax_float32.py
"""

from __future__ import annotations

import datetime
import json
import platform
import sys
from pathlib import Path

import jax
import numpy as np
import optax

OUT = Path(__file__).with_name("optax_float32.json")
STEPS = list(range(0, 121)) + [150, 500]

CASES = [
    ("warmup_cosine",
     "optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=0.1, warmup_steps=10, "
     "decay_steps=110, end_value=0.01)",
     optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=0.1, warmup_steps=10,
                                        decay_steps=110, end_value=0.01)),
    ("warmup_cosine_from_start",
     "optax.warmup_cosine_decay_schedule(init_value=0.001, peak_value=0.5, warmup_steps=25, "
     "decay_steps=100, end_value=0.0, exponent=2.0)",
     optax.warmup_cosine_decay_schedule(init_value=0.001, peak_value=0.5, warmup_steps=25,
                                        decay_steps=100, end_value=0.0, exponent=2.0)),
]


def main():
    assert not jax.config.jax_enable_x64, "this file stores optax's float32 default"
    cases = []
    for case_id, call, sched in CASES:
        values = [sched(step) for step in STEPS]
        assert all(v.dtype == np.float32 for v in values), call
        cases.append({"id": case_id, "library": "optax", "dtype": "float32", "call": call,
                      "steps": STEPS, "values": [float(v) for v in values]})
    doc = {
        "description": "optax schedules in float32 (jax_enable_x64 off), for lrlab's tests",
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": "python tests/reference/generate_optax_float32.py",
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "versions": {"jax": jax.__version__, "optax": optax.__version__,
                     "numpy": np.__version__},
        "cases": cases,
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
