"""Model → open data: services.json (the normalized structure) and services.csv (one row per service)."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..data.model import Handbook, Service, SiteConfig
from ..data.plain import plain

PROVISION_FIELDS = ("recipients", "standard", "funding")


def export_data(handbook: Handbook) -> dict[str, Any]:
    """Handbook → the services.yaml structure, references as ids."""
    data: dict[str, Any] = plain(handbook)
    del data["warnings"]  # about this run of the build, not part of the data
    return data


def render_json(handbook: Handbook) -> str:
    """Handbook → services.json text."""
    return json.dumps(export_data(handbook), ensure_ascii=False, indent=2) + "\n"


def csv_columns(codes: tuple[str, ...]) -> list[str]:
    """Language codes → the CSV header."""
    localized = ["name", "summary", *PROVISION_FIELDS, "departments", "keywords", "note", "chapter_title"]
    return ["number", "id", "chapter", "department_ids", "audiences"] + [f"{f}_{c}" for f in localized for c in codes]


def csv_row(service: Service, handbook: Handbook, codes: tuple[str, ...]) -> dict[str, str]:
    """A service → one CSV row; several provisions are numbered and separated by blank lines."""
    row = {"number": str(service.number), "id": service.id, "chapter": service.chapter,
           "department_ids": ";".join(service.departments), "audiences": ";".join(service.audiences)}
    for code in codes:
        row[f"name_{code}"] = service.name[code]
        row[f"summary_{code}"] = service.summary[code]
        for field in PROVISION_FIELDS:
            row[f"{field}_{code}"] = join_provisions([getattr(p, field)[code] for p in service.provisions])
        row[f"departments_{code}"] = ";".join(handbook.department(d).name[code] for d in service.departments)
        row[f"keywords_{code}"] = ";".join(service.keywords.get(code, ()))
        row[f"note_{code}"] = service.note[code] if service.note else ""
        row[f"chapter_title_{code}"] = handbook.chapter(service.chapter).title[code]
    return row


def join_provisions(texts: list[str]) -> str:
    """One text per provision → one cell ("(1) … (2) …" when there are several)."""
    if len(texts) == 1:
        return texts[0]
    return "\n\n".join(f"({i}) {t}" for i, t in enumerate(texts, 1))


def render_csv(handbook: Handbook, config: SiteConfig) -> str:
    """Handbook → services.csv text (UTF-8 with BOM so spreadsheet programs detect the encoding)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=csv_columns(config.codes), lineterminator="\r\n")
    writer.writeheader()
    for service in handbook.services:
        writer.writerow(csv_row(service, handbook, config.codes))
    return "\ufeff" + out.getvalue()



def render_open_data(handbook: Handbook, config: SiteConfig) -> dict[str, str]:
    """Handbook → the site's open-data files, {site path: text} (the downloads pages list them with their sizes)."""
    return {"data/services.json": render_json(handbook), "data/services.csv": render_csv(handbook, config)}
