"""The baseline: plain MkDocs on the same Markdown and settings, both languages side by side, set up and run here
rather than through the generator's build code (generator.build.mkdocs_running), so a change there cannot move it."""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from . import PYTHON
from .synthetic import copy_project


def prepare_mkdocs(project: Path, work: Path) -> tuple[list[Path], dict[str, int]]:
    """A project → one folder per language (docs/, theme/, mkdocs.yml) under `work`: the Markdown the generator renders
    and the MkDocs settings it uses; → (the mkdocs.yml files, pages per language)."""
    from generator.build import site_markdown
    from generator.data.load import load_project
    from generator.web.mkdocs_config import mkdocs_config, theme_overlay

    config, handbook = load_project(project)
    pages, assets, _ = site_markdown(project, handbook, config, [], {})  # the finder and change history too
    configs = []
    for lang in config.codes:
        folder = work / lang
        for rel, text in pages[lang].items():
            (folder / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / "docs" / rel).write_text(text, encoding="utf-8")
        theme = theme_overlay(project / "templates", config, lang, folder / "theme", assets)
        settings = mkdocs_config(handbook, config, lang, pages[lang], folder / "docs", folder / "out", theme, assets)
        (folder / "mkdocs.yml").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
        configs.append(folder / "mkdocs.yml")
    return configs, {lang: len(p) for lang, p in pages.items()}


def run_mkdocs_builds(configs: list[Path]) -> float:
    """`mkdocs build` for every config at once → seconds until the last one ends (exits on a failed build)."""
    env = {**os.environ, "NO_COLOR": "1", "NO_MKDOCS_2_WARNING": "1"}
    for config in configs:
        shutil.rmtree(config.parent / "out", ignore_errors=True)
    start = time.perf_counter()
    jobs = [subprocess.Popen([str(PYTHON), "-m", "mkdocs", "build", "-f", str(c)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) for c in configs]
    outputs = [job.communicate()[0] for job in jobs]
    seconds = time.perf_counter() - start
    if any(job.returncode for job in jobs):
        sys.exit("bench: mkdocs build failed:\n" + "\n".join(outputs))
    return seconds


def measure_plain_mkdocs(tmp: Path, runs: int) -> dict[str, Any]:
    """The MkDocs builds alone (both languages side by side, as a build runs them), after one warm-up, median of `runs`."""
    configs, pages = prepare_mkdocs(copy_project(tmp / "mkdocs-project"), tmp / "mkdocs-work")
    run_mkdocs_builds(configs)  # warm-up: file caches, compiled templates
    times = [run_mkdocs_builds(configs) for _ in range(runs)]
    return {"wall": statistics.median(times), "runs": times, "pages": pages}
