"""The cache key: everything that changes a model's answer, and nothing else.

Never the file path, so the same function in two files, branches or machines is one entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from peer_lsp.llm.types import LLMRequest

CACHE_FORMAT = 1
"""Version of the key recipe and of the stored value; bump it to orphan every old entry."""


def cache_key(
    request: LLMRequest,
    provider_model: str,
    normalized_code: str,
    template_version: str | None = None,
) -> str:
    """The cache key of ``request``: a sha256 hex digest of canonical JSON holding

    1. ``CACHE_FORMAT``;
    2. the prompt template version: ``template_version``, else ``request.prompt_version``;
    3. ``provider_model``, the provider and model that answer (e.g. ``"groq/llama-3.3-70b"``);
    4. ``normalized_code``: the unit's normalized text or normalized hash, so reformatting
       and comments do not change the key;
    5. ``request.context_key``: the hash of the context that went into the prompt (imports,
       enclosing class header);
    6. ``request.language``;
    7. ``request.system``, the system prompt text;
    8. ``request.json_schema`` (keys sorted, so equal schemas give equal keys) and
       ``request.schema_name``;
    9. ``request.temperature`` and ``request.max_tokens``.

    The user message is left out on purpose: it holds the raw unit text and its location,
    which items 4 and 5 stand for. So is the file path, and so are the routing and audit
    fields of the request.
    """
    recipe = {
        "format": CACHE_FORMAT,
        "template": request.prompt_version if template_version is None else template_version,
        "model": provider_model,
        "code": normalized_code,
        "context": request.context_key,
        "language": request.language,
        "system": request.system,
        "schema": request.json_schema,
        "schema_name": request.schema_name,
        "temperature": float(request.temperature),
        "max_tokens": request.max_tokens,
    }
    canonical = json.dumps(recipe, sort_keys=True, separators=(",", ":"), default=_plain)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plain(value: object) -> object:
    """JSON for the mappings and sequences a schema may be built from."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple | list | frozenset | set):
        return list(value)
    raise TypeError(f"not JSON: {type(value).__name__}")
