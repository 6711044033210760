"""Shared pieces of the end-to-end tests: the server command, the test client, documents,
edits, and getting diagnostics the way the connected client gets them (pushed or pulled).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
from cattrs import Converter
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import register_lsp_features

EDITORS = ("neovim", "visual_studio_code")
"""Recorded clients shipped with pytest-lsp: neovim 0.11 pulls diagnostics and offers UTF-8,
VS Code 1.65 is pushed to and speaks UTF-16 only."""

RECORDED = {"eglot": "eglot_v1.9.json", "ale": "ale_v3.3.0.json"}
"""Clients recorded by this project (tests/e2e/clients, captured from the real editors):
Emacs 28 with eglot 1.9 and Vim with ALE 3.3 resolve no code actions, and ALE declares neither
WorkspaceEdit.documentChanges nor workspace/configuration."""
CLIENTS = Path(__file__).with_name("clients")

LOG_FILE = Path(tempfile.gettempdir()) / "peer-lsp-e2e" / "peer-lsp.log"
SERVER_COMMAND = [sys.executable, "-m", "peer_lsp", "serve", "--log-file", str(LOG_FILE)]

TIMEOUT = 10.0
"""Longest wait for a reply, so that a silent server fails a test instead of hanging it.
(``asyncio.timeout``, not ``wait_for``: the awaited coroutine must start at once, so that a
notification future is registered before the loop can read the notification.)"""

UNCLOSED = "'(' was never closed"


class PeerClient(LanguageClient):
    """pytest-lsp's test client, also remembering which recorded editor it plays, the
    position encoding the server chose and what the server registered."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.editor = ""
        self.position_encoding: str | None = None
        self.registrations: list[types.Registration] = []
        """What the server registered dynamically (the editors that declare dynamic
        registration accept it; pytest-lsp's client would answer "method not found")."""

        @self.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register_capability(params: types.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)

    async def initialize_session(self, params: types.InitializeParams) -> types.InitializeResult:
        result = await super().initialize_session(params)
        self.position_encoding = result.capabilities.position_encoding
        return result


def action_converter() -> Converter:
    """pygls's converter, reading a code action that carries a command as a code action.

    lsprotocol's hook reads any object with a ``command`` key as a `Command`, so a
    `CodeAction` with a command would arrive as a Command whose command is the repr of a
    dict; a Command's ``command`` is a string, a CodeAction's an object.
    """
    made = default_converter()

    def command_or_action(obj: Any, _: type) -> types.Command | types.CodeAction:
        if isinstance(obj.get("command"), str):
            return made.structure(obj, types.Command)
        return made.structure(obj, types.CodeAction)

    made.register_structure_hook(
        typing.Union[types.Command, types.CodeAction],  # noqa: UP007 (the key lsprotocol uses)
        command_or_action,
    )
    return made


def make_client() -> PeerClient:
    client = PeerClient(converter_factory=default_converter)
    register_lsp_features(client)
    return client


def capabilities(
    editor: str,
    *,
    encodings: Sequence[str] | None = None,
    pull: bool = False,
    refresh: bool | None = None,
    plugin: bool | None = None,
) -> types.ClientCapabilities:
    """A recorded editor's capabilities, optionally offering other position ``encodings`` or
    declaring pull diagnostics (textDocument.diagnostic, with workspace/diagnostic/refresh
    unless ``refresh`` is False) even if the editor does not. With ``plugin`` (by default
    for VS Code and Neovim, which peer has a client of its own for), it also declares what
    those clients add: that they show peer's command results themselves."""
    recorded = recorded_capabilities(editor)
    if plugin if plugin is not None else editor in EDITORS:
        experimental = {"peer": {"showsCommandResults": True}}
        recorded = attrs.evolve(recorded, experimental=experimental)
    if encodings is not None:
        general = recorded.general or types.GeneralClientCapabilities()
        offered = [types.PositionEncodingKind(encoding) for encoding in encodings]
        general = attrs.evolve(general, position_encodings=offered)
        recorded = attrs.evolve(recorded, general=general)
    if pull:
        text = recorded.text_document or types.TextDocumentClientCapabilities()
        diagnostic = text.diagnostic or types.DiagnosticClientCapabilities()
        recorded = attrs.evolve(recorded, text_document=attrs.evolve(text, diagnostic=diagnostic))
    if pull or refresh is not None:
        workspace = recorded.workspace or types.WorkspaceClientCapabilities()
        supported = True if refresh is None else refresh
        diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=supported)
        workspace = attrs.evolve(workspace, diagnostics=diagnostics)
        recorded = attrs.evolve(recorded, workspace=workspace)
    return recorded


def recorded_capabilities(editor: str) -> types.ClientCapabilities:
    """The capabilities of an editor recorded here (`RECORDED`) or shipped with pytest-lsp."""
    if editor not in RECORDED:
        return client_capabilities(editor)
    recorded = json.loads((CLIENTS / RECORDED[editor]).read_text(encoding="utf-8"))
    caps: types.ClientCapabilities = default_converter().structure(
        recorded["capabilities"], types.ClientCapabilities
    )
    return caps


def initialize_params(
    caps: types.ClientCapabilities, root: Path, options: object = None
) -> types.InitializeParams:
    return types.InitializeParams(
        capabilities=caps,
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options=options,
    )


def pulls(client: LanguageClient) -> bool:
    """Whether the server lets the client pull its diagnostics: it declared
    textDocument.diagnostic and workspace/diagnostic/refresh (else it is pushed to)."""
    caps = client.capabilities
    declared = bool(caps and caps.text_document and caps.text_document.diagnostic is not None)
    workspace = caps.workspace if caps else None
    refresh = bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support)
    return declared and refresh


def document(
    path: Path, text: str, language_id: str = "python", version: int = 1
) -> types.TextDocumentItem:
    return types.TextDocumentItem(
        uri=path.as_uri(), language_id=language_id, version=version, text=text
    )


def edit(
    start: tuple[int, int], end: tuple[int, int], text: str
) -> types.TextDocumentContentChangePartial:
    """An incremental change replacing ``start``..``end`` (line, character) with ``text``."""
    return types.TextDocumentContentChangePartial(range=span(start, end), text=text)


def apply_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    """``edits`` applied to ``text`` (positions in UTF-16, which ASCII text does not mind)."""
    lines = text.splitlines(keepends=True)

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[: position.line]) + position.character

    for text_edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        start, end = offset(text_edit.range.start), offset(text_edit.range.end)
        text = text[:start] + text_edit.new_text + text[end:]
    return text


def span(start: tuple[int, int], end: tuple[int, int]) -> types.Range:
    return types.Range(start=types.Position(*start), end=types.Position(*end))


def syntax_error(start: tuple[int, int], end: tuple[int, int], message: str) -> types.Diagnostic:
    """The diagnostic peer-lsp reports for a syntax error, without its opaque ``data``."""
    return types.Diagnostic(
        range=span(start, end),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        code="syntax-error",
        source="peer",
    )


def without_data(diagnostics: Sequence[types.Diagnostic]) -> list[types.Diagnostic]:
    """Diagnostics as compared in tests: everything but ``data`` (fingerprints, confidence)."""
    return [attrs.evolve(diagnostic, data=None) for diagnostic in diagnostics]


async def pull(
    client: LanguageClient, uri: str, previous_result_id: str | None = None
) -> types.DocumentDiagnosticReport:
    params = types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        identifier="peer",
        previous_result_id=previous_result_id,
    )
    async with asyncio.timeout(TIMEOUT):
        return await client.text_document_diagnostic_async(params)


async def next_notification(client: LanguageClient, method: str) -> Any:
    """The params of the next ``method`` notification from the server."""
    async with asyncio.timeout(TIMEOUT):
        return await client.wait_for_notification(method)


async def published(client: LanguageClient) -> types.PublishDiagnosticsParams:
    """The next textDocument/publishDiagnostics notification."""
    params: types.PublishDiagnosticsParams = await next_notification(
        client, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
    )
    return params


async def diagnostics_after(
    client: LanguageClient, uri: str, version: int | None
) -> list[types.Diagnostic]:
    """The document's diagnostics as the client receives them after a sync notification:
    pulled by a pulling client, else the next push, which must be for ``uri`` at ``version``.
    Call it right after sending the notification, with no await in between."""
    if pulls(client):
        report = await pull(client, uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        # The server handles messages in order, so a push caused by the notification would
        # have arrived before this answer.
        assert uri not in client.diagnostics, "diagnostics were pushed to a client that pulls"
        return without_data(report.items)
    params = await published(client)
    assert (params.uri, params.version) == (uri, version)
    return without_data(params.diagnostics)


async def open_document(
    client: LanguageClient, item: types.TextDocumentItem
) -> list[types.Diagnostic]:
    """didOpen, then the document's diagnostics."""
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
    return await diagnostics_after(client, item.uri, item.version)


async def change_document(
    client: LanguageClient, uri: str, version: int, *changes: types.TextDocumentContentChangeEvent
) -> list[types.Diagnostic]:
    """didChange with ``changes``, then the document's diagnostics at ``version``."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=list(changes),
        )
    )
    return await diagnostics_after(client, uri, version)


async def close_document(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """didClose, then what the client is left with for the document."""
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    return await diagnostics_after(client, uri, None)
