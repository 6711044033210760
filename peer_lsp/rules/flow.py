"""A value followed to its sink inside one Python function: literal-only or built at run time.

A sink's argument is often a local name (``cmd = "ls " + path`` then ``os.system(cmd)``).
`origin` finds every ``name = value`` and ``name += value`` before the sink in the same
function (the module for module code; nested functions and classes left out) and classifies
the values: literal-only when each is made of string literals, their concatenation, f-strings
whose parts are literals, ``%`` or ``.format`` of literals (or a name that is itself
literal-only), built otherwise. Branches are not told apart: the last plain ``=`` that runs on
every path to the sink (a statement of a block around it) overwrites what came before; from
there on, the name is built if any assignment is, literal-only if all are and nothing else
binds it (a parameter, a loop variable, an unpacking, an import), unknown otherwise, and a
check keeps its old judgement. Assignments after the sink (a loop's next turn) are not seen.
"""

from __future__ import annotations

import enum
import typing

from peer_lsp.rules.assignments import enclosing_scope
from peer_lsp.rules.grammar_nodes import ancestors, text, unwrap
from peer_lsp.rules.literals import is_literal

if typing.TYPE_CHECKING:
    from tree_sitter import Node

_GRAMMAR = "python"
_MAX_DEPTH = 8
"""How many names deep a value is followed (``a = "x"; b = a + "y"; eval(b)``)."""

_NESTED_SCOPES = frozenset({"function_definition", "lambda", "class_definition"})
_ASSIGNMENTS = frozenset({"assignment", "augmented_assignment"})


class Origin(enum.Enum):
    """Where the value of an expression comes from."""

    LITERAL = "literal"
    """Only from constants: the same value on every run."""
    BUILT = "built"
    """From at least one value that is not a constant."""
    UNKNOWN = "unknown"
    """A name bound in a way not followed here (parameter, loop variable, unpacking...)."""


def origin(node: Node, data: bytes) -> Origin:
    """Where the Python expression ``node`` (often a sink's argument) gets its value."""
    return _origin(unwrap(node), data, _MAX_DEPTH)


def _origin(node: Node, data: bytes, depth: int) -> Origin:
    node = unwrap(node)
    if node.type == "identifier":
        return _name_origin(node, data, depth)
    return Origin.LITERAL if _literal_only(node, data, depth) else Origin.BUILT


def _literal_only(node: Node, data: bytes, depth: int) -> bool:
    """Whether an expression is made only of constants (names followed to their values)."""
    node = unwrap(node)
    if is_literal(node, _GRAMMAR):
        return True
    if node.type == "identifier":
        return _name_origin(node, data, depth) is Origin.LITERAL
    if node.type == "string":
        return all(
            _literal_only(part.named_children[0], data, depth)
            for part in node.named_children
            if part.type == "interpolation" and part.named_child_count
        )
    if node.type == "concatenated_string":
        return all(_literal_only(part, data, depth) for part in node.named_children)
    if node.type in ("tuple", "expression_list"):
        return all(_literal_only(part, data, depth) for part in node.named_children)
    if node.type == "binary_operator":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        return (
            left is not None
            and right is not None
            and _literal_only(left, data, depth)
            and _literal_only(right, data, depth)
        )
    if node.type == "call":
        return _literal_format(node, data, depth)
    return False


def _literal_format(call: Node, data: bytes, depth: int) -> bool:
    """``"...".format(...)`` of a literal-only string with literal-only arguments."""
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if function is None or function.type != "attribute" or arguments is None:
        return False
    method = function.child_by_field_name("attribute")
    obj = function.child_by_field_name("object")
    if method is None or obj is None or text(method, data) != "format":
        return False
    values = []
    for arg in arguments.named_children:
        if arg.type == "comment":
            continue
        if arg.type != "keyword_argument":
            values.append(arg)
            continue
        value = arg.child_by_field_name("value")
        if value is None:
            return False
        values.append(value)
    return _literal_only(obj, data, depth) and all(_literal_only(v, data, depth) for v in values)


def _name_origin(name: Node, data: bytes, depth: int) -> Origin:
    """Every ``=`` and ``+=`` to ``name`` before it, in its function, classified together:
    built if any value is; literal-only if every value is and nothing else binds the name."""
    if depth <= 0:
        return Origin.BUILT
    values, bound_otherwise = _assigned_before(name, data)
    if any(not _literal_only(value, data, depth - 1) for value in values):
        return Origin.BUILT
    if bound_otherwise or not values:
        return Origin.UNKNOWN
    return Origin.LITERAL


def _assigned_before(name: Node, data: bytes) -> tuple[list[Node], bool]:
    """The values assigned to ``name``'s identifier before it in its scope, from the last
    plain ``=`` that always runs before it (a statement of a block around it) on; and whether
    the name is also bound another way since (``for``, ``with``, unpacking, a parameter...),
    which we cannot classify."""
    wanted = text(name, data)
    scope = enclosing_scope(name, _GRAMMAR)
    assignments: list[Node] = []
    others: list[int] = []
    stack = list(scope.named_children)
    while stack:
        current = stack.pop()
        if current.start_byte >= name.start_byte or current.type in _NESTED_SCOPES:
            continue
        if current.type in _ASSIGNMENTS:
            target = current.child_by_field_name("left")
            if target is not None and target.type == "identifier" and text(target, data) == wanted:
                complete = current.child_by_field_name("right") is not None
                if complete and current.end_byte <= name.start_byte:
                    assignments.append(current)
                else:
                    others.append(current.start_byte)
                continue
        elif _binds_otherwise(current, wanted, data):
            others.append(current.start_byte)
        stack.extend(current.named_children)
    assignments.sort(key=lambda node: node.start_byte)
    cut = _last_dominating(assignments, name)
    kept = assignments[max(cut, 0) :]
    since = kept[0].start_byte if cut >= 0 else -1
    values = [value for node in kept if (value := node.child_by_field_name("right")) is not None]
    return values, any(at > since for at in others)


def _last_dominating(assignments: list[Node], name: Node) -> int:
    """The index of the last plain ``=`` that is a statement of a block enclosing ``name``
    (so it runs, and overwrites what came before, on every path to ``name``); -1 if none."""
    enclosing = {(node.start_byte, node.end_byte) for node in ancestors(name)}
    for index in range(len(assignments) - 1, -1, -1):
        node = assignments[index]
        block = node.parent
        if block is not None and block.type == "expression_statement":
            block = block.parent
        if node.type != "assignment" or block is None or block.type not in ("block", "module"):
            continue
        if (block.start_byte, block.end_byte) in enclosing:
            return index
    return -1


def _binds_otherwise(node: Node, wanted: str, data: bytes) -> bool:
    """Whether identifier ``node`` binds ``wanted`` other than by a plain ``=``/``+=`` to the
    name alone: a parameter, a loop or ``with`` target, an unpacking, a walrus, ``global``,
    ``nonlocal`` or an import."""
    if node.type != "identifier" or text(node, data) != wanted or node.parent is None:
        return False
    parent = node.parent
    if parent.type in _BINDING_PARENTS:
        return True
    first = parent.named_children[0] if parent.named_child_count else None
    if parent.type in ("typed_parameter", "list_splat_pattern", "dictionary_splat_pattern"):
        return first == node
    for field in _BINDING_FIELDS.get(parent.type, ()):
        if parent.child_by_field_name(field) == node:
            return True
    return False


_BINDING_PARENTS = frozenset(
    {
        "parameters",
        "lambda_parameters",
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "as_pattern_target",
        "global_statement",
        "nonlocal_statement",
        "dotted_name",
    }
)
"""Parents whose identifier children are all bound names."""

_BINDING_FIELDS: dict[str, tuple[str, ...]] = {
    "for_statement": ("left",),
    "named_expression": ("name",),
    "default_parameter": ("name",),
    "typed_default_parameter": ("name",),
    "aliased_import": ("alias",),
}
"""Parents that bind the identifier in one of their fields."""


def assigned_values(name: Node, data: bytes) -> list[Node]:
    """The values the last assignments to identifier ``name`` before it give it (the same
    assignments `origin` classifies); empty when it is bound another way too."""
    values, bound_otherwise = _assigned_before(name, data)
    return [] if bound_otherwise else values
