"""Line starts of a UTF-8 buffer, kept up to date edit by edit.

Lines end at ``\\r\\n``, ``\\r`` or ``\\n``, as the LSP specification says. The index is
updated around each edit instead of being rebuilt. The offsets after an edit are not
rewritten one by one: lines from a *pivot* on are stored without a pending shift, which is
added when they are read. Typing in one place only moves that shift; an edit elsewhere moves
the pivot there, rewriting just the lines in between. So a keystroke costs a rescan of the
lines it touched, not a pass over every line of a large file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

_NEWLINE = re.compile(rb"\r\n|\r|\n")


def _line_starts(data: bytes, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets just after every line terminator in ``data[start:end]``."""
    stop = len(data) if end is None else end
    return [match.end() for match in _NEWLINE.finditer(data, start, stop)]


def _all_line_starts(data: bytes) -> list[int]:
    """Every line start of ``data``; without CRs, by splitting (several times faster)."""
    if b"\r" in data:
        return [0, *_line_starts(data)]
    lengths = [len(line) + 1 for line in data.split(b"\n")]
    lengths.pop()
    return list(accumulate(lengths, initial=0))


class LineIndex:
    """Byte offsets where each line of a buffer starts.

    Line ``i`` starts at ``_starts[i]``, plus ``_shift`` when ``i >= _pivot``.
    """

    __slots__ = ("_pivot", "_shift", "_starts")

    def __init__(self, data: bytes) -> None:
        self._starts = _all_line_starts(data)
        self._pivot = len(self._starts)
        self._shift = 0

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        start = self._starts[line]
        return start + self._shift if line >= self._pivot else start

    def line_of(self, offset: int) -> int:
        """The 0-based line holding ``offset`` (a terminator belongs to its line)."""
        starts, pivot = self._starts, self._pivot
        if pivot < len(starts) and offset - self._shift >= starts[pivot]:
            return bisect_right(starts, offset - self._shift, pivot) - 1
        return bisect_right(starts, offset, 0, pivot) - 1

    def line_end(self, line: int, data: bytes) -> int:
        """Offset of the end of ``line``'s content, before its terminator."""
        if line + 1 >= len(self._starts):
            return len(data)
        end = self.line_start(line + 1)
        if end >= 2 and data[end - 2 : end] == b"\r\n":
            return end - 2
        return end - 1

    def apply_edit(self, start: int, old_end: int, new_end: int, data: bytes) -> None:
        """Update the index after ``data[start:old_end]`` became ``data[start:new_end]``.

        ``data`` is the buffer after the edit. The line before the edit is rescanned too,
        because an inserted ``\\n`` can join a ``\\r`` that ended it into one terminator.
        """
        first = max(self.line_of(start) - 1, 0)
        after = self.line_of(old_end) + 1  # the first line starting beyond the old edit
        self._move_pivot(after)
        starts = self._starts
        delta = new_end - old_end
        scan_end = self.line_start(after) + delta if after < len(starts) else len(data)
        rescanned = _line_starts(data, starts[first], scan_end)
        if after < len(starts) and rescanned and rescanned[-1] == scan_end:
            rescanned.pop()  # that start is the shifted first line below
        starts[first + 1 : after] = rescanned
        self._pivot = first + 1 + len(rescanned)
        self._shift += delta

    def _move_pivot(self, pivot: int) -> None:
        """Store the lines between the old and the new pivot with the shift applied (or
        taken off), so that the shift applies from ``pivot`` on."""
        old, shift, starts = self._pivot, self._shift, self._starts
        if shift and pivot < old:
            starts[pivot:old] = [offset - shift for offset in starts[pivot:old]]
        elif shift and pivot > old:
            starts[old:pivot] = [offset + shift for offset in starts[old:pivot]]
        self._pivot = pivot
