"""Google's Gemini API (``models/{model}:generateContent``), whole or streamed with ``alt=sse``.

Why an adapter of its own: bodies are camelCase with a ``systemInstruction`` and a
``generationConfig``; structured output is ``responseMimeType`` + ``responseJsonSchema``. The
answer is the non-thought parts of the first candidate; thinking tokens count against
``maxOutputTokens``, so ``MAX_TOKENS`` with empty text is common and comes back as LENGTH
(the router treats it as truncation). A blocked prompt has no candidates, only
``promptFeedback.blockReason``: `Refused`. The stream has no end mark: it is complete only if
some chunk carried a ``finishReason``, else `Truncated`. Errors are google.rpc bodies (some
front ends wrap them in a one-element array) whose status alone misleads: a bad key is 400
``API_KEY_INVALID``, the retry hint is ``RetryInfo.retryDelay`` in the body, and a daily quota
(``QuotaFailure`` with a ``PerDay`` quotaId) is exhausted, not merely rate-limited.
"""

from __future__ import annotations

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
from peer_lsp.llm.types import Finish, LLMRequest, Usage

_FINISH = {
    "STOP": Finish.STOP,
    "MAX_TOKENS": Finish.LENGTH,
    "SAFETY": Finish.CONTENT_FILTER,
    "RECITATION": Finish.CONTENT_FILTER,
    "BLOCKLIST": Finish.CONTENT_FILTER,
    "PROHIBITED_CONTENT": Finish.CONTENT_FILTER,
    "SPII": Finish.CONTENT_FILTER,
}
"""``finishReason`` → `Finish`; every other value (LANGUAGE, OTHER, tool-call ones…) is OTHER."""

_OVERFLOW = re.compile(r"input token count|exceeds the maximum number of tokens", re.IGNORECASE)
_BAD_KEY = re.compile(r"API key not valid", re.IGNORECASE)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?)s\s*$")
"""A protobuf ``Duration`` in its JSON form: ``"34s"``, ``"1.5s"``."""

_RPC = "type.googleapis.com/google.rpc."


class GeminiProvider(Provider):
    """Gemini through the Generative Language API, the key in ``x-goog-api-key``."""

    def url(self, request: LLMRequest, stream: bool) -> str:
        model = self.config.model.removeprefix("models/")
        if stream:
            return f"{self.config.base_url}/models/{model}:streamGenerateContent?alt=sse"
        return f"{self.config.base_url}/models/{model}:generateContent"

    def headers(self, key: str | None) -> dict[str, str]:
        headers = {"content-type": "application/json"}
        if key:
            headers["x-goog-api-key"] = key
        return headers

    def body(self, request: LLMRequest, stream: bool) -> dict[str, Any]:
        generation: dict[str, Any] = {
            "temperature": request.temperature,
            "maxOutputTokens": self.output_tokens(request),
        }
        if request.json_schema is not None and self.config.structured != "none":
            generation["responseMimeType"] = "application/json"
            if self.config.structured == "schema":
                generation["responseJsonSchema"] = dict(request.json_schema)
        body: dict[str, Any] = {
            "contents": [{"role": "user", "parts": [{"text": request.user}]}],
            "generationConfig": generation,
        }
        if system := self.structured_system(request):
            body["systemInstruction"] = {"parts": [{"text": system}]}
        return body

    def parse(self, payload: Any) -> Parsed:
        reading = _Reading()
        self._read(reading, payload)
        if not reading.answered:
            raise errors.ServerError("the response has no candidates", provider=self.id)
        return reading.parsed(reading.finish or "")

    async def parse_stream(
        self, chunks: AsyncIterator[str], on_text: OnText = ignore_text
    ) -> Parsed:
        reading = _Reading(on_text=on_text)
        async for event in sse_events(chunks):
            payload = json_or_none(event.data)
            if payload is None:
                raise errors.ServerError("malformed JSON in the stream", provider=self.id)
            self._read(reading, payload)
        if reading.finish is None:
            raise errors.Truncated("the stream ended without a finishReason", provider=self.id)
        return reading.parsed(reading.finish)

    def classify(self, status: int, headers: Mapping[str, str], text: str) -> errors.LLMError:
        error = _rpc_error(json_or_none(text))
        if not error:
            details = self._clean(" ".join(text.split())) or "no error details"
            return status_error(status, details, self.id, parse_retry_after(headers))
        return self._error(status, error, parse_retry_after(headers))

    def _read(self, reading: _Reading, payload: Any) -> None:
        """One response (or stream chunk) into ``reading``; errors and blocks raise."""
        response = _unwrap(payload)
        if error := _object(response.get("error")):
            raise self._error(_int(error.get("code")) or 500, error, None)
        block = _object(response.get("promptFeedback")).get("blockReason")
        if block and not response.get("candidates"):
            explained = _object(response.get("promptFeedback")).get("blockReasonMessage")
            raise errors.Refused(
                f"Gemini blocked the prompt ({block})" + (f": {explained}" if explained else ""),
                provider=self.id,
            )
        reading.add(response)

    def _error(
        self, status: int, error: Mapping[str, Any], retry_after: float | None
    ) -> errors.LLMError:
        """The class for a google.rpc error: body rules first, then the HTTP status."""
        text = self._clean(str(error.get("message") or "no message"))
        message = f"{error.get('status') or 'error'}: {text}"
        details = [_object(d) for d in error.get("details") or () if isinstance(d, dict)]
        hinted = _retry_delay(details)
        retry_after = retry_after if hinted is None else hinted
        cls = _special_class(status, error, text, details)
        if cls is errors.QuotaExhausted:
            retry_after = None  # the hint is for the per-minute window; the day is what's out
        if cls is None:
            return status_error(status, message, self.id, retry_after)
        return cls(message, provider=self.id, status=status, retry_after=retry_after)


@dataclass
class _Reading:
    """What the response (whole, or its chunks so far) has said."""

    text: list[str] = field(default_factory=list)
    finish: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)
    model: str = ""
    response_id: str | None = None
    answered: bool = False
    """Some response had a candidate (a blocked prompt has none)."""
    on_text: OnText = ignore_text

    def add(self, response: Mapping[str, Any]) -> None:
        candidates = response.get("candidates")
        first = _object(candidates[0]) if isinstance(candidates, list) and candidates else {}
        self.answered = self.answered or bool(first)
        for part in _object(first.get("content")).get("parts") or ():
            if isinstance(part, dict) and "text" in part and not part.get("thought"):
                self.text.append(str(part["text"]))
                self.on_text(str(part["text"]))
        if first.get("finishReason"):
            self.finish = str(first["finishReason"])
        if usage := _object(response.get("usageMetadata")):
            self.usage = usage  # each chunk repeats the running totals; the last is final
        if response.get("modelVersion"):
            self.model = str(response["modelVersion"])
        if response.get("responseId"):
            self.response_id = str(response["responseId"])

    def parsed(self, finish: str) -> Parsed:
        return Parsed(
            "".join(self.text),
            _FINISH.get(finish, Finish.OTHER),
            _usage(self.usage),
            self.model,
            self.response_id,
        )


def _usage(raw: Mapping[str, Any]) -> Usage:
    """Thinking tokens are output (they are billed and capped as output) and also reasoning."""
    thoughts = _int(raw.get("thoughtsTokenCount"))
    return Usage(
        input_tokens=_int(raw.get("promptTokenCount")),
        output_tokens=_int(raw.get("candidatesTokenCount")) + thoughts,
        cached_input_tokens=_int(raw.get("cachedContentTokenCount")),
        reasoning_tokens=thoughts,
    )


def _special_class(
    status: int, error: Mapping[str, Any], text: str, details: list[dict[str, Any]]
) -> type[errors.LLMError] | None:
    """Where the body overrides the generic status table; None to use the table."""
    if status == 400:
        if "API_KEY_INVALID" in _reasons(details) or _BAD_KEY.search(text):
            return errors.AuthError
        if _OVERFLOW.search(text):
            return errors.ContextOverflow
        if error.get("status") == "FAILED_PRECONDITION":
            return errors.AuthError  # region or billing: the user must act, another may work
        return errors.InvalidRequest
    if status == 429 and any("PerDay" in quota for quota in _quota_ids(details)):
        return errors.QuotaExhausted
    if status == 504:
        return errors.ProviderTimeout
    return None


def _rpc_error(payload: Any) -> dict[str, Any]:
    """The ``error`` object of a google.rpc body, bare or wrapped in a one-element array."""
    return _object(_unwrap(payload).get("error"))


def _unwrap(payload: Any) -> dict[str, Any]:
    if isinstance(payload, list) and payload:
        payload = payload[0]
    return _object(payload)


def _reasons(details: list[dict[str, Any]]) -> list[str]:
    return [str(d.get("reason")) for d in details if d.get("@type") == f"{_RPC}ErrorInfo"]


def _quota_ids(details: list[dict[str, Any]]) -> list[str]:
    return [
        str(_object(violation).get("quotaId") or "")
        for detail in details
        if detail.get("@type") == f"{_RPC}QuotaFailure"
        for violation in detail.get("violations") or ()
    ]


def _retry_delay(details: list[dict[str, Any]]) -> float | None:
    """Seconds from ``RetryInfo.retryDelay``, when the body has one."""
    for detail in details:
        if detail.get("@type") != f"{_RPC}RetryInfo":
            continue
        match = _DURATION.match(str(detail.get("retryDelay") or ""))
        if match:
            return float(match.group(1))
    return None


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _object(value: object) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else (a vendor field we cannot trust)."""
    return value if isinstance(value, dict) else {}
