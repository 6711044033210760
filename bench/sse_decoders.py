"""Stream decoders on our cases: `peer_lsp.llm.streams` against httpx-sse and httpx.

    pip install httpx-sse   # only for this benchmark; peer-lsp does not depend on it
    python bench/sse_decoders.py [--quick] [--runs N] [--parts speed ...]

Four parts, each printed as a table (docs/decisions/0008 has the numbers and the decision):

- correctness: each vendor's stream as tests/fakes writes it, plus the edge cases of the
  SSE format, decoded through the path production takes (an `httpx.Response`, its
  ``aiter_text()``, then our decoder) and through httpx-sse's public API
  (``EventSource(response).aiter_sse()``); every well-formed case is also split in two at
  every byte boundary and sent one byte per chunk;
- robustness: a 10 MB event and a 10 MB line that never ends, in chunks of several sizes;
- speed: events per second on a stream of OpenAI-sized events, one event per chunk and in
  64 KiB chunks, through the production path and through the bare decoders;
- import time: ``python -X importtime`` of each module after ``import httpx`` (which the
  providers import anyway), median of ``--runs``.

NDJSON (Ollama) is compared with httpx's own ``Response.aiter_lines()``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes import anthropic, gemini, ollama
from fakes import openai as oa
from import_time import cumulative_ms

from peer_lsp.llm.streams import SSEDecoder, ndjson_lines, sse_events

Events = list[tuple[str, str]]
Decode = Callable[[list[bytes], str], Awaitable[Events]]

MB = 10 << 20
PARTS = ["correctness", "robustness", "speed", "ndjson", "imports"]
EVENT = "data: " + json.dumps(oa.chunk({"content": "hello"})) + "\n\n"


class _Body(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


def _response(chunks: list[bytes], content_type: str) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": content_type}, stream=_Body(chunks))


async def ours(chunks: list[bytes], content_type: str = "text/event-stream") -> Events:
    """What the providers do: `sse_events` over ``aiter_text()`` (providers/base.py)."""
    text = _response(chunks, content_type).aiter_text()
    return [(e.event, e.data) async for e in sse_events(text)]


async def httpx_sse(chunks: list[bytes], content_type: str = "text/event-stream") -> Events:
    """httpx-sse's public API; its default event name "" is the spec's "message"."""
    from httpx_sse import EventSource

    source = EventSource(_response(chunks, content_type))
    return [(e.event or "message", e.data) async for e in source.aiter_sse()]


def reference(wire: str) -> Events:
    """The WHATWG event-stream interpretation, whole-text, plus our end-of-stream rule: an
    event still pending when the stream ends is dispatched (`SSEDecoder.flush`)."""
    events: Events = []
    name, data = "", list[str]()
    for line in [*re.split(r"\r\n|\r|\n", wire), ""]:
        if not line:
            if data:
                events.append((name or "message", "\n".join(data)))
            name, data = "", []
        elif not line.startswith(":"):
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "data":
                data.append(value)
            elif field == "event":
                name = value
    return events


def vendor_wires() -> dict[str, str]:
    def joined(chunks: list[bytes | str] | list[str] | None) -> str:
        return "".join(c.decode() if isinstance(c, bytes) else c for c in chunks or [])

    openai = joined(oa.stream(["héllo ", "wörld"], comments=True).chunks)
    return {
        "openai (comments, keep-alives)": openai,
        "openai, CRLF": openai.replace("\n", "\r\n"),
        "openai, CR": openai.replace("\n", "\r"),
        "anthropic (event names)": joined(anthropic.stream(["héllo ", "wörld"]).chunks),
        "gemini (CRLF)": joined(gemini.stream(["héllo ", "wörld"]).chunks),
        "mixed line ends": "data: a\r\ndata: b\rdata: c\n\r\nevent: e\rdata: d\r\r",
        "multi-line data": "data: a\ndata:\ndata:  b\ndata\n\n",
        "comments only": ": ping\n\n:\n\n",
    }


# Cases where the format leaves room to differ: (wire, what we do, why).
EDGES: dict[str, tuple[str, Events, str]] = {
    "event without data": ("event: ping\n\n", [], "spec: not dispatched"),
    "id only": ("id: 7\n\n", [], "spec: not dispatched"),
    "no final blank line": ("data: a\n", [("message", "a")], "spec drops it; we keep it"),
    "ends mid-line": ("data: a", [("message", "a")], "spec drops it; we keep it"),
    "ends on CR": ("data: a\r", [("message", "a")], "spec drops it; we keep it"),
    "byte order mark": ("\ufeffdata: a\n\n", [], "spec strips the BOM: [a]; nobody sends one"),
}


async def correctness(quick: bool) -> None:
    print("## Correctness (production path: httpx.Response -> aiter_text -> decoder)\n")
    print("| case | splits | peer_lsp | httpx-sse |\n| --- | --- | --- | --- |")
    for name, wire in vendor_wires().items():
        data = wire.encode()
        expected = reference(wire)
        step = max(1, len(data) // 64) if quick else 1
        splits = [[data[:i], data[i:]] for i in range(0, len(data) + 1, step)]
        splits.append([data[i : i + 1] for i in range(len(data))])
        cells = []
        for decode in (ours, httpx_sse):
            bad = [s for s in splits if await _safe(decode, s) != expected]
            cells.append("ok" if not bad else f"{len(bad)} of {len(splits)} splits differ")
        print(f"| {name} | {len(splits)} | {cells[0]} | {cells[1]} |")
    for name, (wire, expected, why) in EDGES.items():
        cells = []
        for decode in (ours, httpx_sse):
            got = await _safe(decode, [wire.encode()])
            cells.append("as we do" if got == expected else f"differs: {got}")
        print(f"| {name} ({why}) | 1 | {cells[0]} | {cells[1]} |")
    wrong_type = [EVENT.encode()]
    cells = [str(await _safe(d, wrong_type, "application/json")) for d in (ours, httpx_sse)]
    print(f"| SSE labelled application/json | 1 | {cells[0][:40]} | {cells[1][:60]} |\n")


async def _safe(
    decode: Decode, chunks: list[bytes], content_type: str = "text/event-stream"
) -> Events | str:
    try:
        return await decode(chunks, content_type)
    except Exception as error:  # the table shows it
        return f"{type(error).__name__}: {error}"


def _chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


async def _timed(decode: Decode, chunks: list[bytes]) -> tuple[float, Events]:
    began = time.perf_counter()
    events = await decode(chunks, "text/event-stream")
    return time.perf_counter() - began, events


async def robustness(quick: bool) -> None:
    print("## Robustness: one 10 MB event, one 10 MB line that never ends (seconds)\n")
    print("| input | chunk | peer_lsp | httpx-sse |\n| --- | --- | --- | --- |")
    big = ("data: " + "x" * MB + "\n\n").encode()
    endless = ("data: " + "x" * MB).encode()
    for label, data, want in (("10 MB event", big, 1), ("never-ending line", endless, None)):
        for size in (65536, 4096) if quick else (65536, 4096, 1024):
            cells = []
            for decode in (ours, httpx_sse):
                seconds, events = await _timed(decode, _chunked(data, size))
                # never-ending: we dispatch it at the end of the stream, httpx-sse drops it
                sizes = ", ".join(f"{len(e[1]):,} chars" for e in events) or "no event"
                ok = want is None or len(events) == want
                cells.append(f"{seconds:.3f} ({sizes if ok else 'WRONG: ' + sizes})")
            print(f"| {label} | {size} | {cells[0]} | {cells[1]} |")
    print()


def _bare_ours(chunks: list[str]) -> int:
    decoder = SSEDecoder()
    count = sum(len(decoder.feed(chunk)) for chunk in chunks)
    return count + len(decoder.flush())


def _bare_httpx_sse(chunks: list[str]) -> int:
    from httpx_sse._decoders import SSEDecoder as EventDecoder
    from httpx_sse._decoders import SSELineDecoder

    lines, events, count = SSELineDecoder(), EventDecoder(), 0
    for chunk in chunks:
        for line in lines.decode(chunk):
            count += events.decode(line) is not None
    return count


async def speed(quick: bool, runs: int) -> None:
    count = 20_000 if quick else 100_000
    wire = EVENT * count
    layouts = {
        "one event per chunk": [EVENT] * count,
        "64 KiB chunks": [wire[i : i + 65536] for i in range(0, len(wire), 65536)],
        "64 KiB chunks, CRLF": [
            wire[i : i + 65536].replace("\n", "\r\n") for i in range(0, len(wire), 65536)
        ],
    }
    print(
        f"## Speed: {count:,} OpenAI-sized events ({len(EVENT)} bytes), events/s, best of {runs}\n"
    )
    print("| layout | path | peer_lsp | httpx-sse |\n| --- | --- | --- | --- |")
    for layout, texts in layouts.items():
        raw = [t.encode() for t in texts]
        best = {name: float("inf") for name in ("ours", "httpx-sse", "bare ours", "bare httpx-sse")}
        for _ in range(runs):  # interleaved, so that a busy spell hurts both alike
            best["ours"] = min(best["ours"], (await _timed(ours, raw))[0])
            best["httpx-sse"] = min(best["httpx-sse"], (await _timed(httpx_sse, raw))[0])
            best["bare ours"] = min(best["bare ours"], _clock(_bare_ours, texts))
            best["bare httpx-sse"] = min(best["bare httpx-sse"], _clock(_bare_httpx_sse, texts))
        rate = {name: f"{count / seconds:,.0f}" for name, seconds in best.items()}
        print(f"| {layout} | httpx.Response | {rate['ours']} | {rate['httpx-sse']} |")
        print(
            f"| {layout} | bare decoder | {rate['bare ours']} "
            f"| {rate['bare httpx-sse']} (private API) |"
        )
    print()


def _clock(bare: Callable[[list[str]], int], texts: list[str]) -> float:
    began = time.perf_counter()
    bare(texts)
    return time.perf_counter() - began


async def ndjson(quick: bool) -> None:
    """Ollama's NDJSON: our `ndjson_lines` against httpx's ``aiter_lines()``."""

    async def ours_lines(chunks: list[bytes]) -> list[str]:
        text = _response(chunks, "application/x-ndjson").aiter_text()
        return [line async for line in ndjson_lines(text)]

    async def httpx_lines(chunks: list[bytes]) -> list[str]:
        lines = _response(chunks, "application/x-ndjson").aiter_lines()
        return [line.strip() async for line in lines if line.strip()]

    wire = "".join(str(c) for c in ollama.stream(["héllo ", "wörld"]).chunks or [])
    cases = {
        "ollama stream": wire,
        "blank lines, CRLF": wire.replace("\n", "\r\n\r\n"),
        "U+0085 and U+2028 in a string": json.dumps({"r": "a\x85b\u2028c"}, ensure_ascii=False)
        + "\n",
    }
    print("## NDJSON (Ollama): peer_lsp.ndjson_lines against httpx aiter_lines()\n")
    print("| case | peer_lsp | httpx aiter_lines |\n| --- | --- | --- |")
    for name, text in cases.items():
        data = text.encode()
        expected = [line.strip() for line in text.split("\n") if line.strip()]
        splits = [[data[:i], data[i:]] for i in range(len(data) + 1)]
        cells = []
        for decode in (ours_lines, httpx_lines):
            bad = sum([await decode(s) != expected for s in splits])
            cells.append("ok" if not bad else f"{bad} of {len(splits)} splits differ")
        print(f"| {name} | {cells[0]} | {cells[1]} |")
    line = json.dumps({"response": "x" * MB}).encode() + b"\n"
    for size in (65536, 4096) if quick else (65536, 4096, 1024):
        cells = []
        for decode in (ours_lines, httpx_lines):
            began = time.perf_counter()
            got = await decode(_chunked(line, size))
            cells.append(f"{time.perf_counter() - began:.3f} s, {len(got)} line")
        print(f"| 10 MB line in {size}-byte chunks | {cells[0]} | {cells[1]} |")
    print()


def import_times(runs: int) -> None:
    print(f"## Import time after `import httpx` (cumulative ms, median of {runs})\n")
    for module in ("peer_lsp.llm.streams", "httpx_sse"):
        print(f"- {module}: {cumulative_ms(module, after='import httpx', runs=runs):.2f} ms")
    print()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer splits, sizes and events")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--parts", nargs="*", choices=PARTS, default=PARTS)
    args = parser.parse_args()
    try:
        import httpx_sse  # noqa: F401
    except ImportError:
        print("needs httpx-sse: pip install httpx-sse", file=sys.stderr)
        return 2
    parts = set(args.parts)
    if "correctness" in parts:
        await correctness(args.quick)
    if "robustness" in parts:
        await robustness(args.quick)
    if "speed" in parts:
        await speed(args.quick, args.runs)
    if "ndjson" in parts:
        await ndjson(args.quick)
    if "imports" in parts:
        import_times(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
