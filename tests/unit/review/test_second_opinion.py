"""A second opinion: the unit reviewed on the verify route, compared, confidence recomputed."""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any

import pytest

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import TextChange
from peer_lsp.findings.confidence import Assessment, Evidence, calibrate
from peer_lsp.findings.model import Category, Finding, Severity, Span
from peer_lsp.llm.types import Finish, LLMRequest, LLMResponse, Task, Usage
from peer_lsp.review.pipeline import findings_from_answer
from peer_lsp.review.second_opinion import ask_another_model, opinion_of
from peer_lsp.settings.model import Settings

if typing.TYPE_CHECKING:
    from peer_lsp.llm.router import Router

URI = "file:///m.py"
SOURCE = "def a():\n    return 1\n\n\ndef b(x):\n    return eval(x)\n"
EVAL = {
    "severity": "error",
    "category": "security",
    "title": "eval",
    "message": "eval runs code",
    "explanation": "",
    "excerpt": "return eval(x)",
    "line": 2,
    "end_line": 2,
    "confidence": 0.6,
    "fix": None,
}


def answer(*findings: dict[str, Any], model: str = "first") -> LLMResponse:
    text = json.dumps({"findings": list(findings)})
    return LLMResponse(text, Finish.STOP, Usage(10, 5), "p", model)


class StubRouter:
    """Answers every request with ``reply``; remembers what it was asked."""

    def __init__(self, reply: LLMResponse, engine: Engine | None = None) -> None:
        self.reply = reply
        self.requests: list[LLMRequest] = []
        self.during: TextChange | None = None
        self.engine = engine

    async def complete(self, request: LLMRequest, **_: object) -> LLMResponse:
        self.requests.append(request)
        if self.during is not None and self.engine is not None:
            self.engine.change(URI, [self.during], 2)
        return self.reply


def reviewed() -> tuple[Engine, Finding]:
    """An engine whose unit ``b`` was reviewed by model "first", with one finding."""
    engine = Engine(Settings(disable_rules=("all",)))  # model findings only
    document = engine.open(URI, SOURCE, "python", 1)
    unit = document.units[1]
    outcome = findings_from_answer(answer(EVAL), document, unit)
    engine.reviews.put(URI, unit, unit.exact_hash, outcome.findings, outcome.assessments)
    (found,) = outcome.findings
    return engine, found


def bare(start: int, end: int, category: Category = Category.SECURITY) -> Finding:
    return Finding(Span(start, end, 0, 0), Severity.INFO, category, "r", "m", "s", f"{start}")


def test_same_category_over_an_overlapping_range_agrees() -> None:
    mine = bare(10, 20)
    assert opinion_of(mine, [bare(15, 30)]) == "agree"
    assert opinion_of(mine, [bare(0, 11)]) == "agree"
    assert opinion_of(mine, [bare(20, 30)]) == "disagree"  # touching is not overlapping
    assert opinion_of(mine, [bare(12, 14, Category.BUG)]) == "disagree"
    assert opinion_of(mine, []) == "disagree"
    assert opinion_of(bare(12, 12), [bare(10, 20)]) == "agree"  # an empty range


def test_an_opinion_moves_confidence_and_severity_and_replaces_an_earlier_one() -> None:
    base = Assessment(Evidence(0.7, excerpt_exact=True), Category.SECURITY)
    agreed, disagreed = base.with_opinion("agree"), base.with_opinion("disagree")
    assert disagreed.confidence < base.confidence < agreed.confidence
    assert agreed.confidence == calibrate(
        dataclasses.replace(base.evidence, second_opinion="agree")
    )
    assert agreed.with_opinion("disagree") == disagreed
    assert (disagreed.severity, base.severity, agreed.severity) == (
        Severity.INFO,
        Severity.WARNING,
        Severity.ERROR,
    )
    quiet = dataclasses.replace(agreed, model_severity=Severity.INFO)
    assert quiet.severity == Severity.INFO  # the model may make it quieter, never louder


async def test_another_model_is_asked_on_the_verify_route_and_agrees() -> None:
    engine, found = reviewed()
    document = engine.documents.get(URI)
    assert document is not None
    router = StubRouter(answer(EVAL, model="second"))
    unit = document.units[1]
    second = await ask_another_model(
        typing.cast("Router", router), document, unit, [found], path="m.py"
    )
    assert [r.task for r in router.requests] == [Task.VERIFY]
    assert second.model == "second"
    assert second.opinions == {found.fingerprint: "agree"}


async def test_another_model_finding_nothing_disagrees() -> None:
    engine, found = reviewed()
    document = engine.documents.get(URI)
    assert document is not None
    router = StubRouter(answer(model="second"))
    second = await ask_another_model(
        typing.cast("Router", router), document, document.units[1], [found], path="m.py"
    )
    assert second.opinions == {found.fingerprint: "disagree"}


async def test_the_same_model_answering_again_is_no_second_opinion() -> None:
    engine, found = reviewed()
    document = engine.documents.get(URI)
    assert document is not None
    router = StubRouter(answer(EVAL, model="first"))
    second = await ask_another_model(
        typing.cast("Router", router), document, document.units[1], [found], path="m.py"
    )
    assert second.model == "first"
    assert second.opinions == {}


@pytest.mark.parametrize("reply", [(EVAL,), ()])
async def test_lines_added_above_the_unit_meanwhile_do_not_confuse_the_comparison(
    reply: tuple[dict[str, Any], ...],
) -> None:
    engine, found = reviewed()
    document = engine.documents.get(URI)
    assert document is not None
    router = StubRouter(answer(*reply, model="second"), engine)
    router.during = TextChange("import os\n\n" * 5, (0, 0, 0, 0))
    unit = document.units[1]
    second = await ask_another_model(
        typing.cast("Router", router), document, unit, [found], path="m.py"
    )
    assert unit.alive
    assert unit.start_line == 14
    assert second.opinions == {found.fingerprint: "agree" if reply else "disagree"}


def test_the_store_updates_one_findings_confidence() -> None:
    engine, found = reviewed()
    source = engine.reviews.source_of(URI, found.fingerprint)
    assert source is not None
    assert source.assessment is not None
    assert source.assessment.confidence == found.confidence
    agreed = source.assessment.with_opinion("agree")
    assert engine.reviews.update(
        URI,
        found.fingerprint,
        confidence=agreed.confidence,
        severity=agreed.severity,
        assessment=agreed,
    )
    (shown,) = engine.findings(URI)
    assert shown.confidence == agreed.confidence > found.confidence
    assert shown.span == found.span
    again = engine.reviews.source_of(URI, found.fingerprint)
    assert again is not None
    assert again.assessment == agreed
    assert not engine.reviews.update(URI, "nope", confidence=0.5, severity=Severity.INFO)


def test_a_changed_unit_has_no_source_and_takes_no_update() -> None:
    engine, found = reviewed()
    engine.change(URI, [TextChange("eval(y)", (5, 11, 5, 18))], 2)
    assert engine.reviews.source_of(URI, found.fingerprint) is None
    assert not engine.reviews.update(
        URI, found.fingerprint, confidence=0.9, severity=Severity.ERROR
    )
