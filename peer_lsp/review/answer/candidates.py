"""What a model said about a unit, before we check any of it.

A `Candidate` is one finding as parsed from a model's answer: unverified, with line numbers
relative to the unit as the prompt numbered them (1-based). Locating turns it into a
`Finding` at a byte range of the document, or drops it with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProposedFix:
    """Replacement code for lines ``start_line``..``end_line`` of the unit (1-based, inclusive)."""

    replacement: str
    start_line: int | None = None
    end_line: int | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One finding as the model stated it.

    ``excerpt`` is the exact code the model quotes; line numbers only help choose between
    equal matches. ``confidence`` is the model's own rating, clamped to [0, 1].
    """

    severity: str
    category: str
    title: str
    message: str
    excerpt: str
    explanation: str = ""
    line: int | None = None
    end_line: int | None = None
    confidence: float = 0.5
    fix: ProposedFix | None = None
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Dropped:
    """A candidate we could not use, and why (logged and counted, never shown)."""

    reason: str
    title: str = ""
