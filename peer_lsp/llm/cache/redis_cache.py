"""The Redis backend: answers in a ``redis://`` database (``redisUrl``), so a team shares them."""

from __future__ import annotations

import contextlib
import dataclasses
import math
import re
import time
import typing
import urllib.parse
from collections.abc import Awaitable, Callable

from peer_lsp.llm.cache.answers import CachedAnswer, CacheStats
from peer_lsp.llm.cache.backend import CacheBackend, CacheCounts, Clock

if typing.TYPE_CHECKING:
    import redis.asyncio

T = typing.TypeVar("T")

REDIS_NAMESPACE = "peer-lsp"
REDIS_CONNECT_TIMEOUT = 0.5
REDIS_OPERATION_TIMEOUT = 1.0
REDIS_RETRY_AFTER = 30.0
"""After Redis fails to answer, lookups are misses without trying for this many seconds."""
SCAN_BATCH = 1000
STATS_MAX_SCANS = 100
"""`RedisCache.stats` stops after this many SCAN calls and reports its counts as incomplete."""


class RedisCache(CacheBackend):
    """Answers in Redis under ``<namespace>:answer:<key>``, written with an expiry (EX).

    Timeouts are short and there are no retries: a cache that is slow to answer is worse
    than none. After a connection failure or timeout, lookups are misses without a round
    trip for ``REDIS_RETRY_AFTER`` seconds. `clear` deletes only keys under the answer
    prefix, never anything else in the database.
    """

    backend = "redis"

    def __init__(
        self,
        url: str,
        *,
        ttl_seconds: float,
        now: Clock = time.time,
        namespace: str = REDIS_NAMESPACE,
        monotonic: Clock = time.monotonic,
    ) -> None:
        """Raise ValueError when ``url`` is not a Redis URL; nothing is connected yet."""
        super().__init__(redacted_url(url), ttl_seconds, now)
        import redis.asyncio
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        self.prefix = f"{namespace}:answer:"
        self.counters_key = f"{namespace}:stats"
        self._monotonic = monotonic
        self._down_until = 0.0
        self._client = redis.asyncio.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT,
            socket_timeout=REDIS_OPERATION_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )

    async def _guarded(
        self, operation: str, call: Callable[[redis.asyncio.Redis], Awaitable[T]], default: T
    ) -> T:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        try:
            return await call(self._client)
        except Exception as error:  # any failure of a cache only costs speed
            if isinstance(error, RedisConnectionError | RedisTimeoutError | OSError):
                self._down_until = self._monotonic() + REDIS_RETRY_AFTER
            self.record_failure(
                operation, error, "treated as a miss" if operation == "get" else "ignored"
            )
            return default

    def _down(self) -> bool:
        return self._monotonic() < self._down_until

    async def get(self, key: str) -> CachedAnswer | None:
        raw = None
        if not self._down():
            raw = await self._guarded("get", lambda client: client.get(self.prefix + key), None)
        return self.answer_from(raw)

    async def put(self, key: str, answer: CachedAnswer) -> None:
        if self._down() or not self.storable(answer):
            return
        data = answer.encode()
        seconds = max(math.ceil(self.ttl_seconds), 1)
        await self._guarded(
            "put", lambda client: client.set(self.prefix + key, data, ex=seconds), None
        )

    async def stats(self) -> CacheStats:
        stats = await self._guarded("stats", self._read_stats, None)
        if stats is None:
            stats = CacheStats(self.backend, self.location, complete=False)
        return dataclasses.replace(
            stats,
            hits=stats.hits + self.counts.hits,
            misses=stats.misses + self.counts.misses,
            errors=stats.errors + self.counts.errors,
        )

    async def _read_stats(self, client: redis.asyncio.Redis) -> CacheStats:
        """The stored counters, and entries and sizes under the prefix."""
        # redis-py types its commands for both clients: sync result or awaitable.
        stored = typing.cast("Awaitable[object]", client.hgetall(self.counters_key))
        counts = CacheCounts.read(await stored)
        entries, size, complete = await self._measure(client)
        return CacheStats(
            self.backend,
            self.location,
            counts.hits,
            counts.misses,
            counts.errors,
            entries,
            size,
            complete=complete,
        )

    async def _measure(self, client: redis.asyncio.Redis) -> tuple[int, int, bool]:
        """Entries and value bytes under the prefix, from at most ``STATS_MAX_SCANS`` scans."""
        entries = size = 0
        cursor = 0
        for _ in range(STATS_MAX_SCANS):
            cursor, keys = await client.scan(cursor, match=self._pattern(), count=SCAN_BATCH)
            if keys:
                async with client.pipeline(transaction=False) as pipe:
                    for key in keys:
                        pipe.strlen(key)
                    sizes = await pipe.execute()
                entries += len(keys)
                size += sum(sizes)
            if cursor == 0:
                return entries, size, True
        return entries, size, False

    async def clear(self) -> int:
        return await self._guarded("clear", self._delete_all, 0)

    async def _delete_all(self, client: redis.asyncio.Redis) -> int:
        removed = 0
        cursor = 0
        while True:
            cursor, keys = await client.scan(cursor, match=self._pattern(), count=SCAN_BATCH)
            if keys:
                removed += await client.unlink(*keys)
            if cursor == 0:
                return removed

    def _pattern(self) -> str:
        return re.sub(r"([*?\[\]\\])", r"\\\1", self.prefix) + "*"

    async def aclose(self) -> None:
        counts = self.take_counts()
        if counts != CacheCounts() and not self._down():
            await self._guarded("count", lambda client: self._add_counts(client, counts), None)
        with contextlib.suppress(Exception):
            await self._client.aclose()

    async def _add_counts(self, client: redis.asyncio.Redis, counts: CacheCounts) -> None:
        async with client.pipeline(transaction=False) as pipe:
            for name, value in counts.as_dict().items():
                pipe.hincrby(self.counters_key, name, value)
            await pipe.execute()


def redacted_url(url: str) -> str:
    """``url`` without its password, fit for logs and `peer cache stats`."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}:***" if parts.username else ":***"
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}@{host}"))
