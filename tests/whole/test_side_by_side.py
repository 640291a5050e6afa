"""The booklets and leaflets made on a thread of their own while the web pages are written (generator/printing/run.py):
the pages are written from the PDFs planned, with each PDF's pages and size filled in once it is made, and written
again from the manifest if the PDFs made are not those planned."""
from __future__ import annotations

import gzip
import json
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

import generator.build as build_module
import generator.printing.run as run_module
from generator.build import build
from generator.data.errors import BuildError
from generator.data.load import load_project
from generator.present.views import has_pdf_facts_marks, pdf_facts, pdf_facts_filled
from generator.printing.leaflets import render_leaflets as real_leaflets

from ..conftest import ROOT

HANG_GUARD = 120  # seconds: the tiny project's web stages take about two


def test_a_planned_pdfs_mark_becomes_its_pages_and_size() -> None:
    strings = {"booklet_pages": "{count} pages", "booklet_pages_one": "{count} page"}
    made = {"booklets/en/a.pdf": {"pages": 1, "bytes": 2_500_000}, "booklets/en/b.pdf": {"pages": 12, "bytes": 34_000}}
    html = '<a href="a.pdf">A (PDF, \ue000booklets/en/a.pdf\ue001)</a> <a>B (PDF, \ue000booklets/en/b.pdf\ue001)</a>'
    assert pdf_facts_filled(html, strings, "en", made) == ('<a href="a.pdf">A (PDF, 1 page, 2.5 MB)</a> '
                                                          '<a>B (PDF, 12 pages, 34 KB)</a>')
    assert pdf_facts(strings, "en", 12, 34_000) == "12 pages, 34 KB"


@pytest.fixture
def project(tiny_handbook: Path) -> Path:
    """The two-service project with the real templates and site_config.yml."""
    shutil.copytree(ROOT / "templates", tiny_handbook / "templates")
    shutil.copy(ROOT / "site_config.yml", tiny_handbook / "site_config.yml")
    return tiny_handbook


def pages_and_manifest(site: Path) -> tuple[dict[str, str], list[dict[str, Any]]]:
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    return pages, json.loads((site / "booklets" / "index.json").read_text(encoding="utf-8"))


def assert_every_pdf_listed_with_its_facts(site: Path, root: Path) -> None:
    """Each language's downloads page names every PDF of its language with the pages and size it was made with; no
    page keeps a mark."""
    config, _ = load_project(root)
    pages, manifest = pages_and_manifest(site)
    assert [path for path, html in pages.items() if "\ue000" in html or "\ue001" in html] == []
    for lang, page in (("zh", "downloads/index.html"), ("en", "en/downloads/index.html")):
        html = pages[page]
        for entry in (e for e in manifest if e["language"] in (lang, "bilingual")):
            link = re.search(rf'href="[./]*{re.escape(entry["file"])}"[^>]*>([^<]*)<', html)
            assert link, entry["file"]
            assert link[1].endswith(f"(PDF, {pdf_facts(config.strings[lang], lang, entry['pages'], entry['bytes'])})")


@pytest.mark.slow
def test_the_web_pages_are_written_while_the_pdfs_are_made(project: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The leaflets wait until the web stages have inlined every page's first-paint CSS: a build that made the web
    pages only after the PDFs would never get there (the wait is a hang guard)."""
    written = threading.Event()
    waited: list[bool] = []
    real_inline = build_module.inline_first_paint_css

    def inline(*args: Any, **kwargs: Any) -> None:
        real_inline(*args, **kwargs)
        written.set()

    def leaflets(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        waited.append(written.wait(HANG_GUARD))
        return real_leaflets(*args, **kwargs)

    monkeypatch.setattr(build_module, "inline_first_paint_css", inline)
    monkeypatch.setattr(run_module, "render_leaflets", leaflets)
    timings = build(project, project / "site", fresh=True)
    assert waited == [True]
    names = [name for name, _ in timings.stages]
    assert names.index("first-paint CSS") < names.index("leaflets") < names.index("PDF sizes")
    assert names.index("booklets") < names.index("PDF sizes")
    assert timings.wall < sum(seconds for _, seconds in timings.stages)  # (the stages ran side by side)
    assert_every_pdf_listed_with_its_facts(project / "site", project)


@pytest.mark.slow
def test_final_files_are_compressed_while_the_pdfs_are_made(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the web pages are written, the files no PDF's facts will change are compressed while the leaflets are still
    being made (the leaflets wait for it here; the wait is a hang guard): never a page that holds a PDF's mark, nor a
    downloads page; and every twin is still of the file as published."""
    started = threading.Event()
    early: list[tuple[set[Path], set[Path]]] = []  # (files compressed early, pages with a PDF's mark then)
    real_precompression = build_module.Precompression

    def precompression(files: Any) -> Any:
        work = real_precompression(files)
        pages = set((project / "site").parent.glob(".site-build*/site/**/*.html"))
        early.append((set(work.files), {p for p in pages if has_pdf_facts_marks(p.read_text(encoding="utf-8"))}))
        started.set()
        return work

    def leaflets(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        assert started.wait(HANG_GUARD)
        return real_leaflets(*args, **kwargs)

    monkeypatch.setattr(build_module, "Precompression", precompression)
    monkeypatch.setattr(run_module, "render_leaflets", leaflets)
    build(project, project / "site", fresh=True)
    [(files, marked)] = early
    assert marked and not files & marked
    assert {p.name for p in files} >= {"index.html", "404.html"}
    assert not [p for p in files if p.parent.name == "downloads"]
    site = project / "site"
    for page in site.rglob("*.html"):
        if (twin := page.with_name(page.name + ".gz")).exists():
            assert gzip.decompress(twin.read_bytes()) == page.read_bytes(), page


@pytest.mark.slow
def test_pages_are_written_again_when_the_pdfs_made_are_not_those_planned(project: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan that lacks a PDF the build then makes (as when a long booklet's volumes are split again after one
    overflowed): the pages are written again from the manifest, and list it with its pages and size."""
    real_plan = run_module.PrintRun.plan

    def short_plan(self: run_module.PrintRun, booklets: list[dict[str, Any]]) -> None:
        real_plan(self, booklets[:-1])

    monkeypatch.setattr(run_module.PrintRun, "plan", short_plan)
    timings = build(project, project / "site", fresh=True)
    names = [name for name, _ in timings.stages]
    assert names.count("mkdocs") == 2 and "PDF sizes" not in names
    assert_every_pdf_listed_with_its_facts(project / "site", project)


@pytest.mark.slow
def test_a_typst_error_while_the_web_pages_are_written_fails_the_build(project: Path) -> None:
    """A template error reaches the build however far the web stages have got: the build fails with Typst's message
    and leaves no site."""
    leaflet = project / "templates" / "leaflets" / "leaflet.typ"
    leaflet.write_text(leaflet.read_text(encoding="utf-8") + "\n#undefined-function()\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"templates/leaflets/leaflet\.typ:\d+:\d+: unknown variable"):
        build(project, project / "site", fresh=True)
    assert not (project / "site").exists()
    assert [p.name for p in project.iterdir() if p.name.startswith(".site-build")] == []



def test_the_workers_started_before_the_data_is_read_stop_when_it_is_refused(project: Path) -> None:
    """The Typst workers come up while services.yaml is read: an error in it stops them too, and leaves no site."""
    import multiprocessing

    from generator.data.errors import DataError
    services = project / "services.yaml"
    services.write_text(services.read_text(encoding="utf-8").replace("services:", "services: [", 1), encoding="utf-8")
    with pytest.raises(DataError):
        build(project, project / "site", fresh=True)
    assert multiprocessing.active_children() == []
    assert not (project / "site").exists()
