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
language whose scope is not the file (Go packages, Java packages and superclasses, C#
namespaces and partial classes, C headers, Ruby methods), only what cannot come from outside
the file is refused: a verifier that refuses true fixes is worse than none.
docs/confidence.md lists each language's policy.
"""

from __future__ import annotations

import re
import typing

from peer_lsp.documents.name_rules import rules_for

if typing.TYPE_CHECKING:
    from collections.abc import Iterator

    from tree_sitter import Node, Tree

    from peer_lsp.documents.name_rules import NameRules


def unresolved_names(
    grammar: str, old: tuple[Tree, bytes], new: tuple[Tree, bytes], start: int, new_end: int
) -> list[str]:
    """Names the new text ``[start, new_end)`` of a unit introduces that resolve nowhere,
    in the order they first appear; empty for a grammar without name rules. ``old`` and
    ``new`` are the document's tree and bytes before and after the fix."""
    rules = rules_for(grammar)
    if rules is None:
        return []
    (old_tree, old_data), (new_tree, new_data) = old, new
    unit = _covering(new_tree.root_node, start, new_end)
    names = list(_identifiers(unit, rules, start, new_end))
    bound = {_text(new_data, n) for n in names if rules.binds(n)}
    candidates: list[str] = []
    for node in names:
        text = _text(new_data, node)
        if text in bound or text in candidates or text in rules.builtins:
            continue
        if rules.is_reference(node) and rules.checked(node):
            candidates.append(text)
    # Names the old unit used cost a walk of the unit; the others one search of the old
    # text, and a walk of the whole old tree only for those it holds as words.
    if not candidates:
        return []
    old_end = new_end - (len(new_data) - len(old_data))
    old_unit = _covering(old_tree.root_node, start, old_end)
    known = _named_in(old_unit, old_data, rules, set(candidates), (start, old_end))
    present = {t for t in candidates if t not in known and _holds_word(old_data, t)}
    if present:
        known |= _named_in(old_tree.root_node, old_data, rules, present)
    missing = [text for text in candidates if text not in known]
    if not missing or rules.open_file(new_tree.root_node):
        return []
    return [text for text in missing if not rules.resolves_outside(text, new_tree.root_node)]


def _holds_word(data: bytes, text: str) -> bool:
    """Whether ``text`` occurs in ``data`` as a whole word."""
    word = re.escape(text.encode("utf-8"))
    return re.search(rb"(?<![\w$])" + word + rb"(?![\w$])", data) is not None


def _named_in(
    root: Node, data: bytes, rules: NameRules, wanted: set[str], span: tuple[int, int] = (0, -1)
) -> set[str]:
    """Those of ``wanted`` used as a name (a reference or a binding, not an attribute)
    under ``root`` (within ``span`` when it ends), macro tokens included."""
    found: set[str] = set()
    end = span[1] if span[1] >= 0 else None
    for node in _identifiers(root, rules, span[0], end, opaque=False):
        text = _text(data, node)
        if text in wanted and text not in found and (rules.is_reference(node) or rules.binds(node)):
            found.add(text)
            if found == wanted:
                break
    return found


def _text(data: bytes, node: Node) -> str:
    """A node's text, read from the bytes (a tree parsed through a callback has none)."""
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


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
