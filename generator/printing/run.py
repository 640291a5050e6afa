"""Booklets and leaflets made on a thread of their own while the build writes the web pages (generator/build.py).

The pages need the manifest (which PDFs there are, and each one's pages and size), but the PDFs take most of a build:
so the run hands over the manifest's planned entries — the files to come, without their facts — as soon as they are
known (once the whole full handbooks are laid out and the long ones split into volumes), the pages are written with a
mark where each PDF's pages and size go, and the build fills them in from the finished manifest."""
from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from ..data.model import Handbook, SiteConfig
from .booklets import render_booklets
from .leaflets import planned_leaflets, render_leaflets
from .typesetting import Progress, RecyclingPool, Reuse

Stage = Callable[[str], AbstractContextManager[Any]]  # a stage's name → the block that times it


class PrintRun:
    """Every booklet and leaflet, made on a thread of its own from `start` on, with the build's pool of workers."""

    def __init__(self, handbook: Handbook, config: SiteConfig, template_dir: Path, out: Path, reuse: Reuse,
                 pool: RecyclingPool, qr_codes: dict[str, str], stage: Stage,
                 progress: Callable[[str], Progress | None]) -> None:
        self.handbook, self.config, self.template_dir, self.out = handbook, config, template_dir, out
        self.reuse, self.pool, self.qr_codes, self.stage, self.progress = reuse, pool, qr_codes, stage, progress
        self.thread = threading.Thread(target=self.run, name="booklets and leaflets", daemon=True)
        self.known = threading.Event()  # set once the planned entries are known, or the run has ended
        self.planned_entries: list[dict[str, Any]] | None = None
        self.manifest: list[dict[str, Any]] = []
        self.error: BaseException | None = None

    def start(self) -> PrintRun:
        self.thread.start()
        return self

    def run(self) -> None:
        """The thread: booklets, then leaflets (their entries in that order, as the manifest lists them)."""
        try:
            with self.stage("booklets"):
                booklets = render_booklets(self.handbook, self.config, self.template_dir, self.out, reuse=self.reuse,
                                           progress=self.progress("booklets"), qr_codes=self.qr_codes, pool=self.pool,
                                           planned=self.plan)
            with self.stage("leaflets"):
                leaflets = render_leaflets(self.handbook, self.config, self.template_dir, self.out, reuse=self.reuse,
                                           progress=self.progress("leaflets"), qr_codes=self.qr_codes, pool=self.pool)
            self.manifest = booklets + leaflets
        except BaseException as exc:  # handed to the build's thread (planned, result)
            self.error = exc
        finally:
            self.known.set()

    def plan(self, booklets: list[dict[str, Any]]) -> None:
        """The booklets' planned entries → with the leaflets', what `planned` returns."""
        self.planned_entries = booklets + planned_leaflets(self.handbook, self.config)
        self.known.set()

    def planned(self) -> list[dict[str, Any]]:
        """The manifest's entries to come, without their PDFs' facts (pages and bytes None), once known."""
        self.known.wait()
        if self.planned_entries is None:  # the run ended first: failed (or, with nothing to plan, finished)
            return self.result()
        return self.planned_entries

    def result(self) -> list[dict[str, Any]]:
        """The manifest, once every PDF is made; the run's error, if it failed."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.manifest

    def stop(self) -> None:
        """The build failed or was interrupted: the jobs waiting are dropped, the running ones end (their workers write
        into the build's folder, which is removed next), the thread ends."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.thread.join()
