"""Findings as LSP diagnostics in their wire (JSON) form, without lsprotocol.

`peer_lsp.lsp.convert` builds the lsprotocol objects pygls sends; the start-up path
(`peer_lsp.lsp.early_diagnostics`) publishes before lsprotocol has even loaded, so it needs
the same diagnostics as plain JSON. Both are built from the helpers here, and a test holds
``diagnostic_json`` equal to what pygls's converter makes of ``convert.to_diagnostic``.
"""

from __future__ import annotations

from typing import Any

from peer_lsp.documents.store import Document
from peer_lsp.findings.model import Finding, Severity, is_model_finding, shown_message
from peer_lsp.lsp.data import DiagnosticData
from peer_lsp.rules.catalog import doc_url, get
from peer_lsp.text.positions import position_at

DIAGNOSTIC_SOURCE = "peer"

SEVERITY_NUMBER = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3, Severity.HINT: 4}
"""LSP's DiagnosticSeverity values."""


def positions(document: Document, start: int, end: int) -> tuple[int, int, int, int]:
    """Start line, start character, end line, end character of a byte range, in the
    document's negotiated encoding."""
    data, lines, encoding = document.data, document.lines, document.encoding
    start_line, start_char = position_at(data, lines, start, encoding)
    end_line, end_char = position_at(data, lines, end, encoding)
    return start_line, start_char, end_line, end_char


def diagnostic_data(finding: Finding) -> DiagnosticData:
    """What a code action needs later, without asking any model again (see code_actions)."""
    return DiagnosticData(
        fingerprint=finding.fingerprint,
        confidence=finding.confidence,
        source=finding.source,
        model=finding.source if is_model_finding(finding) else None,
        has_fix=finding.fix is not None and finding.fix.verified,
    )


def rule_doc_url(finding: Finding) -> str | None:
    """The link to a local rule's documentation (docs/rules.md#<rule-id>), for its code."""
    if not finding.source.startswith("rule:") or get(finding.rule_id) is None:
        return None  # a project's or a plugin's rule has no page of ours
    return doc_url(finding.rule_id)


def diagnostic_json(document: Document, finding: Finding) -> dict[str, Any]:
    """The diagnostic of a finding as it goes over the wire."""
    start_line, start_char, end_line, end_char = positions(
        document, finding.span.start_byte, finding.span.end_byte
    )
    diagnostic: dict[str, Any] = {
        "range": {
            "start": {"line": start_line, "character": start_char},
            "end": {"line": end_line, "character": end_char},
        },
        "message": shown_message(finding),
        "severity": SEVERITY_NUMBER[finding.severity],
        "code": finding.rule_id,
    }
    href = rule_doc_url(finding)
    if href is not None:
        diagnostic["codeDescription"] = {"href": href}
    diagnostic["source"] = DIAGNOSTIC_SOURCE
    diagnostic["data"] = diagnostic_data(finding).to_json()
    return diagnostic


def publish_json(document: Document, findings: list[Finding]) -> dict[str, Any]:
    """The textDocument/publishDiagnostics notification of a document's findings."""
    params: dict[str, Any] = {
        "uri": document.uri,
        "diagnostics": [diagnostic_json(document, finding) for finding in findings],
    }
    if document.version is not None:
        params["version"] = document.version
    return {"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params}
