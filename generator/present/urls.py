"""Where things are published: each language's folder under the site root, and the public address of a service's or
an audience's page (the QR codes of print and the finder point there)."""
from __future__ import annotations

from ..data.model import Service, SiteConfig


def lang_root(config: SiteConfig, lang: str) -> str:
    """A language → its folder under the site root ('' for the source language, 'en/' for English)."""
    return "" if lang == config.codes[0] else f"{lang}/"


def page_url(path: str) -> str:
    """A docs path → its directory URL, e.g. 'services/x/index.md' → 'services/x/' (as MkDocs writes it)."""
    return path[: -len("index.md")] if path.endswith("index.md") else path[:-3] + "/"


def service_url(config: SiteConfig, service: Service, lang: str) -> str | None:
    """A service → its page on the published website, in a language; None when no site_url is set."""
    return f"{config.site_url}{lang_root(config, lang)}services/{service.id}/" if config.site_url else None


def audience_url(config: SiteConfig, audience_id: str, lang: str) -> str | None:
    """An audience → its page on the published website; None when no site_url is set."""
    return f"{config.site_url}{lang_root(config, lang)}audiences/{audience_id}/" if config.site_url else None
