"""The workbook of `handbook export --format xlsx` and `handbook import`: its sheets and columns, derived from the JSON
Schema of services.yaml, and how a cell's text stands for a value. Export and import both read this one mapping, so
they agree on every key, and a field added to the schema gets its columns without changes here.

Row 1 of a sheet holds the keys, XLSForm style: a field's dotted path inside its item, and for text in several
languages the language after `::` (`name::zh`, `apply.documents::en`, `contact.phone`). A list is one item per line in
its cell."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from .schema_checks import load_schema

LANG_SEP = "::"
ID = "id"  # the key column of every sheet: the item's id, or on a sheet of sub-items the service's
PART = "part"  # provisions: which of the service's provisions (1, 2, …), as the appendix numbers them
TEXT_ONLY = ("eligibility",)  # rule sets of criteria (README, Eligibility) are edited in services.yaml, not in a cell
READ_ONLY = (ID, "number")  # they identify a row: changing one would move data to another item


@dataclass(frozen=True)
class Column:
    """One column: its key in row 1 and where its value lives in an item."""

    key: str  # the key in row 1, e.g. 'apply.documents::zh'
    path: tuple[str, ...]  # the keys inside the item, e.g. ('apply', 'documents', 'zh')
    kind: str  # 'text' (one string), 'lines' (a list, one item per line), 'number', 'text-or-lines' ('all' or a list)
    description: str  # what it holds, from the schema: Chinese, then English
    read_only: bool = False  # identifies the row; import refuses a change
    choices: tuple[str, ...] = ()  # the allowed values (an enumeration of the schema), offered as a drop-down
    refers_to: str = ""  # the top-level list whose ids it names ('chapters', 'services'), offered as a drop-down
    max_length: int | None = None  # the schema's limit on the text (or on each line of a list)
    expected: str = ""  # the schema's own words for the value, e.g. 'a date written YYYY-MM-DD'
    pattern: str = ""  # the schema's pattern for a single value ('all' for a channel's scope)


@dataclass(frozen=True)
class Sheet:
    """One sheet: the items it holds a row for, and its columns."""

    name: str  # the sheet's name
    items: str  # the top-level list of services.yaml its rows belong to, e.g. 'services'
    sub: str = ""  # a list inside each item whose entries are the rows ('provisions', 'history'); '' for the items
    columns: tuple[Column, ...] = field(default_factory=tuple)
    orders: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)  # path → its keys in the schema's order

    def column(self, key: str) -> Column:
        """A key in row 1 → its column (KeyError when the sheet has none)."""
        return next(c for c in self.columns if c.key == key)


# The sheets, in the workbook's order: (name, top-level list, list inside each item). Sub-item sheets name the
# service by `id`; provisions also by `part`, history by `date` (a new row there adds an entry).
SHEETS = (("services", "services", ""), ("provisions", "services", "provisions"), ("departments", "departments", ""),
          ("channels", "channels", ""), ("history", "services", "history"))
SUB_SHEETS = {sub for _, _, sub in SHEETS if sub}
REFERENCES = {("services", "chapter"): "chapters"}  # (sheet, key) → the list whose ids the column names
GUIDE = "说明 guide"  # the sheet that explains every column; import reads nothing from it


def exported_name(sheet: str) -> str:
    """A data sheet's name → the name of its hidden copy as exported: import counts a cell as changed only where it
    differs from that copy, so a workbook exported before someone else's edit does not undo it."""
    return f"{sheet}.exported"


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A schema node → the node with its $ref and allOf merged in (its own keywords win, e.g. its description)."""
    merged: dict[str, Any] = {}
    if "$ref" in node:
        merged.update(resolve(schema, schema["$defs"][node["$ref"].rsplit("/", 1)[1]]))
    for part in node.get("allOf", ()):
        merged.update(resolve(schema, part))
    merged.update({k: v for k, v in node.items() if k not in ("$ref", "allOf")})
    return merged


def kind_of(schema: dict[str, Any], node: dict[str, Any]) -> str:  # noqa: PLR0911  (one answer per shape)
    """A resolved schema node → how a cell holds it: 'text', 'lines', 'number', 'text-or-lines', 'per-language-text',
    'per-language-lines', 'object', or '' (no cell can: a list of mappings, a flag)."""
    types = node.get("type")
    if node.get("x-text"):
        return "per-language-text"
    if "x-words" in node:
        return "per-language-lines"
    if isinstance(types, list):
        return "text-or-lines" if set(types) == {"string", "array"} else ""
    if types == "object":
        return "object" if "properties" in node else ""
    if types == "array":
        return "" if item_schema(schema, node).get("type") == "object" else "lines"
    if types in ("integer", "number"):
        return "number"
    return "text" if types == "string" or all(isinstance(v, str) for v in node.get("enum", [0])) else ""


def item_schema(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """An array's schema node → its items' resolved node."""
    return resolve(schema, resolve(schema, node).get("items", {}))


def leaf_columns(schema: dict[str, Any], node: dict[str, Any], path: tuple[str, ...], codes: tuple[str, ...]) -> Iterator[Column]:
    """A property's schema node at `path` → its columns (several per language for text, one per field of a mapping)."""
    node = resolve(schema, node)
    kind = kind_of(schema, node)
    key = ".".join(path)
    about = node.get("description", "")
    if kind == "object":
        for name, child in node["properties"].items():
            yield from leaf_columns(schema, child, (*path, name), codes)
    elif kind.startswith("per-language-"):
        inner = "text" if kind.endswith("text") else "lines"
        limit = item_schema(schema, node.get("additionalProperties", {})).get("maxLength") if inner == "lines" else None
        for code in codes:
            yield Column(f"{key}{LANG_SEP}{code}", (*path, code), inner, about, max_length=limit)
    elif kind:
        single = item_schema(schema, node) if kind in ("lines", "text-or-lines") else node
        yield Column(key, path, kind, about, choices=tuple(str(v) for v in single.get("enum", ())),
                     max_length=single.get("maxLength"), expected=node.get("x-expected") or single.get("x-expected", ""),
                     pattern=node.get("pattern", ""))


def item_columns(schema: dict[str, Any], node: dict[str, Any], sheet: str, codes: tuple[str, ...]) -> list[Column]:
    """An item's schema (a service, a provision, …) → the columns of its sheet, in the schema's order."""
    columns: list[Column] = []
    for name, child in resolve(schema, node)["properties"].items():
        if name in TEXT_ONLY or name in SUB_SHEETS:
            continue
        columns += [replace(column, read_only=column.key in READ_ONLY, refers_to=REFERENCES.get((sheet, column.key), ""))
                    for column in leaf_columns(schema, child, (name,), codes)]
    return columns


def key_orders(schema: dict[str, Any], node: dict[str, Any], path: tuple[str, ...],
               codes: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """An item's schema → (path, its keys in the schema's order) for the item and every mapping inside it; text and
    lists per language are in the languages' order. Import inserts a new key at its place in this order."""
    node = resolve(schema, node)
    kind = kind_of(schema, node)
    if kind.startswith("per-language-"):
        yield path, codes
    elif kind == "object":
        yield path, tuple(node["properties"])
        for name, child in node["properties"].items():
            yield from key_orders(schema, child, (*path, name), codes)


def sub_key_columns(sheet: str) -> list[Column]:
    """A sheet of sub-items → the columns that say which service (and which provision) a row belongs to."""
    service = Column(ID, (), "text", "服务的id（services表的id）。\nThe service's id (its id on the services sheet).",
                     read_only=sheet == "provisions", refers_to="services")
    if sheet != "provisions":
        return [service]
    return [service, Column(PART, (), "number", "第几项服务内容（1、2……）。\nWhich of the service's provisions (1, 2, …).",
                            read_only=True)]


def workbook_sheets(codes: tuple[str, ...]) -> tuple[Sheet, ...]:
    """Language codes → every data sheet of the workbook, with its columns derived from services.schema.json."""
    schema = load_schema("services.schema.json")
    sheets = []
    for name, items, sub in SHEETS:
        node = item_schema(schema, schema["properties"][items])
        if sub:
            node = item_schema(schema, node["properties"][sub])
        columns = (sub_key_columns(name) if sub else []) + item_columns(schema, node, name, codes)
        sheets.append(Sheet(name, items, sub, tuple(columns), dict(key_orders(schema, node, (), codes))))
    return tuple(sheets)


# --- values ↔ cells -----------------------------------------------------------------------------------------------

def value_at(item: Any, path: tuple[str, ...]) -> Any:
    """An item's data and a path of keys → the value there, or None where any key is missing."""
    for key in path:
        if not isinstance(item, dict) or key not in item:
            return None
        item = item[key]
    return item


def to_cell(column: Column, value: Any) -> str | int | float | None:
    """A value of services.yaml → what its cell shows: text, a number, lines joined by line breaks, or None (empty)."""
    if value is None:
        return None
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if column.kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def from_cell(column: Column, text: str | int | float | None) -> Any:
    """A cell's value (already checked to be text, or a number in a number column) → the value for services.yaml,
    or None for an empty cell. A list drops blank lines and the spaces around each item."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if not isinstance(text, str):
        return int(text) if isinstance(text, float) and text.is_integer() else text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if column.kind == "text":
        return text
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if column.kind == "text-or-lines" and len(lines) == 1 and re.fullmatch(column.pattern, lines[0]):
        return lines[0]
    return lines


def sheet_rows(sheet: Sheet, data: dict[str, Any]) -> Iterator[list[Any]]:
    """A sheet and the data of services.yaml → one row of cell values per item (or sub-item), in file order."""
    for item in data.get(sheet.items) or []:
        if not sheet.sub:
            yield [to_cell(c, value_at(item, c.path)) for c in sheet.columns]
            continue
        for part, entry in enumerate(item.get(sheet.sub) or [], 1):
            keys = {ID: item.get(ID), PART: part}
            yield [keys[c.key] if not c.path else to_cell(c, value_at(entry, c.path)) for c in sheet.columns]


def split_description(text: str) -> tuple[str, str]:
    """A schema description (Chinese, a line break, English) → (Chinese, English); one line is taken as both."""
    zh, _, en = text.partition("\n")
    return zh.strip(), (en or zh).strip()


def workbook_rows(sheets: tuple[Sheet, ...], data: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The sheets and the data of services.yaml → each sheet's rows of cell values."""
    return {sheet.name: list(sheet_rows(sheet, data)) for sheet in sheets}


def id_lists(data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The data of services.yaml → the ids of each top-level list (what drop-downs that name an item offer)."""
    return {key: tuple(str(item[ID]) for item in value if isinstance(item, dict) and ID in item)
            for key, value in data.items() if isinstance(value, list)}
