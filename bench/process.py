"""Running a command and watching it: wall time, peak memory of its process tree, its stage lines; stopping it."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SAMPLE_EVERY = 0.05  # seconds between RSS samples (and between preview polls)
STAGE_LINE = re.compile(r"^(?P<stage>\S.*?)\s+(?P<seconds>\d+\.\d+) s$")  # "booklets                  17.31 s"
MEMORY_MAX = 4 * 1024 ** 3  # bytes of RSS, the whole process tree
MEMORY_STOP = 2 * MEMORY_MAX  # a build past this is stopped: the target is missed anyway, and the machine is shared


@dataclass
class Run:
    """One finished (or stopped) command."""

    wall: float  # seconds from start to exit
    peak_rss: int  # bytes: the largest sum of VmRSS over the process and its descendants
    returncode: int | None  # None when the benchmark stopped it
    output: str  # stdout and stderr together
    stages: list[tuple[str, float]] = field(default_factory=list)  # the build's own "stage  seconds s" lines
    stopped_for: str | None = None  # "timeout" or "memory" when the benchmark stopped it
    peak_parts: dict[str, int] = field(default_factory=dict)  # at the peak: bytes of RSS by kind of process (see kind)
    peak_at: float = 0.0  # seconds from start to the peak


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


def kind(pid: int) -> str:
    """A process of a build → what it is: "mkdocs", "typst" (a worker of the pool, or the process it is forked
    from), "build" (the handbook command itself) or "other"."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return "other"
    if b"mkdocs" in cmdline:
        return "mkdocs"
    if b"multiprocessing" in cmdline:
        return "typst"
    return "build" if b"handbook" in cmdline or b"generator" in cmdline else "other"


def tree_parts(pid: int) -> dict[str, int]:
    """A process and all its descendants → the sum of their resident memory in bytes, by kind of process."""
    parts: dict[str, int] = {}
    todo, seen = [pid], set()
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            if size := rss(p):
                parts[kind(p)] = parts.get(kind(p), 0) + size
            todo.extend(children(p))
    return parts


def tree_rss(pid: int) -> int:
    """A process and all its descendants → the sum of their resident memory in bytes."""
    return sum(tree_parts(pid).values())


def run_measured(cmd: list[str], log: Path, timeout: float = float("inf"), memory_stop: int = MEMORY_STOP,
                 env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run a command (in `env` and `cwd`, else this process's) in its own process group, sampling the tree's RSS every
    50 ms; stop it on timeout or past memory_stop."""
    peak, ended, peak_at = 0, 0.0, 0.0
    peak_parts: dict[str, int] = {}
    done, too_big, exited = threading.Event(), threading.Event(), threading.Event()
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env,
                                cwd=cwd)

        def sample() -> None:
            nonlocal peak, peak_parts, peak_at
            while not done.is_set():
                parts = tree_parts(proc.pid)
                if sum(parts.values()) > peak:
                    peak, peak_parts, peak_at = sum(parts.values()), parts, time.perf_counter() - start
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
    return Run(wall, peak, None if stopped_for else proc.returncode, output, parse_stages(output), stopped_for,
               peak_parts, peak_at)


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


def disk_usage(path: Path) -> int:
    """A folder → bytes on disk, as `du -sk` counts them."""
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0]) * 1024
