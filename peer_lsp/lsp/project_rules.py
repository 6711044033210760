"""A project's rules (``.peer/rules``) and the enabled plugins' in the editor, kept live.

Each workspace folder's rules are loaded at initialize (`load_rules`), with the rules of the
plugins the user's own settings enable (`peer_lsp.rules.plugins`). Once initialized, a client
that registers file watchers for servers is asked to watch ``**/.peer/rules/**``; when a file
there is created, changed or deleted (workspace/didChangeWatchedFiles), every folder's rules
load again, the open documents are analysed again and their diagnostics published. A change
of the ``plugins`` setting reloads them too (`peer_lsp.lsp.lifecycle`).

What fails to load is logged and shown once per load (window/showMessage): the file, the line
and why. The rules that load run; the server goes on.
"""

from __future__ import annotations

import logging
import typing

from lsprotocol import types
from pygls.uris import to_fs_path

from peer_lsp.lsp.errors import survive
from peer_lsp.rules.extra_producer import load_extra
from peer_lsp.rules.project_rules import RULES_FOLDER

if typing.TYPE_CHECKING:
    from pathlib import Path

    from peer_lsp.lsp.language_server import PeerLanguageServer
    from peer_lsp.rules.ruleset import RuleProblem

log = logging.getLogger(__name__)

WATCHER_ID = "peer-project-rules"
GLOB = f"**/{RULES_FOLDER.as_posix()}/**"
"""What the client is asked to watch: every file in any ``.peer/rules`` folder."""

SHOWN_PROBLEMS = 3
"""Problems named in the message; the log has them all."""


def workspace_folders(params: types.InitializeParams) -> list[Path]:
    """Every workspace folder the client names (the root URI or path when it names none)."""
    from pathlib import Path

    uris = [folder.uri for folder in params.workspace_folders or ()]
    if not uris and params.root_uri:
        uris = [params.root_uri]
    roots = [Path(path) for uri in uris if (path := to_fs_path(uri))]
    if not roots and params.root_path:
        roots = [Path(params.root_path)]
    return roots


def load_rules(ls: PeerLanguageServer) -> list[RuleProblem]:
    """Load every workspace folder's rules and the plugins' into the engine (the open
    documents are analysed again); what failed to load."""
    plugins = ls.settings.plugins
    loaded = [load_extra(root, plugins) for root in ls.workspace_roots]
    loaded.append(load_extra(None, plugins))
    ls.engine.set_extra_rules(loaded)
    problems: dict[str, RuleProblem] = {}
    for item in loaded:
        for problem in item.problems:
            problems.setdefault(str(problem), problem)
    count = sum(len(item.rules.rules) for item in loaded if item.root is not None)
    log.info("project rules: %d loaded, %d not", count, len(problems))
    return list(problems.values())


def report(ls: PeerLanguageServer, problems: list[RuleProblem]) -> None:
    """Log every problem and show the first few."""
    if not problems:
        return
    for problem in problems:
        log.warning("rule not loaded: %s", problem)
    shown = "; ".join(str(problem) for problem in problems[:SHOWN_PROBLEMS])
    more = f" (and {len(problems) - SHOWN_PROBLEMS} more)" if len(problems) > SHOWN_PROBLEMS else ""
    noun = "rule" if len(problems) == 1 else "rules"
    ls.show(
        types.MessageType.Warning,
        f"peer-lsp: {len(problems)} project {noun} not loaded, the others run: {shown}{more}",
    )


def reload(ls: PeerLanguageServer) -> None:
    """Load the rules again, tell what failed, and show every open document's new findings."""
    report(ls, load_rules(ls))
    ls.refresh_diagnostics()


async def watch(ls: PeerLanguageServer) -> None:
    """Ask the client to watch the rules folders (when it can be asked)."""
    if not ls.client.watches_files or not ls.workspace_roots:
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=GLOB)]
    )
    registration = types.Registration(
        id=WATCHER_ID,
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception:
        log.warning("the client refused to watch %s: rules reload on restart only", GLOB)


def _is_rule_file(uri: str) -> bool:
    path = to_fs_path(uri) or uri
    parts = path.replace("\\", "/").split("/")
    return any(parts[i : i + 2] == list(RULES_FOLDER.parts) for i in range(max(len(parts) - 1, 0)))


@survive(None)
def did_change_watched_files(
    ls: PeerLanguageServer, params: types.DidChangeWatchedFilesParams
) -> None:
    if any(_is_rule_file(change.uri) for change in params.changes):
        log.info("project rules changed: loading them again")
        reload(ls)


def register(server: PeerLanguageServer) -> None:
    server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
