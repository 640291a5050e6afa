"""The finder, the phone-first home page and elder mode in a real browser (Debian's Chromium via pytest-playwright):
personas through the URL, the URL round trip and Back, keyboard only, file:// in the offline copy, no JavaScript,
axe in both text sizes and colour schemes, touch targets, the home page's first screen, read-aloud with a stubbed
speechSynthesis, printing on one page, and finder.js's classify() agreeing with generator/data/eligibility.py.

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
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from generator.data.eligibility import classify
from generator.data.load import load_project
from generator.web.search import search

from ..conftest import ROOT, write_project
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

# Personas as eligibility.classify() takes them (the finder's URL keys; empty list, False, 0 or "none" = answered "no").
PERSONAS: dict[str, dict[str, Any]] = {
    "older-rural-dibao": {"age": 70, "sex": "female", "residence": "rural", "status": ["dibao"], "disability": 0,
                          "pregnant": False, "child": [], "school": [], "work": "none", "veteran": False,
                          "family-planning": "none"},
    "pregnant-urban-employee": {"age": 28, "sex": "female", "residence": "urban", "status": [], "disability": 0,
                                "pregnant": True, "child": [2], "school": ["preschool"], "work": "employee"},
    "unemployed-graduate": {"age": 22, "sex": "male", "work": "graduate"},
    "disabled-father-of-a-pupil": {"age": 45, "sex": "male", "residence": "rural", "disability": 2, "child": [9, 16],
                                   "school": ["primary", "senior"], "status": ["registered-poor"]},
    "veteran-only-child-family": {"age": 62, "sex": "male", "veteran": True, "family-planning": "only-child"},
    "nothing-answered": {},
}


def fragment(answers: dict[str, Any]) -> str:
    """Answers → the URL fragment the finder writes (README: the finder's URL keys), without '#'."""
    order = ("age", "sex", "residence", "status", "disability", "pregnant", "child", "school", "work", "veteran",
             "family-planning")
    parts = []
    for key in (k for k in order if k in answers):
        value = answers[key]
        if key == "disability":
            text = str(value) if value else "none"
        elif isinstance(value, bool):
            text = "yes" if value else "no"
        elif isinstance(value, (list, set, frozenset)):
            items = sorted(value) if isinstance(value, (set, frozenset)) else value
            text = ",".join(map(str, items)) if items else "none"
        else:
            text = str(value)
        parts.append(f"{key}={text}")
    return "&".join(parts)


def expected_groups(answers: dict[str, Any]) -> dict[int, str]:
    """What the finder should show for the answers: service number → group (only 'everyone' while nothing is answered)."""
    found = {s.number: classify(s.eligibility, answers) for s in HANDBOOK.services if s.eligibility}  # type: ignore[arg-type]
    return {n: g for n, g in found.items() if g == "everyone" or (g and answers)}


def shown_groups(page: Page) -> dict[int, str]:
    return {int(n): g for n, g in page.eval_on_selector_all(RESULTS, "els => els.map(e => [e.dataset.number, e.dataset.group])")}


def open_finder(page: Page, base: str, lang: str, answers: dict[str, Any] | None = None) -> None:
    page.goto(base + LANG_ROOTS[lang] + "finder/" + ("#" + fragment(answers) if answers else ""))
    expect(page.locator(".hb-finder__form")).to_be_visible()


def string(lang: str, key: str, **values: object) -> str:
    return CONFIG.strings[lang][key].format(**values)


def counted(lang: str, key: str, n: int) -> str:
    """A count in words as the finder and search write it: '1 service', '3 services', '3项'."""
    one = CONFIG.strings[lang].get(f"{key}_one")
    return (one if n == 1 and one else CONFIG.strings[lang][key]).format(count=n)


# ---- 1. the JavaScript evaluator agrees with generator/data/eligibility.py ----

def answer_samples(count: int = 400) -> list[dict[str, Any]]:
    """Many answer sets, deterministic: every key sometimes missing, sometimes 'none', sometimes each value."""
    rng = random.Random(12)
    values: dict[str, list[Any]] = {
        "age": [0, 3, 6, 15, 16, 18, 22, 35, 45, 54, 55, 58, 59, 60, 64, 65, 70, 80, 99],
        "sex": ["male", "female"], "residence": ["urban", "rural"],
        "status": [[], ["dibao"], ["tekun"], ["registered-poor"], ["low-income"], ["dibao", "registered-poor"]],
        "disability": [0, 1, 2, 3, 4], "pregnant": [True, False],
        "child": [[], [0], [2], [3], [5], [6], [12], [15], [17], [1, 14]],
        "school": [[], ["preschool"], ["primary"], ["junior"], ["senior"], ["vocational"], ["university"], ["primary", "senior"]],
        "work": ["unemployed", "graduate", "employee", "flexible", "none"], "veteran": [True, False],
        "family-planning": ["only-child", "two-daughters", "child-died-or-disabled", "none"],
    }
    samples = [dict(p) for p in PERSONAS.values()]
    for _ in range(count):
        samples.append({k: rng.choice(v) for k, v in values.items() if rng.random() < 0.6})
    return samples


def js_verdicts(page: Page, data: list[dict[str, Any]], samples: list[dict[str, Any]]) -> list[list[str | None]]:
    page.set_content("<!doctype html><html lang='en'><body></body></html>")
    page.add_script_tag(path=str(FINDER_JS))
    return page.evaluate("([data, samples]) => samples.map(a => data.map(s => window.handbookFinder.classify(s, a)))",
                         [data, samples])


@pytest.mark.parametrize("project", ["fixture", "real"])
def test_javascript_classify_matches_python(page: Page, tmp_path: Path, project: str) -> None:
    from generator.data.eligibility import eligibility_data
    root = ROOT if project == "real" else write_project(tmp_path / "finder", FINDER_SERVICES, finder_config())
    _, handbook = load_project(root)
    data = eligibility_data(handbook)
    assert data, "services with eligibility"
    samples = answer_samples()
    python = [[classify(handbook.service(s["number"]).eligibility, a) for s in data] for a in samples]  # type: ignore[arg-type]
    browser = js_verdicts(page, data, samples)
    differences = [(a, s["number"], p, b) for a, ps, bs in zip(samples, python, browser, strict=True)
                   for s, p, b in zip(data, ps, bs, strict=True) if p != b]
    assert differences == [], differences[:5]


def test_fragments_parse_and_format_like_the_python_mirror(page: Page) -> None:
    page.set_content("<!doctype html><html lang='en'><body></body></html>")
    page.add_script_tag(path=str(FINDER_JS))
    samples = answer_samples(100)
    formatted = page.evaluate("samples => samples.map(a => window.handbookFinder.formatAnswers(a))", samples)
    assert formatted == [fragment(a) for a in samples]
    parsed = page.evaluate("fs => fs.map(f => window.handbookFinder.parseAnswers('#' + f))", formatted)
    assert parsed == samples


# ---- 2. personas through the URL ----

@pytest.mark.parametrize("persona", list(PERSONAS))
def test_personas_through_the_url(page: Page, served_site: str, persona: str) -> None:
    answers = PERSONAS[persona]
    expected = expected_groups(answers)
    for lang in ("zh", "en") if persona == "older-rural-dibao" else ("en",):
        open_finder(page, served_site, lang, answers)
        assert shown_groups(page) == expected
        for group in ("likely", "maybe", "everyone"):
            n = sum(1 for g in expected.values() if g == group)
            expect(page.locator(f'[data-results="{group}"] [data-count]')).to_have_text(counted(lang, "finder_count", n))


@pytest.mark.parametrize("persona", READ_FROM_THE_APPENDIX, ids=[p.name for p in READ_FROM_THE_APPENDIX])
def test_appendix_personas_through_the_url(page: Page, served_site: str, persona: Persona) -> None:
    """tests/data/test_eligibility.py's personas (expectations read from the appendix), as the finder page shows them."""
    open_finder(page, served_site, "zh", dict(persona.answers))
    shown = shown_groups(page)
    groups = {g: {n for n, x in shown.items() if x == g} for g in ("likely", "maybe", "everyone")}
    if not persona.answers:  # nothing answered yet: the finder asks for answers and lists only the services for everyone
        expect(page.locator("[data-finder-hint]")).to_be_visible()
        assert groups == {"likely": set(), "maybe": set(), "everyone": EVERYONE}
        return
    assert groups["likely"] == persona.likely
    assert persona.maybe - groups["maybe"] == set()
    assert persona.never & (groups["likely"] | groups["maybe"]) == set()
    assert groups["everyone"] == EVERYONE


def test_each_result_has_number_name_summary_and_link(page: Page, served_site: str) -> None:
    open_finder(page, served_site, "en", PERSONAS["older-rural-dibao"])
    for item in page.locator(RESULTS).all()[:12]:
        number = int(item.get_attribute("data-number") or 0)
        service = HANDBOOK.service(number)
        link = item.locator("a")
        expect(link).to_have_text(f"No. {number} {service.name['en']}")
        assert link.get_attribute("href") == f"../services/{service.id}/"
        expect(item.locator("span")).to_have_text(service.summary["en"])


# ---- 3. the URL round trip, Back, nothing sent ----

def test_answers_go_into_the_url_and_back_undoes_them(page: Page, served_site: str) -> None:
    requests: list[str] = []
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
    page.go_back()
    expect(page).to_have_url(re.compile(r"#age=70&residence=rural&status=dibao$"))
    expect(page.locator('input[name=status][value=dibao]')).to_be_checked()
    assert shown_groups(page) == expected_groups({"age": 70, "residence": "rural", "status": ["dibao"]})
    page.go_back()
    expect(page).to_have_url(re.compile(r"#age=70&residence=rural$"))
    page.reload()
    expect(page.locator("#hb-f-age")).to_have_value("70")
    expect(page.locator('input[name=residence][value=rural]')).to_be_checked()
    assert shown_groups(page) == expected_groups({"age": 70, "residence": "rural"})
    assert [u for u in requests if "age=" in u or "dibao" in u] == []  # the answers never reach the server


def test_clear_all_answers(page: Page, served_site: str) -> None:
    open_finder(page, served_site, "zh", PERSONAS["older-rural-dibao"])
    page.click("button[type=reset]")
    expect(page.locator("#hb-f-age")).to_have_value("")
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
    for _ in range(200):  # Tab on to the first result
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
    expect(page.locator(".hb-finder__form")).to_be_visible()
    assert shown_groups(page) == expected_groups(answers)
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


# ---- 6. printing: one page, the answers in words ----

@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("answers", [PERSONAS["older-rural-dibao"], {"age": 40, "status": ["dibao"], "residence": "rural"}],
                         ids=["older-rural-dibao", "most services shown"])
def test_printing_gives_one_page_with_the_answers_in_words(page: Page, served_site: str, lang: str,
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
    answered = page.locator("[data-answers] dd")
    expect(answered.first).to_be_visible()
    expect(page.locator("[data-answers]")).to_contain_text(string(lang, "finder_status_dibao"))
    expect(page.locator("[data-answers]")).to_contain_text(string(lang, "finder_residence_rural"))
    expect(page.locator(".hb-finder__form")).to_be_hidden()
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert len(pdf.pages) == 1, f"{len(pdf.pages)} pages"
    if lang == "en":  # (the Chinese text needs a CJK font to extract)
        text = re.sub(r"\s+", " ", pdf.pages[0].extract_text())
        for number in expected_groups(answers):
            assert f"No. {number} " in text


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
    text = (built_site / "en/search/index.en.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("=", text.index("]")) + 1:].rstrip().rstrip(";"))
    words = sorted({w for s in HANDBOOK.services for w in re.findall(r"[a-z]{5,}", s.name["en"].lower())})
    query = next(w for w in itertools.chain(words) if len(search(index, w, 10)) == 1)
    page.goto(served_site + "en/")
    page.fill("#hb-q", query)
    expect(page.locator("form.hb-search .hb-results__status")).to_have_text("1 result")
