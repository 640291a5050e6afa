"""Model → the Markdown pages and MkDocs configuration of each language's site."""
from __future__ import annotations

import posixpath
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2 import TemplateError as JinjaError
from markupsafe import Markup

from ..data.errors import BuildError, TemplateError
from ..data.model import Handbook, Service, SiteConfig
from ..present.filters import HTML_BODY, html_environment
from ..present.views import Link, PageViews, file_size, link, page_path


@dataclass(frozen=True)
class Strings:
    """Interface strings of one language, for templates: `t.key` or `t.fmt('key', n=1)`."""

    values: dict[str, str]  # key → text

    def __getattr__(self, key: str) -> str:
        try:
            return self.values[key]
        except KeyError:
            raise AttributeError(f"interface string '{key}' is missing from site_config.yml") from None

    def fmt(self, key: str, **values: object) -> str:
        """Key and placeholder values → text."""
        return self.values[key].format(**values)


def render(env: Environment, template: str, **context: Any) -> str:
    """Template name and context → text, or TemplateError naming template and line."""
    try:
        return env.get_template(template).render(**context)
    except JinjaError as exc:
        line = getattr(exc, "lineno", None) or template_line(exc, template)
        where = f"templates/site/{template}" + (f":{line}" if line else "")
        raise TemplateError(f"{where}: {exc.message if hasattr(exc, 'message') else exc}") from None
    except AttributeError as exc:
        raise TemplateError(f"templates/site/{template}: {exc}") from None


def template_line(exc: BaseException, template: str) -> int | None:
    """The template line an error happened on (Jinja maps its frames back to template lines)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(template)]
    return frames[-1].lineno if frames else None


def add(pages: dict[str, str], path: str, text: str) -> None:
    """Add a page, refusing to write one path twice (two ids or a content file colliding)."""
    if path in pages:
        raise BuildError(f"two pages would be written to {path}")
    pages[path] = text


def render_pages(handbook: Handbook, config: SiteConfig, lang: str, env: Environment, content: dict[str, str],
                 manifest: list[dict[str, Any]], open_data: dict[str, str],
                 progress: Callable[[], None] | None = None) -> dict[str, str]:
    """One language → {docs path: Markdown} for every page of its site; `manifest` lists the printed files and
    `open_data` the data files ({site path: text}) the downloads page links to; `progress` hears of each service page."""
    views = PageViews(handbook, config, lang, manifest)
    t = Strings(dict(config.strings[lang]))
    pages: dict[str, str] = {}
    html_env = html_environment(env)
    for path, text in content.items():
        if path != page_path("home"):  # content/<lang>/index.md is the home page's introduction
            add(pages, path, text)
    for s in handbook.services:
        add(pages, page_path("services", s.id), render_service_page(views, env, s))
        if progress:
            progress()
    for c in handbook.chapters:
        add(pages, page_path("chapters", c.id),
            render(html_env, "chapter.html.j2", c=views.chapter_view(c.id, set(content)), t=t))
    for d in handbook.departments:
        add(pages, page_path("departments", d.id), render(html_env, "department.html.j2", d=views.department_view(d.id), t=t))
    for a in handbook.audiences:
        add(pages, page_path("audiences", a.id), render(html_env, "audience.html.j2", a=views.audience_view(a.id), t=t))
    for _, path, text in index_pages(handbook, views, t, env, content, open_data):
        add(pages, path, text)
    return pages


PAGE_LINK = re.compile(r'href="((?:[^":#]*/)?)(?:#[^"]*)?"')  # a link an HTML page template made to a page (filters.link_url)


def check_page_links(pages: dict[str, str]) -> None:
    """A language's pages, all of them (docs path → text) → a BuildError if a page whose body is HTML links to a page
    that is not there (MkDocs checks the links of the pages it reads as Markdown; it passes these bodies on as they
    are)."""
    for path, text in pages.items():
        _, mark, body = text.partition(HTML_BODY)
        for href in PAGE_LINK.findall(body) if mark else ():
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), href))
            if (target + "/index.md").removeprefix("./") not in pages:
                raise BuildError(f"{path}: a link to '{href}', where the site has no page")


def render_service_page(views: PageViews, env: Environment, service: Service) -> str:
    """One service → its page in the views' language (the preview renders an edited one alone): a Markdown title line,
    then the body as HTML (templates/site/service.html.j2, rendered by `env`'s HTML twin)."""
    t = Strings(dict(views.config.strings[views.lang]))
    return render(html_environment(env), "service.html.j2", s=views.service(service), t=t,
                  lang_attr=views.config.languages[0].html_lang)


def listing(kind: str, items: list[tuple[str, str]]) -> list[Link]:
    """(slug, text) pairs → links from the kind's index page."""
    here = page_path(kind)
    return [Link(text, link(here, page_path(kind, slug))) for slug, text in items]


def index_pages(handbook: Handbook, views: PageViews, t: Strings, env: Environment,
                content_text: dict[str, str], open_data: dict[str, str]) -> list[tuple[str, str, str]]:
    """The home page and the index pages of chapters, departments, audiences, services and glossary."""
    lang = views.lang
    script = views.config.language(lang).script
    chapters = [(c.id, c.title[lang]) for c in handbook.chapters]
    departments = [(d.id, d.name[lang]) for d in handbook.departments]
    audiences = [(a.id, a.name[lang]) for a in handbook.audiences]
    other = lang if lang != views.source_lang else next((x for x in views.config.codes if x != lang), lang)
    glossary = [(g.term[views.source_lang], g.term[other], g.pinyin or "") for g in handbook.glossary]
    tags = (views.tag_of(views.source_lang), views.tag_of(other))  # the columns not in the page's language carry lang
    every_service = views.services_of(range(1, len(handbook.services) + 1), page_path("services"))
    pages = [
        ("chapters", page_path("chapters"),
         render(env, "list.md.j2", title=t.chapters, lead="", items=listing("chapters", chapters), t=t)),
        ("departments", page_path("departments"),
         render(env, "list.md.j2", title=t.departments_title, lead="", items=listing("departments", departments), t=t)),
        ("audiences", page_path("audiences"),
         render(env, "list.md.j2", title=t.audiences, lead=t.audience_lead, items=listing("audiences", audiences), t=t)),
        ("services", page_path("services"),
         render(env, "services_index.md.j2", by_number=every_service, sorted_groups=views.sorted_groups(),
                sorted_title=t.by_pinyin if script == "Hans" else t.by_alpha, t=t)),
        ("glossary", page_path("glossary"), render(env, "glossary.md.j2", terms=glossary, tags=tags, t=t)),
        ("downloads", page_path("downloads"), render(env, "downloads.md.j2", d=downloads_view(views, t, open_data),
                                                          offline_size=Markup(OFFLINE_SIZE), t=t)),
    ]
    more = ((t.plan, "plan/index.md"), (t.about, "about/index.md"), (t.how_to_use, "how-to-use/index.md"),
            (t.accessibility, "accessibility/index.md"))
    home = HomeView(views.config.title[lang], Link(t.finder, page_path("finder")),
                    Markup(content_text.get(page_path("home"), "")),
                    listing_from_home("chapters", chapters), listing_from_home("audiences", audiences),
                    listing_from_home("departments", departments),
                    [Link(t.all_services, "services/index.md"), Link(t.glossary, "glossary/index.md"),
                     Link(t.downloads, "downloads/index.md"), *(Link(text, path) for text, path in more if path in content_text)])
    pages.append(("home", page_path("home"), render(env, "home.md.j2", h=home, t=t)))
    return pages


@dataclass(frozen=True)
class HomeView:
    """Everything the home page shows."""

    title: str  # handbook title
    finder: Link  # the situation finder
    intro: Markup  # hand-written introduction (content/<lang>/index.md), trusted Markdown
    chapters: list[Link]  # browse by chapter
    audiences: list[Link]  # browse by who you are
    departments: list[Link]  # browse by department
    more: list[Link]  # other pages


def listing_from_home(kind: str, items: list[tuple[str, str]]) -> list[Link]:
    """(slug, text) pairs → links from the home page."""
    return [Link(text, page_path(kind, slug)) for slug, text in items]


@dataclass(frozen=True)
class DownloadsView:
    """The downloads page: residents' files first (offline copy, booklets by kind), data files last."""

    offline: Link  # the offline copy (its size is added once the ZIP exists: see OFFLINE_SIZE)
    booklets: list[tuple[str, tuple[Link, ...]]]  # (group heading, its booklets with sizes), in BOOKLET_KINDS order
    data: list[Link]  # data files, with sizes


# the order of the groups of printed files on the downloads page
BOOKLET_KINDS = ("full", "chapter", "department", "audience-leaflet", "leaflet")
OFFLINE_SIZE = '<span data-hb-size="offline"></span>'  # where build.py writes the offline copy's size


def of_kind(kind: str) -> Callable[[dict[str, Any]], bool]:
    """A booklet kind → a test for booklets/index.json entries of that kind."""
    return lambda booklet: bool(booklet["kind"] == kind)


def downloads_view(views: PageViews, t: Strings, open_data: dict[str, str]) -> DownloadsView:
    """The booklets built and the open-data files → the downloads page (raw links: MkDocs does not check non-page
    files)."""
    to_site_root = "../" + views.site_root
    here = page_path("downloads")
    kinds = list(BOOKLET_KINDS) + sorted({b["kind"] for b in views.manifest} - set(BOOKLET_KINDS))
    groups = [(t.values[f"downloads_kind_{kind}"], views.booklet_links(here, of_kind(kind))) for kind in kinds]
    data = [(t.data_json, "data/services.json", open_data["data/services.json"]),
            (t.data_csv, "data/services.csv", open_data["data/services.csv"])]
    return DownloadsView(Link(t.offline, f"{to_site_root}downloads/handbook-offline.zip"),
                         [(title, links) for title, links in groups if links],
                         [Link(text + t.fmt("file_size", size=file_size(len(body.encode("utf-8")))), f"{to_site_root}{path}")
                          for text, path, body in data])


def read_content(root: Path, lang: str) -> dict[str, str]:
    """content/<lang>/**.md → {docs path: Markdown}; name.md becomes name/index.md (directory URLs)."""
    base = root / "content" / lang
    pages = {}
    for file in sorted(base.rglob("*.md")):
        rel = file.relative_to(base).with_suffix("")
        path = f"{rel.as_posix()}.md" if rel.name == "index" else f"{rel.as_posix()}/index.md"
        pages[path] = file.read_text(encoding="utf-8")
    return pages

