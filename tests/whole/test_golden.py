"""Golden files: the generated Markdown of a few pages and the data one booklet's Typst template receives.

A change to templates, views or data shows up here as a readable diff. When the change is intended, regenerate:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/whole/test_golden.py

and review `git diff tests/golden` before committing.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.data.load import load_project
from generator.opendata.export import render_open_data
from generator.present.filters import markdown_environment
from generator.printing.booklets import booklet_data, plan_booklets
from generator.web.site import read_content, render_pages

from ..conftest import ROOT

GOLDEN = Path(__file__).parent.parent / "golden"
PAGES = ["services/legal-aid/index.md", "services/disability-living-and-nursing-care-allowances/index.md",
         "chapters/housing/index.md", "departments/justice/index.md", "audiences/veterans/index.md"]
BOOKLET = "booklets/en/chapter-housing.pdf"


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/<name>, or rewrite it when UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run UPDATE_GOLDEN=1 pytest tests/whole/test_golden.py"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file (see module docstring)"


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_generated_markdown(project, lang: str, page: str) -> None:
    config, handbook = project
    pages = render_pages(handbook, config, lang, markdown_environment(ROOT / "templates" / "site"), read_content(ROOT, lang), [],
                         render_open_data(handbook, config))
    check_golden(f"{lang}/{page}", pages[page])


def test_booklet_template_input(project) -> None:
    config, handbook = project
    booklet = next(b for b in plan_booklets(handbook, config) if b.file == BOOKLET)
    data = booklet_data(booklet, handbook, config)
    for chapter in data["chapters"]:  # the QR codes are tested elsewhere; keep the golden file readable
        for service in chapter["services"]:
            service["qr"] = f"<svg: QR code of {service['url']}>" if service["url"] else None
    data["site_qr"] = f"<svg: QR code of {data['site_url']}>" if data["site_url"] else None
    check_golden("booklet-en-chapter-housing.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")


LEAFLETS = ["booklets/zh/leaflet-legal-aid.pdf", "booklets/en/leaflet-audience-veterans.pdf"]


@pytest.mark.parametrize("file", LEAFLETS)
def test_leaflet_template_input(project, file: str) -> None:
    """The data a service leaflet's and an audience sheet's template receive (their QR codes are drawn only when
    compiled)."""
    from generator.printing.leaflets import leaflet_data, plan_leaflets
    config, handbook = project
    leaflet = next(x for x in plan_leaflets(handbook, config) if x.file == file)
    name = file.removeprefix("booklets/").replace("/", "-").replace(".pdf", ".json")
    check_golden(name, json.dumps(leaflet_data(leaflet, handbook, config), ensure_ascii=False, indent=1) + "\n")
