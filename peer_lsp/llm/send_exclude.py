"""Files that never leave the machine: the ``sendExclude`` globs and how a path is matched.

Light on purpose: settings read `DEFAULT_SEND_EXCLUDE` on the server's start-up path.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

log = logging.getLogger("peer_lsp.llm.guard")
"""The guard's logger: an invalid pattern is reported where the guard's messages are."""

DEFAULT_SEND_EXCLUDE = (
    "**/.env",
    "**/.env.*",
    "**/*.pem",
    "**/*.key",
    "**/*.p12",
    "**/*.pfx",
    "**/id_rsa*",
    "**/id_ed25519*",
    "**/secrets/**",
    "**/.secrets/**",
    "**/credentials*",
    "**/*.kdbx",
)


@functools.lru_cache(maxsize=16)
def compiled(globs: tuple[str, ...]) -> tuple[GitIgnoreSpec, tuple[str, ...]]:
    """The spec of ``globs``, dropping (and logging) patterns that are not valid."""
    from pathspec import GitIgnoreSpec

    good: list[str] = []
    for glob in globs:
        try:
            GitIgnoreSpec.from_lines([glob])
        except ValueError:
            log.warning("ignoring the invalid sendExclude pattern %r", glob)
            continue
        good.append(glob)
    return GitIgnoreSpec.from_lines(good), tuple(good)


def _candidates(path: str, root: str | PurePath | None) -> list[str]:
    """How ``path`` is matched: relative to ``root`` when inside it, else whole; and its name."""
    if path.startswith("file:"):
        path = unquote(urlsplit(path).path)
        if re.match(r"/[A-Za-z]:/", path):  # file:///C:/...
            path = path[1:]
    if re.match(r"[A-Za-z]:[\\/]", path):  # a Windows path, wherever this runs
        path = path.replace("\\", "/")
    pure = PurePath(path)
    spelled = pure.as_posix()
    if root is not None and pure.is_absolute():
        with contextlib.suppress(ValueError):
            spelled = pure.relative_to(PurePath(root)).as_posix()
    spelled = spelled.lstrip("/")
    if re.match(r"[A-Za-z]:/", spelled):
        spelled = spelled[3:]
    found = [spelled, pure.name]
    found += [item.lower() for item in found if item.lower() != item]
    return found


def excluded_by(
    path: str, globs: Sequence[str] = DEFAULT_SEND_EXCLUDE, root: str | PurePath | None = None
) -> str | None:
    """The glob that keeps ``path`` from being sent, or None.

    Gitignore semantics (pathspec), matched against the path relative to the workspace
    ``root`` when it lies inside it (else the whole path), and against its base name; each
    also lower-cased, so that ``Cert.PEM`` on a case-insensitive disk is caught. Matching too
    much only keeps a file local.
    """
    if not path or not globs:
        return None
    spec, patterns = compiled(tuple(globs))
    for candidate in _candidates(path, root):
        result = spec.check_file(candidate)
        if result.include and result.index is not None:
            return patterns[result.index]
    return None


def is_excluded(
    path: str, globs: Sequence[str] = DEFAULT_SEND_EXCLUDE, root: str | PurePath | None = None
) -> bool:
    """Whether ``path`` matches a send-exclude glob (see `excluded_by`)."""
    return excluded_by(path, globs, root) is not None
