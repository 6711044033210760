"""The OpenAI-compatible adapter against a real local HTTP server speaking Chat Completions."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fakes import openai as vendor
from fakes.server import FakeServer, Reply

from peer_lsp.llm import errors
from peer_lsp.llm.config import parse_provider
from peer_lsp.llm.providers.base import JSON_ONLY
from peer_lsp.llm.providers.openai_compat import OpenAICompatProvider
from peer_lsp.llm.types import Finish, LLMRequest, Usage

KEY = "sk-test-0123456789abcdef"
ENV = {"OPENAI_API_KEY": KEY}
REQUEST = LLMRequest(system="You review code.", user="def f():\n    return 1\n", max_tokens=512)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"findings": {"type": "array"}},
    "required": ["findings"],
}
INSTRUCTED = "You review code.\n\n" + JSON_ONLY.format(
    schema=json.dumps(SCHEMA, separators=(",", ":"))
)
FAST = {"connect": 1.0, "first_byte": 0.2, "idle": 0.2}
Make = Callable[..., OpenAICompatProvider]


@pytest.fixture
async def make(fake: FakeServer) -> AsyncIterator[Make]:
    """Providers for the fake (at ``/v1``), configured with overrides; closed after the test."""
    made: list[OpenAICompatProvider] = []

    def build(environ: dict[str, str] | None = None, **overrides: Any) -> OpenAICompatProvider:
        raw = {"preset": "openai", "model": vendor.MODEL, "baseUrl": f"{fake.url}/v1", **overrides}
        provider = OpenAICompatProvider(
            parse_provider(raw, 0), environ=ENV if environ is None else environ
        )
        made.append(provider)
        return provider

    yield build
    for provider in made:
        await provider.aclose()


def whole(**changes: Any) -> LLMRequest:
    return dataclasses.replace(REQUEST, stream=False, **changes)


async def failure(provider: OpenAICompatProvider, request: LLMRequest = REQUEST) -> errors.LLMError:
    with pytest.raises(errors.LLMError) as caught:
        await provider.send(request)
    return caught.value


# -- requests and answers ----------------------------------------------------------------------


async def test_whole_answer_and_the_request_that_asked_for_it(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.ok("hello", prompt=12, completion=5, cached=4, reasoning=2))

    response = await make().send(whole())

    assert (response.text, response.finish) == ("hello", Finish.STOP)
    assert response.usage == Usage(12, 5, 4, 2)
    assert (response.model, response.request_id) == (vendor.MODEL, vendor.REQUEST_ID)
    sent = fake.requests[0]
    assert (sent.method, sent.path) == ("POST", "/v1/chat/completions")
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.json == {
        "model": vendor.MODEL,
        "messages": [
            {"role": "system", "content": "You review code."},
            {"role": "user", "content": REQUEST.user},
        ],
        "temperature": 0.0,
        "max_completion_tokens": 512,
        "stream": False,
    }


@pytest.mark.parametrize(
    ("structured", "system", "response_format"),
    [
        pytest.param(
            "schema",
            "You review code.",
            {
                "type": "json_schema",
                "json_schema": {"name": "review_v2", "schema": SCHEMA, "strict": False},
            },
            id="schema",
        ),
        pytest.param("json", INSTRUCTED, {"type": "json_object"}, id="json"),
        pytest.param("none", INSTRUCTED, None, id="none"),
    ],
)
async def test_structured_output_per_mode(
    fake: FakeServer,
    make: Make,
    structured: str,
    system: str,
    response_format: dict[str, Any] | None,
) -> None:
    fake.script(vendor.stream(["{}"]))

    await make(structured=structured).send(
        dataclasses.replace(REQUEST, json_schema=SCHEMA, schema_name="review v2")
    )

    body = fake.requests[0].json
    expected = {
        "model": vendor.MODEL,
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": REQUEST.user},
        ],
        "temperature": 0.0,
        "max_completion_tokens": 512,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if response_format is not None:
        expected["response_format"] = response_format
    assert body == expected
    if structured == "json":  # OpenAI rejects json_object unless a message says "json"
        assert "json" in body["messages"][0]["content"].lower()


async def test_compatible_server_without_key_uses_max_tokens_and_no_auth(
    fake: FakeServer, make: Make
) -> None:
    fake.script(vendor.ok())

    await make(environ={}, preset="vllm").send(whole())

    sent = fake.requests[0]
    assert "authorization" not in sent.headers
    assert sent.json["max_tokens"] == 512
    assert "max_completion_tokens" not in sent.json


async def test_leading_blank_lines_before_a_whole_body_are_fine(
    fake: FakeServer, make: Make
) -> None:
    """DeepSeek pads a queued non-streaming answer with blank lines."""
    fake.script(Reply(200, body="\n\n\n" + json.dumps(vendor.completion("late"))))

    assert (await make().send(whole())).text == "late"


# -- streams -----------------------------------------------------------------------------------


@pytest.mark.parametrize("include_usage", [True, False], ids=["usage", "no-usage"])
async def test_stream_in_wire_format(fake: FakeServer, make: Make, include_usage: bool) -> None:
    fake.script(vendor.stream(["Hel", "lo"], include_usage=include_usage, prompt=30, completion=2))

    response = await make().send(REQUEST)

    assert (response.text, response.finish) == ("Hello", Finish.STOP)
    assert response.usage == (Usage(30, 2) if include_usage else Usage())
    assert response.request_id == vendor.REQUEST_ID


async def test_stream_split_anywhere_with_crlf_lines(fake: FakeServer, make: Make) -> None:
    reply = vendor.stream(["Hel", "lo"])
    assert reply.chunks is not None
    text = "".join(str(c) for c in reply.chunks).replace("\n", "\r\n")
    reply.chunks = [text[i : i + 7] for i in range(0, len(text), 7)]
    fake.script(reply)

    assert (await make().send(REQUEST)).text == "Hello"


async def test_sse_comments_and_keep_alives_are_ignored(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.stream(["a", "b"], comments=True))

    assert (await make().send(REQUEST)).text == "ab"


async def test_groq_usage_in_x_groq(fake: FakeServer, make: Make) -> None:
    last = {**vendor.chunk({}, "stop"), "x_groq": {"usage": vendor.usage(7, 3)}}
    events = [vendor.event(vendor.chunk({"content": "ok"})), vendor.event(last)]
    fake.script(Reply(chunks=[*events, vendor.event("[DONE]")], content_type="text/event-stream"))

    assert (await make().send(REQUEST)).usage == Usage(7, 3)


@pytest.mark.parametrize("streamed", [True, False], ids=["stream", "whole"])
async def test_length_finish(fake: FakeServer, make: Make, streamed: bool) -> None:
    fake.script(vendor.stream(["{"], finish="length") if streamed else vendor.length_finish())

    response = await make().send(dataclasses.replace(REQUEST, stream=streamed))

    assert response.finish is Finish.LENGTH


async def test_refusal_whole(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.refusal("I can't help with that."))

    response = await make().send(whole())

    assert (response.finish, response.text) == (Finish.REFUSAL, "I can't help with that.")


async def test_refusal_streamed(fake: FakeServer, make: Make) -> None:
    events: list[bytes | str] = [
        vendor.event(vendor.chunk({"role": "assistant", "refusal": ""})),
        vendor.event(vendor.chunk({"refusal": "No."}, "stop")),
        vendor.event("[DONE]"),
    ]
    fake.script(Reply(chunks=events, content_type="text/event-stream"))

    response = await make().send(REQUEST)

    assert (response.finish, response.text) == (Finish.REFUSAL, "No.")


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(vendor.stream(["a"], terminal=False), id="no-done"),
        pytest.param(vendor.stream(["a"], finish=None), id="done-without-finish-reason"),
        pytest.param(dataclasses.replace(vendor.stream(["a", "b"]), cut_after=2), id="cut"),
    ],
)
async def test_truncated_stream(fake: FakeServer, make: Make, reply: Reply) -> None:
    fake.script(reply)

    error = await failure(make())

    assert isinstance(error, errors.Truncated)
    assert error.retryable
    assert error.provider == "openai:gpt-test"


async def test_mid_stream_error_is_classified(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.mid_stream_error())

    error = await failure(make())

    assert isinstance(error, errors.ServerError)
    assert error.retryable
    assert "server had an error" in str(error)
    assert error.status is None


async def test_mid_stream_rate_limit_is_classified_by_type(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.mid_stream_error(message="Slow down", type="rate_limit_exceeded"))

    assert isinstance(await failure(make()), errors.RateLimited)


@pytest.mark.parametrize(
    ("reply", "expected", "streamed"),
    [
        pytest.param(vendor.openrouter_error_in_200(), errors.ServerError, True, id="stream"),
        pytest.param(
            vendor.openrouter_error_in_200(streamed=False),
            errors.ServerError,
            False,
            id="whole-502",
        ),
        pytest.param(
            vendor.openrouter_error_in_200(streamed=False, code=429),
            errors.RateLimited,
            False,
            id="whole-429",
        ),
    ],
)
async def test_openrouter_error_inside_a_200(
    fake: FakeServer, make: Make, reply: Reply, expected: type[errors.LLMError], streamed: bool
) -> None:
    fake.script(reply)

    error = await failure(
        make(preset="openrouter", apiKeyEnv="OPENAI_API_KEY"),
        dataclasses.replace(REQUEST, stream=streamed),
    )

    assert type(error) is expected
    assert error.retryable


@pytest.mark.parametrize("streamed", [True, False], ids=["stream", "whole"])
async def test_malformed_json(fake: FakeServer, make: Make, streamed: bool) -> None:
    broken = Reply(chunks=["data: {not json\n\n"], content_type="text/event-stream")
    fake.script(broken if streamed else vendor.malformed_json())

    error = await failure(make(), dataclasses.replace(REQUEST, stream=streamed))

    assert isinstance(error, errors.ServerError)
    assert "malformed JSON" in str(error)


# -- timeouts ----------------------------------------------------------------------------------


async def test_first_byte_timeout(fake: FakeServer, make: Make) -> None:
    fake.script(dataclasses.replace(vendor.ok(), first_byte_delay=10.0))

    error = await failure(make(timeouts=FAST), whole())

    assert isinstance(error, errors.ProviderTimeout)
    assert error.retryable
    assert fake.wait_until(lambda: fake.requests[0].disconnected)


async def test_idle_timeout_between_chunks(fake: FakeServer, make: Make) -> None:
    fake.script(dataclasses.replace(vendor.stream(["a", "b"]), chunk_delay=10.0))

    error = await failure(make(timeouts=FAST))

    assert isinstance(error, errors.ProviderTimeout)
    assert "silent" in str(error)
    assert fake.wait_until(lambda: fake.requests[0].disconnected)


# -- errors ------------------------------------------------------------------------------------

ERRORS = [
    pytest.param(vendor.rate_limited("20"), errors.RateLimited, True, 20.0, id="429-retry-after"),
    pytest.param(
        vendor.rate_limited("20", retry_after_ms="1500"),
        errors.RateLimited,
        True,
        1.5,
        id="429-retry-after-ms-first",
    ),
    pytest.param(
        vendor.rate_limited(None), errors.RateLimited, True, 2.0, id="429-hint-from-reset-header"
    ),
    pytest.param(
        vendor.error(429, "requests", "rate_limit_exceeded", "Slow down."),
        errors.RateLimited,
        True,
        None,
        id="429-no-hint",
    ),
    pytest.param(
        vendor.error(
            429,
            "tokens",
            "rate_limit_exceeded",
            "Request too large for gpt-test in organization org-x on tokens per min (TPM): "
            "Limit 30000, Requested 45000.",
        ),
        errors.RateLimited,
        False,
        None,
        id="429-request-too-large",
    ),
    pytest.param(
        vendor.insufficient_quota(), errors.QuotaExhausted, False, None, id="429-insufficient-quota"
    ),
    pytest.param(vendor.auth_error(), errors.AuthError, False, None, id="401"),
    pytest.param(
        vendor.error(402, None, "invalid_request_error", "Insufficient Balance"),
        errors.QuotaExhausted,
        False,
        None,
        id="402-deepseek",
    ),
    pytest.param(
        vendor.error(403, "permission_error", None, "You are not allowed to use this model."),
        errors.AuthError,
        False,
        None,
        id="403-permission",
    ),
    pytest.param(
        vendor.error(
            403,
            None,
            403,
            "Your chosen model requires moderation and your input was flagged for self-harm",
        ),
        errors.Refused,
        False,
        None,
        id="403-openrouter-moderation",
    ),
    pytest.param(
        vendor.error(
            404,
            "invalid_request_error",
            "model_not_found",
            "The model `gpt-nope` does not exist or you do not have access to it.",
        ),
        errors.ModelNotFound,
        False,
        None,
        id="404",
    ),
    pytest.param(
        vendor.error(408, None, None, "timeout"), errors.ProviderTimeout, True, None, id="408"
    ),
    pytest.param(
        vendor.error(409, None, None, "conflict"), errors.ServerError, True, None, id="409"
    ),
    pytest.param(
        vendor.error(413, None, None, "Request Entity Too Large"),
        errors.ContextOverflow,
        False,
        None,
        id="413",
    ),
    pytest.param(
        vendor.error(422, "invalid_request_error", None, "invalid parameters"),
        errors.InvalidRequest,
        False,
        None,
        id="422",
    ),
    pytest.param(
        vendor.error(
            400,
            "invalid_request_error",
            "string_above_max_length",
            "Invalid 'user': string too long. Expected a string with maximum length 64, but "
            "got a string with length 90 instead.",
            param="user",
        ),
        errors.InvalidRequest,
        False,
        None,
        id="400-string-above-max-length-is-not-overflow",
    ),
    pytest.param(
        vendor.error(500, "server_error", None, "The server had an error."),
        errors.ServerError,
        True,
        None,
        id="500",
    ),
    pytest.param(
        Reply(502, body="<html><body>502 Bad Gateway</body></html>", content_type="text/html"),
        errors.ServerError,
        True,
        None,
        id="502-html",
    ),
    pytest.param(
        vendor.error(503, "server_error", None, "Server overloaded", retry_after="5"),
        errors.Overloaded,
        True,
        5.0,
        id="503",
    ),
    pytest.param(
        vendor.error(504, None, None, "Gateway Timeout"), errors.ServerError, True, None, id="504"
    ),
]


@pytest.mark.parametrize(("reply", "expected", "retryable", "retry_after"), ERRORS)
@pytest.mark.parametrize("streamed", [True, False], ids=["stream", "whole"])
async def test_http_errors(
    fake: FakeServer,
    make: Make,
    reply: Reply,
    expected: type[errors.LLMError],
    retryable: bool,
    retry_after: float | None,
    streamed: bool,
) -> None:
    fake.script(reply)

    error = await failure(make(), dataclasses.replace(REQUEST, stream=streamed))

    assert type(error) is expected
    assert error.retryable is retryable
    assert error.retry_after == retry_after
    assert error.status == reply.status


async def test_rejected_response_format_is_named(fake: FakeServer, make: Make) -> None:
    """The router downgrades structured mode on a 400 that names response_format."""
    fake.script(
        vendor.error(
            400,
            "invalid_request_error",
            None,
            "Invalid parameter: 'json_schema' is not supported with this model.",
            param="response_format",
        )
    )

    error = await failure(make(), dataclasses.replace(REQUEST, json_schema=SCHEMA))

    assert isinstance(error, errors.InvalidRequest)
    assert "response_format" in error.message


@pytest.mark.parametrize("variant", vendor.CONTEXT_VARIANTS)
async def test_context_overflow_in_every_server_shape(
    fake: FakeServer, make: Make, variant: str
) -> None:
    fake.script(vendor.context_overflow(variant))

    error = await failure(make(), whole())

    assert isinstance(error, errors.ContextOverflow)
    assert not error.retryable
    assert error.falls_through


@pytest.mark.parametrize(
    ("status", "verdict"), [(500, "false"), (400, "true")], ids=["500-false", "400-true"]
)
async def test_x_should_retry_overrides_the_kind(
    fake: FakeServer, make: Make, status: int, verdict: str
) -> None:
    fake.script(vendor.error(status, None, None, "nope", headers={"x-should-retry": verdict}))

    error = await failure(make())

    assert error.retryable is (verdict == "true")


async def test_missing_key_names_the_variable(fake: FakeServer, make: Make) -> None:
    error = await failure(make(environ={}))

    assert isinstance(error, errors.ConfigurationError)
    assert "OPENAI_API_KEY" in str(error)
    assert fake.requests == []


async def test_echoed_key_never_reaches_the_message(fake: FakeServer, make: Make) -> None:
    fake.script(vendor.auth_error(key_shown=KEY))

    error = await failure(make())

    assert isinstance(error, errors.AuthError)
    assert KEY not in str(error)
    assert KEY not in repr(error.args)
    assert "Incorrect API key provided" in str(error)


async def test_long_message_is_never_cut_inside_the_key(fake: FakeServer, make: Make) -> None:
    """Cutting a long message must not leave half a key that the scrubber cannot recognise."""
    words = "padding " * 60  # the key straddles the 500-character cut
    fake.script(vendor.error(401, None, None, f"{words}bad key {KEY} was sent"))

    error = await failure(make())

    assert KEY[:8] not in str(error)
    assert str(error).startswith("openai:gpt-test: padding padding")


async def test_mid_stream_error_with_a_numeric_code_uses_it(fake: FakeServer, make: Make) -> None:
    failed = {"error": {"message": "upstream rate limit", "code": 429}}
    events: list[bytes | str] = [vendor.event(vendor.chunk({"content": "a"})), vendor.event(failed)]
    fake.script(Reply(chunks=events, content_type="text/event-stream"))

    assert isinstance(await failure(make()), errors.RateLimited)


async def test_vllm_old_error_shape_mid_stream(fake: FakeServer, make: Make) -> None:
    old = {
        "object": "error",
        "message": "Internal error",
        "type": "InternalServerError",
        "code": 500,
    }
    fake.script(Reply(chunks=[vendor.event(old)], content_type="text/event-stream"))

    error = await failure(make())

    assert (type(error), error.status) == (errors.ServerError, None)
