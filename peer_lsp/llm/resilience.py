"""Small resilience pieces for the router: backoff with full jitter, a circuit breaker, a
token bucket. Pure and clock-injected, so tests drive them without waiting.
"""

from __future__ import annotations

import asyncio
import enum
import random
import time
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from peer_lsp.llm.errors import ErrorKind

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def full_jitter(attempt: int, rng: random.Random, base: float = 0.5, cap: float = 8.0) -> float:
    """Delay before retry number ``attempt`` (0-based): uniform in [0, min(cap, base·2^n)].

    Full jitter spreads clients that failed together, instead of making them retry together.
    """
    return rng.uniform(0.0, min(cap, base * (2**attempt)))


class BreakerState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


# Failures that say "this provider will not work for a while", not "this call failed".
_LONG_OPEN = {ErrorKind.AUTH: 3600.0, ErrorKind.QUOTA: 3600.0, ErrorKind.NOT_FOUND: 600.0}


@dataclass
class CircuitBreaker:
    """Per-provider breaker: opens after consecutive failures, probes once after a cool-down.

    Closed: calls pass. Open: calls are refused until the cool-down ends, then one probe is
    let through (half-open); its success closes the breaker, its failure opens it again for
    twice as long (up to ``max_cooldown``). Auth, quota and not-found failures open it at
    once, for longer. A failure while open never shortens the deadline.
    """

    failure_threshold: int = 3
    cooldown: float = 30.0
    max_cooldown: float = 600.0
    clock: Clock = time.monotonic
    state: BreakerState = BreakerState.CLOSED
    consecutive_failures: int = 0
    open_until: float = 0.0
    opened: int = 0
    _current_cooldown: float = 0.0
    _probing: bool = False

    def allow(self) -> bool:
        """Whether a call may go to this provider now (taking the half-open probe slot)."""
        if self.state is BreakerState.CLOSED:
            return True
        if self.state is BreakerState.OPEN and self.clock() >= self.open_until:
            self.state = BreakerState.HALF_OPEN
            self._probing = False
        if self.state is BreakerState.HALF_OPEN and not self._probing:
            self._probing = True
            return True
        return False

    def record_success(self) -> None:
        self.state = BreakerState.CLOSED
        self.consecutive_failures = 0
        self._current_cooldown = 0.0
        self._probing = False

    def record_failure(self, kind: ErrorKind) -> None:
        self.consecutive_failures += 1
        long_open = _LONG_OPEN.get(kind)
        if long_open is not None:
            self._open(long_open)
        elif self.state is BreakerState.HALF_OPEN:
            self._open(min(max(self._current_cooldown * 2, self.cooldown), self.max_cooldown))
        elif self.consecutive_failures >= self.failure_threshold:
            self._open(self._current_cooldown or self.cooldown)
        self._probing = False

    def _open(self, seconds: float) -> None:
        self.state = BreakerState.OPEN
        self.opened += 1
        self._current_cooldown = seconds
        self.open_until = max(self.open_until, self.clock() + seconds)

    def seconds_left(self) -> float:
        return max(self.open_until - self.clock(), 0.0) if self.state is BreakerState.OPEN else 0.0


class Bucket(typing.Protocol):
    """A rate limit: ``acquire`` returns when a request may start (`TokenBucket`, or one
    shared by processes: `peer_lsp.llm.shared_limits.SharedBucket`)."""

    async def acquire(self) -> None: ...


class TokenBucket:
    """Requests per minute, with bursts up to ``burst``; ``acquire`` waits for a token."""

    def __init__(
        self,
        per_minute: float,
        burst: int | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst if burst is not None else max(1, round(per_minute / 6)))
        self.tokens = self.capacity
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self.tokens = min(self.capacity, self.tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self) -> None:
        async with self._lock:  # first come, first served
            self._refill()
            while self.tokens < 1.0:
                await self._sleep((1.0 - self.tokens) / self.rate)
                self._refill()
            self.tokens -= 1.0
