"""Fix verification: does a proposed fix stay in its unit, still parse, and still fit its file?

A model's fix is only offered when checks we make ourselves pass (design lesson: a model
rating its own output is not an independent signal). The edits are applied to a copy of the
document's bytes, never to the document; the copy is parsed again with a fresh parser, reusing
a copy of the document's tree edited the same way so that only the changed region is parsed
anew. The fix is rejected when an edit leaves its unit, edits overlap, nothing changes, the
whole unit is deleted, or any region (the unit, or the rest of the file) gains a syntax error.
Errors that were already there are not held against the fix. A fix that parses must then
use only names that resolve (`peer_lsp.documents.names`: `ast.literal_eval` needs `ast`) and
keep what its unit exports (`peer_lsp.documents.exports`: name, parameters, bases, public
members): a fix repairs a body for the callers it has.
"""

from __future__ import annotations

import itertools
import re
import typing
from dataclasses import dataclass

from peer_lsp.documents.exports import changed_exports
from peer_lsp.documents.names import unresolved_names
from peer_lsp.syntax.errors import error_nodes
from peer_lsp.syntax.languages import new_parser
from peer_lsp.syntax.nodes import edit_tree

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from tree_sitter import Node, Point, Tree

    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import TextEdit
    from peer_lsp.syntax.unit import Unit

_LONE_CR = re.compile(rb"\r(?!\n)")


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of a check: ``reason`` says why a fix was rejected (empty when ok)."""

    ok: bool
    reason: str = ""
    new_text_of_unit: str | None = None


@dataclass(frozen=True, slots=True)
class _Edit:
    """A ``TextEdit`` with its replacement as UTF-8 bytes."""

    start: int
    end: int
    new: bytes


def _reject(reason: str) -> Verdict:
    return Verdict(False, reason)


def verify_fix(document: Document, unit: Unit, edits: Sequence[TextEdit]) -> Verdict:
    """Check ``edits`` against ``unit`` of ``document``; the document is left untouched."""
    if document.grammar is None:
        return _reject("no grammar")
    if not _is_current(document, unit):
        return _reject("the unit changed since it was extracted")
    prepared = _prepare(edits)
    if isinstance(prepared, str):
        return _reject(prepared)
    problem = _check_ranges(document.data, unit, prepared)
    if problem:
        return _reject(problem)
    data = _apply(document.data, prepared)
    new_end = unit.end_byte + sum(len(e.new) - (e.end - e.start) for e in prepared)
    raw_unit = data[unit.start_byte : new_end]
    if raw_unit == document.data[unit.start_byte : unit.end_byte]:
        return _reject("the fix changes nothing")
    if not raw_unit.strip():
        return _reject("the fix deletes the whole unit")
    tree = _reparse(document, prepared, data)
    before = _error_counts(document.tree, unit.start_byte, unit.end_byte)
    after = _error_counts(tree, unit.start_byte, new_end)
    if after[0] > before[0] or after[1] > before[1]:
        return _reject("the fix breaks the syntax")
    if document.tree is not None:
        problem = _changes_meaning(document, unit, (tree, data), new_end)
        if problem:
            return _reject(problem)
    return Verdict(True, "", raw_unit.decode("utf-8", "replace"))


def _changes_meaning(document: Document, unit: Unit, new: tuple[Tree, bytes], end: int) -> str:
    """Why the fixed unit cannot work as its file stands (empty when nothing is wrong): a
    name it introduces resolves nowhere, or it changes what the unit exports."""
    assert document.tree is not None
    assert document.grammar is not None
    old = (document.tree, document.data)
    missing = unresolved_names(document.grammar, old, new, unit.start_byte, end)
    if missing:
        names = ", ".join(f"`{name}`" for name in missing[:3])
        verb = "is" if len(missing) == 1 else "are"
        return f"the fix uses {names}, which {verb} not defined or imported"
    return changed_exports(unit, old, new)


def _is_current(document: Document, unit: Unit) -> bool:
    """Whether ``unit`` still describes the document's text (a fix is judged against it)."""
    raw = document.data[unit.start_byte : unit.end_byte]
    return unit.end_byte <= len(document.data) and raw.decode("utf-8", "replace") == unit.text


def _prepare(edits: Sequence[TextEdit]) -> list[_Edit] | str:
    """The edits sorted by position, or the reason they cannot be used."""
    if not edits:
        return "the fix has no edits"
    prepared: list[_Edit] = []
    for edit in edits:
        if edit.start_byte < 0 or edit.end_byte < edit.start_byte:
            return "an edit has an invalid range"
        try:
            new = edit.new_text.encode("utf-8")
        except UnicodeEncodeError:
            return "an edit is not valid text"
        prepared.append(_Edit(edit.start_byte, edit.end_byte, new))
    prepared.sort(key=lambda e: (e.start, e.end))
    for previous, current in itertools.pairwise(prepared):
        if current.start < previous.end or current.start == previous.start:
            return "the edits overlap"
    return prepared


def _check_ranges(data: bytes, unit: Unit, edits: Sequence[_Edit]) -> str:
    """Why the edits cannot apply to ``unit`` (empty when they can)."""
    for edit in edits:
        if edit.start < unit.start_byte or edit.end > unit.end_byte:
            return "the fix touches text outside its unit"
        if _splits_character(data, edit.start) or _splits_character(data, edit.end):
            return "an edit splits a character"
    return ""


def _splits_character(data: bytes, offset: int) -> bool:
    """True when ``offset`` falls inside a multi-byte UTF-8 sequence."""
    return offset < len(data) and 0x80 <= data[offset] < 0xC0


def _apply(data: bytes, edits: Sequence[_Edit]) -> bytes:
    """``data`` with every (sorted, disjoint) edit applied."""
    parts: list[bytes] = []
    cursor = 0
    for edit in edits:
        parts.append(data[cursor : edit.start])
        parts.append(edit.new)
        cursor = edit.end
    parts.append(data[cursor:])
    return b"".join(parts)


def _parser_view(data: bytes) -> bytes:
    """What the parser reads: lone CRs as LFs, as the document does, offsets unchanged."""
    return _LONE_CR.sub(b"\n", data) if b"\r" in data else data


def _reparse(document: Document, edits: Sequence[_Edit], data: bytes) -> Tree:
    """Parse ``data``, reusing an edited copy of the document's tree when there is one."""
    assert document.grammar is not None
    parser = new_parser(document.grammar)
    view = _parser_view(data)
    if document.tree is None:
        return parser.parse(view)
    tree = document.tree.copy()
    old_view = _parser_view(document.data)
    shift = sum(len(e.new) - (e.end - e.start) for e in edits)
    # Last edit first: the offsets and points of the edits before it are still those of the
    # old text, and each replacement reads as it will in the new text.
    for edit in reversed(edits):
        shift -= len(edit.new) - (edit.end - edit.start)
        _edit_tree(tree, old_view, view, edit, shift)
    return parser.parse(view, tree)


def _edit_tree(tree: Tree, old_view: bytes, new_view: bytes, edit: _Edit, shift: int) -> None:
    """Tell ``tree`` about one edit; ``shift`` is where earlier edits moved its start."""
    # A CR just before the edit may join, or leave, a CRLF: the edit starts at that CR.
    start = edit.start - 1 if edit.start and old_view[edit.start - 1] == 0x0D else edit.start
    start_point = _point(old_view, start)
    new_end = edit.start + len(edit.new)
    inserted = new_view[start + shift : new_end + shift]
    edit_tree(
        tree,
        start,
        edit.end,
        new_end,
        start_point,
        _point(old_view, edit.end),
        _advance(start_point, inserted),
    )


def _point(view: bytes, offset: int) -> Point:
    """tree-sitter's (row, byte column) of ``offset`` in what the parser reads."""
    row = view.count(b"\n", 0, offset)
    column = offset - (view.rfind(b"\n", 0, offset) + 1)
    return (row, column)  # type: ignore[return-value]


def _advance(point: Point, text: bytes) -> Point:
    """The point reached by reading ``text`` from ``point``."""
    rows = text.count(b"\n")
    if not rows:
        return (point[0], point[1] + len(text))  # type: ignore[return-value]
    return (point[0] + rows, len(text) - text.rfind(b"\n") - 1)  # type: ignore[return-value]


def _error_counts(tree: Tree | None, start: int, end: int) -> tuple[int, int]:
    """Syntax errors touching ``[start, end]``, and those elsewhere."""
    if tree is None or not tree.root_node.has_error:
        return (0, 0)
    inside = outside = 0
    for node in error_nodes(tree.root_node):
        if _touches(node, start, end):
            inside += 1
        else:
            outside += 1
    return (inside, outside)


def _touches(node: Node, start: int, end: int) -> bool:
    return node.start_byte <= end and node.end_byte >= start
