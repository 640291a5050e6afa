"""Model → the change history where readers and machines look for it: a 更新记录 / What changed page per language
(`changes/`, every history entry newest first, linking its service), an Atom feed per language (`changes.xml` at that
language's root) and the dates the sitemap gives as `lastmod`. Service pages show their own latest change (views.py).

Feed and entry ids are the page addresses when a site_url is set, else `urn:uuid:` ids made like the HSDS ones
(UUIDv5 from a fixed namespace and our ids), so they stay the same from build to build either way."""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from jinja2 import Environment

from ..data.model import Handbook, HistoryEntry, Service, SiteConfig
from ..present.ids import uid
from ..present.urls import lang_root
from ..present.views import PageViews, page_path
from .site import Strings, render


@dataclass(frozen=True)
class Change:
    """One history entry of one service."""

    service: Service  # the service it changed
    entry: HistoryEntry  # what changed, when, by which document


def all_changes(handbook: Handbook) -> list[Change]:
    """Every history entry of every service → newest first (services in number order within a day)."""
    changes = [Change(s, h) for s in handbook.services for h in s.history]
    return sorted(changes, key=lambda c: (c.entry.date, -c.service.number), reverse=True)


def last_changed(handbook: Handbook) -> dict[str, str]:
    """Docs path of each page with a history → the date of its latest change (YYYY-MM-DD), for the sitemap."""
    dates = {page_path("services", s.id): s.history[0].date for s in handbook.services if s.history}
    changes = all_changes(handbook)
    if changes:
        dates[page_path("changes")] = changes[0].entry.date
    return dates


def render_changes_pages(handbook: Handbook, config: SiteConfig, env: Environment) -> dict[str, dict[str, str]]:
    """Every language → {changes/index.md: Markdown}."""
    changes = [(c.service, c.entry) for c in all_changes(handbook)]
    return {lang: {page_path("changes"): render(env, "changes.md.j2", c=PageViews(handbook, config, lang).changes_view(changes),
                                                feed="../changes.xml", t=Strings(dict(config.strings[lang])))}
            for lang in config.codes}


def render_feeds(handbook: Handbook, config: SiteConfig) -> dict[str, str | bytes]:
    """Every language → {<language root>changes.xml: Atom feed text}."""
    return {f"{lang_root(config, lang)}changes.xml": render_feed(handbook, config, lang) for lang in config.codes}


def render_feed(handbook: Handbook, config: SiteConfig, lang: str) -> str:
    """One language's change history → an Atom 1.0 feed (RFC 4287), newest entry first."""
    t = config.strings[lang]
    changes = all_changes(handbook)
    base = f"{config.site_url}{lang_root(config, lang)}" if config.site_url else None
    updated = changes[0].entry.date if changes else handbook.source.date
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language(lang).html_lang)}>',
             f"  <id>{escape(base + 'changes.xml' if base else 'urn:uuid:' + uid('feed', lang))}</id>",
             f"  <title>{escape(config.title[lang] + ' · ' + t['changes_title'])}</title>",
             f"  <updated>{timestamp(updated)}</updated>",
             f"  <author><name>{escape(config.title[lang])}</name></author>"]
    if base:
        lines += [f'  <link rel="self" href={quoteattr(base + "changes.xml")}/>',
                  f'  <link rel="alternate" href={quoteattr(base + "changes/")}/>']
    lines += [line for change in changes for line in feed_entry(change, config, lang, base)]
    return "\n".join([*lines, "</feed>"]) + "\n"


def feed_entry(change: Change, config: SiteConfig, lang: str, base: str | None) -> list[str]:
    """One change → the lines of its Atom entry."""
    service, entry = change.service, change.entry
    position = service.history.index(entry)
    ident = (f"{base}changes/#{service.id}-{entry.date}-{position}" if base
             else "urn:uuid:" + uid("change", service.id, entry.date, position))
    summary = config.strings[lang]["feed_summary"].format(summary=entry.summary[lang], source=entry.source[lang])
    lines = ["  <entry>", f"    <id>{escape(ident)}</id>",
             f"    <title>{escape(f'{service.name[lang]} · {entry.date}')}</title>",
             f"    <updated>{timestamp(entry.date)}</updated>",
             f"    <summary>{escape(summary)}</summary>"]
    if base:
        lines.append(f'    <link rel="alternate" href={quoteattr(base + "services/" + service.id + "/")}/>')
    return [*lines, "  </entry>"]


def timestamp(day: str) -> str:
    """YYYY-MM-DD → an RFC 3339 time at the start of that day in China (UTC+8)."""
    return f"{day}T00:00:00+08:00"
