"""What the connected client can do, resolved once at initialize into named booleans."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from peer_lsp.lsp.protocol import choose_encoding
from peer_lsp.text.positions import Encoding


@dataclass(frozen=True, slots=True)
class ClientFeatures:
    """Client capabilities peer-lsp acts on."""

    pull_diagnostics: bool = False
    """The client asks for diagnostics (textDocument/diagnostic) and can be told to ask
    again (workspace/diagnostic/refresh): never push to it. A client that pulls but cannot
    be told to pull again would not see a review's findings until the next edit, so it is
    pushed to, and its pulls get empty reports (nothing shown twice)."""

    diagnostic_refresh: bool = False
    """The client honours workspace/diagnostic/refresh."""

    configuration: bool = False
    """The client answers workspace/configuration."""

    work_done_progress: bool = False
    position_encoding: Encoding = Encoding.UTF16

    resolves_code_action_edits: bool = False
    """The client asks codeAction/resolve for an action's edit and sends the action's
    ``data`` back with it: edits are computed only for the action chosen. Other clients
    (eglot 1.9, ALE) get every edit inside its action, or nothing would happen."""

    document_changes: bool = False
    """The client reads WorkspaceEdit.documentChanges (edits for a document version); the
    others (ALE, Neovim) get ``changes``."""

    markdown_hover: bool = True
    """The client renders Markdown in hovers; eglot 1.9 and ALE declare plain text only."""

    shows_results: bool = False
    """The client shows what peer's commands answer itself: ``peer.explain``'s Markdown
    document and ``peer.health``'s report (``experimental.peer.showsCommandResults``, which
    the VS Code extension and the Neovim plugin declare). Any other client gets them as
    window/showDocument or window/showMessage, or would see nothing (Helix, eglot, ALE)."""

    show_document: bool = False
    """The client opens documents on window/showDocument (Helix, Neovim, VS Code)."""

    streams: bool = False
    """The client shows text while a model writes it (``experimental.peer.streams``: the
    VS Code extension and the Neovim plugin): `peer_lsp.lsp.streaming`."""

    watches_files: bool = False
    """The client watches files for the server once asked (dynamic registration of
    workspace/didChangeWatchedFiles): a project's ``.peer/rules`` reload as they change."""

    @classmethod
    def from_capabilities(cls, capabilities: types.ClientCapabilities) -> ClientFeatures:
        text = capabilities.text_document
        workspace = capabilities.workspace
        window = capabilities.window
        refresh = bool(
            workspace and workspace.diagnostics and workspace.diagnostics.refresh_support
        )
        return cls(
            pull_diagnostics=bool(text and text.diagnostic is not None) and refresh,
            diagnostic_refresh=refresh,
            configuration=bool(workspace and workspace.configuration),
            work_done_progress=bool(window and window.work_done_progress),
            position_encoding=choose_encoding(capabilities),
            resolves_code_action_edits=_resolves_edits(text.code_action if text else None),
            markdown_hover=_reads_markdown(text.hover if text else None),
            document_changes=bool(
                workspace and workspace.workspace_edit and workspace.workspace_edit.document_changes
            ),
            shows_results=_peer_experimental(capabilities.experimental, SHOWS_RESULTS),
            show_document=bool(window and window.show_document and window.show_document.support),
            streams=_peer_experimental(capabilities.experimental, STREAMS),
            watches_files=bool(
                workspace
                and workspace.did_change_watched_files
                and workspace.did_change_watched_files.dynamic_registration
            ),
        )


SHOWS_RESULTS = "showsCommandResults"
"""The key of ``experimental.peer`` by which a client says it shows peer's command results."""

STREAMS = "streams"
"""The key of ``experimental.peer`` by which a client says it shows streamed text."""


def _peer_experimental(experimental: object, key: str) -> bool:
    """Whether ``experimental.peer[key]`` is true (anything else: it is not)."""
    peer = experimental.get("peer") if isinstance(experimental, dict) else None
    return isinstance(peer, dict) and peer.get(key) is True


def _resolves_edits(code_action: types.CodeActionClientCapabilities | None) -> bool:
    """Whether the client resolves an action's ``edit`` lazily, keeping its ``data``."""
    if code_action is None or not code_action.data_support:
        return False
    resolve = code_action.resolve_support
    return resolve is not None and "edit" in resolve.properties


def _reads_markdown(hover: types.HoverClientCapabilities | None) -> bool:
    """Markdown unless the client lists hover formats without it (no list: it does not say)."""
    formats = hover.content_format if hover else None
    return not formats or types.MarkupKind.Markdown in formats
