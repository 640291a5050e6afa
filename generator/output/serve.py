"""Local preview: serve site/ on 127.0.0.1 and rebuild when the sources change; keep the last good site on errors."""
from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable
from pathlib import Path

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


def watch(root: Path, rebuild: Callable[[], None], interval: float = 0.3, stop: threading.Event | None = None) -> None:
    """Call rebuild() whenever a watched file changes, until stop is set.

    Polling rather than watchdog (which MkDocs installs) on purpose: the watched set is ~50 files and a snapshot
    takes ~2 ms, so a check every 0.3 s costs nothing, while a rebuild takes seconds anyway. Modification times
    also see what event watchers handle unevenly: files replaced by rename (editors' safe save), folders created
    or deleted under content/ and templates/, and file systems without change events (network and VM shared folders,
    where an editor's copy of the project often lives). One loop, no watcher thread or event debouncing to get right."""
    stop = stop or threading.Event()
    seen = snapshot(root)
    while not stop.wait(interval):
        now = snapshot(root)
        if now != seen:
            seen = now
            rebuild()

