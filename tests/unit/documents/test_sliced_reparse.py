"""A reparse run on the parse thread, stopped there, or superseded by newer edits, ends
exactly where reparsing the same batch of edits at once ends.

The server reparses a document whose reparses have become slow on a parse thread
(lsp.sync), and an edit arriving meanwhile abandons the reparse under way. tree-sitter's
error recovery depends on where a parse was stopped if it is resumed, so a stopped parse is
never resumed: the trees, units and findings must equal those of the plain path in every
state, broken ones included. Checked on real code nobody here wrote
(the standard library's argparse), typed into through broken states.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import pytest

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import Document, TextChange

TYPED = "        values = compute(total, [index, 2], key={'a': (1, 2)})\n"
"""Typed a key at a time: the file is broken until the last bracket closes."""
WAIT_S = 30


def _argparse() -> str:
    spec = importlib.util.find_spec("argparse")
    assert spec is not None
    assert spec.origin is not None
    return Path(spec.origin).read_text(encoding="utf-8")


def _keystrokes(text: str) -> list[TextChange]:
    """Typing ``TYPED`` on a new line inside a method body of ``text``, one key per edit."""
    line = text.splitlines().index("    def format_help(self):") + 1
    return [TextChange(char, (line, column, line, column)) for column, char in enumerate(TYPED)]


def _shape(document: Document) -> tuple[str, list[tuple[str, int, int, str]]]:
    tree = document.tree
    assert tree is not None
    units = [(u.name, u.start_byte, u.end_byte, u.exact_hash) for u in document.units]
    return str(tree.root_node), units


def _in_background(document: Document) -> None:
    ended = threading.Event()
    document.parse_in_background(ended.set)
    assert ended.wait(WAIT_S)
    document.settle()  # takes the tree the thread made


@pytest.mark.parametrize("path", ["on the loop", "in background", "abandoned, then on the loop"])
def test_a_reparse_ends_as_one_reparse_whichever_way_it_runs(path: str) -> None:
    text = _argparse()
    plain = Document.open("file:///w/argparse.py", text, "python")
    other = Document.open("file:///w/argparse.py", text, "python")
    for version, change in enumerate(_keystrokes(text), start=2):
        plain.apply_changes([change], version)
        other.begin_changes([change], version)
        assert other.parsing
        if path == "in background":
            _in_background(other)
        elif path.startswith("abandoned"):
            other.parse_in_background(lambda: None)
            other.abandon()  # stops it wherever it is, and waits for the thread
            assert other.parsing
        other.settle()
        assert not other.parsing
        [result] = other.take_results()
        assert result.parse_ms > 0
        assert _shape(other) == _shape(plain)


def test_an_edit_during_a_background_reparse_joins_it() -> None:
    """Keystrokes arriving while the reparse of the first runs: one reparse, as if the
    editor had sent them in one batch; the file parses again and equals a fresh parse."""
    text = _argparse()
    keystrokes = _keystrokes(text)
    batched = Document.open("file:///w/a.py", text, "python")
    batched.apply_changes(keystrokes, 2)
    superseded = Document.open("file:///w/a.py", text, "python")
    ends = []
    for version, change in enumerate(keystrokes, start=2):
        superseded.begin_changes([change], version)
        ended = threading.Event()
        ends.append(ended)
        superseded.parse_in_background(ended.set)
    assert all(ended.wait(WAIT_S) for ended in ends)
    superseded.settle()
    [result] = superseded.take_results()
    assert result.units.changed
    assert _shape(superseded) == _shape(batched)
    assert _shape(superseded) == _shape(Document.open("file:///w/a.py", superseded.text, "python"))


def test_reading_the_tree_waits_for_the_background_reparse() -> None:
    text = _argparse()
    document = Document.open("file:///w/a.py", text, "python")
    document.begin_changes(_keystrokes(text)[:12], 2)
    document.parse_in_background(lambda: None)
    tree = document.tree
    assert not document.parsing
    assert tree is not None
    assert tree.root_node.end_byte == len(document.data)


def test_readers_never_see_a_half_analysed_edit() -> None:
    """Findings read while a background reparse runs are those of the finished edit."""
    text = _argparse()
    reference, engine = Engine(), Engine()
    uri = "file:///w/argparse.py"
    reference.open(uri, text, "python", 1)
    engine.open(uri, text, "python", 1)
    for version, change in enumerate(_keystrokes(text), start=2):
        reference.change(uri, [change], version)
        assert engine.begin_change(uri, [change], version)
        ended = threading.Event()
        engine.analyse_in_background(uri, ended.set)
        if version % 2:
            assert ended.wait(WAIT_S)
            engine.analyse(uri)
        else:  # a reader comes first: it waits for the reparse and the analysis
            assert engine.findings(uri) == reference.findings(uri)
        [result] = engine.take_results(uri)
        assert result.dirty
        assert engine.last_parse_ms(uri) == result.parse_ms > 0
        assert engine.findings(uri) == reference.findings(uri)


def test_closing_a_document_stops_its_background_reparse() -> None:
    text = _argparse()
    engine = Engine()
    uri = "file:///w/argparse.py"
    engine.open(uri, text, "python", 1)
    engine.begin_change(uri, _keystrokes(text)[:5], 2)
    ended = threading.Event()
    engine.analyse_in_background(uri, ended.set)
    engine.close(uri)
    assert ended.is_set()  # close waited for the parse thread to let go
    assert engine.take_results(uri) == []
    assert uri not in engine.documents
