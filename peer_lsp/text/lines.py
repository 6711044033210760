"""Line starts of a UTF-8 buffer, kept up to date edit by edit.

Lines end at ``\\r\\n``, ``\\r`` or ``\\n``, as the LSP specification says. The index is
updated around each edit instead of being rebuilt: only the edited bytes are scanned again,
and the offsets after the edit are not rewritten one by one. Lines from a *pivot* on are
stored without a pending shift, which is added when they are read; typing in one place only
moves that shift, and an edit elsewhere moves the pivot there, rewriting just the lines in
between. So a keystroke costs a scan of what it typed, not a pass over every line (or over a
long line) of a large file.
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

        ``data`` is the buffer after the edit. Only the edit and a byte either side are
        scanned again (so a long line costs no more than a short one): a CR just before the
        edit can join an inserted LF into one terminator, and a CR the edit ends with can
        join the LF after it.
        """
        low = max(start - 1, 0)
        high = min(new_end + 1, len(data))
        if 0 < high < len(data) and data[high - 1] == 0x0D and data[high] == 0x0A:
            high += 1  # the CRLF that the scan would otherwise cut in two
        delta = new_end - old_end
        first = self.line_of(low) + 1  # the first line starting beyond ``low``
        after = self.line_of(high - delta) + 1  # the first line starting beyond the scan
        self._move_pivot(after)
        rescanned = _line_starts(data, low, high)
        self._starts[first:after] = rescanned
        self._pivot = first + len(rescanned)
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
