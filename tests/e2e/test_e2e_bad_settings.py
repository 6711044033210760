"""Provider settings of the wrong type, through each way settings reach the real server.

Whether they come as initializationOptions, from workspace/configuration or from the
project's .peer.toml, a string maxConcurrency, a list contextWindow, a string headers, a
timeout and a route deadline of "soon" are named in one warning, and the reviewer starts
with everything else: the unit is reviewed by the configured provider.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from fakes import openai as oa
from fakes import review_format
from fakes.server import FakeServer, Received, Reply
from lsp_support import (
    TIMEOUT,
    PeerClient,
    capabilities,
    document,
    initialize_params,
)
from lsprotocol import types

pytestmark = pytest.mark.e2e

BAD = {
    "maxConcurrency": "many",
    "requestsPerMinute": "fast",
    "contextWindow": [],
    "headers": "x",
    "timeouts": {"connect": "soon"},
}
BAD_KEYS = [
    "providers[0].maxConcurrency",
    "providers[0].requestsPerMinute",
    "providers[0].contextWindow",
    "providers[0].headers",
    "providers[0].timeouts.connect",
    "routes[0].deadline",
]
SOURCE = "def risky(expr):\n    return eval(expr)\n"


def settings(fake: FakeServer, tmp_path: Path) -> dict[str, Any]:
    provider = {"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1"}
    return {
        "providers": [{**provider, **BAD}],
        "routes": [{"providers": ["fake"], "deadline": "soon"}],
        "cacheDir": str(tmp_path / "cache"),
        "auditLog": str(tmp_path / "audit.jsonl"),
        "reviewOn": ["open"],
        "ollamaAutodetect": False,
    }


def toml(value: object) -> str:
    """Enough TOML for `settings`: strings, lists and inline tables."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return json.dumps(value)


def no_findings(received: Received) -> Reply:
    return oa.ok(review_format.answer(received.json["messages"][-1]["content"], lambda _: []))


@pytest.fixture
def client(vscode_server: PeerClient) -> PeerClient:
    """A server of the test's own, initialised by the test as VS Code."""
    return vscode_server


async def first_message(client: PeerClient) -> types.ShowMessageParams:
    async with asyncio.timeout(TIMEOUT):
        while not client.messages:
            await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    return client.messages[0]


@pytest.mark.parametrize("way", ["initializationOptions", "workspace/configuration", ".peer.toml"])
async def test_bad_provider_fields_are_named_and_the_rest_reviews(
    client: PeerClient, fake: FakeServer, tmp_path: Path, way: str
) -> None:
    fake.respond_with(no_findings)
    raw = settings(fake, tmp_path)
    params = initialize_params(capabilities("visual_studio_code"), tmp_path)
    if way == "initializationOptions":
        params.initialization_options = raw
    elif way == "workspace/configuration":
        client.set_configuration(raw, section="peer")
    else:
        lines = "".join(f"{key} = {toml(value)}\n" for key, value in raw.items())
        (tmp_path / ".peer.toml").write_text(lines, encoding="utf-8")
    await client.initialize_session(params)

    shown = await first_message(client)
    assert shown.type == types.MessageType.Warning
    assert f"invalid value for '{BAD_KEYS[0]}': 'many'" in shown.message
    assert "(and 3 more)" in shown.message

    path = tmp_path / "app.py"
    client.text_document_did_open(types.DidOpenTextDocumentParams(document(path, SOURCE)))
    assert await asyncio.to_thread(fake.wait_until, lambda: len(fake.requests) == 1, TIMEOUT)
    assert fake.requests[0].json["model"] == "m"
    health = await client.workspace_execute_command_async(types.ExecuteCommandParams("peer.health"))
    assert health["state"] in ("idle", "reviewing")
    assert health["provider"] == "fake"
    assert len(client.messages) == 1, "one warning names every rejected field"
