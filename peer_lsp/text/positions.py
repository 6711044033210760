"""The one place where editor positions and UTF-8 byte offsets meet.

An editor position is a 0-based line and a character counted in the negotiated encoding:
UTF-8 bytes, UTF-16 code units (the LSP default) or UTF-32 code points. tree-sitter and the
rest of peer-lsp work in UTF-8 byte offsets. Every conversion names its encoding explicitly.

Editors can hold text UTF-8 cannot encode: a lone UTF-16 surrogate (JSON allows ``"\\ud800"``;
JavaScript strings hold them). peer-lsp stores each one as U+FFFD, which takes exactly the
room the surrogate takes in the editor in every encoding: one UTF-16 code unit, one code
point, and three UTF-8 bytes (a surrogate's WTF-8 form is three bytes too). So positions stay
in step with the editor, and the text stays valid UTF-8 for tree-sitter and for models. When
an edit's position falls between the two halves of a surrogate pair, the character is first
stored as two U+FFFD, one per half (see `locate`), for the same reason.
"""

from __future__ import annotations

import enum
import re

from peer_lsp.text.lines import LineIndex


class Encoding(enum.StrEnum):
    """Position encodings, spelled as in the LSP ``PositionEncodingKind``."""

    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"


REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def to_utf8(text: str) -> bytes:
    """The UTF-8 bytes of editor text, each lone surrogate stored as U+FFFD."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(REPLACEMENT, text).encode("utf-8")


def _units(char: str, encoding: Encoding) -> int:
    if encoding is Encoding.UTF16:
        return 2 if ord(char) > 0xFFFF else 1
    return 1


def _utf8_length(char: str) -> int:
    code = ord(char)
    if code < 0x80:
        return 1
    if code < 0x800:
        return 2
    if code < 0x10000:
        return 3
    return 4


def offset_at(data: bytes, lines: LineIndex, line: int, character: int, encoding: Encoding) -> int:
    """Byte offset of an editor position, clamped to the line and the document.

    A line past the end maps to the end of the document; a character past the end of its
    line maps to the end of that line, as the LSP specification asks. A position inside a
    character (between the halves of a surrogate pair, or inside a UTF-8 sequence) maps to
    the start of that character.
    """
    return _locate(data, lines, line, character, encoding)[0]


def locate(
    data: bytes, lines: LineIndex, line: int, character: int, encoding: Encoding
) -> tuple[int, bool]:
    """``offset_at``, and whether the position falls between the two halves of a UTF-16
    surrogate pair (the offset is then that of the character the pair encodes)."""
    offset, inside = _locate(data, lines, line, character, encoding)
    return offset, inside and encoding is Encoding.UTF16


def _locate(
    data: bytes, lines: LineIndex, line: int, character: int, encoding: Encoding
) -> tuple[int, bool]:
    """``offset_at``, and whether the position falls inside the character found there."""
    if line < 0:
        return 0, False
    if line >= lines.line_count:
        return len(data), False
    start = lines.line_start(line)
    character = max(character, 0)
    # Only the start of the line up to the position is read (a minified file's one line
    # may be megabytes long): a UTF-16 unit or code point takes at most 3 bytes, and the
    # character there at most 4.
    read = character + 1 if encoding is Encoding.UTF8 else 3 * character + 4
    segment = data[start : min(lines.line_end(line, data), start + read)]
    if encoding is Encoding.UTF8 or segment.isascii():
        column = min(character, len(segment))
        inside = False
        while 0 < column < len(segment) and (segment[column] & 0xC0) == 0x80:
            column -= 1  # never split a UTF-8 sequence
            inside = True
        return start + column, inside
    counted = 0
    column = 0
    for char in segment.decode("utf-8", errors="replace"):
        width = _units(char, encoding)
        if counted + width > character:
            return start + column, counted < character
        counted += width
        column += _utf8_length(char)
    return start + min(column, len(segment)), False


def position_at(data: bytes, lines: LineIndex, offset: int, encoding: Encoding) -> tuple[int, int]:
    """Editor position (line, character) of a byte offset."""
    offset = min(max(offset, 0), len(data))
    line = lines.line_of(offset)
    start = lines.line_start(line)
    offset = min(offset, lines.line_end(line, data))
    prefix = data[start:offset]
    if encoding is Encoding.UTF8 or prefix.isascii():
        return line, len(prefix)
    text = prefix.decode("utf-8", errors="replace")
    if encoding is Encoding.UTF32:
        return line, len(text)
    return line, len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def column_in_code_points(data: bytes, lines: LineIndex, offset: int) -> int:
    """0-based column of ``offset`` in code points, as terminals and `peer check` show it."""
    return position_at(data, lines, offset, Encoding.UTF32)[1]
