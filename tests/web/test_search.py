"""generator/web/search.py, the Python reference of the search: ranking rules on small made-up indexes, each mechanism of
how residents type (typos, spellings, word forms, pinyin, traditional characters, questions), synonyms and old
names taken from the data, and the ranking test set (tests/search_queries.yaml) on the real index. The browser
client is compared with this reference in tests/whole/test_browser.py."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.data.load import load_project
from generator.web import search as search_module
from generator.web.search import (
    CONFIDENT,
    Document,
    build_index,
    confident,
    edits,
    language_index,
    query_units,
    rank,
    stem,
    strength,
)
from generator.web.searchtables import spelling_table, traditional_table

from ..conftest import ROOT, TINY_CONFIG, TINY_SERVICES, write_project

# the interface strings the index's titles use
CONFIG = TINY_CONFIG.replace("  zh: {recipients: 服务对象}",
                             "  zh: {recipients: 服务对象, service_label: '第{number}项', services_count: '{count}项服务'}")
CONFIG = CONFIG.replace("  en: {recipients: Who it is for}",
                        "  en: {recipients: Who it is for, service_label: 'No. {number}', services_count: '{count} services',"
                        " services_count_one: '{count} service'}")


def doc(name: str, **fields: list[str]) -> Document:
    """A made-up service document: a name, and other fields as given."""
    return Document(f"services/{name}/", name, "", {"name": [name], **fields}, 1.0)


def urls(index: dict[str, Any], query: str) -> list[str]:
    """The ranked URLs' names (services/NAME/ → NAME)."""
    return [index["docs"][d][0].split("/")[1] for d, _ in rank(index, query)]


def filler(n: int) -> list[Document]:
    """Documents that match nothing the tests ask for, so the terms' idf is realistic."""
    return [doc(f"other{i}", standard=["unrelated words about roads and bridges"]) for i in range(n)]


# ---- ranking rules ----

def test_a_name_match_outranks_a_body_match() -> None:
    index = build_index([doc("body", standard=["a funeral grant is paid"]), doc("funeral grant"), *filler(5)], False)
    assert urls(index, "funeral") == ["funeral grant", "body"]


def test_keywords_outrank_body_text() -> None:
    index = build_index([doc("a", standard=["cremation is free"]), doc("b", keywords=["cremation"]), *filler(5)], False)
    assert urls(index, "cremation") == ["b", "a"]


def test_repeats_saturate_and_long_texts_count_less() -> None:
    once = doc("once", standard=["pension"])
    many = doc("many", standard=["pension " * 20])
    long = doc("long", standard=["pension and a great many other words about other things " * 5])
    index = build_index([once, many, long, *filler(5)], False)
    scores = {index["docs"][d][0].split("/")[1]: s for d, s in rank(index, "pension")}
    assert scores["once"] < scores["many"] < 2 * scores["once"], "twenty mentions count less than two texts with one"
    assert scores["long"] < scores["once"]


def test_long_queries_rank_what_covers_more_of_them() -> None:
    first_words = doc("first", keywords=["school", "school meals"])
    covers = doc("covers", standard=["meals for boarding pupils at school in rural villages"])
    index = build_index([first_words, covers, *filler(5)], False)
    assert urls(index, "school meals boarding rural village")[0] == "covers"


def test_question_words_are_dropped_before_ranking() -> None:
    index = build_index([doc("why", keywords=["what can i do where how"]), doc("legal aid"), *filler(5)], False)
    assert urls(index, "where can I get legal aid, how do I do it?") == ["legal aid"]
    zh = build_index([doc("我想怎么办"), doc("法律援助"), *filler(5)], True)
    assert urls(zh, "我想请律师怎么办？哪里有法律援助")[0] == "法律援助"


# ---- English: typos, spellings, word forms ----

def test_typos_match_words_one_or_two_edits_away_below_exact_matches() -> None:
    index = build_index([doc("vaccination"), doc("vaccinaton", standard=["vaccinaton"]), *filler(5)], False)
    assert urls(index, "vaccinaton")[0] == "vaccinaton", "an exact word first"
    index = build_index([doc("vaccination"), doc("scholarship"), *filler(5)], False)
    assert urls(index, "vacinaton") == ["vaccination"]  # 9 letters: two edits
    assert urls(index, "sholarship") == ["scholarship"]
    assert urls(index, "scholarhsip") == ["scholarship"]  # a transposition is one edit


def test_typo_distance_depends_on_length() -> None:
    index = build_index([doc("grant"), doc("pensions"), *filler(5)], False)
    assert urls(index, "grnt") == []  # 4 letters: none
    assert urls(index, "grnat") == ["grant"]  # 5–7 letters: one edit
    assert urls(index, "gnrat") == []
    assert urls(index, "pesnoins") == ["pensions"]  # 8+: two
    assert edits("pension", "pensoin", 2) == 1
    assert edits("abc", "abcdef", 2) == 3


def test_british_and_american_spellings_find_each_other() -> None:
    uk = build_index([doc("labour centre"), *filler(5)], False)
    us = build_index([doc("labor center"), *filler(5)], False)
    for index in (uk, us):
        assert urls(index, "labor") == urls(index, "labour") == urls(index, "center") == urls(index, "centre") != []
    assert uk["rules"]["spelling"]["labour"] == "labor" and "colour" not in uk["rules"]["spelling"]  # only the index's words


@pytest.mark.parametrize(("typed", "named"), [("disabled", "disability"), ("pregnant", "pregnancy"),
                                               ("vaccinated", "vaccination"), ("eligible", "eligibility")])
def test_word_forms_share_a_stem(typed: str, named: str) -> None:
    assert stem(typed) == stem(named)
    index = build_index([doc(f"{named} support"), *filler(5)], False)
    assert urls(index, typed) == [f"{named} support"]


def test_two_words_match_the_word_they_make_together() -> None:
    index = build_index([doc("wheelchair repairs"), doc("committee chair", standard=["wheel"]), *filler(5)], False)
    assert urls(index, "wheel chair")[0] == "wheelchair repairs"


@pytest.mark.parametrize("query", ["7", "No. 7", "第7项"])
def test_a_query_that_is_only_a_number_finds_that_service(query: str) -> None:
    docs = [doc(f"service{n}", number=[str(n)], standard=["7 days a week"] if n == 1 else []) for n in range(1, 10)]
    index = build_index(docs, True)
    assert urls(index, query)[0] == "service7"
    assert "service7" not in urls(index, "open 7 days")  # a number inside a question is text, not a service number


# ---- Chinese: pinyin and traditional characters ----

PINYIN_DOCS = [doc("养老保险", keywords=["养老金"]), doc("法律援助"), doc("低保", keywords=["最低生活保障"]),
               doc("老年保健", keywords=["保险柜"]), *filler(5)]


@pytest.mark.parametrize("typed", ["yanglao baoxian", "yanglaobaoxian", "yǎnglǎo bǎoxiǎn", "yang3lao3bao3xian3",
                                   "YangLao BaoXian", "ylbx"])
def test_pinyin_with_tones_tone_numbers_spaces_or_initials(typed: str) -> None:
    index = build_index(PINYIN_DOCS, True)
    assert urls(index, typed)[0] == "养老保险"


@pytest.mark.parametrize("typed", ["falv", "falü", "falu", "fa4lv4", "fǎlǜ yuánzhù"])
def test_pinyin_u_umlaut_as_v_or_u(typed: str) -> None:
    assert urls(build_index(PINYIN_DOCS, True), typed)[0] == "法律援助"


def test_exact_pinyin_of_a_keyword_ranks_its_service_first_and_initials_rank_below_full_pinyin() -> None:
    index = build_index(PINYIN_DOCS, True)
    assert urls(index, "dibao")[0] == "低保"
    assert urls(index, "yanglaojin")[0] == "养老保险"
    full = dict((index["docs"][d][0], s) for d, s in rank(index, "yanglaojin"))
    initials = dict((index["docs"][d][0], s) for d, s in rank(index, "ylj"))
    assert initials["services/养老保险/"] < full["services/养老保险/"]


def test_traditional_characters_find_simplified_text() -> None:
    index = build_index(PINYIN_DOCS, True)
    assert urls(index, "養老保險")[0] == "养老保险"
    assert urls(index, "法律援助")[0] == "法律援助"
    assert index["rules"]["traditional"]["險"] == "险"


def test_a_character_typed_with_the_wrong_homophone_still_finds_the_word() -> None:
    index = build_index([doc("险情"), doc("养老保险"), *filler(5)], True)  # by its characters alone, 宝险 ranks 险情 first
    assert urls(index, "宝险")[0] == "养老保险"
    assert max(dict(rank(index, "宝险")).values()) < max(dict(rank(index, "保险")).values()), "below the right word"


def test_traditional_table_comes_from_opencc_and_only_for_the_index_characters() -> None:
    table = traditional_table("险医")
    assert table["險"] == "险" and table["醫"] == "医"
    assert set(table.values()) == {"险", "医"}


def test_spelling_table_comes_from_breame_and_only_for_the_index_words() -> None:
    assert spelling_table(["centre", "apple"]) == {"centre": "center"}


# ---- query units (what the browser client must reproduce exactly) ----

def test_query_units_of_a_question() -> None:
    index = build_index(PINYIN_DOCS, True)
    units = query_units(index, "我想申請低保怎麼辦？")
    assert [alts[0][0] for _, alts in units] == ["申请", "请低", "低保", "申", "请", "低", "保"]
    assert [w for w, _ in units] == [1.0, 1.0, 1.0, 0.0625, 0.0625, 0.0625, 0.0625]


# ---- synonyms and old names come from the data ----

SYNONYMS = """\
synonyms:
  - terms: [午饭钱]
    means: [营养改善]
    lang: zh
    source: {zh: 测试规划, en: Test plan}
  - terms: [lunch money]
    means: [school meals]
    lang: en
    source: {zh: 测试规划, en: Test plan}
"""
FORMERLY = """\
    aliases: [县财政局]
    formerly: [{name: {zh: 测试县财政所, en: County Finance Office}, until: "2010", source: {zh: 测试规划, en: Test plan}}]
    now: {name: {zh: 测试县财政金融局, en: Finance and Banking Bureau}, since: 2019-03-01, source: {zh: 测试规划, en: Test plan}}
"""


def tiny_index(tmp_path: Path, services: str, lang: str) -> dict[str, Any]:
    """A tiny project's index in a language."""
    config, handbook = load_project(write_project(tmp_path, services, CONFIG))
    return language_index(handbook, config, lang)


@pytest.mark.parametrize(("lang", "query"), [("zh", "午饭钱"), ("en", "lunch money")])
def test_synonyms_in_the_data_find_the_service_they_mean(tmp_path: Path, lang: str, query: str) -> None:
    assert urls(tiny_index(tmp_path / "without", TINY_SERVICES, lang), query) == []
    assert urls(tiny_index(tmp_path / "with", TINY_SERVICES + SYNONYMS, lang), query) == ["school-meals"]


@pytest.mark.parametrize(("lang", "query"), [("zh", "财政所"), ("zh", "财政金融局"), ("en", "Finance Office"),
                                             ("en", "Banking Bureau")])
def test_former_and_current_department_names_find_the_department(tmp_path: Path, lang: str, query: str) -> None:
    index = tiny_index(tmp_path, TINY_SERVICES.replace("    aliases: [县财政局]\n", FORMERLY), lang)
    assert [index["docs"][d][0] for d, _ in rank(index, query)][:1] == ["departments/finance/"]


def test_former_names_are_read_into_the_model(tmp_path: Path) -> None:
    _, handbook = load_project(write_project(tmp_path, TINY_SERVICES.replace("    aliases: [县财政局]\n", FORMERLY) + SYNONYMS))
    finance = handbook.department("finance")
    assert (finance.formerly[0].name["zh"], finance.formerly[0].until) == ("测试县财政所", "2010")
    assert finance.now is not None and (finance.now.since, finance.now.source["en"]) == ("2019-03-01", "Test plan")
    assert [(s.terms, s.means, s.lang) for s in handbook.synonyms] == [(("午饭钱",), ("营养改善",), "zh"),
                                                                       (("lunch money",), ("school meals",), "en")]


def test_the_search_code_holds_no_names() -> None:
    source = Path(search_module.__file__).read_text(encoding="utf-8")
    assert "新农合" not in source and "人社局" not in source and "劳动局" not in source


def test_synonyms_do_not_change_the_glossary_rule(tmp_path: Path, run_cli: Any) -> None:
    # a synonym naming a glossary term does not make its `means` words glossary terms
    synonyms = SYNONYMS.replace("[午饭钱]", "[义务教育]")
    write_project(tmp_path, TINY_SERVICES + synonyms)
    assert run_cli("--root", str(tmp_path), "check")[0] == 0


# ---- the ranking test set on the real index ----

@pytest.fixture(scope="module")
def ranking() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_ranking", ROOT / "bench" / "ranking.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_ranking"] = module
    spec.loader.exec_module(module)
    return module


def test_the_test_set_covers_every_kind(ranking: ModuleType) -> None:
    queries = ranking.load_queries()
    kinds = {(q["lang"], q["kind"]) for q in queries}
    assert len(queries) >= 150
    assert {"question", "traditional", "pinyin", "names", "words"} <= {k for lang, k in kinds if lang == "zh"}
    assert {"question", "typo", "spelling", "forms", "words"} <= {k for lang, k in kinds if lang == "en"}


def test_the_test_set_ranks_well(ranking: ModuleType) -> None:
    scripts, parsed, numbers = ranking.indexes(ROOT)
    groups: dict[str, list[int | None]] = {"zh": [], "en": []}
    for query in ranking.load_queries():
        groups[query["lang"]].append(ranking.position(parsed[query["lang"]], numbers, query))
    found = {lang: ranking.figures(ps) for lang, ps in groups.items()}
    every = ranking.figures(groups["zh"] + groups["en"])
    assert every["top5"] >= 0.97 and all(f["top5"] >= 0.92 for f in found.values()), (every, found)
    assert all(f["mrr"] >= 0.85 for f in found.values()), found


def test_every_service_is_first_for_its_own_name(ranking: ModuleType) -> None:
    _, parsed, numbers = ranking.indexes(ROOT)
    _, handbook = load_project(ROOT)
    for lang, index in parsed.items():
        first = {s.number: numbers.get(index["docs"][rank(index, s.name[lang], 1)[0][0]][0]) for s in handbook.services}
        assert {n: f for n, f in first.items() if n != f} == {}, lang


# ---- confidence: when the handbook has no answer ----

def test_every_ranking_query_is_confident_and_no_off_topic_query_is(ranking: ModuleType) -> None:
    """The threshold (CONFIDENT, shipped in the index) lies between the two sets: both halves, each language."""
    _, parsed, _ = ranking.indexes(ROOT)
    def sure(query: dict[str, str]) -> bool:
        index = parsed[query["lang"]]
        return confident(index, query["q"], rank(index, query["q"]))

    unsure = [(q["lang"], q["q"]) for q in ranking.load_queries() if not sure(q)]
    off_topic = ranking.load_off_topic()
    answered = [(q["lang"], q["q"]) for q in off_topic if sure(q)]
    assert unsure == [] and answered == []
    assert {lang: sum(q["lang"] == lang for q in off_topic) >= 40 for lang in ("zh", "en")} == {"zh": True, "en": True}


def test_the_threshold_is_the_one_the_index_carries(ranking: ModuleType) -> None:
    _, parsed, _ = ranking.indexes(ROOT)
    assert {lang: index["rules"]["confident"] for lang, index in parsed.items()} == {"zh": CONFIDENT["Hans"],
                                                                                     "en": CONFIDENT["Latn"]}


def test_nothing_found_is_not_confident() -> None:
    index = build_index([doc("legal aid"), *filler(5)], False)
    assert confident(index, "legal aid", rank(index, "legal aid"))
    assert not confident(index, "passport", rank(index, "passport"))
    assert rank(index, "passport") == []


def test_a_word_found_only_in_the_small_print_does_not_make_an_answer() -> None:
    """train tickets: the museum's name has tickets, its standard mentions training once; a match, but not an answer."""
    museum = doc("museum tickets", standard=["free entry; staff training is paid by the county"])
    index = build_index([museum, doc("vocational training"), *filler(5)], False)
    ranked = rank(index, "train tickets")
    assert urls(index, "train tickets")[0] == "museum tickets"
    assert 0 < strength(index, "train tickets", ranked[0][0]) < ranked[0][1] * 0.3
    both = build_index([doc("museum tickets", standard=["a training day for visitors"]), *filler(5)], False)
    assert strength(both, "tickets", rank(both, "tickets")[0][0]) == rank(both, "tickets")[0][1]  # one word: unchanged


def test_a_short_word_the_handbook_never_uses_is_not_found_when_the_query_has_others() -> None:
    """car shares its stem with care; in "car insurance" it is not a word of the handbook, in "care insurance" it is."""
    index = build_index([doc("care insurance"), *filler(5)], False)
    car, care = rank(index, "car insurance"), rank(index, "care insurance")
    assert car[0][1] == care[0][1]  # ranking reads both alike (one stem) …
    assert strength(index, "care insurance", care[0][0]) == care[0][1]
    assert strength(index, "car insurance", car[0][0]) < car[0][1] / 3  # … being sure does not
    alone = rank(index, "car")
    assert strength(index, "car", alone[0][0]) == alone[0][1]  # alone, it may be a word still being typed


def test_a_typo_is_read_as_far_as_the_stem_allows() -> None:
    """driving (stem driv) is one letter from private (priv), but four letters allow no typo; pensoin still finds pension."""
    index = build_index([doc("private school"), doc("pension"), *filler(5)], False)
    assert urls(index, "driving") == [] and urls(index, "pensoin") == ["pension"]


def test_residents_words_no_service_text_contains_find_the_service(ranking: ModuleType) -> None:
    """paediatric, pediatric and checkup (one word) are in no service's own text, only in the search vocabulary."""
    _, handbook = load_project(ROOT)
    own_text = " ".join(f"{s.name['en']} {s.summary['en']} {p.recipients['en']} {p.standard['en']}"
                        for s in handbook.services for p in s.provisions).lower()
    assert [w for w in ("paediatric", "pediatric", "checkup") if w in own_text] == []
    _, parsed, numbers = ranking.indexes(ROOT)
    first = {q: numbers.get(parsed["en"]["docs"][rank(parsed["en"], q)[0][0]][0]) for q in ("paediatric", "pediatric", "checkup")}
    assert first == {"paediatric": 29, "pediatric": 29, "checkup": 29}  # No. 29: child health check-ups


def test_every_situation_phrase_leads_confidently_to_its_service(ranking: ModuleType) -> None:
    """Each phrase of a service's `situations` finds that service in the top five, with no no-answer message."""
    _, parsed, numbers = ranking.indexes(ROOT)
    _, handbook = load_project(ROOT)
    phrases = [(lang, phrase, s.number) for s in handbook.services for situation in s.situations
               for lang, says in situation.says.items() for phrase in says]
    missed = []
    for lang, phrase, number in phrases:
        ranked = rank(parsed[lang], phrase, 5)
        found = [numbers.get(parsed[lang]["docs"][d][0]) for d, _ in ranked]
        if not confident(parsed[lang], phrase, ranked) or number not in found:
            missed.append((lang, phrase, number))
    assert len(phrases) >= 60 and missed == []


def test_situations_are_read_into_the_model_and_searched(tmp_path: Path) -> None:
    situations = ("    situations:\n      - {says: {zh: [孩子中午饿肚子], en: [hungry at lunchtime]}, "
                  "covers: {zh: 义务教育学生, en: Students in compulsory education}}\n")
    services = TINY_SERVICES.replace("    keywords: {zh: [营养餐], en: [school meals]}\n",
                                     "    keywords: {zh: [营养餐], en: [school meals]}\n" + situations)
    _, handbook = load_project(write_project(tmp_path / "model", services))
    situation = handbook.services[0].situations[0]
    assert (situation.says["zh"], situation.covers["en"]) == (("孩子中午饿肚子",), "Students in compulsory education")
    for lang, query in (("zh", "饿肚子"), ("en", "hungry")):
        assert urls(tiny_index(tmp_path / f"without-{lang}", TINY_SERVICES, lang), query) == []
        assert urls(tiny_index(tmp_path / f"with-{lang}", services, lang), query) == ["school-meals"]
