"""Reviewable units: the functions, methods and classes of a document, kept current per edit.

Each grammar has a query in ``queries/<grammar>/units.scm`` that captures definitions as
``@definition.function`` or ``@definition.class`` and their names as ``@name``. A function
nested directly in a class is a method; names are qualified with every enclosing unit. When
two definitions share a name node (a decorated function and the function itself), the outer
one is the unit. Files whose grammar has no query, or whose query finds nothing, are cut into
top-level chunks of bounded size instead.

An edit costs what it touched: unit positions after it move in place, the innermost unit
around each changed range is found through the new tree and extracted again, the units
around it get their new text, and the diff is computed over the replaced units only.
"""

from __future__ import annotations

import enum
import functools
import logging
import typing
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

from peer_lsp.syntax.budget import BudgetedCursor, OverBudget
from peer_lsp.syntax.errors import error_nodes
from peer_lsp.syntax.languages import get_language
from peer_lsp.syntax.nodes import descendant_for_byte_range
from peer_lsp.syntax.normalize import (
    Span,
    exact_hash,
    normalized_hash_of,
    normalized_text_hash,
    special_spans,
)
from peer_lsp.syntax.queries import query_source

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from tree_sitter import Node, Query, Tree

    from peer_lsp.text.lines import LineIndex

log = logging.getLogger(__name__)

DEFAULT_CHUNK_LINES = 80


class UnitKind(enum.StrEnum):
    FUNCTION = "function"
    METHOD = "method"
    CLASS = "class"
    CHUNK = "module-chunk"


@dataclass(frozen=True, slots=True)
class Scope:
    """The enclosing unit of a unit: its qualified name, kind and header line."""

    qualified_name: str
    kind: UnitKind
    header: str


@dataclass(eq=False, slots=True)
class Unit:
    """One reviewable piece of a document (design contract: Unit).

    Bytes are a half-open range; lines are 0-based and inclusive, read from the document's
    line index. Positions follow the document as it is edited; text and hashes are those of
    the unit as last extracted. ``node_type`` is the syntax node it was cut from (empty for
    chunks); ``container`` is the unit it is nested in.
    """

    language: str
    kind: UnitKind
    name: str
    qualified_name: str
    start_byte: int
    end_byte: int
    text: str
    exact_hash: str
    lines: LineIndex = field(repr=False)
    node_type: str = ""
    container: Unit | None = field(default=None, repr=False)
    spans: tuple[Span, ...] = field(default=(), repr=False)
    """Comments and string literals, relative to the unit's start (for normalization)."""
    normalized: str | None = field(default=None, repr=False)
    alive: bool = field(default=True, repr=False)
    """False once the unit left its document (deleted, or replaced by a fresh extraction)."""

    @property
    def normalized_hash(self) -> str:
        """Hash ignoring whitespace and comments; computed on first use, then kept."""
        if self.normalized is None:
            self.normalized = normalized_hash_of(
                self.text.encode("utf-8"), self.spans, self.language
            )
        return self.normalized

    @property
    def start_line(self) -> int:
        return self.lines.line_of(self.start_byte)

    @property
    def end_line(self) -> int:
        return self.lines.line_of(max(self.end_byte - 1, self.start_byte))

    @property
    def header(self) -> str:
        """The first line of the unit, e.g. ``class Store(Base):``."""
        return self.text.split("\n", 1)[0].rstrip("\r")

    @property
    def parent(self) -> Scope | None:
        """The enclosing unit as a value: name, kind and header."""
        outer = self.container
        return Scope(outer.qualified_name, outer.kind, outer.header) if outer else None

    @property
    def enclosing_class_header(self) -> str | None:
        """The header line of the class this unit belongs to, if any."""
        outer = self.container
        return outer.header if outer is not None and outer.kind is UnitKind.CLASS else None

    def contains(self, start: int, end: int) -> bool:
        return self.start_byte <= start and end <= self.end_byte

    def state(self) -> tuple[object, ...]:
        """Everything that identifies and locates the unit, for comparisons."""
        return (
            self.kind,
            self.qualified_name,
            self.start_byte,
            self.end_byte,
            self.start_line,
            self.end_line,
            self.exact_hash,
            self.normalized_hash,
            self.node_type,
            self.parent,
        )


UnitKey = tuple[UnitKind, str, int]


def unit_keys(units: Iterable[Unit]) -> dict[UnitKey, Unit]:
    """Units by identity: kind, qualified name and rank among units with that name."""
    seen: dict[tuple[UnitKind, str], int] = {}
    keyed: dict[UnitKey, Unit] = {}
    for unit in units:
        base = (unit.kind, unit.qualified_name)
        rank = seen.get(base, 0)
        seen[base] = rank + 1
        keyed[(unit.kind, unit.qualified_name, rank)] = unit
    return keyed


@dataclass(frozen=True, slots=True)
class UnitDiff:
    """What an edit did to the units of a document."""

    added: tuple[Unit, ...] = ()
    changed: tuple[Unit, ...] = ()
    removed: tuple[Unit, ...] = ()

    @property
    def touched(self) -> tuple[Unit, ...]:
        """Units whose text is new: added or changed."""
        return self.added + self.changed

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def diff_units(
    old: Sequence[Unit], new: Sequence[Unit], old_hashes: dict[int, str] | None = None
) -> UnitDiff:
    """Compare two unit lists by identity; a unit changed when its exact text changed.

    ``old_hashes`` gives, by ``id``, the former hash of units changed in place.
    """
    before, after = unit_keys(old), unit_keys(new)
    former = old_hashes or {}
    added = tuple(unit for key, unit in after.items() if key not in before)
    removed = tuple(unit for key, unit in before.items() if key not in after)
    changed = tuple(
        unit
        for key, unit in after.items()
        if key in before and former.get(id(before[key]), before[key].exact_hash) != unit.exact_hash
    )
    return UnitDiff(added, changed, removed)


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


def _header(data: bytes, node: Node) -> str:
    end = data.find(b"\n", node.start_byte, node.end_byte)
    line = data[node.start_byte : end if end >= 0 else node.end_byte]
    return line.decode("utf-8", errors="replace").rstrip("\r")


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


def _line_windows(start: int, end: int, lines: LineIndex, size: int) -> list[tuple[int, int]]:
    first, last = lines.line_of(start), lines.line_of(max(end - 1, start))
    windows = []
    for line in range(first, last + 1, size):
        window_start = max(lines.line_start(line), start)
        stop_line = line + size
        window_end = lines.line_start(stop_line) if stop_line < lines.line_count else end
        windows.append((window_start, min(window_end, end)))
    return windows


def _relative_spans(spans: Sequence[Span], starts: Sequence[int], node: Node) -> tuple[Span, ...]:
    """The spans inside ``node``, relative to its start (``starts``: the spans' starts)."""
    low = bisect_left(starts, node.start_byte)
    high = bisect_left(starts, node.end_byte)
    base = node.start_byte
    return tuple((a - base, b - base, kind) for a, b, kind in spans[low:high])


def _new_unit(
    grammar: str,
    node: Node,
    kind: UnitKind,
    name: str,
    container: Unit | None,
    data: bytes,
    lines: LineIndex,
    spans: tuple[Span, ...],
) -> Unit:
    raw = data[node.start_byte : node.end_byte]
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
    )


def _renew(unit: Unit, node: Node, data: bytes) -> None:
    """Give a unit the text and hashes of its node in the new tree."""
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
        unit = _new_unit(grammar, definition, kind, name, outer, data, lines, own_spans)
        units.append(unit)
        stack.append(unit)
    return units


def chunk_units(
    grammar: str,
    data: bytes,
    lines: LineIndex,
    root: Node | None,
    max_lines: int = DEFAULT_CHUNK_LINES,
) -> list[Unit]:
    """Cut a document into top-level chunks of at most ``max_lines`` lines.

    Chunks break between top-level syntax nodes where possible; without a tree, or inside a
    node longer than the bound, they break between lines.
    """
    spans: list[tuple[int, int]] = []
    if root is not None:
        pending: tuple[int, int] | None = None
        pending_line = 0
        for child in root.children:
            last = lines.line_of(child.end_byte)
            if pending and last - pending_line < max_lines:
                pending = (pending[0], child.end_byte)
                continue
            if pending:
                spans.append(pending)
            pending = None
            first = lines.line_of(child.start_byte)
            if last - first < max_lines:
                pending, pending_line = (child.start_byte, child.end_byte), first
            else:
                spans.extend(_line_windows(child.start_byte, child.end_byte, lines, max_lines))
        if pending:
            spans.append(pending)
    else:
        spans = _line_windows(0, len(data), lines, max_lines)
    units = []
    for start, end in spans:
        raw = data[start:end]
        if not raw.strip():
            continue
        digest = exact_hash(raw)
        units.append(
            Unit(
                language=grammar,
                kind=UnitKind.CHUNK,
                name=f"<chunk {digest[:8]}>",
                qualified_name=f"<chunk {digest[:8]}>",
                start_byte=start,
                end_byte=end,
                text=raw.decode("utf-8", errors="replace"),
                exact_hash=digest,
                lines=lines,
                normalized=normalized_text_hash(raw),
            )
        )
    return units


@dataclass(slots=True)
class _Region:
    """Where units are extracted again: a byte range, its nodes, and who encloses it."""

    start: int
    end: int
    nodes: list[Node]
    container: Unit | None = None
    ancestors: list[tuple[Unit, Node]] = field(default_factory=list)


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ranges covering the given ones."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _in_order(units: Iterable[Unit]) -> list[Unit]:
    """Units in document order (stable, so equal positions keep their given order)."""
    return sorted(units, key=lambda unit: (unit.start_byte, -unit.end_byte))


def _start_of(unit: Unit) -> int:
    return unit.start_byte


class UnitIndex:
    """The units of one document in document order, updated incrementally after each edit."""

    def __init__(self, grammar: str, max_chunk_lines: int = DEFAULT_CHUNK_LINES) -> None:
        self.grammar = grammar
        self.max_chunk_lines = max_chunk_lines
        self.units: list[Unit] = []
        self._chunked = True
        self._over_budget = False
        """Set once a query could not search the document in time: cut into chunks from
        then on, without asking again after every edit."""
        self._names: Counter[tuple[UnitKind, str]] = Counter()
        self._removed: list[Unit] = []
        self._renewed: dict[int, tuple[Unit, str]] = {}
        self._inserted: list[Unit] = []
        self._cut: list[Unit] = []
        self._edits: list[tuple[int, int, int]] = []
        self._origins: dict[int, int] = {}

    # -- whole document -------------------------------------------------------------------

    def rebuild(self, tree: Tree | None, data: bytes, lines: LineIndex) -> UnitDiff:
        """Extract every unit from scratch; the diff is against the previous units."""
        before = self.units
        for unit in before:
            unit.alive = False
        root = tree.root_node if tree is not None else None
        units = self._extract(root, data, lines) if root is not None else []
        self._chunked = not units
        if self._chunked:
            units = chunk_units(self.grammar, data, lines, root, self.max_chunk_lines)
        self.units = units
        self._names = Counter((u.kind, u.qualified_name) for u in units)
        self._forget_edits()
        return diff_units(before, units)

    def _extract(self, root: Node, data: bytes, lines: LineIndex) -> list[Unit]:
        """Every unit of the tree; none once a query ran over its budget."""
        if self._over_budget:
            return []
        try:
            return extract_units(self.grammar, root, data, lines)
        except OverBudget as error:
            self._give_up(error)
            return []

    def _give_up(self, error: OverBudget) -> None:
        log.warning("units cut into chunks until the document is closed: %s", error)
        self._over_budget = True

    def innermost(self, start: int, end: int) -> Unit | None:
        """The smallest unit containing the byte range, if any."""
        index = bisect_right(self.units, start, key=_start_of) - 1
        unit = self.units[index] if index >= 0 else None
        while unit is not None and not unit.contains(start, end):
            unit = unit.container
        return unit

    def _forget_edits(self) -> None:
        self._removed, self._renewed, self._inserted, self._cut = [], {}, [], []
        self._edits, self._origins = [], {}

    # -- one text edit, before the reparse --------------------------------------------------

    def shift(self, start: int, old_end: int, new_end: int) -> None:
        """Move units to where one text edit left them.

        Units after the edit move by its length; units around it stretch; units inside it
        are gone; a unit the edit cut into is stretched over it and extracted again later.
        """
        units = self.units
        delta = new_end - old_end
        low = bisect_left(units, start, key=_start_of)
        high = bisect_left(units, old_end, key=_start_of) if old_end > start else low
        if delta:
            for unit in units[high:]:
                unit.start_byte += delta
                unit.end_byte += delta
        kept: list[Unit] = []
        for unit in units[low:high]:
            if unit.end_byte <= old_end:
                self._remove(unit)
            else:
                self._origins.setdefault(id(unit), self._origin(unit.start_byte))
                unit.start_byte, unit.end_byte = start, unit.end_byte + delta
                kept.append(unit)
                self._cut.append(unit)
        if high > low:
            units[low:high] = kept
        outer = units[low - 1] if low else None
        while outer is not None:  # the units around the edit's start, innermost first
            if outer.end_byte <= start:
                pass  # ends before the edit
            elif outer.end_byte >= old_end:
                outer.end_byte += delta
            else:  # the edit cut off its end
                outer.end_byte = new_end
                self._cut.append(outer)
            outer = outer.container
        self._edits.append((start, old_end, new_end))

    def _order_before_edit(self, unit: Unit) -> tuple[int, int]:
        """Sort key placing a unit where it was before this batch of edits."""
        origin = self._origins.get(id(unit))
        if origin is None:
            origin = self._origin(unit.start_byte)
        return origin, -unit.end_byte

    def _origin(self, offset: int) -> int:
        """Where an offset of the current text was before this batch of edits."""
        for start, old_end, new_end in reversed(self._edits):
            if offset >= new_end:
                offset -= new_end - old_end
            elif offset > start:
                offset = start
        return offset

    def _remove(self, unit: Unit) -> None:
        unit.alive = False
        self._origins.setdefault(id(unit), self._origin(unit.start_byte))
        self._names[(unit.kind, unit.qualified_name)] -= 1
        renewed = self._renewed.pop(id(unit), None)
        if renewed is not None:  # renewed earlier in this edit: it leaves as it was
            unit.exact_hash = renewed[1]
        for index, inserted in enumerate(self._inserted):
            if inserted is unit:  # extracted earlier in this same edit: never existed before
                del self._inserted[index]
                return
        self._removed.append(unit)

    # -- after the reparse ------------------------------------------------------------------

    def update(
        self, tree: Tree, data: bytes, lines: LineIndex, dirty: Sequence[tuple[int, int]]
    ) -> UnitDiff:
        """Extract again the units around each dirty byte range of the new tree."""
        if self._chunked or units_query(self.grammar) is None:
            return self._rebuild_after_edit(tree, data, lines)
        # A unit the edit cut into must be extracted again over all of its old extent.
        cut = [(unit.start_byte, unit.end_byte) for unit in self._cut]
        # Error recovery can rename or reshape the definition around a syntax error without
        # tree-sitter reporting a changed range there, so the units around errors are
        # extracted again while the errors last.
        errors = [(n.start_byte, n.end_byte) for n in islice(error_nodes(tree.root_node), 16)]
        try:
            for start, end in merge_ranges([*dirty, *cut, *errors]):
                self._refresh(tree.root_node, data, lines, start, end)
        except OverBudget as error:
            self._give_up(error)
            return self._rebuild_after_edit(tree, data, lines)
        if not self.units:
            return self._rebuild_after_edit(tree, data, lines)
        return self._local_diff()

    def _rebuild_after_edit(self, tree: Tree, data: bytes, lines: LineIndex) -> UnitDiff:
        previous, former = self._previous_units()
        self.rebuild(tree, data, lines)
        return diff_units(previous, self.units, former)

    def _previous_units(self) -> tuple[list[Unit], dict[int, str]]:
        """The units as they were before this edit (in order), and former hashes by id."""
        inserted = {id(unit) for unit in self._inserted}
        previous = [unit for unit in self.units if id(unit) not in inserted] + self._removed
        previous.sort(key=self._order_before_edit)
        former = {key: old for key, (_, old) in self._renewed.items()}
        self._forget_edits()
        return previous, former

    def _refresh(self, root: Node, data: bytes, lines: LineIndex, start: int, end: int) -> None:
        region = self._region(root, start, end)
        units = self.units
        low = bisect_left(units, region.start, key=_start_of)
        high = bisect_left(units, region.end, key=_start_of)
        if region.container is None:
            # Top level: a unit starting before the region cannot reach into it.
            while low and units[low - 1].end_byte > region.start:
                low -= 1
        ancestors = {id(unit) for unit, _ in region.ancestors}
        while low < high and id(units[low]) in ancestors:
            low += 1  # an enclosing unit that starts where the region starts stays
        for unit, node in region.ancestors:
            if id(unit) not in self._renewed:
                self._renewed[id(unit)] = (unit, unit.exact_hash)
            _renew(unit, node, data)
        outer = region.ancestors[0][0] if region.ancestors else None
        fresh = [
            unit
            for node in region.nodes
            for unit in extract_units(self.grammar, node, data, lines, outer)
        ]
        for unit in units[low:high]:
            self._remove(unit)
        for unit in fresh:
            self._names[(unit.kind, unit.qualified_name)] += 1
        self._inserted.extend(fresh)
        units[low:high] = fresh

    def _region(self, root: Node, start: int, end: int) -> _Region:
        """The innermost definition around a range that is a unit nested as before."""
        definition_types = definition_node_types(self.grammar)
        node = descendant_for_byte_range(root, start, end)
        chain: list[tuple[Node, Unit | None]] = []
        while node is not None:
            if node.type in definition_types:
                chain.append((node, self._unit_at(node)))
            node = node.parent
        for index, (candidate, unit) in enumerate(chain):
            if unit is None:
                continue
            ancestors = self._matching_ancestors(unit, chain[index + 1 :])
            if ancestors is not None:
                return _Region(
                    candidate.start_byte, candidate.end_byte, [candidate], unit, ancestors
                )
        nodes = [c for c in root.children if c.start_byte <= end and c.end_byte >= start]
        low = min([start, *(n.start_byte for n in nodes)])
        high = max([end, *(n.end_byte for n in nodes)])
        return _Region(low, high, nodes)

    @staticmethod
    def _matching_ancestors(
        unit: Unit, outer: list[tuple[Node, Unit | None]]
    ) -> list[tuple[Unit, Node]] | None:
        """The unit's containers paired with their new nodes, or None if nesting changed.

        A definition node without a unit of its own is allowed only right inside a node
        that has one (the function inside a decorated definition).
        """
        ancestors: list[tuple[Unit, Node]] = []
        expected = unit.container
        for index, (node, match) in enumerate(outer):
            if match is None:
                wrapper = outer[index + 1][1] if index + 1 < len(outer) else None
                parent = node.parent
                if not (
                    wrapper is not None
                    and parent is not None
                    and parent.start_byte == wrapper.start_byte
                    and parent.end_byte == wrapper.end_byte
                ):
                    return None
                continue
            if match is not expected:
                return None
            ancestors.append((match, node))
            expected = match.container
        return ancestors if expected is None else None

    def _unit_at(self, node: Node) -> Unit | None:
        units = self.units
        index = bisect_left(units, node.start_byte, key=_start_of)
        while index < len(units) and units[index].start_byte == node.start_byte:
            unit = units[index]
            if unit.end_byte == node.end_byte and unit.node_type == node.type:
                return unit
            index += 1
        return None

    def _local_diff(self) -> UnitDiff:
        """The diff over the replaced units only, unless the rank of a shared name moved.

        Units are known by (kind, qualified name, rank among namesakes). When an edit adds
        or removes a unit whose name other units share, their ranks move: then, and only
        then, the whole document is compared.
        """
        removed, inserted = self._removed, self._inserted
        before = Counter((u.kind, u.qualified_name) for u in removed)
        after = Counter((u.kind, u.qualified_name) for u in inserted)
        if any(
            before[name] != after[name] and self._names[name] > after[name]
            for name in before.keys() | after.keys()
        ):
            previous, former = self._previous_units()
            return diff_units(previous, self.units, former)
        gone = {id(unit) for unit in removed}
        renewed = [
            unit
            for unit, old in self._renewed.values()
            if unit.exact_hash != old and id(unit) not in gone
        ]
        former = {key: old for key, (_, old) in self._renewed.items()}
        removed.sort(key=self._order_before_edit)
        self._forget_edits()
        local = diff_units(removed, _in_order(inserted), former)
        return UnitDiff(local.added, (*local.changed, *renewed), local.removed)
