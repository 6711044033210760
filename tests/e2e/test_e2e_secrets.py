"""No secret leaves the server: the guard corpus opened in an editor, reviewed by the fake.

Every corpus file is opened with the languageId VS Code gives it (``dockercompose``,
``shellscript``, ``dotenv``, ``ini``...). ``reviewInclude = ["**"]`` has every file reviewed,
configuration and files without a grammar (in line chunks) too, as a user may ask: all are
sent, redacted. What the fake vendor received, the audit log,
the cache and the server's log must hold no fragment of any secret.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fakes import openai as oa
from fakes import review_format
from fakes.server import FakeServer, Received, Reply
from lsp_support import (
    LOG_FILE,
    TIMEOUT,
    PeerClient,
    capabilities,
    document,
    initialize_params,
)
from lsprotocol import types

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "llm"))
from secret_corpus import SAMPLES, Filled, fragments, materialize

from peer_lsp.llm.guard import is_excluded

LANGUAGE_IDS = {
    ".yaml": "yaml", ".yml": "yaml", ".sh": "shellscript", ".env": "dotenv", ".ini": "ini",
    ".cfg": "ini", ".json": "json", ".toml": "toml", ".py": "python", ".js": "javascript",
    ".ts": "typescript", ".go": "go", ".java": "java", ".c": "c",
}  # fmt: skip


def language_id(path: str) -> str:
    name = Path(path).name
    if name.startswith("docker-compose"):
        return "dockercompose"
    if name == "Dockerfile":
        return "dockerfile"
    return LANGUAGE_IDS[Path(path).suffix or name]


def no_findings(received: Received) -> Reply:
    text = review_format.answer(received.json["messages"][-1]["content"], lambda _: [])
    return oa.stream([text]) if received.json.get("stream") else oa.ok(text)


@pytest.fixture
def client(vscode_server: PeerClient) -> PeerClient:
    """A server of the test's own, initialised by the test as VS Code."""
    return vscode_server


async def test_the_server_sends_no_secret_of_the_corpus(
    client: PeerClient, fake: FakeServer, tmp_path: Path
) -> None:
    fake.respond_with(no_findings)
    options = {
        "providers": [{"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1"}],
        "cacheDir": str(tmp_path / "cache"),
        "auditLog": str(tmp_path / "audit.jsonl"),
        "reviewOn": ["open"],
        "reviewDebounceMs": 10,
        "ollamaAutodetect": False,
        "reviewInclude": ["**"],  # configuration too (peer_lsp.review.worth)
    }
    params = initialize_params(capabilities("visual_studio_code"), tmp_path)
    params.initialization_options = options
    await client.initialize_session(params)
    filled: list[Filled] = []
    for sample in SAMPLES:
        item = materialize(sample, random.Random(f"e2e:{sample.id}"))
        filled.append(item)
        path = tmp_path / sample.path
        opened = document(path, item.text, language_id=language_id(sample.path))
        client.text_document_did_open(types.DidOpenTextDocumentParams(opened))
    expected = {item.sample.path for item in filled if not is_excluded(item.sample.path)}

    def sent() -> set[str]:
        return {
            path
            for received in fake.requests
            for path in expected
            if f"File: {path}\\n" in received.text
        }

    assert await _wait(fake, lambda: sent() == expected), sorted(expected - sent())
    places = {f"request {n}": r.body for n, r in enumerate(fake.requests)}
    for stored in [*tmp_path.joinpath("cache").rglob("*"), tmp_path / "audit.jsonl", LOG_FILE]:
        if stored.is_file():
            places[str(stored)] = stored.read_bytes()
    leaked = [
        (item.sample.id, where)
        for item in filled
        for secret in item.secrets
        for part in fragments(secret)
        for where, data in places.items()
        if part.encode() in data or json.dumps(part).encode()[1:-1] in data
    ]
    assert leaked == []


async def _wait(fake: FakeServer, condition: Callable[[], bool]) -> bool:
    """Whether ``condition`` came true within a minute: some 60 files, all reviewed."""
    return await asyncio.to_thread(fake.wait_until, condition, TIMEOUT * 6)
