"""The units of one document, kept current per edit (`UnitIndex`).

An edit costs what it touched: unit positions after it move in place, the innermost unit
around each changed range is found through the new tree and extracted again, the units
around it get their new text, and the diff is computed over the replaced units only.
"""

from __future__ import annotations

import logging
import typing
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

from peer_lsp.syntax.budget import OverBudget
from peer_lsp.syntax.errors import error_nodes
from peer_lsp.syntax.nodes import descendant_for_byte_range
from peer_lsp.syntax.unit_chunks import DEFAULT_CHUNK_LINES, chunk_units
from peer_lsp.syntax.unit_diff import UnitDiff, diff_units
from peer_lsp.syntax.unit_extract import (
    definition_node_types,
    extract_units,
    renew_unit,
    units_query,
)

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from tree_sitter import Node, Tree

    from peer_lsp.syntax.unit import Unit, UnitKind
    from peer_lsp.text.lines import LineIndex

log = logging.getLogger(__name__)


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
        then on, without asking again after every edit (until it parses again, when a
        syntax error's recovery was the cause)."""
        self._over_budget_broken = False
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
            if not self._over_budget_broken or root.has_error:
                return []
            log.info("units extracted again: the document parses again")
            self._over_budget = self._over_budget_broken = False
        try:
            return extract_units(self.grammar, root, data, lines)
        except OverBudget as error:
            self._give_up(error, root)
            return []

    def _give_up(self, error: OverBudget, root: Node) -> None:
        self._over_budget, self._over_budget_broken = True, root.has_error
        until = "it parses again" if root.has_error else "the document is closed"
        log.warning("units cut into chunks until %s: %s", until, error)

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
            # chunked: a rebuild asks the query again once the document parses again
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
            self._give_up(error, tree.root_node)
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
            renew_unit(unit, node, data)
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
