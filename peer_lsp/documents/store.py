"""Open documents: text, syntax tree, units and version per URI, edited incrementally.

A document keeps its text as UTF-8 bytes, because that is what tree-sitter reads. Each
editor change is applied to the bytes, to the line index, to the tree (``tree.edit``) and to
the unit positions; one reparse with the old tree follows, and the units around the changed
ranges are extracted again. Nothing here knows about LSP: positions arrive as plain ints.
"""

from __future__ import annotations

import logging
import re
import time
import typing
from dataclasses import dataclass, field

from peer_lsp.documents.lines import LineIndex
from peer_lsp.documents.positions import Encoding, offset_at
from peer_lsp.syntax.languages import new_parser, resolve_language
from peer_lsp.syntax.units import (
    DEFAULT_CHUNK_LINES,
    Unit,
    UnitDiff,
    UnitIndex,
    merge_ranges,
)

if typing.TYPE_CHECKING:
    from tree_sitter import Parser, Point, Tree

log = logging.getLogger(__name__)

_LONE_CR = re.compile(rb"\r(?!\n)")


@dataclass(frozen=True, slots=True)
class TextChange:
    """One editor change: a range (start line/char, end line/char) and its new text.

    ``range`` None replaces the whole document (full sync).
    """

    text: str
    range: tuple[int, int, int, int] | None = None


@dataclass(frozen=True, slots=True)
class EditResult:
    """What one batch of changes did: the units it touched and the dirty byte ranges."""

    units: UnitDiff
    dirty: tuple[tuple[int, int], ...]
    parse_ms: float = 0.0


def _remap(offset: int, start: int, end: int, new_end: int) -> int:
    """Where ``offset`` lands after ``[start, end)`` became ``[start, new_end)``."""
    if offset <= start:
        return offset
    if offset >= end:
        return offset + new_end - end
    return new_end


@dataclass(eq=False)
class Document:
    """One open document.

    ``grammar`` is None for languages without a grammar: such documents have no tree and
    are cut into line chunks.
    """

    uri: str
    language_id: str
    version: int | None
    data: bytes
    grammar: str | None
    encoding: Encoding = Encoding.UTF16
    lines: LineIndex = field(init=False)
    tree: Tree | None = field(init=False, default=None)
    unit_index: UnitIndex = field(init=False)
    _parser: Parser | None = field(init=False, default=None, repr=False)
    _lone_cr: bool = field(init=False, default=False, repr=False)

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.data)
        self._lone_cr = self._has_lone_cr()
        self.unit_index = UnitIndex(self.grammar or "text")
        if self.grammar is not None:
            self._parser = new_parser(self.grammar)
            self.tree = self._parser.parse(self._parser_view())
        self.unit_index.rebuild(self.tree, self.data, self.lines)

    @classmethod
    def open(
        cls,
        uri: str,
        text: str,
        language_id: str = "",
        version: int | None = None,
        encoding: Encoding = Encoding.UTF16,
        max_chunk_lines: int = DEFAULT_CHUNK_LINES,
    ) -> Document:
        grammar = resolve_language(language_id, uri)
        doc = cls(uri, language_id, version, text.encode("utf-8"), grammar, encoding)
        if max_chunk_lines != DEFAULT_CHUNK_LINES:
            doc.unit_index.max_chunk_lines = max_chunk_lines
            doc.unit_index.rebuild(doc.tree, doc.data, doc.lines)
        return doc

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    @property
    def units(self) -> list[Unit]:
        return self.unit_index.units

    def offset_at(self, line: int, character: int) -> int:
        return offset_at(self.data, self.lines, line, character, self.encoding)

    def apply_changes(
        self, changes: typing.Sequence[TextChange], version: int | None
    ) -> EditResult:
        """Apply editor changes in order, reparse once, and report the units they touched."""
        dirty: list[tuple[int, int]] = []
        full = False
        for change in changes:
            if change.range is None:
                self._replace_all(change.text)
                full = True
                dirty = [(0, len(self.data))]
                continue
            start = self.offset_at(change.range[0], change.range[1])
            end = max(self.offset_at(change.range[2], change.range[3]), start)
            new_end = self._splice(start, end, change.text.encode("utf-8"))
            dirty = [
                (_remap(s, start, end, new_end), _remap(e, start, end, new_end)) for s, e in dirty
            ]
            dirty.append((start, new_end))
        self.version = version
        began = time.perf_counter()
        if self._parser is not None:
            old_tree = self.tree
            self.tree = self._parser.parse(self._parser_view(), None if full else old_tree)
            if old_tree is not None and not full:
                dirty.extend((r.start_byte, r.end_byte) for r in old_tree.changed_ranges(self.tree))
        parse_ms = (time.perf_counter() - began) * 1000
        merged = merge_ranges(dirty)
        if full or self.tree is None:
            diff = self.unit_index.rebuild(self.tree, self.data, self.lines)
        else:
            diff = self.unit_index.update(self.tree, self.data, self.lines, merged)
        return EditResult(diff, tuple(merged), parse_ms)

    def _replace_all(self, text: str) -> None:
        self.data = text.encode("utf-8")
        self.lines = LineIndex(self.data)
        self._lone_cr = self._has_lone_cr()

    def _splice(self, start: int, end: int, new: bytes) -> int:
        """Replace ``data[start:end]`` and keep lines, tree and unit positions in step."""
        # A CR just before the edit may turn from lone (an LF to the parser) into half of a
        # CRLF or back, so the parser is told that the edit starts there.
        tree_start = start - 1 if start and self.data[start - 1] == 0x0D else start
        start_point = self._point(tree_start)
        old_end_point = self._point(end)
        self.data = self.data[:start] + new + self.data[end:]
        new_end = start + len(new)
        self.lines.apply_edit(start, end, new_end, self.data)
        if b"\r" in new or self._lone_cr:
            self._lone_cr = self._has_lone_cr()
        if self.tree is not None:
            new_end_point = self._point(new_end)
            self.tree.edit(tree_start, end, new_end, start_point, old_end_point, new_end_point)
        self.unit_index.shift(start, end, new_end)
        return new_end

    def _has_lone_cr(self) -> bool:
        return self.data.count(b"\r") != self.data.count(b"\r\n")

    def _parser_view(self) -> bytes:
        """The bytes tree-sitter reads: lone CRs as LFs, so every grammar sees those lines.

        Grammars treat a lone ``\r`` as blank space (Python would join the lines around
        it), while the editor and the LSP count it as a line break. The swap keeps every
        byte offset, and makes tree-sitter rows equal to editor lines.
        """
        if not self._lone_cr:
            return self.data
        return _LONE_CR.sub(b"\n", self.data)

    def _point(self, offset: int) -> Point:
        """tree-sitter's point of an offset: the editor line and the byte column."""
        line = self.lines.line_of(offset)
        return (line, offset - self.lines.line_start(line))  # type: ignore[return-value]


class DocumentStore:
    """Every open document, by URI."""

    def __init__(self) -> None:
        self._documents: dict[str, Document] = {}

    def open(self, document: Document) -> Document:
        self._documents[document.uri] = document
        return document

    def get(self, uri: str) -> Document | None:
        return self._documents.get(uri)

    def close(self, uri: str) -> Document | None:
        return self._documents.pop(uri, None)

    def __contains__(self, uri: str) -> bool:
        return uri in self._documents

    def __iter__(self) -> typing.Iterator[Document]:
        return iter(list(self._documents.values()))

    def __len__(self) -> int:
        return len(self._documents)
