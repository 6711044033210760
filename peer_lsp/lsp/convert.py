"""Engine values to LSP values: findings to diagnostics, byte offsets to ranges."""

from __future__ import annotations

from lsprotocol import types

from peer_lsp.documents.store import Document, TextChange
from peer_lsp.findings.model import Finding, Severity, shown_message
from peer_lsp.lsp.diagnostic_json import (
    DIAGNOSTIC_SOURCE,
    diagnostic_data,
    positions,
    rule_doc_url,
)

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def to_lsp_range(document: Document, start: int, end: int) -> types.Range:
    """The LSP range of a byte range, in the document's negotiated encoding."""
    start_line, start_char, end_line, end_char = positions(document, start, end)
    return types.Range(types.Position(start_line, start_char), types.Position(end_line, end_char))


def rule_doc(finding: Finding) -> types.CodeDescription | None:
    """The link to a local rule's documentation (docs/rules.md#<rule-id>), for its code."""
    href = rule_doc_url(finding)
    return None if href is None else types.CodeDescription(href=href)


def to_diagnostic(document: Document, finding: Finding) -> types.Diagnostic:
    """The diagnostic of a finding; its wire form equals `diagnostic_json`'s."""
    return types.Diagnostic(
        range=to_lsp_range(document, finding.span.start_byte, finding.span.end_byte),
        message=shown_message(finding),
        severity=_SEVERITY[finding.severity],
        code=finding.rule_id,
        code_description=rule_doc(finding),
        source=DIAGNOSTIC_SOURCE,
        data=diagnostic_data(finding).to_json(),
    )


def to_diagnostics(document: Document, findings: list[Finding]) -> list[types.Diagnostic]:
    return [to_diagnostic(document, finding) for finding in findings]


def from_content_change(change: types.TextDocumentContentChangeEvent) -> TextChange:
    """An editor content change as the engine's TextChange."""
    if isinstance(change, types.TextDocumentContentChangePartial):
        start, end = change.range.start, change.range.end
        return TextChange(change.text, (start.line, start.character, end.line, end.character))
    return TextChange(change.text)
