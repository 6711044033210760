"""The language server's state, shared by the handlers, and how findings reach the editor.

Diagnostics are pulled by clients that can pull and pushed to the others; never both: a client
that pulls and is also pushed to shows every finding twice.
"""

from __future__ import annotations

import asyncio
import logging
import typing
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from peer_lsp import __version__
from peer_lsp.analysis.engine import Engine
from peer_lsp.log import ClientLogHandler
from peer_lsp.lsp.capabilities import ClientFeatures
from peer_lsp.lsp.convert import to_diagnostics
from peer_lsp.lsp.protocol import PeerProtocol
from peer_lsp.lsp.reviewing import Reviewing
from peer_lsp.settings.model import Settings
from peer_lsp.settings.options import Problem

if typing.TYPE_CHECKING:
    from peer_lsp.rules.ruleset import RuleProblem

log = logging.getLogger(__name__)

SHOW_DOCUMENT_TIMEOUT = 10.0
"""Longest wait for the client's answer to window/showDocument before the message fallback."""

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
        self.edits: dict[str, int] = {}
        """How many edits each open document had: a background reparse publishes only if
        no edit came after its own (lsp.sync)."""
        """Handlers whose failure the user has already been told about."""
        self.workspace_root: Path | None = None
        """The first workspace folder, for project settings and relative paths."""
        self.workspace_roots: list[Path] = []
        """Every workspace folder: each one's ``.peer/rules`` apply under it."""
        self.pending_rule_problems: list[RuleProblem] = []
        """Project rules that failed to load at initialize, shown once the client is ready."""
        self.dismissed_file: Path | None = None
        """Where the workspace's dismissed findings are kept (none without a workspace)."""
        self.reviewing = Reviewing(self)
        """Model reviews: router, scheduler, status."""

    @property
    def settings(self) -> Settings:
        return self.engine.settings

    def show(self, kind: types.MessageType, message: str) -> None:
        """Tell the user something (window/showMessage)."""
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    async def ask(self, kind: types.MessageType, message: str, answers: list[str]) -> str | None:
        """Ask the user (window/showMessageRequest): the answer chosen, None if dismissed."""
        actions = [types.MessageActionItem(title) for title in answers]
        params = types.ShowMessageRequestParams(type=kind, message=message, actions=actions)
        chosen = await self.window_show_message_request_async(params)
        return chosen.title if chosen is not None else None

    async def show_written(self, path: Path, text: str, what: str) -> bool:
        """Write ``text`` to ``path`` and ask the client to open it (window/showDocument):
        for clients that show a document but not peer's own views; whether it did.
        ``what`` names the text in the log."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            log.warning("%s not written to %s: %s", what, path, error)
            return False
        params = types.ShowDocumentParams(uri=path.as_uri(), take_focus=True)
        try:
            async with asyncio.timeout(SHOW_DOCUMENT_TIMEOUT):
                result = await self.window_show_document_async(params)
        except Exception as error:  # refused, or no answer: the caller falls back
            log.info("window/showDocument of %s failed: %s", path, error)
            return False
        return bool(result and result.success)

    def notify(self, method: str, params: object) -> None:
        """Send a notification of peer's own (``peer/status``)."""
        self.protocol.notify(method, params)

    def client_log_handler(self) -> ClientLogHandler:
        """A logging handler forwarding warnings and errors as window/logMessage."""

        def send(level: int, text: str) -> None:
            kind = _MESSAGE_TYPES.get(level, types.MessageType.Error)
            self.window_log_message(types.LogMessageParams(type=kind, message=text))

        return ClientLogHandler(send)

    # -- diagnostics: pushed, or pulled ------------------------------------------------------

    def publish(self, uri: str) -> None:
        """Push the document's current findings, unless this client pulls them."""
        if self.client.pull_diagnostics:
            return
        document = self.engine.documents.get(uri)
        if document is None:
            return
        diagnostics = to_diagnostics(document, self.engine.findings(uri))
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=document.version
            )
        )

    def republish(self, uri: str) -> None:
        """After the findings of one document changed outside an edit (a review, a
        dismissal): push them, or ask a pulling client that allows it to pull again."""
        self.publish(uri)
        if self.client.pull_diagnostics and self.client.diagnostic_refresh:
            self.workspace_diagnostic_refresh(None)

    def clear_diagnostics(self, uri: str) -> None:
        """Remove a closed document's diagnostics from the editor."""
        self.diagnostic_results.pop(uri, None)
        if not self.client.pull_diagnostics:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    def refresh_diagnostics(self) -> None:
        """After a settings change: push again, or ask a pulling client to pull again."""
        if self.client.pull_diagnostics:
            if self.client.diagnostic_refresh:
                self.workspace_diagnostic_refresh(None)
            return
        for document in self.engine.documents:
            self.publish(document.uri)
