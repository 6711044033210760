"""The Go value follower (`peer_lsp.rules.go_flow`) on small real Go functions: where the
value of a sink's argument comes from, its constant text, and what it is computed from."""

from __future__ import annotations

import typing

import pytest

from peer_lsp.rules.go_flow import Origin, depends_on, origin, request_names, text_prefixes
from peer_lsp.syntax.languages import new_parser

if typing.TYPE_CHECKING:
    from tree_sitter import Node


def _sink_argument(body: str, top: str = "") -> tuple[Node, bytes]:
    """The first argument of the ``sink(...)`` call in a function with ``body``."""
    source = f"package p\n\n{top}\nfunc f(r *http.Request, param string) {{\n{body}\n}}\n"
    data = source.encode()
    tree = new_parser("go").parse(data)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        function = node.child_by_field_name("function")
        if node.type == "call_expression" and function is not None and function.text == b"sink":
            arguments = node.child_by_field_name("arguments")
            assert arguments is not None
            return arguments.named_children[0], data
        stack.extend(reversed(node.named_children))
    raise AssertionError("no sink(...) call")


@pytest.mark.parametrize(
    ("body", "top", "expected"),
    [
        ('q := "SELECT 1"\n\tsink(q)', "", Origin.CONSTANT),
        ('q := "a"\n\tq += "b"\n\tsink(q)', "", Origin.CONSTANT),
        ('q := "SELECT " + param\n\tsink(q)', "", Origin.BUILT),
        ('q := "SELECT "\n\tq += param\n\tsink(q)', "", Origin.BUILT),
        ("sink(param)", "", Origin.INPUT),
        ("sink(table)", 'const table = "users"', Origin.CONSTANT),
        ('sink(fmt.Sprintf("id = %d", param))', "", Origin.CONSTANT),
        ('sink(fmt.Sprintf("name = %s", param))', "", Origin.BUILT),
        ('n, _ := strconv.Atoi(param)\n\tsink("x" + strconv.Itoa(n))', "", Origin.CONSTANT),
        ('sink(strings.Join([]string{"a", param}, ","))', "", Origin.BUILT),
        (
            'var b strings.Builder\n\tb.WriteString("a")\n\tb.WriteString(param)\n'
            "\tsink(b.String())",
            "",
            Origin.BUILT,
        ),
        ('var b strings.Builder\n\tb.WriteString("a")\n\tsink(b.String())', "", Origin.CONSTANT),
        ('q := "x"\n\t{\n\t\tq := param\n\t\t_ = q\n\t}\n\tsink(q)', "", Origin.CONSTANT),
        ('q := "x" + param\n\tsink(q == "y")', "", Origin.CONSTANT),
    ],
)
def test_origin_of_a_sink_argument(body: str, top: str, expected: Origin) -> None:
    node, data = _sink_argument(body, top)
    assert origin(node, data) is expected


def test_text_prefixes_follow_branches_and_formats() -> None:
    body = (
        'u := ""\n\tif param != "" {\n\t\tu = fmt.Sprintf("https://%s/x", param)\n\t}'
        ' else {\n\t\tu = "https://fixed.example/" + param\n\t}\n\tsink(u)'
    )
    node, data = _sink_argument(body)
    assert sorted(text_prefixes(node, data)) == ["https://", "https://fixed.example/"]


def test_depends_on_the_request_through_locals() -> None:
    node, data = _sink_argument('v := r.URL.Query().Get("u")\n\tw := "x" + v\n\tsink(w)')
    names = request_names(node, data)
    assert names == frozenset({"r"})
    assert depends_on(node, names, data)
    other, data = _sink_argument('w := "x" + param\n\tsink(w)')
    assert not depends_on(other, names, data)
