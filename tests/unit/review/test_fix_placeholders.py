"""A fix that would write a redaction placeholder into the user's file is refused."""

from __future__ import annotations

import json

from peer_lsp.analysis.engine import Engine
from peer_lsp.llm.redaction.placeholders import placeholder
from peer_lsp.llm.types import Finish, LLMResponse, Usage
from peer_lsp.review.pipeline import findings_from_answer
from peer_lsp.settings.model import Settings

SECRET = "k9Qz7TpW2xLm4Rv8"
SOURCE = f'import os\n\n\ndef connect(db):\n    return db.login("admin", "{SECRET}")\n'


def _answer_with_fix(replacement: str) -> LLMResponse:
    finding = {
        "severity": "warning",
        "category": "security",
        "title": "hard-coded password",
        "message": "the password is in the code",
        "explanation": "",
        "excerpt": 'return db.login("admin"',
        "line": 2,
        "end_line": 2,
        "confidence": 0.8,
        "fix": {"replacement": replacement, "start_line": 2, "end_line": 2},
    }
    return LLMResponse(json.dumps({"findings": [finding]}), Finish.STOP, Usage(10, 5), "p", "m")


def _fix_of(replacement: str) -> object:
    engine = Engine(Settings(disable_rules=("all",)))
    document = engine.open("file:///c.py", SOURCE, "python", 1)
    (unit,) = document.units
    (found,) = findings_from_answer(_answer_with_fix(replacement), document, unit).findings
    return found.fix


def test_a_fix_that_keeps_a_placeholder_is_refused() -> None:
    hidden = placeholder("password", SECRET)
    replacement = f'    return db.login("admin", os.environ.get("DB_PASSWORD", "{hidden}"))\n'
    assert _fix_of(replacement) is None


def test_a_fix_without_placeholders_is_kept() -> None:
    replacement = '    return db.login("admin", os.environ["DB_PASSWORD"])\n'
    assert _fix_of(replacement) is not None
