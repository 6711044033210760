"""Rule findings in a test file reach the editor as hints, without hard-coded secrets
(the default ``testCode``), while the same code elsewhere keeps its severities; so do the
syntax errors of test data (deliberately invalid), those typed into it too."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import PeerClient, change_document, document, edit, open_document
from lsprotocol import types

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

SOURCE = 'DB_PASSWORD = "hunter2-Xk9q"\n\n\ndef run(cmd):\n    return eval(cmd)\n'


async def test_test_file_findings_are_hints(client: PeerClient, tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    app = await open_document(client, document(tmp_path / "app.py", SOURCE))
    test = await open_document(client, document(tmp_path / "tests" / "test_app.py", SOURCE))

    assert [(d.code, d.severity) for d in app] == [
        ("py-hardcoded-secret", types.DiagnosticSeverity.Warning),
        ("py-eval", types.DiagnosticSeverity.Warning),
    ]
    assert [(d.code, d.severity, d.range) for d in test] == [
        ("py-eval", types.DiagnosticSeverity.Hint, app[1].range)
    ]


# Deliberately invalid test data, as in the Go parser's testdata (an ERROR comment names it).
GO_TESTDATA = (
    "package p\n\nimport ; // ERROR missing import path\n\nfunc f() int {\n\treturn 1\n}\n"
)


async def test_invalid_test_data_is_a_hint_and_so_is_a_typed_error(
    client: PeerClient, tmp_path: Path
) -> None:
    """Test data's syntax errors are hints, like its rule findings, those typed into it too
    (its findings are those of its text); the same file outside tests has its error as an
    error."""
    (tmp_path / "testdata").mkdir()
    uri = (tmp_path / "testdata" / "issue.go").as_uri()
    data = await open_document(
        client, document(tmp_path / "testdata" / "issue.go", GO_TESTDATA, "go")
    )
    elsewhere = await open_document(client, document(tmp_path / "issue.go", GO_TESTDATA, "go"))

    syntax = [(d.range.start.line, d.severity) for d in data if d.code == "syntax-error"]
    assert syntax
    assert {severity for _, severity in syntax} == {types.DiagnosticSeverity.Hint}
    assert [(d.range.start.line, d.severity) for d in elsewhere if d.code == "syntax-error"] == [
        (line, types.DiagnosticSeverity.Error) for line, _ in syntax
    ]

    typed = await change_document(client, uri, 2, edit((5, 8), (5, 8), "("))  # `return (1`
    after = [(d.range.start.line, d.severity) for d in typed if d.code == "syntax-error"]
    assert len(after) > len(syntax)  # the typed error is shown, as test data's are: a hint
    assert {severity for _, severity in after} == {types.DiagnosticSeverity.Hint}
