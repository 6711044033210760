"""Units a configured model could not review in one command-line run, and why.

A review that fails must not look like a clean one: `peer check` on a tree the model never saw
would otherwise print "No findings" and exit 0. Each unit whose review failed is counted
under a reason (the kind of model error: the API key refused, the model not found, the
provider unreachable, ...), and a provider whose API key variable is empty counts every
unit of the run under "API key missing", even those the answer cache covered: the next
changed unit will need that key, and CI should say so now rather than on the day the cache
runs out. What this module gives back is what each output shows: lines for stderr, a JSON
object (`peer_lsp.check.report`) and SARIF notifications (`peer_lsp.check.sarif`).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field

if typing.TYPE_CHECKING:
    from peer_lsp.llm.errors import LLMError

MISSING_KEY = "missing_key"
"""The reason of units reviewed while a provider's API key variable is empty."""

NAMED = 3
"""Units named per reason on stderr; the JSON output and SARIF name the same."""

_LABELS = {
    MISSING_KEY: "API key missing",
    "auth": "API key refused",
    "quota": "quota exhausted",
    "rate_limited": "rate limited",
    "overloaded": "provider overloaded",
    "server": "provider or answer error",
    "timeout": "timed out",
    "connect": "provider unreachable",
    "context_overflow": "prompt too long for the model",
    "invalid_request": "request rejected",
    "not_found": "model or endpoint not found",
    "truncated": "answer cut off",
    "refused": "the model refused",
    "deadline": "deadline exceeded",
    "config": "provider not usable",
    "budget": "budget reached",
}


def label(reason: str) -> str:
    """A reason as people read it (``auth`` -> "API key refused")."""
    return _LABELS.get(reason, reason.replace("_", " "))


@dataclass(frozen=True, slots=True)
class Miss:
    """One unit not reviewed: the file as shown and the unit's qualified name."""

    path: str
    unit: str

    def __str__(self) -> str:
        return f"{self.path} ({self.unit})"


@dataclass(slots=True)
class Reason:
    """The units not reviewed for one reason, and the first message given for it."""

    reason: str
    message: str
    units: list[Miss] = field(default_factory=list)

    @property
    def named(self) -> str:
        """The first units, then how many more: ``a.py (f), a.py (g) and 3 more``."""
        first = ", ".join(str(miss) for miss in self.units[:NAMED])
        rest = len(self.units) - NAMED
        return f"{first} and {rest} more" if rest > 0 else first


class Unreviewed:
    """The units of a run a configured model could not review, grouped by reason, in the
    order the reasons first occurred."""

    def __init__(self) -> None:
        self._reasons: dict[str, Reason] = {}

    def add(self, reason: str, message: str, path: str, unit: str) -> bool:
        """Count one unit; True when it is the first of its reason."""
        entry = self._reasons.get(reason)
        first = entry is None
        if entry is None:
            entry = self._reasons[reason] = Reason(reason, message)
        entry.units.append(Miss(path, unit))
        return first

    def add_error(self, error: LLMError, path: str, unit: str) -> bool:
        """Count one unit whose review raised ``error``; True when its reason is new."""
        return self.add(error.kind.value, str(error), path, unit)

    @property
    def reasons(self) -> list[Reason]:
        return list(self._reasons.values())

    @property
    def count(self) -> int:
        return sum(len(entry.units) for entry in self._reasons.values())

    def __bool__(self) -> bool:
        return bool(self._reasons)

    def lines(self) -> list[str]:
        """What stderr says at the end of a run (without the program's name)."""
        if not self:
            return []
        count = self.count
        head = f"{count} unit was" if count == 1 else f"{count} units were"
        lines = [f"{head} not reviewed by the model:"]
        for entry in self._reasons.values():
            units = len(entry.units)
            many = f"{units} unit" if units == 1 else f"{units} units"
            lines.append(f"  {label(entry.reason)} ({many}): {entry.message} — {entry.named}")
        return lines

    def to_json(self, allowed: bool) -> dict[str, object]:
        """The ``unreviewed`` object of the JSON output (``allowed``: --allow-unreviewed)."""
        return {
            "units": self.count,
            "allowed": allowed,
            "reasons": [
                {
                    "reason": entry.reason,
                    "label": label(entry.reason),
                    "message": entry.message,
                    "units": len(entry.units),
                    "first": [
                        {"path": miss.path, "unit": miss.unit} for miss in entry.units[:NAMED]
                    ],
                }
                for entry in self._reasons.values()
            ],
        }
