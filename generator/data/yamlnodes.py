"""YAML text → position-keeping nodes, refusing what an editor's file never needs.

The parser reads events one at a time and builds the tree with an explicit stack, so deep nesting,
huge files and alias bombs fail fast with a positioned message instead of exhausting memory.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml as libyaml
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import DataError, Position, Problem

MAX_BYTES = 5 * 1024 * 1024  # services.yaml is ~200 KB; anything this big is a mistake
MAX_DEPTH = 64  # the handbook's data nests 6 levels deep
MAX_NODES = 50_000  # the real file has ~9,000 values and 2,400 lines; this bounds time and memory whatever the file holds

Scalar = str | int | float | bool | None
Event = Any  # a parser event of ruamel.yaml or PyYAML: type name, start_mark, and value/style/anchor/tag where they apply


@dataclass
class ScalarNode:
    """A scalar value and where it stands."""

    value: Scalar  # the resolved value (YAML 1.2 core schema)
    pos: Position  # where the value starts


@dataclass
class SeqNode:
    """A sequence and where it stands."""

    pos: Position  # where the sequence starts
    items: list[Node] = field(default_factory=list)  # the items, in order


@dataclass
class MapNode:
    """A mapping with string keys, in file order, and where each key stands."""

    pos: Position  # where the mapping starts
    items: dict[str, Node] = field(default_factory=dict)  # key → value node
    key_pos: dict[str, Position] = field(default_factory=dict)  # key → where the key stands


Node = ScalarNode | SeqNode | MapNode

DEEP_FLOW = re.compile(r"[\[{](?:[ \t\r\n]*[\[{]){" + str(MAX_DEPTH) + "}")  # more than MAX_DEPTH brackets opened in a row
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")


def resolve_plain(text: str) -> Scalar:
    """Plain (unquoted) scalar text → Python value, YAML 1.2 core schema."""
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


@dataclass(frozen=True)
class Limits:
    """How big a file may be before it is refused, and what the message suggests."""

    max_bytes: int = MAX_BYTES
    max_nodes: int = MAX_NODES
    hint: str = ""  # appended to a limit's message, e.g. where the limit can be raised

    def too_big(self, size: int) -> str:
        return f"file is {size:,} bytes; the limit is {self.max_bytes:,} bytes{self.hint}"


def decode_source(data: bytes, name: str, limits: Limits = Limits()) -> str:
    """Raw file bytes → text, or a DataError for the size, a BOM, bad UTF-8, emptiness, too many values or too deep
    nesting (problems that leave nothing worth reading further)."""
    whole = Position(name, 1, 1)
    if len(data) > limits.max_bytes:
        raise DataError([Problem(whole, "", limits.too_big(len(data)))])
    if data.startswith(b"\xef\xbb\xbf"):
        raise DataError([Problem(whole, "", "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start:exc.start].decode("utf-8", errors="replace")) + 1  # characters, not bytes
        message = f"invalid UTF-8 byte 0x{data[exc.start]:02x}; save the file as UTF-8"
        raise DataError([Problem(Position(name, line, col), "", message)]) from None
    if not text.strip():
        raise DataError([Problem(whole, "", "file is empty; expected a YAML mapping")])
    if (pieces := text.count("\n") + text.count(",")) > limits.max_nodes:  # an upper bound on the values, counted in one pass
        raise DataError([Problem(whole, "", f"more than {limits.max_nodes:,} lines and list items ({pieces:,}); "
                                            f"the file is too large{limits.hint}")])
    if deep := DEEP_FLOW.search(text):  # caught here in one pass; the YAML scanner is slow on such input
        at = deep.end() - 1
        line = text.count("\n", 0, at) + 1
        col = at - text.rfind("\n", 0, at)
        raise DataError([Problem(Position(name, line, col), "", f"nested more than {MAX_DEPTH} levels deep")])
    return text


LIMIT_HINT = " (set under limits: in site_config.yml)"  # where the limits for services.yaml are raised


TAB_INDENT = re.compile(r"^([ ]*)\t", re.MULTILINE)  # a tab among a line's leading spaces


def tab_problems(text: str, name: str) -> list[Problem]:
    """Every line indented with a tab → one problem each."""
    return [Problem(Position(name, text.count("\n", 0, m.start()) + 1, len(m.group(1)) + 1), "",
                    "tab character in indentation; indent with spaces") for m in TAB_INDENT.finditer(text)]


def untab(text: str) -> str:
    """Lines indented with tabs → indented with spaces like the line before (deeper after a 'key:'), a guess that lets
    the rest of the file be read for more problems. Only the tab lines' columns change, and they are reported anyway."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if TAB_INDENT.match(line):
            before = next((x for x in reversed(lines[:n]) if x.strip() and not x.lstrip().startswith("#")), "")
            content = re.match(r"[ ]*(?:-[ ]+)*", before)
            indent = (content.end() if content else 0) + (2 if before.rstrip().endswith(":") else 0)
            lines[n] = " " * indent + line.lstrip(" \t")
    return "\n".join(lines)


def read_nodes(path: Path, name: str, limits: Limits = Limits()) -> tuple[Node | None, list[Problem]]:
    """A YAML file → its root node (None if it cannot be read) and every YAML-level problem: all indentation tabs,
    all duplicate keys, then the first syntax error if there is one."""
    size = path.stat().st_size
    if size > limits.max_bytes:  # refuse before reading it into memory
        return None, [Problem(Position(name, 1, 1), "", limits.too_big(size))]
    try:
        text = decode_source(path.read_bytes(), name, limits)
    except DataError as exc:
        return None, exc.problems
    tabs = tab_problems(text, name)
    root, problems = read_text(untab(text) if tabs else text, name, limits)
    tab_lines = {p.position.line for p in tabs}
    return root, tabs + [p for p in problems if p.position.line not in tab_lines]  # a tab's own syntax error says no more


def root_or_raise(found: tuple[Node | None, list[Problem]]) -> Node:
    """A reader's (root, problems) → the root, or a DataError with every problem."""
    root, problems = found
    if problems or root is None:
        raise DataError(problems)
    return root


def load_nodes(path: Path, name: str, limits: Limits = Limits()) -> Node:
    """A YAML file → its root node, or a DataError with every position it can name."""
    return root_or_raise(read_nodes(path, name, limits))


def parse_nodes(text: str, name: str, limits: Limits = Limits()) -> Node:
    """YAML text → its root node (one document, no aliases, no tags, unique keys), or a DataError."""
    return root_or_raise(read_text(text, name, limits))


def read_text(text: str, name: str, limits: Limits = Limits()) -> tuple[Node | None, list[Problem]]:
    """YAML text → its root node (None after a syntax error) and its problems: every duplicate key, then the first
    syntax error.

    libyaml (C) reads a good file about 13× faster than ruamel.yaml (pure Python). Its events carry the same
    names, values and character positions, so the same builder takes either; any problem is read again with
    ruamel.yaml, whose messages the editor sees (tests pin them).
    """
    if any(c in text for c in "\x85\u2028\u2029"):  # line breaks in YAML 1.1 (libyaml) but not in 1.2
        return read_slowly(text, name, limits)
    builder, empty, unsure = _Builder(name, limits), False, False
    try:
        for event in libyaml.parse(text, Loader=libyaml.CSafeLoader):
            empty = type(event).__name__ == "ScalarEvent" and event.value == "" and not event.style
            unsure = unsure or empty  # an empty value: libyaml places it one column off from ruamel.yaml
            builder.feed(event)
        if builder.problems or unsure:
            raise _Unsure
        return builder.root(), []
    except TooManyValues as exc:
        if empty:  # the value over the limit is itself an empty one: let ruamel.yaml place it
            return read_slowly(text, name, limits)
        return None, [*builder.problems, *exc.problems]  # refused at the first value over the limit, without reading twice
    except (libyaml.YAMLError, DataError, _Unsure):
        return read_slowly(text, name, limits)


class _Unsure(Exception):
    """The fast reader met something it might place differently: read the file again carefully."""


class TooManyValues(DataError):
    """The file has more values than its limit: refused at the first value over it."""


def parse_nodes_slowly(text: str, name: str, limits: Limits = Limits()) -> Node:
    """YAML text → its root node with ruamel.yaml alone, or a DataError (tests compare it with parse_nodes)."""
    return root_or_raise(read_slowly(text, name, limits))


def read_slowly(text: str, name: str, limits: Limits = Limits()) -> tuple[Node | None, list[Problem]]:
    """YAML text → its root node with ruamel.yaml, whose error messages name the problem best, and its problems."""
    builder = _Builder(name, limits)
    try:
        for event in YAML(typ="rt").parse(text):
            builder.feed(event)
        return builder.root(), builder.problems
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        return None, [*builder.problems, Problem(Position(name, line, col), "", f"invalid YAML: {problem}")]
    except YAMLError as exc:
        return None, [*builder.problems, Problem(Position(name, 1, 1), "", f"invalid YAML: {exc}")]
    except DataError as exc:
        return None, [*builder.problems, *exc.problems]


class _Builder:
    """Turns parser events into nodes with an explicit stack."""

    def __init__(self, name: str, limits: Limits = Limits()) -> None:
        self.name = name
        self.limits = limits
        self.stack: list[tuple[Node, list[ScalarNode]]] = []  # open collections, each with a pending key
        self.roots: list[Node] = []
        self.count = 0
        self.problems: list[Problem] = []  # duplicate keys (the first value is kept), reported together

    def pos(self, event: Event) -> Position:
        return Position(self.name, event.start_mark.line + 1, event.start_mark.column + 1)

    def fail(self, event: Event, message: str) -> None:
        raise DataError([Problem(self.pos(event), "", message)])

    def feed(self, event: Event) -> None:
        kind = type(event).__name__  # ruamel.yaml and PyYAML name their event classes alike
        if kind == "AliasEvent":
            self.fail(event, "anchors and aliases (&name, *name) are not allowed; write the value out")
        if kind in ("ScalarEvent", "MappingStartEvent", "SequenceStartEvent"):
            self.check_node_event(event)
        if kind == "ScalarEvent":
            value = resolve_plain(event.value) if not event.style else event.value  # plain: None (ruamel) or '' (libyaml)
            self.add(ScalarNode(value, self.pos(event)), event)
        elif kind == "MappingStartEvent":
            self.open(MapNode(self.pos(event)), event)
        elif kind == "SequenceStartEvent":
            self.open(SeqNode(self.pos(event)), event)
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            node, _ = self.stack.pop()
            self.add(node, event, opened=True)
        elif kind == "DocumentStartEvent" and self.roots:
            self.fail(event, "more than one YAML document ('---'); keep everything in one document")

    def check_node_event(self, event: Event) -> None:
        self.count += 1
        if self.count > self.limits.max_nodes:
            message = f"more than {self.limits.max_nodes:,} values; the file is too large{self.limits.hint}"
            raise TooManyValues([Problem(self.pos(event), "", message)])
        if event.anchor:
            self.fail(event, "anchors and aliases (&name, *name) are not allowed; write the value out")
        tag = getattr(event, "tag", None)
        if tag:
            shown = str(tag).replace("tag:yaml.org,2002:", "!!")  # as the editor wrote it
            self.fail(event, f"YAML tags such as {shown} are not allowed")

    def open(self, node: Node, event: Event) -> None:
        if len(self.stack) >= MAX_DEPTH:
            self.fail(event, f"nested more than {MAX_DEPTH} levels deep")
        self.stack.append((node, []))

    def add(self, node: Node, event: Event, opened: bool = False) -> None:
        if not self.stack:
            self.roots.append(node)
            return
        parent, pending = self.stack[-1]
        if isinstance(parent, SeqNode):
            parent.items.append(node)
        elif not pending:
            self.add_key(parent, pending, node, event)  # type: ignore[arg-type]  # a MapNode (sequences handled above)
        elif isinstance(parent, MapNode):
            key = pending.pop()
            if str(key.value) not in parent.items:  # a duplicate's value is dropped: the first one stands
                parent.items[str(key.value)] = node
                parent.key_pos[str(key.value)] = key.pos

    def add_key(self, parent: MapNode, pending: list[ScalarNode], node: Node, event: Event) -> None:
        if not isinstance(node, ScalarNode):
            raise DataError([Problem(node.pos, "", "mapping keys must be plain text")])
        key = str(node.value)
        if key in parent.key_pos:  # a dict lookup: a mapping of n keys is checked in O(n), not O(n²)
            first = parent.key_pos[key]
            self.problems.append(Problem(node.pos, "", f"duplicate key '{key}' (first defined at line {first.line})"))
        pending.append(node)

    def root(self) -> Node:
        if not self.roots:
            raise DataError([Problem(Position(self.name, 1, 1), "", "file is empty; expected a YAML mapping")])
        return self.roots[0]


def to_plain(node: Node) -> object:
    """Node tree → plain Python data (dicts, lists, scalars) for schema validation and export."""
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, SeqNode):
        return [to_plain(item) for item in node.items]
    return {key: to_plain(value) for key, value in node.items.items()}


def find(node: Node, path: tuple[object, ...]) -> tuple[Node, Position]:
    """The deepest node along a path (keys and indexes) and the best position to report for it."""
    pos = node.pos
    for step in path:
        if isinstance(node, MapNode) and isinstance(step, str) and step in node.items:
            pos, node = node.items[step].pos, node.items[step]
        elif isinstance(node, SeqNode) and isinstance(step, int) and step < len(node.items):
            pos, node = node.items[step].pos, node.items[step]
        else:
            break
    return node, pos
