"""MkDocs hook of every run of the full build (its mkdocs.yml names this file first under `hooks:`): the pages, and
the theme's files the handbook uses.

The pages come from one file beside the run's mkdocs.yml (`pages.json`: docs path → Markdown) rather than one file
each in the docs folder, which stays empty: a language's 150 pages would otherwise be written, read and deleted in
folders of their own on every build, and on a disk that has just deleted the previous build's files, making each new
one costs the file system more than writing it. Material's own search, its workers and the source maps are dropped
before MkDocs copies them: the handbook never loads them.

MkDocs loads this file by its path, not as part of the generator, so it imports nothing of the generator."""
from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, file_sort_key, set_exclusions

PAGES = "pages.json"  # beside the run's mkdocs.yml: {docs path: Markdown}
UNUSED = ("assets/javascripts/lunr/", "assets/javascripts/workers/")  # Material's search, which the handbook replaces


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """The theme's files less those never loaded, and the run's pages, as if read from the docs folder."""
    for file in list(files):
        if file.src_uri.startswith(UNUSED) or file.src_uri.endswith(".map"):
            files.remove(file)
    bundle = Path(config.config_file_path).with_name(PAGES)
    pages = json.loads(bundle.read_text(encoding="utf-8"))
    made = sorted((File.generated(config, path, content=text) for path, text in pages.items()), key=file_sort_key)
    for file in made:
        if (theme := files.get_file_from_path(file.src_uri)) is not None:  # a page overrides the theme's file
            files.remove(theme)
        files.append(file)
    set_exclusions(files, config)  # in or out of the navigation now, as a page read from the folder would be: the
    # batch hook after this one asks (web/mkdocs_hooks.py)
    return files
