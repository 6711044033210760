"""Ollama's native ``/api/chat``: NDJSON streaming, ``format`` for JSON, and a guard on truncation.

The native API rather than Ollama's OpenAI-compatible ``/v1`` because only here can we set
``options.num_ctx``: Ollama's default window is small, and with its defaults
(``truncate``/``shift`` on) an over-long prompt is cut silently — nothing in the response says
so. We therefore always send ``num_ctx`` and, after the answer, compare ``prompt_eval_count``
with our own estimate of the prompt (see `OllamaProvider.check_truncation`).

Errors are ``{"error": "<string>"}``, after a 200 too (one NDJSON line mid-stream).
`detect_ollama` asks ``/api/tags`` whether a local server is there and which models it has.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import typing
from collections.abc import AsyncIterator, Mapping
from urllib.parse import urlsplit

from peer_lsp.llm import errors
from peer_lsp.llm.providers.base import (
    Parsed,
    Provider,
    json_or_none,
    parse_retry_after,
    status_error,
)
from peer_lsp.llm.providers.openai_compat import is_context_overflow, shorten
from peer_lsp.llm.streams import OnText, ignore_text, ndjson_lines
from peer_lsp.llm.tokens import estimate_tokens
from peer_lsp.llm.types import Finish, LLMRequest, LLMResponse, Timeouts, Usage

if typing.TYPE_CHECKING:
    import httpx

DEFAULT_URL = "http://127.0.0.1:11434"

TRUNCATION_RATIO = 0.5
"""Below this share of the estimated prompt tokens, ``prompt_eval_count`` means a cut prompt."""

MIN_CHECKED_TOKENS = 64
"""Prompts estimated at or below this many tokens are not checked (see `check_truncation`)."""

_FINISH = {"stop": Finish.STOP, "length": Finish.LENGTH}


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _content(payload: Mapping[str, typing.Any]) -> str:
    message = payload.get("message")
    content = message.get("content") if isinstance(message, Mapping) else None
    return content if isinstance(content, str) else ""


def _final(payload: Mapping[str, typing.Any], text: str) -> Parsed:
    """The ``done: true`` object: why it stopped and the token counts."""
    reason = payload.get("done_reason")
    return Parsed(
        text=text,
        finish=_FINISH.get(str(reason), Finish.OTHER) if reason else Finish.STOP,
        usage=Usage(
            input_tokens=_int(payload.get("prompt_eval_count")),
            output_tokens=_int(payload.get("eval_count")),
            cached_input_tokens=_int(payload.get("prompt_eval_cached_count")),
        ),
        model=str(payload.get("model") or ""),
    )


class OllamaProvider(Provider):
    """``POST {base_url}/api/chat``; Bearer auth only for a key (the hosted ollama.com API)."""

    def url(self, request: LLMRequest, stream: bool) -> str:
        return f"{self.config.base_url.rstrip('/')}/api/chat"

    def headers(self, key: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"} if key else {}

    def body(self, request: LLMRequest, stream: bool) -> dict[str, typing.Any]:
        body: dict[str, typing.Any] = {
            "model": self.config.model,
            "messages": [
                {"role": "system", "content": self.structured_system(request)},
                {"role": "user", "content": request.user},
            ],
            "stream": stream,  # explicit: Ollama streams when the field is absent
            "options": {
                "temperature": request.temperature,
                "num_predict": self.output_tokens(request),
                "num_ctx": self.config.context_window,
            },
        }
        if request.json_schema is not None and self.config.structured == "schema":
            body["format"] = dict(request.json_schema)
        elif request.json_schema is not None and self.config.structured == "json":
            body["format"] = "json"
        return body

    async def send(
        self,
        request: LLMRequest,
        timeouts: Timeouts | None = None,
        on_text: OnText = ignore_text,
    ) -> LLMResponse:
        """`Provider.send`, then the silent-truncation check on the answer."""
        response = await super().send(request, timeouts, on_text)
        self.check_truncation(request, response.usage.input_tokens)
        return response

    def check_truncation(self, request: LLMRequest, evaluated: int) -> None:
        """Raise `ContextOverflow` when Ollama evidently evaluated only part of the prompt.

        The rule: the estimate of system + user exceeds `MIN_CHECKED_TOKENS`, and
        ``prompt_eval_count`` is present, non-zero and under `TRUNCATION_RATIO` of it.

        Why: the estimate (3.5 characters a token) is within a factor of 0.7 to 1.7 of real
        tokenizers on code, and the chat template only adds tokens, so half the estimate is
        far below any honest count. Tiny prompts are skipped: there the template dominates.
        A missing or zero count proves nothing (old Ollama versions dropped it on prompt-cache
        hits; since mid-2024 it includes cached tokens). ``num_ctx`` is deliberately not part
        of the rule: Ollama may clamp it to the model's trained window, so the configured
        value does not bound where the cut happens.
        """
        estimate = estimate_tokens(self.structured_system(request) + "\n" + request.user)
        if estimate <= MIN_CHECKED_TOKENS or evaluated <= 0:
            return
        if evaluated < estimate * TRUNCATION_RATIO:
            raise errors.ContextOverflow(
                f"ollama truncated the prompt: it evaluated {evaluated} tokens of about "
                f"{estimate} sent; raise contextWindow",
                provider=self.id,
            )

    def parse(self, payload: typing.Any) -> Parsed:
        if not isinstance(payload, Mapping):
            raise errors.ServerError("the response body is not a JSON object")
        self._raise_embedded(payload)
        if not payload.get("done"):
            raise errors.Truncated("the response is not marked done")
        return _final(payload, _content(payload))

    async def parse_stream(
        self, chunks: AsyncIterator[str], on_text: OnText = ignore_text
    ) -> Parsed:
        parts: list[str] = []
        async for line in ndjson_lines(chunks):
            payload = json_or_none(line)
            if not isinstance(payload, Mapping):
                raise errors.ServerError("malformed JSON line in the stream")
            self._raise_embedded(payload)
            text = _content(payload)
            parts.append(text)
            on_text(text)
            if payload.get("done"):
                return _final(payload, "".join(parts))
        raise errors.Truncated('the stream ended without "done": true')

    def classify(self, status: int, headers: Mapping[str, str], text: str) -> errors.LLMError:
        return self._error(status, _message(text, status), parse_retry_after(headers))

    def _raise_embedded(self, payload: Mapping[str, typing.Any]) -> None:
        """A line ``{"error": "..."}`` after a 200: the runner failed mid-answer."""
        if payload.get("error") is None:
            return
        failure = self._error(500, shorten(str(payload["error"])), None)
        failure.status = None
        raise failure

    def _error(self, status: int, message: str, retry_after: float | None) -> errors.LLMError:
        if is_context_overflow(message):
            return errors.ContextOverflow(
                message, provider=self.id, status=status, retry_after=retry_after
            )
        if status == 404 and "not found" in message:
            message = f"{message}; pull it with `ollama pull {self.config.model}`"
        return status_error(status, message, self.id, retry_after)


def _message(text: str, status: int) -> str:
    payload = json_or_none(text)
    if isinstance(payload, Mapping) and isinstance(payload.get("error"), str):
        return shorten(str(payload["error"]))
    return shorten(text) or f"HTTP {status}"


async def detect_ollama(
    base_url: str = DEFAULT_URL,
    timeout: float = 2.0,
    client: httpx.AsyncClient | None = None,
) -> list[str] | None:
    """The names of the models a running Ollama has, or None when nothing answers like one.

    Never raises: a refused connection, a timeout, a non-200 or a body that is not Ollama's
    ``{"models": [{"name": ...}]}`` all mean "no Ollama here". Without a ``client``, a
    plain TCP connection is tried first: when nothing listens (the usual case, at every
    start of the server) httpx is never imported, which keeps about 9 MB out of the
    server's memory (bench/memory_breakdown.py). ``timeout`` bounds the connection and the
    answer each: 2 s, as a busy machine's server can be slow to answer a first request.
    """
    url = f"{base_url.rstrip('/')}/api/tags"
    try:
        if client is None:
            async with asyncio.timeout(timeout):
                if not await _listening(base_url):
                    return None
            import httpx  # not timed: a first import on a busy machine can take the timeout

            async with asyncio.timeout(timeout), httpx.AsyncClient(timeout=timeout) as own:
                response = await own.get(url)
        else:
            async with asyncio.timeout(timeout):
                response = await client.get(url, timeout=timeout)
    except Exception:  # anything at all: detection is best effort
        return None
    if response.status_code != 200:
        return None
    return _model_names(json_or_none(response.text))


_PROXY_VARIABLES = frozenset(("http_proxy", "https_proxy", "all_proxy"))


async def _listening(base_url: str) -> bool:
    """Whether something accepts a TCP connection where ``base_url`` points.

    True without trying when a proxy variable is set: httpx would go through the proxy, so
    only httpx can tell. The caller's timeout bounds the attempt.
    """
    if any(name.lower() in _PROXY_VARIABLES for name in os.environ):
        return True
    parts = urlsplit(base_url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if parts.hostname is None:
            return False
        _, writer = await asyncio.open_connection(parts.hostname, port)
    except (OSError, ValueError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


def _model_names(payload: object) -> list[str] | None:
    models = payload.get("models") if isinstance(payload, Mapping) else None
    if not isinstance(models, list):
        return None
    names = (m.get("name") or m.get("model") for m in models if isinstance(m, Mapping))
    return [str(name) for name in names if name]
