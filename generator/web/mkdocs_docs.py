"""MkDocs hook of every run of the full build (its mkdocs.yml names this file first under `hooks:`): the pages, and
the theme's files the handbook uses.

The pages come from one bundle beside the run's mkdocs.yml rather than one file each in the docs folder, which stays
empty: a language's 150 pages would otherwise be written, read and deleted in folders of their own on every build,
and on a disk that has just deleted the previous build's files, making each new one costs the file system more than
writing it. The bundle is two files: `pages.md`, every page's Markdown one after another, and `pages.json`, each
page's place in it; a page's Markdown is read when MkDocs reads the page, so a run holds no more of it than it did
reading files (at 100 times the services a language has 8,500 pages, and a batched run builds a few of them).
Material's own search, its workers and the source maps are dropped before MkDocs copies them: the handbook never
loads them.

MkDocs loads this file by its path, not as part of the generator, so it imports nothing of the generator; the build
writes the bundle with `write_bundle`."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, file_sort_key, set_exclusions
from mkdocs.structure.pages import Page

PLACES, TEXT = "pages.json", "pages.md"  # beside the run's mkdocs.yml: {docs path: [offset, bytes]}, the Markdown
UNUSED = ("assets/javascripts/lunr/", "assets/javascripts/workers/")  # Material's search, which the handbook replaces


def write_bundle(folder: Path, pages: dict[str, str]) -> None:
    """One language's pages (docs path → Markdown) → the bundle its MkDocs runs read, in `folder`."""
    places: dict[str, list[int]] = {}
    offset = 0
    with (folder / TEXT).open("wb") as text:
        for path, markdown in pages.items():
            data = markdown.encode("utf-8")
            text.write(data)
            places[path] = [offset, len(data)]
            offset += len(data)
    (folder / PLACES).write_text(json.dumps(places, ensure_ascii=False), encoding="utf-8")


@functools.cache
def places(config_file: str) -> dict[str, list[int]]:
    """A run's mkdocs.yml → where each page of its bundle is."""
    return dict(json.loads(Path(config_file).with_name(PLACES).read_text(encoding="utf-8")))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """The theme's files less those never loaded, and the bundle's pages, as if found in the docs folder (their
    Markdown is read with them: on_page_read_source)."""
    for file in list(files):
        if file.src_uri.startswith(UNUSED) or file.src_uri.endswith(".map"):
            files.remove(file)
    made = sorted((File.generated(config, path, content="") for path in places(config.config_file_path)),
                  key=file_sort_key)
    for file in made:
        if (theme := files.get_file_from_path(file.src_uri)) is not None:  # a page overrides the theme's file
            files.remove(theme)
        files.append(file)
    set_exclusions(files, config)  # in or out of the navigation now, as a page read from the folder would be: the
    # batch hook after this one asks (web/mkdocs_hooks.py)
    return files


def on_page_read_source(page: Page, config: MkDocsConfig) -> str | None:
    """A page of the bundle → its Markdown, read from the bundle."""
    place = places(config.config_file_path).get(page.file.src_uri)
    if place is None:
        return None
    with Path(config.config_file_path).with_name(TEXT).open("rb") as text:
        text.seek(place[0])
        return text.read(place[1]).decode("utf-8")
