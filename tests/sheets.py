"""Helpers for the workbook tests: a project to import into, and cells found as a clerk finds them (by the key in
row 1 and the id in the row, never by position)."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl

from generator.cli import main

from .conftest import ROOT


def copy_project(root: Path, services: str | None = None) -> Path:
    """The real site_config.yml with the real services.yaml (or the given text) in a folder of its own."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "site_config.yml", root / "site_config.yml")
    if services is None:
        shutil.copy(ROOT / "services.yaml", root / "services.yaml")
    else:
        (root / "services.yaml").write_text(services, encoding="utf-8")
    return root


def export_xlsx(root: Path, target: Path) -> Path:
    """`handbook export --format xlsx -o TARGET` for the project, which must succeed."""
    assert main(["--root", str(root), "export", "--format", "xlsx", "-o", str(target)]) == 0
    return target


def column(ws: Any, key: str) -> int:
    """A sheet and a key of row 1 → its column number."""
    return next(c.column for c in ws[1] if c.value == key)


def row_of(ws: Any, item: str, part: int | None = None) -> int:
    """A sheet and an id (and part) → the row that holds it."""
    ids, parts = column(ws, "id"), (column(ws, "part") if part is not None else None)
    return next(r for r in range(2, ws.max_row + 1)
                if ws.cell(r, ids).value == item and (parts is None or ws.cell(r, parts).value == part))


def cell(ws: Any, item: str, key: str, part: int | None = None) -> Any:
    """The cell of an item's field."""
    return ws.cell(row_of(ws, item, part), column(ws, key))


def edit(path: Path, changes: dict[tuple[str, str, str], Any], target: Path | None = None) -> Path:
    """A workbook and {(sheet, id, key): value} → the workbook saved with those cells changed (in place, or to target)."""
    book = openpyxl.load_workbook(path)
    for (sheet, item, key), value in changes.items():
        cell(book[sheet], item, key).value = value
    book.save(target or path)
    return target or path
