"""`peer cache`: show what the model-answer cache holds and how it served, or empty it.

The cache is the one the settings of the current folder name (``redisUrl``, else the disk
cache in ``cacheDir`` or the user cache directory); ``--cache-dir`` names a disk cache
directly. Exit codes: 0 when done, 1 when the cache reported a problem (shown on stderr), 2
for usage errors, such as `clear` without ``--yes`` when there is no terminal to confirm on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import sys
import typing
from pathlib import Path

from peer_lsp.commands.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from peer_lsp.llm import cache as answer_cache
from peer_lsp.llm.cache.from_settings import open_cache
from peer_lsp.settings.files import load_settings
from peer_lsp.settings.model import Settings

if typing.TYPE_CHECKING:
    import argparse

    from peer_lsp.llm.cache.answers import AnswerCache, CacheStats

PROG = "peer cache"


class _Problems(logging.Handler):
    """Shows the cache's warnings on stderr and remembers that there were some."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        print(f"{PROG}: warning: {record.getMessage()}", file=sys.stderr)


def run_cache(args: argparse.Namespace) -> int:
    """Run `peer cache stats` or `peer cache clear` for parsed arguments; the exit code."""
    problems = _Problems()
    logger = logging.getLogger(answer_cache.__name__)  # every cache module logs under it
    logger.addHandler(problems)
    try:
        cache = open_cache(_settings(args.cache_dir))
        if args.action == "stats":
            code = asyncio.run(_closing(cache, _show_stats(cache, args.format)))
        else:
            code = asyncio.run(_closing(cache, _clear(cache, args.yes)))
    finally:
        logger.removeHandler(problems)
    return EXIT_FAILED if code == EXIT_OK and problems.count else code


def _settings(cache_dir: str | None) -> Settings:
    """The settings of the current folder; ``--cache-dir`` chooses the disk cache there."""
    settings, problems = load_settings(Path.cwd())
    for problem in problems:
        print(f"{PROG}: warning: {problem}", file=sys.stderr)
    if cache_dir:
        settings = dataclasses.replace(settings, cache_dir=cache_dir, redis_url="")
    return settings


async def _closing(cache: AnswerCache, work: typing.Awaitable[int]) -> int:
    try:
        return await work
    finally:
        await cache.aclose()


async def _show_stats(cache: AnswerCache, output_format: str) -> int:
    stats = await cache.stats()
    if output_format == "json":
        print(json.dumps(dataclasses.asdict(stats), indent=2))
    else:
        print(format_stats(stats))
    return EXIT_OK


def format_stats(stats: CacheStats) -> str:
    """The statistics as aligned lines for a terminal."""
    lookups = stats.hits + stats.misses
    share = f" ({stats.hits / lookups:.0%} of lookups)" if lookups else ""
    bound = f" (limit {_size(stats.size_limit)})" if stats.size_limit else ""
    at_least = "" if stats.complete else "at least "
    rows = (
        ("backend", stats.backend),
        ("location", stats.location),
        ("entries", f"{at_least}{stats.entries}"),
        ("size", f"{at_least}{_size(stats.size_bytes)}{bound}"),
        ("hits", f"{stats.hits}{share}"),
        ("misses", str(stats.misses)),
        ("errors", str(stats.errors)),
    )
    return "\n".join(f"{name:<9} {value}" for name, value in rows)


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    amount = count / 1024
    for unit in ("KiB", "MiB"):
        if amount < 1024:
            return f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GiB"


async def _clear(cache: AnswerCache, confirmed: bool) -> int:
    stats = await cache.stats()
    if not confirmed:
        if not sys.stdin.isatty():
            print(f"{PROG} clear: no terminal to confirm on; add --yes", file=sys.stderr)
            return EXIT_USAGE
        reply = input(f"Delete the {stats.entries} cached answers in {stats.location}? [y/N] ")
        if reply.strip().lower() not in {"y", "yes"}:
            return EXIT_OK
    removed = await cache.clear()
    print(f"deleted {removed} cached answers from {stats.location}")
    return EXIT_OK
