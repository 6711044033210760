"""`peer fix`: review files as `peer check` does, then apply the verified fixes of the model's
findings and of the local rules' (docs/rules.md; ``--no-model`` for those alone).

A fix is applied only when all of these hold: its finding is shown (at or above
``minConfidence``, not dismissed by a ``peer: ignore`` comment), it was verified (it stays in
its unit and reparses without a new syntax error: `peer_lsp.documents.verify`), and its finding
is at or above ``--min-confidence`` (default: the ``preferredConfidence`` setting, the level
at which the editor marks a quick fix preferred). Where fixes overlap, the most confident
wins. Fixes that each verified alone are also checked together: when the file as a whole
would gain a syntax error, they are added one at a time, most confident first, and any that
breaks the parse is left out.

Files are rewritten atomically (a temporary file in the same folder, then ``os.replace``)
with their permission bits; only the replaced bytes change, so line endings (the fixes use
the file's own), encoding and a byte-order mark stay as they were. A file that changed on
disk during the review is left alone. ``--dry-run`` writes nothing and prints a unified diff
(``a/``, ``b/`` paths, ``git apply -p1`` can take it) on stdout, the summary on stderr.

Exit codes: 0 when done (fixes applied, or nothing to fix); with ``--dry-run``, 1 when there
is something to fix (as ``ruff format --check`` does, so CI can ask "would peer fix change
anything?"), 0 when not; 2 for usage errors, as `peer check`; 3, as `peer check`, when a
configured model could not review some units (``--allow-unreviewed``: the code above). The
verified fixes found are still applied (or shown) first: they are right whatever else the
model missed, but "Nothing to fix" from a review that failed is no answer, so the run says
which units were not reviewed and why.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import os
import re
import stat
import sys
import tempfile
import typing
from dataclasses import dataclass
from pathlib import Path

from peer_lsp.analysis.syntax_findings import syntax_findings
from peer_lsp.check.extra_rules import load_for_run
from peer_lsp.check.headless import HeadlessReviewer, ProviderSetupError, model_path
from peer_lsp.commands.exits import EXIT_FINDINGS, EXIT_NOT_REVIEWED, EXIT_OK
from peer_lsp.commands.output import quiet_broken_pipe
from peer_lsp.commands.run_setup import UsageError, prepare, usage_error
from peer_lsp.commands.source_files import file_uri, read_source, shown_path
from peer_lsp.documents.store import Document

if typing.TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable, Sequence

    from peer_lsp.findings.model import Finding, TextEdit

PROG = "peer fix"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def fixable(findings: Iterable[Finding], min_confidence: float) -> list[Finding]:
    """The findings whose verified fix may be applied at ``min_confidence``."""
    return [
        f
        for f in findings
        if f.fix is not None and f.fix.verified and f.fix.edits and f.confidence >= min_confidence
    ]


def _edits(finding: Finding) -> tuple[TextEdit, ...]:
    return finding.fix.edits if finding.fix is not None else ()


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    """Whether two edits touch the same bytes (or insert at the same place)."""
    return a.start_byte == b.start_byte or (a.start_byte < b.end_byte and b.start_byte < a.end_byte)


def choose(findings: Iterable[Finding]) -> list[Finding]:
    """Fixes that do not overlap: the most confident first, then in document order."""
    chosen: list[Finding] = []
    taken: list[TextEdit] = []
    for finding in sorted(findings, key=lambda f: (-f.confidence, f.span.start_byte)):
        edits = _edits(finding)
        if any(_overlap(edit, other) for edit in edits for other in taken):
            continue
        chosen.append(finding)
        taken.extend(edits)
    return chosen


def apply_edits(data: bytes, findings: Iterable[Finding]) -> bytes:
    """``data`` with the fixes of ``findings`` (which must not overlap) applied."""
    edits = sorted((e for f in findings for e in _edits(f)), key=lambda e: e.start_byte)
    for edit in reversed(edits):
        data = data[: edit.start_byte] + edit.new_text.encode("utf-8") + data[edit.end_byte :]
    return data


def _syntax_errors(uri: str, data: bytes) -> int:
    return len(syntax_findings(Document.open(uri, data.decode("utf-8", "replace"))))


def apply_fixes(document: Document, findings: Sequence[Finding]) -> tuple[bytes, list[Finding]]:
    """The document's bytes with as many of ``findings``' fixes as keep it parsing, and those
    applied (see the module docstring)."""
    chosen = choose(findings)
    if not chosen:
        return document.data, []
    baseline = _syntax_errors(document.uri, document.data)
    fixed = apply_edits(document.data, chosen)
    if _syntax_errors(document.uri, fixed) <= baseline:
        return fixed, sorted(chosen, key=lambda f: f.span.start_byte)
    kept: list[Finding] = []
    for finding in chosen:
        if _syntax_errors(document.uri, apply_edits(document.data, [*kept, finding])) <= baseline:
            kept.append(finding)
    kept.sort(key=lambda f: f.span.start_byte)
    return apply_edits(document.data, kept), kept


def unified_diff(shown: str, before: bytes, after: bytes) -> str:
    """A unified diff of one file, ``a/`` and ``b/`` prefixed, line endings kept as they are."""
    old = _LINE.findall(before.decode("utf-8", "replace"))
    new = _LINE.findall(after.decode("utf-8", "replace"))
    name = Path(shown).as_posix()
    parts: list[str] = []
    for line in difflib.unified_diff(old, new, f"a/{name}", f"b/{name}"):
        parts.append(line)
        if not line.endswith(("\n", "\r")):
            parts.append("\n\\ No newline at end of file\n")
    return "".join(parts)


def write_atomically(path: Path, data: bytes, expected: bytes) -> bool:
    """Replace the file's bytes with ``data`` unless it no longer holds ``expected``.

    A symbolic link is followed: its target is rewritten and the link kept.
    """
    real = Path(os.path.realpath(path))
    if real.read_bytes() != expected:
        return False
    mode = stat.S_IMODE(real.stat().st_mode)
    handle, temporary = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return True


@dataclass
class _Tally:
    fixes: int = 0
    files: int = 0


def run_fix(args: argparse.Namespace) -> int:
    """Run `peer fix` for parsed arguments; return the exit code."""
    return quiet_broken_pipe(functools.partial(_run, args))


def _run(args: argparse.Namespace) -> int:
    try:
        run = prepare(args)
        settings = run.settings
        floor = args.min_confidence
        floor = settings.preferred_confidence if floor is None else floor
        use_model = not args.no_model
        with HeadlessReviewer(settings, root=run.base, prog=PROG, use_model=use_model) as rv:
            load_for_run(rv.engine, run.paths[0], settings.plugins, PROG)
            tally = _Tally()
            for path in run.files():
                _fix_file(path, rv, floor, args.dry_run, tally)
            code = _summary(tally, args.dry_run)
            return not_reviewed_exit(rv, args.allow_unreviewed, code)
    except (UsageError, ProviderSetupError) as error:
        return usage_error(error.messages, PROG)


def not_reviewed_exit(reviewer: HeadlessReviewer, allowed: bool, code: int) -> int:
    """``code``, or `EXIT_NOT_REVIEWED` when a model could not review some units and that
    is not ``allowed``; either way stderr says which and why."""
    if reviewer.unreviewed and not allowed:
        reviewer.report_unreviewed(
            f"exit code {EXIT_NOT_REVIEWED}: the review is incomplete"
            " (--allow-unreviewed accepts local findings for those units)"
        )
        return EXIT_NOT_REVIEWED
    reviewer.report_unreviewed()
    return code


def _fix_file(
    path: Path, reviewer: HeadlessReviewer, floor: float, dry_run: bool, tally: _Tally
) -> None:
    shown = shown_path(path, Path.cwd())
    text = read_source(path, shown, reviewer.settings, PROG)
    if text is None:
        return
    analysis = reviewer.analyse(file_uri(path), text, model_path(path, reviewer.root))
    document = analysis.document
    fixed, applied = apply_fixes(document, fixable(analysis.findings, floor))
    if not applied:
        return
    if dry_run:
        sys.stdout.write(unified_diff(shown, document.data, fixed))
    elif not write_atomically(path, fixed, document.data):
        print(f"{PROG}: {shown} changed during the review: not fixed", file=sys.stderr)
        return
    else:
        titles = "; ".join(f.message for f in applied)
        print(f"{shown}: {_plural(len(applied), 'fix')} applied ({titles})")
    tally.fixes += len(applied)
    tally.files += 1


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}es"


def _summary(tally: _Tally, dry_run: bool) -> int:
    if not tally.fixes:
        print("Nothing to fix", file=sys.stderr if dry_run else sys.stdout)
        return EXIT_OK
    files = f"{tally.files} file" + ("" if tally.files == 1 else "s")
    if dry_run:
        print(f"Would apply {_plural(tally.fixes, 'fix')} in {files}", file=sys.stderr)
        return EXIT_FINDINGS
    print(f"Applied {_plural(tally.fixes, 'fix')} in {files}")
    return EXIT_OK
