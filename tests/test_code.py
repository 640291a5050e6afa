"""The code stays readable and typed: ruff (the rules in pyproject.toml) and mypy --strict on the generator."""
from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", "--no-cache", "generator", "bench", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_finds_nothing_in_the_generator() -> None:
    result = run("mypy", "--no-incremental", "generator")
    assert result.returncode == 0, result.stdout + result.stderr
