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
build). Children are reaped by the kernel (SIGCHLD ignored).

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
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

EXIT_LINE = "\x00mkdocs exit "  # the last line a run writes: this, then its exit code
PRELOAD = ("mkdocs.__main__", "mkdocs.commands.build", "mkdocs.config.defaults", "mkdocs.structure.files",
           "mkdocs.structure.pages", "mkdocs.structure.nav", "material")  # what every run imports first


class ServerGone(Exception):
    """The MkDocs server is not running (it failed to start, or exited)."""


class MkDocsServer:
    """The build's end of the server: `start` a run (its output read from the file it returns, to its end, and its exit
    code from the last line: `exit_code`), `stop` a run, `close` the server. Runs may be started from several threads."""

    def __init__(self, preload: Sequence[str] = (), env: Mapping[str, str] | None = None) -> None:
        """Starts the server, which imports MkDocs and the modules `preload` names (Markdown extensions) as the build
        goes on; `env` is every run's environment."""
        self.socket, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen([sys.executable, "-m", __name__, str(theirs.fileno()), *preload],
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
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # (children reaped by the kernel)
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


def main(argv: list[str]) -> None:
    """`python -m generator.web.mkdocs_server FD [MODULE …]`: the modules imported, then the requests on socket FD
    served."""
    channel = socket.socket(fileno=int(argv[0]))
    for name in [*PRELOAD, *argv[1:]]:
        with contextlib.suppress(ImportError):  # (a run that needs it reports it)
            importlib.import_module(name)
    serve(channel)


def preloaded_extensions(extensions: Sequence[Any]) -> list[str]:
    """MkDocs' markdown_extensions setting → the modules they are in ('toc' → 'markdown.extensions.toc')."""
    names = [next(iter(e)) if isinstance(e, dict) else str(e) for e in extensions]
    return [name if "." in name else f"markdown.extensions.{name}" for name in names]


if __name__ == "__main__":
    main(sys.argv[1:])
