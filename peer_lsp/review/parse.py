"""Model answers → candidate findings: tolerant of what real models return, never raising.

Models are asked for ``{"findings": [...]}`` and return that, or the same inside a fenced block,
or wrapped in prose, or with trailing commas, comments and single quotes, or cut off mid-array
when they hit their output limit. `parse_answer` takes the first JSON value that holds findings
and reads it leniently; a truncated answer keeps every finding that was complete before the cut.
An answer with no JSON at all ("No issues found.") is a valid answer with no findings.

Finding the value. Reasoning in ``<think>`` blocks is removed. Starts inside fenced blocks
tagged ``json`` (or untagged) are tried first, then every ``{`` and ``[`` of the answer in
order (at most `MAX_STARTS`). A value holds findings when it is a list of objects, an object
with a findings key (``findings``, ``issues``, ``problems``, ``results``, ``comments``,
``diagnostics``, ``bugs``; also one or two levels down), or a single finding object;
consecutive single objects (JSON lines) are collected.

Lenient JSON. Strict ``json`` is tried first; otherwise a small recursive reader accepts
trailing and missing commas, ``//`` and ``/* */`` comments, single-quoted strings, raw control
characters in strings, ``True``/``False``/``None``, ``NaN`` and ``85%``. At the end of the
input every open string, array and object is closed; an object closed that way is marked
incomplete, and an incomplete finding is dropped.

Normalizing a finding. Keys are compared without case, ``_``, ``-`` or spaces, so ``endLine``,
``end_line`` and ``End Line`` are one key; each field also has aliases (``description`` for
``message``, ``code`` or ``quote`` for ``excerpt``, ``startLine`` for ``line``...).

- severity, by its first known word: critical, blocker, fatal, severe, high, error → error;
  major, medium, moderate, important, warning → warning; minor, low, info, note → info;
  trivial, nit, hint, suggestion, optional → hint. Absent or unknown → warning.
- category, by its first known word: bug, correctness, logic, crash, error, exception, race,
  leak, syntax → bug; security, vulnerability, injection, xss, secret, unsafe → security;
  performance, perf, efficiency, slow, memory → performance; maintainability, smell,
  readability, design, complexity, duplication, refactor, documentation → maintainability;
  style, formatting, convention, naming, typo, lint → style. Absent or unknown →
  maintainability.
- confidence: numbers in [0, 1] as they are; in (1, 10] a ten-point scale; in (10, 100] a
  percentage; ``"85%"`` a percentage; words: certain 0.95, very high 0.9, high 0.8, medium or
  moderate 0.6, low 0.3, very low 0.15. Clamped to [0, 1]; absent or unreadable → 0.5.
- lines: integers, integral floats, or the first number of a string (``"L12"``); a range
  ``"12-14"`` or ``[12, 14]`` gives both ends.
- excerpt: a list of lines is joined; an enclosing code fence or pair of backticks is removed.
- fix: an object with ``replacement`` (or ``code``, ``new_code``...) and optional lines, or a
  string taken as the replacement; a fix without replacement text is ignored, the finding kept.
- title: the model's, or the first line of the message (at most 80 characters).

Entries that are not objects, were cut off, or have no excerpt or message are dropped with a
reason; `parse_answer` logs each at debug on ``peer_lsp.review`` and `count_reasons` tallies
them for the caller.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from peer_lsp.review.candidates import Candidate, Dropped, ProposedFix

log = logging.getLogger("peer_lsp.review")

NOT_AN_OBJECT = "finding is not a JSON object"
CUT_OFF = "finding cut off by the end of the answer"
NO_EXCERPT = "no code excerpt"
NO_MESSAGE = "no message"

MAX_ANSWER_CHARS = 200_000
"""Longer answers are cut here (and then read like any truncated answer)."""
MAX_STARTS = 200
"""At most this many ``{`` or ``[`` positions are tried as the start of the JSON value."""
MAX_DEPTH = 64
DEFAULT_CONFIDENCE = 0.5
DEFAULT_SEVERITY = "warning"
DEFAULT_CATEGORY = "maintainability"
TITLE_CHARS = 80


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What one answer held: usable candidates, dropped entries and notes on how it was read.

    ``found``: a JSON value with findings was found (maybe an empty list); ``truncated``: it
    was cut off. ``valid`` says the answer is worth keeping: findings were found (and, when
    cut off, at least one survived), or it is prose with nothing that began as JSON
    ("No issues; `items[0]` is safe.").
    """

    candidates: list[Candidate] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    found: bool = False
    truncated: bool = False
    valid: bool = False

    @property
    def counts(self) -> dict[str, int]:
        """Dropped entries by reason."""
        return count_reasons(self.dropped)


def count_reasons(dropped: Iterable[Dropped]) -> dict[str, int]:
    """How many entries were dropped for each reason."""
    return dict(Counter(item.reason for item in dropped))


def parse_answer(text: str) -> ParseResult:
    """Candidate findings in a model's answer; never raises, whatever the answer holds."""
    try:
        return _parse(text)
    except Exception:  # a bug here must not cost the user the review; it is still logged
        log.warning("could not parse a model answer", exc_info=True)
        return ParseResult(notes=["internal error while parsing; answer ignored"])


def _parse(text: str) -> ParseResult:
    notes: list[str] = []
    if not isinstance(text, str):
        return ParseResult(notes=["answer is not text"])
    if len(text) > MAX_ANSWER_CHARS:
        text = text[:MAX_ANSWER_CHARS]
        notes.append(f"answer cut at {MAX_ANSWER_CHARS} characters")
    text = _without_thinking(text)
    found = _find_findings(text)
    if found is None:
        prose = bool(text.strip()) and not _JSON_START.search(text)
        notes.append("no findings JSON in the answer; read as no findings")
        return ParseResult(notes=notes, valid=prose)
    entries, truncated = found
    if truncated:
        notes.append("answer was cut off; complete findings kept")
    candidates: list[Candidate] = []
    dropped: list[Dropped] = []
    for entry in entries:
        outcome = _candidate(entry)
        if isinstance(outcome, Dropped):
            log.debug("dropped model finding %r: %s", outcome.title, outcome.reason)
            dropped.append(outcome)
        else:
            candidates.append(outcome)
    valid = not truncated or bool(candidates)
    return ParseResult(candidates, dropped, notes, True, truncated, valid)


# --- finding the JSON value -------------------------------------------------------------

_THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL | re.IGNORECASE)
_FENCE_OPEN = re.compile(r"^[ \t]*```[ \t]*([A-Za-z0-9_+.-]*)[^\n]*\n", re.MULTILINE)
_FENCE_CLOSE = re.compile(r"^[ \t]*```[ \t]*$", re.MULTILINE)
_JSON_FENCES = frozenset({"", "json", "jsonc", "json5", "jsonl"})
_STARTS = re.compile(r"[\[{]")
_JSON_START = re.compile(r"""\{\s*["']|\[\s*\{""")
"""An object with a quoted key, or a list of objects: an answer that was meant as JSON."""


def _without_thinking(text: str) -> str:
    """The answer without ``<think>`` blocks, nor what precedes a lone ``</think>``."""
    text = _THINK.sub("", text)
    closing = text.lower().rfind("</think>")
    return text[closing + len("</think>") :] if closing >= 0 else text


@dataclass(frozen=True, slots=True)
class _Value:
    """A JSON value read from the answer, where it ended, and whether the input ran out."""

    value: Any
    end: int
    truncated: bool


def _find_findings(text: str) -> tuple[list[Any], bool] | None:
    """The findings entries of the answer and whether they were cut off; None if none."""
    for start, stop in _fenced_regions(text):
        found = _scan(text, start, stop)
        if found is not None:
            return found
    return _scan(text, 0, len(text))


def _fenced_regions(text: str) -> Iterator[tuple[int, int]]:
    """(content start, content end) of each fenced block that may hold JSON."""
    position = 0
    while (opening := _FENCE_OPEN.search(text, position)) is not None:
        close = _FENCE_CLOSE.search(text, opening.end())
        end = close.start() if close else len(text)
        if opening.group(1).lower() in _JSON_FENCES:
            yield opening.end(), end
        position = close.end() if close else len(text)


def _scan(text: str, start: int, stop: int) -> tuple[list[Any], bool] | None:
    """The first value in ``text[start:stop]`` that holds findings, or the single finding
    objects that follow one another there (JSON lines); ``([], False)`` for a bare ``[]``.
    """
    head = text[:stop] if stop < len(text) else text
    singles: list[Any] = []
    empty_seen = cut = False
    position = start
    for _ in range(MAX_STARTS):
        match = _STARTS.search(head, position)
        if match is None:
            break
        hit = _read_within(text, head, match.start())
        if hit is None:
            position = match.start() + 1
            continue
        entries = _entries(hit.value)
        if entries is not None and len(entries) == 1 and entries[0] is hit.value:
            singles.append(hit.value)
            cut = hit.truncated
        elif singles:
            break
        elif entries or (entries == [] and isinstance(hit.value, dict)):
            return entries, hit.truncated
        empty_seen = empty_seen or entries == []
        position = max(hit.end, match.start() + 1)
    if singles:
        return singles, cut
    return ([], False) if empty_seen else None


def _read_within(text: str, head: str, offset: int) -> _Value | None:
    """A value in ``head`` (the answer up to a closing fence); when it is cut off there, the
    same value read past the fence if that one is complete (a fence inside a JSON string).
    """
    inside = _read(head, offset)
    if head is text or (inside is not None and not inside.truncated):
        return inside
    beyond = _read(text, offset)
    if beyond is not None and not beyond.truncated and _entries(beyond.value) is not None:
        return beyond
    return inside


_LIST_KEYS = ("findings", "issues", "problems", "results", "comments", "diagnostics", "bugs")


def _entries(value: Any, depth: int = 0) -> list[Any] | None:
    """The findings a JSON value holds, or None when it does not look like an answer."""
    if isinstance(value, list):
        return value if not value or any(isinstance(item, dict) for item in value) else None
    if not isinstance(value, dict):
        return None
    keys = _keyed(value)
    for key in _LIST_KEYS:
        if key in keys:
            inner = keys[key]
            if inner is None:
                return []
            if isinstance(inner, list):
                return inner
            if isinstance(inner, dict):
                return [inner]
    if _is_finding(value):
        return [value]
    if depth < 2:
        for inner in value.values():
            if isinstance(inner, dict):
                found = _entries(inner, depth + 1)
                if found is not None:
                    return found
    return None


def _is_finding(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    keys = _keyed(value)
    return any(key in keys for key in (*_ALIASES["excerpt"], *_ALIASES["message"]))


# --- lenient JSON -----------------------------------------------------------------------


class _Invalid(Exception):
    """The text at this start is not (lenient) JSON."""


class _Incomplete(dict[str, Any]):
    """An object that the end of the answer cut off before its closing brace."""


_CUT = object()
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?%?")
_WORD = re.compile(r"[A-Za-z_]+")
_INTEGER = re.compile(r"-?\d+")
_WORDS: dict[str, Any] = {
    "true": True,
    "false": False,
    "null": None,
    "True": True,
    "False": False,
    "None": None,
    "NaN": None,
}
_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?(?:\*/|\Z))+", re.DOTALL)
_STOPS = {'"': re.compile(r'["\\]'), "'": re.compile(r"['\\]")}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "/": "/"}


def _read(text: str, start: int) -> _Value | None:
    """The JSON value starting at ``start``: strictly if possible, else leniently."""
    try:
        value, end = _STRICT.raw_decode(text, start)
        return _Value(value, end, truncated=False)
    except (ValueError, RecursionError):
        pass
    reader = _Reader(text, start)
    try:
        value = reader.value()
    except (_Invalid, RecursionError):
        return None
    if value is _CUT:
        return None
    return _Value(value, reader.pos, reader.truncated)


_STRICT = json.JSONDecoder(strict=False)


class _Reader:
    """A forgiving recursive JSON reader that closes whatever is open at the end of input."""

    def __init__(self, text: str, start: int) -> None:
        self.text = text
        self.pos = start
        self.depth = 0
        self.truncated = False

    def value(self) -> Any:
        self._skip()
        if self._at_end():
            self.truncated = True
            return _CUT
        char = self.text[self.pos]
        if char == "{":
            return self._nested(self._object)
        if char == "[":
            return self._nested(self._array)
        if char in _STOPS:
            return self._string()
        return self._scalar()

    def _nested(self, read: Callable[[], Any]) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Invalid
        self.pos += 1
        result = read()
        self.depth -= 1
        return result

    def _object(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while True:
            char = self._next_token()
            if char is None:
                return _Incomplete(result)
            if char == "}":
                self.pos += 1
                return result
            if char == ",":
                self.pos += 1
                continue
            if char not in _STOPS:
                raise _Invalid
            key = self._string()
            if self._next_token() != ":":
                if self.truncated or self._at_end():
                    return _Incomplete(result)
                raise _Invalid
            self.pos += 1
            item = self.value()
            if item is not _CUT:
                result[key] = item
            if self.truncated:
                return _Incomplete(result)

    def _array(self) -> list[Any]:
        result: list[Any] = []
        while True:
            char = self._next_token()
            if char is None:
                return result
            if char == "]":
                self.pos += 1
                return result
            if char == ",":
                self.pos += 1
                continue
            item = self.value()
            if item is not _CUT:
                result.append(item)
            if self.truncated:
                return result

    def _string(self) -> str:
        quote = self.text[self.pos]
        self.pos += 1
        parts: list[str] = []
        while True:
            stop = _STOPS[quote].search(self.text, self.pos)
            if stop is None:
                parts.append(self.text[self.pos :])
                self.pos = len(self.text)
                self.truncated = True
                return "".join(parts)
            parts.append(self.text[self.pos : stop.start()])
            self.pos = stop.end()
            if stop.group() == quote:
                return "".join(parts)
            parts.append(self._escape())

    def _escape(self) -> str:
        if self._at_end():
            self.truncated = True
            return ""
        char = self.text[self.pos]
        self.pos += 1
        if char != "u":
            return _ESCAPES.get(char, char)
        code = self._hex4()
        if code is None:
            return "u"
        if 0xD800 <= code < 0xDC00 and self.text.startswith("\\u", self.pos):
            self.pos += 2
            low = self._hex4()
            if low is not None and 0xDC00 <= low < 0xE000:
                return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
            self.pos -= 2 if low is None else 6
        return chr(code)

    def _hex4(self) -> int | None:
        """The four hex digits of a ``\\u`` escape, or None (then nothing is consumed)."""
        digits = self.text[self.pos : self.pos + 4]
        if len(digits) < 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
            if self.pos + len(digits) >= len(self.text):
                self.truncated = True
            return None
        self.pos += 4
        return int(digits, 16)

    def _scalar(self) -> Any:
        for pattern in (_NUMBER, _WORD):
            match = pattern.match(self.text, self.pos)
            if match is None:
                continue
            if match.end() == len(self.text):  # "0.8" may have been "0.85"; "tru" is nothing
                self.pos = match.end()
                self.truncated = True
                return _CUT
            self.pos = match.end()
            return _scalar_value(match.group(), pattern is _NUMBER)
        raise _Invalid

    def _next_token(self) -> str | None:
        self._skip()
        if self._at_end():
            self.truncated = True
            return None
        return self.text[self.pos]

    def _skip(self) -> None:
        match = _SPACE.match(self.text, self.pos)
        if match is not None:
            self.pos = match.end()

    def _at_end(self) -> bool:
        return self.pos >= len(self.text)


def _scalar_value(token: str, number: bool) -> Any:
    if not number:
        if token not in _WORDS:
            raise _Invalid
        return _WORDS[token]
    if token.endswith("%"):
        return token
    return int(token) if _INTEGER.fullmatch(token) else float(token)


# --- normalizing one finding ------------------------------------------------------------

_ALIASES: dict[str, tuple[str, ...]] = {
    "severity": ("severity", "level", "priority", "impact"),
    "category": ("category", "type", "kind", "issuetype", "tag"),
    "title": ("title", "summary", "name", "headline", "shortdescription"),
    "message": ("message", "description", "detail", "details", "issue", "problem", "comment"),
    "explanation": ("explanation", "rationale", "reasoning", "reason", "why", "longdescription"),
    "excerpt": (
        *("excerpt", "quote", "quotedcode", "code", "codeexcerpt", "snippet", "codesnippet"),
        "evidence",
    ),
    "line": ("line", "startline", "linestart", "lineno", "linenumber", "start", "lines"),
    "end_line": ("endline", "lineend", "end", "lastline", "toline"),
    "confidence": ("confidence", "certainty", "probability", "confidencescore", "score"),
    "fix": ("fix", "suggestedfix", "proposedfix", "fixedcode", "replacement", "patch"),
    "suggestion": ("suggestion", "recommendation"),
    "rule": ("rule", "ruleid", "check"),
}
_FIX_ALIASES: dict[str, tuple[str, ...]] = {
    "replacement": ("replacement", "code", "newcode", "fixedcode", "newtext", "text", "after"),
    "line": ("startline", "line", "start", "linestart", "fromline", "lines"),
    "end_line": ("endline", "end", "lineend", "toline"),
}


def _norm_key(key: str) -> str:
    return re.sub(r"[\s_\-]", "", key).lower()


def _keyed(value: dict[Any, Any]) -> dict[str, Any]:
    """The object's members under normalized keys (first spelling wins)."""
    keyed: dict[str, Any] = {}
    for key, item in value.items():
        keyed.setdefault(_norm_key(str(key)), item)
    return keyed


def _pick(keys: dict[str, Any], aliases: tuple[str, ...]) -> Any:
    for alias in aliases:
        item = keys.get(alias)
        if item is not None and item != "":
            return item
    return None


def _candidate(entry: Any) -> Candidate | Dropped:
    if not isinstance(entry, dict):
        return Dropped(NOT_AN_OBJECT, _text(entry)[:TITLE_CHARS])
    keys = _keyed(entry)
    message = _text(_pick(keys, _ALIASES["message"]))
    title = _text(_pick(keys, _ALIASES["title"])) or _title_from(message)
    if isinstance(entry, _Incomplete):
        return Dropped(CUT_OFF, title)
    excerpt = _excerpt(_pick(keys, _ALIASES["excerpt"]))
    if not excerpt.strip():
        return Dropped(NO_EXCERPT, title)
    if not message:
        return Dropped(NO_MESSAGE, title)
    line, end_line = _lines(keys, _ALIASES)
    return Candidate(
        severity=severity_of(_pick(keys, _ALIASES["severity"])),
        category=category_of(_pick(keys, _ALIASES["category"])),
        title=title,
        message=message,
        excerpt=excerpt,
        explanation=_explanation(keys),
        line=line,
        end_line=end_line,
        confidence=confidence_of(_pick(keys, _ALIASES["confidence"])),
        fix=_fix(_pick(keys, _ALIASES["fix"]), keys),
        rule=_text(_pick(keys, _ALIASES["rule"])),
    )


def _text(value: Any) -> str:
    """Readable text of a scalar or a list of scalars; other shapes give ``""``."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool) or value is None:
        return ""
    elif isinstance(value, int | float):
        text = str(value)
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        text = "\n".join(value)
    else:
        return ""
    return _clean(text).strip()


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    """``text`` with lone surrogates (from ``"\\ud800"`` escapes), which cannot be encoded in
    UTF-8, replaced by U+FFFD; decoded JSON has already paired the valid ones.
    """
    return _SURROGATE.sub("\ufffd", text)


def _title_from(message: str) -> str:
    first = message.split("\n", 1)[0].strip()
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1].rstrip() + "…"


_FENCED = re.compile(r"\A\s*```[^\n]*\n(.*?)\n?[ \t]*```\s*\Z", re.DOTALL)


def _excerpt(value: Any) -> str:
    """The quoted code without enclosing fences or backticks; whitespace is kept."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        value = "\n".join(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    text = _clean(value)
    fenced = _FENCED.match(text)
    if fenced:
        return fenced.group(1)
    stripped = text.strip()
    if len(stripped) > 2 and stripped[0] == stripped[-1] == "`" and "`" not in stripped[1:-1]:
        return stripped[1:-1]
    return text


def _explanation(keys: dict[str, Any]) -> str:
    explanation = _text(_pick(keys, _ALIASES["explanation"]))
    suggestion = _pick(keys, _ALIASES["suggestion"])
    if isinstance(suggestion, str) and suggestion.strip():
        advice = f"Suggestion: {_text(suggestion)}"
        return f"{explanation}\n\n{advice}" if explanation else advice
    return explanation


def _fix(value: Any, keys: dict[str, Any]) -> ProposedFix | None:
    if value is None or value is False:
        suggestion = _pick(keys, _ALIASES["suggestion"])
        value = suggestion if isinstance(suggestion, dict) else None
    if isinstance(value, str):
        return ProposedFix(replacement=_clean(value))
    if not isinstance(value, dict):
        return None
    fix_keys = _keyed(value)
    replacement = next(
        (
            fix_keys[key]
            for key in _FIX_ALIASES["replacement"]
            if isinstance(fix_keys.get(key), str)
        ),
        None,
    )
    if replacement is None:
        return None
    start, end = _lines(fix_keys, _FIX_ALIASES)
    return ProposedFix(replacement=_clean(replacement), start_line=start, end_line=end)


_NUMBERS = re.compile(r"\d+")


def _lines(
    keys: dict[str, Any], aliases: dict[str, tuple[str, ...]]
) -> tuple[int | None, int | None]:
    """(line, end line) from a start key, an end key, or a range such as ``"12-14"``."""
    start_value = _pick(keys, aliases["line"])
    start, end = _line_pair(start_value)
    explicit_end = _line_pair(_pick(keys, aliases["end_line"]))[0]
    return start, explicit_end if explicit_end is not None else end


def _line_pair(value: Any) -> tuple[int | None, int | None]:
    if isinstance(value, bool) or value is None:
        return None, None
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        return (int(value), None) if value.is_integer() else (None, None)
    if isinstance(value, list) and value:
        first = _line_pair(value[0])[0]
        last = _line_pair(value[-1])[0] if len(value) > 1 else None
        return first, last
    if isinstance(value, str):
        numbers = [int(n) for n in _NUMBERS.findall(value)[:2]]
        if numbers:
            return numbers[0], numbers[1] if len(numbers) > 1 else None
    return None, None


_SEVERITY_WORDS: dict[str, str] = {
    **dict.fromkeys(("critical", "blocker", "fatal", "severe", "high", "error", "err"), "error"),
    **dict.fromkeys(("major", "medium", "moderate", "important", "warning", "warn"), "warning"),
    **dict.fromkeys(("minor", "low", "info", "information", "informational", "note"), "info"),
    **dict.fromkeys(("trivial", "nit", "nitpick", "hint", "suggestion", "optional"), "hint"),
}

_CATEGORY_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            *("bug", "bugs", "correctness", "logic", "crash", "error", "exception", "race"),
            *("concurrency", "leak", "syntax", "defect", "functional", "reliability"),
        ),
        "bug",
    ),
    **dict.fromkeys(
        (
            *("security", "vulnerability", "injection", "xss", "csrf", "secret", "secrets"),
            *("unsafe", "auth", "authentication", "crypto", "sqli"),
        ),
        "security",
    ),
    **dict.fromkeys(
        ("performance", "perf", "efficiency", "speed", "slow", "memory", "optimization"),
        "performance",
    ),
    **dict.fromkeys(
        (
            *("maintainability", "smell", "readability", "design", "complexity"),
            *("duplication", "refactor", "refactoring", "documentation", "docs", "clarity"),
            "maintenance",
        ),
        "maintainability",
    ),
    **dict.fromkeys(
        ("style", "formatting", "format", "convention", "conventions", "naming", "typo", "lint"),
        "style",
    ),
}

_CONFIDENCE_WORDS: dict[str, float] = {
    "certain": 0.95,
    "very high": 0.9,
    "high": 0.8,
    "medium": 0.6,
    "moderate": 0.6,
    "low": 0.3,
    "very low": 0.15,
}


def _first_word(value: Any, table: dict[str, str]) -> str | None:
    if not isinstance(value, str):
        return None
    for word in re.findall(r"[a-z]+", value.lower()):
        if word in table:
            return table[word]
    return None


def severity_of(value: Any) -> str:
    """error, warning, info or hint for a model's severity (module docstring: the table)."""
    return _first_word(value, _SEVERITY_WORDS) or DEFAULT_SEVERITY


def category_of(value: Any) -> str:
    """A `Category` value for a model's category (module docstring: the table)."""
    return _first_word(value, _CATEGORY_WORDS) or DEFAULT_CATEGORY


def confidence_of(value: Any) -> float:
    """The model's confidence in [0, 1] (module docstring: the scales)."""
    if isinstance(value, bool) or value is None:
        return DEFAULT_CONFIDENCE
    if isinstance(value, str):
        return _confidence_text(value.strip().lower())
    if not isinstance(value, int | float) or math.isnan(value):
        return DEFAULT_CONFIDENCE
    number = float(value)
    if number > 10:
        number /= 100
    elif number > 1:
        number /= 10
    return min(max(number, 0.0), 1.0)


def _confidence_text(text: str) -> float:
    if text in _CONFIDENCE_WORDS:
        return _CONFIDENCE_WORDS[text]
    percent = text.endswith("%")
    try:
        number = float(text.rstrip("%").strip())
    except ValueError:
        return DEFAULT_CONFIDENCE
    if math.isnan(number):
        return DEFAULT_CONFIDENCE
    return min(max(number / 100, 0.0), 1.0) if percent else confidence_of(number)
