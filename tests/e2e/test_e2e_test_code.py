"""Rule findings in a test file reach the editor as hints, without hard-coded secrets
(the default ``testCode``), while the same code elsewhere keeps its severities."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import PeerClient, document, open_document
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
