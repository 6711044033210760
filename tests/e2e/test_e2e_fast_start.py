"""The fast start: initialize answered before pygls has loaded (peer_lsp.lsp.fast_start).

In-process tests check that the template answers exactly as pygls would and that the
hand-over never loses or repeats a byte; the end-to-end tests drive the real server with
raw frames, so that messages can be sent before any answer, as an impatient editor does.
"""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lsp_support import EDITORS, TIMEOUT, UNCLOSED, capabilities
from lsprotocol import types
from push_client import INITIALIZED, did_open, frame, initialize, publishes, raw_server
from pygls.protocol import default_converter

from peer_lsp import __version__
from peer_lsp.lsp import capabilities_template, fast_start
from peer_lsp.lsp.initialize_answer import (
    REGENERATE,
    TEMPLATE_FILE,
    initialize_result,
    load_template,
    template_path,
)
from peer_lsp.lsp.language_server import PeerLanguageServer
from peer_lsp.server import create_server

HOW_TO_REGENERATE = f"regenerate it: {REGENERATE}"
ANSWERED = re.compile(
    r"fast start: initialize answered in ([\d.]+) ms \((pygls [a-z ]+)\); "
    r"diagnostics of \d+ documents published early; pygls ready after ([\d.]+) ms"
)


def _unstructured(caps: types.ClientCapabilities) -> dict[str, Any]:
    unstructured: dict[str, Any] = default_converter().unstructure(caps)  # type: ignore[no-untyped-call]
    return unstructured


def _clients() -> dict[str, dict[str, Any]]:
    """The clients the fast answer must get right: recorded editors, UTF-8, nothing at all."""
    clients = {editor: _unstructured(capabilities(editor)) for editor in EDITORS}
    clients["neovim offering utf-16 only"] = _unstructured(
        capabilities("neovim", encodings=["utf-16"])
    )
    clients["utf-8 offered"] = {"general": {"positionEncodings": ["utf-8", "utf-16"]}}
    clients["empty"] = {}
    return clients


@pytest.fixture(autouse=True)
def _keep_log_level() -> Iterator[None]:
    """In-process initialize sets the peer_lsp logger's level from settings: put it back."""
    logger = logging.getLogger("peer_lsp")
    level = logger.level
    yield
    logger.setLevel(level)


# --------------------------------------------------------------------------------------
# The template answers as pygls does
# --------------------------------------------------------------------------------------


def test_template_is_generated_from_the_current_server() -> None:
    with open(template_path(), encoding="utf-8") as file:
        committed = json.load(file)

    current = capabilities_template.build_template(create_server)

    wrong = capabilities_template.differences(committed, current)
    assert not wrong, f"{TEMPLATE_FILE} is stale ({HOW_TO_REGENERATE}): {wrong}"


@pytest.mark.parametrize("client", _clients().keys())
def test_fast_answer_equals_pygls_answer(client: str, tmp_path: Path) -> None:
    caps = _clients()[client]
    params = {
        "processId": os.getpid(),
        "rootUri": tmp_path.as_uri(),
        "workspaceFolders": [{"uri": tmp_path.as_uri(), "name": tmp_path.name}],
        "initializationOptions": {"minConfidence": 0.7},
        "capabilities": caps,
    }

    fast = initialize_result(load_template(), caps)
    pygls = capabilities_template.pygls_answer(create_server(), params)

    wrong = capabilities_template.differences(fast, pygls)
    assert not wrong, f"the template answers unlike pygls ({HOW_TO_REGENERATE}): {wrong}"
    assert fast["serverInfo"] == {"name": "peer-lsp", "version": __version__}


def test_a_newly_registered_feature_is_caught_until_the_template_is_regenerated() -> None:
    def with_definition() -> PeerLanguageServer:
        server = create_server()
        server.feature(types.TEXT_DOCUMENT_DEFINITION)(lambda ls, params: None)
        return server

    wrong = capabilities_template.mismatches(load_template(), with_definition, _clients())

    assert wrong
    assert all("capabilities.definitionProvider: got (absent), expected true" in w for w in wrong)


def _server_using_every_switch() -> PeerLanguageServer:
    """A server with every feature whose capability pygls derives from the client's."""
    server = create_server()
    for method in (
        types.TEXT_DOCUMENT_WILL_SAVE,
        types.TEXT_DOCUMENT_RENAME,
        types.TEXT_DOCUMENT_PREPARE_RENAME,
    ):
        server.feature(method)(lambda ls, params: None)
    python_files = types.FileOperationRegistrationOptions(
        filters=[types.FileOperationFilter(pattern=types.FileOperationPattern(glob="**/*.py"))]
    )
    for method in (types.WORKSPACE_DID_CREATE_FILES, types.WORKSPACE_WILL_RENAME_FILES):
        server.feature(method, python_files)(lambda ls, params: None)
    server._notebook_document_sync = types.NotebookDocumentSyncOptions(
        notebook_selector=[types.NotebookDocumentFilterWithCells(cells=[])]
    )
    return server


def test_switches_follow_pygls_capability_builder() -> None:
    template = capabilities_template.build_template(_server_using_every_switch)
    clients = {**capabilities_template.sample_clients(), **_clients()}

    assert template["capabilities"]["clientOffersAll"]["renameProvider"] == {
        "prepareProvider": True
    }
    assert capabilities_template.mismatches(template, _server_using_every_switch, clients) == []


# --------------------------------------------------------------------------------------
# The hand-over, in-process (no pygls: the "server" is a string)
# --------------------------------------------------------------------------------------


INITIALIZE = frame({"id": 7, "method": "initialize", "params": {"capabilities": {}}})
LATER = frame({"method": "initialized", "params": {}}) + frame({"id": 8, "method": "shutdown"})


def _start(stdin: bytes | io.BytesIO, **kwargs: Any) -> tuple[fast_start.Handoff[str], bytes]:
    stream = io.BytesIO(stdin) if isinstance(stdin, bytes) else stdin
    stdout = io.BytesIO()
    handoff = fast_start.start(lambda: "server", stream, stdout, **kwargs)
    return handoff, stdout.getvalue()


def _replayed(handoff: fast_start.Handoff[str]) -> bytes:
    """Everything pygls would read, the way it reads: header lines, then bodies."""
    assert handoff.stdin is not None
    data = b""
    while line := handoff.stdin.readline():
        data += line
        if line.startswith(b"Content-Length: "):
            length = int(line.split(b":")[1])
            data += handoff.stdin.readline()  # the blank line
            data += handoff.stdin.read(length)
    return data


def test_fast_path_answers_once_and_replays_every_byte() -> None:
    handoff, written = _start(INITIALIZE + LATER)

    assert handoff.answered
    response = json.loads(written.partition(b"\r\n\r\n")[2])
    assert response["id"] == 7
    assert response["result"]["capabilities"]["positionEncoding"] == "utf-16"
    assert _replayed(handoff) == INITIALIZE + LATER


def test_pygls_own_response_to_the_answered_initialize_is_dropped_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stdout = io.BytesIO()
    handoff = fast_start.start(lambda: "server", io.BytesIO(INITIALIZE), stdout)
    sent = stdout.getvalue()
    result = json.loads(sent.partition(b"\r\n\r\n")[2])["result"]
    notice = fast_start.frame({"jsonrpc": "2.0", "method": "window/logMessage", "params": {}})
    pygls = fast_start.frame({"id": 7, "jsonrpc": "2.0", "result": result})
    assert handoff.stdout is not None

    for data in (notice, pygls, pygls):
        handoff.stdout.write(data)

    # Only the first response to id 7 is pygls's replayed initialize; the rest goes through.
    assert stdout.getvalue() == sent + notice + pygls
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_pygls_answer_unlike_the_one_sent_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    stdout = io.BytesIO()
    handoff = fast_start.start(lambda: "server", io.BytesIO(INITIALIZE), stdout)
    assert handoff.stdout is not None

    handoff.stdout.write(fast_start.frame({"id": 7, "jsonrpc": "2.0", "result": {}}))

    assert stdout.getvalue().count(b"Content-Length") == 1
    assert any(r.levelno == logging.ERROR and REGENERATE in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "stdin",
    [
        frame({"method": "$/cancelRequest", "params": {"id": 7}}) + INITIALIZE + LATER,
        frame({"id": 3, "method": "shutdown"}) + INITIALIZE,
        b"content-length: 12\r\n\r\n" + INITIALIZE,
        b"Content-Length: 5\r\n\r\n{oops" + INITIALIZE,
        INITIALIZE[: len(INITIALIZE) // 2],
        b"",
    ],
    ids=["cancel-first", "request-first", "lowercase-header", "bad-json", "truncated", "empty"],
)
def test_anything_unexpected_leaves_every_byte_to_pygls(stdin: bytes) -> None:
    handoff, written = _start(stdin)

    assert not handoff.answered
    assert handoff.stdout is None
    assert written == b""
    assert handoff.stdin is not None
    assert handoff.stdin.read() == stdin


class _BreakingStream(io.BytesIO):
    """A stdin whose second readline fails (once): after the first header line."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.broke = False

    def readline(self, size: int | None = -1, /) -> bytes:
        if self.tell() > 0 and not self.broke:
            self.broke = True
            raise OSError("stdin broke")
        return super().readline(size)


def test_an_error_while_reading_falls_back_with_the_bytes_read() -> None:
    handoff, written = _start(_BreakingStream(INITIALIZE + LATER))

    assert (handoff.answered, written) == (False, b"")
    assert _replayed(handoff) == INITIALIZE + LATER


def test_a_stale_template_falls_back(tmp_path: Path) -> None:
    template = load_template()
    template["serverInfo"]["version"] = "0.0.0-other"
    stale = tmp_path / "template.json"
    stale.write_text(json.dumps(template))

    handoff, written = _start(INITIALIZE, template=str(stale))

    assert (handoff.answered, written) == (False, b"")
    assert _replayed(handoff) == INITIALIZE


def test_an_error_building_the_server_is_raised() -> None:
    def broken() -> str:
        raise ImportError("no pygls")

    with pytest.raises(ImportError, match="no pygls"):
        fast_start.start(broken, io.BytesIO(INITIALIZE), io.BytesIO())


def test_the_serve_path_imports_no_pygls_before_the_answer() -> None:
    """What runs before initialize is answered must not load pygls or lsprotocol."""
    check = (
        "import sys, peer_lsp.cli, peer_lsp.log, peer_lsp.lsp.fast_start, "
        "peer_lsp.lsp.initialize_answer as f; f.load_template(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')"
        " or m == 'peer_lsp.server'))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, timeout=TIMEOUT
    )
    assert ran.stdout.strip() == "[]"


def test_the_switch_is_read_from_the_environment() -> None:
    assert fast_start.enabled({})
    assert fast_start.enabled({"PEER_FAST_START": "1"})
    for off in ("0", "false", "No", " off "):
        assert not fast_start.enabled({"PEER_FAST_START": off})


# --------------------------------------------------------------------------------------
# End to end, with raw frames
# --------------------------------------------------------------------------------------


def _timings(log: str) -> tuple[float, str, float]:
    match = ANSWERED.search(log)
    assert match, f"no fast start timings in the log:\n{log}"
    return float(match[1]), match[2], float(match[3])


@pytest.mark.e2e
@pytest.mark.parametrize("together", [True, False], ids=["one-write", "after-the-answer"])
async def test_messages_sent_while_pygls_loads_are_all_handled(
    tmp_path: Path, together: bool
) -> None:
    broken = tmp_path / "broken.py"
    async with raw_server(tmp_path) as server:
        if together:
            server.send(initialize({}, tmp_path), INITIALIZED, did_open(broken, "print((1)\n"))
            await server.response(1)
        else:
            server.send(initialize({}, tmp_path))
            await server.response(1)
            server.send(INITIALIZED, did_open(broken, "print((1)\n"))

        diagnostics = await server.diagnostics(broken.as_uri())
        assert [d["message"] for d in diagnostics] == [UNCLOSED]
        assert await server.exit() == 0

    assert server.responses_to(1) == 1
    answered, state, ready = _timings(server.log())
    assert state == "pygls still loading"
    assert answered < ready


@pytest.mark.e2e
async def test_initialize_is_answered_before_pygls_is_loaded(tmp_path: Path) -> None:
    async with raw_server(tmp_path) as server:
        server.send(initialize({}, tmp_path))
        response = await server.response(1)
        assert response["result"]["serverInfo"] == {"name": "peer-lsp", "version": __version__}
        assert await server.exit() == 0

    answered, state, ready = _timings(server.log())
    assert state == "pygls still loading", "pygls had loaded before initialize was answered"
    assert answered < ready


@pytest.mark.e2e
async def test_large_initialization_options_reach_the_settings(tmp_path: Path) -> None:
    padding = [f"never/matches/{n:06d}/**" for n in range(40_000)]  # about 1 MB
    options = {"maxFileBytes": 1000, "exclude": padding}
    small, large = tmp_path / "small.py", tmp_path / "large.py"
    async with raw_server(tmp_path) as server:
        server.send(initialize({}, tmp_path, options), INITIALIZED)
        server.send(did_open(small, "print((1)\n"), did_open(large, "x = 1\n" * 300 + "(\n"))

        assert [d["message"] for d in await server.diagnostics(small.as_uri())] == [UNCLOSED]
        assert await server.diagnostics(large.as_uri()) == []  # over maxFileBytes
        assert await server.exit() == 0

    assert len(json.dumps(options)) > 1_000_000
    assert server.responses_to(1) == 1
    assert _timings(server.log())[1] == "pygls still loading"


@pytest.mark.e2e
@pytest.mark.parametrize("editor", EDITORS)
async def test_pygls_agrees_with_the_answer_sent(tmp_path: Path, editor: str) -> None:
    caps = _unstructured(capabilities(editor))
    async with raw_server(tmp_path) as server:
        server.send(initialize(caps, tmp_path, {"logLevel": "debug"}), INITIALIZED)
        response = await server.response(1)
        assert await server.exit() == 0

    expected = "utf-8" if editor == "neovim" else "utf-16"
    assert response["result"]["capabilities"]["positionEncoding"] == expected
    assert "pygls's initialize response equals the one sent" in server.log()
    assert "differs" not in server.log()
    assert server.responses_to(1) == 1


@pytest.mark.e2e
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "PEER_FAST_START=0"])
@pytest.mark.parametrize(("shutdown", "code"), [(True, 0), (False, 1)], ids=["shutdown", "none"])
async def test_exit_codes_are_unchanged(
    tmp_path: Path, fast: bool, shutdown: bool, code: int
) -> None:
    async with raw_server(tmp_path, fast=fast) as server:
        server.send(initialize({}, tmp_path), INITIALIZED)
        await server.response(1)
        assert await server.exit(shutdown=shutdown) == code

    assert server.responses_to(1) == 1


@pytest.mark.e2e
async def test_peer_fast_start_0_lets_pygls_answer(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    async with raw_server(tmp_path, fast=False) as server:
        server.send(initialize({}, tmp_path), INITIALIZED, did_open(broken, "print((1)\n"))
        await server.response(1)
        assert [d["message"] for d in await server.diagnostics(broken.as_uri())] == [UNCLOSED]
        assert await server.exit() == 0

    assert "fast start: disabled by PEER_FAST_START" in server.log()
    assert not ANSWERED.search(server.log())
    assert server.responses_to(1) == 1


@pytest.mark.e2e
async def test_a_message_before_initialize_leaves_everything_to_pygls(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    async with raw_server(tmp_path) as server:
        server.send(
            {"method": "$/cancelRequest", "params": {"id": 0}},
            initialize({}, tmp_path),
            INITIALIZED,
            did_open(broken, "print((1)\n"),
        )
        response = await server.response(1)
        assert [d["message"] for d in await server.diagnostics(broken.as_uri())] == [UNCLOSED]
        assert await server.exit() == 0

    assert response["result"]["capabilities"]["positionEncoding"] == "utf-16"
    assert "fast start: not used: the first message is '$/cancelRequest'" in server.log()
    assert "pygls answers initialize itself" in server.log()
    assert server.responses_to(1) == 1


def _early_count(log: str) -> int:
    match = re.search(r"diagnostics of (\d+) documents published early", log)
    assert match, f"no fast start summary in the log:\n{log}"
    return int(match[1])


def _stdlib_text(module: str) -> str:
    """Real code nobody here wrote, with local rule findings in it."""
    spec = importlib.util.find_spec(module)
    assert spec is not None
    assert spec.origin is not None
    return Path(spec.origin).read_text(encoding="utf-8")


@pytest.mark.e2e
async def test_documents_opened_while_pygls_loads_are_published_once(tmp_path: Path) -> None:
    """The editor's first files get their diagnostics before pygls is ready, exactly the
    ones pygls computes afterwards, and only once."""
    broken, real = tmp_path / "broken.py", tmp_path / "pdb_copy.py"
    async with raw_server(tmp_path) as server:
        server.send(initialize({}, tmp_path))
        await server.response(1)
        server.send(
            INITIALIZED,
            did_open(broken, "print((1)\n"),
            did_open(real, _stdlib_text("pdb")),
        )
        assert [d["message"] for d in await server.diagnostics(broken.as_uri())] == [UNCLOSED]
        real_diagnostics = await server.diagnostics(real.as_uri())
        assert await server.exit() == 0

    log = server.log()
    assert _early_count(log) == 2
    assert len(publishes(server, broken.as_uri())) == 1
    assert len(publishes(server, real.as_uri())) == 1
    assert any(d["code"].startswith("py-") for d in real_diagnostics)


@pytest.mark.e2e
async def test_a_change_during_loading_ends_the_early_publishing(tmp_path: Path) -> None:
    """A didChange is pygls's to handle: the last diagnostics are those of version 2."""
    path = tmp_path / "edited.py"
    change = {
        "method": "textDocument/didChange",
        "params": {
            "textDocument": {"uri": path.as_uri(), "version": 2},
            "contentChanges": [{"text": "print(1)\n"}],
        },
    }
    async with raw_server(tmp_path) as server:
        server.send(initialize({}, tmp_path))
        await server.response(1)
        server.send(INITIALIZED, did_open(path, "print((1)\n"), change)
        await server.wait_for(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"].get("version") == 2
            )
        )
        assert await server.exit() == 0

    published = publishes(server, path.as_uri())
    assert [p["version"] for p in published] == [1, 2]
    assert [d["message"] for d in published[0]["diagnostics"]] == [UNCLOSED]
    assert published[1]["diagnostics"] == []


@pytest.mark.e2e
async def test_a_client_that_pulls_gets_nothing_pushed_early(tmp_path: Path) -> None:
    pulling = {
        "textDocument": {"diagnostic": {"dynamicRegistration": False}},
        "workspace": {"diagnostics": {"refreshSupport": True}},
    }
    path = tmp_path / "broken.py"
    async with raw_server(tmp_path) as server:
        server.send(initialize(pulling, tmp_path))
        await server.response(1)
        server.send(INITIALIZED, did_open(path, "print((1)\n"))
        server.send(
            {
                "id": 2,
                "method": "textDocument/diagnostic",
                "params": {"textDocument": {"uri": path.as_uri()}},
            }
        )
        report = await server.response(2)
        assert await server.exit() == 0

    assert [d["message"] for d in report["result"]["items"]] == [UNCLOSED]
    assert publishes(server, path.as_uri()) == []
    assert _early_count(server.log()) == 0


def test_pygls_publishes_that_differ_from_the_early_ones_go_through() -> None:
    """Only a first publish equal to the early one is dropped; anything else reaches the
    client (say the server restored a model review meanwhile)."""
    uri = "file:///w/a.py"
    early = {"uri": uri, "version": 1, "diagnostics": []}
    answer_params = {"capabilities": {}}
    sent = io.BytesIO()
    stdout = fast_start._DropAnsweredResponse(
        sent, fast_start._Answer(1, {}, answer_params), [dict(early)]
    )
    differing = {**early, "diagnostics": [{"message": "restored"}]}

    def publish(params: dict[str, Any]) -> bytes:
        message = {"jsonrpc": "2.0", "method": fast_start.PUBLISH, "params": params}
        return fast_start.frame(message)

    stdout.write(publish(differing))
    stdout.write(publish(early))
    assert sent.getvalue() == publish(differing) + publish(early)
