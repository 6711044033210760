"""`peer.suggestTest`: a test that fails on a finding's problem, written by the model.

The code action "Suggest a test for this finding" (`peer_lsp.lsp.code_actions`, offered when
a model is configured, for the findings `peer_lsp.review.test_suggestion.offers_test` takes)
runs this command. The test reaches the user as the client allows:

- a client that shows streams (``experimental.peer.streams``: the VS Code extension, the
  Neovim plugin) opens a new unsaved buffer (``peer/streamOpen`` of kind ``test`` with the
  document's language and the file the project would keep the test in) and sees the code
  as the model writes it; closing the buffer, or cancelling the progress, stops the model;
- a client that shows peer's command results itself gets the whole test as the result;
- any other client that opens documents on request (window/showDocument) gets the test as
  a file under the user state directory (``suggested-tests/``), named as the project would
  name it, to read and save where it belongs;
- the rest get it as window/showMessage, the last resort.

Every client also gets the command's result: ``{"title", "languageId", "suggestedName",
"text", "model", "cached", "shownAs"}``; a failure (no model, the finding gone, the model
failing) is ``{"reason"}``, shown as a message too.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import typing
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from peer_lsp.analysis.dismissed import state_dir
from peer_lsp.lsp.commands import Command
from peer_lsp.lsp.language_server import (
    PeerLanguageServer,  # at run time: pygls resolves annotations
)
from peer_lsp.lsp.streaming import open_stream, until_cancelled

if typing.TYPE_CHECKING:
    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.llm.router import Router
    from peer_lsp.llm.types import LLMRequest
    from peer_lsp.review.test_style import TestStyle
    from peer_lsp.review.test_suggestion import TestSuggestion
    from peer_lsp.syntax.unit import Unit

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Job:
    """A test to ask for: the request, and what the editor is told about it."""

    router: Router
    finding: Finding
    unit: Unit
    request: LLMRequest
    title: str
    language_id: str
    suggested_name: str


async def suggest_test(ls: PeerLanguageServer, *arguments: typing.Any) -> dict[str, object]:
    """`peer.suggestTest [uri, fingerprint]`: see the module docstring."""
    args = list(arguments)
    if len(args) < 2 or not isinstance(args[0], str) or not isinstance(args[1], str):
        return _failed(ls, "expected [uri, fingerprint]")
    job = await _prepare(ls, args[0], args[1])
    if isinstance(job, str):
        return _failed(ls, job)
    return await _run(ls, job)


async def _prepare(ls: PeerLanguageServer, uri: str, fingerprint: str) -> _Job | str:
    """The request for the finding's test, or why there is none."""
    from peer_lsp.review.prompt.request import PromptBudgetError
    from peer_lsp.review.test_suggestion import (
        build_test_request,
        language_id,
        offers_test,
    )

    router = ls.reviewing.router
    if router is None:
        return "no model is configured: a test is written by a model"
    finding = next((f for f in ls.engine.findings(uri) if f.fingerprint == fingerprint), None)
    document = ls.engine.documents.get(uri)
    if finding is None or document is None:
        return "the finding is gone (the code changed)"
    if not offers_test(finding):
        return f"no test is suggested for {finding.category.value} findings"
    unit = document.unit_at(finding.span.start_line)
    if unit is None:
        return "the finding is outside every function and class"
    style = await asyncio.to_thread(_style, ls, document)
    source = _relative(ls, _source(ls, document))
    suggested = _relative(ls, style.suggested_path)
    example = _relative(ls, style.example_path) if style.example_path else ""
    try:
        request = build_test_request(
            finding,
            unit,
            document,
            style,
            path=source,
            suggested_name=suggested,
            example_name=example,
        )
    except PromptBudgetError as error:
        return str(error)
    title = f"peer: a test for {finding.rule_id} at {source}:{finding.span.start_line + 1}"
    return _Job(router, finding, unit, request, title, language_id(document), suggested)


async def _run(ls: PeerLanguageServer, job: _Job) -> dict[str, object]:
    """Ask the model, the test streamed to the client that shows streams; the result."""
    from peer_lsp.llm.errors import LLMError
    from peer_lsp.review.test_suggestion import TestSuggestion, suggest_test

    stream = await open_stream(
        ls,
        kind="test",
        title=job.title,
        language_id=job.language_id,
        suggested_name=job.suggested_name,
    )
    work = suggest_test(job.router, job.request, job.unit, listener=stream)
    try:
        result = await until_cancelled(stream, work)
    except LLMError as error:
        await stream.close("failed", f"no test: {error}")
        return _failed(ls, f"no test: {error}", shown=stream.streamed)
    except asyncio.CancelledError:  # the request itself was cancelled ($/cancelRequest)
        await stream.close("cancelled")
        raise
    except Exception:
        await stream.close("failed", "peer failed: see its log")
        raise
    if result is None:
        await stream.close("cancelled")
        return {"reason": "cancelled", "title": job.title}
    await stream.close("done")
    suggestion = TestSuggestion(
        job.title, job.language_id, job.suggested_name, result.code, result.source, result.cached
    )
    shown = await _show(ls, suggestion, job.finding, streamed=stream.streamed)
    return {**suggestion.to_json(), "shownAs": shown}


async def _show(
    ls: PeerLanguageServer, suggestion: TestSuggestion, finding: Finding, *, streamed: bool
) -> str:
    """Show the whole test to a client that did not see it stream; how it was shown."""
    if streamed:
        return "stream"
    if ls.client.shows_results:
        return "result"
    if ls.client.show_document and await ls.show_written(
        suggestion_file(finding, suggestion.suggested_name), suggestion.text, "suggested test"
    ):
        return "document"
    ls.show(
        types.MessageType.Info,
        f"{suggestion.title} ({suggestion.suggested_name}):\n\n" + suggestion.text,
    )
    return "message"


def _failed(ls: PeerLanguageServer, reason: str, *, shown: bool = False) -> dict[str, object]:
    """The result of a command that suggested nothing, said as a message unless the stream
    already said it."""
    if not shown:
        ls.show(types.MessageType.Warning, f"peer: no test suggested: {reason}")
    return {"reason": reason}


def _source(ls: PeerLanguageServer, document: Document) -> Path:
    """The document's file; for a buffer with no file, a name in the workspace (or the
    current folder) that has its extension, so that the test's name follows the language."""
    path = to_fs_path(document.uri)
    if path and document.uri.startswith("file:"):
        return Path(path)
    base = ls.workspace_root or Path.cwd()
    return Path(base) / Path(path or "untitled").name


def _style(ls: PeerLanguageServer, document: Document) -> TestStyle:
    """The project's test style around the document (read off the event loop)."""
    from peer_lsp.llm.send_exclude import is_excluded
    from peer_lsp.review.test_style import detect_test_style

    root = ls.workspace_root
    globs = ls.settings.send_exclude
    return detect_test_style(
        _source(ls, document),
        document.grammar or "",
        root=Path(root) if root is not None else None,
        excluded=lambda path: is_excluded(str(path), globs, root),
    )


def _relative(ls: PeerLanguageServer, path: Path) -> str:
    """``path`` relative to the workspace when inside it (POSIX), else whole."""
    if ls.workspace_root is not None:
        with contextlib.suppress(ValueError):
            return path.relative_to(ls.workspace_root).as_posix()
    return str(path)


def suggestion_file(finding: Finding, suggested_name: str) -> Path:
    """Where the test is written for a client that opens it with window/showDocument: one
    folder per finding under the user state directory (``suggested-tests/``), the file
    named as the project would name it, so the editor knows its language."""
    folder = hashlib.sha256(finding.fingerprint.encode()).hexdigest()[:16]
    name = Path(suggested_name).name or "test"
    return state_dir() / "suggested-tests" / folder / name


def register(server: PeerLanguageServer) -> None:
    server.command(Command.SUGGEST_TEST)(suggest_test)
