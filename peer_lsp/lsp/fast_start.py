"""Answer ``initialize`` while pygls is still loading, then hand the connection to pygls.

Why: importing pygls takes about 0.5 s on a small machine (three quarters of it is
``lsprotocol.types``, whose 569 attrs classes are built at import time), and the issue asks
for the ``initialize`` response within 400 ms of process start. Before that response the
client may send nothing but ``initialize``, and the response depends only on the client's
capabilities and on the features the server registers. So:

1. a thread imports the server (and with it pygls) and builds it;
2. meanwhile this thread reads the first message on stdin. If it is ``initialize``, it
   answers from ``capabilities_template.json``, which is generated from the real server
   (``python -m peer_lsp.lsp.fast_start --write-template``), filled in with what the
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

Only the standard library (and peer_lsp.lsp.framing, which uses nothing else) is imported
here: this module runs before pygls is loaded.
"""

from __future__ import annotations

import copy
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

log = logging.getLogger(__name__)

ENV_SWITCH = "PEER_FAST_START"
"""Set to 0 (or false, no, off) to let pygls answer initialize itself."""

TEMPLATE_FILE = "capabilities_template.json"
TEMPLATE_FORMAT = 1
REGENERATE = "python -m peer_lsp.lsp.fast_start --write-template"

_CONTENT_LENGTH = re.compile(rb"^Content-Length: (\d+)\r\n$")
"""The header as every client writes it. Anything looser falls back to the server's reader
(peer_lsp.lsp.framing), which then reads the same bytes from the start."""
_MAX_HEADER_LINES = 8
_MAX_HEADER_LINE = 1024
_MAX_BODY = MAX_MESSAGE_BYTES
"""A larger first message is left to the server's reader, which refuses it unread."""

S = TypeVar("S")
_MISSING: Any = object()
"""A capability that the answer leaves out."""


class _Switch(NamedTuple):
    """A server capability that pygls's ServerCapabilitiesBuilder derives from the client's.

    ``kind`` says how: ``and`` (``client_value and server_has_feature``: absent, false or
    the server's value), ``truthy`` (the server's value when the client's is true) or
    ``present`` (the server's value when the client sends the capability at all).
    ``offered`` is what the template's "client offering everything" sends.
    """

    client: str
    server: str
    kind: str
    offered: object


_FILE_OPERATIONS = ("willCreate", "didCreate", "willRename", "didRename", "willDelete", "didDelete")

SWITCHES: tuple[_Switch, ...] = (
    _Switch("textDocument.synchronization.willSave", "textDocumentSync.willSave", "and", True),
    _Switch(
        "textDocument.synchronization.willSaveWaitUntil",
        "textDocumentSync.willSaveWaitUntil",
        "and",
        True,
    ),
    _Switch("notebookDocument", "notebookDocumentSync", "present", {"synchronization": {}}),
    _Switch("textDocument.rename.prepareSupport", "renameProvider", "truthy", True),
    *(
        _Switch(f"workspace.fileOperations.{op}", f"workspace.fileOperations.{op}", "truthy", True)
        for op in _FILE_OPERATIONS
    ),
)
"""Every place where pygls 2.1's builder reads the client's capabilities (pygls/capabilities.py),
besides the position encoding, which peer-lsp chooses itself (protocol.choose_encoding).
The template generator checks this list against pygls for many clients."""


class Fallback(Exception):
    """The fast path does not apply; pygls handles the connection from its first byte."""

    def __init__(self, reason: str, level: int = logging.INFO) -> None:
        super().__init__(reason)
        self.level = level


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


# --------------------------------------------------------------------------------------
# The template and the answer
# --------------------------------------------------------------------------------------


def template_path() -> str:
    """Where the template lives: next to this module, as package data."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), TEMPLATE_FILE)


def load_template(path: str | None = None) -> dict[str, Any]:
    """The template, if it was made for this peer-lsp and the installed pygls and lsprotocol."""
    try:
        with open(path or template_path(), encoding="utf-8") as file:
            template = json.load(file)
    except (OSError, ValueError) as error:
        raise Fallback(f"no usable template ({error})", logging.WARNING) from None
    from peer_lsp import __version__

    if not isinstance(template, dict) or template.get("format") != TEMPLATE_FORMAT:
        raise Fallback("the template's format is not this module's", logging.WARNING)
    if template["serverInfo"]["version"] != __version__:
        raise Fallback(f"the template is for peer-lsp {template['serverInfo']['version']}")
    for name, version in template["generatedWith"].items():
        if not _installed(name, version):
            raise Fallback(f"the template was generated with {name} {version}, not installed")
    return template


def _installed(name: str, version: str) -> bool:
    """Whether distribution ``name`` is installed at ``version`` (importlib.metadata would
    cost about 50 ms here: its import alone pulls in the email package)."""
    folders = (f"{name}-{version}.dist-info", f"{name}-{version}.egg-info")
    return any(
        os.path.isdir(os.path.join(entry or os.curdir, folder))
        for entry in sys.path
        for folder in folders
    )


def initialize_result(
    template: Mapping[str, Any], capabilities: Mapping[str, Any]
) -> dict[str, Any]:
    """The InitializeResult pygls would give a client with these capabilities."""
    least = template["capabilities"]["clientOffersNothing"]
    most = template["capabilities"]["clientOffersAll"]
    result: dict[str, Any] = copy.deepcopy(least)
    result["positionEncoding"] = position_encoding(capabilities)
    for switch in SWITCHES:
        value = _client_value(capabilities, switch)
        if switch.kind == "and" and value is False:
            _assign(result, switch.server, False)
            continue
        offered = value is not None if switch.kind == "present" else value is True
        _assign(result, switch.server, _lookup(most if offered else least, switch.server))
    return {"capabilities": result, "serverInfo": dict(template["serverInfo"])}


def position_encoding(capabilities: Mapping[str, Any]) -> str:
    """UTF-8 if offered, else UTF-16: protocol.choose_encoding's rule, on plain JSON."""
    offered = _lookup(capabilities, "general.positionEncodings")
    if offered is _MISSING or offered is None:
        return "utf-16"
    if not isinstance(offered, list) or not all(isinstance(kind, str) for kind in offered):
        raise Fallback("general.positionEncodings is not a list of strings")
    return "utf-8" if "utf-8" in offered else "utf-16"


def _client_value(capabilities: Mapping[str, Any], switch: _Switch) -> Any:
    """The client's value for ``switch`` (None when absent), checked as cattrs would."""
    value = _lookup(capabilities, switch.client)
    if value is _MISSING:
        return None
    expected = dict if switch.kind == "present" else bool
    if value is not None and not isinstance(value, expected):
        raise Fallback(f"client capability {switch.client} is not a {expected.__name__}")
    return value


def _lookup(tree: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path; _MISSING if absent (or under an absent or null parent)."""
    node: Any = tree
    for key in path.split("."):
        if node is None:
            return _MISSING
        if not isinstance(node, dict):
            raise Fallback(f"capability {path} is under a value that is not an object")
        node = node.get(key, _MISSING)
        if node is _MISSING:
            return _MISSING
    return node


def _assign(tree: dict[str, Any], path: str, value: Any) -> None:
    """Set (or with _MISSING, remove) the value at a dotted path whose parents exist."""
    *parents, leaf = path.split(".")
    node = tree
    for key in parents:
        child = node.get(key)
        if not isinstance(child, dict):
            if value is _MISSING:
                return
            raise Fallback(f"the template has no {path}'s parent", logging.WARNING)
        node = child
    if value is _MISSING:
        node.pop(leaf, None)
    else:
        node[leaf] = copy.deepcopy(value)


# --------------------------------------------------------------------------------------
# Generating and checking the template (needs pygls: run at development time)
# --------------------------------------------------------------------------------------


def offering_everything() -> dict[str, Any]:
    """Client capabilities that switch on every capability in SWITCHES."""
    capabilities: dict[str, Any] = {}
    for switch in SWITCHES:
        *parents, leaf = switch.client.split(".")
        node = capabilities
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = switch.offered
    return capabilities


def pygls_answer(server: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """What pygls itself answers to ``initialize`` with ``params``, got in-process by sending
    the request through ``server.protocol`` as its IO loop would (user handler included)."""
    import asyncio

    protocol = server.protocol
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})

    async def answer() -> dict[str, Any]:
        response: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        protocol.set_writer(_Capture(response))
        protocol.handle_message(json.loads(body, object_hook=protocol.structure_message))
        return await asyncio.wait_for(response, 30)

    message = asyncio.run(answer())
    if "result" not in message:
        raise RuntimeError(f"pygls failed initialize with {dict(params)}: {message}")
    result: dict[str, Any] = message["result"]
    return result


class _Capture:
    """A pygls writer that resolves a future with the first response written."""

    def __init__(self, response: Any) -> None:
        self._response = response

    def write(self, data: bytes) -> None:
        message = json.loads(data.partition(b"\r\n\r\n")[2])
        if "method" not in message and not self._response.done():
            self._response.set_result(message)

    def close(self) -> None:
        return None


def build_template(create: Callable[[], Any]) -> dict[str, Any]:
    """The template for servers made by ``create``, from pygls's answers to two clients."""
    from importlib.metadata import version

    least = pygls_answer(create(), {"processId": None, "capabilities": {}})
    most = pygls_answer(create(), {"processId": None, "capabilities": offering_everything()})
    if least["serverInfo"] != most["serverInfo"]:
        raise RuntimeError("serverInfo depends on the client: the template cannot hold it")
    for result in (least, most):
        result["capabilities"].pop("positionEncoding", None)
    return {
        "format": TEMPLATE_FORMAT,
        "regenerate": REGENERATE,
        "generatedWith": {name: version(name) for name in ("pygls", "lsprotocol")},
        "serverInfo": least["serverInfo"],
        "capabilities": {
            "clientOffersNothing": least["capabilities"],
            "clientOffersAll": most["capabilities"],
        },
    }


def sample_clients() -> dict[str, dict[str, Any]]:
    """Client capabilities to check a template with: recorded editors, and each switch
    absent, false and true on its own, with and without UTF-8."""
    clients: dict[str, dict[str, Any]] = {
        "nothing": {},
        "everything": offering_everything(),
        "utf-8": {"general": {"positionEncodings": ["utf-16", "utf-8"]}},
        "utf-32 only": {"general": {"positionEncodings": ["utf-32"]}},
    }
    for switch in SWITCHES:
        *parents, leaf = switch.client.split(".")
        for value in (switch.offered, False if switch.kind != "present" else None):
            node: dict[str, Any] = {leaf: value}
            for key in reversed(parents):
                node = {key: node}
            clients[f"{switch.client}={value}"] = node
    clients.update(_recorded_clients())
    return clients


def _recorded_clients() -> dict[str, dict[str, Any]]:
    """pytest-lsp's recorded editors' capabilities, if pytest-lsp is installed."""
    try:
        from pygls.protocol import default_converter
        from pytest_lsp import client_capabilities
    except ImportError:
        return {}
    converter = default_converter()  # type: ignore[no-untyped-call]
    return {
        editor: converter.unstructure(client_capabilities(editor))
        for editor in ("neovim", "visual_studio_code")
    }


def mismatches(
    template: Mapping[str, Any], create: Callable[[], Any], clients: Mapping[str, Any]
) -> list[str]:
    """Clients for which the template's answer differs from pygls's, with both answers."""
    found: list[str] = []
    for name, capabilities in clients.items():
        expected = pygls_answer(create(), {"processId": None, "capabilities": capabilities})
        got = initialize_result(template, capabilities)
        found.extend(f"{name}: {difference}" for difference in differences(got, expected))
    return found


def differences(got: Any, expected: Any, path: str = "") -> list[str]:
    """Where two JSON values differ, as ``path: got X, expected Y`` lines."""
    if isinstance(got, dict) and isinstance(expected, dict):
        return [
            line
            for key in sorted(got.keys() | expected.keys())
            for line in differences(
                got.get(key, _MISSING), expected.get(key, _MISSING), f"{path}.{key}".lstrip(".")
            )
        ]
    if got is expected or (got is not _MISSING and expected is not _MISSING and got == expected):
        return []
    return [f"{path or '(top)'}: got {_show(got)}, expected {_show(expected)}"]


def _show(value: Any) -> str:
    return "(absent)" if value is _MISSING else json.dumps(value, sort_keys=True)


def main(argv: list[str] | None = None) -> int:
    """``--write-template`` regenerates the template; ``--check`` fails if it is stale."""
    import argparse

    from peer_lsp.server import create_server

    parser = argparse.ArgumentParser(prog="python -m peer_lsp.lsp.fast_start")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write-template", action="store_true", help=f"write {TEMPLATE_FILE}")
    action.add_argument("--check", action="store_true", help="exit 1 if the template is stale")
    args = parser.parse_args(argv)
    template = build_template(create_server)
    wrong = mismatches(template, create_server, sample_clients())
    if wrong:
        print("pygls's builder reads client capabilities SWITCHES misses:", *wrong, sep="\n")
        return 1
    text = json.dumps(template, indent=2, sort_keys=True) + "\n"
    if args.check:
        with open(template_path(), encoding="utf-8") as file:
            if file.read() == text:
                return 0
        print(f"{TEMPLATE_FILE} is stale: run {REGENERATE}", file=sys.stderr)
        return 1
    with open(template_path(), "w", encoding="utf-8") as file:
        file.write(text)
    print(f"wrote {template_path()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
