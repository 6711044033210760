"""An answer's text reaches a `TextListener` as each vendor's stream brings it, through the
router: before the answer is complete, whole from the cache or a joined call, and voided
by a retry."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fakes import anthropic, gemini, ollama
from fakes import openai as oa
from fakes.listener import Watcher
from fakes.server import FakeServer, Reply

from peer_lsp.llm.cache.disk_cache import DiskCache
from peer_lsp.llm.config import LLMConfig, RouteConfig, parse_provider
from peer_lsp.llm.factory import make_provider
from peer_lsp.llm.router import Router
from peer_lsp.llm.types import LLMRequest, Task

ENV = {"OPENAI_API_KEY": "sk-test-1", "ANTHROPIC_API_KEY": "sk-ant-1", "GEMINI_API_KEY": "AIza1"}
PIECES = ["Hel", "lo, ", "world"]
REQUEST = LLMRequest(system="Explain.", user="the finding", task=Task.EXPLAIN)

VENDORS: dict[str, tuple[str, str, Callable[[list[str]], Reply]]] = {
    "openai": ("vllm", oa.MODEL, oa.stream),
    "anthropic": ("anthropic", anthropic.MODEL, anthropic.stream),
    "gemini": ("gemini", gemini.MODEL, gemini.stream),
    "ollama": ("ollama", ollama.MODEL, ollama.stream),
}


async def _no_sleep(_seconds: float) -> None:
    """Backoff without waiting."""


def router_for(fake: FakeServer, vendor: str = "openai", *, cache: Path | None = None) -> Router:
    preset, model, _ = VENDORS[vendor]
    base = f"{fake.url}/v1" if vendor == "openai" else fake.url
    raw = {"preset": preset, "model": model, "id": "p", "baseUrl": base}
    config = parse_provider(raw, 0)
    provider = make_provider(config, ENV)
    llm = LLMConfig((config,), (RouteConfig("default", ("p",)),))
    answers = None if cache is None else DiskCache(cache, max_bytes=10_000_000, ttl_seconds=3600)
    return Router(llm, {"p": provider}, cache=answers, sleep=_no_sleep)


def paused_after(reply: Reply, piece: str, gate: Any) -> Reply:
    """``reply`` holding back everything after the chunk that carries ``piece``."""
    assert reply.chunks is not None
    index = next(i for i, c in enumerate(reply.chunks) if piece in str(c))
    return dataclasses.replace(reply, paused=gate, pause_after=index + 1)


@pytest.mark.parametrize("vendor", sorted(VENDORS))
async def test_text_arrives_before_the_answer_is_complete(fake: FakeServer, vendor: str) -> None:
    gate = fake.gate()
    fake.script(paused_after(VENDORS[vendor][2](PIECES), "Hel", gate))
    router = router_for(fake, vendor)
    watcher = Watcher()
    call = asyncio.ensure_future(router.complete(REQUEST, listener=watcher))
    async with asyncio.timeout(10):
        await watcher.first_text.wait()
    assert watcher.text == "Hel"
    assert not call.done()
    assert not fake.requests[0].completed  # the provider has not finished answering
    gate.open()
    async with asyncio.timeout(10):
        response = await call
    assert response.text == "Hello, world"
    assert watcher.text == "Hello, world"
    assert "<restart>" not in watcher.events
    await router.aclose()


async def test_a_retry_voids_the_text_of_the_failed_attempt(fake: FakeServer) -> None:
    fake.script(oa.mid_stream_error(["Hal", "f"]), oa.stream(PIECES))
    router = router_for(fake)
    watcher = Watcher()
    response = await router.complete(REQUEST, listener=watcher)
    assert response.text == "Hello, world"
    assert watcher.events[:3] == ["Hal", "f", "<restart>"]
    assert watcher.text == "Hello, world"


async def test_a_cached_answer_arrives_whole_and_sends_nothing(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.script(oa.stream(PIECES))
    router = router_for(fake, cache=tmp_path / "cache")
    await router.complete(REQUEST)
    watcher = Watcher()
    response = await router.complete(REQUEST, listener=watcher)
    assert len(fake.requests) == 1
    assert watcher.events == ["Hello, world"] == [response.text]


async def test_a_caller_that_joins_a_call_in_flight_gets_the_whole_text(
    fake: FakeServer,
) -> None:
    gate = fake.gate()
    fake.script(paused_after(oa.stream(PIECES), "Hel", gate))
    router = router_for(fake)
    first, second = Watcher(), Watcher()
    one = asyncio.ensure_future(router.complete(REQUEST, listener=first))
    async with asyncio.timeout(10):
        await first.first_text.wait()
    two = asyncio.ensure_future(router.complete(REQUEST, listener=second))
    for _ in range(100):  # let the second caller join before the answer completes
        if router.deduplicated:
            break
        await asyncio.sleep(0)
    assert router.deduplicated == 1
    gate.open()
    async with asyncio.timeout(10):
        await asyncio.gather(one, two)
    assert len(fake.requests) == 1
    assert first.events == PIECES
    assert second.events == ["Hello, world"]


async def test_cancelling_the_caller_hangs_up_on_the_provider(fake: FakeServer) -> None:
    gate = fake.gate()
    fake.script(paused_after(oa.stream(PIECES), "Hel", gate))
    router = router_for(fake)
    watcher = Watcher()
    call = asyncio.ensure_future(router.complete(REQUEST, listener=watcher))
    async with asyncio.timeout(10):
        await watcher.first_text.wait()
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert await asyncio.to_thread(fake.wait_until, lambda: fake.requests[0].disconnected)
    assert watcher.events == ["Hel"]
    report = router.stats()["providers"]["p"]
    assert (report["calls"], report["cancelled"], report["successRate"]) == (1, 1, 1.0)
