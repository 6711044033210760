"""The server commands the editor clients call for "clear cache" and "open audit log".

The real server over stdio, with the disk cache and the audit log in the test's folder.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_lsp
from e2e.lsp_support import (
    SERVER_COMMAND,
    TIMEOUT,
    PeerClient,
    capabilities,
    initialize_params,
    make_client,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from peer_lsp.llm.cache.answers import CachedAnswer
from peer_lsp.llm.cache.disk_cache import DiskCache
from peer_lsp.llm.types import Usage


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client)
)
async def client(lsp_client: PeerClient) -> AsyncIterator[None]:
    yield
    await lsp_client.shutdown_session()


async def start(client: PeerClient, root: Path, **options: Any) -> None:
    params = initialize_params(capabilities("visual_studio_code"), root, options)
    await client.initialize_session(params)


async def command(client: PeerClient, name: str) -> Any:
    async with asyncio.timeout(TIMEOUT):
        return await client.workspace_execute_command_async(types.ExecuteCommandParams(name))


async def test_clear_cache_empties_the_cache_the_settings_name(
    client: PeerClient, tmp_path: Path
) -> None:
    directory = tmp_path / "answers"
    cache = DiskCache(directory, max_bytes=10_000_000, ttl_seconds=86_400)
    answer = CachedAnswer("{}", Usage(input_tokens=1, output_tokens=1), "p", "m", 1.0, time.time())
    await cache.put("one", answer)
    await cache.put("two", answer)
    assert (await cache.stats()).entries == 2
    await start(client, tmp_path, cacheDir=str(directory), ollamaAutodetect=False)

    result = await command(client, "peer.clearCache")

    assert result == {"removed": 2, "location": str(directory)}
    assert (await cache.stats()).entries == 0
    assert await cache.get("one") is None
    await cache.aclose()


async def test_audit_log_names_the_configured_file(client: PeerClient, tmp_path: Path) -> None:
    await start(client, tmp_path, auditLog="logs/audit.jsonl", ollamaAutodetect=False)

    first = await command(client, "peer.auditLog")
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "audit.jsonl").write_text("{}\n", encoding="utf-8")
    second = await command(client, "peer.auditLog")

    # a relative auditLog is relative to the workspace folder
    assert first == {"path": str(tmp_path / "logs" / "audit.jsonl"), "exists": False}
    assert second == {"path": str(tmp_path / "logs" / "audit.jsonl"), "exists": True}
