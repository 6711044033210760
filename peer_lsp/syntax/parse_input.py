"""Text handed to tree-sitter through a read callback, without leaking what it reads.

Only a parse that reads through a callback can be stopped (py-tree-sitter ignores
``progress_callback`` for ``bytes``). But py-tree-sitter 0.26.1 keeps a reference to every
object the read callback returns: returning slices of the text leaked about 0.6 MB per full
parse of a 10,000-line file, every chunk of every reparse for the life of the server.

So the callback returns the same few objects again and again: views of one scratch buffer
per thread, one view per power-of-two length up to `CHUNK`. Each read copies the text it
answers into the buffer; tree-sitter needs a chunk only until its next read. The leaked
references then pin nothing but those views, which live as long as the thread anyway.

The tree keeps the callback as its source: the text predicates of queries (``#eq?``,
``#match?``) read node text through it, and py-tree-sitter 0.26.1 reads that text only
from ``bytes`` (it releases those). Once the parse is over (`Reader.parsed`), the callback
answers with short ``bytes`` slices.
"""

from __future__ import annotations

import threading
import typing

if typing.TYPE_CHECKING:
    from tree_sitter import Point

CHUNK = 1 << 16
"""The most bytes one read hands the parser."""
TEXT_CHUNK = 1 << 10
"""The bytes one read hands a query's text predicate (node text is read until complete)."""


class _Scratch:
    """One thread's buffer and its views."""

    def __init__(self) -> None:
        self.buffer = bytearray(CHUNK)
        whole = memoryview(self.buffer)
        self.views = [whole[: 1 << power] for power in range(CHUNK.bit_length())]
        """``views[p]`` is the buffer's first ``2**p`` bytes."""


_local = threading.local()


class Reader:
    """A read callback for ``Parser.parse`` over ``text``; parse on this thread only."""

    def __init__(self, text: bytes) -> None:
        scratch: _Scratch | None = getattr(_local, "scratch", None)
        if scratch is None:
            scratch = _local.scratch = _Scratch()
        self._text = text
        self._source = memoryview(text)
        self._scratch = scratch
        self._parsing = True

    def parsed(self) -> None:
        """The parse is over: from now on the tree reads node text through this."""
        self._parsing = False
        self._source.release()

    def __call__(self, offset: int, _point: Point) -> memoryview | bytes:
        if not self._parsing:
            return self._text[offset : offset + TEXT_CHUNK]
        left = min(len(self._text) - offset, CHUNK)
        if left <= 0:
            return b""
        power = left.bit_length() - 1
        size = 1 << power
        self._scratch.buffer[:size] = self._source[offset : offset + size]
        return self._scratch.views[power]
