"""A second opinion on a model finding: the unit reviewed again on the verify route.

The unit is reviewed afresh (the same prompt, as a `Task.VERIFY` request, so a route with
``tasks = ["verify"]`` takes it; without one, the default route). The second model *agrees*
when it reports a finding of the same category overlapping the same range, else it
*disagrees*. The finding's confidence and severity are then recomputed from its recorded
evidence plus that opinion (docs/confidence.md: +0.8 agree, -1.2 disagree), by
`peer_lsp.findings.confidence.Assessment.with_opinion`.

An answer by the model that made the finding is no second opinion: without a verify route
the default route answers, usually from the cache, with the very answer the finding came
from. Such an answer gives no opinion and changes nothing.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from peer_lsp.findings.model import Span
from peer_lsp.llm.errors import ConfigurationError
from peer_lsp.llm.types import Task
from peer_lsp.review.pipeline import ReviewOutcome, review_unit
from peer_lsp.review.prompt.request import PromptBudgetError, build_review_request
from peer_lsp.rules.complexity import unit_complexity

if typing.TYPE_CHECKING:
    from peer_lsp.documents.store import Document
    from peer_lsp.findings.confidence import Opinion
    from peer_lsp.findings.model import Finding
    from peer_lsp.llm.router import Router
    from peer_lsp.syntax.unit import Unit


@dataclass(frozen=True, slots=True)
class SecondOpinion:
    """What a second review said about some findings of one unit."""

    opinions: dict[str, Opinion]
    """By fingerprint; empty when no other model answered (the same model, or none)."""
    model: str
    """The model that answered; empty when nothing was asked (the unit is too large)."""
    outcome: ReviewOutcome


def _overlaps(a: Finding, b: Finding) -> bool:
    """Whether two byte ranges share a byte (an empty range counts as its first byte)."""
    a_end = max(a.span.end_byte, a.span.start_byte + 1)
    b_end = max(b.span.end_byte, b.span.start_byte + 1)
    return a.span.start_byte < b_end and b.span.start_byte < a_end


def opinion_of(finding: Finding, second: Iterable[Finding]) -> Opinion:
    """Agree when a second review reports the same category over an overlapping range."""
    for other in second:
        if other.category is finding.category and _overlaps(finding, other):
            return "agree"
    return "disagree"


def _moved(finding: Finding, delta: int) -> Finding:
    span = finding.span
    moved = Span(span.start_byte + delta, span.end_byte + delta, span.start_line, span.end_line)
    return dataclasses.replace(finding, span=moved)


async def ask_another_model(
    router: Router,
    document: Document,
    unit: Unit,
    findings: Sequence[Finding],
    *,
    path: str,
    known: Sequence[Finding] = (),
) -> SecondOpinion:
    """Review ``unit`` on the verify route and say whether it confirms each of ``findings``
    (model findings of ``unit``, at the document's offsets when called).

    The caller must check that the unit still has the text it had before this call. Raises
    what `review_unit` raises (`peer_lsp.llm.errors.LLMError`).
    """
    before = unit.start_byte
    outcome = await review_unit(
        router,
        document,
        unit,
        path=path,
        known=known,
        task=Task.VERIFY,
        categories={finding.category.value for finding in findings},
    )
    if not outcome.model:
        return SecondOpinion({}, "", outcome)
    moved = unit.start_byte - before  # lines above the unit may have changed meanwhile
    opinions: dict[str, Opinion] = {
        finding.fingerprint: opinion_of(_moved(finding, moved), outcome.findings)
        for finding in findings
        if finding.source != outcome.model
    }
    return SecondOpinion(opinions, outcome.model, outcome)


def verify_route_differs(
    router: Router,
    document: Document,
    unit: Unit,
    *,
    path: str,
    known: Sequence[Finding] = (),
    categories: Iterable[str] = (),
) -> bool:
    """Whether verify requests for ``unit`` (told ``known``, about findings of
    ``categories``) go to other providers than its reviews."""
    try:
        request = build_review_request(
            unit,
            document,
            path=path,
            known_findings=known,
            task=Task.VERIFY,
            complexity=unit_complexity(document, unit),
            categories=categories,
        )
        verify = router.route_for(request)
        review = router.route_for(dataclasses.replace(request, task=Task.REVIEW))
    except (PromptBudgetError, ConfigurationError):
        return False
    return verify.providers != review.providers
