"""A forgiving JSON reader for model answers, which are often not quite JSON.

Strict ``json`` is tried first; otherwise a small recursive reader accepts trailing and missing
commas, ``//`` and ``/* */`` comments, single-quoted strings, raw control characters in
strings, ``True``/``False``/``None``, ``NaN`` and ``85%``. At the end of the input every open
string, array and object is closed; an object closed that way is an `Incomplete`, so that a
finding the model's output limit cut off can be told from a whole one. Ours and not a library:
docs/decisions/0007-lenient-json.md has the measurements.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 64
"""Deeper nesting is not read as JSON (no model answer nests findings this deep)."""


@dataclass(frozen=True, slots=True)
class JsonRead:
    """A JSON value read from the answer, where it ended, and whether the input ran out."""

    value: Any
    end: int
    truncated: bool


class _Invalid(Exception):
    """The text at this start is not (lenient) JSON."""


class Incomplete(dict[str, Any]):
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


def read_json(text: str, start: int) -> JsonRead | None:
    """The JSON value starting at ``start``: strictly if possible, else leniently."""
    try:
        value, end = _STRICT.raw_decode(text, start)
        return JsonRead(value, end, truncated=False)
    except (ValueError, RecursionError):
        pass
    reader = _Reader(text, start)
    try:
        value = reader.value()
    except (_Invalid, RecursionError):
        return None
    if value is _CUT:
        return None
    return JsonRead(value, reader.pos, reader.truncated)


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
                return Incomplete(result)
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
                    return Incomplete(result)
                raise _Invalid
            self.pos += 1
            item = self.value()
            if item is not _CUT:
                result[key] = item
            if self.truncated:
                return Incomplete(result)

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
