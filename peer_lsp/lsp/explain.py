"""`peer.explain`: a finding's explanation, where people read it.

The explanation is a Markdown document (the finding, why, the confidence, the fix). How it
reaches the user depends on the client:

- a client that shows peer's command results itself (``experimental.peer.
  showsCommandResults``: the VS Code extension, the Neovim plugin) gets it as the command's
  result and shows it rendered (a read-only virtual document, a floating window);
- any other client that opens documents on request (window/showDocument: Helix, plain
  Neovim) gets the document as a file it opens, under the user state directory;
- the rest get it as window/showMessage, in plain text: a message shows Markdown raw.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import typing
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from peer_lsp.analysis.dismissed import state_dir
from peer_lsp.findings.model import Finding, is_model_finding
from peer_lsp.lsp.code_actions import hover_text, meter
from peer_lsp.lsp.commands import Command
from peer_lsp.lsp.convert import rule_doc
from peer_lsp.lsp.language_server import (
    PeerLanguageServer,  # at run time: pygls resolves annotations
)
from peer_lsp.text.markdown import code_block, code_span, escape

log = logging.getLogger(__name__)

SHOW_DOCUMENT_TIMEOUT = 10.0
"""Longest wait for the client's answer to window/showDocument before the message fallback."""


def explanation_markdown(finding: Finding, where: str, language: str | None = None) -> str:
    """The explanation document of ``finding``, found at ``where`` (``file:line``). Model
    text is escaped for Markdown but for its code spans (a local rule's is Markdown written
    here, shown as written); the fix is a code block."""
    model = is_model_finding(finding)

    def authored(text: str) -> str:
        return escape(text) if model else text

    lines = [
        f"# {authored(finding.message)}",
        "",
        f"{finding.severity.name.capitalize()} · {finding.category.value} · "
        f"{code_span(finding.rule_id)} · {escape(where)}",
    ]
    if finding.explanation:
        lines += ["", authored(finding.explanation)]
    lines += ["", f"**Confidence:** {code_span(meter(finding.confidence))}"]
    if is_model_finding(finding):
        lines += ["", f"**Model:** {escape(finding.source)}"]
    fix = finding.fix
    if fix is not None:
        state = (
            "verified: it parses, its names resolve, its unit keeps its exports"
            if fix.verified
            else "not verified"
        )
        lines += ["", f"**{authored(fix.title)}** ({state})"]
        for edit in fix.edits:
            if edit.new_text.strip():
                lines += ["", code_block(edit.new_text, language or "")]
    link = rule_doc(finding)
    if link is not None:
        lines += [
            "",
            f"Local rule [{code_span(finding.rule_id)}]({link.href}); hide it here with "
            f"{code_span(f'peer: ignore[{finding.rule_id}]')}",
        ]
    return "\n".join(lines) + "\n"


def _where(ls: PeerLanguageServer, uri: str, finding: Finding) -> str:
    """``file:line``, the file relative to the workspace when it is inside."""
    path = to_fs_path(uri) or uri
    if ls.workspace_root is not None:
        with contextlib.suppress(ValueError):  # outside the workspace: the full path
            path = str(Path(path).relative_to(ls.workspace_root))
    return f"{path}:{finding.span.start_line + 1}"


async def explain(ls: PeerLanguageServer, *arguments: typing.Any) -> dict[str, object] | None:
    """`peer.explain [uri, fingerprint]`: ``{"title", "markdown", "text", "shownAs"}``, the
    explanation in Markdown and in plain text, and how it was shown: ``"result"`` (the
    client shows it), ``"document"`` (window/showDocument) or ``"message"``. None when the
    finding is gone."""
    args = list(arguments)
    if len(args) < 2:
        return None
    uri, fingerprint = str(args[0]), str(args[1])
    finding = next((f for f in ls.engine.findings(uri) if f.fingerprint == fingerprint), None)
    document = ls.engine.documents.get(uri)
    if finding is None or document is None:
        return None
    where = _where(ls, uri, finding)
    markdown = explanation_markdown(finding, where, document.grammar)
    text = hover_text(finding, markdown=False)
    title = f"peer: {finding.rule_id} at {where}"
    if ls.client.shows_results:
        shown = "result"
    elif ls.client.show_document and await _show_document(ls, finding, markdown):
        shown = "document"
    else:
        ls.show(types.MessageType.Info, text)
        shown = "message"
    return {"title": title, "markdown": markdown, "text": text, "shownAs": shown}


def explanation_file(finding: Finding) -> Path:
    """Where the document of a client that cannot show it otherwise is written: one file
    per finding, rewritten each time (the user state directory, ``explanations/``)."""
    name = hashlib.sha256(finding.fingerprint.encode()).hexdigest()[:16]
    rule = re.sub(r"[^\w.-]+", "-", finding.rule_id)
    return state_dir() / "explanations" / f"{rule}-{name}.md"


async def _show_document(ls: PeerLanguageServer, finding: Finding, markdown: str) -> bool:
    """Write the document and ask the client to open it; whether it did."""
    path = explanation_file(finding)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown, encoding="utf-8")
    except OSError as error:
        log.warning("explanation not written to %s: %s", path, error)
        return False
    params = types.ShowDocumentParams(uri=path.as_uri(), take_focus=True)
    try:
        async with asyncio.timeout(SHOW_DOCUMENT_TIMEOUT):
            result = await ls.window_show_document_async(params)
    except Exception as error:  # refused, or no answer: the message still tells
        log.info("window/showDocument of %s failed: %s", path, error)
        return False
    return bool(result and result.success)


def register(server: PeerLanguageServer) -> None:
    server.command(Command.EXPLAIN)(explain)
