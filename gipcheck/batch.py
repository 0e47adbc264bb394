"""Many files at once: in input order, streamed as they finish, over any ``concurrent.futures.Executor``.

One job is one file and its resolved :class:`~gipcheck.settings.Options`. A worker runs
:func:`work`, which never raises: an unreadable file is GIP001 (the readers say why), a bug in
gipcheck while checking it is GIP005 for that file, and the batch goes on. A worker process that
dies (killed, out of memory, a crash in a C library) is GIP005 for the file it was checking:
when our own process pool breaks, the files that were in flight are run again, each alone in a
fresh pool, so the one that kills its worker is named and the others are checked as usual. On an
executor we did not make (Dask, the caller's pool) a failed future is GIP005 for its file.

At most ``window`` files are in flight, so memory stays bounded however many files there are,
and results are handed on in input order as soon as the head of the line is done.

Batch checks (cross-report rules) plug in here: see :class:`BatchCheck`.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from collections import deque
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Protocol, Sequence

from .model import INTERNAL_ERROR_RULE, FileResult, Finding

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
from .settings import Options


@dataclass
class Job:
    """One file to check: its name, its options, and its bytes when they were already read (stdin)."""

    name: str
    opts: Options
    data: bytes | None = None
    keep_lines: bool = True  # False: the result travels back without the text (nothing will show it)


class BatchCheck(Protocol):
    """A check that needs every report of the run (carry-over between years, copying).

    ``summarize`` runs in the worker right after a report is checked and returns something small
    and picklable (identity, table figures, shingle signatures — never the document); the run
    keeps one summary per report. ``finish`` runs once in the calling process after the last
    report and returns extra findings per path. Those come out after every per-file result, as
    one more :class:`FileResult` per path with ``stage == "batch"``.
    """

    def summarize(self, result: FileResult) -> Any: ...

    def finish(self, summaries: Sequence[tuple[str, Any]]) -> Mapping[str, list[Finding]]: ...


def _prefetch(checks: tuple[BatchCheck, ...]) -> threading.Thread | None:
    """Run the checks' optional ``prefetch()`` (importing what ``finish`` will need) in a thread of
    this process while the workers check files, so it is not a serial step after the last file.
    Started only once the workers exist: a fork while another thread imports could copy a held lock."""
    hooks = [c.prefetch for c in checks if callable(getattr(c, "prefetch", None))]
    if not hooks:
        return None

    def go() -> None:
        for hook in hooks:
            try:
                hook()
            except Exception:  # only a head start: finish() imports what it needs itself
                pass

    thread = threading.Thread(target=go, name="gipcheck-prefetch", daemon=True)
    thread.start()
    return thread


_MESSAGES = {
    "zh": "gipcheck 检查此文件时出错（{error}），此文件未能检查；其他文件照常检查",
    "en": "gipcheck failed on this file ({error}); it was not checked, the other files were",
}
_DIED = {"zh": "检查进程意外退出", "en": "the worker process died"}


def internal_error(name: str, opts: Options, error: str) -> FileResult:
    """The result for a file that gipcheck itself could not check: one GIP005 at line 1."""
    fix = None
    try:
        from .api import rules

        rule = rules(opts.extra_rules).rules.get(INTERNAL_ERROR_RULE)
        if rule is not None and rule.fix:
            fix = rule.fix.en if opts.lang == "en" else rule.fix.zh
    except Exception:  # the rule set itself may be what failed
        pass
    message = _MESSAGES["en" if opts.lang == "en" else "zh"].format(error=error)
    finding = Finding(INTERNAL_ERROR_RULE, "error", message, 1, 1, 1, 1, None, "internal-error", fix)
    return FileResult(name, None, None, [finding], fail_on=opts.fail_on)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().split("\n", 1)[0][:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def check_job(job: Job) -> FileResult:
    from . import api

    if job.data is None:
        fr = api.check_file(job.name, job.opts)
    else:
        fr = api.check_bytes(job.data, job.name, job.opts)
    fr.fail_on = job.opts.fail_on
    return fr


def work(job: Job, checks: tuple[BatchCheck, ...] = ()) -> tuple[FileResult, tuple[Any, ...]]:
    """Check one file (in a worker); never raises. Returns the result and one summary per batch check."""
    try:
        fr = check_job(job)
    except Exception as exc:  # a bug of ours on this file: GIP005 for it, and the batch goes on
        fr = internal_error(job.name, job.opts, _describe(exc))
    summaries = []
    for check in checks:
        try:
            summaries.append(check.summarize(fr))
        except Exception:  # a report the batch check cannot summarise takes no part in it
            summaries.append(None)
    if not job.keep_lines:  # the text and the table grids are only for formats that show them
        fr.lines = []
        fr.grids = []
    return fr, tuple(summaries)


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _warm() -> None:
    """Build the parser, the converters and GIP602's word segmenter once here, so forked workers
    start with them (each building its own costs every worker the same CPU again)."""
    from . import api
    from .checks.text import segmenter

    try:
        api.check_text("一、概述\n2020年\n")
        segmenter()
    except Exception:  # only a head start: a worker that needs them builds them itself
        pass


def process_pool(workers: int) -> "ProcessPoolExecutor":
    """A pool of worker processes: forked where that is safe (Linux, no other thread running), so the
    workers start at once with the rule set and parser already loaded; otherwise from a fork server."""
    import multiprocessing  # only for a pool: one file checked in this process needs none of it
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        _warm()
        ctx = multiprocessing.get_context("fork")
    elif "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["gipcheck.api"])
    else:
        ctx = None
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


def _broken(fut: Future) -> bool:
    return fut.done() and not fut.cancelled() and _is_broken_pool(fut.exception())


def _is_broken_pool(exc: BaseException | None) -> bool:
    return isinstance(exc, _broken_pool_type())


class _NoPool(Exception):
    """Never raised: what a broken pool is when no process pool was ever made."""


def _broken_pool_type() -> type[BaseException]:
    """BrokenProcessPool, without importing the process-pool machinery to name it (a pool that
    broke was made with it, so it is imported then)."""
    mod = sys.modules.get("concurrent.futures.process")
    return mod.BrokenProcessPool if mod is not None else _NoPool


def work_chunk(jobs: list[Job], checks: tuple[BatchCheck, ...] = ()) -> list[tuple[FileResult, tuple[Any, ...]]]:
    """A few files in one task: one round trip to the worker instead of one per file."""
    return [work(job, checks) for job in jobs]


# A task of our own pool holds about this much work (one worker's wall seconds, as the results so far
# tell): each round trip costs the calling process about a millisecond of CPU (the executor's threads
# waking, unpickling), which on two cores is taken from the workers — 600 text files in tasks of 1, 4
# and 32 files cost it 0.5, 0.23 and 0.1 s. A slow file (a scanned PDF) still goes alone; output comes
# in bursts of at most this much of a worker's time.
TASK_SECONDS = 0.5
MOST_PER_TASK = 32


def _ordered(jobs: Iterator[Job], checks: tuple[BatchCheck, ...], executor: Executor, window: int,
             restart: Callable[[], Executor] | None, chunk: int = 1, workers: int = 1,
             total: int | None = None) -> Iterator[tuple[FileResult, tuple[Any, ...]]]:
    """Results in input order; at most ``window`` files, and four tasks a worker, in flight.

    Tasks hold one file each until results come back (so the first comes soon); with ``chunk`` > 1
    (our own pool) they then hold about :data:`TASK_SECONDS` of work, judged from the files done so
    far (since the first result: the pool's start is not a file's work), at most ``chunk`` files, and fewer again near the end when ``total`` is known, so that the
    workers finish together."""
    pending: deque[tuple[list[Job], Future]] = deque()
    in_flight = given = done = 0
    first: tuple[float, int] | None = None  # when the first result came, and how many files it held
    none = (None,) * len(checks)

    def size() -> int:
        if chunk <= 1 or first is None or done <= first[1]:
            return 1
        per_file = (time.perf_counter() - first[0]) * workers / (done - first[1])  # one worker's seconds a file
        n = int(TASK_SECONDS / per_file) if per_file > 0 else chunk
        if total is not None:
            n = min(n, (total - given) // (2 * workers))
        return max(1, min(chunk, n))

    def fill() -> None:
        nonlocal in_flight, given
        tasks = max(8, 4 * workers) if done else 2 * workers  # four a worker: none waits for the head of the line
        while in_flight < window and len(pending) < tasks:
            n = size()
            group = [job for job in (next(jobs, None) for _ in range(n)) if job is not None]
            if not group:
                return
            pending.append((group, executor.submit(work_chunk, group, checks)))
            in_flight += len(group)
            given += len(group)
            if len(group) < n:
                return

    def died(job: Job) -> tuple[FileResult, tuple[Any, ...]]:
        return internal_error(job.name, job.opts, _DIED[_lang(job)]), none

    fill()
    while pending:
        group, fut = pending.popleft()
        try:
            results = fut.result()
        except _broken_pool_type():
            if restart is None:  # not our pool: it cannot be replaced
                results = [died(job) for job in group]
            else:
                # Every file in flight failed with the pool; which one killed its worker is unknown.
                # Run these alone, each in a fresh pool if need be: one that breaks it again is the culprit.
                executor = restart()
                results = []
                for job in group:
                    try:
                        results.extend(executor.submit(work_chunk, [job], checks).result())
                    except _broken_pool_type():
                        executor = restart()
                        results.append(died(job))
                pending = deque((g, executor.submit(work_chunk, g, checks) if _broken(f) else f) for g, f in pending)
        except Exception as exc:  # Dask's KilledWorker, a cancelled future, a result that would not unpickle
            results = [(internal_error(job.name, job.opts, _describe(exc)), none) for job in group]
        in_flight -= len(group)
        done += len(group)
        if first is None:
            first = (time.perf_counter(), done)
        fill()
        yield from results


def _lang(job: Job) -> str:
    return "en" if job.opts.lang == "en" else "zh"


def run(jobs: Iterable[Job], *, workers: int = 1, executor: Executor | None = None,
        checks: Sequence[BatchCheck] = (), window: int | None = None,
        total: int | None = None) -> Iterator[FileResult]:
    """Check the jobs; yield their results in input order, then the batch checks' results.

    With no executor and one worker, files are checked here, one after another; with more
    workers, in a process pool made (and shut down) for this run; with an executor, on it.
    ``total``: how many jobs there are, when known (the last tasks of a pool are made smaller).
    """
    checks = tuple(checks)
    summaries: list[list[tuple[str, Any]]] = [[] for _ in checks]
    fail_on: dict[str, str] = {}
    own: list[Executor] = []

    def restart() -> Executor:
        own[-1].shutdown(wait=False, cancel_futures=True)
        own.append(process_pool(workers))
        return own[-1]

    if executor is None and workers > 1:
        own.append(process_pool(workers))
        executor = own[-1]
    it = iter(jobs)
    prefetching: threading.Thread | None = None
    started = False
    try:
        if executor is None:
            results: Iterator[tuple[FileResult, tuple[Any, ...]]] = (work(job, checks) for job in it)
        else:
            # our own pool gets several files per task (less IPC per file); a foreign executor one each,
            # so that a failed task names one file
            chunk = MOST_PER_TASK if own else 1
            # in flight: four tasks per worker, so no worker waits for the head of the line
            results = _ordered(it, checks, executor, window or max(8, 4 * workers) * chunk,
                               restart if own else None, chunk=chunk, workers=workers, total=total)
        for fr, sums in results:
            if own and not started:  # the first result: every worker has been forked
                started, prefetching = True, _prefetch(checks)
            if checks:
                fail_on[fr.path] = fr.fail_on
                for i, s in enumerate(sums):
                    if s is not None:
                        summaries[i].append((fr.path, s))
            yield fr
    finally:
        for ex in own:
            ex.shutdown(wait=True, cancel_futures=True)
    if checks:
        if prefetching is not None:
            prefetching.join()
        yield from _finish(checks, summaries, fail_on)


def _finish(checks: tuple[BatchCheck, ...], summaries: list[list[tuple[str, Any]]],
            fail_on: dict[str, str]) -> Iterator[FileResult]:
    extra: dict[str, list[Finding]] = {}
    for check, sums in zip(checks, summaries):
        try:
            found = check.finish(sums)
        except Exception as exc:  # a failing batch check must not hide the per-file results already out
            name = type(check).__name__
            found = {path: [Finding(INTERNAL_ERROR_RULE, "error", f"{name}: {_describe(exc)}", 1, 1, 1, 1, None,
                                    "internal-error")] for path, _ in sums[:1]}
        for path, findings in found.items():
            extra.setdefault(path, []).extend(findings)
    for path in fail_on:  # input order
        if extra.get(path):
            yield FileResult(path, None, None, sorted(extra[path], key=Finding.sort_key),
                             fail_on=fail_on[path], stage="batch")
