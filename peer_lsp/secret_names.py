"""Which names name a secret: one vocabulary for the guard and the hard-coded-secret rules.

A name is split into lower-case words the same way everywhere (`name_words`: ``dbPassword``,
``DB_PASSWORD``, ``db-password`` and ``db.password`` are all ``db password``), and its words
say what kind of secret it holds (`secret_name`):

- ``password``: ``password``, ``passwd``, ``passphrase``, ``passcode``, ``pwd``, ``pass``, and
  words ending in them (``PGPASSWORD``);
- ``secret``: ``secret``, ``client_secret``, ``secret_key``, ``session_secret``;
- ``token``: ``token``, ``auth_token``, ``bearer``; a token is *qualified* when a word says
  whose (``access_token``, ``authToken``, ``apitoken``), since a bare ``token`` is as often
  a lexer's or a parser's;
- ``api-key``: ``api_key``, ``apikey``, and ``key`` after a word such as ``access``,
  ``private``, ``signing``, ``client``;
- ``credential``: ``credentials``, ``creds``, ``auth``, ``authorization``.

The last word decides (``db_password`` is a password, ``password_hash`` is not): then the
name is `SecretName.decisive`. A name whose last word is only a weak hint (``key``,
``salt``, ``cookie``, ``signature``, ``hmac``), or that merely contains a secret word
(``secret_key_base``, ``password_file``), is not decisive: the guard still looks at its value,
asking more of it; the rules leave it alone.

Nothing of peer-lsp is imported here: `peer_lsp.llm` and `peer_lsp.rules` both build on it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

PASSWORD = "password"
SECRET = "secret"
TOKEN = "token"
API_KEY = "api-key"
CREDENTIAL = "credential"
WEAK = "weak"
"""Not a kind of secret by itself: a key, salt or cookie that may be one."""

_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

PASSWORD_WORDS = frozenset({"password", "passwd", "passphrase", "passcode", "pwd", "pass"})
KEY_PREFIXES = frozenset(
    (
        "api", "access", "private", "signing", "encryption", "master", "auth", "client", "app",
        "account", "license", "subscription", "service", "consumer", "storage", "webhook",
        "admin", "deploy", "write", "ingest", "project", "ssh",
    )
)  # fmt: skip
"""Words that make the ``key`` after them an API or access key."""
TOKEN_QUALIFIERS = KEY_PREFIXES | {"refresh", "bearer", "oauth", "session", "id", "bot", "personal"}
"""Words that make the ``token`` after them a credential rather than a lexer's token."""
CREDENTIAL_WORDS = frozenset({"credential", "credentials", "creds", "auth", "authorization"})
WEAK_WORDS = frozenset({"key", "salt", "cookie", "signature", "hmac"})

HINT_WORDS = (
    "pass", "pwd", "secret", "token", "key", "auth", "cred", "salt", "cookie", "signature",
    "hmac", "bearer",
)  # fmt: skip
"""Lower-case substrings of every name worth a look: a fast `str.find` pre-filter."""


@dataclass(frozen=True, slots=True)
class SecretName:
    """What a name says it holds: a ``kind`` (see the module docstring) and how surely.

    ``decisive``: the last word names the secret. ``qualified``: for a token, a word says
    whose token it is; true for every other kind.
    """

    kind: str
    decisive: bool
    qualified: bool = True


def name_words(name: str) -> tuple[str, ...]:
    """The words of a name, lower case: ``dbPassword`` → ``("db", "password")``."""
    return tuple(word.lower() for word in _SPLIT.split(name) if word)


def identifier_words(name: str) -> str:
    """A name's words joined by ``_``: ``dbPassword`` / ``DB_PASSWORD`` → ``db_password``."""
    return "_".join(name_words(name))


def _word_kind(words: Sequence[str], index: int) -> str | None:
    """The kind of secret that the word at ``index`` (with the one before it) names."""
    word = words[index]
    before = words[index - 1] if index else ""
    if word in PASSWORD_WORDS or word.endswith(("password", "passwd", "passphrase")):
        return PASSWORD
    if word.endswith(("secret", "secretkey")) or (word == "key" and before == "secret"):
        return SECRET
    if word.endswith("token") or word == "bearer":
        return TOKEN
    if word.endswith("apikey") or (word == "key" and before in KEY_PREFIXES):
        return API_KEY
    if word in CREDENTIAL_WORDS:
        return CREDENTIAL
    return None


def _qualified_token(words: Sequence[str], index: int) -> bool:
    word = words[index]
    return word != "token" or (index > 0 and words[index - 1] in TOKEN_QUALIFIERS)


@functools.lru_cache(maxsize=4096)
def secret_name(name: str) -> SecretName | None:
    """What ``name`` says it holds, or None when it names no secret."""
    words = name_words(name)
    if not words:
        return None
    last = len(words) - 1
    kind = _word_kind(words, last)
    if kind is not None:
        qualified = kind != TOKEN or _qualified_token(words, last)
        return SecretName(kind, decisive=True, qualified=qualified)
    if words[last] in WEAK_WORDS:
        return SecretName(WEAK, decisive=False)
    for index in range(last):
        kind = _word_kind(words, index)
        if kind is not None:
            return SecretName(kind, decisive=False)
    return None


def names_stored_secret(name: str) -> bool:
    """Whether a name surely holds a password, secret, key or access token (the rules' test).

    Decisive names of those kinds only: not ``password_hash``, not a bare ``token``, not
    ``credentials`` or ``auth`` (which as often hold a user name or a scheme).
    """
    found = secret_name(name)
    return (
        found is not None
        and found.decisive
        and found.qualified
        and found.kind in (PASSWORD, SECRET, TOKEN, API_KEY)
    )
