"""Literal values bound to secret-like names, in the syntaxes of code and configuration.

`find_assignments` anchors on the secret words of `peer_lsp.secret_names` with `str.find`,
reads the whole name around each, and takes the literal bound to it when the name's policy
(`name_kind`) says the value is a secret (`values`). Not secrets, so not redacted: a name
without a literal (``os.environ["API_KEY"]``, ``getenv("TOKEN")``, ``password=password``) and
type names (``password: str``); a hex digest assigned to ``checksum`` or a UUID assigned to
``request_id`` is not bound to a secret-like name and is left alone. Unquoted values count as
literals only where they are literals: ``.env`` and shell lines (``TOKEN=abc``), YAML
(``password: hunter2``), INI lines whose value cannot be a name (``password = s3cr3t!``),
command-line flags, query strings, connection strings and numbers; elsewhere an unquoted
value is code (a variable, a call), and so is ``password = hunter2``. `find_heredocs` takes
the shell here-documents given to such a name.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterator

from peer_lsp.llm.redaction.placeholders import PLACEHOLDER_START
from peer_lsp.llm.redaction.values import random_looking, value_is_secret
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
        return end if not _IDENTIFIER.fullmatch(value) or random_looking(value) else None
    if op != ":" or quoted or not _YAML_LEAD.fullmatch(lead) or _TYPE_NAME.fullmatch(value):
        return None
    if ends_line:
        return end
    rest = _YAML_REST.match(text, end)  # `password: two words`, up to a comment
    if rest is None or set(rest.group()) & _CODE_IN_VALUE:
        return None
    words = text[tail.start("bare") : rest.end()]
    return rest.end() if any(not (c.isalpha() or c.isspace()) for c in words) else None


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


def find_assignments(text: str) -> Iterator[tuple[int, int, str]]:
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
        if found is None or text.endswith(PLACEHOLDER_START, 0, start):
            continue
        span = _value_span(text, start, end, name, flag)
        if span is not None and value_is_secret(found[1], text[span[0] : span[1]], name):
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


def find_heredocs(text: str) -> Iterator[tuple[int, int, str]]:
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
        if stripped and value_is_secret(_POLICY[kind], stripped, name):
            first = body + value.index(stripped)
            yield first, first + len(stripped), kind


def _lower(text: str) -> str:
    """``text`` lower-cased, character for character (`str.lower` may lengthen a few)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if c.isascii() else c for c in text)
