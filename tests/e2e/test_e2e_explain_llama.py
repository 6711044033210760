"""Explanations streamed from a real model server: llama.cpp's llama-server with SmolLM2-135M
(tests/llama_server.py; ``bash .ci/llama`` provides both).

The language server over stdio, as VS Code with peer's extension (it declares streams),
explains a local rule's finding: the model's text reaches the client in several
``peer/streamAppend``s after the finding's document, before the stream closes. Explaining
another finding, ``peer/streamCancel`` as soon as the model writes stops the generation at
the server (llama-server logs that it cancels the task) long before its 256 tokens. The
model is too small to explain well: nothing here asserts what it says, nor that it stays
within the output limit (a cut answer ends the stream as failed, its text still shown).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from llama_server import LlamaServer, llama_paths
from lsp_support import PeerClient, capabilities, document, initialize_params
from lsprotocol import types
from test_e2e_llama_server import _openai

pytestmark = pytest.mark.e2e

TIMEOUT = 120.0

SOURCE = """\
import sqlite3


def find_user(conn, name):
    query = "SELECT * FROM users WHERE name = '%s'" % name
    return conn.execute(query).fetchall()


def calculate(expr):
    return eval(expr)
"""


@pytest.fixture(scope="module")
def llama() -> Iterator[LlamaServer]:
    binary, model = llama_paths()
    with LlamaServer(binary, model, context=4096) as server:
        yield server


@pytest.fixture
def client(vscode_server: PeerClient) -> PeerClient:
    """A server of the test's own, recording what it streams."""
    events: list[tuple[str, dict[str, Any]]] = []
    changed = asyncio.Event()
    for method in ("peer/streamOpen", "peer/streamAppend", "peer/streamClose"):

        def handler(ls: Any, params: Any, method: str = method) -> None:
            # pygls passes the client when the first parameter is called ``ls``
            if isinstance(params, dict):
                fields = params
            elif hasattr(params, "_asdict"):
                fields = params._asdict()
            else:
                fields = vars(params)
            events.append((method, dict(fields)))
            changed.set()

        vscode_server.feature(method)(handler)
    vscode_server.stream_events = events  # type: ignore[attr-defined]
    vscode_server.stream_changed = changed  # type: ignore[attr-defined]
    return vscode_server


def _events(client: PeerClient, method: str) -> list[dict[str, Any]]:
    events: list[tuple[str, dict[str, Any]]] = client.stream_events  # type: ignore[attr-defined]
    return [params for m, params in events if m == method]


async def _until(client: PeerClient, condition: Any) -> None:
    changed: asyncio.Event = client.stream_changed  # type: ignore[attr-defined]
    async with asyncio.timeout(TIMEOUT):
        while not condition():
            changed.clear()
            await changed.wait()


async def _router_ready(client: PeerClient) -> None:
    """Wait until the server has built its router (after `initialized`, off the start-up
    path), asking ``peer.health`` again after each ``peer/status``."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            notified = client.protocol.wait_for_notification_async("peer/status")
            health = await client.workspace_execute_command_async(
                types.ExecuteCommandParams("peer.health", [])
            )
            if health.get("providers"):
                return
            await notified


def _explain(client: PeerClient, uri: str, code: str) -> types.ExecuteCommandParams:
    (diagnostic,) = [d for d in client.diagnostics.get(uri, []) if d.code == code]
    assert isinstance(diagnostic.data, dict)
    return types.ExecuteCommandParams("peer.explain", [uri, diagnostic.data["fingerprint"]])


async def test_an_explanation_streams_and_cancels_against_the_real_server(
    client: PeerClient, llama: LlamaServer, tmp_path: Path
) -> None:
    caps = capabilities("visual_studio_code")
    caps = attrs.evolve(caps, experimental={"peer": {"showsCommandResults": True, "streams": True}})
    params = initialize_params(caps, tmp_path)
    params.initialization_options = {
        "providers": [_openai(llama, maxOutputTokens=256)],
        "cacheDir": str(tmp_path / "cache"),
        "auditLog": str(tmp_path / "audit.jsonl"),
        "reviewOn": ["manual"],
        "ollamaAutodetect": False,
    }
    await client.initialize_session(params)
    path = tmp_path / "app.py"
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(document(path, SOURCE)))
    async with asyncio.timeout(TIMEOUT):
        while {d.code for d in client.diagnostics.get(uri, [])} < {"py-sql-format", "py-eval"}:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    await _router_ready(client)

    # streamed: the document, then the model's text in pieces, then the close
    async with asyncio.timeout(TIMEOUT):
        result = await client.workspace_execute_command_async(
            _explain(client, uri, "py-sql-format")
        )
    assert result["shownAs"] == "stream"
    assert result["status"] in ("done", "failed"), result  # failed: the output limit
    (opened,) = _events(client, "peer/streamOpen")
    appends = [a for a in _events(client, "peer/streamAppend") if a["id"] == opened["id"]]
    assert appends[0]["text"].startswith("# ")  # the finding's document first
    assert "## The model's explanation" in appends[0]["text"]
    assert len(appends) >= 3, appends  # the model's answer came in pieces
    model_text = "".join(a["text"] for a in appends[1:])
    assert model_text.strip()
    assert _events(client, "peer/streamClose")[0]["status"] == result["status"]

    # cancelled as soon as the model writes: the server stops generating
    started = llama.watch("processing task")
    cancelled = llama.watch("cancel task")
    command = asyncio.ensure_future(
        client.workspace_execute_command_async(_explain(client, uri, "py-eval"))
    )
    await _until(client, lambda: len(_events(client, "peer/streamOpen")) == 2)
    stream = _events(client, "peer/streamOpen")[1]["id"]

    def streamed() -> int:
        return len([a for a in _events(client, "peer/streamAppend") if a["id"] == stream])

    await _until(client, lambda: streamed() >= 2)
    assert started.is_set()
    client.protocol.notify("peer/streamCancel", {"id": stream})
    async with asyncio.timeout(TIMEOUT):
        second = await command
    assert second["status"] == "cancelled", second
    assert await asyncio.to_thread(cancelled.wait, TIMEOUT), llama.output[-10:]
    assert llama.alive
