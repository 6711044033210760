"""Time to the first streamed characters of an explanation (issue 18, point 1: under 100 ms).

Spawns the real server over stdio, as an editor that declares ``experimental.peer.streams``,
with the fake OpenAI-compatible vendor (tests/fakes, in a thread here) answering every
explanation at once, streamed in three pieces. Opens N files whose one function calls
``eval`` (a local rule finding in each, each unit's code different, so every explanation is
a cache miss), then for each: ``workspace/executeCommand peer.explain`` sent -> the first
``peer/streamAppend`` holding the model's text read. Prints every run and p50 / p95 / max,
the machine's load average, and, with ``--json``, the figures as JSON.

    python bench/explain_first_chars.py --runs 50
    python bench/explain_first_chars.py --runs 50 --chunk-delay 200   # a model still writing
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes import openai as oa
from fakes import review_format
from fakes.server import FakeServer, Received, Reply

MODEL_TEXT = "MODEL-SAYS: "
PIECES = [MODEL_TEXT, "`eval` runs whatever `expr` holds; ", "use `ast.literal_eval`."]
WARM_UP = 3
TIMEOUT = 30.0


CHUNK_DELAY = [0.0]
"""Seconds between the pieces of an answer (``--chunk-delay``; the first is sent at once)."""


def answer(received: Received) -> Reply:
    """Explanations at once, streamed; anything else (no reviews are asked) no findings."""
    if review_format.is_explain(received):
        reply = oa.stream(PIECES)
        assert reply.chunks is not None
        first = "".join(str(chunk) for chunk in reply.chunks[:2])  # the role, the first piece
        reply.chunks = [first, *reply.chunks[2:]]
        reply.chunk_delay = CHUNK_DELAY[0]
        return reply
    return oa.ok('{"findings": []}')


class Client:
    """Just enough of an editor over the server's stdio: requests, and the notifications."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self._next = 0
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self.appends: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()
        self.changed = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _write(self, message: dict[str, Any]) -> float:
        assert self.proc.stdin is not None
        body = json.dumps(message).encode("utf-8")
        sent = time.perf_counter()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await self.proc.stdin.drain()
        return sent

    async def request(self, method: str, params: Any) -> tuple[Any, float]:
        """Send a request: its result, and when it was sent."""
        self._next += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[self._next] = future
        sent = await self._write(
            {"jsonrpc": "2.0", "id": self._next, "method": method, "params": params}
        )
        async with asyncio.timeout(TIMEOUT):
            message = await future
        if "error" in message:
            raise RuntimeError(f"{method}: {message['error']}")
        return message.get("result"), sent

    def start_request(self, method: str, params: Any) -> asyncio.Task[tuple[Any, float]]:
        return asyncio.ensure_future(self.request(method, params))

    async def notify(self, method: str, params: Any) -> None:
        await self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        out = self.proc.stdout
        while True:
            length = -1
            while True:
                header = await out.readline()
                if not header:
                    return
                if not header.strip():
                    break
                name, _, value = header.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await out.readexactly(length)
            received = time.perf_counter()
            message = json.loads(body)
            method = message.get("method")
            if method is None:
                future = self._pending.pop(message.get("id"), None)
                if future is not None and not future.done():
                    future.set_result(message)
            elif "id" in message:  # a request of the server's: answered at once, emptily
                result: Any = None
                if method == "workspace/configuration":
                    result = [None for _ in message["params"].get("items", [])]
                await self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})
            elif method == "peer/streamAppend":
                self.appends.put_nowait((received, message["params"]))
            elif method == "textDocument/publishDiagnostics":
                params = message["params"]
                self.diagnostics[params["uri"]] = params["diagnostics"]
                self.changed.set()


def source(index: int) -> str:
    name = f"value_{index}"
    return f"def run_{index}(expr):\n    {name} = expr.strip()\n    return eval({name})\n"


async def measure(runs: int, root: Path, fake: FakeServer) -> list[float]:
    env = {**os.environ, "XDG_STATE_HOME": str(root / "state")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "peer_lsp",
        "serve",
        "--log-file",
        str(root / "peer.log"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=env,
        cwd=root,
    )
    client = Client(proc)
    options = {
        "providers": [{"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1"}],
        "cacheDir": str(root / "cache"),
        "auditLog": str(root / "audit.jsonl"),
        "reviewOn": ["manual"],
        "ollamaAutodetect": False,
    }
    capabilities = {
        "window": {"workDoneProgress": True},
        "experimental": {"peer": {"showsCommandResults": True, "streams": True}},
    }
    await client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": root.as_uri(),
            "capabilities": capabilities,
            "initializationOptions": options,
        },
    )
    await client.notify("initialized", {})
    uris = []
    for index in range(WARM_UP + runs):
        path = root / f"m{index:03}.py"
        path.write_text(source(index), encoding="utf-8")
        uri = path.as_uri()
        uris.append(uri)
        item = {"uri": uri, "languageId": "python", "version": 1, "text": source(index)}
        await client.notify("textDocument/didOpen", {"textDocument": item})
    async with asyncio.timeout(TIMEOUT):
        while not all(_fingerprint(client, uri) for uri in uris):
            client.changed.clear()
            await client.changed.wait()
    latencies = []
    for number, uri in enumerate(uris):
        while not client.appends.empty():
            client.appends.get_nowait()
        command = client.start_request(
            "workspace/executeCommand",
            {"command": "peer.explain", "arguments": [uri, _fingerprint(client, uri)]},
        )
        first = await _first_model_text(client)
        result, sent = await command
        if result.get("shownAs") != "stream" or result.get("status") != "done":
            raise RuntimeError(f"not streamed: {result}")
        if first is None:
            raise RuntimeError("no model text was streamed")
        if number >= WARM_UP:
            latencies.append((first - sent) * 1000)
    await client.request("shutdown", None)
    await client.notify("exit", None)
    async with asyncio.timeout(TIMEOUT):
        await proc.wait()
    return latencies


def _fingerprint(client: Client, uri: str) -> str | None:
    for diagnostic in client.diagnostics.get(uri, []):
        data = diagnostic.get("data")
        if diagnostic.get("code") == "py-eval" and isinstance(data, dict):
            return str(data["fingerprint"])
    return None


async def _first_model_text(client: Client) -> float | None:
    """When the first append holding the model's text was read."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            received, params = await client.appends.get()
            if MODEL_TEXT in params["text"]:
                return received


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--chunk-delay",
        type=float,
        default=0.0,
        metavar="MS",
        help="the fake's pause between pieces (0: the whole answer at once)",
    )
    args = parser.parse_args()
    CHUNK_DELAY[0] = args.chunk_delay / 1000
    with FakeServer(precise_timers=True) as fake, tempfile.TemporaryDirectory() as folder:
        fake.respond_with(answer)
        load_before = os.getloadavg()
        latencies = asyncio.run(measure(args.runs, Path(folder), fake))
        load_after = os.getloadavg()
    summary = {
        "runs": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
        "load_1min": [round(load_before[0], 2), round(load_after[0], 2)],
        "cpus": os.cpu_count(),
        "chunk_delay_ms": args.chunk_delay,
    }
    if args.json:
        print(json.dumps({**summary, "latencies_ms": [round(x, 2) for x in latencies]}))
        return
    print(
        "executeCommand(peer.explain) sent -> first peer/streamAppend with model text (ms), "
        f"the fake pausing {args.chunk_delay:g} ms between pieces:"
    )
    print(" ".join(f"{x:.1f}" for x in latencies))
    print(
        f"p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, max {summary['max_ms']} ms "
        f"over {summary['runs']} runs (target < 100 ms); load average "
        f"{load_before[0]:.2f} -> {load_after[0]:.2f} on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
