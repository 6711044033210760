"""Deeply nested and badly broken documents are analysed in bounded time: what cannot be
searched in time is left out, and the user is told once."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import TextChange
from peer_lsp.syntax.budget import MAX_DEPTH
from peer_lsp.syntax.unit import UnitKind

EVAL = "function run(code) {\n  return eval(code);\n}\n"
NESTING = MAX_DEPTH // 2 + 10  # an object and a pair per level
DEEP = "let x = " + "{a:" * NESTING + "1" + "}" * NESTING + ";\n"


def rule_ids(engine: Engine, uri: str) -> list[str]:
    return [f.rule_id for f in engine.findings(uri) if f.source.startswith("rule:")]


def test_rules_of_a_document_too_deep_to_search_are_off_and_the_user_is_told_once() -> None:
    engine = Engine()
    engine.open("file:///p/deep.js", EVAL + DEEP, "javascript", 1)
    engine.open("file:///p/plain.js", EVAL, "javascript", 1)

    notice = engine.rules_notice("file:///p/deep.js")
    assert notice is not None
    assert "deep.js" in notice
    assert "line 4" in notice
    assert engine.rules_notice("file:///p/deep.js") is None
    assert engine.rules_notice("file:///p/plain.js") is None
    assert rule_ids(engine, "file:///p/deep.js") == []
    assert "js-eval" in rule_ids(engine, "file:///p/plain.js")

    engine.change("file:///p/deep.js", [TextChange("\n", (0, 0, 0, 0))], 2)
    assert rule_ids(engine, "file:///p/deep.js") == []
    assert engine.rules_notice("file:///p/deep.js") is None

    engine.close("file:///p/deep.js")
    engine.open("file:///p/deep.js", EVAL, "javascript", 3)
    assert "js-eval" in rule_ids(engine, "file:///p/deep.js")
    assert engine.rules_notice("file:///p/deep.js") is None


def test_a_document_whose_units_cannot_be_searched_is_cut_into_chunks() -> None:
    engine = Engine()
    text = "def f(x):\n    return x\n\n\n" + "x = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"

    document = engine.open("file:///p/deep.py", text, "python", 1)
    assert {unit.kind for unit in document.units} == {UnitKind.CHUNK}

    engine.change("file:///p/deep.py", [TextChange("y = 1\n", (0, 0, 0, 0))], 2)
    assert {unit.kind for unit in document.units} == {UnitKind.CHUNK}
    assert document.units[0].text.startswith("y = 1")


def _analyse_in_a_child(language: str, text: str) -> list[list[str]]:
    """The messages of the findings after opening ``text`` and after each of three edits,
    computed in a child process that must finish within a minute (the analysis used to
    take several)."""
    script = textwrap.dedent(
        """
        import json, sys
        from peer_lsp.analysis.engine import Engine
        from peer_lsp.documents.store import TextChange
        language, text = json.load(sys.stdin)
        engine, uri = Engine(), "file:///p/broken." + language
        engine.open(uri, text, language, 1)
        seen = [[f.message for f in engine.findings(uri)]]
        for version, at in enumerate([(0, 0), (0, 5), (1, 0)], start=2):
            engine.change(uri, [TextChange(" ", (*at, *at))], version)
            seen.append([f.message for f in engine.findings(uri)])
        print(json.dumps(seen))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps([language, text]),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found: list[list[str]] = json.loads(done.stdout)
    return found


def test_a_document_of_40_000_unclosed_brackets_is_analysed_and_edited() -> None:
    # Walking its 40,000 top-level tokens with next_sibling took minutes.
    seen = _analyse_in_a_child("python", "x = " + "(" * 40_000 + "\n")

    assert len(seen) == 4
    assert all("'(' was never closed" in messages for messages in seen)


def test_a_syntax_error_nested_3000_levels_deep_is_reported() -> None:
    engine = Engine()
    text = "x = " + "[" * 3000 + ")" + "]" * 3000 + "\n"

    engine.open("file:///p/deep.py", text, "python", 1)

    found = [f for f in engine.findings("file:///p/deep.py") if f.rule_id == "syntax-error"]
    assert found
    assert all(f.span.start_line == 0 for f in found)


def test_rules_stopped_by_a_syntax_error_come_back_once_the_document_parses() -> None:
    """An unclosed bracket run too long to search stops the rules only while it lasts
    (typing one opening bracket too many in a large file must not cost its rules until it is
    reopened); the user is told each time they stop."""
    engine, uri = Engine(), "file:///p/typing.py"
    head = "def run(code):\n    return eval(code)\n\n\n"
    engine.open(uri, head + "x = " + "(" * 3000 + "\n", "python", 1)
    notice = engine.rules_notice(uri)
    assert notice is not None
    assert notice.endswith("its local rules are off until it parses again")
    assert rule_ids(engine, uri) == []
    document = engine.documents.get(uri)
    assert document is not None
    assert {unit.kind for unit in document.units} == {UnitKind.CHUNK}

    engine.change(uri, [TextChange("x = 1", (4, 0, 4, 3004))], 2)  # fixed: it parses
    assert "py-eval" in rule_ids(engine, uri)
    assert engine.rules_notice(uri) is None
    assert UnitKind.FUNCTION in {unit.kind for unit in document.units}

    engine.change(uri, [TextChange("(" * 3000, (4, 4, 4, 5))], 3)  # broken again
    assert rule_ids(engine, uri) == []
    assert engine.rules_notice(uri) is not None
