"""Which files are tests or test fixtures, by their path alone: where rule findings count less.

Test code builds dangerous values on purpose (a fixed password to log a fake user in, an
``eval`` of a literal, a tar archive the test itself made), and a scanner that reports it as
loudly as production code buries the real findings. `is_test_path` reads only the path of a
file (a POSIX path or a ``file://`` URI), never its text, so the decision is the same in the
editor and in `peer check`, and costs nothing:

- a folder named for tests or their data anywhere on the path: ``test``, ``tests``,
  ``__tests__``, ``testdata``, ``test-data``, ``fixtures``, ``__fixtures__``, ``__mocks__``,
  ``spec``, ``specs`` (which covers Maven's and Gradle's ``src/test/java``);
- a file named as test runners name tests: ``test_*.py``, ``*_test.py``, ``conftest.py``,
  ``tests.py``,
  ``*_test.go``, ``*.test.ts`` / ``*.spec.js`` (any extension), ``FooTest.java``,
  ``FooTests.kt``, ``FooIT.java``, ``TestFoo.java``.

Folder names must match exactly: ``test_foo0`` (a pytest temporary folder), ``testing`` (Go's
package) and ``latest`` do not make a test path. What the rules do with a test path is the
``testCode`` setting's business (`peer_lsp.rules.placement`).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

TEST_FOLDERS = frozenset(
    {
        "test", "tests", "__tests__", "testdata", "test-data", "test_data", "fixtures",
        "__fixtures__", "__mocks__", "spec", "specs",
    }
)  # fmt: skip
"""Folder names that hold tests or the data tests read."""

_TEST_FILE = re.compile(
    r"""
    ^test_[^/]*\.py$ | ^[^/]*_tests?\.py$ | ^(?:conftest|tests)\.py$  # pytest, Django
    | ^[^/]*_test\.go$                                        # go test
    | ^[^/]+\.(?:test|spec)\.[A-Za-z0-9]+$                    # jest, mocha, vitest, jasmine
    | ^[^/]*[a-z0-9](?:Tests?|IT)\.(?:java|kt|scala|groovy)$  # JUnit, by Surefire's names
    | ^Test[A-Z][^/]*\.(?:java|kt|scala|groovy)$
    """,
    re.VERBOSE,
)


def _path_of(uri: str) -> str:
    """The path part of a ``file://`` URI (decoded), or ``uri`` itself when it is a path."""
    if uri.startswith("file:"):
        return unquote(urlsplit(uri).path)
    return uri


def is_test_path(uri: str) -> bool:
    """Whether the file at ``uri`` (a path or a ``file://`` URI) is a test or a test fixture,
    by its folders' names and its own name (see the module docstring)."""
    parts = _path_of(uri).replace("\\", "/").split("/")
    if not parts:
        return False
    *folders, name = parts
    if any(folder in TEST_FOLDERS for folder in folders):
        return True
    return _TEST_FILE.match(name) is not None


TEST_DATA_FOLDERS = frozenset({"testdata", "test-data", "test_data", "fixtures", "__fixtures__"})
"""Folder names that hold what tests read, rather than tests."""


def is_test_data_path(uri: str) -> bool:
    """Whether the file at ``uri`` is data a test reads rather than a test: under a test data
    folder (`TEST_DATA_FOLDERS`, or a folder named ``*data`` inside a test folder, as
    ``Lib/test/tokenizedata``), and not itself named as test runners name tests. Such files
    may hold invalid code on purpose (a parser's or a type checker's test cases); a test
    module is code that should compile."""
    *folders, name = _path_of(uri).replace("\\", "/").split("/")
    if _TEST_FILE.match(name):
        return False
    in_tests = False
    for folder in folders:
        if folder in TEST_DATA_FOLDERS:
            return True
        if in_tests and folder.lower().endswith("data"):
            return True
        in_tests = in_tests or folder in TEST_FOLDERS
    return False
