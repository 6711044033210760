"""What a command over paths starts from (`peer check`, `peer fix`, `peer explain`, `peer
rules`): the paths checked to exist, logging configured, the settings read, the exclude globs
compiled; anything the user must fix first is a `UsageError`, reported with `usage_error`.

Settings come from ``--config FILE`` (a ``.peer.toml``, or a ``pyproject.toml`` whose
``[tool.peer]`` table holds them) or else from the project file found from the first path
upwards (`load_settings`); any rejected setting is a usage error. The ``exclude`` setting is
matched relative to the folder of the settings file (the current folder when there is none),
``--exclude`` relative to the current folder.
"""

from __future__ import annotations

import os
import sys
import typing
from dataclasses import dataclass
from pathlib import Path

from peer_lsp.check.walk import Excludes, InvalidPatternError, walk
from peer_lsp.commands.exits import EXIT_USAGE
from peer_lsp.settings.files import (
    SettingsFileError,
    find_project_config,
    load_settings,
    load_settings_file,
)
from peer_lsp.settings.model import DEFAULT_EXCLUDE, Settings

if typing.TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Iterator


class UsageError(Exception):
    """Something the user must fix before anything can be checked; one message per line."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def usage_error(messages: Iterable[str], prog: str) -> int:
    """Report usage errors on stderr, one per line; the exit code for them."""
    for message in messages:
        print(f"{prog}: {message}", file=sys.stderr)
    return EXIT_USAGE


def _read_config_file(path: Path) -> tuple[Settings, list[str]]:
    """Settings from the file given with ``--config``, and the rejected settings."""
    try:
        settings, problems = load_settings_file(path)
    except SettingsFileError as error:
        raise UsageError([str(error)]) from None
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


def configure_logging(args: argparse.Namespace) -> None:
    if args.log_level or args.log_file:
        from peer_lsp import log as peer_log

        peer_log.configure(args.log_level or "info", args.log_file)


@dataclass(frozen=True, slots=True)
class Run:
    """What a command over paths starts from: the paths, the settings, the folder the
    settings are relative to (the project root), the exclude globs and the command's name."""

    paths: list[Path]
    settings: Settings
    base: Path
    excludes: list[Excludes]
    prog: str

    def files(
        self,
        on_skip: Callable[[], None] | None = None,
        keep: Callable[[Path], bool] | None = None,
    ) -> Iterator[Path]:
        """The files to check; a named path that is not is reported on stderr (and counted
        by ``on_skip``). ``keep``: only the paths it accepts, reported or yielded (``--shard``)."""

        def skipped(path: Path, why: str) -> None:
            if keep is not None and not keep(path):
                return
            print(f"{self.prog}: skipped {path}: {why}", file=sys.stderr)
            if on_skip is not None:
                on_skip()

        found = walk(self.paths, self.excludes, skipped)
        return found if keep is None else (path for path in found if keep(path))


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
