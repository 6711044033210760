"""What the connected client can do, resolved once at initialize into named booleans."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from peer_lsp.documents.positions import Encoding
from peer_lsp.lsp.protocol import choose_encoding


@dataclass(frozen=True, slots=True)
class ClientFeatures:
    """Client capabilities peer-lsp acts on."""

    pull_diagnostics: bool = False
    """The client asks for diagnostics (textDocument/diagnostic): never push to it."""

    diagnostic_refresh: bool = False
    """The client honours workspace/diagnostic/refresh."""

    configuration: bool = False
    """The client answers workspace/configuration."""

    work_done_progress: bool = False
    position_encoding: Encoding = Encoding.UTF16

    @classmethod
    def from_capabilities(cls, capabilities: types.ClientCapabilities) -> ClientFeatures:
        text = capabilities.text_document
        workspace = capabilities.workspace
        window = capabilities.window
        return cls(
            pull_diagnostics=bool(text and text.diagnostic is not None),
            diagnostic_refresh=bool(
                workspace and workspace.diagnostics and workspace.diagnostics.refresh_support
            ),
            configuration=bool(workspace and workspace.configuration),
            work_done_progress=bool(window and window.work_done_progress),
            position_encoding=choose_encoding(capabilities),
        )
