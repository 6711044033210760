"""Model findings follow their unit as lines move, and go when the unit changes."""

from __future__ import annotations

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import TextChange
from peer_lsp.findings.model import Category, Finding, Fix, Severity, Span, TextEdit
from peer_lsp.settings.model import Settings

URI = "file:///m.py"
SOURCE = "def a():\n    return 1\n\n\ndef b():\n    return eval(x)\n"


def model_finding(engine: Engine, excerpt: str, confidence: float = 0.9) -> Finding:
    document = engine.documents.get(URI)
    assert document is not None
    start = document.data.index(excerpt.encode())
    end = start + len(excerpt.encode())
    line = document.lines.line_of(start)
    return Finding(
        span=Span(start, end, line, line),
        severity=Severity.WARNING,
        category=Category.SECURITY,
        rule_id="model:eval",
        message="eval on input",
        source="test-model",
        fingerprint=f"fp-{excerpt}",
        confidence=confidence,
        fix=Fix("use literal_eval", (TextEdit(start, start + 4, "ast.literal_eval"),), True),
    )


def open_engine() -> Engine:
    engine = Engine(Settings(disable_rules=("all",)))  # model findings only
    engine.open(URI, SOURCE, "python", 1)
    return engine


def test_findings_move_with_their_unit() -> None:
    engine = open_engine()
    unit_b = engine.documents.get(URI).units[1]  # type: ignore[union-attr]
    engine.reviews.put(URI, unit_b, unit_b.exact_hash, [model_finding(engine, "eval(x)")])
    engine.change(URI, [TextChange("# header\n\n", (0, 0, 0, 0))], 2)
    (finding,) = [f for f in engine.findings(URI) if f.source == "test-model"]
    document = engine.documents.get(URI)
    assert document is not None
    assert document.data[finding.span.start_byte : finding.span.end_byte] == b"eval(x)"
    assert finding.span.start_line == 7
    assert finding.fix is not None
    edit = finding.fix.edits[0]
    assert document.data[edit.start_byte : edit.end_byte] == b"eval"


def test_findings_go_when_their_unit_changes_or_leaves() -> None:
    engine = open_engine()
    unit_b = engine.documents.get(URI).units[1]  # type: ignore[union-attr]
    engine.reviews.put(URI, unit_b, unit_b.exact_hash, [model_finding(engine, "eval(x)")])
    engine.change(URI, [TextChange("eval(y)", (5, 11, 5, 18))], 2)
    assert [f for f in engine.findings(URI) if f.source == "test-model"] == []
    engine.change(URI, [TextChange("", (4, 0, 6, 0))], 3)
    assert [f for f in engine.findings(URI) if f.source == "test-model"] == []


def test_unlikely_and_dismissed_findings_are_hidden() -> None:
    engine = open_engine()
    unit_b = engine.documents.get(URI).units[1]  # type: ignore[union-attr]
    low = model_finding(engine, "eval(x)", confidence=0.3)
    kept = model_finding(engine, "return eval", confidence=0.9)
    engine.reviews.put(URI, unit_b, unit_b.exact_hash, [low, kept])
    assert [f.fingerprint for f in engine.findings(URI)] == ["fp-return eval"]
    engine.dismissed.add("fp-return eval")
    assert engine.findings(URI) == []


def close(engine: Engine) -> None:
    document = engine.documents.get(URI)
    assert document is not None
    engine.reviews.keep_closed(document)
    engine.close(URI)


def model_findings(engine: Engine) -> list[Finding]:
    return [f for f in engine.findings(URI) if f.source == "test-model"]


def test_reopening_the_same_text_restores_the_reviews() -> None:
    engine = open_engine()
    unit_b = engine.documents.get(URI).units[1]  # type: ignore[union-attr]
    engine.reviews.put(URI, unit_b, unit_b.exact_hash, [model_finding(engine, "eval(x)")])
    close(engine)
    assert engine.findings(URI) == []

    reopened = engine.open(URI, SOURCE, "python", 7)
    assert engine.reviews.restore(reopened) == 1
    (finding,) = model_findings(engine)
    assert reopened.data[finding.span.start_byte : finding.span.end_byte] == b"eval(x)"
    assert engine.reviews.reviewed(URI, reopened.units[1])
    assert not engine.reviews.reviewed(URI, reopened.units[0])  # never reviewed


def test_other_text_on_reopen_restores_nothing() -> None:
    engine = open_engine()
    unit_b = engine.documents.get(URI).units[1]  # type: ignore[union-attr]
    engine.reviews.put(URI, unit_b, unit_b.exact_hash, [model_finding(engine, "eval(x)")])
    close(engine)
    # unit b is unchanged, but the file around it is not: it deserves a review in context
    reopened = engine.open(URI, "import os\n" + SOURCE, "python", 2)
    assert engine.reviews.restore(reopened) == 0
    assert model_findings(engine) == []


def test_closed_reviews_are_restored_once_and_only_the_latest_few_are_kept() -> None:
    engine = Engine()
    engine.reviews = type(engine.reviews)(keep_closed=1)
    for uri in ("file:///one.py", "file:///two.py"):
        document = engine.open(uri, SOURCE, "python", 1)
        engine.reviews.put(uri, document.units[0], document.units[0].exact_hash, [])
        engine.reviews.keep_closed(document)
        engine.close(uri)
    assert engine.reviews.restore(engine.open("file:///one.py", SOURCE, "python", 2)) == 0
    two = engine.open("file:///two.py", SOURCE, "python", 2)
    assert engine.reviews.restore(two) == 1
    engine.close("file:///two.py")
    assert engine.reviews.restore(engine.open("file:///two.py", SOURCE, "python", 3)) == 0


def test_forgetting_closed_reviews() -> None:
    engine = open_engine()
    unit_b = engine.documents.get(URI).units[1]  # type: ignore[union-attr]
    engine.reviews.put(URI, unit_b, unit_b.exact_hash, [model_finding(engine, "eval(x)")])
    close(engine)
    engine.reviews.clear_closed()
    assert engine.reviews.restore(engine.open(URI, SOURCE, "python", 2)) == 0
