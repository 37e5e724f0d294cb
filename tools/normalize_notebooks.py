"""Store the course notebooks in one normal form.

    python tools/normalize_notebooks.py            # normalize notebooks/*.ipynb in place
    python tools/normalize_notebooks.py --execute  # run each on a fresh kernel, then normalize
    python tools/normalize_notebooks.py --check    # exit 1 listing notebooks not in normal form
    python tools/normalize_notebooks.py NB.ipynb   # the same, for the notebooks named

Normal form (``lrlab/_notebook_form.py``, which a Jupyter server started by
``make lab`` also applies to every save): kernelspec ``python3``;
``language_info`` as ipykernel reports it (the Python version kept as stored),
so JupyterLab does not mark a notebook modified when it opens; no widget state
(``metadata.widgets``); no output carrying a widget view or widget state; no
execution timing metadata; nbformat JSON with indent 1 and a trailing
newline. Other outputs (figures as PNG, text) are kept.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from lrlab._notebook_form import normalize_in_place  # noqa: E402 - the repository's lrlab

NOTEBOOK_DIR = REPO / "notebooks"

DEFAULT_CELL_TIMEOUT = 300


def normalize(nb):
    """Return a normalized copy of the notebook node ``nb``."""
    nb = copy.deepcopy(nb)
    normalize_in_place(nb)
    return nbformat.from_dict(nb)


def dumps(nb) -> str:
    """Stable text of a notebook: nbformat's JSON (indent 1, sorted keys) plus a newline."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def read(path: Path):
    return nbformat.read(path, as_version=4)


def normal_text(path: Path) -> str:
    return dumps(normalize(read(path)))


def is_normalized(path: Path) -> bool:
    return path.read_text(encoding="utf-8") == normal_text(path)


def execute(nb, cwd: Path, timeout: int = DEFAULT_CELL_TIMEOUT):
    """Run ``nb`` top to bottom on a fresh ``python3`` kernel with cwd ``cwd``."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        record_timing=False,
        store_widget_state=False,
        allow_errors=False,
    )
    client.execute()
    return nb


def default_notebooks() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "paths", nargs="*", type=Path, help="notebooks (default: notebooks/*.ipynb)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="only report notebooks not normalized")
    mode.add_argument("--execute", action="store_true", help="re-run on a fresh kernel first")
    parser.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_CELL_TIMEOUT,
        help=f"seconds per cell with --execute (default {DEFAULT_CELL_TIMEOUT})",
    )
    args = parser.parse_args(argv)
    paths = args.paths or default_notebooks()
    if not paths:
        print(f"no notebooks in {NOTEBOOK_DIR}")
        return 0

    if args.check:
        bad = [p for p in paths if not is_normalized(p)]
        for p in bad:
            print(f"not normalized: {p}")
        if bad:
            print("fix with: make notebooks  (or python tools/normalize_notebooks.py)")
            return 1
        print(f"{len(paths)} notebook(s) normalized")
        return 0

    for path in paths:
        nb = read(path)
        if args.execute:
            print(f"executing {path} ...", flush=True)
            execute(nb, cwd=path.resolve().parent, timeout=args.timeout)
        text = dumps(normalize(nb))
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
        else:
            print(f"unchanged {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
