"""The router against real HTTP: fallback, retries, breaker, de-duplication, cancellation,
deadline, smaller prompts, concurrency limits and usage, with the OpenAI-compatible fake.

Backoff never waits for real: the router gets a recording ``sleep`` and, where time matters
(breaker cool-down), a hand-driven clock.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from fakes import openai as oa
from fakes.server import FakeServer, Received, Reply

from peer_lsp.llm import errors
from peer_lsp.llm.config import LLMConfig, RouteConfig, parse_provider
from peer_lsp.llm.providers.openai_compat import OpenAICompatProvider
from peer_lsp.llm.resilience import BreakerState
from peer_lsp.llm.router import Router
from peer_lsp.llm.types import LLMRequest, Task


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Sleeps:
    """Records the delays the router asked for, and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def for_model(model: str) -> Callable[[Received], bool]:
    return lambda received: received.json["model"] == model


def provider(fake: FakeServer, model: str, **extra: Any) -> OpenAICompatProvider:
    raw = {"preset": "vllm", "model": model, "id": model, "baseUrl": f"{fake.url}/v1", **extra}
    return OpenAICompatProvider(parse_provider(raw, 0))


def make_router(
    fake: FakeServer,
    models: tuple[str, ...] = ("a", "b"),
    *,
    deadline: float = 30.0,
    clock: Clock | None = None,
    sleeps: Sleeps | None = None,
    routes: tuple[RouteConfig, ...] | None = None,
    **extra: Any,
) -> Router:
    providers = {m: provider(fake, m, **extra) for m in models}
    config = LLMConfig(
        tuple(p.config for p in providers.values()),
        routes or (RouteConfig("default", models, deadline=deadline),),
    )
    return Router(config, providers, clock=clock or Clock(), sleep=sleeps or Sleeps())


def request(user: str = "review this", **extra: Any) -> LLMRequest:
    return LLMRequest(system="You review code.", user=user, stream=False, **extra)


def models_called(fake: FakeServer) -> list[str]:
    return [r.json["model"] for r in fake.requests]


async def test_first_provider_answers(fake: FakeServer) -> None:
    fake.script(oa.ok("fine"))
    router = make_router(fake)
    response = await router.complete(request())
    assert (response.text, response.provider) == ("fine", "a")
    assert models_called(fake) == ["a"]


async def test_falls_back_in_order_after_retries(fake: FakeServer) -> None:
    fake.script(*[oa.error(500, "server_error") for _ in range(3)], match=for_model("a"))
    fake.script(oa.ok("from b"), match=for_model("b"))
    sleeps = Sleeps()
    router = make_router(fake, sleeps=sleeps)
    response = await router.complete(request())
    assert response.provider == "b"
    assert models_called(fake) == ["a", "a", "a", "b"]
    assert len(sleeps.delays) == 2
    assert all(0 <= d <= 1.0 for d in sleeps.delays)  # full jitter: [0, 0.5], [0, 1.0]


async def test_retry_after_is_honoured(fake: FakeServer) -> None:
    fake.script(oa.rate_limited(retry_after="2"), oa.ok("later"), match=for_model("a"))
    sleeps = Sleeps()
    router = make_router(fake, sleeps=sleeps)
    response = await router.complete(request())
    assert response.text == "later"
    assert sleeps.delays == [2.0]
    assert models_called(fake) == ["a", "a"]


async def test_retry_after_ms_wins_over_retry_after(fake: FakeServer) -> None:
    fake.script(
        oa.rate_limited(retry_after="9", retry_after_ms="250"), oa.ok(), match=for_model("a")
    )
    sleeps = Sleeps()
    await make_router(fake, sleeps=sleeps).complete(request())
    assert sleeps.delays == [0.25]


async def test_a_long_retry_hint_falls_through_without_waiting(fake: FakeServer) -> None:
    fake.script(oa.rate_limited(retry_after="120"), match=for_model("a"))
    fake.script(oa.ok("b answered"), match=for_model("b"))
    sleeps = Sleeps()
    response = await make_router(fake, sleeps=sleeps).complete(request())
    assert response.provider == "b"
    assert sleeps.delays == []


async def test_insufficient_quota_is_not_retried(fake: FakeServer) -> None:
    fake.script(oa.insufficient_quota(), match=for_model("a"))
    fake.script(oa.ok(), match=for_model("b"))
    sleeps = Sleeps()
    router = make_router(fake, sleeps=sleeps)
    response = await router.complete(request())
    assert response.provider == "b"
    assert models_called(fake) == ["a", "b"]
    assert sleeps.delays == []
    assert router.breaker("a").state is BreakerState.OPEN


async def test_invalid_request_gives_up_without_fallback(fake: FakeServer) -> None:
    fake.script(oa.error(400, "invalid_request_error", message="bad field"), match=for_model("a"))
    router = make_router(fake)
    with pytest.raises(errors.InvalidRequest):
        await router.complete(request())
    assert models_called(fake) == ["a"]


async def test_truncated_answer_falls_through(fake: FakeServer) -> None:
    fake.script(oa.length_finish(), match=for_model("a"))
    fake.script(oa.ok("complete"), match=for_model("b"))
    response = await make_router(fake).complete(request())
    assert response.text == "complete"
    assert models_called(fake) == ["a", "b"]


async def test_a_request_the_open_circuit_refuses_says_what_opened_it(fake: FakeServer) -> None:
    """The editor's status shows the latest failure: after a refused key it must still name
    the key, not only the circuit that the refusal opened."""
    router = make_router(fake, models=("a",))
    fake.respond_with(oa.auth_error())
    with pytest.raises(errors.LLMError) as first:
        await router.complete(request())
    with pytest.raises(errors.LLMError, match="circuit open") as skipped:
        await router.complete(request("another"))
    assert "401" in str(first.value)
    assert str(skipped.value).endswith(f"after: {first.value}")


async def test_breaker_opens_half_opens_and_closes(fake: FakeServer) -> None:
    clock = Clock()
    router = make_router(fake, models=("a",), clock=clock)
    fake.respond_with(oa.error(503, "server_error"))
    with pytest.raises(errors.Overloaded):  # one call: 3 attempts, 3 consecutive failures
        await router.complete(request())
    breaker = router.breaker("a")
    assert breaker.state is BreakerState.OPEN
    calls = len(fake.requests)
    with pytest.raises(errors.LLMError, match="circuit open"):
        await router.complete(request("another"))
    assert len(fake.requests) == calls  # refused without a call
    clock.now += breaker.cooldown + 1
    fake.respond_with(oa.ok("back"))
    response = await router.complete(request("probe"))
    assert response.text == "back"
    assert breaker.state is BreakerState.CLOSED
    assert router.stats()["providers"]["a"]["breaker"] == "closed"


async def test_half_open_probe_failure_opens_for_longer(fake: FakeServer) -> None:
    clock = Clock()
    router = make_router(fake, models=("a",), clock=clock)
    fake.respond_with(oa.error(503, "server_error"))
    with pytest.raises(errors.Overloaded):
        await router.complete(request())
    breaker = router.breaker("a")
    first = breaker.seconds_left()
    clock.now += first + 1
    with pytest.raises(errors.Overloaded):
        await router.complete(request("probe"))
    assert breaker.state is BreakerState.OPEN
    assert breaker.seconds_left() > first


async def test_identical_concurrent_calls_share_one_request(fake: FakeServer) -> None:
    reply = oa.ok("shared")
    reply.first_byte_delay = 0.2
    fake.respond_with(reply)
    router = make_router(fake)
    responses = await asyncio.gather(*(router.complete(request()) for _ in range(100)))
    assert {r.text for r in responses} == {"shared"}
    assert len(fake.requests) == 1
    assert router.stats()["deduplicated"] == 99


async def test_every_caller_of_a_shared_call_gets_its_error(fake: FakeServer) -> None:
    reply = oa.error(400, "invalid_request_error", message="bad field")
    reply.first_byte_delay = 0.2
    fake.respond_with(reply)
    router = make_router(fake, models=("a",))
    outcomes = await asyncio.gather(
        *(router.complete(request()) for _ in range(10)), return_exceptions=True
    )
    assert all(isinstance(o, errors.InvalidRequest) for o in outcomes), outcomes
    assert len(fake.requests) == 1
    assert router.stats()["inFlight"] == 0
    fake.respond_with(oa.ok("afterwards"))
    assert (await router.complete(request())).text == "afterwards"


async def test_cancelling_the_only_caller_hangs_up_upstream(fake: FakeServer) -> None:
    fake.respond_with(Reply(hang=True))
    router = make_router(fake)
    call = asyncio.ensure_future(router.complete(request()))
    assert await asyncio.to_thread(fake.wait_until, lambda: len(fake.requests) == 1)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert await asyncio.to_thread(fake.wait_until, lambda: fake.requests[0].disconnected)


async def test_a_shared_call_survives_one_cancelled_caller(fake: FakeServer) -> None:
    fake.script(Reply(hang=True))
    router = make_router(fake)
    first = asyncio.ensure_future(router.complete(request()))
    second = asyncio.ensure_future(router.complete(request()))
    assert await asyncio.to_thread(fake.wait_until, lambda: len(fake.requests) == 1)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert not second.done()
    assert not fake.requests[0].disconnected
    second.cancel()
    with pytest.raises(asyncio.CancelledError):
        await second
    assert await asyncio.to_thread(fake.wait_until, lambda: fake.requests[0].disconnected)


async def test_deadline_is_respected(fake: FakeServer) -> None:
    fake.respond_with(Reply(hang=True))
    router = make_router(fake, deadline=0.3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(errors.DeadlineExceeded):
        await router.complete(request())
    assert loop.time() - started < 2.0
    # Under load the deadline may pass before the request reached the fake at all.
    hung_up = lambda: all(r.disconnected for r in fake.requests)  # noqa: E731
    assert await asyncio.to_thread(fake.wait_until, hung_up)


async def test_context_overflow_retries_once_with_a_smaller_prompt(fake: FakeServer) -> None:
    fake.script(oa.context_overflow("openai"), oa.ok("fits now"), match=for_model("a"))
    asked: list[LLMRequest] = []

    def shrink(big: LLMRequest) -> LLMRequest | None:
        asked.append(big)
        return dataclasses.replace(big, user=big.user[:10])

    router = make_router(fake)
    response = await router.complete(request("x" * 5000), shrink=shrink)
    assert response.text == "fits now"
    assert len(asked) == 1
    sizes = [len(r.json["messages"][-1]["content"]) for r in fake.requests]
    assert sizes == [5000, 10]


async def test_context_overflow_without_a_smaller_prompt_falls_through(fake: FakeServer) -> None:
    fake.script(oa.context_overflow("vllm_new"), match=for_model("a"))
    fake.script(oa.ok("bigger window"), match=for_model("b"))
    response = await make_router(fake).complete(request(), shrink=lambda _r: None)
    assert response.provider == "b"


async def test_concurrency_limit_is_never_exceeded(fake: FakeServer) -> None:
    def slow(received: Received) -> Reply:
        reply = oa.ok(received.json["messages"][-1]["content"])
        reply.first_byte_delay = 0.05
        return reply

    fake.respond_with(slow)
    router = make_router(fake, models=("a",), maxConcurrency=2)
    responses = await asyncio.gather(*(router.complete(request(f"unit {n}")) for n in range(10)))
    assert sorted(r.text for r in responses) == sorted(f"unit {n}" for n in range(10))
    assert fake.max_in_flight == 2
    assert router.stats()["providers"]["a"]["maxInFlight"] == 2


async def test_usage_and_cost_are_accounted(fake: FakeServer) -> None:
    fake.respond_with(oa.ok("x", prompt=1000, completion=500))
    router = make_router(fake, models=("a",), priceInputPerMtok=3.0, priceOutputPerMtok=15.0)
    await router.complete(request("one"))
    await router.complete(request("two"))
    stats = router.stats()["providers"]["a"]
    assert (stats["inputTokens"], stats["outputTokens"]) == (2000, 1000)
    assert stats["cost"] == pytest.approx(2 * (1000 * 3.0 + 500 * 15.0) / 1_000_000)
    assert stats["successRate"] == 1.0


async def test_routes_match_on_task_and_language(fake: FakeServer) -> None:
    fake.respond_with(lambda r: oa.ok(r.json["model"]))
    routes = (
        RouteConfig("verify", ("b",), tasks=(Task.VERIFY,)),
        RouteConfig("go", ("b",), languages=("go",)),
        RouteConfig("rest", ("a",)),
    )
    router = make_router(fake, routes=routes)
    assert (await router.complete(request(task=Task.VERIFY))).text == "b"
    assert (await router.complete(request(language="go"))).text == "b"
    assert (await router.complete(request(language="python"))).text == "a"


async def test_no_matching_route_is_a_configuration_error(fake: FakeServer) -> None:
    routes = (RouteConfig("only-fix", ("a",), tasks=(Task.FIX,)),)
    router = make_router(fake, routes=routes)
    with pytest.raises(errors.ConfigurationError, match="no route takes review"):
        await router.complete(request())
    assert fake.requests == []
