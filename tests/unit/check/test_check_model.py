"""`peer check` with model review, against the fake vendor: reports, exit codes, local-only
runs, failures, and `--diff` on a real temporary git repository."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fakes import openai as oa
from fakes.server import FakeServer
from model_support import (
    EVAL_FINDING,
    SOURCE,
    answer_with,
    configure,
    reply,
    run,
    split_bill,
    units_sent,
    without_bill,
)

from peer_lsp.check.git_diff import FileChanges, changed_units, parse_hunks
from peer_lsp.check.headless import LOCAL_ONLY
from peer_lsp.documents.store import Document

EVAL_LINE_TEXT = "app.py:5:5: error[model:security] eval on caller input (85% confident)"
LOCAL_ONLY_LINE = f"peer check: {LOCAL_ONLY}\n"


def test_model_findings_in_text(reviewing: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "app.py")
    assert out.splitlines() == [EVAL_LINE_TEXT, "1 finding (1 error) in 1 file"]
    before, bill = split_bill(err)
    assert (code, before) == (1, "")
    assert sorted(units_sent(reviewing)) == ["risky", "safe"]
    # one request for both units; the fake's usage: 12 tokens in, 5 out per answer; the
    # provider sets no price
    assert bill == "1 request (2 units), 0 units from cache, 12 tokens in, 5 out, cost unknown"


def test_model_findings_in_json(reviewing: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--format", "json", "app.py")
    (finding,) = json.loads(out)["findings"]
    assert code == 1
    assert (finding["line"], finding["column"], finding["endLine"]) == (5, 5, 5)
    assert finding["rule"] == "model:security"
    assert finding["category"] == "security"
    assert finding["source"] == oa.MODEL
    assert 0.8 <= finding["confidence"] < 1.0


def test_exit_codes_follow_model_findings(
    reviewing: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "check", "--exit-zero", "app.py")[0] == 0
    assert run(capsys, "check", "--fail-on", "error", "app.py")[0] == 1
    quieter = {**EVAL_FINDING, "severity": "info"}  # a model may make a finding quieter
    reviewing.respond_with(answer_with(quieter))
    configure(project, reviewing, cacheDir=str(project / "other-cache"))
    code, out, _ = run(capsys, "check", "app.py")
    assert (code, out.splitlines()[-1]) == (0, "1 finding (1 info) in 1 file")
    assert run(capsys, "check", "--fail-on", "info", "app.py")[0] == 1


def test_nothing_found_exits_0(
    fake: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(lambda received: reply(received, []))
    configure(project, fake)
    code, out, err = run(capsys, "check", "app.py")
    assert (code, out, without_bill(err)) == (0, "No findings in 1 file\n", "")
    assert sorted(units_sent(fake)) == ["risky", "safe"]


def test_the_cache_answers_a_second_run(
    reviewing: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(capsys, "check", "app.py")
    second = run(capsys, "check", "app.py")
    assert second[:2] == first[:2]
    assert sorted(units_sent(reviewing)) == ["risky", "safe"]  # in the first run only
    assert split_bill(second[2]) == (
        "",
        "0 requests (0 units), 2 units from cache, 0 tokens in, 0 out, $0",
    )


def test_min_confidence_and_ignore_comments_apply_to_model_findings(
    reviewing: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, reviewing, minConfidence=0.9, preferredConfidence=0.95)
    assert run(capsys, "check", "app.py")[:2] == (0, "No findings in 1 file\n")
    configure(project, reviewing)
    ignored = SOURCE.replace(
        "    return eval(expr)", "    # peer: ignore[model:security]\n    return eval(expr)"
    )
    (project / "app.py").write_text(ignored, encoding="utf-8")
    assert run(capsys, "check", "app.py")[:2] == (0, "No findings in 1 file\n")


def test_no_provider_says_local_only_exactly_once(
    fake: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, None)
    (project / "broken.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    (project / "other.js").write_text("if (x {\n}\n", encoding="utf-8")
    code, out, err = run(capsys, "check", ".")
    assert code == 1
    assert out.splitlines()[-1] == "2 findings (2 errors) in 4 files"
    assert err == LOCAL_ONLY_LINE
    code, out, err = run(capsys, "check", "--format", "json", ".")
    assert (code, err) == (1, LOCAL_ONLY_LINE)
    assert json.loads(out)["summary"]["findings"] == 2
    assert fake.requests == []


def test_no_model_sends_nothing_and_says_nothing(
    reviewing: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "check", "--no-model", "app.py") == (0, "No findings in 1 file\n", "")
    assert reviewing.requests == []


def test_a_failing_provider_leaves_local_findings_and_says_so_once(
    fake: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(oa.error(400, message="This request is not valid."))
    configure(project, fake)
    (project / "app.py").write_text(SOURCE + "print((1\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "app.py")
    assert code == 3  # not reviewed wins over the syntax error's 1
    assert "error[syntax-error]" in out
    assert out.splitlines()[-1].endswith(", 2 units not reviewed by the model")
    before, bill = split_bill(err)
    lines = before.splitlines()
    assert len(lines) == 4
    assert lines[0] == (
        "peer check: review of app.py (risky) failed: fake: This request is not valid."
        " (type invalid_request_error) (HTTP 400)"
    )
    assert lines[1] == "peer check: 2 units were not reviewed by the model:"
    assert lines[2].startswith("peer check:   request rejected (2 units): ")
    assert lines[3].startswith("peer check: exit code 3: the review is incomplete")
    assert bill.startswith("1 request (0 units), 0 units from cache, 0 tokens in, 0 out, ")
    code, _, err = run(capsys, "check", "--allow-unreviewed", "app.py")
    assert code == 1
    assert without_bill(err).splitlines()[-1] == "peer check: local findings only for those units"


def test_rejected_provider_settings_are_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".peer.toml").write_text(
        'ollamaAutodetect = false\n[[providers]]\npreset = "nonsense"\nmodel = "m"\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", "app.py")
    assert (code, out) == (2, "")
    assert err.startswith("peer check: ")
    assert "nonsense" in err


# -- --diff ----------------------------------------------------------------------------------


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Peer Test",
            "-c",
            "user.email=peer@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repository(reviewing: FakeServer, project: Path) -> Path:
    (project / ".gitignore").write_text("cache/\naudit.jsonl\n", encoding="utf-8")
    (project / "lib.py").write_text("def helper(a):\n    return a * 2\n", encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "first")
    return project


def test_diff_sends_only_the_changed_unit(
    repository: Path, reviewing: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = SOURCE.replace("return x + 1", "return x + 2")
    (repository / "app.py").write_text(changed, encoding="utf-8")
    code, out, err = run(capsys, "check", "--diff", "HEAD", ".")
    assert units_sent(reviewing) == ["safe"]
    assert "return x + 2" in reviewing.requests[0].json["messages"][-1]["content"]
    assert (code, out, without_bill(err)) == (
        0,
        "No findings in 3 files\n",
        "",
    )  # app, lib, .peer.toml


def test_diff_reports_the_findings_of_changed_units_only(
    repository: Path, reviewing: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = SOURCE.replace("return eval(expr)", "return eval(expr)  # why") + "print((1\n"
    (repository / "app.py").write_text(changed, encoding="utf-8")
    code, out, _ = run(capsys, "check", "--diff", "HEAD", "app.py", "lib.py")
    assert units_sent(reviewing) == ["risky"]
    assert code == 1
    assert "error[model:security] eval on caller input" in out
    assert "error[syntax-error]" in out  # syntax findings of the whole file


def test_diff_reviews_an_untracked_file_whole(
    repository: Path, reviewing: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    (repository / "new.py").write_text("def one():\n    return 1\n\n\ndef two():\n    return 2\n")
    assert run(capsys, "check", "--diff", "HEAD", ".")[0] == 0
    assert sorted(units_sent(reviewing)) == ["one", "two"]


def test_diff_usage_errors(
    repository: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", "--diff", "no-such-rev", ".")
    assert (code, out) == (2, "")
    assert "unknown git revision 'no-such-rev'" in err
    outside = tmp_path_factory.mktemp("outside") / "x.py"
    outside.write_text("x = 1\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "--diff", "HEAD", str(outside))
    assert (code, out) == (2, "")
    assert "is not in a git repository" in err
    assert run(capsys, "check", "--diff=--cached", ".")[0] == 2  # never an option to git


def test_hunks_and_the_units_they_touch() -> None:
    diff = b"@@ -5 +5 @@\n-a\n+b\n@@ -9,2 +10,0 @@\n-c\n-d\n@@ -20,0 +20,3 @@\n+e\n"
    assert parse_hunks(diff) == FileChanges(frozenset({4, 19, 20, 21}), frozenset({10}))
    document = Document.open("/x/app.py", SOURCE)
    names = [u.qualified_name for u in changed_units(document, FileChanges(frozenset({4})))]
    assert names == ["risky"]
    inside = FileChanges(gaps=frozenset({4}))  # lines deleted between lines 4 and 5 of risky
    assert [u.qualified_name for u in changed_units(document, inside)] == ["risky"]
    between = FileChanges(lines=frozenset({5, 6}), gaps=frozenset({6}))  # blank lines only
    assert changed_units(document, between) == []
    everything = changed_units(document, FileChanges(whole=True))
    assert [u.qualified_name for u in everything] == ["risky", "safe"]
