"""`handbook gaps`: per department, what a resident would need that the handbook lacks — contact, how to apply, a
standard checked against a later document, checks over 12 months old — as text, Markdown and CSV."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from generator.data.gaps import department_names, find_gaps, render_csv, render_markdown, render_text
from generator.data.load import load_project

from ..conftest import ROOT, write_project
from ..tiny_contacts import ACT_SERVICES


def act_project(tmp_path: Path) -> Path:
    """The tiny project with a contact (finance), how to apply and a history entry (No. 1), and the real strings."""
    root = write_project(tmp_path / "act", ACT_SERVICES)
    shutil.copy(ROOT / "site_config.yml", root / "site_config.yml")
    return root


def gaps_of(root: Path, today: date, lang: str = "en", department: str | None = None) -> tuple[list, dict[str, str]]:
    config, handbook = load_project(root, today)
    return find_gaps(handbook, config.strings[lang], today, lang, department), department_names(handbook, lang)


def test_each_department_gets_its_own_list(tmp_path: Path) -> None:
    gaps, names = gaps_of(act_project(tmp_path), date(2026, 12, 1))
    assert render_text(gaps, names).splitlines() == [
        "education-sports Education and Sports Bureau (7)",
        "  education-sports      contact.phone     missing",
        "  education-sports      contact.address   missing",
        "  education-sports      contact.hours     missing",
        "  No. 2 fee-exemptions  standard          the standard is still the one in Ce Fu Fa [2018] No. 1; no later document "
        "is recorded: check the current standard",
        "  No. 2 fee-exemptions  apply.where       missing",
        "  No. 2 fee-exemptions  apply.documents   missing",
        "  No. 2 fee-exemptions  apply.steps       missing",
    ]  # finance has a contact, and its one service No. 1 has how to apply and a history entry: no gaps


def test_checks_older_than_12_months_are_gaps(tmp_path: Path) -> None:
    """A year after their checks, finance's contact and No. 1's how-to-apply are due again (No. 1 has a history entry
    and every apply field, so that is its only gap)."""
    gaps, names = gaps_of(act_project(tmp_path), date(2027, 3, 1), department="finance")
    assert render_text(gaps, names).splitlines() == [
        "finance Finance Bureau (2)",
        "  finance             contact.verified  checked on 2026-01-15, more than 12 months ago: check it against its source "
        "again",
        "  No. 1 school-meals  apply.verified    checked on 2026-02-01, more than 12 months ago: check it against its source "
        "again",
    ]


def test_markdown_and_csv(tmp_path: Path) -> None:
    gaps, names = gaps_of(act_project(tmp_path), date(2027, 3, 1), lang="zh", department="finance")
    assert render_markdown(gaps, names).splitlines() == [
        "## 测试县财政局 (`finance`)", "", "| item | field | gap |", "| --- | --- | --- |",
        "| finance | `contact.verified` | 核实于2026-01-15，已超过12个月，请按来源重新核实 |",
        "| No. 1 school-meals | `apply.verified` | 核实于2026-02-01，已超过12个月，请按来源重新核实 |"]
    assert render_csv(gaps, names) == (
        "\ufeffdepartment,department_name,item,field,gap\r\n"
        "finance,测试县财政局,finance,contact.verified,核实于2026-01-15，已超过12个月，请按来源重新核实\r\n"
        "finance,测试县财政局,No. 1 school-meals,apply.verified,核实于2026-02-01，已超过12个月，请按来源重新核实\r\n")


def test_the_command(tmp_path: Path, run_cli) -> None:
    root = write_project(tmp_path / "tiny")
    shutil.copy(ROOT / "site_config.yml", root / "site_config.yml")
    code, out, err = run_cli("--root", str(root), "gaps", "--department", "finance", "--format", "csv")
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == ["\ufeffdepartment,department_name,item,field,gap",
                                    "finance,测试县财政局,finance,contact.phone,缺少",
                                    "finance,测试县财政局,finance,contact.address,缺少"]
    assert len(out.splitlines()) == 1 + 3 + 4  # its contact, and No. 1: the standard and three apply fields
    assert run_cli("--root", str(root), "gaps", "--department", "treasury") == \
        (1, "", "error: --department: unknown department 'treasury'; expected one of education-sports, finance\n")


def test_the_real_handbook_lacks_every_contact_and_how_to_apply(run_cli) -> None:
    code, out, _ = run_cli("--root", str(ROOT), "gaps", "--format", "csv")
    rows = out.splitlines()[1:]
    assert code == 0
    assert sum(",contact.phone," in r for r in rows) == 18  # every department
    assert len({r.split(",")[2] for r in rows if ",apply.where," in r}) == 85  # every service, under each of its departments
    departments = [r.split(",")[0] for r in rows]
    assert departments == sorted(departments, key=departments.index) and len(set(departments)) == 18  # grouped


def test_a_function_moved_since_the_plan_is_a_gap_until_its_office_is_known() -> None:
    """The real handbook's cited reorganisations (issue 22 §4): the veterans' function moved from civil affairs, and the
    handbook names no office for it now, so the civil affairs bureau's list says so, once per moved function."""
    today = date(2026, 12, 5)
    gaps, _ = gaps_of(ROOT, today, "en", "civil-affairs")
    config, handbook = load_project(ROOT, today)
    moved = handbook.department("civil-affairs").reorganised
    assert moved and [g.field for g in gaps if g.field.startswith("reorganised")] == \
        [f"reorganised[{i}]" for i in range(1, len(moved) + 1)]
    first = next(g for g in gaps if g.field == "reorganised[1]")
    assert first.gap == config.strings["en"]["gaps_reorganised"].format(function=moved[0].function["en"])
    assert "veterans" in first.gap
    gaps, _ = gaps_of(ROOT, today, "en", "justice")
    assert not [g for g in gaps if g.field.startswith("reorganised")]  # the justice bureau kept its functions
