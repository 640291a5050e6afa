"""Which memory allocator the build's processes run with: Debian's libjemalloc2 where it is installed.

Typst and the build allocate and free a great many small blocks; with jemalloc in place of glibc's malloc, the Typst
workers take about a tenth less CPU for the same PDFs and the build's own process about 6 % less. Where it is not
installed everything runs as before, on glibc's: the output is the same either way. Kept apart from typesetting so
the command can look before it imports anything else (generator/launch.py)."""
from __future__ import annotations

import os
import sys

JEMALLOC = "libjemalloc.so.2"  # Debian's libjemalloc2 (BSD-2-Clause)
LIBRARY_DIRS = ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib")


def allocator() -> str | None:
    """The path of the jemalloc library to preload, or None where it is not installed (or not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    return next((path for d in LIBRARY_DIRS if os.path.isfile(path := os.path.join(d, JEMALLOC))), None)


def preloading(library: str, environ: dict[str, str] | os._Environ[str]) -> dict[str, str] | None:
    """The environment a process started from `environ` needs to preload `library` (with anything the user preloads
    already), or None if it is preloaded already."""
    preloaded = environ.get("LD_PRELOAD", "")
    if library in preloaded.replace(":", " ").split():
        return None
    return {**environ, "LD_PRELOAD": " ".join(filter(None, (library, preloaded)))}
