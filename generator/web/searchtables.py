"""Tables the search ships with each index, generated at build time from maintained libraries and limited to
what the index holds: traditional → simplified characters (OpenCC's data, via opencc-python-reimplemented),
British → American spellings (breame's table), and the pinyin of common characters (pypinyin), which lets a
character typed with the wrong homophone still find the word."""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS, BRITISH_ENGLISH_SPELLINGS
from opencc import OpenCC

from ..present.views import plain_pinyin


@cache
def to_simplified() -> OpenCC:
    """OpenCC's traditional → simplified converter (its dictionaries ship inside the package)."""
    return OpenCC("t2s")


def opencc_pairs() -> Iterable[tuple[str, str]]:
    """OpenCC's character tables → (traditional, simplified) candidate pairs, both directions of its data."""
    folder = resources.files("opencc").joinpath("dictionary")
    for name, trad_first in (("TSCharacters.txt", True), ("STCharacters.txt", False)):
        for line in folder.joinpath(name).read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            for value in values.split():
                yield (key, value) if trad_first else (value, key)


def traditional_table(characters: Iterable[str]) -> dict[str, str]:
    """Simplified characters of an index → {traditional: simplified} for each that OpenCC converts to one of them."""
    wanted = set(characters)
    convert = to_simplified().convert
    return {trad: simp for trad, simp in sorted(opencc_pairs())
            if simp in wanted and trad != simp and len(trad) == 1 and convert(trad) == simp}


@cache
def spelling_pairs() -> dict[str, str]:
    """breame's tables → {British: American} (single words only)."""
    pairs = {**{uk: us for us, uk in AMERICAN_ENGLISH_SPELLINGS.items()}, **BRITISH_ENGLISH_SPELLINGS}
    return {uk: us for uk, us in pairs.items() if uk != us and uk.isalpha() and us.isalpha()}


def spelling_table(words: Iterable[str]) -> dict[str, str]:
    """Words of an index → {British: American} for every pair where either spelling is one of them."""
    wanted = set(words)
    return {uk: us for uk, us in sorted(spelling_pairs().items()) if uk in wanted or us in wanted}


def american(word: str) -> str:
    """A word → its American spelling (unchanged when it has no other spelling)."""
    return spelling_pairs().get(word, word)


def common_characters() -> list[str]:
    """The 3,755 most common characters (GB 2312 level 1: rows 16–55 of the code table)."""
    cells = (bytes([row, cell]) for row in range(0xB0, 0xD8) for cell in range(0xA1, 0xFF) if (row, cell) < (0xD7, 0xFA))
    return [c.decode("gb2312") for c in cells]


def readings(characters: Iterable[str]) -> dict[str, str]:
    """Characters → {pinyin syllable (ü written u): the characters read so}, for these and the common characters."""
    chars = sorted(set(characters) | set(common_characters()))
    table: dict[str, str] = {}
    for char, syllable in zip(chars, plain_pinyin(chars, errors=lambda c: "?"), strict=True):
        if syllable.isalpha():
            key = syllable.replace("v", "u")
            table[key] = table.get(key, "") + char
    return dict(sorted(table.items()))
