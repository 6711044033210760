"""Ranges in the negotiated position encoding, and line endings other than \\n."""

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

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

EMOJI_LINE = 's = "😀😀"; print((1\n'
EMOJI_COLUMN = {"utf-16": 17, "utf-8": 21}
"""Where the unclosed '(' after the two emoji is: each emoji is a surrogate pair (2 UTF-16
units) or 4 UTF-8 bytes. Recorded VS Code speaks UTF-16; recorded neovim offers UTF-8."""


async def test_range_after_emoji_counts_in_the_negotiated_encoding(
    client: PeerClient, tmp_path: Path
) -> None:
    column = EMOJI_COLUMN[client.position_encoding or "utf-16"]
    item = document(tmp_path / "emoji.py", EMOJI_LINE)

    assert await open_document(client, item) == [
        syntax_error((0, column), (0, column + 1), UNCLOSED)
    ]


async def test_crlf_lines_and_edits_across_line_breaks(client: PeerClient, tmp_path: Path) -> None:
    item = document(tmp_path / "crlf.py", "a = 1\r\nb = 2\r\nc = (3\r\nd = 4\r\n")
    assert await open_document(client, item) == [syntax_error((2, 4), (2, 5), UNCLOSED)]

    # Join lines 0 and 1: the error moves up a line.
    joined = await change_document(client, item.uri, 2, edit((0, 5), (1, 0), "; "))
    assert joined == [syntax_error((1, 4), (1, 5), UNCLOSED)]
    # Replace the end of "c = (3" and its CRLF: the error is fixed.
    fixed = await change_document(client, item.uri, 3, edit((1, 6), (2, 0), ")\r\n"))
    assert fixed == []
    # Open a bracket and a CRLF after "d =": the error is back on the third line.
    broken = await change_document(client, item.uri, 4, edit((2, 3), (2, 3), " [\r\n"))
    assert broken == [syntax_error((2, 4), (2, 5), "'[' was never closed")]


async def test_cr_only_lines(client: PeerClient, tmp_path: Path) -> None:
    # A lone \r ends a line for LSP and for Python alike: the error is on the third line.
    item = document(tmp_path / "classic_mac.py", "a = 1\rb = 2\rc = (3\r")

    assert await open_document(client, item) == [syntax_error((2, 4), (2, 5), UNCLOSED)]
