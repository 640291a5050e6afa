"""Bad workbooks given to `handbook import`: each refused with its sheet and cell and exit 1, services.yaml untouched."""
from __future__ import annotations

import datetime
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from generator.data import sheetread

from ..conftest import ROOT
from ..sheets import cell, column, copy_project, export_xlsx, row_of

NOTHING = "1 problem found; nothing was written."


def civil(book: Any, key: str, value: Any) -> None:
    """The civil-affairs row of the departments sheet, one cell set."""
    cell(book["departments"], "civil-affairs", key).value = value


def duplicate(book: Any) -> None:
    ws = book["departments"]
    ws.append([c.value for c in ws[row_of(ws, "civil-affairs")]])


def rename_key(book: Any) -> None:
    ws = book["departments"]
    ws.cell(1, column(ws, "contact.phone")).value = "contact.fone"


CASES: dict[str, tuple[Callable[[Any], None], str]] = {
    "unknown sheet": (lambda b: b.create_sheet("Sheet1"),
                      "Sheet1!A1: unknown sheet 'Sheet1'; expected one of services, provisions, departments, channels, "
                      "history, 说明 guide"),
    "unknown key": (rename_key, "departments!N1: unknown key 'contact.fone' (did you mean 'contact.phone'?)"),
    "missing id": (lambda b: civil(b, "id", None), "departments!A6: id: missing id; every row needs the id of its item"),
    "unknown id": (lambda b: civil(b, "id", "civil-affair"), "departments!A6: id: unknown department id 'civil-affair'"),
    "duplicated row": (duplicate, "departments!A20: id: duplicate row for 'civil-affairs'; already on row 6"),
    "formula": (lambda b: civil(b, "contact.phone", '="0812-"&"8612345"'),
                "departments!N6: contact.phone: expected text, got a formula (=\"0812-\"&\"8612345\"); type the value "
                "itself (a formula's result is never read)"),
    "number": (lambda b: civil(b, "contact.phone", 8612345),
               "departments!N6: contact.phone: expected text, got the number 8612345; format the cell as Text and type it "
               "again"),
    "date": (lambda b: civil(b, "contact.verified", datetime.datetime(2026, 12, 1)),
             "departments!T6: contact.verified: expected text, got a date (2026-12-01); format the cell as Text and type "
             "the date as YYYY-MM-DD"),
    "merged cells": (lambda b: b["departments"].merge_cells("B6:C6"),
                     "departments!B6:C6: merged cells; unmerge them so each value has its own cell"),
    "text over the cell limit": (lambda b: civil(b, "contact.address::zh", "长" * 5001),
                                 "departments!L6: contact.address::zh: text of 5,001 characters; the limit is 5,000 "
                                 "(set under limits: in site_config.yml)"),
    "a line over the field's limit": (lambda b: civil(b, "aliases", "县民政局\n" + "x" * 201),
                                      "departments!F6: aliases: a line of 201 characters; at most 200 are allowed here"),
    "a read-only number changed": (lambda b: setattr(cell(b["services"], "rural-school-meals", "number"), "value", 7),
                                   "services!B3: number: read-only: expected 2, got 7; this column identifies the row"),
    "a part that does not exist": (lambda b: setattr(cell(b["provisions"], "rural-school-meals", "part", part=1), "value", 2),
                                   "provisions!B3: part: unknown part 2 of 'rural-school-meals'; it has 1"),
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project's workbook, exported once."""
    folder = tmp_path_factory.mktemp("bad")
    return export_xlsx(copy_project(folder / "project"), folder / "handbook.xlsx")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def refused(run_cli, project: Path, workbook: Path) -> str:
    """`handbook import` of a bad workbook → its stderr; it must exit 1, print nothing else and leave services.yaml."""
    code, out, err = run_cli("--root", str(project), "import", str(workbook))
    assert (code, out) == (1, "")
    assert (project / "services.yaml").read_bytes() == (ROOT / "services.yaml").read_bytes()
    return err


@pytest.mark.parametrize("case", CASES)
def test_a_bad_cell_is_refused_at_its_cell(case: str, exported: Path, project: Path, tmp_path: Path, run_cli) -> None:
    change, message = CASES[case]
    book = openpyxl.load_workbook(exported)
    change(book)
    book.save(tmp_path / "bad.xlsx")
    assert refused(run_cli, project, tmp_path / "bad.xlsx") == f"{message}\n{NOTHING}\n"


def test_a_file_that_is_not_a_workbook(project: Path, tmp_path: Path, run_cli) -> None:
    (tmp_path / "list.xlsx").write_text("id,name\ncivil-affairs,民政局\n", encoding="utf-8")
    assert refused(run_cli, project, tmp_path / "list.xlsx") == \
        (f"list.xlsx: is not an .xlsx workbook (File is not a zip file); save it from Excel, WPS or LibreOffice as .xlsx\n"
         f"{NOTHING}\n")


def test_a_corrupt_workbook(exported: Path, project: Path, tmp_path: Path, run_cli) -> None:
    with zipfile.ZipFile(exported) as good, zipfile.ZipFile(tmp_path / "broken.xlsx", "w") as bad:
        for name in good.namelist():
            bad.writestr(name, b'<worksheet><sheetData><row r="1"><c' if name.endswith("sheet1.xml") else good.read(name))
    assert refused(run_cli, project, tmp_path / "broken.xlsx") == \
        (f"broken.xlsx: is not an .xlsx workbook (unclosed token: line 1, column 33); save it from Excel, WPS or "
         f"LibreOffice as .xlsx\n{NOTHING}\n")


def set_limit(project: Path, key: str, value: str) -> None:
    """The project's site_config.yml with one workbook limit changed."""
    config = project / "site_config.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(f"  {key}: ", f"  {key}: {value}  # was ", 1), encoding="utf-8")


@pytest.fixture
def unloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limits are checked before the workbook is loaded: loading it fails the test."""
    def load(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook was loaded")
    monkeypatch.setattr(sheetread, "load_workbook", load)


def test_a_workbook_over_the_size_limit(exported: Path, project: Path, run_cli, unloaded) -> None:
    set_limit(project, "workbook_megabytes", "0.01")
    size = exported.stat().st_size
    assert refused(run_cli, project, exported) == \
        f"handbook.xlsx: file is {size:,} bytes; the limit is 10,486 bytes (set under limits: in site_config.yml)\n{NOTHING}\n"


def test_a_workbook_that_unpacks_too_large(project: Path, tmp_path: Path, run_cli, unloaded) -> None:
    with zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", compression=zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", b" " * 20_000_000)  # 20 KB packed
    assert refused(run_cli, project, tmp_path / "bomb.xlsx") == \
        (f"bomb.xlsx: unpacks to 20,000,000 bytes; the limit is 10,485,760 bytes (set under limits: in site_config.yml)\n"
         f"{NOTHING}\n")


@pytest.mark.parametrize("far", [False, True])
def test_a_sheet_over_the_row_limit(far: bool, exported: Path, project: Path, tmp_path: Path, run_cli, unloaded) -> None:
    """Too many rows, or one cell far below the data (a sheet that would be read as a million rows)."""
    set_limit(project, "workbook_rows", "100")
    book = openpyxl.load_workbook(exported)
    if far:
        book["history"]["A1048576"] = "x"
    else:
        for _ in range(20):
            book["services"].append(["more"])
    book.save(tmp_path / "long.xlsx")
    sheet = "history" if far else "services"
    assert refused(run_cli, project, tmp_path / "long.xlsx") == \
        f"long.xlsx: sheet '{sheet}' goes past row 100, the limit (set under limits: in site_config.yml)\n{NOTHING}\n"
