"""MkDocs runs forked from one server process (generator/web/mkdocs_server.py): each run's output and exit code come
back as a separate `python -m mkdocs` would give them, runs go side by side, a run can be stopped, a server that is
gone says so, and the runs take the templates the server compiled (when their source and settings are the same)."""
from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import jinja2
import pytest
from mkdocs.theme import Theme

from generator.web.mkdocs_server import (
    RENDERED,
    MkDocsServer,
    Precompiled,
    ServerGone,
    exit_code,
    precompiled_templates,
    preloaded_extensions,
)

ENV = {**os.environ, "NO_COLOR": "1", "NO_MKDOCS_2_WARNING": "1"}
SLOW_HOOK = "import time\ndef on_config(config):\n    time.sleep(60)\n    return config\n"


# a hook that prints the templates the run compiles itself, once it has built the site
COUNTING_HOOK = """
compiled = []
def on_env(env, config, files):
    compile = env.compile
    def counted(source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return compile(source, name, filename, *args, **kwargs)
    env.compile = counted
    return env
def on_post_build(config):
    print("compiled here:", " ".join(sorted(compiled)))
"""
MAIN = '{% extends "base.html" %}\n{% block content %}{{ super() }}<p>{{ page.title | upper }}</p>{% endblock %}\n'


def project(folder: Path, title: str, hook: str | None = None, theme: Path | None = None) -> Path:
    """A one-page MkDocs project in `folder` (with `theme` as Material's custom folder) → its mkdocs.yml."""
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text(f"# {title}\n\nHello.\n", encoding="utf-8")
    hooks = ""
    if hook is not None:
        (folder / "hook.py").write_text(hook, encoding="utf-8")
        hooks = "hooks: [hook.py]\n"
    custom = f", custom_dir: {theme}" if theme is not None else ""
    (folder / "mkdocs.yml").write_text(f"site_name: {title}\ntheme: {{name: material{custom}}}\n{hooks}",
                                       encoding="utf-8")
    return folder / "mkdocs.yml"


def theme_folder(folder: Path, main: str = MAIN) -> Path:
    """A custom theme folder over Material with its own main.html → the folder."""
    folder.mkdir(parents=True)
    (folder / "main.html").write_text(main, encoding="utf-8")
    return folder


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


def test_runs_take_the_templates_the_server_compiled_and_build_the_same_pages(tmp_path: Path) -> None:
    # the build gives the server the project's theme folder and each run a copy of it: same sources, other files
    theme = theme_folder(tmp_path / "templates")
    builds = {}
    for name, folder in (("compiled", theme), ("plain", None)):
        copy = tmp_path / name / "theme"
        shutil.copytree(theme, copy)
        with MkDocsServer((), ENV, folder) as server:
            builds[name] = finished(server, ["build", "-f", str(project(tmp_path / name / "site-project", "Site",
                                                                         COUNTING_HOOK, copy))])
    for code, output, _ in builds.values():
        assert code == 0, output
    here = {name: set(next(line for line in output.splitlines() if line.startswith("compiled here:")).split()[2:])
            for name, (_, output, _) in builds.items()}
    assert {"main.html", "base.html", "404.html", "partials/header.html"} <= here["plain"]
    assert not here["compiled"] & {"main.html", "base.html", "404.html", "partials/header.html", "sitemap.xml"}
    pages = {name: (tmp_path / name / "site-project" / "site" / "index.html").read_text(encoding="utf-8")
             for name in builds}
    assert "<p>SITE</p>" in pages["compiled"] and pages["compiled"] == pages["plain"]


def test_a_template_that_fails_names_the_runs_own_file(tmp_path: Path) -> None:
    broken = MAIN.replace("{{ page.title | upper }}", "{{ page.title | upper }}{{ 1 // page.meta.get('zero', 0) }}")
    theme = theme_folder(tmp_path / "templates", broken)
    copy = tmp_path / "run" / "theme"
    shutil.copytree(theme, copy)
    with MkDocsServer((), ENV, theme) as server:
        code, output, _ = finished(server, ["build", "-f", str(project(tmp_path / "run" / "project", "Site",
                                                                     COUNTING_HOOK, copy))])
    assert code != 0 and "ZeroDivisionError" in output
    assert f'File "{copy / "main.html"}", line 2' in output and str(theme) not in output


def test_a_template_is_taken_only_with_the_same_name_source_and_settings(tmp_path: Path) -> None:
    theme = theme_folder(tmp_path / "templates")
    compiled = precompiled_templates(str(theme))
    names = {name for _, name, _ in compiled}
    assert set(RENDERED) | {"base.html", "partials/header.html"} <= names  # and the templates they name
    assert not any(name.startswith("partials/languages/") and name != "partials/languages/en.html" for name in names)
    env = Theme(name="material", custom_dir=str(theme)).get_env()
    cache = Precompiled(compiled)
    source = MAIN
    code = cache.get_bucket(env, "main.html", "/run/theme/main.html", source).code  # as compiled from the run's copy
    assert code is not None and code.co_filename == "/run/theme/main.html"
    assert all(c.co_filename == "/run/theme/main.html" for c in code.co_consts if hasattr(c, "co_filename"))
    assert cache.get_bucket(env, "main.html", "/run/theme/main.html", source + "\n").code is None  # edited since
    assert cache.get_bucket(env, "other.html", "/run/theme/other.html", source).code is None  # another name
    env.filters["upper"] = jinja2.pass_context(lambda context, value: value)  # compiled into the call: another env
    assert cache.get_bucket(env, "main.html", "/run/theme/main.html", source).code is None


def test_a_template_named_only_in_a_replaced_block_is_left_to_the_runs(tmp_path: Path) -> None:
    # Material's base.html names its header in a block the handbook's main.html replaces (it keeps the footer)
    replaced = theme_folder(tmp_path / "replaced",
                            '{% extends "base.html" %}{% block header %}<p>ours</p>{% endblock %}')
    kept = theme_folder(tmp_path / "kept", '{% extends "base.html" %}{% block header %}{{ super() }}{% endblock %}')
    names = {folder: {name for _, name, _ in precompiled_templates(str(folder))} for folder in (replaced, kept)}
    assert "partials/header.html" not in names[replaced] and "partials/footer.html" in names[replaced]
    assert {"partials/header.html", "partials/footer.html"} <= names[kept]
    # a 404 page that extends main.html: main.html's own replacements hold for it too
    (replaced / "404.html").write_text('{% extends "main.html" %}{% block content %}<h1>404</h1>{% endblock %}',
                                       encoding="utf-8")
    assert "partials/header.html" not in {name for _, name, _ in precompiled_templates(str(replaced))}
