"""The JSON Schemas as editors meet them: services.yaml and site_config.yml name their schema on line 1 (so an editor
with YAML support completes keys, shows help and underlines errors while typing), a standard validator accepts the
shipped files, and every property of both schemas is described in Chinese and in English."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from ..conftest import ROOT

FILES = {"services.yaml": "generator/schema/services.schema.json", "site_config.yml": "generator/schema/site_config.schema.json"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def properties(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """A schema → (path, schema) of every property declared anywhere in it."""
    if isinstance(node, dict):
        for name, child in (node.get("properties") or {}).items():
            yield f"{path}/{name}", child
        for key, child in node.items():
            if key in ("properties", "$defs"):
                yield from (p for name, grand in child.items() for p in properties(grand, f"{path}/{name}"))
            elif isinstance(child, (dict, list)):
                yield from properties(child, f"{path}/{key}")
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from properties(child, f"{path}/{i}")


@pytest.mark.parametrize("data_file", FILES)
def test_line_1_names_the_schema_by_its_path_in_the_repository(data_file: str) -> None:
    first = (ROOT / data_file).read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema={FILES[data_file]}"
    assert (ROOT / FILES[data_file]).is_file()


@pytest.mark.parametrize("data_file", FILES)
def test_a_standard_validator_accepts_the_shipped_file(data_file: str) -> None:
    schema = json.loads((ROOT / FILES[data_file]).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    data = YAML(typ="safe").load((ROOT / data_file).read_text(encoding="utf-8"))
    assert [e.message for e in Draft202012Validator(schema).iter_errors(data)] == []


@pytest.mark.parametrize("schema_file", FILES.values())
def test_every_property_is_described_in_chinese_and_english(schema_file: str) -> None:
    schema = json.loads((ROOT / schema_file).read_text(encoding="utf-8"))
    found = list(properties(schema))
    assert len(found) > (90 if "services" in schema_file else 15)
    undescribed = [path for path, node in found if not re.fullmatch(r"[^\n]+\n[^\n]+", node.get("description", ""))]
    assert undescribed == []
    for path, node in found:
        zh, en = node["description"].split("\n")
        assert HAN.search(zh) and re.search(r"\b[A-Za-z]{2,} [A-Za-z]{2,}", en), path  # Chinese, then English


def test_examples_are_valid_values() -> None:
    """An example an editor copies passes the schema of its own property."""
    schema = json.loads((ROOT / FILES["services.yaml"]).read_text(encoding="utf-8"))
    for path, node in properties(schema):
        for example in node.get("examples", []):
            validator = Draft202012Validator({**node, "$defs": schema["$defs"]})
            assert [e.message for e in validator.iter_errors(example)] == [], (path, example)
