"""OpenAI-compatible Chat Completions: OpenAI itself and every server that copies its wire format.

One adapter serves OpenAI, Groq, OpenRouter, DeepSeek, Together, Mistral, vLLM, llama.cpp,
LM Studio and Ollama's ``/v1``. They share ``POST {base_url}/chat/completions``, the SSE stream
that ends with ``data: [DONE]`` and the error envelope ``{"error": {"message", "type", "param",
"code"}}``. What differs is data, not code: the max-tokens field name and the structured-output
mode come from the config, and the classifier knows each server's way of saying "context window
exceeded" (message phrases in the LiteLLM tradition, llama.cpp's typed error, vLLM's older
top-level error object, Together's 403).

Errors that arrive inside a 200 — a ``data:`` event with an ``error`` object mid-stream, or
OpenRouter's whole-body error — are classified exactly like HTTP errors, with the status taken
from the error's own numeric ``code`` or its ``type``.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

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

CONTEXT_PHRASES = (
    "this model's maximum context length is",  # OpenAI, DeepSeek, vLLM
    "exceed context limit",
    "model's maximum context limit",
    "is longer than the model's context length",
    "longer than the context length",  # Ollama with truncation off
    "input tokens exceed the configured limit",
    "exceeds the available context size",  # llama.cpp
    "exceeds the maximum number of tokens allowed",  # Gemini
    "exceeds the context window",  # OpenAI Responses wording
    "must be less than the context length",  # Together
    "tokens + `max_new_tokens` must be",  # Together / TGI input validation
    "prompt is too long",  # Anthropic
)
"""Lower-case phrases that mean "the prompt does not fit", whatever the status code."""

CONTEXT_PATTERNS = (
    re.compile(r"current length is \d+ while limit is \d+"),  # Cerebras
    re.compile(r"maximum input length is \d+ tokens"),
)

CONTEXT_TYPES = frozenset({"context_length_exceeded", "exceed_context_size_error"})
NOT_CONTEXT = frozenset({"string_above_max_length"})
"""OpenAI's error for an over-long string parameter (e.g. ``user``): not about the prompt."""

_STATUS_OF_TYPE = {
    "server_error": 500,
    "api_error": 500,
    "rate_limit_exceeded": 429,
    "insufficient_quota": 429,
    "invalid_request_error": 400,
    "authentication_error": 401,
    "not_found_error": 404,
    "overloaded_error": 503,
}
"""Status implied by an error ``type``/``code`` when the error came inside a 200."""

_FINISH = {
    "stop": Finish.STOP,
    "length": Finish.LENGTH,
    "content_filter": Finish.CONTENT_FILTER,
    "tool_calls": Finish.TOOL_USE,
    "function_call": Finish.TOOL_USE,
}

MAX_MESSAGE = 500
"""Vendor error text is cut to about this many characters."""


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """Whitespace collapsed, cut at a word boundary when longer than ``limit``.

    Never cut inside a word: the base class scrubs only whole API keys from messages, so a
    key sliced in half here would survive as a prefix.
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", 0, limit)
    return (flat[:cut] if cut > 0 else "") + " ..."


def is_context_overflow(message: str, kind: str = "", code: str = "") -> bool:
    """Whether an error's text, type or code says the prompt exceeded the context window."""
    if NOT_CONTEXT & {kind, code}:
        return False
    if CONTEXT_TYPES & {kind, code}:
        return True
    lowered = message.lower()
    return any(p in lowered for p in CONTEXT_PHRASES) or any(
        p.search(lowered) for p in CONTEXT_PATTERNS
    )


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """The parts of a vendor error body that classification reads."""

    message: str
    type: str = ""
    code: str = ""
    param: str = ""
    status: int | None = None
    """A numeric ``code`` that looks like an HTTP status (vLLM, llama.cpp, OpenRouter)."""

    def describe(self) -> str:
        details = ", ".join(
            f"{name} {value}"
            for name, value in (("type", self.type), ("code", self.code), ("param", self.param))
            if value
        )
        text = shorten(self.message)
        return f"{text} ({details})" if details else text


def error_info(payload: typing.Any, fallback: str) -> ErrorInfo:
    """The error in any of the shapes compatible servers use, else ``fallback`` as message."""
    if isinstance(payload, Mapping):
        inner = payload.get("error")
        if isinstance(inner, Mapping):
            return _info_from(inner, fallback)
        if isinstance(inner, str) and inner:
            return ErrorInfo(inner)
        if payload.get("object") == "error":  # vLLM before the OpenAI-style envelope
            return _info_from(payload, fallback)
        detail = payload.get("detail")  # FastAPI validation errors
        if detail:
            return ErrorInfo(str(detail))
    return ErrorInfo(fallback)


def _info_from(raw: Mapping[str, typing.Any], fallback: str) -> ErrorInfo:
    code = raw.get("code")
    numeric = code if isinstance(code, int) and 100 <= code <= 599 else None
    return ErrorInfo(
        message=str(raw.get("message") or fallback),
        type=_str(raw.get("type")),
        code=_str(code),
        param=_str(raw.get("param")),
        status=numeric,
    )


def _str(value: object) -> str:
    return "" if value is None else str(value)


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _text(content: object) -> str:
    """Message content: a string, or (Mistral and others) a list of text parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text") or "") for part in content if isinstance(part, Mapping))
    return ""


def usage_from(raw: object) -> Usage:
    """``usage`` of a response or of the final stream chunk."""
    if not isinstance(raw, Mapping):
        return Usage()
    prompt = raw.get("prompt_tokens_details")
    completion = raw.get("completion_tokens_details")
    cached = _int(prompt.get("cached_tokens")) if isinstance(prompt, Mapping) else 0
    return Usage(
        input_tokens=_int(raw.get("prompt_tokens")),
        output_tokens=_int(raw.get("completion_tokens")),
        cached_input_tokens=cached or _int(raw.get("prompt_cache_hit_tokens")),  # DeepSeek
        reasoning_tokens=(
            _int(completion.get("reasoning_tokens")) if isinstance(completion, Mapping) else 0
        ),
    )


def finish_from(reason: object, refusal: str) -> Finish:
    if refusal:
        return Finish.REFUSAL
    if reason == "error":  # OpenRouter marks a failed generation so
        raise errors.ServerError("the provider ended the generation with finish_reason 'error'")
    return _FINISH.get(str(reason), Finish.OTHER)


@dataclass
class _Stream:
    """What the chunks of one stream added up to so far."""

    parts: list[str] = field(default_factory=list)
    refusal: list[str] = field(default_factory=list)
    reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    model: str = ""
    on_text: OnText = ignore_text

    def add(self, chunk: Mapping[str, typing.Any]) -> None:
        self.model = self.model or _str(chunk.get("model"))
        groq = chunk.get("x_groq")
        usage = chunk.get("usage") or (groq.get("usage") if isinstance(groq, Mapping) else None)
        if usage:
            self.usage = usage_from(usage)
        for choice in chunk.get("choices") or ():
            if isinstance(choice, Mapping) and choice.get("index", 0) == 0:
                self._add_choice(choice)

    def _add_choice(self, choice: Mapping[str, typing.Any]) -> None:
        delta = choice.get("delta")
        if isinstance(delta, Mapping):
            text = _text(delta.get("content"))
            self.parts.append(text)
            self.on_text(text)
            self.refusal.append(_str(delta.get("refusal")))
        if choice.get("finish_reason"):
            self.reason = str(choice["finish_reason"])

    def result(self) -> Parsed:
        if self.reason is None:
            raise errors.Truncated("the stream ended without a finish_reason")
        refusal = "".join(self.refusal)
        text = refusal or "".join(self.parts)
        return Parsed(text, finish_from(self.reason, refusal), self.usage, self.model)


class OpenAICompatProvider(Provider):
    """``POST {base_url}/chat/completions`` with Bearer auth (none without a key variable)."""

    def url(self, request: LLMRequest, stream: bool) -> str:
        return f"{self.config.base_url.rstrip('/')}/chat/completions"

    def headers(self, key: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"} if key else {}

    def body(self, request: LLMRequest, stream: bool) -> dict[str, typing.Any]:
        body: dict[str, typing.Any] = {
            "model": self.config.model,
            "messages": [
                {"role": "system", "content": self.structured_system(request)},
                {"role": "user", "content": request.user},
            ],
            "temperature": request.temperature,
            self.config.max_tokens_field: self.output_tokens(request),
            "stream": stream,
        }
        if stream:
            body["stream_options"] = {"include_usage": True}
        response_format = self.response_format(request)
        if response_format is not None:
            body["response_format"] = response_format
        return body

    def response_format(self, request: LLMRequest) -> dict[str, typing.Any] | None:
        """``json_schema`` or ``json_object`` per the config; None for "none" or no schema.

        ``json_object`` needs the word "json" in the messages (OpenAI rejects it otherwise):
        `structured_system` adds the JSON-only instruction in that mode, which has it.
        """
        if request.json_schema is None or self.config.structured == "none":
            return None
        if self.config.structured == "json":
            return {"type": "json_object"}
        name = re.sub(r"[^A-Za-z0-9_-]", "_", request.schema_name)[:64] or "response"
        schema = {"name": name, "schema": dict(request.json_schema), "strict": False}
        return {"type": "json_schema", "json_schema": schema}

    async def send(
        self,
        request: LLMRequest,
        timeouts: Timeouts | None = None,
        on_text: OnText = ignore_text,
    ) -> LLMResponse:
        """`Provider.send`, plus the ``x-request-id`` the vendor assigned, for support tickets."""
        response = await super().send(request, timeouts, on_text)
        request_id = response.headers.get("x-request-id")
        return dataclasses.replace(response, request_id=request_id) if request_id else response

    def parse(self, payload: typing.Any) -> Parsed:
        if not isinstance(payload, Mapping):
            raise errors.ServerError("the response body is not a JSON object")
        self._raise_embedded(payload)
        choices = payload.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], Mapping):
            raise errors.ServerError("the response has no choices")
        choice = choices[0]
        message = choice.get("message")
        message = message if isinstance(message, Mapping) else {}
        refusal = _str(message.get("refusal"))
        return Parsed(
            text=refusal or _text(message.get("content")),
            finish=finish_from(choice.get("finish_reason"), refusal),
            usage=usage_from(payload.get("usage")),
            model=_str(payload.get("model")),
        )

    async def parse_stream(
        self, chunks: AsyncIterator[str], on_text: OnText = ignore_text
    ) -> Parsed:
        state = _Stream(on_text=on_text)
        async for event in sse_events(chunks):
            if event.data.strip().startswith("[DONE]"):
                return state.result()
            payload = json_or_none(event.data)
            if not isinstance(payload, Mapping):
                raise errors.ServerError("malformed JSON in a stream event")
            self._raise_embedded(payload)
            state.add(payload)
        raise errors.Truncated("the stream ended without data: [DONE]")

    def classify(self, status: int, headers: Mapping[str, str], text: str) -> errors.LLMError:
        fallback = shorten(text) or f"HTTP {status}"
        info = error_info(json_or_none(text), fallback)
        return self._error(status, info, parse_retry_after(headers))

    def _raise_embedded(self, payload: Mapping[str, typing.Any]) -> None:
        """Raise the error a 200 carried (mid-stream event, OpenRouter body), if any."""
        if payload.get("error") is None and payload.get("object") != "error":
            return
        info = error_info(payload, "the provider reported an error")
        status = info.status or _STATUS_OF_TYPE.get(info.type) or _STATUS_OF_TYPE.get(info.code)
        failure = self._error(status or 500, info, None)
        failure.status = None  # the HTTP status was 200; the class says what went wrong
        raise failure

    def _error(self, status: int, info: ErrorInfo, retry_after: float | None) -> errors.LLMError:
        message = info.describe()
        kind = _specific_kind(status, info)
        if kind is None:
            return status_error(status, message, self.id, retry_after)
        failure = kind(message, provider=self.id, status=status, retry_after=retry_after)
        if kind is errors.RateLimited and "request too large" in info.message.lower():
            failure.retry = False  # one request above the tokens-per-minute limit: never fits
        return failure


def _specific_kind(status: int, info: ErrorInfo) -> type[errors.LLMError] | None:
    """The class a body demands beyond what its status says, else None."""
    if is_context_overflow(info.message, info.type, info.code):
        return errors.ContextOverflow
    if status == 429:
        quota = "insufficient_quota" in (info.type, info.code)
        return errors.QuotaExhausted if quota else errors.RateLimited
    if status == 403 and "flagged" in info.message.lower():  # OpenRouter moderation
        return errors.Refused
    if info.code == "invalid_api_key":
        return errors.AuthError
    return None
