"""Model → the situation finder: its page in each language (finder/, en/finder/) and the script file that page asks for.

The page holds the questions about the person and each child; templates/theme/assets/finder.js reads the answers
from the URL fragment, judges every service as eligibility.judge() does (verdict, the answers it rests on, what is
left to check, its place by fit), and writes the groups under the questions in the words FinderViews gives in Python.
The page itself holds only finder-load.js, which shows the questions before the first paint and, once the page is
painted, asks for the finder's script file, finder.<lang>.<hash>.js beside the page: the data (the services and their
rules as JSON), then finder.js. So the page's first paint waits for neither (on a slow phone the page is half the size
it was with both inside: 14 KB gzip instead of 31–33), and a script file, unlike fetch(), also loads from file:// (the
offline copy). Named by a hash of its content, it is never taken from a cache after the data changed.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment

from ..data.eligibility import eligibility_data
from ..data.model import Handbook, SiteConfig
from ..present.qr import qr_svg
from ..present.urls import lang_root, service_url
from ..present.views import FinderViews, link, page_path
from .assets import digest
from .pagemeta import script_json
from .site import Strings, render


def render_finder_pages(handbook: Handbook, config: SiteConfig, env: Environment, client_script: str,
                        loader: str) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Every language → {docs path: Markdown} of its finder page, holding `loader` (finder-load.js's minified text); and
    the script files those pages ask for, {site path: text}: each language's data, then `client_script` (finder.js's
    minified text)."""
    pages, files = {}, {}
    for lang in config.codes:
        text = finder_script(handbook, config, lang, client_script)
        name = f"finder.{lang}.{digest(text)}.js"
        files[f"{lang_root(config, lang)}finder/{name}"] = text
        view = FinderViews(handbook, config, lang).finder_view(name, loader)
        pages[lang] = {page_path("finder"): render(env, "finder.md.j2", f=view, t=Strings(dict(config.strings[lang])),
                                                   lang=lang)}
    return pages, files


def finder_script(handbook: Handbook, config: SiteConfig, lang: str, client_script: str) -> str:
    """A language → the finder's script file: window.handbookFinderData[lang] = its data, then `client_script`."""
    return ("window.handbookFinderData=window.handbookFinderData||{};"
            f"window.handbookFinderData[{json.dumps(lang)}]={finder_data_json(handbook, config, lang)};\n"
            f"{client_script}\n")


def finder_services(handbook: Handbook, config: SiteConfig, lang: str) -> list[dict[str, Any]]:
    """Every service → what the finder shows of it in a language (name, summary, link, departments, help lines from
    `channels`), with its rules as eligibility_data gives them (`other` in this language, `basis` in the source's)."""
    views = FinderViews(handbook, config, lang)
    here = page_path("finder")
    data = []
    for entry in eligibility_data(handbook, lang):
        s = handbook.service(entry["number"])
        data.append({**entry, "name": s.name[lang], "summary": views.service_link(s, here).summary,
                     "href": link(here, page_path("services", s.id)).removesuffix("index.md"),
                     "departments": [handbook.department(d).name[lang] for d in s.departments],
                     "help": [{"name": c.name[lang], "phone": c.phone} for c in handbook.channels_for(s.chapter)]})
    return data


def finder_data_json(handbook: Handbook, config: SiteConfig, lang: str) -> str:
    """A language → the finder's data, {services: [...], strings: {...}} (the interface strings finder.js writes), as
    JSON ('<', '>' and '&' written as JSON escapes, as in the pages' JSON-LD: the same text could stand in a page's
    <script> element)."""
    return script_json({"services": finder_services(handbook, config, lang),
                        "strings": FinderViews(handbook, config, lang).client_strings()})


def render_finder_qr(handbook: Handbook, config: SiteConfig, drawn: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every language → {site path: script} that sets window.handbookFinderQR[lang] = {number: SVG of a QR code for
    the service's page} (for printed results; loaded only when printing, and only when site_url is set). QR codes
    already `drawn` for the printed editions (URL → SVG) are reused."""
    files: dict[str, str] = {}
    for lang in config.codes:
        urls = {s.number: service_url(config, s, lang) for s in handbook.services}
        codes = {number: (drawn or {}).get(url) or qr_svg(url) for number, url in urls.items() if url}
        if not codes:  # no site_url: nothing to link to
            return {}
        files[f"{lang_root(config, lang)}finder/qr.{lang}.js"] = (
            "window.handbookFinderQR=window.handbookFinderQR||{};"
            f"window.handbookFinderQR[{json.dumps(lang)}]={json.dumps(codes, ensure_ascii=False, separators=(',', ':'))};\n")
    return files
