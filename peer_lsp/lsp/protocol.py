"""pygls protocol tuned for peer-lsp: UTF-8 positions when offered, one copy of each text.

pygls keeps its own copy of every open document and re-splits it into lines on every change;
peer-lsp keeps documents itself (peer_lsp.documents), so the built-in open/change/close
bookkeeping is skipped and only the registered handlers run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Generator
from typing import Any

from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import from_fs_path
from pygls.workspace import Workspace

from peer_lsp.documents.positions import Encoding

log = logging.getLogger(__name__)


def choose_encoding(capabilities: types.ClientCapabilities) -> Encoding:
    """UTF-8 when the client offers it (no conversion at all), else UTF-16 (the default)."""
    general = capabilities.general
    offered = (general.position_encodings if general else None) or []
    if types.PositionEncodingKind.Utf8 in offered:
        return Encoding.UTF8
    return Encoding.UTF16


class PeerProtocol(LanguageServerProtocol):
    """The LSP protocol with peer-lsp's encoding choice and document handling."""

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        self._server.process_id = params.process_id
        self.client_capabilities = params.capabilities
        encoding = choose_encoding(params.capabilities)
        position_encoding = types.PositionEncodingKind(encoding.value)
        root_uri = params.root_uri
        if root_uri is None and params.root_path is not None:
            root_uri = from_fs_path(params.root_path)
        self._workspace = Workspace(
            root_uri,
            self._server._text_document_sync_kind,
            params.workspace_folders or [],
            position_encoding,
        )
        if (handler := self.fm.features.get(types.INITIALIZE)) is not None:
            yield handler, (params,), None
        self.server_capabilities = ServerCapabilitiesBuilder(
            self.client_capabilities,
            set({**self.fm.features, **self.fm.builtin_features}.keys()),
            self.fm.feature_options,
            list(self.fm.commands.keys()),
            self._server._text_document_sync_kind,
            self._server._notebook_document_sync,
            position_encoding,
        ).build()  # type: ignore[no-untyped-call]
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "capabilities: %s",
                json.dumps(self.server_capabilities, default=self._serialize_message),
            )
        return types.InitializeResult(
            capabilities=self.server_capabilities, server_info=self.server_info
        )

    def _user_handler(self, method: str, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)
