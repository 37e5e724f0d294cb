"""The one form the course's notebooks are stored in, and a Jupyter save hook that keeps it.

Normal form: kernelspec ``python3``; ``language_info`` as ipykernel reports it
(so JupyterLab, which writes the kernel's ``language_info`` into a notebook
it opens, finds nothing to change and does not mark it modified); no widget
state (``metadata.widgets``); no output carrying a widget view or widget
state (live widgets cannot be stored, and a stored view shows "Error
displaying widget: model not found" before the notebook is run); no
execution timing metadata. ``tools/normalize_notebooks.py`` writes it.

:func:`pre_save_hook` applies it to every notebook a Jupyter server saves
(``make lab`` passes ``--ContentsManager.pre_save_hook=lrlab._notebook_form.pre_save_hook``),
so a notebook opened, run and saved (or autosaved) without an edit is stored
byte for byte as it was. It works on plain dicts, with no lrlab import beyond
the standard library.
"""

from __future__ import annotations

import json
import platform

WIDGET_MIME_TYPES = (
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
)
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# What ipykernel reports as its language, less the Python version (kept as stored).
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}
# Cell metadata keys that record when or how long a cell ran.
TIMING_KEYS = ("execution", "ExecuteTime")


def _is_widget_output(output) -> bool:
    data = output.get("data", {})
    return any(mime in data for mime in WIDGET_MIME_TYPES)


def normalize_in_place(nb: dict, version: str | None = None) -> dict:
    """Put the notebook ``nb`` (a dict, as in a .ipynb file) in normal form; return it.

    ``version`` is the Python version for ``language_info``; by default the
    one ``nb`` names, else this interpreter's.
    """
    meta = nb.setdefault("metadata", {})
    meta.pop("widgets", None)
    meta["kernelspec"] = dict(KERNELSPEC)
    stored = meta.get("language_info", {}).get("version")
    meta["language_info"] = {**LANGUAGE_INFO,
                             "version": version or stored or platform.python_version()}
    for cell in nb.get("cells", []):
        for key in TIMING_KEYS:
            cell.get("metadata", {}).pop(key, None)
        if cell.get("cell_type") == "code":
            outputs = [o for o in cell.get("outputs", []) if not _is_widget_output(o)]
            cell["outputs"] = _merge_streams(outputs)
    return nb


def _text(output) -> str:
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else text


def _merge_streams(outputs: list) -> list:
    """One output per run of stdout (or stderr) text: how the kernel split a print into
    messages depends on timing, so two runs of the same cell would store it differently."""
    merged = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None
                and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")):
            merged[-1] = {**prev, "text": _text(prev) + _text(out)}
        else:
            merged.append(out)
    return merged


def pre_save_hook(model, path=None, contents_manager=None, **kwargs):
    """A Jupyter server's ``pre_save_hook``: store every notebook in normal form.

    The Python version in ``language_info`` stays the one already in the file
    (a kernel of another Python does not rewrite it).
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    version = None
    try:
        with open(contents_manager._get_os_path(path), encoding="utf-8") as f:
            version = json.load(f)["metadata"]["language_info"]["version"]
    except Exception:  # a new file, or one without a version: keep the kernel's
        pass
    normalize_in_place(model["content"], version=version)
