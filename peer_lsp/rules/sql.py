"""Whether the strings of an expression read like an SQL statement (``SELECT … FROM``...)."""

from __future__ import annotations

import re
import typing

from peer_lsp.rules.grammar_nodes import family, text
from peer_lsp.rules.literals import STRING_TYPES

if typing.TYPE_CHECKING:
    from tree_sitter import Node

_SQL = re.compile(
    r"""\b(?:
        select\b[\s\S]*?\bfrom\b
      | insert\s+(?:or\s+\w+\s+)?into\b
      | update\b[\s\S]*?\bset\b
      | delete\s+from\b
      | replace\s+into\b
      | merge\s+into\b
      | (?:create|drop|alter|truncate)\s+(?:temp(?:orary)?\s+)?
        (?:table|index|view|database|schema)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def looks_like_sql(value: str) -> bool:
    """Whether ``value`` reads like an SQL statement."""
    return _SQL.search(value) is not None


def string_parts(node: Node, grammar: str, data: bytes) -> str:
    """The literal text of every string inside ``node``, joined by spaces."""
    kinds = STRING_TYPES.get(family(grammar), frozenset())
    parts: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in kinds:
            parts.append(text(current, data))
            continue
        stack.extend(reversed(current.named_children))
    return " ".join(parts)
