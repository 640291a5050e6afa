"""MkDocs hook of every run, the preview's warm renderer included (its mkdocs.yml names this file under `hooks:`):
pages whose body is written as HTML.

A service, chapter, department or audience page (templates/site/service.html.j2 and its kin) is a title line of
Markdown, then the line HTML_BODY, then its body as HTML. Python-Markdown reads the title line alone, as for any
page (MkDocs takes the page's title and its first heading from it); the body goes to the theme as it is. Parsing
the body as Markdown was most of MkDocs' work on these pages, for HTML the template can write as well. What
Markdown's `toc` extension would have done to the body is done here with its own functions: each heading gets the
id it would have had (unique in the page, the title's included), and the page's table of contents lists the
headings as it would have.

MkDocs loads this file by its path, not as part of the generator, so it imports nothing of the generator."""
from __future__ import annotations

import html
import re
from typing import Any

from markdown.extensions.toc import nest_toc_tokens, slugify, strip_tags, unique
from mkdocs.structure.toc import AnchorLink, get_toc

HTML_BODY = "<!-- hb:html -->"  # generator/present/filters.py writes the same line
HEADING = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1>", re.DOTALL)
ID = re.compile(r"""\sid=["']([^"']*)["']""")

_bodies: dict[str, str] = {}  # a page being built (its docs path) → its HTML body, from its Markdown to its content


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """A page with an HTML body → its Markdown alone (the body kept for on_page_content)."""
    head, mark, body = markdown.partition(HTML_BODY)
    if not mark:
        return markdown
    _bodies[page.file.src_uri] = body.removeprefix("\n")
    return head


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    """A page with an HTML body → the HTML of its Markdown, then the body with an id on each heading; the page's table
    of contents lists the body's headings too."""
    body = _bodies.pop(page.file.src_uri, None)
    if body is None:
        return content
    body, headings = with_heading_ids(body, set(ID.findall(content)) | set(ID.findall(body)))
    tokens = [{"level": link.level, "id": link.id, "name": link.title} for link in flattened(page.toc)]
    page.toc = get_toc(nest_toc_tokens(tokens + headings))
    return f"{content}\n{body.rstrip()}"


def with_heading_ids(body: str, used: set[str]) -> tuple[str, list[dict[str, Any]]]:
    """An HTML body and the ids already in the page → the body with an id on every heading that has none, made from
    its text as Markdown's `toc` extension makes it, and the headings as that extension lists them."""
    headings: list[dict[str, Any]] = []
    counters: dict[str, int] = {}

    def heading(match: re.Match[str]) -> str:
        level, attributes, inner = match[1], match[2], match[3]
        name = strip_tags(inner)
        found = ID.search(attributes)
        if found:
            id_ = found[1]
        else:
            id_ = unique(slugify(html.unescape(name), "-"), used, counters)
            attributes += f' id="{id_}"'
        headings.append({"level": int(level), "id": id_, "name": name})
        return f"<h{level}{attributes}>{inner}</h{level}>"
    return HEADING.sub(heading, body), headings


def flattened(links: Any) -> list[AnchorLink]:
    """A table of contents → its entries in document order."""
    return [entry for link in links for entry in (link, *flattened(link.children))]
