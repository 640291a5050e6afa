"""Scale: the build on services.yaml multiplied (10×, 100×): time, peak memory, size of site/."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from . import ROOT
from .process import disk_usage, run_measured
from .synthetic import copy_project, multiply_services, raise_limits
from .timing import build_command

# every stage a full build reports; the booklets and leaflets run beside the stages from "render pages" to "change
# feeds" (generator/printing/run.py), so they may end among them
STAGE_ORDER = ("load and validate", "booklets", "leaflets", "render pages", "minify assets", "finder", "change history",
               "page metadata", "mkdocs", "search, data, sitemap", "unused CSS", "first-paint CSS", "HSDS open data",
               "change feeds", "PDF sizes", "booklets/index.json", "offline copy", "precompress", "publish")
BESIDE = ("booklets", "leaflets")
SCALE_TIMEOUT = 45 * 60  # seconds allowed for one scaled build: time enough to see how far past its target it is


def measure_scale(tmp: Path, factor: int, timeout: float) -> dict[str, Any]:
    """services.yaml × factor → build time, peak memory, size of site/ (one run; stopped after `timeout`)."""
    text = multiply_services((ROOT / "services.yaml").read_text(encoding="utf-8"), factor)
    project = copy_project(tmp / f"scale-{factor}x", text)
    config, over = raise_limits((project / "site_config.yml").read_text(encoding="utf-8"), text)
    (project / "site_config.yml").write_text(config, encoding="utf-8")
    site = tmp / f"scale-{factor}x-site"
    result: dict[str, Any] = {"factor": factor, "services_bytes": len(text.encode("utf-8")), "limits_raised": over}
    run = run_measured(build_command(project, site), tmp / f"scale-{factor}x.log", timeout)
    result.update(wall=run.wall, peak_rss=run.peak_rss, peak_parts=run.peak_parts, peak_at=run.peak_at,
                  returncode=run.returncode, stages=run.stages,
                  stopped_for=run.stopped_for, site_bytes=disk_usage(site) if site.is_dir() and run.returncode == 0 else None)
    if run.stopped_for:
        done = [s for s, _ in run.stages]
        result["stopped_in"] = next((s for s in STAGE_ORDER if s not in done), "?")
    elif run.returncode != 0:
        result["error"] = run.output.strip()[-2000:]
    shutil.rmtree(project, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    return result
