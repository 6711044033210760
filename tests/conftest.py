"""Fixtures shared by every test folder."""

from __future__ import annotations

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
