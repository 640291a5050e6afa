"""Numbers with units (generator/data/quantities.py): 万 scaled for English, thousands grouped, singular and plural."""
from __future__ import annotations

import pytest

from generator.data.quantities import format_amount, plain_unit

CASES = [
    # value, unit in the language, the source (zh) unit, language, expected
    (0.8, "万人", "万人", "zh", "0.8万人"),
    (0.8, "person", "万人", "en", "8,000 people"),
    (1, "person", "万人", "en", "10,000 people"),
    (7.5, "home", "万套", "en", "75,000 homes"),
    (1, "square metre per person", "平方米/人", "en", "1 square metre per person"),
    (1.5, "square metre per person", "平方米/人", "en", "1.5 square metres per person"),
    (1, "kindergarten", "所", "en", "1 kindergarten"),
    (35, "bed", "张", "en", "35 beds"),
    (12, "year", "年", "en", "12 years"),
    (2, "box", "个", "en", "2 boxes"),
    (3, "child", "人", "en", "3 children"),
    (90, "%", "%", "en", "90%"),
    (1600, "册", "册", "zh", "1600册"),
    (1600, "book", "册", "en", "1,600 books"),
    (2, "livre", "本", "fr", "2 livre"),  # no plural rule for the language: the unit as written
]


@pytest.mark.parametrize(("value", "unit", "source_unit", "lang", "expected"), CASES)
def test_amounts(value: float, unit: str, source_unit: str, lang: str, expected: str) -> None:
    assert format_amount(value, unit, source_unit, lang, "zh") == expected


@pytest.mark.parametrize(("unit", "plain"), [
    ("person", True), ("square metre per person", True), ("class", True), ("%", True),
    ("people", False), ("ten thousand people", False), ("square metres per person", False), ("years", False),
])
def test_units_are_written_singular_without_scale(unit: str, plain: bool) -> None:
    assert plain_unit(unit) is plain
