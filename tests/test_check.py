"""`handbook check` on broken input: each case is one small edit of the tiny project and the exact line it must print.

Line and column numbers refer to TINY_SERVICES (tests/conftest.py) after the edit; each one was checked by
hand against the edited text and points at the offending value (whole-file problems at 1:1; the two
exceptions are marked in the table).
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from .conftest import ROOT, TINY_SERVICES

SLUG = "expected a lowercase slug of a-z, 0-9 and single hyphens (no '/', '..' or spaces)"
ALIASES = "anchors and aliases (&name, *name) are not allowed; write the value out"
MAX_SECONDS = 10.0  # every broken input fails within seconds, bombs and deep nesting included (against hangs, not a benchmark)


def sub(old: str, new: str, file: str = "services.yaml") -> tuple[str, str, str | bytes]:
    """Edit: replace the one occurrence of `old` in `file` by `new`."""
    return file, old, new


def summary(flow: str) -> tuple[str, str, str]:
    """Edit: replace service 2's summary (line 49) by `flow`."""
    return sub("    summary: {zh: 学生免学费。, en: Students pay no tuition fees.}\n", f"    summary: {flow}\n")


def raw(data: bytes) -> tuple[str, None, bytes]:
    """Edit: replace services.yaml by these bytes."""
    return "services.yaml", None, data


BOMB = b"""\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""  # 9**9 = 387 million strings if expanded
DEEP = 10_000
SIX_MB = TINY_SERVICES.encode() + b"# padding padding padding padding padding padding padding padding\n" * 93_000

CASES = [
    # id, edit, the exact line expected on stderr
    # the parser notices the missing ']' only at the next key, line 11, not at the '[' on line 10
    ("unclosed-bracket", sub("[education-sports]\n", "[education-sports\n"),
     "services.yaml:11:10: invalid YAML: expected ',' or ']', but got ':'"),
    ("tab-indent", sub("    number: 1\n    chapter", "\tnumber: 1\n    chapter"),
     "services.yaml:27:1: tab character in indentation; indent with spaces"),
    ("duplicate-key", sub("    name: {zh: 营养改善", "    chapter: education\n    name: {zh: 营养改善"),
     "services.yaml:29:5: duplicate key 'chapter' (first defined at line 28)"),
    ("empty-file", raw(b""), "services.yaml:1:1: file is empty; expected a YAML mapping"),
    ("whitespace-only", raw(b"  \n\n   \n"), "services.yaml:1:1: file is empty; expected a YAML mapping"),
    ("utf8-bom", raw(b"\xef\xbb\xbf" + TINY_SERVICES.encode()),
     "services.yaml:1:1: file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"),
    ("invalid-utf8", raw(TINY_SERVICES.encode().replace(b"children-students\n", b"children\xff-students\n")),
     "services.yaml:22:17: invalid UTF-8 byte 0xff; save the file as UTF-8"),
    ("billion-laughs", raw(BOMB), f"services.yaml:1:4: {ALIASES}"),
    ("anchor", sub("    aliases: [县财政局]", "    aliases: &finance [县财政局]"), f"services.yaml:20:14: {ALIASES}"),
    ("alias", sub("    departments: [县教体局]", "    departments: *deps"), f"services.yaml:46:18: {ALIASES}"),
    ("python-tag", sub('  date: "', '  date: !!python/object "'),
     "services.yaml:5:9: YAML tags such as !!python/object are not allowed"),
    ("deep-nesting", sub("glossary:\n", "deep: " + "[" * DEEP + "]" * DEEP + "\nglossary:\n"),
     "services.yaml:50:71: nested more than 64 levels deep"),
    ("two-documents", sub("glossary:\n", "---\nglossary:\n"),
     "services.yaml:50:1: more than one YAML document ('---'); keep everything in one document"),
    ("six-megabytes", raw(SIX_MB),
     f"services.yaml:1:1: file is {len(SIX_MB):,} bytes; the limit is 5,242,880 bytes (set under limits: in site_config.yml)"),
    ("top-level-list", raw(b"- a\n- b\n"), "services.yaml:1:1: expected a mapping, got a list"),
    ("duplicate-id", sub("  - id: fee-exemptions", "  - id: school-meals"),
     "services.yaml:38:9: services[1].id: duplicate id 'school-meals'; already used by services[0] at line 26"),
    ("duplicate-number", sub("    number: 2\n", "    number: 1\n"),
     "services.yaml:39:13: services[1].number: duplicate number 1; already used by services[0] at line 27"),
    ("number-gap", sub("    number: 2\n", "    number: 3\n"),
     "services.yaml:39:13: services[1].number: expected a number from 1 to 2 (numbers run from 1 without gaps), got 3"),
    ("unknown-department", sub("    departments: [县教体局]", "    departments: [县教育局]"),
     "services.yaml:46:19: services[1].departments[0]: unknown department '县教育局'"),
    ("unknown-chapter", sub("    number: 2\n    chapter: education", "    number: 2\n    chapter: health"),
     "services.yaml:40:14: services[1].chapter: unknown chapter 'health'"),
    ("unknown-audience", sub("[children-students]\n    keywords: {zh: [免", "[elderly]\n    keywords: {zh: [免"),
     "services.yaml:47:17: services[1].audiences[0]: unknown audience 'elderly'"),
    ("missing-en", sub("    name: {zh: 免学费, en: Free tuition}", "    name: {zh: 免学费}"),
     "services.yaml:41:11: services[1].name.en: missing; expected text in language 'en'"),
    ("empty-en", sub("    name: {zh: 免学费, en: Free tuition}", '    name: {zh: 免学费, en: ""}'),
     "services.yaml:41:25: services[1].name.en: expected non-empty text, got ''"),
    ("null-en", sub("    name: {zh: 免学费, en: Free tuition}", "    name: {zh: 免学费, en: }"),
     "services.yaml:41:24: services[1].name.en: expected text, got nothing"),
    ("unknown-language", sub("en: Free tuition}", "en: Free tuition, fr: Gratuit}"),
     "services.yaml:41:43: services[1].name.fr: unknown language 'fr'; expected one of zh, en"),
    ("chinese-in-en", sub("en: Free tuition}", "en: Free 学费 tuition}"),
     "services.yaml:41:25: services[1].name.en: expected text in Latin script, "
     "got Chinese character '学' at character 6"),
    ("slug-dotdot", sub("  - id: fee-exemptions", "  - id: ../x"),
     f"services.yaml:38:9: services[1].id: {SLUG}, got '../x'"),
    ("slug-space", sub("  - id: fee-exemptions", "  - id: Has Space"),
     f"services.yaml:38:9: services[1].id: {SLUG}, got 'Has Space'"),
    ("number-as-word", sub("    number: 2\n", "    number: one\n"),
     "services.yaml:39:13: services[1].number: expected a whole number, got 'one'"),
    ("provisions-as-string", sub("""    provisions:
      - recipients: {zh: 学生, en: Students}
        standard: {zh: 免除学费。, en: No tuition fees.}
        funding: {zh: 县承担。, en: Paid by the county.}
""", "    provisions: free tuition for everyone\n"),
     "services.yaml:42:17: services[1].provisions: expected a list, got 'free tuition for everyone'"),
    ("unknown-field", sub("      - recipients: {zh: 学生", "      - recipents: {zh: 学生"),
     "services.yaml:43:9: services[1].provisions[0].recipents: unknown field 'recipents' (did you mean 'recipients'?)"),
    ("missing-required", sub("    keywords: {zh: [免学费], en: [free school]}\n", ""),
     "services.yaml:38:5: services[1].keywords: missing required field 'keywords'"),
    ("bad-date", sub('  date: "2018-12-29"', "  date: 29/12/2018"),
     "services.yaml:5:9: source.date: expected a date written YYYY-MM-DD, got '29/12/2018'"),
    ("glossary", sub("en: Students in compulsory education}", "en: Students in basic schooling}"),
     "services.yaml:31:38: services[0].provisions[0].recipients.en: the zh text uses glossary term '义务教育', "
     "so this text must use 'compulsory education'"),
    ("target-unit-scaled", sub("    intro: {zh: 教育导言。, en: Education introduction.}\n",
                               "    intro: {zh: 教育导言。, en: Education introduction.}\n    targets:\n"
                               "      - {label: {zh: 新增就业, en: New jobs}, value: 0.8, "
                               "unit: {zh: 万人, en: ten thousand people}}\n"),
     "services.yaml:13:74: chapters[0].targets[0].unit.en: expected the unit in the singular and without a scale word, "
     "e.g. 'person' (numbers are scaled from 万 and made plural when shown), got 'ten thousand people'"),
    ("target-unit-plural", sub("    intro: {zh: 教育导言。, en: Education introduction.}\n",
                               "    intro: {zh: 教育导言。, en: Education introduction.}\n    targets:\n"
                               "      - {label: {zh: 面积, en: Area}, value: 1, unit: {zh: 平方米, en: square metres}}\n"),
     "services.yaml:13:67: chapters[0].targets[0].unit.en: expected the unit in the singular and without a scale word, "
     "e.g. 'person' (numbers are scaled from 万 and made plural when shown), got 'square metres'"),
    ("summary-missing", sub("    summary: {zh: 学生免学费。, en: Students pay no tuition fees.}\n", ""),
     "services.yaml:38:5: services[1].summary: missing required field 'summary'"),
    ("summary-empty-en", summary('{zh: 免除学费。, en: ""}'),
     "services.yaml:49:30: services[1].summary.en: expected non-empty text, got ''"),
    ("summary-chinese-in-en", summary("{zh: 免除学费。, en: No 学费.}"),
     "services.yaml:49:30: services[1].summary.en: expected text in Latin script, got Chinese character '学' at character 4"),
    ("summary-zh-too-long", summary("{zh: " + "免" * 60 + "。, en: No fees.}"),
     "services.yaml:49:19: services[1].summary.zh: expected at most 60 characters (one line), got 61"),
    ("summary-en-too-long", summary("{zh: 免除学费。, en: " + "No fees " * 20 + "at all.}"),
     "services.yaml:49:30: services[1].summary.en: expected at most 160 characters (one line), got 167"),
    ("summary-zh-cut-off", summary("{zh: 免除义务教育阶段学生的学, en: No fees.}"),
     "services.yaml:49:19: services[1].summary.zh: expected a full sentence ending with '。', "
     "got text ending with '免除义务教育阶段学生的学'"),
    ("summary-en-cut-off", summary("{zh: 免除学费。, en: Students pay no tuition fees for their}"),
     "services.yaml:49:30: services[1].summary.en: expected a full sentence ending with '.', "
     "got text ending with 'es for their'"),
    ("summary-en-two-lines", summary('{zh: 免除学费。, en: "No tuition\\nfees."}'),
     "services.yaml:49:30: services[1].summary.en: expected one line, got a line break at character 11"),
    ("alias-of-two-departments", sub("    aliases: [县财政局]", "    aliases: [县财政局, 县教体局]"),
     "services.yaml:20:21: departments[1].aliases[1]: alias '县教体局' already names department 'education-sports'"),
    ("config-bad-script", sub("script: Latn", "script: Latin", file="site_config.yml"),
     "site_config.yml:3:54: languages[1].script: expected Hans (Chinese characters) or Latn (Latin letters only), got 'Latin'"),
    ("config-limit-zero", sub("site_url:", "limits: {services_megabytes: 0}\nsite_url:", file="site_config.yml"),
     "site_config.yml:4:30: limits.services_megabytes: expected a size in megabytes, more than 0, got the number 0"),
    ("config-limit-text", sub("site_url:", "limits: {services_values: many}\nsite_url:", file="site_config.yml"),
     "site_config.yml:4:27: limits.services_values: expected a whole number, got 'many'"),
    ("config-unknown-limit", sub("site_url:", "limits: {pages: 3}\nsite_url:", file="site_config.yml"),
     "site_config.yml:4:10: limits.pages: unknown field 'pages'"),
    ("config-sheets-one", sub("site_url:", "editions: {sheets: 1}\nsite_url:", file="site_config.yml"),
     "site_config.yml:4:20: editions.sheets: expected a whole number of A4 sheets, at least 2, got the number 1"),
    ("services-over-configured-size", sub("site_url:", "limits: {services_megabytes: 0.001}\nsite_url:", file="site_config.yml"),
     f"services.yaml:1:1: file is {len(TINY_SERVICES.encode()):,} bytes; the limit is 1,049 bytes "
     "(set under limits: in site_config.yml)"),
    ("services-over-configured-values", sub("site_url:", "limits: {services_values: 20}\nsite_url:", file="site_config.yml"),
     "services.yaml:1:1: more than 20 lines and list items (77); the file is too large (set under limits: in site_config.yml)"),
]


def apply_edit(root: Path, edit: tuple[str, str | None, str | bytes]) -> None:
    """Apply one table edit to the project in `root`."""
    file, old, new = edit
    path = root / file
    if old is None:
        assert isinstance(new, bytes)
        path.write_bytes(new)
        return
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the edit's target must occur exactly once in {file}: {old!r}"
    path.write_text(text.replace(old, str(new)), encoding="utf-8")


def check_broken(root: Path, run_cli, expected: str) -> str:
    """Run `handbook check` and assert it fails cleanly and fast with `expected` on stderr; return stderr."""
    start = time.monotonic()
    code, out, err = run_cli("--root", str(root), "check")
    elapsed = time.monotonic() - start
    assert code == 1, err
    assert out == ""
    assert "Traceback" not in err
    assert expected in err.splitlines(), err
    assert elapsed < MAX_SECONDS, f"took {elapsed:.2f} s"
    return err


@pytest.mark.parametrize(("edit", "expected"), [pytest.param(e, x, id=i) for i, e, x in CASES])
def test_broken_input_is_reported(tiny_handbook: Path, run_cli, edit, expected: str) -> None:
    apply_edit(tiny_handbook, edit)
    check_broken(tiny_handbook, run_cli, expected)


def test_case_ids_are_distinct() -> None:
    assert len({i for i, _, _ in CASES}) == len(CASES) >= 18


def test_three_problems_are_reported_in_one_run_sorted_by_line(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, sub("    departments: [县教体局]", "    departments: [县教育局]"))
    apply_edit(tiny_handbook, sub("    name: {zh: 免学费, en: Free tuition}", "    name: {zh: 免学费}"))
    apply_edit(tiny_handbook, sub("  - id: fee-exemptions", "  - id: school-meals"))
    err = check_broken(tiny_handbook, run_cli, "3 problems found; nothing was written.")
    assert err.splitlines()[:3] == [
        "services.yaml:38:9: services[1].id: duplicate id 'school-meals'; already used by services[0] at line 26",
        "services.yaml:41:11: services[1].name.en: missing; expected text in language 'en'",
        "services.yaml:46:19: services[1].departments[0]: unknown department '县教育局'",
    ]
    lines = [int(m.group(1)) for m in re.finditer(r"^services\.yaml:(\d+):", err, re.MULTILINE)]
    assert lines == sorted(lines)


def test_department_alias_is_accepted_and_resolved_to_its_id(tiny_handbook: Path, run_cli) -> None:
    # school-meals lists [education-sports, 县财政局]; 县财政局 is an alias of finance
    assert run_cli("--root", str(tiny_handbook), "check")[0] == 0
    code, out, err = run_cli("--root", str(tiny_handbook), "export", "--format", "json")
    assert (code, err) == (0, "")
    services = {s["id"]: s for s in json.loads(out)["services"]}
    assert services["school-meals"]["departments"] == ["education-sports", "finance"]
    assert services["fee-exemptions"]["departments"] == ["education-sports"]


def test_real_project_passes_check(run_cli) -> None:
    code, out, err = run_cli("--root", str(ROOT), "check")
    assert (code, err) == (0, "")
    assert out.startswith("ok: 85 services, 8 chapters")


# --- inputs the generator gets wrong today; strict, so that a fix shows up as a failure to remove the mark ---

def test_alias_equal_to_another_department_id_is_rejected(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, sub("    aliases: [县财政局]", "    aliases: [县财政局, education-sports]"))
    code, _, err = run_cli("--root", str(tiny_handbook), "check")
    assert code == 1
    assert "services.yaml:20:21: departments[1].aliases[1]: " in err


def test_invalid_utf8_column_counts_characters(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, raw(TINY_SERVICES.encode().replace(b"en: School meals", b"en: \xffSchool meals")))
    check_broken(tiny_handbook, run_cli, "services.yaml:29:26: invalid UTF-8 byte 0xff; save the file as UTF-8")


@pytest.mark.parametrize("name", ["services.yaml", "site_config.yml", "tiny"])
def test_fast_and_careful_yaml_readers_give_the_same_tree(name: str) -> None:
    """libyaml reads good files; ruamel.yaml words the errors: both must see the same values at the same places."""
    from generator.yamlnodes import parse_nodes, parse_nodes_slowly
    text = TINY_SERVICES if name == "tiny" else (ROOT / name).read_text(encoding="utf-8")
    assert parse_nodes(text, name) == parse_nodes_slowly(text, name)


def test_yaml_1_1_line_breaks_are_read_as_yaml_1_2() -> None:
    """U+2028 is a line break to libyaml (YAML 1.1) but text in YAML 1.2: the value keeps it."""
    from generator.yamlnodes import MapNode, ScalarNode, parse_nodes
    root = parse_nodes("a: x\u2028y\nb: 1\n", "t.yaml")
    assert isinstance(root, MapNode)
    value, b = root.items["a"], root.items["b"]
    assert isinstance(value, ScalarNode) and value.value == "x\u2028y"
    assert b.pos.line == 2


def test_summary_is_loaded_as_text(tiny_handbook: Path) -> None:
    from generator.load import load_project

    apply_edit(tiny_handbook, summary("{zh: 学生免学费。, en: Students pay no tuition fees.}"))
    service = load_project(tiny_handbook)[1].service(2)
    assert (service.summary["zh"], service.summary["en"]) == ("学生免学费。", "Students pay no tuition fees.")
