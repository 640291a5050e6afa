"""Jinja environments and filters, created per build (no module-level environment)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .urls import page_url

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!])")  # Python-Markdown's backslash escapes


def md(value: Any) -> Markup:
    """Data → Markdown that shows it literally: HTML escaped, Markdown punctuation backslash-escaped."""
    if isinstance(value, Markup):
        return value
    text = MARKDOWN_SPECIALS.sub(r"\\\1", str(value))  # Markdown first, so the entities HTML escaping adds stay intact
    text = str(escape(text)).replace("|", "&#124;")  # '|' would split table cells
    return Markup(re.sub(r"\s*\n\s*", " ", text))


def paras(value: Any) -> Markup:
    """Multi-line data → escaped Markdown paragraphs, one per line."""
    return Markup("\n\n".join(md(line) for line in str(value).split("\n") if line.strip()))


def in_lang(value: Any, tag: str | None) -> Markup:
    """Data in another language than the page's → escaped Markdown in <span lang="tag"> (screen readers and fonts
    switch language); `tag` None (the page's own language) → escaped Markdown alone."""
    if tag is None:
        return md(value)
    return Markup(f'<span lang="{escape(tag)}">{md(value)}</span>')


def script(value: str) -> Markup:
    """A script's text → as it can stand inside <script>…</script> in a page: '</' and '<!--', which would end the
    element or change how the browser reads it, with a backslash after the '<' (JavaScript's strings and regular
    expressions, the only places a script holds them, read '<\\/' as '</', and '<\\!' as '<!' except in a u-flag
    regular expression)."""
    return Markup(value.replace("</", "<\\/").replace("<!--", "<\\!--"))


def finalize_markdown(value: Any) -> Any:
    """Every {{ expression }} in a Markdown template is escaped unless already Markup."""
    return md(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def markdown_environment(template_dir: Path) -> Environment:
    """A Jinja environment for Markdown page templates: strict, data escaped for Markdown by default."""
    env = Environment(loader=FileSystemLoader(template_dir), undefined=StrictUndefined, autoescape=False,
                      finalize=finalize_markdown, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(md=md, paras=paras, url=Markup, in_lang=in_lang, script=script)
    return env


# A page written as HTML: its Markdown (a title line) ends where this line stands, and its HTML body follows
# (generator/web/mkdocs_html.py, the MkDocs hook that reads it, holds the same text)
HTML_BODY = "<!-- hb:html -->"


def oneline(value: Any) -> Markup:
    """Data → HTML text on one line, as md() and Markdown write it: escaped, each line break with the spaces around it
    one space."""
    if isinstance(value, Markup):
        return value
    return escape(re.sub(r"\s*\n\s*", " ", str(value)))


def html_paras(value: Any) -> Markup:
    """paras for an HTML template: multi-line data → escaped paragraphs, one per line that is not blank."""
    return Markup("\n".join(f"<p>{oneline(line)}</p>" for line in str(value).split("\n") if line.strip()))


def html_in_lang(value: Any, tag: str | None) -> Markup:
    """in_lang for an HTML template: data in another language than the page's → escaped, in <span lang="tag">."""
    return Markup(f'<span lang="{escape(tag)}">{oneline(value)}</span>') if tag is not None else oneline(value)


def link_url(href: str) -> str:
    """A link between pages as the views make it (a docs path relative to the page: '../x/index.md#part') → the link
    MkDocs writes for it with directory URLs ('../x/#part'; the page's own folder './')."""
    path, hash_, fragment = href.partition("#")
    if path.endswith(".md"):
        path = page_url(path) or "./"
    return path + hash_ + fragment


HTML_TWIN = "hb_html_environment"  # the attribute of a Markdown environment that holds its HTML twin


def html_environment(markdown: Environment) -> Environment:
    """A Markdown environment → its twin for HTML page templates (the same templates folder): strict, every
    {{ expression }} HTML-escaped unless already Markup; made once per Markdown environment and kept on it (Jinja's
    `extend`), not in a weak mapping: a weak reference's callback runs as the collector frees the environment, and a
    signal handled in it is lost (Python prints "Exception ignored"), so Ctrl+C or SIGTERM in the MkDocs stage let the
    build run on."""
    twin = getattr(markdown, HTML_TWIN, None)
    if not isinstance(twin, Environment):
        twin = Environment(loader=markdown.loader, undefined=StrictUndefined, autoescape=True,
                           keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
        twin.filters.update(md=md, oneline=oneline, paras=html_paras, url=link_url, in_lang=html_in_lang)
        twin.globals["html_body"] = Markup(HTML_BODY)
        markdown.extend(**{HTML_TWIN: twin})
    return twin
