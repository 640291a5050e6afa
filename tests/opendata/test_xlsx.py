"""`handbook export --format xlsx`: the workbook office staff fill in — sheets, keys in row 1 with the language after
'::', key cells locked, drop-downs, highlighted empty cells a resident needs, readable layout, and a guide to every
column."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from generator.data.columns import workbook_sheets

from ..sheets import cell, column, copy_project, export_xlsx


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    """The real project's workbook, as exported."""
    folder = tmp_path_factory.mktemp("xlsx")
    return openpyxl.load_workbook(export_xlsx(copy_project(folder / "project"), folder / "handbook.xlsx"))


def test_the_sheets_and_their_keys(book) -> None:
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    assert visible == ["services", "provisions", "departments", "channels", "history", "说明 guide"]
    keys = {name: [c.value for c in book[name][1]] for name in book.sheetnames[:5]}
    assert keys["services"][:6] == ["id", "number", "chapter", "name::zh", "name::en", "summary::zh"]
    assert {"apply.where::zh", "apply.documents::zh", "apply.steps::en", "apply.source::zh", "apply.verified"} <= \
        set(keys["services"])
    assert "eligibility" not in " ".join(keys["services"])  # rule sets are edited in services.yaml
    assert keys["provisions"] == ["id", "part", "recipients::zh", "recipients::en", "standard::zh", "standard::en",
                                  "funding::zh", "funding::en", "label::zh", "label::en"]
    assert {"contact.phone", "contact.address::zh", "contact.hours::zh", "contact.source::zh", "contact.verified"} <= \
        set(keys["departments"])
    assert keys["history"] == ["id", "date", "summary::zh", "summary::en", "source::zh", "source::en"]
    assert keys["channels"] == ["id", "name::zh", "name::en", "phone", "scope", "source::zh", "source::en", "verified"]


def test_one_row_per_item_and_lists_one_item_per_line(book) -> None:
    assert book["services"].max_row - 1 == 85
    no_73 = "disability-living-and-nursing-care-allowances"
    assert cell(book["provisions"], no_73, "recipients::zh", part=2).value  # No. 73 has two provisions
    assert cell(book["departments"], "education-sports", "aliases").value == "县教育体育局\n县教体局"
    assert cell(book["services"], "compulsory-education-fee-exemptions", "number").value == 1
    assert cell(book["channels"], "hotline-12345", "phone").value == "12345"


def test_key_cells_are_locked_and_the_rest_can_be_typed_in(book) -> None:
    ws = book["departments"]
    assert ws.protection.sheet
    assert cell(ws, "civil-affairs", "id").protection.locked
    assert not cell(ws, "civil-affairs", "contact.phone").protection.locked
    assert cell(book["provisions"], "rural-school-meals", "part", part=1).protection.locked
    assert not book["history"].cell(2, column(book["history"], "id")).protection.locked  # new history rows are typed in


def test_enumerations_have_drop_downs(book) -> None:
    ws = book["services"]
    letter = openpyxl.utils.get_column_letter(column(ws, "chapter"))
    rules = [v for v in ws.data_validations.dataValidation if f"{letter}2" in str(v.sqref).split(":")[0]]
    assert [r.formula1 for r in rules] == ['"education,employment,social-insurance,health,social-services,housing,culture-sports,'
                                           'disability"']
    history = book["history"].data_validations.dataValidation
    assert [r.formula1 for r in history] == ["services_ids"]  # 85 ids: too long to write out, so a named range
    assert book.defined_names["services_ids"].attr_text == "'services'!$A$2:$A$86"


def test_empty_cells_a_resident_needs_are_highlighted(book) -> None:
    ws = book["departments"]
    letter = openpyxl.utils.get_column_letter(column(ws, "contact.phone"))
    ranges = {str(r.sqref): [rule.formula for rule in r.rules] for r in ws.conditional_formatting}
    assert ranges[f"{letter}2:{letter}19"] == [[f"LEN(TRIM({letter}2))=0"]]
    services = {str(r.sqref) for r in book["services"].conditional_formatting}
    keys = [c.value for c in book["services"][1]]
    needed = [k for k in keys if k.split("::")[0] in ("apply.where", "apply.documents", "apply.steps")]
    assert len(services) == len(needed) == 6


def test_readable_layout(book) -> None:
    ws = book["provisions"]
    assert ws.freeze_panes == "B2"
    assert ws.column_dimensions["E"].width == 60  # long text wraps within the widest column
    standard = cell(ws, "rural-school-meals", "standard::zh", part=1)
    assert standard.alignment.wrap_text and standard.number_format == "@"  # typed text stays text
    assert book["services"]["A1"].font.b


def test_the_guide_explains_every_column(book) -> None:
    rows = list(book["说明 guide"].iter_rows(values_only=True))
    header = rows.index(("sheet", "key", "about::zh", "format::zh", "about::en", "format::en"))
    listed = [(r[0], r[1]) for r in rows[header + 1:]]
    assert listed == [(s.name, c.key) for s in workbook_sheets(("zh", "en")) for c in s.columns]
    phone = next(r for r in rows if r[:2] == ("departments", "contact.phone"))
    assert "居民需要：空着时标黄" in phone[3] and "Residents need it: highlighted while empty" in phone[5]


def test_xlsx_needs_an_output_file(tiny_handbook: Path, run_cli) -> None:
    assert run_cli("--root", str(tiny_handbook), "export", "--format", "xlsx") == \
        (1, "", "error: --format xlsx writes a workbook: give its file with --output FILE\n")


def test_each_sheet_has_a_hidden_copy_as_exported(book) -> None:
    """What import compares edited cells with, so that a workbook exported earlier does not undo a later change."""
    for name in ("services", "provisions", "departments", "channels", "history"):
        copy = book[f"{name}.exported"]
        assert copy.sheet_state == "veryHidden"
        rows = [r for r in book[name].iter_rows(values_only=True) if any(v is not None for v in r)]  # not history's spare rows
        assert list(copy.iter_rows(values_only=True)) == rows
