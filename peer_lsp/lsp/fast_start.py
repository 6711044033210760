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
3. while pygls is still loading, this thread goes on reading: ``initialized``, and
   ``didOpen`` of the documents the editor opens first, whose local diagnostics it
   publishes at once (`peer_lsp.lsp.early_diagnostics`). It stops at any other message,
   and as soon as pygls is ready;
4. then pygls gets the connection. Its stdin first replays the bytes read so far (pygls
   sets itself up from the initialize message exactly as if it had answered it, running
   our initialize handler too, and opens the documents again), then the real stdin.
   Its stdout drops the one response pygls writes to that initialize, after checking that
   it equals the answer already sent, and the first diagnostics of each document
   published early when they equal those published.

Anything unexpected (another message first, a frame written unusually, a stale
template, any exception) falls back to pygls handling everything itself: the bytes read so
far are replayed, so nothing is lost or read twice. ``PEER_FAST_START=0`` turns the fast
path off.

The answer itself, the template filled in for the client, is `peer_lsp.lsp.initialize_answer`.
Only the standard library (and that module and peer_lsp.lsp.framing, which use nothing else) is
imported here before the answer is sent: this module runs before pygls is loaded.
"""

from __future__ import annotations

import json
import logging
import os
import re
import select
import sys
import threading
import time
import typing
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, Generic, NamedTuple, TypeVar

from peer_lsp.lsp.framing import MAX_MESSAGE_BYTES
from peer_lsp.lsp.initialize_answer import REGENERATE, Fallback, initialize_result, load_template

if typing.TYPE_CHECKING:
    from peer_lsp.lsp.early_diagnostics import EarlyDiagnostics

log = logging.getLogger(__name__)

PUBLISH = "textDocument/publishDiagnostics"

_QUIET_S = 0.05
"""How long the client may be quiet after the initialize answer before pygls starts loading
and the early diagnostics end. Editors send ``initialized`` and the ``didOpen`` of the
files already open within milliseconds of the answer."""

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
    params: dict[str, Any]
    """The initialize request's params."""


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
    if source.fd is None:
        loader.start()  # no early diagnostics without a descriptor to wait on
    answer = _try_answer(source, output, loader, template)
    answered_at, loaded_first = time.perf_counter(), loader.done
    early: list[dict[str, Any]] = []
    if answer is not None and source.fd is not None:
        early = _publish_early(source, output, loader, answer)
    server = loader.result()
    replay = typing.cast(BinaryIO, _Replay(source.read_so_far(), source.stream))
    if answer is None:
        log.debug(
            "fast start: not used, pygls answers initialize itself; pygls ready after %.1f ms",
            _ms(began, loader.ready_at),
        )
        return Handoff(server, replay, None, answered=False)
    log.debug(
        "fast start: initialize answered in %.1f ms (%s); diagnostics of %d documents "
        "published early; pygls ready after %.1f ms",
        _ms(began, answered_at),
        "pygls already loaded" if loaded_first else "pygls still loading",
        len(early),
        _ms(began, loader.ready_at),
    )
    guarded = typing.cast(BinaryIO, _DropAnsweredResponse(output, answer, early))
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
        msg_id, params = _parse_initialize(_read_frame(source))
    except ValueError as error:
        raise Fallback(f"the first message is not valid JSON ({error})") from None
    if loader.failed:
        raise Fallback("building the server failed")
    return _Answer(msg_id, initialize_result(loaded, params["capabilities"]), params)


def _publish_early(
    source: _Recorder, output: BinaryIO, loader: _Loader[Any], answer: _Answer
) -> list[dict[str, Any]]:
    """Before pygls is ready, publish the local diagnostics of the documents the client
    opens (`peer_lsp.lsp.early_diagnostics`); return the params published.

    Reads ``initialized`` and ``didOpen`` notifications only, and stops at anything else,
    at the end of the input, when the client is quiet for `_QUIET_S`, or once pygls loads
    and nothing more is waiting: everything read is replayed to pygls, which handles it
    all again. pygls starts loading once the first document is published (or when this
    ends): loading it alongside would take half of this thread's time (the GIL) and double
    the wait for the first diagnostics.
    """
    published: list[dict[str, Any]] = []
    analyser: EarlyDiagnostics | None = None
    try:
        while True:
            # Once pygls loads, only what the client sent in the same breath: a document
            # opened later would be analysed twice, here and by pygls, while both share the
            # GIL, and the client's next edit would wait for both.
            if not source.wait(0 if loader.started else _QUIET_S):
                break
            message = json.loads(_read_frame(source))
            if not isinstance(message, dict) or "id" in message:
                break
            method = message.get("method")
            if method not in ("initialized", "textDocument/didOpen"):
                break
            if method == "textDocument/didOpen":
                analyser = analyser or _early_analyser(answer)
                if analyser is None:
                    break
                notification = analyser.opened(message.get("params"))
                if notification is not None:
                    _write(output, notification)
                    published.append(json.loads(json.dumps(notification["params"])))
                loader.start()
    except Fallback as reason:
        log.debug("fast start: early diagnostics stopped: %s", reason)
    except Exception:
        log.warning("fast start: early diagnostics stopped by an unexpected error", exc_info=True)
    return published


def _early_analyser(answer: _Answer) -> EarlyDiagnostics | None:
    """The analyser of documents opened early; None when this client is not pushed to."""
    from peer_lsp.lsp.early_diagnostics import EarlyDiagnostics

    encoding = answer.result["capabilities"]["positionEncoding"]
    return EarlyDiagnostics.for_client(answer.params, encoding)


# --------------------------------------------------------------------------------------
# Reading and writing frames
# --------------------------------------------------------------------------------------


class _Recorder:
    """Reads the process's stdin and keeps every byte taken, so that pygls gets them too.

    A stream with a file descriptor is read through the descriptor, with a buffer of our
    own: what was read but not taken yet is known (`untaken`), and `wait` can tell whether
    more input is there without blocking. The stream's own buffer stays empty for pygls.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.consumed = bytearray()
        self.untaken = bytearray()
        self.fd = _fileno(stream)

    def readline(self, limit: int) -> bytes:
        if self.fd is None:
            data = self.stream.readline(limit)
        else:
            while b"\n" not in self.untaken[:limit] and len(self.untaken) < limit:
                if not self._fill():
                    break
            end = self.untaken.find(b"\n", 0, limit) + 1 or min(limit, len(self.untaken))
            data = self._take(end)
        self.consumed += data
        return data

    def read(self, size: int) -> bytes:
        if self.fd is None:
            data = self.stream.read(size)
        else:
            while len(self.untaken) < size and self._fill():
                pass
            data = self._take(size)
        self.consumed += data
        return data

    def wait(self, timeout: float) -> bool:
        """Whether there is input (or its end) to read within ``timeout`` seconds."""
        if self.untaken:
            return True
        assert self.fd is not None
        ready, _, _ = select.select([self.fd], [], [], timeout)
        return bool(ready)

    def read_so_far(self) -> bytes:
        """Every byte read from the stream, taken or not: what pygls must read first."""
        return bytes(self.consumed + self.untaken)

    def _fill(self) -> bool:
        assert self.fd is not None
        chunk = os.read(self.fd, 65536)
        self.untaken += chunk
        return bool(chunk)

    def _take(self, size: int) -> bytes:
        data = bytes(self.untaken[:size])
        del self.untaken[:size]
        return data


def _fileno(stream: BinaryIO) -> int | None:
    """The stream's file descriptor, if it has one that select() accepts."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    try:
        select.select([fd], [], [], 0)
    except (OSError, ValueError):
        return None
    return fd


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
    """The id and params of an initialize request; Fallback for anything else."""
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
    return msg_id, params


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
    """pygls's stdout: drops what the client already has. pygls's own response to the
    initialize already answered, after comparing it with the answer sent; and pygls's first
    publishDiagnostics of each document published early, if it equals what was published.
    Everything else goes through untouched."""

    def __init__(
        self, stream: BinaryIO, answer: _Answer, early: list[dict[str, Any]] | None = None
    ) -> None:
        self._stream = stream
        self._pending: _Answer | None = answer
        self._published = {params["uri"]: params for params in early or ()}

    def write(self, data: bytes) -> int:
        if self._pending is None and not self._published:
            return self._stream.write(data)
        message = _body(data)
        if self._pending is not None and self._is_pending_response(message, self._pending):
            return len(data)
        if self._published and self._was_published(message):
            return len(data)
        return self._stream.write(data)

    def flush(self) -> None:
        self._stream.flush()

    def close(self) -> None:
        self._stream.close()

    def _is_pending_response(self, message: object, pending: _Answer) -> bool:
        if not isinstance(message, dict) or "method" in message:
            return False
        if message.get("id") != pending.msg_id:
            return False
        self._pending = None
        _compare(pending.result, message)
        return True

    def _was_published(self, message: object) -> bool:
        """Whether this is the first publish of a document published early, and equal."""
        if not isinstance(message, dict) or message.get("method") != PUBLISH:
            return False
        params = message.get("params")
        uri = params.get("uri") if isinstance(params, dict) else None
        if not isinstance(uri, str) or uri not in self._published:
            return False
        same = self._published.pop(uri) == params
        log.debug(
            "fast start: pygls's first diagnostics of %s %s",
            uri,
            "equal those published early; dropped" if same else "differ; sent",
        )
        return same


def _body(data: bytes) -> object:
    """The JSON of one framed message, or None."""
    _, _, body = data.partition(b"\r\n\r\n")
    try:
        return json.loads(body)
    except ValueError:
        return None


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
        self.started = False

    def start(self) -> None:
        """Start building, unless already started."""
        if not self.started:
            self.started = True
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
        self.start()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._built[0]
