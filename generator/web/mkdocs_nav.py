"""MkDocs hook of every run (its mkdocs.yml names this file under `hooks:`): a store for the theme's navigation.

A page outside the navigation (a service's, a department's) marks no entry of it as current, and MkDocs writes its
links relative to the page's folder, so every such page of one folder shows the same navigation: templates/theme/
partials/hb-nav.html renders it once per folder into this store and takes it from there for the others (about 110 of
a language's 150 pages; the pages are identical byte for byte). The preview's warm renderer calls no hook: without the store, the
template renders the navigation for every page.

MkDocs loads this file by its path, not as part of the generator, so it imports nothing of the generator."""
from __future__ import annotations

from typing import Any


def on_env(env: Any, config: Any, files: Any) -> Any:
    """A run's template environment → with an empty store (folder → navigation HTML), fresh for each run."""
    env.globals["hb_nav_cache"] = {}
    return env
