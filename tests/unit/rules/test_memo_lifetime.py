"""What the flow layers work out is forgotten after each run of the rules: no syntax node,
and so no tree, outlives it. A node keeps its whole tree alive; before `peer_lsp.rules.memo`
every edit of a 50,000-line file pinned another tree in a cache (1.1 GB after 40 edits)."""

from __future__ import annotations

import sys

import pytest

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import TextChange
from peer_lsp.rules.memo import memoized, per_text, run_scope

FLOWING = {  # each followed by its language's flow layer from a built value to a sink
    "python": (
        "a.py",
        "import os\n\ndef f(x):\n    cmd = 'ls ' + x\n    os.system(cmd)\n\n"
        "def g(y):\n    q = 'select ' + y\n    eval(q)\n",
        "py-shell-injection",
    ),
    "javascript": (
        "a.js",
        "function f(x) {\n  const cmd = 'ls ' + x;\n  require('child_process').exec(cmd);\n}\n",
        "js-shell-injection",
    ),
    "java": (
        "A.java",
        'class A {\n  void f(String x) throws Exception {\n    String cmd = "ls " + x;\n'
        "    Runtime.getRuntime().exec(cmd);\n  }\n}\n",
        "java-shell-injection",
    ),
    "go": (
        "a.go",
        'package a\n\nimport "os/exec"\n\nfunc f(x string) {\n\tcmd := "ls " + x\n'
        '\texec.Command("sh", "-c", cmd).Run()\n}\n',
        "go-shell-injection",
    ),
}


@pytest.mark.parametrize("language", sorted(FLOWING))
def test_no_tree_outlives_the_edit_that_replaced_it(language: str) -> None:
    name, text, rule = FLOWING[language]
    engine = Engine()
    uri = f"file:///project/{name}"
    engine.open(uri, text, language, 1)
    assert rule in {f.rule_id for f in engine.findings(uri)}  # the flow layer was asked
    document = engine.documents.get(uri)
    assert document is not None
    first = document.tree
    for version in range(2, 5):
        engine.change(uri, [TextChange(" ", (1, 0, 1, 0))], version)
        assert rule in {f.rule_id for f in engine.findings(uri)}
    assert sys.getrefcount(first) == 2  # ``first`` and getrefcount's argument: no one else


def test_answers_are_kept_within_a_run_and_dropped_after() -> None:
    data = b"text"
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    with run_scope():
        assert memoized(data, "k", compute) == 1
        assert memoized(data, "k", compute) == 1
        with run_scope():  # a nested run shares the outer one's answers
            assert memoized(data, "k", compute) == 1
        assert memoized(b"other text", "k", compute) == 2  # another text, another answer
    with run_scope():
        assert memoized(data, "k", compute) == 3
    assert memoized(data, "k", compute) == 4  # outside a run: nothing kept
    assert memoized(data, "k", compute) == 5


def test_per_text_answers_hold_only_the_latest_text() -> None:
    first, second = b"first text", b"second text"
    assert per_text(first, "n", lambda: len(first)) == len(first)
    assert per_text(first, "n", lambda: -1) == len(first)
    assert per_text(second, "n", lambda: len(second)) == len(second)
    assert per_text(first, "n", lambda: -1) == -1  # ``first`` was forgotten
