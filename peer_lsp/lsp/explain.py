"""`peer.explain`: a finding's explanation, where people read it, with the model's answer.

The explanation is a Markdown document (the finding, why, the confidence, the fix). With a
model configured, the model is asked about the finding and its unit (task ``explain``,
`peer_lsp.review.explain`) and its answer follows the document, under "The model's
explanation". How it reaches the user depends on the client:

- a client that declares ``experimental.peer.streams`` (the VS Code extension, the Neovim
  plugin) gets a stream (`peer_lsp.lsp.streaming`, kind ``explanation``): the document at
  once, then the model's text as it arrives, with $/progress reports; closing the view
  (``peer/streamCancel``) or cancelling the progress cancels the model call, which closes
  the provider's stream. The command ends with the stream (``shownAs: "stream"``, the whole
  text, and ``status``: done, failed or cancelled). The provider failing leaves the
  document shown, with a line saying why;
- a client that shows peer's command results itself (``experimental.peer.
  showsCommandResults``) gets the whole document, the model's answer included, as the
  command's result and shows it rendered (a read-only virtual document, a floating window);
  the others get it, once complete, as below; $/progress says meanwhile how far it got;
- any other client that opens documents on request (window/showDocument: Helix, plain
  Neovim) gets the document as a file it opens, under the user state directory;
- the rest get it as window/showMessage, in plain text: a message shows Markdown raw.

Without a model, or for a finding outside every unit, the document is all there is.
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
from peer_lsp.lsp.streaming import open_stream, until_cancelled
from peer_lsp.text.markdown import code_block, code_span, escape

if typing.TYPE_CHECKING:
    from peer_lsp.documents.store import Document
    from peer_lsp.llm.router import Router
    from peer_lsp.lsp.streaming import Status, TextStream
    from peer_lsp.review.explain import Explained
    from peer_lsp.syntax.unit import Unit

log = logging.getLogger(__name__)


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
    return f"{_relative(ls, uri)}:{finding.span.start_line + 1}"


async def explain(ls: PeerLanguageServer, *arguments: typing.Any) -> dict[str, object] | None:
    """`peer.explain [uri, fingerprint]`: ``{"title", "markdown", "text", "shownAs"}``, the
    explanation in Markdown and in plain text, and how it was shown: ``"stream"`` (the client
    was sent it as it came: the command ends with the stream, ``status`` saying how),
    ``"result"`` (the client shows it), ``"document"`` (window/showDocument) or
    ``"message"``. None when the finding is gone."""
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
    router = ls.reviewing.router
    unit = _unit_of(document, finding) if router is not None else None
    if router is not None and unit is not None:
        asking = _Asking(router, finding, unit, document, _relative(ls, uri))
        stream = await open_stream(ls, kind="explanation", title=title, language_id="markdown")
        status = await _explained(asking, stream, markdown)
        markdown, text = stream.text, f"{text}\n\n{asking.plain()}"
        if stream.streamed:
            return {
                "title": title,
                "markdown": markdown,
                "text": text,
                "shownAs": "stream",
                "status": status,
            }
    if ls.client.shows_results:
        shown = "result"
    elif ls.client.show_document and await ls.show_written(
        explanation_file(finding), markdown, "explanation"
    ):
        shown = "document"
    else:
        ls.show(types.MessageType.Info, text)
        shown = "message"
    return {"title": title, "markdown": markdown, "text": text, "shownAs": shown}


MODEL_HEADING = "## The model's explanation"
"""The heading the model's answer comes under, after the finding's document."""

FAILED_PREFIX = "**No explanation from the model:**"
STOPPED = "*Stopped before the end.*"


class _Asking:
    """One explanation asked of the model, and what came of it."""

    def __init__(
        self, router: Router, finding: Finding, unit: Unit, document: Document, path: str
    ) -> None:
        self.router = router
        self.finding = finding
        self.unit = unit
        self.document = document
        self.path = path
        self.explained: Explained | None = None
        self.error: Exception | None = None

    def plain(self) -> str:
        """What came of it, for a plain-text message (the model's text as it wrote it)."""
        if self.explained is not None:
            cached = ", from the cache" if self.explained.cached else ""
            return f"The model's explanation ({self.explained.model}{cached}):\n\n" + (
                self.explained.text
            )
        if self.error is not None:
            return f"No explanation from the model: {self.error}"
        return "The model's explanation was stopped before the end."

    async def answer(self, stream: TextStream, document: str) -> None:
        """Into ``stream``: ``document`` and the heading at once, the model's answer as it
        arrives, who wrote it; or why there is none (then the error is raised)."""
        from peer_lsp.review.explain import explain_finding

        head = f"{document}\n{MODEL_HEADING}\n\n"
        stream.append(head, at_once=True)
        try:
            explained = await explain_finding(
                self.router,
                self.finding,
                self.unit,
                self.document,
                path=self.path,
                listener=_AfterDocument(stream, head),
            )
        except Exception as error:  # LLMError, PromptBudgetError: the document stands
            log.info("no explanation of %s: %s", self.finding.rule_id, error)
            self.error = error
            stream.append(f"\n\n{FAILED_PREFIX} {escape(str(error))}\n")
            raise
        self.explained = explained
        cached = ", from the cache" if explained.cached else ""
        stream.append(f"\n\n*{escape(explained.model)}{cached}*\n")


class _AfterDocument:
    """The model's text into the stream after the document: a restart (a retry, another
    provider) shows the document again, then the new answer."""

    def __init__(self, stream: TextStream, head: str) -> None:
        self.stream = stream
        self.head = head

    def on_text(self, delta: str) -> None:
        self.stream.append(delta)

    def on_restart(self) -> None:
        self.stream.on_restart()  # the next append replaces what the view shows
        self.stream.append(self.head)


async def _explained(asking: _Asking, stream: TextStream, document: str) -> Status:
    """Ask, until the answer ends or the client cancels (closing the view, or the progress);
    the stream closed with how it ended."""
    try:
        finished = await until_cancelled(stream, _done(asking.answer(stream, document)))
    except Exception as error:
        await stream.close("failed", message=f"no explanation from the model: {error}")
        return "failed"
    except asyncio.CancelledError:  # $/cancelRequest of the command
        stream.append(f"\n\n{STOPPED}\n")
        await stream.close("cancelled")
        raise
    if finished is None:
        stream.append(f"\n\n{STOPPED}\n")
        await stream.close("cancelled")
        return "cancelled"
    await stream.close("done")
    return "done"


async def _done(work: typing.Awaitable[None]) -> bool:
    """True once ``work`` is done (`until_cancelled` gives None when it was cancelled)."""
    await work
    return True


def _unit_of(document: Document, finding: Finding) -> Unit | None:
    from peer_lsp.review.explain import unit_of

    return unit_of(document, finding)


def _relative(ls: PeerLanguageServer, uri: str) -> str:
    """The document's path as the model is shown it: relative to the workspace if inside."""
    path = to_fs_path(uri) or uri
    if ls.workspace_root is not None:
        with contextlib.suppress(ValueError):  # outside the workspace: the full path
            return str(Path(path).relative_to(ls.workspace_root))
    return path


def explanation_file(finding: Finding) -> Path:
    """Where the document of a client that cannot show it otherwise is written: one file
    per finding, rewritten each time (the user state directory, ``explanations/``)."""
    name = hashlib.sha256(finding.fingerprint.encode()).hexdigest()[:16]
    rule = re.sub(r"[^\w.-]+", "-", finding.rule_id)
    return state_dir() / "explanations" / f"{rule}-{name}.md"


def register(server: PeerLanguageServer) -> None:
    server.command(Command.EXPLAIN)(explain)
