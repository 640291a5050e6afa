"""Pages whose body is written as HTML (service, chapter, department and audience pages): the MkDocs hook gives their
headings the ids and the table of contents Markdown would have, and the build refuses a link to a missing page."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest

from generator.data.errors import BuildError
from generator.data.load import load_project
from generator.present.filters import HTML_BODY, link_url
from generator.web import mkdocs_html
from generator.web.site import check_page_links

from ..conftest import ROOT

HEADINGS = ["Who can get it", "Who can get it", "Zürich &amp; more", "中文", "What you get (服务内容)"]
LEVELS = [2, 2, 3, 2, 3]


def test_headings_get_the_ids_and_contents_markdown_would_give_them() -> None:
    """The same headings as Markdown and as HTML → the same ids (unique with the title's, 'Zürich' → 'zurich', Chinese
    alone → '_1') and the same nested table of contents."""
    source = "# Who can get it\n\n" + "".join(f"{'#' * level} {text}\n\n" for text, level in zip(HEADINGS, LEVELS, strict=True))
    md = markdown.Markdown(extensions=["toc"])
    expected = md.convert(source)
    page = SimpleNamespace(file=SimpleNamespace(src_uri="services/x/index.md"), toc=None)
    body = "".join(f"<h{level}>{text}</h{level}>\n" for text, level in zip(HEADINGS, LEVELS, strict=True))
    head = mkdocs_html.on_page_markdown(f"# Who can get it\n\n{HTML_BODY}\n{body}", page, None, None)
    assert head == "# Who can get it\n\n"  # all Python-Markdown reads
    title = markdown.Markdown(extensions=["toc"])
    from mkdocs.structure.toc import get_toc
    content = title.convert(head)
    page.toc = get_toc(title.toc_tokens)
    built = mkdocs_html.on_page_content(content, page, None, None)
    ids = re.findall(r'<h\d id="([^"]+)"', built)
    assert ids == re.findall(r'<h\d id="([^"]+)"', expected) == ["who-can-get-it", "who-can-get-it_1", "who-can-get-it_2",
                                                                 "zurich-more", "_1", "what-you-get"]

    def tree(links: list) -> list:
        return [(link.id, link.title, tree(link.children)) for link in links]
    assert tree(page.toc) == tree(get_toc(md.toc_tokens))


def test_a_heading_keeps_its_own_id_and_a_page_without_html_body_is_left_as_it_is() -> None:
    page = SimpleNamespace(file=SimpleNamespace(src_uri="a/index.md"), toc=[])
    assert mkdocs_html.on_page_markdown("# A\n\nText\n", page, None, None) == "# A\n\nText\n"
    assert mkdocs_html.on_page_content("<p>Text</p>", page, None, None) == "<p>Text</p>"
    mkdocs_html.on_page_markdown(f"# A\n\n{HTML_BODY}\n<h2 class=\"x\" id=\"mine\">B</h2>\n<h2 class=\"x\">B</h2>\n", page,
                                 None, None)
    assert mkdocs_html.on_page_content("", page, None, None) == \
        '\n<h2 class="x" id="mine">B</h2>\n<h2 class="x" id="b">B</h2>'


@pytest.mark.parametrize(("href", "url"), [("../x/index.md", "../x/"), ("index.md", "./"), ("../../index.md", "../../"),
                                           ("../x/index.md#part", "../x/#part"), ("about.md", "about/"),
                                           ("../../booklets/a.pdf", "../../booklets/a.pdf")])
def test_links_between_pages_are_written_as_mkdocs_writes_them(href: str, url: str) -> None:
    assert link_url(href) == url


def test_a_link_to_a_page_that_is_not_there_fails_the_build() -> None:
    body = f"# A\n\n{HTML_BODY}\n" + '<a href="../b/">B</a> <a href="../../">home</a> <a href="./#part">here</a> ' \
        '<a href="tel:12345">call</a> <a href="../../booklets/a.pdf">PDF</a>'
    pages = {"index.md": "# Home\n", "services/a/index.md": body, "services/b/index.md": "# B\n"}
    check_page_links(pages)
    pages["services/a/index.md"] += '<a href="../c/#x">C</a>'
    with pytest.raises(BuildError, match=re.escape("services/a/index.md: a link to '../c/'")):
        check_page_links(pages)


def test_the_generated_pages_are_html_and_link_only_to_pages_that_are_there() -> None:
    """Every service, chapter, department and audience page of both languages: a Markdown title line, then HTML."""
    from generator.opendata.export import render_open_data
    from generator.present.filters import markdown_environment
    from generator.web.site import read_content, render_pages

    config, handbook = load_project(ROOT)
    for lang in config.codes:
        pages = render_pages(handbook, config, lang, markdown_environment(ROOT / "templates" / "site"),
                             read_content(ROOT, lang), [], render_open_data(handbook, config))
        generated = {path: text for path, text in pages.items()
                     if re.match(r"(services|chapters|departments|audiences)/[^/]+/index\.md$", path)}
        assert len(generated) == len(handbook.services) + len(handbook.chapters) + len(handbook.departments) + \
            len(handbook.audiences)
        for path, text in generated.items():
            head, mark, body = text.partition(HTML_BODY)
            assert mark and re.fullmatch(r"# [^\n]+\n\n", head), path
            assert "](" not in body and "\n## " not in body and "{ ." not in body, path  # no Markdown left in the body
        check_page_links(pages | {"changes/index.md": ""})


def test_built_service_page_lists_its_headings_in_its_table_of_contents(built_site: Path) -> None:
    html = (built_site / "en/services/legal-aid/index.html").read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    headings = re.findall(r"<h([23])[^>]*\bid=\"([^\"]+)\"", article)
    assert re.findall(r"<h([23])\b", article) == [level for level, _ in headings]  # every one has an id
    toc = html[html.index('<nav class="md-nav md-nav--secondary"'):]  # then the article, which links to no heading
    assert re.findall(r'href="#([^"]+)"', toc)[:len(headings)] == [id_ for _, id_ in headings]
    assert headings[0] == ("2", "what-you-get")
