"""Explanations by the model, streamed (issue 18, point 1): the real server over stdio, the
fake vendor finding ``words[1]`` and then explaining it.

A client that declares ``experimental.peer.streams`` is sent the finding's document at once,
then the model's text as it arrives (the fake holds the rest of its answer until the test
lets it go, so "before the answer is complete" is seen, not timed), with $/progress reports;
``peer/streamCancel`` and ``window/workDoneProgress/cancel`` stop the model (the fake sees
the connection closed); a second explanation of the same finding comes from the cache and
sends nothing. A failing provider leaves the document with a line saying why; a retry
resets the view to the document and the new answer. Clients without the capability get the
whole text at the end, as before; without a model, the document is all there is.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from fakes import openai as oa
from fakes import review_format
from fakes.server import FakeServer, Gate, Received, Reply
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
from pytest_lsp.client import register_lsp_features
from test_e2e_explain import INDEX, SOURCE

pytestmark = pytest.mark.e2e

PIECES = ["Indexing begins ", "at zero, so `words[1]` ", "is the second word."]
ANSWER = "".join(PIECES)


def field(params: Any, name: str) -> Any:
    """A field of a notification's params, whether pygls gives a dict or an object."""
    return params.get(name) if isinstance(params, dict) else getattr(params, name, None)


class StreamClient(PeerClient):
    """The test client, keeping what the server streams, in order."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream_events: list[tuple[str, dict[str, Any]]] = []
        self.changed = asyncio.Event()

    def record(self, method: str, params: Any) -> None:
        keys = ("id", "kind", "title", "languageId", "text", "reset", "status", "message")
        values = {key: field(params, key) for key in keys}
        self.stream_events.append((method, {k: v for k, v in values.items() if v is not None}))
        self.changed.set()

    def of(self, method: str) -> list[dict[str, Any]]:
        return [params for m, params in self.stream_events if m == method]

    def shown(self, stream_id: str) -> str:
        """The text a view shows after the appends so far (a reset drops what came before)."""
        text = ""
        for params in self.of("peer/streamAppend"):
            if params["id"] == stream_id:
                text = ("" if params.get("reset") else text) + params["text"]
        return text

    async def until(self, condition: Any) -> None:
        async with asyncio.timeout(TIMEOUT):
            while not condition():
                self.changed.clear()
                await self.changed.wait()


def make_client() -> StreamClient:
    client = StreamClient(converter_factory=action_converter)
    register_lsp_features(client)
    for method in ("peer/streamOpen", "peer/streamAppend", "peer/streamClose"):

        def handler(ls: StreamClient, params: Any, method: str = method) -> None:
            ls.record(method, params)

        client.feature(method)(handler)
    return client


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[StreamClient]:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    config = ClientServerConfig(
        server_command=SERVER_COMMAND, client_factory=make_client, server_env=env
    )
    started = await config.start()
    assert isinstance(started, StreamClient)
    try:
        yield started
        await started.shutdown_session()
    finally:
        await started.stop()


@pytest.fixture
def gate(fake: FakeServer) -> Iterator[Gate]:
    """A gate for the fake's explanation, opened when the test ends (a test that fails with
    the answer held does not leave the server waiting on it)."""
    opened = fake.gate()
    yield opened
    opened.open()


@dataclasses.dataclass
class Model:
    """The fake's answers: reviews find ``words[1]``; explanations are ``PIECES``, held after
    the first piece until ``gate`` opens (when there is one), or ``explain_reply``."""

    gate: Gate | None = None
    explain_reply: Reply | None = None
    first: list[Reply] = dataclasses.field(default_factory=list)
    """Replies to the first explanation requests, before the usual one."""

    def __call__(self, received: Received) -> Reply:
        if review_format.is_explain(received):
            if self.first:
                return self.first.pop(0)
            if self.explain_reply is not None:
                return self.explain_reply
            reply = oa.stream(PIECES)
            if self.gate is None:
                return reply
            return dataclasses.replace(reply, paused=self.gate, pause_after=2)  # role, piece 1
        user = received.json["messages"][-1]["content"]
        text = review_format.answer(user, lambda unit: [INDEX] if "words[1]" in unit else [])
        return oa.stream([text]) if received.json.get("stream") else oa.ok(text)


def streaming_caps(editor: str = "visual_studio_code") -> types.ClientCapabilities:
    caps = capabilities(editor)
    peer = {"showsCommandResults": True, "streams": True}
    return attrs.evolve(caps, experimental={"peer": peer})


async def start(
    client: StreamClient,
    fake: FakeServer,
    tmp_path: Path,
    caps: types.ClientCapabilities,
    model: Model,
) -> str:
    fake.respond_with(model)
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


def explain_params(client: StreamClient, uri: str) -> types.ExecuteCommandParams:
    (diagnostic,) = [d for d in client.diagnostics[uri] if "second" in d.message]
    assert isinstance(diagnostic.data, dict)
    return types.ExecuteCommandParams("peer.explain", [uri, diagnostic.data["fingerprint"]])


def explanations(fake: FakeServer) -> list[Received]:
    return [r for r in fake.requests if review_format.is_explain(r)]


async def test_the_answer_streams_in_order_before_it_is_complete_then_comes_from_the_cache(
    client: StreamClient, fake: FakeServer, tmp_path: Path, gate: Gate
) -> None:
    model = Model(gate=gate)
    uri = await start(client, fake, tmp_path, streaming_caps(), model)
    command = asyncio.ensure_future(
        client.workspace_execute_command_async(explain_params(client, uri))
    )
    await client.until(lambda: client.of("peer/streamOpen"))
    (opened,) = client.of("peer/streamOpen")
    assert opened["kind"] == "explanation"
    assert opened["languageId"] == "markdown"
    assert opened["title"] == "peer: model:bug at words.py:3"
    stream = opened["id"]
    await client.until(lambda: PIECES[0] in client.shown(stream))

    # the start of the answer is on screen while the model is still writing
    (asked,) = explanations(fake)
    assert not asked.completed
    assert not command.done()
    shown = client.shown(stream)
    assert shown.startswith("# words\\[1\\] is the \\*second\\* word\n")  # the document first
    assert shown.index("## The model's explanation") < shown.index(PIECES[0])
    assert PIECES[1] not in shown

    assert model.gate is not None
    model.gate.open()
    async with asyncio.timeout(TIMEOUT):
        result = await command
    assert result["shownAs"] == "stream"
    assert result["status"] == "done"
    assert client.of("peer/streamClose") == [{"id": stream, "status": "done"}]
    assert client.shown(stream) == result["markdown"]
    markdown = result["markdown"]
    assert ANSWER in markdown
    assert markdown.rstrip().endswith(f"*{oa.MODEL}*")
    assert ANSWER in result["text"]
    assert client.messages == []

    # $/progress: begun, reported as the text came, ended
    (reports,) = [r for t, r in client.progress_reports.items() if str(t).endswith(stream)]
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert reports[0].cancellable
    assert any(isinstance(r, types.WorkDoneProgressReport) for r in reports)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)

    # asked again: from the cache, at once, nothing sent
    client.stream_events.clear()
    async with asyncio.timeout(TIMEOUT):
        again = await client.workspace_execute_command_async(explain_params(client, uri))
    assert len(explanations(fake)) == 1
    assert again["status"] == "done"
    assert ANSWER in again["markdown"]
    assert again["markdown"].rstrip().endswith(f"*{oa.MODEL}, from the cache*")


@pytest.mark.parametrize("how", ["peer/streamCancel", "window/workDoneProgress/cancel"])
async def test_cancelling_stops_the_model(
    client: StreamClient, fake: FakeServer, tmp_path: Path, gate: Gate, how: str
) -> None:
    model = Model(gate=gate)  # not opened before the end: only a cancel ends the answer
    uri = await start(client, fake, tmp_path, streaming_caps(), model)
    command = asyncio.ensure_future(
        client.workspace_execute_command_async(explain_params(client, uri))
    )
    await client.until(lambda: client.of("peer/streamOpen"))
    stream = client.of("peer/streamOpen")[0]["id"]
    await client.until(lambda: PIECES[0] in client.shown(stream))
    if how == "peer/streamCancel":
        client.protocol.notify("peer/streamCancel", {"id": stream})
    else:
        token = next(t for t in client.progress_reports if str(t).endswith(stream))
        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token))
    async with asyncio.timeout(TIMEOUT):
        result = await command
    assert result["status"] == "cancelled"
    assert client.of("peer/streamClose") == [{"id": stream, "status": "cancelled"}]
    (asked,) = explanations(fake)
    assert await asyncio.to_thread(fake.wait_until, lambda: asked.disconnected, TIMEOUT)
    assert not asked.completed
    assert PIECES[1] not in result["markdown"]


async def test_a_failing_provider_leaves_the_document_and_says_why(
    client: StreamClient, fake: FakeServer, tmp_path: Path
) -> None:
    failing = oa.error(400, message="The model `m` does not exist.")
    uri = await start(client, fake, tmp_path, streaming_caps(), Model(explain_reply=failing))
    async with asyncio.timeout(TIMEOUT):
        result = await client.workspace_execute_command_async(explain_params(client, uri))
    assert result["status"] == "failed"
    stream = client.of("peer/streamOpen")[0]["id"]
    shown = client.shown(stream)
    assert shown.startswith("# words\\[1\\] is the \\*second\\* word\n")
    assert "**No explanation from the model:**" in shown
    assert "does not exist" in shown
    (closed,) = client.of("peer/streamClose")
    assert closed["status"] == "failed"
    assert "does not exist" in closed["message"]


async def test_a_client_without_streams_gets_the_whole_answer_at_the_end(
    client: StreamClient, fake: FakeServer, tmp_path: Path
) -> None:
    """As eglot: no peer capability, no window/showDocument: one plain-text message."""
    uri = await start(client, fake, tmp_path, capabilities("eglot"), Model())
    async with asyncio.timeout(TIMEOUT):
        result = await client.workspace_execute_command_async(explain_params(client, uri))
    assert result["shownAs"] == "message"
    assert client.stream_events == []
    (message,) = client.messages
    assert message.message == result["text"]
    assert message.message.startswith("words[1] is the *second* word (bug, model:bug)")
    assert ANSWER in message.message
    assert ANSWER in result["markdown"]


async def test_a_retry_shows_the_document_again_then_the_new_answer(
    client: StreamClient, fake: FakeServer, tmp_path: Path
) -> None:
    """The first answer breaks off half-way (a server error in the stream): the router tries
    again, the view is reset, and shows the document and the second answer only."""
    broken = oa.mid_stream_error(("Half an ", "answer, then"))
    uri = await start(client, fake, tmp_path, streaming_caps(), Model(first=[broken]))
    async with asyncio.timeout(TIMEOUT):
        result = await client.workspace_execute_command_async(explain_params(client, uri))
    assert result["status"] == "done"
    assert len(explanations(fake)) == 2
    stream = client.of("peer/streamOpen")[0]["id"]
    assert any(a.get("reset") for a in client.of("peer/streamAppend"))
    shown = client.shown(stream)
    assert shown == result["markdown"]
    assert shown.startswith("# words\\[1\\] is the \\*second\\* word\n")
    assert shown.count("## The model's explanation") == 1
    assert "Half an" not in shown
    assert ANSWER in shown


async def test_without_a_model_the_document_is_all_there_is(
    client: StreamClient, tmp_path: Path
) -> None:
    options = {"ollamaAutodetect": False, "auditLog": str(tmp_path / "audit.jsonl")}
    await client.initialize_session(initialize_params(streaming_caps(), tmp_path, options))
    path = tmp_path / "calc.py"
    source = "def calculate(expr):\n    return eval(expr)\n"
    client.text_document_did_open(types.DidOpenTextDocumentParams(document(path, source)))
    uri = path.as_uri()
    async with asyncio.timeout(TIMEOUT):
        while not any(d.code == "py-eval" for d in client.diagnostics.get(uri, [])):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    (diagnostic,) = [d for d in client.diagnostics[uri] if d.code == "py-eval"]
    assert isinstance(diagnostic.data, dict)
    params = types.ExecuteCommandParams("peer.explain", [uri, diagnostic.data["fingerprint"]])
    async with asyncio.timeout(TIMEOUT):
        result = await client.workspace_execute_command_async(params)
    assert result["shownAs"] == "result"
    assert "The model's explanation" not in result["markdown"]
    assert client.stream_events == []
