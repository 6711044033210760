"""One provider as the router drives it: its circuit breaker, its concurrency and rate
limits, and what it did (calls, failures, tokens, money, latency) for `Router.stats`."""

from __future__ import annotations

import asyncio
import typing
from dataclasses import dataclass, field

from peer_lsp.llm import errors
from peer_lsp.llm.resilience import Bucket, CircuitBreaker, Clock, Sleep, TokenBucket
from peer_lsp.llm.types import LLMResponse, Usage

if typing.TYPE_CHECKING:
    from peer_lsp.llm.config import ProviderConfig
    from peer_lsp.llm.providers.base import Provider
    from peer_lsp.llm.shared_limits import SharedLimits


def cost_of(config: ProviderConfig, usage: Usage) -> float | None:
    """What ``usage`` costs at the provider's ``priceInputPerMtok`` / ``priceOutputPerMtok``
    (`ProviderConfig.cost`, in the prices' currency); None when neither price is set:
    unknown, not free. The lane's statistics and the audit log take it from here.
    """
    if not (config.price_input_per_mtok or config.price_output_per_mtok):
        return None
    return config.cost(usage)


@dataclass
class ProviderStats:
    """What one provider did: calls, outcomes, tokens, money and latency."""

    calls: int = 0
    successes: int = 0
    cancelled: int = 0
    """Calls the caller gave up on (an explanation closed by its reader): no outcome."""
    failures: dict[str, int] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    last_latency_ms: float = 0.0
    ewma_latency_ms: float = 0.0

    @property
    def success_rate(self) -> float:
        decided = self.calls - self.cancelled
        return self.successes / decided if decided else 1.0


@dataclass
class ProviderLane:
    """A provider with its breaker, limits and statistics."""

    provider: Provider
    breaker: CircuitBreaker
    slots: asyncio.Semaphore
    bucket: Bucket | None
    stats: ProviderStats = field(default_factory=ProviderStats)
    in_flight: int = 0
    max_in_flight: int = 0
    last_failure: str = ""
    """The latest failure that counted against the breaker: why its circuit is open."""

    @classmethod
    def for_provider(
        cls, provider: Provider, clock: Clock, sleep: Sleep, shared: SharedLimits | None = None
    ) -> ProviderLane:
        """A lane with the limits of the provider's config: ``maxConcurrency`` calls at
        once, and ``requestsPerMinute`` when set: shared by every process on the same Redis
        with ``shared`` (`peer_lsp.llm.shared_limits`), else this process's own."""
        config = provider.config
        bucket: Bucket | None = None
        if config.requests_per_minute > 0:
            bucket = (
                shared.bucket(provider.id, config.requests_per_minute)
                if shared is not None
                else TokenBucket(config.requests_per_minute, clock=clock, sleep=sleep)
            )
        return cls(
            provider,
            CircuitBreaker(clock=clock),
            asyncio.Semaphore(max(config.max_concurrency, 1)),
            bucket,
        )

    def record_failure(self, error: errors.LLMError) -> None:
        """Count a failed call; one that says the provider is unwell
        (`LLMError.blames_provider`) also counts against its breaker."""
        failures = self.stats.failures
        failures[error.kind.value] = failures.get(error.kind.value, 0) + 1
        if error.blames_provider:
            self.breaker.record_failure(error.kind)
            self.last_failure = str(error)

    def record_success(self, response: LLMResponse) -> float | None:
        """Count a complete answer: its tokens, its price and its latency; what it cost
        (`cost_of`), for the audit log."""
        stats = self.stats
        cost = cost_of(self.provider.config, response.usage)
        stats.successes += 1
        stats.usage = stats.usage + response.usage
        stats.cost += cost or 0.0
        stats.last_latency_ms = response.latency_ms
        stats.ewma_latency_ms = (
            response.latency_ms
            if stats.successes == 1
            else 0.8 * stats.ewma_latency_ms + 0.2 * response.latency_ms
        )
        return cost

    def report(self) -> dict[str, typing.Any]:
        """Breaker state, calls, failures, tokens, cost and latency, ready for JSON."""
        s = self.stats
        return {
            "model": self.provider.config.model,
            "breaker": self.breaker.state.value,
            "breakerSecondsLeft": round(self.breaker.seconds_left(), 1),
            "lastFailure": self.last_failure or None,
            "calls": s.calls,
            "successes": s.successes,
            "cancelled": s.cancelled,
            "successRate": round(s.success_rate, 3),
            "failures": dict(s.failures),
            "inputTokens": s.usage.input_tokens,
            "outputTokens": s.usage.output_tokens,
            "cost": round(s.cost, 6),
            "lastLatencyMs": round(s.last_latency_ms, 1),
            "latencyMs": round(s.ewma_latency_ms, 1),
            "inFlight": self.in_flight,
            "maxInFlight": self.max_in_flight,
        }
