"""What a unit exports, so that a fix which changes it is refused: a fix repairs a body, it
does not change what callers see.

Per unit, in every language with a units query:

- a function or method exports its name and its parameter list. In Python and JavaScript
  family languages a parameter is its name, its kind (``*args``, ``**kw``, ``...rest``,
  keyword-only and positional-only markers, ``?`` optional) and whether it has a default:
  a default's value and a type annotation may change (``def f(x=[])`` -> ``x=None`` is the
  classic fix). Elsewhere a parameter is its whole text without whitespace, its default's
  value aside, because the types are part of the signature (Java overloads, C, Go, Rust).
- a class (struct, interface, enum...) exports its name, its header from the name to the
  body (type parameters and bases) and the names of its public members: in Python those not
  starting with ``_`` (dunders are public), in JavaScript those not ``#private`` or ``_``,
  in Java those not ``private``, in Go the capitalised fields and methods; elsewhere the
  members are not compared (C++ access sections, Rust ``impl`` blocks apart from the type).

A chunk of top-level code exports nothing we compare.
"""

from __future__ import annotations

import re
import typing
from collections import deque

from peer_lsp.syntax.budget import OverBudget
from peer_lsp.syntax.unit import UnitKind
from peer_lsp.syntax.unit_extract import extract_units

if typing.TYPE_CHECKING:
    from collections.abc import Callable

    from tree_sitter import Node, Tree

    from peer_lsp.syntax.unit import Unit

_SPACE = re.compile(r"\s+")
_PYTHON_KINDS = {
    "default_parameter": "=",
    "typed_default_parameter": "=",
    "list_splat_pattern": "*",
    "dictionary_splat_pattern": "**",
    "keyword_separator": "*",
    "positional_separator": "/",
}
_JS_KINDS = {"assignment_pattern": "=", "rest_pattern": "...", "optional_parameter": "?"}
_DEFAULT_FIELDS = ("value", "default_value", "default")


def changed_exports(unit: Unit, old: tuple[Tree, bytes], new: tuple[Tree, bytes]) -> str:
    """Why the fix changes what ``unit`` exports (empty when it does not); ``old`` and
    ``new`` are the document's tree and text before and after the fix."""
    if unit.kind is UnitKind.CHUNK:
        return ""
    (old_tree, old_data), (new_tree, new_data) = old, new
    new_end = unit.end_byte + len(new_data) - len(old_data)
    try:
        before = _definition(unit, old_tree, old_data, unit.end_byte)
        after = _definition(unit, new_tree, new_data, new_end)
    except OverBudget:
        return ""  # a unit too deep to search in time: its syntax check stands alone
    if before is None:
        return ""  # the unit was extracted from a tree we cannot find it in again: no claim
    if after is None:
        return f"the fix renames or removes `{unit.name}`"
    grammar = unit.language
    if unit.kind is UnitKind.CLASS:
        if _header(old_data, before) != _header(new_data, after):
            return f"the fix changes the header (bases) of `{unit.name}`"
        old_members = _members(old_data, before, grammar)
        new_members = _members(new_data, after, grammar)
        if old_members != new_members:
            gone = sorted(set(old_members) - set(new_members))
            added = sorted(set(new_members) - set(old_members))
            what = f"removes `{gone[0]}`" if gone else f"adds `{added[0]}`" if added else ""
            return f"the fix changes the public members of `{unit.name}` ({what})".replace(
                " ()", ""
            )
        return ""
    if _parameters(old_data, before, grammar) != _parameters(new_data, after, grammar):
        return f"the fix changes the parameters of `{unit.name}`"
    return ""


def _definition(unit: Unit, tree: Tree, data: bytes, end: int) -> Node | None:
    """The node of the unit with ``unit``'s kind and name starting where it starts."""
    root = tree.root_node
    node = root.descendant_for_byte_range(unit.start_byte, max(unit.start_byte, end - 1))
    while node is not None and (node.start_byte > unit.start_byte or node.end_byte < end):
        node = node.parent
    for found in extract_units(unit.language, node or root, data, unit.lines):
        if found.start_byte == unit.start_byte and found.name == unit.name:
            same_kind = (found.kind is UnitKind.CLASS) == (unit.kind is UnitKind.CLASS)
            if same_kind:
                return _node_at(root, found.start_byte, found.end_byte)
    return None


def _node_at(root: Node, start: int, end: int) -> Node | None:
    node = root.descendant_for_byte_range(start, max(start, end - 1))
    while node is not None and (node.start_byte > start or node.end_byte < end):
        node = node.parent
    while node is not None and node.parent is not None and node.parent.start_byte == start:
        if node.parent.end_byte != end:
            break
        node = node.parent
    return node


def _text(src: bytes, node: Node | None) -> str:
    """A node's text, read from the document's bytes (a tree parsed through a callback has
    none of its own)."""
    if node is None:
        return ""
    return src[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _squeeze(text: str) -> str:
    return _SPACE.sub("", text)


def body_of(node: Node) -> Node | None:
    """The body of a definition (found below wrappers: decorators, `export`, declarators)."""

    def body(current: Node) -> Node | None:
        if current.type in {"struct_type", "interface_type"}:  # Go
            return current.child_by_field_name("body") or current
        return current.child_by_field_name("body")

    return _nearest(node, body)


def _nearest(
    node: Node, found: Callable[[Node], Node | None], skip: frozenset[str] = frozenset()
) -> Node | None:
    """The first node ``found`` returns for ``node`` and its named descendants, nearest
    first (breadth first), not looking below nodes of a type in ``skip``."""
    queue = deque([node])
    while queue:
        current = queue.popleft()
        result = found(current)
        if result is not None:
            return result
        queue.extend(c for c in current.named_children if c.type not in skip)
    return None
    return None


def _parameters(src: bytes, node: Node, grammar: str) -> tuple[str, ...]:
    """The parameter list of a function definition, as comparable items."""
    queue = [node]
    while queue:
        current = queue.pop(0)
        params = current.child_by_field_name("parameters")
        if params is None and current.type == "arrow_function":
            params = current.child_by_field_name("parameter")
        if params is not None:
            return _items(src, params, grammar)
        body = current.child_by_field_name("body")
        queue.extend(c for c in current.named_children if c != body)
    return ()


def _items(src: bytes, params: Node, grammar: str) -> tuple[str, ...]:
    if params.type == "identifier":
        return (_text(src, params),)
    items = []
    for child in params.named_children:
        if "comment" in child.type:
            continue
        if grammar == "python":
            name = _first_identifier(src, child)
            items.append(_PYTHON_KINDS.get(child.type, "") + name)
        elif grammar in {"javascript", "typescript", "tsx"}:
            items.append(_js_item(src, child))
        else:
            items.append(_generic_item(src, child))
    return tuple(items)


def _first_identifier(src: bytes, node: Node) -> str:
    if node.type == "identifier":
        return _text(src, node)
    for child in node.named_children:
        found = _first_identifier(src, child)
        if found:
            return found
    return ""


def _js_item(src: bytes, node: Node) -> str:
    kind = _JS_KINDS.get(node.type, "")
    pattern = node.child_by_field_name("pattern")
    if pattern is not None:
        inner = _js_item(src, pattern)
        default = "=" if node.child_by_field_name("value") is not None else ""
        return kind + inner + default
    if node.type == "assignment_pattern":
        return _js_item(src, node.child_by_field_name("left") or node) + "="
    if node.type == "rest_pattern":
        return "..." + _squeeze(_text(src, node.named_children[0] if node.named_children else None))
    return kind + _squeeze(_text(src, node))


def _generic_item(src: bytes, node: Node) -> str:
    """A parameter's text without whitespace, its default value (if any) as `=…`."""
    text = _text(src, node)
    for name in _DEFAULT_FIELDS:
        value = node.child_by_field_name(name)
        if value is not None:
            cut = value.start_byte - node.start_byte
            text = src[node.start_byte : node.start_byte + cut].decode("utf-8", "replace") + "…"
            break
    return _squeeze(text)


def _header(src: bytes, node: Node) -> str:
    """A class's text from its name to its body: type parameters and bases."""
    body = body_of(node)
    name = _name_node(node)
    start = name.start_byte if name is not None else node.start_byte
    end = body.start_byte if body is not None else node.end_byte
    return _squeeze(src[start:end].decode("utf-8", "replace"))


def _name_node(node: Node) -> Node | None:
    return _nearest(node, lambda current: current.child_by_field_name("name"), _DECORATORS)


_DECORATORS = frozenset({"decorator"})


def _members(src: bytes, node: Node, grammar: str) -> tuple[str, ...]:
    """The public members of a class, sorted (empty where they are not compared)."""
    body = body_of(node)
    if body is None or grammar not in _MEMBER_LANGUAGES:
        return ()
    return tuple(sorted(_public_names(src, body, grammar)))


def _public_names(src: bytes, body: Node, grammar: str) -> set[str]:
    names = set()
    for child in body.named_children:
        if child.type == "field_declaration_list":  # Go: struct_type { ... }
            return _public_names(src, child, grammar)
        for name in _member_names(src, child):
            if _public(src, name, child, grammar):
                names.add(name)
    return names


_MEMBER_LANGUAGES = {"python", "javascript", "typescript", "tsx", "java", "go"}


def _member_names(src: bytes, node: Node) -> list[str]:
    """The names a class-body statement defines."""
    if node.type == "decorated_definition":
        inner = node.child_by_field_name("definition")
        return _member_names(src, inner) if inner is not None else []
    if node.type == "expression_statement":
        return _member_names(src, node.named_children[0]) if node.named_children else []
    if node.type == "assignment":  # Python: `limit = 3` in a class body
        left = node.child_by_field_name("left")
        return [_text(src, left)] if left is not None and left.type == "identifier" else []
    if node.type in {"field_declaration", "constant_declaration"}:
        declarators = [c for c in node.named_children if c.type == "variable_declarator"]
        if declarators:
            return [_text(src, d.child_by_field_name("name")) for d in declarators]
        # Go: `A, B int`
        return [_text(src, c) for c in node.children_by_field_name("name")]
    name = node.child_by_field_name("name") or node.child_by_field_name("property")
    return [_text(src, name)] if name is not None else []


def _public(src: bytes, name: str, node: Node, grammar: str) -> bool:
    if not name:
        return False
    if grammar == "python":
        return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))
    if grammar in {"javascript", "typescript", "tsx"}:
        return not name.startswith(("#", "_")) and "private" not in _modifiers(src, node)
    if grammar == "java":
        return "private" not in _modifiers(src, node)
    return name[:1].isupper()  # Go


def _modifiers(src: bytes, node: Node) -> str:
    return " ".join(
        _text(src, c)
        for c in node.named_children
        if c.type in {"modifiers", "accessibility_modifier"}
    )
