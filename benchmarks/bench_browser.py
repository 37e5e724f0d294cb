"""Latency in a real browser: from a key press on a slider to new pixels on the figure.

Starts JupyterLab on 127.0.0.1 (a free port) serving a throw-away
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
import os
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

from browser_support import (  # noqa: E402
    CHROMIUM_FLAGS,
    find_chromium,
    free_port,
    key_to_pixels,
    start_server,
    stop_server,
    watch_canvas,
)


def start_lab(tmp, notebooks=(), repo=REPO):
    """A JupyterLab serving a copy of ``repo``; returns its ``browser_support.Server``.

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
    port, token = free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    return start_server(cmd, tmp, site, port, token, "jupyterlab", env={"PYTHONPATH": path})


def wait_idle(lab, timeout):
    """Wait until the server has a kernel and every kernel is idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kernels = lab.kernels()
        if kernels and all(k["execution_state"] == "idle" for k in kernels):
            return True
        time.sleep(0.25)
    return False


def measure(page, lab, notebook, presses):
    """(seconds from open to a usable first explorer, [ms per key press -> new pixels])."""
    t0 = time.perf_counter()
    page.goto(f"{lab.base_url}/lab/tree/notebooks/{notebook.name}?reset&token={lab.token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
    wait_idle(lab, 120)               # Run All before the kernel is up may do nothing
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
    wait_idle(lab, 300)               # the rest of the notebook runs before the presses
    time.sleep(1.0)
    watch_canvas(page, box)
    handle = box.locator(".widget-slider .noUi-handle").first
    handle.focus()
    latencies = []
    for i in range(presses):
        ms = key_to_pixels(page, "ArrowRight" if (i // 5) % 2 == 0 else "ArrowLeft", 3000)
        if ms is None:                # no change in 3 s (e.g. the slider is at its end)
            continue
        latencies.append(ms)
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
    lab = browser = None
    try:
        lab = start_lab(tmp, notebooks, args.repo)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), headless=True,
                                         args=CHROMIUM_FLAGS)
            print(f"{'notebook':<34}{'open->usable':>14}{'key->pixels median':>20}"
                  f"{'p95':>8}{'n':>4}")
            medians = []
            for nb in notebooks:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                if os.environ.get("BENCH_CONSOLE"):
                    page.on("console", lambda m: print("console:", m.type, m.text[:300]))
                try:
                    usable, lat = measure(page, lab, nb, args.presses)
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
                    lab.shutdown_kernels()
                    context.close()
            browser.close()
            browser = None
        ok = medians and max(medians) <= 100
        print(f"target median key->pixels <= 100 ms: {'met' if ok else 'NOT met'}")
    finally:
        if browser is not None:
            browser.close()
        if lab is not None:
            stop_server(lab)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
