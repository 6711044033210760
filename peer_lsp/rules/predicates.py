"""What queries cannot say: the custom predicates of the rules' queries, answered in one place.

Queries match shapes; Python functions judge contents, in the words of each grammar: is this
expression a constant, is this string built from something that is not
(`peer_lsp.rules.literals`), does this text read like SQL (`peer_lsp.rules.sql`), does this
name or literal hold a secret (`peer_lsp.rules.credentials`). A rule uses them two ways: in
its ``.scm`` file as a custom predicate on a capture, ``(#not-literal? @arg)``, answered by
`holds`; or in its Python ``check`` function.

Custom predicates (each takes one capture, every node captured under it must pass):

- ``#not-literal?``: not a constant (a string without interpolation, a number, true/false/
  null); ``#literal?`` the opposite.
- ``#interpolated?``: a string built at run time from a non-constant part: an f-string or
  template literal with a substitution, ``"..." + x``, ``"..." % x``, ``"...".format(x)``,
  ``fmt.Sprintf``, ``String.format``; or a local variable last assigned such a string
  earlier in the same function.
- ``#sql?``: its string literals (or those of the value a local variable was given) read
  like an SQL statement (``SELECT … FROM``, ``INSERT INTO``, ``DELETE FROM``…).
- ``#secret-name?``: an identifier (or string key) naming a password, secret or API key.
- ``#secret-value?``: a string literal that looks like a real credential, not a placeholder.

They are not handed to tree-sitter: `peer_lsp.rules.compiled` takes them out of the query
text and `peer_lsp.rules.runner` checks them on each match with `holds` (py-tree-sitter 0.26
leaks memory on every call of a predicate callback, a few kilobytes a match).
"""

from __future__ import annotations

import typing

from peer_lsp.rules.assignments import assigned_value
from peer_lsp.rules.credentials import is_secret_name, is_secret_value
from peer_lsp.rules.grammar_nodes import text, unwrap
from peer_lsp.rules.literals import is_built_string, is_literal, is_string, string_value
from peer_lsp.rules.sql import looks_like_sql, string_parts

if typing.TYPE_CHECKING:
    from tree_sitter import Node


def holds(name: str, node: Node, grammar: str, data: bytes) -> bool:
    """Whether custom predicate ``name`` (``not-literal?``...) holds for ``node``."""
    if name == "not-literal?":
        return not is_literal(node, grammar)
    if name == "literal?":
        return is_literal(node, grammar)
    if name == "interpolated?":
        return is_built_string(node, grammar, data)
    if name == "sql?":
        value = assigned_value(unwrap(node), grammar, data) or node
        return looks_like_sql(string_parts(value, grammar, data))
    if name == "secret-name?":
        return is_secret_name(text(node, data))
    if name == "secret-value?":
        return is_string(node, grammar) and is_secret_value(string_value(node, data))
    raise ValueError(f"unknown query predicate #{name}")


CUSTOM_PREDICATES = frozenset(
    {"not-literal?", "literal?", "interpolated?", "sql?", "secret-name?", "secret-value?"}
)
"""The names `holds` answers (checked when the queries are compiled)."""
