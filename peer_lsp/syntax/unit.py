"""The reviewable unit of a document: one function, method, class or chunk, and where it is.

Extraction (`peer_lsp.syntax.unit_extract`, `peer_lsp.syntax.unit_chunks`) creates units,
`peer_lsp.syntax.unit_index` keeps them current per edit; this module is only their shape.
"""

from __future__ import annotations

import enum
import typing
from dataclasses import dataclass, field

from peer_lsp.syntax.normalize import normalized_hash_of, unpack_spans

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from peer_lsp.text.lines import LineIndex


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
    spans: Sequence[int] = field(default=(), repr=False)
    """Comments and string literals, relative to the unit's start (for normalization),
    packed three ints a span (`peer_lsp.syntax.normalize.pack_spans`)."""
    normalized: str | None = field(default=None, repr=False)
    alive: bool = field(default=True, repr=False)
    """False once the unit left its document (deleted, or replaced by a fresh extraction)."""
    name_offset: int = field(default=0, repr=False)
    """Where the unit's name starts in ``text`` (characters): past the decorators and
    annotations the text may begin with, on the line that declares the unit."""

    @property
    def normalized_hash(self) -> str:
        """Hash ignoring whitespace and comments; computed on first use, then kept."""
        if self.normalized is None:
            self.normalized = normalized_hash_of(
                self.text.encode("utf-8"), list(unpack_spans(self.spans)), self.language
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
        """The line that declares the unit, e.g. ``class Store(Base):``, without its
        indentation: the line holding its name, not the decorators or annotations before it."""
        text, offset = self.text, min(self.name_offset, len(self.text))
        start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
        end = len(text)
        for terminator in ("\n", "\r"):
            found = text.find(terminator, offset)
            if found >= 0:
                end = min(end, found)
        return text[start:end].strip()

    @property
    def preamble(self) -> list[str]:
        """The lines before `header` (decorators, annotations), each without its indentation."""
        text, offset = self.text, min(self.name_offset, len(self.text))
        start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
        return [line.strip() for line in text[:start].splitlines() if line.strip()]

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


def starts_in(offset: int, units: Iterable[Unit]) -> bool:
    """Whether the byte ``offset`` lies inside one of ``units`` (a finding's start, say)."""
    return any(unit.start_byte <= offset < unit.end_byte for unit in units)
