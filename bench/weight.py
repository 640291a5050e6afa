"""Page weight over the wire: what a first visit and a next page load (gzip), the search indexes."""
from __future__ import annotations

import gzip
import os
import re
import statistics
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from . import ROOT
from .synthetic import copy_project, multiply_services, raise_limits

SEARCH_FACTOR = 10  # the synthetic handbook whose search downloads are measured besides the real one


class References(HTMLParser):
    """The files a page makes the browser load: stylesheets, icons, scripts, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        rel = a.get("rel", "").lower().split()
        if tag == "link" and ("stylesheet" in rel or "icon" in rel or "preload" in rel or "modulepreload" in rel):
            self.urls.append(a.get("href", ""))
        elif tag in ("script", "img") and a.get("src"):
            self.urls.append(a["src"])


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""")


def resolve(site: Path, referrer: Path, url: str) -> Path | None:
    """A URL found in a file of the site → the file it names, or None (external, data: or fragment)."""
    if not url or re.match(r"^[a-z][a-z0-9+.-]*:|^//|^#", url, re.IGNORECASE):
        return None
    path = url.split("#")[0].split("?")[0]
    target = (site / path.lstrip("/")) if path.startswith("/") else (referrer.parent / path)
    target = Path(os.path.normpath(target))
    return target / "index.html" if target.is_dir() else target


def gz(path: Path) -> int:
    """A file → its size gzipped at level 6 (what a web server typically sends)."""
    return gz_bytes(path.read_bytes())


def gz_bytes(data: bytes) -> int:
    """Bytes → their size gzipped at level 6."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def page_assets(site: Path, page: Path) -> tuple[list[Path], list[str]]:
    """A page → every file a first visit loads (what it references, and url(...) in its stylesheets); missing ones."""
    parser = References()
    parser.feed(page.read_text(encoding="utf-8"))
    assets: list[Path] = []
    missing: list[str] = []
    todo = [(page, u) for u in parser.urls]
    while todo:
        referrer, url = todo.pop(0)
        target = resolve(site, referrer, url)
        if target is None or target in assets:
            continue
        if not target.is_file():
            missing.append(f"{url} (from {referrer.relative_to(site)})")
            continue
        assets.append(target)
        if target.suffix == ".css":
            todo += [(target, u) for u in CSS_URL.findall(target.read_text(encoding="utf-8", errors="replace"))]
    return assets, missing


def loads_search_index(site: Path, page: Path) -> bool:
    """Does a page make the browser load a search index or any of its chunks by itself (script, stylesheet, preload...)?"""
    parser = References()
    parser.feed(page.read_text(encoding="utf-8"))
    return any((t := resolve(site, page, u)) is not None and t.suffix == ".js" and t.parent.name == "search" for u in parser.urls)


def measure_page_weight(project: Path, site: Path) -> dict[str, Any]:
    """Per language: the heaviest service page's first visit (HTML + assets) and next page (HTML only); search indexes."""
    from generator.data.load import load_config
    from generator.present.urls import lang_root

    config = load_config(project)
    result: dict[str, Any] = {"languages": {}}
    for lang in config.codes:
        base = site / lang_root(config, lang)
        pages = sorted(base.glob("services/*/index.html"))
        sizes = {p: gz(p) for p in pages}
        heaviest = max(sizes, key=lambda p: sizes[p])
        assets, missing = page_assets(site, heaviest)
        asset_sizes = sorted(((str(a.relative_to(site)), gz(a)) for a in assets), key=lambda x: -x[1])
        index = base / "search" / f"index.{lang}.js"
        result["languages"][lang] = {
            "page": str(heaviest.relative_to(site)), "html": sizes[heaviest], "median_html": statistics.median(sizes.values()),
            "first_visit": sizes[heaviest] + sum(s for _, s in asset_sizes), "assets": asset_sizes, "missing": missing,
            "search_index": str(index.relative_to(site)), "search_index_gz": gz(index) if index.is_file() else None}
    html = sorted(site.rglob("*.html"))
    result["pages_scanned"] = len(html)
    result["pages_loading_index"] = [str(p.relative_to(site)) for p in html if loads_search_index(site, p)]
    largest = max(html, key=gz)
    result["largest_html"] = {"page": str(largest.relative_to(site)), "gz": gz(largest)}
    return result


def two_character_queries() -> list[str]:
    """Chinese queries of two characters: those of the search's test sets (tests/search_queries.yaml) and the first two
    characters of the longer ones (what a resident has typed first)."""
    from generator.web.search import CJK_RUN

    data = yaml.safe_load((ROOT / "tests" / "search_queries.yaml").read_text(encoding="utf-8"))
    queries = [q["q"] for items in data["zh"].values() for q in items] + data["off_topic"]["zh"]
    return list(dict.fromkeys(q[:2] for q in queries if CJK_RUN.fullmatch(q[:2])))


def query_downloads(files: dict[str, str], lang: str, queries: list[str]) -> dict[str, Any]:
    """A language's search files {name: script} and queries → what each query makes a fresh page download (gzip, the
    manifest included): the largest, the median, and per query."""
    from generator.web.searchchunks import load_for, read_files

    pieces = read_files(files)
    sizes = {name: gz_bytes(text.encode("utf-8")) for name, text in files.items()}
    each = {q: sum(sizes[name] for name in load_for(pieces, lang, q)[1]) for q in queries}
    largest = max(each, key=lambda q: each[q])
    return {"queries": len(each), "largest": each[largest], "largest_query": largest, "median": statistics.median(each.values()),
            "manifest": sizes[f"index.{lang}.js"], "all_files": sum(sizes.values()), "files": len(files), "each": each}


def synthetic_search_files(tmp: Path, factor: int, lang: str) -> dict[str, str]:
    """services.yaml × factor (bench/synthetic.py) → the language's search files {name: script}."""
    from generator.data.load import load_project
    from generator.web.searchchunks import render_index

    text = multiply_services((ROOT / "services.yaml").read_text(encoding="utf-8"), factor)
    project = copy_project(tmp / f"search-{factor}x", text)
    config_text, _ = raise_limits((project / "site_config.yml").read_text(encoding="utf-8"), text)
    (project / "site_config.yml").write_text(config_text, encoding="utf-8")
    config, handbook = load_project(project)
    return render_index(handbook, config, lang)


def measure_search_download(project: Path, site: Path, tmp: Path) -> dict[str, Any]:
    """A built site (1×) and a synthetic SEARCH_FACTOR× handbook → what a two-character Chinese query downloads."""
    from generator.data.load import load_config
    from generator.present.urls import lang_root

    queries = two_character_queries()
    folder = site / lang_root(load_config(project), "zh") / "search"
    built = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.js")}
    return {"1": query_downloads(built, "zh", queries),
            str(SEARCH_FACTOR): query_downloads(synthetic_search_files(tmp, SEARCH_FACTOR, "zh"), "zh", queries)}
