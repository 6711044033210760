"""Syntax errors in test files and fixtures: deliberately invalid test data (go/types' and the
Go parser's ``testdata``, tomllib's ``tests/data/invalid``) has its errors at open as hints
under ``testCode`` ``hint``, as its rule findings are; ``off`` drops them and ``normal``
keeps them errors, whether the file was opened with them or an edit brought them. A test
module's errors are errors."""

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


@pytest.mark.parametrize("test_code", ["hint", "off", "normal"])
def test_test_data_edited_shows_what_its_text_opened_shows(test_code: str) -> None:
    """Findings are those of the text, whatever the edits: an error typed into test data is
    a hint like those it had (none under ``off``), as a fresh open of the same text shows."""
    uri = "file:///p/pkg/parser/testdata/issue43190.go"
    settings = Settings(test_code=test_code)
    engine = Engine(settings)
    engine.open(uri, GO_TESTDATA, version=1)
    at_open = syntax(engine.findings(uri))
    engine.change(uri, [TextChange("\treturn (1\n", (5, 0, 6, 0))], 2)  # `return 1` -> `return (1`
    after = syntax(engine.findings(uri))

    fresh = Engine(settings)
    fresh.open(uri, GO_TESTDATA.replace("\treturn 1\n", "\treturn (1\n"), version=1)
    assert after == syntax(fresh.findings(uri))
    expected = {"hint": {Severity.HINT}, "off": set(), "normal": {Severity.ERROR}}[test_code]
    assert {severity for _, severity in after} == expected
    assert len(after) > len(at_open) or test_code == "off"
    engine.change(uri, [TextChange("\treturn 1\n", (5, 0, 6, 0))], 3)  # fixed again
    assert syntax(engine.findings(uri)) == at_open


def test_a_python_test_file_typed_broken_is_an_error() -> None:
    uri = "file:///p/tests/test_app.py"
    engine = Engine(Settings())
    engine.open(uri, "def test_x():\n    assert 1\n", version=1)
    assert syntax(engine.findings(uri)) == []
    engine.change(uri, [TextChange("    assert f(\n", (1, 0, 2, 0))], 2)
    assert {severity for _, severity in syntax(engine.findings(uri))} == {Severity.ERROR}
