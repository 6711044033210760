"""Every command the server answers (workspace/executeCommand), in one registry.

The server registers these and no other; docs/editors.md documents each with its arguments
(a test holds it to this list), and ``python -m peer_lsp.commands.editor_schema --check`` holds the
VS Code extension to it: the server commands it calls must be here, and its own commands
must not take a name from here (vscode-languageclient registers each server command under
its own name). Standard library only: the editor-manifest check imports it without pygls.
"""

from __future__ import annotations

import enum


class Command(enum.StrEnum):
    """A server command, by the id clients send."""

    REVIEW_NOW = "peer.reviewNow"
    HEALTH = "peer.health"
    ASK_ANOTHER_MODEL = "peer.askAnotherModel"
    EXPLAIN = "peer.explain"
    DISMISS = "peer.dismiss"
    CLEAR_CACHE = "peer.clearCache"
    AUDIT_LOG = "peer.auditLog"

    @property
    def arguments(self) -> str:
        """The arguments, as docs/editors.md writes them."""
        return _ARGUMENTS[self]


_ARGUMENTS = {
    Command.REVIEW_NOW: "[uri, line?]",
    Command.HEALTH: "[]",
    Command.ASK_ANOTHER_MODEL: "[uri, fingerprint]",
    Command.EXPLAIN: "[uri, fingerprint]",
    Command.DISMISS: "[uri, fingerprint]",
    Command.CLEAR_CACHE: "[]",
    Command.AUDIT_LOG: "[]",
}

STATUS = "peer/status"
"""The notification the server sends when its review status changes (docs/editors.md)."""
