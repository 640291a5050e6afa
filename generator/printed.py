"""Model → what printed matter (booklets, leaflets) shows of a service, per language: plain labels with the official
column name beside them, in the order residents need (what you get → who can get it → responsible departments →
who pays), and English typography (curly quotes, no line of one or two characters after a break)."""
from __future__ import annotations

import re
from typing import Any

from .mkdocs_config import lang_root
from .model import Handbook, Service, SiteConfig

OPENING = re.compile(r"(^|[\s(\[{\u2014\u2013/])\"")  # a straight double quote that opens
OPENING_SINGLE = re.compile(r"(^|[\s(\[{\u201c\u2014\u2013/])'")  # a straight single quote that opens


def curly_quotes(text: str) -> str:
    """Straight quotes and apostrophes → typographic ones (“ ” ‘ ’); an apostrophe inside a word is ’."""
    text = OPENING.sub("\\1\u201c", text).replace('"', "\u201d")
    return OPENING_SINGLE.sub("\\1\u2018", text).replace("'", "\u2019")


def prose(config: SiteConfig, lang: str, text: str) -> str:
    """Text for print in a language: Latin-script text gets typographic quotes (Chinese text keeps the source's)."""
    script = next(x.script for x in config.languages if x.code == lang)
    return curly_quotes(text) if script == "Latn" else text


def keep_tail(text: str) -> list[str]:
    """A title → [head, tail], the tail never broken across lines: its last three characters when it ends in
    Chinese, its last two words when it ends in Latin letters (so no line holds one or two characters alone)."""
    text = text.strip()
    if text[-1:].isascii():
        words = text.rsplit(" ", 2)
        if len(words) < 3:
            return ["", text]
        return [words[0] + " ", words[1] + "\u00a0" + words[2]]
    return [text[:-3], text[-3:]] if len(text) > 3 else ["", text]


def service_url(config: SiteConfig, service: Service, lang: str) -> str | None:
    """A service → its page on the published website, in a language; None when no site_url is set."""
    return f"{config.site_url}{lang_root(config, lang)}services/{service.id}/" if config.site_url else None


def audience_url(config: SiteConfig, audience_id: str, lang: str) -> str | None:
    """An audience → its page on the published website; None when no site_url is set."""
    return f"{config.site_url}{lang_root(config, lang)}audiences/{audience_id}/" if config.site_url else None


def label(config: SiteConfig, lang: str, key: str, part: int | None = None) -> dict[str, str]:
    """A field key (standard, recipients, departments, funding) → its plain label and the official column name."""
    strings = config.strings[lang]
    plain = strings[f"plain_{key}"]
    if part is not None:
        plain += f" · {strings['provision'].format(n=part)}"
    official = strings["official_label"].format(name=strings[key]) if strings["official_label"] else ""
    return {"label": plain, "official": official}


def department_names(handbook: Handbook, service: Service, lang: str, config: SiteConfig) -> str:
    """A service → its departments' full names, in the appendix's order, joined for a language."""
    return config.strings[lang]["list_separator"].join(handbook.department(d).name[lang] for d in service.departments)


def service_fields(handbook: Handbook, config: SiteConfig, service: Service, lang: str) -> list[dict[str, Any]]:
    """A service → its printed fields in a language: for each provision what you get and who can get it, then the
    responsible departments, then who pays (last), then any editor's note."""
    parts = len(service.provisions) > 1
    fields = []
    for i, p in enumerate(service.provisions, 1):
        for key in ("standard", "recipients"):
            fields.append({**label(config, lang, key, i if parts else None), "text": prose(config, lang, getattr(p, key)[lang])})
    fields.append({**label(config, lang, "departments"), "text": department_names(handbook, service, lang, config)})
    for i, p in enumerate(service.provisions, 1):
        fields.append({**label(config, lang, "funding", i if parts else None), "text": prose(config, lang, p.funding[lang])})
    if service.note:
        fields.append({"label": config.strings[lang]["note"], "official": "", "text": prose(config, lang, service.note[lang])})
    return fields
