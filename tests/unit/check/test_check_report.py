"""Rendering of findings: 1-based code-point positions, readable lines, a stable JSON shape."""

from __future__ import annotations

import json
from collections import Counter

from peer_lsp.analysis.engine import analyse_text
from peer_lsp.check.report import (
    Located,
    Summary,
    format_finding,
    format_summary,
    locate,
    render_json,
)
from peer_lsp.findings.model import Category, Finding, Severity, Span


def finding(severity: Severity = Severity.ERROR, message: str = "missing ')'") -> Finding:
    return Finding(
        span=Span(0, 1, 0, 0),
        severity=severity,
        category=Category.SYNTAX,
        rule_id="syntax-error",
        message=message,
        source="syntax",
        fingerprint="abc",
    )


def test_columns_count_code_points_from_one() -> None:
    text = 'ok = 1\nlabel = "ünïcödé 🙂"; f(label\n'
    document, findings = analyse_text("/x/u.py", text)
    assert len(findings) == 1
    located = locate("u.py", document.data, document.lines, findings[0])
    line = text.splitlines()[1]
    assert (located.line, located.column) == (2, line.index("(") + 1)
    assert located.column < line.encode("utf-8").index(b"(") + 1  # not bytes


def test_text_line() -> None:
    item = Located("src/a.py", 3, 7, 3, 8, finding())
    assert format_finding(item) == "src/a.py:3:7: error[syntax-error] missing ')'"
    painted = format_finding(item, color=True)
    assert "\x1b[" in painted
    assert "missing ')'" in painted


def test_summary_lines() -> None:
    summary = Summary(files=12, skipped=0)
    assert format_summary(summary) == "No findings in 12 files"
    summary.by_severity = Counter({Severity.ERROR: 2, Severity.WARNING: 1})
    assert format_summary(summary) == "3 findings (2 errors, 1 warning) in 12 files"
    one = Summary(files=1, skipped=2, by_severity=Counter({Severity.HINT: 1}))
    assert format_summary(one) == "1 finding (1 hint) in 1 file, 2 skipped"


def test_json_document() -> None:
    item = Located("src/a.py", 3, 7, 4, 1, finding(Severity.WARNING))
    summary = Summary(files=2, skipped=1)
    summary.add([item])
    document = json.loads(render_json([item], summary))
    assert document == {
        "version": 1,
        "findings": [
            {
                "path": "src/a.py",
                "line": 3,
                "column": 7,
                "endLine": 4,
                "endColumn": 1,
                "severity": "warning",
                "category": "syntax",
                "rule": "syntax-error",
                "message": "missing ')'",
                "source": "syntax",
                "confidence": 1.0,
                "fingerprint": "abc",
            }
        ],
        "summary": {
            "files": 2,
            "skipped": 1,
            "findings": 1,
            "bySeverity": {"error": 0, "warning": 1, "info": 0, "hint": 0},
        },
        "unreviewed": {"units": 0, "allowed": False, "reasons": []},
    }
