"""`peer explain FILE:LINE`: the unit at the line is reviewed (or its answer taken from the
cache) and the findings on the line explained; bad targets are usage errors (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.server import FakeServer
from model_support import EVAL_LINE, SOURCE, configure, run, units_sent

from peer_lsp.check.headless import LOCAL_ONLY
from peer_lsp.commands.explain import Target, parse_target


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
    ]
    assert units_sent(reviewing) == ["risky"]  # only the unit at the line


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
    assert sorted(units_sent(reviewing)) == ["risky", "safe"]  # nothing more was sent


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
