"""Syntax findings users can trust: the ``syntaxErrors`` policy per language.

Grammars report errors on code that compiles: tree-sitter-c cannot expand macros
(``EXPORT int add(...)``), tree-sitter-typescript misses some declaration forms. The sweep
over real code (bench/sweep.py, docs/syntax.md) measured how often; where it is often, only
errors an edit introduced are shown in the editor, and none in `peer check`.
"""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from peer_lsp.analysis.engine import Engine, analyse_text
from peer_lsp.analysis.syntax_findings import SETTING_CHOICES, SyntaxMode, syntax_mode
from peer_lsp.documents.store import TextChange
from peer_lsp.findings.model import Category, Finding
from peer_lsp.settings.model import SPECS, Settings
from peer_lsp.settings.options import resolve

# Valid C (gcc compiles it); the grammar sees `EXPORT int` as an error.
C_SOURCE = """#define EXPORT
EXPORT int add(int a, int b) { return a + b; }

int twice(int a) {
    return a * 2;
}
"""
TS_SOURCE = 'declare module "buffer" {\n    global {\n        interface B {}\n    }\n}\n'
PY_BROKEN = "def f(:\n    return 1\n"


def syntax(findings: list[Finding]) -> list[tuple[int, str]]:
    return [(f.span.start_line, f.message) for f in findings if f.category is Category.SYNTAX]


def opened(path: str, text: str, settings: Settings | None = None) -> Engine:
    engine = Engine(settings)
    engine.open(path, text, version=1)
    return engine


def test_the_grammar_errs_on_this_valid_c() -> None:
    """The premise of the other tests: with every error shown, the macro is one."""
    _, findings = analyse_text("add.c", C_SOURCE, Settings(syntax_errors="all"))
    assert syntax(findings) == [(1, "unexpected 'int'")]


@pytest.mark.parametrize(("path", "text"), [("add.c", C_SOURCE), ("buffer.d.ts", TS_SOURCE)])
def test_check_reports_no_grammar_error_on_valid_code_by_default(path: str, text: str) -> None:
    _, findings = analyse_text(path, text)
    assert syntax(findings) == []


def test_the_editor_shows_no_error_present_at_open() -> None:
    engine = opened("file:///add.c", C_SOURCE)
    assert syntax(engine.findings("file:///add.c")) == []


def test_an_error_an_edit_introduces_is_shown_and_goes_when_fixed() -> None:
    uri = "file:///add.c"
    engine = opened(uri, C_SOURCE)
    engine.change(uri, [TextChange("", (4, 15, 4, 16))], 2)  # `a * 2;` -> `a * ;`
    shown = syntax(engine.findings(uri))
    assert shown
    assert all(line == 4 for line, _ in shown)  # the macro's error stays hidden
    engine.change(uri, [TextChange("2", (4, 15, 4, 15))], 3)
    assert syntax(engine.findings(uri)) == []


def test_an_edit_elsewhere_does_not_reveal_the_error_present_at_open() -> None:
    uri = "file:///add.c"
    engine = opened(uri, C_SOURCE)
    engine.change(uri, [TextChange("/* moved */\n", (0, 0, 0, 0))], 2)  # shifts every line
    engine.change(uri, [TextChange("    int b = a;\n", (5, 0, 5, 0))], 3)
    assert syntax(engine.findings(uri)) == []


def test_an_unclosed_brace_is_shown_where_the_grammar_puts_it() -> None:
    """Typing ``{`` makes the grammar miss a ``}`` further down: the tree changed there."""
    uri = "file:///add.c"
    engine = opened(uri, C_SOURCE)
    engine.change(uri, [TextChange("    if (a) {\n", (4, 0, 4, 0))], 2)
    assert syntax(engine.findings(uri))


def test_python_keeps_every_syntax_error() -> None:
    _, findings = analyse_text("broken.py", PY_BROKEN)
    assert syntax(findings) == [(0, "missing ')'")]
    editor = opened("file:///broken.py", PY_BROKEN).findings("file:///broken.py")
    assert syntax(editor) == [(0, "missing ')'")]


def test_the_setting_turns_errors_on_and_off() -> None:
    _, every = analyse_text("add.c", C_SOURCE, Settings(syntax_errors="all"))
    _, none = analyse_text("broken.py", PY_BROKEN, Settings(syntax_errors="off"))
    _, introduced = analyse_text("broken.py", PY_BROKEN, Settings(syntax_errors="introduced"))
    assert syntax(every)
    assert syntax(none) == []
    assert syntax(introduced) == []


def test_a_settings_change_applies_to_open_documents() -> None:
    uri = "file:///add.c"
    engine = opened(uri, C_SOURCE)
    engine.settings = dataclasses.replace(engine.settings, syntax_errors="all")
    engine.reanalyse_all()
    assert syntax(engine.findings(uri)) == [(1, "unexpected 'int'")]
    engine.settings = dataclasses.replace(engine.settings, syntax_errors="auto")
    engine.reanalyse_all()
    assert syntax(engine.findings(uri)) == []


def test_language_defaults() -> None:
    assert syntax_mode("auto", "c") is SyntaxMode.INTRODUCED
    assert syntax_mode("auto", "rust") is SyntaxMode.INTRODUCED
    assert syntax_mode("auto", "python") is SyntaxMode.ALL
    assert syntax_mode("auto", None) is SyntaxMode.ALL
    assert syntax_mode("off", "python") is SyntaxMode.OFF


def test_the_setting_accepts_exactly_the_policy_choices() -> None:
    (spec,) = [s for s in SPECS if s.key == "syntaxErrors"]
    assert spec.choices == SETTING_CHOICES
    settings, problems = resolve({"syntaxErrors": "Introduced"})
    assert (settings.syntax_errors, problems) == ("introduced", [])
    settings, problems = resolve({"syntaxErrors": "some"})
    assert settings.syntax_errors == "auto"
    assert "auto, all, introduced, off" in problems[0].message


# Valid Python (CPython's own test_compile.py has it) that tree-sitter-python calls broken.
PY_VALID_THE_GRAMMAR_REFUSES = "def f():\n    (bar.\nbaz)\n"


def test_python_the_interpreter_accepts_gets_no_error_at_open() -> None:
    compile(PY_VALID_THE_GRAMMAR_REFUSES, "weird.py", "exec")  # valid Python
    assert syntax(analyse_text("weird.py", PY_VALID_THE_GRAMMAR_REFUSES)[1]) == []
    _, every = analyse_text("weird.py", PY_VALID_THE_GRAMMAR_REFUSES, Settings(syntax_errors="all"))
    assert syntax(every) != [], "'all' is every error the grammar finds"


def test_python_the_grammar_refuses_still_shows_errors_an_edit_brings() -> None:
    engine = opened("file:///weird.py", PY_VALID_THE_GRAMMAR_REFUSES)
    end = PY_VALID_THE_GRAMMAR_REFUSES.count("\n")
    engine.change("file:///weird.py", [TextChange("x = (\n", (end, 0, end, 0))], 2)
    assert [line for line, _ in syntax(engine.findings("file:///weird.py"))] == [end]


# Valid JavaScript (zod ships it) that tree-sitter-javascript calls broken.
JS_VALID_THE_GRAMMAR_REFUSES = "const a = 1;\nexport { a as function };\n"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


@needs_node
def test_javascript_node_accepts_gets_no_error_at_open() -> None:
    assert syntax(analyse_text("z.mjs", JS_VALID_THE_GRAMMAR_REFUSES)[1]) == []
    _, every = analyse_text("z.mjs", JS_VALID_THE_GRAMMAR_REFUSES, Settings(syntax_errors="all"))
    assert syntax(every) != [], "'all' is every error the grammar finds"


@needs_node
def test_javascript_node_refuses_keeps_its_errors() -> None:
    assert [line for line, _ in syntax(analyse_text("bad.js", "let x = (;\n")[1])] == [0]
