"""Every public function of lrlab's math modules says where the course teaches it.

Its docstring names a notebook and a section ("Taught in
notebooks/03-exponential-decay.ipynb, section '...'"), or says that no notebook
uses it. Every section it names must be a heading of that notebook, so a
renamed section cannot leave a docstring pointing nowhere.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MATH = ["schedules", "problems", "descent", "theory", "noise", "momentum", "data", "training",
        "range_test", "conventions", "summary"]
NOTEBOOK = re.compile(r"notebooks/([\w-]+\.ipynb)")
SECTION = re.compile(r"""section (?:'(.+?)'(?=[.;,)]|\s|$)|"(.+?)"(?=[.;,)]|\s|$))""")


def headings(name):
    cells = json.loads((ROOT / "notebooks" / name).read_text())["cells"]
    found = set()
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    found.add(line.lstrip("#").strip())
    return found


def public(module_name):
    module = importlib.import_module(f"lrlab.{module_name}")
    for name, obj in vars(module).items():
        if (not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
                and obj.__module__ == module.__name__):
            yield name, obj


def places(doc):
    """(notebook, section) pairs a docstring names; a bare section is in the last notebook named."""
    text = " ".join(doc.split())
    pairs, notebook = [], None
    for m in re.finditer(f"{NOTEBOOK.pattern}|{SECTION.pattern}", text):
        if m.group(1):
            notebook = m.group(1)
        else:
            pairs.append((notebook, m.group(2) or m.group(3)))
    return pairs


CASES = [(m, name, obj) for m in MATH for name, obj in public(m)]


@pytest.mark.parametrize("module, name, obj", CASES, ids=[f"{m}.{n}" for m, n, _ in CASES])
def test_docstring_says_where_it_is_taught(module, name, obj):
    doc = " ".join((obj.__doc__ or "").split())
    if "Not used by a notebook" in doc or "Not called by a notebook" in doc:
        return
    pairs = places(doc)
    assert pairs, f"lrlab.{module}.{name}: no notebook section in its docstring"
    for notebook, section in pairs:
        assert notebook is not None, f"lrlab.{module}.{name}: section {section!r} of no notebook"
        assert (ROOT / "notebooks" / notebook).exists(), notebook
        assert section in headings(notebook), f"{notebook} has no section {section!r}"


def test_places_reads_both_quotes_and_bare_sections():
    doc = """Taught in notebooks/a.ipynb, section 'One'; also section "Bob's two".
    See notebooks/b.ipynb, section 'Say "hi"'."""
    assert places(doc) == [("a.ipynb", "One"), ("a.ipynb", "Bob's two"), ("b.ipynb", 'Say "hi"')]
