"""MkDocs runs forked from one server process (generator/web/mkdocs_server.py): each run's output and exit code come
back as a separate `python -m mkdocs` would give them, runs go side by side, a run can be stopped, and a server that is
gone says so."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from generator.web.mkdocs_server import MkDocsServer, ServerGone, exit_code, preloaded_extensions

ENV = {**os.environ, "NO_COLOR": "1", "NO_MKDOCS_2_WARNING": "1"}
SLOW_HOOK = "import time\ndef on_config(config):\n    time.sleep(60)\n    return config\n"


def project(folder: Path, title: str, hook: str | None = None) -> Path:
    """A one-page MkDocs project in `folder` → its mkdocs.yml."""
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text(f"# {title}\n\nHello.\n", encoding="utf-8")
    hooks = ""
    if hook is not None:
        (folder / "hook.py").write_text(hook, encoding="utf-8")
        hooks = "hooks: [hook.py]\n"
    (folder / "mkdocs.yml").write_text(f"site_name: {title}\ntheme: {{name: material}}\n{hooks}", encoding="utf-8")
    return folder / "mkdocs.yml"


def finished(server: MkDocsServer, args: list[str]) -> tuple[int, str, int]:
    """A run started on `server` and read to its end → (exit code, output, process id)."""
    pid, output = server.start(args)
    with output:
        lines = list(output)
    return exit_code(lines), "".join(lines), pid


def parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return int(stat.read().rpartition(")")[2].split()[1])


def test_runs_are_forked_from_the_server_side_by_side_with_their_output_and_exit_code(tmp_path: Path) -> None:
    with MkDocsServer(preloaded_extensions(["attr_list", {"toc": {"permalink": False}}]), ENV) as server:
        results: dict[str, tuple[int, str, int]] = {}

        def build(name: str) -> None:
            results[name] = finished(server, ["build", "-f", str(project(tmp_path / name, f"Site {name}"))])
        threads = [threading.Thread(target=build, args=(name,)) for name in ("one", "two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for name in ("one", "two"):
            code, output, pid = results[name]
            assert code == 0, output
            assert "Documentation built" in output and "mkdocs exit" not in output
            assert f"<h1 id=\"site-{name}\">Site {name}</h1>" in (tmp_path / name / "site" / "index.html").read_text()
        assert results["one"][2] != results["two"][2] != server.process.pid
        code, output, _ = finished(server, ["build", "-f", str(tmp_path / "missing.yml")])  # MkDocs' own error
        assert code != 0 and "missing.yml" in output
        code, output, _ = finished(server, ["--version"])
        assert code == 0 and output.startswith("mkdocs, version")
    assert server.process.returncode == 0  # (closed: the server ended by itself)


def test_a_run_can_be_stopped_and_has_no_exit_code(tmp_path: Path) -> None:
    config = project(tmp_path / "slow", "Slow", SLOW_HOOK)
    with MkDocsServer((), ENV) as server:
        pid, output = server.start(["build", "-f", str(config)])
        assert parent_of(pid) == server.process.pid  # forked from the server, not started by the build
        time.sleep(0.5)  # (the run is in its hook)
        started = time.monotonic()
        server.stop(pid)
        with output:
            lines = list(output)
        assert exit_code(lines) == -1 and time.monotonic() - started < 30  # (a hang guard)
        server.stop(pid)  # (stopping a run that has ended does nothing)


def test_a_server_that_is_gone_says_so(tmp_path: Path) -> None:
    server = MkDocsServer((), ENV)
    server.process.kill()
    server.process.wait()
    with pytest.raises(ServerGone):
        server.start(["--version"])
    server.close()


def test_the_exit_line_is_read_off_the_output() -> None:
    lines = ["INFO - Building\n", "\n", "\x00mkdocs exit 3\n"]
    assert exit_code(lines) == 3 and lines == ["INFO - Building\n"]
    assert exit_code(["INFO - Building\n"]) == -1
    assert preloaded_extensions(["attr_list", "pymdownx.details", {"toc": {"permalink": False}}]) == [
        "markdown.extensions.attr_list", "pymdownx.details", "markdown.extensions.toc"]
