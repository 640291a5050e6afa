"""Pages → one sitemap.xml for all languages, each URL with its hreflang alternates."""
from __future__ import annotations

from collections.abc import Mapping
from xml.sax.saxutils import escape, quoteattr

from ..data.model import SiteConfig
from ..present.urls import lang_root, page_url


def render_sitemap(config: SiteConfig, pages: dict[str, dict[str, str]], lastmod: Mapping[str, str] | None = None) -> str | None:
    """Every language's pages (and the date each last changed, where known) → sitemap.xml text, or None while no
    site_url is set (a sitemap needs absolute URLs)."""
    if not config.site_url:
        return None
    paths = sorted(set.intersection(*(set(p) for p in pages.values())))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for path in paths:
        for lang in config.codes:
            lines.append(f"  <url><loc>{escape(config.site_url + lang_root(config, lang) + page_url(path))}</loc>")
            if lastmod and path in lastmod:
                lines.append(f"    <lastmod>{lastmod[path]}</lastmod>")
            for alt in config.languages:
                href = quoteattr(f"{config.site_url}{lang_root(config, alt.code)}{page_url(path)}")
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{alt.html_lang}" href={href}/>')
            lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
