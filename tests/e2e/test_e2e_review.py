"""Model review end to end: the real server over stdio, the fake vendor over HTTP.

The server is configured through initializationOptions to use the fake OpenAI-compatible
vendor (tests/fakes) running in this process; the fake answers per unit and records what
it received, so the tests can say exactly which units were sent.
"""

from __future__ import annotations

import asyncio
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

SOURCE = (
    "import ast\nimport os\n\ndef risky(expr):\n    return eval(expr)\n\n\n"
    "def safe(x):\n    return x + 1\n"
)
FIXED = SOURCE.replace("return eval(expr)", "return ast.literal_eval(expr)")
EVAL_FINDING = {
    "severity": "error",
    "category": "security",
    "title": "eval on caller input",
    "message": "eval executes arbitrary code from expr.",
    "explanation": "Use `ast.literal_eval` for literals.",
    "excerpt": "return eval(expr)",
    "line": 2,
    "end_line": 2,
    "confidence": 0.9,
    "fix": {"replacement": "    return ast.literal_eval(expr)", "start_line": 2, "end_line": 2},
}


def answer(received: Received) -> Reply:
    """One finding for the unit that calls eval, none for the others."""
    user = received.json["messages"][-1]["content"]
    text = review_format.answer(user, lambda unit: [EVAL_FINDING] if "eval(expr)" in unit else [])
    if received.json.get("stream"):
        return oa.stream([text[: len(text) // 2], text[len(text) // 2 :]])
    return oa.ok(text)


def units_sent(fake: FakeServer) -> list[str]:
    """The units the fake was asked about, alone or in batches, in order."""
    return [
        "risky" if "def risky" in unit else "safe" if "def safe" in unit else "?"
        for unit in review_format.units_asked(fake.requests)
    ]


def open_params(path: Path, text: str, version: int = 1) -> types.DidOpenTextDocumentParams:
    return types.DidOpenTextDocumentParams(document(path, text, version=version))


async def start(
    client: PeerClient, fake: FakeServer, tmp_path: Path, **extra: Any
) -> tuple[Path, types.InitializeResult]:
    options = {
        "providers": [{"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1"}],
        "cacheDir": str(tmp_path / "cache"),
        "auditLog": str(tmp_path / "audit.jsonl"),
        "reviewOn": ["open", "idle"],
        "reviewDebounceMs": 50,
        "ollamaAutodetect": False,
        # py-eval flags the same eval: merged, the rule's finding would be shown (with the
        # model's fix); these tests follow the model's own (tests/unit/check/test_check_gate)
        "disableRules": ["py-eval"],
        **extra,
    }
    params = initialize_params(capabilities("visual_studio_code"), tmp_path)
    params.initialization_options = options
    result = await client.initialize_session(params)
    return tmp_path / "app.py", result


async def diagnostics_where(
    client: PeerClient, uri: str, condition: Callable[[list[types.Diagnostic]], bool]
) -> list[types.Diagnostic]:
    """Wait for pushed diagnostics of ``uri`` that satisfy ``condition``."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            current = list(client.diagnostics.get(uri, []))
            if condition(current):
                return current
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


def model_diagnostics(diagnostics: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diagnostics if "% confident)" in d.message]


async def wait_for(fake: FakeServer, condition: Callable[[], bool]) -> None:
    assert await asyncio.to_thread(fake.wait_until, condition, TIMEOUT)


@pytest.fixture
def client(vscode_server: PeerClient) -> PeerClient:
    """A server of the test's own, initialised by the test as VS Code."""
    return vscode_server


@pytest.fixture
def reviewing_fake(fake: FakeServer) -> FakeServer:
    fake.respond_with(answer)
    return fake


async def test_findings_arrive_with_confidence_and_a_verified_fix(
    client: PeerClient, reviewing_fake: FakeServer, tmp_path: Path
) -> None:
    path, _ = await start(client, reviewing_fake, tmp_path)
    uri = path.as_uri()
    client.text_document_did_open(open_params(path, SOURCE))
    found = await diagnostics_where(client, uri, lambda d: bool(model_diagnostics(d)))
    (diagnostic,) = model_diagnostics(found)
    assert diagnostic.message.startswith("eval on caller input (")
    assert diagnostic.range.start.line == 4
    assert diagnostic.source == "peer"
    assert isinstance(diagnostic.data, dict)
    assert diagnostic.data["model"] == oa.MODEL  # the model that served the answer
    assert diagnostic.data["hasFix"] is True
    assert 0.5 <= diagnostic.data["confidence"] <= 0.99
    await wait_for(reviewing_fake, lambda: len(units_sent(reviewing_fake)) == 2)
    assert sorted(units_sent(reviewing_fake)) == ["risky", "safe"]
    assert len(reviewing_fake.requests) == 1  # one request for the two units

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            diagnostic.range,
            types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Fix"))
    assert fix.edit is None  # computed lazily
    resolved = await client.code_action_resolve_async(fix)
    assert resolved.edit is not None
    assert resolved.edit.document_changes is not None
    (change,) = resolved.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    (text_edit,) = change.edits
    assert isinstance(text_edit, types.TextEdit)
    lines = SOURCE.splitlines(keepends=True)
    first = sum(len(x) for x in lines[: text_edit.range.start.line])
    first += text_edit.range.start.character
    last = sum(len(x) for x in lines[: text_edit.range.end.line]) + text_edit.range.end.character
    assert SOURCE[:first] + text_edit.new_text + SOURCE[last:] == FIXED

    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(4, 12))
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert "Confidence: `" in hover.contents.value
    assert "Fix: verified" in hover.contents.value


async def test_an_edit_sends_only_the_changed_unit_and_reopening_uses_the_cache(
    client: PeerClient, reviewing_fake: FakeServer, tmp_path: Path
) -> None:
    path, _ = await start(client, reviewing_fake, tmp_path)
    uri = path.as_uri()
    client.text_document_did_open(open_params(path, SOURCE))
    await wait_for(reviewing_fake, lambda: len(units_sent(reviewing_fake)) == 2)
    await diagnostics_where(client, uri, lambda d: bool(model_diagnostics(d)))

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(2, uri), [edit((8, 15), (8, 16), "2")]
        )
    )
    await wait_for(reviewing_fake, lambda: len(units_sent(reviewing_fake)) == 3)
    assert units_sent(reviewing_fake)[2] == "safe"
    assert "return x + 2" in review_format.units_asked(reviewing_fake.requests)[2]

    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    client.text_document_did_open(open_params(path, SOURCE, version=3))
    found = await diagnostics_where(client, uri, lambda d: bool(model_diagnostics(d)))
    assert len(model_diagnostics(found)) == 1
    health = await client.workspace_execute_command_async(types.ExecuteCommandParams("peer.health"))
    assert health["cacheHitRate"] > 0
    assert len(units_sent(reviewing_fake)) == 3  # the reopened file came from the cache


async def test_an_ignore_comment_suppresses_the_finding(
    client: PeerClient, reviewing_fake: FakeServer, tmp_path: Path
) -> None:
    path, _ = await start(client, reviewing_fake, tmp_path)
    uri = path.as_uri()
    ignored = SOURCE.replace(
        "    return eval(expr)", "    # peer: ignore[model:security]\n    return eval(expr)"
    )
    client.text_document_did_open(open_params(path, ignored))
    await wait_for(reviewing_fake, lambda: len(units_sent(reviewing_fake)) == 2)
    await wait_for(reviewing_fake, lambda: all(r.completed for r in reviewing_fake.requests))
    await client.workspace_execute_command_async(types.ExecuteCommandParams("peer.health"))
    assert model_diagnostics(list(client.diagnostics.get(uri, []))) == []


async def test_a_failing_provider_leaves_local_diagnostics_and_says_so(
    client: PeerClient, fake: FakeServer, tmp_path: Path
) -> None:
    fake.respond_with(oa.error(500, "server_error", message="down"))
    path, _ = await start(client, fake, tmp_path)
    uri = path.as_uri()
    client.text_document_did_open(open_params(path, SOURCE + "print((1\n"))
    found = await diagnostics_where(client, uri, bool)
    assert any(d.code == "syntax-error" for d in found)
    async with asyncio.timeout(TIMEOUT):
        while True:  # the wait is registered before asking, so that no status is lost
            notified = client.protocol.wait_for_notification_async("peer/status")
            health = await client.workspace_execute_command_async(
                types.ExecuteCommandParams("peer.health")
            )
            if health["state"] == "error":
                break
            await notified
    assert "HTTP 500" in health["detail"]


async def test_after_a_pause_a_unit_that_does_not_parse_waits_until_it_does(
    client: PeerClient, reviewing_fake: FakeServer, tmp_path: Path
) -> None:
    """Half-typed code is not sent after a pause in typing (the syntax findings already say
    what is wrong with it); once it parses, the next pause sends it."""
    path, _ = await start(client, reviewing_fake, tmp_path)
    uri = path.as_uri()
    client.text_document_did_open(open_params(path, SOURCE))
    await wait_for(reviewing_fake, lambda: len(units_sent(reviewing_fake)) == 2)

    def change(version: int, at: tuple[int, int], text: str) -> None:
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version, uri), [edit(at, at, text)]
            )
        )

    change(2, (8, 11), "(")  # safe: `return (x + 1`, half typed
    change(3, (4, 20), ".strip()")  # risky: `return eval(expr.strip())`, parses
    await wait_for(reviewing_fake, lambda: len(units_sent(reviewing_fake)) == 3)
    assert units_sent(reviewing_fake)[2] == "risky"  # alone: safe waits
    assert len(reviewing_fake.requests) == 2

    change(4, (8, 17), ")")  # safe: `return (x + 1)`
    await wait_for(reviewing_fake, lambda: len(units_sent(reviewing_fake)) == 4)
    assert units_sent(reviewing_fake)[3] == "safe"
    assert "return (x + 1)" in review_format.units_asked(reviewing_fake.requests)[3]
