"""Local rules as evidence for model findings: does a rule flag the same code?

A tree-sitter rule that reports the same problem a model reports is evidence from a different
method (design: confidence), so the model finding's confidence rises (`review.confidence`,
``RULE_AGREES``). A rule agrees when it reported a finding of the same category whose range
overlaps the model finding's. The rule findings considered are every finding of the enabled
rules in the unit (`Engine.rule_evidence`), shown or not: a rule the settings turn off is no
evidence, but one below ``minConfidence``, dismissed or under a ``peer: ignore`` comment still
is, since what a user chooses to see must not change how sure another finding is. (The
prompt's "already known" list is what the user is shown, a different thing.)
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from peer_lsp.findings.model import Category, Finding


@dataclass(frozen=True, slots=True)
class RulePlace:
    """Where a rule reported what: a document byte range and the rule's category."""

    start: int
    end: int
    category: Category
    rule_id: str


def rule_places(findings: Iterable[Finding]) -> tuple[RulePlace, ...]:
    """Where the local rules among ``findings`` reported something."""
    return tuple(
        RulePlace(f.span.start_byte, f.span.end_byte, f.category, f.rule_id)
        for f in findings
        if f.source.startswith("rule:")
    )


def rule_agrees(places: Sequence[RulePlace], start: int, end: int, category: Category) -> bool:
    """Whether a rule reported a ``category`` finding overlapping ``[start, end)``."""
    return any(
        place.category is category and place.start < max(end, start + 1) and start < place.end
        for place in places
    )
