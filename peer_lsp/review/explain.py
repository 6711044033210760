"""A model's explanation of one finding (task ``explain``), its text handed on as it arrives.

The explain action in the editors and `peer explain` ask the model about a finding and the
unit it is in: template review-explain-v1, the unit's code numbered with its context (the
imports it uses, its class header, the signatures it calls, the project's instructions), the
finding as the prompt shows it. The answer is Markdown prose (no schema), streamed: each
piece goes to the caller's `TextListener` as the provider sends it.

It is cached like a review: the key covers the unit's code as shown, normalized (reformatting
and comments do not matter), and the finding as the prompt shows it (rule, severity,
category, lines, message, explanation: the request's ``context_key``). A second explanation
of the same finding sends nothing: its whole text reaches the listener at once. Redaction is
the router's guard, as for every request.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

from peer_lsp.review.prompt.request import build_explain_request, code_key, shrink

if typing.TYPE_CHECKING:
    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.llm.router import Router
    from peer_lsp.llm.streams import TextListener
    from peer_lsp.llm.types import LLMRequest
    from peer_lsp.syntax.unit import Unit


@dataclass(frozen=True, slots=True)
class Explained:
    """The model's explanation: its Markdown text, who wrote it, and whether it was cached."""

    text: str
    model: str
    provider: str
    cached: bool


def unit_of(document: Document, finding: Finding) -> Unit | None:
    """The unit the explanation shows: the innermost one holding the finding's first line
    (None for code outside every unit, such as a module's top-level statements)."""
    return document.unit_at(finding.span.start_line)


def explain_request(finding: Finding, unit: Unit, document: Document, *, path: str) -> LLMRequest:
    """The request asking to explain ``finding`` in ``unit``; ``path`` is shown to the model
    (workspace-relative). Raises `PromptBudgetError` when the unit cannot fit the prompt."""
    return build_explain_request(finding, unit, document, path=path)


async def explain_finding(
    router: Router,
    finding: Finding,
    unit: Unit,
    document: Document,
    *,
    path: str,
    listener: TextListener | None = None,
) -> Explained:
    """Ask the route for task ``explain`` about ``finding``; ``listener`` hears the text as
    it arrives (a cached answer in one piece; ``on_restart`` when a retry or another provider
    starts over). Raises `LLMError` when no provider answered, `PromptBudgetError` when the
    unit is too large; cancelling the awaiting task closes the provider's stream."""
    request = explain_request(finding, unit, document, path=path)
    response = await router.complete(
        request,
        normalized_code=code_key(request, unit.normalized_hash),
        shrink=shrink,
        listener=listener,
    )
    return Explained(response.text.strip(), response.model, response.provider, response.cached)
