"""How long each notebook takes a student, counted from its text rather than guessed.

The estimate for one notebook is the sum of:

- its prose: the words of its markdown cells (markup, LaTeX and link targets
  left out) at 200 words a minute, a common figure for careful reading of
  technical text;
- 0.5 minute per code cell: reading the code and what it prints or draws;
- 2 minutes per exercise (a heading "Exercise ..."): predict, run the
  check, read the feedback;
- 3 minutes per explorer (a cell tagged ``nbval-ignore-output``): dragging
  its sliders through the cases the text names.

These allowances are stated assumptions, not measurements of students; the
word, cell, exercise and explorer counts are exact. Run from the repository
root::

    python tools/reading_time.py [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 200
CODE_CELL_MIN = 0.5
EXERCISE_MIN = 2.0
EXPLORER_MIN = 3.0


def prose_words(markdown):
    """Words a reader reads in a markdown cell: no HTML tags, link targets, LaTeX or markup."""
    text = re.sub(r"<[^>]+>", " ", markdown)                    # HTML tags
    text = re.sub(r"\]\([^)]*\)", "] ", text)                   # link targets
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " x ", text, flags=re.S)  # a formula reads as a word
    return len(re.findall(r"[A-Za-z0-9][\w'.,/-]*", text))


def count(path):
    nb = json.loads(Path(path).read_text())
    words = code = exercises = explorers = 0
    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            words += prose_words(src)
            exercises += len(re.findall(r"^#+ *Exercise", src, flags=re.M))
        elif cell["cell_type"] == "code":
            code += 1
            explorers += "nbval-ignore-output" in cell.get("metadata", {}).get("tags", [])
    minutes = (words / WORDS_PER_MINUTE + code * CODE_CELL_MIN + exercises * EXERCISE_MIN
               + explorers * EXPLORER_MIN)
    return {"notebook": Path(path).stem, "words": words, "code_cells": code,
            "exercises": exercises, "explorers": explorers,
            "reading_min": words / WORDS_PER_MINUTE, "total_min": minutes}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((REPO / "notebooks").glob("*.ipynb"))
    print("| notebook | words | prose min | code cells | exercises | explorers | total min |")
    print("|---|---|---|---|---|---|---|")
    total = 0.0
    for path in paths:
        r = count(path)
        total += r["total_min"]
        print(f"| {r['notebook']} | {r['words']} | {r['reading_min']:.0f} | {r['code_cells']} | "
              f"{r['exercises']} | {r['explorers']} | {r['total_min']:.0f} |")
    print(f"| all | | | | | | {total:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
