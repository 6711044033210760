r"""Evaluation that is the code's purpose: when ``eval``/``exec`` is not reported (py-eval).

``eval`` and ``exec`` are dangerous when what they run comes from outside. Three shapes say
the evaluation is deliberate, with the namespace it runs in chosen explicitly:

- code generation: the function writes the code (a string built there, or a local name it
  gave a value) and runs it in a namespace it builds itself, a dict display or ``dict()``
  (``namedtuple``, ``dataclasses``, ``timeit``, template compilers). A namespace built there
  for code that is a parameter passed straight through is a sandbox attempt
  (``eval(expression, {"__builtins__": None})``), and does not count;
- a frame's namespace (``frame.f_globals``, ``frame.f_locals``): a debugger evaluating what
  its user typed where the program stopped; or a module's (``exec(code, module.__dict__)``):
  an importer running a module's code, what ``import`` does;
- ``globals``/``locals`` parameters forwarded to ``exec``, the way ``exec`` names them
  (``def runctx(self, cmd, globals=None, locals=None)``): the function is an evaluation API
  like ``exec`` itself (profilers, tracers, debuggers); what it runs is its caller's choice,
  and a caller passing input is where the finding belongs. The same for a function named
  for evaluating (``runcode``, ``runsource``, ``evaluate``) that passes its own code
  parameter on unchanged (`evaluation_api`: ``code.InteractiveInterpreter.runcode``).

And one shape says what runs is known: the code is a name the enclosing ``if`` has just
checked against literals (``if value in ["True", "False", "None"]: value = eval(value)``, or
``value == "None"``): only those literals can run (`checked_against_literals`). Or the code
is a group of a regular expression matched in the function (``eval(m.group(1))``, or a name
unpacked from ``m.group(1, 3)``) whose pattern admits only names, dots, digits, quotes and
backslashes (``r"(\w+(\.\w+)*)"``, ``r'("(?:\\\d\d\d)*")'``): no text it admits can spell a
call, only a literal or a dotted name (`matched_without_calls`).
"""

from __future__ import annotations

import re
import typing

from peer_lsp.rules.assignments import assigned_value, enclosing_scope
from peer_lsp.rules.flow import bound_before
from peer_lsp.rules.grammar_nodes import arguments_of, text, unwrap

if typing.TYPE_CHECKING:
    from tree_sitter import Node


def deliberate_evaluation(call: Node, code: Node, data: bytes) -> bool:
    """Whether an ``eval``/``exec`` call of ``code`` is one of the deliberate shapes of the
    module docstring."""
    if (
        checked_against_literals(call, code, data)
        or evaluation_api(call, code, data)
        or matched_without_calls(code, data)
    ):
        return True
    namespaces = _namespace_arguments(call, data)
    if any(
        _in_frame(namespace, data) or _is_parameter(namespace, data) for namespace in namespaces
    ):
        return True
    return any(_own_namespace(namespace, data) for namespace in namespaces) and _built_here(
        code, data
    )


def _namespace_arguments(call: Node, data: bytes) -> list[Node]:
    """The ``globals`` and ``locals`` arguments of an ``eval``/``exec`` call (positional
    after the code, or by keyword), ``globals`` first when both are there."""
    found: dict[str, Node] = {}
    positional = 0
    for arg in arguments_of(call):
        if arg.type == "keyword_argument":
            name = arg.child_by_field_name("name")
            value = arg.child_by_field_name("value")
            if name is not None and value is not None and text(name, data) in _NAMESPACES:
                found[text(name, data)] = value
        elif arg.type not in ("list_splat", "dictionary_splat"):
            if 1 <= positional <= 2:
                found[_NAMESPACES[positional - 1]] = arg
            positional += 1
    return [found[name] for name in _NAMESPACES if name in found]


_NAMESPACES = ("globals", "locals")
_NAMESPACE_PARAMETERS = frozenset(
    {"globals", "locals", "globalns", "localns", "global_ns", "local_ns", "globs", "locs"}
)
_FRAME_NAMESPACE = re.compile(r"\bf_(?:globals|locals)\b|\bcurframe_locals\b|\.__dict__$")


def _in_frame(namespace: Node, data: bytes) -> bool:
    """A frame's own namespace (``frame.f_globals``, ``frame.f_locals``), also through a
    local name given one (``globals = self.curframe.f_globals``): a debugger or a profiler
    evaluating what its user typed where the program stopped."""
    if _FRAME_NAMESPACE.search(text(namespace, data)) is not None:
        return True
    namespace = unwrap(namespace)
    value = assigned_value(namespace, "python", data) if namespace.type == "identifier" else None
    return value is not None and _FRAME_NAMESPACE.search(text(value, data)) is not None


_EVALUATION_API = re.compile(
    r"^_?(?:run_?(?:code|source|command)|exec(?:_?(?:code|source))?"
    r"|eval(?:uate)?(?:_?(?:code|source|expression|expr))?)$",
    re.IGNORECASE,
)
"""Function names that say the function evaluates what it is given (``runcode``,
``runsource``, ``exec_code``, ``evaluate``): an interpreter's API, like ``exec`` itself."""


def evaluation_api(call: Node, code: Node, data: bytes) -> bool:
    """The function around ``call`` is named for evaluating code (`_EVALUATION_API`) and
    ``code`` is one of its parameters, passed on unchanged: the function is ``exec`` under
    another name (``InteractiveInterpreter.runcode``), and a caller passing input is where
    the finding belongs."""
    code = unwrap(code)
    if code.type != "identifier":
        return False
    scope = enclosing_scope(call, "python")
    name = scope.child_by_field_name("name")
    parameters = scope.child_by_field_name("parameters")
    if scope.type != "function_definition" or name is None or parameters is None:
        return False
    if not _EVALUATION_API.match(text(name, data)):
        return False
    wanted = text(code, data)
    return wanted in _parameter_names(parameters, data) and (
        assigned_value(code, "python", data) is None
    )


def _parameter_names(parameters: Node, data: bytes) -> set[str]:
    """The names of a ``def``'s parameters (plain, typed, with defaults)."""
    names: set[str] = set()
    for parameter in parameters.named_children:
        if parameter.type == "identifier":
            names.add(text(parameter, data))
            continue
        target = parameter.child_by_field_name("name")
        if target is None and parameter.named_child_count:
            target = parameter.named_children[0]  # typed_parameter: name, then type
        if target is not None and target.type == "identifier":
            names.add(text(target, data))
    return names


def _is_parameter(namespace: Node, data: bytes) -> bool:
    """A namespace the caller hands in as ``exec``'s own parameters are named
    (``def runctx(self, cmd, globals=None, locals=None)``): the function is an evaluation
    API like ``exec`` itself, as profilers, tracers and debuggers offer, and what it runs is
    its caller's choice; where a caller passes input is where the finding belongs."""
    namespace = unwrap(namespace)
    if namespace.type != "identifier" or text(namespace, data) not in _NAMESPACE_PARAMETERS:
        return False
    scope = enclosing_scope(namespace, "python")
    parameters = scope.child_by_field_name("parameters")
    if scope.type != "function_definition" or parameters is None:
        return False
    name = text(namespace, data)
    for parameter in parameters.named_children:
        target = parameter.child_by_field_name("name") if parameter.type != "identifier" else None
        if text(target if target is not None else parameter, data) == name:
            return True
    return False


def _own_namespace(namespace: Node, data: bytes) -> bool:
    """A namespace the function builds itself: a dict display or ``dict(...)``, given
    directly or through a local name."""
    namespace = unwrap(namespace)
    if namespace.type == "identifier":
        value = assigned_value(namespace, "python", data)
        if value is None:
            return False
        namespace = unwrap(value)
    if namespace.type == "dictionary":
        return True
    function = namespace.child_by_field_name("function") if namespace.type == "call" else None
    return function is not None and text(function, data) == "dict"


def _built_here(code: Node, data: bytes) -> bool:
    """The code is written in the function: a string built in place, or a local name the
    function gave a value. Not a parameter passed straight through, which is input, not
    generated code (``eval(expression, {"__builtins__": None})`` is a sandbox that fails)."""
    code = unwrap(code)
    if code.type == "identifier":
        return assigned_value(code, "python", data) is not None
    return code.type in ("string", "concatenated_string", "binary_operator")


_STRING_TYPES = ("string", "concatenated_string")


def checked_against_literals(call: Node, code: Node, data: bytes) -> bool:
    """``code`` is a name and ``call`` is in the body of an ``if`` (or ``elif``) whose test
    holds only when the name equals one of a few string literals: ``name in ["a", "b"]``
    (a list, tuple or set display of strings), ``name == "a"``, or an ``or`` of those."""
    code = unwrap(code)
    if code.type != "identifier":
        return False
    name = text(code, data)
    node: Node | None = call
    while node is not None and node.type not in ("function_definition", "class_definition"):
        parent = node.parent
        if parent is not None and parent.type in ("if_statement", "elif_clause"):
            body = parent.child_by_field_name("consequence")
            test = parent.child_by_field_name("condition")
            if (
                body is not None
                and body.id == node.id
                and test is not None
                and _equals_a_literal(test, name, data)
                and not _rebound(body, name, call, data)
            ):
                return True
        node = parent
    return False


def _equals_a_literal(test: Node, name: str, data: bytes) -> bool:
    """Whether ``test`` is true only when ``name`` is one of the string literals it names."""
    test = unwrap(test)
    if test.type == "boolean_operator":
        left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
        operator = test.child_by_field_name("operator")
        return (
            operator is not None
            and text(operator, data) == "or"
            and left is not None
            and right is not None
            and _equals_a_literal(left, name, data)
            and _equals_a_literal(right, name, data)
        )
    if test.type != "comparison_operator" or test.named_child_count != 2:
        return False
    left, right = (unwrap(child) for child in test.named_children)
    operators = [text(child, data) for child in test.children if not child.is_named]
    if left.type != "identifier" or text(left, data) != name or len(operators) != 1:
        return False
    if operators[0] == "==":
        return right.type in _STRING_TYPES
    if operators[0] != "in" or right.type not in ("list", "tuple", "set"):
        return False
    items = [unwrap(item) for item in right.named_children if item.type != "comment"]
    return bool(items) and all(item.type in _STRING_TYPES for item in items)


def _rebound(body: Node, name: str, before: Node, data: bytes) -> bool:
    """Whether ``body`` assigns ``name`` in a statement that ends before ``before`` starts
    (``value = eval(value)`` itself does not count)."""
    stack = [body]
    while stack:
        node = stack.pop()
        if node.start_byte >= before.start_byte:
            continue
        if (
            node.type in ("assignment", "augmented_assignment")
            and node.end_byte <= before.start_byte
        ):
            target = node.child_by_field_name("left")
            if target is not None and name in text(target, data).replace(" ", "").split(","):
                return True
        stack.extend(node.named_children)
    return False


_MATCHERS = frozenset({"re.match", "re.fullmatch", "re.search"})
_NO_CALL = re.compile(
    r"""
      \(\?:|\(\?P<\w+>|[()|^$*+?]|\{\d+(?:,\d*)?\}  # grouping, alternation, anchors, repeats
    | \\[wdsbAZ.\\"'_-]                           # escapes that admit no bracket
    | \[(?:[A-Za-z0-9_.-]|\\[wds.\\_-])+\]          # a class of those (not negated)
    | [A-Za-z0-9_"' ]                              # literal characters
    """,
    re.VERBOSE,
)

_LITERAL = re.compile(
    r"""(?P<prefix>[rRbBuU]*)(?P<quote>'{3}|"{3}|'|")(?P<body>.*)(?P=quote)""", re.S
)


def matched_without_calls(code: Node, data: bytes) -> bool:
    r"""``code`` is a group of a regular expression the function matched with a literal
    pattern (``m = re.match(r"(\w+(\.\w+)*)\.(\w*)", text)``, then ``m.group(1)``, or a
    name every assignment of which unpacks one: ``expr, attr = m.group(1, 3)``), and the
    group admits only word characters, dots, quotes, backslashes and spaces: text without a
    bracket cannot call anything, so ``eval`` of it is a literal or a name lookup."""
    code = unwrap(code)
    if code.type != "identifier":
        return _safe_group(code, 0, data)
    values = bound_before(code, data)
    return bool(values) and all(_unpacked_safe_group(v, text(code, data), data) for v in values)


def _unpacked_safe_group(value: Node, name: str, data: bytes) -> bool:
    """``value`` is the right side of ``name = m.group(n)`` or ``name, other = m.group(n, k)``
    with ``name``'s group one `matched_without_calls` accepts."""
    assignment = value.parent
    if assignment is None or assignment.type != "assignment":
        return False
    target = assignment.child_by_field_name("left")
    if target is None:
        return False
    if target.type == "identifier":
        return _safe_group(value, 0, data)
    if target.type not in ("pattern_list", "tuple_pattern"):
        return False
    names = [text(child, data) for child in target.named_children]
    return names.count(name) == 1 and _safe_group(value, names.index(name), data, unpacked=True)


def _safe_group(call: Node, position: int, data: bytes, *, unpacked: bool = False) -> bool:
    """``call`` is ``m.group(...)`` (its ``position``-th argument names the group) on a name
    bound only to matches of literal patterns, whose group admits no call."""
    call = unwrap(call)
    function = call.child_by_field_name("function") if call.type == "call" else None
    if function is None or function.type != "attribute":
        return False
    attribute, matched = (
        function.child_by_field_name("attribute"),
        function.child_by_field_name("object"),
    )
    if attribute is None or text(attribute, data) != "group" or matched is None:
        return False
    args = arguments_of(call)
    if (unpacked and len(args) < 2) or position >= max(len(args), 1):
        return False
    chosen = text(args[position], data) if args else "0"
    if not chosen.isdigit() or matched.type != "identifier":
        return False
    matches = bound_before(matched, data)
    return bool(matches) and all(_admits_no_call(match, int(chosen), data) for match in matches)


def _admits_no_call(match: Node, group: int, data: bytes) -> bool:
    """``match`` is ``re.match(pattern, ...)`` (or ``fullmatch``, ``search``) with a raw or
    backslash-free literal pattern whose ``group`` only `_NO_CALL`'s pieces make up."""
    match = unwrap(match)
    function = match.child_by_field_name("function") if match.type == "call" else None
    args = arguments_of(match)
    if function is None or text(function, data) not in _MATCHERS or not args:
        return False
    pattern = unwrap(args[0])
    if pattern.type != "string" or any(c.type == "interpolation" for c in pattern.named_children):
        return False
    literal = _LITERAL.match(text(pattern, data))
    if literal is None or ("\\" in literal["body"] and "r" not in literal["prefix"].lower()):
        return False
    sub = _group_text(literal["body"], group)
    if sub is None:
        return False
    position = 0
    while position < len(sub):
        piece = _NO_CALL.match(sub, position)
        if piece is None:
            return False
        position = piece.end()
    return True


def _group_text(pattern: str, wanted: int) -> str | None:
    """The text of capturing group ``wanted`` of ``pattern`` (0: the whole), or None."""
    if wanted == 0:
        return pattern
    count, index = 0, 0
    opened: list[tuple[int, int]] = []  # (group number, 0 when not capturing; content start)
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index += 1
            while index < len(pattern) and pattern[index] != "]":
                index += 2 if pattern[index] == "\\" else 1
        elif char == "(":
            named = pattern.startswith("(?P<", index)
            capturing = named or not pattern.startswith("(?", index)
            count += capturing
            start = pattern.find(">", index) + 1 if named else index + 1
            opened.append((count if capturing else 0, start))
        elif char == ")":
            if not opened:
                return None
            number, start = opened.pop()
            if number == wanted:
                return pattern[start:index]
        index += 1
    return None
