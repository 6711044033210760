"""Open documents: text, syntax tree, units and version per URI, edited incrementally.

A document keeps its text as UTF-8 bytes, because that is what tree-sitter reads (lone
surrogates become U+FFFD: see `positions`). Each editor change is applied to the bytes, to
the line index, to the tree (``tree.edit``) and to the unit positions; one reparse with the
old tree follows, and the units around the changed ranges are extracted again. The reparse
can be given a deadline, at which it is abandoned, and can run on the parse thread; readers
of the tree and units wait for it (docs/decisions/0010-long-reparses.md). A batch with
a whole-document change, or one that may take the document over its size limit, is applied
to the text alone and followed by a fresh parse. A document over its limit (``max_bytes``)
keeps its text in step with the editor but has no tree and no units. Nothing here knows
about LSP: positions arrive as plain ints.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
import typing
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from peer_lsp.syntax.languages import new_parser, resolve_language
from peer_lsp.syntax.nodes import edit_tree
from peer_lsp.syntax.parse_input import Reader
from peer_lsp.syntax.unit import Unit
from peer_lsp.syntax.unit_chunks import DEFAULT_CHUNK_LINES
from peer_lsp.syntax.unit_diff import UnitDiff, diff_units
from peer_lsp.syntax.unit_index import UnitIndex, merge_ranges
from peer_lsp.text.lines import LineIndex
from peer_lsp.text.positions import (
    REPLACEMENT,
    Encoding,
    locate,
    offset_at,
    to_utf8,
)

if typing.TYPE_CHECKING:
    from tree_sitter import Parser, Point, Tree

log = logging.getLogger(__name__)

_LONE_CR = re.compile(rb"\r(?!\n)")
_SPLIT_PAIR = (REPLACEMENT * 2).encode("utf-8")
"""A character outside the BMP whose surrogate pair an edit splits: one U+FFFD per half."""
_MAX_UTF8_PER_CHAR = 4
_ASTRAL_BYTES = 4
"""UTF-8 bytes of a character outside the BMP (a surrogate pair in UTF-16)."""


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
    crossed_limit: bool = False
    """The batch took the document over its size limit, or back under it."""


@dataclass(slots=True)
class _Reparse:
    """The edits since the last complete tree, while their reparse is unfinished."""

    dirty: list[tuple[int, int]]
    was_oversized: bool
    parse_ms: float = 0.0
    background: Future[Tree | None] | None = None
    """The reparse running on the parse thread, if any."""
    cancel: threading.Event = field(default_factory=threading.Event)
    """Set to abandon the background reparse."""


_PARSE_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="peer-parse")
"""Where reparses too long for the event loop run. tree-sitter holds the GIL while it
parses, but gives it up at each call of the Python callbacks a stoppable parse makes, so the
event loop goes on meanwhile."""


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
    are cut into line chunks. ``max_bytes`` (None: no limit) is the size over which the
    document is neither parsed nor cut into units.
    """

    uri: str
    language_id: str
    version: int | None
    data: bytes
    grammar: str | None
    encoding: Encoding = Encoding.UTF16
    max_chunk_lines: int = DEFAULT_CHUNK_LINES
    max_bytes: int | None = None
    lines: LineIndex = field(init=False)
    _tree: Tree | None = field(init=False, default=None, repr=False)
    _unit_index: UnitIndex = field(init=False, repr=False)
    _parser: Parser | None = field(init=False, default=None, repr=False)
    _lone_cr: bool = field(init=False, default=False, repr=False)
    _reparse: _Reparse | None = field(init=False, default=None, repr=False)
    _finished: list[EditResult] = field(init=False, default_factory=list, repr=False)
    last_parse_ms: float = field(init=False, default=0.0)
    """How long the last complete reparse took: what the next one is expected to take."""

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.data)
        self._unit_index = UnitIndex(self.grammar or "text", self.max_chunk_lines)
        if self.grammar is not None:
            self._parser = new_parser(self.grammar)
        self._reparse_all()

    @classmethod
    def open(
        cls,
        uri: str,
        text: str,
        language_id: str = "",
        version: int | None = None,
        encoding: Encoding = Encoding.UTF16,
        max_chunk_lines: int = DEFAULT_CHUNK_LINES,
        max_bytes: int | None = None,
    ) -> Document:
        grammar = resolve_language(language_id, uri)
        data = to_utf8(text)
        return cls(uri, language_id, version, data, grammar, encoding, max_chunk_lines, max_bytes)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    @property
    def tree(self) -> Tree | None:
        """The syntax tree of the current text (finishing an unfinished reparse first)."""
        self.settle()
        return self._tree

    @property
    def unit_index(self) -> UnitIndex:
        """The units of the current text (finishing an unfinished reparse first)."""
        self.settle()
        return self._unit_index

    @property
    def units(self) -> list[Unit]:
        return self.unit_index.units

    def unit_at(self, line: int) -> Unit | None:
        """The innermost unit holding the 0-based ``line`` (what a finding there is about),
        None for code outside every unit (a module's top-level statements)."""
        around = [u for u in self.units if u.start_line <= line <= u.end_line]
        return min(around, key=lambda u: u.end_byte - u.start_byte) if around else None

    @property
    def parsing(self) -> bool:
        """Whether edits are applied to the text whose reparse is not finished yet."""
        return self._reparse is not None

    @property
    def oversized(self) -> bool:
        """Whether the document is over its size limit: not parsed, no units."""
        return self.max_bytes is not None and len(self.data) > self.max_bytes

    def offset_at(self, line: int, character: int) -> int:
        return offset_at(self.data, self.lines, line, character, self.encoding)

    def set_max_bytes(self, max_bytes: int | None) -> UnitDiff:
        """Change the size limit; parse the document again, or drop its tree and units,
        if that moved it across the limit."""
        self.settle()
        was_oversized = self.oversized
        self.max_bytes = max_bytes
        if self.oversized == was_oversized:
            return UnitDiff()
        return self._reparse_all()

    def apply_changes(
        self, changes: typing.Sequence[TextChange], version: int | None
    ) -> EditResult:
        """Apply editor changes in order, reparse once, and report the units they touched."""
        self.begin_changes(changes, version)
        self.settle()
        return self.take_results()[-1]

    def begin_changes(self, changes: typing.Sequence[TextChange], version: int | None) -> None:
        """Apply editor changes to the text, the tree's positions and the units, leaving
        the reparse to `settle` or `parse_in_background`.

        An unfinished reparse is abandoned: the next one covers its edits too, exactly as if
        the editor had sent them all in one batch. A batch that cannot be applied
        incrementally is parsed afresh at once.
        """
        if version is not None and self.version is not None and version <= self.version:
            log.warning("%s: version %d after %d, applied anyway", self.uri, version, self.version)
        self.version = version
        if self._reparse is not None:
            self._stop_background(self._reparse)
        if not self._incremental(changes):
            was_oversized = self.oversized if self._reparse is None else self._reparse.was_oversized
            self._reparse = None
            result = self._apply_and_reparse(changes)
            crossed = was_oversized != self.oversized
            self._finished.append(dataclasses.replace(result, crossed_limit=crossed))
            return
        if self._reparse is None:
            self._reparse = _Reparse(dirty=[], was_oversized=self.oversized)
        for change in changes:
            assert change.range is not None  # _incremental checked
            self._apply_range(change.range, to_utf8(change.text), self._reparse.dirty, track=True)

    def settle(self) -> None:
        """Finish an unfinished reparse now: reparse the edited text, or wait for the
        reparse running in the background. The result waits in `take_results`."""
        reparse = self._reparse
        if reparse is None:
            return
        tree: Tree | None = None
        background, reparse.background = reparse.background, None
        if background is not None:
            try:
                tree = background.result()
            except Exception:
                log.exception("%s: the background reparse failed; reparsing here", self.uri)
                background = None
        if background is None and self._parser is not None:
            began = time.perf_counter()
            tree = self._parse_tree(None)
            reparse.parse_ms += (time.perf_counter() - began) * 1000
        self._complete(reparse, tree)

    def parse_in_background(self, done: typing.Callable[[], object]) -> None:
        """Start the reparse on the parse thread; ``done`` is called from that thread when
        it ended. Until then, only `begin_changes` (which abandons it) and the readers that
        wait for it (`settle`, `tree`, `units`) may touch the document. A stopped
        parse is abandoned, never resumed: tree-sitter's error recovery would depend on
        where it stopped."""
        reparse = self._reparse
        if reparse is None or self._parser is None or reparse.background is not None:
            done()
            return
        cancel = reparse.cancel
        began = time.perf_counter()

        def run() -> Tree | None:
            try:
                return self._parse_tree(cancel.is_set)
            finally:
                reparse.parse_ms += (time.perf_counter() - began) * 1000
                done()

        reparse.background = _PARSE_THREAD.submit(run)

    def abandon(self) -> None:
        """Stop a background reparse (the document is being closed)."""
        if self._reparse is not None:
            self._stop_background(self._reparse)

    def take_results(self) -> list[EditResult]:
        """The results of the edits reparsed since the last call, oldest first."""
        results, self._finished = self._finished, []
        return results

    def _stop_background(self, reparse: _Reparse) -> None:
        """Abandon the background reparse and wait until the parse thread has let go."""
        if reparse.background is None:
            return
        reparse.cancel.set()
        wait([reparse.background])  # its outcome no longer matters: the edits go on
        reparse.background = None
        reparse.cancel = threading.Event()

    def _parse_tree(self, stop: typing.Callable[[], bool] | None) -> Tree | None:
        """The new tree, parsed with the old one; None when ``stop`` said so first."""
        parser = self._parser
        assert parser is not None
        view = self._parser_view()
        if stop is None:
            return parser.parse(view, self._tree)

        stopped = False

        def progress(_offset: int, _has_error: bool) -> bool:
            nonlocal stopped
            stopped = stopped or stop()
            return stopped

        read = Reader(view)
        try:
            return parser.parse(read, self._tree, progress_callback=progress)
        except ValueError:
            if not stopped:
                raise
            parser.reset()
            return None
        finally:
            read.parsed()

    def _complete(self, reparse: _Reparse, tree: Tree | None) -> None:
        """Take the new tree, find what changed, update the units, record the result."""
        dirty = reparse.dirty
        if tree is not None:
            old_tree, self._tree = self._tree, tree
            if old_tree is not None:
                dirty.extend((r.start_byte, r.end_byte) for r in old_tree.changed_ranges(tree))
        merged = merge_ranges(dirty)
        if self._tree is None:
            diff = self._unit_index.rebuild(self._tree, self.data, self.lines)
        else:
            diff = self._unit_index.update(self._tree, self.data, self.lines, merged)
        self._reparse = None
        self.last_parse_ms = reparse.parse_ms
        crossed = reparse.was_oversized != self.oversized
        self._finished.append(EditResult(diff, tuple(merged), reparse.parse_ms, crossed))

    def _incremental(self, changes: typing.Sequence[TextChange]) -> bool:
        """Whether the batch can edit the tree and units in place: it has only ranged
        changes, the document is parsed, and it cannot end over the size limit."""
        if self.oversized or any(change.range is None for change in changes):
            return False
        if self.max_bytes is None:
            return True
        most = len(self.data) + sum(len(change.text) for change in changes) * _MAX_UTF8_PER_CHAR
        return most <= self.max_bytes

    def _apply_and_reparse(self, changes: typing.Sequence[TextChange]) -> EditResult:
        """Apply the changes to the text only, then parse afresh (unless oversized)."""
        for change in changes:
            if change.range is None:
                self.data = to_utf8(change.text)
                self.lines = LineIndex(self.data)
            else:
                self._apply_range(change.range, to_utf8(change.text), [], track=False)
        began = time.perf_counter()
        diff = self._reparse_all()
        parse_ms = (time.perf_counter() - began) * 1000
        dirty = () if self.oversized else ((0, len(self.data)),)
        return EditResult(diff, dirty, parse_ms)

    def _reparse_all(self) -> UnitDiff:
        """Parse from scratch and extract every unit; for an oversized document, drop both."""
        if self.oversized:
            self._tree = None
            return self._drop_units()
        self._lone_cr = self._has_lone_cr()
        if self._parser is not None:
            self._tree = self._parser.parse(self._parser_view())
        return self._unit_index.rebuild(self._tree, self.data, self.lines)

    def _drop_units(self) -> UnitDiff:
        before = self._unit_index.units
        if not before:
            return UnitDiff()
        for unit in before:
            unit.alive = False
        self._unit_index = UnitIndex(self.grammar or "text", self.max_chunk_lines)
        return diff_units(before, [])

    def _apply_range(
        self,
        editor_range: tuple[int, int, int, int],
        new: bytes,
        dirty: list[tuple[int, int]],
        *,
        track: bool,
    ) -> None:
        """Replace an editor range with ``new``; record the dirty byte ranges.

        Positions past a line's end or the document's end are clamped to them; an end
        before the start is swapped with it (as VS Code orders a range's ends). A surrogate
        pair the range splits is first stored as two U+FFFD, one per UTF-16 unit.
        """
        start_line, start_char, end_line, end_char = editor_range
        start, split_start = locate(self.data, self.lines, start_line, start_char, self.encoding)
        end, split_end = locate(self.data, self.lines, end_line, end_char, self.encoding)
        if split_start or split_end:
            for line, character in ((start_line, start_char), (end_line, end_char)):
                at, inside = locate(self.data, self.lines, line, character, self.encoding)
                if inside:
                    self._edit(at, at + _ASTRAL_BYTES, _SPLIT_PAIR, dirty, track=track)
            start = self.offset_at(start_line, start_char)
            end = self.offset_at(end_line, end_char)
        start, end = min(start, end), max(start, end)
        self._edit(start, end, new, dirty, track=track)

    def _edit(
        self, start: int, end: int, new: bytes, dirty: list[tuple[int, int]], *, track: bool
    ) -> None:
        new_end = self._splice(start, end, new, track=track)
        dirty[:] = [
            (_remap(s, start, end, new_end), _remap(e, start, end, new_end)) for s, e in dirty
        ]
        dirty.append((start, new_end))

    def _splice(self, start: int, end: int, new: bytes, *, track: bool) -> int:
        """Replace ``data[start:end]``; keep lines, and if ``track`` the tree and unit
        positions, in step."""
        # A CR just before the edit may turn from lone (an LF to the parser) into half of a
        # CRLF or back, so the parser is told that the edit starts there.
        tree_start = start - 1 if start and self.data[start - 1] == 0x0D else start
        tree = self._tree if track else None
        if tree is not None:
            start_point, old_end_point = self._point(tree_start), self._point(end)
        view = memoryview(self.data)
        self.data = b"".join((view[:start], new, view[end:]))  # a single copy of the buffer
        view.release()
        new_end = start + len(new)
        self.lines.apply_edit(start, end, new_end, self.data)
        if not track:
            return new_end
        if b"\r" in new or self._lone_cr:
            self._lone_cr = self._has_lone_cr()
        if tree is not None:
            new_end_point = self._point(new_end)
            edit_tree(tree, tree_start, end, new_end, start_point, old_end_point, new_end_point)
        self._unit_index.shift(start, end, new_end)
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
