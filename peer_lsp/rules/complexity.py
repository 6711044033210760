"""Cyclomatic complexity of a unit, counted on its syntax tree.

McCabe's number for structured code: 1 plus one for every decision point, i.e. every place
where control can take one more path: ``if``/``elif``, loops, ``case`` labels (not
``default``), ``catch``/``except`` clauses, conditional expressions, and each ``&&``/``||``
(``and``/``or``, ``??``), comprehension ``for``/``if``. ``else``, ``finally`` and ``default``
add no path of their own. The decision points of each grammar are the ``@branch`` captures
of ``queries/<grammar>/complexity.scm``.

A function's own complexity leaves out the functions nested in it (they are units of their
own, with their own number); that is the number the ``complexity`` rule reports. The router
gets the complexity of everything a review request holds (`unit_complexity`).
"""

from __future__ import annotations

import functools
import logging
import typing

from peer_lsp.rules.queries import rule_source
from peer_lsp.syntax.budget import BudgetedCursor, OverBudget
from peer_lsp.syntax.languages import get_language

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from tree_sitter import Node, Query

    from peer_lsp.documents.store import Document
    from peer_lsp.syntax.unit import Unit

log = logging.getLogger(__name__)

BRANCH = "branch"


@functools.cache
def complexity_query(grammar: str) -> Query | None:
    """The decision-point query of ``grammar``, or None when it has none."""
    from tree_sitter import Query

    source = rule_source(grammar, "complexity")
    return None if source is None else Query(get_language(grammar), source)


def has_complexity(grammar: str | None) -> bool:
    return grammar is not None and rule_source(grammar, "complexity") is not None


def count_branches(root: Node, grammar: str, pieces: Sequence[tuple[int, int]]) -> int:
    """The decision points that start inside ``pieces`` (disjoint byte ranges) of the tree.
    Raises `OverBudget` when the query cannot search a piece in time."""
    query = complexity_query(grammar)
    if query is None:
        return 0
    cursor = BudgetedCursor(query, f"{grammar} complexity")
    seen: set[tuple[int, int, int]] = set()
    for start, end in pieces:
        cursor.set_byte_range(start, end)
        for node in cursor.captures(root).get(BRANCH, ()):
            if start <= node.start_byte < end:
                seen.add((node.start_byte, node.end_byte, node.kind_id))
    return len(seen)


def unit_complexity(document: Document, unit: Unit) -> int:
    """The cyclomatic complexity of all the code of ``unit``, nested functions included
    (what a review of the unit sends); 0 when the language has no complexity query, or it
    cannot search the unit in time."""
    grammar = document.grammar
    if document.tree is None or not has_complexity(grammar):
        return 0
    assert grammar is not None
    root, span = document.tree.root_node, [(unit.start_byte, unit.end_byte)]
    try:
        return 1 + count_branches(root, grammar, span)
    except OverBudget as error:
        log.warning("complexity of %s not counted: %s", unit.qualified_name, error)
        return 0
