"""Syntax-error diagnostics through a document's life: open, edit, close; pushed or pulled."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import (
    UNCLOSED,
    PeerClient,
    change_document,
    close_document,
    document,
    edit,
    open_document,
    pull,
    syntax_error,
    without_data,
)
from lsprotocol import types

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


async def test_open_reports_the_error_and_an_edit_clears_it(
    client: PeerClient, tmp_path: Path
) -> None:
    item = document(tmp_path / "broken.py", "x = 1\nprint((x)\n")

    assert await open_document(client, item) == [syntax_error((1, 5), (1, 6), UNCLOSED)]
    fixed = await change_document(client, item.uri, 2, edit((1, 9), (1, 9), ")"))
    assert fixed == []


async def test_unexpected_keyword_is_named(client: PeerClient, tmp_path: Path) -> None:
    item = document(tmp_path / "stray.py", "x = 1\nelse:\n    pass\n")

    assert await open_document(client, item) == [syntax_error((1, 0), (1, 4), "unexpected 'else'")]


async def test_pulling_client_pulls_and_is_never_pushed_to(
    pulling_client: PeerClient, tmp_path: Path
) -> None:
    client = pulling_client
    item = document(tmp_path / "pulled.py", "x = 1\nprint((x)\n")
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))

    first = await pull(client, item.uri)
    assert isinstance(first, types.RelatedFullDocumentDiagnosticReport)
    assert without_data(first.items) == [syntax_error((1, 5), (1, 6), UNCLOSED)]
    assert first.result_id
    again = await pull(client, item.uri, previous_result_id=first.result_id)
    assert again == types.RelatedUnchangedDocumentDiagnosticReport(result_id=first.result_id)

    assert await change_document(client, item.uri, 2, edit((1, 9), (1, 9), ")")) == []
    changed = await pull(client, item.uri, previous_result_id=first.result_id)
    assert isinstance(changed, types.RelatedFullDocumentDiagnosticReport)
    assert list(changed.items) == []
    assert changed.result_id != first.result_id
    assert await close_document(client, item.uri) == []
    # Each pull answered after the notification before it, and the server handles messages in
    # order: a push for any of them would have arrived before that answer.
    assert client.diagnostics == {}


async def test_close_clears_the_diagnostics(client: PeerClient, tmp_path: Path) -> None:
    item = document(tmp_path / "closing.py", "def f(:\n    pass\n")
    assert await open_document(client, item) == [syntax_error((0, 6), (0, 6), "missing ')'")]

    # Pushed: an empty publishDiagnostics without version. Pulled: an empty report.
    assert await close_document(client, item.uri) == []


async def test_unknown_language_is_accepted_without_diagnostics(
    client: PeerClient, tmp_path: Path
) -> None:
    item = document(tmp_path / "notes.txt", "hello (world\n", language_id="plaintext")

    assert await open_document(client, item) == []
    assert client.messages == []
    assert [m for m in client.log_messages if m.type == types.MessageType.Error] == []


async def test_change_to_a_never_opened_document_is_survived(
    client: PeerClient, tmp_path: Path
) -> None:
    stranger = (tmp_path / "never_opened.py").as_uri()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=stranger, version=2),
            content_changes=[edit((0, 0), (0, 0), "(")],
        )
    )

    item = document(tmp_path / "later.py", "y = [1,\n")
    assert await open_document(client, item) == [
        syntax_error((0, 4), (0, 5), "'[' was never closed")
    ]
    assert client.messages == []  # no "failed" error shown to the user
