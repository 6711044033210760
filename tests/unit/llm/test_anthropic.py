"""The Anthropic adapter against a real local HTTP server speaking the Messages API."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fakes import anthropic as vendor
from fakes.server import FakeServer, Reply

from peer_lsp.llm import errors
from peer_lsp.llm.config import parse_provider
from peer_lsp.llm.providers.anthropic import AnthropicProvider
from peer_lsp.llm.providers.base import JSON_ONLY
from peer_lsp.llm.types import Finish, LLMRequest, Usage

KEY = "sk-ant-test-0123456789abcdef"
ENV = {"ANTHROPIC_API_KEY": KEY}
REQUEST = LLMRequest(system="You review code.", user="def f():\n    return 1\n", max_tokens=512)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"findings": {"type": "array"}},
    "required": ["findings"],
    "additionalProperties": False,
}
Make = Callable[..., AnthropicProvider]


@pytest.fixture
async def make(fake: FakeServer) -> AsyncIterator[Make]:
    """Providers for the fake, configured with overrides; closed after the test."""
    made: list[AnthropicProvider] = []

    def build(environ: dict[str, str] | None = None, **overrides: Any) -> AnthropicProvider:
        raw = {"preset": "anthropic", "model": vendor.MODEL, "baseUrl": fake.url, **overrides}
        provider = AnthropicProvider(
            parse_provider(raw, 0), environ=ENV if environ is None else environ
        )
        made.append(provider)
        return provider

    yield build
    for provider in made:
        await provider.aclose()


def whole(**changes: Any) -> LLMRequest:
    return dataclasses.replace(REQUEST, stream=False, **changes)


async def failure(provider: AnthropicProvider, request: LLMRequest = REQUEST) -> errors.LLMError:
    with pytest.raises(errors.LLMError) as caught:
        await provider.send(request)
    return caught.value


# -- requests and answers ----------------------------------------------------------------------


async def test_whole_answer_and_the_exact_request(fake: FakeServer, make: Make) -> None:
    usage = vendor.counts(10, 5, cache_write=3, cache_read=4)
    fake.script(vendor.ok('{"findings": []}', usage=usage))

    response = await make().send(whole(temperature=0.2))

    assert (response.text, response.finish) == ('{"findings": []}', Finish.STOP)
    assert response.usage == Usage(input_tokens=17, output_tokens=5, cached_input_tokens=4)
    assert (response.model, response.request_id) == (vendor.MODEL, vendor.REQUEST_ID)
    assert response.provider == f"anthropic:{vendor.MODEL}"
    [received] = fake.requests
    assert (received.method, received.path) == ("POST", "/v1/messages")
    assert received.headers["x-api-key"] == KEY
    assert received.headers["anthropic-version"] == "2023-06-01"
    assert received.headers["content-type"] == "application/json"
    assert received.json == {
        "model": vendor.MODEL,
        "max_tokens": 512,
        "system": "You review code.",
        "messages": [{"role": "user", "content": REQUEST.user}],
        "temperature": 0.2,
        "stream": False,
    }


async def test_schema_goes_in_output_config_never_a_prefill(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.ok())

    await make().send(whole(json_schema=SCHEMA))

    body = fake.requests[0].json
    assert body["output_config"] == {"format": {"type": "json_schema", "schema": SCHEMA}}
    assert body["system"] == REQUEST.system
    assert body["messages"] == [{"role": "user", "content": REQUEST.user}]


@pytest.mark.parametrize("mode", ["json", "none"])
async def test_without_schema_support_the_system_prompt_asks_for_json(
    fake: FakeServer, make: Make, mode: str
) -> None:
    fake.script(vendor.ok())

    await make(structured=mode).send(whole(json_schema=SCHEMA))

    body = fake.requests[0].json
    assert "output_config" not in body
    assert body["system"].startswith(f"{REQUEST.system}\n\n{JSON_ONLY.split('{')[0]}")
    assert '"required":["findings"]' in body["system"]
    assert [m["role"] for m in body["messages"]] == ["user"]


async def test_without_a_request_id_header_the_message_id_stands_in(
    fake: FakeServer, make: Make
) -> None:
    fake.script(Reply(200, body=vendor.message()))

    response = await make().send(whole())

    assert response.request_id == vendor.MESSAGE_ID


async def test_temperature_is_kept_within_anthropics_range(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.ok())

    await make().send(whole(temperature=1.7))

    assert fake.requests[0].json["temperature"] == 1.0


@pytest.mark.parametrize(
    ("stop_reason", "finish"),
    [
        ("end_turn", Finish.STOP),
        ("stop_sequence", Finish.STOP),
        ("max_tokens", Finish.LENGTH),
        ("model_context_window_exceeded", Finish.LENGTH),
        ("refusal", Finish.REFUSAL),
        ("tool_use", Finish.TOOL_USE),
        ("pause_turn", Finish.OTHER),
    ],
)
async def test_stop_reasons(fake: FakeServer, make: Make, stop_reason: str, finish: Finish) -> None:
    fake.script(vendor.ok("partial", stop_reason=stop_reason))

    response = await make().send(whole())

    assert response.finish is finish


async def test_only_text_blocks_make_the_text(fake: FakeServer, make: Make) -> None:
    body = vendor.message("", stop_reason="tool_use")
    body["content"] = [
        {"type": "thinking", "thinking": "hmm", "signature": "sig"},
        {"type": "text", "text": "one "},
        {"type": "tool_use", "id": "toolu_1", "name": "report", "input": {}},
        {"type": "text", "text": "two"},
    ]
    fake.script(Reply(200, headers=vendor.headers(), body=body))

    response = await make().send(whole())

    assert (response.text, response.finish) == ("one two", Finish.TOOL_USE)


# -- streaming ---------------------------------------------------------------------------------


async def test_stream_in_the_exact_wire_format(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.stream(['{"find', 'ings": []}'], output_tokens=9, cache_read=2))

    response = await make().send(dataclasses.replace(REQUEST, json_schema=SCHEMA))

    assert (response.text, response.finish) == ('{"findings": []}', Finish.STOP)
    assert response.usage == Usage(input_tokens=14, output_tokens=9, cached_input_tokens=2)
    assert (response.model, response.request_id) == (vendor.MODEL, vendor.REQUEST_ID)
    body = fake.requests[0].json
    assert body["stream"] is True
    assert body["output_config"]["format"]["schema"] == SCHEMA


async def test_stream_split_at_arbitrary_points(fake: FakeServer, make: Make) -> None:
    wire = "".join(vendor.stream_events(["héllo ", "wörld"], stop_reason="max_tokens"))
    pieces = [wire[i : i + 7] for i in range(0, len(wire), 7)]
    fake.script(vendor.sse_reply(pieces))

    response = await make().send(REQUEST)

    assert (response.text, response.finish) == ("héllo wörld", Finish.LENGTH)


async def test_stream_takes_cumulative_usage_from_message_delta(
    fake: FakeServer, make: Make
) -> None:
    events = vendor.stream_events(["x"], input_tokens=3)
    late = {"input_tokens": 30, "cache_read_input_tokens": 5, "output_tokens": 7}
    delta = {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": late}
    events[-2] = vendor.sse("message_delta", delta)
    fake.script(vendor.sse_reply(events))

    response = await make().send(REQUEST)

    assert response.usage == Usage(input_tokens=35, output_tokens=7, cached_input_tokens=5)


async def test_error_event_after_a_200_is_classified(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.mid_stream_error(["partial"]))

    error = await failure(make())

    assert isinstance(error, errors.Overloaded)
    assert (error.retryable, error.status) == (True, None)
    assert "overloaded_error" in str(error)


async def test_stream_without_message_stop_is_truncated(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.stream_cut(["half an answ"]))

    error = await failure(make())

    assert isinstance(error, errors.Truncated)
    assert error.retryable


@pytest.mark.parametrize(
    ("stream", "chunks"),
    [
        pytest.param(True, vendor.stream_events(["a", "b", "c"]), id="stream"),
        pytest.param(False, ['{"id": "msg_1", "type": "mess', 'age"}'], id="whole"),
    ],
)
async def test_connection_cut_mid_answer_is_truncated(
    fake: FakeServer, make: Make, stream: bool, chunks: list[str | bytes]
) -> None:
    fake.script(Reply(200, chunks=chunks, cut_after=len(chunks) - 1))

    error = await failure(make(), dataclasses.replace(REQUEST, stream=stream))

    assert isinstance(error, errors.Truncated)


async def test_malformed_json(fake: FakeServer, make: Make) -> None:
    fake.script(
        Reply(200, body="{not json"),
        vendor.sse_reply(["event: message_start\ndata: {oops\n\n"]),
    )
    provider = make()

    assert isinstance(await failure(provider, whole()), errors.ServerError)
    assert isinstance(await failure(provider), errors.ServerError)


# -- timeouts ----------------------------------------------------------------------------------


async def test_no_first_byte_in_time(fake: FakeServer, make: Make) -> None:
    fake.script(Reply(hang=True))

    error = await failure(make(timeouts={"first_byte": 0.2}))

    assert isinstance(error, errors.ProviderTimeout)
    assert error.retryable
    assert await asyncio.to_thread(fake.wait_until, lambda: fake.requests[0].disconnected)


async def test_stream_going_silent(fake: FakeServer, make: Make) -> None:
    slow = vendor.stream(["a", "b"])
    slow.chunk_delay = 5.0
    fake.script(slow)

    error = await failure(make(timeouts={"idle": 0.2}))

    assert isinstance(error, errors.ProviderTimeout)
    assert "silent" in str(error)
    assert await asyncio.to_thread(fake.wait_until, lambda: fake.requests[0].disconnected)


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "kind", "retryable", "retry_after"),
    [
        pytest.param(
            vendor.error(400, "invalid_request_error", "messages: field required"),
            errors.InvalidRequest, False, None, id="400-invalid",
        ),
        pytest.param(vendor.context_overflow(), errors.ContextOverflow, False, None, id="400-long"),
        pytest.param(
            vendor.error(400, "invalid_request_error", "prompt: length must be at most 200000"),
            errors.ContextOverflow, False, None, id="400-length",
        ),
        pytest.param(vendor.auth_error(), errors.AuthError, False, None, id="401"),
        pytest.param(
            vendor.error(402, "billing_error", "Your credit balance is too low."),
            errors.QuotaExhausted, False, None, id="402",
        ),
        pytest.param(
            vendor.error(403, "permission_error", "Your API key does not have permission."),
            errors.AuthError, False, None, id="403",
        ),
        pytest.param(
            vendor.error(404, "not_found_error", "model: claude-nope"),
            errors.ModelNotFound, False, None, id="404",
        ),
        pytest.param(
            vendor.error(413, "request_too_large", "Request exceeds the maximum size"),
            errors.ContextOverflow, False, None, id="413",
        ),
        pytest.param(vendor.rate_limited(7), errors.RateLimited, True, 7.0, id="429"),
        pytest.param(
            vendor.error(500, "api_error", "Internal server error"),
            errors.ServerError, True, None, id="500",
        ),
        pytest.param(
            vendor.error(500, "api_error", "Internal error", extra={"x-should-retry": "false"}),
            errors.ServerError, False, None, id="500-should-not-retry",
        ),
        pytest.param(
            vendor.error(504, "timeout_error", "Request timed out"),
            errors.ProviderTimeout, True, None, id="504",
        ),
        pytest.param(vendor.overloaded_529(), errors.Overloaded, True, None, id="529"),
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
    assert error.provider == f"anthropic:{vendor.MODEL}"


async def test_error_message_names_type_and_request(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.context_overflow(210_000, 200_000))

    error = await failure(make(), whole())

    assert str(error) == (
        f"anthropic:{vendor.MODEL}: invalid_request_error: prompt is too long: "
        f"210000 tokens > 200000 maximum (request {vendor.REQUEST_ID}) (HTTP 400)"
    )


async def test_missing_key_names_the_variable(fake: FakeServer, make: Make) -> None:
    error = await failure(make(environ={}))

    assert isinstance(error, errors.ConfigurationError)
    assert "ANTHROPIC_API_KEY" in str(error)
    assert fake.requests == []


@pytest.mark.parametrize("where", ["body", "stream"])
async def test_an_echoed_key_never_reaches_the_message(
    fake: FakeServer, make: Make, where: str
) -> None:
    text = f"invalid x-api-key: {KEY}"
    if where == "body":
        fake.script(vendor.error(401, "authentication_error", text))
    else:
        fake.script(vendor.mid_stream_error(["x"], "authentication_error", text))

    error = await failure(make())

    assert isinstance(error, errors.AuthError)
    assert KEY not in str(error)
    assert KEY not in repr(error.args)
    assert "***" in str(error)


async def test_a_key_across_the_length_cut_is_scrubbed_first(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.error(401, "authentication_error", "x" * 290 + KEY))

    error = await failure(make())

    assert KEY[:8] not in str(error)
