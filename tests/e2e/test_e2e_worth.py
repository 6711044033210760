"""The editor reviews only documents worth it (peer_lsp.review.worth): the real server over
stdio, the fake vendor over HTTP. A generated module (the standard library's stringprep.py),
a vendored one and a workflow YAML are opened beside hand-written code: only the code is sent
on open, edit and save, the others keep their local diagnostics, and "review now" on one of
them still sends it (asked for)."""

from __future__ import annotations

import asyncio
import re
import sysconfig
from collections.abc import Callable
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
    edit,
    initialize_params,
)
from lsprotocol import types

STDLIB = Path(sysconfig.get_paths()["stdlib"])
APP = "def risky(expr):\n    return eval(expr)\n\n\ndef safe(x):\n    return x + 1\n"
_FILE = re.compile(r"^File: (\S+)$", re.MULTILINE)


def nothing_found(received: Received) -> Reply:
    text = review_format.answer(received.json["messages"][-1]["content"], lambda _unit: [])
    return oa.stream([text]) if received.json.get("stream") else oa.ok(text)


def files_sent(fake: FakeServer) -> list[str]:
    """The file of each request the fake received, in order."""
    found = (_FILE.search(r.json["messages"][-1]["content"]) for r in fake.requests)
    return [m.group(1) if m else "?" for m in found]


async def wait_for(fake: FakeServer, condition: Callable[[], bool]) -> None:
    assert await asyncio.to_thread(fake.wait_until, condition, TIMEOUT)


async def command(client: PeerClient, name: str, *arguments: Any) -> Any:
    async with asyncio.timeout(TIMEOUT):
        return await client.workspace_execute_command_async(
            types.ExecuteCommandParams(name, list(arguments))
        )


async def settled(client: PeerClient) -> None:
    """Wait until no review is in flight or waiting (``peer.health``), asking again after
    each ``peer/status``; the wait is registered before asking, so that none is lost."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            notified = client.protocol.wait_for_notification_async("peer/status")
            if not (await command(client, "peer.health"))["inFlight"]:
                return
            await notified


@pytest.fixture
def client(vscode_server: PeerClient) -> PeerClient:
    """A server of the test's own, initialised by the test as VS Code."""
    return vscode_server


async def test_only_documents_worth_it_are_reviewed_unless_asked(
    client: PeerClient, fake: FakeServer, tmp_path: Path
) -> None:
    fake.respond_with(nothing_found)
    params = initialize_params(capabilities("visual_studio_code"), tmp_path)
    params.initialization_options = {
        "providers": [{"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1"}],
        "cacheDir": str(tmp_path / "cache"),
        "auditLog": str(tmp_path / "audit.jsonl"),
        "reviewOn": ["open", "save", "idle"],
        "reviewDebounceMs": 20,
        "ollamaAutodetect": False,
    }
    await client.initialize_session(params)
    generated = tmp_path / "stringprep.py"
    vendored = tmp_path / "vendor" / "lib.py"
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    app = tmp_path / "app.py"
    others = [
        document(generated, (STDLIB / "stringprep.py").read_text(encoding="utf-8")),
        document(vendored, APP.replace("risky", "theirs") + "print((1\n"),
        document(workflow, "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n", "yaml"),
    ]
    for item in [*others, document(app, APP)]:
        client.text_document_did_open(types.DidOpenTextDocumentParams(item))
    await wait_for(fake, lambda: len(fake.requests) == 1)
    await settled(client)
    assert files_sent(fake) == ["app.py"]  # its two units in one request

    # an edit and a save of a document not worth it send nothing either
    vendored_uri = vendored.as_uri()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(2, vendored_uri), [edit((5, 15), (5, 16), "2")]
        )
    )
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(vendored_uri))
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(2, app.as_uri()), [edit((5, 15), (5, 16), "2")]
        )
    )
    await wait_for(fake, lambda: len(fake.requests) == 2)
    await settled(client)
    assert files_sent(fake) == ["app.py"] * 2
    local = client.diagnostics.get(vendored_uri, [])
    assert any(d.code == "syntax-error" for d in local)  # local findings as ever

    # asked for, it is reviewed
    assert await command(client, "peer.reviewNow", vendored_uri) == {"queued": 2}
    await wait_for(fake, lambda: len(fake.requests) == 3)
    assert files_sent(fake)[2:] == ["vendor/lib.py"]
