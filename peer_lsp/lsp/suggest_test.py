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
    from peer_lsp.review.test_style import TestStyle
    from peer_lsp.review.test_suggestion import TestSuggestion

log = logging.getLogger(__name__)

SHOW_DOCUMENT_TIMEOUT = 10.0
"""Longest wait for the client's answer to window/showDocument before the message fallback."""


async def suggest_test(ls: PeerLanguageServer, *arguments: typing.Any) -> dict[str, object]:
    """`peer.suggestTest [uri, fingerprint]`: see the module docstring."""
    from peer_lsp.llm.errors import LLMError
    from peer_lsp.review.prompt.request import PromptBudgetError
    from peer_lsp.review.test_suggestion import (
        TestSuggestion,
        build_test_request,
        language_id,
        offers_test,
        unit_of,
    )
    from peer_lsp.review.test_suggestion import suggest_test as write_test

    args = list(arguments)
    if len(args) < 2 or not isinstance(args[0], str) or not isinstance(args[1], str):
        return _failed(ls, "expected [uri, fingerprint]")
    uri, fingerprint = args[0], args[1]
    router = ls.reviewing.router
    if router is None:
        return _failed(ls, "no model is configured: a test is written by a model")
    finding = next((f for f in ls.engine.findings(uri) if f.fingerprint == fingerprint), None)
    document = ls.engine.documents.get(uri)
    if finding is None or document is None:
        return _failed(ls, "the finding is gone (the code changed)")
    if not offers_test(finding):
        return _failed(ls, f"no test is suggested for {finding.category.value} findings")
    unit = unit_of(finding, document)
    if unit is None:
        return _failed(ls, "the finding is outside every function and class")
    style = await asyncio.to_thread(_style, ls, document)
    suggested = _relative(ls, style.suggested_path)
    example = _relative(ls, style.example_path) if style.example_path else ""
    where = f"{_relative(ls, _source(ls, document))}:{finding.span.start_line + 1}"
    title = f"peer: a test for {finding.rule_id} at {where}"
    try:
        request = build_test_request(
            finding,
            unit,
            document,
            style,
            path=_relative(ls, _source(ls, document)),
            suggested_name=suggested,
            example_name=example,
        )
    except PromptBudgetError as error:
        return _failed(ls, str(error))
    language = language_id(document)
    stream = await open_stream(
        ls, kind="test", title=title, language_id=language, suggested_name=suggested
    )
    try:
        result = await until_cancelled(stream, write_test(router, request, unit, listener=stream))
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
        return {"reason": "cancelled", "title": title}
    await stream.close("done")
    suggestion = TestSuggestion(
        title, language, suggested, result.code, result.source, result.cached
    )
    shown = await _show(ls, suggestion, finding, streamed=stream.streamed)
    return {**suggestion.to_json(), "shownAs": shown}


async def _show(
    ls: PeerLanguageServer, suggestion: TestSuggestion, finding: Finding, *, streamed: bool
) -> str:
    """Show the whole test to a client that did not see it stream; how it was shown."""
    if streamed:
        return "stream"
    if ls.client.shows_results:
        return "result"
    if ls.client.show_document and await _show_document(ls, suggestion, finding):
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


async def _show_document(
    ls: PeerLanguageServer, suggestion: TestSuggestion, finding: Finding
) -> bool:
    """Write the test and ask the client to open it; whether it did."""
    path = suggestion_file(finding, suggestion.suggested_name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(suggestion.text, encoding="utf-8")
    except OSError as error:
        log.warning("suggested test not written to %s: %s", path, error)
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
    server.command(Command.SUGGEST_TEST)(suggest_test)
