"""First paint on a phone: Lighthouse (from the npm registry, run with npx) in its default mobile profile — simulated
slow 4G and a 4× slower CPU — on the home, a service and the finder page of each language, the built site served on
127.0.0.1 with its precompressed (.gz) files, each page RUNS times (Lighthouse's figures vary from run to run, more on a
busy machine): the median counts. Without Node the measure says so and is left out."""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LIGHTHOUSE = "lighthouse@12.8.2"  # the version the figures were taken with (12, mobile)
CHROMIUM = Path("/usr/bin/chromium")
PAGE_TIMEOUT = 300  # seconds for one Lighthouse run: a hang guard
RUNS = 3  # Lighthouse runs per page; the median run is reported


class Precompressed(http.server.SimpleHTTPRequestHandler):
    """Serves a file's .gz twin, with Content-Encoding: gzip, to a browser that accepts gzip (as a host set up as the
    README says would), over connections kept open between requests as every host keeps them (Python's default,
    HTTP/1.0, closes each one, and Lighthouse's simulation then charges every file a new connection); quietly."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self) -> Any:
        path = self.translate_path(self.path)
        path = os.path.join(path, "index.html") if os.path.isdir(path) else path
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not os.path.isfile(path + ".gz"):
            return super().send_head()
        body = open(path + ".gz", "rb")  # noqa: SIM115  (closed by the handler once sent)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(os.fstat(body.fileno()).st_size))
        self.end_headers()
        return body


@contextmanager
def serving(site: Path) -> Iterator[str]:
    """A built site on a free local port, precompressed files first → its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Precompressed, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def lighthouse(url: str) -> dict[str, Any]:
    """One page → Lighthouse's performance score (0–100), first contentful paint (s), cumulative layout shift, total
    blocking time (s: what most often keeps the score under 100) and the resources it found render-blocking, or the
    error it gave."""
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)} if CHROMIUM.exists() else dict(os.environ)
    proc = subprocess.run(["npx", "--yes", LIGHTHOUSE, url, "--only-categories=performance", "--output=json",
                           "--output-path=stdout", "--quiet", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                          capture_output=True, text=True, env=env, timeout=PAGE_TIMEOUT)
    try:
        report = json.loads(proc.stdout)
        audits = report["audits"]
        return {"score": round(100 * report["categories"]["performance"]["score"]),
                "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
                "cls": audits["cumulative-layout-shift"]["numericValue"],
                "tbt": audits["total-blocking-time"]["numericValue"] / 1000,
                "render_blocking": [item["url"].rsplit("/", 1)[-1]
                                    for item in audits["render-blocking-resources"]["details"].get("items", [])]}
    except (ValueError, KeyError, TypeError):
        return {"error": (proc.stderr or proc.stdout).strip()[-500:]}


def median_run(url: str, runs: int) -> dict[str, Any]:
    """A page → Lighthouse's figures of its median run by first contentful paint, with every run's paint and score
    (or the last error, if no run gave figures)."""
    results = [lighthouse(url) for _ in range(runs)]
    good = sorted((r for r in results if "error" not in r), key=lambda r: r["fcp"])
    if not good:
        return results[-1]
    return {**good[(len(good) - 1) // 2], "fcp_runs": [r["fcp"] for r in results if "error" not in r],
            "score_runs": [r["score"] for r in results if "error" not in r]}


def measure_first_paint(site: Path, service_id: str, runs: int = RUNS) -> dict[str, Any]:
    """A built site → Lighthouse's figures for the home, `service_id`'s and the finder page in each language, or a note
    that Node (npx) is missing."""
    if shutil.which("npx") is None:
        return {"node": None, "note": "Node (npx) not found: first paint not measured"}
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    roots = ["", *(f"{p.parent.parent.name}/" for p in sorted(site.glob("*/finder/index.html")))]  # zh at the root, then en/
    pages = [f"{root}{page}" for root in roots for page in ("", f"services/{service_id}/", "finder/")]
    with serving(site) as base:
        return {"node": node, "lighthouse": LIGHTHOUSE, "runs": runs,
                "pages": {page or "/": median_run(base + page, runs) for page in pages}}
