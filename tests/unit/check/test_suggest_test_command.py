"""`peer suggest-test FILE:LINE`: the unit at the line reviewed, then the model's test for the
finding there printed without its fence (or written with -o), from the cache the second time;
a line without a bug or security finding exits 1, no model or a bad target 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import openai as oa
from fakes.server import FakeServer, Received, Reply
from model_support import EVAL_FINDING, EVAL_LINE, answer_with, configure, run

TEST_CODE = (
    "import pytest\n\nfrom app import risky\n\n\n"
    "def test_risky_does_not_run_code():\n"
    "    with pytest.raises(ValueError):\n"
    "        risky(\"__import__('os')\")\n"
)
ANSWER = f"```python\n{TEST_CODE}```\n"
REVIEW = answer_with(EVAL_FINDING)


def is_test_request(received: Received) -> bool:
    return "writing one unit test" in received.json["messages"][0]["content"]


def respond(received: Received) -> Reply:
    if is_test_request(received):
        return oa.stream([ANSWER[i : i + 11] for i in range(0, len(ANSWER), 11)])
    return REVIEW(received)


@pytest.fixture
def writing(fake: FakeServer, project: Path) -> FakeServer:
    """The fake vendor finding the ``eval`` and writing a test when asked for one."""
    fake.respond_with(respond)
    configure(project, fake)
    (project / "tests").mkdir()
    (project / "tests" / "test_other.py").write_text(
        "def test_other():\n    assert True\n", encoding="utf-8"
    )
    return fake


def asked_for_tests(fake: FakeServer) -> list[Received]:
    return [r for r in fake.requests if is_test_request(r)]


def test_the_test_is_printed_without_its_fence_then_comes_from_the_cache(
    writing: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "suggest-test", f"app.py:{EVAL_LINE}")
    assert code == 0, err
    assert out == TEST_CODE
    assert err.splitlines()[0] == (
        "peer suggest-test: a test for [model:security] eval on caller input (app.py:5), "
        "pytest; plain test functions with bare assert statements; "
        "it would go in tests/test_app.py"
    )
    assert err.splitlines()[-1] == f"peer suggest-test: written by fake/{oa.MODEL}"
    (sent,) = asked_for_tests(writing)
    user = sent.json["messages"][-1]["content"]
    assert "The new test file: tests/test_app.py" in user
    assert "tests/test_other.py" in user

    code, again, err = run(capsys, "suggest-test", f"app.py:{EVAL_LINE}")
    assert (code, again) == (0, TEST_CODE)
    assert err.splitlines()[-1] == "peer suggest-test: written by the cache"
    assert len(asked_for_tests(writing)) == 1


def test_output_file(
    writing: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = project / "tests" / "test_app.py"
    code, out, err = run(capsys, "suggest-test", f"app.py:{EVAL_LINE}", "-o", str(target))
    assert (code, out) == (0, "")
    assert target.read_text(encoding="utf-8") == TEST_CODE
    assert f"peer suggest-test: wrote {target}" in err
    code, _, err = run(capsys, "suggest-test", f"app.py:{EVAL_LINE}", "-o", str(target))
    assert code == 2
    assert "exists: name another file, or add --force" in err
    target.write_text("old\n", encoding="utf-8")
    code, _, _ = run(capsys, "suggest-test", f"app.py:{EVAL_LINE}", "-o", str(target), "--force")
    assert code == 0
    assert target.read_text(encoding="utf-8") == TEST_CODE


def test_a_line_without_a_testable_finding_exits_1(
    writing: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "suggest-test", "app.py:9")
    assert (code, out) == (1, "")
    assert "app.py:9: no bug or security finding on this line to write a test for" in err
    code, _, err = run(capsys, "suggest-test", f"app.py:{EVAL_LINE}", "--rule", "py-nothing")
    assert code == 1
    assert "no py-nothing finding on this line" in err
    assert asked_for_tests(writing) == []


def test_a_failing_model_exits_3(writing: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(received: Received) -> Reply:
        if is_test_request(received):
            return oa.error(400, "bad request")
        return REVIEW(received)

    writing.respond_with(broken)
    code, out, err = run(capsys, "suggest-test", f"app.py:{EVAL_LINE}")
    assert (code, out) == (3, "")
    assert "peer suggest-test: no test: " in err


def test_without_a_model_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(project, None)
    code, out, err = run(capsys, "suggest-test", f"app.py:{EVAL_LINE}")
    assert (code, out) == (2, "")
    assert "a test is written by a model: configure a provider first" in err
