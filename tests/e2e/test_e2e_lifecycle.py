"""initialize, shutdown and exit."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lsp_support import (
    SERVER_COMMAND,
    TIMEOUT,
    UNCLOSED,
    PeerClient,
    capabilities,
    document,
    initialize_params,
    open_document,
    pull,
    syntax_error,
    without_data,
)
from lsprotocol import types

from peer_lsp import __version__

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        (["utf-16"], types.PositionEncodingKind.Utf16),
        (["utf-8", "utf-16"], types.PositionEncodingKind.Utf8),
    ],
    ids=["utf-16-offered", "utf-8-offered"],
)
async def test_initialize_advertises_capabilities(
    fresh_client: PeerClient,
    tmp_path: Path,
    offered: list[str],
    expected: types.PositionEncodingKind,
) -> None:
    caps = capabilities(fresh_client.editor, encodings=offered)
    result = await fresh_client.initialize_session(initialize_params(caps, tmp_path))

    server = result.capabilities
    assert server.position_encoding == expected
    assert isinstance(server.text_document_sync, types.TextDocumentSyncOptions)
    assert server.text_document_sync.open_close is True
    assert server.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert server.diagnostic_provider == types.DiagnosticOptions(
        identifier="peer", inter_file_dependencies=False, workspace_diagnostics=False
    )
    assert result.server_info == types.ServerInfo(name="peer-lsp", version=__version__)


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def _responses(output: bytes) -> dict[int, Any]:
    """The responses in the server's output, by request id."""
    found: dict[int, Any] = {}
    while output:
        header, _, rest = output.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1]) for line in header.split(b"\r\n") if b"Content-Length" in line
        )
        message = json.loads(rest[:length])
        output = rest[length:]
        if "id" in message and "method" not in message:
            found[message["id"]] = message
    return found


def _run_session(log_file: Path, *, shutdown: bool) -> tuple[int, dict[int, Any]]:
    """Start the server, say initialize, initialized, [shutdown,] exit, keeping stdin open so
    that only ``exit`` can end it; return its exit code and its responses."""
    command = [*SERVER_COMMAND[:-1], str(log_file)]
    messages: list[dict[str, Any]] = [
        {"id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}},
        {"method": "initialized", "params": {}},
        *([{"id": 2, "method": "shutdown"}] if shutdown else []),
        {"method": "exit"},
    ]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(b"".join(_frame(message) for message in messages))
        process.stdin.flush()
        try:
            code = process.wait(timeout=TIMEOUT)
        finally:
            process.kill()  # only if it is still running: a no-op once it has exited
        return code, _responses(process.stdout.read())


def test_shutdown_then_exit_ends_the_process_with_code_0(tmp_path: Path) -> None:
    code, responses = _run_session(tmp_path / "server.log", shutdown=True)

    assert code == 0
    assert responses[1]["result"]["serverInfo"]["name"] == "peer-lsp"
    assert responses[2] == {"jsonrpc": "2.0", "id": 2, "result": None}


def test_exit_without_shutdown_ends_the_process_with_code_1(tmp_path: Path) -> None:
    code, _ = _run_session(tmp_path / "server.log", shutdown=False)

    assert code == 1  # LSP: "exit ... with error code 1" when no shutdown came first


async def test_a_client_that_pulls_but_cannot_be_told_to_pull_again_is_pushed_to(
    fresh_client: PeerClient, tmp_path: Path
) -> None:
    """Model findings arrive after the edit that prompted them: such a client would not see
    them until its next pull, so it gets pushed diagnostics, and empty pull reports."""
    caps = capabilities(fresh_client.editor, pull=True, refresh=False)
    await fresh_client.initialize_session(initialize_params(caps, tmp_path))
    item = document(tmp_path / "broken.py", "x = 1\nprint((x)\n")

    pushed = await open_document(fresh_client, item)
    assert without_data(pushed) == [syntax_error((1, 5), (1, 6), UNCLOSED)]
    report = await pull(fresh_client, item.uri)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert list(report.items) == []
