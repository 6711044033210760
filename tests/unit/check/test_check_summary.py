"""`peer check --summary`: one more request, about the findings and not the code, whose
answer ends the report (on stdout for text, on stderr for the machine formats)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import openai as oa
from fakes.server import FakeServer, Received, Reply
from model_support import EVAL_FINDING, SOURCE, configure, per_unit, run, user_prompt

SUMMARY = "The change adds an `eval` of caller input.\n\nTop risks:\n- app.py:5 eval on input"
REVIEW = per_unit(lambda unit: [EVAL_FINDING] if "eval(expr)" in unit else [])


def is_summary(received: Received) -> bool:
    return "summary of an automated code review" in received.json["messages"][0]["content"]


def answer(received: Received) -> Reply:
    if is_summary(received):
        return (
            oa.stream([SUMMARY[:20], SUMMARY[20:]])
            if received.json.get("stream")
            else oa.ok(SUMMARY)
        )
    return REVIEW(received)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    return tmp_path


def test_the_summary_ends_the_text_report(
    project: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(answer)
    configure(project, fake)

    code, out, err = run(capsys, "check", "--exit-zero", "--no-progress", "--summary", "app.py")

    assert code == 0, err
    assert out.rstrip().endswith(f"## Review summary\n\n{SUMMARY}")
    assert out.index("eval on caller input") < out.index("## Review summary")
    (asked,) = [r for r in fake.requests if is_summary(r)]
    prompt = user_prompt(asked)
    assert "app.py:5 error [model:security] eval on caller input (" in prompt
    assert "Files checked: 1." in prompt
    assert "def risky" not in prompt  # the findings, not the code


def test_machine_formats_stay_valid_and_the_summary_goes_to_stderr(
    project: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(answer)
    configure(project, fake)

    _, out, err = run(capsys, "check", "--exit-zero", "--format", "json", "--summary", "app.py")

    assert json.loads(out)["findings"]
    assert SUMMARY in err


def test_an_unchanged_run_is_summarized_from_the_cache(
    project: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(answer)
    configure(project, fake)
    run(capsys, "check", "--exit-zero", "--no-progress", "--summary", "app.py")
    asked = len(fake.requests)

    _, out, _ = run(capsys, "check", "--exit-zero", "--no-progress", "--summary", "app.py")

    assert len(fake.requests) == asked
    assert SUMMARY in out


def test_a_failed_summary_leaves_the_run_as_it_was(
    project: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse_summaries(received: Received) -> Reply:
        return oa.error(400, "invalid_request_error") if is_summary(received) else REVIEW(received)

    fake.respond_with(refuse_summaries)
    configure(project, fake)

    code, out, err = run(capsys, "check", "--no-progress", "--summary", "app.py")

    assert code == 1  # the eval finding is an error, as without --summary
    assert "## Review summary" not in out
    assert "no summary:" in err


def test_without_a_model_it_says_so(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(project, None)

    code, _, err = run(capsys, "check", "--exit-zero", "--no-progress", "--summary", "app.py")

    assert code == 0
    assert "--summary needs a model" in err
