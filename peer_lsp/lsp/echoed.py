"""Which of peer's findings the diagnostics a client sends back with a code action request
stand for.

Most clients echo a diagnostic as they received it, ``data`` included, and its fingerprint
names the finding. Some keep less: ALE sends only range, code and message, so a finding is
recognised by its range and code, and by its message when several share both. ALE also sends
no diagnostic at all when asked on a word; then the findings under the requested range are
the ones meant. A diagnostic of another server or linter is never taken for peer's.
"""

from __future__ import annotations

import typing

from lsprotocol import types

from peer_lsp.findings.model import shown_message
from peer_lsp.lsp.convert import to_diagnostic, to_lsp_range
from peer_lsp.lsp.data import DiagnosticData
from peer_lsp.lsp.diagnostic_json import DIAGNOSTIC_SOURCE

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding


def fingerprint(diagnostic: types.Diagnostic) -> str | None:
    """The fingerprint in a peer diagnostic's ``data``, validated (any server's diagnostic
    can arrive here)."""
    if diagnostic.source not in (None, DIAGNOSTIC_SOURCE):
        return None
    return DiagnosticData.fingerprint_in(diagnostic.data)


def findings_meant(
    document: Document,
    diagnostics: Sequence[types.Diagnostic],
    findings: Sequence[Finding],
    requested: types.Range,
) -> list[tuple[types.Diagnostic, Finding]]:
    """Each finding the client's ``diagnostics`` stand for, with the diagnostic to name in
    its actions; when none stands for one of ours, the findings under ``requested``."""
    by_fingerprint = {f.fingerprint: f for f in findings}
    meant: list[tuple[types.Diagnostic, Finding]] = []
    seen: set[str] = set()
    for diagnostic in diagnostics:
        found = _by_data(diagnostic, by_fingerprint) or _by_place(document, diagnostic, findings)
        if found is not None and found.fingerprint not in seen:
            seen.add(found.fingerprint)
            meant.append((diagnostic, found))
    if meant:
        return meant
    return [(to_diagnostic(document, f), f) for f in _under(document, findings, requested)]


def _by_data(diagnostic: types.Diagnostic, findings: dict[str, Finding]) -> Finding | None:
    key = fingerprint(diagnostic)
    return findings.get(key) if key is not None else None


def _by_place(
    document: Document, diagnostic: types.Diagnostic, findings: Iterable[Finding]
) -> Finding | None:
    """The finding at the diagnostic's range with its code, for a client that kept neither
    ``data`` nor another server's ``source``; by message when several share range and code."""
    if diagnostic.data is not None or diagnostic.source not in (None, DIAGNOSTIC_SOURCE):
        return None
    line = diagnostic.range.start.line
    here = [
        f
        for f in findings
        if f.rule_id == diagnostic.code
        and f.span.start_line == line  # cheap, before converting the range
        and to_lsp_range(document, f.span.start_byte, f.span.end_byte) == diagnostic.range
    ]
    if len(here) > 1:
        message = _words(diagnostic.message)
        here = [f for f in here if _words(shown_message(f)) == message]
    return here[0] if here else None


def _words(message: str) -> str:
    """A message as compared: clients may fold its line breaks (ALE makes them spaces)."""
    return " ".join(message.split())


def _under(
    document: Document, findings: Iterable[Finding], requested: types.Range
) -> list[Finding]:
    """The findings whose span touches the requested range."""
    start = document.offset_at(requested.start.line, requested.start.character)
    end = document.offset_at(requested.end.line, requested.end.character)
    return [f for f in findings if f.span.start_byte <= end and start <= f.span.end_byte]
