"""The context that makes a unit reviewable on its own: imports, called siblings, a hash.

A model shown one function cannot see the rest of the file, so the prompt adds what a
reviewer would glance at: the file's imports (``queries/<grammar>/imports.scm`` captures
them as ``@import``), and the signatures of the other units of the document that the unit
calls. Callees are found through a small table of call node types per grammar, or by a
regular expression over the text when a grammar is not in the table. ``context_hash`` names
all of it for the answer cache, so that a changed import invalidates a cached review while a
moved or reformatted unit does not.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import typing
import weakref

from peer_lsp.syntax.budget import BudgetedCursor, OverBudget
from peer_lsp.syntax.languages import get_language
from peer_lsp.syntax.nodes import descendant_for_byte_range
from peer_lsp.syntax.queries import query_source
from peer_lsp.syntax.unit import UnitKind

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

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


# -- imports -------------------------------------------------------------------------------


@functools.cache
def imports_query(grammar: str) -> Query | None:
    """The compiled imports query of a grammar, or None when it has none."""
    from tree_sitter import Query

    source = query_source(grammar, "imports")
    return None if source is None else Query(get_language(grammar), source)


_IMPORTS_SEEN: weakref.WeakKeyDictionary[Document, tuple[bytes, int, list[str]]] = (
    weakref.WeakKeyDictionary()
)


def file_imports(document: Document, limit_lines: int = 40) -> list[str]:
    """The text of the document's import statements, in order, at most ``limit_lines`` lines.

    Imports inside a function belong to that function's own text and are left out. A
    statement that does not fit whole is cut at a line boundary, and nothing follows it.
    Computed once per text of the document: every unit reviewed after an edit shares it.
    """
    seen = _IMPORTS_SEEN.get(document)
    if seen is not None and seen[0] is document.data and seen[1] == limit_lines:
        return list(seen[2])
    found = _file_imports(document, limit_lines)
    _IMPORTS_SEEN[document] = (document.data, limit_lines, found)
    return list(found)


def _file_imports(document: Document, limit_lines: int) -> list[str]:
    found: list[str] = []
    room = limit_lines
    for node in _import_nodes(document):
        if room <= 0:
            break
        if _inside_function(document, node):
            continue
        lines = _node_text(document, node).strip().splitlines()
        found.append("\n".join(lines[:room]))
        room -= len(lines)
    return found


def _inside_function(document: Document, node: Node) -> bool:
    unit = document.unit_index.innermost(node.start_byte, node.end_byte)
    while unit is not None:
        if unit.kind in (UnitKind.FUNCTION, UnitKind.METHOD):
            return True
        unit = unit.container
    return False


def _import_nodes(document: Document) -> list[Node]:
    """Import nodes in document order, without any nested inside another one (none when
    the query cannot search the document in time)."""
    query = imports_query(document.grammar) if document.grammar else None
    if query is None or document.tree is None:
        return []
    cursor = BudgetedCursor(query, f"{document.grammar} imports")
    try:
        captured = cursor.captures(document.tree.root_node).get("import", [])
    except OverBudget as error:
        log.warning("imports not listed: %s", error)
        return []
    nodes: list[Node] = []
    for node in sorted(captured, key=lambda n: (n.start_byte, -n.end_byte)):
        if nodes and node.start_byte < nodes[-1].end_byte:
            continue  # inside (or equal to) the previous import
        nodes.append(node)
    return nodes


_BINDING_NOISE = frozenset(
    (
        *("import", "from", "as", "use", "using", "require", "include", "const", "let"),
        *("var", "static", "pub", "crate", "self", "super", "type", "typeof", "export"),
        *("default", "extern", "mod", "namespace", "package"),
    )
)


def imports_used(imports: Iterable[str], text: str) -> list[str]:
    """The import statements that bind a name ``text`` mentions, in order.

    A unit needs to see the imports it uses; the rest of them cost tokens in every prompt
    and, in the cache key, make an unrelated import edit look like a change to every unit.
    A statement's words are its candidate names (``from a.b import c as d`` gives a, b, c
    and d), so the match is generous. C and C++ ``#include`` lines and star imports may bind
    anything and are kept. A statement importing several names shows only the used ones.
    """
    used = set(_WORD.findall(text))
    return [
        _only_used_names(statement, used)
        for statement in imports
        if statement.lstrip().startswith("#")
        or statement.rstrip().endswith("*")  # ``from m import *`` may bind anything
        or any(w in used for w in _WORD.findall(statement) if w not in _BINDING_NOISE)
    ]


_PYTHON_FROM = re.compile(r"(\s*from\s+[\w.]+\s+import\s+)\(?([^()*]*?)\)?\s*", re.DOTALL)
_JS_NAMED = re.compile(r"(\s*import\s+(?:[\w$]+\s*,\s*)?)\{([^{}]*)\}(\s*from\s.*)", re.DOTALL)
_LINE_COMMENT = re.compile(r"(?:#|//)[^\n]*")


def _only_used_names(statement: str, used: set[str]) -> str:
    """A Python ``from m import a, b`` or a JavaScript ``import {a, b} from "m"`` cut down to
    the names ``used`` (by the name they bind: ``a as b`` is kept for ``b``); any other
    statement, or one whose names are all used, as it is."""
    for pattern in (_PYTHON_FROM, _JS_NAMED):
        match = pattern.fullmatch(statement)
        if match is None:
            continue
        names = [n.strip() for n in _LINE_COMMENT.sub("", match.group(2)).split(",")]
        names = [n for n in names if n]
        kept = [n for n in names if n.split(" as ")[-1].strip() in used]
        if not kept or len(kept) == len(names):
            return statement
        if pattern is _PYTHON_FROM:
            return f"{match.group(1)}{', '.join(kept)}"
        return f"{match.group(1)}{{ {', '.join(kept)} }}{match.group(3)}"
    return statement


# -- class skeletons -------------------------------------------------------------------------


ELIDED = 0
"""The line number of a placeholder line in a skeleton: it stands for elided lines."""
MAX_ELIDED_NAMES = 12


def skeleton(unit: Unit, document: Document, lines: Sequence[str]) -> list[tuple[int, str]]:
    """The unit's ``lines`` numbered from 1; for a class, its members that are units of their
    own (methods, nested classes) folded into placeholder lines.

    A class is reviewed for what belongs to it alone: its header, docstring, fields and the
    statements in its body. Each method is a unit of its own, reviewed on its own, so a run
    of members becomes one placeholder line (number `ELIDED`) naming those that make the
    class's protocol, and an edit inside a method, even to its signature, or one more
    ordinary method leaves the class's prompt and its cached review as they were. Other
    units come back whole.
    """
    numbered = list(enumerate(lines, start=1))
    if unit.kind is not UnitKind.CLASS:
        return numbered
    first = unit.start_line
    runs: list[tuple[int, int, list[str]]] = []
    for child in document.units:
        if child.container is not unit:
            continue
        start, end = child.start_line - first + 1, child.end_line - first + 1
        if runs and _only_blank(lines, runs[-1][1], start):
            runs[-1] = (runs[-1][0], end, [*runs[-1][2], child.name])
        else:
            runs.append((start, end, [child.name]))
    if not runs:
        return numbered
    shown: list[tuple[int, str]] = []
    by_start = {start: (end, names) for start, end, names in runs}
    skip_to = 0
    for number, line in numbered:
        if number <= skip_to:
            continue
        if number in by_start:
            skip_to, names = by_start[number]
            indent = line[: len(line) - len(line.lstrip())]
            shown.append((ELIDED, f"{indent}… lines {number}-{skip_to}: {_names(names)}"))
        else:
            shown.append((number, line))
    return shown


def _only_blank(lines: Sequence[str], after: int, before: int) -> bool:
    """Whether unit lines strictly between ``after`` and ``before`` (1-based) are all blank."""
    return all(not line.strip() for line in lines[after : before - 1])


_PROTOCOL = frozenset(
    {"constructor", "equals", "hashCode", "compareTo", "clone", "close", "finalize", "toString"}
    | {"Equals", "GetHashCode", "Dispose", "drop", "fmt", "eq", "hash"}
)
"""Member names that say how a class behaves as a whole, besides Python's ``__dunder__``s."""


def _names(names: list[str]) -> str:
    """What a placeholder says of the members it folds: the ones that make the class's
    protocol (``__eq__`` without ``__hash__`` is a class-level bug), not the others, whose
    coming and going would otherwise send the class again with every new method."""
    protocol = [n for n in names if n in _PROTOCOL or (n.startswith("__") and n.endswith("__"))]
    listed = ", ".join(dict.fromkeys(protocol[:MAX_ELIDED_NAMES]))
    return "members, reviewed on their own" + (f" (among them {listed})" if listed else "")


# -- calls ---------------------------------------------------------------------------------


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


# -- cache identity ------------------------------------------------------------------------


def context_hash(parts: Iterable[str]) -> str:
    """A stable hash of prompt context; parts are length-prefixed, so no two lists collide."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()
