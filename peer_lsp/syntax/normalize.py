"""The normalized form of a unit: what a reviewer reads, without comments or layout.

Two texts have the same normalized hash when they differ only in what a reformatter changes
without changing meaning: comments are cut out and whitespace outside string literals is
dropped (inside a literal it is data and stays). In indentation-sensitive languages the
indentation of each logical line is kept, so moving a Python statement out of a block still
counts as a change. Beyond layout, two things black, prettier and rustfmt change are read
alike:

- a backslash that continues a line;
- a trailing comma before a closing bracket, when the brackets hold at least two items
  (``f(a, b,)`` is ``f(a, b)``; ``(a,)`` is a tuple and ``x[a,]`` a tuple index, so a lone
  item keeps its comma, and ``[a,,]`` keeps its hole). In C and C++ only before ``}``: a
  macro call ``F(a, b,)`` passes an empty third argument;
- in Python, JavaScript and TypeScript, the quote character of a plain string literal, with
  the quotes escaped inside it (``'it\\'s'`` is ``"it's"``); Python's prefixes are read
  case-blind and without ``u``. Template literals, Python triple quotes and raw strings keep
  what makes them differ (in a raw string ``\\'`` is two characters); elsewhere ``'a'`` is
  a character, not a string.

- in Python, the parentheses black adds (or drops) around a whole expression that ends its
  line: after ``return`` and ``del``, after an assignment's ``=`` or ``+=`` (not ``==``),
  around an ``if``/``elif``/``while`` condition, around the targets before ``=``; and the
  trailing comma of a definition's lone parameter or base (``def f(\n    a,\n):``).
  ``assert (a, b)`` is a tuple and keeps them; ``for`` targets and iterables keep them too
  (``for x in (a, b)`` cannot be told from a name ending in ``in`` without the tree). A
  generator in parentheses, ``x = (i for i in y)``, reads like the invalid ``x = i for i
  in y``: never valid code alike.

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
_CONTINUATION = re.compile(rb"\\\r?\n")
"""A backslash before a line break outside a literal: the line goes on (black drops it
inside brackets)."""
_STRUCTURE = re.compile(rb"[,()\[\]{}]")
_TRAILING_COMMA = re.compile(rb",[)\]}]")
_PAREN_HINT = re.compile(rb"\n *(?:return|if|elif|while|del)?\(")
"""A line black may have wrapped in parentheses (besides ``=(`` and ``,):``, looked for
first: a search for one plain string is much faster)."""
_PAREN_PLACES = re.compile(
    rb"=\(|((?:^|\n) *)(?:(return|del|if|elif|while)\(|((?:async)?(?:def|class)\w*)\(|\()"
)
_PARENS = re.compile(rb"[()]")
_OPENERS = {ord("("): ord(")"), ord("["): ord("]"), ord("{"): ord("}")}
_COMMA = ord(",")

QUOTE_BLIND = frozenset({"python", "javascript", "typescript", "tsx"})
"""Languages where ``'...'`` and ``"..."`` are the same string."""
BRACES_ONLY_COMMAS = frozenset({"c", "cpp"})
"""Languages where only a brace's trailing comma goes (a macro's may be an empty argument)."""
_PLAIN_STRING = re.compile(
    rb"""\s*([A-Za-z]{0,3})('(?:''|)|"(?:""|))((?:\\.|(?!\2)[^\\])*)\2\s*""", re.S
)
_QUOTE_ESCAPE = re.compile(rb"""\\(['"\\])""")

# Languages where indentation is syntax.
INDENTATION_SENSITIVE = frozenset({"python", "yaml", "nim", "haskell", "fsharp", "elm"})


def _is_comment(kind: str) -> bool:
    return "comment" in kind


def _is_string(kind: str) -> bool:
    # A regular expression is data too: its brackets and commas are not the code's.
    return kind.endswith(("string", "string_literal")) or kind in {
        "heredoc_body",
        "char_literal",
        "regex",
    }


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
    """Hash of ``text`` ignoring layout and comments (see the module docstring); ``spans``
    are relative to it."""
    squeeze = _Squeezer(
        grammar in INDENTATION_SENSITIVE,
        b"}" if grammar in BRACES_ONLY_COMMAS else b")]}",
        python=grammar == "python",
    )
    quote_blind = grammar in QUOTE_BLIND
    cursor = 0
    for span_start, span_end, is_string in spans:
        if span_start < cursor or span_start >= len(text):
            continue  # nested inside a span already handled, or outside the text
        squeeze.code(text[cursor:span_start])
        if is_string:
            literal = text[span_start:span_end]
            if quote_blind:
                literal = quote_blind_literal(literal, grammar == "python")
            squeeze.literal(b"\x01" + literal + b"\x01")
        cursor = span_end
    squeeze.code(text[cursor:])
    return hashlib.blake2b(squeeze.result(), digest_size=16).hexdigest()


def quote_blind_literal(literal: bytes, python: bool) -> bytes:
    """``literal`` (one string, or Python's adjacent strings) with its quotes made ``"``
    and the quotes escaped inside unescaped; unchanged when it is not plain strings only
    (a template literal, a comment between Python's adjacent strings)."""
    first = literal[:1]
    simple = first in b"'\"" and literal.count(first) == 2 and literal[-1:] == first
    if simple and b"\\" not in literal and (first == b'"' or b'"' not in literal):
        return b'"' + literal[1:-1] + b'"'  # the most common literals, made quickly
    parts = []
    position = 0
    while position < len(literal):
        match = _PLAIN_STRING.match(literal, position)
        if match is None or match.end() == position:
            return literal
        prefix, quote, body = match.groups()
        if python:
            prefix = prefix.lower().replace(b"u", b"")
        elif prefix:
            return literal
        if b"\\" in body and b"r" not in prefix:
            body = _QUOTE_ESCAPE.sub(_unescaped, body)
        quote = b'"' * len(quote)
        parts.append(prefix + quote + body + quote)
        position = match.end()
    return b"\x02".join(parts)


def _unescaped(match: re.Match[bytes]) -> bytes:
    quote = match.group(1)
    return match.group(0) if quote == b"\\" else quote


class _Squeezer:
    """Collects code without whitespace; optionally with the indentation of logical lines.

    A line's indentation is written only before the line's first token, so a line that
    held nothing but a comment leaves no trace. Trailing commas are looked for once, in
    the whole result, and only where one stands before a closing bracket (few units have
    any) are brackets followed to see whether it can go.
    """

    def __init__(self, keep_indentation: bool, closers: bytes, python: bool) -> None:
        self.keep_indentation = keep_indentation
        self.python = python
        self.closers = closers
        self.depth = 0  # bracket depth: inside brackets, line breaks mean nothing
        self.pending = b""
        self.out: list[bytes] = []
        self.literals: list[int] = []  # where in ``out`` the literals are

    def code(self, code: bytes) -> None:
        if b"\\" in code:
            code = _CONTINUATION.sub(b" ", code)
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
        self.literals.append(len(self.out))
        self.out.append(text)

    def result(self) -> bytes:
        joined = b"".join(self.out)
        chunks: Sequence[bytes] = self.out
        if _TRAILING_COMMA.search(joined) is not None:  # perhaps in a literal: looked at
            chunks = _without_trailing_commas(self.out, self.literals, self.closers)
            joined = b"".join(chunks)
        if self.python and (
            b"=(" in joined
            or b",):" in joined
            or b",)->" in joined
            or _PAREN_HINT.search(joined) is not None
        ):
            joined = _without_python_parens(chunks, self.literals)
        return joined

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


def _without_trailing_commas(
    out: Sequence[bytes], literals: Sequence[int], closers: bytes
) -> list[bytes]:
    """``out`` without the trailing commas that may go: before one of ``closers``, in
    brackets holding two items or more, not after another comma (``[a,,]``: a hole)."""
    chunks = list(out)
    is_literal = set(literals)
    open_brackets: list[list[int]] = []  # per open bracket: its closer, the commas in it
    droppable: tuple[int, int] | None = None  # the comma just written, unless after one
    previous = 0  # the byte before the one at hand
    for index, chunk in enumerate(out):
        if index in is_literal:
            droppable, previous = None, 1
            continue
        for match in _STRUCTURE.finditer(chunk):
            at = match.start()
            char = chunk[at]
            follows = chunk[at - 1] if at else previous
            if char == _COMMA:
                if open_brackets:
                    open_brackets[-1][1] += 1
                droppable = (index, at) if follows != _COMMA else None
                continue
            if char in _OPENERS:
                open_brackets.append([_OPENERS[char], 0])
            elif open_brackets:
                closer, commas = open_brackets.pop()
                trailing = droppable and follows == _COMMA and char == closer
                if trailing and droppable and commas >= 2 and char in closers:
                    where, offset = droppable
                    offset -= len(out[where]) - len(chunks[where])  # dropped before
                    chunks[where] = chunks[where][:offset] + chunks[where][offset + 1 :]
            droppable = None
        previous = chunk[-1] if chunk else previous
    return chunks


def _without_python_parens(chunks: Sequence[bytes], literals: Sequence[int]) -> bytes:
    """The joined Python ``chunks`` without the parentheses black adds or drops around a
    whole expression: after ``return``, ``del``, an assignment's ``=`` (plain or augmented),
    around an ``if``, ``elif`` or ``while`` condition, around an assignment's targets; and
    without the trailing comma of a lone parameter or base (``def f(a,):``)."""
    is_literal = set(literals)
    # Literals masked byte for byte: positions stay those of the joined chunks, and a line
    # break is always a logical line's (code holds no whitespace).
    view = b"".join(b"\x01" * len(c) if i in is_literal else c for i, c in enumerate(chunks))
    drop: list[int] = []
    for match in _PAREN_PLACES.finditer(view):
        at = match.start()
        if view[at] == ord("="):
            line_start = view.rfind(b"\n", 0, at) + 1
            if _assigns(view, at) and _depth(view, line_start, at) == 0:
                _strip(view, at + 1, b"", drop)
            continue
        first = at + len(match.group(1))
        if match.group(2):  # a keyword and its parenthesis
            tail = b"" if match.group(2) in {b"return", b"del"} else b":"
            _strip(view, match.end() - 1, tail, drop)
        elif match.group(3):  # a definition: a lone parameter's comma
            end = _line_end(view, first)
            closer = _closing(view, match.end() - 1, end)
            if closer > 0 and view[closer - 1] == _COMMA and view[closer - 2] not in b",(":
                drop.append(closer - 1)
        else:  # a line opening with a parenthesis: assigned targets?
            end = _line_end(view, first)
            closer = _closing(view, first, end)
            after = view[closer + 1 : closer + 3]
            if closer > first + 1 and after[:1] == b"=" and after != b"==":
                drop += (first, closer)
    joined = b"".join(chunks)
    if not drop:
        return joined
    kept = []
    previous = 0
    for at in sorted(drop):
        kept.append(joined[previous:at])
        previous = at + 1
    kept.append(joined[previous:])
    return b"".join(kept)


def _strip(view: bytes, opener: int, tail: bytes, drop: list[int]) -> None:
    """Drop the parentheses opened at ``opener`` when they hold something and only
    ``tail`` follows them on their line."""
    end = _line_end(view, opener)
    closer = _closing(view, opener, end)
    if closer > opener + 1 and view[closer + 1 : end] == tail:
        drop += (opener, closer)


def _line_end(view: bytes, at: int) -> int:
    end = view.find(b"\n", at)
    return len(view) if end < 0 else end


def _depth(view: bytes, start: int, end: int) -> int:
    """Brackets open at ``end`` of those opened since ``start``."""
    opened = view.count(b"(", start, end) + view.count(b"[", start, end)
    return (
        opened
        + view.count(b"{", start, end)
        - view.count(b")", start, end)
        - (view.count(b"]", start, end) + view.count(b"}", start, end))
    )


def _assigns(view: bytes, at: int) -> bool:
    """Whether the ``=(`` at ``at`` is an assignment's (``x = (``, ``x += (``), not a
    comparison's (``==``, ``!=``, ``<=``, ``>=``) or a walrus."""
    before = view[at - 1 : at]
    if before in (b"<", b">"):
        return view[at - 2 : at - 1] == before  # <<= and >>=
    return before not in (b"=", b"!", b":", b"")


def _closing(view: bytes, opener: int, end: int) -> int:
    """Where the parenthesis opened at ``opener`` closes before ``end``; -1 when it does not."""
    depth = 0
    for match in _PARENS.finditer(view, opener, end):
        depth += 1 if match.group() == b"(" else -1
        if depth == 0:
            return match.start()
    return -1


def exact_hash(text: bytes) -> str:
    """Hash of the exact text."""
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def normalized_text_hash(text: bytes) -> str:
    """Whitespace-insensitive hash of text without a syntax tree (chunks, unknown languages)."""
    return hashlib.blake2b(_WHITESPACE.sub(b"", text), digest_size=16).hexdigest()
