"""What a value must look like to count as a secret: the tests of a candidate, not where it is.

A value bound to a secret-like name (see `assignments`) is judged by the policy of the name:

- ``any`` (``password`` and ``secret`` names): any literal of 3 characters or more;
- ``generated`` (``token``, ``api-key`` and ``credential`` names): a literal of 8 or more
  characters that looks generated (letters with digits or symbols);
- ``entropy`` (``key``, ``salt``, ``cookie``, ``signature``, ``hmac``, and names that merely
  contain a secret word): a high-entropy literal of 20 or more characters (Shannon entropy at
  least 3.0 bits per character for hex, 3.5 otherwise).

Never a secret, whatever the policy: empty and short values, templates and references
(``${TOKEN}``, ``{{ secret }}``, ``$PASS``, ``%(pw)s``, ``<your-key-here>``), masks
(``****``), environment-variable names (``"OPENAI_API_KEY"``), dotted configuration keys
(``spring.datasource.password``), paths and URLs, messages (``"Enter your password:"``), and
well-known dummy values (``changeme``, ``password``, ``example``, ``dummy``…): they protect
nothing, and left visible they let the model flag a hard-coded default password.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter

from peer_lsp.llm.redaction.placeholders import PLACEHOLDER_START

_MASK_CHARS = frozenset("*xX•.#-_?")
_DUMMY_VALUES = frozenset(
    (
        "changeme", "changeit", "changethis", "replaceme", "password", "passwd", "pass",
        "secret", "token", "apikey", "key", "example", "sample", "dummy", "placeholder",
        "redacted", "none", "null", "nil", "undefined", "todo", "fixme", "test", "testing",
        "foo", "bar", "foobar", "default", "empty", "notset", "unset", "hidden", "masked",
    )
)  # fmt: skip
_TEMPLATE = re.compile(
    r"""\$\{ | \{\{ | \}\} | \#\{ | %\(\w+\)[sd] | %[sd] | \{\d*\}
      | \{[A-Za-z_][\w.\[\]'"]*(?:![rsa])?(?::[^{}]*)?\}          # an f-string field
      | ^\$\(? [A-Za-z_]\w* \)?$ | ^%[A-Za-z_]\w*%$ | ^<[^<>]*>$ | ^\$\( """,
    re.ASCII | re.VERBOSE,
)
_ENVIRONMENT_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_DOTTED_KEY = re.compile(r"[a-z][a-z0-9_\-]*(?:\.[a-z0-9_\-]+)+")
_MESSAGE_WORDS = re.compile(r"pass|secret|token|key|credential|login", re.IGNORECASE)
_HEX = frozenset("0123456789abcdefABCDEF")
_SEPARATORS = frozenset("-_.")


def _is_stand_in(value: str) -> bool:
    """A value that holds no secret: empty, a template or reference, a mask, a dummy word."""
    value = value.strip()
    if not value or PLACEHOLDER_START in value or _TEMPLATE.search(value):
        return True
    if set(value) <= _MASK_CHARS or _ENVIRONMENT_NAME.fullmatch(value):
        return True
    if "*" in value and not any(c.isalnum() for c in value):  # ":****"
        return True
    if value.startswith(("/", "./", "../", "~/", "arn:")) or "://" in value:
        return True
    folded = "".join(c for c in value.lower() if c.isalnum())
    return folded in _DUMMY_VALUES or folded.startswith("your") or folded.endswith("here")


def looks_generated(value: str) -> bool:
    """Letters with digits or inner symbols: what generated keys look like and words do not."""
    has_alpha = has_digit = has_symbol = False
    last = len(value) - 1
    for index, char in enumerate(value):
        if char.isalpha():
            has_alpha = True
        elif char.isdigit():
            has_digit = True
        elif char not in _SEPARATORS and 0 < index < last:
            has_symbol = True
    return has_alpha and (has_digit or has_symbol)


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value``'s own character distribution."""
    length = len(value)
    if not length:
        return 0.0
    return -sum(n / length * math.log2(n / length) for n in Counter(value).values())


_KEY_ALPHABET = re.compile(r"[A-Za-z0-9+/%]+={0,2}|[A-Za-z0-9_\-]+={0,2}")
"""Base64 (also percent-encoded), base64url and hex: how generated secrets are spelled."""


def _case_changes(value: str) -> float:
    """How often neighbours differ in kind (lower, upper, digit): ~0.6 random, ~0.3 CamelCase."""
    kinds = [c.islower() - c.isupper() for c in value if c.isalnum()]
    return sum(a != b for a, b in itertools.pairwise(kinds)) / max(len(kinds) - 1, 1)


def _high_entropy(value: str) -> bool:
    """A generated-looking string of 20 characters or more with enough Shannon entropy.

    Not an identifier (``S3AccessPointAttachments``: too few case changes), a path, a date.
    """
    if len(value) < 20 or not _KEY_ALPHABET.fullmatch(value) or not looks_generated(value):
        return False
    if value.lower() != value and value.upper() != value and _case_changes(value) < 0.4:
        return False
    threshold = 3.0 if set(value) <= _HEX | _SEPARATORS else 3.5
    return shannon_entropy(value) >= threshold


def is_real_value(value: str) -> bool:
    """Not a stand-in (a template, a reference, a mask, a dummy word): what a pattern that
    already says where a secret is (a URL's password, ``curl -u``) still asks of it."""
    return not _is_stand_in(value)


def random_looking(value: str) -> bool:
    """Upper and lower case and digits, changing kind often: ``P3kzMWqkJc``, not ``DbUser2``."""
    return (
        len(value) >= 8
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
        and _case_changes(value) >= 0.4
    )


_CODE_CHARS = frozenset("\\[](){}^|<>")
"""Characters of code and regular expressions, not of generated keys."""
_EXAMPLE_WORDS = re.compile(r"password|secret|token|example|xxxx", re.IGNORECASE)
"""In a value that should look generated, these words betray an example or a label."""


def value_is_secret(policy: str, value: str, name: str) -> bool:
    """Whether ``value``, bound to a name of this policy, is a secret."""
    value = value.strip()
    if _is_stand_in(value) or _DOTTED_KEY.fullmatch(value):
        return False
    folded = "".join(c for c in value.lower() if c.isalnum())
    if folded == "".join(c for c in name.lower() if c.isalnum()):
        return False
    if any(c.isspace() for c in value) and (
        policy != "any" or value[-1] in ":?.!" or _MESSAGE_WORDS.search(value)
    ):
        return False
    if policy == "any":
        return len(value) >= 3
    if any(c in _CODE_CHARS for c in value) or _EXAMPLE_WORDS.search(value):
        return False
    if policy == "generated":
        return len(value) >= 8 and looks_generated(value)
    return _high_entropy(value)
