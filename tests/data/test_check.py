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

from generator.data.wording import arabic

from ..conftest import ROOT, TINY_SERVICES

SLUG = "expected a lowercase slug of a-z, 0-9 and single hyphens (no '/', '..' or spaces)"
ALIASES = "anchors and aliases (&name, *name) are not allowed; write the value out"
MAX_SECONDS = 10.0  # every broken input fails within seconds, bombs and deep nesting included (against hangs, not a benchmark)


def sub(old: str, new: str, file: str = "services.yaml") -> tuple[str, str, str | bytes]:
    """Edit: replace the one occurrence of `old` in `file` by `new`."""
    return file, old, new


def summary(flow: str) -> tuple[str, str, str]:
    """Edit: replace service 2's summary (line 51) by `flow`."""
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
GLOSSARY_END = "  - term: {zh: 义务教育, en: compulsory education}\n"  # the last line of TINY_SERVICES
PLAN = "source: {zh: 测试规划, en: Test plan}"


KEYWORDS_2 = "    keywords: {zh: [免学费], en: [free school]}\n"  # service 2's keywords (line 50)


def situation(covers: str) -> tuple[str, str, str]:
    """Edit: service 2 gets one situation phrase in each language, covered by `covers`."""
    return sub(KEYWORDS_2, f"{KEYWORDS_2}    situations:\n      - {{says: {{zh: [上学交不起钱], en: [can't pay for school]}}, "
                           f"covers: {covers}}}\n")


def synonym(entry: str) -> tuple[str, str, str]:
    """Edit: a synonyms list with this one entry, after the glossary."""
    return sub(GLOSSARY_END, f"{GLOSSARY_END}synonyms:\n  - {{{entry}}}\n")
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
    ("alias", sub("    departments: [县教体局]", "    departments: *deps"), f"services.yaml:47:18: {ALIASES}"),
    ("python-tag", sub('  date: "', '  date: !!python/object "'),
     "services.yaml:5:9: YAML tags such as !!python/object are not allowed"),
    ("deep-nesting", sub("glossary:\n", "deep: " + "[" * DEEP + "]" * DEEP + "\nglossary:\n"),
     "services.yaml:52:71: nested more than 64 levels deep"),
    ("wide-mapping", sub("glossary:\n", "wide:\n" + "".join(f"  k{i}: {i}\n" for i in range(24_000)) + "glossary:\n"),
     "services.yaml:52:1: wide: unknown field 'wide'"),  # 24,000 keys, within the limits: 23 s when the key scan was quadratic
    ("two-documents", sub("glossary:\n", "---\nglossary:\n"),
     "services.yaml:52:1: more than one YAML document ('---'); keep everything in one document"),
    ("six-megabytes", raw(SIX_MB),
     f"services.yaml:1:1: file is {len(SIX_MB):,} bytes; the limit is 5,242,880 bytes (set under limits: in site_config.yml)"),
    ("top-level-list", raw(b"- a\n- b\n"), "services.yaml:1:1: expected a mapping, got a list"),
    ("duplicate-id", sub("  - id: fee-exemptions", "  - id: school-meals"),
     "services.yaml:39:9: services[1].id: duplicate id 'school-meals'; already used by services[0] at line 26"),
    ("duplicate-number", sub("    number: 2\n", "    number: 1\n"),
     "services.yaml:40:13: services[1].number: duplicate number 1; already used by services[0] at line 27"),
    ("number-gap", sub("    number: 2\n", "    number: 3\n"),
     "services.yaml:40:13: services[1].number: expected a number from 1 to 2 (numbers run from 1 without gaps), got 3"),
    ("unknown-department", sub("    departments: [县教体局]", "    departments: [县教育局]"),
     "services.yaml:47:19: services[1].departments[0]: unknown department '县教育局'"),
    ("unknown-chapter", sub("    number: 2\n    chapter: education", "    number: 2\n    chapter: health"),
     "services.yaml:41:14: services[1].chapter: unknown chapter 'health'"),
    ("unknown-audience", sub("[children-students]\n    eligibility: {every", "[elderly]\n    eligibility: {every"),
     "services.yaml:48:17: services[1].audiences[0]: unknown audience 'elderly'"),
    ("missing-en", sub("    name: {zh: 免学费, en: Free tuition}", "    name: {zh: 免学费}"),
     "services.yaml:42:11: services[1].name.en: missing; expected text in language 'en'"),
    ("empty-en", sub("    name: {zh: 免学费, en: Free tuition}", '    name: {zh: 免学费, en: ""}'),
     "services.yaml:42:25: services[1].name.en: expected non-empty text, got ''"),
    ("null-en", sub("    name: {zh: 免学费, en: Free tuition}", "    name: {zh: 免学费, en: }"),
     "services.yaml:42:24: services[1].name.en: expected text, got nothing"),
    ("unknown-language", sub("en: Free tuition}", "en: Free tuition, fr: Gratuit}"),
     "services.yaml:42:43: services[1].name.fr: unknown language 'fr'; expected one of zh, en"),
    ("chinese-in-en", sub("en: Free tuition}", "en: Free 学费 tuition}"),
     "services.yaml:42:25: services[1].name.en: expected text in Latin script, "
     "got Chinese character '学' at character 6"),
    ("slug-dotdot", sub("  - id: fee-exemptions", "  - id: ../x"),
     f"services.yaml:39:9: services[1].id: {SLUG}, got '../x'"),
    ("slug-space", sub("  - id: fee-exemptions", "  - id: Has Space"),
     f"services.yaml:39:9: services[1].id: {SLUG}, got 'Has Space'"),
    ("number-as-word", sub("    number: 2\n", "    number: one\n"),
     "services.yaml:40:13: services[1].number: expected a whole number, got 'one'"),
    ("provisions-as-string", sub("""    provisions:
      - recipients: {zh: 学生, en: Students}
        standard: {zh: 免除学费。, en: No tuition fees.}
        funding: {zh: 县承担。, en: Paid by the county.}
""", "    provisions: free tuition for everyone\n"),
     "services.yaml:43:17: services[1].provisions: expected a list, got 'free tuition for everyone'"),
    ("unknown-field", sub("      - recipients: {zh: 学生", "      - recipents: {zh: 学生"),
     "services.yaml:44:9: services[1].provisions[0].recipents: unknown field 'recipents' (did you mean 'recipients'?)"),
    ("missing-required", sub("    keywords: {zh: [免学费], en: [free school]}\n", ""),
     "services.yaml:39:5: services[1].keywords: missing required field 'keywords'"),
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
     "services.yaml:39:5: services[1].summary: missing required field 'summary'"),
    ("summary-empty-en", summary('{zh: 免除学费。, en: ""}'),
     "services.yaml:51:30: services[1].summary.en: expected non-empty text, got ''"),
    ("summary-chinese-in-en", summary("{zh: 免除学费。, en: No 学费.}"),
     "services.yaml:51:30: services[1].summary.en: expected text in Latin script, got Chinese character '学' at character 4"),
    ("summary-zh-too-long", summary("{zh: " + "免" * 80 + "。, en: No fees.}"),
     "services.yaml:51:19: services[1].summary.zh: expected at most 80 characters (one line), got 81"),
    ("summary-en-too-long", summary("{zh: 免除学费。, en: " + "No fees " * 30 + "at all.}"),
     "services.yaml:51:30: services[1].summary.en: expected at most 240 characters (one line), got 247"),
    ("summary-zh-cut-off", summary("{zh: 免除义务教育阶段学生的学, en: No fees.}"),
     "services.yaml:51:19: services[1].summary.zh: expected a full sentence ending with '。', "
     "got text ending with '免除义务教育阶段学生的学'"),
    ("summary-en-cut-off", summary("{zh: 免除学费。, en: Students pay no tuition fees for their}"),
     "services.yaml:51:30: services[1].summary.en: expected a full sentence ending with '.', "
     "got text ending with 'es for their'"),
    ("summary-en-two-lines", summary('{zh: 免除学费。, en: "No tuition\\nfees."}'),
     "services.yaml:51:30: services[1].summary.en: expected one line, got a line break at character 11"),
    ("situation-covers-not-own-text", situation("{zh: 免除学费, en: scholarships}"),
     "services.yaml:52:83: services[1].situations[0].covers.en: expected words of this service's own name, summary, "
     "recipients or standard in 'en', got 'scholarships'"),
    ("situation-without-covers",
     sub(KEYWORDS_2, f"{KEYWORDS_2}    situations:\n      - {{says: {{zh: [交不起学费], en: [no money]}}}}\n"),
     "services.yaml:52:9: services[1].situations[0].covers: missing required field 'covers'"),
    ("synonym-unknown-language",
     synonym(f"terms: [学校饭], means: [营养改善], lang: fr, {PLAN}"),
     "services.yaml:55:41: synonyms[0].lang: expected one of the languages 'zh', 'en', got 'fr'"),
    ("synonym-means-not-a-name",
     synonym(f"terms: [学校饭], means: [义务教育学生], lang: zh, {PLAN}"),
     "services.yaml:55:28: synonyms[0].means[0]: expected words of a service's name or keywords in 'zh', got '义务教育学生'"),
    ("synonym-without-source", synonym("terms: [学校饭], means: [营养改善], lang: zh"),
     "services.yaml:55:5: synonyms[0].source: missing required field 'source'"),
    ("department-formerly-bad-date",
     sub("    aliases: [县财政局]\n", "    aliases: [县财政局]\n    formerly: [{name: {zh: 测试县财政所, en: Finance Office}, "
         f"until: 2019-3, {PLAN}}}]\n"),
     "services.yaml:21:64: departments[1].formerly[0].until: expected a year YYYY or a date YYYY-MM-DD, got '2019-3'"),
    ("department-now-without-source",
     sub("    aliases: [县财政局]\n", "    aliases: [县财政局]\n    now: {name: {zh: 测试县财政金融局, en: Finance Bureau}, "
         "since: 2019}\n"),
     "services.yaml:21:10: departments[1].now.source: missing required field 'source'"),
    ("alias-of-two-departments", sub("    aliases: [县财政局]", "    aliases: [县财政局, 县教体局]"),
     "services.yaml:20:21: departments[1].aliases[1]: alias '县教体局' already names department 'education-sports'"),
    ("config-bad-script", sub("script: Latn", "script: Latin", file="site_config.yml"),
     "site_config.yml:3:54: languages[1].script: expected Hans (Chinese characters) or Latn (Latin letters only), got 'Latin'"),
    ("config-bad-region", sub("region: gb", "region: GB", file="site_config.yml"),
     "site_config.yml:3:68: languages[1].region: expected a two-letter region code in lower case such as cn or gb, got 'GB'"),
    ("config-no-region", sub(", region: gb", "", file="site_config.yml"),
     "site_config.yml:3:5: languages[1].region: missing required field 'region'"),
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
     "services.yaml:1:1: more than 20 lines and list items (84); the file is too large (set under limits: in site_config.yml)"),
]


def eligibility(value: str) -> tuple[str, str, str]:
    """Edit: the second tiny service's eligibility (line 49) becomes `value`, which starts at column 18."""
    return sub("    eligibility: {everyone: true}\n", f"    eligibility: {value}\n")


ELIG = "services.yaml:49:{col}: services[1].eligibility{path}: {message}"
ELIGIBILITY_CASES = [
    # id, eligibility value, column, path, message; the value starts at column 18, columns point at the offending key or value
    ("unknown-criterion", "{any: [{income: low}]}", 26, ".any[0].income", "unknown field 'income'"),
    ("misspelt-criterion", "{any: [{veterans: true}]}", 26, ".any[0].veterans",
     "unknown field 'veterans' (did you mean 'veteran'?)"),
    ("age-min-above-max", "{any: [{age: {min: 70, max: 60}}]}", 37, ".any[0].age.min", "min 70 is more than max 60"),
    ("child-min-above-max", "{any: [{child: {age: {min: 6, max: 3}}}]}", 45, ".any[0].child.age.min",
     "min 6 is more than max 3"),
    ("child-age-over-25", "{any: [{child: {age: {min: 26}}}]}", 45, ".any[0].child.age.min",
     "expected a whole number of years from 0 to 25 (the finder describes children aged 25 or under), got the number 26"),
    ("child-unknown-field", "{any: [{child: {school: [primary]}}]}", 34, ".any[0].child.school",
     "unknown field 'school'"),
    ("child-grade-5", "{any: [{child: {disability: [5]}}]}", 47, ".any[0].child.disability[0]",
     "expected a disability certificate grade from 1 to 4, got the number 5"),
    ("child-empty", "{any: [{child: {}}]}", 33, ".any[0].child", "expected at least 1 field(s), got an empty mapping"),
    ("unknown-child-study", "{any: [{child: {study: [college]}}]}", 42, ".any[0].child.study[0]",
     "expected one of none, preschool, primary, junior, senior, vocational, university, got 'college'"),
    ("age-negative", "{any: [{age: {min: -1}}]}", 37, ".any[0].age.min",
     "expected a whole number of years from 0 to 150, got the number -1"),
    ("age-as-text", "{any: [{age: {min: sixty}}]}", 37, ".any[0].age.min", "expected a whole number, got 'sixty'"),
    ("age-empty", "{any: [{age: {}}]}", 31, ".any[0].age", "expected at least 1 field(s), got an empty mapping"),
    ("unknown-status", "{any: [{status: [poor]}]}", 35, ".any[0].status[0]",
     "expected one of dibao, tekun, registered-poor, low-income, got 'poor'"),
    ("status-twice", "{any: [{status: [dibao, dibao]}]}", 34, ".any[0].status", "expected each value once, got 'dibao' twice"),
    ("status-not-a-list", "{any: [{status: dibao}]}", 34, ".any[0].status", "expected a list, got 'dibao'"),
    ("disability-grade-5", "{any: [{disability: [5]}]}", 39, ".any[0].disability[0]",
     "expected a disability certificate grade from 1 to 4, got the number 5"),
    ("disability-grade-0", "{any: [{disability: [1, 0]}]}", 42, ".any[0].disability[1]",
     "expected a disability certificate grade from 1 to 4, got the number 0"),
    ("unknown-sex", "{any: [{sex: man}]}", 31, ".any[0].sex", "expected male or female, got 'man'"),
    ("unknown-residence", "{any: [{residence: town}]}", 37, ".any[0].residence",
     "expected urban, rural or ask (urban/rural: household registration; ask: depends on where one lives or works), got 'town'"),
    ("unknown-study", "{any: [{study: [college]}]}", 34, ".any[0].study[0]",
     "expected one of none, preschool, primary, junior, senior, vocational, university, got 'college'"),
    ("old-school-criterion", "{any: [{school: [primary]}]}", 26, ".any[0].school", "unknown field 'school'"),
    ("unknown-work", "{any: [{work: [retired]}]}", 33, ".any[0].work[0]",
     "expected one of unemployed, graduate, employee, flexible, none, got 'retired'"),
    ("unknown-family-planning", "{any: [{family-planning: [twins]}]}", 44, ".any[0].family-planning[0]",
     "expected one of only-child, two-daughters, child-died-or-disabled, got 'twins'"),
    ("pregnant-false", "{any: [{pregnant: false}]}", 36, ".any[0].pregnant",
     "expected true (leave 'pregnant' out when it does not matter), got false"),
    ("veteran-text", "{any: [{veteran: yes}]}", 35, ".any[0].veteran",
     "expected true (leave 'veteran' out when it does not matter), got 'yes'"),
    ("everyone-false", "{everyone: false}", 29, ".everyone",
     "expected true (leave 'everyone' out when the service is not for all residents), got false"),
    ("everyone-and-any", "{everyone: true, any: [{age: {min: 6}}]}", 40, ".any",
     "expected either everyone: true or any: [rule sets], not both"),
    ("neither-everyone-nor-any", "{other: x}", 19, ".other", "unknown field 'other'"),
    ("empty-eligibility", "{}", 18, "", "expected everyone: true or any: [rule sets], got neither"),
    ("empty-any", "{any: []}", 24, ".any", "expected at least 1 item(s), got 0"),
    ("empty-rule-set", "{any: [{}]}", 25, ".any[0]", "expected at least 1 field(s), got an empty mapping"),
    ("other-without-en", "{any: [{other: {zh: 符合条件的}}]}", 33, ".any[0].other.en", "missing; expected text in language 'en'"),
    # basis: the words of the service's own name (免学费), recipients (学生) or standard (免除学费。) the rule set encodes
    ("rule-set-without-basis", "{any: [{age: {min: 6}}]}", 25, ".any[0]", "expected basis: the exact words of the "
     "service's own name, recipients or standard this rule set encodes, got none"),
    ("basis-not-the-service-words", "{any: [{age: {min: 6}, basis: 儿童}]}", 48, ".any[0].basis",
     "expected the exact words of this service's own name, recipients or standard, got '儿童'"),
    ("basis-of-another-field", "{any: [{basis: 中央承担, study: [primary]}]}", 33, ".any[0].basis",
     "expected the exact words of this service's own name, recipients or standard, got '中央承担'"),
    ("basis-without-criteria", "{any: [{basis: 学生}]}", 25, ".any[0]",
     "expected at least one criterion besides basis, got only basis"),
]


@pytest.mark.parametrize(("value", "col", "path", "message"),
                         [pytest.param(v, c, p, m, id=i) for i, v, c, p, m in ELIGIBILITY_CASES])
def test_bad_eligibility_is_reported(tiny_handbook: Path, run_cli, value: str, col: int, path: str, message: str) -> None:
    apply_edit(tiny_handbook, eligibility(value))
    check_broken(tiny_handbook, run_cli, ELIG.format(col=col, path=path, message=message))


def test_missing_eligibility_is_reported(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, sub("    eligibility: {everyone: true}\n", ""))
    check_broken(tiny_handbook, run_cli, "services.yaml:39:5: services[1].eligibility: missing required field 'eligibility'")


def test_good_eligibility_passes(tiny_handbook: Path, run_cli) -> None:
    rules = ("{any: [{basis: 学生, age: {min: 60}, sex: male, residence: rural, family-planning: [only-child, two-daughters]}, "
             "{status: [dibao], disability: [1, 2], pregnant: true, child: {age: {max: 3}, study: [preschool], disability: [2]}, "
             "study: [primary], work: [unemployed, none], "
             "veteran: true, other: {zh: 符合条件的, en: Those who qualify}, basis: 免除学费}]}")
    apply_edit(tiny_handbook, eligibility(rules))
    assert run_cli("--root", str(tiny_handbook), "check")[:3:2] == (0, "")


EVERYONE_AUDIENCE = sub("audiences:\n  - id: children-students\n", """audiences:
  - id: everyone
    name: {zh: 全体居民, en: Everyone}
    description: {zh: 所有居民。, en: All residents.}
  - id: children-students
""")  # three lines added above the services: the first service's audiences are on line 38, the second's eligibility on 52


def test_everyone_audience_on_a_service_not_for_everyone_is_reported(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, EVERYONE_AUDIENCE)
    apply_edit(tiny_handbook, sub("    audiences: [children-students]\n    eligibility: {any",
                                  "    audiences: [children-students, everyone]\n    eligibility: {any"))
    check_broken(tiny_handbook, run_cli, "services.yaml:38:36: services[0].audiences[1]: "
                                         "audience 'everyone' is only for services whose eligibility is everyone: true")


def test_service_for_everyone_without_the_everyone_audience_is_reported(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, EVERYONE_AUDIENCE)
    check_broken(tiny_handbook, run_cli, "services.yaml:52:29: services[1].eligibility.everyone: "
                                         "a service for everyone must list audience 'everyone' in audiences")


def test_service_for_everyone_with_the_everyone_audience_passes(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, EVERYONE_AUDIENCE)
    apply_edit(tiny_handbook, sub("    audiences: [children-students]\n    eligibility: {every",
                                  "    audiences: [children-students, everyone]\n    audience_basis: {children-students: 学生}\n"
                                  "    eligibility: {every"))  # a group tag on a service for everyone cites the source
    assert run_cli("--root", str(tiny_handbook), "check")[:3:2] == (0, "")


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
        "services.yaml:39:9: services[1].id: duplicate id 'school-meals'; already used by services[0] at line 26",
        "services.yaml:42:11: services[1].name.en: missing; expected text in language 'en'",
        "services.yaml:47:19: services[1].departments[0]: unknown department '县教育局'",
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
    from generator.data.yamlnodes import parse_nodes, parse_nodes_slowly
    text = TINY_SERVICES if name == "tiny" else (ROOT / name).read_text(encoding="utf-8")
    assert parse_nodes(text, name) == parse_nodes_slowly(text, name)


def test_yaml_1_1_line_breaks_are_read_as_yaml_1_2() -> None:
    """U+2028 is a line break to libyaml (YAML 1.1) but text in YAML 1.2: the value keeps it."""
    from generator.data.yamlnodes import MapNode, ScalarNode, parse_nodes
    root = parse_nodes("a: x\u2028y\nb: 1\n", "t.yaml")
    assert isinstance(root, MapNode)
    value, b = root.items["a"], root.items["b"]
    assert isinstance(value, ScalarNode) and value.value == "x\u2028y"
    assert b.pos.line == 2


def test_summary_is_loaded_as_text(tiny_handbook: Path) -> None:
    from generator.data.load import load_project

    apply_edit(tiny_handbook, summary("{zh: 学生免学费。, en: Students pay no tuition fees.}"))
    service = load_project(tiny_handbook)[1].service(2)
    assert (service.summary["zh"], service.summary["en"]) == ("学生免学费。", "Students pay no tuition fees.")
SECOND_NUMBER = sub("    chapter: education\n    name: {zh: 免学费",
                    "    chapter: education\n    number: 2\n    name: {zh: 免学费")


def problems_of(root: Path, run_cli) -> list[str]:
    """`handbook check` on a broken project → its problem lines (the count line checked and dropped)."""
    code, out, err = run_cli("--root", str(root), "check")
    lines = err.splitlines()
    assert (code, out) == (1, ""), err
    assert lines[-1] == f"{len(lines) - 1} problem{'s' if len(lines) != 2 else ''} found; nothing was written.", err
    return lines[:-1]


def test_every_tab_and_duplicate_key_then_the_first_syntax_error(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, sub("    number: 1\n    chapter", "\tnumber: 1\n\tchapter"))
    apply_edit(tiny_handbook, sub("    name: {zh: 营养改善", "    chapter: education\n    name: {zh: 营养改善"))
    apply_edit(tiny_handbook, SECOND_NUMBER)
    apply_edit(tiny_handbook, sub("[education-sports]\n", "[education-sports\n"))  # line 10: unclosed
    assert problems_of(tiny_handbook, run_cli) == [
        "services.yaml:11:10: invalid YAML: expected ',' or ']', but got ':'",
        "services.yaml:27:1: tab character in indentation; indent with spaces",
        "services.yaml:28:1: tab character in indentation; indent with spaces",
    ]  # the syntax error stops the reading at line 11: the duplicates below it are not reached


def test_every_duplicate_key_and_tab_then_schema_problems(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, sub("    number: 1\n    chapter", "\tnumber: 1\n\tchapter"))
    apply_edit(tiny_handbook, sub("    name: {zh: 营养改善", "    chapter: education\n    name: {zh: 营养改善"))
    apply_edit(tiny_handbook, SECOND_NUMBER)
    apply_edit(tiny_handbook, sub("    name: {zh: 免学费, en: Free tuition}", "    name: {zh: 免学费}"))
    assert problems_of(tiny_handbook, run_cli) == [
        "services.yaml:27:1: tab character in indentation; indent with spaces",
        "services.yaml:28:1: tab character in indentation; indent with spaces",
        "services.yaml:29:5: duplicate key 'chapter' (first defined at line 28)",
        "services.yaml:43:5: duplicate key 'number' (first defined at line 41)",
        "services.yaml:44:11: services[1].name.en: missing; expected text in language 'en'",
    ]


def test_a_bad_site_config_hides_no_services_problem(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, sub("script: Latn", "script: Latin", file="site_config.yml"))
    apply_edit(tiny_handbook, sub("site_url:", "site_url: https://example.org/other/\nsite_url:", file="site_config.yml"))
    apply_edit(tiny_handbook, sub("title: {zh", "\ttitle: {zh", file="site_config.yml"))
    apply_edit(tiny_handbook, sub("    name: {zh: 免学费, en: Free tuition}", "    name: {zh: 免学费}"))
    apply_edit(tiny_handbook, sub("    departments: [县教体局]", "    departments: [县教育局]"))
    assert problems_of(tiny_handbook, run_cli) == [
        "services.yaml:42:11: services[1].name.en: missing; expected text in language 'en'",
        "services.yaml:47:19: services[1].departments[0]: unknown department '县教育局'",
        "site_config.yml:3:54: languages[1].script: expected Hans (Chinese characters) or Latn (Latin letters only), "
        "got 'Latin'",
        "site_config.yml:5:1: duplicate key 'site_url' (first defined at line 4)",
        "site_config.yml:6:1: tab character in indentation; indent with spaces",
    ]


def test_an_unreadable_site_config_still_shows_the_yaml_problems_of_services(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, sub("site_url:", "site_url: [\n", file="site_config.yml"))
    apply_edit(tiny_handbook, sub("    name: {zh: 营养改善", "    chapter: education\n    name: {zh: 营养改善"))
    apply_edit(tiny_handbook, sub("    name: {zh: 免学费, en: Free tuition}", "    name: {zh: 免学费}"))  # needs the languages
    assert problems_of(tiny_handbook, run_cli) == [
        "services.yaml:29:5: duplicate key 'chapter' (first defined at line 28)",
        "site_config.yml:6:6: invalid YAML: expected ',' or ']', but got ':'",
    ]


QUALIFIERS = sub(GLOSSARY_END, GLOSSARY_END + "qualifiers:\n  - {words: {zh: [义务教育], en: [in compulsory education]}}\n"
                 "  - {words: {zh: [符合条件], en: [eligible]}, general: true}\n")


def test_summary_that_drops_a_limit_of_its_recipients_is_reported(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, QUALIFIERS)
    apply_edit(tiny_handbook, sub("summary: {zh: 义务教育学生每人每天获得4元。", "summary: {zh: 学生每人每天获得4元。"))
    check_broken(tiny_handbook, run_cli, "services.yaml:38:19: services[0].summary.zh: expected the limit '义务教育' that "
                 "its recipients have (or a general one such as '符合条件'), got a summary without it (leaving it out on "
                 "purpose goes under summary_omits, with the reason)")


def test_summary_with_the_general_limit_may_leave_the_list_to_the_page(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, QUALIFIERS)
    apply_edit(tiny_handbook, sub("summary: {zh: 义务教育学生每人每天获得4元。, en: Students in compulsory education",
                                  "summary: {zh: 符合条件的学生每人每天获得4元。, en: Eligible students"))
    assert run_cli("--root", str(tiny_handbook), "check")[:3:2] == (0, "")


def test_english_summary_that_drops_the_limit_the_chinese_keeps_is_reported(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, QUALIFIERS)
    apply_edit(tiny_handbook, sub("en: Students in compulsory education get CNY 4 a day.}",
                                  "en: Students get CNY 4 a day for compulsory education.}"))
    check_broken(tiny_handbook, run_cli, "services.yaml:38:40: services[0].summary.en: expected the limit the zh summary "
                 "keeps ('义务教育'): 'in compulsory education', got a summary without it")


def test_an_omission_the_summary_does_not_make_is_reported(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, QUALIFIERS)
    apply_edit(tiny_handbook, sub("    audiences: [children-students]\n    eligibility: {any",
                                  "    audiences: [children-students]\n"
                                  "    summary_omits: [{word: 义务教育, reason: {zh: 无。, en: None.}}]\n    eligibility: {any"))
    check_broken(tiny_handbook, run_cli, "services.yaml:36:28: services[0].summary_omits[0].word: expected a limit its "
                 "recipients have and its summary leaves out, got '义务教育'")


def project_qualifiers() -> str:
    """The project's own `qualifiers` block (the words and the age pattern the real check uses)."""
    text = (ROOT / "services.yaml").read_text(encoding="utf-8")
    block = text[text.index("\nqualifiers:\n") + 1:]
    return block[:block.index("\n\n") + 1] if "\n\n" in block else block


def limited(recipients: str, zh: str, en: str) -> list[tuple[str, str, str]]:
    """Edits: the project's qualifiers, service 1 for `recipients`, and its summary (line 38) in both languages."""
    return [sub(GLOSSARY_END, GLOSSARY_END + project_qualifiers()),
            sub("recipients: {zh: 义务教育学生,", f"recipients: {{zh: {recipients},"),
            sub("summary: {zh: 义务教育学生每人每天获得4元。, en: Students in compulsory education get CNY 4 a day.}",
                f"summary: {{zh: {zh}, en: {en}}}")]


# Second read 2026-12-05: No. 52 (不满十六周岁, a Chinese numeral), No. 18 (无雇工) and No. 24 (企业职工) passed the check
# with summaries that dropped the limit.
# Each: recipients, a Chinese summary without the limit, one with it, the limit, an English summary saying it, its forms.
LIMITS = [("不满十六周岁的学生", "学生每人每天获得4元。", "不满十六周岁的学生每人每天获得4元。", "十六周岁",
           "Students under 16 get CNY 4 a day.", "'aged'"),
          ("职工、无雇工的个体工商户", "职工和个体工商户每人每天获得4元。", "职工和无雇工的个体工商户每人每天获得4元。", "无雇工",
           "Employees and the self-employed with no employees get CNY 4 a day.", "'no employees'"),
          ("企业职工", "职工每人每天获得4元。", "企业职工每人每天获得4元。", "企业职工",
           "Employees of enterprises get CNY 4 a day.", "'enterprise'")]
LIMIT_FIELDS = ("recipients", "dropped", "kept", "limit", "en", "wanted")
LIMIT_IDS = ["chinese-numeral-age", "no-employees", "enterprise"]


@pytest.mark.parametrize(LIMIT_FIELDS, LIMITS, ids=LIMIT_IDS)
def test_summary_that_drops_a_project_qualifier_is_reported(tiny_handbook: Path, run_cli, recipients: str, dropped: str,
                                                             kept: str, limit: str, en: str, wanted: str) -> None:
    for edit in limited(recipients, dropped, en):
        apply_edit(tiny_handbook, edit)
    check_broken(tiny_handbook, run_cli, f"services.yaml:38:19: services[0].summary.zh: expected the limit '{limit}' that "
                 "its recipients have (or a general one such as '符合条件'), got a summary without it (leaving it out on "
                 "purpose goes under summary_omits, with the reason)")


@pytest.mark.parametrize(("numeral", "digits"), [("十六", "16"), ("十", "10"), ("二十五", "25"), ("六十", "60"),
                                                 ("一百零五", "105"), ("两百", "200"), ("58", "58")])
def test_chinese_numerals_are_compared_as_arabic_digits(numeral: str, digits: str) -> None:
    assert arabic(numeral) == digits


@pytest.mark.parametrize(LIMIT_FIELDS, LIMITS, ids=LIMIT_IDS)
def test_english_summary_must_say_the_project_qualifier_the_chinese_keeps(tiny_handbook: Path, run_cli, recipients: str,
                                                                         dropped: str, kept: str, limit: str, en: str,
                                                                         wanted: str) -> None:
    for edit in limited(recipients, kept, "Students and workers get CNY 4 a day."):
        apply_edit(tiny_handbook, edit)
    check_broken(tiny_handbook, run_cli, f"services.yaml:38:{19 + len(kept) + 6}: services[0].summary.en: expected the "
                 f"limit the zh summary keeps ('{limit}'): {wanted}, got a summary without it")
    apply_edit(tiny_handbook, sub("en: Students and workers get CNY 4 a day.}", f"en: {en}}}"))
    assert run_cli("--root", str(tiny_handbook), "check")[:3:2] == (0, "")


CRITERIA = sub("    name: {zh: 儿童和学生, en: Children and students}\n",
               "    name: {zh: 儿童和学生, en: Children and students}\n    criteria: [school]\n")


def test_audience_tag_with_neither_rules_nor_source_words_is_reported(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, CRITERIA)  # service 2 is for everyone, and its tag 'children-students' has no basis
    check_broken(tiny_handbook, run_cli, "services.yaml:49:17: services[1].audiences[0]: expected audience "
                 "'children-students' to rest on the eligibility rules or on the service's own words under "
                 "audience_basis, got neither")


def test_audience_basis_must_quote_the_service(tiny_handbook: Path, run_cli) -> None:
    apply_edit(tiny_handbook, CRITERIA)
    apply_edit(tiny_handbook, sub("    audiences: [children-students]\n    eligibility: {every",
                                  "    audiences: [children-students]\n    audience_basis: {children-students: 儿童}\n"
                                  "    eligibility: {every"))
    check_broken(tiny_handbook, run_cli, "services.yaml:50:41: services[1].audience_basis.children-students: expected "
                 "the exact words of this service's own name, recipients, standard or funding, got '儿童'")
    apply_edit(tiny_handbook, sub("audience_basis: {children-students: 儿童}", "audience_basis: {children-students: 学生}"))
    assert run_cli("--root", str(tiny_handbook), "check")[:3:2] == (0, "")


REORGANISED = """    reorganised:
      - function: {zh: 财政, en: finance}
        note: {zh: 职责已划出。, en: It moved.}
        services: [SERVICE]
        source: {zh: 测试来源, en: Test source}
        address: "https://example.org/reform"
        verified: "2026-12-05"
"""
ITEM = REORGANISED.removeprefix("    reorganised:\n")


def test_reorganised_note_on_a_service_the_department_does_not_deliver_is_reported(tiny_handbook: Path, run_cli) -> None:
    edit = REORGANISED.replace("SERVICE", "fee-exemptions") + ITEM.replace("SERVICE", "no-such-service")
    apply_edit(tiny_handbook, sub("    aliases: [县财政局]\n", "    aliases: [县财政局]\n" + edit))
    check_broken(tiny_handbook, run_cli,
                 "services.yaml:24:20: departments[1].reorganised[0].services[0]: expected a service that lists department "
                 "'finance', got 'fee-exemptions'")
    check_broken(tiny_handbook, run_cli,
                 "services.yaml:30:20: departments[1].reorganised[1].services[0]: unknown service 'no-such-service'")


def test_reorganised_note_without_its_source_address_is_reported(tiny_handbook: Path, run_cli) -> None:
    edit = REORGANISED.replace("SERVICE", "school-meals").replace("https://example.org/reform", "example.org")
    apply_edit(tiny_handbook, sub("    aliases: [县财政局]\n", "    aliases: [县财政局]\n" + edit))
    check_broken(tiny_handbook, run_cli, "services.yaml:26:18: departments[1].reorganised[0].address: expected a web "
                                         "address starting with http:// or https://, got 'example.org'")


def test_counted_string_without_a_plural_form_is_reported(tiny_handbook: Path, run_cli) -> None:
    """Counts go through CLDR plural rules: English needs a form for 'one' ("1 page"), Chinese only the one form."""
    english = "  en: {recipients: Who it is for, booklet_pages: '{count} pages'}\n"
    apply_edit(tiny_handbook, sub("  en: {recipients: Who it is for}\n", english, file="site_config.yml"))
    check_broken(tiny_handbook, run_cli, "site_config.yml:8:7: strings.en: expected the plural form 'booklet_pages_one' "
                                         "of a counted string in en, got none")
    check_broken(tiny_handbook, run_cli, "site_config.yml:7:7: strings.zh: expected the plural form 'booklet_pages' "
                                         "of a counted string in zh, got none")


def test_part_of_a_service_with_several_parts_needs_a_label(tiny_handbook: Path, run_cli) -> None:
    """Review 2026-12-05 No. 38: parts are named by what they are, in the service's own words."""
    part = ("      - recipients: {zh: 义务教育学生, en: Students in compulsory education}\n"
            "        standard: {zh: 每生每天4元。, en: CNY 4 per student per day.}\n"
            "        funding: {zh: 中央承担。, en: Paid by central government.}\n")
    apply_edit(tiny_handbook, sub(part, part + part.replace("      - recipients", "      - label: {zh: 营养餐, en: Meals}\n"
                                                            "        recipients")))
    check_broken(tiny_handbook, run_cli, "services.yaml:31:9: services[0].provisions[0]: expected a label saying what "
                                         "this part is (a service with several parts), got none")
    check_broken(tiny_handbook, run_cli, "services.yaml:34:21: services[0].provisions[1].label.zh: expected words of the "
                                         "service's own name or of this part, got '营养餐'")
