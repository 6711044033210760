"""The bill, read from the audit log: what `peer stats` prints and the editor's health view shows.

`read_usage` streams the audit log (`peer_lsp.llm.guard`: one JSON line per outcome) and its
rotated predecessor ``audit.jsonl.1``, keeps the lines of a `Period` and adds them up per
provider and model (`ModelUsage`): requests sent, answers, answers from the cache and the
cache hit rate, latency percentiles, tokens, cost, failures by kind, refusals by reason.
`UsageReport.to_json` is the one plain-data form, documented in docs/providers.md ("The bill")
and versioned by `SCHEMA_VERSION`: `peer stats --format json` prints it, `peer.health` carries
it, the text table is drawn from it.

What each outcome counts for:

- ``sent``: a request the provider answered: one request, one answer, its tokens, cost and
  latency; ``units`` units answered (1 unless several were batched into it);
- ``error:KIND``: a request that failed (a retry is another request): a failure of that kind;
- ``cancelled``: a request abandoned by its caller (an edit made it stale);
- ``cached``: a unit answered from the cache: nothing sent, nothing spent;
- ``refused:REASON``: a request the guard kept on the machine (``excluded``, ``too-large``).

The cache hit rate is cached units / (cached units + units answered by a provider). Latency
percentiles are nearest-rank, over answered requests. A line written by an older version
lacks some fields: a missing ``units`` is 1, a missing ``cost`` is unknown (the answer counts
under ``unpriced``, as do answers of a provider with no price set). A line that cannot be read
(not JSON, no timestamp, no outcome) is skipped and counted as malformed, never fatal.

Plain Python over the standard library: the server calls it off its event loop
(`asyncio.to_thread`), `peer stats` in the foreground. Lines are read one at a time, and a
line outside the period is dropped on its timestamp, before it is decoded.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

SCHEMA_VERSION = 1
"""Raised when a key of `UsageReport.to_json` changes meaning or goes; new keys keep it."""

PERCENTILES = (50, 95, 99)

_RELATIVE = re.compile(r"(\d+)\s*([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_LEADING_TS = re.compile(rb'\{\s*"ts"\s*:\s*"([^"\\]{1,64})"')
_CANONICAL_TS = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def iso(moment: datetime) -> str:
    """A UTC time as the audit log writes it: ``2026-12-01T09:30:00.000Z``."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def parse_when(text: str, now: datetime) -> datetime:
    """A moment given on the command line: ``now``, ``today`` (00:00 UTC), a span back from
    ``now`` (``90m``, ``24h``, ``7d``, ``2w``), or an ISO date or time (UTC unless it says
    otherwise). `ValueError` naming what is accepted, for anything else."""
    word = text.strip().lower()
    if word == "now":
        return now
    if word == "today":
        return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    relative = _RELATIVE.fullmatch(word)
    if relative is not None:
        amount, unit = int(relative.group(1)), relative.group(2)
        return now - timedelta(**{_UNITS[unit]: amount})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"not a time: {text!r} (expected now, today, a span such as 24h or 7d, "
            "or an ISO date or time such as 2026-12-01 or 2026-12-01T09:30Z)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Period:
    """From ``since`` (included) to ``until`` (excluded), both aware."""

    since: datetime
    until: datetime

    @classmethod
    def today(cls, now: datetime | None = None) -> Period:
        """The current UTC day so far: what the editor's health view shows."""
        now = now or datetime.now(UTC)
        return cls(parse_when("today", now), now + timedelta(milliseconds=1))


def audit_files(path: Path) -> list[Path]:
    """The rotated log (``audit.jsonl.1``: older lines) then the current one."""
    return [path.with_name(path.name + ".1"), path]


def percentile(ordered: list[float], p: float) -> float | None:
    """The nearest-rank ``p``-th percentile of sorted values; None for none."""
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _count(value: object) -> int:
    """A whole, non-negative count from a line, or 0 when missing or not a count."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _number(value: object) -> float | None:
    """A finite non-negative number from a line, or None (unknown)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


@dataclass
class ModelUsage:
    """The figures of one provider and model (or of all: the total) over a period."""

    provider: str
    model: str
    answered: int = 0
    units_answered: int = 0
    cached: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    cancelled: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    other: dict[str, int] = field(default_factory=dict)
    """Outcomes this version does not know (written by a newer one), as they are."""
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    cost: float = 0.0
    priced: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def requests(self) -> int:
        """Requests that went to the provider: answered, failed or abandoned."""
        return self.answered + sum(self.failures.values()) + self.cancelled

    @property
    def cache_hit_rate(self) -> float | None:
        looked_up = self.cached + self.units_answered
        return self.cached / looked_up if looked_up else None

    def add(self, record: dict[str, Any], outcome: str) -> None:
        """Count one audit line whose ``outcome`` is already known to be a string."""
        units = _count(record.get("units")) or 1
        if outcome == "sent":
            self.answered += 1
            self.units_answered += units
            self.input_tokens += _count(record.get("input_tokens"))
            self.output_tokens += _count(record.get("output_tokens"))
            self.cached_input_tokens += _count(record.get("cached_input_tokens"))
            cost = _number(record.get("cost"))
            if cost is not None:
                self.cost += cost
                self.priced += 1
            latency = _number(record.get("latency_ms"))
            if latency is not None:
                self.latencies.append(latency)
        elif outcome == "cached":
            self.cached += units
        elif outcome == "cancelled":
            self.cancelled += 1
        else:
            group, _, kind = outcome.partition(":")
            tally = {"error": self.failures, "refused": self.refused}.get(group, self.other)
            kind = kind if tally is not self.other and kind else outcome
            tally[kind] = tally.get(kind, 0) + 1

    def absorb(self, other: ModelUsage) -> None:
        """Add another group's figures to these (the total)."""
        self.answered += other.answered
        self.units_answered += other.units_answered
        self.cached += other.cached
        self.cancelled += other.cancelled
        pairs = (
            (self.failures, other.failures),
            (self.refused, other.refused),
            (self.other, other.other),
        )
        for mine, theirs in pairs:
            for kind, count in theirs.items():
                mine[kind] = mine.get(kind, 0) + count
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cached_input_tokens += other.cached_input_tokens
        self.cost += other.cost
        self.priced += other.priced
        self.latencies.extend(other.latencies)

    def to_json(self) -> dict[str, Any]:
        """The figures as plain data (keys in docs/providers.md, "The bill")."""
        ordered = sorted(self.latencies)
        rate = self.cache_hit_rate
        return {
            "provider": self.provider,
            "model": self.model,
            "requests": self.requests,
            "answered": self.answered,
            "unitsAnswered": self.units_answered,
            "cached": self.cached,
            "cacheHitRate": None if rate is None else round(rate, 4),
            "latencyMs": {f"p{p}": _rounded(percentile(ordered, p)) for p in PERCENTILES},
            "inputTokens": self.input_tokens,
            "outputTokens": self.output_tokens,
            "cachedInputTokens": self.cached_input_tokens,
            "cost": round(self.cost, 6) if self.priced else None,
            "unpriced": self.answered - self.priced,
            "failures": dict(sorted(self.failures.items())),
            "cancelled": self.cancelled,
            "refused": dict(sorted(self.refused.items())),
            "other": dict(sorted(self.other.items())),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass
class UsageReport:
    """Every provider and model's figures over one period, and what reading the log met."""

    period: Period
    audit_log: str = ""
    """The audit log's path (its rotated file is beside it)."""
    files: list[str] = field(default_factory=list)
    lines: int = 0
    """Lines in the period (malformed ones included)."""
    malformed: int = 0
    problems: list[str] = field(default_factory=list)
    """Files that exist but could not be read, with why."""
    models: dict[tuple[str, str], ModelUsage] = field(default_factory=dict)

    def total(self) -> ModelUsage:
        total = ModelUsage("", "")
        for usage in self.models.values():
            total.absorb(usage)
        return total

    def ordered(self) -> list[ModelUsage]:
        return [self.models[key] for key in sorted(self.models)]

    def to_json(self) -> dict[str, Any]:
        """The report as plain data: `SCHEMA_VERSION`, the period, the files read, line
        counts, one entry per provider and model (sorted), and the total."""
        total = self.total().to_json()
        del total["provider"], total["model"]
        return {
            "version": SCHEMA_VERSION,
            "since": iso(self.period.since),
            "until": iso(self.period.until),
            "auditLog": self.audit_log,
            "files": list(self.files),
            "lines": self.lines,
            "malformed": self.malformed,
            "problems": list(self.problems),
            "models": [usage.to_json() for usage in self.ordered()],
            "total": total,
        }


def read_usage(path: Path, period: Period) -> UsageReport:
    """The figures of ``period`` from the audit log at ``path`` and its rotated file."""
    report = UsageReport(period, str(path))
    since, until = iso(period.since).encode(), iso(period.until).encode()
    for file in audit_files(path):
        try:
            handle = file.open("rb")
        except FileNotFoundError:
            continue
        except OSError as error:
            report.problems.append(f"cannot read {file}: {error.strerror or error}")
            continue
        report.files.append(str(file))
        with handle:
            try:
                _read_lines(handle, period, since, until, report)
            except OSError as error:
                report.problems.append(f"cannot read {file}: {error.strerror or error}")
    return report


def _read_lines(
    lines: Iterable[bytes], period: Period, since: bytes, until: bytes, report: UsageReport
) -> None:
    models = report.models
    for line in lines:
        if not line.strip():
            continue
        leading = _LEADING_TS.match(line)
        if leading is not None and _CANONICAL_TS.fullmatch(leading.group(1)):
            # The guard's own format sorts as text: drop the line before decoding it.
            if not since <= leading.group(1) < until:
                continue
            record = _decode(line)
        else:
            record = _decode(line)
            when = _when(record)
            if when is None:
                report.lines += 1
                report.malformed += 1
                continue
            if not period.since <= when < period.until:
                continue
        report.lines += 1
        if record is None:
            report.malformed += 1
            continue
        outcome, provider, model = (
            record.get("outcome"),
            record.get("provider"),
            record.get("model"),
        )
        if not (isinstance(outcome, str) and outcome and isinstance(provider, str)):
            report.malformed += 1
            continue
        model = model if isinstance(model, str) else ""
        usage = models.get((provider, model))
        if usage is None:
            usage = models[(provider, model)] = ModelUsage(provider, model)
        usage.add(record, outcome)


_DECODER = json.JSONDecoder()


def _decode(line: bytes) -> dict[str, Any] | None:
    try:
        record = _DECODER.decode(line.decode())
    except ValueError:  # not UTF-8, or not JSON
        return None
    return record if isinstance(record, dict) else None


def _when(record: dict[str, Any] | None) -> datetime | None:
    """A line's time when it is not in the guard's own format (edited by hand, say)."""
    stamp = record.get("ts") if record is not None else None
    if not isinstance(stamp, str):
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
