"""Decoders for the two streaming formats: server-sent events and newline-delimited JSON.

SSE (OpenAI-compatible, Anthropic, Gemini with ``alt=sse``): events end at a blank line;
lines end with LF, CRLF or CR; lines starting with ``:`` are comments (keep-alives) and are
skipped; several ``data:`` lines join with LF; one space after the colon is optional.
NDJSON (Ollama): one JSON value per line; blank lines are skipped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SSEEvent:
    event: str
    data: str


class SSEDecoder:
    """Feed text as it arrives; collect complete events."""

    def __init__(self) -> None:
        self._buffer = ""
        self._event = ""
        self._data: list[str] = []

    def feed(self, text: str) -> list[SSEEvent]:
        self._buffer += text
        events: list[SSEEvent] = []
        while True:
            line, found = self._next_line()
            if not found:
                return events
            if line == "":
                if self._data:
                    events.append(SSEEvent(self._event or "message", "\n".join(self._data)))
                self._event, self._data = "", []
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                self._data.append(value)
            elif name == "event":
                self._event = value

    def flush(self) -> list[SSEEvent]:
        """Events still pending when the stream ends without a final blank line."""
        return self.feed("\n\n") if (self._buffer or self._data) else []

    def _next_line(self) -> tuple[str, bool]:
        buffer = self._buffer
        lf, cr = buffer.find("\n"), buffer.find("\r")
        if cr < 0 or (0 <= lf < cr):
            if lf < 0:
                return "", False
            self._buffer = buffer[lf + 1 :]
            return buffer[:lf], True
        if cr + 1 == len(buffer):
            return "", False  # wait: an LF may follow
        skip = 2 if buffer[cr + 1] == "\n" else 1
        self._buffer = buffer[cr + skip :]
        return buffer[:cr], True


async def sse_events(chunks: AsyncIterator[str]) -> AsyncIterator[SSEEvent]:
    """SSE events from a stream of text chunks."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.flush():
        yield event


async def ndjson_lines(chunks: AsyncIterator[str]) -> AsyncIterator[str]:
    """Non-blank lines from a stream of text chunks."""
    buffer = ""
    async for chunk in chunks:
        buffer += chunk
        *lines, buffer = buffer.split("\n")
        for line in lines:
            if line.strip():
                yield line.strip()
    if buffer.strip():
        yield buffer.strip()
