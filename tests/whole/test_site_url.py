"""site_url is optional: without it, no canonical links, sitemap, hreflang or QR codes; `--site-url` sets it for one build."""
from __future__ import annotations

import dataclasses

import pytest

from generator.data.errors import BuildError
from generator.data.load import load_project, with_site_url
from generator.printing.booklets import booklet_data, booklet_urls, plan_booklets
from generator.web.mkdocs_config import language_url
from generator.web.sitemap import render_sitemap

from ..conftest import ROOT, TEST_SITE_URL

CONFIG, HANDBOOK = load_project(ROOT)


def test_the_shipped_config_names_no_site_we_do_not_own() -> None:
    assert CONFIG.site_url is None
    assert "yanbian.gov.cn" not in (ROOT / "site_config.yml").read_text(encoding="utf-8")


def test_without_site_url_booklets_print_number_and_departments_where_the_qr_code_would_be() -> None:
    booklet = next(b for b in plan_booklets(HANDBOOK, CONFIG) if b.file == "booklets/zh/chapter-social-services.pdf")
    data = booklet_data(booklet, HANDBOOK, CONFIG)
    dibao = next(s for c in data["chapters"] for s in c["services"] if "".join(s["heading"]).startswith("第45项"))
    assert (dibao["url"], dibao["qr"], dibao["contact"]) == (None, None, ["第45项 · 负责部门：盐边县民政局、盐边县财政局"])
    assert data["site_url"] is None and booklet_urls(data) == []


def test_with_site_url_booklets_link_each_service_and_the_site() -> None:
    config = with_site_url(CONFIG, TEST_SITE_URL)
    booklet = next(b for b in plan_booklets(HANDBOOK, config) if b.file == "booklets/en/chapter-social-services.pdf")
    data = booklet_data(booklet, HANDBOOK, config)
    assert data["site_url"] == f"{TEST_SITE_URL}en/"
    assert f"{TEST_SITE_URL}en/services/minimum-living-allowance/" in booklet_urls(data)


def test_without_site_url_no_canonical_links_or_sitemap() -> None:
    assert language_url(CONFIG, "en") is None
    assert render_sitemap(CONFIG, {"zh": {"index.md": ""}, "en": {"index.md": ""}}) is None
    assert language_url(dataclasses.replace(CONFIG, site_url=TEST_SITE_URL), "en") == f"{TEST_SITE_URL}en/"


@pytest.mark.parametrize("url", ["example.org", "https://example.org/handbook", "ftp://example.org/", "https://exa mple.org/"])
def test_a_malformed_site_url_option_is_refused(url: str) -> None:
    with pytest.raises(BuildError) as caught:
        with_site_url(CONFIG, url)
    assert str(caught.value) == f"--site-url: expected an absolute http(s) URL ending in '/', got {url!r}"
