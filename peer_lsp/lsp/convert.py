"""Engine values to LSP values: findings to diagnostics, byte offsets to ranges."""

from __future__ import annotations

from lsprotocol import types

from peer_lsp.documents.store import Document, TextChange
from peer_lsp.findings.model import Finding, Severity
from peer_lsp.lsp.data import DiagnosticData
from peer_lsp.rules.catalog import doc_url
from peer_lsp.text.positions import position_at

DIAGNOSTIC_SOURCE = "peer"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def to_lsp_range(document: Document, start: int, end: int) -> types.Range:
    """The LSP range of a byte range, in the document's negotiated encoding."""
    data, lines, encoding = document.data, document.lines, document.encoding
    start_line, start_char = position_at(data, lines, start, encoding)
    end_line, end_char = position_at(data, lines, end, encoding)
    return types.Range(types.Position(start_line, start_char), types.Position(end_line, end_char))


def is_model_finding(finding: Finding) -> bool:
    """Model findings carry the model's name as source; local ones say syntax or rule:ID."""
    return finding.source != "syntax" and not finding.source.startswith("rule:")


def diagnostic_message(finding: Finding) -> str:
    """The message, ending with the confidence for model findings ("… (82% confident)")."""
    if is_model_finding(finding):
        return f"{finding.message} ({round(finding.confidence * 100)}% confident)"
    return finding.message


def diagnostic_data(finding: Finding) -> DiagnosticData:
    """What a code action needs later, without asking any model again (see code_actions)."""
    return DiagnosticData(
        fingerprint=finding.fingerprint,
        confidence=finding.confidence,
        source=finding.source,
        model=finding.source if is_model_finding(finding) else None,
        has_fix=finding.fix is not None and finding.fix.verified,
    )


def rule_doc(finding: Finding) -> types.CodeDescription | None:
    """The link to a local rule's documentation (docs/rules.md#<rule-id>), for its code."""
    if not finding.source.startswith("rule:"):
        return None
    return types.CodeDescription(href=doc_url(finding.rule_id))


def to_diagnostic(document: Document, finding: Finding) -> types.Diagnostic:
    return types.Diagnostic(
        range=to_lsp_range(document, finding.span.start_byte, finding.span.end_byte),
        message=diagnostic_message(finding),
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
