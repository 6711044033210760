"""The outline of real modules nobody here wrote, checked against Python's own parser."""

from __future__ import annotations

import ast
import email.message
import importlib.util
import json.decoder
from pathlib import Path

import httpx
import pytest

from peer_lsp.documents.store import Document, TextChange
from peer_lsp.syntax.outline import Symbol, outline
from peer_lsp.syntax.unit import UnitKind

REAL_MODULES = [
    Path(json.decoder.__file__),
    Path(email.message.__file__),
    Path(httpx.__file__).with_name("_client.py"),
    Path(str(importlib.util.find_spec("asyncio.base_events").origin)),  # type: ignore[union-attr]
]

Defs = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _declared(tree: ast.Module) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(every def and class at any depth, those at top level or directly in a class body)."""
    every = {(n.lineno, n.name) for n in ast.walk(tree) if isinstance(n, Defs)}
    members: set[tuple[int, str]] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, Defs):
                members.add((node.lineno, node.name))
            if isinstance(node, ast.ClassDef):
                visit(node.body)

    visit(tree.body)
    return every, members


def _flatten(symbols: list[Symbol]) -> list[Symbol]:
    return [s for symbol in symbols for s in (symbol, *_flatten(list(symbol.children)))]


def _def_line(source: bytes, symbol: Symbol) -> int:
    """The 1-based line of the symbol's name (where ast puts a def without decorators)."""
    return source.count(b"\n", 0, symbol.name_start) + 1


@pytest.mark.parametrize("path", REAL_MODULES, ids=lambda p: p.name)
def test_outline_names_every_def_and_class_at_its_line(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    document = Document.open(path.as_uri(), text)
    every, members = _declared(ast.parse(text))
    symbols = _flatten(outline(document.units))
    # ast's lineno is the `def` line; a decorated def starts earlier, its name does not.
    found = {(_def_line(document.data, s), s.name) for s in symbols}

    assert members <= found
    assert found <= every


@pytest.mark.parametrize("path", REAL_MODULES, ids=lambda p: p.name)
def test_children_lie_inside_their_parent_and_names_inside_their_symbol(path: Path) -> None:
    document = Document.open(path.as_uri(), path.read_text(encoding="utf-8"))

    def check(symbol: Symbol) -> None:
        assert symbol.start_byte <= symbol.name_start <= symbol.name_end <= symbol.end_byte
        assert document.data[symbol.name_start : symbol.name_end] == symbol.name.encode()
        starts = [child.start_byte for child in symbol.children]
        assert starts == sorted(starts)
        for child in symbol.children:
            assert symbol.start_byte <= child.start_byte <= child.end_byte <= symbol.end_byte
            check(child)

    for symbol in outline(document.units):
        check(symbol)


def test_methods_nest_under_their_class_and_chunks_are_left_out() -> None:
    source = (
        "import os\n"
        "SETTING = 1\n\n"
        "class Store:\n"
        "    @property\n"
        "    def size(self):\n"
        "        return 0\n\n"
        "    async def load(self, é):\n"
        "        return é\n\n"
        "def helper():\n"
        "    pass\n"
    )
    document = Document.open("file:///w/store.py", source)

    symbols = outline(document.units)

    assert [(s.name, s.kind) for s in symbols] == [
        ("Store", UnitKind.CLASS),
        ("helper", UnitKind.FUNCTION),
    ]
    assert [(c.name, c.kind) for c in symbols[0].children] == [
        ("size", UnitKind.METHOD),
        ("load", UnitKind.METHOD),
    ]
    assert symbols[0].children[1].detail == "async def load(self, é):"


def test_outline_follows_an_edit() -> None:
    document = Document.open("file:///w/a.py", "def old():\n    pass\n")
    document.apply_changes([TextChange("renamed", (0, 4, 0, 7))], version=2)

    assert [s.name for s in outline(document.units)] == ["renamed"]


def test_a_document_peer_cannot_cut_has_no_outline() -> None:
    assert outline(Document.open("file:///w/notes.txt", "plain words\n").units) == []
