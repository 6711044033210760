"""`peer check --format sarif`: a SARIF 2.1.0 log GitHub code scanning accepts, checked
structurally (the required keys, levels, 1-based regions, relative URIs), with model
findings from the fake vendor and local ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fakes.server import FakeServer
from model_support import EVAL_FINDING, SOURCE, answer_with, configure, run

from peer_lsp import __version__
from peer_lsp.check.sarif import SARIF_SCHEMA

LEVELS = {"error", "warning", "note", "none"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (a ``.git`` folder is all it takes) checked from its ``src`` folder."""
    (tmp_path / ".git").mkdir()
    src = tmp_path / "src"
    src.mkdir()
    (src / "app.py").write_text(SOURCE, encoding="utf-8")
    (src / "my broken.js").write_text("if (ready {\n  go();\n}\n", encoding="utf-8")
    monkeypatch.chdir(src)
    return tmp_path


def sarif(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(capsys, "check", "--format", "sarif", *argv)
    document: dict[str, Any] = json.loads(out)
    return code, document


def check_structure(log: dict[str, Any]) -> dict[str, Any]:
    """Assert what SARIF 2.1.0 and GitHub require; the one run."""
    assert log["$schema"] == SARIF_SCHEMA
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "peer"
    assert urlsplit(driver["informationUri"]).scheme == "https"
    assert driver["version"] == __version__
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in LEVELS
        assert isinstance(rule["properties"]["tags"], list)
    assert run_["columnKind"] == "utf16CodeUnits"
    base = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///")
    assert base.endswith("/")
    for result in run_["results"]:
        check_result(result, rule_ids)
    return dict(run_)


def check_result(result: dict[str, Any], rule_ids: list[str]) -> None:
    assert rule_ids[result["ruleIndex"]] == result["ruleId"]
    assert result["level"] in LEVELS
    assert result["message"]["text"]
    (location,) = result["locations"]
    physical = location["physicalLocation"]
    artifact = physical["artifactLocation"]
    assert artifact["uriBaseId"] == "%SRCROOT%"
    assert not urlsplit(artifact["uri"]).scheme
    assert not artifact["uri"].startswith("/")
    region = physical["region"]
    assert all(isinstance(region[key], int) and region[key] >= 1 for key in region)
    assert region["endLine"] >= region["startLine"]
    if region["endLine"] == region["startLine"]:
        assert region["endColumn"] >= region["startColumn"]
    assert set(result["partialFingerprints"]) == {"peer/v1"}
    assert 0.0 <= result["properties"]["confidence"] <= 1.0
    assert result["properties"]["source"]


def test_model_and_syntax_findings_as_sarif(
    fake: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(answer_with(EVAL_FINDING))
    configure(project, fake)
    code, log = sarif(capsys, ".")
    assert code == 1
    run_ = check_structure(log)
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.as_uri() + "/"
    by_rule = {result["ruleId"]: result for result in run_["results"]}
    assert set(by_rule) == {"model:security", "syntax-error"}

    model = by_rule["model:security"]
    assert model["level"] == "error"
    assert model["message"]["text"].startswith("eval on caller input\n\n")
    assert "ast.literal_eval" in model["message"]["text"]
    location = model["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "src/app.py"
    assert location["region"] == {"startLine": 5, "startColumn": 5, "endLine": 5, "endColumn": 22}
    assert model["properties"]["source"] == "gpt-test"
    rules = {rule["id"]: rule for rule in run_["tool"]["driver"]["rules"]}
    assert rules["model:security"]["properties"]["tags"] == ["security"]
    assert rules["model:security"]["properties"]["security-severity"] == "8.0"

    syntax = by_rule["syntax-error"]
    uri = syntax["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "src/my%20broken.js"
    assert syntax["properties"] == {"confidence": 1.0, "source": "syntax", "category": "syntax"}

    _, out, _ = run(capsys, "check", "--format", "json", ".")
    fingerprints = {f["rule"]: f["fingerprint"] for f in json.loads(out)["findings"]}
    for rule_id, result in by_rule.items():
        assert result["partialFingerprints"]["peer/v1"] == fingerprints[rule_id]


def test_columns_are_utf16_code_units(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(project, None)
    line = 'label = "🙂"; f(label'
    (project / "src" / "emoji.py").write_text(f"{line}\n", encoding="utf-8")
    code, log = sarif(capsys, "emoji.py")
    (result,) = check_structure(log)["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    code_points = line.index("(") + 1
    assert region["startColumn"] == code_points + 1  # the emoji is two UTF-16 code units
    _, out, _ = run(capsys, "check", "emoji.py")
    assert out.startswith(f"emoji.py:1:{code_points}: ")
    assert code == 1


def test_exit_codes_and_an_empty_log(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(project, None)
    assert sarif(capsys, "--exit-zero", ".")[0] == 0
    code, log = sarif(capsys, "app.py")
    assert code == 0
    run_ = check_structure(log)
    assert run_["results"] == []
    assert run_["tool"]["driver"]["rules"] == []


def test_a_file_outside_the_root_gets_an_absolute_uri(
    project: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, None)
    outside = tmp_path_factory.mktemp("elsewhere") / "bad.py"
    outside.write_text("def f(:\n    pass\n", encoding="utf-8")
    _, log = sarif(capsys, "--config", str(project / ".peer.toml"), str(outside))
    (result,) = log["runs"][0]["results"]
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": outside.as_uri()}
