"""Constants and string literals: is an expression a constant, is a string built at run time.

A constant is a string without interpolation, a number, true/false/null, or an operation on
constants. A string is built at run time from a part that is not a constant: an f-string or
template literal with a substitution, ``"..." + x``, ``"..." % x``, ``"...".format(x)``,
``fmt.Sprintf``, ``String.format``; or a local variable last assigned such a string earlier
in the same function (`is_built_string`).
"""

from __future__ import annotations

import re
import typing

from peer_lsp.rules.assignments import assigned_value
from peer_lsp.rules.grammar_nodes import callee_text, family, text, unwrap

if typing.TYPE_CHECKING:
    from collections.abc import Iterator

    from tree_sitter import Node

_PYTHON = "python"


STRING_TYPES: dict[str, frozenset[str]] = {
    "python": frozenset({"string", "concatenated_string"}),
    "javascript": frozenset({"string", "template_string"}),
    "go": frozenset({"interpreted_string_literal", "raw_string_literal"}),
    "java": frozenset({"string_literal", "text_block"}),
    "c": frozenset({"string_literal", "concatenated_string", "raw_string_literal"}),
}
"""Node types of string literals, per grammar family."""


_CONSTANT_TYPES: dict[str, frozenset[str]] = {
    "python": frozenset({"integer", "float", "true", "false", "none"}),
    "javascript": frozenset({"number", "true", "false", "null", "undefined"}),
    "go": frozenset(
        {
            "int_literal",
            "float_literal",
            "imaginary_literal",
            "rune_literal",
            "true",
            "false",
            "nil",
        }
    ),
    "java": frozenset(
        {
            "decimal_integer_literal",
            "hex_integer_literal",
            "octal_integer_literal",
            "binary_integer_literal",
            "decimal_floating_point_literal",
            "hex_floating_point_literal",
            "character_literal",
            "true",
            "false",
            "null_literal",
        }
    ),
    "c": frozenset({"number_literal", "char_literal", "true", "false", "null", "nullptr"}),
}


_SUBSTITUTIONS = frozenset({"interpolation", "template_substitution"})


def is_string(node: Node, grammar: str) -> bool:
    """Whether ``node`` is a string literal (interpolated or not)."""
    return unwrap(node).type in STRING_TYPES.get(family(grammar), frozenset())


def has_substitution(node: Node) -> bool:
    """Whether a string literal embeds an expression (f-string, template literal)."""
    return any(
        child.type in _SUBSTITUTIONS or (child.type == "string" and has_substitution(child))
        for child in node.named_children
    )


def is_literal(node: Node, grammar: str) -> bool:
    """Whether ``node`` is a constant: a plain string, a number, a boolean or null."""
    node = unwrap(node)
    kind = family(grammar)
    if node.type in STRING_TYPES.get(kind, frozenset()):
        return not has_substitution(node)
    if node.type in _CONSTANT_TYPES.get(kind, frozenset()):
        return True
    if node.type in ("unary_expression", "unary_operator") and node.named_child_count == 1:
        return is_literal(node.named_children[0], grammar)
    if node.type in ("binary_expression", "binary_operator"):
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        return (
            left is not None
            and right is not None
            and is_literal(left, grammar)
            and is_literal(right, grammar)
        )
    return False


def _operator(node: Node) -> str:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else ""


def _attribute_name(node: Node, data: bytes) -> str:
    """``format`` for ``x.format``; ``Sprintf`` for ``fmt.Sprintf``; empty otherwise."""
    for field in ("attribute", "property", "field", "name"):
        child = node.child_by_field_name(field)
        if child is not None:
            return text(child, data)
    return ""


def is_interpolated(node: Node, grammar: str, data: bytes) -> bool:
    """Whether ``node`` builds a string at run time from a part that is not a constant."""
    node = unwrap(node)
    kind = family(grammar)
    if node.type in STRING_TYPES.get(kind, frozenset()):
        return has_substitution(node)
    if node.type in ("binary_expression", "binary_operator"):
        op = _operator(node)
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return False
        if op == "%" and kind == _PYTHON:
            return is_string(left, grammar) and not is_literal(right, grammar)
        if op == "+":
            parts = list(_concatenated(node))
            stringy = any(is_string(p, grammar) or is_interpolated(p, grammar, data) for p in parts)
            return stringy and not all(is_literal(p, grammar) for p in parts)
        return False
    if node.type in ("call", "call_expression", "method_invocation"):
        return _is_format_call(node, grammar, data)
    return False


def _concatenated(node: Node) -> Iterator[Node]:
    """The operands of a chain of ``+``, left to right; walked with a stack, since a chain
    is one tree level per ``+`` and real files have thousands."""
    stack = [node]
    while stack:
        current = unwrap(stack.pop())
        if current.type in ("binary_expression", "binary_operator") and _operator(current) == "+":
            operands = (current.child_by_field_name(f) for f in ("right", "left"))
            stack.extend(child for child in operands if child is not None)
        else:
            yield current


def _is_format_call(call: Node, grammar: str, data: bytes) -> bool:
    """``"...".format(x)``, ``fmt.Sprintf("...", x)``, ``String.format("...", x)``."""
    kind = family(grammar)
    arguments = call.child_by_field_name("arguments")
    args = [a for a in (arguments.named_children if arguments else []) if a.type != "comment"]
    if kind == _PYTHON:
        function = call.child_by_field_name("function")
        if function is None or function.type != "attribute":
            return False
        obj = function.child_by_field_name("object")
        return (
            _attribute_name(function, data) in ("format", "format_map")
            and obj is not None
            and is_string(obj, grammar)
            and any(not is_literal(a, grammar) for a in args)
        )
    name = callee_text(call, data)
    if kind == "go" and name in ("fmt.Sprintf",):
        return len(args) > 1 and any(not is_literal(a, grammar) for a in args[1:])
    if kind == "java":
        if name in ("String.format",):
            return len(args) > 1 and any(not is_literal(a, grammar) for a in args[1:])
        if name.endswith(".formatted"):
            obj = call.child_by_field_name("object")
            return obj is not None and is_string(obj, grammar)
    return False


def is_built_string(node: Node, grammar: str, data: bytes) -> bool:
    """`is_interpolated`, looking through a local variable to the value it was given."""
    if is_interpolated(node, grammar, data):
        return True
    value = assigned_value(unwrap(node), grammar, data)
    return value is not None and is_interpolated(value, grammar, data)


def string_value(node: Node, data: bytes) -> str:
    """The contents of a plain string literal, quotes and prefixes removed."""
    raw = text(node, data)
    match = re.match(r"^[A-Za-z]*(\"\"\"|'''|\"|'|`)(.*)\1$", raw, re.DOTALL)
    return match.group(2) if match else raw
