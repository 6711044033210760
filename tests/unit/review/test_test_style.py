"""The project's test style, read from real layouts: small trees written here for every
framework, then real projects on this machine (installed packages' own tests, this
repository, Go's standard library when it is installed)."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from peer_lsp.review import test_style
from peer_lsp.review.test_style import detect_test_style, excerpt

REPO = Path(__file__).resolve().parents[3]
SITE = Path(sysconfig.get_paths()["purelib"])


def tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path: text) under ``root``; return root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


PYTEST_TEST = '''"""Tests of the mod module: a docstring the excerpt skips."""

import pytest

from pkg.mod import add


@pytest.mark.parametrize(("a", "b"), [(1, 2)])
def test_add(a, b):
    assert add(a, b) == a + b
'''

UNITTEST_TEST = """import unittest

from pkg import other


class OtherTest(unittest.TestCase):
    def test_it(self):
        self.assertEqual(other.f(), 1)
"""


# -- Python ---------------------------------------------------------------------------------------


def test_pytest_project_with_the_modules_own_test(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "pyproject.toml": "[tool.pytest.ini_options]\ntestpaths = ['tests']\n",
            "src/pkg/mod.py": "def add(a, b):\n    return a - b\n",
            "tests/test_mod.py": PYTEST_TEST,
            "tests/conftest.py": "import pytest\n",
        },
    )
    style = detect_test_style(root / "src/pkg/mod.py", "python", root=root)
    assert style.framework == "pytest"
    assert style.example_path == root / "tests/test_mod.py"
    assert style.suggested_path == root / "tests/test_mod.py"
    assert "pyproject.toml: configures pytest" in style.evidence
    assert "cases parametrized with @pytest.mark.parametrize" in style.notes
    assert "shared fixtures in conftest.py" in style.notes
    assert style.example_excerpt.startswith("import pytest\n")  # past the docstring
    assert "def test_add(a, b):" in style.example_excerpt


def test_unittest_classes_decide_even_when_pytest_runs_them(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "setup.cfg": "[tool:pytest]\naddopts = -q\n",
            "pkg/mod.py": "def f():\n    return 2\n",
            "tests/test_other.py": UNITTEST_TEST,
        },
    )
    style = detect_test_style(root / "pkg/mod.py", "python", root=root)
    assert style.framework == "unittest"
    assert "run by pytest" in style.notes
    assert style.example_path == root / "tests/test_other.py"
    assert style.suggested_path == root / "tests/test_mod.py"


def test_a_project_without_tests_gets_pytest_in_a_new_tests_folder(tmp_path: Path) -> None:
    root = tree(tmp_path, {"app/__init__.py": "def run():\n    pass\n"})
    style = detect_test_style(root / "app/__init__.py", "python", root=root)
    assert style.framework == "pytest"
    assert style.example_path is None
    assert style.example_excerpt == ""
    assert style.suggested_path == root / "tests/test_app.py"  # a package by its name
    assert "no existing test file was found" in style.notes


def test_the_test_folder_mirroring_the_source_is_preferred(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "pkg/llm/router.py": "def route():\n    pass\n",
            "tests/unit/analysis/test_engine.py": "def test_engine():\n    assert True\n",
            "tests/unit/llm/test_cache.py": "def test_cache():\n    assert True\n",
        },
    )
    style = detect_test_style(root / "pkg/llm/router.py", "python", root=root)
    assert style.example_path == root / "tests/unit/llm/test_cache.py"
    assert style.suggested_path == root / "tests/unit/llm/test_router.py"


def test_a_source_named_like_a_test_but_holding_none_is_no_example(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "pkg/test_style.py": "class TestStyle:\n    pass\n",  # a module, not a test
            "pkg/test_helpers.py": "def test_helper():\n    assert 1\n",
        },
    )
    style = detect_test_style(root / "pkg/test_style.py", "python", root=root)
    assert style.example_path == root / "pkg/test_helpers.py"


def test_a_file_that_must_not_leave_the_machine_is_never_the_example(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "pkg/mod.py": "x = 1\n",
            "tests/secrets/test_keys.py": "def test_keys():\n    assert 'sk-live'\n",
            "tests/test_z.py": "def test_z():\n    assert True\n",
        },
    )
    from peer_lsp.llm.send_exclude import is_excluded

    style = detect_test_style(
        root / "pkg/mod.py",
        "python",
        root=root,
        excluded=lambda path: is_excluded(str(path), root=root),
    )
    assert style.example_path == root / "tests/test_z.py"


def test_the_search_reads_a_bounded_number_of_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"tests/a/data_{n:03}.txt": "" for n in range(300)}
    files["tests/z/test_late.py"] = "def test_late():\n    assert True\n"
    root = tree(tmp_path, {"pkg/mod.py": "x = 1\n", **files})
    assert detect_test_style(root / "pkg/mod.py", "python", root=root).example_path is not None
    monkeypatch.setattr(test_style, "MAX_ENTRIES", 100)
    assert detect_test_style(root / "pkg/mod.py", "python", root=root).example_path is None


def test_without_a_root_the_search_stops_at_the_project_marker(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "tests/test_outside.py": "def test_outside():\n    assert True\n",
            "project/pyproject.toml": "[project]\nname = 'p'\n",
            "project/pkg/mod.py": "x = 1\n",
        },
    )
    style = detect_test_style(root / "project/pkg/mod.py", "python")
    assert style.example_path is None
    assert style.suggested_path == root / "project/tests/test_mod.py"


# -- JavaScript and TypeScript --------------------------------------------------------------------


VITEST = """import { describe, expect, it } from "vitest";
import { sum } from "./sum";

describe("sum", () => {
  it("adds", () => {
    expect(sum(1, 2)).toBe(3);
  });
});
"""


def test_vitest_from_the_example_beside_the_source(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "package.json": '{"type": "module", "devDependencies": {"jest": "^29"}}',
            "src/sum.ts": "export const sum = (a: number, b: number) => a - b;\n",
            "src/other.test.ts": VITEST,
        },
    )
    style = detect_test_style(root / "src/sum.ts", "typescript", root=root)
    assert style.framework == "vitest"  # the test's import wins over package.json
    assert style.evidence == ("other.test.ts: uses vitest",)
    assert style.suggested_path == root / "src/sum.test.ts"
    assert {"describe/it blocks", "expect() assertions", "ES module imports"} <= set(style.notes)


@pytest.mark.parametrize(
    ("files", "framework"),
    [
        pytest.param({"jest.config.js": "module.exports = {};"}, "jest", id="jest-config"),
        pytest.param({"vitest.config.ts": "export default {};"}, "vitest", id="vitest-config"),
        pytest.param({".mocharc.json": "{}"}, "mocha", id="mocharc"),
        pytest.param({"package.json": '{"jest": {}}'}, "jest", id="jest-key"),
        pytest.param(
            {"package.json": '{"devDependencies": {"mocha": "^10", "chai": "^4"}}'},
            "mocha",
            id="mocha-dependency",
        ),
        pytest.param(
            {"package.json": '{"scripts": {"test": "node --test test/"}}'},
            "node:test",
            id="node-test-script",
        ),
        pytest.param({"package.json": "not json"}, "node:test", id="broken-package-json"),
        pytest.param({}, "node:test", id="nothing"),
    ],
)
def test_js_framework_from_the_configuration(
    tmp_path: Path, files: dict[str, str], framework: str
) -> None:
    root = tree(tmp_path, {"lib/parse.js": "module.exports = 1;\n", **files})
    style = detect_test_style(root / "lib/parse.js", "javascript", root=root)
    assert style.framework == framework
    assert style.suggested_path == root / "lib/parse.test.js"


def test_js_tests_in_a_test_folder_with_spec_names(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "package.json": '{"devDependencies": {"mocha": "^10"}}',
            "lib/parse.js": "module.exports = 1;\n",
            "test/format.spec.js": "const assert = require('assert');\nit('x', () => {});\n",
        },
    )
    style = detect_test_style(root / "lib/parse.js", "javascript", root=root)
    assert style.framework == "mocha"
    assert style.suggested_path == root / "test/parse.spec.js"
    assert "CommonJS require()" in style.notes


def test_js_tests_in_dunder_tests_go_beside_the_source(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "src/ui/button.tsx": "export const Button = () => null;\n",
            "src/ui/__tests__/card.test.tsx": (
                "import { test } from '@jest/globals';\ntest('x', () => {});\n"
            ),
        },
    )
    style = detect_test_style(root / "src/ui/button.tsx", "tsx", root=root)
    assert style.framework == "jest"
    assert style.suggested_path == root / "src/ui/__tests__/button.test.tsx"


# -- Go -------------------------------------------------------------------------------------------

GO_TEST = """package calc_test

import (
\t"testing"

\t"github.com/stretchr/testify/assert"
)

func TestAdd(t *testing.T) {
\tfor _, tc := range []struct{ a, b, want int }{{1, 2, 3}} {
\t\tt.Run("", func(t *testing.T) { assert.Equal(t, tc.want, tc.a+tc.b) })
\t}
}
"""


def test_go_table_driven_with_testify_in_a_black_box_package(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "go.mod": "module example.com/calc\n",
            "calc/add.go": "package calc\n\nfunc Add(a, b int) int { return a - b }\n",
            "calc/sub_test.go": GO_TEST,
        },
    )
    style = detect_test_style(root / "calc/add.go", "go", root=root)
    assert style.framework == "Go testing package"
    assert style.suggested_path == root / "calc/add_test.go"
    assert style.example_path == root / "calc/sub_test.go"
    assert style.notes == (
        "table-driven: a loop over a slice of cases run with t.Run",
        "assertions with testify (assert/require)",
        "package calc_test",
    )


def test_go_without_tests_in_the_package_borrows_another_packages_style(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "go.mod": "module example.com/m\n",
            "a/a.go": "package a\n",
            "b/b_test.go": 'package b\n\nimport "testing"\n\nfunc TestB(t *testing.T) {}\n',
        },
    )
    style = detect_test_style(root / "a/a.go", "go", root=root)
    assert style.example_path == root / "b/b_test.go"
    assert style.suggested_path == root / "a/a_test.go"
    assert "package a" in style.notes


# -- Java -----------------------------------------------------------------------------------------


def test_java_maven_layout_with_junit_5_from_the_pom(tmp_path: Path) -> None:
    pom = "<project><dependency><artifactId>junit-jupiter</artifactId></dependency></project>"
    root = tree(
        tmp_path,
        {"pom.xml": pom, "src/main/java/com/acme/Parser.java": "package com.acme;\n"},
    )
    style = detect_test_style(root / "src/main/java/com/acme/Parser.java", "java", root=root)
    assert style.framework == "JUnit 5"
    assert style.evidence == ("pom.xml: depends on JUnit 5",)
    assert style.suggested_path == root / "src/test/java/com/acme/ParserTest.java"


def test_java_junit_4_from_an_existing_test(tmp_path: Path) -> None:
    junit4 = (
        "package com.acme;\n\nimport org.junit.Test;\nimport static org.junit.Assert.*;\n"
        "import org.mockito.Mockito;\n\npublic class LexerTest {\n  @Test public void x() {}\n}\n"
    )
    root = tree(
        tmp_path,
        {
            "build.gradle": "dependencies { testImplementation 'org.junit.jupiter:junit-jupiter' }",
            "src/main/java/com/acme/Parser.java": "package com.acme;\n",
            "src/test/java/com/acme/LexerTest.java": junit4,
        },
    )
    style = detect_test_style(root / "src/main/java/com/acme/Parser.java", "java", root=root)
    assert style.framework == "JUnit 4"  # what the tests import, over the build file
    assert "Mockito mocks" in style.notes
    assert style.example_path == root / "src/test/java/com/acme/LexerTest.java"


def test_java_testng_from_gradle(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {"build.gradle": "testImplementation 'org.testng:testng:7.8'", "Util.java": "class U {}"},
    )
    style = detect_test_style(root / "Util.java", "java", root=root)
    assert style.framework == "TestNG"
    assert style.suggested_path == root / "UtilTest.java"


# -- other languages, and the excerpt -------------------------------------------------------------


def test_other_languages_get_their_usual_framework_and_name(tmp_path: Path) -> None:
    root = tree(tmp_path, {"src/lib.rs": "fn f() {}\n", "x.c": "int f(void);\n"})
    rust = detect_test_style(root / "src/lib.rs", "rust", root=root)
    assert rust.framework.startswith("Rust's built-in test harness")
    assert rust.suggested_path == root / "tests/lib.rs"
    c = detect_test_style(root / "x.c", "c", root=root)
    assert c.framework == ""
    assert c.describe("c") == "the usual test framework for c"
    assert c.suggested_path == root / "tests/test_x.c"


def test_excerpt_skips_a_header_and_keeps_whole_lines() -> None:
    text = "// Copyright\n// License\n\npackage p\n" + "".join(f"// line {n}\n" for n in range(99))
    shown = excerpt(text)
    assert shown.startswith("package p\n")
    assert len(shown.splitlines()) == test_style.MAX_EXCERPT_LINES
    long = "\n".join("x" * 100 for _ in range(30))
    assert len(excerpt(long)) <= test_style.MAX_EXCERPT_CHARS
    assert all(line == "x" * 100 for line in excerpt(long).splitlines())


# -- real projects on this machine ----------------------------------------------------------------


def _installed(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not installed here")
    return path


@pytest.mark.parametrize(
    ("package", "module", "framework", "example"),
    [
        pytest.param(
            "jsonschema", "validators.py", "unittest", "tests/test_validators.py", id="jsonschema"
        ),
        pytest.param(
            "referencing", "jsonschema.py", "pytest", "tests/test_jsonschema.py", id="referencing"
        ),
    ],
)
def test_installed_packages_own_tests(
    package: str, module: str, framework: str, example: str
) -> None:
    root = _installed(SITE / package)
    style = detect_test_style(root / module, "python", root=root)
    assert style.framework == framework
    assert style.example_path == root / example
    assert style.suggested_path == root / example
    assert style.example_excerpt


def test_this_repository() -> None:
    style = detect_test_style(REPO / "peer_lsp/llm/router.py", "python", root=REPO)
    assert style.framework == "pytest"
    assert style.example_path == REPO / "tests/unit/llm/test_router.py"
    editor = detect_test_style(REPO / "editors/vscode/src/documents.ts", "typescript", root=REPO)
    assert editor.framework == "node:test"
    assert editor.suggested_path == REPO / "editors/vscode/test/documents.test.ts"


def test_go_standard_library() -> None:
    src = _installed(Path("/usr/share/go-1.19/src"))
    style = detect_test_style(src / "strings/strings.go", "go", root=src)
    assert style.example_path == src / "strings/strings_test.go"
    assert "package strings_test" in style.notes
    assert any(note.startswith("table-driven") for note in style.notes)
