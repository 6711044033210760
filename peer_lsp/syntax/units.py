"""Reviewable units: the functions, methods and classes of a document, kept current per edit.

Each grammar has a query in ``queries/<grammar>/units.scm`` that captures definitions as
``@definition.function`` or ``@definition.class`` and their names as ``@name``. A function
nested directly in a class is a method; names are qualified with every enclosing unit. When
two definitions share a name node (a decorated function and the function itself), the outer
one is the unit. Files whose grammar has no query, or whose query finds nothing, are cut into
top-level chunks of bounded size instead.

After an edit only the smallest unit around each changed range is extracted again, so the
cost of an edit follows what it touched; `diff_units` then says exactly what changed.
"""

from __future__ import annotations

import enum
import functools
import typing
from dataclasses import dataclass
from importlib import resources

from peer_lsp.syntax.languages import get_language
from peer_lsp.syntax.normalize import exact_hash, normalized_hash, normalized_text_hash

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from tree_sitter import Node, Query, Tree

    from peer_lsp.documents.lines import LineIndex

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


@dataclass(frozen=True, slots=True)
class Unit:
    """One reviewable piece of a document (design contract: Unit).

    Lines are 0-based and inclusive; bytes are a half-open range. ``node_type`` is the
    syntax node the unit was cut from (empty for chunks).
    """

    language: str
    kind: UnitKind
    name: str
    qualified_name: str
    start_byte: int
    end_byte: int
    start_line: int
    end_line: int
    text: str
    exact_hash: str
    normalized_hash: str
    node_type: str = ""
    parent: Scope | None = None

    @property
    def enclosing_class_header(self) -> str | None:
        """The header line of the class this unit belongs to, if any."""
        if self.parent is not None and self.parent.kind is UnitKind.CLASS:
            return self.parent.header
        return None

    def contains(self, start: int, end: int) -> bool:
        return self.start_byte <= start and end <= self.end_byte

    def moved(self, start_byte: int, end_byte: int, lines: LineIndex) -> Unit:
        """The same unit at another place; text and hashes are kept."""
        return Unit(
            self.language,
            self.kind,
            self.name,
            self.qualified_name,
            start_byte,
            end_byte,
            lines.line_of(start_byte),
            lines.line_of(max(end_byte - 1, start_byte)),
            self.text,
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


def diff_units(old: Sequence[Unit], new: Sequence[Unit]) -> UnitDiff:
    """Compare two unit lists by identity; a unit changed when its exact text changed."""
    before, after = unit_keys(old), unit_keys(new)
    added = tuple(unit for key, unit in after.items() if key not in before)
    removed = tuple(unit for key, unit in before.items() if key not in after)
    changed = tuple(
        unit
        for key, unit in after.items()
        if key in before and before[key].exact_hash != unit.exact_hash
    )
    return UnitDiff(added, changed, removed)


@functools.cache
def units_query(grammar: str) -> Query | None:
    """The compiled units query of a grammar, or None when it has none."""
    from tree_sitter import Query

    path = resources.files("peer_lsp.syntax") / "queries" / grammar / "units.scm"
    if not path.is_file():
        return None
    return Query(get_language(grammar), path.read_text(encoding="utf-8"))


def has_units_query(grammar: str) -> bool:
    return units_query(grammar) is not None


@functools.cache
def definition_node_types(grammar: str) -> frozenset[str]:
    """Node types that a grammar's units query captures as definitions.

    Read from the query source: the outermost node of each top-level pattern whose capture
    is ``@definition.*`` (a bracketed alternation contributes each of its nodes).
    """
    path = resources.files("peer_lsp.syntax") / "queries" / grammar / "units.scm"
    if not path.is_file():
        return frozenset()
    return frozenset(_definition_types(path.read_text(encoding="utf-8")))


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


def _make_unit(
    grammar: str,
    node: Node,
    kind: UnitKind,
    name: str,
    parent: Scope | None,
    data: bytes,
    lines: LineIndex,
) -> Unit:
    raw = data[node.start_byte : node.end_byte]
    qualified = f"{parent.qualified_name}.{name}" if parent else name
    return Unit(
        language=grammar,
        kind=kind,
        name=name,
        qualified_name=qualified,
        start_byte=node.start_byte,
        end_byte=node.end_byte,
        start_line=lines.line_of(node.start_byte),
        end_line=lines.line_of(max(node.end_byte - 1, node.start_byte)),
        text=raw.decode("utf-8", errors="replace"),
        exact_hash=exact_hash(raw),
        normalized_hash=normalized_hash(node, data, grammar),
        node_type=node.type,
        parent=parent,
    )


def _definitions(query: Query, node: Node) -> list[tuple[Node, Node, UnitKind]]:
    """(definition, name, kind) for every match inside ``node``, outermost first."""
    from tree_sitter import QueryCursor

    found: list[tuple[Node, Node, UnitKind]] = []
    for _, captures in QueryCursor(query).matches(node):
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


def extract_units(
    grammar: str,
    node: Node,
    data: bytes,
    lines: LineIndex,
    parent: Scope | None = None,
) -> list[Unit]:
    """Units defined inside ``node`` (``node`` itself included), outermost first."""
    query = units_query(grammar)
    if query is None:
        return []
    units: list[Unit] = []
    stack: list[tuple[int, Scope]] = []
    for definition, name_node, base_kind in _definitions(query, node):
        while stack and stack[-1][0] <= definition.start_byte:
            stack.pop()
        scope = stack[-1][1] if stack else parent
        kind = base_kind
        if kind is UnitKind.FUNCTION and scope is not None and scope.kind is UnitKind.CLASS:
            kind = UnitKind.METHOD
        name = data[name_node.start_byte : name_node.end_byte].decode("utf-8", "replace")
        unit = _make_unit(grammar, definition, kind, name, scope, data, lines)
        units.append(unit)
        stack.append(
            (definition.end_byte, Scope(unit.qualified_name, kind, _header(data, definition)))
        )
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
        for child in root.children:
            first, last = lines.line_of(child.start_byte), lines.line_of(child.end_byte)
            if pending and last - lines.line_of(pending[0]) < max_lines:
                pending = (pending[0], child.end_byte)
                continue
            if pending:
                spans.append(pending)
            pending = None
            if last - first < max_lines:
                pending = (child.start_byte, child.end_byte)
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
                start_line=lines.line_of(start),
                end_line=lines.line_of(max(end - 1, start)),
                text=raw.decode("utf-8", errors="replace"),
                exact_hash=digest,
                normalized_hash=normalized_text_hash(raw),
            )
        )
    return units


def _line_windows(start: int, end: int, lines: LineIndex, size: int) -> list[tuple[int, int]]:
    first, last = lines.line_of(start), lines.line_of(max(end - 1, start))
    windows = []
    for line in range(first, last + 1, size):
        window_start = max(lines.line_start(line), start)
        stop_line = line + size
        window_end = lines.line_start(stop_line) if stop_line < lines.line_count else end
        windows.append((window_start, min(window_end, end)))
    return windows


def _find_node(root: Node, start: int, end: int, node_type: str) -> Node | None:
    node: Node | None = root.descendant_for_byte_range(start, end)
    while node is not None and node.start_byte == start and node.end_byte == end:
        if node.type == node_type:
            return node
        node = node.parent
    return None


class UnitIndex:
    """The units of one document, updated incrementally after each edit."""

    def __init__(self, grammar: str, max_chunk_lines: int = DEFAULT_CHUNK_LINES) -> None:
        self.grammar = grammar
        self.max_chunk_lines = max_chunk_lines
        self.units: list[Unit] = []
        self._chunked = True

    def rebuild(self, tree: Tree | None, data: bytes, lines: LineIndex) -> list[Unit]:
        """Extract every unit from scratch."""
        root = tree.root_node if tree is not None else None
        units = extract_units(self.grammar, root, data, lines) if root is not None else []
        self._chunked = not units
        if self._chunked:
            units = chunk_units(self.grammar, data, lines, root, self.max_chunk_lines)
        self.units = units
        return units

    def shift(self, start: int, old_end: int, new_end: int, lines: LineIndex) -> None:
        """Move units to where one text edit left them (before reparsing).

        Units after the edit move by its length; units around it grow or shrink; a unit
        the edit cut into is stretched over it and will be extracted again.
        """
        delta = new_end - old_end
        moved: list[Unit] = []
        for unit in self.units:
            if unit.end_byte <= start:
                moved.append(unit)
            elif start <= unit.start_byte and unit.end_byte <= old_end:
                continue  # deleted with the text
            elif unit.start_byte >= old_end:
                moved.append(unit.moved(unit.start_byte + delta, unit.end_byte + delta, lines))
            else:
                new_start = min(unit.start_byte, start)
                new_stop = max(unit.end_byte + delta, new_end)
                moved.append(unit.moved(new_start, new_stop, lines))
        self.units = moved

    def update(
        self, tree: Tree, data: bytes, lines: LineIndex, dirty: Sequence[tuple[int, int]]
    ) -> list[Unit]:
        """Re-extract the units around each dirty byte range of the new tree."""
        if self._chunked or units_query(self.grammar) is None:
            return self.rebuild(tree, data, lines)
        root = tree.root_node
        for start, end in dirty:
            self._refresh(root, data, lines, start, end)
        if not self.units:
            return self.rebuild(tree, data, lines)
        return self.units

    def _refresh(self, root: Node, data: bytes, lines: LineIndex, start: int, end: int) -> None:
        container, ancestors = self._container(root, start, end)
        if container is not None:
            unit, node = container
            region_start, region_end = node.start_byte, node.end_byte
            fresh = extract_units(self.grammar, node, data, lines, unit.parent)
        else:
            nodes = [
                child
                for child in root.children
                if child.start_byte <= end and child.end_byte >= start
            ]
            if not nodes:
                self.units = [u for u in self.units if not (start <= u.start_byte < end)]
                return
            region_start, region_end = nodes[0].start_byte, nodes[-1].end_byte
            fresh = [
                unit for child in nodes for unit in extract_units(self.grammar, child, data, lines)
            ]
            ancestors = []
        renewed = {
            id(old): _make_unit(self.grammar, node, old.kind, old.name, old.parent, data, lines)
            for old, node in ancestors
        }
        kept = [
            renewed.get(id(u), u)
            for u in self.units
            if id(u) in renewed or u.end_byte <= region_start or u.start_byte >= region_end
        ]
        merged = kept + fresh
        merged.sort(key=lambda u: (u.start_byte, -u.end_byte))
        self.units = merged

    def _container(
        self, root: Node, start: int, end: int
    ) -> tuple[tuple[Unit, Node] | None, list[tuple[Unit, Node]]]:
        """The innermost unit around a range that the new tree still nests the same way.

        A candidate qualifies when its node and the nodes of every unit around it still
        exist, and no other definition now encloses it; it comes with those outer units.
        """
        candidates = sorted(
            (u for u in self.units if u.contains(start, end)),
            key=lambda u: u.end_byte - u.start_byte,
        )
        around: list[Unit] = []
        for unit in candidates:  # keep one nesting chain; neighbours can touch the range
            if not around or unit.contains(around[-1].start_byte, around[-1].end_byte):
                around.append(unit)
        nodes = [_find_node(root, u.start_byte, u.end_byte, u.node_type) for u in around]
        for index, (unit, node) in enumerate(zip(around, nodes, strict=True)):
            outer = list(zip(around[index + 1 :], nodes[index + 1 :], strict=True))
            if node is None or any(n is None for _, n in outer):
                continue
            parent_name = outer[0][0].qualified_name if outer else None
            if (unit.parent.qualified_name if unit.parent else None) != parent_name:
                continue  # its recorded scope is gone
            if self._nested_as_before(
                node, {(u.start_byte, u.end_byte, u.node_type) for u, _ in outer}
            ):
                return (unit, node), [(u, n) for u, n in outer if n is not None]
        return None, []

    def _nested_as_before(self, node: Node, expected: set[tuple[int, int, str]]) -> bool:
        """Whether the definitions enclosing ``node`` are exactly the expected units."""
        definition_types = definition_node_types(self.grammar)
        remaining = set(expected)
        parent = node.parent
        while parent is not None:
            key = (parent.start_byte, parent.end_byte, parent.type)
            if key in remaining:
                remaining.discard(key)
            elif parent.type in definition_types:
                wrapper = parent.parent
                wrapped = wrapper is not None and (
                    (wrapper.start_byte, wrapper.end_byte, wrapper.type) in expected
                )
                if not wrapped:
                    return False  # a definition that was not there before now encloses it
            parent = parent.parent
        return not remaining
