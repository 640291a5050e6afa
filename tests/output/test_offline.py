"""offline.py and sitemap.py on small inputs: the zip is dated from the data; the sitemap is well-formed XML."""
from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from generator.data.load import load_project
from generator.output.offline import write_offline_zip
from generator.printing.booklets import booklet_data, plan_booklets
from generator.web.sitemap import render_sitemap

from ..conftest import ROOT, write_project

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_the_offline_zip_is_dated_with_the_source_date(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    (site / "index.html").write_text('<a href="en/">English</a>', encoding="utf-8")
    (site / "en" / "index.html").write_text("<p>English</p>", encoding="utf-8")
    write_offline_zip(site, tmp_path / "a.zip", "2020-05-17")
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert {i.filename: i.date_time for i in archive.infolist()} == {
            "handbook/en/index.html": (2020, 5, 17, 0, 0, 0), "handbook/index.html": (2020, 5, 17, 0, 0, 0)}
        assert archive.read("handbook/index.html") == b'<a href="en/index.html">English</a>'


def test_sitemap_urls_are_escaped_xml(tiny_handbook: Path) -> None:
    config, _ = load_project(tiny_handbook)
    config = dataclasses.replace(config, site_url="https://example.org/a&b<c>/")
    pages = {lang: {"index.md": "", "services/x/index.md": ""} for lang in config.codes}
    root = ET.fromstring(render_sitemap(config, pages))  # raises on a bare '&' or '<'
    locs = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert locs == ["https://example.org/a&b<c>/", "https://example.org/a&b<c>/en/",
                    "https://example.org/a&b<c>/services/x/", "https://example.org/a&b<c>/en/services/x/"]


def test_the_booklets_region_comes_from_the_configuration(tmp_path: Path) -> None:
    real = (ROOT / "site_config.yml").read_text(encoding="utf-8")
    root = write_project(tmp_path / "p", config=real.replace("region: gb", "region: us"))
    config, handbook = load_project(root)
    regions = {(b.language, booklet_data(b, handbook, config)["region"]) for b in plan_booklets(handbook, config)}
    assert {region for _, region in regions} == {"cn", "us"}
    assert ("en", "us") in regions and ("zh", "cn") in regions
