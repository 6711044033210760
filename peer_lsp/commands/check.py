"""`peer check`: settings, file discovery, the engine and the report, glued into an exit code.

Exit codes: 0 when no finding is at or above the fail-on severity (``--fail-on``, else the
``failOn`` setting), 1 when one is, 2 for usage and configuration errors (a path that does not
exist, a settings file that is missing or unreadable, any rejected setting, a bad exclude
glob) — those are reported on stderr before anything is checked. When the reader of the
output goes away (``peer check | head``) it stops quietly with 141, as if killed by SIGPIPE.

Settings come from ``--config FILE`` (a ``.peer.toml``, or a ``pyproject.toml`` whose
``[tool.peer]`` table holds them) or else from the project file found from the first path
upwards (`load_settings`). The ``exclude`` setting is matched relative to the folder of the
settings file (the current folder when there is none), ``--exclude`` relative to the current
folder. Which files are walked, why a named path is checked even when ``.gitignore`` or the
built-in excludes would skip it, and why a named FIFO or device is never opened, is explained
in `peer_lsp.check.walk`; each named path not checked is named on stderr with the reason
and counted as skipped.

Files are read and analysed one at a time and only their findings are kept, so memory does
not grow with the size of the files. A file is skipped (and counted as such in the summary)
when no grammar knows its language, when it is larger than ``maxFileBytes``, binary (a NUL
byte in its first 8 KB), not UTF-8 or unreadable. Findings below ``minConfidence`` are not
shown, as in the editor.

With a provider configured, each file's units are also reviewed by the model, and model
findings are reported with the local ones (`peer_lsp.check.headless`); without one the run is
local-only and says so once on stderr; ``--no-model`` forces local-only. ``--diff REV`` sends
only the units changed since the git revision ``REV`` (`peer_lsp.check.git_diff`) and reports
the findings of those units plus the syntax findings of every file checked: a file that does
not parse is worth failing on whatever changed. Git missing, a path outside a repository or an
unknown revision is a usage error (2). ``--format sarif`` writes SARIF 2.1.0 for GitHub code
scanning (`peer_lsp.check.sarif`). ``--security`` runs only the local security rules
(docs/rules.md): no syntax findings, no other rules, no model.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import os
import sys
import typing
from dataclasses import dataclass
from pathlib import Path

from peer_lsp.analysis.engine import analyse_text
from peer_lsp.check.git_diff import GitDiff, GitError, changed_units
from peer_lsp.check.headless import HeadlessReviewer, ProviderSetupError, model_path
from peer_lsp.check.report import Summary, format_finding, format_summary, locate, render_json
from peer_lsp.check.walk import (
    Excludes,
    InvalidPatternError,
    find_repository_root,
    not_regular,
    walk,
)
from peer_lsp.commands.exits import EXIT_BROKEN_PIPE, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from peer_lsp.findings.model import Category, Severity
from peer_lsp.settings.files import find_project_config, load_settings, read_project_file
from peer_lsp.settings.model import DEFAULT_EXCLUDE, Settings
from peer_lsp.settings.options import resolve
from peer_lsp.syntax.languages import language_for_path

if typing.TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Iterator
    from typing import TextIO

    from peer_lsp.check.report import Located
    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding

    Analyse = Callable[[str, str], tuple[Document, list[Finding]]]
    """(uri, text) → the document and its findings."""

log = logging.getLogger(__name__)

PROG = "peer check"
PROGRESS_MIN_FILES = 20
"""A progress bar appears only for more files than this (and only on a terminal)."""
BINARY_SNIFF_BYTES = 8192


class UsageError(Exception):
    """Something the user must fix before anything can be checked; one message per line."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def _read_config_file(path: Path) -> tuple[Settings, list[str]]:
    """Settings from the file given with ``--config``, and the rejected settings."""
    if not path.is_file():
        raise UsageError([f"no such settings file: {path}"])
    config = read_project_file(path)
    if config is None:
        raise UsageError([f"{path}: no [tool.peer] table"])
    if config.error:
        raise UsageError([config.error])
    settings, problems = resolve(config.raw, source=str(path))
    return settings, [str(problem) for problem in problems]


def load_check_settings(config: str | None, first_path: Path) -> tuple[Settings, Path]:
    """The settings of this run and the folder the ``exclude`` setting is relative to."""
    settings, base, _ = _check_settings(config, first_path)
    return settings, base


def _check_settings(config: str | None, first_path: Path) -> tuple[Settings, Path, Path | None]:
    """The settings of this run, the folder the ``exclude`` setting is relative to, and the
    settings file (None: the defaults)."""
    settings_file: Path | None
    if config:
        settings_file = Path(config)
        settings, problems = _read_config_file(settings_file)
        base = settings_file.absolute().parent
    else:
        start = Path(os.path.abspath(first_path))
        settings, found = load_settings(start)
        problems = [str(problem) for problem in found]
        settings_file = find_project_config(start).path
        base = settings_file.parent if settings_file else Path.cwd()
    if problems:
        raise UsageError(problems)
    return settings, base, settings_file


def shown_path(path: Path, cwd: Path) -> str:
    """The path relative to the current folder when it is inside it, else as given."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(cwd))
    except ValueError:
        return str(path)


def read_source(path: Path, shown: str, settings: Settings, prog: str = PROG) -> str | None:
    """The text of one file, or None when it is skipped (see the module docstring)."""
    if language_for_path(path.as_posix()) is None:
        log.info("skipped %s: no grammar for this kind of file", shown)
        return None
    try:
        data = _read_regular(path, settings.max_file_bytes)
    except OSError as error:
        print(f"{prog}: cannot read {shown}: {error.strerror or error}", file=sys.stderr)
        return None
    except NotRegularError as error:
        print(f"{prog}: skipped {shown}: {error}", file=sys.stderr)
        return None
    if data is None:
        log.info("skipped %s: larger than maxFileBytes (%d)", shown, settings.max_file_bytes)
        return None
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        log.info("skipped %s: binary", shown)
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        log.info("skipped %s: not UTF-8", shown)
        return None


class NotRegularError(Exception):
    """A path to be read that is not a regular file; the message names its kind."""


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file, None when it is larger than ``limit``.

    Only a regular file is opened, and without blocking, so that a FIFO put in its place
    since it was looked at is refused instead of waited on; nothing past ``limit`` is read.
    """
    reason = not_regular(os.stat(path).st_mode)
    if reason is not None:
        raise NotRegularError(reason)
    handle = os.open(path, _OPEN_FLAGS)
    with os.fdopen(handle, "rb") as file:
        info = os.fstat(handle)
        reason = not_regular(info.st_mode)
        if reason is not None:
            raise NotRegularError(reason)
        if info.st_size > limit:
            return None
        data = file.read(limit + 1)
    return None if len(data) > limit else data


def file_uri(path: Path) -> str:
    """The name a file is opened under in the engine: its absolute path."""
    return Path(os.path.abspath(path)).as_posix()


def check_file(
    path: Path, shown: str, settings: Settings, analyse: Analyse | None = None
) -> list[Located] | None:
    """The findings of one file, or None when it is skipped (see the module docstring).

    ``analyse`` replaces the local analysis (`analyse_text`), e.g. with a model review.
    """
    text = read_source(path, shown, settings)
    if text is None:
        return None
    if analyse is None:
        analyse = functools.partial(analyse_text, settings=settings)
    document, findings = analyse(file_uri(path), text)
    return [
        locate(shown, document.data, document.lines, finding)
        for finding in findings
        if finding.confidence >= settings.min_confidence
    ]


def reviewing(reviewer: HeadlessReviewer, path: Path, diff: GitDiff | None) -> Analyse | None:
    """How one file is analysed: None (local, whole file) unless a model reviews or ``--diff``
    narrows the units."""
    if not reviewer.uses_model and diff is None:
        return None

    def analyse(uri: str, text: str) -> tuple[Document, list[Finding]]:
        select = None
        if diff is not None:
            select = functools.partial(changed_units, changes=diff.changes(path))
        analysis = reviewer.analyse(uri, text, model_path(path, reviewer.root), select)
        return analysis.document, analysis.findings

    return analyse


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextlib.contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[], None]]:
    """A transient progress bar on stderr; yields the function that advances it."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    progress = Progress(
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    task = progress.add_task("check", total=total)
    with progress:
        yield lambda: progress.advance(task)


def configure_logging(args: argparse.Namespace) -> None:
    if args.log_level or args.log_file:
        from peer_lsp import log as peer_log

        peer_log.configure(args.log_level or "info", args.log_file)


def run_check(args: argparse.Namespace) -> int:
    """Run `peer check` for parsed arguments; return the exit code."""
    return quiet_broken_pipe(functools.partial(_run, args))


def quiet_broken_pipe(run: Callable[[], int]) -> int:
    """``run()``, or 141 without a traceback when the reader of stdout went away."""
    try:
        return run()
    except BrokenPipeError:
        # The reader left (`peer check | head`): stop quietly, with the status of SIGPIPE.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


@dataclass(frozen=True, slots=True)
class Run:
    """What a command over paths starts from: the paths, the settings, the folder the
    settings are relative to (the project root), the exclude globs and the command's name."""

    paths: list[Path]
    settings: Settings
    base: Path
    excludes: list[Excludes]
    prog: str = PROG

    def files(self, on_skip: Callable[[], None] | None = None) -> Iterator[Path]:
        """The files to check; a named path that is not is reported on stderr (and counted
        by ``on_skip``)."""

        def skipped(path: Path, why: str) -> None:
            print(f"{self.prog}: skipped {path}: {why}", file=sys.stderr)
            if on_skip is not None:
                on_skip()

        return walk(self.paths, self.excludes, skipped)


def prepare(args: argparse.Namespace) -> Run:
    """Check the paths, configure logging, read the settings; `UsageError` when any fails."""
    given: list[str] = list(args.paths) or ["."]
    missing = [name for name in given if not os.path.lexists(name)]
    if missing:
        raise UsageError(f"no such file or directory: {name}" for name in missing)
    configure_logging(args)
    paths = [Path(name) for name in given]
    settings, base, settings_file = _check_settings(args.config, paths[0])
    excludes = build_excludes(settings, base, args.exclude, Path.cwd(), settings_file)
    return Run(paths, settings, base, excludes, f"peer {args.command}")


def _run(args: argparse.Namespace) -> int:
    try:
        run = prepare(args)
        diff = GitDiff(args.diff) if args.diff else None
        if diff is not None:
            diff.check(run.paths)
        settings = security_settings(run.settings) if args.security else run.settings
        use_model = not (args.no_model or args.security)
        with HeadlessReviewer(settings, root=run.base, prog=PROG, use_model=use_model) as rv:
            return _check(args, settings, run, rv, diff)
    except (UsageError, ProviderSetupError) as error:
        return usage_error(error.messages)
    except GitError as error:
        return usage_error([str(error)])


NON_SECURITY = tuple(c.value for c in Category if c is not Category.SECURITY)


def security_settings(settings: Settings) -> Settings:
    """The settings of ``--security``: every rule category but security turned off."""
    disabled = (*settings.disable_rules, *NON_SECURITY)
    return dataclasses.replace(settings, disable_rules=disabled)


def is_security_rule_finding(finding: Finding) -> bool:
    """What ``--security`` reports: findings of local security rules, nothing else."""
    return finding.category is Category.SECURITY and finding.source.startswith("rule:")


def usage_error(messages: Iterable[str], prog: str = PROG) -> int:
    """Report usage errors on stderr, one per line; the exit code for them."""
    for message in messages:
        print(f"{prog}: {message}", file=sys.stderr)
    return EXIT_USAGE


def _check(
    args: argparse.Namespace,
    settings: Settings,
    run: Run,
    reviewer: HeadlessReviewer,
    diff: GitDiff | None,
) -> int:
    """Check the run's files, print the report, and return the exit code."""
    out, err = sys.stdout, sys.stderr
    cwd = Path.cwd()
    fail_on = Severity.parse(args.fail_on or settings.fail_on)
    summary = Summary()

    def count_skipped() -> None:
        summary.skipped += 1

    files: Iterable[Path] = run.files(on_skip=count_skipped)
    progress: contextlib.AbstractContextManager[Callable[[], None]]
    progress = contextlib.nullcontext(lambda: None)
    if not args.no_progress and err.isatty():
        files = list(files)  # the bar needs a total; only names are kept
        if len(files) > PROGRESS_MIN_FILES:
            progress = _progress_bar(len(files))

    text = args.format == "text"
    color = text and use_color(out)
    streaming = text and isinstance(progress, contextlib.nullcontext)
    kept: list[Located] = []
    with progress as advance:
        for path in files:
            analyse = reviewing(reviewer, path, diff)
            located = check_file(path, shown_path(path, cwd), settings, analyse)
            advance()
            if located is None:
                count_skipped()
                continue
            if args.security:
                located = [item for item in located if is_security_rule_finding(item.finding)]
            summary.files += 1
            summary.add(located)
            if streaming:
                for item in located:
                    print(format_finding(item, color), file=out)
            else:
                kept.extend(located)
    _report(args.format, kept, summary, color, cwd)
    failed = any(severity >= fail_on for severity in summary.by_severity)
    return EXIT_FINDINGS if failed and not args.exit_zero else EXIT_OK


def _report(form: str, kept: list[Located], summary: Summary, color: bool, cwd: Path) -> None:
    out = sys.stdout
    if form == "json":
        print(render_json(kept, summary), file=out)
    elif form == "sarif":
        from peer_lsp.check.sarif import render_sarif

        print(render_sarif(kept, find_repository_root(cwd) or cwd), file=out)
    else:
        for item in kept:
            print(format_finding(item, color), file=out)
        print(format_summary(summary, color), file=out)


def build_excludes(
    settings: Settings, base: Path, extra: list[str], cwd: Path, settings_file: Path | None = None
) -> list[Excludes]:
    """The exclude globs of a run: the ``exclude`` setting (implicit while it is the built-in
    default, so that named paths win over it) and ``--exclude``."""
    setting = "the 'exclude' setting" + (f" in {settings_file}" if settings_file else "")
    excludes = []
    for patterns, where, source, implicit in (
        (settings.exclude, base, setting, settings.exclude == DEFAULT_EXCLUDE),
        (extra, cwd, "--exclude", False),
    ):
        try:
            excludes.append(Excludes(patterns, where, implicit=implicit, origin=source))
        except InvalidPatternError as error:
            raise UsageError([f"invalid glob in {source}: {error}"]) from None
    return excludes
