"""A real local HTTP/1.1 server that plays language-model vendors, scripted per test.

It listens on 127.0.0.1 on a free port, in a thread with its own event loop, so tests on any
event loop (or none) can use it. Each request is recorded (`Received`: path, headers, body,
and whether the client hung up before the answer was complete). Replies come from a queue of
scripted `Reply`s, optionally matched per request, else from a default responder. A reply can
be delayed (first byte, between chunks), streamed chunk by chunk (chunked transfer encoding),
cut off mid-stream, or never sent at all.

Vendor-specific builders (tests/fakes/<vendor>.py) produce `Reply`s in each wire format.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import selectors
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

Responder = Callable[["Received"], "Reply"]


@dataclass
class Reply:
    """One scripted answer.

    ``body`` is sent whole (a dict is JSON-encoded); ``chunks`` are streamed one by one.
    ``cut_after`` closes the connection after that many chunks, without finishing the
    chunked body. ``hang`` never answers: the server waits for the client to give up.
    ``held`` keeps the reply until the test opens that `Gate` (`FakeServer.gate`);
    ``paused`` sends the first ``pause_after`` chunks, then keeps the rest until the test
    opens that gate: an answer caught half-way, to see what the client made of its start.
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | str | dict[str, Any] | list[Any] | None = None
    chunks: list[bytes | str] | None = None
    content_type: str = "application/json"
    first_byte_delay: float = 0.0
    chunk_delay: float = 0.0
    cut_after: int | None = None
    hang: bool = False
    held: Gate | None = None
    paused: Gate | None = None
    pause_after: int = 1


class Gate:
    """Replies held until the test opens it, from any thread (`FakeServer.gate`): so that a
    test can have several requests in flight at once, or answer them in the order it
    chooses, without sleeping."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._event = asyncio.Event()

    def open(self) -> None:
        self._loop.call_soon_threadsafe(self._event.set)

    async def wait(self) -> None:
        await self._event.wait()


@dataclass
class Received:
    """A request as the fake saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float
    disconnected: bool = False
    """The client closed the connection before the reply was complete."""
    completed: bool = False
    """The whole reply was written."""
    finished: float = 0.0
    """When the whole reply was written (``time.time()``), for service-time figures."""

    arrived: float = 0.0
    """When the whole request had been read (the event loop's clock): delays count from here."""

    @functools.cached_property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class _Script:
    reply: Reply | Responder
    match: Callable[[Received], bool] | None


class FakeServer:
    """See the module docstring. Use as a context manager or call start()/stop()."""

    def __init__(self, *, precise_timers: bool = False) -> None:
        """``precise_timers`` runs the fake's loop on ``select()``, whose timeout has
        microsecond resolution, for benchmarks: asyncio's default epoll rounds every wait up
        to the next whole millisecond, so a 50 ms reply took up to 51 ms. ``select()``
        cannot watch descriptors above 1023, so tests keep the default."""
        self.precise_timers = precise_timers
        self.requests: list[Received] = []
        self._scripts: list[_Script] = []
        self._default: Responder | None = None
        self._changed = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._in_flight = 0
        self.max_in_flight = 0
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeServer:
        ready = threading.Event()

        def run() -> None:
            loop = (
                asyncio.SelectorEventLoop(selectors.SelectSelector())
                if self.precise_timers
                else asyncio.new_event_loop()
            )
            self._loop = loop
            asyncio.set_event_loop(loop)
            self._stopping = asyncio.Event()
            self._server = loop.run_until_complete(
                asyncio.start_server(self._serve, "127.0.0.1", 0)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-llm-server", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake server did not start")
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return

        async def shutdown() -> None:
            assert self._stopping is not None
            assert self._server is not None
            self._stopping.set()
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), loop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- scripting ---------------------------------------------------------------------------

    def script(
        self, *replies: Reply | Responder, match: Callable[[Received], bool] | None = None
    ) -> None:
        """Queue replies, used once each, in order, for requests that ``match``."""
        with self._changed:
            self._scripts.extend(_Script(reply, match) for reply in replies)

    def respond_with(self, responder: Responder | Reply) -> None:
        """The reply for every request that no queued script takes."""
        self._default = responder if callable(responder) else (lambda _r: responder)

    def gate(self) -> Gate:
        """A closed `Gate` for `Reply.held`."""
        assert self._loop is not None, "the fake is not running"
        return Gate(self._loop)

    def reset(self) -> None:
        with self._changed:
            self.requests.clear()
            self._scripts.clear()
            self._default = None
            self.max_in_flight = 0

    def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Block until ``condition()`` holds (re-checked on every server event)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def _take(self, received: Received) -> Reply:
        with self._changed:
            for index, scripted in enumerate(self._scripts):
                if scripted.match is None or scripted.match(received):
                    del self._scripts[index]
                    reply = scripted.reply
                    return reply(received) if callable(reply) else reply
        if self._default is not None:
            return self._default(received)
        return Reply(500, body={"error": {"message": f"no scripted reply for {received.path}"}})

    # -- HTTP --------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                received = await self._read_request(reader)
                if received is None:
                    return
                with self._changed:
                    self.requests.append(received)
                    self._in_flight += 1
                    self.max_in_flight = max(self.max_in_flight, self._in_flight)
                    self._changed.notify_all()
                try:
                    keep_going = await self._answer(received, reader, writer)
                finally:
                    with self._changed:
                        self._in_flight -= 1
                        self._changed.notify_all()
                if not keep_going:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        except asyncio.CancelledError:
            return  # the fake is shutting down
        finally:
            writer.close()

    async def _read_request(self, reader: asyncio.StreamReader) -> Received | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
        parts = urlsplit(target)
        query = parse_qs(parts.query)
        arrived = asyncio.get_running_loop().time()
        return Received(method, parts.path, query, headers, body, time.time(), arrived=arrived)

    async def _answer(
        self, received: Received, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Write the reply; False when the connection is finished."""
        reply = self._take(received)
        hung_up = asyncio.ensure_future(reader.read(1))  # b"" once the client hangs up
        try:
            if reply.hang:
                await hung_up
                self._mark_disconnected(received)
                return False
            start = received.arrived
            if reply.held is not None:
                if not await self._wait_gate(reply.held, hung_up, received):
                    return False
                start = asyncio.get_running_loop().time()  # delays count from the opening
            whole = self._whole(reply) if reply.chunks is None else b""
            first_byte_at = start + reply.first_byte_delay
            if not await self._pause_until(first_byte_at, hung_up, received):
                return False
            if reply.chunks is None:
                writer.write(whole)
                await writer.drain()
            else:
                writer.write(self._head(reply, {"transfer-encoding": "chunked"}))
                for count, chunk in enumerate(reply.chunks):
                    if reply.cut_after is not None and count >= reply.cut_after:
                        return False  # close without the chunked terminator
                    paused = reply.paused if count == reply.pause_after else None
                    if paused is not None and not await self._wait_gate(paused, hung_up, received):
                        return False
                    if count and not await self._pause_until(
                        asyncio.get_running_loop().time() + reply.chunk_delay, hung_up, received
                    ):
                        return False
                    data = chunk.encode() if isinstance(chunk, str) else chunk
                    writer.write(b"%x\r\n%s\r\n" % (len(data), data))
                    await writer.drain()
                if reply.cut_after is not None and reply.cut_after <= len(reply.chunks):
                    return False
                writer.write(b"0\r\n\r\n")
                await writer.drain()
            received.completed = True
            received.finished = time.time()
            self._notify()
            return True
        except ConnectionError:
            self._mark_disconnected(received)
            return False
        finally:
            if not hung_up.done():
                hung_up.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await hung_up

    async def _wait_gate(
        self, gate: Gate, hung_up: asyncio.Future[bytes], received: Received
    ) -> bool:
        """Wait until the test opens ``gate``; False if the client hung up first."""
        opened = asyncio.ensure_future(gate.wait())
        await asyncio.wait({hung_up, opened}, return_when=asyncio.FIRST_COMPLETED)
        opened.cancel()
        if hung_up.done():
            self._mark_disconnected(received)
            return False
        return True

    async def _pause_until(
        self, deadline: float, hung_up: asyncio.Future[bytes], received: Received
    ) -> bool:
        """Wait until ``deadline`` (loop clock), noticing a client that hangs up meanwhile;
        False if it did. A deadline rather than a duration, so that the fake's own work does
        not lengthen the latency it was told to play."""
        seconds = deadline - asyncio.get_running_loop().time()
        if seconds > 0:
            await asyncio.wait({hung_up}, timeout=seconds)
        if hung_up.done():
            self._mark_disconnected(received)
            return False
        return True

    def _mark_disconnected(self, received: Received) -> None:
        received.disconnected = True
        self._notify()

    @staticmethod
    def _head(reply: Reply, extra: dict[str, str]) -> bytes:
        headers = {"content-type": reply.content_type, **extra, **reply.headers}
        lines = [f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, 'Status')}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _whole(self, reply: Reply) -> bytes:
        body = reply.body
        if isinstance(body, dict | list):
            data = json.dumps(body).encode()
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body or b""
        return self._head(reply, {"content-length": str(len(data))}) + data


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    529: "Overloaded",
}
