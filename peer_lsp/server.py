"""The language server: state shared by the handlers, and their registration. Thin by design."""

from __future__ import annotations

import logging
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from peer_lsp import __version__
from peer_lsp.analysis.engine import Engine
from peer_lsp.log import ClientLogHandler
from peer_lsp.lsp.capabilities import ClientFeatures
from peer_lsp.lsp.protocol import PeerProtocol
from peer_lsp.settings import Problem, Settings

log = logging.getLogger(__name__)

_MESSAGE_TYPES = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
}


class PeerLanguageServer(LanguageServer):
    """pygls server holding the engine and what was learned about the client."""

    def __init__(self) -> None:
        super().__init__("peer-lsp", __version__, protocol_cls=PeerProtocol)
        self.engine = Engine()
        self.client = ClientFeatures()
        self.init_options: object = None
        """initializationOptions as sent, the base that workspace/configuration refines."""
        self.diagnostic_results: dict[str, str] = {}
        """Last pull-diagnostics resultId per URI."""
        self.project_settings = Settings()
        """Settings from the workspace's project file, under the editor's."""
        self.pending_problems: list[Problem] = []
        """Setting problems found at initialize, shown once the client is ready."""
        self.reported_failures: set[str] = set()
        """Handlers whose failure the user has already been told about."""
        self.workspace_root: Path | None = None
        """The first workspace folder, for project settings and relative paths."""
        self.dismissed_file: Path | None = None
        """Where the workspace's dismissed findings are kept (none without a workspace)."""
        from peer_lsp.lsp.reviews import Reviewing

        self.reviewing = Reviewing(self)
        """Model reviews: router, scheduler, status."""

    @property
    def settings(self) -> Settings:
        return self.engine.settings

    def show(self, kind: types.MessageType, message: str) -> None:
        """Tell the user something (window/showMessage)."""
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def client_log_handler(self) -> ClientLogHandler:
        """A logging handler forwarding warnings and errors as window/logMessage."""

        def send(level: int, text: str) -> None:
            kind = _MESSAGE_TYPES.get(level, types.MessageType.Error)
            self.window_log_message(types.LogMessageParams(type=kind, message=text))

        return ClientLogHandler(send)


def create_server() -> PeerLanguageServer:
    """A fresh server with every feature registered."""
    from peer_lsp.lsp import code_actions, diagnostics, editor_commands, lifecycle, reviews, sync

    server = PeerLanguageServer()
    for feature in (lifecycle, sync, diagnostics, reviews, code_actions, editor_commands):
        feature.register(server)
    return server
