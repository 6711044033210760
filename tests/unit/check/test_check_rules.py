"""`peer rules`, `peer check --security`, and local rules in SARIF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peer_lsp.cli import main
from peer_lsp.rules.catalog import RULES, doc_url

SOURCE = (
    "import subprocess\n"
    "\n"
    "\n"
    "def deploy(branch, tags=[]):\n"
    "    tags.append(branch)\n"
    '    subprocess.run(f"git checkout {branch}", shell=True)\n'
    "    return tags == None\n"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "deploy.py").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    (tmp_path / ".peer.toml").write_text("ollamaAutodetect = false\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["id", "languages", "category", "severity", "title"]
    assert [line.split()[0] for line in lines[1:-1]] == [rule.id for rule in RULES]
    assert lines[-1] == f"{len(RULES)} rules; `peer rules ID` explains one"
    none_line = next(line for line in lines if line.startswith("py-none-comparison "))
    assert none_line.split()[1:4] == ["py", "bug", "warning"]


def test_rules_filters_by_language_and_category(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(
        capsys, "rules", "--language", "go", "--category", "security", "--format", "json"
    )
    listed = json.loads(out)
    assert listed
    assert all("go" in r["languages"] and r["category"] == "security" for r in listed)
    assert {"go-tls-unverified", "go-sql-format"} <= {r["id"] for r in listed}
    assert listed[0]["url"] == doc_url(listed[0]["id"])


def test_rules_explains_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "py-none-comparison")
    assert code == 0
    assert out.startswith("py-none-comparison: Comparison to None with == or !=\n")
    assert "quick fix: yes" in out
    assert "**Fix:** `x is None`" in out
    assert out.rstrip().endswith(doc_url("py-none-comparison"))
    code, _, err = run(capsys, "rules", "py-nothing")
    assert code == 2
    assert "no rule 'py-nothing'" in err


def test_rules_shows_what_the_settings_turn_off(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".peer.toml").write_text('disableRules = ["security"]\n', encoding="utf-8")
    _, out, _ = run(capsys, "rules", "--config", ".peer.toml", "--format", "json")
    enabled = {r["id"]: r["enabled"] for r in json.loads(out)}
    assert enabled["py-eval"] is False
    assert enabled["py-none-comparison"] is True


def test_check_runs_the_rules(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--no-progress")
    rules = [line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines()[:-1]]
    assert sorted(rules) == [
        "py-mutable-default",
        "py-none-comparison",
        "py-shell-injection",
        "syntax-error",
    ]
    assert code == 1
    assert "local findings only (syntax, local rules)" in err


def test_check_security_reports_only_security_rules(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", "--security", "--format", "json")
    found = json.loads(out)["findings"]
    assert [(f["path"], f["line"], f["rule"]) for f in found] == [
        ("deploy.py", 6, "py-shell-injection")
    ]
    assert code == 1
    (project / "deploy.py").write_text("def f(x):\n    return x == None\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--security")
    assert (code, out) == (0, "No findings in 3 files\n")


def test_sarif_describes_local_rules_from_their_declarations(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "check", "--format", "sarif", "deploy.py")
    rules = {r["id"]: r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    shell = rules["py-shell-injection"]
    assert shell["shortDescription"]["text"] == "Shell command built from interpolated input"
    assert shell["helpUri"] == doc_url("py-shell-injection")
    assert "shlex.quote" in shell["help"]["markdown"]
    assert shell["properties"]["tags"] == ["security", "external/cwe/cwe-78"]
    assert shell["properties"]["precision"] == "high"
    assert shell["properties"]["security-severity"] == "8.0"
    assert shell["defaultConfiguration"] == {"level": "error"}
    assert rules["py-none-comparison"]["properties"]["tags"] == ["bug"]


def test_fix_applies_verified_rule_fixes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "clean.py").write_text("def f(x):\n    return x == None\n", encoding="utf-8")
    code, out, _ = run(capsys, "fix", "--no-model", "clean.py")
    assert code == 0
    assert "1 fix applied" in out
    assert (project / "clean.py").read_text(encoding="utf-8") == (
        "def f(x):\n    return x is None\n"
    )


def test_check_reports_test_files_as_hints(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = 'API_TOKEN = "ghp_4kTq9ZrXw2mVb7LpN3sYd8HcJf6GtR1eUa0o"\n'
    (project / "tests").mkdir()
    (project / "tests" / "helpers.py").write_text(SOURCE + secret, encoding="utf-8")
    (project / "login_test.go").write_text(
        'package login\n\nconst adminPassword = "s3cr3t-Kq9x"\n', encoding="utf-8"
    )
    (project / "app.py").write_text(secret, encoding="utf-8")

    code, out, _ = run(capsys, "check", "--format", "json", "tests", "login_test.go", "app.py")
    found = sorted((f["path"], f["rule"], f["severity"]) for f in json.loads(out)["findings"])
    assert found == [
        ("app.py", "py-hardcoded-secret", "warning"),
        ("tests/helpers.py", "py-mutable-default", "hint"),
        ("tests/helpers.py", "py-none-comparison", "hint"),
        ("tests/helpers.py", "py-shell-injection", "hint"),
    ]
    assert code == 1  # app.py's secret; the hints alone would not fail the run

    (project / ".peer.toml").write_text(
        'ollamaAutodetect = false\ntestCode = "normal"\n', encoding="utf-8"
    )
    _, out, _ = run(capsys, "check", "--format", "json", "tests", "login_test.go")
    found = sorted((f["path"], f["rule"], f["severity"]) for f in json.loads(out)["findings"])
    assert ("login_test.go", "go-hardcoded-secret", "warning") in found
    assert ("tests/helpers.py", "py-hardcoded-secret", "warning") in found
    assert ("tests/helpers.py", "py-shell-injection", "error") in found
