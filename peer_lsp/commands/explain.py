"""`peer explain FILE:LINE`: the findings on one line, explained, as readable text.

The unit at the line (the smallest function, method or class holding it, as the editor's
"review now" picks it) is reviewed as `peer check` would review it; an answer already in the
model-answer cache (from the editor or an earlier `peer check`) is used as is, so asking
costs nothing when the code did not change. Asked for, it is reviewed also in a file that
`peer check` leaves to local findings (generated, vendored, ...: `peer_lsp.review.worth`).
Then every finding on that line is printed: the `peer check` line, its category, confidence
and source, the model's explanation, and the verified fix as removed and added lines.
Without a provider only local findings are shown (and the run says so once, as `peer check`
does).

With a provider (and without ``--no-model``), each finding is then explained by the model
(task ``explain``, `peer_lsp.review.explain`): its answer is printed under the finding as it
arrives, flushed piece by piece, and cached like a review, so asking again about the same
finding in the same code prints the same answer at once and sends nothing. A failed
explanation is said on stderr and leaves the exit code alone (the finding was shown).
Ctrl-C stops the answer (the provider's stream is closed) and exits with 130.

``FILE:LINE:COLUMN`` is accepted too (the column is ignored), so a line of `peer check`
output can be pasted. Exit codes: 0 when the line was explained, findings or not; 2 when the
target is not ``FILE:LINE``, the file does not exist or cannot be analysed, the line is past
its end, or the settings are rejected; 3, as `peer check`, when the configured model could not
review the unit (the local findings are still printed, and the "no findings" line says the
review failed rather than that there is nothing; ``--allow-unreviewed``: 0).
"""

from __future__ import annotations

import difflib
import functools
import sys
import typing
from dataclasses import dataclass
from pathlib import Path

from peer_lsp.check.extra_rules import load_for_run
from peer_lsp.check.headless import HeadlessReviewer, ProviderSetupError, model_path
from peer_lsp.check.report import format_finding, locate
from peer_lsp.commands.exits import EXIT_INTERRUPTED, EXIT_OK
from peer_lsp.commands.fix import apply_edits, not_reviewed_exit
from peer_lsp.commands.output import quiet_broken_pipe, use_color
from peer_lsp.commands.run_setup import (
    UsageError,
    configure_logging,
    load_check_settings,
    usage_error,
)
from peer_lsp.commands.source_files import file_uri, read_source, shown_path
from peer_lsp.text.lines import LineIndex

if typing.TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator, Sequence
    from typing import TextIO

    from peer_lsp.check.headless import Analysis
    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.settings.model import Settings
    from peer_lsp.syntax.unit import Unit

PROG = "peer explain"
INDENT = "    "


@dataclass(frozen=True, slots=True)
class Target:
    """A file and a 1-based line in it."""

    path: Path
    line: int


def parse_target(text: str) -> Target:
    """``FILE:LINE`` (or ``FILE:LINE:COLUMN``) → the target; `UsageError` otherwise."""
    head, colon, last = text.rpartition(":")
    if not colon or not head or not last.isdigit() or int(last) < 1:
        raise UsageError([f"expected FILE:LINE with a line from 1, got {text!r}"])
    file, colon, middle = head.rpartition(":")
    if colon and file and middle.isdigit() and not Path(head).exists() and Path(file).exists():
        head, last = file, middle  # FILE:LINE:COLUMN
        if int(last) < 1:
            raise UsageError([f"expected FILE:LINE with a line from 1, got {text!r}"])
    return Target(Path(head), int(last))


@dataclass(frozen=True, slots=True)
class TargetFile:
    """The file a ``FILE:LINE`` names, read: its settings, where they apply from, the path
    as shown, and its text."""

    target: Target
    settings: Settings
    base: Path
    shown: str
    text: str


def read_target(args: argparse.Namespace, prog: str) -> TargetFile:
    """Parse ``args.target``, load the settings that apply to it and read it; `UsageError`
    when it is not ``FILE:LINE``, is missing or unreadable, or its line is past its end."""
    target = parse_target(args.target)
    if not target.path.is_file():
        raise UsageError([f"no such file: {target.path}"])
    configure_logging(args)
    settings, base = load_check_settings(args.config, target.path)
    shown = shown_path(target.path, Path.cwd())
    text = read_source(target.path, shown, settings, prog)
    if text is None:
        raise UsageError([f"{shown} cannot be analysed (binary, not UTF-8, too large?)"])
    if target.line > line_count(text):
        raise UsageError([f"{shown} has {line_count(text)} lines, not {target.line}"])
    return TargetFile(target, settings, base, shown, text)


def line_count(text: str) -> int:
    """Lines of ``text`` as an editor numbers them (a final line break opens no new line)."""
    index = LineIndex(text.encode("utf-8"))
    ends_with_break = text.endswith(("\n", "\r"))
    return max(index.line_count - (1 if ends_with_break else 0), 1)


def unit_at(document: Document, line: int) -> list[Unit]:
    """The smallest unit holding the 0-based ``line``, as a list (empty when none does)."""
    unit = document.unit_at(line)
    return [unit] if unit is not None else []


def on_line(finding: Finding, line: int, document: Document) -> bool:
    """Whether ``finding`` covers the 0-based ``line`` (an end at a line's start does not)."""
    span = finding.span
    if not span.start_line <= line <= span.end_line:
        return False
    at_start = span.end_byte == document.lines.line_start(line)
    return line == span.start_line or not at_start


def run_explain(args: argparse.Namespace) -> int:
    """Run `peer explain` for parsed arguments; return the exit code."""
    try:
        return quiet_broken_pipe(functools.partial(_run, args))
    except KeyboardInterrupt:  # the model's answer stopped, its stream closed; no traceback
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(args: argparse.Namespace) -> int:
    try:
        read = read_target(args, PROG)
        target = read.target
        use_model = not args.no_model
        with HeadlessReviewer(  # asked about this line: reviewed whether worth it or not
            read.settings, root=read.base, prog=PROG, use_model=use_model, every_file=True
        ) as rv:
            load_for_run(rv.engine, target.path, read.settings.plugins, PROG)
            select = functools.partial(unit_at, line=target.line - 1)
            path = model_path(target.path, rv.root)
            analysis = rv.analyse(file_uri(target.path), read.text, path, select)
            failed = bool(rv.unreviewed)
            _explain(rv, analysis, path, read.shown, target.line - 1, failed)
            return not_reviewed_exit(rv, args.allow_unreviewed, EXIT_OK)
    except (UsageError, ProviderSetupError) as error:
        return usage_error(error.messages, PROG)


def _explain(
    rv: HeadlessReviewer, analysis: Analysis, path: str, shown: str, line: int, failed: bool
) -> None:
    out = sys.stdout
    document = analysis.document
    found = [f for f in analysis.findings if on_line(f, line, document)]
    if not found:
        what = "the model's review failed: local findings only" if failed else None
        what = what or _what(analysis, rv.uses_model)
        print(f"{shown}:{line + 1}: no findings on this line ({what})")
        return
    color = use_color(out)
    for number, finding in enumerate(found):
        if number:
            print(file=out)
        item = locate(shown, document.data, document.lines, finding)
        print(format_finding(item, color), file=out)
        for text in _details(finding, document):
            print(f"{INDENT}{text}" if text else "", file=out)
        if rv.uses_model:
            _ask_model(rv, finding, document, path, out)


def _ask_model(
    rv: HeadlessReviewer, finding: Finding, document: Document, path: str, out: TextIO
) -> None:
    """The model's explanation of ``finding``, printed under it as it arrives."""
    from peer_lsp.llm.errors import LLMError
    from peer_lsp.review.explain import unit_of
    from peer_lsp.review.prompt.request import PromptBudgetError

    if unit_of(document, finding) is None:
        return  # outside every function and class: nothing to show the model
    printer = IndentedText(out, INDENT)
    print(file=out)
    print(f"{INDENT}The model's explanation:", file=out)
    print(file=out, flush=True)
    try:
        explained = rv.explain(finding, document, path, printer)
    except (LLMError, PromptBudgetError) as error:
        printer.end()
        print(f"{INDENT}(no explanation)", file=out, flush=True)
        print(f"{PROG}: no explanation from the model: {error}", file=sys.stderr)
        return
    printer.end()
    if explained is None:
        return
    cached = ", from the cache" if explained.cached else ""
    print(f"\n{INDENT}({explained.model}{cached})", file=out, flush=True)


class IndentedText:
    """A `TextListener` printing the model's text as it arrives, each line indented, flushed
    per piece; a restart (a retry, another provider) is said, and the answer printed again."""

    def __init__(self, out: TextIO, indent: str) -> None:
        self.out = out
        self.indent = indent
        self._at_line_start = True
        self.printed = False

    def on_text(self, delta: str) -> None:
        if not delta:
            return
        pieces: list[str] = []
        lines = delta.split("\n")
        for number, part in enumerate(lines):
            if part.strip("\r"):
                pieces += [self.indent, part] if self._at_line_start else [part]
                self._at_line_start = False
            elif part:
                pieces.append(part)
            if number < len(lines) - 1:
                pieces.append("\n")
                self._at_line_start = True
        self.out.write("".join(pieces))
        self.out.flush()
        self.printed = True

    def on_restart(self) -> None:
        if self.printed:
            self.end()
            self.out.write(f"{self.indent}(the answer started over)\n\n")
            self.out.flush()

    def end(self) -> None:
        """Finish the line the answer left open."""
        if not self._at_line_start:
            self.out.write("\n")
            self._at_line_start = True
        self.out.flush()


def _what(analysis: Analysis, reviewing: bool) -> str:
    """What was looked at, for the "no findings" line."""
    if not reviewing:
        return "local findings only"
    if not analysis.reviewed:
        return "no reviewable unit here, or its review failed"
    names = ", ".join(unit.qualified_name for unit in analysis.reviewed)
    models = ", ".join(sorted(analysis.models)) or "the model"
    return f"{names} reviewed by {models}"


def _details(finding: Finding, document: Document) -> Iterator[str]:
    """The lines under the finding: facts, explanation, fix."""
    facts = [finding.category.value, f"confidence {finding.confidence:.2f}"]
    facts.append(f"source {finding.source}")
    if finding.unit_name:
        facts.append(f"in {finding.unit_name}")
    yield " · ".join(facts)
    explanation = finding.explanation.strip()
    if explanation and explanation != finding.message:
        yield ""
        yield from explanation.splitlines()
    if finding.fix is not None and finding.fix.verified:
        yield ""
        yield f"{finding.fix.title} (verified):"
        yield from _fix_lines(finding, document)


def _fix_lines(finding: Finding, document: Document) -> Sequence[str]:
    """The lines the fix removes and adds, ``-``/``+`` prefixed."""
    before = document.text.splitlines()
    after = apply_edits(document.data, [finding]).decode("utf-8", "replace").splitlines()
    return [
        line
        for line in difflib.unified_diff(before, after, n=0, lineterm="")
        if line.startswith(("-", "+")) and not line.startswith(("---", "+++"))
    ]
