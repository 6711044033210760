"""Syntax errors in test files and fixtures: deliberately invalid test data (go/types' and the
Go parser's ``testdata``, tomllib's ``tests/data/invalid``) has its errors at open as hints
under ``testCode`` ``hint``, as its rule findings are; ``off`` drops them and ``normal``
keeps them errors. A test module's errors are errors, and so is an error typed into a test
file in the editor."""

from __future__ import annotations

import pytest

from peer_lsp.analysis.engine import Engine, analyse_text
from peer_lsp.documents.store import TextChange
from peer_lsp.findings.model import Category, Finding, Severity
from peer_lsp.settings.model import Settings

# go/types' testdata/fixedbugs/issue43190.go in spirit: an import spec the parser must reject,
# which the file says it expects in an ERROR comment.
GO_TESTDATA = """package p

import ; // ERROR missing import path

func f() int {
\treturn 1
}
"""
GO_PATH = "src/go/types/testdata/fixedbugs/issue43190.go"
TOML_INVALID = 'a = "unclosed\n'


def syntax(findings: list[Finding]) -> list[tuple[int, Severity]]:
    return [(f.span.start_line, f.severity) for f in findings if f.category is Category.SYNTAX]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (GO_PATH, GO_TESTDATA),
        ("Lib/test/test_tomllib/data/invalid/unclosed-string.toml", TOML_INVALID),
        ("pkg/parser/fixtures/broken.go", GO_TESTDATA),
        ("Lib/test/tokenizedata/badsyntax_3131.py", "\u20ac = 2\n"),
    ],
)
def test_check_reports_deliberately_invalid_test_data_as_hints(path: str, text: str) -> None:
    found = syntax(analyse_text(path, text)[1])
    assert found
    assert {severity for _, severity in found} == {Severity.HINT}


@pytest.mark.parametrize(
    "path",
    [
        "src/go/types/issue43190.go",  # not a test path at all
        "pkg/parser/parser_test.go",  # a test module: code that should compile
        "tests/test_app.py",
        "src/test/java/AppTest.java",
        "pkg/testdata/helpers_test.go",  # named as a test even among test data
    ],
)
def test_the_same_errors_in_code_or_in_a_test_module_are_errors(path: str) -> None:
    """A broken test module is a real error: as a hint, `peer check` would let it pass."""
    text = GO_TESTDATA if path.endswith(".go") else "def f(:\n    pass\n"
    if path.endswith(".java"):
        text = "class AppTest { void f( }\n"
    found = syntax(analyse_text(path, text)[1])
    assert found
    assert {severity for _, severity in found} == {Severity.ERROR}


@pytest.mark.parametrize(
    ("test_code", "expected"), [("normal", Severity.ERROR), ("off", None), ("hint", Severity.HINT)]
)
def test_the_test_code_setting_decides(test_code: str, expected: Severity | None) -> None:
    found = syntax(analyse_text(GO_PATH, GO_TESTDATA, Settings(test_code=test_code))[1])
    assert {severity for _, severity in found} == ({expected} if expected else set())


@pytest.mark.parametrize("test_code", ["hint", "off"])
def test_an_error_typed_into_a_test_file_is_an_error(test_code: str) -> None:
    uri = "file:///p/pkg/parser/testdata/issue43190.go"
    engine = Engine(Settings(test_code=test_code))
    engine.open(uri, GO_TESTDATA, version=1)
    at_open = syntax(engine.findings(uri))
    assert all(severity is Severity.HINT for _, severity in at_open)
    engine.change(uri, [TextChange("\treturn (1\n", (5, 0, 6, 0))], 2)  # `return 1` -> `return (1`
    after = syntax(engine.findings(uri))
    assert (5, Severity.ERROR) in after or (6, Severity.ERROR) in after
    assert [line for line, severity in after if severity is Severity.HINT] == [
        line for line, _ in at_open if test_code == "hint"
    ]
    engine.change(uri, [TextChange("\treturn 1\n", (5, 0, 6, 0))], 3)  # fixed again
    assert syntax(engine.findings(uri)) == at_open


def test_a_python_test_file_typed_broken_is_an_error() -> None:
    uri = "file:///p/tests/test_app.py"
    engine = Engine(Settings())
    engine.open(uri, "def test_x():\n    assert 1\n", version=1)
    assert syntax(engine.findings(uri)) == []
    engine.change(uri, [TextChange("    assert f(\n", (1, 0, 2, 0))], 2)
    assert {severity for _, severity in syntax(engine.findings(uri))} == {Severity.ERROR}
