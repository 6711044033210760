"""Code actions and hover for peer's findings.

Quick fixes come from the verified fix stored with the finding and never cost a model call.
A client that resolves actions (codeAction/resolve for ``edit``) gets each edit only for the
action chosen; any other client (eglot 1.9, ALE) gets the edits inside the actions, or
choosing one would do nothing. Which findings the client's diagnostics stand for is read by
peer_lsp.lsp.echoed: diagnostics of other servers reach this handler too.
"""

from __future__ import annotations

import bisect
import logging
import typing

from lsprotocol import types

from peer_lsp.analysis.dismissed import save_dismissed
from peer_lsp.analysis.suppress import comment_prefixes, suppression_comment
from peer_lsp.findings.model import Finding, is_model_finding
from peer_lsp.lsp.commands import Command
from peer_lsp.lsp.convert import rule_doc, to_lsp_range
from peer_lsp.lsp.data import ActionData, Do
from peer_lsp.lsp.echoed import findings_meant
from peer_lsp.lsp.language_server import (
    PeerLanguageServer,  # at run time: pygls resolves annotations
)
from peer_lsp.review.test_suggestion import offers_test
from peer_lsp.text.markdown import code_span, escape

if typing.TYPE_CHECKING:
    from peer_lsp.documents.store import Document

log = logging.getLogger(__name__)

FIX_ALL = "source.fixAll.peer"


def _findings_by_fingerprint(ls: PeerLanguageServer, uri: str) -> dict[str, Finding]:
    return {f.fingerprint: f for f in ls.engine.findings(uri)}


def _edit(document: Document, finding: Finding) -> list[types.TextEdit]:
    assert finding.fix is not None
    return [
        types.TextEdit(to_lsp_range(document, e.start_byte, e.end_byte), e.new_text)
        for e in finding.fix.edits
    ]


def _ignore_edit(document: Document, finding: Finding) -> types.TextEdit:
    """Insert ``peer: ignore[rule]`` as a comment on its own line above the finding."""
    lines = document.lines
    line = finding.span.start_line
    start = lines.line_start(line)
    text = document.data[start : lines.line_end(line, document.data)].decode("utf-8", "replace")
    indent = text[: len(text) - len(text.lstrip())]
    end = lines.line_end(line, document.data)
    terminator = (
        document.data[end : end + 2].decode() if document.data[end : end + 2] == b"\r\n" else "\n"
    )
    comment = suppression_comment(document.grammar, finding.rule_id, indent)
    position = types.Position(line, 0)
    return types.TextEdit(types.Range(position, position), comment + terminator)


def code_actions(
    ls: PeerLanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    document = ls.engine.documents.get(uri)
    if document is None:
        return None
    findings = ls.engine.findings(uri)
    only = params.context.only
    actions: list[types.CodeAction] = []
    if not only or any(kind.startswith("quickfix") for kind in only):
        meant = findings_meant(document, params.context.diagnostics, findings, params.range)
        for diagnostic, finding in meant:
            actions.extend(_actions_for(ls, uri, document, diagnostic, finding))
    if not only or any(FIX_ALL.startswith(kind) or kind == FIX_ALL for kind in only):
        fix_all = _fix_all(ls, uri, findings)
        if fix_all is not None:
            actions.append(fix_all)
    if ls.client.resolves_code_action_edits:
        return actions
    by_fingerprint = {f.fingerprint: f for f in findings}
    return [_with_edit(ls, document, action, by_fingerprint) for action in actions]


def _actions_for(
    ls: PeerLanguageServer,
    uri: str,
    document: Document,
    diagnostic: types.Diagnostic,
    finding: Finding,
) -> list[types.CodeAction]:
    actions = []
    if finding.fix is not None and finding.fix.verified:
        actions.append(
            types.CodeAction(
                title=finding.fix.title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=finding.confidence >= ls.settings.preferred_confidence,
                data=ActionData(uri, Do.FIX, finding.fingerprint).to_json(),
            )
        )
    if comment_prefixes(document.grammar):
        actions.append(
            types.CodeAction(
                title=f"Ignore this finding ({finding.rule_id})",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                data=ActionData(uri, Do.IGNORE, finding.fingerprint).to_json(),
            )
        )
    about = [uri, finding.fingerprint]

    def run(title: str, label: str, command: Command) -> types.CodeAction:
        call = types.Command(label, command, arguments=about)
        kind = types.CodeActionKind.QuickFix
        return types.CodeAction(title=title, kind=kind, diagnostics=[diagnostic], command=call)

    model = ls.reviewing.router is not None
    if is_model_finding(finding) or finding.explanation:
        actions.append(run("Explain this finding", "Explain", Command.EXPLAIN))
    if offers_test(finding) and model:
        title = "Suggest a test for this finding"
        actions.append(run(title, "Suggest a test", Command.SUGGEST_TEST))
    if is_model_finding(finding) and model:
        actions.append(run("Ask another model", "Ask another model", Command.ASK_ANOTHER_MODEL))
    if finding.source != "syntax":
        actions.append(run("Dismiss (don't show again)", "Dismiss", Command.DISMISS))
    line = finding.span.start_line
    actions.append(
        types.CodeAction(
            title="Review this function now",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            command=types.Command("Review now", Command.REVIEW_NOW, arguments=[uri, line]),
        )
    )
    return actions


def _fixes_for_all(ls: PeerLanguageServer, findings: typing.Iterable[Finding]) -> list[Finding]:
    """The findings fix-all applies: verified fixes at or above ``preferredConfidence``."""
    floor = ls.settings.preferred_confidence
    return [f for f in findings if f.fix is not None and f.fix.verified and f.confidence >= floor]


def _fix_all(
    ls: PeerLanguageServer, uri: str, findings: typing.Iterable[Finding]
) -> types.CodeAction | None:
    chosen = _fixes_for_all(ls, findings)
    if not chosen:
        return None
    return types.CodeAction(
        title=f"Apply {len(chosen)} verified peer fix{'es' if len(chosen) != 1 else ''}",
        kind=FIX_ALL,
        data=ActionData(uri, Do.FIX_ALL).to_json(),
    )


def resolve(ls: PeerLanguageServer, action: types.CodeAction) -> types.CodeAction:
    """Compute the edit of a quick fix, "ignore" or fix-all action: when the client asks, or
    at once for a client that cannot ask."""
    data = ActionData.from_json(action.data)
    document = ls.engine.documents.get(data.uri) if data is not None else None
    if data is None or document is None:
        return action
    return _with_edit(ls, document, action, _findings_by_fingerprint(ls, document.uri))


def _with_edit(
    ls: PeerLanguageServer,
    document: Document,
    action: types.CodeAction,
    findings: dict[str, Finding],
) -> types.CodeAction:
    """``action`` with the edit its ``data`` asks for; unchanged when it asks for none."""
    data = ActionData.from_json(action.data)
    if data is None:
        return action
    edits: list[types.TextEdit] = []
    if data.do is Do.FIX_ALL:
        edits = _non_overlapping(document, _fixes_for_all(ls, findings.values()))
    else:
        finding = findings.get(data.fingerprint) if data.fingerprint is not None else None
        if finding is None:
            return action  # the finding went away meanwhile: nothing to apply
        if data.do is Do.IGNORE:
            edits = [_ignore_edit(document, finding)]
        elif finding.fix is not None:
            edits = _edit(document, finding)
    action.edit = _workspace_edit(ls, document, edits)
    return action


def _workspace_edit(
    ls: PeerLanguageServer, document: Document, edits: list[types.TextEdit]
) -> types.WorkspaceEdit:
    """``edits`` for the document's version where the client reads documentChanges, else
    as plain ``changes``."""
    if not ls.client.document_changes:
        return types.WorkspaceEdit(changes={document.uri: edits})
    identifier = types.OptionalVersionedTextDocumentIdentifier(document.uri, document.version)
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(identifier, list(edits))])


def _non_overlapping(document: Document, findings: list[Finding]) -> list[types.TextEdit]:
    """The fixes' edits, most confident first, leaving out a fix that overlaps one taken."""
    taken: list[tuple[int, int]] = []  # byte spans, sorted and disjoint
    edits: list[types.TextEdit] = []
    for finding in sorted(findings, key=lambda f: -f.confidence):
        assert finding.fix is not None
        spans = [(e.start_byte, e.end_byte) for e in finding.fix.edits]
        if any(_overlaps(taken, span) for span in spans):
            continue
        for span in spans:
            bisect.insort(taken, span)
        edits.extend(_edit(document, finding))
    return edits


def _overlaps(taken: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    """Whether ``span`` overlaps a span of ``taken`` (sorted, disjoint): only the last one
    starting before ``span`` ends can, as each of the others ends before the next starts."""
    start, end = span
    before = bisect.bisect_left(taken, (end,))
    return before > 0 and start < taken[before - 1][1]


def dismiss(ls: PeerLanguageServer, *arguments: typing.Any) -> dict[str, object]:
    """`peer.dismiss [uri, fingerprint]`: stop showing a finding, in this and later sessions.

    The fingerprint names the finding's rule, unit and code, so it comes back when that code
    changes. Kept in the user state directory per workspace (analysis.dismissed).
    """
    args = list(arguments)
    if len(args) < 2 or not isinstance(args[1], str) or not args[1]:
        return {"dismissed": False}
    fingerprint = args[1]
    ls.engine.dismissed.add(fingerprint)
    saved = False
    if ls.dismissed_file is not None:
        try:
            ls.engine.dismissed |= save_dismissed(
                ls.dismissed_file, [fingerprint], ls.workspace_root
            )
            saved = True
        except OSError as error:
            log.warning("dismissed finding not saved to %s: %s", ls.dismissed_file, error)
    ls.refresh_diagnostics()  # the same code may be open in more than one document
    return {"dismissed": True, "saved": saved}


def meter(confidence: float, width: int = 10) -> str:
    """``████████░░ 80%``"""
    filled = round(confidence * width)
    return f"{'█' * filled}{'░' * (width - filled)} {round(confidence * 100)}%"


def _as_written(text: str) -> str:
    return text


def hover_text(finding: Finding, markdown: bool = True) -> str:
    """What a hover says of ``finding``, in Markdown or, for clients that read only that, in
    plain text. A model finding's message and explanation (model text) are escaped for
    Markdown but for their code spans (`peer_lsp.text.markdown`); a local rule's are
    Markdown written here, shown as written."""

    def code(text: str) -> str:
        return code_span(text) if markdown else text

    escaped = escape if markdown and is_model_finding(finding) else _as_written
    title = f"**{escaped(finding.message)}**" if markdown else finding.message
    parts = [f"{title} ({finding.category.value}, {code(finding.rule_id)})"]
    if finding.explanation:
        parts.append(escaped(finding.explanation) if markdown else finding.explanation)
    parts.append(f"Confidence: {code(meter(finding.confidence))}")
    if is_model_finding(finding):
        parts.append(f"Model: {finding.source}")
    if finding.fix is not None:
        state = (
            "verified (parses, its names resolve, its unit keeps its exports)"
            if finding.fix.verified
            else "not verified"
        )
        parts.append(f"Fix: {state}")
    link = rule_doc(finding)
    if link is not None:
        rule = (
            f"[`{finding.rule_id}`]({link.href})"
            if markdown
            else f"{finding.rule_id} ({link.href})"
        )
        parts.append(
            f"Local rule {rule}; hide it here with {code(f'peer: ignore[{finding.rule_id}]')}"
        )
    return "\n\n".join(parts)


def hover(ls: PeerLanguageServer, params: types.HoverParams) -> types.Hover | None:
    document = ls.engine.documents.get(params.text_document.uri)
    if document is None:
        return None
    offset = document.offset_at(params.position.line, params.position.character)
    here = [
        f
        for f in ls.engine.findings(document.uri)
        if f.span.start_byte <= offset <= max(f.span.end_byte, f.span.start_byte + 1)
    ]
    if not here:
        return None
    if ls.client.markdown_hover:
        value = "\n\n---\n\n".join(hover_text(f) for f in here)
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, value))
    value = "\n\n----\n\n".join(hover_text(f, markdown=False) for f in here)
    return types.Hover(types.MarkupContent(types.MarkupKind.PlainText, value))


def register(server: PeerLanguageServer) -> None:
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True
        ),
    )(code_actions)
    server.feature(types.CODE_ACTION_RESOLVE)(resolve)
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)
    server.command(Command.DISMISS)(dismiss)
