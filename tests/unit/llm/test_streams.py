"""The stream decoders: however the network cuts a stream, the same events and lines come out.

The reference is the SSE format read whole (WHATWG "event stream interpretation") plus our
end-of-stream rule: an event still pending when the stream ends is dispatched.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator

from hypothesis import given, settings
from hypothesis import strategies as st

from peer_lsp.llm.streams import SSEDecoder, ndjson_lines

PIECES = ["data", "event", ":", " ", "\r", "\n", "\r\n", "x", "é", "ping", "id", ": ka"]


def whole(text: str) -> list[tuple[str, str]]:
    events: list[tuple[str, str]] = []
    name, data = "", list[str]()
    for line in [*re.split(r"\r\n|\r|\n", text), ""]:
        if not line:
            if data:
                events.append((name or "message", "\n".join(data)))
            name, data = "", []
        elif not line.startswith(":"):
            field, _, value = line.partition(":")
            if field == "data":
                data.append(value.removeprefix(" "))
            elif field == "event":
                name = value.removeprefix(" ")
    return events


def decoded(chunks: list[str]) -> list[tuple[str, str]]:
    decoder = SSEDecoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    events += decoder.flush()
    return [(event.event, event.data) for event in events]


def cut(text: str, cuts: list[int]) -> list[str]:
    bounds = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.lists(st.integers(0, 200)))
def test_sse_any_cut_decodes_as_the_whole(pieces: list[str], cuts: list[int]) -> None:
    text = "".join(pieces)
    assert decoded(cut(text, cuts)) == whole(text)


def test_sse_cr_then_lf_in_the_next_chunk_is_one_line_end() -> None:
    assert decoded(["data: a\r", "\ndata: b\r", "\r"]) == [("message", "a\nb")]


def test_sse_a_long_event_in_small_chunks_arrives_whole() -> None:
    # its speed (linear in the event's length) is measured by bench/sse_decoders.py
    event = "data: " + "x" * (8 << 20) + "\n\n"
    events = decoded([event[i : i + 1024] for i in range(0, len(event), 1024)])
    assert len(events) == 1
    assert len(events[0][1]) == 8 << 20


async def lines(chunks: list[str]) -> list[str]:
    async def stream() -> AsyncIterator[str]:
        for chunk in chunks:
            yield chunk

    return [line async for line in ndjson_lines(stream())]


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from(['{"a": 1}', "\n", "\r\n", " ", "\u2028", "\x85"]), max_size=30),
    st.lists(st.integers(0, 200)),
)
async def test_ndjson_any_cut_gives_the_lines_of_the_whole(
    pieces: list[str], cuts: list[int]
) -> None:
    text = "".join(pieces)
    expected = [line.strip() for line in text.split("\n") if line.strip()]
    assert await lines(cut(text, cuts)) == expected


async def test_ndjson_a_long_line_in_small_chunks_arrives_whole() -> None:
    # its speed (linear in the line's length) is measured by bench/sse_decoders.py
    line = '{"response": "' + "x" * (8 << 20) + '"}\n'
    got = await lines([line[i : i + 1024] for i in range(0, len(line), 1024)])
    assert got == [line.strip()]
