"""Run the cross-report check kinds of a big run side by side, one forked process per core.

The cross stage runs after the last report, when the run's worker processes have nothing left
to do: on its own it would keep one core busy and leave the others idle (at 2,000 reports, a
sixteenth of the whole run). The check kinds are independent of one another (each reads the
:class:`~gipcheck.cross.stage.Batch`, whose caches are only caches), so each forked process
runs some of them on the batch it inherited — nothing is sent to it — and sends back their
hits. Where a fork is not safe or not worth it, or a process dies, the kinds run here, in
order, as before: the findings are the same either way.
"""
from __future__ import annotations

import pickle
import sys
import threading
import traceback
from typing import Any, Sequence

from ..checks import CrossHit

# Below this many reports the cross stage takes a few milliseconds: a fork would cost more.
PARALLEL_FROM = 300

Outcome = tuple[list[CrossHit], str | None]  # the hits, or the error that stopped the kind


def run_kind(check: Any, batch: Any) -> Outcome:
    """One check kind's hits; an exception becomes its one-line description (type, message and
    where it was raised), so that it can be reported as GIP005 wherever it happened."""
    try:
        return list(check.func(batch, check.params)), None
    except Exception as exc:  # a bug in a cross check must not lose the run's other results
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        return [], f"{type(exc).__name__}: {exc} ({tb.filename.rsplit('/', 1)[-1]}:{tb.lineno})"


def run_kinds(checks: Sequence[Any], batch: Any, workers: int = 1) -> list[Outcome]:
    """The outcome of every check kind, in the order given; on up to ``workers`` cores when the
    batch is big enough and this process may fork (Linux, no other thread running)."""
    if workers > 1 and len(checks) > 1 and len(batch.reports) >= PARALLEL_FROM and _may_fork():
        try:
            return _forked(checks, batch, min(workers, len(checks)))
        except OSError:  # no process could be made (limits, memory): here, one after another
            pass
    return [run_kind(c, batch) for c in checks]


def _may_fork() -> bool:
    import multiprocessing

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods() \
        and threading.active_count() == 1


def _forked(checks: Sequence[Any], batch: Any, processes: int) -> list[Outcome]:
    """Kinds dealt out in turn (kind i to process i mod ``processes``); process 0 is this one."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    groups = [list(range(k, len(checks), processes)) for k in range(processes)]
    children = []
    for group in groups[1:]:
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(send, checks, batch, group), daemon=True)
        proc.start()  # flushes this process's standard streams first: nothing is written twice
        send.close()
        children.append((group, receive, proc))
    outcomes: dict[int, Outcome] = {i: run_kind(checks[i], batch) for i in groups[0]}
    for group, receive, proc in children:
        try:
            outcomes.update(pickle.loads(receive.recv_bytes()))
        except (EOFError, OSError, pickle.UnpicklingError):  # the process died: its kinds run here
            outcomes.update({i: run_kind(checks[i], batch) for i in group})
        finally:
            receive.close()
            proc.join()
    return [outcomes[i] for i in range(len(checks))]


def _child(send: Any, checks: Sequence[Any], batch: Any, group: list[int]) -> None:
    send.send_bytes(pickle.dumps({i: run_kind(checks[i], batch) for i in group}, pickle.HIGHEST_PROTOCOL))
    send.close()
