"""A value followed to its sink inside one Java method: constant, built, or from outside.

The Java counterpart of `peer_lsp.rules.flow`. A sink's argument is often a local variable
(``String sql = "SELECT ... '" + name + "'";`` then ``stmt.executeQuery(sql)``), or a
``StringBuilder`` filled by ``append`` calls. `origin` classifies an expression:

- `Origin.LITERAL`: made only of constants: string and number literals, their ``+``,
  ``String.format``/``concat``/``StringBuilder`` of constants, ``static final`` fields given
  a constant, and ``UPPER_CASE`` names (the Java naming convention for constants); also
  comparisons and arithmetic, whose booleans and numbers cannot carry text into a string.
- `Origin.BUILT`: text put together at run time from at least one value that is not a
  constant (``"..." + x``, ``String.format(fmt, x)``, ``sb.append(x)``, ``s += x``).
- `Origin.INPUT`: handed in unchanged from outside the method: a parameter, or a servlet
  request's ``getParameter``/``getHeader``... call.
- `Origin.UNKNOWN`: anything else (a call's result, a field, a loop variable).

Local variables are followed through their declarations and assignments before the use in
the same method (lambdas and nested classes left out), from the last plain ``=`` that runs
on every path (a statement of a block around the use) on; later ``=`` in branches and every
``+=`` are joined in: built if any value is, then input, then unknown, literal only if all
are. Assignments after the use (a loop's next turn) are not seen.
"""

from __future__ import annotations

import bisect
import enum
import re
import typing

from peer_lsp.rules.grammar_nodes import ancestors, arguments_of, text, unwrap
from peer_lsp.rules.memo import memoized

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from tree_sitter import Node

_MAX_DEPTH = 8
"""How many names deep a value is followed."""

_METHODS = frozenset(
    {"method_declaration", "constructor_declaration", "compact_constructor_declaration"}
)
_NESTED = frozenset({"lambda_expression", "class_body", "class_declaration"})
_CONSTANT_TYPES = frozenset(
    {
        "string_literal",
        "text_block",
        "character_literal",
        "decimal_integer_literal",
        "hex_integer_literal",
        "octal_integer_literal",
        "binary_integer_literal",
        "decimal_floating_point_literal",
        "hex_floating_point_literal",
        "true",
        "false",
        "null_literal",
        "class_literal",
    }
)
_CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_BUILDERS = frozenset({"StringBuilder", "StringBuffer"})
_REQUEST_GETTERS = frozenset(
    {
        "getParameter",
        "getParameterValues",
        "getHeader",
        "getHeaders",
        "getQueryString",
        "getCookies",
        "getRequestURI",
        "getRequestURL",
        "getPathInfo",
        "getInputStream",
        "getReader",
        "getRemoteUser",
    }
)
_PASS_THROUGH = frozenset(
    {"trim", "toLowerCase", "toUpperCase", "strip", "intern", "toString", "valueOf"}
)
"""Calls whose result carries their receiver's (or single argument's) origin."""


class Origin(enum.Enum):
    """Where the value of an expression comes from (ordered from the most telling)."""

    BUILT = "built"
    INPUT = "input"
    UNKNOWN = "unknown"
    LITERAL = "literal"


_RANK = {Origin.BUILT: 0, Origin.INPUT: 1, Origin.UNKNOWN: 2, Origin.LITERAL: 3}


def join(origins: Iterable[Origin]) -> Origin:
    """Several possible values together: the most telling origin among them."""
    found = list(origins)
    return min(found, key=_RANK.__getitem__) if found else Origin.UNKNOWN


def origin(node: Node, data: bytes) -> Origin:
    """Where the Java expression ``node`` (often a sink's argument) gets its value."""
    return _origin(node, data, _MAX_DEPTH)


def is_constant(node: Node, data: bytes) -> bool:
    """Whether ``node`` is made only of constants (after following local names)."""
    return origin(node, data) is Origin.LITERAL


def is_from_outside(node: Node, data: bytes) -> bool:
    """Whether ``node`` is built at run time or handed in (not a constant, not unknown)."""
    return origin(node, data) in (Origin.BUILT, Origin.INPUT)


def _combine_parts(parts: Iterable[Node], data: bytes, depth: int) -> Origin:
    """Text joined from parts: a constant if all are, else built."""
    if all(_origin(part, data, depth) is Origin.LITERAL for part in parts):
        return Origin.LITERAL
    return Origin.BUILT


def _origin(node: Node, data: bytes, depth: int) -> Origin:
    node = unwrap(node)
    kind = node.type
    if kind in _CONSTANT_TYPES:
        return Origin.LITERAL
    if kind in ("parenthesized_expression", "cast_expression"):
        inner = node.child_by_field_name("value") or (
            node.named_children[-1] if node.named_child_count else None
        )
        return _origin(inner, data, depth) if inner is not None else Origin.UNKNOWN
    if kind == "identifier":
        return _name_origin(node, data, depth)
    if kind == "field_access":
        field = node.child_by_field_name("field")
        if field is not None and _CONSTANT_NAME.match(text(field, data)):
            return Origin.LITERAL
        return Origin.UNKNOWN
    if kind == "binary_expression":
        if _operator(node) != "+":
            return Origin.LITERAL  # a comparison or arithmetic: a boolean or number, no text
        return _combine_parts(_operands(node), data, depth)
    if kind in ("unary_expression", "instanceof_expression"):
        return Origin.LITERAL
    if kind == "ternary_expression":
        branches = [
            branch
            for name in ("consequence", "alternative")
            if (branch := node.child_by_field_name(name)) is not None
        ]
        return join(_origin(branch, data, depth) for branch in branches)
    if kind == "method_invocation":
        return _call_origin(node, data, depth)
    if kind == "object_creation_expression":
        return _creation_origin(node, data, depth)
    if kind == "array_creation_expression":
        value = node.child_by_field_name("value")
        if value is None:
            return Origin.UNKNOWN
        return join(_origin(item, data, depth) for item in value.named_children)
    if kind == "array_initializer":
        return join(_origin(item, data, depth) for item in node.named_children)
    return Origin.UNKNOWN


def _operator(node: Node) -> str:
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else ""


def _operands(node: Node) -> list[Node]:
    """The operands of a chain of ``+`` (``a + b + c``), in order; iterative, since a long
    concatenation nests one tree level per operand."""
    operands: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        for side in ("right", "left"):
            part = current.child_by_field_name(side)
            if part is None:
                continue
            part = unwrap(part)
            if part.type == "binary_expression" and _operator(part) == "+":
                stack.append(part)
            else:
                operands.append(part)
    operands.sort(key=lambda part: part.start_byte)
    return operands


def _call_origin(call: Node, data: bytes, depth: int) -> Origin:
    name_node = call.child_by_field_name("name")
    obj = call.child_by_field_name("object")
    name = text(name_node, data) if name_node is not None else ""
    args = arguments_of(call)
    receiver = text(obj, data) if obj is not None else ""
    if name in _REQUEST_GETTERS and obj is not None:
        return Origin.INPUT
    if name == "format" and receiver in ("String", "java.lang.String") and args:
        return _combine_parts(args, data, depth)
    if name == "formatted" and obj is not None:
        return _combine_parts([obj, *args], data, depth)
    if name in ("concat", "append", "insert") and obj is not None:
        return _combine_parts([obj, *args[-1:]], data, depth)
    if name == "join" and receiver == "String":
        return _combine_parts(args, data, depth)
    if name in ("valueOf",) and receiver == "String" and len(args) == 1:
        return _origin(args[0], data, depth)
    if name == "decode" and receiver.endswith("URLDecoder") and args:
        return _origin(args[0], data, depth)
    if name in _PASS_THROUGH and obj is not None and not args:
        return _origin(obj, data, depth)
    return Origin.UNKNOWN


def _creation_origin(node: Node, data: bytes, depth: int) -> Origin:
    type_node = node.child_by_field_name("type")
    type_name = text(type_node, data) if type_node is not None else ""
    args = arguments_of(node)
    if type_name in _BUILDERS or type_name == "String":
        strings = [arg for arg in args if _origin(arg, data, depth) is not Origin.LITERAL]
        if not strings:
            return Origin.LITERAL
        return Origin.BUILT
    return Origin.UNKNOWN


def enclosing_method(node: Node) -> Node | None:
    """The method or constructor around ``node`` (None at class level)."""
    for parent in ancestors(node):
        if parent.type in _METHODS:
            return parent
    return None


def _name_origin(name: Node, data: bytes, depth: int) -> Origin:
    wanted = text(name, data)
    if depth <= 0:
        return Origin.UNKNOWN
    method = enclosing_method(name)
    if method is None:
        return _field_origin(name, wanted, data, depth)
    values, bound_otherwise = _assigned_before(method, name, wanted, data)
    origins = [_value_origin(value, data, depth - 1) for value in values]
    origins += [
        _appended_origin(call, data, depth - 1) for call in _appends(method, name, wanted, data)
    ]
    if bound_otherwise is not None:
        origins.append(bound_otherwise)
    if not origins:
        return _field_origin(name, wanted, data, depth)
    return join(origins)


def _value_origin(value: tuple[Node, bool], data: bytes, depth: int) -> Origin:
    node, augmented = value
    found = _origin(node, data, depth)
    if augmented and found is not Origin.LITERAL:
        return Origin.BUILT
    return found


def _appended_origin(call: Node, data: bytes, depth: int) -> Origin:
    args = arguments_of(call)
    if not args:
        return Origin.LITERAL
    return Origin.LITERAL if _origin(args[-1], data, depth) is Origin.LITERAL else Origin.BUILT


def _walk(node: Node, before: int) -> Iterator[Node]:
    """The nodes under ``node`` starting before byte ``before``, nested code left out."""
    stack = list(node.named_children)
    while stack:
        current = stack.pop()
        if current.start_byte >= before or current.type in _NESTED:
            continue
        yield current
        stack.extend(current.named_children)


_BINDERS = frozenset(
    {"formal_parameter", "spread_parameter", "catch_formal_parameter", "enhanced_for_statement"}
)
_Index: typing.TypeAlias = "dict[tuple[str, str], list[Node]]"


def _names_of(node: Node, data: bytes) -> list[str]:
    """The local names a node binds, assigns or calls a method on (what `_index` files it
    under)."""
    kind = node.type
    if kind == "variable_declarator":
        target = node.child_by_field_name("name")
        return [text(target, data)] if target is not None else []
    if kind == "local_variable_declaration":
        return [
            text(target, data)
            for declarator in node.children_by_field_name("declarator")
            if (target := declarator.child_by_field_name("name")) is not None
        ]
    if kind == "assignment_expression":
        target = node.child_by_field_name("left")
        if target is not None and target.type == "array_access":
            target = target.child_by_field_name("array")
        return [text(target, data)] if target is not None else []
    if kind in _BINDERS:
        target = node.child_by_field_name("name")
        if target is None:
            declarator = next(
                (c for c in node.named_children if c.type == "variable_declarator"), None
            )
            target = declarator.child_by_field_name("name") if declarator else None
        return [text(target, data)] if target is not None else []
    if kind == "method_invocation":
        root = node.child_by_field_name("object")
        while root is not None and root.type == "method_invocation":
            root = root.child_by_field_name("object")
        return [text(root, data)] if root is not None and root.type == "identifier" else []
    return []


def _category(node: Node) -> str:
    if node.type == "method_invocation":
        return "call"
    if node.type == "local_variable_declaration":
        return "declaration"
    return "binding"


def _index(method: Node, data: bytes) -> _Index:
    """The method's bindings (declarators, assignments, parameters, loop variables),
    declarations and calls, by kind and the local name they concern, in source order: built
    once per method and run of the rules (`peer_lsp.rules.memo`), so that following many
    names in a long method does not walk it again for each."""
    key = ("java-method", method.start_byte, method.end_byte, method.type)
    return memoized(data, key, lambda: _build_index(method, data))


def _build_index(method: Node, data: bytes) -> _Index:
    by_name: _Index = {}
    for current in _walk(method, method.end_byte):
        for name in _names_of(current, data):
            by_name.setdefault((_category(current), name), []).append(current)
    for nodes in by_name.values():
        nodes.sort(key=lambda node: node.start_byte)
    return by_name


def _related(method: Node, wanted: str, before: int, data: bytes, kind: str) -> list[Node]:
    """The indexed nodes of ``kind`` about local ``wanted`` that start before ``before``."""
    nodes = _index(method, data).get((kind, wanted), [])
    return nodes[: bisect.bisect_left(nodes, before, key=lambda node: node.start_byte)]


def _assigned_before(
    method: Node, name: Node, wanted: str, data: bytes
) -> tuple[list[tuple[Node, bool]], Origin | None]:
    """The values given to local ``wanted`` before ``name`` (each with whether it was a
    ``+=``), from the last ``=`` that runs on every path on; and the origin of the binding
    when it is a parameter or another binding we do not follow (loop variable, catch)."""
    found: list[tuple[Node, Node, bool]] = []  # (statement, value, augmented)
    binding: Origin | None = None
    binding_at = -1
    for current in _related(method, wanted, name.start_byte, data, "binding"):
        if current.type == "variable_declarator":
            target = current.child_by_field_name("name")
            value = current.child_by_field_name("value")
            if target is not None and text(target, data) == wanted:
                if value is not None and current.end_byte <= name.start_byte:
                    found.append((current, value, False))
                binding, binding_at = None, current.start_byte
        elif current.type == "assignment_expression":
            target = current.child_by_field_name("left")
            value = current.child_by_field_name("right")
            if (
                target is not None
                and value is not None
                and target.type == "identifier"
                and text(target, data) == wanted
                and current.end_byte <= name.start_byte
            ):
                found.append((current, value, _operator(current) != "="))
        elif current.type in ("formal_parameter", "spread_parameter", "catch_formal_parameter"):
            target = current.child_by_field_name("name")
            if target is None:
                declarator = next(
                    (c for c in current.named_children if c.type == "variable_declarator"), None
                )
                target = declarator.child_by_field_name("name") if declarator else None
            if target is not None and text(target, data) == wanted:
                kind = Origin.INPUT if current.type != "catch_formal_parameter" else Origin.UNKNOWN
                binding, binding_at = kind, current.start_byte
        elif current.type == "enhanced_for_statement":
            target = current.child_by_field_name("name")
            if target is not None and text(target, data) == wanted:
                binding, binding_at = Origin.UNKNOWN, current.start_byte
    found.sort(key=lambda item: item[0].start_byte)
    cut = _last_dominating(found, name)
    if cut >= 0:
        since = found[cut][0].start_byte
        kept = found[cut:]
        if binding_at < since:
            binding = None
    else:
        kept = found
    return [(value, augmented) for _, value, augmented in kept], binding


def _last_dominating(found: list[tuple[Node, Node, bool]], name: Node) -> int:
    """The index of the last plain ``=`` (or declaration) that is a statement of a block
    around ``name``: it runs, and overwrites what came before, on every path to ``name``."""
    enclosing = {(node.start_byte, node.end_byte) for node in ancestors(name)}
    for index in range(len(found) - 1, -1, -1):
        statement, _, augmented = found[index]
        if augmented:
            continue
        holder = statement.parent
        if holder is not None and holder.type in (
            "expression_statement",
            "local_variable_declaration",
        ):
            holder = holder.parent
        if holder is None or holder.type not in ("block", "constructor_body"):
            continue
        if (holder.start_byte, holder.end_byte) in enclosing:
            return index
    return -1


def _appends(method: Node, name: Node, wanted: str, data: bytes) -> list[Node]:
    """``wanted.append(x)`` / ``wanted.insert(i, x)`` calls (or chains starting at
    ``wanted``) before ``name``: what a local ``StringBuilder`` was filled with."""
    calls = []
    for current in _related(method, wanted, name.start_byte, data, "call"):
        if current.type != "method_invocation" or current.end_byte > name.start_byte:
            continue
        method_name = current.child_by_field_name("name")
        if method_name is None or text(method_name, data) not in ("append", "insert"):
            continue
        root = current.child_by_field_name("object")
        while root is not None and root.type == "method_invocation":
            root = root.child_by_field_name("object")
        if root is not None and root.type == "identifier" and text(root, data) == wanted:
            calls.append(current)
    return calls


def _field_origin(name: Node, wanted: str, data: bytes, depth: int) -> Origin:
    """A name that is no local: a constant by convention (``UPPER_CASE``), or a field of the
    enclosing classes declared ``final`` with a constant value."""
    if _CONSTANT_NAME.match(wanted):
        return Origin.LITERAL
    for parent in ancestors(name):
        if parent.type != "class_body":
            continue
        for member in parent.named_children:
            if member.type != "field_declaration":
                continue
            modifiers = next((c for c in member.named_children if c.type == "modifiers"), None)
            final = modifiers is not None and "final" in text(modifiers, data).split()
            for declarator in member.children_by_field_name("declarator"):
                target = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if target is None or text(target, data) != wanted:
                    continue
                if final and value is not None and depth > 0:
                    return _origin(value, data, depth - 1)
                return Origin.UNKNOWN
    return Origin.UNKNOWN


def string_parts(node: Node, data: bytes, depth: int = _MAX_DEPTH) -> list[str]:
    """The contents of the string literals ``node`` is built from (following local names,
    ``append`` calls and ``String.format``), for telling what the text is (SQL, a shell)."""
    node = unwrap(node)
    if node.type in ("string_literal", "text_block"):
        return [_literal_text(node, data)]
    if depth <= 0:
        return []
    parts: list[str] = []
    if node.type == "identifier":
        method = enclosing_method(node)
        if method is None:
            return parts
        wanted = text(node, data)
        values, _ = _assigned_before(method, node, wanted, data)
        for value, _ in values:
            parts += string_parts(value, data, depth - 1)
        for call in _appends(method, node, wanted, data):
            parts += string_parts(call, data, depth - 1)
        return parts
    if node.type == "binary_expression" and _operator(node) == "+":
        children = _operands(node)  # flat: a long chain is one level, not one per operand
    else:
        children = [child for child in node.named_children if child.type not in _NESTED]
    for child in children:
        parts += string_parts(child, data, depth - 1)
    return parts


def _literal_text(node: Node, data: bytes) -> str:
    raw = text(node, data)
    if raw.startswith('"""'):
        return raw[3:-3]
    return raw[1:-1] if len(raw) >= 2 else raw


def declared_type(name: Node, data: bytes) -> str:
    """The declared type of the local variable, parameter or field ``name`` refers to
    (``JdbcTemplate``, ``List<String>``), or "" when it is not declared in this file."""
    wanted = text(name, data)
    method = enclosing_method(name)
    if method is not None:
        found = ""
        before = name.start_byte
        nodes = _related(method, wanted, before, data, "binding")
        nodes += _related(method, wanted, before, data, "declaration")
        for current in nodes:
            if current.type in ("formal_parameter", "spread_parameter"):
                target = current.child_by_field_name("name")
                kind = current.child_by_field_name("type")
                if target is not None and kind is not None and text(target, data) == wanted:
                    return text(kind, data)
            if current.type == "local_variable_declaration":
                kind = current.child_by_field_name("type")
                for declarator in current.children_by_field_name("declarator"):
                    target = declarator.child_by_field_name("name")
                    if kind is not None and target is not None and text(target, data) == wanted:
                        found = text(kind, data)
        if found:
            return found
    for parent in ancestors(name):
        if parent.type != "class_body":
            continue
        for member in parent.named_children:
            if member.type != "field_declaration":
                continue
            kind = member.child_by_field_name("type")
            for declarator in member.children_by_field_name("declarator"):
                target = declarator.child_by_field_name("name")
                if kind is not None and target is not None and text(target, data) == wanted:
                    return text(kind, data)
    return ""


def local_values(name: Node, data: bytes) -> list[Node]:
    """The values a local variable was given before ``name`` (declaration, ``=``), from the
    last one that runs on every path on: what a check reads when the shape matters
    (``new String[] {...}``), not only the origin."""
    method = enclosing_method(name)
    if method is None or name.type != "identifier":
        return []
    values, _ = _assigned_before(method, name, text(name, data), data)
    return [value for value, augmented in values if not augmented]


def element_values(name: Node, data: bytes) -> list[Node]:
    """What was put into the local array or list ``name`` before it is used: ``name[i] = x``
    assignments and ``name.add(x)`` calls, in source order."""
    method = enclosing_method(name)
    if method is None or name.type != "identifier":
        return []
    wanted = text(name, data)
    found: list[Node] = []
    before = name.start_byte
    nodes = _related(method, wanted, before, data, "binding")
    for current in nodes + _related(method, wanted, before, data, "call"):
        if current.end_byte > name.start_byte:
            continue
        if current.type == "assignment_expression":
            target = current.child_by_field_name("left")
            value = current.child_by_field_name("right")
            array = target.child_by_field_name("array") if target is not None else None
            if (
                target is not None
                and target.type == "array_access"
                and array is not None
                and text(array, data) == wanted
                and value is not None
            ):
                found.append(value)
        elif current.type == "method_invocation":
            obj = current.child_by_field_name("object")
            method_name = current.child_by_field_name("name")
            args = arguments_of(current)
            if (
                obj is not None
                and method_name is not None
                and text(obj, data) == wanted
                and text(method_name, data) in ("add", "addAll")
                and args
            ):
                found.append(args[-1])
    found.sort(key=lambda node: node.start_byte)
    return found


_WEB_ANNOTATIONS = frozenset(
    {
        "RequestParam",
        "PathVariable",
        "RequestHeader",
        "CookieValue",
        "RequestBody",
        "MatrixVariable",
        "QueryParam",
        "PathParam",
        "FormParam",
        "HeaderParam",
        "CookieParam",
    }
)
"""Parameter annotations that bind a value from the HTTP request (Spring, JAX-RS)."""

_NUMERIC_TYPES = frozenset(
    {"int", "long", "short", "byte", "double", "float", "boolean", "Integer", "Long", "Short"}
    | {"Byte", "Double", "Float", "Boolean", "BigDecimal", "BigInteger", "UUID"}
)
"""Parameter types that cannot carry text an attacker shapes."""

_CLEANERS = re.compile(
    r"^(getName|getBaseName|forHtml\w*|forUri\w*|encodeFor\w+|htmlEscape\w*|escapeHtml\w*"
    r"|escapeXml\w*|escapeEcmaScript|sanitize\w*|normalize|isValid\w*|matches|equals\w*"
    r"|contains|startsWith|endsWith|length|size|isEmpty|hashCode|parseInt|parseLong"
    r"|valueOf|getBytes)$"
)
"""Calls whose result no longer carries request text as such: escapers, ``getName`` (a bare
file name), predicates and number parsing. ``String.valueOf`` is followed separately."""


def from_request(node: Node, data: bytes, depth: int = _MAX_DEPTH) -> bool:
    """Whether ``node`` carries text from the HTTP request: a servlet request getter
    (``getParameter``, ``getHeader``...) or a parameter bound by ``@RequestParam``,
    ``@PathVariable``..., followed through local variables, concatenation, ``append`` and
    calls that pass text on; escapers and ``FilenameUtils.getName`` stop it."""
    node = unwrap(node)
    if depth <= 0:
        return False
    if node.type == "identifier":
        return _name_from_request(node, data, depth)
    if node.type == "method_invocation":
        name = text(node.child_by_field_name("name") or node, data)
        if name in _REQUEST_GETTERS and node.child_by_field_name("object") is not None:
            return True
        receiver = node.child_by_field_name("object")
        if name == "valueOf" and receiver is not None and text(receiver, data) == "String":
            return any(from_request(arg, data, depth - 1) for arg in arguments_of(node))
        if _CLEANERS.match(name):
            return False
        parts = ([receiver] if receiver is not None else []) + arguments_of(node)
        return any(from_request(part, data, depth - 1) for part in parts)
    if node.type in ("lambda_expression", "class_body"):
        return False
    return any(from_request(child, data, depth - 1) for child in node.named_children)


def _name_from_request(name: Node, data: bytes, depth: int) -> bool:
    method = enclosing_method(name)
    if method is None:
        return False
    wanted = text(name, data)
    parameters = method.child_by_field_name("parameters")
    for parameter in parameters.named_children if parameters is not None else []:
        target = parameter.child_by_field_name("name")
        if target is None or text(target, data) != wanted:
            continue
        kind = parameter.child_by_field_name("type")
        if kind is not None and text(kind, data) in _NUMERIC_TYPES:
            return False
        modifiers = next((c for c in parameter.named_children if c.type == "modifiers"), None)
        for annotation in modifiers.named_children if modifiers is not None else []:
            label = annotation.child_by_field_name("name")
            if label is not None and text(label, data).split(".")[-1] in _WEB_ANNOTATIONS:
                return True
    values, _ = _assigned_before(method, name, wanted, data)
    if any(from_request(value, data, depth - 1) for value, _ in values):
        return True
    return any(from_request(call, data, depth - 1) for call in _appends(method, name, wanted, data))
