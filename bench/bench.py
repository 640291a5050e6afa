"""Benchmarks of the handbook build, preview and output, as ONE table to compare runs on the same machine.

    make bench                          # everything (the 100x build may take up to 15 minutes)
    make bench BENCH_ARGS="--quick"     # skip the 100x build
    make bench BENCH_ARGS="--runs 5"    # more runs per median

Every measurement works on a copy of the project (services.yaml, site_config.yml, content/, templates/) in a
temporary folder: the repository's site/ is never touched. Nothing is downloaded; the preview server binds
127.0.0.1 on a free port and is stopped by the script. The results are also written to bench/results/latest.json.

Peak memory is the largest sum of VmRSS over a process and its descendants, sampled every 50 ms: pages that
forked workers share with their parent count once per process, so it overstates a little. A scaled build is
stopped past 15 minutes or 8 GB (twice the target). Timings are only comparable on a quiet machine: the first
row shows the load average at the start and end.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"
HANDBOOK = BIN / "handbook"
PROJECT_FILES = ("services.yaml", "site_config.yml", "content", "templates")
RESULTS = ROOT / "bench" / "results" / "latest.json"

SAMPLE_EVERY = 0.05  # seconds between RSS samples and between preview polls
SCALE_TIMEOUT = 15 * 60  # seconds allowed for one scaled build
STAGE_LINE = re.compile(r"^(?P<stage>\S.*?)\s+(?P<seconds>\d+\.\d+) s$")  # "booklets                  17.31 s"
STAGE_ORDER = ("load and validate", "booklets", "leaflets", "render pages", "mkdocs", "search, data, sitemap", "offline copy",
               "publish")

# targets
OVERHEAD_MAX = 0.30  # generator overhead ≤ 30 % of the full build
CHECK_MAX = 1.0  # seconds
BUILD_MAX = 12.0  # seconds: a cold full build, booklets and leaflets included, on 2 cores
PREVIEW_MAX = 3.0  # seconds from saving services.yaml to the page showing the change
KB = 1024
FIRST_VISIT_MAX = 150 * KB  # bytes over the wire (gzip)
NEXT_PAGE_MAX = 20 * KB
SEARCH_INDEX_MAX = 150 * KB
MEMORY_MAX = 4 * 1024 ** 3  # bytes of RSS, the whole process tree
MEMORY_STOP = 2 * MEMORY_MAX  # a build past this is stopped: the target is missed anyway, and the machine is shared


# --- running a command and watching its memory ------------------------------------------------------------

@dataclass
class Run:
    """One finished (or stopped) command."""

    wall: float  # seconds from start to exit
    peak_rss: int  # bytes: the largest sum of VmRSS over the process and its descendants
    returncode: int | None  # None when the benchmark stopped it
    output: str  # stdout and stderr together
    stages: list[tuple[str, float]] = field(default_factory=list)  # the build's own "stage  seconds s" lines
    stopped_for: str | None = None  # "timeout" or "memory" when the benchmark stopped it


def children(pid: int) -> list[int]:
    """A process → its direct children, from /proc/<pid>/task/*/children (or by scanning every ppid)."""
    tasks = Path(f"/proc/{pid}/task")
    try:
        files = list(tasks.glob("*/children"))
        if files:
            return [int(c) for f in files for c in f.read_text().split()]
    except OSError:
        return []
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # the command name may hold spaces and ')'
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:  # fields after the name: state, ppid, ...
            found.append(int(stat.parent.name))
    return found


def rss(pid: int) -> int:
    """A process → its resident memory in bytes (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> int:
    """A process and all its descendants → the sum of their resident memory in bytes."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            total += rss(p)
            todo.extend(children(p))
    return total


def run_measured(cmd: list[str], log: Path, timeout: float = float("inf"), memory_stop: int = MEMORY_STOP) -> Run:
    """Run a command in its own process group, sampling the tree's RSS every 50 ms; stop it on timeout or past memory_stop."""
    peak, ended = 0, 0.0
    done, too_big, exited = threading.Event(), threading.Event(), threading.Event()
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(proc.pid))
                if peak > memory_stop:
                    too_big.set()
                done.wait(SAMPLE_EVERY)

        def wait() -> None:  # notes the exit time exactly, whatever the main loop is doing
            nonlocal ended
            proc.wait()
            ended = time.perf_counter()
            exited.set()

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        threading.Thread(target=wait, daemon=True).start()
        stopped_for = None
        try:
            while not exited.wait(SAMPLE_EVERY) and stopped_for is None:
                if too_big.is_set():
                    stopped_for = "memory"
                elif time.perf_counter() - start > timeout:
                    stopped_for = "timeout"
            stopped_at = time.perf_counter()
        finally:  # also on Ctrl+C of the benchmark: leave nothing running
            if proc.poll() is None:
                stop_group(proc)
        exited.wait()
        wall = (stopped_at if stopped_for else ended) - start
        done.set()
        sampler.join()
    output = log.read_text(encoding="utf-8", errors="replace")
    return Run(wall, peak, None if stopped_for else proc.returncode, output, parse_stages(output), stopped_for)


def stop_group(proc: subprocess.Popen[Any], grace: float = 15.0) -> bool:
    """SIGTERM a process we started in its own session; SIGKILL its group if anything is left; True if all are gone."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # the CLI turns SIGTERM into Ctrl+C: it cleans up and stops its workers
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + grace
    while group_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if group_members(proc.pid) or proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        time.sleep(0.2)
    return not group_members(proc.pid)


def group_members(pgid: int) -> list[int]:
    """Live processes (not zombies) of one process group."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # state, ppid, pgrp, ...
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def parse_stages(output: str) -> list[tuple[str, float]]:
    """The build's output → [(stage, seconds)], without the total line."""
    stages = []
    for line in output.splitlines():
        m = STAGE_LINE.match(line.strip())
        if m and m["stage"] != "total":
            stages.append((m["stage"], float(m["seconds"])))
    return stages


def median_run(runs: list[Run]) -> Run:
    """The run with the median wall time."""
    return sorted(runs, key=lambda r: r.wall)[len(runs) // 2]


def copy_project(dest: Path, services_text: str | None = None) -> Path:
    """The project's inputs → a fresh folder (optionally with another services.yaml)."""
    dest.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)
    if services_text is not None:
        (dest / "services.yaml").write_text(services_text, encoding="utf-8")
    return dest


def disk_usage(path: Path) -> int:
    """A folder → bytes on disk, as `du -sk` counts them."""
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0]) * 1024


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


# --- 1. the full build ------------------------------------------------------------------------------------

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


# --- 2. plain MkDocs on the same Markdown ---------------------------------------------------------------------

def measure_plain_mkdocs(tmp: Path, runs: int) -> dict[str, Any]:
    """The MkDocs builds alone (both languages side by side, as build.py runs them), median of `runs`."""
    from generator.build import render_languages, run_mkdocs
    from generator.load import load_project

    project = copy_project(tmp / "mkdocs-project")
    config, handbook = load_project(project)
    pages = render_languages(project, handbook, config, [])
    staging = tmp / "mkdocs-staging"
    run_mkdocs(project, handbook, config, pages, staging)  # writes docs, theme overlay, mkdocs.yml; a first (warm-up) build
    configs = sorted(staging.glob("work-*/mkdocs.yml"))  # run_mkdocs's layout: staging/work-<lang>/mkdocs.yml
    if len(configs) != len(config.codes):
        sys.exit(f"bench: expected one mkdocs.yml per language under {staging}/work-*/, found {len(configs)}"
                 " (has run_mkdocs's staging layout changed?)")
    outputs_dirs = [Path(json.loads(c.read_text(encoding="utf-8"))["site_dir"]) for c in configs]  # mkdocs.yml is JSON
    env = {**os.environ, "NO_COLOR": "1", "NO_MKDOCS_2_WARNING": "1"}
    times = []
    for _ in range(runs):
        for folder in [staging / "site", *outputs_dirs]:
            shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        jobs = [subprocess.Popen([str(PYTHON), "-m", "mkdocs", "build", "-f", str(c)],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) for c in configs]
        outputs = [job.communicate()[0] for job in jobs]
        times.append(time.perf_counter() - start)
        if any(job.returncode for job in jobs):
            sys.exit("bench: mkdocs build failed:\n" + "\n".join(outputs))
    return {"wall": statistics.median(times), "runs": times, "pages": {lang: len(p) for lang, p in pages.items()}}


# --- 3. booklets alone, and `handbook check` ------------------------------------------------------------------

BOOKLETS_ALONE = """
import json, sys, tempfile, time
from pathlib import Path
from generator.booklets import render_booklets
from generator.load import load_project
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
from generator.load import load_project
imported = time.perf_counter()
load_project(Path(sys.argv[1]))
print(json.dumps({"imports": imported - start, "load_project": time.perf_counter() - imported}))
"""


def run_snippet(code: str, project: Path) -> dict[str, Any]:
    """Python code run in a fresh interpreter of the venv (cold caches, like the real build) → its JSON line."""
    proc = subprocess.run([str(PYTHON), "-c", code, str(project)], capture_output=True, text=True, cwd=project)
    if proc.returncode != 0:
        sys.exit(f"bench: snippet failed:\n{proc.stdout}{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_booklets(tmp: Path, runs: int) -> dict[str, Any]:
    """generator.booklets.render_booklets alone (data already loaded), each run in a fresh process, median."""
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


# --- 4. preview: edit → page shows it -------------------------------------------------------------------------

def first_service_id(services: Path) -> str:
    m = re.search(r"^services:\n(?:\s*#.*\n)*  - id: (\S+)", services.read_text(encoding="utf-8"), re.MULTILINE)
    assert m, "no service in services.yaml"
    return m[1]


def mark_english_name(services: Path, service_id: str, marker: str) -> None:
    """Append a marker to one service's English name, editing the text (the file stays as written)."""
    text = services.read_text(encoding="utf-8")
    pattern = re.compile(rf'(^  - id: {re.escape(service_id)}\n(?:    .*\n)*?    name:\n(?:      .*\n)*?      en: ")([^"\n]*)(")',
                         re.MULTILINE)
    new, count = pattern.subn(lambda m: f"{m[1]}{m[2]} {marker}{m[3]}", text, count=1)
    if count != 1:
        sys.exit(f"bench: could not find the English name of service {service_id} in {services}")
    services.write_text(new, encoding="utf-8")


def fetch(url: str) -> str:
    """A page's text, or '' while it is missing or the server is busy."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return ""


def measure_preview(tmp: Path, start_timeout: float = 600, change_timeout: float = 600) -> dict[str, Any]:
    """`handbook serve --port 0`: seconds from saving services.yaml to the service page showing the change."""
    project = copy_project(tmp / "preview-project")
    proc = subprocess.Popen([str(HANDBOOK), "--root", str(project), "serve", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]

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


# --- 5. page weight over the wire -----------------------------------------------------------------------------

class References(HTMLParser):
    """The files a page makes the browser load: stylesheets, icons, scripts, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        rel = a.get("rel", "").lower().split()
        if tag == "link" and ("stylesheet" in rel or "icon" in rel or "preload" in rel or "modulepreload" in rel):
            self.urls.append(a.get("href", ""))
        elif tag in ("script", "img") and a.get("src"):
            self.urls.append(a["src"])


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""")


def resolve(site: Path, referrer: Path, url: str) -> Path | None:
    """A URL found in a file of the site → the file it names, or None (external, data: or fragment)."""
    if not url or re.match(r"^[a-z][a-z0-9+.-]*:|^//|^#", url, re.IGNORECASE):
        return None
    path = url.split("#")[0].split("?")[0]
    target = (site / path.lstrip("/")) if path.startswith("/") else (referrer.parent / path)
    target = Path(os.path.normpath(target))
    return target / "index.html" if target.is_dir() else target


def gz(path: Path) -> int:
    """A file → its size gzipped at level 6 (what a web server typically sends)."""
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def page_assets(site: Path, page: Path) -> tuple[list[Path], list[str]]:
    """A page → every file a first visit loads (what it references, and url(...) in its stylesheets); missing ones."""
    parser = References()
    parser.feed(page.read_text(encoding="utf-8"))
    assets: list[Path] = []
    missing: list[str] = []
    todo = [(page, u) for u in parser.urls]
    while todo:
        referrer, url = todo.pop(0)
        target = resolve(site, referrer, url)
        if target is None or target in assets:
            continue
        if not target.is_file():
            missing.append(f"{url} (from {referrer.relative_to(site)})")
            continue
        assets.append(target)
        if target.suffix == ".css":
            todo += [(target, u) for u in CSS_URL.findall(target.read_text(encoding="utf-8", errors="replace"))]
    return assets, missing


def loads_search_index(site: Path, page: Path) -> bool:
    """Does a page make the browser load a search index by itself (script, stylesheet, preload...)?"""
    parser = References()
    parser.feed(page.read_text(encoding="utf-8"))
    return any((t := resolve(site, page, u)) is not None and re.fullmatch(r"index\.\w+\.js", t.name) and t.parent.name == "search"
               for u in parser.urls)


def measure_page_weight(project: Path, site: Path) -> dict[str, Any]:
    """Per language: the heaviest service page's first visit (HTML + assets) and next page (HTML only); search indexes."""
    from generator.load import load_config
    from generator.mkdocs_config import lang_root

    config = load_config(project)
    result: dict[str, Any] = {"languages": {}}
    for lang in config.codes:
        base = site / lang_root(config, lang)
        pages = sorted(base.glob("services/*/index.html"))
        sizes = {p: gz(p) for p in pages}
        heaviest = max(sizes, key=lambda p: sizes[p])
        assets, missing = page_assets(site, heaviest)
        asset_sizes = sorted(((str(a.relative_to(site)), gz(a)) for a in assets), key=lambda x: -x[1])
        index = base / "search" / f"index.{lang}.js"
        result["languages"][lang] = {
            "page": str(heaviest.relative_to(site)), "html": sizes[heaviest], "median_html": statistics.median(sizes.values()),
            "first_visit": sizes[heaviest] + sum(s for _, s in asset_sizes), "assets": asset_sizes, "missing": missing,
            "search_index": str(index.relative_to(site)), "search_index_gz": gz(index) if index.is_file() else None}
    html = sorted(site.rglob("*.html"))
    result["pages_scanned"] = len(html)
    result["pages_loading_index"] = [str(p.relative_to(site)) for p in html if loads_search_index(site, p)]
    largest = max(html, key=gz)
    result["largest_html"] = {"page": str(largest.relative_to(site)), "gz": gz(largest)}
    return result


# --- 6. synthetic scale -----------------------------------------------------------------------------------

def multiply_services(text: str, factor: int) -> str:
    """services.yaml → the same with every service copied factor-1 times (ids <id>-x<k>, numbers after the last)."""
    head, rest = text.split("\nservices:\n", 1)
    body, glossary = rest.split("\nglossary:", 1)
    blocks = re.split(r"(?m)^(?=  - id: )", body)
    intro, services = blocks[0], blocks[1:]
    count = len(services)
    copies = []
    for k in range(1, factor):
        for block in services:
            block = re.sub(r"(?m)^(  - id: )(\S+)", rf"\g<1>\g<2>-x{k}", block, count=1)
            shift = k * count
            block = re.sub(r"(?m)^(    number: )(\d+)", lambda m, shift=shift: f"{m[1]}{int(m[2]) + shift}", block, count=1)
            block = re.sub(r"(?m)^(  # ── No\. )(\d+)", lambda m, shift=shift: f"{m[1]}{int(m[2]) + shift}", block)
            copies.append(block if block.endswith("\n") else block + "\n")
    last = services[-1] if services[-1].endswith("\n") else services[-1] + "\n"
    return head + "\nservices:\n" + intro + "".join(services[:-1]) + last + "".join(copies) + "\nglossary:" + glossary


def raise_limits(config_text: str, services_text: str) -> tuple[str, bool]:
    """site_config.yml → the same with limits: that admit `services_text` (twice its size and pieces), and whether
    the project's own limits would have refused it (the real handbook is ~0.2 MB; the limits guard against mistakes)."""
    from generator.errors import DataError
    from generator.yamlnodes import decode_source, parse_nodes

    size, pieces = len(services_text.encode("utf-8")), services_text.count("\n") + services_text.count(",")
    raised = re.sub(r"(?m)^  services_megabytes: .*$", f"  services_megabytes: {2 * size // 1024 ** 2 + 1}", config_text)
    raised = re.sub(r"(?m)^  services_values: .*$", f"  services_values: {2 * pieces}", raised)
    assert raised != config_text, "site_config.yml has no limits: block to raise"
    try:  # with the default limits (the project's own are the same)
        parse_nodes(decode_source(services_text.encode("utf-8"), "services.yaml"), "services.yaml")
        over = False
    except DataError:
        over = True
    return raised, over


def measure_scale(tmp: Path, factor: int, timeout: float) -> dict[str, Any]:
    """services.yaml × factor → build time, peak memory, size of site/ (one run; stopped after `timeout`)."""
    text = multiply_services((ROOT / "services.yaml").read_text(encoding="utf-8"), factor)
    project = copy_project(tmp / f"scale-{factor}x", text)
    config, over = raise_limits((project / "site_config.yml").read_text(encoding="utf-8"), text)
    (project / "site_config.yml").write_text(config, encoding="utf-8")
    site = tmp / f"scale-{factor}x-site"
    result: dict[str, Any] = {"factor": factor, "services_bytes": len(text.encode("utf-8")), "limits_raised": over}
    run = run_measured(build_command(project, site), tmp / f"scale-{factor}x.log", timeout)
    result.update(wall=run.wall, peak_rss=run.peak_rss, returncode=run.returncode, stages=run.stages,
                  stopped_for=run.stopped_for, site_bytes=disk_usage(site) if site.is_dir() and run.returncode == 0 else None)
    if run.stopped_for:
        done = [s for s, _ in run.stages]
        result["stopped_in"] = next((s for s in STAGE_ORDER if s not in done), "?")
    elif run.returncode != 0:
        result["error"] = run.output.strip()[-2000:]
    shutil.rmtree(project, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    return result


# --- the table ------------------------------------------------------------------------------------------------

Row = tuple[str, str, str, str]  # measure, value, target, verdict


def secs(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f} s"


def size(n: float | None) -> str:
    if n is None:
        return "—"
    for unit, scale in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n:.0f} B"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def stage_rows(stages: list[tuple[str, float]], skip: tuple[str, ...] = ()) -> list[Row]:
    return [(f"    {name}", secs(s), "", "") for name, s in stages if name not in skip]


def build_rows(b: dict[str, Any], m: dict[str, Any], runs: int) -> list[Row]:
    total, plain = b["wall"], m["wall"]
    overhead = total - plain
    share = overhead / total
    pdfs = b["pdfs"]
    rows: list[Row] = [(f"1. handbook build, cold, with leaflets, wall (median of {runs})", secs(total),
                        f"≤ {BUILD_MAX:.0f} s", verdict(total <= BUILD_MAX)),
                       *stage_rows(b["stages"]),
                       ("   PDFs: booklets / leaflets / pages", f"{pdfs['booklets']} / {pdfs['leaflets']} / {pdfs['pages']}",
                        "", ""),
                       ("   peak RSS, process tree", size(b["peak_rss"]), "< 4.0 GB", verdict(b["peak_rss"] < MEMORY_MAX)),
                       *[(f"   rebuild, {case} (booklets reused: {r['reused']})", secs(r["wall"]), "", "")
                         for case, r in b.get("rebuilds", {}).items()],
                       ("   size of site/", size(b["site_bytes"]), "", ""),
                       (f"2. plain MkDocs zh+en in parallel (median of {runs})", secs(plain), "", ""),
                       ("   generator overhead (build − MkDocs)", f"{secs(overhead)} = {share:.0%}", f"≤ {OVERHEAD_MAX:.0%}",
                        verdict(share <= OVERHEAD_MAX))]
    if share > OVERHEAD_MAX:
        rows += [(f"    where: {name}", secs(s), "", "") for name, s in b["stages"] if name != "mkdocs"]
        rows.append(("    where: interpreter start, imports, gaps", secs(total - sum(s for _, s in b["stages"])), "", ""))
    return rows


def check_rows(booklets: dict[str, Any], check: dict[str, Any], runs: int) -> list[Row]:
    rows: list[Row] = [
        (f"3. booklets alone (median of {runs})", secs(booklets["seconds"]), "", ""),
        ("   booklets: files / pages / size", f"{booklets['files']} / {booklets['pages']} / {size(booklets['bytes'])}", "", ""),
        ("   handbook check (median of 5)", secs(check["wall"]), f"≤ {CHECK_MAX:.0f} s", verdict(check["wall"] <= CHECK_MAX))]
    if check["wall"] > CHECK_MAX:
        rest = check["wall"] - check["startup"] - check["imports"] - check["load_project"]
        rows += [("    where: Python start-up (python -c pass)", secs(check["startup"]), "", ""),
                 ("    where: imports (generator.cli and its libraries)", secs(check["imports"]), "", ""),
                 ("    where: load_project (YAML, schema, checks)", secs(check["load_project"]), "", ""),
                 ("    where: rest (entry point, output, noise)", secs(rest), "", "")]
    return rows


def preview_rows(p: dict[str, Any], build: dict[str, Any], mkdocs: dict[str, Any]) -> list[Row]:
    latency = p.get("latency")
    value = secs(latency) if latency is not None else p.get("error", "never appeared")
    rows: list[Row] = [("4. preview: save → page shows edit", value, f"≤ {PREVIEW_MAX:.0f} s",
                        verdict(latency is not None and latency <= PREVIEW_MAX))]
    if p.get("rebuild"):  # the website alone: a preview rebuild typesets no booklets and writes no zip
        extra = p["rebuild"] - mkdocs["wall"]
        rows.append(("   overhead without booklets (preview rebuild − MkDocs)", f"{secs(extra)} = {extra / p['rebuild']:.0%}",
                     "(for information)", ""))
    if latency is None or latency > PREVIEW_MAX:
        rows.append(("    server's own 'rebuilt in'", secs(p.get("rebuild")), "", ""))
        rows += [(f"    where (a full build): {name}", secs(s), "", "") for name, s in build["stages"]]
    rows.append(("   preview server gone after SIGTERM", f"{'yes' if p['stopped'] else 'NO'} ({secs(p['stop_seconds'])})", "yes",
                 verdict(p["stopped"])))
    return rows


def weight_rows(w: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for lang, x in w["languages"].items():
        first_ok = x["first_visit"] <= FIRST_VISIT_MAX
        rows.append((f"5. first visit, service page ({lang}, gzip)", size(x["first_visit"]), f"≤ {size(FIRST_VISIT_MAX)}",
                     verdict(first_ok)))
        if not first_ok:
            rows += [(f"    {name}", size(n), "", "") for name, n in [(x["page"], x["html"]), *x["assets"]]]
        rows.append((f"   next page, cache warm ({lang})", size(x["html"]), f"≤ {size(NEXT_PAGE_MAX)}",
                     verdict(x["html"] <= NEXT_PAGE_MAX)))
        index = x["search_index_gz"]
        rows.append((f"   search index {x['search_index']}", size(index) if index else "missing", f"≤ {size(SEARCH_INDEX_MAX)}",
                     verdict(index is not None and index <= SEARCH_INDEX_MAX)))
        if x["missing"]:
            rows.append((f"   referenced but missing ({lang})", ", ".join(x["missing"][:3]), "none", "MISSED"))
    loading = w["pages_loading_index"]
    rows.append((f"   pages loading a search index ({w['pages_scanned']} scanned)", str(len(loading)), "0", verdict(not loading)))
    rows.append((f"   largest HTML page: {w['largest_html']['page']}", size(w["largest_html"]["gz"]), "", ""))
    return rows


def scale_rows(scales: list[dict[str, Any]], one: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for s in scales:
        f = s["factor"]
        stopped = s.get("stopped_for")
        if stopped == "timeout":
            time_value = f"timeout (> {SCALE_TIMEOUT / 60:.0f} min, in {s['stopped_in']})"
        elif stopped == "memory":
            time_value = f"stopped at {secs(s['wall'])}: RSS > {size(MEMORY_STOP)}, in {s['stopped_in']}"
        elif s.get("returncode") != 0:
            time_value = f"failed (exit {s['returncode']})"
        else:
            time_value = secs(s["wall"])
        target, judged = "", ""
        if f == 100:
            limit = 100 * one["wall"]
            target = f"≤ 100 × 1× = {secs(limit)}"
            judged = "unknown" if stopped and s["wall"] < limit else verdict(s["returncode"] == 0 and s["wall"] <= limit)
        label = " (median run above)" if f == 1 else " (limits: raised)" if s.get("limits_raised") else ""
        rows.append((f"6. scale {f}×: build wall{label}", time_value, target, judged))
        if f > 1:
            rows.append((f"   scale {f}×: services.yaml", size(s["services_bytes"]), "", ""))
        if judged in ("MISSED", "unknown"):
            rows += stage_rows(s["stages"])
        if s.get("error"):
            rows.append((f"    {f}×: error", s["error"].splitlines()[-1][:80], "", ""))
        peak = f"> {size(MEMORY_STOP)} (stopped)" if stopped == "memory" else size(s["peak_rss"])
        rows.append((f"   scale {f}×: peak RSS", peak, "< 4.0 GB", verdict(s["peak_rss"] < MEMORY_MAX)))
        rows.append((f"   scale {f}×: size of site/", size(s.get("site_bytes")), "", ""))
    return rows


def print_table(rows: list[Row]) -> None:
    header: Row = ("measure", "value", "target", "verdict")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    line = lambda r: " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    print(line(header))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100× build")
    parser.add_argument("--runs", type=int, default=3, help="runs per median (build, MkDocs, booklets; check runs 5)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    started, load_before = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as name:
        tmp = Path(name)
        step = lambda what: print(f"bench: {what} ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)  # noqa: E731
        step(f"1. handbook build × {args.runs}")
        build = measure_build(tmp, args.runs)
        step(f"2. plain MkDocs × {args.runs}")
        mkdocs = measure_plain_mkdocs(tmp, args.runs)
        step(f"3. booklets × {args.runs}, check × 5")
        booklets = measure_booklets(tmp, args.runs)
        check = measure_check(tmp)
        step("4. preview")
        preview = measure_preview(tmp)
        step("5. page weight")
        weight = measure_page_weight(tmp / "build-project", Path(build["site"]))
        scales = [{"factor": 1, "wall": build["wall"], "peak_rss": build["peak_rss"], "returncode": 0, "stages": build["stages"],
                   "site_bytes": build["site_bytes"]}]
        for factor in (10,) if args.quick else (10, 100):
            step(f"6. scale {factor}×")
            scales.append(measure_scale(tmp, factor, SCALE_TIMEOUT))
        step("done")

    load = (load_before, os.getloadavg()[0])
    rows = [(f"machine: {os.cpu_count()} CPUs, 1-min load avg start / end", f"{load[0]:.1f} / {load[1]:.1f}",
             f"< {os.cpu_count()} (else noisy)", ""),
            *build_rows(build, mkdocs, args.runs), *check_rows(booklets, check, args.runs), *preview_rows(preview, build, mkdocs),
            *weight_rows(weight), *scale_rows(scales, build)]
    results = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "commit": git_commit(), "machine": {**machine(), "load_avg": load},
               "args": vars(args),
               "build": build, "mkdocs": mkdocs, "booklets": booklets, "check": check, "preview": preview,
               "page_weight": weight, "scale": scales,
               "table": [dict(zip(("measure", "value", "target", "verdict"), r, strict=True)) for r in rows]}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print_table(rows)
    print(f"\n{sum(r[3] == 'MISSED' for r in rows)} target(s) missed; results in {RESULTS.relative_to(ROOT)}")
    return 0


def git_commit() -> str | None:
    proc = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return proc.stdout.strip() or None


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


if __name__ == "__main__":
    sys.exit(main())
