"""`peer check` sends no personal data: a real run against the fake vendor over HTTP, with
the default settings (every kind masked) and the audit log counting what was masked."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from fakes.server import FakeServer
from model_support import configure, per_unit, run


def test_peer_check_sends_no_personal_data_to_the_provider(
    tmp_path: Path,
    fake: FakeServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake.respond_with(per_unit(lambda unit: []))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    source = (
        "def contact():\n"
        "    return {'mail': 'jane.doe@example.com', 'iban': 'DE89370400440532013000',\n"
        "            'phone': '+1 (415) 555-0132'}\n"
    )
    (tmp_path / "people.py").write_text(source, encoding="utf-8")
    configure(tmp_path, fake)

    code, _, err = run(capsys, "check", "--exit-zero", "--no-progress", "people.py")

    assert code == 0, err
    sent = "".join(r.body.decode("utf-8") for r in fake.requests)
    assert fake.requests
    for value in ("jane.doe@example.com", "DE89370400440532013000", "555-0132"):
        assert value not in sent
    audited = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    kinds = Counter[str]()
    for record in audited:
        kinds.update(record["redaction_kinds"] or {})
    assert {"email", "iban", "phone"} <= set(kinds)
