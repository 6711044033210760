"""`peer check` with a project's ``.peer/instructions.md``: a real run against the fake vendor
sends them in the system message; an unchanged project is answered from the cache, an edited
instructions file is reviewed afresh."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fakes.server import FakeServer
from model_support import SOURCE, configure, per_unit, run

RULES = "- Every function that evaluates input must say why in a comment."


def _systems(fake: FakeServer) -> list[str]:
    return [r.json["messages"][0]["content"] for r in fake.requests]


def test_instructions_reach_the_model_and_key_the_cache(
    tmp_path: Path,
    fake: FakeServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake.respond_with(per_unit(lambda unit: []))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".peer").mkdir()
    rules = tmp_path / ".peer" / "instructions.md"
    rules.write_text(RULES, encoding="utf-8")
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    configure(tmp_path, fake)

    code, _, err = run(capsys, "check", "--exit-zero", "--no-progress", "app.py")
    assert code == 0, err
    first = len(fake.requests)
    assert first >= 1
    assert all(system.endswith(RULES) for system in _systems(fake))

    run(capsys, "check", "--exit-zero", "--no-progress", "app.py")
    assert len(fake.requests) == first  # the same instructions: every answer cached

    rules.write_text(RULES + "\n- Name every magic number.", encoding="utf-8")
    stat = rules.stat()
    os.utime(rules, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    run(capsys, "check", "--exit-zero", "--no-progress", "app.py")
    assert len(fake.requests) == 2 * first
    assert all(s.endswith("- Name every magic number.") for s in _systems(fake)[first:])
