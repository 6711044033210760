"""The normalized form of a unit: what a reviewer reads, without comments or layout.

Two texts have the same normalized hash when they differ only in whitespace and comments:
comments are cut out and whitespace outside string literals is dropped (inside a literal it
is data and stays). In indentation-sensitive languages the indentation of each logical line
is kept, so moving a Python statement out of a block still counts as a change.

The hash reads the text and the comment and string spans of the tree, not the tree's shape:
tree-sitter may recover from a syntax error differently after an incremental reparse than
after a fresh one, and the same text must always hash the same.
"""

from __future__ import annotations

import functools
import hashlib
import re
import typing
from array import array

from peer_lsp.syntax.budget import BudgetedCursor
from peer_lsp.syntax.languages import get_language

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from tree_sitter import Node, Query

_WHITESPACE = re.compile(rb"\s+")
_INDENTED = re.compile(rb"[\r\n]+([ \t]*)")

# Languages where indentation is syntax.
INDENTATION_SENSITIVE = frozenset({"python", "yaml", "nim", "haskell", "fsharp", "elm"})


def _is_comment(kind: str) -> bool:
    return "comment" in kind


def _is_string(kind: str) -> bool:
    return kind.endswith(("string", "string_literal")) or kind in {"heredoc_body", "char_literal"}


@functools.cache
def _special_query(grammar: str) -> Query | None:
    """A query capturing comments as @comment and string literals as @string."""
    from tree_sitter import Query

    language = get_language(grammar)
    kinds = {
        language.node_kind_for_id(i) or ""
        for i in range(language.node_kind_count)
        if language.node_kind_is_named(i) and language.node_kind_is_visible(i)
    }
    comments = sorted(k for k in kinds if _is_comment(k) and k.isidentifier())
    strings = sorted(k for k in kinds if _is_string(k) and k.isidentifier())
    patterns = []
    if comments:
        patterns.append("[" + " ".join(f"({k})" for k in comments) + "] @comment")
    if strings:
        patterns.append("[" + " ".join(f"({k})" for k in strings) + "] @string")
    if not patterns:
        return None
    return Query(language, "\n".join(patterns))


Span = tuple[int, int, bool]
"""A comment (False) or string literal (True), as a byte range."""


def special_spans(node: Node, grammar: str) -> list[Span]:
    """The comments and string literals inside ``node``, in document order. Raises
    `OverBudget` when the query cannot search the node in time."""
    query = _special_query(grammar)
    if query is None:
        return []
    captures = BudgetedCursor(query, f"{grammar} comments and strings").captures(node)
    spans = [(n.start_byte, n.end_byte, False) for n in captures.get("comment", ())]
    spans.extend((n.start_byte, n.end_byte, True) for n in captures.get("string", ()))
    spans.sort()
    return spans


def pack_spans(spans: Iterable[Span]) -> array[int]:
    """Spans as three ints each (start, end, 1 for a string) in one flat array.

    Every unit keeps the spans it holds (a class, those of its methods too): a tuple per
    span took 3.4 MB for a 50,000-line file, the arrays take 1.1 MB
    (bench/memory_breakdown.py).
    """
    packed = array("q")
    for start, end, is_string in spans:
        packed.extend((start, end, is_string))
    return packed


def unpack_spans(packed: Sequence[int]) -> Iterator[Span]:
    """The spans `pack_spans` packed, in the same order."""
    for index in range(0, len(packed) - 2, 3):
        yield packed[index], packed[index + 1], bool(packed[index + 2])


def normalized_hash_of(text: bytes, spans: Sequence[Span], grammar: str) -> str:
    """Hash of ``text`` ignoring whitespace and comments; ``spans`` are relative to it."""
    squeeze = _Squeezer(grammar in INDENTATION_SENSITIVE)
    cursor = 0
    for span_start, span_end, is_string in spans:
        if span_start < cursor or span_start >= len(text):
            continue  # nested inside a span already handled, or outside the text
        squeeze.code(text[cursor:span_start])
        if is_string:
            squeeze.literal(b"\x01" + text[span_start:span_end] + b"\x01")
        cursor = span_end
    squeeze.code(text[cursor:])
    return hashlib.blake2b(squeeze.result(), digest_size=16).hexdigest()


class _Squeezer:
    """Collects code without whitespace; optionally with the indentation of logical lines.

    A line's indentation is written only before the line's first token, so a line that
    held nothing but a comment leaves no trace.
    """

    def __init__(self, keep_indentation: bool) -> None:
        self.keep_indentation = keep_indentation
        self.depth = 0  # bracket depth: inside brackets, line breaks mean nothing
        self.pending = b""
        self.out: list[bytes] = []

    def code(self, code: bytes) -> None:
        if not self.keep_indentation:
            self.out.append(_WHITESPACE.sub(b"", code))
            return
        position = 0
        for match in _INDENTED.finditer(code):
            self._tokens(code[position : match.start()])
            if self.depth == 0:
                self.pending = b"\n" + match.group(1).replace(b"\t", b"        ")
            position = match.end()
        self._tokens(code[position:])

    def literal(self, text: bytes) -> None:
        self._flush()
        self.out.append(text)

    def result(self) -> bytes:
        return b"".join(self.out)

    def _tokens(self, segment: bytes) -> None:
        opened = segment.count(b"(") + segment.count(b"[") + segment.count(b"{")
        closed = segment.count(b")") + segment.count(b"]") + segment.count(b"}")
        self.depth = max(self.depth + opened - closed, 0)
        text = _WHITESPACE.sub(b"", segment)
        if text:
            self._flush()
            self.out.append(text)

    def _flush(self) -> None:
        if self.pending:
            self.out.append(self.pending)
            self.pending = b""


def exact_hash(text: bytes) -> str:
    """Hash of the exact text."""
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def normalized_text_hash(text: bytes) -> str:
    """Whitespace-insensitive hash of text without a syntax tree (chunks, unknown languages)."""
    return hashlib.blake2b(_WHITESPACE.sub(b"", text), digest_size=16).hexdigest()
