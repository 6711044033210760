"""Suppression comments: read alike in every language, never from inside a string."""

from __future__ import annotations

import pytest

from peer_lsp.analysis.suppress import (
    PREFIXES,
    comment_prefixes,
    is_suppressed,
    suppression_comment,
    suppressions,
)
from peer_lsp.documents.store import Document
from peer_lsp.findings.model import Category, Finding, Severity, Span
from peer_lsp.syntax.languages import known_grammars

# In each sample: `alpha` follows a standalone `peer: ignore[rule-x]`, `beta` carries a bare
# trailing `peer: ignore`, `gamma` holds the marker inside a string, and `delta` follows it.
SAMPLES: dict[str, tuple[str, str]] = {
    "python": (
        "a.py",
        """\
def f(q):
    # peer: ignore[rule-x]
    alpha(q)
    beta(q)  # peer: ignore
    gamma = "# peer: ignore"
    delta(gamma)
""",
    ),
    "javascript": (
        "a.js",
        """\
function f(q) {
  // peer: ignore[rule-x]
  alpha(q);
  beta(q); // peer: ignore
  const gamma = "// peer: ignore";
  delta(gamma);
}
""",
    ),
    "typescript": (
        "a.ts",
        """\
function f(q: string): void {
  /* peer: ignore[rule-x] */
  alpha(q);
  beta(q); // peer: ignore
  const gamma: string = '// peer: ignore';
  delta(gamma);
}
""",
    ),
    "tsx": (
        "a.tsx",
        """\
function F(q: string) {
  // peer: ignore[rule-x]
  alpha(q);
  beta(q); /* peer: ignore */
  const gamma = `// peer: ignore`;
  delta(gamma);
  return <div>{q}</div>;
}
""",
    ),
    "go": (
        "a.go",
        """\
package main

func f(q string) {
\t// peer: ignore[rule-x]
\talpha(q)
\tbeta(q) // peer: ignore
\tgamma := `// peer: ignore`
\tdelta(gamma)
}
""",
    ),
    "rust": (
        "a.rs",
        """\
fn f(q: &str) {
    // peer: ignore[rule-x]
    alpha(q);
    beta(q); // peer: ignore
    let gamma = r"// peer: ignore";
    delta(gamma);
}
""",
    ),
    "java": (
        "A.java",
        """\
class A {
    void f(String q) {
        // peer: ignore[rule-x]
        alpha(q);
        beta(q); // peer: ignore
        String gamma = "// peer: ignore";
        delta(gamma);
    }
}
""",
    ),
    "c": (
        "a.c",
        """\
void f(char *q) {
    /* peer: ignore[rule-x] */
    alpha(q);
    beta(q); // peer: ignore
    char *gamma = "// peer: ignore";
    delta(gamma);
}
""",
    ),
    "cpp": (
        "a.cpp",
        """\
void f(const std::string& q) {
    // peer: ignore[rule-x]
    alpha(q);
    beta(q); // peer: ignore
    std::string gamma = R"(// peer: ignore)";
    delta(gamma);
}
""",
    ),
    "csharp": (
        "A.cs",
        """\
class A {
    void F(string q) {
        // peer: ignore[rule-x]
        alpha(q);
        beta(q); // peer: ignore
        var gamma = @"// peer: ignore";
        delta(gamma);
    }
}
""",
    ),
    "ruby": (
        "a.rb",
        """\
def f(q)
  # peer: ignore[rule-x]
  alpha(q)
  beta(q) # peer: ignore
  gamma = "# peer: ignore"
  delta(gamma)
end
""",
    ),
    "php": (
        "a.php",
        """\
<?php
function f($q) {
    # peer: ignore[rule-x]
    alpha($q);
    beta($q); // peer: ignore
    $gamma = '# peer: ignore';
    delta($gamma);
}
""",
    ),
}

LANGUAGES = list(SAMPLES)


def open_sample(language: str, newline: str = "\n") -> Document:
    name, text = SAMPLES[language]
    return Document.open(f"file:///{name}", text.replace("\n", newline), language)


def finding_at(document: Document, token: str, rule_id: str = "rule-x") -> Finding:
    """A finding over the first occurrence of ``token``."""
    start = document.data.index(token.encode())
    end = start + len(token.encode())
    line = document.lines.line_of(start)
    return Finding(
        span=Span(start, end, line, line),
        severity=Severity.WARNING,
        category=Category.BUG,
        rule_id=rule_id,
        message="m",
        source="test",
        fingerprint="f",
    )


def hidden(document: Document, token: str, rule_id: str = "rule-x") -> bool:
    return is_suppressed(finding_at(document, token, rule_id), suppressions(document), document)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_comment_alone_above_hides_the_rules_it_names(language: str) -> None:
    document = open_sample(language)

    assert hidden(document, "alpha", "rule-x")
    assert hidden(document, "alpha", "RULE-X")
    assert not hidden(document, "alpha", "rule-y")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bare_comment_on_the_same_line_hides_every_rule(language: str) -> None:
    document = open_sample(language)

    assert hidden(document, "beta", "rule-x")
    assert hidden(document, "beta", "anything-else")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_marker_inside_a_string_hides_nothing(language: str) -> None:
    document = open_sample(language)

    assert not hidden(document, "gamma", "rule-x")
    assert not hidden(document, "delta", "rule-x")
    assert sorted(suppressions(document).by_line) == [
        document.lines.line_of(document.data.index(b"alpha")) - 1,
        document.lines.line_of(document.data.index(b"beta")),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_crlf_documents_read_the_same(language: str) -> None:
    document = open_sample(language, "\r\n")

    assert hidden(document, "alpha")
    assert hidden(document, "beta")
    assert not hidden(document, "gamma")
    assert not hidden(document, "delta")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_inserted_comment_hides_the_finding(language: str) -> None:
    document = open_sample(language)
    start = document.data.index(b"delta")
    line = document.lines.line_of(start)
    line_start = document.lines.line_start(line)
    indent = document.data[line_start:start].decode()
    comment = suppression_comment(document.grammar, "py-sql-format", indent)
    text = document.text
    edited = Document.open(
        document.uri, text[:line_start] + comment + "\n" + text[line_start:], language
    )

    assert hidden(edited, "delta", "py-sql-format")
    assert not hidden(edited, "delta", "other-rule")


def test_a_trailing_comment_does_not_reach_the_next_line() -> None:
    document = Document.open("file:///a.py", "x = 1  # peer: ignore\nalpha()\n", "python")

    assert hidden(document, "x = 1")
    assert not hidden(document, "alpha")


def test_a_comment_two_lines_above_does_not_reach() -> None:
    document = Document.open("file:///a.py", "# peer: ignore\n\nalpha()\n", "python")

    assert not hidden(document, "alpha")


@pytest.mark.parametrize(
    ("comment", "rule", "expected"),
    [
        pytest.param("# peer: ignore[a, rule-x ,b]", "rule-x", True, id="list"),
        pytest.param("# peer:ignore[rule-x]", "rule-x", True, id="no-space"),
        pytest.param("#peer: ignore", "rule-x", True, id="tight"),
        pytest.param("# peer: ignore[]", "rule-x", True, id="empty-brackets-mean-all"),
        pytest.param("# peer: ignored", "rule-x", False, id="other-word"),
        pytest.param("# peer: ignore-me", "rule-x", False, id="longer-word"),
        pytest.param("# note: peer: ignore", "rule-x", False, id="not-at-comment-start"),
        pytest.param("# peer: ignore[rule-y]  # peer: ignore[rule-x]", "rule-x", True, id="two"),
        pytest.param("# peer: ignore[rule-y]  # peer: ignore", "other", True, id="two-one-bare"),
    ],
)
def test_marker_forms(comment: str, rule: str, expected: bool) -> None:
    document = Document.open("file:///a.py", f"{comment}\nalpha()\n", "python")

    assert hidden(document, "alpha", rule) is expected


def test_text_inside_jsx_is_not_a_comment() -> None:
    text = "const v = (\n  <div>\n    // peer: ignore\n    {alpha()}\n  </div>\n);\n"
    document = Document.open("file:///a.tsx", text, "typescriptreact")

    assert not hidden(document, "alpha")


def test_a_python_docstring_is_not_a_comment() -> None:
    text = 'def f():\n    """\n    # peer: ignore\n    """\n    alpha()\n'
    document = Document.open("file:///a.py", text, "python")

    assert not suppressions(document)


@pytest.mark.parametrize(
    ("uri", "language", "text", "expected"),
    [
        pytest.param("file:///a.sql", "sql", "-- peer: ignore\nalpha;\n", True, id="sql"),
        pytest.param("file:///a.lua", "lua", "-- peer: ignore\nalpha()\n", True, id="lua"),
        pytest.param("file:///a.html", "html", "<!-- peer: ignore -->\n<p>alpha</p>\n", True),
        pytest.param("file:///a.md", "markdown", "<!-- peer: ignore -->\nalpha\n", True),
        pytest.param("file:///a.css", "css", "/* peer: ignore */\np { alpha: 1; }\n", True),
        pytest.param("file:///a.txt", "plaintext", "# peer: ignore\nalpha\n", True, id="txt"),
        pytest.param("file:///b.txt", "plaintext", 'x "# peer: ignore"\nalpha\n', False),
    ],
)
def test_other_comment_syntaxes(uri: str, language: str, text: str, expected: bool) -> None:
    document = Document.open(uri, text, language)

    assert hidden(document, "alpha") is expected


@pytest.mark.parametrize(
    ("grammar", "rule", "indent", "expected"),
    [
        ("python", "py-sql-format", "    ", "    # peer: ignore[py-sql-format]"),
        ("go", "", "\t", "\t// peer: ignore"),
        ("html", "x", "", "<!-- peer: ignore[x] -->"),
        ("css", "x", "  ", "  /* peer: ignore[x] */"),
        ("sql", "x", "", "-- peer: ignore[x]"),
        ("php", "x", "", "// peer: ignore[x]"),
        (None, "x", "", "# peer: ignore[x]"),
    ],
)
def test_suppression_comment(grammar: str | None, rule: str, indent: str, expected: str) -> None:
    assert suppression_comment(grammar, rule, indent) == expected


def test_the_prefix_table_names_only_real_grammars() -> None:
    assert set(PREFIXES) <= known_grammars()
    assert comment_prefixes("php") == ("//", "#", "/*")
    assert "#" in comment_prefixes("unknown-language")


def test_a_document_without_markers_has_no_suppressions() -> None:
    document = Document.open("file:///a.py", "def f():\n    return 'peer'\n", "python")

    assert not suppressions(document)
    assert not hidden(document, "return")
