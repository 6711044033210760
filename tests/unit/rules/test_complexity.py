"""Cyclomatic complexity from the tree: the number per language, and what the router gets."""

from __future__ import annotations

import pytest

from peer_lsp.documents.store import Document
from peer_lsp.rules.complexity import unit_complexity
from peer_lsp.syntax.unit import Unit

CASES = [
    pytest.param(
        "python",
        "x.py",
        "def f(a, b, items):\n"
        "    if a and b:\n"  # if, and
        "        return 1\n"
        "    elif a or b:\n"  # elif, or
        "        return 2\n"
        "    for item in items:\n"  # for
        "        while item:\n"  # while
        "            item -= 1\n"
        "    try:\n"
        "        pass\n"
        "    except ValueError:\n"  # except
        "        pass\n"
        "    value = 1 if a else 2\n"  # conditional expression
        "    return [i for i in items if i]\n",  # for, if
        11,
        id="python",
    ),
    pytest.param(
        "javascript",
        "x.js",
        "function f(a, b, items) {\n"
        "  if (a && b) { return 1; } else if (a || b) { return 2; }\n"  # if, &&, if, ||
        "  for (const i of items) { while (i) { break; } }\n"  # for-of, while
        "  try { g(); } catch (e) { h(); }\n"  # catch
        "  switch (a) { case 1: break; case 2: break; default: break; }\n"  # 2 cases
        "  return a ?? (b ? 1 : 2);\n"  # ??, ternary
        "}\n",
        12,
        id="javascript",
    ),
    pytest.param(
        "go",
        "x.go",
        "package p\n\nfunc f(a, b bool, xs []int) int {\n"
        "\tif a && b {\n\t\treturn 1\n\t}\n"  # if, &&
        "\tfor range xs {\n\t}\n"  # for
        "\tswitch {\n\tcase a || b:\n\t\treturn 2\n\tdefault:\n\t\treturn 3\n\t}\n"  # case, ||
        "}\n",
        6,
        id="go",
    ),
    pytest.param(
        "java",
        "X.java",
        "class X {\n  int f(boolean a, boolean b, int[] xs) {\n"
        "    if (a || b) { return 1; }\n"  # if, ||
        "    for (int x : xs) { while (a) { a = false; } }\n"  # for, while
        "    try { g(); } catch (Exception e) { }\n"  # catch
        "    switch (xs.length) { case 1: return 2; default: return a ? 3 : 4; }\n"  # case, ?:
        "  }\n}\n",
        8,
        id="java",
    ),
    pytest.param(
        "c",
        "x.c",
        "int f(int a, int b) {\n"
        "    if (a && b) { return 1; }\n"  # if, &&
        "    while (a) { a--; }\n"  # while
        "    do { b--; } while (b > 0);\n"  # do
        "    switch (a) { case 1: return 2; default: return 3; }\n"  # case
        "    return a ? 1 : 0;\n"  # ?:
        "}\n",
        7,
        id="c",
    ),
    pytest.param(
        "cpp",
        "x.cpp",
        "int f(std::vector<int> xs) {\n"
        "    for (int x : xs) { if (x) { return x; } }\n"  # range for, if
        "    try { g(); } catch (...) { return 0; }\n"  # catch
        "    return 1;\n"
        "}\n",
        4,
        id="cpp",
    ),
]


def only_unit(document: Document) -> Unit:
    (unit,) = [u for u in document.units if u.name == "f"]
    return unit


@pytest.mark.parametrize(("grammar", "name", "text", "expected"), CASES)
def test_decision_points_per_language(grammar: str, name: str, text: str, expected: int) -> None:
    document = Document.open(f"/p/{name}", text, grammar)
    assert unit_complexity(document, only_unit(document)) == expected


def test_the_router_counts_nested_functions_the_rule_does_not() -> None:
    inner = "".join(f"        if y == {i}:\n            return {i}\n" for i in range(3))
    text = f"def f(x):\n    def g(y):\n{inner}        return 0\n    if x:\n        return g(x)\n"
    document = Document.open("/p/x.py", text)
    assert unit_complexity(document, only_unit(document)) == 5  # 1 + 3 (g) + 1


def test_no_complexity_for_languages_without_a_query() -> None:
    document = Document.open("/p/x.rb", "def f(x)\n  x ? 1 : 2\nend\n")
    assert all(unit_complexity(document, unit) == 0 for unit in document.units)
