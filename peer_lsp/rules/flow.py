"""A value followed to its sink inside one Python function: literal-only or built at run time.

A sink's argument is often a local name (``cmd = "ls " + path`` then ``os.system(cmd)``).
`origin` finds every ``name = value`` and ``name += value`` before the sink in the same
function (the module for module code; nested functions and classes left out) and classifies
the values: literal-only when each is made of string literals, their concatenation, f-strings
whose parts are literals, ``%`` or ``.format`` of literals (or a name that is itself
literal-only), built otherwise. Branches are not told apart: the last plain ``=`` that runs on
every path to the sink (a statement of a block around it) overwrites what came before; from
there on, the name is built if any assignment is, literal-only if all are and nothing else
binds it (a parameter, a loop variable, an unpacking, an import), unknown otherwise, and a
check keeps its old judgement. Assignments after the sink (a loop's next turn) are not seen.
"""

from __future__ import annotations

import enum
import typing

from peer_lsp.rules.assignments import enclosing_scope
from peer_lsp.rules.grammar_nodes import ancestors, text, unwrap
from peer_lsp.rules.literals import is_literal
from peer_lsp.rules.memo import memoized, per_text

if typing.TYPE_CHECKING:
    from tree_sitter import Node

_GRAMMAR = "python"
_MAX_DEPTH = 8
"""How many names deep a value is followed (``a = "x"; b = a + "y"; eval(b)``)."""

_NESTED_SCOPES = frozenset({"function_definition", "lambda", "class_definition"})
_ASSIGNMENTS = frozenset({"assignment", "augmented_assignment"})


class Origin(enum.Enum):
    """Where the value of an expression comes from."""

    LITERAL = "literal"
    """Only from constants: the same value on every run."""
    BUILT = "built"
    """From at least one value that is not a constant."""
    UNKNOWN = "unknown"
    """A name bound in a way not followed here (parameter, loop variable, unpacking...)."""


def origin(node: Node, data: bytes) -> Origin:
    """Where the Python expression ``node`` (often a sink's argument) gets its value."""
    return _origin(unwrap(node), data, _MAX_DEPTH)


def _origin(node: Node, data: bytes, depth: int) -> Origin:
    node = unwrap(node)
    if node.type == "identifier":
        return _name_origin(node, data, depth)
    return Origin.LITERAL if _literal_only(node, data, depth) else Origin.BUILT


def _literal_only(node: Node, data: bytes, depth: int) -> bool:
    """Whether an expression is made only of constants (names followed to their values)."""
    node = unwrap(node)
    if is_literal(node, _GRAMMAR):
        return True
    if node.type == "identifier":
        return _name_origin(node, data, depth) is Origin.LITERAL
    if node.type == "string":
        return all(
            _literal_only(part.named_children[0], data, depth)
            for part in node.named_children
            if part.type == "interpolation" and part.named_child_count
        )
    if node.type == "concatenated_string":
        return all(_literal_only(part, data, depth) for part in node.named_children)
    if node.type in ("tuple", "expression_list"):
        return all(_literal_only(part, data, depth) for part in node.named_children)
    if node.type == "binary_operator":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        return (
            left is not None
            and right is not None
            and _literal_only(left, data, depth)
            and _literal_only(right, data, depth)
        )
    if node.type == "call":
        return _literal_format(node, data, depth)
    return False


def _literal_format(call: Node, data: bytes, depth: int) -> bool:
    """``"...".format(...)`` of a literal-only string with literal-only arguments."""
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if function is None or function.type != "attribute" or arguments is None:
        return False
    method = function.child_by_field_name("attribute")
    obj = function.child_by_field_name("object")
    if method is None or obj is None or text(method, data) != "format":
        return False
    values = []
    for arg in arguments.named_children:
        if arg.type == "comment":
            continue
        if arg.type != "keyword_argument":
            values.append(arg)
            continue
        value = arg.child_by_field_name("value")
        if value is None:
            return False
        values.append(value)
    return _literal_only(obj, data, depth) and all(_literal_only(v, data, depth) for v in values)


def _name_origin(name: Node, data: bytes, depth: int) -> Origin:
    """Every ``=`` and ``+=`` to ``name`` before it, in its function, classified together:
    built if any value is; literal-only if every value is and nothing else binds the name."""
    if depth <= 0:
        return Origin.BUILT
    values, bound_otherwise = _assigned_before(name, data)
    if any(not _literal_only(value, data, depth - 1) for value in values):
        return Origin.BUILT
    if bound_otherwise or not values:
        return Origin.UNKNOWN
    return Origin.LITERAL


def _assigned_before(name: Node, data: bytes) -> tuple[list[Node], bool]:
    """The values assigned to ``name``'s identifier before it in its scope, from the last
    plain ``=`` that always runs before it (a statement of a block around it) on; and whether
    the name is also bound another way since (``for``, ``with``, unpacking, a parameter...),
    which we cannot classify."""
    wanted = text(name, data)
    index = _scope_index(enclosing_scope(name, _GRAMMAR), data)
    assignments: list[Node] = []
    others: list[int] = []
    for node in index.assignments.get(wanted, ()):
        if node.start_byte >= name.start_byte:
            continue
        complete = node.child_by_field_name("right") is not None
        if complete and node.end_byte <= name.start_byte:
            assignments.append(node)
        else:
            others.append(node.start_byte)
    others.extend(at for at in index.others.get(wanted, ()) if at < name.start_byte)
    assignments.sort(key=lambda node: node.start_byte)
    cut = _last_dominating(assignments, name)
    kept = assignments[max(cut, 0) :]
    since = kept[0].start_byte if cut >= 0 else -1
    values = [value for node in kept if (value := node.child_by_field_name("right")) is not None]
    return values, any(at > since for at in others)


class _ScopeIndex(typing.NamedTuple):
    """Where each name is bound in one scope (nested scopes left out), gathered in one walk:
    the rules ask about many names of the same function, and walking it for each would be
    quadratic in its length."""

    assignments: dict[str, list[Node]]
    """``name = ...`` / ``name += ...`` statements, by name."""
    others: dict[str, list[int]]
    """Where the name is bound another way (parameter, loop, unpacking, import...)."""
    values: dict[str, list[tuple[int, Node]]]
    """Every value bound to the name (assignments alone or unpacked, ``for``, ``with``,
    walrus), with where the binding starts."""


def _scope_index(scope: Node, data: bytes) -> _ScopeIndex:
    key = ("python-scope", scope.start_byte, scope.end_byte, scope.type)
    return memoized(data, key, lambda: _build_scope_index(scope, data))


def _build_scope_index(scope: Node, data: bytes) -> _ScopeIndex:
    assignments: dict[str, list[Node]] = {}
    others: dict[str, list[int]] = {}
    values: dict[str, list[tuple[int, Node]]] = {}
    stack = list(scope.named_children)
    while stack:
        current = stack.pop()
        if current.type in _NESTED_SCOPES:
            continue
        _index_values(current, data, values)
        if current.type in _ASSIGNMENTS:
            target = current.child_by_field_name("left")
            if target is not None and target.type == "identifier":
                assignments.setdefault(text(target, data), []).append(current)
                stack.extend(c for c in current.named_children if c != target)
                continue
        elif current.type == "identifier" and _binds_otherwise(current, text(current, data), data):
            others.setdefault(text(current, data), []).append(current.start_byte)
        stack.extend(current.named_children)
    return _ScopeIndex(assignments, others, values)


def _index_values(current: Node, data: bytes, values: dict[str, list[tuple[int, Node]]]) -> None:
    kind = current.type
    target: Node | None = None
    value: Node | None = None
    if kind in _ASSIGNMENTS or kind == "for_statement":
        target = current.child_by_field_name("left")
        value = current.child_by_field_name("right")
    elif kind == "named_expression":
        target = current.child_by_field_name("name")
        value = current.child_by_field_name("value")
    elif kind == "as_pattern":
        target = current.child_by_field_name("alias")
        value = current.named_children[0] if current.named_child_count else None
    if target is None or value is None:
        return
    for bound in _target_names(target, data):
        values.setdefault(bound, []).append((current.start_byte, value))


def _target_names(target: Node, data: bytes) -> list[str]:
    if target.type == "identifier":
        return [text(target, data)]
    if target.type in (
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "as_pattern_target",
        "list_splat_pattern",
        "parenthesized_expression",
    ):
        return [n for child in target.named_children for n in _target_names(child, data)]
    return []


def _last_dominating(assignments: list[Node], name: Node) -> int:
    """The index of the last plain ``=`` that is a statement of a block enclosing ``name``
    (so it runs, and overwrites what came before, on every path to ``name``); -1 if none."""
    enclosing = {(node.start_byte, node.end_byte) for node in ancestors(name)}
    for index in range(len(assignments) - 1, -1, -1):
        node = assignments[index]
        block = node.parent
        if block is not None and block.type == "expression_statement":
            block = block.parent
        if node.type != "assignment" or block is None or block.type not in ("block", "module"):
            continue
        if (block.start_byte, block.end_byte) in enclosing:
            return index
    return -1


def _binds_otherwise(node: Node, wanted: str, data: bytes) -> bool:
    """Whether identifier ``node`` binds ``wanted`` other than by a plain ``=``/``+=`` to the
    name alone: a parameter, a loop or ``with`` target, an unpacking, a walrus, ``global``,
    ``nonlocal`` or an import."""
    if node.type != "identifier" or text(node, data) != wanted or node.parent is None:
        return False
    parent = node.parent
    if parent.type in _BINDING_PARENTS:
        return True
    first = parent.named_children[0] if parent.named_child_count else None
    if parent.type in ("typed_parameter", "list_splat_pattern", "dictionary_splat_pattern"):
        return first == node
    for field in _BINDING_FIELDS.get(parent.type, ()):
        if parent.child_by_field_name(field) == node:
            return True
    return False


_BINDING_PARENTS = frozenset(
    {
        "parameters",
        "lambda_parameters",
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "as_pattern_target",
        "global_statement",
        "nonlocal_statement",
        "dotted_name",
    }
)
"""Parents whose identifier children are all bound names."""

_BINDING_FIELDS: dict[str, tuple[str, ...]] = {
    "for_statement": ("left",),
    "named_expression": ("name",),
    "default_parameter": ("name",),
    "typed_default_parameter": ("name",),
    "aliased_import": ("alias",),
}
"""Parents that bind the identifier in one of their fields."""


# -- values from outside ---------------------------------------------------------------------

_REQUEST_NAMES = frozenset({"request", "req"})
_REQUEST_INPUTS = frozenset(
    {"args", "form", "values", "json", "data", "files", "headers", "cookies", "body"}
    | {"GET", "POST", "FILES", "COOKIES", "META", "query_params", "path_params", "params"}
    | {"match_info", "matchdict", "query", "get_json", "get_data", "query_string"}
    | {"view_args", "stream", "content", "text", "raw_post_data"}
)
"""Attributes of a web framework's request object that carry what the client sent."""

_INPUT_CALLS = frozenset({"input", "raw_input", "getopt.getopt", "getopt.gnu_getopt"})
_INPUT_VALUES = frozenset({"sys.argv", "flask.request"})
_ENVIRONMENT_CALLS = frozenset({"os.getenv", "getenv", "os.environ.get", "environ.get"})
_ENVIRONMENT_VALUES = frozenset({"os.environ", "environ"})

_CLEANERS = frozenset(
    {"int", "float", "bool", "len", "shlex.quote", "pipes.quote", "quote", "escape"}
    | {"html.escape", "markupsafe.escape", "secure_filename", "werkzeug.utils.secure_filename"}
    | {"os.path.basename", "basename", "uuid.UUID", "hash", "abs", "round"}
)
"""Calls whose result no longer carries the text of their argument, or carries it made safe."""

_CLEANER_METHODS = frozenset(
    {"quote", "escape", "basename", "render_template", "render_to_string", "format_html"}
)
"""Method names that clean whatever object they are called on (``markupsafe.escape``)."""

_ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route"})
_MAX_NODES = 400
"""How many tree nodes one `from_input` question may visit in an expression."""


def from_input(
    node: Node, data: bytes, *, environment: bool = True, web_only: bool = False
) -> bool:
    """Whether the Python expression ``node`` carries a value from outside the program.

    Outside means a web request (``request.args``, ``request.GET[...]``, ``request.json``,
    Flask route parameters, the ``event`` of an AWS Lambda handler), the command line
    (``sys.argv``, ``getopt``), the environment (``os.environ``, ``os.getenv``) or
    ``input()``. Local names are followed to every value bound to them earlier in the same
    function (``=``, ``+=``, unpacking, ``for``, ``with``); ``int()``, ``shlex.quote()``,
    ``secure_filename()``-like calls and a lookup in a constant table end the trail. With
    ``environment=False`` the environment does not count (``$EDITOR`` names a program the
    user chose); with ``web_only=True`` only a web request counts (a command-line tool opening
    the file named in its arguments is doing its job).
    """
    if not may_hold_input(data, web_only=web_only):
        return False
    calls, values = _INPUT_CALLS, _INPUT_VALUES
    if web_only:
        calls, values = frozenset(), frozenset({"flask.request"})
    elif environment:
        calls, values = calls | _ENVIRONMENT_CALLS, values | _ENVIRONMENT_VALUES
    return _carries_input(unwrap(node), data, _MAX_DEPTH, _Walk([_MAX_NODES], calls, values))


_WEB_WORDS = (b"request", b"event", b"route", b"@app.", b"@router.", b"@bp.", b"req.")
_LOCAL_WORDS = (b"argv", b"environ", b"getenv", b"input(", b"getopt")


def _words_in(data: bytes) -> tuple[bool, bool]:
    """Whether the document mentions a web input at all, and a local one (argv, environment,
    ``input()``): without either word no value in it can come from outside, and the walks
    through its assignments are skipped (the rules ask on every call of common shapes)."""
    return per_text(
        data,
        ("python-input-words",),
        lambda: (any(w in data for w in _WEB_WORDS), any(w in data for w in _LOCAL_WORDS)),
    )


def may_hold_input(data: bytes, *, web_only: bool = False) -> bool:
    """Whether any value in the document may come from outside (see `_words_in`)."""
    web, local = _words_in(data)
    return web or (local and not web_only)


class _Walk(typing.NamedTuple):
    """What one `from_input` question shares: its node budget and the sources counted."""

    budget: list[int]
    calls: frozenset[str]
    values: frozenset[str]


def _carries_input(node: Node, data: bytes, depth: int, walk: _Walk) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        walk.budget[0] -= 1
        if walk.budget[0] < 0:
            return False
        kind = current.type
        if kind in _NESTED_SCOPES or kind in ("string_content", "comment"):
            continue
        if kind == "identifier":
            if _name_from_input(current, data, depth, walk):
                return True
            continue
        if kind in ("attribute", "subscript", "call"):
            verdict = _input_source(current, data, walk)
            if verdict is not None:
                if verdict:
                    return True
                continue
            if kind == "attribute":
                base = current.child_by_field_name("object")
                if base is not None:
                    stack.append(base)  # ``x.y`` carries what ``x`` carries; ``y`` is a field
                continue
            if kind == "call":
                function = current.child_by_field_name("function")
                arguments = current.child_by_field_name("arguments")
                if function is not None and function.type == "attribute":
                    stack.append(function)
                if arguments is not None:
                    stack.append(arguments)
                continue
        if kind == "keyword_argument":
            value = current.child_by_field_name("value")
            if value is not None:
                stack.append(value)
            continue
        stack.extend(current.named_children)
    return False


def _input_source(node: Node, data: bytes, walk: _Walk) -> bool | None:
    """True for an input source itself, False for a cleaner or a constant-table lookup (the
    walk stops there), None for anything else (the walk goes on into it)."""
    if node.type == "call":
        function = node.child_by_field_name("function")
        name = "".join(text(function, data).split()) if function is not None else ""
        if name in walk.calls:
            return True
        if name in _CLEANERS or name.rsplit(".", 1)[-1] in _CLEANER_METHODS:
            return False
        return None
    name = "".join(text(node, data).split())
    head = name.split("[", 1)[0]
    if head in walk.values or any(head.startswith(v + ".") for v in walk.values):
        return True
    parts = head.split(".")
    if len(parts) >= 2 and parts[-2] in _REQUEST_NAMES and parts[-1] in _REQUEST_INPUTS:
        return True
    if len(parts) >= 3 and parts[0] in ("self", "flask") and parts[1] in _REQUEST_NAMES:
        return parts[2] in _REQUEST_INPUTS or None
    if node.type == "subscript":
        table = node.child_by_field_name("value")
        if table is not None and table.type == "identifier" and _constant_table(table, data):
            return False
    return None


def _constant_table(name: Node, data: bytes) -> bool:
    """``name`` only ever held a dict, list, tuple or set display of constants."""
    values, bound_otherwise = _assigned_before(name, data)
    return (
        bool(values)
        and not bound_otherwise
        and all(
            value.type in ("dictionary", "list", "tuple", "set")
            and all(_literal_only(part, data, 1) for part in _leaves(value))
            for value in values
        )
    )


def _leaves(display: Node) -> list[Node]:
    leaves: list[Node] = []
    for child in display.named_children:
        if child.type == "pair":
            leaves.extend(child.named_children)
        elif child.type != "comment":
            leaves.append(child)
    return leaves


def _name_from_input(name: Node, data: bytes, depth: int, walk: _Walk) -> bool:
    """A local name is input when a value bound to it before ``name`` is, when it is the
    ``event`` of a Lambda handler, or a parameter of a web route."""
    if depth <= 0:
        return False
    wanted = text(name, data)
    scope = enclosing_scope(name, _GRAMMAR)
    if scope.type == "function_definition" and _is_input_parameter(scope, wanted, data):
        return True
    return any(
        _carries_input(value, data, depth - 1, walk)
        for value in _bound_values(scope, wanted, name, data)
    )


def _is_input_parameter(function: Node, wanted: str, data: bytes) -> bool:
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        return False
    names = [
        text(p if p.type == "identifier" else p.named_children[0], data)
        for p in parameters.named_children
        if p.type == "identifier" or (p.named_child_count and p.type.endswith("parameter"))
    ]
    if wanted not in names:
        return False
    if wanted == "event" and "context" in names:
        return True  # an AWS Lambda handler: def handler(event, context)
    decorated = function.parent
    if decorated is None or decorated.type != "decorated_definition":
        return False
    for decorator in decorated.named_children:
        if decorator.type != "decorator" or not decorator.named_child_count:
            continue
        call = decorator.named_children[0]
        function_node = call.child_by_field_name("function") if call.type == "call" else None
        if function_node is not None and function_node.type == "attribute":
            method = function_node.child_by_field_name("attribute")
            if method is not None and text(method, data) in _ROUTE_DECORATORS:
                return True
    return False


def _bound_values(scope: Node, wanted: str, name: Node, data: bytes) -> list[Node]:
    """Every value bound to ``wanted`` before ``name`` in ``scope`` (nested scopes left out):
    the right side of an assignment to it (alone, in a tuple, or in a chain), the iterable of
    a ``for`` over it, the context of a ``with ... as`` it, a walrus."""
    bound = _scope_index(scope, data).values.get(wanted, ())
    return [value for start, value in bound if start < name.start_byte]


def flow_values(name: Node, data: bytes) -> list[Node]:
    """The values a local name may hold at ``name`` (see `origin` for which assignments
    count); empty when it is also bound another way."""
    values, bound_otherwise = _assigned_before(unwrap(name), data)
    return [] if bound_otherwise else values


def bound_before(name: Node, data: bytes) -> list[Node]:
    """Every value bound to the local ``name`` before it in its function (``=``, unpacking,
    ``for``, ``with ... as``, walrus), whatever path leads there."""
    name = unwrap(name)
    scope = enclosing_scope(name, _GRAMMAR)
    return _bound_values(scope, text(name, data), name, data)
