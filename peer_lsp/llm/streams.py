"""Decoders for the two streaming formats: server-sent events and newline-delimited JSON.

SSE (OpenAI-compatible, Anthropic, Gemini with ``alt=sse``): events end at a blank line;
lines end with LF, CRLF or CR; lines starting with ``:`` are comments (keep-alives) and are
skipped; several ``data:`` lines join with LF; one space after the colon is optional.
NDJSON (Ollama): one JSON value per line; blank lines are skipped.
"""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

OnText = Callable[[str], None]
"""Called with each piece of an answer's text as a provider's stream brings it."""


def ignore_text(_delta: str) -> None:
    """The `OnText` of a caller that waits for the whole answer."""


class TextListener(typing.Protocol):
    """Who watches an answer arrive (an explanation view, a terminal): `Router.complete`
    passes it the text as it streams in."""

    def on_text(self, delta: str) -> None:
        """A piece of the answer, in order."""

    def on_restart(self) -> None:
        """A retry or a fallback begins: the text given so far is void."""


class Relay:
    """One `TextListener` over a call's attempts: the first text of a later attempt is
    preceded by `TextListener.on_restart` when an earlier attempt had given any."""

    def __init__(self, listener: TextListener) -> None:
        self._listener = listener
        self._given = False  # by any attempt so far
        self._attempt_given = False
        self.count = 0
        """Characters given in the current attempt."""

    def begin_attempt(self) -> None:
        self._attempt_given = False
        self.count = 0

    def on_text(self, delta: str) -> None:
        if not delta:
            return
        if self._given and not self._attempt_given:
            self._listener.on_restart()
        self._given = self._attempt_given = True
        self.count += len(delta)
        self._listener.on_text(delta)

    @property
    def given(self) -> bool:
        """Whether any attempt gave text."""
        return self._given


@dataclass(frozen=True, slots=True)
class SSEEvent:
    event: str
    data: str


class SSEDecoder:
    """Feed text as it arrives; collect complete events.

    Only the text each feed brings is scanned: an unfinished line waits in pieces, joined
    once its end arrives, so an event costs time in proportion to its length however finely
    the network cuts it (a 10 MB event in 1 KiB chunks, bench/sse_decoders.py).
    """

    def __init__(self) -> None:
        self._partial: list[str] = []  # the unfinished last line, in pieces
        self._cr = False  # the text so far ends with CR, which an LF may follow
        self._event = ""
        self._data: list[str] = []

    def feed(self, text: str) -> list[SSEEvent]:
        if self._cr:
            text = "\r" + text
        self._cr = text.endswith("\r")
        if self._cr:
            text = text[:-1]
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "\n" not in text:
            if text:
                self._partial.append(text)
            return []
        lines = text.split("\n")
        if self._partial:
            self._partial.append(lines[0])
            lines[0] = "".join(self._partial)
        rest = lines.pop()
        self._partial = [rest] if rest else []
        return self._events(lines)

    def flush(self) -> list[SSEEvent]:
        """Events still pending when the stream ends without a final blank line."""
        return self.feed("\n\n") if (self._partial or self._cr or self._data) else []

    def _events(self, lines: list[str]) -> list[SSEEvent]:
        events: list[SSEEvent] = []
        for line in lines:
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
        return events


async def sse_events(chunks: AsyncIterator[str]) -> AsyncIterator[SSEEvent]:
    """SSE events from a stream of text chunks."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.flush():
        yield event


async def ndjson_lines(chunks: AsyncIterator[str]) -> AsyncIterator[str]:
    """Non-blank lines from a stream of text chunks (an unfinished line waits in pieces)."""
    partial: list[str] = []
    async for chunk in chunks:
        if "\n" not in chunk:
            partial.append(chunk)
            continue
        lines = chunk.split("\n")
        partial.append(lines[0])
        lines[0] = "".join(partial)
        partial = [lines.pop()]
        for line in lines:
            if stripped := line.strip():
                yield stripped
    if rest := "".join(partial).strip():
        yield rest
