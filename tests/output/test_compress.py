"""Precompressed siblings (generator/output/compress.py) and minified, content-hashed assets (generator/web/assets.py)."""
from __future__ import annotations

import gzip
import re
import zipfile
from pathlib import Path

import brotli
import pytest

from generator.output.compress import Precompression, precompress_site, precompressing
from generator.web.assets import render_assets

from ..conftest import ROOT


def test_precompress_writes_gz_and_br_that_decompress_to_the_file(tmp_path: Path) -> None:
    page = tmp_path / "a" / "index.html"
    page.parent.mkdir()
    page.write_text("<p>盐边县</p>" * 200, encoding="utf-8")
    (tmp_path / "tiny.js").write_text("x", encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG" * 100)
    assert precompress_site(tmp_path) == 1
    assert gzip.decompress((tmp_path / "a/index.html.gz").read_bytes()) == page.read_bytes()
    assert brotli.decompress((tmp_path / "a/index.html.br").read_bytes()) == page.read_bytes()
    assert sorted(p.name for p in tmp_path.rglob("*.*") if p.suffix in (".gz", ".br")) == ["index.html.br", "index.html.gz"]


def test_files_compressed_early_are_left_to_their_first_compression(tmp_path: Path) -> None:
    """A build compresses the files that are final already while its last PDFs are made (Precompression), then the
    rest: precompressing with what was started compresses only the others, and waits for all."""
    for name in ("a.html", "b.html", "c.json"):
        (tmp_path / name).write_text(f"<p>{name}</p>" * 100, encoding="utf-8")
    early = Precompression([tmp_path / "a.html"])
    assert early.siblings() == {tmp_path / "a.html.gz", tmp_path / "a.html.br"}
    with precompressing(tmp_path, held=[tmp_path / "c.json"], started=early) as started:
        assert started == [tmp_path / "b.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.html.br", "a.html.gz", "b.html", "b.html.br",
                                                          "b.html.gz", "c.json"]
    assert gzip.decompress((tmp_path / "a.html.gz").read_bytes()) == (tmp_path / "a.html").read_bytes()


def test_gzip_output_is_reproducible(tmp_path: Path) -> None:
    (tmp_path / "data.json").write_text('{"a": 1}' * 100, encoding="utf-8")
    precompress_site(tmp_path)
    first = (tmp_path / "data.json.gz").read_bytes()
    precompress_site(tmp_path)
    assert (tmp_path / "data.json.gz").read_bytes() == first


def test_assets_are_minified_and_named_by_their_content() -> None:
    assets = render_assets(ROOT / "templates" / "theme")
    assert set(assets.names) == {"assets/handbook.css", "assets/handbook.js"}
    # the finder's: finder-load.js written into its page, finder.js into its script file with the data (web/finder.py)
    assert set(assets.inlined) == {"assets/finder.js", "assets/finder-load.js"}
    for readable, text in assets.inlined.items():
        source = (ROOT / "templates" / "theme" / readable).read_text(encoding="utf-8")
        assert len(text) < 0.8 * len(source) and "/*" not in text
    for readable, hashed in assets.names.items():
        stem = readable.removeprefix("assets/").split(".")[0]
        assert re.fullmatch(rf"assets/{stem}\.[0-9a-f]{{8}}\.min\.(css|js)", hashed)
        source = (ROOT / "templates" / "theme" / readable).read_text(encoding="utf-8")
        assert len(assets.files[hashed]) < 0.8 * len(source)
        assert "/*" not in assets.files[hashed]
    assert render_assets(ROOT / "templates" / "theme") == assets


def test_a_changed_asset_gets_a_new_name(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/handbook.js").write_text("var a = 1;\n", encoding="utf-8")
    first = render_assets(tmp_path).names["assets/handbook.js"]
    (tmp_path / "assets/handbook.js").write_text("var a = 2;\n", encoding="utf-8")
    assert render_assets(tmp_path).names["assets/handbook.js"] != first


@pytest.mark.slow
def test_built_site_has_compressed_twins_and_hashed_assets(built_site: Path) -> None:
    kinds = (".html", ".css", ".js", ".json", ".xml")
    wanted = [p for p in built_site.rglob("*") if p.suffix in kinds and p.stat().st_size >= 256]
    assert len(wanted) > 300
    missing = [p for p in wanted if not (p.with_name(p.name + ".gz").exists() and p.with_name(p.name + ".br").exists())]
    assert missing == []
    # every twin is of the file as published: the downloads pages, which learn the offline copy's size last, too
    stale = [p for p in wanted if gzip.decompress(p.with_name(p.name + ".gz").read_bytes()) != p.read_bytes()
             or brotli.decompress(p.with_name(p.name + ".br").read_bytes()) != p.read_bytes()]
    assert stale == []
    for page in ("downloads/index.html.gz", "en/downloads/index.html.br"):  # with the size written in
        html = (gzip.decompress if page.endswith(".gz") else brotli.decompress)((built_site / page).read_bytes()).decode()
        assert re.search(r'data-hb-size="offline">[^<]+<', html), page
    with zipfile.ZipFile(built_site / "downloads" / "handbook-offline.zip") as offline:  # made beside the twins
        assert not [n for n in offline.namelist() if n.endswith((".gz", ".br"))]
    assert not (built_site / "assets/handbook.js").exists()
    page = (built_site / "en/services/legal-aid/index.html").read_text(encoding="utf-8")
    scripts = re.findall(r'src="([^"]*assets/handbook\.[0-9a-f]{8}\.min\.js)"', page)
    styles = re.findall(r'href="([^"]*assets/handbook\.[0-9a-f]{8}\.min\.css)"', page)
    assert len(scripts) == len(set(styles)) == 1  # the stylesheet is linked twice: loaded after paint, and in <noscript>
    assert (built_site / "en/services/legal-aid" / scripts[0]).resolve().is_file()
    assert (built_site / "en/services/legal-aid" / styles[0]).resolve().is_file()
