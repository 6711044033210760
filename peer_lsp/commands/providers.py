"""`peer providers`: the configured providers and routes, and with ``--check`` whether each
one answers a tiny request, and how fast.

API keys are never printed: only the name of the variable and whether it is set.
"""

from __future__ import annotations

import asyncio
import os
import sys
import typing
from pathlib import Path

from peer_lsp.commands.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from peer_lsp.llm import errors
from peer_lsp.llm.config import LLMConfig, ProviderConfig, parse_llm_config
from peer_lsp.llm.types import LLMRequest, Task
from peer_lsp.project import docs_url
from peer_lsp.settings.model import Settings

if typing.TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence


PING = LLMRequest(
    system="You are a health check. Reply with the single word OK.",
    user="OK?",
    max_tokens=16,
    stream=False,
    task=Task.REVIEW,
    unit="health-check",
)


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _key_state(provider: ProviderConfig, environ: Mapping[str, str]) -> str:
    if not provider.api_key_env:
        return "-"
    state = "set" if environ.get(provider.api_key_env, "").strip() else "MISSING"
    return f"{provider.api_key_env} ({state})"


def describe(config: LLMConfig, environ: Mapping[str, str]) -> str:
    """Providers and routes as two plain-text tables."""
    providers = [("id", "kind", "model", "endpoint", "key", "structured", "concurrency")]
    providers += [
        (
            p.id,
            p.kind,
            p.model,
            p.base_url,
            _key_state(p, environ),
            p.structured,
            str(p.max_concurrency),
        )
        for p in config.providers
    ]
    routes = [("route", "takes", "providers (in order)", "deadline")]
    for route in config.routes:
        takes = [
            *(t.value for t in route.tasks),
            *route.languages,
            *route.categories,
            *([f"<= {route.max_unit_tokens} tokens"] if route.max_unit_tokens else []),
            *([f"complexity >= {route.min_complexity}"] if route.min_complexity else []),
        ]
        routes.append(
            (route.name, ", ".join(takes) or "everything", " -> ".join(route.providers),
             f"{route.deadline:g} s")
        )  # fmt: skip
    return f"Providers\n{_table(providers)}\n\nRoutes\n{_table(routes)}"


async def check(
    config: LLMConfig, settings: Settings, environ: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """(provider, status, latency) for one tiny request to each provider, in parallel."""
    from peer_lsp.llm.factory import make_provider
    from peer_lsp.llm.guard import Guard
    from peer_lsp.llm.lanes import cost_of

    guard = Guard(settings)

    async def one(provider_config: ProviderConfig) -> tuple[str, str, str]:
        provider = make_provider(provider_config, environ)
        try:
            sent = guard.prepare(PING, provider.id, provider_config.model)
            response = await provider.send(sent)
        except errors.LLMError as error:
            guard.audit(PING, provider.id, provider_config.model, f"error:{error.kind.value}")
            return provider.id, f"{error.kind.value}: {error.message}", "-"
        finally:
            await provider.aclose()
        cost = cost_of(provider_config, response.usage)
        guard.audit(
            sent, provider.id, provider_config.model, "sent", response.usage,
            response.latency_ms, cost=cost,
        )  # fmt: skip
        return provider.id, "ok", f"{response.latency_ms:.0f} ms"

    return list(await asyncio.gather(*(one(p) for p in config.providers)))


def _settings(config: str | None) -> tuple[Settings, list[str]]:
    """The settings ``--config`` names (a file, read as `peer check --config` reads it, or a
    project folder), else those of the current folder; and every problem with them."""
    from peer_lsp.settings.files import SettingsFileError, load_settings, load_settings_file

    path = Path(config) if config else Path.cwd()
    try:
        settings, problems = load_settings(path) if path.is_dir() else load_settings_file(path)
    except SettingsFileError as error:
        return Settings(), [str(error)]
    return settings, [str(problem) for problem in problems]


def run_providers(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    settings, problems = _settings(args.config)
    config, config_problems = parse_llm_config(settings.providers, settings.routes)
    for problem in [*problems, *config_problems]:
        print(f"peer providers: {problem}", file=sys.stderr)
    if problems or config_problems:
        return EXIT_USAGE
    if not config.configured:
        print(
            "No provider is configured: peer reviews locally (syntax and local rules) "
            "and uses a local Ollama when one answers on 127.0.0.1:11434.\n"
            f"Add [[providers]] to .peer.toml; see {docs_url('providers.md')}"
        )
        return EXIT_OK
    print(describe(config, env))
    if not args.check:
        return EXIT_OK
    results = asyncio.run(check(config, settings, env))
    print("\nCheck\n" + _table([("provider", "status", "latency"), *results]))
    return EXIT_OK if all(status == "ok" for _, status, _ in results) else EXIT_FAILED
