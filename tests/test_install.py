"""lrlab installed as a plain (non-editable) package works outside the repository.

Builds a wheel of this folder, installs it into an empty target folder and, from
another folder, reads the libraries' stored rates through
``lrlab.conventions.load_reference()`` (package data) and runs one schedule.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# Not in make test-lower: a wheel build tests pip and setuptools, not the course's versions.
pytestmark = pytest.mark.newest_only

REPO = Path(__file__).resolve().parent.parent


def test_wheel_ships_the_reference_data_and_works_from_another_folder(tmp_path):
    source = tmp_path / "source"  # a copy, so that the build leaves nothing in the repository
    shutil.copytree(REPO / "lrlab", source / "lrlab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(wheels), str(source)],
        check=True, capture_output=True, text=True)
    (wheel,) = wheels.glob("lrlab-*.whl")
    assert "lrlab/reference/schedules.json" in zipfile.ZipFile(wheel).namelist()

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True, text=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import lrlab, lrlab.conventions as C; "
            "print(lrlab.__file__); "
            "case = C.reference_case(C.load_reference(), 'cosine', 'torch'); "
            "print(len(case['rates']), case['rates'][0])")
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, check=True,
                         capture_output=True, text=True).stdout.split("\n")
    assert out[0].startswith(str(target))  # the installed copy, not the repository's
    count, first = out[1].split()
    assert int(count) > 10 and float(first) == 0.1
