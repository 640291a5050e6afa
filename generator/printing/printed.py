"""Model → what printed matter (booklets, leaflets) shows of a service, per language: plain labels with the official
column name beside them, in the order residents need (what you get → who can get it → responsible departments →
who pays), and English typography (curly quotes, no line of one or two characters after a break)."""
from __future__ import annotations

import re
from dataclasses import replace

from ..data.model import Apply, Handbook, Service, SiteConfig
from ..present.views import Label, Views

OPENING = re.compile(r"(^|[\s(\[{\u2014\u2013/])\"")  # a straight double quote that opens
OPENING_SINGLE = re.compile(r"(^|[\s(\[{\u201c\u2014\u2013/])'")  # a straight single quote that opens


def curly_quotes(text: str) -> str:
    """Straight quotes and apostrophes → typographic ones (“ ” ‘ ’); an apostrophe inside a word is ’."""
    text = OPENING.sub("\\1\u201c", text).replace('"', "\u201d")
    return OPENING_SINGLE.sub("\\1\u2018", text).replace("'", "\u2019")


def prose(config: SiteConfig, lang: str, text: str) -> str:
    """Text for print in a language: Latin-script text gets typographic quotes (Chinese text keeps the source's)."""
    return curly_quotes(text) if config.language(lang).script == "Latn" else text


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


def department_names(handbook: Handbook, service: Service, lang: str, config: SiteConfig) -> str:
    """A service → its departments' full names, in the appendix's order, joined for a language."""
    return config.strings[lang]["list_separator"].join(handbook.department(d).name[lang] for d in service.departments)


def field(label: Label, lines: list[str], config: SiteConfig, lang: str) -> dict[str, str]:
    """A label and its lines → one printed field (lines become paragraphs)."""
    return {"label": prose(config, lang, label.text), "official": label.official,
            "text": "\n".join(prose(config, lang, x) for x in lines)}


def plain(text: str) -> Label:
    """A label with no official column name beside it."""
    return Label(text, "", "")


def department_lines(views: Views, handbook: Handbook, service: Service) -> list[str]:
    """A service's departments → their full names, each followed by its contact (with source) when known."""
    lines = []
    for dept_id in service.departments:
        department = handbook.department(dept_id)
        lines.append(department.name[views.lang])
        if department.contact:
            contact = views.contact(department.contact)
            lines += [f"{label}{views.t('label_separator')}{text}" for label, text, _ in contact.lines] + [contact.source]
    return lines


def reorganised_text(views: Views, service: Service) -> str:
    """A service → one sentence naming the functions of its departments that moved to other offices since the plan,
    with the word to check locally ('' when none did); the service's web page gives each change and its source."""
    functions = list(dict.fromkeys(r.function for r in views.reorganised_of(service)))
    return views.t("reorganised_print", functions=views.t("list_separator").join(functions)) if functions else ""


def apply_lines(views: Views, apply: Apply) -> list[str]:
    """How to apply → its printed lines: where, what to bring, steps, online, source."""
    view = views.apply_view(apply)
    sep = views.t("label_separator")
    lines = [f"{views.t('apply_where')}{sep}{view.where}"] if view.where else []
    if view.documents:
        lines.append(f"{views.t('apply_documents')}{sep}{views.t('list_separator').join(view.documents)}")
    lines += [f"{i}. {step}" for i, step in enumerate(view.steps, 1)]
    if view.online:
        lines.append(f"{views.t('apply_online')}{sep}{view.online}")
    return lines + [view.source]


def service_fields(handbook: Handbook, config: SiteConfig, service: Service, lang: str) -> list[dict[str, str]]:
    """A service → its printed fields in a language, in the order residents need them: for each provision what you
    get and who can get it; the responsible departments (with contacts), how to apply and the help lines when the
    data has them (or a plain word that it has not); who pays, last; then any editor's note."""
    views = Views(handbook, config, lang)
    labels = views.labels()
    parts = len(service.provisions) > 1

    def part(key: str, i: int) -> Label:
        label = labels[key]
        return replace(label, text=f"{label.text} · {views.part_heading(service.provisions[i - 1], i)}") if parts else label
    fields = [field(part(key, i), [getattr(p, key)[lang]], config, lang)
              for i, p in enumerate(service.provisions, 1) for key in ("standard", "recipients")]
    fields.append(field(labels["departments"], department_lines(views, handbook, service), config, lang))
    if service.apply:
        fields.append(field(plain(views.t("apply_title")), apply_lines(views, service.apply), config, lang))
    channels = handbook.channels_for(service.chapter)
    if not service.apply and not any(handbook.department(d).contact for d in service.departments):
        fields.append(field(plain(views.t("no_details_title")),
                            [views.t("no_details_call" if channels else "no_details")], config, lang))
    if channels:  # after the plain word, which points to the help line below
        fields.append(field(plain(views.t("channels_title")),
                            [f"{c.name[lang]}{views.t('label_separator')}{c.phone}" for c in channels], config, lang))
    fields += [field(part("funding", i), [p.funding[lang]], config, lang) for i, p in enumerate(service.provisions, 1)]
    # the editor's word, not the standard: a leaflet may set it smaller; with it, any office reorganised since the plan
    moved = reorganised_text(views, service)  # (the 2018 office may no longer handle the service)
    if service.note or moved:
        notes = ([service.note[lang]] if service.note else []) + ([moved] if moved else [])
        fields.append({**field(plain(views.t("note")), notes, config, lang), "aside": "yes"})
    return fields


def currency(handbook: Handbook, config: SiteConfig, service: Service, lang: str) -> str:
    """A service → the notice of how current its standard is (its latest history entry, else the 2018 plan)."""
    return prose(config, lang, Views(handbook, config, lang).currency(service))


def booklet_currency(handbook: Handbook, config: SiteConfig, lang: str) -> str:
    """The notice on every booklet cover: the standards come from the plan of 2018 and may have changed."""
    views = Views(handbook, config, lang)
    source = handbook.source
    document = views.t("currency_plan", title=source.title[lang], number=source.number[lang])
    return prose(config, lang, views.t("booklet_currency", date=views.format_date(source.date), source=document))
