"""The built website: every page in both languages, language switches, no third-party requests, links resolve."""
from __future__ import annotations

import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from generator.load import load_project

from .conftest import ROOT, TEST_SITE_URL

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
            assert "盐边府发〔2018〕104号" in text


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


def test_hreflang_alternates_on_every_page(built_site: Path) -> None:
    html = (built_site / "services/legal-aid/index.html").read_text(encoding="utf-8")
    assert f'hreflang="zh-Hans" href="{TEST_SITE_URL}services/legal-aid/"' in html
    assert f'hreflang="en" href="{TEST_SITE_URL}en/services/legal-aid/"' in html


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
    for path in html_pages(built_site):
        rel = path.relative_to(built_site).as_posix()
        page = read(built_site, rel)
        for _, url, _ in page.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//") or url.startswith("mailto:"):
                continue
            target = urlsplit(urljoin(f"http://x/{rel}", url)).path.lstrip("/")
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
    for lang, prefix in LANG_ROOTS.items():
        text = (built_site / f"{prefix}search/index.{lang}.js").read_text(encoding="utf-8")
        index = json.loads(text[text.index("=", text.index("]")) + 1:].rstrip().rstrip(";"))
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
