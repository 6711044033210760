"""The segments of a document that rules search, and which of them an edit reaches.

A document is cut into segments, each owned by exactly one place:

- a unit owns its range minus the ranges of the units nested in it (a class owns its header
  and fields, each method owns itself), so a match is never reported twice;
- top-level code outside every unit (imports, module constants, ``main`` blocks) is cut into
  pieces at top-level statement boundaries chosen by the statements' content (so that an
  inserted line moves no boundary but its neighbours), at most `PIECE_LINES` lines each.
  Files cut into line chunks (no functions or classes) are top-level code as a whole: the
  chunks' boundaries move with every inserted line, these pieces' do not.

An edit reaches the top-level units and the stretches of top-level code between them that
its changed bytes touch (`edit_region`). A segment with a syntax error in it
(`unit_has_error`, `code_has_error`) depends on its surroundings (error recovery), not on its
own text alone.
"""

from __future__ import annotations

import typing
import zlib
from bisect import bisect_left, bisect_right

from peer_lsp.syntax.nodes import children_in, descendant_for_byte_range
from peer_lsp.syntax.unit import UnitKind

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from tree_sitter import Node

    from peer_lsp.documents.store import Document
    from peer_lsp.syntax.unit import Unit
    from peer_lsp.text.lines import LineIndex

PIECE_LINES = 80
"""Longest piece of top-level code searched (and cached) as one."""

CUT_EVERY = 16
"""A piece of top-level code ends, on average, every this many statements."""


def own_pieces(units: Sequence[Unit], index: int, data: bytes) -> list[tuple[int, int]]:
    """The ranges of ``units[index]`` outside the units nested in it, blank ones left out."""
    unit = units[index]
    pieces: list[tuple[int, int]] = []
    cursor = unit.start_byte
    following = index + 1
    while following < len(units) and units[following].start_byte < unit.end_byte:
        inner = units[following]
        if inner.container is unit:
            if inner.start_byte > cursor:
                pieces.append((cursor, inner.start_byte))
            cursor = max(cursor, inner.end_byte)
        following += 1
    if cursor < unit.end_byte:
        pieces.append((cursor, unit.end_byte))
    return [(a, b) for a, b in pieces if data[a:b].strip()]


def top_level_pieces(
    root: Node, data: bytes, start: int, end: int, lines: LineIndex
) -> list[tuple[int, int]]:
    """``[start, end)`` cut at top-level statement boundaries into pieces.

    A piece ends after a statement whose text hashes to a multiple of `CUT_EVERY` (so the
    cuts depend on the statements around them, not on line numbers: inserting a line moves
    no cut but the ones next to it), or before it would grow past `PIECE_LINES` lines.
    """
    pieces: list[tuple[int, int]] = []
    piece: tuple[int, int] | None = None
    for node in children_in(root, start, end):
        a, b = max(node.start_byte, start), min(node.end_byte, end)
        if b > a:
            if piece is not None and lines.line_of(b) - lines.line_of(piece[0]) >= PIECE_LINES:
                pieces.append(piece)
                piece = None
            piece = (a, b) if piece is None else (piece[0], b)
            if zlib.crc32(data[a:b]) % CUT_EVERY == 0:
                pieces.append(piece)
                piece = None
    if piece is not None:
        pieces.append(piece)
    return pieces


def unit_has_error(root: Node, start: int, end: int) -> bool:
    """Whether the unit at ``[start, end)`` holds a syntax error. Its parse then depends on the
    code around it (error recovery), not on its own text alone: it is not cached by its text."""
    if not root.has_error:
        return False
    node = descendant_for_byte_range(root, start, max(start, end - 1))
    while node is not None and not (node.start_byte <= start and end <= node.end_byte):
        node = node.parent
    return node is not None and node.has_error


def code_has_error(root: Node, start: int, end: int) -> bool:
    """Whether a top-level statement overlapping ``[start, end)`` holds a syntax error."""
    if not root.has_error:
        return False
    return any(node.has_error for node in children_in(root, start, end))


def segment_units(document: Document) -> Sequence[Unit]:
    """The units that own segments: none in a file cut into line chunks (no functions or
    classes), which is top-level code as a whole, since chunk boundaries move with every new
    line."""
    units = document.units
    return () if units and units[0].kind is UnitKind.CHUNK else units


def start_of(unit: Unit) -> int:
    return unit.start_byte


def _top_level(unit: Unit) -> Unit:
    while unit.container is not None:
        unit = unit.container
    return unit


def top_unit_at(units: Sequence[Unit], offset: int) -> Unit | None:
    """The last top-level unit starting at or before ``offset``, or None."""
    index = bisect_right(units, offset, key=start_of) - 1
    return _top_level(units[index]) if index >= 0 else None


def edit_region(units: Sequence[Unit], start: int, end: int, size: int) -> tuple[int, int]:
    """``[start, end)`` widened to whole top-level units and whole stretches of top-level code
    between them: from the end of a top-level unit (or 0) to the start of one (or ``size``)."""
    before = top_unit_at(units, start)
    if before is not None and before.end_byte > start:  # inside a top-level unit
        before = top_unit_at(units, before.start_byte - 1) if before.start_byte else None
    low = before.end_byte if before is not None else 0
    around = top_unit_at(units, end)
    if around is not None and around.end_byte > end:
        end = around.end_byte
    following = bisect_left(units, end, key=start_of)
    high = units[following].start_byte if following < len(units) else size
    return min(low, start), max(high, end)
