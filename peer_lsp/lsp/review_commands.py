"""The review commands: `peer.reviewNow`, `peer.health` and `peer.askAnotherModel`."""

from __future__ import annotations

import asyncio
import typing

from lsprotocol import types

from peer_lsp.lsp.commands import Command
from peer_lsp.lsp.language_server import (
    PeerLanguageServer,  # at run time: pygls resolves annotations
)

# pygls passes a command's arguments one by one, converted to each
# parameter's annotation, which it resolves at run time (so PeerLanguageServer is imported
# for real above); ``*arguments`` takes them as sent, whatever their number.


def review_now(ls: PeerLanguageServer, *arguments: typing.Any) -> dict[str, int]:
    """`peer.reviewNow [uri, line?]`: review the function at a line, or the whole file."""
    args = list(arguments)
    uri = args[0] if args and isinstance(args[0], str) else None
    line = args[1] if len(args) > 1 and isinstance(args[1], int) else None
    if uri is None:
        return {"queued": 0}
    return {"queued": ls.reviewing.review_now(uri, line)}


async def health(ls: PeerLanguageServer, *arguments: typing.Any) -> dict[str, object]:
    """`peer.health`: status, per provider latency, success rate and breaker state, and under
    ``usage`` today's bill (UTC) from the audit log, as `peer stats --since today` counts it
    (every process writing that log, not this server alone). The log is read off the event
    loop."""
    from peer_lsp.llm.guard import audit_path
    from peer_lsp.llm.usage_stats import Period, read_usage

    report = ls.reviewing.health()
    path = audit_path(ls.settings, ls.workspace_root)
    usage = await asyncio.to_thread(read_usage, path, Period.today())
    report["usage"] = usage.to_json()
    if not ls.client.shows_results:  # Helix, eglot, ALE show a command's result nowhere
        ls.show(types.MessageType.Info, health_message(report))
    return report


def health_message(report: dict[str, object]) -> str:
    """The `peer.health` report in one line of plain text, for a client that would show
    nothing of the result (Helix's `:lsp-workspace-command peer.health`)."""
    state, detail = report.get("state"), report.get("detail")
    parts = [f"peer: {state}" + (f" ({detail})" if detail else "")]
    model, provider = report.get("model"), report.get("provider")
    if model:
        parts.append(f"model {model}" + (f" ({provider})" if provider else ""))
    parts.append(f"{report.get('inFlight', 0)} reviews in flight")
    rate = report.get("cacheHitRate")
    if isinstance(rate, float | int):
        parts.append(f"cache hit rate {rate:.0%}")
    not_reviewed = report.get("notReviewed")
    if not_reviewed:
        parts.append(f"{not_reviewed} units not reviewed (local findings only)")
    providers = report.get("providers")
    for provider_id, raw in (providers if isinstance(providers, dict) else {}).items():
        p = raw if isinstance(raw, dict) else {}
        line = f"{provider_id}: breaker {p.get('breaker', '?')}, {p.get('calls', 0)} calls"
        success = p.get("successRate")
        if isinstance(success, float | int) and p.get("calls"):
            line += f", {success:.0%} success"
        if p.get("breaker") != "closed" and p.get("lastFailure"):
            line += f", after: {p['lastFailure']}"
        parts.append(line)
    usage = report.get("usage")
    total = usage.get("total") if isinstance(usage, dict) else None
    if isinstance(total, dict):
        tokens = int(total.get("inputTokens", 0) or 0) + int(total.get("outputTokens", 0) or 0)
        cost = total.get("cost")
        parts.append(
            f"today (UTC): {total.get('requests', 0)} requests, {tokens:,} tokens"
            + (f", ${cost:.2f}" if isinstance(cost, float | int) else "")
        )
    return "; ".join(parts)


async def ask_another_model(ls: PeerLanguageServer, *arguments: typing.Any) -> dict[str, object]:
    """`peer.askAnotherModel [uri, fingerprint]`: a second model's opinion on a finding."""
    args = list(arguments)
    if len(args) < 2 or not isinstance(args[0], str) or not isinstance(args[1], str):
        return {"opinion": None, "reason": "expected [uri, fingerprint]"}
    result = await ls.reviewing.second_opinion(args[0], [args[1]])
    ls.show(types.MessageType.Info, _opinion_message(result))
    return result


def _opinion_message(result: dict[str, object]) -> str:
    opinion, model = result.get("opinion"), result.get("model")
    if opinion is None:
        return f"peer: no second opinion: {result.get('reason', 'the finding went away')}"
    previous, confidence = result.get("previous"), result.get("confidence")
    if not isinstance(previous, float) or not isinstance(confidence, float):
        return f"peer: {model} answered"
    verb = "agrees" if opinion == "agree" else "disagrees"
    return f"peer: {model} {verb}: confidence {previous:.0%} → {confidence:.0%}"


def register(server: PeerLanguageServer) -> None:
    server.command(Command.REVIEW_NOW)(review_now)
    server.command(Command.HEALTH)(health)
    server.command(Command.ASK_ANOTHER_MODEL)(ask_another_model)
