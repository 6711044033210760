"""The read callback hands tree-sitter the text exactly, through a fixed set of objects.

py-tree-sitter 0.26.1 keeps a reference to everything a read callback returns, so returning
fresh slices leaks the text read; `peer_lsp.syntax.parse_input` returns the same few views
of a scratch buffer instead. Checked on real code nobody here wrote, of lengths that end in
every kind of partial chunk.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import pytest
from tree_sitter import Point, Query, QueryCursor, Tree

from peer_lsp.syntax.languages import get_language, new_parser
from peer_lsp.syntax.parse_input import CHUNK, Reader


def _source(module: str) -> bytes:
    spec = importlib.util.find_spec(module)
    assert spec is not None
    assert spec.origin is not None
    return Path(spec.origin).read_bytes()


@pytest.mark.parametrize("module", ["argparse", "typing", "tarfile", "locale"])
def test_a_parse_through_the_reader_equals_a_parse_of_the_bytes(module: str) -> None:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        pytest.skip(f"{module} is not a Python source here")
    text = _source(module)
    for cut in (len(text), len(text) - 1, CHUNK + 3, 1):  # every kind of last chunk
        part = text[:cut]
        read = Reader(part)
        through = new_parser("python").parse(read)
        read.parsed()
        direct = new_parser("python").parse(part)
        assert str(through.root_node) == str(direct.root_node)
        assert through.root_node.end_byte == direct.root_node.end_byte


def test_the_reader_returns_only_the_same_few_objects() -> None:
    text = _source("argparse") * 3
    read = Reader(text)
    returned = {}
    for offset in range(0, len(text) + 10, 997):
        chunk = read(offset, Point(0, 0))
        expected = text[offset : offset + len(chunk)]
        assert bytes(chunk) == expected
        assert len(chunk) > 0 or offset >= len(text)
        returned[id(chunk)] = chunk
    assert len(returned) <= CHUNK.bit_length() + 1


def test_each_thread_reads_into_its_own_buffer() -> None:
    text, other = b"a" * 100, b"b" * 100
    on_thread: list[bytes] = []
    read_here = Reader(text)
    mine = read_here(0, Point(0, 0))

    def elsewhere() -> None:
        on_thread.append(bytes(Reader(other)(0, Point(0, 0))))

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert on_thread == [b"b" * 64]
    assert bytes(mine) == b"a" * 64


def test_queries_read_node_text_through_the_reader_once_parsed() -> None:
    """Text predicates run on the tree after the parse: they get the text as bytes."""
    text = _source("argparse")
    read = Reader(text)
    through = new_parser("python").parse(read)
    read.parsed()
    direct = new_parser("python").parse(text)
    query = Query(
        get_language("python"),
        '((call function: (identifier) @name) (#eq? @name "isinstance"))'
        '((identifier) @private (#match? @private "^_[a-z]+$"))',
    )

    def found(tree: Tree) -> list[tuple[int, int, bytes | None]]:
        captures = QueryCursor(query).captures(tree.root_node)
        return sorted((n.start_byte, n.end_byte, n.text) for ns in captures.values() for n in ns)

    assert found(through) == found(direct)
    assert len(found(direct)) > 100
