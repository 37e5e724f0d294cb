"""The projector view (`make present`): Voila shows prose, figures and controls, no code."""

from __future__ import annotations

import json

import pytest
from e2e_support import FIXTURE_NOTEBOOK, NOTEBOOK_DIR, notebook_id, screenshot_dir
from pagecheck import check_explorers, visible_errors

START_HERE = NOTEBOOK_DIR / "00-start-here.ipynb"
CODE_SELECTORS = (
    ".jp-CodeCell .jp-InputArea, .jp-InputPrompt, .jp-CodeMirrorEditor, .cm-editor, .highlight"
)


def code_lines(path) -> list[str]:
    """Distinctive source lines of the notebook's code cells."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    lines = (
        line.strip()
        for cell in nb["cells"]
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
    )
    return [line for line in lines if len(line) > 12]


def presented_notebook():
    return START_HERE if START_HERE.exists() else FIXTURE_NOTEBOOK


@pytest.mark.parametrize("notebook", [presented_notebook()], ids=notebook_id)
def test_voila_shows_no_code_and_sliders_work(voila_factory, page, notebook):
    server = voila_factory(notebook)
    shots = screenshot_dir(notebook)
    print(f"\nscreenshots: {shots}")
    page.goto(f"{server.base_url}/?token={server.token}", timeout=120_000)
    # Voila streams the page while it runs the notebook; the explorer comes last.
    page.wait_for_selector(".jp-OutputArea-output", timeout=120_000)
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => !document.querySelector('#loading') || "
        "getComputedStyle(document.querySelector('#loading')).display === 'none'",
        timeout=120_000,
    )
    page.wait_for_selector(".lrlab-explorer canvas", timeout=120_000, state="attached")
    page.screenshot(path=str(shots / "voila-page.png"), full_page=True)

    code = page.locator(CODE_SELECTORS)
    shown = [code.nth(i).evaluate("e => e.outerHTML.slice(0, 300)") for i in range(code.count())]
    assert not shown, f"Voila shows code: {shown}"
    text = page.locator("body").inner_text()
    leaked = [line for line in code_lines(notebook) if line in text]
    assert not leaked, f"code shown on the page: {leaked[:5]}"
    errors = visible_errors(page, "body")
    assert not errors, "\n".join(errors)
    # present/voila.py drops solutions, checkers and scaffolding (make present uses it too)
    assert page.locator(".lrlab-solution, details").count() == 0, "a solution is on the page"
    for prompt in ("replace None", "Not answered yet", "Traceback"):
        assert prompt not in text, f"{prompt!r} on the presented page"
    if notebook != FIXTURE_NOTEBOOK:
        assert "Exercise 1" in text, "the exercise questions (prose) should stay"
    explorers = page.locator(".lrlab-explorer")
    assert explorers.count() >= 1, "no .lrlab-explorer on the presented page"
    problems = check_explorers(page, "body", shots, prefix="voila-")
    assert not problems, "\n".join(problems)
    assert not page.js_errors, f"JavaScript errors: {page.js_errors}"


def notebooks_with_solutions():
    return [p for p in sorted(NOTEBOOK_DIR.glob("*.ipynb"))
            if '"solution"' in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("notebook", notebooks_with_solutions(), ids=notebook_id)
def test_static_html_shows_only_each_solutions_summary_until_opened(page, notebook, tmp_path):
    """nbconvert's HTML (lab template, what nbviewer-like sites show): folded until clicked."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    bodies = [c.outputs[0]["data"]["text/plain"].split("\n\n", 1)[1].strip()
              for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    path = tmp_path / f"{notebook.stem}.html"
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri(), wait_until="load", timeout=120_000)
    folds = page.locator("details.lrlab-solution")
    assert folds.count() == len(bodies) > 0
    for i in range(folds.count()):
        fold = folds.nth(i)
        summary = fold.locator("summary").inner_text().strip()
        assert fold.inner_text().strip() == summary, f"solution {i} shows more than its summary"
        fold.locator("summary").click()
        assert fold.evaluate("e => e.open"), f"solution {i} did not open"
        assert len(fold.inner_text().strip()) > len(summary) + 20, f"solution {i} opened empty"
