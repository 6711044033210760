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
    SUGGEST_TEST = "peer.suggestTest"
    DISMISS = "peer.dismiss"
    CLEAR_CACHE = "peer.clearCache"
    AUDIT_LOG = "peer.auditLog"
    INSPECT = "peer.inspect"

    @property
    def arguments(self) -> str:
        """The arguments, as docs/editors.md writes them."""
        return _DOCS[self][0]

    @property
    def summary(self) -> str:
        """What the command does, as docs/editors.md says it."""
        return _DOCS[self][1]


_DOCS = {
    Command.REVIEW_NOW: (
        "[uri, line?]",
        "review the function at the line, or the whole file, now, past the cache",
    ),
    Command.HEALTH: (
        "[]",
        "the review status, with each provider's latency, success rate and breaker, and "
        "today's bill (UTC) from the audit log, as `peer stats --since today` counts it; "
        "also a one-line window/showMessage for a client that shows command results nowhere",
    ),
    Command.ASK_ANOTHER_MODEL: (
        "[uri, fingerprint]",
        "a second model's opinion on a model finding; its confidence moves with it",
    ),
    Command.EXPLAIN: (
        "[uri, fingerprint]",
        "the finding's explanation, with the model's answer streamed after it when a model "
        "is configured: `{title, markdown, text, shownAs, status?}`, shown as a Markdown "
        "document (see Explanations below)",
    ),
    Command.SUGGEST_TEST: (
        "[uri, fingerprint]",
        "a test that fails on the finding's problem, written by the model in the project's "
        "test framework and style: `{title, languageId, suggestedName, text, model, cached, "
        "shownAs}`, streamed into a new unsaved buffer (see Suggested tests below)",
    ),
    Command.DISMISS: (
        "[uri, fingerprint]",
        "never show this finding again for this code in this workspace",
    ),
    Command.CLEAR_CACHE: ("[]", "empty the model-answer cache the settings name"),
    Command.AUDIT_LOG: ("[]", "where the audit log of requests sent is, and whether it exists"),
    Command.INSPECT: (
        "[uri, fingerprint or line]",
        "the exchanges with models about a finding or the unit at a line: the prompt as sent, "
        "the raw answer, the findings kept and those dropped with why (the inspector setting)",
    ),
}

STATUS = "peer/status"
"""The notification the server sends when its review status changes (docs/editors.md)."""
