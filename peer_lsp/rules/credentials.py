"""Names and literals that hold credentials: secret names, token names, real-looking secrets.

Names are judged in the vocabulary the guard uses too (`peer_lsp.secret_names`); a literal is
a secret when it looks like a real credential, not a placeholder, label or name.
"""

from __future__ import annotations

import re
import typing

from peer_lsp.rules.grammar_nodes import identifiers_in
from peer_lsp.secret_names import PASSWORD, identifier_words, names_stored_secret, secret_name

if typing.TYPE_CHECKING:
    from tree_sitter import Node

_TOKEN_WORDS = re.compile(
    r"(?:^|_)(?:token|secret|password|passwd|pwd|nonce|salt|otp|csrf|session_?id|api_?key"
    r"|apikey|auth_?code|reset_?code|verification_?code|activation_?code|invite_?code)(?:_|$)"
)


def is_token_name(name: str) -> bool:
    """Whether a variable or function name says it holds a secret token."""
    return _TOKEN_WORDS.search(identifier_words(name)) is not None


_NAME_LIKE = re.compile(r"[A-Za-z_$][\w$.-]*")


def is_secret_name(name: str) -> bool:
    """Whether an identifier (or a string key) names a password, secret, private key or API
    key/token, in the vocabulary the guard uses too (`peer_lsp.secret_names`).

    The secret word must end the name: ``password`` and ``db_password`` count,
    ``password_hash``, ``password_prompt`` and a bare ``token`` do not. A key that is not
    spelled like a name (``"AWS::Secret"``, ``"the password"``) does not count either.
    """
    bare = name.strip().strip("\"'`")
    return bool(_NAME_LIKE.fullmatch(bare)) and names_stored_secret(bare)


_PLACEHOLDER = re.compile(
    r"change_?me|changeit|example|placeholder|dummy|sample|fake|redacted|your|xxx|\*\*\*"
    r"|<[^>]*>|\$\{|\{\{|%\(|%s|^\w+:$|^none$|^null$|^nil$|^undefined$|^todo|^test|^mock|^secret$"
    r"|^password$|^passwd$|^pass$|^token$|^string$|^admin$|^root$|^user(name)?$|^default$",
    re.IGNORECASE,
)


_NAMES_A_SECRET = re.compile(r"pass(?:word|wd)|secret|token|api_?key", re.IGNORECASE)
"""A value that names the kind of secret (``"[type=password]"``) is a label, not one."""


_SCHEME = re.compile(r"(?:Bearer|bearer|Basic|basic|Token|token):?[ \t]+(?=\S)")
"""An HTTP authorization scheme before a credential (``"Bearer: 2lkj..."``)."""


def is_secret_value(value: str) -> bool:
    """Whether a literal looks like a real credential rather than a placeholder or label.

    An authorization scheme before it (``Bearer``, ``Basic``, ``Token``) is left out.
    At least 6 characters, no whitespace, not one or two characters repeated, not a
    placeholder (``changeme``, ``<password>``, ``${DB_PASS}``, ``xxx``…) nor a label that names
    the secret (``"[type=password]"``), not an environment variable's name (``DB_PASSWORD``),
    not plain words (``Incorrect``, ``db.password``), not a path or URL.
    """
    scheme = _SCHEME.match(value)
    if scheme is not None:
        value = value[scheme.end() :]
    if len(value) < 6 or len(value) > 200 or any(c.isspace() for c in value):
        return False
    if len(set(value)) <= 2:
        return False
    if _PLACEHOLDER.search(value) or _NAMES_A_SECRET.search(value):
        return False
    if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{1,16}", value):
        return False  # the name of an environment variable or setting
    if value.startswith(("/", "./", "http://", "https://", "file:")):
        return False
    return not re.fullmatch(r"[A-Za-z]+(?:[._-][A-Za-z]+)*", value)  # words or a key name


def mentions_password(node: Node, data: bytes) -> bool:
    """Whether an identifier under ``node`` names a password (``password``, ``pwd``, …)."""
    for name in identifiers_in(node, data):
        found = secret_name(name)
        if found is not None and found.kind == PASSWORD:
            return True
    return False
