"""Build the student and teacher editions of the course into build/.

    python tools/editions.py                 # every notebook, both editions, with PDFs
    python tools/editions.py --only 00 01    # the notebooks whose names start so
    python tools/editions.py --no-pdf        # skip the PDF handouts

build/student/   each notebook without its ``solution`` and ``scaffolding`` cells,
                 executed on a fresh kernel; its HTML (nbconvert, lab template) and a
                 PDF handout printed from that HTML by Chromium (Playwright's page.pdf).
build/teacher/   each notebook with every solution open (``<details open>``), its HTML,
                 and an answer key (NN-answer-key.md): every exercise, its answer and
                 the one-line reason (the checker's ``why=``).

The cells are found by their tags (DESIGN.md, "Writing a notebook"). Chromium is the
system's (/usr/bin/chromium, or $CHROMIUM): nbconvert's webpdf exporter wants a browser
of its own, so the PDF is printed here from the HTML instead.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import shutil
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from normalize_notebooks import NOTEBOOK_DIR, REPO, dumps, execute, normalize  # noqa: E402

STUDENT_DROPS = {"solution", "scaffolding"}
FOLD = '<details class="lrlab-solution">'
OPEN_FOLD = '<details class="lrlab-solution" open>'
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update"]


MATHJAX_DONE = """() => new Promise(done => {
    const hub = window.MathJax && window.MathJax.Hub;
    if (!hub) { done(false); return; }
    hub.Queue(() => done(true));
    setTimeout(() => done(false), 30000);
})"""


# On paper a long code line cannot scroll: wrap it.
PRINT_CSS = "pre, .jp-RenderedText pre, .highlight pre { white-space: pre-wrap !important; " \
            "overflow-wrap: anywhere; }"


def tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


def student(nb):
    """A copy without solution and scaffolding cells (not yet executed)."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not tags(c) & STUDENT_DROPS]
    return nb


def teacher(nb):
    """A copy whose solutions are open in every frontend (``<details open>``)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if "solution" in tags(cell):
            for out in cell.outputs:
                html = out.get("data", {}).get("text/html")
                if html:
                    out["data"]["text/html"] = html.replace(FOLD, OPEN_FOLD, 1)
    return nb


def _why(source: str) -> str:
    """The constant ``why=`` text of the checker call in ``source`` ('' if none)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "why":
                    try:
                        return str(ast.literal_eval(kw.value))
                    except ValueError:
                        return ""
    return ""


def answer_key(nb, title: str) -> str:
    """Markdown: each exercise's question, its answer (the solution's text) and why."""
    lines = [f"# Answer key · {title}", ""]
    question = None
    why = ""
    for cell in nb.cells:
        t = tags(cell)
        if cell.cell_type == "markdown" and "exercise" in t:
            question, why = cell.source.strip(), ""
        elif "checker" in t:
            why = _why(cell.source)
        elif "solution" in t and question is not None:
            heading, _, body = question.partition("\n")
            lines += ["## " + heading.lstrip("# ").rstrip(), "", body.strip(), ""]
            text = "".join(out.get("data", {}).get("text/plain", "") for out in cell.outputs)
            answer = text.split("\n\n", 1)[1] if "\n\n" in text else text
            lines += ["**Answer.**", "", answer.strip(), ""]
            lines += [f"**Why, in one line.** {why[:1].upper() + why[1:]}" if why
                      else "**Why, in one line.** (see the answer)", "", "---", ""]
            question = None
    return "\n".join(lines)


def notebook_title(nb, path: Path) -> str:
    first = nb.cells[0].source.splitlines()[0] if nb.cells else path.stem
    return first.lstrip("# ").strip() or path.stem


def to_html(nb) -> str:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    return body


def print_pdfs(htmls: list[Path]) -> None:
    """Print each HTML file to a PDF beside it with the system's Chromium."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            for html in htmls:
                page.goto(html.resolve().as_uri(), wait_until="load", timeout=120_000)
                # MathJax (from its CDN, when online) typesets after the load event.
                page.evaluate(MATHJAX_DONE)
                page.emulate_media(media="print")
                page.add_style_tag(content=PRINT_CSS)
                page.pdf(path=str(html.with_suffix(".pdf")), format="A4", print_background=True,
                         margin={"top": "12mm", "bottom": "12mm", "left": "10mm",
                                 "right": "10mm"})
        finally:
            browser.close()


def build(paths: list[Path], out: Path, pdf: bool = True, log=print) -> None:
    student_dir, teacher_dir = out / "student", out / "teacher"
    student_dir.mkdir(parents=True, exist_ok=True)
    teacher_dir.mkdir(parents=True, exist_ok=True)
    htmls = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        log(f"student edition of {path.name}: executing without solutions ...")
        s = normalize(execute(student(nb), cwd=path.resolve().parent))
        (student_dir / path.name).write_text(dumps(s), encoding="utf-8")
        html = student_dir / f"{path.stem}.html"
        html.write_text(to_html(s), encoding="utf-8")
        htmls.append(html)
        t = teacher(nb)
        (teacher_dir / path.name).write_text(dumps(t), encoding="utf-8")
        (teacher_dir / f"{path.stem}.html").write_text(to_html(t), encoding="utf-8")
        key = answer_key(nb, notebook_title(nb, path))
        (teacher_dir / f"{path.stem}-answer-key.md").write_text(key, encoding="utf-8")
    if pdf:
        log(f"printing {len(htmls)} PDF handout(s) with Chromium ...")
        print_pdfs(htmls)
    log(f"editions in {out}/student and {out}/teacher")


def select(only: list[str]) -> list[Path]:
    paths = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    if only:
        paths = [p for p in paths if any(p.name.startswith(o) for o in only)]
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=[], help="notebook name prefixes")
    parser.add_argument("--out", type=Path, default=REPO / "build", help="default: build/")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF handouts")
    args = parser.parse_args(argv)
    paths = select(args.only)
    if not paths:
        print(f"no notebooks match {args.only} in {NOTEBOOK_DIR}", file=sys.stderr)
        return 1
    build(paths, args.out, pdf=not args.no_pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())

