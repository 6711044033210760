"""initialize, initialized and settings: learn the client, resolve settings, keep them live."""

from __future__ import annotations

import gc
import logging
import typing
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from peer_lsp import log as peer_log
from peer_lsp.analysis.dismissed import dismissed_path, load_dismissed
from peer_lsp.lsp import project_rules
from peer_lsp.lsp.capabilities import ClientFeatures
from peer_lsp.settings.files import load_settings
from peer_lsp.settings.model import Settings
from peer_lsp.settings.options import Problem, resolve

if typing.TYPE_CHECKING:
    from peer_lsp.lsp.language_server import PeerLanguageServer

log = logging.getLogger(__name__)

SECTION = "peer"


def _workspace_root(params: types.InitializeParams) -> Path | None:
    uri = params.root_uri
    if params.workspace_folders:
        uri = params.workspace_folders[0].uri
    if uri:
        path = to_fs_path(uri)
        return Path(path) if path else None
    return Path(params.root_path) if params.root_path else None


def _report(ls: PeerLanguageServer, problems: list[Problem]) -> None:
    if not problems:
        return
    for problem in problems:
        log.warning("setting rejected: %s", problem)
    summary = "; ".join(str(problem) for problem in problems[:3])
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    ls.show(
        types.MessageType.Warning,
        f"peer-lsp: invalid settings, using defaults for them: {summary}{more}",
    )


def apply_settings(ls: PeerLanguageServer, raw: object, base: Settings) -> None:
    """Resolve editor settings over ``base``, report what was rejected, and re-analyse."""
    settings, problems = resolve(raw, base, source="editor settings")
    _report(ls, problems)
    if settings != ls.engine.settings:
        review_settings_changed = _review_settings(settings) != _review_settings(ls.settings)
        plugins_changed = settings.plugins != ls.engine.settings.plugins
        ls.engine.settings = settings
        peer_log.set_level(settings.log_level)
        if plugins_changed:
            project_rules.report(ls, project_rules.load_rules(ls))
        ls.engine.reanalyse_all()
        _tell_oversized(ls)
        ls.refresh_diagnostics()
        if review_settings_changed and ls.reviewing.state != "starting":
            ls.reviewing.restart()


def _tell_oversized(ls: PeerLanguageServer) -> None:
    """Tell of open documents that a new maxFileBytes keeps out, as opening them would."""
    for document in ls.engine.documents:
        notice = ls.engine.oversized_notice(document.uri)
        if notice is not None:
            ls.show(types.MessageType.Info, notice)


def _review_settings(settings: Settings) -> tuple[object, ...]:
    return (
        settings.providers,
        settings.routes,
        settings.review_on,
        settings.review_debounce_ms,
        settings.max_reviews_per_file,
        settings.max_reviews_in_flight,
        settings.redis_url,
        settings.cache_dir,
    )


def initialize(ls: PeerLanguageServer, params: types.InitializeParams) -> None:
    ls.client = ClientFeatures.from_capabilities(params.capabilities)
    root = _workspace_root(params)
    ls.workspace_root = root
    base, problems = load_settings(root) if root else (Settings(), [])
    ls.project_settings = base
    settings, more = resolve(params.initialization_options, base, source="initializationOptions")
    ls.engine.settings = settings
    peer_log.set_level(settings.log_level)
    ls.init_options = params.initialization_options
    if root is not None:
        ls.dismissed_file = dismissed_path(root)
        ls.engine.dismissed |= load_dismissed(ls.dismissed_file)
    log.info(
        "initialize: client %s, encoding %s, diagnostics %s",
        params.client_info.name if params.client_info else "unknown",
        ls.client.position_encoding.value,
        "pulled" if ls.client.pull_diagnostics else "pushed",
    )
    ls.pending_problems = problems + more
    ls.workspace_roots = project_rules.workspace_folders(params)
    ls.pending_rule_problems = project_rules.load_rules(ls)


async def initialized(ls: PeerLanguageServer, params: types.InitializedParams) -> None:
    _report(ls, ls.pending_problems)
    ls.pending_problems = []
    project_rules.report(ls, ls.pending_rule_problems)
    ls.pending_rule_problems = []
    await project_rules.watch(ls)
    await _pull_configuration(ls)
    await ls.reviewing.start()
    # What start-up built (lsprotocol's classes, grammars, the router) lives as long as the
    # server: out of the collector's sight, a full collection no longer walks it (~50 ms).
    gc.freeze()


async def shutdown(ls: PeerLanguageServer, params: None) -> None:
    await ls.reviewing.stop()


async def _pull_configuration(ls: PeerLanguageServer) -> None:
    if not ls.client.configuration:
        return
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
        )
    except Exception:
        log.warning("workspace/configuration failed; keeping current settings", exc_info=True)
        return
    raw = result[0] if result else None
    if raw is not None:
        base, _ = resolve(ls.init_options, ls.project_settings, source="initializationOptions")
        apply_settings(ls, raw, base)


async def did_change_configuration(
    ls: PeerLanguageServer, params: types.DidChangeConfigurationParams
) -> None:
    if ls.client.configuration:
        await _pull_configuration(ls)
        return
    raw = params.settings
    if isinstance(raw, dict) and SECTION in raw:
        raw = raw[SECTION]
    apply_settings(ls, raw, ls.project_settings)


def register(server: PeerLanguageServer) -> None:
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(types.SHUTDOWN)(shutdown)
