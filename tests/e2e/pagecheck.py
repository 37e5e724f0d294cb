"""What the browser tests do on a page: run, look for errors, move controls, compare pixels."""

from __future__ import annotations

import re
import time
from pathlib import Path

ERROR_OUTPUTS = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
    ".jp-OutputArea-output.jp-OutputArea-executeResult.jp-mod-error, "
    ".jp-RenderedText.jp-mod-error"
)
WIDGET_ERRORS = ("Error displaying widget", "model not found")
SLIDER_HANDLES = ".widget-slider .noUi-handle"

# A digest of every <canvas> under an element (ipympl draws the figure into one).
CANVAS_DIGEST_JS = """
(root) => Array.from(root.querySelectorAll('canvas')).map((c) => {
  if (!c.width || !c.height) return 'empty';
  let data;
  try { data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; }
  catch (e) { return 'unreadable'; }
  let h = 0, ink = 0;
  for (let i = 0; i < data.length; i += 4) {
    h = (Math.imul(h, 31) + data[i] + 3 * data[i + 1] + 7 * data[i + 2] + 11 * data[i + 3]) | 0;
    if (data[i + 3] && (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250)) ink++;
  }
  return `${c.width}x${c.height}:${ink}:${h}`;
}).join('|')
"""


# How far the explorer's figure sticks out of the output area that holds it ('' if it fits):
# a figure wider than the notebook's column is cut off, and the student sees part of it.
FIGURE_OVERFLOW_JS = """
(root) => {
  const area = root.closest('.jp-OutputArea-output') || root.parentElement;
  const limit = area.getBoundingClientRect().right;
  const canvas = root.querySelector('canvas');
  if (!canvas) return '';
  const right = canvas.getBoundingClientRect().right;
  return right > limit + 1
    ? `canvas ${Math.round(canvas.getBoundingClientRect().width)} px ends ` +
      `${Math.round(right - limit)} px past the output area's right edge`
    : '';
}
"""


def poll(predicate, timeout: float, interval: float = 0.1):
    """Call ``predicate`` until it returns something truthy; return that, or None on time-out."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def settle(read, timeout: float = 5, quiet: float = 0.5):
    """Wait until ``read()`` gives the same value for ``quiet`` seconds; return that value."""
    deadline = time.monotonic() + timeout
    last, since = read(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = read()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return last


def canvas_digest(element) -> str:
    return element.evaluate(CANVAS_DIGEST_JS)


def has_ink(digest: str, share: float = 0.003) -> bool:
    """True once some canvas has a figure drawn: more than ``share`` of its pixels not white.

    (ipympl's second canvas, for the zoom rectangle, holds a few pixels from the start.)
    """
    for part in digest.split("|"):
        if part.count(":") != 2:
            continue
        size, ink, _ = part.split(":")
        width, height = (int(n) for n in size.split("x"))
        if int(ink) > share * width * height:
            return True
    return False


def visible_errors(page, scope: str) -> list[str]:
    """Error outputs and widget errors shown under ``scope``."""
    # textContent for outputs: a cell scrolled out of view may have no innerText.
    found = [
        f"error output: {text.strip()[:800]}"
        for text in page.locator(f"{scope} :is({ERROR_OUTPUTS})").all_text_contents()
    ]
    body = page.locator(scope).first.inner_text()
    found += [f"widget error: {msg!r} shown" for msg in WIDGET_ERRORS if msg in body]
    return found


def move_slider(page, handle) -> bool:
    """Focus a slider handle and press ArrowRight 5 times (ArrowLeft if it sits at its maximum).

    Returns whether the handle's value moved.
    """

    def value():
        # aria-valuenow is rounded for display; aria-valuetext has every digit.
        return handle.get_attribute("aria-valuenow"), handle.get_attribute("aria-valuetext")

    before = value()
    handle.scroll_into_view_if_needed()
    for key in ("ArrowRight", "ArrowLeft"):
        handle.focus()
        for _ in range(5):
            page.keyboard.press(key)
        if poll(lambda: value() != before, timeout=1):
            return True
    return False


def check_explorers(page, scope: str, shots: Path, prefix: str = "") -> list[str]:
    """Move every control of every ``.lrlab-explorer``; return what went wrong.

    For each slider (and dropdown or toggle-button group): screenshot, move it,
    wait up to a few seconds for the canvas pixels to change, check the
    ``.lrlab-readout`` text changed, screenshot again.
    """
    problems: list[str] = []
    explorers = page.locator(f"{scope} .lrlab-explorer")
    for i in range(explorers.count()):
        box = explorers.nth(i)
        box.scroll_into_view_if_needed()
        name = f"{prefix}explorer{i + 1}"
        if not poll(lambda box=box: box.locator("canvas").count(), timeout=20):
            problems.append(f"{name}: no canvas in the explorer")
            continue
        if not poll(lambda box=box: has_ink(canvas_digest(box)), timeout=12):
            box.screenshot(path=str(shots / f"{name}-not-drawn.png"))
            problems.append(f"{name}: the figure was never drawn (canvas {canvas_digest(box)})")
            continue
        settle(lambda box=box: canvas_digest(box))
        overflow = box.evaluate(FIGURE_OVERFLOW_JS)
        if overflow:
            problems.append(f"{name}: the figure is wider than the output area: {overflow}")
        readout = box.locator(".lrlab-readout")
        if readout.count() != 1:
            problems.append(f"{name}: expected one .lrlab-readout, found {readout.count()}")
            continue
        # a disabled slider (a parameter of another schedule, say) is not the user's to move
        enabled = "h => !h.closest('.noUi-target').hasAttribute('disabled')"
        controls = [("slider", h) for h in box.locator(SLIDER_HANDLES).all() if h.evaluate(enabled)]
        controls += [("dropdown", s) for s in box.locator(".widget-dropdown select").all()]
        controls += [("toggle", t) for t in box.locator(".widget-toggle-buttons").all()]
        if not controls:
            problems.append(f"{name}: no slider, dropdown or toggle in the explorer")
        for j, (kind, control) in enumerate(controls, start=1):
            label = f"{name}-{kind}{j}"
            box.screenshot(path=str(shots / f"{label}-before.png"))
            pixels, text = canvas_digest(box), readout.inner_text()
            if kind == "slider":
                moved = move_slider(page, control)
            elif kind == "dropdown":
                moved = _next_option(control)
            else:
                moved = _next_toggle(control)
            if not moved:
                problems.append(f"{label}: could not move the control")
                continue
            # generous: CI machines are loaded; speed is measured in benchmarks/bench_browser.py
            changed = poll(lambda box=box, pixels=pixels: canvas_digest(box) != pixels, 15)
            new_text = poll(lambda r=readout, t=text: r.inner_text() != t and r.inner_text(), 15)
            # Five key presses may arrive as several updates: let the last one land.
            settle(lambda box=box, r=readout: (canvas_digest(box), r.inner_text()))
            box.screenshot(path=str(shots / f"{label}-after.png"))
            if not changed:
                problems.append(f"{label}: the figure did not change within 15 s")
            if not new_text:
                problems.append(f"{label}: the readout did not change (still {text!r})")
    return problems


def _next_option(select) -> bool:
    options = select.locator("option").all()
    if len(options) < 2:
        return False
    current = select.input_value()
    values = [o.get_attribute("value") for o in options]
    target = next(v for v in values if v != current)
    select.select_option(value=target)
    return select.input_value() != current


def _next_toggle(group) -> bool:
    buttons = group.locator("button:not(.mod-active)")
    if not buttons.count():
        return False
    buttons.first.click()
    return True


PROMPT_NUMBER = re.compile(r"\[\d+\]")
