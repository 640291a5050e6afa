"""Model → the situation finder: its page in each language (finder/, en/finder/) and the data its script reads.

The page holds the questions about the person and each child; templates/theme/assets/finder.js reads the answers
from the URL fragment, judges every service as eligibility.judge() does (verdict, the answers it rests on, what is
left to check, its place by fit), and writes the groups under the questions in the words FinderViews gives in Python.
The data (a JSON block, <script type="application/json">) and finder.js are written into the page itself: as the page
is parsed, finder.js reads the data and draws the questions and any results from the address, without waiting for
another request before the first paint (and fetch() would be refused from file://, the offline copy).
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
from .pagemeta import script_json
from .site import Strings, render


def render_finder_pages(handbook: Handbook, config: SiteConfig, env: Environment,
                        client_script: str) -> dict[str, dict[str, str]]:
    """Every language → {docs path: Markdown} of its finder page, holding its data and `client_script` (finder.js's
    minified text)."""
    pages = {}
    for lang in config.codes:
        view = FinderViews(handbook, config, lang).finder_view(finder_data_json(handbook, config, lang), client_script)
        pages[lang] = {page_path("finder"): render(env, "finder.md.j2", f=view, t=Strings(dict(config.strings[lang])),
                                                   lang=lang)}
    return pages


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
    """A language → the finder's data, {services: [...]}, as JSON that nothing in it can end its <script> element
    ('<', '>' and '&' written as JSON escapes, as in the pages' JSON-LD)."""
    return script_json({"services": finder_services(handbook, config, lang)})


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
