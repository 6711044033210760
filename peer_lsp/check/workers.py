"""Work on many items in worker processes, the results handed back in the items' order.

`peer check --jobs N` analyses files in N processes (docs/decisions/0009): the local analysis
is pure CPU in Python and tree-sitter, so threads would share one core. `in_order` is the
whole of it, and knows nothing of files or findings: it is given the work to do on one item,
what to answer for an item that could not be done, and the items.

- Results come back in the order of the items, whatever order the workers finish in, so a
  run's output does not depend on the number of processes.
- Items go to a worker in batches (``batch_size``), one batch per worker at a time: a batch
  per round trip costs less than an item per round trip, and one batch in flight per worker
  means the parent always knows which items a worker held.
- Fewer items than ``serial_below``, or one job, are done in this process: starting workers
  costs more than it saves on a small run.
- An item whose work raises is answered by ``failed(item, reason)``, and the run goes on.
- A worker that dies (killed, or crashing in native code) is replaced. Its batch is done
  again one item per batch, so one item that kills its worker is answered by ``failed``
  and every other item still gets its result; ``on_death`` is told each death. Each death
  either splits a batch or answers an item, so a run always ends.
- Workers ignore SIGINT: Ctrl-C reaches the parent as KeyboardInterrupt, and leaving
  `in_order`'s context (however it is left) terminates the workers and waits for them.

On Linux workers are forked (``fork``): they start in milliseconds with everything the
parent imported. The parent has no other threads when they start (`in_order` starts them
before anything else of the run does), and it flushes its output first, so that nothing
buffered is written twice. Elsewhere the platform's default start method is used; ``work``
and ``failed`` must then be picklable (module-level functions or partials of them).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import os
import signal
import sys
import traceback
import typing
from collections import deque
from dataclasses import dataclass, field

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from multiprocessing.connection import Connection
    from multiprocessing.context import DefaultContext, ForkContext
    from multiprocessing.process import BaseProcess

log = logging.getLogger(__name__)

T = typing.TypeVar("T")
R = typing.TypeVar("R")

Work = typing.Callable[[T], R]
Failed = typing.Callable[[T, str], R]

BATCH_SIZE = 8
"""Items per message to a worker (bench/check_throughput.py measured 1 to 32)."""

SERIAL_BELOW = 40
"""Runs with fewer items than this are done in this process (measured, docs/benchmarks.md)."""

_JOIN_SECONDS = 5.0


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS tells), at least 1."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def describe_failure(error: BaseException) -> str:
    """``Type: message (file:line)``: the exception and where in the code it was raised."""
    where = ""
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        last = frames[-1]
        where = f" ({os.path.basename(last.filename)}:{last.lineno})"
    text = str(error)
    return f"{type(error).__name__}{': ' + text if text else ''}{where}"


def describe_exit(exitcode: int | None) -> str:
    """How a worker process ended, for a person: the signal's name when one killed it."""
    if exitcode is None:
        return "it did not exit"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"killed by {name}"
    return f"exited with status {exitcode}"


def _do(work: Work[T, R], failed: Failed[T, R], item: T) -> R:
    try:
        return work(item)
    except Exception as error:
        return failed(item, f"the analysis failed: {describe_failure(error)}")


def _serve(connection: Connection, work: Work[T, R], failed: Failed[T, R]) -> None:
    """A worker's life: batches of ``(index, item)`` in, ``[(index, result)]`` out, until
    the parent sends None or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            batch = connection.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        answers = [(index, _do(work, failed, item)) for index, item in batch]
        try:
            connection.send(answers)
        except OSError:  # the parent went away
            return


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while a child starts, so the child starts ignoring it (a child inherits
    ignored signals through fork and exec); outside the main thread, nothing changes."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass(eq=False)
class _Worker(typing.Generic[T]):
    process: BaseProcess
    connection: Connection
    batch: list[tuple[int, T]] = field(default_factory=list)


def _context() -> ForkContext | DefaultContext:
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


@contextlib.contextmanager
def in_order(
    work: Work[T, R],
    failed: Failed[T, R],
    items: Iterable[T],
    *,
    jobs: int,
    batch_size: int = BATCH_SIZE,
    serial_below: int = SERIAL_BELOW,
    on_death: Callable[[str], None] | None = None,
    kind: Callable[[T], object] | None = None,
) -> Iterator[Iterator[R]]:
    """The results of ``work`` on each item, in the items' order (see the module docstring).

    Workers, when there are any, are started on entering and stopped on leaving. Before they
    start, the first item of each ``kind`` among the first ``serial_below`` is done here, so
    that what its work loads once per process (grammars, compiled queries, lazy imports) is
    inherited by forked workers instead of loaded again by each.
    """
    source = iter(items)
    head = list(itertools.islice(source, serial_below)) if jobs > 1 else []
    if jobs <= 1 or len(head) < serial_below:
        yield (_do(work, failed, item) for item in itertools.chain(head, source))
        return
    early: dict[int, R] = {}
    if kind is not None:
        firsts: dict[object, int] = {}
        for index, item in enumerate(head):
            firsts.setdefault(kind(item), index)
        early = {index: _do(work, failed, head[index]) for index in sorted(firsts.values())}
    pool = _Pool(work, failed, jobs, batch_size, on_death)
    try:
        yield pool.results(itertools.chain(head, source), early)
    finally:
        pool.stop()


class _Pool(typing.Generic[T, R]):
    """The workers of one `in_order` run and the bookkeeping of what each holds."""

    def __init__(
        self,
        work: Work[T, R],
        failed: Failed[T, R],
        jobs: int,
        batch_size: int,
        on_death: Callable[[str], None] | None,
    ) -> None:
        self._work = work
        self._failed = failed
        self._batch_size = max(1, batch_size)
        self._on_death = on_death
        self._context = _context()
        self._workers: list[_Worker[T]] = []
        # What the parent holds is never collected by a worker: frozen, its objects are not
        # walked (and so not copied page by page) by the workers' garbage collector.
        gc.freeze()
        try:
            for _ in range(jobs):
                self._workers.append(self._start())
        except BaseException:
            self.stop()
            raise
        finally:
            gc.unfreeze()
        pids = ", ".join(str(worker.process.pid) for worker in self._workers)
        log.info("%d worker processes (%s): %s", jobs, self._context.get_start_method(), pids)

    def _start(self) -> _Worker[T]:
        mine, theirs = self._context.Pipe()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                stream.flush()
        process = self._context.Process(
            target=_serve, args=(theirs, self._work, self._failed), daemon=True
        )
        with _sigint_ignored():  # so that no worker sees Ctrl-C before it ignores it itself
            process.start()
        theirs.close()
        return _Worker(process, mine)

    def results(self, items: Iterator[T], early: dict[int, R]) -> Iterator[R]:
        """Each item's result in order; ``early``: results already known, by index."""
        numbered = ((index, item) for index, item in enumerate(items) if index not in early)
        retry: deque[list[tuple[int, T]]] = deque()
        done: dict[int, R] = dict(early)
        emitted = 0
        exhausted = False
        while True:
            for worker in self._workers:
                if worker.batch:
                    continue
                batch = retry.popleft() if retry else []
                if not batch and not exhausted:
                    batch = list(itertools.islice(numbered, self._batch_size))
                    exhausted = len(batch) < self._batch_size
                if not batch:
                    break
                self._send(worker, batch, retry, done)
            busy = [worker for worker in self._workers if worker.batch]
            if not busy and not retry:
                break
            if busy:
                self._collect(busy, retry, done)
            while emitted in done:
                yield done.pop(emitted)
                emitted += 1

    def _send(
        self,
        worker: _Worker[T],
        batch: list[tuple[int, T]],
        retry: deque[list[tuple[int, T]]],
        done: dict[int, R],
    ) -> None:
        worker.batch = batch
        try:
            worker.connection.send(batch)
        except (BrokenPipeError, ConnectionError, EOFError, OSError):
            self._died(worker, retry, done)

    def _collect(
        self, busy: list[_Worker[T]], retry: deque[list[tuple[int, T]]], done: dict[int, R]
    ) -> None:
        from multiprocessing.connection import wait

        waiting: list[object] = [w.connection for w in busy] + [w.process.sentinel for w in busy]
        ready = wait(waiting)  # type: ignore[arg-type]
        for worker in busy:
            if worker.connection in ready:
                try:
                    answers: list[tuple[int, R]] = worker.connection.recv()
                except (EOFError, OSError):
                    self._died(worker, retry, done)
                    continue
                done.update(answers)
                worker.batch = []
            elif worker.process.sentinel in ready:
                self._died(worker, retry, done)

    def _died(
        self, worker: _Worker[T], retry: deque[list[tuple[int, T]]], done: dict[int, R]
    ) -> None:
        """Replace a dead worker; its batch is done again item by item, or its one item is
        answered as failed."""
        worker.process.join(_JOIN_SECONDS)
        how = describe_exit(worker.process.exitcode)
        batch, worker.batch = worker.batch, []
        worker.connection.close()
        log.warning("a worker process died (%s) holding %d items", how, len(batch))
        if self._on_death is not None:
            self._on_death(how)
        if len(batch) == 1:
            index, item = batch[0]
            done[index] = self._failed(item, f"its worker process died ({how})")
        else:
            retry.extend([entry] for entry in batch)
        self._workers[self._workers.index(worker)] = self._start()

    def stop(self) -> None:
        """Terminate every worker and wait for it (on any way out: done, error, Ctrl-C)."""
        for worker in self._workers:
            with contextlib.suppress(OSError, ValueError):
                worker.connection.close()
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in self._workers:
            worker.process.join(_JOIN_SECONDS)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
