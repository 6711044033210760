"""Edits editors really send that the incremental path alone does not cover: whole-document
replacements, text with lone UTF-16 surrogates, positions out of range, and documents too
large to parse. After each, text, tree and units must equal a fresh open of the same text."""

from __future__ import annotations

import pytest

from peer_lsp.documents.store import Document, TextChange
from peer_lsp.text.positions import Encoding

URI = "file:///sample.py"
SOURCE = "def f():\n    return 1\n\n\ndef g():\n    return 2\n"


def assert_like_fresh(document: Document) -> None:
    """Text, tree and units equal those of a document opened with the same text."""
    fresh = Document.open(document.uri, document.text, document.language_id, 0, document.encoding)
    assert document.data == fresh.data
    assert document.lines.line_count == fresh.lines.line_count
    assert [document.lines.line_start(i) for i in range(fresh.lines.line_count)] == [
        fresh.lines.line_start(i) for i in range(fresh.lines.line_count)
    ]
    assert (document.tree is None) == (fresh.tree is None)
    if document.tree is not None and fresh.tree is not None:
        assert str(document.tree.root_node) == str(fresh.tree.root_node)
    assert [u.state() for u in document.units] == [u.state() for u in fresh.units]


# -- whole-document changes ------------------------------------------------------------------


def test_full_change_reparses_and_rebuilds_units() -> None:
    document = Document.open(URI, SOURCE, "python", 1)

    result = document.apply_changes([TextChange("def h(:\n    pass\n")], 2)

    assert document.text == "def h(:\n    pass\n"
    assert document.tree is not None
    assert document.tree.root_node.has_error
    assert [u.qualified_name for u in document.units] == ["h"]
    assert {u.qualified_name for u in result.units.removed} == {"f", "g"}
    assert {u.qualified_name for u in result.units.added} == {"h"}
    assert document.version == 2
    assert_like_fresh(document)


def test_ranged_change_after_a_full_change_in_one_batch() -> None:
    document = Document.open(URI, SOURCE, "python", 1)
    changes = [
        TextChange("# gone\n", (0, 0, 0, 0)),
        TextChange("def a():\n    pass\n"),
        TextChange("b", (0, 4, 0, 5)),  # rename a to b, in the new text
        TextChange("\n\ndef c():\n    return []\n", (2, 0, 2, 0)),
    ]

    result = document.apply_changes(changes, 2)

    assert document.text == "def b():\n    pass\n\n\ndef c():\n    return []\n"
    assert [u.qualified_name for u in document.units] == ["b", "c"]
    assert {u.qualified_name for u in result.units.removed} == {"f", "g"}
    assert {u.qualified_name for u in result.units.added} == {"b", "c"}
    assert_like_fresh(document)


def test_incremental_edits_after_a_full_change_stay_incremental() -> None:
    document = Document.open(URI, SOURCE, "python", 1)
    document.apply_changes([TextChange("x = 1\n")], 2)

    document.apply_changes([TextChange("def k():\n    return 3\n", (1, 0, 1, 0))], 3)

    assert document.text == "x = 1\ndef k():\n    return 3\n"
    assert_like_fresh(document)


# -- lone surrogates --------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", list(Encoding))
def test_lone_surrogate_opens_as_replacement_character(encoding: Encoding) -> None:
    document = Document.open(URI, 's = "\ud800"; t = (1\n', "python", 1, encoding)

    assert document.text == 's = "\ufffd"; t = (1\n'
    # The surrogate is one unit to the editor, in every encoding's terms: UTF-16 one code
    # unit, UTF-32 one code point, UTF-8 (as WTF-8) three bytes, like U+FFFD.
    width = {Encoding.UTF16: 1, Encoding.UTF32: 1, Encoding.UTF8: 3}[encoding]
    paren = 12 + width
    assert document.offset_at(0, paren) == document.data.index(b"(")
    assert_like_fresh(document)


def test_lone_surrogate_in_a_change_is_applied_not_dropped() -> None:
    document = Document.open(URI, "a = 1\nb = 2\n", "python", 1)

    document.apply_changes([TextChange("\udc00", (0, 4, 0, 4))], 2)
    document.apply_changes([TextChange("c", (0, 6, 0, 6))], 3)  # after the surrogate and '1'

    assert document.text == "a = \ufffd1c\nb = 2\n"
    assert document.version == 3
    assert_like_fresh(document)


def test_lone_surrogate_in_a_full_change() -> None:
    document = Document.open(URI, "a = 1\n", "python", 1)

    document.apply_changes([TextChange("x = '\ud83d'\n")], 2)

    assert document.text == "x = '\ufffd'\n"
    assert_like_fresh(document)


def test_deleting_half_of_a_surrogate_pair_keeps_utf16_positions_in_step() -> None:
    # "😀" is two UTF-16 code units; the editor deletes the first, keeping a lone low one.
    document = Document.open(URI, 's = "😀"; t = 1\n', "python", 1, Encoding.UTF16)

    document.apply_changes([TextChange("", (0, 5, 0, 6))], 2)
    # Editor text now: s = "\ude00"; t = 1 -- the "1" is at UTF-16 column 13.
    document.apply_changes([TextChange("2", (0, 13, 0, 14))], 3)

    assert document.text == 's = "\ufffd"; t = 2\n'
    assert_like_fresh(document)


def test_inserting_inside_a_surrogate_pair() -> None:
    document = Document.open(URI, 's = "😀"\n', "python", 1, Encoding.UTF16)

    document.apply_changes([TextChange("x", (0, 6, 0, 6))], 2)

    # The editor has a high surrogate, x, a low surrogate: three UTF-16 units.
    assert document.text == 's = "\ufffdx\ufffd"\n'
    assert_like_fresh(document)


# -- out of range ----------------------------------------------------------------------------


def test_character_past_the_line_end_clamps_to_the_line_end() -> None:
    document = Document.open(URI, "a = 1\nb = 2\n", "python", 1)

    document.apply_changes([TextChange("0", (0, 99, 0, 120))], 2)

    assert document.text == "a = 10\nb = 2\n"
    assert_like_fresh(document)


def test_line_past_the_end_is_the_end_of_the_document() -> None:
    document = Document.open(URI, "a = 1\n", "python", 1)

    document.apply_changes([TextChange("b = 2\n", (7, 3, 9, 0))], 2)

    assert document.text == "a = 1\nb = 2\n"
    assert_like_fresh(document)


def test_end_before_start_replaces_the_range_between_them() -> None:
    # As VS Code does with such a range: its start and end are swapped.
    document = Document.open(URI, "a = 1\nb = 2\n", "python", 1)

    document.apply_changes([TextChange("c", (1, 1, 1, 0))], 2)

    assert document.text == "a = 1\nc = 2\n"
    assert_like_fresh(document)


def test_version_going_backwards_still_applies_the_edit() -> None:
    document = Document.open(URI, "a = 1\n", "python", 5)

    document.apply_changes([TextChange("2", (0, 4, 0, 5))], 3)

    assert document.text == "a = 2\n"
    assert document.version == 3


# -- too large to parse ----------------------------------------------------------------------


def test_document_over_the_limit_keeps_text_but_no_tree_or_units() -> None:
    document = Document.open(URI, SOURCE * 4, "python", 1, max_bytes=100)

    assert document.oversized
    assert document.tree is None
    assert document.units == []

    document.apply_changes([TextChange("def z(:\n", (0, 0, 0, 0))], 2)

    assert document.text == "def z(:\n" + SOURCE * 4
    assert document.tree is None
    assert document.units == []
    assert document.offset_at(1, 4) == len("def z(:\ndef ")


def test_document_shrinking_under_the_limit_is_parsed_again() -> None:
    document = Document.open(URI, SOURCE * 4, "python", 1, max_bytes=len(SOURCE) + 10)
    lines = SOURCE.count("\n")

    result = document.apply_changes([TextChange("", (lines, 0, 4 * lines, 0))], 2)

    assert not document.oversized
    assert document.text == SOURCE
    assert {u.qualified_name for u in result.units.added} == {"f", "g"}
    assert_like_fresh(document)


def test_document_growing_over_the_limit_drops_tree_and_units() -> None:
    document = Document.open(URI, SOURCE, "python", 1, max_bytes=len(SOURCE) + 10)
    units = document.units

    result = document.apply_changes([TextChange(SOURCE, (0, 0, 0, 0))], 2)

    assert document.oversized
    assert document.tree is None
    assert document.units == []
    assert {u.qualified_name for u in result.units.removed} == {"f", "g"}
    assert not any(unit.alive for unit in units)
    assert document.text == SOURCE * 2


def test_raising_the_limit_parses_an_oversized_document() -> None:
    document = Document.open(URI, SOURCE * 2, "python", 1, max_bytes=len(SOURCE))

    diff = document.set_max_bytes(10 * len(SOURCE))

    assert not document.oversized
    assert len(diff.added) == 4
    assert_like_fresh(document)
