"""Lookups by offset answer what they promise for any offset, and never crash the process.

The offsets are what callers can get wrong: negative, past the end, at 2**32 (where
py-tree-sitter's unsigned 32-bit arguments wrap), and on every child boundary. The sources
are real code in several languages (this repository's samples and rule fixtures) and junk.
A native crash would kill pytest, so the hypothesis run happens in a child process
(``python this_file``): the test fails with the child's stack and the last lookup it began.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
from tree_sitter import Node

from peer_lsp.syntax.languages import new_parser
from peer_lsp.syntax.nodes import children_in, descendant_for_byte_range, first_child_for_byte

REPO = Path(__file__).resolve().parents[3]
_EXTENSIONS = {".py": "python", ".go": "go", ".js": "javascript", ".jsx": "javascript"}
_EXTENSIONS |= {".java": "java", ".c": "c", ".rs": "rust", ".tsx": "tsx"}
GO_COMMENTED = (
    "// Copyright 2024 The Example Authors.\n\n"
    "// Package config reads settings.\npackage config\n\n"
    'func Password() string {\n\treturn "x"\n} // Password ends\n\n// TODO: the environment.\n'
)
SAMPLES: list[tuple[str, str]] = [
    ("python", PYTHON), ("javascript", JAVASCRIPT), ("typescript", TYPESCRIPT), ("tsx", TSX),
    ("go", GO), ("rust", RUST), ("java", JAVA), ("c", C), ("cpp", CPP), ("csharp", CSHARP),
    ("ruby", RUBY), ("php", PHP), ("go", GO_COMMENTED),
]  # fmt: skip
SAMPLES += [
    (_EXTENSIONS[path.suffix], path.read_text(encoding="utf-8"))
    for folder in ("examples", "tests/unit/rules/fixtures")
    for path in sorted((REPO / folder).rglob("*"))
    if path.suffix in _EXTENSIONS
]
JUNK = ["x", "\n", " ", "{", "}", "(", ")", ";", "//c\n", "#c\n", "/*", "*/", '"', "é", "def "]
sources = st.sampled_from(SAMPLES) | st.tuples(
    st.sampled_from(sorted({language for language, _ in SAMPLES})),
    st.lists(st.sampled_from(JUNK), max_size=30).map("".join),
)


def _nodes(root: Node) -> list[Node]:
    """Every node of the tree, in document order."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(node.children))
    return found


def _offsets(node: Node, size: int) -> st.SearchStrategy[int]:
    """Offsets around the node, its children's boundaries, and where 32 bits wrap."""
    edges = {node.start_byte, node.end_byte, size}
    edges.update(b for c in node.children for b in (c.start_byte, c.end_byte))
    near = sorted({e + d for e in edges for d in (-1, 0, 1)})
    return st.sampled_from(near) | st.integers(-(2**33), 2**33) | st.integers(2**32 - 2, 2**32 + 2)


def _within(node: Node, ancestor: Node) -> bool:
    """Whether ``node`` is ``ancestor`` or lies under it (read by walking up, as peer does)."""
    current: Node | None = node
    while current is not None:
        if current == ancestor:
            return True
        current = current.parent
    return False


def _announce(*what: object) -> None:
    """The lookup about to run, so that a crash names it (the child's stdout survives it)."""
    print(*what, flush=True)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(source=sources, data=st.data())
def check_first_child_for_byte(source: tuple[str, str], data: st.DataObject) -> None:
    language, text = source
    encoded = text.encode("utf-8")
    root = new_parser(language).parse(encoded).root_node
    node = data.draw(st.sampled_from(_nodes(root)))
    offset = data.draw(_offsets(node, len(encoded)))
    _announce("first_child_for_byte", language, len(encoded), node.type, offset)

    child = first_child_for_byte(node, offset)

    after = [c for c in node.children if c.end_byte > offset]
    if child is None:
        assert not after
        return
    assert child.end_byte > offset  # what every caller reads first
    assert child == after[0]
    assert child.parent == node
    sibling: Node | None = child
    while sibling is not None:  # the producer's walk over the following statements
        assert sibling.end_byte > offset
        sibling = sibling.next_sibling


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(source=sources, data=st.data())
def check_descendant_for_byte_range(source: tuple[str, str], data: st.DataObject) -> None:
    language, text = source
    encoded = text.encode("utf-8")
    root = new_parser(language).parse(encoded).root_node
    node = data.draw(st.sampled_from(_nodes(root)))
    start = data.draw(_offsets(node, len(encoded)))
    end = data.draw(_offsets(node, len(encoded)) | st.sampled_from([start, start + 1]))
    _announce("descendant_for_byte_range", language, len(encoded), node.type, start, end)

    found = descendant_for_byte_range(node, start, end)

    if not node.start_byte <= start <= end <= node.end_byte:
        assert found is None
        return
    assert found is not None
    assert found.start_byte <= start
    assert end <= found.end_byte
    assert _within(found, node)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(source=sources, data=st.data())
def check_children_in(source: tuple[str, str], data: st.DataObject) -> None:
    language, text = source
    encoded = text.encode("utf-8")
    root = new_parser(language).parse(encoded).root_node
    node = data.draw(st.sampled_from(_nodes(root)))
    start = data.draw(_offsets(node, len(encoded)))
    end = data.draw(_offsets(node, len(encoded)) | st.sampled_from([start, start + 1]))
    _announce("children_in", language, len(encoded), node.type, start, end)

    found = list(children_in(node, start, end))

    assert found == [c for c in node.children if c.end_byte > start and c.start_byte < end]


def test_lookups_survive_any_offset_in_a_child_process() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "faulthandler", __file__],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    last = result.stdout.strip().rsplit("\n", 1)[-1]
    assert result.returncode == 0, f"last lookup begun: {last}\n{result.stderr[-4000:]}"


if __name__ == "__main__":
    check_first_child_for_byte()
    check_descendant_for_byte_range()
    check_children_in()
