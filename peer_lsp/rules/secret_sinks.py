"""Keys written in the code: a constant given to a call that signs or checks with it.

A literal bound to a name like ``password`` must look like a real credential before the
hard-coded-secret rules report it (`peer_lsp.rules.credentials`): names lie, and placeholders
abound. A literal handed to ``jwt.sign(payload, KEY)``, ``hmac.new(KEY)``,
``token.SignedString(KEY)`` or ``Jwts.builder().signWith(..., KEY)`` needs no such test: the
call makes it a key, and whatever it says (``"shhhhh"``, ``"change-me"``) everyone who reads
the code can forge what it signs. The same holds for the keys frameworks sign sessions with
(``app.secret_key``, ``SECRET_KEY``, ``session({secret: ...})``) and for a password a function
falls back to when none is given.

`hardcoded_key` follows the key through a local name to the value it was last given in the
same function (`peer_lsp.rules.assignments`), and through the wrappers that only turn a string
into bytes or a key object (``[]byte("k")``, ``b"k"``, ``"k".encode()``, ``Buffer.from("k")``,
``"k".getBytes()``, ``JWK.asKey("k")``, ``Keys.hmacShaKeyFor(...)``). It never looks outside
the function, so a rule's hits still depend only on the code of their segment.
"""

from __future__ import annotations

import re
import typing

from peer_lsp.rules.assignments import assigned_value
from peer_lsp.rules.grammar_nodes import arguments_of, text, unwrap
from peer_lsp.rules.literals import is_literal, is_string, string_value

if typing.TYPE_CHECKING:
    from tree_sitter import Node

    from peer_lsp.rules.model import Match

_DEPTH = 4
"""Names and wrappers followed before giving up."""

_NOT_A_KEY = re.compile(r"^\s*$|<[^>]*>|\$\{|\{\{|%\(|^%s$")
"""Values that are no key: empty, a ``<placeholder>``, a template to fill in."""

_WRAPPERS = frozenset(
    {
        "byte", "bytes", "encode", "getBytes", "from", "asKey", "createSecretKey",
        "hmacShaKeyFor", "HMAC256", "HMAC384", "HMAC512", "SecretKeySpec", "toByteArray",
        "encodeToByteArray", "TextEncoder",
    }
)  # fmt: skip
"""The last name of calls that only turn their argument into bytes or a key object."""

_CALLS = frozenset({"call", "call_expression", "method_invocation", "object_creation_expression"})


def is_key_text(value: str) -> bool:
    """Whether a literal's contents can be a key: anything but empty, a ``<placeholder>`` or a
    template (``${SECRET}``, ``{{ secret }}``, ``%(secret)s``)."""
    return _NOT_A_KEY.search(value) is None


def _call_name(call: Node, data: bytes) -> str:
    """The last name of a call's callee (``encode`` of ``"k".encode``, ``byte`` of
    ``[]byte``), or of the class a Java ``new`` creates."""
    callee = call.child_by_field_name("function") or call.child_by_field_name("name")
    if callee is None:
        callee = call.child_by_field_name("type") or call.child_by_field_name("constructor")
    if callee is None:
        return ""
    name = text(callee, data)
    return re.split(r"[^\w$]+", name.rstrip("()[]"))[-1] if name else ""


def _wrapped(call: Node, data: bytes) -> Node | None:
    """What a bytes or key wrapper wraps: its first argument, or the object a method like
    ``"k".encode()`` / ``"k".getBytes()`` is called on."""
    if _call_name(call, data) not in _WRAPPERS:
        return None
    arguments = arguments_of(call)
    if arguments:
        return arguments[0]
    callee = call.child_by_field_name("function")
    target = call.child_by_field_name("object")
    if target is None and callee is not None:
        target = callee.child_by_field_name("object") or callee.child_by_field_name("operand")
    return target


def hardcoded_key(node: Node, grammar: str, data: bytes, depth: int = 0) -> bool:
    """Whether ``node``, used as a key or password, is a constant written in the code: a plain
    string literal that can be a key (`is_key_text`), a local name last given one, or a
    bytes or key wrapper around one (see the module docstring)."""
    node = unwrap(node)
    if depth > _DEPTH:
        return False
    if is_string(node, grammar):
        return is_literal(node, grammar) and is_key_text(string_value(node, data))
    if node.type == "type_conversion_expression":  # Go: []byte("k") when parsed as a conversion
        operand = node.child_by_field_name("operand")
        return operand is not None and hardcoded_key(operand, grammar, data, depth + 1)
    if node.type in _CALLS:
        inner = _wrapped(node, data)
        return inner is not None and hardcoded_key(inner, grammar, data, depth + 1)
    if node.type == "identifier":
        value = assigned_value(node, grammar, data)
        return value is not None and hardcoded_key(value, grammar, data, depth + 1)
    return False


KEY = "key"
"""The capture of a rule pattern whose node must be a hard-coded key (`hardcoded_key`)."""


def key_is_hardcoded(match: Match) -> bool:
    """A rule ``check``: a pattern that captures ``@key`` holds when that node is a hard-coded
    key; patterns without it are left to their predicates."""
    key = match.node(KEY)
    return key is None or hardcoded_key(key, match.grammar, match.data)
