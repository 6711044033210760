"""Model review against a real model server: llama.cpp's llama-server with SmolLM2-135M.

`peer check` (a real process) and the language server (over stdio) send real requests to a
real server: the OpenAI-compatible and Anthropic wire formats, streaming, grammar-constrained
JSON, ``maxOutputTokens``, context overflow and cancellation. The model is too small to
review well, so nothing here asserts what it finds; the tests assert what must hold whatever
it says: the run ends in bounded time with a defined exit code, the server is not asked for
more tokens than ``maxOutputTokens``, only valid answers are cached, an overflow gets one
smaller prompt, a unit edited mid-review cancels its request at the server.

The server and the model come from ``bash .ci/llama`` (tests/llama_server.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import diskcache
import pytest
from llama_server import MODEL_ALIAS, LlamaServer, llama_paths
from lsp_support import (
    PeerClient,
    capabilities,
    document,
    edit,
    initialize_params,
)
from lsprotocol import types

from peer_lsp.llm.cache.answers import CachedAnswer
from peer_lsp.review.answer.parse import parse_answer

pytestmark = pytest.mark.e2e

RUN_TIMEOUT = 240.0
"""A `peer check` run over `SOURCE` takes 10-40 s on two cores; past this it hangs."""
REVIEW_TIMEOUT = 120.0
MAX_OUTPUT_TOKENS = 64

SOURCE = """\
import sqlite3


def find_user(conn, name):
    query = "SELECT * FROM users WHERE name = '%s'" % name
    return conn.execute(query).fetchall()


def total(items):
    return sum(item.price for item in items)
"""


@pytest.fixture(scope="module")
def llama() -> Iterator[LlamaServer]:
    binary, model = llama_paths()
    with LlamaServer(binary, model, context=4096) as server:
        yield server


def _settings(tmp_path: Path, provider: dict[str, Any], **extra: Any) -> Path:
    """A `.peer.toml` for one provider, with the cache and the audit log in ``tmp_path``."""
    lines = [
        "ollamaAutodetect = false",
        f'cacheDir = "{tmp_path / "cache"}"',
        f'auditLog = "{tmp_path / "audit.jsonl"}"',
        *(f"{key} = {json.dumps(value)}" for key, value in extra.items()),
        "",
        "[[providers]]",
        *(f"{key} = {json.dumps(value)}" for key, value in provider.items()),
    ]
    path = tmp_path / ".peer.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _openai(server: LlamaServer, **extra: Any) -> dict[str, Any]:
    return {"preset": "llamacpp", "id": "llama", "baseUrl": f"{server.url}/v1",
            "model": MODEL_ALIAS, **extra}  # fmt: skip


def _check(tmp_path: Path, *arguments: str, env: dict[str, str] | None = None) -> Any:
    """`peer check` as a process, in ``tmp_path``; the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "peer_lsp", "check", *arguments],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        env={**os.environ, **(env or {})},
        check=False,
    )


def _audit(tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _cached_answers(tmp_path: Path) -> list[str]:
    """The text of every answer in the disk cache (answers are JSON bytes under str keys)."""
    with diskcache.Cache(str(tmp_path / "cache")) as cache:
        values = [cache[key] for key in cache.iterkeys() if isinstance(key, str)]
    return [CachedAnswer.from_json(json.loads(value)).text for value in values]


def _asked(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The audit entries of requests that reached the server (not answered by the cache)."""
    return [e for e in entries if e["outcome"] not in ("cached", "refused")]


def _units(entries: list[dict[str, Any]]) -> set[str]:
    """The units the entries' requests asked about (a batch names several)."""
    return {unit for entry in entries for unit in entry["unit"].split(", ")}


def _predicted(server: LlamaServer) -> float:
    return server.metrics()["llamacpp:tokens_predicted_total"]


def test_peer_check_against_the_real_server(llama: LlamaServer, tmp_path: Path) -> None:
    """OpenAI-compatible, streamed, schema-constrained: bounded, honest about failures,
    ``maxOutputTokens`` honoured, only valid answers cached, the cache used the second time."""
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    _settings(tmp_path, _openai(llama, maxOutputTokens=MAX_OUTPUT_TOKENS))
    before = _predicted(llama)

    first = _check(tmp_path, "app.py", "--format", "json")

    assert "Traceback" not in first.stderr, first.stderr
    report = json.loads(first.stdout)
    assert report["summary"]["files"] == 1
    asked = _asked(_audit(tmp_path))
    assert _units(asked) == {"find_user", "total"}
    generated = _predicted(llama) - before
    assert 0 < generated <= len(asked) * MAX_OUTPUT_TOKENS, (generated, len(asked))
    answered = [e for e in asked if e["outcome"] == "sent"]
    failed = [e for e in asked if e["outcome"].startswith("error:")]
    assert len(answered) + len(failed) == len(asked)
    cached = _cached_answers(tmp_path)
    assert all(parse_answer(text).valid for text in cached)
    assert len(cached) == sum(e["units"] for e in answered)  # a batch's units, each its own
    if failed:  # a unit the model could not review is said, never a clean pass
        assert "not reviewed" in first.stderr
        assert first.returncode not in (0, 1), first.returncode
    else:
        assert first.returncode in (0, 1)

    second = _check(tmp_path, "app.py", "--format", "json")

    again = _asked(_audit(tmp_path))[len(asked) :]
    # answered units came from the cache; only those the model failed are asked again
    assert _units(again) == {"find_user", "total"} - _units(answered)
    assert second.returncode == first.returncode
    assert json.loads(second.stdout)["findings"] == report["findings"]


def test_a_summary_from_the_real_server(llama: LlamaServer, tmp_path: Path) -> None:
    """`--summary`: one free-text request (task summary) after the reviews; its answer, as
    the model wrote it, ends stderr for a machine format, and the audit log names the task."""
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    _settings(tmp_path, _openai(llama, maxOutputTokens=MAX_OUTPUT_TOKENS))

    done = _check(tmp_path, "app.py", "--format", "json", "--summary", "--allow-unreviewed")

    assert "Traceback" not in done.stderr, done.stderr
    json.loads(done.stdout)  # the report stays valid JSON
    summaries = [e for e in _audit(tmp_path) if e["task"] == "summary"]
    assert len(summaries) == 1
    if summaries[0]["outcome"] == "sent":
        assert "## Review summary" in done.stderr
    else:  # the small model failed: said, and the run's result stands
        assert "no summary:" in done.stderr


def test_anthropic_wire_format_against_the_real_server(llama: LlamaServer, tmp_path: Path) -> None:
    """The Anthropic Messages API as llama-server serves it: streamed events end to end."""
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    provider = {"preset": "anthropic", "id": "claude", "baseUrl": llama.url,
                "model": MODEL_ALIAS, "maxOutputTokens": MAX_OUTPUT_TOKENS}  # fmt: skip
    # The user's own file (--config): a project file may not send a vendor's key elsewhere.
    settings = _settings(tmp_path, provider)
    before = _predicted(llama)

    run = _check(
        tmp_path, "app.py", "--config", str(settings), env={"ANTHROPIC_API_KEY": "not-checked"}
    )

    assert "Traceback" not in run.stderr, run.stderr
    asked = _asked(_audit(tmp_path))
    assert _units(asked) == {"find_user", "total"}
    assert all(entry["provider"].startswith("claude") for entry in asked)
    assert 0 < _predicted(llama) - before <= len(asked) * MAX_OUTPUT_TOKENS
    assert all(parse_answer(text).valid for text in _cached_answers(tmp_path))


def _long_function(lines: int) -> str:
    body = "\n".join(
        f'    value_{i} = normalise(record["field_{i}"], default={i}, strict=True)'
        for i in range(lines)
    )
    return f"def load(record):\n{body}\n    return value_0\n"


def test_context_overflow_gets_one_smaller_prompt(tmp_path: Path) -> None:
    """A unit too large for the server's context: the real 400 is read as an overflow and the
    prompt is sent once more at half the size, which fits."""
    binary, model = llama_paths()
    (tmp_path / "big.py").write_text(_long_function(40), encoding="utf-8")
    with LlamaServer(binary, model, context=1024) as small:
        _settings(tmp_path, _openai(small, maxOutputTokens=8))

        run = _check(tmp_path, "big.py")

    assert "Traceback" not in run.stderr, run.stderr
    asked = [e for e in _asked(_audit(tmp_path)) if e["unit"] == "load"]
    outcomes = [e["outcome"] for e in asked]
    assert outcomes[0] == "error:context_overflow", outcomes
    assert len(asked) == 2, outcomes
    assert asked[1]["outcome"] != "error:context_overflow", outcomes
    assert asked[1]["estimated_input_tokens"] < asked[0]["estimated_input_tokens"]
    assert all(parse_answer(text).valid for text in _cached_answers(tmp_path))


# -- the language server --------------------------------------------------------------------


@pytest.fixture
def client(vscode_server: PeerClient) -> PeerClient:
    """A server of the test's own, initialised by the test as VS Code."""
    return vscode_server


async def _reviews_settle(client: PeerClient, audit: Path, units: set[str]) -> None:
    """Wait until requests about ``units`` reached the model server and the server went
    quiet, asking ``peer.health`` again after each ``peer/status`` (the wait is registered
    before asking, so that no status is lost)."""
    async with asyncio.timeout(REVIEW_TIMEOUT):
        while True:
            notified = client.protocol.wait_for_notification_async("peer/status")
            health = await client.workspace_execute_command_async(
                types.ExecuteCommandParams("peer.health", [])
            )
            quiet = health["state"] in ("idle", "error") and not health["inFlight"]
            if quiet and _units(_asked(_audit(audit))) >= units:
                return
            await notified


async def test_the_server_reviews_and_cancels_against_the_real_server(
    client: PeerClient, llama: LlamaServer, tmp_path: Path
) -> None:
    """The server reviews on open through the real server, keeps its local findings whatever
    the model says, and an edit to the unit under review cancels the request at the server."""
    params = initialize_params(capabilities("visual_studio_code"), tmp_path)
    params.initialization_options = {
        "providers": [_openai(llama, maxOutputTokens=MAX_OUTPUT_TOKENS)],
        "cacheDir": str(tmp_path / "cache"),
        "auditLog": str(tmp_path / "audit.jsonl"),
        "reviewOn": ["open", "idle"],
        "reviewDebounceMs": 50,
        "ollamaAutodetect": False,
    }
    await client.initialize_session(params)
    path = tmp_path / "app.py"
    uri = path.as_uri()

    client.text_document_did_open(types.DidOpenTextDocumentParams(document(path, SOURCE)))
    await _reviews_settle(client, tmp_path, units={"find_user", "total"})

    local = [d for d in client.diagnostics.get(uri, []) if d.code == "py-sql-format"]
    assert local, client.diagnostics.get(uri)
    health = await client.workspace_execute_command_async(
        types.ExecuteCommandParams("peer.health", [])
    )
    assert health["providers"]["llama"]["calls"] >= 1  # both units, maybe in one request
    assert all(parse_answer(text).valid for text in _cached_answers(tmp_path))

    # A long generation, then an edit to its unit: the server closes the request.
    cancelled = llama.watch("cancel task")
    started = llama.watch("processing task")
    client.workspace_execute_command(types.ExecuteCommandParams("peer.reviewNow", [uri, 9]))
    await asyncio.to_thread(started.wait, REVIEW_TIMEOUT)
    assert started.is_set()
    change = edit((9, 4), (9, 4), "items = list(items)\n    ")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(2, uri), [change])
    )
    assert await asyncio.to_thread(cancelled.wait, REVIEW_TIMEOUT), llama.output[-10:]
    assert llama.alive
