"""The one place where editor positions and UTF-8 byte offsets meet.

An editor position is a 0-based line and a character counted in the negotiated encoding:
UTF-8 bytes, UTF-16 code units (the LSP default) or UTF-32 code points. tree-sitter and the
rest of peer-lsp work in UTF-8 byte offsets. Every conversion names its encoding explicitly.
"""

from __future__ import annotations

import enum

from peer_lsp.documents.lines import LineIndex


class Encoding(enum.StrEnum):
    """Position encodings, spelled as in the LSP ``PositionEncodingKind``."""

    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"


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
    line maps to the end of that line, as the LSP specification asks.
    """
    if line < 0:
        return 0
    if line >= lines.line_count:
        return len(data)
    start = lines.line_start(line)
    end = lines.line_end(line, data)
    segment = data[start:end]
    if encoding is Encoding.UTF8 or segment.isascii():
        column = min(max(character, 0), len(segment))
        while 0 < column < len(segment) and (segment[column] & 0xC0) == 0x80:
            column -= 1  # never split a UTF-8 sequence
        return start + column
    counted = 0
    column = 0
    for char in segment.decode("utf-8", errors="replace"):
        width = _units(char, encoding)
        if counted + width > character:
            break
        counted += width
        column += _utf8_length(char)
    return start + min(column, len(segment))


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
