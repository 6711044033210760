"""Units keep their comment and string spans packed, three ints a span."""

from __future__ import annotations

from peer_lsp.documents.store import Document
from peer_lsp.syntax.normalize import normalized_hash_of, pack_spans, special_spans, unpack_spans

SOURCE = '''class Store:
    """Keeps things."""

    def put(self, key):  # stores
        return f"{key}!"  # done
'''


def test_packing_keeps_every_span_in_order() -> None:
    spans = [(0, 4, False), (7, 300_000, True), (2**40, 2**40 + 1, False)]

    assert list(unpack_spans(pack_spans(spans))) == spans
    assert list(unpack_spans(pack_spans([]))) == []
    assert list(unpack_spans(())) == []


def test_a_units_spans_are_those_of_its_node_relative_to_its_start() -> None:
    document = Document.open("file:///s.py", SOURCE, "python")
    assert document.tree is not None
    store, put = document.units

    for unit in (store, put):
        node = document.tree.root_node.descendant_for_byte_range(unit.start_byte, unit.end_byte)
        assert node is not None
        expected = [
            (a - unit.start_byte, b - unit.start_byte, s)
            for a, b, s in special_spans(node, "python")
        ]
        assert list(unpack_spans(unit.spans)) == expected
        assert unit.normalized_hash == normalized_hash_of(unit.text.encode(), expected, "python")
    assert len(put.spans) == 3 * 3  # two comments and the f-string
