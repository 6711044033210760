"""What every provider adapter shares: one HTTP exchange, timed and classified.

An adapter says how to build its vendor's request, how to read a whole response or a stream,
and how to classify an error body. This module does the rest the same way for all: the key
from the environment, the three timeouts (connect, first byte, idle between chunks), closing
the connection when the caller is cancelled, mapping transport failures to `LLMError`s,
reading retry hints, and keeping the key out of every message.
"""

from __future__ import annotations

import abc
import asyncio
import email.utils
import json
import os
import re
import time
import typing
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from peer_lsp.llm import errors
from peer_lsp.llm.streams import OnText, ignore_text
from peer_lsp.llm.types import Finish, LLMRequest, LLMResponse, Timeouts, Usage

if typing.TYPE_CHECKING:
    import httpx

    from peer_lsp.llm.config import ProviderConfig

JSON_ONLY = (
    "Answer only with one JSON value that matches this JSON schema, with no prose and no "
    "code fence:\n{schema}"
)
"""Instruction appended to the system prompt when a vendor has no structured output."""

MAX_RETRY_HINT = 600.0

MAX_VENDOR_MESSAGE = 300
"""Characters of a vendor's error text kept in an error message."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """What an adapter read from a response, before timing is added."""

    text: str
    finish: Finish
    usage: Usage
    model: str = ""
    request_id: str | None = None


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``retry-after`` (seconds or HTTP date)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if (ms := lowered.get("retry-after-ms")) is not None:
        try:
            return max(float(ms) / 1000.0, 0.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(value: str) -> float | None:
    """Seconds in a reset duration such as ``120ms``, ``1s``, ``6m0s`` or ``1h2m3.5s``."""
    parts = _DURATION.findall(value.strip())
    if not parts or "".join(n + u for n, u in parts) != value.strip():
        return None
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


def rate_limit_wait(headers: Mapping[str, str]) -> float | None:
    """Seconds until an exhausted rate limit resets, from the vendors' rate-limit headers.

    OpenAI-style ``x-ratelimit-remaining-{requests,tokens}`` with ``x-ratelimit-reset-*``
    durations; Anthropic-style ``anthropic-ratelimit-*-remaining`` with RFC 3339 ``-reset``
    times. Only limits whose remaining count is 0 count; the longest wait wins.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    waits: list[float] = []
    for name, value in lowered.items():
        if value.strip() != "0":
            continue
        if name.startswith("x-ratelimit-remaining-"):
            reset = lowered.get(name.replace("-remaining-", "-reset-"), "")
            seconds = parse_duration(reset) if reset else None
        elif name.startswith("anthropic-ratelimit-") and name.endswith("-remaining"):
            reset = lowered.get(name.removesuffix("-remaining") + "-reset", "")
            seconds = _seconds_until(reset) if reset else None
        else:
            continue
        if seconds is not None:
            waits.append(seconds)
    return max(waits) if waits else None


def _seconds_until(timestamp: str) -> float | None:
    try:
        when = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max(when.timestamp() - time.time(), 0.0)


def should_retry(headers: Mapping[str, str]) -> bool | None:
    """The server's own verdict from ``x-should-retry``, if it gave one."""
    value = {k.lower(): v for k, v in headers.items()}.get("x-should-retry")
    if value == "true":
        return True
    if value == "false":
        return False
    return None


def json_or_none(text: str) -> typing.Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def status_error(
    status: int, message: str, provider: str, retry_after: float | None = None
) -> errors.LLMError:
    """The generic classification of an HTTP status, for bodies no rule recognised."""
    kind = {
        400: errors.InvalidRequest,
        401: errors.AuthError,
        402: errors.QuotaExhausted,
        403: errors.AuthError,
        404: errors.ModelNotFound,
        408: errors.ProviderTimeout,
        409: errors.ServerError,
        413: errors.ContextOverflow,
        422: errors.InvalidRequest,
        429: errors.RateLimited,
        503: errors.Overloaded,
        529: errors.Overloaded,
    }.get(status)
    if kind is None:
        kind = errors.ServerError if status >= 500 else errors.InvalidRequest
    return kind(message, provider=provider, status=status, retry_after=retry_after)


class Provider(abc.ABC):
    """One configured model endpoint; `send` is the only call the router makes."""

    def __init__(
        self,
        config: ProviderConfig,
        client: httpx.AsyncClient | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config
        self._client = client
        self._owns_client = client is None
        self._environ = os.environ if environ is None else environ

    @property
    def id(self) -> str:
        return self.config.id

    # -- what each vendor says ---------------------------------------------------------------

    @abc.abstractmethod
    def url(self, request: LLMRequest, stream: bool) -> str:
        """The endpoint for this request."""

    @abc.abstractmethod
    def headers(self, key: str | None) -> dict[str, str]:
        """Request headers, authentication included."""

    @abc.abstractmethod
    def body(self, request: LLMRequest, stream: bool) -> dict[str, typing.Any]:
        """The JSON body."""

    @abc.abstractmethod
    def parse(self, payload: typing.Any) -> Parsed:
        """A complete (non-streamed) response body."""

    @abc.abstractmethod
    async def parse_stream(
        self, chunks: AsyncIterator[str], on_text: OnText = ignore_text
    ) -> Parsed:
        """A streamed response; raises `Truncated` when the stream ends without its end mark.
        ``on_text`` is given each piece of the answer's text as it arrives."""

    @abc.abstractmethod
    def classify(self, status: int, headers: Mapping[str, str], text: str) -> errors.LLMError:
        """An error response as the most specific `LLMError`."""

    # -- shared ------------------------------------------------------------------------------

    def api_key(self) -> str | None:
        """The key from the configured environment variable; a clear error when unset."""
        name = self.config.api_key_env
        if not name:
            return None
        missing = self.missing_key()
        if missing:
            raise errors.ConfigurationError(missing, provider=self.config.id)
        return self._environ.get(name, "").strip()

    def missing_key(self) -> str:
        """Why the provider has no key ("" when it has one or needs none)."""
        name = self.config.api_key_env
        if not name or self._environ.get(name, "").strip():
            return ""
        return f"the environment variable {name} is not set (needed by provider {self.config.id!r})"

    def _clean(self, text: str) -> str:
        """Vendor text for an error message: without the key, cut short (scrubbed first,
        since a key cut in half would survive the scrubbing)."""
        try:
            key = self.api_key()
        except errors.ConfigurationError:
            key = None
        return self._scrub(text, key)[:MAX_VENDOR_MESSAGE]

    def output_tokens(self, request: LLMRequest) -> int:
        """The output limit to send: the provider's ``maxOutputTokens`` when the user set
        one, else what the request asks for (the prompt template's own limit)."""
        return max(self.config.max_output_tokens or request.max_tokens, 1)

    def structured_system(self, request: LLMRequest) -> str:
        """The system prompt, with the JSON-only instruction when the vendor cannot enforce it."""
        if request.json_schema is None or self.config.structured == "schema":
            return request.system
        schema = json.dumps(request.json_schema, separators=(",", ":"))
        return f"{request.system}\n\n{JSON_ONLY.format(schema=schema)}"

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(
                transport=httpx.AsyncHTTPTransport(retries=1),  # connect errors only
                limits=httpx.Limits(max_connections=max(self.config.max_concurrency, 1) * 2),
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None

    async def send(
        self,
        request: LLMRequest,
        timeouts: Timeouts | None = None,
        on_text: OnText = ignore_text,
    ) -> LLMResponse:
        """One attempt: send, read (streamed or whole), and return or raise an `LLMError`.
        ``on_text`` sees the answer's text as it arrives (all at once when not streamed)."""
        import httpx

        limits = timeouts or self.config.timeouts
        key = self.api_key()
        stream = request.stream and self.config.stream
        headers = {**self.headers(key), **self.config.headers}
        client = self.client()
        http_request = client.build_request(
            "POST",
            self.url(request, stream),
            headers=headers,
            json=self.body(request, stream),
            # httpx's read timeout is only a backstop: first byte and idle are timed here.
            timeout=httpx.Timeout(max(limits.first_byte, limits.idle) + 1, connect=limits.connect),
        )
        started = time.perf_counter()
        try:
            async with asyncio.timeout(limits.first_byte):
                response = await client.send(http_request, stream=True)
        except TimeoutError:
            raise errors.ProviderTimeout(
                f"no response within the first-byte timeout ({limits.first_byte:g} s)",
                provider=self.id,
            ) from None
        except httpx.TimeoutException as error:
            kind = errors.ConnectFailed if isinstance(error, httpx.ConnectTimeout) else None
            raise (kind or errors.ProviderTimeout)(
                "no response before the first-byte timeout"
                if kind is None
                else "could not connect in time",
                provider=self.id,
            ) from None
        except httpx.TransportError as error:
            raise errors.ConnectFailed(
                self._scrub(f"cannot reach {self.config.base_url}: {type(error).__name__}", key),
                provider=self.id,
            ) from None
        first_byte = (time.perf_counter() - started) * 1000
        try:
            chunks = self._chunks(response, limits.idle)
            if response.status_code >= 400:
                text = "".join([chunk async for chunk in chunks])
                failure = self.classify(response.status_code, response.headers, text)
                if isinstance(failure, errors.RateLimited) and failure.retry_after is None:
                    failure.retry_after = rate_limit_wait(response.headers)
                if failure.retry is None:
                    failure.retry = should_retry(response.headers)
                raise failure
            if stream:
                parsed = await self.parse_stream(chunks, on_text)
            else:
                text = await self._body(response, limits.idle)
                payload = json_or_none(text)
                if payload is None:
                    raise errors.ServerError("malformed JSON in the response", provider=self.id)
                parsed = self.parse(payload)
                on_text(parsed.text)
        except errors.LLMError as error:
            error.provider = error.provider or self.id
            error.message = self._scrub(error.message, key)  # vendors echo keys back
            error.args = (error.message,)
            raise
        finally:
            await response.aclose()
        return LLMResponse(
            text=parsed.text,
            finish=parsed.finish,
            usage=parsed.usage,
            provider=self.id,
            model=parsed.model or self.config.model,
            latency_ms=(time.perf_counter() - started) * 1000,
            first_byte_ms=first_byte,
            request_id=parsed.request_id,
            headers=dict(response.headers.items()),
        )

    async def _body(self, response: httpx.Response, idle: float) -> str:
        """A whole (non-streamed) body, read under one idle timeout."""
        import httpx

        try:
            async with asyncio.timeout(idle):
                await response.aread()
        except TimeoutError:
            raise errors.ProviderTimeout(
                f"the response body stalled for {idle:g} s", provider=self.id
            ) from None
        except httpx.TransportError as error:
            raise errors.Truncated(
                f"the connection broke mid-response ({type(error).__name__})", provider=self.id
            ) from None
        return response.text

    async def _chunks(self, response: httpx.Response, idle: float) -> AsyncIterator[str]:
        """Decoded text chunks; `ProviderTimeout` after ``idle`` seconds of silence."""
        import httpx

        iterator = response.aiter_text().__aiter__()
        while True:
            try:
                async with asyncio.timeout(idle):
                    chunk = await iterator.__anext__()
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise errors.ProviderTimeout(
                    f"the stream went silent for {idle:g} s", provider=self.id
                ) from None
            except httpx.TransportError as error:
                raise errors.Truncated(
                    f"the connection broke mid-response ({type(error).__name__})",
                    provider=self.id,
                ) from None
            yield chunk

    @staticmethod
    def _scrub(message: str, key: str | None) -> str:
        if key and key in message:
            message = message.replace(key, "***")
        return message
