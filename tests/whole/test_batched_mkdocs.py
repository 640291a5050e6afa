"""MkDocs in batches (generator/build.py mkdocs_running, generator/web/mkdocs_hooks.py): a language with many service
and department pages is built in several MkDocs runs that each build a bounded number of them, and the site is the
same, byte for byte, as one run's; every run reads its pages from one bundle (generator/web/mkdocs_docs.py). The
navigation rendered once per folder outside it (generator/web/mkdocs_nav.py) leaves every page as it would be
without."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import mkdocs_running, site_markdown, tidy_theme_files
from generator.data.load import load_project, with_site_url
from generator.web import mkdocs_config
from generator.web.mkdocs_config import BATCH_PAGES, outside_nav, page_batches

from ..conftest import ROOT, TEST_SITE_URL

SIZE = 40  # pages outside the navigation a run builds in the batched build (the real handbook has some 115 a language)
BUILT = re.compile(r"^DEBUG\s+-\s+Building page (\S+)$", re.MULTILINE)


def test_batches_cover_every_page_once_and_hold_at_most_their_size() -> None:
    paths = ["index.md", "services/index.md", *(f"services/s{i}/index.md" for i in range(7)), "departments/d/index.md",
             "plan/goals/index.md"]
    batches = page_batches(paths, size=3)
    assert sorted(p for b in batches for p in b) == sorted(paths)
    assert [sum(outside_nav(p) for p in b) for b in batches] == [3, 3, 2]
    assert batches[0][:3] == ["index.md", "services/index.md", "plan/goals/index.md"]  # the navigation: the first run
    assert page_batches(paths, size=8) == [[*paths[:2], paths[-1], *paths[2:10]]]  # one run when they fit


def build_html(staging: Path, batch_pages: int) -> tuple[dict[str, bytes], list[tuple[int, int]]]:
    """The real handbook's pages through mkdocs_running with `batch_pages`, tidied as the build does → (site path →
    bytes, progress heard)."""
    config, handbook = load_project(ROOT)
    config = with_site_url(config, TEST_SITE_URL)
    pages, assets, _ = site_markdown(ROOT, handbook, config, [], {})
    heard: list[tuple[int, int]] = []
    (staging / "site").mkdir(parents=True)
    with mkdocs_running(ROOT, handbook, config, pages, assets, staging, lambda done, total: heard.append((done, total)),
                        batch_pages=batch_pages):
        pass
    site = staging / "site"
    tidy_theme_files(site, config)  # MkDocs' own sitemaps (the build's are its own) list only a run's pages
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}, heard


@pytest.mark.slow
def test_a_batched_build_writes_the_same_site_and_each_run_builds_only_its_pages(tmp_path: Path) -> None:
    whole, _ = build_html(tmp_path / "whole", BATCH_PAGES)
    batched, heard = build_html(tmp_path / "batched", SIZE)
    assert sorted(batched) == sorted(whole)
    assert [path for path in whole if batched[path] != whole[path]] == []
    assert heard[-1][0] == heard[-1][1] == len(heard)  # every page step counted once, and all were planned
    # the pages reach MkDocs in one bundle a language, not a file each (generator/web/mkdocs_docs.py), and Material's
    # search, its workers and its source maps are never written
    for lang in ("zh", "en"):
        work = tmp_path / "whole" / f"work-{lang}"
        assert list((work / "docs").iterdir()) == [] and (work / "pages.json").is_file() and (work / "pages.md").is_file()
    assert [path for path in whole if "/lunr/" in path or "/workers/" in path or path.endswith(".map")] == []
    assert any(path.startswith("assets/javascripts/bundle.") for path in whole)  # the theme's own script is
    for lang in ("zh", "en"):
        work = tmp_path / "batched" / f"work-{lang}"
        runs = sorted(work.glob("mkdocs-*.yml"))
        assert len(runs) >= 3
        for run in runs[1:]:  # built again, verbose: it builds its own pages, and the navigation's from their titles
            listed = run.with_suffix(".pages").read_text(encoding="utf-8").split()
            log = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--verbose", "-f", str(run)], capture_output=True,
                                 text=True, check=True, env={**os.environ, "NO_COLOR": "1"}).stderr
            built = [page for page in BUILT.findall(log) if outside_nav(page)]
            assert sorted(built) == sorted(listed) and 0 < len(built) <= SIZE


RECORDING_HOOK = """import importlib.util, json
spec = importlib.util.spec_from_file_location("nav", {nav!r})
nav = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nav)

class Recording(dict):
    def update(self, stored):
        with open({log!r}, "a", encoding="utf-8") as log:
            log.write(json.dumps(sorted(stored)) + "\\n")
        super().update(stored)

def on_env(env, config, files):
    env = nav.on_env(env, config, files)
    env.globals["hb_nav_cache"] = Recording(env.globals["hb_nav_cache"])
    return env
"""


@pytest.mark.slow
def test_the_navigation_is_rendered_once_per_folder_outside_it_and_every_page_is_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "stored.log"
    recording = tmp_path / "recording.py"
    recording.write_text(RECORDING_HOOK.format(nav=str(mkdocs_config.NAV_HOOKS), log=str(log)), encoding="utf-8")
    monkeypatch.setattr(mkdocs_config, "NAV_HOOKS", recording)
    stored, _ = build_html(tmp_path / "stored", BATCH_PAGES)
    # each language's run stored the navigation once for each folder of pages outside it, and took it from there after
    assert sorted(log.read_text(encoding="utf-8").split()) == sorted(2 * ['["departments"]', '["services"]'])
    plain_hook = tmp_path / "plain.py"
    plain_hook.write_text("", encoding="utf-8")  # no store: the theme renders the navigation for every page
    monkeypatch.setattr(mkdocs_config, "NAV_HOOKS", plain_hook)
    plain, _ = build_html(tmp_path / "plain", BATCH_PAGES)
    assert sorted(plain) == sorted(stored)
    assert [path for path in stored if plain[path] != stored[path]] == []
