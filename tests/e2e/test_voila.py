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
    explorers = page.locator(".lrlab-explorer")
    assert explorers.count() >= 1, "no .lrlab-explorer on the presented page"
    problems = check_explorers(page, "body", shots, prefix="voila-")
    assert not problems, "\n".join(problems)
    assert not page.js_errors, f"JavaScript errors: {page.js_errors}"
