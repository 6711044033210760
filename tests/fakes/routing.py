"""A real `Router` over one OpenAI-compatible fake vendor, for tests that drive the review
pipeline below the server: one provider ``fake`` (model ``m``), one default route, and a
diskcache folder when given."""

from __future__ import annotations

from pathlib import Path

from fakes.server import FakeServer
from peer_lsp.llm.cache.disk_cache import DiskCache
from peer_lsp.llm.config import LLMConfig, RouteConfig, parse_provider
from peer_lsp.llm.providers.openai_compat import OpenAICompatProvider
from peer_lsp.llm.router import Router


def fake_router(fake: FakeServer, cache_dir: Path | None = None) -> Router:
    config = parse_provider(
        {"preset": "vllm", "model": "m", "id": "fake", "baseUrl": f"{fake.url}/v1"}, 0
    )
    cache = DiskCache(cache_dir, max_bytes=10_000_000, ttl_seconds=3600) if cache_dir else None
    return Router(
        LLMConfig((config,), (RouteConfig("default", ("fake",)),)),
        {"fake": OpenAICompatProvider(config)},
        cache=cache,
    )
