"""File discovery for `peer check`: the paths named on the command line → the files to check.

Folders are walked in name order; a file found in a folder is a candidate when a grammar
knows its language (`language_for_path`), when no ``.gitignore`` ignores it and when no
exclude glob matches it. The ``.git`` folder is never entered.

Ignore rules follow git: each ``.gitignore`` holds patterns relative to its own folder, a
deeper file overrides a shallower one, the last matching line wins, and a file inside an
ignored folder stays ignored. Inside a git repository every ``.gitignore`` from the
repository root down applies (and ``.git/info/exclude``), also when only a subfolder is
checked; outside a repository only the ``.gitignore`` files in the named folders and below
them apply. Global git excludes (``core.excludesFile``) are not read.

The command line wins over ``.gitignore``: a file named on the command line is yielded
whatever its name or language (the caller decides whether it can be checked), and a folder
named on the command line is walked even when it is itself ignored. It wins over the
built-in excludes too (``implicit`` ones: node_modules, .venv, … are a guess about code
nobody named): they apply only below a named folder, relative to it. Exclude globs the user
wrote (the ``exclude`` setting, ``--exclude``) apply to everything, named or found.

A named path is yielded only when it is a regular file (or walked when a folder): a FIFO,
a device or a socket is never opened (a FIFO waits for a writer forever, /dev/zero never
ends), and it, a broken symbolic link, a link loop, an unreadable path and a named path an
exclude glob matches are reported to ``on_skip`` with the reason, never passed over in
silence. Inside folders only regular files are candidates and symbolic links to folders are
not followed, so a walk always ends.

Nothing here prints or analyses; it only reads folders and ``.gitignore`` files.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import typing
from dataclasses import dataclass
from pathlib import Path, PurePath

from pathspec import GitIgnoreSpec

from peer_lsp.syntax.languages import language_for_path

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    OnSkip = Callable[[Path, str], None]
    """Told each named path that is not checked (as given) and why."""

GIT_DIR = ".git"
GITIGNORE = ".gitignore"


class InvalidPatternError(ValueError):
    """An exclude glob that is not a valid gitignore-style pattern."""


def _absolute(path: PurePath | str) -> Path:
    """An absolute, normalized path that keeps symlinks (unlike `Path.resolve`)."""
    return Path(os.path.abspath(path))


def _relative(path: Path, base: Path, is_dir: bool) -> str:
    """``path`` relative to ``base`` in gitignore spelling (``/``, folders end with ``/``)."""
    try:
        text = path.relative_to(base).as_posix()
    except ValueError:
        text = path.as_posix().lstrip("/")
    if is_dir and text not in ("", "."):
        text += "/"
    return text


def _spec(lines: Iterable[str]) -> GitIgnoreSpec:
    """A spec from gitignore lines, dropping the lines git itself would not understand."""
    lines = list(lines)
    try:
        return GitIgnoreSpec.from_lines(lines)
    except (ValueError, re.error):
        good = []
        for line in lines:
            try:
                GitIgnoreSpec.from_lines([line])
            except (ValueError, re.error):
                continue
            good.append(line)
        return GitIgnoreSpec.from_lines(good)


class Excludes:
    """Exclude globs (gitignore syntax) matched against paths relative to ``base``.

    A path outside ``base`` is matched by its absolute spelling, so ``**/``-patterns
    still apply to it. ``implicit`` globs are built in, not written by the user: a named
    path wins over them. ``origin`` says where the globs were set, for messages.
    """

    def __init__(
        self, patterns: Iterable[str], base: Path, *, implicit: bool = False, origin: str = ""
    ) -> None:
        self.patterns = tuple(patterns)
        self.base = _absolute(base)
        self.implicit = implicit
        self.origin = origin
        try:
            self._spec = GitIgnoreSpec.from_lines(self.patterns)
        except (ValueError, re.error) as error:  # re.error: a bracket range such as [z-a]
            raise InvalidPatternError(str(error)) from None

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def match(self, path: Path, is_dir: bool = False) -> bool:
        """True when ``path`` (absolute) is excluded."""
        return self.pattern_for(path, is_dir) is not None

    def pattern_for(self, path: Path, is_dir: bool = False) -> str | None:
        """The glob that excludes ``path`` (absolute), or None."""
        if not self.patterns:
            return None
        result = self._spec.check_file(_relative(path, self.base, is_dir))
        if not result.include or result.index is None:
            return None
        return self.patterns[result.index]

    def rebased(self, base: Path) -> Excludes:
        """The same globs, relative to ``base``."""
        return Excludes(self.patterns, base, implicit=self.implicit, origin=self.origin)


@dataclass(frozen=True, slots=True)
class _IgnoreFile:
    base: Path
    spec: GitIgnoreSpec


@dataclass(frozen=True, slots=True)
class _IgnoreRules:
    """The ``.gitignore`` files in force in one folder, shallowest first."""

    files: tuple[_IgnoreFile, ...] = ()

    def ignored(self, path: Path, is_dir: bool) -> bool:
        verdict = False
        for ignore in self.files:
            result = ignore.spec.check_file(_relative(path, ignore.base, is_dir))
            if result.include is not None:
                verdict = bool(result.include)
        return verdict

    def entering(self, folder: Path) -> _IgnoreRules:
        """The rules inside ``folder``: these plus its own ``.gitignore``."""
        spec = _read_ignore_file(folder / GITIGNORE)
        if spec is None:
            return self
        return _IgnoreRules((*self.files, _IgnoreFile(folder, spec)))


def _read_ignore_file(path: Path) -> GitIgnoreSpec | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    spec = _spec(text.splitlines())
    return spec if len(spec) else None


def find_repository_root(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` (absolute) that holds a ``.git`` entry."""
    folder = path if path.is_dir() else path.parent
    for candidate in (folder, *folder.parents):
        if (candidate / GIT_DIR).exists():
            return candidate
    return None


def _without_patterns_matching(spec: GitIgnoreSpec, folders: Sequence[str]) -> GitIgnoreSpec:
    """``spec`` minus the patterns that match one of ``folders`` (gitignore spelling).

    Patterns also match everything below what they match, so a pattern that ignores a
    folder named on the command line would otherwise ignore all of its contents.
    """
    kept = [
        pattern
        for pattern in spec.patterns
        if pattern.include is None or not any(pattern.match_file(f) for f in folders)
    ]
    return GitIgnoreSpec(kept)


def _rules_above(folder: Path) -> _IgnoreRules:
    """The ignore rules that reach into ``folder`` (absolute) from the folders above it.

    Only inside a git repository: ``.git/info/exclude`` and the ``.gitignore`` files from
    its root down to the parent of ``folder``, minus the patterns that would ignore
    ``folder`` itself (it was named on the command line).
    """
    root = find_repository_root(folder)
    if root is None:
        return _IgnoreRules()
    files: list[_IgnoreFile] = []
    info = _read_ignore_file(root / GIT_DIR / "info" / "exclude")
    if info is not None:
        files.append(_IgnoreFile(root, info))
    if root != folder:
        for base in (root, *(root / part for part in _ancestors(folder.relative_to(root)))):
            spec = _read_ignore_file(base / GITIGNORE)
            if spec is not None:
                files.append(_IgnoreFile(base, spec))
    trimmed = []
    for ignore in files:
        relative = folder.relative_to(ignore.base)
        spec = ignore.spec
        if relative.parts:
            folders = [f"{part.as_posix()}/" for part in (*_ancestors(relative), relative)]
            spec = _without_patterns_matching(spec, folders)
        trimmed.append(_IgnoreFile(ignore.base, spec))
    return _IgnoreRules(tuple(trimmed))


def _ancestors(relative: PurePath) -> list[PurePath]:
    """``a``, ``a/b`` for ``a/b/c``: the proper ancestors of a relative path, shallowest first."""
    parts = relative.parts
    return [PurePath(*parts[:n]) for n in range(1, len(parts))]


def _walk_folder(
    shown: Path,
    folder: Path,
    rules: _IgnoreRules,
    excludes: Sequence[Excludes],
    on_skip: OnSkip | None = None,
) -> Iterator[tuple[Path, Path]]:
    """(shown path, absolute path) of each candidate file below ``folder``."""
    rules = rules.entering(folder)
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        if on_skip is not None:
            on_skip(shown, f"cannot be read: {error.strerror or error}")
        return
    for entry in entries:
        path = folder / entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue
        if is_dir:
            if entry.name == GIT_DIR or _skipped(path, True, rules, excludes):
                continue
            yield from _walk_folder(shown / entry.name, path, rules, excludes, on_skip)
        elif (
            is_file
            and language_for_path(entry.name) is not None
            and not _skipped(path, False, rules, excludes)
        ):
            yield shown / entry.name, path


def _skipped(path: Path, is_dir: bool, rules: _IgnoreRules, excludes: Sequence[Excludes]) -> bool:
    return rules.ignored(path, is_dir) or any(e.match(path, is_dir) for e in excludes)


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def not_regular(mode: int) -> str | None:
    """Why a path of this ``st_mode`` is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "neither a file nor a folder")
    return f"not a regular file ({kind})"


def _unusable(path: Path) -> tuple[str | None, bool]:
    """Why a named path (absolute) cannot be checked, or None; and whether it is a folder.

    Only its metadata is read (following symbolic links): it is never opened here.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link loop", False
        if error.errno == errno.ENOENT and os.path.islink(path):
            return "a broken symbolic link", False
        return f"cannot be read: {error.strerror or error}", False
    if stat.S_ISDIR(mode):
        return None, True
    return not_regular(mode), False


def _excluded_by(path: Path, is_dir: bool, excludes: Sequence[Excludes]) -> str | None:
    """Why the user's own exclude globs skip a named path, or None."""
    for exclude in excludes:
        pattern = None if exclude.implicit else exclude.pattern_for(path, is_dir)
        if pattern is not None:
            where = f" ({exclude.origin})" if exclude.origin else ""
            return f"excluded by {pattern!r}{where}"
    return None


def _named(
    given: Path, excludes: Sequence[Excludes], on_skip: OnSkip | None
) -> Iterator[tuple[Path, Path]]:
    """(shown, absolute) of the files one named path stands for."""
    absolute = _absolute(given)
    why, is_dir = _unusable(absolute)
    if why is None:
        why = _excluded_by(absolute, is_dir, excludes)
    if why is not None:
        if on_skip is not None:
            on_skip(given, why)
        return iter(())
    if not is_dir:
        return iter([(given, absolute)])
    below = [e.rebased(absolute) if e.implicit else e for e in excludes]
    return _walk_folder(given, absolute, _rules_above(absolute), below, on_skip)


def walk(
    paths: Iterable[Path], excludes: Sequence[Excludes] = (), on_skip: OnSkip | None = None
) -> Iterator[Path]:
    """The files to check under ``paths``, each once, spelled from the path given; each
    named path that is not checked goes to ``on_skip`` with the reason (module docstring).

    A path that does not exist is reported like any other; callers check existence first.
    """
    paths = list(paths)
    seen: set[Path] | None = set() if len(paths) > 1 else None  # only overlaps repeat
    for given in paths:
        for shown, path in _named(given, excludes, on_skip):
            if seen is not None:
                if path in seen:
                    continue
                seen.add(path)
            yield shown
