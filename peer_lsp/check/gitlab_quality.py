"""GitLab Code Quality JSON for `peer check --format gitlab`: the ``codequality`` report
artifact whose findings GitLab shows in the merge request widget and its diff.

A JSON array, one issue per finding: ``type`` ``issue``; ``check_name``, the rule id;
``description``, the shown message (a model finding ends with its confidence);
``content.body``, the explanation when there is one; ``categories`` (Code Climate's:
``Bug Risk``, ``Security``, ``Performance``, ``Complexity``, ``Style``); ``severity``:
``critical`` for errors, ``major`` for warnings, ``minor`` for info, ``info`` for hints
(``blocker`` is not used: peer has no severity above error); ``location.path``: the path
relative to the repository root (the git repository holding the current folder, else the
current folder), as GitLab resolves it, and ``location.lines.begin`` and ``.end``, 1-based.

``fingerprint``: an MD5 of the finding's own fingerprint (rule, unit and normalized code,
never a line number) with the path, so an issue keeps its identity in GitLab's comparison of
the source and target branches as lines move, and two identical findings in two files stay
two issues.
"""

from __future__ import annotations

import hashlib
import json
import os
import typing
from pathlib import Path, PurePath

from peer_lsp.findings.model import Category, Severity, shown_message

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from peer_lsp.check.report import Located

SEVERITIES = {
    Severity.ERROR: "critical",
    Severity.WARNING: "major",
    Severity.INFO: "minor",
    Severity.HINT: "info",
}
CATEGORIES = {
    Category.BUG: "Bug Risk",
    Category.SECURITY: "Security",
    Category.PERFORMANCE: "Performance",
    Category.MAINTAINABILITY: "Complexity",
    Category.STYLE: "Style",
    Category.SYNTAX: "Bug Risk",
}


def relative_path(path: str, root: Path) -> str:
    """``path`` relative to ``root`` with ``/``; as given when it is outside ``root``."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return PurePath(path).as_posix()


def fingerprint(item: Located, path: str) -> str:
    """A stable MD5 fingerprint: the finding's own one and the file's path."""
    payload = f"{path}\0{item.finding.fingerprint}".encode()
    return hashlib.md5(payload, usedforsecurity=False).hexdigest()


def issue(item: Located, root: Path) -> dict[str, object]:
    """One finding as a Code Quality issue."""
    finding = item.finding
    path = relative_path(item.path, root)
    result: dict[str, object] = {
        "type": "issue",
        "check_name": finding.rule_id,
        "description": shown_message(finding),
        "categories": [CATEGORIES[finding.category]],
        "severity": SEVERITIES[finding.severity],
        "fingerprint": fingerprint(item, path),
        "location": {"path": path, "lines": {"begin": item.line, "end": item.end_line}},
    }
    explanation = finding.explanation.strip()
    if explanation and explanation != finding.message:
        result["content"] = {"body": explanation}
    return result


def render_gitlab(located: Sequence[Located], root: Path) -> str:
    """The report as JSON text (an array), paths relative to ``root``."""
    root = Path(os.path.abspath(root))
    return json.dumps([issue(item, root) for item in located], indent=2, ensure_ascii=False)
