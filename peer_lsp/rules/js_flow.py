"""A value followed to its sink inside one JavaScript/TypeScript function.

The JavaScript counterpart of `peer_lsp.rules.flow`. A sink's argument is often a local name
(``const url = "//" + req.body.host`` then ``fetch(url)``); `values_of` finds the values the
name was given before the sink: ``const``/``let``/``var`` declarations (destructuring
included: ``const {id} = req.query`` gives ``id`` the value ``req.query``), ``=`` and ``+=``
in the same function (nested functions left out), or, when the function never binds the
name, in the functions around it. Branches are not told apart: the last plain ``=`` or
declaration that is a statement of a block around the sink overwrites what came before.

Three questions are answered on top of it:

- `origin`: is the value made only of constants (literal-only: literals, their ``+`` and
  template literals, arrays and objects of them, an element of such a table whatever the
  key, and string methods such as ``.replace("$0", "browser")`` of them), built at run time,
  or bound in a way not followed (a parameter, a loop variable);
- `from_input`: does any part of it come from an HTTP request (``req.query``,
  ``req.body``, ``req.params``, ``req.headers``, ``req.cookies``, ``req.param(...)``...,
  the destructured ``({ body }: Request)``, an AWS Lambda handler's ``event``) or, in a
  browser, from the page's URL (``location.search``, ``document.URL``...), through
  names, ``+``, template literals, objects, arrays and calls (a call of something that
  says it sanitizes or converts to a number stops it);
- `led_by_input`: does the request input make the *start* of the value (after at most a
  ``https://`` or ``//``): what decides where a URL points (SSRF, open redirect).

No whole-program analysis: values passed between functions are not followed.
"""

from __future__ import annotations

import enum
import re
import typing

from peer_lsp.rules.grammar_nodes import ancestors, text, unwrap
from peer_lsp.rules.literals import is_literal
from peer_lsp.rules.memo import memoized

if typing.TYPE_CHECKING:
    from tree_sitter import Node

_GRAMMAR = "javascript"
_MAX_DEPTH = 8
"""How many names deep a value is followed."""

_SCOPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
        "program",
    }
)
_BLOCKS = frozenset({"statement_block", "program", "switch_case", "else_clause"})
_TRANSPARENT = frozenset(
    {
        "parenthesized_expression",
        "await_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
        "spread_element",
    }
)

REQUEST_NAMES = frozenset({"req", "request", "ctx"})
"""Names an HTTP request (or Koa's context) is bound to by convention."""
INPUT_PROPERTIES = frozenset(
    {
        "query",
        "body",
        "params",
        "headers",
        "cookies",
        "signedCookies",
        "url",
        "originalUrl",
        "path",
        "files",
        "file",
        "rawBody",
    }
)
"""Properties of a request that carry what the client sent."""
_LOCATION_PARTS = frozenset({"href", "search", "hash", "pathname"})
"""``location.search`` and the like: the page's URL, which whoever links to it chooses."""
_PAGE_INPUTS = frozenset({"URL", "documentURI", "baseURI", "referrer", "name"})
"""``document.URL``, ``document.referrer``, ``window.name``: chosen by another page."""
_GLOBALS = frozenset({"window", "document", "self", "globalThis"})
_INPUT_METHODS = frozenset({"param", "header", "get"})
"""``req.param("x")``, ``req.header("x")``, ``req.get("x")`` (on ``req`` only: the
``request`` package's ``request.get(url)`` is a client)."""

_CLEAN_CALL = re.compile(
    r"saniti[sz]e|escape|purify|xss|encodeURI|parseInt|parseFloat|^Number$|^Boolean$"
    r"|basename|isValid|validat|normali[sz]eUrl|safe",
    re.IGNORECASE,
)
"""Calls whose result no longer carries the input's text as it was sent."""
_SCHEME_ONLY = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?(?://)?$")
"""The part of a URL before the host: ``https://``, ``//`` or nothing."""


class Origin(enum.Enum):
    """Where the value of an expression comes from."""

    LITERAL = "literal"
    """Only from constants: the same value on every run."""
    BUILT = "built"
    """From at least one value that is not a constant."""
    UNKNOWN = "unknown"
    """A name bound in a way not followed here (parameter, loop variable...)."""


def _inner(node: Node) -> Node:
    """The expression inside parentheses, ``await``, ``as T``, ``x!`` and spreads."""
    node = unwrap(node)
    while node.type in _TRANSPARENT and node.named_child_count:
        node = node.named_children[0]
    return node


def scope_of(node: Node) -> Node:
    """The innermost function around ``node``, else the file."""
    last = node
    for parent in ancestors(node):
        if parent.type in _SCOPES:
            return parent
        last = parent
    return last


# ---------------------------------------------------------------------------------------------
# Names to values


class Binding(typing.NamedTuple):
    """One way a name got its value: ``value`` is None when it is not an expression we see
    (a parameter); ``plain`` says the binding is an ``=`` or a declaration of the name alone
    (not ``+=``, not destructured, not a loop variable)."""

    node: Node
    value: Node | None
    plain: bool


def _bound_names(pattern: Node, data: bytes) -> list[str]:
    """The names a binding target binds: the identifier itself, every name of a
    destructuring pattern (not its keys or default values), or the root of ``a.b`` (a value
    stored into ``a``)."""
    names: list[str] = []
    stack = [pattern]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            names.append(text(current, data))
        elif kind in ("pair_pattern",):
            value = current.child_by_field_name("value")
            if value is not None:
                stack.append(value)
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            left = current.child_by_field_name("left")
            if left is not None:
                stack.append(left)
        elif kind in ("member_expression", "subscript_expression"):
            obj = current.child_by_field_name("object")
            if obj is not None:
                stack.append(obj)
        elif kind not in _SCOPES and kind not in ("type_annotation", "predefined_type"):
            stack.extend(current.named_children)
    return names


_BINDERS = frozenset(
    {
        "variable_declarator",
        "assignment_expression",
        "augmented_assignment_expression",
        "for_in_statement",
        "catch_clause",
    }
)


def _binding_of(node: Node) -> tuple[Node | None, Binding] | None:
    """The target a binder node binds and the `Binding` it makes."""
    kind = node.type
    if kind == "variable_declarator":
        target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        plain = target is not None and target.type == "identifier" and value is not None
        return target, Binding(node, value, plain=plain)
    if kind in ("assignment_expression", "augmented_assignment_expression"):
        target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
        target = unwrap(target) if target is not None else None
        plain = kind == "assignment_expression" and target is not None
        plain = plain and target is not None and target.type == "identifier"
        return target, Binding(node, value, plain=plain)
    if kind == "for_in_statement":
        target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
        return target, Binding(node, value, plain=False)
    if kind == "catch_clause":
        return node.child_by_field_name("parameter"), Binding(node, None, plain=False)
    return None


def _scope_index(scope: Node, data: bytes) -> dict[str, list[Binding]]:
    """Name -> its bindings in ``scope`` (parameters first, then in source order), nested
    functions left out; worked out once per run of the rules (`peer_lsp.rules.memo`)."""
    key = ("javascript-scope", scope.start_byte, scope.end_byte, scope.type)
    return memoized(data, key, lambda: _build_scope_index(scope, data))


def _build_scope_index(scope: Node, data: bytes) -> dict[str, list[Binding]]:
    index: dict[str, list[Binding]] = {}
    parameters = scope.child_by_field_name("parameters") or scope.child_by_field_name("parameter")
    if parameters is not None:
        for wanted in _bound_names(parameters, data):
            index.setdefault(wanted, []).append(Binding(parameters, None, plain=False))
    body = scope.child_by_field_name("body") if scope.type != "program" else scope
    stack = list(reversed(body.named_children)) if body is not None else []
    while stack:
        current = stack.pop()
        if current.type in _SCOPES:
            continue
        if current.type in _BINDERS:
            made = _binding_of(current)
            if made is not None and made[0] is not None:
                for wanted in dict.fromkeys(_bound_names(made[0], data)):
                    index.setdefault(wanted, []).append(made[1])
        stack.extend(reversed(current.named_children))
    for bindings in index.values():
        bindings.sort(key=lambda b: b.node.start_byte)
    return index


def _bindings_in(scope: Node, name: Node, wanted: str, data: bytes) -> list[Binding]:
    """The bindings of ``wanted`` in ``scope`` before ``name`` (nested functions skipped)."""
    found: list[Binding] = []
    for binding in _scope_index(scope, data).get(wanted, ()):
        node = binding.node
        if node.type == "formal_parameters" or node.end_byte <= name.start_byte:
            found.append(binding)
        elif (
            node.type in ("for_in_statement", "catch_clause") and node.start_byte < name.start_byte
        ):
            found.append(binding)  # the sink is inside the loop over these values
    return found


def bindings_of(name: Node, data: bytes) -> list[Binding]:
    """How identifier ``name`` got its value before it: its function's bindings of that name
    from the last plain one that runs on every path on, else the enclosing functions'."""
    wanted = text(name, data)
    scope = scope_of(name)
    while True:
        found = _bindings_in(scope, name, wanted, data)
        if found or scope.type == "program" or scope.parent is None:
            break
        scope = scope_of(scope)
    enclosing = {(node.start_byte, node.end_byte) for node in ancestors(name)}
    for index in range(len(found) - 1, -1, -1):
        binding = found[index]
        if not binding.plain:
            continue
        statement = binding.node.parent
        if statement is not None and statement.type in (
            "expression_statement",
            "lexical_declaration",
            "variable_declaration",
        ):
            statement = statement.parent
        if statement is not None and statement.type in _BLOCKS:
            block = (statement.start_byte, statement.end_byte)
            if block in enclosing or statement.type == "program":
                return found[index:]
    return found


# ---------------------------------------------------------------------------------------------
# Literal-only or built


def origin(node: Node, data: bytes) -> Origin:
    """Where the expression ``node`` (often a sink's argument) gets its value."""
    return _origin(_inner(node), data, _MAX_DEPTH)


def _origin(node: Node, data: bytes, depth: int) -> Origin:
    node = _inner(node)
    if node.type == "identifier":
        return _name_origin(node, data, depth)
    return Origin.LITERAL if _literal_only(node, data, depth) else Origin.BUILT


def _literal_only(node: Node, data: bytes, depth: int) -> bool:
    node = _inner(node)
    if is_literal(node, _GRAMMAR):
        return True
    if node.type == "identifier":
        return _name_origin(node, data, depth) is Origin.LITERAL
    if node.type == "template_string":
        return all(
            _literal_only(part.named_children[0], data, depth)
            for part in node.named_children
            if part.type == "template_substitution" and part.named_child_count
        )
    if node.type == "binary_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        return (
            left is not None
            and right is not None
            and _literal_only(left, data, depth)
            and _literal_only(right, data, depth)
        )
    if node.type == "array":
        return all(_literal_only(part, data, depth) for part in node.named_children)
    if node.type == "object":
        return all(
            pair.type == "pair"
            and (value := pair.child_by_field_name("value")) is not None
            and _literal_only(value, data, depth)
            for pair in node.named_children
            if pair.type != "comment"
        )
    if node.type == "subscript_expression":
        table = node.child_by_field_name("object")
        return table is not None and _literal_only(table, data, depth)
    if node.type == "call_expression":
        return _literal_method(node, data, depth)
    return False


_STRING_METHODS = frozenset(
    {"replace", "replaceAll", "concat", "trim", "toUpperCase", "toLowerCase", "slice"}
    | {"substring", "padStart", "padEnd", "repeat", "join"}
)
"""String and array methods whose result is made of their receiver and arguments only."""


def _literal_method(call: Node, data: bytes, depth: int) -> bool:
    """``"Your $0".replace("$0", "browser")``: a string method called on a literal-only value
    with literal-only arguments (a regular expression counts) gives a literal-only value."""
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if function is None or function.type != "member_expression" or arguments is None:
        return False
    receiver = function.child_by_field_name("object")
    method = function.child_by_field_name("property")
    if receiver is None or method is None or text(method, data) not in _STRING_METHODS:
        return False
    return _literal_only(receiver, data, depth) and all(
        argument.type == "regex" or _literal_only(argument, data, depth)
        for argument in arguments.named_children
        if argument.type != "comment"
    )


def _name_origin(name: Node, data: bytes, depth: int) -> Origin:
    if depth <= 0:
        return Origin.BUILT
    bindings = bindings_of(name, data)
    values = [b.value for b in bindings if b.value is not None]
    if any(not _literal_only(value, data, depth - 1) for value in values):
        return Origin.BUILT
    if not bindings or any(b.value is None or b.node.type == "for_in_statement" for b in bindings):
        return Origin.UNKNOWN
    return Origin.LITERAL


# ---------------------------------------------------------------------------------------------
# From request input


def from_input(node: Node, data: bytes, cleaners: re.Pattern[str] | None = None) -> bool:
    """Whether any part of ``node``'s value comes from an HTTP request (see the module
    docstring); a call of a method whose name matches ``cleaners`` also stops it."""
    return _tainted(_inner(node), data, _MAX_DEPTH, cleaners)


def _is_handler_event(name: Node, data: bytes) -> bool:
    """``event`` as the first parameter of an AWS Lambda handler (``exports.handler =``)."""
    for binding in bindings_of(name, data):
        if binding.value is not None or binding.node.type != "formal_parameters":
            continue
        function = binding.node.parent
        holder = function.parent if function is not None else None
        if holder is None:
            return False
        target = holder.child_by_field_name("left") or holder.child_by_field_name("name")
        return target is not None and text(target, data).lower().endswith("handler")
    return False


def _is_request_part(name: Node, data: bytes) -> bool:
    """A parameter destructured from the request: ``({ body, query }: Request, res)``."""
    wanted = text(name, data)
    if wanted not in INPUT_PROPERTIES:
        return False
    for binding in bindings_of(name, data):
        if binding.value is None and binding.node.type == "formal_parameters":
            first = binding.node.named_children[0] if binding.node.named_child_count else None
            return first is not None and "object_pattern" in _types(first)
    return False


def _types(node: Node) -> set[str]:
    found = {node.type}
    for child in node.named_children:
        found.add(child.type)
    return found


def _chain(node: Node, data: bytes) -> tuple[Node, list[str]]:
    """The root of ``a.b["c"].d`` and the property names after it (``["b", "c", "d"]``)."""
    names: list[str] = []
    while node.type in ("member_expression", "subscript_expression") or node.type in _TRANSPARENT:
        if node.type in _TRANSPARENT:
            if not node.named_child_count:
                break
            node = node.named_children[0]
            continue
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            names.append(text(prop, data) if prop is not None else "")
        else:
            index = node.child_by_field_name("index")
            names.append(text(index, data).strip("'\"`") if index is not None else "")
        obj = node.child_by_field_name("object")
        if obj is None:
            break
        node = obj
    names.reverse()
    return node, names


def is_input_access(node: Node, data: bytes) -> bool:
    """``req.query...``, ``req.body...``, ``ctx.request.body``...: the request's input."""
    root, names = _chain(_inner(node), data)
    if root.type != "identifier" or not names:
        return False
    base = text(root, data)
    if base in REQUEST_NAMES:
        return any(name in INPUT_PROPERTIES for name in names[:2])
    if base in _GLOBALS and names[0] == "location":
        names = names[1:]
        base = "location"
    if base == "location":
        return bool(names) and names[0] in _LOCATION_PARTS
    return base in _GLOBALS and names[0] in _PAGE_INPUTS


def _tainted(node: Node, data: bytes, depth: int, cleaners: re.Pattern[str] | None) -> bool:
    node = _inner(node)
    if depth <= 0:
        return False
    kind = node.type
    if kind == "identifier":
        if text(node, data) == "event" and _is_handler_event(node, data):
            return True
        if _is_request_part(node, data):
            return True
        return any(
            b.value is not None and _tainted(b.value, data, depth - 1, cleaners)
            for b in bindings_of(node, data)
        )
    if kind in ("member_expression", "subscript_expression"):
        if is_input_access(node, data):
            return True
        obj = node.child_by_field_name("object")
        return obj is not None and _tainted(obj, data, depth, cleaners)
    if kind in ("call_expression", "new_expression"):
        return _call_tainted(node, data, depth, cleaners)
    if kind == "template_string":
        return any(
            _tainted(part.named_children[0], data, depth, cleaners)
            for part in node.named_children
            if part.type == "template_substitution" and part.named_child_count
        )
    if kind == "binary_expression":
        return any(
            _tainted(side, data, depth, cleaners)
            for field in ("left", "right")
            if (side := node.child_by_field_name(field)) is not None
        )
    if kind == "ternary_expression":
        return any(
            _tainted(side, data, depth, cleaners)
            for field in ("consequence", "alternative")
            if (side := node.child_by_field_name(field)) is not None
        )
    if kind in ("object", "array"):
        return any(_tainted(part, data, depth, cleaners) for part in node.named_children)
    if kind == "pair":
        value = node.child_by_field_name("value")
        return value is not None and _tainted(value, data, depth, cleaners)
    if kind == "shorthand_property_identifier":
        return _tainted_name_text(node, data, depth, cleaners)
    return False


def _tainted_name_text(
    node: Node, data: bytes, depth: int, cleaners: re.Pattern[str] | None
) -> bool:
    """``{ name }`` in an object literal: the variable ``name``'s value."""
    return any(
        b.value is not None and _tainted(b.value, data, depth - 1, cleaners)
        for b in bindings_of(node, data)
    )


def _call_tainted(node: Node, data: bytes, depth: int, cleaners: re.Pattern[str] | None) -> bool:
    function = node.child_by_field_name("function") or node.child_by_field_name("constructor")
    if function is None:
        return False
    function = _inner(function)
    method = function
    if function.type == "member_expression":
        prop = function.child_by_field_name("property")
        obj = function.child_by_field_name("object")
        if prop is not None and obj is not None:
            method = prop
            name = text(prop, data)
            if is_input_access(function, data):
                return True  # req.query("x") in frameworks where it is a function
            receiver = _inner(obj)
            if (
                receiver.type == "identifier"
                and text(receiver, data) == "req"
                and (name in _INPUT_METHODS)
            ):
                return True
    callee = text(method, data)
    if _CLEAN_CALL.search(callee) or (cleaners is not None and cleaners.search(callee)):
        return False
    arguments = node.child_by_field_name("arguments")
    if arguments is not None and any(
        _tainted(arg, data, depth, cleaners) for arg in arguments.named_children
    ):
        return True
    if function.type == "member_expression":
        obj = function.child_by_field_name("object")
        return obj is not None and _tainted(obj, data, depth, cleaners)
    return False


# ---------------------------------------------------------------------------------------------
# Led by input


def led_by_input(node: Node, data: bytes) -> bool:
    """Whether request input makes the start of the value (after at most a scheme or
    ``//``): ``req.query.url + "/x"`` and ``"https://" + req.body.host`` are, while
    ``"https://example.com/" + req.query.path`` is not (the host is fixed)."""
    return _led(_inner(node), data, _MAX_DEPTH)


def _led(node: Node, data: bytes, depth: int) -> bool:
    node = _inner(node)
    if depth <= 0:
        return False
    kind = node.type
    if kind == "identifier":
        if _tainted(node, data, 1, None) and not bindings_with_values(node, data):
            return True  # a destructured request part or a handler's event
        return any(
            b.value is not None and _led(b.value, data, depth - 1)
            for b in bindings_of(node, data)
            if b.node.type != "augmented_assignment_expression"
        )
    if kind == "binary_expression":
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or operator is None:
            return False
        if operator.type in ("||", "??"):
            return _led(left, data, depth) or _led(right, data, depth)
        if operator.type != "+":
            return False
        if _is_scheme_only(left, data):
            return _led(right, data, depth)
        return _led(left, data, depth)
    if kind == "template_string":
        for part in node.named_children:
            if part.type == "string_fragment":
                if not _SCHEME_ONLY.match(text(part, data)):
                    return False
                continue
            if part.type == "template_substitution" and part.named_child_count:
                return _led(part.named_children[0], data, depth)
            if part.type == "escape_sequence":
                return False
        return False
    if kind == "ternary_expression":
        return any(
            _led(side, data, depth)
            for field in ("consequence", "alternative")
            if (side := node.child_by_field_name(field)) is not None
        )
    if kind in ("member_expression", "subscript_expression", "call_expression"):
        return _tainted(node, data, depth, None)
    return False


def bindings_with_values(name: Node, data: bytes) -> bool:
    """Whether ``name`` was given a value we can see (not only a parameter)."""
    return any(b.value is not None for b in bindings_of(name, data))


def _is_scheme_only(node: Node, data: bytes) -> bool:
    node = _inner(node)
    if node.type == "string":
        return bool(_SCHEME_ONLY.match(text(node, data)[1:-1]))
    if node.type == "template_string" and not any(
        part.type == "template_substitution" for part in node.named_children
    ):
        return bool(_SCHEME_ONLY.match(text(node, data)[1:-1]))
    if node.type == "binary_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        return (
            left is not None
            and right is not None
            and _is_scheme_only(left, data)
            and _is_scheme_only(right, data)
        )
    return False


# ---------------------------------------------------------------------------------------------
# Strings built at run time


_FORMATTERS = frozenset({"util.format", "format", "sprintf", "vsprintf", "printf"})


def built_string(node: Node, data: bytes) -> bool:
    """Whether ``node`` is a string built at run time with a part that is not a constant: a
    template literal with a substitution, ``+``, ``+=``, ``.concat(...)`` or
    ``util.format(...)``, directly or in the values of the names it uses."""
    return _built(_inner(node), data, _MAX_DEPTH)


def _stringy(node: Node, data: bytes, depth: int) -> bool:
    """A string literal, a template, a built string, or a name given one of them."""
    node = _inner(node)
    if node.type in ("string", "template_string"):
        return True
    if node.type == "identifier" and depth > 0:
        return any(
            b.value is not None and _stringy(b.value, data, depth - 1)
            for b in bindings_of(node, data)
        )
    return _built(node, data, depth)


def _built(node: Node, data: bytes, depth: int) -> bool:
    node = _inner(node)
    if depth <= 0:
        return False
    kind = node.type
    if kind == "identifier":
        for binding in bindings_of(node, data):
            value = binding.value
            if value is None:
                continue
            if binding.node.type == "augmented_assignment_expression":
                if not _literal_only(value, data, depth - 1):
                    return True
            elif _built(value, data, depth - 1):
                return True
        return False
    if kind == "template_string":
        return not _literal_only(node, data, depth)
    if kind == "binary_expression":
        operator = node.child_by_field_name("operator")
        if operator is None or operator.type != "+" or _literal_only(node, data, depth):
            return False
        return any(
            _stringy(side, data, depth)
            for field in ("left", "right")
            if (side := node.child_by_field_name(field)) is not None
        )
    if kind == "call_expression":
        return _built_call(node, data, depth)
    return False


def _built_call(node: Node, data: bytes, depth: int) -> bool:
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if function is None or arguments is None or arguments.type != "arguments":
        return False
    args = [a for a in arguments.named_children if a.type != "comment"]
    function = _inner(function)
    name = "".join(text(function, data).split())
    if function.type == "member_expression":
        prop = function.child_by_field_name("property")
        obj = function.child_by_field_name("object")
        if prop is not None and obj is not None and text(prop, data) == "concat":
            if not _stringy(obj, data, depth):
                return False
            return _built(obj, data, depth) or any(not _literal_only(a, data, depth) for a in args)
    if name in _FORMATTERS and args and _stringy(args[0], data, depth):
        return any(not _literal_only(a, data, depth) for a in args)
    return False


def string_text(node: Node, data: bytes) -> str:
    """The text of every string literal in ``node`` and in the values of the names it uses
    (followed as `bindings_of` does), joined by spaces: what an SQL check reads."""
    parts: list[str] = []
    seen: set[int] = set()
    stack = [(node, _MAX_DEPTH)]
    while stack:
        current, depth = stack.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        if current.type in ("string", "template_string"):
            parts.append(text(current, data))
        if current.type == "identifier" and depth > 0:
            parent = current.parent
            if parent is None or parent.child_by_field_name("property") != current:
                stack.extend(
                    (b.value, depth - 1) for b in bindings_of(current, data) if b.value is not None
                )
            continue
        if current.type in _SCOPES:
            continue
        stack.extend((child, depth) for child in reversed(current.named_children))
    return " ".join(parts)
