"""The bill of one `peer check` run with a model: what it sent, what the cache answered, the
tokens, the money and the time, in one line for stderr and an object for the JSON output.

Every figure but the units a model answered comes from the router (`Router.stats`): the
calls each provider was sent (retries and failed calls included: a provider may bill them),
the tokens and the cost of the answers (priced as `ProviderLane.record_success` prices them,
from ``priceInputPerMtok`` and ``priceOutputPerMtok``), and the cache hits. A provider that
was called and has no price set makes the cost unknown, for the whole run when it is the
only one called, else for its share (named). Nothing is estimated here: a figure the router
does not have is not made up.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

if typing.TYPE_CHECKING:
    from collections.abc import Mapping

    from peer_lsp.llm.config import LLMConfig


@dataclass(frozen=True, slots=True)
class Bill:
    """What one run cost."""

    requests: int
    """Calls sent to providers (each retry counts)."""
    units: int
    """Units a model answered in this run (a request may answer several)."""
    cached: int
    """Units answered from the answer cache: no call, no cost."""
    input_tokens: int
    output_tokens: int
    cost: float
    """In dollars, of the providers with a price."""
    unpriced: tuple[str, ...]
    """Providers called without a price set: their share of the cost is unknown."""
    seconds: float
    """Wall time of the run."""

    @classmethod
    def from_router(
        cls, stats: Mapping[str, typing.Any], config: LLMConfig, *, units: int, seconds: float
    ) -> Bill:
        """The bill from ``stats`` (`Router.stats`), the providers' prices in ``config``,
        the units a model answered and the run's wall time."""
        providers: Mapping[str, Mapping[str, typing.Any]] = stats["providers"]
        priced = {provider.id for provider in config.providers if provider.priced}
        called = [pid for pid, report in providers.items() if report["calls"]]
        return cls(
            requests=sum(int(report["calls"]) for report in providers.values()),
            units=units,
            cached=int(stats["cacheHits"]),
            input_tokens=sum(int(report["inputTokens"]) for report in providers.values()),
            output_tokens=sum(int(report["outputTokens"]) for report in providers.values()),
            cost=sum(float(report["cost"]) for report in providers.values()),
            unpriced=tuple(pid for pid in called if pid not in priced),
            seconds=seconds,
        )

    @property
    def cost_known(self) -> bool:
        """Whether some of the cost is known: a priced provider answered, or no provider
        without a price was called."""
        return not self.unpriced or self.cost > 0

    def line(self) -> str:
        """``97 requests (412 units), 120 units from cache, 81,230 tokens in, 9,112 out,
        ~$0.0312, 41.2 s`` (without the program's name)."""
        requests = _count(self.requests, "request")
        units = _count(self.units, "unit")
        cached = _count(self.cached, "unit")
        return (
            f"{requests} ({units}), {cached} from cache, {self.input_tokens:,} tokens in, "
            f"{self.output_tokens:,} out, {self.money()}, {self.seconds:.1f} s"
        )

    def money(self) -> str:
        """``~$0.0312``; ``$0`` when nothing was spent; ``cost unknown`` when no provider
        called has a price; ``~$0.0312 + unknown for NAME`` when some have none."""
        if not self.cost_known:
            return "cost unknown"
        if not self.cost:
            return "$0"
        amount = _dollars(self.cost)
        if self.unpriced:
            return f"{amount} + unknown for {', '.join(self.unpriced)}"
        return amount

    def to_json(self) -> dict[str, object]:
        """The ``usage`` object of the JSON output: the line's figures but the time (so that
        the output of two runs that sent the same requests is the same bytes). ``cost`` is
        null when unknown; ``unpriced`` names the providers whose share it leaves out."""
        return {
            "requests": self.requests,
            "units": self.units,
            "cachedUnits": self.cached,
            "inputTokens": self.input_tokens,
            "outputTokens": self.output_tokens,
            "cost": round(self.cost, 6) if self.cost_known else None,
            "unpriced": list(self.unpriced),
        }


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _dollars(cost: float) -> str:
    """About ``cost``: cents above a dollar, four decimals below, ``<$0.0001`` below that."""
    if cost >= 1:
        return f"~${cost:,.2f}"
    if 0 < cost < 0.0001:
        return "<$0.0001"
    return f"~${cost:.4f}"
