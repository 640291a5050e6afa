"""The handbook as a workbook for office staff (`handbook export --format xlsx`): one sheet per kind of row, keys in
row 1, key columns locked, drop-downs for enumerations, empty cells a resident needs highlighted, and a guide sheet
explaining every column. The sheets, columns and cell values come from data.columns, which import reads too."""
from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..data.columns import GUIDE, ID, LANG_SEP, Column, Sheet, exported_name, split_description
from ..data.model import SiteConfig

HEADER_FILL = PatternFill("solid", start_color="DDDDDD")
LOCKED_FILL = PatternFill("solid", start_color="EEEEEE")  # key columns: grey, and locked by the sheet's protection
NEEDED_FILL = PatternFill("solid", start_color="FFF2A8")  # an empty cell a resident needs (see `handbook gaps`)
TOP = Alignment(wrap_text=True, vertical="top")
TEXT_FORMAT = "@"  # Excel's and LibreOffice's "Text": what is typed stays text (0812… keeps its 0, a date stays as typed)
MIN_WIDTH, MAX_WIDTH = 8, 60  # characters; longer text wraps
SPARE_ROWS = 200  # rows below the data whose cells stay unlocked and formatted, for new history entries
LITERAL_LIMIT = 255  # Excel's limit on a drop-down's list written out in the validation itself


def display_width(text: str) -> int:
    """Text → how many narrow columns its longest line takes (a Chinese character takes two)."""
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in text.split("\n")),
               default=0)


def column_width(key: str, values: Sequence[Any]) -> float:
    """A column's key and values → its width in characters, between MIN_WIDTH and MAX_WIDTH."""
    widest = max([display_width(key)] + [display_width(str(v)) for v in values if v is not None])
    return float(min(MAX_WIDTH, max(MIN_WIDTH, widest + 2)))


def is_needed(sheet: str, column: Column, needed: Mapping[str, Sequence[str]]) -> bool:
    """Whether a column holds something a resident needs (highlighted while empty)."""
    return column.key.split(LANG_SEP)[0] in needed.get(sheet, ())


def write_sheet(ws: Worksheet, sheet: Sheet, rows: list[list[Any]], needed: Mapping[str, Sequence[str]]) -> None:
    """A data sheet: keys in row 1, one row per item, styles, protection of the key columns and highlights."""
    ws.append([c.key for c in sheet.columns])
    for row in rows:
        ws.append(row)
    last, spare = len(rows) + 1, spare_rows(sheet)
    for index, column in enumerate(sheet.columns, 1):
        letter = get_column_letter(index)
        dimension = ws.column_dimensions[letter]
        dimension.width = column_width(column.key, [r[index - 1] for r in rows])
        dimension.alignment = TOP
        dimension.protection = Protection(locked=column.read_only)
        if column.kind != "number":
            dimension.number_format = TEXT_FORMAT
        for (cell,) in ws.iter_rows(min_row=2, max_row=last + (0 if column.read_only else spare),
                                    min_col=index, max_col=index):
            style_cell(cell, column)
        if is_needed(sheet.name, column, needed) and rows:
            area = f"{letter}2:{letter}{last}"
            ws.conditional_formatting.add(area, FormulaRule(formula=[f"LEN(TRIM({letter}2))=0"], fill=NEEDED_FILL))
    style_header(ws)


def spare_rows(sheet: Sheet) -> int:
    """A sheet → how many rows below its data are made ready for new rows (only where rows can be added: history)."""
    return 0 if sheet.column(ID).read_only else SPARE_ROWS


def style_cell(cell: Any, column: Column) -> None:
    """A data cell → wrapped at the top, text format for text columns, locked (and grey) only in key columns."""
    cell.alignment = TOP
    cell.protection = Protection(locked=column.read_only)
    if column.kind != "number":
        cell.number_format = TEXT_FORMAT
    if column.read_only:
        cell.fill = LOCKED_FILL


def style_header(ws: Worksheet) -> None:
    """Row 1 bold and locked, frozen with the id column; the sheet protected without a password (a guard against
    accidents: key cells cannot be typed over, everything else can, and rows can be sorted, filtered and resized)."""
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.protection = Protection(locked=True)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    protection = ws.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = protection.formatCells = False  # False: allowed
    protection.sort = protection.autoFilter = protection.insertRows = False


def add_choices(ws: Worksheet, sheet: Sheet, choices: Mapping[str, Sequence[str]], row_count: int) -> None:
    """Drop-down lists: a column's enumeration (or the ids it names) as a list cells must be chosen from."""
    for index, column in enumerate(sheet.columns, 1):
        values = column.choices or tuple(choices.get(column.refers_to, ()))
        if not values or column.read_only or column.kind != "text":
            continue
        letter = get_column_letter(index)
        literal = '"' + ",".join(values) + '"'
        source = literal if len(literal) <= LITERAL_LIMIT + 2 else f"{column.refers_to}_ids"
        rule = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
        rule.add(f"{letter}2:{letter}{row_count + 1 + spare_rows(sheet)}")
        ws.add_data_validation(rule)


def name_id_lists(book: Workbook, sheets: Sequence[Sheet], rows: Mapping[str, list[list[Any]]]) -> None:
    """A defined name per sheet of items (`services_ids` → services!$A$2:$A$86), for drop-downs too long to write out."""
    for sheet in sheets:
        if sheet.sub or not rows[sheet.name]:
            continue
        index = next(i for i, c in enumerate(sheet.columns, 1) if c.key == ID)
        letter = get_column_letter(index)
        ref = f"{quote_sheetname(sheet.name)}!${letter}$2:${letter}${len(rows[sheet.name]) + 1}"
        book.defined_names[f"{sheet.name}_ids"] = DefinedName(f"{sheet.name}_ids", attr_text=ref)


def format_hint(sheet: str, column: Column, needed: Mapping[str, Sequence[str]], strings: Mapping[str, str],
                config: SiteConfig) -> str:
    """A column → how to fill it in, in one language (its language, read-only, one item per line, the expected form, …)."""
    _, _, lang = column.key.partition(LANG_SEP)
    hints = [strings["workbook_language"].format(language=config.language(lang).name)] if lang else []
    hints += [strings["workbook_read_only"]] if column.read_only else []
    hints += [strings["workbook_lines"]] if column.kind in ("lines", "text-or-lines") else []
    hints += [strings["workbook_number"]] if column.kind == "number" and not column.read_only else []
    hints += [strings["workbook_choices"]] if (column.choices or column.refers_to) and not column.read_only else []
    hints += [strings["workbook_needed"]] if is_needed(sheet, column, needed) else []
    hints += [column.expected] if column.expected and not column.read_only and column.kind != "number" else []
    return "\n".join(hints)


def write_guide(ws: Worksheet, sheets: Sequence[Sheet], needed: Mapping[str, Sequence[str]], config: SiteConfig) -> None:
    """The guide: what the workbook is for, then every column of every sheet, explained in every language."""
    codes = config.codes
    for code in codes:
        ws.append([config.strings[code]["workbook_intro"]])
    ws.append([])
    header = ["sheet", "key"] + [f"{what}{LANG_SEP}{code}" for code in codes for what in ("about", "format")]
    ws.append(header)
    for sheet in sheets:
        for column in sheet.columns:
            about = dict(zip(("zh", "en"), split_description(column.description), strict=True))
            ws.append([sheet.name, column.key] + [v for code in codes for v in
                                                  (about.get(code, about["en"]),
                                                   format_hint(sheet.name, column, needed, config.strings[code], config))])
    for cell in ws[len(codes) + 2]:
        cell.font = Font(bold=True)
    for index, width in enumerate([14, 26] + [50, 36] * len(codes), 1):
        ws.column_dimensions[get_column_letter(index)].width = width
        ws.column_dimensions[get_column_letter(index)].alignment = TOP
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            cell.alignment = TOP


def write_exported(ws: Worksheet, sheet: Sheet, rows: list[list[Any]]) -> None:
    """A data sheet's hidden copy: its keys and rows as exported, which import compares the edited cells with."""
    ws.append([c.key for c in sheet.columns])
    for row in rows:
        ws.append(row)
    for index, column in enumerate(sheet.columns, 1):
        if column.kind != "number":
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = TEXT_FORMAT
    ws.sheet_state = "veryHidden"  # not listed in Excel's or WPS's "Unhide…": nobody edits it by accident
    ws.protection.sheet = True


def render_workbook(sheets: Sequence[Sheet], rows: Mapping[str, list[list[Any]]], choices: Mapping[str, Sequence[str]],
                    needed: Mapping[str, Sequence[str]], config: SiteConfig) -> bytes:
    """The sheets with their rows, the ids each list holds and what residents need → the .xlsx file's bytes."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name)
        write_sheet(ws, sheet, rows[sheet.name], needed)
        add_choices(ws, sheet, choices, len(rows[sheet.name]))
    name_id_lists(book, sheets, rows)
    write_guide(book.create_sheet(GUIDE), sheets, needed, config)
    for sheet in sheets:
        write_exported(book.create_sheet(exported_name(sheet.name)), sheet, rows[sheet.name])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
