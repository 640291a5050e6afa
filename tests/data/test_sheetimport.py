"""`handbook import`: the exported workbook comes back unchanged, and a clerk's edits change exactly their lines of
services.yaml, comments and every other line intact; --dry-run writes nothing; a changed standard needs its history."""
from __future__ import annotations

import difflib
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from ..conftest import ROOT
from ..sheets import cell, column, copy_project, edit, export_xlsx

PHONE = {("departments", "civil-affairs", "contact.phone"): "0812-8612345",
         ("departments", "civil-affairs", "contact.source::zh"): "盐边县民政局公告（测试）",
         ("departments", "civil-affairs", "contact.source::en"): "Yanbian County Civil Affairs Bureau notice (test)",
         ("departments", "civil-affairs", "contact.verified"): "2026-12-01"}
APPLY = {("services", "rural-school-meals", "apply.where::zh"): "孩子就读的学校",
         ("services", "rural-school-meals", "apply.where::en"): "Your child's school",
         ("services", "rural-school-meals", "apply.documents::zh"): "户口簿\n学生证",
         ("services", "rural-school-meals", "apply.documents::en"): "Household register\nStudent card",
         ("services", "rural-school-meals", "apply.source::zh"): "盐边县教育体育局办事指南（测试）",
         ("services", "rural-school-meals", "apply.source::en"):
             "Yanbian County Education and Sports Bureau service guide (test)",
         ("services", "rural-school-meals", "apply.verified"): "2026-12-01"}
STANDARD_ZH = "每生每天5元，每年按实际在校天数给予营养膳食补助。"
STANDARD_EN = ("CNY 5 per student per day. The nutritious meals subsidy is paid each year according to the actual number of "
               "days students are at school.")
HISTORY_ROW = {"id": "rural-school-meals", "date": "2021-11-01", "summary::zh": "补助标准提高到每生每天5元。",
               "summary::en": "The subsidy rose to CNY 5 per student per day.", "source::zh": "测试文件（测发〔2021〕1号）",
               "source::en": "Test document No. 1 of 2021"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real project."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def workbook(project: Path, tmp_path: Path) -> Path:
    """The real project's workbook, as exported."""
    return export_xlsx(project, tmp_path / "handbook.xlsx")


def change_standard(path: Path, with_history: bool) -> Path:
    """The workbook with No. 2's standard raised (as a clerk types it), and its history row when asked."""
    book = openpyxl.load_workbook(path)
    cell(book["provisions"], "rural-school-meals", "standard::zh", part=1).value = STANDARD_ZH
    cell(book["provisions"], "rural-school-meals", "standard::en", part=1).value = STANDARD_EN
    if with_history:  # typed into the first empty row, under the keys
        for key, value in HISTORY_ROW.items():
            book["history"].cell(2, column(book["history"], key)).value = value
    book.save(path)
    return path


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """Two texts → (lines removed, lines added)."""
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    return ([d[1:] for d in diff if d.startswith("-") and not d.startswith("---")],
            [d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")])


def test_the_exported_workbook_imports_without_a_change(project, workbook, run_cli) -> None:
    code, out, err = run_cli("--root", str(project), "import", str(workbook))
    assert (code, err) == (0, "")
    assert out == "no changes: services.yaml already says what the workbook says\n"
    assert (project / "services.yaml").read_bytes() == (ROOT / "services.yaml").read_bytes()


def test_a_clerks_edits_change_exactly_their_lines(project, workbook, run_cli) -> None:
    edit(workbook, PHONE | APPLY)
    change_standard(workbook, with_history=True)
    code, out, err = run_cli("--root", str(project), "import", str(workbook))
    assert (code, err) == (0, ""), err
    before, after = (ROOT / "services.yaml").read_text(encoding="utf-8"), (project / "services.yaml").read_text(encoding="utf-8")
    removed, added = changed_lines(before, after)
    assert removed == ['          zh: "每生每天4元，每年按实际在校天数给予营养膳食补助。"',
                       '          en: "CNY 4 per student per day. The nutritious meals subsidy is paid each year according to '
                       'the actual number of days students are at school."']
    assert added == [
        "    contact:", '      phone: "0812-8612345"', "      source:", '        zh: "盐边县民政局公告（测试）"',
        '        en: "Yanbian County Civil Affairs Bureau notice (test)"', '      verified: "2026-12-01"',
        f'          zh: "{STANDARD_ZH}"', f'          en: "{STANDARD_EN}"',
        "    history:", '      - date: "2021-11-01"', "        summary:", '          zh: "补助标准提高到每生每天5元。"',
        '          en: "The subsidy rose to CNY 5 per student per day."', "        source:",
        '          zh: "测试文件（测发〔2021〕1号）"', '          en: "Test document No. 1 of 2021"',
        "    apply:", "      where:", '        zh: "孩子就读的学校"', '        en: "Your child\'s school"', "      documents:",
        "        zh:", '          - "户口簿"', '          - "学生证"', "        en:", '          - "Household register"',
        '          - "Student card"', "      source:", '        zh: "盐边县教育体育局办事指南（测试）"',
        '        en: "Yanbian County Education and Sports Bureau service guide (test)"', '      verified: "2026-12-01"']
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert "services changed: rural-school-meals" in out and "departments changed: civil-affairs" in out
    assert '  contact.phone: (none) → "0812-8612345"' in out
    assert f'  provisions[1].standard.zh: "每生每天4元，每年按实际在校天数给予营养膳食补助。" → "{STANDARD_ZH}"' in out
    assert out.endswith("services.yaml updated; run `handbook build` to publish the change\n")


def test_dry_run_shows_the_changes_and_writes_nothing(project, workbook, run_cli) -> None:
    edit(workbook, PHONE)
    code, out, err = run_cli("--root", str(project), "import", str(workbook), "--dry-run")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["departments changed: civil-affairs (盐边县民政局 / Yanbian County Civil Affairs Bureau)",
                                '  contact.phone: (none) → "0812-8612345"',
                                '  contact.source.zh: (none) → "盐边县民政局公告（测试）"',
                                '  contact.source.en: (none) → "Yanbian County Civil Affairs Bureau notice (test)"',
                                '  contact.verified: (none) → "2026-12-01"',
                                "dry run: services.yaml was not changed"]
    assert (project / "services.yaml").read_bytes() == (ROOT / "services.yaml").read_bytes()


def test_a_workbook_exported_earlier_does_not_undo_a_later_change(project, workbook, run_cli) -> None:
    """Two offices fill in copies of one export: the second import keeps what the first one (or an editor) changed."""
    services = project / "services.yaml"
    later = services.read_text(encoding="utf-8").replace('"Yanbian County Justice Bureau"', '"Yanbian County Bureau of Justice"')
    services.write_text(later, encoding="utf-8")
    edit(workbook, PHONE)
    assert run_cli("--root", str(project), "import", str(workbook))[0] == 0
    after = services.read_text(encoding="utf-8")
    assert '"Yanbian County Bureau of Justice"' in after and '      phone: "0812-8612345"\n' in after


def test_a_cell_changed_in_both_is_refused(project, workbook, run_cli) -> None:
    services = project / "services.yaml"
    later = services.read_text(encoding="utf-8").replace('"Yanbian County Justice Bureau"', '"Yanbian County Bureau of Justice"')
    services.write_text(later, encoding="utf-8")
    edit(workbook, {("departments", "justice", "name::en"): "Justice Bureau of Yanbian County"})
    assert run_cli("--root", str(project), "import", str(workbook)) == (1, "", (
        "departments!C7: name::en: changed in services.yaml since this workbook was exported (now 'Yanbian County Bureau of "
        "Justice'); export a new workbook and make the change there\n1 problem found; nothing was written.\n"))
    assert services.read_text(encoding="utf-8") == later


def test_a_changed_standard_without_its_history_row_is_refused(project, workbook, run_cli) -> None:
    change_standard(workbook, with_history=False)
    code, out, err = run_cli("--root", str(project), "import", str(workbook))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "provisions!E3: standard::zh: a changed standard needs its history: add a row for 'rural-school-meals' to the "
        "history sheet (date, summary and source in every language)",
        "1 problem found; nothing was written."]
    assert (project / "services.yaml").read_bytes() == (ROOT / "services.yaml").read_bytes()


def test_the_full_check_is_reported_at_the_cells(project, workbook, run_cli) -> None:
    """A phone without its source and date, and a history row without its English summary: the check's problems,
    placed at the workbook's cells."""
    edit(workbook, {("departments", "civil-affairs", "contact.phone"): "0812-8612345"})
    change_standard(workbook, with_history=True)
    book = openpyxl.load_workbook(workbook)
    book["history"]["D2"].value = None
    book.save(workbook)
    code, out, err = run_cli("--root", str(project), "import", str(workbook))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "departments!R6: contact.source::zh: missing required field 'source'",
        "departments!T6: contact.verified: missing required field 'verified'",
        "history!D2: summary::en: missing; expected text in language 'en'",
        "3 problems found; nothing was written."]
    assert (project / "services.yaml").read_bytes() == (ROOT / "services.yaml").read_bytes()


LIBREOFFICE = shutil.which("libreoffice")


@pytest.mark.slow
def test_a_workbook_saved_by_libreoffice_imports_without_a_change(project, workbook, tmp_path, run_cli) -> None:
    """The exported workbook opened and saved again by LibreOffice Calc (as an office without Excel would)."""
    if LIBREOFFICE is None:
        message = "libreoffice is missing (apt-get install libreoffice-calc)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run([LIBREOFFICE, "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                           "--convert-to", "xlsx", "--outdir", str(tmp_path / "saved"), str(workbook)],
                          capture_output=True, text=True, timeout=600)
    saved = tmp_path / "saved" / workbook.name
    assert saved.exists(), done.stderr
    assert saved.read_bytes() != workbook.read_bytes()  # written anew by LibreOffice
    hidden = [ws.title for ws in openpyxl.load_workbook(saved).worksheets if ws.sheet_state != "visible"]
    assert hidden == [f"{name}.exported" for name in ("services", "provisions", "departments", "channels", "history")]
    assert run_cli("--root", str(project), "import", str(saved)) == \
        (0, "no changes: services.yaml already says what the workbook says\n", "")
    assert (project / "services.yaml").read_bytes() == (ROOT / "services.yaml").read_bytes()


def test_a_field_cleared_or_added_at_an_items_end_keeps_the_next_items_comment(project, workbook, run_cli) -> None:
    """No. 19 ends with its note, followed by the comment heading No. 20: clearing the note and adding how to apply
    leave the heading where it was; so does a contact added to the last department, before the blank line."""
    note = "residents-pension-insurance"
    edit(workbook, {("services", note, "note::zh"): None, ("services", note, "note::en"): None,
                    ("services", note, "apply.where::zh"): "乡镇便民服务中心",
                    ("services", note, "apply.where::en"): "Township centre",
                    ("services", note, "apply.source::zh"): "办事指南", ("services", note, "apply.source::en"): "Service guide",
                    ("services", note, "apply.verified"): "2026-12-01",
                    ("departments", "agriculture-animal-husbandry", "contact.phone"): "0812-8612345",
                    ("departments", "agriculture-animal-husbandry", "contact.source::zh"): "公告",
                    ("departments", "agriculture-animal-husbandry", "contact.source::en"): "Notice",
                    ("departments", "agriculture-animal-husbandry", "contact.verified"): "2026-12-01"})
    assert run_cli("--root", str(project), "import", str(workbook))[0] == 0
    after = (project / "services.yaml").read_text(encoding="utf-8")
    assert ('      en: [pension, "residents\' pension", "rural pension", "basic pension", "old-age pension", retirement, '
            '"pension contributions"]\n    apply:\n      where:\n        zh: "乡镇便民服务中心"\n        en: "Township centre"\n'
            '      source:\n        zh: "办事指南"\n        en: "Service guide"\n      verified: "2026-12-01"\n'
            '  # ── No. 20 ──\n') in after
    assert ('    aliases: [县农牧局]\n    contact:\n      phone: "0812-8612345"\n      source:\n        zh: "公告"\n'
            '        en: "Notice"\n      verified: "2026-12-01"\n') in after
    before = (ROOT / "services.yaml").read_text(encoding="utf-8")
    assert after.split("\n\naudiences:\n")[0].endswith(before.split("\n\naudiences:\n")[0].splitlines()[-1])  # blank line kept
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in before.splitlines() if line.lstrip().startswith("#")]
