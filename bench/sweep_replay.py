"""One file of the real-code sweep (bench/sweep.py): check it, open it, replay edits on it.

Runs inside a sweep worker process. `sweep_file` returns the worker's answer for one file:
its size, whether it compiles (Python only: ``compile()``; the other corpora compile by
construction), how many syntax errors the grammar reports on it, how many syntax findings
the default settings show (in `peer check` and at open in the editor), and every way the
edited document differed from a fresh open of the same text.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import re
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from peer_lsp.analysis.engine import Engine
from peer_lsp.analysis.syntax_findings import SyntaxMode, syntax_findings
from peer_lsp.documents.store import Document, TextChange
from peer_lsp.findings.model import Category, Finding
from peer_lsp.syntax.unit import UnitKind
from peer_lsp.syntax.unit_index import UnitIndex

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
REPLAY_MAX_BYTES = 100_000
"""Larger files are checked and opened, but not replayed (each step reparses them whole)."""


def lsp_lines(text: str) -> list[str]:
    """The document's lines as LSP counts them (CRLF, CR or LF), each with its ending."""
    lines = [m.group() for m in _LINE.finditer(text)]
    if lines and lines[-1] == "":
        lines.pop()
    return lines or [""]


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def end_position(start: tuple[int, int], inserted: str) -> tuple[int, int]:
    """Where the cursor is after typing ``inserted`` at ``start`` (UTF-16 columns)."""
    parts = lsp_lines(inserted)
    if len(parts) == 1 and not parts[0].endswith(("\n", "\r")):
        return start[0], start[1] + utf16(inserted)
    last = "" if inserted.endswith(("\n", "\r")) else parts[-1]
    breaks = len(parts) - (0 if inserted.endswith(("\n", "\r")) else 1)
    return start[0] + breaks, utf16(last)


def _finding_key(finding: Finding) -> tuple[object, ...]:
    span = finding.span
    return (
        finding.rule_id,
        span.start_byte,
        span.end_byte,
        span.start_line,
        span.end_line,
        finding.message,
        finding.severity,
        finding.fingerprint,
        finding.unit_hash,
    )


class StopReplay(Exception):
    """An edit raised: the document is in no state to go on with."""


@dataclass
class State:
    """What a document is: text, units, findings (syntax apart: the policy may hide some)."""

    data: bytes
    units: list[tuple[object, ...]]
    findings: list[tuple[object, ...]]
    syntax: list[tuple[object, ...]]
    raw_syntax: set[str]
    raw_count: int


def state_of(engine: Engine, uri: str) -> State:
    document = engine.documents.get(uri)
    assert document is not None
    found = engine.findings(uri)
    raw = syntax_findings(document, 1_000)
    return State(
        document.data,
        [u.state() for u in document.units],
        [_finding_key(f) for f in found if f.category is not Category.SYNTAX],
        [_finding_key(f) for f in found if f.category is Category.SYNTAX],
        {f.fingerprint for f in raw},
        len(raw),
    )


def differences(step: str, mode: SyntaxMode, got: State, want: State) -> list[str]:
    """How the edited document ``got`` differs from a fresh open ``want`` of its text."""
    if got.data != want.data:
        return [f"{step}: text differs"]
    lost = []
    if got.units != want.units:
        lost.append(f"{step}: units differ: {_first_difference(got.units, want.units)}")
    if got.findings != want.findings:
        lost.append(f"{step}: findings differ: {_first_difference(got.findings, want.findings)}")
    if mode is SyntaxMode.ALL and got.syntax != want.syntax:
        lost.append(f"{step}: syntax findings differ: {_first_difference(got.syntax, want.syntax)}")
    if mode is SyntaxMode.INTRODUCED:
        stale = {str(s[7]) for s in got.syntax} - got.raw_syntax
        if stale:
            lost.append(f"{step}: {len(stale)} syntax findings shown that no longer exist")
        if got.raw_syntax != want.raw_syntax:
            lost.append(f"{step}: the tree's syntax errors differ from a fresh parse")
    return lost


def _first_difference(got: list[tuple[object, ...]], want: list[tuple[object, ...]]) -> str:
    for index, (mine, theirs) in enumerate(zip(got, want, strict=False)):
        if mine != theirs:
            return f"#{index}: edited {mine!r:.200} vs fresh {theirs!r:.200}"
    return f"edited has {len(got)}, fresh has {len(want)}"


class Replay:
    """Edits through one engine as an editor sends them, compared with fresh opens.

    A state whose text equals the opening text is compared with the open, which costs
    nothing; other states only at the steps in ``compare_at``, each costing a fresh open.
    Where tree-sitter's incremental tree differs from a fresh parse of the same text (error
    recovery may differ between the two, by tree-sitter's design), the units are compared
    with units cut afresh from the document's own tree instead; such steps are counted as
    ``divergent``.
    """

    def __init__(self, uri: str, text: str) -> None:
        self.uri = uri
        self.engine = Engine()
        self.engine.open(uri, text, version=0)
        self.opened = state_of(self.engine, uri)
        self.opened_errors = self.opened.raw_count
        # The document's own mode: a language trusted in full is shown as INTRODUCED where its
        # own parser accepted the opening text (docs/syntax.md).
        self.mode = self.engine.syntax.mode_of(self.document, self.engine.settings.syntax_errors)
        self.version = 0
        self.compared = 0
        self.divergent = 0
        self.lost: list[str] = []

    @property
    def document(self) -> Document:
        document = self.engine.documents.get(self.uri)
        assert document is not None
        return document

    def change(self, step: str, changes: list[TextChange], compare: bool) -> None:
        """Send one didChange and compare; an exception ends the replay, named by its step."""
        self.version += 1
        try:
            self.engine.change(self.uri, changes, self.version)
        except Exception as error:
            self.lost.append(f"{step}: raised {type(error).__name__}: {error}")
            raise StopReplay from error
        if self.document.data == self.opened.data:
            got = state_of(self.engine, self.uri)
            if self.mode is SyntaxMode.INTRODUCED and got.syntax:
                self.lost.append(f"{step}: back at the opening text, syntax findings remain")
            self._compare(step, got, self.opened, None)
        elif compare:
            fresh = Engine()
            fresh.open(self.uri, self.document.text)
            self._compare(step, state_of(self.engine, self.uri), state_of(fresh, self.uri), fresh)

    def _compare(self, step: str, got: State, want: State, fresh: Engine | None) -> None:
        self.compared += 1
        lost = differences(step, self.mode, got, want)
        if not lost:
            return
        if fresh is None:
            fresh = Engine()
            fresh.open(self.uri, self.document.text)
        fresh_document = fresh.documents.get(self.uri)
        mine, theirs = self.document.tree, fresh_document.tree if fresh_document else None
        if mine is not None and theirs is not None and str(mine.root_node) != str(theirs.root_node):
            self.divergent += 1
            own = UnitIndex(
                self.document.grammar or "text", self.document.unit_index.max_chunk_lines
            )
            own.rebuild(mine, self.document.data, self.document.lines)
            cut = [u.state() for u in own.units]
            lost = []
            if cut != got.units:
                difference = _first_difference(got.units, cut)
                lost = [f"{step}: units differ from a cut of the same tree: {difference}"]
        self.lost.extend(lost)


def _target_lines(document: Document, line_count: int) -> tuple[int, int]:
    """The lines [first, last) of a middle function's body (else of a middle unit)."""
    units = [u for u in document.units if u.kind in (UnitKind.FUNCTION, UnitKind.METHOD)]
    units = units or document.units
    if not units:
        return 0, line_count
    unit = units[len(units) // 2]
    first, last = unit.start_line, unit.end_line
    return (first + 1, last + 1) if last > first else (first, last + 1)


Step = tuple[str, list[TextChange]]


def edits(document: Document, text: str, keystrokes: int) -> list[Step]:
    """The didChanges of the replay, in order; the text is the opening text again after the
    last chunk, after the last key and after the full-document change."""
    lines = lsp_lines(text)
    first, last = _target_lines(document, len(lines))
    first, last = min(first, len(lines) - 1), min(max(last, first + 1), len(lines))
    body = "".join(lines[first:last])
    end = (last, 0) if last < len(lines) else (last - 1, utf16(lines[-1]))
    if end == (first, 0) or not body:
        return []
    # 1. delete the body, then type it back in three chunks
    steps: list[Step] = [("delete body", [TextChange("", (first, 0, *end))])]
    cursor = (first, 0)
    cuts = sorted({0, len(body) // 3, 2 * len(body) // 3, len(body)})
    for index, (low, high) in enumerate(itertools.pairwise(cuts)):
        steps.append(
            (f"insert chunk {index + 1}", [TextChange(body[low:high], (*cursor, *cursor))])
        )
        cursor = end_position(cursor, body[low:high])
    # 2. empty one line of the body and type it again key by key
    line = next((i for i in range(first, last) if lines[i].strip()), first)
    content = lines[line].rstrip("\r\n")
    steps.append(("empty a line", [TextChange("", (line, 0, line, utf16(content)))]))
    cursor, typed = (line, 0), 0
    while typed < len(content):
        chunk = content[typed:] if typed + 1 >= keystrokes else content[typed]
        steps.append((f"type key {typed + 1}", [TextChange(chunk, (*cursor, *cursor))]))
        cursor = end_position(cursor, chunk)
        typed += len(chunk)
    # 3. two changes in one batch (each after the one before), then the whole text at once
    top, bottom = len(lines) // 3, 2 * len(lines) // 3
    if top < bottom < len(lines) - 1:
        batch = [TextChange("", (bottom, 0, bottom + 1, 0)), TextChange("", (top, 0, top + 1, 0))]
        steps.append(("batch of two deletions", batch))
    steps.append(("full-document change", [TextChange(text)]))
    return steps


def replay(run: Replay, text: str, keystrokes: int, fresh_compares: int) -> None:
    """Send the edits; ``fresh_compares`` states other than the opening text, picked by a
    seed of the file's name, are compared with a fresh open."""
    steps = edits(run.document, text, keystrokes)
    picks = random.Random(run.uri).sample(range(len(steps)), min(fresh_compares, len(steps)))
    with contextlib.suppress(StopReplay):
        for index, (name, changes) in enumerate(steps):
            run.change(name, changes, index in picks)


def compiles(path: str, text: str, language: str, grammar_errors: int) -> bool:
    """Whether the file is valid code. Python asks ``compile()``; JavaScript the grammar
    rejects asks ``node --check`` (a template named .js is not JavaScript); the other
    corpora compile with their toolchains by construction (.ci/corpora)."""
    if language == "javascript" and grammar_errors and shutil.which("node"):
        checked = subprocess.run(["node", "--check", path], capture_output=True, check=False)
        return checked.returncode == 0
    if language != "python":
        return True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def sweep_file(
    path: str, language: str, with_edits: bool = True, keystrokes: int = 4, fresh_compares: int = 1
) -> dict[str, object]:
    """The worker's answer for one file (see the module docstring)."""
    text = Path(path).read_bytes().decode("utf-8", "replace")
    uri = Path(path).resolve().as_uri()
    run = Replay(uri, text)  # as the editor opens it; `peer check` does the same (analyse_text)
    replayed = with_edits and len(run.document.data) <= REPLAY_MAX_BYTES
    if replayed:
        replay(run, text, keystrokes, fresh_compares)
    return {
        "bytes": len(run.opened.data),
        "compiles": compiles(path, text, language, run.opened_errors),
        "grammar_errors": run.opened_errors,
        "default_syntax": len(run.opened.syntax),
        "replayed": replayed,
        "mismatches": run.lost,
        "compared": run.compared,
        "divergent": run.divergent,
    }
