"""The model-answer cache: one small async interface over a disk backend and a shared Redis one.

A review costs seconds and money; the same unit reviewed again with the same prompt and model
costs neither. `cache_key` names everything that changes a model's answer (see its docstring),
and never the file path, so the same function in two files, branches or machines is one entry.
Values are JSON (never pickle): the answer text, token usage, who answered and how long it
took, and when.

Backends (`open_cache` picks one from the settings):

- `DiskCache`: diskcache in the user cache directory (or ``cacheDir``), bounded by
  ``cacheMaxMb`` with least-recently-used eviction. The default.
- `RedisCache`: a ``redis://`` URL (``redisUrl``), so a team shares its answers.

Only complete answers go in: `store_response` refuses truncated, filtered, refused and empty
answers (content validation is the caller's, before it stores). Entries older than
``cacheTtlDays`` are misses; the age is checked on read against an injectable clock, and the
backends also expire entries themselves. A re-review skips `AnswerCache.get` but still stores.

A cache only ever speeds things up: a corrupt, unreadable or unreachable cache is a miss (and
a no-op for writes) with one warning per kind of failure, never an exception. Hit, miss and
error counts are kept per process and added to counters persisted beside the entries when the
cache is closed, so `peer cache stats` shows them across runs (concurrent processes may lose
an update; the counts are a guide, not a ledger).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import json
import logging
import math
import os
import re
import time
import typing
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from peer_lsp.llm.options import CacheSettings
from peer_lsp.llm.types import Finish, LLMRequest, LLMResponse, Usage

if typing.TYPE_CHECKING:
    import diskcache
    import redis.asyncio


log = logging.getLogger(__name__)

CACHE_FORMAT = 1
"""Version of the key recipe and of the stored value; bump it to orphan every old entry."""

MIB = 1024 * 1024
DAY = 86_400.0
DISK_LOCK_TIMEOUT = 0.05
"""Seconds a disk operation waits for another process's write lock before it gives up.

Other processes hold it for well under a millisecond per operation; this bounds how long a
read on the event loop can stall before it becomes a miss.
"""

COUNTERS_FILE = "counters.json"
SQLITE_FILES = ("cache.db", "cache.db-wal", "cache.db-shm")
"""diskcache's database files: what `DiskCache.clear` removes when the database is broken."""

REDIS_NAMESPACE = "peer-lsp"
REDIS_CONNECT_TIMEOUT = 0.5
REDIS_OPERATION_TIMEOUT = 1.0
REDIS_RETRY_AFTER = 30.0
"""After Redis fails to answer, lookups are misses without trying for this many seconds."""
SCAN_BATCH = 1000
STATS_MAX_SCANS = 100
"""`RedisCache.stats` stops after this many SCAN calls and reports its counts as incomplete."""

T = typing.TypeVar("T")
Clock = Callable[[], float]


def cache_key(
    request: LLMRequest,
    provider_model: str,
    normalized_code: str,
    template_version: str | None = None,
) -> str:
    """The cache key of ``request``: a sha256 hex digest of canonical JSON holding

    1. ``CACHE_FORMAT``;
    2. the prompt template version: ``template_version``, else ``request.prompt_version``;
    3. ``provider_model``, the provider and model that answer (e.g. ``"groq/llama-3.3-70b"``);
    4. ``normalized_code``: the unit's normalized text or normalized hash, so reformatting
       and comments do not change the key;
    5. ``request.context_key``: the hash of the context that went into the prompt (imports,
       enclosing class header);
    6. ``request.language``;
    7. ``request.system``, the system prompt text;
    8. ``request.json_schema`` (keys sorted, so equal schemas give equal keys) and
       ``request.schema_name``;
    9. ``request.temperature`` and ``request.max_tokens``.

    The user message is left out on purpose: it holds the raw unit text and its location,
    which items 4 and 5 stand for. So is the file path, and so are the routing and audit
    fields of the request.
    """
    recipe = {
        "format": CACHE_FORMAT,
        "template": request.prompt_version if template_version is None else template_version,
        "model": provider_model,
        "code": normalized_code,
        "context": request.context_key,
        "language": request.language,
        "system": request.system,
        "schema": request.json_schema,
        "schema_name": request.schema_name,
        "temperature": float(request.temperature),
        "max_tokens": request.max_tokens,
    }
    canonical = json.dumps(recipe, sort_keys=True, separators=(",", ":"), default=_plain)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plain(value: object) -> object:
    """JSON for the mappings and sequences a schema may be built from."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple | list | frozenset | set):
        return list(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """A stored answer: its text, token usage, who gave it, how long it took, and when."""

    text: str
    usage: Usage
    provider: str
    model: str
    latency_ms: float
    created: float
    """Seconds since the epoch when the answer was received."""

    @classmethod
    def from_response(cls, response: LLMResponse, created: float | None = None) -> CachedAnswer:
        return cls(
            response.text,
            response.usage,
            response.provider,
            response.model,
            response.latency_ms,
            time.time() if created is None else created,
        )

    def to_response(self) -> LLMResponse:
        """The answer as the router returns it, marked as coming from the cache."""
        return LLMResponse(
            self.text,
            Finish.STOP,
            self.usage,
            self.provider,
            self.model,
            latency_ms=self.latency_ms,
            cached=True,
        )

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: object) -> CachedAnswer:
        """The answer in ``data``; ValueError when it is not one."""
        if not isinstance(data, Mapping):
            raise ValueError("an answer must be a JSON object")
        usage = data.get("usage")
        if not isinstance(usage, Mapping):
            raise ValueError("usage must be a JSON object")
        return cls(
            _typed(data, "text", str),
            Usage(*(_typed(usage, f.name, int) for f in dataclasses.fields(Usage))),
            _typed(data, "provider", str),
            _typed(data, "model", str),
            float(_typed(data, "latency_ms", int | float)),
            float(_typed(data, "created", int | float)),
        )

    def encode(self) -> bytes:
        return json.dumps(self.to_json(), separators=(",", ":")).encode("utf-8")

    @classmethod
    def decode(cls, raw: object) -> CachedAnswer:
        """The answer stored as ``raw`` bytes; ValueError when they hold none."""
        if not isinstance(raw, bytes):
            raise ValueError(f"a stored answer must be bytes, not {type(raw).__name__}")
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"a stored answer is not JSON: {error}") from None
        return cls.from_json(data)


def _typed(data: Mapping[str, Any], name: str, kind: Any) -> Any:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ValueError(f"{name} is missing or of the wrong type")
    return value


@dataclass(frozen=True, slots=True)
class CacheStats:
    """What a cache holds and how it has served: counts across runs plus this process."""

    backend: str
    location: str
    hits: int = 0
    misses: int = 0
    errors: int = 0
    entries: int = 0
    size_bytes: int = 0
    """Disk: the database and value files. Redis: the stored values, without overhead."""
    size_limit: int = 0
    """Bytes the backend keeps itself under; 0 when that is not ours to say (Redis)."""
    complete: bool = True
    """False when entries and size were counted from a bounded scan and may be more."""


class AnswerCache(Protocol):
    """What the router needs from a cache. No method raises: failures are misses or no-ops."""

    async def get(self, key: str) -> CachedAnswer | None: ...

    async def put(self, key: str, answer: CachedAnswer) -> None: ...

    async def stats(self) -> CacheStats: ...

    async def clear(self) -> int:
        """Delete every answer of ours; return how many were deleted."""
        ...

    async def aclose(self) -> None: ...


def unstorable(response: LLMResponse) -> str | None:
    """Why ``response`` must not be cached, or None when it may be."""
    if response.finish is not Finish.STOP:
        return f"it did not finish normally ({response.finish})"
    if not response.text.strip():
        return "it is empty"
    if response.cached:
        return "it came from the cache"
    return None


async def store_response(cache: AnswerCache, key: str, response: LLMResponse) -> bool:
    """Store a complete answer under ``key``; refuse anything else.

    True when the answer went to the cache (which may still fail to keep it, quietly).

    Truncated (``length``), filtered, refused, tool-call and empty answers are refused.
    Whether the text is a valid review is for the caller to check before it calls this.
    """
    reason = unstorable(response)
    if reason is not None:
        log.debug("not caching the answer of %s/%s: %s", response.provider, response.model, reason)
        return False
    await cache.put(key, CachedAnswer.from_response(response))
    return True


@dataclass(slots=True)
class _Counts:
    hits: int = 0
    misses: int = 0
    errors: int = 0

    def __add__(self, other: _Counts) -> _Counts:
        return _Counts(
            self.hits + other.hits, self.misses + other.misses, self.errors + other.errors
        )

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)

    @classmethod
    def read(cls, data: object) -> _Counts:
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


class _Backend:
    """What both backends share: counting, warning once per kind, reading an entry."""

    backend: typing.ClassVar[str]

    def __init__(self, location: str, ttl_seconds: float, now: Clock) -> None:
        self.location = location
        self.ttl_seconds = ttl_seconds
        self._now = now
        self._counts = _Counts()
        self._warned: set[str] = set()

    def _failed(self, operation: str, error: BaseException, consequence: str) -> None:
        """Count a failure; warn the first time this kind happens, log it at debug after."""
        self._counts.errors += 1
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
            error or type(error).__name__,
        )

    def _answer(self, raw: object) -> CachedAnswer | None:
        """The fresh answer in ``raw`` (None: absent), counted as a hit or a miss."""
        answer = None
        if raw is not None:
            try:
                answer = CachedAnswer.decode(raw)
            except ValueError as error:
                self._failed("decode", error, "treated as a miss")
        if answer is not None and not self._fresh(answer):
            answer = None
        if answer is None:
            self._counts.misses += 1
        else:
            self._counts.hits += 1
        return answer

    def _fresh(self, answer: CachedAnswer) -> bool:
        return self._now() - answer.created < self.ttl_seconds

    def _storable(self, answer: CachedAnswer) -> bool:
        return self.ttl_seconds > 0 and bool(answer.text.strip())

    def _take_counts(self) -> _Counts:
        counts, self._counts = self._counts, _Counts()
        return counts


class DiskCache(_Backend):
    """Answers in a diskcache directory: size-bounded, least recently used evicted first.

    Reads run inline on the event loop; writes, statistics and clearing on a worker thread
    (a write may evict old entries). Over 2000 hits of a 1.5 KB answer on a loaded two-core
    machine, an inline read took 0.08-0.15 ms (p50) and 0.12-0.38 ms (p95), and a read
    through `asyncio.to_thread` 0.24-0.40 ms and 0.32-3.9 ms: the thread hop costs more than
    the read and, under load, breaks the 2 ms target. The price of inline reads: a read is
    also a write (least-recently-used eviction records each access), so about one read in a
    hundred commits a WAL checkpoint and holds the loop for up to ~20 ms, and a read waits at
    most ``DISK_LOCK_TIMEOUT`` for another process's lock. ``read_inline=False`` moves reads
    to a thread (e.g. for a cache on a slow network file system).

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
    ) -> None:
        super().__init__(str(directory), ttl_seconds, now)
        self.directory = directory
        self.max_bytes = max_bytes
        self.read_inline = read_inline
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
            self._failed("open", error, f"answers are not cached{advice}")
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
            self._failed(operation, error, "treated as a miss" if operation == "get" else "ignored")
            return default

    def _read(self, key: str) -> object:
        return self._guarded("get", lambda cache: cache.get(key, retry=False), None)

    async def get(self, key: str) -> CachedAnswer | None:
        raw = self._read(key) if self.read_inline else await asyncio.to_thread(self._read, key)
        return self._answer(raw)

    async def put(self, key: str, answer: CachedAnswer) -> None:
        if self._cache is None or not self._storable(answer):
            return
        data = answer.encode()
        await asyncio.to_thread(
            self._guarded,
            "put",
            lambda cache: cache.set(key, data, expire=self.ttl_seconds, retry=False),
            None,
        )

    async def stats(self) -> CacheStats:
        return await asyncio.to_thread(self._stats)

    def _stats(self) -> CacheStats:
        entries, size = self._guarded("stats", lambda c: (len(c), c.volume()), (0, 0))
        counts = self._stored_counts() + self._counts
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
                self._failed("clear", error, "entries may remain")
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
            self._failed("clear", error, "the cache stays as it was")
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

    def _stored_counts(self) -> _Counts:
        try:
            return _Counts.read(json.loads((self.directory / COUNTERS_FILE).read_bytes()))
        except (OSError, ValueError):
            return _Counts()

    def _store_counts(self) -> None:
        """Add this process's counts to the counters file (written whole, then renamed)."""
        counts = self._take_counts()
        if counts == _Counts() or self._cache is None:
            return
        path = self.directory / COUNTERS_FILE
        partial = path.with_name(f"{COUNTERS_FILE}.{os.getpid()}")
        try:
            partial.write_text(json.dumps((self._stored_counts() + counts).as_dict()))
            partial.replace(path)
        except OSError as error:
            self._failed("count", error, "this run's hit and miss counts are lost")


def _corrupt(error: BaseException | None) -> bool:
    """Whether SQLite said the file is not a database, or a damaged one (not: locked)."""
    import sqlite3

    return isinstance(error, sqlite3.DatabaseError) and not isinstance(
        error, sqlite3.OperationalError
    )


class RedisCache(_Backend):
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
            self._failed(operation, error, "treated as a miss" if operation == "get" else "ignored")
            return default

    def _down(self) -> bool:
        return self._monotonic() < self._down_until

    async def get(self, key: str) -> CachedAnswer | None:
        raw = None
        if not self._down():
            raw = await self._guarded("get", lambda client: client.get(self.prefix + key), None)
        return self._answer(raw)

    async def put(self, key: str, answer: CachedAnswer) -> None:
        if self._down() or not self._storable(answer):
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
            hits=stats.hits + self._counts.hits,
            misses=stats.misses + self._counts.misses,
            errors=stats.errors + self._counts.errors,
        )

    async def _read_stats(self, client: redis.asyncio.Redis) -> CacheStats:
        """The stored counters, and entries and sizes under the prefix."""
        # redis-py types its commands for both clients: sync result or awaitable.
        stored = typing.cast("Awaitable[object]", client.hgetall(self.counters_key))
        counts = _Counts.read(await stored)
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
        counts = self._take_counts()
        if counts != _Counts() and not self._down():
            await self._guarded("count", lambda client: self._add_counts(client, counts), None)
        with contextlib.suppress(Exception):
            await self._client.aclose()

    async def _add_counts(self, client: redis.asyncio.Redis, counts: _Counts) -> None:
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


def cache_directory(settings: CacheSettings) -> Path:
    """Where the disk cache lives: ``cacheDir``, else ``answers`` in the user cache dir."""
    if settings.cache_dir:
        return Path(settings.cache_dir).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("peer-lsp", appauthor=False)) / "answers"


def open_cache(settings: CacheSettings, now: Clock = time.time) -> AnswerCache:
    """The cache the settings ask for: Redis when ``redisUrl`` is set, else the disk.

    A Redis URL that cannot be used falls back to the disk cache, with a warning.
    """
    ttl_seconds = settings.cache_ttl_days * DAY
    if settings.redis_url:
        try:
            return RedisCache(settings.redis_url, ttl_seconds=ttl_seconds, now=now)
        except ValueError as error:
            log.warning(
                "redisUrl %s is not usable (%s); using the disk cache",
                redacted_url(settings.redis_url),
                error,
            )
    return DiskCache(
        cache_directory(settings),
        max_bytes=settings.cache_max_mb * MIB,
        ttl_seconds=ttl_seconds,
        now=now,
    )
