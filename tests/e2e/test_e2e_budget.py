"""A spent budget in the editor (issue 15, point 4): the real server over stdio, a usage
ledger another process filled past the daily limit. Nothing is sent, the status says
``paused`` with the budget, its limit and the day's use, one warning is shown, and the local
diagnostics stay."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from fakes import openai as oa
from fakes.server import FakeServer
from lsp_support import (
    SERVER_COMMAND,
    TIMEOUT,
    PeerClient,
    capabilities,
    document,
    initialize_params,
    make_client,
    open_document,
    pull,
    pulls,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from peer_lsp.llm.ledger import Ledger, utc_day

pytestmark = pytest.mark.e2e

SOURCE = "def add(a, b):\n    return a + b\n\n\ndef broken(:\n    pass\n"
LIMIT = 200_000


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client)
)
async def client(lsp_client: PeerClient) -> AsyncIterator[None]:
    lsp_client.editor = "neovim"
    yield
    await lsp_client.shutdown_session()


async def paused(client: PeerClient) -> Any:
    """``peer.health`` once the state is ``paused``; the wait for the next ``peer/status`` is
    registered before asking, so one sent meanwhile is not lost."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            notified = client.protocol.wait_for_notification_async("peer/status")
            status = await client.workspace_execute_command_async(
                types.ExecuteCommandParams("peer.health")
            )
            if status["state"] == "paused":
                return status
            await notified


def codes(diagnostics: list[types.Diagnostic]) -> set[str]:
    return {str(d.code) for d in diagnostics}


async def test_a_spent_daily_budget_pauses_reviews_and_keeps_local_findings(
    client: PeerClient, fake: FakeServer, tmp_path: Path
) -> None:
    fake.respond_with(oa.ok('{"findings": []}'))
    ledger = tmp_path / "usage.sqlite3"
    Ledger(ledger).settle(None, utc_day(), "fake", "m", (199_000, 2_312, 0.0))  # another process
    options = {
        "providers": [{"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1"}],
        "cacheDir": str(tmp_path / "cache"),
        "auditLog": str(tmp_path / "audit.jsonl"),
        "usageLedger": str(ledger),
        "dailyTokenLimit": LIMIT,
        "reviewOn": ["open"],
        "ollamaAutodetect": False,
    }
    params = initialize_params(capabilities(client.editor), tmp_path)
    params.initialization_options = options
    await client.initialize_session(params)
    item = document(tmp_path / "app.py", SOURCE)
    assert "syntax-error" in codes(await open_document(client, item))

    status = await paused(client)
    assert status["detail"].startswith(
        "daily token budget of 200,000 reached (201,312 used today, UTC; a review takes up to "
    )
    assert status["detail"].endswith("; local findings only")
    assert status["budget"] == {
        "day": utc_day(),
        "tokens": 201_312,
        "cost": 0.0,
        "tokenLimit": LIMIT,
        "costLimit": None,
        "providers": {},
    }
    assert status["notReviewed"] == 0  # not a failure of the provider
    assert fake.requests == []
    async with asyncio.timeout(TIMEOUT):
        while not client.messages:
            await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    assert [(m.type, m.message.split(":")[0:2]) for m in client.messages] == [
        (types.MessageType.Warning, ["peer-lsp", " model reviews paused"])
    ]
    assert client.messages[0].message.endswith("Local findings continue.")
    if pulls(client):
        report = await pull(client, item.uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert "syntax-error" in codes(report.items)
    else:
        assert "syntax-error" in codes(client.diagnostics[item.uri])
