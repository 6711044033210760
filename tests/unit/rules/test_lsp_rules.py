"""Rule findings at the LSP edge: code and codeDescription, hover, quick-fix data."""

from __future__ import annotations

from lsprotocol import types

from peer_lsp.analysis.engine import Engine
from peer_lsp.lsp import code_actions
from peer_lsp.lsp.capabilities import ClientFeatures
from peer_lsp.lsp.code_actions import hover_text
from peer_lsp.lsp.convert import to_diagnostic
from peer_lsp.rules.catalog import doc_url
from peer_lsp.server import create_server

TEXT = "def f(x):\n    return x == None\n"


def test_a_rule_diagnostic_links_to_its_documentation() -> None:
    engine = Engine()
    document = engine.open("/p/x.py", TEXT)
    (finding,) = engine.findings(document.uri)
    diagnostic = to_diagnostic(document, finding)
    assert diagnostic.code == "py-none-comparison"
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href == doc_url("py-none-comparison")
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (1, 11)
    assert (diagnostic.range.end.line, diagnostic.range.end.character) == (1, 20)
    assert isinstance(diagnostic.data, dict)
    assert diagnostic.data["hasFix"] is True
    assert diagnostic.data["source"] == "rule:py-none-comparison"
    assert diagnostic.message == "Compare to `None` with `is` / `is not`, not `==`"


def test_syntax_diagnostics_have_no_rule_link() -> None:
    engine = Engine()
    document = engine.open("/p/x.py", "def f(:\n")
    diagnostics = [to_diagnostic(document, f) for f in engine.findings(document.uri)]
    assert diagnostics
    assert all(d.code_description is None for d in diagnostics)


def test_the_hover_explains_the_rule() -> None:
    engine = Engine()
    document = engine.open("/p/x.py", TEXT)
    (finding,) = engine.findings(document.uri)
    text = hover_text(finding)
    assert "**Fix:** `x is None`" in text
    assert "Fix: verified (parses, its names resolve, its unit keeps its exports)" in text
    assert f"[`py-none-comparison`]({doc_url('py-none-comparison')})" in text
    assert "`peer: ignore[py-none-comparison]`" in text
    assert finding.fix is not None
    assert finding.fix.title == "Replace `==` with `is`"


def test_the_quick_fix_and_fix_all_apply_the_rule_fix() -> None:
    server = create_server()
    # a client that resolves edits and reads documentChanges (VS Code)
    server.client = ClientFeatures(resolves_code_action_edits=True, document_changes=True)
    document = server.engine.open("file:///p/x.py", TEXT, "python", 1)
    (finding,) = server.engine.findings(document.uri)
    diagnostic = to_diagnostic(document, finding)
    params = types.CodeActionParams(
        types.TextDocumentIdentifier(document.uri),
        diagnostic.range,
        types.CodeActionContext([diagnostic]),
    )
    actions = code_actions.code_actions(server, params) or []
    by_title = {action.title: action for action in actions}
    fix = by_title["Replace `==` with `is`"]
    assert fix.is_preferred  # confidence 0.85 >= preferredConfidence 0.8
    assert "Ignore this finding (py-none-comparison)" in by_title
    assert "Apply 1 verified peer fix" in by_title
    resolved = code_actions.resolve(server, fix)
    assert resolved.edit is not None
    assert resolved.edit.document_changes is not None
    (change,) = resolved.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    (edit,) = change.edits
    assert isinstance(edit, types.TextEdit)
    assert edit.new_text == "is"
    assert (edit.range.start.line, edit.range.start.character) == (1, 13)
    assert (edit.range.end.line, edit.range.end.character) == (1, 15)
