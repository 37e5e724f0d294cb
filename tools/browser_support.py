"""What the browser tests, the browser benchmark and the class rehearsal share.

Chromium (where it is, the flags it runs with); a Jupyter server on 127.0.0.1
on a free port, with a configuration of its own (no news pop-up, every cell
drawn); processes stopped by id; and the time from a key press to new pixels
on a figure's canvas, measured inside the page.

Used by ``tests/e2e`` (pytest puts ``tools/`` on the path, see pyproject.toml),
``benchmarks/bench_browser.py`` and ``tools/class_rehearsal.py``.
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

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANNOUNCEMENTS = "@jupyterlab/apputils-extension:announcements"


def find_chromium() -> str | None:
    """The Chromium to drive: ``$CHROMIUM``, ``/usr/bin/chromium`` or one on PATH; None if none."""
    candidates = [os.environ.get("CHROMIUM", ""), "/usr/bin/chromium"]
    candidates += [shutil.which(n) or "" for n in ("chromium", "chromium-browser")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


# --- processes --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


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


def stop_pid(pid: int, grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if ``pid`` is still alive ``grace`` seconds later."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


# --- a Jupyter server -------------------------------------------------------------------------


def http_json(url: str, method: str = "GET", timeout: float = 10):
    req = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        body = resp.read()
    return json.loads(body) if body else None


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


def write_lab_settings(settings: Path) -> None:
    """JupyterLab user settings that draw every cell (no virtual scrolling), so that a
    page's script sees all of them."""
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))


def jupyter_env(tmp: Path) -> dict[str, str]:
    """Environment isolating a server from the user's Jupyter config and settings."""
    config = tmp / "jupyter-config"
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {ANNOUNCEMENTS: True}})
    )
    write_lab_settings(tmp / "lab-settings")
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(config),
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "lab-workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"),
        JUPYTER_PLATFORM_DIRS="1",
        MPLCONFIGDIR=str(tmp / "mplconfig"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    return env


def start_server(cmd: list[str], tmp: Path, cwd: Path, port: int, token: str, name: str,
                 env: dict[str, str] | None = None) -> Server:
    """Start a Jupyter-style server and wait until it accepts connections on ``port``.

    It runs with :func:`jupyter_env` (``env`` added to it), in a session of its own.
    """
    log = tmp / f"{name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env={**jupyter_env(tmp), **(env or {})},
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
    """Stop the server's kernels (through its API, then by id) and the server."""
    server.shutdown_kernels()
    kernels = child_pids(server.proc.pid)
    server.proc.terminate()
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(timeout=15)
    for pid in kernels:
        stop_pid(pid, grace=5)


# --- key press -> new pixels ------------------------------------------------------------------

# Installed once per page: records each keydown and, every animation frame, a
# checksum of the largest canvas under the watched element.
WATCH_JS = """
(root) => {
  const canvas = Array.from(root.querySelectorAll('canvas'))
    .sort((a, b) => b.width * b.height - a.width * a.height)[0];
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const digest = () => {
    const d = new Uint32Array(ctx.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
    let h = 0;
    for (let i = 0; i < d.length; i += 3) { h = (h * 31 + d[i]) | 0; }
    return h;
  };
  const w = window.__lrlabWatch = {last: digest(), key: null, changed: null};
  document.addEventListener('keydown', () => { w.key = performance.now(); w.changed = null; },
                            true);
  const tick = () => {
    const h = digest();
    if (h !== w.last) { w.last = h; if (w.key !== null && w.changed === null) {
      w.changed = performance.now(); } }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""


def watch_canvas(page, box) -> None:
    """Start watching the largest canvas under ``box`` (a Playwright locator) for changes."""
    page.evaluate(WATCH_JS, box.element_handle())


def key_to_pixels(page, key: str, timeout_ms: float) -> float | None:
    """Press ``key``; milliseconds from its keydown to the watched canvas's next change,
    both timed in the page, or None if the canvas did not change within ``timeout_ms``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.keyboard.press(key)
    try:
        page.wait_for_function("() => window.__lrlabWatch.changed !== null",
                               timeout=timeout_ms, polling="raf")
    except PlaywrightTimeout:
        return None
    w = page.evaluate("() => window.__lrlabWatch")
    return w["changed"] - w["key"]
