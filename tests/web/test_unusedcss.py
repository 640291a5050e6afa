"""Material's stylesheets cut to the rules the pages use, and each page's own CSS inlined: (in Chromium) pages that look
pixel for pixel as they did with the whole stylesheets loaded as usual, in every state the scripts switch, and at their
first paint, before the stylesheets (linked for print) arrive."""
from __future__ import annotations

import base64
import re
import shutil
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from playwright.sync_api import Error as PlaywrightError

from generator.web.unusedcss import reduce_stylesheet, used_names

from ..conftest import LANG_ROOTS, QuietHandler, serve


def test_rules_whose_classes_no_page_uses_are_dropped() -> None:
    css = (".a{color:red}.b{color:blue}.a .b,.zz{margin:0}#top{padding:0}#gone{padding:1px}"
           "p{line-height:1}.a:not(.never){top:0}[data-x].zz{left:0}.a:is(.b,.zz){right:0}")
    assert reduce_stylesheet(css, {"a", "b", "top"}) == (".a{color:red}.b{color:blue}.a .b{margin:0}#top{padding:0}"
                                                       "p{line-height:1}.a:not(.never){top:0}.a:is(.b,.zz){right:0}")


def test_media_queries_are_pruned_inside_and_fonts_and_keyframes_kept() -> None:
    css = ("@media screen and (min-width:76em){.a{color:red}.zz{color:blue}}@media print{.zz{display:none}}"
           "@keyframes spin{0%{opacity:0}to{opacity:1}}@font-face{font-family:x;src:url(x.woff2)}:root{--c:red}")
    assert reduce_stylesheet(css, {"a"}) == ("@media screen and (min-width:76em){.a{color:red}}"
                                             "@keyframes spin{0%{opacity:0}to{opacity:1}}"
                                             "@font-face{font-family:x;src:url(x.woff2)}:root{--c:red}")


def test_names_come_from_class_and_id_attributes_and_every_word_of_the_scripts() -> None:
    pages = ['<div class="md-grid  hb-x" id=top><p class=\'one\'>grid words are not classes</p></div>']
    assert used_names(pages, ['el.classList.add("hb-open")']) == {"md-grid", "hb-x", "top", "one", "el", "classList",
                                                                    "add", "hb-open"}


def test_a_pages_inline_scripts_count_as_scripts_but_not_its_data_or_script_files() -> None:
    """The finder page holds finder.js itself: the classes it adds are kept as if it were a file."""
    page = ('<p class="a">text</p><script>b.classList.add("hb-finder__shown")</script>'
            '<script type="application/ld+json">{"name": "ldword"}</script><script src="x.js" defer>srcword</script>')
    assert used_names([page], []) == {"a", "b", "classList", "add", "hb-finder__shown"}


def classic_head(html: str) -> str:
    """A built page → the same page loading its stylesheets as MkDocs writes them (render-blocking links, no first-paint
    CSS inlined)."""
    html = re.sub(r"<style data-hb-critical>.*?</style>", "", html, count=1, flags=re.DOTALL)
    html = re.sub(r'<link rel="stylesheet" href="[^"]*" media="print" data-hb-rest>', "", html)
    return re.sub(r"<noscript>((?:<link [^>]*>)+)</noscript>", r"\1", html, count=1)


def whole_stylesheets(built: Path, target: Path) -> Path:
    """A built site → a copy of its pages loading Material's whole stylesheets as usual: the reduced ones hold the whole
    ones again (same names) and the pages link them as MkDocs does."""
    shutil.copytree(built, target, ignore=shutil.ignore_patterns("booklets", "downloads", "*.gz", "*.br"))
    originals = resources.files("material") / "templates" / "assets" / "stylesheets"
    for sheet in target.glob("**/assets/stylesheets/*.min.css"):
        original = ".".join(sheet.name.split(".")[:2]) + ".min.css"  # main.57a0d79d.<new hash>.min.css → main.57a0d79d.min.css
        sheet.write_text(originals.joinpath(original).read_text(encoding="utf-8"), encoding="utf-8")
    for page in target.glob("**/*.html"):
        page.write_text(classic_head(page.read_text(encoding="utf-8")), encoding="utf-8")
    return target


@pytest.mark.slow
def test_the_built_site_uses_reduced_stylesheets(built_site: Path) -> None:
    """The pages load Material's stylesheets under new names, each much smaller than the theme's own."""
    originals = resources.files("material") / "templates" / "assets" / "stylesheets"
    main = next(built_site.glob("assets/stylesheets/main.*.*.min.css"))
    assert main.stat().st_size < 0.5 * len(originals.joinpath("main.57a0d79d.min.css").read_bytes())
    assert f"assets/stylesheets/{main.name}" in (built_site / "index.html").read_text(encoding="utf-8")
    assert not (built_site / "assets/stylesheets/main.57a0d79d.min.css").exists()


@pytest.fixture(scope="module")
def both_sites(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(the built site's URL, the same pages with the whole stylesheets' URL), served side by side."""
    whole = whole_stylesheets(built_site, tmp_path_factory.mktemp("whole-css") / "site")
    with serve(built_site) as reduced_url, serve(whole) as whole_url:
        yield reduced_url, whole_url


def light(page: Page) -> None:
    """The page as it loads."""


def dark(page: Page) -> None:
    page.click(".hb-scheme")
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")


def larger_text(page: Page) -> None:
    page.click(".hb-textsize")
    expect(page.locator(".hb-textsize")).to_have_attribute("aria-pressed", "true")


def dark_larger(page: Page) -> None:
    dark(page)
    larger_text(page)


def search_results(page: Page) -> None:
    page.fill("#hb-q", "低保" if "/en/" not in page.url else "pension")
    expect(page.locator("form.hb-search .hb-results")).to_be_visible()
    page.locator("form.hb-search .hb-results li").first.wait_for()


def hovered(page: Page) -> None:
    """A pointer over the first link shown in the content (its colour) and over the dark-scheme button."""
    page.locator(".md-content a[href]").filter(visible=True).first.hover()
    page.locator(".hb-scheme").filter(visible=True).first.hover()


def print_media(page: Page) -> None:
    page.emulate_media(media="print")


STATES = [light, dark, larger_text, dark_larger, search_results, hovered, print_media]
PAGES = {"home": "", "service": "services/legal-aid/", "finder results": "finder/#age=70&residence=rural&status=dibao",
         "chapters": "chapters/"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
CASES = [*((where, lang, "desktop") for where in PAGES for lang in LANG_ROOTS),
         *((where, "zh", "phone") for where in PAGES), ("service", "en", "phone")]  # (page, language, viewport)


def screenshot(page: Page, url: str, state: object) -> bytes:
    """A page in a state → its whole-page PNG (animations stopped, caret hidden)."""
    page.emulate_media(media="screen")
    page.goto(url)
    page.wait_for_load_state("load")
    if "finder/#" in url:
        page.locator("[data-finder-results] li[data-number]").first.wait_for()
    state(page)  # type: ignore[operator]
    page.evaluate("document.fonts.ready")
    return whole_page(page)


CAPTURE_TRIES = 3


def whole_page(page: Page) -> bytes:
    """A page → its whole-page PNG. Chromium on a loaded machine sometimes fails the capture itself ('Unable to capture
    screenshot', a protocol error; CI on 944f25b, with the test suite running beside it): that is tried again, up to
    CAPTURE_TRIES times; any other error, and every difference between the pages, still fails the test."""
    for attempt in range(1, CAPTURE_TRIES + 1):
        try:
            return page.screenshot(full_page=True, animations="disabled", caret="hide")
        except PlaywrightError as error:
            if "Unable to capture screenshot" not in str(error) or attempt == CAPTURE_TRIES:
                raise
    raise AssertionError("not reached")


TOLERANCE = 2  # of 255 per colour channel: Chromium's rounding of a finished colour transition, seen as 0x7f vs 0x80,
# and of a rounded box's anti-aliased edge (CI: 18 edge pixels by 1, one by 6)
STRAY = 8  # pixels more than TOLERANCE apart: a handful of edge pixels Chromium sometimes renders apart run to run
# (seen on a busy CI machine: 1 pixel by 3, 2 pixels by 5); a rule the cut stylesheet lost changes far more (a
# heading's rule: thousands)


def looks_different(found: dict[str, int]) -> bool:
    """A comparison → whether the pages differ beyond Chromium's own noise (another size always does): more than
    STRAY pixels more than TOLERANCE apart (pixels a level or two apart do not count, however many)."""
    return found["pixels"] < 0 or found["apart"] > STRAY


COMPARE = """async ([a, b, tolerance]) => {
  const load = src => new Promise((done, fail) => {
    const i = new Image(); i.onload = () => done(i); i.onerror = fail; i.src = src; });
  const [x, y] = await Promise.all([load(a), load(b)]);
  if (x.width !== y.width || x.height !== y.height)
    return {size: [x.width, x.height, y.width, y.height], pixels: -1, apart: -1, most: 255};
  const pixels = image => { const c = new OffscreenCanvas(image.width, image.height).getContext("2d");
    c.drawImage(image, 0, 0); return c.getImageData(0, 0, image.width, image.height).data; };
  const p = pixels(x), q = pixels(y);
  let count = 0, apart = 0, most = 0;
  for (let i = 0; i < p.length; i += 4) {
    const d = Math.max(Math.abs(p[i] - q[i]), Math.abs(p[i + 1] - q[i + 1]), Math.abs(p[i + 2] - q[i + 2]),
                       Math.abs(p[i + 3] - q[i + 3]));
    if (d) { count++; most = Math.max(most, d); }
    if (d > tolerance) apart++;
  }
  return {pixels: count, apart, most};
}"""


def difference(page: Page, a: bytes, b: bytes) -> dict[str, int]:
    """Two PNGs → how many pixels differ, how many by more than TOLERANCE, and by how much at most (one channel, of
    255), compared in the browser."""
    if a == b:
        return {"pixels": 0, "apart": 0, "most": 0}
    page.goto("about:blank")
    urls = ["data:image/png;base64," + base64.b64encode(png).decode("ascii") for png in (a, b)]
    result: dict[str, int] = page.evaluate(COMPARE, [*urls, TOLERANCE])
    return result


def test_the_comparison_sees_a_lost_rule_but_not_a_level_of_rounding(page: Page) -> None:
    """The screenshot comparison the tests below rest on: every pixel one level apart is noise; a small box drawn by a
    rule the other page lacks (100 pixels) is a difference."""
    page.set_viewport_size({"width": 120, "height": 60})

    def shot(background: str, box: str) -> bytes:
        page.set_content(f"<body style='margin:0;width:120px;height:60px;background:{background}'>"
                         f"<i style='display:block;width:10px;height:10px;background:{box}'></i>")
        return page.screenshot()
    plain, lighter, boxed = shot("#fff", "#fff"), shot("#fefefe", "#fefefe"), shot("#fff", "#000")
    level = difference(page, plain, lighter)
    assert level["pixels"] == 120 * 60 and level["apart"] == 0 and not looks_different(level)
    box = difference(page, plain, boxed)
    assert box["apart"] == 100 and looks_different(box)


@pytest.mark.slow
@pytest.mark.parametrize(("where", "lang", "viewport"), CASES)
def test_pages_look_the_same_with_the_reduced_stylesheets(page: Page, both_sites: tuple[str, str], where: str,
                                                           lang: str, viewport: str, tmp_path: Path) -> None:
    """Every state the scripts switch (light, dark, larger text, both, search results open, print): the same size, and
    no more than STRAY pixels' colours more than TOLERANCE apart from the page with the whole stylesheets."""
    page.set_viewport_size(VIEWPORTS[viewport])
    page.context.add_init_script("localStorage.clear()")  # each state from the defaults: the scripts remember choices
    reduced_url, whole_url = both_sites
    different = {}
    for state in STATES:
        if state is search_results and viewport == "phone":
            continue  # the phone hides the header's search box behind its menu
        path = LANG_ROOTS[lang] + PAGES[where]
        for _ in range(2):  # a difference seen once may be a transition caught mid-way (one pixel, CI): look again
            reduced, whole = screenshot(page, reduced_url + path, state), screenshot(page, whole_url + path, state)
            found = difference(page, reduced, whole)
            if not looks_different(found):
                break
        if looks_different(found):
            (tmp_path / f"{state.__name__}-reduced.png").write_bytes(reduced)
            (tmp_path / f"{state.__name__}-whole.png").write_bytes(whole)
            different[state.__name__] = found
    assert different == {}, f"screenshots differ (saved in {tmp_path})"


def test_the_classic_copy_links_the_stylesheets_as_mkdocs_does(built_site: Path, tmp_path: Path) -> None:
    """The comparison's other side really is the usual page: no inlined CSS, every stylesheet a plain link."""
    built = (built_site / "index.html").read_text(encoding="utf-8")
    classic = classic_head(built)
    assert "data-hb-critical" in built and "data-hb-critical" not in classic and "data-hb-rest" not in classic
    assert "<noscript>" not in classic[:classic.find("</head>")]
    assert len(re.findall(r'<link rel="stylesheet" href="[^"]+\.css">', classic)) == 3


BEFORE_PAINT = {"light": "", "dark": "localStorage.setItem('hb-scheme', 'slate')",
                "larger text": "localStorage.setItem('hb-text', 'large')",
                "dark, larger text": "localStorage.setItem('hb-scheme', 'slate'); localStorage.setItem('hb-text', 'large')"}


@pytest.mark.slow
@pytest.mark.parametrize(("where", "lang", "viewport"), CASES)
def test_the_first_paint_looks_as_the_finished_page(page: Page, both_sites: tuple[str, str], where: str, lang: str,
                                                    viewport: str, tmp_path: Path) -> None:
    """Every state set before the first paint (light, dark, larger text, both; the finder's results from the address):
    the page with its stylesheets never arriving, styled by its inlined CSS alone, looks as the page with Material's
    whole stylesheets loaded as usual."""
    page.set_viewport_size(VIEWPORTS[viewport])
    reduced_url, whole_url = both_sites
    path = LANG_ROOTS[lang] + PAGES[where]
    different = {}
    for state, script in BEFORE_PAINT.items():
        for _ in range(2):  # a difference seen once may be a transition caught mid-way (32 pixels by 15, CI): look again
            page.goto(whole_url)  # an origin's storage is set on one of its pages
            page.evaluate(f"localStorage.clear(); {script}")
            whole = screenshot(page, whole_url + path, light)
            page.route("**/*.css", lambda route: route.abort())  # what the first paint has: the inlined CSS only
            page.goto(reduced_url)
            page.evaluate(f"localStorage.clear(); {script}")
            first = screenshot(page, reduced_url + path, light)
            page.unroute("**/*.css")
            found = difference(page, first, whole)
            if not looks_different(found):
                break
        if looks_different(found):
            (tmp_path / f"{state}-first-paint.png").write_bytes(first)
            (tmp_path / f"{state}-whole.png").write_bytes(whole)
            different[state] = found
    assert different == {}, f"screenshots differ (saved in {tmp_path})"


SCREEN_SHEETS = """() => [...document.styleSheets].filter(s => s.href && ["", "all"].includes(s.media.mediaText))
                                       .map(s => s.href.split("/").pop().split(".")[0])"""  # the sheets on screen


@pytest.mark.slow
def test_the_stylesheets_stay_print_ones_and_the_inlined_css_styles_the_screen_also_offline(page: Page, served_site: str,
                                                                                          offline_copy: Path) -> None:
    """Served or opened from the offline copy (file://): the three stylesheets load, for print only; on screen the
    page's own CSS is all there is, so nothing styles the whole page again once it is shown."""
    for url in (served_site + "services/legal-aid/", (offline_copy / "services/legal-aid/index.html").as_uri()):
        page.goto(url)
        page.wait_for_load_state("load")
        links = page.locator("link[data-hb-rest]")
        expect(links).to_have_count(3)
        for link in links.all():
            expect(link).to_have_attribute("media", "print")
        assert page.evaluate("[...document.querySelectorAll('link[data-hb-rest]')].every(l => l.sheet !== null)")
        assert page.evaluate(SCREEN_SHEETS) == []


@pytest.mark.slow
def test_without_scripts_the_stylesheets_apply_as_usual(browser: Browser, served_site: str) -> None:
    """Scripts off: the <noscript> links apply the stylesheets to the screen at once, as MkDocs' links did; with
    scripts, none does."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served_site + "services/legal-aid/")
        page.wait_for_load_state("load")
        assert sorted(page.evaluate(SCREEN_SHEETS)) == ["handbook", "main", "palette"]
    finally:
        context.close()
    page = browser.new_page()
    page.goto(served_site + "services/legal-aid/")
    page.wait_for_load_state("load")
    assert page.evaluate(SCREEN_SHEETS) == []
    page.close()


SHIFTS = """window.__shift = 0; new PerformanceObserver(list => list.getEntries().forEach(e => {
  if (!e.hadRecentInput) window.__shift += e.value; })).observe({type: 'layout-shift', buffered: true});"""


@pytest.mark.slow
@pytest.mark.parametrize("path", ["services/legal-aid/", "en/finder/#age=70&residence=rural&status=dibao"])
def test_stylesheets_arriving_late_never_shift_the_page(page: Page, served_site: str, path: str) -> None:
    """The stylesheets arrive apart (the second 0.4 s after the first, the third 0.4 s later): the page, painted with
    its inlined CSS, never moves, and they stay print stylesheets."""
    page.set_viewport_size(VIEWPORTS["phone"])
    page.add_init_script(SHIFTS)
    arrived: list[str] = []

    def late(route: Route) -> None:
        time.sleep(0.4 * len(arrived))  # one handler at a time: each waits longer than the one before
        arrived.append(route.request.url)
        route.continue_()

    page.route("**/*.css", late)
    page.goto(served_site + path)
    page.wait_for_load_state("load")
    assert len(arrived) == 3
    expect(page.locator("link[data-hb-rest][media=print]")).to_have_count(3)
    page.wait_for_timeout(200)  # a shift is reported after the frame that made it
    assert page.evaluate("window.__shift") == 0


class PausingHandler(QuietHandler):
    """Serves a page's HTML in pieces, pausing before each script in its body: where a browser may paint what it has
    parsed so far (as Chromium did, now and then, on a busy machine) and then go on."""

    PAUSE = 0.3  # s: time enough for a frame

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        page = path / "index.html" if path.is_dir() else path
        if page.suffix != ".html" or not page.is_file():
            return super().do_GET()
        html = page.read_bytes()
        cuts = self.cuts(html) + [len(html)]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        start = 0
        for cut in cuts:
            self.wfile.write(html[start:cut])
            self.wfile.flush()
            start = cut
            time.sleep(self.PAUSE)
        return None

    def cuts(self, html: bytes) -> list[int]:
        """Where the page is paused: before each script in its body."""
        body = html.index(b"<body")
        return [m.start() for m in re.finditer(rb"<script", html) if m.start() > body]


class HeaderPausingHandler(PausingHandler):
    """Pauses also after each of the header's controls (a link, a button, the search form): where a slow device's
    parser may stop for a paint with part of the header drawn (as Chromium did on a machine running two test runs)."""

    def cuts(self, html: bytes) -> list[int]:
        start, end = html.index(b"<header"), html.index(b"</header>")
        controls = [m.end() for m in re.finditer(rb"</a>|</button>|</form>", html[start:end])]
        return sorted({start + c for c in controls} | set(super().cuts(html)))


@pytest.fixture(scope="module")
def pausing_site(built_site: Path) -> Iterator[str]:
    with serve(built_site, PausingHandler) as url:
        yield url


@pytest.fixture(scope="module")
def header_pausing_site(built_site: Path) -> Iterator[str]:
    with serve(built_site, HeaderPausingHandler) as url:
        yield url


def shift_while_parsed(page: Page, url: str) -> float:
    """A page (SHIFTS added) loaded from a pausing server until a paint came before it was parsed (a machine too busy
    to paint in the pauses: loaded again, up to three times; the premise, not a time limit) → the layout shift seen."""
    for _ in range(3):
        page.goto(url, wait_until="load")
        painted = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: 1e12}).startTime")
        parsed = page.evaluate("performance.getEntriesByType('navigation')[0].domInteractive")
        if painted < parsed:
            break
    assert painted < parsed  # the test's premise: a paint came before the page was parsed
    page.wait_for_timeout(200)  # a shift is reported after the frame that made it
    return float(page.evaluate("window.__shift"))


TEXTSIZE_LABELS = {(False, False): "放大字体", (False, True): "正常字体",  # (English, larger text) → the button's label
                   (True, False): "Larger text", (True, True): "Normal text"}


@pytest.mark.slow
@pytest.mark.parametrize("large", [False, True], ids=["normal", "larger"])
@pytest.mark.parametrize("path", ["services/legal-aid/", "en/finder/#age=70&residence=rural&status=dibao"])
def test_a_page_painted_while_it_is_parsed_never_shifts(page: Page, pausing_site: str, path: str, large: bool) -> None:
    """Painted in pieces (before each script in the body), in normal and larger text: nothing already drawn moves.
    A script between the header's controls once let Chromium paint a header without its last button."""
    page.add_init_script(SHIFTS)
    if large:
        page.add_init_script("localStorage.setItem('hb-text', 'large')")
    assert shift_while_parsed(page, pausing_site + path) == 0
    button = page.locator(".hb-textsize")
    expect(button).to_have_attribute("aria-pressed", "true" if large else "false")
    expect(button).to_have_text(TEXTSIZE_LABELS[path.startswith("en/"), large], use_inner_text=True)


@pytest.mark.slow
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("path", ["services/legal-aid/", "en/finder/#age=70&residence=rural&status=dibao"])
def test_a_header_painted_before_its_last_control_arrives_never_shifts(page: Page, header_pausing_site: str, path: str,
                                                                       viewport: str) -> None:
    """Painted after each of the header's controls (the language link, the two buttons, the search form), on a phone
    and a desktop: nothing already drawn moves. A header drawn without its search form had put the other controls
    where the form was to go (Chromium did this, now and then, on a machine running two test runs): the header is
    shown once its last control is there."""
    page.set_viewport_size(VIEWPORTS[viewport])
    page.add_init_script(SHIFTS)
    assert shift_while_parsed(page, header_pausing_site + path) == 0
    expect(page.locator(".hb-header__inner")).to_be_visible()


@pytest.mark.slow
def test_the_larger_text_buttons_label_is_set_before_handbook_js_runs(page: Page, served_site: str) -> None:
    """Larger text chosen on an earlier page: before the deferred handbook.js runs (here: never), the button already
    offers normal text and is pressed, as handbook.js leaves it."""
    page.goto(served_site + "en/")
    page.evaluate("localStorage.setItem('hb-text', 'large')")
    page.route("**/handbook.*.min.js", lambda route: route.abort())
    page.goto(served_site + "en/services/legal-aid/")
    button = page.locator(".hb-textsize")
    expect(button).to_have_text("Normal text", use_inner_text=True)
    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.classList.contains('hb-large')")
