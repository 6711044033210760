"""`peer suggest-test FILE:LINE`: a test that fails on a finding's problem, written by the model.

The line is reviewed as `peer explain` reviews it (the smallest unit holding it, the answer
cache first), then, for the first finding on the line a test is suggested for (a bug or a
security finding, from the model or a local rule: `peer_lsp.review.test_suggestion`; the
most severe and surest first, or the one ``--rule`` names), the model is asked for one test
in the project's framework and style (`peer_lsp.review.test_style`). The test streams to
stdout as it arrives, without a Markdown fence; what it is about, and where the project
would keep it, go to stderr. ``-o FILE`` writes it to FILE instead (not over an existing
file unless ``--force``). Asked again for unchanged code, the answer comes from the cache.

Exit codes: 0 when a test was written (a failed review of the unit is said on stderr, but a
local finding on the line can still get its test); 1 when the line has no finding a test is
suggested for; 2 for a bad target or settings, no model configured, or an output file that
exists; 3 when the model could not write the test, or could not review the unit and the line
has no local finding to test; 130 on Ctrl-C.
"""

from __future__ import annotations

import functools
import sys
import typing
from pathlib import Path

from peer_lsp.check.extra_rules import load_for_run
from peer_lsp.check.headless import HeadlessReviewer, ProviderSetupError, model_path
from peer_lsp.commands.exits import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NOT_REVIEWED,
    EXIT_OK,
)
from peer_lsp.commands.explain import on_line, read_target, unit_at
from peer_lsp.commands.output import quiet_broken_pipe
from peer_lsp.commands.run_setup import (
    UsageError,
    usage_error,
)
from peer_lsp.commands.source_files import file_uri
from peer_lsp.findings.model import Severity

if typing.TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import TextIO

    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.review.test_style import TestStyle

PROG = "peer suggest-test"
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2, Severity.HINT: 3}


def run_suggest_test(args: argparse.Namespace) -> int:
    """Run `peer suggest-test` for parsed arguments; return the exit code."""
    return quiet_broken_pipe(functools.partial(_run, args))


class TerminalListener:
    """The test's code on stdout as it arrives, flushed piece by piece; a retry that starts
    the answer over is said on stderr (what was printed stays: a terminal cannot take it back).
    """

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out = out
        self.err = err
        self.ends_with_newline = True

    def on_text(self, delta: str) -> None:
        if delta:
            self.out.write(delta)
            self.out.flush()
            self.ends_with_newline = delta.endswith("\n")

    def on_restart(self) -> None:
        if not self.ends_with_newline:
            self.out.write("\n")
        self.out.flush()
        print(f"{PROG}: the answer starts over (a retry): the test follows again", file=self.err)


def _run(args: argparse.Namespace) -> int:
    try:
        output = Path(args.output) if args.output else None
        if output is not None and output.exists() and not args.force:
            raise UsageError([f"{output} exists: name another file, or add --force"])
        read = read_target(args, PROG)
        target = read.target
        with HeadlessReviewer(
            read.settings, root=read.base, prog=PROG, use_model=True, every_file=True
        ) as rv:
            if not rv.uses_model:
                raise UsageError(["a test is written by a model: configure a provider first"])
            load_for_run(rv.engine, target.path, read.settings.plugins, PROG)  # project rules too
            return _suggest(args, rv, target.path, read.text, target.line - 1, read.shown, output)
    except (UsageError, ProviderSetupError) as error:
        return usage_error(error.messages, PROG)
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _suggest(
    args: argparse.Namespace,
    rv: HeadlessReviewer,
    path: Path,
    text: str,
    line: int,
    shown: str,
    output: Path | None,
) -> int:
    from peer_lsp.llm.errors import LLMError
    from peer_lsp.review.prompt.request import PromptBudgetError
    from peer_lsp.review.test_suggestion import build_test_request, suggest_test

    err = sys.stderr
    select = functools.partial(unit_at, line=line)
    analysis = rv.analyse(file_uri(path), text, model_path(path, rv.root), select)
    document = analysis.document
    finding = _chosen(analysis.findings, document, line, args.rule)
    unit = document.unit_at(finding.span.start_line) if finding is not None else None
    if finding is None or unit is None:
        rv.report_unreviewed()
        what = f"no {args.rule} finding" if args.rule else "no bug or security finding"
        print(f"{shown}:{line + 1}: {what} on this line to write a test for", file=err)
        return EXIT_NOT_REVIEWED if rv.unreviewed and not args.rule else EXIT_FAILED
    style = _style(path, document, rv)
    suggested = _relative(style.suggested_path, rv.root)
    example = _relative(style.example_path, rv.root) if style.example_path else ""
    print(
        f"{PROG}: a test for [{finding.rule_id}] {finding.message} ({shown}:"
        f"{finding.span.start_line + 1}), {style.describe(document.grammar or '')}; "
        f"it would go in {suggested}",
        file=err,
    )
    try:
        request = build_test_request(
            finding,
            unit,
            document,
            style,
            path=model_path(path, rv.root),
            suggested_name=suggested,
            example_name=example,
        )
    except PromptBudgetError as error:
        print(f"{PROG}: {error}", file=err)
        return EXIT_NOT_REVIEWED
    listener = TerminalListener(sys.stdout, err) if output is None else None
    try:
        result = rv.run_with_reviewer(
            lambda reviewer: suggest_test(reviewer.router, request, unit, listener=listener)
        )
    except LLMError as error:
        if listener is not None and not listener.ends_with_newline:
            print()
        print(f"{PROG}: no test: {error}", file=err)
        return EXIT_NOT_REVIEWED
    if result is None:
        return EXIT_NOT_REVIEWED
    if listener is not None and not listener.ends_with_newline:
        print(flush=True)
    if output is not None:
        code = result.code
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(code if code.endswith("\n") else code + "\n", encoding="utf-8")
        print(f"{PROG}: wrote {output}", file=err)
    source = "the cache" if result.cached else result.source
    cut = " (it went on past the code until its output limit: not cached)" if result.cut else ""
    print(f"{PROG}: written by {source}{cut}", file=err)
    return EXIT_OK


def _chosen(
    findings: Sequence[Finding], document: Document, line: int, rule: str | None
) -> Finding | None:
    """The finding on the line the test is for: the one ``rule`` names, else the most severe
    and surest of those a test is suggested for."""
    from peer_lsp.review.test_suggestion import offers_test

    here = [f for f in findings if on_line(f, line, document)]
    if rule:
        here = [f for f in here if f.rule_id == rule and f.source != "syntax"]
    else:
        here = [f for f in here if offers_test(f)]
    here.sort(key=lambda f: (_ORDER[f.severity], -f.confidence))
    return here[0] if here else None


def _style(path: Path, document: Document, rv: HeadlessReviewer) -> TestStyle:
    from peer_lsp.llm.send_exclude import is_excluded
    from peer_lsp.review.test_style import detect_test_style

    globs = rv.settings.send_exclude
    return detect_test_style(
        path,
        document.grammar or "",
        root=rv.root,
        excluded=lambda candidate: is_excluded(str(candidate), globs, rv.root),
    )


def _relative(path: Path | None, root: Path) -> str:
    """``path`` relative to ``root`` when inside it (POSIX), else as it is."""
    if path is None:
        return ""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
