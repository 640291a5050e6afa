"""Project files → validated model: YAML → positioned nodes → checks → frozen dataclasses."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .checks import check_across, check_schema, load_schema
from .errors import DataError
from .model import Audience, Chapter, Department, Handbook, Language, Provision, Service, SiteConfig, Source, Target, Term, Text
from .yamlnodes import LIMIT_HINT, Limits, load_nodes, to_plain

SERVICES_FILE = "services.yaml"
CONFIG_FILE = "site_config.yml"


def load_config(root_dir: Path) -> SiteConfig:
    """site_config.yml → SiteConfig."""
    path = root_dir / CONFIG_FILE
    root = load_nodes(path, path.name)
    data = to_plain(root)
    languages = [(lang["code"], lang["script"]) for lang in plain_languages(data)]
    problems = check_schema(data, root, load_schema("site_config.schema.json"), languages)
    if problems:
        raise DataError(problems)
    assert isinstance(data, dict)  # checked: a mapping of the schema's shape
    limits = data.get("limits", {})
    return SiteConfig(
        languages=tuple(Language(**lang) for lang in data["languages"]),
        site_url=data["site_url"],
        title=Text.of(data["title"]),
        strings={code: dict(strings) for code, strings in data["strings"].items()},
        sheets=data.get("editions", {}).get("sheets", SiteConfig.sheets),
        max_bytes=round(limits["services_megabytes"] * 1024 * 1024) if "services_megabytes" in limits else SiteConfig.max_bytes,
        max_values=limits.get("services_values", SiteConfig.max_values),
    )


def plain_languages(plain: object) -> list[dict[str, str]]:
    """The well-formed language entries of a config, before full validation (to check text fields)."""
    langs = plain.get("languages") if isinstance(plain, dict) else None
    return [x for x in langs or [] if isinstance(x, dict) and isinstance(x.get("code"), str) and isinstance(x.get("script"), str)]


def load_handbook(root_dir: Path, config: SiteConfig) -> Handbook:
    """services.yaml → Handbook, or DataError listing every problem."""
    languages = [(lang.code, lang.script) for lang in config.languages]
    path = root_dir / SERVICES_FILE
    root = load_nodes(path, path.name, Limits(config.max_bytes, config.max_values, LIMIT_HINT))
    data = to_plain(root)
    problems = check_schema(data, root, load_schema("services.schema.json"), languages)
    problems += check_across(data, root, config.codes)
    if problems:
        raise DataError(problems)
    return build_handbook(data)  # type: ignore[arg-type]  # checked: a mapping of the schema's shape


def load_project(root_dir: Path) -> tuple[SiteConfig, Handbook]:
    """A project directory → its validated settings and data."""
    config = load_config(root_dir)
    return config, load_handbook(root_dir, config)


# --- plain data → dataclasses (data already valid) ------------------------------------------------

def optional_text(data: dict[str, Any], key: str) -> Text | None:
    """An optional localized field → Text or None."""
    return Text.of(data[key]) if key in data else None


def build_handbook(data: dict[str, Any]) -> Handbook:
    """Validated plain data → Handbook."""
    aliases = {alias: d["id"] for d in data["departments"] for alias in d["aliases"]}
    aliases.update({d["id"]: d["id"] for d in data["departments"]})  # an id always names its own department
    services = tuple(sorted((build_service(s, aliases) for s in data["services"]), key=lambda s: s.number))
    return Handbook(
        source=build_source(data["source"]),
        chapters=tuple(sorted((build_chapter(c, aliases, services) for c in data["chapters"]), key=lambda c: c.number)),
        departments=tuple(build_department(d) for d in data["departments"]),
        audiences=tuple(Audience(a["id"], Text.of(a["name"]), Text.of(a["description"])) for a in data["audiences"]),
        services=services,
        glossary=tuple(build_term(t) for t in data["glossary"]),
    )


def build_source(data: dict[str, Any]) -> Source:
    """Validated source mapping → Source."""
    return Source(Text.of(data["title"]), Text.of(data["issuer"]), data["number"], data["date"], optional_text(data, "note"))


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
    return Target(Text.of(data["label"]), data["value"], Text.of(data["unit"]), optional_text(data, "qualifier"))


def build_department(data: dict[str, Any]) -> Department:
    """Validated department mapping → Department."""
    return Department(data["id"], Text.of(data["name"]), Text.of(data["short_name"]), tuple(data["aliases"]))


def build_service(data: dict[str, Any], aliases: dict[str, str]) -> Service:
    """Validated service mapping → Service, department names resolved to ids."""
    return Service(
        id=data["id"],
        number=data["number"],
        chapter=data["chapter"],
        name=Text.of(data["name"]),
        provisions=tuple(Provision(Text.of(p["recipients"]), Text.of(p["standard"]), Text.of(p["funding"]))
                         for p in data["provisions"]),
        departments=tuple(dict.fromkeys(aliases[d] for d in data["departments"])),
        audiences=tuple(data["audiences"]),
        keywords={code: tuple(words) for code, words in data["keywords"].items()},
        note=optional_text(data, "note"),
    )


def build_term(data: dict[str, Any]) -> Term:
    """Validated glossary mapping → Term."""
    forms = {code: tuple(words) for code, words in (data.get("forms") or {}).items()}
    return Term(Text.of(data["term"]), data.get("pinyin"), forms)
