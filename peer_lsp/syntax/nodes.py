"""Finding syntax nodes by byte offset without handing tree-sitter an offset it crashes on.

py-tree-sitter (0.25.2 and 0.26.1 checked) reads offsets as unsigned 32-bit integers without
a range check, so -1 becomes 4294967295, and wraps whatever ``ts_node_first_child_for_byte``
returns into a ``Node``, a null node included: reading that node's ``end_byte`` or ``type``
dereferences a null pointer and kills the process. The C function returns null past the last
child, and also for some offsets inside the node, in the blank between a child and a comment
that follows it (four Go files in ten have one; see tree-sitter issue 2012). Every lookup by
offset in peer goes through here, and so does every ``Tree.edit``, whose numbers are read the
same unchecked way.

Walks over a node's children go through here too (`children_in`): ``Node.next_sibling`` and
``Node.parent`` start again from the root on every call, which makes a walk quadratic on a
deep or wide tree (100,000 unclosed brackets: minutes), where a tree cursor's step is cheap.
"""

from __future__ import annotations

import typing
from bisect import bisect_right

if typing.TYPE_CHECKING:
    from collections.abc import Iterator

    from tree_sitter import Node, Point, Tree

_UINT32 = 2**32


def first_child_for_byte(node: Node, offset: int) -> Node | None:
    """The first child of ``node`` that ends after ``offset``, or None when none does.

    A bisection over the child indices (children's ends never decrease), reading each child
    by index: the native ``first_child_for_byte`` is never called, whatever ``offset`` is.
    Not over ``node.children``: that list costs a Python object per child, milliseconds on
    a root with thousands of statements, on every keystroke.
    """
    count = node.child_count
    index = bisect_right(range(count), offset, key=lambda i: node.child(i).end_byte)
    return node.child(index) if index < count else None


def children_in(node: Node, start: int, end: int) -> Iterator[Node]:
    """The children of ``node`` that end after ``start`` and start before ``end``, in order.

    The first is found by `first_child_for_byte`; a tree cursor is put on it and steps to
    the next siblings. The cursor is put there by tree-sitter's own lookup at that child's
    start, which answers in one pass instead of a step per earlier child, and is checked: the
    lookup can miss a child (see above), and where it does the cursor steps from the first
    child.
    """
    first = first_child_for_byte(node, start)
    if first is None or first.start_byte >= end:
        return
    cursor = node.walk()
    if cursor.goto_first_child_for_byte(first.start_byte) is None or cursor.node != first:
        cursor.reset(node)
        cursor.goto_first_child()
        while cursor.node != first and cursor.goto_next_sibling():
            pass
    child = cursor.node
    while child is not None and child.start_byte < end:
        yield child
        child = cursor.node if cursor.goto_next_sibling() else None


def descendant_for_byte_range(node: Node, start: int, end: int) -> Node | None:
    """The smallest node in ``node`` that spans ``[start, end]``, or None when ``node`` itself
    does not (the range reaches outside it, or ends before it starts).

    Only a range inside the node reaches tree-sitter, so no offset is ever wrapped around.
    """
    if not node.start_byte <= start <= end <= node.end_byte:
        return None
    return node.descendant_for_byte_range(start, end)


def edit_tree(
    tree: Tree,
    start: int,
    old_end: int,
    new_end: int,
    start_point: Point,
    old_end_point: Point,
    new_end_point: Point,
) -> None:
    """Tell ``tree`` that ``[start, old_end)`` became ``[start, new_end)``.

    Raises ValueError for an edit tree-sitter would misread (a negative or too large number,
    an end before its start): it would take it silently, and the next incremental parse would
    reuse nodes at the wrong offsets.
    """
    numbers = (start, old_end, new_end, *start_point, *old_end_point, *new_end_point)
    ordered = start <= old_end and start <= new_end
    points_ordered = tuple(start_point) <= tuple(old_end_point)
    points_ordered = points_ordered and tuple(start_point) <= tuple(new_end_point)
    if not (ordered and points_ordered and all(0 <= n < _UINT32 for n in numbers)):
        raise ValueError(
            f"invalid edit: bytes {start}..{old_end} -> {start}..{new_end}, points "
            f"{tuple(start_point)}..{tuple(old_end_point)} -> {tuple(new_end_point)}"
        )
    tree.edit(start, old_end, new_end, start_point, old_end_point, new_end_point)
