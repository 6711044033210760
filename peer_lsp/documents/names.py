"""Names a fix introduces, and whether each resolves: the second check of a verified fix.

A fix that reparses can still be broken: `ast.literal_eval(text)` in a file that never
imports `ast` fails at run time, and fix-all would apply it without a word. So a fix is only
verified when every name it *introduces* resolves. A name is introduced when the new text
of the unit uses it as a reference and the old file never named it at all: names the file
already used (in the unit or anywhere else, bound or not) are not held against the fix, so
a file relying on globals we cannot see (star imports, JS globals, Go names from sibling
files, C macros) is not punished. An introduced name resolves when the new unit binds it (a
parameter, an assignment, a loop, `with`, `except` or `catch` target, a comprehension
variable, a nested definition, a local import) or the language provides it (its builtins).

What counts as a reference, a binding and a builtin is per language
(`peer_lsp.documents.name_rules`); so is which unresolved names we can be *sure* of. In a
language whose scope is not the file (Go packages, Java packages and superclasses, C
headers, Ruby methods), only what cannot come from outside the file is refused: a verifier
that refuses true fixes is worse than none. docs/confidence.md lists each language's policy.
"""

from __future__ import annotations

import typing

from peer_lsp.documents.name_rules import rules_for

if typing.TYPE_CHECKING:
    from collections.abc import Iterator

    from tree_sitter import Node, Tree

    from peer_lsp.documents.name_rules import NameRules


def unresolved_names(
    grammar: str, old_tree: Tree, new_tree: Tree, start: int, new_end: int
) -> list[str]:
    """Names the new text ``[start, new_end)`` of a unit introduces that resolve nowhere,
    in the order they first appear; empty for a grammar without name rules."""
    rules = rules_for(grammar)
    if rules is None or rules.open_file(old_tree.root_node):
        return []
    known = {
        _text(node)
        for node in _identifiers(old_tree.root_node, rules, opaque=False)
        if rules.is_reference(node) or rules.binds(node)
    }
    unit = _covering(new_tree.root_node, start, new_end)
    names = list(_identifiers(unit, rules, start, new_end))
    bound = {_text(n) for n in names if rules.binds(n)}
    missing: list[str] = []
    for node in names:
        text = _text(node)
        if text in known or text in bound or text in missing or text in rules.builtins:
            continue
        if rules.binds(node) or not rules.is_reference(node) or not rules.checked(node):
            continue
        if rules.resolves_outside(text, old_tree.root_node):
            continue
        missing.append(text)
    return missing


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _covering(root: Node, start: int, end: int) -> Node:
    """The smallest node holding ``[start, end)`` (the root when nothing smaller does)."""
    node = root.descendant_for_byte_range(start, max(start, end - 1))
    while node is not None and (node.start_byte > start or node.end_byte < end):
        node = node.parent
    return node or root


def _identifiers(
    node: Node, rules: NameRules, start: int = 0, end: int | None = None, *, opaque: bool = True
) -> Iterator[Node]:
    """Every name node under ``node`` (within ``[start, end)`` when given), in text order;
    ``opaque``: skip what the rules call opaque (a macro's tokens name nothing we can judge)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if end is not None and (current.end_byte <= start or current.start_byte >= end):
            continue
        if current.type in rules.identifier_types:
            yield current
            continue
        if opaque and current.type in rules.opaque:
            continue
        stack.extend(reversed(current.children))
