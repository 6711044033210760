"""Document sync as editors really do it: whole-document changes (alone and mixed with ranged
ones), text with lone UTF-16 surrogates, odd ranges and versions, and files over
maxFileBytes. After each, the diagnostics must be where the editor's text has the error."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import (
    UNCLOSED,
    PeerClient,
    change_document,
    document,
    edit,
    open_document,
    syntax_error,
)
from lsprotocol import types

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


def whole(text: str) -> types.TextDocumentContentChangeWholeDocument:
    """A change without a range: the document's new text, all of it."""
    return types.TextDocumentContentChangeWholeDocument(text=text)


async def test_full_change_publishes_fresh_diagnostics(client: PeerClient, tmp_path: Path) -> None:
    item = document(tmp_path / "full.py", "a = 1\n")
    assert await open_document(client, item) == []

    broken = await change_document(client, item.uri, 2, whole("a = 1\nb = (2\n"))
    assert broken == [syntax_error((1, 4), (1, 5), UNCLOSED)]
    fixed = await change_document(client, item.uri, 3, whole("a = 1\nb = (2)\n"))
    assert fixed == []


async def test_ranged_changes_around_a_full_change_in_one_notification(
    client: PeerClient, tmp_path: Path
) -> None:
    item = document(tmp_path / "mixed.py", "def f():\n    return 1\n")
    assert await open_document(client, item) == []

    after = await change_document(
        client,
        item.uri,
        2,
        edit((0, 0), (0, 0), "import os\n"),
        whole("x = 1\ny = 2\n"),
        edit((1, 4), (1, 5), "[2"),  # in the new text: y = [2
    )

    assert after == [syntax_error((1, 4), (1, 5), "'[' was never closed")]


SURROGATE_LINE = 's = "\ud800"; print((1\n'
SURROGATE_COLUMN = {"utf-16": 14, "utf-8": 16}
"""Where the unclosed '(' is: the lone surrogate is one UTF-16 unit, or three bytes."""


async def test_lone_surrogate_in_did_open_keeps_positions(
    client: PeerClient, tmp_path: Path
) -> None:
    column = SURROGATE_COLUMN[client.position_encoding or "utf-16"]
    item = document(tmp_path / "surrogate_open.py", SURROGATE_LINE)

    assert await open_document(client, item) == [
        syntax_error((0, column), (0, column + 1), UNCLOSED)
    ]


async def test_lone_surrogate_in_did_change_is_applied(client: PeerClient, tmp_path: Path) -> None:
    item = document(tmp_path / "surrogate_change.py", 's = ""; print((1\n')
    column = SURROGATE_COLUMN[client.position_encoding or "utf-16"]
    assert await open_document(client, item) == [syntax_error((0, 13), (0, 14), UNCLOSED)]

    inserted = await change_document(client, item.uri, 2, edit((0, 5), (0, 5), "\ud800"))
    assert inserted == [syntax_error((0, column), (0, column + 1), UNCLOSED)]
    # An edit after the surrogate lands where the editor meant it: "1" becomes "2))".
    fixed = await change_document(
        client, item.uri, 3, edit((0, column + 2), (0, column + 3), "2))")
    )
    assert fixed == []


async def test_deleting_half_of_a_surrogate_pair(client: PeerClient, tmp_path: Path) -> None:
    if client.position_encoding not in (None, "utf-16"):
        pytest.skip("only UTF-16 positions can fall between the halves of a pair")
    item = document(tmp_path / "half_pair.py", 's = "😀"; print((1\n')
    assert await open_document(client, item) == [syntax_error((0, 15), (0, 16), UNCLOSED)]

    # The editor drops the high surrogate: one UTF-16 unit, and the '(' moves left by one.
    halved = await change_document(client, item.uri, 2, edit((0, 5), (0, 6), ""))

    assert halved == [syntax_error((0, 14), (0, 15), UNCLOSED)]


async def test_odd_ranges_and_versions_still_apply(client: PeerClient, tmp_path: Path) -> None:
    item = document(tmp_path / "odd.py", "a = (1\nb = 2\n", version=5)
    assert await open_document(client, item) == [syntax_error((0, 4), (0, 5), UNCLOSED)]

    # A character past the line's end means its end (LSP): the bracket is closed there.
    past_end = await change_document(client, item.uri, 6, edit((0, 40), (0, 99), ")"))
    assert past_end == []
    # An end before its start: the range between them ("2") is replaced, as VS Code
    # orders such a range.
    reversed_range = await change_document(client, item.uri, 7, edit((1, 5), (1, 4), "[2"))
    assert reversed_range == [syntax_error((1, 4), (1, 5), "'[' was never closed")]
    # A version going backwards: the edit is applied all the same.
    backwards = await change_document(client, item.uri, 3, edit((1, 6), (1, 6), "]"))
    assert backwards == []


async def test_change_to_an_unopened_document_leaves_the_server_working(
    client: PeerClient, tmp_path: Path
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=(tmp_path / "never_opened.py").as_uri(), version=2
            ),
            content_changes=[edit((0, 0), (0, 0), "x = (")],
        )
    )
    item = document(tmp_path / "after.py", "x = (\n")

    assert await open_document(client, item) == [syntax_error((0, 4), (0, 5), UNCLOSED)]


HUGE_LINES = 70_000
"""About 2.2 MB of Python: over the default maxFileBytes (2 MB)."""


async def test_huge_file_is_announced_once_and_analysed_when_it_shrinks(
    client: PeerClient, tmp_path: Path
) -> None:
    body = "def f(value):\n    return (value\n" + "# filler line, 32 bytes long...\n" * HUGE_LINES
    item = document(tmp_path / "huge.py", body)

    assert await open_document(client, item) == []  # the unclosed '(' is not reported
    assert [m.message for m in client.messages] == [
        "peer-lsp: huge.py is 2.2 MB, over maxFileBytes (2 MB): not analysed"
    ]
    for version in range(2, 12):  # typing, one character at a time
        typed = await change_document(client, item.uri, version, edit((2, 0), (2, 0), "x"))
        assert typed == []

    # Deleting the filler takes it under the limit: the unclosed '(' is reported.
    shrunk = await change_document(client, item.uri, 12, edit((2, 0), (HUGE_LINES + 2, 0), ""))
    assert shrunk == [syntax_error((1, 11), (1, 12), UNCLOSED)]
    # Over the limit again: no diagnostics, and no second message.
    grown = await change_document(client, item.uri, 13, edit((2, 0), (2, 0), body))
    assert grown == []
    assert len(client.messages) == 1
    assert client.messages[0].type == types.MessageType.Info
