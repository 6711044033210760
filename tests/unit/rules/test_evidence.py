"""Rules as evidence for model findings, and complexity as routing input."""

from __future__ import annotations

import json
import typing
from typing import Any

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import Document
from peer_lsp.findings.confidence import RULE_AGREES, Evidence, calibrate
from peer_lsp.findings.model import Category
from peer_lsp.llm.types import Finish, LLMRequest, LLMResponse, Usage
from peer_lsp.review.pipeline import findings_from_answer, review_unit
from peer_lsp.rules.evidence import RulePlace, rule_agrees, rule_places
from peer_lsp.settings.model import Settings

if typing.TYPE_CHECKING:
    from peer_lsp.llm.router import Router

SOURCE = "def risky(expr, a, b):\n    if a and b:\n        return 0\n    return eval(expr)\n"


def finding(excerpt: str, category: str = "security") -> dict[str, Any]:
    return {
        "severity": "error",
        "category": category,
        "title": "t",
        "message": "m",
        "explanation": "",
        "excerpt": excerpt,
        "line": 1,
        "end_line": 1,
        "confidence": 0.6,
        "fix": None,
    }


def answer(*findings: dict[str, Any]) -> LLMResponse:
    return LLMResponse(json.dumps({"findings": list(findings)}), Finish.STOP, Usage(1, 1), "p", "m")


def test_a_rule_on_the_same_code_and_category_agrees() -> None:
    engine = Engine()
    document = engine.open("/p/x.py", SOURCE)
    (unit,) = document.units
    known = engine.findings(document.uri)
    assert [p.rule_id for p in rule_places(known)] == ["py-eval"]
    outcome = findings_from_answer(
        answer(
            finding("return eval(expr)"),
            finding("return eval(expr)", "bug"),
            finding("return 0"),
        ),
        document,
        unit,
        known,
    )
    by_category = sorted(
        (f.category.value, f.message, outcome.assessments[f.fingerprint].evidence.rule_agrees)
        for f in outcome.findings
    )
    assert [agrees for _, _, agrees in by_category] == [False, False, True]
    assert by_category[2][0] == "security"


def test_rules_the_settings_turn_off_are_no_evidence() -> None:
    engine = Engine(Settings(disable_rules=("py-eval",)))
    document = engine.open("/p/x.py", SOURCE)
    (unit,) = document.units
    known = engine.findings(document.uri)
    outcome = findings_from_answer(answer(finding("return eval(expr)")), document, unit, known)
    (found,) = outcome.findings
    assert not outcome.assessments[found.fingerprint].evidence.rule_agrees


def test_agreement_raises_the_confidence_by_the_documented_weight() -> None:
    without = Evidence(model_rating=0.6, excerpt_exact=True)
    with_rule = Evidence(model_rating=0.6, excerpt_exact=True, rule_agrees=True)
    assert RULE_AGREES > 0
    assert calibrate(with_rule) > calibrate(without)


def test_overlap_means_sharing_at_least_one_byte() -> None:
    places = [RulePlace(10, 20, Category.SECURITY, "x")]
    assert rule_agrees(places, 15, 30, Category.SECURITY)
    assert rule_agrees(places, 0, 11, Category.SECURITY)
    assert not rule_agrees(places, 20, 30, Category.SECURITY)
    assert not rule_agrees(places, 12, 14, Category.BUG)


class Recorder:
    def __init__(self) -> None:
        self.requests: list[LLMRequest] = []

    async def complete(self, request: LLMRequest, **_: object) -> LLMResponse:
        self.requests.append(request)
        return answer()


async def test_review_requests_carry_the_units_complexity() -> None:
    document = Document.open("/p/x.py", SOURCE)
    (unit,) = document.units
    router = Recorder()
    await review_unit(typing.cast("Router", router), document, unit, path="x.py")
    (request,) = router.requests
    assert request.complexity == 3  # 1 + if + and
