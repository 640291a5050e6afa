"""The real services.yaml: complete, faithful to the official appendix, consistent."""
from __future__ import annotations

import dataclasses
import re

import pytest

from generator.data.load import load_project
from generator.data.model import Handbook, HistoryEntry, Text

from ..conftest import ROOT, SEED
from ..seed import normalize, read_appendix

CHAPTER_MEMBERS = [range(1, 9), range(9, 18), range(18, 25), range(25, 45), range(45, 57), range(57, 60),
                   range(60, 72), range(72, 86)]


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    return load_project(ROOT)[1]


@pytest.fixture(scope="module")
def seed():
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


def figures(text: str) -> set[str]:
    """A text → its figures, 万 scaled and thousands separators dropped: '7.5万套' → {'75000'}, 'CNY 1,000' → {'1000'}."""
    return {f"{float(n) * 10000:g}" if wan else n for n, wan in re.findall(r"(\d+(?:\.\d+)?)(万?)", text.replace(",", ""))}


def test_every_summary_states_only_figures_of_its_service(handbook: Handbook) -> None:
    """A summary adds no number: each figure is in the service's own text, in both languages, and zh and en agree."""
    for s in handbook.services:
        for lang in ("zh", "en"):
            own = " ".join([s.name[lang]] + [getattr(p, f)[lang] for p in s.provisions for f in ("recipients", "standard")])
            assert figures(s.summary[lang]) <= figures(own), (s.number, lang, figures(s.summary[lang]) - figures(own))
        assert figures(s.summary["zh"]) <= figures(s.summary["en"]), s.number


def test_summaries_are_distinct_from_names_and_recipients(handbook: Handbook) -> None:
    """A summary says what you get; it is neither the name nor the recipients line again."""
    summaries = [s.summary["en"] for s in handbook.services]
    assert len(set(summaries)) == len(summaries)
    for s in handbook.services:
        assert s.summary["en"].rstrip(".") not in (s.name["en"], s.provisions[0].recipients["en"].rstrip(".")), s.number


def test_shared_funding_reads_the_same_everywhere(handbook: Handbook) -> None:
    """中央和地方财政 is always 'the central and local government budgets'; 分别负担 says each pays its own share."""
    shared = re.compile(r"中央(财政)?(和|与)地方财政")
    fundings = [(s.number, p.funding) for s in handbook.services for p in s.provisions]
    assert [n for n, f in fundings if shared.search(f["zh"])] == [39, 41, 43, 44, 65, 67, 69]
    for number, funding in fundings:
        assert "finances" not in funding["en"], number
        if shared.search(funding["zh"]):
            assert "the central and local government budgets" in funding["en"].lower(), number
        if "分别负担" in funding["zh"]:
            assert "each pay their own share" in funding["en"], number


def test_editors_notes_are_each_about_their_own_service(handbook: Handbook) -> None:
    """No note is copied from another service (No. 34's once described No. 30's figure)."""
    notes = [s.note["en"] for s in handbook.services if s.note]
    assert len(set(notes)) == len(notes)
    assert "drinking water" in handbook.service(34).note["en"] and "delivery" not in handbook.service(34).note["en"]


def test_reviewed_english_sentences(handbook: Handbook) -> None:
    """The bilingual review's clearer sentences (issue 15, item 12)."""
    def en(number: int, field: str) -> str:
        return str(getattr(handbook.service(number).provisions[0], field)["en"])
    assert "reduced by CNY 600 per child per year for all (100%) enrolled children" in en(4, "standard")
    assert "is to be kept stable at 75% or more" in en(22, "standard")  # a rate the plan aims for (review 2026-12-05 No. 10)
    assert "reporting of unlicensed medical practice and of illegal blood collection" in en(34, "standard")
    no_44 = handbook.service(44)
    assert "graded 3 or above" in en(44, "recipients") and no_44.note and "graded 3 or above" in no_44.note["en"]
    assert "poverty alleviation recipients" not in en(75, "standard")  # who qualifies is said once, under recipients


def test_content_review_summaries(handbook: Handbook) -> None:
    """The content review of 2026-12-05: summaries keep who qualifies, and state targets as the plan's aims."""
    def summary(number: int) -> tuple[str, str]:
        text = handbook.service(number).summary
        return text["zh"], text["en"]
    assert "规划目标" in summary(22)[0] and "the plan aims" in summary(22)[1]  # review No. 10: not a per-claim promise
    assert summary(10)[0].startswith("符合条件的") and summary(10)[1].startswith("Eligible")  # No. 11
    assert "达到待遇领取年龄" in summary(19)[0] and "pension age" in summary(19)[1]  # No. 12
    assert "持二代证的攀枝花市低保对象" in summary(73)[0] and "dibao" in summary(73)[1]  # Nos. 13, 25
    assert summary(44)[0].startswith("符合条件的") and summary(44)[1].startswith("Eligible")  # No. 14
    assert "符合条件的" in summary(53)[0] and "Eligible" in summary(53)[1]  # No. 15
    assert "文化遗产日免费参观" in summary(69)[0] and "Cultural Heritage Day" in summary(69)[1]  # No. 16
    assert "攀枝花户籍" in summary(75)[0] and "Panzhihua" in summary(75)[1]  # No. 17
    assert "普惠性幼儿园" in summary(4)[0] and "affordable kindergartens" in summary(4)[1]  # No. 18
    assert "全市" in summary(81)[0] and "规划目标" in summary(81)[0] and "plan aims" in summary(81)[1]  # No. 19
    assert "generally enrolled" in summary(72)[1] and "普遍" in summary(83)[0] and "generally" in summary(83)[1]
    assert "执行国家殡葬政策" in summary(56)[0] and "national funeral policy" in summary(56)[1]  # No. 22
    assert "who receive state pensions" in summary(54)[1] and "compensation" not in summary(54)[1]  # Nos. 23, 29
    assert summary(34)[1].startswith("Residents get")  # No. 24: a full sentence
    assert summary(80)[0].startswith("智力、精神和重度肢体残疾人")  # No. 26
    assert summary(82)[0].startswith("户籍在攀枝花市的残疾学生")  # No. 27
    assert "whatever their means" in summary(50)[1]  # No. 33
    assert "recognition of work-related injury" in summary(24)[1]  # No. 31
    note = handbook.service(24).note
    assert note and "国务院令第375号" in note["zh"] and "No. 586" in note["en"]  # No. 32


def test_targets_read_as_the_plan_states_them(handbook: Handbook) -> None:
    """Targets shown in English: 万 scaled, units singular or plural by the number; labels say what is measured."""
    from generator.present.views import format_target

    shown = {t.label["en"]: format_target(t, "en", "zh") for c in handbook.chapters for t in c.targets}
    assert shown["New urban jobs in the county, cumulative over five years"] == "8,000 people"
    assert shown["Sports ground area per person"] == "reach 1 square metre per person"
    assert shown["Elderly care beds per 1,000 older people"] == "at least 35 beds"
    assert not [v for v in shown.values() if re.search(r"thousand|\b1 \w+s\b", v)]
    labels = {t.label["zh"]: t for c in handbook.chapters for t in c.targets}
    assert "每个乡（镇）公办幼儿园" in labels


def test_elderly_care_targets_cover_all_urban_communities(handbook: Handbook) -> None:
    """The plan: 养老服务设施覆盖所有城区社区、90%以上的乡镇和30%以上的农村社区 — three targets, each saying what is measured."""
    if SEED.exists():
        assert "养老服务设施覆盖所有城区社区、90%以上的乡镇和30%以上的农村社区" in SEED.read_text(encoding="utf-8")
    targets = handbook.chapter("social-services").targets
    coverage = [(t.label["zh"], t.value) for t in targets if "养老服务设施覆盖" in t.label["zh"]]
    assert coverage == [("养老服务设施覆盖的城区社区比例", 100), ("养老服务设施覆盖的乡镇比例", 90),
                        ("养老服务设施覆盖的农村社区比例", 30)]
    assert all("covered by elderly care service facilities" in t.label["en"] for t in targets if "养老服务设施" in t.label["zh"])


def test_glossary_renderings_from_the_bilingual_review(handbook: Handbook) -> None:
    """Issue 15 item 14: one rendering each, and the allowances' ages only as the source states them (No. 53)."""
    terms = {t.term["zh"]: t.term["en"] for t in handbook.glossary}
    assert terms["新型农村合作医疗"] == "New Rural Cooperative Medical Scheme (NRCMS)"
    assert (terms["特别扶助"], terms["奖励扶助"]) == ("special assistance", "reward and assistance")
    assert terms["棚户区"] == "run-down urban areas (shantytowns)"
    no_53 = handbook.service(53).provisions[0].standard["zh"]
    assert "对80-89周岁以上的老人给予高龄津贴，对90周岁以上的老人给予长寿津贴" in no_53
    assert terms["高龄津贴"] == "advanced-age allowance (ages 80–89)"
    assert terms["长寿津贴"] == "longevity allowance (ages 90 and over)"
    assert terms["乡镇综合文化站"] == "township cultural station"
    assert {"城乡居民基本医疗保险", "残疾人两项补贴", "廉租房", "经济适用房"} <= set(terms)


def test_targets_carry_only_the_time_frame_the_plan_gives(handbook: Handbook) -> None:
    """Review 2026-12-05 Nos. 34, 35: a target's year is the plan's own (到2020年, “十三五”), never assumed; the
    employment target says it is a five-year total."""
    plan = (ROOT / "source" / "plan-2018-104.txt").read_text(encoding="utf-8")
    sentences = [s for s in re.split(r"[。；]", plan.replace(" ", "")) if s]
    targets = {t.label["zh"]: t for c in handbook.chapters for t in c.targets}
    assert "城镇新增就业（五年累计）" in targets
    for label, target in targets.items():
        if target.when:  # the plan says the value and the time frame in one sentence
            frame = "2020" if "2020" in target.when["zh"] else "十三五"
            assert any(f"{target.value:g}" in s and frame in s for s in sentences), label
    assert targets["县域内就诊率"].when is None and targets["全县孕产妇住院分娩率"].when
    assert targets["全县孕产妇住院分娩率"].when["zh"] == "到2020年"


def test_the_data_date_is_the_latest_day_anything_was_checked_or_changed() -> None:
    """Handbook.data_date (every PDF prints it): worked out once, from every service's history and checks."""
    _, handbook = load_project(ROOT)
    assert handbook.data_date >= handbook.source.date
    last = handbook.services[-1]
    later = HistoryEntry("2099-01-02", Text.of({"zh": "变更。", "en": "Changed."}), Text.of({"zh": "文件", "en": "A document"}))
    changed = dataclasses.replace(handbook, services=(*handbook.services[:-1], dataclasses.replace(last, history=(later,))))
    assert changed.data_date == "2099-01-02" and handbook.data_date != "2099-01-02"
