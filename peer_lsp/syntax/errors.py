"""Where a tree has syntax errors: its innermost ERROR nodes and its MISSING nodes.

Only subtrees that contain an error are visited (``has_error``), so a clean tree costs one
check of the root however large it is.
"""

from __future__ import annotations

import typing

if typing.TYPE_CHECKING:
    from collections.abc import Iterator

    from tree_sitter import Node


def error_nodes(node: Node) -> Iterator[Node]:
    """Innermost ERROR nodes and MISSING nodes under ``node``, in document order.

    Walked with a stack, not by recursion: an error can sit thousands of levels deep.
    """
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_missing:
            yield current
            continue
        nested = [c for c in current.children if c.has_error or c.is_missing or c.is_error]
        if current.is_error and not nested:
            yield current
            continue
        stack.extend(reversed(nested))
