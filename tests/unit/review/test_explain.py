"""A model's explanation of one finding: asked with task ``explain`` about the finding and its
unit, streamed to a listener as it arrives, cached like a review, cancellable.

Everything is real: the engine's local rule finding, the router, the fake vendor over HTTP,
a diskcache folder in tmp_path.
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from fakes import openai as oa
from fakes.listener import Watcher
from fakes.server import FakeServer, Reply

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import Document
from peer_lsp.findings.model import Finding
from peer_lsp.llm.cache.disk_cache import DiskCache
from peer_lsp.llm.config import LLMConfig, RouteConfig, parse_provider
from peer_lsp.llm.factory import make_provider
from peer_lsp.llm.guard import Guard
from peer_lsp.llm.router import Router
from peer_lsp.review.explain import explain_finding, explain_request, unit_of
from peer_lsp.review.prompt.templates import EXPLAIN_PROMPT_VERSION
from peer_lsp.settings.model import Settings
from peer_lsp.settings.options import resolve

URI = "file:///project/calc.py"
SOURCE = (
    "import ast\n\n\n"
    "def calculate(expr):\n"
    "    token = 'sk-live-0123456789abcdefghijklmnopqrstuv'\n"
    "    return eval(expr)\n\n\n"
    "answer = eval(input())\n"
)
PLAIN = SOURCE.replace("    token = 'sk-live-0123456789abcdefghijklmnopqrstuv'\n", "")
"""Without the secret: a redacted unit's cache key is its code as shown, not normalized."""
PIECES = ["`eval` runs ", "whatever `expr` holds", ": use `ast.literal_eval`."]
ANSWER = "".join(PIECES)


def make_router(fake: FakeServer, tmp_path: Path) -> Router:
    config = parse_provider(
        {"preset": "vllm", "model": "m", "id": "fake", "baseUrl": f"{fake.url}/v1"}, 0
    )
    settings, _ = resolve({"auditLog": str(tmp_path / "audit.jsonl")})
    cache = DiskCache(tmp_path / "cache", max_bytes=10_000_000, ttl_seconds=3600)
    return Router(
        LLMConfig((config,), (RouteConfig("default", ("fake",)),)),
        {"fake": make_provider(config, {})},
        cache=cache,
        guard=Guard(settings),
    )


def opened(text: str = SOURCE) -> tuple[Document, list[Finding]]:
    """The document and its ``py-eval`` findings, in order."""
    engine = Engine(Settings())
    document = engine.open(URI, text, "python", 1)
    found = [f for f in engine.findings(URI) if f.rule_id == "py-eval"]
    return document, sorted(found, key=lambda f: f.span.start_byte)


def paused(reply: Reply, piece: str, gate: Any) -> Reply:
    """``reply`` holding back everything after the chunk that carries ``piece``."""
    assert reply.chunks is not None
    index = next(i for i, c in enumerate(reply.chunks) if piece in str(c))
    return dataclasses.replace(reply, paused=gate, pause_after=index + 1)


def test_the_request_asks_about_the_finding_in_its_unit() -> None:
    document, (finding, _) = opened()
    unit = unit_of(document, finding)
    assert unit is not None
    assert unit.qualified_name == "calculate"
    request = explain_request(finding, unit, document, path="calc.py")
    assert request.task == "explain"
    assert request.json_schema is None  # prose, not structured output
    assert request.prompt_version == EXPLAIN_PROMPT_VERSION
    assert "[py-eval] warning, security, line 3:" in request.user
    assert "3 |     return eval(expr)" in request.user
    assert "File: calc.py" in request.user
    assert "Name: calculate" in request.user


def test_a_finding_outside_every_unit_has_none() -> None:
    document, (_, top_level) = opened()
    assert unit_of(document, top_level) is None


async def test_the_answer_streams_to_the_listener_before_it_is_complete(
    fake: FakeServer, tmp_path: Path
) -> None:
    gate = fake.gate()
    fake.script(paused(oa.stream(PIECES), PIECES[0], gate))
    document, (finding, _) = opened()
    unit = unit_of(document, finding)
    assert unit is not None
    watcher = Watcher()
    router = make_router(fake, tmp_path)
    call = asyncio.ensure_future(
        explain_finding(router, finding, unit, document, path="calc.py", listener=watcher)
    )
    async with asyncio.timeout(10):
        await watcher.first_text.wait()
    assert watcher.events == [PIECES[0]]
    assert not fake.requests[0].completed
    gate.open()
    async with asyncio.timeout(10):
        explained = await call
    assert watcher.events == PIECES
    assert (explained.text, explained.cached, explained.provider) == (ANSWER, False, "fake")
    (sent,) = fake.requests
    body = sent.json
    assert body["stream"] is True
    assert "response_format" not in body
    assert "explaining one finding" in body["messages"][0]["content"]
    user = body["messages"][-1]["content"]
    assert "sk-live-0123456789" not in user  # the guard redacts the unit as always
    assert "return eval(expr)" in user
    await router.aclose()


async def test_the_same_finding_again_is_answered_from_the_cache_at_once(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.respond_with(oa.stream(PIECES))
    document, (finding, _) = opened(PLAIN)
    unit = unit_of(document, finding)
    assert unit is not None
    router = make_router(fake, tmp_path)
    await explain_finding(router, finding, unit, document, path="calc.py")
    assert len(fake.requests) == 1

    # reformatted, and asked by a new process: the unit's normalized code is the same
    document, (finding, _) = opened(PLAIN.replace("eval(expr)", "eval( expr )  # why"))
    unit = unit_of(document, finding)
    assert unit is not None
    watcher = Watcher()
    again = await explain_finding(
        make_router(fake, tmp_path), finding, unit, document, path="calc.py", listener=watcher
    )
    assert (again.text, again.cached) == (ANSWER, True)
    assert watcher.events == [ANSWER]  # whole, in one piece
    assert len(fake.requests) == 1  # nothing sent

    # another finding in the same code is another question
    other = dataclasses.replace(finding, rule_id="py-other", message="Something else.")
    await explain_finding(router, other, unit, document, path="calc.py")
    assert len(fake.requests) == 2
    await router.aclose()


async def test_cancelling_closes_the_providers_stream(fake: FakeServer, tmp_path: Path) -> None:
    gate = fake.gate()
    fake.script(paused(oa.stream(PIECES), PIECES[0], gate))
    document, (finding, _) = opened()
    unit = unit_of(document, finding)
    assert unit is not None
    watcher = Watcher()
    router = make_router(fake, tmp_path)
    call = asyncio.ensure_future(
        explain_finding(router, finding, unit, document, path="calc.py", listener=watcher)
    )
    async with asyncio.timeout(10):
        await watcher.first_text.wait()
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert await asyncio.to_thread(fake.wait_until, lambda: fake.requests[0].disconnected)
    assert watcher.events == [PIECES[0]]
    # nothing half-written was cached: asked again, the model is asked again
    fake.respond_with(oa.stream(PIECES))
    assert not (await explain_finding(router, finding, unit, document, path="calc.py")).cached
    assert len(fake.requests) == 2
    await router.aclose()
