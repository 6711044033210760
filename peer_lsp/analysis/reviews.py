"""Model findings, kept per unit and relative to it, so they follow their code as lines move.

A review's findings are stored against the unit object and the exact hash they were made
for, with byte offsets relative to the unit's start. When the document is edited above the
unit, the unit moves and its findings move with it; when the unit itself changes, or leaves
the document, its findings are no longer shown (a new review replaces them).
"""

from __future__ import annotations

import dataclasses
import hashlib
import typing
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from peer_lsp.documents.store import Document
from peer_lsp.findings.model import Finding, Fix, Severity, Span, TextEdit
from peer_lsp.syntax.unit import Unit

if typing.TYPE_CHECKING:
    from peer_lsp.findings.confidence import Assessment


@dataclass(frozen=True, slots=True)
class _Entry:
    unit: Unit
    unit_hash: str
    findings: tuple[Finding, ...]
    """Spans and fix edits relative to the unit's start."""
    assessments: Mapping[str, Assessment] = field(default_factory=dict)
    """How each finding's confidence was reached, by fingerprint (see review.confidence)."""


@dataclass(frozen=True, slots=True)
class Reviewed:
    """Where a stored model finding came from: its unit, the hash reviewed, its assessment."""

    unit: Unit
    unit_hash: str
    assessment: Assessment | None


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


@dataclass(frozen=True, slots=True)
class _Closed:
    """The reviews of a closed document, for when the same text is opened again."""

    text_hash: bytes
    entries: dict[tuple[str, str], _Entry]
    """By the unit's qualified name and exact hash."""


def _text_hash(document: Document) -> bytes:
    return hashlib.blake2b(document.data, digest_size=16).digest()


class ReviewStore:
    """The latest model findings of each unit of each open document, and of the few
    documents closed last (a reopen of the same text shows them without asking anyone)."""

    def __init__(self, keep_closed: int = 32) -> None:
        self._entries: dict[str, dict[int, _Entry]] = {}
        self._closed: OrderedDict[str, _Closed] = OrderedDict()
        self._keep_closed = keep_closed

    def put(
        self,
        uri: str,
        unit: Unit,
        unit_hash: str,
        findings: Iterable[Finding],
        assessments: Mapping[str, Assessment] | None = None,
    ) -> None:
        """Keep the findings of a review of ``unit`` (document-absolute, as reviewed now),
        with how their confidence was reached, by fingerprint, when known."""
        relative = tuple(_shift(f, -unit.start_byte, None) for f in findings)
        entry = _Entry(unit, unit_hash, relative, dict(assessments or {}))
        self._entries.setdefault(uri, {})[id(unit)] = entry

    def source_of(self, uri: str, fingerprint: str) -> Reviewed | None:
        """The unit a shown finding was reviewed in, if the unit still has that text."""
        for entry in self._entries.get(uri, {}).values():
            if not entry.unit.alive or entry.unit.exact_hash != entry.unit_hash:
                continue
            if any(f.fingerprint == fingerprint for f in entry.findings):
                return Reviewed(entry.unit, entry.unit_hash, entry.assessments.get(fingerprint))
        return None

    def update(
        self,
        uri: str,
        fingerprint: str,
        *,
        confidence: float,
        severity: Severity,
        assessment: Assessment | None = None,
    ) -> bool:
        """Give one finding a new confidence and severity (after new evidence, with the
        assessment that led to them); False when no current review holds the finding."""
        entries = self._entries.get(uri, {})
        for key, entry in entries.items():
            if not entry.unit.alive or entry.unit.exact_hash != entry.unit_hash:
                continue
            if not any(f.fingerprint == fingerprint for f in entry.findings):
                continue
            findings = tuple(
                dataclasses.replace(f, confidence=confidence, severity=severity)
                if f.fingerprint == fingerprint
                else f
                for f in entry.findings
            )
            assessments = dict(entry.assessments)
            if assessment is not None:
                assessments[fingerprint] = assessment
            entries[key] = dataclasses.replace(entry, findings=findings, assessments=assessments)
            return True
        return False

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

    def keep_closed(self, document: Document) -> None:
        """Remember the current reviews of a document that is being closed."""
        entries = {
            (e.unit.qualified_name, e.unit_hash): e
            for e in self._entries.get(document.uri, {}).values()
            if e.unit.alive and e.unit.exact_hash == e.unit_hash
        }
        self._closed.pop(document.uri, None)
        if not entries:
            return
        self._closed[document.uri] = _Closed(_text_hash(document), entries)
        while len(self._closed) > self._keep_closed:
            self._closed.popitem(last=False)

    def restore(self, document: Document) -> int:
        """Give a reopened document the reviews it had when closed, if its text is the same
        (the same unit with other imports around it may deserve another review); the count
        of units restored."""
        closed = self._closed.pop(document.uri, None)
        if closed is None or closed.text_hash != _text_hash(document):
            return 0
        restored = self._entries.setdefault(document.uri, {})
        for unit in document.units:
            entry = closed.entries.get((unit.qualified_name, unit.exact_hash))
            if entry is not None:
                restored[id(unit)] = dataclasses.replace(entry, unit=unit)
        return len(restored)

    def clear_closed(self) -> None:
        """Forget closed documents' reviews (the model or the prompts changed)."""
        self._closed.clear()
