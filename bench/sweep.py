"""Real-code sweep: the engine over thousands of real files, each file in a child process.

    python bench/sweep.py [ROOT ...] [--workers 2] [--timeout 60] [--max-per-language N]
                          [--keystrokes 12] [--no-replay] [--json out.json] [--list-bad]

ROOTs default to the folders in $PEER_SWEEP_DIR (~/.cache/peer-sweep), which .ci/corpora fills
with code that compiles: the Python standard library, Go's, the JDK's sources, libc and kernel
headers, Rust crates from Debian, and npm packages. Every file whose grammar has a units query
is swept, except folders that hold code invalid on purpose (``testdata``) or third-party code
of the running interpreter (``site-packages``); a Python file counts as compiling only when
``compile()`` accepts it.

For each file a worker process does what the two front doors do:

1. `peer check`: `analyse_text` with the default settings;
2. the editor: `Engine.open`, then an edit replay through `Engine.change`: delete a unit's
   body, insert it again in chunks, type one of its lines key by key, a batch of two
   changes, and a full-document change. After an edit the document's text, units and
   findings must equal those of a fresh `Engine.open` of the same text (a state equal to the
   opening text is compared with the open, for free). With the default ``syntaxErrors``
   policy a language may show only the syntax errors an edit introduced: then the shown ones
   must be among the fresh document's, and none may be left once the text is back.

The parent hands a worker one file at a time and waits for its answer at most ``--timeout``
seconds: a worker that dies (a segfault in a grammar) names its file as a crash, one that does
not answer in time names it as a hang; either way the worker is replaced and the sweep goes
on. It prints per language: files, kB, files/s, files with grammar errors on compiling code
(the rate the syntax policy is set from), default syntax findings, crashes, hangs and replay
mismatches. It exits 1 when any crash, hang, mismatch or default syntax finding on a
compiling file was found.
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = frozenset({"testdata", "site-packages", "dist-packages", "__pycache__", ".git"})
"""Folders of code that is invalid on purpose (Go's ``testdata``) or not the corpus's own."""

DEFAULT_DIR = Path(os.environ.get("PEER_SWEEP_DIR") or Path.home() / ".cache" / "peer-sweep")


# ---------------------------------------------------------------- the parent: files and workers


def corpus_roots(folder: Path) -> list[Path]:
    """The corpora .ci/corpora installed: each entry of ``folder`` (symlinks followed)."""
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.endswith(".tmp"))


def collect(roots: list[Path], max_per_language: int = 0) -> list[tuple[str, str]]:
    """(path, grammar) of every file to sweep, sorted; at most ``max_per_language`` files of
    one grammar, spread evenly over its sorted list."""
    from peer_lsp.syntax.languages import language_for_path
    from peer_lsp.syntax.unit_extract import units_query

    by_language: dict[str, list[str]] = defaultdict(list)
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            for name in files:
                path = os.path.join(folder, name)
                grammar = language_for_path(path)
                if grammar and units_query(grammar) is not None and os.path.isfile(path):
                    by_language[grammar].append(path)
    chosen: list[tuple[str, str]] = []
    for grammar, paths in sorted(by_language.items()):
        paths.sort()
        picked = paths
        if max_per_language and len(paths) > max_per_language:
            step = len(paths) / max_per_language
            picked = [paths[int(i * step)] for i in range(max_per_language)]
        chosen.extend((path, grammar) for path in picked)
    return chosen


@dataclass
class Outcome:
    """What one file did: the worker's answer, or a crash or hang the parent saw."""

    path: str
    language: str
    status: str = "ok"  # ok | crash | hang | error
    bytes: int = 0
    seconds: float = 0.0
    compiles: bool = True
    grammar_errors: int = 0
    default_syntax: int = 0
    replayed: bool = False
    mismatches: list[str] = field(default_factory=list)
    compared: int = 0
    divergent: int = 0
    detail: str = ""


class Worker:
    """One child process that sweeps the files it is sent, one JSON line per file."""

    def __init__(self, command: list[str], log_dir: Path, number: int) -> None:
        self.log = log_dir / f"worker-{number}.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=ROOT,
            )
        self.buffer = b""
        self.task: tuple[str, str] | None = None
        self.deadline = 0.0

    def send(self, task: tuple[str, str], timeout: float) -> None:
        assert self.process.stdin is not None
        self.task = task
        self.deadline = time.monotonic() + timeout
        self.process.stdin.write(json.dumps(task).encode() + b"\n")
        self.process.stdin.flush()

    def read(self) -> dict[str, Any] | None:
        """The answer, once a whole line has arrived; None until then. EOFError: it died."""
        assert self.process.stdout is not None
        chunk = os.read(self.process.stdout.fileno(), 1 << 16)
        if not chunk:
            raise EOFError
        self.buffer += chunk
        if b"\n" not in self.buffer:
            return None
        line, self.buffer = self.buffer.split(b"\n", 1)
        answer: dict[str, Any] = json.loads(line)
        return answer

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.kill()
        return self.process.wait()

    def last_log_lines(self, count: int = 6) -> str:
        lines = self.log.read_text(errors="replace").splitlines()
        return " | ".join(line.strip() for line in lines[-count:])


class Pool:
    """Workers fed one file at a time; a dead or silent worker is replaced, its file named."""

    def __init__(self, files: list[tuple[str, str]], timeout: float, command: list[str]) -> None:
        self.pending = list(reversed(files))
        self.timeout = timeout
        self.command = command
        self.selector = selectors.DefaultSelector()
        self.log_dir = Path(tempfile.mkdtemp(prefix="peer-sweep-logs-"))
        self.busy: list[Worker] = []
        self.started = 0
        self.outcomes: list[Outcome] = []

    def run(self, workers: int) -> list[Outcome]:
        for _ in range(workers):
            self._start()
        while self.busy:
            wait = max(0.0, min(w.deadline for w in self.busy) - time.monotonic())
            for key, _ in self.selector.select(timeout=wait):
                self._answer(key.data)
            for worker in [w for w in self.busy if time.monotonic() > w.deadline]:
                self._replace(worker, "hang", f"no answer in {self.timeout} s")
        for key in list(self.selector.get_map().values()):
            self._retire(key.data)
        shutil.rmtree(self.log_dir, ignore_errors=True)
        return self.outcomes

    def _start(self) -> None:
        if not self.pending:
            return
        self.started += 1
        worker = Worker(self.command, self.log_dir, self.started)
        assert worker.process.stdout is not None
        self.selector.register(worker.process.stdout, selectors.EVENT_READ, worker)
        self.busy.append(worker)
        worker.send(self.pending.pop(), self.timeout)

    def _answer(self, worker: Worker) -> None:
        try:
            answer = worker.read()
        except EOFError:
            code = worker.stop()
            self._replace(worker, "crash", f"exit {code}: {worker.last_log_lines()}")
            return
        if answer is None:
            return
        self.outcomes.append(Outcome(**answer))
        if self.pending:
            worker.send(self.pending.pop(), self.timeout)
        else:
            self._retire(worker)

    def _replace(self, worker: Worker, status: str, detail: str) -> None:
        """Record the worker's file as a crash or hang, and start a fresh worker."""
        assert worker.task is not None
        path, language = worker.task
        self.outcomes.append(Outcome(path, language, status, detail=detail))
        worker.stop()
        self._retire(worker)
        self._start()

    def _retire(self, worker: Worker) -> None:
        assert worker.process.stdout is not None
        assert worker.process.stdin is not None
        self.selector.unregister(worker.process.stdout)
        if worker in self.busy:
            self.busy.remove(worker)
        worker.process.stdin.close()
        worker.process.wait()


def sweep(
    files: list[tuple[str, str]], workers: int, timeout: float, options: list[str]
) -> list[Outcome]:
    """Every file through ``workers`` child processes."""
    command = [sys.executable, "-X", "faulthandler", __file__, "--worker", *options]
    return Pool(files, timeout, command).run(workers)


# ---------------------------------------------------------------- the report


@dataclass
class LanguageFigures:
    """One language's totals."""

    files: int = 0
    kilobytes: float = 0.0
    seconds: float = 0.0
    compiling: int = 0
    grammar_error_files: int = 0
    grammar_errors: int = 0
    default_syntax_files: int = 0
    crashes: int = 0
    hangs: int = 0
    mismatched_files: int = 0
    replayed: int = 0
    compared: int = 0
    divergent: int = 0

    @property
    def error_rate(self) -> float:
        """Share of compiling files on which the grammar reports a syntax error."""
        return self.grammar_error_files / self.compiling if self.compiling else 0.0


def figures(outcomes: list[Outcome]) -> dict[str, LanguageFigures]:
    table: dict[str, LanguageFigures] = defaultdict(LanguageFigures)
    for outcome in outcomes:
        row = table[outcome.language]
        row.files += 1
        row.kilobytes += outcome.bytes / 1000
        row.seconds += outcome.seconds
        row.crashes += outcome.status == "crash"
        row.hangs += outcome.status == "hang"
        if outcome.status != "ok":
            continue
        row.mismatched_files += bool(outcome.mismatches)
        row.replayed += outcome.replayed
        row.compared += outcome.compared
        row.divergent += outcome.divergent
        if outcome.compiles:
            row.compiling += 1
            row.grammar_error_files += outcome.grammar_errors > 0
            row.grammar_errors += outcome.grammar_errors
            row.default_syntax_files += outcome.default_syntax > 0
    return dict(sorted(table.items()))


def problems(outcomes: list[Outcome]) -> list[str]:
    """One line per file that failed the sweep: crash, hang, error, mismatch, or a default
    syntax finding on code that compiles."""
    lines = []
    for o in sorted(outcomes, key=lambda o: o.path):
        if o.status != "ok":
            lines.append(f"{o.status}: {o.path} ({o.language}): {o.detail}")
        for mismatch in o.mismatches:
            lines.append(f"lost: {o.path} ({o.language}): {mismatch}")
        if o.status == "ok" and o.compiles and o.default_syntax:
            lines.append(f"syntax: {o.path} ({o.language}): {o.default_syntax} by default")
    return lines


def render(table: dict[str, LanguageFigures], wall: float) -> str:
    """The figures as a Markdown table (docs/benchmarks.md) and a summary line."""
    rows = [
        "| language | files | kB | files/s (1 core) | grammar errors on compiling files "
        "| default syntax findings | crashes | hangs | files replayed | states compared "
        "(divergent trees) | files with replay mismatches |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    total = LanguageFigures()
    for language, row in table.items():
        rate = row.files / row.seconds if row.seconds else 0.0
        rows.append(
            f"| {language} | {row.files:,} | {row.kilobytes:,.0f} | {rate:,.0f} "
            f"| {row.grammar_error_files:,} of {row.compiling:,} ({row.error_rate:.1%}), "
            f"{row.grammar_errors:,} errors | {row.default_syntax_files} | {row.crashes} "
            f"| {row.hangs} | {row.replayed:,} | {row.compared:,} ({row.divergent:,}) "
            f"| {row.mismatched_files} |"
        )
        for name in (
            "files",
            "kilobytes",
            "seconds",
            "crashes",
            "hangs",
            "mismatched_files",
            "replayed",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    rows.append(
        f"\n{total.files:,} files, {len(table)} languages, {total.kilobytes / 1000:,.1f} MB in "
        f"{wall:.0f} s wall ({total.files / wall if wall else 0:,.0f} files/s); "
        f"{total.replayed:,} replayed; {total.crashes} crashes, {total.hangs} hangs, "
        f"{total.mismatched_files} files with replay mismatches"
    )
    return "\n".join(rows)


# ---------------------------------------------------------------- the worker


def run_worker(args: argparse.Namespace) -> int:
    """Sweep the files named on stdin, one JSON answer line each on stdout."""
    sys.path.insert(0, str(ROOT / "bench"))
    from sweep_replay import sweep_file

    for line in sys.stdin:
        path, language = json.loads(line)
        began = time.process_time()
        try:
            answer = sweep_file(path, language, args.replay, args.keystrokes, args.fresh_compares)
        except Exception as error:  # a Python error is a finding: named, then on to the next
            answer = {"status": "error", "detail": f"{type(error).__name__}: {error}"}
        answer.update(path=path, language=language, seconds=time.process_time() - began)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="*", type=Path, help=f"default: folders in {DEFAULT_DIR}")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per file")
    parser.add_argument("--max-per-language", type=int, default=0, help="0: every file")
    parser.add_argument("--keystrokes", type=int, default=4, help="keys typed one by one")
    parser.add_argument(
        "--fresh-compares",
        type=int,
        default=2,
        help="edited states per file compared with "
        "a fresh open, besides every return to the opening text (free)",
    )
    parser.add_argument("--no-replay", dest="replay", action="store_false")
    parser.add_argument("--json", type=Path, help="write the figures and problems here")
    parser.add_argument("--list-bad", action="store_true", help="print every failed file")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return run_worker(args)
    roots = args.roots or (corpus_roots(DEFAULT_DIR) if DEFAULT_DIR.is_dir() else [])
    if not roots:
        print(f"no corpora: run .ci/corpora (fills {DEFAULT_DIR}) or name folders", file=sys.stderr)
        return 2
    files = collect(roots, args.max_per_language)
    options = [f"--keystrokes={args.keystrokes}", f"--fresh-compares={args.fresh_compares}"]
    options += [] if args.replay else ["--no-replay"]
    began = time.monotonic()
    outcomes = sweep(files, args.workers, args.timeout, options)
    wall = time.monotonic() - began
    table = figures(outcomes)
    bad = problems(outcomes)
    print(render(table, wall))
    for line in bad if args.list_bad else bad[:40]:
        print(line)
    if len(bad) > 40 and not args.list_bad:
        print(f"... and {len(bad) - 40} more (--list-bad)")
    if args.json:
        report = {
            "wall_seconds": wall,
            "languages": {k: asdict(v) | {"error_rate": v.error_rate} for k, v in table.items()},
            "problems": bad,
            "statuses": Counter(o.status for o in outcomes),
        }
        args.json.write_text(json.dumps(report, indent=2))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
