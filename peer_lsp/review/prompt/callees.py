"""What a unit calls, and the one-line signatures of the document's other units that it calls.

A model shown one function does not see the functions it calls, so the prompt adds their
headers. Callees are found through a small table of call node types per grammar, or by a
regular expression over the text when a grammar is not in the table (or its tree cannot be
searched in time).
"""

from __future__ import annotations

import functools
import logging
import re
import typing

from peer_lsp.syntax.budget import BudgetedCursor, OverBudget
from peer_lsp.syntax.languages import get_language
from peer_lsp.syntax.nodes import descendant_for_byte_range
from peer_lsp.syntax.unit import UnitKind

if typing.TYPE_CHECKING:
    from tree_sitter import Node, Query

    from peer_lsp.documents.store import Document
    from peer_lsp.syntax.unit import Unit

log = logging.getLogger(__name__)

MAX_SIGNATURE_CHARS = 200

_JS_CALLS = (("call_expression", "function"), ("new_expression", "constructor"))

# Per grammar: (node type of a call, field holding what is called).
CALL_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "python": (("call", "function"),),
    "javascript": _JS_CALLS,
    "typescript": _JS_CALLS,
    "tsx": _JS_CALLS,
    "go": (("call_expression", "function"),),
    "rust": (("call_expression", "function"),),
    "java": (("method_invocation", "name"), ("object_creation_expression", "type")),
    "c": (("call_expression", "function"),),
    "cpp": (("call_expression", "function"), ("new_expression", "type")),
    "csharp": (("invocation_expression", "function"), ("object_creation_expression", "type")),
    "ruby": (("call", "method"),),
    "php": (
        ("function_call_expression", "function"),
        ("member_call_expression", "name"),
        ("nullsafe_member_call_expression", "name"),
        ("scoped_call_expression", "name"),
    ),
}

# Fields that lead from a callee expression to the name at its end (``a.b.c`` -> ``c``).
_NAME_FIELDS = ("name", "field", "property", "attribute", "method", "function", "type")
_CALL_TEXT = re.compile(r"\b(\w+)\s*\(")
_WORD = re.compile(r"[A-Za-z_$][\w$]*")
_SPACES = re.compile(r"\s+")


@functools.cache
def calls_query(grammar: str) -> Query | None:
    """A query capturing every callee of a grammar's call table as ``@callee``."""
    from tree_sitter import Query

    fields = CALL_FIELDS.get(grammar)
    if not fields:
        return None
    source = "\n".join(f"({node} {field}: (_) @callee)" for node, field in fields)
    return Query(get_language(grammar), source)


def called_names(unit: Unit, document: Document) -> set[str]:
    """The simple names the unit calls (``self.save()`` and ``save()`` both give ``save``);
    read from the text when the tree cannot be searched (in time)."""
    query = calls_query(document.grammar) if document.grammar else None
    if query is None or document.tree is None:
        return set(_CALL_TEXT.findall(unit.text))
    cursor = BudgetedCursor(query, f"{document.grammar} calls")
    cursor.set_byte_range(unit.start_byte, unit.end_byte)
    try:
        callees = cursor.captures(document.tree.root_node).get("callee", [])
    except OverBudget as error:
        log.warning("calls of %s read from its text: %s", unit.qualified_name, error)
        return set(_CALL_TEXT.findall(unit.text))
    names: set[str] = set()
    for callee in callees:
        if unit.contains(callee.start_byte, callee.end_byte):
            name = _last_name(document, callee)
            if name:
                names.add(name)
    return names


def _last_name(document: Document, node: Node) -> str:
    """The name a callee expression ends in: ``a.b``, ``a::b``, ``a->b``, ``b<T>`` give ``b``.

    Fields such as ``attribute`` or ``property`` lead to the name; a node without them
    (``qualified_name``, ``generic_name``, ``subscript``) is read as text.
    """
    for _ in range(8):
        inner = next(
            (c for f in _NAME_FIELDS if (c := node.child_by_field_name(f)) is not None), None
        )
        if inner is None:
            break
        node = inner
    return simple_name(_node_text(document, node))


def simple_name(name: str) -> str:
    """The last word of a possibly qualified name, without template arguments."""
    words = _WORD.findall(name.split("<", 1)[0])
    return words[-1] if words else ""


# -- sibling signatures --------------------------------------------------------------------


def sibling_signatures(
    unit: Unit, document: Document, limit: int = 8, shown: str | None = None
) -> list[str]:
    """Headers of the other units of the document that ``unit`` calls, in document order.

    The unit's own containers and the units nested inside it are left out: the prompt
    shows the enclosing class header and the unit's text already. ``shown``: only the calls
    in this text count (a class skeleton shows none of its methods' calls).
    """
    called = called_names(unit, document) if shown is None else set(_CALL_TEXT.findall(shown))
    if not called:
        return []
    ancestors = _ancestors(unit)
    found: list[str] = []
    for other in document.units:
        if len(found) >= limit:
            break
        if other is unit or id(other) in ancestors or other.kind is UnitKind.CHUNK:
            continue
        if unit.contains(other.start_byte, other.end_byte):
            continue
        if simple_name(other.name) in called:
            signature = signature_of(other, document)
            if signature not in found:
                found.append(signature)
    return found


def _ancestors(unit: Unit) -> set[int]:
    found: set[int] = set()
    outer = unit.container
    while outer is not None:
        found.add(id(outer))
        outer = outer.container
    return found


def signature_of(unit: Unit, document: Document) -> str:
    """A unit's header on one line: its text up to the body (decorators left out).

    Without a syntax node that has a body, the header is the text up to the first ``{``
    within the first lines, else the first line.
    """
    node = _node_of(unit, document)
    if node is not None:
        definition = node.child_by_field_name("definition") or node  # after decorators
        body = _body_of(definition)
        if body is not None and body.start_byte > definition.start_byte:
            header = document.data[definition.start_byte : body.start_byte]
            return _one_line(header.decode("utf-8", errors="replace"))
    return _one_line(_text_header(unit.text))


def _node_of(unit: Unit, document: Document) -> Node | None:
    if document.tree is None or not unit.node_type:
        return None
    node = descendant_for_byte_range(document.tree.root_node, unit.start_byte, unit.end_byte)
    while node is not None and node.start_byte == unit.start_byte:
        if node.end_byte == unit.end_byte and node.type == unit.node_type:
            return node
        node = node.parent
    return None


def _body_of(node: Node) -> Node | None:
    """The body of a definition, looked for a few levels down (``const f = () => ...``)."""
    level = [node]
    for _ in range(4):
        for candidate in level:
            body = candidate.child_by_field_name("body")
            if body is not None:
                return body
        level = [child for candidate in level for child in candidate.named_children]
    return None


def _text_header(text: str) -> str:
    head = "\n".join(text.splitlines()[:5])
    brace = head.find("{")
    return head[:brace] if brace > 0 else text.split("\n", 1)[0]


def _one_line(text: str) -> str:
    line = _SPACES.sub(" ", text).strip()
    if len(line) > MAX_SIGNATURE_CHARS:
        return line[: MAX_SIGNATURE_CHARS - 1] + "…"
    return line


def _node_text(document: Document, node: Node) -> str:
    return document.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
