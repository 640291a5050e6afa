"""Accessibility in a real browser (Debian's Chromium via pytest-playwright): axe-core's WCAG 2.1 A and AA rules on each
kind of page in both languages and both colour schemes, keyboard-only use of a service page, reflow on a 360 px phone
with text at 200 %, and the larger-text control that older readers rely on (on every page, remembered, from file://).

Fixtures in conftest.py: `built_site` (the real site, built once), `served_site` (its local URL) and
`browser_type_launch_args` (which Chromium, and how it is launched).
"""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from ..conftest import BROWSER_HANG_GUARD_MS, LANG_ROOTS, longest_service_page

pytestmark = pytest.mark.slow

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()

SERVICE = "services/legal-aid/"
PAGES = {  # one page of each kind, as a path inside a language's folder
    "home": "",
    "chapter": "chapters/education/",
    "service": SERVICE,
    "department": "departments/justice/",
    "audience": "audiences/older-people/",
    "downloads": "downloads/",
}
QUERIES = {"zh": "低保", "en": "pension"}
RESULT_LINKS = "form.hb-search .hb-results ol li a"  # the header's results (the home page has a second search box; the
# no-answer block, filled while a partial query found no confident match and hidden after, has links too)
LARGE = re.compile(r"\bhb-large\b")


# ---- helpers ----

def axe_violations(page: Page, rules: list[str] | None = None) -> list[dict[str, Any]]:
    """axe-core on the page as it is now → its violations of WCAG 2.1 A and AA (or of the rules named)."""
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG_TAGS}
    return AXE.run(page, options={"runOnly": only, "resultTypes": ["violations"]}).response["violations"]


def describe(violations: list[dict[str, Any]], limit: int = 8) -> str:
    """Violations → their ids, and for each the nodes (selector, HTML, what to fix), for the assertion message."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}")
        for node in v["nodes"][:limit]:
            fix = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' > '.join(map(str, node['target']))}: {node['html'][:160]}\n        {fix[:300]}")
        if len(v["nodes"]) > limit:
            lines.append(f"    … and {len(v['nodes']) - limit} more")
    return "\n".join(lines)


def set_dark(page: Page, dark: bool) -> None:
    """Choose the colour scheme with the header's button, then reload, so axe sees the colours after their transitions."""
    body, button = page.locator("body"), page.locator(".hb-scheme")
    if (body.get_attribute("data-md-color-scheme") == "slate") != dark:
        button.click()
    expect(button).to_have_attribute("aria-pressed", "true" if dark else "false")
    page.reload()
    expect(body).to_have_attribute("data-md-color-scheme", "slate" if dark else "default")


def open_results(page: Page, lang: str) -> None:
    page.fill("#hb-q", QUERIES[lang])
    expect(page.locator(RESULT_LINKS).first).to_be_visible()


def font_size(page: Page, selector: str) -> float:
    return float(page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)"))


# ---- 1. axe-core: WCAG 2.1 A and AA ----

@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("kind", [*PAGES, "search"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_wcag_violations(page: Page, served_site: str, lang: str, kind: str, dark: bool) -> None:
    page.goto(served_site + LANG_ROOTS[lang] + PAGES.get(kind, SERVICE))
    set_dark(page, dark)
    if kind == "search":
        open_results(page, lang)
    violations = axe_violations(page)
    assert violations == [], f"{page.url}:\n{describe(violations)}"


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_wcag_violations_when_search_has_no_answer(page: Page, served_site: str, lang: str, dark: bool) -> None:
    """The no-answer block (what was not found, the finder, the audience pages, the help line) and the weak matches."""
    page.goto(served_site + LANG_ROOTS[lang])
    set_dark(page, dark)
    page.fill("#hb-q", {"zh": "驾照", "en": "train tickets"}[lang])  # off topic, with weak matches
    expect(page.locator("form.hb-search [data-no-answer]")).to_be_visible()
    expect(page.locator("form.hb-search [data-weak]")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], f"{page.url}:\n{describe(violations)}"


# ---- 2. keyboard only ----

SKIP, MENU = "a.md-skip", "button.hb-menu"  # the skip link, and the menu button of narrower screens
HEADER_ORDER = [SKIP, MENU, "a.hb-title", "a.hb-lang", "button.hb-textsize", "button.hb-scheme", "input#hb-q"]
OPTIONAL = {SKIP, MENU}

FOCUSED = """async (kinds) => {
  const moving = a => a.effect && a.effect.getComputedTiming().endTime !== Infinity
    && (!(a instanceof CSSTransition) || ['transform', 'opacity', 'visibility'].includes(a.transitionProperty));
  await Promise.all(document.getAnimations().filter(moving).map(a => a.finished.catch(() => null)));  // slides, fades
  const e = document.activeElement, r = e.getBoundingClientRect(), s = getComputedStyle(e);
  let opacity = 1;
  for (let n = e; n; n = n.parentElement) opacity *= parseFloat(getComputedStyle(n).opacity);
  return {name: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.classList.length ? '.' + [...e.classList].join('.') : ''),
          kind: (kinds || []).find(k => e.matches(k)) || null,
          text: (e.textContent || e.value || '').trim().slice(0, 40), href: e.href || null,
          x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height,
          onScreen: r.width > 0 && r.height > 0 && r.left >= -1 && r.right <= innerWidth + 1 && s.visibility === 'visible'
                    && opacity > 0.5,
          outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth), boxShadow: s.boxShadow,
          inHeader: !!e.closest('header'), inContent: !!e.closest('.md-content'), inMenu: !!e.closest('.md-sidebar--primary')};
}"""


def focused(page: Page) -> dict[str, Any]:
    """The element focused now, once transitions are over: its box in page coordinates, whether it is on screen, its
    focus style, which of HEADER_ORDER it is."""
    return page.evaluate(FOCUSED, HEADER_ORDER)  # type: ignore[no-any-return]


def tab(page: Page) -> dict[str, Any]:
    page.keyboard.press("Tab")
    return focused(page)


def focus_visible(el: dict[str, Any]) -> bool:
    return (el["outlineStyle"] != "none" and el["outlineWidth"] > 0) or el["boxShadow"] not in ("", "none")


def after(el: dict[str, Any], prev: dict[str, Any]) -> bool:
    """el is below prev, or to its right without being above it (1 px of slack for rounding)."""
    below = el["y"] >= prev["y"] + prev["h"] - 1
    right = el["x"] >= prev["x"] + prev["w"] - 1 and el["y"] + el["h"] > prev["y"]
    return below or right


def shown(el: dict[str, Any]) -> str:
    return f"{el['name']} {el['text']!r} at ({el['x']:.0f}, {el['y']:.0f}) {el['w']:.0f}×{el['h']:.0f}"


VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_keyboard_reaches_the_header_then_the_content_in_visible_order(page: Page, served_site: str, lang: str,
                                                                       viewport: str) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(served_site + LANG_ROOTS[lang] + SERVICE)
    header_bottom = page.eval_on_selector("header", "h => h.getBoundingClientRect().bottom + scrollY")
    stops = [tab(page)]
    while stops[-1]["kind"] != HEADER_ORDER[-1] and len(stops) < len(HEADER_ORDER):
        stops.append(tab(page))
    kinds = [el["kind"] for el in stops]
    assert kinds == [k for k in HEADER_ORDER if k in kinds or k not in OPTIONAL], \
        f"header tab order: {[shown(el) for el in stops]}, wanted {HEADER_ORDER}"
    for el in stops:
        assert el["onScreen"] and focus_visible(el), f"focus not visible on {shown(el)}: {el}"
    header = [el for el in stops if el["kind"] != SKIP]
    assert all(el["inHeader"] for el in header)
    for prev, el in zip(header, header[1:], strict=False):
        assert after(el, prev), f"{shown(el)} comes before {shown(prev)} on screen"

    content_links = 0
    for _ in range(120):  # the navigation on a desktop, then the page's own links
        el = tab(page)
        if el["name"] == "body" or el["inHeader"]:
            break
        assert el["onScreen"] and focus_visible(el), f"focus not visible on {shown(el)}: {el}"
        assert el["y"] >= header_bottom - 1, f"{shown(el)} is above the end of the header ({header_bottom:.0f})"
        content_links += el["inContent"] and el["href"] is not None
        if content_links >= 5:
            break
    assert content_links >= 5, "Tab never reached the links of the page's content"


COVERED = """() => {  // something else is drawn where the focused element's first line is (a sticky header, say)
  const e = document.activeElement, r = e.getClientRects()[0];
  const at = r && document.elementFromPoint(r.left + Math.min(4, r.width / 2), r.top + r.height / 2);
  return !(at && (at === e || e.contains(at)));
}"""


@pytest.mark.parametrize("large", [False, True], ids=["normal text", "larger text"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_focused_links_are_not_hidden_under_the_header(page: Page, served_site: str, viewport: str, large: bool) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(served_site + "en/chapters/education/")
    if large:
        page.click(".hb-textsize")
        expect(page.locator("html")).to_have_class(LARGE)
    covered, reached = [], 0
    for _ in range(100):
        el = tab(page)
        if el["name"] == "body" or (reached and not el["inContent"]):
            break
        if el["inContent"]:
            reached += 1
            if page.evaluate(COVERED):
                covered.append(shown(el))
            if reached == 15:
                break
    assert reached >= 10, f"Tab reached {reached} links of the page's content"
    assert covered == [], f"focused links hidden under something else: {covered}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_keyboard_opens_the_menu_and_its_sections_on_a_phone(page: Page, served_site: str, lang: str) -> None:
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(served_site + LANG_ROOTS[lang] + SERVICE)
    menu = page.locator(MENU)
    assert any(tab(page)["kind"] == MENU for _ in range(3)), "Tab never reached the menu button"
    expect(menu).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    el = focused(page)
    assert el["inMenu"] and el["onScreen"] and focus_visible(el), f"focus is not in the open menu: {shown(el)}"

    section = None
    for _ in range(20):  # every stop in the open menu is on screen; the first section's label is one of them
        el = tab(page)
        if not el["inMenu"]:
            break
        assert el["onScreen"] and focus_visible(el), f"focus not visible in the open menu: {shown(el)}"
        if el["name"].startswith("label") and section is None:
            section = el
            page.keyboard.press("Enter")  # opens the section, and focus goes to its first link
            el = focused(page)
            assert el["inMenu"] and el["href"] and el["onScreen"], f"the section did not open: {shown(el)}"
    assert section is not None, "Tab never reached a section of the menu"
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()


def open_first_menu_section(page: Page) -> None:
    """On a phone, with the keyboard: open the menu, then its first section (focus on the section's first link)."""
    assert any(tab(page)["kind"] == MENU for _ in range(3)), "Tab never reached the menu button"
    page.keyboard.press("Enter")
    assert any(tab(page)["name"].startswith("label") for _ in range(5)), "Tab never reached a section of the menu"
    page.keyboard.press("Enter")
    el = focused(page)
    assert el["inMenu"] and el["href"] and el["onScreen"], f"the section did not open: {shown(el)}"


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_wcag_violations_in_the_phone_menu(page: Page, served_site: str, lang: str, dark: bool) -> None:
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(served_site + LANG_ROOTS[lang] + SERVICE)
    set_dark(page, dark)
    open_first_menu_section(page)
    violations = axe_violations(page)
    assert violations == [], f"{page.url}, menu open:\n{describe(violations)}"


@pytest.mark.parametrize("key", ["Tab", "ArrowDown"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_keyboard_reaches_search_results_and_opens_one(page: Page, served_site: str, lang: str, key: str) -> None:
    page.goto(served_site + LANG_ROOTS[lang] + SERVICE)
    page.focus("#hb-q")
    page.keyboard.type(QUERIES[lang])
    first = page.locator(RESULT_LINKS).first
    expect(first).to_be_visible()
    href = first.evaluate("a => a.href")
    page.keyboard.press(key)
    expect(first).to_be_focused()
    assert focus_visible(focused(page))
    page.keyboard.press("Enter")
    page.wait_for_url(href)
    expect(page.locator("h1")).to_be_visible()


def test_a_result_the_keyboard_is_on_keeps_it_when_the_results_are_redrawn(page: Page, served_site: str) -> None:
    """The results of a later keystroke (a slow phone's) arrive after the reader has moved down to a result: the
    keyboard stays on the list, not on the page's body."""
    page.goto(served_site + LANG_ROOTS["en"] + SERVICE)
    page.focus("#hb-q")
    page.keyboard.type("pensio")
    first = page.locator(RESULT_LINKS).first
    expect(first).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    old = first.evaluate("a => a.href")
    # the next keystroke's results, drawn while a result has the keyboard
    page.evaluate("""() => { const q = document.querySelector('#hb-q'); q.value = 'pension tax';
                             q.dispatchEvent(new Event('input')); }""")
    page.wait_for_function("a => !a.isConnected", arg=first.element_handle(), timeout=10_000)
    assert page.evaluate("() => !!document.activeElement.closest('form.hb-search .hb-results li')"), old


# ---- 3. reflow: a 360 px phone with text at 200 % ----

@pytest.mark.parametrize("which", ["longest English service", "glossary (en)", "glossary (zh)"])
def test_no_horizontal_scrolling_at_360px_with_text_at_200_percent(page: Page, served_site: str, built_site: Path,
                                                                    which: str) -> None:
    path = {"longest English service": longest_service_page(built_site, "en"), "glossary (en)": "en/glossary/",
            "glossary (zh)": "glossary/"}[which]
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(served_site + path)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('.md-header *, .md-content *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 1).slice(0, 5)
        .map(e => `${e.tagName}.${[...e.classList].join('.')} to ${Math.round(e.getBoundingClientRect().right)} px`)""")
    assert width <= 360, f"{path} is {width} px wide at 200 % text on a 360 px phone; too wide: {wide}"


# ---- 4. older readers: the larger-text control ----

KINDS = {**PAGES, "chapters": "chapters/", "services": "services/", "glossary": "glossary/", "plan": "plan/education/",
         "about": "about/", "not found": "404.html"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_larger_text_control_is_on_every_kind_of_page(page: Page, served_site: str, lang: str) -> None:
    assert len(KINDS) >= 10
    for kind, path in KINDS.items():
        page.goto(served_site + LANG_ROOTS[lang] + path)
        button = page.locator("header .hb-textsize")
        expect(button, f"{kind} page").to_be_visible()
        expect(button, f"{kind} page").to_have_attribute("aria-pressed", "false")
        expect(button, f"{kind} page").to_have_attribute("type", "button")


BODY_TEXT = ".md-content .md-typeset p"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_larger_text_enlarges_text_site_wide_and_is_remembered(page: Page, served_site: str, lang: str) -> None:
    base = served_site + LANG_ROOTS[lang]
    pages = [SERVICE, "chapters/education/", "glossary/"]
    normal = {}
    for path in pages:
        page.goto(base + path)
        normal[path] = font_size(page, BODY_TEXT)
    button = page.locator(".hb-textsize")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    for path in pages:
        page.goto(base + path)
        expect(page.locator("html")).to_have_class(LARGE)
        expect(button).to_have_attribute("aria-pressed", "true")
        large = font_size(page, BODY_TEXT)
        assert large >= 1.4 * normal[path], f"{path}: larger text is {large} px, normal {normal[path]} px"
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    page.goto(base + pages[0])
    expect(page.locator("html")).not_to_have_class(LARGE)
    assert font_size(page, BODY_TEXT) == normal[pages[0]]


def test_larger_text_is_remembered_in_the_offline_copy(page: Page, offline_copy: Path) -> None:
    first, second = offline_copy / "en/services/legal-aid/index.html", offline_copy / "glossary/index.html"
    page.goto(first.as_uri())
    normal = font_size(page, BODY_TEXT)
    button = page.locator(".hb-textsize")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    assert font_size(page, BODY_TEXT) >= 1.4 * normal
    assert page.evaluate('localStorage.getItem("hb-text")') == "large"  # stored by the page clicked
    # the click's localStorage write reaches other file:// documents a moment later: a navigation right after it can
    # come first on a busy machine (a resident is never that quick), and a page that loaded before it arrived may
    # never hear of it (seen once under two test suites: 90 s); so another page of the copy is opened again until it
    # sees it (the hang guard only bounds the wait)
    other = page.context.new_page()
    deadline = time.monotonic() + BROWSER_HANG_GUARD_MS / 1000
    while True:
        other.goto(second.as_uri())
        if other.evaluate('localStorage.getItem("hb-text")') == "large":
            break
        assert time.monotonic() < deadline, "the larger-text preference never reached another page of the copy"
        other.wait_for_timeout(250)
    other.close()
    page.goto(second.as_uri())
    expect(page.locator("html")).to_have_class(LARGE)
    expect(button).to_have_attribute("aria-pressed", "true")
    button.click()
    page.goto(first.as_uri())
    expect(page.locator("html")).not_to_have_class(LARGE)
    expect(button).to_have_attribute("aria-pressed", "false")


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_contrast_with_larger_text(page: Page, served_site: str, lang: str, dark: bool) -> None:
    page.goto(served_site + LANG_ROOTS[lang] + SERVICE)
    page.click(".hb-textsize")
    set_dark(page, dark)
    expect(page.locator("html")).to_have_class(LARGE)
    violations = axe_violations(page, ["color-contrast"])
    assert violations == [], f"{page.url}:\n{describe(violations)}"
