"""Benchmarks of the handbook build, preview and output, as ONE table to compare runs on the same machine.

    make bench                          # everything (the 100x build may take up to 45 minutes)
    make bench BENCH_ARGS="--quick"     # skip the 100x build
    make bench BENCH_ARGS="--scale"     # only the 1x, 10x and 100x builds, one after another
    make bench BENCH_ARGS="--runs 5"    # more runs per median
    make bench BENCH_ARGS="--against 09ffdf5 --rounds 8"   # only cold builds of that commit and of this tree, alternating

Every measurement works on a copy of the project (services.yaml, site_config.yml, content/, templates/) in a
temporary folder: the repository's site/ is never touched. Nothing is downloaded but Lighthouse (by npx from the npm
registry, where Node is installed) and, for --against, the pins of the other commit that this environment lacks (by
pip from PyPI); the builds themselves download nothing. The preview server binds 127.0.0.1 on a free port and is
stopped by the script. The results are also written to bench/results/<date>.json.

The package, by concern: process (running a command, its memory), synthetic (copies of the project, multiplied
data, edits), timing (build, rebuilds, booklets, check, preview), baseline (plain MkDocs on the same Markdown),
weight (page weight over the wire), scale (10×, 100×), against (another commit's cold builds alternating with this
tree's), report (targets, the table, the results file).

Peak memory is the largest sum of VmRSS over a process and its descendants, sampled every 50 ms: pages that
forked workers share with their parent count once per process, so it overstates a little. A scaled build is
stopped past 45 minutes or 8 GB (twice the target). Timings are only comparable on a quiet machine: the first
row shows the load average at the start and end.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"
HANDBOOK = BIN / "handbook"
RESULTS = ROOT / "bench" / "results"  # one JSON file per run, named by date
