"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # `from fakes import ...` in any test folder

from fakes.server import FakeServer


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    """A fresh fake vendor server on 127.0.0.1, stopped after the test."""
    with FakeServer() as server:
        yield server


@pytest.fixture(autouse=True, scope="session")
def _private_state_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The user state directory (usage ledger, audit log, dismissed findings) in a temporary
    folder for every test and the processes it starts: a test never counts against, or reads,
    the budgets of the person running the suite. Tests that need their own set it again."""
    saved = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state-home"))
    yield
    if saved is None:
        del os.environ["XDG_STATE_HOME"]
    else:
        os.environ["XDG_STATE_HOME"] = saved
