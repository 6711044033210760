"""Tree-sitter queries run within a budget, so that no document can hang the server.

Some trees make tree-sitter's query cursor slow beyond use (numbers for 0.26.1):

- a pattern that waits for a child after a deep first child (``left: (_) operator: "=="``)
  keeps an in-progress match per level of a left-nested chain, and every node steps every
  match: 100,000 ``1+`` cost minutes;
- past 65,535 levels of nesting (50,000 nested JavaScript objects) every node costs more
  (a 16-bit depth wraps around);
- at every child the cursor looks through the later siblings for a named one: a run of
  100,000 unclosed brackets, anonymous children of one ERROR node, is quadratic.

A query cannot be stopped once it runs: py-tree-sitter 0.26.1 hands tree-sitter its progress
callback in a struct that is gone when the query runs, and calling it crashes the process
(docs/decisions/0006-query-budget.md). So the tree is looked at first (`_costly`): nesting
deeper than `MAX_DEPTH` or a run of more than `MAX_RUN` anonymous siblings in the searched
range, which real code never comes near (deepest in a sweep of 1,800 files: 310 levels, a
TypeScript union; longest run: 6), means the query is not run. A query that runs keeps at
most `MATCH_LIMIT` matches in progress, and when it needed more its answer is incomplete.
Either way `OverBudget` is raised: the caller goes without what the query would have found,
says so once, and does not ask again for that document.
"""

from __future__ import annotations

import typing

from peer_lsp.syntax.nodes import children_in

if typing.TYPE_CHECKING:
    from tree_sitter import Node, Query

MATCH_LIMIT = 4096
"""In-progress matches a query may keep (tree-sitter's default: 2**32 - 1)."""

MAX_DEPTH = 2000
"""Levels of nesting under the searched node a query may meet."""

MAX_RUN = 1024
"""Anonymous siblings in a row a query may meet (its cost grows with the square)."""


class OverBudget(Exception):
    """A query was not run, or its answer is incomplete: ``query`` names it, ``offset`` is
    the byte where the tree became too costly, ``reason`` says how."""

    def __init__(self, query: str, offset: int, reason: str) -> None:
        super().__init__(f"the {query} query is over budget at byte {offset}: {reason}")
        self.query = query
        self.offset = offset
        self.reason = reason


def _longest_run(node: Node) -> tuple[int, int]:
    """The length and the start of the longest run of anonymous children of ``node``."""
    cursor = node.walk()
    longest, at, run, start = 0, node.start_byte, 0, node.start_byte
    if not cursor.goto_first_child():
        return 0, at
    while True:
        child = cursor.node
        assert child is not None
        if child.is_named:
            run = 0
        else:
            if not run:
                start = child.start_byte
            run += 1
            if run > longest:
                longest, at = run, start
        if not cursor.goto_next_sibling():
            return longest, at


def _costly(node: Node, start: int, end: int) -> tuple[int, str] | None:
    """Where and why a query over ``[start, end)`` of ``node`` would be too costly; None
    when it would not.

    Only subtrees that could reach a bound are entered: one with fewer nodes than the
    levels left to `MAX_DEPTH` and than `MAX_RUN` can reach neither, so on real code the
    walk stays near the root. Runs are looked for under syntax errors only (real code has
    none longer than a few tokens).
    """
    stack = [(node, 0)]
    while stack:
        current, level = stack.pop()
        if level >= MAX_DEPTH:
            return current.start_byte, f"nested deeper than {MAX_DEPTH} levels"
        count = current.child_count
        if count > MAX_RUN and current.has_error:  # long runs come from error recovery
            run, at = _longest_run(current)
            if run > MAX_RUN:
                return at, f"{run} unmatched tokens in a row"
        least = min(MAX_RUN, MAX_DEPTH - level - 1)
        if current.descendant_count - count <= least:
            continue  # the largest child has at most this many nodes: nothing to enter
        children = [c for c in children_in(current, start, end) if c.descendant_count > least]
        stack.extend((child, level + 1) for child in reversed(children))  # in document order
    return None


class BudgetedCursor:
    """A query cursor that runs only where the tree is affordable, with bounded matches in
    progress; ``name`` names the query in messages."""

    def __init__(self, query: Query, name: str) -> None:
        from tree_sitter import QueryCursor

        self.name = name
        self._cursor = QueryCursor(query, match_limit=MATCH_LIMIT)
        self._range: tuple[int, int] | None = None

    def set_byte_range(self, start: int, end: int) -> None:
        self._cursor.set_byte_range(start, end)
        self._range = (start, end)

    def matches(self, node: Node) -> list[tuple[int, dict[str, list[Node]]]]:
        """Every match under ``node`` (in the byte range, if one is set)."""
        self._check_tree(node)
        found = self._cursor.matches(node)
        self._check_limit(node)
        return found

    def captures(self, node: Node) -> dict[str, list[Node]]:
        """Every capture under ``node`` (in the byte range, if one is set), by name."""
        self._check_tree(node)
        found = self._cursor.captures(node)
        self._check_limit(node)
        return found

    def _bounds(self, node: Node) -> tuple[int, int]:
        if self._range is None:
            return node.start_byte, node.end_byte
        return max(node.start_byte, self._range[0]), min(node.end_byte, self._range[1])

    def _check_tree(self, node: Node) -> None:
        costly = _costly(node, *self._bounds(node))
        if costly is not None:
            raise OverBudget(self.name, *costly)

    def _check_limit(self, node: Node) -> None:
        if self._cursor.did_exceed_match_limit:
            reason = f"more than {MATCH_LIMIT} matches in progress"
            raise OverBudget(self.name, self._bounds(node)[0], reason)
