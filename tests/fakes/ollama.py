"""`Reply` builders in Ollama's native wire format (``/api/chat``, ``/api/tags``).

Per providers.md A.4 and Ollama's docs: a whole answer is one ``ChatResponse`` JSON object;
a stream is ``application/x-ndjson``, one object per line, the last with ``"done": true``,
``done_reason`` and the metrics; errors are ``{"error": "<string>"}``, also as a line after a
200 when the runner fails mid-stream. Ollama sends no retry or request-id headers.
"""

from __future__ import annotations

import json
from typing import Any

from fakes.server import Reply

MODEL = "qwen2.5-coder:7b"
CREATED_AT = "2026-11-21T19:17:12.000000Z"


def message(content: str, *, done: bool = False) -> dict[str, Any]:
    """One ``ChatResponse`` before the last: a piece of the answer."""
    return {
        "model": MODEL,
        "created_at": CREATED_AT,
        "message": {"role": "assistant", "content": content},
        "done": done,
    }


def final(
    content: str = "",
    *,
    done_reason: str = "stop",
    prompt_eval_count: int | None = 120,
    eval_count: int = 8,
) -> dict[str, Any]:
    """The ``done: true`` object with the metrics (durations in nanoseconds)."""
    body = {
        **message(content, done=True),
        "done_reason": done_reason,
        "total_duration": 912_000_000,
        "load_duration": 12_000_000,
        "prompt_eval_duration": 300_000_000,
        "eval_count": eval_count,
        "eval_duration": 600_000_000,
    }
    if prompt_eval_count is not None:  # old versions dropped it on prompt-cache hits
        body["prompt_eval_count"] = prompt_eval_count
    return body


def ok(text: str = "hello", **metrics: Any) -> Reply:
    """A whole answer (``"stream": false``)."""
    return Reply(200, {}, final(text, **metrics))


def _line(payload: dict[str, Any]) -> str:
    return json.dumps(payload) + "\n"


def stream(pieces: list[str], *, terminal: bool = True, **metrics: Any) -> Reply:
    """NDJSON: one line per piece, then the ``done`` line (left out with ``terminal=False``)."""
    lines: list[bytes | str] = [_line(message(p)) for p in pieces]
    if terminal:
        lines.append(_line(final(**metrics)))
    return Reply(200, {}, chunks=lines, content_type="application/x-ndjson")


def error(status: int, msg: str) -> Reply:
    return Reply(status, {}, {"error": msg})


def not_found(model: str = MODEL) -> Reply:
    return error(404, f"model '{model}' not found")


def busy() -> Reply:
    """503 when ``OLLAMA_MAX_QUEUE`` is full."""
    return error(503, "server busy, please try again.  maximum pending requests exceeded")


def context_error() -> Reply:
    """400 when truncation is off and the prompt does not fit."""
    return error(
        400,
        "the prompt is longer than the context length currently available to the model; "
        "try a shorter prompt or raise num_ctx",
    )


def truncated(prompt_eval_count: int = 40, *, streamed: bool = False) -> Reply:
    """A normal-looking answer from a silently truncated prompt: the count is too small."""
    if streamed:
        return stream(["{}"], prompt_eval_count=prompt_eval_count)
    return ok("{}", prompt_eval_count=prompt_eval_count)


def mid_stream_error(
    pieces: tuple[str, ...] = ("The", " answer"),
    msg: str = "an error was encountered while running the model",
) -> Reply:
    """A 200 stream whose last line is ``{"error": ...}``: no ``done`` line ever comes."""
    lines: list[bytes | str] = [*(_line(message(p)) for p in pieces), _line({"error": msg})]
    return Reply(200, {}, chunks=lines, content_type="application/x-ndjson")


def malformed_json() -> Reply:
    return Reply(200, {}, '{"model": "qwen2.5-coder:7b", "message": {')


def tags(names: list[str]) -> Reply:
    """``GET /api/tags``: the models pulled locally."""
    models = [
        {
            "name": name,
            "model": name,
            "modified_at": CREATED_AT,
            "size": 4_683_087_332,
            "digest": "0" * 64,
            "details": {"format": "gguf", "family": "qwen2", "parameter_size": "7.6B"},
        }
        for name in names
    ]
    return Reply(200, {}, {"models": models})
