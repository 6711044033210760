"""`peer: ignore[rule-id]` hides rule findings in every language, in the editor and in
`peer check` alike (one reading of the comments serves both)."""

from __future__ import annotations

import pytest

from peer_lsp.analysis.engine import Engine, analyse_text

# (grammar, file name, a line that fires the rule, the rule, the comment opener and closer)
CASES = [
    ("python", "x.py", "value = eval(source)", "py-eval", "#", ""),
    ("javascript", "x.js", "const value = eval(source);", "js-eval", "//", ""),
    ("typescript", "x.ts", "const value: number = eval(source);", "js-eval", "//", ""),
    ("tsx", "x.tsx", "const value = eval(source);", "js-eval", "//", ""),
    ("go", "x.go", "\tcfg.InsecureSkipVerify = true", "go-tls-unverified", "//", ""),
    ("java", "X.java", "    new ObjectInputStream(in);", "java-deserialization", "//", ""),
    ("c", "x.c", "    gets(line);", "c-gets", "/*", " */"),
    ("cpp", "x.cpp", "    gets(line);", "c-gets", "//", ""),
]

_WRAP = {
    "go": ("package main\n\nfunc f() {\n", "}\n"),
    "java": ("class X {\n  void f() throws Exception {\n", "  }\n}\n"),
    "c": ("void f(char *line) {\n", "}\n"),
    "cpp": ("void f(char *line) {\n", "}\n"),
}


def document(grammar: str, *lines: str) -> str:
    head, tail = _WRAP.get(grammar, ("", ""))
    return head + "".join(f"{line}\n" for line in lines) + tail


def rule_ids(name: str, text: str, grammar: str) -> list[str]:
    engine = Engine()
    engine.open(f"/project/{name}", text, grammar)
    return [f.rule_id for f in engine.findings(f"/project/{name}")]


@pytest.mark.parametrize(("grammar", "name", "line", "rule", "opener", "closer"), CASES)
def test_the_rule_fires_without_a_comment(
    grammar: str, name: str, line: str, rule: str, opener: str, closer: str
) -> None:
    assert rule in rule_ids(name, document(grammar, line), grammar)


@pytest.mark.parametrize(("grammar", "name", "line", "rule", "opener", "closer"), CASES)
def test_a_comment_on_the_same_line_hides_it(
    grammar: str, name: str, line: str, rule: str, opener: str, closer: str
) -> None:
    text = document(grammar, f"{line}  {opener} peer: ignore[{rule}]{closer}")
    assert rule not in rule_ids(name, text, grammar)


@pytest.mark.parametrize(("grammar", "name", "line", "rule", "opener", "closer"), CASES)
def test_a_comment_alone_on_the_line_above_hides_it(
    grammar: str, name: str, line: str, rule: str, opener: str, closer: str
) -> None:
    indent = line[: len(line) - len(line.lstrip())]
    text = document(grammar, f"{indent}{opener} peer: ignore[{rule}]{closer}", line)
    assert rule not in rule_ids(name, text, grammar)


@pytest.mark.parametrize(("grammar", "name", "line", "rule", "opener", "closer"), CASES)
def test_a_comment_naming_another_rule_does_not(
    grammar: str, name: str, line: str, rule: str, opener: str, closer: str
) -> None:
    text = document(grammar, f"{line}  {opener} peer: ignore[some-other-rule]{closer}")
    assert rule in rule_ids(name, text, grammar)


def test_peer_check_honours_the_same_comments() -> None:
    text = "value = eval(source)  # peer: ignore[py-eval]\nother = eval(source)\n"
    _, findings = analyse_text("/project/x.py", text)
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("py-eval", 1)]


def test_a_marker_inside_a_string_is_no_comment() -> None:
    text = 'value = eval(source + "# peer: ignore[py-eval]")\n'
    assert rule_ids("x.py", text, "python") == ["py-eval"]
