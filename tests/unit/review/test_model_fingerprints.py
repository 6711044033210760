"""Model findings: the same finding at two places in a unit are two findings with their own
fingerprints, so dismissing one leaves the other."""

from __future__ import annotations

import json

from peer_lsp.analysis.engine import Engine
from peer_lsp.llm.types import Finish, LLMResponse, Usage
from peer_lsp.review.pipeline import findings_from_answer
from peer_lsp.settings.model import Settings

SOURCE = "def run(a, b):\n    x = eval(a)\n    y = 1\n    x = eval(a)\n    return x, y\n"


def _eval_at(line: int) -> dict[str, object]:
    return {
        "severity": "error",
        "category": "security",
        "title": "eval of input",
        "message": "eval runs code",
        "explanation": "",
        "excerpt": "x = eval(a)",
        "line": line,
        "end_line": line,
        "confidence": 0.7,
        "fix": None,
    }


def _fingerprints(*lines: int) -> list[tuple[int, str]]:
    engine = Engine(Settings(disable_rules=("all",)))
    document = engine.open("file:///r.py", SOURCE, "python", 1)
    (unit,) = document.units
    text = json.dumps({"findings": [_eval_at(line) for line in lines]})
    response = LLMResponse(text, Finish.STOP, Usage(10, 5), "p", "m")
    found = findings_from_answer(response, document, unit).findings
    return sorted((f.span.start_line, f.fingerprint) for f in found)


def test_the_same_finding_twice_in_a_unit_has_two_fingerprints() -> None:
    (first_line, first), (second_line, second) = _fingerprints(2, 4)
    assert (first_line, second_line) == (1, 3)
    assert first != second


def test_fingerprints_follow_the_place_not_the_order_of_the_answer() -> None:
    assert _fingerprints(2, 4) == _fingerprints(4, 2)
