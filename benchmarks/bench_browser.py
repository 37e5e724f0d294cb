"""Latency in a real browser: from a key press on a slider to new pixels on the figure.

Starts JupyterLab on 127.0.0.1 (a port from 8600-8649) serving a throw-away
copy of the repository (autosave never touches the stored notebooks), opens
each notebook in headless Chromium (Playwright, ``/usr/bin/chromium``), runs
all cells from the menu, and measures:

- *open -> usable*: from asking for the notebook page to its first explorer
  having a drawn figure and a slider to press (the kernel start and the
  notebook's own computations included);
- *key -> pixels*: for that first (headline) explorer, from the ``keydown``
  of an arrow key on its first slider to the figure's canvas pixels changing,
  both timed inside the page (``performance.now()``; the canvas is sampled
  every animation frame).

Servers, kernels and the browser are stopped by process id at the end, also
on errors. Run from the repository root::

    python benchmarks/bench_browser.py [--presses 20] [--repo DIR] [NOTEBOOK ...]

``--repo`` serves another tree, e.g. the last commit for a before/after
comparison: ``git archive HEAD | tar -x -C /tmp/head``.

Target: median key -> pixels <= 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PORTS = range(8600, 8650)

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
  const w = window.__lrlab = {last: digest(), key: null, changed: null};
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


def free_port():
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8600-8649")


def children(pid):
    """Direct children of ``pid`` (read from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def stop(pid):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


def start_lab(tmp, notebooks=(), repo=REPO):
    """A JupyterLab serving a copy of ``repo``; returns (proc, base url, token).

    ``notebooks`` from elsewhere are copied into the copy's ``notebooks/``;
    its kernels import the copy's ``lrlab``.
    """
    site = tmp / "repo"
    shutil.copytree(repo, site, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".venv-lower", ".ipynb_checkpoints", "__pycache__", "test-artifacts",
        "*.egg-info"))
    for nb in notebooks:
        if not (site / "notebooks" / nb.name).exists():
            shutil.copy2(nb, site / "notebooks" / nb.name)
    config = tmp / "config"
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    settings = tmp / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config),
               JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), MPLCONFIGDIR=str(tmp / "mpl"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])))
    port, token = free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp / "lab.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, cwd=site, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
            return proc, base, token
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((tmp / "lab.log").read_text()[-2000:]) from None
            time.sleep(0.2)
    raise RuntimeError("JupyterLab did not answer in 60 s")


def api(base, token, path, method="GET"):
    req = urllib.request.Request(f"{base}{path}?token={token}", method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = resp.read()
    return json.loads(body) if body else None


def shutdown_kernels(base, token):
    try:
        for kernel in api(base, token, "/api/kernels"):
            api(base, token, f"/api/kernels/{kernel['id']}", "DELETE")
    except OSError:
        pass


def wait_idle(base, token, timeout):
    """Wait until the server has a kernel and every kernel is idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kernels = api(base, token, "/api/kernels")
        if kernels and all(k["execution_state"] == "idle" for k in kernels):
            return True
        time.sleep(0.25)
    return False


def measure(page, base, token, notebook, presses):
    """(seconds from open to a usable first explorer, [ms per key press -> new pixels])."""
    t0 = time.perf_counter()
    page.goto(f"{base}/lab/tree/notebooks/{notebook.name}?reset&token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
    wait_idle(base, token, 120)       # Run All before the kernel is up may do nothing
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    box = page.locator(".lrlab-explorer").first
    box.wait_for(state="attached", timeout=180_000)
    box.scroll_into_view_if_needed()
    box.locator(".widget-slider .noUi-handle").first.wait_for(state="attached", timeout=60_000)
    box.locator("canvas").first.wait_for(state="attached", timeout=60_000)
    if os.environ.get("BENCH_SCREENSHOT"):
        page.screenshot(path=os.environ["BENCH_SCREENSHOT"])
    page.wait_for_function(
        """(root) => Array.from(root.querySelectorAll('canvas')).some((c) => {
             if (!c.width) return false;
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             let ink = 0; for (let i = 0; i < d.length; i += 16) if (d[i] < 200) ink++;
             return ink > d.length / 16 / 100; })""",
        arg=box.element_handle(), timeout=120_000, polling=50)
    usable = time.perf_counter() - t0
    time.sleep(1.0)
    wait_idle(base, token, 300)       # the rest of the notebook runs before the presses
    time.sleep(1.0)
    page.evaluate(WATCH_JS, box.element_handle())
    handle = box.locator(".widget-slider .noUi-handle").first
    handle.focus()
    latencies = []
    for i in range(presses):
        key = "ArrowRight" if (i // 5) % 2 == 0 else "ArrowLeft"
        page.keyboard.press(key)
        try:
            page.wait_for_function("() => window.__lrlab.changed !== null", timeout=3000,
                                   polling="raf")
        except Exception:  # no change in 3 s (e.g. the slider is at its end)
            continue
        w = page.evaluate("() => window.__lrlab")
        latencies.append(w["changed"] - w["key"])
        page.wait_for_timeout(250)    # settle: one press at a time
    return usable, latencies


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--repo", type=Path, default=REPO,
                        help="the tree to serve (e.g. an export of an older commit)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    notebooks = ([Path(p) for p in args.notebooks]
                 or sorted((args.repo / "notebooks").glob("*.ipynb")))
    tmp = Path(tempfile.mkdtemp(prefix="lrlab-bench-browser-"))
    # a plain `kill` still stops the server, its kernels and the browser
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    proc = browser = None
    kernel_pids = []
    try:
        proc, base, token = start_lab(tmp, notebooks, args.repo)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            print(f"{'notebook':<34}{'open->usable':>14}{'key->pixels median':>20}"
                  f"{'p95':>8}{'n':>4}")
            medians = []
            for nb in notebooks:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                if os.environ.get("BENCH_CONSOLE"):
                    page.on("console", lambda m: print("console:", m.type, m.text[:300]))
                try:
                    usable, lat = measure(page, base, token, nb, args.presses)
                    lat.sort()
                    med = statistics.median(lat) if lat else float("nan")
                    p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else float("nan")
                    medians.append(med)
                    print(f"{nb.stem:<34}{usable:12.1f} s{med:17.0f} ms{p95:6.0f}{len(lat):4d}",
                          flush=True)
                except Exception as err:
                    if "lrlab-explorer" in str(err) or "Timeout" in type(err).__name__:
                        print(f"{nb.stem:<34}no usable explorer ({type(err).__name__}: "
                              f"{str(err).splitlines()[0]})")
                    else:
                        print(f"{nb.stem:<34}failed: {type(err).__name__}: {err}")
                finally:
                    kernel_pids += children(proc.pid)
                    shutdown_kernels(base, token)
                    context.close()
            browser.close()
            browser = None
        ok = medians and max(medians) <= 100
        print(f"target median key->pixels <= 100 ms: {'met' if ok else 'NOT met'}")
    finally:
        if browser is not None:
            browser.close()
        if proc is not None:
            kernel_pids += children(proc.pid)
            stop(proc.pid)
            for pid in set(kernel_pids):
                stop(pid)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
