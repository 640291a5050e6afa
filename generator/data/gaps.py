"""What a resident would need that the handbook lacks, per department and service (`handbook gaps`): whom to call and
where to go, how to apply and what to bring, a standard checked against a document newer than the plan, and details
checked within the last 12 months, and, where a function moved in a reorganisation since the plan, whom to ask now.
Each office gets its own to-do list: a service is listed under every department
the appendix names for it. The workbook highlights the same fields while they are empty."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .columns import value_at
from .cross_checks import year_before
from .diff import md
from .model import Department, Handbook, Service
from .plain import plain

# Sheet → the fields (workbook keys without the language) a resident needs to act: whom to call and where to go for a
# department, how to apply and what to bring for a service. The workbook highlights them while empty.
NEEDED = {
    "departments": ("contact.phone", "contact.address", "contact.hours"),
    "services": ("apply.where", "apply.documents", "apply.steps"),
}
VERIFIED = {"departments": "contact.verified", "services": "apply.verified"}  # when each was last checked


@dataclass(frozen=True)
class Gap:
    """One thing a department's residents need that the handbook does not have."""

    department: str  # the id of the department whose to-do it is
    item: str  # what lacks it: the department's id, or a service as 'No. 2 rural-school-meals'
    field: str  # the field, as keyed in the workbook: 'contact.phone', 'apply.documents', 'standard'
    gap: str  # what is wrong, in the chosen language


def missing(data: Mapping[str, Any], sheet: str) -> Iterator[str]:
    """An item's plain data → each needed field it lacks (absent, or an empty list)."""
    for key in NEEDED[sheet]:
        if value_at(data, tuple(key.split("."))) in (None, [], {}):
            yield key


def item_gaps(data: Mapping[str, Any], sheet: str, strings: Mapping[str, str], today: date) -> Iterator[tuple[str, str]]:
    """An item's plain data → (field, gap) for each needed field missing and a check more than 12 months old."""
    for key in missing(data, sheet):
        yield key, strings["gaps_missing"]
    checked = value_at(data, tuple(VERIFIED[sheet].split(".")))
    if isinstance(checked, str) and checked < year_before(today).isoformat():
        yield VERIFIED[sheet], strings["gaps_stale"].format(date=checked)


def service_gaps(service: Service, handbook: Handbook, strings: Mapping[str, str], today: date,
                 lang: str) -> list[tuple[str, str]]:
    """A service → its gaps, the standard first when no document after the plan has been recorded for it."""
    gaps = [] if service.history else [("standard", strings["gaps_standard"].format(source=handbook.source.number[lang]))]
    return gaps + list(item_gaps(plain(service), "services", strings, today))


def reorganised_gaps(department: Department, strings: Mapping[str, str], lang: str) -> Iterator[tuple[str, str]]:
    """A department → a gap for each function that moved since the plan: the handbook records no successor's contact."""
    for i, moved in enumerate(department.reorganised, 1):
        yield f"reorganised[{i}]", strings["gaps_reorganised"].format(function=moved.function[lang])


def department_gaps(department: Department, handbook: Handbook, strings: Mapping[str, str], today: date,
                    lang: str) -> Iterator[Gap]:
    """A department → its to-do list: its own contact's gaps and moved functions, then each of its services' gaps, by
    number."""
    for field, gap in [*item_gaps(plain(department), "departments", strings, today),
                       *reorganised_gaps(department, strings, lang)]:
        yield Gap(department.id, department.id, field, gap)
    for service in handbook.services:
        if department.id in service.departments:
            for field, gap in service_gaps(service, handbook, strings, today, lang):
                yield Gap(department.id, f"No. {service.number} {service.id}", field, gap)


def find_gaps(handbook: Handbook, strings: Mapping[str, str], today: date, lang: str, department: str | None = None) -> list[Gap]:
    """The handbook → every gap, sorted by department (in the file's order), or one department's only."""
    return [gap for d in handbook.departments if department in (None, d.id)
            for gap in department_gaps(d, handbook, strings, today, lang)]


def department_names(handbook: Handbook, lang: str) -> dict[str, str]:
    """Department id → its name in one language."""
    return {d.id: d.name[lang] for d in handbook.departments}


def render_text(gaps: list[Gap], names: Mapping[str, str]) -> str:
    """Gaps → one block per department: its name and count, then one aligned line per gap."""
    lines: list[str] = []
    for department, name in names.items():
        own = [g for g in gaps if g.department == department]
        width = max((len(g.item) for g in own), default=0)
        if own:
            lines += [f"{department} {name} ({len(own)})"] + [f"  {g.item:<{width}}  {g.field:<17} {g.gap}" for g in own] + [""]
    return "\n".join(lines) if lines else "no gaps\n"


def render_markdown(gaps: list[Gap], names: Mapping[str, str]) -> str:
    """Gaps → one Markdown table per department, under its name."""
    out: list[str] = []
    for department, name in names.items():
        own = [g for g in gaps if g.department == department]
        if own:
            out += [f"## {md(name)} (`{department}`)", "", "| item | field | gap |", "| --- | --- | --- |"]
            out += [f"| {md(g.item)} | `{g.field}` | {md(g.gap)} |" for g in own] + [""]
    return "\n".join(out) if out else "No gaps.\n"


def render_csv(gaps: list[Gap], names: Mapping[str, str]) -> str:
    """Gaps → CSV (UTF-8 with BOM, as the open data): department, department_name, item, field, gap."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["department", "department_name", "item", "field", "gap"])
    writer.writerows([g.department, names[g.department], g.item, g.field, g.gap] for g in gaps)
    return "\ufeff" + out.getvalue()


RENDERERS = {"text": render_text, "markdown": render_markdown, "csv": render_csv}
