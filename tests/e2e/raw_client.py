"""A JSON-RPC client that writes raw bytes to the real server's stdin: the hostile client.

pytest-lsp's client only sends well-formed messages; this one sends whatever a test
writes (broken headers, wrong types, messages out of order) and reads the server's
frames on a thread, answering the server's own requests with ``null`` as an editor
would, so that a test can wait for a response, a notification or the process's end.
Writing happens on a thread of its own too: a test sending megabytes never blocks the
reader, so the server can never stall on a full output pipe.
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from lsp_support import SERVER_COMMAND, TIMEOUT

STARTUP_TIMEOUT = 60.0
"""Longest wait for a started server to answer its first request after initialize (it
loads pygls meanwhile: seconds on a busy machine)."""

ABSENT: Any = object()
"""A request or notification sent without a ``params`` member at all."""

CLIENT_CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {"diagnostic": {}},
    "workspace": {"diagnostics": {"refreshSupport": True}},
}
"""An editor that pulls diagnostics and can be asked to pull again: every check is a request."""


def frame(body: bytes) -> bytes:
    """``body`` with the header every LSP client writes."""
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps({"jsonrpc": "2.0", **message}).encode()


class RawServer:
    """``peer serve`` as a subprocess, spoken to in bytes."""

    def __init__(self, log_file: Path, answers: dict[str, Any] | None = None) -> None:
        """Start the server; ``answers`` gives the result to answer each server request
        method with (``null`` for the others)."""
        self.answers = answers or {}
        command = [*SERVER_COMMAND[:-1], str(log_file)]
        self.stderr_file = log_file.with_suffix(".stderr")
        with self.stderr_file.open("wb") as stderr:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr
            )
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._received: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._ended = False
        self._next_id = 1000
        self._reader = threading.Thread(
            target=self._read, args=(self.process.stdout,), name="raw-client", daemon=True
        )
        self._reader.start()
        self._writer = threading.Thread(
            target=self._write, args=(self.process.stdin,), name="raw-writer", daemon=True
        )
        self._writer.start()

    # -- sending --------------------------------------------------------------------------

    def send_bytes(self, data: bytes) -> None:
        """Queue ``data`` for the server's stdin (written in order, on the writer thread)."""
        self._outbox.put(data)

    def _write(self, stdin: BinaryIO) -> None:
        try:
            while (data := self._outbox.get()) is not None:
                stdin.write(data)
                stdin.flush()
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def send(self, message: dict[str, Any]) -> None:
        self.send_bytes(frame(encode(message)))

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def request(self, method: str, params: Any = ABSENT, msg_id: Any = None) -> Any:
        """Send a request; return its id."""
        msg_id = self.new_id() if msg_id is None else msg_id
        message: dict[str, Any] = {"id": msg_id, "method": method}
        if params is not ABSENT:
            message["params"] = params
        self.send(message)
        return msg_id

    def notify(self, method: str, params: Any = ABSENT) -> None:
        message: dict[str, Any] = {"method": method}
        if params is not ABSENT:
            message["params"] = params
        self.send(message)

    def call(self, method: str, params: Any = ABSENT, timeout: float = TIMEOUT) -> dict[str, Any]:
        """Send a request and return the whole response message."""
        return self.response(self.request(method, params), timeout)

    # -- receiving ------------------------------------------------------------------------

    def mark(self) -> int:
        """A point in the stream of received messages, for ``since`` below."""
        with self._changed:
            return len(self._received)

    def response(self, msg_id: Any, timeout: float = TIMEOUT, since: int = 0) -> dict[str, Any]:
        """The first response to ``msg_id`` (the id as the server echoes it)."""
        return self.wait_for(lambda m: "method" not in m and m.get("id") == msg_id, timeout, since)

    def responses(self, since: int = 0) -> list[dict[str, Any]]:
        """Every response received (since ``since``)."""
        with self._changed:
            return [m for m in self._received[since:] if "method" not in m]

    def notifications(self, method: str, since: int = 0) -> list[dict[str, Any]]:
        """The params of every ``method`` notification received (since ``since``)."""
        with self._changed:
            return [
                m["params"]
                for m in self._received[since:]
                if m.get("method") == method and "id" not in m
            ]

    def wait_for(
        self,
        matches: Callable[[dict[str, Any]], bool],
        timeout: float = TIMEOUT,
        since: int = 0,
    ) -> dict[str, Any]:
        """The first message received (since ``since``, or still to come) that ``matches``."""
        found: list[dict[str, Any]] = []

        def ready() -> bool:
            found.extend(m for m in self._received[since:] if matches(m))
            return bool(found) or self._ended

        with self._changed:
            if not self._changed.wait_for(ready, timeout):
                raise TimeoutError(f"no matching message within {timeout} s")
        if not found:
            raise EOFError(f"the server closed its output (exit code {self.process.poll()})")
        return found[0]

    def _read(self, stdout: BinaryIO) -> None:
        try:
            while (message := _read_message(stdout)) is not None:
                if "method" in message and "id" in message:
                    result = self.answers.get(message["method"])
                    self.send({"id": message["id"], "result": result})
                with self._changed:
                    self._received.append(message)
                    self._changed.notify_all()
        except (OSError, ValueError):
            pass
        finally:
            with self._changed:
                self._ended = True
                self._changed.notify_all()

    # -- life -----------------------------------------------------------------------------

    def initialize(
        self, root: Path, capabilities: dict[str, Any] = CLIENT_CAPABILITIES
    ) -> dict[str, Any]:
        """initialize and initialized, as an editor starts a session; returns once the
        server answers other requests too (initialize is answered while it still loads)."""
        response = self.call(
            "initialize",
            {"processId": None, "rootUri": root.as_uri(), "capabilities": capabilities},
        )
        self.notify("initialized", {})
        self.call("peer/noSuchMethod", {}, STARTUP_TIMEOUT)  # any answer will do
        return response

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait(self, timeout: float = TIMEOUT) -> int:
        """The exit code, once the process has ended."""
        return self.process.wait(timeout)

    def stderr(self) -> str:
        return self.stderr_file.read_text(errors="replace")

    def close(self, patience: float = TIMEOUT) -> None:
        """End the process: close its stdin, and kill it if it still runs ``patience``
        seconds later."""
        self._outbox.put(None)
        try:
            self.process.wait(patience)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(TIMEOUT)
        self._writer.join(TIMEOUT)


def _read_message(stdout: BinaryIO) -> dict[str, Any] | None:
    """The next message the server wrote; None at the end of its output."""
    length = None
    while True:
        line = stdout.readline()
        if not line:
            return None
        if line == b"\r\n" and length is not None:
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    body = stdout.read(length)
    if len(body) < length:
        return None
    message: dict[str, Any] = json.loads(body)
    return message
