"""The secrets that patterns find by their shape: vendor keys, private keys, passwords in URLs.

`DETECTORS` is an ordered table: a kind, a regex whose ``secret`` group is replaced, and
optional tests of the candidate. Patterns start with a literal so that `re` finds them with
its fast substring search (or have literal hints, strings that must occur for them to run).
Vendor formats come first (their prefixes make them reliable), then URL and connection-string
passwords; assignments to secret-like names (`assignments`) are looked for after them. A
private key without its END line (a unit cut short) is redacted to the end of its base64.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from peer_lsp.llm.redaction.values import is_real_value, looks_generated, value_is_secret


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
        check=lambda secret: looks_generated(secret[3:]),
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
        check=is_real_value,
    ),
    _detector(
        "authorization",
        r"(?:Bearer|bearer|BEARER|Basic|basic|BASIC)[ \t]+(?P<secret>[A-Za-z0-9._~+/\-]{12,}=*)",
        hints=_cases("bearer", "basic"),
        check=looks_generated,
    ),
    _detector(
        "password",  # in a connection string: "Server=db;User Id=sa;Password=...;"
        r"""(?:Password|password|PASSWORD|Pwd|pwd|PWD)[ \t]*=[ \t]*(?P<secret>[^;"'\r\n]+)""",
        hints=_cases("password", "pwd"),
        check=is_real_value,
        before=_after_separator,
    ),
    _detector(
        "password",  # in a DSN or a command: "host=db user=app password=... dbname=shop"
        r"(?:Password|password|PASSWORD|Pwd|pwd|PWD)="
        r"""(?P<secret>[^\s'"`;,()\[\]{}]+)(?=[ \t"'])""",
        hints=_cases("password", "pwd"),
        check=lambda secret: value_is_secret("any", secret, "password"),
        before=_after_space,
    ),
    *(
        _detector(
            "password",  # auth=("user", "..."), HTTPBasicAuth("user", "...")
            opening
            + r"""[ \t]*(?P<q1>["'])[^"'\n]*(?P=q1)[ \t]*,
                  [ \t]*(?P<q2>["'])(?P<secret>[^"'\n]+)(?P=q2)""",
            check=is_real_value,
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
            check=is_real_value,
            flags=re.VERBOSE,
            before=_word_starts,
        )
        for opening in ("auth", "Auth", "login", "Login")
    ),
    _detector(
        "token",  # .npmrc: //registry.npmjs.org/:_authToken=...
        r"""(?::_authToken|:_auth|:_password)=(?P<secret>[^\s"'`]+)""",
        check=is_real_value,
    ),
    _detector(
        "password",  # curl -u user:...
        r"""curl(?:[ \t][^\n]*?)?[ \t](?:-u|--user)[ \t=]+["']?[^\s:"']*:(?P<secret>[^\s"']+)""",
        check=is_real_value,
    ),
)
"""Vendor and structural detectors, most specific first; assignments follow them."""
