"""Model → per-language view objects: everything a page template shows, already looked up and localized.

Templates receive these and only lay them out; every lookup, link and language choice happens here.
"""
from __future__ import annotations

import heapq
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pypinyin import Style, lazy_pinyin

from .model import Apply, Channel, Contact, Handbook, HistoryEntry, Provision, Service, SiteConfig, Target
from .quantities import format_amount


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
class ServiceView:
    """Everything a service page shows."""

    number: int  # official number
    name: str  # localized name
    official_name: str  # source-language name
    currency: str  # the notice under the title: where the standard comes from, and that it may have changed
    chapter: Link  # the chapter it belongs to
    labels: dict[str, Label]  # section key (standard, recipients, departments, funding) → its label
    provisions: tuple[ProvisionView, ...]  # usually one
    departments: tuple[DepartmentBlock, ...]  # full names, in the appendix's order, with contacts when known
    apply: ApplyView | None  # how to apply, when a source gives it
    channels: tuple[ChannelView, ...]  # help lines for its chapter
    no_details: str | None  # said plainly when neither how to apply nor any department's contact is known
    history: tuple[HistoryView, ...]  # later documents, newest first
    appendix_departments: str  # the appendix's own 主责单位 text, for the official block
    note: str | None  # editor's note
    related: tuple[ServiceLink, ...]  # services sharing chapter or audience
    keywords: tuple[str, ...]  # also known as
    audiences: tuple[Link, ...]  # who it is for, as groups
    citation: str  # source citation sentence
    booklets: tuple[Link, ...]  # PDFs that contain it
    show_official: bool  # whether to add the collapsed official text


NEARBY = 100  # how far (in official numbers) related services are looked for outside the chapter


def first_line(text: str, limit: int = 80) -> str:
    """A text → its first line, cut at `limit` characters."""
    line = text.split("\n")[0].strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


class Views:
    """Builds view objects for one language."""

    def __init__(self, handbook: Handbook, config: SiteConfig, lang: str, manifest: list[dict[str, Any]] | None = None):
        self.handbook, self.config, self.lang = handbook, config, lang
        self.strings = config.strings[lang]
        self.source_lang = config.codes[0]
        self.manifest = manifest or []  # booklets/index.json entries
        self.places = {n: i for c in handbook.chapters for i, n in enumerate(c.services)}  # service → index in its chapter
        self.containing: dict[int, list[dict[str, Any]]] = {}  # service number → the (not imposed) booklets that print it
        for entry in self.manifest:  # a service's own leaflet counts; an audience's sheet of many services does not
            if not entry["imposed"] and entry["kind"] != "audience-leaflet":
                for number in entry["services"]:
                    self.containing.setdefault(number, []).append(entry)
        for entries in self.containing.values():
            entries.sort(key=lambda entry: entry["kind"] != "leaflet")  # the service's own one-page leaflet first
        self.site_root = "" if lang == self.source_lang else "../"  # this language's root → the site root

    def t(self, key: str, **values: object) -> str:
        """Interface string key → localized text with {placeholders} filled."""
        return self.strings[key].format(**values) if values else self.strings[key]

    def booklet_links(self, from_path: str, wanted: Callable[[dict[str, Any]], bool],
                      among: list[dict[str, Any]] | None = None) -> tuple[Link, ...]:
        """Booklets of this language (and bilingual ones) that `wanted` accepts → links from a page, with size."""
        depth = from_path.count("/") + (0 if self.lang == self.source_lang else 1)
        return tuple(Link(self.booklet_label(b), "../" * depth + b["file"]) for b in (self.manifest if among is None else among)
                     if b["language"] in (self.lang, "bilingual") and wanted(b))

    def booklet_label(self, booklet: dict[str, Any]) -> str:
        """A manifest entry → 'title · edition (PDF, N pages, 1.2 MB)'."""
        parts = [booklet["title"]]
        if booklet["language"] == "bilingual":
            parts.append(self.t("edition_bilingual"))
        if booklet["imposed"]:
            parts.append(self.t("edition_imposed"))
        size = f"{booklet['bytes'] / 1_000_000:.1f} MB" if booklet["bytes"] >= 100_000 else f"{booklet['bytes'] // 1000} KB"
        return f"{' · '.join(parts)} (PDF, {self.t('booklet_pages', pages=booklet['pages'])}, {size})"

    def service_link(self, service: Service, from_path: str) -> ServiceLink:
        """A service → how it is listed from the page at `from_path`."""
        return ServiceLink(service.number, service.name[self.lang], link(from_path, page_path("services", service.id)),
                           service.summary[self.lang])

    def department_links(self, ids: tuple[str, ...], from_path: str) -> tuple[Link, ...]:
        """Department ids → links to their pages."""
        return tuple(Link(self.handbook.department(d).name[self.lang], link(from_path, page_path("departments", d)))
                     for d in ids)

    def related(self, service: Service, limit: int = 6) -> list[Service]:
        """Services that share the chapter or an audience, closest first (same chapter counts double)."""
        def closeness(other: Service) -> tuple[int, int]:
            shared = len(set(other.audiences) & set(service.audiences)) + 2 * (other.chapter == service.chapter)
            return (-shared, abs(other.number - service.number))
        # candidates: services within NEARBY places in the chapter and NEARBY numbers overall (all of them in the real
        # handbook), so the cost per page stays flat however many services there are
        near = self.handbook.services[max(service.number - NEARBY, 1) - 1:service.number + NEARBY]
        members = self.handbook.chapter(service.chapter).services
        at = self.places[service.number]
        chapter = [self.handbook.service(n) for n in members[max(at - NEARBY, 0):at + NEARBY + 1]]
        others = {s.number: s for s in (*chapter, *near) if s.number != service.number}
        return heapq.nsmallest(limit, (s for s in others.values() if closeness(s)[0] < 0), key=closeness)

    def format_date(self, iso: str) -> str:
        """YYYY-MM-DD → a date as this language writes it, e.g. 2018年12月29日 / 29 December 2018."""
        year, month, day = (int(x) for x in iso.split("-"))
        return self.t("date_format", year=year, month=month, day=day, month_name=self.t("month_names").split()[month - 1])

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

    def provision(self, provision: Provision) -> ProvisionView:
        """A provision → its three fields, each with the official column name and text."""
        official = self.config.strings[self.source_lang]
        fields = {key: FieldView(self.t(f"label_{key}"), getattr(provision, key)[self.lang], official[key],
                                 getattr(provision, key)[self.source_lang]) for key in ("recipients", "standard", "funding")}
        return ProvisionView(fields["standard"], fields["recipients"], fields["funding"],
                             (fields["recipients"], fields["standard"], fields["funding"]))

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
            chapter=Link(chapter.title[self.lang], link(here, page_path("chapters", chapter.id))),
            labels=self.labels(),
            provisions=tuple(self.provision(p) for p in service.provisions),
            departments=departments,
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
        script = next(lang.script for lang in self.config.languages if lang.code == self.lang)
        return " ".join(lazy_pinyin(name, style=Style.NORMAL)) if script == "Hans" else name.lower()


@dataclass(frozen=True)
class TargetView:
    """A 2020 target as a table row."""

    label: str  # what is measured
    value: str  # e.g. "at least 90%"


@dataclass(frozen=True)
class ChapterView:
    """Everything a chapter page shows."""

    title: str  # chapter title
    intro: str  # opening paragraph of the plan chapter
    leads: tuple[Link, ...]  # the chapter's lead departments (牵头部门), as the appendix names them per chapter
    services: tuple[ServiceLink, ...]  # its services in order
    targets: tuple[TargetView, ...]  # 2020 targets
    plan: Link | None  # the plan chapter it summarises
    booklets: tuple[Link, ...]  # its PDFs


@dataclass(frozen=True)
class DepartmentView:
    """Everything a department page shows."""

    name: str  # full name
    aliases: tuple[str, ...]  # spellings used in the appendix
    contact: ContactView | None  # how to reach it, when a source gives it
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


def format_target(target: Target, lang: str, source_lang: str) -> str:
    """A target → its value as a phrase in a language, e.g. 'at least 90%' / '90%以上' (website and booklets)."""
    qualifier = target.qualifier[lang] if target.qualifier else ""
    amount = format_amount(target.value, target.unit[lang], target.unit[source_lang], lang, source_lang)
    if not qualifier:
        return amount
    if qualifier in ("以上", "以内", "以下"):  # Chinese qualifiers that follow the amount
        return f"{amount}{qualifier}"
    return f"{qualifier} {amount}" if lang != source_lang else f"{qualifier}{amount}"


class PageViews(Views):
    """View builders for chapter, department, audience and index pages."""

    def chapter_view(self, chapter_id: str, plan_pages: set[str]) -> ChapterView:
        """A chapter id → its page view."""
        c = self.handbook.chapter(chapter_id)
        here = page_path("chapters", c.id)
        targets = tuple(TargetView(g.label[self.lang], self.target_value(g)) for g in c.targets)
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
        return DepartmentView(d.name[self.lang], d.aliases, self.contact(d.contact) if d.contact else None,
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
