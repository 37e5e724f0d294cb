"""After Run All in JupyterLab, every explorer holds exactly what the notebook's code set.

The page must never write a value back: a slider view that rounds a value set
from code to its own grid, or echoes an older one, leaves the kernel (and so
the figure and the readout) at a value no cell set. The expected values come
from an independent run of the same notebook on a kernel with no page at all
(nbclient); the browser's kernel is read through the Jupyter kernel API after
Run All and after every cell was scrolled into sight (JupyterLab builds a
widget's view only then).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import time
import uuid
from functools import lru_cache

import nbformat
import pytest
from e2e_support import NOTEBOOK_DIR, notebook_id, screenshot_dir, served_path
from pagecheck import PROMPT_NUMBER, poll, visible_errors

RUN_TIMEOUT = 150
NOTEBOOKS = [p for p in sorted(NOTEBOOK_DIR.glob("*.ipynb"))
             if "Explorer(" in p.read_text(encoding="utf-8")]
SCOPE = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"

# Printed by the kernel: every explorer in the notebook's namespace, its controls' values,
# its readout and the values it showed when it was displayed.
STATE_CODE = """
import json as _json
from lrlab.explore.base import Explorer as _Explorer
print("LRLAB-STATE" + _json.dumps({
    _name: {"values": {k: repr(v) for k, v in _obj.values.items()}, "text": _obj.text,
            "shown": None if getattr(_obj, "shown_values", None) is None
            else {k: repr(v) for k, v in _obj.shown_values.items()}}
    for _name, _obj in dict(globals()).items()
    if isinstance(_obj, _Explorer) and not _name.startswith("_")}, sort_keys=True))
"""


def parse_state(text: str) -> dict:
    line = next(s for s in text.splitlines() if s.startswith("LRLAB-STATE"))
    return json.loads(line[len("LRLAB-STATE"):])


@lru_cache(maxsize=None)
def headless_state(path) -> dict:
    """The explorers' state after running the notebook on a kernel with no page (nbclient)."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(STATE_CODE))
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    out = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return parse_state(out)


def kernel_execute(server, kernel_id: str, code: str, timeout: float = 60) -> str:
    """Run ``code`` on a running kernel through the server's websocket; return its stdout.

    ``store_history=False``: the notebook's execution counts do not move.
    """
    from tornado.websocket import websocket_connect

    session = uuid.uuid4().hex
    msg_id = uuid.uuid4().hex
    url = (server.base_url.replace("http://", "ws://")
           + f"/api/kernels/{kernel_id}/channels?session_id={session}&token={server.token}")
    request = {
        "header": {"msg_id": msg_id, "username": "lrlab-test", "session": session,
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }

    async def run():
        ws = await websocket_connect(url)
        try:
            await ws.write_message(json.dumps(request))
            out, error = [], None
            while True:
                raw = await asyncio.wait_for(ws.read_message(), timeout)
                if raw is None:
                    raise RuntimeError("the kernel's websocket closed")
                if isinstance(raw, bytes):
                    continue
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg.get("msg_type")
                if kind == "stream":
                    out.append(msg["content"]["text"])
                elif kind == "error":
                    error = "\n".join(msg["content"]["traceback"])
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    break
            if error:
                raise RuntimeError(f"the kernel raised:\n{error}")
            return "".join(out)
        finally:
            ws.close()
            while await asyncio.wait_for(ws.read_message(), 10) is not None:
                pass                        # until the server has closed it too

    # Playwright's own event loop runs in this thread: talk to the kernel from another one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(run())).result()


def code_cells_to_run(path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum(1 for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()
               and not c["metadata"].get("jupyter", {}).get("source_hidden"))


def kernels_idle(lab) -> bool:
    try:
        kernels = lab.kernels()
    except OSError:
        return False
    return bool(kernels) and all(k["execution_state"] == "idle" for k in kernels)


def open_and_run_all(lab, page, notebook, navigate=True) -> None:
    """Open the served copy of ``notebook`` (unless open), Run All, wait; fail on an error."""
    if navigate:
        page.goto(f"{lab.base_url}/lab/tree/{served_path(notebook)}?reset&token={lab.token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
    assert poll(lambda: kernels_idle(lab), timeout=60), "the kernel never became idle"
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    expected = code_cells_to_run(notebook)

    def finished():
        texts = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt").all_text_contents()
        done = sum(1 for t in texts if PROMPT_NUMBER.search(t))
        if "[*]:" in texts or not kernels_idle(lab):
            return False
        return done >= expected or bool(visible_errors(page, SCOPE))

    assert poll(finished, timeout=RUN_TIMEOUT, interval=0.25), "Run All did not finish"
    errors = visible_errors(page, SCOPE)
    assert not errors, "\n".join(errors)


def scroll_through(page) -> None:
    """Bring every cell into sight, top to bottom, as a reader scrolling down would."""
    cells = page.locator(f"{SCOPE} .jp-Cell")
    for i in range(cells.count()):
        cells.nth(i).scroll_into_view_if_needed()
        if cells.nth(i).locator(".lrlab-explorer").count():
            page.wait_for_timeout(1500)      # its views are built and drawn
    page.wait_for_timeout(500)


def describe_differences(expected: dict, found: dict) -> list[str]:
    problems = []
    for name in sorted(set(expected) | set(found)):
        want, got = expected.get(name), found.get(name)
        if want is None or got is None:
            problems.append(f"{name}: in the {'page' if want is None else 'headless'} run only")
            continue
        for key, value in want["values"].items():
            if got["values"].get(key) != value:
                problems.append(f"{name}.{key}: the code set {value}, "
                                f"the kernel holds {got['values'].get(key)}")
        if got["text"] != want["text"]:
            problems.append(f"{name}: readout {got['text']!r}, expected {want['text']!r}")
    return problems


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_explorers_hold_the_values_the_code_set(lab, page, notebook):
    expected = headless_state(notebook)
    shots = screenshot_dir(notebook)
    try:
        open_and_run_all(lab, page, notebook)
        scroll_through(page)
        kernel_id = lab.kernels()[0]["id"]
        first = parse_state(kernel_execute(lab, kernel_id, STATE_CODE))
        time.sleep(2)                       # anything the page still sends lands now
        found = parse_state(kernel_execute(lab, kernel_id, STATE_CODE))
        page.screenshot(path=str(shots / "state-after-scroll.png"), full_page=True)
        problems = describe_differences(expected, first) + describe_differences(expected, found)
        assert not problems, "\n".join(dict.fromkeys(problems))
        assert not page.js_errors, f"JavaScript errors: {page.js_errors}"
    finally:
        lab.shutdown_kernels()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_explorers_end_on_the_state_they_opened_on(notebook):
    """No cell moves an explorer after it is shown: it stays on the state its prose describes.

    (A cell that drives an explorer to print its readouts uses one it does not show.)
    """
    moved = [f"{name}.{key}: shown at {state['shown'][key]}, left at {value}"
             for name, state in headless_state(notebook).items() if state["shown"] is not None
             for key, value in state["values"].items() if state["shown"][key] != value]
    assert not moved, "\n".join(moved)
