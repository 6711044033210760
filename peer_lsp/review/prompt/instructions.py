"""A project's own review instructions: ``.peer/instructions.md``, added to review prompts.

A team writes its conventions there ("we use Result types, never exceptions, in core/") and
every review prompt for a file under that folder carries them, after peer's own instructions.
They are the nearest such file walking up from the file reviewed, stopping at the repository
root (the folder holding ``.git``). Read live: an edit to the file is seen by the next prompt
(its modification time is checked, the text kept). Capped at `MAX_TOKENS`; the cut is said.

The text is untrusted input: it reaches the model only, inside the system message, so it can
change what is found but not where code or keys go. Being in the system message, it is part
of the answer cache's key: changed instructions mean fresh reviews.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from peer_lsp.llm.tokens import estimate_tokens

INSTRUCTIONS_FILE = Path(".peer") / "instructions.md"
MAX_TOKENS = 1500
"""The most of the file a prompt carries, in estimated tokens."""
HEADER = (
    "## Project instructions\n\n"
    "The project under review asks reviewers to follow these conventions:\n\n"
)
CUT_NOTE = "\n\n(project instructions cut here: .peer/instructions.md is over the limit)"


@dataclass(frozen=True, slots=True)
class Instructions:
    """The project's instructions as a prompt carries them, and the file they came from."""

    text: str
    path: Path | None = None
    cut: bool = False

    def section(self) -> str:
        """The block appended to the system message; empty without instructions."""
        return f"\n\n{HEADER}{self.text}" if self.text else ""


NONE = Instructions("")


def instructions_for(file: Path | None) -> Instructions:
    """The instructions that apply to ``file`` (NONE for no file or no instructions)."""
    if file is None:
        return NONE
    found = _nearest(file.parent)
    if found is None:
        return NONE
    try:
        stat = found.stat()
    except OSError:
        return NONE
    return _read(found, stat.st_mtime_ns, stat.st_size)


def _nearest(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        path = candidate / INSTRUCTIONS_FILE
        if path.is_file():
            return path
        if (candidate / ".git").exists():
            return None
    return None


@functools.lru_cache(maxsize=32)
def _read(path: Path, mtime_ns: int, size: int) -> Instructions:
    """The file's text fitted to `MAX_TOKENS`; keyed by modification time and size, so an
    edited file is read again."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return NONE
    if not text:
        return NONE
    if estimate_tokens(text) <= MAX_TOKENS:
        return Instructions(text, path)
    lines = text.splitlines()
    low, high = 0, len(lines)
    while low < high:  # the most whole lines that fit
        middle = (low + high + 1) // 2
        if estimate_tokens("\n".join(lines[:middle])) <= MAX_TOKENS:
            low = middle
        else:
            high = middle - 1
    kept = "\n".join(lines[:low]) or text[: MAX_TOKENS * 3]
    return Instructions(kept + CUT_NOTE, path, cut=True)
