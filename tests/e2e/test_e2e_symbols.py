"""textDocument/documentSymbol over stdio: nested for the clients that declare it, flat with
container names for the one recorded that does not (ALE), in each client's encoding."""

from __future__ import annotations

import ast
import json.decoder
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsp_support import (
    SERVER_COMMAND,
    PeerClient,
    capabilities,
    change_document,
    document,
    edit,
    initialize_params,
    make_client,
    open_document,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client)
REAL = Path(json.decoder.__file__)
"""A real module nobody here wrote: json's decoder, from the standard library."""

SOURCE = (
    's = "😀"\n\nclass Café:\n    def get(self, key):\n        return key\n\ndef run():\n    pass\n'
)
CAFE_END = {"utf-16": 10, "utf-8": 11}
"""Where the name Café ends on its line: é is one UTF-16 unit but two UTF-8 bytes."""


@pytest_lsp.fixture(config=CONFIG, params=["visual_studio_code", "neovim", "ale"], scope="module")
async def symbol_client(
    lsp_client: PeerClient, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[None]:
    lsp_client.editor = request.param
    root = tmp_path_factory.mktemp("workspace")
    params = initialize_params(capabilities(request.param), root, {"ollamaAutodetect": False})
    result = await lsp_client.initialize_session(params)
    assert result.capabilities.document_symbol_provider
    yield
    await lsp_client.shutdown_session()


async def _symbols(
    client: PeerClient, uri: str
) -> list[types.DocumentSymbol] | list[types.SymbolInformation]:
    params = types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
    answer = await client.text_document_document_symbol_async(params)
    assert answer is not None
    return answer


def _nested(symbols: list[types.DocumentSymbol]) -> list[tuple[str, int, list[object]]]:
    return [(s.name, s.kind, _nested(s.children or [])) for s in symbols]


async def test_the_outline_of_a_real_module(symbol_client: PeerClient, tmp_path: Path) -> None:
    text = REAL.read_text(encoding="utf-8")
    item = document(tmp_path / "decoder.py", text)
    await open_document(symbol_client, item)
    tree = ast.parse(text)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    top = [
        (n.lineno - 1, n.name) for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)
    ]

    symbols = await _symbols(symbol_client, item.uri)

    if symbol_client.editor == "ale":
        assert all(isinstance(s, types.SymbolInformation) for s in symbols)
        flat = [s for s in symbols if isinstance(s, types.SymbolInformation)]
        assert [(s.name, s.container_name) for s in flat if s.container_name == "JSONDecoder"] == [
            (n.name, "JSONDecoder")
            for n in classes["JSONDecoder"].body
            if isinstance(n, ast.FunctionDef)
        ]
        tops = [(s.location.range.start.line, s.name) for s in flat if s.container_name is None]
    else:
        nested = [s for s in symbols if isinstance(s, types.DocumentSymbol)]
        assert len(nested) == len(symbols)
        decoder = next(s for s in nested if s.name == "JSONDecoder")
        assert decoder.kind == types.SymbolKind.Class
        assert [(c.name, c.kind) for c in decoder.children or []] == [
            (n.name, types.SymbolKind.Method)
            for n in classes["JSONDecoder"].body
            if isinstance(n, ast.FunctionDef)
        ]
        tops = [(s.selection_range.start.line, s.name) for s in nested]
    assert tops == top


async def test_ranges_count_in_the_negotiated_encoding_and_follow_edits(
    symbol_client: PeerClient, tmp_path: Path
) -> None:
    item = document(tmp_path / "cache.py", SOURCE)
    await open_document(symbol_client, item)

    before = await _symbols(symbol_client, item.uri)
    await change_document(symbol_client, item.uri, 2, edit((6, 4), (6, 7), "start"))
    after = await _symbols(symbol_client, item.uri)

    if symbol_client.editor == "ale":
        assert [(s.name, s.container_name) for s in before] == [  # type: ignore[union-attr]
            ("Café", None),
            ("get", "Café"),
            ("run", None),
        ]
        assert [s.name for s in after] == ["Café", "get", "start"]
        return
    assert _nested(before) == [  # type: ignore[arg-type]
        ("Café", types.SymbolKind.Class, [("get", types.SymbolKind.Method, [])]),
        ("run", types.SymbolKind.Function, []),
    ]
    cache = before[0]
    assert isinstance(cache, types.DocumentSymbol)
    end = CAFE_END[symbol_client.position_encoding or "utf-16"]
    assert cache.selection_range == types.Range(types.Position(2, 6), types.Position(2, end))
    assert cache.range.end == types.Position(4, 18)
    assert [s.name for s in after] == ["Café", "start"]


async def test_an_unknown_document_has_no_symbols(symbol_client: PeerClient) -> None:
    params = types.DocumentSymbolParams(types.TextDocumentIdentifier("file:///nowhere/x.py"))
    assert await symbol_client.text_document_document_symbol_async(params) is None
