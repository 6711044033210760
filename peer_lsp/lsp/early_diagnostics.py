"""The local diagnostics of documents opened while pygls is still loading.

An editor opens its first file right after ``initialized``, about half a second before
pygls (lsprotocol above all) has loaded. The fast start (`peer_lsp.lsp.fast_start`) hands
those ``didOpen`` notifications here: the same engine the server runs analyses them, with
the settings the server's ``initialize`` resolves (project file, then
``initializationOptions``, then dismissed findings), and the notification to publish comes
back as plain JSON. pygls later handles the same ``didOpen`` again from the replayed input
and computes the same diagnostics, which the fast start then drops as already sent.

Only what needs nothing from the client beyond ``initialize`` is published here: not for
clients that pull diagnostics, not for a document the server would first tell the user
about (over maxFileBytes, local rules off), not anything the model said (restored reviews
arrive with pygls). Loaded lazily: nothing here runs before ``initialize`` is answered.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pygls.uris import to_fs_path

from peer_lsp.analysis.dismissed import dismissed_path, load_dismissed
from peer_lsp.analysis.engine import Engine
from peer_lsp.lsp.diagnostic_json import publish_json
from peer_lsp.settings.files import load_settings
from peer_lsp.settings.model import Settings
from peer_lsp.settings.options import resolve
from peer_lsp.text.positions import Encoding

log = logging.getLogger(__name__)


def workspace_root(params: Mapping[str, Any]) -> Path | None:
    """The workspace of an initialize request: its first folder, else rootUri, else rootPath
    (lifecycle's rule, on plain JSON)."""
    uri = params.get("rootUri")
    folders = params.get("workspaceFolders")
    if isinstance(folders, list) and folders and isinstance(folders[0], Mapping):
        uri = folders[0].get("uri")
    if isinstance(uri, str) and uri:
        path = to_fs_path(uri)
        return Path(path) if path else None
    root_path = params.get("rootPath")
    return Path(root_path) if isinstance(root_path, str) and root_path else None


def pulls_diagnostics(capabilities: Mapping[str, Any]) -> bool:
    """Whether the server will let this client pull instead of pushing to it
    (ClientFeatures.pull_diagnostics's rule, on plain JSON)."""
    text = capabilities.get("textDocument")
    workspace = capabilities.get("workspace")
    diagnostics = workspace.get("diagnostics") if isinstance(workspace, Mapping) else None
    refresh = isinstance(diagnostics, Mapping) and bool(diagnostics.get("refreshSupport"))
    pulls = isinstance(text, Mapping) and text.get("diagnostic") is not None
    return pulls and refresh


class EarlyDiagnostics:
    """Analyses the documents opened before the server is ready, as the server would."""

    def __init__(self, settings: Settings, dismissed: set[str], encoding: Encoding) -> None:
        self.engine = Engine(settings)
        self.engine.dismissed |= dismissed
        self.encoding = encoding

    @classmethod
    def for_client(
        cls, params: Mapping[str, Any], position_encoding: str
    ) -> EarlyDiagnostics | None:
        """Set up from the initialize request; None when this client is not pushed to."""
        capabilities = params.get("capabilities")
        if not isinstance(capabilities, Mapping) or pulls_diagnostics(capabilities):
            return None
        root = workspace_root(params)
        base, _ = load_settings(root) if root else (Settings(), [])
        settings, _ = resolve(
            params.get("initializationOptions"), base, source="initializationOptions"
        )
        dismissed = load_dismissed(dismissed_path(root)) if root is not None else set()
        return cls(settings, dismissed, Encoding(position_encoding))

    def opened(self, params: object) -> dict[str, Any] | None:
        """The publishDiagnostics notification for a didOpen's document, or None when it is
        left for the server to publish."""
        item = params.get("textDocument") if isinstance(params, Mapping) else None
        if not isinstance(item, Mapping):
            return None
        uri, text, language = item.get("uri"), item.get("text"), item.get("languageId", "")
        version = item.get("version")
        if not (isinstance(uri, str) and isinstance(text, str) and isinstance(language, str)):
            return None
        if isinstance(version, bool) or not isinstance(version, int):
            return None
        document = self.engine.open(uri, text, language, version, self.encoding)
        if self.engine.oversized_notice(uri) is not None or self.engine.rules_notice(uri):
            return None
        return publish_json(document, self.engine.findings(uri))
