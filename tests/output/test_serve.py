"""`handbook serve`: serves on 127.0.0.1, rebuilds on edits, and keeps the last good site when the data breaks."""
from __future__ import annotations

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

from generator.output.serve import watch

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
        services.write_text(marked, encoding="utf-8")  # fixed again
        wait_for(lambda: out.text().count("rebuilt in") >= 3, HANG_GUARD)

        edits = [  # each watched source: (file, text replaced, by, page where it shows)
            ("site_config.yml", "en: Yanbian County Public Services Handbook", "en: Handbook MARKER-2", url + "en/"),
            ("content/en/about.md", "# About this handbook", "# About MARKER-3", url + "en/about/"),
            ("templates/site/service.md.j2", "# {{ s.name }}\n", "# {{ s.name }} MARKER-4\n", page),
        ]
        for name, old, new, where in edits:
            path = root / name
            text = path.read_text(encoding="utf-8")
            assert text.count(old) == 1, name
            path.write_text(text.replace(old, new), encoding="utf-8")
            marker = new.split()[-1]
            wait_for(lambda: marker in fetch(where), HANG_GUARD)  # noqa: B023  (called before the loop moves on)
        assert not (root / "site" / "downloads" / "handbook-offline.zip").exists()  # the preview leaves the offline copy out
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise


@pytest.mark.parametrize("edit", ["services.yaml", "site_config.yml", "content/en/about.md", "content/zh/new.md",
                                  "templates/site/service.md.j2", "templates/theme/partials/new.html"])
def test_the_watcher_sees_every_source(tmp_path: Path, edit: str) -> None:
    """An edit to any watched file, or a new file in a watched folder, triggers one rebuild."""
    for name in ("services.yaml", "site_config.yml", "content/en/about.md", "templates/site/service.md.j2"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("before\n", encoding="utf-8")
    rebuilt, stop = threading.Event(), threading.Event()
    watcher = threading.Thread(target=watch, args=(tmp_path, rebuilt.set, 0.01, stop), daemon=True)
    watcher.start()
    try:
        time.sleep(0.2)  # the watcher has taken its first snapshot
        path = tmp_path / edit
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("after, and longer\n", encoding="utf-8")
        assert rebuilt.wait(HANG_GUARD), f"no rebuild after editing {edit}"
    finally:
        stop.set()
        watcher.join(HANG_GUARD)
