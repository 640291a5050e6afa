"""`handbook serve`: serves on 127.0.0.1, rebuilds on edits, and keeps the last good site when the data breaks."""
from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from generator.data.load import load_project
from generator.data.model import Text
from generator.output.serve import watch
from generator.preview import Preview, edited_services, service_pages

from ..conftest import ROOT

HANDBOOK = [sys.executable, "-m", "generator"]
HANG_GUARD = 300  # seconds; a preview rebuild takes ~2 s idle and took over 60 s on a 2-core machine at load 15


def copy_project(target: Path) -> Path:
    """The real project's sources (not site/) in a temporary folder."""
    target.mkdir()
    for name in ("services.yaml", "site_config.yml"):
        shutil.copy(ROOT / name, target / name)
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, target / name)
    return target


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=HANG_GUARD) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {seconds} s")
        time.sleep(0.1)


class Lines:
    """Collects a process's output lines in the background."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        threading.Thread(target=lambda: [self.lines.append(line) for line in stream], daemon=True).start()

    def text(self) -> str:
        return "".join(self.lines)


@pytest.mark.slow
def test_serve_rebuilds_and_survives_bad_data(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([*HANDBOOK, "--root", str(root), "serve", "--port", "0"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = Lines(proc.stdout)
    try:
        wait_for(lambda: "serving http://127.0.0.1:" in out.text(), HANG_GUARD)
        url = out.text().split("serving ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        page = url + "en/services/legal-aid/"
        assert "Legal aid" in fetch(page)

        services = root / "services.yaml"
        marked = services.read_text(encoding="utf-8").replace('en: "Legal aid"', 'en: "Legal aid MARKER-1"', 1)
        services.write_text(marked, encoding="utf-8")
        wait_for(lambda: "MARKER-1" in fetch(page), HANG_GUARD)

        broken = services.read_text(encoding="utf-8").replace("departments: [justice, finance]",
                                                               "departments: [justice, no-such-department]", 1)
        assert broken != services.read_text(encoding="utf-8")
        services.write_text(broken, encoding="utf-8")
        wait_for(lambda: "unknown department 'no-such-department'" in out.text(), HANG_GUARD)
        assert "services.yaml:" in out.text() and "Traceback" not in out.text()
        assert "MARKER-1" in fetch(page)  # the last good site stays up
        reported = len(out.text())
        services.write_text(marked, encoding="utf-8")  # fixed again
        # a good build after the error (on a busy machine the edit's own full build may have started only once the
        # data was broken: builds that wait are one build, so count none but this)
        wait_for(lambda: "rebuilt in" in out.text()[reported:], HANG_GUARD)

        assert "showing legal-aid; full rebuild follows" in out.text()  # the warm renderer showed the edit first
        edits = [  # each watched source: (file, text replaced, by, page where it shows)
            ("site_config.yml", "en: Yanbian County Public Services Handbook", "en: Handbook MARKER-2", url + "en/"),
            ("content/en/about.md", "# About this handbook", "# About MARKER-3", url + "en/about/"),
            ("templates/site/service.html.j2", "# {{ s.name|md }}\n", "# {{ s.name|md }} MARKER-4\n", page),
        ]
        for name, old, new, where in edits:
            path = root / name
            text = path.read_text(encoding="utf-8")
            assert text.count(old) == 1, name
            path.write_text(text.replace(old, new), encoding="utf-8")
            marker = new.split()[-1]
            wait_for(lambda: marker in fetch(where), HANG_GUARD)  # noqa: B023  (called before the loop moves on)
        other = url + "services/employment-assistance/"  # a template edit rebuilds every page, in every language
        wait_for(lambda: "MARKER-4" in fetch(other), HANG_GUARD)
        assert not (root / "site" / "downloads" / "handbook-offline.zip").exists()  # the preview leaves the offline copy out
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise


@pytest.mark.parametrize("edit", ["services.yaml", "site_config.yml", "content/en/about.md", "content/zh/new.md",
                                  "content/zh/new-folder/page.md", "templates/site/service.html.j2",
                                  "templates/theme/partials/new.html", "renamed:services.yaml",
                                  "renamed:templates/site/service.html.j2"])
def test_the_watcher_sees_every_source(tmp_path: Path, edit: str) -> None:
    """An edit to any watched file, a new file or folder in a watched folder, or a file replaced by renaming another
    over it (editors' safe save) → a call naming it; the poll interval is an hour, so file events must have seen it."""
    for name in ("services.yaml", "site_config.yml", "content/en/about.md", "templates/site/service.html.j2"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("before\n", encoding="utf-8")
    calls: list[set[Path]] = []
    stop = threading.Event()
    ready = threading.Event()
    watcher = threading.Thread(target=watch, args=(tmp_path, calls.append, 3600, stop, ready.set), daemon=True)
    watcher.start()
    try:  # an edit made the moment the watcher says it is ready is seen (the preview announces itself then)
        assert ready.wait(HANG_GUARD)
        renamed, name = edit.startswith("renamed:"), edit.removeprefix("renamed:")
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        written = path.with_name(f".{path.name}.swp") if renamed else path
        written.write_text("after, and longer\n", encoding="utf-8")
        if renamed:
            os.replace(written, path)
        wait_for(lambda: any(path in paths for paths in calls), HANG_GUARD)
    finally:
        stop.set()
        watcher.join(HANG_GUARD)


def test_the_watcher_ignores_the_site_and_other_files(tmp_path: Path) -> None:
    """Files outside the watched sources (site/, a build's staging folder, notes) → no call."""
    (tmp_path / "services.yaml").write_text("x\n", encoding="utf-8")
    calls: list[set[Path]] = []
    stop = threading.Event()
    ready = threading.Event()
    watcher = threading.Thread(target=watch, args=(tmp_path, calls.append, 0.05, stop, ready.set), daemon=True)
    watcher.start()
    try:
        assert ready.wait(HANG_GUARD)
        for name in ("site/index.html", ".site-build-1/x.html", "notes.txt"):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text("y\n", encoding="utf-8")
        time.sleep(0.5)
        assert calls == []
    finally:
        stop.set()
        watcher.join(HANG_GUARD)


def built_preview(tmp_path: Path) -> tuple[Path, Preview, list[str]]:
    """A copy of the project, previewed once: (its folder, the Preview, what it said)."""
    root = copy_project(tmp_path / "project")
    said: list[str] = []
    preview = Preview(root, root / "site", said.append, lambda exc: said.extend(map(str, exc.problems)), said.append)
    assert preview.rebuild(), said
    return root, preview, said


@pytest.mark.slow
def test_the_warm_renderer_writes_what_the_full_build_writes(tmp_path: Path) -> None:
    """Every service page in both languages, made by the warm renderer from the model → the full build's HTML, byte for byte."""
    root, preview, _ = built_preview(tmp_path)
    try:
        assert preview.warm is not None
        _, handbook = load_project(root)
        pages = service_pages(root, preview.warm, handbook, list(handbook.services))
        assert len(pages) == 2 * len(handbook.services)
        for path, html in pages.items():
            assert html == (root / "site" / path).read_text(encoding="utf-8"), path
    finally:
        preview.close()


@pytest.mark.slow
def test_an_edit_shows_on_the_service_pages_before_the_full_build(tmp_path: Path) -> None:
    """A service edited → its pages in both languages rewritten at once (nothing else yet); bad data → nothing written;
    the full build then brings every page up to date."""
    root, preview, said = built_preview(tmp_path)
    try:
        site, services = root / "site", root / "services.yaml"
        text = services.read_text(encoding="utf-8")
        services.write_text(text.replace('zh: "法律援助"', 'zh: "法律援助标记甲"', 1)
                            .replace('en: "Legal aid"', 'en: "Legal aid MARKER-Q"', 1), encoding="utf-8")
        preview.changed({services})
        assert "MARKER-Q" in (site / "en/services/legal-aid/index.html").read_text(encoding="utf-8")
        assert "标记甲" in (site / "services/legal-aid/index.html").read_text(encoding="utf-8")
        assert "MARKER-Q" not in (site / "en/services/index.html").read_text(encoding="utf-8")  # the full build's part
        assert said[-1] == "showing legal-aid; full rebuild follows"
        assert preview.wanted.is_set()

        services.write_text(text.replace('en: "Legal aid"', 'en: "Legal aid MARKER-R"', 1)
                            .replace("departments: [justice, finance]", "departments: [justice, nowhere]", 1),
                            encoding="utf-8")
        preview.changed({services})  # broken: the last good pages stay
        assert "MARKER-Q" in (site / "en/services/legal-aid/index.html").read_text(encoding="utf-8")
        assert not preview.rebuild()
        assert any("unknown department 'nowhere'" in line for line in said)

        services.write_text(text.replace('en: "Legal aid"', 'en: "Legal aid MARKER-S"', 1), encoding="utf-8")
        preview.changed({services})
        assert preview.rebuild()
        assert "MARKER-S" in (site / "en/services/index.html").read_text(encoding="utf-8")
        assert "MARKER-S" in (site / "en/services/legal-aid/index.html").read_text(encoding="utf-8")
    finally:
        preview.close()


@pytest.mark.slow
def test_an_edit_beyond_services_or_of_another_file_waits_for_the_full_build(tmp_path: Path) -> None:
    """A template or site_config.yml edit, or a services.yaml edit that also changes a chapter → no quick pages."""
    root, preview, said = built_preview(tmp_path)
    try:
        page = root / "site/en/services/legal-aid/index.html"
        before = page.read_text(encoding="utf-8")
        template = root / "templates/site/service.html.j2"
        template.write_text(template.read_text(encoding="utf-8").replace("# {{ s.name|md }}\n", "# {{ s.name|md }} T\n"),
                            encoding="utf-8")
        preview.changed({template})
        services = root / "services.yaml"
        services.write_text(services.read_text(encoding="utf-8").replace('en: "Legal aid"', 'en: "Legal aid X"', 1),
                            encoding="utf-8")
        preview.changed({template, services})
        assert page.read_text(encoding="utf-8") == before
        assert preview.wanted.is_set() and not any(line.startswith("showing") for line in said)
    finally:
        preview.close()


def test_only_edits_of_services_alone_are_shown_ahead() -> None:
    """Two models → the services edited, or None when anything else (a chapter, the services' order) changed."""
    _, handbook = load_project(ROOT)
    first, second = handbook.services[0], handbook.services[1]
    edited = dataclasses.replace(handbook, services=(dataclasses.replace(first, id=first.id), *handbook.services[1:]))
    assert edited_services(handbook, edited) == []
    renamed = dataclasses.replace(first, name=Text.of({**first.name.values, "en": "Renamed"}))
    edited = dataclasses.replace(handbook, services=(renamed, *handbook.services[1:]))
    assert edited_services(handbook, edited) == [renamed]
    assert edited_services(handbook, dataclasses.replace(handbook, chapters=handbook.chapters[1:])) is None
    swapped = dataclasses.replace(handbook, services=(second, first, *handbook.services[2:]))
    assert edited_services(handbook, swapped) is None
