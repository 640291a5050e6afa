"""Model → printable PDF booklets (Typst): per language the full handbook, each chapter and department,
large-print chapters, a bilingual full edition, and for each an imposed saddle-stitch print file.

In order: plan_booklets (which PDFs, split into volumes when long) → booklet_data (what each template receives) →
render_booklets: every PDF whose input hash the previous build lists is reused (Reuse); the rest are compiled
by a pool of workers, one Typst compiler each, in an order that keeps shared services together (locality), with
each QR code drawn once (draw_qr_codes) and each PDF written straight to disk; then the imposed twins, the same
way. carry_over_booklets does the reuse alone, for the preview. manifest_entry → booklets/index.json."""
from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, as_completed, wait
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

import segno
from pypdf import PdfReader

from .errors import BuildError
from .impose import booklet_order
from .mkdocs_config import lang_root
from .model import Handbook, Service, SiteConfig
from .views import booklet_title, format_target

Progress = Callable[[int, int], None]  # (done, total)
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
    plans: list[tuple[str, str, str | None, str, tuple[int, ...]]] = []
    for lang in config.codes:
        plans.append((lang, "full", None, "standard", everything))
        for c in handbook.chapters:
            plans += [(lang, "chapter", c.id, edition, c.services) for edition in ("standard", "large-print")]
        plans += [(lang, "department", d.id, "standard", department_services(handbook, d.id)) for d in handbook.departments]
    if len(config.codes) > 1:
        plans.append((BILINGUAL, "full", None, "standard", everything))
    booklets = []
    for lang, kind, item, edition, services in plans:
        parts = split_volumes(services, config.volume_services)
        named_in = config.codes[0] if lang == BILINGUAL else lang  # a bilingual booklet's own title is in the source language
        for number, part in enumerate(parts, 1):
            volume = number if len(parts) > 1 else None
            title = booklet_title(handbook, config.strings[named_in], named_in, (kind, item, edition, volume, len(parts)))
            booklets += [Booklet(booklet_file(lang, kind, item, edition, imposed, volume, len(parts)), lang, kind, item, edition,
                                 imposed, title, part, volume, len(parts)) for imposed in (False, True)]
    return booklets


def plan_pairs(handbook: Handbook, config: SiteConfig) -> list[tuple[Booklet, Booklet]]:
    """Every booklet with its imposed print file: (booklet, twin) in plan order."""
    booklets = plan_booklets(handbook, config)  # each followed by its twin
    return list(zip(booklets[0::2], booklets[1::2], strict=True))


@functools.lru_cache(maxsize=4096)
def qr_svg(url: str) -> str:
    """A URL → an SVG QR code with a quiet zone of 2 modules."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", border=2, scale=4, xmldecl=False)
    return buffer.getvalue().decode("utf-8")


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


def font_dir() -> Path:
    """The folder of the CJK font shipped by the manimgx-fonts-cjk package (Noto Sans CJK, OFL-1.1)."""
    import manimgx_fonts_cjk
    return Path(manimgx_fonts_cjk.__file__).parent


_COMPILERS: dict[tuple[str, str], Any] = {}


def booklet_urls(data: dict[str, Any]) -> list[str]:
    """A booklet's data → the URLs it shows as QR codes."""
    return [service["url"] for chapter in data["chapters"] for service in chapter["services"]] + [data["site_url"]]


def draw_qr_codes(pool: ProcessPoolExecutor, urls: set[str]) -> dict[str, str]:
    """URLs → their QR codes as SVG, each drawn once, in parallel (choosing the best mask is slow: ~10 ms each)."""
    ordered = sorted(urls)
    chunk = max(1, len(ordered) // (8 * pool_size(pool)))
    return dict(zip(ordered, pool.map(qr_svg, ordered, chunksize=chunk), strict=True))


def with_qr_codes(data: dict[str, Any], svgs: dict[str, str]) -> str:
    """A booklet's data and the QR codes of its URLs → the JSON its template receives."""
    for chapter in data["chapters"]:
        for service in chapter["services"]:
            service["qr"] = svgs[service["url"]]
    data["site_qr"] = svgs[data["site_url"]]
    return json.dumps(data, ensure_ascii=False)


PdfFacts = tuple[int, int, str]  # a written PDF's page count, size in bytes and SHA-256


def _compile(template: str, root: str, data: dict[str, str], standards: tuple[str, ...] | None, target: str) -> PdfFacts:
    """Worker: template + data → a PDF written to `target`; only its facts travel back (PDFs can be large)."""
    import typst
    # One compiler per worker process and template: the CJK font is loaded once, which saves most of the time.
    compiler = _COMPILERS.get((template, root))
    if compiler is None:
        compiler = _COMPILERS[(template, root)] = typst.Compiler(template, root=root, font_paths=[str(font_dir())],
                                                                 ignore_system_fonts=True)
    if standards is None:  # a print-shop file: untagged (tagging is most of the export time)
        made = compiler.compile(sys_inputs=data, pdf_tags=False)
    else:
        made = compiler.compile(sys_inputs=data, pdf_standards=cast(Any, list(standards)))
    assert isinstance(made, bytes), type(made)  # one PDF (a list would mean one image per page)
    pdf: bytes = made
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_bytes(pdf)
    return page_count(pdf), len(pdf), sha256(pdf)


def pool_size(pool: ProcessPoolExecutor) -> int:
    """How many worker processes a pool has."""
    return int(getattr(pool, "_max_workers", 1) or 1)


def compile_all(pool: ProcessPoolExecutor, template: Path, root: Path, jobs: Iterable[tuple[dict[str, str], Path]], count: int,
                standards: tuple[str, ...] | None, progress: Progress | None = None) -> list[PdfFacts]:
    """`count` (input, target file) pairs for one template → PDFs written, their facts in order; a Typst error names
    the template. Only a few jobs wait at a time, so each input is made when a worker is about to need it and memory
    stays flat however many booklets there are."""
    window = 2 * pool_size(pool) + 2
    results: list[PdfFacts | None] = [None] * count
    pending: dict[Future[PdfFacts], int] = {}
    finished = 0

    def collect(futures: Iterable[Future[PdfFacts]]) -> None:
        nonlocal finished
        for future in futures:
            results[pending.pop(future)] = future.result()
            finished += 1
            if progress:
                progress(finished, count)

    try:
        for i, (data, target) in enumerate(jobs):
            if len(pending) >= window:
                collect(wait(pending, return_when=FIRST_COMPLETED).done)
            pending[pool.submit(_compile, str(template), str(root), data, standards, str(target))] = i
        collect(as_completed(list(pending)))
    except BaseException as exc:  # a Typst error, or Ctrl+C / SIGTERM: drop the queued jobs at once
        for future in pending:
            future.cancel()
        if isinstance(exc, Exception) and not isinstance(exc, BuildError):
            raise BuildError(typst_message(template, exc)) from None
        raise
    return [facts for facts in results if facts is not None]


def typst_message(template: Path, exc: BaseException) -> str:
    """A Typst error → one line: 'templates/booklets/NAME.typ:LINE:COL: message'."""
    diagnostic = str(getattr(exc, "diagnostic", "") or "")
    where = re.search(r"┌─ \S*?([^/\s]+\.typ):(\d+):(\d+)", diagnostic)
    message = str(getattr(exc, "message", "") or exc).strip().splitlines()[0]
    position = f":{where.group(2)}:{where.group(3)}" if where and where.group(1) == template.name else ""
    return f"templates/booklets/{template.name}{position}: {message}"


def _quiet_worker() -> None:
    """Worker start: the parent handles Ctrl+C and SIGTERM; workers just stop with the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def page_count(pdf: bytes) -> int:
    """PDF bytes → number of pages."""
    return len(PdfReader(io.BytesIO(pdf)).pages)


def sha256(data: bytes | str) -> str:
    """Bytes or text → hex SHA-256."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def file_sha256(path: Path) -> str:
    """A file → hex SHA-256, read in pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def link_or_copy(source: Path, target: Path) -> None:
    """A file → the same file at `target` (a hard link where the file system allows, else a copy)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def engine_key(template_dir: Path) -> str:
    """Everything besides a booklet's data that shapes its PDF: this module, the Typst, font and QR packages, the templates."""
    from importlib.metadata import version
    parts = [Path(__file__).read_bytes(), version("typst").encode(), version("manimgx-fonts-cjk").encode(),
             version("segno").encode()]
    parts += [p.name.encode() + b"\0" + p.read_bytes() for p in sorted((template_dir / "booklets").glob("*.typ"))]
    return sha256(b"\0".join(hashlib.sha256(p).digest() for p in parts))


class Reuse:
    """The PDFs of the previous build, found by the hash of everything that went into them.

    A PDF is reused only if the previous manifest lists the same input hash and the file on disk still has the
    SHA-256 the manifest recorded; anything else is compiled again. `handbook build --fresh` reuses nothing."""

    def __init__(self, previous_site: Path | None) -> None:
        self.site = previous_site
        self.entries: dict[str, dict[str, Any]] = {}  # input hash → previous manifest entry
        self.reused = 0
        if previous_site is None:
            return
        try:
            listed = json.loads((previous_site / "booklets" / "index.json").read_text(encoding="utf-8"))
            self.entries = {e["input"]: e for e in listed if isinstance(e, dict) and "input" in e and "sha256" in e}
        except (OSError, ValueError, TypeError):
            pass  # no previous build, or one this version cannot read: compile everything

    def take(self, key: str, target: Path) -> PdfFacts | None:
        """An input hash → the previous PDF made from exactly that input, placed at `target`; or None."""
        entry = self.entries.get(key)
        if entry is None or self.site is None or not isinstance(entry.get("pages"), int):
            return None
        source = self.site / str(entry["file"])
        try:
            if not source.is_file() or file_sha256(source) != entry["sha256"]:
                return None
            link_or_copy(source, target)
        except OSError:
            return None
        self.reused += 1
        return entry["pages"], source.stat().st_size, entry["sha256"]


def render_booklets(handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path, workers: int | None = None,
                    progress: Progress | None = None, reuse: Reuse | None = None) -> list[dict[str, Any]]:
    """All booklets → PDFs under `out` (at their manifest paths, e.g. out/booklets/en/full.pdf) and their manifest
    entries, compiled in parallel on every core. The PDFs go straight to disk, so memory does not grow with them.

    With `reuse`, PDFs whose inputs are unchanged since the previous build are taken from it instead of compiled."""
    pairs = plan_pairs(handbook, config)
    reuse = reuse or Reuse(None)
    engine = engine_key(template_dir)
    # Signals wait while the workers start (a signal in the middle of a fork leaves the pool half made);
    # they are delivered, as KeyboardInterrupt, as soon as the first jobs are queued.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    pool = ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, initializer=_quiet_worker)
    try:
        pool.submit(int).result()  # start the workers while signals are blocked
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        return compile_booklets(pool, pairs, handbook, config, template_dir, out, progress, reuse, engine)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        pool.shutdown(wait=True, cancel_futures=True)


def compile_or_reuse(pool: ProcessPoolExecutor, template: Path, root: Path, targets: list[Path], keys: list[str],
                     make_inputs: Callable[[list[int]], Iterator[dict[str, str]]], standards: tuple[str, ...] | None,
                     reuse: Reuse, progress: Progress | None, order: Callable[[int], Any] | None = None) -> list[PdfFacts]:
    """PDFs to write at `targets`: each whose input hash the previous build lists is reused; the inputs of the
    others (their indexes) are made by `make_inputs` and compiled, in parallel, sorted by `order` if given."""
    found = [reuse.take(key, target) for key, target in zip(keys, targets, strict=True)]
    missing = sorted((i for i, facts in enumerate(found) if facts is None), key=order)
    if progress:
        progress(len(targets) - len(missing), len(targets))
    jobs = zip(make_inputs(missing), [targets[i] for i in missing], strict=True)
    compiled = compile_all(pool, template, root, jobs, len(missing), standards,
                           progress and (lambda done, _: progress(len(targets) - len(missing) + done, len(targets))))
    for i, facts in zip(missing, compiled, strict=True):
        found[i] = facts
    return [facts for facts in found if facts is not None]


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
        for i, (booklet, (pages, _, digest)) in enumerate(zip(standard, facts, strict=True)):
            link_or_copy(out / booklet.file, work / f"{i}.pdf")
            spec = impose_spec(booklet, i, pages, handbook, config)
            specs.append({"spec": spec})
            twin_keys.append(twin_key(engine, digest, spec))
        twin_facts = compile_or_reuse(pool, work / "impose.typ", work, [out / t.file for t in twins], twin_keys,
                                      lambda missing: (specs[i] for i in missing), None, reuse,
                                      progress and (lambda done, _: progress(len(standard) + done, both)))
    manifest = []
    for booklet, twin, made, twin_made, key, imposed_key in zip(standard, twins, facts, twin_facts, keys, twin_keys, strict=True):
        manifest += [manifest_entry(booklet, made, key), manifest_entry(twin, twin_made, imposed_key)]
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
    engine = engine_key(template_dir)
    manifest = []
    for i, (booklet, twin) in enumerate(plan_pairs(handbook, config)):
        key = booklet_key(engine, booklet, handbook, config)
        made = reuse.take(key, out / booklet.file)
        if made is None:
            continue
        manifest.append(manifest_entry(booklet, made, key))
        key = twin_key(engine, made[2], impose_spec(booklet, i, made[0], handbook, config))
        if (twin_made := reuse.take(key, out / twin.file)) is not None:
            manifest.append(manifest_entry(twin, twin_made, key))
    return manifest


def manifest_entry(booklet: Booklet, facts: PdfFacts, input_key: str) -> dict[str, Any]:
    """A booklet, its PDF's facts, and the hash of what it was made from → its booklets/index.json entry."""
    entry = asdict(booklet)
    entry["services"] = list(booklet.services)
    pages, size, digest = facts
    entry.update(pages=pages, bytes=size, sha256=digest, input=input_key)
    return entry
