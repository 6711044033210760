"""Syntax errors deep in a tree are found without recursing once per level: a long string
concatenation in the JDK's sources made an edit raise RecursionError."""

from __future__ import annotations

from tree_sitter_language_pack import get_parser

from peer_lsp.syntax.errors import error_nodes

DEPTH = 5_000


def test_an_error_under_thousands_of_levels_is_found() -> None:
    source = ("x = " + "[" * DEPTH + "1 +" + "]" * DEPTH + "\n").encode()
    tree = get_parser("python").parse(source)

    found = list(error_nodes(tree.root_node))

    assert found
    assert all(DEPTH <= node.start_byte <= DEPTH + 8 for node in found)


def test_errors_come_in_document_order() -> None:
    source = b"a = (\nb = 1\nc = [\nd = 2\ne = {\n"
    tree = get_parser("python").parse(source)

    starts = [node.start_byte for node in error_nodes(tree.root_node)]

    assert starts == sorted(starts)
    assert len(starts) >= 1
