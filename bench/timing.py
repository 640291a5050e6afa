"""Timing the handbook's commands: the full build and rebuilds, booklets alone, `handbook check`, the preview."""
from __future__ import annotations

import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

from . import HANDBOOK, PYTHON
from .process import SAMPLE_EVERY, Run, disk_usage, median_run, run_measured, stop_group
from .synthetic import copy_project, first_service_id, mark_english_name

BENCH_SITE_URL = "https://example.org/handbook/"  # a published build has a site URL, so its PDFs carry QR codes


def build_command(project: Path, site: Path) -> list[str]:
    return [str(HANDBOOK), "--root", str(project), "build", "--site-dir", str(site), "--site-url", BENCH_SITE_URL]


def count_pdfs(site: Path) -> dict[str, int]:
    """A built site → how many PDFs of each kind its booklets/index.json lists, and their pages."""
    manifest = json.loads((site / "booklets" / "index.json").read_text(encoding="utf-8"))
    leaflets = [e for e in manifest if e["kind"] in ("leaflet", "audience-leaflet")]
    return {"booklets": len(manifest) - len(leaflets), "leaflets": len(leaflets), "pages": sum(e["pages"] for e in manifest)}


def check_build(run: Run, what: str) -> None:
    """Stop the benchmark with the build's output if it failed (a broken build has nothing to measure)."""
    if run.returncode != 0:
        sys.exit(f"bench: {what} failed (exit {run.returncode}):\n{run.output[-3000:]}")


def measure_build(tmp: Path, runs: int) -> dict[str, Any]:
    """`handbook build` on a copy: wall time and peak tree RSS, median of `runs`; the median run's stages."""
    project = copy_project(tmp / "build-project")
    results = []
    for i in range(runs):
        site = tmp / "build-site"
        shutil.rmtree(site, ignore_errors=True)
        run = run_measured(build_command(project, site), tmp / f"build-{i}.log")
        check_build(run, "handbook build")
        results.append(run)
    middle = median_run(results)
    return {"wall": middle.wall, "peak_rss": statistics.median(r.peak_rss for r in results), "stages": middle.stages,
            "runs": [{"wall": r.wall, "peak_rss": r.peak_rss} for r in results], "site": str(tmp / "build-site"),
            "site_bytes": disk_usage(tmp / "build-site"), "pdfs": count_pdfs(tmp / "build-site"),
            "rebuilds": measure_rebuilds(tmp, project, tmp / "build-site", runs)}


REUSED = re.compile(r"^(\d+) unchanged booklets were reused", re.MULTILINE)


def measure_rebuilds(tmp: Path, project: Path, built: Path, runs: int) -> dict[str, Any]:
    """`handbook build` again over a built site (a copy): with nothing changed, and after editing one service's
    English name (booklets whose input is unchanged are reused); medians of `runs`."""
    result: dict[str, Any] = {}
    service = first_service_id(project / "services.yaml")
    for case in ("unchanged", "one service edited"):
        results = []
        for i in range(runs):
            site = tmp / "rebuild-site"
            shutil.rmtree(site, ignore_errors=True)
            shutil.copytree(built, site, symlinks=True)
            if case != "unchanged":
                mark_english_name(project / "services.yaml", service, f"(edit {i})")
            run = run_measured(build_command(project, site), tmp / f"rebuild-{i}.log")
            check_build(run, f"handbook build ({case})")
            results.append(run)
        middle = median_run(results)
        reused = REUSED.search(middle.output)
        result[case] = {"wall": middle.wall, "stages": middle.stages, "runs": [r.wall for r in results],
                        "reused": int(reused[1]) if reused else 0}
    shutil.rmtree(tmp / "rebuild-site", ignore_errors=True)
    return result


BOOKLETS_ALONE = """
import json, sys, tempfile, time
from pathlib import Path
from generator.printing.booklets import render_booklets
from generator.data.load import load_project
root = Path(sys.argv[1])
config, handbook = load_project(root)
with tempfile.TemporaryDirectory(dir=root) as out:
    start = time.perf_counter()
    manifest = render_booklets(handbook, config, root / "templates", Path(out))
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "files": len(manifest), "bytes": sum(entry["bytes"] for entry in manifest),
                  "pages": sum(entry["pages"] for entry in manifest)}))
"""

CHECK_PARTS = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
import generator.cli
from generator.data.load import load_project
imported = time.perf_counter()
load_project(Path(sys.argv[1]))
print(json.dumps({"imports": imported - start, "load_project": time.perf_counter() - imported}))
"""


def run_snippet(code: str, project: Path) -> dict[str, Any]:
    """Python code run in a fresh interpreter of the venv (cold caches, like the real build) → its JSON line."""
    proc = subprocess.run([str(PYTHON), "-c", code, str(project)], capture_output=True, text=True, cwd=project)
    if proc.returncode != 0:
        sys.exit(f"bench: snippet failed:\n{proc.stdout}{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def measure_booklets(tmp: Path, runs: int) -> dict[str, Any]:
    """generator.printing.booklets.render_booklets alone (data already loaded), each run in a fresh process, median."""
    project = copy_project(tmp / "booklets-project")
    results = [run_snippet(BOOKLETS_ALONE, project) for _ in range(runs)]
    times = [r["seconds"] for r in results]
    return {**results[0], "seconds": statistics.median(times), "runs": times}


def measure_check(tmp: Path, runs: int = 5) -> dict[str, Any]:
    """`handbook check` wall time, median of `runs`; and its parts: Python start-up, imports, load_project (medians)."""
    project = copy_project(tmp / "check-project")
    times, startup, parts = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([str(HANDBOOK), "--root", str(project), "check"], capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            sys.exit(f"bench: handbook check failed:\n{proc.stdout}{proc.stderr}")
        start = time.perf_counter()
        subprocess.run([str(PYTHON), "-c", "pass"], check=True)
        startup.append(time.perf_counter() - start)
        parts.append(run_snippet(CHECK_PARTS, project))
    return {"wall": statistics.median(times), "runs": times, "startup": statistics.median(startup),
            "imports": statistics.median(p["imports"] for p in parts),
            "load_project": statistics.median(p["load_project"] for p in parts)}


def fetch(url: str) -> str:
    """A page's text, or '' while it is missing or the server is busy."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body: bytes = response.read()
            return body.decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return ""


def read_lines(stream: IO[str], lines: queue.Queue[str]) -> None:
    """A text stream → its lines into a queue, until it ends."""
    for line in stream:
        lines.put(line)


def measure_preview(tmp: Path, start_timeout: float = 600, change_timeout: float = 600) -> dict[str, Any]:
    """`handbook serve --port 0`: seconds from saving services.yaml to the service page showing the change."""
    project = copy_project(tmp / "preview-project")
    proc = subprocess.Popen([str(HANDBOOK), "--root", str(project), "serve", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []
    assert proc.stdout is not None
    threading.Thread(target=read_lines, args=(proc.stdout, lines), daemon=True).start()

    def next_line(until: float) -> str | None:
        try:
            line = lines.get(timeout=max(0.0, until - time.monotonic()))
            log.append(line.rstrip())
            return line
        except queue.Empty:
            return None

    result: dict[str, Any] = {"latency": None}
    try:
        base = None
        deadline = time.monotonic() + start_timeout
        while base is None and time.monotonic() < deadline and proc.poll() is None:
            line = next_line(deadline)
            m = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line or "")
            base = m[1] if m else None
        if base is None:
            result["error"] = "the server did not start: " + " / ".join(log[-5:])
            return result
        service_id = first_service_id(project / "services.yaml")
        marker = f"BenchMarker{os.getpid()}x{int(time.time())}"
        url = f"{base}en/services/{service_id}/"
        if marker in fetch(url):
            sys.exit("bench: the marker is on the page before the edit")
        mark_english_name(project / "services.yaml", service_id, marker)
        written = time.perf_counter()
        deadline = time.monotonic() + change_timeout
        while time.monotonic() < deadline:
            if marker in fetch(url):
                result["latency"] = time.perf_counter() - written
                break
            time.sleep(SAMPLE_EVERY)
        while (line := next_line(time.monotonic() + 2)) is not None and "rebuilt" not in line:
            pass  # the server's own "rebuilt in X s" line, printed right after the swap
        rebuilt = [float(m[1]) for entry in log if (m := re.search(r"rebuilt in (\d+\.\d+) s", entry))]
        result.update(url=url, rebuild=rebuilt[-1] if rebuilt else None)
    finally:
        stopped_at = time.perf_counter()
        result["stopped"] = stop_group(proc)
        result["stop_seconds"] = time.perf_counter() - stopped_at
        result["output"] = log
    return result
