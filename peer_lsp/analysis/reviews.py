"""Model findings, kept per unit and relative to it, so they follow their code as lines move.

A review's findings are stored against the unit object and the exact hash they were made
for, with byte offsets relative to the unit's start. When the document is edited above the
unit, the unit moves and its findings move with it; when the unit itself changes, or leaves
the document, its findings are no longer shown (a new review replaces them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from peer_lsp.analysis.findings import Finding, Fix, Span, TextEdit
from peer_lsp.documents.store import Document
from peer_lsp.syntax.units import Unit


@dataclass(frozen=True, slots=True)
class _Entry:
    unit: Unit
    unit_hash: str
    findings: tuple[Finding, ...]
    """Spans and fix edits relative to the unit's start."""


def _shift_fix(fix: Fix | None, delta: int) -> Fix | None:
    if fix is None:
        return None
    edits = tuple(TextEdit(e.start_byte + delta, e.end_byte + delta, e.new_text) for e in fix.edits)
    return dataclasses.replace(fix, edits=edits)


def _shift(finding: Finding, delta: int, document: Document | None) -> Finding:
    start, end = finding.span.start_byte + delta, finding.span.end_byte + delta
    lines = (
        (document.lines.line_of(start), document.lines.line_of(end))
        if document is not None
        else (finding.span.start_line, finding.span.end_line)
    )
    return dataclasses.replace(
        finding, span=Span(start, end, *lines), fix=_shift_fix(finding.fix, delta)
    )


class ReviewStore:
    """The latest model findings of each unit of each open document."""

    def __init__(self) -> None:
        self._entries: dict[str, dict[int, _Entry]] = {}

    def put(self, uri: str, unit: Unit, unit_hash: str, findings: Iterable[Finding]) -> None:
        """Keep the findings of a review of ``unit`` (document-absolute, as reviewed now)."""
        relative = tuple(_shift(f, -unit.start_byte, None) for f in findings)
        self._entries.setdefault(uri, {})[id(unit)] = _Entry(unit, unit_hash, relative)

    def findings(self, document: Document) -> Iterator[Finding]:
        """Findings of units still in the document with the text they were reviewed for."""
        entries = self._entries.get(document.uri, {})
        for key, entry in list(entries.items()):
            unit = entry.unit
            if not unit.alive or unit.exact_hash != entry.unit_hash:
                if not unit.alive:
                    del entries[key]
                continue
            for finding in entry.findings:
                yield _shift(finding, unit.start_byte, document)

    def reviewed(self, uri: str, unit: Unit) -> bool:
        entry = self._entries.get(uri, {}).get(id(unit))
        return entry is not None and entry.unit_hash == unit.exact_hash

    def forget(self, uri: str) -> None:
        self._entries.pop(uri, None)
