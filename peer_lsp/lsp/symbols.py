"""textDocument/documentSymbol: the outline of a document, from the units peer keeps anyway.

Clients that declare hierarchical symbols get DocumentSymbol trees; the others the flat
SymbolInformation list with each symbol's container named.
"""

from __future__ import annotations

import typing

from lsprotocol import types

from peer_lsp.lsp.convert import to_lsp_range
from peer_lsp.lsp.language_server import (
    PeerLanguageServer,  # at run time: pygls resolves annotations
)
from peer_lsp.syntax.outline import Symbol, outline
from peer_lsp.syntax.unit import UnitKind

if typing.TYPE_CHECKING:
    from peer_lsp.documents.store import Document

KINDS = {
    UnitKind.FUNCTION: types.SymbolKind.Function,
    UnitKind.METHOD: types.SymbolKind.Method,
    UnitKind.CLASS: types.SymbolKind.Class,
}


def document_symbols(
    ls: PeerLanguageServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
    uri = params.text_document.uri
    document = ls.engine.documents.get(uri)
    if document is None:
        return None
    symbols = outline(document.units)
    if _hierarchical(ls):
        return [_document_symbol(document, symbol) for symbol in symbols]
    return [info for symbol in symbols for info in _information(document, uri, symbol, None)]


def _hierarchical(ls: PeerLanguageServer) -> bool:
    text = ls.client_capabilities.text_document
    asked = text.document_symbol if text else None
    return bool(asked and asked.hierarchical_document_symbol_support)


def _document_symbol(document: Document, symbol: Symbol) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name,
        detail=symbol.detail,
        kind=KINDS[symbol.kind],
        range=to_lsp_range(document, symbol.start_byte, symbol.end_byte),
        selection_range=to_lsp_range(document, symbol.name_start, symbol.name_end),
        children=[_document_symbol(document, child) for child in symbol.children],
    )


def _information(
    document: Document, uri: str, symbol: Symbol, container: str | None
) -> list[types.SymbolInformation]:
    location = types.Location(uri, to_lsp_range(document, symbol.start_byte, symbol.end_byte))
    own = types.SymbolInformation(
        name=symbol.name, kind=KINDS[symbol.kind], location=location, container_name=container
    )
    nested = [i for c in symbol.children for i in _information(document, uri, c, symbol.name)]
    return [own, *nested]


def register(server: PeerLanguageServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(document_symbols)
