"""`peer check --diff REV`: which lines changed since a git revision, and so which units.

Only the units a change touches are sent to a model, so a pull request costs what it changed,
not what the repository holds. A file's changes are those between ``REV`` and the working
tree (staged or not), read from ``git diff --unified=0 REV -- FILE``; for a pull request pass
the merge base (``--diff "$(git merge-base origin/main HEAD)"``), else whatever the target
branch gained since is counted as changed too.

- A file git does not track yet (untracked, not ignored) is new: all of it changed.
- A file that did not change has no changed units (it still gets its syntax findings, see
  `peer_lsp.commands.check`); so has a file git ignores.
- An added or modified line belongs to the innermost unit holding its text (blank lines do
  not count); lines deleted between two lines belong to the innermost unit holding both.

git runs without a shell, with ``--literal-pathspecs``, no external diff and no textconv,
so a file's name and the user's git settings cannot change what is read. Git missing, a path
outside a repository, or a revision git does not know is a `GitError`: a usage error (exit 2).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import typing
from dataclasses import dataclass, field
from pathlib import Path

if typing.TYPE_CHECKING:
    from collections.abc import Iterable

    from peer_lsp.documents.store import Document
    from peer_lsp.syntax.unit import Unit

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
_OPTIONS = ("--literal-pathspecs", "-c", "core.quotePath=false")


class GitError(Exception):
    """``--diff`` cannot be honoured: git is missing, the path is not in a repository, or the
    revision is unknown. The message says which, for the user."""


@dataclass(frozen=True, slots=True)
class FileChanges:
    """The changed lines of one file: 0-based lines added or modified, and ``gaps``, the
    0-based lines just after lines that were deleted. ``whole``: the file is new."""

    lines: frozenset[int] = frozenset()
    gaps: frozenset[int] = frozenset()
    whole: bool = False

    def __bool__(self) -> bool:
        return self.whole or bool(self.lines or self.gaps)


def parse_hunks(diff: bytes) -> FileChanges:
    """The changes a ``git diff --unified=0`` of one file shows (new-file side only)."""
    lines: set[int] = set()
    gaps: set[int] = set()
    for match in _HUNK.finditer(diff):
        start = int(match.group(1))
        count = int(match.group(2)) if match.group(2) is not None else 1
        if count == 0:
            gaps.add(start)  # deleted after line ``start`` (1-based): before 0-based ``start``
        else:
            lines.update(range(start - 1, start - 1 + count))
    return FileChanges(frozenset(lines), frozenset(gaps))


@dataclass(slots=True)
class _Repository:
    root: Path
    changed: frozenset[Path]
    untracked: frozenset[Path]


@dataclass
class GitDiff:
    """The changes since ``rev``, asked of git lazily, one repository and one file at a time."""

    rev: str
    git: str = field(default="", repr=False)
    """The git executable; found on PATH when empty."""
    _roots: dict[Path, Path] = field(default_factory=dict, repr=False)
    _repositories: dict[Path, _Repository] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.rev or self.rev.startswith("-"):
            raise GitError(f"--diff needs a git revision, not {self.rev!r}")
        self.git = self.git or shutil.which("git") or ""
        if not self.git:
            raise GitError("--diff needs git, and git was not found on PATH")

    def check(self, paths: Iterable[Path]) -> None:
        """Fail now, before anything is checked, when a named path cannot be diffed."""
        for path in paths:
            self._repository(_folder(path), path)

    def changes(self, path: Path) -> FileChanges:
        """What changed in the file ``path`` since the revision."""
        real = Path(os.path.realpath(path))
        repository = self._repository(real.parent, path)
        if real in repository.untracked:
            return FileChanges(whole=True)
        if real not in repository.changed:
            return FileChanges()
        relative = real.relative_to(repository.root).as_posix()
        args = ["diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-textconv"]
        return parse_hunks(self._run([*args, self.rev, "--", relative], repository.root))

    def _repository(self, folder: Path, shown: Path) -> _Repository:
        root = self._roots.get(folder)
        if root is None:
            try:
                output = self._run(["rev-parse", "--show-toplevel"], folder)
            except GitError:
                raise GitError(f"--diff: {shown} is not in a git repository") from None
            root = self._roots[folder] = Path(os.path.realpath(output.decode().strip()))
        repository = self._repositories.get(root)
        if repository is None:
            repository = self._repositories[root] = self._read(root)
        return repository

    def _read(self, root: Path) -> _Repository:
        try:
            self._run(["rev-parse", "--verify", "--quiet", f"{self.rev}^{{commit}}"], root)
        except GitError:
            raise GitError(f"--diff: unknown git revision {self.rev!r} in {root}") from None
        names = self._run(["diff", "--name-only", "-z", "--no-renames", self.rev, "--"], root)
        others = self._run(["ls-files", "--others", "--exclude-standard", "-z"], root)
        return _Repository(root, _paths(root, names), _paths(root, others))

    def _run(self, args: list[str], cwd: Path) -> bytes:
        """Run git in ``cwd``; its output, or `GitError` with git's own complaint."""
        try:
            done = subprocess.run(
                [self.git, *_OPTIONS, *args],
                cwd=cwd,
                capture_output=True,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except OSError as error:
            raise GitError(f"--diff: cannot run git in {cwd}: {error.strerror or error}") from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
            raise GitError(f"git {args[0]} failed: {message}")
        return done.stdout


def _folder(path: Path) -> Path:
    real = Path(os.path.realpath(path))
    return real if real.is_dir() else real.parent


def _paths(root: Path, output: bytes) -> frozenset[Path]:
    return frozenset(root / os.fsdecode(name) for name in output.split(b"\0") if name)


def changed_units(document: Document, changes: FileChanges) -> list[Unit]:
    """The units of ``document`` that ``changes`` touch, innermost ones, in document order."""
    if changes.whole:
        return list(document.units)
    found: dict[int, Unit] = {}
    for line in changes.lines:
        unit = _unit_on_line(document, line)
        if unit is not None:
            found[id(unit)] = unit
    count = document.lines.line_count
    for gap in changes.gaps:
        if 0 < gap < count:
            point = document.lines.line_start(gap)
            unit = document.unit_index.innermost(point - 1, point)
            if unit is not None:
                found[id(unit)] = unit
    return sorted(found.values(), key=lambda unit: (unit.start_byte, -unit.end_byte))


def _unit_on_line(document: Document, line: int) -> Unit | None:
    """The innermost unit holding the text of ``line`` (None for a blank line)."""
    if line >= document.lines.line_count:
        return None
    data = document.data
    start = document.lines.line_start(line)
    end = document.lines.line_end(line, data)
    text = data[start:end]
    stripped = text.strip()
    if not stripped:
        return None
    first = start + len(text) - len(text.lstrip())
    return document.unit_index.innermost(first, first + len(stripped))
