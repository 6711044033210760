"""Anthropic's Messages API (``POST /v1/messages``), whole or streamed.

Why an adapter of its own: Anthropic differs from the OpenAI family wherever the router looks.
``max_tokens`` is required and the system prompt is a top-level field. Structured output is
``output_config.format`` (a JSON schema); assistant prefill is never used, since Claude 4.6+
rejects it. The stream names its events and ends with ``message_stop``: a stream that stops
before it is `Truncated`, and an ``error`` event can arrive after a 200. Error bodies are
``{"type": "error", "error": {"type", "message"}, "request_id"}``; the error type picks the
class (529 ``overloaded_error`` included), the HTTP status is only the fallback.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from peer_lsp.llm import errors
from peer_lsp.llm.providers.base import (
    Parsed,
    Provider,
    json_or_none,
    parse_retry_after,
    status_error,
)
from peer_lsp.llm.streams import OnText, ignore_text, sse_events
from peer_lsp.llm.types import Finish, LLMRequest, LLMResponse, Timeouts, Usage

API_VERSION = "2023-06-01"

_FINISH = {
    "end_turn": Finish.STOP,
    "stop_sequence": Finish.STOP,
    "max_tokens": Finish.LENGTH,
    "model_context_window_exceeded": Finish.LENGTH,
    "refusal": Finish.REFUSAL,
    "tool_use": Finish.TOOL_USE,
}
"""``stop_reason`` → `Finish`; anything else (``pause_turn``, a future value) is OTHER."""

_ERROR_TYPES: dict[str, type[errors.LLMError]] = {
    "invalid_request_error": errors.InvalidRequest,
    "authentication_error": errors.AuthError,
    "billing_error": errors.QuotaExhausted,
    "permission_error": errors.AuthError,
    "not_found_error": errors.ModelNotFound,
    "request_too_large": errors.ContextOverflow,
    "rate_limit_error": errors.RateLimited,
    "api_error": errors.ServerError,
    "timeout_error": errors.ProviderTimeout,
    "overloaded_error": errors.Overloaded,
}

_OVERFLOW = re.compile(r"prompt is too long|prompt: length|exceed context limit", re.IGNORECASE)
"""An ``invalid_request_error`` that is really a context overflow: the prompt alone is too long,
or (older models) input plus ``max_tokens`` exceeds the window."""


class AnthropicProvider(Provider):
    """Claude through the Messages API: one user turn, never an assistant prefill."""

    async def send(
        self,
        request: LLMRequest,
        timeouts: Timeouts | None = None,
        on_text: OnText = ignore_text,
    ) -> LLMResponse:
        """`Provider.send`; the ``request-id`` header, which support asks for, beats the msg id."""
        response = await super().send(request, timeouts, on_text)
        request_id = response.headers.get("request-id")
        return dataclasses.replace(response, request_id=request_id) if request_id else response

    def url(self, request: LLMRequest, stream: bool) -> str:
        return f"{self.config.base_url}/v1/messages"

    def headers(self, key: str | None) -> dict[str, str]:
        headers = {"anthropic-version": API_VERSION, "content-type": "application/json"}
        if key:
            headers["x-api-key"] = key
        return headers

    def body(self, request: LLMRequest, stream: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.config.model,
            "max_tokens": self.output_tokens(request),
            "messages": [{"role": "user", "content": request.user}],
            "temperature": min(max(request.temperature, 0.0), 1.0),  # Anthropic allows 0..1
            "stream": stream,
        }
        if system := self.structured_system(request):
            body["system"] = system
        if request.json_schema is not None and self.config.structured == "schema":
            schema = dict(request.json_schema)
            body["output_config"] = {"format": {"type": "json_schema", "schema": schema}}
        return body

    def parse(self, payload: Any) -> Parsed:
        message = _object(payload)
        if message.get("type") == "error":
            raise self._embedded_error(message)
        content = message.get("content")
        if not isinstance(content, list):
            raise errors.ServerError("the response is not a Messages API message")
        reading = _Reading()
        reading.start(message)
        for block in content:
            reading.add_text(_object(block))
        return reading.parsed()

    async def parse_stream(
        self, chunks: AsyncIterator[str], on_text: OnText = ignore_text
    ) -> Parsed:
        reading = _Reading(on_text=on_text)
        async for event in sse_events(chunks):
            data = json_or_none(event.data)
            if not isinstance(data, dict):
                raise errors.ServerError("malformed JSON in the stream", provider=self.id)
            name = event.event if event.event != "message" else str(data.get("type", ""))
            if name == "message_stop":
                return reading.parsed()
            if name == "error":
                raise self._embedded_error(data)
            reading.apply(name, data)
        raise errors.Truncated("the stream ended before message_stop", provider=self.id)

    def classify(self, status: int, headers: Mapping[str, str], text: str) -> errors.LLMError:
        body = _object(json_or_none(text))
        error = _object(body.get("error"))
        retry_after = parse_retry_after(headers)
        if not error.get("type"):
            details = self._clean(" ".join(text.split())) or "no error details"
            return status_error(status, details, self.id, retry_after)
        request_id = body.get("request_id") or headers.get("request-id")
        return self._error(error, status, request_id, retry_after)

    def _error(
        self,
        error: Mapping[str, Any],
        status: int | None,
        request_id: object = None,
        retry_after: float | None = None,
    ) -> errors.LLMError:
        """The class for an Anthropic error object; the status decides unknown types."""
        kind = str(error.get("type") or "error")
        text = self._clean(str(error.get("message") or "no message"))
        cls = _ERROR_TYPES.get(kind) or _status_class(status)
        if cls is errors.InvalidRequest and _OVERFLOW.search(text):
            cls = errors.ContextOverflow
        message = f"{kind}: {text}" + (f" (request {request_id})" if request_id else "")
        return cls(message, provider=self.id, status=status, retry_after=retry_after)

    def _embedded_error(self, data: Mapping[str, Any]) -> errors.LLMError:
        """An error inside a 200: a whole-body error object, or an ``error`` event."""
        return self._error(_object(data.get("error")), None, data.get("request_id"))


@dataclass
class _Reading:
    """What a message (whole, or streamed so far) has said: text, stop reason, usage."""

    text: list[str] = field(default_factory=list)
    usage: dict[str, Any] = field(default_factory=dict)
    stop_reason: str | None = None
    model: str = ""
    message_id: str | None = None
    on_text: OnText = ignore_text

    def apply(self, name: str, data: Mapping[str, Any]) -> None:
        """One stream event; ``ping``, ``content_block_stop`` and new event types say nothing."""
        if name == "message_start":
            self.start(_object(data.get("message")))
        elif name == "content_block_start":
            self.add_text(_object(data.get("content_block")))
        elif name == "content_block_delta":
            self.add_text(_object(data.get("delta")))
        elif name == "message_delta":
            self.end(_object(data.get("delta")).get("stop_reason"), data.get("usage"))

    def start(self, message: Mapping[str, Any]) -> None:
        """A whole message, or the empty one a stream opens with."""
        self.model = str(message.get("model") or "")
        self.message_id = str(message["id"]) if message.get("id") else None
        self.end(message.get("stop_reason"), message.get("usage"))

    def add_text(self, block: Mapping[str, Any]) -> None:
        """A text block or ``text_delta``; tool-use, thinking and signature parts are skipped."""
        if block.get("type") in ("text", "text_delta"):
            text = str(block.get("text") or "")
            self.text.append(text)
            self.on_text(text)

    def end(self, stop_reason: object, usage: object) -> None:
        """The stop reason when known, and usage counts: cumulative, so the latest win."""
        if stop_reason:
            self.stop_reason = str(stop_reason)
        self.usage.update({k: v for k, v in _object(usage).items() if v is not None})

    def parsed(self) -> Parsed:
        finish = _FINISH.get(self.stop_reason or "", Finish.OTHER)
        return Parsed("".join(self.text), finish, _usage(self.usage), self.model, self.message_id)


def _usage(raw: Mapping[str, Any]) -> Usage:
    """Input counts cache writes and reads too: Anthropic reports them apart."""
    read = _count(raw, "cache_read_input_tokens")
    written = _count(raw, "cache_creation_input_tokens")
    return Usage(
        input_tokens=_count(raw, "input_tokens") + written + read,
        output_tokens=_count(raw, "output_tokens"),
        cached_input_tokens=read,
    )


def _status_class(status: int | None) -> type[errors.LLMError]:
    """The generic class for a status (ServerError when there is none, as mid-stream)."""
    return errors.ServerError if status is None else type(status_error(status, "", ""))


def _count(raw: Mapping[str, Any], name: str) -> int:
    value = raw.get(name)
    return value if isinstance(value, int) else 0


def _object(value: object) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else (a vendor field we cannot trust)."""
    return value if isinstance(value, dict) else {}
