"""Committed notebooks are stored executed and normalized; the normalizer works.

Fix a failure here with `make notebooks` (re-runs every notebook on a fresh
kernel and stores it normalized).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "e2e" / "fixtures" / "explorer.ipynb"
COMMITTED = sorted((REPO / "notebooks").glob("*.ipynb")) + [FIXTURE]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
FIX = "run `make notebooks` to re-execute and normalize"


def _load_tool():
    spec = importlib.util.spec_from_file_location(
        "normalize_notebooks", REPO / "tools" / "normalize_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


def _id(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


# --- committed notebooks -------------------------------------------------------------


@pytest.mark.parametrize("path", COMMITTED, ids=_id)
def test_committed_notebook_is_normalized(path):
    assert tool.is_normalized(path), f"{_id(path)} is not in normal form: {FIX}"


@pytest.mark.parametrize("path", COMMITTED, ids=_id)
def test_committed_notebook_was_executed_top_to_bottom(path):
    nb = tool.read(path)
    counts = [c.execution_count for c in _code_cells(nb)]
    unrun = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()
             and c.execution_count is None]  # fmt: skip
    assert not unrun, f"{_id(path)}: code cells {unrun} stored unexecuted: {FIX}"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{_id(path)}: execution counts {counts} are not 1..n (not one fresh run): {FIX}"
    )


@pytest.mark.parametrize("path", COMMITTED, ids=_id)
def test_committed_notebook_stores_no_error_or_stderr(path):
    nb = tool.read(path)
    bad = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                bad.append(f"cell {i}: error {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                bad.append(f"cell {i}: stderr {out.text[:200]!r}")
    assert not bad, f"{_id(path)} stores errors or stderr:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", COMMITTED, ids=_id)
def test_committed_notebook_has_no_widget_state(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in raw["metadata"], f"{_id(path)} stores widget state: {FIX}"
    text = path.read_text(encoding="utf-8")
    assert WIDGET_VIEW not in text and WIDGET_STATE not in text, f"{_id(path)}: {FIX}"
    assert raw["metadata"]["kernelspec"]["name"] == "python3"


# --- the tool, on a synthetic notebook ---------------------------------------------------


def _messy_notebook():
    view = new_output(
        "display_data",
        data={WIDGET_VIEW: {"model_id": "ab" * 16, "version_major": 2}, "text/plain": "VBox()"},
    )
    png = new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    text = new_output("stream", name="stdout", text="lr = 0.1\n")
    result = new_output("execute_result", data={"text/plain": "42"}, execution_count=2)
    state = new_output("display_data", data={WIDGET_STATE: {"state": {}}})
    explorer = new_code_cell("explorer", execution_count=1, outputs=[view, png])
    explorer.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    explorer.metadata["ExecuteTime"] = {"end_time": "2026-01-01"}
    explorer.metadata["tags"] = ["nbval-ignore-output"]
    cells = [
        new_markdown_cell("# Title"),
        explorer,
        new_code_cell("print(x); 42", execution_count=2, outputs=[text, result, state]),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "lrlab-venv", "display_name": "mine", "language": "python"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nb.metadata["widgets"] = {WIDGET_STATE: {"state": {"x": {}}, "version_major": 2}}
    return nb


def test_normalize_removes_widgets_and_timing_keeps_other_outputs():
    nb = tool.normalize(_messy_notebook())
    assert "widgets" not in nb.metadata
    assert nb.metadata.kernelspec.name == "python3"
    # ipykernel's own language_info, whose Python version is kept as stored (3.11.7 here)
    from ipykernel.ipkernel import IPythonKernel

    assert nb.metadata.language_info == {**IPythonKernel.language_info, "version": "3.11.7"}
    explorer, printed = nb.cells[1], nb.cells[2]
    assert [list(o.data) for o in explorer.outputs] == [["image/png", "text/plain"]]
    assert "execution" not in explorer.metadata and "ExecuteTime" not in explorer.metadata
    assert explorer.metadata.tags == ["nbval-ignore-output"]
    assert [o.output_type for o in printed.outputs] == ["stream", "execute_result"]
    assert explorer.execution_count == 1 and printed.execution_count == 2
    nbformat.validate(nb)


def test_normalize_is_idempotent_and_does_not_touch_its_input():
    messy = _messy_notebook()
    before = json.dumps(messy, sort_keys=True)
    once = tool.dumps(tool.normalize(messy))
    assert json.dumps(messy, sort_keys=True) == before
    twice = tool.dumps(tool.normalize(nbformat.reads(once, as_version=4)))
    assert once == twice
    assert once.endswith("}\n") and not once.endswith("\n\n")
    assert once.startswith('{\n "cells": [\n  {\n')  # indent 1, sorted keys


def test_check_mode_lists_unnormalized_notebooks(tmp_path, capsys):
    messy, clean = tmp_path / "messy.ipynb", tmp_path / "clean.ipynb"
    nbformat.write(_messy_notebook(), messy)
    clean.write_text(tool.dumps(tool.normalize(_messy_notebook())), encoding="utf-8")
    assert tool.main(["--check", str(messy), str(clean)]) == 1
    out = capsys.readouterr().out
    assert "messy.ipynb" in out and "clean.ipynb" not in out
    assert tool.main([str(messy)]) == 0
    assert tool.main(["--check", str(messy), str(clean)]) == 0
    saved = json.loads(messy.read_text(encoding="utf-8"))
    assert "widgets" not in saved["metadata"]
    assert WIDGET_VIEW not in messy.read_text(encoding="utf-8")


def test_execute_runs_on_a_fresh_kernel_in_the_notebook_folder(tmp_path):
    (tmp_path / "data.txt").write_text("from the notebook's folder\n")
    nb = new_notebook(
        cells=[
            new_code_cell("import os, sys\nprint(open('data.txt').read().strip())"),
            new_code_cell("x = 6 * 7\nx"),
        ]
    )
    path = tmp_path / "run.ipynb"
    nbformat.write(nb, path)
    # The tool's own command line, as `make notebooks` runs it.
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "normalize_notebooks.py"), "--execute", str(path)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ran = tool.read(path)
    assert [c.execution_count for c in ran.cells] == [1, 2]
    assert ran.cells[0].outputs[0].text == "from the notebook's folder\n"
    assert ran.cells[1].outputs[0].data["text/plain"] == "42"
    assert tool.is_normalized(path)


def test_normal_form_joins_a_print_split_over_several_messages():
    from lrlab._notebook_form import normalize_in_place

    def stream(name, text):
        return {"output_type": "stream", "name": name, "text": text}

    figure = {"output_type": "display_data", "data": {"text/plain": "<Figure>"}, "metadata": {}}
    nb = {"metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "outputs": [
        stream("stdout", "curvatures:"), stream("stdout", [" [0.4 1001.6]\n", "next\n"]),
        stream("stderr", "careful\n"), figure, stream("stdout", "after\n")]}]}
    outputs = normalize_in_place(nb)["cells"][0]["outputs"]
    assert outputs == [stream("stdout", "curvatures: [0.4 1001.6]\nnext\n"),
                       stream("stderr", "careful\n"), figure, stream("stdout", "after\n")]
