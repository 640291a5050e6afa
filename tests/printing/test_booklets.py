"""Printable booklets: the manifest, each PDF's services, QR codes, fonts, page sizes, imposition, large print,
accessibility metadata, that services.yaml text cannot inject Typst code, and that builds are reproducible.

The real booklets come from the session's `built_site`; the tiny project is compiled directly with
render_booklets. The expectations come from services.yaml and site_config.yml, not from generator.printing.booklets."""
from __future__ import annotations

import functools
import hashlib
import io
import itertools
import json
import math
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from pypdf import PdfReader
from ruamel.yaml import YAML

from generator.data.load import load_project, with_site_url
from generator.present.qr import qr_svg
from generator.printing import typesetting
from generator.printing.booklets import (
    booklet_data,
    booklet_engine,
    booklet_urls,
    plan_booklets,
    render_booklets,
    with_qr_codes,
)
from generator.printing.impose import booklet_order
from generator.printing.typesetting import Reuse, without_facts

from ..conftest import ROOT, TEST_SITE_URL, TINY_CONFIG, TINY_SERVICES, write_project

CONFIG, HANDBOOK = load_project(ROOT)
LANG_ROOTS = {"zh": "", "en": "en/"}  # where each language lives under site_url
LANGS = ("zh", "en")
A5 = (419.53, 595.28)  # points, portrait
A4_LANDSCAPE = (841.89, 595.28)
LEADER = ". . . . ."  # the dot leaders of the contents pages
QR_BORDER = 4  # modules of quiet zone the booklets promise (ISO/IEC 18004)


# ---- what the data says the booklets are ----------------------------------------------------------------

@dataclass(frozen=True)
class Coords:
    """A standard booklet by what it is, not by its file name."""

    language: str  # zh, en or bilingual
    kind: str  # full, chapter or department
    id: str | None  # chapter or department id
    edition: str  # standard or large-print

    def __str__(self) -> str:
        return "-".join(x for x in (self.language, self.kind, self.id, self.edition) if x)

    @property
    def langs(self) -> tuple[str, ...]:
        """The languages whose text the booklet holds, main language first."""
        return LANGS if self.language == "bilingual" else (self.language,)


def expected_booklets() -> list[Coords]:
    """Per language: the full handbook, each chapter (standard and large print), each department; and a bilingual full one."""
    out = []
    for lang in LANGS:
        out.append(Coords(lang, "full", None, "standard"))
        for chapter in HANDBOOK.chapters:
            out += [Coords(lang, "chapter", chapter.id, "standard"), Coords(lang, "chapter", chapter.id, "large-print")]
        out += [Coords(lang, "department", d.id, "standard") for d in HANDBOOK.departments]
    out.append(Coords("bilingual", "full", None, "standard"))
    return out


BOOKLETS = expected_booklets()
STANDARD_EDITION = [c for c in BOOKLETS if c.edition == "standard"]
LARGE_PRINT = [c for c in BOOKLETS if c.edition == "large-print"]


def expected_services(c: Coords) -> list[int]:
    """The services a booklet holds, in booklet order, from services.yaml."""
    if c.kind == "full":
        return [s.number for s in HANDBOOK.services]
    if c.kind == "chapter":
        return [s.number for s in HANDBOOK.services if s.chapter == c.id]
    # a department's services: those naming it, grouped by chapter in chapter order
    return [s.number for chapter in HANDBOOK.chapters for s in HANDBOOK.services
            if s.chapter == chapter.id and c.id in s.departments]


def service_url(number: int, lang: str) -> str:
    return f"{TEST_SITE_URL}{LANG_ROOTS[lang]}services/{HANDBOOK.service(number).id}/"


def url_lang(c: Coords) -> str:
    """The language of a booklet's links: its own, or the source language (zh) for the bilingual one."""
    return c.langs[0]


# ---- reading PDFs ---------------------------------------------------------------------------------------

QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def norm(text: str) -> str:
    """Text without whitespace and hyphens (Typst justifies; pypdf shows breaks as '-', U+00AD), quotes made straight
    (English text is printed with typographic quotes)."""
    return re.sub(r"[\s\u00ad\u2010\u2011-]+", "", text).translate(QUOTES)


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Extract:
    pages: tuple[str, ...]  # extracted text per page
    sizes: Counter[float]  # effective font size (pt, rounded to 0.1) → characters set in it


@functools.cache
def extract(path: Path) -> Extract:
    """A PDF → its text per page and how many characters are set in each effective font size."""
    sizes: Counter[float] = Counter()

    def visit(text: str, cm: list[float], tm: list[float], font: Any, font_size: float) -> None:
        chars = len(text.strip())
        if chars:  # effective size: Tf size × the text matrix's and the CTM's vertical scale
            sizes[round(font_size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]), 1)] += chars

    reader = PdfReader(path)
    return Extract(tuple(page.extract_text(visitor_text=visit) for page in reader.pages), sizes)


def split_pages(pages: tuple[str, ...]) -> tuple[str, str]:
    """A booklet's pages → (contents text, body text): the contents are the pages with dot leaders after the cover
    and the how-to-use page; the body runs to the index by audience (more dot leaders) or the notes pages."""
    leaders = [i for i, text in enumerate(pages) if LEADER in text]
    assert leaders, "no contents page (dot leaders) found"
    # the contents follow the how-to-use page, or (a short department booklet) share it
    contents = [i for i in leaders if i - leaders[0] == leaders.index(i)]
    assert contents[0] in (1, 2), f"contents pages {leaders} do not directly follow the cover and how-to-use page"
    body = pages[contents[-1] + 1:]
    index = [i for i, text in enumerate(body) if LEADER in text]
    return "\n".join(pages[i] for i in contents), "\n".join(body[:index[0]] if index else body)


def link_uris(reader: PdfReader) -> list[tuple[int, str, list[float]]]:
    """Every URI link annotation → (page index, URI, rect)."""
    out = []
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if annot.get("/Subtype") == "/Link" and action is not None and action.get("/S") == "/URI":
                out.append((index, str(action["/URI"]), [float(x) for x in annot["/Rect"]]))
    return out


BOOKLET_KINDS = ("full", "chapter", "department")  # the manifest also lists leaflets (tests/printing/test_leaflets.py)


@pytest.fixture(scope="module")
def manifest(built_site: Path) -> list[dict[str, Any]]:
    """booklets/index.json: the booklets' entries (the leaflets' are tested in tests/printing/test_leaflets.py)."""
    listed = json.loads((built_site / "booklets" / "index.json").read_text(encoding="utf-8"))
    return [e for e in listed if e["kind"] in BOOKLET_KINDS]


def entry_for(manifest: list[dict[str, Any]], c: Coords, imposed: bool = False) -> dict[str, Any]:
    found = [e for e in manifest if (e["language"], e["kind"], e["id"], e["edition"], e["imposed"])
             == (c.language, c.kind, c.id, c.edition, imposed)]
    assert len(found) == 1, f"{c} (imposed={imposed}): {len(found)} manifest entries"
    return found[0]


def parts_for(manifest: list[dict[str, Any]], c: Coords, imposed: bool = False) -> list[dict[str, Any]]:
    """A booklet's manifest entries: one, or its volumes in order (a long booklet is printed in volumes)."""
    found = [e for e in manifest if (e["language"], e["kind"], e["id"], e["edition"], e["imposed"])
             == (c.language, c.kind, c.id, c.edition, imposed)]
    found.sort(key=lambda e: e["volume"] or 0)
    assert found, f"{c} (imposed={imposed}): no manifest entry"
    count = len(found)
    assert [(e["volume"], e["volumes"]) for e in found] == ([(None, 1)] if count == 1 else
                                                           [(n, count) for n in range(1, count + 1)]), found
    return found


def by_coords(booklets: list[Coords]) -> Any:
    return pytest.mark.parametrize("c", booklets, ids=str)


# ---- 1. the manifest --------------------------------------------------------------------------------------

MANIFEST_FIELDS = {"file", "language", "kind", "id", "edition", "imposed", "title", "pages", "services", "bytes",
                   "sha256", "input", "volume", "volumes"}


def test_the_data_has_eight_chapters_and_85_services() -> None:
    """The counts the booklet plan below relies on."""
    assert len(HANDBOOK.chapters) == 8
    assert [s.number for s in HANDBOOK.services] == list(range(1, 86))
    assert all(expected_services(Coords("zh", "department", d.id, "standard")) for d in HANDBOOK.departments), \
        "a department without services would get an empty booklet"


@pytest.mark.slow
def test_manifest_lists_each_pdf_in_site_booklets_once(built_site: Path) -> None:
    listed = [e["file"] for e in json.loads((built_site / "booklets" / "index.json").read_text(encoding="utf-8"))]
    on_disk = sorted(p.relative_to(built_site).as_posix() for p in (built_site / "booklets").rglob("*.pdf"))
    assert len(listed) == len(set(listed)), [f for f, n in Counter(listed).items() if n > 1]
    assert sorted(listed) == on_disk


@pytest.mark.slow
def test_manifest_entries_have_the_documented_fields(built_site: Path, manifest: list[dict[str, Any]]) -> None:
    for e in manifest:
        assert MANIFEST_FIELDS <= e.keys(), (e["file"], MANIFEST_FIELDS - e.keys())
        assert e["language"] in ("zh", "en", "bilingual"), e
        assert e["kind"] in ("full", "chapter", "department"), e
        assert e["edition"] in ("standard", "large-print"), e
        assert isinstance(e["imposed"], bool), e
        assert isinstance(e["title"], str) and e["title"].strip(), e
        assert isinstance(e["pages"], int) and e["pages"] > 0, e
        assert e["file"].startswith(f"booklets/{e['language']}/") and e["file"].endswith(".pdf"), e
        assert isinstance(e["volumes"], int) and e["volumes"] >= 1, e
        assert e["volume"] is None if e["volumes"] == 1 else e["volume"] in range(1, e["volumes"] + 1), e
        assert re.fullmatch(r"[0-9a-f]{64}", e["input"]), e  # the hash of what the PDF was made from
        assert e["sha256"] == hashlib.sha256((built_site / e["file"]).read_bytes()).hexdigest(), e
        assert e["bytes"] == (built_site / e["file"]).stat().st_size, e
        if e["kind"] == "full":
            assert e["id"] is None, e
        elif e["kind"] == "chapter":
            assert e["id"] in {c.id for c in HANDBOOK.chapters}, e
        else:
            assert e["id"] in {d.id for d in HANDBOOK.departments}, e


@pytest.mark.slow
def test_manifest_has_every_booklet_each_with_an_imposed_twin(manifest: list[dict[str, Any]]) -> None:
    have = {(e["language"], e["kind"], e["id"], e["edition"], e["imposed"]) for e in manifest}
    want = {(c.language, c.kind, c.id, c.edition, imposed) for c in BOOKLETS for imposed in (False, True)}
    assert have == want, {"missing": sorted(map(str, want - have)), "unexpected": sorted(map(str, have - want))}
    per_language = Counter((e["language"], e["kind"], e["edition"]) for e in manifest
                           if not e["imposed"] and e["volume"] in (None, 1))
    for lang in LANGS:
        assert per_language[(lang, "full", "standard")] == 1
        assert per_language[(lang, "chapter", "standard")] == 8
        assert per_language[(lang, "chapter", "large-print")] == 8
        assert per_language[(lang, "department", "standard")] == len(HANDBOOK.departments)
    assert per_language[("bilingual", "full", "standard")] == 1
    for c in BOOKLETS:
        for booklet, twin in zip(parts_for(manifest, c), parts_for(manifest, c, imposed=True), strict=True):
            assert twin["file"] == booklet["file"].removesuffix(".pdf") + "-imposed.pdf", (booklet["file"], twin["file"])
            assert (twin["title"], twin["services"]) == (booklet["title"], booklet["services"]), c


@pytest.mark.slow
def test_manifest_titles_name_the_chapter_department_and_edition(manifest: list[dict[str, Any]]) -> None:
    for e in manifest:
        if e["language"] == "bilingual":
            continue
        lang = e["language"]
        if e["kind"] == "chapter":
            assert next(c for c in HANDBOOK.chapters if c.id == e["id"]).title[lang] in e["title"], e
        if e["kind"] == "department":
            assert HANDBOOK.department(e["id"]).name[lang] in e["title"], e
        assert (CONFIG.strings[lang]["edition_large"] in e["title"]) == (e["edition"] == "large-print"), e


@pytest.mark.slow
def test_manifest_services_come_from_the_data(manifest: list[dict[str, Any]]) -> None:
    for c in BOOKLETS:
        assert [n for e in parts_for(manifest, c) for n in e["services"]] == expected_services(c), c


@pytest.mark.slow
def test_manifest_page_counts_and_sizes_are_real(built_site: Path, manifest: list[dict[str, Any]]) -> None:
    for e in manifest:
        path = built_site / e["file"]
        assert e["pages"] == len(PdfReader(path).pages), e["file"]
        assert e["bytes"] == path.stat().st_size, e["file"]


# ---- 2. the text: exactly the booklet's services, in order -----------------------------------------------

def heading(number: int, lang: str) -> str:
    """How the data says service No. N is headed in a booklet of that main language: '第N项 name' / 'No. N name'."""
    return CONFIG.strings[lang]["service_label"].format(number=number) + " " + HANDBOOK.service(number).name[lang]


def assert_in_order(text: str, c: Coords, numbers: list[int], where: str) -> None:
    """Each service's heading in the main language (then, in the bilingual booklet, its other name) follows the previous one."""
    text, pos = norm(text), 0
    for n in numbers:
        needles = [heading(n, c.langs[0])] + [HANDBOOK.service(n).name[lang] for lang in c.langs[1:]]
        for needle in needles:
            found = text.find(norm(needle), pos)
            assert found >= 0, f"{c} {where}: {needle!r} missing, or not after the previous service"
            pos = found + len(norm(needle))


def without_continued(page: str) -> str:
    """A page's text without a running header that names the service it continues."""
    lines = page.splitlines()
    marks = [i for i, line in enumerate(lines[:3]) if line.rstrip().endswith(("（续）", "(continued)"))]
    return "\n".join(lines[marks[0] + 1:] if marks else lines)


def without_pointers(text: str, lang: str) -> str:
    """A booklet's text without its index's pointers to other volumes ("见第2册：第85项")."""
    t = CONFIG.strings[lang]
    fills = {"{volume}": r"\d+", "{numbers}": loose(t["index_numbers"], {"{numbers}": r"[\d、,\s]+"})}
    return re.sub(loose(t["index_elsewhere"], fills), "", text)


def loose(template: str, fills: dict[str, str]) -> str:
    """A format string → a pattern for its text as PDF extraction gives it (any whitespace between characters),
    each {placeholder} replaced by its pattern in `fills`."""
    parts = re.split("(" + "|".join(map(re.escape, fills)) + ")", no_space(template))
    return r"\s*".join(fills[p] if p in fills else r"\s*".join(map(re.escape, p)) for p in parts if p)


def service_numbers_in_headings(text: str) -> set[int]:
    """Numbers in anything that looks like a service heading: '第N项' or 'No. N '."""
    numbers = {int(n) for n in re.findall(r"第(\d+)项", no_space(text))}
    numbers |= {int(n) for n in re.findall(r"\bNo\. (\d+) ", re.sub(r"\s+", " ", text))}
    return numbers & {s.number for s in HANDBOOK.services}


@pytest.mark.slow
@by_coords(STANDARD_EDITION + LARGE_PRINT)
def test_booklet_text_has_exactly_its_services_in_order(built_site: Path, manifest: list[dict[str, Any]], c: Coords) -> None:
    entries = parts_for(manifest, c)
    assert [n for e in entries for n in e["services"]] == expected_services(c)
    for entry in entries:  # each volume: exactly its services
        numbers = entry["services"]
        pages = extract(built_site / entry["file"]).pages
        contents, body = split_pages(pages)
        assert_in_order(contents, c, numbers, "contents")
        assert_in_order(body, c, numbers, "body")
        everything = without_pointers("\n".join(pages), c.langs[0])  # a volume's index names the others' services
        absent = {s.number for s in HANDBOOK.services} - set(numbers)
        assert service_numbers_in_headings(everything) == set(numbers), \
            f"headings of absent services: {sorted(service_numbers_in_headings(everything) & absent)}"
        for n in sorted(absent):
            assert norm(heading(n, c.langs[0])) not in norm(everything), f"{c}: absent service No. {n} is in the text"


@pytest.mark.slow
@by_coords([c for c in STANDARD_EDITION if c.kind == "chapter"])
def test_chapter_booklet_opens_with_its_intro(built_site: Path, manifest: list[dict[str, Any]], c: Coords) -> None:
    chapter = next(ch for ch in HANDBOOK.chapters if ch.id == c.id)
    _, body = split_pages(extract(built_site / entry_for(manifest, c)["file"]).pages)
    assert norm(body).startswith(norm(chapter.title[c.language])), body[:200]
    assert norm(chapter.intro[c.language]) in norm(body)


@pytest.mark.slow
def test_bilingual_cover_names_its_edition_once(built_site: Path, manifest: list[dict[str, Any]]) -> None:
    """Regression: the bilingual cover once read '中英对照版 · 中英对照版'."""
    cover = norm(extract(built_site / parts_for(manifest, Coords("bilingual", "full", None, "standard"))[0]["file"]).pages[0])
    assert cover.count(norm(CONFIG.strings["zh"]["edition_bilingual"])) == 1, cover
    assert norm(CONFIG.title["zh"]) in cover


# ---- 3. QR codes -------------------------------------------------------------------------------------------

@pytest.mark.slow
@by_coords(STANDARD_EDITION + LARGE_PRINT)
def test_each_service_has_a_qr_link_to_its_page_and_the_back_cover_links_home(
        built_site: Path, manifest: list[dict[str, Any]], c: Coords) -> None:
    lang = url_lang(c)
    home = f"{TEST_SITE_URL}{LANG_ROOTS[lang]}"
    entries = parts_for(manifest, c)
    for entry in entries:
        reader = PdfReader(built_site / entry["file"])
        links = link_uris(reader)
        expected = [service_url(n, lang) for n in entry["services"]]
        services = [(page, uri, rect) for page, uri, rect in links if uri != home]
        assert [uri for _, uri, _ in services] == expected, "one QR link per service, in booklet order"
        for _, uri, rect in services:  # the link is the QR image itself: a square of at least 20 mm
            width, height = rect[2] - rect[0], rect[3] - rect[1]
            assert abs(width - height) < 1 and width >= 20 / 25.4 * 72, (uri, rect)
        homes = [page for page, uri, _ in links if uri == home]
        assert homes == [len(reader.pages) - 1], f"the site-home link belongs on the back cover: pages {homes}"
        # the printed URL beside each QR is exact: no hyphen or soft hyphen inserted by justification
        text = no_space("".join(extract(built_site / entry["file"]).pages))
        for url in expected + [home]:
            assert url in text, f"{c}: printed URL {url!r} not found verbatim"


SERVICE_BY_URL = {service_url(s.number, lang): s for s in HANDBOOK.services for lang in LANGS}


@pytest.mark.slow
def test_every_qr_code_stands_on_the_page_of_its_service_name(built_site: Path, manifest: list[dict[str, Any]]) -> None:
    """Page by page, in every booklet and volume: each QR link's service has its name (in each of the booklet's
    languages) on the same page, so no page shows a QR code without its service."""
    checked = 0
    for entry in (e for e in manifest if not e["imposed"]):
        langs = LANGS if entry["language"] == "bilingual" else (entry["language"],)
        pages = extract(built_site / entry["file"]).pages
        for page, uri, _ in link_uris(PdfReader(built_site / entry["file"])):
            service = SERVICE_BY_URL.get(uri)
            if service is None:
                continue  # the back cover's link to the site's home page
            for lang in langs:
                assert norm(service.name[lang]) in norm(pages[page]), \
                    f"{entry['file']} p. {page + 1}: QR code of No. {service.number} without its name ({lang})"
            checked += 1
    assert checked == sum(len(e["services"]) for e in manifest if not e["imposed"])


def svg_modules(svg: str) -> tuple[int, set[tuple[int, int]]]:
    """A QR code's SVG (qr_svg) → (width in modules including the quiet zone, dark modules as (x, y))."""
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg).group(1))
    height = float(re.search(r'<svg[^>]*\sheight="([\d.]+)"', svg).group(1))
    scale = float(re.search(r'transform="scale\(([\d.]+)\)"', svg).group(1))
    assert width == height
    path = re.search(r'\sd="([^"]+)"', svg).group(1)
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for command, args in re.findall(r"([A-Za-z])([^A-Za-z]*)", path):
        values = [float(v) for v in re.findall(r"-?[\d.]+", args)]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        elif command == "h":
            row = math.floor(y)  # each row is stroked at its centre, y + 0.5
            dark |= {(col, row) for col in range(round(x), round(x + values[0]))}
            x += values[0]
        else:
            raise AssertionError(f"unexpected SVG path command {command!r}")
    return round(width / scale), dark


def test_qr_svg_has_a_quiet_zone_of_four_modules_and_encodes_the_url() -> None:
    url = service_url(73, "en")
    size, dark = svg_modules(qr_svg(url))
    xs, ys = {x for x, _ in dark}, {y for _, y in dark}
    # the finder patterns sit in three corners, so the outermost dark modules mark the symbol's edges
    left, top, right, bottom = min(xs), min(ys), size - 1 - max(xs), size - 1 - max(ys)
    assert min(left, top, right, bottom) >= QR_BORDER, (left, top, right, bottom)
    assert left == top == right == bottom
    # the modules drawn are the symbol's, each where it belongs (error correction would hide a few wrong ones from
    # a reader)
    symbol = memoryview(zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
                        .to_image(with_quiet_zones=False))
    width = symbol.shape[1]
    assert {(x - left, y - top) for x, y in dark} == {(i % width, i // width) for i, v in enumerate(symbol.tobytes())
                                                      if v == 0}
    # and read back by zxing-cpp's reader from the modules as drawn, 6 pixels a module
    pixels = bytearray(b"\xff" * (6 * size) ** 2)
    for x, y in dark:
        for row in range(6 * y, 6 * y + 6):
            pixels[row * 6 * size + 6 * x:row * 6 * size + 6 * x + 6] = b"\x00" * 6
    read = zxingcpp.read_barcode(memoryview(pixels).cast("B", (6 * size, 6 * size)))
    assert read and read.format == zxingcpp.BarcodeFormat.QRCode, "the SVG is not a QR code"
    assert (read.text, read.ec_level) == (url, "M")
    assert (size - 2 * left - 17) % 4 == 0  # a whole QR version: 17 + 4v modules


@dataclass(frozen=True)
class Raster:
    """A rendered page, grey levels 0 (black) to 255 (white)."""

    width: int
    height: int
    pixels: bytes
    scale: float  # pixels per point

    @classmethod
    def of_pgm(cls, path: Path, dpi: int) -> Raster:
        data = path.read_bytes()
        match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
        assert match and match.group(3) == b"255"
        width, height = int(match.group(1)), int(match.group(2))
        return cls(width, height, data[match.end():match.end() + width * height], dpi / 72)

    def qr_sampler(self, rect: list[float], page_height: float, size: int) -> Callable[[float, float], int]:
        """A QR image's link rect (points) and width in modules → grey level at (x, y) in modules from its top left."""
        left, top = rect[0] * self.scale, (page_height - rect[3]) * self.scale
        module = (rect[2] - rect[0]) * self.scale / size
        return lambda mx, my: self.pixels[int(top + my * module) * self.width + int(left + mx * module)]


def render_first_qr_page(built_site: Path, manifest: list[dict[str, Any]], tmp_path: Path, dpi: int = 300) \
        -> tuple[Path, list[tuple[str, list[float]]], float]:
    """The English education booklet's first page with QR codes, rendered → (PGM, its (URI, rect)s, page height)."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm is missing (apt-get install poppler-utils)")
    pdf = built_site / entry_for(manifest, Coords("en", "chapter", "education", "standard"))["file"]
    links = link_uris(PdfReader(pdf))
    page = links[0][0]
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page + 1), "-l", str(page + 1), "-singlefile",
                    str(pdf), str(tmp_path / "page")], check=True)
    height = float(PdfReader(pdf).pages[page].mediabox.height)
    return tmp_path / "page.pgm", [(uri, rect) for p, uri, rect in links if p == page], height


@pytest.mark.slow
def test_printed_qr_codes_have_a_white_quiet_zone(built_site: Path, manifest: list[dict[str, Any]], tmp_path: Path) -> None:
    pgm, on_page, page_height = render_first_qr_page(built_site, manifest, tmp_path, dpi=300)
    raster = Raster.of_pgm(pgm, 300)
    assert on_page
    for uri, rect in on_page:
        size, dark = svg_modules(qr_svg(uri))
        value = raster.qr_sampler(rect, page_height, size)
        # the quiet zone is white: sampled from a quarter module inside the image edge to a quarter module off the symbol
        steps = [QR_BORDER * i / 8 for i in range(1, 8)]
        band = [(a, b) for a in steps for b in [i * size / 64 for i in range(2, 63)]]
        quiet = [value(a, b) for a, b in band] + [value(size - a, b) for a, b in band] \
            + [value(b, a) for a, b in band] + [value(b, size - a) for a, b in band]
        assert min(quiet) > 200, f"dark pixels in the quiet zone of the QR for {uri}"
        # and the symbol is where the SVG says: each module's centre is dark or light as the SVG has it
        wrong = sum((value(x + 0.5, y + 0.5) < 128) != ((x, y) in dark) for x in range(size) for y in range(size))
        assert wrong == 0, f"{wrong} modules of the printed QR for {uri} differ from the SVG"


@pytest.mark.slow
def test_printed_qr_codes_decode_to_their_links(built_site: Path, manifest: list[dict[str, Any]], tmp_path: Path) -> None:
    if not shutil.which("zbarimg"):
        pytest.skip("zbarimg is missing (apt-get install zbar-tools): printed QR codes not decoded")
    pgm, on_page, _ = render_first_qr_page(built_site, manifest, tmp_path)
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(pgm)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.split()) == sorted(uri for uri, _ in on_page)


# ---- 3b. running headers and page numbers --------------------------------------------------------------------

def chapter_order(c: Coords) -> list[str]:
    """A booklet → the titles (main language) of the chapters it holds, in order."""
    numbers = set(expected_services(c))
    return [ch.title[c.langs[0]] for ch in HANDBOOK.chapters if numbers & set(ch.services)]


@pytest.mark.slow
@by_coords(STANDARD_EDITION + LARGE_PRINT)
def test_running_headers_name_the_chapter_and_pages_are_numbered(built_site: Path, manifest: list[dict[str, Any]],
                                                                 c: Coords) -> None:
    """Every page between the covers starts with its running header and ends with its number; the covers carry
    neither. The headers run: how to use this booklet, contents, each chapter in order (one run each), then the index by
    audience and notes pages where the booklet has them."""
    for part in parts_for(manifest, c):  # each volume is a booklet of its own
        check_running_headers(built_site / part["file"], c, set(part["services"]))


def check_running_headers(pdf: Path, c: Coords, services: set[int]) -> None:
    """A booklet's PDF and the services it prints → assertion errors where a page lacks its header or number."""
    pages = [p.strip().splitlines() for p in extract(pdf).pages]
    main = c.langs[0]
    t = CONFIG.strings[main]
    titles = [ch.title[main] for ch in HANDBOOK.chapters if services & set(ch.services)]
    compact = c.kind == "department" and len(services) <= 2  # the contents share the how-to-use page
    front = [t["howto_title"]] + ([] if compact else [t["contents"]])
    back = [t["audiences"], t["glossary_title"], t["help_title"], t["notes"]]
    # a page that begins inside a service names it, continued; it counts as its chapter's page
    continued = {norm(t["continued"].format(name=heading(n, main).split(" · ")[0])): HANDBOOK.chapter(
        HANDBOOK.service(n).chapter).title[main] for n in services}
    headers = []
    for i, lines in enumerate(pages[1:-1], start=1):
        assert lines[-1] == str(i + 1), (c, i, lines[-3:])
        first = no_space("".join(lines[:3]))
        found = [h for h in [*front, *titles, *back] if first.startswith(no_space(h))]
        found += [chapter for head, chapter in continued.items() if norm(first).startswith(head[:len(head) // 2])]
        assert found, (c, i, lines[:3])
        headers.append(found[0])
    for cover in (pages[0], pages[-1]):
        assert cover[-1] != str(pages.index(cover) + 1), c
    runs = [header for header, _ in itertools.groupby(headers)]
    assert runs[:len(front)] == front, c
    assert runs[len(front):len(front) + len(titles)] == titles, c  # every chapter heads its pages, in order, in one run
    tail = runs[len(front) + len(titles):]
    assert tail == [h for h in back if h in tail], c  # then index, glossary, help and notes, once each, in that order


# ---- 4. fonts --------------------------------------------------------------------------------------------

def fonts_without_file(resources: Any, seen: set[int], names: set[str] | None = None) -> list[str]:
    """Walk resources (fonts, form XObjects, Type3 glyph resources) → names of fonts that are not embedded; the
    embedded fonts' names (without the subset prefix) go into `names`."""
    missing: list[str] = []
    if resources is None:
        return missing
    resources = resources.get_object()
    for name, ref in (resources.get("/Font") or {}).items():
        font = ref.get_object()
        if id(font) in seen:
            continue
        seen.add(id(font))
        if font.get("/Subtype") == "/Type3":  # glyphs are content streams in the PDF itself
            missing += fonts_without_file(font.get("/Resources"), seen, names)
            continue
        described = font["/DescendantFonts"][0].get_object() if font.get("/Subtype") == "/Type0" else font
        descriptor = described.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            missing.append(f"{name} {font.get('/BaseFont')}")
        elif names is not None:
            names.add(str(font.get("/BaseFont")).lstrip("/").split("+")[-1])
    for ref in (resources.get("/XObject") or {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            missing += fonts_without_file(xobject.get("/Resources"), seen, names)
    return missing


@pytest.mark.slow
@by_coords(STANDARD_EDITION + LARGE_PRINT)
def test_every_font_is_embedded(built_site: Path, manifest: list[dict[str, Any]], c: Coords) -> None:
    reader = PdfReader(built_site / parts_for(manifest, c)[0]["file"])
    seen: set[int] = set()
    names: set[str] = set()
    missing, fonts = [], 0
    for page in reader.pages:
        fonts += len(page.get("/Resources", {}).get("/Font") or {})
        missing += fonts_without_file(page.get("/Resources"), seen, names)
        for annot in page.get("/Annots") or []:
            appearance = annot.get_object().get("/AP")
            if appearance is not None and "/N" in appearance:
                missing += fonts_without_file(appearance["/N"].get_object().get("/Resources"), seen, names)
    assert fonts > 0
    assert missing == []
    assert names and all(name.startswith("Noto") for name in names), names  # only the Noto fonts we install


# ---- 5. page sizes and imposition -------------------------------------------------------------------------

def test_booklet_order_by_hand() -> None:
    assert booklet_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert booklet_order(4) == [(3, 0), (1, 2)]
    # 6 pages: two blanks, placed before the back cover (page 5), which stays the outside of the booklet
    assert booklet_order(6) == [(5, 0), (1, None), (None, 2), (3, 4)]
    assert booklet_order(5) == [(4, 0), (1, None), (None, 2), (3, None)]
    assert booklet_order(1) == [(0, None), (None, None)]


@pytest.mark.parametrize("pages", range(1, 42))
def test_booklet_order_folds_into_reading_order(pages: int) -> None:
    """Stacking the sheets and folding them gives pages 0, 1, … with blanks only just before the back cover."""
    sides = booklet_order(pages)
    total = math.ceil(pages / 4) * 4
    assert len(sides) == total // 2
    reading: list[int | None] = [None] * total  # booklet position → page
    for sheet in range(total // 4):
        (front_left, front_right), (back_left, back_right) = sides[2 * sheet], sides[2 * sheet + 1]
        reading[2 * sheet], reading[total - 1 - 2 * sheet] = front_right, front_left
        reading[2 * sheet + 1], reading[total - 2 - 2 * sheet] = back_left, back_right
    assert reading == list(range(pages - 1)) + [None] * (total - pages) + [pages - 1]


@pytest.mark.slow
def test_page_sizes_and_imposed_page_counts(built_site: Path, manifest: list[dict[str, Any]]) -> None:
    for c in BOOKLETS:
        for booklet, twin in zip(parts_for(manifest, c), parts_for(manifest, c, imposed=True), strict=True):
            for entry, (width, height) in ((booklet, A5), (twin, A4_LANDSCAPE)):
                for index, page in enumerate(PdfReader(built_site / entry["file"]).pages):
                    box = page.mediabox
                    assert abs(float(box.width) - width) < 1 and abs(float(box.height) - height) < 1, \
                        (entry["file"], index, box)
                    assert page.get("/Rotate", 0) == 0, (entry["file"], index)
            assert booklet["pages"] % 4 == 0, f"{booklet['file']}: notes pages fill the last sheet, no blanks"
            assert twin["pages"] == booklet["pages"] // 2, c
            assert twin["pages"] == len(booklet_order(booklet["pages"])), c


def slot_texts(page: Any) -> dict[str, str]:
    """An imposed page → the text of its left and right A5 slot (each slot is one form XObject)."""
    names = set((page.get("/Resources", {}).get("/XObject") or {}).keys())
    half = float(page.mediabox.width) / 2
    texts = {"left": [], "right": []}
    slot: list[str | None] = [None]

    def before(op: bytes, args: list[Any], cm: list[float], tm: list[float]) -> None:
        if op == b"Do" and args and args[0] in names:
            slot[0] = "left" if cm[4] < half - 1 else "right"

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            assert slot[0] is not None, f"text {text!r} outside the A5 slots"
            texts[slot[0]].append(text)

    page.extract_text(visitor_text=visit, visitor_operand_before=before)
    return {key: norm("".join(value)) for key, value in texts.items()}


@pytest.mark.slow
def test_imposed_first_side_has_back_cover_left_and_cover_right(built_site: Path, manifest: list[dict[str, Any]]) -> None:
    c = Coords("en", "chapter", "education", "standard")
    slots = slot_texts(PdfReader(built_site / entry_for(manifest, c, imposed=True)["file"]).pages[0])
    assert norm(CONFIG.strings["en"]["back_text"]) in slots["left"]
    assert norm(CONFIG.title["en"]) in slots["right"]
    assert norm(CONFIG.strings["en"]["back_text"]) not in slots["right"]


@pytest.mark.slow
@by_coords([Coords("en", "chapter", "education", "standard"), Coords("zh", "department", "finance", "standard"),
            Coords("zh", "chapter", "disability", "large-print"), Coords("bilingual", "full", None, "standard")])
def test_imposed_sides_show_the_pages_booklet_order_names(built_site: Path, manifest: list[dict[str, Any]], c: Coords) -> None:
    pages = [norm(text) for text in extract(built_site / parts_for(manifest, c)[0]["file"]).pages]
    imposed = PdfReader(built_site / parts_for(manifest, c, imposed=True)[0]["file"]).pages
    sides = booklet_order(len(pages))
    assert len(imposed) == len(sides)
    for index, (side, page) in enumerate(zip(sides, imposed, strict=True)):
        slots = slot_texts(page)
        for where, number in zip(("left", "right"), side, strict=True):
            assert slots[where] == ("" if number is None else pages[number]), (c, index, where, number)


# ---- 6. large print ------------------------------------------------------------------------------------------

@pytest.mark.slow
@by_coords(STANDARD_EDITION + LARGE_PRINT)
def test_body_text_size(built_site: Path, manifest: list[dict[str, Any]], c: Coords) -> None:
    sizes = extract(built_site / parts_for(manifest, c)[0]["file"]).sizes
    body, _ = sizes.most_common(1)[0]
    if c.edition == "large-print":
        assert body >= 16, sizes.most_common(5)
    else:
        assert abs(body - 11) <= 0.5, sizes.most_common(5)


@pytest.mark.slow
@by_coords(LARGE_PRINT)
def test_large_print_has_the_same_services_on_more_pages(manifest: list[dict[str, Any]], c: Coords) -> None:
    large, standard = entry_for(manifest, c), entry_for(manifest, Coords(c.language, c.kind, c.id, "standard"))
    assert large["services"] == standard["services"]
    assert large["pages"] >= standard["pages"]  # both filled to whole sheets with notes pages


# ---- 7. accessibility metadata -------------------------------------------------------------------------------

@pytest.mark.slow
@by_coords(STANDARD_EDITION + LARGE_PRINT)
def test_tagged_pdf_ua_and_pdf_a_metadata(built_site: Path, manifest: list[dict[str, Any]], c: Coords) -> None:
    reader = PdfReader(built_site / parts_for(manifest, c)[-1]["file"])
    catalog = reader.trailer["/Root"]
    main = c.langs[0]
    assert re.fullmatch(rf"{main}(-[A-Za-z]+)*", str(catalog.get("/Lang", ""))), catalog.get("/Lang")
    assert bool(catalog.get("/MarkInfo", {}).get("/Marked", False))
    assert catalog.get("/StructTreeRoot") is not None
    assert bool(catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False))  # PDF/UA: show the title, not the file name
    # the title names the booklet and its language edition (tested below); it starts with the handbook's
    assert reader.metadata is not None and reader.metadata.title.startswith(CONFIG.title[main])
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part(>|=[\"'])\s*1", xmp), "XMP lacks pdfuaid:part 1 (PDF/UA-1)"
    assert re.search(r"pdfaid:part(>|=[\"'])\s*2", xmp), "XMP lacks pdfaid:part 2 (PDF/A-2)"
    assert re.search(r"pdfaid:conformance(>|=[\"'])\s*A", xmp), "XMP lacks pdfaid:conformance A"
    assert CONFIG.title[main] in xmp  # dc:title


# ---- 8, 9. the tiny project: injection, reproducibility --------------------------------------------------------

INJECTION = r'#read("/etc/passwd") #set text(red) $x^2$ *bold* [link] @ref <label> \\ {{ 7*7 }} {% raw %}'


def tiny_config() -> str:
    """TINY_CONFIG with every interface string of the real site_config.yml (the booklets need many)."""
    strings = YAML(typ="safe").load((ROOT / "site_config.yml").read_text(encoding="utf-8"))["strings"]
    head, _ = TINY_CONFIG.split("strings:")
    return head + "strings: " + json.dumps({lang: strings[lang] for lang in LANGS}, ensure_ascii=False) + "\n"


def injected_services() -> str:
    """TINY_SERVICES with Typst, Jinja and markup syntax in service 1's standard and service 2's English name."""
    original_standard = "standard: {zh: 每生每天4元。, en: CNY 4 per student per day.}"
    original_name = "name: {zh: 免学费, en: Free tuition}"
    assert original_standard in TINY_SERVICES and original_name in TINY_SERVICES
    standard = {"zh": "每生每天4元。" + INJECTION, "en": "CNY 4 per student per day. " + INJECTION}
    name = {"zh": "免学费", "en": "Free tuition " + INJECTION}
    return (TINY_SERVICES.replace(original_standard, "standard: " + json.dumps(standard, ensure_ascii=False))
            .replace(original_name, "name: " + json.dumps(name, ensure_ascii=False)))


@pytest.fixture(scope="module")
def tiny_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("booklets") / "tiny", injected_services(), tiny_config())


def make_booklets(project: Path, out: Path, reuse: Reuse | None = None) -> tuple[dict[str, bytes], list[dict[str, Any]]]:
    """A project's booklets, written under `out` → ({file: PDF bytes}, manifest)."""
    config, handbook = load_project(project)
    manifest = render_booklets(handbook, config, ROOT / "templates", out, workers=1, reuse=reuse)
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}
    assert sorted(files) == sorted(e["file"] for e in manifest)  # exactly the PDFs the manifest lists
    return files, manifest


@pytest.fixture(scope="module")
def tiny_booklets(tiny_project: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], list[dict[str, Any]]]:
    return make_booklets(tiny_project, tmp_path_factory.mktemp("tiny-booklets"))


@pytest.mark.slow
def test_the_files_to_make_are_announced_once_the_whole_handbooks_are_laid_out(tiny_project: Path,
                                                                                 tmp_path: Path) -> None:
    """The web pages wait for the list of files to make: it is announced as soon as the whole full handbooks are laid
    out (their measuring runs go first), while the other booklets are still being made, and it lists the files made."""
    config, handbook = load_project(tiny_project)
    out = tmp_path / "out"
    heard: list[tuple[list[dict[str, Any]], list[str]]] = []

    def planned(entries: list[dict[str, Any]]) -> None:
        heard.append((entries, [p.relative_to(out).as_posix() for p in out.rglob("*.pdf")]))

    manifest = render_booklets(handbook, config, ROOT / "templates", out, workers=1, planned=planned)
    [(entries, written)] = heard
    assert [without_facts(e) for e in entries] == [without_facts(e) for e in manifest]
    others = [e["file"] for e in manifest if e["kind"] != "full" and not e["imposed"]]
    assert len(others) >= 6
    assert len(set(written) & set(others)) <= 2  # (one worker: the job running and the one queued behind it)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.slow
def test_service_text_is_printed_literally_never_run(tiny_booklets: tuple[dict[str, bytes], list[dict[str, Any]]]) -> None:
    files, manifest = tiny_booklets
    standard = [e for e in manifest if not e["imposed"]]
    assert {e["language"] for e in standard} == {"zh", "en", "bilingual"}
    for e in standard:
        text = pdf_text(files[e["file"]])
        assert "root:" not in text, e["file"]
        english = INJECTION.replace('"/etc/passwd"', "\u201c/etc/passwd\u201d")  # English text gets curly quotes
        if 1 in e["services"]:
            assert norm(INJECTION if e["language"] == "zh" else english) in norm(text), (e["file"], text)
        if 2 in e["services"] and e["language"] != "zh":  # the English name, in heading and contents
            assert norm(text).count(norm("Free tuition " + english)) >= 2, (e["file"], text)


@pytest.mark.slow
def test_tiny_booklets_link_to_the_tiny_site(tiny_booklets: tuple[dict[str, bytes], list[dict[str, Any]]]) -> None:
    files, _ = tiny_booklets
    uris = [uri for _, uri, _ in link_uris(PdfReader(io.BytesIO(files["booklets/en/full.pdf"])))]
    assert uris == ["https://example.org/handbook/en/services/school-meals/",
                    "https://example.org/handbook/en/services/fee-exemptions/", "https://example.org/handbook/en/"]


@pytest.mark.slow
def test_booklets_are_reproducible(tiny_project: Path, tiny_booklets: tuple[dict[str, bytes], list[dict[str, Any]]],
                                   tmp_path: Path) -> None:
    first_files, first_manifest = tiny_booklets
    again_files, again_manifest = make_booklets(tiny_project, tmp_path / "again")
    assert again_manifest == first_manifest
    assert sorted(again_files) == sorted(first_files)
    assert any(name.endswith("-imposed.pdf") for name in first_files)
    different = [name for name in first_files if again_files[name] != first_files[name]]
    assert different == []


@pytest.mark.slow
def test_a_first_build_makes_each_booklets_data_once(tiny_project: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """With no previous build, no booklet's input hash is worked out ahead of its job (typesetting.compile_or_reuse):
    its data is made for the job and the hash taken from it. A whole handbook is laid out first to see whether it
    needs volumes, then printed as it is: its data is made twice."""
    import generator.printing.booklets as booklets
    made: Counter[str] = Counter()

    def counted(booklet: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        made[booklet.file] += 1
        return booklet_data(booklet, *args, **kwargs)
    monkeypatch.setattr(booklets, "booklet_data", counted)
    _, manifest = make_booklets(tiny_project, tmp_path / "first")
    wholes = {e["file"] for e in manifest if e["kind"] == "full" and not e["imposed"]}
    assert wholes and dict(made) == {e["file"]: 2 if e["file"] in wholes else 1 for e in manifest if not e["imposed"]}


def test_a_booklets_qr_codes_are_drawn_as_its_job_goes_and_none_before_the_first(
        tiny_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole handbooks' measuring runs (the first jobs) show no QR code: no code is drawn before them, and a
    booklet's codes are drawn just before its own job (drawing every booklet's first kept the workers waiting)."""
    import generator.printing.booklets as booklets
    import generator.printing.typesetting as typesetting
    events: list[str] = []
    draw, submit = booklets.draw_qr_codes, typesetting.submit_job

    def drawing(urls: set[str], drawn: dict[str, str] | None = None) -> dict[str, str]:
        events.append("draw")
        return draw(urls, drawn)

    def submitting(pool: Any, template: Path, root: Path, data: dict[str, str], *args: Any) -> Any:
        events.append("measure" if "measure" in data else "qr" if '"qr": "<svg' in data.get("data", "") else "job")
        return submit(pool, template, root, data, *args)
    monkeypatch.setattr(booklets, "draw_qr_codes", drawing)
    monkeypatch.setattr(typesetting, "submit_job", submitting)
    make_booklets(tiny_project, tmp_path / "first")
    assert events[0] == "measure" and "qr" in events
    assert all(events[i - 1] == "draw" for i, e in enumerate(events) if e == "qr")  # each drawn just before its job


# ---- reusing unchanged booklets from the previous build ---------------------------------------------------

def publish_booklets(site: Path, files: dict[str, bytes], manifest: list[dict[str, Any]]) -> Path:
    """Booklets and their manifest → a previous site/ folder, as a build leaves it."""
    for name, data in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
    (site / "booklets" / "index.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return site


@pytest.mark.slow
def test_unchanged_booklets_are_reused_byte_for_byte(tiny_project: Path,
                                                     tiny_booklets: tuple[dict[str, bytes], list[dict[str, Any]]],
                                                     tmp_path: Path) -> None:
    files, manifest = tiny_booklets
    reuse = Reuse(publish_booklets(tmp_path / "site", files, manifest))
    again_files, again_manifest = make_booklets(tiny_project, tmp_path / "again", reuse)
    assert reuse.reused == len(files)
    assert again_manifest == manifest
    assert again_files == files


@pytest.mark.slow
def test_editing_one_service_compiles_only_the_booklets_that_show_it(
        tiny_project: Path, tiny_booklets: tuple[dict[str, bytes], list[dict[str, Any]]], tmp_path: Path) -> None:
    files, manifest = tiny_booklets
    reuse = Reuse(publish_booklets(tmp_path / "site", files, manifest))
    edited = shutil.copytree(tiny_project, tmp_path / "edited")
    services = (edited / "services.yaml").read_text(encoding="utf-8")
    assert services.count("Paid by central government.") == 1  # service 1's English funding line
    (edited / "services.yaml").write_text(services.replace("Paid by central government.", "Paid by the central government."),
                                          encoding="utf-8")
    new_files, new_manifest = make_booklets(edited, tmp_path / "new", reuse)
    changed = {e["file"] for e in manifest if 1 in e["services"] and e["language"] in ("en", "bilingual")}
    assert {e["file"] for e in new_manifest if e["file"] not in changed} and changed  # some of each
    assert reuse.reused == len(files) - len(changed)
    assert {name for name in files if new_files[name] != files[name]} == changed
    for name in changed - {e["file"] for e in manifest if e["imposed"]}:
        assert norm("Paid by the central government.") in norm(pdf_text(new_files[name])), name


@pytest.mark.slow
def test_a_previous_pdf_changed_on_disk_is_compiled_again(
        tiny_project: Path, tiny_booklets: tuple[dict[str, bytes], list[dict[str, Any]]], tmp_path: Path) -> None:
    files, manifest = tiny_booklets
    site = publish_booklets(tmp_path / "site", files, manifest)
    (site / "booklets" / "en" / "full.pdf").write_bytes(files["booklets/en/full.pdf"].replace(b"%%EOF", b"%%EOX"))
    (site / "booklets" / "zh" / "full.pdf").unlink()
    reuse = Reuse(site)
    again_files, _ = make_booklets(tiny_project, tmp_path / "again", reuse)
    assert reuse.reused == len(files) - 2
    assert again_files == files  # compiled again, identically


def test_an_unreadable_previous_manifest_means_compiling_everything(tmp_path: Path) -> None:
    for text in ("{not json", '{"a": 1}', "[1, 2]", '[{"input": "x"}]'):
        (tmp_path / "booklets").mkdir(exist_ok=True)
        (tmp_path / "booklets" / "index.json").write_text(text, encoding="utf-8")
        assert Reuse(tmp_path).take("x", tmp_path / "out.pdf") is None, text
    assert Reuse(None).take("x", tmp_path / "out.pdf") is None
    assert not (tmp_path / "out.pdf").exists()


def test_a_template_change_changes_every_booklet_input(tmp_path: Path) -> None:
    templates = shutil.copytree(ROOT / "templates", tmp_path / "templates")
    before = booklet_engine(templates)
    assert booklet_engine(templates) == before
    with (templates / "booklets" / "impose.typ").open("a", encoding="utf-8") as f:
        f.write("\n// a comment\n")
    assert booklet_engine(templates) != before


# ---- volumes: a booklet whose print file would pass editions.sheets -------------------------------------------

def two_chapter_services(repeat: int) -> str:
    """TINY_SERVICES with service 2 in a second chapter and every standard `repeat` sentences long."""
    health = """  - id: health
    number: 2
    title: {zh: 基本医疗卫生服务, en: Basic health services}
    lead_departments: [finance]
    intro: {zh: 卫生导言。, en: Health introduction.}
departments:"""
    services = TINY_SERVICES.replace("departments:\n  - id: education-sports", health + "\n  - id: education-sports", 1)
    services = services.replace("    chapter: education\n    name: {zh: 免学费", "    chapter: health\n    name: {zh: 免学费")
    long_zh, long_en = "每生每天4元。" * repeat, "CNY 4 per student per day. " * repeat
    return (services.replace("standard: {zh: 每生每天4元。, en: CNY 4 per student per day.}",
                             f"standard: {{zh: {long_zh}, en: {long_en.strip()}}}")
            .replace("standard: {zh: 免除学费。, en: No tuition fees.}",
                     f"standard: {{zh: {'免除学费。' * repeat}, en: {('No tuition fees. ' * repeat).strip()}}}"))


@pytest.fixture(scope="module")
def volumes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], list[dict[str, Any]]]:
    """Two chapters of a few pages each, printed with at most 2 A4 sheets (8 pages) per file → (project, files, manifest)."""
    root = tmp_path_factory.mktemp("volumes")
    project = write_project(root / "project", two_chapter_services(50), tiny_config() + "editions: {sheets: 2}\n")
    files, manifest = make_booklets(project, root / "out")
    return project, files, manifest


@pytest.mark.slow
def test_a_long_booklet_is_printed_in_volumes_by_chapter(volumes: tuple[Path, dict[str, bytes], list[dict[str, Any]]]) -> None:
    project, files, manifest = volumes
    config, handbook = load_project(project)
    for e in manifest:  # the rule: no print file over editions.sheets (two A4 sides a sheet)
        if e["imposed"]:
            assert e["pages"] <= 2 * config.sheets, e
        else:
            assert e["pages"] <= 4 * config.sheets, e
    full = [e for e in manifest if e["language"] == "en" and e["kind"] == "full"]
    assert len(full) > 2, "the whole booklet would pass the limit, so it is printed in volumes"
    for e in (e for e in manifest if e["volume"] is not None):  # split between chapters: a chapter in one volume
        chapters = {handbook.service(n).chapter for n in e["services"]}
        siblings = [n for f in manifest if f.get("split_from") == e["split_from"] and f["volume"] != e["volume"]
                    for n in f["services"]]
        assert not any(handbook.service(n).chapter in chapters for n in siblings), e["file"]
    assert [(e["file"], e["volume"], e["volumes"], e["services"]) for e in full] == [
        ("booklets/en/full-volume-1.pdf", 1, 2, [1]), ("booklets/en/full-volume-1-imposed.pdf", 1, 2, [1]),
        ("booklets/en/full-volume-2.pdf", 2, 2, [2]), ("booklets/en/full-volume-2-imposed.pdf", 2, 2, [2])]
    assert [e["title"] for e in full if not e["imposed"]] == ["Complete handbook · volume 1 of 2",
                                                              "Complete handbook · volume 2 of 2"]
    for e in (e for e in manifest if e["language"] == "zh" and e["volume"]):  # the Chinese text is shorter
        assert e["title"].endswith(f" · 第{e['volume']}册（共{e['volumes']}册）"), e["title"]
    first, second = (norm(pdf_text(files[f"booklets/en/full-volume-{n}.pdf"])) for n in (1, 2))
    assert norm("School meals") in first and norm("Free tuition") not in first
    assert norm("Free tuition") in second and norm("School meals") not in second
    assert norm("volume 2 of 2") in second  # on the cover
    # a department with one service is one booklet, as before
    finance = [e["file"] for e in manifest if e["language"] == "en" and e["id"] == "finance"]
    assert finance == ["booklets/en/department-finance.pdf", "booklets/en/department-finance-imposed.pdf"]


@pytest.mark.slow
def test_the_next_build_splits_the_same_way_without_compiling(
        volumes: tuple[Path, dict[str, bytes], list[dict[str, Any]]], tmp_path: Path) -> None:
    project, files, manifest = volumes
    reuse = Reuse(publish_booklets(tmp_path / "site", files, manifest))
    again_files, again_manifest = make_booklets(project, tmp_path / "again", reuse)
    assert reuse.reused == len(files)
    assert again_manifest == manifest


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "en", "bilingual"])
def test_measuring_a_booklet_reports_the_layout_compiling_it_does(language: str, tmp_path: Path) -> None:
    """A long booklet is split into volumes from a measuring run (no running headers, no QR codes, no PDF
    written). Beside each service heading it takes the larger room of a build with and without a site_url, so it
    reports every chapter and service starting no earlier, and no fewer pages, than either real PDF."""
    template = ROOT / "templates" / "booklets" / "booklet.typ"
    reals = []
    for config in (with_site_url(CONFIG, TEST_SITE_URL), CONFIG):
        booklet = next(b for b in plan_booklets(HANDBOOK, config) if b.kind == "full" and b.language == language)
        data = booklet_data(booklet, HANDBOOK, config)
        reals.append({"data": with_qr_codes(data, {url: qr_svg(url) for url in booklet_urls(data)})})
    measure_inputs = {"data": json.dumps(data, ensure_ascii=False), typesetting.MEASURE: "1"}
    # in a worker, as the build does: Typst must not run in this process, whose later builds fork their workers
    # from it (a forked Typst whose threads stayed behind waits forever)
    with typesetting.worker_pool(1) as pool:
        made = [pool.submit(typesetting._compile, str(template), str(template.parent), inputs, ("ua-1", "a-2a"),
                            str(tmp_path / name)).result(timeout=300)
                for inputs, name in ((reals[0], "url.pdf"), (reals[1], "plain.pdf"), (measure_inputs, "measured.pdf"))]
    *real, measured = made
    assert not (tmp_path / "measured.pdf").exists()
    assert typesetting.measured(measured) and not any(typesetting.measured(r) for r in real)
    for r, name in zip(real, ("url.pdf", "plain.pdf"), strict=True):
        assert len(r.layout["services"]) == len(booklet.services) and r.pages == len(PdfReader(tmp_path / name).pages)
        assert measured.pages >= r.pages
        for kind in ("chapters", "services"):
            assert all(measured.layout[kind][k] >= page for k, page in r.layout[kind].items()), (name, kind)


@pytest.mark.slow
def test_a_service_page_links_to_the_volume_that_prints_it(volumes: tuple[Path, dict[str, bytes], list[dict[str, Any]]]) -> None:
    from generator.present.views import Views
    project, _, manifest = volumes
    config, handbook = load_project(project)
    view = Views(handbook, config, "en", manifest).service(handbook.service(2))
    targets = [link.href.rsplit("/", 1)[-1] for link in view.booklets]
    assert "full-volume-2.pdf" in targets and "full-volume-1.pdf" not in targets
    assert all("imposed" not in t for t in targets)


@pytest.mark.slow
def test_no_print_file_passes_the_sheet_limit(manifest: list[dict[str, Any]]) -> None:
    """The real handbook: every imposed file at most editions.sheets A4 sheets; the long ones split between chapters."""
    for e in manifest:
        assert e["pages"] <= (2 if e["imposed"] else 4) * CONFIG.sheets, (e["file"], e["pages"])
    for e in (e for e in manifest if e["volume"] is not None):
        others = {n for f in manifest if f.get("split_from") == e["split_from"] and f["volume"] != e["volume"]
                  for n in f["services"]}
        assert not {HANDBOOK.service(n).chapter for n in e["services"]} & {HANDBOOK.service(n).chapter for n in others}, \
            e["file"]


# ---- typesetting: hyphenation, quotes, covers, contents, how to use, index, colophon, print-shop titles --------

SOURCE_TEXT = norm((ROOT / "services.yaml").read_text(encoding="utf-8") + (ROOT / "site_config.yml").read_text(encoding="utf-8"))


def english_entries(manifest: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in manifest if e["language"] == "en" and not e["imposed"]]


@pytest.mark.slow
def test_english_hyphenation_rate_is_zero(built_site: Path, manifest: list[dict[str, Any]],
                                          record_property: Callable[[str, object], None]) -> None:
    """Measured over every English booklet: lines that end in a hyphen the typesetter added (the joined word with
    its hyphen is not in the source text) per line of text. Hyphenation is off, so names are never split."""
    lines = inserted = 0
    examples = []
    for e in english_entries(manifest):
        for page in extract(built_site / e["file"]).pages:
            rows = [row.rstrip() for row in page.splitlines() if row.strip()]
            lines += len(rows)
            for row, following in zip(rows, rows[1:], strict=False):
                end = re.search(r"([A-Za-z]+)[-\u00ad\u2010]$", row)
                start = re.match(r"\s*([A-Za-z]+)", following)
                if end and start and norm(end.group(1) + "-" + start.group(1)) not in SOURCE_TEXT \
                        and (end.group(1) + "-" + start.group(1)) not in SOURCE_TEXT:
                    inserted += 1
                    examples.append(f"{e['file']}: {end.group(1)}-/{start.group(1)}")
    rate = inserted / lines
    record_property("english_hyphenation_rate", rate)
    print(f"English hyphenation rate: {inserted} of {lines} lines = {rate:.4%}")
    assert lines > 1000
    assert rate == 0, examples[:10]


@pytest.mark.slow
def test_english_text_has_curly_quotes(built_site: Path, manifest: list[dict[str, Any]]) -> None:
    for e in english_entries(manifest):
        text = "".join(extract(built_site / e["file"]).pages)
        assert "'" not in text and '"' not in text, (e["file"], re.findall(r".{20}['\"].{20}", text)[:3])
        assert "\u2019" in text  # People’s, Women’s, …


@pytest.mark.slow
@by_coords(LARGE_PRINT)
def test_large_print_cover_names_the_edition_once(built_site: Path, manifest: list[dict[str, Any]], c: Coords) -> None:
    cover = norm(extract(built_site / parts_for(manifest, c)[0]["file"]).pages[0])
    assert cover.count(norm(CONFIG.strings[c.language]["edition_large"])) == 1, cover


def entry_starts(lang: str) -> list[str]:
    """How a contents entry starts in a booklet of that main language: a service label, a chapter, the index."""
    label = re.escape(norm(CONFIG.strings[lang]["service_label"])).replace(r"\{number\}", r"\d+")
    titles = [norm(c.title[lang]) for c in HANDBOOK.chapters] + [norm(CONFIG.strings[lang]["audiences"])]
    return [label, *map(re.escape, titles)]


@pytest.mark.slow
@by_coords(STANDARD_EDITION + LARGE_PRINT)
def test_contents_entries_never_leave_one_or_two_characters_alone(built_site: Path, manifest: list[dict[str, Any]],
                                                                  c: Coords) -> None:
    starts = re.compile("|".join(entry_starts(c.langs[0])))
    for entry in parts_for(manifest, c):
        contents, _ = split_pages(extract(built_site / entry["file"]).pages)
        for row in contents.splitlines():
            if LEADER not in row:
                continue
            before = no_space(row.split(". .")[0]).rstrip(".")
            if not starts.match(norm(before)):  # the last line of an entry that wrapped
                assert len(before) > 2, f"{entry['file']}: contents line {row!r} holds {before!r} alone"


@pytest.mark.slow
def test_bilingual_booklet_has_both_languages_on_cover_and_each_name_once_per_language(
        built_site: Path, manifest: list[dict[str, Any]]) -> None:
    parts = parts_for(manifest, Coords("bilingual", "full", None, "standard"))
    cover = norm(extract(built_site / parts[0]["file"]).pages[0])
    for lang in LANGS:
        assert norm(CONFIG.title[lang]) in cover and norm(CONFIG.strings[lang]["edition_bilingual"]) in cover
    names = {lang: [norm(s.name[lang]) for s in HANDBOOK.services] for lang in LANGS}
    for entry in parts:
        _, body = split_pages(tuple(without_continued(p) for p in extract(built_site / entry["file"]).pages))
        body = norm(body)
        for n in entry["services"]:
            for lang in LANGS:
                name = norm(HANDBOOK.service(n).name[lang].replace("'", "\u2019"))
                if sum(name in other for other in names[lang]) > 1 or name in SOURCE_TEXT.replace(name, "", 1):
                    continue  # a name that is part of other text cannot be counted
                assert body.count(name) == 1, f"{entry['file']}: No. {n} named {body.count(name)} times in {lang}"


@pytest.mark.slow
def test_every_booklet_has_a_how_to_use_page_an_index_and_a_colophon_and_no_blank_page(
        built_site: Path, manifest: list[dict[str, Any]]) -> None:
    for e in (e for e in manifest if not e["imposed"]):
        langs = LANGS if e["language"] == "bilingual" else (e["language"],)
        pages = [norm(p) for p in extract(built_site / e["file"]).pages]
        for lang in langs:
            t = CONFIG.strings[lang]
            assert norm(t["howto_title"]) in pages[1], f"{e['file']}: page 2 is not the how-to-use page"
            assert norm(t["colophon_title"]) in pages[-1] and norm(t["colophon_print"]) in pages[-1], e["file"]
            index = [i for i, p in enumerate(pages) if p.startswith(norm(t["audiences"])) or norm(t["audiences"]) in p[:40]]
            # a department booklet's index stands only on the pages that fill its last sheet, when it fits them
            placed = e["kind"] != "department" or "index" in e["layout"]["fillers"]
            assert bool(index) == placed, f"{e['file']}: index by audience {index}"
        assert all(len(p) > 3 for p in pages), f"{e['file']}: blank page {[i + 1 for i, p in enumerate(pages) if len(p) <= 3]}"


@pytest.mark.slow
def test_imposed_files_are_titled_in_their_language(built_site: Path, manifest: list[dict[str, Any]]) -> None:
    for e in (e for e in manifest if e["imposed"]):
        lang = "zh" if e["language"] == "bilingual" else e["language"]
        title = PdfReader(built_site / e["file"]).metadata.title
        assert "(imposed)" not in title and title.endswith(CONFIG.strings[lang]["edition_imposed"]), (e["file"], title)


def test_service_views_shared_by_a_builds_booklets_give_each_the_data_it_would_get_alone() -> None:
    """A build makes each service's view once (ServiceViews) and hands it to every booklet that prints the service:
    every booklet's data is the same as made on its own, in both build modes, and most views are reused."""
    from generator.printing.booklets import ServiceViews, booklet_langs, service_data
    from generator.printing.printed import vocabulary
    for config in (with_site_url(CONFIG, TEST_SITE_URL), CONFIG):
        words = vocabulary(HANDBOOK, config)
        views = ServiceViews(HANDBOOK, config, words)
        for b in plan_booklets(HANDBOOK, config):
            langs = booklet_langs(b, config)
            shown = [svc for c in booklet_data(b, HANDBOOK, config, words, views)["chapters"] for svc in c["services"]]
            assert [svc["number"] for svc in shown] == list(b.services), b.file
            for svc in shown:
                assert svc == service_data(HANDBOOK, config, HANDBOOK.service(svc["number"]), langs, words), b.file
        assert views.service.cache_info().hits > 2 * views.service.cache_info().misses


def test_a_very_long_booklet_is_cut_between_chapters_before_typesetting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scale guard (a handbook many times the real one): parts of whole chapters, none over the guard."""
    import generator.printing.booklets as booklets
    from generator.printing.booklets import Booklet, guard_parts
    everything = tuple(n for c in HANDBOOK.chapters for n in c.services)
    whole = Booklet("booklets/zh/full.pdf", "zh", "full", None, "standard", False, "全本", everything)
    assert guard_parts(whole, HANDBOOK) is None  # the real handbook is far below it
    monkeypatch.setattr(booklets, "SCALE_GUARD", 20)
    parts = guard_parts(whole, HANDBOOK)
    assert parts is not None and sum(parts, ()) == everything and all(len(p) <= 20 for p in parts)
    for chapter in HANDBOOK.chapters:  # a chapter that fits is never cut
        if len(chapter.services) <= 20:
            assert sum(set(chapter.services) <= set(p) for p in parts) == 1, chapter.id


# ---- issue 23: notes pages, continued headers, volumes, large print, titles, printing note ------------------------

def page_titles(pdf: Path) -> list[str]:
    """A booklet → the first line of each page (its running header or title), without spaces."""
    return [no_space(p.strip().splitlines()[0]) if p.strip() else "" for p in extract(pdf).pages]


FILLERS = ("index", "glossary", "help", "notes")  # what fills a booklet's last sheet, in this order
FILLER_TITLES = {"index": "audiences", "glossary": "glossary_title", "help": "help_title", "notes": "notes"}


def check_fillers(e: dict[str, Any]) -> None:
    """A booklet's manifest entry (its layout report) → the pages that fill its last sheet are, in order, the index by
    audience (a department booklet's, when it fits them), the terms used, where to ask, and at most one notes page;
    they end the last sheet (no page more, none less); a one-service department booklet that fits 4 pages has 4."""
    layout, fillers = e["layout"], e["layout"]["fillers"]
    order = FILLERS if e["kind"] == "department" and fillers[:1] == ["index"] else FILLERS[1:]
    assert fillers == list(order[:len(fillers)]), (e["file"], fillers)
    assert e["pages"] % 4 == 0 and fillers.count("notes") <= 1, (e["file"], e["pages"], fillers)
    pads = (4 - layout["back_matter"] % 4) % 4  # the pages from where the back matter begins to the back cover
    assert len(fillers) == pads or fillers[0] == "index", (e["file"], pads, fillers)  # the index may take several
    if e["kind"] == "department" and len(e["services"]) == 1 and layout["back_matter"] <= 4:
        assert e["pages"] == 4, (e["file"], e["pages"])  # a service on one page: one sheet, not two


@pytest.mark.slow
def test_pages_that_fill_the_last_sheet_carry_index_glossary_help_and_at_most_one_notes_page(
        built_site: Path, manifest: list[dict[str, Any]]) -> None:
    """Every booklet (the layout its template reports, then its pages read back): the filling pages in order, each
    headed by its own title; department booklets carry their index there when it fits (it never adds a sheet)."""
    placed: Counter[tuple[str, bool]] = Counter()
    for e in (e for e in manifest if not e["imposed"]):
        check_fillers(e)
        t = CONFIG.strings["zh" if e["language"] == "bilingual" else e["language"]]
        titles = page_titles(built_site / e["file"])
        fillers = e["layout"]["fillers"]
        after_index = [f for f in fillers if f != "index"]  # the index takes one page or more
        for k, f in enumerate(reversed(after_index)):
            assert titles[-2 - k].startswith(no_space(t[FILLER_TITLES[f]])), (e["file"], f, titles[-2 - k])
        if "index" in fillers:
            first = e["layout"]["back_matter"] - 1
            assert titles[first].startswith(no_space(t["audiences"])), (e["file"], titles[first])
        assert sum(title.startswith(no_space(t["notes"])) for title in titles) <= 1, e["file"]
        placed[e["kind"], "index" in fillers] += 1
    assert placed["department", True] >= 10, placed  # most department booklets have room for their index


@pytest.mark.slow
def test_department_and_chapter_booklets_fill_their_last_sheet_the_same_way_without_a_site_url(tmp_path: Path) -> None:
    """The default build (no site_url: number and departments beside each heading instead of a QR code) moves page
    breaks; the filling pages still follow the rules (read from the templates' layout reports)."""
    config = replace(CONFIG, site_url=None)
    booklets = [b for b in plan_booklets(HANDBOOK, config) if b.kind != "full" and b.edition == "standard"]
    jobs = [({"data": with_qr_codes(booklet_data(b, HANDBOOK, config), {})}, tmp_path / b.file) for b in booklets]
    with typesetting.worker_pool(2) as pool:
        made = typesetting.compile_all(pool, ROOT / "templates" / "booklets" / "booklet.typ",
                                       ROOT / "templates" / "booklets", jobs, len(jobs), None)
    placed = 0
    for b, facts in zip(booklets, made, strict=True):
        check_fillers({"file": b.file, "kind": b.kind, "services": b.services, "pages": facts.pages, "layout": facts.layout})
        placed += b.kind == "department" and "index" in facts.layout["fillers"]
    assert placed >= 10


@pytest.mark.slow
def test_a_page_that_begins_inside_a_service_names_it_continued(built_site: Path, manifest: list[dict[str, Any]]) -> None:
    """zh/chapter-social-services.pdf (the review's example): every page that opens inside a service is headed by
    that service, "（续）"; its heading stands on an earlier page and the page opens with no service heading."""
    t = CONFIG.strings["zh"]
    c = Coords("zh", "chapter", "social-services", "standard")
    pages = extract(built_site / entry_for(manifest, c)["file"]).pages
    found = 0
    for i, page in enumerate(pages):
        lines = [no_space(x) for x in page.strip().splitlines()]
        for n in expected_services(c):
            if lines and lines[0] == no_space(t["continued"].format(name=heading(n, "zh"))):
                found += 1
                assert not re.match(r"第\d+项", lines[1]), (i, lines[:2])
                assert any(no_space(heading(n, "zh")) in no_space(p) for p in pages[:i]), (i, n)
    assert found >= 2


@pytest.mark.slow
def test_volumes_say_what_is_inside_and_where_the_rest_is(built_site: Path, manifest: list[dict[str, Any]]) -> None:
    """Each volume's cover names its chapters and service numbers; its how-to-use page lists every volume; its index
    by audience lists the services of the other volumes with the volume to look in."""
    volumes = [e for e in manifest if e["volume"] is not None and not e["imposed"]]
    assert volumes
    for e in volumes:
        lang = "zh" if e["language"] == "bilingual" else e["language"]
        t = CONFIG.strings[lang]
        pages = [no_space(p) for p in extract(built_site / e["file"]).pages]
        first, last = min(e["services"]), max(e["services"])
        assert no_space(t["inside"].split("{chapters}")[0]) in pages[0] and f"{first}" in pages[0], e["file"]
        siblings = sorted((f for f in volumes if f["split_from"] == e["split_from"]), key=lambda f: f["volume"])
        for f in siblings:
            line = t["volume_contents"].format(number=f["volume"], chapters="", first=min(f["services"]),
                                               last=max(f["services"]))
            assert no_space(line.split("：")[0].split(":")[0]) in pages[1], (e["file"], f["volume"])
        for f in (f for f in siblings if f is not e):
            pointer = no_space(t["index_elsewhere"].format(volume=f["volume"], numbers="")).rstrip("第Nos.")
            assert pointer in "".join(pages[-8:]), (e["file"], f["file"])
        assert no_space(t["volume_contents"].format(number=e["volume"], chapters="", first=first, last=last)
                        ).split("（")[-1].split("(")[-1] in pages[1], e["file"]


@pytest.mark.slow
@by_coords(LARGE_PRINT)
def test_large_print_sets_every_text_at_14_pt_or_more(built_site: Path, manifest: list[dict[str, Any]], c: Coords) -> None:
    sizes = extract(built_site / entry_for(manifest, c)["file"]).sizes
    assert min(sizes) >= 14, sorted(sizes.items())[:5]


@pytest.mark.slow
def test_each_booklet_is_titled_by_its_edition_and_says_how_many_sheets_to_print(built_site: Path,
                                                                                  manifest: list[dict[str, Any]]) -> None:
    titles = {}
    for e in (e for e in manifest if not e["imposed"]):
        lang = "zh" if e["language"] == "bilingual" else e["language"]
        t = CONFIG.strings[lang]
        title = PdfReader(built_site / e["file"]).metadata.title
        assert e["title"] in title.replace("\u2019", "'") or e["title"] in title, (e["file"], title)
        assert title.endswith(t["edition_bilingual"] if e["language"] == "bilingual" else t["edition_language"]), title
        titles[title] = e["file"]
        back = no_space(extract(built_site / e["file"]).pages[-1])
        sheets = no_space(t["colophon_sheets"].format(sheets=-(-e["pages"] // 4)))
        assert sheets.translate(QUOTES) in back.translate(QUOTES), (e["file"], back[-120:])
    assert len(titles) == len([e for e in manifest if not e["imposed"]])  # every file titled apart


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "en", "bilingual"])
def test_volume_boundaries_do_not_depend_on_the_site_url(language: str, tmp_path: Path) -> None:
    """The split into volumes comes from a measuring run; with and without a site_url it reports the same layout
    (it sets each service's number and departments beside its heading either way), so a printed 第2册 holds the
    same services from either build."""
    template = ROOT / "templates" / "booklets" / "booklet.typ"
    layouts = []
    for config in (with_site_url(CONFIG, TEST_SITE_URL), CONFIG):  # the real project sets no site_url
        booklet = next(b for b in plan_booklets(HANDBOOK, config) if b.kind == "full" and b.language == language)
        inputs = {"data": json.dumps(booklet_data(booklet, HANDBOOK, config), ensure_ascii=False), typesetting.MEASURE: "1"}
        with typesetting.worker_pool(1) as pool:
            made = pool.submit(typesetting._compile, str(template), str(template.parent), inputs, ("ua-1", "a-2a"),
                               str(tmp_path / "x.pdf")).result(timeout=300)
        layouts.append((made.pages, made.layout))
    assert layouts[0] == layouts[1]


@pytest.mark.slow
def test_chinese_booklets_break_lines_as_chinese_typesetting_asks(built_site: Path, manifest: list[dict[str, Any]]) -> None:
    """Every Chinese chapter booklet, standard and large print: no line begins with closing punctuation, and no line
    holds one character alone (the review found "线。" 86 times in large print)."""
    from .test_leaflets import CLOSING_MARKS, lines_of, words_with_boxes
    bad = []
    for e in (e for e in manifest if e["language"] == "zh" and e["kind"] == "chapter" and not e["imposed"]):
        for line in lines_of(words_with_boxes(built_site / e["file"])):
            han = re.findall(r"[\u3400-\u9fff]", line)
            if line[:1] in CLOSING_MARKS or (len(han) == 1 and len(line.strip(CLOSING_MARKS)) == 1):
                bad.append((e["file"], line))
    assert bad == []
