"""An Ollama found on its own, over stdio: the server asks before sending it any code
(window/showMessageRequest: which server, which model), remembers the answer for the
workspace across restarts, and sends nothing to a client that cannot be asked.

The "Ollama" is the fake vendor of tests/fakes speaking Ollama's API, found through
``OLLAMA_HOST`` as Ollama's own clients find it; the answers are kept in the server's user
state directory (``XDG_STATE_HOME``), a folder of the test's own.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from fakes import ollama as ol
from fakes.server import FakeServer, Received, Reply
from lsp_support import (
    SERVER_COMMAND,
    TIMEOUT,
    PeerClient,
    capabilities,
    document,
    initialize_params,
)
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pytest_lsp import ClientServerConfig
from pytest_lsp.client import register_lsp_features

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]

SOURCE = "def add(a, b):\n    return a + b\n"


def ollama_reply(received: Received) -> Reply:
    if received.path == "/api/tags":
        return ol.tags(["llama3:8b", "qwen2.5-coder:7b"])
    return ol.ok('{"findings": []}')


@pytest.fixture
def ollama(fake: FakeServer) -> FakeServer:
    fake.respond_with(ollama_reply)
    return fake


async def serve(
    ollama: FakeServer, state: Path, root: Path, answer: str | None, *, can_ask: bool = True
) -> tuple[LanguageClient, list[types.ShowMessageRequestParams]]:
    """A started server that finds ``ollama``; its client answers questions with ``answer``
    (None: dismissed), or declares no way to ask when not ``can_ask``."""
    asked: list[types.ShowMessageRequestParams] = []

    def factory() -> PeerClient:
        client = PeerClient()
        register_lsp_features(client)
        client.statuses = []  # type: ignore[attr-defined]

        @client.feature("peer/status")
        def status(params: Any) -> None:
            client.statuses.append(params)  # type: ignore[attr-defined]

        if can_ask:

            @client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
            def ask(params: types.ShowMessageRequestParams) -> types.MessageActionItem | None:
                asked.append(params)
                return types.MessageActionItem(answer) if answer is not None else None

        return client

    env = {**os.environ, "OLLAMA_HOST": ollama.url, "XDG_STATE_HOME": str(state)}
    config = ClientServerConfig(
        server_command=SERVER_COMMAND, client_factory=factory, server_env=env
    )
    client = await config.start()
    options: dict[str, Any] = {"cacheDir": str(root / "cache"), "reviewOn": ["open"]}
    params = initialize_params(capabilities("visual_studio_code"), root, options)
    await client.initialize_session(params)  # type: ignore[attr-defined]
    return client, asked


async def status_when(client: LanguageClient, state: str) -> dict[str, Any]:
    """The first ``peer/status`` in ``state``, recorded already or still to come."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            for status in client.statuses:  # type: ignore[attr-defined]
                if status.state == state:
                    return {"state": status.state, "detail": getattr(status, "detail", "")}
            await client.protocol.wait_for_notification_async("peer/status")


def chats(ollama: FakeServer) -> list[Received]:
    return [r for r in ollama.requests if r.path == "/api/chat"]


async def stop(client: LanguageClient) -> None:
    await client.shutdown_session()  # type: ignore[attr-defined]
    await client.stop()


async def test_asks_once_then_reviews_and_remembers(ollama: FakeServer, tmp_path: Path) -> None:
    state, root = tmp_path / "state", tmp_path / "workspace"
    root.mkdir()
    client, asked = await serve(ollama, state, root, "Use it")
    try:
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(document(root / "a.py", SOURCE))
        )
        assert await asyncio.to_thread(ollama.wait_until, lambda: bool(chats(ollama)), TIMEOUT)
    finally:
        await stop(client)
    (question,) = asked
    assert ollama.url in question.message
    assert "qwen2.5-coder:7b" in question.message
    assert [a.title for a in question.actions or []] == ["Use it", "Not for this workspace"]
    assert "def add" in chats(ollama)[0].body.decode()

    again, asked_again = await serve(ollama, state, root, "Not for this workspace")
    try:
        await status_when(again, "idle")
    finally:
        await stop(again)
    assert asked_again == []  # remembered for this workspace


async def test_a_no_sends_nothing_and_is_remembered(ollama: FakeServer, tmp_path: Path) -> None:
    state, root = tmp_path / "state", tmp_path / "workspace"
    root.mkdir()
    client, asked = await serve(ollama, state, root, "Not for this workspace")
    try:
        status = await status_when(client, "local")
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(document(root / "a.py", SOURCE))
        )
    finally:
        await stop(client)
    assert len(asked) == 1
    assert "declined for this workspace" in status["detail"]

    again, asked_again = await serve(ollama, state, root, "Use it")
    try:
        await status_when(again, "local")
    finally:
        await stop(again)
    assert asked_again == []
    assert chats(ollama) == []


async def test_a_client_that_cannot_ask_gets_no_reviews(ollama: FakeServer, tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    root.mkdir()
    client, _ = await serve(ollama, tmp_path / "state", root, None, can_ask=False)
    try:
        status = await status_when(client, "local")
    finally:
        await stop(client)
    assert "not allowed yet" in status["detail"]
    assert chats(ollama) == []
