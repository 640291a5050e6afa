"""The `handbook` command's start: `build` and `serve`, which typeset, run again at once with jemalloc preloaded where
it is installed (printing/allocator.py), before anything else is imported; then the command line (cli.py); and its
end: the process stops as soon as the command is done (hard_exit)."""
from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn

from .printing.allocator import allocator, preloading

PRELOADED_FOR = ("build", "serve")  # the commands that run long enough to gain (a word elsewhere just costs a start)
HARD_EXIT_FOR = ("build",)  # the command whose process ends without the interpreter's teardown (hard_exit)


def main() -> int:
    """Entry point of the `handbook` command (and `python -m generator`) → the command's exit code; `build` starts its
    Typst workers before anything else is imported and ends the process itself (hard_exit)."""
    args = sys.argv[1:]
    relaunch_with_allocator(args)
    ends = any(a in HARD_EXIT_FOR for a in args)
    early = starts_workers_early(args)
    if early:
        from .printing.typesetting import start_workers_early, stop_early_workers
        start_workers_early()
    try:
        from .cli import main as command_line
        code = command_line(then_exit=ends)
    finally:
        if early:
            stop_early_workers()  # (only if the command did not take them: a failure before its build)
    if ends:
        hard_exit(code)
    return code


def starts_workers_early(args: list[str]) -> bool:
    """Whether a command line is a build that typesets (`build`, not `--help`): its Typst workers are started before
    anything else is imported (typesetting.start_workers_early)."""
    return "build" in args and not any(a in ("-h", "--help") for a in args)


def hard_exit(code: int) -> NoReturn:
    """A finished build's exit code → the process ends at once, its output flushed, without the interpreter's
    teardown: that frees every object the build made one by one, 0.2 s at the end of a build after its last file
    is written (as mypy ends, for the same reason). Nothing is left to do by then: the build has removed its
    temporary folders and stopped its Typst workers and MkDocs runs (the workers' server exits as its pipe closes).
    An exception the command lets through (a bug) still ends the process as usual, with its traceback."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # (a closed pipe: nothing more can reach it)
            stream.flush()
    os._exit(code)


def relaunch_with_allocator(args: list[str]) -> None:
    """For `build` and `serve`: the same command line run again in this process (exec: same process id, same
    streams) with jemalloc preloaded, unless it is already, or not installed; returns only when not relaunched."""
    library = allocator()
    if library is None or not any(a in PRELOADED_FOR for a in args):
        return
    environ = preloading(library, os.environ)
    if environ is None:
        return
    try:
        os.execve(sys.executable, sys.orig_argv, environ)
    except OSError:  # (the interpreter cannot be run again: go on as we are)
        return
