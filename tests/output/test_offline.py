"""offline.py and sitemap.py on small inputs: the zip is dated from the data; the sitemap is well-formed XML."""
from __future__ import annotations

import dataclasses
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

import pytest
from zlib_ng import zlib_ng

from generator.data.load import load_project
from generator.output.compress import GZIP_LEVEL
from generator.output.offline import offline_html, write_offline_zip
from generator.printing.booklets import booklet_data, plan_booklets
from generator.web.sitemap import render_sitemap

from ..conftest import ROOT, write_project

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.mark.parametrize(("html", "offline"), [
    ('<a href="en/">', '<a href="en/index.html">'), ('<a href="../">', '<a href="../index.html">'),
    ('<a href="..">', '<a href="../index.html">'), ('<a href=".">', '<a href="./index.html">'),
    ('<a href="a/..">', '<a href="a/../index.html">'), ('<img src="a/">', '<img src="a/index.html">'),
    ('<a HREF="x/">', '<a HREF="x/index.html">'), ('<a\nhref="x/">', '<a\nhref="x/index.html">'),
    ('<a href="a/#part">', '<a href="a/index.html#part">'), ('<a href="a/?q=1">', '<a href="a/index.html?q=1">'),
    # left as they are: files, absolute URLs in any case, fragments, paths from the root, other attributes, empty
    ('<a href="a/b.html">', None), ('<a href="a/b">', None), ('<a href="a/.b">', None), ('<a href="...">', None),
    ('<a href="HTTPS://x.org/">', None), ('<a href="mailto:x@y.org">', None), ('<a href="#top">', None),
    ('<a href="/abs/">', None), ('<a data-href="x/">', None), ('<p title="x/">', None), ('<a href="">', None),
    ('<a href="?q">', None), ('<a href="#">', None)])
def test_links_to_folders_point_at_their_index_html(html: str, offline: str | None) -> None:
    assert offline_html(html + "text</a>") == (offline or html) + "text</a>"


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


def test_the_offline_zip_is_deflated_by_zlib_ng_and_stores_pdfs(tmp_path: Path) -> None:
    """zipfile has no setting for its compressor: if a Python release renamed what offline.py replaces, the zip would
    still be right but twice as slow to write. zlib-ng's deflate differs from zlib's at the same level, so the entry's
    raw bytes show which one wrote them."""
    site = tmp_path / "site"
    site.mkdir()
    text = "".join(f'<p><a href="p{i}/">第{i}项 服务 service {i * 7919 % 1000}</a></p>\n' for i in range(3000))
    (site / "index.html").write_text(text, encoding="utf-8")
    (site / "data.json").write_text(text, encoding="utf-8")
    (site / "a.pdf").write_bytes(b"%PDF-1.7 " * 100)
    write_offline_zip(site, tmp_path / "a.zip", "2020-05-17")
    with zipfile.ZipFile(tmp_path / "a.zip") as archive, (tmp_path / "a.zip").open("rb") as raw:
        for info in archive.infolist():
            raw.seek(info.header_offset + 26)
            name_length, extra_length = struct.unpack("<HH", raw.read(4))
            raw.seek(info.header_offset + 30 + name_length + extra_length)
            stored = raw.read(info.compress_size)
            content = archive.read(info)
            if info.filename.endswith(".pdf"):
                assert info.compress_type == zipfile.ZIP_STORED and stored == content
                continue
            deflate = zlib_ng.compressobj(GZIP_LEVEL, zlib_ng.DEFLATED, -15)
            assert stored == deflate.compress(content) + deflate.flush(), info.filename
            python_zlib = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -15)
            assert stored != python_zlib.compress(content) + python_zlib.flush()  # (the premise: they differ)


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
