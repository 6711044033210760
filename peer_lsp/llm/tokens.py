"""Token estimates without a tokenizer: conservative, cheap, the same for every vendor.

Code averages about 3.5 characters per token across current tokenizers; rounding up keeps
budget checks on the safe side. Used to check a prompt against a context window before
sending it, to notice when Ollama silently cut a prompt short, and to count what a request
costs before it is sent (budgets, ``peer check --dry-run``).
"""

from __future__ import annotations

import json
import math
import typing

if typing.TYPE_CHECKING:
    from collections.abc import Mapping

CHARS_PER_TOKEN = 3.5


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


def schema_tokens(schema: Mapping[str, typing.Any] | None) -> int:
    """What an answer schema adds to a request's input. Every vendor bills it as input,
    whether it goes as structured output or, for one without, in the instructions."""
    return estimate_tokens(json.dumps(schema, separators=(",", ":"))) if schema else 0


def request_tokens(system: str, user: str, schema: Mapping[str, typing.Any] | None) -> int:
    """The input tokens of a request: its two messages and its answer schema."""
    return estimate_tokens(system) + estimate_tokens(user) + schema_tokens(schema)
