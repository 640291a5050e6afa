"""The Typst machinery that booklets and leaflets share: a pool of workers (one Typst compiler each), reuse of the
previous build's PDFs by the hash of their inputs, QR codes drawn once per build, page counts and manifest entries.

A stage module (booklets.py, leaflets.py) plans its PDFs and makes each one's input; compile_or_reuse turns inputs
into PDFs on disk and returns their facts; manifest_entry turns facts into a booklets/index.json entry."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
import signal
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from multiprocessing import forkserver
from pathlib import Path
from typing import Any, NamedTuple, Protocol, cast

from ..data.errors import BuildError
from ..present.qr import qr_svg
from .allocator import allocator, preloading

Progress = Callable[[int, int], None]  # (done, total)


class PdfFacts(NamedTuple):
    """What the build keeps of a written PDF (PDFs can be large: only these travel back from the workers)."""

    pages: int  # page count
    bytes: int  # file size
    sha256: str  # hex SHA-256 of the file
    layout: dict[str, Any]  # what the template reported about its own layout (metadata labelled <layout>), or {}


NOT_YET = PdfFacts(0, 0, "", {})  # the facts of a PDF not made yet (a planned manifest entry's)


def draw_qr_codes(urls: set[str], drawn: dict[str, str] | None = None) -> dict[str, str]:
    """URLs → their QR codes as SVG, each drawn once (in this process: a code takes about 0.3 ms). `drawn` holds the
    codes already drawn in this build (booklets and leaflets show the same service pages); the new ones are added to
    it."""
    drawn = {} if drawn is None else drawn
    drawn.update((url, qr_svg(url)) for url in sorted(urls - drawn.keys()))
    return {url: drawn[url] for url in urls}


# Debian's fonts-noto-cjk: Noto Sans CJK (OFL-1.1) as static fonts, regular and bold. Typst writes their outlines
# into a PDF as they are; the variable font of the manimgx-fonts-cjk package, used where these are not installed, it
# converts glyph by glyph in every PDF: with these the PDFs are about a sixth smaller (a Chinese leaflet 74 → 55 KB,
# the offline copy 50 → 43 MB) and Typst takes about a tenth less time. Same design, same metrics, same layout.
STATIC_FONT_DIR = Path("/usr/share/fonts/opentype/noto")  # where the package puts them (it holds only CJK fonts)
STATIC_FONTS = ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc")


@functools.cache
def font_dir() -> Path:
    """The folder Typst takes its fonts from: Debian's static Noto Sans CJK where both weights are installed, else
    the variable one of the manimgx-fonts-cjk package (the only font in its folder)."""
    if all((STATIC_FONT_DIR / name).is_file() for name in STATIC_FONTS):
        return STATIC_FONT_DIR
    import manimgx_fonts_cjk
    return Path(manimgx_fonts_cjk.__file__).parent


def font_identity() -> bytes:
    """The font files Typst may use, by name, size and date (a new package version changes them): part of every
    PDF's input hash, so a build with other fonts makes its PDFs again."""
    files = sorted((p.name, p.stat()) for p in font_dir().iterdir() if p.suffix.lower() in (".ttc", ".otf", ".ttf", ".otc"))
    return "\n".join(f"{name} {st.st_size} {st.st_mtime_ns}" for name, st in files).encode()


_COMPILERS: dict[tuple[str, str], Any] = {}


def fonts() -> Any:
    """Worker: the fonts Typst may use (font_dir's and Typst's own), read once and shared by every compiler the worker
    makes. A compiler given a folder reads its fonts again, and its first compile loads their data again: about a
    tenth of a second of CPU for each template a worker compiles and for each measuring run."""
    return _fonts(font_dir())


@functools.cache
def _fonts(folder: Path) -> Any:
    import typst
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(folder)])


MEASURE = "measure"  # an input key: see _compile
DATA = "data"  # an input key: the JSON a template reads (see read_by_file)
DATA_FILE = "/data.json"  # where, in a worker's own root folder, the template finds it


def _compile(template: str, root: str, data: dict[str, str], standards: tuple[str, ...] | None, target: str) -> PdfFacts:
    """Worker: template + data → a PDF written to `target`; only its facts travel back.

    An input with a `measure` key is only laid out: no PDF is written, and the facts are the page count and the
    layout report (bytes 0, no SHA-256). The template sees the key and may leave out what cannot change the layout
    (a booklet leaves out its running headers and draws a blank square where each QR code will be)."""
    template, root, data = read_by_file(template, root, data)
    if MEASURE in data:
        return _measure(template, root, data)
    return _compile_once(template, root, data, standards, target)


_FOLDER: list[Path] = []  # this worker's own root folder, once made
_COPIED: dict[Path, bytes] = {}  # the templates copied into it, as copied
POOL_FOLDER: list[str] = []  # where a pool's workers make theirs (set by _quiet_worker; the pool removes it)


def read_by_file(template: str, root: str, data: dict[str, str]) -> tuple[str, str, dict[str, str]]:
    """Worker: an input with a `data` key (a template's JSON) → the same job with the JSON written to a file that the
    template reads (sys.inputs.data names it), in a folder of this worker's own that holds a copy of the template.

    Typst reuses what it laid out in the worker's earlier compiles only if nothing it depended on changed, and every
    element depends on sys.inputs: data handed over there made every booklet start from nothing. Read from a file
    whose name never changes, the data is one input among others, and a chapter booklet finds the services it prints
    already laid out by the full handbook before it."""
    if DATA not in data:
        return template, root, data
    if not _FOLDER:
        from multiprocessing.util import Finalize
        _FOLDER.append(Path(tempfile.mkdtemp(prefix="typst-", dir=POOL_FOLDER[0] if POOL_FOLDER else None)))
        Finalize(None, shutil.rmtree, (str(_FOLDER[0]),), {"ignore_errors": True}, exitpriority=0)
    folder = _FOLDER[0]
    copy = folder / Path(template).parent.name / Path(template).name  # (templates of one name in two folders)
    source = Path(template).read_bytes()  # a copy, not a link: Typst wants the template inside its root, links resolved
    if _COPIED.get(copy) != source:  # (copied again when the template was edited)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(source)
        _COPIED[copy] = source
    (folder / DATA_FILE.lstrip("/")).write_text(data[DATA], encoding="utf-8")
    return str(copy), str(folder), {**data, DATA: DATA_FILE}


def _compile_once(template: str, root: str, data: dict[str, str], standards: tuple[str, ...] | None,
                  target: str) -> PdfFacts:
    """Worker: template + data → a PDF written to `target`, and its facts."""
    import typst
    # One compiler per worker process and template, all with the same fonts (see fonts)
    compiler = _COMPILERS.get((template, root))
    if compiler is None:
        compiler = _COMPILERS[(template, root)] = typst.Compiler(template, root=root, font_paths=fonts())
    if standards is None:  # a print-shop file: untagged (tagging is most of the export time)
        made, warnings = compiler.compile_with_warnings(sys_inputs=data, pdf_tags=False)
    else:
        made, warnings = compiler.compile_with_warnings(sys_inputs=data, pdf_standards=cast(Any, list(standards)))
    unsettled(template, warnings)
    assert isinstance(made, bytes), type(made)  # one PDF (a list would mean one image per page)
    pdf: bytes = made
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_bytes(pdf)
    # the layout report is memoized from the compile just made, so asking for it costs next to nothing; a template
    # that reports its page count (total) saves reading the PDF back
    reports = json.loads(compiler.query("<layout>", field="value", format="json"))
    layout = dict(reports[0]) if reports else {}
    pages = layout.pop("total", None)
    return PdfFacts(pages if isinstance(pages, int) else page_count(pdf), len(pdf), sha256(pdf), layout)


def unsettled(template: str, warnings: Iterable[Any]) -> None:
    """A compile's warnings → a BuildError if its layout did not settle: Typst then writes its last attempt, in which
    what a page shows and what it reports of itself (running headers, page numbers, the layout report) disagree."""
    for warning in warnings:
        if "did not converge" in str(getattr(warning, "message", "") or warning):
            raise BuildError(f"templates/{Path(template).parent.name}/{Path(template).name}: the layout did not settle "
                             "(Typst: document did not converge within five attempts)")


def _measure(template: str, root: str, data: dict[str, str]) -> PdfFacts:
    """Worker: template + data → the page count and layout report, without making a PDF."""
    import typst
    # a compiler of its own: typst-py takes a query's inputs only when a compiler is made
    compiler = typst.Compiler(template, root=root, font_paths=fonts(), sys_inputs=data)
    try:
        reports = json.loads(compiler.query("<layout>", field="value", format="json"))
    except RuntimeError:  # a failed query does not say where: compiling the same input raises Typst's own error
        compiler.compile(pdf_tags=False)
        raise
    layout = dict(reports[0]) if reports else {}
    pages = layout.pop("total", None)
    if not isinstance(pages, int):
        raise BuildError(f"{Path(template).name}: a measuring run must report its page count as <layout> total")
    return PdfFacts(pages, 0, "", layout)


def measured(facts: PdfFacts) -> bool:
    """Facts of a measuring run (no PDF was written), not of a PDF."""
    return not facts.sha256


def _quiet_worker(folder: str | None = None) -> None:
    """Worker start: the parent handles Ctrl+C and SIGTERM; workers just stop with the pool. `folder`: where the
    worker makes its own (see read_by_file)."""
    if folder:
        POOL_FOLDER[:] = [folder]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    warm_up()


WARM_UP = ('#set document(title: "-")\n#set text(font: "Noto Sans CJK SC", lang: "zh")\n'
           '#text(weight: "regular")[盐边] #text(weight: "bold")[盐边]').encode()


def warm_up() -> None:
    """Worker start: the fonts read and a few characters of both weights typeset into a PDF, which loads the fonts'
    data and Typst's own, about a tenth of a second the worker's first job would otherwise take. Workers start while
    the build reads and checks services.yaml on one core, so this costs the build no time. A failure is left to that
    first job to report, with its template's name."""
    import typst
    with contextlib.suppress(Exception):
        typst.Compiler(WARM_UP, font_paths=fonts()).compile(pdf_standards=["ua-1", "a-2a"])


WORKER_MEMORY_LIMIT = 512 * 1024 ** 2  # bytes a Typst worker may hold of its own: past it, it is replaced
SMALL_INPUT = 64 * 1024  # characters of a Typst job's input (its JSON, QR codes included) up to which it is small: a
# leaflet (2-16 KB), an imposition, most chapter and department booklets, not the full handbooks (170-350 KB) nor, at
# 100 times the services, the audience sheets (RecyclingPool.submit_small)
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def private_memory(pid: int) -> int:
    """A process → the bytes of memory it holds that no file backs (what grows as Typst caches what it typesets),
    from /proc/<pid>/statm: resident pages less those shared with files, which costs a few microseconds however
    large the process is (it is read before every job); 0 if the process is gone or /proc is missing. Pages a worker
    still shares with the small server it was forked from count too: a few megabytes."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            fields = statm.read().split()
    except OSError:
        return 0
    return (int(fields[1]) - int(fields[2])) * PAGE_SIZE


class _Lane:
    """One Typst worker: a pool of one process, so each worker can be replaced on its own; the jobs given to it."""

    def __init__(self, executor: ProcessPoolExecutor) -> None:
        self.renew(executor)

    def renew(self, executor: ProcessPoolExecutor) -> None:
        """A fresh worker in this lane, with no job."""
        self.executor = executor
        self.pid = next(iter(getattr(executor, "_processes", None) or {}), 0)
        self.jobs: list[bool] = []  # the jobs it was given and has not finished, in order: whether each is small

    @property
    def busy(self) -> bool:
        return bool(self.jobs)


class RecyclingPool(ProcessPoolExecutor):
    """Typst workers, each replaced on its own as soon as it holds more than `memory_limit` bytes of its own.

    Typst keeps what it has typeset in caches that typst-py offers no call to empty, so a worker's memory grows with
    every PDF. Each worker takes one job at a time: a job goes to a worker with no job, which is first replaced if it
    holds more than the limit (read before every job), so no worker starts a job past the limit and the other workers
    keep working while one is replaced. (With one shared queue, a worker past the limit ran every job already queued
    for it first: at 100 times the services two workers reached 2.3 GB each against a limit of 512 MB; giving a worker
    up to three jobs while its memory seemed to leave room for them, at the most it had grown from one job to the
    next, did too: the growth seen so far is no bound on the next job's.) The price: a worker waits for this process
    before each job. `submit` waits until a worker is free; `map` goes through it. Python's own max_tasks_per_child
    is not used: up to 3.13 it can stall for good when a worker retires (CPython gh-115634).

    The exception, `submit_small`: a job whose input is small (a leaflet, most booklets, an imposition) may wait in
    the queue of a worker running another small job while that worker holds less than half the limit, so the worker
    goes from one to the next without waiting for this process (about 3 ms a job, most of a leaflet's wait; a build
    0.976 x as long). A worker past half the limit is given no second job, so it empties its queue and is replaced as
    above; a large job (a full handbook, at 100 times the services an audience sheet) never waits behind another and
    nothing waits behind it."""

    def __init__(self, workers: int, memory_limit: int = WORKER_MEMORY_LIMIT) -> None:
        super().__init__(max_workers=workers)  # starts no process: the lanes' workers do the work
        self.memory_limit = memory_limit
        self.changed = threading.Condition()  # a worker became free, or the pool closed; booklets and leaflets may
        # submit from two threads (generator/printing/run.py)
        self.closed = False
        self.replaced = 0  # how many workers were replaced
        self.retired: list[ProcessPoolExecutor] = []  # replaced workers (each exits as soon as it is told to)
        self.folder = tempfile.mkdtemp(prefix="handbook-typst-")  # the workers' own folders (read_by_file), removed
        # with the pool
        self.lanes: list[_Lane] = []
        try:
            for _ in range(workers):
                self.lanes.append(_Lane(self.new_worker()))
        except BaseException:  # interrupted while the workers start (Ctrl+C is taken right after a fork): no pool;
            self.shutdown(wait=True, cancel_futures=True)  # the workers started have no job but their first: quick
            raise

    def new_worker(self) -> ProcessPoolExecutor:
        """A fresh worker, started while SIGINT and SIGTERM wait (a signal in the middle of a fork leaves the pool
        half made; the parent gets them, as KeyboardInterrupt, right after)."""
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            # started from a small server process, not forked from this one: a worker forked from a build holding a
            # large handbook would come to copy all of it (Python's own bookkeeping writes to every object it has)
            pool = ProcessPoolExecutor(max_workers=1, initializer=_quiet_worker, initargs=(self.folder,),
                                       mp_context=worker_start())
            pool.submit(int)  # the process is started now (its pid known), and comes up while the caller goes on
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        return pool

    def worker_memory(self) -> list[int]:
        """The memory each current worker holds of its own, in bytes."""
        return [private_memory(lane.pid) for lane in self.lanes]

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """A job → its future, run by the first free worker (replaced first if it holds too much memory); waits for
        a worker to be free."""
        return self.given(False, fn, *args, **kwargs)

    def submit_small(self, fn: Callable[..., Any], /, *args: Any) -> Future[Any]:
        """A job with a small input → its future: run by the first free worker, or else queued behind the small job
        of a worker holding less than half the limit; waits until one of them is there."""
        return self.given(True, fn, *args)

    def submit_to(self, index: int, small: bool, fn: Callable[..., Any], /, *args: Any) -> Future[Any]:
        """A job → its future, run by the worker of lane `index` (see ready_lane) as `submit` or `submit_small` says
        (`small`), once it can take it."""
        return self.given(small, fn, *args, among=(index,))

    def ready_lane(self) -> int:
        """The lane of a worker that can take a job now (one with no job first), once there is one: a small job,
        at least (see free_lane)."""
        with self.changed:
            return self.lanes.index(self.free_lane(small=True))

    def ready_lane_now(self) -> int | None:
        """ready_lane's lane if there is one now, else None."""
        with self.changed:
            lane = self.lane_free_now(small=True)
            return None if lane is None else self.lanes.index(lane)

    def given(self, small: bool, fn: Callable[..., Any], /, *args: Any, among: tuple[int, ...] | None = None,
              **kwargs: Any) -> Future[Any]:
        """A job given to a worker (of the lanes `among`, if given) as `submit` or `submit_small` says."""
        with self.changed:
            lane = self.free_lane(small, among)
            if not lane.jobs and private_memory(lane.pid) > self.memory_limit:
                lane.executor.shutdown(wait=False)  # it has no job: its process exits at once
                self.retired.append(lane.executor)
                lane.renew(self.new_worker())
                self.replaced += 1
            future = lane.executor.submit(fn, *args, **kwargs)
            lane.jobs.append(small)
        future.add_done_callback(lambda _: self.release(lane))
        return future

    def free_lane(self, small: bool = False, among: tuple[int, ...] | None = None) -> _Lane:
        """A worker (of the lanes `among`, if given) with no job, once there is one, or for a small job one running a
        small job alone while it holds less than half the limit (called holding `changed`)."""
        while (lane := self.lane_free_now(small, among)) is None:
            self.changed.wait()
        return lane

    def lane_free_now(self, small: bool = False, among: tuple[int, ...] | None = None) -> _Lane | None:
        """free_lane's worker if there is one now, else None (called holding `changed`)."""
        if self.closed:
            raise RuntimeError("cannot schedule new futures after shutdown")
        lanes = self.lanes if among is None else [self.lanes[i] for i in among]
        for lane in lanes:
            if not lane.jobs:
                return lane
        for lane in lanes if small else ():
            if lane.jobs == [True] and private_memory(lane.pid) < self.memory_limit // 2:
                return lane
        return None

    def release(self, lane: _Lane) -> None:
        """A worker's job ended (the first it was given: a worker runs its jobs in order): it takes the next."""
        with self.changed:
            lane.jobs.pop(0)  # (a lane gets a new worker only with no job, so every job given is still listed)
            self.changed.notify_all()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Every worker stopped (the running jobs finished when `wait`); no job is taken after, and a submit waiting
        for a free worker raises."""
        with self.changed:  # (a submit replacing a worker holds it until the new one is up: that one is stopped too)
            self.closed = True
            self.changed.notify_all()
        for executor in [*self.retired, *(lane.executor for lane in self.lanes)]:
            executor.shutdown(wait=wait, cancel_futures=cancel_futures)
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        shutil.rmtree(self.folder, ignore_errors=True)


def worker_start() -> multiprocessing.context.BaseContext:
    """How the workers are started: forked from a server process that has loaded this module and nothing else, and
    that allocates memory with jemalloc where Debian's libjemalloc2 is installed (allocator.py: a tenth less CPU for
    the same PDFs, the 170 leaflets 3.95 -> 3.6 s, median of 6 pairs; a whole build's workers 18.3 -> 16.7 s)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    library = allocator()
    environ = preloading(library, os.environ) if library else None  # (None: no library, or preloaded already)
    if environ is not None:  # (a server already running is kept as it is)
        with environment_with(LD_PRELOAD=environ["LD_PRELOAD"]):  # the server, and the workers forked from it
            forkserver.ensure_running()
    return context


@contextlib.contextmanager
def environment_with(**values: str) -> Iterator[None]:
    """os.environ with `values` added for the block (for a process started in it), then as it was."""
    before = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class EarlyWorkers:
    """The pool of Typst workers of `handbook build`, started before the command imports anything else (launch.py),
    on a thread of its own: the workers' server starts and loads this module, the workers fork from it and read their
    fonts (warm_up), all on the other core while this process imports the build's modules (0.25 s on one core, the
    other idle) instead of after them, and the first PDF's job goes as soon as its input is made. worker_pool takes
    the pool (`take`); one never taken is stopped with `stop` (the command failed before its build)."""

    def __init__(self) -> None:
        self.pool: RecyclingPool | None = None
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self.start, name="typst-workers", daemon=True)
        self.thread.start()

    def start(self) -> None:
        try:
            self.pool = RecyclingPool(os.cpu_count() or 1)
        except BaseException as exc:  # (raised where the pool is taken, as it would have been when made there)
            self.failure = exc

    def take(self) -> RecyclingPool:
        """The pool, once started (this object gives it once)."""
        self.thread.join()
        pool, self.pool = self.pool, None
        if pool is None:
            raise self.failure or RuntimeError("the early Typst workers were taken already")
        return pool

    def stop(self) -> None:
        """The pool stopped, unless it was taken."""
        self.thread.join()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


_EARLY: list[EarlyWorkers] = []  # the workers start_workers_early started, until worker_pool takes them


def start_workers_early() -> None:
    """`handbook build`'s first step (launch.py): its Typst workers started (EarlyWorkers), for worker_pool to take."""
    if not _EARLY:
        _EARLY.append(EarlyWorkers())


def stop_early_workers() -> None:
    """The workers start_workers_early started, stopped if no build took them."""
    while _EARLY:
        _EARLY.pop().stop()


@contextlib.contextmanager
def worker_pool(workers: int | None = None, memory_limit: int = WORKER_MEMORY_LIMIT) -> Iterator[RecyclingPool]:
    """A pool of Typst workers, one per core unless `workers` says otherwise, each replaced once it holds more than
    `memory_limit` bytes; shut down when the block ends. The pool start_workers_early started is taken if it is such
    a pool (the default workers and limit)."""
    if _EARLY and workers is None and memory_limit == WORKER_MEMORY_LIMIT:
        pool = _EARLY.pop().take()
    else:
        pool = RecyclingPool(workers or os.cpu_count() or 1, memory_limit)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


STOP_CHECK = 1.0  # seconds between looks at whether the pool dropped the jobs waited for


def first_done(futures: Iterable[Future[Any]]) -> set[Future[Any]]:
    """Jobs waited for → those finished (at least one); CancelledError once the pool has dropped one of them.

    A job the pool drops as it shuts down (cancel_futures) never wakes concurrent.futures.wait or as_completed (only
    a future's own result() hears of it): the build's thread that stops the pool would wait for ever for the
    booklets' thread (generator/printing/run.py). So the wait looks again every STOP_CHECK seconds."""
    futures = list(futures)
    while True:
        done = wait(futures, timeout=STOP_CHECK, return_when=FIRST_COMPLETED).done
        if done:
            return done
        if any(future.cancelled() for future in futures):
            raise CancelledError


def submit_job(pool: RecyclingPool, template: Path, root: Path, data: dict[str, str],
               standards: tuple[str, ...] | None, target: Path, lane: int) -> Future[PdfFacts]:
    """A Typst job → its future, run by the worker of `lane`; as a small job (submit_small) when its input is small."""
    small = sum(map(len, data.values())) <= SMALL_INPUT
    return pool.submit_to(lane, small, _compile, str(template), str(root), data, standards, str(target))


class Jobs(Protocol):
    """Typst jobs for one template, each (input, target file), by position: a list, or JobsMadeOnDemand."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int, /) -> tuple[dict[str, str], Path]: ...


class JobsMadeOnDemand:
    """`count` jobs whose inputs are made only when a worker is about to take them (`make` of a position), so memory
    stays flat however many PDFs there are."""

    def __init__(self, count: int, make: Callable[[int], tuple[dict[str, str], Path]]) -> None:
        self.count, self.make = count, make

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int, /) -> tuple[dict[str, str], Path]:
        return self.make(index)


class LaneRuns:
    """Jobs in compile order, with their weights → one run of consecutive jobs for each worker (lane), the runs of
    about equal weight; a worker whose run is done takes the last job of the run with the most weight left, so the
    other workers keep theirs in order. The first `heads` jobs (those something waits for: the whole handbooks'
    measuring runs, whose layouts tell which files there will be) are dealt out first, each to the run with the
    least weight so far, so every worker starts on one and they are done soonest; the runs follow them.

    Typst keeps what it laid out for the next ten compiles of the same worker (typst-py evicts older entries after
    every compile), and consecutive jobs in compile order print the same services in the same language and size
    (booklets.locality): given alternately to every worker, half of that was laid out again on the other."""

    def __init__(self, weights: Sequence[float], lanes: int, heads: int = 0) -> None:
        self.weights = list(weights)
        self.runs: list[deque[int]] = [deque() for _ in range(lanes)]
        self.left = [0.0] * lanes
        for k in sorted(range(heads), key=lambda k: -self.weights[k]):  # the heaviest first, to the lightest run
            lane = min(range(lanes), key=lambda i: (self.left[i], i))
            self.runs[lane].append(k)
            self.left[lane] += self.weights[k]
        total, done = sum(self.weights[heads:]), 0.0
        for k, weight in enumerate(self.weights[heads:], heads):  # each job in the run its middle falls in
            lane = (min(int((done + weight / 2) * lanes / total), lanes - 1) if total > 0
                    else (k - heads) * lanes // (len(self.weights) - heads))
            self.runs[lane].append(k)
            self.left[lane] += weight
            done += weight

    def __bool__(self) -> bool:
        return any(self.runs)

    def next(self, lane: int) -> int | None:
        """The job the worker of `lane` will take next if its run still holds one (a job taken from it by another
        worker aside), else None."""
        return self.runs[lane][0] if self.runs[lane] else None

    def take(self, lane: int) -> int:
        """The next job for the worker of `lane` (there must be one left)."""
        if self.runs[lane]:
            k = self.runs[lane].popleft()
            self.left[lane] -= self.weights[k]
            return k
        donor = max(range(len(self.runs)), key=lambda i: (bool(self.runs[i]), self.left[i]))
        k = self.runs[donor].pop()
        self.left[donor] -= self.weights[k]
        return k


def next_job(pool: RecyclingPool, runs: LaneRuns, jobs: Jobs,
             ahead: dict[int, tuple[dict[str, str], Path]]) -> tuple[int, int, tuple[dict[str, str], Path]]:
    """The next job, for the first worker ready for one → (its lane, its position, its input and target). While every
    worker is busy, the next job of each run has its input made meanwhile (kept in `ahead` until taken)."""
    while (lane := pool.ready_lane_now()) is None:
        upcoming = [k for i in range(len(pool.lanes)) if (k := runs.next(i)) is not None and k not in ahead]
        if not upcoming:  # every run's next input made: a wait for a worker
            lane = pool.ready_lane()
            break
        ahead[upcoming[0]] = jobs[upcoming[0]]
    k = runs.take(lane)
    return lane, k, ahead.pop(k) if k in ahead else jobs[k]


def compile_all(pool: RecyclingPool, template: Path, root: Path, jobs: Jobs, count: int,
                standards: tuple[str, ...] | None, progress: Progress | None = None,
                weights: Sequence[float] | None = None,
                heard: Callable[[int, PdfFacts], None] | None = None, heads: int = 0) -> list[PdfFacts]:
    """`count` (input, target file) jobs for one template → PDFs written, their facts in order; a Typst error names
    the template. Each worker goes through a run of consecutive jobs of its own (LaneRuns, by `weights`: the jobs'
    relative cost, equal if not given; the first `heads` dealt out first), each job's input taken from `jobs` once it
    is next in its run and every worker is busy, so it is ready when its worker is (a worker waited 10-15 ms for a
    booklet's data to be made, and longer while the web stages held the interpreter). `heard` hears each job's
    position and facts as soon as it is done (the jobs go on meanwhile)."""
    results: list[PdfFacts | None] = [None] * count
    pending: dict[Future[PdfFacts], int] = {}
    finished = 0

    def collect(futures: Iterable[Future[PdfFacts]]) -> None:
        nonlocal finished
        for future in futures:
            k = pending.pop(future)
            results[k] = facts = future.result()
            if heard:
                heard(k, facts)
            finished += 1
            if progress:
                progress(finished, count)

    try:
        runs = LaneRuns(weights if weights is not None else [1.0] * count, len(pool.lanes), heads)
        ahead: dict[int, tuple[dict[str, str], Path]] = {}  # inputs made before their worker is ready: one per run
        while runs:
            lane, k, (data, target) = next_job(pool, runs, jobs, ahead)
            pending[submit_job(pool, template, root, data, standards, target, lane)] = k
            collect([future for future in pending if future.done()])
        while pending:
            collect(first_done(pending))
    except BaseException as exc:  # a Typst error, or Ctrl+C / SIGTERM: drop the queued jobs at once
        for future in pending:
            future.cancel()
        if isinstance(exc, Exception) and not isinstance(exc, BuildError):
            raise BuildError(typst_message(template, exc)) from None
        raise
    return [facts for facts in results if facts is not None]


def compile_or_reuse(pool: RecyclingPool, template: Path, root: Path, targets: list[Path],
                     key_of: Callable[[int], str], make_inputs: Callable[[list[int]], Iterator[tuple[str, dict[str, str]]]],
                     standards: tuple[str, ...] | None, reuse: Reuse, progress: Progress | None,
                     order: Callable[[int], Any] | None = None,
                     weight: Callable[[int], float] | None = None,
                     heard: Callable[[int, PdfFacts], None] | None = None,
                     heads: Callable[[int], bool] | None = None) -> list[tuple[PdfFacts, str]]:
    """PDFs to write at `targets` → each one's facts and input hash, in order. Where the previous build left PDFs,
    each target's input hash (`key_of` its index) is looked up and a PDF made from the same input is reused; the
    others (their indexes, sorted by `order` if given, each weighing `weight` of it: see compile_all) are compiled in
    parallel from `make_inputs`, which yields the input hash and input of each index it is given, made from the same
    data. `heard` hears each target's index and facts as soon as they are known: a reused PDF's before any job
    starts, a compiled one's as its job ends; the targets `heads` names go first, one to each worker (LaneRuns).

    With nothing to reuse (a first or --fresh build), no hash is worked out ahead: each comes with its input, as the
    workers need it, so the first job starts at once and no PDF's data is made twice."""
    found: list[tuple[PdfFacts, str] | None] = [None] * len(targets)
    if reuse.entries:
        for i, target in enumerate(targets):
            key = key_of(i)
            if (facts := reuse.take(key, target)) is not None:
                found[i] = (facts, key)
    missing = sorted((i for i, made in enumerate(found) if made is None), key=order)
    first = [i for i in missing if heads(i)] if heads else []  # (dealt out first: see compile_all)
    taken = set(first)
    missing = first + [i for i in missing if i not in taken]
    for i, made in enumerate(found):
        if made is not None and heard:
            heard(i, made[0])
    if progress:
        progress(len(targets) - len(missing), len(targets))
    keys: dict[int, str] = {}

    def job(k: int) -> tuple[dict[str, str], Path]:
        i = missing[k]
        [(keys[i], data)] = make_inputs([i])
        return data, targets[i]
    compiled = compile_all(pool, template, root, JobsMadeOnDemand(len(missing), job), len(missing), standards,
                           progress and (lambda done, _: progress(len(targets) - len(missing) + done, len(targets))),
                           [weight(i) for i in missing] if weight else None,
                           heard and (lambda k, facts: heard(missing[k], facts)), len(first))
    for i, facts in zip(missing, compiled, strict=True):
        found[i] = (facts, keys[i])
    return [made for made in found if made is not None]


def typst_message(template: Path, exc: BaseException) -> str:
    """A Typst error → one line: 'templates/<folder>/NAME.typ:LINE:COL: message'."""
    diagnostic = str(getattr(exc, "diagnostic", "") or "")
    where = re.search(r"┌─ \S*?([^/\s]+\.typ):(\d+):(\d+)", diagnostic)
    message = str(getattr(exc, "message", "") or exc).strip().splitlines()[0]
    position = f":{where.group(2)}:{where.group(3)}" if where and where.group(1) == template.name else ""
    folder = "leaflets" if template.parent.name == "leaflets" else "booklets"
    return f"templates/{folder}/{template.name}{position}: {message}"


def page_count(pdf: bytes) -> int:
    """PDF bytes → number of pages (read back only when a template does not report it: pypdf is imported then)."""
    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(pdf)).pages)


def sha256(data: bytes | str) -> str:
    """Bytes or text → hex SHA-256."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def file_sha256(path: Path) -> str:
    """A file → hex SHA-256, read in pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def link_or_copy(source: Path, target: Path) -> None:
    """A file → the same file at `target` (a hard link where the file system allows, else a copy)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def engine_key(modules: Iterable[Path], templates: Iterable[Path]) -> str:
    """Everything besides a PDF's data that shapes it: the stage's modules (and this one), the Typst and QR packages,
    the font files, the templates."""
    from importlib.metadata import version
    parts = [Path(__file__).read_bytes(), version("typst").encode(), font_identity(), version("zxing-cpp").encode()]
    parts += [p.read_bytes() for p in modules]
    parts += [p.name.encode() + b"\0" + p.read_bytes() for p in sorted(templates)]
    return sha256(b"\0".join(hashlib.sha256(p).digest() for p in parts))


class Reuse:
    """The PDFs of the previous build, found by the hash of everything that went into them.

    A PDF is reused only if the previous manifest lists the same input hash and the file on disk still has the
    SHA-256 the manifest recorded; anything else is compiled again. `handbook build --fresh` reuses nothing."""

    def __init__(self, previous_site: Path | None) -> None:
        self.site = previous_site
        self.entries: dict[str, dict[str, Any]] = {}  # input hash → previous manifest entry
        self.reused = 0
        if previous_site is None:
            return
        try:
            listed = json.loads((previous_site / "booklets" / "index.json").read_text(encoding="utf-8"))
            self.entries = {e["input"]: e for e in listed if isinstance(e, dict) and "input" in e and "sha256" in e}
        except (OSError, ValueError, TypeError):
            pass  # no previous build, or one this version cannot read: compile everything

    def take(self, key: str, target: Path) -> PdfFacts | None:
        """An input hash → the previous PDF made from exactly that input, placed at `target`; or None."""
        entry = self.entries.get(key)
        if entry is None or self.site is None or not isinstance(entry.get("pages"), int):
            return None
        source = self.site / str(entry["file"])
        try:
            if not source.is_file() or file_sha256(source) != entry["sha256"]:
                return None
            link_or_copy(source, target)
        except OSError:
            return None
        self.reused += 1
        layout = entry.get("layout")
        return PdfFacts(entry["pages"], source.stat().st_size, entry["sha256"], layout if isinstance(layout, dict) else {})


FACTS = ("pages", "bytes", "sha256", "input", "layout")  # what a manifest entry knows only once its PDF is made


def as_planned(entry: dict[str, Any]) -> dict[str, Any]:
    """A manifest entry made with NOT_YET → the entry of a PDF still to be made: pages and bytes None."""
    return {**entry, "pages": None, "bytes": None}


def without_facts(entry: dict[str, Any]) -> dict[str, Any]:
    """A manifest entry → what was known of it before its PDF was made."""
    return {k: v for k, v in entry.items() if k not in FACTS}


def manifest_entry(fields: dict[str, Any], facts: PdfFacts, input_key: str) -> dict[str, Any]:
    """A PDF's own fields (file, kind, …), its facts and the hash of what it was made from → its manifest entry."""
    entry = dict(fields)
    entry.update(pages=facts.pages, bytes=facts.bytes, sha256=facts.sha256, input=input_key)
    if facts.layout:
        entry["layout"] = facts.layout
    return entry
