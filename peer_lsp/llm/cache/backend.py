"""What both cache backends share: hit, miss and error counts, one warning per kind of
failure, and reading a stored answer (a corrupt or stale one is a miss)."""

from __future__ import annotations

import dataclasses
import logging
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from peer_lsp.llm.cache.answers import CachedAnswer

log = logging.getLogger("peer_lsp.llm.cache")
"""The whole cache logs under the package's name: `peer cache` shows its warnings."""

Clock = Callable[[], float]


@dataclass(slots=True)
class CacheCounts:
    """Hits, misses and errors: of this process, or stored across runs."""

    hits: int = 0
    misses: int = 0
    errors: int = 0

    def __add__(self, other: CacheCounts) -> CacheCounts:
        return CacheCounts(
            self.hits + other.hits, self.misses + other.misses, self.errors + other.errors
        )

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)

    @classmethod
    def read(cls, data: object) -> CacheCounts:
        """Counts from a stored mapping; whatever is missing or unreadable counts as 0."""
        if not isinstance(data, Mapping):
            return cls()
        values = {_text(name): value for name, value in data.items()}
        return cls(*(_count(values.get(f.name)) for f in dataclasses.fields(cls)))


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str | bytes):
        return 0
    try:
        return max(int(value), 0)
    except ValueError:
        return 0


class CacheBackend:
    """What both backends share: counting, warning once per kind, reading an entry."""

    backend: typing.ClassVar[str]

    def __init__(self, location: str, ttl_seconds: float, now: Clock) -> None:
        self.location = location
        self.ttl_seconds = ttl_seconds
        self._now = now
        self.counts = CacheCounts()
        """This process's counts, not yet added to the stored ones."""
        self._warned: set[str] = set()

    def record_failure(self, operation: str, error: BaseException, consequence: str) -> None:
        """Count a failure; warn the first time this kind happens, log it at debug after."""
        self.counts.errors += 1
        kind = f"{operation}:{type(error).__name__}"
        level = logging.DEBUG if kind in self._warned else logging.WARNING
        self._warned.add(kind)
        log.log(
            level,
            "answer cache %s (%s): %s failed, %s: %s",
            self.backend,
            self.location,
            operation,
            consequence,
            str(error) or type(error).__name__,
        )

    def answer_from(self, raw: object) -> CachedAnswer | None:
        """The fresh answer in ``raw`` (None: absent), counted as a hit or a miss."""
        answer = None
        if raw is not None:
            try:
                answer = CachedAnswer.decode(raw)
            except ValueError as error:
                self.record_failure("decode", error, "treated as a miss")
        if answer is not None and not self._fresh(answer):
            answer = None
        if answer is None:
            self.counts.misses += 1
        else:
            self.counts.hits += 1
        return answer

    def _fresh(self, answer: CachedAnswer) -> bool:
        return self._now() - answer.created < self.ttl_seconds

    def storable(self, answer: CachedAnswer) -> bool:
        return self.ttl_seconds > 0 and bool(answer.text.strip())

    def take_counts(self) -> CacheCounts:
        counts, self.counts = self.counts, CacheCounts()
        return counts
