"""The disk backend: answers in a diskcache directory, size-bounded, least recently used
evicted first; the default cache."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import time
import typing
from collections.abc import Callable
from pathlib import Path

from peer_lsp.llm.cache.answers import CachedAnswer, CacheStats
from peer_lsp.llm.cache.backend import CacheBackend, CacheCounts, Clock

if typing.TYPE_CHECKING:
    import diskcache

log = logging.getLogger("peer_lsp.llm.cache")
"""The whole cache logs under the package's name: `peer cache` shows its warnings."""

T = typing.TypeVar("T")

DISK_LOCK_TIMEOUT = 0.05
"""Seconds one attempt of a disk operation waits for the write lock held by another
connection (another process, or another thread of this one) before it gives up.

A writer usually holds it for well under a millisecond; this bounds how long a read on the
event loop can stall before it becomes a miss.
"""

DISK_WRITE_PATIENCE = 5.0
"""Seconds a write keeps trying for the write lock, ``DISK_LOCK_TIMEOUT`` at a time.

Writes run on worker threads, so waiting stalls nothing, while giving up loses the answer:
the next run asks the model again. One attempt is not enough: the answers of one run are
stored by several threads at once, each read takes the lock too (least-recently-used
eviction records every access), and on a loaded machine a writer that holds the lock can be
descheduled for longer than ``DISK_LOCK_TIMEOUT``.
"""

COUNTERS_FILE = "counters.json"
SQLITE_FILES = ("cache.db", "cache.db-wal", "cache.db-shm")
"""diskcache's database files: what `DiskCache.clear` removes when the database is broken."""


class DiskCache(CacheBackend):
    """Answers in a diskcache directory: size-bounded, least recently used evicted first.

    Reads run inline on the event loop; writes, statistics and clearing on a worker thread
    (a write may evict old entries). Over 2000 hits of a 1.5 KB answer on a loaded two-core
    machine, an inline read took 0.08-0.15 ms (p50) and 0.12-0.38 ms (p95), and a read
    through `asyncio.to_thread` 0.24-0.40 ms and 0.32-3.9 ms: the thread hop costs more than
    the read and, under load, breaks the 2 ms target. The price of inline reads: a read is
    also a write (least-recently-used eviction records each access), so about one read in a
    hundred commits a WAL checkpoint and holds the loop for up to ~20 ms, and a read waits at
    most ``DISK_LOCK_TIMEOUT`` for another connection's lock. ``read_inline=False`` moves
    reads to a thread (e.g. for a cache on a slow network file system). A write, on its
    thread, keeps trying for the lock for up to ``write_patience`` seconds: several threads
    store a run's answers at once, and a write that gave up would lose its answer.

    When the directory or its database cannot be opened the cache does nothing, with a
    warning. A corrupt database is never deleted behind the user's back (``cacheDir`` may
    name a folder that is not only ours); `clear` replaces it.
    """

    backend = "disk"

    def __init__(
        self,
        directory: Path,
        *,
        max_bytes: int,
        ttl_seconds: float,
        now: Clock = time.time,
        read_inline: bool = True,
        write_patience: float = DISK_WRITE_PATIENCE,
    ) -> None:
        super().__init__(str(directory), ttl_seconds, now)
        self.directory = directory
        self.max_bytes = max_bytes
        self.read_inline = read_inline
        self.write_patience = write_patience
        self._open_error: Exception | None = None
        self._cache = self._open()

    def _open(self) -> diskcache.Cache | None:
        try:
            import diskcache

            cache = diskcache.Cache(
                str(self.directory),
                timeout=DISK_LOCK_TIMEOUT,
                size_limit=self.max_bytes,
                eviction_policy="least-recently-used",
            )
        except Exception as error:  # any failure of a cache only costs speed
            self._open_error = error
            advice = "; `peer cache clear` replaces it" if _corrupt(error) else ""
            self.record_failure("open", error, f"answers are not cached{advice}")
            return None
        self._open_error = None
        return cache

    def _guarded(self, operation: str, call: Callable[[diskcache.Cache], T], default: T) -> T:
        cache = self._cache
        if cache is None:
            return default
        try:
            return call(cache)
        except Exception as error:  # any failure of a cache only costs speed
            self.record_failure(
                operation, error, "treated as a miss" if operation == "get" else "ignored"
            )
            return default

    def _read(self, key: str) -> object:
        return self._guarded("get", lambda cache: cache.get(key, retry=False), None)

    async def get(self, key: str) -> CachedAnswer | None:
        raw = self._read(key) if self.read_inline else await asyncio.to_thread(self._read, key)
        return self.answer_from(raw)

    async def put(self, key: str, answer: CachedAnswer) -> None:
        if self._cache is None or not self.storable(answer):
            return
        data = answer.encode()
        await asyncio.to_thread(
            self._guarded, "put", lambda cache: self._write(cache, key, data), None
        )

    def _write(self, cache: diskcache.Cache, key: str, data: bytes) -> None:
        """Store ``data``, trying for the write lock for up to ``write_patience`` seconds;
        diskcache's Timeout when it stays busy that long (on a worker thread only)."""
        import diskcache

        deadline = time.monotonic() + self.write_patience
        for attempt in itertools.count():
            try:
                cache.set(key, data, expire=self.ttl_seconds, retry=False)
                return
            except diskcache.Timeout:
                if time.monotonic() >= deadline:
                    raise
                if attempt == 0:
                    log.debug("answer cache disk (%s): write lock busy, waiting", self.location)

    async def stats(self) -> CacheStats:
        return await asyncio.to_thread(self._stats)

    def _stats(self) -> CacheStats:
        entries, size = self._guarded("stats", lambda c: (len(c), c.volume()), (0, 0))
        counts = self._stored_counts() + self.counts
        return CacheStats(
            self.backend,
            self.location,
            counts.hits,
            counts.misses,
            counts.errors,
            entries,
            size,
            self.max_bytes,
        )

    async def clear(self) -> int:
        return await asyncio.to_thread(self._clear)

    def _clear(self) -> int:
        problem = self._open_error
        if self._cache is not None:
            try:
                return int(self._cache.clear(retry=False))
            except Exception as error:  # any failure of a cache only costs speed
                self.record_failure("clear", error, "entries may remain")
                problem = error
        if _corrupt(problem):
            self._replace_database()
        return 0

    def _replace_database(self) -> None:
        """Delete a corrupt database and its value files, and open a new one."""
        if self._cache is not None:
            with contextlib.suppress(Exception):
                self._cache.close()
        try:
            for name in SQLITE_FILES:
                (self.directory / name).unlink(missing_ok=True)
            for value_file in self.directory.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*.val"):
                value_file.unlink()
        except OSError as error:
            self.record_failure("clear", error, "the cache stays as it was")
        else:
            log.warning("answer cache disk (%s): replaced a corrupt database", self.location)
        self._cache = self._open()

    async def aclose(self) -> None:
        await asyncio.to_thread(self._close)

    def _close(self) -> None:
        self._store_counts()
        cache, self._cache = self._cache, None
        if cache is not None:
            with contextlib.suppress(Exception):
                cache.close()

    def _stored_counts(self) -> CacheCounts:
        try:
            return CacheCounts.read(json.loads((self.directory / COUNTERS_FILE).read_bytes()))
        except (OSError, ValueError):
            return CacheCounts()

    def _store_counts(self) -> None:
        """Add this process's counts to the counters file (written whole, then renamed)."""
        counts = self.take_counts()
        if counts == CacheCounts() or self._cache is None:
            return
        path = self.directory / COUNTERS_FILE
        partial = path.with_name(f"{COUNTERS_FILE}.{os.getpid()}")
        try:
            partial.write_text(json.dumps((self._stored_counts() + counts).as_dict()))
            partial.replace(path)
        except OSError as error:
            self.record_failure("count", error, "this run's hit and miss counts are lost")


def _corrupt(error: BaseException | None) -> bool:
    """Whether SQLite said the file is not a database, or a damaged one (not: locked)."""
    import sqlite3

    return isinstance(error, sqlite3.DatabaseError) and not isinstance(
        error, sqlite3.OperationalError
    )
