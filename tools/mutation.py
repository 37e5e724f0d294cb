"""Mutation testing of lrlab's math modules and exercise checkers: a report, like the benchmarks.

For each module, mutmut (https://pypi.org/project/mutmut/) makes many small
changes to its code, one at a time (a ``<`` for a ``<=``, a number off by one,
an argument dropped), and runs that module's own fast tests against each. A
change no test notices *survived*: a bug a student could meet and the suite
would let through.

Each module runs on its own, in a scratch copy of the repository (mutmut
writes its ``mutants/`` folder there), with only the tests listed for it in
``MODULES``, so one module takes minutes, not hours. At the end it prints,
per module: the mutants killed, the survivors that ``tests/mutation-equivalent.md``
lists as equivalent (they change no result; each with its reason), and every
other survivor with its diff.

    python tools/mutation.py                  # every module in MODULES
    python tools/mutation.py theory _tf32     # some of them
    MUTATION_JOBS=4 python tools/mutation.py  # mutants tested in parallel (default 2)
    MUTATION_KEEP=1 python tools/mutation.py  # keep the scratch copies (to rerun mutmut there)
    python tools/mutation.py --rescore REPORT  # a saved report, scored with today's equivalents

Score: killed / (all mutants - equivalent), where timeouts count as killed
(the mutant made a test hang) and "no tests" as survived.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT_FILE = ROOT / "tests" / "mutation-equivalent.md"
TARGET = 90.0

# module -> the fast tests that guard it (globs; a glob matching nothing is skipped)
MODULES = {
    # (test_schedules_properties.py is left out: its hypothesis runs cover every factory, so
    # every surviving mutant would pay for hundreds of examples; the module takes an hour with it)
    "schedules": ["tests/test_schedules.py", "tests/test_blog_post_tf1.py",
                  "tests/test_argument_checks.py", "tests/test_schedules_mutants.py"],
    "descent": ["tests/test_descent.py", "tests/test_descent_properties.py",
                "tests/test_descent_vs_torch.py", "tests/test_blog_post_tf1.py",
                "tests/test_argument_checks.py", "tests/test_descent_mutants.py",
                "tests/test_momentum_vs_torch.py", "tests/test_momentum.py",
                "tests/test_adam.py"],
    "theory": ["tests/test_theory.py", "tests/test_theory2d.py", "tests/test_nb02_helpers.py",
               "tests/test_nb03_helpers.py", "tests/test_argument_checks.py",
               "tests/test_theory_mutants.py", "tests/test_theory_momentum.py"],
    "_tf32": ["tests/test_blog_post_tf1.py", "tests/test_tf32.py"],
    "noise": ["tests/test_noise.py", "tests/test_argument_checks.py",
              "tests/test_noise_mutants.py"],
    # the checkers' table-driven tests, written with them (the exercises issue)
    "course": ["tests/test_course.py"],
}

KILLED = {1, 3, 36, -24, 24, 152, 255, -11, -9}   # mutmut's exit codes for killed / timeout


def _tracked_files():
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    keep = ("lrlab/", "tests/", "data/")
    return [f for f in out if f.startswith(keep) or f == "pyproject.toml"]


def _unescaped_split(row):
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", row)[1:-1]]


def load_equivalents(path=EQUIVALENT_FILE):
    """Rows ``| module | function | mutated line | reason |`` of the equivalents file."""
    rows = []
    if not path.exists():
        return rows
    for line in path.read_text().splitlines():
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = _unescaped_split(line)
        if len(cells) != 4 or cells[0] == "module":
            continue
        module, function, mutated, reason = (c.strip("`") if i < 3 else c
                                             for i, c in enumerate(cells))
        rows.append({"module": module, "function": function, "mutated": mutated,
                      "reason": reason})
    return rows


def _function_of(key, module):
    """``lrlab.theory.x_total_lr__mutmut_3`` -> ``total_lr``; methods as ``Class.method``."""
    name = key[len(f"lrlab.{module}."):].rsplit("__mutmut_", 1)[0]
    if name.startswith("xǁ"):
        return ".".join(p for p in name[2:].split("ǁ") if p)
    return name[2:] if name.startswith("x_") else name


def _mutated_lines(diff):
    return [line[1:].strip() for line in diff.splitlines()
            if line.startswith("+") and not line.startswith("+++")]


def run_module(module, jobs):
    tests = sorted({f for pattern in MODULES[module] for f in glob.glob(str(ROOT / pattern))})
    tests = [str(Path(t).relative_to(ROOT)) for t in tests]
    if not tests:
        print(f"==> {module}: no tests found for {MODULES[module]}; skipped")
        return "no tests"
    work = Path(tempfile.mkdtemp(prefix=f"lrlab-mutation-{module.strip('_')}-"))
    try:
        for f in _tracked_files():
            if (ROOT / f).is_file():
                (work / f).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / f, work / f)
        with open(work / "pyproject.toml", "a") as fh:
            fh.write("\n[tool.mutmut]\n"
                     'source_paths = ["lrlab"]\n'
                     f'only_mutate = ["lrlab/{module}.py"]\n'
                     'also_copy = ["data"]\n'
                     f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
                     'pytest_add_cli_args = ["-q", "-p", "no:cacheprovider"]\n')
        mutmut = Path(sys.executable).parent / "mutmut"
        print(f"==> {module}: mutating lrlab/{module}.py, tests {' '.join(tests)}", flush=True)
        start = time.monotonic()
        with open(work / "mutmut.log", "w") as log:
            proc = subprocess.run([str(mutmut), "run", "--max-children", str(jobs)], cwd=work,
                                  stdout=log, stderr=subprocess.STDOUT)
        seconds = time.monotonic() - start
        meta = work / "mutants" / "lrlab" / f"{module}.py.meta"
        if proc.returncode != 0 or not meta.exists():
            tail = (work / "mutmut.log").read_text()[-3000:]
            print(f"error: mutmut failed on {module} (status {proc.returncode}):\n{tail}")
            return None
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        survivors = sorted(k for k, v in codes.items() if v not in KILLED)
        diffs = {}
        if survivors:
            script = ("import json, sys\n"
                      "from mutmut.mutation.diff_apply import get_diff_for_mutant\n"
                      "print(json.dumps({k: get_diff_for_mutant(k) for k in sys.argv[1:]}))\n")
            out = subprocess.run([sys.executable, "-c", script, *survivors], cwd=work,
                                 capture_output=True, text=True, check=True).stdout
            diffs = json.loads(out.strip().splitlines()[-1])
        return {"codes": codes, "survivors": survivors, "diffs": diffs, "seconds": seconds}
    finally:
        if os.environ.get("MUTATION_KEEP"):
            print(f"    (scratch copy kept: {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(module, result, equivalents):
    codes, survivors = result["codes"], result["survivors"]
    mine = [e for e in equivalents if e["module"] == module]
    used, equivalent, alive = set(), [], []
    for key in survivors:
        function, lines = _function_of(key, module), _mutated_lines(result["diffs"].get(key, ""))
        match = next((i for i, e in enumerate(mine)
                      if e["function"] == function and e["mutated"] in lines), None)
        if match is None:
            alive.append(key)
        else:
            used.add(match)
            equivalent.append((key, mine[match]["reason"]))
    counted = len(codes) - len(equivalent)
    killed = counted - len(alive)
    score = 100.0 * killed / counted if counted else 100.0
    print(f"\n=== {module}: {killed}/{counted} killed = {score:.1f} % "
          f"({len(codes)} mutants, {len(equivalent)} equivalent excluded, "
          f"{len(alive)} survived; {result['seconds']:.0f} s)")
    for key in alive:
        status = "no tests" if codes[key] in (5, 33) else "survived"
        print(f"--- {key} ({status})\n{result['diffs'].get(key, '')}")
    for i, e in enumerate(mine):
        if i not in used:
            print(f"(equivalent entry matched no survivor: {e['function']}: {e['mutated']})")
    return score, killed, counted, len(equivalent), result["seconds"]


def rescore(log_path):
    """Score a saved report again with the current equivalents list (no mutant is rerun)."""
    text = Path(log_path).read_text()
    equivalents = load_equivalents()
    head = re.compile(r"^=== (\S+): (\d+)/(\d+) killed = [\d.]+ % \((\d+) mutants, "
                      r"(\d+) equivalent excluded, (\d+) survived; (\d+) s\)$", re.M)
    for match in head.finditer(text):
        module, killed, counted, total, _, _, seconds = match.groups()
        body = text[match.end():].split("\n=== ", 1)[0]
        blocks = re.split(r"\n(?=--- lrlab\.)", body)
        alive = 0
        for block in blocks:
            first = block.strip().split("\n", 1)[0]
            if not first.startswith("--- lrlab."):
                continue
            key = first[4:].split(" ", 1)[0]
            function, lines = _function_of(key, module), _mutated_lines(block)
            if not any(e["module"] == module and e["function"] == function and
                       e["mutated"] in lines for e in equivalents):
                alive += 1
        counted = int(killed) + alive
        score = 100.0 * int(killed) / counted if counted else 100.0
        print(f"{module:10s} {killed:>5s}/{counted:<5d} {score:5.1f} %  "
              f"({int(total) - counted} equivalent, {alive} survived; run took {seconds} s)")


def main(argv):
    if argv[:1] == ["--rescore"]:
        rescore(argv[1])
        return 0
    modules = argv or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        sys.exit(f"error: unknown module {unknown}; choose from {list(MODULES)}")
    jobs = int(os.environ.get("MUTATION_JOBS", "2"))
    summary = {}
    for module in modules:
        result = run_module(module, jobs)
        if isinstance(result, dict):
            # read when the module is done, so that a long run sees the latest list
            summary[module] = report(module, result, load_equivalents())
        elif result == "no tests":
            summary[module] = None
    print("\n=== summary (target >= 90 % killed, equivalent mutants excluded)")
    for module, line in summary.items():
        if line is None:
            print(f"{module:10s} not measured: no tests yet")
            continue
        score, killed, counted, eq, seconds = line
        flag = "" if score >= TARGET else "   below target"
        print(f"{module:10s} {killed:5d}/{counted:<5d} {score:5.1f} %  "
              f"({eq} equivalent, {seconds:.0f} s){flag}")
    missing = [m for m in modules if m not in summary]
    if missing:
        print(f"not measured: {', '.join(missing)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
