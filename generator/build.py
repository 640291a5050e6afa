"""The build, stage by stage: load and validate → booklets → leaflets → render pages → MkDocs → search, data, sitemap →
offline copy → publish."""
from __future__ import annotations

import contextlib
import functools
import gc
import io
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import escape

from .data.errors import BuildError
from .data.load import load_project, with_site_url
from .data.model import Handbook, SiteConfig
from .opendata.export import render_open_data
from .opendata.hsds import render_hsds_languages
from .output.compress import Precompression, compress_file, compressible, precompressing
from .output.offline import site_files, write_offline_zip
from .output.publish import replace_site, rewrite_file, staging_dir, write_files
from .present.filters import markdown_environment
from .present.urls import lang_root
from .present.views import file_size, has_pdf_facts_marks, pdf_facts_filled
from .printing.booklets import carry_over_booklets
from .printing.leaflets import carry_over_leaflets
from .printing.run import PrintRun, Stage
from .printing.typesetting import RecyclingPool, Reuse, without_facts, worker_pool
from .web.assets import Assets, digest, render_assets
from .web.changes import last_changed, render_changes_pages, render_feeds
from .web.criticalcss import Sheet, first_paint_html
from .web.finder import render_finder_pages, render_finder_qr
from .web.mkdocs_config import (
    BATCH_PAGES,
    MARKDOWN_EXTENSIONS,
    batch_config,
    bundled_config,
    mkdocs_config,
    outside_nav,
    page_batches,
    theme_overlay,
)
from .web.mkdocs_server import MkDocsServer, ServerGone, exit_code, preloaded_extensions
from .web.pagemeta import add_page_metadata
from .web.searchchunks import render_index
from .web.site import OFFLINE_SIZE, add, check_page_links, read_content, render_pages
from .web.sitemap import render_sitemap
from .web.unusedcss import reduce_stylesheet, used_names

Report = Callable[[str, float], None]  # (stage, seconds) when a stage ends
Progress = Callable[[str, int, int], None]  # (stage, done, total) while a long stage runs
NO_SITE_URL = ("no site_url in site_config.yml: built without canonical links, sitemap or QR codes "
               "(set it, or use --site-url, before publishing or printing)")
MKDOCS_SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


@dataclass
class Timings:
    """How long each stage took, in the order they ended (the booklets and leaflets run beside the web stages), and
    the whole build."""

    stages: list[tuple[str, float]] = field(default_factory=list)  # (stage name, seconds)
    started: float = field(default_factory=time.perf_counter)
    wall: float = 0.0  # seconds from start to end: less than the stages' sum, as some run side by side
    booklets_reused: int = 0  # PDFs taken unchanged from the previous site/
    warnings: list[str] = field(default_factory=list)  # what the build left out, one line each

    def run(self, name: str, report: Report | None = None) -> _Stage:
        return _Stage(self, name, report)


class _Stage:
    def __init__(self, timings: Timings, name: str, report: Report | None) -> None:
        self.timings, self.name, self.report = timings, name, report

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        seconds = time.perf_counter() - self.start
        self.timings.stages.append((self.name, seconds))
        if self.report and exc[0] is None:
            self.report(self.name, seconds)


@dataclass(frozen=True)
class Rendered:
    """What one build gave MkDocs: the validated model and config, each language's pages, the assets, the PDFs listed."""

    config: SiteConfig  # as built (with --site-url applied)
    handbook: Handbook  # the model the pages were rendered from
    pages: dict[str, dict[str, str]]  # language → {docs path: Markdown with front matter}
    assets: Assets  # the minified scripts and stylesheets, by hashed name
    manifest: list[dict[str, Any]]  # booklets/index.json entries the pages link to


def build(root: Path, site_dir: Path, report: Report | None = None, progress: Progress | None = None,
          preview: bool = False, fresh: bool = False, site_url: str | None = None,
          rendered: Callable[[Rendered], None] | None = None, then_exit: bool = False) -> Timings:
    """Project folder → a complete site/ (or an error, leaving the previous site/ untouched).

    A preview build (`handbook serve`) typesets no booklets and leaves out the offline copy; it keeps the previous
    build's booklets that are still current. Booklets whose inputs are unchanged are taken from the previous site/
    unless `fresh` is set. `site_url` replaces the one in site_config.yml for this build. `rendered` hears what
    MkDocs is given (the preview keeps it warm: generator/preview.py). `then_exit`: the process ends once the build
    returns (the `build` command), so the garbage collector is left as the build set it (fewer_collections)."""
    timings = Timings()
    with contextlib.ExitStack() as stack:
        stack.enter_context(fewer_collections(restore=not then_exit))
        # the Typst workers come up on the other core while the data is read, unless the command started them before
        # its imports (launch.py); the preview typesets nothing
        pool = None if preview else stack.enter_context(worker_pool())
        with timings.run("load and validate", report):
            config, handbook = load_project(root)
            config = with_site_url(config, site_url) if site_url else config
            if not config.site_url:
                timings.warnings.append(NO_SITE_URL)
        built(root, site_dir, config, handbook, timings, pool, report, progress, fresh, rendered)
    timings.wall = time.perf_counter() - timings.started
    return timings


# Python's cyclic garbage collector: a collection once 50,000 more objects are held than freed (not 700), the oldest
# generation's after 20 of the younger's, as before
GC_THRESHOLDS = (50_000, 20, 10)


@contextlib.contextmanager
def fewer_collections(restore: bool = True) -> Iterator[None]:
    """The block (a build) run with GC_THRESHOLDS, then the thresholds as they were (the preview builds again in the
    same process) unless not `restore`. A build makes millions of objects that live a moment (pages, strings,
    dictionaries); at Python's default thresholds every 700 of them set off a collection, which looks at every young
    object, and every 100th collection at every object the build holds: 765 collections, 0.5 s of the build's own
    process; with these, 7 collections, 0.07 s. Cycles are still collected, only later: what they hold meanwhile is
    small. Putting the thresholds back sets off a collection of the middle generation, which by then holds most of
    what the build made: 40 ms, of no use to a process that ends with the build (`restore` False)."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        if restore:
            gc.set_threshold(*before)


def built(root: Path, site_dir: Path, config: SiteConfig, handbook: Handbook, timings: Timings,
          pool: RecyclingPool | None, report: Report | None, progress: Progress | None, fresh: bool,
          rendered: Callable[[Rendered], None] | None) -> None:
    """The validated model → site/ written (see build); with `pool`, the booklets and leaflets typeset on it, else a
    preview's."""
    staging = staging_dir(site_dir)
    stage = functools.partial(timings.run, report=report)
    try:
        reuse = Reuse(None if fresh else site_dir)
        if pool is None:  # the preview typesets nothing: the previous build's PDFs that are still current, if any
            with stage("booklets"):
                manifest = carry_over_booklets(handbook, config, root / "templates", staging / "booklets", reuse)
            with stage("leaflets"):
                manifest += carry_over_leaflets(handbook, config, root / "templates", staging / "booklets", reuse)
            site = web_site(root, handbook, config, manifest, {}, staging, stage, progress, rendered, preview=True)
            compressed = None
        else:
            manifest, site, compressed = printed_and_web(root, handbook, config, staging, reuse, pool, stage, progress,
                                                         rendered)
        timings.booklets_reused = reuse.reused
        with stage("booklets/index.json"):
            if manifest:
                os.rename(staging / "booklets" / "booklets", site / "booklets")
            write_files(site, {"booklets/index.json": json.dumps(manifest, ensure_ascii=False, indent=1)})
        if pool is not None:
            with stage("offline copy"):
                # the offline copy is written while the other files are precompressed on the other threads (it
                # needs no compressed twins: the files are listed first, less those already compressed); the
                # downloads pages, which are to show its size, are compressed after
                twins = compressed.siblings() if compressed else set()
                listed, downloads = [f for f in site_files(site) if f not in twins], downloads_pages(site, config)
                with precompressing(site, held=downloads, started=compressed):
                    # beside site/, not in it, while it is read; dated with the source document, so identical input,
                    # identical zip
                    write_offline_zip(site, staging / "handbook-offline.zip", handbook.source.date, listed)
                    (site / "downloads").mkdir(exist_ok=True)
                    os.rename(staging / "handbook-offline.zip", site / "downloads" / "handbook-offline.zip")
                    note_offline_size(site, config)
            with stage("precompress"):  # what is left of it: the downloads pages
                for page in downloads:
                    if page.is_file():
                        compress_file(page)
        with stage("publish"):
            replace_site(site, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def printed_and_web(root: Path, handbook: Handbook, config: SiteConfig, staging: Path, reuse: Reuse,
                    pool: RecyclingPool, stage: Stage, progress: Progress | None,
                    rendered: Callable[[Rendered], None] | None) \
        -> tuple[list[dict[str, Any]], Path, Precompression | None]:
    """The booklets and leaflets (under staging/booklets) and the web site (staging/site), made side by side: the
    PDFs on a thread of their own with the pool of Typst workers, the pages meanwhile from the PDFs planned, their
    pages and sizes filled in once made (generator/printing/run.py) → the manifest, the site's folder, and the
    precompression of its files that are final already (begun once the pages were written, while the last PDFs
    were still being made, so the build's last stage has less to compress).

    Both want both cores; made one after the other, one core would idle through most of the web stages."""
    qr_codes: dict[str, str] = {}  # URL → SVG: booklets, leaflets and the finder show the same pages' codes
    # one pool for booklets and leaflets: each worker's fonts and caches stay warm
    printing = PrintRun(handbook, config, root / "templates", staging / "booklets", reuse, pool, qr_codes, stage,
                        lambda name: stage_progress(progress, name)).start()
    try:
        planned = printing.planned()
        site = web_site(root, handbook, config, planned, qr_codes, staging, stage, progress, rendered)
        marked = pages_with_pdf_facts_marks(site)
        later = marked | set(downloads_pages(site, config))  # (the downloads pages are to show the offline copy's size)
        compressed = Precompression(f for f in compressible(site) if f not in later)
        try:
            manifest = printing.result()
        except BaseException:
            compressed.stop()
            raise
    except BaseException:
        printing.stop()
        raise
    # the workers stop (their memory is not kept through the last stages) while the build goes on: waiting for them
    # to exit took 60 ms with both cores idle (the pool's block waits for them at the end of the build)
    pool.shutdown(wait=False)
    if [without_facts(e) for e in planned] != [without_facts(e) for e in manifest]:
        # the files made are not those planned (a long booklet's volumes split again after one overflowed): the
        # pages are written again from the manifest
        compressed.stop()
        for done in [site, *(staging / f"work-{lang}" for lang in config.codes)]:
            shutil.rmtree(done, ignore_errors=True)
        return manifest, web_site(root, handbook, config, manifest, qr_codes, staging, stage, progress, rendered), None
    with stage("PDF sizes"):
        fill_pdf_facts(site, config, manifest, marked)
    return manifest, site, compressed


def pages_with_pdf_facts_marks(site: Path) -> set[Path]:
    """A site written from planned PDFs → its pages that hold a mark for a PDF's pages and size."""
    return {page for page in site.rglob("*.html") if has_pdf_facts_marks(page.read_text(encoding="utf-8"))}


def fill_pdf_facts(site: Path, config: SiteConfig, manifest: list[dict[str, Any]], marked: Collection[Path]) -> None:
    """A site written from planned PDFs and its pages with marks (pages_with_pdf_facts_marks) → each mark replaced by
    its PDF's pages and size."""
    made = {entry["file"]: entry for entry in manifest}
    roots = sorted(((lang_root(config, lang), lang) for lang in config.codes), key=lambda r: -len(r[0]))
    for page in sorted(marked):
        path = page.relative_to(site).as_posix()
        lang = next(lang for prefix, lang in roots if path.startswith(prefix))
        rewrite_file(page, pdf_facts_filled(page.read_text(encoding="utf-8"), config.strings[lang], lang, made))


def web_site(root: Path, handbook: Handbook, config: SiteConfig, manifest: list[dict[str, Any]],
             qr_codes: dict[str, str], staging: Path, stage: Stage, progress: Progress | None,
             rendered: Callable[[Rendered], None] | None, preview: bool = False) -> Path:
    """The model and the manifest of PDFs → the web site under staging/site (pages, search, data, sitemap, open
    data, feeds; with its stylesheets cut and first-paint CSS inlined unless `preview`) → its folder."""
    # the process MkDocs' runs are forked from imports MkDocs while the pages are rendered
    with mkdocs_server(root) as server:
        pages, assets, side_files = site_markdown(root, handbook, config, manifest, qr_codes, stage, progress)
        if rendered:
            rendered(Rendered(config, handbook, pages, assets, manifest))
        with stage("mkdocs"):
            # MkDocs runs in processes of its own; meanwhile this one makes the files that do not depend on its
            # output (their stages below only write them)
            with mkdocs_running(root, handbook, config, pages, assets, staging, stage_progress(progress, "mkdocs"),
                                server=server):
                extras = {**extra_files(handbook, config, pages), **side_files}
                hsds = render_hsds_languages(handbook, config)
                feeds = render_feeds(handbook, config)
    with stage("search, data, sitemap"):
        site = staging / "site"
        tidy_theme_files(site, config)
        write_files(site, extras)
    if not preview:  # the preview keeps the whole theme: its warm renderer's pages name the stylesheets as MkDocs does
        with stage("unused CSS"):
            renamed = reduce_theme_css(site, config)
        with stage("first-paint CSS"):
            inline_first_paint_css(site, config, renamed)
    with stage("HSDS open data"):
        write_files(site, hsds)
    with stage("change feeds"):
        write_files(site, feeds)
    return site


def downloads_pages(site: Path, config: SiteConfig) -> list[Path]:
    """The downloads page of each language."""
    return [site / lang_root(config, lang) / "downloads" / "index.html" for lang in config.codes]


def site_markdown(root: Path, handbook: Handbook, config: SiteConfig, manifest: list[dict[str, Any]],
                  qr_codes: dict[str, str], stage: Stage | None = None,
                  progress: Progress | None = None) -> tuple[dict[str, dict[str, str]], Assets, dict[str, str]]:
    """What MkDocs is given: each language's pages (path → Markdown, the finder and change history included, each
    with its metadata), the minified assets, and the files to write beside the pages (open data, the finder's QR codes).
    Each step runs inside `stage(its name)` (the build times them); `manifest` lists the PDFs the pages link to."""
    step = stage or (lambda name: contextlib.nullcontext())
    with step("render pages"):
        open_data = render_open_data(handbook, config)
        pages = render_languages(root, handbook, config, manifest, open_data, stage_progress(progress, "render pages"))
    with step("minify assets"):
        assets = render_assets(root / "templates" / "theme")
    with step("finder"):
        finder_files = add_finder(root, handbook, config, pages, assets, qr_codes)
    with step("change history"):
        changes = render_changes_pages(handbook, config, markdown_environment(root / "templates" / "site"))
        pages = {lang: {**docs, **changes[lang]} for lang, docs in pages.items()}
    with step("page metadata"):
        for docs in pages.values():
            check_page_links(docs)
        pages = add_page_metadata(handbook, config, pages)
    return pages, assets, {**open_data, **finder_files}


def note_offline_size(site: Path, config: SiteConfig) -> None:
    """The downloads pages of the site (not of the offline copy, which is made first) → the offline copy's size added."""
    size = file_size((site / "downloads" / "handbook-offline.zip").stat().st_size)
    for lang, page in zip(config.codes, downloads_pages(site, config), strict=True):
        note = config.strings[lang]["file_size"].format(size=size)
        html = page.read_text(encoding="utf-8")
        if OFFLINE_SIZE in html:
            rewrite_file(page, html.replace(OFFLINE_SIZE, OFFLINE_SIZE.replace("></", f">{escape(note)}</")))


def stage_progress(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    """The build's progress callback → one for a stage's (done, total)."""
    return progress and (lambda done, total: progress(stage, done, total))


def render_languages(root: Path, handbook: Handbook, config: SiteConfig, manifest: list[dict[str, Any]],
                     open_data: dict[str, str], progress: Callable[[int, int], None] | None = None
                     ) -> dict[str, dict[str, str]]:
    """Every language → its Markdown pages (generated and hand-written); `progress` counts service pages."""
    env = markdown_environment(root / "templates" / "site")
    total, done = len(handbook.services) * len(config.codes), 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)
    return {lang: render_pages(handbook, config, lang, env, read_content(root, lang), manifest, open_data, step)
            for lang in config.codes}


def add_finder(root: Path, handbook: Handbook, config: SiteConfig, pages: dict[str, dict[str, str]], assets: Assets,
               qr_codes: dict[str, str]) -> dict[str, str]:
    """The finder's page (holding finder-load.js) added to each language's pages → the files to write beside them: the
    script file each page asks for (its data and finder.js) and the QR codes' scripts (for printing)."""
    env = markdown_environment(root / "templates" / "site")
    finder_pages, scripts = render_finder_pages(handbook, config, env, assets.inlined["assets/finder.js"],
                                                assets.inlined["assets/finder-load.js"])
    for lang, docs in finder_pages.items():
        for path, text in docs.items():
            add(pages[lang], path, text)
    return {**scripts, **render_finder_qr(handbook, config, qr_codes)}


@contextlib.contextmanager
def mkdocs_running(root: Path, handbook: Handbook, config: SiteConfig, pages: dict[str, dict[str, str]],
                   assets: Assets, staging: Path, progress: Callable[[int, int], None] | None = None,
                   batch_pages: int = BATCH_PAGES, server: MkDocsServer | None = None) -> Iterator[None]:
    """Each language's pages → HTML under staging/site, the MkDocs builds running side by side in their own
    processes while the block runs (the build does its other work meanwhile), forked from `server` (one is started
    for the block if not given: web/mkdocs_server.py); at the end of the block they are waited for, and a failure is
    raised as a BuildError.

    MkDocs holds every page it builds in memory until it has written them all, so a language with more than
    `batch_pages` service and department pages is built in several runs, one after another, each building that many
    of them (web/mkdocs_hooks.py); each run's pages are moved into the first run's folder as it ends.

    Each build writes its own folder (MkDocs empties its output folder first, so one language's build must
    never contain another's); the other languages are then moved under the source language's. With `progress`,
    MkDocs runs verbose and its per-page lines ('Reading: …', then 'Building page …') are counted."""
    from .web.mkdocs_docs import write_bundle  # imported here: it imports MkDocs (0.08 s), which the build's start,
    # before the first PDF's job, need not wait for
    verbose = ["--verbose"] if progress else []
    plans: list[list[tuple[list[str], list[str]]]] = []  # per language: (MkDocs arguments, pages to move) of each run
    steps = 0
    for lang in config.codes:
        work = staging / f"work-{lang}"
        (work / "docs").mkdir(parents=True)  # empty: the pages are read from a bundle (web/mkdocs_docs.py)
        write_bundle(work, pages[lang])
        theme = theme_overlay(root / "templates", config, lang, work / "theme", assets)
        cfg = bundled_config(mkdocs_config(handbook, config, lang, pages[lang], work / "docs", work / "out", theme, assets))
        batches = page_batches(list(pages[lang]), batch_pages)
        plans.append([])
        navigation = [path for path in batches[0] if not outside_nav(path)]  # read by every run (for their titles)
        for k, batch in enumerate(batches):
            name = work / (f"mkdocs-{k}.yml" if len(batches) > 1 else "mkdocs.yml")
            if len(batches) > 1:
                cfg = batch_config(cfg, work / ("out" if k == 0 else f"out-{k}"))
                name.with_suffix(".pages").write_text("".join(f"{path}\n" for path in batch), encoding="utf-8")
            name.write_text(json.dumps(cfg, ensure_ascii=False), encoding="utf-8")
            plans[-1].append((["build", *verbose, "-f", str(name)], batch if k else []))
            steps += 2 * (len(batch) + (len(navigation) if k else 0))
    with contextlib.ExitStack() as stack:
        started = server or stack.enter_context(mkdocs_server(root))
        runs = MkDocsRuns(plans, steps, progress, started)
        try:
            yield
            results = runs.wait()
        except BaseException:  # interrupted, or the build's own work failed: stop the builds before their folder goes
            runs.stop()
            raise
    failures = [mkdocs_failure(lang, code, out, staging) for lang, (code, out) in zip(config.codes, results, strict=True)]
    if any(failures):
        raise BuildError(next(f for f in failures if f))  # one line: the first language's failure
    for lang in config.codes:
        os.rename(staging / f"work-{lang}" / "out", staging / "site" / lang_root(config, lang))


def mkdocs_server(root: Path) -> MkDocsServer:
    """A server for the build's MkDocs runs (web/mkdocs_server.py), with the Markdown extensions they load imported
    and the theme's templates (the project's templates/theme over Material's) compiled."""
    return MkDocsServer(preloaded_extensions(MARKDOWN_EXTENSIONS),
                        {**os.environ, "NO_COLOR": "1", "NO_MKDOCS_2_WARNING": "1"}, root / "templates" / "theme")


PAGE_STEP = re.compile(r"^DEBUG\s+-\s+(?:Reading: |Building page )")  # MkDocs --verbose, once per page per phase


class MkDocsRuns:
    """Each language's MkDocs runs, one after another on a thread per language (the languages side by side), each
    forked from `server`, their output read as it comes; `progress` (done, of `steps`) hears of every page step they
    print. A run after the first has its pages' folders moved into the first run's output folder as it ends."""

    def __init__(self, plans: list[list[tuple[list[str], list[str]]]], steps: int,
                 progress: Callable[[int, int], None] | None, server: MkDocsServer) -> None:
        self.steps, self.progress, self.server = steps, progress, server
        self.results: list[tuple[int, str]] = [(0, "") for _ in plans]  # per language: the last run's exit code, output
        self.jobs: list[int | None] = [None for _ in plans]  # per language: the process id of the run going on
        self.done, self.stopped = 0, False
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run_all, args=(i, plan), daemon=True) for i, plan in enumerate(plans)]
        for thread in self.threads:
            thread.start()

    def run_all(self, i: int, plan: list[tuple[list[str], list[str]]]) -> None:
        """One language's runs in order, until one fails."""
        for args, moved in plan:
            if self.stopped:
                return
            try:
                job, output = self.server.start(args)
            except ServerGone as exc:
                self.results[i] = (1, f"MkDocs could not be started: {exc}\n")
                return
            with self.lock:
                self.jobs[i] = job
                if self.stopped:  # (stopped while it started)
                    self.server.stop(job)
            self.results[i] = self.read(output)
            if self.results[i][0] != 0:
                return
            if moved:
                merge_run_output(Path(args[-1]), moved)

    def read(self, output: io.TextIOWrapper) -> tuple[int, str]:
        """A run's output → its exit code and output, once it ends."""
        lines: list[str] = []
        with output:
            for line in output:
                lines.append(line)
                if self.progress and PAGE_STEP.match(line):
                    with self.lock:
                        self.done += 1
                        self.progress(min(self.done, self.steps), self.steps)
        return exit_code(lines), "".join(lines)

    def wait(self) -> list[tuple[int, str]]:
        """Each language's last run's exit code and output, once all have ended."""
        for thread in self.threads:
            thread.join()
        return self.results

    def stop(self) -> None:
        """Stop the runs going on, and start no more."""
        with self.lock:
            self.stopped = True
            for job in self.jobs:
                if job is not None:
                    self.server.stop(job)
        for thread in self.threads:
            thread.join()


def merge_run_output(run_config: Path, pages: list[str]) -> None:
    """A finished run of a batched build (its mkdocs-<k>.yml) and the pages it built → their folders moved into the
    first run's output folder ('out' beside it); the rest of its output (theme files, the navigation's pages built
    from their titles alone) removed."""
    out = run_config.parent / f"out-{run_config.stem.rpartition('-')[2]}"
    for page in pages:
        folder = Path(page).parent
        (run_config.parent / "out" / folder).parent.mkdir(parents=True, exist_ok=True)
        os.rename(out / folder, run_config.parent / "out" / folder)
    shutil.rmtree(out)


def mkdocs_failure(lang: str, returncode: int, output: str, staging: Path) -> str:
    """A finished MkDocs run's exit code and output → '' if it succeeded, else one line saying what failed, with paths
    as the editor knows them."""
    if returncode == 0:
        return ""
    theme = str(staging / f"work-{lang}" / "theme") + "/"
    frames = re.findall(r'File "' + re.escape(theme) + r'([^"]+)", line (\d+)', output)
    error = re.findall(r"^(?:[\w.]+(?:Error|Exception)): (.+)$", output, re.MULTILINE)
    warnings = [line.split(" - ", 1)[-1].strip() for line in output.splitlines() if line.startswith(("WARNING", "ERROR"))]
    if frames and error:
        return f"templates/theme/{frames[-1][0]}:{frames[-1][1]}: {error[-1].strip()} (MkDocs, language '{lang}')"
    detail = warnings[0] if warnings else (error[-1] if error else output.strip().splitlines()[-1])
    return f"MkDocs failed for language '{lang}': {detail}"


def extra_files(handbook: Handbook, config: SiteConfig, pages: dict[str, dict[str, str]]) -> dict[str, str | bytes]:
    """Search indexes and the sitemap."""
    files: dict[str, str | bytes] = {}
    if (sitemap := render_sitemap(config, pages, last_changed(handbook))) is not None:
        files["sitemap.xml"] = sitemap
    for lang in config.codes:
        folder = f"{lang_root(config, lang)}search/"  # the manifest index.<lang>.js and the chunks it names
        files.update({folder + name: text for name, text in render_index(handbook, config, lang).items()})
    return files


def reduce_theme_css(site: Path, config: SiteConfig) -> dict[str, str]:
    """A built site → Material's stylesheets cut to the rules its pages and our scripts can use, each renamed after its
    new content (a browser never keeps a fuller or older copy under the new name): {old path: new path} under a
    language's root, for the pages to be pointed at them (inline_first_paint_css, which rewrites every page anyway)."""
    pages = list(site.rglob("*.html"))  # read one at a time, in both passes: a large handbook's pages would not fit at once
    scripts = [path.read_text(encoding="utf-8") for path in [*site.glob("**/assets/*.js"), *site.glob("**/finder/*.js")]]
    names = used_names((page.read_text(encoding="utf-8") for page in pages), scripts)
    renamed: dict[str, str] = {}
    reductions: dict[str, str] = {}  # every language has the same stylesheets: each is parsed and cut once
    for lang in config.codes:
        for sheet in (site / lang_root(config, lang) / "assets" / "stylesheets").glob("*.min.css"):
            text = sheet.read_text(encoding="utf-8")
            if text not in reductions:
                reductions[text] = reduce_stylesheet(text, names)
            reduced = reductions[text]
            name = f"{sheet.name.removesuffix('.min.css')}.{digest(reduced)}.min.css"
            rewrite_file(sheet.with_name(name), reduced)
            sheet.unlink()
            renamed[f"assets/stylesheets/{sheet.name}"] = f"assets/stylesheets/{name}"
    return renamed


def inline_first_paint_css(site: Path, config: SiteConfig, renamed: dict[str, str] | None = None) -> None:
    """A built site → each page pointed at the stylesheets `renamed` ({old path: new path}), with the CSS it needs on
    screen inlined and its stylesheets linked for print (web/criticalcss.py)."""
    parsed: dict[str, Sheet] = {}
    texts: dict[Path, str] = {}  # every page names the same few stylesheets and scripts: each is read once
    # 404 pages name files from the host's root: under site_url's path (https://example.org/handbook/ → /handbook/)
    root = urlsplit(config.site_url).path if config.site_url else "/"

    def read(page: Path, url: str) -> str:  # relative, or from the site's root on 404 pages
        path = Path(os.path.normpath(site / url.removeprefix(root).lstrip("/") if url.startswith("/")
                                     else page.parent / url))
        if path not in texts:
            texts[path] = path.read_text(encoding="utf-8")
        return texts[path]

    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        new = first_paint_html(functools.reduce(lambda text, names: text.replace(*names), (renamed or {}).items(), html),
                               functools.partial(read, page), parsed)
        if new != html:
            rewrite_file(page, new)


def tidy_theme_files(site: Path, config: SiteConfig) -> None:
    """Remove the sitemaps MkDocs writes: the handbook's own is written next (Material's search and source maps are
    not copied at all: web/mkdocs_docs.py)."""
    for lang in config.codes:
        for name in MKDOCS_SITEMAPS:
            (site / lang_root(config, lang) / name).unlink(missing_ok=True)
