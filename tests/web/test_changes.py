"""The change history (generator/web/changes.py): a fixture history entry shown on the service page, on the What changed
page, in the Atom feed and as the sitemap's lastmod; feed ids are urn:uuid without a site_url."""
from __future__ import annotations

import dataclasses
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest

from generator.data.load import load_project
from generator.web.changes import all_changes, last_changed, render_feed

from ..conftest import ROOT, TEST_SITE_URL
from ..tiny_contacts import ACT_SERVICES

ATOM = "{http://www.w3.org/2005/Atom}"
SECOND = """\
    history:
      - date: "2023-07-01"
        summary: {zh: 改为按学期发放。, en: Now paid each term.}
        source: {zh: 测教发〔2023〕5号, en: Test Education Bureau document No. 5 of 2023}
    keywords: {zh: [免学费]"""
HISTORY_SERVICES = ACT_SERVICES.replace("    keywords: {zh: [免学费]", SECOND)


def project(root: Path, services: str = HISTORY_SERVICES) -> Path:
    """The real templates and site_config.yml with a tiny services.yaml that has history → the project folder."""
    root.mkdir(parents=True)
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copy(ROOT / "site_config.yml", root / "site_config.yml")
    (root / "services.yaml").write_text(services, encoding="utf-8")
    return root


def test_changes_are_newest_first_and_give_lastmod(tmp_path: Path) -> None:
    _, handbook = load_project(project(tmp_path / "p"))
    assert [(c.service.id, c.entry.date) for c in all_changes(handbook)] == [
        ("fee-exemptions", "2023-07-01"), ("school-meals", "2021-03-01")]
    assert last_changed(handbook) == {"services/fee-exemptions/index.md": "2023-07-01",
                                      "services/school-meals/index.md": "2021-03-01", "changes/index.md": "2023-07-01"}


def test_feed_without_site_url_uses_urn_uuid_ids(tmp_path: Path) -> None:
    config, handbook = load_project(project(tmp_path / "p"))
    assert config.site_url is None
    feed = ET.fromstring(render_feed(handbook, config, "en"))
    ids = [feed.findtext(f"{ATOM}id")] + [e.findtext(f"{ATOM}id") for e in feed.iter(f"{ATOM}entry")]
    assert len(ids) == 3 and all(i and i.startswith("urn:uuid:") for i in ids)
    assert feed.find(f"{ATOM}link") is None  # no absolute address to link to
    assert feed.findtext(f"{ATOM}updated") == "2023-07-01T00:00:00+08:00"
    assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")] == [
        "Free tuition · 2023-07-01", "School meals · 2021-03-01"]
    assert render_feed(handbook, config, "en") == render_feed(handbook, config, "en")  # ids stable


def test_feed_with_site_url_uses_page_addresses(tmp_path: Path) -> None:
    config, handbook = load_project(project(tmp_path / "p"))
    feed = ET.fromstring(render_feed(handbook, dataclasses.replace(config, site_url=TEST_SITE_URL), "zh"))
    assert feed.findtext(f"{ATOM}id") == f"{TEST_SITE_URL}changes.xml"
    entry = next(feed.iter(f"{ATOM}entry"))
    assert entry.findtext(f"{ATOM}summary") == "改为按学期发放。（测教发〔2023〕5号）"
    assert entry.find(f"{ATOM}link").get("href") == f"{TEST_SITE_URL}services/fee-exemptions/"


@pytest.fixture(scope="module")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.build import build

    root = project(tmp_path_factory.mktemp("history") / "project")
    build(root, root / "site", site_url=TEST_SITE_URL)
    return root / "site"


def text_of(page: Path) -> str:
    root = html5lib.parse(page.read_text(encoding="utf-8"), treebuilder="etree", namespaceHTMLElements=False)
    body = root.find("body")
    assert body is not None
    return " ".join("".join(body.itertext()).split())


@pytest.mark.slow
@pytest.mark.parametrize(("prefix", "expected"), [("", "最近更新：2021年3月1日"), ("en/", "Last changed: 1 March 2021")])
def test_service_page_shows_last_changed_under_the_currency_notice(history_site: Path, prefix: str, expected: str) -> None:
    html = (history_site / prefix / "services/school-meals/index.html").read_text(encoding="utf-8")
    source = html[html.index("<body"):]  # the head's inlined first-paint CSS names these classes too
    assert expected in text_of(history_site / prefix / "services/school-meals/index.html")
    assert source.index("hb-currency") < source.index("hb-last-changed") < source.index("hb-meta")
    assert 'href="../../changes/"' in source[source.index("hb-last-changed"):source.index("hb-meta")]


@pytest.mark.slow
@pytest.mark.parametrize(("prefix", "first", "second"), [
    ("", "改为按学期发放。", "补助提高到每生每天5元。"),
    ("en/", "Now paid each term.", "The subsidy rose to CNY 5 per student per day.")])
def test_changes_page_lists_every_entry_newest_first(history_site: Path, prefix: str, first: str, second: str) -> None:
    page = history_site / prefix / "changes/index.html"
    text = text_of(page)
    assert text.index(first) < text.index(second)
    source = page.read_text(encoding="utf-8")
    assert 'href="../services/fee-exemptions/"' in source and 'href="../services/school-meals/"' in source
    assert 'href="../changes.xml"' in source


@pytest.mark.slow
def test_feeds_and_sitemap_carry_the_history(history_site: Path) -> None:
    for prefix in ("", "en/"):
        feed = ET.fromstring((history_site / prefix / "changes.xml").read_text(encoding="utf-8"))
        assert len(list(feed.iter(f"{ATOM}entry"))) == 2
    sitemap = ET.fromstring((history_site / "sitemap.xml").read_text(encoding="utf-8"))
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    lastmod = {u.findtext(f"{ns}loc"): u.findtext(f"{ns}lastmod") for u in sitemap.iter(f"{ns}url")}
    assert lastmod[f"{TEST_SITE_URL}services/school-meals/"] == "2021-03-01"
    assert lastmod[f"{TEST_SITE_URL}en/services/fee-exemptions/"] == "2023-07-01"
    assert lastmod[f"{TEST_SITE_URL}en/changes/"] == "2023-07-01"
    assert lastmod[f"{TEST_SITE_URL}chapters/education/"] is None
