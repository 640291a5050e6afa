"""Before and after on the same machine in the same hour: cold builds of another commit, as it was (its own code,
data and templates, its own pinned dependencies), alternating with cold builds of this tree → the medians of their
wall times and of their CPU, and the ratios.

One build of each says little on a shared machine: the same code's cold build here has taken 9 s one quarter of an
hour and 12 s the next. Alternating the two, round by round (the reference first in even rounds, this tree first in
odd ones), gives both the same hours. CPU is the whole process tree's, every process of it waited for: the
benchmark makes itself the reaper of the build's orphans (a Typst worker's server outlives the build's own process,
which ends without waiting for it), so the kernel's count of its children's CPU holds all of them.

    make bench BENCH_ARGS="--against 09ffdf5 --rounds 8"

The reference commit's files come from `git archive`; the dependencies it pins that this environment has in another
version (or not at all) are installed for it alone into a folder beside it (`pip install --no-deps --target`),
which its builds find first on PYTHONPATH. That is the one step that may download (from PyPI), and only when a pin
differs; the builds themselves download nothing."""
from __future__ import annotations

import ctypes
import importlib.metadata
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import PYTHON, ROOT
from .process import Run, run_measured
from .synthetic import copy_project
from .timing import BENCH_SITE_URL, check_build

PR_SET_CHILD_SUBREAPER = 36  # prctl(2): orphaned descendants are re-parented to this process, not to init
REAP_WITHIN = 60.0  # seconds to wait, after a build's own process ends, for the processes it left to end
PIN = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*==\s*([^\s;,]+)\s*(?:;.*)?")


def canonical(name: str) -> str:
    """A distribution's name as pip compares names (PEP 503): 'PyYAML' and 'pyyaml', 'ruamel.yaml' and 'ruamel-yaml'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(pyproject: str) -> dict[str, str]:
    """The text of a pyproject.toml → the versions its [project] dependencies pin (name == version), by canonical
    name; a dependency without an exact pin is left out (nothing to install it as)."""
    found = {}
    for requirement in tomllib.loads(pyproject).get("project", {}).get("dependencies", []):
        if m := PIN.fullmatch(requirement):
            found[canonical(m[1])] = m[2]
    return found


def installed_version(name: str) -> str | None:
    """A distribution's version in the environment the benchmark runs in (None if it has none)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def differing(pinned: dict[str, str], installed: Callable[[str], str | None] = installed_version) -> list[str]:
    """Pins → those this environment does not satisfy, as requirements ("segno==1.6.6"), sorted."""
    return [f"{name}=={version}" for name, version in sorted(pinned.items()) if installed(name) != version]


def reference_tree(rev: str, dest: Path, repo: Path = ROOT) -> str:
    """A revision of the repository → its files written under `dest` (git archive); → its full commit hash."""
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", f"{rev}^{{commit}}"],
                            capture_output=True, text=True)
    if commit.returncode != 0:
        sys.exit(f"bench: --against {rev}: no such commit in {repo} ({commit.stderr.strip()})")
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.Popen(["git", "-C", str(repo), "archive", "--format=tar", commit.stdout.strip()],
                               stdout=subprocess.PIPE)
    assert archive.stdout is not None
    with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
        if hasattr(tarfile, "data_filter"):  # (Python 3.11.4 on: nothing written outside dest, no links out of it)
            tar.extractall(dest, filter="data")
        else:
            tar.extractall(dest)  # noqa: S202 (our own repository's files)
    if archive.wait() != 0:
        sys.exit(f"bench: --against {rev}: git archive failed")
    return commit.stdout.strip()


def side_packages(requirements: Sequence[str], dest: Path) -> None:
    """Requirements → installed into `dest` alone, without their dependencies (the reference finds the rest in this
    environment); nothing to do for none. Exits, saying which, if pip cannot install them."""
    if not requirements:
        return
    done = subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                           "--target", str(dest), *requirements], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench: the reference's pinned dependencies {', '.join(requirements)} could not be installed:\n"
                 f"{done.stderr[-2000:]}")


def become_subreaper() -> bool:
    """This process made the reaper of its descendants' orphans (Linux); False where that cannot be done."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def reap_orphans(within: float = REAP_WITHIN) -> None:
    """Wait for every child left (the orphans of a finished build, re-parented here), up to `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # none left
        if pid == 0:
            time.sleep(0.01)


def children_cpu() -> float:
    """Seconds of CPU (user and system) of every descendant waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Side:
    """One side of the comparison: how to build it, and what its builds took."""

    label: str
    command: list[str]
    env: dict[str, str]
    site: Path  # the folder its builds write (removed before each)
    project: Path  # the folder its builds read, and run in: `python -m` looks for the generator there first
    walls: list[float] = field(default_factory=list)  # each build's wall time, in the order built
    cpus: list[float] = field(default_factory=list)  # and its process tree's CPU


def build_side(label: str, project: Path, path: list[Path], tmp: Path) -> Side:
    """A project folder and the folders its code comes from (first on PYTHONPATH) → a side to build."""
    site = tmp / f"site-{label}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in path)}
    return Side(label, [str(PYTHON), "-m", "generator", "--root", str(project), "build", "--site-dir", str(site),
                        "--site-url", BENCH_SITE_URL], env, site, project)


def alternate(sides: tuple[Side, Side], rounds: int, tmp: Path,
              run: Callable[[Side, Path], Run] | None = None,
              cpu: Callable[[], float] = children_cpu, reap: Callable[[], None] = reap_orphans,
              step: Callable[[str], None] = lambda _: None) -> None:
    """Cold builds of both sides, alternating round by round (the first side first in even rounds), each from a
    removed site folder; each build's wall time and the CPU of its whole process tree recorded on its side."""
    def measured(side: Side, log: Path) -> Run:
        return run_measured(side.command, log, env=side.env, cwd=side.project)
    run = run or measured
    for r in range(rounds):
        for side in sides if r % 2 == 0 else sides[::-1]:
            shutil.rmtree(side.site, ignore_errors=True)
            before = cpu()
            done = run(side, tmp / f"{side.label}-{r}.log")
            reap()
            check_build(done, f"the build of {side.label}")
            side.walls.append(done.wall)
            side.cpus.append(cpu() - before)
        step(f"round {r + 1} of {rounds}: " + ", ".join(f"{s.label} {s.walls[-1]:.2f} s" for s in sides))


def compared(reference: Side, this: Side) -> dict[str, Any]:
    """Both sides' builds → medians, and this side's over the reference's: each round's ratio (of wall time, of CPU)
    and their median, which a machine that speeds up or slows down between rounds moves least (both builds of a round
    come within the same minute), and the ratio of the medians."""
    walls = [t / r for t, r in zip(this.walls, reference.walls, strict=True)]
    cpus = [t / r for t, r in zip(this.cpus, reference.cpus, strict=True)]
    return {
        "rounds": len(walls),
        "reference": {"wall": statistics.median(reference.walls), "cpu": statistics.median(reference.cpus),
                      "walls": reference.walls, "cpus": reference.cpus},
        "this": {"wall": statistics.median(this.walls), "cpu": statistics.median(this.cpus),
                 "walls": this.walls, "cpus": this.cpus},
        "round_ratios": walls, "wall_ratio": statistics.median(walls),
        "cpu_round_ratios": cpus, "cpu_ratio": statistics.median(cpus),
        "ratio_of_medians": statistics.median(this.walls) / statistics.median(reference.walls),
    }


def measure_against(rev: str, rounds: int, tmp: Path, step: Callable[[str], None]) -> dict[str, Any]:
    """A revision and a number of rounds → the comparison of its cold builds with this tree's (see the module)."""
    tree = tmp / "reference"
    commit = reference_tree(rev, tree)
    pyproject = tree / "pyproject.toml"
    needed = differing(pins(pyproject.read_text(encoding="utf-8"))) if pyproject.is_file() else []
    step(f"reference {commit[:10]}: {len(needed)} pinned dependencies of its own" + (f" ({', '.join(needed)})"
                                                                                     if needed else ""))
    side_packages(needed, tmp / "reference-packages")
    reference = build_side("reference", tree, [tree, tmp / "reference-packages"], tmp)
    this = build_side("this", copy_project(tmp / "this-project"), [ROOT], tmp)
    if not become_subreaper():
        step("the CPU counts only the processes each build waited for (no subreaper on this system)")
    alternate((reference, this), rounds, tmp, step=step)
    return {"commit": commit, "needed": needed, **compared(reference, this)}
