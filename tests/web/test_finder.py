"""The finder stage (generator/web/finder.py): its page in both languages, the data its script reads, and the phone-first
home, chapter and downloads pages that lead to it. Browser tests of the finder are in test_finder_browser.py."""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.data.eligibility import classify
from generator.data.load import load_project
from generator.present.filters import markdown_environment, script
from generator.present.views import FINDER_QUESTIONS, FinderViews
from generator.web.assets import render_assets
from generator.web.finder import finder_data_json, render_finder_pages, render_finder_qr

from ..conftest import ROOT, TINY_CONFIG, TINY_SERVICES, write_project

LANGS = ("zh", "en")
ASSETS = render_assets(ROOT / "templates" / "theme")
FINDER_JS = ASSETS.inlined["assets/finder.js"]  # minified, as a build has it
FINDER_LOAD_JS = ASSETS.inlined["assets/finder-load.js"]
URL_KEYS = ("age", "sex", "residence", "status", "disability", "study", "work", "child", "family-planning", "pregnant",
            "veteran")  # README, "The finder's URL keys"

# Five services with each kind of eligibility: for everyone; age or young child; dibao; ask where one lives; other.
FINDER_SERVICES = TINY_SERVICES.replace("""    eligibility: {everyone: true}
""", """    eligibility: {any: [{basis: 学生, age: {min: 65}}, {basis: 学生, child: {age: {min: 0, max: 3}}}]}
""").replace("glossary:\n", """  - id: health-records
    number: 3
    chapter: education
    summary: {zh: 建立健康档案。, en: A health record.}
    name: {zh: 健康档案, en: Health records}
    provisions:
      - recipients: {zh: 常住居民, en: Permanent residents}
        standard: {zh: 建立档案。, en: A health record.}
        funding: {zh: 县承担。, en: Paid by the county.}
    departments: [finance]
    audiences: [children-students]
    keywords: {zh: [档案], en: [records]}
    eligibility: {everyone: true}
  - id: dibao
    number: 4
    chapter: education
    summary: {zh: 按月领取低保金。, en: A monthly allowance.}
    name: {zh: 最低生活保障, en: Minimum living allowance}
    provisions:
      - recipients: {zh: 低保对象, en: Dibao recipients}
        standard: {zh: 按标准发放。, en: Paid at the standard rate.}
        funding: {zh: 县承担。, en: Paid by the county.}
    departments: [finance]
    audiences: [children-students]
    keywords: {zh: [低保], en: [dibao]}
    eligibility:
      any:
        - {basis: 低保对象, status: [dibao, tekun], residence: rural}
        - {basis: 低保对象, status: [dibao], residence: ask, other: {zh: 符合条件的, en: Those who qualify}}
  - id: job-help
    number: 5
    chapter: education
    summary: {zh: 免费就业服务。, en: Free job services.}
    name: {zh: 就业援助, en: Job help}
    provisions:
      - recipients: {zh: 失业人员, en: Unemployed people}
        standard: {zh: 免费服务。, en: Free services.}
        funding: {zh: 县承担。, en: Paid by the county.}
    departments: [finance]
    audiences: [children-students]
    keywords: {zh: [就业], en: [jobs]}
    eligibility:
      any:
        - {basis: 失业人员, work: [unemployed, graduate], age: {min: 16, max: 59}, sex: male}
        - {basis: 失业人员, work: [unemployed], age: {min: 16, max: 54}, sex: female}
glossary:
""")
# the fixture's services as the finder should sort them, for one answer each (eligibility.classify is elig's; this is
# the finder's own reading of the same rules)
FIXTURE_CASES = [
    ({}, {3: "everyone", 1: "maybe", 2: "maybe", 4: "maybe", 5: "maybe"}),
    ({"age": 70}, {3: "everyone", 1: "maybe", 2: "likely", 4: "maybe"}),
    ({"age": 40, "child": [], "study": "none"}, {3: "everyone", 4: "maybe", 5: "maybe"}),
    ({"age": 40, "child": [{"age": 2}], "status": ["dibao"], "residence": "urban"},
     {3: "everyone", 1: "maybe", 2: "likely", 4: "maybe", 5: "maybe"}),
    ({"status": [], "work": "none", "child": [{"age": 13, "study": "junior"}]}, {3: "everyone", 1: "likely", 2: "maybe"}),
    ({"status": [], "work": "none", "study": "junior"}, {3: "everyone", 1: "likely", 2: "maybe"}),
    ({"age": 56, "sex": "female", "work": "unemployed"}, {3: "everyone", 1: "maybe", 2: "maybe", 4: "maybe"}),
    ({"age": 56, "sex": "male", "work": "graduate"}, {3: "everyone", 1: "maybe", 2: "maybe", 4: "maybe", 5: "likely"}),
]


def finder_config() -> str:
    """TINY_CONFIG with every interface string of the real site_config.yml."""
    strings = YAML(typ="safe").load((ROOT / "site_config.yml").read_text(encoding="utf-8"))["strings"]
    head, _ = TINY_CONFIG.split("strings:")
    return head + "strings: " + json.dumps({lang: strings[lang] for lang in LANGS}, ensure_ascii=False) + "\n"


@pytest.fixture
def finder_project(tmp_path: Path) -> Path:
    """A five-service project with eligibility of every kind, and the real interface strings."""
    return write_project(tmp_path / "finder", FINDER_SERVICES, finder_config())


def finder_pages_and_files(root: Path) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    config, handbook = load_project(root)
    return render_finder_pages(handbook, config, markdown_environment(ROOT / "templates" / "site"), FINDER_JS,
                               FINDER_LOAD_JS)


def finder_pages(root: Path) -> dict[str, dict[str, str]]:
    return finder_pages_and_files(root)[0]


def finder_data(root: Path) -> dict[str, dict[str, Any]]:
    """The finder's data → {lang: the object it holds}."""
    config, handbook = load_project(root)
    return {lang: json.loads(finder_data_json(handbook, config, lang)) for lang in config.codes}


def test_the_finder_page_asks_at_most_nine_questions_with_every_url_key(finder_project: Path) -> None:
    assert len(FINDER_QUESTIONS) <= 9
    for lang, pages in finder_pages(finder_project).items():
        text = pages["finder/index.md"]
        keys = re.findall(r'<fieldset class="hb-q[^"]*" data-key="([^"]+)" id="hb-q-\1"', text)
        assert tuple(sorted(keys)) == tuple(sorted(URL_KEYS)), lang
        assert len(re.findall(r"<legend>\d\. ", text)) + len(re.findall(r'class="hb-q__title"', text)) == len(FINDER_QUESTIONS)
        assert re.findall(r'<input [^>]*type="(\w+)"', text).count("number") == 1  # only age is typed
        assert 'type="text"' not in text


def test_the_finder_page_states_that_it_is_not_a_decision(finder_project: Path) -> None:
    pages = finder_pages(finder_project)
    assert "不是审批决定" in pages["zh"]["finder/index.md"] and "由主责单位" in pages["zh"]["finder/index.md"]
    assert "2018" in pages["zh"]["finder/index.md"]
    en = pages["en"]["finder/index.md"]
    assert "not a decision" in en and "department decides" in en and "2018" in en and "not stored or sent" in en


def test_without_javascript_the_finder_page_offers_the_audiences(finder_project: Path) -> None:
    config, handbook = load_project(finder_project)
    for lang, pages in finder_pages(finder_project).items():
        text = pages["finder/index.md"]
        assert '<form class="hb-finder__form" action="#" hidden>' in text
        for a in handbook.audiences:
            assert f'<a href="../audiences/{a.id}/">{a.name[lang]}</a>' in text


def test_the_finder_page_asks_for_its_data_and_script_once_painted(finder_project: Path) -> None:
    """The page holds finder-load.js alone, after the finder's elements, naming the language's script file; that file
    (named by its content's hash, beside the page) holds the data, then finder.js; the page holds neither."""
    config, handbook = load_project(finder_project)
    pages, files = finder_pages_and_files(finder_project)
    for lang in LANGS:
        text = pages[lang]["finder/index.md"]
        loads = re.findall(r'<script data-hb-loads="([^"]+)">(.*?)</script>', text, re.DOTALL)
        assert [code for _, code in loads] == [script(FINDER_LOAD_JS)], lang
        name = loads[0][0]
        assert text.index("data-finder-results") < text.index("data-hb-loads"), lang
        assert "<script src" not in text and "data-finder-data" not in text and FINDER_JS not in text, lang
        file = files[("" if lang == "zh" else f"{lang}/") + "finder/" + name]
        assert name == f"finder.{lang}.{hashlib.sha256(file.encode()).hexdigest()[:8]}.js"
        data = finder_data_json(handbook, config, lang)
        assert file == (f'window.handbookFinderData=window.handbookFinderData||{{}};window.handbookFinderData["{lang}"]='
                        f"{data};\n{FINDER_JS}\n")
        assert json.loads(data)["strings"] == FinderViews(handbook, config, lang).client_strings()
    assert len({name for name in files}) == len(LANGS)


def test_a_script_written_into_a_page_cannot_end_its_element() -> None:
    text = script('var a = "</script><!-- x -->", b = /<\\/p>/;')
    assert text == 'var a = "<\\/script><\\!-- x -->", b = /<\\/p>/;'  # what JavaScript reads as the same strings
    assert "</" not in text and "<!--" not in text


def test_the_data_scripts_carry_each_service_with_its_rules_in_its_language(finder_project: Path) -> None:
    config, handbook = load_project(finder_project)
    data = finder_data(finder_project)
    assert set(data) == set(LANGS)
    for lang, found in data.items():
        services = {s["number"]: s for s in found["services"]}
        assert sorted(services) == [1, 2, 3, 4, 5]
        assert services[3]["everyone"] is True and services[3]["any"] == []
        assert services[2]["any"] == [{"age": {"min": 65}, "basis": "学生"},
                                      {"child": {"age": {"min": 0, "max": 3}}, "basis": "学生"}]
        quote = {"zh": "符合条件的", "en": "Those who qualify"}[lang]  # the source's condition, in the page's language
        assert services[4]["any"][1] == {"status": ["dibao"], "residence": "ask", "other": quote, "basis": "低保对象"}
        assert services[4]["departments"] == [handbook.department("finance").name[lang]]
        assert services[4]["help"] == [{"name": c.name[lang], "phone": c.phone} for c in handbook.channels_for("education")]
        assert services[1]["href"] == "../services/school-meals/"
        assert services[1]["name"] == handbook.service(1).name[lang]
        assert services[1]["summary"] == handbook.service(1).summary[lang]


def test_the_qr_scripts_hold_a_code_for_each_service_page(finder_project: Path) -> None:
    config, handbook = load_project(finder_project)
    files = render_finder_qr(handbook, config)
    assert sorted(files) == ["en/finder/qr.en.js", "finder/qr.zh.js"]
    for path, text in files.items():
        codes = json.loads(text[text.index("]=") + 2:].rstrip().rstrip(";"))
        assert sorted(map(int, codes)) == [s.number for s in handbook.services]
        assert all(code.startswith("<svg") for code in codes.values()), path
    page = finder_pages(finder_project)["en"]["finder/index.md"]
    assert 'data-qr="qr.en.js"' in page


@pytest.mark.parametrize(("answers", "groups"), FIXTURE_CASES, ids=[json.dumps(a, ensure_ascii=False) for a, _ in FIXTURE_CASES])
def test_the_evaluator_sorts_the_fixture_as_the_finder_means_it(finder_project: Path, answers: dict[str, Any],
                                                                groups: dict[int, str]) -> None:
    _, handbook = load_project(finder_project)
    found = {s.number: classify(s.eligibility, answers) for s in handbook.services if s.eligibility}  # type: ignore[arg-type]
    assert {n: g for n, g in found.items() if g} == groups


# ---- the pages around the finder, in the real build ----

def article(site: Path, rel: str) -> str:
    """A built page → the text of its article, tags removed."""
    html = (site / rel).read_text(encoding="utf-8")
    body = html[html.index("<article"):html.index("</article>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("lang", LANGS)
def test_downloads_put_residents_files_first_each_with_its_size(built_site: Path, lang: str) -> None:
    config, _ = load_project(ROOT)
    t = config.strings[lang]
    base = "" if lang == "zh" else "en/"
    html = (built_site / base / "downloads/index.html").read_text(encoding="utf-8")
    html = html[html.index("<article"):html.index("</article>")]  # the page's own list, not the footer's data links
    links = re.findall(r'<a href="([^"]+\.(?:zip|pdf|json|csv))">([^<]+)</a>(<span data-hb-size="offline">[^<]*</span>)?', html)
    files = [href.rsplit("/", 1)[-1] for href, _, _ in links]
    assert files[0] == "handbook-offline.zip" and files[-2:] == ["services.json", "services.csv"]
    assert all(f.endswith(".pdf") for f in files[1:-2]) and len(files) > 10
    size = re.compile(r"\d+(\.\d)? (MB|KB)")
    offline_bytes = (built_site / "downloads/handbook-offline.zip").stat().st_size
    offline_size = t["file_size"].format(size=f"{offline_bytes / 1_000_000:.1f} MB")
    assert links[0][2] == f'<span data-hb-size="offline">{offline_size}</span>'
    assert all(size.search(text) for _, text, _ in links[1:]), [text for _, text, _ in links if not size.search(text)]
    text = article(built_site, f"{base}downloads/index.html")
    headings = [t["downloads_residents"], t["downloads_kind_full"], t["downloads_kind_chapter"], t["downloads_kind_department"],
                t["downloads_data"]]
    assert [text.index(f" {h} ") for h in headings] == sorted(text.index(f" {h} ") for h in headings)


@pytest.mark.parametrize("lang", LANGS)
def test_home_puts_the_finder_and_audiences_before_the_introduction(built_site: Path, lang: str) -> None:
    config, handbook = load_project(ROOT)
    t = config.strings[lang]
    text = article(built_site, ("" if lang == "zh" else "en/") + "index.html")
    places = [text.index(t["finder"]), text.index(handbook.audiences[-1].name[lang]), text.index(t["home_lead"][:15]),
              text.index(t["browse_chapter"])]
    assert places == sorted(places)


@pytest.mark.parametrize("lang", LANGS)
def test_the_built_finder_page_waits_for_no_script_file_before_its_first_paint(built_site: Path, lang: str) -> None:
    """Every script the finder page loads from a file is deferred (handbook.js); its own script is finder-load.js, in
    the page as Markdown and MkDocs left it, naming the script file beside the page that it asks for once the page is
    painted: the data and finder.js, in no other file. The page is small enough for a new connection's first round trip
    (Lighthouse charged the data and finder.js to the first paint, as files and in the page)."""
    config, handbook = load_project(ROOT)
    folder = built_site / ("" if lang == "zh" else f"{lang}/") / "finder"
    html = (folder / "index.html").read_text(encoding="utf-8")
    loaded = re.findall(r"<script\b([^>]*\bsrc=[^>]*)>", html)
    assert loaded and all(re.search(r"\b(?:defer|async)\b", attributes) for attributes in loaded), loaded
    [file] = folder.glob(f"finder.{lang}.*.js")
    text = file.read_text(encoding="utf-8")
    assert file.name == f"finder.{lang}.{hashlib.sha256(text.encode()).hexdigest()[:8]}.js"
    assert re.findall(r'<script data-hb-loads="([^"]+)">(.*?)</script>', html, re.DOTALL) == [
        (file.name, script(FINDER_LOAD_JS))]
    assert text.endswith(f"={finder_data_json(handbook, config, lang)};\n{FINDER_JS}\n")
    assert "data-finder-data" not in html and FINDER_JS not in html
    assert sorted(p.name.split(".")[1] for p in built_site.rglob("finder*.js")) == sorted(config.codes)  # no other
    size = len(gzip.compress(html.encode("utf-8"), 6))
    assert size < 14_300, (f"the finder page is {size} bytes gzipped: more than a new connection's first round trip "
                           "(ten segments of 1,460 bytes, less the headers); what only finder.js needs goes in its file")


def test_chapter_pages_list_services_before_booklets(built_site: Path) -> None:
    html = (built_site / "en/chapters/education/index.html").read_text(encoding="utf-8")
    assert html.index('href="../../services/') < html.index('.pdf"')


def test_a_result_in_words_in_each_language(finder_project: Path) -> None:
    config, handbook = load_project(finder_project)
    zh, en = FinderViews(handbook, config, "zh"), FinderViews(handbook, config, "en")
    because = (("status", ["dibao"]), ("child", {"age": 9, "study": "primary", "disability": 2}))
    assert zh.because_text(because) == "因为您说：家庭：低保；孩子：9岁，小学，二级残疾人证。"
    assert en.because_text(because) == ("Because you said: household: dibao (minimum living allowance); "
                                        "a child: aged 9, primary school, grade 2 certificate.")  # lower case mid-sentence
    assert en.because_text((("residence", "rural"),)) == "Because you said: rural hukou."
    # a rule set's basis, the Chinese source's words it encodes, follows the answers in Chinese
    assert zh.because_text((("age", 72),), "65岁以上老人") == "因为您说：年龄72岁（原文：65岁以上老人）。"
    assert en.because_text((("age", 72),), "65岁以上老人") == "Because you said: you are 72."  # no Chinese in English
    assert zh.check_text(("age", "child"), ("ask", "符合条件的")) == (
        "还要看：您的年龄；家里的孩子；是否覆盖您居住或工作的地方（请咨询主责单位）；原文条件“符合条件的”。")
    assert en.check_text(("status",), ("Those who qualify.",)) == (
        "To check: your household's situation; the source's condition “Those who qualify”.")


def test_the_finder_page_describes_each_child_and_the_persons_own_study(finder_project: Path) -> None:
    for lang, pages in finder_pages(finder_project).items():
        text = pages["finder/index.md"].split("<script>")[0]  # the page's elements, not the scripts it holds
        assert text.count("data-child-row") == 3, lang
        ages = re.findall(r'<select id="hb-child-age-1" data-child="age">(.*?)</select>', text)[0]
        assert re.findall(r'value="(\d*)"', ages) == ["", *map(str, range(26))]  # 0–25
        grades = re.findall(r'<select id="hb-child-disability-1" data-child="disability">(.*?)</select>', text)[0]
        assert re.findall(r'value="(\d*)"', grades) == ["", "0", "1", "2", "3", "4"]
        assert re.search(r'<fieldset class="hb-q__part" data-key="study" id="hb-q-study">', text)
        assert 'data-shown="5"' in text and "data-show-rest" in text and "data-open-questions" in text
