"""The hostile client: broken framing, wrong types, messages out of order, absurd documents.

Each test sends the real server (``peer serve`` over stdio) raw bytes that a buggy or
malicious editor could send, checks that the answer follows the LSP and JSON-RPC error
codes, and then that the server is still healthy: it answers a hover, and a normal edit
that breaks the probe document is reported as a syntax error at the new place.

Tests that do not end the session share one server per module; a server killed by a
failing test is replaced, so one crash does not fail every later test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lsp_support import TIMEOUT, UNCLOSED
from raw_client import ABSENT, CLIENT_CAPABILITIES, STARTUP_TIMEOUT, RawServer, encode, frame

pytestmark = pytest.mark.e2e

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002

MESSAGE_LIMIT = 64 << 20
"""The largest message body the server reads (peer_lsp.lsp.framing.MAX_MESSAGE_BYTES)."""

SAVED = {"textDocument": {"uri": "file:///never-opened.py"}}
DEEP_OBJECTS = "let x = " + "{a:" * 50_000 + "1" + "}" * 50_000 + ";\n"


class Session:
    """An initialised server and its probe document, a small Python file whose syntax error
    each health check moves to another line."""

    def __init__(
        self, server: RawServer, root: Path, capabilities: dict[str, Any] = CLIENT_CAPABILITIES
    ) -> None:
        self.server = server
        self.root = root
        self.probe = (root / "probe.py").as_uri()
        self.version = 1
        self.lines = 1
        server.initialize(root, capabilities)
        server.notify("textDocument/didOpen", {"textDocument": item(self.probe, "x = 1\n")})

    def answers(self) -> bool:
        """Whether the server still answers a request (a failed test may have left it
        dead, or reading the rest of a frame that never comes)."""
        if not self.server.alive():
            return False
        try:
            self.server.response(self.server.request("textDocument/hover", at(self.probe, 0, 0)), 2)
        except (TimeoutError, EOFError):
            return False
        return True

    def assert_healthy(self) -> None:
        """The server answers requests, and a normal edit's syntax error is reported where
        the edit put it (a line that differs from the previous check's)."""
        assert self.server.alive(), f"the server died: {self.server.stderr()[-3000:]}"
        self.version += 1
        broken = 1 + self.version % 5
        text = "x = 1\n" * broken + "print((x)\n"
        self.server.notify(
            "textDocument/didChange",
            changed(self.probe, self.version, replace((0, 0), (self.lines, 0), text)),
        )
        self.lines = broken + 1
        assert syntax_errors(self.server, self.probe) == [((broken, 5), (broken, 6), UNCLOSED)]
        hover = self.server.call("textDocument/hover", at(self.probe, broken, 5))
        assert UNCLOSED in hover["result"]["contents"]["value"]


class _Pool:
    """The module's shared session, started again if a test left its server unable to answer."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._session: Session | None = None

    def live(self) -> Session:
        if self._session is None or not self._session.answers():
            self.close(patience=0)
            root = self._factory.mktemp("hostile")
            self._session = Session(RawServer(root / "server.log"), root)
        return self._session

    def close(self, patience: float = TIMEOUT) -> None:
        if self._session is not None:
            self._session.server.close(patience)
            self._session = None


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Pool]:
    shared = _Pool(tmp_path_factory)
    yield shared
    shared.close()


@pytest.fixture
def session(pool: _Pool) -> Session:
    """The shared, initialised server, healthy before the test starts."""
    return pool.live()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[RawServer]:
    """A started server of the test's own, not initialised."""
    server = RawServer(tmp_path / "server.log")
    yield server
    server.close()


# -- messages -----------------------------------------------------------------------------


def item(uri: str, text: str, language: str = "python", version: int = 1) -> dict[str, Any]:
    return {"uri": uri, "languageId": language, "version": version, "text": text}


def replace(start: tuple[int, int], end: tuple[int, int], text: str) -> dict[str, Any]:
    return {"range": span(start, end), "text": text}


def span(start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    return {
        "start": {"line": start[0], "character": start[1]},
        "end": {"line": end[0], "character": end[1]},
    }


def changed(uri: str, version: int, *changes: dict[str, Any]) -> dict[str, Any]:
    return {"textDocument": {"uri": uri, "version": version}, "contentChanges": list(changes)}


def at(uri: str, line: int, character: int) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def code_action_params(uri: str, start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    return {
        "textDocument": {"uri": uri},
        "range": span(start, end),
        "context": {"diagnostics": []},
    }


def syntax_errors(
    server: RawServer, uri: str, timeout: float = TIMEOUT
) -> list[tuple[tuple[int, int], ...] | Any]:
    """The document's pulled syntax errors as ((line, char), (line, char), message)."""
    response = server.call("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout)
    assert "error" not in response, response
    return [
        (
            (item["range"]["start"]["line"], item["range"]["start"]["character"]),
            (item["range"]["end"]["line"], item["range"]["end"]["character"]),
            item["message"],
        )
        for item in response["result"]["items"]
        if item.get("code") == "syntax-error"
    ]


def pulled(server: RawServer, uri: str) -> list[dict[str, Any]]:
    response = server.call("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    assert "error" not in response, response
    items: list[dict[str, Any]] = response["result"]["items"]
    return items


def assert_error(response: dict[str, Any], code: int, *words: str) -> None:
    """``response`` is an error with ``code`` whose message names each of ``words``."""
    assert "result" not in response, response
    assert response["error"]["code"] == code, response
    message = response["error"]["message"]
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def hover_body(msg_id: int, uri: str) -> bytes:
    return encode({"id": msg_id, "method": "textDocument/hover", "params": at(uri, 0, 0)})


def answered_only(server: RawServer, since: int, *ids: Any) -> None:
    """Since ``since`` the server answered exactly the requests ``ids``, once each."""
    assert sorted(map(str, (m.get("id") for m in server.responses(since)))) == sorted(map(str, ids))


def logged(server: RawServer, since: int, *words: str) -> list[str]:
    """The window/logMessage texts since ``since`` that contain every one of ``words``."""
    texts = [p["message"] for p in server.notifications("window/logMessage", since)]
    return [text for text in texts if all(word in text for word in words)]


# -- framing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover", "params": {',
        b'{"jsonrpc": "2.0", "id": 5, "method": "\xff\xfe"}',
        b"   ",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["truncated-json", "invalid-utf-8", "blank", "nested-100k-arrays"],
)
def test_a_body_that_cannot_be_parsed_is_answered_with_a_parse_error(
    session: Session, body: bytes
) -> None:
    server = session.server
    since = server.mark()
    server.send_bytes(frame(body))

    response = server.wait_for(lambda m: "error" in m, since=since)
    assert response["id"] is None  # JSON-RPC: the id could not be read
    assert_error(response, PARSE_ERROR)
    session.assert_healthy()


@pytest.mark.parametrize(
    "header",
    [
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
        b"Content-Length: abc\r\n\r\n",
        b"Content-Length: -5\r\n\r\n",
        b"Content-Length: 0x20\r\n\r\n",
        b"this is no header\r\n\r\n",
    ],
    ids=["no-content-length", "non-numeric", "negative", "hex", "garbage"],
)
def test_a_frame_without_a_usable_length_is_skipped_and_the_next_frame_read(
    session: Session, header: bytes
) -> None:
    """The unframed body must not run (its length is unknown: where it ends is a guess),
    and the well-framed request after it must."""
    server = session.server
    since = server.mark()
    lost, kept = server.new_id(), server.new_id()
    server.send_bytes(
        header + hover_body(lost, session.probe) + frame(hover_body(kept, session.probe))
    )

    assert "result" in server.response(kept, since=since)
    answered_only(server, since, kept)
    assert logged(server, since, "Content-Length")
    session.assert_healthy()


def test_a_garbage_line_before_a_frame_is_skipped(session: Session) -> None:
    server = session.server
    since = server.mark()
    msg_id = server.new_id()
    server.send_bytes(b"hello, server\r\n" + frame(hover_body(msg_id, session.probe)))

    assert "result" in server.response(msg_id, since=since)
    session.assert_healthy()


def test_a_length_shorter_than_the_body_gives_a_parse_error_then_the_next_frame_is_read(
    session: Session,
) -> None:
    server = session.server
    since = server.mark()
    cut, kept = server.new_id(), server.new_id()
    body = hover_body(cut, session.probe)
    server.send_bytes(b"Content-Length: 10\r\n\r\n" + body + frame(hover_body(kept, session.probe)))

    assert "result" in server.response(kept, since=since)
    errors = [m for m in server.responses(since) if "error" in m]
    assert [(m["id"], m["error"]["code"]) for m in errors] == [(None, PARSE_ERROR)]
    answered_only(server, since, None, kept)
    session.assert_healthy()


def _padded(message: dict[str, Any], size: int) -> bytes:
    """``message`` with a ``pad`` member in its params making the body ``size`` bytes."""
    body = encode({**message, "params": {**message.get("params", {}), "pad": ""}})
    pad = size - len(body)
    return body.replace(b'"pad": ""', b'"pad": "' + b"x" * pad + b'"')


def test_a_request_over_the_size_limit_is_refused_without_reading_it_into_memory(
    session: Session,
) -> None:
    server = session.server
    since = server.mark()
    msg_id = server.new_id()
    body = _padded(
        {"id": msg_id, "method": "textDocument/hover", "params": at(session.probe, 0, 0)},
        MESSAGE_LIMIT + 1,
    )
    assert len(body) == MESSAGE_LIMIT + 1
    server.send_bytes(frame(body))

    response = server.response(msg_id, timeout=3 * TIMEOUT, since=since)
    assert_error(response, INVALID_REQUEST, str(MESSAGE_LIMIT + 1), "limit")
    session.assert_healthy()


def test_a_document_over_the_size_limit_is_not_opened_and_the_user_is_told(
    session: Session,
) -> None:
    server = session.server
    since = server.mark()
    uri = (session.root / "enormous.py").as_uri()
    text = "x = 1\n" * (MESSAGE_LIMIT // 6 + 1)
    server.notify("textDocument/didOpen", {"textDocument": item(uri, text)})

    message = server.wait_for(lambda m: m.get("method") == "window/showMessage", 3 * TIMEOUT, since)
    assert "limit" in message["params"]["message"]
    assert pulled(server, uri) == []
    session.assert_healthy()


def test_an_absurd_content_length_is_refused_and_the_request_answered(fresh: RawServer) -> None:
    """10**12 bytes would not fit in memory: the request is answered from the head of its
    body, and the rest is discarded as it arrives (here: never; the process lives on)."""
    fresh.initialize(Path.cwd())
    head = b'{"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": {"a": "'
    fresh.send_bytes(b"Content-Length: %d\r\n\r\n" % 10**12 + head + b"x" * 100_000)

    assert_error(fresh.response(7), INVALID_REQUEST, str(10**12))
    assert fresh.alive()
    assert "MemoryError" not in fresh.stderr()


# -- the message envelope -----------------------------------------------------------------


@pytest.mark.parametrize("body", [b"42", b'"initialize"', b"null", b"[]", b"{}"])
def test_json_that_is_no_message_is_answered_with_invalid_request(
    session: Session, body: bytes
) -> None:
    server = session.server
    since = server.mark()
    server.send_bytes(frame(body))

    response = server.wait_for(lambda m: "error" in m, since=since)
    assert response["id"] is None
    assert_error(response, INVALID_REQUEST)
    session.assert_healthy()


def test_each_request_of_a_batch_is_answered_with_invalid_request(session: Session) -> None:
    """LSP has no batches: each request inside is refused by its id, nothing runs."""
    server = session.server
    since = server.mark()
    first, second = server.new_id(), server.new_id()
    batch = [
        {
            "jsonrpc": "2.0",
            "id": first,
            "method": "textDocument/hover",
            "params": at(session.probe, 0, 0),
        },
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didClose",
            "params": {"textDocument": {"uri": session.probe}},
        },
        {"jsonrpc": "2.0", "id": second, "method": "shutdown"},
    ]
    server.send_bytes(frame(json.dumps(batch).encode()))

    assert_error(server.response(first, since=since), INVALID_REQUEST, "batch")
    assert_error(server.response(second, since=since), INVALID_REQUEST, "batch")
    session.assert_healthy()
    answered_only(server, since, first, second, *session_ids(server, since, first, second))


def session_ids(server: RawServer, since: int, *excluded: Any) -> list[Any]:
    """Ids of the responses since ``since`` other than ``excluded`` (the health check's)."""
    return [m["id"] for m in server.responses(since) if m["id"] not in excluded]


@pytest.mark.parametrize(
    ("message", "echoed"),
    [
        ({"id": "v1", "method": "textDocument/hover", "jsonrpc": "1.0"}, "v1"),
        ({"id": "none", "method": "textDocument/hover"}, "none"),
        ({"id": "m", "jsonrpc": "2.0", "method": 5}, "m"),
        ({"id": {"a": 1}, "jsonrpc": "2.0", "method": "textDocument/hover"}, None),
        ({"id": True, "jsonrpc": "2.0", "method": "textDocument/hover"}, None),
        ({"id": 1.5, "jsonrpc": "2.0", "method": "textDocument/hover"}, None),
        ({"id": None, "jsonrpc": "2.0", "method": "textDocument/hover"}, None),
        ({"id": "n", "jsonrpc": "2.0", "method": "textDocument/didSave", "params": SAVED}, "n"),
        ({"id": "c", "jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 1}}, "c"),
    ],
    ids=[
        "jsonrpc-1.0",
        "no-jsonrpc",
        "method-number",
        "id-object",
        "id-bool",
        "id-float",
        "id-null",
        "notification-method",
        "cancel-as-request",
    ],
)
def test_a_malformed_request_is_answered_with_invalid_request(
    session: Session, message: dict[str, Any], echoed: Any
) -> None:
    server = session.server
    since = server.mark()
    server.send_bytes(frame(json.dumps(message).encode()))

    response = server.wait_for(lambda m: "error" in m, since=since)
    assert response["id"] == echoed
    assert_error(response, INVALID_REQUEST)
    session.assert_healthy()


# -- params -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "params", "names"),
    [
        ("textDocument/codeAction", None, ()),
        ("textDocument/hover", "POSITION_LINE_X", ("line",)),
        ("textDocument/hover", ABSENT, ()),
        (
            "textDocument/hover",
            {"textDocument": None, "position": {"line": 0, "character": 0}},
            ("textDocument",),
        ),
        ("textDocument/diagnostic", {"textDocument": 5}, ("textDocument",)),
        ("codeAction/resolve", None, ()),
        ("workspace/executeCommand", {}, ("command",)),
    ],
    ids=[
        "codeAction-null",
        "hover-line-string",
        "hover-no-params",
        "hover-document-null",
        "diagnostic-document-number",
        "resolve-null",
        "executeCommand-no-command",
    ],
)
def test_a_request_with_wrong_params_is_answered_with_invalid_params(
    session: Session, method: str, params: Any, names: tuple[str, ...]
) -> None:
    server = session.server
    if params == "POSITION_LINE_X":
        params = {"textDocument": {"uri": session.probe}, "position": {"line": "x", "character": 0}}
    since = server.mark()
    msg_id = server.request(method, params)

    assert_error(server.response(msg_id, since=since), INVALID_PARAMS, method, *names)
    session.assert_healthy()


@pytest.mark.parametrize("method", ["peer/noSuchThing", "$/noSuchThing", "textDocument/completion"])
def test_a_request_for_an_unknown_method_is_answered_with_method_not_found(
    session: Session, method: str
) -> None:
    server = session.server
    msg_id = server.request(method, {})

    assert_error(server.response(msg_id), METHOD_NOT_FOUND, method)
    session.assert_healthy()


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("textDocument/didOpen", None),
        ("textDocument/didOpen", {"textDocument": {"uri": "file:///x.py"}}),
        ("textDocument/didChange", {"textDocument": 5, "contentChanges": []}),
        ("textDocument/didClose", {}),
        ("textDocument/didSave", ABSENT),
        ("workspace/didChangeConfiguration", None),
        ("$/cancelRequest", None),
        ("$/cancelRequest", {}),
        ("$/setTrace", {"value": "loud"}),
    ],
    ids=[
        "didOpen-null",
        "didOpen-no-text",
        "didChange-document-number",
        "didClose-empty",
        "didSave-no-params",
        "didChangeConfiguration-null",
        "cancel-null",
        "cancel-no-id",
        "setTrace-bad-value",
    ],
)
def test_a_notification_with_wrong_params_is_logged_and_ignored(
    session: Session, method: str, params: Any
) -> None:
    server = session.server
    since = server.mark()
    server.notify(method, params)

    session.assert_healthy()
    assert all("error" not in m for m in server.responses(since))
    assert logged(server, since, method, "invalid params")


@pytest.mark.parametrize("method", ["peer/noSuchThing", "$/noSuchThing"])
def test_a_notification_for_an_unknown_method_is_ignored(session: Session, method: str) -> None:
    server = session.server
    since = server.mark()
    server.notify(method, {"x": 1})

    session.assert_healthy()
    assert all("error" not in m for m in server.responses(since))


def test_a_cancel_for_an_unknown_or_finished_request_is_ignored(session: Session) -> None:
    server = session.server
    finished = server.request("textDocument/hover", at(session.probe, 0, 0))
    server.response(finished)
    since = server.mark()
    server.notify("$/cancelRequest", {"id": finished})
    server.notify("$/cancelRequest", {"id": "never-sent"})

    session.assert_healthy()
    assert all(m["id"] != finished for m in server.responses(since))


def test_two_requests_with_one_id_are_each_answered(session: Session) -> None:
    server = session.server
    since = server.mark()
    msg_id = server.new_id()
    server.request("textDocument/hover", at(session.probe, 0, 0), msg_id)
    server.request("textDocument/diagnostic", {"textDocument": {"uri": session.probe}}, msg_id)

    session.assert_healthy()
    assert len([m for m in server.responses(since) if m["id"] == msg_id]) == 2


def test_a_response_that_does_not_fit_its_request_fails_that_request(tmp_path: Path) -> None:
    """The server asks for settings at start-up; an answer of the wrong shape must fail
    that request (logged, settings kept), not leave start-up waiting forever."""
    server = RawServer(tmp_path / "server.log", answers={"workspace/configuration": 5})
    workspace = {**CLIENT_CAPABILITIES["workspace"], "configuration": True}
    try:
        session = Session(server, tmp_path, {**CLIENT_CAPABILITIES, "workspace": workspace})

        server.wait_for(
            lambda m: (
                m.get("method") == "window/logMessage"
                and "workspace/configuration failed" in m["params"]["message"]
            )
        )
        server.wait_for(lambda m: m.get("method") == "peer/status")  # start-up went on
        session.assert_healthy()
    finally:
        server.close()


# -- order --------------------------------------------------------------------------------


def test_a_request_before_initialize_is_answered_with_server_not_initialized(
    fresh: RawServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "early.py").as_uri()
    fresh.notify("textDocument/didOpen", {"textDocument": item(uri, "print((x)\n")})
    hover = fresh.request("textDocument/hover", at(uri, 0, 0))
    pull = fresh.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})

    assert_error(fresh.response(hover, STARTUP_TIMEOUT), SERVER_NOT_INITIALIZED)
    assert_error(fresh.response(pull), SERVER_NOT_INITIALIZED)
    session = Session(fresh, tmp_path)
    assert pulled(fresh, uri) == []  # the didOpen before initialize was dropped
    session.assert_healthy()


def test_a_document_opened_before_initialized_is_analysed(fresh: RawServer, tmp_path: Path) -> None:
    uri = (tmp_path / "eager.py").as_uri()
    fresh.call(
        "initialize",
        {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": CLIENT_CAPABILITIES},
    )
    fresh.notify("textDocument/didOpen", {"textDocument": item(uri, "x = 1\nprint((x)\n")})
    fresh.notify("initialized", {})

    assert syntax_errors(fresh, uri, STARTUP_TIMEOUT) == [((1, 5), (1, 6), UNCLOSED)]


def test_a_second_initialize_is_answered_with_invalid_request(session: Session) -> None:
    server = session.server
    msg_id = server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})

    assert_error(server.response(msg_id), INVALID_REQUEST, "initialize")
    session.assert_healthy()


def test_after_shutdown_requests_are_refused_and_exit_ends_with_code_0(
    fresh: RawServer, tmp_path: Path
) -> None:
    session = Session(fresh, tmp_path)
    shutdown = fresh.call("shutdown")
    assert shutdown["result"] is None
    assert "error" not in shutdown
    since = fresh.mark()
    hover = fresh.request("textDocument/hover", at(session.probe, 0, 0))
    fresh.notify("textDocument/didClose", {"textDocument": {"uri": session.probe}})
    again = fresh.request("shutdown")

    assert_error(fresh.response(hover), INVALID_REQUEST, "shut")
    assert_error(fresh.response(again), INVALID_REQUEST, "shut")
    answered_only(fresh, since, hover, again)
    fresh.notify("exit")
    assert fresh.wait() == 0


def test_exit_before_initialize_ends_with_code_1(fresh: RawServer) -> None:
    fresh.notify("exit")

    assert fresh.wait(STARTUP_TIMEOUT) == 1


# -- positions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "character"), [(10**6, 0), (0, 10**6), (10**6, 10**6), (2**31 - 1, 2**31 - 1)]
)
def test_a_position_past_the_end_of_the_document_is_answered(
    session: Session, line: int, character: int
) -> None:
    server = session.server
    hover = server.call("textDocument/hover", at(session.probe, line, character))
    actions = server.call(
        "textDocument/codeAction",
        code_action_params(session.probe, (line, character), (line, character)),
    )

    assert hover == {"jsonrpc": "2.0", "id": hover["id"], "result": None}
    assert "error" not in actions
    assert isinstance(actions["result"], list | None)
    session.assert_healthy()


def test_a_negative_position_is_answered_with_invalid_params(session: Session) -> None:
    server = session.server
    response = server.call("textDocument/hover", at(session.probe, -1, 0))

    assert_error(response, INVALID_PARAMS, "textDocument/hover")
    session.assert_healthy()


# -- documents ----------------------------------------------------------------------------


def test_a_version_that_goes_back_still_applies_the_edit(session: Session) -> None:
    """The client's text is the truth: dropping an edit for its version would leave every
    later incremental edit applied to the wrong text."""
    server = session.server
    uri = (session.root / "versions.py").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": item(uri, "x = 1\n", version=5)})
    server.notify("textDocument/didChange", changed(uri, 3, replace((0, 0), (0, 0), "print((x)\n")))

    assert syntax_errors(server, uri) == [((0, 5), (0, 6), UNCLOSED)]
    session.assert_healthy()


def test_a_burst_of_500_edits_ends_in_the_last_text(session: Session) -> None:
    server = session.server
    uri = (session.root / "burst.py").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": item(uri, "print((x)\n")})
    for version in range(2, 502):
        server.notify(
            "textDocument/didChange", changed(uri, version, replace((0, 0), (0, 0), "x = 1\n"))
        )

    assert syntax_errors(server, uri) == [((500, 5), (500, 6), UNCLOSED)]
    session.assert_healthy()


def test_full_and_incremental_changes_mixed_in_one_notification(session: Session) -> None:
    server = session.server
    uri = (session.root / "mixed.py").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": item(uri, "x = 1\n")})
    server.notify(
        "textDocument/didChange",
        changed(
            uri,
            2,
            replace((0, 0), (0, 0), "y = 2\n"),
            {"text": "a = 1\nb = 2\n"},
            replace((1, 0), (1, 5), "print((b)"),
        ),
    )

    assert syntax_errors(server, uri) == [((1, 5), (1, 6), UNCLOSED)]
    session.assert_healthy()


def test_a_10_megabyte_document_is_accepted(session: Session) -> None:
    """Over maxFileBytes (2 MB): opened and answered for, though not analysed."""
    server = session.server
    uri = (session.root / "big.py").as_uri()
    lines = 10_000_000 // 10
    server.notify("textDocument/didOpen", {"textDocument": item(uri, "x = 12345\n" * lines)})
    server.notify(
        "textDocument/didChange", changed(uri, 2, replace((lines, 0), (lines, 0), "y = ("))
    )

    assert server.call("textDocument/hover", at(uri, lines, 4))["result"] is None
    assert pulled(server, uri) == []
    session.assert_healthy()


@pytest.mark.parametrize(
    "text",
    ["x = '\u0000\u0000'\n\u0000\n", "x = '\ud800'\n# \udfff\n", "\ufeff\u2028x = 1\r\n\r"],
    ids=["nul", "lone-surrogates", "bom-and-separators"],
)
def test_a_document_with_binary_content_is_accepted(session: Session, text: str) -> None:
    server = session.server
    uri = (session.root / f"binary{server.new_id()}.py").as_uri()
    body = encode({"method": "textDocument/didOpen", "params": {"textDocument": item(uri, text)}})
    server.send_bytes(frame(body))
    server.notify("textDocument/didChange", changed(uri, 2, replace((0, 0), (0, 0), text)))

    assert "error" not in server.call("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    assert "error" not in server.call("textDocument/hover", at(uri, 0, 5))
    session.assert_healthy()


def test_a_document_too_deep_to_search_is_named_once_in_a_warning(session: Session) -> None:
    server = session.server
    since = server.mark()
    uri = (session.root / "nested-objects.js").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": item(uri, DEEP_OBJECTS, "javascript")})

    message = server.wait_for(lambda m: m.get("method") == "window/showMessage", 3 * TIMEOUT, since)
    assert message["params"]["type"] == 2  # Warning
    assert "nested-objects.js" in message["params"]["message"]
    assert "local rules are off" in message["params"]["message"]
    server.notify("textDocument/didChange", changed(uri, 2, replace((0, 0), (0, 0), " ")))
    assert "error" not in server.call("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    shown = server.notifications("window/showMessage", since)
    assert [m["message"] for m in shown] == [message["params"]["message"]]
    session.assert_healthy()


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("python", "x = " + "[" * 100_000 + "]" * 100_000 + "\n"),
        ("python", "x = " + "(" * 100_000 + "\n"),
        ("json", "[" * 100_000 + "]" * 100_000),
        ("javascript", DEEP_OBJECTS),
    ],
    ids=["python-lists", "python-unclosed", "json-arrays", "javascript-objects"],
)
def test_a_deeply_nested_document_is_accepted(session: Session, language: str, text: str) -> None:
    server = session.server
    uri = (session.root / f"nested{server.new_id()}.{language}").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": item(uri, text, language)})

    assert "error" not in server.call("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    assert "error" not in server.call("textDocument/hover", at(uri, 0, 50_000))
    session.assert_healthy()
