"""Every example in lrlab's docstrings runs and prints what it says.

The docstrings are what a student reads first; an example that no longer
matches the code teaches the wrong thing.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

matplotlib.use("Agg")

import lrlab  # noqa: E402

MODULES = sorted(m.name for m in pkgutil.iter_modules(lrlab.__path__, "lrlab."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"


def test_every_module_has_examples():
    """Modules a student opens show at least one example (private helpers excepted)."""
    bare = []
    for name in MODULES:
        if name.rsplit(".", 1)[1].startswith("_"):
            continue
        tests = doctest.DocTestFinder().find(importlib.import_module(name))
        if not any(t.examples for t in tests):
            bare.append(name)
    assert not bare, f"no docstring example in {bare}"
