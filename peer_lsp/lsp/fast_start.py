"""Answer ``initialize`` while pygls is still loading, then hand the connection to pygls.

Why: importing pygls takes about 0.5 s on a small machine (three quarters of it is
``lsprotocol.types``, whose 569 attrs classes are built at import time), and the issue asks
for the ``initialize`` response within 400 ms of process start. Before that response the
client may send nothing but ``initialize``, and the response depends only on the client's
capabilities and on the features the server registers. So:

1. a thread imports the server (and with it pygls) and builds it;
2. meanwhile this thread reads the first message on stdin. If it is ``initialize``, it
   answers from ``capabilities_template.json``, which is generated from the real server
   (``python -m peer_lsp.server --write-template``, with
   `peer_lsp.lsp.capabilities_template`), filled in with what the
   client offered;
3. then pygls gets the connection. Its stdin first replays the bytes read so far (the
   initialize message: pygls sets itself up from it exactly as if it had answered it,
   running our initialize handler too), then the real stdin, where anything the client
   sent meanwhile (``initialized``, ``didOpen``) is still waiting. Its stdout drops the
   one response pygls writes to that initialize, after checking that it equals the
   answer already sent.

Anything unexpected (another message first, a frame written unusually, a stale
template, any exception) falls back to pygls handling everything itself: the bytes read so
far are replayed, so nothing is lost or read twice. ``PEER_FAST_START=0`` turns the fast
path off.

The answer itself, the template filled in for the client, is `peer_lsp.lsp.initialize_answer`.
Only the standard library (and that module and peer_lsp.lsp.framing, which use nothing else) is
imported here: this module runs before pygls is loaded.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import time
import typing
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, Generic, NamedTuple, TypeVar

from peer_lsp.lsp.framing import MAX_MESSAGE_BYTES
from peer_lsp.lsp.initialize_answer import REGENERATE, Fallback, initialize_result, load_template

log = logging.getLogger(__name__)

ENV_SWITCH = "PEER_FAST_START"
"""Set to 0 (or false, no, off) to let pygls answer initialize itself."""

_CONTENT_LENGTH = re.compile(rb"^Content-Length: (\d+)\r\n$")
"""The header as every client writes it. Anything looser falls back to the server's reader
(peer_lsp.lsp.framing), which then reads the same bytes from the start."""
_MAX_HEADER_LINES = 8
_MAX_HEADER_LINE = 1024
_MAX_BODY = MAX_MESSAGE_BYTES
"""A larger first message is left to the server's reader, which refuses it unread."""

S = TypeVar("S")


class Handoff(NamedTuple, Generic[S]):
    """What ``start`` hands over: the server and the streams its IO loop must use."""

    server: S
    stdin: BinaryIO | None
    """None: the process's stdin, untouched."""
    stdout: BinaryIO | None
    answered: bool
    """Whether the client already has its initialize response."""


class _Answer(NamedTuple):
    msg_id: int | str
    result: dict[str, Any]


def enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the fast path is on (it is unless PEER_FAST_START is 0, false, no or off)."""
    return environ.get(ENV_SWITCH, "1").strip().lower() not in {"0", "false", "no", "off"}


def start(
    build: Callable[[], S],
    stdin: BinaryIO | None = None,
    stdout: BinaryIO | None = None,
    template: str | None = None,
) -> Handoff[S]:
    """Build the server with ``build`` on a thread while answering initialize here.

    Returns once the server is built, with the streams to start its IO loop on. An error
    raised by ``build`` is raised here, as it would be without the fast path.
    """
    began = time.perf_counter()
    if not enabled():
        server = build()
        log.debug(
            "fast start: disabled by %s; pygls ready after %.1f ms",
            ENV_SWITCH,
            _ms(began, time.perf_counter()),
        )
        return Handoff(server, None, None, answered=False)
    loader = _Loader(build)
    source = _Recorder(stdin or sys.stdin.buffer)
    output = stdout or sys.stdout.buffer
    answer = _try_answer(source, output, loader, template)
    answered_at, loaded_first = time.perf_counter(), loader.done
    server = loader.result()
    replay = typing.cast(BinaryIO, _Replay(bytes(source.consumed), source.stream))
    if answer is None:
        log.debug(
            "fast start: not used, pygls answers initialize itself; pygls ready after %.1f ms",
            _ms(began, loader.ready_at),
        )
        return Handoff(server, replay, None, answered=False)
    log.debug(
        "fast start: initialize answered in %.1f ms (%s); pygls ready after %.1f ms",
        _ms(began, answered_at),
        "pygls already loaded" if loaded_first else "pygls still loading",
        _ms(began, loader.ready_at),
    )
    guarded = typing.cast(BinaryIO, _DropAnsweredResponse(output, answer))
    return Handoff(server, replay, guarded, answered=True)


def _ms(since: float, until: float) -> float:
    return (until - since) * 1000


def _try_answer(
    source: _Recorder, output: BinaryIO, loader: _Loader[Any], template: str | None
) -> _Answer | None:
    """Answer the initialize that should come first; None (nothing written) if it can't."""
    try:
        answer = _prepare_answer(source, loader, template)
    except Fallback as reason:
        log.log(reason.level, "fast start: not used: %s", reason)
        return None
    except Exception:
        log.warning("fast start: not used after an unexpected error", exc_info=True)
        return None
    try:
        _write(output, {"id": answer.msg_id, "jsonrpc": "2.0", "result": answer.result})
    except Exception:
        # Part of it may have reached the client: never risk answering twice.
        log.warning("fast start: writing the initialize response failed", exc_info=True)
    return answer


def _prepare_answer(source: _Recorder, loader: _Loader[Any], template: str | None) -> _Answer:
    """Read the first message and compute the response to it, or raise Fallback."""
    loaded = load_template(template)
    try:
        msg_id, capabilities = _parse_initialize(_read_frame(source))
    except ValueError as error:
        raise Fallback(f"the first message is not valid JSON ({error})") from None
    if loader.failed:
        raise Fallback("building the server failed")
    return _Answer(msg_id, initialize_result(loaded, capabilities))


# --------------------------------------------------------------------------------------
# Reading and writing frames
# --------------------------------------------------------------------------------------


class _Recorder:
    """Reads the process's stdin and keeps every byte taken, so that pygls gets them too."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.consumed = bytearray()

    def readline(self, limit: int) -> bytes:
        data = self.stream.readline(limit)
        self.consumed += data
        return data

    def read(self, size: int) -> bytes:
        data = self.stream.read(size)
        self.consumed += data
        return data


def _read_frame(source: _Recorder) -> bytes:
    """The body of the first message, framed as every client frames it; Fallback otherwise."""
    length: int | None = None
    for _ in range(_MAX_HEADER_LINES):
        line = source.readline(_MAX_HEADER_LINE)
        if line == b"\r\n" and length is not None:
            body = source.read(length)
            if len(body) != length:
                raise Fallback("the input ended inside the first message")
            return body
        match = _CONTENT_LENGTH.fullmatch(line)
        if match is not None and length is None and 0 < int(match.group(1)) <= _MAX_BODY:
            length = int(match.group(1))
        elif not (line.startswith(b"Content-Type: ") and line.endswith(b"\r\n")):
            raise Fallback(f"unexpected header line {line[:60]!r}")
    raise Fallback("too many header lines")


def _parse_initialize(body: bytes) -> tuple[int | str, dict[str, Any]]:
    """The id and client capabilities of an initialize request; Fallback for anything else."""
    message = json.loads(body)
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        raise Fallback("the first message is not JSON-RPC 2.0")
    if message.get("method") != "initialize":
        raise Fallback(f"the first message is {message.get('method')!r}, not initialize")
    msg_id = message.get("id")
    if isinstance(msg_id, bool) or not isinstance(msg_id, int | str):
        raise Fallback("initialize has no usable id")
    params = message.get("params")
    if not isinstance(params, dict) or not isinstance(params.get("capabilities"), dict):
        raise Fallback("initialize has no capabilities")
    return msg_id, params["capabilities"]


def frame(message: Mapping[str, Any]) -> bytes:
    """One message with the headers pygls writes."""
    body = json.dumps(message).encode("utf-8")
    header = (
        f"Content-Length: {len(body)}\r\n"
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
    )
    return header.encode("ascii") + body


def _write(output: BinaryIO, message: Mapping[str, Any]) -> None:
    output.write(frame(message))
    output.flush()


class _Replay:
    """pygls's stdin: the bytes already read first, then the stream (as pygls reads it:
    ``readline()`` for headers, ``read(n)`` for bodies, from one thread at a time)."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream

    def readline(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.readline(size)
        end = self._head.find(b"\n") + 1 or len(self._head)
        if size >= 0:
            end = min(end, size)
        line, self._head = self._head[:end], self._head[end:]
        if line.endswith(b"\n") or self._head or len(line) == size:
            return line
        return line + self._stream.readline(size - len(line) if size >= 0 else -1)

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.read(size)
        if size < 0:
            data, self._head = self._head, b""
            return data + self._stream.read()
        data, self._head = self._head[:size], self._head[size:]
        if len(data) < size:
            data += self._stream.read(size - len(data))
        return data


class _DropAnsweredResponse:
    """pygls's stdout: drops pygls's own response to the initialize already answered,
    after comparing it with the answer sent; everything else goes through untouched."""

    def __init__(self, stream: BinaryIO, answer: _Answer) -> None:
        self._stream = stream
        self._pending: _Answer | None = answer

    def write(self, data: bytes) -> int:
        if self._pending is not None and self._is_pending_response(data, self._pending):
            return len(data)
        return self._stream.write(data)

    def flush(self) -> None:
        self._stream.flush()

    def close(self) -> None:
        self._stream.close()

    def _is_pending_response(self, data: bytes, pending: _Answer) -> bool:
        _, _, body = data.partition(b"\r\n\r\n")
        try:
            message = json.loads(body)
        except ValueError:
            return False
        if not isinstance(message, dict) or "method" in message:
            return False
        if message.get("id") != pending.msg_id:
            return False
        self._pending = None
        _compare(pending.result, message)
        return True


def _compare(sent: dict[str, Any], response: dict[str, Any]) -> None:
    """Log loudly if pygls's own answer differs from the one the client already has."""
    if "error" in response:
        log.error("fast start: pygls failed the initialize already answered: %s", response)
    elif response.get("result") != sent:
        log.error(
            "fast start: the initialize response sent differs from pygls's; regenerate the "
            "template (%s). Sent %s; pygls: %s",
            REGENERATE,
            json.dumps(sent, sort_keys=True),
            json.dumps(response.get("result"), sort_keys=True),
        )
    else:
        log.debug("fast start: pygls's initialize response equals the one sent; dropped it")


class _Loader(Generic[S]):
    """Builds the server on a daemon thread; ``result`` waits for it and re-raises its error."""

    def __init__(self, build: Callable[[], S]) -> None:
        self._build = build
        self._built: list[S] = []
        self._error: BaseException | None = None
        self._done = threading.Event()
        self.ready_at = 0.0
        self._thread = threading.Thread(target=self._run, name="peer-load-pygls", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._built.append(self._build())
        except BaseException as error:
            self._error = error
        finally:
            self.ready_at = time.perf_counter()
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def failed(self) -> bool:
        return self._done.is_set() and self._error is not None

    def result(self) -> S:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._built[0]
