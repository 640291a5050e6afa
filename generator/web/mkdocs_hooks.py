"""MkDocs hooks for one run of a batched build (its mkdocs.yml names this file under `hooks:`). A run builds only the
pages its list names (`<name>.pages` beside its `<name>.yml`, one docs path a line): the other pages outside the
navigation are excluded (MkDocs still knows them, so links to them are resolved and written as in a whole build), and
the other pages in the navigation are built from their title alone (every page's navigation shows it; the build keeps
their output from the run that lists them).

MkDocs loads this file by its path, not as part of the generator, so it imports nothing of the generator."""
from __future__ import annotations

import functools
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page

H1 = re.compile(r"^# .+$", re.MULTILINE)  # the generated pages' title line; MkDocs takes a page's title from its H1


@functools.cache
def listed(config_file: str) -> frozenset[str]:
    """A run's mkdocs.yml → the docs paths it builds."""
    return frozenset(Path(config_file).with_suffix(".pages").read_text(encoding="utf-8").splitlines())


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Every page outside the navigation that this run does not build → excluded from it."""
    built = listed(config.config_file_path)
    for file in files.documentation_pages(inclusion=InclusionLevel.is_not_in_nav):
        if file.src_uri not in built:
            file.inclusion = InclusionLevel.EXCLUDED
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """A page in the navigation that this run does not build → its title line alone."""
    if page.file.src_uri in listed(config.config_file_path):
        return markdown
    title = H1.search(markdown)
    return title[0] if title else ""
