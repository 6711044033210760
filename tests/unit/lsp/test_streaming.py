"""`peer_lsp.lsp.streaming` on a real server object whose notifications are recorded: the
first piece goes at once, later ones are coalesced, a retry resets the view, a closed
stream sends nothing more, and cancelling stops the work."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest

from peer_lsp.lsp import streaming
from peer_lsp.lsp.language_server import PeerLanguageServer


class RecordingServer(PeerLanguageServer):
    """The real server state, its notifications recorded instead of written to a pipe."""

    def __init__(self, streams: bool = True) -> None:
        super().__init__()
        self.client = dataclasses.replace(self.client, streams=streams)
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.sent_event = asyncio.Event()

    def notify(self, method: str, params: object) -> None:
        assert isinstance(params, dict)
        self.sent.append((method, params))
        self.sent_event.set()

    def appends(self) -> list[dict[str, Any]]:
        return [params for method, params in self.sent if method == streaming.APPEND]


async def test_the_first_piece_is_sent_at_once_and_the_rest_coalesced() -> None:
    ls = RecordingServer()
    stream = await streaming.open_stream(ls, kind="explanation", title="t", language_id="markdown")
    assert ls.sent[0] == (
        streaming.OPEN,
        {"id": stream.id, "kind": "explanation", "title": "t", "languageId": "markdown"},
    )
    stream.on_text("a")
    assert ls.appends() == [{"id": stream.id, "text": "a"}]  # no waiting for the first
    for piece in "bcdef":
        stream.on_text(piece)
    assert len(ls.appends()) == 1  # the rest waits for the quiet period
    ls.sent_event.clear()
    async with asyncio.timeout(5):
        await ls.sent_event.wait()
    assert ls.appends()[1] == {"id": stream.id, "text": "bcdef"}
    await stream.close("done")
    assert ls.sent[-1] == (streaming.CLOSE, {"id": stream.id, "status": "done"})
    stream.on_text("late")
    assert ls.sent[-1][0] == streaming.CLOSE
    assert stream.text == "abcdef"


async def test_close_sends_what_is_pending_first() -> None:
    ls = RecordingServer()
    stream = await streaming.open_stream(ls, kind="test", title="t", language_id="python")
    stream.on_text("x")
    stream.on_text("y")
    await stream.close("failed", "the provider failed")
    methods = [method for method, _ in ls.sent]
    assert methods == [streaming.OPEN, streaming.APPEND, streaming.APPEND, streaming.CLOSE]
    assert ls.appends()[1]["text"] == "y"
    assert ls.sent[-1][1]["message"] == "the provider failed"


async def test_a_retry_resets_the_view() -> None:
    ls = RecordingServer()
    stream = await streaming.open_stream(ls, kind="test", title="t", language_id="go")
    stream.on_text("half")
    stream.on_restart()
    stream.on_text("whole")
    await stream.close("done")
    assert ls.appends()[-1] == {"id": stream.id, "text": "whole", "reset": True}
    assert stream.text == "whole"


async def test_a_client_without_the_capability_is_sent_nothing() -> None:
    ls = RecordingServer(streams=False)
    stream = await streaming.open_stream(ls, kind="test", title="t", language_id="go")
    stream.on_text("all of it")
    await stream.close("done")
    assert ls.sent == []
    assert stream.text == "all of it"


async def test_stream_cancel_stops_the_work() -> None:
    ls = RecordingServer()
    stream = await streaming.open_stream(ls, kind="explanation", title="t", language_id="md")
    started, stopped = asyncio.Event(), asyncio.Event()

    async def work() -> str:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()
        return "never"

    waiting = asyncio.ensure_future(streaming.until_cancelled(stream, work()))
    async with asyncio.timeout(5):
        await started.wait()
    streaming.cancel(ls, {"id": stream.id})
    async with asyncio.timeout(5):
        assert await waiting is None
    assert stopped.is_set()


async def test_finished_work_is_returned() -> None:
    ls = RecordingServer()
    stream = await streaming.open_stream(ls, kind="explanation", title="t", language_id="md")

    async def work() -> str:
        return "answer"

    assert await streaming.until_cancelled(stream, work()) == "answer"


async def test_cancelling_the_command_cancels_the_work() -> None:
    ls = RecordingServer()
    stream = await streaming.open_stream(ls, kind="explanation", title="t", language_id="md")
    started, stopped = asyncio.Event(), asyncio.Event()

    async def work() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()

    command = asyncio.ensure_future(streaming.until_cancelled(stream, work()))
    async with asyncio.timeout(5):
        await started.wait()
    command.cancel()
    with pytest.raises(asyncio.CancelledError):
        await command
    async with asyncio.timeout(5):
        await stopped.wait()


async def test_cancel_of_an_unknown_stream_is_ignored() -> None:
    ls = RecordingServer()
    streaming.cancel(ls, {"id": "nope"})
    streaming.cancel(ls, object())
    assert ls.sent == []


async def test_text_sent_at_once_does_not_delay_the_next_piece() -> None:
    ls = RecordingServer()
    stream = await streaming.open_stream(ls, kind="explanation", title="t", language_id="md")
    stream.append("# the finding\n", at_once=True)
    stream.on_text("The model")  # its first piece: no quiet period opened by the heading
    assert [a["text"] for a in ls.appends()] == ["# the finding\n", "The model"]
    stream.on_text(" says")
    assert len(ls.appends()) == 2  # later pieces are coalesced again
    await stream.close("done")
    assert ls.appends()[-1]["text"] == " says"
