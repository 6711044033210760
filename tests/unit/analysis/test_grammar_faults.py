"""Syntax errors that are not the code's, found on real code (issue 16, third round): a
template saved under its output's extension (pprof's ``common.css`` and ``common.js`` are Go
templates), a bare ``>`` in HTML text (difflib's expected output), a Dockerfile ``RUN [ ... ]``
shell test (Go's boringcrypto image) and a Makefile's ``$$(`` (CPython's). None is reported;
the same files with a real error typed into them still are."""

from __future__ import annotations

import pytest

from peer_lsp.analysis.engine import Engine, analyse_text
from peer_lsp.analysis.syntax_findings import syntax_findings
from peer_lsp.documents.store import Document, TextChange
from peer_lsp.findings.model import Category, Finding, Severity
from peer_lsp.settings.model import Settings


def errors(path: str, text: str) -> list[tuple[int, int, str]]:
    """(line, column, message) of every syntax error the grammar's findings keep."""
    document = Document.open(path, text, "")
    data = document.data
    return [
        (
            f.span.start_line,
            f.span.start_byte - data.rfind(b"\n", 0, f.span.start_byte) - 1,
            f.message,
        )
        for f in syntax_findings(document)
    ]


# A Go template saved as CSS (pprof's driver/html/common.css): a comment action at a block.
GO_TEMPLATE_CSS = """body {
  margin: 0;
}
{{/* Used to disable events when a modal dialog is displayed */}}
#dialog-overlay {
  display: none;
}
.dialog {
  {{/* Displayed centered horizontally near the top */}}
  display: none;
  position: fixed;
}
"""
# A Go template saved as JavaScript (pprof's common.js): a range action in an array.
GO_TEMPLATE_JS = """function viewer(baseUrl, nodes) {
  const sampleIDs = [{{range .SampleTypes}}'{{.}}', {{end}}];
  return sampleIDs;
}
"""
# A Jinja template saved as YAML is the same story, with a block tag.
JINJA_YAML = "services:\n{% for s in services %}\n  {{ s.name }}:\n    image: x\n{% endfor %}\n"


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("common.css", GO_TEMPLATE_CSS),
        ("common.js", GO_TEMPLATE_JS),
        ("compose.yaml", JINJA_YAML),
    ],
)
def test_a_template_gets_no_syntax_errors(path: str, text: str) -> None:
    document = Document.open(path, text, "")
    assert document.tree is not None
    assert document.tree.root_node.has_error
    assert errors(path, text) != []  # the grammar's errors, which the editor does not show
    assert syntax_shown(f"file:///p/{path}", text) == []


def syntax_shown(uri: str, text: str, *edits: TextChange) -> list[Finding]:
    """The syntax findings the editor shows for ``text`` opened, then after ``edits``."""
    engine = Engine(Settings())
    engine.open(uri, text, version=1)
    for version, edit in enumerate(edits, start=2):
        engine.change(uri, [edit], version)
    return [f for f in engine.findings(uri) if f.category is Category.SYNTAX]


def test_an_error_typed_into_a_template_is_shown() -> None:
    """Only the errors a template had when opened are its own: one typed later is the user's."""
    edit = TextChange("body { color: ; \n", (0, 0, 0, 0))
    assert syntax_shown("file:///p/common.css", GO_TEMPLATE_CSS, edit) != []


@pytest.mark.parametrize(
    ("path", "text"),
    [
        # a table-driven Go test, opened with an error inside one of its {{ }} rows
        (
            "grid_test.go",
            "package p\n\nvar cases = []struct{ a, b int }{{1, 2}, {3 )}, {5, 6}}\n"
            "var more = [][]int{{7, 8}}\n",
        ),
        # a JSX file opened with an error inside a style object
        (
            "view.jsx",
            "const A = () => <div style={{ color: 1 ) }}><p style={{ margin: 0 }} /></div>;\n",
        ),
    ],
)
def test_a_file_opened_with_an_error_inside_a_double_brace_literal_shows_it(
    path: str, text: str
) -> None:
    """Not a template: the error is the code's, and hiding it would hide the file's errors."""
    shown = syntax_shown(f"file:///p/{path}", text)
    assert shown
    assert all(f.severity is Severity.ERROR for f in shown)


@pytest.mark.parametrize(
    ("path", "text", "typed"),
    [
        # Go composite literals look like template actions: {{1, 2}, {3, 4}}
        (
            "grid.go",
            "package p\n\nvar a = [][]int{{1, 2}, {3, 4}}\nvar b = [][]int{{5, 6}}\n",
            TextChange(" )", (2, 19, 2, 19)),
        ),
        # and so does a JSX style object
        (
            "view.jsx",
            "const A = () => <div style={{ color: 1 }}><p style={{ margin: 0 }} /></div>;\n",
            TextChange(" )", (0, 37, 0, 37)),
        ),
    ],
)
def test_an_error_typed_into_a_double_brace_literal_is_shown(
    path: str, text: str, typed: TextChange
) -> None:
    assert syntax_shown(f"file:///p/{path}", text) == []
    shown = syntax_shown(f"file:///p/{path}", text, typed)
    assert shown
    assert all(f.severity is Severity.ERROR for f in shown)


def test_a_template_action_in_a_string_does_not_hide_a_real_error() -> None:
    """Mustache in a string parses; the error is elsewhere, so it stands."""
    text = 'const t = "{{name}} and {{other}}";\nconst x = (;\n'
    assert [line for line, _, _ in errors("view.js", text)] == [1]


def test_one_braced_pair_typed_in_javascript_is_an_error_not_a_template() -> None:
    assert errors("a.js", "const x = {{a}};\n") != []


def test_css_with_a_real_error_still_has_it() -> None:
    assert [
        line for line, _, _ in errors("site.css", "body {\n  margin: 0;\n\n.x { color: red; }\n")
    ]


HTML_BARE_GT = (
    '<table>\n<tr><td class="diff_header">></td><td nowrap="nowrap">x</td></tr>\n'
    "<tr><td>a > b, x->y</td></tr>\n</table>\n"
)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('<div class="a></div>\n', 0, 0),  # an attribute's quote never closed
        ("<p>a</p>\n<p <b>x</b>\n", 1, 0),  # a start tag never closed
        ("<p>a > b</p\n", 0, 11),  # an end tag never closed, after a bare '>'
    ],
)
def test_a_broken_html_tag_is_still_an_error(text: str, line: int, column: int) -> None:
    assert [(ln, col) for ln, col, _ in errors("page.html", text)][:1] == [(line, column)]


DOCKERFILE_TEST_COMMAND = """FROM ubuntu:20.04
RUN wget https://example.com/x.tar.xz
RUN [ "$(sha256sum x.tar.xz | awk '{print $1}')" = \\
        3b5fdf23274d4179c2077b5e8fa625d9debd7a390aac1d165b7e47234f648bb8 ]
RUN [ -f /etc/os-release ] && cat /etc/os-release
CMD ["/bin/bash", "-c", "echo"]
"""


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('FROM x\nCMD ["a", "b"\n', 1),  # an exec form never closed
        ("FROM x\nCMD [ \"a\", 'b' ]\n", 1),  # single quotes in an exec form
    ],
)
def test_a_broken_exec_form_is_still_an_error(text: str, line: int) -> None:
    assert [ln for ln, _, _ in errors("Dockerfile", text)][:1] == [line]


MAKEFILE_ESCAPED_DOLLAR = (
    "python-config: Misc/python-config.sh\n"
    "\tLC_ALL=C sed -e 's,\\$$(\\([A-Za-z0-9_]*\\)),\\$$\\{\\1\\},g' < $< >$@\n"
)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("expect.html", HTML_BARE_GT),  # a bare '>' in HTML text
        ("Dockerfile", DOCKERFILE_TEST_COMMAND),  # a shell command starting with '[ ... ]'
        ("Makefile", MAKEFILE_ESCAPED_DOLLAR),  # '$$(' is an escaped '$'
    ],
)
def test_valid_code_a_grammar_rejects_gets_no_error(path: str, text: str) -> None:
    document = Document.open(path, text, "")
    assert document.tree is not None
    assert document.tree.root_node.has_error
    assert errors(path, text) == []


def test_a_makefile_reference_with_an_odd_dollar_run_is_still_checked() -> None:
    """``$$$(`` is a literal ``$`` then a real reference: its error stands."""
    text = "a:\n\techo $$$(foo [x]) $(bar\n"
    assert errors("Makefile", text) != []


def test_an_error_typed_into_a_template_free_css_file_in_the_editor_is_shown() -> None:
    """The editor's path: the valid file has no error; one typed into it is reported."""
    uri = "file:///p/style.css"
    engine = Engine(Settings())
    engine.open(uri, "a {\n  color: red;\n}\n", version=1)
    assert [f for f in engine.findings(uri) if f.category is Category.SYNTAX] == []
    engine.change(uri, [TextChange("a {\n  color: red;\n", (0, 0, 0, 0))], 2)
    shown = [f for f in engine.findings(uri) if f.category is Category.SYNTAX]
    assert shown
    assert all(f.severity is Severity.ERROR for f in shown)


def test_check_reports_none_on_the_real_shapes() -> None:
    """`peer check`'s path (analyse_text) agrees with the grammar-level checks above."""
    for path, text in [
        ("common.css", GO_TEMPLATE_CSS),
        ("expect.html", HTML_BARE_GT),
        ("Dockerfile", DOCKERFILE_TEST_COMMAND),
        ("Makefile", MAKEFILE_ESCAPED_DOLLAR),
    ]:
        _, findings = analyse_text(path, text)
        assert [f for f in findings if f.category is Category.SYNTAX] == [], path
