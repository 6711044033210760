"""A failed review does not look clean in the editor (issue 14, point 7): the real server over
stdio, the fake vendor refusing the key, and a provider whose key variable is not set. The
user is told once per cause with window/showMessage, and ``peer/status`` stays ``error``
while units are left unreviewed."""

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
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig

pytestmark = pytest.mark.e2e

SOURCE = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
UNSET = "PEER_E2E_KEY_THAT_IS_NEVER_SET"


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client)
)
async def client(lsp_client: PeerClient) -> AsyncIterator[None]:
    lsp_client.editor = "neovim"  # no status bar of peer's own: showMessage is all it sees
    yield
    await lsp_client.shutdown_session()


async def start(client: PeerClient, fake: FakeServer, tmp_path: Path, **provider: Any) -> Path:
    options = {
        "providers": [
            {"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1", **provider}
        ],
        "cacheDir": str(tmp_path / "cache"),
        "auditLog": str(tmp_path / "audit.jsonl"),
        "reviewOn": ["open"],
        "ollamaAutodetect": False,
    }
    params = initialize_params(capabilities(client.editor), tmp_path)
    params.initialization_options = options
    await client.initialize_session(params)
    path = tmp_path / "app.py"
    client.text_document_did_open(types.DidOpenTextDocumentParams(document(path, SOURCE)))
    return path


async def status_where(client: PeerClient, state: str, not_reviewed: int) -> Any:
    """The server's status (``peer.health``) once it is ``state`` with ``not_reviewed``
    units left unreviewed, asked again after each ``peer/status`` it sends. The wait for the
    next status is registered before asking: one sent while the answer is awaited is not
    lost (it may be the last)."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            notified = client.protocol.wait_for_notification_async("peer/status")
            status = await client.workspace_execute_command_async(
                types.ExecuteCommandParams("peer.health")
            )
            if (status["state"], status["notReviewed"]) == (state, not_reviewed):
                return status
            await notified


async def first_message(client: PeerClient) -> types.ShowMessageParams:
    """The first window/showMessage (it may have come while the session started)."""
    async with asyncio.timeout(TIMEOUT):
        while not client.messages:
            await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    return client.messages[0]


async def test_a_refused_key_is_shown_once_and_the_status_stays_error(
    client: PeerClient, fake: FakeServer, tmp_path: Path
) -> None:
    fake.respond_with(oa.auth_error())
    await start(client, fake, tmp_path)
    shown = await first_message(client)
    assert shown.type == types.MessageType.Error
    status = await status_where(client, "error", 2)
    assert "HTTP 401" in status["detail"]
    errors = [m for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1, [m.message for m in client.messages]
    assert errors[0].message.startswith("peer-lsp: a model review failed: fake: Incorrect API key")
    assert "local findings only" in errors[0].message


async def test_a_missing_key_is_shown_before_any_request(
    client: PeerClient, fake: FakeServer, tmp_path: Path
) -> None:
    fake.respond_with(oa.ok('{"findings": []}'))
    await start(client, fake, tmp_path, apiKeyEnv=UNSET)
    shown = await first_message(client)
    assert shown.type == types.MessageType.Error
    assert shown.message.startswith(
        f"peer-lsp: the environment variable {UNSET} is not set (needed by provider 'fake')"
    )
    status = await status_where(client, "error", 2)
    assert UNSET in status["detail"]
    assert fake.requests == []
    assert [m.message for m in client.messages] == [shown.message]  # told once, not per unit


async def test_an_open_circuit_carries_its_cause_in_the_status(
    client: PeerClient, fake: FakeServer, tmp_path: Path
) -> None:
    """A refused key opens the provider's circuit at once; ``peer/status`` names the open
    circuit with the failure that opened it, so a status bar can say why, not only that
    requests are skipped for some seconds."""
    fake.respond_with(oa.auth_error())
    await start(client, fake, tmp_path)
    status = await status_where(client, "error", 2)
    (circuit,) = status["circuits"]
    assert circuit["provider"] == "fake"
    assert circuit["breaker"] == "open"
    assert circuit["secondsLeft"] > 0
    assert circuit["cause"].startswith("fake: Incorrect API key")
    assert status["providers"]["fake"]["lastFailure"] == circuit["cause"]
