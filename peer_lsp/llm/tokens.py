"""Token estimates without a tokenizer: conservative, cheap, the same for every vendor.

Code averages about 3.5 characters per token across current tokenizers; rounding up keeps
budget checks on the safe side. Used to check a prompt against a context window before
sending it, and to notice when Ollama silently cut a prompt short.
"""

from __future__ import annotations

import math

CHARS_PER_TOKEN = 3.5


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0
