"""`peer check --diff REV` for pull requests: reviewdog's rdjson (verified fixes as
suggestions), GitHub workflow annotations, GitLab Code Quality and SARIF with ``fixes``, each
validated against its published schema (tests/schemas), its positions checked by applying
them to the file's real text, from a real git repository and the fake vendor."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fakes.server import FakeServer
from model_support import EVAL_FINDING, FIXED, SOURCE, answer_with, configure, run

from peer_lsp.check.github_annotations import escape_data, escape_property

SCHEMAS = Path(__file__).parents[2] / "schemas"
PREFIX = '    s = "é🙂"; '
"""Before the eval on its line: 2 code points that are 3 UTF-16 units and 6 UTF-8 bytes
more than ASCII, so each format's column counting shows."""
CHANGED = SOURCE.replace("    return eval(expr)", PREFIX + "return eval(expr)")
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}
CONFIDENT = re.compile(r"^eval on caller input \(\d+% confident\)$")
_COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def git(folder: Path, *args: str) -> None:
    identity = ["-c", "user.name=Peer Test", "-c", "user.email=peer@example.com"]
    subprocess.run(
        ["git", *identity, "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repository(fake: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose last commit has a clean ``lib.py``; the working tree adds
    ``app.py`` (an eval the fake finds, with a fix) and a broken ``broken.js``."""
    monkeypatch.chdir(tmp_path)
    configure(tmp_path, fake)
    (tmp_path / ".gitignore").write_text("cache/\naudit.jsonl\n", encoding="utf-8")
    (tmp_path / "lib.py").write_text("def helper(a):\n    return a * 2\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    (tmp_path / "app.py").write_text(CHANGED, encoding="utf-8")
    (tmp_path / "broken.js").write_text("if (ready {\n  go();\n}\n", encoding="utf-8")
    fake.respond_with(answer_with(EVAL_FINDING))
    return tmp_path


def output(capsys: pytest.CaptureFixture[str], form: str, *paths: str) -> tuple[int, str]:
    code, out, _ = run(capsys, "check", "--diff", "HEAD", "--format", form, *(paths or ["."]))
    return code, out


def validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    cls.check_schema(schema)
    return cls(schema)


def offset(text: str, line: int, column: int, unit: str) -> int:
    """The code-point offset in ``text`` of a 1-based line and column counted in ``unit``
    (``utf-8`` bytes or ``utf-16`` code units), as a consumer of the format computes it."""
    lines = text.splitlines(keepends=True)
    before = sum(len(item) for item in lines[: line - 1])
    encoded = lines[line - 1].encode("utf-16-le" if unit == "utf-16" else unit)
    width = 2 if unit == "utf-16" else 1
    prefix = encoded[: (column - 1) * width].decode("utf-16-le" if unit == "utf-16" else unit)
    return before + len(prefix)


def replaced(text: str, changes: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(changes, reverse=True):
        text = text[:start] + new + text[end:]
    return text


# -- rdjson ------------------------------------------------------------------------------------


def test_rdjson_is_valid_and_its_suggestion_is_the_verified_fix(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = output(capsys, "rdjson")
    document: dict[str, Any] = json.loads(out)
    validator("rdjson-DiagnosticResult.json").validate(document)
    assert code == 1
    assert document["source"]["name"] == "peer"
    by_code = {d["code"]["value"]: d for d in document["diagnostics"]}
    assert set(by_code) == {"model:security", "syntax-error"}

    model = by_code["model:security"]
    assert model["severity"] == "ERROR"
    assert CONFIDENT.match(model["message"].split("\n\n")[0]), model["message"]
    assert model["location"]["path"] == "app.py"
    where = model["location"]["range"]
    start = offset(CHANGED, where["start"]["line"], where["start"]["column"], "utf-8")
    end = offset(CHANGED, where["end"]["line"], where["end"]["column"], "utf-8")
    assert CHANGED[start:end] == "return eval(expr)"
    assert where["start"]["column"] == len(PREFIX.encode()) + 1  # bytes, not characters
    changes = []
    for suggestion in model["suggestions"]:
        span = suggestion["range"]
        changes.append(
            (
                offset(CHANGED, span["start"]["line"], span["start"]["column"], "utf-8"),
                offset(CHANGED, span["end"]["line"], span["end"]["column"], "utf-8"),
                suggestion["text"],
            )
        )
    assert replaced(CHANGED, changes) == FIXED

    syntax = by_code["syntax-error"]
    assert syntax["location"]["path"] == "broken.js"
    assert "suggestions" not in syntax
    assert syntax["severity"] == "ERROR"


def test_an_unverified_fix_is_never_suggested(
    repository: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = {**EVAL_FINDING, "fix": {**EVAL_FINDING["fix"], "replacement": "    return (("}}
    fake.respond_with(answer_with(broken))
    _, out = output(capsys, "rdjson", "app.py")
    (model,) = json.loads(out)["diagnostics"]
    assert model["code"]["value"] == "model:security"
    assert "suggestions" not in model
    _, out = output(capsys, "sarif", "app.py")
    (result,) = json.loads(out)["runs"][0]["results"]
    assert "fixes" not in result


# -- SARIF ------------------------------------------------------------------------------------


def test_sarif_is_valid_and_carries_the_verified_fix(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = output(capsys, "sarif")
    log: dict[str, Any] = json.loads(out)
    validator("sarif-schema-2.1.0.json").validate(log)
    assert code == 1
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    model = results["model:security"]
    (fix,) = model["fixes"]
    assert fix["description"]["text"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    changes = []
    for replacement in change["replacements"]:
        region = replacement["deletedRegion"]
        changes.append(
            (
                offset(CHANGED, region["startLine"], region["startColumn"], "utf-16"),
                offset(CHANGED, region["endLine"], region["endColumn"], "utf-16"),
                replacement["insertedContent"]["text"],
            )
        )
    assert replaced(CHANGED, changes) == FIXED
    assert "fixes" not in results["syntax-error"]


def test_sarif_of_an_incomplete_review_is_valid(
    repository: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tool execution notifications of units not reviewed also fit the schema."""
    fake.respond_with(lambda received: (401, {"error": {"message": "bad key"}}))
    code, out = output(capsys, "sarif")
    log = json.loads(out)
    validator("sarif-schema-2.1.0.json").validate(log)
    assert code == 3
    assert log["runs"][0]["invocations"][0]["toolExecutionNotifications"]


# -- GitLab Code Quality --------------------------------------------------------------------------


def test_gitlab_code_quality_is_valid_with_stable_fingerprints(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = output(capsys, "gitlab")
    issues: list[dict[str, Any]] = json.loads(out)
    check = validator("gitlab-codeclimate.json")
    for item in issues:
        check.validate(item)
        assert item["severity"] in GITLAB_SEVERITIES
        assert item["check_name"]
        assert item["location"]["lines"]["begin"] >= 1
    assert code == 1
    by_name = {item["check_name"]: item for item in issues}
    model = by_name["model:security"]
    assert model["severity"] == "critical"
    assert model["location"] == {"path": "app.py", "lines": {"begin": 5, "end": 5}}
    assert CONFIDENT.match(model["description"]), model["description"]
    assert "ast.literal_eval" in model["content"]["body"]
    assert by_name["syntax-error"]["location"]["path"] == "broken.js"
    assert len({item["fingerprint"] for item in issues}) == len(issues)

    # lines move above the finding: the same issue, the same fingerprint, on a new line;
    # run from a subfolder, the paths are still the repository's
    (repository / "app.py").write_text("# one\n# two\n" + CHANGED, encoding="utf-8")
    (repository / "sub").mkdir()
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.chdir(repository / "sub")
    try:
        _, again = output(capsys, "gitlab", "../app.py")
    finally:
        monkeypatch.undo()
    (moved,) = json.loads(again)
    assert moved["location"] == {"path": "app.py", "lines": {"begin": 7, "end": 7}}
    assert moved["fingerprint"] == model["fingerprint"]


# -- GitHub annotations ---------------------------------------------------------------------------


def unescape(text: str) -> str:
    """What the Actions runner reads back from an escaped message or property."""
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


def annotations(out: str) -> list[tuple[str, dict[str, str], str]]:
    parsed = []
    for line in out.splitlines():
        match = _COMMAND.match(line)
        assert match is not None, line
        properties = dict(part.split("=", 1) for part in match.group(2).split(","))
        parsed.append(
            (
                match.group(1),
                {key: unescape(value) for key, value in properties.items()},
                unescape(match.group(3)),
            )
        )
    return parsed


def test_github_annotations_escape_what_would_break_a_command(
    repository: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = {
        **EVAL_FINDING,
        "title": "100% eval: a, b",
        "explanation": "first line\r\nsecond: %0A stays text",
    }
    fake.respond_with(answer_with(odd))
    name = "we,ird:name.py"
    (repository / name).write_text(CHANGED, encoding="utf-8")
    code, out = output(capsys, "github")
    assert code == 1
    found = annotations(out)
    by_file = {properties["file"]: (kind, properties, text) for kind, properties, text in found}
    assert set(by_file) == {"app.py", name, "broken.js"}
    kind, properties, text = by_file[name]
    assert kind == "error"
    assert properties["title"] == "peer: model:security"
    assert (properties["line"], properties["endLine"]) == ("5", "5")
    assert properties["col"] == str(len(PREFIX) + 1)  # characters
    title, rest = text.split("\n\n", 1)
    assert re.fullmatch(r"100% eval: a, b \(\d+% confident\)", title), title
    assert rest.endswith("\n\nfirst line\r\nsecond: %0A stays text")
    assert by_file["broken.js"][0] == "error"


def test_github_escaping_matches_the_runner() -> None:
    assert escape_data("50%\r\nnext: a, b") == "50%25%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_without_findings_prints_nothing(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = output(capsys, "github", "lib.py")
    assert (code, out) == (0, "")
