"""``peer.inspect``: the inspector's exchanges about a finding, or about the unit at a line.

The answer is the exchanges as data (newest first), for a client to show; the user also
gets a one-line message saying how many there are and how to see one in full.
"""

from __future__ import annotations

import typing

from lsprotocol import types

from peer_lsp.lsp.commands import Command
from peer_lsp.lsp.language_server import (
    PeerLanguageServer,  # at run time: pygls resolves annotations
)
from peer_lsp.review.inspector import Inspector

if typing.TYPE_CHECKING:
    from peer_lsp.review.inspector import Exchange


def inspect(ls: PeerLanguageServer, *arguments: typing.Any) -> dict[str, object]:
    """`peer.inspect [uri, fingerprint or line]`."""
    args = list(arguments)
    if len(args) < 2 or not isinstance(args[0], str) or not isinstance(args[1], str | int):
        return {"exchanges": [], "reason": "expected [uri, fingerprint or line]"}
    settings = ls.engine.settings
    if not settings.inspector:
        reason = "the inspector is off: set inspector = true to keep what models are sent"
        ls.show(types.MessageType.Info, f"peer: {reason}")
        return {"exchanges": [], "reason": reason}
    found = _exchanges(ls, Inspector(keep=settings.inspector_keep), args[0], args[1])
    if found:
        newest = found[0]
        message = (
            f"peer: {len(found)} exchange(s) kept; the newest, {newest.id}, with "
            f"{newest.provider}/{newest.model}: `peer inspect {newest.id}` shows it in full"
        )
    else:
        message = "peer: no exchange kept about this (cached answers are not exchanges)"
    ls.show(types.MessageType.Info, message)
    return {"exchanges": [exchange.to_json() for exchange in found]}


def _exchanges(
    ls: PeerLanguageServer, inspector: Inspector, uri: str, where: str | int
) -> list[Exchange]:
    if isinstance(where, str):
        return inspector.about(fingerprint=where)
    document = ls.engine.documents.get(uri)
    if document is None:
        return []
    units = [u for u in document.units if u.start_line <= where <= u.end_line]
    innermost = min(units, key=lambda u: u.end_byte - u.start_byte, default=None)
    return inspector.about(unit=innermost.qualified_name) if innermost is not None else []


def register(server: PeerLanguageServer) -> None:
    server.command(Command.INSPECT)(inspect)
