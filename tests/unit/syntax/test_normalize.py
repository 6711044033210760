"""The normalized hash reads alike what reformatters change without changing meaning (layout,
trailing commas, Python's and JavaScript's quote style), and never what changes meaning.

The reformatter is the real black, run on real code (stdlib modules) at two line lengths.
"""

from __future__ import annotations

import ast
import importlib.util
import io
import token
import tokenize
from pathlib import Path

import black
import pytest

from peer_lsp.documents.store import Document
from peer_lsp.syntax.unit import Unit

EXT = {"python": "py", "javascript": "js", "c": "c", "go": "go", "rust": "rs", "java": "java"}


def unit_hash(language: str, source: str) -> str:
    """The normalized hash of the one function in ``source``."""
    document = Document.open(f"file:///t.{EXT[language]}", source, language)
    (unit,) = [u for u in document.units if u.kind.value in {"function", "method"}]
    return unit.normalized_hash


def body(language: str, code: str) -> str:
    return {
        "python": f"def f():\n    {code}\n",
        "javascript": f"function f() {{\n  {code};\n}}\n",
        "c": f"int f(void) {{\n  {code};\n}}\n",
        "go": f"package p\n\nfunc f() {{\n\t{code}\n}}\n",
        "rust": f"fn f() {{\n    {code};\n}}\n",
        "java": f"class C {{\n  void f() {{\n    {code};\n  }}\n}}\n",
    }[language]


SAME = [
    ("python", "g(a, b,)", "g(\n        a,\n        b\n    )"),
    ("python", "x = [a, b,]", "x = [a, b]"),
    ("python", "x = {'k': 1, 'j': 2,}", 'x = {"k": 1, "j": 2}'),
    ("python", r"x = 'it\'s'", 'x = "it\'s"'),
    ("python", r'x = "say \"hi\""', "x = 'say \"hi\"'"),
    ("python", "x = U'a' 'b'", 'x = "a" "b"'),
    ("python", "x = F'{y}'", 'x = f"{y}"'),
    ("python", "return (\n        a + b\n    )", "return a + b"),
    ("python", "x = (\n        a if b else c\n    )", "x = a if b else c"),
    ("python", "x += (\n        a\n    )", "x += a"),
    ("python", "if (\n        a and b\n    ):\n        pass", "if a and b:\n        pass"),
    ("python", "(a, b) = c", "a, b = c"),
    ("python", "del (a, b)", "del a, b"),
    ("python", "x = (1,)", "x = 1,"),
    ("javascript", "g(a, b,)", "g(a, b)"),
    ("javascript", "x = ['a', 'b',]", 'x = ["a", "b"]'),
    ("c", "int a[] = {1, 2,}", "int a[] = {1, 2}"),
    ("go", "g(a, b,)", "g(a, b)"),
    ("rust", "g(a, b,)", "g(a, b)"),
]

DIFFERENT = [
    ("python", "x = 1,", "x = 1"),  # a tuple
    ("python", "x = (a,)", "x = (a)"),
    ("python", "x = y[a,]", "x = y[a]"),  # a tuple index
    ("python", "x = 'a b'", "x = 'ab'"),  # whitespace in a string is data
    ("python", "x = 'a'", "x = 'b'"),
    ("python", r"x = r'\''", 'x = "\'"'),  # a raw string keeps its backslash
    ("python", "x = '''a'''", "x = 'a' 'a'"),
    ("python", "x = b'a'", "x = 'a'"),
    ("python", "assert (a, 'm')", "assert a, 'm'"),  # a tuple, always true
    ("python", "print((a, b))", "print(a, b)"),
    ("python", "x = [(a, b)]", "x = [a, b]"),
    ("python", "x = y in (a, b)", "x = y in a, b"),
    ("python", "x = y == (a, b)", "x = y == a, b"),
    ("python", "x = ()", "x = "),
    ("python", "return ()", "return"),
    ("python", "x = (a)(b)", "x = a(b)(b)"),
    ("python", "g(a,)", "g((a,))"),
    ("javascript", "x = [a,,]", "x = [a,]"),  # a hole
    ("javascript", "x = `a`", "x = 'a'"),  # a template literal is not a quote
    ("javascript", "x = /(a,b,)/", "x = /(a,b)/"),  # a regular expression is data
    ("c", "F(a, b,)", "F(a, b)"),  # a macro's empty argument
    ("go", "x := 'a'", 'x := "a"'),  # a rune, not a string
    ("java", "char c = 'a'", 'String c = "a"'),
    ("rust", "let x = (a,)", "let x = (a)"),
]


def test_a_lone_parameters_trailing_comma_goes() -> None:
    assert unit_hash("python", "def f(\n    a,\n):\n    pass\n") == unit_hash(
        "python", "def f(a):\n    pass\n"
    )


@pytest.mark.parametrize(("language", "one", "other"), SAME)
def test_what_formatters_change_hashes_alike(language: str, one: str, other: str) -> None:
    assert unit_hash(language, body(language, one)) == unit_hash(language, body(language, other))


@pytest.mark.parametrize(("language", "one", "other"), DIFFERENT)
def test_what_changes_meaning_hashes_apart(language: str, one: str, other: str) -> None:
    assert unit_hash(language, body(language, one)) != unit_hash(language, body(language, other))


# black on real code


MODULES = ("textwrap", "shlex", "heapq", "csv", "string")


def meaning(source: str, first: int, last: int) -> list[object]:
    """The tokens of lines ``first``..``last`` (0-based) as Python reads them: strings by
    value, no comments or line breaks inside brackets, no trailing comma of two items."""
    tokens: list[object] = []
    items: list[int] = []  # commas directly in each open bracket
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if not first <= tok.start[0] - 1 <= last:
            continue
        if tok.type in {tokenize.COMMENT, tokenize.NL, token.ENDMARKER}:
            continue
        if tok.type == token.OP and tok.string in "([{":
            items.append(0)
        elif tok.type == token.OP and tok.string in ")]}":
            commas = items.pop() if items else 0
            if commas >= 2 and tokens and tokens[-1] == (token.OP, ","):
                tokens.pop()
        elif tok.type == token.OP and tok.string == "," and items:
            items[-1] += 1
        if tok.type == token.STRING and not tok.string.lower().startswith(("f", "rf", "fr")):
            prefix = tok.string[: tok.string.index(tok.string[-1])].lower().replace("u", "")
            tokens.append((token.STRING, prefix, ast.literal_eval(tok.string)))
        else:
            tokens.append((tok.type, tok.string))
    return tokens


def paired_units(source: str) -> dict[tuple[str, str, int], Unit]:
    document = Document.open("file:///m.py", source, "python")
    units: dict[tuple[str, str, int], Unit] = {}
    for unit in document.units:
        rank = sum(1 for k in units if k[:2] == (unit.kind.value, unit.qualified_name))
        units[(unit.kind.value, unit.qualified_name, rank)] = unit
    return units


@pytest.mark.parametrize("module", MODULES)
def test_black_at_40_columns_keeps_the_hash_of_units_it_only_rewraps(module: str) -> None:
    spec = importlib.util.find_spec(module)
    assert spec is not None
    assert spec.origin is not None
    original = Path(spec.origin).read_text(encoding="utf-8")
    narrow = black.format_str(original, mode=black.Mode(line_length=40))
    before, after = paired_units(original), paired_units(narrow)
    rewrapped = mismatched = 0
    paired = before.keys() & after.keys()
    kept = sum(before[i].normalized_hash == after[i].normalized_hash for i in paired)
    # Most units keep it even where black adds parentheses black can drop again.
    assert kept >= 0.75 * len(paired)
    for identity in paired:
        one, other = before[identity], after[identity]
        same_meaning = meaning(original, one.start_line, one.end_line) == meaning(
            narrow, other.start_line, other.end_line
        )
        if same_meaning:
            rewrapped += 1
            mismatched += one.normalized_hash != other.normalized_hash
    assert rewrapped >= 3  # the module has units black only rewraps or re-quotes
    assert mismatched == 0
