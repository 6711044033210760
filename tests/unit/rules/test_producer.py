"""The engine's rules producer: the cost of an edit follows the edit, findings move with their
code, nested units and top-level code are each searched once, and settings apply."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import TextChange
from peer_lsp.findings.model import Finding, Severity
from peer_lsp.rules import producer
from peer_lsp.settings.model import Settings

URI = "/project/module.py"


def functions(count: int) -> str:
    return "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(count))


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The ranges the rule queries ran over, in order."""
    seen: list[tuple[int, int]] = []
    real: Callable[..., Any] = producer.run_rules

    def counting(root: Any, data: bytes, grammar: str, pieces: Any, *args: Any, **kw: Any) -> Any:
        seen.extend(pieces)
        return real(root, data, grammar, pieces, *args, **kw)

    monkeypatch.setattr(producer, "run_rules", counting)
    return seen


def rule_findings(engine: Engine, uri: str = URI) -> list[Finding]:
    return [f for f in engine.findings(uri) if f.source.startswith("rule:")]


def insert(engine: Engine, line: int, column: int, text: str, uri: str = URI) -> None:
    engine.change(uri, [TextChange(text, (line, column, line, column))], None)


def test_an_edit_runs_the_rules_on_the_changed_unit_only(runs: list[tuple[int, int]]) -> None:
    engine = Engine()
    engine.open(URI, functions(50) + "value = eval(source)\n")
    assert len(runs) == 51  # every function, and the top-level code after them
    runs.clear()
    insert(engine, 4 * 7 + 1, 15, " * 2")  # inside f7's body
    document = engine.documents.get(URI)
    assert document is not None
    f7 = next(u for u in document.units if u.name == "f7")
    assert runs == [(f7.start_byte, f7.end_byte)]
    assert [f.rule_id for f in rule_findings(engine)] == ["py-eval"]


def test_findings_move_with_their_code_without_running_again(
    runs: list[tuple[int, int]],
) -> None:
    engine = Engine()
    engine.open(URI, functions(3) + "def bad(x):\n    return eval(x)\n")
    (before,) = rule_findings(engine)
    runs.clear()
    insert(engine, 0, 0, "import os\n\n\n")
    (after,) = rule_findings(engine)
    assert runs == [(0, len(b"import os"))]  # only the new top-level code
    assert after.span.start_line == before.span.start_line + 3
    assert after.span.start_byte == before.span.start_byte + len("import os\n\n\n")
    assert after.fingerprint == before.fingerprint


def test_top_level_code_is_searched_in_pieces(runs: list[tuple[int, int]]) -> None:
    statements = "".join(f"v{i} = {i}\n" for i in range(300))
    engine = Engine()
    engine.open(URI, statements + "value = eval(source)\n")
    pieces = len(runs)
    assert 301 / 80 <= pieces < 301
    runs.clear()
    insert(engine, 150, 0, "w = 1\n")
    assert len(runs) == 1  # the piece with the edit; the pieces around it are unchanged
    runs.clear()
    insert(engine, 150, 0, "w")  # may make the statement a boundary: one piece or two
    assert 1 <= len(runs) <= 2
    assert [f.span.start_line for f in rule_findings(engine)] == [301]


def test_a_class_and_its_method_report_a_match_once() -> None:
    text = (
        "class Store:\n"
        "    password = 'pr0d-Pa55word'\n"
        "\n"
        "    def load(self, blob):\n"
        "        return eval(blob)\n"
    )
    engine = Engine()
    engine.open(URI, text)
    found = sorted((f.rule_id, f.unit_name) for f in rule_findings(engine))
    assert found == [("py-eval", "Store.load"), ("py-hardcoded-secret", "Store")]


def test_identical_findings_in_one_unit_keep_distinct_fingerprints() -> None:
    engine = Engine()
    engine.open(URI, "def f(x):\n    a = eval(x)\n    b = eval(x)\n    return a, b\n")
    found = rule_findings(engine)
    assert len(found) == 2
    assert found[0].fingerprint != found[1].fingerprint


def test_settings_choose_the_rules_and_their_severity() -> None:
    text = "def f(x, items=[]):\n    items.append(x)\n    return eval(x)\n"
    engine = Engine()
    engine.open(URI, text)
    assert {f.rule_id for f in rule_findings(engine)} == {"py-eval", "py-mutable-default"}

    engine.settings = Settings(disable_rules=("security",))
    engine.reanalyse_all()
    assert [f.rule_id for f in rule_findings(engine)] == ["py-mutable-default"]

    engine.settings = Settings(disable_rules=("all",), enable_rules=("py-eval",))
    engine.reanalyse_all()
    assert [f.rule_id for f in rule_findings(engine)] == ["py-eval"]

    engine.settings = Settings(rule_severity={"bug": "hint", "py-eval": "info"})
    engine.reanalyse_all()
    assert {(f.rule_id, f.severity) for f in rule_findings(engine)} == {
        ("py-eval", Severity.INFO),
        ("py-mutable-default", Severity.HINT),
    }


def test_rules_below_min_confidence_run_but_are_not_shown() -> None:
    """minConfidence hides; it does not stop a rule, which stays evidence for the model."""
    engine = Engine(Settings(min_confidence=0.75))
    engine.open(URI, "def f(x):\n    return eval(x)\n")  # py-eval: confidence 0.7
    assert rule_findings(engine) == []
    assert [f.rule_id for f in engine.rule_evidence(URI)] == ["py-eval"]


def test_the_complexity_threshold_is_a_setting() -> None:
    body = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(5))
    text = f"def branchy(x):\n{body}    return -1\n"
    engine = Engine(Settings(complexity_threshold=5))
    engine.open(URI, text)
    (finding,) = rule_findings(engine)
    assert finding.rule_id == "complexity"
    assert "complexity of 6" in finding.message
    assert (finding.span.start_byte, finding.span.end_byte) == (4, 11)  # the name
    engine.settings = dataclasses.replace(engine.settings, complexity_threshold=6)
    engine.reanalyse_all()
    assert rule_findings(engine) == []


def test_a_verified_fix_is_placed_at_the_finding() -> None:
    engine = Engine()
    text = "import os\n\n\ndef f(x):\n    return x == None\n"
    engine.open(URI, text)
    (finding,) = rule_findings(engine)
    assert finding.fix is not None
    assert finding.fix.verified
    (edit,) = finding.fix.edits
    assert text.encode()[edit.start_byte : edit.end_byte] == b"=="
    assert edit.new_text == "is"


def test_documents_without_rules_cost_nothing(runs: list[tuple[int, int]]) -> None:
    engine = Engine()
    engine.open("/project/lib.rs", "fn main() { let x = 1; }\n")
    engine.open("/project/notes.txt", "eval(x)\n")
    assert runs == []
    assert rule_findings(engine, "/project/lib.rs") == []


def test_closing_a_document_forgets_its_cache() -> None:
    engine = Engine()
    engine.open(URI, "value = eval(source)\n")
    engine.close(URI)
    assert URI not in engine.rules._states


def test_reopening_a_closed_document_runs_no_query(runs: list[tuple[int, int]]) -> None:
    engine = Engine()
    text = functions(20) + "value = eval(source)\n"
    engine.open(URI, text)
    before = rule_findings(engine)
    engine.close(URI)
    runs.clear()
    engine.open(URI, text)
    assert runs == []
    assert rule_findings(engine) == before
    engine.close(URI)
    engine.open(URI, text.replace("x + 3", "x + 33"))
    assert len(runs) == 1  # only the edited function


def test_a_reopen_under_other_rules_starts_afresh(runs: list[tuple[int, int]]) -> None:
    engine = Engine()
    engine.open(URI, "value = eval(source)\n")
    engine.close(URI)
    engine.settings = Settings(disable_rules=("py-eval",))
    runs.clear()
    engine.open(URI, "value = eval(source)\n")
    assert runs
    assert rule_findings(engine) == []
