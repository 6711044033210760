"""The Gemini adapter against a real local HTTP server speaking ``generateContent``."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fakes import gemini as vendor
from fakes.server import FakeServer, Reply

from peer_lsp.llm import errors
from peer_lsp.llm.config import parse_provider
from peer_lsp.llm.providers.base import JSON_ONLY
from peer_lsp.llm.providers.gemini import GeminiProvider
from peer_lsp.llm.types import Finish, LLMRequest, Usage

KEY = "AIzaSyTest0123456789abcdefghijklmnop"
ENV = {"GEMINI_API_KEY": KEY}
REQUEST = LLMRequest(system="You review code.", user="def f():\n    return 1\n", max_tokens=512)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"findings": {"type": "array"}},
    "required": ["findings"],
}
Make = Callable[..., GeminiProvider]
GENERATE = f"/models/{vendor.MODEL}:generateContent"
STREAM = f"/models/{vendor.MODEL}:streamGenerateContent"


@pytest.fixture
async def make(fake: FakeServer) -> AsyncIterator[Make]:
    """Providers for the fake, configured with overrides; closed after the test."""
    made: list[GeminiProvider] = []

    def build(environ: dict[str, str] | None = None, **overrides: Any) -> GeminiProvider:
        raw = {"preset": "gemini", "model": vendor.MODEL, "baseUrl": fake.url, **overrides}
        env = ENV if environ is None else environ
        provider = GeminiProvider(parse_provider(raw, 0), environ=env)
        made.append(provider)
        return provider

    yield build
    for provider in made:
        await provider.aclose()


def whole(**changes: Any) -> LLMRequest:
    return dataclasses.replace(REQUEST, stream=False, **changes)


async def failure(provider: GeminiProvider, request: LLMRequest = REQUEST) -> errors.LLMError:
    with pytest.raises(errors.LLMError) as caught:
        await provider.send(request)
    return caught.value


def sse_reply(*payloads: Any) -> Reply:
    return vendor.sse_reply([vendor.sse(payload) for payload in payloads])


# -- requests and answers ----------------------------------------------------------------------


async def test_whole_answer_and_the_exact_request(fake: FakeServer, make: Make) -> None:
    usage = vendor.counts(prompt=20, candidates=6, thoughts=4, cached=8)
    fake.script(vendor.ok('{"findings": []}', thought="Let me think.", usage=usage))

    response = await make().send(whole(temperature=0.2))

    assert (response.text, response.finish) == ('{"findings": []}', Finish.STOP)
    assert response.usage == Usage(20, 10, cached_input_tokens=8, reasoning_tokens=4)
    assert (response.model, response.request_id) == (vendor.MODEL, vendor.RESPONSE_ID)
    [received] = fake.requests
    assert (received.method, received.path, received.query) == ("POST", GENERATE, {})
    assert received.headers["x-goog-api-key"] == KEY
    assert received.headers["content-type"] == "application/json"
    assert received.json == {
        "contents": [{"role": "user", "parts": [{"text": REQUEST.user}]}],
        "systemInstruction": {"parts": [{"text": "You review code."}]},
        "generationConfig": {"temperature": 0.2, "maxOutputTokens": 512},
    }


async def test_schema_goes_in_generation_config(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.ok())

    await make().send(whole(json_schema=SCHEMA))

    body = fake.requests[0].json
    assert body["generationConfig"] == {
        "temperature": 0.0,
        "maxOutputTokens": 512,
        "responseMimeType": "application/json",
        "responseJsonSchema": SCHEMA,
    }
    assert body["systemInstruction"] == {"parts": [{"text": REQUEST.system}]}


@pytest.mark.parametrize(("mode", "mime"), [("json", True), ("none", False)])
async def test_without_schema_support_the_instruction_asks_for_json(
    fake: FakeServer, make: Make, mode: str, mime: bool
) -> None:
    fake.script(vendor.ok())

    await make(structured=mode).send(whole(json_schema=SCHEMA))

    body = fake.requests[0].json
    assert "responseJsonSchema" not in body["generationConfig"]
    assert ("responseMimeType" in body["generationConfig"]) is mime
    system = body["systemInstruction"]["parts"][0]["text"]
    assert system.startswith(f"{REQUEST.system}\n\n{JSON_ONLY.split('{')[0]}")
    assert '"required":["findings"]' in system


async def test_a_models_prefix_in_the_name_is_not_doubled(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.ok())

    await make(model=f"models/{vendor.MODEL}").send(whole())

    assert fake.requests[0].path == GENERATE


@pytest.mark.parametrize(
    ("reason", "finish"),
    [
        ("STOP", Finish.STOP),
        ("MAX_TOKENS", Finish.LENGTH),
        ("SAFETY", Finish.CONTENT_FILTER),
        ("RECITATION", Finish.CONTENT_FILTER),
        ("BLOCKLIST", Finish.CONTENT_FILTER),
        ("PROHIBITED_CONTENT", Finish.CONTENT_FILTER),
        ("SPII", Finish.CONTENT_FILTER),
        ("LANGUAGE", Finish.OTHER),
        ("MALFORMED_FUNCTION_CALL", Finish.OTHER),
        ("FINISH_REASON_UNSPECIFIED", Finish.OTHER),
    ],
)
async def test_finish_reasons(fake: FakeServer, make: Make, reason: str, finish: Finish) -> None:
    fake.script(vendor.ok("partial", finish=reason))

    response = await make().send(whole())

    assert response.finish is finish


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_thinking_that_eats_the_cap_is_length_not_stop(
    fake: FakeServer, make: Make, stream: bool
) -> None:
    empty = vendor.max_tokens_empty(cap=64)
    fake.script(sse_reply(empty.body) if stream else empty)

    response = await make().send(dataclasses.replace(REQUEST, stream=stream))

    assert (response.text, response.finish) == ("", Finish.LENGTH)
    assert response.usage == Usage(20, 64, reasoning_tokens=64)


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_blocked_prompt_is_refused(fake: FakeServer, make: Make, stream: bool) -> None:
    blocked = vendor.blocked_prompt("PROHIBITED_CONTENT")
    fake.script(sse_reply(blocked.body) if stream else blocked)

    error = await failure(make(), dataclasses.replace(REQUEST, stream=stream))

    assert isinstance(error, errors.Refused)
    assert not error.retryable
    assert "PROHIBITED_CONTENT" in str(error)


async def test_no_candidates_and_no_block_reason(fake: FakeServer, make: Make) -> None:
    fake.script(Reply(200, body={"usageMetadata": vendor.counts(), "modelVersion": "m"}))

    assert isinstance(await failure(make(), whole()), errors.ServerError)


# -- streaming ---------------------------------------------------------------------------------


async def test_stream_in_the_exact_wire_format(fake: FakeServer, make: Make) -> None:
    final = vendor.counts(prompt=20, candidates=7, thoughts=3)
    fake.script(vendor.stream(['{"find', 'ings": ', "[]}"], usage=final))

    response = await make().send(dataclasses.replace(REQUEST, json_schema=SCHEMA))

    assert (response.text, response.finish) == ('{"findings": []}', Finish.STOP)
    assert response.usage == Usage(20, 10, reasoning_tokens=3)
    assert (response.model, response.request_id) == (vendor.MODEL, vendor.RESPONSE_ID)
    [received] = fake.requests
    assert (received.path, received.query) == (STREAM, {"alt": ["sse"]})
    assert received.headers["x-goog-api-key"] == KEY
    assert received.json["generationConfig"]["responseJsonSchema"] == SCHEMA


async def test_stream_split_at_arbitrary_points(fake: FakeServer, make: Make) -> None:
    wire = "".join(vendor.stream_chunks(["héllo ", "wörld"], finish="MAX_TOKENS"))
    pieces = [wire[i : i + 7] for i in range(0, len(wire), 7)]
    fake.script(vendor.sse_reply(pieces))

    response = await make().send(REQUEST)

    assert (response.text, response.finish) == ("héllo wörld", Finish.LENGTH)


async def test_stream_without_finish_reason_is_truncated(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.stream_cut(["half an ", "answ"]))

    error = await failure(make())

    assert isinstance(error, errors.Truncated)
    assert error.retryable


async def test_connection_cut_mid_stream_is_truncated(fake: FakeServer, make: Make) -> None:
    cut = vendor.stream(["a", "b", "c"])
    cut.cut_after = 2
    fake.script(cut)

    assert isinstance(await failure(make()), errors.Truncated)


async def test_error_chunk_after_a_200_is_classified(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.mid_stream_error(["par"]))

    error = await failure(make())

    assert isinstance(error, errors.Overloaded)
    assert error.retryable


async def test_malformed_json(fake: FakeServer, make: Make) -> None:
    fake.script(
        Reply(200, body="{not json"),
        vendor.sse_reply(["data: {oops\r\n\r\n"]),
    )
    provider = make()

    assert isinstance(await failure(provider, whole()), errors.ServerError)
    assert isinstance(await failure(provider), errors.ServerError)


# -- timeouts ----------------------------------------------------------------------------------


async def test_no_first_byte_in_time(fake: FakeServer, make: Make) -> None:
    late = vendor.ok()
    late.first_byte_delay = 5.0
    fake.script(late)

    error = await failure(make(timeouts={"first_byte": 0.2}), whole())

    assert isinstance(error, errors.ProviderTimeout)
    assert error.retryable
    assert await asyncio.to_thread(fake.wait_until, lambda: fake.requests[0].disconnected)


async def test_stream_going_silent(fake: FakeServer, make: Make) -> None:
    slow = vendor.stream(["a", "b"])
    slow.chunk_delay = 5.0
    fake.script(slow)

    error = await failure(make(timeouts={"idle": 0.2}))

    assert isinstance(error, errors.ProviderTimeout)
    assert await asyncio.to_thread(fake.wait_until, lambda: fake.requests[0].disconnected)


# -- errors ------------------------------------------------------------------------------------

NO_KEY = "API key not valid. Please pass a valid API key."


@pytest.mark.parametrize(
    ("reply", "kind", "retryable", "retry_after"),
    [
        pytest.param(vendor.api_key_invalid(), errors.AuthError, False, None, id="400-bad-key"),
        pytest.param(
            vendor.error(400, "INVALID_ARGUMENT", NO_KEY), errors.AuthError, False, None,
            id="400-bad-key-message-only",
        ),
        pytest.param(
            vendor.wrapped_in_array(vendor.api_key_invalid()), errors.AuthError, False, None,
            id="400-bad-key-in-array",
        ),
        pytest.param(vendor.context_overflow(), errors.ContextOverflow, False, None, id="400-long"),
        pytest.param(
            vendor.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."),
            errors.InvalidRequest, False, None, id="400-invalid",
        ),
        pytest.param(
            vendor.error(400, "FAILED_PRECONDITION", "User location is not supported."),
            errors.AuthError, False, None, id="400-precondition",
        ),
        pytest.param(
            vendor.error(403, "PERMISSION_DENIED", "Permission denied."),
            errors.AuthError, False, None, id="403",
        ),
        pytest.param(
            vendor.error(404, "NOT_FOUND", "models/gemini-nope is not found"),
            errors.ModelNotFound, False, None, id="404",
        ),
        pytest.param(vendor.rate_limited("34s"), errors.RateLimited, True, 34.0, id="429"),
        pytest.param(vendor.rate_limited("1.5s"), errors.RateLimited, True, 1.5, id="429-frac"),
        pytest.param(
            vendor.wrapped_in_array(vendor.rate_limited("34s")), errors.RateLimited, True, 34.0,
            id="429-in-array",
        ),
        pytest.param(
            vendor.error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted."),
            errors.RateLimited, True, None, id="429-no-details",
        ),
        pytest.param(vendor.daily_quota(), errors.QuotaExhausted, False, None, id="429-per-day"),
        pytest.param(
            vendor.error(500, "INTERNAL", "An internal error has occurred."),
            errors.ServerError, True, None, id="500",
        ),
        pytest.param(
            vendor.error(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
            errors.Overloaded, True, None, id="503",
        ),
        pytest.param(
            vendor.error(504, "DEADLINE_EXCEEDED", "Deadline exceeded."),
            errors.ProviderTimeout, True, None, id="504",
        ),
        pytest.param(
            Reply(502, body="<html>Bad gateway</html>", content_type="text/html"),
            errors.ServerError, True, None, id="502-html",
        ),
    ],
)  # fmt: skip
async def test_error_classes(
    fake: FakeServer,
    make: Make,
    reply: Reply,
    kind: type[errors.LLMError],
    retryable: bool,
    retry_after: float | None,
) -> None:
    fake.script(reply)

    error = await failure(make(), whole())

    assert type(error) is kind
    assert (error.retryable, error.retry_after, error.status) == (
        retryable,
        retry_after,
        reply.status,
    )
    assert error.provider == f"gemini:{vendor.MODEL}"


async def test_error_message_names_the_rpc_status(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.context_overflow(1_200_000, 1_048_576))

    error = await failure(make(), whole())

    assert str(error) == (
        f"gemini:{vendor.MODEL}: INVALID_ARGUMENT: The input token count (1200000) exceeds the "
        "maximum number of tokens allowed (1048576). (HTTP 400)"
    )


async def test_missing_key_names_the_variable(fake: FakeServer, make: Make) -> None:
    error = await failure(make(environ={}))

    assert isinstance(error, errors.ConfigurationError)
    assert "GEMINI_API_KEY" in str(error)
    assert fake.requests == []


@pytest.mark.parametrize("where", ["body", "stream"])
async def test_an_echoed_key_never_reaches_the_message(
    fake: FakeServer, make: Make, where: str
) -> None:
    text = f"API key not valid: {KEY}"
    if where == "body":
        fake.script(vendor.error(400, "INVALID_ARGUMENT", text))
    else:
        fake.script(vendor.mid_stream_error(["x"], 400, "INVALID_ARGUMENT", text))

    error = await failure(make())

    assert isinstance(error, errors.AuthError)
    assert KEY not in str(error)
    assert KEY not in repr(error.args)
    assert "***" in str(error)


async def test_a_key_across_the_length_cut_is_scrubbed_first(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.error(403, "PERMISSION_DENIED", "x" * 290 + KEY))

    error = await failure(make())

    assert KEY[:8] not in str(error)
