"""The built website: every page in both languages, language switches, no third-party requests, links resolve."""
from __future__ import annotations

import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

import pytest

from generator.data.load import load_project

from ..conftest import ROOT, TEST_SITE_URL, search_files, site_search_index

pytestmark = pytest.mark.slow
CONFIG, HANDBOOK = load_project(ROOT)
LANG_ROOTS = {"zh": "", "en": "en/"}


class Page(HTMLParser):
    """Collects what the tests look at in one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str, dict[str, str]]] = []  # (tag, url, attrs)
        self.ids: set[str] = set()
        self.html_lang = ""
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = a.get("lang", "")
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if key in a:
                self.links.append((tag, a[key], a))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read(site: Path, rel: str) -> Page:
    return Page((site / rel).read_text(encoding="utf-8"))


def test_every_service_page_exists_in_both_languages_with_its_fields(built_site: Path) -> None:
    for lang, prefix in LANG_ROOTS.items():
        for s in HANDBOOK.services:
            page = read(built_site, f"{prefix}services/{s.id}/index.html")
            text = "".join(page.text)
            assert page.html_lang == {"zh": "zh-Hans", "en": "en"}[lang]
            assert s.name[lang] in text
            for p in s.provisions:
                for field in (p.recipients, p.standard, p.funding):
                    assert " ".join(field[lang].split()) in " ".join(text.split()), (s.number, lang)
            for d in s.departments:
                assert HANDBOOK.department(d).name[lang] in text
            assert HANDBOOK.source.number[lang] in text  # 盐边府发〔2018〕104号 / Yanbian Fu Fa [2018] No. 104


def test_english_pages_carry_the_official_chinese(built_site: Path) -> None:
    html = (built_site / "en/services/minimum-living-allowance/index.html").read_text(encoding="utf-8")
    assert '<details class="hb-official">' in html and 'lang="zh-Hans"' in html
    assert "对符合条件的家庭给予最低生活保障" in html


def test_service_73_shows_both_provisions(built_site: Path) -> None:
    s = HANDBOOK.service(73)
    for lang, prefix in LANG_ROOTS.items():
        text = "".join(read(built_site, f"{prefix}services/{s.id}/index.html").text)
        assert all(p.standard[lang] in text for p in s.provisions)


def test_chapter_department_audience_pages_exist(built_site: Path) -> None:
    for prefix in LANG_ROOTS.values():
        for kind, items in (("chapters", HANDBOOK.chapters), ("departments", HANDBOOK.departments),
                            ("audiences", HANDBOOK.audiences)):
            for item in items:
                assert (built_site / f"{prefix}{kind}/{item.id}/index.html").is_file()
        for page in ("index.html", "services/index.html", "glossary/index.html", "downloads/index.html", "404.html"):
            assert (built_site / prefix / page).is_file()


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html"))


def test_language_switch_leads_to_the_same_page(built_site: Path) -> None:
    for path in html_pages(built_site):
        rel = path.relative_to(built_site).as_posix()
        if rel == "404.html" or rel == "en/404.html":
            continue
        page = read(built_site, rel)
        switches = [url for tag, url, a in page.links if "hb-lang" in a.get("class", "")]
        assert len(switches) == 1, rel
        target = urlsplit(urljoin(f"http://x/{rel}", switches[0])).path.lstrip("/")
        other = rel[3:] if rel.startswith("en/") else f"en/{rel}"
        assert target + ("index.html" if target.endswith("/") or target == "" else "") == other, rel


def page_path(rel: str) -> str:
    """A page's file in the site → its URL path without the language root: 'en/services/x/index.html' → 'services/x/';
    a 404 page → '' (its alternates point at each language's home)."""
    rel = rel.removeprefix("en/")
    return "" if rel == "404.html" else rel.removesuffix("index.html")


def expected_alternates(path: str) -> dict[str, str]:
    """A language-neutral URL path → hreflang → absolute URL, one per configured language."""
    return {lang.html_lang: f"{TEST_SITE_URL}{LANG_ROOTS[lang.code]}{path}" for lang in CONFIG.languages}


def test_hreflang_alternates_on_every_page(built_site: Path) -> None:
    pages = html_pages(built_site)
    assert len(pages) > 280
    for path in pages:
        rel = path.relative_to(built_site).as_posix()
        links = [a for tag, _, a in read(built_site, rel).links  # language alternates (not the Atom feed's link)
                 if tag == "link" and a.get("rel") == "alternate" and a.get("type") != "application/atom+xml"]
        found = {a["hreflang"]: a["href"] for a in links}
        assert len(links) == len(found) and found == expected_alternates(page_path(rel)), rel


def test_sitemap_lists_every_page_with_its_hreflang_alternates(built_site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ElementTree.parse(built_site / "sitemap.xml").getroot()
    entries = {}
    for url in root.findall("s:url", ns):
        loc = url.findtext("s:loc", namespaces=ns)
        links = [link for link in url.findall("x:link", ns) if link.get("rel") == "alternate"]
        entries[loc] = {link.get("hreflang"): link.get("href") for link in links}
    pages = {p.relative_to(built_site).as_posix() for p in html_pages(built_site)} - {"404.html", "en/404.html"}
    expected = {}
    for rel in pages:
        lang = "en" if rel.startswith("en/") else "zh"
        expected[f"{TEST_SITE_URL}{LANG_ROOTS[lang]}{page_path(rel)}"] = expected_alternates(page_path(rel))
    assert entries == expected


def test_nothing_loads_from_another_host(built_site: Path) -> None:
    for path in html_pages(built_site):
        page = read(built_site, path.relative_to(built_site).as_posix())
        for tag, url, attrs in page.links:
            if tag in ("link", "script", "img", "iframe", "source") and attrs.get("rel") != "alternate" \
                    and attrs.get("rel") != "canonical":
                assert not re.match(r"^(https?:)?//", url), (path, url)
    for css in built_site.rglob("*.css"):
        assert "fonts.googleapis" not in css.read_text(encoding="utf-8")


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    broken = []
    base = urlsplit(TEST_SITE_URL).path
    for path in html_pages(built_site):
        rel = path.relative_to(built_site).as_posix()
        page = read(built_site, rel)
        for _, url, _ in page.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//") or url.startswith("mailto:"):
                continue
            # as served under the site_url's path (404 pages link absolutely, e.g. /handbook/assets/…)
            target = urlsplit(urljoin(f"http://x{base}{rel}", url)).path.removeprefix(base)
            target = unquote(target)
            file = built_site / target
            if target == "" or target.endswith("/"):
                file = file / "index.html"
            if not file.exists():
                broken.append((rel, url))
            elif (parts.fragment and file.suffix == ".html"
                  and parts.fragment not in read(built_site, file.relative_to(built_site).as_posix()).ids):
                broken.append((rel, url))
    assert broken == []


def test_search_indexes_per_language(built_site: Path) -> None:
    for lang in LANG_ROOTS:
        index = site_search_index(built_site, lang)
        assert index["lang"] == lang
        assert len([d for d in index["docs"] if d[0].startswith("services/")]) == 85


def test_open_data_and_sitemap(built_site: Path) -> None:
    data = json.loads((built_site / "data/services.json").read_text(encoding="utf-8"))
    assert len(data["services"]) == 85
    assert (built_site / "data/services.csv").read_bytes().count(b"\r\n") >= 86
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{TEST_SITE_URL}en/services/legal-aid/</loc>" in sitemap
    assert not (built_site / "en/sitemap.xml").exists()


def test_offline_zip_links_to_index_files(built_site: Path) -> None:
    with zipfile.ZipFile(built_site / "downloads/handbook-offline.zip") as z:
        names = set(z.namelist())
        assert "handbook/index.html" in names and "handbook/en/search/index.en.js" in names
        chunks = {f"handbook/{root}search/{name}" for lang, root in LANG_ROOTS.items() for name in search_files(built_site, lang)}
        assert len(chunks) > 10 and chunks <= names
        html = z.read("handbook/en/services/legal-aid/index.html").decode("utf-8")
    assert 'href="../../departments/justice/index.html"' in html
    assert not re.search(r'href="(?![a-z]+:|#)[^"]*/"', html)


def test_both_languages_have_the_same_pages(built_site: Path) -> None:
    english = {p.relative_to(built_site / "en").as_posix() for p in (built_site / "en").rglob("*.html")}
    chinese = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")
               if not p.is_relative_to(built_site / "en")}
    assert chinese == english
    assert len(chinese) > 140


def test_not_found_page_speaks_the_language(built_site: Path) -> None:
    for prefix, lang in (("", "zh"), ("en/", "en")):
        text = "".join(read(built_site, f"{prefix}404.html").text)
        assert CONFIG.strings[lang]["not_found_title"] in text


# ---- text in the other language is marked with lang, and no interface label is in the wrong language ----

HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def rendered_with_booklets(lang: str) -> dict[str, str]:
    """Every Markdown page of a language, with a booklets manifest as a full build would list it."""
    from dataclasses import asdict

    from generator.opendata.export import render_open_data
    from generator.present.filters import markdown_environment
    from generator.printing.booklets import plan_booklets, twin_of
    from generator.printing.typesetting import PdfFacts, manifest_entry
    from generator.web.site import read_content, render_pages

    config, handbook = load_project(ROOT)
    facts = PdfFacts(4, 200_000, "0" * 64, {})
    manifest = [manifest_entry(asdict(b), facts, "input") for whole in plan_booklets(handbook, config)
                for b in (whole, twin_of(whole))]
    return render_pages(handbook, config, lang, markdown_environment(ROOT / "templates" / "site"), read_content(ROOT, lang),
                        manifest, render_open_data(handbook, config))


def test_chinese_on_english_pages_is_always_marked_zh() -> None:
    """Glossary terms, department spellings, the official text: inside lang="zh-Hans"; nothing Chinese elsewhere (全本 …)."""
    marked = re.compile(r'<(span|div)\b[^>]*\blang="zh-Hans"[^>]*>.*?</\1>', re.DOTALL)
    unmarked = {path: HAN.findall(marked.sub("", page))[:5] for path, page in rendered_with_booklets("en").items()}
    assert {path: chars for path, chars in unmarked.items() if chars} == {}
    pages = rendered_with_booklets("en")
    assert '| <span lang="zh-Hans">低保</span> | Minimum Living Allowance | dibao |' in pages["glossary/index.md"]
    assert '<span lang="zh-Hans">县司法局</span>' in pages["departments/justice/index.md"]
    assert "Complete handbook · Chinese and English edition (PDF" in pages["downloads/index.md"]


def test_english_terms_on_chinese_pages_are_marked_en() -> None:
    glossary = rendered_with_booklets("zh")["glossary/index.md"]
    assert '| 低保 | <span lang="en">Minimum Living Allowance</span> | dibao |' in glossary


def test_interface_text_comes_from_the_strings_of_its_language() -> None:
    """No template holds a Chinese label, and no English interface string holds a Chinese character."""
    config = load_project(ROOT)[0]
    assert {k: v for k, v in config.strings["en"].items() if HAN.search(v)} == {}
    templates = [p for p in (ROOT / "templates").rglob("*") if p.suffix in (".j2", ".typ", ".html")]
    assert templates
    assert [p.name for p in templates if HAN.search(p.read_text(encoding="utf-8"))] == []


def reorganised_services() -> dict[str, set[str]]:
    """The real data → for each department with a moved function, the ids of the services that function covers."""
    _, handbook = load_project(ROOT)
    return {d.id: {i for r in d.reorganised for i in r.services} for d in handbook.departments if d.reorganised}


def test_reorganised_notes_show_on_exactly_the_services_whose_function_moved() -> None:
    """Issue 22 §4: the cited note is on the department page and on the pages of the services it lists, and nowhere
    else (民政局 keeps 低保, so No. 45 has none; its veterans' services Nos. 54 and 55 have it)."""
    moved = reorganised_services()
    assert {"preferential-treatment-and-compensation", "veterans-resettlement"} <= moved["civil-affairs"]
    assert "minimum-living-allowance" not in moved["civil-affairs"]
    affected = set().union(*moved.values())
    for lang, title in (("zh", "机构调整"), ("en", "Office reorganised")):
        pages = rendered_with_booklets(lang)
        services = {path.split("/")[1] for path, page in pages.items() if path.startswith("services/") and title in page}
        assert services == affected
        departments = {path.split("/")[1] for path, page in pages.items() if path.startswith("departments/") and title in page}
        assert departments == set(moved)
    zh = rendered_with_booklets("zh")
    veterans = zh["services/veterans-resettlement/index.md"]
    assert "退役军人事务部" in veterans and "12345" in veterans
    assert "http://news.hebei.com.cn/system/2018/03/14/018675453.shtml" in zh["departments/civil-affairs/index.md"]
    assert "2026年12月5日查阅" in zh["departments/civil-affairs/index.md"]


def test_counts_take_the_plural_form_of_their_language() -> None:
    """Review 2026-12-05 No. 36: '1 pages'. Pages, results, services: CLDR's rules pick the form in each language."""
    from generator.opendata.hsds import organization_row
    from generator.present.views import Views
    from generator.web.pagemeta import describe

    config, handbook = load_project(ROOT)
    en, zh = Views(handbook, config, "en"), Views(handbook, config, "zh")
    pages = [en.count("booklet_pages", 1), en.count("booklet_pages", 2), zh.count("booklet_pages", 1)]
    assert pages == ["1 page", "2 pages", "1页"]
    assert en.count("services_count", 1) == "1 service" and en.count("search_count", 1) == "1 result"
    assert en.count("finder_count", 3) == "3 services" and zh.count("finder_count", 1) == "1项"
    assert "for 1 service: Legal aid." in organization_row(handbook, "en", config.strings["en"], "justice")["description"]
    assert "for 1 of the county's basic public services: who can get it," in describe(handbook, config, "en", "departments",
                                                                                     "justice", "")
    assert "(PDF, 1 page, 32 KB)" in en.booklet_label({"title": "Leaflet", "language": "en", "imposed": False,
                                                       "pages": 1, "bytes": 32_000, "kind": "leaflet"})


def test_service_73_parts_are_headed_by_what_they_are() -> None:
    """Review 2026-12-05 No. 38: the two parts of No. 73 are the living allowance and the nursing-care allowance, and
    the service page and print say so instead of 'Part 1/Part 2'; keywords show as related words, not other names (No. 37)."""
    from generator.printing.printed import service_fields

    config, handbook = load_project(ROOT)
    for lang, first, second, words in (("zh", "生活补助", "护理补助", "<h2>相关词</h2>"),
                                       ("en", "Living allowance", "Nursing", "<h2>Related words</h2>")):
        page = rendered_with_booklets(lang)["services/disability-living-and-nursing-care-allowances/index.md"]
        assert f"<h2>{first}" in page and f"<h2>{second}" in page and "部分" not in page and "Part 1" not in page
        assert words in page and "又称" not in page and "Also known as" not in page
        labels = [f["label"] for f in service_fields(handbook, config, handbook.service(73), lang)]
        assert any(first in label for label in labels) and any(second in label for label in labels)


def test_related_services_share_who_they_are_for() -> None:
    """Review 2026-12-05 No. 40: No. 53's related services were children's services of its chapter; an audience now
    counts double the chapter, so they are services for older people."""
    from generator.present.views import Views

    config, handbook = load_project(ROOT)
    related = Views(handbook, config, "zh").related(handbook.service(53))
    assert related and all("older-people" in s.audiences for s in related)
    assert related[0].number == 46  # for older people, and in the same chapter
