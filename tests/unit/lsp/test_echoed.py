"""Which of peer's findings the diagnostics a client echoes stand for (peer_lsp.lsp.echoed),
on a real document: echoed with ``data`` (VS Code, Neovim, eglot), with only range, code and
message (ALE), with none at all, or from another linter."""

from __future__ import annotations

import attrs
from lsprotocol import types

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import Document
from peer_lsp.findings.model import Category, Finding, Severity, Span
from peer_lsp.lsp.convert import to_diagnostic
from peer_lsp.lsp.echoed import findings_meant

TEXT = "def ratio(total, values):\n    return total / len(values)\n"
EXCERPT = "return total / len(values)"


def model_finding(document: Document, title: str) -> Finding:
    """A model finding on the return line, as a review reports it."""
    start = document.data.index(EXCERPT.encode())
    return Finding(
        span=Span(start, start + len(EXCERPT), 1, 1),
        severity=Severity.ERROR,
        category=Category.BUG,
        rule_id="model:bug",
        message=title,
        source="m",
        fingerprint=f"fp-{title}",
        confidence=0.9,
    )


def setup() -> tuple[Document, Finding, Finding]:
    document = Engine().open("file:///p/ratio.py", TEXT, "python", 1)
    empty = model_finding(document, "division by zero\nfor an empty list")
    floor = model_finding(document, "floor division was meant")
    return document, empty, floor


def as_ale_echoes(diagnostic: types.Diagnostic) -> types.Diagnostic:
    """ALE keeps range, code and message, its line breaks made spaces (ale/lsp/response.vim)."""
    message = diagnostic.message.replace("\n", " ")
    return types.Diagnostic(range=diagnostic.range, message=message, code=diagnostic.code)


def test_data_names_the_finding() -> None:
    document, empty, floor = setup()
    sent = to_diagnostic(document, floor)
    assert findings_meant(document, [sent], [empty, floor], sent.range) == [(sent, floor)]


def test_without_data_range_and_code_then_the_message_tell_findings_apart() -> None:
    document, empty, floor = setup()
    for finding in (empty, floor):
        echoed = as_ale_echoes(to_diagnostic(document, finding))
        meant = findings_meant(document, [echoed], [empty, floor], echoed.range)
        assert meant == [(echoed, finding)]


def test_another_linters_diagnostic_at_the_same_place_is_not_peers() -> None:
    document, empty, floor = setup()
    ours = to_diagnostic(document, empty)
    pyright = attrs.evolve(ours, source="pyright", data=None)
    other_data = attrs.evolve(ours, source=None, data={"rule": "x"})
    wrong_code = as_ale_echoes(attrs.evolve(ours, code="E501"))
    for foreign in (pyright, other_data, wrong_code):
        line_zero = types.Range(types.Position(0, 0), types.Position(0, 3))
        assert findings_meant(document, [foreign], [empty, floor], line_zero) == []


def test_without_a_diagnostic_of_ours_the_findings_under_the_range_are_meant() -> None:
    document, empty, floor = setup()
    word = types.Range(types.Position(1, 11), types.Position(1, 16))  # `total`
    meant = findings_meant(document, [], [empty, floor], word)
    assert meant == [(to_diagnostic(document, f), f) for f in (empty, floor)]
    name = types.Range(types.Position(0, 4), types.Position(0, 9))  # `ratio`
    assert findings_meant(document, [], [empty, floor], name) == []
