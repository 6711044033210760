"""Document synchronisation: didOpen, didChange, didClose feed the engine and publish."""

from __future__ import annotations

import logging
import typing

from lsprotocol import types

from peer_lsp.lsp.convert import from_content_change
from peer_lsp.lsp.errors import survive

if typing.TYPE_CHECKING:
    from peer_lsp.lsp.language_server import PeerLanguageServer

log = logging.getLogger(__name__)


@survive(None)
def did_open(ls: PeerLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    document = ls.engine.open(
        item.uri, item.text, item.language_id, item.version, ls.client.position_encoding
    )
    ls.engine.reviews.restore(document)
    _tell_once(ls, item.uri)
    ls.publish(item.uri)
    ls.reviewing.opened(document)


@survive(None)
def did_change(ls: PeerLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    changes = [from_content_change(change) for change in params.content_changes]
    result = ls.engine.change(uri, changes, params.text_document.version)
    if result is not None:
        _tell_once(ls, uri)
        ls.publish(uri)
        ls.reviewing.changed(uri, result.units)


def _tell_once(ls: PeerLanguageServer, uri: str) -> None:
    """Say once per document that it is too large to analyse, or that its local rules are
    off, before its diagnostics go out."""
    notice = ls.engine.oversized_notice(uri)
    if notice is not None:
        ls.show(types.MessageType.Info, notice)
    notice = ls.engine.rules_notice(uri)
    if notice is not None:
        ls.show(types.MessageType.Warning, notice)


@survive(None)
def did_close(ls: PeerLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.reviewing.closed(uri)
    document = ls.engine.documents.get(uri)
    if document is not None:
        ls.engine.reviews.keep_closed(document)
    ls.engine.close(uri)
    ls.clear_diagnostics(uri)


@survive(None)
def did_save(ls: PeerLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    document = ls.engine.documents.get(params.text_document.uri)
    if document is not None:
        ls.reviewing.saved(document)


def register(server: PeerLanguageServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE)(did_save)
