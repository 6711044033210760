"""Text that reaches an editor's view while a model writes it: explanations, suggested tests.

A client that declares ``experimental.peer.streams`` (the VS Code extension, the Neovim
plugin) is sent ``peer/streamOpen`` once, ``peer/streamAppend`` as the text arrives (the
first piece at once, later ones coalesced to one notification per `COALESCE_SECONDS`, so a
fast model does not flood the pipe), and ``peer/streamClose`` with how it ended. It stops
the work by sending ``peer/streamCancel`` (the user closed the view) or, as any client can,
``window/workDoneProgress/cancel`` for the stream's progress token: both set
`TextStream.cancelled`, which the command awaits beside the model call.

A `TextStream` is also a `peer_lsp.llm.streams.TextListener`, so the router feeds it
directly; a retry makes the next append carry ``reset``: the view drops what it showed.
"""

from __future__ import annotations

import asyncio
import logging
import typing
import uuid
import weakref

from lsprotocol import types

from peer_lsp.lsp.language_server import PeerLanguageServer

log = logging.getLogger(__name__)

OPEN = "peer/streamOpen"
APPEND = "peer/streamAppend"
CLOSE = "peer/streamClose"
CANCEL = "peer/streamCancel"

COALESCE_SECONDS = 0.03
"""Longest a piece of text waits to be sent with the next ones."""

T = typing.TypeVar("T")
Status = typing.Literal["done", "cancelled", "failed"]

_open: weakref.WeakKeyDictionary[PeerLanguageServer, dict[str, TextStream]] = (
    weakref.WeakKeyDictionary()
)


class TextStream:
    """One view the client shows while its text arrives; see the module docstring."""

    def __init__(self, ls: PeerLanguageServer, kind: str, streamed: bool) -> None:
        self.id = uuid.uuid4().hex[:12]
        self.kind = kind
        self.streamed = streamed
        """Whether the client is sent the text as it arrives (it declared the capability)."""
        self.cancelled = asyncio.Event()
        self.text = ""
        """Everything appended since the last reset: the whole text once closed."""
        self.closed = False
        self._ls = ls
        self._pending: list[str] = []
        self._reset = False
        self._flush_at: asyncio.TimerHandle | None = None
        self._progress: str | None = None

    # -- TextListener ------------------------------------------------------------------------

    def on_text(self, delta: str) -> None:
        self.append(delta)

    def on_restart(self) -> None:
        """A retry began: the view drops what it showed, with the next append."""
        self.text = ""
        self._pending.clear()
        self._reset = True

    # -- the view ----------------------------------------------------------------------------

    def append(self, text: str, *, at_once: bool = False) -> None:
        """Add ``text``: sent at once when nothing was sent lately, else with the next batch.
        ``at_once``: sent now without delaying what follows (what the server knew before
        the model started: the model's first piece must not wait behind it)."""
        if self.closed or not text:
            return
        self.text += text
        if not self.streamed:
            return
        self._pending.append(text)
        if at_once:
            self._flush()
        elif self._flush_at is None:
            self._flush()
            self._flush_at = asyncio.get_running_loop().call_later(
                COALESCE_SECONDS, self._quiet_period_over
            )

    async def close(self, status: Status, message: str | None = None) -> None:
        """End the stream: what is pending is sent, then how it ended."""
        if self.closed:
            return
        if self._flush_at is not None:
            self._flush_at.cancel()
            self._flush_at = None
        self._flush()
        self.closed = True
        _open.get(self._ls, {}).pop(self.id, None)
        if self.streamed:
            params: dict[str, object] = {"id": self.id, "status": status}
            if message:
                params["message"] = message
            self._ls.notify(CLOSE, params)
        self._end_progress(message or status)

    def _quiet_period_over(self) -> None:
        self._flush_at = None
        if self._pending or self._reset:
            self._flush()
            self._flush_at = asyncio.get_running_loop().call_later(
                COALESCE_SECONDS, self._quiet_period_over
            )

    def _flush(self) -> None:
        if not self.streamed or not (self._pending or self._reset):
            return
        params: dict[str, object] = {"id": self.id, "text": "".join(self._pending)}
        if self._reset:
            params["reset"] = True
        self._pending.clear()
        self._reset = False
        self._ls.notify(APPEND, params)
        if self._progress is not None:
            report = types.WorkDoneProgressReport(message=f"{len(self.text):,} characters")
            self._ls.work_done_progress.report(self._progress, report)

    # -- progress ----------------------------------------------------------------------------

    async def begin_progress(self, title: str) -> None:
        """$/progress for the stream, when the client takes it; its cancel cancels."""
        if not self._ls.client.work_done_progress:
            return
        token = f"peer-{self.kind}-{self.id}"
        progress = self._ls.work_done_progress
        try:
            await progress.create_async(token)
        except Exception as error:  # refused or unanswered: progress is optional
            log.info("no progress for %s: %s", token, error)
            return
        if self.closed:
            progress.tokens.pop(token, None)
            return
        progress.tokens[token].add_done_callback(lambda _f: self.cancelled.set())
        begin = types.WorkDoneProgressBegin(title=title, cancellable=True)
        progress.begin(token, begin)
        self._progress = token

    def _end_progress(self, message: str) -> None:
        if self._progress is None:
            return
        progress = self._ls.work_done_progress
        progress.end(self._progress, types.WorkDoneProgressEnd(message=message))
        progress.tokens.pop(self._progress, None)  # pygls keeps every token otherwise
        self._progress = None


async def open_stream(
    ls: PeerLanguageServer,
    *,
    kind: str,
    title: str,
    language_id: str,
    suggested_name: str | None = None,
) -> TextStream:
    """A new stream, opened in the client's view when it shows streams, with progress."""
    stream = TextStream(ls, kind, streamed=ls.client.streams)
    _open.setdefault(ls, {})[stream.id] = stream
    if stream.streamed:
        params: dict[str, object] = {
            "id": stream.id,
            "kind": kind,
            "title": title,
            "languageId": language_id,
        }
        if suggested_name:
            params["suggestedName"] = suggested_name
        ls.notify(OPEN, params)
    task = asyncio.ensure_future(stream.begin_progress(title))
    _progress_tasks.add(task)
    task.add_done_callback(_progress_tasks.discard)
    return stream


_progress_tasks: set[asyncio.Future[None]] = set()


def cancel(ls: PeerLanguageServer, params: object) -> None:
    """``peer/streamCancel {id}``: the user closed the view."""
    stream_id = params.get("id") if isinstance(params, dict) else getattr(params, "id", None)
    stream = _open.get(ls, {}).get(str(stream_id))
    if stream is None:
        log.info("%s for a stream that is not open: %r", CANCEL, stream_id)
        return
    stream.cancelled.set()


async def until_cancelled(stream: TextStream, work: typing.Awaitable[T]) -> T | None:
    """``work``'s result, or None once the stream is cancelled (``work`` is cancelled then:
    the model call it makes hangs up)."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stream.cancelled.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:  # the command itself was cancelled ($/cancelRequest)
        task.cancel()
        raise
    finally:
        waiter.cancel()
    if task.done():
        return task.result()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        if not stream.cancelled.is_set():
            raise
    return None


def register(server: PeerLanguageServer) -> None:
    server.feature(CANCEL)(cancel)
