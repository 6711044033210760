"""Settings in, a ready router out: providers, routes, cache and guard put together.

Nothing is sent anywhere unless the user configured a provider; the one exception is a local
Ollama, used when nothing else is configured, one answers on 127.0.0.1 (``ollamaAutodetect``),
its port is not another user's and the user allowed it for the workspace (`local_models`).
"""

from __future__ import annotations

import logging
import os
import typing
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from peer_lsp.llm.config import (
    LLMConfig,
    ProviderConfig,
    RouteConfig,
    parse_llm_config,
    parse_provider,
)
from peer_lsp.llm.local_models import (
    Consents,
    LocalServer,
    account_name,
    foreign_owner_problem,
    port_owner,
)

if typing.TYPE_CHECKING:
    from peer_lsp.llm.options import CacheSettings, RouterSettings
    from peer_lsp.llm.providers.base import Provider
    from peer_lsp.llm.router import Router
    from peer_lsp.llm.shared_limits import RedisLedger, SharedLimits

log = logging.getLogger(__name__)

Ask = Callable[[LocalServer], Awaitable[bool | None]]
"""Asks the user whether a local server found on its own may have the workspace's code:
True, False (remembered either way), or None (no answer: asked again next time)."""

OLLAMA_URL = "http://127.0.0.1:11434"
_PREFERRED_OLLAMA = ("coder", "code", "qwen", "llama", "mistral")


def make_provider(config: ProviderConfig, environ: Mapping[str, str] | None = None) -> Provider:
    """The adapter for a provider's wire format."""
    if config.kind == "anthropic":
        from peer_lsp.llm.providers.anthropic import AnthropicProvider

        return AnthropicProvider(config, environ=environ)
    if config.kind == "gemini":
        from peer_lsp.llm.providers.gemini import GeminiProvider

        return GeminiProvider(config, environ=environ)
    if config.kind == "ollama":
        from peer_lsp.llm.providers.ollama import OllamaProvider

        return OllamaProvider(config, environ=environ)
    from peer_lsp.llm.providers.openai_compat import OpenAICompatProvider

    return OpenAICompatProvider(config, environ=environ)


def ollama_address(environ: Mapping[str, str]) -> str:
    """Where Ollama listens: ``OLLAMA_HOST`` as Ollama itself reads it (``host``,
    ``host:port`` or a URL), else `OLLAMA_URL`."""
    host = environ.get("OLLAMA_HOST", "").strip().rstrip("/")
    if not host:
        return OLLAMA_URL
    if "://" not in host:
        host = f"http://{host}"
    parts = urlsplit(host)
    return host if parts.port else f"{host}:11434"


def pick_ollama_model(models: list[str]) -> str | None:
    """A code-capable model if there is one, else the first."""
    for hint in _PREFERRED_OLLAMA:
        for model in models:
            if hint in model.lower():
                return model
    return models[0] if models else None


@dataclass
class RouterSetup:
    """The router (None when nothing is configured) and what the user should be told."""

    router: Router | None
    config: LLMConfig
    problems: list[str] = field(default_factory=list)
    autodetected: str | None = None
    missing_keys: list[str] = field(default_factory=list)
    local_model: str = ""
    """Why a local model server that was found is not used (no consent, declined, another
    user's port); empty when none was found or it is used."""
    """One message per configured provider whose API key variable (``apiKeyEnv``) is unset
    or empty, found before any request: every call to it would fail, a cache hit only hides
    that until the code changes."""


def missing_keys(providers: Iterable[Provider]) -> list[str]:
    """What `RouterSetup.missing_keys` says: each provider's `Provider.missing_key`."""
    return [message for provider in providers if (message := provider.missing_key())]


async def build_router(
    settings: RouterSettings,
    *,
    root: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    ollama_url: str | None = None,
    with_cache: bool = True,
    per_run: bool = False,
    ask: Ask | None = None,
    consents: Consents | None = None,
) -> RouterSetup:
    """A router for these settings, or none when no provider is configured or found.

    ``per_run``: a command-line run, whose run budgets (``runTokenLimit``, ...) apply.
    An autodetected Ollama is used only once the user allowed it for this workspace: as
    remembered in ``consents``, else as ``ask`` answers (not at all without ``ask``)."""
    config, problems = parse_llm_config(settings.providers, settings.routes)
    autodetected, note = None, ""
    env = os.environ if environ is None else environ
    if not config.configured and settings.ollama_autodetect:
        ollama_url = ollama_url or ollama_address(env)
        workspace = str(Path(root).resolve() if root is not None else Path.cwd())
        config, autodetected, note = await _autodetect_ollama(
            ollama_url, workspace, ask, consents or Consents()
        )
    if not config.configured:
        return RouterSetup(None, config, problems, local_model=note)
    providers = {p.id: make_provider(p, env) for p in config.providers}
    from peer_lsp.llm.guard import Guard
    from peer_lsp.llm.router import Router

    keys = [env.get(p.api_key_env, "") for p in config.providers if p.api_key_env]
    guard = Guard(settings, root=root, known_secrets=[k for k in keys if k])
    cache = None
    if with_cache:
        from peer_lsp.llm.cache.from_settings import open_cache

        cache = open_cache(settings)
    from peer_lsp.llm.budget import Budget, budget_problems

    problems += budget_problems(settings, config)
    shared, ledger = shared_limits(settings) if per_run else (None, None)
    budget = Budget.from_settings(settings, config, root=root, per_run=per_run, ledger=ledger)
    router = Router(config, providers, cache=cache, guard=guard, budget=budget, shared=shared)
    return RouterSetup(router, config, problems, autodetected, missing_keys(providers.values()))


def shared_limits(settings: CacheSettings) -> tuple[SharedLimits | None, RedisLedger | None]:
    """With ``redisUrl``: the rate limits and the daily-budget ledger every process on that
    Redis shares (`peer_lsp.llm.shared_limits`); else none. A URL that cannot be used is
    the cache's warning already: none either."""
    if not settings.redis_url:
        return None, None
    from peer_lsp.llm.shared_limits import RedisLedger, SharedLimits

    try:
        return SharedLimits(settings.redis_url), RedisLedger(settings.redis_url)
    except ValueError:
        return None, None


async def _autodetect_ollama(
    url: str, workspace: str, ask: Ask | None, consents: Consents
) -> tuple[LLMConfig, str | None, str]:
    """The config for a local Ollama the user allowed, its model, and else why not."""
    from peer_lsp.llm.providers.ollama import detect_ollama

    foreign = foreign_owner_problem(url)
    if foreign is not None:  # not even asked for its models: it would learn we are here
        log.warning("%s", foreign)
        return LLMConfig(), None, foreign
    models = await detect_ollama(url)
    model = pick_ollama_model(models or [])
    if model is None:
        return LLMConfig(), None, ""
    uid = port_owner(url)
    server = LocalServer(url, model, account_name(uid) if uid is not None else None)
    allowed = consents.answer(workspace, server)
    if allowed is None and ask is not None:
        allowed = await ask(server)
        if allowed is not None:
            consents.remember(workspace, server, allowed)
    if not allowed:
        why = "declined for this workspace" if allowed is False else "not allowed yet"
        note = f"found {server.describe()}: not used, {why}"
        log.info("%s", note)
        return LLMConfig(), None, note
    provider = parse_provider(
        {"preset": "ollama", "model": model, "baseUrl": url, "id": "ollama"}, 0
    )
    log.info("no provider configured: using the local Ollama model %s (allowed)", model)
    return LLMConfig((provider,), (RouteConfig("default", (provider.id,)),)), model, ""
