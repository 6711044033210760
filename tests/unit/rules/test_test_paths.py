"""Test files and fixtures, by path (`peer_lsp.rules.test_paths`), and what ``testCode`` does
to the rule findings in them, through the engine the server and `peer check` share."""

from __future__ import annotations

import pytest

from peer_lsp.analysis.engine import Engine
from peer_lsp.findings.model import Severity
from peer_lsp.rules.test_paths import is_test_data_path, is_test_path
from peer_lsp.settings.model import Settings


@pytest.mark.parametrize(
    "path",
    [
        "/src/app/tests/helpers.py",
        "/src/app/test/support.py",
        "/src/app/test_login.py",
        "/src/app/login_test.py",
        "/src/app/conftest.py",
        "/go/src/net/http/server_test.go",
        "/go/src/image/png/testdata/fuzz.go",
        "/web/src/login.test.ts",
        "/web/src/login.spec.js",
        "/web/src/__tests__/login.js",
        "/web/src/__mocks__/fs.js",
        "/web/fixtures/page.js",
        "/proj/src/test/java/com/acme/LoginTest.java",
        "/proj/src/main/java/com/acme/LoginTests.java",
        "/proj/src/main/java/com/acme/LoginIT.java",
        "/proj/src/main/java/com/acme/TestLogin.java",
        "file:///home/me/proj/tests/test_app.py",
        "file:///home/me/proj/src/main%20dir/login_test.go",
        "C:\\proj\\tests\\helpers.py",
    ],
)
def test_test_paths(path: str) -> None:
    assert is_test_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "/src/app/login.py",
        "/src/app/testing.py",
        "/src/app/contest.py",
        "/go/src/testing/testing.go",
        "/go/src/net/http/server.go",
        "/tmp/pytest-of-me/pytest-3/test_login0/app.py",
        "/web/src/latest.js",
        "/web/src/test.js",
        "/proj/src/main/java/com/acme/Latest.java",
        "/proj/src/main/java/com/acme/Testimony.java",
        "/proj/src/main/java/com/acme/Contest.java",
        "file:///home/me/proj/src/app.py",
        "untitled:Untitled-1",
        "",
    ],
)
def test_not_test_paths(path: str) -> None:
    assert not is_test_path(path)


SOURCE = 'import os\n\nDB_PASSWORD = "hunter2-Xk9q"\n\n\ndef run(cmd):\n    return eval(cmd)\n'


def findings(path: str, test_code: str = "hint") -> list[tuple[str, Severity]]:
    engine = Engine(Settings(test_code=test_code))
    engine.open(path, SOURCE, "python")
    return [(f.rule_id, f.severity) for f in engine.findings(path)]


def test_ordinary_file_keeps_every_finding_at_its_severity() -> None:
    assert findings("/src/app/settings.py") == [
        ("py-hardcoded-secret", Severity.WARNING),
        ("py-eval", Severity.WARNING),
    ]


def test_test_file_shows_hints_without_hard_coded_secrets() -> None:
    assert findings("/src/app/tests/settings.py") == [("py-eval", Severity.HINT)]


def test_test_code_normal_checks_tests_like_other_files() -> None:
    assert findings("/src/app/tests/settings.py", "normal") == findings("/src/app/settings.py")


def test_test_code_off_leaves_tests_without_rule_findings() -> None:
    assert findings("/src/app/test_settings.py", "off") == []
    assert findings("/src/app/settings.py", "off") == findings("/src/app/settings.py")


def test_rule_severity_still_applies_outside_tests() -> None:
    engine = Engine(Settings(rule_severity={"py-eval": "error"}))
    for path in ("/src/app/x.py", "/src/app/x_test.py"):
        engine.open(path, SOURCE, "python")
    assert [f.severity for f in engine.findings("/src/app/x.py") if f.rule_id == "py-eval"] == [
        Severity.ERROR
    ]
    assert [f.severity for f in engine.findings("/src/app/x_test.py")] == [Severity.HINT]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/go/src/go/types/testdata/fixedbugs/issue43190.go", True),
        ("file:///p/web/__fixtures__/broken.js", True),
        ("/cpython/Lib/test/tokenizedata/badsyntax_3131.py", True),
        ("/cpython/Lib/test/test_tomllib/data/invalid/x.toml", True),
        ("/p/tests/test_app.py", False),  # a test module: code that should compile
        ("/p/pkg/parser_test.go", False),
        ("/p/pkg/testdata/helpers_test.go", False),  # named as a test, even among data
        ("/p/src/test/java/AppTest.java", False),
        ("/p/data/broken.py", False),  # a data folder outside tests is the project's own
        ("/p/src/metadata/model.py", False),
    ],
)
def test_test_data_is_what_tests_read_not_the_tests(path: str, expected: bool) -> None:
    assert is_test_data_path(path) is expected
