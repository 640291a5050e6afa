"""Two validated handbooks → what changed between them: services, departments and chapters added, removed or changed
field by field (every language), as text, Markdown or JSON.

Items are matched by id. Every field the model holds is compared, so fields added to the model later are covered
without changes here; a chapter's list of services is left out (it follows from the services' own `chapter`)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .model import Handbook
from .plain import plain

KINDS = ("services", "departments", "chapters")
DERIVED = {"chapters": ("services",)}  # fields computed from other items, not edited


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs."""

    field: str  # dotted path inside the item, e.g. "provisions[1].standard.en"
    old: str | None  # the old value as text; None when the field is new
    new: str | None  # the new value as text; None when the field was removed


@dataclass(frozen=True)
class ItemDiff:
    """An item (service, department, chapter) added, removed or changed."""

    id: str  # the item's id
    label: str  # number (services) and names in every language, for people
    changes: tuple[FieldChange, ...]  # changed fields; empty for added and removed items


@dataclass(frozen=True)
class KindDiff:
    """The differences among one kind of item."""

    kind: str  # "services", "departments" or "chapters"
    added: tuple[ItemDiff, ...]  # in the new file only
    removed: tuple[ItemDiff, ...]  # in the old file only
    changed: tuple[ItemDiff, ...]  # in both, with different fields


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """Plain data → {dotted field path: scalar as text}; list items are numbered from 1."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in flatten(item, f"{prefix}.{key}" if prefix else key).items()}
    if isinstance(value, list):
        if not value:
            return {}  # an empty list says nothing: adding its first item is a new field, not a change from ''
        if all(not isinstance(v, (dict, list)) for v in value):
            return {prefix: "; ".join(str(v) for v in value)}
        return {k: v for i, item in enumerate(value, 1) for k, v in flatten(item, f"{prefix}[{i}]").items()}
    return {prefix: str(value)}


def label(item: dict[str, Any]) -> str:
    """An item's plain data → 'No. 3 · 名称 / Name' (its number if it has one, its names in every language)."""
    names = " / ".join(item.get("name", item.get("title", {})).values())
    number = f"No. {item['number']} · " if "number" in item else ""
    return f"{number}{names}"


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    """Two versions of an item → its changed fields, in the new version's order, removed fields last."""
    before, after = flatten(old), flatten(new)
    changed = [FieldChange(k, before.get(k), v) for k, v in after.items() if before.get(k) != v]
    return tuple(changed + [FieldChange(k, v, None) for k, v in before.items() if k not in after])


def diff_kind(kind: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> KindDiff:
    """The old and new items of one kind → what was added, removed and changed."""
    def strip(item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if k not in DERIVED.get(kind, ())}
    before, after = {i["id"]: strip(i) for i in old}, {i["id"]: strip(i) for i in new}
    changed = (ItemDiff(key, label(item), field_changes(before[key], item)) for key, item in after.items() if key in before)
    return KindDiff(kind,
                    tuple(ItemDiff(key, label(item), ()) for key, item in after.items() if key not in before),
                    tuple(ItemDiff(key, label(item), ()) for key, item in before.items() if key not in after),
                    tuple(d for d in changed if d.changes))


def diff_handbooks(old: Handbook, new: Handbook) -> tuple[KindDiff, ...]:
    """Two handbooks → the differences of each kind (services, departments, chapters)."""
    before, after = plain(old), plain(new)
    return tuple(diff_kind(kind, before[kind], after[kind]) for kind in KINDS)


def is_empty(diffs: tuple[KindDiff, ...]) -> bool:
    """Whether nothing differs."""
    return not any(d.added or d.removed or d.changed for d in diffs)


def render_json(diffs: tuple[KindDiff, ...]) -> str:
    """Differences → JSON text: {kind: {added: [...], removed: [...], changed: [{id, label, changes: [...]}]}}."""
    def item(d: ItemDiff, with_changes: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"id": d.id, "label": d.label}
        if with_changes:
            data["changes"] = [{"field": c.field, "old": c.old, "new": c.new} for c in d.changes]
        return data
    return json.dumps({d.kind: {"added": [item(x, False) for x in d.added], "removed": [item(x, False) for x in d.removed],
                                "changed": [item(x, True) for x in d.changed]} for d in diffs},
                      ensure_ascii=False, indent=2) + "\n"


def render_text(diffs: tuple[KindDiff, ...]) -> str:
    """Differences → plain text for the terminal, one change per line."""
    if is_empty(diffs):
        return "no differences\n"
    lines: list[str] = []
    for d in diffs:
        lines += [f"{d.kind} added: {x.id} ({x.label})" for x in d.added]
        lines += [f"{d.kind} removed: {x.id} ({x.label})" for x in d.removed]
        for x in d.changed:
            lines.append(f"{d.kind} changed: {x.id} ({x.label})")
            lines += [f"  {c.field}: {show(c.old)} → {show(c.new)}" for c in x.changes]
    return "\n".join(lines) + "\n"


def show(value: str | None) -> str:
    """A field value for text output: quoted, or (none)."""
    return "(none)" if value is None else json.dumps(value, ensure_ascii=False)


def render_markdown(diffs: tuple[KindDiff, ...]) -> str:
    """Differences → Markdown an editor can paste into a history summary or a print insert."""
    if is_empty(diffs):
        return "No differences.\n"
    lines: list[str] = []
    for d in diffs:
        if not (d.added or d.removed or d.changed):
            continue
        lines += [f"## {d.kind.capitalize()}", ""]
        lines += [f"- Added: `{x.id}` {md(x.label)}" for x in d.added]
        lines += [f"- Removed: `{x.id}` {md(x.label)}" for x in d.removed]
        for x in d.changed:
            lines.append(f"- Changed: `{x.id}` {md(x.label)}")
            lines += [f"    - `{c.field}`: {md_value(c.old)} → {md_value(c.new)}" for c in x.changes]
        lines.append("")
    return "\n".join(lines)


def md(text: str) -> str:
    """Text → Markdown that shows it literally (inline markup characters escaped, lines joined)."""
    escaped = "".join("\\" + ch if ch in "\\`*_[]<>#|~" else ch for ch in text)
    return " ".join(escaped.split("\n"))


def md_value(value: str | None) -> str:
    """A field value for Markdown: escaped text, or *(none)*."""
    return "*(none)*" if value is None else md(value)


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
