"""What a local name holds: the function around a use, and the value last assigned before it.

Checks look through a local variable to the value it was given (``query = "SELECT " + x``
then ``execute(query)``), in the assignment shapes of each grammar family.
"""

from __future__ import annotations

import typing

from peer_lsp.rules.grammar_nodes import ancestors, family, text
from peer_lsp.rules.memo import memoized

if typing.TYPE_CHECKING:
    from tree_sitter import Node

_Assignment = tuple[int, int, "Node"]
"""An assignment's start and end byte, and the value it assigns."""

_SCOPES: dict[str, frozenset[str]] = {
    "python": frozenset({"function_definition", "lambda", "module"}),
    "javascript": frozenset(
        {
            "function_declaration",
            "function_expression",
            "arrow_function",
            "method_definition",
            "generator_function_declaration",
            "program",
        }
    ),
    "go": frozenset({"function_declaration", "method_declaration", "func_literal", "source_file"}),
    "java": frozenset(
        {"method_declaration", "constructor_declaration", "lambda_expression", "program"}
    ),
    "c": frozenset({"function_definition", "translation_unit"}),
}


_ASSIGNMENTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "python": (("assignment", "left", "right"),),
    "javascript": (
        ("variable_declarator", "name", "value"),
        ("assignment_expression", "left", "right"),
    ),
    "go": (
        ("short_var_declaration", "left", "right"),
        ("assignment_statement", "left", "right"),
        ("var_spec", "name", "value"),
    ),
    "java": (
        ("variable_declarator", "name", "value"),
        ("assignment_expression", "left", "right"),
    ),
    "c": (("init_declarator", "declarator", "value"), ("assignment_expression", "left", "right")),
}
"""(node type, target field, value field) of the assignments of each grammar family."""


def enclosing_scope(node: Node, grammar: str) -> Node:
    """The innermost function around ``node``, else the root."""
    scopes = _SCOPES.get(family(grammar), frozenset())
    last = node
    for parent in ancestors(node):
        if parent.type in scopes:
            return parent
        last = parent
    return last


def _single(node: Node | None) -> Node | None:
    """The only expression of a Go ``expression_list`` (or the node itself)."""
    if node is not None and node.type == "expression_list":
        return node.named_children[0] if node.named_child_count == 1 else None
    return node


def assigned_value(node: Node, grammar: str, data: bytes) -> Node | None:
    """For an identifier: the value last assigned to that name before ``node`` in the same
    function (a plain ``name = value``); None when there is none or ``node`` is no name."""
    if node.type != "identifier":
        return None
    found: Node | None = None
    found_at = -1
    scope = enclosing_scope(node, grammar)
    for start, end, value in _assignments(scope, grammar, data).get(text(node, data), ()):
        if end <= node.start_byte and start > found_at:
            found, found_at = value, start
    return found


def _assignments(scope: Node, grammar: str, data: bytes) -> dict[str, list[_Assignment]]:
    """Every plain assignment in ``scope`` (nested functions included), by the name assigned;
    indexed once per function and run of the rules (`peer_lsp.rules.memo`): a check asks for
    each name it follows, and walking the function each time made a long function with many
    sinks quadratic (1,400 in one function: about a minute)."""
    shapes = _ASSIGNMENTS.get(family(grammar), ())

    def build() -> dict[str, list[_Assignment]]:
        index: dict[str, list[_Assignment]] = {}
        stack = [scope]
        while stack:
            current = stack.pop()
            for kind, target_field, value_field in shapes:
                if current.type != kind:
                    continue
                target = _single(current.child_by_field_name(target_field))
                value = _single(current.child_by_field_name(value_field))
                if target is not None and value is not None:
                    entry = (current.start_byte, current.end_byte, value)
                    index.setdefault(text(target, data), []).append(entry)
            stack.extend(current.named_children)
        return index

    key = ("assignments", family(grammar), scope.start_byte, scope.end_byte, scope.type)
    return memoized(data, key, build)
