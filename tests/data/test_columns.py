"""The workbook's columns come from services.schema.json: a field added to the schema (as other work adds `basis`
texts or a department's reorganisation note) gets its columns without code changes; values and cells convert both
ways."""
from __future__ import annotations

import copy
from typing import Any

import pytest

from generator.data import columns
from generator.data.columns import from_cell, to_cell, workbook_sheets
from generator.data.schema_checks import load_schema


def test_a_field_added_to_the_schema_gets_its_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = copy.deepcopy(load_schema("services.schema.json"))
    schema["$defs"]["service"]["properties"]["basis"] = {"description": "依据。\nThe words it rests on.",
                                                         "$ref": "#/$defs/text"}
    schema["$defs"]["department"]["properties"]["reorganised"] = {
        "type": "object", "properties": {"date": {"$ref": "#/$defs/date"}, "note": {"$ref": "#/$defs/text"},
                                         "successors": {"type": "array", "items": {"$ref": "#/$defs/slug"}}}}

    def patched(name: str) -> dict[str, Any]:
        return schema if name == "services.schema.json" else load_schema(name)
    monkeypatch.setattr(columns, "load_schema", patched)
    sheets = {s.name: s for s in workbook_sheets(("zh", "en"))}
    keys = [c.key for c in sheets["services"].columns]
    assert keys[-2:] == ["basis::zh", "basis::en"]
    assert [c.key for c in sheets["departments"].columns][-4:] == ["reorganised.date", "reorganised.note::zh",
                                                                   "reorganised.note::en", "reorganised.successors"]
    assert sheets["departments"].column("reorganised.successors").kind == "lines"
    assert sheets["departments"].orders[("reorganised",)] == ("date", "note", "successors")


def test_cells_and_values_convert_both_ways() -> None:
    sheets = {s.name: s for s in workbook_sheets(("zh", "en"))}
    documents = sheets["services"].column("apply.documents::zh")
    assert to_cell(documents, ["户口簿", "身份证"]) == "户口簿\n身份证"
    assert from_cell(documents, " 户口簿 \r\n\r\n身份证\n") == ["户口簿", "身份证"]  # blank lines and spaces around items go
    scope = sheets["channels"].column("scope")
    assert from_cell(scope, "all") == "all" and from_cell(scope, "education") == ["education"]
    assert from_cell(sheets["provisions"].column("part"), 2.0) == 2
    assert from_cell(sheets["services"].column("name::zh"), "  ") is None  # an empty cell: the field is left out
