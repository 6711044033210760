"""`peer check` end to end: findings on examples/, exit codes, settings errors, JSON, pipes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from peer_lsp.analysis.engine import analyse_text
from peer_lsp.check.headless import LOCAL_ONLY
from peer_lsp.cli import main
from peer_lsp.commands import check as command
from peer_lsp.commands.output import use_color
from peer_lsp.documents.store import Document
from peer_lsp.findings.model import Finding, Severity

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
EXPECTED_EXAMPLES = {
    ("examples/java/Account.java", 22, 40, "syntax-error"),
    ("examples/javascript/cart.js", 33, 25, "syntax-error"),
    ("examples/python/broken_parser.py", 35, 45, "syntax-error"),
    ("examples/python/reports.py", 14, 25, "py-sql-format"),
    ("examples/python/reports.py", 17, 24, "py-mutable-default"),
    ("examples/python/reports.py", 25, 8, "py-none-comparison"),
    ("examples/python/reports.py", 35, 5, "py-bare-except"),
}
EXPECTED_SEVERITIES = {
    "syntax-error": "error",
    "py-sql-format": "error",
    "py-mutable-default": "warning",
    "py-none-comparison": "warning",
    "py-bare-except": "warning",
}
EXAMPLE_FILES = 8  # seven sources and README.md
LOCAL_ONLY_LINE = f"peer check: {LOCAL_ONLY}\n"  # no provider configured in these tests
JSON_FIELDS = {
    "path",
    "line",
    "column",
    "endLine",
    "endColumn",
    "severity",
    "category",
    "rule",
    "message",
    "source",
    "confidence",
    "fingerprint",
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with one clean file and one with a syntax error, as the current folder."""
    write(tmp_path / "clean.py", "def ok() -> int:\n    return 1\n")
    write(tmp_path / "src" / "broken.js", "if (ready {\n  go();\n}\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_examples_text(in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "examples")
    *lines, summary = out.splitlines()
    parsed = set()
    for line in lines:
        where, rest = line.split(": ", 1)
        path, row, column = where.rsplit(":", 2)
        severity, rule = rest.split("] ", 1)[0].split("[")
        assert EXPECTED_SEVERITIES[rule] == severity
        parsed.add((Path(path).as_posix(), int(row), int(column), rule))
    assert parsed == EXPECTED_EXAMPLES
    assert len(lines) == len(EXPECTED_EXAMPLES)
    assert summary == f"7 findings (4 errors, 3 warnings) in {EXAMPLE_FILES} files"
    assert "missing ';'" in out
    assert "'(' was never closed" in out
    assert (code, err) == (1, LOCAL_ONLY_LINE)


def test_examples_json(in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "examples", "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["version"] == 1
    assert {
        (f["path"], f["line"], f["column"], f["rule"]) for f in document["findings"]
    } == EXPECTED_EXAMPLES
    for finding in document["findings"]:
        assert set(finding) == JSON_FIELDS
        assert finding["severity"] == EXPECTED_SEVERITIES[finding["rule"]]
        if finding["rule"] == "syntax-error":
            assert (finding["category"], finding["source"]) == ("syntax", "syntax")
        else:
            assert finding["source"] == f"rule:{finding['rule']}"
            assert finding["category"] in ("security", "bug")
        assert finding["endLine"] >= finding["line"]
        assert 0.0 <= finding["confidence"] <= 1.0
    assert document["summary"] == {
        "files": EXAMPLE_FILES,
        "skipped": 0,
        "findings": 7,
        "bySeverity": {"error": 4, "warning": 3, "info": 0, "hint": 0},
    }


def test_clean_files_exit_0(in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "examples/python/inventory.py", "examples/go", "examples/rust")
    assert code == 0
    assert out == "No findings in 3 files\n"


def test_fail_on(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--fail-on", "error")[0] == 1
    assert run(capsys, "--fail-on", "hint")[0] == 1
    write(project / ".peer.toml", 'failOn = "error"\n')
    assert run(capsys)[0] == 1


@pytest.fixture
def warnings_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn every finding into a warning at confidence 0.7 (today all findings are errors)."""

    def analyse(*args: Any, **kwargs: Any) -> tuple[Document, list[Finding]]:
        document, findings = analyse_text(*args, **kwargs)
        lowered = [replace(f, severity=Severity.WARNING, confidence=0.7) for f in findings]
        return document, lowered

    monkeypatch.setattr(command, "analyse_text", analyse)


@pytest.mark.usefixtures("warnings_only")
def test_fail_on_above_the_findings_exits_0(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--fail-on", "error")
    assert code == 0
    assert "warning[syntax-error]" in out
    assert out.endswith("1 finding (1 warning) in 2 files\n")
    assert run(capsys, "--fail-on", "warning")[0] == 1
    assert run(capsys)[0] == 1  # the default failOn is warning
    write(project / "ci.toml", 'failOn = "error"\n')
    assert run(capsys, "--config", "ci.toml", "src")[0] == 0


@pytest.mark.usefixtures("warnings_only")
def test_findings_below_min_confidence_are_hidden(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project / "ci.toml", "minConfidence = 0.75\npreferredConfidence = 0.9\n")
    code, out, _ = run(capsys, "--config", "ci.toml", "src")
    assert (code, out) == (0, "No findings in 1 file\n")


def test_excludes_from_flags_and_settings(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--exclude", "src/")
    assert (code, out) == (0, "No findings in 1 file\n")
    write(project / ".peer.toml", 'exclude = ["*.js"]\n')
    code, out, _ = run(capsys)
    assert (code, out) == (0, "No findings in 2 files\n")  # clean.py and .peer.toml


def test_gitignored_files_are_not_checked_unless_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project / ".gitignore", "src/\n")
    assert run(capsys, ".")[:2] == (0, "No findings in 1 file\n")
    code, out, _ = run(capsys, "src/broken.js")
    assert code == 1
    assert out.startswith(f"{Path('src/broken.js')}:1:10: error[syntax-error] missing ')'")


def test_missing_path_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "clean.py", "nope")
    assert (code, out) == (2, "")
    assert err == "peer check: no such file or directory: nope\n"


def test_invalid_setting_names_the_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project / ".peer.toml", 'failOn = "loud"\nmaxFileBytes = "big"\n')
    code, out, err = run(capsys)
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("peer check: ") and ".peer.toml" in line for line in lines)
    assert "'failOn'" in lines[0]
    assert "'maxFileBytes'" in lines[1]


def test_unreadable_settings_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project / ".peer.toml", "failOn = \n")
    code, _, err = run(capsys)
    assert code == 2
    assert "cannot read settings" in err


def test_config_flag(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project / ".peer.toml", 'failOn = "loud"\n')  # ignored: --config wins
    config = write(project / "ci" / "pyproject.toml", '[tool.peer]\nexclude = ["**/*.js"]\n')
    assert run(capsys, "--config", str(config), "clean.py", "src") == (
        0,
        "No findings in 1 file\n",
        LOCAL_ONLY_LINE,
    )
    other = write(project / "ci" / "peer-ci.toml", 'failOn = "error"\nexclude = []\n')
    assert run(capsys, "--config", str(other), "src")[0] == 1
    code, _, err = run(capsys, "--config", "missing.toml")
    assert code == 2
    assert err == "peer check: no such settings file: missing.toml\n"
    no_table = write(project / "other" / "pyproject.toml", "[project]\nname = 'x'\n")
    code, _, err = run(capsys, "--config", str(no_table))
    assert code == 2
    assert "no [tool.peer] table" in err


def test_invalid_exclude_flag(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--exclude", "!")
    assert code == 2
    assert "--exclude" in err


def test_skipped_files_are_counted(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "blob.py").write_bytes(b"x = 1\n\x00\x01\x02")
    (project / "latin1.py").write_bytes("s = 'caf\xe9'\n".encode("latin-1"))
    write(project / ".peer.toml", "maxFileBytes = 1000\n")
    write(project / "huge.py", "x = 1\n" * 400)
    write(project / "notes.unknown-ext", "hello")
    code, out, _ = run(capsys, ".", "notes.unknown-ext", "--exclude", "src/", "--exclude", "*.toml")
    assert code == 0
    assert out == "No findings in 1 file, 4 skipped\n"


def test_no_colour_or_progress_when_piped(tmp_path: Path) -> None:
    for number in range(30):
        write(tmp_path / f"m{number:02}.py", f"def f{number}(:\n    pass\n")
    result = subprocess.run(
        [sys.executable, "-m", "peer_lsp", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "FORCE_COLOR": "1"} | {"NO_COLOR": ""},
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr == LOCAL_ONLY_LINE
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "m00.py:1:8: error[syntax-error] missing ')'"
    assert lines[-1] == "30 findings (30 errors) in 30 files"


def test_json_through_a_subprocess(in_repo: None) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "peer_lsp", "check", "--format", "json", "examples"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr == LOCAL_ONLY_LINE
    document = json.loads(result.stdout)
    assert {
        (f["path"], f["line"], f["column"], f["rule"]) for f in document["findings"]
    } == EXPECTED_EXAMPLES


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert use_color(_Terminal())
    assert not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(_Terminal())


def test_exit_zero_reports_findings_but_exits_0(
    in_repo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "examples", "--exit-zero")
    assert code == 0
    assert "error[syntax-error]" in out
    code, _, err = run(capsys, "no-such-folder", "--exit-zero")
    assert code == 2
    assert "no such file or directory: no-such-folder" in err
