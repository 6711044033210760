"""A Go value followed to its sink inside one function: constant, built at run time, or input.

A sink's argument is often a local name (``q := "SELECT ... " + id`` then ``db.Query(q)``).
`origin` finds every binding of the name before the sink in its function (``:=``, ``=``,
``var``, ``const``, ``+=``; the file's top-level ``var``/``const`` when the function binds it
nowhere; closures left out) and classifies what they give it:

- constant: string and number literals, their ``+``, names only ever given constants,
  ``fmt.Sprintf`` whose format and arguments are constants (an argument printed with a
  numeric verb such as ``%d`` counts, it cannot carry text), ``strings.Join`` of constants,
  a ``strings.Builder`` written only constants, numbers formatted by ``strconv``, quoted
  identifiers (``pq.QuoteIdentifier``), ``len``, ``os.Executable()``, ``exec.LookPath`` of a
  constant, composite literals of constants and their elements;
- built: text made at run time with a part that is not constant (``+``, ``+=``,
  ``Sprintf``, ``Join``, a builder);
- input: anything else used as it is (a parameter, a call's result, a field).

Branches are not told apart (every binding before the sink counts) and bindings after the
sink (a loop's next turn) are not seen. With ``callers``, a parameter of a function of the
file is constant when every call of it in the file passes a constant there.
"""

from __future__ import annotations

import contextvars
import enum
import re
import typing

from peer_lsp.rules.assignments import enclosing_scope
from peer_lsp.rules.grammar_nodes import arguments_of, callee_text, text, unwrap
from peer_lsp.rules.literals import string_value
from peer_lsp.rules.memo import memoized

if typing.TYPE_CHECKING:
    from collections.abc import Iterator

    from tree_sitter import Node

STRINGS = frozenset({"interpreted_string_literal", "raw_string_literal"})
_NUMBERS = frozenset({"int_literal", "float_literal", "imaginary_literal", "rune_literal"})
_ATOMS = STRINGS | _NUMBERS | {"true", "false", "nil", "iota"}
_MAX_DEPTH = 8
"""How many names deep a value is followed (``a := "x"; b := a + "y"``)."""

_BINDINGS = {
    "short_var_declaration": ("left", "right"),
    "assignment_statement": ("left", "right"),
    "var_spec": ("name", "value"),
    "const_spec": ("name", "value"),
}
_FORMATTERS = frozenset({"fmt.Sprintf", "fmt.Sprint", "fmt.Sprintln", "fmt.Errorf"})
_SAFE_CALLS = frozenset(
    {"strconv.Itoa", "strconv.FormatInt", "strconv.FormatUint", "strconv.FormatFloat"}
    | {"strconv.FormatBool", "len", "cap", "make", "pq.QuoteIdentifier", "pq.QuoteLiteral"}
    | {"int", "int32", "int64", "uint", "uint32", "uint64", "float32", "float64"}
    | {"os.Executable", "runtime.GOOS", "runtime.GOARCH", "strconv.Atoi", "strconv.ParseInt"}
    | {"strconv.ParseUint", "strconv.ParseFloat", "strconv.ParseBool"}
)
"""Calls whose result cannot carry text that changes a statement or a command line."""
_JOINS = frozenset({"strings.Join", "path.Join", "filepath.Join", "strings.Repeat"})
_WRITES = frozenset({"WriteString", "WriteByte", "WriteRune", "Write"})
_VERB = re.compile(r"%[-+# 0]*(\[\d+\])?(\*|\d+)?(?:\.(\*|\d+)?)?([a-zA-Z%])")
_NUMERIC_VERBS = frozenset("dbcoOxXeEfFgGtU")


class Origin(enum.IntEnum):
    """Where the value of a Go expression comes from (worse is larger)."""

    CONSTANT = 0
    """The same value on every run, or one that cannot carry text (a number)."""
    INPUT = 1
    """A value from outside used as it is (a parameter, a call's result, a field)."""
    BUILT = 2
    """Text made at run time from a part that is not constant."""


def origin(node: Node, data: bytes, *, callers: bool = False) -> Origin:
    """Where the Go expression ``node`` (often a sink's argument) gets its value."""
    return _origin(unwrap(node), data, 0, callers)


def is_constant(node: Node, data: bytes, *, callers: bool = False) -> bool:
    """Whether ``node`` has the same value on every run (see the module docstring)."""
    return origin(node, data, callers=callers) is Origin.CONSTANT


def is_built(node: Node, data: bytes) -> bool:
    """Whether ``node`` is text made at run time from a part that is not constant."""
    return origin(node, data) is Origin.BUILT


_SEEN: contextvars.ContextVar[dict[tuple[int, int, str, bool], Origin] | None]
_SEEN = contextvars.ContextVar("go_flow_seen", default=None)
"""The origins found so far in one question, by node: a name's values reached again along
another path are not worked out again (without it, long functions took minutes)."""


def _origin(node: Node, data: bytes, depth: int, callers: bool) -> Origin:
    seen = _SEEN.get()
    if seen is None:
        token = _SEEN.set({})
        try:
            return _origin(node, data, depth, callers)
        finally:
            _SEEN.reset(token)
    node = _element(node)
    key = (node.start_byte, node.end_byte, node.type, callers)
    known = seen.get(key)
    if known is not None:
        return known
    seen[key] = Origin.INPUT  # asked again while being worked out: a value made from itself
    found = _origin_of(node, data, depth, callers)
    seen[key] = found
    return found


def _origin_of(node: Node, data: bytes, depth: int, callers: bool) -> Origin:
    if node.type in _ATOMS:
        return Origin.CONSTANT
    if depth > _MAX_DEPTH:
        return Origin.INPUT
    deeper = depth + 1
    if node.type == "binary_expression":
        parts = [node.child_by_field_name("left"), node.child_by_field_name("right")]
        found = [_origin(p, data, deeper, False) for p in parts if p is not None]
        if all(o is Origin.CONSTANT for o in found) or text(node.child(1), data) != "+":
            return Origin.CONSTANT  # only + joins text; the others make numbers or booleans
        return Origin.BUILT
    if node.type == "identifier":
        return _name_origin(node, data, deeper, callers)
    if node.type in ("index_expression", "slice_expression"):
        operand = node.child_by_field_name("operand")
        return _origin(operand, data, deeper, False) if operand is not None else Origin.INPUT
    if node.type == "call_expression":
        return _call_origin(node, data, deeper)
    if node.type in ("composite_literal", "literal_value"):
        body = node.child_by_field_name("body") if node.type == "composite_literal" else node
        items = [_element(n) for n in body.named_children] if body is not None else []
        values = [i.named_children[-1] if i.type == "keyed_element" else i for i in items]
        return _combine([_origin(v, data, deeper, False) for v in values], Origin.INPUT)
    if node.type == "selector_expression" and callee_text(node, data) in _SAFE_CALLS:
        return Origin.CONSTANT
    return Origin.INPUT


def _combine(found: list[Origin], otherwise: Origin) -> Origin:
    """CONSTANT when every part is, else ``otherwise``."""
    return Origin.CONSTANT if all(o is Origin.CONSTANT for o in found) else otherwise


def _call_origin(call: Node, data: bytes, depth: int) -> Origin:
    name = callee_text(call, data)
    args = arguments_of(call)
    if name in _SAFE_CALLS:
        return Origin.CONSTANT
    if name in _FORMATTERS:
        return _format_origin(name, args, data, depth)
    if name in _JOINS or name == "append":
        return _combine([_origin(a, data, depth, False) for a in args], Origin.BUILT)
    if name in ("exec.LookPath", "string") and len(args) == 1:
        return _origin(args[0], data, depth, False)
    function = call.child_by_field_name("function")
    if function is not None and function.type == "selector_expression" and not args:
        field = function.child_by_field_name("field")
        operand = function.child_by_field_name("operand")
        if field is not None and text(field, data) == "String" and operand is not None:
            return _builder_origin(unwrap(operand), call, data, depth)
    return Origin.INPUT


def _format_origin(name: str, args: list[Node], data: bytes, depth: int) -> Origin:
    """``fmt.Sprintf(format, args...)``: constant when the format is and every argument is
    either constant or printed with a numeric verb; built otherwise."""
    if not args or args[0].type == "variadic_argument":
        return Origin.BUILT
    if name not in {"fmt.Sprintf", "fmt.Errorf"}:
        return _combine([_origin(a, data, depth, False) for a in args], Origin.BUILT)
    format_node, values = args[0], args[1:]
    if _origin(format_node, data, depth, False) is not Origin.CONSTANT:
        return Origin.BUILT
    verbs = [m for m in _VERB.finditer(string_text(format_node, data)) if m.group(4) != "%"]
    simple = not any(m.group(1) or "*" in m.group(0) for m in verbs)
    for index, value in enumerate(values):
        if _origin(value, data, depth, False) is Origin.CONSTANT:
            continue
        numeric = simple and index < len(verbs) and verbs[index].group(4) in _NUMERIC_VERBS
        if not numeric:
            return Origin.BUILT
    return Origin.CONSTANT


def _builder_origin(builder: Node, use: Node, data: bytes, depth: int) -> Origin:
    """``b.String()`` of a ``strings.Builder``/``bytes.Buffer`` written before ``use``:
    constant when every write is, built when one is not; input when nothing is written."""
    if builder.type == "identifier":
        writes = list(_writes(builder, use, data))
        if writes:
            return _combine([_origin(w, data, depth, False) for w in writes], Origin.BUILT)
    return Origin.INPUT


def _writes(builder: Node, use: Node, data: bytes) -> Iterator[Node]:
    """The values written into the builder named ``builder`` before ``use`` in its function:
    ``b.WriteString(v)`` and ``fmt.Fprintf(&b, format, args...)``."""
    for call, written in _builder_writes(enclosing_scope(use, "go"), data).get(
        text(builder, data), ()
    ):
        if call.end_byte <= use.start_byte:
            yield from written


def _builder_writes(scope: Node, data: bytes) -> dict[str, list[tuple[Node, list[Node]]]]:
    """The writes into each builder name in ``scope``, closures left out: the call and the
    values it writes, in the order of a walk from the last statement back (the order the
    writes have always been read in). Indexed once per function and run of the rules
    (`peer_lsp.rules.memo`): walking the function for every ``b.String()`` made a function
    of many builders quadratic."""

    def build() -> dict[str, list[tuple[Node, list[Node]]]]:
        index: dict[str, list[tuple[Node, list[Node]]]] = {}
        stack = [scope]
        while stack:
            node = stack.pop()
            if node.type == "call_expression":
                found = _write_of(node, data)
                if found is not None:
                    index.setdefault(found[0], []).append((node, found[1]))
            if node is scope or node.type != "func_literal":
                stack.extend(node.named_children)
        return index

    return memoized(data, ("go-builder-writes", scope.start_byte, scope.end_byte), build)


def _write_of(call: Node, data: bytes) -> tuple[str, list[Node]] | None:
    """The builder a call writes into and the values it writes (``b.WriteString(v)``,
    ``fmt.Fprintf(&b, format, args...)``); None for any other call."""
    function = call.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return None
    operand = function.child_by_field_name("operand")
    field = function.child_by_field_name("field")
    if operand is None or field is None:
        return None
    args = arguments_of(call)
    if text(field, data) in _WRITES:
        return text(operand, data), list(args)
    if callee_text(call, data).startswith("fmt.Fprint") and args:
        return text(args[0], data).lstrip("&"), list(args[1:])
    return None


def bound_values(statement: Node, name: str, data: bytes) -> list[Node]:
    """The values ``statement`` gives to ``name``: the matching right-hand expression, or the
    one call on the right of ``x, err := f()``; empty when it binds no such name."""
    fields = _BINDINGS.get(statement.type)
    if fields is None:
        return []
    if statement.type in ("var_spec", "const_spec"):
        targets = statement.children_by_field_name(fields[0])
    else:
        left = statement.child_by_field_name(fields[0])
        targets = left.named_children if left is not None else []
    right = statement.child_by_field_name(fields[1])
    values = (right.named_children if right.type == "expression_list" else [right]) if right else []
    for index, target in enumerate(targets):
        if target.type == "identifier" and text(target, data) == name:
            if len(values) == len(targets):
                return [values[index]]
            return [values[0]] if len(values) == 1 and index == 0 else []
    return []


def bindings(use: Node, data: bytes) -> list[Node]:
    """Every value given to the identifier ``use`` before it in its function (``+=`` gives
    the appended part), in source order; else the values of the file's top-level
    ``var``/``const`` of that name; empty for a parameter, a range variable, a name from
    another file."""
    name = text(use, data)
    scope = enclosing_scope(use, "go")
    found = [
        (node.start_byte, value)
        for node in _binding_statements(scope, data).get(name, ())
        if node.end_byte <= use.start_byte
        for value in bound_values(node, name, data)
        if not _shadowed(node, use, scope, name, data)
    ]
    if scope.type != "source_file":
        root = scope
        while root.parent is not None:
            root = root.parent
        for declaration in root.named_children:
            if declaration.type in ("var_declaration", "const_declaration"):
                for spec in declaration.named_children:
                    found += [(-1, v) for v in bound_values(spec, name, data)]
    return [value for _, value in sorted(found, key=lambda pair: pair[0])]


def _binding_statements(scope: Node, data: bytes) -> dict[str, list[Node]]:
    """The statements of ``scope`` that bind each name, closures left out, indexed once per
    function and run of the rules (`peer_lsp.rules.memo`): `bindings` is asked for every
    hasher, digest and query of a function, and walking the function again each time made a
    long one quadratic (1,400 hashers in one function: minutes)."""

    def build() -> dict[str, list[Node]]:
        index: dict[str, list[Node]] = {}
        stack = [scope]
        while stack:
            node = stack.pop()
            for name in _bound_names(node, data):
                index.setdefault(name, []).append(node)
            if node is scope or node.type != "func_literal":
                stack.extend(node.named_children)
        return index

    return memoized(data, ("go-bindings", scope.start_byte, scope.end_byte, scope.type), build)


def _bound_names(statement: Node, data: bytes) -> set[str]:
    """The identifiers ``statement`` binds (`bound_values` gives their values)."""
    fields = _BINDINGS.get(statement.type)
    if fields is None:
        return set()
    if statement.type in ("var_spec", "const_spec"):
        targets = statement.children_by_field_name(fields[0])
    else:
        left = statement.child_by_field_name(fields[0])
        targets = left.named_children if left is not None else []
    return {text(target, data) for target in targets if target.type == "identifier"}


def _shadowed(binding: Node, use: Node, scope: Node, name: str, data: bytes) -> bool:
    """``binding`` sits in a block that does not hold ``use`` and declares its own ``name``
    (``query := "base"`` in an inner block is another variable)."""
    node = binding.parent
    while node is not None and node is not scope:
        holds_use = node.start_byte <= use.start_byte < node.end_byte
        if node.type == "block" and not holds_use:
            statements = node.named_children
            if len(statements) == 1 and statements[0].type == "statement_list":
                statements = statements[0].named_children
            for statement in statements:
                declared = statement
                if statement.type == "var_declaration" and statement.named_child_count:
                    declared = statement.named_children[0]
                if declared.type in ("short_var_declaration", "var_spec") and bound_values(
                    declared, name, data
                ):
                    return True
        node = node.parent
    return False


def last_binding(use: Node, data: bytes) -> Node | None:
    """The value last given to the identifier ``use`` before it (see `bindings`)."""
    values = bindings(use, data)
    return values[-1] if values else None


def _name_origin(use: Node, data: bytes, depth: int, callers: bool) -> Origin:
    values = bindings(use, data)
    if not values:
        if callers and _parameter_given_constants(use, data, depth):
            return Origin.CONSTANT
        return Origin.INPUT
    found = [_origin(v, data, depth, False) for v in values]
    if all(o is Origin.CONSTANT for o in found):
        return Origin.CONSTANT
    appended = any(_appends(v) for v in values)
    return Origin.BUILT if appended or Origin.BUILT in found else Origin.INPUT


def _appends(value: Node) -> bool:
    """``value`` is the right side of ``name += value``."""
    statement = value.parent
    if statement is not None and statement.type == "expression_list":
        statement = statement.parent
    if statement is None or statement.type != "assignment_statement":
        return False
    operator = statement.child_by_field_name("operator")
    return operator is not None and operator.type == "+="


def _parameter_given_constants(use: Node, data: bytes, depth: int) -> bool:
    """``use`` names a parameter of a function of this file, and every call of that function
    in the file passes a constant there (``RunCmd("sleep")``): the value is known."""
    function = enclosing_scope(use, "go")
    name = function.child_by_field_name("name")
    parameters = function.child_by_field_name("parameters")
    if function.type != "function_declaration" or name is None or parameters is None:
        return False
    names = [
        text(n, data)
        for declaration in parameters.named_children
        for n in declaration.children_by_field_name("name")
    ]
    if text(use, data) not in names:
        return False
    index = names.index(text(use, data))
    root = function
    while root.parent is not None:
        root = root.parent
    calls = [
        arguments_of(n)
        for n in descendants(root)
        if n.type == "call_expression" and callee_text(n, data) == text(name, data)
    ]
    return bool(calls) and all(
        len(args) > index and _origin(args[index], data, depth + 1, False) is Origin.CONSTANT
        for args in calls
    )


_REQUEST_TYPES = re.compile(r"(?:http\.Request|gin\.Context|echo\.Context|fiber\.Ctx)$")


def request_names(node: Node, data: bytes) -> frozenset[str]:
    """The parameters of the function around ``node`` that hold the incoming request
    (``r *http.Request``, ``c *gin.Context``, ``c echo.Context``)."""
    function = enclosing_scope(node, "go")
    parameters = function.child_by_field_name("parameters")
    names: set[str] = set()
    for declaration in parameters.named_children if parameters is not None else []:
        kind = declaration.child_by_field_name("type")
        if kind is not None and _REQUEST_TYPES.search(text(kind, data)):
            names.update(text(n, data) for n in declaration.children_by_field_name("name"))
    return frozenset(names)


def depends_on(
    node: Node,
    names: frozenset[str],
    data: bytes,
    *,
    stops: frozenset[str] = frozenset(),
) -> bool:
    """Whether the value of ``node`` is computed from one of the local ``names`` (a request
    parameter), following local names to the values they were given; values passed through
    a call named in ``stops`` (an escaper such as ``html.EscapeString``) do not count.

    Each node is looked at once: a long function whose names are given values built from
    other names would otherwise be walked again along every path to each of them."""
    if not names:
        return False
    seen: set[tuple[int, int, str]] = set()
    pending: list[tuple[Node, int]] = [(unwrap(node), 0)]
    while pending:
        current, depth = pending.pop()
        place = (current.start_byte, current.end_byte, current.type)
        if place in seen or depth > _MAX_DEPTH:
            continue
        seen.add(place)
        if current.type == "call_expression" and callee_text(current, data) in stops:
            continue
        if current.type == "identifier":
            if text(current, data) in names:
                return True
            pending.extend((unwrap(value), depth + 1) for value in bindings(current, data))
            continue
        pending.extend((child, depth) for child in current.named_children)
    return False


def text_prefixes(node: Node, data: bytes, depth: int = 0) -> list[str]:
    """The constant text each value of ``node`` starts with, up to its first part that is
    not constant (one per binding of a local name: branches are not told apart)."""
    node = _element(node)
    if node.type in STRINGS:
        return [string_value(node, data)]
    if depth > _MAX_DEPTH:
        return [""]
    if node.type == "identifier":
        values = bindings(node, data)
        if not values or _origin(node, data, depth, False) is Origin.CONSTANT:
            return [string_text(node, data)] if values else [""]
        plain = [v for v in values if not _appends(v) and not _empty(v, data)]
        return [p for v in plain for p in text_prefixes(v, data, depth + 1)] or [""]
    if node.type == "binary_expression":
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return [""]
        heads = text_prefixes(left, data, depth + 1)
        if _origin(left, data, depth, False) is not Origin.CONSTANT:
            return heads
        return [h + t for h in heads for t in text_prefixes(right, data, depth + 1)]
    name = callee_text(node, data) if node.type == "call_expression" else ""
    if name.startswith("fmt.") and name.lower().endswith("printf"):
        args = arguments_of(node)
        args = args[1:] if name == "fmt.Fprintf" else args
        if args:
            formats = text_prefixes(args[0], data, depth + 1)
            return [_VERB.split(f, maxsplit=1)[0] for f in formats]
    return [""]


def _empty(value: Node, data: bytes) -> bool:
    """``value`` is the empty string literal (``url := ""`` before the branches that set it)."""
    return value.type in STRINGS and not string_value(value, data)


def string_text(node: Node, data: bytes, depth: int = 0) -> str:
    """The string literals a value is made of, joined by spaces, following local names,
    ``+``, ``Sprintf`` and builders (to tell what the text is: SQL, a URL...)."""
    node = _element(node)
    if node.type in STRINGS:
        return string_value(node, data)
    if depth > _MAX_DEPTH:
        return ""
    if node.type == "identifier":
        return " ".join(string_text(v, data, depth + 1) for v in bindings(node, data))
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        field = function.child_by_field_name("field") if function is not None else None
        operand = function.child_by_field_name("operand") if function is not None else None
        if field is not None and operand is not None and text(field, data) == "String":
            operand = unwrap(operand)
            if operand.type == "identifier":
                writes = _writes(operand, node, data)
                return " ".join(string_text(w, data, depth + 1) for w in writes)
        if callee_text(node, data) not in _FORMATTERS | _JOINS | {"append", "string"}:
            return ""
        return " ".join(string_text(a, data, depth + 1) for a in arguments_of(node))
    return " ".join(string_text(child, data, depth + 1) for child in node.named_children)


def descendants(node: Node) -> list[Node]:
    """Every named node under ``node``."""
    found, stack = [], list(node.named_children)
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.named_children)
    return found


def _element(node: Node) -> Node:
    """The expression inside a composite literal's ``literal_element``, parentheses and type
    conversions (``[]byte(s)``)."""
    node = unwrap(node)
    if node.type == "literal_element" and node.named_child_count == 1:
        node = unwrap(node.named_children[0])
    while node.type == "type_conversion_expression":
        operand = node.child_by_field_name("operand")
        if operand is None:
            break
        node = unwrap(operand)
    return node
