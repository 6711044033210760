"""What the cache stores and serves: the answer model, the cache interface, what may go in.

Values are JSON (never pickle): the answer text, token usage, who answered and how long it
took, and when. Only complete answers go in: `store_response` refuses truncated, filtered,
refused and empty answers (content validation is the caller's, before it stores).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from peer_lsp.llm.types import Finish, LLMResponse, Usage

log = logging.getLogger("peer_lsp.llm.cache")
"""The whole cache logs under the package's name: `peer cache` shows its warnings."""


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """A stored answer: its text, token usage, who gave it, how long it took, and when."""

    text: str
    usage: Usage
    provider: str
    model: str
    latency_ms: float
    created: float
    """Seconds since the epoch when the answer was received."""

    @classmethod
    def from_response(cls, response: LLMResponse, created: float | None = None) -> CachedAnswer:
        return cls(
            response.text,
            response.usage,
            response.provider,
            response.model,
            response.latency_ms,
            time.time() if created is None else created,
        )

    def to_response(self) -> LLMResponse:
        """The answer as the router returns it, marked as coming from the cache."""
        return LLMResponse(
            self.text,
            Finish.STOP,
            self.usage,
            self.provider,
            self.model,
            latency_ms=self.latency_ms,
            cached=True,
        )

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: object) -> CachedAnswer:
        """The answer in ``data``; ValueError when it is not one."""
        if not isinstance(data, Mapping):
            raise ValueError("an answer must be a JSON object")
        usage = data.get("usage")
        if not isinstance(usage, Mapping):
            raise ValueError("usage must be a JSON object")
        return cls(
            _typed(data, "text", str),
            Usage(*(_typed(usage, f.name, int) for f in dataclasses.fields(Usage))),
            _typed(data, "provider", str),
            _typed(data, "model", str),
            float(_typed(data, "latency_ms", int | float)),
            float(_typed(data, "created", int | float)),
        )

    def encode(self) -> bytes:
        return json.dumps(self.to_json(), separators=(",", ":")).encode("utf-8")

    @classmethod
    def decode(cls, raw: object) -> CachedAnswer:
        """The answer stored as ``raw`` bytes; ValueError when they hold none."""
        if not isinstance(raw, bytes):
            raise ValueError(f"a stored answer must be bytes, not {type(raw).__name__}")
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"a stored answer is not JSON: {error}") from None
        return cls.from_json(data)


def _typed(data: Mapping[str, Any], name: str, kind: Any) -> Any:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ValueError(f"{name} is missing or of the wrong type")
    return value


@dataclass(frozen=True, slots=True)
class CacheStats:
    """What a cache holds and how it has served: counts across runs plus this process."""

    backend: str
    location: str
    hits: int = 0
    misses: int = 0
    errors: int = 0
    entries: int = 0
    size_bytes: int = 0
    """Disk: the database and value files. Redis: the stored values, without overhead."""
    size_limit: int = 0
    """Bytes the backend keeps itself under; 0 when that is not ours to say (Redis)."""
    complete: bool = True
    """False when entries and size were counted from a bounded scan and may be more."""


class AnswerCache(Protocol):
    """What the router needs from a cache. No method raises: failures are misses or no-ops."""

    async def get(self, key: str) -> CachedAnswer | None: ...

    async def put(self, key: str, answer: CachedAnswer) -> None: ...

    async def stats(self) -> CacheStats: ...

    async def clear(self) -> int:
        """Delete every answer of ours; return how many were deleted."""
        ...

    async def aclose(self) -> None: ...


def unstorable(response: LLMResponse) -> str | None:
    """Why ``response`` must not be cached, or None when it may be."""
    if response.finish is not Finish.STOP:
        return f"it did not finish normally ({response.finish})"
    if not response.text.strip():
        return "it is empty"
    if response.cached:
        return "it came from the cache"
    return None


async def store_response(cache: AnswerCache, key: str, response: LLMResponse) -> bool:
    """Store a complete answer under ``key``; refuse anything else.

    True when the answer went to the cache (which may still fail to keep it, quietly).

    Truncated (``length``), filtered, refused, tool-call and empty answers are refused.
    Whether the text is a valid review is for the caller to check before it calls this.
    """
    reason = unstorable(response)
    if reason is not None:
        log.debug("not caching the answer of %s/%s: %s", response.provider, response.model, reason)
        return False
    await cache.put(key, CachedAnswer.from_response(response))
    return True
