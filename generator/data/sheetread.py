"""A workbook given to `handbook import` → its rows, read by the keys in row 1 (never by column position), or every
problem at its cell: unknown sheets and keys, merged cells, formulas, numbers or dates where text belongs, text over
the limits, rows without an id or given twice. The file's size and its sheets' rows are checked before it is loaded,
so a huge or hostile file is refused without reading it whole."""
from __future__ import annotations

import difflib
import posixpath
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .columns import GUIDE, ID, PART, Column, Sheet, exported_name, from_cell
from .errors import CellProblem, WorkbookError
from .model import SiteConfig
from .yamlnodes import LIMIT_HINT

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@dataclass(frozen=True)
class Row:
    """One row of a data sheet, as values for services.yaml."""

    sheet: str  # the sheet's name
    number: int  # the row's number in the sheet (row 1 holds the keys)
    values: dict[str, Any]  # column key → value (None for an empty cell); only the columns the sheet has
    cells: dict[str, str]  # column key → the cell's reference, e.g. 'F12'

    def where(self, key: str) -> str:
        """A column key → 'sheet!F12'."""
        return f"{self.sheet}!{self.cells[key]}"

    @property
    def key(self) -> tuple[Any, ...]:
        """What identifies the row: its id, and for provisions the part, for history the date."""
        return (self.values.get(ID), self.values.get(PART), self.values.get("date") if self.sheet == "history" else None)


class Problems:
    """Problems gathered while reading, each placed by sheet, row and column."""

    def __init__(self, sheets: list[str], file: str) -> None:
        self.sheets = sheets  # the workbook's sheet names, in order
        self.file = file
        self.found: list[CellProblem] = []

    def at(self, sheet: str, row: int, col: int, key: str, message: str, where: str = "") -> None:
        """A problem at a cell (or, with `where`, at a range)."""
        place = where or f"{sheet}!{get_column_letter(col)}{row}"
        self.found.append(CellProblem((self.sheets.index(sheet) + 1, row, col), place, key, message))

    def whole(self, message: str) -> WorkbookError:
        """A problem with the whole file → the error to raise."""
        return WorkbookError([CellProblem((0, 0, 0), self.file, "", message)])


@dataclass(frozen=True)
class Sheets:
    """What import reads of a workbook."""

    rows: dict[str, list[Row]]  # data sheet name → its rows
    exported: dict[str, dict[tuple[Any, ...], Row]]  # data sheet name → its rows as exported, by what identifies each;
    # empty for a workbook without the hidden copies (then every cell is compared with services.yaml)


def read_workbook(path: Path, sheets: tuple[Sheet, ...], config: SiteConfig) -> Sheets:
    """An .xlsx file → each known data sheet's rows (and its rows as exported), or WorkbookError listing every problem
    at its cell."""
    check_package(path, config)
    try:
        with warnings.catch_warnings():  # e.g. "Data Validation extension is not supported": import reads values only
            warnings.simplefilter("ignore", UserWarning)
            book = load_workbook(path, data_only=False, rich_text=False)
    except Exception as exc:  # noqa: BLE001  (openpyxl raises many kinds on a damaged file; all mean the same to an editor)
        raise Problems([], path.name).whole(f"cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc})") from None
    problems = Problems(book.sheetnames, path.name)
    known = {s.name: s for s in sheets}
    copies = {exported_name(s.name): s for s in sheets}
    read = Sheets({}, {})
    for ws in book.worksheets:
        if ws.title in known:
            read.rows[ws.title] = read_sheet(ws, known[ws.title], problems, config)
        elif ws.title in copies:
            sheet = copies[ws.title]
            read.exported[sheet.name] = {r.key: r for r in read_sheet(ws, replace(sheet, name=ws.title), problems, config)}
        elif ws.title != GUIDE:
            expected = ", ".join([*known, GUIDE])
            problems.at(ws.title, 1, 1, "", f"unknown sheet '{ws.title}'; expected one of {expected}")
    if problems.found:
        raise WorkbookError(problems.found)
    return read


# --- before loading: the package's size and each sheet's rows ----------------------------------------------------

def check_package(path: Path, config: SiteConfig) -> None:
    """An .xlsx file → nothing, or WorkbookError when it is too large, not a zip, unpacks too large or has a sheet with
    too many rows: all seen without loading the workbook."""
    problems = Problems([], path.name)
    size = path.stat().st_size
    if size > config.workbook_bytes:
        raise problems.whole(f"file is {size:,} bytes; the limit is {config.workbook_bytes:,} bytes{LIMIT_HINT}")
    try:
        with zipfile.ZipFile(path) as package:
            unpacked = sum(info.file_size for info in package.infolist())
            if unpacked > config.workbook_bytes:  # an .xlsx is zipped XML: the unpacked size is what loading it costs
                raise problems.whole(f"unpacks to {unpacked:,} bytes; the limit is {config.workbook_bytes:,} bytes{LIMIT_HINT}")
            for name, member in sheet_parts(package):
                if last_row(package, member, config.workbook_rows) > config.workbook_rows:
                    raise problems.whole(f"sheet '{name}' goes past row {config.workbook_rows:,}, the limit{LIMIT_HINT}")
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError) as exc:
        raise problems.whole(f"is not an .xlsx workbook ({exc}); save it from Excel, WPS or LibreOffice as .xlsx") from None


def sheet_parts(package: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """An .xlsx package → (sheet name, the part that holds its cells) for each worksheet."""
    book = ElementTree.fromstring(package.read("xl/workbook.xml"))
    links = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in links.iter(f"{RELS}Relationship")}
    for sheet in book.iter(f"{MAIN}sheet"):
        target = targets.get(sheet.get(f"{DOC_RELS}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if part in package.namelist():
            yield sheet.get("name", ""), part


def last_row(package: zipfile.ZipFile, part: str, limit: int) -> int:
    """A worksheet part → the number of its last row, read as a stream that stops once past `limit`."""
    last = 0
    with package.open(part) as stream:
        for _, element in ElementTree.iterparse(stream):
            if element.tag == f"{MAIN}row":
                last = max(last + 1, int(element.get("r") or last + 1))
                if last > limit:
                    return last
            element.clear()  # keep memory flat, whatever the sheet holds
    return last


# --- reading a sheet ----------------------------------------------------------------------------------------------

def read_sheet(ws: Any, sheet: Sheet, problems: Problems, config: SiteConfig) -> list[Row]:
    """A worksheet → its rows, after checking merged cells, the keys in row 1 and every cell."""
    for merged in ws.merged_cells.ranges:
        problems.at(sheet.name, merged.min_row, merged.min_col, "", "merged cells; unmerge them so each value has its "
                    "own cell", where=f"{sheet.name}!{merged.coord}")
    keys = read_keys(ws, sheet, problems)
    if ID not in keys.values():
        problems.at(sheet.name, 1, 1, "", f"no '{ID}' column; every row needs the id of its item")
        return []
    rows = []
    seen: dict[tuple[Any, ...], int] = {}
    for cells in ws.iter_rows(min_row=2, max_row=ws.max_row):
        row = read_row(cells, keys, sheet, problems, config)
        if row is None:
            continue
        if row.values.get(ID) is None:
            problems.at(sheet.name, row.number, id_column(keys), ID, "missing id; every row needs the id of its item")
        elif row.key in seen:
            problems.at(sheet.name, row.number, id_column(keys), ID,
                        f"duplicate row for {describe_key(row)}; already on row {seen[row.key]}")
        else:
            seen[row.key] = row.number
            rows.append(row)
    return rows


def id_column(keys: dict[int, str]) -> int:
    """The keys by column number → the id column's number."""
    return next(col for col, key in keys.items() if key == ID)


def describe_key(row: Row) -> str:
    """A row → what identifies it, for a message: 'x', 'x' part 2, 'x' dated 2021-03-01."""
    identity, part, day = row.key
    return f"'{identity}'" + (f" part {part}" if part is not None else "") + (f" dated {day}" if day else "")


def read_keys(ws: Any, sheet: Sheet, problems: Problems) -> dict[int, str]:
    """Row 1 → {column number: key} for the known keys; unknown, repeated and missing keys are problems."""
    known = [c.key for c in sheet.columns]
    keys: dict[int, str] = {}
    for cell in ws[1]:
        key = cell.value
        if key is None or (isinstance(key, str) and not key.strip()):
            continue
        key = str(key).strip()
        if key not in known:
            guess = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else f"; the guide sheet '{GUIDE}' lists the keys"
            problems.at(sheet.name, 1, cell.column, "", f"unknown key '{key}'{hint}")
        elif key in keys.values():
            problems.at(sheet.name, 1, cell.column, "", f"key '{key}' is in two columns; keep one")
        else:
            keys[cell.column] = key
    return keys


def read_row(cells: tuple[Any, ...], keys: dict[int, str], sheet: Sheet, problems: Problems, config: SiteConfig) -> Row | None:
    """A row's cells → a Row (None when the row is empty); each cell's problems are added."""
    values: dict[str, Any] = {}
    refs: dict[str, str] = {}
    filled = False
    for cell in cells:
        if cell.value is None:
            continue
        filled = True
        key = keys.get(cell.column)
        if key is None:
            problems.at(sheet.name, cell.row, cell.column, "", "a value in a column without a key in row 1")
            continue
        values[key] = read_cell(cell, sheet.column(key), sheet.name, problems, config)
    if not filled:
        return None
    number = cells[0].row
    for col, key in keys.items():
        values.setdefault(key, None)
        refs[key] = f"{get_column_letter(col)}{number}"
    return Row(sheet.name, number, values, refs)


def read_cell(cell: Any, column: Column, sheet: str, problems: Problems, config: SiteConfig) -> Any:
    """A cell → its value for services.yaml, or None after adding its problem."""
    if (message := cell_problem(cell, column, config)) is not None:
        problems.at(sheet, cell.row, cell.column, column.key, message)
        return None
    return from_cell(column, cell.value)


def cell_problem(cell: Any, column: Column, config: SiteConfig) -> str | None:  # noqa: PLR0911  (one message per kind of cell)
    """A cell and its column → what is wrong with it, or None."""
    value = cell.value
    if cell.data_type == "f":
        return f"expected text, got a formula ({formula_text(value)}); type the value itself (a formula's result is never read)"
    if cell.data_type == "e":
        return f"expected text, got the error {value}"
    if column.kind == "number":
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        return None if whole and not isinstance(value, bool) else f"expected a whole number, got {shown(value)}"
    if isinstance(value, (datetime, date, time)):
        return (f"expected text, got a date ({value.isoformat()[:10]}); format the cell as Text and type the date as "
                f"YYYY-MM-DD")
    if isinstance(value, bool) or not isinstance(value, str):
        return f"expected text, got {shown(value)}; format the cell as Text and type it again"
    return length_problem(value, column, config)


def formula_text(value: Any) -> str:
    """A formula cell's value → its formula as written, shortened."""
    text = str(getattr(value, "text", value))
    return text if len(text) <= 40 else text[:37] + "..."


def shown(value: Any) -> str:
    """A cell value that is not text → how a message names it."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    return repr(value)


def length_problem(text: str, column: Column, config: SiteConfig) -> str | None:
    """A cell's text → a message when it is over the cell limit or the schema's limit for the field (per line for a
    list), else None."""
    if len(text) > config.cell_characters:
        return f"text of {len(text):,} characters; the limit is {config.cell_characters:,}{LIMIT_HINT}"
    lines = text.split("\n") if column.kind in ("lines", "text-or-lines") else [text]
    long = next((line for line in lines if column.max_length and len(line.strip()) > column.max_length), None)
    if long is not None:
        what = "a line" if len(lines) > 1 or column.kind != "text" else "text"
        return f"{what} of {len(long.strip()):,} characters; at most {column.max_length} are allowed here"
    return None
