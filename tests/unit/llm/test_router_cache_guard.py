"""The router with its cache and its guard: answers reused, secrets never sent.

Everything is real: the fake vendor over HTTP, a diskcache folder in tmp_path, the guard's
audit log on disk.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import openai as oa
from fakes.server import FakeServer
from test_guard import SAMPLES

from peer_lsp.llm import errors
from peer_lsp.llm.cache.disk_cache import DiskCache
from peer_lsp.llm.config import LLMConfig, RouteConfig, parse_provider
from peer_lsp.llm.guard import Guard
from peer_lsp.llm.providers.openai_compat import OpenAICompatProvider
from peer_lsp.llm.router import Router
from peer_lsp.llm.types import LLMRequest
from peer_lsp.settings.options import resolve

KEY = "gsk_test_key_0123456789abcdefghij"


def make_router(fake: FakeServer, tmp_path: Path, *, guard: Guard | None = None) -> Router:
    config = parse_provider(
        {"preset": "groq", "model": "m", "id": "groq", "baseUrl": f"{fake.url}/v1"}, 0
    )
    provider = OpenAICompatProvider(config, environ={"GROQ_API_KEY": KEY})
    cache = DiskCache(tmp_path / "cache", max_bytes=10_000_000, ttl_seconds=3600)
    return Router(
        LLMConfig((config,), (RouteConfig("default", ("groq",)),)),
        {"groq": provider},
        cache=cache,
        guard=guard,
    )


def review(code: str, **extra: object) -> LLMRequest:
    return LLMRequest(
        "Review the code.", f"```\n{code}\n```", stream=False, prompt_version="v1", **extra
    )  # type: ignore[arg-type]


async def test_the_same_unit_is_answered_once(fake: FakeServer, tmp_path: Path) -> None:
    fake.respond_with(oa.ok('{"findings": []}'))
    router = make_router(fake, tmp_path)
    first = await router.complete(review("def f(): return 1"), normalized_code="n1")
    again = await router.complete(review("def f():  return 1"), normalized_code="n1")
    assert (first.cached, again.cached) == (False, True)
    assert again.text == first.text
    assert len(fake.requests) == 1
    assert router.stats()["cacheHits"] == 1


async def test_reopening_is_served_from_the_cache_by_a_new_router(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.respond_with(oa.ok('{"findings": []}'))
    await make_router(fake, tmp_path).complete(review("x"), normalized_code="n")
    later = make_router(fake, tmp_path)  # a new process would open the same folder
    assert (await later.complete(review("x"), normalized_code="n")).cached
    assert len(fake.requests) == 1


async def test_re_review_bypasses_but_refreshes_the_cache(fake: FakeServer, tmp_path: Path) -> None:
    fake.script(oa.ok("first"), oa.ok("second"))
    router = make_router(fake, tmp_path)
    await router.complete(review("x"), normalized_code="n")
    fresh = await router.complete(review("x"), normalized_code="n", bypass_cache=True)
    assert (fresh.text, fresh.cached) == ("second", False)
    assert (await router.complete(review("x"), normalized_code="n")).text == "second"
    assert len(fake.requests) == 2


async def test_failures_and_truncations_are_not_cached(fake: FakeServer, tmp_path: Path) -> None:
    fake.script(oa.length_finish(), oa.error(400, message="bad"), oa.ok("good"))
    router = make_router(fake, tmp_path)
    with pytest.raises(errors.Truncated):
        await router.complete(review("x"), normalized_code="n")
    with pytest.raises(errors.InvalidRequest):
        await router.complete(review("x"), normalized_code="n")
    assert (await router.complete(review("x"), normalized_code="n")).text == "good"
    assert len(fake.requests) == 3


async def test_invalid_answers_are_neither_returned_nor_cached(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.script(oa.ok("not json"), oa.ok('{"findings": []}'))
    router = make_router(fake, tmp_path)

    def is_json(text: str) -> bool:
        try:
            json.loads(text)
        except ValueError:
            return False
        return True

    with pytest.raises(errors.ServerError, match="not valid"):
        await router.complete(review("x"), normalized_code="n", validate=is_json)
    response = await router.complete(review("x"), normalized_code="n", validate=is_json)
    assert response.text == '{"findings": []}'


async def test_no_secret_of_the_corpus_reaches_the_provider(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.respond_with(oa.ok('{"findings": []}'))
    settings, _ = resolve({"auditLog": str(tmp_path / "audit.jsonl")})
    guard = Guard(settings, known_secrets=[KEY])
    router = make_router(fake, tmp_path, guard=guard)
    for number, sample in enumerate(SAMPLES):
        await router.complete(
            review(sample.code, file=f"src/{sample.id}.txt", unit=sample.id),
            normalized_code=f"unit-{number}",
        )
    assert len(fake.requests) == len(SAMPLES)
    received = "\n".join(r.text for r in fake.requests)
    leaked = [s.id for s in SAMPLES if s.secret in received]
    assert leaked == []
    assert "<redacted:" in received
    audit = (tmp_path / "audit.jsonl").read_text()
    assert len(audit.splitlines()) == len(SAMPLES)
    assert [s.id for s in SAMPLES if s.secret in audit] == []
    code_lines = {line.strip() for s in SAMPLES for line in s.code.splitlines()}
    assert [line for line in code_lines if len(line) > 12 and line in audit] == []
    assert KEY not in audit


async def test_excluded_files_are_never_sent(fake: FakeServer, tmp_path: Path) -> None:
    settings, _ = resolve({"auditLog": str(tmp_path / "audit.jsonl")})
    router = make_router(fake, tmp_path, guard=Guard(settings))
    with pytest.raises(errors.InvalidRequest, match=r"\.env"):
        await router.complete(review("API_KEY=abc", file="config/.env"), normalized_code="e")
    assert fake.requests == []
    record = json.loads((tmp_path / "audit.jsonl").read_text().splitlines()[0])
    assert record["outcome"] == "refused:excluded"
