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


SWEEP_TEST = "tests/sweep/test_real_code.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The sweep's test runs last: it waits for the sweep started at collection, and every
    other test runs meanwhile instead of after it."""
    items.sort(key=lambda item: item.nodeid.startswith(SWEEP_TEST))  # stable: order kept


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the real-code sweep now, in the background, when its test is to run
    (tests/sweep/early.py says why)."""
    if session.config.option.collectonly:
        return
    if not any(item.nodeid.startswith(SWEEP_TEST) for item in session.items):
        return
    sys.path.insert(0, str(Path(__file__).parent / "sweep"))
    from early import has_corpora, start_sweep

    if has_corpora():
        session.config.early_sweep = start_sweep()  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A sweep still running when the session ends (its test failed early, or was
    interrupted) is stopped, not left behind."""
    run = getattr(session.config, "early_sweep", None)
    if run is not None and run.process.poll() is None:
        run.process.kill()
        run.process.wait()
