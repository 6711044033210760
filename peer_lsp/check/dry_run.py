"""`peer check --dry-run`: what a run would send to models, and about what it would cost.

Nothing is sent. The run reads, parses and checks every file as usual, asks the answer cache
for each unit, and cuts the units it does not answer into the requests a review would send
(`peer_lsp.review.batches.ReviewPlan`). Input tokens are the estimate the budgets use.
Output tokens cannot be known before a model answers: they are estimated per unit from the
audit log's last `HISTORY_DAYS` days for the same provider and model (the tokens its answers
took per unit answered), else `DEFAULT_OUTPUT_PER_UNIT`; the most they could be (every
request at its output limit) is given too. The cost is the providers' prices
(``priceInputPerMtok``, ``priceOutputPerMtok``) applied to those estimates; a provider
without prices makes its share unknown, and says so by name.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from peer_lsp.llm.types import Usage

if typing.TYPE_CHECKING:
    from pathlib import Path

    from peer_lsp.llm.config import LLMConfig
    from peer_lsp.review.batches import ReviewPlan

DEFAULT_OUTPUT_PER_UNIT = 200
"""Output tokens a unit's answer is assumed to take when the audit log has no history."""
HISTORY_DAYS = 7


@dataclass
class Estimate:
    """The figures of a dry run."""

    units: int = 0
    cached: int = 0
    unsendable: int = 0
    requests: int = 0
    units_sent: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    max_output_tokens: int = 0
    cost: float = 0.0
    unpriced: list[str] = field(default_factory=list)
    """Providers that would be asked without a price set: their share is unknown."""
    output_basis: dict[str, int | None] = field(default_factory=dict)
    """Per provider/model, the output tokens per unit the history gave (None: assumed)."""

    def line(self) -> str:
        """One line for stderr."""
        head = (
            f"dry run, nothing sent: {self.units:,} unit{_s(self.units)} to review, "
            f"{self.cached:,} from the cache"
        )
        if self.unsendable:
            head += f", {self.unsendable:,} that no request can carry"
        if not self.requests:
            return f"{head}; no request to send"
        assumed = [name for name, per_unit in self.output_basis.items() if per_unit is None]
        basis = (
            f"{DEFAULT_OUTPUT_PER_UNIT} a unit assumed"
            if assumed
            else f"the last {HISTORY_DAYS} days' average"
        )
        return (
            f"{head}; {self.requests:,} request{_s(self.requests)} for {self.units_sent:,} "
            f"unit{_s(self.units_sent)}, ~{self.input_tokens:,} tokens in, "
            f"~{self.output_tokens:,} out ({basis}; at most {self.max_output_tokens:,}), "
            f"{self._cost()}"
        )

    def _cost(self) -> str:
        if self.unpriced and not self.cost:
            return "cost unknown (no price set)"
        known = f"~${self.cost:.4f}"
        if self.unpriced:
            return f"{known} + unknown for {', '.join(self.unpriced)}"
        return known

    def to_json(self) -> dict[str, object]:
        return {
            "units": self.units,
            "cached": self.cached,
            "unsendable": self.unsendable,
            "requests": self.requests,
            "unitsSent": self.units_sent,
            "inputTokens": self.input_tokens,
            "outputTokens": self.output_tokens,
            "maxOutputTokens": self.max_output_tokens,
            "cost": None if self.unpriced and not self.cost else round(self.cost, 6),
            "unpriced": list(self.unpriced),
            "outputTokensPerUnit": dict(self.output_basis),
        }


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def estimate(plan: ReviewPlan, config: LLMConfig, audit_log: Path | None) -> Estimate:
    """The dry run's figures: ``plan`` priced with ``config``'s providers, output tokens
    from the audit log's history (``audit_log``; None: no history)."""
    history = _output_per_unit(audit_log)
    providers = {provider.id: provider for provider in config.providers}
    result = Estimate(plan.units, plan.cached, plan.unsendable, len(plan.requests))
    for request in plan.requests:
        key = f"{request.provider}/{request.model}"
        per_unit = history.get((request.provider, request.model))
        result.output_basis.setdefault(key, per_unit)
        output = min(
            request.units * (per_unit or DEFAULT_OUTPUT_PER_UNIT), request.max_output_tokens
        )
        result.units_sent += request.units
        result.input_tokens += request.input_tokens
        result.output_tokens += output
        result.max_output_tokens += request.max_output_tokens
        provider = providers.get(request.provider)
        if provider is None or not provider.priced:
            if request.provider not in result.unpriced:
                result.unpriced.append(request.provider)
            continue
        result.cost += provider.cost(Usage(request.input_tokens, output))
    return result


def _output_per_unit(audit_log: Path | None) -> dict[tuple[str, str], int]:
    """Output tokens per unit answered, by provider and model, over the last days."""
    if audit_log is None:
        return {}
    from peer_lsp.llm.usage_stats import Period, read_usage

    now = datetime.now(UTC)
    report = read_usage(audit_log, Period(now - timedelta(days=HISTORY_DAYS), now))
    return {
        key: round(usage.output_tokens / usage.units_answered)
        for key, usage in report.models.items()
        if usage.units_answered and usage.output_tokens
    }
