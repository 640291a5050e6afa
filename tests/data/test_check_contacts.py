"""`handbook check` on contacts, how-to-apply details, history, help lines and the appendix's 主责单位 text.

Each case is one small edit of ACT_SERVICES (tests/tiny_contacts.py) and the exact line it must print; line and
column numbers were checked by hand against the edited text.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.data.load import load_project

from ..conftest import write_project
from ..tiny_contacts import ACT_SERVICES
from .test_check import apply_edit, check_broken, sub

HTTPS = "expected an https:// address"
PHONE = "expected a phone number such as 0812-8612345, 12345, 13812345678 or 400-123-4567"

CASES = [
    ("contact-without-source", sub("      source: {zh: 测试县财政局公告, en: Test County Finance Bureau notice}\n", ""),
     "services.yaml:22:7: departments[1].contact.source: missing required field 'source'"),
    ("contact-without-verified", sub('      verified: "2026-01-15"\n', ""),
     "services.yaml:22:7: departments[1].contact.verified: missing required field 'verified'"),
    ("apply-without-source", sub("      source: {zh: 测试县教育体育局办事指南, en: Test County Education Bureau service guide}\n",
                                 ""),
     "services.yaml:48:7: services[0].apply.source: missing required field 'source'"),
    ("apply-without-verified", sub('      verified: "2026-02-01"\n', ""),
     "services.yaml:48:7: services[0].apply.verified: missing required field 'verified'"),
    ("phone-shape", sub('phone: "0812-8600000"', 'phone: "8600000"'),
     f"services.yaml:23:14: departments[1].contact.phone: {PHONE}, got '8600000'"),
    ("phone-as-number", sub('phone: "12345"', "phone: 12345"),
     "services.yaml:74:12: channels[0].phone: expected text, got the number 12345"),
    ("website-http", sub("website: https://example.org/finance/", "website: http://example.org/finance/"),
     f"services.yaml:25:16: departments[1].contact.website: {HTTPS}, got 'http://example.org/finance/'"),
    ("online-http", sub("online: https://example.org/apply/", "online: http://example.org/apply/"),
     f"services.yaml:51:15: services[0].apply.online: {HTTPS}, got 'http://example.org/apply/'"),
    ("verified-not-a-date", sub('verified: "2026-01-15"', 'verified: "15.1.2026"'),
     "services.yaml:27:17: departments[1].contact.verified: expected a date written YYYY-MM-DD, got '15.1.2026'"),
    ("contact-says-nothing", sub("""      address: {zh: 测试县城南路1号, en: "1 South Road, Test County"}
      phone: "0812-8600000"
      hours: {zh: 工作日9:00—17:00, en: "Working days, 9:00 to 17:00"}
      website: https://example.org/finance/
""", ""), "services.yaml:22:7: departments[1].contact: expected at least one of address, phone, hours, website"),
    ("documents-missing-language", sub("documents: {zh: [户口簿, 学生证], en: [Household register, Student card]}",
                                       "documents: {zh: [户口簿, 学生证]}"),
     "services.yaml:49:18: services[0].apply.documents.en: missing; expected at least one item in language 'en'"),
    ("steps-count-differs", sub("en: [Apply to the school, The school checks the application]", "en: [Apply to the school]"),
     "services.yaml:50:40: services[0].apply.steps.en: expected 2 item(s), as in zh, got 1"),
    ("history-oldest-first", sub("""        source: {zh: 测教发〔2021〕2号, en: Test Education Bureau document No. 2 of 2021}
""", """        source: {zh: 测教发〔2021〕2号, en: Test Education Bureau document No. 2 of 2021}
      - date: "2022-01-01"
        summary: {zh: 补助提高。, en: The subsidy rose.}
        source: {zh: 测教发〔2022〕1号, en: Test Education Bureau document No. 1 of 2022}
"""), "services.yaml:47:15: services[0].history[1].date: expected entries newest first, got 2022-01-01 after 2021-03-01"),
    ("history-without-source", sub("        source: {zh: 测教发〔2021〕2号, en: Test Education Bureau document No. 2 of 2021}\n",
                                   ""),
     "services.yaml:44:9: services[0].history[0].source: missing required field 'source'"),
    ("appendix-unknown-spelling", sub("appendix_departments: 县教育体育局、县财政局", "appendix_departments: 县教育局、县财政局"),
     "services.yaml:42:27: services[0].appendix_departments: '县教育局' is not a spelling of any department"),
    ("appendix-other-departments", sub("appendix_departments: 县教育体育局、县财政局",
                                       "appendix_departments: 县财政局、县教体局"),
     "services.yaml:42:27: services[0].appendix_departments: names departments finance, education-sports; "
     "expected those under departments, in their order: education-sports, finance"),
    ("channel-unknown-chapter", sub("    scope: all\n", "    scope: [health]\n"),
     "services.yaml:75:13: channels[0].scope[0]: unknown chapter 'health'"),
    ("channel-scope-word", sub("    scope: all\n", "    scope: everyone\n"),
     "services.yaml:75:12: channels[0].scope: expected 'all' or a list of chapter ids, got 'everyone'"),
    ("channel-without-source", sub("    source: {zh: 测试文件, en: Test document}\n", ""),
     "services.yaml:72:5: channels[0].source: missing required field 'source'"),
]


@pytest.fixture
def act_project(tmp_path: Path) -> Path:
    """The tiny project with a contact, apply details, a history entry and a help line."""
    return write_project(tmp_path / "act", ACT_SERVICES)


@pytest.mark.parametrize(("edit", "expected"), [pytest.param(e, x, id=i) for i, e, x in CASES])
def test_broken_contact_data_is_reported(act_project: Path, run_cli, edit, expected: str) -> None:
    apply_edit(act_project, edit)
    check_broken(act_project, run_cli, expected)


def test_valid_contact_data_passes(act_project: Path, run_cli) -> None:
    assert run_cli("--root", str(act_project), "check")[:3:2] == (0, "")


def test_loaded_model_holds_contact_apply_history_and_channels(act_project: Path) -> None:
    _, handbook = load_project(act_project, today=date(2026, 6, 1))
    contact = handbook.department("finance").contact
    assert contact and contact.phone == "0812-8600000" and contact.hours and contact.hours["en"] == "Working days, 9:00 to 17:00"
    meals = handbook.service(1)
    assert meals.apply and [d["en"] for d in meals.apply.documents] == ["Household register", "Student card"]
    assert [s["zh"] for s in meals.apply.steps] == ["向学校提出申请", "学校审核"]
    assert [h.date for h in meals.history] == ["2021-03-01"]
    assert meals.appendix_departments == "县教育体育局、县财政局"
    assert handbook.service(2).appendix_departments == "县教育体育局"  # not given: the departments' short names
    assert [c.id for c in handbook.channels_for("education")] == ["hotline"]
    assert handbook.warnings == ()


def test_dates_checked_over_a_year_ago_are_warnings(act_project: Path) -> None:
    _, handbook = load_project(act_project, today=date(2027, 1, 20))
    assert handbook.warnings == (
        "services.yaml:27:17: departments[1].contact.verified: verified 2026-01-15, more than 12 months before today "
        "(2027-01-20); check it against its source again and update the date",)


def test_check_prints_stale_dates_as_warnings_and_succeeds(act_project: Path, run_cli) -> None:
    apply_edit(act_project, sub('verified: "2026-03-01"', 'verified: "2020-03-01"'))
    code, out, err = run_cli("--root", str(act_project), "check")
    assert code == 0 and out.startswith("ok: ")
    assert err.splitlines() == [
        "warning: services.yaml:77:15: channels[0].verified: verified 2020-03-01, more than 12 months before today "
        f"({date.today().isoformat()}); check it against its source again and update the date"]
