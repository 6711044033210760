"""Retry hints from rate-limit headers, when a 429 carries no Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fakes import anthropic as an
from fakes import openai as oa
from fakes.server import FakeServer

from peer_lsp.llm import errors
from peer_lsp.llm.config import parse_provider
from peer_lsp.llm.providers.anthropic import AnthropicProvider
from peer_lsp.llm.providers.base import parse_duration, rate_limit_wait
from peer_lsp.llm.providers.openai_compat import OpenAICompatProvider
from peer_lsp.llm.types import LLMRequest


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("120ms", 0.12), ("1s", 1.0), ("6m0s", 360.0), ("1h2m3.5s", 3723.5), ("soon", None)],
)
def test_durations(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == (pytest.approx(seconds) if seconds is not None else None)


def test_only_exhausted_limits_count_and_the_longest_wins() -> None:
    headers = {
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "2s",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-tokens": "6m0s",
    }
    assert rate_limit_wait(headers) == 360.0
    headers["x-ratelimit-remaining-tokens"] = "100"
    assert rate_limit_wait(headers) == 2.0
    assert rate_limit_wait({"x-ratelimit-remaining-requests": "5"}) is None


def test_anthropic_reset_times() -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=30)).isoformat().replace("+00:00", "Z")
    wait = rate_limit_wait(
        {"anthropic-ratelimit-tokens-remaining": "0", "anthropic-ratelimit-tokens-reset": reset}
    )
    assert wait is not None
    assert 25 < wait <= 30


async def test_a_429_without_retry_after_uses_the_reset_header(fake: FakeServer) -> None:
    reply = oa.rate_limited(retry_after=None)
    reply.headers.update({"x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "1.5s"})
    fake.script(reply)
    provider = OpenAICompatProvider(
        parse_provider({"preset": "vllm", "model": "m", "baseUrl": f"{fake.url}/v1"}, 0)
    )
    with pytest.raises(errors.RateLimited) as caught:
        await provider.send(LLMRequest("s", "u", stream=False))
    await provider.aclose()
    assert caught.value.retry_after == pytest.approx(1.5)


async def test_anthropic_429_without_retry_after(fake: FakeServer) -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=10)).isoformat().replace("+00:00", "Z")
    reply = an.error(429, "rate_limit_error", "slow down")
    reply.headers.pop("retry-after", None)
    reply.headers.update(
        {
            "anthropic-ratelimit-requests-remaining": "0",
            "anthropic-ratelimit-requests-reset": reset,
        }
    )
    fake.script(reply)
    config = parse_provider({"preset": "anthropic", "model": "m", "baseUrl": fake.url}, 0)
    provider = AnthropicProvider(config, environ={"ANTHROPIC_API_KEY": "k-test-123456789"})
    with pytest.raises(errors.RateLimited) as caught:
        await provider.send(LLMRequest("s", "u", stream=False))
    await provider.aclose()
    assert caught.value.retry_after is not None
    assert 5 < caught.value.retry_after <= 10
