"""The file's import statements, and the ones a unit uses: what a prompt shows of its file.

A model shown one function cannot see the top of the file, so the prompt adds the imports the
unit uses (``queries/<grammar>/imports.scm`` captures them as ``@import``). Imports inside a
function belong to that function's own text and are left out.
"""

from __future__ import annotations

import functools
import logging
import re
import typing
import weakref

from peer_lsp.syntax.budget import BudgetedCursor, OverBudget
from peer_lsp.syntax.languages import get_language
from peer_lsp.syntax.queries import query_source
from peer_lsp.syntax.unit import UnitKind

if typing.TYPE_CHECKING:
    from collections.abc import Iterable

    from tree_sitter import Node, Query

    from peer_lsp.documents.store import Document

log = logging.getLogger(__name__)

_WORD = re.compile(r"[A-Za-z_$][\w$]*")


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


def _node_text(document: Document, node: Node) -> str:
    return document.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
