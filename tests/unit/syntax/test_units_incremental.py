"""Edits that once left units stale: after each, units equal a fresh extraction."""

from __future__ import annotations

import pytest

from peer_lsp.documents.store import Document, TextChange
from peer_lsp.syntax.unit_index import UnitIndex

JAVA = (
    "class A {\n    A(long opening) {\n        this.balance = opening;\n    }\n\n"
    '    public String b() {\n        return "";\n    }\n}\n'
)
PHP = (
    "<?php\nnamespace App\\Billing {\nclass Invoice implements Payable\n{\n"
    'public" function __construct(private int $total) {}\npublic   function pay(): void\n'
    "{\n    echo $this->total;\nfunction helper() { return 1; }\n}"
)


def _states(document: Document) -> list[tuple[object, ...]]:
    return [unit.state() for unit in document.units]


def _fresh_states(document: Document) -> list[tuple[object, ...]]:
    index = UnitIndex(document.grammar or "text")
    index.rebuild(document.tree, document.data, document.lines)
    return [unit.state() for unit in index.units]


@pytest.mark.parametrize(
    ("uri", "language", "source", "change"),
    [
        pytest.param(
            "file:///x.js",
            "javascript",
            "const a = () => 1;\nexports.handler = function () { return 2; };\n",
            TextChange("", (0, 18, 1, 1)),
            id="deletion-from-the-end-of-one-unit-into-the-next",
        ),
        pytest.param(
            "file:///A.java", "java", JAVA, TextChange("}", (2, 27, 5, 14)), id="edit-across-units"
        ),
        pytest.param(
            "file:///x.php", "php", PHP, TextChange("'", (7, 0, 7, 3)), id="tree-shorter-than-text"
        ),
        pytest.param(
            "file:///B.java",
            "java",
            "class A {\n    void f() {}\n}\n",
            TextChange("", (0, 9, 1, 4)),
            id="class-header-changes",
        ),
    ],
)
def test_units_after_edit_match_a_fresh_extraction(
    uri: str, language: str, source: str, change: TextChange
) -> None:
    document = Document.open(uri, source, language, 1)
    document.apply_changes([change], 2)
    assert _states(document) == _fresh_states(document)


def test_enclosing_class_header_follows_the_class() -> None:
    document = Document.open("file:///B.java", "class A {\n    void f() {}\n}\n", "java", 1)
    document.apply_changes([TextChange("", (0, 9, 1, 4))], 2)
    (method,) = [unit for unit in document.units if unit.name == "f"]
    assert method.enclosing_class_header == "class A {void f() {}"


def test_edit_in_one_function_touches_only_it_and_keeps_the_others() -> None:
    source = "def a():\n    return 1\n\n\ndef b():\n    return 2\n\n\ndef c():\n    return 3\n"
    document = Document.open("file:///m.py", source, "python", 1)
    unit_c = document.units[2]
    result = document.apply_changes([TextChange("10", (1, 11, 1, 12))], 2)
    assert [unit.qualified_name for unit in result.units.changed] == ["a"]
    assert not result.units.added
    assert not result.units.removed
    assert document.units[2] is unit_c  # same identity, moved by nothing here
    result = document.apply_changes([TextChange("\n\n", (0, 0, 0, 0))], 3)
    assert not result.units
    assert document.units[2] is unit_c
    assert (unit_c.start_line, unit_c.end_line) == (10, 11)


def test_namesakes_added_and_removed_keep_their_identity() -> None:
    source = "class P:\n    pass\n\n\nclass P:\n    x = 1\n"
    document = Document.open("file:///p.py", source, "python", 1)
    result = document.apply_changes([TextChange("class P:\n    y = 2\n\n\n", (0, 0, 0, 0))], 2)
    assert [u.qualified_name for u in result.units.added] == ["P"]
    assert {u.qualified_name for u in result.units.changed} == {"P"}
    assert _states(document) == _fresh_states(document)
