"""Model → one-page leaflets (明白纸) for village notice boards, per language: one A4 page per service (its name large,
the currency notice, the fields in residents' order, help lines, number and QR code) and one A4 sheet per audience
(its services with number, name, summary and departments, and a QR code to the audience page).

plan_leaflets → service_leaflet_data / audience_leaflet_data → render_leaflets, which compiles with the shared Typst
machinery (typesetting.py): unchanged PDFs are reused, QR codes drawn once. A service leaflet's template picks the
largest body size from 16 pt down to 14 pt that fits one page and reports it; the manifest records it (layout)."""
from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..data.model import Audience, Handbook, Service, SiteConfig
from ..present.urls import audience_url, service_url
from ..present.views import Views
from .booklets import source_date
from .printed import currency, department_names, prose, service_fields
from .typesetting import (
    FIRST_TRY,
    PdfFacts,
    Progress,
    Reuse,
    compile_or_reuse,
    draw_qr_codes,
    engine_key,
    manifest_entry,
    sha256,
    worker_pool,
)

SERVICE_SIZES = (16, 15, 14)  # body text in points, largest first: the first that fits one A4 page is used
AUDIENCE_SIZES = (12, 11, 10, 9)  # an audience sheet lists up to a few dozen services on its two sides
SERVICE, AUDIENCE = "leaflet", "audience-leaflet"


@dataclass(frozen=True)
class Leaflet:
    """One leaflet PDF, as listed in booklets/index.json."""

    file: str  # path relative to site/, e.g. "booklets/en/leaflet-minimum-living-allowance.pdf"
    language: str  # a language code
    kind: str  # "leaflet" (one service) or "audience-leaflet" (the services for one audience)
    id: str  # service or audience id
    title: str  # what the downloads page shows
    services: tuple[int, ...]  # service numbers it shows
    edition: str = "standard"  # as booklets: leaflets have one edition
    imposed: bool = False  # leaflets are printed as they are
    volume: int | None = None  # leaflets are never split
    volumes: int = 1  # leaflets are never split


def plan_leaflets(handbook: Handbook, config: SiteConfig) -> list[Leaflet]:
    """Every leaflet: per language, one per service (in number order), then one per audience that has services."""
    leaflets = []
    for lang in config.codes:
        t = config.strings[lang]
        leaflets += [Leaflet(f"booklets/{lang}/leaflet-{s.id}.pdf", lang, SERVICE, s.id,
                             t["leaflet_service"].format(name=s.name[lang]), (s.number,)) for s in handbook.services]
        for a in handbook.audiences:
            members = tuple(s.number for s in handbook.services if a.id in s.audiences)
            if members:
                leaflets.append(Leaflet(f"booklets/{lang}/leaflet-audience-{a.id}.pdf", lang, AUDIENCE, a.id,
                                        t["leaflet_audience"].format(name=a.name[lang]), members))
    return leaflets


def common(handbook: Handbook, config: SiteConfig, lang: str, title: str) -> dict[str, Any]:
    """What every leaflet's template receives: language, document title and date, the handbook and its source."""
    t = config.strings[lang]
    return {"lang": lang, "region": config.language(lang).region, "title": title, "issuer": handbook.source.issuer[lang],
            "date": source_date(handbook), "handbook": f"{t['county']} · {config.title[lang]}",
            "source_line": prose(config, lang, t["source_line"]), "qr": None}


def service_leaflet_data(leaflet: Leaflet, service: Service, handbook: Handbook, config: SiteConfig) -> dict[str, Any]:
    """A service's leaflet → the JSON its template receives."""
    lang = leaflet.language
    t = config.strings[lang]
    number = t["service_label"].format(number=service.number)
    return {**common(handbook, config, lang, leaflet.title), "sizes": list(SERVICE_SIZES), "number": number,
            "name": prose(config, lang, service.name[lang]), "notice": currency(handbook, config, service, lang),
            "fields": service_fields(handbook, config, service, lang), "url": service_url(config, service, lang),
            "qr_alt": t["qr_alt"].format(number=service.number), "qr_caption": t["leaflet_qr"],
            "contact": [prose(config, lang, line) for line in (
                number, t["label_departments"] + t["label_separator"] + department_names(handbook, service, lang, config),
                t["leaflet_no_qr"])]}


def audience_leaflet_data(leaflet: Leaflet, audience: Audience, handbook: Handbook, config: SiteConfig) -> dict[str, Any]:
    """An audience's leaflet → the JSON its template receives: its services as rows of a table."""
    lang = leaflet.language
    t = config.strings[lang]
    views = Views(handbook, config, lang)
    source = handbook.source
    document = views.t("currency_plan", title=source.title[lang], number=source.number[lang])
    rows = [{"number": t["service_label"].format(number=n), "name": prose(config, lang, handbook.service(n).name[lang]),
             "summary": prose(config, lang, handbook.service(n).summary[lang]),
             "departments": t["label_departments"] + t["label_separator"] + t["list_separator"].join(
                 prose(config, lang, handbook.department(d).short_name[lang]) for d in handbook.service(n).departments)}
            for n in leaflet.services]
    return {**common(handbook, config, lang, leaflet.title), "sizes": list(AUDIENCE_SIZES),
            "name": audience.name[lang], "description": prose(config, lang, audience.description[lang]),
            "notice": prose(config, lang, views.t("sheet_currency", date=views.format_date(source.date), source=document)),
            "rows": rows,
            "url": audience_url(config, audience.id, lang), "qr_alt": t["site_qr_alt"], "qr_caption": t["leaflet_qr"]}


def leaflet_data(leaflet: Leaflet, handbook: Handbook, config: SiteConfig) -> dict[str, Any]:
    """A leaflet → the JSON its template receives (without its QR code, which is drawn only when compiled)."""
    if leaflet.kind == SERVICE:
        return service_leaflet_data(leaflet, next(s for s in handbook.services if s.id == leaflet.id), handbook, config)
    return audience_leaflet_data(leaflet, handbook.audience(leaflet.id), handbook, config)


def leaflet_engine(template_dir: Path) -> str:
    """Everything besides a leaflet's data that shapes its PDF: this module, printed.py, Typst, fonts, templates."""
    here = Path(__file__).parent
    return engine_key([here / "leaflets.py", here / "printed.py"], (template_dir / "leaflets").glob("*.typ"))


def leaflet_key(engine: str, data: dict[str, Any], kind: str) -> str:
    """A leaflet's data (QR code not drawn yet: it follows from the URL) → the hash of everything its PDF is made from."""
    return sha256(f"{engine}\0{kind}\0" + json.dumps(data, ensure_ascii=False))


def render_leaflets(handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path, workers: int | None = None,
                    progress: Progress | None = None, reuse: Reuse | None = None,
                    qr_codes: dict[str, str] | None = None, pool: ProcessPoolExecutor | None = None) -> list[dict[str, Any]]:
    """All leaflets → tagged PDFs under `out` (at their manifest paths) and their manifest entries; PDFs whose inputs
    are unchanged since the previous build are reused, and QR codes already drawn (`qr_codes`, URL → SVG) too.
    `pool` is the build's pool of Typst workers (see render_booklets); without one, a pool of `workers` is started."""
    qr_codes = {} if qr_codes is None else qr_codes
    reuse = reuse or Reuse(None)
    engine = leaflet_engine(template_dir)
    leaflets = plan_leaflets(handbook, config)
    manifest: list[dict[str, Any]] = []
    with contextlib.nullcontext(pool) if pool else worker_pool(workers) as pool:
        for kind, template in ((SERVICE, "leaflet.typ"), (AUDIENCE, "audience-leaflet.typ")):
            chosen = [x for x in leaflets if x.kind == kind]
            keys = [leaflet_key(engine, leaflet_data(x, handbook, config), kind) for x in chosen]

            def inputs(missing: list[int], chosen: list[Leaflet] = chosen, kind: str = kind) -> Iterator[dict[str, str]]:
                datas = {i: leaflet_data(chosen[i], handbook, config) for i in missing}
                svgs = draw_qr_codes(pool, {d["url"] for d in datas.values() if d["url"]}, qr_codes)
                for i in missing:  # first tried at the largest size, which fits most
                    yield {"data": json.dumps({**datas[i], "qr": svgs.get(datas[i]["url"] or "")}, ensure_ascii=False),
                           FIRST_TRY: "1" if kind == SERVICE else "2"}
            facts = compile_or_reuse(pool, template_dir / "leaflets" / template, template_dir / "leaflets",
                                     [out / x.file for x in chosen], keys, inputs, ("ua-1", "a-2a"), reuse, progress)
            manifest += [leaflet_entry(x, made, key) for x, made, key in zip(chosen, facts, keys, strict=True)]
    return manifest


def leaflet_entry(leaflet: Leaflet, facts: PdfFacts, key: str) -> dict[str, Any]:
    """A leaflet, its PDF's facts and input hash → its booklets/index.json entry (with the body size it was set in)."""
    return manifest_entry({**asdict(leaflet), "services": list(leaflet.services)}, facts, key)


def carry_over_leaflets(handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path,
                        reuse: Reuse) -> list[dict[str, Any]]:
    """The preview's leaflets: those of the previous build whose inputs are unchanged, linked under `out` with their
    manifest entries; nothing is compiled."""
    if not reuse.entries:  # no previous build: nothing to carry over
        return []
    engine = leaflet_engine(template_dir)
    manifest = []
    planned = plan_leaflets(handbook, config)
    for leaflet in [x for kind in (SERVICE, AUDIENCE) for x in planned if x.kind == kind]:  # render_leaflets' order
        key = leaflet_key(engine, leaflet_data(leaflet, handbook, config), leaflet.kind)
        if (made := reuse.take(key, out / leaflet.file)) is not None:
            manifest.append(leaflet_entry(leaflet, made, key))
    return manifest
