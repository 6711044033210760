"""Many units reviewed at once: each unit's cached answer first, the rest in batch requests.

`review_units` is `review_unit` for a list. Every unit's own request is built as if it went
alone; the answer cache is asked for it (so a unit reviewed before, alone or in any batch, costs
nothing); the units left are grouped by the route they would take, and each group is cut into
batch requests (`peer_lsp.review.prompt.batch.pack`). A batch's answer is split per unit, and
each unit's share is stored in the cache under the unit's own key and turned into findings
exactly as a single answer would be (`findings_from_answer`).

Nothing is lost on the way. A unit the answer does not cover is asked again, in a smaller
batch; a batch refused for its size or shape (context overflow, answer cut off at the output
limit, not the JSON asked for) is split in two, down to units sent alone, which then get the
single request's own remedies (a smaller prompt, the next provider). Other failures (a key
refused, a provider down, the deadline) are every unit's failure: asking again in halves would
only multiply them. A spent budget is split too: a smaller request may still fit in what is
left of it.

The tokens of a batch answer are shared among its units (input by the size of each unit's
part of the prompt, output by the size of its answer), so that a unit's cached answer records
about what it cost.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import typing
from dataclasses import dataclass, field

from peer_lsp.llm import errors
from peer_lsp.llm.guard import GuardRefusal
from peer_lsp.llm.tokens import estimate_tokens, request_tokens
from peer_lsp.llm.types import Finish, LLMResponse, Usage
from peer_lsp.review.answer.batch_answer import split_batch_answer
from peer_lsp.review.answer.candidates import Dropped
from peer_lsp.review.inspector import Inspector, exchange_of
from peer_lsp.review.pipeline import ReviewOutcome, findings_from_answer, is_answer
from peer_lsp.review.prompt.batch import (
    DEFAULT_BATCH_TOKENS,
    DEFAULT_BATCH_UNITS,
    batch_request,
    batch_system,
    pack,
    project_instructions,
    section_tokens,
    unit_id,
)
from peer_lsp.review.prompt.request import PromptBudgetError, build_review_request, code_key, shrink
from peer_lsp.rules.complexity import unit_complexity

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.llm.config import RouteConfig
    from peer_lsp.llm.router import Router
    from peer_lsp.llm.types import LLMRequest
    from peer_lsp.syntax.unit import Unit

log = logging.getLogger("peer_lsp.review")

Result = ReviewOutcome | errors.LLMError
"""A unit's review, or why it failed (a `GuardRefusal` when the guard would not send it)."""


def _smaller_may_pass(error: errors.LLMError) -> bool:
    """Whether a smaller batch may not meet ``error``: the prompt or the answer was too large
    (a context overflow, the guard's ``maxRequestTokens``, the output limit, what is left of a
    budget), or the answer did not have the shape asked for (the router's ``validate`` fails
    as a `ServerError`)."""
    if isinstance(error, GuardRefusal):
        return error.reason == "too-large"
    return isinstance(
        error,
        errors.ContextOverflow | errors.Truncated | errors.ServerError | errors.BudgetExhausted,
    )


@dataclass(frozen=True, slots=True)
class UnitReview:
    """One unit to review and what its prompt lists (``known``) and may agree (``evidence``)."""

    document: Document
    unit: Unit
    path: str
    known: Sequence[Finding] = ()
    evidence: Sequence[Finding] | None = None


@dataclass(frozen=True, slots=True)
class BatchLimits:
    """How large a batch request may be (estimated input tokens, and units), and how many
    requests one call of `review_units` has in flight at once."""

    tokens: int = DEFAULT_BATCH_TOKENS
    units: int = DEFAULT_BATCH_UNITS
    in_flight: int = 4


@dataclass(slots=True)
class _Pending:
    index: int
    item: UnitReview
    request: LLMRequest
    code: str
    """The code's name in the cache key (`code_key`)."""


def unit_request(item: UnitReview) -> LLMRequest:
    """The request that reviews ``item`` alone; PromptBudgetError when it cannot be built."""
    return build_review_request(
        item.unit,
        item.document,
        path=item.path,
        known_findings=item.known,
        complexity=unit_complexity(item.document, item.unit),
    )


async def review_units(
    router: Router,
    items: Sequence[UnitReview],
    *,
    fresh: bool = False,
    limits: BatchLimits = BatchLimits(),
    inspector: Inspector | None = None,
) -> list[Result]:
    """The review of each unit of ``items``, in their order (see the module docstring).

    ``fresh`` asks the models again instead of the cache (the answers are still stored);
    ``inspector`` keeps each request sent, its answer and what became of it.
    """
    results: list[Result | None] = [None] * len(items)
    groups = await _waiting(router, items, results, fresh=fresh)
    reviews = _Reviews(router, results, limits.in_flight, inspector)
    await asyncio.gather(*(reviews.send(route, batch) for route, batch in _batches(groups, limits)))
    return [_finished(result) for result in results]


@dataclass(frozen=True, slots=True)
class PlannedRequest:
    """A request a review would send: to whom, about how many units, how large."""

    provider: str
    model: str
    units: int
    input_tokens: int
    """Estimated, before redaction (which changes little)."""
    max_output_tokens: int


@dataclass
class ReviewPlan:
    """What reviews would send, and what the cache would answer, without sending anything."""

    units: int = 0
    """Units that would be reviewed (asked, or answered from the cache)."""
    cached: int = 0
    unsendable: int = 0
    """Units no request can carry (too large for the prompt budget, or no route takes them)."""
    requests: list[PlannedRequest] = field(default_factory=list)


async def plan_units(
    router: Router,
    items: Sequence[UnitReview],
    plan: ReviewPlan,
    *,
    limits: BatchLimits = BatchLimits(),
) -> None:
    """Add to ``plan`` what `review_units` would do with ``items``: the units the cache
    answers, and the requests it would send for the others (as first sent: a batch a model
    fails is asked again in smaller ones, which this cannot foresee)."""
    results: list[Result | None] = [None] * len(items)
    groups = await _waiting(router, items, results, fresh=False)
    plan.units += len(items)
    plan.unsendable += sum(1 for r in results if r is not None and not _answered(r))
    plan.cached += sum(1 for r in results if r is not None and _answered(r))
    for route, batch in _batches(groups, limits):
        request = batch[0].request if len(batch) == 1 else batch_request([p.request for p in batch])
        first = route.providers[0] if route.providers else ""
        provider = next((p for p in router.config.providers if p.id == first), None)
        plan.requests.append(
            PlannedRequest(
                provider.id if provider else "",
                provider.model if provider else "",
                len(batch),
                request_tokens(request.system, request.user, request.json_schema),
                (provider.max_output_tokens if provider else None) or request.max_tokens,
            )
        )


def _answered(result: Result) -> bool:
    """Whether a result found before anything is sent is an answer (from the cache)."""
    return isinstance(result, ReviewOutcome) and bool(result.model)


Groups = dict[tuple[int, str], tuple["RouteConfig", list[_Pending]]]


async def _waiting(
    router: Router, items: Sequence[UnitReview], results: list[Result | None], *, fresh: bool
) -> Groups:
    """The units the cache does not answer, by route and file; the others' results filled
    in (the cache's answer, or why no request can carry the unit)."""
    waiting: list[_Pending] = []
    for index, item in enumerate(items):
        try:
            request = unit_request(item)
        except PromptBudgetError:
            log.info("%s not reviewed: too large for the prompt budget", item.unit.qualified_name)
            results[index] = ReviewOutcome(dropped=[Dropped("the unit is too large to review")])
            continue
        pending = _Pending(index, item, request, code_key(request, item.unit.normalized_hash))
        hit = None
        if not fresh:
            hit = await router.lookup(request, normalized_code=pending.code, validate=is_answer)
        if hit is not None:
            results[index] = _outcome(pending, hit)
        else:
            waiting.append(pending)
    groups: Groups = {}
    for pending in waiting:
        try:
            route = router.route_for(pending.request)
        except errors.LLMError as error:
            results[pending.index] = error
            continue
        # one file per batch: the guard's sendExclude is matched against the request's file
        key = (id(route), pending.request.file)
        groups.setdefault(key, (route, []))[1].append(pending)
    return groups


def _batches(groups: Groups, limits: BatchLimits) -> list[tuple[RouteConfig, list[_Pending]]]:
    return [
        (route, batch)
        for route, members in groups.values()
        for batch in pack(
            members, lambda p: p.request, budget_tokens=limits.tokens, max_units=limits.units
        )
    ]


def _finished(result: Result | None) -> Result:
    assert result is not None, "every unit gets a result"
    return result


class _Reviews:
    """The requests of one `review_units` call: where each unit's result goes, and the slots
    that keep the requests in flight within the limit (held only around a request, never
    while waiting for smaller ones)."""

    def __init__(
        self,
        router: Router,
        results: list[Result | None],
        in_flight: int,
        inspector: Inspector | None = None,
    ) -> None:
        self.router = router
        self.results = results
        self.slots = asyncio.Semaphore(max(1, in_flight))
        self.inspector = inspector

    async def send(self, route: RouteConfig, batch: list[_Pending]) -> None:
        """Review ``batch`` in one request, and what it leaves unanswered in smaller ones."""
        if len(batch) == 1:
            await self.send_alone(route, batch[0])
            return
        ids = [unit_id(index) for index in range(len(batch))]

        def covers_a_unit(text: str) -> bool:
            answer = split_batch_answer(text, ids)
            return any(is_answer(text) for text in answer.answers.values())

        request = batch_request([pending.request for pending in batch])
        try:
            async with self.slots:
                response = await self.router.complete(
                    request,
                    normalized_code=" ".join(pending.code for pending in batch),
                    bypass_cache=True,
                    store=False,
                    validate=covers_a_unit,
                    route=route,
                )
        except errors.LLMError as error:
            if not _smaller_may_pass(error):
                for pending in batch:
                    self.results[pending.index] = error
                return
            log.info("a batch of %d units failed (%s): asking in halves", len(batch), error)
            await asyncio.gather(*(self.send(route, part) for part in _halves(batch)))
            return
        unanswered = await self._keep(response, batch, ids)
        self._inspect(request, response, batch, unanswered)
        if unanswered:
            log.info(
                "%d of %d units of a batch unanswered: asking again", len(unanswered), len(batch)
            )
            await asyncio.gather(*(self.send(route, part) for part in _halves(unanswered)))

    async def _keep(
        self, response: LLMResponse, batch: list[_Pending], ids: list[str]
    ) -> list[_Pending]:
        """Each unit's share of a batch answer, cached and turned into its outcome; the
        units the answer left out."""
        answers = split_batch_answer(response.text, ids).answers
        shares = _shares(response, batch, [answers.get(unit, "") for unit in ids])
        unanswered: list[_Pending] = []
        for unit, pending, share in zip(ids, batch, shares, strict=True):
            text = answers.get(unit)
            if text is None or not is_answer(text):
                unanswered.append(pending)
                continue
            alone = dataclasses.replace(response, text=text, usage=share, finish=Finish.STOP)
            await self.router.remember(pending.request, alone, normalized_code=pending.code)
            self.results[pending.index] = _outcome(pending, alone)
        return unanswered

    async def send_alone(self, route: RouteConfig, pending: _Pending) -> None:
        try:
            async with self.slots:
                response = await self.router.complete(
                    pending.request,
                    normalized_code=pending.code,
                    bypass_cache=True,
                    shrink=shrink,
                    validate=is_answer,
                    route=route,
                )
        except errors.LLMError as error:
            self.results[pending.index] = error
            return
        self.results[pending.index] = _outcome(pending, response)
        self._inspect(pending.request, response, [pending], [])

    def _inspect(
        self,
        request: LLMRequest,
        response: LLMResponse,
        batch: Sequence[_Pending],
        unanswered: Sequence[_Pending],
    ) -> None:
        """Keep the exchange in the inspector, if on: the request as sent, the answer, the
        findings of the units it answered and every candidate dropped, with why."""
        if self.inspector is None:
            return
        outcomes = [r for p in batch if isinstance(r := self.results[p.index], ReviewOutcome)]
        dropped = [d for outcome in outcomes for d in outcome.dropped]
        dropped += [
            Dropped(f"{p.item.unit.qualified_name} not answered: asked again") for p in unanswered
        ]
        findings = [f for outcome in outcomes for f in outcome.findings]
        sent = self.router.as_sent(request)
        self.inspector.record(exchange_of(sent, response, findings, dropped))


def _halves(batch: list[_Pending]) -> list[list[_Pending]]:
    if len(batch) == 1:
        return [batch]
    half = len(batch) // 2
    return [batch[:half], batch[half:]]


def _outcome(pending: _Pending, response: LLMResponse) -> ReviewOutcome:
    item = pending.item
    return findings_from_answer(
        response, item.document, item.unit, item.known, evidence=item.evidence
    )


def _shares(
    response: LLMResponse, batch: Sequence[_Pending], answers: Sequence[str]
) -> list[Usage]:
    """The batch's tokens shared among its units: the instructions equally, each unit's part
    of the prompt by its size; the output by the size of each unit's answer."""
    project = project_instructions(batch[0].request)
    system = estimate_tokens(batch_system(project)) / len(batch)
    inputs = [system + section_tokens(pending.request) for pending in batch]
    outputs = [float(max(len(answer), 1)) for answer in answers]
    usage = response.usage
    columns = (
        _apportion(usage.input_tokens, inputs),
        _apportion(usage.output_tokens, outputs),
        _apportion(usage.cached_input_tokens, inputs),
        _apportion(usage.reasoning_tokens, outputs),
    )
    return [Usage(*parts) for parts in zip(*columns, strict=True)]


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` in whole parts proportional to ``weights`` that add up to it exactly
    (largest remainders get the units rounding left over)."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    parts = [int(share) for share in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: parts[i] - exact[i])
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts
