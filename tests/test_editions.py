"""`make editions`: the student edition holds no solution, the teacher's opens them all.

Every notebook is checked without running it (the cell filters and the answer key);
two short notebooks are built for real: executed without their solutions, exported to
HTML and printed to PDF with the system's Chromium.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import nbformat
import pytest

# Not in make test-lower: Chromium through Playwright prints the PDF handouts.
pytestmark = pytest.mark.newest_only

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
BUILT = ["00", "01"]   # built for real (each takes seconds); the rest are checked statically


def _load_editions():
    spec = importlib.util.spec_from_file_location("editions", REPO / "tools" / "editions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


editions = _load_editions()


def tags(cell):
    return set(cell.metadata.get("tags", []))


def nb_id(path):
    return path.name.split("-")[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_id)
def test_student_edition_drops_solutions_and_scaffolding_only(path):
    nb = nbformat.read(path, as_version=4)
    s = editions.student(nb)
    dropped = [c for c in nb.cells if tags(c) & {"solution", "scaffolding"}]
    assert len(s.cells) == len(nb.cells) - len(dropped)
    assert not any(tags(c) & {"solution", "scaffolding"} for c in s.cells)
    assert 'class="lrlab-solution"' not in nbformat.writes(s)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_id)
def test_teacher_edition_opens_every_solution(path):
    nb = nbformat.read(path, as_version=4)
    text = nbformat.writes(editions.teacher(nb))
    solutions = sum("solution" in tags(c) for c in nb.cells)
    assert text.count('<details class=\\"lrlab-solution\\" open>') == solutions
    assert '<details class=\\"lrlab-solution\\">' not in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_id)
def test_answer_key_lists_every_exercise_with_answer_and_reason(path):
    nb = nbformat.read(path, as_version=4)
    key = editions.answer_key(nb, path.stem)
    questions = [c.source.splitlines()[0].lstrip("# ").strip() for c in nb.cells
                 if c.cell_type == "markdown" and "exercise" in tags(c)]
    headings = re.findall(r"^## (.+)$", key, re.M)
    assert headings == questions
    assert key.count("**Answer.**") == len(questions)
    assert key.count("**Why, in one line.**") == len(questions)


def test_answer_key_quotes_the_solution_and_the_why_sentence():
    nb = nbformat.read(REPO / "notebooks" / "00-start-here.ipynb", as_version=4)
    key = editions.answer_key(nb, "00")
    assert "## Exercise 1: which rate is fastest?" in key
    assert "**lr = 0.5.**" in key      # the solution's first words, from its stored output
    assert "exactly the distance from 5 to the bottom" in key     # its checker's why=


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        pytest.skip("Chromium is needed to print the PDF handouts (make chromium)")
    out = tmp_path_factory.mktemp("build")
    editions.build(editions.select(BUILT), out, pdf=True, log=lambda *a: None)
    return out


@pytest.mark.parametrize("prefix", BUILT)
def test_built_editions(built, prefix):
    name = next(p.stem for p in NOTEBOOKS if p.name.startswith(prefix))
    student_nb = nbformat.read(built / "student" / f"{name}.ipynb", as_version=4)
    assert not any("solution" in tags(c) for c in student_nb.cells)
    # executed: every code cell ran, in order, and none raised
    counts = [c.execution_count for c in student_nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
    html = (built / "student" / f"{name}.html").read_text(encoding="utf-8")
    assert '<details class="lrlab-solution"' not in html
    assert "Traceback" not in html
    # maths typeset offline: MathJax from the edition's own folder, never a CDN (print_pdfs
    # raises if MathJax did not finish, so a PDF below means the maths was typeset)
    assert 'src="mathjax/MathJax.js?config=' in html
    assert not re.search(r'https?://[^"]*MathJax', html)
    assert (built / "student" / "mathjax" / "MathJax.js").is_file()
    pdf = (built / "student" / f"{name}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and _pages(pdf) >= 1
    teacher_html = (built / "teacher" / f"{name}.html").read_text(encoding="utf-8")
    assert re.search(r'<details class="lrlab-solution" open(="")?>', teacher_html)
    assert '<details class="lrlab-solution">' not in teacher_html
    assert (built / "teacher" / f"{name}-answer-key.md").read_text(encoding="utf-8").count(
        "**Answer.**") >= 1
