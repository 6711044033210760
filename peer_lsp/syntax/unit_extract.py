"""Units found by each grammar's units query, and a unit's text read again from a new tree.

Each grammar has a query in ``queries/<grammar>/units.scm`` that captures definitions as
``@definition.function`` or ``@definition.class`` and their names as ``@name``. A function
nested directly in a class is a method; names are qualified with every enclosing unit. When
two definitions share a name node (a decorated function and the function itself), the outer
one is the unit, and where its name starts tells which line declares it (`Unit.header`).
"""

from __future__ import annotations

import functools
import typing
from bisect import bisect_left

from peer_lsp.syntax.budget import BudgetedCursor
from peer_lsp.syntax.languages import get_language
from peer_lsp.syntax.normalize import Span, exact_hash, pack_spans, special_spans
from peer_lsp.syntax.queries import query_source
from peer_lsp.syntax.unit import Unit, UnitKind

if typing.TYPE_CHECKING:
    from array import array
    from collections.abc import Sequence

    from tree_sitter import Node, Query

    from peer_lsp.text.lines import LineIndex


@functools.cache
def units_query(grammar: str) -> Query | None:
    """The compiled units query of a grammar, or None when it has none."""
    from tree_sitter import Query

    source = query_source(grammar, "units")
    return None if source is None else Query(get_language(grammar), source)


@functools.cache
def definition_node_types(grammar: str) -> frozenset[str]:
    """Node types that a grammar's units query captures as definitions.

    Read from the query source: the outermost node of each top-level pattern whose capture
    is ``@definition.*`` (a bracketed alternation contributes each of its nodes).
    """
    source = query_source(grammar, "units")
    return frozenset(_definition_types(source)) if source is not None else frozenset()


def _definition_types(source: str) -> set[str]:
    lines = [line.split(";", 1)[0] for line in source.splitlines()]
    text = "\n".join(lines)
    types: set[str] = set()
    depth = 0
    pattern_start = 0
    for index, char in enumerate(text):
        if char in "([":
            if depth == 0:
                pattern_start = index
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth == 0:
                rest = text[index + 1 :].lstrip()
                if rest.startswith("@definition."):
                    types.update(_outer_types(text[pattern_start : index + 1]))
    return types


def _outer_types(pattern: str) -> list[str]:
    """Node types at the top of a pattern: ``(type ...)`` or ``[(a ...) (b ...)]``."""
    if pattern.startswith("("):
        return [pattern[1:].split(maxsplit=1)[0].rstrip(")")]
    found = []
    depth = 0
    for index, char in enumerate(pattern):
        if char == "(":
            if depth == 1:
                found.append(pattern[index + 1 :].split(maxsplit=1)[0].rstrip(")"))
            depth += 1
        elif char == "[":
            depth += 1
        elif char in ")]":
            depth -= 1
    return found


def _definitions(query: Query, node: Node, grammar: str) -> list[tuple[Node, Node, UnitKind]]:
    """(definition, name, kind) for every match inside ``node``, outermost first. Raises
    `OverBudget` when the query cannot search the node in time."""
    found: list[tuple[Node, Node, UnitKind]] = []
    for _, captures in BudgetedCursor(query, f"{grammar} units").matches(node):
        names = captures.get("name")
        if not names:
            continue
        for capture, kind in (
            ("definition.class", UnitKind.CLASS),
            ("definition.function", UnitKind.FUNCTION),
        ):
            for definition in captures.get(capture, ()):
                found.append((definition, names[0], kind))
    found.sort(key=lambda item: (item[0].start_byte, -item[0].end_byte))
    unique: list[tuple[Node, Node, UnitKind]] = []
    seen_names: set[tuple[int, int]] = set()
    for item in found:
        name_range = (item[1].start_byte, item[1].end_byte)
        if name_range in seen_names:
            continue  # an outer capture (e.g. decorated definition) already took this name
        seen_names.add(name_range)
        unique.append(item)
    return unique


def _relative_spans(spans: Sequence[Span], starts: Sequence[int], node: Node) -> array[int]:
    """The spans inside ``node``, relative to its start (``starts``: the spans' starts),
    packed."""
    low = bisect_left(starts, node.start_byte)
    high = bisect_left(starts, node.end_byte)
    base = node.start_byte
    return pack_spans((a - base, b - base, kind) for a, b, kind in spans[low:high])


def _new_unit(
    grammar: str,
    node: Node,
    kind: UnitKind,
    name: str,
    name_node: Node,
    container: Unit | None,
    data: bytes,
    lines: LineIndex,
    spans: array[int],
) -> Unit:
    raw = data[node.start_byte : node.end_byte]
    name_offset = len(data[node.start_byte : name_node.start_byte].decode("utf-8", "replace"))
    return Unit(
        language=grammar,
        kind=kind,
        name=name,
        qualified_name=f"{container.qualified_name}.{name}" if container else name,
        start_byte=node.start_byte,
        end_byte=node.end_byte,
        text=raw.decode("utf-8", errors="replace"),
        exact_hash=exact_hash(raw),
        lines=lines,
        node_type=node.type,
        container=container,
        spans=spans,
        name_offset=name_offset,
    )


def renew_unit(unit: Unit, node: Node, data: bytes) -> None:
    """Give a unit the text and hashes of its node in the new tree.

    Only a unit that encloses the edit is renewed; its name comes before the definition that
    was edited, so ``name_offset`` holds."""
    raw = data[node.start_byte : node.end_byte]
    spans = special_spans(node, unit.language)
    unit.start_byte, unit.end_byte = node.start_byte, node.end_byte
    unit.text = raw.decode("utf-8", errors="replace")
    unit.exact_hash = exact_hash(raw)
    unit.spans = _relative_spans(spans, [a for a, _, _ in spans], node)
    unit.normalized = None


def extract_units(
    grammar: str,
    node: Node,
    data: bytes,
    lines: LineIndex,
    container: Unit | None = None,
) -> list[Unit]:
    """Units defined inside ``node`` (``node`` itself included), outermost first. Raises
    `OverBudget` when a query cannot search the node in time."""
    query = units_query(grammar)
    if query is None:
        return []
    units: list[Unit] = []
    stack: list[Unit] = []
    definitions = _definitions(query, node, grammar)
    spans = special_spans(node, grammar) if definitions else []
    starts = [start for start, _, _ in spans]
    for definition, name_node, base_kind in definitions:
        while stack and stack[-1].end_byte <= definition.start_byte:
            stack.pop()
        outer = stack[-1] if stack else container
        kind = base_kind
        if kind is UnitKind.FUNCTION and outer is not None and outer.kind is UnitKind.CLASS:
            kind = UnitKind.METHOD
        name = data[name_node.start_byte : name_node.end_byte].decode("utf-8", "replace")
        own_spans = _relative_spans(spans, starts, definition)
        unit = _new_unit(grammar, definition, kind, name, name_node, outer, data, lines, own_spans)
        units.append(unit)
        stack.append(unit)
    return units
