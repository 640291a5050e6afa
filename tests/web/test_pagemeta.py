"""Page head metadata (generator/web/pagemeta.py): meta descriptions and schema.org JSON-LD, on the tiny project's pages
and on every page of the real build."""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import html5lib
import pytest

from generator.build import render_languages
from generator.data.load import load_project
from generator.opendata.export import render_open_data
from generator.web.pagemeta import add_page_metadata, page_meta, page_title, script_json, sentences

from ..conftest import ROOT, TEST_SITE_URL

HAN = re.compile(r"[\u4e00-\u9fff]")
LANGS = {"zh": ("", "zh-Hans"), "en": ("en/", "en")}


def test_script_json_cannot_close_the_element_and_reads_back() -> None:
    data = {"name": "</script><script>alert(1)</script> & <!-- \u2028"}
    text = script_json(data)
    assert not re.search(r"[<>&\u2028]", text)
    assert json.loads(text) == data


@pytest.mark.parametrize(("text", "expected"), [
    ("第一句。第二句。", "第一句。第二句。"),
    ("One. Two.", "One. Two."),
    ("A long first sentence " + "x" * 200 + ". Second.", "A long first sentence " + "x" * 200 + "."),
    ("First sentence. " + "y" * 170 + ".", "First sentence."),
    ("Paid 4.5 yuan a day. Second", "Paid 4.5 yuan a day. Second"),
])
def test_sentences_are_never_cut(text: str, expected: str) -> None:
    assert sentences(text) == expected


def test_service_page_without_site_url_has_no_urls() -> None:
    config, handbook = load_project(ROOT)
    config = dataclasses.replace(config, site_url=None)
    meta = page_meta(handbook, config, "en", "services/legal-aid/index.md", "# Legal aid\n")
    data = json.loads(meta["hb_jsonld"])
    assert "url" not in data and "url" not in data["mainEntity"]
    assert all("url" not in p for p in data["mainEntity"]["provider"] + data["mainEntity"]["isRelatedTo"])


def test_every_page_gets_front_matter_in_its_language() -> None:
    config, handbook = load_project(ROOT)
    pages = add_page_metadata(handbook, config, render_languages(ROOT, handbook, config, [], render_open_data(handbook, config)))
    for lang, docs in pages.items():
        for path, text in docs.items():
            assert text.startswith("---\nhb_description: "), (lang, path)
            description = json.loads(text.split("\n")[1].split(": ", 1)[1])
            assert description, (lang, path)
            assert bool(HAN.search(description)) == (lang == "zh"), (lang, path, description)


class CountedServices(tuple):  # type: ignore[type-arg]
    """A handbook's services that count how often something runs through all of them."""

    passes = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        CountedServices.passes += 1
        return super().__iter__()


def test_describing_every_page_does_not_run_through_every_service_for_each_page() -> None:
    """A pass over all services for each service page made 100 times the services take 64 times as long (42 s):
    the lookups are made once a language. What remains per page is a department page's count of its services."""
    config, handbook = load_project(ROOT)
    pages = render_languages(ROOT, handbook, config, [], render_open_data(handbook, config))
    counted = dataclasses.replace(handbook, services=CountedServices(handbook.services))
    CountedServices.passes = 0
    assert add_page_metadata(counted, config, pages) == add_page_metadata(handbook, config, pages)
    departments = sum(path.startswith("departments/") and path != "departments/index.md" for docs in pages.values()
                      for path in docs)
    service_pages = sum(path.startswith("services/") and path != "services/index.md" for docs in pages.values() for path in docs)
    assert service_pages > 100 and CountedServices.passes <= departments + 4 * len(pages)


def test_a_page_with_its_own_front_matter_keeps_one_block() -> None:
    """The home and finder pages hide their table of contents in front matter: the metadata joins that block (MkDocs
    reads only the first block; a second one would be shown as text)."""
    from generator.present.filters import markdown_environment
    from generator.web.assets import render_assets
    from generator.web.finder import render_finder_pages
    from generator.web.pagemeta import body

    config, handbook = load_project(ROOT)
    pages = render_languages(ROOT, handbook, config, [], render_open_data(handbook, config))
    inlined = render_assets(ROOT / "templates" / "theme").inlined
    finder_pages, _ = render_finder_pages(handbook, config, markdown_environment(ROOT / "templates" / "site"),
                                          inlined["assets/finder.js"], inlined["assets/finder-load.js"])
    for lang, finder in finder_pages.items():
        pages[lang].update(finder)
    own = {lang: [path for path, text in docs.items() if text.startswith("---\n")] for lang, docs in pages.items()}
    assert all("finder/index.md" in paths and "index.md" in paths for paths in own.values()), own
    with_meta = add_page_metadata(handbook, config, pages)
    for lang, paths in own.items():
        for path in paths:
            text = with_meta[lang][path]
            assert not body(text).lstrip().startswith("---"), (lang, path)  # one block
            assert "hide:" in text[:text.index("\n---\n")], (lang, path)  # the page's own settings kept in it


def head(page: Path) -> tuple[list[str], list[str], str]:
    """An HTML page → (its meta descriptions, its JSON-LD blocks, its <html lang>)."""
    root = html5lib.parse(page.read_text(encoding="utf-8"), treebuilder="etree", namespaceHTMLElements=False)
    return ([el.get("content") for el in root.iter("meta") if el.get("name") == "description"],
            [el.text or "" for el in root.iter("script") if el.get("type") == "application/ld+json"], root.get("lang"))


@pytest.mark.slow
def test_every_built_page_has_one_description_and_a_webpage_in_its_language(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 280
    for page in pages:
        where = page.relative_to(built_site).as_posix()
        descriptions, blocks, lang = head(page)
        assert len(descriptions) == 1 and descriptions[0], where
        assert bool(HAN.search(descriptions[0])) == (lang == "zh-Hans"), where
        if page.name == "404.html":
            continue
        assert len(blocks) == 1, where
        data = json.loads(blocks[0])
        assert (data["@context"], data["@type"], data["inLanguage"]) == ("https://schema.org", "WebPage", lang), where
        assert data["description"] == descriptions[0], where


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_service_pages_describe_a_government_service(built_site: Path, lang: str) -> None:
    config, handbook = load_project(ROOT)
    prefix, _ = LANGS[lang]
    for service in handbook.services:
        _, blocks, _ = head(built_site / prefix / "services" / service.id / "index.html")
        entity = json.loads(blocks[0])["mainEntity"]
        assert entity["@type"] == "GovernmentService"
        assert entity["name"] == service.name[lang]
        assert entity["description"] == "\n\n".join(p.standard[lang] for p in service.provisions)
        assert entity["serviceType"] == handbook.chapter(service.chapter).title[lang]
        assert [(p["@type"], p["name"]) for p in entity["provider"]] == [
            ("GovernmentOrganization", handbook.department(d).name[lang]) for d in service.departments]
        assert entity["areaServed"] == {"@type": "AdministrativeArea", "name": config.strings[lang]["county"]}
        assert [a["audienceType"] for a in entity["audience"] if "audienceType" in a] == [
            handbook.audience(a).name[lang] for a in service.audiences]
        assert entity["isRelatedTo"] and all(r["@type"] == "GovernmentService" for r in entity["isRelatedTo"])
        assert entity["url"] == f"{TEST_SITE_URL}{prefix}services/{service.id}/"  # the test build's site_url


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_department_pages_describe_a_government_organization(built_site: Path, lang: str) -> None:
    _, handbook = load_project(ROOT)
    for department in handbook.departments:
        _, blocks, _ = head(built_site / LANGS[lang][0] / "departments" / department.id / "index.html")
        entity = json.loads(blocks[0])["mainEntity"]
        assert (entity["@type"], entity["name"]) == ("GovernmentOrganization", department.name[lang])


def test_a_title_with_an_attribute_list_is_named_without_it() -> None:
    """The home page's H1 carries `{ .hb-home-title }` for its style; its structured data's name must not."""
    assert page_title("intro\n# 盐边县基本公共服务手册 { .hb-home-title }\ntext") == "盐边县基本公共服务手册"
    assert page_title("# No. 1 {curly} words") == "No. 1 {curly} words"  # braces inside a title stay


def test_a_page_with_an_html_body_is_introduced_by_its_first_plain_paragraph() -> None:
    """An audience or chapter page (title line, then HTML): its description is the body's first paragraph without a
    class, as plain text, as the Markdown page's first paragraph of prose was."""
    from generator.present.filters import HTML_BODY
    from generator.web.pagemeta import introduction
    page = (f"# Veterans\n\n{HTML_BODY}\n<p class=\"hb-meta\">No. 1</p>\n<p>People who served &amp; their "
            "<a href=\"../x/\">families</a>.</p>\n<p>More.</p>")
    assert introduction(page) == "People who served & their families."
    assert introduction(f"# Empty\n\n{HTML_BODY}\n<ul>\n<li>x</li>\n</ul>") == ""
