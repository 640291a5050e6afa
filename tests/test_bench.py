"""The benchmark's own pieces (make bench is not run by the tests): the synthetic data it builds is valid and as
large as it says, the limits it raises are needed only where it says so, it reads the build's stage lines, finds a
page's assets, judges targets, names its results file, and sets up its MkDocs baseline itself."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bench import against, process, report, synthetic, weight
from bench.baseline import prepare_mkdocs, run_mkdocs_builds
from bench.process import parse_stages
from bench.scale import BESIDE, STAGE_ORDER
from bench.timing import REUSED
from generator.build import build
from generator.data.load import load_project

from .conftest import ROOT, TINY_SERVICES


def test_multiplied_services_are_valid_with_new_ids_and_numbers(tmp_path: Path) -> None:
    text = (ROOT / "services.yaml").read_text(encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "services.yaml").write_text(synthetic.multiply_services(text, 3), encoding="utf-8")
    shutil.copy(ROOT / "site_config.yml", project / "site_config.yml")
    config, handbook = load_project(project)  # every check passes, cross-references included
    _, real = load_project(ROOT)
    assert len(handbook.services) == 3 * len(real.services)
    assert [s.number for s in handbook.services] == list(range(1, 3 * len(real.services) + 1))
    assert len({s.id for s in handbook.services}) == len(handbook.services)
    copy = handbook.service(len(real.services) + 1)
    assert copy.id == f"{real.services[0].id}-x1" and copy.name == real.services[0].name
    assert sum(len(c.services) for c in handbook.chapters) == len(handbook.services)


def test_limits_are_raised_only_for_a_file_the_defaults_refuse() -> None:
    text = (ROOT / "services.yaml").read_text(encoding="utf-8")
    config = (ROOT / "site_config.yml").read_text(encoding="utf-8")
    raised, over = synthetic.raise_limits(config, text)
    assert not over and "services_values:" in raised
    raised, over = synthetic.raise_limits(config, synthetic.multiply_services(text, 10))
    assert over
    assert raised != config


@pytest.mark.slow
def test_the_bench_knows_the_stages_a_build_reports(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copy(ROOT / "site_config.yml", project / "site_config.yml")
    (project / "services.yaml").write_text(TINY_SERVICES, encoding="utf-8")
    reported: list[str] = []
    build(project, project / "site", lambda stage, seconds: reported.append(stage))
    assert sorted(reported) == sorted(STAGE_ORDER)  # every stage, once
    assert [s for s in reported if s not in BESIDE] == [s for s in STAGE_ORDER if s not in BESIDE]  # in order
    assert max(reported.index("booklets"), reported.index("leaflets")) < reported.index("PDF sizes")
    output = "".join(f"{name:<24} {i + 0.25:6.2f} s\n" for i, name in enumerate(reported))
    output += f"{'total':<24} {99:6.2f} s -> /tmp/site\n3 unchanged booklets were reused from the previous build\n"
    assert parse_stages(output) == [(name, i + 0.25) for i, name in enumerate(reported)]
    assert REUSED.search(output)[1] == "3"


def test_marking_a_name_edits_only_that_services_english_name(tmp_path: Path) -> None:
    services = tmp_path / "services.yaml"
    shutil.copy(ROOT / "services.yaml", services)
    first = synthetic.first_service_id(services)
    synthetic.mark_english_name(services, first, "MARK")
    _, handbook = load_project(ROOT)
    (tmp_path / "site_config.yml").write_text((ROOT / "site_config.yml").read_text(encoding="utf-8"), encoding="utf-8")
    _, marked = load_project(tmp_path)
    changed = [(a.id, b.name["en"]) for a, b in zip(handbook.services, marked.services, strict=True) if a != b]
    assert changed == [(first, handbook.services[0].name["en"] + " MARK")] and first == handbook.services[0].id


def test_page_weight_follows_stylesheets_and_reports_missing_files(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text('<link rel="stylesheet" href="assets/a.css"><script src="assets/gone.js"></script>'
                                     '<img src="https://elsewhere.example/x.png"><script src="search/index.en.js"></script>')
    (site / "assets" / "a.css").write_text("body { background: url('b.png') }")
    (site / "assets" / "b.png").write_bytes(b"\0" * 100)
    assets, missing = weight.page_assets(site, site / "index.html")
    assert [a.relative_to(site).as_posix() for a in assets] == ["assets/a.css", "assets/b.png"]
    assert missing == ["assets/gone.js (from index.html)", "search/index.en.js (from index.html)"]
    assert weight.loads_search_index(site, site / "index.html")
    assert 0 < weight.gz(site / "assets" / "b.png") < 100  # zeros compress


def test_report_rows_judge_each_target(tmp_path: Path) -> None:
    assert (report.secs(None), report.secs(1.234), report.size(None), report.size(2048), report.size(3 * 1024 ** 3)) == (
        "—", "1.23 s", "—", "2.0 KB", "3.0 GB")
    check = {"wall": 1.5, "startup": 0.1, "imports": 0.6, "load_project": 0.5}
    rows = report.check_rows({"seconds": 4.0, "files": 2, "pages": 10, "bytes": 5000}, check, 3)
    assert rows[2] == ("   handbook check (median of 5)", "1.50 s", "≤ 1 s", "MISSED")
    assert [r[0] for r in rows[3:]][0] == "    where: Python start-up (python -c pass)"  # a missed target says where
    assert report.check_rows({"seconds": 4.0, "files": 2, "pages": 10, "bytes": 5000}, {**check, "wall": 0.5}, 3)[2][3] == "ok"


def test_scale_rows_judge_time_against_the_same_runs_1x_build_and_peak_memory() -> None:
    def scaled(factor: int, wall: float, peak: int) -> dict[str, object]:
        return {"factor": factor, "wall": wall, "peak_rss": peak, "returncode": 0, "services_bytes": 1000,
                "stages": [("booklets", wall / 2), ("mkdocs", wall / 4)], "site_bytes": 10}
    gb = 1024 ** 3
    rows = report.scale_rows([scaled(1, 10.0, gb), scaled(10, 109.0, 2 * gb), scaled(100, 1001.0, 5 * gb)])
    walls = {r[0]: r for r in rows if "build wall" in r[0]}
    assert walls["6. scale 10×: build wall"][1:] == ("109.00 s (10.9 × 1×)", "≤ 11 × 1× = 110.00 s", "ok")
    assert walls["6. scale 100×: build wall"][1:] == ("1001.00 s (100.1 × 1×)", "≤ 100 × 1× = 1000.00 s", "MISSED")
    assert [r[3] for r in rows if "peak RSS" in r[0]] == ["ok", "ok", "MISSED"]
    assert ("    booklets", "500.50 s", "", "") in rows  # every stage of a scaled build, met or not
    stopped = {**scaled(100, 900.0, 9 * gb), "stopped_for": "memory", "stopped_in": "mkdocs", "returncode": None}
    assert [r[1:] for r in report.scale_rows([scaled(1, 10.0, gb), stopped]) if "peak" in r[0] or "wall" in r[0]][-2:] == [
        ("stopped at 900.00 s: RSS > 8.0 GB, in mkdocs", "≤ 100 × 1× = 1000.00 s", "unknown"),
        ("> 8.0 GB (stopped)", "< 4.0 GB", "MISSED")]


def test_a_scaled_builds_peak_says_which_processes_held_it_and_when() -> None:
    gb = 1024 ** 3
    one = {"factor": 1, "wall": 10.0, "peak_rss": gb, "returncode": 0, "stages": [], "site_bytes": 10}
    big = {**one, "factor": 10, "wall": 100.0, "peak_rss": 3 * gb, "services_bytes": 1000, "peak_at": 42.0,
           "peak_parts": {"build": gb // 2, "typst": 2 * gb, "mkdocs": gb // 2}}
    rows = report.scale_rows([one, big])
    assert rows[[r[0] for r in rows].index("   scale 10×: peak RSS") + 1][:2] == (
        "     at 42.00 s", "typst 2.0 GB, build 512.0 MB, mkdocs 512.0 MB")


def test_the_peak_is_split_by_kind_of_process(tmp_path: Path) -> None:
    script = "import subprocess, time; c = subprocess.Popen(['sleep', '3']); time.sleep(0.5); c.wait()"
    run = process.run_measured([sys.executable, "-c", script, "generator"], tmp_path / "log")
    assert run.returncode == 0 and set(run.peak_parts) == {"build", "other"}  # the command (its argv names the
    # generator), and sleep
    assert sum(run.peak_parts.values()) == run.peak_rss and 0 < run.peak_at < run.wall


def test_results_are_written_one_file_per_run_by_date(tmp_path: Path) -> None:
    first = report.write_results({"when": "2026-11-30T12:00:00+0000", "x": 1}, tmp_path)
    second = report.write_results({"when": "2026-11-30T13:00:00+0000", "x": 2}, tmp_path)
    assert (first.name, second.name) == ("2026-11-30.json", "2026-11-30-2.json")
    assert json.loads(first.read_text(encoding="utf-8"))["x"] == 1


@pytest.mark.slow
def test_the_mkdocs_baseline_is_set_up_by_the_bench_itself(tmp_path: Path) -> None:
    project = synthetic.copy_project(tmp_path / "project")
    configs, pages = prepare_mkdocs(project, tmp_path / "work")
    assert [c.relative_to(tmp_path).as_posix() for c in configs] == ["work/zh/mkdocs.yml", "work/en/mkdocs.yml"]
    for config in configs:
        settings = json.loads(config.read_text(encoding="utf-8"))
        assert Path(settings["docs_dir"]) == config.parent / "docs" and Path(settings["site_dir"]) == config.parent / "out"
        assert len(list((config.parent / "docs").rglob("*.md"))) == pages[config.parent.name]
        assert (config.parent / "docs" / "finder" / "index.md").is_file()  # every page a build gives MkDocs
    run_mkdocs_builds(configs)  # MkDocs (strict) builds them: a missing page would stop it
    assert all((config.parent / "out" / "finder" / "index.html").is_file() for config in configs)


def test_the_readme_quotes_a_committed_results_file() -> None:
    """README's performance figures come from a results file in the repository, and say what it says."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"\(bench/results/([0-9-]+\.json)\)", readme))
    assert cited, "README cites no results file"
    for name in cited:
        results = json.loads((ROOT / "bench" / "results" / name).read_text(encoding="utf-8"))
        if "against" in results:  # cold builds alternating with another commit's (--against): both medians quoted
            assert all(f"{results['against'][side]['wall']:.2f} s" in readme for side in ("this", "reference"))
            continue
        if "build" not in results:  # a run of the scaled builds alone (--scale): the 100× build's time is quoted
            assert f"{results['scale'][-1]['wall']:.0f} s" in readme
            continue
        check = next(row["value"] for row in results["table"] if row["measure"].startswith("   handbook check"))
        assert f"| {check} |" in readme  # e.g. '| 0.57 s |'
        assert f"{results['build']['wall']:.1f} s" in readme


def test_first_paint_rows_judge_each_page_against_the_target() -> None:
    """One row per page: its median run against ≤ FCP_MAX with score 100 and no layout shift (met, or missed by any),
    the spread of the runs, a failed run as missed; without Node, one row saying so."""
    pages = {"/": {"fcp": 0.8, "score": 100, "cls": 0, "fcp_runs": [0.95, 0.8, 0.7]},
             "finder/": {"fcp": 0.91, "score": 100, "cls": 0}, "en/": {"fcp": 0.5, "score": 99, "cls": 0, "tbt": 0.1234},
             "en/svc/": {"fcp": 0.5, "score": 100, "cls": 0.002}, "en/finder/": {"error": "Runtime error encountered"}}
    rows = report.paint_rows({"runs": 3, "pages": pages})
    assert [(r[1], r[3]) for r in rows] == [("0.80 s (0.70–0.95), score 100, CLS 0.000", "ok"),
                                            ("0.91 s, score 100, CLS 0.000", "MISSED"),
                                            ("0.50 s, score 99, CLS 0.000, TBT 123 ms", "MISSED"),
                                            ("0.50 s, score 100, CLS 0.002", "MISSED"),
                                            ("failed: Runtime error encountered", "MISSED")]
    assert rows[0][0] == "5b. first contentful paint, / (Lighthouse mobile, .gz, median of 3)"
    assert report.paint_rows({"node": None, "note": "Node (npx) not found"}) == [
        ("5b. first paint (Lighthouse mobile)", "Node (npx) not found", f"≤ {report.FCP_MAX} s", "")]


def test_search_download_rows_judge_1x_and_10x_against_their_own_targets() -> None:
    found = {"queries": 3, "largest_query": "驾照", "median": 20 * 1024, "manifest": 3000, "all_files": 140 * 1024, "files": 36}
    rows = report.search_download_rows({"1": {**found, "largest": 61 * 1024}, "10": {**found, "largest": 61 * 1024}})
    assert [(r[2], r[3]) for r in rows] == [("≤ 60.0 KB", "MISSED"), ("≤ 150.0 KB", "ok")]
    assert "largest 61.0 KB (驾照), median 20.0 KB of 3 queries" in rows[0][1]


def test_the_pins_of_a_commit_are_read_and_compared_by_the_names_pip_uses() -> None:
    """A reference commit's exact pins, by canonical name (extras and markers aside, loose ones left out) → those this
    environment does not have in that version."""
    pins = against.pins(textwrap.dedent("""\
        [project]
        dependencies = ["PyYAML==6.0.4", "ruamel.yaml == 0.19.1", "typst[cli]==0.15.2", "segno==1.6.6",
                        "tomli==2.0.1; python_version < '3.11'", "jinja2>=3"]
        """))
    assert pins == {"pyyaml": "6.0.4", "ruamel-yaml": "0.19.1", "typst": "0.15.2", "segno": "1.6.6", "tomli": "2.0.1"}
    installed = {"pyyaml": "6.0.4", "ruamel-yaml": "0.19.1", "typst": "0.14.0"}
    assert against.differing(pins, lambda name: installed.get(name)) == ["segno==1.6.6", "tomli==2.0.1", "typst==0.15.2"]
    assert against.installed_version("jinja2") is not None and against.installed_version("no-such-thing-here") is None


def test_the_reference_is_the_commits_own_files(tmp_path: Path) -> None:
    """git archive of the commit named: its files as they were then, none added since; an unknown name stops the
    benchmark, saying so."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "services.yaml").write_text("first\n", encoding="utf-8")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], check=True)
    first = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    (repo / "services.yaml").write_text("second\n", encoding="utf-8")
    (repo / "new.txt").write_text("later\n", encoding="utf-8")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "two"], check=True)
    assert against.reference_tree(first[:7], tmp_path / "tree", repo) == first
    assert (tmp_path / "tree" / "services.yaml").read_text(encoding="utf-8") == "first\n"
    assert not (tmp_path / "tree" / "new.txt").exists()
    with pytest.raises(SystemExit, match="no such commit"):
        against.reference_tree("nonesuch", tmp_path / "other", repo)


def test_builds_alternate_round_by_round_and_the_ratio_is_the_median_of_the_rounds(tmp_path: Path) -> None:
    """Round 0 builds the reference first, round 1 this tree first, and so on; each build from a removed site folder,
    its wall time and the CPU counted around it on its side; the ratio reported is the median of the rounds' ratios
    (wall and CPU), the ratio of the medians beside it; a failed build stops the benchmark."""
    reference = against.Side("reference", ["ref"], {}, tmp_path / "site-ref", tmp_path, [], [])
    this = against.Side("this", ["this"], {}, tmp_path / "site-this", tmp_path, [], [])
    walls = {"ref": iter([10.0, 12.0, 11.0, 9.0]), "this": iter([9.0, 13.0, 10.0, 9.0])}
    order, clock = [], [0.0]

    def run(side: against.Side, log: Path) -> process.Run:
        assert not side.site.exists()  # removed before each build
        side.site.mkdir()
        order.append(side.command[0])
        wall = next(walls[side.command[0]])
        clock[0] += 2 * wall  # the build's "CPU": twice its wall time
        return process.Run(wall, 0, 0, "")

    def cpu() -> float:
        return clock[0]

    against.alternate((reference, this), 4, tmp_path, run=run, cpu=cpu, reap=lambda: None)
    assert order == ["ref", "this", "this", "ref", "ref", "this", "this", "ref"]
    assert reference.walls == [10.0, 12.0, 11.0, 9.0] and this.walls == [9.0, 13.0, 10.0, 9.0]
    assert reference.cpus == [20.0, 24.0, 22.0, 18.0]
    figures = against.compared(reference, this)
    assert figures["round_ratios"] == pytest.approx([0.9, 13 / 12, 10 / 11, 1.0])
    assert figures["wall_ratio"] == pytest.approx((10 / 11 + 1.0) / 2)  # the median of the rounds' ratios
    assert figures["cpu_ratio"] == pytest.approx((10 / 11 + 1.0) / 2) and figures["ratio_of_medians"] == pytest.approx(9.5 / 10.5)
    rows = report.against_rows({**figures, "commit": "09ffdf5" + "0" * 33, "needed": ["segno==1.6.6"]}, "09ffdf5")
    assert rows[0][1:] == ("9.50 s", "≤ 10 s", "ok") and rows[1][1] == "10.50 s"
    assert rows[2][1] == "0.955 × (0.900–1.083, faster in 2 of 4); ratio of the medians 0.905 ×"
    assert rows[3][1] == "19.0 s, 21.0 s; 0.955 × (0.900–1.083)" and rows[4][1] == "segno==1.6.6"
    with pytest.raises(SystemExit, match="the build of reference failed"):
        against.alternate((reference, this), 1, tmp_path, run=lambda side, log: process.Run(1.0, 0, 1, "boom"),
                          cpu=cpu, reap=lambda: None)


def test_the_cpu_of_processes_a_build_leaves_behind_is_counted() -> None:
    """A command whose own process ends at once, leaving a grandchild that works on (as a build leaves its Typst
    workers' server): with the benchmark as the reaper of orphans, the grandchild's CPU is in the count; without, it
    is lost. And a child of the MkDocs server is waited for as it ends (its CPU counted to the server): ignoring
    SIGCHLD lost it. Each case runs in a process of its own (a subreaper stays one)."""
    script = textwrap.dedent("""\
        import os, subprocess, sys, time
        from bench import against
        if sys.argv[1] == "reaper":
            against.become_subreaper()
        burn = "import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.3: pass"
        orphaning = f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {burn!r}])"
        before = against.children_cpu()
        subprocess.run([sys.executable, "-c", orphaning], check=True)  # returns at once: its child works on
        time.sleep(0.05)
        against.reap_orphans(within=30)
        print(against.children_cpu() - before)
        """)
    counted = {mode: float(subprocess.run([sys.executable, "-c", script, mode], cwd=ROOT, check=True,
                                          capture_output=True, text=True).stdout) for mode in ("reaper", "not")}
    assert counted["reaper"] >= 0.25 and counted["not"] < 0.2, counted
    server = textwrap.dedent("""\
        import os, resource, signal, sys, time
        from generator.web import mkdocs_server
        signal.signal(signal.SIGCHLD, mkdocs_server.reap if sys.argv[1] == "reap" else signal.SIG_IGN)
        def counted():
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime
        child = os.fork()
        if child == 0:
            t = time.process_time()
            while time.process_time() - t < 0.3:
                pass
            os._exit(0)
        deadline = time.monotonic() + 30  # a hang guard: the child ends after 0.3 s of CPU
        while counted() < 0.25 and time.monotonic() < deadline:
            try:
                os.kill(child, 0)  # (a zombie, ended but not waited for, still counts as there)
            except ProcessLookupError:
                break  # gone: reaped by the kernel, uncounted
            time.sleep(0.01)
        print(counted())
        """)
    counted = {mode: float(subprocess.run([sys.executable, "-c", server, mode], cwd=ROOT, check=True,
                                          capture_output=True, text=True).stdout) for mode in ("reap", "ignore")}
    assert counted["reap"] >= 0.25 and counted["ignore"] < 0.1, counted
