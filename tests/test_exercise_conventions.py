"""Every notebook's exercises follow the convention of DESIGN.md ("Writing a notebook").

An exercise is a run of cells: the markdown question (tag ``exercise``), one
prediction cell (``exercise``: ``name = None``), the checker (``exercise`` and
``checker``), and one ``solution`` cell whose only output is the folded HTML
``<details>``. These tests read the stored notebooks, so they check what a
student sees after Run All: no answer printed outside a fold.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
PREDICTION = re.compile(r"^([A-Za-z_]\w*)\s*=\s*None\b", re.M)
UNANSWERED = "Not answered yet"


def tags(cell):
    return set(cell.metadata.get("tags", []))


def printed(cell):
    """The text a code cell's stored outputs show (all of it: streams, results, errors)."""
    if cell.cell_type != "code":
        return ""
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "error":
            parts.append(out.ename)
        else:
            parts.extend(str(v) for v in out.get("data", {}).values())
    return "".join(parts)


def exercises(nb):
    """The exercises as lists of cell indices, question first, solution last."""
    blocks, current = [], None
    for i, cell in enumerate(nb.cells):
        t = tags(cell)
        if cell.cell_type == "markdown" and "exercise" in t:
            assert current is None, f"cell {i}: a new exercise before cell {current[0]}'s solution"
            current = [i]
        elif current is not None:
            current.append(i)
            if "solution" in t:
                blocks.append(current)
                current = None
        else:
            assert not t & {"exercise", "checker"}, f"cell {i}: exercise cell outside an exercise"
    assert current is None, f"the exercise at cell {current[0]} has no solution cell"
    return blocks


def load(path):
    return nbformat.read(path, as_version=4)


def nb_id(path):
    return path.name.split("-")[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_id)
def test_exercises_are_question_prediction_checker_solution(path):
    nb = load(path)
    blocks = exercises(nb)
    for block in blocks:
        cells = [nb.cells[i] for i in block]
        where = f"exercise at cell {block[0]}"
        assert "Exercise" in cells[0].source, f"{where}: its question names no exercise"
        inner = cells[1:-1]
        predictions = [c for c in inner if "exercise" in tags(c) and c.cell_type == "code"
                       and "checker" not in tags(c) and PREDICTION.search(c.source)]
        checkers = [c for c in inner if "checker" in tags(c)]
        assert len(predictions) == 1, f"{where}: {len(predictions)} prediction cells, want 1"
        assert len(checkers) == 1, f"{where}: {len(checkers)} checker cells, want 1"
        assert "exercise" in tags(checkers[0]), f"{where}: the checker is not tagged exercise"
        assert inner.index(predictions[0]) < inner.index(checkers[0]), \
            f"{where}: the checker comes before the prediction"
        name = PREDICTION.search(predictions[0].source).group(1)
        assert re.search(rf"\b{name}\b", checkers[0].source), \
            f"{where}: the checker does not read {name}"
        for c in inner:
            if not tags(c):
                assert not printed(c), f"{where}: an untagged cell prints before the solution"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_id)
def test_every_notebook_with_checkers_has_tagged_exercises(path):
    nb = load(path)
    calls = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
             and re.search(r"\bcheck_(number|choice|choices)\(", c.source)]
    untagged = [i for i in calls if "checker" not in tags(nb.cells[i])]
    assert not untagged, f"cells {untagged} call a checker but are not tagged checker"
    headings = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                and re.search(r"^#+ .*Exercise", c.source, re.M)]
    missing = [i for i in headings if "exercise" not in tags(nb.cells[i])]
    assert not missing, f"exercise questions without the exercise tag: cells {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_id)
def test_prediction_variables_are_named_and_never_reused(path):
    nb = load(path)
    names = [m.group(1) for c in nb.cells if "exercise" in tags(c) and c.cell_type == "code"
             for m in PREDICTION.finditer(c.source)]
    assert "answer" not in names, "a shared `answer` variable"
    assert len(names) == len(set(names)), f"prediction variables reused: {names}"
    assigned = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                and re.search(r"^\s*answer(_\w+)?\s*=", c.source, re.M)]
    assert not assigned, f"cells {assigned} assign a generic `answer`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_id)
def test_checkers_print_only_the_reminder_after_run_all(path):
    nb = load(path)
    for i, c in enumerate(nb.cells):
        if "checker" in tags(c):
            texts = [out.get("data", {}).get("text/plain", "") for out in c.outputs]
            assert texts and all(t.startswith(UNANSWERED) for t in texts), \
                f"cell {i}: a checker that prints more than the reminder: {texts}"
            assert not any(out.output_type == "stream" for out in c.outputs), f"cell {i}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_id)
def test_solutions_are_folded_html_only(path):
    nb = load(path)
    for i, c in enumerate(nb.cells):
        if "solution" not in tags(c):
            continue
        assert c.cell_type == "code", f"cell {i}: a solution must be one code cell"
        assert c.metadata.get("jupyter", {}).get("source_hidden") is True, \
            f"cell {i}: the solution's source is not collapsed"
        assert re.search(r"\bsolution\(", c.source), f"cell {i}: no solution(...) call"
        assert len(c.outputs) == 1, f"cell {i}: {len(c.outputs)} outputs, want the fold only"
        out = c.outputs[0]
        assert out.output_type in ("execute_result", "display_data"), f"cell {i}: {out}"
        assert out.data["text/html"].startswith('<details class="lrlab-solution">'), \
            f"cell {i}: the solution's HTML is not a fold"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_id)
def test_old_solution_patterns_are_gone(path):
    nb = load(path)
    for i, c in enumerate(nb.cells):
        assert "outputs_hidden" not in c.metadata.get("jupyter", {}), \
            f"cell {i}: a solution hidden by outputs_hidden (shown open outside JupyterLab)"
        if c.cell_type == "markdown":
            assert not re.search(r"\*\*Solution", c.source), f"cell {i}: a markdown solution"
            assert "<details" not in c.source, f"cell {i}: a hand-written fold"
        if c.cell_type == "code" and "solution" not in tags(c):
            assert not re.search(r"\bsolution\(", c.source), \
                f"cell {i}: solution(...) in a cell not tagged solution"


def _names(source, kind):
    """Names a cell stores (assigns, imports, defines) or loads, from its code."""
    code = "\n".join(line for line in source.splitlines()
                     if not line.lstrip().startswith(("%", "!")))
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, kind):
            found.add(node.id)
        elif kind is ast.Store and isinstance(node, (ast.Import, ast.ImportFrom)):
            found |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif kind is ast.Store and isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            found.add(node.name)
    return found


@pytest.mark.parametrize("dropped", [{"solution", "scaffolding"},
                                     {"solution", "checker", "scaffolding"}],
                         ids=["student-edition", "presenter"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_id)
def test_no_cell_needs_a_dropped_cell(path, dropped):
    """The student edition drops solutions, `make present` also checkers: what stays must run."""
    nb = load(path)
    defined, only_dropped = set(), set()
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        if tags(c) & dropped:
            only_dropped |= _names(c.source, ast.Store) - defined
            continue
        stored = _names(c.source, ast.Store)
        needed = (_names(c.source, ast.Load) - stored) & only_dropped - defined
        assert not needed, f"cell {i} uses {sorted(needed)}, defined only in a dropped cell"
        defined |= stored
