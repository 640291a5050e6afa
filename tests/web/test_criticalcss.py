"""Each page's first-paint CSS: the rules some element of the page can match, with what scripts set before the paint
counted in, and the page rewritten to inline it and load the stylesheets without blocking (the screenshots that prove
it looks the same are in test_unusedcss.py)."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from generator.build import inline_first_paint_css
from generator.data.load import load_config
from generator.web.criticalcss import critical_css, first_paint_html, page_elements, parse_stylesheet

from ..conftest import ROOT


def critical(css: str, html: str, scripts: tuple[str, ...] = ()) -> str:
    return critical_css(parse_stylesheet(css), html, page_elements(html), scripts)


def test_a_rule_is_kept_only_when_each_compound_matches_one_element() -> None:
    html = '<body><ul class="nav"><li class="item">x</li></ul><p id="top">y</p></body>'
    css = ("ul.nav li{a:1}.nav .item>p{a:2}li.nav{a:3}table{a:4}#top{a:5}#gone{a:6}.item:focus,.gone:focus{a:7}"
           ".nav:not(.gone) li::before{a:8}")
    assert critical(css, html) == "ul.nav li{a:1}.nav .item>p{a:2}#top{a:5}.item:focus{a:7}.nav:not(.gone) li::before{a:8}"


def test_hover_and_active_rules_are_kept_as_focus_rules_are() -> None:
    """No stylesheet arrives later to style a pointer over a link: the page's own CSS has those rules too."""
    html = '<body><a class="x" href="#">x</a></body>'
    css = ".x:hover,.x:focus-visible{a:1}.x:active{a:2}a:is(:hover,.x){a:3}.x:hover-like{a:4}.x:focus{a:5}.gone:hover{a:6}"
    assert critical(css, html) == css.removesuffix(".gone:hover{a:6}")


def test_attributes_scripts_switch_count_as_present_and_fixed_ones_must_match() -> None:
    html = '<body data-md-color-scheme="default" data-md-color-primary="indigo" dir="ltr"><p>x</p></body>'
    css = ("[data-md-color-scheme=slate] p{a:1}[data-md-color-primary=indigo]{a:2}[data-md-color-primary=pink]{a:3}"
           "[dir=rtl] p{a:4}[dir=ltr] p{a:5}p[hidden]{a:6}")
    assert critical(css, html) == ("[data-md-color-scheme=slate] p{a:1}[data-md-color-primary=indigo]{a:2}"
                                   "[dir=ltr] p{a:5}p[hidden]{a:6}")


def test_classes_and_elements_any_script_of_the_page_may_add_count_as_present() -> None:
    """Inline, deferred or not: what a script adds once the page is shown (search results in a list) is styled by the
    page's own CSS, since no stylesheet comes later to style it."""
    html = ('<html><head><script>document.documentElement.classList.add("hb-large")</script>'
            '<script src="late.js" defer></script><script src="early.js"></script>'
            '<script type="application/json">{"class": "hb-data"}</script></head><body><p>x</p></body></html>')
    css = ".hb-large p{a:1}.hb-early p{a:2}.hb-late ol{a:3}.hb-late table{a:4}.hb-data p{a:5}.hb-gone{a:6}summary{a:7}"
    assert page_elements(html).script_sources == ["late.js", "early.js"]
    # an element a script may make is one a call of it names first, in quotes ("ol"), not any word of it (table) nor
    # a key of its data ("summary")
    scripts = ("el.className = 'hb-early'",
               'var table = document.createElement("ol"); table.className = "hb-late"; data = {"summary": "x"}')
    assert critical(css, html, scripts) == ".hb-large p{a:1}.hb-early p{a:2}.hb-late ol{a:3}"


def test_a_file_the_pages_script_loads_once_painted_counts_as_an_early_script() -> None:
    """The finder page's own script names the file it asks for once the page is painted (data-hb-loads): what that
    file draws may come before the whole stylesheets, so its classes count as present; the loader's text too."""
    html = ('<html><head></head><body><p>x</p><script data-hb-loads="finder.zh.1a2b3c4d.js">form.hidden=false;'
            'el.classList.add("hb-shown")</script></body></html>')
    assert page_elements(html).script_sources == ["finder.zh.1a2b3c4d.js"]
    css = ".hb-shown p{a:1}.hb-result p{a:2}.hb-other p{a:3}"
    assert critical(css, html, ("li.className = 'hb-result'",)) == ".hb-shown p{a:1}.hb-result p{a:2}"


def test_media_groups_are_pruned_inside_print_left_to_the_stylesheets_and_other_at_rules_kept() -> None:
    html = '<body><p class="a">x</p></body>'
    css = ('@charset "UTF-8";@media screen and (min-width:76em){.a{a:1}.gone{a:2}}@media screen{.gone{a:3}}'
           "@media print{.a{display:none}}@keyframes spin{0%{opacity:0}to{opacity:1}}")
    assert critical(css, html) == "@media screen and (min-width:76em){.a{a:1}}@keyframes spin{0%{opacity:0}to{opacity:1}}"


def test_custom_properties_nothing_reads_are_left_out() -> None:
    html = '<body><p class="a" style="--from-page:1">x</p></body>'
    css = (":root{--used:var(--chained);--chained:1px;--unused:2px;--from-page:3px;--only-gone:4px}"
           ".a{margin:var(--used)}.gone{margin:var(--only-gone)}:root{--unused-too:0}")
    assert critical(css, html) == ":root{--used:var(--chained);--chained:1px;--from-page:3px}.a{margin:var(--used)}"


def test_the_page_inlines_its_css_and_loads_the_stylesheets_without_blocking() -> None:
    html = ('<html><head><title>t</title>\n<link rel="stylesheet" href="a.css">\n  <link rel="stylesheet" href="b.css">'
            '\n<script>x()</script></head><body><p class="a">x</p><link rel="stylesheet" href="c.css"></body></html>')
    files = {"a.css": ".a{color:red}.gone{color:blue}", "b.css": ".a::after{content:'</style>'}"}
    page = first_paint_html(html, files.__getitem__, {})
    head = page[:page.find("</head>")]
    assert re.findall(r"<style data-hb-critical>(.*?)</style>", head) == ['.a{color:red}.a::after{content:"<\\/style>"}']
    assert re.findall(r'<link rel="stylesheet" href="(\w+\.css)" media="print" data-hb-rest>', head) == ["a.css", "b.css"]
    assert re.findall(r"<noscript>(.*?)</noscript>", head) == ['<link rel="stylesheet" href="a.css">'
                                                              '<link rel="stylesheet" href="b.css">']
    assert head.count('<link rel="stylesheet"') == 4 and "x()" in head
    assert head.count("<script") == 1  # nothing switches the stylesheets to the screen: the inlined CSS is the screen's
    assert '<link rel="stylesheet" href="c.css">' in page[page.find("<body>"):]  # only the head's links move


def test_pages_that_match_the_same_selectors_share_one_css() -> None:
    sheet = parse_stylesheet(".a{a:1}.b{a:2}")
    one, two = '<p class="a">1</p>', '<p class="a">2</p><p>3</p>'
    assert critical_css(sheet, one, page_elements(one), ()) is critical_css(sheet, two, page_elements(two), ())
    assert len(sheet.made) == 1


def test_a_404_page_naming_files_under_the_site_urls_path_is_inlined(tmp_path: Path) -> None:
    """With site_url https://example.org/handbook/, the 404 page names /handbook/assets/…: read from site/assets/."""
    config = dataclasses.replace(load_config(ROOT), site_url="https://example.org/handbook/")
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "assets" / "a.css").write_text("p{color:red}", encoding="utf-8")
    page = '<html><head><link rel="stylesheet" href="/handbook/assets/a.css"></head><body><p>x</p></body></html>'
    (site / "404.html").write_text(page, encoding="utf-8")
    inline_first_paint_css(site, config)
    assert "<style data-hb-critical>p{color:red}</style>" in (site / "404.html").read_text(encoding="utf-8")
