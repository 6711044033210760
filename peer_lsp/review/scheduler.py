"""When units get reviewed: debounce, cancel what went stale, and keep within limits.

Triggers (settings): when a document opens, when it is saved, after an idle pause following
an edit, or only when asked. The units of a document that become due together (those changed
before one pause, all units at open) are handed to the review function together, so that
it can ask about them in one request (`peer_lsp.review.batches`). A unit edited again while
its review is in flight has that review's result discarded, and the request is cancelled once
none of its units is wanted any more. A result is handed on only if the unit is still in the
document (``alive``) with the hash the review was made for. A unit that is not ready (the
server's ``ready``: it does not parse, half typed) is not sent after a pause in typing (idle):
it waits among the pending units for a later pause that finds it ready, or a save, which
sends it as it is (some grammars err on valid code: a save must still get it reviewed), as do
opening and "review now". An edit inside a top-level unit
replaces its `Unit` object (the diff names the new one as changed), so on every change the
reviews and pending reviews of units no longer alive are dropped too, not only those of the
units named. At most ``per_file`` reviews (each of one or more units) run for one document
and ``in_flight`` overall; the others wait their turn. Every task is kept and its failure
logged (no fire-and-forget).
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field

from peer_lsp.syntax.unit import Unit

log = logging.getLogger(__name__)


class Trigger(enum.StrEnum):
    OPEN = "open"
    SAVE = "save"
    IDLE = "idle"
    MANUAL = "manual"


Review = Callable[[str, list[Unit], bool], Awaitable[Sequence[object]]]
"""Reviews units of a document (by URI), past the cache when the flag says so ("review now");
what it returns for each unit, in their order, goes to the result callback."""

OnResult = Callable[[str, Unit, str, object], None]
"""Called with (uri, unit, the hash reviewed, result) when a review finishes and still fits."""


@dataclass
class _Job:
    unit: Unit
    unit_hash: str
    fresh: bool = False
    task: asyncio.Task[None] | None = None
    """The review of the job's group: the units that became due together."""


@dataclass
class _DocumentState:
    jobs: dict[int, _Job] = field(default_factory=dict)
    timer: asyncio.TimerHandle | None = None
    pending: dict[int, Unit] = field(default_factory=dict)
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(2))


class ReviewScheduler:
    """Decides when each unit is reviewed; knows nothing of models or LSP."""

    def __init__(
        self,
        review: Review,
        on_result: OnResult,
        *,
        triggers: Iterable[Trigger] = (Trigger.OPEN, Trigger.SAVE, Trigger.IDLE),
        debounce: float = 1.5,
        per_file: int = 2,
        in_flight: int = 4,
        on_busy: Callable[[int], None] | None = None,
        ready: Callable[[str, Unit], bool] | None = None,
    ) -> None:
        self._review = review
        self._on_result = on_result
        self.triggers = frozenset(triggers)
        self.debounce = debounce
        self.per_file = per_file
        self._global = asyncio.Semaphore(in_flight)
        self._documents: dict[str, _DocumentState] = {}
        self._on_busy = on_busy
        self._ready = ready
        self.running = 0
        """Reviews running now (holding a slot)."""
        self.outstanding = 0
        """Reviews started and not finished: running, or waiting for a slot."""

    # -- events ------------------------------------------------------------------------------

    def opened(self, uri: str, units: Iterable[Unit]) -> None:
        if Trigger.OPEN in self.triggers:
            self._start(uri, units)

    def saved(self, uri: str, units: Iterable[Unit]) -> None:
        if Trigger.SAVE in self.triggers:
            state = self._state(uri)
            pending = list(state.pending.values())
            state.pending.clear()
            self._start(uri, [*pending, *units] if pending else units)

    def changed(self, uri: str, touched: Iterable[Unit], removed: Iterable[Unit] = ()) -> None:
        """Units whose text changed: cancel their reviews; review them after a pause."""
        state = self._state(uri)
        for unit in (*touched, *removed):
            self._cancel(state, unit)
        self._drop_replaced(state)
        for unit in touched:
            state.pending[id(unit)] = unit
        if Trigger.IDLE in self.triggers:
            self._arm(uri, state)

    def now(self, uri: str, units: Iterable[Unit], *, fresh: bool = False) -> None:
        """Review these units now, whatever the triggers ("review this function now");
        ``fresh``: ask the model again rather than the cache."""
        self._start(uri, units, fresh=fresh)

    def closed(self, uri: str) -> None:
        state = self._documents.pop(uri, None)
        if state is None:
            return
        if state.timer is not None:
            state.timer.cancel()
        for job in state.jobs.values():
            if job.task is not None:
                job.task.cancel()

    def in_flight(self, uri: str | None = None) -> int:
        states = [self._documents[uri]] if uri in self._documents else []
        if uri is None:
            states = list(self._documents.values())
        return sum(1 for s in states for job in s.jobs.values() if job.task and not job.task.done())

    async def idle(self) -> None:
        """Wait until no review runs (for `peer check` and tests)."""
        while True:
            tasks = [
                job.task
                for state in self._documents.values()
                for job in state.jobs.values()
                if job.task is not None and not job.task.done()
            ]
            if not tasks:
                return
            await asyncio.gather(*tasks, return_exceptions=True)

    # -- internals ---------------------------------------------------------------------------

    def _state(self, uri: str) -> _DocumentState:
        state = self._documents.get(uri)
        if state is None:
            state = _DocumentState(slots=asyncio.Semaphore(self.per_file))
            self._documents[uri] = state
        return state

    def _arm(self, uri: str, state: _DocumentState) -> None:
        if state.timer is not None:
            state.timer.cancel()
        loop = asyncio.get_running_loop()
        state.timer = loop.call_later(self.debounce, self._fire, uri)

    def _fire(self, uri: str) -> None:
        state = self._documents.get(uri)
        if state is None:
            return
        state.timer = None
        units = list(state.pending.values())
        state.pending.clear()
        self._start(uri, self._when_ready(uri, units))

    def _when_ready(self, uri: str, units: Iterable[Unit]) -> list[Unit]:
        """The units ready for a review; the others wait among the pending ones."""
        units = list(units)
        if self._ready is None:
            return units
        state = self._state(uri)
        ready = []
        for unit in units:
            if self._ready(uri, unit):
                ready.append(unit)
            elif unit.alive:
                log.debug("review of %s waits: it does not parse", unit.qualified_name)
                state.pending[id(unit)] = unit
        return ready

    def _drop_replaced(self, state: _DocumentState) -> None:
        """Forget the units that left the document: cancel their reviews, unqueue them."""
        for job in list(state.jobs.values()):
            if not job.unit.alive:
                self._cancel(state, job.unit)
        for key, unit in list(state.pending.items()):
            if not unit.alive:
                del state.pending[key]

    def _cancel(self, state: _DocumentState, unit: Unit) -> None:
        """Forget the unit's review; cancel its request once no unit of it is wanted."""
        job = state.jobs.pop(id(unit), None)
        if job is None or job.task is None or job.task.done():
            return
        if not any(other.task is job.task for other in state.jobs.values()):
            log.debug("review of %s cancelled: the unit changed", unit.qualified_name)
            job.task.cancel()

    def _start(self, uri: str, units: Iterable[Unit], *, fresh: bool = False) -> None:
        state = self._state(uri)
        group: list[_Job] = []
        for unit in units:
            self._cancel(state, unit)
            if unit.alive and id(unit) not in state.jobs:
                job = _Job(unit, unit.exact_hash, fresh)
                state.jobs[id(unit)] = job
                group.append(job)
        if not group:
            return
        task = asyncio.ensure_future(self._run(uri, state, group))
        task.add_done_callback(lambda done: self._finished(done, len(group)))
        for job in group:
            job.task = task
        self._busy(len(group))

    async def _run(self, uri: str, state: _DocumentState, group: list[_Job]) -> None:
        async with state.slots, self._global:
            wanted = [job for job in group if self._wanted(state, job)]
            if not wanted:
                return  # every unit changed while waiting for a slot
            self.running += len(wanted)
            try:
                fresh = any(job.fresh for job in wanted)
                results = await self._review(uri, [job.unit for job in wanted], fresh)
            finally:
                self.running -= len(wanted)
        for job, result in zip(wanted, results, strict=True):
            if state.jobs.get(id(job.unit)) is not job:
                continue  # superseded
            del state.jobs[id(job.unit)]
            if not self._current(job):
                log.debug("review of %s discarded: the unit changed", job.unit.qualified_name)
                continue
            self._on_result(uri, job.unit, job.unit_hash, result)

    def _wanted(self, state: _DocumentState, job: _Job) -> bool:
        """Whether the job is still its unit's latest, for the text it was queued with."""
        if state.jobs.get(id(job.unit)) is not job:
            return False
        if self._current(job):
            return True
        del state.jobs[id(job.unit)]
        return False

    @staticmethod
    def _current(job: _Job) -> bool:
        """Whether the job's unit is still in the document with the text it was queued with."""
        return job.unit.alive and job.unit.exact_hash == job.unit_hash

    def _busy(self, delta: int) -> None:
        """Count reviews started or finished; the callback hears the reviews outstanding
        (once per batch started, so a batch served from the cache reads as one piece of work)."""
        self.outstanding += delta
        if self._on_busy is not None:
            self._on_busy(self.outstanding)

    def _finished(self, task: asyncio.Task[None], units: int) -> None:
        self._busy(-units)  # here, not in _run: a task cancelled before it began never runs
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.error("a review failed: %s", error, exc_info=error)
