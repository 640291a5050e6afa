"""The handbook in a real browser (Debian's Chromium via pytest-playwright): search as residents type it, keyboard
use, announcements, the language switch, phones and larger text, the offline copy, and the JavaScript search
client agreeing with generator/web/search.py.

Fixtures in conftest.py: `built_site` (the real site, built once), `served_site` (its local URL) and
`browser_type_launch_args` (which Chromium, and how it is launched).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from playwright.sync_api import ConsoleMessage, Page, Request, Response, expect

from generator.data.load import load_project
from generator.web.search import confident, query_units, rank, search
from generator.web.searchchunks import load_for, read_files

from ..conftest import LANG_ROOTS, ROOT, longest_service_page, search_files, site_search_index

pytestmark = pytest.mark.slow
CONFIG, HANDBOOK = load_project(ROOT)
HTML_LANG = {lang.code: lang.html_lang for lang in CONFIG.languages}
NUMBER_OF = {s.id: s.number for s in HANDBOOK.services}  # service id → official number
SERVICE_URL = re.compile(r"/services/([a-z0-9-]+)/")

RESULTS = "form.hb-search .hb-results"  # the header's results panel (the home page has a second search box)
RESULT_LINKS = f"{RESULTS} ol li a"  # the results (the no-answer block has links too)
STATUS = f"{RESULTS} .hb-results__status"
NO_ANSWER = f"{RESULTS} [data-no-answer]"  # shown when no result is a confident match
WEAK = f"{RESULTS} [data-weak]"  # the label over weak matches


# ---- helpers ----

def service_number(url: str) -> int | None:
    """A result URL (http:// or file://) → the official number of the service it opens, None for other pages."""
    m = SERVICE_URL.search(urlsplit(url).path)
    return NUMBER_OF.get(m.group(1)) if m else None


def string(lang: str, key: str, **values: object) -> str:
    """An interface string of site_config.yml, filled in."""
    return CONFIG.strings[lang][key].format(**values)


def load_index(site: Path, lang: str) -> dict[str, Any]:
    """The language's search index, whole, as generator/web/search.py's search() takes it."""
    return site_search_index(site, lang)


def result_urls(page: Page) -> list[str]:
    """The header search's result links, as absolute URLs, in order."""
    return page.eval_on_selector_all(RESULT_LINKS, "links => links.map(a => a.href)")


def search_for(page: Page, query: str) -> list[str]:
    """Type a query into the header's search box (#hb-q) → result URLs once the results are shown."""
    page.fill("#hb-q", query)  # one input event, so one search: the first results shown are this query's
    expect(page.locator(RESULTS)).to_be_visible()
    return result_urls(page)


def lang_of(url: str, base: str) -> str:
    """A URL inside the site → the language of the page it opens."""
    return "en" if url.removeprefix(base).startswith("en/") else "zh"


def scroll_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def problems(page: Page) -> Iterator[list[str]]:
    """Everything that went wrong in the page while the test ran: console errors, script errors, failed requests."""
    found: list[str] = []

    def console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            found.append(f"console error: {msg.text} ({msg.location.get('url')})")

    def failed(request: Request) -> None:
        found.append(f"request failed: {request.url} ({request.failure})")

    def response(resp: Response) -> None:
        if resp.status >= 400:
            found.append(f"HTTP {resp.status}: {resp.url}")

    page.on("console", console)
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    page.on("requestfailed", failed)
    page.on("response", response)
    yield found


# ---- 1. search finds what residents type, in the page's language ----

SEARCH_EXAMPLES = [
    ("zh", "services/", "低保", {45}),
    ("zh", "", "医保", {20, 22}),
    ("zh", "services/", "打疫苗", {27}),
    ("zh", "", "营养餐", {2}),
    ("zh", "services/", "残疾人补贴", {73, 75}),
    ("zh", "", "公租房", {57}),
    ("zh", "services/", "yanglaojin", {18, 19}),
    ("en", "en/", "pension", {18, 19}),
    ("en", "en/", "vaccination", {27}),
    ("en", "en/", "legal aid", {50}),
    ("en", "en/", "school meals", {2}),
    ("en", "en/", "disability allowance", {73, 75}),
    ("en", "en/", "funeral", {56}),
    ("zh", "", "養老保險", {18, 19}),  # traditional characters
    ("zh", "services/", "yǎnglǎo bǎoxiǎn", {18, 19, 76}),  # tone marks, a space
    ("zh", "", "我家孩子在学校住宿，有没有生活补助？", {3}),  # a whole question
    ("en", "en/", "vaccinaton", {27}),  # a typo
    ("en", "en/", "labor dispute", {15, 16}),  # American spelling of British text
]


@pytest.mark.parametrize(("lang", "path", "query", "wanted"), SEARCH_EXAMPLES, ids=[e[2] for e in SEARCH_EXAMPLES])
def test_search_puts_the_service_in_the_top_five(page: Page, served_site: str, lang: str, path: str, query: str,
                                                  wanted: set[int]) -> None:
    page.goto(served_site + path)
    urls = search_for(page, query)
    top5 = [service_number(u) for u in urls[:5]]
    assert wanted & set(top5), f"{query!r}: wanted one of {sorted(wanted)} in the top 5, got {top5}"
    assert [u for u in urls if lang_of(u, served_site) != lang] == [], "results in the other language"


# ---- 2. keyboard ----

def test_arrow_down_focuses_the_first_result_and_enter_opens_it(page: Page, served_site: str, built_site: Path) -> None:
    page.goto(served_site + "en/")
    page.focus("#hb-q")
    page.locator("#hb-q").press_sequentially("pension")
    first = page.locator(RESULT_LINKS).first
    expected = search(load_index(built_site, "en"), "pension", 10)[0]
    expect(first).to_have_js_property("href", served_site + "en/" + expected)  # the whole query's results, not a prefix's
    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(served_site + "en/" + expected)
    number = service_number(page.url)
    assert number is not None, page.url
    expect(page.locator("h1")).to_contain_text(HANDBOOK.service(number).name["en"])


def test_escape_hides_the_results(page: Page, served_site: str) -> None:
    page.goto(served_site + "services/")
    search_for(page, "低保")
    page.keyboard.press("ArrowDown")
    expect(page.locator(RESULT_LINKS).first).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(RESULTS)).to_be_hidden()
    expect(page.locator("#hb-q")).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#hb-q")).to_be_focused()


# ---- 3. results are announced ----

@pytest.mark.parametrize(("lang", "query"), [("zh", "低保"), ("en", "pension")])
def test_the_number_of_results_is_announced(page: Page, served_site: str, built_site: Path, lang: str, query: str) -> None:
    count = len(search(load_index(built_site, lang), query, 10))
    page.goto(served_site + LANG_ROOTS[lang])
    search_for(page, query)
    expect(page.locator(STATUS)).to_have_text(string(lang, "search_count", count=count))  # "5 results", "找到10项结果"
    expect(page.locator(STATUS)).to_have_attribute("aria-live", "polite")
    expect(page.locator(RESULT_LINKS)).to_have_count(count)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_results_is_announced_as_no_answer(page: Page, served_site: str, built_site: Path, lang: str) -> None:
    nonsense = "qqxzzvv"
    assert search(load_index(built_site, lang), nonsense, 10) == []
    page.goto(served_site + LANG_ROOTS[lang])
    search_for(page, nonsense)
    expect(page.locator(NO_ANSWER)).to_contain_text(string(lang, "search_no_answer", query=nonsense))
    expect(page.locator(NO_ANSWER)).to_have_attribute("aria-live", "polite")
    expect(page.locator(STATUS)).to_be_hidden()
    expect(page.locator(WEAK)).to_be_hidden()
    expect(page.locator(RESULT_LINKS)).to_have_count(0)


# ---- 3b. no confident match: the handbook says it has no answer, and where to turn ----

OFF_TOPIC = {"zh": "驾照", "en": "train tickets"}  # both have weak matches (驾照: the review's example)
HELP_LINE = next(c for c in HANDBOOK.channels if all(ch.id in c.scope for ch in HANDBOOK.chapters))  # serves every chapter


def expect_no_answer(page: Page, lang: str, query: str) -> list[str]:
    """The no-answer block is shown for `query`, with its offers, and weak matches labelled as such → the offers' hrefs."""
    expect(page.locator(NO_ANSWER)).to_be_visible()
    expect(page.locator(NO_ANSWER)).to_contain_text(string(lang, "search_no_answer", query=query))
    expect(page.locator(NO_ANSWER)).to_contain_text(string(lang, "search_no_answer_call", phone=HELP_LINE.phone,
                                                           name=HELP_LINE.name[lang]))
    expect(page.locator(STATUS)).to_be_hidden()
    expect(page.locator(WEAK)).to_have_text(string(lang, "search_weak"))
    expect(page.locator(RESULT_LINKS).first).to_be_visible()
    texts = page.eval_on_selector_all(f"{NO_ANSWER} a", "links => links.map(a => a.textContent)")
    assert texts == [string(lang, "finder"), string(lang, "audiences"), string(lang, "search_no_answer_call",
                                                                              phone=HELP_LINE.phone, name=HELP_LINE.name[lang])]
    hrefs: list[str] = page.eval_on_selector_all(f"{NO_ANSWER} a", "links => links.map(a => a.href)")
    return hrefs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_off_topic_query_gets_the_no_answer_block_and_its_offers(page: Page, served_site: str, lang: str) -> None:
    base = served_site + LANG_ROOTS[lang]
    page.goto(base + "services/legal-aid/")
    search_for(page, OFF_TOPIC[lang])
    assert expect_no_answer(page, lang, OFF_TOPIC[lang]) == [base + "finder/", base + "audiences/", f"tel:{HELP_LINE.phone}"]
    page.press("#hb-q", "Enter")  # Enter does not open a weak match
    expect(page.locator(NO_ANSWER)).to_be_visible()
    assert page.url == base + "services/legal-aid/"
    page.click(f"{NO_ANSWER} a >> nth=0")
    page.wait_for_url(base + "finder/")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_confident_query_shows_no_no_answer_block(page: Page, served_site: str, lang: str) -> None:
    page.goto(served_site + LANG_ROOTS[lang])
    search_for(page, OFF_TOPIC[lang])
    expect(page.locator(NO_ANSWER)).to_be_visible()
    search_for(page, {"zh": "干活受伤了", "en": "fell at work"}[lang])  # a situation phrase, after an off-topic query
    expect(page.locator(NO_ANSWER)).to_be_hidden()
    expect(page.locator(WEAK)).to_be_hidden()
    expect(page.locator(STATUS)).to_be_visible()
    assert service_number(result_urls(page)[0]) == 24


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_no_answer_block_works_in_the_offline_copy(page: Page, offline_copy: Path, lang: str) -> None:
    page.goto((offline_copy / LANG_ROOTS[lang] / "index.html").as_uri())
    search_for(page, OFF_TOPIC[lang])
    finder, audiences, phone = expect_no_answer(page, lang, OFF_TOPIC[lang])
    assert [file_of(finder).is_file(), file_of(audiences).is_file(), phone] == [True, True, f"tel:{HELP_LINE.phone}"]
    assert finder.endswith("/finder/index.html") and audiences.endswith("/audiences/index.html")
    page.click(f"{NO_ANSWER} a >> nth=1")
    page.wait_for_url(audiences)
    expect_real_page(page)


# ---- 4. language switch ----

@pytest.mark.parametrize("path", ["services/legal-aid/", f"chapters/{HANDBOOK.chapters[0].id}/", ""],
                         ids=["service", "chapter", "home"])
def test_language_switch_goes_to_the_same_page_and_back(page: Page, served_site: str, path: str) -> None:
    page.goto(served_site + path)
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG["zh"])
    page.click(".hb-lang")
    page.wait_for_url(served_site + "en/" + path)
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG["en"])
    page.click(".hb-lang")
    page.wait_for_url(served_site + path)
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG["zh"])


# ---- 5. phones ----

@pytest.mark.parametrize("large", [False, True], ids=["normal text", "larger text"])
@pytest.mark.parametrize("which", ["extreme-poverty-support", "longest"])
def test_english_service_page_fits_a_phone(page: Page, served_site: str, built_site: Path, which: str, large: bool) -> None:
    path = longest_service_page(built_site, "en") if which == "longest" else f"en/services/{which}/"
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(served_site + path)
    if large:
        page.click(".hb-textsize")
        expect(page.locator("html")).to_have_class(re.compile(r"\bhb-large\b"))
    assert scroll_width(page) <= 360, f"{path} is {scroll_width(page)} px wide on a 360 px phone"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_glossary_fits_a_phone(page: Page, served_site: str, lang: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(served_site + LANG_ROOTS[lang] + "glossary/")
    assert scroll_width(page) <= 360


# ---- 6. larger text ----

def test_larger_text_is_remembered_across_pages_until_reset(page: Page, served_site: str) -> None:
    html, button = page.locator("html"), page.locator(".hb-textsize")
    large = re.compile(r"\bhb-large\b")
    page.goto(served_site + "services/legal-aid/")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(html).to_have_class(large)
    page.goto(served_site + "en/chapters/")
    expect(html).to_have_class(large)
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_have_text(string("en", "normal_text"), use_inner_text=True)
    button.click()
    expect(html).not_to_have_class(large)
    expect(button).to_have_attribute("aria-pressed", "false")
    page.goto(served_site)
    expect(html).not_to_have_class(large)
    expect(button).to_have_text(string("zh", "larger_text"), use_inner_text=True)


# ---- 7. the offline copy ----

def file_of(url: str) -> Path:
    """A file:// URL → the path it opens."""
    return Path(unquote(urlsplit(url).path))


def expect_real_page(page: Page) -> None:
    """The page open is one of the handbook's HTML pages (not a directory listing, not a missing file)."""
    assert page.url.startswith("file://") and page.url.endswith(".html"), page.url
    assert file_of(page.url).is_file(), page.url
    expect(page.locator("form.hb-search #hb-q")).to_be_attached()
    expect(page.locator("h1").first).to_be_visible()


def test_offline_copy_works_from_files_without_the_network(page: Page, offline_copy: Path) -> None:
    root = offline_copy
    remote: list[str] = []
    page.on("request", lambda r: remote.append(r.url) if r.url.startswith(("http:", "https:")) else None)
    legal_aid = next(s for s in HANDBOOK.services if s.id == "legal-aid")
    department = HANDBOOK.department(legal_aid.departments[0])

    page.goto((root / "en/services/legal-aid/index.html").as_uri())
    page.click(f'.md-content a[href*="departments/{department.id}/"]')
    page.wait_for_url(f"**/en/departments/{department.id}/index.html")
    expect_real_page(page)
    expect(page.locator("h1")).to_contain_text(department.name["en"])

    page.go_back()
    page.click(".hb-lang")
    page.wait_for_url((root / "services/legal-aid/index.html").as_uri())
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG["zh"])
    page.click(".hb-lang")
    page.wait_for_url((root / "en/services/legal-aid/index.html").as_uri())

    urls = search_for(page, "pension")
    assert urls and all(file_of(u).is_file() for u in urls), urls
    page.click(f"{RESULT_LINKS} >> nth=0")
    page.wait_for_url(urls[0])
    expect_real_page(page)
    assert remote == []


def test_offline_title_link_opens_the_home_page(page: Page, offline_copy: Path) -> None:
    page.goto((offline_copy / "en/services/legal-aid/index.html").as_uri())
    page.click(".hb-title")
    page.wait_for_load_state()
    assert page.url == (offline_copy / "en/index.html").as_uri(), page.title()


# ---- 8. the browser's search agrees with generator/web/search.py ----

TERM_QUERIES = [
    "低保", "医保", "打疫苗", "怎么办理低保", "我想申请公租房吗", "哪里可以打疫苗？", "残疾人补贴", "低", "的",
    "养老金 pension", "dibao低保", "ＰＥＮＳＩＯＮ", "Ｌｅｇａｌ　ａｉｄ", "legal aid!", "Vaccinations", "ÉCOLE",
    "naïve café", "45", "第45项", "No. 73", "2018年12月", "covid-19", "school-meals", "What can I get for my child?",
    "how do I get free tuition", "classes passes studies applied", "yanglaojin", "ylj", "，。！？…", "", "   ",
    "①②③", "ﬁnance", "㐀㐁", "豈", "医疗保险、生育保险", "yǎnglǎo", "di1bao3", "lü lv", "養老保險", "sholarship",
    "constructor", "__proto__", "hasOwnProperty toString", "ｙａｎｇｌａｏ", "İstanbul ǅ", "wheel chair", "4a", "第4a项",
    "my mum is 85 does she get money", "check up", "残疾人补帖", "养老宝险", "底保",
]
RANKING_QUERIES = {
    "zh": ["低保", "医保", "打疫苗", "营养餐", "残疾人补贴", "公租房", "yanglaojin", "ylj", "怎么办理低保", "养老保险",
           "免费", "学生", "45", "dibao", "老年人", "就业 培训", "医疗", "县民政局", "孤儿"],
    "en": ["pension", "vaccination", "legal aid", "school meals", "disability allowance", "funeral", "child",
           "old people", "health insurance", "job training", "45", "free", "stud", "hous", "Civil Affairs Bureau"],
}


def ranking_test_set(lang: str) -> list[str]:
    """The ranking test set's queries in a language (tests/search_queries.yaml), and the ones above."""
    data = yaml.safe_load((ROOT / "tests" / "search_queries.yaml").read_text(encoding="utf-8"))
    return list(dict.fromkeys([q["q"] for items in data[lang].values() for q in items] + RANKING_QUERIES[lang] + TERM_QUERIES))


MANIFEST = {lang: f"{root}search/index.{lang}.js" for lang, root in LANG_ROOTS.items()}  # from the site's root
EACH_QUERY = """async ([url, lang, qs]) => {
  var out = [];
  for (var i = 0; i < qs.length; i++) {  /* each query on an index that holds nothing yet, as on a fresh page */
    var index = await window.handbookIndex(url, lang, true), q = qs[i];
    await window.handbookAnswer(index, q, 10);
    out.push(%s);
  }
  return out;
}"""


@pytest.fixture
def index_page(page: Page, served_site: str) -> Page:
    """The Chinese home page, whose script loads either language's index (window.handbookIndex)."""
    page.goto(served_site)
    page.wait_for_function("() => window.handbookIndex")
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_units_scores_and_order_match_the_python_reference_for_every_test_query(index_page: Page, built_site: Path,
                                                                                 lang: str) -> None:
    """Each query run on what it loads (the manifest and the chunks it needs) gives what Python gives on the whole index."""
    queries = ranking_test_set(lang)
    browser = index_page.evaluate(EACH_QUERY % "[window.handbookUnits(index, q), window.handbookRank(index, q, 10)]",
                                  [MANIFEST[lang], lang, queries])
    index = load_index(built_site, lang)
    python = [json.loads(json.dumps([query_units(index, q), rank(index, q, 10)])) for q in queries]
    assert len(queries) > 100 and sum(bool(ranked) for _, ranked in python) > 100
    assert dict(zip(queries, browser, strict=True)) == dict(zip(queries, python, strict=True))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_query_loads_the_chunks_the_python_reference_names(index_page: Page, built_site: Path, lang: str) -> None:
    """The browser's plan (handbook.js) and Python's (searchchunks.py) load the same pieces for every test query."""
    queries = ranking_test_set(lang)
    browser = index_page.evaluate(EACH_QUERY % "window.handbookLoaded(index).sort()", [MANIFEST[lang], lang, queries])
    pieces = read_files(search_files(built_site, lang))
    python = [sorted(name.removesuffix(".js") for name in load_for(pieces, lang, q)[1][1:]) for q in queries]
    assert dict(zip(queries, browser, strict=True)) == dict(zip(queries, python, strict=True))
    assert max(len(loaded) for loaded in python) < len(search_files(built_site, lang)) - 1  # never the whole index


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_confidence_matches_the_python_reference_for_the_ranking_and_off_topic_sets(index_page: Page, built_site: Path,
                                                                                      lang: str) -> None:
    """Every ranking-set query is confident and every off-topic one is not, in the browser as in Python."""
    data = yaml.safe_load((ROOT / "tests" / "search_queries.yaml").read_text(encoding="utf-8"))
    queries = [q["q"] for items in data[lang].values() for q in items] + data["off_topic"][lang]
    browser = index_page.evaluate(EACH_QUERY % "window.handbookConfident(index, q)", [MANIFEST[lang], lang, queries])
    index = load_index(built_site, lang)
    python = [confident(index, q, rank(index, q, 10)) for q in queries]
    wanted = [True] * (len(queries) - len(data["off_topic"][lang])) + [False] * len(data["off_topic"][lang])
    assert dict(zip(queries, browser, strict=True)) == dict(zip(queries, python, strict=True)) == dict(zip(queries, wanted,
                                                                                                            strict=True))


@pytest.mark.parametrize("query", ["低保", "驾照"])
@pytest.mark.parametrize("where", ["served", "offline"])
def test_a_two_character_query_loads_only_the_manifest_and_the_pieces_it_needs(page: Page, served_site: str,
                                                                              offline_copy: Path, built_site: Path,
                                                                              where: str, query: str) -> None:
    """Typed on the home page, served or from file:// (the offline copy): each file once, and only what
    searchchunks.load_for() names (the manifest, the chunks of the query's terms, the results' document blocks)."""
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url.rsplit("/", 1)[-1]) if "/search/" in r.url else None)
    page.goto(served_site if where == "served" else (offline_copy / "index.html").as_uri())
    page.focus("#hb-q")  # loads the manifest
    expect(page.locator(RESULTS)).to_be_hidden()
    assert search_for(page, query)
    files = search_files(built_site, "zh")
    wanted = load_for(read_files(files), "zh", query)[1]
    assert sorted(fetched) == sorted(wanted) and len(wanted) < len(files) / 2, (fetched, wanted)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ranked_results_match_the_python_search(page: Page, served_site: str, built_site: Path, lang: str) -> None:
    """The page's own index, which keeps what earlier queries loaded, ranks as Python does."""
    page.goto(served_site + LANG_ROOTS[lang])
    page.wait_for_function("() => window.handbookIndex")
    queries = RANKING_QUERIES[lang]
    browser = page.evaluate("""async ([url, lang, qs]) => {
      var index = await window.handbookIndex(url, lang), out = [];
      for (var i = 0; i < qs.length; i++) {
        await window.handbookAnswer(index, qs[i], 10);
        out.push(window.handbookQuery(index, qs[i], 10).map(doc => doc[0]));
      }
      return out;
    }""", [f"search/index.{lang}.js", lang, queries])
    index = load_index(built_site, lang)
    python = [search(index, q, 10) for q in queries]
    assert all(python), "every query finds something"
    assert dict(zip(queries, browser, strict=True)) == dict(zip(queries, python, strict=True))


# ---- the not-found page (404.html, which static hosts serve for any missing URL; its links are absolute) ----

BASE_URL_404 = ("MkDocs gives 404 pages base_url = the site's path ('/' or '/en/'), and hb-header.html writes "
                "'{{ base_url }}/', so the 404 page gets '//' (zh) and '/en//' (en)")


@pytest.mark.parametrize("lang", [
    "zh",
    "en",
])
def test_not_found_page_switches_to_the_other_languages_home(page: Page, served_site: str, lang: str) -> None:
    other = "en" if lang == "zh" else "zh"
    page.goto(served_site + LANG_ROOTS[lang] + "404.html")
    assert page.eval_on_selector(".hb-lang", "a => a.href") == served_site + LANG_ROOTS[other]
    page.click(".hb-lang")
    page.wait_for_url(served_site + LANG_ROOTS[other])
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[other])


@pytest.mark.parametrize("lang", [
    "zh",
    "en",
])
def test_not_found_page_search_works(page: Page, served_site: str, lang: str) -> None:
    elsewhere: list[str] = []
    page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith(served_site) else None)
    page.goto(served_site + LANG_ROOTS[lang] + "404.html")
    page.focus("#hb-q")  # loads the index
    page.wait_for_load_state("networkidle")
    assert elsewhere == []
    urls = search_for(page, {"zh": "低保", "en": "pension"}[lang])
    assert urls and urls[0].startswith(served_site + LANG_ROOTS[lang] + "services/"), urls
    assert all(u.startswith(served_site + LANG_ROOTS[lang]) and "//" not in u.split("://", 1)[1] for u in urls), urls


# ---- 9. no errors ----

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_console_errors_or_failed_requests(page: Page, served_site: str, problems: list[str], lang: str) -> None:
    base = served_site + LANG_ROOTS[lang]
    for url in (base, base + "services/legal-aid/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")  # all loaded (the favicon too), so leaving aborts nothing
    assert search_for(page, {"zh": "法律援助", "en": "legal aid"}[lang])
    page.wait_for_load_state("networkidle")
    assert problems == []
