"""Diagnostics to the editor: pulled by clients that can pull, pushed to the others.

Never both: a client that pulls and is also pushed to shows every finding twice.
"""

from __future__ import annotations

import hashlib
import typing

from lsprotocol import types

from peer_lsp.lsp.convert import to_diagnostics

if typing.TYPE_CHECKING:
    from peer_lsp.server import PeerLanguageServer


def publish(ls: PeerLanguageServer, uri: str) -> None:
    """Push the document's current findings, unless this client pulls them."""
    if ls.client.pull_diagnostics:
        return
    document = ls.engine.documents.get(uri)
    if document is None:
        return
    diagnostics = to_diagnostics(document, ls.engine.findings(uri))
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version)
    )


def republish(ls: PeerLanguageServer, uri: str) -> None:
    """After the findings of one document changed outside an edit (a review, a dismissal):
    push them, or ask a pulling client that allows it to pull again."""
    publish(ls, uri)
    if ls.client.pull_diagnostics and ls.client.diagnostic_refresh:
        ls.workspace_diagnostic_refresh(None)


def clear(ls: PeerLanguageServer, uri: str) -> None:
    """Remove a closed document's diagnostics from the editor."""
    ls.diagnostic_results.pop(uri, None)
    if not ls.client.pull_diagnostics:
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )


def refresh(ls: PeerLanguageServer) -> None:
    """After a settings change: push again, or ask a pulling client to pull again."""
    if ls.client.pull_diagnostics:
        if ls.client.diagnostic_refresh:
            ls.workspace_diagnostic_refresh(None)
        return
    for document in ls.engine.documents:
        publish(ls, document.uri)


def _result_id(diagnostics: list[types.Diagnostic], version: int | None) -> str:
    digest = hashlib.blake2b(digest_size=8)
    digest.update(str(version).encode())
    for diagnostic in diagnostics:
        digest.update(repr((diagnostic.range, diagnostic.code, diagnostic.message)).encode())
    return digest.hexdigest()


def pull(
    ls: PeerLanguageServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport:
    """textDocument/diagnostic: the full report, or "unchanged" when the client has it."""
    uri = params.text_document.uri
    # a client that cannot be told to pull again is pushed to instead (see ClientFeatures)
    document = ls.engine.documents.get(uri) if ls.client.pull_diagnostics else None
    diagnostics = to_diagnostics(document, ls.engine.findings(uri)) if document else []
    result_id = _result_id(diagnostics, None)
    ls.diagnostic_results[uri] = result_id
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=diagnostics, result_id=result_id)


def register(server: PeerLanguageServer) -> None:
    server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="peer", inter_file_dependencies=False, workspace_diagnostics=False
        ),
    )(pull)
