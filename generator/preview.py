"""The preview's warm renderer: the last good build's model and MkDocs kept loaded, so that the pages of an edited
service (every language) are served within a second of the save, while the full rebuild follows and then swaps in."""
from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import _populate_page, get_context
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, get_files
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page

from .build import Rendered, build
from .data.errors import DataError, HandbookError
from .data.load import load_project
from .data.model import Handbook, Service
from .output.publish import replace_file, write_files
from .present.filters import markdown_environment
from .present.urls import lang_root
from .present.views import PageViews, page_path
from .web.mkdocs_config import mkdocs_config, theme_overlay
from .web.pagemeta import body, page_meta, with_front_matter
from .web.site import render_service_page

QUICK_LIMIT = 5  # more services edited at once than this: the full rebuild alone shows them


class WarmLanguage:
    """One language's MkDocs, loaded once from a build's pages: its config, theme templates, files and navigation."""

    def __init__(self, rendered: Rendered, lang: str, root: Path, work: Path) -> None:
        pages = rendered.pages[lang]
        write_files(work / "docs", dict(pages))
        theme = theme_overlay(root / "templates", rendered.config, lang, work / "theme", rendered.assets)
        cfg = mkdocs_config(rendered.handbook, rendered.config, lang, pages, work / "docs", work / "out", theme,
                            rendered.assets)
        (work / "mkdocs.yml").write_text(json.dumps(cfg, ensure_ascii=False), encoding="utf-8")
        self.config: MkDocsConfig = load_config(str(work / "mkdocs.yml"))
        self.files: Files = get_files(self.config)
        self.env = self.config.theme.get_env()
        self.files.add_files_from_theme(self.env, self.config)
        self.nav: Navigation = get_navigation(self.files, self.config)
        for page in self.nav.pages:  # the navigation shows their titles, read from their Markdown
            _populate_page(page, self.config, self.files)
        first = next(path for path in pages if path.startswith("services/"))
        self.render(first, pages[first])  # the theme's templates compiled now, not on the first edit

    def render(self, path: str, markdown: str) -> str:
        """A docs path and its new Markdown → the page's HTML, as the full build would write it."""
        file = self.files.get_file_from_path(path)
        if file is None:
            raise KeyError(path)
        file.content_string = markdown
        page = file.page or Page(None, file, self.config)
        _populate_page(page, self.config, self.files)
        page.active = True  # the theme marks the current page
        try:
            context = get_context(self.nav, self.files.documentation_pages(), self.config, page)
            return str(self.env.get_template(page.meta.get("template", "main.html")).render(context))
        finally:
            page.active = False


@dataclass
class Warm:
    """The last good build, loaded: what was rendered, and each language's MkDocs."""

    rendered: Rendered
    languages: dict[str, WarmLanguage]  # language code → its loaded MkDocs
    work: Path  # the folder their docs and theme copies live in

    def close(self) -> None:
        """Its folder removed."""
        shutil.rmtree(self.work, ignore_errors=True)


def warm_up(root: Path, rendered: Rendered) -> Warm:
    """What a good build rendered → its MkDocs loaded for each language (docs and theme copied to a folder of its own)."""
    work = Path(tempfile.mkdtemp(prefix="handbook-preview-"))
    try:
        return Warm(rendered, {lang: WarmLanguage(rendered, lang, root, work / lang) for lang in rendered.config.codes},
                    work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def edited_services(old: Handbook, new: Handbook) -> list[Service] | None:
    """Two models → the services edited between them, or None when anything else changed (the pages that list
    services, chapters or departments need the full build)."""
    if [s.id for s in old.services] != [s.id for s in new.services]:
        return None
    rest = ("source", "chapters", "departments", "audiences", "glossary", "synonyms", "channels")
    if any(getattr(old, name) != getattr(new, name) for name in rest):
        return None
    return [s for s, before in zip(new.services, old.services, strict=True) if s != before]


def service_pages(root: Path, warm: Warm, handbook: Handbook, services: list[Service]) -> dict[str, str]:
    """Edited services → {site path: HTML} of their pages in every language, from the warm MkDocs."""
    config, manifest = warm.rendered.config, warm.rendered.manifest
    env = markdown_environment(root / "templates" / "site")
    html = {}
    for lang, loaded in warm.languages.items():
        views = PageViews(handbook, config, lang, manifest)
        for service in services:
            path = page_path("services", service.id)
            text = render_service_page(views, env, service)
            markdown = with_front_matter(page_meta(handbook, config, lang, path, body(text)), text)
            html[lang_root(config, lang) + path.removesuffix(".md") + ".html"] = loaded.render(path, markdown)
    return html


Say = Callable[[str], None]


class Preview:
    """`handbook serve`'s builds: a full preview build on every change, in the background; before it, for an edit of
    services.yaml that changes only services, their pages at once from the warm renderer."""

    def __init__(self, root: Path, site_dir: Path, say: Say, problems: Callable[[DataError], None],
                 error: Say) -> None:
        self.root, self.site_dir, self.say, self.problems, self.error = root, site_dir, say, problems, error
        self.warm: Warm | None = None
        self.lock = threading.Lock()  # held while quick pages are made and written, and while the warm renderer changes
        self.wanted = threading.Event()  # a change is waiting for its full build
        self.quick: dict[str, str] = {}  # site path → HTML shown ahead of the full build that is to include it

    def rebuild(self) -> bool:
        """A full preview build, the warm renderer loaded from it → whether it succeeded (errors are reported)."""
        kept: list[Rendered] = []
        with self.lock:  # not while the quick pages of an edit are being made
            self.wanted.clear()
        try:
            timings = build(self.root, self.site_dir, preview=True, rendered=kept.append)
        except DataError as exc:
            self.problems(exc)
            return False
        except HandbookError as exc:
            self.error(f"error: {exc}")
            return False
        self.after_swap()
        self.say(f"rebuilt in {timings.wall:.2f} s")
        self.load_warm(kept[-1])
        return True

    def after_swap(self) -> None:
        """Once a full build is in site/: the quick pages of edits it may have missed are put back."""
        with self.lock:
            if self.wanted.is_set():
                self.write_quick(self.quick)
            else:
                self.quick = {}

    def load_warm(self, rendered: Rendered) -> None:
        """A good build's pages → the warm renderer (the previous one closed)."""
        warm = warm_up(self.root, rendered)
        with self.lock:
            old, self.warm = self.warm, warm
            if old:
                old.close()

    def changed(self, paths: set[Path]) -> None:
        """Watched files changed (called by the watcher): ask for a full build and, when only services.yaml changed,
        show the edited services at once; the build starts only after that (both under the lock), so that it does not
        slow the quick pages down."""
        with self.lock:
            self.wanted.set()  # first: a build that swaps in meanwhile then puts the quick pages back
            if paths == {self.root / "services.yaml"} and self.warm is not None:
                self.show_edits(self.warm)

    def show_edits(self, warm: Warm) -> None:
        """services.yaml saved → the edited services' pages written into site/ from the warm renderer, when only
        services changed; otherwise (or on bad data) nothing, and the full build says what is wrong."""
        try:
            _, handbook = load_project(self.root)
        except HandbookError:
            return  # the full build reports it
        edited = edited_services(warm.rendered.handbook, handbook)
        if not edited or len(edited) > QUICK_LIMIT:
            return
        pages = service_pages(self.root, warm, handbook, edited)
        self.quick.update(pages)
        self.write_quick(pages)
        self.say(f"showing {', '.join(s.id for s in edited)}; full rebuild follows")

    def write_quick(self, pages: dict[str, str]) -> None:
        """{site path: HTML} → written over site/'s files, each replaced whole."""
        for path, html in pages.items():
            replace_file(self.site_dir / path, html)

    def run(self, stop: threading.Event) -> None:
        """Full builds, one after another, while changes keep coming; until stop is set."""
        while not stop.is_set():
            if self.wanted.wait(0.1):
                self.rebuild()

    def close(self) -> None:
        """The warm renderer's folder removed."""
        with self.lock:
            if self.warm:
                self.warm.close()

