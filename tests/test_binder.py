"""The Binder configuration: what repo2docker would build, and that it runs the course.

No Docker engine is needed: `jupyter-repo2docker --no-build --debug` prints the
Dockerfile it would build, and a fresh virtualenv stands in for the image.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Not in make test-lower: repo2docker and a fresh virtualenv of the newest versions.
pytestmark = pytest.mark.newest_only

REPO = Path(__file__).resolve().parent.parent
BINDER = REPO / "binder"
FIXTURE = REPO / "tests" / "e2e" / "fixtures" / "explorer.ipynb"
IGNORE = shutil.ignore_patterns(
    ".git", ".venv", ".venv-lower", "test-artifacts", "*.egg-info", "__pycache__", ".pytest_cache",
    ".hypothesis", ".ruff_cache", ".ipynb_checkpoints", "build", "dist",
)  # fmt: skip


def repo2docker() -> str:
    exe = Path(sys.executable).parent / "jupyter-repo2docker"
    if exe.exists():
        return str(exe)
    found = shutil.which("jupyter-repo2docker")
    if not found:
        pytest.fail(
            "jupyter-repo2docker is missing: `make test` installs it "
            "(or: pip install -r requirements-test.txt)",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    """The working tree as a clean clone would have it (no .venv, no build output)."""
    dest = tmp_path_factory.mktemp("binder") / "repo"
    shutil.copytree(REPO, dest, ignore=IGNORE)
    return dest


@pytest.fixture(scope="module")
def dockerfile(repo_copy) -> str:
    proc = subprocess.run(
        [repo2docker(), "--no-build", "--debug", str(repo_copy)],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "FROM " in out, f"no Dockerfile printed:\n{out}"
    return out


def test_binder_files_exist():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.12"
    assert (BINDER / "requirements.txt").exists()
    post_build = BINDER / "postBuild"
    if post_build.exists():
        text = post_build.read_text()
        assert text.startswith("#!/bin/bash") and "set -e" in text
        # Nothing that rebuilds JupyterLab (prebuilt extensions need no build).
        assert "jupyter lab build" not in text and "labextension install" not in text


def test_dockerfile_uses_python_312(dockerfile):
    assert "python=3.12" in dockerfile or "python3.12" in dockerfile, dockerfile[:2000]


def test_dockerfile_installs_binder_requirements_from_the_repo_root(dockerfile):
    lines = dockerfile.splitlines()
    wanted = 'pip install --no-cache-dir -r "binder/requirements.txt"'
    install = [i for i, line in enumerate(lines) if wanted in line]
    assert install, "the Dockerfile does not install binder/requirements.txt"
    before = "\n".join(lines[: install[0]])
    # pip runs in ${REPO_DIR} after the whole repository is copied there, so the
    # `-e .` in ../requirements.txt is this repository: lrlab gets installed.
    workdirs = re.findall(r"^WORKDIR (.+)$", before, flags=re.M)
    assert workdirs and workdirs[-1].strip() == "${REPO_DIR}", workdirs
    assert re.search(r"^COPY .*src/ \$\{REPO_DIR\}/$", before, flags=re.M), "repo not copied first"


def test_binder_requirements_install_lrlab():
    """Follow the -r chain: some line installs this folder (lrlab) in editable mode."""
    lines, seen = [], set()

    def collect(path: Path):
        seen.add(path)
        for raw in path.read_text().splitlines():
            line = raw.split("#", 1)[0].strip()
            if line.startswith("-r"):
                nested = (path.parent / line[2:].strip()).resolve()
                assert nested.exists(), f"{path}: {line} does not exist"
                if nested not in seen:
                    collect(nested)
            elif line:
                lines.append(line)

    collect(BINDER / "requirements.txt")
    assert "-e ." in lines or "." in lines, lines
    names = {re.split(r"[<>=!~ \[]", line, maxsplit=1)[0].lower() for line in lines}
    assert {"jupyterlab", "ipywidgets", "ipympl", "matplotlib", "numpy"} <= names, names
    assert 'name = "lrlab"' in (REPO / "pyproject.toml").read_text()


def test_dockerfile_runs_post_build(dockerfile):
    if (BINDER / "postBuild").exists():
        assert "./binder/postBuild" in dockerfile


def _example_notebook() -> Path:
    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    start = REPO / "notebooks" / "00-start-here.ipynb"
    return start if start.exists() else (notebooks[0] if notebooks else FIXTURE)


RUN_NOTEBOOK = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import lrlab, nbformat
    from nbclient import NotebookClient

    path = Path(sys.argv[1])
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", [])
              if o.output_type == "error" or o.get("name") == "stderr"]
    assert not errors, errors
    print("ran", path.name, "with lrlab from", Path(lrlab.__file__).parent)
    """
)


def test_fresh_env_from_binder_requirements_runs_a_notebook(repo_copy, tmp_path):
    """Install binder/requirements.txt as repo2docker does (cwd = repo root), run a notebook."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["MPLCONFIGDIR"] = str(tmp_path / "mpl")
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
        cwd=repo_copy, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    post_build = repo_copy / "binder" / "postBuild"
    if post_build.exists():
        env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "jupyter-config")
        proc = subprocess.run(
            ["bash", str(post_build)], cwd=repo_copy, env=env, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr

    notebook = _example_notebook().relative_to(REPO)
    run = subprocess.run(
        [str(py), "-c", RUN_NOTEBOOK, str(repo_copy / notebook)],
        cwd=repo_copy, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"with lrlab from {repo_copy / 'lrlab'}" in run.stdout, run.stdout
