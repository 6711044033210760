"""The answer cache: keys per the design contract, both backends, failures as misses, the CLI.

Everything runs against the real thing: diskcache in a temporary folder, and a redis-server
this module starts on a free port (the Redis tests are skipped where it is not installed).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import json
import logging
import sqlite3
import sys
import time
import typing
from collections.abc import Iterator
from pathlib import Path

import diskcache
import pytest
import real_redis
import redis

from peer_lsp.cli import main
from peer_lsp.documents.store import Document
from peer_lsp.llm.cache.answers import CachedAnswer, store_response
from peer_lsp.llm.cache.disk_cache import DiskCache
from peer_lsp.llm.cache.from_settings import MIB, open_cache
from peer_lsp.llm.cache.key import cache_key
from peer_lsp.llm.cache.redis_cache import RedisCache, redacted_url
from peer_lsp.llm.types import Finish, LLMRequest, LLMResponse, Usage
from peer_lsp.settings.model import Settings

T0 = 1_700_000_000.0
TTL = 3600.0
SCHEMA = {"type": "object", "properties": {"findings": {"type": "array"}}}
REQUEST = LLMRequest(
    system="You review code.",
    user="Review this function.",
    json_schema=SCHEMA,
    language="python",
    prompt_version="review-3",
    context_key="ctx-1",
)
ANSWER = CachedAnswer('{"findings": []}', Usage(120, 30, 100, 5), "groq", "llama", 812.5, T0)


class Clock:
    """A settable clock for freshness checks, so no test waits for time to pass."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def cache_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog wired straight to the cache's logger, whatever the package logger is set to."""
    logger = logging.getLogger("peer_lsp.llm.cache")
    saved = logger.level, logger.propagate
    logger.addHandler(caplog.handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield caplog
    logger.removeHandler(caplog.handler)
    logger.level, logger.propagate = saved


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def disk(directory: Path, clock: Clock | None = None, **options: float) -> DiskCache:
    return DiskCache(
        directory,
        max_bytes=int(options.get("max_bytes", 4 * MIB)),
        ttl_seconds=options.get("ttl_seconds", TTL),
        now=clock or Clock(),
    )


def response(finish: Finish = Finish.STOP, text: str = '{"findings": []}') -> LLMResponse:
    return LLMResponse(text, finish, Usage(10, 5), "groq", "llama", latency_ms=300.0)


# Keys


def test_key_is_a_sha256_of_the_contract_fields() -> None:
    key = cache_key(REQUEST, "groq/llama", "abc123")
    assert len(key) == 64
    assert set(key) <= set("0123456789abcdef")
    assert key == cache_key(REQUEST, "groq/llama", "abc123")


@pytest.mark.parametrize(
    ("request_changes", "model", "code", "template"),
    [
        pytest.param({}, "openai/gpt-4o", "abc123", None, id="model"),
        pytest.param({}, "groq/llama", "abc124", None, id="normalized-code"),
        pytest.param({"prompt_version": "review-4"}, "groq/llama", "abc123", None, id="prompt"),
        pytest.param({}, "groq/llama", "abc123", "review-9", id="template-override"),
        pytest.param({"json_schema": {"type": "array"}}, "groq/llama", "abc123", None, id="schema"),
        pytest.param({"json_schema": None}, "groq/llama", "abc123", None, id="no-schema"),
        pytest.param({"temperature": 0.2}, "groq/llama", "abc123", None, id="temperature"),
        pytest.param({"max_tokens": 4096}, "groq/llama", "abc123", None, id="max-tokens"),
        pytest.param({"system": "Be terse."}, "groq/llama", "abc123", None, id="system"),
        pytest.param({"language": "go"}, "groq/llama", "abc123", None, id="language"),
        pytest.param({"context_key": "ctx-2"}, "groq/llama", "abc123", None, id="context"),
    ],
)
def test_key_changes_with_what_changes_the_answer(
    request_changes: dict[str, object], model: str, code: str, template: str | None
) -> None:
    changed = dataclasses.replace(REQUEST, **request_changes)  # type: ignore[arg-type]
    assert cache_key(changed, model, code, template) != cache_key(REQUEST, "groq/llama", "abc123")


def test_key_ignores_routing_fields_and_schema_key_order() -> None:
    reordered = {"properties": {"findings": {"type": "array"}}, "type": "object"}
    other = dataclasses.replace(
        REQUEST,
        json_schema=reordered,
        file="src/elsewhere.py",
        unit="Other.name",
        stream=False,
        temperature=0,
    )
    assert cache_key(other, "groq/llama", "abc123") == cache_key(REQUEST, "groq/llama", "abc123")


SOURCE = """\
import os


def total(prices, tax):
    \"\"\"Sum with tax.\"\"\"
    return sum(p * (1 + tax) for p in prices)
"""

REFORMATTED = """\
import os


def total( prices,tax ):  # prices in cents
    \"\"\"Sum with tax.\"\"\"
    # the tax is a rate
    return sum(p*(1 + tax)   for p in prices)
"""

CHANGED = SOURCE.replace("1 + tax", "1 - tax")


def unit_key(uri: str, text: str) -> str:
    document = Document.open(uri, text, "python")
    (unit,) = (u for u in document.units if u.name == "total")
    request = dataclasses.replace(REQUEST, file=uri, unit=unit.qualified_name, user=unit.text)
    return cache_key(request, "groq/llama", unit.normalized_hash)


def test_key_ignores_comments_and_layout_of_the_unit() -> None:
    assert unit_key("file:///a.py", SOURCE) == unit_key("file:///a.py", REFORMATTED)
    assert unit_key("file:///a.py", SOURCE) != unit_key("file:///a.py", CHANGED)


def test_the_same_unit_in_two_files_is_one_entry() -> None:
    assert unit_key("file:///repo/a.py", SOURCE) == unit_key("file:///other/lib/b.py", SOURCE)


# Values and what may be stored


def test_answers_round_trip_through_json() -> None:
    assert CachedAnswer.decode(ANSWER.encode()) == ANSWER
    assert json.loads(ANSWER.encode())["usage"]["cached_input_tokens"] == 100
    assert ANSWER.to_response() == LLMResponse(
        ANSWER.text, Finish.STOP, ANSWER.usage, "groq", "llama", latency_ms=812.5, cached=True
    )


@pytest.mark.parametrize(
    "raw",
    [b"\x80garbage", b"[1, 2]", b'{"text": "x"}', json.dumps({"text": 1}).encode(), "text"],
)
def test_decode_rejects_what_is_not_an_answer(raw: object) -> None:
    with pytest.raises(ValueError, match=r"."):
        CachedAnswer.decode(raw)


@pytest.mark.parametrize("read_inline", [True, False], ids=["inline", "thread"])
async def test_hit_after_miss(tmp_path: Path, read_inline: bool) -> None:
    cache = DiskCache(tmp_path / "answers", max_bytes=MIB, ttl_seconds=TTL, now=Clock())
    cache.read_inline = read_inline
    assert await cache.get("k") is None
    await cache.put("k", ANSWER)
    assert await cache.get("k") == ANSWER
    stats = await cache.stats()
    await cache.aclose()
    assert (stats.hits, stats.misses, stats.errors, stats.entries) == (1, 1, 0, 1)
    assert stats.backend == "disk"
    assert stats.location == str(tmp_path / "answers")
    assert stats.size_bytes > 0


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(response(Finish.LENGTH), id="truncated"),
        pytest.param(response(Finish.REFUSAL), id="refused"),
        pytest.param(response(Finish.CONTENT_FILTER), id="filtered"),
        pytest.param(response(Finish.TOOL_USE), id="tool-call"),
        pytest.param(response(text=""), id="empty"),
        pytest.param(response(text=" \n"), id="blank"),
        pytest.param(dataclasses.replace(response(), cached=True), id="from-the-cache"),
    ],
)
async def test_only_complete_answers_are_stored(tmp_path: Path, answer: LLMResponse) -> None:
    cache = disk(tmp_path)
    assert await store_response(cache, "k", answer) is False
    stats = await cache.stats()
    await cache.aclose()
    assert stats.entries == 0


async def test_a_complete_answer_is_stored_with_its_usage_and_timing(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=MIB, ttl_seconds=TTL)
    assert await store_response(cache, "k", response()) is True
    stored = await cache.get("k")
    await cache.aclose()
    assert stored is not None
    assert (stored.text, stored.usage, stored.latency_ms) == ('{"findings": []}', Usage(10, 5), 300)
    assert abs(stored.created - time.time()) < 60


# Disk backend


async def test_answers_older_than_the_ttl_are_misses(tmp_path: Path) -> None:
    clock = Clock(T0 + TTL - 1)
    cache = disk(tmp_path, clock)
    await cache.put("k", ANSWER)
    assert await cache.get("k") == ANSWER
    clock.now = T0 + TTL
    assert await cache.get("k") is None
    stats = await cache.stats()
    await cache.aclose()
    assert (stats.hits, stats.misses) == (1, 1)


async def test_a_zero_ttl_stores_nothing(tmp_path: Path) -> None:
    cache = disk(tmp_path, ttl_seconds=0)
    await cache.put("k", ANSWER)
    stats = await cache.stats()
    await cache.aclose()
    assert stats.entries == 0


async def test_disk_entries_expire_by_themselves(tmp_path: Path) -> None:
    cache = disk(tmp_path, ttl_seconds=TTL)
    await cache.put("k", dataclasses.replace(ANSWER, created=time.time()))
    await cache.aclose()
    with diskcache.Cache(str(tmp_path)) as raw:
        _, expires = raw.get("k", expire_time=True)
    assert time.time() + TTL - 60 < expires <= time.time() + TTL


async def test_size_is_bounded_and_least_recently_used_goes_first(tmp_path: Path) -> None:
    cache = disk(tmp_path, max_bytes=MIB)
    big = dataclasses.replace(ANSWER, text="x" * 40 * 1024)
    for index in range(20):
        await cache.put(f"k{index}", big)
    assert await cache.get("k0") == big  # now the most recently used
    for index in range(20, 30):
        await cache.put(f"k{index}", big)
    stats = await cache.stats()
    survivors = [index for index in range(30) if await cache.get(f"k{index}")]
    await cache.aclose()
    assert stats.size_limit == MIB
    assert stats.size_bytes <= MIB
    assert 0 < stats.entries < 30
    assert 0 in survivors
    assert 1 not in survivors
    assert 29 in survivors


async def test_counts_survive_the_process(tmp_path: Path) -> None:
    cache = disk(tmp_path)
    await cache.get("k")
    await cache.put("k", ANSWER)
    await cache.get("k")
    await cache.aclose()
    again = disk(tmp_path)
    await again.get("k")
    stats = await again.stats()
    await again.aclose()
    assert (stats.hits, stats.misses) == (2, 1)


async def test_a_corrupt_database_is_a_miss_with_a_warning(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture
) -> None:
    cache = disk(tmp_path)
    await cache.put("k", ANSWER)
    await cache.aclose()
    (tmp_path / "cache.db").write_bytes(b"this is not sqlite " * 1000)

    broken = disk(tmp_path)
    assert await broken.get("k") is None
    await broken.put("k", ANSWER)
    assert await broken.get("k") is None
    stats = await broken.stats()
    (warning,) = warnings_of(cache_log)
    assert "open failed" in warning
    assert "file is not a database" in warning
    assert (stats.misses, stats.entries) >= (2, 0)

    assert await broken.clear() == 0  # replaces the database
    await broken.put("k", ANSWER)
    assert await broken.get("k") == ANSWER
    await broken.aclose()


async def test_an_unusable_directory_is_a_miss_with_a_warning(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = disk(blocker / "answers")
    assert await cache.get("k") is None
    await cache.put("k", ANSWER)
    assert await cache.clear() == 0
    stats = await cache.stats()
    await cache.aclose()
    assert stats.entries == 0
    assert stats.errors >= 1
    assert any("open failed" in message for message in warnings_of(cache_log))


async def test_a_foreign_value_is_a_miss_and_warns_once(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture
) -> None:
    with diskcache.Cache(str(tmp_path)) as raw:
        raw.set("k", b"not an answer")
    cache = disk(tmp_path)
    assert await cache.get("k") is None
    assert await cache.get("k") is None
    stats = await cache.stats()
    await cache.aclose()
    assert (stats.misses, stats.errors) == (2, 2)
    assert len(warnings_of(cache_log)) == 1
    assert "decode failed" in warnings_of(cache_log)[0]


@contextlib.contextmanager
def write_lock_held(directory: Path) -> Iterator[sqlite3.Connection]:
    """The cache database's write lock, held by a connection of its own (as another process
    or another writer thread of ours holds it) until the block ends."""
    holder = sqlite3.connect(directory / "cache.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield holder
        holder.execute("ROLLBACK")
    finally:
        holder.close()


class _Signal(logging.Handler):
    """Sets an asyncio event, from any thread, when a record whose message holds ``text``
    is logged: a test waits for a thing to happen instead of sleeping."""

    def __init__(self, text: str) -> None:
        super().__init__(logging.DEBUG)
        self.text = text
        self.event = asyncio.Event()
        self._loop = asyncio.get_running_loop()

    def emit(self, record: logging.LogRecord) -> None:
        if self.text in record.getMessage():
            self._loop.call_soon_threadsafe(self.event.set)


async def test_a_write_waits_for_a_busy_write_lock(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture
) -> None:
    """A write that meets the lock held longer than one attempt's wait still lands: a
    dropped answer is asked again on the next run (the guard corpus test's second run)."""
    cache = disk(tmp_path)
    busy = _Signal("write lock busy")
    logging.getLogger("peer_lsp.llm.cache").addHandler(busy)
    try:
        with write_lock_held(tmp_path):
            put = asyncio.create_task(cache.put("k", ANSWER))
            waiting = asyncio.create_task(busy.event.wait())
            await asyncio.wait({put, waiting}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
        await put
    finally:
        logging.getLogger("peer_lsp.llm.cache").removeHandler(busy)
    assert await cache.get("k") == ANSWER
    await cache.aclose()
    assert warnings_of(cache_log) == []


async def test_a_write_gives_up_on_a_lock_that_stays_busy(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture
) -> None:
    cache = DiskCache(tmp_path, max_bytes=MIB, ttl_seconds=TTL, write_patience=0.2)
    with write_lock_held(tmp_path):
        await cache.put("k", ANSWER)
    assert await cache.get("k") is None
    stats = await cache.stats()
    await cache.aclose()
    assert stats.errors == 1
    (warning,) = warnings_of(cache_log)
    assert warning.endswith("put failed, ignored: Timeout")  # an error without a message


async def test_clear_empties_the_disk_cache(tmp_path: Path) -> None:
    cache = disk(tmp_path)
    for index in range(3):
        await cache.put(f"k{index}", ANSWER)
    assert await cache.clear() == 3
    assert await cache.get("k0") is None
    await cache.aclose()


# Choosing a backend


def test_open_cache_follows_the_settings(tmp_path: Path) -> None:
    on_disk = open_cache(Settings(cache_dir=str(tmp_path), cache_max_mb=7, cache_ttl_days=2))
    assert isinstance(on_disk, DiskCache)
    assert (on_disk.directory, on_disk.max_bytes, on_disk.ttl_seconds) == (
        tmp_path,
        7 * MIB,
        2 * 86_400,
    )
    assert isinstance(open_cache(Settings(redis_url="redis://127.0.0.1:1/0")), RedisCache)


def test_an_unusable_redis_url_falls_back_to_disk(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture
) -> None:
    cache = open_cache(Settings(cache_dir=str(tmp_path), redis_url="http://:pw@example.com"))
    assert isinstance(cache, DiskCache)
    (warning,) = warnings_of(cache_log)
    assert "pw" not in warning


def test_passwords_never_show() -> None:
    assert redacted_url("redis://user:hunter2@cache:6379/1") == "redis://user:***@cache:6379/1"
    assert redacted_url("redis://:hunter2@cache/0") == "redis://:***@cache/0"
    assert redacted_url("redis://cache:6379") == "redis://cache:6379"


# Redis backend, against a real server


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server without persistence; its URL."""
    with real_redis.redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The test server's URL, emptied before each test."""
    return real_redis.emptied(redis_server)


def direct(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def stored(url: str, name: str) -> bytes | None:
    """A value as another client of the server sees it."""
    with direct(url) as client:
        return typing.cast("bytes | None", client.get(name))


async def test_redis_hit_after_miss(redis_url: str) -> None:
    cache = RedisCache(redis_url, ttl_seconds=TTL, now=Clock())
    assert await cache.get("k") is None
    await cache.put("k", ANSWER)
    assert await cache.get("k") == ANSWER
    stats = await cache.stats()
    await cache.aclose()
    assert (stats.hits, stats.misses, stats.errors, stats.entries) == (1, 1, 0, 1)
    assert stats.size_bytes == len(ANSWER.encode())
    assert stats.complete
    assert json.loads(stored(redis_url, "peer-lsp:answer:k") or b"") == ANSWER.to_json()


async def test_redis_entries_expire_and_old_ones_are_misses(redis_url: str) -> None:
    clock = Clock()
    cache = RedisCache(redis_url, ttl_seconds=TTL, now=clock)
    await cache.put("k", ANSWER)
    with direct(redis_url) as client:
        assert TTL - 5 <= typing.cast("int", client.ttl("peer-lsp:answer:k")) <= TTL
    clock.now = T0 + TTL
    assert await cache.get("k") is None
    await cache.aclose()


async def test_redis_counts_are_shared_across_clients(redis_url: str) -> None:
    first = RedisCache(redis_url, ttl_seconds=TTL, now=Clock())
    await first.get("k")
    await first.put("k", ANSWER)
    await first.get("k")
    await first.aclose()
    second = RedisCache(redis_url, ttl_seconds=TTL, now=Clock())
    await second.get("k")
    stats = await second.stats()
    await second.aclose()
    assert (stats.hits, stats.misses) == (2, 1)


async def test_redis_clear_deletes_only_our_answers(redis_url: str) -> None:
    with direct(redis_url) as other:
        other.set("someone:else", b"keep me")
        other.set("peer-lsp:answerish", b"keep me too")
    cache = RedisCache(redis_url, ttl_seconds=TTL, now=Clock())
    for index in range(2500):  # several SCAN batches
        await cache.put(f"k{index}", ANSWER)
    assert await cache.clear() == 2500
    assert (await cache.stats()).entries == 0
    await cache.aclose()
    assert stored(redis_url, "someone:else") == b"keep me"
    assert stored(redis_url, "peer-lsp:answerish") == b"keep me too"


async def test_unreachable_redis_is_a_miss_with_a_warning(
    cache_log: pytest.LogCaptureFixture,
) -> None:
    cache = RedisCache(f"redis://:secret@127.0.0.1:{real_redis.free_port()}/0", ttl_seconds=TTL)
    assert await cache.get("k") is None
    assert await cache.get("k") is None  # no second attempt: the cache is marked down
    await cache.put("k", ANSWER)
    stats = await cache.stats()
    assert await cache.clear() == 0
    await cache.aclose()
    assert (stats.hits, stats.misses, stats.entries) == (0, 2, 0)
    warnings = warnings_of(cache_log)
    assert any("get failed, treated as a miss" in message for message in warnings)
    assert not any("secret" in message for message in warnings)


# The command line


def test_peer_cache_stats_and_clear(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "answers"
    with diskcache.Cache(str(folder)) as raw:
        for index in range(3):
            raw.set(f"k{index}", ANSWER.encode())

    assert main(["cache", "stats", "--cache-dir", str(folder)]) == 0
    shown = capsys.readouterr().out
    assert f"location  {folder}" in shown
    assert "entries   3" in shown

    assert main(["cache", "stats", "--format", "json", "--cache-dir", str(folder)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["backend"], stats["entries"]) == ("disk", 3)

    assert main(["cache", "clear", "--cache-dir", str(folder)]) == 2  # no terminal to ask
    assert "--yes" in capsys.readouterr().err
    assert main(["cache", "clear", "--yes", "--cache-dir", str(folder)]) == 0
    assert capsys.readouterr().out == f"deleted 3 cached answers from {folder}\n"
    with diskcache.Cache(str(folder)) as raw:
        assert len(raw) == 0


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("reply", "left"), [("n\n", 1), ("y\n", 0)])
def test_peer_cache_clear_asks_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reply: str, left: int
) -> None:
    monkeypatch.chdir(tmp_path)
    with diskcache.Cache(str(tmp_path / "answers")) as raw:
        raw.set("k", ANSWER.encode())
    monkeypatch.setattr(sys, "stdin", Terminal(reply))
    assert main(["cache", "clear", "--cache-dir", str(tmp_path / "answers")]) == 0
    with diskcache.Cache(str(tmp_path / "answers")) as raw:
        assert len(raw) == left


def test_peer_cache_reports_a_broken_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["cache", "stats", "--cache-dir", str(blocker / "answers")]) == 1
    assert "peer cache: warning: answer cache disk" in capsys.readouterr().err
