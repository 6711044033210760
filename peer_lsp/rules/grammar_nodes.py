"""Nodes read alike in every grammar: the grammar family, parentheses, text, calls, statements.

The rules' checks (`peer_lsp.rules.literals`, `peer_lsp.rules.credentials`...) and the
``*_rules`` modules walk nodes with these, so that one check serves a grammar family
(JavaScript, TypeScript and TSX; C and C++) in its own node types.
"""

from __future__ import annotations

import typing

if typing.TYPE_CHECKING:
    from collections.abc import Collection, Iterator

    from tree_sitter import Node

_JS = ("javascript", "typescript", "tsx")
_C = ("c", "cpp")


def family(grammar: str) -> str:
    """The grammar whose node types ``grammar`` shares for these checks."""
    if grammar in _JS:
        return "javascript"
    if grammar in _C:
        return "c"
    return grammar


def unwrap(node: Node) -> Node:
    """The expression inside parentheses (any depth)."""
    while node.type in ("parenthesized_expression", "parenthesized") and node.named_child_count:
        inner = node.named_children[0]
        if inner.type == "comment":
            break
        node = inner
    return node


def text(node: Node, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def callee_text(call: Node, data: bytes) -> str:
    """The called expression's text (``cur.execute``, ``eval``), whitespace removed."""
    function = call.child_by_field_name("function")
    if function is None:  # Java: object.name(...)
        name = call.child_by_field_name("name")
        obj = call.child_by_field_name("object")
        if name is None:
            return ""
        return f"{text(obj, data)}.{text(name, data)}" if obj is not None else text(name, data)
    return "".join(text(function, data).split())


def arguments_of(call: Node) -> list[Node]:
    """The argument expressions of a call, comments left out."""
    arguments = call.child_by_field_name("arguments")
    return [a for a in (arguments.named_children if arguments else []) if a.type != "comment"]


def name_of_target(node: Node, data: bytes) -> str:
    """The last name in an assignment target: ``self.password`` → ``password``."""
    node = unwrap(node)
    for field in ("attribute", "property", "field"):
        child = node.child_by_field_name(field)
        if child is not None:
            return text(child, data)
    return text(node, data)


def statement_of(node: Node, statements: Collection[str], stops: Collection[str]) -> Node | None:
    """The nearest of ``node`` and its ancestors whose type is in ``statements``; None when
    one whose type is in ``stops`` (a block, a function, the file) comes first."""
    current: Node | None = node
    while current is not None and current.type not in statements:
        if current.type in stops:
            return None
        current = current.parent
    return current


def ancestors(node: Node) -> Iterator[Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def identifiers_in(node: Node, data: bytes) -> Iterator[str]:
    """The identifiers under ``node`` (names of variables, attributes, fields)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type.endswith("identifier"):
            yield text(current, data)
        stack.extend(current.named_children)
