"""Take the README's picture: notebook 00's explorer, live in JupyterLab, at chosen settings.

Serves a copy of the repository (``benchmarks/bench_browser.py``'s
``start_lab``) in which notebook 00 ends by setting its explorer to ``--lr``
and ``--decay-rate``, runs the notebook in headless Chromium and saves a
screenshot of the explorer (sliders, figure, readout) to ``docs/explorer-00.png``.

    python tools/readme_screenshot.py [--lr 0.9] [--decay-rate 0.95] [--out docs/explorer-00.png]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_browser as bb  # noqa: E402
from browser_support import CHROMIUM_FLAGS, find_chromium, stop_server  # noqa: E402

NOTEBOOK = "00-start-here.ipynb"


def notebook_at(src, dest, lr, decay_rate):
    """Copy notebook 00 to ``dest`` with a last cell that sets its explorer's sliders.

    (Later cells drive the explorer from code, so the settings go at the end.)
    """
    nb = json.loads(Path(src).read_text())
    nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {},
                        "outputs": [], "source": [
                            f'explorer.controls["lr"].value = {lr!r}\n',
                            f'explorer.controls["decay_rate"].value = {decay_rate!r}']})
    Path(dest).write_text(json.dumps(nb, indent=1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lr", type=float, default=0.9)
    parser.add_argument("--decay-rate", type=float, default=0.95)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "explorer-00.png")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="lrlab-readme-shot-"))
    lab = None
    try:
        lab = bb.start_lab(tmp)
        notebook_at(REPO / "notebooks" / NOTEBOOK, tmp / "repo" / "notebooks" / NOTEBOOK,
                    args.lr, args.decay_rate)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), headless=True,
                                         args=CHROMIUM_FLAGS)
            page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
            page.goto(f"{lab.base_url}/lab/tree/notebooks/{NOTEBOOK}?reset&token={lab.token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
            bb.wait_idle(lab, 120)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            box = page.locator(".lrlab-explorer").first
            box.wait_for(state="attached", timeout=180_000)
            bb.wait_idle(lab, 300)
            box.scroll_into_view_if_needed()
            page.wait_for_timeout(2000)           # the last frame drawn
            args.out.parent.mkdir(parents=True, exist_ok=True)
            box.screenshot(path=str(args.out))
            print(f"wrote {args.out} ({box.locator('.lrlab-readout').inner_text().strip()})")
            browser.close()
    finally:
        if lab is not None:
            stop_server(lab)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
