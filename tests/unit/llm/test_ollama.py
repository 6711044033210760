"""The Ollama adapter and detection against a real local HTTP server speaking ``/api/chat``."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fakes import ollama as vendor
from fakes.server import FakeServer, Reply

from peer_lsp.llm import errors
from peer_lsp.llm.config import parse_provider
from peer_lsp.llm.providers.base import JSON_ONLY
from peer_lsp.llm.providers.ollama import OllamaProvider, _listening, detect_ollama
from peer_lsp.llm.tokens import estimate_tokens
from peer_lsp.llm.types import Finish, LLMRequest, Usage

SYSTEM = "You review code and answer with findings as JSON."
USER = "def total(items):\n    return sum(item.price for item in items)\n" * 8
REQUEST = LLMRequest(system=SYSTEM, user=USER, max_tokens=512, temperature=0.2)
ESTIMATE = estimate_tokens(SYSTEM + "\n" + USER)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"findings": {"type": "array"}},
    "required": ["findings"],
}
_PROXIES = {"http_proxy", "https_proxy", "all_proxy"}
FAST = {"connect": 1.0, "first_byte": 0.2, "idle": 0.2}
Make = Callable[..., OllamaProvider]


@pytest.fixture
async def make(fake: FakeServer) -> AsyncIterator[Make]:
    """Providers for the fake, configured with overrides; closed after the test."""
    made: list[OllamaProvider] = []

    def build(environ: dict[str, str] | None = None, **overrides: Any) -> OllamaProvider:
        raw = {"preset": "ollama", "model": vendor.MODEL, "baseUrl": fake.url, **overrides}
        provider = OllamaProvider(parse_provider(raw, 0), environ=environ or {})
        made.append(provider)
        return provider

    yield build
    for provider in made:
        await provider.aclose()


def whole(**changes: Any) -> LLMRequest:
    return dataclasses.replace(REQUEST, stream=False, **changes)


async def failure(provider: OllamaProvider, request: LLMRequest = REQUEST) -> errors.LLMError:
    with pytest.raises(errors.LLMError) as caught:
        await provider.send(request)
    return caught.value


# -- requests and answers ----------------------------------------------------------------------


async def test_whole_answer_and_the_request_that_asked_for_it(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.ok("hello", prompt_eval_count=ESTIMATE, eval_count=3))

    response = await make(contextWindow=16384).send(whole())

    assert (response.text, response.finish, response.model) == ("hello", Finish.STOP, vendor.MODEL)
    assert response.usage == Usage(ESTIMATE, 3)
    sent = fake.requests[0]
    assert (sent.method, sent.path) == ("POST", "/api/chat")
    assert "authorization" not in sent.headers
    assert sent.json == {
        "model": vendor.MODEL,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": USER},
        ],
        "stream": False,
        "options": {"temperature": 0.2, "num_predict": 512, "num_ctx": 16384},
    }


@pytest.mark.parametrize(
    ("structured", "system", "format_"),
    [
        pytest.param("schema", SYSTEM, SCHEMA, id="schema"),
        pytest.param(
            "json",
            f"{SYSTEM}\n\n{JSON_ONLY.format(schema=json.dumps(SCHEMA, separators=(',', ':')))}",
            "json",
            id="json",
        ),
    ],
)
async def test_structured_output_and_explicit_stream(
    fake: FakeServer, make: Make, structured: str, system: str, format_: Any
) -> None:
    fake.script(vendor.stream(["{}"], prompt_eval_count=ESTIMATE * 2))

    await make(structured=structured).send(dataclasses.replace(REQUEST, json_schema=SCHEMA))

    assert fake.requests[0].json == {
        "model": vendor.MODEL,
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": USER},
        ],
        "stream": True,
        "format": format_,
        "options": {"temperature": 0.2, "num_predict": 512, "num_ctx": 32768},
    }


async def test_hosted_ollama_key_is_sent_as_bearer(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.ok(prompt_eval_count=None))

    await make(environ={"OLLAMA_API_KEY": "ok-123"}, apiKeyEnv="OLLAMA_API_KEY").send(whole())

    assert fake.requests[0].headers["authorization"] == "Bearer ok-123"


async def test_missing_key_names_the_variable(fake: FakeServer, make: Make) -> None:
    error = await failure(make(apiKeyEnv="OLLAMA_API_KEY"))

    assert isinstance(error, errors.ConfigurationError)
    assert "OLLAMA_API_KEY" in str(error)
    assert fake.requests == []


async def test_ndjson_stream(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.stream(["Hel", "lo"], prompt_eval_count=ESTIMATE, eval_count=2))

    response = await make().send(REQUEST)

    assert (response.text, response.finish) == ("Hello", Finish.STOP)
    assert response.usage == Usage(ESTIMATE, 2)


async def test_ndjson_split_anywhere_with_blank_lines(fake: FakeServer, make: Make) -> None:
    reply = vendor.stream(["Hel", "lo"], prompt_eval_count=ESTIMATE)
    assert reply.chunks is not None
    text = "\n".join(str(c) for c in reply.chunks)  # blank lines between objects
    reply.chunks = [text[i : i + 5] for i in range(0, len(text), 5)]
    fake.script(reply)

    assert (await make().send(REQUEST)).text == "Hello"


@pytest.mark.parametrize("streamed", [True, False], ids=["stream", "whole"])
async def test_length_finish(fake: FakeServer, make: Make, streamed: bool) -> None:
    metrics: dict[str, Any] = {"done_reason": "length", "prompt_eval_count": ESTIMATE}
    fake.script(vendor.stream(["{"], **metrics) if streamed else vendor.ok("{", **metrics))

    response = await make().send(dataclasses.replace(REQUEST, stream=streamed))

    assert response.finish is Finish.LENGTH


# -- silent truncation -------------------------------------------------------------------------


@pytest.mark.parametrize("streamed", [True, False], ids=["stream", "whole"])
async def test_silent_truncation_is_a_context_overflow(
    fake: FakeServer, make: Make, streamed: bool
) -> None:
    fake.script(vendor.truncated(prompt_eval_count=40, streamed=streamed))

    error = await failure(make(), dataclasses.replace(REQUEST, stream=streamed))

    assert isinstance(error, errors.ContextOverflow)
    assert not error.retryable
    assert str(error) == (
        f"ollama:{vendor.MODEL}: ollama truncated the prompt: it evaluated 40 tokens of about "
        f"{ESTIMATE} sent; raise contextWindow"
    )


@pytest.mark.parametrize(
    ("request_", "count"),
    [
        pytest.param(REQUEST, None, id="count-missing"),
        pytest.param(REQUEST, 0, id="count-zero"),
        pytest.param(REQUEST, ESTIMATE // 2 + 1, id="half-or-more"),
        pytest.param(dataclasses.replace(REQUEST, user="x = 1"), 3, id="tiny-prompt"),
    ],
)
async def test_no_truncation_claim_without_evidence(
    fake: FakeServer, make: Make, request_: LLMRequest, count: int | None
) -> None:
    fake.script(vendor.ok("{}", prompt_eval_count=count))

    response = await make().send(dataclasses.replace(request_, stream=False))

    assert response.text == "{}"


# -- failures ----------------------------------------------------------------------------------


async def test_stream_without_done_is_truncated(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.stream(["a", "b"], terminal=False))

    error = await failure(make())

    assert isinstance(error, errors.Truncated)
    assert error.retryable


async def test_connection_cut_mid_stream_is_truncated(fake: FakeServer, make: Make) -> None:
    fake.script(dataclasses.replace(vendor.stream(["a", "b", "c"]), cut_after=2))

    assert isinstance(await failure(make()), errors.Truncated)


async def test_mid_stream_error_line(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.mid_stream_error())

    error = await failure(make())

    assert isinstance(error, errors.ServerError)
    assert error.retryable
    assert "an error was encountered while running the model" in str(error)


@pytest.mark.parametrize("streamed", [True, False], ids=["stream", "whole"])
async def test_malformed_json(fake: FakeServer, make: Make, streamed: bool) -> None:
    broken = Reply(chunks=['{"model": \n'], content_type="application/x-ndjson")
    fake.script(broken if streamed else vendor.malformed_json())

    error = await failure(make(), dataclasses.replace(REQUEST, stream=streamed))

    assert isinstance(error, errors.ServerError)
    assert "malformed JSON" in str(error)


ERRORS = [
    pytest.param(
        vendor.error(400, "invalid character '}' looking for beginning of value"),
        errors.InvalidRequest,
        False,
        id="400",
    ),
    pytest.param(vendor.context_error(), errors.ContextOverflow, False, id="400-context"),
    pytest.param(vendor.error(401, "unauthorized"), errors.AuthError, False, id="401"),
    pytest.param(vendor.not_found(), errors.ModelNotFound, False, id="404"),
    pytest.param(vendor.error(429, "too many requests"), errors.RateLimited, True, id="429"),
    pytest.param(
        vendor.error(500, "llama runner process has terminated: exit status 2"),
        errors.ServerError,
        True,
        id="500",
    ),
    pytest.param(vendor.error(502, "cloud model unreachable"), errors.ServerError, True, id="502"),
    pytest.param(vendor.busy(), errors.Overloaded, True, id="503"),
]


@pytest.mark.parametrize(("reply", "expected", "retryable"), ERRORS)
@pytest.mark.parametrize("streamed", [True, False], ids=["stream", "whole"])
async def test_http_errors(
    fake: FakeServer,
    make: Make,
    reply: Reply,
    expected: type[errors.LLMError],
    retryable: bool,
    streamed: bool,
) -> None:
    fake.script(reply)

    error = await failure(make(), dataclasses.replace(REQUEST, stream=streamed))

    assert type(error) is expected
    assert error.retryable is retryable
    assert error.status == reply.status


async def test_not_found_says_how_to_fix_it(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.not_found())

    error = await failure(make())

    assert str(error) == (
        f"ollama:{vendor.MODEL}: model '{vendor.MODEL}' not found; pull it with "
        f"`ollama pull {vendor.MODEL}` (HTTP 404)"
    )


async def test_rate_limit_hint_is_read(fake: FakeServer, make: Make) -> None:
    fake.script(Reply(429, {"retry-after": "3"}, {"error": "rate limited"}))

    error = await failure(make())

    assert (type(error), error.retry_after) == (errors.RateLimited, 3.0)


async def test_x_should_retry_false_on_a_500(fake: FakeServer, make: Make) -> None:
    fake.script(Reply(500, {"x-should-retry": "false"}, {"error": "boom"}))

    assert not (await failure(make())).retryable


async def test_echoed_key_never_reaches_the_message(fake: FakeServer, make: Make) -> None:
    key = "ollama-secret-key-42"
    fake.script(vendor.error(401, f"invalid key {key}"))

    error = await failure(make(environ={"OLLAMA_API_KEY": key}, apiKeyEnv="OLLAMA_API_KEY"))

    assert isinstance(error, errors.AuthError)
    assert key not in str(error)


async def test_first_byte_timeout(fake: FakeServer, make: Make) -> None:
    fake.script(dataclasses.replace(vendor.ok(), first_byte_delay=10.0))

    error = await failure(make(timeouts=FAST), whole())

    assert isinstance(error, errors.ProviderTimeout)
    assert fake.wait_until(lambda: fake.requests[0].disconnected)


async def test_idle_timeout_between_lines(fake: FakeServer, make: Make) -> None:
    fake.script(dataclasses.replace(vendor.stream(["a", "b"]), chunk_delay=10.0))

    error = await failure(make(timeouts=FAST))

    assert isinstance(error, errors.ProviderTimeout)
    assert fake.wait_until(lambda: fake.requests[0].disconnected)


# -- detection ---------------------------------------------------------------------------------


async def test_detect_lists_the_models(fake: FakeServer) -> None:
    fake.script(vendor.tags(["qwen2.5-coder:7b", "llama3.2:latest"]))

    assert await detect_ollama(fake.url) == ["qwen2.5-coder:7b", "llama3.2:latest"]
    assert fake.requests[0].method == "GET"
    assert fake.requests[0].path == "/api/tags"


async def test_detect_with_a_given_client(fake: FakeServer) -> None:
    import httpx

    fake.script(vendor.tags([]))
    async with httpx.AsyncClient() as client:
        assert await detect_ollama(fake.url, client=client) == []


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(Reply(hang=True), id="silent"),
        pytest.param(Reply(404, body="404 page not found", content_type="text/plain"), id="404"),
        pytest.param(Reply(200, body={"object": "list", "data": []}), id="not-ollama"),
        pytest.param(Reply(200, body="<html></html>", content_type="text/html"), id="html"),
    ],
)
async def test_detect_is_none_for_anything_else(fake: FakeServer, reply: Reply) -> None:
    fake.script(reply)

    assert await detect_ollama(fake.url, timeout=0.2) is None


async def test_detect_is_none_when_nothing_listens() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the probe below

    assert await detect_ollama(f"http://127.0.0.1:{port}") is None


def test_detect_imports_no_http_client_when_nothing_listens() -> None:
    """The server probes for Ollama at every start: when nothing listens, httpx (about
    9 MB of memory) stays unloaded."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = (
        "import asyncio, sys\n"
        "from peer_lsp.llm.providers.ollama import detect_ollama\n"
        f"found = asyncio.run(detect_ollama('http://127.0.0.1:{port}'))\n"
        "print(found, 'httpx' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k.lower() not in _PROXIES}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == ["None", "False"]


async def test_listening_tells_an_open_port_from_a_closed_one(fake: FakeServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]

    assert await _listening(fake.url)
    assert not await _listening(f"http://127.0.0.1:{closed}")
    assert not await _listening("http://")


async def test_listening_leaves_a_proxied_url_to_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a proxy variable set, only httpx (which goes through the proxy) can tell."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")

    assert await _listening(f"http://127.0.0.1:{closed}")
