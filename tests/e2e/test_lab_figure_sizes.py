"""Figures readable where students and teachers see them, measured in Chromium.

- Laptop: JupyterLab at 1280x800 with the file browser open. Every output image
  of every notebook (as stored: the figures a Run All draws again) is shown at
  90 % of its own width or more; a wider PNG would be shrunk to the column and
  its text with it.
- Projector, JupyterLab at 1920x1080: an explorer's figure grows with the
  column (its canvas as wide as the output area, the picture's aspect kept)
  and its controls still move it.
- Presenter mode (``make present``: Voila, the ``lrlab-present`` template and
  ``LRLAB_PRESENT=1``) at 1920x1080: the explorer's canvas is at least 1300 px
  wide, two thirds of the screen; prose at least 24 px and the readout at
  least 24 px, slider labels at least 20 px (24 px is 12 pt on a 16:9 slide
  shown at 1920x1080, the size presentation guides give as the least for a
  room); the static figures are drawn with more pixels than in the notebook
  (not a small PNG stretched).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import struct
import sys
import time
from pathlib import Path

import pytest
from browser_support import free_port, start_server, stop_server
from e2e_support import (
    NOTEBOOK_DIR,
    REPO,
    course_notebooks,
    notebook_id,
    require_module,
    screenshot_dir,
    served_path,
    site_root,
)
from pagecheck import canvas_digest, check_explorers, has_ink, poll, settle

LAPTOP = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1920, "height": 1080}
MIN_SHOWN = 0.90          # rendered width / natural width of an output image
PRESENT_CANVAS_PX = 1300  # two thirds of a 1920 px screen
PRESENT_PROSE_PX = 24     # 12 pt on a 16:9 slide at 1920x1080
PRESENT_LABEL_PX = 20
PRESENT_NOTEBOOK = NOTEBOOK_DIR / "00-start-here.ipynb"
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"   # the notebook in view

IMAGES_JS = """
(scope) => Array.from(document.querySelectorAll(scope + ' .jp-OutputArea-output img')).map(i => {
  const r = i.getBoundingClientRect();
  return {natural: i.naturalWidth, shown: r.width, complete: i.complete};
})
"""


def stored_png_widths(path: Path) -> list[int]:
    """Widths of the PNG outputs stored in the notebook, in order."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    widths = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                raw = base64.b64decode("".join(png) if isinstance(png, list) else png)
                widths.append(struct.unpack(">II", raw[16:24])[0])
    return widths


def file_browser_width(page) -> float:
    return page.evaluate(
        "() => { const f = document.querySelector('.jp-FileBrowser');"
        " return f ? f.getBoundingClientRect().width : 0; }"
    )


def open_notebook(page, lab, notebook: Path, viewport: dict) -> None:
    """Open ``notebook`` in JupyterLab in a window of ``viewport``; wait for its cells."""
    page.set_viewport_size(viewport)
    page.goto(f"{lab.base_url}/lab/tree/{served_path(notebook)}?reset&token={lab.token}")
    page.wait_for_selector(f"{PANEL} .jp-Notebook .jp-Cell", timeout=60_000)


NOTEBOOKS = [p for p in course_notebooks() if p.parent == NOTEBOOK_DIR]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_images_show_at_their_size_on_a_laptop(lab, page, notebook):
    """1280x800, file browser open: every figure at >= 90 % of its width."""
    expected = stored_png_widths(notebook)
    try:
        open_notebook(page, lab, notebook, LAPTOP)
        assert poll(lambda: file_browser_width(page) > 100, timeout=20), (
            "the file browser is not open (the laptop case is with it open)"
        )

        def loaded():
            images = page.evaluate(IMAGES_JS, PANEL)
            ready = len(images) == len(expected) and all(
                i["complete"] and i["natural"] for i in images)
            return images if ready else None

        images = poll(loaded, timeout=30) or page.evaluate(IMAGES_JS, PANEL)
        page.screenshot(path=str(screenshot_dir(notebook) / "laptop-1280x800.png"))
        assert len(images) == len(expected), (
            f"{len(images)} output images on the page, {len(expected)} PNGs in the notebook"
        )
        assert [i["natural"] for i in images] == expected
        small = [
            f"image {k + 1}: {i['natural']} px shown at {i['shown']:.0f} px "
            f"({i['shown'] / i['natural']:.0%})"
            for k, i in enumerate(images)
            if i["shown"] < MIN_SHOWN * i["natural"]
        ]
        assert not small, "shrunk below 90 % at 1280x800:\n" + "\n".join(small)
    finally:
        lab.shutdown_kernels()


EXPLORER_SIZE_JS = """
(box) => {
  const canvas = box.querySelector('canvas');
  const area = box.closest('.jp-OutputArea-output') || box.parentElement;
  const r = canvas.getBoundingClientRect();
  return {shown_w: r.width, shown_h: r.height, pixels_w: canvas.width, pixels_h: canvas.height,
          column: area.getBoundingClientRect().width};
}
"""


def run_all(page) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def test_explorer_grows_with_the_column_in_lab(lab, page):
    """1920x1080: the first explorer of notebook 00 fills the column, aspect kept, and moves."""
    notebook = PRESENT_NOTEBOOK
    shots = screenshot_dir(notebook)
    scope = f"{PANEL} .jp-Notebook"
    try:
        open_notebook(page, lab, notebook, PROJECTOR)
        time.sleep(3)
        run_all(page)
        box = page.locator(f"{scope} .lrlab-explorer").first
        box.wait_for(state="attached", timeout=120_000)
        box.scroll_into_view_if_needed()
        assert poll(lambda: has_ink(canvas_digest(box)), timeout=60), "the figure was not drawn"
        settle(lambda: canvas_digest(box))
        size = box.evaluate(EXPLORER_SIZE_JS)
        box.screenshot(path=str(shots / "lab-1920-explorer.png"))
        assert size["shown_w"] >= 0.97 * size["column"], f"canvas narrower than the column: {size}"
        aspect_shown = size["shown_h"] / size["shown_w"]
        aspect_drawn = size["pixels_h"] / size["pixels_w"]
        assert aspect_shown == pytest.approx(aspect_drawn, rel=0.02), size
        problems = check_explorers(page, scope, shots, prefix="lab-1920-")
        assert not problems, "\n".join(problems)
    finally:
        lab.shutdown_kernels()


def present_command() -> tuple[list[str], dict[str, str]]:
    """The options and environment ``make present`` gives Voila, read from the Makefile."""
    recipe = (REPO / "Makefile").read_text()
    present = recipe[recipe.index("\npresent:"):recipe.index("\nnotebooks:")]
    options = re.findall(r"--template=\S+|--theme=\S+|--strip_sources=\S+", present)
    env = dict(re.findall(r"\b(LRLAB_PRESENT)=(\S+)", present))
    assert "--template=lrlab-present" in options and env.get("LRLAB_PRESENT") == "1", (
        f"the Makefile's present target changed: {options}, {env}"
    )
    assert '$(CURDIR)/present' in present, "make present no longer puts present/ on JUPYTER_PATH"
    if '--Voila.config_file_paths="$(CURDIR)/present"' in present:
        options.append(f"--Voila.config_file_paths={REPO / 'present'}")
    return options, env


@pytest.fixture
def presenter(tmp_path_factory, monkeypatch):
    require_module("voila", "voila")
    options, env = present_command()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("JUPYTER_PATH", str(REPO / "present"))
    tmp = tmp_path_factory.mktemp("present")
    root = site_root(tmp)
    path = root / served_path(PRESENT_NOTEBOOK)
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable, "-m", "voila", str(path), "--no-browser", "--Voila.ip=127.0.0.1",
        f"--port={port}", f"--token={token}", "--Voila.port_retries=0", *options,
    ]  # fmt: skip
    server = start_server(cmd, tmp, path.parent, port, token, "voila-present")
    try:
        yield server
    finally:
        stop_server(server)


PRESENT_SIZES_JS = """
() => {
  const box = document.querySelector('.lrlab-explorer');
  const canvas = box.querySelector('canvas');
  const px = (el) => el ? parseFloat(getComputedStyle(el).fontSize) : 0;
  const prose = Array.from(document.querySelectorAll('.jp-RenderedMarkdown p'));
  const readout = box.querySelector('.lrlab-readout .widget-html-content')
                  || box.querySelector('.lrlab-readout');
  const r = canvas.getBoundingClientRect();
  return {
    // the picture is fitted into the canvas's box (object-fit: contain): its shown width
    canvas_shown: Math.min(r.width, r.height * canvas.width / canvas.height),
    canvas_pixels: canvas.width,
    prose: prose.length ? Math.min(...prose.map(px)) : 0,
    readout: px(readout),
    labels: Array.from(box.querySelectorAll('.widget-label')).map(px),
    images: Array.from(document.querySelectorAll('.jp-OutputArea-output img')).map(
      (i) => ({natural: i.naturalWidth, shown: i.getBoundingClientRect().width})),
  };
}
"""


def test_presenter_mode_fills_a_projector(presenter, page):
    shots = screenshot_dir(PRESENT_NOTEBOOK)
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{presenter.base_url}/?token={presenter.token}", timeout=180_000)
    page.wait_for_selector(".lrlab-explorer canvas", timeout=180_000, state="attached")
    box = page.locator(".lrlab-explorer").first
    box.scroll_into_view_if_needed()
    assert poll(lambda: has_ink(canvas_digest(box)), timeout=60), "the figure was not drawn"
    settle(lambda: canvas_digest(box))
    page.screenshot(path=str(shots / "present-1920x1080.png"))
    sizes = page.evaluate(PRESENT_SIZES_JS)
    print(f"\npresenter mode at 1920x1080: {sizes}")
    assert sizes["canvas_shown"] >= PRESENT_CANVAS_PX, sizes
    # drawn with about the pixels it is shown with (not a small picture stretched 1.6 times)
    assert sizes["canvas_pixels"] >= PRESENT_CANVAS_PX, sizes
    assert sizes["prose"] >= PRESENT_PROSE_PX, sizes
    assert sizes["readout"] >= PRESENT_PROSE_PX, sizes
    assert sizes["labels"] and min(sizes["labels"]) >= PRESENT_LABEL_PX, sizes
    stored = stored_png_widths(PRESENT_NOTEBOOK)
    natural = [i["natural"] for i in sizes["images"]]
    assert len(natural) == len(stored) and all(
        n >= 1.5 * s for n, s in zip(natural, stored, strict=True)), (
        f"static figures not drawn larger for the projector: {natural} vs stored {stored}"
    )
    assert all(i["shown"] >= 0.9 * i["natural"] for i in sizes["images"]), sizes["images"]
    problems = check_explorers(page, "body", shots, prefix="present-")
    assert not problems, "\n".join(problems)
    assert not page.js_errors, f"JavaScript errors: {page.js_errors}"


def test_present_template_is_in_the_repository():
    template = REPO / "present" / "voila" / "templates" / "lrlab-present"
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"
    assert "extends 'voila/templates/lab/index.html.j2'" in (template / "index.html.j2").read_text()
