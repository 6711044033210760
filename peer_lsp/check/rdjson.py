"""reviewdog's Diagnostic Format (rdjson) for `peer check --format rdjson`: findings become
pull-request review comments through reviewdog (``reviewdog -f=rdjson``), with suggested
changes from the verified fixes.

One ``DiagnosticResult``: ``source`` names the tool (``peer`` and its home page), then one
``Diagnostic`` per finding:

- ``message``: the message as the text output shows it (a model finding ends with its
  confidence), then the explanation when there is one; ``severity`` ``ERROR``, ``WARNING`` or
  ``INFO`` (info and hint); ``code``: the rule id, with ``url`` to its section of
  docs/rules.md for a local rule.
- ``location``: ``path`` as the text output spells it (relative to the current folder, with
  ``/``: run reviewdog from the same folder), and ``range``: 1-based ``line`` and ``column``,
  the end exclusive, the columns counted in UTF-8 bytes as the rdjson schema specifies
  (``'a𐐀b'``: b is column 6), not in characters.
- ``suggestions``: one per edit of the finding's verified fix (the fix `peer fix` and the
  editor's quick fix apply: it stays in its unit and reparses), its ``range`` in the same
  columns and its replacement ``text`` (empty to delete; start equal to end to insert).
  reviewdog's ``github-pr-review`` reporter posts them as GitHub suggested changes.
  Unverified fixes are never suggested.
"""

from __future__ import annotations

import json
import typing
from pathlib import PurePath

from peer_lsp.check.sarif import INFORMATION_URI, TOOL_NAME
from peer_lsp.findings.model import Severity, shown_message
from peer_lsp.rules.catalog import doc_url, get

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from peer_lsp.check.report import Located, Point

SEVERITIES = {
    Severity.ERROR: "ERROR",
    Severity.WARNING: "WARNING",
    Severity.INFO: "INFO",
    Severity.HINT: "INFO",
}


def _position(line: int, column: int) -> dict[str, int]:
    return {"line": line, "column": column}


def _point(point: Point) -> dict[str, int]:
    return _position(point.line, point.utf8)


def full_message(item: Located) -> str:
    """The shown message, then the explanation when it adds anything."""
    finding = item.finding
    explanation = finding.explanation.strip()
    shown = shown_message(finding)
    if explanation and explanation != finding.message:
        return f"{shown}\n\n{explanation}"
    return shown


def diagnostic(item: Located) -> dict[str, object]:
    """One finding as an rdjson ``Diagnostic``."""
    finding = item.finding
    start, end = item.utf8_span
    code: dict[str, str] = {"value": finding.rule_id}
    if finding.source == f"rule:{finding.rule_id}" and get(finding.rule_id) is not None:
        code["url"] = doc_url(finding.rule_id)
    result: dict[str, object] = {
        "message": full_message(item),
        "location": {
            "path": PurePath(item.path).as_posix(),
            "range": {
                "start": _position(item.line, start),
                "end": _position(item.end_line, end),
            },
        },
        "severity": SEVERITIES[finding.severity],
        "code": code,
    }
    if item.edits:
        result["suggestions"] = [
            {"range": {"start": _point(edit.start), "end": _point(edit.end)}, "text": edit.new_text}
            for edit in item.edits
        ]
    return result


def rdjson_document(located: Sequence[Located]) -> dict[str, object]:
    """The rdjson ``DiagnosticResult`` of one run."""
    return {
        "source": {"name": TOOL_NAME, "url": INFORMATION_URI},
        "diagnostics": [diagnostic(item) for item in located],
    }


def render_rdjson(located: Sequence[Located]) -> str:
    """The ``DiagnosticResult`` as JSON text, non-ASCII kept as is (UTF-8 output)."""
    return json.dumps(rdjson_document(located), indent=2, ensure_ascii=False)
