"""No syntax node outlives the analysis that read it.

Every ``Node`` holds a reference to its ``Tree``; the document edits that tree in place and
replaces it on each change, so a node kept in a unit, a finding or a cache would answer with
stale offsets. The tree's reference count shows any node still alive: it must be the
document's own reference (and the old tree's, none at all) once the analysis is done.
"""

from __future__ import annotations

import gc
import sys

import pytest

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import TextChange
from peer_lsp.review.prompt.callees import signature_of
from peer_lsp.review.prompt.imports import file_imports

PYTHON = (
    "import os\n\n\n"
    "def load(paths=[]):\n"
    "    paths.append(os.sep)  # peer: ignore[py-mutable-default]\n"
    "    return eval(paths[0])\n\n\n"
    "class Store:\n"
    "    def get(self, key):\n"
    "        return key == None\n"
)
GO = (
    "// Package store keeps values.\npackage store\n\n"
    'import "fmt"\n\n'
    "func Get(key string) string {\n"
    '\tpassword := "pr0d-Pa55word"\n'
    "\treturn fmt.Sprint(key, password)\n"
    "} // Get ends\n\n"
    "// TODO: more.\n"
)
CASES = [("file:///store.py", "python", PYTHON, (5, 4)), ("file:///store.go", "go", GO, (6, 1))]


@pytest.mark.parametrize(("uri", "language", "text", "at"), CASES)
def test_no_node_is_kept_after_open_and_change(
    uri: str, language: str, text: str, at: tuple[int, int]
) -> None:
    engine = Engine()
    document = engine.open(uri, text, language)
    first = document.tree
    assert engine.findings(uri)

    engine.change(uri, [TextChange("x", (*at, *at))], 2)
    engine.findings(uri)
    file_imports(document)
    signatures = [signature_of(unit, document) for unit in document.units]

    current = document.tree
    gc.collect()

    assert signatures
    assert current is not first
    # getrefcount counts its own argument: 2 is the variable alone, 3 adds the document.
    assert sys.getrefcount(first) == 2
    assert sys.getrefcount(current) == 3
