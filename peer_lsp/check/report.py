"""Rendering for `peer check`: located findings → readable text lines or one JSON document.

A `Located` finding carries what a terminal or a CI tool shows: the file as the user
spells it and 1-based lines and columns, columns counted in code points (as terminals and
editors' "go to line:column" count them), plus the same columns in UTF-16 code units for
SARIF (`peer_lsp.check.sarif`). Ends are exclusive, like the byte spans they come from. Model
findings end their text line with the confidence, as in the editor ("… (82% confident)").
Everything here is a pure function of its arguments.

JSON output (``--format json``), version 1::

    {"version": 1,
     "findings": [{"path", "line", "column", "endLine", "endColumn", "severity",
                   "category", "rule", "message", "source", "confidence", "fingerprint"}],
     "summary": {"files", "skipped", "findings", "bySeverity": {"error", "warning", ...}},
     "unreviewed": {"units", "allowed", "reasons": [{"reason", "label", "message", "units",
                                                    "first": [{"path", "unit"}]}]}}

``unreviewed`` (`peer_lsp.check.unreviewed`) counts the units a configured model could not
review, by reason (``auth``, ``not_found``, ``connect``, ``missing_key``, ...; ``units``: 0
and ``reasons`` empty when every review succeeded or no model was used); ``allowed`` says
whether ``--allow-unreviewed`` was given. The text summary line ends with the same count.
"""

from __future__ import annotations

import json
import typing
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from peer_lsp.findings.model import Severity, shown_message
from peer_lsp.text.positions import Encoding, column_in_code_points, position_at

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from peer_lsp.findings.model import Finding
    from peer_lsp.text.lines import LineIndex

JSON_VERSION = 1

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_GREEN = "\x1b[32m"
_SEVERITY_COLORS = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;34m",
    Severity.HINT: "\x1b[2m",
}


@dataclass(frozen=True, slots=True)
class Located:
    """A finding with the file it is in and 1-based, code-point positions."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    finding: Finding
    utf16_columns: tuple[int, int] | None = None
    """Start and end column in UTF-16 code units (1-based); None: the same as ``column`` and
    ``end_column`` (nothing beyond the Basic Multilingual Plane before them)."""
    utf8_columns: tuple[int, int] | None = None
    """Start and end column in UTF-8 bytes (1-based), as reviewdog counts them; None: the
    same as ``column`` and ``end_column`` (ASCII before them)."""
    edits: tuple[LocatedEdit, ...] = ()
    """The finding's fix, when it was verified, as located replacements (else empty)."""

    @property
    def utf16_span(self) -> tuple[int, int]:
        """``(column, end_column)`` in UTF-16 code units, as SARIF and GitHub count them."""
        return self.utf16_columns or (self.column, self.end_column)

    @property
    def utf8_span(self) -> tuple[int, int]:
        """``(column, end_column)`` in UTF-8 bytes, as reviewdog's rdjson counts them."""
        return self.utf8_columns or (self.column, self.end_column)


@dataclass(frozen=True, slots=True)
class Point:
    """A 1-based line and its column counted three ways (1-based): code points, UTF-16 code
    units and UTF-8 bytes, for the formats that count each."""

    line: int
    column: int
    utf16: int
    utf8: int


@dataclass(frozen=True, slots=True)
class LocatedEdit:
    """One replacement of a verified fix: ``[start, end)`` replaced by ``new_text``."""

    start: Point
    end: Point
    new_text: str


@dataclass(slots=True)
class Summary:
    """What one run looked at and found."""

    files: int = 0
    """Files analysed."""

    skipped: int = 0
    """Files found but not analysed: binary, too large, not UTF-8, unreadable, no grammar."""

    by_severity: Counter[Severity] = field(default_factory=Counter)

    unreviewed: int = 0
    """Units a configured model could not review (`peer_lsp.check.unreviewed`)."""

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())

    def add(self, located: Iterable[Located]) -> None:
        self.by_severity.update(item.finding.severity for item in located)


def point_at(data: bytes, lines: LineIndex, offset: int) -> Point:
    """The `Point` of byte ``offset`` in ``data``."""
    line, utf8 = position_at(data, lines, offset, Encoding.UTF8)
    utf16 = position_at(data, lines, offset, Encoding.UTF16)[1]
    return Point(line + 1, column_in_code_points(data, lines, offset) + 1, utf16 + 1, utf8 + 1)


def locate(path: str, data: bytes, lines: LineIndex, finding: Finding) -> Located:
    """Where ``finding`` is in the file ``path`` whose bytes are ``data``, with its fix's
    replacements when the fix was verified (unverified fixes are never offered)."""
    span = finding.span
    start = point_at(data, lines, span.start_byte)
    end = point_at(data, lines, span.end_byte)
    columns = (start.column, end.column)
    edits: tuple[LocatedEdit, ...] = ()
    fix = finding.fix
    if fix is not None and fix.verified:
        edits = tuple(
            LocatedEdit(
                point_at(data, lines, edit.start_byte),
                point_at(data, lines, edit.end_byte),
                edit.new_text,
            )
            for edit in fix.edits
        )
    return Located(
        path=path,
        line=span.start_line + 1,
        column=start.column,
        end_line=span.end_line + 1,
        end_column=end.column,
        finding=finding,
        utf16_columns=None if (start.utf16, end.utf16) == columns else (start.utf16, end.utf16),
        utf8_columns=None if (start.utf8, end.utf8) == columns else (start.utf8, end.utf8),
        edits=edits,
    )


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def format_finding(item: Located, color: bool = False) -> str:
    """``path:line:column: severity[rule] message``, in colour when asked."""
    finding = item.finding
    where = _paint(f"{item.path}:{item.line}:{item.column}:", _BOLD, color)
    severity = _paint(finding.severity.label, _SEVERITY_COLORS[finding.severity], color)
    rule = _paint(f"[{finding.rule_id}]", _DIM, color)
    return f"{where} {severity}{rule} {shown_message(finding)}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def format_summary(summary: Summary, color: bool = False) -> str:
    """One line, e.g. ``3 findings (2 errors, 1 warning) in 12 files, 1 skipped``."""
    files = _plural(summary.files, "file")
    if summary.findings:
        counts = ", ".join(
            _plural(summary.by_severity[severity], severity.label)
            for severity in sorted(Severity, reverse=True)
            if summary.by_severity[severity]
        )
        worst = max(summary.by_severity)
        head = _paint(_plural(summary.findings, "finding"), _SEVERITY_COLORS[worst], color)
        line = f"{head} ({counts}) in {files}"
    else:
        line = f"{_paint('No findings', _GREEN, color)} in {files}"
    if summary.skipped:
        line += f", {summary.skipped} skipped"
    if summary.unreviewed:
        units = _plural(summary.unreviewed, "unit")
        line += ", " + _paint(
            f"{units} not reviewed by the model", _SEVERITY_COLORS[Severity.ERROR], color
        )
    return line


def finding_json(item: Located) -> dict[str, object]:
    """One finding as it appears in the JSON output."""
    finding = item.finding
    return {
        "path": PurePath(item.path).as_posix(),
        "line": item.line,
        "column": item.column,
        "endLine": item.end_line,
        "endColumn": item.end_column,
        "severity": finding.severity.label,
        "category": finding.category.value,
        "rule": finding.rule_id,
        "message": finding.message,
        "source": finding.source,
        "confidence": finding.confidence,
        "fingerprint": finding.fingerprint,
    }


def summary_json(summary: Summary) -> dict[str, object]:
    return {
        "files": summary.files,
        "skipped": summary.skipped,
        "findings": summary.findings,
        "bySeverity": {
            severity.label: summary.by_severity[severity]
            for severity in sorted(Severity, reverse=True)
        },
    }


def render_json(
    located: Sequence[Located],
    summary: Summary,
    unreviewed: dict[str, object] | None = None,
    usage: dict[str, object] | None = None,
    plan: dict[str, object] | None = None,
) -> str:
    """The whole JSON document (version 1), indented for people, stable for tools;
    ``unreviewed``: `Unreviewed.to_json` (none: nothing was left unreviewed); ``usage``:
    `Bill.to_json`, only in runs where a model reviews (the key is absent otherwise);
    ``plan``: `Estimate.to_json`, only in a dry run with a model."""
    document: dict[str, object] = {
        "version": JSON_VERSION,
        "findings": [finding_json(item) for item in located],
        "summary": summary_json(summary),
        "unreviewed": unreviewed or {"units": 0, "allowed": False, "reasons": []},
    }
    if usage is not None:
        document["usage"] = usage
    if plan is not None:
        document["plan"] = plan
    return json.dumps(document, indent=2, ensure_ascii=False)
