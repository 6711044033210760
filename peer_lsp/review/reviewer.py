"""The one reviewer both front doors drive: the server as the user types, `peer check` per file.

A `Reviewer` holds an engine and a router. It knows which units of a document still want a
review, what the prompt lists as already known (the local findings inside the unit), how one
unit is reviewed (`review_unit`), where the outcome is kept (``engine.reviews``, with the
unit's hash at the time the review started) and how a second opinion recomputes the
confidence of model findings. What the user is told, and when, stays with each front door:
status and progress in the editor, stderr on the command line.
"""

from __future__ import annotations

import typing

from peer_lsp.review.batches import (
    BatchLimits,
    ReviewPlan,
    UnitReview,
    plan_units,
    review_units,
)
from peer_lsp.review.inspector import Inspector
from peer_lsp.review.pipeline import ReviewOutcome, review_unit
from peer_lsp.review.second_opinion import ask_another_model, verify_route_differs
from peer_lsp.syntax.unit import starts_in

if typing.TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from peer_lsp.analysis.engine import Engine
    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.llm.errors import LLMError
    from peer_lsp.llm.router import Router
    from peer_lsp.syntax.unit import Unit


class Reviewer:
    """Model reviews of the units of an engine's documents, through one router."""

    def __init__(self, engine: Engine, router: Router) -> None:
        self.engine = engine
        self.router = router
        settings = engine.settings
        self.inspector = Inspector(keep=settings.inspector_keep) if settings.inspector else None
        """What was sent and answered, when the user turned the inspector on."""

    # -- what to review ----------------------------------------------------------------------

    def unreviewed(self, document: Document) -> list[Unit]:
        """The units of ``document`` with no review kept for their current text."""
        reviews = self.engine.reviews
        return [u for u in document.units if not reviews.reviewed(document.uri, u)]

    @staticmethod
    def units_at(document: Document, line: int | None) -> list[Unit]:
        """The innermost unit around ``line``, or every unit when ``line`` is None."""
        units = document.units
        if line is None:
            return list(units)
        around = [u for u in units if u.start_line <= line <= u.end_line]
        return [min(around, key=lambda u: u.end_byte - u.start_byte)] if around else []

    def known(self, uri: str, unit: Unit, local: Sequence[Finding] | None = None) -> list[Finding]:
        """What local checks found in ``unit``, for the prompt's "already reported" list.

        Not the unit's model findings: told they are known, the model leaves them out of its
        answer, and that answer then replaces them (a re-review would erase them). ``local``:
        the document's local findings when the caller already has them (one file's units
        reviewed together need them once).
        """
        if local is None:
            local = self.engine.local_findings(uri)
        return [f for f in local if starts_in(f.span.start_byte, [unit])]

    def evidence(self, uri: str, unit: Unit) -> list[Finding]:
        """Every enabled rule's findings in ``unit``, shown or not: what may agree with the
        model (`peer_lsp.rules.evidence`), whatever ``minConfidence`` hides."""
        return [f for f in self.engine.rule_evidence(uri) if starts_in(f.span.start_byte, [unit])]

    # -- one review --------------------------------------------------------------------------

    async def review(
        self,
        document: Document,
        unit: Unit,
        *,
        path: str,
        fresh: bool = False,
        local: Sequence[Finding] | None = None,
    ) -> ReviewOutcome:
        """Review one unit (``fresh``: past the cache; ``local``: see `known`); raises
        `LLMError` when it fails."""
        known = self.known(document.uri, unit, local)
        return await review_unit(
            self.router,
            document,
            unit,
            path=path,
            known=known,
            bypass_cache=fresh,
            evidence=self.evidence(document.uri, unit),
            inspector=self.inspector,
        )

    async def review_units(
        self,
        document: Document,
        units: Sequence[Unit],
        *,
        path: str,
        fresh: bool = False,
        local: Sequence[Finding] | None = None,
    ) -> list[ReviewOutcome | LLMError]:
        """Review several units of a document, those not cached in as few requests as the
        batch settings allow (`peer_lsp.review.batches`); each unit's outcome or error, in
        order (a `GuardRefusal` for a unit the guard would not send)."""
        items = self._items(document, units, path, local)
        return await review_units(
            self.router, items, fresh=fresh, limits=self.batch_limits(), inspector=self.inspector
        )

    async def plan_units(
        self,
        document: Document,
        units: Sequence[Unit],
        plan: ReviewPlan,
        *,
        path: str,
        local: Sequence[Finding] | None = None,
    ) -> None:
        """Add to ``plan`` what `review_units` would send for these units (nothing is sent)."""
        items = self._items(document, units, path, local)
        await plan_units(self.router, items, plan, limits=self.batch_limits())

    def _items(
        self,
        document: Document,
        units: Sequence[Unit],
        path: str,
        local: Sequence[Finding] | None,
    ) -> list[UnitReview]:
        if local is None:
            local = self.engine.local_findings(document.uri)
        return [
            UnitReview(
                document,
                unit,
                path,
                self.known(document.uri, unit, local),
                self.evidence(document.uri, unit),
            )
            for unit in units
        ]

    def batch_limits(self) -> BatchLimits:
        """How large a batch request may be (the settings, within ``maxRequestTokens``), and
        how many of one call's requests are in flight at once (``maxReviewsInFlight``)."""
        settings = self.engine.settings
        tokens = min(settings.review_batch_tokens, settings.max_request_tokens)
        return BatchLimits(tokens, settings.review_batch_units, settings.max_reviews_in_flight)

    def keep(self, uri: str, unit: Unit, unit_hash: str, outcome: ReviewOutcome) -> None:
        """Keep an outcome with its unit: the engine shows it while the unit's text holds."""
        self.engine.reviews.put(uri, unit, unit_hash, outcome.findings, outcome.assessments)

    def worth_a_second_opinion(self, outcome: ReviewOutcome) -> list[str]:
        """Fingerprints of the outcome's medium-confidence findings (shown, not preferred)."""
        settings = self.engine.settings
        if not settings.verify_medium_confidence or not outcome.model:
            return []
        low, high = settings.min_confidence, settings.preferred_confidence
        return [f.fingerprint for f in outcome.findings if low <= f.confidence < high]

    # -- second opinions ---------------------------------------------------------------------

    def verify_route_differs(self, uri: str, fingerprint: str, *, path: str) -> bool:
        """Whether a second opinion on this finding would come from another route."""
        document = self.engine.documents.get(uri)
        source = self.engine.reviews.source_of(uri, fingerprint)
        if document is None or source is None:
            return False
        finding = next(
            (f for f in self.engine.reviews.findings(document) if f.fingerprint == fingerprint),
            None,
        )
        return verify_route_differs(
            self.router,
            document,
            source.unit,
            path=path,
            known=self.known(uri, source.unit),
            categories=[finding.category.value] if finding is not None else [],
        )

    async def second_opinion(
        self, uri: str, fingerprints: Collection[str], *, path: str
    ) -> dict[str, object]:
        """Review the unit of these model findings again on the verify route, and recompute
        their confidence with the answer (agree: up, disagree: down). The findings must be
        of one unit; the result says what happened (``findings``: those that changed), for
        the command and for tests. Raises `LLMError` when the model fails.
        """
        engine = self.engine
        document = engine.documents.get(uri)
        if document is None:
            return {"opinion": None, "reason": "no model is configured"}
        current = {f.fingerprint: f for f in engine.reviews.findings(document)}
        asked = [current[f] for f in dict.fromkeys(fingerprints) if f in current]
        source = engine.reviews.source_of(uri, asked[0].fingerprint) if asked else None
        if source is None:
            return {"opinion": None, "reason": "not a current model finding"}
        unit, unit_hash = source.unit, source.unit_hash
        asked = [f for f in asked if self._unit_of(uri, f.fingerprint) is unit]
        second = await ask_another_model(
            self.router, document, unit, asked, path=path, known=self.known(uri, unit)
        )
        if not unit.alive or unit.exact_hash != unit_hash:
            return {"opinion": None, "reason": "the code changed while the model answered"}
        if not second.model:
            return {"opinion": None, "reason": "the unit is too large to review"}
        if not second.opinions:
            return {
                "opinion": None,
                "model": second.model,
                "reason": f"the model that made the finding ({second.model}) answered again; "
                'add a route with tasks = ["verify"] to ask another one',
            }
        changed: dict[str, dict[str, object]] = {}
        for fingerprint, opinion in second.opinions.items():
            now = engine.reviews.source_of(uri, fingerprint)  # a re-review may have replaced it
            if now is None or now.assessment is None:
                continue
            assessment = now.assessment.with_opinion(opinion)
            engine.reviews.update(
                uri,
                fingerprint,
                confidence=assessment.confidence,
                severity=assessment.severity,
                assessment=assessment,
            )
            changed[fingerprint] = {
                "opinion": opinion,
                "previous": current[fingerprint].confidence,
                "confidence": assessment.confidence,
            }
        first = changed.get(asked[0].fingerprint) or {"opinion": None, "reason": "it went away"}
        return {**first, "model": second.model, "findings": changed}

    def _unit_of(self, uri: str, fingerprint: str) -> Unit | None:
        source = self.engine.reviews.source_of(uri, fingerprint)
        return source.unit if source is not None else None

    async def aclose(self) -> None:
        await self.router.aclose()
