"""An editor that pushes: peer serve over stdio, fed raw frames, diagnostics pushed to it.

Anything can be sent before any answer, as an impatient editor does, and every message the
server writes is kept in order, so a test can assert what came before what.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from lsp_support import TIMEOUT

from peer_lsp.lsp import fast_start


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class RawServer:
    """peer-lsp over stdio, fed raw frames (anything can be sent before any answer); it
    answers the server's own requests at once (null, or nulls for workspace/configuration)."""

    def __init__(self, process: asyncio.subprocess.Process, log_file: Path) -> None:
        self.process = process
        self.log_file = log_file
        self.messages: list[dict[str, Any]] = []
        self._arrived = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    def send(self, *messages: dict[str, Any]) -> None:
        """Write the messages in one go."""
        assert self.process.stdin is not None
        self.process.stdin.write(b"".join(frame(message) for message in messages))

    async def _read(self) -> None:
        assert self.process.stdout is not None
        stdout = self.process.stdout
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                length = 0
                while (line := await stdout.readline()) not in (b"\r\n", b""):
                    if line.startswith(b"Content-Length:"):
                        length = int(line.split(b":")[1])
                if not line:
                    return
                message = json.loads(await stdout.readexactly(length))
                self._answer_request(message)
                async with self._arrived:
                    self.messages.append(message)
                    self._arrived.notify_all()

    def _answer_request(self, message: dict[str, Any]) -> None:
        if "method" in message and "id" in message:
            items = message.get("params", {}).get("items", [])
            result = [None] * len(items) if message["method"] == "workspace/configuration" else None
            self.send({"id": message["id"], "result": result})

    async def wait_for(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first message (already received or to come) that is ``wanted``."""
        async with asyncio.timeout(TIMEOUT), self._arrived:
            await self._arrived.wait_for(lambda: any(wanted(m) for m in self.messages))
            return next(m for m in self.messages if wanted(m))

    async def response(self, msg_id: int) -> dict[str, Any]:
        return await self.wait_for(lambda m: m.get("id") == msg_id and "method" not in m)

    async def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        published = await self.wait_for(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            )
        )
        found: list[dict[str, Any]] = published["params"]["diagnostics"]
        return found

    async def exit(self, *, shutdown: bool = True) -> int:
        """Say [shutdown and] exit; the exit code."""
        if shutdown:
            self.send({"id": 99, "method": "shutdown"})
            await self.response(99)
        self.send({"method": "exit"})
        async with asyncio.timeout(TIMEOUT):
            code = await self.process.wait()
            await self._reader
        return code

    def responses_to(self, msg_id: int) -> int:
        return sum(1 for m in self.messages if m.get("id") == msg_id and "method" not in m)

    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8")


@contextlib.asynccontextmanager
async def raw_server(tmp_path: Path, *, fast: bool = True) -> AsyncIterator[RawServer]:
    """A started server, logging at debug to its own file; killed if still running."""
    log_file = tmp_path / "peer-lsp.log"
    command = [sys.executable, "-m", "peer_lsp", "serve", "--log-level", "debug"]
    env = {**os.environ, fast_start.ENV_SWITCH: "1" if fast else "0"}
    process = await asyncio.create_subprocess_exec(
        *command,
        "--log-file",
        str(log_file),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=env,
    )
    server = RawServer(process, log_file)
    try:
        yield server
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        server._reader.cancel()


def initialize(caps: dict[str, Any], root: Path, options: object = None) -> dict[str, Any]:
    return {
        "id": 1,
        "method": "initialize",
        "params": {
            "processId": os.getpid(),
            "rootUri": root.as_uri(),
            "capabilities": caps,
            "initializationOptions": options,
        },
    }


def did_open(path: Path, text: str) -> dict[str, Any]:
    item = {"uri": path.as_uri(), "languageId": "python", "version": 1, "text": text}
    return {"method": "textDocument/didOpen", "params": {"textDocument": item}}


INITIALIZED: dict[str, Any] = {"method": "initialized", "params": {}}


def publishes(server: RawServer, uri: str) -> list[dict[str, Any]]:
    return [
        m["params"]
        for m in server.messages
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
    ]
