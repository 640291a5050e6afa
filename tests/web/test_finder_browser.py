"""The finder, the phone-first home page and elder mode in a real browser (Debian's Chromium via pytest-playwright):
finder.js's judge() agreeing with generator/data/eligibility.py (verdicts, reasons, words, order) on every persona,
personas through the URL (served and from file://, both languages), old links, the URL round trip with one Back
leaving the finder, the language switch carrying the answers, "show the rest" without layout shift, keyboard only,
no JavaScript, printing on at most two A4 pages, axe in both text sizes and colour schemes, touch targets, the home
page's first screen, and read-aloud with a stubbed speechSynthesis.

Fixtures in conftest.py: `built_site` (the real site, built once), `served_site` (its local URL), `offline_copy`.
"""
from __future__ import annotations

import io
import itertools
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route, expect
from pypdf import PdfReader

from generator.data.eligibility import KEYS, Result, classify, eligibility_data, eligibility_rules, judge, sort_results
from generator.data.load import load_project
from generator.present.filters import script
from generator.present.views import FINDER_SHOWN, FinderViews
from generator.web.search import search

from ..conftest import ROOT, site_search_index, write_project
from ..data.test_eligibility import EVERYONE, Persona
from ..data.test_eligibility import PERSONAS as READ_FROM_THE_APPENDIX
from .test_finder import FINDER_SERVICES, finder_config

pytestmark = pytest.mark.slow
CONFIG, HANDBOOK = load_project(ROOT)
LANG_ROOTS = {"zh": "", "en": "en/"}
FINDER_JS = ROOT / "templates" / "theme" / "assets" / "finder.js"
RESULTS = "[data-finder-results] li[data-number]"
LARGE = re.compile(r"\bhb-large\b")
AXE = Axe()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
APPENDIX = {p.name: p for p in READ_FROM_THE_APPENDIX}

def plain(answers: Any) -> dict[str, Any]:
    """Answers with sets as sorted lists, as JSON and the browser hold them."""
    return {k: sorted(v) if isinstance(v, (set, frozenset)) else v for k, v in dict(answers).items()}


# A few households as eligibility.judge() takes them (the finder's URL keys; [], False, 0 or "none" = answered "no").
PERSONAS: dict[str, dict[str, Any]] = {
    "older-rural-dibao": plain(APPENDIX["rural widow of 72 on dibao, living alone"].answers),
    "pregnant-urban-employee": {"age": 28, "sex": "female", "residence": "urban", "status": [], "disability": 0,
                                "study": "none", "pregnant": True, "child": [{"age": 2, "study": "preschool"}],
                                "work": "employee"},
    "unemployed-graduate": {"age": 22, "sex": "male", "work": "graduate"},
    "disabled-father-of-a-pupil": {"age": 45, "sex": "male", "residence": "rural", "disability": 2,
                                   "child": [{"age": 9, "study": "primary", "disability": 0}, {"age": 16, "study": "senior"}],
                                   "status": ["registered-poor"]},
    "parent-of-a-disabled-pupil": plain(APPENDIX["rural parent of 38 without a certificate, flexible work, a girl of 9 at "
                                                "primary school with a grade 2 one"].answers),
    "veteran-only-child-family": {"age": 62, "sex": "male", "veteran": True, "family-planning": "only-child"},
    "nothing-answered": {},
}


def fragment(answers: dict[str, Any]) -> str:
    """Answers → the URL fragment the finder writes (README: the finder's URL keys), without '#'."""
    parts = []
    for key in (k for k in KEYS if k in answers):
        value = answers[key]
        if key == "disability":
            text = str(value) if value else "none"
        elif isinstance(value, bool):
            text = "yes" if value else "no"
        elif key == "child":
            text = ",".join(str(c["age"]) + (f".{c['study']}" if "study" in c else "") +
                            (f".d{c['disability']}" if "disability" in c else "") for c in value) or "none"
        elif isinstance(value, (list, set, frozenset)):
            items = sorted(value) if isinstance(value, (set, frozenset)) else value
            text = ",".join(map(str, items)) if items else "none"
        else:
            text = str(value)
        parts.append(f"{key}={text}")
    return "&".join(parts)


def expected_groups(answers: dict[str, Any]) -> dict[int, str]:
    """What the finder should show for the answers: service number → group (only 'everyone' while nothing is answered)."""
    found = {s.number: classify(s.eligibility, answers) for s in HANDBOOK.services}  # type: ignore[arg-type]
    return {n: g for n, g in found.items() if g == "everyone" or (g and answers)}


def expected_list(answers: dict[str, Any], lang: str) -> list[tuple[int, str, str]]:
    """The finder's list for the answers as Python words it: (number, group, data-why or data-check), in order."""
    views = FinderViews(HANDBOOK, CONFIG, lang)
    results = {s.number: judge(eligibility_rules(s.eligibility, lang), answers)  # type: ignore[arg-type]
               for s in HANDBOOK.services}
    shown = expected_groups(answers)
    out = []
    for group in ("likely", "maybe", "everyone"):
        for n in sort_results({n: r for n, r in results.items() if shown.get(n) == group}):
            out.append((n, group, words(views, results[n])))
    return out


def words(views: FinderViews, result: Result) -> str:
    """A result → its data-why (likely) or data-check (maybe) text, as Python writes it."""
    if result.verdict == "likely":
        return views.because_text(result.because, result.basis)
    return views.check_text(result.questions, result.conditions) if result.verdict == "maybe" else ""


def shown_groups(page: Page) -> dict[int, str]:
    return {int(n): g for n, g in page.eval_on_selector_all(RESULTS, "els => els.map(e => [e.dataset.number, e.dataset.group])")}


def shown_list(page: Page) -> list[tuple[int, str, str]]:
    return [(int(n), g, w) for n, g, w in page.eval_on_selector_all(
        RESULTS, "els => els.map(e => [e.dataset.number, e.dataset.group, e.dataset.why || e.dataset.check || ''])")]


def open_finder(page: Page, base: str, lang: str, answers: dict[str, Any] | None = None) -> None:
    """The finder page, once its script has drawn the results (the form shows before that: finder-load.js)."""
    page.goto(base + LANG_ROOTS[lang] + "finder/" + ("#" + fragment(answers) if answers else ""))
    expect(page.locator(".hb-finder__form")).to_be_visible()
    expect(page.locator("[data-finder-results]")).to_be_visible()


def string(lang: str, key: str, **values: object) -> str:
    return CONFIG.strings[lang][key].format(**values)


def counted(lang: str, key: str, n: int) -> str:
    """A count in words as the finder and search write it: '1 service', '3 services', '3项'."""
    one = CONFIG.strings[lang].get(f"{key}_one")
    return (one if n == 1 and one else CONFIG.strings[lang][key]).format(count=n)


# ---- 1. the JavaScript evaluator agrees with generator/data/eligibility.py ----

def kid_samples(rng: random.Random) -> list[dict[str, Any]]:
    """Zero to three children, each with or without a stage and a certificate."""
    kids = []
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        kid: dict[str, Any] = {"age": rng.choice([0, 2, 3, 4, 6, 9, 12, 15, 16, 17, 18, 20, 25])}
        if rng.random() < 0.7:
            kid["study"] = rng.choice(["none", "preschool", "primary", "junior", "senior", "vocational", "university"])
        if rng.random() < 0.6:
            kid["disability"] = rng.choice([0, 0, 1, 2, 3, 4])
        kids.append(kid)
    return kids


def answer_samples(count: int = 400) -> list[dict[str, Any]]:
    """Many answer sets, deterministic: every key sometimes missing, sometimes 'none', sometimes each value."""
    rng = random.Random(12)
    values: dict[str, list[Any]] = {
        "age": [0, 3, 6, 9, 15, 16, 17, 18, 22, 35, 45, 54, 55, 58, 59, 60, 64, 65, 70, 80, 99],
        "sex": ["male", "female"], "residence": ["urban", "rural"],
        "status": [[], ["dibao"], ["tekun"], ["registered-poor"], ["low-income"], ["dibao", "registered-poor"]],
        "disability": [0, 1, 2, 3, 4], "pregnant": [True, False],
        "study": ["none", "preschool", "primary", "junior", "senior", "vocational", "university"],
        "work": ["unemployed", "graduate", "employee", "flexible", "none"], "veteran": [True, False],
        "family-planning": ["only-child", "two-daughters", "child-died-or-disabled", "none"],
    }
    samples = [dict(p) for p in PERSONAS.values()] + [plain(p.answers) for p in READ_FROM_THE_APPENDIX]
    for _ in range(count):
        sample = {k: rng.choice(v) for k, v in values.items() if rng.random() < 0.6}
        if rng.random() < 0.6:
            sample["child"] = kid_samples(rng)
        samples.append({k: sample[k] for k in KEYS if k in sample})
    return samples


def load_finder_js(page: Page) -> None:
    page.set_content("<!doctype html><html lang='en'><body></body></html>")
    page.add_script_tag(path=str(FINDER_JS))


def python_judged(handbook: Any, lang: str, samples: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Every sample and service → judge()'s result as JSON (tuples as lists), services in the finder's order."""
    out = []
    for answers in samples:
        results = {s.number: judge(eligibility_rules(s.eligibility, lang), answers)  # type: ignore[arg-type]
                   for s in handbook.services}
        out.append([{"number": n, "verdict": results[n].verdict, "because": results[n].because,
                     "questions": results[n].questions, "conditions": results[n].conditions,
                     "rank": results[n].rank, "basis": results[n].basis} for n in sort_results(results)])
    return json.loads(json.dumps(out))


def js_judged(page: Page, data: list[dict[str, Any]], samples: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    load_finder_js(page)
    return page.evaluate("""([data, samples]) => samples.map(a => window.handbookFinder.sortResults(data, a).map(r =>
        ({number: r.service.number, verdict: r.result.verdict, because: r.result.because, questions: r.result.questions,
          conditions: r.result.conditions, rank: r.result.rank, basis: r.result.basis})))""", [data, samples])


@pytest.mark.parametrize("project", ["fixture", "real"])
def test_javascript_judges_and_orders_like_python(page: Page, tmp_path: Path, project: str) -> None:
    root = ROOT if project == "real" else write_project(tmp_path / "finder", FINDER_SERVICES, finder_config())
    _, handbook = load_project(root)
    samples = answer_samples()
    python = python_judged(handbook, "en", samples)
    browser = js_judged(page, eligibility_data(handbook, "en"), samples)
    differences = [(a, p, b) for a, p, b in zip(samples, python, browser, strict=True) if p != b]
    assert differences == [], differences[:2]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_javascript_words_results_like_python(page: Page, lang: str) -> None:
    views = FinderViews(HANDBOOK, CONFIG, lang)
    samples = answer_samples(150)
    data = eligibility_data(HANDBOOK, lang)
    results = [[judge(s, a) for s in data] for a in samples]  # type: ignore[arg-type]
    python = [[words(views, r) for r in rs] for rs in results]
    load_finder_js(page)
    browser = page.evaluate("""([data, samples, strings]) => { const say = window.handbookFinder.words(strings);
        return samples.map(a => data.map(s => { const r = window.handbookFinder.judge(s, a);
          return r.verdict === "likely" ? say.because(r) : r.verdict === "maybe" ? say.check(r) : ""; })); }""",
                            [data, samples, views.client_strings()])
    assert browser == python


def test_fragments_parse_and_format_like_the_python_mirror(page: Page) -> None:
    load_finder_js(page)
    samples = answer_samples(100)
    formatted = page.evaluate("samples => samples.map(a => window.handbookFinder.formatAnswers(a))", samples)
    assert formatted == [fragment(a) for a in samples]
    parsed = page.evaluate("fs => fs.map(f => window.handbookFinder.parseAnswers('#' + f))", formatted)
    assert parsed == samples
    assert fragment({"child": [{"age": 9, "study": "primary", "disability": 2}, {"age": 4}]}) == "child=9.primary.d2,4"


@pytest.mark.parametrize(("old", "answers"), [
    ("child=4,9&school=preschool,primary", {"child": [{"age": 4}, {"age": 9}]}),  # cannot be tied: stages unanswered
    ("child=9&school=primary", {"child": [{"age": 9, "study": "primary"}]}),  # one child, one stage
    ("child=3,12&school=none", {"child": [{"age": 3, "study": "none"}, {"age": 12, "study": "none"}]}),
    ("school=junior", {}),  # no child described
    ("age=40&child=none&school=none&disability=2", {"age": 40, "disability": 2, "child": []}),
    ("child=30,9", {"child": [{"age": 9}]}),  # over 25: not a child the finder describes
])
def test_old_links_keep_every_answer_they_can_express(page: Page, old: str, answers: dict[str, Any]) -> None:
    load_finder_js(page)
    assert page.evaluate("f => window.handbookFinder.parseAnswers(f)", "#" + old) == answers


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_old_link_opens_without_error_and_is_rewritten(page: Page, served_site: str, lang: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(served_site + LANG_ROOTS[lang] + "finder/#age=35&child=4,9&school=preschool,primary&disability=none")
    expect(page.locator(".hb-finder__form")).to_be_visible()
    answers = {"age": 35, "disability": 0, "child": [{"age": 4}, {"age": 9}]}  # the stages could not be tied
    expect(page).to_have_url(re.compile("#" + re.escape(fragment(answers)) + "$"))
    expect(page.locator("#hb-child-age-2")).to_have_value("9")
    expect(page.locator("#hb-child-study-2")).to_have_value("")
    assert shown_list(page) == expected_list(answers, lang)
    assert errors == []


# ---- 2. personas through the URL ----

@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_personas_through_the_url(page: Page, served_site: str, persona: str, lang: str) -> None:
    answers = PERSONAS[persona]
    open_finder(page, served_site, lang, answers)
    assert shown_list(page) == expected_list(answers, lang)  # groups, order and words
    expected = expected_groups(answers)
    for group in ("likely", "maybe", "everyone"):
        n = sum(1 for g in expected.values() if g == group)
        expect(page.locator(f'[data-results="{group}"] [data-count]')).to_have_text(counted(lang, "finder_count", n))


@pytest.mark.parametrize("persona", READ_FROM_THE_APPENDIX, ids=[p.name for p in READ_FROM_THE_APPENDIX])
def test_appendix_personas_through_the_url(page: Page, served_site: str, offline_copy: Path, persona: Persona) -> None:
    """tests/data/test_eligibility.py's personas (expectations read from the appendix), as the finder page shows them,
    served in Chinese and from file:// in English, with Python's words and order."""
    answers = plain(persona.answers)
    for lang, url in (("zh", served_site + "finder/"), ("en", (offline_copy / "en/finder/index.html").as_uri())):
        page.goto(url + ("#" + fragment(answers) if answers else ""))
        expect(page.locator(".hb-finder__form")).to_be_visible()  # (shown by finder-load.js, before finder.js runs)
        expect(page.locator("[data-finder-results]")).to_be_visible()  # finder.js has run and drawn the results
        shown = shown_groups(page)
        groups = {g: {n for n, x in shown.items() if x == g} for g in ("likely", "maybe", "everyone")}
        if not answers:  # nothing answered yet: the finder asks for answers and lists only the services for everyone
            expect(page.locator("[data-finder-hint]")).to_be_visible()
            assert groups == {"likely": set(), "maybe": set(), "everyone": EVERYONE}
            continue
        assert groups["likely"] == persona.likely
        assert persona.maybe - groups["maybe"] == set()
        assert persona.never & (groups["likely"] | groups["maybe"]) == set()
        assert groups["everyone"] == EVERYONE
        assert shown_list(page) == expected_list(answers, lang)


def test_each_result_has_name_summary_reason_departments_help_line_and_link(page: Page, served_site: str) -> None:
    open_finder(page, served_site, "en", PERSONAS["older-rural-dibao"])
    for item in page.locator(RESULTS).all()[:12]:
        number = int(item.get_attribute("data-number") or 0)
        service = HANDBOOK.service(number)
        link = item.locator("a").first
        expect(link).to_have_text(f"No. {number} {service.name['en']}")
        assert link.get_attribute("href") == f"../services/{service.id}/"
        expect(item.locator(".hb-result__summary")).to_have_text(service.summary["en"])
        departments = ", ".join(HANDBOOK.department(d).name["en"] for d in service.departments)
        expect(item.locator(".hb-result__meta")).to_contain_text(f"Responsible departments: {departments}")
        expect(item.locator('.hb-result__meta a[href="tel:12345"]')).to_have_text("12345")
        if item.get_attribute("data-group") == "likely":
            expect(item.locator(".hb-result__why")).to_have_text(item.get_attribute("data-why") or "-")
            assert (item.get_attribute("data-why") or "").startswith("Because you said: ")


def test_results_and_the_childrens_rows_have_large_touch_targets(page: Page, served_site: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_finder(page, served_site, "en", {"age": 40, "residence": "rural", "child": [{"age": 9, "study": "primary"}]})
    assert too_small(page, "[data-results] li a:visible, .hb-finder select, .hb-finder button:visible", 44) == []


def test_what_to_check_links_each_unanswered_question(page: Page, served_site: str) -> None:
    open_finder(page, served_site, "en", {"age": 70, "residence": "rural"})
    item = page.locator('li[data-number="45"]')  # 低保: the household's status is not answered yet
    expect(item).to_have_attribute("data-group", "maybe")
    expect(item).to_have_attribute("data-check", re.compile(r"^To check: your household's situation; "))
    page.click("[data-show-rest]")
    item.locator('a[data-question="status"]').click()
    expect(page.locator("#hb-q-status")).to_be_in_viewport()
    expect(page.locator('#hb-q-status input[value="dibao"]')).to_be_focused()
    expect(page).to_have_url(re.compile(r"#age=70&residence=rural$"))  # the answers stay in the address
    count = page.locator("[data-open-questions]")
    expect(count).to_be_visible()
    open_keys = {k for r in (judge(eligibility_rules(s.eligibility, "en"), {"age": 70, "residence": "rural"})
                             for s in HANDBOOK.services) for k in r.questions}
    expect(count).to_have_attribute("data-open-questions", str(len(open_keys)))
    expect(count).to_contain_text(f"{len(open_keys)} unanswered questions could still change this list")


def test_a_long_may_apply_group_shows_its_first_few_without_layout_shift(page: Page, served_site: str) -> None:
    page.add_init_script("""window.__shift = 0; new PerformanceObserver(l => l.getEntries().forEach(e => {
        if (!e.hadRecentInput) window.__shift += e.value; })).observe({type: 'layout-shift', buffered: true});""")
    answers = {"age": 40}
    open_finder(page, served_site, "zh", answers)
    maybe = [n for n, g in expected_groups(answers).items() if g == "maybe"]
    assert len(maybe) > FINDER_SHOWN
    expect(page.locator('[data-results="maybe"] li:visible')).to_have_count(FINDER_SHOWN)
    rest = page.locator("[data-show-rest]")
    expect(rest).to_have_text(string("zh", "finder_show_rest", count=counted("zh", "finder_count", len(maybe) - FINDER_SHOWN)))
    page.wait_for_timeout(300)
    assert page.evaluate("window.__shift") == 0
    rest.click()
    expect(page.locator('[data-results="maybe"] li:visible')).to_have_count(len(maybe))
    expect(rest).to_be_hidden()


def holding_the_finders_script(page: Page) -> list[Route]:
    """Requests for the finder's script file, held until the test lets them go (route.continue_())."""
    held: list[Route] = []
    page.route("**/finder/finder.*.js", lambda route: held.append(route))
    return held


def asked_for(page: Page, held: list[Route]) -> Route:
    """The held request for the finder's script, once the page has asked for it (a hang guard of 10 s)."""
    for _ in range(200):
        if held:
            return held[0]
        page.wait_for_timeout(50)
    raise AssertionError("the finder's script was never asked for")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_questions_show_before_the_finders_script_arrives_and_nothing_shifts(page: Page, served_site: str,
                                                                                 lang: str) -> None:
    """The page shows the questions (not the audience links) with no script file arrived; the finder's own file is
    asked for once the page is painted, and when it comes the results for the answers in the address are drawn
    without moving anything. Only handbook.js (deferred), that file and the QR codes (for printing) are asked for."""
    page.add_init_script("""window.__shift = 0; new PerformanceObserver(l => l.getEntries().forEach(e => {
        if (!e.hadRecentInput) window.__shift += e.value; })).observe({type: 'layout-shift', buffered: true});""")
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.url.endswith(".js") else None)
    held = holding_the_finders_script(page)
    answers = {"age": 70, "residence": "rural", "status": ["dibao"]}  # the example
    page.goto(served_site + LANG_ROOTS[lang] + "finder/#" + fragment(answers), wait_until="domcontentloaded")
    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0")
    expect(page.locator(".hb-finder__form")).to_be_visible()
    expect(page.locator("[data-finder-nojs]")).to_be_hidden()
    expect(page.locator("[data-finder-results]")).to_be_hidden()
    request = asked_for(page, held)
    assert len(held) == 1 and re.search(rf"/finder/finder\.{lang}\.[0-9a-f]{{8}}\.js$", request.request.url)
    request.continue_()
    expect(page.locator("[data-finder-results]")).to_be_visible()
    assert shown_list(page) == expected_list(answers, lang)
    maybe = sum(g == "maybe" for g in expected_groups(answers).values())
    expect(page.locator("[data-show-rest]")).to_be_visible(visible=maybe > FINDER_SHOWN)
    page.wait_for_timeout(300)  # a shift is reported after the frame that made it
    assert page.evaluate("window.__shift") == 0
    assert {url.rsplit("/", 1)[-1].split(".")[0] for url in scripts} <= {"handbook", "finder", "qr"}, scripts


def test_answers_given_before_the_finders_script_arrives_are_kept(page: Page, served_site: str) -> None:
    """A resident who answers while the finder's script is on its way keeps the answers: once it runs, they are in the
    address and the results are theirs."""
    held = holding_the_finders_script(page)
    page.goto(served_site + "en/finder/", wait_until="domcontentloaded")
    page.fill("#hb-f-age", "70")
    page.check("input[name=residence][value=rural]")
    asked_for(page, held).continue_()
    expect(page.locator("[data-finder-results]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"#age=70&residence=rural$"))
    assert shown_groups(page) == expected_groups({"age": 70, "residence": "rural"})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_the_finders_script_the_audience_links_come_back(page: Page, served_site: str, lang: str) -> None:
    """The finder's script file refused (a host or a copy without it): the questions, which could do nothing, give way
    to the audience links again."""
    page.route("**/finder/finder.*.js", lambda route: route.abort())
    page.goto(served_site + LANG_ROOTS[lang] + "finder/")
    expect(page.locator("[data-finder-nojs] a").first).to_be_visible()
    expect(page.locator("[data-finder-nojs] a")).to_have_count(len(HANDBOOK.audiences))
    expect(page.locator(".hb-finder__form")).to_be_hidden()
    expect(page.locator("[data-finder-results]")).to_be_hidden()


def test_a_script_written_into_a_page_reads_as_it_did(page: Page) -> None:
    """generator/present/filters.py's script(): what it escapes so that a script cannot end its element, JavaScript
    reads back unchanged."""
    source = 'var a = "</script><!-- x -->", b = /^(?:<\\/p>|<!--)$/;'
    page.set_content(f"<!doctype html><script>{script(source)}</script>")
    assert page.evaluate("[a, b.test('</p>'), b.test('<!--'), b.test('<\\\\!--')]") == ["</script><!-- x -->", True, True, False]


# ---- 3. the URL: replaced, never added to; one Back leaves; the language switch carries it ----

def test_answers_go_into_the_url_and_one_back_leaves_the_finder(page: Page, served_site: str) -> None:
    requests: list[str] = []
    page.goto(served_site + "en/")
    open_finder(page, served_site, "en")
    page.on("request", lambda r: requests.append(r.url))
    page.fill("#hb-f-age", "70")
    expect(page).to_have_url(re.compile(r"#age=70$"))
    page.check('input[name=residence][value=rural]')
    page.check('input[name=status][value=dibao]')
    expect(page).to_have_url(re.compile(r"#age=70&residence=rural&status=dibao$"))
    assert shown_groups(page) == expected_groups({"age": 70, "residence": "rural", "status": ["dibao"]})
    page.check('input[name=status][value=none]')  # "none of these" clears the others
    expect(page.locator('input[name=status][value=dibao]')).not_to_be_checked()
    expect(page).to_have_url(re.compile(r"#age=70&residence=rural&status=none$"))
    page.select_option("#hb-child-age-1", "9")
    page.select_option("#hb-child-study-1", "primary")
    page.select_option("#hb-child-disability-1", "2")
    expect(page).to_have_url(re.compile(r"#age=70&residence=rural&status=none&child=9\.primary\.d2$"))
    page.reload()
    expect(page.locator("#hb-f-age")).to_have_value("70")
    expect(page.locator("#hb-child-disability-1")).to_have_value("2")
    assert shown_groups(page) == expected_groups({"age": 70, "residence": "rural", "status": [],
                                                  "child": [{"age": 9, "study": "primary", "disability": 2}]})
    page.go_back()  # one press of Back leaves the finder
    expect(page).to_have_url(served_site + "en/")
    assert [u for u in requests if "age=" in u or "dibao" in u] == []  # the answers never reach the server


def test_a_fourth_child_gets_a_row(page: Page, served_site: str) -> None:
    answers = {"child": [{"age": a} for a in (1, 3, 5, 7)]}
    open_finder(page, served_site, "en", answers)
    expect(page.locator("[data-child-row]")).to_have_count(4)
    expect(page.locator("#hb-child-age-4")).to_have_value("7")
    page.click("[data-add-child]")
    page.select_option("#hb-child-age-5", "12")
    expect(page).to_have_url(re.compile(r"#child=1,3,5,7,12$"))


@pytest.mark.parametrize(("lang", "other"), [("zh", "en"), ("en", "zh")])
def test_the_language_switch_carries_the_answers(page: Page, served_site: str, offline_copy: Path, lang: str,
                                                 other: str) -> None:
    answers = PERSONAS["parent-of-a-disabled-pupil"]
    for url in (served_site + LANG_ROOTS[lang] + "finder/", (offline_copy / LANG_ROOTS[lang] / "finder/index.html").as_uri()):
        page.goto(url)
        page.fill("#hb-f-age", "38")
        page.goto(url + "#" + fragment(answers))
        page.click("a.hb-lang")
        expect(page).to_have_url(re.compile(re.escape(LANG_ROOTS[other] + "finder/") + r"(index\.html)?#" +
                                            re.escape(fragment(answers)) + "$"))
        expect(page.locator("#hb-child-disability-1")).to_have_value("2")
        assert shown_list(page) == expected_list(answers, other)


def test_clear_all_answers(page: Page, served_site: str) -> None:
    open_finder(page, served_site, "zh", PERSONAS["parent-of-a-disabled-pupil"])
    page.click("button[type=reset]")
    expect(page.locator("#hb-f-age")).to_have_value("")
    expect(page.locator("#hb-child-age-1")).to_have_value("")
    expect(page).to_have_url(served_site + "finder/")
    assert set(shown_groups(page).values()) <= {"everyone"}


# ---- 4. keyboard only ----

def test_keyboard_only(page: Page, served_site: str) -> None:
    open_finder(page, served_site, "en")
    page.focus("#hb-f-age")
    page.keyboard.type("70")
    page.keyboard.press("Tab")  # to the first radio of "sex" (Skip, checked)
    expect(page.locator('input[name=sex][value=""]')).to_be_focused()
    page.keyboard.press("ArrowRight")  # arrows choose within a radio group
    expect(page.locator('input[name=sex][value=male]')).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator('input[name=residence][value=rural]')).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first status: dibao
    expect(page).to_have_url(re.compile(r"#age=70&sex=male&residence=rural&status=dibao$"))
    answers = {"age": 70, "sex": "male", "residence": "rural", "status": ["dibao"]}
    assert shown_groups(page) == expected_groups(answers)
    first = page.locator(f"{RESULTS} a").first
    for _ in range(300):  # Tab on to the first result
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('li[data-number]') !== null"):
            break
    expect(first).to_be_focused()
    href = first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(served_site + "en/finder/" + (href or ""))
    page.go_back()
    expect(page.locator('input[name=status][value=dibao]')).to_be_checked()


# ---- 5. offline and without JavaScript ----

def test_finder_works_from_files_in_the_offline_copy(page: Page, offline_copy: Path) -> None:
    remote: list[str] = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith("file:") else None)
    answers = PERSONAS["older-rural-dibao"]
    page.goto((offline_copy / "finder/index.html").as_uri() + "#" + fragment(answers))
    expect(page.locator("[data-finder-results]")).to_be_visible()  # the finder's script loads from file:// too
    assert shown_list(page) == expected_list(answers, "zh")
    link = page.locator(f"{RESULTS} a").first
    href = link.evaluate("a => a.href")
    assert href.startswith("file://") and href.endswith("/index.html"), href
    link.click()
    page.wait_for_url(href)
    expect(page.locator("h1")).to_be_visible()
    assert remote == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_javascript_the_audience_links_show(browser: Browser, served_site: str, lang: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_site + LANG_ROOTS[lang] + "finder/")
    expect(page.locator(".hb-finder__form")).to_be_hidden()
    links = page.locator("[data-finder-nojs] a")
    expect(links).to_have_count(len(HANDBOOK.audiences))
    expect(links.first).to_be_visible()
    expect(links.first).to_have_text(HANDBOOK.audiences[0].name[lang])
    context.close()


# ---- 6. printing: at most two A4 pages; likely with their reasons, may-apply by name with what to check ----

@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("answers", [PERSONAS["older-rural-dibao"], PERSONAS["parent-of-a-disabled-pupil"], {"age": 40}],
                         ids=["older-rural-dibao", "parent-of-a-disabled-pupil", "most services shown"])
def test_printing_gives_at_most_two_pages_with_reasons(page: Page, served_site: str, lang: str,
                                                       answers: dict[str, Any]) -> None:
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; }")
    open_finder(page, served_site, lang, answers)
    page.click("[data-finder-print]")  # loads the QR codes, puts one beside each likely service, then prints
    page.wait_for_function("window.__printed === 1")
    likely = [n for n, g in expected_groups(answers).items() if g == "likely"]
    expect(page.locator('li[data-group="likely"] img.hb-qr')).to_have_count(len(likely))
    expect(page.locator('li[data-group="maybe"] img.hb-qr')).to_have_count(0)
    page.emulate_media(media="print")
    if likely:
        expect(page.locator("img.hb-qr").first).to_be_visible()
        expect(page.locator(".hb-result__why").first).to_be_visible()
    expect(page.locator('[data-results="maybe"] li').last).to_be_visible()  # every may-apply result, by name
    expect(page.locator('[data-results="maybe"] .hb-result__check').first).to_be_visible()
    expect(page.locator(".hb-result__summary").first).to_be_hidden()
    expect(page.locator("[data-answers] dd").first).to_be_visible()
    expect(page.locator(".hb-finder__form")).to_be_hidden()
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert len(pdf.pages) <= 2, f"{len(pdf.pages)} pages"
    if lang == "en":  # (the Chinese text needs a CJK font to extract)
        text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
        for number in expected_groups(answers):
            assert f"No. {number} " in text
        assert "Because you said:" in text or not likely


# ---- 7. accessibility: axe in both text sizes and colour schemes; touch targets ----

def axe_violations(page: Page) -> list[dict[str, Any]]:
    return AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
                   ).response["violations"]


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("large", [False, True], ids=["normal text", "larger text"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_wcag_violations_on_the_finder(page: Page, served_site: str, lang: str, large: bool, dark: bool) -> None:
    page.add_init_script(f"localStorage.setItem('hb-text', '{'large' if large else 'normal'}');"
                         f"localStorage.setItem('hb-scheme', '{'slate' if dark else 'default'}')")
    open_finder(page, served_site, lang, PERSONAS["disabled-father-of-a-pupil"])
    expect(page.locator("html")).to_have_class(LARGE) if large else expect(page.locator("html")).not_to_have_class(LARGE)
    page.wait_for_timeout(400)  # colour transitions
    violations = axe_violations(page)
    assert violations == [], json.dumps([(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations])


CONTROLS = ("button:visible, input:not([type=checkbox]):not([type=radio]):visible, label.hb-choice:visible, "
            ".hb-lang, .hb-title, [data-results] li a, .hb-tiles a, .hb-home-finder, .md-nav__link:visible, "
            ".md-footer__link:visible, summary:visible")
HEADER_AND_FINDER = ".hb-header button:visible, .hb-header a:visible, .hb-header input:visible, .hb-finder button:visible, " \
                    ".hb-finder input[type=number], .hb-finder label.hb-choice"


def too_small(page: Page, selector: str, least: float) -> list[str]:
    return page.eval_on_selector_all(selector, """(els, least) => els
        .filter(e => { const r = e.getBoundingClientRect(); return r.width && (r.width < least || r.height < least); })
        .map(e => `${e.tagName.toLowerCase()}.${e.className} "${e.textContent.trim().slice(0, 30)}"
                   ${Math.round(e.getBoundingClientRect().width)}x${Math.round(e.getBoundingClientRect().height)}`)""", least)


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 800)], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", ["", "finder/", "services/legal-aid/"], ids=["home", "finder", "service"])
def test_touch_targets(page: Page, served_site: str, path: str, viewport: tuple[int, int]) -> None:
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.add_init_script("window.speechSynthesis && (speechSynthesis.getVoices = () => [{lang: 'zh-CN', name: 'x'}])")
    page.goto(served_site + "en/" + path)
    assert too_small(page, CONTROLS, 44) == []
    page.click(".hb-textsize")
    expect(page.locator("html")).to_have_class(LARGE)
    assert too_small(page, HEADER_AND_FINDER, 60) == []
    assert too_small(page, CONTROLS, 44) == []


def test_touch_targets_in_the_phone_menu(page: Page, served_site: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(served_site + "services/legal-aid/")
    page.click(".hb-menu")
    page.wait_for_timeout(400)
    assert too_small(page, ".md-sidebar--primary .md-nav__link:visible", 44) == []


@pytest.mark.parametrize("large", [False, True], ids=["normal text", "larger text"])
def test_larger_text_mode_body_and_line_height(page: Page, served_site: str, large: bool) -> None:
    page.add_init_script(f"localStorage.setItem('hb-text', '{'large' if large else 'normal'}')")
    page.goto(served_site + "finder/")
    size, line = page.eval_on_selector(".md-typeset p", "p => [parseFloat(getComputedStyle(p).fontSize), "
                                                       "parseFloat(getComputedStyle(p).lineHeight)]")
    assert line / size >= 1.3
    if large:
        assert size >= 18


# ---- 8. the home page's first screen on a phone ----

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_first_screen_has_search_finder_and_audiences(page: Page, served_site: str, lang: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(served_site + LANG_ROOTS[lang])

    def bottom(selector: str) -> float:
        box = page.locator(selector).bounding_box()
        assert box, selector
        return box["y"] + box["height"]
    assert bottom("#hb-q") <= 844
    assert bottom(".hb-home-finder") <= 844
    tiles = page.locator(".hb-tiles a")
    expect(tiles).to_have_count(len(HANDBOOK.audiences))
    assert max(bottom(f".hb-tiles li:nth-child({i + 1}) a") for i in range(len(HANDBOOK.audiences))) <= 844
    intro = page.get_by_text(string(lang, "home_lead")[:20])
    assert (intro.bounding_box() or {"y": 0})["y"] > bottom(".hb-tiles ul")  # the introduction comes below


def test_chapter_page_lists_services_before_booklets(page: Page, served_site: str) -> None:
    page.goto(served_site + "en/chapters/education/")
    services = page.locator(".md-content a[href*='services/']").first.bounding_box()
    booklet = page.locator(".md-content a[href$='.pdf']").first.bounding_box()
    assert services and booklet and services["y"] < booklet["y"]


# ---- 9. read aloud ----

SPEECH_STUB = """
window.__spoken = []; window.__cancelled = 0;
const voices = %s;
Object.defineProperty(window, 'speechSynthesis', {value: {
  getVoices: () => voices,
  speak: u => window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.name}),
  cancel: () => { window.__cancelled++; },
  addEventListener: () => {},
}});
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_read_aloud_reads_the_service_in_the_page_language(page: Page, served_site: str, lang: str) -> None:
    voices = [{"lang": "en-US", "name": "English voice"}, {"lang": "zh-CN", "name": "Chinese voice"}]
    page.add_init_script(SPEECH_STUB % json.dumps(voices))
    page.goto(served_site + LANG_ROOTS[lang] + "services/legal-aid/")
    button, stop = page.locator("[data-read-aloud]"), page.locator("[data-read-aloud-stop]")
    expect(button).to_be_visible()
    expect(button).to_have_text(string(lang, "read_aloud"))
    expect(stop).to_be_hidden()
    button.click()
    expect(stop).to_be_visible()
    expect(stop).to_be_focused()
    spoken = page.evaluate("window.__spoken")
    service = next(s for s in HANDBOOK.services if s.id == "legal-aid")
    assert spoken[0]["text"] == service.name[lang]
    assert {u["voice"] for u in spoken} == {"Chinese voice" if lang == "zh" else "English voice"}
    text = " ".join(u["text"] for u in spoken)
    assert service.provisions[0].recipients[lang].split("\n")[0][:12] in text
    assert string(lang, "related") not in text  # stops before the related services
    stop.click()
    assert page.evaluate("window.__cancelled") >= 2  # once before speaking, once to stop
    expect(button).to_be_visible()
    expect(button).to_be_focused()


def test_read_aloud_is_hidden_without_a_voice_for_the_language(page: Page, served_site: str) -> None:
    page.add_init_script(SPEECH_STUB % json.dumps([{"lang": "en-GB", "name": "English voice"}]))
    page.goto(served_site + "services/legal-aid/")
    expect(page.locator("[data-read-aloud]")).to_be_hidden()
    page.goto(served_site + "en/services/legal-aid/")
    expect(page.locator("[data-read-aloud]")).to_be_visible()


def test_nothing_plays_or_pops_up_by_itself(page: Page, served_site: str) -> None:
    page.add_init_script(SPEECH_STUB % json.dumps([{"lang": "en-GB", "name": "English voice"}]))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("popup", lambda p: dialogs.append(p.url))
    for path in ("en/", "en/finder/", "en/services/legal-aid/"):
        page.goto(served_site + path)
        page.wait_for_timeout(200)
    assert page.evaluate("window.__spoken") == []
    assert page.locator("audio, video, [autoplay]").count() == 0
    assert dialogs == []


# ---- 10. counts in words ----

def test_search_says_1_result(page: Page, served_site: str, built_site: Path) -> None:
    index = site_search_index(built_site, "en")
    words = sorted({w for s in HANDBOOK.services for w in re.findall(r"[a-z]{5,}", s.name["en"].lower())})
    query = next(w for w in itertools.chain(words) if len(search(index, w, 10)) == 1)
    page.goto(served_site + "en/")
    page.fill("#hb-q", query)
    expect(page.locator("form.hb-search .hb-results__status")).to_have_text("1 result")
