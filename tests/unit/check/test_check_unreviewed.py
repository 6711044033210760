"""A failed review must not look clean (issue 14, point 7): `peer check` on a clean tree whose
units the configured model could not review exits 3, says on stderr what was not reviewed and
why, and carries it in JSON and as a SARIF tool execution notification; ``--allow-unreviewed``
keeps the findings' exit code. Against the fake vendor (401, 404, an answer that is not one),
a closed port, and an API key variable that is not set (found before any request, and not
hidden by the answer cache)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from fakes import openai as oa
from fakes.server import FakeServer
from model_support import EVAL_FINDING, answer_with, configure, run, units_sent, without_bill

from peer_lsp.commands.exits import EXIT_NOT_REVIEWED

CLEAN = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
KEY_VARIABLE = "PEER_TEST_GATE_KEY"


@pytest.fixture
def clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose one file has nothing wrong with it (two units)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def closed_port() -> int:
    """A local port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def with_provider(folder: Path, base_url: str, **provider: str) -> None:
    """``.peer.toml`` with one vLLM-like provider at ``base_url``; a short route deadline so
    that a provider that never answers costs little."""
    lines = [
        f"cacheDir = {json.dumps(str(folder / 'cache'))}",
        f"auditLog = {json.dumps(str(folder / 'audit.jsonl'))}",
        "ollamaAutodetect = false",
        'disableRules = ["all"]',
        "[[providers]]",
        'preset = "vllm"',
        'id = "fake"',
        'model = "m"',
        f"baseUrl = {json.dumps(base_url + '/v1')}",
        *(f"{key} = {json.dumps(value)}" for key, value in provider.items()),
    ]
    (folder / ".peer.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def check_failed(capsys: pytest.CaptureFixture[str], reason: str, label: str) -> tuple[str, str]:
    """Run `peer check` on the clean tree: it must exit 3 and say why; stdout, stderr."""
    code, out, err = run(capsys, "check", "app.py")
    assert code == EXIT_NOT_REVIEWED, (out, err)
    assert out == "No findings in 1 file, 2 units not reviewed by the model\n"
    lines = without_bill(err).splitlines()
    assert "peer check: 2 units were not reviewed by the model:" in lines
    (why,) = [line for line in lines if line.startswith("peer check:   ")]
    assert why.startswith(f"peer check:   {label} (2 units): "), why
    assert why.endswith("— app.py (add), app.py (sub)")
    assert lines[-1].startswith("peer check: exit code 3: the review is incomplete")
    code, out, _ = run(capsys, "check", "--format", "json", "app.py")
    unreviewed = json.loads(out)["unreviewed"]
    assert code == EXIT_NOT_REVIEWED
    assert (unreviewed["units"], unreviewed["allowed"]) == (2, False)
    (entry,) = unreviewed["reasons"]
    assert (entry["reason"], entry["label"], entry["units"]) == (reason, label, 2)
    assert entry["first"] == [{"path": "app.py", "unit": "add"}, {"path": "app.py", "unit": "sub"}]
    return out, err


def sarif_invocation(capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, Any]:
    """The run's one invocation, checked against SARIF 2.1.0 (§3.20, §3.58): a boolean
    ``executionSuccessful`` (required), notifications with a level and a message."""
    code, out, _ = run(capsys, "check", "--format", "sarif", *flags, "app.py")
    (invocation,) = json.loads(out)["runs"][0]["invocations"]
    assert isinstance(invocation["executionSuccessful"], bool)
    for note in invocation.get("toolExecutionNotifications", []):
        assert note["level"] in {"error", "warning", "note", "none"}
        assert note["message"]["text"]
        assert isinstance(note["descriptor"]["id"], str)
    return code, invocation


def test_a_refused_key_fails_the_run_in_text_json_and_sarif(
    fake: FakeServer, clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(oa.auth_error())
    configure(clean, fake)
    check_failed(capsys, "auth", "API key refused")

    code, invocation = sarif_invocation(capsys)
    assert code == EXIT_NOT_REVIEWED
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["descriptor"] == {"id": "peer/not-reviewed/auth"}
    assert note["message"]["text"].startswith(
        "2 units not reviewed by the model (API key refused): "
    )
    assert note["properties"]["units"] == 2

    code, invocation = sarif_invocation(capsys, "--allow-unreviewed")
    assert code == 0
    assert invocation["executionSuccessful"] is True
    assert [n["level"] for n in invocation["toolExecutionNotifications"]] == ["warning"]

    code, out, err = run(capsys, "check", "--allow-unreviewed", "app.py")
    assert (code, out) == (0, "No findings in 1 file, 2 units not reviewed by the model\n")
    assert "peer check: 2 units were not reviewed by the model:" in err


def test_a_model_typo_fails_the_run(
    fake: FakeServer, clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(
        oa.error(404, code="model_not_found", message="The model `gtp-4o` does not exist.")
    )
    configure(clean, fake)
    _, err = check_failed(capsys, "not_found", "model or endpoint not found")
    assert "does not exist" in err


def test_an_answer_that_is_not_one_fails_the_run(
    fake: FakeServer, clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '{"result": "looks fine"}'  # no findings list: not an answer
    fake.respond_with(lambda r: oa.stream([text]) if r.json.get("stream") else oa.ok(text))
    configure(clean, fake)
    check_failed(capsys, "server", "provider or answer error")


def test_a_dead_url_fails_the_run(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_provider(clean, f"http://127.0.0.1:{closed_port()}")
    check_failed(capsys, "connect", "provider unreachable")


def test_a_missing_key_fails_before_any_request_and_despite_the_cache(
    fake: FakeServer,
    clean: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (clean / "app.py").write_text(CLEAN + "\n\ndef run(expr):\n    return eval(expr)\n")
    fake.respond_with(answer_with(EVAL_FINDING))
    with_provider(clean, fake.url, apiKeyEnv=KEY_VARIABLE)
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    code, out, err = run(capsys, "check", "app.py")
    assert code == EXIT_NOT_REVIEWED
    assert fake.requests == []
    assert err.startswith(
        f"peer check: the environment variable {KEY_VARIABLE} is not set (needed by provider"
        " 'fake'): units are counted as not reviewed, cached answers or not\n"
    )
    assert "peer check:   API key missing (3 units): " in err
    assert out.splitlines()[-1] == "No findings in 1 file, 3 units not reviewed by the model"

    monkeypatch.setenv(KEY_VARIABLE, "sk-test-123")
    code, out, err = run(capsys, "check", "app.py")
    assert (code, without_bill(err)) == (1, "")
    assert len(units_sent(fake)) == 3  # now every answer is cached

    monkeypatch.setenv(KEY_VARIABLE, "")
    code, cached, err = run(capsys, "check", "app.py")
    assert code == EXIT_NOT_REVIEWED
    assert len(units_sent(fake)) == 3  # nothing more was sent
    assert "[model:security] eval on caller input" in cached  # the cache still answers
    assert "peer check:   API key missing (3 units): " in err


def test_a_good_review_says_nothing_of_unreviewed_units(
    fake: FakeServer, clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(answer_with(EVAL_FINDING))
    configure(clean, fake)
    code, out, err = run(capsys, "check", "app.py")
    assert (code, out, without_bill(err)) == (0, "No findings in 1 file\n", "")
    code, invocation = sarif_invocation(capsys)
    assert (code, invocation) == (0, {"executionSuccessful": True})


def test_fix_and_explain_exit_3_too(
    fake: FakeServer, clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "Nothing to fix" and "no findings on this line" from a review that failed are no
    answers: both commands say why and exit 3, unless --allow-unreviewed."""
    fake.respond_with(oa.auth_error())
    configure(clean, fake)
    code, out, err = run(capsys, "fix", "app.py")
    assert (code, out) == (EXIT_NOT_REVIEWED, "Nothing to fix\n")
    assert "peer fix:   API key refused (2 units): " in err
    assert run(capsys, "fix", "--allow-unreviewed", "app.py")[0] == 0

    code, out, err = run(capsys, "explain", "app.py:2")
    assert code == EXIT_NOT_REVIEWED
    assert out == (
        "app.py:2: no findings on this line (the model's review failed: local findings only)\n"
    )
    assert "peer explain: 1 unit was not reviewed by the model:" in err
    assert run(capsys, "explain", "--allow-unreviewed", "app.py:2")[0] == 0
    assert (clean / "app.py").read_text(encoding="utf-8") == CLEAN
