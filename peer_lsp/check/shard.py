"""`peer check --shard K/N`: the K-th of N disjoint parts of the files, for a CI matrix.

A file belongs to shard ``hash(path) mod N + 1``, the path being the file's relative to the
root of the git repository holding the current folder (else the current folder), spelled with
``/``: so each runner of a matrix, whatever folder it checked the repository out into and
whatever its operating system, puts every file in the same shard, and the N shards together
check each file exactly once. The findings of a file do not depend on the other files, so the
union of the N shards' findings is one run's (a path named on the command line that is not
checked is reported by its own shard only). The hash is BLAKE2b of the UTF-8 path: stable
across Python versions and processes, unlike ``hash()``. Files are spread evenly in
expectation, not exactly; shards differ by a few files.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ShardError(ValueError):
    """A ``--shard`` value that is not K/N with 1 <= K <= N; the message says why."""


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``K/N`` as a shard, or `ShardError` naming what is wrong."""
        match = _SPEC.match(text)
        if match is None:
            raise ShardError(f"expected K/N, two whole numbers such as 2/4, got {text!r}")
        index, count = int(match.group(1)), int(match.group(2))
        if count < 1:
            raise ShardError(f"N must be at least 1, got {text!r}")
        if not 1 <= index <= count:
            raise ShardError(f"K must be from 1 to N ({count}), got {text!r}")
        return cls(index, count)

    def takes(self, path: Path, root: Path) -> bool:
        """Whether the file ``path`` is in this shard (``root``: see the module docstring)."""
        return shard_of(path, root, self.count) == self.index


def shard_key(path: Path, root: Path) -> str:
    """What a file is hashed by: its path relative to ``root`` with ``/`` (absolute when it
    is outside ``root``)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return absolute.as_posix()


def shard_of(path: Path, root: Path, count: int) -> int:
    """The 1-based shard of ``count`` the file ``path`` belongs to."""
    key = shard_key(path, root).encode("utf-8", "surrogateescape")
    digest = hashlib.blake2b(key, digest_size=8).digest()
    return int.from_bytes(digest, "big") % count + 1
