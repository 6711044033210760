"""Settings in, a ready router out: providers, routes, cache and guard put together.

Nothing is sent anywhere unless the user configured a provider; the one exception is a local
Ollama, used when nothing else is configured and one answers on 127.0.0.1 (``ollamaAutodetect``).
"""

from __future__ import annotations

import logging
import os
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from peer_lsp.llm.config import (
    LLMConfig,
    ProviderConfig,
    RouteConfig,
    parse_llm_config,
    parse_provider,
)

if typing.TYPE_CHECKING:
    from pathlib import Path

    from peer_lsp.llm.options import CacheSettings, RouterSettings
    from peer_lsp.llm.providers.base import Provider
    from peer_lsp.llm.router import Router
    from peer_lsp.llm.shared_limits import RedisLedger, SharedLimits

log = logging.getLogger(__name__)

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
    ollama_url: str = OLLAMA_URL,
    with_cache: bool = True,
    per_run: bool = False,
) -> RouterSetup:
    """A router for these settings, or none when no provider is configured or found.

    ``per_run``: a command-line run, whose run budgets (``runTokenLimit``, ...) apply."""
    config, problems = parse_llm_config(settings.providers, settings.routes)
    autodetected = None
    if not config.configured and settings.ollama_autodetect:
        config, autodetected = await _autodetect_ollama(ollama_url)
    if not config.configured:
        return RouterSetup(None, config, problems)
    env = os.environ if environ is None else environ
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


async def _autodetect_ollama(url: str) -> tuple[LLMConfig, str | None]:
    from peer_lsp.llm.providers.ollama import detect_ollama

    models = await detect_ollama(url)
    model = pick_ollama_model(models or [])
    if model is None:
        return LLMConfig(), None
    provider = parse_provider(
        {"preset": "ollama", "model": model, "baseUrl": url, "id": "ollama"}, 0
    )
    log.info("no provider configured: using the local Ollama model %s", model)
    return LLMConfig((provider,), (RouteConfig("default", (provider.id,)),)), model
