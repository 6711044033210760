"""Tree-sitter queries shipped as ``<grammar>/<name>.scm`` files, loaded by `query_source`.

A file whose first line is ``; inherits: <grammar>`` starts with that grammar's file of the
same name (TSX reuses TypeScript's queries, whose node types it shares), then adds its own.
"""

from __future__ import annotations

import functools
from importlib import resources

_INHERITS = "; inherits:"


@functools.cache
def query_source(grammar: str, name: str) -> str | None:
    """The text of ``queries/<grammar>/<name>.scm`` with inherited files first, or None."""
    path = resources.files(__name__) / grammar / f"{name}.scm"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    first = text.split("\n", 1)[0].strip()
    if not first.startswith(_INHERITS):
        return text
    parents = [p.strip() for p in first.removeprefix(_INHERITS).split(",") if p.strip()]
    inherited = [query_source(parent, name) or "" for parent in parents]
    return "\n".join([*inherited, text])
