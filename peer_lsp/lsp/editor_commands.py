"""Commands the editor clients offer that only the server can carry out correctly.

Both depend on the resolved settings (editor, project file, defaults), which only the server
knows: which cache the answers are in, and where the audit log is written.

- `peer.clearCache`: delete every cached model answer of the cache the settings name (the
  disk cache or the shared Redis one), as `peer cache clear` does on the command line.
- `peer.auditLog`: the path of the audit log (JSON lines of every request sent), and whether
  it exists yet, for a client's "open audit log" command.
"""

from __future__ import annotations

import logging
import typing

from lsprotocol import types

from peer_lsp.lsp.commands import Command
from peer_lsp.lsp.language_server import (
    PeerLanguageServer,  # at run time: pygls resolves annotations
)

log = logging.getLogger(__name__)


async def clear_cache(ls: PeerLanguageServer, *arguments: typing.Any) -> dict[str, object]:
    """`peer.clearCache`: empty the model-answer cache; how many answers went, and where."""
    from peer_lsp.llm.cache.from_settings import open_cache

    cache = open_cache(ls.settings)
    try:
        location = (await cache.stats()).location
        removed = await cache.clear()
    finally:
        await cache.aclose()
    log.info("cache cleared: %d answers from %s", removed, location)
    ls.show(types.MessageType.Info, f"peer: deleted {removed} cached answers from {location}")
    return {"removed": removed, "location": location}


def audit_log(ls: PeerLanguageServer, *arguments: typing.Any) -> dict[str, object]:
    """`peer.auditLog`: ``{"path": ..., "exists": ...}`` for the current settings."""
    from peer_lsp.llm.guard import Guard

    path = Guard(ls.settings, root=ls.workspace_root).audit_path
    return {"path": str(path), "exists": path.is_file()}


def register(server: PeerLanguageServer) -> None:
    server.command(Command.CLEAR_CACHE)(clear_cache)
    server.command(Command.AUDIT_LOG)(audit_log)
