"""Local preview: serve site/ on 127.0.0.1 and say, the moment it happens, which sources changed."""
from __future__ import annotations

import functools
import http.server
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

WATCHED = ("services.yaml", "site_config.yml", "content", "templates")


def snapshot(root: Path) -> dict[Path, float]:
    """Modification times of every watched file."""
    times: dict[Path, float] = {}
    for name in WATCHED:
        path = root / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else []
        times.update({f: f.stat().st_mtime for f in files})
    return times


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def start_server(site_dir: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """Serve site_dir in a background thread (the folder is looked up per request, so swaps are seen)."""
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch(root: Path, changed: Callable[[set[Path]], None], interval: float = 1.0,
          stop: threading.Event | None = None, ready: Callable[[], None] | None = None) -> None:
    """Call changed(the watched files added, removed or modified) whenever the sources change, until stop is set;
    ready() once every later change will be seen (the folders watched and their state read: a save just before that
    would otherwise be taken for the starting state and never shown).

    File events (watchdog) wake the loop the moment a file is written, renamed into place (editors' safe save) or a
    folder appears; what changed is then read from modification times, so every kind of save looks the same. The
    `interval` poll stays as the fallback for file systems without change events (network and VM shared folders)."""
    stop = stop or threading.Event()
    wake = threading.Event()
    observer = Observer()
    handler = Waker(root, wake)
    observer.schedule(handler, str(root), recursive=False)
    watched: set[str] = set()
    observer.start()
    try:
        watch_folders(observer, handler, root, watched)
        seen = snapshot(root)
        if ready:
            ready()
        while not stop.is_set():
            watch_folders(observer, handler, root, watched)
            wait(wake, stop, interval)
            wake.clear()
            now = snapshot(root)
            if now != seen and not stop.is_set():
                changed({path for path in now.keys() | seen.keys() if now.get(path) != seen.get(path)})
                seen = now
    finally:
        observer.stop()
        observer.join()


def wait(wake: threading.Event, stop: threading.Event, seconds: float) -> None:
    """Return when `wake` or `stop` is set, or after `seconds` (stop is looked at every 0.1 s)."""
    deadline = time.monotonic() + seconds
    while not stop.is_set() and not wake.wait(min(0.1, max(0.0, deadline - time.monotonic()))):
        if time.monotonic() >= deadline:
            return


def watch_folders(observer: BaseObserver, handler: FileSystemEventHandler, root: Path, watched: set[str]) -> None:
    """The watched folders that exist (content/ may be created later) → watched recursively, each once."""
    for name in WATCHED:
        if name not in watched and (root / name).is_dir():
            observer.schedule(handler, str(root / name), recursive=True)
            watched.add(name)


class Waker(FileSystemEventHandler):
    """Sets `wake` on any event that can change a watched file: written and closed, moved, deleted, a folder made."""

    WAKING = {"closed", "moved", "deleted", "created"}  # not "modified" (mid-write) nor "closed_no_write" (a read)

    def __init__(self, root: Path, wake: threading.Event) -> None:
        self.root, self.wake = root, wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in self.WAKING and any(self.watched(p) for p in (event.src_path, event.dest_path) if p):
            self.wake.set()

    def watched(self, path: str | bytes) -> bool:
        """An event's path → whether it lies in a watched file or folder."""
        target = Path(os.fsdecode(path))
        return target.is_relative_to(self.root) and target != self.root and target.relative_to(self.root).parts[0] in WATCHED
