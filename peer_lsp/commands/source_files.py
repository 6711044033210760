"""Reading one file for a command over paths (`peer check`, `peer fix`, `peer explain`).

A file is skipped, with the reason logged or printed on stderr, when no grammar knows its
language, when it is larger than ``maxFileBytes``, binary (a NUL byte in its first 8 KB), not
UTF-8, unreadable, or not a regular file: a FIFO or device is never opened, not even one put
in the place of a file since the walk saw it.
"""

from __future__ import annotations

import logging
import os
import sys
import typing
from pathlib import Path

from peer_lsp.check.walk import not_regular
from peer_lsp.syntax.languages import language_for_path

if typing.TYPE_CHECKING:
    from peer_lsp.settings.model import Settings

log = logging.getLogger(__name__)

BINARY_SNIFF_BYTES = 8192


def shown_path(path: Path, cwd: Path) -> str:
    """The path relative to the current folder when it is inside it, else as given."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(cwd))
    except ValueError:
        return str(path)


def file_uri(path: Path) -> str:
    """The name a file is opened under in the engine: its absolute path."""
    return Path(os.path.abspath(path)).as_posix()


def read_source(path: Path, shown: str, settings: Settings, prog: str = "peer check") -> str | None:
    """The text of one file, or None when it is skipped (see the module docstring); ``prog``
    names the command in what is printed."""
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
