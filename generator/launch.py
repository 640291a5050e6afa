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
    """Entry point of the `handbook` command (and `python -m generator`) → the command's exit code; `build` ends the
    process itself (hard_exit)."""
    relaunch_with_allocator(sys.argv[1:])
    from .cli import main as command_line
    code = command_line()
    if any(a in HARD_EXIT_FOR for a in sys.argv[1:]):
        hard_exit(code)
    return code


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
