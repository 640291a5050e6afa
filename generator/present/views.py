"""Model → per-language view objects: everything a page template shows, already looked up and localized.

Templates receive these and only lay them out; every lookup, link and language choice happens here.
"""
from __future__ import annotations

import functools
import heapq
import os
import posixpath
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..data.model import (
    Apply,
    Channel,
    Contact,
    Department,
    Handbook,
    HistoryEntry,
    Provision,
    Reorganisation,
    Service,
    SiteConfig,
    Target,
)
from ..data.plurals import counted
from ..data.quantities import format_amount


def page_path(kind: str, slug: str | None = None) -> str:
    """Page kind and slug → its Markdown source path, e.g. ('services', 'x') → 'services/x/index.md'."""
    if kind == "home":
        return "index.md"
    return f"{kind}/{slug}/index.md" if slug else f"{kind}/index.md"


def link(from_path: str, to_path: str) -> str:
    """Relative link between two Markdown sources (MkDocs checks and rewrites it)."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


@dataclass(frozen=True)
class Link:
    """A link with its text."""

    text: str  # what the reader sees
    href: str  # relative URL or Markdown path


@dataclass(frozen=True)
class ServiceLink:
    """A service as listed on other pages."""

    number: int  # official number
    name: str  # localized name
    href: str  # link to the service page
    summary: str  # one line: what you get (the service's reviewed summary)


@dataclass(frozen=True)
class FieldView:
    """One labelled field of a provision, with the official Chinese for the counter."""

    label: str  # localized label, e.g. "Who it is for"
    text: str  # localized text
    official_label: str  # source-language label, e.g. 服务对象
    official: str  # source-language text (shown collapsed on non-source pages)


@dataclass(frozen=True)
class ProvisionView:
    """One provision's fields, by name, and in the appendix's own column order for the official text."""

    standard: FieldView  # what you get
    recipients: FieldView  # who can get it
    funding: FieldView  # who pays
    official_order: tuple[FieldView, ...]  # recipients, standard, funding: the appendix's column order
    heading: str  # what this part is (its label), shown when a service has several parts


@dataclass(frozen=True)
class Label:
    """A plain section label with the official column name shown smaller beside it."""

    text: str  # e.g. "What you get"
    official: str  # e.g. "（服务内容和保障标准）", already in this language's brackets
    official_name: str  # the official column name alone, e.g. 服务内容和保障标准


@dataclass(frozen=True)
class ContactView:
    """A department's contact details, each line already labelled, with where and when they were read."""

    lines: tuple[tuple[str, str, str | None], ...]  # (label, text, link or None) for address, phone, hours, website
    source: str  # "Source: …. Checked on …."


@dataclass(frozen=True)
class DepartmentBlock:
    """A responsible department as a service page shows it: its page, and its contact when known."""

    link: Link  # full name → its page
    contact: ContactView | None  # when a source gives it


@dataclass(frozen=True)
class ApplyView:
    """How to apply, localized."""

    where: str | None  # where to go
    documents: tuple[str, ...]  # what to bring
    steps: tuple[str, ...]  # what happens, in order
    online: str | None  # https address
    source: str  # "Source: …. Checked on …."


@dataclass(frozen=True)
class ChannelView:
    """A help line, localized."""

    name: str  # e.g. 政务服务便民热线
    phone: str  # the number
    href: str  # tel: link
    source: str  # the document that establishes it


@dataclass(frozen=True)
class HistoryView:
    """A later document that changed the standard, localized."""

    date: str  # formatted date
    summary: str  # what changed
    source: str  # the document


@dataclass(frozen=True)
class ReorganisedView:
    """A function of a department that moved to another office since the plan, localized, with its source."""

    department: str  # the department's full name, as the plan names it
    function: str  # the function that moved
    note: str  # the national change
    check: str  # the plain word that the office may have changed: check locally (12345)
    source: str  # "Source: … (read on …): ", followed by the address
    address: str  # where the source was read


@dataclass(frozen=True)
class ServiceView:
    """Everything a service page shows."""

    number: int  # official number
    name: str  # localized name
    official_name: str  # source-language name
    currency: str  # the notice under the title: where the standard comes from, and that it may have changed
    last_changed: Link | None  # "Last changed: <date>" linking the change history, when the service has one
    summary: str  # the reviewed one-line summary, as the page's opening line
    chapter: Link  # the chapter it belongs to
    labels: dict[str, Label]  # section key (standard, recipients, departments, funding) → its label
    official_tag: str | None  # BCP 47 tag of the official column names when the page is in another language
    provisions: tuple[ProvisionView, ...]  # usually one
    departments: tuple[DepartmentBlock, ...]  # full names, in the appendix's order, with contacts when known
    reorganised: tuple[ReorganisedView, ...]  # functions of its departments that moved to other offices since the plan
    apply: ApplyView | None  # how to apply, when a source gives it
    channels: tuple[ChannelView, ...]  # help lines for its chapter
    no_details: str | None  # said plainly when neither how to apply nor any department's contact is known
    history: tuple[HistoryView, ...]  # later documents, newest first
    appendix_departments: str  # the appendix's own 主责单位 text, for the official block
    note: str | None  # editor's note
    related: tuple[ServiceLink, ...]  # services sharing chapter or audience
    keywords: tuple[str, ...]  # related words residents use (search vocabulary, not other names)
    audiences: tuple[Link, ...]  # who it is for, as groups
    citation: str  # source citation sentence
    booklets: tuple[Link, ...]  # PDFs that contain it
    show_official: bool  # whether to add the collapsed official text


def file_size(size: int) -> str:
    """A number of bytes → '1.2 MB' or '34 KB' (downloads list every file with its size)."""
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{max(size // 1000, 1)} KB"


# A PDF not made yet (the build writes the pages while the booklets are typeset: generator/printing/run.py): its
# pages and size are marked by its file in private-use characters, which no text of the handbook holds, and filled
# in once it is made (pdf_facts_filled)
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
PDF_FACTS_MARK = re.compile(f"{MARK_OPEN}([^{MARK_OPEN}{MARK_CLOSE}]+){MARK_CLOSE}")


def pdf_facts_mark(file: str) -> str:
    """A planned PDF's file → the mark that stands for its pages and size until it is made."""
    return f"{MARK_OPEN}{file}{MARK_CLOSE}"


def has_pdf_facts_marks(html: str) -> bool:
    """Whether a page holds a planned PDF's mark (most pages list no PDF)."""
    return MARK_OPEN in html


def pdf_facts(strings: Mapping[str, str], lang: str, pages: int, size: int) -> str:
    """A PDF's page count and size → '12 pages, 1.2 MB' in a language."""
    return f"{counted(strings, lang, 'booklet_pages', pages)}, {file_size(size)}"


def pdf_facts_filled(html: str, strings: Mapping[str, str], lang: str, made: Mapping[str, dict[str, Any]]) -> str:
    """A page written with planned PDFs' marks, in `lang` → each mark replaced by its PDF's pages and size (`made`:
    file → its manifest entry)."""
    return PDF_FACTS_MARK.sub(lambda m: pdf_facts(strings, lang, made[m[1]]["pages"], made[m[1]]["bytes"]), html)


NEARBY = 100  # how far (in official numbers) related services are looked for outside the chapter


def first_line(text: str, limit: int = 80) -> str:
    """A text → its first line, cut at `limit` characters."""
    line = text.split("\n")[0].strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def format_date(iso: str, strings: Mapping[str, str]) -> str:
    """YYYY-MM-DD and a language's strings → the date as that language writes it, e.g. 2018年12月29日 / 29 December 2018."""
    year, month, day = (int(x) for x in iso.split("-"))
    return strings["date_format"].format(year=year, month=month, day=day, month_name=strings["month_names"].split()[month - 1])


class Views:
    """Builds view objects for one language."""

    def __init__(self, handbook: Handbook, config: SiteConfig, lang: str, manifest: list[dict[str, Any]] | None = None):
        self.handbook, self.config, self.lang = handbook, config, lang
        self.strings = config.strings[lang]
        self.source_lang = config.codes[0]
        self.manifest = manifest or []  # booklets/index.json entries
        self.containing: dict[int, list[dict[str, Any]]] = {}  # service number → the (not imposed) booklets that print it
        for entry in self.manifest:  # a service's own leaflet counts; an audience's sheet of many services does not
            if not entry["imposed"] and entry["kind"] != "audience-leaflet":
                for number in entry["services"]:
                    self.containing.setdefault(number, []).append(entry)
        for entries in self.containing.values():
            entries.sort(key=lambda entry: entry["kind"] != "leaflet")  # the service's own one-page leaflet first
        self.site_root = "" if lang == self.source_lang else "../"  # this language's root → the site root

    @functools.cached_property
    def places(self) -> dict[int, int]:
        """Service number → its index in its chapter (worked out when first asked: views are made per page or leaflet,
        and a pass over every service for each would make a large handbook's build grow with the square of its size)."""
        return {n: i for c in self.handbook.chapters for i, n in enumerate(c.services)}

    @functools.cached_property
    def by_id(self) -> dict[str, Service]:
        """Service id → service (worked out when first asked, as `places`)."""
        return {s.id: s for s in self.handbook.services}

    def tag_of(self, lang: str) -> str | None:
        """A language code → its BCP 47 tag when it is not this page's language (None when it is)."""
        return None if lang == self.lang else self.config.language(lang).html_lang

    def t(self, key: str, **values: object) -> str:
        """Interface string key → localized text with {placeholders} filled."""
        return self.strings[key].format(**values) if values else self.strings[key]

    def count(self, key: str, count: int, **values: object) -> str:
        """A counted string's key and a number → its plural form in this language, filled ('1 page', '2 pages')."""
        return counted(self.strings, self.lang, key, count, **values)

    def booklet_links(self, from_path: str, wanted: Callable[[dict[str, Any]], bool],
                      among: list[dict[str, Any]] | None = None) -> tuple[Link, ...]:
        """Booklets of this language (and bilingual ones) that `wanted` accepts → links from a page, with size."""
        depth = from_path.count("/") + (0 if self.lang == self.source_lang else 1)
        return tuple(Link(self.booklet_label(b), "../" * depth + b["file"]) for b in (self.manifest if among is None else among)
                     if b["language"] in (self.lang, "bilingual") and wanted(b))

    def booklet_label(self, booklet: dict[str, Any]) -> str:
        """A manifest entry → 'title · edition (PDF, N pages, 1.2 MB)'."""
        parts = [booklet["title"]]
        if booklet["language"] == "bilingual":  # its own title is in the source language: name it in the page's
            edition = (booklet["kind"], booklet["id"], booklet["edition"], booklet["volume"], booklet["volumes"])
            parts = [booklet_title(self.handbook, self.strings, self.lang, edition)]
            parts.append(self.t("edition_bilingual"))
        if booklet["imposed"]:
            parts.append(self.t("edition_imposed"))
        facts = (pdf_facts_mark(booklet["file"]) if booklet["pages"] is None  # not made yet
                 else pdf_facts(self.strings, self.lang, booklet["pages"], booklet["bytes"]))
        return f"{' · '.join(parts)} (PDF, {facts})"

    def service_link(self, service: Service, from_path: str) -> ServiceLink:
        """A service → how it is listed from the page at `from_path`."""
        return ServiceLink(service.number, service.name[self.lang], link(from_path, page_path("services", service.id)),
                           service.summary[self.lang])

    def department_links(self, ids: tuple[str, ...], from_path: str) -> tuple[Link, ...]:
        """Department ids → links to their pages."""
        return tuple(Link(self.handbook.department(d).name[self.lang], link(from_path, page_path("departments", d)))
                     for d in ids)

    def related(self, service: Service, limit: int = 6) -> list[Service]:
        """Services that share an audience or the chapter, closest first: each shared audience counts double the chapter,
        so a service for older people lists other services for older people before children's ones of its chapter."""
        mine = set(service.audiences)

        def closeness(other: Service) -> tuple[int, int]:
            shared = 2 * len(mine.intersection(other.audiences)) + (other.chapter == service.chapter)
            return (-shared, abs(other.number - service.number))
        # candidates: services within NEARBY places in the chapter and NEARBY numbers overall (all of them in the real
        # handbook), so the cost per page stays flat however many services there are
        near = self.handbook.services[max(service.number - NEARBY, 1) - 1:service.number + NEARBY]
        members = self.handbook.chapter(service.chapter).services
        at = self.places[service.number]
        chapter = [self.handbook.service(n) for n in members[max(at - NEARBY, 0):at + NEARBY + 1]]
        others = {s.number: s for s in (*chapter, *near) if s.number != service.number}
        scored = ((closeness(s), s) for s in others.values())  # each candidate scored once
        return [s for _, s in heapq.nsmallest(limit, ((key, s) for key, s in scored if key[0] < 0), key=lambda pair: pair[0])]

    def format_date(self, iso: str) -> str:
        """YYYY-MM-DD → a date as this language writes it."""
        return format_date(iso, self.strings)

    def sourced(self, source: str, verified: str) -> str:
        """Where something was read and the day it was checked → one line."""
        return self.t("sourced", source=source, date=self.format_date(verified))

    def currency(self, service: Service) -> str:
        """A service → the notice under its title: the latest document behind its standard, which may have changed."""
        if service.history:
            latest = service.history[0]
            return self.t("currency_notice", date=self.format_date(latest.date), source=latest.source[self.lang])
        source = self.handbook.source
        document = self.t("currency_plan", title=source.title[self.lang], number=source.number[self.lang])
        return self.t("currency_notice", date=self.format_date(source.date), source=document)

    def last_changed(self, service: Service, from_path: str) -> Link | None:
        """A service → 'Last changed: <date>' linking the change history, or None when it has no history."""
        if not service.history:
            return None
        text = self.t("last_changed", date=self.format_date(service.history[0].date))
        return Link(text, link(from_path, page_path("changes")))

    def contact(self, contact: Contact) -> ContactView:
        """A contact → its labelled lines and source."""
        lines: list[tuple[str, str, str | None]] = []
        if contact.address:
            lines.append((self.t("contact_address"), contact.address[self.lang], None))
        if contact.phone:
            lines.append((self.t("contact_phone"), contact.phone, f"tel:{contact.phone}"))
        if contact.hours:
            lines.append((self.t("contact_hours"), contact.hours[self.lang], None))
        if contact.website:
            lines.append((self.t("contact_website"), contact.website, contact.website))
        return ContactView(tuple(lines), self.sourced(contact.source[self.lang], contact.verified))

    def reorganised(self, department: Department, change: Reorganisation) -> ReorganisedView:
        """A department's moved function → localized, with its source line."""
        read = {"source": change.source[self.lang], "date": self.format_date(change.verified)}
        return ReorganisedView(department.name[self.lang], change.function[self.lang], change.note[self.lang],
                               self.t("reorganised_check"), self.t("reorganised_source", **read), change.address)

    def reorganised_of(self, service: Service) -> tuple[ReorganisedView, ...]:
        """A service → the moved functions of its departments that cover it."""
        return tuple(self.reorganised(d, r) for d, r in self.handbook.reorganisations_for(service))

    def apply_view(self, apply: Apply) -> ApplyView:
        """How to apply → localized."""
        return ApplyView(apply.where[self.lang] if apply.where else None, tuple(d[self.lang] for d in apply.documents),
                         tuple(s[self.lang] for s in apply.steps), apply.online,
                         self.sourced(apply.source[self.lang], apply.verified))

    def channel(self, channel: Channel) -> ChannelView:
        """A help line → localized."""
        return ChannelView(channel.name[self.lang], channel.phone, f"tel:{channel.phone}",
                           self.t("channel_source", source=channel.source[self.lang]))

    def history_view(self, entry: HistoryEntry) -> HistoryView:
        """A history entry → localized."""
        return HistoryView(self.format_date(entry.date), entry.summary[self.lang], entry.source[self.lang])

    def labels(self) -> dict[str, Label]:
        """The service page's section labels: plain words, with the official column name beside them."""
        official = self.config.strings[self.source_lang]
        return {key: Label(self.t(f"label_{key}"), self.t("official_label", name=official[key]), official[key])
                for key in ("standard", "recipients", "departments", "funding")}

    def part_heading(self, provision: Provision, n: int) -> str:
        """A provision and its place → its heading: its label, else 'Part n'."""
        return provision.label[self.lang] if provision.label else self.t("provision", n=n)

    def provision(self, provision: Provision, n: int = 1) -> ProvisionView:
        """A provision and its place → its three fields, each with the official column name and text."""
        official = self.config.strings[self.source_lang]
        fields = {key: FieldView(self.t(f"label_{key}"), getattr(provision, key)[self.lang], official[key],
                                 getattr(provision, key)[self.source_lang]) for key in ("recipients", "standard", "funding")}
        return ProvisionView(fields["standard"], fields["recipients"], fields["funding"],
                             (fields["recipients"], fields["standard"], fields["funding"]), self.part_heading(provision, n))

    def department_blocks(self, service: Service, from_path: str) -> tuple[DepartmentBlock, ...]:
        """A service's departments → full names linked, with contacts when known."""
        blocks = []
        for link_, dept_id in zip(self.department_links(service.departments, from_path), service.departments, strict=True):
            contact = self.handbook.department(dept_id).contact
            blocks.append(DepartmentBlock(link_, self.contact(contact) if contact else None))
        return tuple(blocks)

    def service(self, service: Service) -> ServiceView:
        """A service → its page view."""
        here = page_path("services", service.id)
        chapter = self.handbook.chapter(service.chapter)
        source = self.handbook.source
        departments = self.department_blocks(service, here)
        channels = tuple(self.channel(c) for c in self.handbook.channels_for(service.chapter))
        return ServiceView(
            number=service.number,
            name=service.name[self.lang],
            official_name=service.name[self.source_lang],
            currency=self.currency(service),
            last_changed=self.last_changed(service, here),
            summary=service.summary[self.lang],
            chapter=Link(chapter.title[self.lang], link(here, page_path("chapters", chapter.id))),
            labels=self.labels(),
            official_tag=self.tag_of(self.source_lang),
            provisions=tuple(self.provision(p, n) for n, p in enumerate(service.provisions, 1)),
            departments=departments,
            reorganised=self.reorganised_of(service),
            apply=self.apply_view(service.apply) if service.apply else None,
            channels=channels,
            no_details=None if service.apply or any(d.contact for d in departments) else
            self.t("no_details_call" if channels else "no_details"),
            history=tuple(self.history_view(h) for h in service.history),
            appendix_departments=service.appendix_departments,
            note=service.note[self.lang] if service.note else None,
            related=tuple(self.service_link(s, here) for s in self.related(service)),
            keywords=service.keywords.get(self.lang, ()),
            audiences=tuple(Link(self.handbook.audience(a).name[self.lang], link(here, page_path("audiences", a)))
                            for a in service.audiences),
            citation=self.t("source_citation", title=source.title[self.lang], number=source.number[self.lang],
                            date=source.date, service=service.number),
            booklets=self.booklet_links(here, lambda b: True, self.containing.get(service.number, [])),
            show_official=self.lang != self.source_lang,
        )

    def services_of(self, numbers: Sequence[int], from_path: str) -> list[ServiceLink]:
        """Service numbers → their listings."""
        return [self.service_link(self.handbook.service(n), from_path) for n in numbers]

    def sort_key(self, service: Service) -> str:
        """A service → its place in the A–Z (or pinyin) index."""
        name = service.name[self.lang]
        chinese = self.config.language(self.lang).script == "Hans"
        return " ".join(plain_pinyin(name)) if chinese else name.lower()


def plain_pinyin(text: str | list[str], errors: str | Callable[[str], str] = "default") -> list[str]:
    """Chinese text (or characters, one by one) → its pinyin syllables without tones (pypinyin's lazy_pinyin in
    Style.NORMAL; `errors` as there). pypinyin is imported at the first call: its phrase tables take 0.17 s to load,
    which a build's start would otherwise wait for; told that nothing here adds to them (PYPINYIN_NO_DICT_COPY), it
    uses them as loaded instead of copying them first (0.04 s)."""
    if "pypinyin" not in sys.modules:
        os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    from pypinyin import Style, lazy_pinyin
    return list(lazy_pinyin(text, style=Style.NORMAL, errors=errors))


@dataclass(frozen=True)
class TargetView:
    """A plan target as a table row."""

    label: str  # what is measured
    value: str  # e.g. "at least 90%"
    when: str  # the time frame as the plan gives it, or the plain word that it gives none


@dataclass(frozen=True)
class ChapterView:
    """Everything a chapter page shows."""

    title: str  # chapter title
    intro: str  # opening paragraph of the plan chapter
    leads: tuple[Link, ...]  # the chapter's lead departments (牵头部门), as the appendix names them per chapter
    services: tuple[ServiceLink, ...]  # its services in order
    targets: tuple[TargetView, ...]  # the plan's targets, each with its time frame
    plan: Link | None  # the plan chapter it summarises
    booklets: tuple[Link, ...]  # its PDFs


@dataclass(frozen=True)
class DepartmentView:
    """Everything a department page shows."""

    name: str  # full name
    aliases: tuple[str, ...]  # spellings used in the appendix
    aliases_lang: str | None  # BCP 47 tag of the aliases (source language) when the page is in another language
    contact: ContactView | None  # how to reach it, when a source gives it
    reorganised: tuple[tuple[ReorganisedView, tuple[ServiceLink, ...]], ...]  # moved functions, each with its services
    services: tuple[ServiceLink, ...]  # the services it is responsible for, in number order
    leads: tuple[Link, ...]  # chapters whose lead department (牵头部门) it is
    booklets: tuple[Link, ...]  # its PDFs


@dataclass(frozen=True)
class ChapterGroup:
    """Services of one chapter, under a heading."""

    chapter: Link  # the chapter
    services: tuple[ServiceLink, ...]  # its services


@dataclass(frozen=True)
class AudienceView:
    """Everything an audience page shows."""

    name: str  # group name
    description: str  # who belongs
    groups: tuple[ChapterGroup, ...]  # its services, by chapter


def booklet_title(handbook: Handbook, strings: Mapping[str, str], lang: str,
                  edition: tuple[str, str | None, str, int | None, int]) -> str:
    """(kind, chapter or department id, edition, volume, volumes) → the booklet's title in a language's strings."""
    kind, item, size, volume, volumes = edition
    if kind == "chapter":
        title = strings["edition_chapter"].format(title=handbook.chapter(str(item)).title[lang])
    elif kind == "department":
        title = strings["edition_department"].format(title=handbook.department(str(item)).name[lang])
    else:
        title = strings["edition_full"]
    if size == "large-print":
        title = f"{title} · {strings['edition_large']}"
    return f"{title} · {strings['edition_volume'].format(number=volume, count=volumes)}" if volume else title


def format_target(target: Target, lang: str, source_lang: str) -> str:
    """A target → its value as a phrase in a language, e.g. 'at least 90%' / '90%以上' (website and booklets)."""
    qualifier = target.qualifier[lang] if target.qualifier else ""
    amount = format_amount(target.value, target.unit[lang], target.unit[source_lang], lang, source_lang)
    if not qualifier:
        return amount
    if qualifier in ("以上", "以内", "以下"):  # Chinese qualifiers that follow the amount
        return f"{amount}{qualifier}"
    return f"{qualifier} {amount}" if lang != source_lang else f"{qualifier}{amount}"


def target_when(target: Target, strings: Mapping[str, str], lang: str) -> str:
    """A target → its time frame as the plan gives it, or the plain word that the plan gives no year."""
    return target.when[lang] if target.when else strings["target_no_year"]


def timed_target(target: Target, strings: Mapping[str, str], lang: str, source_lang: str) -> str:
    """A target → its value with its time frame, e.g. '90%（到2020年）' (print, which has no column for it)."""
    return strings["target_timed"].format(value=format_target(target, lang, source_lang),
                                          when=target_when(target, strings, lang))


@dataclass(frozen=True)
class ChangeView:
    """One entry of the change history page."""

    date: str  # formatted date
    service: Link  # the service it changed
    summary: str  # what changed
    source: str  # the document, as a citation


class PageViews(Views):
    """View builders for chapter, department, audience and index pages."""

    def changes_view(self, changes: list[tuple[Service, HistoryEntry]]) -> tuple[ChangeView, ...]:
        """(service, history entry) pairs, newest first → the change history page's entries."""
        here = page_path("changes")
        return tuple(ChangeView(self.format_date(h.date), Link(self.t("service_label", number=s.number) + " " + s.name[self.lang],
                                                                   link(here, page_path("services", s.id))),
                                h.summary[self.lang], self.t("history_source", source=h.source[self.lang]))
                     for s, h in changes)

    def chapter_view(self, chapter_id: str, plan_pages: set[str]) -> ChapterView:
        """A chapter id → its page view."""
        c = self.handbook.chapter(chapter_id)
        here = page_path("chapters", c.id)
        targets = tuple(TargetView(g.label[self.lang], self.target_value(g), target_when(g, self.strings, self.lang))
                        for g in c.targets)
        plan_path = page_path("plan", c.id)
        return ChapterView(c.title[self.lang], c.intro[self.lang], self.department_links(c.lead_departments, here),
                           tuple(self.services_of(c.services, here)), targets,
                           Link(self.t("plan"), link(here, plan_path)) if plan_path in plan_pages else None,
                           self.booklet_links(here, lambda b: b["kind"] == "chapter" and b["id"] == c.id))

    def target_value(self, target: Target) -> str:
        """A target → its value as a phrase, e.g. 'at least 90%' / '90%以上'."""
        return format_target(target, self.lang, self.source_lang)

    def department_view(self, dept_id: str) -> DepartmentView:
        """A department id → its page view."""
        d = self.handbook.department(dept_id)
        here = page_path("departments", d.id)
        numbers = [s.number for s in self.handbook.services if d.id in s.departments]
        leads = tuple(Link(c.title[self.lang], link(here, page_path("chapters", c.id)))
                      for c in self.handbook.chapters if d.id in c.lead_departments)
        contact = self.contact(d.contact) if d.contact else None
        by_id = {s.id: s.number for s in self.handbook.services}
        moved = tuple((self.reorganised(d, r), tuple(self.services_of([by_id[i] for i in r.services], here)))
                      for r in d.reorganised)
        return DepartmentView(d.name[self.lang], d.aliases, self.tag_of(self.source_lang), contact, moved,
                              tuple(self.services_of(numbers, here)), leads,
                              self.booklet_links(here, lambda b: b["kind"] == "department" and b["id"] == d.id))

    def audience_view(self, audience_id: str) -> AudienceView:
        """An audience id → its page view, services grouped by chapter."""
        a = self.handbook.audience(audience_id)
        here = page_path("audiences", a.id)
        groups = []
        for c in self.handbook.chapters:
            numbers = [n for n in c.services if audience_id in self.handbook.service(n).audiences]
            if numbers:
                groups.append(ChapterGroup(Link(c.title[self.lang], link(here, page_path("chapters", c.id))),
                                           tuple(self.services_of(numbers, here))))
        return AudienceView(a.name[self.lang], a.description[self.lang], tuple(groups))

    def sorted_groups(self) -> list[tuple[str, list[ServiceLink]]]:
        """Services grouped by the first letter of their (pinyin or English) name."""
        here = page_path("services")
        groups: dict[str, list[ServiceLink]] = {}
        for s in sorted(self.handbook.services, key=self.sort_key):
            letter = self.sort_key(s)[:1].upper()
            groups.setdefault(letter, []).append(self.service_link(s, here))
        return list(groups.items())


@dataclass(frozen=True)
class Choice:
    """One answer a finder question offers."""

    value: str  # its value in the URL fragment ('' = not answered)
    label: str  # what the reader sees


@dataclass(frozen=True)
class FinderField:
    """One set of choices (a fieldset) of the finder, named by its URL key."""

    key: str  # URL key, e.g. "status"
    legend: str  # the question as asked
    kind: str  # "number", "radio" (one answer) or "checkbox" (any number of answers)
    choices: tuple[Choice, ...]  # in the order shown (empty for "number")


@dataclass(frozen=True)
class FinderQuestion:
    """A numbered question of the finder: one field, or several under one heading (children)."""

    number: int  # 1-based, as shown
    title: str  # the question, or the heading of its fields
    fields: tuple[FinderField, ...]  # one or more


@dataclass(frozen=True)
class FinderView:
    """Everything the finder page shows before its script runs."""

    title: str  # page heading
    questions: tuple[FinderQuestion, ...]  # at most about nine
    audiences: tuple[Link, ...]  # shown instead of the questions when JavaScript is off (folder URLs)
    script: str  # the finder's script file (its data, then finder.js), relative to the page, asked for once it is painted
    loader: str  # finder-load.js's (minified) text, written into the page: shows the questions, asks for `script`
    qr_script: str | None  # the QR codes' script, relative to the page (None without a site_url)
    children: tuple[ChildRow, ...]  # the rows for children
    shown: int  # "may apply" results shown before "show the rest"


# The finder's questions: (title key, ((URL key, kind, values), ...)); the values are the URL fragment's (README) and
# the eligibility criteria's; "" is "not answered" (radio questions), "none" is "answered: none of these". The kind
# "children" is one row per child (age, stage at school, certificate) and a "no children" box.
STAGES = ("none", "preschool", "primary", "junior", "senior", "vocational", "university")
FINDER_QUESTIONS: tuple[tuple[str, tuple[tuple[str, str, tuple[str, ...]], ...]], ...] = (
    ("age", (("age", "number", ()),)),
    ("sex", (("sex", "radio", ("", "male", "female")),)),
    ("residence", (("residence", "radio", ("", "urban", "rural")),)),
    ("status", (("status", "checkbox", ("dibao", "tekun", "registered-poor", "low-income", "none")),)),
    ("disability", (("disability", "radio", ("", "1", "2", "3", "4", "none")),)),
    ("work", (("work", "radio", ("", "employee", "flexible", "unemployed", "graduate", "none")),
              ("study", "radio", ("", *STAGES)))),
    ("children", (("child", "children", ("none",)),
                  ("family-planning", "radio", ("", "only-child", "two-daughters", "child-died-or-disabled", "none")))),
    ("pregnant", (("pregnant", "radio", ("", "yes", "no")),)),
    ("veteran", (("veteran", "radio", ("", "yes", "no")),)),
)
CHILD_ROWS = 3  # rows shown for children; the script adds more ("add another child", or a longer address)
CHILD_AGES = tuple(str(n) for n in range(26))  # 0–25: a child at university can be described
FINDER_SHOWN = 5  # "may apply" results shown before "show the rest"
FINDER_CLIENT_STRINGS = ("service_label", "list_separator", "qr_alt")
FINDER_CLIENT_PREFIXES = ("finder_count", "finder_summary", "finder_unanswered", "finder_because", "finder_check",
                          "finder_quote", "finder_reason_separator", "finder_child_separator", "finder_why_",
                          "finder_ask_", "finder_departments", "finder_help", "finder_show_rest",
                          "finder_open_questions", "finder_child_n", "finder_child_age_words")


@dataclass(frozen=True)
class ChildRow:
    """One child's row of the finder: its number and the choices of its three selects."""

    number: int  # 1-based
    legend: str  # "Child 1"
    ages: tuple[Choice, ...]  # "" (not answered), then 0–25
    stages: tuple[Choice, ...]  # "" (not answered), none, then each stage
    grades: tuple[Choice, ...]  # "" (not answered), 0 (no certificate), 1–4


def mid_sentence(words: str) -> str:
    """A label → as it reads inside a sentence: its first letter in lower case, unless the second is a capital too."""
    return words[:1].lower() + words[1:] if words[:1].isupper() and not words[1:2].isupper() else words


class FinderViews(PageViews):
    """The finder page's view, and a result of the evaluator in words (as finder.js writes it)."""

    def choice_label(self, key: str, value: str) -> str:
        """A field's URL key and value → the answer's words."""
        if value == "":
            return self.t("finder_skip")
        if value in ("yes", "no"):
            return self.t(f"finder_{value}")
        if key == "child" and value != "none":
            return self.t("finder_child_0") if value == "0" else self.t("finder_child_age", n=value)
        return self.t(f"finder_{key}_{value}")

    def finder_field(self, key: str, kind: str, values: tuple[str, ...], legend: str) -> FinderField:
        """One field of the spec → its view."""
        return FinderField(key, legend, kind, tuple(Choice(v, self.choice_label(key, v)) for v in values))

    def child_rows(self) -> tuple[ChildRow, ...]:
        """The rows the page shows for children."""
        ages = (Choice("", self.t("finder_skip")), *(Choice(a, self.choice_label("child", a)) for a in CHILD_AGES))
        stages = (Choice("", self.t("finder_skip")), *(Choice(s, self.t(f"finder_study_{s}")) for s in STAGES))
        grades = (Choice("", self.t("finder_skip")),
                  *(Choice(str(g), self.t(f"finder_child-disability_{g}")) for g in range(5)))
        return tuple(ChildRow(n, self.t("finder_child_n", n=n), ages, stages, grades) for n in range(1, CHILD_ROWS + 1))

    def client_strings(self) -> dict[str, str]:
        """The interface strings finder.js needs, and every answer's words as choice_<key>_<value>."""
        strings = {key.removeprefix("finder_"): value for key, value in self.strings.items()
                   if key in FINDER_CLIENT_STRINGS or key.startswith(FINDER_CLIENT_PREFIXES)}
        for _, fields in FINDER_QUESTIONS:
            for key, _, values in fields:
                strings.update({f"choice_{key}_{v}": self.choice_label(key, v) for v in values if v})
        strings.update({f"choice_study_{s}": self.t(f"finder_study_{s}") for s in STAGES})
        strings.update({f"choice_child-disability_{g}": self.t(f"finder_child-disability_{g}") for g in range(5)})
        strings["choice_disability_0"] = self.t("finder_disability_none")
        # each answer's words again as they read inside a "because you said…" line: lower case in a Latin script
        # ("Rural hukou" → "rural hukou"), except where the second letter is a capital too (an abbreviation)
        latin = self.config.language(self.lang).script == "Latn"
        strings.update({"said" + key.removeprefix("choice"): mid_sentence(value) if latin else value
                        for key, value in list(strings.items()) if key.startswith("choice_")})
        return strings

    def finder_view(self, script: str, loader: str) -> FinderView:
        """The finder's script file (relative to the page) and finder-load.js's text → the finder page's view in this
        language."""
        here = page_path("finder")
        def legend(title: str, key: str, alone: bool) -> str:  # a question's only field is asked as the question
            return self.t(f"finder_q_{title}") if alone else self.t(f"finder_f_{key}")
        questions = tuple(
            FinderQuestion(number, self.t(f"finder_q_{title}"), tuple(
                self.finder_field(key, kind, values, legend(title, key, len(fields) == 1)) for key, kind, values in fields))
            for number, (title, fields) in enumerate(FINDER_QUESTIONS, 1))
        # raw HTML links, which MkDocs leaves alone: to the folder, not to its Markdown source
        audiences = tuple(Link(a.name[self.lang], link(here, page_path("audiences", a.id)).removesuffix("index.md"))
                          for a in self.handbook.audiences)
        return FinderView(self.t("finder"), questions, audiences, script, loader,
                          f"qr.{self.lang}.js" if self.config.site_url else None,
                          self.child_rows(), FINDER_SHOWN)

    # --- a result in words: the same text finder.js writes into data-why and data-check ---

    def answer_words(self, key: str, value: Any) -> str:
        """A criterion met and the answer it rests on → its words in a "because" line."""
        s = self.client_strings()
        if key == "age":
            return s["why_age"].format(value=value)
        if key in ("pregnant", "veteran"):
            return s[f"why_{key}"]
        if key == "child":
            text = self.child_words(value)
        elif key == "status":
            text = s["list_separator"].join(s[f"said_status_{v}"] for v in value)
        else:
            text = s[f"said_{key}_{value}"]
        return s[f"why_{key}"].format(value=text)

    def child_words(self, child: Mapping[str, Any]) -> str:
        """A child as answered → "9岁，小学，二级残疾人证"."""
        s = self.client_strings()
        parts = [s["child_age_words"].format(n=child["age"])]
        if "study" in child:
            parts.append(s[f"said_study_{child['study']}"])
        if "disability" in child:
            parts.append(s[f"said_child-disability_{child['disability']}"])
        return s["child_separator"].join(parts)

    def because_text(self, because: Sequence[tuple[str, Any]], basis: str = "") -> str:
        """The answers a likely result rests on, and the source's words its rule set encodes → its "because you said…"
        line."""
        s = self.client_strings()
        reasons = s["reason_separator"].join(self.answer_words(k, v) for k, v in because)
        return s["because_basis"].format(reasons=reasons, basis=basis) if basis else s["because"].format(reasons=reasons)

    def check_text(self, questions: Sequence[str], conditions: Sequence[str]) -> str:
        """A maybe result's unanswered questions and open conditions (texts in this language, or "ask") → its line."""
        s = self.client_strings()
        items = [s[f"ask_{k}"] for k in questions]
        # each quote without its own full stop: the line ends with one
        items += [s["check_ask"] if c == "ask" else s["quote"].format(text=c.removesuffix(".").removesuffix("。"))
                  for c in conditions]
        return s["check"].format(items=s["reason_separator"].join(items))
