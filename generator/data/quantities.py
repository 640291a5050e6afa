"""Numbers with units in each language: 万 scaled out of Chinese units, thousands separated, English nouns made plural.

The data writes a target as the plan does (0.8 with the unit 万人); English units are written once, in the
singular ("person"), and this module says "8,000 people" or "1 square metre per person" from them.
"""
from __future__ import annotations

import re

WAN = 10_000  # 万: Chinese counts in ten thousands
IRREGULAR = {"person": "people", "child": "children"}  # English plurals that do not add -s
SIBILANT = re.compile(r"(s|x|z|ch|sh)$")
PERCENT = "%"


def wan_scale(source_unit: str) -> int:
    """A source-language unit → the factor its leading 万 stands for ('万人' → 10,000, '所' → 1)."""
    return WAN if source_unit.startswith("万") else 1


def format_number(value: float, grouped: bool) -> str:
    """12.0 → '12', 0.8 → '0.8'; 8000 → '8,000' when grouped (English), '8000' otherwise."""
    text = f"{value:,.6f}" if grouped else f"{value:.6f}"
    return text.rstrip("0").rstrip(".")


def plural(unit: str) -> str:
    """An English unit in the singular → its plural: the noun before ' per ' changes ('square metre per person')."""
    head, sep, rest = unit.partition(" per ")
    words = head.split(" ")
    last = words[-1]
    words[-1] = IRREGULAR.get(last) or (last + "es" if SIBILANT.search(last) else last + "s")
    return " ".join(words) + sep + rest


def plain_unit(unit: str) -> bool:
    """Whether an English unit is written as the data needs it: singular, with no scale word ('ten thousand people')."""
    head = unit.partition(" per ")[0].split(" ")
    scaled = any(word in ("hundred", "thousand", "million") for word in head)
    plural_form = head[-1] in IRREGULAR.values() or (head[-1].endswith("s") and not head[-1].endswith(("ss", "us")))
    return unit == PERCENT or not (scaled or plural_form)


PLURALS = {"en": plural}  # language → how its units become plural; other languages write units as given


def format_amount(value: float, unit: str, source_unit: str, lang: str, source_lang: str) -> str:
    """A value with its unit in one language → '0.8万人' (the source language, as written) or '8,000 people'."""
    if lang == source_lang:
        return f"{format_number(value, grouped=False)}{unit}"
    amount = value * wan_scale(source_unit)
    number = format_number(amount, grouped=True)
    if unit == PERCENT:
        return f"{number}{PERCENT}"
    make_plural = PLURALS.get(lang)
    return f"{number} {unit if amount == 1 or make_plural is None else make_plural(unit)}"
