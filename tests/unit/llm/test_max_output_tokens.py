"""``maxOutputTokens`` is what every vendor's fake receives, in that vendor's own field.

Set, it replaces the limit the prompt asks for (2048 for a review, 1024 for an explanation);
unset, the prompt's own limit is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fakes import anthropic as an
from fakes import gemini as gm
from fakes import ollama as ol
from fakes import openai as oa
from fakes.server import FakeServer, Reply

from peer_lsp.llm.config import parse_provider
from peer_lsp.llm.factory import make_provider
from peer_lsp.llm.types import LLMRequest, Task
from peer_lsp.review.prompt.templates import EXPLAIN_TEMPLATE, REVIEW_TEMPLATE

ENV = {
    "OPENAI_API_KEY": "sk-test-0123456789",
    "ANTHROPIC_API_KEY": "sk-ant-test-0123456789",
    "GEMINI_API_KEY": "gm-test-0123456789",
}

Limit = Callable[[dict[str, Any]], object]

VENDORS: dict[str, tuple[str, Callable[[], Reply], Limit]] = {
    "openai": ("/v1", lambda: oa.ok('{"findings": []}'), lambda b: b["max_completion_tokens"]),
    "llamacpp": ("/v1", lambda: oa.ok('{"findings": []}'), lambda b: b["max_tokens"]),
    "anthropic": ("", an.ok, lambda b: b["max_tokens"]),
    "gemini": ("/v1beta", gm.ok, lambda b: b["generationConfig"]["maxOutputTokens"]),
    "ollama": ("", lambda: ol.ok('{"findings": []}'), lambda b: b["options"]["num_predict"]),
}


def request(max_tokens: int, task: Task) -> LLMRequest:
    return LLMRequest("Review.", "x = 1", max_tokens=max_tokens, stream=False, task=task)


async def sent_limits(fake: FakeServer, preset: str, **extra: Any) -> list[object]:
    """The output limit the fake received for a review and an explanation request."""
    base, reply, limit = VENDORS[preset]
    fake.respond_with(reply())
    raw = {"preset": preset, "model": "m", "baseUrl": f"{fake.url}{base}", **extra}
    provider = make_provider(parse_provider(raw, 0), ENV)
    try:
        await provider.send(request(REVIEW_TEMPLATE.max_tokens, Task.REVIEW))
        await provider.send(request(EXPLAIN_TEMPLATE.max_tokens, Task.EXPLAIN))
    finally:
        await provider.aclose()
    return [limit(received.json) for received in fake.requests]


@pytest.mark.parametrize("preset", sorted(VENDORS))
async def test_the_configured_limit_is_sent(fake: FakeServer, preset: str) -> None:
    assert await sent_limits(fake, preset, maxOutputTokens=6000) == [6000, 6000]


@pytest.mark.parametrize("preset", sorted(VENDORS))
async def test_without_a_setting_the_prompt_asks_its_own(fake: FakeServer, preset: str) -> None:
    assert await sent_limits(fake, preset) == [2048, 1024]


@pytest.mark.parametrize("preset", ["ollama", "llamacpp"])
async def test_a_lower_limit_is_sent_too(fake: FakeServer, preset: str) -> None:
    """A slow local model can be told to stop sooner than the prompt would allow."""
    assert await sent_limits(fake, preset, maxOutputTokens=512) == [512, 512]
