"""Editor-loop latency: drive language servers over stdio the way an editor does.

For each server and each file size:

1. spawn the server, send ``initialize`` (time: spawn -> initialize response),
2. ``initialized``, ``didOpen`` a generated N-line Python file (``--language javascript``:
   a JavaScript file) (time: didOpen -> first ``publishDiagnostics``),
3. replay E single-character edits inside function bodies, one at a time: send an
   incremental ``didChange`` with version v, wait for the ``publishDiagnostics`` of that
   document whose ``version`` is v (or, from a server that sends no version, the first one
   after the send), record the latency, then the next edit,
   (``--edit-mode typing``: statements typed a key at a time, through states that do not
   parse, and closing brackets deleted and retyped, bench/typing_script.py; the latencies
   are also given apart for the edits after which the file parses and for the others;
   JavaScript runs are typing only),
4. one untimed sanity edit that breaks the syntax, which every server must report,
5. peak RSS of the server process tree (VmHWM from /proc, and psutil samples), then
   ``shutdown`` / ``exit``.

Start-up is noisy, so each server is also started bare ``--init-runs`` times (default 5):
initialize, then at once initialized and didOpen of a 1,000-line file with one syntax error
(an unclosed list in a function body, as issue 13 measured), its first diagnostics,
shutdown. Every run's spawn -> initialize response and spawn -> first diagnostics are
printed with their medians, and whether (and when) a diagnostic at the error came.

The summary prints, per server and size, p50/p95/max of the edits after which the file
parses and of the others, the start-up median and peak RSS, and peer's p95 over ruff's in
each state. ruff, pylsp and jedi serve Python only: a JavaScript run measures peer alone
and says so.

The LSP client is written here on asyncio pipes (Content-Length framing, JSON), with no
dependency, so that its overhead is small and the same for every server. It answers
server->client requests (workspace/configuration, client/registerCapability,
window/workDoneProgress/create, ...) at once with empty results.

    python bench/editor_latency.py --lines 10000 50000 --edits 200 --servers peer ruff
    python bench/editor_latency.py --quick                        # 10k lines, 120 typing edits
    python bench/editor_latency.py --quick --language javascript  # peer alone

Requires psutil (and ruff for the ``ruff`` server): ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import io
import json
import keyword
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from typing_script import typing_edits

try:
    import psutil
except ImportError:  # pragma: no cover - reported at start
    psutil = None  # type: ignore[assignment]

EDIT_TIMEOUT_S = 5.0
_SERVER_ENV: dict[str, dict[str, str] | None] = {"env": None}
"""Environment of the servers (None: this process's); see ``server_env``."""
OPEN_TIMEOUT_S = 60.0
INIT_TIMEOUT_S = 30.0
DEFAULT_SEED = 20240611

# --------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------


def _venv_tool(name: str) -> str:
    """A console script next to this interpreter (the venv's), else on PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: pip install -e '.[bench]'")
    return found


SERVER_LANGUAGES = {
    "peer": ("python", "javascript"),
    "ruff": ("python",),
    "pylsp": ("python",),
    "jedi": ("python",),
}
"""The languages each server can be measured on (ruff, pylsp and jedi are Python only)."""


def server_command(name: str, workdir: Path, profile: str | None = None) -> list[str]:
    if name == "peer":
        log_file = str(workdir / "peer-lsp.log")
        if profile:
            return [
                sys.executable,
                "-m",
                "cProfile",
                "-o",
                profile,
                "-m",
                "peer_lsp",
                "serve",
                "--log-file",
                log_file,
            ]
        return [sys.executable, "-m", "peer_lsp", "serve", "--log-file", log_file]
    if name == "ruff":
        return [_venv_tool("ruff"), "server"]
    if name == "pylsp":
        return [_venv_tool("pylsp")]
    if name == "jedi":
        return [_venv_tool("jedi-language-server")]
    raise SystemExit(f"unknown server {name!r}")


def server_env(workdir: Path, as_is: bool, peer_src: Path | None) -> dict[str, str] | None:
    """Python servers start as installed from a wheel would: with a bytecode cache.

    An editable install under PYTHONDONTWRITEBYTECODE=1 (set on some machines) compiles
    the server's own modules from source at every start. Unless ``as_is``, the servers get
    a private writable bytecode cache (PYTHONPYCACHEPREFIX), filled by a warm-up start.
    ``peer_src`` goes first on PYTHONPATH (the snapshot of peer_lsp being measured).
    """
    if as_is and peer_src is None:
        return None
    env = dict(os.environ)
    if not as_is:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    if peer_src is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(peer_src), env.get("PYTHONPATH", "")) if p
        )
    return env


def snapshot_peer(workdir: Path) -> tuple[Path, dict[str, Any]]:
    """Copy the peer_lsp package as it is now, so edits made during a run can't mix in."""
    import hashlib

    import peer_lsp

    package = Path(peer_lsp.__file__).parent
    dest = workdir / "peer-src"
    shutil.copytree(package, dest / "peer_lsp", ignore=shutil.ignore_patterns("__pycache__"))
    digest = hashlib.sha256()
    for path in sorted((dest / "peer_lsp").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(dest)).encode() + b"\0" + path.read_bytes())
    info: dict[str, Any] = {"source": str(package), "sha256": digest.hexdigest()[:16]}
    repo = package.parent
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--", "peer_lsp"],
            capture_output=True, text=True, check=True,
        ).stdout.split("\n")  # fmt: skip
        info["git_head"] = head
        info["uncommitted"] = [line[3:] for line in dirty if line.strip()]
    changed = info.get("uncommitted") or []
    print(
        f"peer_lsp snapshot {info['sha256']} of {info['source']} (git {info.get('git_head', '?')}"
        + (f", uncommitted: {', '.join(changed)}" if changed else ", clean")
        + ")"
    )
    return dest, info


def server_version(name: str) -> str:
    try:
        if name == "peer":
            from peer_lsp import __version__

            return __version__
        if name == "ruff":
            out = subprocess.run(
                [_venv_tool("ruff"), "--version"], capture_output=True, text=True, check=True
            )
            return out.stdout.strip().removeprefix("ruff ")
    except Exception as exc:  # pragma: no cover - informational only
        return f"unknown ({exc})"
    return "unknown"


# --------------------------------------------------------------------------------------
# The generated file
# --------------------------------------------------------------------------------------

_WORDS = [
    *("alpha", "beta", "gamma", "delta", "record", "order", "customer", "invoice"),
    *("payment", "ledger", "account", "balance", "amount", "price", "quantity", "total"),
    *("window", "buffer", "cursor", "token", "stream", "packet", "frame", "node", "edge"),
    *("graph", "route", "cache", "entry", "index", "offset", "limit", "score", "weight"),
    *("label", "status"),
]
_PARAMS = [w for w in _WORDS if w not in ("total", "label", "index", "items")]


@dataclass
class GeneratedFile:
    lines: list[str]
    body_lines: list[int]
    """0-based numbers of lines inside function bodies (docstrings included)."""
    closer_lines: list[int] = field(default_factory=list)
    """Lines ending with a closing bracket the typing script may delete and retype (Python:
    a body line's ``]`` or ``)``; JavaScript: the ``}`` that closes a function or method)."""
    language: str = "python"

    @property
    def suffix(self) -> str:
        return ".py" if self.language == "python" else ".js"

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class _Gen:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lines: list[str] = []
        self.body: list[int] = []
        self.closers: list[int] = []
        self.counter = 0

    def word(self) -> str:
        return self.rng.choice(_WORDS)

    def ident(self) -> str:
        self.counter += 1
        return f"{self.word()}_{self.word()}_{self.counter}"

    def emit(self, text: str, body: bool = False, closer: bool = False) -> None:
        if body:
            self.body.append(len(self.lines))
        if closer:
            self.closers.append(len(self.lines))
        self.lines.append(text)

    def function(self, indent: str, name: str, method: bool) -> None:
        """A function of 10 or 11 lines whose names are all defined (no lint but style)."""
        rng = self.rng
        a, b = self.rng.sample(_PARAMS, 2)
        params = ("self, " if method else "") + f"{a}, {b}, options=None"
        i = indent + "    "
        self.emit(f"{indent}def {name}({params}):")
        self.emit(f'{i}"""Compute the {self.word()} {self.word()} of {a} and {b}."""', True)
        self.emit(f"{i}total = {a} + {rng.randint(1, 99)}", True)
        self.emit(f'{i}label = "{self.word()}-{self.word()}-{rng.randint(0, 999)}"', True)
        self.emit(f"{i}items = [{b}, total, {rng.randint(1, 9)}]", True, closer=True)
        self.emit(f"{i}if options is None:", True)
        self.emit(f'{i}    options = {{"{self.word()}": total, "size": len(items)}}', True)
        self.emit(f"{i}for index, item in enumerate(items):", True)
        op = rng.choice(("+", "-", "*"))
        self.emit(f"{i}    total {op}= item * index", True)
        if method and rng.random() < 0.5:
            self.emit(f"{i}self.{self.word()} = total", True)
        self.emit(f'{i}logger.debug("{name}: %s %s", label, total)', True, closer=True)
        self.emit(f"{i}return options, total", True)


def generate_python(n_lines: int, seed: int) -> GeneratedFile:
    """A deterministic, realistic N-line Python module with one unused import."""
    g = _Gen(random.Random(seed))
    header = [
        f'"""Generated module of {n_lines} lines for the editor-latency benchmark."""',
        "",
        "from __future__ import annotations",
        "",
        "import logging",
        "import os  # unused on purpose: every linter has something to say",
        "from collections import OrderedDict",
        "from dataclasses import dataclass",
        "",
        "logger = logging.getLogger(__name__)",
        "CACHE: OrderedDict[str, int] = OrderedDict()",
        "",
        "",
        "@dataclass",
        "class Settings:",
        '    name: str = "default"',
        "    limit: int = 10",
    ]
    for line in header:
        g.emit(line)
    # Leave room for a tail of plain assignments that makes the count exact.
    while len(g.lines) < n_lines - 40:
        g.emit("")
        g.emit("")
        if g.rng.random() < 0.3:
            cls = "".join(w.capitalize() for w in (g.word(), g.word())) + str(g.counter)
            g.counter += 1
            g.emit(f"class {cls}:")
            g.emit(f'    """A {g.word()} of {g.word()} records."""')
            for m in range(g.rng.randint(2, 5)):
                g.emit("")
                g.function("    ", f"{g.word()}_{g.word()}_{m}", method=True)
        else:
            g.function("", g.ident(), method=False)
    g.emit("")
    g.emit("")
    k = 0
    while len(g.lines) < n_lines:
        g.emit(f"CONSTANT_{k} = {k * 7 % 101}")
        k += 1
    return GeneratedFile(
        g.lines[:n_lines],
        [n for n in g.body if n < n_lines],
        [n for n in g.closers if n < n_lines],
    )


def _js_function(g: _Gen, indent: str, name: str, method: bool) -> None:
    """A JavaScript function or method of 15 to 18 lines, its JSDoc included."""
    rng = g.rng
    a, b = rng.sample(_PARAMS, 2)
    i = indent + "  "
    g.emit(f"{indent}/**")
    g.emit(f"{indent} * Compute the {g.word()} {g.word()} of {a} and {b}.")
    g.emit(f"{indent} */")
    g.emit(f"{indent}{'' if method else 'function '}{name}({a}, {b}, options = null) {{")
    g.emit(f"{i}let total = {a} + {rng.randint(1, 99)};", True)
    g.emit(f"{i}const label = `{g.word()}-{g.word()}-${{total}}`;", True)
    g.emit(f"{i}const items = [{b}, total, {rng.randint(1, 9)}];", True)
    g.emit(f"{i}if (options === null) {{", True)
    g.emit(f"{i}  options = {{ {g.word()}: total, size: items.length }};", True)
    g.emit(f"{i}}}", True)
    g.emit(f"{i}for (const [index, item] of items.entries()) {{", True)
    g.emit(f"{i}  total {rng.choice(('+', '-', '*'))}= item * index;", True)
    g.emit(f"{i}}}", True)
    if method and rng.random() < 0.5:
        g.emit(f"{i}this.{g.word()} = total;", True)
    g.emit(f"{i}logger.debug(`{name}: ${{label}}`, total);", True)
    g.emit(f"{i}return [options, total];", True)
    g.emit(f"{indent}}}", closer=True)


def generate_javascript(n_lines: int, seed: int) -> GeneratedFile:
    """A deterministic, realistic N-line JavaScript script (no modules: ``vm.Script`` and
    every server read it the same way): functions and classes with JSDoc and bodies."""
    g = _Gen(random.Random(seed))
    header = [
        "/**",
        f" * Generated script of {n_lines} lines for the editor-latency benchmark.",
        " */",
        '"use strict";',
        "",
        "const logger = console;",
        "const CACHE = new Map();",
        'const DEFAULTS = Object.freeze({ name: "default", limit: 10 });',
    ]
    for line in header:
        g.emit(line)
    # A class is at most about 100 lines: stop early enough that none is cut off.
    while len(g.lines) < n_lines - 110:
        g.emit("")
        if g.rng.random() < 0.3:
            cls = "".join(w.capitalize() for w in (g.word(), g.word())) + str(g.counter)
            g.counter += 1
            g.emit(f"/** A {g.word()} of {g.word()} records. */")
            g.emit(f"class {cls} {{")
            g.emit("  constructor(limit = DEFAULTS.limit) {")
            g.emit("    this.limit = limit;")
            g.emit("    this.seen = new Set();")
            g.emit("  }")
            for m in range(g.rng.randint(2, 5)):
                g.emit("")
                _js_function(g, "  ", f"{g.word()}{g.word().capitalize()}{m}", method=True)
            g.emit("}")
        else:
            _js_function(g, "", g.ident().replace("_", ""), method=False)
    g.emit("")
    k = 0
    while len(g.lines) < n_lines:
        g.emit(f"const CONSTANT_{k} = {k * 7 % 101};")
        k += 1
    return GeneratedFile(g.lines, g.body, g.closers, "javascript")


def generate_source(language: str, n_lines: int, seed: int) -> GeneratedFile:
    if language == "python":
        return generate_python(n_lines, seed)
    if language == "javascript":
        return generate_javascript(n_lines, seed)
    raise SystemExit(f"unknown language {language!r}")


def startup_source(language: str, n_lines: int = 1000) -> tuple[GeneratedFile, int]:
    """The start-up file: ``n_lines`` lines with one syntax error, an unclosed list in a
    function body near the middle (its ``]`` deleted). Returns the file and that line."""
    source = generate_source(language, n_lines, DEFAULT_SEED)
    middle = len(source.lines) // 2
    line = min(
        (n for n in source.body_lines if "items = [" in source.lines[n]),
        key=lambda n: abs(n - middle),
    )
    text = source.lines[line]
    cut = text.rindex("]")
    source.lines[line] = text[:cut] + text[cut + 1 :]
    return source, line


# --------------------------------------------------------------------------------------
# The edits
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    line: int
    start: int
    """UTF-16 column of the range start."""
    end: int
    """UTF-16 column of the range end (start for an insertion, start+n for a deletion)."""
    text: str
    parses: bool = True
    """Whether the file parses after this edit (``insert`` and ``toggle`` keep it so)."""


def _utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def _insertion_points(line: str) -> list[tuple[int, str]]:
    """Columns strictly inside an identifier or inside a string literal, with their kind."""
    points: list[tuple[int, str]] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return points
    for tok in tokens:
        (row, col), (erow, ecol) = tok.start, tok.end
        if row != 1 or erow != 1:
            continue
        if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string):
            if tok.string in ("self", "options", "logger") or len(tok.string) < 2:
                continue
            points.extend((c, "name") for c in range(col + 1, ecol))
        elif tok.type == tokenize.STRING:
            quote = 3 if tok.string.startswith(('"""', "'''")) else 1
            points.extend((c, "string") for c in range(col + quote, ecol - quote + 1))
    return points


def plan_edits(source: GeneratedFile, count: int, seed: int, mode: str) -> list[Edit]:
    """``count`` single-character edits at random points inside function bodies.

    ``insert``: every edit types one letter inside an identifier or a string (the file stays
    syntactically valid; renamed identifiers give linters new things to say, as typing does).
    ``toggle``: odd edits delete the letter the previous edit typed (the file returns to
    its original text every second edit). ``typing``: whole statements typed a key at a
    time (bench/typing_script.py), through states that do not parse.
    """
    if mode == "typing":
        typed = typing_edits(
            source.lines, source.body_lines, count, seed, source.language, source.closer_lines
        )
        return [Edit(e.line, e.column, e.column + e.removed, e.text, e.parses) for e in typed]
    if source.language != "python":
        raise SystemExit(f"--edit-mode {mode} is for Python; {source.language} has typing only")
    rng = random.Random(seed + 1)
    lines = list(source.lines)
    edits: list[Edit] = []
    while len(edits) < count:
        if mode == "toggle" and edits and len(edits) % 2 == 1:
            prev = edits[-1]
            line = lines[prev.line]
            edits.append(Edit(prev.line, prev.start, prev.start + 1, ""))
            lines[prev.line] = line[: prev.start] + line[prev.start + 1 :]
            continue
        n = rng.choice(source.body_lines)
        line = lines[n]
        points = _insertion_points(line)
        if not points:
            continue
        col, kind = rng.choice(points)
        char = rng.choice("abcdefghijklmnopqrstuvwxyz")
        new_line = line[:col] + char + line[col:]
        if kind == "name":
            # The identifier must stay an identifier and not become a keyword.
            start = col
            while start > 0 and (new_line[start - 1].isalnum() or new_line[start - 1] == "_"):
                start -= 1
            stop = col
            while stop < len(new_line) and (new_line[stop].isalnum() or new_line[stop] == "_"):
                stop += 1
            if keyword.iskeyword(new_line[start:stop]):
                continue
        # All generated text is ASCII, but keep the columns honest UTF-16 anyway.
        u = _utf16(line[:col])
        edits.append(Edit(n, u, u, char))
        lines[n] = new_line
    return edits


# --------------------------------------------------------------------------------------
# A minimal LSP client
# --------------------------------------------------------------------------------------


class LspError(RuntimeError):
    pass


@dataclass
class Publish:
    received: float
    version: int | None
    count: int
    lines: list[int]


class LspClient:
    """Just enough of an editor: requests, notifications, and answers to the server."""

    def __init__(self, name: str, argv: list[str], cwd: Path, stderr_path: Path) -> None:
        self.name = name
        self.argv = argv
        self.cwd = cwd
        self.stderr_path = stderr_path
        self.proc: asyncio.subprocess.Process | None = None
        self.spawned_at = 0.0
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._reader: asyncio.Task[None] | None = None
        self.publishes: asyncio.Queue[Publish] = asyncio.Queue()
        self.watch_uri: str | None = None
        self.server_requests: dict[str, int] = {}
        self.notifications: dict[str, int] = {}
        self._stderr_file: Any = None

    async def start(self) -> None:
        self._stderr_file = open(self.stderr_path, "wb")  # noqa: SIM115 - closed in close()
        self.spawned_at = time.perf_counter()
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._stderr_file,
            cwd=str(self.cwd),
            env=_SERVER_ENV["env"],
        )
        self._reader = asyncio.create_task(self._read_loop())

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stderr_tail(self, n: int = 3000) -> str:
        try:
            return self.stderr_path.read_bytes()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    async def _write(self, message: dict[str, Any]) -> float:
        """Send one message; returns the perf_counter time just before the write."""
        assert self.proc is not None
        assert self.proc.stdin is not None
        body = json.dumps(message, separators=(",", ":")).encode("utf-8")
        frame = b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        sent = time.perf_counter()
        self.proc.stdin.write(frame)
        await self.proc.stdin.drain()
        return sent

    async def request(self, method: str, params: Any, timeout: float) -> tuple[Any, float]:
        """Send a request; returns (result, perf_counter time the response was read)."""
        self._next_id += 1
        rid = self._next_id
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[rid] = future
        await self._write({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        try:
            message, received = await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise LspError(
                f"{self.name}: no response to {method} in {timeout} s\n{self.stderr_tail()}"
            ) from None
        if "error" in message:
            raise LspError(f"{self.name}: {method} failed: {message['error']}")
        return message.get("result"), received

    async def notify(self, method: str, params: Any) -> float:
        return await self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def _read_loop(self) -> None:
        assert self.proc is not None
        assert self.proc.stdout is not None
        stdout = self.proc.stdout
        try:
            while True:
                length = -1
                while True:
                    header = await stdout.readline()
                    if not header:
                        return
                    header = header.strip()
                    if not header:
                        break
                    name, _, value = header.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length < 0:
                    raise LspError(f"{self.name}: message without Content-Length")
                body = await stdout.readexactly(length)
                await self._received(body, time.perf_counter())
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(
                        LspError(f"{self.name}: server closed its output\n{self.stderr_tail()}")
                    )

    async def _received(self, body: bytes, received: float) -> None:
        """One message off the wire; a subclass may look at the raw bytes first."""
        await self._dispatch(json.loads(body), received)

    async def _dispatch(self, message: dict[str, Any], received: float) -> None:
        method = message.get("method")
        if method is None:
            future = self._pending.pop(message.get("id"), None)  # type: ignore[arg-type]
            if future is not None and not future.done():
                future.set_result((message, received))
            return
        if "id" in message:
            self.server_requests[method] = self.server_requests.get(method, 0) + 1
            result: Any = None
            if method == "workspace/configuration":
                result = [None for _ in message.get("params", {}).get("items", [])]
            await self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})
            return
        self.notifications[method] = self.notifications.get(method, 0) + 1
        if method == "textDocument/publishDiagnostics":
            params = message["params"]
            if params.get("uri") == self.watch_uri:
                diagnostics = params.get("diagnostics", [])
                self.publishes.put_nowait(
                    Publish(
                        received,
                        params.get("version"),
                        len(diagnostics),
                        sorted({d["range"]["start"]["line"] for d in diagnostics}),
                    )
                )

    def drain_publishes(self) -> list[Publish]:
        drained = []
        while not self.publishes.empty():
            drained.append(self.publishes.get_nowait())
        return drained

    async def wait_publish(self, version: int | None, timeout: float, what: str) -> Publish:
        """The publish for ``version``; a publish without version is taken as the answer."""
        deadline = time.perf_counter() + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise LspError(
                    f"{self.name}: no publishDiagnostics for version {version} within "
                    f"{timeout} s ({what})\n{self.stderr_tail()}"
                )
            try:
                publish = await asyncio.wait_for(self.publishes.get(), remaining)
            except TimeoutError:
                continue
            if version is None or publish.version is None or publish.version == version:
                return publish
            # An older version's publish arriving late: keep waiting for ours.

    async def shutdown(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(Exception):
            await self.request("shutdown", None, timeout=10)
            await self.notify("exit", None)
        try:
            await asyncio.wait_for(self.proc.wait(), 15)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader, 5)
        if self._stderr_file is not None:
            self._stderr_file.close()

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()
        if self._stderr_file is not None:
            self._stderr_file.close()


def client_capabilities() -> dict[str, Any]:
    """An editor's usual capabilities, minus pull diagnostics: every server must push."""
    return {
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {
            "configuration": True,
            "workspaceFolders": True,
            "didChangeConfiguration": {"dynamicRegistration": False},
            "didChangeWatchedFiles": {"dynamicRegistration": False},
            "applyEdit": True,
        },
        "textDocument": {
            "synchronization": {"dynamicRegistration": False, "didSave": True},
            "publishDiagnostics": {
                "relatedInformation": True,
                "versionSupport": True,
                "codeDescriptionSupport": True,
                "dataSupport": True,
            },
        },
        "window": {"workDoneProgress": True, "showMessage": {}},
    }


def initialize_params(root: Path, pid: int) -> dict[str, Any]:
    uri = root.as_uri()
    return {
        "processId": pid,
        "clientInfo": {"name": "peer-lsp-bench", "version": "1"},
        "rootUri": uri,
        "rootPath": str(root),
        "workspaceFolders": [{"uri": uri, "name": root.name}],
        "capabilities": client_capabilities(),
        "initializationOptions": None,
    }


# --------------------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------------------


def _tree(pid: int) -> list[Any]:
    if psutil is None:
        return []
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def rss_bytes(pid: int) -> int:
    total = 0
    for proc in _tree(pid):
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total


def hwm_bytes(pid: int) -> int:
    """Sum of VmHWM (peak resident set) over the process tree, from /proc."""
    total = 0
    for proc in _tree(pid):
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) * 1024
    return total


# --------------------------------------------------------------------------------------
# CPU accounting: was anything else running?
# --------------------------------------------------------------------------------------

_HZ = os.sysconf("SC_CLK_TCK")


def _proc_stat() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq) / _HZ, steal / _HZ


def _cpu_seconds(pid: int) -> float:
    total = 0.0
    for proc in _tree(pid):
        with contextlib.suppress(psutil.Error):
            t = proc.cpu_times()
            total += t.user + t.system
    return total


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


class CpuWatch:
    """Machine-wide CPU used by processes other than the server and this client."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.wall = time.perf_counter()
        self.busy, self.steal = _proc_stat()
        self.server = _cpu_seconds(pid)
        self.client = _own_cpu()

    def stop(self) -> tuple[float, float, float]:
        """(other processes' CPU in cores, steal in cores, server CPU in cores)."""
        wall = time.perf_counter() - self.wall
        busy, steal = _proc_stat()
        server = _cpu_seconds(self.pid) - self.server
        client = _own_cpu() - self.client
        other = max(0.0, busy - self.busy - server - client)
        return other / wall, (steal - self.steal) / wall, server / wall


async def wait_idle(max_wait: float, threshold: float = 0.15) -> float:
    """Wait until the machine is quiet (under ``threshold`` cores busy over 1 s).

    Returns the busy cores last seen; gives up after ``max_wait`` seconds.
    """
    deadline = time.perf_counter() + max_wait
    while True:
        busy0, _ = _proc_stat()
        own0 = _own_cpu()
        await asyncio.sleep(1.0)
        busy1, _ = _proc_stat()
        load = max(0.0, (busy1 - busy0) - (_own_cpu() - own0))
        if load < threshold or time.perf_counter() >= deadline:
            if load >= threshold:
                print(f"warning: machine still busy ({load:.2f} cores), running anyway")
            return load
        await asyncio.sleep(2.0)


# --------------------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------------------


@dataclass
class Result:
    server: str
    lines: int
    file_bytes: int
    edits: int
    init_ms: float
    first_diag_ms: float
    first_diag_count: int
    latencies_ms: list[float] = field(repr=False)
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    mean_ms: float = 0.0
    peak_rss_mb: float = 0.0
    hwm_mb: float = 0.0
    sampled_rss_max_mb: float = 0.0
    versioned_publishes: int = 0
    unversioned_publishes: int = 0
    stale_publishes: int = 0
    last_diag_count: int = 0
    sanity_reported: bool = False
    sanity_line_ok: bool = False
    init_bare_ms: list[float] = field(default_factory=list)
    init_median_ms: float = 0.0
    start_diag_bare_ms: list[float] = field(default_factory=list)
    """Bare start-ups: spawn -> first diagnostics of a 1,000-line file with a syntax error,
    opened once initialize is answered."""
    start_diag_median_ms: float = 0.0
    start_error_bare_ms: list[float] = field(default_factory=list)
    """Bare start-ups: spawn -> the first publish that reports the syntax error (the same as
    ``start_diag_bare_ms`` when the first publish reports it)."""
    start_error_median_ms: float = 0.0
    start_error_reported: list[bool] = field(default_factory=list)
    """Per bare start-up: a diagnostic within 3 lines of the start-up file's syntax error."""
    language: str = "python"
    other_cpu_cores: float = 0.0
    """CPU used by other processes during the edit replay, in cores (0 = quiet machine)."""
    steal_cores: float = 0.0
    server_cpu_cores: float = 0.0
    idle_before_cores: float = 0.0
    server_requests: dict[str, int] = field(default_factory=dict)
    notifications: dict[str, int] = field(default_factory=dict)
    profiled: bool = False
    by_state: dict[str, dict[str, float]] = field(default_factory=dict)
    """p50/p95/max and count of the edits after which the file parses, and of the others."""


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.4999999))
    return ordered[min(rank, len(ordered)) - 1]


def _by_state(latencies: list[float], edits: list[Edit]) -> dict[str, dict[str, float]]:
    """The latencies of the edits after which the file parses, and of the others."""
    found = {}
    for state, ok in (("parses", True), ("broken", False)):
        summary = _summary([ms for ms, e in zip(latencies, edits, strict=True) if e.parses == ok])
        if summary:
            found[state] = summary
    return found


def _summary(latencies: list[float]) -> dict[str, float]:
    if not latencies:
        return {}
    return {
        "count": len(latencies),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": max(latencies),
    }


async def warm_up(name: str, workdir: Path, language: str) -> None:
    """One discarded start: fills the page cache and the bytecode cache."""
    source = generate_source(language, 200, 1)
    mode = "typing" if language != "python" else "insert"
    await run_editor(name, workdir, source, plan_edits(source, 2, 1, mode), None)


@dataclass
class StartUps:
    """Bare start-ups of one server, times from spawn in ms."""

    init_ms: list[float] = field(default_factory=list)
    first_diag_ms: list[float] = field(default_factory=list)
    error_ms: list[float] = field(default_factory=list)
    error_reported: list[bool] = field(default_factory=list)


async def measure_init(name: str, workdir: Path, runs: int, language: str) -> StartUps:
    """Bare start-ups, each: spawn -> initialize response, then at once ``initialized`` and
    ``didOpen`` of a 1,000-line file with a syntax error (an editor opening its first file)
    -> its first publishDiagnostics, and -> the first publish with a diagnostic within 3
    lines of the error (the same one, unless the server publishes in stages), then
    shutdown."""
    source, broken = startup_source(language)
    path = workdir / f"startup{source.suffix}"
    path.write_text(source.text)
    opened = {"uri": path.as_uri(), "languageId": language, "version": 1, "text": source.text}
    found = StartUps()
    for i in range(runs):
        argv = server_command(name, workdir)
        client = LspClient(name, argv, workdir, workdir / f"{name}-init-{i}.stderr")
        client.watch_uri = path.as_uri()
        await client.start()
        try:
            _, received = await client.request(
                "initialize", initialize_params(workdir, os.getpid()), INIT_TIMEOUT_S
            )
            found.init_ms.append((received - client.spawned_at) * 1000)
            await client.notify("initialized", {})
            await client.notify("textDocument/didOpen", {"textDocument": opened})
            publish = await client.wait_publish(None, OPEN_TIMEOUT_S, "didOpen at start-up")
            found.first_diag_ms.append((publish.received - client.spawned_at) * 1000)
            deadline = time.perf_counter() + EDIT_TIMEOUT_S
            reported = any(abs(n - broken) <= 3 for n in publish.lines)
            while not reported and time.perf_counter() < deadline:
                with contextlib.suppress(LspError):
                    publish = await client.wait_publish(
                        None, deadline - time.perf_counter(), "the start-up syntax error"
                    )
                    reported = any(abs(n - broken) <= 3 for n in publish.lines)
            found.error_reported.append(reported)
            if reported:
                found.error_ms.append((publish.received - client.spawned_at) * 1000)
            await client.shutdown()
        except BaseException:
            await client.kill()
            raise
    return found


async def run_editor(
    name: str,
    workdir: Path,
    source: GeneratedFile,
    edits: list[Edit],
    profile: str | None,
) -> Result:
    path = workdir / f"generated_{len(source.lines)}{source.suffix}"
    text = source.text
    path.write_text(text)
    uri = path.as_uri()
    argv = server_command(name, workdir, profile)
    client = LspClient(name, argv, workdir, workdir / f"{name}-{len(source.lines)}.stderr")
    client.watch_uri = uri
    await client.start()
    try:
        _, received = await client.request(
            "initialize", initialize_params(workdir, os.getpid()), INIT_TIMEOUT_S
        )
        init_ms = (received - client.spawned_at) * 1000
        await client.notify("initialized", {})
        # Let the server settle its post-initialized work (configuration, registrations)
        # the way an editor's user would take a moment before the first keystroke.
        await asyncio.sleep(0.5)
        client.drain_publishes()

        opened = await client.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": source.language,
                    "version": 1,
                    "text": text,
                }
            },
        )
        first = await client.wait_publish(None, OPEN_TIMEOUT_S, "didOpen")
        first_diag_ms = (first.received - opened) * 1000
        await asyncio.sleep(0.2)
        client.drain_publishes()

        latencies: list[float] = []
        rss_samples: list[int] = []
        watch = CpuWatch(client.pid)
        versioned = unversioned = stale = 0
        last_count = first.count
        version = 1
        for edit in edits:
            version += 1
            stale += len(client.drain_publishes())
            sent = await client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": edit.line, "character": edit.start},
                                "end": {"line": edit.line, "character": edit.end},
                            },
                            "text": edit.text,
                        }
                    ],
                },
            )
            publish = await client.wait_publish(version, EDIT_TIMEOUT_S, f"edit {version - 1}")
            latencies.append((publish.received - sent) * 1000)
            if publish.version is None:
                unversioned += 1
            else:
                versioned += 1
            last_count = publish.count
            rss_samples.append(rss_bytes(client.pid))

        other_cpu, steal, server_cpu = watch.stop()

        # Untimed sanity check: an unclosed bracket in the middle of a body must be reported
        # (proves the server tracks the edited text and really re-analyses it).
        mid = source.body_lines[len(source.body_lines) // 2]
        version += 1
        client.drain_publishes()
        await client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": mid, "character": 0},
                            "end": {"line": mid, "character": 0},
                        },
                        "text": "    broken = (1, \n",
                    }
                ],
            },
        )
        sanity = await client.wait_publish(version, EDIT_TIMEOUT_S, "sanity edit")
        sanity_line_ok = any(abs(line - mid) <= 2 for line in sanity.lines)

        hwm = hwm_bytes(client.pid)
        sampled = max(rss_samples, default=0)
        result = Result(
            server=name,
            lines=len(source.lines),
            file_bytes=len(text.encode()),
            edits=len(edits),
            init_ms=init_ms,
            first_diag_ms=first_diag_ms,
            first_diag_count=first.count,
            latencies_ms=latencies,
            p50_ms=percentile(latencies, 50),
            p95_ms=percentile(latencies, 95),
            max_ms=max(latencies),
            mean_ms=statistics.fmean(latencies),
            peak_rss_mb=max(hwm, sampled) / 2**20,
            hwm_mb=hwm / 2**20,
            sampled_rss_max_mb=sampled / 2**20,
            versioned_publishes=versioned,
            unversioned_publishes=unversioned,
            stale_publishes=stale,
            last_diag_count=last_count,
            sanity_reported=sanity.count > 0,
            sanity_line_ok=sanity_line_ok,
            server_requests=dict(client.server_requests),
            notifications=dict(client.notifications),
            profiled=bool(profile),
            other_cpu_cores=other_cpu,
            steal_cores=steal,
            server_cpu_cores=server_cpu,
            by_state=_by_state(latencies, edits),
            language=source.language,
        )
        await client.shutdown()
        return result
    except BaseException:
        await client.kill()
        raise


# --------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def format_table(results: list[Result]) -> str:
    head = (
        "server", "lines", "init ms", "init med", "start diag med", "1st diag ms",
        "p50 ms", "p95 ms", "max ms", "peak RSS MB", "bg cores",
    )  # fmt: skip
    rows: list[tuple[str, ...]] = [head]
    for r in results:
        rows.append(
            (
                r.server + (" (profiled)" if r.profiled else ""),
                f"{r.lines:,}",
                f"{r.init_ms:.0f}",
                f"{r.init_median_ms:.0f}" if r.init_bare_ms else "-",
                f"{r.start_diag_median_ms:.0f}" if r.start_diag_bare_ms else "-",
                f"{r.first_diag_ms:.1f}",
                f"{r.p50_ms:.2f}",
                f"{r.p95_ms:.2f}",
                f"{r.max_ms:.2f}",
                f"{r.peak_rss_mb:.1f}",
                f"{r.other_cpu_cores:.2f}",
            )
        )
    return _layout(rows)


def ratios(results: list[Result], a: str = "peer", b: str = "ruff") -> list[dict[str, Any]]:
    by = {(r.server, r.lines): r for r in results}
    out = []
    for (server, lines), r in by.items():
        other = by.get((b, lines))
        if server != a or other is None:
            continue
        out.append(
            {
                "lines": lines,
                "p50_ratio": r.p50_ms / other.p50_ms,
                "p95_ratio": r.p95_ms / other.p95_ms,
                "max_ratio": r.max_ms / other.max_ms,
                "p95_ratio_by_state": {
                    state: s["p95_ms"] / other.by_state[state]["p95_ms"]
                    for state, s in r.by_state.items()
                    if state in other.by_state
                },
            }
        )
    return out


def format_state_table(results: list[Result]) -> str:
    """Per server and size: p50/p95/max of the edits after which the file parses and of the
    others, the median spawn -> first diagnostics at start-up, and peak RSS."""
    head: tuple[str, ...] = ("server", "lines")
    for state in ("parses", "broken"):
        head += (f"{state} n", f"{state} p50", f"{state} p95", f"{state} max")
    head += ("start diag med", "peak RSS MB")
    rows: list[tuple[str, ...]] = [head]
    for r in results:
        row: tuple[str, ...] = (r.server, f"{r.lines:,}")
        for state in ("parses", "broken"):
            s = r.by_state.get(state)
            if s is None:
                row += ("0", "-", "-", "-")
            else:
                row += (
                    f"{s['count']:.0f}",
                    f"{s['p50_ms']:.2f}",
                    f"{s['p95_ms']:.2f}",
                    f"{s['max_ms']:.2f}",
                )
        row += (
            f"{r.start_diag_median_ms:.0f}" if r.start_diag_bare_ms else "-",
            f"{r.peak_rss_mb:.1f}",
        )
        rows.append(row)
    return _layout(rows)


def _layout(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        out.append("  ".join(cells))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


_PLUMBING = (
    # the event loop and the process's entry points, whose cumulative time is the whole run
    "asyncio/",
    "selectors.py",
    "threading.py",
    "concurrent/futures/",
    "<frozen runpy>",
    "cProfile.py",
    "<built-in method builtins.exec>",
    "<method 'poll' of 'select.epoll' objects>",
    "<method 'run' of '_contextvars.Context' objects>",
    "pygls/server.py",
    "pygls/io_.py",
    "peer_lsp/cli.py",
    "peer_lsp/__main__.py",
    # imports done lazily at the first didOpen: they are in the time to first diagnostics
    "<frozen importlib.",
)


def profile_summary(path: str, top: int = 15) -> str:
    """Top functions by cumulative time, without the event loop's and runner's frames."""
    stats = pstats.Stats(path)
    rows = []
    for func, (cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        filename, line, name = func
        label = f"{filename}:{line}({name})" if line else name
        if any(p in filename or p in label for p in _PLUMBING):
            continue
        if name == "<module>":
            continue
        rows.append((ct, tt, nc, cc, label))
    rows.sort(reverse=True)
    site = str(Path(sys.prefix) / "lib")
    lines = [f"{'cumtime s':>10} {'tottime s':>10} {'calls':>9}  function"]
    for ct, tt, nc, _cc, label in rows[:top]:
        short = label.replace(site + "/python3.11/site-packages/", "")
        short = short.replace(str(Path.cwd()) + "/", "")
        if "/peer-src/" in short:  # the snapshot's copy of peer_lsp
            short = short.split("/peer-src/", 1)[1]
        lines.append(f"{ct:10.3f} {tt:10.3f} {nc:9d}  {short}")
    return "\n".join(lines)


def describe(r: Result) -> str:
    states = "".join(
        f"; {state} after the edit ({s['count']:.0f}): p50 {s['p50_ms']:.2f}, "
        f"p95 {s['p95_ms']:.2f}, max {s['max_ms']:.2f} ms"
        for state, s in r.by_state.items()
        if len(r.by_state) > 1
    )
    return (
        f"{r.server} {r.lines:,} lines ({r.file_bytes / 1e6:.2f} MB): "
        f"p50 {r.p50_ms:.2f} ms, p95 {r.p95_ms:.2f} ms, max {r.max_ms:.2f} ms; "
        f"diagnostics at open {r.first_diag_count}, after replay {r.last_diag_count}; "
        f"publishes with version {r.versioned_publishes}, without {r.unversioned_publishes}; "
        f"sanity syntax error reported: {r.sanity_reported} (at the edited line: "
        f"{r.sanity_line_ok}); other processes used {r.other_cpu_cores:.2f} cores during "
        f"the replay, the server {r.server_cpu_cores:.2f}{states}"
    )


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


async def measure_inits(args: argparse.Namespace, workdir: Path) -> dict[str, StartUps]:
    """``measure_init`` for each server, each after waiting for a quiet machine."""
    init_runs: dict[str, StartUps] = {}
    if not args.init_runs:
        return init_runs
    for name in args.servers:
        if args.wait_idle:
            await wait_idle(args.wait_idle)
        found = await measure_init(name, workdir, args.init_runs, args.language)
        init_runs[name] = found
        print(
            f"{name} start-up, 1,000-line {args.language} file with a syntax error, "
            f"{args.init_runs} runs: spawn -> initialize response median "
            f"{statistics.median(found.init_ms):.0f} ms ("
            + ", ".join(f"{t:.0f}" for t in found.init_ms)
            + f"); spawn -> first diagnostics median {statistics.median(found.first_diag_ms):.0f}"
            " ms ("
            + ", ".join(f"{t:.0f}" for t in found.first_diag_ms)
            + "); the syntax error reported in "
            + f"{sum(found.error_reported)} of {len(found.error_reported)} runs"
            + (
                f", first at median {statistics.median(found.error_ms):.0f} ms"
                if found.error_ms and found.error_ms != found.first_diag_ms
                else ", in the first publish"
                if found.error_ms
                else ""
            )
        )
    return init_runs


async def main_async(args: argparse.Namespace) -> int:
    if psutil is None:
        print("psutil is missing: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    info = machine_info()
    skipped = [s for s in args.servers if args.language not in SERVER_LANGUAGES[s]]
    args.servers = [s for s in args.servers if s not in skipped]
    if skipped:
        print(f"{', '.join(skipped)} cannot serve {args.language}: measuring {args.servers} alone")
    if not args.servers:
        print("no server to measure", file=sys.stderr)
        return 2
    versions = {s: server_version(s) for s in args.servers}
    print(f"machine: {info['nproc']} cores, {info['cpu']}, Python {info['python']}, {info['date']}")
    print("servers: " + ", ".join(f"{s} {v}" for s, v in versions.items()))
    results: list[Result] = []
    profiles: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="peer-bench-") as tmp:
        workdir = Path(tmp).resolve()
        peer_src, peer_info = None, {}
        if "peer" in args.servers and not args.no_snapshot:
            peer_src, peer_info = snapshot_peer(workdir)
        _SERVER_ENV["env"] = server_env(workdir, args.as_is_env, peer_src)
        for name in args.servers:
            await warm_up(name, workdir, args.language)
        init_runs = await measure_inits(args, workdir)
        for n in args.lines:
            source = generate_source(args.language, n, args.seed)
            edits = plan_edits(source, args.edits, args.seed, args.edit_mode)
            for name in args.servers:
                profile = None
                if args.profile and name == "peer":
                    profile = args.profile if len(args.lines) == 1 else f"{args.profile}.{n}"
                    profiles[n] = profile
                idle = await wait_idle(args.wait_idle) if args.wait_idle else 0.0
                result = await run_editor(name, workdir, source, edits, profile)
                result.idle_before_cores = idle
                if name in init_runs:
                    _add_start_ups(result, init_runs[name])
                results.append(result)
                print(describe(result), flush=True)
                if args.keep_logs and name == "peer":
                    with contextlib.suppress(OSError):
                        shutil.copy(workdir / "peer-lsp.log", args.keep_logs)

    rat = report(args, results, skipped, profiles)
    if args.json:
        payload = {
            "command": " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
            "machine": info,
            "versions": versions,
            "edits": args.edits,
            "edit_mode": args.edit_mode,
            "language": args.language,
            "servers_skipped": skipped,
            "seed": args.seed,
            "peer_snapshot": peer_info,
            "server_env": "as is" if args.as_is_env else "bytecode cache (PYTHONPYCACHEPREFIX)",
            "results": [asdict(r) for r in results],
            "ratios": rat,
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0


def _add_start_ups(result: Result, found: StartUps) -> None:
    result.init_bare_ms, result.start_diag_bare_ms = found.init_ms, found.first_diag_ms
    result.init_median_ms = statistics.median(found.init_ms)
    result.start_diag_median_ms = statistics.median(found.first_diag_ms)
    result.start_error_bare_ms = found.error_ms
    result.start_error_reported = found.error_reported
    if found.error_ms:
        result.start_error_median_ms = statistics.median(found.error_ms)


def report(
    args: argparse.Namespace, results: list[Result], skipped: list[str], profiles: dict[int, str]
) -> list[dict[str, Any]]:
    """Print the tables and the peer/ruff ratios; returns the ratios."""
    print()
    print(format_table(results))
    print()
    print(
        "init ms: spawn -> initialize response in the measured run; init med: median of "
        f"{args.init_runs} bare start-ups; start diag med: their median spawn -> first "
        f"diagnostics of a 1,000-line {args.language} file with one syntax error (an unclosed "
        "list), opened as soon as initialize is answered. "
        "1st diag: didOpen (0.5 s after initialized) -> first publishDiagnostics. "
        f"p50/p95/max over {args.edits} didChange -> publishDiagnostics(version) round trips. "
        "Peak RSS: VmHWM of the server process tree. bg cores: CPU used by other processes "
        "during the replay (0 = quiet machine)."
    )
    print()
    print(format_state_table(results))
    print()
    print(
        "parses/broken: the edits after which the whole file parses, and the others "
        f"({'compile()' if args.language == 'python' else 'V8 through node'} decides); "
        "n: how many; p50/p95/max in ms."
    )
    if skipped:
        print(
            f"{', '.join(skipped)} cannot serve {args.language}: "
            + ", ".join(s for s in args.servers)
            + " measured alone, no ratio to ruff."
        )
    rat = ratios(results)
    for r in rat:
        by_state = "".join(
            f"; {state} p95 x{ratio:.2f}" for state, ratio in r["p95_ratio_by_state"].items()
        )
        print(
            f"peer/ruff at {r['lines']:,} lines: p50 x{r['p50_ratio']:.2f}, "
            f"p95 x{r['p95_ratio']:.2f}, max x{r['max_ratio']:.2f}{by_state} "
            "(issue 13 target: p95 x0.50 or less in each state)"
        )
    for n, path in profiles.items():
        print(f"\nprofile of peer at {n:,} lines ({path}), top 15 by cumulative time:")
        print(profile_summary(path))
    return rat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=None, help="default 10000")
    parser.add_argument("--edits", type=int, default=None, help="default 200")
    parser.add_argument(
        "--servers", nargs="+", default=["peer", "ruff"], choices=list(SERVER_LANGUAGES)
    )
    parser.add_argument(
        "--edit-mode",
        choices=("insert", "toggle", "typing"),
        default=None,
        help="insert (default for Python), toggle, or typing (default for JavaScript)",
    )
    parser.add_argument(
        "--language",
        choices=("python", "javascript"),
        default="python",
        help="the generated file's language; ruff serves Python only, so JavaScript runs peer",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="development preset: 120 typing edits, 1 start-up, idle wait 5 s (what is given "
        "explicitly stays)",
    )
    parser.add_argument(
        "--init-runs", type=int, default=None, help="bare start-ups per server (default 5)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--json", default=None, help="also write the results here")
    parser.add_argument(
        "--profile",
        default=None,
        metavar="PATH",
        help="run peer under cProfile and write its stats here (timings are then inflated)",
    )
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=None,
        metavar="SECONDS",
        help="before each measurement, wait up to this long for a quiet machine (0: never; "
        "default 300)",
    )
    parser.add_argument(
        "--as-is-env",
        action="store_true",
        help="start the servers with this environment untouched (no bytecode cache fix-up)",
    )
    parser.add_argument(
        "--no-snapshot",
        action="store_true",
        help="run peer_lsp from its installed place instead of a copy taken at start",
    )
    parser.add_argument("--keep-logs", default=None, metavar="PATH", help="copy peer's log here")
    args = parser.parse_args(argv)
    # --quick changes the defaults only: what is given on the command line stays
    quick = args.quick
    args.lines = args.lines or [10_000]
    args.edits = args.edits if args.edits is not None else (120 if quick else 200)
    args.init_runs = args.init_runs if args.init_runs is not None else (1 if quick else 5)
    args.wait_idle = args.wait_idle if args.wait_idle is not None else (5.0 if quick else 300.0)
    if quick and args.edit_mode is None:
        args.edit_mode = "typing"
    if args.edit_mode is None:
        args.edit_mode = "insert" if args.language == "python" else "typing"
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
