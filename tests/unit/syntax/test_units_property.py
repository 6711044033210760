"""Random edits in every language with a units query keep the units exact.

After each edit the incrementally kept units equal a full extraction from the same tree, and
the reported added/changed/removed units are exactly what comparing the two full extractions
gives. The edits are junk on purpose: half-typed brackets, quotes and definitions are where
incremental bookkeeping goes wrong.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_units import (
    CPP,
    CSHARP,
    GO,
    JAVA,
    JAVASCRIPT,
    PHP,
    PYTHON,
    RUBY,
    RUST,
    TSX,
    TYPESCRIPT,
    C,
)

from peer_lsp.documents.store import Document, TextChange
from peer_lsp.syntax.unit import Unit
from peer_lsp.syntax.unit_diff import diff_units
from peer_lsp.syntax.unit_index import UnitIndex

SAMPLES = {
    "python": (PYTHON, "py"),
    "javascript": (JAVASCRIPT, "js"),
    "typescript": (TYPESCRIPT, "ts"),
    "tsx": (TSX, "tsx"),
    "go": (GO, "go"),
    "rust": (RUST, "rs"),
    "java": (JAVA, "java"),
    "c": (C, "c"),
    "cpp": (CPP, "cpp"),
    "csharp": (CSHARP, "cs"),
    "ruby": (RUBY, "rb"),
    "php": (PHP, "php"),
}
PIECES = [
    "x", "\n", "  ", "{", "}", "(", ")", ";", ":", "é", "😀", "\r\n", '"', "'", "//c\n",
    "#c\n", "/*", "def ", "end\n", "fn k() {}\n", "class Q { void m() {} }\n",
    "function z() { return 1 }\n",
]  # fmt: skip
_LINE = re.compile(r"\r\n|\r|\n")


def utf16_position(text: str, index: int) -> tuple[int, int]:
    starts = [0, *(match.end() for match in _LINE.finditer(text))]
    line = max(n for n, start in enumerate(starts) if start <= index)
    return line, len(text[starts[line] : index].encode("utf-16-le")) // 2


def addressable(text: str, index: int) -> int:
    if 0 < index < len(text) and text[index - 1] == "\r" and text[index] == "\n":
        return index - 1
    return index


def full_units(document: Document) -> list[Unit]:
    index = UnitIndex(document.grammar or "text")
    index.rebuild(document.tree, document.data, document.lines)
    return index.units


def keys(units: tuple[Unit, ...]) -> set[tuple[str, str, str]]:
    return {(unit.kind, unit.qualified_name, unit.exact_hash) for unit in units}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grammar=st.sampled_from(sorted(SAMPLES)),
    edits=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1),
            st.integers(min_value=0, max_value=16),
            st.lists(st.sampled_from(PIECES), max_size=3).map("".join),
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_units_stay_exact_under_random_edits(
    grammar: str, edits: list[tuple[float, int, str]]
) -> None:
    source, extension = SAMPLES[grammar]
    document = Document.open(f"file:///sample.{extension}", source, grammar, 0)
    text = source
    for version, (where, length, insert) in enumerate(edits, start=1):
        start = addressable(text, round(where * len(text)))
        end = max(start, addressable(text, min(start + length, len(text))))
        before = full_units(document)
        change = TextChange(insert, (*utf16_position(text, start), *utf16_position(text, end)))

        result = document.apply_changes([change], version)

        text = text[:start] + insert + text[end:]
        assert document.text == text
        after = full_units(document)
        assert [unit.state() for unit in document.units] == [unit.state() for unit in after]
        expected = diff_units(before, after)
        assert keys(result.units.added) == keys(expected.added)
        assert keys(result.units.changed) == keys(expected.changed)
        assert keys(result.units.removed) == keys(expected.removed)
