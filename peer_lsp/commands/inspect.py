"""`peer inspect`: what was sent to models and what came back, from the inspector's file.

Without an id: the exchanges kept, one line each, newest last. With an id (or a prefix of
one): that exchange in full, its prompt as sent (after redaction), the raw answer, the
findings kept and each candidate dropped with why. ``--replay ID --provider P`` sends the
same prompt to another configured provider and prints its answer and what peer makes of it,
beside the one kept. The inspector is on only when the ``inspector`` setting is.

Exit codes: 0 shown, 1 a replay that failed, 2 no such exchange or provider (usage).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
import typing

from peer_lsp.commands.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from peer_lsp.review.inspector import Exchange, Inspector

if typing.TYPE_CHECKING:
    import argparse

    from peer_lsp.settings.model import Settings

PROG = "peer inspect"


def run_inspect(args: argparse.Namespace) -> int:
    from peer_lsp.commands.output import quiet_broken_pipe

    return quiet_broken_pipe(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    settings = _settings(args.config)
    inspector = Inspector(keep=settings.inspector_keep)
    if not settings.inspector:
        print(
            f"{PROG}: the inspector is off (set inspector = true to keep exchanges)",
            file=sys.stderr,
        )
    if args.replay:
        return _replay(inspector, settings, args.replay, args.provider, args.format)
    if args.id:
        exchange = inspector.get(args.id)
        if exchange is None:
            print(f"{PROG}: no exchange {args.id!r} in {inspector.path}", file=sys.stderr)
            return EXIT_USAGE
        print(
            json.dumps(exchange.to_json(), indent=1) if args.format == "json" else exchange.report()
        )
        return EXIT_OK
    exchanges = inspector.recent(args.last)
    if args.format == "json":
        print(json.dumps([e.to_json() for e in exchanges], indent=1))
        return EXIT_OK
    if not exchanges:
        print(f"{PROG}: no exchanges kept in {inspector.path}", file=sys.stderr)
    for e in exchanges:
        print(
            f"{e.id}  {e.at}  {e.provider}/{e.model}  {e.file} {e.unit}  "
            f"{len(e.findings)} kept, {len(e.dropped)} dropped"
        )
    return EXIT_OK


def _settings(config: str | None) -> Settings:
    from pathlib import Path

    from peer_lsp.settings.files import load_settings, load_settings_file

    start = Path(config).absolute() if config else Path.cwd()
    if config and start.is_file():
        settings, _ = load_settings_file(start)
    else:
        settings, _ = load_settings(start)
    return settings


def _replay(
    inspector: Inspector, settings: Settings, exchange_id: str, provider: str | None, form: str
) -> int:
    exchange = inspector.get(exchange_id)
    if exchange is None:
        print(f"{PROG}: no exchange {exchange_id!r} in {inspector.path}", file=sys.stderr)
        return EXIT_USAGE
    if not provider:
        print(f"{PROG}: --replay needs --provider ID (see peer providers)", file=sys.stderr)
        return EXIT_USAGE
    try:
        answer = asyncio.run(_send_again(exchange, settings, provider))
    except LookupError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # a provider's failure: said, not raised
        print(f"{PROG}: the replay failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    if form == "json":
        print(json.dumps({"kept": exchange.to_json(), "replayed": answer}, indent=1))
        return EXIT_OK
    print(f"== kept: {exchange.provider}/{exchange.model}\n{exchange.answer}\n")
    print(f"== replayed: {answer['provider']}/{answer['model']}\n{answer['answer']}")
    print(f"\n{answer['candidates']} candidate findings, {answer['unreadable']} unreadable")
    return EXIT_OK


async def _send_again(exchange: Exchange, settings: Settings, provider: str) -> dict[str, object]:
    """The exchange's prompt, as it was sent, to ``provider`` alone, past the cache."""
    from peer_lsp.llm.config import RouteConfig
    from peer_lsp.llm.factory import build_router
    from peer_lsp.llm.types import LLMRequest
    from peer_lsp.review.answer.parse import parse_answer

    quiet = dataclasses.replace(settings, ollama_autodetect=False)
    setup = await build_router(quiet, with_cache=False)
    if setup.router is None or provider not in {p.id for p in setup.config.providers}:
        known = ", ".join(p.id for p in setup.config.providers) or "none"
        raise LookupError(f"no provider {provider!r} is configured (configured: {known})")
    request = LLMRequest(
        exchange.system,
        exchange.user,
        file=exchange.file,
        unit=exchange.unit,
        prompt_version=exchange.prompt_version,
        stream=False,
    )
    try:
        response = await setup.router.complete(
            request, bypass_cache=True, store=False, route=RouteConfig("replay", (provider,))
        )
    finally:
        await setup.router.aclose()
    parsed = parse_answer(response.text)
    return {
        "provider": response.provider,
        "model": response.model,
        "answer": response.text,
        "candidates": len(parsed.candidates),
        "unreadable": len(parsed.dropped),
    }
