"""Dismissed findings, remembered per workspace across restarts.

A dismissed finding is named by its fingerprint (rule, unit and normalized excerpt, never a
line), so it stays dismissed while lines move and comes back when its code changes. The set
of one workspace lives in ``<user state dir>/dismissed/<sha256 of the workspace root>.json``;
nothing is written into the workspace itself. Writes merge with what the file holds (another
editor window on the same workspace may have dismissed something meanwhile) and replace the
file atomically. A missing or unreadable file is an empty set: dismissals are a convenience,
never a reason to fail.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = 1


def state_dir() -> Path:
    """The user state directory of peer-lsp (``$XDG_STATE_HOME/peer-lsp`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_state_dir("peer-lsp", appauthor=False))


def dismissed_path(root: Path, base: Path | None = None) -> Path:
    """The file holding the dismissed fingerprints of the workspace at ``root``."""
    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()
    return (base or state_dir()) / "dismissed" / f"{key}.json"


def load_dismissed(path: Path) -> set[str]:
    """The fingerprints in ``path``; empty when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set()
    except (OSError, UnicodeDecodeError, ValueError) as error:
        log.warning("dismissed findings not read from %s: %s", path, error)
        return set()
    fingerprints = data.get("fingerprints") if isinstance(data, dict) else None
    if not isinstance(fingerprints, list):
        log.warning("dismissed findings not read from %s: not a peer-lsp file", path)
        return set()
    return {f for f in fingerprints if isinstance(f, str)}


def save_dismissed(path: Path, fingerprints: Iterable[str], root: Path | None = None) -> set[str]:
    """Add ``fingerprints`` to the file at ``path``; the whole set it now holds.

    Raises OSError when the file cannot be written.
    """
    merged = load_dismissed(path) | set(fingerprints)
    payload = {
        "format": FORMAT,
        "root": str(root) if root else None,
        "fingerprints": sorted(merged),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".dismissed-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(payload, file, indent=1)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return merged
