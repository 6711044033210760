"""Lookups by offset on the shapes that crash tree-sitter's own, and edits it would misread."""

from __future__ import annotations

import pytest

from peer_lsp.syntax.languages import new_parser
from peer_lsp.syntax.nodes import (
    children_in,
    descendant_for_byte_range,
    edit_tree,
    first_child_for_byte,
)

GO = b"package main\n\nfunc f() {\n} // c\n\nvar x = 1\n"


def test_first_child_after_a_trailing_comment_is_the_next_declaration() -> None:
    # tree-sitter's first_child_for_byte answers a null node here, and reading it crashes.
    root = new_parser("go").parse(GO).root_node
    comment = next(c for c in root.children if c.type == "comment")

    for offset in (comment.end_byte, comment.end_byte + 1):
        child = first_child_for_byte(root, offset)
        assert child is not None
        assert (child.type, child.start_byte) == ("var_declaration", GO.index(b"var"))


@pytest.mark.parametrize("offset", [len(GO) - 1, len(GO), len(GO) + 1, 2**32 - 1])
def test_no_first_child_past_the_last_one(offset: int) -> None:
    root = new_parser("go").parse(GO).root_node
    assert first_child_for_byte(root, offset) is None


def test_a_negative_offset_is_before_every_child() -> None:
    root = new_parser("go").parse(GO).root_node
    assert first_child_for_byte(root, -1) == root.children[0]


def test_children_in_a_range_after_a_trailing_comment() -> None:
    # tree-sitter's own lookup misses the declaration after the comment: the walk does not.
    root = new_parser("go").parse(GO).root_node
    comment = next(c for c in root.children if c.type == "comment")

    found = list(children_in(root, comment.end_byte, len(GO)))

    assert [c.type for c in found] == ["var_declaration"]
    assert [c.type for c in children_in(root, 0, len(GO))] == [c.type for c in root.children]
    assert list(children_in(root, len(GO), len(GO) + 5)) == []


def test_children_in_a_flat_error_of_many_brackets_are_all_walked() -> None:
    # 100,000 unclosed brackets are the children of one ERROR node: the walk steps through
    # them once (next_sibling would start from the root at every step: minutes).
    source = b"x = " + b"(" * 100_000 + b"\n"
    root = new_parser("python").parse(source).root_node

    found = children_in(root, 4, len(source))

    assert sum(1 for child in found if child.type == "(") == 100_000


@pytest.mark.parametrize("span", [(-1, 3), (5, 4), (0, len(GO) + 1), (2**32, 2**32 + 1)])
def test_no_descendant_for_a_range_outside_the_node(span: tuple[int, int]) -> None:
    root = new_parser("go").parse(GO).root_node
    assert descendant_for_byte_range(root, *span) is None


def test_descendant_spans_the_range() -> None:
    root = new_parser("go").parse(GO).root_node
    at = GO.index(b"x =")
    found = descendant_for_byte_range(root, at, at + 1)
    assert found is not None
    assert (found.type, found.start_byte, found.end_byte) == ("identifier", at, at + 1)


@pytest.mark.parametrize(
    "edit",
    [
        (-1, 0, 1, (0, 0), (0, 0), (0, 1)),  # read as 4294967295 by tree-sitter
        (5, 4, 6, (0, 5), (0, 4), (0, 6)),  # ends before it starts
        (5, 5, 4, (0, 5), (0, 5), (0, 4)),
        (5, 6, 7, (0, 5), (0, 6), (-1, 7)),
        (0, 2**32, 1, (0, 0), (0, 0), (0, 1)),
    ],
)
def test_an_edit_tree_sitter_would_misread_is_refused(
    edit: tuple[int, int, int, tuple[int, int], tuple[int, int], tuple[int, int]],
) -> None:
    tree = new_parser("go").parse(GO)
    before = str(tree.root_node)

    with pytest.raises(ValueError, match="invalid edit"):
        edit_tree(tree, *edit)  # type: ignore[arg-type]

    assert str(tree.root_node) == before
    assert tree.root_node.end_byte == len(GO)


def test_an_edit_reparses_like_a_fresh_parse() -> None:
    parser = new_parser("go")
    tree = parser.parse(GO)
    at = GO.index(b"1\n")
    row, column = GO.count(b"\n", 0, at), at - GO.rindex(b"\n", 0, at) - 1
    new = GO[:at] + b"42" + GO[at + 1 :]

    points = [(row, column + width) for width in range(3)]
    edit_tree(tree, at, at + 1, at + 2, *points)  # type: ignore[arg-type]

    reparsed = parser.parse(new, tree).root_node
    assert str(reparsed) == str(parser.parse(new).root_node)
    assert reparsed.children[-1].end_byte == at + 2
