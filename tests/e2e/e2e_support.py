"""Helpers for the browser tests: paths, Chromium, the notebooks a server serves.

Every server runs on 127.0.0.1, on a free port, with a random token, from a
temporary copy of the notebooks (JupyterLab autosaves: the repository's files
are never opened). Servers, their kernels and the browser are stopped by
process id in ``finally`` blocks, also when a test fails. Starting and stopping
servers is ``tools/browser_support.py``'s (shared with the benchmarks).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import browser_support
import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO / "notebooks"
FIXTURE_NOTEBOOK = Path(__file__).resolve().parent / "fixtures" / "explorer.ipynb"
SCREENSHOT_DIR = REPO / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = ["--headless", *browser_support.CHROMIUM_FLAGS]
INSTALL_CHROMIUM = (
    "Chromium is needed for the browser tests and was not found. Install it with "
    "`apt-get update && apt-get install -y chromium` (Debian/Ubuntu, as root), or set "
    "CHROMIUM=/path/to/chromium. `make test` does this for you when run as root."
)


def course_notebooks() -> list[Path]:
    """The notebooks the browser tests open: the course's, plus the fixture explorer."""
    return sorted(NOTEBOOK_DIR.glob("*.ipynb")) + [FIXTURE_NOTEBOOK]


def notebook_id(path: Path) -> str:
    return "fixture-" + path.stem if path == FIXTURE_NOTEBOOK else path.stem


def served_path(path: Path) -> str:
    """Where a notebook lives inside the server's root (see ``site_root``)."""
    return f"fixtures/{path.name}" if path == FIXTURE_NOTEBOOK else f"notebooks/{path.name}"


def find_chromium() -> str:
    path = browser_support.find_chromium()
    if path is None:
        pytest.fail(INSTALL_CHROMIUM, pytrace=False)
    return path


def require_module(name: str, package: str) -> None:
    try:
        __import__(name)
    except ImportError:
        pytest.fail(
            f"Python package {package!r} is missing: `make test` installs it "
            f"(or: pip install -r requirements-test.txt).",
            pytrace=False,
        )


def site_root(tmp: Path) -> Path:
    """A throw-away copy of the notebooks (and the fixture) for a server to serve.

    JupyterLab autosaves what it opens: the repository's own notebooks are never opened.
    """
    root = tmp / "site"
    root.mkdir()
    if NOTEBOOK_DIR.is_dir():
        shutil.copytree(
            NOTEBOOK_DIR, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
    else:
        (root / "notebooks").mkdir()
    (root / "fixtures").mkdir()
    shutil.copy2(FIXTURE_NOTEBOOK, root / "fixtures" / FIXTURE_NOTEBOOK.name)
    # Notebooks read files by relative paths (../tests/data/...): link the rest of the
    # repository beside the copy, read-only in spirit (only the copies are opened).
    for entry in REPO.iterdir():
        if entry.name not in {"notebooks", ".git", ".venv", "test-artifacts", "fixtures"}:
            (root / entry.name).symlink_to(entry)
    return root


def screenshot_dir(notebook: Path) -> Path:
    folder = SCREENSHOT_DIR / notebook_id(notebook)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
