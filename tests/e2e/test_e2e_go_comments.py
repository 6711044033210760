"""The server keeps answering on Go shaped like most real Go files: comments at the top, after
a function and at the end. Looking up the first statement after the function used to crash the
server process inside tree-sitter (SIGSEGV) on open, and again on an edit between statements."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from lsp_support import PeerClient, change_document, document, edit, open_document

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

GO_SOURCE = """\
// Copyright 2024 The Example Authors. All rights reserved.

// Package config reads the service settings.
package config

// Password is the database password of the staging account.
func Password() string {
	dbPassword := "pr0d-Pa55word"
	return dbPassword
}

// TODO: read the password from the environment.
"""


async def test_go_file_ending_in_a_comment_is_analysed(client: PeerClient, tmp_path: Path) -> None:
    item = document(tmp_path / "config.go", GO_SOURCE, language_id="go")

    opened = await open_document(client, item)
    typed = await change_document(client, item.uri, 2, edit((10, 0), (10, 0), "// Note.\n"))

    for diagnostics in (opened, typed):
        assert [(d.code, d.range.start.line, d.range.start.character) for d in diagnostics] == [
            ("go-hardcoded-secret", 7, 15)
        ]
