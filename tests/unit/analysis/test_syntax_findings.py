"""Syntax findings keep their identity: one finding per error, each with its own fingerprint,
stable while unrelated lines move, so that dismissing one never hides the other."""

from __future__ import annotations

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import TextChange
from peer_lsp.findings.model import Finding

URI = "/project/module.py"
TWICE = "def f():\n    print(1 2)\n    y = 1\n    print(1 2)\n"
"""The same syntax error twice in one function: same message, same excerpt."""


def syntax(engine: Engine) -> list[Finding]:
    return [f for f in engine.findings(URI) if f.source == "syntax"]


def test_the_same_error_twice_in_one_unit_is_reported_twice() -> None:
    engine = Engine()
    engine.open(URI, TWICE)
    found = syntax(engine)
    assert [(f.span.start_line, f.message) for f in found] == [
        (1, "unexpected '2'"),
        (3, "unexpected '2'"),
    ]
    assert found[0].fingerprint != found[1].fingerprint


def test_fingerprints_stay_when_lines_above_the_unit_move() -> None:
    engine = Engine()
    engine.open(URI, TWICE)
    before = [f.fingerprint for f in syntax(engine)]
    engine.change(URI, [TextChange("import os\n\n\n", (0, 0, 0, 0))], None)
    after = syntax(engine)
    assert [f.span.start_line for f in after] == [4, 6]
    assert [f.fingerprint for f in after] == before


def test_dismissing_one_of_two_equal_errors_keeps_the_other() -> None:
    engine = Engine()
    engine.open(URI, TWICE)
    first, second = syntax(engine)
    engine.dismissed.add(first.fingerprint)
    assert syntax(engine) == [second]


def test_a_lone_error_keeps_the_fingerprint_it_always_had() -> None:
    """Fingerprints already stored (dismissed files, SARIF baselines) keep matching: this one
    was computed before occurrences counted."""
    engine = Engine()
    engine.open(URI, "def f():\n    print(1 2)\n")
    (only,) = syntax(engine)
    assert only.fingerprint == "de772f18be966a4263d085e5"
