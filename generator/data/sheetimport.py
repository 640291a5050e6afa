"""`handbook import`: a workbook's rows → services.yaml changed in place (only the values that differ), checked in full
and compared with the current data before anything is written.

A row changes its item's fields where its cells differ from the file; a sheet, column or row left out changes nothing.
Rows are never added, except in `history`, where a row with a new date adds an entry; a changed standard or
recipients text needs such a row for its service. Problems of the whole check are reported at the cells they come
from, where there is one."""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .columns import ID, LANG_SEP, PART, Column, Sheet, from_cell, to_cell, value_at, workbook_sheets
from .diff import KindDiff, diff_handbooks
from .errors import CellProblem, DataError, Problem, WorkbookError
from .load import SERVICES_FILE, load_project, load_services
from .model import SiteConfig
from .schema_checks import describe
from .sheetread import Row, Sheets, read_workbook
from .yamledit import dump_document, give_trailing, load_document, styled, take_trailing

NEEDS_HISTORY = ("recipients", "standard")  # a provision's fields whose change needs a history entry (README)
AFTER_IMPORT = 99  # sorts problems no cell can be named for after those that can


@dataclass(frozen=True)
class Imported:
    """What an import would do: services.yaml before and after, and the differences of the data."""

    old_text: str  # services.yaml as it is
    new_text: str  # services.yaml with the workbook's changes
    diffs: tuple[KindDiff, ...]  # what changed, item by item (handbook diff)


def plan_import(root: Path, workbook: Path) -> Imported:
    """A project and a workbook → the import it would make, checked in full; WorkbookError (or DataError when the
    project itself is invalid) otherwise. Nothing is written."""
    config, old = load_project(root)
    sheets = workbook_sheets(config.codes)
    read = read_workbook(workbook, sheets, config)
    old_text = (root / SERVICES_FILE).read_text(encoding="utf-8")
    document = load_document(old_text)
    problems = merge_rows(document, sheets, read, config.codes)
    if problems:
        raise WorkbookError(problems)
    new_text = dump_document(document)
    if new_text == old_text:
        return Imported(old_text, new_text, diff_handbooks(old, old))
    new = check_imported(new_text, config, document, sheets, read.rows)
    return Imported(old_text, new_text, diff_handbooks(old, new))


# --- rows → the document ------------------------------------------------------------------------------------------

def merge_rows(document: Any, sheets: tuple[Sheet, ...], read: Sheets, codes: tuple[str, ...]) -> list[CellProblem]:
    """The rows of every sheet → changes made to the document in place; the problems of rows that cannot apply."""
    problems: list[CellProblem] = []
    changed: list[tuple[Row, str]] = []  # provisions rows and the key of their first changed standard or recipients
    added: set[str] = set()  # services that gained a history entry
    orders = {s.items: s.orders.get((), ()) for s in sheets if not s.sub}  # the keys of a service, … in schema order
    for index, sheet in enumerate(sheets, 1):
        items = {str(item.get(ID)): item for item in document.get(sheet.items) or [] if isinstance(item, dict)}
        for row in read.rows.get(sheet.name, []):
            item = items.get(str(row.values[ID]))
            if item is None:
                problems.append(cell_problem(index, row, ID, f"unknown {sheet.items[:-1]} id '{row.values[ID]}'"))
                continue
            comment = take_trailing(item)  # the next item's heading, kept where it is whatever changes at this one's end
            exported = read.exported.get(sheet.name, {}).get(row.key) if read.exported else None
            if sheet.sub == "history":
                is_new, more = merge_history(index, item, row, sheet, codes, exported, orders[sheet.items])
                added |= {row.values[ID]} if is_new else set()
            else:
                more = merge_entry(index, item, row, sheet, codes, exported, changed)
            problems += more
            give_trailing(item, comment)
    problems += [cell_problem(sheets_index(sheets, "provisions"), row, key,
                              f"a changed {key.split(LANG_SEP)[0]} needs its history: add a row for '{row.values[ID]}' "
                              f"to the history sheet (date, summary and source in every language)")
                 for row, key in changed if row.values[ID] not in added]
    return problems


def sheets_index(sheets: tuple[Sheet, ...], name: str) -> int:
    """A sheet's name → its place among the data sheets (1-based), for sorting problems."""
    return next(i for i, s in enumerate(sheets, 1) if s.name == name)


def cell_problem(index: int, row: Row, key: str, message: str) -> CellProblem:
    """A problem at a row's cell under `key`."""
    return CellProblem((index, row.number, column_number(row.cells[key])), row.where(key), key, message)


def column_number(ref: str) -> int:
    """'F12' → 6."""
    letters = re.match(r"[A-Z]+", ref)
    number = 0
    for ch in letters.group() if letters else "":
        number = number * 26 + ord(ch) - 64
    return number


def merge_entry(index: int, item: Any, row: Row, sheet: Sheet, codes: tuple[str, ...], exported: Row | None,
                changed: list[tuple[Row, str]]) -> list[CellProblem]:
    """A row of services, departments, channels or provisions → its item's fields set where the row changes them."""
    entry = item
    if sheet.sub:
        part = row.values.get(PART)
        entries = item.get(sheet.sub) or []
        if not isinstance(part, int) or not 1 <= part <= len(entries):
            return [cell_problem(index, row, PART, f"unknown part {part} of '{row.values[ID]}'; it has {len(entries)}")]
        entry = entries[part - 1]
    edits, problems = row_edits(index, entry, row, sheet, exported)
    for column, value in edits:
        set_at(entry, column.path, value, sheet.orders, codes)
        if sheet.sub == "provisions" and column.path[0] in NEEDS_HISTORY and not any(r is row for r, _ in changed):
            changed.append((row, column.key))
    return problems


def row_edits(index: int, entry: Any, row: Row, sheet: Sheet,
              exported: Row | None) -> tuple[list[tuple[Column, Any]], list[CellProblem]]:
    """A row and the entry it stands for → (column, new value) for each cell the workbook changes, and the problems:
    a read-only cell changed, or a cell changed in the workbook whose value services.yaml has changed since the export
    (the row as exported tells which: a cell equal to it was not edited, whatever services.yaml says now)."""
    edits: list[tuple[Column, Any]] = []
    problems: list[CellProblem] = []
    for column in sheet.columns:
        if column.key not in row.values or not column.path:
            continue
        new, old = row.values[column.key], from_cell(column, to_cell(column, value_at(entry, column.path)))
        was = exported.values.get(column.key, old) if exported is not None else old
        if new in (was, old):
            continue
        if old != was:
            problems.append(cell_problem(index, row, column.key, f"changed in services.yaml since this workbook was "
                                                                 f"exported (now {shown(old)}); export a new workbook and "
                                                                 f"make the change there"))
        elif column.read_only:
            problems.append(cell_problem(index, row, column.key, f"read-only: expected {old}, got {new}; this column "
                                                                 f"identifies the row"))
        else:
            edits.append((column, new))
    return edits, problems


def shown(value: Any) -> str:
    """A value of services.yaml → as a message shows it."""
    return "nothing" if value is None else describe("\n".join(value) if isinstance(value, list) else value)


def merge_history(index: int, item: Any, row: Row, sheet: Sheet, codes: tuple[str, ...], exported: Row | None,
                  item_order: tuple[str, ...]) -> tuple[bool, list[CellProblem]]:
    """A history row → the service's entry of that date updated, or a new entry added newest first; (whether it is
    new, the problems)."""
    history = item.get("history")
    entry = next((h for h in history or [] if isinstance(h, dict) and h.get("date") == row.values.get("date")), None)
    new = entry is None
    if entry is None:
        entry = CommentedMap()
    edits, problems = row_edits(index, entry, row, sheet, exported if not new else None)
    for column, value in edits:
        set_at(entry, column.path, value, sheet.orders, codes)
    if new:
        if not isinstance(history, list):
            history = CommentedSeq()
            insert_key(item, "history", history, item_order)
        at = next((i for i, h in enumerate(history) if str(h.get("date", "")) < str(row.values.get("date") or "")), len(history))
        history.insert(at, entry)
    return new, problems


def set_at(item: Any, path: tuple[str, ...], value: Any, orders: dict[tuple[str, ...], tuple[str, ...]],
           codes: tuple[str, ...]) -> None:
    """An item, a path of keys and a new value → the value set there (mappings made on the way, each key at its place in
    the schema's order); None removes the key, and a mapping left empty goes with it."""
    parents = [item]
    for depth, key in enumerate(path[:-1]):
        node = parents[-1]
        if not isinstance(node.get(key), dict):
            if value is None:
                return
            insert_key(node, key, CommentedMap(), orders.get(path[:depth], codes))
        parents.append(node[key])
    leaf, key = parents[-1], path[-1]
    if value is None:
        leaf.pop(key, None)
        for depth in range(len(path) - 2, -1, -1):  # a mapping left empty goes (a contact with nothing in it)
            if not parents[depth + 1]:
                parents[depth].pop(path[depth])
    elif isinstance(leaf.get(key), CommentedSeq):
        seq = leaf[key]
        items = styled(value, seq)
        del seq[:]
        seq.extend(items)
    elif key in leaf:
        leaf[key] = styled(value, leaf[key])
    else:
        insert_key(leaf, key, styled(value), orders.get(path[:-1], codes))


def insert_key(mapping: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    """A new key → inserted after the last key that comes before it in `order` (at the end when it is not listed)."""
    rank = {k: i for i, k in enumerate(order)}
    if key not in rank:
        mapping[key] = value
        return
    before = [i for i, k in enumerate(mapping) if rank.get(k, len(order)) < rank[key]]
    mapping.insert(before[-1] + 1 if before else 0, key, value)


# --- the full check, reported at the cells --------------------------------------------------------------------

def check_imported(new_text: str, config: SiteConfig, document: Any, sheets: tuple[Sheet, ...],
                   rows: dict[str, list[Row]]) -> Any:
    """services.yaml as the import would write it → its Handbook, or WorkbookError with every problem of the full check
    at the cell it comes from (or at its line in the new text)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / SERVICES_FILE
        path.write_text(new_text, encoding="utf-8")
        try:
            return load_services(path, SERVICES_FILE, config)
        except DataError as exc:
            raise WorkbookError([placed(p, document, sheets, rows, config.codes) for p in exc.problems]) from None


FIELD = re.compile(r"(?P<items>[a-z_]+)\[(?P<i>\d+)\](?:\.(?P<sub>[a-z_]+)\[(?P<j>\d+)\])?\.?(?P<rest>.*)")


def placed(problem: Problem, document: Any, sheets: tuple[Sheet, ...], rows: dict[str, list[Row]],
           codes: tuple[str, ...]) -> CellProblem:
    """A problem of the check → at the workbook cell whose value it is about, or at its line in the imported text."""
    match = FIELD.fullmatch(problem.field)
    for index, sheet in enumerate(sheets, 1):
        if not match or match["items"] != sheet.items or (match["sub"] or "") != sheet.sub:
            continue
        item = document[sheet.items][int(match["i"])]
        entry = item[sheet.sub][int(match["j"])] if sheet.sub else item
        row = next((r for r in rows.get(sheet.name, []) if row_names(r, item, entry, sheet)), None)
        key = column_key(match["rest"], sheet, codes)
        if row is not None:
            return cell_problem(index, row, key if key in row.cells else ID, problem.message if key in row.cells
                                else f"{match['rest']}: {problem.message}")
    where = f"{problem.position.file}:{problem.position.line}:{problem.position.col} (as imported)"
    return CellProblem((AFTER_IMPORT, problem.position.line, problem.position.col), where, problem.field, problem.message)


def row_names(row: Row, item: Any, entry: Any, sheet: Sheet) -> bool:
    """Whether a row stands for this item (and sub-item)."""
    if str(row.values.get(ID)) != str(item.get(ID)):
        return False
    if sheet.sub == "provisions":
        return entry is item[sheet.sub][row.values[PART] - 1]
    return not sheet.sub or row.values.get("date") == entry.get("date")


def column_key(rest: str, sheet: Sheet, codes: tuple[str, ...]) -> str:
    """The field path after an item ('contact.phone', 'name.en', 'apply.documents.en[1]') → its column's key."""
    parts = re.sub(r"\[\d+\]", "", rest).split(".")
    if parts and parts[-1] in codes:
        return ".".join(parts[:-1]) + LANG_SEP + parts[-1]
    key = ".".join(parts)
    keys = {c.key for c in sheet.columns}
    return key if key in keys else next((f"{key}{LANG_SEP}{code}" for code in codes if f"{key}{LANG_SEP}{code}" in keys), key)


