"""Model → printable PDF booklets (Typst): per language the full handbook, each chapter and department,
large-print chapters, a bilingual full edition, and for each an imposed saddle-stitch print file.

In order: plan_booklets (which PDFs, split into volumes when long) → booklet_data (what each template receives) →
render_booklets: every PDF whose input hash the previous build lists is reused (Reuse); the rest are compiled
by a pool of workers, one Typst compiler each, in an order that keeps shared services together (locality), with
each QR code drawn once (draw_qr_codes) and each PDF written straight to disk; then the imposed twins, the same
way. carry_over_booklets does the reuse alone, for the preview. booklet_entry → booklets/index.json.
The Typst machinery (pool, reuse, QR codes, manifest facts) lives in typesetting.py, shared with leaflets.py."""
from __future__ import annotations

import contextlib
import functools
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from ..data.errors import BuildError
from ..data.model import Handbook, Service, SiteConfig
from ..present.urls import lang_root, service_url
from ..present.views import Views, booklet_title, timed_target
from .impose import booklet_order
from .printed import (
    booklet_currency,
    channel_lines,
    data_date,
    department_names,
    keep_tail,
    prose,
    segment,
    service_fields,
)
from .printed import (
    vocabulary as printed_vocabulary,
)
from .typesetting import (
    MEASURE,
    NOT_YET,
    PdfFacts,
    Progress,
    RecyclingPool,
    Reuse,
    as_planned,
    compile_or_reuse,
    draw_qr_codes,
    engine_key,
    link_or_copy,
    manifest_entry,
    measured,
    sha256,
    worker_pool,
)

Planned = Callable[[list[dict[str, Any]]], None]  # hears the manifest entries of the PDFs to come (see planned_entry)
SCALE_GUARD = 200  # services: a booklet with more is cut between chapters before typesetting (never at the real size)
STANDARD_SIZE, LARGE_SIZE = 11, 16  # body text in points; large print is at least 16 pt
BILINGUAL = "bilingual"


@dataclass(frozen=True)
class Booklet:
    """One PDF to produce, as listed in booklets/index.json."""

    file: str  # path relative to site/, e.g. "booklets/en/chapter-health.pdf"
    language: str  # a language code, or "bilingual"
    kind: str  # "full", "chapter" or "department"
    id: str | None  # chapter or department id; None for the full handbook
    edition: str  # "standard" or "large-print"
    imposed: bool  # True for the saddle-stitch print file
    title: str  # what the downloads page shows
    services: tuple[int, ...]  # service numbers, in booklet order
    volume: int | None = None  # 1, 2, … when the booklet is printed in several volumes; else None
    volumes: int = 1  # how many volumes the booklet is printed in
    parts: tuple[tuple[int, ...], ...] = ()  # a volume: the services of every volume, in order (not in the manifest)


def booklet_file(language: str, kind: str, item: str | None, edition: str, imposed: bool,
                 volume: int | None = None, volumes: int = 1) -> str:
    """Booklet coordinates → its file name under site/."""
    name = kind if item is None else f"{kind}-{item}"
    name += "-large-print" if edition == "large-print" else ""
    name += f"-volume-{volume:0{len(str(volumes))}d}" if volume is not None else ""
    name += "-imposed" if imposed else ""
    return f"booklets/{language}/{name}.pdf"


def department_services(handbook: Handbook, dept_id: str) -> tuple[int, ...]:
    """Services a department is responsible for, grouped by chapter (chapter order, then number)."""
    return tuple(n for c in handbook.chapters for n in c.services if dept_id in handbook.service(n).departments)


def plan_booklets(handbook: Handbook, config: SiteConfig) -> list[Booklet]:
    """Every booklet of every edition, whole (a long one is split into volumes once its length is known)."""
    everything = tuple(n for c in handbook.chapters for n in c.services)  # by chapter, so volumes follow chapters
    plans: list[tuple[str, str, str | None, str, tuple[int, ...]]] = []
    for lang in config.codes:
        plans.append((lang, "full", None, "standard", everything))
        for c in handbook.chapters:
            plans.append((lang, "chapter", c.id, "standard", c.services))
            plans.append((lang, "chapter", c.id, "large-print", c.services))
        for d in handbook.departments:
            plans.append((lang, "department", d.id, "standard", department_services(handbook, d.id)))
    if len(config.codes) > 1:
        plans.append((BILINGUAL, "full", None, "standard", everything))
    booklets = []
    for lang, kind, item, edition, services in plans:
        named_in = config.codes[0] if lang == BILINGUAL else lang  # a bilingual booklet's own title is in the source language
        title = booklet_title(handbook, config.strings[named_in], named_in, (kind, item, edition, None, 1))
        file = booklet_file(lang, kind, item, edition, False)
        booklets.append(Booklet(file, lang, kind, item, edition, False, title, services))
    return booklets


def in_volumes(whole: Booklet, parts: list[tuple[int, ...]], config: SiteConfig) -> list[Booklet]:
    """A whole booklet and its services in parts → one booklet per volume ("volume 1 of 2")."""
    if len(parts) == 1:
        return [whole]
    t = config.strings[config.codes[0] if whole.language == BILINGUAL else whole.language]
    return [replace(whole, file=booklet_file(whole.language, whole.kind, whole.id, whole.edition, False, n, len(parts)),
                    title=f"{whole.title} · {t['edition_volume'].format(number=n, count=len(parts))}",
                    services=part, volume=n, volumes=len(parts), parts=tuple(parts)) for n, part in enumerate(parts, 1)]


def twin_of(booklet: Booklet) -> Booklet:
    """A booklet → its imposed print file."""
    file = booklet_file(booklet.language, booklet.kind, booklet.id, booklet.edition, True, booklet.volume, booklet.volumes)
    return replace(booklet, file=file, imposed=True)


def spans(starts: dict[str, int], end: int) -> dict[str, int]:
    """Start pages of consecutive parts (chapters, services) and the page after the last → pages each part takes."""
    ordered = sorted(starts.items(), key=lambda item: item[1])
    return {key: (ordered[i + 1][1] if i + 1 < len(ordered) else end) - start for i, (key, start) in enumerate(ordered)}


def pack_volumes(booklet: Booklet, layout: dict[str, Any], room: int, handbook: Handbook) -> list[tuple[int, ...]]:
    """A booklet too long for one print file and its layout → its services in volumes of whole chapters, each
    volume's chapters taking at most `room` pages; a chapter longer than that alone is split between services."""
    chapter_pages = spans(layout["chapters"], layout["body_end"])
    service_pages = spans(layout["services"], layout["body_end"])
    volumes: list[list[int]] = [[]]
    used = 0
    for chapter in dict.fromkeys(handbook.service(n).chapter for n in booklet.services):
        members = [n for n in booklet.services if handbook.service(n).chapter == chapter]
        if used + chapter_pages[chapter] > room and volumes[-1]:
            volumes.append([])
            used = 0
        if chapter_pages[chapter] <= room:
            volumes[-1] += members
            used += chapter_pages[chapter]
            continue
        for n in members:  # a chapter longer than a volume: split it where the pages run out
            if used + max(service_pages[str(n)], 1) > room and volumes[-1]:
                volumes.append([])
                used = 0
            volumes[-1].append(n)
            used += max(service_pages[str(n)], 1)
    return [tuple(v) for v in volumes if v]


def service_data(handbook: Handbook, config: SiteConfig, service: Service, langs: list[str],
                 vocabulary: frozenset[str]) -> dict[str, Any]:
    """A service → what the template shows of it, in one or more languages: its heading (each name once per
    language) beside its QR code, or beside its number and departments when no site_url is set."""
    main = langs[0]
    t = config.strings[main]
    url = service_url(config, service, main)
    return {"number": service.number, "heading": heading_words(handbook, config, service.number, langs, vocabulary),
            "versions": [{"lang": lang, "language": config.strings[lang]["language_label"],
                          "fields": service_fields(handbook, config, service, lang)} for lang in langs],
            "url": url, "qr": None,  # drawn only if the booklet is compiled
            "qr_alt": t["qr_alt"].format(number=service.number),
            "contact": [prose(config, lang, f"{config.strings[lang]['service_label'].format(number=service.number)} · "
                                     f"{config.strings[lang]['label_departments']}{config.strings[lang]['label_separator']}"
                                     f"{department_names(handbook, service, lang, config)}") for lang in langs]}


class ServiceViews:
    """What the booklets of one build show of each service (service_data), made once per service and languages: the
    same service is printed in the full handbook, its chapter, large print and departments, and each booklet's data
    is made twice (its input hash, then its input). Booklets that print the same services are made one after
    another (locality), so only the last LIMIT are kept: memory stays bounded for a handbook many times the real one."""

    LIMIT = 512  # above the real handbook's services in its three language sets (85 × 3)

    def __init__(self, handbook: Handbook, config: SiteConfig, vocabulary: frozenset[str]) -> None:
        def made(number: int, langs: tuple[str, ...]) -> dict[str, Any]:
            return service_data(handbook, config, handbook.service(number), list(langs), vocabulary)
        self.service = functools.lru_cache(maxsize=self.LIMIT)(made)  # (number, languages) → service_data, shared:
        # never changed by those who read it (with_qr_codes makes new dicts)

        def heading(number: int, langs: tuple[str, ...]) -> list[str]:
            return heading_words(handbook, config, number, list(langs), vocabulary)
        self.heading = functools.lru_cache(maxsize=self.LIMIT)(heading)  # (number, languages) → heading_words: every
        # booklet's audience index names its services again (some in several audiences)


def heading_words(handbook: Handbook, config: SiteConfig, number: int, langs: list[str],
                  vocabulary: frozenset[str]) -> list[str]:
    """A service → its heading ("第 1 项 name · name") as the pieces a line may break between (printed.segment)."""
    label = config.strings[langs[0]]["service_label"].format(number=number)
    names = " · ".join(prose(config, lang, handbook.service(number).name[lang]) for lang in langs)
    pieces = segment(names, vocabulary)
    if len(pieces) > 1 and len(pieces[-1].strip()) < 3:  # no line holds one or two characters of a name alone
        pieces[-2:] = [pieces[-2] + pieces[-1]]
    return [f"{label} ", *pieces]  # "No. 57" never broken


def booklet_langs(booklet: Booklet, config: SiteConfig) -> list[str]:
    """A booklet → the languages it is written in, main language first."""
    return list(config.codes) if booklet.language == BILINGUAL else [booklet.language]


def source_date(handbook: Handbook) -> list[int]:
    """The date of the data (printed.data_date) as [year, month, day]: every PDF carries it as its creation date, so
    rebuilding the same data gives the same PDF."""
    return [int(x) for x in data_date(handbook).split("-")]


def subject(booklet: Booklet, handbook: Handbook, config: SiteConfig, lang: str) -> str:
    """A booklet → what it covers, in a language: the complete handbook, a chapter or a department."""
    t = config.strings[lang]
    if booklet.kind == "chapter":
        return t["edition_chapter"].format(title=handbook.chapter(str(booklet.id)).title[lang])
    if booklet.kind == "department":
        return t["edition_department"].format(title=handbook.department(str(booklet.id)).name[lang])
    return t["edition_full"]


def cover_edition(booklet: Booklet, config: SiteConfig, lang: str) -> str:
    """A booklet → its edition, named once: language edition, large print, volume."""
    t = config.strings[lang]
    parts = [t["edition_bilingual"] if booklet.language == BILINGUAL else t["edition_language"]]
    if booklet.edition == "large-print":
        parts.append(t["edition_large"])
    if booklet.volume is not None:
        parts.append(t["edition_volume"].format(number=booklet.volume, count=booklet.volumes))
    return " · ".join(parts)


def joined(config: SiteConfig, langs: list[str], key: str) -> str:
    """An interface string in each of a booklet's languages, joined: '目录 / Contents'."""
    return " / ".join(prose(config, lang, config.strings[lang][key]) for lang in langs)


def each(config: SiteConfig, langs: list[str], key: str) -> list[dict[str, str]]:
    """An interface string in each of a booklet's languages, as paragraphs that keep their language."""
    return [{"lang": lang, "text": prose(config, lang, config.strings[lang][key])} for lang in langs]


def audience_index(handbook: Handbook, config: SiteConfig, booklet: Booklet, langs: list[str],
                   views: ServiceViews) -> list[dict[str, Any]]:
    """A booklet's services → its index by audience: each audience with its services in number order (their headings
    from `views`, worked out once a build); a volume says too which other volume holds the audience's other services
    ("见第2册：第60、63项")."""
    held, parts = set(booklet.services), [(n, set(part)) for n, part in enumerate(booklet.parts, 1) if part != booklet.services]
    t = config.strings[langs[0]]
    audiences: dict[str, list[Service]] = {a.id: [] for a in handbook.audiences}  # its services, in number order
    for s in handbook.services:  # one pass, not one per audience and volume: a large handbook has many of both
        for audience_id in dict.fromkeys(s.audiences):
            audiences[audience_id].append(s)
    index = []
    for a in handbook.audiences:
        members = [s for s in audiences[a.id] if s.number in held]
        elsewhere = [(n, [s.number for s in audiences[a.id] if s.number in part]) for n, part in parts]
        pointers = [t["index_elsewhere"].format(volume=n, numbers=t["index_numbers"].format(
            numbers=t["list_separator"].join(map(str, numbers)))) for n, numbers in elsewhere if numbers]
        if members or pointers:
            index.append({"name": " / ".join(prose(config, lang, a.name[lang]) for lang in langs),
                          "services": [{"number": s.number,
                                        "heading": views.heading(s.number, tuple(langs))}
                                       for s in members],
                          "elsewhere": [prose(config, langs[0], p) for p in pointers]})
    return index


def chapter_titles(handbook: Handbook, services: tuple[int, ...], lang: str, config: SiteConfig) -> str:
    """Services → the titles of the chapters they belong to, in order, joined for a language."""
    held = set(services)
    return config.strings[lang]["list_separator"].join(c.title[lang] for c in handbook.chapters if held & set(c.services))


def volume_lines(handbook: Handbook, config: SiteConfig, booklet: Booklet, langs: list[str]) -> list[dict[str, str]]:
    """A volume → one line per volume of its booklet, in its main language (so the how-to-use page stays one page):
    the volume's number, chapters and service numbers."""
    lang = langs[0]
    return [{"lang": lang, "text": prose(config, lang, config.strings[lang]["volume_contents"].format(
                number=n, chapters=chapter_titles(handbook, part, lang, config), first=min(part), last=max(part)))}
            for n, part in enumerate(booklet.parts, 1)]


def inside(handbook: Handbook, config: SiteConfig, booklet: Booklet, lang: str) -> str:
    """A volume → what its cover says is inside: its chapters and service numbers ("" for a booklet in one piece)."""
    if booklet.volume is None:
        return ""
    return prose(config, lang, config.strings[lang]["inside"].format(
        chapters=chapter_titles(handbook, booklet.services, lang, config),
        first=min(booklet.services), last=max(booklet.services)))


def glossary_entries(handbook: Handbook, config: SiteConfig, booklet: Booklet, langs: list[str]) -> list[dict[str, str]]:
    """The glossary terms a booklet's services use (in its main language) → entries: the term, and its other-language
    forms after a dash."""
    main = langs[0]
    text = " ".join(p.standard[main] + p.recipients[main] for n in booklet.services for p in handbook.service(n).provisions)
    others = [lang for lang in config.codes if lang != main]
    used = [term for term in handbook.glossary if term.term[main] in text]
    return [{"term": prose(config, main, term.term[main]),
             "gloss": "".join(f" — {prose(config, lang, term.term[lang])}" for lang in others)
                      + (f" ({term.pinyin})" if term.pinyin else "")} for term in used]


def help_paragraphs(handbook: Handbook, config: SiteConfig, langs: list[str]) -> list[dict[str, str]]:
    """The page that says where to ask: the help lines any resident can call, then the how-to-use reminders."""
    lines = []
    for lang in langs:
        views = Views(handbook, config, lang)
        lines += [{"lang": lang, "text": prose(config, lang, line)} for line in channel_lines(views, handbook.channels)]
    for key in ("help_ask", "howto_numbers", "howto_find"):
        lines += each(config, langs, key)
    return lines


def booklet_data(booklet: Booklet, handbook: Handbook, config: SiteConfig, vocabulary: frozenset[str] | None = None,
                 views: ServiceViews | None = None) -> dict[str, Any]:
    """A booklet → the JSON its Typst template receives (`vocabulary`: printed.vocabulary, and `views`, made once per
    build)."""
    vocabulary = printed_vocabulary(handbook, config) if vocabulary is None else vocabulary
    views = ServiceViews(handbook, config, vocabulary) if views is None else views
    langs = booklet_langs(booklet, config)
    main = langs[0]
    numbers = set(booklet.services)
    chapters = []
    for c in handbook.chapters:
        members = [n for n in c.services if n in numbers]
        if not members:
            continue
        chapters.append({
            "id": c.id, "title": " / ".join(prose(config, lang, c.title[lang]) for lang in langs),
            "intro": [{"lang": lang, "text": keep_tail(prose(config, lang, c.intro[lang]))} for lang in langs]
                     if booklet.kind != "department" else [],
            "targets": [{"label": keep_tail(prose(config, main, g.label[main])),
                         "value": keep_tail(timed_target(g, config.strings[main], main, config.codes[0]))}
                        for g in c.targets]
                       if booklet.kind == "chapter" else [],
            "services": [views.service(n, tuple(langs)) for n in members]})
    large = booklet.edition == "large-print"
    home = home_url(config, main)
    howto = ["howto_find"] + (["howto_index"] if booklet.kind != "department" else [])
    howto += ["howto_qr" if home else "howto_no_qr", "howto_numbers"]
    return {
        "lang": main, "region": config.language(main).region, "cover_title": config.title[main],
        "title": document_title(booklet, config, main),
        "cover": [{"lang": lang, "county": config.strings[lang]["county"], "title": config.title[lang],
                   "subject": prose(config, lang, subject(booklet, handbook, config, lang)),
                   "edition": cover_edition(booklet, config, lang), "inside": inside(handbook, config, booklet, lang),
                   "notice": keep_tail(booklet_currency(handbook, config, lang)),
                   "source_line": prose(config, lang, config.strings[lang]["source_line"])} for lang in langs],
        "issuer": handbook.source.issuer[main], "date": source_date(handbook),
        "strings": {key: joined(config, langs, key)
                    for key in ("contents", "targets", "howto_title", "notes", "audiences", "colophon_title", "help_title",
                                "glossary_title", "volumes_title")} | {"continued": config.strings[main]["continued"]},
        "howto": tails([paragraph for key in howto for paragraph in each(config, langs, key)]
                       + [{"lang": lang, "text": booklet_currency(handbook, config, lang)} for lang in langs]),
        "volumes": volume_lines(handbook, config, booklet, langs),
        "body_size": LARGE_SIZE if large else STANDARD_SIZE, "justify": not large, "bilingual": len(langs) > 1,
        "compact": booklet.kind == "department" and len(booklet.services) <= 2,
        # a department booklet carries its index only on the pages that fill its last sheet, if it fits them
        "chapters": chapters, "index": audience_index(handbook, config, booklet, langs, views),
        "index_fills": booklet.kind == "department",
        "help": tails(help_paragraphs(handbook, config, langs)), "glossary": glossary_entries(handbook, config, booklet, langs),
        "back": tails(each(config, langs, "back_text")),
        "colophon": [paragraph for key in ("colophon_print", "colophon_file") for paragraph in each(config, langs, key)],
        "sheets": each(config, langs, "colophon_sheets"),
        "site_url": home, "site_qr": None, "site_qr_alt": config.strings[main]["site_qr_alt"],
    }


def document_title(booklet: Booklet, config: SiteConfig, lang: str) -> str:
    """A booklet → its PDF's title, naming its edition in its own language: handbook · booklet · language edition."""
    t = config.strings[lang]
    edition = t["edition_bilingual"] if booklet.language == BILINGUAL else t["edition_language"]
    return prose(config, lang, f"{config.title[lang]} · {booklet.title} · {edition}")


def tails(paragraphs: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Paragraphs ({lang, text}) → the same with each text as keep_tail's [head, tail]."""
    return [{**p, "text": keep_tail(p["text"])} for p in paragraphs]


def booklet_urls(data: dict[str, Any]) -> list[str]:
    """A booklet's data → the URLs it shows as QR codes (none without a site_url)."""
    urls = [service["url"] for chapter in data["chapters"] for service in chapter["services"]] + [data["site_url"]]
    return [url for url in urls if url]


def home_url(config: SiteConfig, lang: str) -> str | None:
    """The website's home page in a language (the back cover's QR code); None when no site_url is set."""
    return f"{config.site_url}{lang_root(config, lang)}" if config.site_url else None


def with_qr_codes(data: dict[str, Any], svgs: dict[str, str]) -> str:
    """A booklet's data and the QR codes of its URLs → the JSON its template receives (`data` is left as it was)."""
    chapters = [{**chapter, "services": [{**service, "qr": svgs.get(service["url"] or "")} for service in chapter["services"]]}
                for chapter in data["chapters"]]
    return json.dumps({**data, "chapters": chapters, "site_qr": svgs.get(data["site_url"] or "")}, ensure_ascii=False)


def render_booklets(handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path, workers: int | None = None,
                    progress: Progress | None = None, reuse: Reuse | None = None,
                    qr_codes: dict[str, str] | None = None, pool: RecyclingPool | None = None,
                    planned: Planned | None = None) -> list[dict[str, Any]]:
    """All booklets → PDFs under `out` (at their manifest paths, e.g. out/booklets/en/full.pdf) and their manifest
    entries, compiled in parallel on every core. The PDFs go straight to disk, so memory does not grow with them.

    With `reuse`, PDFs whose inputs are unchanged since the previous build are taken from it instead of compiled;
    `qr_codes` (URL → SVG) collects the QR codes drawn, for the leaflets to use again. `pool` is the build's pool of
    Typst workers (shared with the leaflets, so each worker's fonts and layout caches stay warm); without one, a
    pool of `workers` is started for this call. `planned` hears the entries to come before the last PDFs are made
    (see compile_booklets)."""
    with contextlib.nullcontext(pool) if pool else worker_pool(workers) as workers_pool:
        return compile_booklets(workers_pool, handbook, config, template_dir, out, progress, reuse or Reuse(None),
                                booklet_engine(template_dir), {} if qr_codes is None else qr_codes, planned)


def booklet_engine(template_dir: Path) -> str:
    """Everything besides a booklet's data that shapes its PDF: this module, printed.py, impose.py, Typst, fonts,
    templates."""
    here = Path(__file__).parent
    return engine_key([here / "booklets.py", here / "printed.py", here / "impose.py"],
                      (template_dir / "booklets").glob("*.typ"))


def locality(handbook: Handbook, standard: list[Booklet]) -> Callable[[int], tuple[bool, str, str, int, str]]:
    """A compile order: whole full handbooks first (the longest jobs, and the ones that may need splitting into
    volumes), then booklets that print the same services, in the same language and size, one after another: Typst
    reuses a service's layout from a recent compile in the same worker, so this makes the second and third printing
    of a service (full handbook, chapter, department) much cheaper."""
    place = {n: i for i, n in enumerate(n for c in handbook.chapters for n in c.services)}

    def key(i: int) -> tuple[bool, str, str, int, str]:
        b = standard[i]
        return (b.kind != "full" or b.volume is not None, b.language, b.edition,
                min((place[n] for n in b.services), default=0), b.kind)
    return key


def booklet_weight(booklet: Booklet, config: SiteConfig) -> float:
    """A booklet → about how long it takes to typeset, relative to others: its services times its languages (a
    large-print page holds fewer services, but a run of jobs (typesetting.LaneRuns) needs only rough weights)."""
    return float(len(booklet.services) * len(booklet_langs(booklet, config)))


def previous_volumes(reuse: Reuse) -> dict[str, list[tuple[int, ...]]]:
    """The previous build's split of long booklets: the input hash of a whole booklet → its volumes' services."""
    found: dict[str, dict[int, tuple[int, ...]]] = {}
    for e in reuse.entries.values():
        if isinstance(e.get("split_from"), str) and not e.get("imposed") and isinstance(e.get("volume"), int):
            found.setdefault(e["split_from"], {})[e["volume"]] = tuple(e["services"])
    return {key: [parts[n] for n in sorted(parts)] for key, parts in found.items()}


def guard_parts(booklet: Booklet, handbook: Handbook) -> list[tuple[int, ...]] | None:
    """A booklet of more than SCALE_GUARD services (a handbook many times the real one) → parts of whole chapters, a
    longer chapter cut evenly, so no single typesetting job grows without bound; None for any smaller booklet. These
    parts are printed as they come out, even past editions.sheets."""
    if len(booklet.services) <= SCALE_GUARD:
        return None
    parts: list[list[int]] = [[]]
    for chapter in dict.fromkeys(handbook.service(n).chapter for n in booklet.services):
        members = [n for n in booklet.services if handbook.service(n).chapter == chapter]
        pieces = -(-len(members) // SCALE_GUARD)
        for i in range(pieces):
            piece = members[i * len(members) // pieces:(i + 1) * len(members) // pieces]
            if len(parts[-1]) + len(piece) > SCALE_GUARD:
                parts.append([])
            parts[-1] += piece
    return [tuple(p) for p in parts if p]


def plan_volumes(wholes: list[Booklet], key: Callable[[Booklet], str], known: dict[str, list[tuple[int, ...]]],
                 config: SiteConfig, handbook: Handbook) -> tuple[list[Booklet], list[str | None]]:
    """Whole booklets and a booklet's input hash → the booklets to make: one the previous build split into volumes
    (from the same input) is split the same way, a very long one by guard_parts; each volume carries the input hash
    of its whole booklet. A hash is worked out only where needed: with a previous split to look up, or for volumes."""
    planned: list[Booklet] = []
    split_from: list[str | None] = []
    for whole in wholes:
        parts = (known.get(key(whole)) if known else None) or guard_parts(whole, handbook)
        volumes = in_volumes(whole, parts, config) if parts and sorted(sum(parts, ())) == sorted(whole.services) else [whole]
        planned += volumes
        split_from += [key(whole) if len(volumes) > 1 else None] * len(volumes)
    return planned, split_from


class Typesetter:
    """Compiles booklets on a pool, reusing the previous build's PDFs; split_long prints long ones in volumes."""

    def __init__(self, pool: RecyclingPool, handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path,
                 reuse: Reuse, engine: str, progress: Progress | None, qr_codes: dict[str, str]) -> None:
        self.pool, self.handbook, self.config, self.out, self.reuse = pool, handbook, config, out, reuse
        self.template, self.engine, self.progress = template_dir / "booklets" / "booklet.typ", engine, progress
        self.qr_codes = qr_codes  # URL → SVG, drawn once per build
        self.vocabulary = printed_vocabulary(handbook, config)  # where names may break, worked out once
        self.views = ServiceViews(handbook, config, self.vocabulary)
        self.keys: dict[Booklet, str] = {}  # each booklet's input hash, worked out once: with its input when it is
        # compiled, else by key (its data is not kept: see compile_booklets)
        self.announce: Callable[[list[list[Booklet]]], None] | None = None  # hears split_long's first volumes

    def key(self, booklet: Booklet) -> str:
        """A booklet → the hash of its input (made now unless its input was made before)."""
        if booklet not in self.keys:
            self.keys[booklet] = booklet_key(self.engine, booklet, self.handbook, self.config, self.vocabulary,
                                             self.views)
        return self.keys[booklet]

    def compile(self, booklets: list[Booklet], measure: frozenset[Booklet] = frozenset(),
                heard: Callable[[int, PdfFacts], None] | None = None) -> list[PdfFacts]:
        """Booklets → their PDFs under `out` (reused when unchanged), facts in order. Those in `measure` are only
        laid out (see typesetting.MEASURE), unless the previous build has their PDF. `heard` hears each booklet's
        position and facts as soon as they are known."""
        def inputs(missing: list[int]) -> Iterator[tuple[str, dict[str, str]]]:
            for i in missing:
                data = booklet_data(booklets[i], self.handbook, self.config, self.vocabulary, self.views)
                text = json.dumps(data, ensure_ascii=False)
                self.keys[booklets[i]] = key = data_key(self.engine, text)
                if booklets[i] in measure:  # (a measuring run draws no QR code)
                    yield key, {"data": text, MEASURE: "1"}
                else:  # its QR codes drawn now, as its job is about to go (each drawn once a build: qr_codes)
                    yield key, {"data": with_qr_codes(data, draw_qr_codes(set(booklet_urls(data)), self.qr_codes))}
        made = compile_or_reuse(self.pool, self.template, self.template.parent, [self.out / b.file for b in booklets],
                                lambda i: self.key(booklets[i]), inputs, ("ua-1", "a-2a"), self.reuse, self.progress,
                                locality(self.handbook, booklets), lambda i: booklet_weight(booklets[i], self.config),
                                heard, lambda i: booklets[i] in measure)
        return [facts for facts, _ in made]

    @property
    def pages_per_file(self) -> int:
        """The most pages a print file may have (editions.sheets A4 sheets, four A5 pages each)."""
        return 4 * self.config.sheets

    def rooms(self, facts: list[PdfFacts]) -> list[int]:
        """Whole booklets' layouts → the pages each of their volumes has for chapters: a print file's pages less the
        whole booklet's front and back matter."""
        return [self.pages_per_file - (min(f.layout["chapters"].values()) - 1)
                - (f.layout["back_matter"] - f.layout["body_end"] + 1) for f in facts]

    def volumes(self, wholes: list[Booklet], facts: list[PdfFacts], rooms: list[int]) -> list[list[Booklet]]:
        """Whole booklets too long for one print file, their layouts and each volume's room → their volumes."""
        return [in_volumes(w, pack_volumes(w, f.layout, room, self.handbook), self.config)
                for w, f, room in zip(wholes, facts, rooms, strict=True)]

    def split_long(self, wholes: list[Booklet], facts: list[PdfFacts], others: list[Booklet]) \
            -> tuple[list[tuple[list[Booklet], list[PdfFacts]]], list[PdfFacts]]:
        """Whole booklets longer than one print file (editions.sheets) → their volumes, split between chapters, and
        the volumes' facts; `others` are compiled along with the first volumes (so no core waits for the last volume),
        their facts returned too. A volume's room for chapters starts as the print file's pages less the whole
        booklet's front and back matter, and shrinks by any overflow until every volume fits."""
        limit = self.pages_per_file
        others_made: list[PdfFacts] = []
        rooms = self.rooms(facts)
        for whole in wholes:
            (self.out / whole.file).unlink(missing_ok=True)  # (a measured one has no file)
        for _ in range(limit):
            volumes = self.volumes(wholes, facts, rooms)
            if self.announce:  # the first split is the files to make (a later one, after an overflow, differs)
                self.announce(volumes)
                self.announce = None
            flat = self.compile([v for vs in volumes for v in vs] + others)
            made = [flat[sum(map(len, volumes[:i])):][:len(vs)] for i, vs in enumerate(volumes)]
            others_made, others = flat[sum(map(len, volumes)):] if others else others_made, []
            overflow = [max(m.pages for m in ms) - limit for ms in made]
            if max(overflow) <= 0:
                return list(zip(volumes, made, strict=True)), others_made
            for v in (v for vs in volumes for v in vs):
                (self.out / v.file).unlink()
            rooms = [room - max(over, 0) for room, over in zip(rooms, overflow, strict=True)]
        raise BuildError(f"booklets: {wholes[0].file} does not fit into volumes of {self.config.sheets} sheets")


class FilesToMake:
    """Tells `planned` the files a build will make, as soon as they are known: once every whole full handbook is laid
    out (its measuring run heard of as it ends, while the other booklets are still being made, so the web pages can
    start), the long ones split into volumes. Only a booklet of the others that turned out too long for one print file
    as well would change them (a department's, at many times the services): the build then writes the pages again."""

    def __init__(self, booklets: list[Booklet], split_from: list[str | None], first: list[int],
                 facts: list[PdfFacts | None], setter: Typesetter, planned: Planned | None) -> None:
        self.booklets, self.split_from, self.first, self.facts = booklets, split_from, first, facts
        self.setter, self.planned = setter, planned
        self.announced = False

    def heard(self, position: int, made: PdfFacts) -> None:
        """A booklet's facts as soon as they are known (`position` in the order compiled: the whole full handbooks
        first): once every whole one is laid out, the files to make are announced."""
        if position >= len(self.first):
            return
        self.facts[self.first[position]] = made
        if all(self.facts[i] for i in self.first):
            long = [i for i in self.first if (fact := self.facts[i]) and fact.pages > self.setter.pages_per_file]
            wholes = [self.booklets[i] for i in long]
            laid_out = [fact for i in long if (fact := self.facts[i])]
            self.announce(long, self.setter.volumes(wholes, laid_out, self.setter.rooms(laid_out)))

    def announce(self, long: list[int], split_into: list[list[Booklet]]) -> None:
        """The files to make: every booklet planned but those too long (`long`), and their volumes (`split_into`);
        `planned` hears their entries once (a later split, after an overflow, differs)."""
        if self.planned and not self.announced:
            kept = [(b, whole) for i, (b, whole) in enumerate(zip(self.booklets, self.split_from, strict=True))
                    if i not in long]
            kept += [(v, self.setter.key(w)) for w, vs in zip([self.booklets[i] for i in long], split_into, strict=True)
                     for v in vs]
            self.planned([entry for b, whole in in_file_order(kept)
                          for entry in (planned_entry(b, whole), planned_entry(twin_of(b), whole))])
        self.announced = True


def compile_booklets(pool: RecyclingPool, handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path,
                     progress: Progress | None, reuse: Reuse, engine: str, qr_codes: dict[str, str],
                     planned: Planned | None = None) -> list[dict[str, Any]]:
    """Booklet data → standard and imposed PDFs under `out` and their manifest entries. `planned` hears the entries
    to come (without their PDFs' facts: see planned_entry) as soon as the files to make are known: once the whole full
    handbooks are laid out and the long ones split into volumes (FilesToMake), while the other booklets are made.

    A booklet's data is made again whenever it is needed (it is quick) rather than kept: at 100 times the services,
    keeping every booklet's data and input at once would take gigabytes."""
    wholes = plan_booklets(handbook, config)
    setter = Typesetter(pool, handbook, config, template_dir, out, reuse, engine,
                        progress and (lambda done, total: progress(done, 2 * total)), qr_codes)
    booklets, split_from = plan_volumes(wholes, setter.key, previous_volumes(reuse), config, handbook)
    # the whole full handbooks first, only measured (they are the longest, and usually too long for one print
    # file), then every other booklet in the same run, so no core waits; then the volumes of those too long, and
    # the PDFs of measured ones that fit
    first = [i for i, b in enumerate(booklets) if b.kind == "full" and b.volume is None]
    rest = [i for i in range(len(booklets)) if i not in set(first)]
    facts: list[PdfFacts | None] = [None] * len(booklets)
    volumes: list[tuple[Booklet, list[Booklet], list[PdfFacts]]] = []  # (whole, its volumes, their facts)
    files = FilesToMake(booklets, split_from, first, facts, setter, planned)

    def split(long: list[int], others: list[int]) -> None:
        """Booklets that came out too long → their volumes (compiled with `others`); the long ones are dropped."""
        made, others_made = setter.split_long([booklets[i] for i in long], [fact for i in long if (fact := facts[i])],
                                              [booklets[i] for i in others])
        volumes.extend((booklets[i], vs, ms) for i, (vs, ms) in zip(long, made, strict=True))
        for i, f in [*zip(others, others_made, strict=True), *((i, None) for i in long)]:
            facts[i] = f

    for i, compiled in zip(first + rest, setter.compile([booklets[i] for i in first + rest],
                                                        frozenset(booklets[i] for i in first), files.heard), strict=True):
        facts[i] = compiled
    # whole booklets only: a known split always fits (its input is unchanged), and the parts of a scale guard stay
    # as they are
    long = [i for i in first + rest if (fact := facts[i]) and fact.pages > setter.pages_per_file
            and booklets[i].volume is None]
    fits = [i for i in first if (fact := facts[i]) and measured(fact) and i not in long]
    if long:
        setter.announce = lambda split_into: files.announce(long, split_into)
        split(long, fits)
    else:
        files.announce([], [])
        if fits:
            for i, compiled in zip(fits, setter.compile([booklets[i] for i in fits]), strict=True):
                facts[i] = compiled
    kept = [i for i, f in enumerate(facts) if f is not None]
    made_as = [(booklets[i], split_from[i], f) for i in kept if (f := facts[i])]
    made_as += [(v, setter.key(whole), m) for whole, vs, ms in volumes for v, m in zip(vs, ms, strict=True)]
    in_order = in_file_order(made_as)
    booklets, split_from, done = [b for b, _, _ in in_order], [w for _, w, _ in in_order], [f for _, _, f in in_order]
    twins, twin_facts, twin_keys = impose_all(pool, booklets, done, handbook, config, template_dir, out, reuse, engine,
                                              progress and (lambda done, total: progress(total + done, 2 * total)))
    manifest = []
    for b, twin, made_, twin_made, whole, imposed_key in zip(booklets, twins, done, twin_facts, split_from, twin_keys,
                                                             strict=True):
        manifest += [booklet_entry(b, made_, setter.key(b), whole), booklet_entry(twin, twin_made, imposed_key, whole)]
    return manifest


def impose_all(pool: RecyclingPool, booklets: list[Booklet], facts: list[PdfFacts], handbook: Handbook,
               config: SiteConfig, template_dir: Path, out: Path, reuse: Reuse, engine: str,
               progress: Progress | None) -> tuple[list[Booklet], list[PdfFacts], list[str]]:
    """A5 booklets → their imposed print files (A4, 2-up, saddle-stitch order): twins, their facts and input hashes."""
    twins = [twin_of(b) for b in booklets]
    with tempfile.TemporaryDirectory() as tmp:
        # imposition reads each A5 PDF as an image, so the PDFs (linked) and the imposition template share a folder
        work = Path(tmp)
        shutil.copy(template_dir / "booklets" / "impose.typ", work / "impose.typ")
        specs, twin_keys = [], []
        for i, (booklet, made) in enumerate(zip(booklets, facts, strict=True)):
            link_or_copy(out / booklet.file, work / f"{i}.pdf")
            spec = impose_spec(booklet, i, made.pages, handbook, config)
            specs.append({"spec": spec})
            twin_keys.append(twin_key(engine, made.sha256, spec))
        imposed = compile_or_reuse(pool, work / "impose.typ", work, [out / t.file for t in twins], twin_keys.__getitem__,
                                   lambda missing: ((twin_keys[i], specs[i]) for i in missing), None, reuse, progress)
    return twins, [twin_facts for twin_facts, _ in imposed], twin_keys


def booklet_key(engine: str, booklet: Booklet, handbook: Handbook, config: SiteConfig,
                vocabulary: frozenset[str] | None = None, views: ServiceViews | None = None) -> str:
    """A booklet → the hash of everything its PDF is made from."""
    # the data has no QR codes yet: they follow from the URLs (and the zxing-cpp version in the engine key)
    return data_key(engine, json.dumps(booklet_data(booklet, handbook, config, vocabulary, views), ensure_ascii=False))


def data_key(engine: str, data: str) -> str:
    """A booklet's data as JSON, without QR codes → the hash of everything its PDF is made from (booklet_key)."""
    return sha256(f"{engine}\0booklet\0" + data)


def impose_spec(booklet: Booklet, index: int, pages: int, handbook: Handbook, config: SiteConfig) -> str:
    """A booklet (the index-th in plan order) and its page count → the imposition template's input (its A5 PDF is
    read from '<index>.pdf')."""
    imposed = config.strings[booklet_langs(booklet, config)[0]]["edition_imposed"]
    title = document_title(booklet, config, booklet_langs(booklet, config)[0])
    return json.dumps({"title": f"{title} · {imposed}", "file": f"{index}.pdf", "date": source_date(handbook),
                       "lang": booklet_langs(booklet, config)[0], "sides": booklet_order(pages)})


def twin_key(engine: str, digest: str, spec: str) -> str:
    """An A5 PDF's SHA-256 and its imposition input → the hash of everything the imposed PDF is made from."""
    return sha256(f"{engine}\0imposed\0{digest}\0{spec}")


def carry_over_booklets(handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path,
                        reuse: Reuse) -> list[dict[str, Any]]:
    """The preview's booklets: those of the previous build whose inputs are unchanged, placed under `out` (linked, not
    copied) with their manifest entries; nothing is compiled. The preview links to them, and the next full build
    reuses them rather than compiling everything again."""
    if not reuse.entries:  # no previous build: nothing to carry over (and no input hashes to work out)
        return []
    engine = booklet_engine(template_dir)
    wholes = plan_booklets(handbook, config)
    vocabulary = printed_vocabulary(handbook, config)
    views = ServiceViews(handbook, config, vocabulary)
    keys = {b: booklet_key(engine, b, handbook, config, vocabulary, views) for b in wholes}
    planned, from_whole = plan_volumes(wholes, keys.__getitem__, previous_volumes(reuse), config, handbook)
    order = sorted(range(len(planned)), key=lambda i: planned[i].file)  # the imposition's order (impose_all)
    manifest = []
    for position, i in enumerate(order):
        booklet, twin, whole = planned[i], twin_of(planned[i]), from_whole[i]
        key = keys.get(booklet) or booklet_key(engine, booklet, handbook, config, vocabulary, views)  # a volume's is its own
        made = reuse.take(key, out / booklet.file)
        if made is None:
            continue
        manifest.append(booklet_entry(booklet, made, key, whole))
        key = twin_key(engine, made.sha256, impose_spec(booklet, position, made.pages, handbook, config))
        if (twin_made := reuse.take(key, out / twin.file)) is not None:
            manifest.append(booklet_entry(twin, twin_made, key, whole))
    return manifest


def in_file_order(items: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Tuples that begin with a booklet → sorted by the booklet's file: the manifest's order, and the imposition's."""
    return sorted(items, key=lambda item: item[0].file)


def planned_entry(booklet: Booklet, split_from: str | None) -> dict[str, Any]:
    """A booklet still to be made → its manifest entry without the PDF's facts (pages and bytes None)."""
    return as_planned(booklet_entry(booklet, NOT_YET, "", split_from))


def booklet_entry(booklet: Booklet, facts: PdfFacts, input_key: str, split_from: str | None) -> dict[str, Any]:
    """A booklet, its PDF's facts, the hash of what it was made from and (for a volume) of the whole booklet → its
    booklets/index.json entry."""
    fields = {**asdict(booklet), "services": list(booklet.services)}
    del fields["parts"]  # the volumes' own entries list their services
    if split_from:
        fields["split_from"] = split_from
    return manifest_entry(fields, facts, input_key)
