"""The placeholders that stand for secrets: ``<redacted:KIND:HASH>``.

The suffix is a keyed hash (HMAC-SHA-256 with a random key made when the process starts,
first 8 hex digits) of the secret. The same secret gets the same placeholder in every request
of a session, so the model can tell that two lines use the same key and answers stay
consistent; but the suffix cannot be brute-forced offline back into the secret (a plain hash
of a short password could be), because the key never leaves this process. A new session gives
new suffixes: cached answers for units that hold secrets are not reused across restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

_SESSION_KEY = secrets.token_bytes(32)
"""Key of the placeholder HMAC: random per process, never written anywhere."""

PLACEHOLDER_START = "<redacted:"
"""How every placeholder begins."""


def placeholder(kind: str, secret: str) -> str:
    """``<redacted:KIND:HASH>``: stable for one secret within this process, opaque outside it."""
    digest = hmac.new(_SESSION_KEY, secret.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return f"<redacted:{kind}:{digest.hexdigest()[:8]}>"


def holds_placeholder(text: str) -> bool:
    """Whether ``text`` carries a redaction placeholder, as a model may copy one into a fix."""
    return PLACEHOLDER_START in text


_PLACEHOLDER_SHAPE = re.compile(r"<redacted:([a-z0-9-]+):[0-9a-f]{8}>")


def stable_placeholders(text: str) -> str:
    """``text`` with each placeholder's session hash replaced by the order in which its
    secret first appears: the same in every session, and telling nothing of the secret."""
    seen: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        index = seen.setdefault(match.group(0), len(seen) + 1)
        return f"<redacted:{match.group(1)}:{index}>"

    return _PLACEHOLDER_SHAPE.sub(number, text)
