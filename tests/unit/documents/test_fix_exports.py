"""A verified fix keeps what its unit exports: a function's name and parameters, a class's
header (bases) and public members. A fix repairs a body for the callers it has."""

from __future__ import annotations

import pytest

from peer_lsp.documents.store import Document
from peer_lsp.documents.verify import Verdict, verify_fix
from peer_lsp.findings.model import TextEdit

EXTENSIONS = {"python": ".py", "javascript": ".js", "typescript": ".ts", "go": ".go",
              "java": ".java", "rust": ".rs", "c": ".c", "cpp": ".cpp", "php": ".php"}  # fmt: skip


def fix(language: str, source: str, name: str, old: str, new: str) -> Verdict:
    document = Document.open(f"file:///sample{EXTENSIONS[language]}", source, language)
    unit = next(u for u in document.units if u.name == name)
    start = document.data.index(old.encode(), unit.start_byte)
    return verify_fix(document, unit, [TextEdit(start, start + len(old.encode()), new)])


PY = "def load(path, items=[], *, strict=False):\n    return open(path).read()\n"


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("def load(", "def read(", "the fix renames or removes `load`"),
        ("path, items", "filename, items", "the fix changes the parameters of `load`"),
        ("strict=False", "strict", "the fix changes the parameters of `load`"),
        ("strict=False)", "strict=False, mode='r')", "the fix changes the parameters of `load`"),
        ("*, strict", "strict", "the fix changes the parameters of `load`"),
    ],
)
def test_a_python_fix_that_changes_the_signature_is_refused(
    old: str, new: str, reason: str
) -> None:
    assert fix("python", PY, "load", old, new) == Verdict(False, reason)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("items=[]", "items=None"),  # the classic mutable-default fix
        ("path, items", "path: str, items"),  # an annotation
        ("open(path).read()", "open(path, encoding='utf-8').read()"),
    ],
)
def test_a_python_fix_that_keeps_the_signature_is_accepted(old: str, new: str) -> None:
    assert fix("python", PY, "load", old, new).ok


CLASS = (
    "class Store(Base):\n"
    "    limit = 3\n\n"
    "    def get(self, key):\n        return self._data[key]\n\n"
    "    def _load(self):\n        return {}\n"
)


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("Store(Base)", "Store(Base, object)", "the fix changes the header (bases) of `Store`"),
        ("    def get(self, key):\n        return self._data[key]\n\n", "",
         "the fix changes the public members of `Store` (removes `get`)"),
        ("    limit = 3\n", "    limit = 3\n    size = 4\n",
         "the fix changes the public members of `Store` (adds `size`)"),
    ],
)  # fmt: skip
def test_a_class_fix_that_changes_its_header_or_public_members_is_refused(
    old: str, new: str, reason: str
) -> None:
    assert fix("python", CLASS, "Store", old, new) == Verdict(False, reason)


def test_a_class_fix_may_change_bodies_and_private_members() -> None:
    new = "    def _load(self):\n        return dict()\n\n    def _cache(self):\n        return {}"
    old = "    def _load(self):\n        return {}"
    assert fix("python", CLASS, "Store", old, new).ok
    assert fix("python", CLASS, "Store", "limit = 3", "limit = 4").ok


@pytest.mark.parametrize(
    ("language", "source", "name", "old", "refused", "accepted"),
    [
        ("javascript", "function f(a, b = 1) {\n  return a + b;\n}\n", "f",
         "b = 1", "b", "b = 2"),
        ("typescript", "function f(a: number, b?: number): number {\n  return a;\n}\n", "f",
         "b?: number", "b: number", "b?: number | undefined"),
        ("go", "package p\n\nfunc f(a int, b string) int {\n\treturn a\n}\n", "f",
         "b string", "b []byte", "b   string"),
        ("java", "class A {\n  int f(int a, String b) {\n    return a;\n  }\n}\n", "f",
         "String b", "char[] b", "String  b"),
        ("rust", "fn f(a: u8, b: &str) -> u8 {\n    a\n}\n", "f",
         "b: &str", "b: String", "b:&str"),
        ("c", "int f(int a, char *b) {\n    return a;\n}\n", "f",
         "char *b", "const char *b", "char * b"),
        ("php", "<?php\nfunction f($a, $b = 1) {\n    return $a;\n}\n", "f",
         "$b = 1", "$b", "$b = 2"),
    ],
)  # fmt: skip
def test_every_language_compares_parameter_lists(
    language: str, source: str, name: str, old: str, refused: str, accepted: str
) -> None:
    changed = fix(language, source, name, old, refused)
    assert changed == Verdict(False, f"the fix changes the parameters of `{name}`")
    assert fix(language, source, name, old, accepted).ok


@pytest.mark.parametrize(
    ("language", "source", "name", "old", "new"),
    [
        ("java", "class A extends B {\n  public int f() { return 1; }\n}\n", "A",
         "public int f() { return 1; }", "public int g() { return 1; }"),
        ("javascript", "class A {\n  get() { return 1; }\n}\n", "A", "get()", "fetch()"),
        ("go", "package p\n\ntype S struct {\n\tName string\n}\n", "S", "Name string",
         "Title string"),
    ],
)  # fmt: skip
def test_public_members_are_compared_in_java_javascript_and_go(
    language: str, source: str, name: str, old: str, new: str
) -> None:
    verdict = fix(language, source, name, old, new)
    assert not verdict.ok
    assert verdict.reason.startswith(f"the fix changes the public members of `{name}`")
