"""The report: every measurement against its target, as one table and one JSON file per run."""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import RESULTS, ROOT
from .against import measure_against
from .baseline import measure_plain_mkdocs
from .firstpaint import measure_first_paint
from .process import MEMORY_MAX, MEMORY_STOP
from .ranking import ranking_figures, ranking_rows
from .scale import SCALE_TIMEOUT, measure_scale
from .synthetic import first_service_id
from .timing import measure_booklets, measure_build, measure_check, measure_preview
from .weight import SEARCH_FACTOR, measure_page_weight, measure_search_download

OVERHEAD_MAX = 0.30  # generator overhead ≤ 30 % of the full build
CHECK_MAX = 1.0  # seconds
BUILD_MAX = 10.0  # seconds: a cold full build, booklets and leaflets included, on 2 cores (issue 25)
PREVIEW_MAX = 1.0  # seconds from saving one service's edit in services.yaml to its page showing it (issue 25)
KB = 1024
FIRST_VISIT_MAX = 150 * KB  # bytes over the wire (gzip)
NEXT_PAGE_MAX = 20 * KB
SEARCH_QUERY_MAX = {"1": 60 * KB, str(SEARCH_FACTOR): 150 * KB}  # what a two-character Chinese query downloads (issue 25)
FCP_MAX = 0.9  # seconds: Lighthouse's first contentful paint, mobile profile, precompressed files (issue 25)
SCALE_RATIO_MAX = {10: 11, 100: 100}  # a scaled build's wall time, at most this many times the 1× build's (issue 25)


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
    rows: list[Row] = [("4. preview: save → page shows edit", value, f"≤ {PREVIEW_MAX:.1f} s",
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
        rows.append((f"   search manifest {x['search_index']}", size(index) if index else "missing", "", ""))
        if x["missing"]:
            rows.append((f"   referenced but missing ({lang})", ", ".join(x["missing"][:3]), "none", "MISSED"))
    loading = w["pages_loading_index"]
    rows.append((f"   pages loading a search index ({w['pages_scanned']} scanned)", str(len(loading)), "0", verdict(not loading)))
    rows.append((f"   largest HTML page: {w['largest_html']['page']}", size(w["largest_html"]["gz"]), "", ""))
    return rows


def search_download_rows(d: dict[str, Any]) -> list[Row]:
    """What a two-character Chinese query downloads, at 1× and on the synthetic handbook → one row each."""
    return [(f"5c. search: a 2-character Chinese query downloads ({factor}×, gzip, fresh page)",
             f"largest {size(x['largest'])} ({x['largest_query']}), median {size(x['median'])} of {x['queries']} queries; "
             f"manifest {size(x['manifest'])}, all {x['files']} files {size(x['all_files'])}",
             f"≤ {size(SEARCH_QUERY_MAX[factor])}", verdict(x["largest"] <= SEARCH_QUERY_MAX[factor])) for factor, x in d.items()]


def paint_rows(p: dict[str, Any]) -> list[Row]:
    """Lighthouse's figures → one row per page (its median run's first contentful paint, score, layout shift and
    blocking time, the paint's range over the runs), met or missed against the target, or one row saying why there are
    none."""
    if not p.get("pages"):
        return [("5b. first paint (Lighthouse mobile)", p.get("note", "not measured"), f"≤ {FCP_MAX} s", "")]
    rows: list[Row] = []
    for page, x in p["pages"].items():
        name = f"5b. first contentful paint, {page} (Lighthouse mobile, .gz, median of {p.get('runs', 1)})"
        if "error" in x:
            rows.append((name, f"failed: {x['error'][:60]}", f"≤ {FCP_MAX} s", "MISSED"))
            continue
        runs = x.get("fcp_runs", [x["fcp"]])
        spread = f" ({min(runs):.2f}–{max(runs):.2f})" if len(runs) > 1 else ""
        shift = f", CLS {x['cls']:.3f}" if "cls" in x else ""
        blocking = f", TBT {x['tbt'] * 1000:.0f} ms" if "tbt" in x else ""  # (results before 2026-12-07 lack it)
        rows.append((name, f"{x['fcp']:.2f} s{spread}, score {x['score']}{shift}{blocking}",
                     f"≤ {FCP_MAX} s, score 100, CLS 0", verdict(x["fcp"] <= FCP_MAX and x["score"] == 100 and not x.get("cls"))))
    return rows


def scale_rows(scales: list[dict[str, Any]]) -> list[Row]:
    """The scaled builds (the first is the 1× build of the same run) → their rows: wall time with its ratio to 1× (10×
    ≤ 11 times, 100× ≤ 100 times), each stage, peak memory of the process tree (< 4 GB)."""
    rows: list[Row] = []
    one = scales[0]
    for s in scales:
        f = s["factor"]
        stopped = s.get("stopped_for")
        if stopped == "timeout":
            time_value = f"timeout (> {secs(s['wall'])}, in {s['stopped_in']})"
        elif stopped == "memory":
            time_value = f"stopped at {secs(s['wall'])}: RSS > {size(MEMORY_STOP)}, in {s['stopped_in']}"
        elif s.get("returncode") != 0:
            time_value = f"failed (exit {s['returncode']})"
        else:
            time_value = f"{secs(s['wall'])}" + (f" ({s['wall'] / one['wall']:.1f} × 1×)" if f > 1 else "")
        target, judged = "", ""
        if f in SCALE_RATIO_MAX:
            limit = SCALE_RATIO_MAX[f] * one["wall"]
            target = f"≤ {SCALE_RATIO_MAX[f]} × 1× = {secs(limit)}"
            judged = "unknown" if stopped and s["wall"] < limit else verdict(s["returncode"] == 0 and s["wall"] <= limit)
        label = " (limits: raised)" if s.get("limits_raised") else ""
        rows.append((f"6. scale {f}×: build wall{label}", time_value, target, judged))
        if f > 1:
            rows.append((f"   scale {f}×: services.yaml", size(s["services_bytes"]), "", ""))
            rows += stage_rows(s["stages"])
        if s.get("error"):
            rows.append((f"    {f}×: error", s["error"].splitlines()[-1][:80], "", ""))
        peak = f"> {size(MEMORY_STOP)} (stopped)" if stopped == "memory" else size(s["peak_rss"])
        rows.append((f"   scale {f}×: peak RSS", peak, "< 4.0 GB", verdict(s["peak_rss"] < MEMORY_MAX)))
        if s.get("peak_parts"):  # which processes held it, and when
            parts = ", ".join(f"{name} {size(b)}" for name, b in sorted(s["peak_parts"].items(), key=lambda p: -p[1]))
            rows.append((f"     at {secs(s.get('peak_at', 0.0))}", parts, "", ""))
        rows.append((f"   scale {f}×: size of site/", size(s.get("site_bytes")), "", ""))
    return rows


def print_table(rows: list[Row]) -> None:
    header: Row = ("measure", "value", "target", "verdict")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

    def line(r: Row) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
    print(line(header))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def main(argv: list[str] | None = None) -> int:
    """Measure everything, print the table, write bench/results/<date>.json."""
    parser = argparse.ArgumentParser(description="Benchmarks of the handbook build, preview and output.")
    parser.add_argument("--quick", action="store_true", help="skip the 100× build")
    parser.add_argument("--runs", type=int, default=3, help="runs per median (build, MkDocs, booklets; check runs 5)")
    parser.add_argument("--scale", action="store_true", help="only the scaled builds: 1×, 10× and 100×, once each")
    parser.add_argument("--against", metavar="COMMIT",
                        help="only cold builds of COMMIT (as it was) and of this tree, alternating (bench/against.py)")
    parser.add_argument("--rounds", type=int, default=6, help="rounds of --against (one build of each a round)")
    args = parser.parse_args(argv)
    if args.against and args.scale:
        parser.error("--against and --scale each run alone: give one of them")
    if args.rounds < 1:
        parser.error("--rounds: at least 1")
    sys.path.insert(0, str(ROOT))
    load_before = os.getloadavg()[0]
    if args.against:
        results = measure_compared(args.against, args.rounds, Progress())
    elif args.scale:
        results = measure_scales(Progress())
    else:
        results = measure_all(args.quick, args.runs, Progress())
    load = (load_before, os.getloadavg()[0])
    if args.against:
        rows = [machine_row(load), *against_rows(results["against"], args.against)]
    elif args.scale:
        rows = [machine_row(load), *scale_rows(results["scale"])]
    else:
        rows = table(results, args.runs, load)
    results = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "commit": git_commit(), "machine": {**machine(), "load_avg": load},
               "args": vars(args), **results,
               "table": [dict(zip(("measure", "value", "target", "verdict"), r, strict=True)) for r in rows]}
    target = write_results(results, RESULTS)
    print_table(rows)
    print(f"\n{sum(r[3] == 'MISSED' for r in rows)} target(s) missed; results in {target.relative_to(ROOT)}")
    return 0


class Progress:
    """Says on stderr which measurement starts, and how long the benchmark has run."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, what: str) -> None:
        print(f"bench: {what} ({time.perf_counter() - self.started:.0f} s)", file=sys.stderr, flush=True)


def measure_all(quick: bool, runs: int, step: Progress) -> dict[str, Any]:
    """Every measurement, on copies of the project in a temporary folder → {name: result}."""
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as name:
        tmp = Path(name)
        step(f"1. handbook build × {runs}")
        build = measure_build(tmp, runs)
        step(f"2. plain MkDocs × {runs}")
        mkdocs = measure_plain_mkdocs(tmp, runs)
        step(f"3. booklets × {runs}, check × 5")
        booklets, check = measure_booklets(tmp, runs), measure_check(tmp)
        step("4. preview")
        preview = measure_preview(tmp)
        step("5. page weight")
        weight = measure_page_weight(tmp / "build-project", Path(build["site"]))
        step("5c. search downloads")
        downloads = measure_search_download(tmp / "build-project", Path(build["site"]), tmp)
        step("5b. first paint (Lighthouse)")
        paint = measure_first_paint(Path(build["site"]), first_service_id(tmp / "build-project" / "services.yaml"))
        scales = [{"factor": 1, "wall": build["wall"], "peak_rss": build["peak_rss"], "returncode": 0, "stages": build["stages"],
                   "site_bytes": build["site_bytes"]}]
        for factor in (10,) if quick else (10, 100):
            step(f"6. scale {factor}×")
            scales.append(measure_scale(tmp, factor, SCALE_TIMEOUT))
        step("7. search ranking and query times")
        search = ranking_figures(ROOT)
        step("done")
    return {"build": build, "mkdocs": mkdocs, "booklets": booklets, "check": check, "preview": preview,
            "page_weight": weight, "search_download": downloads, "first_paint": paint, "scale": scales, "search": search}


def measure_scales(step: Progress) -> dict[str, Any]:
    """The scaled builds alone, one after another in one temporary folder → {"scale": [1×, 10×, 100×]}."""
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as name:
        scales = []
        for factor in (1, 10, 100):
            step(f"6. scale {factor}×")
            scales.append(measure_scale(Path(name), factor, SCALE_TIMEOUT))
        step("done")
    return {"scale": scales}


def measure_compared(rev: str, rounds: int, step: Progress) -> dict[str, Any]:
    """Cold builds of another commit and of this tree, alternating, alone → {"against": the comparison}."""
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as name:
        step(f"cold builds of {rev} and of this tree, {rounds} rounds")
        compared = measure_against(rev, rounds, Path(name), step)
        step("done")
    return {"against": compared}


def against_rows(a: dict[str, Any], rev: str) -> list[Row]:
    """The comparison → its rows: both medians, this tree's judged against the cold build's target; the median of the
    rounds' ratios (wall, then CPU), their spread, and the ratio of the medians."""
    ref, this, ratios = a["reference"], a["this"], a["round_ratios"]
    return [(f"1. handbook build, cold, with leaflets, wall (this tree, median of {a['rounds']} alternating rounds)",
             secs(this["wall"]), f"≤ {BUILD_MAX:.0f} s", verdict(this["wall"] <= BUILD_MAX)),
            (f"   {rev} ({a['commit'][:10]}) in the same rounds", secs(ref["wall"]), "", ""),
            ("   this tree ÷ reference, wall: the rounds' ratios (median, range)",
             f"{a['wall_ratio']:.3f} × ({min(ratios):.3f}–{max(ratios):.3f}, faster in {sum(r < 1 for r in ratios)} "
             f"of {len(ratios)}); ratio of the medians {a['ratio_of_medians']:.3f} ×", "", ""),
            ("   CPU of the whole process tree: medians (this tree, reference), the rounds' ratios",
             f"{this['cpu']:.1f} s, {ref['cpu']:.1f} s; {a['cpu_ratio']:.3f} × ({min(a['cpu_round_ratios']):.3f}–"
             f"{max(a['cpu_round_ratios']):.3f})", "", ""),
            ("   the reference's own pinned dependencies", ", ".join(a["needed"]) or "none", "", "")]


def machine_row(load: tuple[float, float]) -> Row:
    """The load average at the start and end of the run (timings are comparable only on a quiet machine)."""
    return (f"machine: {os.cpu_count()} CPUs, 1-min load avg start / end", f"{load[0]:.1f} / {load[1]:.1f}",
            f"< {os.cpu_count()} (else noisy)", "")


def table(r: dict[str, Any], runs: int, load: tuple[float, float]) -> list[Row]:
    """The measurements → the rows of the table, each with its target and verdict."""
    return [machine_row(load),
            *build_rows(r["build"], r["mkdocs"], runs), *check_rows(r["booklets"], r["check"], runs),
            *preview_rows(r["preview"], r["build"], r["mkdocs"]), *weight_rows(r["page_weight"]),
            *search_download_rows(r["search_download"]),
            *paint_rows(r["first_paint"]),
            *scale_rows(r["scale"]), *ranking_rows(r["search"])]


def write_results(results: dict[str, Any], folder: Path) -> Path:
    """The results → folder/<date>.json (a second run on the same day gets -2, -3, …); → the file written."""
    folder.mkdir(parents=True, exist_ok=True)
    day = str(results["when"])[:10]
    target, n = folder / f"{day}.json", 1
    while target.exists():
        n += 1
        target = folder / f"{day}-{n}.json"
    target.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    return target


def git_commit() -> str | None:
    proc = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return proc.stdout.strip() or None


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


if __name__ == "__main__":
    sys.exit(main())
