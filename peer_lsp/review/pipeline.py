"""One unit reviewed: prompt → router → parse → locate → verify fixes → calibrate → findings.

Pure engine code: it takes a router and a document, and returns findings at the document's
current byte offsets (the caller stores them relative to the unit). Everything a model said
that cannot be checked is dropped, counted and logged, never shown.
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from peer_lsp.documents.verify import verify_fix
from peer_lsp.findings.confidence import Assessment, Evidence, FixCheck
from peer_lsp.findings.model import (
    Category,
    Finding,
    Fix,
    Occurrences,
    Severity,
    Span,
    TextEdit,
    fingerprint,
)
from peer_lsp.llm.redaction.placeholders import holds_placeholder
from peer_lsp.llm.types import Task
from peer_lsp.review.answer.candidates import Dropped
from peer_lsp.review.answer.locate import Located, locate_all, to_fix_edit
from peer_lsp.review.answer.parse import parse_answer
from peer_lsp.review.inspector import Inspector, exchange_of
from peer_lsp.review.prompt.request import PromptBudgetError, build_review_request, code_key, shrink
from peer_lsp.rules.complexity import unit_complexity
from peer_lsp.rules.evidence import RulePlace, rule_agrees, rule_places

if typing.TYPE_CHECKING:
    from peer_lsp.documents.store import Document
    from peer_lsp.llm.router import Router
    from peer_lsp.llm.types import LLMResponse
    from peer_lsp.syntax.unit import Unit

log = logging.getLogger("peer_lsp.review")

_CATEGORIES = {c.value: c for c in Category}
_SEVERITIES = {s.label: s for s in Severity}


@dataclass
class ReviewOutcome:
    """The findings of one review, what was dropped, and who answered."""

    findings: list[Finding] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    assessments: dict[str, Assessment] = field(default_factory=dict)
    """How each finding's confidence was reached, by fingerprint (to add evidence later)."""
    provider: str = ""
    model: str = ""
    cached: bool = False
    latency_ms: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0


def is_answer(text: str) -> bool:
    """Whether an answer is worth keeping: it parses into a findings list (maybe empty)."""
    return parse_answer(text).valid


async def review_unit(
    router: Router,
    document: Document,
    unit: Unit,
    *,
    path: str,
    known: Sequence[Finding] = (),
    bypass_cache: bool = False,
    task: Task = Task.REVIEW,
    evidence: Sequence[Finding] | None = None,
    categories: Iterable[str] = (),
    inspector: Inspector | None = None,
) -> ReviewOutcome:
    """Review ``unit`` of ``document`` with the router's model for the unit's language.

    ``task`` picks the route: `Task.VERIFY` asks the route meant for second opinions.
    ``evidence``: the rule findings that may agree (default: ``known``). ``categories``:
    more categories the request carries for routes (a second opinion's findings').
    ``inspector``: keeps the request as sent, the answer and the outcome (not a cache hit).
    """
    try:
        request = build_review_request(
            unit,
            document,
            path=path,
            known_findings=known,
            task=task,
            complexity=unit_complexity(document, unit),
            categories=categories,
        )
    except PromptBudgetError:
        log.info("%s not reviewed: too large for the prompt budget", unit.qualified_name)
        return ReviewOutcome(dropped=[Dropped("the unit is too large to review")])
    response = await router.complete(
        request,
        normalized_code=code_key(request, unit.normalized_hash),
        bypass_cache=bypass_cache,
        shrink=shrink,
        validate=is_answer,
    )
    outcome = findings_from_answer(response, document, unit, known, evidence=evidence)
    if inspector is not None and not response.cached:
        sent = router.as_sent(request)
        inspector.record(exchange_of(sent, response, outcome.findings, outcome.dropped))
    return outcome


def findings_from_answer(
    response: LLMResponse,
    document: Document,
    unit: Unit,
    known: Sequence[Finding] = (),
    *,
    evidence: Sequence[Finding] | None = None,
) -> ReviewOutcome:
    """Turn a model's answer about ``unit`` into checked findings (``known``: the local
    findings the review was told about; ``evidence``, default ``known``: the rule findings
    of which one that agrees raises confidence)."""
    outcome = ReviewOutcome(
        provider=response.provider,
        model=response.model,
        cached=response.cached,
        latency_ms=response.latency_ms,
        input_tokens=response.usage.input_tokens,
        output_tokens=response.usage.output_tokens,
    )
    parsed = parse_answer(response.text)
    outcome.dropped.extend(parsed.dropped)
    located, dropped = locate_all(parsed.candidates, unit, document)
    outcome.dropped.extend(dropped)
    places = rule_places(known if evidence is None else evidence)
    occurrences = _occurrences(located, document, unit)
    for item, occurrence in zip(located, occurrences, strict=True):
        finding, assessment = _finding(item, document, unit, response.model, places, occurrence)
        outcome.findings.append(finding)
        outcome.assessments[finding.fingerprint] = assessment
    if outcome.dropped:
        log.info(
            "%s: %d of %d findings dropped (%s)",
            unit.qualified_name,
            len(outcome.dropped),
            len(outcome.dropped) + len(outcome.findings),
            "; ".join(sorted({d.reason for d in outcome.dropped})),
        )
    return outcome


def _occurrences(located: Sequence[Located], document: Document, unit: Unit) -> list[int]:
    """Which of the identical findings in the unit each one is, counted in document order, so
    the same finding at two places gets two fingerprints whatever order the model used."""
    numbers = [0] * len(located)
    seen = Occurrences()
    for index in sorted(range(len(located)), key=lambda i: located[i].start_byte):
        item = located[index]
        numbers[index] = seen.next(_identity(item), unit.qualified_name, _excerpt(item, document))
    return numbers


def _identity(item: Located) -> str:
    """The rule and title a model finding's fingerprint starts from."""
    candidate = item.candidate
    rule = candidate.rule or f"model:{_CATEGORIES.get(candidate.category, Category.BUG).value}"
    return f"{rule}:{candidate.title}"


def _excerpt(item: Located, document: Document) -> str:
    return document.data[item.start_byte : item.end_byte].decode("utf-8", "replace")


def _finding(
    item: Located,
    document: Document,
    unit: Unit,
    model: str,
    places: Sequence[RulePlace] = (),
    occurrence: int = 0,
) -> tuple[Finding, Assessment]:
    candidate = item.candidate
    fix, fix_check = _checked_fix(item, document, unit)
    category = _CATEGORIES.get(candidate.category, Category.BUG)
    evidence = Evidence(
        model_rating=candidate.confidence,
        excerpt_exact=item.exact,
        excerpt_fuzzy=not item.exact,
        fix=fix_check,
        rule_agrees=rule_agrees(places, item.start_byte, item.end_byte, category),
    )
    assessment = Assessment(evidence, category, _SEVERITIES.get(candidate.severity))
    confidence, severity = assessment.confidence, assessment.severity
    rule = candidate.rule or f"model:{category.value}"
    excerpt = _excerpt(item, document)
    lines = document.lines
    finding = Finding(
        span=Span(
            item.start_byte,
            item.end_byte,
            lines.line_of(item.start_byte),
            lines.line_of(item.end_byte),
        ),
        severity=severity,
        category=category,
        rule_id=rule,
        message=candidate.title or candidate.message,
        source=model,
        fingerprint=fingerprint(_identity(item), unit.qualified_name, excerpt, occurrence),
        explanation=_explanation(candidate.message, candidate.explanation),
        confidence=confidence,
        fix=fix,
        unit_hash=unit.exact_hash,
        unit_name=unit.qualified_name,
    )
    return finding, assessment


def _explanation(message: str, explanation: str) -> str:
    if explanation and message and message not in explanation:
        return f"{message}\n\n{explanation}"
    return explanation or message


def _checked_fix(
    item: Located, document: Document, unit: Unit
) -> tuple[Fix | None, FixCheck | None]:
    proposed = item.candidate.fix
    if proposed is None:
        return None, None
    edit = to_fix_edit(proposed, unit, document, item)
    if not isinstance(edit, TextEdit):
        return None, "rejected"
    if holds_placeholder(edit.new_text) and not holds_placeholder(document.text):
        # The model saw redacted code; applying this would write the placeholder into the file.
        log.info("fix for %r rejected: it keeps a redaction placeholder", item.candidate.title)
        return None, "rejected"
    verdict = verify_fix(document, unit, [edit])
    if not verdict.ok:
        log.debug("fix for %r rejected: %s", item.candidate.title, verdict.reason)
        return None, "rejected"
    title = f"Fix: {item.candidate.title}" if item.candidate.title else "Apply the fix"
    return Fix(title, (edit,), verified=True), "verified"
