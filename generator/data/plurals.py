"""Counted interface strings: CLDR plural rules (Babel) say which form a number takes in a language.

site_config.yml holds each counted string's forms per language: the key itself is CLDR's `other` form, and
`<key>_<category>` every other category the language has (English: `_one`; Chinese has none). The browser's
Intl.PluralRules reads the same keys (handbook.js, finder.js)."""
from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from babel import Locale

from .errors import Problem
from .schema_checks import problem_at
from .yamlnodes import Node

# Interface strings that hold a {count}: each needs a form for every plural category of every language.
COUNTED = ("booklet_pages", "search_count", "services_count", "finder_count", "services_description",
           "department_description", "hsds_organization_description")


def categories(code: str) -> tuple[str, ...]:
    """A language code → its CLDR plural categories other than 'other', e.g. 'en' → ('one',), 'zh' → ()."""
    return tuple(sorted(Locale.parse(code).plural_form.tags))


@functools.lru_cache(maxsize=4096)
def category(code: str, count: int) -> str:
    """A language code and a number → the CLDR plural category of the number, e.g. ('en', 1) → 'one'. Kept for each
    pair once worked out: Babel parses the locale and works through the rule at each call (50 µs), and a build asks
    some 4,000 times for a few hundred pairs, 1,500 times at its very end (as the PDFs' pages are filled in)."""
    return str(Locale.parse(code).plural_form(count))


def counted_key(code: str, key: str, count: int) -> str:
    """A counted string's key, a language and a number → the key of the form to use ('booklet_pages_one')."""
    form = category(code, count)
    return key if form == "other" else f"{key}_{form}"


def counted(strings: Mapping[str, str], code: str, key: str, count: int, **values: object) -> str:
    """A language's strings, a counted key and a number → the right form, with {count} and the other values filled."""
    return strings[counted_key(code, key, count)].format(count=count, **values)


def base_key(key: str) -> str | None:
    """An interface string key → the counted string it is a form of, or None ('booklet_pages_one' → 'booklet_pages')."""
    return next((c for c in COUNTED if key == c or key.startswith(f"{c}_")), None)


def missing_forms(code: str, strings: Mapping[str, str], used: set[str]) -> list[str]:
    """A language's interface strings and the counted keys any language uses → the keys of the forms it lacks."""
    forms = [(key, form) for key in sorted(used) for form in ("other", *categories(code))]
    return [name for name in (key if form == "other" else f"{key}_{form}" for key, form in forms) if name not in strings]


def check_plural_forms(data: Any, root: Node) -> list[Problem]:
    """site_config.yml's plain data → a problem for each plural form a language's counted strings lack."""
    strings = data.get("strings") if isinstance(data, dict) else None
    languages = {code: texts for code, texts in strings.items() if isinstance(texts, dict)} if isinstance(strings, dict) else {}
    used = {base for texts in languages.values() for key in texts if (base := base_key(key))}
    return [problem_at(root, ("strings", code), f"expected the plural form '{key}' of a counted string in {code}, got none")
            for code, texts in languages.items() for key in missing_forms(code, texts, used)]
