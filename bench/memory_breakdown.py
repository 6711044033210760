"""Where peer-lsp's memory goes: imports, one large document's parts, and the server's peaks.

Three tables, each from a fresh process so that one cannot inflate the next:

1. ``imports``: resident memory (VmRSS) added by each group of modules that
   ``peer_lsp.server`` loads, in the order the server loads them.
2. ``document``: what each part of one open document holds (RSS added, in this process),
   for the generated N-line Python file of bench/editor_latency.py (the file its runs use,
   default seed): the text as ``str`` and UTF-8 bytes, the didOpen message and its JSON,
   the tree-sitter tree, the LineIndex, the units (with their texts), then Engine.open with
   the producers; and the peak (VmHWM) each step reached on the way, which is what the
   kernel counts against the process.
3. ``server``: the real server (``python -m peer_lsp serve``) driven over stdio with the
   client of bench/editor_latency.py: RSS and peak after start, after ``initialize``, after
   ``didOpen``, and after the typing script's edits, the same as editor_latency.py's
   ``--edit-mode typing`` (the peak is reset between phases
   through /proc/PID/clear_refs, so each phase's peak is its own).

    python bench/memory_breakdown.py --lines 10000 50000

Linux only (reads /proc). Numbers move by a MB or so between runs; report the load average.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Any

_MB = 2**20
_KB = 1024

IMPORT_STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("json, re, logging, typing", ("json", "re", "logging", "typing", "dataclasses")),
    ("ssl (asyncio loads it; OpenSSL)", ("ssl",)),
    ("asyncio", ("asyncio",)),
    ("attrs + cattrs", ("attrs", "cattrs")),
    ("lsprotocol.types", ("lsprotocol.types",)),
    ("pygls", ("pygls.lsp.server", "pygls.protocol")),
    ("tree_sitter", ("tree_sitter",)),
    ("peer_lsp.documents (syntax, text)", ("peer_lsp.documents.store",)),
    ("peer_lsp.rules", ("peer_lsp.rules.producer", "peer_lsp.rules.catalog")),
    ("peer_lsp.analysis", ("peer_lsp.analysis.engine",)),
    ("peer_lsp.llm + review", ("peer_lsp.review.reviewer", "peer_lsp.llm.factory")),
    ("peer_lsp.lsp + server", ("peer_lsp.server",)),
    ("httpx (only once a model is asked)", ("httpx",)),
)


def status() -> dict[str, float]:
    """VmRSS, VmHWM, RssAnon and RssFile of this process, in MB."""
    return _status("self")


def _status(pid: int | str) -> dict[str, float]:
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            values[key] = int(rest.split()[0]) * _KB / _MB
    return values


def reset_peak(pid: int | str = "self") -> None:
    """Start VmHWM again from the current RSS (Linux >= 4.0)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


# --------------------------------------------------------------------------------------
# 1. imports
# --------------------------------------------------------------------------------------


def measure_imports() -> list[dict[str, Any]]:
    import importlib

    rows = []
    gc.collect()
    before = status()
    rows.append({"step": "python itself", "rss_added": before["VmRSS"], **before})
    for label, modules in IMPORT_STEPS:
        for module in modules:
            importlib.import_module(module)
        gc.collect()
        now = status()
        rows.append({"step": label, "rss_added": now["VmRSS"] - before["VmRSS"], **now})
        before = now
    return rows


# --------------------------------------------------------------------------------------
# 2. one document
# --------------------------------------------------------------------------------------


def generated_text(lines: int) -> str:
    """The file bench/editor_latency.py opens (its default seed)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from editor_latency import DEFAULT_SEED, generate_python

    return generate_python(lines, DEFAULT_SEED).text


class _Steps:
    """Rows of RSS added and peak reached by each step, with what each step built kept."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.kept: list[object] = []
        self.restart()

    def restart(self, *keep: object) -> None:
        """Drop what earlier steps built (but ``keep``) and measure from here."""
        self.kept[:] = keep
        gc.collect()
        self.last = status()
        reset_peak()

    def step(self, label: str, *objects: object) -> None:
        self.kept.extend(objects)
        now = status()
        self.rows.append(
            {
                "step": label,
                "rss_added": now["VmRSS"] - self.last["VmRSS"],
                "peak_over_start": now["VmHWM"] - self.last["VmRSS"],
                **now,
            }
        )
        gc.collect()
        self.last = status()
        reset_peak()


def _message(text: str) -> bytes:
    import json

    document = {"uri": "file:///g.py", "languageId": "python", "version": 1, "text": text}
    params = {"textDocument": document}
    return json.dumps(
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": params}
    ).encode()


def measure_document(lines: int) -> list[dict[str, Any]]:
    """Each part of one open document, built step by step as Engine.open builds it."""
    import json

    import peer_lsp.server  # noqa: F401 - everything the server has loaded
    from peer_lsp.analysis.engine import Engine
    from peer_lsp.syntax.languages import new_parser
    from peer_lsp.syntax.unit_index import UnitIndex
    from peer_lsp.text.lines import LineIndex

    generated_text(10)  # the generator's own imports, before the first step
    engine = Engine()
    engine.open("file:///warm.py", "def f():\n    return 1\n", "python")
    engine.close("file:///warm.py")
    steps = _Steps()
    text = generated_text(lines)
    steps.step(f"text as str ({len(text) / _MB:.2f} MB)", text)
    message = _message(text)
    steps.step("didOpen message body (bytes)", message)
    steps.step("json.loads of the body", json.loads(message))
    steps.restart(text)
    data = text.encode("utf-8")
    steps.step("text as UTF-8 bytes", data)
    tree = new_parser("python").parse(data)
    steps.step(f"tree-sitter tree ({tree.root_node.descendant_count} nodes)", tree)
    index = LineIndex(data)
    steps.step(f"LineIndex ({index.line_count} lines)", index)
    units = UnitIndex("python")
    units.rebuild(tree, data, index)
    steps.step(f"units ({len(units.units)}, with their texts)", units)
    del units, index, tree, data
    steps.restart(text)
    document = engine.open("file:///g.py", text, "python", 1)
    steps.step("Engine.open: all of the above + producers", document)
    findings = engine.findings(document.uri)
    steps.step(f"findings ({len(findings)})", findings)
    return steps.rows


# --------------------------------------------------------------------------------------
# 3. the real server
# --------------------------------------------------------------------------------------


async def measure_server(lines: int, edits: int) -> list[dict[str, Any]]:
    import asyncio
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent))
    import editor_latency as bench

    source = bench.generate_python(lines, bench.DEFAULT_SEED)
    typed = bench.plan_edits(source, edits, bench.DEFAULT_SEED, "typing")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="peer-mem-") as tmp:
        workdir = Path(tmp)
        path = workdir / "generated.py"
        path.write_text(source.text)
        uri = path.as_uri()
        client = bench.LspClient(
            "peer", bench.server_command("peer", workdir), workdir, workdir / "stderr"
        )
        client.watch_uri = uri
        await client.start()

        def phase(label: str) -> None:
            now = _status(client.pid)
            rows.append({"step": label, **now})
            reset_peak(client.pid)

        try:
            await client.request("initialize", bench.initialize_params(workdir, os.getpid()), 30)
            await client.notify("initialized", {})
            await asyncio.sleep(1.0)  # the server's post-initialized work
            phase("start + initialize + initialized")
            await client.notify(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": uri,
                        "languageId": "python",
                        "version": 1,
                        "text": source.text,
                    }
                },
            )
            await client.wait_publish(None, 60, "didOpen")
            await asyncio.sleep(0.2)
            phase("didOpen -> first diagnostics")
            version = 1
            for edit in typed:
                version += 1
                client.drain_publishes()
                change = {
                    "range": {
                        "start": {"line": edit.line, "character": edit.start},
                        "end": {"line": edit.line, "character": edit.end},
                    },
                    "text": edit.text,
                }
                await client.notify(
                    "textDocument/didChange",
                    {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
                )
                await client.wait_publish(version, 10, f"edit {version}")
            phase(f"{len(typed)} typing edits")
            await client.shutdown()
        except BaseException:
            await client.kill()
            raise
    return rows


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------


def table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> str:
    out = [f"\n{title}", "| " + " | ".join(["step", *columns]) + " |"]
    out.append("|" + "---|" * (len(columns) + 1))
    for row in rows:
        cells = [f"{row[c]:.1f}" if c in row else "" for c in columns]
        out.append("| " + " | ".join([row["step"], *cells]) + " |")
    return "\n".join(out)


def _child(part: str, lines: int, edits: int, env: dict[str, str]) -> list[dict[str, Any]]:
    """Run one part in a fresh interpreter and read its rows back."""
    import json
    import subprocess

    argv = [sys.executable, __file__, "--part", part, "--lines", str(lines)]
    argv += ["--edits", str(edits)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{part} failed:\n{done.stderr}")
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def bytecode_env(cache: Path) -> dict[str, str]:
    """As a wheel install runs: modules read from a bytecode cache, not compiled at each
    start (compiling costs memory too); ``cache`` is filled by a first import."""
    import subprocess

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    warm = "import peer_lsp.cli, peer_lsp.server, peer_lsp.lsp.stdio, httpx"
    subprocess.run([sys.executable, "-c", warm], env=env, check=True)
    return env


def main(argv: list[str] | None = None) -> int:
    args_given = sys.argv[1:] if argv is None else argv
    if args_given[:2] == ["--part", "imports"]:  # before argparse and json are loaded
        rows = measure_imports()
        import json

        print(json.dumps(rows))
        return 0
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--edits", type=int, default=200, help="typing edits in the server")
    parser.add_argument("--part", choices=("imports", "document", "server"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.part is not None:
        lines = args.lines[0]
        if args.part == "document":
            rows = measure_document(lines)
        else:
            import asyncio

            rows = asyncio.run(measure_server(lines, args.edits))
        print(json.dumps(rows))
        return 0
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    import tempfile

    with tempfile.TemporaryDirectory(prefix="peer-mem-pyc-") as cache:
        _report(args.lines, args.edits, bytecode_env(Path(cache)))
    return 0


def _report(sizes: list[int], edits: int, env: dict[str, str]) -> None:
    imports = _child("imports", 0, 0, env)
    print(table("imports (MB)", imports, ["rss_added", "VmRSS", "RssAnon", "RssFile"]))
    for lines in sizes:
        document = _child("document", lines, 0, env)
        print(
            table(
                f"one document, {lines} lines, in process (MB)",
                document,
                ["rss_added", "peak_over_start", "VmRSS"],
            )
        )
        server = _child("server", lines, edits, env)
        print(
            table(
                f"the server, {lines} lines (MB; VmHWM: the peak within the phase)",
                server,
                ["VmRSS", "VmHWM", "RssAnon", "RssFile"],
            )
        )


if __name__ == "__main__":
    sys.exit(main())
