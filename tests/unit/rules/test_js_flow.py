"""The JavaScript flow layer on real parsed code: where a sink's argument gets its value."""

from __future__ import annotations

import typing

import pytest

from peer_lsp.rules.js_flow import Origin, built_string, from_input, led_by_input, origin
from peer_lsp.syntax.languages import new_parser

if typing.TYPE_CHECKING:
    from tree_sitter import Node

SOURCE = b"""
function handler(req, res, param) {
  const fixed = "SELECT 1";
  const both = fixed + " FROM t";
  let grown = "SELECT * FROM t WHERE id = ";
  grown += req.query.id;
  const { name } = req.query;
  const url = "https://" + req.body.host;
  const pinned = "https://api.example.com/" + req.body.path;
  const clean = escapeHtml(req.query.text);
  for (const item of req.body.items) { use(item); }
  use(fixed); use(both); use(grown); use(name); use(url); use(pinned); use(clean);
  use(param); use(`${fixed}!`); use("a".concat(param));
}
const typed = ({ body }, res) => { const target = body.next; use(target); };
exports.handler = async (event) => { const raw = event["code"]; use(raw); };
"""


def _arguments() -> dict[str, Node]:
    tree = new_parser("javascript").parse(SOURCE)
    found: dict[str, Node] = {}
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "call_expression" and SOURCE[node.start_byte : node.end_byte].startswith(
            b"use("
        ):
            arguments = node.child_by_field_name("arguments")
            assert arguments is not None
            argument = arguments.named_children[0]
            found[SOURCE[argument.start_byte : argument.end_byte].decode()] = argument
        stack.extend(node.named_children)
    return found


ARGS = _arguments()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("fixed", Origin.LITERAL),
        ("both", Origin.LITERAL),
        ("`${fixed}!`", Origin.LITERAL),
        ("grown", Origin.BUILT),
        ("param", Origin.UNKNOWN),
        ("item", Origin.BUILT),
    ],
)
def test_origin(name: str, expected: Origin) -> None:
    assert origin(ARGS[name], SOURCE) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("grown", True),
        ("name", True),
        ("url", True),
        ("item", True),
        ("target", True),
        ("raw", True),
        ("fixed", False),
        ("clean", False),
        ("param", False),
    ],
)
def test_from_input(name: str, expected: bool) -> None:
    assert from_input(ARGS[name], SOURCE) is expected


@pytest.mark.parametrize(
    ("name", "expected"), [("url", True), ("target", True), ("pinned", False), ("grown", False)]
)
def test_led_by_input(name: str, expected: bool) -> None:
    assert led_by_input(ARGS[name], SOURCE) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("grown", True), ('"a".concat(param)', True), ("fixed", False), ("both", False)],
)
def test_built_string(name: str, expected: bool) -> None:
    assert built_string(ARGS[name], SOURCE) is expected
