"""Reading LSP frames (``Content-Length`` headers, then a body) from a byte stream, safely.

pygls's reader trusts the client: it reads a body of whatever length the header claims
(``Content-Length: 1000000000000`` is a MemoryError that ends the process), and after a
header it cannot read it skips input until a header happens to start a line. This reader
bounds what it holds in memory and finds its way back to the next frame:

- a body over ``MAX_MESSAGE_BYTES`` is not read into memory. Its head tells who sent it (a
  request's id comes before its params in every client we know), so that the request can
  be refused at once, and the rest is discarded as it arrives;
- a header block without a usable ``Content-Length`` cannot tell where its body ends: input
  is skipped up to the next ``Content-Length`` header, even one glued to the end of that
  body (bodies carry no newline of their own);
- every skip is logged with what was skipped.

Only the standard library is used: peer_lsp.lsp.fast_start reads the first frame with the
same limit before pygls is loaded.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, BinaryIO, NamedTuple

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 << 20
"""The largest body read. VS Code never sends a document over 50 MB to a language server,
and the default maxFileBytes is 2 MB: 64 MiB leaves room for JSON escaping of such a file
while bounding the memory one message can take (its text, its JSON, its objects)."""

MAX_HEADER_LINE = 1024
"""A longer line is not a header: it is read in pieces and skipped."""

_HEAD_BYTES = 4096
"""How much of an oversized body is read to find the message's id and method."""
_DISCARD_CHUNK = 1 << 20
_CONTENT_LENGTH = b"content-length:"
_HEADER_NAME = re.compile(rb"[A-Za-z][A-Za-z0-9-]*")
_DIGITS = re.compile(rb"[0-9]{1,19}")


class Frame(NamedTuple):
    """A body as its header announced it."""

    body: bytes


class Oversized(NamedTuple):
    """A body over the limit, discarded; ``msg_id`` and ``method`` when its head shows them."""

    length: int
    msg_id: int | str | None
    method: str | None


class FrameReader:
    """Frames from ``stream``, read with ``readline(size)`` and ``read(size)`` only."""

    def __init__(self, stream: BinaryIO, limit: int = MAX_MESSAGE_BYTES) -> None:
        self._stream = stream
        self.limit = limit
        self._discard = 0
        self._skipped = _Skipped()

    def read(self) -> Frame | Oversized | None:
        """The next frame, or None at the end of the input (also inside a frame)."""
        if self._discard and not self._skip_body():
            return None
        length = self._header()
        if length is None:
            return None
        if length > self.limit:
            head = self._stream.read(min(length, _HEAD_BYTES))
            self._discard = length - len(head)
            return Oversized(length, *message_head(head))
        body = self._stream.read(length)
        return Frame(body) if len(body) == length else None

    def _header(self) -> int | None:
        """Read one header block; its Content-Length, or None at the end of the input."""
        length: int | None = None
        problem = ""
        while True:
            line = self._line()
            if not line:
                self._skipped.report("the end of the input")
                return None
            if line in (b"\r\n", b"\n"):
                if length is not None:
                    self._skipped.report("a frame")
                    return length
                self._skipped.add(line, problem or "a header block without Content-Length")
                problem = ""
                continue
            name, colon, value = line.partition(b":")
            if name.lower() + colon == _CONTENT_LENGTH:
                length, problem = _length(value)
                if length is None:
                    self._skipped.add(line, problem)
                continue
            if colon and _HEADER_NAME.fullmatch(name):
                continue  # Content-Type, or a header from a newer client: nothing to use
            glued = line.lower().rfind(_CONTENT_LENGTH)
            self._skipped.add(line[: max(glued, 0)] if glued >= 0 else line, "not a header")
            length = None
            if glued >= 0:
                length, problem = _length(line[glued + len(_CONTENT_LENGTH) :])

    def _line(self) -> bytes:
        """The next line; of a longer one, its start and its last bytes (enough to find a
        Content-Length header glued to its end)."""
        line = self._stream.readline(MAX_HEADER_LINE)
        if len(line) < MAX_HEADER_LINE or line.endswith(b"\n"):
            return line
        total, kept = len(line), line[-64:]
        while not kept.endswith(b"\n"):
            more = self._stream.readline(MAX_HEADER_LINE)
            if not more:
                break
            total += len(more)
            kept = (kept + more)[-64:]
        self._skipped.add(line[:64], "a line too long for a header", total - len(kept) - 64)
        return kept

    def _skip_body(self) -> bool:
        """Discard what is left of an oversized body; False if the input ended first."""
        while self._discard:
            data = self._stream.read(min(self._discard, _DISCARD_CHUNK))
            if not data:
                return False
            self._discard -= len(data)
        return True


def _length(value: bytes) -> tuple[int | None, str]:
    """The Content-Length in a header's value, or None and why not."""
    text = value.strip()
    if _DIGITS.fullmatch(text):
        return int(text), ""
    return None, f"Content-Length {text[:40]!r} is not a number of bytes"


class _Skipped:
    """Input skipped while looking for a header, logged once the skipping ends."""

    def __init__(self) -> None:
        self.size = 0
        self.sample = b""
        self.reasons: list[str] = []

    def add(self, data: bytes, reason: str, extra: int = 0) -> None:
        self.size += len(data) + extra
        if len(self.sample) < 80:
            self.sample += data[: 80 - len(self.sample)]
        if reason and reason not in self.reasons:
            self.reasons.append(reason)

    def report(self, until: str) -> None:
        if self.size:
            log.warning(
                "skipped %d bytes of input that no Content-Length header framed, up to %s "
                "(%s); starting with %r",
                self.size,
                until,
                "; ".join(self.reasons) or "not a header",
                self.sample,
            )
        self.size, self.sample, self.reasons = 0, b"", []


def message_head(head: bytes) -> tuple[int | str | None, str | None]:
    """The ``id`` and ``method`` of a JSON-RPC message from the first bytes of its body.

    Reads the top-level members in order and stops at ``params`` or at the first value it
    cannot read (cut off, or not JSON): those members are where clients put them, first.
    """
    text = head.decode("utf-8", "replace")
    decoder = json.JSONDecoder()
    found: dict[str, Any] = {}
    at = _after_space(text, 0)
    if not text.startswith("{", at):
        return None, None
    at += 1
    try:
        while True:
            at = _after_space(text, at)
            key, at = decoder.raw_decode(text, at)
            at = _after_space(text, at)
            if not isinstance(key, str) or not text.startswith(":", at) or key == "params":
                break
            value, at = decoder.raw_decode(text, _after_space(text, at + 1))
            found[key] = value
            at = _after_space(text, at)
            if not text.startswith(",", at):
                break
            at += 1
    except (ValueError, RecursionError):
        pass
    msg_id, method = found.get("id"), found.get("method")
    usable_id = msg_id if isinstance(msg_id, int | str) and not isinstance(msg_id, bool) else None
    return usable_id, method if isinstance(method, str) else None


def _after_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at
