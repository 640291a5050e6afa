"""Model → what printed matter (booklets, leaflets) shows of a service, per language: plain labels with the official
column name beside them, in the order residents need (what you get → who can get it → responsible departments →
who pays), and English typography (curly quotes, no line of one or two characters after a break)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ..data.model import Apply, Channel, Handbook, Service, SiteConfig
from ..present.views import Label, Views

OPENING = re.compile(r"(^|[\s(\[{\u2014\u2013/])\"")  # a straight double quote that opens
OPENING_SINGLE = re.compile(r"(^|[\s(\[{\u201c\u2014\u2013/])'")  # a straight single quote that opens


def curly_quotes(text: str) -> str:
    """Straight quotes and apostrophes → typographic ones (“ ” ‘ ’); an apostrophe inside a word is ’."""
    text = OPENING.sub("\\1\u201c", text).replace('"', "\u201d")
    return OPENING_SINGLE.sub("\\1\u2018", text).replace("'", "\u2019")


BEFORE_PAREN = re.compile(r"([A-Za-z0-9.,;:!?\u2019\u201d])([(\uff08][\u3400-\u9fff])")  # English, then "(中文" or "（中文"
CLOSING = set("，。、；：？！）》」』”’〉】〕…·,.;:?!)]%")  # never the first character of a line (kinsoku)
OPENING_MARKS = set("（《「『“‘〈【〔([")  # never the last character of a line
DIGITS = set("0123456789")
BREAK_AFTER = set("和与及、的或")  # a Chinese name may break after these function words, and between known words


def prose(config: SiteConfig, lang: str, text: str) -> str:
    """Text for print in a language: Latin-script text gets typographic quotes and a space before a Chinese
    parenthesis, "What you get (服务内容…)" (Chinese text keeps the source's)."""
    if config.language(lang).script != "Latn":
        return text
    return BEFORE_PAREN.sub("\\1 \\2", curly_quotes(text))


def keep_tail(text: str) -> list[str]:
    """A title or paragraph → [head, tail], the tail never broken across lines: its last two characters (and the
    punctuation after them) when it ends in Chinese, its last two words when it ends in Latin letters — so no last
    line holds one character alone, and the tail never begins with closing punctuation nor in a number (每月100元。
    keeps 100元。 whole, not 0元。)."""
    text = text.strip()
    if text.rstrip("".join(CLOSING))[-1:].isascii():
        words = text.rsplit(" ", 2)
        if len(words) < 3:
            return ["", text]
        return [words[0] + " ", words[1] + "\u00a0" + words[2]]
    cut, letters = len(text), 0
    while cut > 0 and (letters < 2 or text[cut - 1] in OPENING_MARKS or text[cut] in CLOSING or in_number(text, cut)):
        cut -= 1
        letters += text[cut] not in CLOSING
    return [text[:cut], text[cut:]]


def in_number(text: str, cut: int) -> bool:
    """Whether a cut before text[cut] falls right after a digit, or a decimal point or comma after one (1,200)."""
    before = text[cut - 1]
    return before in DIGITS or (before in ".," and cut > 1 and text[cut - 2] in DIGITS)


def paragraphs(text: str) -> list[list[str]]:
    """Text with one paragraph a line → each paragraph as keep_tail's [head, tail]."""
    return [keep_tail(line) for line in text.split("\n") if line.strip()]


def segment(text: str, vocabulary: frozenset[str]) -> list[str]:
    """A name → the pieces a line may break between, each with the space after it: a word of Latin letters whole
    (hyphen and apostrophe included); Chinese by the longest known word at each place (the glossary, keywords,
    department and audience names), characters of no known word kept with their neighbours, a break after a
    function word (和、与、及…); punctuation stays with its word."""
    pieces: list[str] = []
    for token in re.split(r"(?<= )", text):
        pieces += chinese_words(token, vocabulary) if HAN.search(token) else [token]
    return [p for p in pieces if p]


HAN = re.compile(r"[\u3400-\u9fff]")


def chinese_words(text: str, vocabulary: frozenset[str]) -> list[str]:
    """Chinese text → its pieces (see segment)."""
    pieces: list[str] = []
    glue = False  # the last piece may take more characters (it is not a known word)
    i = 0
    longest = max(map(len, vocabulary), default=1)
    while i < len(text):
        word = next((text[i:i + n] for n in range(min(longest, len(text) - i), 1, -1) if text[i:i + n] in vocabulary), "")
        char = text[i]
        if word:
            pieces.append(word)
        elif pieces and (char in CLOSING or char in BREAK_AFTER or char == " " or pieces[-1][-1:] in OPENING_MARKS
                         or glue):  # a function word ends the piece before it: a line may break after it
            pieces[-1] += char
        else:
            pieces.append(char)
        glue = not word and char not in BREAK_AFTER and char not in CLOSING and char != " "
        i += len(word) or 1
    return pieces


def name_vocabulary(handbook: Handbook, lang: str) -> frozenset[str]:
    """The words a segmenter knows for a language: glossary terms, residents' keywords, departments' short names,
    audiences and chapters (two characters or more)."""
    words = [t.term[lang] for t in handbook.glossary] + [k for s in handbook.services for k in s.keywords.get(lang, ())]
    words += [d.short_name[lang].removeprefix("县") for d in handbook.departments] + [a.name[lang] for a in handbook.audiences]
    return frozenset(w for w in words if len(w) > 1 and not w.isascii())


def vocabulary(handbook: Handbook, config: SiteConfig) -> frozenset[str]:
    """The words the segmenter knows, in every language (worked out once per build: it reads every keyword)."""
    return frozenset().union(*(name_vocabulary(handbook, lang) for lang in config.codes))


def data_date(handbook: Handbook) -> str:
    """The date of the data, YYYY-MM-DD (Handbook.data_date), which the same data always prints the same."""
    return handbook.data_date


def without_translation_remarks(text: str, markers: str) -> str:
    """An editor's note in the source language → without its clauses about the English translation (clauses that
    name one of `markers`, "英文|译文|翻译"; clause marks inside quotes do not split)."""
    if not markers:
        return text
    clauses = re.findall(r"(?:“[^”]*”|[^，；。“])+[，；。]?|“[^”]*”", text)
    kept = [c for c in clauses if not re.search(markers, c)]
    joined = "".join(kept).rstrip("，；")
    return joined + "。" if joined and joined[-1] not in "。！？" else joined


def department_names(handbook: Handbook, service: Service, lang: str, config: SiteConfig) -> str:
    """A service → its departments' full names, in the appendix's order, joined for a language."""
    return config.strings[lang]["list_separator"].join(handbook.department(d).name[lang] for d in service.departments)


def field(label: Label, lines: list[str], config: SiteConfig, lang: str, part: str) -> dict[str, Any]:
    """A label, its lines and where a leaflet puts it ("main", "ask" or "foot") → one printed field, each line a
    paragraph whose last characters stay together (keep_tail)."""
    space = " " if label.official and config.language(lang).script == "Latn" else ""  # "What you get (服务内容…)"
    return {"label": prose(config, lang, label.text), "official": space + label.official, "part": part,
            "paras": paragraphs("\n".join(prose(config, lang, x) for x in lines))}


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


def service_fields(handbook: Handbook, config: SiteConfig, service: Service, lang: str) -> list[dict[str, Any]]:
    """A service → its printed fields in a language, in the order residents need them: for each provision what you
    get and who can get it; the responsible departments (with contacts), how to apply and the help lines when the
    data has them (or a plain word that it has not); who pays, last; then any editor's note."""
    views = Views(handbook, config, lang)
    labels = views.labels()
    parts = len(service.provisions) > 1

    def part(key: str, i: int) -> Label:
        label = labels[key]
        return replace(label, text=f"{label.text} · {views.part_heading(service.provisions[i - 1], i)}") if parts else label
    fields = [field(part(key, i), [getattr(p, key)[lang]], config, lang, "main")
              for i, p in enumerate(service.provisions, 1) for key in ("standard", "recipients")]
    fields.append(field(labels["departments"], department_lines(views, handbook, service), config, lang, "ask"))
    if service.apply:
        fields.append(field(plain(views.t("apply_title")), apply_lines(views, service.apply), config, lang, "ask"))
    channels = handbook.channels_for(service.chapter)
    if not service.apply and not any(handbook.department(d).contact for d in service.departments):
        fields.append(field(plain(views.t("no_details_title")),
                            [views.t("no_details_call" if channels else "no_details")], config, lang, "ask"))
    if channels:  # after the plain word, which points to the help line below
        fields.append({**field(plain(views.t("channels_title")), channel_lines(views, channels), config, lang, "ask"),
                       "inline": "yes"})  # a leaflet runs the short help lines on after their label
    fields += [field(part("funding", i), [p.funding[lang]], config, lang, "foot")
               for i, p in enumerate(service.provisions, 1)]
    # the editor's word, not the standard: a leaflet sets it in the small print; with it, any office reorganised since
    moved = reorganised_text(views, service)  # the plan (the 2018 office may no longer handle the service)
    if service.note or moved:
        notes = ([service.note[lang]] if service.note else []) + ([moved] if moved else [])
        fields.append({**field(plain(views.t("note")), notes, config, lang, "foot"), "aside": "yes"})
    return fields


def channel_lines(views: Views, channels: Iterable[Channel]) -> list[str]:
    """Help lines → 'name: phone', one a line."""
    return [f"{c.name[views.lang]}{views.t('label_separator')}{c.phone}" for c in channels]


def currency(handbook: Handbook, config: SiteConfig, service: Service, lang: str) -> str:
    """A service → the notice of how current its standard is (its latest history entry, else the 2018 plan)."""
    return prose(config, lang, Views(handbook, config, lang).currency(service))


def booklet_currency(handbook: Handbook, config: SiteConfig, lang: str) -> str:
    """The notice on every booklet cover: the standards come from the plan of 2018 and may have changed."""
    views = Views(handbook, config, lang)
    source = handbook.source
    document = views.t("currency_plan", title=source.title[lang], number=source.number[lang])
    return prose(config, lang, views.t("booklet_currency", date=views.format_date(source.date), source=document))
