"""Every notebook prints the same text on every run (all randomness is seeded).

Each notebook runs twice on fresh kernels, side by side (``jupyter nbconvert
--execute`` twice at once: two kernels on two cores cost about one run's
time). The text outputs of every code cell (streams, ``text/plain``,
``text/html``, ``text/markdown``, errors) must be equal after the sanitizing
nbval applies (memory addresses, widget model ids, kernel temp paths:
``tests/nbval-sanitize.cfg``). Images are not compared: their bytes depend
on the library versions, not on the course.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# Not in make test-lower: runs every notebook twice; make test-lower's nbval runs each once.
pytestmark = pytest.mark.newest_only

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
TEXT_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex")


def sanitizers():
    """(regex, replacement) pairs from ``tests/nbval-sanitize.cfg``."""
    pairs, regex = [], None
    for line in (REPO / "tests" / "nbval-sanitize.cfg").read_text().splitlines():
        if line.startswith("regex:"):
            regex = line.split(":", 1)[1].strip()
        elif line.startswith("replace:") and regex is not None:
            pairs.append((re.compile(regex), line.split(":", 1)[1].strip()))
            regex = None
    # widget views carry fresh model ids as JSON too
    pairs.append((re.compile(r'"model_id": "[0-9a-f]{32}"'), '"model_id": "MODEL_ID"'))
    return pairs


def text_outputs(nb):
    """Per code cell, its outputs as sanitized text (images left out)."""
    subs = sanitizers()
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        parts, stream = [], None
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                # a stream may arrive in pieces cut anywhere: join consecutive ones
                if stream == out.name:
                    parts[-1] += out.text
                else:
                    parts.append(f"{out.name}: {out.text}")
                stream = out.name
                continue
            stream = None
            if out.output_type == "error":
                parts.append(f"error: {out.ename}: {out.evalue}")
            else:
                data = out.get("data", {})
                parts += [f"{k}: {data[k]}" for k in TEXT_TYPES if k in data]
        text = "\n".join(parts)
        for regex, replacement in subs:
            text = regex.sub(replacement, text)
        cells.append(text)
    return cells


def execute_twice(path, tmp):
    """Run ``path`` on two fresh kernels at once (``jupyter nbconvert --execute``)."""
    import nbformat
    env = dict(os.environ, PYTHONHASHSEED="random")   # no help from a fixed hash seed
    procs = []
    for run in ("a", "b"):
        out = tmp / run
        cmd = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
               "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=python3",
               "--output-dir", str(out), str(path)]
        procs.append((out / path.name, subprocess.Popen(cmd, env=env, cwd=path.parent,
                                                        stdout=subprocess.PIPE,
                                                        stderr=subprocess.STDOUT, text=True)))
    runs = []
    for result, proc in procs:
        log, _ = proc.communicate(timeout=900)
        assert proc.returncode == 0, log[-3000:]
        runs.append(nbformat.read(result, as_version=4))
    return runs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_two_runs_print_the_same(path, tmp_path):
    first, second = execute_twice(path, tmp_path)
    a, b = text_outputs(first), text_outputs(second)
    assert len(a) == len(b)
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        assert x == y, f"{path.name}, code cell {i}: the two runs printed different text"
