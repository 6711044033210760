"""What queries cannot say: small Python functions over nodes, shared by the rules.

Queries match shapes; these functions judge contents, in the words of each grammar: is this
expression a constant, is this string built from something that is not, does this text read
like SQL, does this name hold a secret. A rule uses them two ways: in its ``.scm`` file as a
custom predicate on a capture, ``(#not-literal? @arg)``, answered by `holds`; or
in its Python ``check`` function.

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

import re
import typing

from peer_lsp.secret_names import PASSWORD, identifier_words, names_stored_secret, secret_name

if typing.TYPE_CHECKING:
    from collections.abc import Collection, Iterator

    from tree_sitter import Node

_PYTHON = "python"
_JS = ("javascript", "typescript", "tsx")
_C = ("c", "cpp")

STRING_TYPES: dict[str, frozenset[str]] = {
    "python": frozenset({"string", "concatenated_string"}),
    "javascript": frozenset({"string", "template_string"}),
    "go": frozenset({"interpreted_string_literal", "raw_string_literal"}),
    "java": frozenset({"string_literal", "text_block"}),
    "c": frozenset({"string_literal", "concatenated_string", "raw_string_literal"}),
}
"""Node types of string literals, per grammar family."""

_CONSTANT_TYPES: dict[str, frozenset[str]] = {
    "python": frozenset({"integer", "float", "true", "false", "none"}),
    "javascript": frozenset({"number", "true", "false", "null", "undefined"}),
    "go": frozenset(
        {
            "int_literal",
            "float_literal",
            "imaginary_literal",
            "rune_literal",
            "true",
            "false",
            "nil",
        }
    ),
    "java": frozenset(
        {
            "decimal_integer_literal",
            "hex_integer_literal",
            "octal_integer_literal",
            "binary_integer_literal",
            "decimal_floating_point_literal",
            "hex_floating_point_literal",
            "character_literal",
            "true",
            "false",
            "null_literal",
        }
    ),
    "c": frozenset({"number_literal", "char_literal", "true", "false", "null", "nullptr"}),
}

_SUBSTITUTIONS = frozenset({"interpolation", "template_substitution"})


def family(grammar: str) -> str:
    """The grammar whose node types ``grammar`` shares for these checks."""
    if grammar in _JS:
        return "javascript"
    if grammar in _C:
        return "c"
    return grammar


def unwrap(node: Node) -> Node:
    """The expression inside parentheses (any depth)."""
    while node.type in ("parenthesized_expression", "parenthesized") and node.named_child_count:
        inner = node.named_children[0]
        if inner.type == "comment":
            break
        node = inner
    return node


def is_string(node: Node, grammar: str) -> bool:
    """Whether ``node`` is a string literal (interpolated or not)."""
    return unwrap(node).type in STRING_TYPES.get(family(grammar), frozenset())


def has_substitution(node: Node) -> bool:
    """Whether a string literal embeds an expression (f-string, template literal)."""
    return any(
        child.type in _SUBSTITUTIONS or (child.type == "string" and has_substitution(child))
        for child in node.named_children
    )


def is_literal(node: Node, grammar: str) -> bool:
    """Whether ``node`` is a constant: a plain string, a number, a boolean or null."""
    node = unwrap(node)
    kind = family(grammar)
    if node.type in STRING_TYPES.get(kind, frozenset()):
        return not has_substitution(node)
    if node.type in _CONSTANT_TYPES.get(kind, frozenset()):
        return True
    if node.type in ("unary_expression", "unary_operator") and node.named_child_count == 1:
        return is_literal(node.named_children[0], grammar)
    if node.type in ("binary_expression", "binary_operator"):
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        return (
            left is not None
            and right is not None
            and is_literal(left, grammar)
            and is_literal(right, grammar)
        )
    return False


def _operator(node: Node) -> str:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else ""


def _attribute_name(node: Node, data: bytes) -> str:
    """``format`` for ``x.format``; ``Sprintf`` for ``fmt.Sprintf``; empty otherwise."""
    for field in ("attribute", "property", "field", "name"):
        child = node.child_by_field_name(field)
        if child is not None:
            return text(child, data)
    return ""


def text(node: Node, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def callee_text(call: Node, data: bytes) -> str:
    """The called expression's text (``cur.execute``, ``eval``), whitespace removed."""
    function = call.child_by_field_name("function")
    if function is None:  # Java: object.name(...)
        name = call.child_by_field_name("name")
        obj = call.child_by_field_name("object")
        if name is None:
            return ""
        return f"{text(obj, data)}.{text(name, data)}" if obj is not None else text(name, data)
    return "".join(text(function, data).split())


def is_interpolated(node: Node, grammar: str, data: bytes) -> bool:
    """Whether ``node`` builds a string at run time from a part that is not a constant."""
    node = unwrap(node)
    kind = family(grammar)
    if node.type in STRING_TYPES.get(kind, frozenset()):
        return has_substitution(node)
    if node.type in ("binary_expression", "binary_operator"):
        op = _operator(node)
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return False
        if op == "%" and kind == _PYTHON:
            return is_string(left, grammar) and not is_literal(right, grammar)
        if op == "+":
            parts = list(_concatenated(node))
            stringy = any(is_string(p, grammar) or is_interpolated(p, grammar, data) for p in parts)
            return stringy and not all(is_literal(p, grammar) for p in parts)
        return False
    if node.type in ("call", "call_expression", "method_invocation"):
        return _is_format_call(node, grammar, data)
    return False


def _concatenated(node: Node) -> Iterator[Node]:
    """The operands of a chain of ``+``, left to right; walked with a stack, since a chain
    is one tree level per ``+`` and real files have thousands."""
    stack = [node]
    while stack:
        current = unwrap(stack.pop())
        if current.type in ("binary_expression", "binary_operator") and _operator(current) == "+":
            operands = (current.child_by_field_name(f) for f in ("right", "left"))
            stack.extend(child for child in operands if child is not None)
        else:
            yield current


def _is_format_call(call: Node, grammar: str, data: bytes) -> bool:
    """``"...".format(x)``, ``fmt.Sprintf("...", x)``, ``String.format("...", x)``."""
    kind = family(grammar)
    arguments = call.child_by_field_name("arguments")
    args = [a for a in (arguments.named_children if arguments else []) if a.type != "comment"]
    if kind == _PYTHON:
        function = call.child_by_field_name("function")
        if function is None or function.type != "attribute":
            return False
        obj = function.child_by_field_name("object")
        return (
            _attribute_name(function, data) in ("format", "format_map")
            and obj is not None
            and is_string(obj, grammar)
            and any(not is_literal(a, grammar) for a in args)
        )
    name = callee_text(call, data)
    if kind == "go" and name in ("fmt.Sprintf",):
        return len(args) > 1 and any(not is_literal(a, grammar) for a in args[1:])
    if kind == "java":
        if name in ("String.format",):
            return len(args) > 1 and any(not is_literal(a, grammar) for a in args[1:])
        if name.endswith(".formatted"):
            obj = call.child_by_field_name("object")
            return obj is not None and is_string(obj, grammar)
    return False


_SQL = re.compile(
    r"""\b(?:
        select\b[\s\S]*?\bfrom\b
      | insert\s+(?:or\s+\w+\s+)?into\b
      | update\b[\s\S]*?\bset\b
      | delete\s+from\b
      | replace\s+into\b
      | merge\s+into\b
      | (?:create|drop|alter|truncate)\s+(?:temp(?:orary)?\s+)?
        (?:table|index|view|database|schema)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def looks_like_sql(value: str) -> bool:
    """Whether ``value`` reads like an SQL statement."""
    return _SQL.search(value) is not None


def string_parts(node: Node, grammar: str, data: bytes) -> str:
    """The literal text of every string inside ``node``, joined by spaces."""
    kinds = STRING_TYPES.get(family(grammar), frozenset())
    parts: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in kinds:
            parts.append(text(current, data))
            continue
        stack.extend(reversed(current.named_children))
    return " ".join(parts)


_TOKEN_WORDS = re.compile(
    r"(?:^|_)(?:token|secret|password|passwd|pwd|nonce|salt|otp|csrf|session_?id|api_?key"
    r"|apikey|auth_?code|reset_?code|verification_?code|activation_?code|invite_?code)(?:_|$)"
)


def is_token_name(name: str) -> bool:
    """Whether a variable or function name says it holds a secret token."""
    return _TOKEN_WORDS.search(identifier_words(name)) is not None


_NAME_LIKE = re.compile(r"[A-Za-z_$][\w$.-]*")


def is_secret_name(name: str) -> bool:
    """Whether an identifier (or a string key) names a password, secret, private key or API
    key/token, in the vocabulary the guard uses too (`peer_lsp.secret_names`).

    The secret word must end the name: ``password`` and ``db_password`` count,
    ``password_hash``, ``password_prompt`` and a bare ``token`` do not. A key that is not
    spelled like a name (``"AWS::Secret"``, ``"the password"``) does not count either.
    """
    bare = name.strip().strip("\"'`")
    return bool(_NAME_LIKE.fullmatch(bare)) and names_stored_secret(bare)


_PLACEHOLDER = re.compile(
    r"change_?me|changeit|example|placeholder|dummy|sample|fake|redacted|your|xxx|\*\*\*"
    r"|<[^>]*>|\$\{|\{\{|%\(|%s|^\w+:$|^none$|^null$|^nil$|^undefined$|^todo|^test|^mock|^secret$"
    r"|^password$|^passwd$|^pass$|^token$|^string$|^admin$|^root$|^user(name)?$|^default$",
    re.IGNORECASE,
)


_NAMES_A_SECRET = re.compile(r"pass(?:word|wd)|secret|token|api_?key", re.IGNORECASE)
"""A value that names the kind of secret (``"[type=password]"``) is a label, not one."""


def string_value(node: Node, data: bytes) -> str:
    """The contents of a plain string literal, quotes and prefixes removed."""
    raw = text(node, data)
    match = re.match(r"^[A-Za-z]*(\"\"\"|'''|\"|'|`)(.*)\1$", raw, re.DOTALL)
    return match.group(2) if match else raw


def is_secret_value(value: str) -> bool:
    """Whether a literal looks like a real credential rather than a placeholder or label.

    At least 6 characters, no whitespace, not one or two characters repeated, not a
    placeholder (``changeme``, ``<password>``, ``${DB_PASS}``, ``xxx``…) nor a label that names
    the secret (``"[type=password]"``), not an environment variable's name (``DB_PASSWORD``),
    not plain words (``Incorrect``, ``db.password``), not a path or URL.
    """
    if len(value) < 6 or len(value) > 200 or any(c.isspace() for c in value):
        return False
    if len(set(value)) <= 2:
        return False
    if _PLACEHOLDER.search(value) or _NAMES_A_SECRET.search(value):
        return False
    if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{1,16}", value):
        return False  # the name of an environment variable or setting
    if value.startswith(("/", "./", "http://", "https://", "file:")):
        return False
    return not re.fullmatch(r"[A-Za-z]+(?:[._-][A-Za-z]+)*", value)  # words or a key name


def name_of_target(node: Node, data: bytes) -> str:
    """The last name in an assignment target: ``self.password`` → ``password``."""
    node = unwrap(node)
    for field in ("attribute", "property", "field"):
        child = node.child_by_field_name(field)
        if child is not None:
            return text(child, data)
    return text(node, data)


def statement_of(node: Node, statements: Collection[str], stops: Collection[str]) -> Node | None:
    """The nearest of ``node`` and its ancestors whose type is in ``statements``; None when
    one whose type is in ``stops`` (a block, a function, the file) comes first."""
    current: Node | None = node
    while current is not None and current.type not in statements:
        if current.type in stops:
            return None
        current = current.parent
    return current


def ancestors(node: Node) -> Iterator[Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def identifiers_in(node: Node, data: bytes) -> Iterator[str]:
    """The identifiers under ``node`` (names of variables, attributes, fields)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type.endswith("identifier"):
            yield text(current, data)
        stack.extend(current.named_children)


def mentions_password(node: Node, data: bytes) -> bool:
    """Whether an identifier under ``node`` names a password (``password``, ``pwd``, …)."""
    for name in identifiers_in(node, data):
        found = secret_name(name)
        if found is not None and found.kind == PASSWORD:
            return True
    return False


def arguments_of(call: Node) -> list[Node]:
    """The argument expressions of a call, comments left out."""
    arguments = call.child_by_field_name("arguments")
    return [a for a in (arguments.named_children if arguments else []) if a.type != "comment"]


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


_SCOPES: dict[str, frozenset[str]] = {
    "python": frozenset({"function_definition", "lambda", "module"}),
    "javascript": frozenset(
        {
            "function_declaration",
            "function_expression",
            "arrow_function",
            "method_definition",
            "generator_function_declaration",
            "program",
        }
    ),
    "go": frozenset({"function_declaration", "method_declaration", "func_literal", "source_file"}),
    "java": frozenset(
        {"method_declaration", "constructor_declaration", "lambda_expression", "program"}
    ),
    "c": frozenset({"function_definition", "translation_unit"}),
}

_ASSIGNMENTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "python": (("assignment", "left", "right"),),
    "javascript": (
        ("variable_declarator", "name", "value"),
        ("assignment_expression", "left", "right"),
    ),
    "go": (
        ("short_var_declaration", "left", "right"),
        ("assignment_statement", "left", "right"),
        ("var_spec", "name", "value"),
    ),
    "java": (
        ("variable_declarator", "name", "value"),
        ("assignment_expression", "left", "right"),
    ),
    "c": (("init_declarator", "declarator", "value"), ("assignment_expression", "left", "right")),
}
"""(node type, target field, value field) of the assignments of each grammar family."""


def enclosing_scope(node: Node, grammar: str) -> Node:
    """The innermost function around ``node``, else the root."""
    scopes = _SCOPES.get(family(grammar), frozenset())
    last = node
    for parent in ancestors(node):
        if parent.type in scopes:
            return parent
        last = parent
    return last


def _single(node: Node | None) -> Node | None:
    """The only expression of a Go ``expression_list`` (or the node itself)."""
    if node is not None and node.type == "expression_list":
        return node.named_children[0] if node.named_child_count == 1 else None
    return node


def assigned_value(node: Node, grammar: str, data: bytes) -> Node | None:
    """For an identifier: the value last assigned to that name before ``node`` in the same
    function (a plain ``name = value``); None when there is none or ``node`` is no name."""
    if node.type != "identifier":
        return None
    name = text(node, data)
    shapes = _ASSIGNMENTS.get(family(grammar), ())
    found: Node | None = None
    found_at = -1
    stack = [enclosing_scope(node, grammar)]
    while stack:
        current = stack.pop()
        if current.start_byte >= node.start_byte:
            continue
        for kind, target_field, value_field in shapes:
            if current.type != kind:
                continue
            target = _single(current.child_by_field_name(target_field))
            value = _single(current.child_by_field_name(value_field))
            if (
                target is not None
                and value is not None
                and text(target, data) == name
                and current.end_byte <= node.start_byte
                and current.start_byte > found_at
            ):
                found, found_at = value, current.start_byte
        stack.extend(current.named_children)
    return found


def is_built_string(node: Node, grammar: str, data: bytes) -> bool:
    """`is_interpolated`, looking through a local variable to the value it was given."""
    if is_interpolated(node, grammar, data):
        return True
    value = assigned_value(unwrap(node), grammar, data)
    return value is not None and is_interpolated(value, grammar, data)
