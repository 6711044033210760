"""Syntax errors as findings: tree-sitter's ERROR and MISSING nodes, in readable words."""

from __future__ import annotations

import typing

from peer_lsp.analysis.findings import Category, Finding, Occurrences, Severity, Span, fingerprint
from peer_lsp.syntax.errors import error_nodes

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from tree_sitter import Node

    from peer_lsp.documents.store import Document

RULE_ID = "syntax-error"
MAX_SYNTAX_FINDINGS = 50
_MAX_TOKEN = 24


def _leaves(node: Node, limit: int = 256) -> list[Node]:
    """The first ``limit`` tokens under ``node``."""
    found: list[Node] = []
    stack = [node]
    while stack and len(found) < limit:
        current = stack.pop()
        if current.child_count == 0:
            found.append(current)
        else:
            stack.extend(reversed(current.children))
    return found


_CLOSERS = {"(": ")", "[": "]", "{": "}"}


def _unclosed_bracket(tokens: Sequence[Node]) -> Node | None:
    open_tokens: list[Node] = []
    for token in tokens:
        if token.type in _CLOSERS:
            open_tokens.append(token)
        elif open_tokens and token.type == _CLOSERS[open_tokens[-1].type]:
            open_tokens.pop()
    return open_tokens[0] if open_tokens else None


def _quote(data: bytes, start: int, end: int) -> str:
    text = data[start:end].decode("utf-8", "replace").strip()
    text = text.splitlines()[0] if text else ""
    if len(text) > _MAX_TOKEN:
        text = text[: _MAX_TOKEN - 1] + "…"
    return text


def describe(node: Node, data: bytes) -> tuple[str, int, int]:
    """Message and byte range for an ERROR or MISSING node.

    A MISSING node names what was expected; an ERROR node is described by a bracket it
    left open, or else by its first token.
    """
    if node.is_missing:
        label = node.type.replace("_", " ") if node.is_named else f"'{node.type}'"
        return f"missing {label}", node.start_byte, node.end_byte
    tokens = _leaves(node)
    bracket = _unclosed_bracket(tokens)
    if bracket is not None:
        return f"'{bracket.type}' was never closed", bracket.start_byte, bracket.end_byte
    first = tokens[0] if tokens else node
    text = _quote(data, first.start_byte, first.end_byte)
    if not text:
        return "syntax error", node.start_byte, node.end_byte
    return f"unexpected '{text}'", first.start_byte, first.end_byte


def syntax_findings(document: Document) -> list[Finding]:
    """Findings for every syntax error in the document (at most ``MAX_SYNTAX_FINDINGS``);
    the same error twice in one unit is two findings with two fingerprints."""
    tree = document.tree
    if tree is None or not tree.root_node.has_error:
        return []
    data = document.data
    findings: list[Finding] = []
    occurrences = Occurrences()
    for node in error_nodes(tree.root_node):
        message, start, end = describe(node, data)
        unit = document.unit_index.innermost(start, end)
        unit_name = unit.qualified_name if unit else ""
        excerpt = f"{message}\0" + data[node.start_byte : node.end_byte].decode("utf-8", "replace")
        occurrence = occurrences.next(RULE_ID, unit_name, excerpt)
        findings.append(
            Finding(
                span=Span(start, end, document.lines.line_of(start), document.lines.line_of(end)),
                severity=Severity.ERROR,
                category=Category.SYNTAX,
                rule_id=RULE_ID,
                message=message,
                source="syntax",
                fingerprint=fingerprint(RULE_ID, unit_name, excerpt, occurrence),
                unit_hash=unit.exact_hash if unit else "",
                unit_name=unit_name,
            )
        )
        if len(findings) >= MAX_SYNTAX_FINDINGS:
            break
    return findings
