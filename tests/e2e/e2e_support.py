"""Helpers for the browser tests: servers, processes, paths.

Every server runs on 127.0.0.1, on a free port, with a random token, from a
temporary copy of the notebooks (JupyterLab autosaves: the repository's files
are never opened). Servers, their kernels and the browser are stopped by
process id in ``finally`` blocks, also when a test fails.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO / "notebooks"
FIXTURE_NOTEBOOK = Path(__file__).resolve().parent / "fixtures" / "explorer.ipynb"
SCREENSHOT_DIR = REPO / "test-artifacts" / "screenshots"
ANNOUNCEMENTS = "@jupyterlab/apputils-extension:announcements"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
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
    candidates = [os.environ.get("CHROMIUM", ""), "/usr/bin/chromium"]
    candidates += [shutil.which(n) or "" for n in ("chromium", "chromium-browser")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(INSTALL_CHROMIUM, pytrace=False)


def require_module(name: str, package: str) -> None:
    try:
        __import__(name)
    except ImportError:
        pytest.fail(
            f"Python package {package!r} is missing: `make test` installs it "
            f"(or: pip install -r requirements-test.txt).",
            pytrace=False,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(url: str, method: str = "GET", timeout: float = 10):
    req = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        body = resp.read()
    return json.loads(body) if body else None


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid``, read from /proc (kernels run in sessions of their own)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def stop_pid(pid: int, timeout: float = 10) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


@dataclass
class Server:
    base_url: str
    token: str
    root: Path
    proc: subprocess.Popen
    log: Path

    def api(self, path: str, method: str = "GET"):
        sep = "&" if "?" in path else "?"
        return http_json(f"{self.base_url}{path}{sep}token={self.token}", method=method)

    def kernels(self) -> list[dict]:
        return self.api("/api/kernels")

    def shutdown_kernels(self) -> None:
        try:
            for kernel in self.kernels():
                self.api(f"/api/kernels/{kernel['id']}", method="DELETE")
        except (urllib.error.URLError, OSError):
            pass

    def log_tail(self, n: int = 40) -> str:
        lines = self.log.read_text(errors="replace").splitlines()
        return "\n".join(lines[-n:])


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


def jupyter_env(tmp: Path) -> dict[str, str]:
    """Environment isolating the server from the user's Jupyter config and settings."""
    config = tmp / "jupyter-config"
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {ANNOUNCEMENTS: True}})
    )
    settings = tmp / "lab-settings"
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    # Render every cell (no virtual scrolling), so the tests see all of them.
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(config),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "lab-workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"),
        JUPYTER_PLATFORM_DIRS="1",
        MPLCONFIGDIR=str(tmp / "mplconfig"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    return env


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def start_server(cmd: list[str], tmp: Path, cwd: Path, port: int, token: str, name: str):
    """Start a Jupyter-style server and wait until it accepts connections on ``port``."""
    log = tmp / f"{name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=jupyter_env(tmp),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", token, cwd, proc, log)
    deadline = time.monotonic() + 90
    try:
        while not port_open(port):
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{server.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer in 90 s:\n{server.log_tail()}")
            time.sleep(0.2)
    except BaseException:
        stop_server(server)
        raise
    return server


def stop_server(server: Server) -> None:
    server.shutdown_kernels()
    kernels = child_pids(server.proc.pid)
    server.proc.terminate()
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(timeout=15)
    for pid in kernels:
        stop_pid(pid, timeout=5)


def screenshot_dir(notebook: Path) -> Path:
    folder = SCREENSHOT_DIR / notebook_id(notebook)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
