"""services.yaml edited in place: read with ruamel.yaml's round trip (comments, order, quoting and flow style kept),
values changed where they differ, and written back so that every untouched line stays byte for byte."""
from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from .yamlnodes import resolve_plain

WIDTH = 1_000_000  # never fold a long line: the file keeps each text on one line, as editors wrote it


def round_trip() -> YAML:
    """A ruamel.yaml reader and writer set to services.yaml's own layout (2-space mappings, lists indented by 2)."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = WIDTH
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load_document(text: str) -> Any:
    """services.yaml text → its round-trip document (dicts and lists that remember comments and styles)."""
    return round_trip().load(text)


def dump_document(document: Any) -> str:
    """A round-trip document → YAML text."""
    out = io.StringIO()
    round_trip().dump(document, out)
    return out.getvalue()


def styled(new: Any, old: Any = None) -> Any:
    """A new value → as services.yaml writes it: text in the quotes the old value had (double quotes for new text, so
    a phone number or a date stays text), lists and mappings with the old one's flow style."""
    if isinstance(new, str):
        if type(old) is str and plain_safe(new):
            return new
        return SingleQuotedScalarString(new) if isinstance(old, SingleQuotedScalarString) else DoubleQuotedScalarString(new)
    if isinstance(new, list):
        seq = CommentedSeq(styled(v, old[0] if isinstance(old, list) and old else None) for v in new)
        if isinstance(old, CommentedSeq) and old.fa.flow_style():
            seq.fa.set_flow_style()
        return seq
    if isinstance(new, dict):
        return CommentedMap((k, styled(v)) for k, v in new.items())
    return new


def plain_safe(text: str) -> bool:
    """Whether text written without quotes reads back as the same text (no YAML syntax, not a number or a date)."""
    try:
        return resolve_plain(text) == text and load_document(f"x: {text}\n")["x"] == text
    except Exception:  # noqa: BLE001  (any YAML error: it needs quotes)
        return False


def last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """A mapping or list → (the container, the key or index, the comment slot) of its last value, where ruamel.yaml
    keeps the comment lines that follow it; None when empty or written in flow style."""
    if isinstance(node, CommentedMap) and node and not node.fa.flow_style():
        return node, next(reversed(node)), 2
    if isinstance(node, CommentedSeq) and node and not node.fa.flow_style():
        return node, len(node) - 1, 0
    return None


def take_trailing(node: Any) -> Any:
    """An item → the comment lines that follow its last value (say, the next service's heading), taken off it."""
    while (found := last_slot(node)) is not None:
        container, key, index = found
        slot = container.ca.items.get(key)
        if slot and slot[index] is not None:
            token, slot[index] = slot[index], None
            return token
        node = container[key]
    return None


def give_trailing(node: Any, token: Any) -> None:
    """An item and the comment lines taken from it → those lines after its last value as it is now, so that a field
    added or removed at its end does not carry the next item's comment with it."""
    if token is None:
        return
    container, key, index = node, None, 2
    while (found := last_slot(node)) is not None:
        container, key, index = found
        node = container[key]
    if key is not None:
        slot = container.ca.items.setdefault(key, [None, None, None, None] if index == 2 else [None, None])
        slot[index] = token
