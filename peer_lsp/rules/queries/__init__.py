"""The rules' tree-sitter patterns: ``<grammar>/<rule-id>.scm`` files, shipped as package data.

A grammar that has no file of its own for a rule reads its base grammar's: TypeScript and TSX
read JavaScript's patterns (their trees share those node types), C++ reads C's. A file whose
first line is ``; inherits: <grammar>`` starts with that grammar's file of the same name, then
adds its own patterns (as the units queries do, `peer_lsp.syntax.queries`).
``<grammar>/complexity.scm`` holds the decision points counted for cyclomatic complexity.
"""

from __future__ import annotations

import functools
from importlib import resources

_INHERITS = "; inherits:"

BASE_GRAMMAR: dict[str, str] = {"typescript": "javascript", "tsx": "typescript", "cpp": "c"}
"""Where a grammar without its own file for a rule looks next."""


def _read(grammar: str, name: str) -> str | None:
    path = resources.files(__name__) / grammar / f"{name}.scm"
    return path.read_text(encoding="utf-8") if path.is_file() else None


@functools.cache
def rule_source(grammar: str, name: str) -> str | None:
    """The patterns of ``name`` for ``grammar``, with inherited files first; None if none."""
    text = _read(grammar, name)
    if text is None:
        base = BASE_GRAMMAR.get(grammar)
        return rule_source(base, name) if base else None
    first = text.split("\n", 1)[0].strip()
    if not first.startswith(_INHERITS):
        return text
    parents = [p.strip() for p in first.removeprefix(_INHERITS).split(",") if p.strip()]
    return "\n".join([*(rule_source(parent, name) or "" for parent in parents), text])
