"""MkDocs runs forked from one process that has imported MkDocs once (the build's MkDocs runs: build.py).

Each language's pages are built by MkDocs in a process of its own (and at many times the services, by several runs one
after another). Started as `python -m mkdocs`, every run paid for an interpreter and for MkDocs' imports (0.2 s of CPU,
a fifth of a run of the real handbook) while the Typst workers wanted both cores. Now the build starts this module
once (`MkDocsServer`), as `python -m generator.web.mkdocs_server`, which imports MkDocs, its build and the Markdown
extensions the handbook's configuration names, and then forks a child for each run: the child starts with all of that
imported and runs MkDocs' own command line (`mkdocs build …`), as the separate process did.

The build holds one end of a Unix socket pair, the server the other. A request is one message, the run's arguments
(JSON), with one file descriptor attached: the write end of a pipe, which becomes the child's stdout and stderr. The
server answers with the child's process id; the child writes MkDocs' output into the pipe and, last, a line `EXIT_LINE`
with its exit code (a child killed before has none). The build reading the pipe sees its end when the child exits.
When the build closes its end, the server exits (a child still running goes on to its end, or is stopped by the
build). Each child is waited for as it ends (SIGCHLD), so that the CPU it took counts to this process, and so to the
build's whole process tree as the kernel counts it for whoever waits for the build (bench/against.py does).

Given the theme's own folder (`templates`: the handbook's templates/theme, which each run's theme folder copies over
Material), the server also compiles the templates every run renders before it forks any (`precompiled_templates`):
Jinja compiled the same 30-odd templates again in every run, with its lexer made again for each, about a fifth of a
run's instructions. A run's template environment takes a template's code from the server's (`Precompiled`, a Jinja
bytecode cache) when its name, its source and the environment's settings are the same, and compiles it itself
otherwise.

This module imports nothing of the generator: the server is a process of MkDocs alone."""
from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterable, Mapping, Sequence
from types import CodeType
from typing import Any, NoReturn

import jinja2
from jinja2 import nodes

EXIT_LINE = "\x00mkdocs exit "  # the last line a run writes: this, then its exit code
PRELOAD = ("mkdocs.__main__", "mkdocs.commands.build", "mkdocs.config.defaults", "mkdocs.structure.files",
           "mkdocs.structure.pages", "mkdocs.structure.nav", "material")  # what every run imports first
RENDERED = ("main.html", "404.html", "sitemap.xml")  # the templates MkDocs renders (no page of the handbook names
# another): precompiled_templates compiles them and every template they name
TEMPLATES = "--templates"  # on the server's command line: the theme's own folder follows


class ServerGone(Exception):
    """The MkDocs server is not running (it failed to start, or exited)."""


class MkDocsServer:
    """The build's end of the server: `start` a run (its output read from the file it returns, to its end, and its exit
    code from the last line: `exit_code`), `stop` a run, `close` the server. Runs may be started from several threads."""

    def __init__(self, preload: Sequence[str] = (), env: Mapping[str, str] | None = None,
                 templates: os.PathLike[str] | None = None) -> None:
        """Starts the server, which imports MkDocs and the modules `preload` names (Markdown extensions) and compiles
        the templates of Material with those of the folder `templates` over it (see precompiled_templates) as the build
        goes on; `env` is every run's environment."""
        self.socket, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        folder = [TEMPLATES, os.fspath(templates)] if templates is not None else []
        try:
            self.process = subprocess.Popen([sys.executable, "-m", __name__, str(theirs.fileno()), *preload, *folder],
                                            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env)
        finally:
            theirs.close()
        self.lock = threading.Lock()  # one request and its answer at a time

    def start(self, args: Sequence[str]) -> tuple[int, io.TextIOWrapper]:
        """A run's arguments (what follows `mkdocs` on its command line) → its process id and its output, to read to
        the end (text, its exit code last: exit_code). ServerGone if the server is not running."""
        read, write = os.pipe()
        try:
            with self.lock:
                try:
                    socket.send_fds(self.socket, [json.dumps({"args": list(args)}).encode()], [write])
                    answer = self.socket.recv(32)
                except OSError as exc:
                    raise ServerGone(str(exc)) from exc
        finally:
            os.close(write)  # (the child has its own copy: the pipe ends when it exits)
        if not answer:
            os.close(read)
            raise ServerGone("the MkDocs server exited")
        return int(answer), io.TextIOWrapper(io.FileIO(read, "r"), encoding="utf-8", errors="replace")

    @staticmethod
    def stop(pid: int) -> None:
        """A run stopped (SIGTERM), if it is still running."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)

    def __enter__(self) -> MkDocsServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """The server told to exit (it starts no more runs), and waited for."""
        self.socket.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # (a server that does not hear: it has no work left)
            self.process.kill()
            self.process.wait()


def exit_code(lines: list[str]) -> int:
    """A run's output lines → its exit code, from its last line (-1 if it ended without one: killed); that line is
    taken out of the list."""
    if lines and lines[-1].startswith(EXIT_LINE):
        code = int(lines.pop()[len(EXIT_LINE):])
        if lines and lines[-1] == "\n":  # (the line break written before it)
            lines.pop()
        return code
    return -1


def serve(channel: socket.socket) -> None:
    """The server's loop: a child forked for each request, until the build closes its end."""
    signal.signal(signal.SIGCHLD, reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # (Ctrl+C is the build's to handle: it closes its end)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(channel, 1 << 16, 1)
        except OSError:
            return
        if not message or not fds:
            return
        pid = os.fork()
        if pid == 0:
            channel.close()
            run(json.loads(message)["args"], fds[0])
        os.close(fds[0])
        channel.send(str(pid).encode())


def reap(signum: int, frame: object) -> None:
    """SIGCHLD: every child that has ended is waited for. (Ignoring SIGCHLD would have the kernel reap them, and drop
    the CPU they took from every count of the processes above them.)"""
    with contextlib.suppress(ChildProcessError):  # (no child left)
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def run(args: list[str], output: int) -> NoReturn:
    """A child: MkDocs' command line run with `args`, its stdout and stderr into `output`; its exit code written last."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)
    code = 1
    try:
        from mkdocs.__main__ import cli
        cli.main(args=args, prog_name="mkdocs", standalone_mode=True)
        code = 0
    except SystemExit as exc:  # (click ends a command this way)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os.write(1, f"\n{EXIT_LINE}{code}\n".encode())
    os._exit(code)


def signature(env: jinja2.Environment) -> tuple[Any, ...]:
    """What Jinja compiles into a template besides its source: the environment's syntax, extensions and settings read
    while compiling, and how each filter and test is called."""
    def called(functions: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((name, str(getattr(f, "jinja_pass_arg", None))) for name, f in functions.items()))
    return (tuple(sorted(env.extensions)), env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
            env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
            env.keep_trailing_newline, env.optimized, env.is_async, env.autoescape, env.finalize,
            env.code_generator_class, getattr(env, "newstyle_gettext", None), env.policies.get("compiler.ascii_str"),
            called(env.filters), called(env.tests))


Compiled = dict[tuple[tuple[Any, ...], str, str], CodeType]  # (environment's signature, name, source) → code


def precompiled_templates(folder: str, rendered: Iterable[str] = RENDERED) -> Compiled:
    """The theme's own folder → its templates and Material's under it, compiled in MkDocs' environment for the theme:
    those MkDocs renders and every template they name (extends, include, import) where it can be rendered (not in a
    block that every template extending it replaces, as main.html replaces Material's header), as a run would find
    them. A template named only at render time (Material's partial for a language) is left to the runs, as is one
    that does not compile (the run that renders it reports the error as before)."""
    from mkdocs.theme import Theme
    env = Theme(name="material", custom_dir=folder).get_env()
    key, compiled = signature(env), {}
    trees: dict[str, nodes.Template | None] = {}  # each template parsed and compiled once (None: not found, or broken)

    def parsed(name: str) -> nodes.Template | None:
        if name not in trees:
            trees[name] = None
            with contextlib.suppress(jinja2.TemplateError, OSError):
                source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
                tree = env.parse(source, name, filename)
                compiled[(key, name, source)] = env.compile(tree, name, filename)
                trees[name] = tree
        return trees[name]

    # a template is reached again with other blocks replaced (base.html through main.html, and through 404.html)
    todo: list[tuple[str, frozenset[str]]] = [(name, frozenset()) for name in rendered]  # (name, blocks replaced)
    seen = set()
    while todo:
        name, replaced = todo.pop()
        if (name, replaced) in seen or (tree := parsed(name)) is None:
            continue
        seen.add((name, replaced))
        parents = {n.template.value for n in tree.find_all(nodes.Extends) if isinstance(n.template, nodes.Const)}
        todo += [(named, replaced | replaces(tree) if named in parents else frozenset())
                 for named in named_templates(tree, replaced)]
    return compiled


def named_templates(node: nodes.Node, replaced: frozenset[str]) -> list[str]:
    """A parsed template and the blocks that replace its own → the templates it names as written, outside those."""
    if isinstance(node, nodes.Block) and node.name in replaced:
        return []
    named = []
    if isinstance(node, (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str):
            named.append(node.template.value)
    return named + [name for child in node.iter_child_nodes() for name in named_templates(child, replaced)]


def replaces(tree: nodes.Template) -> frozenset[str]:
    """A parsed template → the blocks it defines without calling super(): those of the template it extends."""
    return frozenset(block.name for block in tree.find_all(nodes.Block)
                     if not any(isinstance(call.node, nodes.Name) and call.node.name == "super"
                                for call in block.find_all(nodes.Call)))


def from_file(code: CodeType, filename: str) -> CodeType:
    """A compiled template → the same code as compiled from `filename` (its functions' too): tracebacks and Jinja's
    messages name the run's own file, as if the run had compiled it."""
    consts = tuple(from_file(c, filename) if isinstance(c, CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


class Precompiled(jinja2.BytecodeCache):
    """A run's bytecode cache: a template's code from `compiled` (precompiled_templates) when its name and source are
    the same and the environment's signature too; else none, and the run compiles it."""

    def __init__(self, compiled: Compiled) -> None:
        self.compiled = compiled

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        bucket = jinja2.bccache.Bucket(environment, name, "")
        code = self.compiled.get((signature(environment), name, source))
        bucket.code = code if code is None or filename is None else from_file(code, filename)
        return bucket

    def set_bucket(self, bucket: jinja2.bccache.Bucket) -> None:
        """(What a run compiles itself stays in its environment's own cache of templates.)"""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """(get_bucket fills the bucket.)"""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """(Nothing is written.)"""


def use_precompiled(compiled: Compiled) -> None:
    """MkDocs' template environments, made in this process and those forked from it → taking their templates from
    `compiled` where they can (Precompiled)."""
    from mkdocs.theme import Theme
    make = Theme.get_env

    def get_env(self: Theme) -> jinja2.Environment:
        env = make(self)
        env.bytecode_cache = Precompiled(compiled)
        return env
    Theme.get_env = get_env  # type: ignore[method-assign]


def main(argv: list[str]) -> None:
    """`python -m generator.web.mkdocs_server FD [MODULE …] [--templates FOLDER]`: the modules imported, the theme's
    templates compiled (Material's with FOLDER's over them), then the requests on socket FD served."""
    channel = socket.socket(fileno=int(argv[0]))
    modules, folder = argv[1:], None
    if TEMPLATES in modules:
        at = modules.index(TEMPLATES)
        modules, folder = modules[:at] + modules[at + 2:], modules[at + 1]
    for name in [*PRELOAD, *modules]:
        with contextlib.suppress(ImportError):  # (a run that needs it reports it)
            importlib.import_module(name)
    if folder is not None:
        with contextlib.suppress(Exception):  # (the runs compile their templates themselves, as before)
            use_precompiled(precompiled_templates(folder))
    serve(channel)


def preloaded_extensions(extensions: Sequence[Any]) -> list[str]:
    """MkDocs' markdown_extensions setting → the modules they are in ('toc' → 'markdown.extensions.toc')."""
    names = [next(iter(e)) if isinstance(e, dict) else str(e) for e in extensions]
    return [name if "." in name else f"markdown.extensions.{name}" for name in names]


if __name__ == "__main__":
    main(sys.argv[1:])
