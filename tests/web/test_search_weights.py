"""generator/web/search.py's field weights and page boosts have an effect: a match in a name or keyword outranks one in
the small print, and a service outranks another page matching the same way. Documents are listed least important
first, so with the weights gone (equal scores, ties kept in index order) every ranking here comes out reversed."""
from __future__ import annotations

from generator.web.search import Document, build_index, search

# a match in a name or keyword outranks one in the small print (most important first)
BY_IMPORTANCE = ["name", "keywords", "recipients", "standard", "funding"]


def document(url: str, field: str, text: str, boost: float = 1.0) -> Document:
    return Document(url, url, "", {field: [text]}, boost)


def filler(n: int) -> list[Document]:
    """Documents that do not match, so the query term is rare (as in the real index)."""
    return [document(f"other/{i}/", "name", f"unrelated page {i}") for i in range(n)]


def test_a_match_in_a_weightier_field_ranks_higher() -> None:
    docs = [document(f"{field}/", field, "zebra crossing") for field in reversed(BY_IMPORTANCE)]
    index = build_index(docs + filler(20), with_pinyin=False)
    assert search(index, "zebra") == [f"{field}/" for field in BY_IMPORTANCE]


def test_each_weight_counts_against_repeats_in_a_lighter_field() -> None:
    """One mention in a name beats the same word three times in the small print (repeats are dampened)."""
    docs = [Document("funding/", "funding/", "", {"funding": ["zebra zebra zebra"]}, 1.0), document("name/", "name", "zebra")]
    assert search(build_index(docs + filler(20), with_pinyin=False), "zebra") == ["name/", "funding/"]


def test_services_outrank_other_pages_that_match_alike() -> None:
    docs = [document("chapters/x/", "name", "zebra", boost=0.6), document("services/x/", "name", "zebra")]
    assert search(build_index(docs + filler(20), with_pinyin=False), "zebra") == ["services/x/", "chapters/x/"]


def test_a_chinese_name_ranks_above_the_same_words_in_the_standard() -> None:
    """In the Chinese index (characters, pairs and pinyin) a name still outranks the small print."""
    docs = [Document("standard/", "standard/", "", {"standard": ["养老金"]}, 1.0), document("name/", "name", "养老金")]
    assert search(build_index(docs + filler(20), with_pinyin=True), "养老金") == ["name/", "standard/"]
