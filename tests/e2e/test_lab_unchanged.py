"""Opening, running and closing a notebook in JupyterLab leaves its file as it was.

A student who opens a notebook, runs it and closes it without editing must
not find it changed (``git status`` clean): JupyterLab must not mark it
modified on opening, and a save (``Ctrl+S``, or the autosave after Run All)
must write the bytes that are stored. The served notebooks are a throw-away
copy made into a git repository for the test.
"""

from __future__ import annotations

import subprocess

import pytest
from e2e_support import FIXTURE_NOTEBOOK, NOTEBOOK_DIR, notebook_id, served_path
from test_lab_state import open_and_run_all

DIRTY_TAB = ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current.jp-mod-dirty"


def git(root, *args) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.parametrize("notebook", [FIXTURE_NOTEBOOK, NOTEBOOK_DIR / "00-start-here.ipynb",
                                      NOTEBOOK_DIR / "06-two-dimensions.ipynb"], ids=notebook_id)
def test_open_run_save_close_leaves_git_status_clean(lab, page, notebook):
    served = lab.root / served_path(notebook)
    repo = served.parent
    if not (repo / ".git").exists():
        git(repo, "init", "-q")
        (repo / ".gitignore").write_text(".ipynb_checkpoints/\n")
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "stored")
    stored = served.read_bytes()
    try:
        page.goto(f"{lab.base_url}/lab/tree/{served_path(notebook)}?reset&token={lab.token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_timeout(3000)          # the kernel started and told its language
        assert page.locator(DIRTY_TAB).count() == 0, "the notebook is marked modified on opening"
        open_and_run_all(lab, page, notebook, navigate=False)
        page.keyboard.press("Control+s")
        page.wait_for_function("(sel) => !document.querySelector(sel)", arg=DIRTY_TAB,
                               timeout=20_000)
        page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current "
                     ".lm-TabBar-tabCloseIcon").click()
        page.wait_for_selector(".jp-NotebookPanel", state="detached", timeout=20_000)
        page.wait_for_timeout(1000)
        status = git(repo, "status", "--porcelain")
        if served.read_bytes() != stored:
            diff = git(repo, "diff", "--stat", "--", served.name)
            diff += git(repo, "diff", "--", served.name)
            pytest.fail(f"saving after Run All changed {served.name}:\n{diff[:3000]}")
        assert status == "", f"git status after open, run, save, close:\n{status}"
    finally:
        git(repo, "checkout", "-q", "--", ".")
        lab.shutdown_kernels()
