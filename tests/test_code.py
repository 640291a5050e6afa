"""The code stays readable and typed: ruff (the rules in pyproject.toml) and mypy --strict on the generator."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, SEED


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", "--no-cache", "generator", "bench", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_finds_nothing_in_the_generator_and_the_bench() -> None:
    result = run("mypy", "--no-incremental", "generator", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_nothing_reads_outside_the_repository() -> None:
    """The plan text lives in source/; no code, test, bench or Makefile reaches for ../shared (a fresh clone lacks it)."""
    files = [p for d in ("generator", "tests", "bench") for p in (ROOT / d).rglob("*.py")]
    files += [ROOT / "Makefile", ROOT / "pyproject.toml"]
    outside = re.compile(r"\.\./shared|parent\s*/\s*[\"']shared[\"']|/work/shared")
    found = [f"{p.relative_to(ROOT)}:{n}" for p in files for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if outside.search(line) and p.name != "test_code.py"]
    assert found == []
    assert SEED.is_relative_to(ROOT / "source") and SEED.is_file()


def test_pyproject_declares_the_license_and_package_data_as_setuptools_expects() -> None:
    """A table license and an undeclared data folder made `pip install` print deprecation warnings."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"  # an SPDX expression, not {text = ...}
    setuptools = project["tool"]["setuptools"]
    folders = {p.parent.relative_to(ROOT).as_posix().replace("/", ".") for p in (ROOT / "generator").rglob("*") if p.is_file()
               and "__pycache__" not in p.parts}
    assert folders == set(setuptools["packages"])  # every folder that ships files is a declared package
    assert setuptools["package-data"] == {"generator.schema": ["*.json"]}


@pytest.mark.slow
def test_building_the_package_prints_no_warning(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "Warning" in line or "deprecated" in line.lower()]
    assert warnings == []
    with zipfile.ZipFile(next(tmp_path.glob("*.whl"))) as wheel:
        assert {"generator/schema/services.schema.json", "generator/schema/site_config.schema.json"} <= set(wheel.namelist())


def test_files_named_in_the_code_exist() -> None:
    """A docstring or comment that sends the reader to a test or module names one that is there."""
    path = re.compile(r"\b((?:tests|generator|templates)/[a-z0-9_/.-]+\.(?:py|js|typ|html|j2))\b")
    named = {(p.relative_to(ROOT).as_posix(), m) for p in (ROOT / "generator").rglob("*.py")
             for m in path.findall(p.read_text(encoding="utf-8"))}
    assert named and [(p, m) for p, m in sorted(named) if not (ROOT / m).is_file()] == []
