"""`peer check` as a CI gate that a model cannot flip (issue 14, point 6): a rule and the
model flagging the same code give the rule's id and the strictest severity, so the exit code,
the text and SARIF's ``ruleId`` are the same with and without the model; and ``minConfidence``
only hides findings, it never changes how sure one is (rules below it still count as
evidence). Against the fake vendor, with the local rules on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakes.server import FakeServer
from model_support import configure, per_unit, run, units_sent

SQL_SOURCE = (
    "def by_name(cur, name):\n"
    "    return cur.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n"
    "\n\n"
    "def add(a, b):\n"
    "    return a + b\n"
)
SQL_FINDING: dict[str, Any] = {
    "severity": "warning",  # quieter than py-sql-format's error
    "category": "security",
    "title": "SQL built from caller input",
    "message": "name is formatted into the query: SQL injection.",
    "explanation": "Pass name as a query parameter.",
    "excerpt": "cur.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)",
    "line": 2,
    "end_line": 2,
    "confidence": 0.8,
    "fix": None,
}
ADD_FINDING: dict[str, Any] = {
    "severity": "info",
    "category": "maintainability",
    "title": "add has no docstring",
    "message": "Say what add adds.",
    "explanation": "",
    "excerpt": "return a + b",
    "line": 2,
    "end_line": 2,
    "confidence": 0.95,
    "fix": None,
}


def findings_of(unit: str) -> list[dict[str, Any]]:
    if "SELECT" in unit:
        return [SQL_FINDING]
    return [ADD_FINDING] if "a + b" in unit else []


answer = per_unit(findings_of)


@pytest.fixture
def sql_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeServer) -> Path:
    """``app.py`` with a SQL injection py-sql-format reports; the fake finds it too."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # SARIF paths relative to here
    (tmp_path / "app.py").write_text(SQL_SOURCE, encoding="utf-8")
    fake.respond_with(answer)
    return tmp_path


def rules_on(folder: Path, fake: FakeServer, **extra: object) -> None:
    configure(folder, fake, disableRules=[], **extra)


def test_the_exit_code_and_text_are_the_same_with_and_without_the_model(
    sql_project: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    rules_on(sql_project, fake)
    local = run(capsys, "check", "--no-model", "--fail-on", "error", "app.py")
    assert fake.requests == []
    reviewed = run(capsys, "check", "--fail-on", "error", "app.py")
    assert sorted(units_sent(fake)) == ["add", "by_name"]
    assert local[0] == reviewed[0] == 1
    sql_line = next(line for line in reviewed[1].splitlines() if "app.py:2:" in line)
    assert sql_line.startswith("app.py:2:24: error[py-sql-format] ")
    assert sql_line in local[1].splitlines()


def test_sarif_keeps_the_rule_id_and_level(
    sql_project: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    rules_on(sql_project, fake)

    def sql_result(*argv: str) -> dict[str, Any]:
        code, out, _ = run(capsys, "check", "--format", "sarif", *argv, "app.py")
        assert code == 1
        results = json.loads(out)["runs"][0]["results"]
        (found,) = [
            r for r in results if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
        ]
        return found  # type: ignore[no-any-return]

    local, reviewed = sql_result("--no-model"), sql_result()
    for key in ("ruleId", "level", "partialFingerprints", "message"):
        assert reviewed[key] == local[key], key
    assert reviewed["ruleId"] == "py-sql-format"
    assert reviewed["level"] == "error"
    assert reviewed["properties"]["confidence"] > local["properties"]["confidence"]


def json_findings(capsys: pytest.CaptureFixture[str]) -> dict[int, dict[str, Any]]:
    code, out, _ = run(capsys, "check", "--format", "json", "--exit-zero", "app.py")
    assert code == 0
    return {f["line"]: f for f in json.loads(out)["findings"]}


def test_min_confidence_hides_findings_without_changing_their_confidence(
    sql_project: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """py-sql-format (confidence 0.8) agrees with the model's 0.8-rated SQL injection; at
    minConfidence 0.9 the rule's own finding is hidden but it still counts as evidence, so
    the merged finding (rule id, error) keeps its confidence and stays shown. On main the
    rule did not run at 0.9, the model finding fell to 0.76 and the injection vanished."""
    rules_on(sql_project, fake, minConfidence=0.3)
    low = json_findings(capsys)
    rules_on(sql_project, fake, minConfidence=0.9, preferredConfidence=0.95)
    high = json_findings(capsys)
    assert set(low) == {2, 6}
    assert 2 in high
    for line in set(low) & set(high):
        assert high[line]["confidence"] == low[line]["confidence"], line
    sql = high[2]
    assert (sql["rule"], sql["severity"], sql["category"]) == ("py-sql-format", "error", "security")
    assert sql["confidence"] >= 0.9
