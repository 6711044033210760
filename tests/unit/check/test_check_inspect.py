"""The inspector through real `peer check` runs against the fake vendor: what it keeps (the
prompt as sent, redacted; the raw answer; findings kept and dropped with why), `peer inspect`
reading it back, and a replay to another provider sending the very same prompt."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from fakes.server import FakeServer
from model_support import EVAL_FINDING, configure, per_unit, run

from peer_lsp.review.inspector import Inspector

SECRET = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
SOURCE = (
    "import ast\n\n"
    "def risky(expr):\n"
    f"    token = '{SECRET}'  # peer: ignore[py-hardcoded-secret]\n"
    "    notify('ops@example.org', token)\n"
    "    return eval(expr)\n"
)
NOWHERE = {**EVAL_FINDING, "title": "a line the unit does not have", "excerpt": "nope()",
           "line": 40, "end_line": 40}  # fmt: skip


def findings_of(unit: str) -> list[dict[str, Any]]:
    return [EVAL_FINDING, NOWHERE] if "eval(expr)" in unit else []


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeServer) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    fake.respond_with(per_unit(findings_of))
    return tmp_path


def test_nothing_is_kept_unless_the_inspector_is_on(
    project: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, fake)
    run(capsys, "check", "--exit-zero", "--no-progress", "app.py")
    assert fake.requests
    assert not Inspector().path.exists()
    code, _, err = run(capsys, "inspect")
    assert code == 0
    assert "the inspector is off" in err


def test_an_exchange_as_sent_and_what_became_of_it(
    project: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, fake, inspector=True)
    run(capsys, "check", "--exit-zero", "--no-progress", "app.py")

    path = Inspector().path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    (kept,) = Inspector().recent()
    sent = fake.requests[0].json["messages"]
    assert (kept.system, kept.user) == (sent[0]["content"], sent[1]["content"])
    assert SECRET not in path.read_text()
    assert "ops@example.org" not in path.read_text()
    assert "<redacted:" in kept.user
    assert json.loads(kept.answer)["findings"][1]["title"] == NOWHERE["title"]  # raw, as answered
    assert [f["message"] for f in kept.findings] == [EVAL_FINDING["title"]]
    assert len(kept.dropped) == 1
    assert kept.dropped[0]["title"] == NOWHERE["title"]
    assert kept.dropped[0]["reason"]

    code, out, _ = run(capsys, "inspect")
    assert code == 0
    assert out.startswith(kept.id)
    assert "1 kept, 1 dropped" in out
    code, out, _ = run(capsys, "inspect", kept.id[:6])
    assert code == 0
    assert "== user (as sent)" in out
    assert NOWHERE["title"] in out
    code, out, _ = run(capsys, "inspect", "--format", "json")
    assert json.loads(out)[0]["id"] == kept.id
    code, _, err = run(capsys, "inspect", "0000000000")
    assert code == 2
    assert "no exchange" in err


def test_a_replay_sends_the_same_prompt_to_another_provider(
    project: Path, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = configure(project, fake, inspector=True)
    with config.open("a", encoding="utf-8") as out:
        out.write(
            f'\n[[providers]]\npreset = "vllm"\nid = "other"\nmodel = "o"\n'
            f'baseUrl = "{fake.url}/v1"\n\n[[routes]]\nname = "review"\nproviders = ["fake"]\n'
        )
    run(capsys, "check", "--exit-zero", "--no-progress", "app.py")
    (kept,) = Inspector().recent()
    before = len(fake.requests)

    code, out, err = run(capsys, "inspect", "--replay", kept.id, "--provider", "other")

    assert code == 0, err
    replayed = fake.requests[before:]
    assert len(replayed) == 1
    assert replayed[0].json["model"] == "o"
    messages = replayed[0].json["messages"]
    assert (messages[0]["content"], messages[1]["content"]) == (kept.system, kept.user)
    assert "== replayed: other/" in out
    code, _, err = run(capsys, "inspect", "--replay", kept.id, "--provider", "nobody")
    assert code == 2
    assert "no provider 'nobody'" in err
