"""The benchmark's own pieces (make bench is not run by the tests): the synthetic data it builds is valid and as
large as it says, the limits it raises are needed only where it says so, and it reads the build's stage lines."""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from generator.build import build
from generator.load import load_project

from .conftest import ROOT, TINY_SERVICES


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "bench" / "bench.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_multiplied_services_are_valid_with_new_ids_and_numbers(bench: ModuleType, tmp_path: Path) -> None:
    text = (ROOT / "services.yaml").read_text(encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "services.yaml").write_text(bench.multiply_services(text, 3), encoding="utf-8")
    shutil.copy(ROOT / "site_config.yml", project / "site_config.yml")
    config, handbook = load_project(project)  # every check passes, cross-references included
    _, real = load_project(ROOT)
    assert len(handbook.services) == 3 * len(real.services)
    assert [s.number for s in handbook.services] == list(range(1, 3 * len(real.services) + 1))
    assert len({s.id for s in handbook.services}) == len(handbook.services)
    copy = handbook.service(len(real.services) + 1)
    assert copy.id == f"{real.services[0].id}-x1" and copy.name == real.services[0].name
    assert sum(len(c.services) for c in handbook.chapters) == len(handbook.services)


def test_limits_are_raised_only_for_a_file_the_defaults_refuse(bench: ModuleType) -> None:
    text = (ROOT / "services.yaml").read_text(encoding="utf-8")
    config = (ROOT / "site_config.yml").read_text(encoding="utf-8")
    raised, over = bench.raise_limits(config, text)
    assert not over and "services_values:" in raised
    raised, over = bench.raise_limits(config, bench.multiply_services(text, 10))
    assert over
    assert raised != config


@pytest.mark.slow
def test_the_bench_knows_the_stages_a_build_reports(bench: ModuleType, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copy(ROOT / "site_config.yml", project / "site_config.yml")
    (project / "services.yaml").write_text(TINY_SERVICES, encoding="utf-8")
    reported: list[str] = []
    build(project, project / "site", lambda stage, seconds: reported.append(stage))
    assert tuple(reported) == bench.STAGE_ORDER  # every stage, in order
    output = "".join(f"{name:<24} {i + 0.25:6.2f} s\n" for i, name in enumerate(reported))
    output += f"{'total':<24} {99:6.2f} s -> /tmp/site\n3 unchanged booklets were reused from the previous build\n"
    assert bench.parse_stages(output) == [(name, i + 0.25) for i, name in enumerate(reported)]
    assert bench.REUSED.search(output)[1] == "3"
