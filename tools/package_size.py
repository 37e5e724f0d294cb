"""How big lrlab is next to the notebooks that use it (the README promises a package to read).

Counts, for the package (every ``.py`` under ``lrlab/``, per room) and for the
notebooks (the code cells of ``notebooks/*.ipynb``):

- lines: every line of the files;
- code lines: lines that are neither blank, nor a comment, nor inside a docstring;
- the ratio of the package's lines to the notebooks' code lines (how much a
  student who reads every helper reads per line they run).

Docstrings count as lines (a student reads them) but not as code lines. Run
from the repository root, or name another checkout (for a before/after)::

    python tools/package_size.py [--repo DIR]
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import tokenize
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def code_lines(source):
    """The number of lines holding code: not blank, not only a comment, not in a docstring."""
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                and isinstance(first.value.value, str):
            docstrings.update(range(first.lineno, first.end_lineno + 1))
    lines = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENDMARKER):
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return len(lines - docstrings)


def room(path, package):
    """``plot``, ``explore`` or ``math`` (everything at the top of the package)."""
    parts = path.relative_to(package).parts
    return parts[0] if len(parts) > 1 else "math"


def measure(repo):
    package = repo / "lrlab"
    rooms = {}
    for path in sorted(package.rglob("*.py")):
        source = path.read_text()
        counts = rooms.setdefault(room(path, package), {"modules": 0, "lines": 0, "code": 0})
        counts["modules"] += 1
        counts["lines"] += len(source.splitlines())
        counts["code"] += code_lines(source)
    notebook_code = 0
    for path in sorted((repo / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                notebook_code += sum(1 for line in source.splitlines()
                                     if line.strip() and not line.lstrip().startswith(("#", "%")))
    return rooms, notebook_code


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout to measure")
    args = parser.parse_args(argv)
    rooms, notebook_code = measure(args.repo)
    total = {key: sum(r[key] for r in rooms.values()) for key in ("modules", "lines", "code")}
    print(f"{'room':<10} {'modules':>7} {'lines':>7} {'code lines':>10}")
    for name, counts in sorted(rooms.items()):
        print(f"{name:<10} {counts['modules']:>7} {counts['lines']:>7} {counts['code']:>10}")
    print(f"{'lrlab':<10} {total['modules']:>7} {total['lines']:>7} {total['code']:>10}")
    print(f"notebooks: {notebook_code} code lines; package lines per notebook code line: "
          f"{total['lines'] / notebook_code:.1f} (code lines only: "
          f"{total['code'] / notebook_code:.1f})")


if __name__ == "__main__":
    main()
