"""`handbook diff OLD NEW`: field-level differences on edited copies of the tiny and the real services.yaml."""
from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

from ..conftest import ROOT, TINY_SERVICES

NEW_SERVICE = """\
  - id: textbooks
    number: 2
    chapter: education
    name: {zh: 免费教科书, en: Free textbooks}
    summary: {zh: 学生免费得到教科书。, en: Students get free textbooks.}
    provisions:
      - recipients: {zh: 学生, en: Students}
        standard: {zh: 免费提供教科书。, en: Textbooks free of charge.}
        funding: {zh: 中央承担。, en: Paid by central government.}
    departments: [县教体局]
    audiences: [children-students]
    eligibility: {any: [{basis: 学生, study: [primary, junior]}, {basis: 学生, child: {study: [primary, junior]}}]}
    keywords: {zh: [教科书], en: [textbooks]}
glossary:
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write a services file into folder → its path."""
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def edited_tiny(tiny: Path) -> Path:
    """The tiny services file with one standard changed (English), a service added, one removed (numbers stay gapless)
    and a department renamed."""
    text = textwrap.dedent(TINY_SERVICES)
    text = text.replace("en: CNY 4 per student per day.", "en: CNY 5 per student per day.")
    text = text.replace("glossary:\n", NEW_SERVICE)
    text = text.replace("en: Finance Bureau}\n    short_name", "en: County Finance Bureau}\n    short_name")
    start = text.index("  - id: fee-exemptions")
    text = text[:start] + text[text.index("  - id: textbooks"):]
    return write(tiny, "new.yaml", text)


def test_identical_files_have_no_differences(tiny_handbook, run_cli) -> None:
    path = str(tiny_handbook / "services.yaml")
    assert run_cli("--root", str(tiny_handbook), "diff", path, path) == (0, "no differences\n", "")


def test_text_shows_each_change_old_to_new(tiny_handbook, run_cli) -> None:
    new = edited_tiny(tiny_handbook)
    code, out, err = run_cli("--root", str(tiny_handbook), "diff", str(tiny_handbook / "services.yaml"), str(new))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "services added: textbooks (No. 2 · 免费教科书 / Free textbooks)",
        "services removed: fee-exemptions (No. 2 · 免学费 / Free tuition)",
        "services changed: school-meals (No. 1 · 营养改善 / School meals)",
        '  provisions[1].standard.en: "CNY 4 per student per day." → "CNY 5 per student per day."',
        "departments changed: finance (测试县财政局 / County Finance Bureau)",
        '  name.en: "Finance Bureau" → "County Finance Bureau"',
    ]


def test_json_lists_added_removed_and_changed_fields(tiny_handbook, run_cli) -> None:
    new = edited_tiny(tiny_handbook)
    code, out, _ = run_cli("--root", str(tiny_handbook), "diff", "--format", "json", str(tiny_handbook / "services.yaml"),
                           str(new))
    data = json.loads(out)
    assert code == 0
    assert [x["id"] for x in data["services"]["added"]] == ["textbooks"]
    assert [x["id"] for x in data["services"]["removed"]] == ["fee-exemptions"]
    assert data["services"]["changed"][0]["changes"] == [
        {"field": "provisions[1].standard.en", "old": "CNY 4 per student per day.", "new": "CNY 5 per student per day."}]
    assert data["chapters"] == {"added": [], "removed": [], "changed": []}  # a chapter's service list is derived, not edited


def test_markdown_escapes_and_lists_changes(tiny_handbook, run_cli) -> None:
    new = edited_tiny(tiny_handbook)
    code, out, _ = run_cli("--root", str(tiny_handbook), "diff", "--format", "markdown",
                           str(tiny_handbook / "services.yaml"), str(new))
    assert code == 0
    assert "## Services\n\n- Added: `textbooks` No. 2 · 免费教科书 / Free textbooks\n" in out
    assert "    - `provisions[1].standard.en`: CNY 4 per student per day. → CNY 5 per student per day.\n" in out
    assert "## Departments\n" in out and "## Chapters" not in out


def test_real_handbook_chapter_and_list_changes_in_both_languages(tmp_path, run_cli) -> None:
    old = tmp_path / "old.yaml"
    shutil.copy(ROOT / "services.yaml", old)
    text = old.read_text(encoding="utf-8")
    new = tmp_path / "new.yaml"
    chapter_zh = 'zh: "基本公共教育服务"'
    assert chapter_zh in text
    new.write_text(text.replace(chapter_zh, 'zh: "基本公共教育服务（修订）"', 1), encoding="utf-8")
    code, out, err = run_cli("--root", str(ROOT), "diff", "--format", "json", str(old), str(new))
    assert (code, err) == (0, "")
    changed = json.loads(out)["chapters"]["changed"]
    assert [(c["id"], [x["field"] for x in c["changes"]]) for c in changed] == [("education", ["title.zh"])]
    assert changed[0]["changes"][0]["new"] == "基本公共教育服务（修订）"


def test_broken_input_reports_file_line_and_exits_1(tiny_handbook, run_cli) -> None:
    broken = write(tiny_handbook, "broken.yaml", TINY_SERVICES.replace("number: 2\n", "number: two\n"))
    code, out, err = run_cli("--root", str(tiny_handbook), "diff", str(tiny_handbook / "services.yaml"), str(broken))
    line = textwrap.dedent(TINY_SERVICES).splitlines().index("    number: 2") + 1
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == f"{broken}:{line}:13: services[1].number: expected a whole number, got 'two'"
    assert err.splitlines()[-1] == "1 problem found; nothing was written."
