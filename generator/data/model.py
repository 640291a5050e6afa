"""The handbook's data as frozen dataclasses: what the renderers receive, already validated."""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .yamlnodes import MAX_BYTES, MAX_NODES


@dataclass(frozen=True)
class Text:
    """A localized text: one string per configured language."""

    values: Mapping[str, str]  # language code → text

    def __getitem__(self, lang: str) -> str:
        return self.values[lang]

    @classmethod
    def of(cls, data: Mapping[str, str]) -> Text:
        """Plain mapping → read-only Text."""
        return cls(MappingProxyType(dict(data)))


@dataclass(frozen=True)
class Language:
    """A language the handbook is published in."""

    code: str  # short code used in data and URLs, e.g. "en"
    name: str  # the language's own name, e.g. "English"
    html_lang: str  # BCP 47 tag for <html lang>, e.g. "zh-Hans"
    script: str  # "Hans" or "Latn": Latin-script text may not contain Chinese characters
    region: str  # ISO 3166-1 region the booklets are typeset for, e.g. "cn"


@dataclass(frozen=True)
class SiteConfig:
    """Handbook settings from site_config.yml."""

    languages: tuple[Language, ...]  # the first is the source language, served at the site root
    site_url: str | None  # absolute URL of the published site, ending in '/'; None until one is set
    title: Text  # the handbook's title
    strings: Mapping[str, Mapping[str, str]]  # language → interface string key → text
    sheets: int = 16  # editions.sheets: a booklet whose print file needs more A4 sheets is printed in volumes
    max_bytes: int = MAX_BYTES  # limits.services_megabytes: services.yaml larger than this is refused
    max_values: int = MAX_NODES  # limits.services_values: services.yaml with more values than this is refused
    workbook_bytes: int = 10 * 1024 * 1024  # limits.workbook_megabytes: an .xlsx given to `handbook import` larger than this,
    # or unpacking to more, is refused
    workbook_rows: int = 5_000  # limits.workbook_rows: a sheet with more rows (or a cell below this row) is refused
    cell_characters: int = 5_000  # limits.workbook_cell_characters: a longer text in one cell is refused

    @property
    def codes(self) -> tuple[str, ...]:
        """Language codes, source language first."""
        return tuple(lang.code for lang in self.languages)

    def language(self, code: str) -> Language:
        """A language code → its settings (the one lookup; KeyError for a code not configured)."""
        for lang in self.languages:
            if lang.code == code:
                return lang
        raise KeyError(code)


@dataclass(frozen=True)
class Source:
    """The official document the handbook reproduces."""

    title: Text  # document title
    issuer: Text  # issuing authority
    number: Text  # document number, e.g. 盐边府发〔2018〕104号 / Yanbian Fu Fa [2018] No. 104
    date: str  # date of issue, YYYY-MM-DD
    note: Text | None  # editor's note on the source as a whole


@dataclass(frozen=True)
class Target:
    """A numeric target stated in the plan for a chapter."""

    label: Text  # what is measured
    value: float  # the target value
    unit: Text  # unit, e.g. "%"
    qualifier: Text | None  # e.g. "at least"
    when: Text | None = None  # the time frame as the plan gives it (到2020年); None where it gives none


@dataclass(frozen=True)
class Chapter:
    """One of the appendix's chapters of services."""

    id: str  # URL slug
    number: int  # 1-based chapter number in the appendix
    title: Text  # chapter title
    lead_departments: tuple[str, ...]  # ids of the lead departments
    intro: Text  # opening paragraph of the matching plan chapter
    targets: tuple[Target, ...]  # numeric targets of the plan period
    services: tuple[int, ...]  # numbers of the chapter's services, in order


@dataclass(frozen=True)
class FormerName:
    """A name a department had before, until when, and the document that says so."""

    name: Text  # the old name
    until: str  # YYYY or YYYY-MM-DD
    source: Text  # the document that states it


@dataclass(frozen=True)
class NewName:
    """The name a department has had since the appendix, since when, and the document that says so."""

    name: Text  # today's name
    since: str  # YYYY or YYYY-MM-DD
    source: Text  # the document that states it


@dataclass(frozen=True)
class Contact:
    """Where to find a department and how to reach it, as read in a named source."""

    address: Text | None  # where to go
    phone: str | None  # e.g. 0812-8612345
    hours: Text | None  # when it is open
    website: str | None  # https address of its official site
    source: Text  # where this was read: a notice, an official page
    verified: str  # YYYY-MM-DD: the day someone checked it against the source


@dataclass(frozen=True)
class Reorganisation:
    """A national reorganisation since the plan that moved one of a department's functions to another office."""

    function: Text  # the function that moved
    note: Text  # what residents read: the national change, and to check locally which office handles it now
    services: tuple[str, ...]  # ids of the services whose function moved
    source: Text  # the document or report it was read in
    address: str  # where it was read (web address)
    verified: str  # YYYY-MM-DD: the day it was read


@dataclass(frozen=True)
class Department:
    """A county department responsible for services."""

    id: str  # URL slug
    name: Text  # full official name
    short_name: Text  # name as written in the appendix
    aliases: tuple[str, ...]  # every spelling the appendix uses
    formerly: tuple[FormerName, ...] = ()  # names it had before the appendix's, newest first
    now: NewName | None = None  # its name since the appendix, if renamed
    contact: Contact | None = None  # how to reach it, when a source gives it
    reorganised: tuple[Reorganisation, ...] = ()  # functions moved to other offices since the plan, with sources


@dataclass(frozen=True)
class Synonym:
    """Words people use for something the handbook names otherwise (read by the search, not by the glossary)."""

    terms: tuple[str, ...]  # what people type, e.g. 新农合
    means: tuple[str, ...]  # words in the handbook's text it stands for; documents containing one are found by terms
    lang: str  # language code of both
    source: Text  # the document that uses or defines the name


@dataclass(frozen=True)
class Channel:
    """A help line any resident can call, established by a named document."""

    id: str  # URL-safe id
    name: Text  # the line's name
    phone: str  # the number to call
    scope: tuple[str, ...]  # ids of the chapters it serves ("all" in the data: every chapter)
    source: Text  # the document that establishes it
    verified: str  # YYYY-MM-DD: the day someone checked it against the source


@dataclass(frozen=True)
class Audience:
    """A "who you are" group residents recognise."""

    id: str  # URL slug
    name: Text  # group name
    description: Text  # one sentence on who belongs
    criteria: tuple[str, ...] | None = None  # eligibility criteria that put a person in it ([] none can); None: not checked


@dataclass(frozen=True)
class Provision:
    """One row of a service: who gets what, paid by whom."""

    recipients: Text  # 服务对象: who it is for
    standard: Text  # 服务内容和保障标准: what you get, and the standard
    funding: Text  # 支出责任: who pays
    label: Text | None = None  # what this part is, when a service has several (No. 73: 生活补助 / Living allowance)


@dataclass(frozen=True)
class HistoryEntry:
    """A later document that changed a service's standard."""

    date: str  # YYYY-MM-DD: the document's date
    summary: Text  # what changed
    source: Text  # the document, named as a citation


@dataclass(frozen=True)
class Apply:
    """How to apply for a service, as read in a named source."""

    where: Text | None  # where to go
    documents: tuple[Text, ...]  # what to bring, one item each
    steps: tuple[Text, ...]  # what happens, in order
    online: str | None  # https address to apply online
    source: Text  # where this was read
    verified: str  # YYYY-MM-DD: the day someone checked it against the source


@dataclass(frozen=True)
class Years:
    """A range of years, both ends included."""

    min: int | None  # lowest age, or None for no lower bound
    max: int | None  # highest age, or None for no upper bound


@dataclass(frozen=True)
class ChildRule:
    """What one child of the household must meet, all together, for a rule set (None or empty = does not matter)."""

    age: Years | None = None  # the child's age
    study: tuple[str, ...] = ()  # the child's stage at school, any one of these ("none": not at school)
    disability: tuple[int, ...] = ()  # the child's disability certificate grade, any one of these


@dataclass(frozen=True)
class RuleSet:
    """One way to qualify for a service: every criterion given must hold (None = does not matter). Each criterion is
    about the person the finder is for, except `status` (the household's) and `child` (one child of the household)."""

    age: Years | None = None  # the person's age
    sex: str | None = None  # "male" or "female"
    residence: str | None = None  # "urban" or "rural" household registration, or "ask" (depends on where one lives or works)
    status: tuple[str, ...] = ()  # the household's: any one of dibao, tekun, registered-poor, low-income
    disability: tuple[int, ...] = ()  # the person's own certificate: any one of these grades (1 is the most severe)
    pregnant: bool = False  # the person is pregnant
    study: tuple[str, ...] = ()  # the person's own stage at school, any one of these ("none": not at school)
    child: ChildRule | None = None  # one child of the household meets all of this
    work: tuple[str, ...] = ()  # any one of unemployed, graduate, employee, flexible, none (none of these)
    veteran: bool = False  # the person is a veteran
    family_planning: tuple[str, ...] = ()  # any one of only-child, two-daughters, child-died-or-disabled
    other: Text | None = None  # a condition no dimension covers, quoted from the source
    basis: str = ""  # the exact words of the source (its Chinese name, recipients or standard) this rule set encodes


@dataclass(frozen=True)
class Eligibility:
    """Who a service is for: everyone, or any one of several rule sets."""

    everyone: bool  # the service is for all residents
    any: tuple[RuleSet, ...]  # alternatives; empty when everyone is true


@dataclass(frozen=True)
class Situation:
    """How residents describe a situation a service covers: search vocabulary, not a claim about the service."""

    says: Mapping[str, tuple[str, ...]]  # language → phrases residents type ("干活受伤了", "fell at work")
    covers: Text  # the words of the service's own text (name, summary, recipients, standard) that cover the situation


@dataclass(frozen=True)
class Omission:
    """A limit of a service's recipients that its summary leaves out on purpose."""

    word: str  # the limiting word, as the source-language recipients write it
    reason: Text  # why the summary may leave it out


@dataclass(frozen=True)
class Qualifier:
    """A word that limits who gets a service: a summary may shorten who qualifies, never widen it."""

    words: Mapping[str, tuple[str, ...]]  # language → the forms of the limit (a summary keeps any one)
    pattern: str | None = None  # a regular expression on the source-language recipients instead (an age)
    general: bool = False  # 符合条件 / eligible: a summary with it leaves the other limits to the page


@dataclass(frozen=True)
class Service:
    """One of the basic public services."""

    id: str  # stable URL slug
    number: int  # official number, 1–85
    chapter: str  # chapter id
    name: Text  # service name
    summary: Text  # one plain sentence on what you get, faithful to the standard (lists, finder, leaflets, meta descriptions)
    provisions: tuple[Provision, ...]  # usually one; No. 73 has two
    departments: tuple[str, ...]  # department ids, in the appendix's order (which says nothing about who leads)
    audiences: tuple[str, ...]  # audience ids
    eligibility: Eligibility  # who it is for, as rules the finder evaluates
    keywords: Mapping[str, tuple[str, ...]]  # language → words residents use
    note: Text | None  # editor's note, if any
    appendix_departments: str = ""  # the appendix's own 主责单位 text, verbatim (short names joined by 、 if not given)
    history: tuple[HistoryEntry, ...] = ()  # later documents that changed it, newest first
    apply: Apply | None = None  # how to apply, when a source gives it
    situations: tuple[Situation, ...] = ()  # how residents describe what the service covers (search only)
    summary_omits: tuple[Omission, ...] = ()  # limits of the recipients the summary leaves out, with the reason
    # audience id → the words of the service's own source text its tag rests on
    audience_basis: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Term:
    """A glossary entry: a recurring term and its consistent translations."""

    term: Text  # the term in each language
    pinyin: str | None  # romanisation of the Chinese term
    forms: Mapping[str, tuple[str, ...]]  # language → other spellings that count as this term


@dataclass(frozen=True)
class Handbook:
    """Everything services.yaml holds, validated and cross-referenced."""

    source: Source  # the official document
    chapters: tuple[Chapter, ...]  # in number order
    departments: tuple[Department, ...]  # in file order
    audiences: tuple[Audience, ...]  # in file order
    services: tuple[Service, ...]  # in number order
    glossary: tuple[Term, ...]  # in file order
    synonyms: tuple[Synonym, ...] = ()  # search synonyms, in file order
    channels: tuple[Channel, ...] = ()  # help lines, in file order
    qualifiers: tuple[Qualifier, ...] = ()  # words that limit who gets a service, which summaries keep
    warnings: tuple[str, ...] = ()  # what `check` reports without refusing, e.g. contacts verified over a year ago

    @functools.cached_property
    def data_date(self) -> str:
        """The date of the data, YYYY-MM-DD: the latest day a help line, contact or way to apply was checked or a
        standard changed (the plan's date when there is none); worked out once (every leaflet prints it)."""
        dates = [self.source.date] + [c.verified for c in self.channels]
        dates += [d.contact.verified for d in self.departments if d.contact]
        dates += [s.apply.verified for s in self.services if s.apply] + [h.date for s in self.services for h in s.history]
        return max(dates)

    def service(self, number: int) -> Service:
        """Official number → service."""
        return self.services[number - 1]

    def chapter(self, chapter_id: str) -> Chapter:
        """Chapter id → chapter."""
        return next(c for c in self.chapters if c.id == chapter_id)

    def department(self, department_id: str) -> Department:
        """Department id → department."""
        return next(d for d in self.departments if d.id == department_id)

    def audience(self, audience_id: str) -> Audience:
        """Audience id → audience."""
        return next(a for a in self.audiences if a.id == audience_id)

    def reorganisations_for(self, service: Service) -> tuple[tuple[Department, Reorganisation], ...]:
        """A service → (department, reorganisation) for each moved function of its departments that covers it."""
        return tuple((d, r) for d in map(self.department, service.departments) for r in d.reorganised if service.id in r.services)

    def channels_for(self, chapter_id: str) -> tuple[Channel, ...]:
        """Chapter id → the help lines that serve it."""
        return tuple(c for c in self.channels if chapter_id in c.scope)
