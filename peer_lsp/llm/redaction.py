"""Secrets found in text and replaced by placeholders, before anything is sent or logged.

`redact` scans any text (a prompt, a vendor's error body); `redact_code` scans code before
it becomes a prompt, keeping its lines, so that the syntaxes that are only literals at the
start of a line (``password: hunter2`` in YAML, ``export TOKEN=...``) are seen as such, and
the placeholder of a secret that spans lines (a PEM block, a YAML block scalar) is followed
by as many line breaks as the secret held. `redact_prompt` is the guard's pass over a whole
prompt: the numbered code blocks in it are scanned as code (their ``  12 | `` prefixes set
aside), the rest as text.

Placeholders. The suffix is a keyed hash (HMAC-SHA-256 with a random key made when the process
starts, first 8 hex digits) of the secret. The same secret gets the same placeholder in every
request of a session, so the model can tell that two lines use the same key and answers stay
consistent; but the suffix cannot be brute-forced offline back into the secret (a plain hash
of a short password could be), because the key never leaves this process. A new session gives
new suffixes: cached answers for units that hold secrets are not reused across restarts.

Detection. `DETECTORS` is an ordered table: a kind, a regex whose ``secret`` group is replaced,
and optional tests of the candidate. Patterns start with a literal so that `re` finds them with
its fast substring search (or have literal hints, strings that must occur for them to run).
Vendor formats come first (their prefixes make them reliable), then URL and connection-string
passwords, then assignments to secret-like names (`_find_assignments`, anchored with
`str.find`), where a value counts as a secret by the family of the name:

- ``password`` and ``secret`` names (``db_password``, ``SECRET_KEY``, ``clientSecret``): any
  literal of 3 characters or more;
- ``token``, ``api-key`` and ``credential`` names (``authToken``, ``x-api-key``, ``auth``): a
  literal of 8 or more characters that looks generated (letters with digits or symbols);
- ``key``, ``salt``, ``cookie``, ``signature``, ``hmac``, and names that merely contain a
  secret word (``secret_key_base``, ``password_hash``): a high-entropy literal of 20 or more
  characters (Shannon entropy at least 3.0 bits per character for hex, 3.5 otherwise).

Not secrets, so not redacted: a name without a literal (``os.environ["API_KEY"]``,
``getenv("TOKEN")``, ``password=password``), empty and short values, type names
(``password: str``), templates and references (``${TOKEN}``, ``{{ secret }}``, ``$PASS``,
``%(pw)s``, ``<your-key-here>``), masks (``****``), environment-variable names
(``"OPENAI_API_KEY"``), dotted configuration keys (``spring.datasource.password``), paths and
URLs, messages (``"Enter your password:"``), and well-known dummy values (``changeme``,
``password``, ``example``, ``dummy``…): they protect nothing, and left visible they let the
model flag a hard-coded default password. A hex digest assigned to ``checksum`` or a UUID
assigned to ``request_id`` is not bound to a secret-like name and is left alone. Unquoted
values count as literals only where they are literals: ``.env`` and shell lines
(``TOKEN=abc``), YAML (``password: hunter2``), INI lines whose value cannot be a name
(``password = s3cr3t!``), command-line flags, query strings, connection strings and numbers;
elsewhere an unquoted value is code (a variable, a call), and so is ``password = hunter2``.
A private key without its END line (a unit cut short) is redacted to the end of its base64.

`redact` is pure and also scrubs other outgoing or logged text (a vendor's error body, say).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import itertools
import math
import re
import secrets
import string
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from peer_lsp.secret_names import (
    API_KEY,
    CREDENTIAL,
    HINT_WORDS,
    PASSWORD,
    SECRET,
    TOKEN,
    WEAK,
    secret_name,
)

_SESSION_KEY = secrets.token_bytes(32)
"""Key of the placeholder HMAC: random per process, never written anywhere."""


# -- redaction ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Redaction:
    """Text with its secrets replaced, how many were replaced, and of which kinds.

    ``found`` maps each secret replaced to its kind, for redacting the same values where no
    detector would see them (a message quoting one); kept in memory only, never printed.
    """

    text: str
    count: int
    kinds: Counter[str]
    found: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)


def placeholder(kind: str, secret: str) -> str:
    """``<redacted:KIND:HASH>``: stable for one secret within this process, opaque outside it."""
    digest = hmac.new(_SESSION_KEY, secret.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return f"<redacted:{kind}:{digest.hexdigest()[:8]}>"


_PLACEHOLDER_START = "<redacted:"
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


def _is_placeholder(value: str) -> bool:
    """A value that holds no secret: empty, a template or reference, a mask, a dummy word."""
    value = value.strip()
    if not value or _PLACEHOLDER_START in value or _TEMPLATE.search(value):
        return True
    if set(value) <= _MASK_CHARS or _ENVIRONMENT_NAME.fullmatch(value):
        return True
    if "*" in value and not any(c.isalnum() for c in value):  # ":****"
        return True
    if value.startswith(("/", "./", "../", "~/", "arn:")) or "://" in value:
        return True
    folded = "".join(c for c in value.lower() if c.isalnum())
    return folded in _DUMMY_VALUES or folded.startswith("your") or folded.endswith("here")


def _looks_generated(value: str) -> bool:
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
    if len(value) < 20 or not _KEY_ALPHABET.fullmatch(value) or not _looks_generated(value):
        return False
    if value.lower() != value and value.upper() != value and _case_changes(value) < 0.4:
        return False
    threshold = 3.0 if set(value) <= _HEX | _SEPARATORS else 3.5
    return shannon_entropy(value) >= threshold


def _literal_password(value: str) -> bool:
    return not _is_placeholder(value)


@dataclass(frozen=True, slots=True)
class Detector:
    """One kind of secret: a regex whose ``secret`` group is what gets replaced.

    ``whole``: the secret must be a whole token (no letter, digit, ``_`` or ``-`` right before
    it); checked here rather than with a look-behind, which would keep `re` from scanning for
    the literal the pattern starts with. ``hints``: for a pattern that cannot start with a
    literal, strings of which one must occur for it to run at all. ``check``: a last test of
    the candidate secret.
    """

    kind: str
    pattern: re.Pattern[str]
    whole: bool = False
    hints: tuple[str, ...] = ()
    check: Callable[[str], bool] | None = None
    before: Callable[[str, int], bool] | None = None
    """A test of what precedes the match: ``before(text, match_start)``."""

    def spans(self, text: str) -> Iterator[tuple[int, int, str]]:
        if self.hints and not any(hint in text for hint in self.hints):
            return
        for match in self.pattern.finditer(text):
            start, end = match.span("secret")
            if self.whole and start and text[start - 1] in _TOKEN_CHARS:
                continue
            if self.before is not None and not self.before(text, match.start()):
                continue
            if start < end and (self.check is None or self.check(text[start:end])):
                yield start, end, self.kind


_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "_-")
_END = r"(?![A-Za-z0-9_\-])"
"""A token ends here: no longer word continues it."""


def _detector(
    kind: str,
    regex: str,
    whole: bool = False,
    hints: Iterable[str] = (),
    check: Callable[[str], bool] | None = None,
    flags: int = 0,
    before: Callable[[str, int], bool] | None = None,
) -> Detector:
    compiled = re.compile(regex, re.ASCII | flags)
    return Detector(kind, compiled, whole, tuple(hints), check, before)


def _after_separator(text: str, start: int) -> bool:
    """A ``;`` or a quote before ``start``, spaces skipped: a field of a connection string."""
    while start and text[start - 1] in " \t":
        start -= 1
    return bool(start) and text[start - 1] in ";\"'"


def _after_space(text: str, start: int) -> bool:
    """A space before the name that ends at ``start`` (``-e DB_PASSWORD=``): a word of its own."""
    while start and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return bool(start) and text[start - 1] in " \t"


def _word_starts(text: str, start: int) -> bool:
    """No letter, digit or ``_`` right before ``start``: ``auth(`` but not ``oauth(``."""
    return not start or not (text[start - 1].isalnum() or text[start - 1] == "_")


def _cases(*words: str) -> tuple[str, ...]:
    """Each word as written, capitalized and upper-cased: hints for code's naming styles."""
    return tuple(v for w in words for v in dict.fromkeys((w, w.capitalize(), w.upper())))


# Patterns start with a literal wherever they can, so that `re` finds candidates with its fast
# substring search; none uses IGNORECASE, which turns that search off.
DETECTORS: tuple[Detector, ...] = (
    _detector(
        "gcp-private-key",
        r"""private_key["']\s*:\s*["'](?P<secret>-----BEGIN[^"']*)""",
    ),
    _detector(
        "private-key",
        r"""(?P<secret>-----BEGIN[ A-Z0-9]*PRIVATE\ KEY(?:\ BLOCK)?-----
              (?: .*?-----END[ A-Z0-9]*PRIVATE\ KEY(?:\ BLOCK)?-----   # a whole block
                | (?:[A-Za-z0-9+/=\s"',:\-]|\\[nrt])* ))               # cut short: its base64""",
        flags=re.DOTALL | re.VERBOSE,
    ),
    _detector(
        "aws-access-key",
        r"(?P<secret>A(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16})(?![A-Za-z0-9])",
        whole=True,
    ),
    _detector(
        "aws-secret-key",
        r"""(?:Secret|secret|SECRET)[_.\-]?(?:[Aa]ccess[_.\-]?|ACCESS[_.\-]?)?(?:[Kk]ey|KEY)
            ["'`\]]*\s*(?:=>|:=|[:=])\s*[rbuRBUf@$]?["'`]?
            (?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])""",
        hints=_cases("secret"),
        flags=re.VERBOSE,
    ),
    _detector("google-api-key", rf"(?P<secret>AIza[0-9A-Za-z_\-]{{35}}){_END}", whole=True),
    _detector("google-oauth-secret", r"(?P<secret>GOCSPX-[A-Za-z0-9_\-]{20,})"),
    _detector(
        "azure-storage-key",
        r"(?:AccountKey|SharedAccessKey)\s*=\s*(?P<secret>[A-Za-z0-9+/]{20,}={0,2})",
        hints=["AccountKey", "SharedAccessKey"],
    ),
    _detector("azure-sas-signature", r"sig=(?P<secret>[A-Za-z0-9%+/=]{20,})"),
    _detector(
        "github-token",
        r"(?P<secret>gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})",
        whole=True,
    ),
    _detector(
        "gitlab-token",
        r"(?P<secret>gl(?:pat|dt|rt|ptt|soat|cbt|imt|ft)-[A-Za-z0-9_\-]{20,})",
        whole=True,
    ),
    _detector(
        "slack-token",
        r"(?P<secret>xox[abposre]-[A-Za-z0-9\-]{10,}|xapp-[0-9]-[A-Za-z0-9\-]{10,})",
        whole=True,
    ),
    _detector(
        "slack-webhook",
        r"hooks\.slack\.com/(?P<secret>(?:services|workflows|triggers)/[A-Za-z0-9_/\-]+)",
    ),
    _detector(
        "stripe-key",
        r"(?P<secret>[rs]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9+/=]{20,})",
        whole=True,
        hints=["k_live_", "k_test_", "whsec_"],
    ),
    _detector("anthropic-key", r"(?P<secret>sk-ant-[A-Za-z0-9_\-]{20,})", whole=True),
    _detector("openrouter-key", r"(?P<secret>sk-or-v1-[A-Za-z0-9]{20,})", whole=True),
    _detector(
        "openai-key",
        r"(?P<secret>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,})",
        whole=True,
        check=lambda secret: _looks_generated(secret[3:]),
    ),
    _detector("groq-key", r"(?P<secret>gsk_[A-Za-z0-9]{40,})", whole=True),
    _detector("xai-key", r"(?P<secret>xai-[A-Za-z0-9]{40,})", whole=True),
    _detector("huggingface-token", r"(?P<secret>hf_[A-Za-z0-9]{30,})", whole=True),
    _detector("npm-token", r"(?P<secret>npm_[A-Za-z0-9]{30,})", whole=True),
    _detector("pypi-token", r"(?P<secret>pypi-AgE[A-Za-z0-9_\-]{40,})", whole=True),
    _detector("twilio-key", r"(?P<secret>SK[0-9a-f]{32})(?![A-Za-z0-9])", whole=True),
    _detector("twilio-key", r"(?P<secret>AC[0-9a-f]{32})(?![A-Za-z0-9])", whole=True),
    _detector(
        "sendgrid-key",
        r"(?P<secret>SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,})",
        whole=True,
    ),
    _detector("mailgun-key", rf"(?P<secret>key-[0-9a-f]{{32}}){_END}", whole=True),
    _detector("shopify-token", r"(?P<secret>shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})", whole=True),
    _detector("digitalocean-token", r"(?P<secret>do[por]_v1_[a-f0-9]{64})", whole=True),
    _detector(
        "telegram-bot-token",
        rf"(?<![0-9])(?P<secret>[0-9]{{8,10}}:AA[A-Za-z0-9_\-]{{33}}){_END}",
        hints=[":AA"],
    ),
    _detector(
        "jwt",
        r"(?P<secret>eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*)",
        whole=True,
    ),
    _detector(
        "url-password",  # scheme://user:PASSWORD@host; the last @ before the path ends it
        r"""://[^\s:/@'"`<>]*:(?P<secret>[^\s/'"`<>]+)@""",
        check=_literal_password,
    ),
    _detector(
        "authorization",
        r"(?:Bearer|bearer|BEARER|Basic|basic|BASIC)[ \t]+(?P<secret>[A-Za-z0-9._~+/\-]{12,}=*)",
        hints=_cases("bearer", "basic"),
        check=_looks_generated,
    ),
    _detector(
        "password",  # in a connection string: "Server=db;User Id=sa;Password=...;"
        r"""(?:Password|password|PASSWORD|Pwd|pwd|PWD)[ \t]*=[ \t]*(?P<secret>[^;"'\r\n]+)""",
        hints=_cases("password", "pwd"),
        check=_literal_password,
        before=_after_separator,
    ),
    _detector(
        "password",  # in a DSN or a command: "host=db user=app password=... dbname=shop"
        r"(?:Password|password|PASSWORD|Pwd|pwd|PWD)="
        r"""(?P<secret>[^\s'"`;,()\[\]{}]+)(?=[ \t"'])""",
        hints=_cases("password", "pwd"),
        check=lambda secret: _accepts("any", secret, "password"),
        before=_after_space,
    ),
    *(
        _detector(
            "password",  # auth=("user", "..."), HTTPBasicAuth("user", "...")
            opening
            + r"""[ \t]*(?P<q1>["'])[^"'\n]*(?P=q1)[ \t]*,
                  [ \t]*(?P<q2>["'])(?P<secret>[^"'\n]+)(?P=q2)""",
            check=_literal_password,
            flags=re.VERBOSE,
        )
        for opening in (r"auth[ \t]*=[ \t]*\(", r"BasicAuth\(")  # one literal each: fast
    ),
    *(
        _detector(
            "password",  # auth("user", "..."), login("user", "..."): a call's second string
            opening
            + r"""\([ \t]*(?P<q1>["'])[^"'\n]*(?P=q1)[ \t]*,
                  [ \t]*(?P<q2>["'])(?P<secret>[^"'\n]+)(?P=q2)""",
            check=_literal_password,
            flags=re.VERBOSE,
            before=_word_starts,
        )
        for opening in ("auth", "Auth", "login", "Login")
    ),
    _detector(
        "token",  # .npmrc: //registry.npmjs.org/:_authToken=...
        r"""(?::_authToken|:_auth|:_password)=(?P<secret>[^\s"'`]+)""",
        check=_literal_password,
    ),
    _detector(
        "password",  # curl -u user:...
        r"""curl(?:[ \t][^\n]*?)?[ \t](?:-u|--user)[ \t=]+["']?[^\s:"']*:(?P<secret>[^\s"']+)""",
        check=_literal_password,
    ),
)
"""Vendor and structural detectors, most specific first; assignments follow them."""


# -- assignments to secret-like names ----------------------------------------------------------

_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_$.-")
_NAME_REST = re.compile(r"[A-Za-z0-9_$.\-]*")
_QUOTES = "\"'`"
_POLICY = {
    PASSWORD: "any",
    SECRET: "any",
    TOKEN: "generated",
    API_KEY: "generated",
    CREDENTIAL: "generated",
}
"""What a value bound to a decisive name of each kind must look like to count as a secret."""
_ENTROPY = "high-entropy"


@functools.lru_cache(maxsize=4096)
def name_kind(name: str) -> tuple[str, str] | None:
    """(kind, policy) of a name (`secret_name`), or None when it does not name a secret.

    A decisive name's kind sets the policy; any other secret-like name asks for a
    high-entropy value, and a weak one (``key``, ``salt``) is reported as ``high-entropy``.
    """
    found = secret_name(name)
    if found is None:
        return None
    if found.kind == WEAK:
        return _ENTROPY, "entropy"
    return found.kind, _POLICY[found.kind] if found.decisive else "entropy"


_TAIL = re.compile(
    r"""
    (?P<close>["'`]?\]?)                                   # closing quote, subscript
    (?P<array>\[\w*\])?                                     # C: char secret[] = "..."
    (?P<annotation>[ \t]*:[ \t]*[&*]?[A-Za-z_][\w.]*(?:\[[^=\n]*\])?      # x: str = ...
       (?:[ \t]*\|[ \t]*[A-Za-z_][\w.]*(?:\[[^=\n]*\])?)*(?=[ \t]*=[^=>]))?   # x: T | None = ...
    (?P<before>[ \t]*)
    (?P<op>:=|=>|===?|!==?|<-|=|:|,|\(|(?<=[ \t])(?=["']))
    (?P<after>[ \t]*)
    (?:[rbuRBUf]{1,2}(?=["'])|@(?=")|\$(?=["']))?         # string prefixes
    (?: "{3}(?P<tdq>(?:[^"\\]|\\.|"(?!""))*)"{3}         # triple-quoted, maybe on many lines
      | '{3}(?P<tsq>(?:[^'\\]|\\.|'(?!''))*)'{3}
      | "(?P<dq>[^"\\\n]*(?:\\.[^"\\\n]*)*)"
      | '(?P<sq>[^'\\\n]*(?:\\.[^'\\\n]*)*)'
      | `(?P<bq>[^`\\]*)`                                  # a template or raw string: lines too
      | (?P<bare>[^\s'"`;,&]+) )
    """,
    re.ASCII | re.VERBOSE,
)
_VALUE_GROUPS = ("tdq", "tsq", "dq", "sq", "bq", "bare")
_XML_VALUE = re.compile(r">(?P<value>[^<\n]+)</")
_ENV_LEAD = re.compile(
    r"[ \t]*(?P<prefix>(?:export|set|env|ENV|ARG|declare(?:[ \t]+-\w+)?|local|readonly)[ \t]+"
    r"|-[ \t]+)?"
)
_YAML_LEAD = re.compile(r"[ \t]*(?:-[ \t]+)?")
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
_LINE_REST = re.compile(r"[ \t]*(?:#.*)?(?:\n|$)")
_TYPE_NAME = re.compile(r"(?:str|string|bytes|int|bool|boolean|number|any|char|[A-Z][a-z]+)+")
_KEYWORDS = frozenset(
    ("null", "none", "nil", "true", "false", "undefined", "yes", "no", "on", "off", "~")
)
_CODE_CHARS = frozenset("\\[](){}^|<>")
"""Characters of code and regular expressions, not of generated keys."""
_EXAMPLE_WORDS = re.compile(r"password|secret|token|example|xxxx", re.IGNORECASE)
"""In a value that should look generated, these words betray an example or a label."""


def _bare_end(
    text: str, start: int, name: str, flag: bool, quoted: bool, tail: re.Match[str]
) -> int | None:
    """Where an unquoted value ends when it is a literal (config, shell, flags); None when it
    is code (a variable, a call)."""
    value, op, end = tail["bare"], tail["op"], tail.end("bare")
    if value.lower() in _KEYWORDS or value[0] in "!&*|>" or any(c in "()[]{}" for c in value):
        return None
    if value.isdigit():
        return end if op in ("=", ":", "==", "===") else None
    previous = text[start - 1] if start else "\n"
    lead = text[text.rfind("\n", 0, start) + 1 : start]
    ends_line = bool(_LINE_REST.match(text, end))
    if op == "=" and not tail["before"] and not tail["after"]:
        if flag or previous in "?&;":
            return end
        env = _ENV_LEAD.fullmatch(lead)
        if env is None:
            return None
        if ends_line:
            return end if env["prefix"] or not lead or name.isupper() else None
        # `PGPASSWORD=... psql`: a variable set for one command
        return end if name.isupper() and text.startswith((" ", "\t"), end) else None
    if op == "=" and ends_line and not lead.strip():
        # INI style, `key = value` alone on a line: a literal unless it reads as a name
        return end if not _IDENTIFIER.fullmatch(value) or _random_looking(value) else None
    if op != ":" or quoted or not _YAML_LEAD.fullmatch(lead) or _TYPE_NAME.fullmatch(value):
        return None
    if ends_line:
        return end
    rest = _YAML_REST.match(text, end)  # `password: two words`, up to a comment
    if rest is None or set(rest.group()) & _CODE_IN_VALUE:
        return None
    words = text[tail.start("bare") : rest.end()]
    return rest.end() if any(not (c.isalpha() or c.isspace()) for c in words) else None


def _random_looking(value: str) -> bool:
    """Upper and lower case and digits, changing kind often: ``P3kzMWqkJc``, not ``DbUser2``."""
    return (
        len(value) >= 8
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
        and _case_changes(value) >= 0.4
    )


_YAML_REST = re.compile(r"[^\n]*?(?=[ \t]+\#|[ \t]*(?:\n|$))")
_CODE_IN_VALUE = frozenset("()[]{},;|&\"'`#")
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]{0,2}[ \t]*(?:\#[^\n]*)?(?=\n)")
_VALUE_LINE = re.compile(
    r"""["']?[ \t]*(?:,|\n)[ \t]*(?:-[ \t]+)?["']?value["']?[ \t]*:[ \t]*
        (?: "(?P<dq>[^"\n]*)" | '(?P<sq>[^'\n]*)'
          | (?P<bare>[^\s\#"'{\[][^\n]*?)(?=[ \t]+\#|[ \t]*(?:\n|$)) )""",
    re.VERBOSE,
)
"""The value next to a name given as ``name: NAME`` (Kubernetes ``env``, ECS, compose)."""
_NAME_FIELD = re.compile(r"""["']?name["']?[ \t]*:[ \t]*["']?$""")
_DOCKER_ENV = re.compile(r"[ \t]*ENV[ \t]+")
_SPACED_VALUE = re.compile(r"[ \t]+(?P<value>[^\s=\"'][^\n]*?)[ \t]*(?:\n|$)")
_DSL_LEADS = ("", "ENV", "#define")
"""What may come before ``NAME "value"`` on its line: nothing, a Dockerfile ``ENV``, a C macro."""


def _block_scalar(text: str, key_line: int, header_end: int) -> tuple[int, int] | None:
    """The span of a YAML block scalar (``key: |``): the lines after its header that are
    indented deeper than the key's line, from the first character to the last."""
    key_indent = len(text[key_line:header_end]) - len(text[key_line:header_end].lstrip(" \t-"))
    position = header_end + 1
    first = last = -1
    while position <= len(text):
        newline = text.find("\n", position)
        line_end = len(text) if newline == -1 else newline
        line = text[position:line_end]
        if line.strip():
            if len(line) - len(line.lstrip(" \t")) <= key_indent:
                break
            first = first if first != -1 else position + len(line) - len(line.lstrip(" \t"))
            last = line_end
        if newline == -1:
            break
        position = newline + 1
    return (first, last) if first != -1 else None


def _unpaired_value(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The value of a name that no operator follows: ``- name: DB_PASSWORD`` with
    ``value: ...`` on the next line, or a Dockerfile's ``ENV NAME value``."""
    lead = text[text.rfind("\n", 0, start) + 1 : start].rstrip("\"'")
    if _NAME_FIELD.search(lead):
        found = _VALUE_LINE.match(text, end)
        if found:
            group = next(g for g in ("dq", "sq", "bare") if found[g] is not None)
            return found.start(group), found.end(group)
    elif _DOCKER_ENV.fullmatch(lead):
        found = _SPACED_VALUE.match(text, end)
        if found:
            return found.start("value"), found.end("value")
    return None


def _accepts(policy: str, value: str, name: str) -> bool:
    """Whether ``value``, bound to a name of this policy, is a secret."""
    value = value.strip()
    if _is_placeholder(value) or _DOTTED_KEY.fullmatch(value):
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
        return len(value) >= 8 and _looks_generated(value)
    return _high_entropy(value)


_LABEL = re.compile(r"[A-Za-z][A-Za-z_.\-]*")


def _is_label(value: str) -> bool:
    """A name that names a secret (``"userPassword"``, ``"id-it-revPassphrase"``): what a C
    macro holds is an OID's or a field's name, not a secret."""
    return bool(_LABEL.fullmatch(value)) and secret_name(value) is not None


def _opens_call(text: str, quote_at: int) -> bool:
    """Whether the quoted name at ``quote_at`` is a call's first argument: ``f("NAME", ...``."""
    while quote_at and text[quote_at - 1] in " \t":
        quote_at -= 1
    return text.startswith("(", quote_at - 1) if quote_at else False


def _anchors(lowered: str) -> list[int]:
    """Where a secret word occurs, in order."""
    found: list[int] = []
    for word in HINT_WORDS:
        at = lowered.find(word)
        while at != -1:
            found.append(at)
            at = lowered.find(word, at + len(word))
    found.sort()
    return found


def _find_assignments(text: str) -> Iterator[tuple[int, int, str]]:
    """Literal values bound to secret-like names, in the syntaxes of code and configuration."""
    lowered = _lower(text)
    done = 0
    for anchor in _anchors(lowered):
        if anchor < done:
            continue
        rest = _NAME_REST.match(text, anchor)
        end = done = rest.end() if rest else anchor
        while end > anchor and text[end - 1] in ".-":
            end -= 1
        start = anchor
        while start and text[start - 1] in _NAME_CHARS:
            start -= 1
        flag = text.startswith("--", start)
        while start < end and text[start] in ".-":
            start += 1
        name = text[start:end]
        found = name_kind(name)
        if found is None or text.endswith(_PLACEHOLDER_START, 0, start):
            continue
        span = _value_span(text, start, end, name, flag)
        if span is not None and _accepts(found[1], text[span[0] : span[1]], name):
            yield span[0], span[1], found[0]


def _value_span(text: str, start: int, end: int, name: str, flag: bool) -> tuple[int, int] | None:
    """Where the literal bound to the name at ``start:end`` lies, if one is."""
    tail = _TAIL.match(text, end)
    before = text[start - 1] if start else ""
    if tail is None:
        if before == "<":
            value = _XML_VALUE.match(text, end)
            return value.span("value") if value else None
        return _unpaired_value(text, start, end)
    quote = before if before and before in _QUOTES else ""
    close = tail["close"]
    if not (close.startswith(quote) if quote else close in ("", "]")):
        return None  # a quoted name is closed by its own quote
    group = next(g for g in _VALUE_GROUPS if tail[g] is not None)
    op = tail["op"]
    if op == "," and not (quote and group != "bare" and _opens_call(text, start - 1)):
        return None
    line_start = text.rfind("\n", 0, start) + 1
    if op == "" and text[line_start:start].strip() not in _DSL_LEADS:
        return None  # `password "..."` (a DSL) only at the start of a line
    if op == "" and group != "bare" and _is_label(tail[group]):
        return None
    if group != "bare":
        return tail.span(group)
    if op == ":" and not quote:
        header = _BLOCK_HEADER.match(text, tail.start("bare"))
        if header and _YAML_LEAD.fullmatch(text[line_start:start]):
            return _block_scalar(text, line_start, header.end())
    if op in ("", "("):
        return None
    value_end = _bare_end(text, start, name, flag, bool(quote), tail)
    return (tail.start("bare"), value_end) if value_end is not None else None


_HEREDOC = re.compile(r"<<-?[ \t]*(?P<quote>['\"]?)(?P<tag>[A-Za-z_]\w*)(?P=quote)")
_WORD = re.compile(r"[A-Za-z_][\w-]*")


def _find_heredocs(text: str) -> Iterator[tuple[int, int, str]]:
    """Shell here-documents that a secret-like name on their first line is given:
    ``DB_PASSWORD=$(cat <<EOF`` or ``... --from-file=password=/dev/stdin <<EOF``."""
    if "<<" not in text:
        return
    for heredoc in _HEREDOC.finditer(text):
        head = text[text.rfind("\n", 0, heredoc.start()) + 1 : heredoc.start()]
        named = [(word, secret_name(word)) for word in _WORD.findall(head)]
        kinds = [(w, n.kind) for w, n in named if n and n.decisive and n.kind != WEAK]
        body = text.find("\n", heredoc.end()) + 1
        if not kinds or not body:
            continue
        name, kind = kinds[-1]
        closing = re.compile(rf"^[ \t]*{heredoc['tag']}[ \t]*$", re.MULTILINE).search(text, body)
        value = text[body : closing.start() if closing else len(text)]
        stripped = value.strip()
        if stripped and _accepts(_POLICY[kind], stripped, name):
            first = body + value.index(stripped)
            yield first, first + len(stripped), kind


def _replace(
    text: str, spans: Iterable[tuple[int, int, str]], kinds: Counter[str], found: dict[str, str]
) -> str:
    parts: list[str] = []
    position = 0
    for start, end, kind in sorted(spans):
        if start < position:  # overlaps the previous span
            continue
        parts.append(text[position:start])
        secret = text[start:end]
        parts.append(placeholder(kind, secret) + "\n" * secret.count("\n"))
        kinds[kind] += 1
        found[secret] = kind
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _lower(text: str) -> str:
    """``text`` lower-cased, character for character (`str.lower` may lengthen a few)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if c.isascii() else c for c in text)


def redact(text: str, known: Iterable[str] | Mapping[str, str] = ()) -> Redaction:
    """``text`` with every secret replaced by its `placeholder`, line breaks kept.

    ``known``: exact values that are secrets whatever they look like: the API keys of the
    configured providers (kind ``configured-key``), or a mapping of values to their kinds
    (`Redaction.found` of the code a text is about); values shorter than 8 characters are
    ignored. A secret that spans lines leaves its line breaks after its placeholder, so code
    keeps its line numbers.
    """
    kinds: Counter[str] = Counter()
    found: dict[str, str] = {}
    pairs = known.items() if isinstance(known, Mapping) else ((k, "configured-key") for k in known)
    for secret, kind in pairs:
        if len(secret) >= 8 and secret in text:
            kinds[kind] += text.count(secret)
            text = text.replace(secret, placeholder(kind, secret) + "\n" * secret.count("\n"))
    for detector in DETECTORS:
        spans = list(detector.spans(text))
        if spans:
            text = _replace(text, spans, kinds, found)
    for find in (_find_assignments, _find_heredocs):
        spans = list(find(text))
        if spans:
            text = _replace(text, spans, kinds, found)
    return Redaction(text, sum(kinds.values()), kinds, found)


_NUMBERED = re.compile(r"(?P<prefix> *\d* \|)(?: (?P<code>.*))?")
"""A line of a numbered code block in a prompt: ``  12 | code`` (no number: elided lines)."""


def redact_prompt(text: str, known: Iterable[str] = ()) -> Redaction:
    """A whole prompt redacted: its numbered code blocks as code, then everything as text.

    A numbered line's ``  12 | `` prefix would hide what starts the line (``password:`` in
    YAML, ``export`` in shell), so each run of numbered lines is redacted without its
    prefixes first; then the whole text, for what lies outside the blocks.
    """
    kinds: Counter[str] = Counter()
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and _NUMBERED.fullmatch(lines[end]):
            end += 1
        if end > index:
            lines[index:end] = _redact_numbered(lines[index:end], known, kinds)
            index = end
        else:
            index += 1
    whole = redact("\n".join(lines), known)
    kinds.update(whole.kinds)
    return Redaction(whole.text, sum(kinds.values()), kinds)


def _redact_numbered(lines: list[str], known: Iterable[str], kinds: Counter[str]) -> list[str]:
    matches = [_NUMBERED.fullmatch(line) for line in lines]
    prefixes = [m["prefix"] if m else "" for m in matches]
    code = "\n".join((m["code"] or "") if m else "" for m in matches)
    redacted = redact(code, known)
    if not redacted.count:
        return lines
    kinds.update(redacted.kinds)
    return [
        f"{prefix} {line}" if line else prefix
        for prefix, line in zip(prefixes, redacted.text.split("\n"), strict=True)
    ]


_PLACEHOLDER_SHAPE = re.compile(r"<redacted:([a-z0-9-]+):[0-9a-f]{8}>")


def stable_placeholders(text: str) -> str:
    """``text`` with each placeholder's session hash replaced by the order in which its
    secret first appears: the same in every session, and telling nothing of the secret."""
    seen: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        index = seen.setdefault(match.group(0), len(seen) + 1)
        return f"<redacted:{match.group(1)}:{index}>"

    return _PLACEHOLDER_SHAPE.sub(number, text)
