"""`Reply` builders in the OpenAI Chat Completions wire format and its compatible servers' quirks.

Bodies, headers and stream framing follow the vendors' documentation (providers.md A.1): a
``chat.completion`` object; SSE ``data: {chunk}`` events, each closed by a blank line, ending
with ``data: [DONE]``; the error envelope ``{"error": {message, type, param, code}}`` with
``x-request-id`` and, on 429, ``retry-after`` / ``retry-after-ms``. Each builder returns a
fresh mutable `Reply`; set ``chunk_delay``, ``first_byte_delay`` or ``cut_after`` on it.
"""

from __future__ import annotations

import json
from typing import Any

from fakes.server import Reply

MODEL = "gpt-test"
REQUEST_ID = "req_0123456789abcdef"

RATE_HEADERS = {
    "x-ratelimit-limit-requests": "500",
    "x-ratelimit-remaining-requests": "499",
    "x-ratelimit-reset-requests": "120ms",
    "x-ratelimit-limit-tokens": "30000",
    "x-ratelimit-remaining-tokens": "29000",
    "x-ratelimit-reset-tokens": "2s",
}


def _headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"x-request-id": REQUEST_ID, **RATE_HEADERS, **(extra or {})}


def usage(
    prompt: int = 12, completion: int = 5, cached: int = 0, reasoning: int = 0
) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": reasoning, "audio_tokens": 0},
    }


def completion(
    text: str | None,
    *,
    finish: str = "stop",
    refusal: str | None = None,
    counts: dict[str, int] | None = None,
) -> dict[str, Any]:
    """A ``chat.completion`` object; ``counts`` are the keyword arguments of `usage`."""
    message = {"role": "assistant", "content": text, "refusal": refusal}
    return {
        "id": "chatcmpl-fake1",
        "object": "chat.completion",
        "created": 1_760_000_000,
        "model": MODEL,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": usage(**(counts or {})),
        "system_fingerprint": "fp_fake",
    }


def ok(text: str = "hello", *, finish: str = "stop", **counts: int) -> Reply:
    """A whole (non-streamed) answer."""
    return Reply(200, _headers(), completion(text, finish=finish, counts=counts))


def refusal(reason: str = "I can't help with that.") -> Reply:
    """Structured-output refusal: ``content`` null, ``refusal`` set."""
    return Reply(200, _headers(), completion(None, refusal=reason))


def length_finish(text: str = '{"findings": [') -> Reply:
    """The output cap was hit: ``finish_reason: length``."""
    return ok(text, finish="length", completion=2048)


def malformed_json() -> Reply:
    return Reply(200, _headers(), '{"id": "chatcmpl-fake1", "choices": [')


def event(payload: dict[str, Any] | str) -> str:
    """One SSE event: a ``data:`` line and the blank line that ends it."""
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return f"data: {data}\n\n"


def chunk(
    delta: dict[str, Any] | None, finish: str | None = None, *, with_usage: bool = True
) -> dict[str, Any]:
    """A ``chat.completion.chunk``; ``delta`` None gives the usage-only chunk (no choices)."""
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    body: dict[str, Any] = {
        "id": "chatcmpl-fake1",
        "object": "chat.completion.chunk",
        "created": 1_760_000_000,
        "model": MODEL,
        "system_fingerprint": "fp_fake",
        "choices": choices,
    }
    if with_usage:  # with include_usage every chunk has the key, null but on the last
        body["usage"] = None
    return body


def stream_events(
    pieces: list[str], *, include_usage: bool = True, finish: str | None = "stop", **counts: int
) -> list[bytes | str]:
    """The events of a streamed answer, without the terminal."""
    first = chunk({"role": "assistant", "content": "", "refusal": None}, with_usage=include_usage)
    events: list[bytes | str] = [event(first)]
    events += [event(chunk({"content": p}, with_usage=include_usage)) for p in pieces]
    if finish is not None:
        events.append(event(chunk({}, finish, with_usage=include_usage)))
    if include_usage:
        events.append(event({**chunk(None), "usage": usage(**counts)}))
    return events


def stream(
    pieces: list[str],
    *,
    include_usage: bool = True,
    finish: str | None = "stop",
    terminal: bool = True,
    comments: bool = False,
    **counts: int,
) -> Reply:
    """A streamed answer as OpenAI sends it.

    ``terminal=False`` leaves out ``data: [DONE]``; ``comments`` adds OpenRouter's processing
    comment first and a DeepSeek keep-alive (plus a bare blank line) between the chunks.
    """
    events = stream_events(pieces, include_usage=include_usage, finish=finish, **counts)
    if comments:
        keep_alive = ": keep-alive\n\n\n"  # a comment, then a bare blank line
        events = [": OPENROUTER PROCESSING\n\n", *(p for e in events for p in (e, keep_alive))]
    if terminal:
        events.append(event("[DONE]"))
    return Reply(200, _headers(), chunks=events, content_type="text/event-stream")


def error_body(
    message: str, type: str | None, code: str | int | None, param: str | None = None
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def error(
    status: int,
    type: str | None = "invalid_request_error",
    code: str | int | None = None,
    message: str = "Something went wrong.",
    *,
    param: str | None = None,
    retry_after: str | None = None,
    retry_after_ms: str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """An error in the OpenAI envelope, with the hint headers given."""
    extra = dict(headers or {})
    if retry_after is not None:
        extra["retry-after"] = retry_after
    if retry_after_ms is not None:
        extra["retry-after-ms"] = retry_after_ms
    return Reply(status, _headers(extra), error_body(message, type, code, param))


def rate_limited(retry_after: str | None = "20", retry_after_ms: str | None = None) -> Reply:
    return error(
        429,
        "tokens",
        "rate_limit_exceeded",
        "Rate limit reached for gpt-test in organization org-fake on tokens per min (TPM): "
        "Limit 30000, Used 29500, Requested 900. Please try again in 20s.",
        retry_after=retry_after,
        retry_after_ms=retry_after_ms,
        headers={"x-ratelimit-remaining-tokens": "0"},
    )


def insufficient_quota() -> Reply:
    """429 that is not a rate limit: the account is out of credit."""
    return error(
        429,
        "insufficient_quota",
        "insufficient_quota",
        "You exceeded your current quota, please check your plan and billing details.",
    )


def auth_error(key_shown: str = "sk-fake***1234") -> Reply:
    """401 ``invalid_api_key``; ``key_shown`` is how the server echoes the key it got."""
    return error(
        401,
        "invalid_request_error",
        "invalid_api_key",
        f"Incorrect API key provided: {key_shown}. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
    )


_OVERFLOW: dict[str, tuple[int, dict[str, Any]]] = {
    "openai": (
        400,
        error_body(
            "This model's maximum context length is 128000 tokens. However, your messages "
            "resulted in 130512 tokens. Please reduce the length of the messages.",
            "invalid_request_error",
            "context_length_exceeded",
            "messages",
        ),
    ),
    "deepseek": (
        400,
        error_body(
            "This model's maximum context length is 65536 tokens. However, you requested "
            "70000 tokens (67952 in the messages, 2048 in the completion). Please reduce the "
            "length of the messages or completion.",
            "invalid_request_error",
            "invalid_request_error",
        ),
    ),
    "vllm_new": (
        400,
        error_body(
            "'max_tokens' or 'max_completion_tokens' is too large: 2048. This model's maximum "
            "context length is 8192 tokens and your request has 7000 input tokens "
            "(2048 > 8192 - 7000).",
            "BadRequestError",
            400,
        ),
    ),
    "vllm_old": (
        400,
        {
            "object": "error",
            "message": "This model's maximum context length is 4096 tokens. However, you "
            "requested 5000 tokens (3000 in the messages, 2000 in the completion). Please "
            "reduce the length of the messages or completion.",
            "type": "BadRequestError",
            "param": None,
            "code": 400,
        },
    ),
    "llamacpp": (
        400,
        {
            "error": {
                "code": 400,
                "message": "request (9000 tokens) exceeds the available context size "
                "(8192 tokens), try increasing it",
                "type": "exceed_context_size_error",
                "n_prompt_tokens": 9000,
                "n_ctx": 8192,
            }
        },
    ),
    "together": (
        403,
        error_body(
            "Input validation error: input token count + max_tokens must be less than the "
            "context length of the model (32768). Given: 31500 input tokens and 2048 "
            "max_tokens.",
            "invalid_request_error",
            None,
        ),
    ),
}
CONTEXT_VARIANTS = tuple(_OVERFLOW)


def context_overflow(variant: str = "openai") -> Reply:
    """The prompt does not fit, in the shape of one server (see `CONTEXT_VARIANTS`)."""
    status, body = _OVERFLOW[variant]
    return Reply(status, _headers(), body)


def mid_stream_error(
    pieces: tuple[str, ...] = ("The", " answer"),
    message: str = "The server had an error while processing your request. Sorry about that!",
    type: str = "server_error",
) -> Reply:
    """A 200 stream that breaks off with a ``data:`` event holding an ``error`` object."""
    events = stream_events(list(pieces), finish=None, include_usage=False)
    events.append(event({"error": {"message": message, "type": type, "param": None, "code": None}}))
    return Reply(200, _headers(), chunks=events, content_type="text/event-stream")


def openrouter_error_in_200(*, streamed: bool = True, code: int = 502) -> Reply:
    """OpenRouter reports an upstream failure inside a 200: a chunk with ``error`` when
    streaming (and ``finish_reason: "error"``), else the whole body is ``{"error": ...}``."""
    if not streamed:
        body = {"error": {"code": code, "message": "Provider returned error"}}
        return Reply(200, {}, body)
    failed = {
        **chunk({"content": ""}, "error", with_usage=False),
        "provider": "SomeProvider",
        "error": {"code": "server_error", "message": "Provider disconnected unexpectedly"},
    }
    events: list[bytes | str] = [
        ": OPENROUTER PROCESSING\n\n",
        *stream_events(["Hi"], finish=None, include_usage=False),
    ]
    events.append(event(failed))
    return Reply(200, {}, chunks=events, content_type="text/event-stream")
