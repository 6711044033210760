"""Random incremental edits keep text, tree and units equal to what a fresh look gives.

Edits are generated in code points and sent as LSP ranges (UTF-16 or UTF-8), computed here
independently of peer_lsp.text.positions. After every edit:

- the document text equals the text the edit should produce;
- the tree equals a fresh parse (same S-expression and node ranges; lone CRs are given to
  the parser as LFs, as the editor counts them as line breaks). tree-sitter does not promise
  this when it recovers from a syntax error: an incremental reparse may recover differently from a
  fresh parse of the same text. In that case only, the tree must equal what tree-sitter
  itself produces when replaying the same edits directly, which checks our byte and point
  bookkeeping independently;
- the units equal a full extraction from the same tree, and the reported changed/added/removed
  units are exactly those whose text changed.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tree_sitter import Point, Tree

from peer_lsp.documents.store import Document, TextChange
from peer_lsp.syntax.languages import new_parser
from peer_lsp.syntax.unit import Unit
from peer_lsp.syntax.unit_diff import diff_units
from peer_lsp.syntax.unit_index import UnitIndex
from peer_lsp.text.positions import Encoding

PYTHON = '''import os


class Store:
    """Keeps items."""

    def add(self, item):  # add one
        self.items.append(item)

    class Nested:
        def size(self):
            return len("é 😀")


def total(values, start=0):
    result = start
    for value in values:
        result += value
    return result
'''

JAVASCRIPT = """import fs from "fs";

class Cart {
  add(item) {
    this.items.push(item);
  }
}

function total(values) {
  return values.reduce((a, b) => a + b, 0); // sum
}

const greet = (name) => `héllo ${name} 😀`;
"""

SOURCES = {"python": PYTHON, "javascript": JAVASCRIPT}
PIECES = [
    "x", " ", "\n", "    ", "(", ")", ":", "{", "}", ";", "é", "😀", "中", "\r\n", "\r",
    "# c", "// c", '"', "def g():\n    pass\n", "function h() { return 1; }\n",
    "class K:\n    def m(self):\n        return 2\n",
]  # fmt: skip
_LINE = re.compile(r"\r\n|\r|\n")


def lsp_position(text: str, index: int, encoding: Encoding) -> tuple[int, int]:
    """(line, character) of a code point index, computed the slow, obvious way."""
    line_start = 0
    line = 0
    for match in _LINE.finditer(text):
        if match.end() > index:
            break
        line += 1
        line_start = match.end()
    prefix = text[line_start:index]
    if encoding is Encoding.UTF8:
        return line, len(prefix.encode("utf-8"))
    return line, len(prefix.encode("utf-16-le")) // 2


def addressable(text: str, index: int) -> int:
    """LSP cannot address the middle of a CRLF: step back before the CR."""
    if 0 < index < len(text) and text[index - 1] == "\r" and text[index] == "\n":
        return index - 1
    return index


def parser_view(data: bytes) -> bytes:
    """What tree-sitter is given: lone CRs read as LFs (grammars treat a CR as a space)."""
    return re.sub(rb"\r(?!\n)", b"\n", data)


def ts_point(data: bytes, offset: int) -> tuple[int, int]:
    return data.count(b"\n", 0, offset), offset - (data.rfind(b"\n", 0, offset) + 1)


edit_strategy = st.tuples(
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=0, max_value=12),
    st.lists(st.sampled_from(PIECES), max_size=3).map("".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grammar=st.sampled_from(sorted(SOURCES)),
    encoding=st.sampled_from([Encoding.UTF16, Encoding.UTF8]),
    crlf=st.booleans(),
    edits=st.lists(edit_strategy, min_size=1, max_size=12),
)
def test_random_edits_match_a_fresh_look(
    grammar: str, encoding: Encoding, crlf: bool, edits: list[tuple[float, int, str]]
) -> None:
    text = SOURCES[grammar].replace("\n", "\r\n") if crlf else SOURCES[grammar]
    uri = f"file:///sample.{'py' if grammar == 'python' else 'js'}"
    document = Document.open(uri, text, grammar, 0, encoding)
    reference_parser = new_parser(grammar)
    reference = reference_parser.parse(parser_view(text.encode()))
    for version, (where, length, insert) in enumerate(edits, start=1):
        start = addressable(text, round(where * len(text)))
        end = addressable(text, min(start + length, len(text)))
        change = TextChange(
            insert, (*lsp_position(text, start, encoding), *lsp_position(text, end, encoding))
        )
        units_before = _full_units(grammar, document)

        result = document.apply_changes([change], version)

        before = text
        text = before[:start] + insert + before[end:]
        assert document.text == text
        old_data, new_data = parser_view(before.encode()), parser_view(text.encode())
        byte_start = len(before[:start].encode())
        if before[start - 1 : start] == "\r":
            byte_start -= 1  # that CR may change from lone to CRLF: part of the edit
        old_end = len(before[:end].encode())
        new_end = byte_start + len(insert.encode())
        points = (
            ts_point(old_data, byte_start),
            ts_point(old_data, old_end),
            ts_point(new_data, new_end),
        )
        reference.edit(byte_start, old_end, new_end, *points)
        reference = reference_parser.parse(new_data, reference)

        assert document.tree is not None
        fresh = new_parser(grammar).parse(new_data)
        ours = _shape(document.tree)
        if ours != _shape(fresh):
            assert fresh.root_node.has_error, "only error recovery may differ from a fresh parse"
            assert ours == _shape(reference)

        full = _full_units(grammar, document)
        assert [unit.state() for unit in document.units] == [unit.state() for unit in full]
        expected = diff_units(units_before, full)
        assert _keys(result.units.added) == _keys(expected.added)
        assert _keys(result.units.changed) == _keys(expected.changed)
        assert _keys(result.units.removed) == _keys(expected.removed)


def _shape(tree: Tree) -> tuple[str, list[tuple[int, int, Point, Point]]]:
    """The S-expression and every node's byte and point range."""
    ranges = []
    cursor = tree.walk()
    while True:
        node = cursor.node
        assert node is not None
        ranges.append((node.start_byte, node.end_byte, node.start_point, node.end_point))
        if cursor.goto_first_child() or cursor.goto_next_sibling():
            continue
        while cursor.goto_parent():
            if cursor.goto_next_sibling():
                break
        else:
            return str(tree.root_node), ranges


def _full_units(grammar: str, document: Document) -> list[Unit]:
    index = UnitIndex(grammar)
    index.rebuild(document.tree, document.data, document.lines)
    return index.units


def _keys(units: tuple[Unit, ...]) -> set[tuple[str, str, str]]:
    return {(unit.kind, unit.qualified_name, unit.exact_hash) for unit in units}
