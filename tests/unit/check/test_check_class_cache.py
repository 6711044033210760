"""`peer check` run again after one method of a class was edited sends that method alone:
the class, sent as a skeleton that did not change, is answered from the cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.server import FakeServer
from model_support import configure, reply, run, units_sent

STORE = """\
import json


class Store:
    limit = 10

    def load(self, raw):
        data = json.loads(raw)
        return data[: self.limit]

    def save(self, items):
        return json.dumps(items[: self.limit])
"""


def test_a_second_run_after_a_method_edit_sends_only_that_method(
    fake: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(lambda received: reply(received, []))
    configure(project, fake)
    (project / "store.py").write_text(STORE, encoding="utf-8")
    assert run(capsys, "check", "store.py")[0] == 0
    assert sorted(units_sent(fake)) == ["Store", "Store.load", "Store.save"]

    edited = STORE.replace("return data[: self.limit]", "return data[: self.limit * 2]")
    (project / "store.py").write_text(edited, encoding="utf-8")
    assert run(capsys, "check", "store.py")[0] == 0
    assert units_sent(fake)[3:] == ["Store.load"]
