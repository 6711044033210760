"""`peer explain FILE:LINE`: the unit at the line is reviewed (or its answer taken from the
cache) and the findings on the line explained, each then by the model as its answer arrives
(cached too); Ctrl-C stops that answer; bad targets are usage errors (exit 2)."""

from __future__ import annotations

import dataclasses
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import openai as oa
from fakes.review_format import is_explain
from fakes.server import FakeServer, Gate, Received, Reply
from interrupts import interruptible
from model_support import (
    EVAL_FINDING,
    EVAL_LINE,
    SOURCE,
    answer_with,
    configure,
    run,
    units_sent,
)

from peer_lsp.check.headless import LOCAL_ONLY
from peer_lsp.commands.explain import IndentedText, Target, parse_target

PIECES = ["`eval` runs whatever ", "code `expr` holds.\n\nUse ", "`ast.literal_eval`."]
EXPLAINED = [
    "",
    "    The model's explanation:",
    "",
    "    `eval` runs whatever code `expr` holds.",
    "",
    "    Use `ast.literal_eval`.",
]
REVIEW = answer_with(EVAL_FINDING)


def model(gate: Gate | None = None) -> object:
    """The fake: reviews find the eval; explanations are ``PIECES`` (held after the first
    until ``gate`` opens, when there is one)."""

    def respond(received: Received) -> Reply:
        if not is_explain(received):
            return REVIEW(received)
        reply = oa.stream(PIECES)
        return reply if gate is None else dataclasses.replace(reply, paused=gate, pause_after=2)

    return respond


@pytest.fixture
def reviewing(fake: FakeServer, project: Path) -> FakeServer:
    """The fake vendor, configured for ``project``, finding the ``eval`` and explaining it."""
    fake.respond_with(model())  # type: ignore[arg-type]
    configure(project, fake)
    return fake


def explained(fake: FakeServer) -> list[Received]:
    return [r for r in fake.requests if is_explain(r)]


def test_explains_the_finding_on_a_line(
    reviewing: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "explain", f"app.py:{EVAL_LINE}")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "app.py:5:5: error[model:security] eval on caller input (85% confident)",
        "    security · confidence 0.85 · source gpt-test · in risky",
        "",
        "    eval executes arbitrary code from expr.",
        "",
        "    Use `ast.literal_eval` for literals.",
        "",
        "    Fix: eval on caller input (verified):",
        "    -    return eval(expr)",
        "    +    return ast.literal_eval(expr)",
        *EXPLAINED,
        "",
        f"    ({oa.MODEL})",
    ]
    assert units_sent(reviewing) == ["risky"]  # only the unit at the line
    (asked,) = explained(reviewing)
    prompt = asked.json["messages"][-1]["content"]
    assert "[model:security] error, security, line 2: eval on caller input" in prompt
    assert "Name: risky" in prompt
    assert "response_format" not in asked.json  # prose

    # asked again: the review and the explanation both come from the cache, nothing is sent
    code, out, err = run(capsys, "explain", f"app.py:{EVAL_LINE}")
    assert (code, err) == (0, "")
    assert out.splitlines()[-len(EXPLAINED) - 2 :] == [
        *EXPLAINED,
        "",
        f"    ({oa.MODEL}, from the cache)",
    ]
    assert len(reviewing.requests) == 2


def test_no_model_explains_nothing(
    reviewing: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "explain", "--no-model", "app.py:5")
    assert code == 0
    assert "The model's explanation" not in out
    assert reviewing.requests == []


def test_a_failed_explanation_is_said_and_the_finding_stays(
    reviewing: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    failing = oa.error(400, message="The model `m` does not exist.")
    reviewing.respond_with(lambda received: failing if is_explain(received) else REVIEW(received))
    code, out, err = run(capsys, "explain", f"app.py:{EVAL_LINE}")
    assert code == 0
    assert out.startswith("app.py:5:5: error[model:security] eval on caller input")
    assert out.splitlines()[-1] == "    (no explanation)"
    assert err.startswith("peer explain: no explanation from the model: ")
    assert "does not exist" in err


def test_the_answer_is_printed_as_it_arrives_and_ctrl_c_stops_it(
    fake: FakeServer, project: Path
) -> None:
    gate = fake.gate()  # never opened: the answer stops after its first piece
    fake.respond_with(model(gate))  # type: ignore[arg-type]
    configure(project, fake)
    process = subprocess.Popen(
        [sys.executable, "-m", "peer_lsp", "explain", f"app.py:{EVAL_LINE}"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=interruptible,  # noqa: PLW1509 (before any thread)
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        assert process.stdout is not None
        seen = []
        for line in process.stdout:  # a line ends the moment the first piece is flushed
            seen.append(line)
            if line.startswith("    The model's explanation:"):
                break
        assert fake.wait_until(lambda: any(is_explain(r) for r in fake.requests), 20)
        first = process.stdout.read(len("\n    " + PIECES[0]))  # blocks until it is printed
        assert first == "\n    " + PIECES[0]
        (asked,) = [r for r in fake.requests if is_explain(r)]
        assert not asked.completed
        os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
        rest, err = process.communicate(timeout=20)
    finally:
        gate.open()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert err.rstrip().endswith("peer explain: interrupted")
    assert "Traceback" not in err
    assert PIECES[1] not in rest
    assert fake.wait_until(lambda: asked.disconnected, 20)


def test_the_terminal_text_is_indented_line_by_line_whatever_the_pieces() -> None:
    out = io.StringIO()
    printer = IndentedText(out, "  ")
    for piece in ["Fir", "st line\nsec", "ond\n\n", "```\ncode\n```"]:
        printer.on_text(piece)
    printer.on_restart()
    printer.on_text("Again")
    printer.end()
    assert out.getvalue() == (
        "  First line\n  second\n\n  ```\n  code\n  ```\n  (the answer started over)\n\n  Again\n"
    )


def test_a_line_without_findings_says_so(
    reviewing: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "explain", "app.py:9")
    assert code == 0
    assert out == "app.py:9: no findings on this line (safe reviewed by gpt-test)\n"
    assert units_sent(reviewing) == ["safe"]


def test_a_cached_answer_is_used(reviewing: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "app.py")[0] == 1
    assert sorted(units_sent(reviewing)) == ["risky", "safe"]
    code, out, _ = run(capsys, "explain", f"app.py:{EVAL_LINE}:12")  # as `peer check` prints
    assert code == 0
    assert "Use `ast.literal_eval` for literals." in out
    assert sorted(units_sent(reviewing)) == ["risky", "safe"]  # no review was sent
    assert len(explained(reviewing)) == 1  # only the explanation


def test_local_findings_without_a_provider(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, None)
    (project / "app.py").write_text(SOURCE + "print((1\n", encoding="utf-8")
    code, out, err = run(capsys, "explain", "app.py:10")
    assert code == 0
    assert out.splitlines()[0] == "app.py:10:6: error[syntax-error] '(' was never closed"
    assert err == f"peer explain: {LOCAL_ONLY}\n"
    assert run(capsys, "explain", "app.py:5")[1] == (
        "app.py:5: no findings on this line (local findings only)\n"
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("app.py", "expected FILE:LINE"),
        ("app.py:0", "expected FILE:LINE"),
        ("app.py:x", "expected FILE:LINE"),
        ("app.py:11", "app.py has 9 lines, not 11"),
        ("missing.py:1", "no such file: missing.py"),
    ],
)
def test_bad_targets_exit_2(
    reviewing: FakeServer, target: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "explain", target)
    assert (code, out) == (2, "")
    assert err.startswith("peer explain: ")
    assert message in err
    assert reviewing.requests == []


def test_targets(project: Path) -> None:
    assert parse_target("app.py:3") == Target(Path("app.py"), 3)
    assert parse_target("app.py:3:7") == Target(Path("app.py"), 3)
    (project / "odd:2").write_text("x = 1\n", encoding="utf-8")
    assert parse_target("odd:2:1") == Target(Path("odd:2"), 1)  # a file named "odd:2"
