"""Answers in the wrong shape through the real router, cache and OpenAI-compatible fake.

A model that ignores structured output and writes prose must not pass for a clean review:
the answer is refused by the review's own check (`parse_answer(...).valid`, as the pipeline
passes it), so it is not cached, the caller gets an error that says what happened, and the
next call asks the provider again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fakes import openai as oa
from fakes.server import FakeServer, Received

from peer_lsp.llm import errors
from peer_lsp.llm.cache.disk_cache import DiskCache
from peer_lsp.llm.config import LLMConfig, RouteConfig, parse_provider
from peer_lsp.llm.providers.openai_compat import OpenAICompatProvider
from peer_lsp.llm.router import Router
from peer_lsp.llm.types import LLMRequest
from peer_lsp.review.answer.parse import parse_answer
from peer_lsp.review.prompt.templates import FINDINGS_SCHEMA

FINDING = {
    "severity": "error",
    "category": "bug",
    "title": "Off by one",
    "message": "Reads one past the end.",
    "excerpt": "i <= n",
    "line": 2,
    "confidence": 0.8,
}
JSON_ANSWER = json.dumps({"findings": [FINDING]})


def is_answer(text: str) -> bool:
    """What the pipeline passes as ``validate``."""
    return parse_answer(text).valid


def make_router(fake: FakeServer, tmp_path: Path, models: tuple[str, ...] = ("a",)) -> Router:
    configs = [
        parse_provider({"preset": "vllm", "model": m, "id": m, "baseUrl": f"{fake.url}/v1"}, index)
        for index, m in enumerate(models)
    ]
    cache = DiskCache(tmp_path / "cache", max_bytes=10_000_000, ttl_seconds=3600)
    return Router(
        LLMConfig(tuple(configs), (RouteConfig("default", models),)),
        {c.id: OpenAICompatProvider(c) for c in configs},
        cache=cache,
    )


def review() -> LLMRequest:
    return LLMRequest(
        "Review the code.",
        "```\nfor i in range(n):\n    if i <= n: pass\n```",
        stream=False,
        json_schema=FINDINGS_SCHEMA,
        prompt_version="v1",
    )


def for_model(model: str) -> Callable[[Received], bool]:
    return lambda received: received.json["model"] == model


async def test_a_prose_answer_is_an_error_and_is_not_cached(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.script(oa.ok("No issues found. The loop looks correct."), oa.ok(JSON_ANSWER))
    router = make_router(fake, tmp_path)
    with pytest.raises(errors.ServerError, match="answered in prose, not the requested JSON"):
        await router.complete(review(), normalized_code="n", validate=is_answer)
    assert len(fake.requests) == 1  # temperature 0: the same provider is not asked again
    response = await router.complete(review(), normalized_code="n", validate=is_answer)
    assert (response.text, response.cached) == (JSON_ANSWER, False)
    assert len(fake.requests) == 2  # the prose was not cached: the provider was asked again
    again = await router.complete(review(), normalized_code="n", validate=is_answer)
    assert (again.text, again.cached) == (JSON_ANSWER, True)
    assert len(fake.requests) == 2
    assert router.stats()["providers"]["a"]["failures"] == {"server": 1}


async def test_a_list_of_junk_is_an_error_that_names_the_shape(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.script(oa.ok('{"findings": [{"note": "all good"}]}'))
    router = make_router(fake, tmp_path)
    with pytest.raises(errors.ServerError, match="does not have the requested shape") as caught:
        await router.complete(review(), normalized_code="n", validate=is_answer)
    assert caught.value.retryable is False


async def test_a_prose_answer_falls_through_to_the_next_provider(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.script(oa.ok("Looks fine to me!"), match=for_model("a"))
    fake.script(oa.ok(JSON_ANSWER), match=for_model("b"))
    router = make_router(fake, tmp_path, ("a", "b"))
    response = await router.complete(review(), normalized_code="n", validate=is_answer)
    assert (response.provider, response.text) == ("b", JSON_ANSWER)
    assert [r.json["model"] for r in fake.requests] == ["a", "b"]


async def test_a_prose_answer_cached_before_the_check_is_not_served(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.script(oa.ok("No issues found."), oa.ok(JSON_ANSWER))
    router = make_router(fake, tmp_path)
    await router.complete(review(), normalized_code="n")  # an older peer cached prose
    response = await router.complete(review(), normalized_code="n", validate=is_answer)
    assert (response.text, response.cached) == (JSON_ANSWER, False)
    assert len(fake.requests) == 2
    assert router.stats()["cacheMisses"] == 2
