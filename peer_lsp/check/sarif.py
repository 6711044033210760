"""SARIF 2.1.0 for `peer check --format sarif`: findings as GitHub code scanning uploads them.

One run, tool ``peer``, one rule per rule id found (described by its category), one result
per finding. What GitHub reads, and how it is filled:

- ``ruleId`` and ``ruleIndex`` into ``tool.driver.rules``; ``level`` ``error``, ``warning`` or
  ``note`` (info and hint); ``message.text``: the title, then the explanation when there is one.
- One location: ``artifactLocation.uri`` relative to ``%SRCROOT%`` — the git repository
  holding the current folder, else the current folder — so alerts land on the repository's
  files; ``originalUriBaseIds`` gives ``%SRCROOT%`` as an absolute ``file:`` URI ending in
  ``/``. A file outside that folder gets an absolute ``file:`` URI and no base.
- ``region``: 1-based ``startLine``/``startColumn``/``endLine``/``endColumn``, the end column
  exclusive ("one greater than the column of the last character", SARIF §3.30). Columns are
  counted in UTF-16 code units, and the run says so with ``columnKind: utf16CodeUnits``
  rather than relying on the default (§3.14.17): GitHub and most SARIF viewers are JavaScript,
  which counts columns that way. They differ from the code points of the text output only on
  lines with characters beyond the Basic Multilingual Plane (emoji) before the finding.
- ``partialFingerprints["peer/v1"]``: the finding's fingerprint (rule, unit and normalized
  code, never a line number), so an alert keeps its identity as lines move.
- ``fixes``: a finding whose fix was verified (it stays in its unit and reparses: the fix
  `peer fix` and the editor's quick fix apply) carries it as one ``fix`` (SARIF §3.55): its
  title as ``description``, one ``artifactChanges`` entry for the file, one ``replacements``
  entry per edit, each a ``deletedRegion`` (in the same UTF-16 columns, empty to insert) and
  its ``insertedContent.text`` (empty to delete). Unverified fixes are never written.
- ``properties``: ``confidence`` (0 to 1), ``source`` (``syntax``, ``rule:ID`` or the model),
  ``category``. Rules carry ``properties.tags`` (the category; ``security`` marks security
  alerts on GitHub) and, for security rules, ``security-severity`` on GitHub's 0-10 scale.
- Local rules (docs/rules.md) are described from their declarations: title, explanation
  (``help.markdown``), ``helpUri`` to their section of docs/rules.md, default level, CWE tags
  (``external/cwe/cwe-89``) and ``precision`` from their fixed confidence.
- ``invocations``: one, whose ``executionSuccessful`` is false when a configured model could
  not review some units and ``--allow-unreviewed`` was not given (`peer check` then exits 3),
  with one ``toolExecutionNotifications`` entry per reason (`peer_lsp.check.unreviewed`):
  ``level`` ``error`` (``warning`` when allowed), ``message.text`` naming the reason, the
  count and the first units, ``descriptor.id`` ``peer/not-reviewed/<reason>``, and
  ``properties`` ``reason``, ``units`` and ``first``. SARIF 2.1.0 §3.20.14, §3.20.21, §3.58
  and its appendix on incomplete result sets: a consumer must not take the results of such a
  run as complete. GitHub code scanning accepts the log with these properties (its own
  CodeQL action writes diagnostics there); an alert-free upload is then not an all-clear.
"""

from __future__ import annotations

import json
import os
import typing
from pathlib import Path, PurePath
from urllib.parse import quote

from peer_lsp import __version__
from peer_lsp.findings.model import Category, Severity, is_model_finding
from peer_lsp.project import HOMEPAGE
from peer_lsp.rules.catalog import doc_url, get

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from peer_lsp.check.report import Located
    from peer_lsp.check.unreviewed import Unreviewed
    from peer_lsp.findings.model import Finding
    from peer_lsp.rules.model import Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL_NAME = "peer"
INFORMATION_URI = HOMEPAGE
"""The tool's home page (the package is not on PyPI: installs come from the repository)."""
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "peer/v1"

LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.HINT: "note",
}
SECURITY_SEVERITY = {
    Severity.ERROR: "8.0",
    Severity.WARNING: "5.5",
    Severity.INFO: "3.0",
    Severity.HINT: "1.0",
}
"""GitHub's ``security-severity`` (critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low < 4.0)."""

_CATEGORY_TEXT = {
    Category.BUG: "A bug: code that does not do what it evidently means to do.",
    Category.SECURITY: "A security weakness: code an attacker or bad input could exploit.",
    Category.PERFORMANCE: "A performance problem: work that is slower or larger than needed.",
    Category.MAINTAINABILITY: "A maintainability problem: code that is hard to change safely.",
    Category.STYLE: "A style problem: code that is harder to read than it needs to be.",
    Category.SYNTAX: "A syntax error: the parser could not read this code.",
}
_MODEL_NOTE = (
    " Found by a language-model review; each result has a calibrated confidence (0 to 1) and"
    " an explanation to check before acting."
)


def _short_description(rule_id: str, finding: Finding) -> str:
    if finding.category is Category.SYNTAX:
        return "Syntax error"
    label = finding.category.value.capitalize()
    if rule_id == f"model:{finding.category.value}":
        return f"{label} problem (model review)"
    return f"{rule_id} ({finding.category.value})"


def _local_rule(rule: Rule, worst: Severity) -> dict[str, object]:
    """A local rule's SARIF description, from its declaration (docs/rules.md)."""
    tags = [rule.category.value, *(f"external/cwe/{cwe.lower()}" for cwe in rule.cwe)]
    properties: dict[str, object] = {
        "tags": tags,
        "category": rule.category.value,
        "precision": _precision(rule.confidence),
        "languages": list(rule.languages),
    }
    if rule.category is Category.SECURITY:
        properties["security-severity"] = SECURITY_SEVERITY[worst]
    url = doc_url(rule.id)
    return {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": _plain(rule.explanation.split("\n\n", 1)[0])},
        "help": {"text": _plain(rule.explanation), "markdown": rule.explanation},
        "helpUri": url,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def _precision(confidence: float) -> str:
    """GitHub's ``precision`` (very-high, high, medium, low) for a rule's fixed confidence."""
    if confidence >= 0.9:
        return "very-high"
    if confidence >= 0.8:
        return "high"
    if confidence >= 0.6:
        return "medium"
    return "low"


def _plain(markdown: str) -> str:
    """Markdown as plain text: emphasis and code marks removed, links kept as text."""
    return markdown.replace("**", "").replace("`", "")


def _rule(rule_id: str, findings: Sequence[Finding]) -> dict[str, object]:
    """The driver's rule for ``rule_id``: a local rule's declaration, else a description
    made from the first of its findings."""
    first = findings[0]
    worst = max(f.severity for f in findings)
    if first.source == f"rule:{rule_id}":
        declared = get(rule_id)
        if declared is not None:
            return _local_rule(declared, worst)
    full = _CATEGORY_TEXT[first.category] + (_MODEL_NOTE if is_model_finding(first) else "")
    properties: dict[str, object] = {
        "tags": [first.category.value],
        "category": first.category.value,
    }
    if first.category is Category.SECURITY:
        properties["security-severity"] = SECURITY_SEVERITY[worst]
    return {
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": _short_description(rule_id, first)},
        "fullDescription": {"text": full},
        "help": {"text": full},
        "defaultConfiguration": {"level": LEVELS[worst]},
        "properties": properties,
    }


def _artifact(path: str, root: Path) -> dict[str, str]:
    """An ``artifactLocation``: relative to ``%SRCROOT%`` when under ``root``."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(PurePath(relative).as_posix()), "uriBaseId": SRCROOT}


def _message(finding: Finding) -> str:
    explanation = finding.explanation.strip()
    if explanation and explanation != finding.message:
        return f"{finding.message}\n\n{explanation}"
    return finding.message


def _fixes(item: Located, root: Path) -> list[dict[str, object]]:
    """The finding's verified fix as SARIF ``fixes`` (empty when it has none)."""
    if not item.edits or item.finding.fix is None:
        return []
    replacements = [
        {
            "deletedRegion": {
                "startLine": edit.start.line,
                "startColumn": edit.start.utf16,
                "endLine": edit.end.line,
                "endColumn": edit.end.utf16,
            },
            "insertedContent": {"text": edit.new_text},
        }
        for edit in item.edits
    ]
    change = {"artifactLocation": _artifact(item.path, root), "replacements": replacements}
    fix: dict[str, object] = {"artifactChanges": [change]}
    if item.finding.fix.title:
        fix["description"] = {"text": item.finding.fix.title}
    return [fix]


def _result(item: Located, rule_index: int, root: Path) -> dict[str, object]:
    finding = item.finding
    start_column, end_column = item.utf16_span
    region = {
        "startLine": item.line,
        "startColumn": start_column,
        "endLine": item.end_line,
        "endColumn": end_column,
    }
    location = {"artifactLocation": _artifact(item.path, root), "region": region}
    result: dict[str, object] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": _message(finding)},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "confidence": finding.confidence,
            "source": finding.source,
            "category": finding.category.value,
        },
    }
    fixes = _fixes(item, root)
    if fixes:
        result["fixes"] = fixes
    return result


def _root_uri(root: Path) -> str:
    uri = root.as_uri()
    return uri if uri.endswith("/") else f"{uri}/"


def notifications(unreviewed: Unreviewed | None, allowed: bool) -> list[dict[str, object]]:
    """One ``toolExecutionNotifications`` entry per reason units were not reviewed."""
    if unreviewed is None:
        return []
    from peer_lsp.check.unreviewed import NAMED, label

    return [
        {
            "level": "warning" if allowed else "error",
            "message": {
                "text": f"{_units(len(entry.units))} not reviewed by the model "
                f"({label(entry.reason)}): {entry.message}; {entry.named}"
            },
            "descriptor": {"id": f"peer/not-reviewed/{entry.reason}"},
            "properties": {
                "reason": entry.reason,
                "units": len(entry.units),
                "first": [{"path": m.path, "unit": m.unit} for m in entry.units[:NAMED]],
            },
        }
        for entry in unreviewed.reasons
    ]


def _units(count: int) -> str:
    return f"{count} unit" if count == 1 else f"{count} units"


def sarif_log(
    located: Sequence[Located],
    root: Path,
    unreviewed: Unreviewed | None = None,
    *,
    allowed: bool = False,
) -> dict[str, object]:
    """The SARIF log of one run over ``located`` findings, paths relative to ``root``;
    ``unreviewed``: the units a model could not review (``allowed``: --allow-unreviewed)."""
    root = Path(os.path.abspath(root))
    by_rule: dict[str, list[Finding]] = {}
    for item in located:
        by_rule.setdefault(item.finding.rule_id, []).append(item.finding)
    index = {rule_id: position for position, rule_id in enumerate(by_rule)}
    driver = {
        "name": TOOL_NAME,
        "informationUri": INFORMATION_URI,
        "version": __version__,
        "rules": [_rule(rule_id, findings) for rule_id, findings in by_rule.items()],
    }
    notes = notifications(unreviewed, allowed)
    invocation: dict[str, object] = {"executionSuccessful": allowed or not notes}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(root)}},
        "columnKind": "utf16CodeUnits",
        "results": [_result(item, index[item.finding.rule_id], root) for item in located],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(
    located: Sequence[Located],
    root: Path,
    unreviewed: Unreviewed | None = None,
    *,
    allowed: bool = False,
) -> str:
    """The SARIF log as JSON text, indented, non-ASCII kept as is (UTF-8 output)."""
    log = sarif_log(located, root, unreviewed, allowed=allowed)
    return json.dumps(log, indent=2, ensure_ascii=False)
