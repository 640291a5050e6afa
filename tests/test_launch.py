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


# the process registers a teardown step, as the interpreter's own cleanup at exit would run it, then starts the command
ENDED = """
import atexit, sys
atexit.register(print, "teardown", flush=True)
sys.argv = ["handbook", *sys.argv[1:]]
from generator.launch import main
sys.exit(main())
"""


@pytest.mark.parametrize("command, torn_down", [("build", False), ("check", True)])
def test_a_build_ends_without_the_interpreters_teardown_its_output_and_exit_code_kept(tmp_path, command: str,
                                                                                       torn_down: bool) -> None:
    """`build` ends its process as soon as it is done (no teardown: launch.hard_exit), its exit code and what it wrote
    to stdout and stderr intact; other commands end as Python programs do."""
    missing = tmp_path / "nowhere"
    out = subprocess.run([sys.executable, "-c", ENDED, "--root", str(missing), command], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 1
    assert out.stderr == f"error: {missing}/site_config.yml: No such file or directory\n"
    assert ("teardown" in out.stdout) is torn_down


def test_the_builds_start_does_not_import_mkdocs() -> None:
    """`handbook build` imports the command line and the build; MkDocs (0.08 s of imports) only once its pages are to
    be built, so the first PDF's job does not wait for it."""
    out = subprocess.run([sys.executable, "-c", "import sys, generator.cli, generator.build; "
                          "print(sorted({m.split('.')[0] for m in sys.modules} & {'mkdocs', 'material'}))"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# the process records when the Typst workers start and how many pools are made, then starts the command as `handbook`
# would; what it saw is printed as the process ends (hard_exit for a build, the interpreter's exit for --help)
EARLY = """
import atexit, os, sys
sys.argv = ["handbook", *sys.argv[1:]]
from generator.printing import typesetting
seen, made = [], []
start, init = typesetting.start_workers_early, typesetting.RecyclingPool.__init__
def recorded():
    seen.append(sorted({"generator.cli", "generator.build"} & set(sys.modules)))
    start()
def counted(self, *args, **kwargs):
    made.append(args)
    init(self, *args, **kwargs)
typesetting.start_workers_early, typesetting.RecyclingPool.__init__ = recorded, counted
def report():
    print(seen, len(made), flush=True)
atexit.register(report)
from generator import launch
def end(code):
    report()
    os._exit(code)
launch.hard_exit = end
sys.exit(launch.main())
"""


@pytest.mark.parametrize("args, started", [(("build",), True), (("build", "--help"), False), (("check",), False)])
def test_a_build_starts_its_typst_workers_before_its_imports_and_uses_them(tmp_path, args: tuple[str, ...],
                                                                           started: bool) -> None:
    """`handbook build` starts its pool of Typst workers before the command line and the build are imported
    (typesetting.start_workers_early: they come up on the other core meanwhile), and its build takes that pool: one
    pool is made in all, also when the build fails at once (here: no project). Other commands start none."""
    missing = tmp_path / "nowhere"
    out = subprocess.run([sys.executable, "-c", EARLY, "--root", str(missing), *args], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == (0 if "--help" in args else 1), out.stderr
    assert out.stdout.splitlines()[-1] == ("[[]] 1" if started else "[] 0")
