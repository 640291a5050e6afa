"""Validation of the data: field by field against the JSON Schema, then across items.

Each check takes plain data (and the node tree for positions) and returns problems; none raises, so
one run reports everything that is wrong.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Sequence
from datetime import date
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.validators import extend

from .errors import Position, Problem
from .quantities import plain_unit
from .yamlnodes import MapNode, Node, find

Path = tuple[Any, ...]
MAX_WORD = 200  # the longest English word in the data has 20 letters; PDF text runs stop at ~16,000
LONG_WORD = re.compile(r"\S{" + str(MAX_WORD + 1) + ",}")
HAN = re.compile(r"[\u3000-\u303f\u3100-\u312f\u31a0-\u31bf\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
                 r"\U00020000-\U0003134f]")


def load_schema(name: str) -> dict[str, Any]:
    """Schema file name → the JSON Schema shipped with the package."""
    text = resources.files("generator.schema").joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def format_path(path: Path) -> str:
    """('services', 3, 'name', 'en') → 'services[3].name.en'."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def describe(value: object) -> str:
    """A value as an editor would recognise it in a message."""
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "nothing"}[value]
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return "a list" if isinstance(value, list) else "a mapping"


def key_position(root: Node, path: Path) -> Position:
    """Where the last key of `path` is written (for unknown fields, the key is what is wrong)."""
    parent, pos = find(root, path[:-1])
    return parent.key_pos.get(path[-1], pos) if isinstance(parent, MapNode) else pos


def problem_at(root: Node, path: Path, message: str) -> Problem:
    """A problem at the deepest node of `path` that exists."""
    _, pos = find(root, path)
    return Problem(pos, format_path(path), message)


# --- phase 1: each field against the schema -------------------------------------------------------

TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number", "array": "a list",
              "object": "a mapping", "boolean": "true or false"}


def text_errors(languages: Sequence[tuple[str, str]]) -> Any:  # noqa: C901  (one check per rule, in order)
    """Languages (code, script) → the "x-text" keyword: every language present, non-empty, in its script."""
    codes = [code for code, _ in languages]

    def check(validator: Any, enabled: bool, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        if not (enabled and isinstance(instance, dict)):
            return
        for code in instance:
            if code not in codes:
                yield ValidationError(f"unknown language '{code}'; expected one of {', '.join(codes)}", path=[code])
        for code, script in languages:
            value = instance.get(code)
            if code not in instance:
                yield ValidationError(f"missing; expected text in language '{code}'", path=[code])
            elif isinstance(value, str) and not value.strip():
                yield ValidationError(f"expected non-empty text, got {describe(value)}", path=[code])
            elif isinstance(value, str) and script == "Latn" and (m := HAN.search(value)):
                yield ValidationError(f"expected text in Latin script, got Chinese character '{m.group()}' "
                                      f"at character {m.start() + 1}", path=[code])
            elif isinstance(value, str) and script == "Latn" and (m := LONG_WORD.search(value)):
                yield ValidationError(f"expected words of at most {MAX_WORD} letters, got one of {len(m.group()):,} at character "
                                      f"{m.start() + 1} (it cannot be laid out on a page)", path=[code])
            elif not isinstance(value, str):
                yield ValidationError(f"expected text, got {describe(value)}", path=[code])
    return check


def sentence_errors(languages: Sequence[tuple[str, str]]) -> Any:
    """Languages (code, script) → the "x-sentence" keyword: per script, one line of at most `max` characters ending with `end`."""
    def check(validator: Any, rules: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        if not isinstance(instance, dict):
            return
        for code, script in languages:
            value, rule = instance.get(code), rules.get(script)
            if not (isinstance(value, str) and value.strip() and rule) or (script == "Latn" and HAN.search(value)):
                continue  # missing, empty or wrong-script text is reported by "x-text"
            yield from sentence_problems(value, rule["max"], rule["end"], code)
    return check


def sentence_problems(value: str, limit: int, end: str, code: str) -> Iterator[ValidationError]:
    """A text → what keeps it from being one line of at most `limit` characters ending with `end`."""
    text = value.strip()
    if "\n" in text:
        yield ValidationError(f"expected one line, got a line break at character {text.index(chr(10)) + 1}", path=[code])
    if len(text) > limit:
        yield ValidationError(f"expected at most {limit} characters (one line), got {len(text)}", path=[code])
    if not text.endswith(end):
        yield ValidationError(f"expected a full sentence ending with '{end}', got text ending with {describe(text[-12:])}",
                              path=[code])


def unit_errors(languages: Sequence[tuple[str, str]]) -> Any:
    """Languages (code, script) → the "x-unit" keyword: Latin-script units in the singular, without a scale word."""
    def check(validator: Any, enabled: bool, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        if not (enabled and isinstance(instance, dict)):
            return
        for code, script in languages:
            value = instance.get(code)
            if script == "Latn" and isinstance(value, str) and value.strip() and not plain_unit(value):
                yield ValidationError(f"expected the unit in the singular and without a scale word, e.g. 'person' "
                                      f"(numbers are scaled from 万 and made plural when shown), got {describe(value)}",
                                      path=[code])
    return check


def word_errors(codes: Sequence[str]) -> Any:
    """Language codes → the "x-words" keyword: lists of words per language ('all' = each language, 'items' = each
    language, as lines)."""
    def check(validator: Any, mode: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        if not isinstance(instance, dict):
            return
        for code in instance:
            if code not in codes:
                yield ValidationError(f"unknown language '{code}'; expected one of {', '.join(codes)}", path=[code])
        for code in codes if mode in ("all", "items") else ():
            if not instance.get(code):
                what = "item" if mode == "items" else "word"
                yield ValidationError(f"missing; expected at least one {what} in language '{code}'", path=[code])
    return check


def schema_message(error: ValidationError) -> str:  # noqa: PLR0911  (one message per schema keyword)
    """A jsonschema error → an editor's message: what was expected, what was found."""
    kind, found, schema = error.validator, error.instance, error.schema
    if kind in ("x-text", "x-words", "x-sentence", "x-unit"):
        return str(error.message)
    if kind == "type":
        allowed = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        expected = " or ".join(TYPE_NAMES.get(str(t), str(t)) for t in allowed)
        hint = " (remove the quotes)" if isinstance(found, str) and resolves_to_number(found) else ""
        return f"expected {expected}, got {describe(found)}{hint}"
    if kind == "required":
        missing = re.search(r"'([^']+)'", error.message)
        return f"missing required field '{missing.group(1) if missing else error.message}'"
    if kind == "additionalProperties":
        known = list(schema.get("properties", {}))
        guess = difflib.get_close_matches(error.path_key, known, n=1)
        return f"unknown field '{error.path_key}'" + (f" (did you mean '{guess[0]}'?)" if guess else "")
    if kind in ("pattern", "enum", "maxLength", "minimum", "exclusiveMinimum") and "x-expected" in schema:
        return f"expected {schema['x-expected']}, got {describe(found)}"
    if kind == "minLength" or (kind == "pattern" and isinstance(found, str) and not found.strip()):
        return f"expected non-empty text, got {describe(found)}"
    if kind == "minItems":
        return f"expected at least {error.validator_value} item(s), got {len(found)}"
    if kind == "minimum":
        return f"expected a number of at least {error.validator_value}, got {describe(found)}"
    if kind == "exclusiveMinimum":
        return f"expected a number more than {error.validator_value}, got {describe(found)}"
    return str(error.message)


def resolves_to_number(text: str) -> bool:
    """Whether quoted text would be a number without its quotes."""
    return re.fullmatch(r"[-+]?[0-9]+(\.[0-9]+)?", text.strip()) is not None


def split_errors(error: ValidationError) -> list[ValidationError]:
    """An unknown-fields error → one error per unknown field (each remembers its key)."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return [error]
    out = []
    for key in sorted(set(error.instance) - set(error.schema.get("properties", {}))):
        single = ValidationError(error.message, validator=error.validator, path=error.absolute_path,
                                 instance=error.instance, schema=error.schema)
        single.path_key = key
        out.append(single)
    return out


def error_path(error: ValidationError) -> Path:
    """Where a schema error points: into a mapping for a missing or unknown key."""
    path = tuple(error.absolute_path)
    if error.validator == "required":
        missing = re.search(r"'([^']+)'", error.message)
        return path + ((missing.group(1),) if missing else ())
    if error.validator == "additionalProperties":
        return path + (error.path_key,)
    return path


def check_schema(data: object, root: Node, schema: dict[str, Any], languages: Sequence[tuple[str, str]]) -> list[Problem]:
    """Plain data → one problem per schema violation, at the offending value."""
    validator_class = extend(Draft202012Validator, {
        "x-text": text_errors(languages), "x-words": word_errors([c for c, _ in languages]),
        "x-sentence": sentence_errors(languages), "x-unit": unit_errors(languages)})
    validator = validator_class(schema)
    leaves = [single for error in validator.iter_errors(data) for leaf in leaf_errors(error) for single in split_errors(leaf)]
    misspelt = {error_path(e)[:-1] + (guess,) for e in leaves if e.validator == "additionalProperties"
                for guess in difflib.get_close_matches(e.path_key, list(e.schema.get("properties", {})), n=1)}
    problems = []
    for leaf in leaves:
        path = error_path(leaf)
        if leaf.validator == "required" and path in misspelt:
            continue  # already reported as "unknown field … (did you mean …?)"
        pos = key_position(root, path) if leaf.validator == "additionalProperties" else find(root, path)[1]
        problems.append(Problem(pos, format_path(path), schema_message(leaf)))
    return sorted(set(problems))


def leaf_errors(error: ValidationError) -> list[ValidationError]:
    """Errors under anyOf/oneOf → their most specific causes."""
    return [leaf for sub in error.context for leaf in leaf_errors(sub)] if error.context else [error]


# --- phase 2: across items ------------------------------------------------------------------------

def items(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, item) for each well-formed mapping in a top-level list."""
    value = data.get(key)
    return [(i, x) for i, x in enumerate(value) if isinstance(x, dict)] if isinstance(value, list) else []


def check_unique(data: dict[str, Any], root: Node, key: str, field: str) -> list[Problem]:
    """Items of `key` must not share a value of `field`."""
    seen: dict[object, int] = {}
    problems = []
    for i, item in items(data, key):
        value = item.get(field)
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            continue
        if value in seen:
            first = find(root, (key, seen[value], field))[1]
            shown = describe(value) if isinstance(value, str) else value
            problems.append(problem_at(root, (key, i, field),
                                       f"duplicate {field} {shown}; already used by {key}[{seen[value]}] at line {first.line}"))
        else:
            seen[value] = i
    return problems


def check_contiguous(data: dict[str, Any], root: Node, key: str) -> list[Problem]:
    """Numbers of `key` must run 1, 2, … N (N items) with no gaps: point at each number out of range."""
    numbered = [(i, item["number"]) for i, item in items(data, key)
                if isinstance(item.get("number"), int) and not isinstance(item.get("number"), bool)]
    count = len(numbered)
    return [problem_at(root, (key, i, "number"),
                       f"expected a number from 1 to {count} (numbers run from 1 without gaps), got {n}")
            for i, n in numbered if n > count]


def department_names(data: dict[str, Any]) -> dict[str, str]:
    """Every id and alias of every department → the department id."""
    names = {}
    for _, dept in items(data, "departments"):
        if isinstance(dept.get("id"), str):
            names[dept["id"]] = dept["id"]
            names.update({alias: dept["id"] for alias in dept.get("aliases") or [] if isinstance(alias, str)})
    return names


def check_aliases(data: dict[str, Any], root: Node) -> list[Problem]:
    """No id or alias may name two departments."""
    owner: dict[str, str] = {d["id"]: d["id"] for _, d in items(data, "departments") if isinstance(d.get("id"), str)}
    problems = []
    for i, dept in items(data, "departments"):
        for j, alias in enumerate(dept.get("aliases") or []):
            if not isinstance(alias, str):
                continue
            if owner.setdefault(alias, str(dept.get("id"))) != dept.get("id"):
                problems.append(problem_at(root, ("departments", i, "aliases", j),
                                           f"alias {describe(alias)} already names department '{owner[alias]}'"))
    return problems


def check_refs(data: dict[str, Any], root: Node, key: str, field: str, known: dict[str, str], what: str) -> list[Problem]:
    """Every reference in `key[*].field` (a name or a list of names) must be a known `what`."""
    problems = []
    for i, item in items(data, key):
        value = item.get(field)
        refs = [(None, value)] if isinstance(value, str) else list(enumerate(value)) if isinstance(value, list) else []
        for j, ref in refs:
            if isinstance(ref, str) and ref not in known:
                path = (key, i, field) if j is None else (key, i, field, j)
                problems.append(problem_at(root, path, f"unknown {what} {describe(ref)}"))
    return problems


def ids(data: dict[str, Any], key: str) -> dict[str, str]:
    """Ids of a top-level list, each mapped to itself."""
    return {item["id"]: item["id"] for _, item in items(data, key) if isinstance(item.get("id"), str)}


def check_glossary(data: dict[str, Any], root: Node, codes: Sequence[str]) -> list[Problem]:
    """Where a source-language text uses a glossary term, every other language must use its rendering."""
    terms = [term_forms(term, codes) for _, term in items(data, "glossary")]
    problems = []
    for path, text in text_fields(data):
        for forms in terms:
            source = forms[codes[0]]
            if not any(f in text.get(codes[0], "") for f in source):
                continue
            for code in codes[1:]:
                target = text.get(code)
                if isinstance(target, str) and forms[code] and not any(f.lower() in target.lower() for f in forms[code]):
                    quoted = " or ".join(f"'{f}'" for f in forms[code][:3])
                    message = f"the {codes[0]} text uses glossary term '{source[0]}', so this text must use {quoted}"
                    problems.append(problem_at(root, path + (code,), message))
    return problems


def term_forms(term: dict[str, Any], codes: Sequence[str]) -> dict[str, list[str]]:
    """A glossary entry → every accepted spelling per language."""
    names: dict[str, Any] = term["term"] if isinstance(term.get("term"), dict) else {}
    forms: dict[str, Any] = term["forms"] if isinstance(term.get("forms"), dict) else {}
    result = {}
    for code in codes:
        main = [names[code]] if isinstance(names.get(code), str) and names[code] else []
        result[code] = main + [f for f in forms.get(code) or [] if isinstance(f, str) and f]
    return result


def text_fields(data: object, path: Path = ()) -> Iterator[tuple[Path, dict[str, Any]]]:  # noqa: C901  (a walk over the shapes)
    """Every localized text in services and chapters, with its path."""
    if path == ():
        for key in ("chapters", "services"):
            for i, item in items(data if isinstance(data, dict) else {}, key):
                yield from text_fields(item, (key, i))
        return
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("keywords",):
                continue
            if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
                yield path + (key,), value
            elif isinstance(value, (dict, list)):
                yield from text_fields(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from text_fields(value, path + (i,))


def check_across(data: object, root: Node, codes: Sequence[str]) -> list[Problem]:
    """Plain data → problems that involve more than one item."""
    if not isinstance(data, dict):
        return []
    depts, chapters, audiences = department_names(data), ids(data, "chapters"), ids(data, "audiences")
    problems = [p for key in ("chapters", "departments", "audiences", "services")
                for p in check_unique(data, root, key, "id")]
    problems += check_unique(data, root, "chapters", "number") + check_unique(data, root, "services", "number")
    problems += check_contiguous(data, root, "chapters") + check_contiguous(data, root, "services")
    problems += check_aliases(data, root)
    problems += check_refs(data, root, "chapters", "lead_departments", depts, "department")
    problems += check_refs(data, root, "services", "departments", depts, "department")
    problems += check_refs(data, root, "services", "chapter", chapters, "chapter")
    problems += check_refs(data, root, "services", "audiences", audiences, "audience")
    problems += check_unique(data, root, "channels", "id") + check_scopes(data, root, chapters)
    problems += check_appendix_departments(data, root, depts) + check_history_order(data, root)
    problems += check_apply_lines(data, root, codes) + check_says_something(data, root)
    return problems + check_glossary(data, root, codes)


# --- phase 2, continued: where to go, whom to call, and how current it is --------------------------

def check_scopes(data: dict[str, Any], root: Node, chapters: dict[str, str]) -> list[Problem]:
    """A channel's scope lists known chapters (or is 'all')."""
    return [problem_at(root, ("channels", i, "scope", j), f"unknown chapter {describe(ref)}")
            for i, channel in items(data, "channels") if isinstance(channel.get("scope"), list)
            for j, ref in enumerate(channel["scope"]) if isinstance(ref, str) and ref not in chapters]


def check_appendix_departments(data: dict[str, Any], root: Node, depts: dict[str, str]) -> list[Problem]:
    """The appendix's 主责单位 text names, via aliases, exactly the service's departments in their order."""
    problems = []
    for i, service in items(data, "services"):
        text, listed = service.get("appendix_departments"), service.get("departments")
        if not isinstance(text, str) or not isinstance(listed, list):
            continue
        names = [name for name in text.split("、") if name.strip()]
        unknown = [name for name in names if name not in depts]
        path = ("services", i, "appendix_departments")
        if unknown:
            problems.append(problem_at(root, path, f"{describe(unknown[0])} is not a spelling of any department"))
            continue
        named = list(dict.fromkeys(depts[name] for name in names))
        expected = list(dict.fromkeys(depts[d] for d in listed if isinstance(d, str) and d in depts))
        if named != expected:
            problems.append(problem_at(root, path, f"names departments {', '.join(named)}; expected those under "
                                                   f"departments, in their order: {', '.join(expected)}"))
    return problems


def check_history_order(data: dict[str, Any], root: Node) -> list[Problem]:
    """History entries run newest first."""
    problems = []
    for i, service in items(data, "services"):
        history = service.get("history")
        entries = history if isinstance(history, list) else []
        dates = [(j, h["date"]) for j, h in enumerate(entries) if isinstance(h, dict) and isinstance(h.get("date"), str)]
        for (_, newer), (j, older) in zip(dates, dates[1:], strict=False):
            if older > newer:
                problems.append(problem_at(root, ("services", i, "history", j, "date"),
                                           f"expected entries newest first, got {older} after {newer}"))
    return problems


def check_apply_lines(data: dict[str, Any], root: Node, codes: Sequence[str]) -> list[Problem]:
    """apply.documents and apply.steps have as many items in every language as in the first."""
    problems = []
    for i, service in items(data, "services"):
        apply = service.get("apply")
        for key in ("documents", "steps"):
            lists = apply.get(key) if isinstance(apply, dict) else None
            if not isinstance(lists, dict) or not isinstance(lists.get(codes[0]), list):
                continue
            count = len(lists[codes[0]])
            for code in codes[1:]:
                if isinstance(lists.get(code), list) and len(lists[code]) != count:
                    problems.append(problem_at(root, ("services", i, "apply", key, code),
                                               f"expected {count} item(s), as in {codes[0]}, got {len(lists[code])}"))
    return problems


CONTACT_FIELDS = ("address", "phone", "hours", "website")
APPLY_FIELDS = ("where", "documents", "steps", "online")


def check_says_something(data: dict[str, Any], root: Node) -> list[Problem]:
    """A contact or apply block holds more than its source and date."""
    blocks = [(("departments", i, "contact"), d.get("contact"), CONTACT_FIELDS) for i, d in items(data, "departments")]
    blocks += [(("services", i, "apply"), s.get("apply"), APPLY_FIELDS) for i, s in items(data, "services")]
    return [problem_at(root, path, f"expected at least one of {', '.join(fields)}")
            for path, block, fields in blocks if isinstance(block, dict) and not any(f in block for f in fields)]


def verified_dates(data: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    """Every `verified` date in the data, with its path."""
    for i, dept in items(data, "departments"):
        contact = dept.get("contact")
        if isinstance(contact, dict) and isinstance(contact.get("verified"), str):
            yield ("departments", i, "contact", "verified"), contact["verified"]
    for i, service in items(data, "services"):
        apply = service.get("apply")
        if isinstance(apply, dict) and isinstance(apply.get("verified"), str):
            yield ("services", i, "apply", "verified"), apply["verified"]
    for i, channel in items(data, "channels"):
        if isinstance(channel.get("verified"), str):
            yield ("channels", i, "verified"), channel["verified"]


def year_before(today: date) -> date:
    """A date → the same day a year earlier (28 February for 29 February)."""
    return today.replace(year=today.year - 1, day=min(today.day, 28 if today.month == 2 else today.day))


def check_stale(data: object, root: Node, today: date) -> list[Problem]:
    """Valid data → a warning for each `verified` date more than 12 months before today (not an error)."""
    if not isinstance(data, dict):
        return []
    limit = year_before(today).isoformat()
    return [problem_at(root, path, f"verified {value}, more than 12 months before today ({today.isoformat()}); "
                                   f"check it against its source again and update the date")
            for path, value in verified_dates(data) if value < limit]
