"""Validation of the data, phase 1: each field against the JSON Schema, with messages an editor can act on (phase 2,
across items, is cross_checks.py). Also the helpers both phases use to say where a problem is.

Each check takes plain data (and the node tree for positions) and returns problems; none raises, so one run reports
everything that is wrong.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Sequence
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


def eligibility_errors(validator: Any, enabled: bool, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    """The "x-eligibility" keyword: exactly one of `everyone: true` and `any: [rule sets]`."""
    if not (enabled and isinstance(instance, dict)):
        return
    if "everyone" in instance and "any" in instance:
        yield ValidationError("expected either everyone: true or any: [rule sets], not both", path=["any"])
    elif "everyone" not in instance and "any" not in instance:
        yield ValidationError("expected everyone: true or any: [rule sets], got neither")


def range_errors(validator: Any, enabled: bool, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    """The "x-range" keyword: a {min, max} range whose min is not above its max."""
    if not (enabled and isinstance(instance, dict)):
        return
    low, high = instance.get("min"), instance.get("max")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        yield ValidationError(f"min {low} is more than max {high}", path=["min"])


def schema_message(error: ValidationError) -> str:  # noqa: PLR0911, C901  (one message per schema keyword)
    """A jsonschema error → an editor's message: what was expected, what was found."""
    kind, found, schema = error.validator, error.instance, error.schema
    if kind in ("x-text", "x-words", "x-sentence", "x-unit", "x-eligibility", "x-range"):
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
    if kind in ("pattern", "enum", "const", "maxLength", "minimum", "maximum", "exclusiveMinimum") and "x-expected" in schema:
        return f"expected {schema['x-expected']}, got {describe(found)}"
    if kind == "minLength" or (kind == "pattern" and isinstance(found, str) and not found.strip()):
        return f"expected non-empty text, got {describe(found)}"
    if kind == "minItems":
        return f"expected at least {error.validator_value} item(s), got {len(found)}"
    if kind == "minProperties":
        return f"expected at least {error.validator_value} field(s), got an empty mapping"
    if kind == "uniqueItems":
        return f"expected each value once, got {describe(repeated(found))} twice"
    if kind == "minimum":
        return f"expected a number of at least {error.validator_value}, got {describe(found)}"
    if kind == "exclusiveMinimum":
        return f"expected a number more than {error.validator_value}, got {describe(found)}"
    return str(error.message)


def repeated(values: list[Any]) -> Any:
    """The first value a list holds twice."""
    return next(v for i, v in enumerate(values) if v in values[:i])


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
        "x-sentence": sentence_errors(languages), "x-unit": unit_errors(languages),
        "x-eligibility": eligibility_errors, "x-range": range_errors})
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


