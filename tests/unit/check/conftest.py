"""The project most command-line model tests run in (see model_support); a module that needs
another folder defines its own ``project``."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.server import FakeServer
from model_support import EVAL_FINDING, SOURCE, answer_with, configure


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``app.py`` (one unit calls ``eval``) in the current folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    return tmp_path


@pytest.fixture
def reviewing(fake: FakeServer, project: Path) -> FakeServer:
    """The fake vendor, configured for ``project``, finding the ``eval``."""
    fake.respond_with(answer_with(EVAL_FINDING))
    configure(project, fake)
    return fake
