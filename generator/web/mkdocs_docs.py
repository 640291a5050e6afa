"""MkDocs hook of every run of the full build (its mkdocs.yml names this file first under `hooks:`): the pages, and
the theme's files the handbook uses.

The pages come from one bundle beside the run's mkdocs.yml rather than one file each in the docs folder, which stays
empty: a language's 150 pages would otherwise be written, read and deleted in folders of their own on every build,
and on a disk that has just deleted the previous build's files, making each new one costs the file system more than
writing it. The bundle is two files: `pages.md`, every page's Markdown one after another, and `pages.json`, each
page's place in it; a page's Markdown is read when MkDocs reads the page, so a run holds no more of it than it did
reading files (at 100 times the services a language has 8,500 pages, and a batched run builds a few of them).
Material's own search, its workers and the source maps are dropped before MkDocs copies them: the handbook never
loads them. The theme's folders are listed without their hidden folders (ThemeLoader), which MkDocs would leave out
anyway: Material's .icons alone holds 14,000 files.

MkDocs loads this file by its path, not as part of the generator, so it imports nothing of the generator; the build
writes the bundle with `write_bundle`."""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import jinja2
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


class ThemeLoader(jinja2.FileSystemLoader):
    """The theme's loader (MkDocs makes a FileSystemLoader of the theme's folders), listing no hidden file or folder.

    MkDocs lists every file of the theme to find those to copy, then leaves out any path with a part that begins with
    a dot ('.*', '*/.*'). Material keeps its 14,000 icons in such a folder (.icons, read by its Markdown extensions,
    which the handbook does not use): walking them and matching each against MkDocs' patterns took 7 % of each run's
    instructions. Left out here as the walk goes, they give the same list; templates load as before."""

    def list_templates(self) -> list[str]:
        found = set()
        for folder in self.searchpath:
            for parent, folders, names in os.walk(folder, followlinks=self.followlinks):
                folders[:] = sorted(name for name in folders if not name.startswith("."))
                for name in names:
                    if not name.startswith("."):
                        found.add(os.path.relpath(os.path.join(parent, name), folder).replace(os.sep, "/"))
        return sorted(found)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """The run's theme → making its template environment with a ThemeLoader in place of MkDocs' own loader (of the same
    folders, as MkDocs orders them)."""
    theme: Any = config.theme
    make_env = theme.get_env

    def get_env() -> jinja2.Environment:
        env: jinja2.Environment = make_env()
        if type(env.loader) is jinja2.FileSystemLoader:  # (another loader, from a later MkDocs, is left as it is)
            env.loader = ThemeLoader(env.loader.searchpath, env.loader.encoding, env.loader.followlinks)
        return env
    theme.get_env = get_env
    return config


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
