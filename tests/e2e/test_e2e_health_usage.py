"""`peer.health` over stdio carries today's bill (UTC) from the audit log, counted by the same
code as `peer stats`: the real server reviews through the fake vendor with known prices and
token counts, reopening is answered from the cache, and yesterday's line does not count."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakes import openai as oa
from fakes import review_format
from fakes.server import FakeServer, Received, Reply
from lsp_support import TIMEOUT, PeerClient
from lsprotocol import types
from test_e2e_review import SOURCE, open_params, start

from peer_lsp.llm.usage_stats import iso

PROMPT, COMPLETION = 400, 50
PRICE_IN, PRICE_OUT = 2.0, 8.0
DELAY = 0.03


def answer(received: Received) -> Reply:
    """No findings for any unit, with known token counts, after a known delay."""
    text = review_format.answer(received.json["messages"][-1]["content"], lambda _unit: [])
    counts = {"prompt": PROMPT, "completion": COMPLETION}
    streamed = bool(received.json.get("stream"))
    reply = oa.stream([text], **counts) if streamed else oa.ok(text, **counts)
    reply.first_byte_delay = DELAY
    return reply


@pytest.fixture
def client(vscode_server: PeerClient) -> PeerClient:
    """A server of the test's own, initialised by the test as VS Code."""
    return vscode_server


async def health_when(client: PeerClient, answered: int, cached: int) -> dict[str, Any]:
    """`peer.health` once today's figures show ``answered`` and ``cached``, asked again after
    each ``peer/status``: an answer's audit line is written before its review ends, and the
    status after it. The wait is registered before asking, so that no status is lost."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            notified = client.protocol.wait_for_notification_async("peer/status")
            report: dict[str, Any] = await client.workspace_execute_command_async(
                types.ExecuteCommandParams("peer.health")
            )
            total = report["usage"]["total"]
            if (total["answered"], total["cached"]) == (answered, cached):
                return report
            await notified


async def test_health_shows_todays_bill(
    client: PeerClient, fake: FakeServer, tmp_path: Path
) -> None:
    fake.respond_with(answer)
    audit = tmp_path / "audit.jsonl"
    yesterday = {
        "ts": iso(datetime.now(UTC) - timedelta(days=1, hours=1)), "provider": "fake",
        "model": "m", "outcome": "sent", "input_tokens": 9999, "output_tokens": 9,
        "latency_ms": 5.0, "cost": 1.0,
    }  # fmt: skip
    audit.write_text(json.dumps(yesterday) + "\n")
    provider = {
        "preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1",
        "priceInputPerMtok": PRICE_IN, "priceOutputPerMtok": PRICE_OUT,
    }  # fmt: skip
    path, _ = await start(client, fake, tmp_path, providers=[provider])
    uri = path.as_uri()
    client.text_document_did_open(open_params(path, SOURCE))
    first = await health_when(client, answered=1, cached=0)
    assert len(fake.requests) == 1  # both units in one request

    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    client.text_document_did_open(open_params(path, SOURCE.replace("x + 1", "x+1"), version=2))
    report = await health_when(client, answered=1, cached=2)
    assert len(fake.requests) == 1  # the same units, reformatted: answered from the cache

    usage = report["usage"]
    assert usage["auditLog"] == str(audit)
    assert usage["version"] == 1
    assert usage["since"].endswith("T00:00:00.000Z")  # today, UTC
    assert usage["lines"] == 3  # yesterday's line is not today's
    [fake_m] = usage["models"]
    assert (fake_m["provider"], fake_m["model"]) == ("fake", "m")
    assert (fake_m["requests"], fake_m["answered"], fake_m["cached"]) == (1, 1, 2)
    assert fake_m["unitsAnswered"] == 2
    assert fake_m["cacheHitRate"] == 0.5
    assert (fake_m["inputTokens"], fake_m["outputTokens"]) == (PROMPT, COMPLETION)
    assert fake_m["cost"] == pytest.approx((PROMPT * PRICE_IN + COMPLETION * PRICE_OUT) / 1e6)
    assert fake_m["latencyMs"]["p50"] >= DELAY * 1000
    assert (fake_m["failures"], fake_m["refused"]) == ({}, {})
    assert usage["total"]["cost"] == fake_m["cost"]
    assert first["usage"]["total"]["cached"] == 0
    assert report["providers"]["fake"]["cost"] == pytest.approx(fake_m["cost"])  # the same price
