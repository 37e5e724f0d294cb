"""constraints/lower-bounds.txt pins exactly the lower bounds the course declares.

`make test-lower` installs requirements.txt with that constraints file, so it tests the
declared lower bounds only while every pin there equals the ``>=`` bound of the same
package in requirements.txt and in pyproject.toml (its dependencies and its
``notebooks`` extra). A bound raised in one of the three files alone fails here.
Requirement lines are parsed with ``packaging``, pip's own parser.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
CONSTRAINTS = REPO / "constraints" / "lower-bounds.txt"


def requirement_lines(text):
    """Requirements of a pip requirements file: comments, options and ``-e .`` left out."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def lower_bounds(requirements, where):
    """{name: the version of its one ``>=`` bound} for declared requirements."""
    bounds = {}
    for req in requirements:
        lower = [spec.version for spec in req.specifier if spec.operator == ">="]
        assert len(lower) == 1, f"{where}: {req} needs exactly one lower bound (>=)"
        name = canonicalize_name(req.name)
        assert name not in bounds, f"{where}: {req.name} is named twice"
        bounds[name] = Version(lower[0])
    return bounds


def pins(requirements):
    """{name: pinned version} for a constraints file; every line must be ``name==X``."""
    found = {}
    for req in requirements:
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{req} is not a pin (==)"
        found[canonicalize_name(req.name)] = Version(specs[0].version)
    return found


def declared(requirements_txt, pyproject_toml):
    """The lower bounds of requirements.txt and of pyproject.toml, each checked on its own."""
    project = tomllib.loads(pyproject_toml)["project"]
    in_pyproject = [Requirement(r) for r in project["dependencies"]]
    in_pyproject += [Requirement(r) for r in project["optional-dependencies"]["notebooks"]]
    return (lower_bounds(requirement_lines(requirements_txt), "requirements.txt"),
            lower_bounds(in_pyproject, "pyproject.toml"))


def mismatches(requirements_txt, pyproject_toml, constraints_txt):
    """Every disagreement between the declared lower bounds and the constraints' pins."""
    from_requirements, from_pyproject = declared(requirements_txt, pyproject_toml)
    pinned = pins(requirement_lines(constraints_txt))
    problems = []
    for name, bound in from_pyproject.items():
        if name in from_requirements and from_requirements[name] != bound:
            problems.append(f"{name}: >={from_requirements[name]} in requirements.txt, "
                            f">={bound} in pyproject.toml")
    for name, bound in {**from_pyproject, **from_requirements}.items():
        if name not in pinned:
            problems.append(f"{name}: declared >={bound}, not pinned")
        elif pinned[name] != bound:
            problems.append(f"{name}: declared >={bound}, pinned =={pinned[name]}")
    return problems


def read(path):
    return path.read_text(encoding="utf-8")


def test_constraints_pin_every_declared_lower_bound():
    problems = mismatches(read(REPO / "requirements.txt"), read(REPO / "pyproject.toml"),
                          read(CONSTRAINTS))
    assert not problems, "constraints/lower-bounds.txt is out of step:\n" + "\n".join(problems)


def test_every_pin_beyond_the_direct_dependencies_says_why():
    """A transitive pin is a workaround: the comment line just above it gives the reason."""
    from_requirements, from_pyproject = declared(read(REPO / "requirements.txt"),
                                                 read(REPO / "pyproject.toml"))
    direct = from_requirements.keys() | from_pyproject.keys()
    previous = ""
    for line in read(CONSTRAINTS).splitlines():
        if line and not line.startswith("#"):
            name = canonicalize_name(Requirement(line.split("#", 1)[0]).name)
            assert name in direct or previous.startswith("#"), (
                f"{line}: a pin of a package the course does not declare needs a comment "
                "line above it saying why")
        previous = line


def test_the_files_name_the_same_packages():
    from_requirements, from_pyproject = declared(read(REPO / "requirements.txt"),
                                                 read(REPO / "pyproject.toml"))
    # pyproject.toml declares lrlab's own needs; requirements.txt adds the notebook tools
    assert from_pyproject.keys() <= from_requirements.keys()


REQUIREMENTS = "-e .\nnumpy>=2.0  # a comment\nmatplotlib>=3.11.1\njupyterlab>=4.2,<5\n"
PYPROJECT = """
[project]
dependencies = ["numpy>=2.0"]
[project.optional-dependencies]
notebooks = ["matplotlib>=3.11.1"]
"""
CONSTRAINTS_OK = "# header\nnumpy==2.0.0\nmatplotlib==3.11.1\njupyterlab==4.2\n"


@pytest.mark.parametrize("requirements, pyproject, constraints, expected", [
    (REQUIREMENTS, PYPROJECT, CONSTRAINTS_OK, []),
    # raised in requirements.txt only
    (REQUIREMENTS.replace("numpy>=2.0", "numpy>=2.1"), PYPROJECT, CONSTRAINTS_OK,
     ["numpy: >=2.1 in requirements.txt, >=2.0 in pyproject.toml",
      "numpy: declared >=2.1, pinned ==2.0.0"]),
    # raised in pyproject.toml only
    (REQUIREMENTS, PYPROJECT.replace("matplotlib>=3.11.1", "matplotlib>=3.12"), CONSTRAINTS_OK,
     ["matplotlib: >=3.11.1 in requirements.txt, >=3.12 in pyproject.toml"]),
    # raised in the constraints only
    (REQUIREMENTS, PYPROJECT, CONSTRAINTS_OK.replace("jupyterlab==4.2", "jupyterlab==4.3"),
     ["jupyterlab: declared >=4.2, pinned ==4.3"]),
    # a dependency left out of the constraints
    (REQUIREMENTS + "ipykernel>=6.29\n", PYPROJECT, CONSTRAINTS_OK,
     ["ipykernel: declared >=6.29, not pinned"]),
], ids=["in step", "requirements only", "pyproject only", "constraints only", "unpinned"])
def test_mismatches_are_found(requirements, pyproject, constraints, expected):
    assert mismatches(requirements, pyproject, constraints) == expected


def test_a_bound_that_is_not_a_lower_bound_is_refused():
    with pytest.raises(AssertionError, match="exactly one lower bound"):
        mismatches(REQUIREMENTS + "ipympl<1\n", PYPROJECT, CONSTRAINTS_OK)
    with pytest.raises(AssertionError, match="not a pin"):
        mismatches(REQUIREMENTS, PYPROJECT, CONSTRAINTS_OK + "ipympl>=0.9\n")
