"""Hand-written pages (content/<lang>/): both languages alike, the plan verbatim, English without Chinese, built and linked."""
from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from generator.data.load import load_project

from ..conftest import ROOT, SEED

CONTENT = ROOT / "content"
LANGS = ("zh", "en")
LANG_ROOTS = {"zh": "", "en": "en/"}
HANDBOOK = load_project(ROOT)[1]
CHAPTER_IDS = [c.id for c in HANDBOOK.chapters]
PLAN_PAGES = ["index", "goals", *CHAPTER_IDS, "safeguards"]  # the plan's order: notice and foreword, chapters 1-10
HAND_WRITTEN = ["index", "about", "how-to-use", "accessibility"]
EXPECTED_PAGES = {f"{name}.md" for name in HAND_WRITTEN} | {f"plan/{name}.md" for name in PLAN_PAGES}

FENCE = re.compile(r"^(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BACK_LINK = re.compile(r"^\[[^\]]+\]\(\.\./\.\./chapters/([a-z0-9-]+)/index\.md\)$")  # plan page → its chapter page
CJK = re.compile("[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
                 "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def pages(lang: str) -> dict[str, str]:
    """content/<lang>/**.md → {relative path: text}."""
    base = CONTENT / lang
    return {p.relative_to(base).as_posix(): p.read_text(encoding="utf-8") for p in sorted(base.rglob("*.md"))}


def headings(text: str) -> list[tuple[int, str]]:
    """Markdown → its ATX headings as (level, text), skipping fenced code."""
    out, fenced = [], False
    for line in text.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and (m := HEADING.match(line)):
            out.append((len(m.group(1)), m.group(2)))
    return out


# ---- (a) both languages have the same pages with the same heading structure ----

def test_every_page_exists_in_both_languages() -> None:
    zh, en = set(pages("zh")), set(pages("en"))
    assert zh == en, f"only in zh: {sorted(zh - en)}; only in en: {sorted(en - zh)}"
    assert EXPECTED_PAGES <= zh, f"missing: {sorted(EXPECTED_PAGES - zh)}"


@pytest.mark.parametrize("path", sorted(EXPECTED_PAGES | set(pages("zh"))))
def test_same_heading_structure_in_both_languages(path: str) -> None:
    zh, en = (headings((CONTENT / lang / path).read_text(encoding="utf-8")) for lang in LANGS)
    assert [level for level, _ in zh] == [level for level, _ in en], path
    assert zh, f"{path} has no headings"


def test_pages_have_one_h1_except_the_home_introduction() -> None:
    for lang in LANGS:
        for path, text in pages(lang).items():
            levels = [level for level, _ in headings(text)]
            if path == "index.md":  # inserted into the home page below its own H1
                assert 1 not in levels, f"{lang}/{path}"
            else:
                assert levels.count(1) == 1 and levels[0] == 1, f"{lang}/{path}"


# ---- (b) the Chinese plan pages reproduce the official text ----

def strip_markdown(text: str) -> str:
    """A plan page → its text: heading markers and the links back to chapter pages removed."""
    lines = [line for line in text.split("\n") if not BACK_LINK.match(line.strip())]
    return "\n".join(HEADING.sub(r"\2", line) for line in lines)


def front_matter_in_seed_order(text: str) -> str:
    """plan/index.md → its text in the order the document prints it.

    The page puts the plan's title first (as its H1) and the notice's title before the document number, and adds
    a 前言 (Foreword) heading the document does not print. The document's order is: number, notice title, notice,
    signature and date, plan title, foreword.
    """
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    title, notice_title, number, *rest = blocks
    assert title.startswith("# ") and notice_title.startswith("## ") and "〔2018〕104号" in number
    assert rest.count("## 前言") == 1, "plan/index.md: the Foreword heading is the one heading the document lacks"
    i = rest.index("## 前言")
    return "\n\n".join([number, notice_title, *rest[:i], title, *rest[i + 1:]])


def squeeze(text: str) -> str:
    """Text → without any whitespace (so line breaks and '第一章  ' spacing do not matter)."""
    return re.sub(r"\s+", "", text.replace("\ufeff", ""))


@pytest.fixture(scope="module")
def seed_body() -> str:
    text = SEED.read_text(encoding="utf-8")
    lines = text.split("\n")
    end = next(i for i, line in enumerate(lines) if line.startswith("附件："))
    return "\n".join(lines[:end])


def first_difference(expected: str, actual: str) -> str:
    pairs = enumerate(zip(expected, actual, strict=False))
    i = next((i for i, (a, b) in pairs if a != b), min(len(expected), len(actual)))
    start = max(0, i - 20)
    return f"first difference at character {i}: seed …{expected[start:i + 30]}… / pages …{actual[start:i + 30]}…"


def test_zh_plan_pages_reproduce_the_source(seed_body: str) -> None:
    texts = []
    for name in PLAN_PAGES:
        text = (CONTENT / "zh" / "plan" / f"{name}.md").read_text(encoding="utf-8")
        texts.append(strip_markdown(front_matter_in_seed_order(text) if name == "index" else text))
    expected, actual = squeeze(seed_body), squeeze("\n".join(texts))
    assert actual == expected, first_difference(expected, actual)


def test_plan_chapter_headings_follow_the_source(seed_body: str) -> None:
    numbered = [squeeze(line) for line in seed_body.split("\n")
                if re.match(r"^第[一二三四五六七八九十]+[章节]\s", line)]
    ours = [squeeze(text) for name in PLAN_PAGES[1:]
            for _, text in headings((CONTENT / "zh" / "plan" / f"{name}.md").read_text(encoding="utf-8"))]
    assert ours == numbered


def test_chapter_plan_pages_link_back_once() -> None:
    for lang in LANGS:
        for chapter in CHAPTER_IDS:
            text = (CONTENT / lang / "plan" / f"{chapter}.md").read_text(encoding="utf-8")
            targets = [m.group(1) for line in text.split("\n") if (m := BACK_LINK.match(line.strip()))]
            assert targets == [chapter], f"{lang}/plan/{chapter}.md"
        for other in ("index", "goals", "safeguards"):
            text = (CONTENT / lang / "plan" / f"{other}.md").read_text(encoding="utf-8")
            assert not any(BACK_LINK.match(line.strip()) for line in text.split("\n")), f"{lang}/plan/{other}.md"


# ---- (c) English pages are free of Chinese characters ----

def test_no_chinese_characters_in_english_pages() -> None:
    found = []
    for path, text in pages("en").items():
        for number, line in enumerate(text.split("\n"), 1):
            if m := CJK.search(line):
                found.append(f"content/en/{path}:{number}: {m.group()!r}")
    assert found == []


# ---- (d) the built site ----

class Links(HTMLParser):
    """The href of every <a> in a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def targets(site: Path, rel: str) -> set[str]:
    """The site paths the links of one page point at, e.g. 'en/chapters/health/'."""
    out = set()
    for href in Links((site / rel).read_text(encoding="utf-8")).hrefs:
        parts = urlsplit(href)
        if not parts.scheme and not href.startswith("//"):
            out.add(urlsplit(urljoin(f"http://x/{rel}", href)).path.lstrip("/"))
    return out


@pytest.mark.slow
def test_built_site_has_the_hand_written_and_plan_pages(built_site: Path) -> None:
    for prefix in LANG_ROOTS.values():
        for name in ("about", "how-to-use", "accessibility", "plan", *(f"plan/{p}" for p in PLAN_PAGES[1:])):
            assert (built_site / prefix / name / "index.html").is_file(), f"{prefix}{name}/"
        home = targets(built_site, f"{prefix}index.html")
        for name in ("about", "how-to-use", "accessibility", "chapters", "audiences", "departments", "downloads"):
            assert f"{prefix}{name}/" in home, f"home page of '{prefix}' does not link to {name}/"


@pytest.mark.slow
def test_chapter_and_plan_pages_link_to_each_other(built_site: Path) -> None:
    for prefix in LANG_ROOTS.values():
        for chapter in CHAPTER_IDS:
            chapter_page, plan_page = f"{prefix}chapters/{chapter}/", f"{prefix}plan/{chapter}/"
            assert plan_page in targets(built_site, f"{chapter_page}index.html"), chapter_page
            assert chapter_page in targets(built_site, f"{plan_page}index.html"), plan_page


@pytest.mark.slow
def test_about_page_data_links_stay_inside_the_site(built_site: Path) -> None:
    """Raw HTML links are not checked by MkDocs; they must resolve without leaving site/ (the offline copy)."""
    for prefix in LANG_ROOTS.values():
        rel = f"{prefix}about/index.html"
        hrefs = [h for h in Links((built_site / rel).read_text(encoding="utf-8")).hrefs if "data/services." in h]
        assert {posixpath.basename(h) for h in hrefs} == {"services.json", "services.csv"}, rel  # the page's and the footer's
        for href in hrefs:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href))
            assert not target.startswith(".."), (rel, href)
            assert (built_site / target).is_file(), (rel, href)


# ---- (e) the plan's English uses the glossary, as services.yaml must (checks.check_glossary) ----

def paragraphs(text: str) -> list[str]:
    """Markdown → its blank-line-separated blocks."""
    return [block for block in text.split("\n\n") if block.strip()]


NOT_TERMS = ("协调解决",)  # words that contain a glossary term without being it (协调 + 解决 holds 调解, mediation)


@pytest.mark.parametrize("name", PLAN_PAGES)
def test_plan_english_uses_the_glossary(name: str) -> None:
    """Where a zh paragraph uses a glossary term, the matching en paragraph uses its rendering."""
    zh, en = (paragraphs((CONTENT / lang / "plan" / f"{name}.md").read_text(encoding="utf-8")) for lang in LANGS)
    assert len(zh) == len(en), "the two languages must have the same paragraphs"
    missing = []
    for i, (zh_text, en_block) in enumerate(zip(zh, en, strict=True)):
        zh_block = re.sub("|".join(NOT_TERMS), "", zh_text)
        for term in HANDBOOK.glossary:
            zh_forms = (term.term["zh"], *term.forms.get("zh", ()))
            en_forms = (term.term["en"], *term.forms.get("en", ()))
            if any(f in zh_block for f in zh_forms) and not any(f.lower() in en_block.lower() for f in en_forms):
                missing.append(f"paragraph {i + 1}: {term.term['zh']} → {term.term['en']}")
    assert missing == []


# ---- (f) the source document's number, one spelling per language ----

DOCUMENT_NUMBER = {"zh": re.compile(r"盐边府发\s*[〔\[(（]\s*\d{4}\s*[〕\])）]\s*\d+\s*号"),
                   "en": re.compile(r"Yanbian\s*-?\s*Fu\s*-?\s*Fa[^,;)]*?No\.?\s*\d+|Yanbianfufa[^,;)]*?\d+", re.IGNORECASE)}


def texts_in(lang: str) -> dict[str, str]:
    """Every hand-written text of a language: its content pages and its interface strings."""
    config = load_project(ROOT)[0]
    found = {f"content/{lang}/{path}": text for path, text in pages(lang).items()}
    found.update({f"site_config.yml strings.{lang}.{key}": value for key, value in config.strings[lang].items()})
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_document_number_is_spelt_as_in_services_yaml(lang: str) -> None:
    """盐边府发〔2018〕104号 on Chinese pages, 'Yanbian Fu Fa [2018] No. 104' on English ones, nowhere anything else."""
    expected = HANDBOOK.source.number[lang]
    assert DOCUMENT_NUMBER[lang].fullmatch(expected)
    wrong = [(where, m.group()) for where, text in texts_in(lang).items()
             for m in DOCUMENT_NUMBER[lang].finditer(text) if m.group() != expected]
    assert wrong == []
    if lang == "en":
        assert not [where for where, text in texts_in(lang).items() if "盐边府发" in text]


# ---- (g) "13th Five-Year Plan period" says which years where a page first names it ----

FIVE_YEAR_PLAN = re.compile(r"13th Five-Year Plan( period)?", re.IGNORECASE)


def first_mentions(text: str) -> str | None:
    """A page's text → the words after its first '13th Five-Year Plan …', or None if it never names the plan period."""
    m = FIVE_YEAR_PLAN.search(text)
    return text[m.end():m.end() + 13] if m else None


def test_every_english_page_dates_the_plan_period_where_it_first_names_it() -> None:
    from generator.opendata.export import render_open_data
    from generator.present.filters import markdown_environment
    from generator.web.site import read_content, render_pages

    config, handbook = load_project(ROOT)
    env = markdown_environment(ROOT / "templates" / "site")
    rendered = render_pages(handbook, config, "en", env, read_content(ROOT, "en"), [], render_open_data(handbook, config))
    undated = {path: after for path, page in rendered.items()
               if (after := first_mentions(page.replace("\\", ""))) is not None and not after.startswith(" (2016–2020)")}
    assert undated == {}


def test_english_interface_strings_date_the_plan_period() -> None:
    """Strings printed on their own (booklet covers, back pages) date the period; a string holding {title} gets it there."""
    strings = load_project(ROOT)[0].strings["en"]
    undated = [key for key, text in strings.items() if "{title}" not in text
               and (after := first_mentions(text)) is not None and not after.startswith(" (2016–2020)")]
    assert undated == []


# ---- (h) How to use speaks to residents; editors' and developers' steps are in README ----

DEVELOPER_WORDS = ("make build", "make check", "make serve", "services.yaml", "site_config", "site_url", "site/", "127.0.0.1",
                   "handbook check")


@pytest.mark.parametrize("lang", LANGS)
def test_how_to_use_speaks_to_residents(lang: str) -> None:
    text = (CONTENT / lang / "how-to-use.md").read_text(encoding="utf-8")
    assert [word for word in DEVELOPER_WORDS if word in text] == []


def test_readme_keeps_the_editors_and_publishers_steps() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for step in ("make check", "make serve", "make build", "set `site_url`", "`summary`"):
        assert step in readme, step
