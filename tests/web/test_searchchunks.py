"""generator/web/searchchunks.py: the index in a manifest and chunks. Every test query searched on only the files it
loads ranks, scores and answers exactly as on the whole index; the pieces hold the whole index; names carry their
content's hash; and what a two-character Chinese query downloads stays within issue 25's targets, on the real handbook
and on bench/synthetic.py's 10× one. The browser's loading is compared with this one in tests/whole/test_browser.py."""
from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench import weight
from generator.data.load import load_project
from generator.web import searchchunks
from generator.web.search import Document, build_index, confident, language_index, rank
from generator.web.searchchunks import bucket, load_for, read_files, split_index, whole_index

from ..conftest import ROOT

KB = 1024
EDGE_QUERIES = ["养老宝险", "底保", "残疾人补帖", "wheel chair", "vaccinaton", "sholarship", "a", "e", "y", "45", "第45项",
                "yanglaojin", "ylj", "lü lv", "養老保險", "constructor", "__proto__", "", "dibao低保", "stud", "hous"]


def doc(name: str, **fields: list[str]) -> Document:
    """A made-up service document: a name, and other fields as given."""
    return Document(f"services/{name}/", name, "", {"name": [name], **fields}, 1.0)


@cache
def whole(lang: str) -> dict[str, Any]:
    """The real handbook's whole index in a language."""
    config, handbook = load_project(ROOT)
    return language_index(handbook, config, lang)


def queries_of(lang: str) -> list[str]:
    """Every query of tests/search_queries.yaml in a language (ranking, off-topic), and edge cases."""
    data = yaml.safe_load((ROOT / "tests" / "search_queries.yaml").read_text(encoding="utf-8"))
    ranking = [q["q"] for items in data[lang].values() for q in items]
    return list(dict.fromkeys(ranking + data["off_topic"][lang] + EDGE_QUERIES))


def searched(index: dict[str, Any], query: str) -> tuple[object, ...]:
    """An index and a query → its ranking (documents and scores), verdict and result URLs."""
    ranked = rank(index, query, 10)
    return ranked, confident(index, query, ranked), [index["docs"][d][0] for d, _ in ranked]


@pytest.mark.parametrize("chunk_bytes", [searchchunks.CHUNK_BYTES, 1])  # 1: every bucket a chunk, the most boundaries
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_test_query_searches_the_same_on_the_files_it_loads(monkeypatch: pytest.MonkeyPatch, lang: str,
                                                                  chunk_bytes: int) -> None:
    monkeypatch.setattr(searchchunks, "CHUNK_BYTES", chunk_bytes)
    files = split_index(whole(lang))
    pieces = read_files(files)
    queries = queries_of(lang)
    loads = {q: load_for(pieces, lang, q) for q in queries}
    assert len(queries) > 150 and [q for q, (part, _) in loads.items() if searched(part, q) != searched(whole(lang), q)] == []
    assert max(len(loaded) for _, loaded in loads.values()) < len(files)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_files_hold_the_whole_index(lang: str) -> None:
    assert whole_index(read_files(split_index(whole(lang))), lang) == whole(lang)


def test_names_carry_their_contents_hash_and_the_manifest_names_every_file() -> None:
    files = split_index(whole("zh"))
    pieces = read_files(files)
    manifest = pieces["zh"]
    named = {name for _, name in manifest["chunks"]} | set(manifest["docs"]) | {manifest["words"]}
    assert {f"{name}.js" for name in named} | {"index.zh.js"} == set(files)
    for name in named:
        payload = files[f"{name}.js"].partition("]=")[2].rstrip().removesuffix(";")
        assert re.fullmatch(r"(terms|docs|words)-[0-9a-f]{12}", name) and name.endswith(
            hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12])
    assert "readings" not in manifest["rules"] and "words" not in manifest["rules"]  # both are loaded when needed


def test_a_term_and_every_term_it_begins_are_in_one_chunk_unless_it_is_one_letter() -> None:
    manifest = read_files(split_index(whole("zh")))["zh"]
    for term in whole("zh")["terms"]:
        assert searchchunks.chunks_for(manifest, term, len(bucket(term)) == len(term) == 2) == [
            manifest["chunks"][searchchunks.chunk_of(manifest, term)][1]], term
    assert len(searchchunks.chunks_for(manifest, "a", True)) >= 1


def test_a_one_letter_syllable_matches_terms_it_begins_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """鹅 reads e: typed alone, it matches every pinyin term beginning with e (en, er, …), whose buckets are other chunks."""
    monkeypatch.setattr(searchchunks, "CHUNK_BYTES", 1)
    names = ["鹅肉", "恩情", "儿童", "耳朵", "二胡"]
    index = {**build_index([doc(n) for n in names] + [doc(f"其他{i}", standard=["道路桥梁"]) for i in range(5)], True),
             "lang": "zh"}
    pieces = read_files(split_index(index))
    part, loaded = load_for(pieces, "zh", "e")
    assert searched(part, "e") == searched(index, "e") and len(rank(index, "e")) == len(names)
    assert len({bucket(t) for t in index["terms"] if t.startswith("e")}) == len(loaded) - 2  # and the manifest, a docs block


def test_the_word_list_and_the_pinyin_of_a_homophone_load_only_when_needed() -> None:
    en = read_files(split_index(whole("en")))
    zh = read_files(split_index(whole("zh")))
    words = f"{en['en']['words']}.js"
    assert words in load_for(en, "en", "vaccinaton")[1] and words not in load_for(en, "en", "vaccination")[1]
    chunk_of_baoxian = f"{zh['zh']['chunks'][searchchunks.chunk_of(zh['zh'], 'baoxian')][1]}.js"
    assert chunk_of_baoxian in load_for(zh, "zh", "养老宝险")[1] and chunk_of_baoxian not in load_for(zh, "zh", "养老")[1]


def test_a_two_character_chinese_query_downloads_at_most_60_kb() -> None:
    queries = weight.two_character_queries()
    found = weight.query_downloads(split_index(whole("zh")), "zh", queries)
    assert len(queries) >= 100 and {"仲裁", "驾照"} <= set(queries)
    assert found["largest"] <= 60 * KB and found["largest"] < found["all_files"] / 3, found


@pytest.mark.slow
def test_a_two_character_chinese_query_downloads_at_most_150_kb_at_10x(tmp_path: Path) -> None:
    found = weight.query_downloads(weight.synthetic_search_files(tmp_path, 10, "zh"), "zh", weight.two_character_queries())
    assert found["largest"] <= 150 * KB and found["all_files"] > 600 * KB, found
