"""The `handbook` command's start: `build` and `serve`, which typeset, run again at once with jemalloc preloaded where
it is installed (printing/allocator.py), before anything else is imported; then the command line (cli.py)."""
from __future__ import annotations

import os
import sys

from .printing.allocator import allocator, preloading

PRELOADED_FOR = ("build", "serve")  # the commands that run long enough to gain (a word elsewhere just costs a start)


def main() -> int:
    """Entry point of the `handbook` command (and `python -m generator`)."""
    relaunch_with_allocator(sys.argv[1:])
    from .cli import main as command_line
    return command_line()


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
