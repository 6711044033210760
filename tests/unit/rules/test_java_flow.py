"""java_flow on real parses: where the value of a sink's argument comes from inside a method."""

from __future__ import annotations

import typing

import pytest

from peer_lsp.rules import java_flow
from peer_lsp.rules.java_flow import Origin
from peer_lsp.syntax.languages import new_parser

if typing.TYPE_CHECKING:
    from tree_sitter import Node


def _argument_of_sink(body: str) -> tuple[Node, bytes]:
    """The first argument of the ``sink(...)`` call in a method with ``body``."""
    source = (
        "class A {\n"
        '  static final String TABLE = "users";\n'
        "  void m(String param, @RequestParam String web, int count) {\n"
        f"{body}\n"
        "  }\n"
        "}\n"
    ).encode()
    tree = new_parser("java").parse(source)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        name = node.child_by_field_name("name")
        if node.type == "method_invocation" and name is not None and name.text == b"sink":
            arguments = node.child_by_field_name("arguments")
            assert arguments is not None
            return arguments.named_children[0], source
        stack.extend(node.named_children)
    raise AssertionError("no sink(...) call")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('sink("SELECT 1");', Origin.LITERAL),
        ('String q = "SELECT * FROM " + TABLE; sink(q);', Origin.LITERAL),
        ('String q = "a"; q += "b"; sink(q);', Origin.LITERAL),
        ('String q = "a"; q += param; sink(q);', Origin.BUILT),
        ('String q = String.format("x %s", param); sink(q);', Origin.BUILT),
        (
            'StringBuilder b = new StringBuilder("x"); b.append("y"); sink(b.toString());',
            Origin.LITERAL,
        ),
        (
            'StringBuilder b = new StringBuilder("x"); b.append(param); sink(b.toString());',
            Origin.BUILT,
        ),
        ("sink(param);", Origin.INPUT),
        ('sink(request.getParameter("id"));', Origin.INPUT),
        ('String q = param; q = "fixed"; sink(q);', Origin.LITERAL),
        ('String q = "fixed"; if (count > 1) { q = param + "!"; } sink(q);', Origin.BUILT),
        ("sink(other.call());", Origin.UNKNOWN),
        ('sink("active = " + (param != null));', Origin.LITERAL),
    ],
)
def test_origin_follows_locals_to_their_values(body: str, expected: Origin) -> None:
    node, data = _argument_of_sink(body)
    assert java_flow.origin(node, data) is expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("sink(web);", True),
        ('String path = "/srv/" + web; sink(path);', True),
        ('sink(request.getHeader("X"));', True),
        ("sink(FilenameUtils.getName(web));", False),
        ("sink(param);", False),
        ("sink(String.valueOf(count));", False),
    ],
)
def test_from_request_follows_request_text(body: str, expected: bool) -> None:
    node, data = _argument_of_sink(body)
    assert java_flow.from_request(node, data) is expected
