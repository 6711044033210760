"""Serve the language server on stdin and stdout, reading frames with peer-lsp's reader.

This is pygls's ``start_io`` with two changes: frames come from
peer_lsp.lsp.framing.FrameReader (bounded, and able to find the next frame after bad
input), and each goes to PeerProtocol.receive, which answers every request it cannot run.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import typing
from typing import BinaryIO

from pygls.io_ import StdoutWriter

from peer_lsp.lsp.framing import FrameReader

if typing.TYPE_CHECKING:
    from peer_lsp.lsp.language_server import PeerLanguageServer
    from peer_lsp.lsp.protocol import PeerProtocol

log = logging.getLogger(__name__)


def start_io(
    server: PeerLanguageServer, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None
) -> None:
    """Handle messages until the client says exit or closes stdin."""
    stop = threading.Event()
    server._stop_event = stop  # pygls's shutdown() sets it
    server.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
    reader = FrameReader(stdin or sys.stdin.buffer)
    try:
        asyncio.run(_read_loop(server, reader, stop))
    except BrokenPipeError:
        log.error("the connection to the client is lost; shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]


async def _read_loop(
    server: PeerLanguageServer, reader: FrameReader, stop: threading.Event
) -> None:
    loop = asyncio.get_running_loop()
    protocol = typing.cast("PeerProtocol", server.protocol)
    while not stop.is_set():
        frame = await loop.run_in_executor(server.thread_pool, reader.read)
        if frame is None:
            log.info("the client closed the connection")
            return
        try:
            protocol.receive(frame)
        except Exception:
            log.exception("a message from the client could not be handled; reading on")
