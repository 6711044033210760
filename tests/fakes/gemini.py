"""`Reply` builders in the Gemini API wire format (``generateContent``), for the fake server.

Shapes follow Google's documentation: a ``GenerateContentResponse`` for whole answers; for
``streamGenerateContent?alt=sse``, one ``data: <GenerateContentResponse>`` per event, each
ending ``\\r\\n\\r\\n``, with no event names and no end mark (the last chunk carries
``finishReason`` and the final ``usageMetadata``, then the connection closes). Errors are
google.rpc bodies ``{"error": {code, message, status, details}}``; the retry hint lives in
``RetryInfo.retryDelay`` — Gemini sends no rate-limit headers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fakes.server import Reply

MODEL = "gemini-2.5-flash"
RESPONSE_ID = "resp-test-1"
RPC = "type.googleapis.com/google.rpc."
HEADERS = {"server-timing": "gfet4t7; dur=412", "vary": "Origin, X-Origin, Referer"}
CONTENT_TYPE = "application/json; charset=UTF-8"
OVERLOADED = "The model is overloaded. Please try again later."
DOCS = "https://ai.google.dev/gemini-api/docs/rate-limits"
QUOTA_MESSAGE = (
    "You exceeded your current quota, please check your plan and billing details. For more "
    f"information on this error, head to: {DOCS}."
)


def counts(
    prompt: int = 20, candidates: int | None = 6, thoughts: int = 0, cached: int = 0
) -> dict[str, Any]:
    """A ``usageMetadata`` object; zero counts are left out, as the API does."""
    usage: dict[str, Any] = {"promptTokenCount": prompt}
    if candidates is not None:
        usage["candidatesTokenCount"] = candidates
    if thoughts:
        usage["thoughtsTokenCount"] = thoughts
    if cached:
        usage["cachedContentTokenCount"] = cached
    usage["totalTokenCount"] = prompt + (candidates or 0) + thoughts
    usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt}]
    return usage


def response(
    parts: list[dict[str, Any]] | None,
    finish: str | None = "STOP",
    usage: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``GenerateContentResponse`` with one candidate (``parts=None``: content without parts)."""
    content: dict[str, Any] = {"role": "model"}
    if parts is not None:
        content["parts"] = parts
    candidate: dict[str, Any] = {"content": content, "index": 0}
    if finish is not None:
        candidate["finishReason"] = finish
    return {
        "candidates": [candidate],
        "usageMetadata": usage or counts(),
        "modelVersion": MODEL,
        "responseId": RESPONSE_ID,
    }


def ok(
    text: str = '{"findings": []}',
    *,
    finish: str = "STOP",
    thought: str | None = None,
    usage: dict[str, Any] | None = None,
) -> Reply:
    """A whole answer; ``thought`` adds a thought-summary part before the text."""
    parts = [{"text": thought, "thought": True}] if thought else []
    parts.append({"text": text})
    return Reply(
        200, headers=dict(HEADERS), body=response(parts, finish, usage), content_type=CONTENT_TYPE
    )


def sse(payload: dict[str, Any]) -> str:
    """One event, exactly as the API frames it with ``alt=sse``."""
    return f"data: {json.dumps(payload, separators=(',', ':'))}\r\n\r\n"


def stream_chunks(
    pieces: list[str], *, finish: str | None = "STOP", usage: dict[str, Any] | None = None
) -> list[str]:
    """One chunk per piece; the last carries ``finishReason`` and the final usage."""
    running = counts(candidates=None)
    chunks = [response([{"text": piece}], None, running) for piece in pieces]
    chunks[-1]["usageMetadata"] = usage or counts()
    if finish is not None:
        chunks[-1]["candidates"][0]["finishReason"] = finish
    return [sse(chunk) for chunk in chunks]


def stream(pieces: list[str], **fields: Any) -> Reply:
    """A streamed answer, one chunk per piece."""
    return sse_reply(stream_chunks(pieces, **fields))


def sse_reply(chunks: Sequence[str]) -> Reply:
    """A 200 event stream sending ``chunks`` as given (see `sse`)."""
    return Reply(200, dict(HEADERS), chunks=list(chunks), content_type="text/event-stream")


def stream_cut(pieces: list[str]) -> Reply:
    """A stream that closes cleanly although no chunk carried a ``finishReason``."""
    return stream(pieces, finish=None)


def mid_stream_error(
    pieces: list[str], code: int = 503, status: str = "UNAVAILABLE", message: str = OVERLOADED
) -> Reply:
    """A 200 stream that starts, then sends a google.rpc error as its last chunk and closes."""
    chunks = stream_chunks(pieces, finish=None)
    return sse_reply([*chunks, sse(rpc_error(code, status, message))])


def blocked_prompt(reason: str = "PROHIBITED_CONTENT") -> Reply:
    """The prompt itself was blocked: no candidates, only ``promptFeedback``."""
    body = {
        "promptFeedback": {"blockReason": reason},
        "usageMetadata": counts(candidates=None),
        "modelVersion": MODEL,
        "responseId": RESPONSE_ID,
    }
    return Reply(200, headers=dict(HEADERS), body=body, content_type=CONTENT_TYPE)


def max_tokens_empty(cap: int = 64) -> Reply:
    """Thinking ate the whole output cap: ``MAX_TOKENS``, content with no parts."""
    body = response(None, "MAX_TOKENS", counts(candidates=None, thoughts=cap))
    return Reply(200, headers=dict(HEADERS), body=body, content_type=CONTENT_TYPE)


def rpc_error(
    code: int, status: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details is not None:
        error["details"] = details
    return {"error": error}


def error(
    code: int, status: str, message: str, details: list[dict[str, Any]] | None = None
) -> Reply:
    """An error answer in google.rpc shape."""
    body = rpc_error(code, status, message, details)
    return Reply(code, headers=dict(HEADERS), body=body, content_type=CONTENT_TYPE)


def wrapped_in_array(reply: Reply) -> Reply:
    """The same answer with its body wrapped in a one-element array, as some front ends send."""
    wrapped = [reply.body]
    return Reply(reply.status, dict(reply.headers), wrapped, content_type=reply.content_type)


def api_key_invalid() -> Reply:
    text = "API key not valid. Please pass a valid API key."
    details: list[dict[str, Any]] = [
        {
            "@type": f"{RPC}ErrorInfo",
            "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
            "metadata": {"service": "generativelanguage.googleapis.com"},
        },
        {"@type": f"{RPC}LocalizedMessage", "locale": "en-US", "message": text},
    ]
    return error(400, "INVALID_ARGUMENT", text, details)


def _quota_details(quota_id: str, retry_delay: str) -> list[dict[str, Any]]:
    violation = {
        "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
        "quotaId": quota_id,
        "quotaDimensions": {"location": "global", "model": MODEL},
        "quotaValue": "10",
    }
    link = {"description": "Learn more about Gemini API quotas", "url": DOCS}
    return [
        {"@type": f"{RPC}Help", "links": [link]},
        {"@type": f"{RPC}QuotaFailure", "violations": [violation]},
        {"@type": f"{RPC}RetryInfo", "retryDelay": retry_delay},
    ]


def rate_limited(retry_delay: str = "34s") -> Reply:
    """429 on the per-minute quota, with the hint in ``RetryInfo``."""
    details = _quota_details("GenerateRequestsPerMinutePerProjectPerModel-FreeTier", retry_delay)
    return error(429, "RESOURCE_EXHAUSTED", QUOTA_MESSAGE, details)


def daily_quota() -> Reply:
    """429 on the per-day quota: retrying today is pointless, whatever ``RetryInfo`` says."""
    details = _quota_details("GenerateRequestsPerDayPerProjectPerModel-FreeTier", "53s")
    return error(429, "RESOURCE_EXHAUSTED", QUOTA_MESSAGE, details)


def context_overflow(tokens: int = 1_200_000, maximum: int = 1_048_576) -> Reply:
    text = (
        f"The input token count ({tokens}) exceeds the maximum number of tokens allowed "
        f"({maximum})."
    )
    return error(400, "INVALID_ARGUMENT", text)
