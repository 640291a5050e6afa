"""Model → one-page leaflets (明白纸) for village notice boards, per language: one A4 page per service (its name large,
the currency notice, the fields in residents' order, help lines, number and QR code) and one A4 sheet per audience
(its services with number, name, summary and departments, and a QR code to the audience page).

plan_leaflets → service_leaflet_data / audience_leaflet_data → render_leaflets, which compiles with the shared Typst
machinery (typesetting.py): unchanged PDFs are reused, QR codes drawn once. A service leaflet's template picks the
largest of SERVICE_STEPS (body 22 pt down to 16 pt, English to 14 pt) that fits one page, an audience sheet the largest
body of 16, 14 or 12 pt that fits one side (else several titled sheets); both report it as layout, which the
manifest records."""
from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..data.model import Audience, Handbook, Service, SiteConfig
from ..present.urls import audience_url, service_url
from ..present.views import Views
from .printed import (
    channel_lines,
    currency,
    data_date,
    keep_tail,
    paragraphs,
    prose,
    segment,
    service_fields,
    vocabulary,
    without_translation_remarks,
)
from .typesetting import (
    NOT_YET,
    PdfFacts,
    Progress,
    RecyclingPool,
    Reuse,
    as_planned,
    compile_or_reuse,
    draw_qr_codes,
    engine_key,
    manifest_entry,
    sha256,
    worker_pool,
)

# A service leaflet's settings, largest first: [body pt, foot pt, ruled line gap of the village box in mm, title
# size as a multiple of the body's]. The template uses the first whose layout fits one A4 page; past 16 pt the page
# gives way in this order: the foot matter smaller, the box's lines closer, then (English only) the body down to
# 14 pt, and last the title (a long English name takes five lines beside the QR code).
SERVICE_STEPS = [[size / 2, 9, 9, 1.9] for size in range(44, 31, -1)] + [[16, 8, 9, 1.9], [16, 8, 7, 1.9]]
SERVICE_TIGHT = [[15, 8, 7, 1.9], [14.5, 8, 7, 1.9], [14, 8, 7, 1.9], [14, 7, 6, 1.9], [14, 7, 6, 1.6]]  # English only
AUDIENCE_SIZES = [16, 14, 12]  # an audience sheet: the largest that fits one side, else split into sheets at 12
SERVICE, AUDIENCE = "leaflet", "audience-leaflet"
# The first size a service leaflet's template measures, guessed from its text: the body takes about as much room as
# its characters (a Latin letter half as wide as a Chinese one) plus what each paragraph's last line leaves empty,
# each as wide and high as the type is large, and the name's characters NAME times as much (the title is set at
# about twice the body's size). ROOM (character areas at 1 pt) and LINE_ENDS were fitted on the real leaflets, in
# both build modes, for the fewest measures; the template measures the guess and its neighbours, so a poor guess
# costs a measure, never a wrong size.
ROOM = {"Hans": 182_000, "Latn": 226_000}
LINE_ENDS = {"Hans": 15, "Latn": 30}  # characters' room a paragraph loses at its end, and a label takes
NAME = 4
# amounts set in bold in "what you get" and "who can get it", by script: CNY and yuan figures, per cent
AMOUNTS = {"Hans": re.compile(r"[0-9][0-9.,，]*(?:万元|元|%|％)"),
           "Latn": re.compile(r"(?:CNY|RMB) ?[0-9][0-9.,]*|[0-9][0-9.,]* ?(?:yuan|per ?cent|%)")}


@dataclass(frozen=True)
class Leaflet:
    """One leaflet PDF, as listed in booklets/index.json."""

    file: str  # path relative to site/, e.g. "booklets/en/leaflet-minimum-living-allowance.pdf"
    language: str  # a language code
    kind: str  # "leaflet" (one service) or "audience-leaflet" (the services for one audience)
    id: str  # service or audience id
    title: str  # what the downloads page shows
    services: tuple[int, ...]  # service numbers it shows
    edition: str = "standard"  # as booklets: leaflets have one edition
    imposed: bool = False  # leaflets are printed as they are
    volume: int | None = None  # leaflets are never split
    volumes: int = 1  # leaflets are never split


def plan_leaflets(handbook: Handbook, config: SiteConfig) -> list[Leaflet]:
    """Every leaflet: per language, one per service (in number order), then one per audience that has services."""
    leaflets = []
    for lang in config.codes:
        t = config.strings[lang]
        leaflets += [Leaflet(f"booklets/{lang}/leaflet-{s.id}.pdf", lang, SERVICE, s.id,
                             t["leaflet_service"].format(name=s.name[lang]), (s.number,)) for s in handbook.services]
        for a in handbook.audiences:
            members = tuple(s.number for s in handbook.services if a.id in s.audiences)
            if members:
                leaflets.append(Leaflet(f"booklets/{lang}/leaflet-audience-{a.id}.pdf", lang, AUDIENCE, a.id,
                                        t["leaflet_audience"].format(name=a.name[lang]), members))
    return leaflets


def iso_date(iso: str) -> list[int]:
    """YYYY-MM-DD → [year, month, day], as the templates' document date."""
    return [int(x) for x in iso.split("-")]


def common(handbook: Handbook, config: SiteConfig, lang: str, title: str) -> dict[str, Any]:
    """What every leaflet's template receives: language, document title and date (the data's), the handbook, the
    village's box to fill in by hand, and the foot: the source and "information as of"."""
    t = config.strings[lang]
    views = Views(handbook, config, lang)
    as_of = data_date(handbook)
    return {"lang": lang, "region": config.language(lang).region, "title": title, "issuer": handbook.source.issuer[lang],
            "date": iso_date(as_of), "handbook": f"{t['county']} · {config.title[lang]}",
            "source_line": prose(config, lang, t["source_line"]), "qr": None,
            "as_of": views.t("as_of", date=views.format_date(as_of)), "print_note": prose(config, lang, t["print_note"]),
            "box": [prose(config, lang, t[key]) + t["label_separator"].rstrip()
                    for key in ("village_place", "village_contact", "village_phone")]}


def service_leaflet_data(leaflet: Leaflet, service: Service, handbook: Handbook, config: SiteConfig,
                         vocabulary: frozenset[str]) -> dict[str, Any]:
    """A service's leaflet → the JSON its template receives: the fields in three parts (main, where to ask, small
    print at the foot); a Chinese leaflet leaves out what the editor's note says about the English translation."""
    lang = leaflet.language
    t = config.strings[lang]
    number = t["service_label"].format(number=service.number)
    fields = service_fields(handbook, config, service, lang)
    for f in (f for f in fields if "aside" in f):
        f["paras"] = paragraphs(without_translation_remarks("\n".join(h + e for h, e in f["paras"]), t["note_translation"]))
    tight = SERVICE_TIGHT if config.language(lang).script == "Latn" else []
    steps = SERVICE_STEPS + tight
    kept = [f for f in fields if f["paras"]]
    name = segment(prose(config, lang, service.name[lang]), vocabulary)
    script = config.language(lang).script
    return {**common(handbook, config, lang, leaflet.title), "steps": steps, "number": number,
            "guess": first_step(steps, kept, name, script),
            "name": name,
            "notice": keep_tail(currency(handbook, config, service, lang)),
            "fields": [bold_amounts(f, AMOUNTS[script]) if f["part"] == "main" else f for f in kept],
            "url": service_url(config, service, lang),
            "qr_alt": t["qr_alt"].format(number=service.number), "qr_caption": t["leaflet_qr"],
            "contact": [prose(config, lang, line) for line in (number, t["leaflet_no_qr"])]}


Marked = str | list[str | dict[str, str]]  # text, or its pieces with the amounts as {"b": amount}


def marked(text: str, amounts: re.Pattern[str], cuts: tuple[int, ...] = ()) -> list[Marked]:
    """Text and places to cut it at → each part as itself if it holds no amount, else its pieces in order, each amount
    (or the part of one on that side of a cut) as {"b": amount}, which the template sets in bold; no piece is empty."""
    spans = [match.span() for match in amounts.finditer(text)]
    parts: list[Marked] = []
    for start, end in zip((0, *cuts), (*cuts, len(text)), strict=True):
        pieces: list[str | dict[str, str]] = []
        at = start
        for bold_start, bold_end in ((max(a, start), min(b, end)) for a, b in spans):
            if bold_start < bold_end:
                pieces += [text[at:bold_start]] if bold_start > at else []
                pieces.append({"b": text[bold_start:bold_end]})
                at = bold_end
        parts.append(pieces + ([text[at:end]] if at < end else []) if pieces else text[start:end])
    return parts


def bold_amounts(field: dict[str, Any], amounts: re.Pattern[str]) -> dict[str, Any]:
    """A printed field → the same with the amounts in its label and paragraphs marked (see marked); a paragraph is
    searched whole, so an amount its kept tail cuts is bold on both sides."""
    [label], [official] = marked(field["label"], amounts), marked(field["official"], amounts)
    return {**field, "label": label, "official": official,
            "paras": [marked(head + tail, amounts, (len(head),)) for head, tail in field["paras"]]}


def first_step(steps: list[list[float]], fields: list[dict[str, Any]], name: list[str], script: str) -> int:
    """A leaflet's fields and name → the index of the step its template measures first (see ROOM)."""
    body = [f for f in fields if f["part"] != "foot"]
    width = 0.5 if script == "Latn" else 1.0
    ends = LINE_ENDS[script]
    chars = sum(len(head + tail) * width + ends for f in body for head, tail in f["paras"]) + ends * len(body)
    size = (ROOM[script] / (chars + NAME * width * len("".join(name)))) ** 0.5
    return next((i for i, step in enumerate(steps) if step[0] <= size), len(steps) - 1)


def audience_leaflet_data(leaflet: Leaflet, audience: Audience, handbook: Handbook, config: SiteConfig,
                          vocabulary: frozenset[str]) -> dict[str, Any]:
    """An audience's leaflet → the JSON its template receives: its services as rows, the help lines for them."""
    lang = leaflet.language
    t = config.strings[lang]
    views = Views(handbook, config, lang)
    source = handbook.source
    document = views.t("currency_plan", title=source.title[lang], number=source.number[lang])
    rows = [{"number": t["service_label"].format(number=n), "name": prose(config, lang, handbook.service(n).name[lang]),
             "summary": keep_tail(prose(config, lang, handbook.service(n).summary[lang])),
             "departments": keep_tail(t["label_departments"] + t["label_separator"] + t["list_separator"].join(
                 prose(config, lang, handbook.department(d).short_name[lang]) for d in handbook.service(n).departments))}
            for n in leaflet.services]
    channels = list({c.id: c for n in leaflet.services for c in handbook.channels_for(handbook.service(n).chapter)}.values())
    return {**common(handbook, config, lang, leaflet.title), "sizes": AUDIENCE_SIZES,
            "name": segment(prose(config, lang, audience.name[lang]), vocabulary), "part": t["sheet_part"],
            "description": keep_tail(prose(config, lang, audience.description[lang])),
            "notice": keep_tail(prose(config, lang, views.t("sheet_currency", date=views.format_date(source.date),
                                                            source=document))),
            "rows": rows, "help": {"label": prose(config, lang, t["channels_title"]) + t["label_separator"].rstrip(),
                                   "lines": [prose(config, lang, x) for x in channel_lines(views, channels)]},
            "url": audience_url(config, audience.id, lang), "qr_alt": t["site_qr_alt"], "qr_caption": t["leaflet_qr"]}


def leaflet_data(leaflet: Leaflet, handbook: Handbook, config: SiteConfig,
                 words: frozenset[str] | None = None) -> dict[str, Any]:
    """A leaflet → the JSON its template receives (without its QR code, which is drawn only when compiled);
    `words`: printed.vocabulary, made once per build."""
    words = vocabulary(handbook, config) if words is None else words
    if leaflet.kind == SERVICE:
        service = handbook.service(leaflet.services[0])  # (not a search by id: a large handbook has many leaflets)
        return service_leaflet_data(leaflet, service, handbook, config, words)
    return audience_leaflet_data(leaflet, handbook.audience(leaflet.id), handbook, config, words)


def leaflet_engine(template_dir: Path) -> str:
    """Everything besides a leaflet's data that shapes its PDF: this module, printed.py, Typst, fonts, templates."""
    here = Path(__file__).parent
    return engine_key([here / "leaflets.py", here / "printed.py"], (template_dir / "leaflets").glob("*.typ"))


def leaflet_key(engine: str, data: dict[str, Any], kind: str) -> str:
    """A leaflet's data (QR code not drawn yet: it follows from the URL) → the hash of everything its PDF is made from."""
    return sha256(f"{engine}\0{kind}\0" + json.dumps(data, ensure_ascii=False))


def render_leaflets(handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path, workers: int | None = None,
                    progress: Progress | None = None, reuse: Reuse | None = None,
                    qr_codes: dict[str, str] | None = None, pool: RecyclingPool | None = None) -> list[dict[str, Any]]:
    """All leaflets → tagged PDFs under `out` (at their manifest paths) and their manifest entries; PDFs whose inputs
    are unchanged since the previous build are reused, and QR codes already drawn (`qr_codes`, URL → SVG) too.
    `pool` is the build's pool of Typst workers (see render_booklets); without one, a pool of `workers` is started."""
    qr_codes = {} if qr_codes is None else qr_codes
    reuse = reuse or Reuse(None)
    engine = leaflet_engine(template_dir)
    leaflets = plan_leaflets(handbook, config)
    words = vocabulary(handbook, config)
    manifest: list[dict[str, Any]] = []
    with contextlib.nullcontext(pool) if pool else worker_pool(workers) as pool:
        for kind, template in ((SERVICE, "leaflet.typ"), (AUDIENCE, "audience-leaflet.typ")):  # (planned_leaflets' order)
            chosen = [x for x in leaflets if x.kind == kind]

            def key_of(i: int, chosen: list[Leaflet] = chosen, kind: str = kind) -> str:
                return leaflet_key(engine, leaflet_data(chosen[i], handbook, config, words), kind)

            def inputs(missing: list[int], chosen: list[Leaflet] = chosen,
                       kind: str = kind) -> Iterator[tuple[str, dict[str, str]]]:
                for i in missing:  # each leaflet's data made once, for its hash and its input
                    data = leaflet_data(chosen[i], handbook, config, words)
                    qr = draw_qr_codes({data["url"]}, qr_codes)[data["url"]] if data["url"] else None
                    yield leaflet_key(engine, data, kind), {"data": json.dumps({**data, "qr": qr}, ensure_ascii=False)}
            made = compile_or_reuse(pool, template_dir / "leaflets" / template, template_dir / "leaflets",
                                    [out / x.file for x in chosen], key_of, inputs, ("ua-1", "a-2a"), reuse, progress)
            manifest += [leaflet_entry(x, facts, key) for x, (facts, key) in zip(chosen, made, strict=True)]
    return manifest


def planned_leaflets(handbook: Handbook, config: SiteConfig) -> list[dict[str, Any]]:
    """Every leaflet still to be made → its manifest entry without the PDF's facts (pages and bytes None), in
    render_leaflets' order."""
    planned = plan_leaflets(handbook, config)
    return [as_planned(leaflet_entry(x, NOT_YET, ""))
            for kind in (SERVICE, AUDIENCE) for x in planned if x.kind == kind]


def leaflet_entry(leaflet: Leaflet, facts: PdfFacts, key: str) -> dict[str, Any]:
    """A leaflet, its PDF's facts and input hash → its booklets/index.json entry (with the body size it was set in)."""
    return manifest_entry({**asdict(leaflet), "services": list(leaflet.services)}, facts, key)


def carry_over_leaflets(handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path,
                        reuse: Reuse) -> list[dict[str, Any]]:
    """The preview's leaflets: those of the previous build whose inputs are unchanged, linked under `out` with their
    manifest entries; nothing is compiled."""
    if not reuse.entries:  # no previous build: nothing to carry over
        return []
    engine = leaflet_engine(template_dir)
    manifest = []
    planned = plan_leaflets(handbook, config)
    words = vocabulary(handbook, config)
    for leaflet in [x for kind in (SERVICE, AUDIENCE) for x in planned if x.kind == kind]:  # render_leaflets' order
        key = leaflet_key(engine, leaflet_data(leaflet, handbook, config, words), leaflet.kind)
        if (made := reuse.take(key, out / leaflet.file)) is not None:
            manifest.append(leaflet_entry(leaflet, made, key))
    return manifest
