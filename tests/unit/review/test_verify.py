"""Fix verification: edits stay in their unit, do not overlap, and add no syntax error."""

from __future__ import annotations

import dataclasses

import pytest
from tree_sitter import Tree

from peer_lsp.documents.store import Document
from peer_lsp.documents.verify import Verdict, _parser_view, _prepare, _reparse, verify_fix
from peer_lsp.findings.model import TextEdit
from peer_lsp.syntax.languages import new_parser
from peer_lsp.syntax.unit import Unit

PYTHON = """\
import os


def first(a, b):
    total = a + b
    return total * 2


def second(path):
    return os.path.exists(path)
"""

JAVASCRIPT = """\
function first(a, b) {
  const total = a + b;
  return total * 2;
}

function second(path) {
  return path.length;
}
"""

GO = """\
package main

func first(a int, b int) int {
\ttotal := a + b
\treturn total * 2
}

func second(path string) int {
\treturn len(path)
}
"""

SOURCES = {"python": (".py", PYTHON), "javascript": (".js", JAVASCRIPT), "go": (".go", GO)}

# Per language: a fix that keeps the syntax valid, and one that breaks it, as
# (old text in `first`, new text).
GOOD = {
    "python": ("total * 2", "total * 3"),
    "javascript": ("total * 2", "total * 3"),
    "go": ("total * 2", "total * 3"),
}
BAD = {
    "python": ("total * 2", "total * (2"),
    "javascript": ("return total * 2;\n}", "return total * 2;\n"),
    "go": ("total := a + b", "total := a +"),
}


def open_doc(language: str, text: str | None = None, suffix: str | None = None) -> Document:
    extension, source = SOURCES.get(language, (suffix or ".txt", ""))
    return Document.open(f"file:///sample{suffix or extension}", text or source, language)


def unit_named(document: Document, name: str) -> Unit:
    return next(unit for unit in document.units if unit.name == name)


def replace(document: Document, unit: Unit, old: str, new: str) -> TextEdit:
    """An edit replacing the first ``old`` inside ``unit``."""
    start = document.data.index(old.encode(), unit.start_byte, unit.end_byte)
    return TextEdit(start, start + len(old.encode()), new)


def tree_shape(tree: Tree) -> list[tuple[object, ...]]:
    """Every node with its type, bytes and points, for comparing two trees."""
    shape: list[tuple[object, ...]] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        shape.append((node.type, node.start_byte, node.end_byte, node.start_point, node.end_point))
        stack.extend(node.children)
    return shape


@pytest.mark.parametrize("language", ["python", "javascript", "go"])
def test_a_valid_fix_is_accepted(language: str) -> None:
    document = open_doc(language)
    unit = unit_named(document, "first")
    before, tree_before = document.data, str(document.tree.root_node)  # type: ignore[union-attr]

    verdict = verify_fix(document, unit, [replace(document, unit, *GOOD[language])])

    assert verdict == Verdict(True, "", unit.text.replace(*GOOD[language]))
    assert document.data == before
    assert str(document.tree.root_node) == tree_before  # type: ignore[union-attr]


@pytest.mark.parametrize("language", ["python", "javascript", "go"])
def test_a_fix_that_breaks_the_syntax_is_rejected(language: str) -> None:
    document = open_doc(language)
    unit = unit_named(document, "first")

    verdict = verify_fix(document, unit, [replace(document, unit, *BAD[language])])

    assert verdict == Verdict(False, "the fix breaks the syntax")


@pytest.mark.parametrize("language", ["python", "javascript", "go"])
def test_a_fix_touching_another_unit_is_rejected(language: str) -> None:
    document = open_doc(language)
    first, second = unit_named(document, "first"), unit_named(document, "second")
    inside = replace(document, first, *GOOD[language])
    outside = TextEdit(second.start_byte, second.start_byte, " ")

    verdict = verify_fix(document, first, [inside, outside])

    assert verdict == Verdict(False, "the fix touches text outside its unit")


def test_an_edit_across_the_unit_boundary_is_rejected() -> None:
    document = open_doc("python")
    unit = unit_named(document, "first")
    edit = TextEdit(unit.end_byte - 1, unit.end_byte + 1, "3\n")

    assert verify_fix(document, unit, [edit]).reason == "the fix touches text outside its unit"


def test_edits_at_both_ends_of_the_unit_are_inside_it() -> None:
    document = open_doc("python")
    unit = unit_named(document, "first")
    edits = [
        TextEdit(unit.start_byte, unit.start_byte, "@staticmethod\n"),
        TextEdit(unit.end_byte, unit.end_byte, "\n    # done"),
    ]

    verdict = verify_fix(document, unit, edits)

    assert verdict.ok
    assert verdict.new_text_of_unit == f"@staticmethod\n{unit.text}\n    # done"


@pytest.mark.parametrize(
    ("spans", "new_texts"),
    [
        pytest.param([(0, 10), (5, 15)], ["a", "b"], id="crossing"),
        pytest.param([(0, 10), (2, 4)], ["a", "b"], id="nested"),
        pytest.param([(3, 3), (3, 3)], ["a", "b"], id="two-inserts-at-one-offset"),
        pytest.param([(3, 3), (3, 8)], ["a", "b"], id="insert-where-a-replacement-starts"),
    ],
)
def test_overlapping_edits_are_rejected(spans: list[tuple[int, int]], new_texts: list[str]) -> None:
    document = open_doc("python")
    unit = unit_named(document, "first")
    base = unit.start_byte
    edits = [TextEdit(base + a, base + b, t) for (a, b), t in zip(spans, new_texts, strict=True)]

    assert verify_fix(document, unit, edits) == Verdict(False, "the edits overlap")


def test_adjacent_edits_in_any_order_are_applied_together() -> None:
    document = open_doc("python")
    unit = unit_named(document, "first")
    name = replace(document, unit, "total", "result")
    sign = TextEdit(name.end_byte, name.end_byte + 3, " = -")
    use = replace(document, unit, "total * 2", "result * 2")

    verdict = verify_fix(document, unit, [use, sign, name])

    expected = unit.text.replace("total = a", "result = -a").replace("total * 2", "result * 2")
    assert verdict == Verdict(True, "", expected)


def test_a_fix_that_changes_nothing_is_rejected() -> None:
    document = open_doc("python")
    unit = unit_named(document, "first")

    verdict = verify_fix(document, unit, [replace(document, unit, "total", "total")])

    assert verdict == Verdict(False, "the fix changes nothing")


def test_a_fix_without_edits_is_rejected() -> None:
    document = open_doc("python")

    verdict = verify_fix(document, unit_named(document, "first"), [])

    assert verdict == Verdict(False, "the fix has no edits")


def test_a_fix_that_deletes_the_whole_unit_is_rejected() -> None:
    document = open_doc("python")
    unit = unit_named(document, "first")

    verdict = verify_fix(document, unit, [TextEdit(unit.start_byte, unit.end_byte, "\n  ")])

    assert verdict == Verdict(False, "the fix deletes the whole unit")


def test_a_document_without_grammar_cannot_be_verified() -> None:
    document = Document.open("file:///notes.txt", "first line\nsecond line\n", "plaintext")
    unit = document.units[0]

    verdict = verify_fix(document, unit, [TextEdit(0, 5, "1st")])

    assert verdict == Verdict(False, "no grammar")


def test_a_stale_unit_is_rejected() -> None:
    document = open_doc("python")
    unit = unit_named(document, "first")
    stale = dataclasses.replace(unit, text=unit.text.replace("total", "sum"))

    verdict = verify_fix(document, stale, [replace(document, unit, *GOOD["python"])])

    assert verdict == Verdict(False, "the unit changed since it was extracted")


def test_an_edit_inside_a_character_is_rejected() -> None:
    document = Document.open("file:///u.py", 'def greet():\n    return "héllo"\n', "python")
    unit = unit_named(document, "greet")
    accent = document.data.index("é".encode())

    verdict = verify_fix(document, unit, [TextEdit(accent + 1, accent + 2, "x")])

    assert verdict == Verdict(False, "an edit splits a character")


def test_an_invalid_range_is_rejected() -> None:
    document = open_doc("python")
    unit = unit_named(document, "first")
    edit = TextEdit(unit.start_byte + 5, unit.start_byte + 2, "x")

    assert verify_fix(document, unit, [edit]) == Verdict(False, "an edit has an invalid range")


BROKEN_ELSEWHERE = PYTHON + "\n\ndef third(:\n    return (\n"


def test_errors_elsewhere_in_the_file_are_not_held_against_a_fix() -> None:
    document = Document.open("file:///broken.py", BROKEN_ELSEWHERE, "python")
    assert document.tree is not None
    assert document.tree.root_node.has_error
    unit = unit_named(document, "first")

    good = verify_fix(document, unit, [replace(document, unit, *GOOD["python"])])
    bad = verify_fix(document, unit, [replace(document, unit, *BAD["python"])])

    assert good.ok
    assert bad == Verdict(False, "the fix breaks the syntax")


def test_a_fix_may_repair_its_unit_and_may_leave_an_old_error_there() -> None:
    source = "def first(a):\n    return (a +\n\n\ndef second(b):\n    return b\n"
    document = Document.open("file:///broken.py", source, "python")
    unit = next(u for u in document.units if u.start_byte == 0)

    repaired = verify_fix(document, unit, [replace(document, unit, "(a +", "(a + 1)")])
    unrelated = verify_fix(document, unit, [replace(document, unit, "a):", "a):  # doc")])

    assert repaired.ok
    assert unrelated.ok


def test_a_fix_that_moves_an_error_out_of_its_unit_is_rejected() -> None:
    document = open_doc("javascript")
    unit = unit_named(document, "first")
    # The unit loses its closing brace: the error may be reported after the unit.
    edit = TextEdit(unit.end_byte - 1, unit.end_byte, "")

    verdict = verify_fix(document, unit, [edit])

    assert verdict == Verdict(False, "the fix breaks the syntax")


@pytest.mark.parametrize("language", ["python", "javascript", "go"])
def test_crlf_documents_are_verified(language: str) -> None:
    document = open_doc(language, SOURCES[language][1].replace("\n", "\r\n"))
    unit = unit_named(document, "first")
    old, new = GOOD[language]

    good = verify_fix(document, unit, [replace(document, unit, old, new)])
    bad_old, bad_new = BAD[language]
    bad = verify_fix(
        document,
        unit,
        [replace(document, unit, bad_old.replace("\n", "\r\n"), bad_new.replace("\n", "\r\n"))],
    )

    assert good.ok
    assert good.new_text_of_unit == unit.text.replace(old, new)
    assert "\r\n" in (good.new_text_of_unit or "")
    assert bad == Verdict(False, "the fix breaks the syntax")


@pytest.mark.parametrize(
    ("newline", "edits"),
    [
        pytest.param("\n", [("total * 2", "(total\n        * 2)")], id="lf-add-line"),
        pytest.param("\r\n", [("total * 2", "(total\r\n        * 2)")], id="crlf-add-line"),
        pytest.param("\r\n", [("    total = a + b\r\n", "")], id="crlf-remove-line"),
        pytest.param("\r", [("a + b", "a\r        + b")], id="cr-add-line"),
        pytest.param(
            "\n",
            [("total = a", "result = a"), ("total * 2", "result * 2"), ("(a, b)", "(a, b, c)")],
            id="three-edits",
        ),
    ],
)
def test_the_edited_tree_parses_like_a_fresh_parse(
    newline: str, edits: list[tuple[str, str]]
) -> None:
    text = "def first(a, b):\n    total = a + b\n    return total * 2\n\n\ndef second(): pass\n"
    document = Document.open("file:///x.py", text.replace("\n", newline), "python")
    unit = unit_named(document, "first")
    prepared = _prepare([replace(document, unit, old, new) for old, new in edits])
    assert isinstance(prepared, list)
    data = bytearray(document.data)
    for edit in reversed(prepared):
        data[edit.start : edit.end] = edit.new

    reused = _reparse(document, prepared, bytes(data))
    fresh = new_parser("python").parse(_parser_view(bytes(data)))

    assert not reused.root_node.has_error
    assert tree_shape(reused) == tree_shape(fresh)
