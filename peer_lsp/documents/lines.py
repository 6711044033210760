"""Line starts of a UTF-8 buffer, kept up to date edit by edit.

Lines end at ``\\r\\n``, ``\\r`` or ``\\n``, as the LSP specification says. The index is
updated around each edit instead of being rebuilt, so an edit costs a rescan of the lines it
touched plus one shift of the offsets after it.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_NEWLINE = re.compile(rb"\r\n|\r|\n")


def _line_starts(data: bytes, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets just after every line terminator in ``data[start:end]``."""
    stop = len(data) if end is None else end
    return [match.end() for match in _NEWLINE.finditer(data, start, stop)]


class LineIndex:
    """Byte offsets where each line of a buffer starts."""

    __slots__ = ("_starts",)

    def __init__(self, data: bytes) -> None:
        self._starts = [0, *_line_starts(data)]

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        return self._starts[line]

    def line_of(self, offset: int) -> int:
        """The 0-based line holding ``offset`` (a terminator belongs to its line)."""
        return bisect_right(self._starts, offset) - 1

    def line_end(self, line: int, data: bytes) -> int:
        """Offset of the end of ``line``'s content, before its terminator."""
        if line + 1 >= len(self._starts):
            return len(data)
        end = self._starts[line + 1]
        if end >= 2 and data[end - 2 : end] == b"\r\n":
            return end - 2
        return end - 1

    def apply_edit(self, start: int, old_end: int, new_end: int, data: bytes) -> None:
        """Update the index after ``data[start:old_end]`` became ``data[start:new_end]``.

        ``data`` is the buffer after the edit. The line before the edit is rescanned too,
        because an inserted ``\\n`` can join a ``\\r`` that ended it into one terminator.
        """
        starts = self._starts
        first = max(self.line_of(start) - 1, 0)
        after = bisect_right(starts, old_end)  # first line start beyond the old edit
        delta = new_end - old_end
        scan_end = starts[after] + delta if after < len(starts) else len(data)
        rescanned = _line_starts(data, starts[first], scan_end)
        if after < len(starts) and rescanned and rescanned[-1] == scan_end:
            rescanned.pop()  # that start is the shifted first line below
        tail = [offset + delta for offset in starts[after:]] if delta else starts[after:]
        self._starts = [*starts[: first + 1], *rescanned, *tail]
