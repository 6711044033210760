"""Identical requests in flight share one call; the call is cancelled only when every caller
has gone."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from peer_lsp.llm.types import LLMRequest, LLMResponse


def request_key(request: LLMRequest, scope: str, normalized_code: str = "") -> str:
    """Identity of a request for de-duplication: everything that changes the answer."""
    payload = {
        "scope": scope,
        "system": request.system,
        "user": request.user,
        "code": normalized_code,
        "schema": request.json_schema,
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
        "prompt_version": request.prompt_version,
        "context": request.context_key,
        "language": request.language,
        "task": request.task.value,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class _Shared:
    task: asyncio.Task[LLMResponse]
    callers: int = 0


class InFlight:
    """The calls in flight by `request_key`, and how many callers joined one already made."""

    def __init__(self) -> None:
        self._calls: dict[str, _Shared] = {}
        self.deduplicated = 0

    def __len__(self) -> int:
        return len(self._calls)

    async def join(
        self, key: str, start: Callable[[], Coroutine[Any, Any, LLMResponse]]
    ) -> LLMResponse:
        """The answer of the call in flight under ``key``, made with ``start()`` if none is."""
        shared = self._calls.get(key)
        if shared is None:
            task = asyncio.ensure_future(start())
            shared = _Shared(task)
            self._calls[key] = shared
            task.add_done_callback(lambda _t: self._forget(key, shared))
        else:
            self.deduplicated += 1
        shared.callers += 1
        try:
            return await asyncio.shield(shared.task)
        finally:
            shared.callers -= 1
            if shared.callers == 0 and not shared.task.done():
                shared.task.cancel()  # every caller is gone: hang up on the provider

    def _forget(self, key: str, shared: _Shared) -> None:
        if self._calls.get(key) is shared:
            del self._calls[key]
        if not shared.task.cancelled() and shared.task.exception() is not None:
            shared.task.exception()  # retrieved: no "exception never retrieved" warnings
