"""The command's start (generator/launch.py): build and serve run again with jemalloc preloaded, where installed."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from generator.printing.allocator import allocator

from .conftest import ROOT

# the process says whether it has jemalloc, then starts the command as `handbook` would
STARTED = """
import sys
print("jemalloc" in open("/proc/self/maps", encoding="utf-8").read(), flush=True)
sys.argv = ["handbook", *sys.argv[1:]]
from generator.launch import main
sys.exit(main())
"""


def started(*args: str) -> list[str]:
    """A command's lines of output, each run of the process first saying whether it has jemalloc mapped."""
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    out = subprocess.run([sys.executable, "-c", STARTED, *args], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


@pytest.mark.skipif(allocator() is None and os.environ.get("CI") != "true",
                    reason="Debian's libjemalloc2 is not installed (CI installs it)")
def test_build_and_serve_run_again_with_jemalloc_other_commands_do_not() -> None:
    """`build` starts twice, the second time (the same process, same arguments) with jemalloc; a command that does
    not typeset starts once, without it."""
    build = started("build", "--help")
    assert build[:2] == ["False", "True"] and "usage: handbook build" in "\n".join(build)
    assert started("serve", "--help")[:2] == ["False", "True"]
    check = started("diff", "--help")
    assert check[0] == "False" and "True" not in check
