"""A class of two on a real JupyterHub, and the class link.

The rehearsal test runs ``tools/class_rehearsal.py`` as ``make class-rehearsal``
does (two simulated students, no browser, a short drag) and checks its
results against what the test computes itself: the notebook's number of code
cells (read with nbformat), and the processes left on the machine after it
ended (the test gives the rehearsal a marker that every hub, proxy, server
and kernel process carries in its environment, then scans /proc for it).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import class_link  # tools/ is on the path (pyproject.toml)
import nbformat
import pytest

# Not in make test-lower: JupyterHub and its proxy (make test installs them).
pytestmark = pytest.mark.newest_only

REPO = Path(__file__).resolve().parents[1]
TOOL = REPO / "tools" / "class_rehearsal.py"
LINK = REPO / "tools" / "class_link.py"
PROXY = REPO / ".venv" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"
NOTEBOOK = "notebooks/00-start-here.ipynb"


def run_tool(*args, env=None, timeout=60):
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=timeout)


def marked(marker):
    """Processes whose environment holds LRLAB_REHEARSAL=marker (scanned here, not by the tool)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            env = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"LRLAB_REHEARSAL={marker}".encode() in env:
            found.append(int(entry.name))
    return found


def require_class_tools():
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        pytest.fail("jupyterhub is missing: `make test` installs it (make .venv/.installed-class)",
                    pytrace=False)
    if not os.access(PROXY, os.X_OK):
        pytest.fail(f"configurable-http-proxy is missing at {PROXY}: `make test` installs it with "
                    "npm (make .venv/.installed-class)", pytrace=False)


def test_two_students_run_every_cell_and_every_move_completes(tmp_path):
    require_class_tools()
    marker = secrets.token_hex(8)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, LRLAB_REHEARSAL=marker)
    try:
        proc = run_tool("--students", "2", "--minutes", "0.2", "--no-browser", "--port",
                        str(port), "--out", str(tmp_path), env=env, timeout=240)
    finally:
        time.sleep(0.5)
        left = marked(marker)
        for pid in left:          # never leave them running, even when the test fails
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert left == [], f"processes left after the rehearsal: {left}"
    (run,) = json.loads((tmp_path / "results.json").read_text())["runs"]
    cells = sum(c.cell_type == "code" for c in nbformat.read(REPO / NOTEBOOK, as_version=4).cells)
    assert run["cells"] == cells
    assert run["cells_run"] == [cells, cells]
    assert run["moves"] > 20                       # 12 s of drags from two students
    assert run["moves_done"] == run["moves"] and run["moves_failed"] == 0
    assert run["hub_errors"] == 0 and run["leftover_processes"] == 0
    # hub, proxy, and a server and a kernel per student carried the marker
    assert run["processes_seen"] >= 6
    assert run["problems"] == []
    assert (tmp_path / "latency-p95.png").stat().st_size > 0
    assert "| 2 |" in (tmp_path / "table.md").read_text()


@pytest.mark.parametrize("args, message", [
    (["--students", "0"], "STUDENTS must be a whole number from 1 to 100, not 0"),
    (["--students", "ten"], "STUDENTS must be a whole number from 1 to 100, not 'ten'"),
    (["--students", "1,0"], "STUDENTS must be a whole number from 1 to 100, not 0"),
    (["--minutes", "0"], "MINUTES must be a number of minutes in (0, 60], not 0"),
    (["--minutes", "soon"], "MINUTES must be a number of minutes in (0, 60], not 'soon'"),
    (["--port", "80"], "HUB_PORT must be a whole number from 1024 to 65535, not 80"),
    (["--proxy", "/nonexistent/chp"], "configurable-http-proxy (JupyterHub's proxy, from npm)"),
])
def test_bad_input_says_what_is_allowed(args, message):
    proc = run_tool(*args, "--no-browser")
    assert proc.returncode == 2
    assert message in proc.stderr


def test_a_port_in_use_is_named():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = run_tool("--port", str(port), "--no-browser")
    assert proc.returncode == 2
    assert f"HUB_PORT {port} on 127.0.0.1 is in use" in proc.stderr


def query(link):
    parts = urlsplit(link)
    return parts, {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=True).items()}


def test_class_link_decodes_to_the_repository_branch_and_first_notebook():
    parts, q = query(class_link.link("https://hub.example.edu", "https://example.org/a/lrlab.git",
                                     "spring"))
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https", "hub.example.edu", "/hub/user-redirect/git-pull")
    assert q == {"repo": "https://example.org/a/lrlab.git", "branch": "spring",
                 "targetpath": "lrlab", "urlpath": "lab/tree/lrlab/" + NOTEBOOK}
    assert (REPO / NOTEBOOK).is_file()


@pytest.mark.parametrize("hub, expected", [
    ("https://hub.example.edu/", "https://hub.example.edu"),
    ("https://hub.example.edu/hub/", "https://hub.example.edu"),
    ("http://127.0.0.1:8000/course", "http://127.0.0.1:8000/course"),
])
def test_class_link_accepts_a_hub_address(hub, expected):
    assert class_link.hub_url(hub) == expected


@pytest.mark.parametrize("hub", ["hub.example.edu", "ftp://hub.example.edu", "https://",
                                 "https://hub.example.edu/?x=1", ""])
def test_class_link_refuses_what_is_not_a_hub_address(hub):
    with pytest.raises(class_link.UsageError, match="HUB"):
        class_link.hub_url(hub)


def test_class_link_says_what_to_do_without_a_remote(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    with pytest.raises(class_link.UsageError, match="no git remote"):
        class_link.remote_url(repo=tmp_path)
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", "/srv/git/lrlab"],
                   check=True)
    with pytest.raises(class_link.UsageError, match="REPO must be an https:// address"):
        class_link.remote_url(repo=tmp_path)
    subprocess.run(["git", "-C", str(tmp_path), "remote", "set-url", "origin",
                    "git@github.com:me/lrlab.git"], check=True)
    assert class_link.remote_url(repo=tmp_path) == "https://github.com/me/lrlab.git"


def test_make_class_link_prints_the_link_or_the_reason():
    ok = subprocess.run(["make", "-s", "class-link", "HUB=https://hub.example.edu",
                         "REPO=https://example.org/a/lrlab.git"], capture_output=True, text=True,
                        cwd=REPO)
    assert ok.returncode == 0, ok.stderr
    assert "https://hub.example.edu/hub/user-redirect/git-pull?repo=" in ok.stdout
    bad = subprocess.run(["make", "-s", "class-link", "HUB=not a url"], capture_output=True,
                         text=True, cwd=REPO)
    assert bad.returncode != 0
    assert "HUB must be the hub's web address" in bad.stderr


def test_class_link_docstring_example_runs():
    import doctest

    result = doctest.testmod(class_link)
    assert result.attempted >= 1 and result.failed == 0
