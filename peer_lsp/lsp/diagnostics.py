"""textDocument/diagnostic: the pull model (pushing is `PeerLanguageServer.publish`)."""

from __future__ import annotations

import hashlib
import typing

from lsprotocol import types

from peer_lsp.lsp.convert import to_diagnostics

if typing.TYPE_CHECKING:
    from peer_lsp.lsp.language_server import PeerLanguageServer


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
