"""Model → printable PDF booklets (Typst): per language the full handbook, each chapter and department,
large-print chapters, a bilingual full edition, and for each an imposed saddle-stitch print file.

In order: plan_booklets (which PDFs, split into volumes when long) → booklet_data (what each template receives) →
render_booklets: every PDF whose input hash the previous build lists is reused (Reuse); the rest are compiled
by a pool of workers, one Typst compiler each, in an order that keeps shared services together (locality), with
each QR code drawn once (draw_qr_codes) and each PDF written straight to disk; then the imposed twins, the same
way. carry_over_booklets does the reuse alone, for the preview. booklet_entry → booklets/index.json.
The Typst machinery (pool, reuse, QR codes, manifest facts) lives in typesetting.py, shared with leaflets.py."""
from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .impose import booklet_order
from .mkdocs_config import lang_root
from .model import Handbook, Service, SiteConfig
from .typesetting import (
    PdfFacts,
    Progress,
    Reuse,
    compile_or_reuse,
    draw_qr_codes,
    engine_key,
    link_or_copy,
    manifest_entry,
    sha256,
    worker_pool,
)
from .views import format_target

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


def booklet_file(language: str, kind: str, item: str | None, edition: str, imposed: bool,
                 volume: int | None = None, volumes: int = 1) -> str:
    """Booklet coordinates → its file name under site/."""
    name = kind if item is None else f"{kind}-{item}"
    name += "-large-print" if edition == "large-print" else ""
    name += f"-volume-{volume:0{len(str(volumes))}d}" if volume is not None else ""
    name += "-imposed" if imposed else ""
    return f"booklets/{language}/{name}.pdf"


def department_services(handbook: Handbook, dept_id: str) -> tuple[int, ...]:
    """Services a department leads or co-delivers, grouped by chapter (chapter order, then number)."""
    return tuple(n for c in handbook.chapters for n in c.services if dept_id in handbook.service(n).departments)


def split_volumes(services: tuple[int, ...], most: int) -> list[tuple[int, ...]]:
    """A booklet's services → volumes of at most `most` services each, as even as possible, in order."""
    if len(services) <= most:
        return [services]
    count = -(-len(services) // most)  # ceiling division
    size = -(-len(services) // count)
    return [services[i:i + size] for i in range(0, len(services), size)]


def plan_booklets(handbook: Handbook, config: SiteConfig) -> list[Booklet]:
    """Every booklet of every edition, each followed by its imposed print file.

    A booklet with more services than `editions.volume_services` (site_config.yml) is printed in volumes:
    a saddle-stitched booklet cannot be thicker than a few dozen sheets, and Typst's memory grows with length."""
    everything = tuple(n for c in handbook.chapters for n in c.services)  # by chapter, so volumes follow chapters
    plans: list[tuple[str, str, str | None, str, str, tuple[int, ...]]] = []
    for lang in config.codes:
        t = config.strings[lang]
        plans.append((lang, "full", None, "standard", t["edition_full"], everything))
        for c in handbook.chapters:
            plans.append((lang, "chapter", c.id, "standard", t["edition_chapter"].format(title=c.title[lang]), c.services))
            large = f"{t['edition_chapter'].format(title=c.title[lang])} · {t['edition_large']}"
            plans.append((lang, "chapter", c.id, "large-print", large, c.services))
        for d in handbook.departments:
            plans.append((lang, "department", d.id, "standard", t["edition_department"].format(title=d.name[lang]),
                          department_services(handbook, d.id)))
    if len(config.codes) > 1:
        plans.append((BILINGUAL, "full", None, "standard", config.strings[config.codes[0]]["edition_full"], everything))
    booklets = []
    for lang, kind, item, edition, title, services in plans:
        parts = split_volumes(services, config.volume_services)
        t = config.strings[config.codes[0] if lang == BILINGUAL else lang]
        for number, part in enumerate(parts, 1):
            volume = number if len(parts) > 1 else None
            named = f"{title} · {t['edition_volume'].format(number=number, count=len(parts))}" if volume else title
            booklets += [Booklet(booklet_file(lang, kind, item, edition, imposed, volume, len(parts)), lang, kind, item, edition,
                                 imposed, named, part, volume, len(parts)) for imposed in (False, True)]
    return booklets


def plan_pairs(handbook: Handbook, config: SiteConfig) -> list[tuple[Booklet, Booklet]]:
    """Every booklet with its imposed print file: (booklet, twin) in plan order."""
    booklets = plan_booklets(handbook, config)  # each followed by its twin
    return list(zip(booklets[0::2], booklets[1::2], strict=True))


def service_url(config: SiteConfig, service: Service, lang: str) -> str:
    """A service → its page on the published website, in a language."""
    return f"{config.site_url}{lang_root(config, lang)}services/{service.id}/"


def service_data(handbook: Handbook, config: SiteConfig, service: Service, langs: list[str]) -> dict[str, Any]:
    """A service → what the template shows of it, in one or more languages."""
    main = langs[0]
    t = config.strings[main]
    versions = []
    for lang in langs:
        strings = config.strings[lang]
        fields = [{"label": strings[key] + (f" ({i})" if len(service.provisions) > 1 else ""), "text": getattr(p, key)[lang]}
                  for i, p in enumerate(service.provisions, 1) for key in ("recipients", "standard", "funding")]
        versions.append({"lang": lang, "name": service.name[lang], "fields": fields, "departments_label": strings["departments"],
                         "departments": [handbook.department(d).name[lang] for d in service.departments],
                         "separator": strings["list_separator"], "note_label": strings["note"],
                         "note": service.note[lang] if service.note else None})
    url = service_url(config, service, main)
    heading = f"{t['service_label'].format(number=service.number)} {service.name[main]}"
    if len(langs) > 1:
        heading += f" · {service.name[langs[1]]}"
    return {"heading": heading, "versions": versions, "url": url, "qr": None,  # drawn only if the booklet is compiled
            "qr_alt": t["qr_alt"].format(number=service.number), "qr_caption": f"{t['qr_caption']} {url}"}


def booklet_langs(booklet: Booklet, config: SiteConfig) -> list[str]:
    """A booklet → the languages it is written in, main language first."""
    return list(config.codes) if booklet.language == BILINGUAL else [booklet.language]


def source_date(handbook: Handbook) -> list[int]:
    """The source document's date as [year, month, day]: every PDF carries it, so builds are reproducible."""
    return [int(x) for x in handbook.source.date.split("-")]


def booklet_data(booklet: Booklet, handbook: Handbook, config: SiteConfig) -> dict[str, Any]:
    """A booklet → the JSON its Typst template receives."""
    langs = booklet_langs(booklet, config)
    main = langs[0]
    t = config.strings[main]
    numbers = set(booklet.services)
    chapters = []
    for c in handbook.chapters:
        members = [n for n in c.services if n in numbers]
        if not members:
            continue
        chapters.append({
            "title": " / ".join(c.title[lang] for lang in langs),
            "intro": [{"lang": lang, "text": c.intro[lang]} for lang in langs] if booklet.kind != "department" else [],
            "targets": [{"label": g.label[main], "value": format_target(g, main, config.codes[0])} for g in c.targets]
                       if booklet.kind == "chapter" else [],
            "services": [service_data(handbook, config, handbook.service(n), langs) for n in members]})
    edition = [config.strings[main]["edition_bilingual"] if booklet.language == BILINGUAL else t["edition_language"]]
    if booklet.edition == "large-print":
        edition.append(t["edition_large"])
    home = f"{config.site_url}{lang_root(config, main)}"
    return {
        "lang": main, "region": "cn" if main == "zh" else "gb", "title": config.title[main], "short_title": t["short_title"],
        "edition": f"{booklet.title} · {' · '.join(edition)}", "county": t["county"], "issuer": handbook.source.issuer[main],
        "source_line": t["source_line"], "date": source_date(handbook),
        "strings": {"contents": t["contents"], "targets": t["targets"]},
        "body_size": LARGE_SIZE if booklet.edition == "large-print" else STANDARD_SIZE,
        "chapters": chapters, "back_text": t["back_text"], "site_url": home, "site_qr": None,
        "site_qr_alt": t["site_qr_alt"],
    }


def booklet_urls(data: dict[str, Any]) -> list[str]:
    """A booklet's data → the URLs it shows as QR codes."""
    return [service["url"] for chapter in data["chapters"] for service in chapter["services"]] + [data["site_url"]]


def with_qr_codes(data: dict[str, Any], svgs: dict[str, str]) -> str:
    """A booklet's data and the QR codes of its URLs → the JSON its template receives."""
    for chapter in data["chapters"]:
        for service in chapter["services"]:
            service["qr"] = svgs[service["url"]]
    data["site_qr"] = svgs[data["site_url"]]
    return json.dumps(data, ensure_ascii=False)


def render_booklets(handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path, workers: int | None = None,
                    progress: Progress | None = None, reuse: Reuse | None = None) -> list[dict[str, Any]]:
    """All booklets → PDFs under `out` (at their manifest paths, e.g. out/booklets/en/full.pdf) and their manifest
    entries, compiled in parallel on every core. The PDFs go straight to disk, so memory does not grow with them.

    With `reuse`, PDFs whose inputs are unchanged since the previous build are taken from it instead of compiled."""
    with worker_pool(workers) as pool:
        return compile_booklets(pool, plan_pairs(handbook, config), handbook, config, template_dir, out, progress,
                                reuse or Reuse(None), booklet_engine(template_dir))


def booklet_engine(template_dir: Path) -> str:
    """Everything besides a booklet's data that shapes its PDF: this module and impose.py, Typst, fonts, templates."""
    here = Path(__file__).parent
    return engine_key([here / "booklets.py", here / "impose.py"], (template_dir / "booklets").glob("*.typ"))


def locality(handbook: Handbook, standard: list[Booklet]) -> Callable[[int], tuple[str, str, int, str]]:
    """A compile order in which booklets that print the same services, in the same language and size, come one after
    another: Typst reuses a service's layout from a recent compile in the same worker, so this makes the second and
    third printing of a service (full handbook, chapter, department) much cheaper."""
    place = {n: i for i, n in enumerate(n for c in handbook.chapters for n in c.services)}

    def key(i: int) -> tuple[str, str, int, str]:
        b = standard[i]
        return b.language, b.edition, min((place[n] for n in b.services), default=0), b.kind
    return key


def compile_booklets(pool: ProcessPoolExecutor, pairs: list[tuple[Booklet, Booklet]],
                     handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path, progress: Progress | None,
                     reuse: Reuse, engine: str) -> list[dict[str, Any]]:
    """Booklet data → standard and imposed PDFs under `out` and their manifest entries.

    A booklet's data is made again whenever it is needed (it is quick) rather than kept: at 100 times the services,
    keeping every booklet's data and input at once would take gigabytes."""
    standard = [booklet for booklet, _ in pairs]
    twins = [twin for _, twin in pairs]

    def booklet_inputs(missing: list[int]) -> Iterator[dict[str, str]]:
        urls = {url for i in missing for url in booklet_urls(booklet_data(standard[i], handbook, config))}
        svgs = draw_qr_codes(pool, urls)
        for i in missing:
            yield {"data": with_qr_codes(booklet_data(standard[i], handbook, config), svgs)}

    with tempfile.TemporaryDirectory() as tmp:
        both = len(standard) * 2  # booklets, then their imposed print files
        keys = [booklet_key(engine, b, handbook, config) for b in standard]
        facts = compile_or_reuse(pool, template_dir / "booklets" / "booklet.typ", template_dir / "booklets",
                                 [out / b.file for b in standard], keys, booklet_inputs, ("ua-1", "a-2a"), reuse,
                                 progress and (lambda done, _: progress(done, both)), locality(handbook, standard))
        # imposition reads each A5 PDF as an image, so the PDFs (linked) and the imposition template share a folder
        work = Path(tmp)
        shutil.copy(template_dir / "booklets" / "impose.typ", work / "impose.typ")
        specs, twin_keys = [], []
        for i, (booklet, (pages, _, digest, _)) in enumerate(zip(standard, facts, strict=True)):
            link_or_copy(out / booklet.file, work / f"{i}.pdf")
            spec = impose_spec(booklet, i, pages, handbook, config)
            specs.append({"spec": spec})
            twin_keys.append(twin_key(engine, digest, spec))
        twin_facts = compile_or_reuse(pool, work / "impose.typ", work, [out / t.file for t in twins], twin_keys,
                                      lambda missing: (specs[i] for i in missing), None, reuse,
                                      progress and (lambda done, _: progress(len(standard) + done, both)))
    manifest = []
    for booklet, twin, made, twin_made, key, imposed_key in zip(standard, twins, facts, twin_facts, keys, twin_keys, strict=True):
        manifest += [booklet_entry(booklet, made, key), booklet_entry(twin, twin_made, imposed_key)]
    return manifest


def booklet_key(engine: str, booklet: Booklet, handbook: Handbook, config: SiteConfig) -> str:
    """A booklet → the hash of everything its PDF is made from."""
    # the data has no QR codes yet: they follow from the URLs (and the segno version in the engine key)
    return sha256(f"{engine}\0booklet\0" + json.dumps(booklet_data(booklet, handbook, config), ensure_ascii=False))


def impose_spec(booklet: Booklet, index: int, pages: int, handbook: Handbook, config: SiteConfig) -> str:
    """A booklet (the index-th in plan order) and its page count → the imposition template's input (its A5 PDF is
    read from '<index>.pdf')."""
    return json.dumps({"title": f"{booklet.title} (imposed)", "file": f"{index}.pdf", "date": source_date(handbook),
                       "lang": booklet_langs(booklet, config)[0], "sides": booklet_order(pages)})


def twin_key(engine: str, digest: str, spec: str) -> str:
    """An A5 PDF's SHA-256 and its imposition input → the hash of everything the imposed PDF is made from."""
    return sha256(f"{engine}\0imposed\0{digest}\0{spec}")


def carry_over_booklets(handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path,
                        reuse: Reuse) -> list[dict[str, Any]]:
    """The preview's booklets: those of the previous build whose inputs are unchanged, placed under `out` (linked, not
    copied) with their manifest entries; nothing is compiled. The preview links to them, and the next full build
    reuses them rather than compiling everything again."""
    engine = booklet_engine(template_dir)
    manifest = []
    for i, (booklet, twin) in enumerate(plan_pairs(handbook, config)):
        key = booklet_key(engine, booklet, handbook, config)
        made = reuse.take(key, out / booklet.file)
        if made is None:
            continue
        manifest.append(booklet_entry(booklet, made, key))
        key = twin_key(engine, made.sha256, impose_spec(booklet, i, made.pages, handbook, config))
        if (twin_made := reuse.take(key, out / twin.file)) is not None:
            manifest.append(booklet_entry(twin, twin_made, key))
    return manifest


def booklet_entry(booklet: Booklet, facts: PdfFacts, input_key: str) -> dict[str, Any]:
    """A booklet, its PDF's facts, and the hash of what it was made from → its booklets/index.json entry."""
    return manifest_entry({**asdict(booklet), "services": list(booklet.services)}, facts, input_key)
