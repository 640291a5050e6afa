"""Project files → validated model: YAML → positioned nodes → checks → frozen dataclasses."""
from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .cross_checks import check_across, check_stale
from .errors import BuildError, DataError, Problem
from .model import (
    Apply,
    Audience,
    Channel,
    Chapter,
    ChildRule,
    Contact,
    Department,
    Eligibility,
    FormerName,
    Handbook,
    HistoryEntry,
    Language,
    NewName,
    Omission,
    Provision,
    Qualifier,
    Reorganisation,
    RuleSet,
    Service,
    SiteConfig,
    Situation,
    Source,
    Synonym,
    Target,
    Term,
    Text,
    Years,
)
from .plurals import check_plural_forms
from .schema_checks import check_schema, load_schema
from .yamlnodes import LIMIT_HINT, Limits, read_nodes, to_plain

SERVICES_FILE = "services.yaml"
CONFIG_FILE = "site_config.yml"


def load_config(root_dir: Path) -> SiteConfig:
    """site_config.yml → SiteConfig, or DataError listing every problem."""
    config, problems, _ = read_config(root_dir)
    if config is None:
        raise DataError(problems)
    return config


def read_config(root_dir: Path) -> tuple[SiteConfig | None, list[Problem], list[tuple[str, str]]]:
    """site_config.yml → (SiteConfig or None, every problem, the well-formed (code, script) languages): even a bad
    file tells which languages to check services.yaml in."""
    path = root_dir / CONFIG_FILE
    root, problems = read_nodes(path, path.name)
    if root is None:
        return None, problems, []
    data = to_plain(root)
    languages = [(lang["code"], lang["script"]) for lang in plain_languages(data)]
    problems += check_schema(data, root, load_schema("site_config.schema.json"), languages)
    problems += check_plural_forms(data, root)
    if problems:
        return None, problems, languages
    assert isinstance(data, dict)  # checked: a mapping of the schema's shape
    return build_config(data), [], languages


def build_config(data: dict[str, Any]) -> SiteConfig:
    """Validated site_config.yml data → SiteConfig."""
    limits = data.get("limits", {})
    return SiteConfig(
        languages=tuple(Language(**lang) for lang in data["languages"]),
        site_url=data.get("site_url"),
        title=Text.of(data["title"]),
        strings={code: dict(strings) for code, strings in data["strings"].items()},
        sheets=data.get("editions", {}).get("sheets", SiteConfig.sheets),
        max_bytes=round(limits["services_megabytes"] * 1024 * 1024) if "services_megabytes" in limits else SiteConfig.max_bytes,
        max_values=limits.get("services_values", SiteConfig.max_values),
        workbook_bytes=round(limits["workbook_megabytes"] * 1024 * 1024) if "workbook_megabytes" in limits
        else SiteConfig.workbook_bytes,
        workbook_rows=limits.get("workbook_rows", SiteConfig.workbook_rows),
        cell_characters=limits.get("workbook_cell_characters", SiteConfig.cell_characters),
    )


def with_site_url(config: SiteConfig, site_url: str) -> SiteConfig:
    """Settings and a site URL given for one build (--site-url) → the settings with it, or BuildError if malformed."""
    rule = load_schema("site_config.schema.json")["properties"]["site_url"]
    if not re.fullmatch(rule["pattern"], site_url):
        raise BuildError(f"--site-url: expected {rule['x-expected']}, got {site_url!r}")
    return dataclasses.replace(config, site_url=site_url)


def plain_languages(plain: object) -> list[dict[str, str]]:
    """The well-formed language entries of a config, before full validation (to check text fields)."""
    langs = plain.get("languages") if isinstance(plain, dict) else None
    return [x for x in langs or [] if isinstance(x, dict) and isinstance(x.get("code"), str) and isinstance(x.get("script"), str)]


def load_handbook(root_dir: Path, config: SiteConfig, today: date | None = None) -> Handbook:
    """services.yaml → Handbook (with warnings for checks older than a year before `today`), or DataError listing every
    problem."""
    return load_services(root_dir / SERVICES_FILE, SERVICES_FILE, config, today)


def load_services(path: Path, name: str, config: SiteConfig, today: date | None = None) -> Handbook:
    """A services file (shown to the editor as `name`) → Handbook, or DataError listing every problem."""
    limits = Limits(config.max_bytes, config.max_values, LIMIT_HINT)
    handbook, problems = read_handbook(path, name, [(lang.code, lang.script) for lang in config.languages], limits, today)
    if handbook is None:
        raise DataError(problems)
    return handbook


def read_handbook(path: Path, name: str, languages: list[tuple[str, str]], limits: Limits,
                  today: date | None = None) -> tuple[Handbook | None, list[Problem]]:
    """A services file → (Handbook or None, every problem): the YAML-level ones (every tab and duplicate key, the
    first syntax error); unless there was a syntax error, the schema's; and, when the languages are known, the
    cross-checks'. A good file's Handbook carries warnings for checks older than a year before `today`."""
    root, problems = read_nodes(path, name, limits)
    if root is None or not languages:  # no tree, or no languages to check its texts in (site_config.yml unreadable)
        return None, problems
    data = to_plain(root)
    codes = tuple(code for code, _ in languages)
    problems += check_schema(data, root, load_schema("services.schema.json"), languages)
    problems += check_across(data, root, list(codes))
    if problems:
        return None, problems
    warnings = tuple(str(p) for p in check_stale(data, root, today or date.today()))
    return build_handbook(data, codes, warnings), []  # type: ignore[arg-type]  # checked: a mapping of the schema's shape


def load_project(root_dir: Path, today: date | None = None) -> tuple[SiteConfig, Handbook]:
    """A project directory → its validated settings and data, or DataError listing every problem in both files."""
    config, problems, languages = read_config(root_dir)
    limits = Limits(config.max_bytes, config.max_values, LIMIT_HINT) if config else Limits(hint=LIMIT_HINT)
    handbook, more = read_handbook(root_dir / SERVICES_FILE, SERVICES_FILE, languages, limits, today)
    if config is None or handbook is None:
        raise DataError(problems + more)
    return config, handbook


# --- plain data → dataclasses (data already valid) ------------------------------------------------

def optional_text(data: dict[str, Any], key: str) -> Text | None:
    """An optional localized field → Text or None."""
    return Text.of(data[key]) if key in data else None


def build_handbook(data: dict[str, Any], codes: tuple[str, ...], warnings: tuple[str, ...] = ()) -> Handbook:
    """Validated plain data → Handbook."""
    aliases = {alias: d["id"] for d in data["departments"] for alias in d["aliases"]}
    aliases.update({d["id"]: d["id"] for d in data["departments"]})  # an id always names its own department
    short = {d["id"]: d["short_name"][codes[0]] for d in data["departments"]}
    services = tuple(sorted((build_service(s, aliases, short, codes) for s in data["services"]), key=lambda s: s.number))
    chapter_ids = tuple(c["id"] for c in sorted(data["chapters"], key=lambda c: c["number"]))
    return Handbook(
        source=build_source(data["source"]),
        chapters=tuple(sorted((build_chapter(c, aliases, services) for c in data["chapters"]), key=lambda c: c.number)),
        departments=tuple(build_department(d) for d in data["departments"]),
        audiences=tuple(Audience(a["id"], Text.of(a["name"]), Text.of(a["description"]),
                                 tuple(a["criteria"]) if "criteria" in a else None) for a in data["audiences"]),
        services=services,
        glossary=tuple(build_term(t) for t in data["glossary"]),
        synonyms=tuple(build_synonym(s) for s in data.get("synonyms") or []),
        channels=tuple(build_channel(c, chapter_ids) for c in data.get("channels") or []),
        qualifiers=tuple(Qualifier({code: tuple(w) for code, w in q["words"].items()}, q.get("pattern"), q.get("general", False))
                         for q in data.get("qualifiers") or []),
        warnings=warnings,
    )


def build_source(data: dict[str, Any]) -> Source:
    """Validated source mapping → Source."""
    return Source(Text.of(data["title"]), Text.of(data["issuer"]), Text.of(data["number"]), data["date"],
                  optional_text(data, "note"))


def build_chapter(data: dict[str, Any], aliases: dict[str, str], services: tuple[Service, ...]) -> Chapter:
    """Validated chapter mapping → Chapter, with its services' numbers."""
    return Chapter(
        id=data["id"],
        number=data["number"],
        title=Text.of(data["title"]),
        lead_departments=tuple(aliases[d] for d in data["lead_departments"]),
        intro=Text.of(data["intro"]),
        targets=tuple(build_target(t) for t in data.get("targets") or []),
        services=tuple(s.number for s in services if s.chapter == data["id"]),
    )


def build_target(data: dict[str, Any]) -> Target:
    """Validated target mapping → Target."""
    return Target(Text.of(data["label"]), data["value"], Text.of(data["unit"]), optional_text(data, "qualifier"),
                  optional_text(data, "when"))


def build_department(data: dict[str, Any]) -> Department:
    """Validated department mapping → Department."""
    return Department(data["id"], Text.of(data["name"]), Text.of(data["short_name"]), tuple(data["aliases"]),
                      formerly=tuple(FormerName(Text.of(f["name"]), str(f["until"]), Text.of(f["source"]))
                                     for f in data.get("formerly") or []),
                      now=build_new_name(data["now"]) if "now" in data else None,
                      reorganised=tuple(Reorganisation(Text.of(r["function"]), Text.of(r["note"]), tuple(r["services"]),
                                                       Text.of(r["source"]), r["address"], r["verified"])
                                        for r in data.get("reorganised") or []),
                      contact=build_contact(data["contact"]) if data.get("contact") else None)


def build_new_name(data: dict[str, Any]) -> NewName:
    """Validated `now` mapping → NewName."""
    return NewName(Text.of(data["name"]), str(data["since"]), Text.of(data["source"]))


def build_synonym(data: dict[str, Any]) -> Synonym:
    """Validated synonyms entry → Synonym."""
    return Synonym(tuple(data["terms"]), tuple(data["means"]), data["lang"], Text.of(data["source"]))


def build_contact(data: dict[str, Any]) -> Contact:
    """Validated contact mapping → Contact."""
    return Contact(optional_text(data, "address"), data.get("phone"), optional_text(data, "hours"), data.get("website"),
                   Text.of(data["source"]), data["verified"])


def build_channel(data: dict[str, Any], chapter_ids: tuple[str, ...]) -> Channel:
    """Validated channel mapping → Channel, scope 'all' spelled out as every chapter id."""
    scope = chapter_ids if data["scope"] == "all" else tuple(data["scope"])
    return Channel(data["id"], Text.of(data["name"]), data["phone"], scope, Text.of(data["source"]), data["verified"])


def build_lines(data: dict[str, Any], key: str, codes: tuple[str, ...]) -> tuple[Text, ...]:
    """A per-language list (same length in each language, checked) → one Text per item."""
    lists = data.get(key) or {}
    return tuple(Text.of({code: lists[code][i] for code in codes}) for i in range(len(lists.get(codes[0], []))))


def build_apply(data: dict[str, Any], codes: tuple[str, ...]) -> Apply:
    """Validated apply mapping → Apply."""
    return Apply(optional_text(data, "where"), build_lines(data, "documents", codes), build_lines(data, "steps", codes),
                 data.get("online"), Text.of(data["source"]), data["verified"])


def build_history(data: dict[str, Any]) -> HistoryEntry:
    """Validated history mapping → HistoryEntry."""
    return HistoryEntry(data["date"], Text.of(data["summary"]), Text.of(data["source"]))


def build_service(data: dict[str, Any], aliases: dict[str, str], short: dict[str, str], codes: tuple[str, ...]) -> Service:
    """Validated service mapping → Service, department names resolved to ids."""
    departments = tuple(dict.fromkeys(aliases[d] for d in data["departments"]))
    return Service(
        id=data["id"],
        number=data["number"],
        chapter=data["chapter"],
        name=Text.of(data["name"]),
        summary=Text.of(data["summary"]),
        provisions=tuple(Provision(Text.of(p["recipients"]), Text.of(p["standard"]), Text.of(p["funding"]),
                                   optional_text(p, "label")) for p in data["provisions"]),
        departments=departments,
        audiences=tuple(data["audiences"]),
        eligibility=build_eligibility(data["eligibility"]),
        keywords={code: tuple(words) for code, words in data["keywords"].items()},
        note=optional_text(data, "note"),
        appendix_departments=data.get("appendix_departments") or "、".join(short[d] for d in departments),
        history=tuple(build_history(h) for h in data.get("history") or []),
        apply=build_apply(data["apply"], codes) if "apply" in data else None,
        situations=tuple(Situation({code: tuple(says) for code, says in s["says"].items()}, Text.of(s["covers"]))
                         for s in data.get("situations") or []),
        summary_omits=tuple(Omission(o["word"], Text.of(o["reason"])) for o in data.get("summary_omits") or []),
        audience_basis=MappingProxyType(dict(data.get("audience_basis") or {})),
    )


def build_eligibility(data: dict[str, Any]) -> Eligibility:
    """Validated eligibility mapping → Eligibility."""
    return Eligibility(everyone=data.get("everyone", False), any=tuple(build_ruleset(r) for r in data.get("any", [])))


def build_ruleset(data: dict[str, Any]) -> RuleSet:
    """Validated rule set mapping → RuleSet."""
    return RuleSet(
        age=build_years(data.get("age")),
        sex=data.get("sex"),
        residence=data.get("residence"),
        status=tuple(data.get("status", ())),
        disability=tuple(data.get("disability", ())),
        pregnant=data.get("pregnant", False),
        study=tuple(data.get("study", ())),
        child=build_child_rule(data["child"]) if "child" in data else None,
        work=tuple(data.get("work", ())),
        veteran=data.get("veteran", False),
        family_planning=tuple(data.get("family-planning", ())),
        other=optional_text(data, "other"),
        basis=data.get("basis", ""),
    )


def build_child_rule(data: dict[str, Any]) -> ChildRule:
    """Validated child rule mapping → ChildRule."""
    return ChildRule(build_years(data.get("age")), tuple(data.get("study", ())), tuple(data.get("disability", ())))


def build_years(data: dict[str, int] | None) -> Years | None:
    """Validated {min, max} mapping (or nothing) → Years (or None)."""
    return Years(data.get("min"), data.get("max")) if data is not None else None


def build_term(data: dict[str, Any]) -> Term:
    """Validated glossary mapping → Term."""
    forms = {code: tuple(words) for code, words in (data.get("forms") or {}).items()}
    return Term(Text.of(data["term"]), data.get("pinyin"), forms)
