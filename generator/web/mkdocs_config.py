"""SiteConfig + pages → the MkDocs configuration and theme overlay of one language's build."""
from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from ..data.model import Handbook, SiteConfig
from ..present.urls import lang_root
from ..present.views import format_date, page_path
from .assets import Assets

OUTSIDE_NAV = ("services", "departments")  # folders of one page per service or department, in no navigation
BATCH_PAGES = 2000  # pages outside the navigation that one MkDocs run builds: it holds every page it builds in memory
HOOKS = Path(__file__).with_name("mkdocs_hooks.py")  # what a run of a batched build loads to build only its own pages
NAV_HOOKS = Path(__file__).with_name("mkdocs_nav.py")  # what every run loads: the navigation rendered once per folder
HTML_HOOKS = Path(__file__).with_name("mkdocs_html.py")  # and pages whose body is HTML (service, chapter, …)
DOCS_HOOKS = Path(__file__).with_name("mkdocs_docs.py")  # what every run of the full build loads: its pages, bundled
MARKDOWN_EXTENSIONS: list[Any] = ["attr_list", "md_in_html", "admonition", "pymdownx.details", "tables",
                                  {"toc": {"permalink": False}}]


def prefix_between(config: SiteConfig, from_lang: str, to_lang: str) -> str:
    """Relative prefix from one language's root to another's, e.g. zh → en: 'en/', en → zh: '../'."""
    up = "../" if from_lang != config.codes[0] else ""
    return up + lang_root(config, to_lang)


def language_url(config: SiteConfig, lang: str) -> str | None:
    """A language → the absolute URL of its root on the published site, or None while no site_url is set."""
    return config.site_url + lang_root(config, lang) if config.site_url else None


def nav(handbook: Handbook, config: SiteConfig, lang: str, pages: dict[str, str]) -> list[Any]:
    """The navigation: home, chapters, audiences, departments, all services, the plan, about pages."""
    t = config.strings[lang]
    plan = [p for p in [page_path("plan"), page_path("plan", "goals"), *(page_path("plan", c.id) for c in handbook.chapters),
                        page_path("plan", "safeguards")] if p in pages]
    about = [p for p in (page_path("about"), page_path("how-to-use"), page_path("accessibility"), page_path("glossary"),
                         page_path("changes"), page_path("downloads")) if p in pages]
    return [
        page_path("home"),
        *([page_path("finder")] if page_path("finder") in pages else []),
        {t["chapters"]: [page_path("chapters")] + [page_path("chapters", c.id) for c in handbook.chapters]},
        {t["audiences"]: [page_path("audiences")] + [page_path("audiences", a.id) for a in handbook.audiences]},
        {t["departments_title"]: [page_path("departments")]},
        page_path("services"),
        *([{t["plan"]: plan}] if plan else []),
        {t["more"]: about},
    ]


def footer(handbook: Handbook, config: SiteConfig, lang: str, pages: dict[str, str]) -> dict[str, Any]:
    """What every page's footer says: who issued the source document and when, and links (from this language's root)
    to the open data, the accessibility statement and How to use."""
    t, source = config.strings[lang], handbook.source
    to_site_root = "../" * lang_root(config, lang).count("/")
    links = [(t["footer_data_json"], f"{to_site_root}data/services.json"),
             (t["footer_data_csv"], f"{to_site_root}data/services.csv")]
    pages_linked = (("accessibility", "accessibility"), ("how_to_use", "how-to-use"))  # (string key, page slug)
    links += [(t[key], page_path(slug)[: -len("index.md")]) for key, slug in pages_linked if page_path(slug) in pages]
    return {"issuer": t["footer_issuer"].format(issuer=source.issuer[lang]),
            "source": t["footer_source"].format(issuer=source.issuer[lang], title=source.title[lang], number=source.number[lang],
                                                date=format_date(source.date, t)),
            "links": [{"text": text, "href": href} for text, href in links]}


def no_answer(handbook: Handbook, config: SiteConfig, lang: str, pages: dict[str, str]) -> dict[str, Any]:
    """Where search sends a resident when nothing matches: the finder and the audience pages (links from this language's
    root, when built) and the help lines that serve every chapter, as the header's search client reads them."""
    t = config.strings[lang]
    links = [(t[key], page_path(slug)[: -len("index.md")]) for key, slug in (("finder", "finder"), ("audiences", "audiences"))
             if page_path(slug) in pages]
    lines = [c for c in handbook.channels if all(ch.id in c.scope for ch in handbook.chapters)]
    return {"links": [{"text": text, "href": href} for text, href in links],
            "lines": [t["search_no_answer_call"].format(phone=c.phone, name=c.name[lang]) for c in lines],
            "phones": [c.phone for c in lines]}


def material_language(code: str) -> str:
    """A language code → the Material theme language whose built-in strings to fall back on."""
    theme = resources.files("material") / "templates" / "partials" / "languages"
    return code if theme.joinpath(f"{code}.html").is_file() else "en"


def theme_overlay(template_dir: Path, config: SiteConfig, lang: str, target: Path, assets: Assets) -> Path:
    """templates/theme + a generated language partial, with the minified assets instead of the readable ones (and
    without the inlined scripts) → a theme folder for this language's build."""
    shutil.copytree(template_dir / "theme", target)
    for readable, hashed in assets.names.items():
        (target / readable).unlink()
        (target / hashed).write_text(assets.files[hashed], encoding="utf-8")
    for readable in assets.inlined:  # in the pages that run them, not files
        (target / readable).unlink()
    language = config.language(lang)
    strings = {"language": language.html_lang, "action.skip": config.strings[lang]["skip"]}
    partial = target / "partials" / "languages" / "handbook.html"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text(
        f'{{% import "partials/languages/{material_language(lang)}.html" as base %}}\n'
        f"{{% macro t(key) %}}{{{{ {json.dumps(strings, ensure_ascii=False)}[key] or base.t(key) }}}}{{% endmacro %}}\n",
        encoding="utf-8")
    return target


def mkdocs_config(handbook: Handbook, config: SiteConfig, lang: str, pages: dict[str, str],
                  docs_dir: Path, site_dir: Path, theme_dir: Path, assets: Assets) -> dict[str, Any]:
    """Everything MkDocs needs to build one language's site."""
    alternates = [{"code": x.code, "name": x.name, "html_lang": x.html_lang, "prefix": prefix_between(config, lang, x.code),
                   "site_url": language_url(config, x.code)} for x in config.languages]
    return {
        "site_name": config.title[lang],
        "site_url": language_url(config, lang),  # None: MkDocs writes no canonical links
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "strict": True,
        "theme": {"name": "material", "custom_dir": str(theme_dir), "language": "handbook", "font": False,
                  "features": ["navigation.sections", "navigation.top", "content.tooltips"],
                  "palette": {"scheme": "default", "primary": "indigo", "accent": "indigo"}},
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "plugins": [],
        "hooks": [str(NAV_HOOKS), str(HTML_HOOKS)],
        "nav": nav(handbook, config, lang, pages),
        "not_in_nav": "".join(f"/{folder}/*/\n" for folder in OUTSIDE_NAV),
        "extra_css": [assets.names["assets/handbook.css"]],
        # deferred: nothing it does is drawn before the first paint (the larger text and the dark scheme are set by
        # small inline scripts), so the page never waits for it
        "extra_javascript": [{"path": assets.names["assets/handbook.js"], "defer": True}],
        "extra": {"generator": False, "handbook": {
            "lang": lang, "alternates": [a for a in alternates if a["code"] != lang], "all_languages": alternates,
            "strings": config.strings[lang], "search_index": f"search/index.{lang}.js",
            "footer": footer(handbook, config, lang, pages), "no_answer": no_answer(handbook, config, lang, pages)}},
    }


def outside_nav(path: str) -> bool:
    """A docs path → whether it is one service's or department's page (in no navigation)."""
    folder, _, rest = path.partition("/")
    return folder in OUTSIDE_NAV and rest != "index.md"


def page_batches(paths: list[str], size: int = BATCH_PAGES) -> list[list[str]]:
    """One language's docs paths → the pages each MkDocs run builds: the pages outside the navigation `size` at a time,
    the first run every other page too (a single run when they fit in one)."""
    inside, outside = [p for p in paths if not outside_nav(p)], [p for p in paths if outside_nav(p)]
    runs = [outside[i:i + size] for i in range(0, len(outside), size)] or [[]]
    return [inside + runs[0], *runs[1:]]


def bundled_config(config: dict[str, Any]) -> dict[str, Any]:
    """One language's MkDocs configuration → that of the full build's runs, which read the pages from the bundle beside
    their mkdocs.yml (mkdocs_docs.write_bundle), not from the docs folder."""
    return {**config, "hooks": [str(DOCS_HOOKS), *config.get("hooks", [])]}


def batch_config(config: dict[str, Any], site_dir: Path) -> dict[str, Any]:
    """One language's MkDocs configuration → that of one run of a batched build, writing into `site_dir` (its hook
    cuts a page it does not build to the title line before the HTML hook would look for an HTML body)."""
    hooks = [hook for hook in config.get("hooks", []) if hook != str(HTML_HOOKS)]
    return {**config, "site_dir": str(site_dir), "hooks": [*hooks, str(HOOKS), str(HTML_HOOKS)]}
