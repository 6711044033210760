"""Secrets in text replaced by placeholders, before anything is sent or logged.

`redact` scans any text: code before it becomes a prompt, or a vendor's error body. It runs
the pattern `detectors` first, then looks for literals bound to secret-like names
(`assignments`). Code is scanned with its lines, so that the syntaxes that are only literals
at the start of a line (``password: hunter2`` in YAML, ``export TOKEN=...``) are seen as such,
and the placeholder of a secret that spans lines (a PEM block, a YAML block scalar) is
followed by as many line breaks as the secret held. `redact_prompt` is the guard's pass over
a whole prompt: the numbered code blocks in it are scanned as code (their ``  12 | ``
prefixes set aside), the rest as text. `redact` is pure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from peer_lsp.llm.redaction.assignments import find_assignments, find_heredocs
from peer_lsp.llm.redaction.detectors import DETECTORS
from peer_lsp.llm.redaction.personal import personal_detectors
from peer_lsp.llm.redaction.placeholders import placeholder


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


def redact(
    text: str, known: Iterable[str] | Mapping[str, str] = (), personal: Iterable[str] = ()
) -> Redaction:
    """``text`` with every secret replaced by its `placeholder`, line breaks kept.

    ``personal``: the kinds of personal data (`personal.KINDS`) masked too, after the secrets.

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
    for find in (find_assignments, find_heredocs):
        spans = list(find(text))
        if spans:
            text = _replace(text, spans, kinds, found)
    for detector in personal_detectors(personal):
        spans = list(detector.spans(text))
        if spans:
            text = _replace(text, spans, kinds, found)
    return Redaction(text, sum(kinds.values()), kinds, found)


_NUMBERED = re.compile(r"(?P<prefix> *\d* \|)(?: (?P<code>.*))?")
"""A line of a numbered code block in a prompt: ``  12 | code`` (no number: elided lines)."""


def redact_prompt(text: str, known: Iterable[str] = (), personal: Iterable[str] = ()) -> Redaction:
    """A whole prompt redacted: its numbered code blocks as code, then everything as text.

    A numbered line's ``  12 | `` prefix would hide what starts the line (``password:`` in
    YAML, ``export`` in shell), so each run of numbered lines is redacted without its
    prefixes first; then the whole text, for what lies outside the blocks.
    """
    kinds: Counter[str] = Counter()
    personal = tuple(personal)
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and _NUMBERED.fullmatch(lines[end]):
            end += 1
        if end > index:
            lines[index:end] = _redact_numbered(lines[index:end], known, kinds, personal)
            index = end
        else:
            index += 1
    whole = redact("\n".join(lines), known, personal)
    kinds.update(whole.kinds)
    return Redaction(whole.text, sum(kinds.values()), kinds)


def _redact_numbered(
    lines: list[str], known: Iterable[str], kinds: Counter[str], personal: Iterable[str]
) -> list[str]:
    matches = [_NUMBERED.fullmatch(line) for line in lines]
    prefixes = [m["prefix"] if m else "" for m in matches]
    code = "\n".join((m["code"] or "") if m else "" for m in matches)
    redacted = redact(code, known, personal)
    if not redacted.count:
        return lines
    kinds.update(redacted.kinds)
    return [
        f"{prefix} {line}" if line else prefix
        for prefix, line in zip(prefixes, redacted.text.split("\n"), strict=True)
    ]
