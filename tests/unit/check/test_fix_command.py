"""`peer fix`: verified fixes at or above a confidence, written atomically with the file's
own line endings; a dry run shows a diff and writes nothing. Against the fake vendor."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from fakes.server import FakeServer
from model_support import EVAL_FINDING, FIXED, SOURCE, answer_with, configure, run

from peer_lsp.commands import fix as fix_command
from peer_lsp.commands.fix import choose
from peer_lsp.documents.store import Document
from peer_lsp.findings.model import Category, Finding, Fix, Severity, Span, TextEdit


def test_dry_run_prints_a_diff_and_changes_nothing(
    reviewing: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (project / "app.py").read_bytes()
    code, out, err = run(capsys, "fix", "--dry-run", "app.py")
    assert (project / "app.py").read_bytes() == before
    assert code == 1
    lines = out.splitlines()
    assert lines[:2] == ["--- a/app.py", "+++ b/app.py"]
    assert lines[2].startswith("@@ ")
    assert "-    return eval(expr)" in lines
    assert "+    return ast.literal_eval(expr)" in lines
    assert err == "Would apply 1 fix in 1 file\n"


def test_fix_writes_the_verified_fix_and_keeps_crlf(
    reviewing: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crlf = ("# café\n" + SOURCE).replace("\n", "\r\n").encode("utf-8")
    path = project / "app.py"
    path.write_bytes(crlf)
    path.chmod(0o640)
    code, out, err = run(capsys, "fix", "app.py")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "app.py: 1 fix applied (eval on caller input)",
        "Applied 1 fix in 1 file",
    ]
    assert path.read_bytes() == ("# café\n" + FIXED).replace("\n", "\r\n").encode("utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(os.listdir(project)) == [".peer.toml", "app.py", "audit.jsonl", "cache"]


def test_an_unverified_fix_is_not_applied(
    fake: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = {**EVAL_FINDING, "fix": {**EVAL_FINDING["fix"], "replacement": "    return eval("}}
    fake.respond_with(answer_with(broken))
    configure(project, fake)
    assert run(capsys, "fix", "app.py") == (0, "Nothing to fix\n", "")
    assert (project / "app.py").read_text(encoding="utf-8") == SOURCE
    code, out, _ = run(capsys, "check", "--format", "json", "app.py")
    assert code == 1  # the finding is still reported, without its fix
    assert '"model:security"' in out


@pytest.mark.parametrize(
    ("replacement", "why"),
    [
        ("    return json.loads(expr)", "a module the file does not import"),
        ("    return safe_eval(expr)", "a helper the file does not define"),
    ],
)
def test_a_fix_using_a_name_that_resolves_nowhere_is_not_applied(
    fake: FakeServer,
    project: Path,
    capsys: pytest.CaptureFixture[str],
    replacement: str,
    why: str,
) -> None:
    """It reparses, but would fail at run time: not verified, so neither applied nor shown as
    a fix (issue 14, point 5)."""
    unresolved = {**EVAL_FINDING, "fix": {**EVAL_FINDING["fix"], "replacement": replacement}}
    fake.respond_with(answer_with(unresolved))
    configure(project, fake)
    assert run(capsys, "fix", "app.py") == (0, "Nothing to fix\n", ""), why
    assert (project / "app.py").read_text(encoding="utf-8") == SOURCE
    code, out, _ = run(capsys, "check", "--format", "json", "app.py")
    assert code == 1  # the finding is still reported, without its fix
    assert '"model:security"' in out
    assert replacement.strip() not in out


def test_a_fix_below_the_confidence_is_not_applied(
    reviewing: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "fix", "--min-confidence", "0.95", "app.py")[:2] == (0, "Nothing to fix\n")
    configure(project, reviewing, preferredConfidence=0.95)  # the default --min-confidence
    assert run(capsys, "fix", "--dry-run", "app.py") == (0, "", "Nothing to fix\n")
    assert run(capsys, "fix", "--min-confidence", "0.5", "app.py")[0] == 0
    assert (project / "app.py").read_text(encoding="utf-8") == FIXED


def test_usage_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(project, None)
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "fix", "--min-confidence", "2", "app.py")
    assert exit_.value.code == 2
    assert "expected a number from 0 to 1, got '2'" in capsys.readouterr().err
    code, _, err = run(capsys, "fix", "missing.py")
    assert (code, err) == (2, "peer fix: no such file or directory: missing.py\n")


def test_without_a_provider_there_is_nothing_to_fix(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, None)
    code, out, err = run(capsys, "fix", "app.py")
    assert (code, out) == (0, "Nothing to fix\n")
    assert err == "peer fix: no provider configured: local findings only (syntax, local rules)\n"


def finding(start: int, end: int, confidence: float) -> Finding:
    return Finding(
        span=Span(start, end, 0, 0),
        severity=Severity.WARNING,
        category=Category.BUG,
        rule_id="model:bug",
        message=f"at {start}",
        source="m",
        fingerprint=f"f{start}-{end}-{confidence}",
        confidence=confidence,
        fix=Fix("Fix", (TextEdit(start, end, "x"),), verified=True),
    )


def test_overlapping_fixes_keep_the_most_confident() -> None:
    low, high, apart = finding(0, 10, 0.7), finding(5, 12, 0.9), finding(12, 14, 0.6)
    same_place = finding(12, 12, 0.95)  # an insertion where another edit starts
    chosen = choose([low, high, apart, same_place])
    assert [f.message for f in chosen] == ["at 12", "at 5"]
    assert choose([low, apart]) == [low, apart]


def test_fixes_that_break_the_parse_together_are_added_one_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def errors(uri: str, data: bytes) -> int:  # A and B together do not parse
        return int(b"A" in data and b"B" in data)

    monkeypatch.setattr(fix_command, "_syntax_errors", errors)
    document = Document.open("/x/a.py", "aaaa = bbbb + cccc\n")
    first, second, third = finding(0, 4, 0.9), finding(7, 11, 0.8), finding(14, 18, 0.7)
    first = replace(first, fix=Fix("A", (TextEdit(0, 4, "A"),), verified=True))
    second = replace(second, fix=Fix("B", (TextEdit(7, 11, "B"),), verified=True))
    fixed, applied = fix_command.apply_fixes(document, [second, third, first])
    assert applied == [first, third]
    assert fixed == b"A = bbbb + x\n"
