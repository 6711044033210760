"""Document synchronisation: didOpen, didChange, didClose feed the engine and publish."""

from __future__ import annotations

import asyncio
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


QUICK_PARSE_MS = 20.0
"""A document whose last reparse took less is reparsed at once on the event loop, the
fastest way; one whose last reparse took longer is reparsed on the parse thread."""


@survive(None)
def did_change(ls: PeerLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    """Apply the edit; reparse, analyse and publish.

    A reparse is quick for almost every keystroke (a few ms at 10,000 lines) and is done at
    once. An edit that opens an error the parser spreads over the file (an unclosed
    docstring) can cost a full parse, and the keystrokes after it as much again: once a
    reparse of the document took more than `QUICK_PARSE_MS`, the next ones run on the parse
    thread while the event loop serves other messages, and an edit arriving meanwhile
    abandons the reparse under way; the next covers both, as if the editor had sent them in
    one batch. Diagnostics are only ever published for a complete reparse and analysis.
    """
    uri = params.text_document.uri
    changes = [from_content_change(change) for change in params.content_changes]
    if not ls.engine.begin_change(uri, changes, params.text_document.version):
        return
    edit = ls.edits[uri] = ls.edits.get(uri, 0) + 1
    if ls.engine.last_parse_ms(uri) < QUICK_PARSE_MS:
        ls.engine.analyse(uri)
        _publish_edits(ls, uri)
        return
    loop = asyncio.get_running_loop()
    ls.engine.analyse_in_background(
        uri, lambda: loop.call_soon_threadsafe(_reparsed, ls, uri, edit)
    )


@survive(None)
def _reparsed(ls: PeerLanguageServer, uri: str, edit: int) -> None:
    """The background reparse after ``edit`` ended: publish, unless a newer edit (whose
    reparse covers this one's) or a close came first."""
    if ls.edits.get(uri) == edit:
        ls.engine.analyse(uri)
        _publish_edits(ls, uri)


def _publish_edits(ls: PeerLanguageServer, uri: str) -> None:
    results = ls.engine.take_results(uri)
    if results and uri in ls.engine.documents:
        _tell_once(ls, uri)
        ls.publish(uri)
        for result in results:
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
    ls.edits.pop(uri, None)
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
