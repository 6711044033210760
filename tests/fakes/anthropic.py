"""`Reply` builders in Anthropic's Messages API wire format, for the fake server.

Shapes follow Anthropic's documentation: a ``message`` object for whole answers; for streams,
``event: NAME`` / ``data: JSON`` pairs ending in a blank line, in the order the API sends them
(``message_start``, ``content_block_start``, ``ping``, deltas, ``content_block_stop``,
``message_delta``, ``message_stop``); errors as ``{"type": "error", "error": {...},
"request_id"}`` with ``request-id``, ``retry-after`` and ``anthropic-ratelimit-*`` headers.
"""

from __future__ import annotations

import json
from typing import Any

from fakes.server import Reply

MODEL = "claude-sonnet-4-5"
REQUEST_ID = "req_011CTestRequest"
MESSAGE_ID = "msg_01TestMessage"
RESET = "2026-08-01T12:00:30Z"


def headers() -> dict[str, str]:
    """What Anthropic sends with every answer: the request id and the rate-limit snapshot."""
    snapshot = {
        f"anthropic-ratelimit-{kind}-{field}": value
        for kind in ("requests", "tokens", "input-tokens", "output-tokens")
        for field, value in (("limit", "4000"), ("remaining", "3999"), ("reset", RESET))
    }
    return {"request-id": REQUEST_ID, **snapshot}


def counts(
    input_tokens: int = 12, output_tokens: int = 5, cache_write: int = 0, cache_read: int = 0
) -> dict[str, Any]:
    """A ``usage`` object."""
    return {
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": cache_write,
        "cache_read_input_tokens": cache_read,
        "output_tokens": output_tokens,
        "service_tier": "standard",
    }


def message(
    text: str = '{"findings": []}',
    *,
    stop_reason: str | None = "end_turn",
    model: str = MODEL,
    usage: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``message`` object (empty ``content`` when ``text`` is empty)."""
    content = [{"type": "text", "text": text}] if text else []
    return {
        "id": MESSAGE_ID,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": usage or counts(),
    }


def ok(text: str = '{"findings": []}', **fields: Any) -> Reply:
    """A whole (non-streamed) answer."""
    return Reply(200, headers=headers(), body=message(text, **fields))


def sse(name: str, data: dict[str, Any]) -> str:
    """One event, exactly as the API frames it."""
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def sse_reply(events: list[str]) -> Reply:
    """A 200 event stream sending ``events`` as chunks, as given."""
    return Reply(
        200,
        headers={**headers(), "cache-control": "no-cache"},
        chunks=list(events),
        content_type="text/event-stream; charset=utf-8",
    )


def stream_events(
    pieces: list[str],
    *,
    stop_reason: str = "end_turn",
    input_tokens: int = 12,
    output_tokens: int = 5,
    cache_read: int = 0,
) -> list[str]:
    """The full event sequence of a streamed text answer, ``message_stop`` included."""
    start = message("", stop_reason=None, usage=counts(input_tokens, 1, cache_read=cache_read))
    deltas = [sse("content_block_delta", _delta(piece)) for piece in pieces]
    return [
        sse("message_start", {"type": "message_start", "message": start}),
        sse("content_block_start", _block_start()),
        sse("ping", {"type": "ping"}),
        *deltas,
        sse("content_block_stop", {"type": "content_block_stop", "index": 0}),
        sse("message_delta", _message_delta(stop_reason, output_tokens)),
        sse("message_stop", {"type": "message_stop"}),
    ]


def stream(pieces: list[str], **fields: Any) -> Reply:
    """A streamed answer, one event per chunk."""
    return sse_reply(stream_events(pieces, **fields))


def stream_cut(pieces: list[str], **fields: Any) -> Reply:
    """A stream that closes cleanly but never sends ``message_stop``."""
    return sse_reply(stream_events(pieces, **fields)[:-1])


def mid_stream_error(
    pieces: list[str], kind: str = "overloaded_error", text: str = "Overloaded"
) -> Reply:
    """A 200 stream that starts, then reports an ``error`` event and ends."""
    events = stream_events(pieces)[: 3 + len(pieces)]
    error = {"type": "error", "error": {"type": kind, "message": text}}
    return sse_reply([*events, sse("error", error)])


def error(
    status: int,
    kind: str,
    text: str,
    retry_after: float | None = None,
    *,
    extra: dict[str, str] | None = None,
) -> Reply:
    """An error answer in Anthropic's shape; ``extra`` headers override the usual ones."""
    hints = {} if retry_after is None else {"retry-after": f"{retry_after:g}"}
    body = {"type": "error", "error": {"type": kind, "message": text}, "request_id": REQUEST_ID}
    return Reply(status, headers={**headers(), **hints, **(extra or {})}, body=body)


def rate_limited(retry_after: float = 7) -> Reply:
    return error(
        429,
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 50 requests per minute.",
        retry_after,
        extra={"anthropic-ratelimit-requests-remaining": "0"},
    )


def overloaded_529() -> Reply:
    return error(529, "overloaded_error", "Overloaded", extra={"x-should-retry": "true"})


def context_overflow(tokens: int = 210_000, maximum: int = 200_000) -> Reply:
    return error(
        400, "invalid_request_error", f"prompt is too long: {tokens} tokens > {maximum} maximum"
    )


def auth_error() -> Reply:
    return error(401, "authentication_error", "invalid x-api-key")


def _block_start() -> dict[str, Any]:
    return {
        "type": "content_block_start",
        "index": 0,
        "content_block": {"type": "text", "text": ""},
    }


def _delta(piece: str) -> dict[str, Any]:
    return {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": piece},
    }


def _message_delta(stop_reason: str, output_tokens: int) -> dict[str, Any]:
    return {
        "type": "message_delta",
        "delta": {"stop_reason": stop_reason, "stop_sequence": None},
        "usage": {"output_tokens": output_tokens},
    }
