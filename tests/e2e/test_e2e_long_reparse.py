"""An edit whose reparse is long never holds the server, and what is published for it is
exactly right.

Typing the opening quotes of a docstring turns the rest of a large file into string:
tree-sitter reparses all of it (a quarter of a second here for 31,000 lines), and every
keystroke typed inside the open docstring as much again. Once a reparse of a document was
slow, the server runs the next ones on its parse thread (lsp.sync): meanwhile it answers
other requests, a newer edit supersedes the reparse under way, and only complete versions
are published, with the diagnostics that reparsing their edits in one batch gives. The
file is real code nobody here wrote: the standard library's argparse, twelve times over.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from push_client import INITIALIZED, RawServer, did_open, initialize, publishes, raw_server

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import TextChange
from peer_lsp.lsp.diagnostic_json import publish_json

pytestmark = pytest.mark.e2e

QUOTES = '"""'


def _large_text() -> str:
    spec = importlib.util.find_spec("argparse")
    assert spec is not None
    assert spec.origin is not None
    return Path(spec.origin).read_text(encoding="utf-8") * 12


def _body_line(text: str) -> int:
    return text.splitlines().index("    def format_help(self):") + 1


def _change(uri: str, version: int, line: int, column: int, text: str) -> dict[str, Any]:
    where = {"line": line, "character": column}
    return {
        "method": "textDocument/didChange",
        "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": where, "end": where}, "text": text}],
        },
    }


def _hover(msg_id: int, uri: str) -> dict[str, Any]:
    where = {"line": 0, "character": 0}
    return {
        "id": msg_id,
        "method": "textDocument/hover",
        "params": {"textDocument": {"uri": uri}, "position": where},
    }


def _index(server: RawServer, wanted: Any) -> int:
    return next(i for i, m in enumerate(server.messages) if wanted(m))


async def _opened(server: RawServer, tmp_path: Path, text: str) -> tuple[str, str]:
    large, small = tmp_path / "large.py", tmp_path / "small.py"
    server.send(initialize({}, tmp_path))
    await server.response(1)
    server.send(INITIALIZED, did_open(large, text), did_open(small, "x = 1\n"))
    await server.diagnostics(large.as_uri())
    await server.diagnostics(small.as_uri())
    return large.as_uri(), small.as_uri()


async def _published(server: RawServer, uri: str, version: int) -> None:
    await server.wait_for(
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == version
        )
    )


async def test_requests_are_answered_while_a_long_reparse_runs(tmp_path: Path) -> None:
    text = _large_text()
    line = _body_line(text)
    async with raw_server(tmp_path) as server:
        large, small = await _opened(server, tmp_path, text)
        server.send(_change(large, 2, line, 8, QUOTES))  # slow: the document is marked so
        await _published(server, large, 2)
        server.send(_change(large, 3, line, 11, "x"), _hover(5, small))
        await server.response(5)
        await _published(server, large, 3)
        assert await server.exit() == 0

    answered = _index(server, lambda m: m.get("id") == 5 and "method" not in m)
    published = _index(
        server,
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == 3
        ),
    )
    assert answered < published, "the hover waited for the reparse"


async def test_a_newer_edit_supersedes_the_reparse_and_only_it_is_published(
    tmp_path: Path,
) -> None:
    text = _large_text()
    line = _body_line(text)
    edits = [(line, 8, QUOTES), (line, 11, "value"), (line, 16, "s")]
    async with raw_server(tmp_path) as server:
        large, _ = await _opened(server, tmp_path, text)
        server.send(_change(large, 2, *edits[0]))  # slow: the document is marked so
        await _published(server, large, 2)
        server.send(*(_change(large, v, *edit) for v, edit in enumerate(edits[1:], start=3)))
        await _published(server, large, 4)
        assert await server.exit() == 0

    versions = [p.get("version") for p in publishes(server, large)]
    assert versions == [1, 2, 4]
    # Exactly what one reparse of both edits gives, as if sent in one notification.
    engine = Engine()
    engine.open(large, text, "python", 1)
    engine.change(large, [TextChange(edits[0][2], edits[0][:2] * 2)], 2)
    engine.change(large, [TextChange(t, (ln, col, ln, col)) for ln, col, t in edits[1:]], 4)
    document = engine.documents.get(large)
    assert document is not None
    expected = publish_json(document, engine.findings(large))["params"]
    assert publishes(server, large)[-1] == expected
    assert expected["diagnostics"], "the unclosed docstring must be reported"
