"""Model + rendered pages → each page's head metadata, as front matter MkDocs hands to the theme: a meta description
in the page's language and schema.org JSON-LD (a WebPage with its language; a GovernmentService on service pages, a
GovernmentOrganization on department pages).

The theme prints both (templates/theme/main.html). The JSON-LD is serialised so that no text in the data can end
the <script> block: '<', '>' and '&' are written as JSON escapes."""
from __future__ import annotations

import html
import json
import re
from typing import Any

from ..data.model import Department, Handbook, Service, SiteConfig
from ..data.plurals import COUNTED, counted
from ..present.filters import HTML_BODY
from ..present.urls import lang_root, page_url
from ..present.views import Views, page_path

DESCRIPTION_CHARS = 160  # whole sentences are added while the description stays within this length
SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+")
NOT_PROSE = re.compile(r"^(?:#|[-*+] |\d+\. |\{|<|!!!|\||\[|>|```|---)")
HTML_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)  # a paragraph with no class (not a notice or the source)
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>'\"])")  # what the templates' Markdown escaping adds
SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def add_page_metadata(handbook: Handbook, config: SiteConfig, pages: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Every language's {docs path: Markdown} → the same pages, each starting with its front matter."""
    return {lang: add_language_metadata(Views(handbook, config, lang), docs) for lang, docs in pages.items()}


def add_language_metadata(views: Views, docs: dict[str, str]) -> dict[str, str]:
    """One language's {docs path: Markdown} → the same pages with front matter (one Views for them all: its indexes
    are made once, not once a page)."""
    return {path: with_front_matter(page_meta(views.handbook, views.config, views.lang, path, body(text), views), text)
            for path, text in docs.items()}


def with_front_matter(meta: dict[str, str], text: str) -> str:
    """Metadata and a page → the page with the metadata in its front matter (added to the page's own block, if it has
    one: MkDocs reads only the first); values written as JSON, which YAML reads, every character escaped to ASCII."""
    lines = "".join(f"{key}: {json.dumps(value)}\n" for key, value in meta.items())
    fence = "---\n"
    return fence + lines + text[len(fence):] if text.startswith(fence) else f"{fence}{lines}{fence}\n{text}"


def body(text: str) -> str:
    """A Markdown page → the page without its front matter."""
    if not text.startswith("---\n"):
        return text
    end = text.find("\n---\n", 3)
    return text[end + len("\n---\n"):] if end >= 0 else text


def page_meta(handbook: Handbook, config: SiteConfig, lang: str, path: str, text: str,
              views: Views | None = None) -> dict[str, str]:
    """One page → {hb_description, hb_jsonld}; `views`: this language's, when many pages are described."""
    views = views or Views(handbook, config, lang)
    kind, _, slug = path.removesuffix("index.md").strip("/").partition("/")
    description = describe(handbook, config, lang, kind, slug.strip("/"), text, views)
    page: dict[str, Any] = {"@context": "https://schema.org", "@type": "WebPage", "inLanguage": config.language(lang).html_lang,
                            "name": page_title(text), "description": description}
    url = page_address(config, lang, path)
    if url:
        page["url"] = url
    entity = main_entity(views, kind, slug.strip("/"))
    if entity:
        page["mainEntity"] = entity
    return {"hb_description": description, "hb_jsonld": script_json(page)}


def describe(handbook: Handbook, config: SiteConfig, lang: str, kind: str, slug: str, text: str,
             views: Views | None = None) -> str:
    """A page → its meta description: a service's summary, a department's services, else its introduction."""
    if kind == "services" and slug:
        return (views or Views(handbook, config, lang)).by_id[slug].summary[lang]
    if kind == "departments" and slug:
        department = handbook.department(slug)
        count = sum(slug in s.departments for s in handbook.services)
        return counted(config.strings[lang], lang, "department_description", count, name=department.name[lang])
    key, strings = f"{kind or 'home'}_description", config.strings[lang]
    fallback = counted(strings, lang, key, len(handbook.services)) if key in COUNTED else strings.get(key, "")
    return sentences(introduction(text) or fallback)


def sentences(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """A text → its first sentences within `limit` characters (always at least one whole sentence), on one line."""
    parts = [p.strip() for p in SENTENCE_END.split(" ".join(text.split())) if p.strip()]
    chosen = parts[:1]
    for part in parts[1:]:
        joined = "".join(chosen) if is_cjk(part) else " ".join(chosen)
        if len(joined) + 1 + len(part) > limit:
            break
        chosen.append(part)
    return "".join(chosen) if chosen and is_cjk(chosen[0]) else " ".join(chosen)


def is_cjk(text: str) -> bool:
    """Whether a sentence ends in Chinese punctuation (sentences are then joined without spaces)."""
    return text[-1:] in "。！？"


def introduction(text: str) -> str:
    """A Markdown page → its first paragraph of prose (not a heading, list, table, admonition or HTML), as plain text;
    in a page whose body is HTML (present/filters.py: HTML_BODY), the body's first paragraph with no class."""
    _, mark, body = text.partition(HTML_BODY)
    if mark:
        first = HTML_PARAGRAPH.search(body)
        return html.unescape(re.sub(r"<[^>]*>", "", first[1])) if first else ""
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if block and not NOT_PROSE.match(block):
            plain = re.sub(r"\[([^\]]*)\]\([^)]*\)|(?<!\\)[*_`]", lambda m: m.group(1) or "", block)
            return html.unescape(MARKDOWN_ESCAPE.sub(r"\1", plain))
    return ""


def page_title(text: str) -> str:
    """A Markdown page → its H1 text, without an attribute list ("# Title { .class }" → "Title")."""
    match = re.search(r"^# (.+?)(?:\s*\{[^{}]*\})?\s*$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def page_address(config: SiteConfig, lang: str, path: str) -> str | None:
    """A docs path → its absolute URL, or None when no site_url is configured."""
    return f"{config.site_url}{lang_root(config, lang)}{page_url(path)}" if config.site_url else None


def main_entity(views: Views, kind: str, slug: str) -> dict[str, Any] | None:
    """A service or department page (of the views' language) → the thing it is about, as schema.org data; other
    pages → None."""
    if kind == "services" and slug:
        return government_service(views, views.by_id[slug])
    if kind == "departments" and slug:
        return organization(views.config, views.lang, views.handbook.department(slug))
    return None


def government_service(views: Views, service: Service) -> dict[str, Any]:
    """A service → schema.org GovernmentService in the views' language."""
    handbook, config, lang = views.handbook, views.config, views.lang
    data: dict[str, Any] = {
        "@type": "GovernmentService",
        "name": service.name[lang],
        "description": "\n\n".join(p.standard[lang] for p in service.provisions),
        "serviceType": handbook.chapter(service.chapter).title[lang],
        "provider": [organization(config, lang, handbook.department(d)) for d in service.departments],
        "areaServed": area(config, lang),
        "audience": [{"@type": "Audience", "audienceType": handbook.audience(a).name[lang]} for a in service.audiences]
        + [{"@type": "Audience", "description": p.recipients[lang]} for p in service.provisions],
        "isRelatedTo": [related(config, lang, s) for s in views.related(service)],
    }
    url = page_address(config, lang, page_path("services", service.id))
    if url:
        data["url"] = url
    return data


def related(config: SiteConfig, lang: str, service: Service) -> dict[str, Any]:
    """A related service → a short GovernmentService reference."""
    data = {"@type": "GovernmentService", "name": service.name[lang]}
    url = page_address(config, lang, page_path("services", service.id))
    return {**data, "url": url} if url else data


def organization(config: SiteConfig, lang: str, department: Department) -> dict[str, Any]:
    """A department → schema.org GovernmentOrganization."""
    data: dict[str, Any] = {"@type": "GovernmentOrganization", "name": department.name[lang],
                            "alternateName": department.short_name[lang], "areaServed": area(config, lang)}
    contact = department.contact
    if contact:  # only what a named source gives (the page shows the source and the day it was checked)
        data.update({key: value for key, value in (("address", contact.address and contact.address[lang]),
                                                   ("telephone", contact.phone), ("sameAs", contact.website)) if value})
    url = page_address(config, lang, page_path("departments", department.id))
    if url:
        data["url"] = url
    return data


def area(config: SiteConfig, lang: str) -> dict[str, str]:
    """The county, as a schema.org AdministrativeArea in a language."""
    return {"@type": "AdministrativeArea", "name": config.strings[lang]["county"]}


def script_json(data: Any) -> str:
    """Data → JSON text safe inside a <script> data block (JSON-LD, the finder's data): nothing in it can close the
    element or reads as markup."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: SCRIPT_UNSAFE[m.group(0)], text)
