"""Shared fixtures: the real project, and a tiny two-service bilingual project written from strings."""
from __future__ import annotations

import functools
import http.server
import os
import textwrap
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from generator.cli import main
from generator.output.serve import QuietHandler
from generator.web.searchchunks import read_files, whole_index

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "plan-2018-104.txt"  # the official plan text, kept in the repository (source/README.md)
TEST_SITE_URL = "https://handbook.example.org/"  # the real project has no site_url; its test builds use this one

TINY_CONFIG = """\
languages:
  - {code: zh, name: 简体中文, html_lang: zh-Hans, script: Hans, region: cn}
  - {code: en, name: English, html_lang: en, script: Latn, region: gb}
site_url: https://example.org/handbook/
title: {zh: 测试手册, en: Test handbook}
strings:
  zh: {recipients: 服务对象}
  en: {recipients: Who it is for}
"""

TINY_SERVICES = """\
source:
  title: {zh: 测试规划, en: Test plan}
  issuer: {zh: 测试县人民政府, en: Test County Government}
  number: {zh: 测府发〔2018〕1号, en: "Ce Fu Fa [2018] No. 1"}
  date: "2018-12-29"
chapters:
  - id: education
    number: 1
    title: {zh: 基本公共教育服务, en: Basic public education services}
    lead_departments: [education-sports]
    intro: {zh: 教育导言。, en: Education introduction.}
departments:
  - id: education-sports
    name: {zh: 测试县教育体育局, en: Education and Sports Bureau}
    short_name: {zh: 县教育体育局, en: Education Bureau}
    aliases: [县教育体育局, 县教体局]
  - id: finance
    name: {zh: 测试县财政局, en: Finance Bureau}
    short_name: {zh: 县财政局, en: Finance Bureau}
    aliases: [县财政局]
audiences:
  - id: children-students
    name: {zh: 儿童和学生, en: Children and students}
    description: {zh: 在校学生。, en: Pupils and students.}
services:
  - id: school-meals
    number: 1
    chapter: education
    name: {zh: 营养改善, en: School meals}
    provisions:
      - recipients: {zh: 义务教育学生, en: Students in compulsory education}
        standard: {zh: 每生每天4元。, en: CNY 4 per student per day.}
        funding: {zh: 中央承担。, en: Paid by central government.}
    departments: [education-sports, 县财政局]
    audiences: [children-students]
    eligibility: {any: [{basis: 营养改善, study: [primary, junior]}, {basis: 营养改善, child: {study: [primary, junior]}}]}
    keywords: {zh: [营养餐], en: [school meals]}
    summary: {zh: 义务教育学生每人每天获得4元。, en: Students in compulsory education get CNY 4 a day.}
  - id: fee-exemptions
    number: 2
    chapter: education
    name: {zh: 免学费, en: Free tuition}
    provisions:
      - recipients: {zh: 学生, en: Students}
        standard: {zh: 免除学费。, en: No tuition fees.}
        funding: {zh: 县承担。, en: Paid by the county.}
    departments: [县教体局]
    audiences: [children-students]
    eligibility: {everyone: true}
    keywords: {zh: [免学费], en: [free school]}
    summary: {zh: 学生免学费。, en: Students pay no tuition fees.}
glossary:
  - term: {zh: 义务教育, en: compulsory education}
"""


def write_project(root: Path, services: str = TINY_SERVICES, config: str = TINY_CONFIG) -> Path:
    """Write a project (services.yaml + site_config.yml) into root and return root."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "services.yaml").write_text(textwrap.dedent(services), encoding="utf-8")
    (root / "site_config.yml").write_text(textwrap.dedent(config), encoding="utf-8")
    return root


@pytest.fixture
def tiny_handbook(tmp_path: Path) -> Path:
    """A valid two-service bilingual project in a temporary directory."""
    return write_project(tmp_path / "tiny")


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run `handbook ARGS…` in-process → (exit code, stdout, stderr)."""
    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real handbook built once per test session into a temporary site/, published at TEST_SITE_URL."""
    from generator.build import build

    site = tmp_path_factory.mktemp("build") / "site"
    build(ROOT, site, site_url=TEST_SITE_URL)
    return site


# ---- browser tests (tests/whole/test_browser.py): Debian's Chromium, and the built site served locally ----

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's waits (5 s for expect, 30 s for actions) are hang guards here, not speed limits: a page with its search
# index loads in 1–3 s when idle but took over 5 s on a 2-core machine running other builds; speed is make bench's job.
BROWSER_HANG_GUARD_MS = 90_000
expect.set_options(timeout=BROWSER_HANG_GUARD_MS)


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    """pytest-playwright's browser context, with every action and navigation waiting up to the hang guard."""
    context.set_default_timeout(BROWSER_HANG_GUARD_MS)
    context.set_default_navigation_timeout(BROWSER_HANG_GUARD_MS)
    return context


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """pytest-playwright launches Debian's Chromium (never a downloaded browser), quietly and offline."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,  # keeps --headed and friends working
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"],
    }


LANG_ROOTS = {"zh": "", "en": "en/"}  # language → folder of its pages in the site


def search_files(site: Path, lang: str) -> dict[str, str]:
    """A built site's search files of a language (the manifest and its chunks) → {file name: script}."""
    return {p.name: p.read_text(encoding="utf-8") for p in (site / LANG_ROOTS[lang] / "search").glob("*.js")}


def site_search_index(site: Path, lang: str) -> dict[str, Any]:
    """A built site's search index of a language, whole, as generator/web/search.py's search() takes it."""
    return whole_index(read_files(search_files(site, lang)), lang)


def longest_service_page(site: Path, lang: str) -> str:
    """The service page with the most HTML in the language, as a path inside the site."""
    pages = (site / LANG_ROOTS[lang] / "services").glob("*/index.html")
    return max(pages, key=lambda p: p.stat().st_size).parent.relative_to(site).as_posix() + "/"


@contextmanager
def serve(directory: Path, handler: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """A folder on a free local port → its base URL, e.g. http://127.0.0.1:41234/; the server stops when the block ends."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {directory.name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def served_site(built_site: Path) -> Iterator[str]:
    """The built site on a free local port → its base URL (closed after the session)."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def offline_copy(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """downloads/handbook-offline.zip unzipped, as a village office would → its handbook/ folder."""
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(built_site / "downloads/handbook-offline.zip") as z:
        z.extractall(folder)
    return folder / "handbook"
