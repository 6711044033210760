"""The cache the settings ask for: Redis when ``redisUrl`` is set, else the disk cache in
``cacheDir`` or the user cache directory."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from peer_lsp.llm.cache.answers import AnswerCache
from peer_lsp.llm.cache.backend import Clock
from peer_lsp.llm.cache.disk_cache import DiskCache
from peer_lsp.llm.cache.redis_cache import RedisCache, redacted_url
from peer_lsp.llm.options import CacheSettings

log = logging.getLogger("peer_lsp.llm.cache")
"""The whole cache logs under the package's name: `peer cache` shows its warnings."""

MIB = 1024 * 1024
DAY = 86_400.0


def cache_directory(settings: CacheSettings) -> Path:
    """Where the disk cache lives: ``cacheDir``, else ``answers`` in the user cache dir."""
    if settings.cache_dir:
        return Path(settings.cache_dir).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("peer-lsp", appauthor=False)) / "answers"


def open_cache(settings: CacheSettings, now: Clock = time.time) -> AnswerCache:
    """The cache the settings ask for: Redis when ``redisUrl`` is set, else the disk.

    A Redis URL that cannot be used falls back to the disk cache, with a warning.
    """
    ttl_seconds = settings.cache_ttl_days * DAY
    if settings.redis_url:
        try:
            return RedisCache(settings.redis_url, ttl_seconds=ttl_seconds, now=now)
        except ValueError as error:
            log.warning(
                "redisUrl %s is not usable (%s); using the disk cache",
                redacted_url(settings.redis_url),
                error,
            )
    return DiskCache(
        cache_directory(settings),
        max_bytes=settings.cache_max_mb * MIB,
        ttl_seconds=ttl_seconds,
        now=now,
    )
