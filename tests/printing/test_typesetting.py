"""The Typst worker pool: a worker replaced once it holds too much memory, jobs still done in order, nothing left running."""
from __future__ import annotations

import json
import multiprocessing
import os
import time
from concurrent.futures import CancelledError, Future
from pathlib import Path
from typing import Any

import pytest

from generator.data.errors import BuildError
from generator.printing import typesetting
from generator.printing.allocator import allocator
from generator.printing.typesetting import (
    STATIC_FONT_DIR,
    STATIC_FONTS,
    Reuse,
    compile_all,
    compile_or_reuse,
    first_done,
    private_memory,
    worker_pool,
)

from ..conftest import ROOT

TEMPLATE = '#set page(width: 5cm, height: 5cm)\n#for i in range(int(sys.inputs.at("pages"))) { if i > 0 { pagebreak() }; [#i] }\n'


def test_workers_over_the_memory_limit_are_replaced_before_the_next_job() -> None:
    """A limit every worker passes (1 byte) → a new worker for every job; a limit none passes → the same worker."""
    with worker_pool(1, memory_limit=1) as pool:
        pids = [pool.submit(os.getpid).result() for _ in range(4)]
        assert len(set(pids)) == 4 and pool.replaced == 4
    with worker_pool(1, memory_limit=2 ** 62) as pool:
        pids = [pool.submit(os.getpid).result() for _ in range(4)]
        assert len(set(pids)) == 1 and pool.replaced == 0
    assert multiprocessing.active_children() == []  # every generation's workers have exited


def alive(pid: int) -> bool:
    """Whether a process of ours still runs (a child that has exited but is not yet reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_workers_started_early_are_the_builds_pool_or_are_stopped() -> None:
    """`handbook build` starts its Typst workers before its imports (launch.py): the first pool of the default
    settings asked for is that one, working; a pool of other settings, or a later one, is made anew; early workers
    that no build took are stopped."""
    typesetting.start_workers_early()
    typesetting.start_workers_early()  # (asked again: still one pool)
    [started] = typesetting._EARLY
    started.thread.join()
    early = started.pool
    assert early is not None
    with worker_pool(1) as other:
        assert other is not early and typesetting._EARLY  # (other settings: the early pool is left)
    with worker_pool() as pool:
        assert pool is early and not typesetting._EARLY
        assert {pool.submit(os.getpid).result() for _ in range(4)} <= {lane.pid for lane in early.lanes}
    with worker_pool() as later:
        assert later is not early
    typesetting.start_workers_early()
    [started] = typesetting._EARLY
    started.thread.join()
    assert started.pool is not None
    pids = [lane.pid for lane in started.pool.lanes]
    assert all(map(alive, pids))
    typesetting.stop_early_workers()
    assert not typesetting._EARLY and started.pool is None and not any(map(alive, pids))


HELD: list[bytearray] = []  # in a worker: what hold() keeps


def hold(size: int) -> int:
    """Worker: `size` bytes allocated, written and kept → the worker's pid."""
    HELD.append(bytearray(b"x") * size)
    return os.getpid()


def test_only_the_worker_past_the_limit_is_replaced_and_the_other_keeps_working() -> None:
    """One worker grows past the limit: it is replaced before its next job, and only it (a shared queue would have
    given it every job already queued, and replaced both)."""
    with worker_pool(2, memory_limit=150 * 1024 ** 2) as pool:
        started = [lane.pid for lane in pool.lanes]
        big = pool.submit(hold, 200 * 1024 ** 2).result()
        time.sleep(0.2)  # (the pool hears that the job ended just after its result is out)
        both = [pool.submit(time.sleep, 0.3) for _ in range(2)]  # one job on each worker
        for future in both:
            future.result()
        now = [lane.pid for lane in pool.lanes]
        assert pool.replaced == 1 and big not in now
        assert [pid for pid in started if pid != big] == [pid for pid in now if pid in started]
        assert max(pool.worker_memory()) < 150 * 1024 ** 2


def test_a_submit_waiting_for_a_free_worker_stops_when_the_pool_shuts_down() -> None:
    import threading
    with worker_pool(1, memory_limit=1) as pool:  # (no job can wait for a worker past its limit)
        running = pool.submit(time.sleep, 0.5)
        errors: list[BaseException] = []

        def waiting() -> None:
            try:
                pool.submit(os.getpid)
            except RuntimeError as exc:
                errors.append(exc)
        thread = threading.Thread(target=waiting)
        thread.start()
        time.sleep(0.1)
        pool.shutdown(wait=True)
        thread.join(timeout=30)
        assert not thread.is_alive() and len(errors) == 1 and running.done()


def test_a_worker_takes_one_job_at_a_time_and_is_replaced_before_the_next_past_the_limit() -> None:
    """A worker is given one job at a time (a second waits for it); one that its job took past the limit is replaced
    before the next."""
    with worker_pool(1, memory_limit=2 ** 62) as pool:
        job = pool.submit(time.sleep, 0.3)
        assert pool.lanes[0].busy
        job.result()
    with worker_pool(1) as pool:  # what a fresh worker holds (its fonts, read as it starts: typesetting.warm_up)
        own = private_memory(pool.submit(os.getpid).result())
    with worker_pool(1, memory_limit=own + 150 * 1024 ** 2) as pool:
        pool.submit(hold, 100 * 1024 ** 2).result()
        time.sleep(0.2)
        first = pool.submit(hold, 100 * 1024 ** 2)  # takes it past the limit
        second = pool.submit(os.getpid)  # waits for `first` to end, then goes to a fresh worker
        assert first.done() and second.result() != first.result() and pool.replaced == 1


def test_a_small_job_waits_on_a_worker_running_another_small_one_while_it_holds_little() -> None:
    """submit_small: a second small job goes to the worker's own queue at once (it starts when the first ends, with no
    round trip to the build's process); a third waits for the first to end (one waits at most)."""
    with worker_pool(1, memory_limit=2 ** 62) as pool:
        first = pool.submit_small(time.sleep, 0.5)
        second = pool.submit_small(os.getpid)
        assert not first.done() and pool.lanes[0].jobs == [True, True]
        third = pool.submit_small(os.getpid)
        assert first.done() and second.result() == third.result()


@pytest.mark.parametrize("order", ["large first", "large second"])
def test_a_large_job_never_waits_behind_another_and_nothing_waits_behind_it(order: str) -> None:
    with worker_pool(1, memory_limit=2 ** 62) as pool:
        if order == "large first":
            first, second = pool.submit(time.sleep, 0.5), pool.submit_small
        else:
            first, second = pool.submit_small(time.sleep, 0.5), pool.submit
        second(os.getpid).result()
        assert first.done()


def test_a_worker_past_half_its_limit_is_given_no_second_job() -> None:
    with worker_pool(1) as pool:  # what a fresh worker holds (typesetting.warm_up)
        own = private_memory(pool.submit(os.getpid).result())
    with worker_pool(1, memory_limit=own * 3 // 2) as pool:  # a worker that has started holds more than half of it
        pool.submit(os.getpid).result()  # (started: a worker still starting holds little, and may be given two)
        first = pool.submit_small(time.sleep, 0.5)
        pool.submit_small(os.getpid)
        assert first.done() and pool.replaced == 0


def test_typst_jobs_with_a_small_input_go_as_small_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    template = tmp_path / "t.typ"
    template.write_text(TEMPLATE, encoding="utf-8")
    jobs = [({"pages": "1"}, tmp_path / "small.pdf"),
            ({"pages": "1", "padding": "x" * typesetting.SMALL_INPUT}, tmp_path / "large.pdf")]
    with worker_pool(1, memory_limit=2 ** 62) as pool:
        given: list[tuple[bool, str]] = []
        real = pool.submit_to
        monkeypatch.setattr(pool, "submit_to", lambda lane, small, fn, *args: given.append((small, args[-1]))
                            or real(lane, small, fn, *args))
        compile_all(pool, template, tmp_path, jobs, len(jobs), None)
    assert given == [(True, str(tmp_path / "small.pdf")), (False, str(tmp_path / "large.pdf"))]


def test_each_worker_goes_through_a_run_of_consecutive_jobs_of_its_own(tmp_path: Path) -> None:
    """Two workers, jobs in compile order: each takes a run of consecutive jobs (Typst reuses what it laid out in its
    own recent compiles); the one done first takes the other's last jobs, so both keep busy to the end."""
    template = tmp_path / "t.typ"
    template.write_text(TEMPLATE, encoding="utf-8")
    pages = [1, 1, 1, 1, 1, 1, 1, 1]
    jobs = [({"pages": str(n)}, tmp_path / f"{i}.pdf") for i, n in enumerate(pages)]
    with worker_pool(2, memory_limit=2 ** 62) as pool:
        ran: list[tuple[int, int]] = []  # (job, worker's pid), in the order given
        real = pool.submit_to

        def given(lane: int, small: bool, fn: Any, *args: Any) -> Any:
            future = real(lane, small, fn, *args)
            ran.append((int(Path(args[-1]).stem), pool.lanes[lane].pid))
            return future
        pool.submit_to = given  # type: ignore[method-assign]
        facts = compile_all(pool, template, tmp_path, jobs, len(jobs), None)
    assert [f.pages for f in facts] == pages
    by_worker: dict[int, list[int]] = {}
    for job, pid in ran:
        by_worker.setdefault(pid, []).append(job)
    assert len(by_worker) == 2 and sorted(sum(by_worker.values(), [])) == list(range(len(pages)))
    first, second = sorted(by_worker.values())
    assert first[0] == 0 and second[0] == 4  # each starts its own run: the first half, the second half
    for run in (first, second):  # its own run in order, then (perhaps) the other's last jobs, from the end
        own = [job for job in run if (job < 4) == (run[0] < 4)]
        assert own == sorted(own) and [job for job in run if job not in own] == sorted(set(run) - set(own), reverse=True)


def test_lane_runs_split_the_jobs_by_weight_and_the_first_done_takes_from_the_end_of_the_heaviest() -> None:
    runs = typesetting.LaneRuns([4, 1, 1, 1, 1, 1, 1, 2], 2)  # 12 in all: 6 each
    assert [list(r) for r in runs.runs] == [[0, 1, 2], [3, 4, 5, 6, 7]]
    assert [runs.take(0), runs.take(0), runs.take(0)] == [0, 1, 2]
    assert runs.take(0) == 7 and runs.take(1) == 3  # lane 0 done: it takes the last of lane 1's run
    assert [runs.take(1), runs.take(1), runs.take(0)] == [4, 5, 6] and not runs
    assert [list(r) for r in typesetting.LaneRuns([1, 1, 1], 4).runs] == [[0], [], [1], [2]]  # (one gets none)
    assert [list(r) for r in typesetting.LaneRuns([0, 0, 0, 0], 2).runs] == [[0, 1], [2, 3]]  # (no weight: by count)


def test_lane_runs_deal_the_heads_first_one_to_each_worker_then_the_runs() -> None:
    """The jobs something waits for (the whole handbooks' measuring runs) start on every worker at once, the heaviest
    first to the lightest run; the rest are cut into runs after them."""
    runs = typesetting.LaneRuns([170, 85, 85, 10, 10, 10, 10, 10, 10], 2, heads=3)
    assert [list(r) for r in runs.runs] == [[0, 3, 4, 5], [1, 2, 6, 7, 8]]
    assert runs.left == [200, 200]
    assert runs.next(0) == 0 and runs.next(1) == 1
    assert [runs.take(1), runs.take(1)] == [1, 2] and runs.next(1) == 6
    assert [list(r) for r in typesetting.LaneRuns([1, 1, 1], 2, heads=3).runs] == [[0, 2], [1]]


class BusyWorkers:
    """Stands in for a RecyclingPool in compile_all: a job's result is there at once, but its worker stays busy until
    compile_all waits for a free one (then the one busy longest is free). `events` records what happened, in order."""

    def __init__(self, lanes: int) -> None:
        self.lanes = [typesetting._Lane.__new__(typesetting._Lane) for _ in range(lanes)]
        for lane in self.lanes:
            lane.jobs = []
        self.busy: list[int] = []
        self.events: list[tuple[str, object]] = []

    def ready_lane_now(self) -> int | None:
        free = [i for i, lane in enumerate(self.lanes) if not lane.jobs]
        return free[0] if free else None

    def ready_lane(self) -> int:
        if (free := self.ready_lane_now()) is not None:
            return free
        i = self.busy.pop(0)
        self.lanes[i].jobs.clear()
        self.events.append(("free", i))
        return i

    def submit_to(self, index: int, small: bool, fn: Any, *args: Any) -> Future[typesetting.PdfFacts]:
        self.lanes[index].jobs.append(small)
        self.busy.append(index)
        self.events.append(("submit", Path(args[-1]).stem))
        future: Future[typesetting.PdfFacts] = Future()
        future.set_result(typesetting.PdfFacts(1, 0, "", {}))
        return future


@pytest.mark.parametrize(("lanes", "count", "expected"), [
    (1, 3, ["make 0", "submit 0", "make 1", "free 0", "submit 1", "make 2", "free 0", "submit 2"]),
    (2, 4, ["make 0", "submit 0", "make 2", "submit 2", "make 1", "make 3", "free 0", "submit 1", "free 1", "submit 3"])])
def test_a_jobs_input_is_made_while_every_worker_is_busy(tmp_path: Path, lanes: int, count: int,
                                                         expected: list[str]) -> None:
    """The next job of each run has its input made while the workers are busy, so a worker never waits for it; a job
    is heard of as soon as it is done."""
    workers = BusyWorkers(lanes)

    class Inputs:
        def __len__(self) -> int:
            return count

        def __getitem__(self, k: int) -> tuple[dict[str, str], Path]:
            workers.events.append(("make", k))
            return {"n": str(k)}, tmp_path / f"{k}.pdf"

    heard: list[int] = []
    facts = compile_all(workers, tmp_path / "t.typ", tmp_path, Inputs(), count, None,  # type: ignore[arg-type]
                        heard=lambda k, _: heard.append(k))
    assert [f"{what} {which}" for what, which in workers.events] == expected
    assert len(facts) == count and sorted(heard) == list(range(count))


def test_map_goes_through_the_replacing_submit() -> None:
    with worker_pool(2, memory_limit=1) as pool:
        assert list(pool.map(abs, range(-5, 0))) == [5, 4, 3, 2, 1]
        assert pool.replaced >= 1


def test_pdfs_compiled_across_generations_are_all_written_in_order(tmp_path: Path) -> None:
    """Typst jobs while the workers are replaced before every job → every PDF written, facts in input order."""
    template = tmp_path / "t.typ"
    template.write_text(TEMPLATE, encoding="utf-8")
    pages = [1, 3, 2, 1, 4]
    jobs = [({"pages": str(n)}, tmp_path / f"{i}.pdf") for i, n in enumerate(pages)]
    with worker_pool(2, memory_limit=1) as pool:
        facts = compile_all(pool, template, tmp_path, jobs, len(jobs), None)
        assert pool.replaced >= len(jobs) - 2
    assert [f.pages for f in facts] == pages
    assert all((tmp_path / f"{i}.pdf").read_bytes().startswith(b"%PDF") for i in range(len(pages)))


def test_with_nothing_to_reuse_no_input_hash_is_worked_out_ahead(tmp_path: Path) -> None:
    """A first build: each PDF's input hash comes with its input (made once, as a worker is about to need it), and
    none is worked out before: the workers start on the first job at once."""
    template = tmp_path / "t.typ"
    template.write_text(TEMPLATE, encoding="utf-8")
    pages = [2, 1, 3]
    made: list[int] = []

    def key_of(i: int) -> str:
        raise AssertionError(f"the hash of {i} was worked out ahead")

    def inputs(missing: list[int]) -> Any:
        for i in missing:
            made.append(i)
            yield f"key-{i}", {"pages": str(pages[i])}
    with worker_pool(1) as pool:
        done = compile_or_reuse(pool, template, tmp_path, [tmp_path / f"{i}.pdf" for i in range(3)], key_of, inputs,
                                None, Reuse(None), None, order=lambda i: -i)
    assert made == [2, 1, 0]  # each input made once, in the order asked for
    assert [(facts.pages, key) for facts, key in done] == [(2, "key-0"), (1, "key-1"), (3, "key-2")]  # in target order


def test_a_previous_pdf_is_found_by_its_input_hash_and_only_the_others_are_made(tmp_path: Path) -> None:
    """A later build: every target's hash is looked up first; a PDF made from the same input is reused, the others'
    inputs are made and compiled."""
    template = tmp_path / "t.typ"
    template.write_text(TEMPLATE, encoding="utf-8")
    site = tmp_path / "site"
    (site / "booklets").mkdir(parents=True)
    with worker_pool(1) as pool:
        [(old, _)] = compile_or_reuse(pool, template, tmp_path, [site / "old.pdf"], str,
                                      lambda missing: (("k-old", {"pages": "4"}) for _ in missing), None, Reuse(None), None)
        (site / "booklets" / "index.json").write_text(json.dumps([{"file": "old.pdf", "input": "k-old", "pages": 4,
                                                                   "sha256": old.sha256}]), encoding="utf-8")
        asked: list[int] = []
        made: list[list[int]] = []

        def inputs(missing: list[int]) -> Any:
            made.append(missing)
            return ((f"k-{i}", {"pages": "1"}) for i in missing)
        out = tmp_path / "out"
        done = compile_or_reuse(pool, template, tmp_path, [out / "a.pdf", out / "b.pdf"],
                                lambda i: asked.append(i) or ["k-old", "k-new"][i], inputs, None, Reuse(site), None)
    assert asked == [0, 1] and made == [[1]]
    assert [(facts.pages, key) for facts, key in done] == [(4, "k-old"), (1, "k-1")]
    assert (out / "a.pdf").read_bytes() == (site / "old.pdf").read_bytes()


def test_a_workers_own_memory_is_read_from_proc() -> None:
    """Memory a process fills after it was forked counts as its own; what it still shares with its parent does not."""
    with worker_pool(1, memory_limit=2 ** 62) as pool:
        before = pool.submit(own_memory_after, 0).result()
        after = pool.submit(own_memory_after, 64 * 1024 ** 2).result()
    assert after - before > 60 * 1024 ** 2
    assert private_memory(2 ** 22 + 12345) == 0  # no such process


def own_memory_after(fill: int) -> int:
    """Worker: `fill` bytes allocated and written → the worker's own memory while it holds them."""
    held = bytearray(b"x" * fill)
    return private_memory(os.getpid()) + 0 * len(held)


def worker_facts() -> tuple[int, int]:
    """In a worker: (its parent's pid, its resident memory in bytes)."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    return os.getppid(), int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) * 1024


def test_workers_do_not_start_from_the_builds_memory() -> None:
    """A build holding a large handbook starts its Typst workers from a small server process: forked from the build,
    each worker would count (and in time copy) everything the build holds."""
    held = bytearray(b"x") * (300 * 1024 ** 2)  # written, so resident: as a 100× handbook would be
    with worker_pool(workers=1) as pool:
        parent, resident = pool.submit(worker_facts).result()
    del held
    assert parent != os.getpid()
    assert resident < 200 * 1024 ** 2


def test_a_layout_that_does_not_settle_stops_the_build(tmp_path: Path) -> None:
    """A template whose pages depend on its own page count both ways (one page → a page break → two pages → none):
    Typst gives up after five attempts and writes its last one; the build refuses that PDF, naming the template."""
    template = tmp_path / "t.typ"
    template.write_text("x #context { if counter(page).final().first() == 1 { pagebreak() } }", encoding="utf-8")
    with worker_pool(1) as pool, pytest.raises(BuildError, match=r"t\.typ: the layout did not settle"):
        compile_all(pool, template, tmp_path, [({}, tmp_path / "t.pdf")], 1, None)


def test_a_job_the_pool_drops_ends_the_wait_for_it() -> None:
    """A future cancelled as a pool shuts down (never set running, so concurrent.futures.wait is not told) ends
    first_done with CancelledError instead of waiting for ever; a finished one is returned."""
    dropped, finished = Future[int](), Future[int]()
    assert dropped.cancel()
    with pytest.raises(CancelledError):
        first_done([dropped])
    finished.set_result(1)
    assert first_done([dropped, finished]) == {finished}


DATA_TEMPLATE = ('#let data = json(sys.inputs.data)\n#set page(width: 5cm, height: 5cm)\n'
                 '#for i in range(data.pages) { if i > 0 { pagebreak() }; [#data.word #i] }\n'
                 '#metadata((inputs: sys.inputs.keys(), file: sys.inputs.data)) <layout>\n')


def seen_by_typst(template: Path, data: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Worker: a job → what its template saw of sys.inputs, and the worker's own folders."""
    from generator.printing import typesetting
    typesetting._compile(str(template), str(template.parent), data, None, str(template.parent / f"{os.getpid()}.pdf"))
    reports = typesetting._COMPILERS[next(iter(typesetting._COMPILERS))].query("<layout>", field="value", format="json")
    return json.loads(reports)[0], [str(p) for p in typesetting._FOLDER]


def test_a_templates_data_is_read_from_a_file_whose_name_never_changes(tmp_path: Path) -> None:
    """Typst reuses a worker's earlier layouts only when sys.inputs is unchanged: so the JSON a template reads is
    written to a file in the worker's own folder, the same name for every job, and sys.inputs names that file. Each
    job still gets its own data (the file is written again), and the pool removes the folders when it stops."""
    template = tmp_path / "t.typ"
    template.write_text(DATA_TEMPLATE, encoding="utf-8")
    jobs = [({"data": json.dumps({"pages": n, "word": w})}, tmp_path / f"{w}.pdf") for n, w in ((2, "alpha"), (3, "beta"))]
    with worker_pool(1, memory_limit=2 ** 62) as pool:
        facts = compile_all(pool, template, tmp_path, jobs, len(jobs), None)
        seen, folders = pool.submit(seen_by_typst, template, jobs[1][0]).result()
        assert all(Path(folder).is_dir() and Path(folder).parent == Path(pool.folder) for folder in folders)
    assert [f.pages for f in facts] == [2, 3]
    assert seen == {"inputs": ["data"], "file": "/data.json"}  # the data itself never goes through sys.inputs
    assert not Path(pool.folder).exists()
    from pypdf import PdfReader
    assert "beta 2" in PdfReader(tmp_path / "beta.pdf").pages[2].extract_text()


def test_an_edited_template_is_copied_again_into_the_workers_folder(tmp_path: Path) -> None:
    """The worker compiles a copy of the template (Typst wants it inside the worker's folder): a template changed
    between two jobs of the same worker is copied again, not compiled as it was."""
    template = tmp_path / "t.typ"
    template.write_text(DATA_TEMPLATE, encoding="utf-8")
    data = {"data": json.dumps({"pages": 1, "word": "first"})}
    with worker_pool(1, memory_limit=2 ** 62) as pool:
        compile_all(pool, template, tmp_path, [(data, tmp_path / "a.pdf")], 1, None)
        template.write_text(DATA_TEMPLATE.replace("[#data.word #i]", "[changed #data.word]"), encoding="utf-8")
        compile_all(pool, template, tmp_path, [(data, tmp_path / "b.pdf")], 1, None)
    from pypdf import PdfReader
    assert "changed first" in PdfReader(tmp_path / "b.pdf").pages[0].extract_text()
    assert "changed" not in PdfReader(tmp_path / "a.pdf").pages[0].extract_text()


def test_a_pool_interrupted_while_its_workers_start_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+C while the workers start (it is taken right after a fork): the started workers stop and the pool's folder
    for their data files is removed (the safety tests' interrupted builds left two such folders behind)."""
    import tempfile

    from generator.printing import typesetting
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    real, started = typesetting.RecyclingPool.new_worker, []

    def interrupted(self: typesetting.RecyclingPool) -> Any:
        if started:
            raise KeyboardInterrupt
        started.append(real(self))
        return started[-1]
    monkeypatch.setattr(typesetting.RecyclingPool, "new_worker", interrupted)
    with pytest.raises(KeyboardInterrupt):
        typesetting.RecyclingPool(2)
    assert list(tmp_path.glob("handbook-typst-*")) == []
    assert multiprocessing.active_children() == []


def test_static_fonts_are_used_where_both_weights_are_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both of Debian's static weights present → their folder, and a PDF set in them embeds them as they are (CFF);
    one missing → the variable font of the Python package; the input hash of every PDF follows the fonts."""
    from generator.printing import typesetting
    static = tmp_path / "noto"
    static.mkdir()
    monkeypatch.setattr(typesetting, "STATIC_FONT_DIR", static)
    typesetting.font_dir.cache_clear()
    try:
        regular, bold = typesetting.STATIC_FONTS
        (static / regular).write_bytes(b"regular")
        variable = typesetting.font_dir()
        assert (variable / "NotoSansCJK-VF.otf.ttc").is_file()  # the bold is missing
        key = typesetting.engine_key([], [])
        typesetting.font_dir.cache_clear()
        (static / bold).write_bytes(b"bold")
        assert typesetting.font_dir() == static
        assert typesetting.engine_key([], []) != key
    finally:
        typesetting.font_dir.cache_clear()


@pytest.mark.skipif(not all((STATIC_FONT_DIR / name).is_file() for name in STATIC_FONTS) and os.environ.get("CI") != "true",
                    reason="Debian's fonts-noto-cjk is not installed (CI installs it)")
def test_the_pdfs_embed_the_static_fonts_in_regular_and_bold(tmp_path: Path) -> None:
    """With Debian's fonts installed, regular and bold text are set in the two static fonts, embedded as CFF, not as
    outlines converted from the variable font (which Typst names after its default instance, Thin)."""
    from pypdf import PdfReader

    from generator.printing.typesetting import _compile_once
    template = tmp_path / "t.typ"
    template.write_text('#set text(font: "Noto Sans CJK SC")\n常规 Regular #text(weight: "bold")[粗体 Bold]\n', encoding="utf-8")
    _compile_once(str(template), str(tmp_path), {}, None, str(tmp_path / "t.pdf"))
    fonts = {}
    for font in PdfReader(tmp_path / "t.pdf").pages[0]["/Resources"]["/Font"].values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        fonts[str(descendant["/BaseFont"]).split("+")[-1]] = "/FontFile3" in descendant["/FontDescriptor"]
    assert fonts == {"NotoSansCJKsc-Regular": True, "NotoSansCJKsc-Bold": True}, fonts


WORKER_LIBRARIES = """
import os, sys
from generator.printing.typesetting import worker_pool
with worker_pool(1) as pool:
    pid = pool.submit(os.getpid).result()
    maps = open(f"/proc/{pid}/maps", encoding="utf-8").read()
own = open(f"/proc/{os.getpid()}/maps", encoding="utf-8").read()
print("jemalloc" in maps, "jemalloc" in own, os.environ.get("LD_PRELOAD"))
"""


@pytest.mark.skipif(allocator() is None and os.environ.get("CI") != "true",
                    reason="Debian's libjemalloc2 is not installed (CI installs it)")
def test_the_typst_workers_allocate_with_jemalloc_where_it_is_installed() -> None:
    """With libjemalloc2 installed the workers preload it (their own server started with it); the build's own
    process neither loads it nor keeps the variable that preloads it."""
    import subprocess
    import sys
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}  # (a fresh process: its own server)
    out = subprocess.run([sys.executable, "-c", WORKER_LIBRARIES], capture_output=True, text=True, env=env, timeout=120,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False", "None"]


def test_the_environment_a_process_is_started_in_is_restored_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDBOOK_KEPT", "1")
    monkeypatch.delenv("HANDBOOK_ADDED", raising=False)
    with typesetting.environment_with(HANDBOOK_KEPT="2", HANDBOOK_ADDED="3"):
        assert (os.environ["HANDBOOK_KEPT"], os.environ["HANDBOOK_ADDED"]) == ("2", "3")
    assert os.environ["HANDBOOK_KEPT"] == "1" and "HANDBOOK_ADDED" not in os.environ


def pdf_reader_loaded() -> bool:
    """Worker: whether pypdf (which reads a PDF back for its page count) has been imported."""
    import sys
    return "pypdf" in sys.modules


def test_an_imposition_reports_its_page_count_and_no_pdf_is_read_back(tmp_path: Path) -> None:
    """The imposition template, like the booklet and leaflet templates, reports its page count (<layout> total): the
    worker never imports pypdf to count an imposed file's pages (0.07 s a worker, and a parse of every imposed PDF)."""
    import shutil

    from generator.printing.impose import booklet_order
    shutil.copy(ROOT / "templates" / "booklets" / "impose.typ", tmp_path / "impose.typ")
    (tmp_path / "a5.typ").write_text('#set page(paper: "a5")\n#for i in range(6) { if i > 0 { pagebreak() }; [#i] }\n'
                                     '#context [#metadata((total: counter(page).final().first())) <layout>]\n',
                                     encoding="utf-8")
    spec = {"title": "t", "file": "0.pdf", "date": [2018, 9, 1], "lang": "en", "sides": booklet_order(6)}
    with worker_pool(1, memory_limit=2 ** 62) as pool:
        compile_all(pool, tmp_path / "a5.typ", tmp_path, [({}, tmp_path / "0.pdf")], 1, None)
        facts = compile_all(pool, tmp_path / "impose.typ", tmp_path,
                            [({"spec": json.dumps(spec)}, tmp_path / "imposed.pdf")], 1, None)
        assert not pool.submit(pdf_reader_loaded).result()
    from pypdf import PdfReader
    assert facts[0].pages == len(spec["sides"]) == len(PdfReader(tmp_path / "imposed.pdf").pages) == 4
    assert facts[0].layout == {}
