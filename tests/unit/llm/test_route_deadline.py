"""The default route deadline: long enough for a slow local model, scaled by the output limit.

A fixed 90 s cut local models that were still writing (and the reviews queued behind them
for a slot). A route without ``deadline`` now waits as long as its slowest provider needs.
"""

from __future__ import annotations

import pytest
from fakes import openai as oa
from fakes.server import FakeServer, Reply

from peer_lsp.llm import errors
from peer_lsp.llm.config import (
    HOSTED_DEADLINE,
    LOCAL_DEADLINE,
    LOCAL_FIRST_BYTE,
    MAX_DEADLINE,
    LLMConfig,
    RouteConfig,
    is_local,
    parse_llm_config,
    parse_provider,
)
from peer_lsp.llm.providers.openai_compat import OpenAICompatProvider
from peer_lsp.llm.router import Router
from peer_lsp.llm.types import LLMRequest

GROQ = {"preset": "groq", "model": "llama", "id": "groq"}
OLLAMA = {"preset": "ollama", "model": "qwen", "id": "ollama"}
LAN = {"preset": "llamacpp", "model": "q", "id": "lan", "baseUrl": "http://192.168.1.20:8080/v1"}


def deadlines(providers: list[dict[str, object]], routes: list[dict[str, object]]) -> list[float]:
    config, problems = parse_llm_config(providers, routes)
    assert problems == []
    return [route.deadline for route in config.routes]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:11434", True),
        ("http://localhost:8080/v1", True),
        ("http://[::1]:8000/v1", True),
        ("http://192.168.1.20:8080/v1", True),
        ("http://10.0.0.5/v1", True),
        ("http://gpu-box.local:8000/v1", True),
        ("https://api.groq.com/openai/v1", False),
        ("https://ollama.com", False),
        ("https://8.8.8.8/v1", False),
    ],
)
def test_which_endpoints_are_local(url: str, local: bool) -> None:
    assert is_local(url) is local


def test_a_hosted_route_keeps_ninety_seconds() -> None:
    assert deadlines([GROQ], []) == [HOSTED_DEADLINE] == [90.0]


def test_a_local_model_gets_ten_minutes() -> None:
    assert deadlines([OLLAMA], []) == [LOCAL_DEADLINE] == [600.0]
    assert deadlines([LAN], []) == [LOCAL_DEADLINE]


def test_a_route_waits_as_long_as_its_slowest_provider_needs() -> None:
    routes = [
        {"name": "cloud", "providers": ["groq"], "tasks": ["verify"]},
        {"name": "mixed", "providers": ["groq", "ollama"]},
    ]
    assert deadlines([GROQ, OLLAMA], routes) == [HOSTED_DEADLINE, LOCAL_DEADLINE]


def test_a_larger_output_limit_lengthens_the_default() -> None:
    thinking = {**GROQ, "maxOutputTokens": 8192}
    assert deadlines([thinking], []) == [4 * HOSTED_DEADLINE]
    smaller = {**OLLAMA, "maxOutputTokens": 512}
    assert deadlines([smaller], []) == [LOCAL_DEADLINE]  # never shorter than the base
    huge = {**OLLAMA, "maxOutputTokens": 100_000}
    assert deadlines([huge], []) == [MAX_DEADLINE]


def test_a_deadline_the_user_sets_is_kept() -> None:
    routes = [{"providers": ["ollama"], "deadline": 45}]
    assert deadlines([OLLAMA], routes) == [45.0]


async def test_a_route_built_without_a_deadline_gets_its_providers_default(
    fake: FakeServer,
) -> None:
    """Ollama found by autodetection is routed by a RouteConfig built in code, with no
    deadline: the router gives it the local one, and still answers."""
    config = parse_provider({**OLLAMA, "preset": "vllm", "baseUrl": f"{fake.url}/v1"}, 0)
    route = RouteConfig("default", (config.id,))
    router = Router(LLMConfig((config,), (route,)), {config.id: OpenAICompatProvider(config)})
    assert route.deadline is None
    assert router.deadline_of(route) == LOCAL_DEADLINE
    fake.script(oa.ok('{"findings": []}'))
    answer = await router.complete(LLMRequest("s", "u", stream=False))
    assert answer.text == '{"findings": []}'
    await router.aclose()


async def test_the_deadline_message_names_the_deadline_in_force(fake: FakeServer) -> None:
    config = parse_provider({**OLLAMA, "preset": "vllm", "baseUrl": f"{fake.url}/v1"}, 0)
    route = RouteConfig("default", (config.id,), deadline=0.2)
    router = Router(LLMConfig((config,), (route,)), {config.id: OpenAICompatProvider(config)})
    fake.script(Reply(hang=True))
    with pytest.raises(errors.DeadlineExceeded, match=r"0\.2 s deadline"):
        await router.complete(LLMRequest("s", "u", stream=False))
    await router.aclose()


def test_a_local_provider_waits_longer_for_its_first_byte() -> None:
    """A local server streams nothing before it has read the prompt, and queues requests
    behind its one slot: the hosted 30 s first-byte timeout cut queued reviews."""
    config, problems = parse_llm_config(
        [GROQ, OLLAMA, LAN, {**OLLAMA, "id": "set", "timeouts": {"firstByte": 7, "idle": 9}}],
        [],
    )
    assert problems == []
    first_byte = {p.id: (p.timeouts.first_byte, p.timeouts.idle) for p in config.providers}
    assert first_byte == {
        "groq": (30.0, 30.0),
        "ollama": (LOCAL_FIRST_BYTE, 30.0),
        "lan": (LOCAL_FIRST_BYTE, 30.0),
        "set": (7.0, 9.0),  # what the user set wins
    }
