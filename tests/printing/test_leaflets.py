"""Leaflets (明白纸): one A4 page per service and language, one A4 sheet per audience and language — their manifest
entries, name size, currency notice, fields in residents' order, QR codes (annotations, and a few decoded), tagging,
the downloads page and service pages linking them, reuse, and the no-site_url mode.

The real leaflets come from the session's `built_site` (published at TEST_SITE_URL); expectations come from
services.yaml and site_config.yml."""
from __future__ import annotations

import functools
import json
import math
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from generator.data.load import load_project
from generator.printing.leaflets import AMOUNTS, bold_amounts, marked, render_leaflets
from generator.printing.printed import data_date, keep_tail
from generator.printing.typesetting import Reuse

from ..conftest import ROOT, TEST_SITE_URL, write_project
from .test_booklets import link_uris, norm, tiny_config

CONFIG, HANDBOOK = load_project(ROOT)
LANGS = ("zh", "en")
LANG_ROOTS = {"zh": "", "en": "en/"}
A4 = (595.28, 841.89)
KINDS = ("leaflet", "audience-leaflet")


@pytest.fixture(scope="module")
def leaflets(built_site: Path) -> list[dict[str, Any]]:
    listed = json.loads((built_site / "booklets" / "index.json").read_text(encoding="utf-8"))
    return [e for e in listed if e["kind"] in KINDS]


@functools.cache
def read(path: Path) -> tuple[list[str], Counter[float]]:
    """A PDF → its text per page, and characters per effective font size (pt, rounded to 0.5)."""
    sizes: Counter[float] = Counter()

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            sizes[round(2 * size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])) / 2] += len(text.strip())
    reader = PdfReader(path)
    return [page.extract_text(visitor_text=visit) for page in reader.pages], sizes


def audiences_with_services() -> list[str]:
    return [a.id for a in HANDBOOK.audiences if any(a.id in s.audiences for s in HANDBOOK.services)]


@pytest.mark.slow
def test_one_leaflet_per_service_and_one_sheet_per_audience_in_each_language(leaflets: list[dict[str, Any]]) -> None:
    have = Counter((e["kind"], e["language"], e["id"]) for e in leaflets)
    want = Counter([("leaflet", lang, s.id) for lang in LANGS for s in HANDBOOK.services]
                   + [("audience-leaflet", lang, a) for lang in LANGS for a in audiences_with_services()])
    assert have == want
    for e in leaflets:
        assert e["file"].startswith(f"booklets/{e['language']}/") and e["file"].endswith(".pdf"), e
        assert e["imposed"] is False and e["volume"] is None, e
        if e["kind"] == "leaflet":
            assert e["pages"] == 1, f"{e['file']}: {e['pages']} pages"
            assert e["services"] == [next(s.number for s in HANDBOOK.services if s.id == e["id"])]
            assert (14 if e["language"] == "en" else 16) <= e["layout"]["body_size"] <= 22, e
        else:  # each page a sheet of its own (one side of A4), as few as the list needs at 12 pt or more
            assert e["pages"] == e["layout"]["sheets"], f"{e['file']}: {e['pages']} pages"
            assert 12 <= e["layout"]["body_size"] <= 16, e
            assert e["services"] == [s.number for s in HANDBOOK.services if e["id"] in s.audiences]


def service_leaflet(leaflets: list[dict[str, Any]], lang: str, number: int) -> dict[str, Any]:
    return next(e for e in leaflets if e["kind"] == "leaflet" and e["language"] == lang and e["services"] == [number])


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_each_leaflet_shows_name_notice_fields_in_order_and_its_qr(built_site: Path, leaflets: list[dict[str, Any]],
                                                                   lang: str) -> None:
    t = CONFIG.strings[lang]
    order = [t["label_standard"], t["label_recipients"], t["label_departments"], t["label_funding"]]
    for service in HANDBOOK.services:
        entry = service_leaflet(leaflets, lang, service.number)
        path = built_site / entry["file"]
        (text,), sizes = read(path)
        flat = norm(text)
        assert norm(service.name[lang].replace("'", "\u2019")) in flat, (entry["file"], service.name[lang])
        assert norm(t["service_label"].format(number=service.number)) in flat
        assert "2018" in flat and norm(CONFIG.strings[lang]["label_departments"]) in flat
        place = flat.find(norm(service.name[lang]))
        for label in order:  # each after the one before: who pays comes last
            place = flat.find(norm(label), place + 1)
            assert place >= 0, (entry["file"], label)
        for d in service.departments:
            assert norm(HANDBOOK.department(d).name[lang].replace("'", "\u2019")) in flat, (entry["file"], d)
        body = entry["layout"]["body_size"]
        main = Counter({size: n for size, n in sizes.items() if size > entry["layout"]["foot_size"]})  # not small print
        assert main.most_common(1)[0][0] == body, (entry["file"], sizes.most_common(3))
        assert max(sizes) >= min(28, entry["layout"]["title_size"]) - 0.5, f"{entry['file']}: name in {max(sizes)} pt"
        assert entry["layout"]["title_size"] >= 22, entry["file"]
        links = link_uris(PdfReader(path))
        url = f"{TEST_SITE_URL}{LANG_ROOTS[lang]}services/{service.id}/"
        assert [uri for _, uri, _ in links] == [url], entry["file"]
        rect = links[0][2]
        assert rect[2] - rect[0] >= 30 / 25.4 * 72, "the QR code is at least 30 mm wide"


def bold_text(path: Path) -> list[str]:
    """A one-page PDF → the pieces of text it sets in a bold font, in order, each normalised (norm)."""
    bold: list[str] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip() and font and "Bold" in str(font.get("/BaseFont")):
            bold.append(norm(text))
    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return bold


def test_a_kept_tail_never_begins_inside_a_number() -> None:
    assert keep_tail("到2020年达到每人每月100元。") == ["到2020年达到每人每月", "100元。"]  # not 0元。 alone
    assert keep_tail("每年提高1,200元") == ["每年提高", "1,200元"]
    assert keep_tail("给予护理费用补贴。") == ["给予护理费用", "补贴。"]
    assert keep_tail("每月（100元）。") == ["每月", "（100元）。"]  # nor after an opening bracket


def test_amounts_are_marked_piece_by_piece_and_text_without_one_stays_a_string() -> None:
    zh, en = AMOUNTS["Hans"], AMOUNTS["Latn"]
    assert marked("每生每天4元，每年给予补助。", zh) == [["每生每天", {"b": "4元"}, "，每年给予补助。"]]
    assert marked("1,200元和15%", zh) == [[{"b": "1,200元"}, "和", {"b": "15%"}]]  # no empty piece at either end
    assert marked("每年一次", zh) == ["每年一次"]
    assert marked("CNY 4 per student a day, 100 per cent of the fee", en) == [[
        {"b": "CNY 4"}, " per student a day, ", {"b": "100 per cent"}, " of the fee"]]
    # a paragraph is searched whole: an amount across the cut before its kept tail is bold on both sides
    assert marked("每人每月100万元。", zh, (6,)) == [["每人每月", {"b": "10"}], [{"b": "0万元"}, "。"]]
    field = {"label": "What you get", "official": "", "part": "main", "paras": [["Up to ", "CNY 300"], ["Free", ""]]}
    assert bold_amounts(field, en) == {**field, "paras": [["Up to ", [{"b": "CNY 300"}]], ["Free", ""]]}


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_amounts_in_what_you_get_and_who_can_get_it_are_bold_and_nothing_else_of_the_text(
        built_site: Path, leaflets: list[dict[str, Any]], lang: str) -> None:
    """Every amount (yuan, CNY, per cent) in a service's standard and recipients is printed in bold; the bold text of
    a leaflet is its name, number, labels, date line and those amounts, nothing else."""
    from generator.printing.printed import service_fields
    t = CONFIG.strings[lang]
    amounts_of = AMOUNTS[CONFIG.language(lang).script]
    checked = 0
    for service in HANDBOOK.services:
        fields = service_fields(HANDBOOK, CONFIG, service, lang)
        main = " ".join(" ".join(head + tail for head, tail in f["paras"]) for f in fields if f["part"] == "main")
        amounts = [norm(m[0]) for m in amounts_of.finditer(main)]
        bold = bold_text(built_site / service_leaflet(leaflets, lang, service.number)["file"])
        printed = "".join(bold)
        for amount in amounts:
            assert amount in printed, (lang, service.number, amount, bold)
        allowed = [norm(service.name[lang].replace("'", "\u2019")), norm(t["service_label"].format(number=service.number)),
                   "".join(amounts), *(norm(f["label"]) for f in fields), norm(t["as_of"].split("{")[0])]
        others = [b for b in bold if not any(b in a for a in allowed) and not b.startswith(allowed[-1])]
        assert others == [], (lang, service.number, others)
        checked += bool(amounts)
    assert checked >= 20  # (32 services name an amount in both languages)


@pytest.mark.slow
def test_service_leaflets_set_the_largest_type_that_fills_the_page(leaflets: list[dict[str, Any]]) -> None:
    """Body 16–22 pt (English down to 14 pt only where needed); a Chinese leaflet's content fills at least 70 % of the
    page's height (the rest is the space above the small print), and none is over full."""
    for lang, least in (("zh", 16), ("en", 14)):
        mine = [e for e in leaflets if e["kind"] == "leaflet" and e["language"] == lang]
        sizes = Counter(e["layout"]["body_size"] for e in mine)
        assert min(sizes) >= least and max(sizes) <= 22, sizes
        assert sum(n for size, n in sizes.items() if size > 16) > len(mine) / 2, f"{lang}: type steps up: {sizes}"
        assert all(e["layout"]["fill"] <= 1.01 for e in mine), [e["file"] for e in mine if e["layout"]["fill"] > 1.01]
    zh = [e for e in leaflets if e["kind"] == "leaflet" and e["language"] == "zh"]
    assert [e["file"] for e in zh if e["layout"]["fill"] < 0.7] == []


def words_with_boxes(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """A PDF → every word poppler finds: (page index, xMin, yMin, xMax, yMax in pt, text)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for page, body in enumerate(xml.split("<page ")[1:]):
        found += [(page, float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>', body)]
    return found


MM = 72 / 25.4
OPENING_MARKS = "“‘（《「『"


@pytest.mark.slow
def test_every_leaflet_page_keeps_10_mm_from_the_edges_and_carries_the_box_help_and_date(
        built_site: Path, leaflets: list[dict[str, Any]]) -> None:
    """On every page of every leaflet and audience sheet: no text within 10 mm of an edge (printers clip there); the
    village's box (place, contact, phone), the help line 12345, "information as of" the data's date; an audience
    sheet of several sheets titles each "1/2", "2/2"."""
    channel = HANDBOOK.channels[0].phone
    for e in leaflets:
        t = CONFIG.strings[e["language"]]
        boxes = words_with_boxes(built_site / e["file"])
        # a full-width opening mark at a line's start is drawn in the right half of its box, a closing one at a line's
        # end in the left half (Typst lets the empty half reach into the margin)
        ink = [(x0 + (y1 - y0) / 2 if w[0] in OPENING_MARKS else x0, y0,
                x1 - (y1 - y0) / 2 if w[-1] in CLOSING_MARKS else x1, y1, w) for _, x0, y0, x1, y1, w in boxes]
        assert boxes and [w for x0, y0, x1, y1, w in ink if min(x0, y0, A4[0] - x1, A4[1] - y1) < 10 * MM] == [], e["file"]
        pages, _ = read(built_site / e["file"])
        for i, page in enumerate(pages):
            flat = norm(page)
            for key in ("village_place", "village_contact", "village_phone"):
                assert norm(t[key]) in flat, (e["file"], i, key)
            assert channel in flat and norm(t["as_of"].format(date="")) in flat, (e["file"], i)
            assert "2026" in flat.split(norm(t["as_of"].format(date="")))[1][:20], (e["file"], i)
            if len(pages) > 1:
                assert norm(t["sheet_part"].format(number=i + 1, count=len(pages))) in flat, (e["file"], i)


@pytest.mark.slow
def test_leaflets_are_dated_by_their_data_and_named_in_their_language(built_site: Path,
                                                                      leaflets: list[dict[str, Any]]) -> None:
    for e in leaflets[::5]:
        info = PdfReader(built_site / e["file"]).metadata
        assert info is not None and str(info["/CreationDate"]).startswith("D:" + data_date(HANDBOOK).replace("-", "")), e

        assert info.title == e["title"], e["file"]


@pytest.mark.slow
def test_chinese_leaflets_leave_translation_notes_and_funding_to_the_foot(built_site: Path,
                                                                          leaflets: list[dict[str, Any]]) -> None:
    t = CONFIG.strings["zh"]
    for service in (s for s in HANDBOOK.services if s.note):
        (text,), _ = read(built_site / service_leaflet(leaflets, "zh", service.number)["file"])
        assert not re.search(t["note_translation"], text), service.number
        flat = norm(text)
        assert flat.find(norm(t["label_funding"])) > flat.find(norm(t["village_phone"])) > 0, service.number


CLOSING_MARKS = "，。、；：？！）》」』”’"


def lines_of(boxes: list[tuple[int, float, float, float, float, str]]) -> list[str]:
    """Words → the text of each visual line (words of one page whose vertical middles are within 2 pt)."""
    lines: dict[tuple[int, int], list[tuple[float, str]]] = {}
    for page, x0, y0, _, y1, word in boxes:
        lines.setdefault((page, round((y0 + y1) / 4)), []).append((x0, word))
    return ["".join(w for _, w in sorted(words)) for words in lines.values()]


@pytest.mark.slow
def test_chinese_leaflets_break_lines_as_chinese_typesetting_asks(built_site: Path, leaflets: list[dict[str, Any]]) -> None:
    """No line begins with closing punctuation; no line holds one character alone (the last of a paragraph)."""
    bad = []
    for e in (e for e in leaflets if e["language"] == "zh"):
        for line in lines_of(words_with_boxes(built_site / e["file"])):
            han = re.findall(r"[\u3400-\u9fff]", line)
            if line[:1] in CLOSING_MARKS or (len(han) == 1 and len(line.strip(CLOSING_MARKS)) == 1):
                bad.append((e["file"], line))
    assert bad == []


@pytest.mark.slow
def test_service_leaflets_fit_one_page_without_a_site_url_too(tmp_path: Path) -> None:
    """The default build (no site_url) prints number and a note instead of the QR code: still one page each."""
    config = replace(CONFIG, site_url=None)
    manifest = render_leaflets(HANDBOOK, config, ROOT / "templates", tmp_path, workers=2)
    pages = {e["file"]: e["pages"] for e in manifest}
    assert {f: n for f, n in pages.items() if "audience" not in f and n != 1} == {}
    assert all(e["pages"] == e["layout"]["sheets"] for e in manifest if e["kind"] == "audience-leaflet")


@pytest.mark.slow
def test_audience_sheets_list_their_services_and_link_the_audience_page(built_site: Path,
                                                                        leaflets: list[dict[str, Any]]) -> None:
    for e in (e for e in leaflets if e["kind"] == "audience-leaflet"):
        lang = e["language"]
        pages, _ = read(built_site / e["file"])
        flat = norm("".join(pages))
        place = 0
        for n in e["services"]:  # in number order, each with its summary
            found = flat.find(norm(CONFIG.strings[lang]["service_label"].format(number=n)), place)
            assert found >= 0, (e["file"], n)
            place = found
            assert norm(HANDBOOK.service(n).summary[lang]) in flat, (e["file"], n)
        links = link_uris(PdfReader(built_site / e["file"]))  # each sheet has its QR code
        assert [uri for _, uri, _ in links] == [f"{TEST_SITE_URL}{LANG_ROOTS[lang]}audiences/{e['id']}/"] * len(pages)


@pytest.mark.slow
def test_leaflets_are_a4_and_tagged(built_site: Path, leaflets: list[dict[str, Any]]) -> None:
    for e in leaflets[::7]:  # a spread sample: the tags cost nothing to check, the parsing does
        reader = PdfReader(built_site / e["file"])
        catalog = reader.trailer["/Root"]
        assert catalog.get("/StructTreeRoot") is not None and bool(catalog["/MarkInfo"]["/Marked"]), e["file"]
        assert str(catalog["/Lang"]).startswith(e["language"]), e["file"]
        for page in reader.pages:
            assert abs(float(page.mediabox.width) - A4[0]) < 1 and abs(float(page.mediabox.height) - A4[1]) < 1


@pytest.mark.slow
def test_a_few_printed_leaflet_qr_codes_decode_to_their_links(built_site: Path, leaflets: list[dict[str, Any]],
                                                              tmp_path: Path) -> None:
    if not (shutil.which("zbarimg") and shutil.which("pdftoppm")):
        pytest.skip("zbarimg or pdftoppm missing (apt-get install zbar-tools poppler-utils)")
    sample = [service_leaflet(leaflets, "zh", 45), service_leaflet(leaflets, "en", 73),
              next(e for e in leaflets if e["kind"] == "audience-leaflet")]
    for i, e in enumerate(sample):
        subprocess.run(["pdftoppm", "-r", "150", "-gray", "-f", "1", "-l", "1", "-singlefile", str(built_site / e["file"]),
                        str(tmp_path / f"p{i}")], check=True)
        decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / f"p{i}.pgm")], capture_output=True, text=True)
        assert decoded.returncode == 0, decoded.stderr
        assert decoded.stdout.split() == [uri for page, uri, _ in link_uris(PdfReader(built_site / e["file"])) if page == 0]


@pytest.mark.slow
def test_downloads_page_lists_leaflets_and_service_pages_link_theirs(built_site: Path, leaflets: list[dict[str, Any]]) -> None:
    for lang in LANGS:
        downloads = (built_site / LANG_ROOTS[lang] / "downloads" / "index.html").read_text(encoding="utf-8")
        for e in (e for e in leaflets if e["language"] == lang):
            assert e["file"] in downloads, e["file"]
        for service in HANDBOOK.services[::10]:
            page = (built_site / LANG_ROOTS[lang] / "services" / service.id / "index.html").read_text(encoding="utf-8")
            own = service_leaflet(leaflets, lang, service.number)["file"]
            assert re.search(r'href="(\.\./)+' + re.escape(own) + '"', page), (lang, service.id)
            assert "leaflet-audience-" not in page, "an audience's sheet is not the service's leaflet"


# ---- the tiny project: without a site URL; reuse ---------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_leaflets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[dict[str, Any]]]:
    """The tiny project's leaflets, built without a site_url → (project, out folder, manifest)."""
    root = tmp_path_factory.mktemp("leaflets")
    config = re.sub(r"(?m)^site_url: .*\n", "", tiny_config())
    project = write_project(root / "tiny", config=config)
    loaded, handbook = load_project(project)
    assert loaded.site_url is None
    out = root / "out"
    return project, out, render_leaflets(handbook, loaded, ROOT / "templates", out, workers=1)


@pytest.mark.slow
def test_without_a_site_url_leaflets_print_number_and_departments_instead_of_a_qr_code(
        tiny_leaflets: tuple[Path, Path, list[dict[str, Any]]]) -> None:
    project, out, manifest = tiny_leaflets
    config, handbook = load_project(project)
    for e in (e for e in manifest if e["kind"] == "leaflet"):
        reader = PdfReader(out / e["file"])
        assert link_uris(reader) == [] and len(reader.pages) == 1, e["file"]
        text = norm(reader.pages[0].extract_text())
        service = handbook.service(e["services"][0])
        assert norm(config.strings[e["language"]]["leaflet_no_qr"].replace("'", "\u2019")) in text
        for d in service.departments:
            assert norm(handbook.department(d).name[e["language"]]) in text, (e["file"], d)


@pytest.mark.slow
def test_unchanged_leaflets_are_reused(tiny_leaflets: tuple[Path, Path, list[dict[str, Any]]], tmp_path: Path) -> None:
    project, out, manifest = tiny_leaflets
    site = tmp_path / "site"
    shutil.copytree(out, site)
    (site / "booklets" / "index.json").write_text(json.dumps(manifest), encoding="utf-8")
    config, handbook = load_project(project)
    reuse = Reuse(site)
    again = render_leaflets(handbook, config, ROOT / "templates", tmp_path / "again", workers=1, reuse=reuse)
    assert reuse.reused == len(manifest) and again == manifest
    assert all((tmp_path / "again" / e["file"]).read_bytes() == (out / e["file"]).read_bytes() for e in manifest)


def word_boxes(pdf: Path) -> list[tuple[str, float]]:
    """A PDF → each word poppler finds, with its width in units of its line height (so sizes compare)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>', xml)
    return [(w, (float(x1) - float(x0)) / (float(y1) - float(y0))) for x0, y0, x1, y1, w in words]


@pytest.mark.slow
def test_english_apostrophes_and_quotes_are_not_set_full_width(built_site: Path) -> None:
    """Noto Sans CJK draws ’ and “ ” a full em wide (right for Chinese): English print asks for proportional widths, so
    "government’s" is not set "government’ s". Measured in line heights, ’s adds 0.75–0.93 set proportionally and
    1.47–1.61 set full width."""
    gaps = []
    for pdf in [*sorted((built_site / "booklets" / "en").glob("leaflet-*.pdf")), built_site / "booklets/en/chapter-health.pdf"]:
        widths = dict(word_boxes(pdf))
        gaps += [(pdf.name, word, width - widths[word[:-2]]) for word, width in widths.items()
                 if word.endswith("’s") and word[:-2] in widths]
    assert len(gaps) > 3
    assert [g for g in gaps if g[2] > 1.2] == []


def test_reorganised_notes_print_on_exactly_the_services_whose_function_moved() -> None:
    """Issue 22 §4: leaflets and booklets print what service_fields gives: with the editor's note, the functions of its
    departments that moved since 2018 and the word to ask 12345, on the services a moved function covers (No. 55,
    veterans), not on what the old office kept (No. 45, 低保); every service leaflet still fits one page (slow tests)."""
    from generator.printing.printed import service_fields

    affected = {i for d in HANDBOOK.departments for r in d.reorganised for i in r.services}
    for lang, title in (("zh", "机构调整"), ("en", "Office reorganised")):
        printed = {s.id: [f for f in service_fields(HANDBOOK, CONFIG, s, lang)
                          if title in "".join("".join(para) for para in f["paras"])] for s in HANDBOOK.services}
        assert {i for i, fields in printed.items() if fields} == affected
        [note] = printed["veterans-resettlement"]
        text = "".join("".join(para) for para in note["paras"])
        assert "12345" in text and note.get("aside") == "yes"
        assert "退役军人优抚安置" in text or "preferential treatment and resettlement of veterans" in text
    assert "minimum-living-allowance" not in affected and "veterans-resettlement" in affected
