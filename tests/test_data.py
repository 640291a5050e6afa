"""The real services.yaml: complete, faithful to the official appendix, consistent."""
from __future__ import annotations

import re

import pytest

from generator.load import load_project
from generator.model import Handbook

from .conftest import ROOT, SEED
from .seed import normalize, read_appendix

CHAPTER_MEMBERS = [range(1, 9), range(9, 18), range(18, 25), range(25, 45), range(45, 57), range(57, 60),
                   range(60, 72), range(72, 86)]


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    return load_project(ROOT)[1]


@pytest.fixture(scope="module")
def seed():
    if not SEED.exists():
        pytest.skip(f"seed file not found at {SEED}")
    return read_appendix(SEED)


def test_85_services_numbered_1_to_85(handbook: Handbook) -> None:
    assert [s.number for s in handbook.services] == list(range(1, 86))


def test_chapters_hold_the_appendix_members(handbook: Handbook) -> None:
    assert [c.number for c in handbook.chapters] == list(range(1, 9))
    assert [list(c.services) for c in handbook.chapters] == [list(r) for r in CHAPTER_MEMBERS]


def test_only_service_73_has_two_provisions(handbook: Handbook) -> None:
    counts = {s.number: len(s.provisions) for s in handbook.services}
    assert counts.pop(73) == 2
    assert set(counts.values()) == {1}


def test_chinese_reproduces_the_appendix_verbatim(handbook: Handbook, seed) -> None:
    assert len(seed) == 85
    for official, service in zip(seed, handbook.services, strict=True):
        assert normalize(service.name["zh"]) == normalize(official.name), service.number
        if service.history:  # changed by a later document: the provision holds that document's wording
            continue
        assert service.chapter == handbook.chapters[official.chapter - 1].id
        for ours, theirs in zip(service.provisions, official.provisions, strict=True):
            for field in ("recipients", "standard", "funding"):
                assert normalize(getattr(ours, field)["zh"]) == normalize(theirs[field]), (service.number, field)


def test_appendix_departments_text_is_the_appendix_cell_for_every_service(handbook: Handbook, seed) -> None:
    for official, service in zip(seed, handbook.services, strict=True):
        assert service.appendix_departments == official.departments_text, service.number
    assert handbook.service(36).appendix_departments == "县卫生计生局"


def test_help_lines_cite_their_document(handbook: Handbook) -> None:
    hotline = next(c for c in handbook.channels if c.phone == "12345")
    assert "国办发〔2020〕53号" in hotline.source["zh"] and "No. 53" in hotline.source["en"]
    assert hotline.scope == tuple(c.id for c in handbook.chapters)


def test_departments_in_appendix_order_with_every_spelling_merged(handbook: Handbook, seed) -> None:
    by_alias = {alias: d.id for d in handbook.departments for alias in d.aliases}
    for official, service in zip(seed, handbook.services, strict=True):
        expected = list(dict.fromkeys(by_alias[name] for name in official.departments))
        assert list(service.departments) == expected, service.number
    spellings = {name for s in seed for name in s.departments}
    assert spellings == set(by_alias)


def test_each_real_department_once(handbook: Handbook) -> None:
    merged = {("县卫生计生局", "县卫计局", "县卫计委"), ("县人力资源和社会保障局", "县人力资源社会保障局", "县人社局"),
              ("县教育体育局", "县教体局"), ("县住房城乡建设局", "县住建局"), ("县发展改革局", "县发改局"),
              ("县文广新局", "县文化局")}
    by_alias = {alias: d.id for d in handbook.departments for alias in d.aliases}
    for group in merged:
        assert len({by_alias[name] for name in group}) == 1, group
    ids = [d.id for d in handbook.departments]
    assert len(ids) == len(set(ids)) == 18


def test_stray_characters_removed_and_errors_explained(handbook: Handbook) -> None:
    assert "`" not in handbook.service(66).provisions[0].standard["zh"]
    for number, clue in ((46, "未成年人"), (75, "顿号")):
        note = handbook.service(number).note
        assert note is not None and clue in note["zh"] and note["en"], number
    assert "未满16周岁的成年人" in handbook.service(46).provisions[0].recipients["zh"]  # official wording kept


def test_no_73_provisions_are_living_and_nursing_allowances(handbook: Handbook) -> None:
    living, nursing = handbook.service(73).provisions
    assert "低保" in living.recipients["zh"] and "60元" in living.standard["zh"]
    assert "一、二级" in nursing.recipients["zh"] and "80元" in nursing.standard["zh"]
    assert "CNY 60" in living.standard["en"] and "CNY 80" in nursing.standard["en"]


def test_numbers_in_chinese_survive_in_english(handbook: Handbook) -> None:
    """Every figure of a zh field appears in its en field (amounts, ages, percentages, years)."""
    for service in handbook.services:
        for provision in service.provisions:
            for field in ("recipients", "standard", "funding"):
                zh, en = getattr(provision, field)["zh"], getattr(provision, field)["en"].replace(",", "")
                for figure, wan in re.findall(r"(\d+(?:\.\d+)?)(万?)", zh):
                    shown = f"{float(figure) * 10000:.0f}" if wan else figure  # 7.5万 → 75000
                    assert shown in en, (service.number, field, figure)


def test_every_service_has_audiences_and_keywords_in_both_languages(handbook: Handbook) -> None:
    for service in handbook.services:
        assert service.audiences
        assert service.keywords["zh"] and service.keywords["en"], service.number


def test_glossary_terms_needing_pinyin(handbook: Handbook) -> None:
    pinyin = {t.term["zh"]: t.pinyin for t in handbook.glossary}
    assert pinyin["低保"] == "dibao" and pinyin["五保"] == "wubao" and pinyin["建档立卡"] == "jiandang lika"
