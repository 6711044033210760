"""Explanations where people read them, and model text escaped in hovers (issue 17, point 2).

The real server over stdio, the fake vendor finding ``words[1]``. A client that shows peer's
command results itself (the VS Code extension, the Neovim plugin) gets the explanation as
``peer.explain``'s Markdown result and no message; a client that opens documents
(window/showDocument, as Helix) gets a Markdown file to open; any other client a plain-text
window/showMessage. ``peer.health`` is shown as a one-line message to clients that would show
its result nowhere (Helix's ``:lsp-workspace-command``).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fakes import openai as oa
from fakes import review_format
from fakes.server import FakeServer, Received, Reply
from lsp_support import (
    SERVER_COMMAND,
    TIMEOUT,
    PeerClient,
    action_converter,
    capabilities,
    document,
    initialize_params,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

pytestmark = pytest.mark.e2e

SOURCE = "def first_word(text):\n    words = text.split()\n    return words[1]\n"
INDEX = {
    "severity": "warning",
    "category": "bug",
    "title": "words[1] is the *second* word",
    "message": "Lists start at 0: use `words[0]`, see <https://docs.python.org>.",
    "explanation": "",
    "excerpt": "return words[1]",
    "line": 3,
    "end_line": 3,
    "confidence": 0.85,
    "fix": {"replacement": "    return words[0]", "start_line": 3, "end_line": 3},
}


MODEL_SAYS = "Lists start at 0, so words[1] is the second word of the text."


def review(received: Received) -> Reply:
    if review_format.is_explain(received):  # "Explain this finding" asks the model too
        return oa.stream([MODEL_SAYS[:20], MODEL_SAYS[20:]])
    user = received.json["messages"][-1]["content"]
    text = review_format.answer(user, lambda unit: [INDEX] if "words[1]" in unit else [])
    if received.json.get("stream"):
        return oa.stream([text])
    return oa.ok(text)


class DocumentClient(PeerClient):
    """The test client, answering window/showDocument as Helix does and keeping each URI."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shown: list[str] = []


def _show_document(
    ls: DocumentClient, params: types.ShowDocumentParams
) -> types.ShowDocumentResult:
    ls.shown.append(params.uri)
    return types.ShowDocumentResult(success=True)


def make_document_client() -> DocumentClient:
    client = DocumentClient(converter_factory=action_converter)
    register_lsp_features(
        client, {**DEFAULT_CLIENT_FEATURES, types.WINDOW_SHOW_DOCUMENT: _show_document}
    )
    return client


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[DocumentClient]:
    """A server of the test's own, its user state directory in ``tmp_path / "state"``."""
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    config = ClientServerConfig(
        server_command=SERVER_COMMAND, client_factory=make_document_client, server_env=env
    )
    started = await config.start()
    assert isinstance(started, DocumentClient)
    try:
        yield started
        await started.shutdown_session()
    finally:
        await started.stop()


async def start(
    client: DocumentClient, fake: FakeServer, tmp_path: Path, caps: types.ClientCapabilities
) -> str:
    """Initialise with ``caps``, open the document, and wait for the model's finding."""
    fake.respond_with(review)
    options = {
        "providers": [{"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1"}],
        "cacheDir": str(tmp_path / "cache"),
        "auditLog": str(tmp_path / "audit.jsonl"),
        "reviewOn": ["open"],
        "ollamaAutodetect": False,
    }
    await client.initialize_session(initialize_params(caps, tmp_path, options))
    path = tmp_path / "words.py"
    client.text_document_did_open(types.DidOpenTextDocumentParams(document(path, SOURCE)))
    uri = path.as_uri()
    async with asyncio.timeout(TIMEOUT):
        while not any("second" in d.message for d in client.diagnostics.get(uri, [])):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def fingerprint(client: DocumentClient, uri: str) -> str:
    """The fingerprint the "Explain this finding" action sends for the model's finding."""
    (diagnostic,) = [d for d in client.diagnostics[uri] if "second" in d.message]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            diagnostic.range,
            types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    explain = next(a for a in actions if a.title == "Explain this finding")
    assert isinstance(explain, types.CodeAction)
    assert explain.command is not None
    assert explain.command.command == "peer.explain"
    assert explain.command.arguments is not None
    assert explain.command.arguments[0] == uri
    return str(explain.command.arguments[1])


async def explain(client: DocumentClient, uri: str) -> Any:
    params = types.ExecuteCommandParams("peer.explain", [uri, await fingerprint(client, uri)])
    return await client.workspace_execute_command_async(params)


async def test_a_client_that_shows_results_gets_escaped_markdown_and_no_message(
    client: DocumentClient, fake: FakeServer, tmp_path: Path
) -> None:
    uri = await start(client, fake, tmp_path, capabilities("visual_studio_code"))
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(2, 12))
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    # `[1]` would read as a link reference (Neovim showed "words1"), `*second*` as emphasis;
    # the explanation's code span stays code
    assert hover.contents.value.startswith(
        "**words\\[1\\] is the \\*second\\* word** (bug, `model:bug`)\n\n"
        "Lists start at 0: use `words[0]`, see \\<https://docs.python.org\\>.\n\n"
    ), hover.contents.value

    result = await explain(client, uri)
    assert result["shownAs"] == "result"
    assert result["title"] == "peer: model:bug at words.py:3"
    markdown = result["markdown"]
    assert markdown.startswith("# words\\[1\\] is the \\*second\\* word\n"), markdown
    assert "use `words[0]`" in markdown
    assert "```python\n    return words[0]\n```" in markdown
    # then the model's explanation (not streamed: this client does not declare streams)
    assert markdown.index("```python") < markdown.index("## The model's explanation")
    assert f"## The model's explanation\n\n{MODEL_SAYS}\n\n*{oa.MODEL}*\n" in markdown
    assert result["text"].startswith("words[1] is the *second* word (bug, model:bug)")
    assert client.messages == []  # the client shows the document: no toast of raw markdown
    assert client.shown == []

    await client.workspace_execute_command_async(types.ExecuteCommandParams("peer.health"))
    assert client.messages == []  # the client shows the report itself


async def test_a_client_that_opens_documents_gets_a_markdown_file(
    client: DocumentClient, fake: FakeServer, tmp_path: Path
) -> None:
    """As Helix: it declares window/showDocument and nothing of peer's own."""
    uri = await start(client, fake, tmp_path, capabilities("neovim", plugin=False))
    result = await explain(client, uri)
    assert result["shownAs"] == "document"
    (shown,) = client.shown
    path = Path(shown.removeprefix("file://"))
    assert path.is_relative_to(tmp_path / "state" / "peer-lsp" / "explanations")
    assert path.suffix == ".md"
    assert path.read_text(encoding="utf-8") == result["markdown"]
    assert client.messages == []

    # Helix's `:lsp-workspace-command peer.health` shows nothing of the result: a message does
    await client.workspace_execute_command_async(types.ExecuteCommandParams("peer.health"))
    (message,) = client.messages
    assert message.type == types.MessageType.Info
    assert message.message.startswith("peer: ")
    assert f"; model {oa.MODEL} (fake); " in message.message


async def test_any_other_client_gets_plain_text_messages(
    client: DocumentClient, fake: FakeServer, tmp_path: Path
) -> None:
    uri = await start(client, fake, tmp_path, capabilities("eglot"))
    result = await explain(client, uri)
    assert result["shownAs"] == "message"
    (message,) = client.messages
    assert message.type == types.MessageType.Info
    assert message.message == result["text"]
    assert message.message.startswith("words[1] is the *second* word (bug, model:bug)\n\n")
    assert message.message.endswith(f"The model's explanation ({oa.MODEL}):\n\n{MODEL_SAYS}")
    assert "**" not in message.message
    assert "`" not in message.message.replace("`words[0]`", "")  # the model's own span stays

    client.messages.clear()
    await client.workspace_execute_command_async(types.ExecuteCommandParams("peer.health"))
    (message,) = client.messages
    assert message.message.startswith("peer: ")
    assert f"; model {oa.MODEL} (fake); " in message.message
    assert "fake: breaker closed, 2 calls, 100% success" in message.message  # review, explain
    assert "\n" not in message.message
