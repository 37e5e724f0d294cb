"""Every notebook, run in JupyterLab in headless Chromium, as a student would.

Run All Cells from the menu; no error output, no widget error; then every
explorer's controls move its figure and its readout. Screenshots land in
test-artifacts/screenshots/<notebook>/.
"""

from __future__ import annotations

import json
import time

import pytest
from e2e_support import course_notebooks, notebook_id, screenshot_dir, served_path
from pagecheck import PROMPT_NUMBER, check_explorers, poll, visible_errors

RUN_TIMEOUT = 150  # seconds for a whole notebook to run (nbval takes a few)


def code_cells_to_run(path) -> int:
    """Code cells with some source and a visible input: each shows its execution count.

    (A cell whose input is collapsed, ``metadata.jupyter.source_hidden``, shows no prompt.)
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum(
        1
        for c in nb["cells"]
        if c["cell_type"] == "code"
        and "".join(c["source"]).strip()
        and not c["metadata"].get("jupyter", {}).get("source_hidden")
    )


def kernels_idle(lab) -> bool:
    try:
        kernels = lab.kernels()
    except OSError:  # jupyter_server answers 500 while a kernel is starting
        return False
    return bool(kernels) and all(k["execution_state"] == "idle" for k in kernels)


def run_all_cells(page) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


@pytest.mark.parametrize("notebook", course_notebooks(), ids=notebook_id)
def test_notebook_runs_and_explorers_respond(lab, page, notebook):
    shots = screenshot_dir(notebook)
    print(f"\nscreenshots: {shots}")
    expected = code_cells_to_run(notebook)
    scope = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
    try:
        page.goto(f"{lab.base_url}/lab/tree/{served_path(notebook)}?reset&token={lab.token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
        assert poll(lambda: kernels_idle(lab), timeout=60), "the kernel never became idle"
        run_all_cells(page)

        def finished():
            prompts = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt")
            # textContent: innerText is empty for cells scrolled out of view.
            texts = prompts.all_text_contents()
            done = sum(1 for t in texts if PROMPT_NUMBER.search(t))
            progress[:] = [done, texts]
            if "[*]:" in texts or not kernels_idle(lab):
                return False
            # Run All stops at an error: then report the error, not a time-out.
            return done >= expected or bool(visible_errors(page, scope))

        progress = []

        started = time.monotonic()
        ran = poll(finished, timeout=RUN_TIMEOUT, interval=0.25)
        page.screenshot(path=str(shots / "notebook-after-run.png"), full_page=True)
        assert ran, (
            f"not every cell ran within {RUN_TIMEOUT} s: {progress[0]} of {expected} code cells "
            f"show an execution count; prompts: {progress[1]}"
        )
        errors = visible_errors(page, scope)
        assert not errors, "\n".join(errors)
        print(f"ran all cells in {time.monotonic() - started:.1f} s")

        # Run All shows no answer: every solution is a closed fold that opens when clicked.
        folds = page.locator(f"{scope} details.lrlab-solution")
        opened = folds.evaluate_all("els => els.filter(e => e.open).length")
        assert opened == 0, f"{opened} solution(s) open after Run All"
        if folds.count():
            folds.first.scroll_into_view_if_needed()
            folds.first.locator("summary").click()
            assert folds.first.evaluate("e => e.open"), "a solution did not open when clicked"
            folds.first.locator("summary").click()

        problems = check_explorers(page, scope, shots)
        assert not problems, "\n".join(problems)
        assert not page.js_errors, f"JavaScript errors: {page.js_errors}"
        if notebook.name.startswith("fixture") or "fixtures" in notebook.parts:
            assert page.locator(".lrlab-explorer").count() >= 1, "the fixture shows no explorer"
    finally:
        lab.shutdown_kernels()
