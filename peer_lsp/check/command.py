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
folder. Which files are walked, and why a named file is checked even when ``.gitignore``
ignores it, is explained in `peer_lsp.check.walk`.

Files are read and analysed one at a time and only their findings are kept, so memory does
not grow with the size of the files. A file is skipped (and counted as such in the summary)
when no grammar knows its language, when it is larger than ``maxFileBytes``, binary (a NUL
byte in its first 8 KB), not UTF-8 or unreadable. Findings below ``minConfidence`` are not
shown, as in the editor.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tomllib
import typing
from collections.abc import Mapping
from pathlib import Path

from peer_lsp.analysis.engine import analyse_text
from peer_lsp.analysis.findings import Severity
from peer_lsp.check.report import Summary, format_finding, format_summary, locate, render_json
from peer_lsp.check.walk import Excludes, InvalidPatternError, walk
from peer_lsp.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from peer_lsp.settings import Settings, find_project_config, load_settings, resolve
from peer_lsp.syntax.languages import language_for_path

if typing.TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Iterator
    from typing import TextIO

    from peer_lsp.check.report import Located

log = logging.getLogger(__name__)

PROG = "peer check"
PROGRESS_MIN_FILES = 20
"""A progress bar appears only for more files than this (and only on a terminal)."""
BINARY_SNIFF_BYTES = 8192
EXIT_BROKEN_PIPE = 141


class UsageError(Exception):
    """Something the user must fix before anything can be checked; one message per line."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def _read_config_file(path: Path) -> tuple[Settings, list[str]]:
    """Settings from the file given with ``--config``, and the rejected settings."""
    if not path.is_file():
        raise UsageError([f"no such settings file: {path}"])
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError([f"{path}: cannot read settings: {error}"]) from None
    tool = document.get("tool")
    section = tool.get("peer") if isinstance(tool, Mapping) else None
    if isinstance(section, Mapping):
        raw: Mapping[str, object] = section
    elif path.name == "pyproject.toml":
        raise UsageError([f"{path}: no [tool.peer] table"])
    else:
        raw = document
    settings, problems = resolve(raw, source=str(path))
    return settings, [str(problem) for problem in problems]


def load_check_settings(config: str | None, first_path: Path) -> tuple[Settings, Path]:
    """The settings of this run and the folder the ``exclude`` setting is relative to."""
    if config:
        path = Path(config)
        settings, problems = _read_config_file(path)
        base = path.absolute().parent
    else:
        start = Path(os.path.abspath(first_path))
        settings, found = load_settings(start)
        problems = [str(problem) for problem in found]
        project = find_project_config(start).path
        base = project.parent if project else Path.cwd()
    if problems:
        raise UsageError(problems)
    return settings, base


def _shown(path: Path, cwd: Path) -> str:
    """The path relative to the current folder when it is inside it, else as given."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(cwd))
    except ValueError:
        return str(path)


def check_file(path: Path, shown: str, settings: Settings) -> list[Located] | None:
    """The findings of one file, or None when it is skipped (see the module docstring)."""
    if language_for_path(path.as_posix()) is None:
        log.info("skipped %s: no grammar for this kind of file", shown)
        return None
    try:
        if path.stat().st_size > settings.max_file_bytes:
            log.info("skipped %s: larger than maxFileBytes (%d)", shown, settings.max_file_bytes)
            return None
        data = path.read_bytes()
    except OSError as error:
        print(f"{PROG}: cannot read {shown}: {error.strerror or error}", file=sys.stderr)
        return None
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        log.info("skipped %s: binary", shown)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        log.info("skipped %s: not UTF-8", shown)
        return None
    del data
    document, findings = analyse_text(Path(os.path.abspath(path)).as_posix(), text, settings)
    return [
        locate(shown, document.data, document.lines, finding)
        for finding in findings
        if finding.confidence >= settings.min_confidence
    ]


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


def _configure_logging(args: argparse.Namespace) -> None:
    if args.log_level or args.log_file:
        from peer_lsp import log as peer_log

        peer_log.configure(args.log_level or "info", args.log_file)


def run_check(args: argparse.Namespace) -> int:
    """Run `peer check` for parsed arguments; return the exit code."""
    try:
        return _run(args)
    except BrokenPipeError:
        # The reader left (`peer check | head`): stop quietly, with the status of SIGPIPE.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _run(args: argparse.Namespace) -> int:
    out, err = sys.stdout, sys.stderr
    given: list[str] = list(args.paths) or ["."]
    missing = [name for name in given if not os.path.lexists(name)]
    for name in missing:
        print(f"{PROG}: no such file or directory: {name}", file=err)
    if missing:
        return EXIT_USAGE
    _configure_logging(args)
    cwd = Path.cwd()
    paths = [Path(name) for name in given]
    try:
        settings, base = load_check_settings(args.config, paths[0])
        excludes = _excludes(settings, base, args.exclude, cwd)
    except UsageError as error:
        for message in error.messages:
            print(f"{PROG}: {message}", file=err)
        return EXIT_USAGE
    fail_on = Severity.parse(args.fail_on or settings.fail_on)

    files: Iterable[Path] = walk(paths, excludes)
    progress: contextlib.AbstractContextManager[Callable[[], None]]
    progress = contextlib.nullcontext(lambda: None)
    if not args.no_progress and err.isatty():
        files = list(files)  # the bar needs a total; only names are kept
        if len(files) > PROGRESS_MIN_FILES:
            progress = _progress_bar(len(files))

    as_json = args.format == "json"
    color = not as_json and use_color(out)
    streaming = not as_json and isinstance(progress, contextlib.nullcontext)
    kept: list[Located] = []
    summary = Summary()
    with progress as advance:
        for path in files:
            located = check_file(path, _shown(path, cwd), settings)
            advance()
            if located is None:
                summary.skipped += 1
                continue
            summary.files += 1
            summary.add(located)
            if streaming:
                for item in located:
                    print(format_finding(item, color), file=out)
            else:
                kept.extend(located)

    if as_json:
        print(render_json(kept, summary), file=out)
    else:
        for item in kept:
            print(format_finding(item, color), file=out)
        print(format_summary(summary, color), file=out)
    failed = any(severity >= fail_on for severity in summary.by_severity)
    return EXIT_FINDINGS if failed and not args.exit_zero else EXIT_OK


def _excludes(settings: Settings, base: Path, extra: list[str], cwd: Path) -> list[Excludes]:
    excludes = []
    for patterns, where, source in (
        (settings.exclude, base, "the 'exclude' setting"),
        (extra, cwd, "--exclude"),
    ):
        try:
            excludes.append(Excludes(patterns, where))
        except InvalidPatternError as error:
            raise UsageError([f"invalid glob in {source}: {error}"]) from None
    return excludes
