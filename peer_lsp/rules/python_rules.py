"""The local rules for Python: declarations, with the checks and fixes queries cannot express.

Patterns: ``queries/python/<rule-id>.scm``.
"""

from __future__ import annotations

import ast
import itertools
import re
import typing

from peer_lsp.findings.model import Category, Severity
from peer_lsp.rules.assignments import enclosing_scope
from peer_lsp.rules.credentials import is_token_name, mentions_password
from peer_lsp.rules.eval_namespaces import deliberate_evaluation
from peer_lsp.rules.flow import (
    Origin,
    bound_before,
    flow_values,
    from_input,
    may_hold_input,
    origin,
)
from peer_lsp.rules.grammar_nodes import (
    ancestors,
    arguments_of,
    name_of_target,
    statement_of,
    text,
    unwrap,
)
from peer_lsp.rules.literals import is_interpolated, string_value
from peer_lsp.rules.memo import per_text
from peer_lsp.rules.model import Edit, Match, Rule
from peer_lsp.rules.secret_sinks import key_is_hardcoded

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from tree_sitter import Node

PY = ("python",)
_S, _B = Category.SECURITY, Category.BUG
_ERROR, _WARNING, _INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# -- checks and fixes ------------------------------------------------------------------------


def _none_beside_operator(match: Match) -> bool:
    """The ``==``/``!=`` is right next to the ``None`` (in a chain, only that link counts)."""
    op, none = match.node("op"), match.node("none")
    if op is None or none is None:
        return False
    return none in (op.next_sibling, op.prev_sibling)


def _identity_test(match: Match) -> Sequence[Edit]:
    op = match.node("op")
    assert op is not None
    return [Edit(op.start_byte, op.end_byte, "is" if match.text(op) == "==" else "is not")]


def _equality_test(match: Match) -> Sequence[Edit]:
    op = match.node("op")
    assert op is not None
    return [Edit(op.start_byte, op.end_byte, "==" if match.text(op) == "is" else "!=")]


def _literal_beside_operator(match: Match) -> bool:
    op, literal = match.node("op"), match.node("literal")
    if op is None or literal is None:
        return False
    return literal in (op.next_sibling, op.prev_sibling)


def _unwrap_tuple(match: Match) -> Sequence[Edit]:
    """``assert (x, "m")`` → ``assert x, "m"``: the parentheses go."""
    report = match.report
    items = [item for item in report.named_children if item.type != "comment"]
    if not items:
        return []
    inner = match.data[items[0].start_byte : items[-1].end_byte].decode("utf-8", "replace")
    if "\n" in inner:
        return []  # a multi-line tuple would need a continuation; leave it to the reader
    return [Edit(report.start_byte, report.end_byte, inner)]


def _swallows(match: Match) -> bool:
    """The handler does not re-raise (a ``raise`` anywhere in it, outside nested functions),
    no earlier handler of the same ``try`` lets KeyboardInterrupt and SystemExit through,
    and an explicit ``except BaseException`` does nothing but ``pass``."""
    handler = match.node("handler")
    clause = match.report.parent
    if handler is None or clause is None:
        return False
    if match.text(match.report) == "BaseException" and not _only_pass(handler):
        return False  # catching everything on purpose, and doing something about it
    sibling = clause.prev_named_sibling
    while sibling is not None and sibling.type == "except_clause":
        header = match.data[sibling.start_byte : sibling.end_byte].split(b":", 1)[0]
        if b"KeyboardInterrupt" in header or b"SystemExit" in header:
            return False
        sibling = sibling.prev_named_sibling
    stack = list(handler.named_children)
    while stack:
        node = stack.pop()
        if node.type == "raise_statement":
            return False
        if node.type in ("function_definition", "class_definition", "lambda"):
            continue
        stack.extend(node.named_children)
    return True


def _only_pass(block: Node) -> bool:
    statements = [n for n in block.named_children if n.type != "comment"]
    return all(
        n.type in ("pass_statement", "continue_statement")
        or (n.type == "expression_statement" and n.named_children[0].type == "ellipsis")
        for n in statements
    )


_MUTATORS = frozenset(
    {"append", "extend", "insert", "add", "update", "setdefault", "pop", "popitem", "remove"}
    | {"discard", "clear", "sort", "reverse", "appendleft", "extendleft", "__setitem__"}
)


_CACHE_NAMES = re.compile(r"cache|memo|seen|registry", re.IGNORECASE)


def _default_is_shared(match: Match) -> bool:
    """The function changes the default, keeps it (``self.x = items``) or returns it.

    Parameters named with a leading underscore or as a cache (``_state=[0]``, ``cache={}``,
    ``seen=set()``) are taken to be shared on purpose, and read-only defaults are harmless, so
    neither is reported.
    """
    parameter = match.report.parent
    if parameter is None:
        return False
    name_node = parameter.child_by_field_name("name")
    if name_node is None:
        return False
    name = match.text(name_node)
    if name.startswith("_") or _CACHE_NAMES.search(name):
        return False
    function = parameter.parent.parent if parameter.parent is not None else None
    body = function.child_by_field_name("body") if function is not None else None
    return body is not None and _shared_before_rebinding(body, name, match.report, match.data)


def _shared_before_rebinding(body: Node, name: str, default: Node, data: bytes) -> bool:
    """A statement of the body changes, keeps or returns the parameter before a plain
    assignment at the top level of the body rebinds it (``items = list(items)``,
    ``items = items or []``): from there on the name no longer holds the shared default.

    Only top-level assignments count, since one inside an ``if``, loop or ``try`` may not
    run; an assignment whose value may be the default itself (``items = items``,
    ``items = items if items else []``) does not unshare it.
    """
    for statement in body.named_children:
        value = _rebound_value(statement, name, data)
        if value is not None and not _may_be_default(value, name, default, data):
            return _shares(value, name, data)  # ``items = items.pop()`` changes it first
        branches = _branches(statement)
        if branches and not any(_shares(n, name, data) for n in _conditions(statement)):
            shared = [_shared_before_rebinding(b, name, default, data) for b in branches]
            if not any(shared) and all(_rebinds(b, name, default, data) for b in branches):
                return False  # ``if kw: cnf = merge(cnf, kw)`` ``else: cnf = merge(cnf)``
        if _shares(statement, name, data):
            return True
    return False


def _branches(statement: Node) -> list[Node]:
    """The blocks of an ``if``/``elif``/``else`` statement that has an ``else`` (one of them
    runs whatever the tests say); empty for any other statement."""
    if statement.type != "if_statement":
        return []
    blocks = [statement.child_by_field_name("consequence")]
    has_else = False
    for clause in statement.children_by_field_name("alternative"):
        has_else = has_else or clause.type == "else_clause"
        blocks.append(
            clause.child_by_field_name("consequence" if clause.type == "elif_clause" else "body")
        )
    return [b for b in blocks if b is not None] if has_else and all(blocks) else []


def _conditions(statement: Node) -> list[Node]:
    """The tests of an ``if`` statement and of its ``elif`` clauses."""
    tests = [statement.child_by_field_name("condition")]
    tests += [
        c.child_by_field_name("condition") for c in statement.children_by_field_name("alternative")
    ]
    return [t for t in tests if t is not None]


def _rebinds(block: Node, name: str, default: Node, data: bytes) -> bool:
    """A top-level statement of ``block`` gives ``name`` a value that is not the default."""
    for statement in block.named_children:
        value = _rebound_value(statement, name, data)
        if value is not None and not _may_be_default(value, name, default, data):
            return True
    return False


def _rebound_value(statement: Node, name: str, data: bytes) -> Node | None:
    """The value a plain assignment statement gives ``name`` (also in a chain ``a = name =
    ...`` or a tuple target ``name, n = ...``); None when the statement does not."""
    node: Node | None = statement
    if statement.type == "expression_statement" and statement.named_child_count == 1:
        node = statement.named_children[0]  # grammars that wrap expression statements
    while node is not None and node.type == "assignment":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and _binds(left, name, data):
            return right  # None for a bare annotation, which binds nothing
        node = right
    return None


def _binds(target: Node, name: str, data: bytes) -> bool:
    if target.type == "identifier":
        return text(target, data) == name
    if target.type in ("pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern"):
        return any(_binds(child, name, data) for child in target.named_children)
    return False


def _may_be_default(value: Node, name: str, default: Node, data: bytes) -> bool:
    """``value`` may evaluate to the parameter itself: the bare name, or a branch of a
    conditional or ``or``/``and`` that yields it (``items or []`` does not when the default
    is empty, hence falsy; ``items and list(items)`` does)."""
    if value.type == "parenthesized_expression" and value.named_child_count == 1:
        return _may_be_default(value.named_children[0], name, default, data)
    if value.type == "identifier":
        return text(value, data) == name
    if value.type == "conditional_expression" and value.named_child_count >= 3:
        branches = (value.named_children[0], value.named_children[2])
        return any(_may_be_default(branch, name, default, data) for branch in branches)
    if value.type == "boolean_operator":
        left, right = value.child_by_field_name("left"), value.child_by_field_name("right")
        operator = value.child_by_field_name("operator")
        if right is not None and _may_be_default(right, name, default, data):
            return True
        if left is None or not _may_be_default(left, name, default, data):
            return False
        empty = _is_empty(default)
        # ``or`` yields the left operand when it is truthy, ``and`` when it is falsy.
        return empty is not (operator is not None and operator.type == "or")
    return False


def _is_empty(default: Node) -> bool | None:
    """Whether the default value is empty (``[]``, ``{}``, ``list()``): True, False, or None
    when the tree cannot tell (comprehensions, constructors given arguments)."""
    if default.type in ("list", "dictionary", "set"):
        return not any(child.type != "comment" for child in default.named_children)
    if default.type == "call":
        return True if not arguments_of(default) else None
    return None


def _shares(body: Node, name: str, data: bytes) -> bool:
    raw = name.encode("utf-8")
    stack = [body]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in ("function_definition", "class_definition", "lambda"):
            continue
        if kind == "call":
            function = node.child_by_field_name("function")
            if function is not None and function.type == "attribute":
                obj = function.child_by_field_name("object")
                attribute = function.child_by_field_name("attribute")
                if (
                    obj is not None
                    and attribute is not None
                    and text(obj, data) == name
                    and text(attribute, data) in _MUTATORS
                ):
                    return True
        elif kind in ("assignment", "augmented_assignment"):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and left.type == "subscript":
                value = left.child_by_field_name("value")
                if value is not None and data[value.start_byte : value.end_byte] == raw:
                    return True
            if kind == "augmented_assignment" and left is not None and text(left, data) == name:
                return True
            if (
                kind == "assignment"
                and left is not None
                and left.type == "attribute"
                and right is not None
                and data[right.start_byte : right.end_byte] == raw
            ):
                return True
        elif kind in ("return_statement", "yield"):
            value = node.named_children[0] if node.named_child_count else None
            if value is not None and data[value.start_byte : value.end_byte] == raw:
                return True
        elif kind == "delete_statement" and raw + b"[" in data[node.start_byte : node.end_byte]:
            return True
        stack.extend(node.named_children)
    return False


def _catch_exception(match: Match) -> Sequence[Edit]:
    """``except:`` → ``except Exception:``; ``except BaseException`` → ``except Exception``."""
    report = match.report
    if match.text(report) == "except":
        return [Edit(report.end_byte, report.end_byte, " Exception")]
    return [Edit(report.start_byte, report.end_byte, "Exception")]


_UNSAFE_LOADERS = re.compile(r"(^|\.)C?(Unsafe|Full)?Loader$")


def _yaml_unsafe(match: Match) -> bool:
    fn = match.text("fn")
    if fn in ("unsafe_load", "unsafe_load_all", "full_load", "full_load_all"):
        return True
    args = arguments_of(match.report)
    loader: Node | None = None
    for arg in args:
        if (
            arg.type == "keyword_argument"
            and match.text(arg.child_by_field_name("name")) == "Loader"
        ):
            loader = arg.child_by_field_name("value")
    positional = [a for a in args if a.type not in ("keyword_argument", "comment")]
    if loader is None and len(positional) > 1:
        loader = positional[1]
    if loader is None:
        # the loader may come in **kwargs; without one, it is the unsafe default
        return not any(a.type in ("dictionary_splat", "list_splat") for a in args)
    return _UNSAFE_LOADERS.search("".join(match.text(loader).split())) is not None


def _yaml_safe_fix(match: Match) -> Sequence[Edit] | None:
    """``yaml.load(s)`` → ``yaml.safe_load(s)`` when no loader is given at all."""
    fn = match.node("fn")
    assert fn is not None
    args = arguments_of(match.report)
    if match.text(fn) not in ("load", "load_all") or len(args) != 1:
        return None
    if args[0].type in ("keyword_argument", "list_splat", "dictionary_splat"):
        return None
    return [Edit(fn.start_byte, fn.end_byte, "safe_" + match.text(fn))]


def _weak_hash_of_password(match: Match) -> bool:
    fn = match.text("fn")
    args = arguments_of(match.report)
    if fn == "new":
        if not args:
            return False
        name = match.text(args[0]).strip("\"'").lower().replace("-", "").replace("_", "")
        if name not in _FAST_HASHES:
            return False
        args = args[1:]
    if any(a.type == "keyword_argument" and match.text(a) == "usedforsecurity=False" for a in args):
        return False
    return any(mentions_password(a, match.data) for a in args if a.type != "keyword_argument")


_FAST_HASHES = frozenset(
    {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s"}
    | {"sha3224", "sha3256", "sha3384", "sha3512"}
)

_STATEMENTS = frozenset(
    {"assignment", "augmented_assignment", "return_statement", "expression_statement"}
)


def _random_for_secret(match: Match) -> bool:
    """The random value ends up in a token-like name, or is returned by a token-like function."""
    node = statement_of(
        match.report, _STATEMENTS, ("function_definition", "lambda", "module", "block")
    )
    if node is None:
        return False
    if node.type == "expression_statement" and node.named_child_count:
        node = node.named_children[0]
    scope = enclosing_scope(node, match.grammar)
    function = scope.child_by_field_name("name")
    if function is not None and _SEPARATOR.search(text(function, match.data)):
        return False  # ``_make_boundary``: a value only told apart from the text around it
    if node.type in ("assignment", "augmented_assignment"):
        target = node.child_by_field_name("left")
        if target is None:
            return False
        name = name_of_target(target, match.data)
        return is_token_name(name) and not _only_in_separators(name, node, scope, match.data)
    if node.type == "return_statement":
        return function is not None and is_token_name(text(function, match.data))
    return False


_SEPARATOR = re.compile(r"boundary|boundaries", re.IGNORECASE)


def _only_in_separators(name: str, assignment: Node, scope: Node, data: bytes) -> bool:
    """Every later read of ``name`` in ``scope`` builds a MIME boundary (``boundary = "=" *
    15 + (fmt % token)``): a separator must only be unlikely in the text it separates, it
    guards nothing, so `random` is what it needs (``email.generator`` does this)."""
    reads = [
        node
        for node in _identifiers(scope)
        if node.start_byte >= assignment.end_byte and text(node, data) == name
    ]
    if not reads:
        return False
    for read in reads:
        statement = statement_of(read, ("assignment",), ("function_definition", "lambda"))
        left = statement.child_by_field_name("left") if statement is not None else None
        if left is None or not _SEPARATOR.search(name_of_target(left, data)):
            return False
    return True


def _identifiers(node: Node) -> list[Node]:
    """Every identifier under ``node``, nested functions left out."""
    found: list[Node] = []
    stack = list(node.named_children)
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            found.append(current)
        elif current.type not in ("function_definition", "lambda", "class_definition"):
            stack.extend(current.named_children)
    return found


def _world_writable(match: Match) -> bool:
    try:
        mode = int(match.text("report").replace("_", ""), 0)
    except ValueError:
        return False
    return bool(mode & 0o002)


def _no_timeout(match: Match) -> bool:
    """py-requests-no-timeout: requests without ``timeout=`` (or with ``timeout=None``);
    httpx, which has a default timeout, only with ``timeout=None``."""
    httpx = match.text("module") == "httpx"
    if not httpx and match.text("fn") in ("stream", "Client", "AsyncClient"):
        return False
    for arg in arguments_of(match.report):
        if arg.type == "dictionary_splat":
            return False
        if arg.type == "keyword_argument" and match.text(arg.child_by_field_name("name")) == (
            "timeout"
        ):
            return match.text(arg.child_by_field_name("value")) == "None"
    return not httpx


_UNSAFE_LOADERS_BY_MODULE: dict[str, frozenset[str]] = {
    "marshal": frozenset({"load", "loads"}),
    "shelve": frozenset({"open"}),
    "jsonpickle": frozenset({"decode"}),
    "jsonpickle.unpickler": frozenset({"decode"}),
    "pandas": frozenset({"read_pickle"}),
    "pd": frozenset({"read_pickle"}),
    "torch": frozenset({"load"}),
    "numpy": frozenset({"load"}),
    "np": frozenset({"load"}),
}


def _unpickles(match: Match) -> bool:
    """py-pickle-load: pickle itself (first pattern), or a loader that unpickles: marshal,
    shelve, jsonpickle, ``pandas.read_pickle``, ``torch.load`` unless ``weights_only=True``,
    ``numpy.load`` only with ``allow_pickle=True``."""
    module = match.text("module")
    if module not in _UNSAFE_LOADERS_BY_MODULE:
        return True  # the pickle pattern
    if match.text("fn") not in _UNSAFE_LOADERS_BY_MODULE[module]:
        return False
    keywords = {
        match.text(arg.child_by_field_name("name")): match.text(arg.child_by_field_name("value"))
        for arg in arguments_of(match.report)
        if arg.type == "keyword_argument"
    }
    if module == "torch":
        return keywords.get("weights_only") != "True"
    if module in ("numpy", "np"):
        return keywords.get("allow_pickle") == "True"
    return True


def _verification_off(match: Match) -> bool:
    """py-jwt-unverified: the option is ``False`` (also through a local name that only holds
    ``False``); the patterns on ``jwt.decode`` itself match only a literal ``False``."""
    value = match.node("value")
    if value is None:
        return True
    value = unwrap(value)
    if value.type == "identifier":
        values = flow_values(value, match.data)
        return bool(values) and all(v.type == "false" for v in values)
    return value.type == "false"


_TEMPLATE_MODULES = frozenset({"jinja2", "mako.template", "django.template", "string"})


def _template_built(match: Match) -> bool:
    """py-template-injection: the template text is built at run time (interpolated at the
    call, or a local name given a built value); ``Template`` counts only when imported from
    jinja2, mako or Django (``string.Template`` substitutes, it does not run code)."""
    template = match.node("template")
    if template is None or template.type in ("keyword_argument", "comment"):
        return False
    if match.text("fn") == "Template":
        function = match.report.child_by_field_name("function")
        dotted = _dotted(function, match)
        if dotted.startswith("string.") or dotted.rsplit(".", 1)[0] not in _TEMPLATE_MODULES:
            return False
    template = unwrap(template)
    found = origin(template, match.data)
    if template.type == "identifier":
        return found is Origin.BUILT
    return found is not Origin.LITERAL and is_interpolated(template, match.grammar, match.data)


def _formats_something(match: Match) -> bool:
    """py-sql-format: not ``"SELECT ..." % ()``, which formats nothing (also through a local
    name given only such values)."""
    sql = unwrap(match.report)
    values = flow_values(sql, match.data) if sql.type == "identifier" else [sql]
    if values and all(_quoted_or_plain(unwrap(value), match.data) for value in values):
        return False
    return not values or not all(_empty_format(unwrap(value), match) for value in values)


def _quoted_or_plain(value: Node, data: bytes) -> bool:
    """A format quoting its values (`_quoted_identifiers`) or constants alone (`_constant`:
    an earlier value of the same name, or ``"SELECT ..." + " WHERE ..."``)."""
    return _constant(value, data) or _quoted_identifiers(value, data, 0)


_CONSTANT_LEAVES = frozenset({"integer", "float", "true", "false", "none"})
_CONSTANT_NODES = frozenset(
    {"binary_operator", "parenthesized_expression", "concatenated_string", "tuple"}
)


def _constant(value: Node, data: bytes) -> bool:
    """Whether ``value`` is made of literals and local names holding only literals, joined
    by operators (``"... VALUES ('" + lastname + "')"`` after ``lastname = "Frodo"``): the
    same statement on every run. The operators are walked without recursion: an ``a + b +
    ...`` chain can be deeper than Python's stack."""
    stack = [value]
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            if origin(node, data) is not Origin.LITERAL:
                return False
        elif node.type == "string":
            if any(part.type == "interpolation" for part in node.named_children):
                return False
        elif node.type in _CONSTANT_NODES:
            stack.extend(n for n in node.named_children if n.type != "comment")
        elif node.type not in _CONSTANT_LEAVES:
            return False
    return True


_DOUBLED_QUOTES = frozenset({'"', "'", "`", "]"})
_MAX_QUOTE_DEPTH = 4


def _quoted_identifiers(value: Node, data: bytes, depth: int) -> bool:
    """SQL whose every interpolated part is constant or quoted by doubling its quote
    (``'... "{0}"'.format(name.replace('"', '""'))``), the standard way to put a table or
    column name, which cannot be a parameter, into a statement: the name cannot end the
    quoted identifier early. A value that is a literal alone is no formatting at all."""
    if depth > _MAX_QUOTE_DEPTH or value.type != "call":
        return False
    function = value.child_by_field_name("function")
    arguments = value.child_by_field_name("arguments")
    if function is None or function.type != "attribute" or arguments is None:
        return False
    obj = function.child_by_field_name("object")
    if obj is None or origin(obj, data) is not Origin.LITERAL:
        return False
    method = text(function.child_by_field_name("attribute") or function, data)
    given = [arguments] if arguments.type in _COMPREHENSIONS else arguments.named_children
    parts = [
        unwrap(arg.child_by_field_name("value") or arg)
        if arg.type == "keyword_argument"
        else unwrap(arg)
        for arg in given
        if arg.type != "comment"
    ]
    if method == "join" and len(parts) == 1 and parts[0].type in _COMPREHENSIONS:
        body = parts[0].child_by_field_name("body")
        return body is not None and _doubled_or_constant(unwrap(body), data, depth + 1)
    return method == "format" and all(_doubled_or_constant(p, data, depth + 1) for p in parts)


_COMPREHENSIONS = frozenset({"generator_expression", "list_comprehension"})


def _doubled_or_constant(value: Node, data: bytes, depth: int) -> bool:
    """A constant, ``x.replace('"', '""')``, a quoted format or join of such parts, or a
    local name given only such values."""
    if depth > _MAX_QUOTE_DEPTH:
        return False
    if value.type == "identifier":
        if origin(value, data) is Origin.LITERAL:
            return True
        values = flow_values(value, data)
        return bool(values) and all(
            _doubled_or_constant(unwrap(v), data, depth + 1) for v in values
        )
    if origin(value, data) is Origin.LITERAL:
        return True
    if value.type != "call":
        return False
    function = value.child_by_field_name("function")
    arguments = value.child_by_field_name("arguments")
    if function is not None and function.type == "attribute" and arguments is not None:
        method = function.child_by_field_name("attribute")
        if method is not None and text(method, data) == "replace":
            quotes = [unwrap(a) for a in arguments.named_children]
            if len(quotes) == 2 and all(q.type == "string" for q in quotes):
                old, new = (string_value(q, data) for q in quotes)
                return old in _DOUBLED_QUOTES and new == old * 2
    return _quoted_identifiers(value, data, depth)


def _empty_format(value: Node, match: Match) -> bool:
    if value.type != "binary_operator" or _operator_text(value, match) != "%":
        return False
    right = value.child_by_field_name("right")
    right = unwrap(right) if right is not None else None
    return right is not None and right.type == "tuple" and not right.named_children


_TEMP_NAMES = frozenset({"tempfile.mktemp", "os.tempnam", "os.tmpnam"})


def _temp_name(match: Match) -> bool:
    """py-insecure-tempfile: the callee is ``tempfile.mktemp`` (or ``os.tempnam``/``tmpnam``)
    however it was imported (``from tempfile import mktemp``, ``import tempfile as tmp``)."""
    return _dotted(match.report.child_by_field_name("function"), match) in _TEMP_NAMES


def _code_not_literal(match: Match) -> bool:
    """py-eval: the code is not a name holding only literals (``code = "1 + 1"``)."""
    code = match.node("code")
    return code is None or (
        origin(code, match.data) is not Origin.LITERAL
        and not deliberate_evaluation(match.report, code, match.data)
    )


def _command_built(match: Match) -> bool:
    """py-shell-injection: the command is interpolated at the call, or a local name whose
    value was built from something not constant (``cmd = "ls " + path``), and not with
    every value put into it quoted for the shell (`_quoted_for_shell`); with
    ``shell=True``, a list with such an element. Without a shell (the ``@plain`` pattern),
    see `_plain_command_built`."""
    command = unwrap(match.report)
    plain = match.node("plain")
    if plain is not None:
        return _plain_command_built(command, plain, match)
    if command.type in ("list", "tuple"):
        return any(_built(item, match) for item in command.named_children)
    return _built(command, match) and not _quoted_for_shell(command, match.data)


def _built(value: Node, match: Match) -> bool:
    """A string built at run time from something not constant, or taken from input."""
    value = unwrap(value)
    found = origin(value, match.data)
    if found is Origin.LITERAL:
        return False
    if value.type == "identifier" and found is Origin.BUILT:
        return True
    return is_interpolated(value, match.grammar, match.data) or from_input(value, match.data)


_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "cmd", "cmd.exe", "powershell", "pwsh"})


def _plain_command_built(command: Node, arguments: Node, match: Match) -> bool:
    """subprocess without ``shell=True``: a shell given ``-c`` and a built command
    (``["sh", "-c", cmd]``), or a program taken from input (``[request.args["tool"], path]``,
    ``sys.argv[1]``). A string built with interpolation but run without a shell is one
    program name, not a shell command, and is left alone."""
    for arg in arguments.named_children:
        if arg.type == "dictionary_splat":
            return False
        if arg.type == "keyword_argument" and match.text(arg.child_by_field_name("name")) == (
            "shell"
        ):
            return False  # shell=True is the first pattern; shell=False is this one's
    values = [command]
    if command.type == "identifier":
        values = flow_values(command, match.data) or [command]
    for each in values:
        value = unwrap(each)
        if value.type in ("list", "tuple"):
            items = [i for i in value.named_children if i.type != "comment"]
            if items and _shell_with_command(items, match):
                return True
            if items and from_input(items[0], match.data, environment=False):
                return True
        elif not is_interpolated(value, match.grammar, match.data) and from_input(
            value, match.data, environment=False
        ):
            return True  # the program itself comes from outside
    return False


def _shell_with_command(items: list[Node], match: Match) -> bool:
    program = match.text(items[0]).strip("\"'").rsplit("/", 1)[-1]
    if program not in _SHELLS or len(items) < 3:
        return False
    flag = match.text(items[1]).strip("\"'")
    return flag in ("-c", "/c", "/C", "-Command") and _built(items[2], match)


_SHELL_QUOTES = frozenset({"shlex.quote", "pipes.quote", "quote", "shlex.join"})


def _quoted_for_shell(command: Node, data: bytes) -> bool:
    """Every value formatted into the command (``%`` operands, ``.format`` arguments,
    f-string substitutions, ``+`` parts) is a literal or goes through ``shlex.quote``
    (``shlex.join``): the shell reads each as one word. The template itself (the left side of
    ``%``, the object of ``.format``) may be a name: it is the code's or its configuration's
    choice of program, not a value put into it. A local name is followed to the values its
    last assignments give it."""
    values = flow_values(command, data) if command.type == "identifier" else [command]
    return bool(values) and all(_quoted_parts(unwrap(v), data, top=True) for v in values)


def _quoted_parts(node: Node, data: bytes, *, top: bool = False) -> bool:
    if node.type == "call":
        function = node.child_by_field_name("function")
        name = text(function, data) if function is not None else ""
        if name in _SHELL_QUOTES:
            return True
        if function is not None and function.type == "attribute" and name.endswith(".format"):
            template = function.child_by_field_name("object")
            values = arguments_of(node)
            return (top or (template is not None and _quoted_parts(template, data))) and all(
                _quoted_parts(unwrap(v.child_by_field_name("value") or v), data) for v in values
            )
        return False
    if node.type == "binary_operator":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        if left is None or right is None:
            return False
        if operator is not None and operator.type == "%":
            parts = right.named_children if right.type in ("tuple", "dictionary") else [right]
            values = [p.child_by_field_name("value") or p if p.type == "pair" else p for p in parts]
            return (top or _quoted_parts(left, data)) and all(
                _quoted_parts(unwrap(v), data) or _single_quoted_at(left, index, v, data)
                for index, v in enumerate(values)
            )
        return _quoted_parts(unwrap(left), data) and _quoted_parts(unwrap(right), data)
    if node.type == "string":
        return all(
            _quoted_parts(unwrap(part.named_children[0]), data)
            for part in node.named_children
            if part.type == "interpolation" and part.named_child_count
        )
    return origin(node, data) is Origin.LITERAL or _temp_path(node, data)


_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z%]")
_QUOTE_ESCAPES = frozenset({"'\"'\"'", "'\\''"})


def _single_quoted_at(template: Node, index: int, value: Node, data: bytes) -> bool:
    """The POSIX shell's quoting by hand: the ``index``-th ``%`` conversion of a literal
    ``template`` sits between single quotes (``"'%s' -c"``) and ``value`` replaces every
    ``'`` in it with ``'"'"'`` or ``'\\''`` (close the quotes, add a quoted ``'``, reopen),
    ``_config_vars['CC'].replace("'", "'\"'\"'")``: the shell reads the value as one word,
    as with ``shlex.quote``."""
    value = unwrap(value)
    function = value.child_by_field_name("function") if value.type == "call" else None
    args = arguments_of(value)
    if (
        function is None
        or function.type != "attribute"
        or not text(function, data).endswith(".replace")
        or len(args) != 2
        or _python_literal(args[0], data) != "'"
        or _python_literal(args[1], data) not in _QUOTE_ESCAPES
    ):
        return False
    source = _python_literal(unwrap(template), data)
    if source is None:
        return False
    conversions = [c for c in _CONVERSION.finditer(source) if c.group() != "%%"]
    if index >= len(conversions):
        return False
    found = conversions[index]
    return source[found.start() - 1 : found.start()] == "'" and source[found.end() :][:1] == "'"


def _python_literal(node: Node, data: bytes) -> str | None:
    """The value of a plain (not f-) string literal or of adjacent ones, else None."""
    if node.type not in ("string", "concatenated_string") or any(
        part.type == "interpolation" for part in _string_parts(node)
    ):
        return None
    try:
        found = ast.literal_eval(f"({text(node, data)})")  # adjacent literals may span lines
    except (ValueError, SyntaxError):
        return None
    return found if isinstance(found, str) else None


def _string_parts(node: Node) -> list[Node]:
    strings = node.named_children if node.type == "concatenated_string" else [node]
    return [part for string in strings for part in string.named_children]


_TEMP_MAKERS = frozenset({"tempfile.mkstemp", "tempfile.mkdtemp", "mkstemp", "mkdtemp"})


def _temp_path(node: Node, data: bytes) -> bool:
    """A name only ever bound from ``tempfile.mkstemp()``/``mkdtemp()`` called without a
    prefix, suffix or folder (``fd, name = tempfile.mkstemp()``): a path the code just made in
    the temporary folder, of letters, digits and ``_`` (pydoc's pager)."""
    if node.type != "identifier":
        return False
    values = [unwrap(value) for value in bound_before(node, data)]
    return bool(values) and all(
        value.type == "call"
        and (function := value.child_by_field_name("function")) is not None
        and text(function, data) in _TEMP_MAKERS
        and not arguments_of(value)
        for value in values
    )


_NOT_FILES = re.compile(r"AF_UNIX|AF_PIPE|\\+pipe\\+")
"""A socket family or the Windows named-pipe namespace: the name is not a file's."""


def _names_a_file(match: Match) -> bool:
    """py-insecure-tempfile: the name is for a file, not for a Windows named pipe (a
    ``\\\\.\\pipe\\`` prefix: not in the file system) or a Unix socket (the call sits in
    a branch for ``AF_UNIX``/``AF_PIPE``): ``bind`` and ``CreateNamedPipe`` fail on a name
    that is taken, so there is no race to win. Only for the calls `_temp_name` keeps."""
    if not _temp_name(match):
        return False
    if any(_NOT_FILES.search(match.text(arg)) for arg in arguments_of(match.report)):
        return False
    for node in ancestors(match.report):
        if node.type in ("if_statement", "elif_clause"):
            condition = node.child_by_field_name("condition")
            inside = node.child_by_field_name("consequence")
            holds = inside is not None and (
                inside.start_byte <= match.report.start_byte
                and match.report.end_byte <= inside.end_byte
            )
            if holds and condition is not None and _NOT_FILES.search(match.text(condition)):
                return False
    return True


_TAR_OPENERS = frozenset(
    {"tarfile.open", "tarfile.TarFile", "tarfile.TarFile.open", "TarFile.open"}
    | {"tarfile.TarFile.taropen", "tarfile.TarFile.gzopen", "tarfile.TarFile.bz2open"}
    | {"tarfile.TarFile.xzopen"}
)


def _unfiltered_extraction(match: Match) -> bool:
    """py-tar-extract: a tar archive (or ``shutil.unpack_archive``) extracted without a safe
    ``filter=`` and without a ``members=`` selection."""
    for arg in arguments_of(match.report):
        if arg.type == "dictionary_splat":
            return False
        if arg.type != "keyword_argument":
            continue
        name = match.text(arg.child_by_field_name("name"))
        if name == "filter":
            value = arg.child_by_field_name("value")
            # None is the default (no filter before 3.14); "fully_trusted" is the old behaviour.
            return value is not None and match.text(value).strip("\"'") in ("fully_trusted", "None")
        if name == "members":
            return False
    if any(
        node.type == "if_statement"
        and "data_filter" in match.text(node.child_by_field_name("condition"))
        for node in ancestors(match.report)
    ):
        return False  # the fallback of `if hasattr(tarfile, "data_filter")` on old Pythons
    archive = match.node("archive")
    return archive is None or _is_tar_archive(archive, match)


def _is_tar_archive(archive: Node, match: Match) -> bool:
    """The receiver is ``tarfile.open(...)`` itself, or a name bound to it in the same
    function (``tar = tarfile.open(f)``, ``with tarfile.open(f) as tar``). Any other
    ``extract`` method (zipfile's, which already drops ``..`` and absolute names, or an
    unrelated class's) is left alone."""
    archive = unwrap(archive)
    if archive.type == "call":
        return _opens_tar(archive, match)
    if archive.type != "identifier":
        return False
    name = match.text(archive)
    pending = [enclosing_scope(archive, match.grammar)]
    while pending:
        node = pending.pop()
        if node.start_byte >= archive.start_byte:
            continue
        value = _bound_value(node, name, match)
        if value is not None and value.type == "call" and _opens_tar(value, match):
            return True
        pending.extend(node.named_children)
    return False


def _bound_value(node: Node, name: str, match: Match) -> Node | None:
    """The value ``node`` binds to ``name``: ``name = value`` or ``with value as name``."""
    if node.type == "assignment":
        target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
    elif node.type == "as_pattern":
        target = node.child_by_field_name("alias")
        value = node.named_children[0] if node.named_children else None
    else:
        return None
    return value if target is not None and match.text(target) == name else None


def _opens_tar(call: Node, match: Match) -> bool:
    """``call`` opens a tar archive (``tarfile.open(...)`` and the ``TarFile`` openers)."""
    function = call.child_by_field_name("function")
    return function is not None and "".join(match.text(function).split()) in _TAR_OPENERS


_URL_OPENERS = frozenset({"URLopener", "FancyURLopener", "OpenerDirector", "build_opener"})
_HTTP_CLIENTS = frozenset({"requests", "httpx"})
_SESSIONS = frozenset({"Session", "session", "Client", "AsyncClient"})
_URLLIB = frozenset({"urllib", "urllib2", "request", "urllib.request", "urllib.urlopen"})
_LOCAL_HOSTS = ("localhost", "127.", "0.0.0.0", "[::1]")


def _cleartext_request(match: Match) -> bool:
    """py-cleartext-transport: the call is an HTTP/FTP client's request (or an FTP session)
    and its URL is an ``http://``/``ftp://`` literal to a host that is not this machine."""
    name = match.node("name")
    if name is not None:
        return _cleartext_url(match.report, match) and _sent_later(name, match)
    if match.text("fn") == "FTP":
        function = match.report.child_by_field_name("function")
        receiver = function.child_by_field_name("object") if function is not None else None
        return receiver is None or match.text(receiver) == "ftplib"
    url = _client_url(match)
    return url is not None and _cleartext_url(url, match)


def _client_url(match: Match) -> Node | None:
    """The URL argument of an HTTP client's request (urllib, requests, httpx, their
    sessions, ``URLopener``/``OpenerDirector``); None when the call is not one."""
    fn = match.text("fn")
    function = match.report.child_by_field_name("function")
    receiver = function.child_by_field_name("object") if function is not None else None
    url_index = 0
    if fn in ("urlopen", "urlretrieve", "Request"):
        if receiver is not None and match.text(receiver) not in _URLLIB | _HTTP_CLIENTS:
            return None
        if fn == "Request" and receiver is not None and match.text(receiver) in _HTTP_CLIENTS:
            url_index = 1
    elif fn in ("open", "retrieve"):
        if receiver is None or not _mentions(match.data, _URL_OPENERS):
            return None
        if not _made_by(receiver, _URL_OPENERS, match):
            return None
    else:
        if receiver is None:
            return None
        if match.text(receiver) not in _HTTP_CLIENTS and not (
            _mentions(match.data, _SESSIONS) and _made_by(receiver, _SESSIONS, match)
        ):
            return None
        url_index = 1 if fn == "request" else 0
    return _argument(arguments_of(match.report), url_index, "url", match)


_NESTED = frozenset({"function_definition", "class_definition", "lambda"})


def _sent_later(name: Node, match: Match) -> bool:
    """A request after the assignment to ``name`` (or in the function whose parameter it
    is), in the same function, takes the name as its URL and is reported itself (so the URL
    is one of the values it is known to hold)."""
    wanted = match.text(name)
    scope = enclosing_scope(name, match.grammar)
    if name.parent is not None and name.parent.type == "default_parameter":
        function = name.parent.parent.parent if name.parent.parent is not None else None
        if function is None or function.type != "function_definition":
            return False
        scope = function
    pending = list(scope.named_children)
    while pending:
        node = pending.pop()
        if node.end_byte <= name.end_byte or node.type in _NESTED:
            continue
        if node.type == "call" and node.start_byte > name.end_byte:
            function = node.child_by_field_name("function")
            fn = function.child_by_field_name("attribute") if function is not None else None
            fn = function if function is not None and function.type == "identifier" else fn
            uses = any(
                a.type == "identifier" and match.text(a) == wanted for a in arguments_of(node)
            )
            if fn is not None and uses:
                sink = Match({"report": [node], "fn": [fn]}, match.data, match.grammar)
                if _cleartext_request(sink):
                    return True
        pending.extend(node.named_children)
    return False


def _mentions(data: bytes, words: frozenset[str]) -> bool:
    """Whether the document contains one of ``words`` at all (a cheap test before walking a
    function's assignments for each call)."""
    key = ("python-mentions", words)
    return per_text(data, key, lambda: any(word.encode() in data for word in words))


def _argument(args: list[Node], index: int, keyword: str, match: Match) -> Node | None:
    positional = [a for a in args if a.type not in ("keyword_argument", "comment")]
    for arg in args:
        if arg.type == "keyword_argument" and match.text(arg.child_by_field_name("name")) == (
            keyword
        ):
            return arg.child_by_field_name("value")
    if any(a.type in ("list_splat", "dictionary_splat") for a in positional):
        return None
    return positional[index] if index < len(positional) else None


def _made_by(receiver: Node, makers: frozenset[str], match: Match) -> bool:
    """``receiver`` is a call of one of ``makers`` (``URLopener()``, ``requests.Session()``)
    or a local name bound to one (``od = URLopener()``, ``with requests.Session() as s``)."""
    receiver = unwrap(receiver)
    if receiver.type == "call":
        callee = receiver.child_by_field_name("function")
        name = match.text(callee).rsplit(".", 1)[-1] if callee is not None else ""
        return name in makers
    if receiver.type != "identifier":
        return False
    return any(
        unwrap(value).type == "call" and _made_by(value, makers, match)
        for value in bound_before(receiver, match.data)
    )


def _cleartext_url(url: Node, match: Match) -> bool:
    """An ``http://``/``ftp://`` string (an f-string's leading text counts), directly, through
    every value a local name was given, or as the default of a parameter never rebound."""
    url = unwrap(url)
    if url.type == "identifier":
        values = flow_values(url, match.data) or _parameter_default(url, match)
        return bool(values) and all(_cleartext_url(value, match) for value in values)
    if url.type == "binary_operator":
        left = url.child_by_field_name("left")
        return left is not None and _cleartext_url(left, match)
    if url.type != "string":
        return False
    content = match.text(url).lstrip("rRbBuUfF").strip("\"'").lower()
    for scheme in ("http://", "ftp://"):
        if content.startswith(scheme):
            host = content[len(scheme) :]
            return bool(host) and not host.startswith(_LOCAL_HOSTS)
    return False


def _parameter_default(name: Node, match: Match) -> list[Node]:
    """The default value of the parameter ``name`` refers to, when nothing else binds it."""
    scope = enclosing_scope(name, match.grammar)
    if scope.type != "function_definition" or flow_values(name, match.data):
        return []
    parameters = scope.child_by_field_name("parameters")
    for parameter in parameters.named_children if parameters is not None else ():
        if parameter.type in ("default_parameter", "typed_default_parameter") and match.text(
            parameter.child_by_field_name("name")
        ) == match.text(name):
            value = parameter.child_by_field_name("value")
            return [value] if value is not None else []
    return []


def _request_to_input(match: Match) -> bool:
    """py-ssrf, at a request: its URL starts with a value from outside (the whole URL, or
    its scheme and host); a URL whose host is built in is the other pattern's."""
    if not may_hold_input(match.data):
        return False
    if match.node("built") is not None:
        return _host_from_input(match.report, match)
    url = _client_url(match)
    return url is not None and _leads_with_input(url, match, 4)


def _leads_with_input(url: Node, match: Match, depth: int, *, web_only: bool = False) -> bool:
    """``url`` begins with a value from outside: the value itself, ``param + "/id"``,
    ``"{}.csv".format(param)``, ``"%s/id" % param``, ``f"{param}/x"``, or a local name
    given such a value."""
    url = unwrap(url)
    if depth <= 0:
        return False
    if url.type == "identifier":
        values = flow_values(url, match.data)
        if not values:
            return from_input(url, match.data, web_only=web_only)
        return any(
            _leads_with_input(value, match, depth - 1, web_only=web_only) for value in values
        )
    if url.type == "binary_operator":
        left = url.child_by_field_name("left")
        right = url.child_by_field_name("right")
        if left is None or right is None:
            return False
        if _operator_text(url, match) == "%":
            return _template_text(left, match).startswith("%") and from_input(
                right, match.data, web_only=web_only
            )
        return _leads_with_input(left, match, depth - 1, web_only=web_only)
    if url.type == "string":
        parts = [c for c in url.named_children if c.type in ("string_content", "interpolation")]
        return (
            bool(parts)
            and parts[0].type == "interpolation"
            and from_input(parts[0], match.data, web_only=web_only)
        )
    if url.type == "call" and _is_format(url, match):
        function = url.child_by_field_name("function")
        template = function.child_by_field_name("object") if function is not None else None
        arguments = url.child_by_field_name("arguments")
        return (
            template is not None
            and arguments is not None
            and _template_text(template, match).startswith("{")
            and from_input(arguments, match.data, web_only=web_only)
        )
    if url.type in ("string", "concatenated_string"):
        return False
    return from_input(url, match.data, web_only=web_only)


def _operator_text(node: Node, match: Match) -> str:
    operator = node.child_by_field_name("operator")
    return match.text(operator) if operator is not None else ""


def _is_format(call: Node, match: Match) -> bool:
    function = call.child_by_field_name("function")
    method = function.child_by_field_name("attribute") if function is not None else None
    return (
        method is not None
        and function is not None
        and function.type == "attribute"
        and (match.text(method) == "format")
    )


def _template_text(node: Node, match: Match) -> str:
    """The text of a string literal (or of the one literal a local name holds), without
    its quotes and prefix; empty for anything else."""
    node = unwrap(node)
    if node.type == "identifier":
        values = flow_values(node, match.data)
        return _template_text(values[0], match) if len(values) == 1 else ""
    if node.type != "string":
        return ""
    return "".join(
        match.text(child) for child in node.named_children if child.type == "string_content"
    )


_HOST_HOLE = re.compile(r"://(%[-#0 +]*[sr]|%\([^)]*\)[sr]|\{[^{}]*\})")


def _host_from_input(built: Node, match: Match) -> bool:
    """py-ssrf, where a URL is built: the text before a value from outside ends with
    ``scheme://``, so that value chooses the host (``"https://%s/path" % host``,
    ``"http://" + param``, ``f"https://{env}/age"``, ``url += param`` after
    ``url = "https://"``)."""
    kind = built.type
    if kind == "binary_operator":
        parent = built.parent
        if parent is not None and parent.type == "binary_operator":
            return False  # the outermost operation of a chain is judged once
        if _operator_text(built, match) == "%":
            left, right = built.child_by_field_name("left"), built.child_by_field_name("right")
            if left is None or right is None:
                return False
            hole = _HOST_HOLE.search(_template_text(left, match))
            return hole is not None and _hole_filled_by_input(
                _template_text(left, match), hole, right, match
            )
        parts = _plus_parts(built)
        return any(
            unwrap(before).type == "string"
            and _template_text(before, match).endswith("://")
            and from_input(after, match.data)
            for before, after in itertools.pairwise(parts)
        )
    if kind == "augmented_assignment":
        left, right = built.child_by_field_name("left"), built.child_by_field_name("right")
        return (
            left is not None
            and right is not None
            and _template_text(left, match).endswith("://")
            and from_input(right, match.data)
        )
    if kind == "string":
        previous = ""
        for child in built.named_children:
            if child.type == "string_content":
                previous = match.text(child)
            elif child.type == "interpolation":
                if previous.endswith("://") and from_input(child, match.data):
                    return True
                previous = ""
        return False
    if kind == "call" and _is_format(built, match):
        function = built.child_by_field_name("function")
        template = function.child_by_field_name("object") if function is not None else None
        arguments = built.child_by_field_name("arguments")
        if template is None or arguments is None:
            return False
        text_ = _template_text(template, match)
        hole = _HOST_HOLE.search(text_)
        return hole is not None and _hole_filled_by_input(text_, hole, arguments, match)
    return False


def _hole_filled_by_input(template: str, hole: re.Match[str], values: Node, match: Match) -> bool:
    """The value that fills the placeholder ``hole`` of ``template`` comes from outside:
    the placeholder's position among the template's, or its name, picks the value."""
    values = unwrap(values)
    items = [v for v in values.named_children if v.type != "comment"]
    if values.type not in ("tuple", "argument_list"):
        return from_input(values, match.data)
    named = re.match(r"%\(([^)]*)\)|\{([A-Za-z_]\w*)", hole.group(1))
    if named:
        key = named.group(1) or named.group(2)
        for item in items:
            if item.type == "keyword_argument" and match.text(item.child_by_field_name("name")) == (
                key
            ):
                return from_input(item, match.data)
        return from_input(values, match.data)
    index = len(re.findall(r"%[-#0 +]*[sr]|\{[^{}]*\}", template[: hole.start()]))
    positional = [i for i in items if i.type != "keyword_argument"]
    if index < len(positional):
        return from_input(positional[index], match.data)
    return from_input(values, match.data)


def _plus_parts(node: Node) -> list[Node]:
    """The operands of a ``+`` chain, left to right."""
    parts: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if (
            current.type == "binary_operator"
            and current.child_by_field_name("operator") is not None
        ):
            operator = current.child_by_field_name("operator")
            if operator is not None and operator.type == "+":
                left, right = (
                    current.child_by_field_name("left"),
                    current.child_by_field_name("right"),
                )
                if left is not None and right is not None:
                    stack.extend((right, left))
                    continue
        parts.append(current)
    return parts


_FILE_MODULES = frozenset({"io", "codecs", "os", "flask", "gzip", "bz2", "lzma"})


def _path_from_request(match: Match) -> bool:
    """py-path-traversal: the path carries a value from a web request and the call is the
    built-in ``open``, ``io``/``codecs``/``os.open``, Flask's ``send_file`` or Django's
    ``FileResponse`` (``send_from_directory`` already refuses paths outside its folder)."""
    path = match.node("path")
    function = match.report.child_by_field_name("function")
    if path is None or function is None:
        return False
    if function.type == "attribute":
        receiver = function.child_by_field_name("object")
        if receiver is None or match.text(receiver) not in _FILE_MODULES:
            return False
    if match.text("fn") == "FileResponse":
        path = _opened_path(path, match) or path
    return from_input(path, match.data, web_only=True)


def _opened_path(value: Node, match: Match) -> Node | None:
    """The path of ``open(path)`` given directly to ``FileResponse(open(...))``."""
    value = unwrap(value)
    if value.type != "call":
        return None
    arguments = arguments_of(value)
    return arguments[0] if arguments else None


_URL_CHECKS = re.compile(r"is_safe_url|url_has_allowed_host_and_scheme|netloc|url_is_safe")


def _redirect_to_request(match: Match) -> bool:
    """py-open-redirect: the URL starts with a value from a web request, and the function
    does not check a URL's host anywhere (``url_has_allowed_host_and_scheme``,
    ``is_safe_url``, ``urlparse(...).netloc``)."""
    url = match.node("url")
    if url is None or not _leads_with_input(url, match, 4, web_only=True):
        return False
    scope = enclosing_scope(match.report, match.grammar)
    return _URL_CHECKS.search(match.text(scope)) is None


def _import_aliases(node: Node, match: Match) -> dict[str, str]:
    """Local name -> dotted name for the module's imports (``from Crypto.Cipher import DES
    as des`` gives ``des -> Crypto.Cipher.DES``), read from the top-level statements."""
    root = node
    while root.parent is not None:
        root = root.parent
    aliases: dict[str, str] = {}
    for statement in root.named_children:
        if statement.type == "import_from_statement":
            module = statement.child_by_field_name("module_name")
            prefix = match.text(module) if module is not None else ""
            for child in statement.children_by_field_name("name"):
                _add_alias(aliases, child, prefix, match)
        elif statement.type == "import_statement":
            for child in statement.children_by_field_name("name"):
                _add_alias(aliases, child, "", match)
    return aliases


def _add_alias(aliases: dict[str, str], child: Node, prefix: str, match: Match) -> None:
    if child.type == "aliased_import":
        name, alias = child.child_by_field_name("name"), child.child_by_field_name("alias")
        if name is not None and alias is not None:
            full = f"{prefix}.{match.text(name)}" if prefix else match.text(name)
            aliases[match.text(alias)] = full
    elif child.type == "dotted_name":
        full = f"{prefix}.{match.text(child)}" if prefix else match.text(child)
        aliases[match.text(child).split(".")[0] if not prefix else match.text(child)] = full


def _dotted(node: Node | None, match: Match) -> str:
    """The dotted name an expression stands for, import aliases resolved."""
    if node is None:
        return ""
    written = "".join(match.text(node).split())
    head, _, rest = written.partition(".")
    full = _import_aliases(node, match).get(head, head)
    return f"{full}.{rest}" if rest else full


_WEAK_CIPHER_MODULES = frozenset({"DES", "ARC4", "ARC2", "Blowfish", "XOR", "CAST"})
_WEAK_ALGORITHMS = frozenset({"ARC4", "IDEA", "Blowfish", "CAST5", "SEED"})


def _weak_cipher(match: Match) -> bool:
    """py-weak-crypto: cryptography's ``algorithms.ARC4``/``IDEA``/``Blowfish``/``CAST5``/
    ``SEED`` or ``modes.ECB``; PyCryptodome's ``DES``/``ARC4``/``ARC2``/``Blowfish``/``XOR``/
    ``CAST`` ``.new(...)``; or a ``MODE_ECB`` given to a cipher."""
    if match.node("mode") is not None:
        return True
    fn = match.text("fn")
    module = _dotted(match.node("module"), match)
    if fn == "new":
        parts = module.split(".")
        return (
            parts[-1] in _WEAK_CIPHER_MODULES
            and (len(parts) == 1 or parts[-2] == "Cipher")
            and module.split(".")[0] in ("Crypto", "Cryptodome", *_WEAK_CIPHER_MODULES)
        )
    if fn == "ECB":
        function = match.report.child_by_field_name("function")
        return "modes" in _dotted(function, match).split(".")
    return fn in _WEAK_ALGORITHMS and module.endswith("algorithms")


_SMALL_CURVES = re.compile(r"^SEC[PT]1[0-9]{2}[KR][12]$|^SECP1[0-9]{2}R1$")


def _small_key(match: Match) -> bool:
    """py-weak-key: the argument is the key size of an RSA or DSA key under 2048 bits, or the
    curve of an EC key under 224 bits (``SECP192R1``, ``SECT163K1``)."""
    argument = match.report
    module = _dotted(match.node("module"), match)
    kind = module.rsplit(".", 1)[-1].lower()
    if kind not in ("rsa", "dsa", "ec"):
        return False
    listing = argument.parent
    if listing is None or argument.type == "comment":
        return False
    call_args = [a for a in listing.named_children if a.type != "comment"]
    name: str | None = None
    value: Node | None = argument
    if argument.type == "keyword_argument":
        name = match.text(argument.child_by_field_name("name"))
        value = argument.child_by_field_name("value")
    elif argument.type in ("list_splat", "dictionary_splat"):
        return False
    position = call_args.index(argument)
    fn = match.text("fn")
    if kind == "ec":
        wanted = name == "curve" or (name is None and position == 0)
        curve = match.text(value).rsplit(".", 1)[-1].removesuffix("()")
        return wanted and _SMALL_CURVES.match(curve) is not None
    if fn == "generate_private_key":
        size_position = 1 if kind == "rsa" else 0
        wanted = name == "key_size" or (name is None and position == size_position)
    else:
        wanted = name == "bits" or (name is None and position == 0)
    if not wanted or value is None or value.type != "integer":
        return False
    try:
        return int(match.text(value).replace("_", ""), 0) < 2048
    except ValueError:
        return False


_TESTING = re.compile(r"""(^|[\s,(\[{'"])TESTING['"]?\]?\s*[=:]\s*True\b""")


def _csrf_off_outside_tests(match: Match) -> bool:
    """py-csrf-disabled: the switch is not part of a test configuration, which sets
    ``TESTING = True`` beside it (the same call, class body or module)."""
    report = match.report
    if report.parent is not None and report.parent.type == "decorator":
        return True
    holder = report.parent
    if report.type == "assignment" and holder is not None:
        holder = holder.parent  # the block (or module) around the expression statement
    return holder is None or _TESTING.search(match.text(holder)) is None


_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9-]*|!--)[\s>/]")


def _html_from_request(match: Match) -> bool:
    """py-html-format: the text is HTML (it has a tag) and a value interpolated into it comes
    from a web request, with no ``escape()`` on the way."""
    if not may_hold_input(match.data, web_only=True):
        return False
    built = match.report
    if built.type == "binary_operator":
        parent = built.parent
        if parent is not None and parent.type == "binary_operator":
            return False  # the outermost operation of a chain is judged once
        left, right = built.child_by_field_name("left"), built.child_by_field_name("right")
        if left is None or right is None:
            return False
        if _operator_text(built, match) == "%":
            return _looks_html(_template_text(left, match)) and _web_input(right, match)
        if _operator_text(built, match) != "+":
            return False
        parts = _plus_parts(built)
        literal_html = (
            unwrap(p).type == "string" and _looks_html(_template_text(p, match)) for p in parts
        )
        return any(literal_html) and any(
            unwrap(p).type != "string" and _web_input(p, match) for p in parts
        )
    if built.type == "string":
        content = "".join(match.text(c) for c in built.named_children if c.type == "string_content")
        return _looks_html(content) and any(
            c.type == "interpolation" and _web_input(c, match) for c in built.named_children
        )
    function = built.child_by_field_name("function")
    template = function.child_by_field_name("object") if function is not None else None
    arguments = built.child_by_field_name("arguments")
    return (
        template is not None
        and arguments is not None
        and _looks_html(_template_text(template, match))
        and _web_input(arguments, match)
    )


def _looks_html(content: str) -> bool:
    return _HTML.search(content) is not None


def _web_input(node: Node, match: Match) -> bool:
    return from_input(node, match.data, web_only=True)


_FALSY = frozenset({"False", "None", "0", '""', "''"})


def _autoescape_off(match: Match) -> bool:
    """py-autoescape-off: ``autoescape=`` is a false constant, or a local name that only
    holds false constants; the Django context pair is reported as matched."""
    value = match.node("value")
    if value is None:
        return True
    value = unwrap(value)
    if value.type == "identifier":
        values = flow_values(value, match.data)
        return bool(values) and all(match.text(v).strip() in _FALSY for v in values)
    return match.text(value).strip() in _FALSY


_VERSION_PLACES = frozenset(
    {"keyword_argument", "default_parameter", "typed_default_parameter", "argument_list"}
)


def _chooses_version(match: Match) -> bool:
    """py-weak-tls: the protocol constant is given to a call, is a parameter's default or is
    assigned; comparing with it (``if proto == ssl.PROTOCOL_TLSv1``) only reads it."""
    parent = match.report.parent
    if parent is None:
        return False
    if parent.type == "assignment":
        return parent.child_by_field_name("right") == match.report
    return parent.type in _VERSION_PLACES


# -- declarations ----------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule(
        id="py-sql-format",
        languages=PY,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="SQL built by string formatting",
        message="SQL built by string formatting is passed to `{method}`: pass the values as"
        " query parameters",
        explanation=(
            "The SQL text is built with `%`, `+`, `.format()` or an f-string from values that"
            " are not constants, then executed. If any of those values comes from a user, a"
            " request or a file, it can change the statement itself (SQL injection): read other"
            " rows, bypass a login, drop a table.\n\n"
            "**Fix:** keep the SQL constant and pass the values as parameters, which the driver"
            ' sends separately: `cur.execute("SELECT * FROM t WHERE name = ?", (name,))`'
            " (`%s` placeholders for psycopg and MySQL drivers). Table and column names cannot"
            " be parameters: check them against a fixed list, or quote them by doubling the"
            " quote (`'\"{0}\"'.format(name.replace('\"', '\"\"'))`, what `sqlite3`'s"
            " `iterdump` does); a `.format()` whose every value is constant or quoted that way"
            " is not reported, nor SQL made only of literals and local names holding"
            " literals.\n\n"
            "Reference: CWE-89, OWASP SQL Injection Prevention Cheat Sheet."
        ),
        references=("CWE-89",),
        check=_formats_something,
    ),
    Rule(
        id="py-eval",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="eval/exec of a non-literal",
        message="`{fn}` runs code that is not a literal: if it can come from outside, it runs"
        " an attacker's code",
        explanation=(
            "`eval()` and `exec()` run any Python code they are given, with the program's"
            " rights. When the argument is built at run time, whoever controls it controls the"
            " program. A local name is followed to what it was given earlier in the function:"
            ' one that only ever held literals (`code = "1 + 1"`) is not reported, nor is a'
            " group of a regular expression matched in the function whose pattern admits no"
            " bracket, only names, dots, digits, quotes and backslashes (`m.group(1)` of"
            ' `r"(\\w+(\\.\\w+)*)"`): no text it admits can call anything.\n\n'
            "**Fix:** parse data instead of running it: `ast.literal_eval()` for Python"
            " literals, `json.loads()` for JSON, a dictionary of allowed functions for dispatch,"
            " `getattr()` with a checked name for attribute access.\n\n"
            "Reference: CWE-95 (Eval Injection)."
        ),
        references=("CWE-95",),
        check=_code_not_literal,
    ),
    Rule(
        id="py-shell-injection",
        languages=PY,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="Shell command built from interpolated input",
        message="A shell command is built from interpolated values: a `;` or `$(...)` in them"
        " runs other commands",
        explanation=(
            "The command is a string built at run time and run through a shell"
            " (`shell=True`, `os.system`, `os.popen`, `subprocess.getoutput`). The shell"
            " interprets `;`, `|`, `$(...)`, quotes and spaces in the interpolated values, so a"
            " file name such as `x; rm -rf ~` runs a second command. Also reported: a list"
            ' command given to a shell (`["sh", "-c", cmd]`, or a list with `shell=True`) with'
            " a built element, asyncio's `create_subprocess_shell`/`subprocess_shell`, and a"
            " program taken from a web request or the command line"
            " (`subprocess.run([request.args['tool'], path])`). A command held in a local"
            ' name is followed to what it was given earlier in the function (`cmd = "ls " +'
            " path`, `cmd += arg`, `arg = sys.argv[1]`); one built only from literals, or"
            " whose every interpolated value goes through `shlex.quote` (or is a name"
            " `tempfile.mkstemp()` just made, or is put between single quotes with each"
            " `'` in it replaced by `'\"'\"'` or `'\\''`), is not reported.\n\n"
            "**Fix:** pass the program and its arguments as a list without a shell:"
            ' `subprocess.run(["ls", path], check=True)`. If a shell is unavoidable, quote'
            " each value with `shlex.quote()`.\n\n"
            "Reference: CWE-78 (OS Command Injection)."
        ),
        references=("CWE-78",),
        check=_command_built,
    ),
    Rule(
        id="py-pickle-load",
        languages=PY,
        category=_S,
        severity=_INFO,
        confidence=0.6,
        title="Unpickling data",
        message="Unpickling runs code chosen by whoever wrote the data: never unpickle"
        " untrusted input",
        explanation=(
            "`pickle` (and `dill`, `cPickle`, `_pickle`, and what is built on it: `shelve`,"
            " `jsonpickle`, `pandas.read_pickle`, `torch.load` without `weights_only=True`,"
            " `numpy.load(allow_pickle=True)`; `marshal` is no safer) can construct any object"
            " and call any function while loading. Loading a pickle from a network peer, an"
            " upload, a cache others can write to or a downloaded file runs their code.\n\n"
            "**Fix:** exchange data in a format that cannot run code (JSON, MessagePack,"
            " Protocol Buffers). If pickles must cross a trust boundary, sign them (`hmac`) and"
            " check the signature before loading. Where the data is your own (a local cache"
            " only this user can write), suppress the finding with a `peer: ignore` comment.\n\n"
            "Reference: CWE-502 (Deserialization of Untrusted Data)."
        ),
        references=("CWE-502",),
        check=_unpickles,
    ),
    Rule(
        id="py-yaml-load",
        languages=PY,
        category=_S,
        severity=_ERROR,
        confidence=0.85,
        title="yaml.load without a safe loader",
        message="`yaml.{fn}` without `SafeLoader` can build arbitrary Python objects from the"
        " document",
        explanation=(
            "PyYAML's default, full and unsafe loaders turn tags such as"
            " `!!python/object/apply:os.system` into function calls, so loading an untrusted"
            " YAML document runs its code.\n\n"
            "**Fix:** `yaml.safe_load(text)` (or `Loader=yaml.SafeLoader`), which builds only"
            " plain data: dicts, lists, strings, numbers. Reported when no loader is given or"
            " the loader is `Loader`, `FullLoader`, `UnsafeLoader` or their C versions.\n\n"
            "Reference: CWE-502 (Deserialization of Untrusted Data)."
        ),
        references=("CWE-502",),
        check=_yaml_unsafe,
        fix=_yaml_safe_fix,
        fix_title="Use `yaml.{new}`",
    ),
    Rule(
        id="py-tls-unverified",
        languages=PY,
        category=_S,
        severity=_ERROR,
        confidence=0.85,
        title="TLS certificate verification disabled",
        message="TLS certificate verification is turned off: anyone on the network path can"
        " read and change this traffic",
        explanation=(
            "`verify=False`, `ssl._create_unverified_context()` (also installed for every"
            " client as `ssl._create_default_https_context`), `verify_mode = CERT_NONE` and"
            " `cert_reqs=CERT_NONE`/`CERT_OPTIONAL` (ssl, urllib3) accept any certificate, so"
            " a man in the middle can"
            " impersonate the server, read credentials and alter responses.\n\n"
            "**Fix:** keep verification on. For a private CA, point to its bundle:"
            ' `verify="/path/ca.pem"` or `ssl.create_default_context(cafile=...)`.\n\n'
            "Reference: CWE-295 (Improper Certificate Validation)."
        ),
        references=("CWE-295",),
    ),
    Rule(
        id="py-hardcoded-secret",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="Hard-coded credential",
        message="A credential is written in the code (`{name}`): read it from the environment"
        " or a secret store",
        explanation=(
            "A password, API key or token in the source is readable by everyone with access to"
            " the repository, its history, backups and built artefacts, and cannot be rotated"
            " without a release.\n\n"
            '**Fix:** read it at run time: `os.environ["DB_PASSWORD"]`, a secrets manager, or'
            " a configuration file kept out of version control. Rotate the value that was"
            " committed.\n\n"
            "Reference: CWE-798 (Use of Hard-coded Credentials)."
        ),
        references=("CWE-798",),
        check=key_is_hardcoded,
    ),
    Rule(
        id="py-weak-password-hash",
        languages=PY,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="Fast hash used for a password",
        message="`hashlib.{fn}` is a fast hash: a leaked password hash is cracked in seconds",
        explanation=(
            "MD5, SHA-1 and even SHA-256 are designed to be fast, so an attacker who gets the"
            " hashes tries billions of passwords per second; without a salt, identical"
            " passwords also share a hash.\n\n"
            "**Fix:** use a slow, salted password hash: `hashlib.scrypt()`,"
            ' `hashlib.pbkdf2_hmac("sha256", pw, salt, 600_000)`, or argon2/bcrypt'
            " (`argon2-cffi`, `bcrypt`).\n\n"
            "Reference: CWE-916 (Password Hash With Insufficient Computational Effort),"
            " CWE-328."
        ),
        references=("CWE-916", "CWE-328"),
        check=_weak_hash_of_password,
    ),
    Rule(
        id="py-insecure-tempfile",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.9,
        title="Insecure temporary file name",
        message="`{fn}` returns a name another process can take first: use"
        " `tempfile.mkstemp` or `NamedTemporaryFile`",
        explanation=(
            "`tempfile.mktemp()` only returns a name; between that call and opening the file,"
            " another process can create a file or symlink there (a race, CWE-377), and the"
            " program then writes to a file the attacker controls. A name for a Windows"
            " named pipe (`\\\\.\\pipe\\`) or a Unix socket (in an `AF_UNIX` branch) is not"
            " reported: creating those fails on a taken name.\n\n"
            "**Fix:** create and open atomically: `fd, path = tempfile.mkstemp()`,"
            " `tempfile.NamedTemporaryFile()`, or `tempfile.TemporaryDirectory()`.\n\n"
            "Reference: CWE-377 (Insecure Temporary File)."
        ),
        references=("CWE-377",),
        check=_names_a_file,
    ),
    Rule(
        id="py-random-secret",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.75,
        title="random used for a secret",
        message="`random` is predictable: use `secrets` for tokens, passwords and keys",
        explanation=(
            "The `random` module is a Mersenne Twister: after 624 outputs its whole future is"
            " known, and it is seeded predictably. Tokens, passwords, salts or reset codes made"
            " with it can be guessed. A value used only to build a MIME boundary (read only"
            " by assignments to a `boundary`, or made in a function named for one) is not"
            " reported: a separator guards nothing.\n\n"
            "**Fix:** `secrets.token_urlsafe()`, `secrets.token_hex()`, `secrets.choice()`, or"
            " `random.SystemRandom()`.\n\n"
            "Reference: CWE-338 (Use of Cryptographically Weak PRNG)."
        ),
        references=("CWE-338",),
        check=_random_for_secret,
    ),
    Rule(
        id="py-jwt-unverified",
        languages=PY,
        category=_S,
        severity=_ERROR,
        confidence=0.9,
        title="JWT decoded without verifying its signature",
        message="The token's signature is not verified: anyone can forge its claims",
        explanation=(
            '`jwt.decode(..., options={"verify_signature": False})` (or `verify=False` in old'
            " PyJWT) returns whatever claims the token holds, signed or not, so a user can make"
            " themselves admin.\n\n"
            "**Fix:** verify with the key and the algorithms you expect:"
            ' `jwt.decode(token, key, algorithms=["RS256"])`. To read a header before'
            " verifying (to pick a key), use `jwt.get_unverified_header()` and verify after.\n\n"
            "Reference: CWE-347 (Improper Verification of Cryptographic Signature)."
        ),
        references=("CWE-347",),
        check=_verification_off,
    ),
    Rule(
        id="py-chmod-world-writable",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.85,
        title="File made world-writable",
        message="Mode `{report}` lets every user of the machine change this file",
        explanation=(
            "A mode with the write bit for others (`0o777`, `0o666`, `0o002`) lets any local"
            " user or compromised service rewrite the file: replace a script, a config, or"
            " data other code trusts.\n\n"
            "**Fix:** grant only what is needed: `0o644` for files others read, `0o600` for"
            " private ones, `0o755` for programs and folders.\n\n"
            "Reference: CWE-732 (Incorrect Permission Assignment for Critical Resource)."
        ),
        references=("CWE-732",),
        check=_world_writable,
    ),
    Rule(
        id="py-debug-server",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.75,
        title="Web app run with the debugger on",
        message="`debug=True` exposes an interactive debugger that runs code sent to it",
        explanation=(
            "Flask's (Werkzeug's) debug mode serves an in-browser console on errors: whoever"
            " reaches the server can run Python on it. It also reloads code and leaks"
            " tracebacks.\n\n"
            "**Fix:** never enable it where others can connect: drive it from the environment"
            " (`FLASK_DEBUG=1` on a developer machine only) and serve production with a WSGI"
            " server (gunicorn, uWSGI).\n\n"
            "Reference: CWE-489 (Active Debug Code), CWE-94."
        ),
        references=("CWE-489", "CWE-94"),
    ),
    Rule(
        id="py-mutable-default",
        languages=PY,
        category=_B,
        severity=_WARNING,
        confidence=0.9,
        title="Mutable default argument",
        message="Mutable default `{report}` is created once and shared by every call, and this"
        " function changes or keeps it",
        explanation=(
            "A default value is evaluated once, when the function is defined. A list, dict or"
            " set default is the same object in every call, so what one call appends the next"
            " call sees. Reported when the function changes the value, stores it or returns"
            " it; a default that is only read is harmless, and so is one the function replaces"
            " first (`items = list(items)` at the top of the body, before any change), while"
            " a copy made only in one branch of an `if` still leaves the default shared in"
            " the other (a copy in every branch of an `if`/`else` does not). A parameter"
            " named with a leading underscore or as a cache (`_state=[0]`, `cache={}`,"
            " `seen=set()`) is taken to be shared on purpose.\n\n"
            "**Fix:** default to `None` and create the value inside:"
            " `def add(item, items=None):` then `if items is None: items = []`.\n\n"
            'Reference: Python FAQ "Why are default values shared between objects?";'
            " flake8-bugbear B006."
        ),
        references=(
            "https://docs.python.org/3/faq/programming.html#why-are-default-values-shared-between-objects",
        ),
        check=_default_is_shared,
    ),
    Rule(
        id="py-none-comparison",
        languages=PY,
        category=_B,
        severity=_WARNING,
        confidence=0.85,
        title="Comparison to None with == or !=",
        message="Compare to `None` with `is` / `is not`, not `{op}`",
        explanation=(
            "`None` is a singleton, so the test is identity. `==` calls the object's `__eq__`,"
            " which classes may override: NumPy arrays compare element-wise, ORM columns build"
            " SQL, proxies answer what they like. `x is None` always means what it says and is"
            " faster.\n\n"
            "**Fix:** `x is None` / `x is not None`. (If `== None` is meant to build an SQL"
            " expression, as in SQLAlchemy, use `column.is_(None)` instead.)\n\n"
            "Reference: PEP 8 (Programming Recommendations); pycodestyle E711."
        ),
        references=("https://peps.python.org/pep-0008/#programming-recommendations",),
        check=_none_beside_operator,
        fix=_identity_test,
        fix_title="Replace `{op}` with `{new}`",
    ),
    Rule(
        id="py-is-literal",
        languages=PY,
        category=_B,
        severity=_WARNING,
        confidence=0.9,
        title="Identity comparison with a literal",
        message="`{op}` compares identity with a literal: use `==` / `!=`",
        explanation=(
            "Whether two equal strings or numbers are the same object is an accident of the"
            ' interpreter (interning, small-integer caching), so `x is "abc"` may be true in'
            " one run and false in another. Python warns about it (SyntaxWarning).\n\n"
            "**Fix:** compare values with `==` and `!=`. Keep `is` for `None`, `True`,"
            " `False` and sentinels.\n\n"
            "Reference: Python 3.8 release notes (SyntaxWarning for `is` with a literal)."
        ),
        references=("https://docs.python.org/3/whatsnew/3.8.html#changes-in-python-behavior",),
        check=_literal_beside_operator,
        fix=_equality_test,
        fix_title="Replace `{op}` with `{new}`",
    ),
    Rule(
        id="py-assert-tuple",
        languages=PY,
        category=_B,
        severity=_ERROR,
        confidence=0.95,
        title="assert on a tuple",
        message="This assert tests a non-empty tuple, which is always true: it never fails",
        explanation=(
            '`assert (condition, "message")` asserts the tuple itself, and a non-empty tuple'
            " is true, so the check never fails. Python warns about it (SyntaxWarning).\n\n"
            '**Fix:** drop the parentheses: `assert condition, "message"`.\n\n'
            "Reference: pyflakes F631."
        ),
        references=("https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement",),
        fix=_unwrap_tuple,
        fix_title="Remove the parentheses",
    ),
    Rule(
        id="py-bare-except",
        languages=PY,
        category=_B,
        severity=_WARNING,
        confidence=0.8,
        title="Bare except that swallows every exception",
        message="This handler catches every exception, KeyboardInterrupt and SystemExit"
        " included, and does not re-raise",
        explanation=(
            "A bare `except:` (or `except BaseException:`) catches everything, including"
            " Ctrl-C (`KeyboardInterrupt`), `sys.exit()` (`SystemExit`) and"
            " `GeneratorExit`; when the handler does not re-raise, the program cannot be"
            " stopped there and real bugs disappear silently.\n\n"
            "**Fix:** catch the exceptions you expect (`except (OSError, ValueError):`), or at"
            " least `except Exception:`, and log what was caught.\n\n"
            "Reference: PEP 8; CWE-396 (Declaration of Catch for Generic Exception)."
        ),
        references=("CWE-396",),
        check=_swallows,
        fix=_catch_exception,
        fix_title="Catch `Exception` instead",
    ),
    Rule(
        id="py-return-in-finally",
        languages=PY,
        category=_B,
        severity=_WARNING,
        confidence=0.85,
        title="return/break/continue in finally",
        message="`{report}` in `finally` discards any exception raised in the `try`",
        explanation=(
            "Leaving a `finally` block with `return`, `break` or `continue` silently drops the"
            " exception that was propagating, and overrides the `try` block's own return"
            " value. Python 3.14 warns about it (PEP 765).\n\n"
            "**Fix:** move the statement after the `try` statement, or return from the `try`"
            " and `except` blocks.\n\n"
            "Reference: PEP 765; CWE-584 (Return Inside Finally Block)."
        ),
        references=("CWE-584",),
    ),
    Rule(
        id="py-requests-no-timeout",
        languages=PY,
        category=_B,
        severity=_WARNING,
        confidence=0.75,
        title="HTTP request without a timeout",
        message="`{module}.{fn}` without a timeout can wait forever for a server that does not"
        " answer",
        explanation=(
            "requests has no default timeout: a peer that accepts the connection and never"
            " answers blocks the call, and the thread or worker behind it, forever."
            " `timeout=None` says the same explicitly, and switches off httpx's default"
            " (which is why httpx is reported only then).\n\n"
            "**Fix:** always pass `timeout=` (connect and read seconds, e.g."
            " `timeout=(3.05, 30)`), or use a session adapter that sets one.\n\n"
            'Reference: CWE-400; requests docs, "Timeouts".'
        ),
        references=("CWE-400",),
        check=_no_timeout,
    ),
    Rule(
        id="py-tar-extract",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.8,
        title="Archive extracted without a path filter",
        message='`{fn}` without `filter="data"` can write outside the target folder'
        " (path traversal)",
        explanation=(
            "A tar archive names its members freely: `../../.bashrc`, `/etc/cron.d/x`, or a"
            " symlink followed by a file written through it. `TarFile.extractall()` /"
            " `extract()` and `shutil.unpack_archive()` before Python 3.14 write them where"
            " they point unless a filter is given, so extracting an archive someone else made"
            ' lets them overwrite any file the process can write ("tar slip"). Reported for'
            " archives opened with `tarfile.open` in the same function, without `filter=` or"
            ' with `filter="fully_trusted"`; a `members=` selection is taken as checked.'
            " `zipfile` already drops `..` and absolute names, so it is not reported.\n\n"
            '**Fix:** pass `filter="data"` (Python 3.12+, and backported to 3.8-3.11'
            ' security releases): `tar.extractall(dest, filter="data")`,'
            ' `shutil.unpack_archive(path, dest, filter="data")`. On older Pythons, check'
            " each member first: resolve `os.path.join(dest, member.name)` and refuse it"
            " unless it stays under `dest`, and skip links and devices.\n\n"
            "Reference: CWE-22 (Path Traversal); PEP 706; bandit B202."
        ),
        references=("CWE-22",),
        check=_unfiltered_extraction,
    ),
    Rule(
        id="py-cleartext-transport",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.75,
        title="Request sent over an unencrypted connection",
        message="`{fn}` talks to the network without encryption: use https:// (or FTP_TLS)",
        explanation=(
            "An `http://` or `ftp://` URL (or an `ftplib.FTP` session) sends the request, its"
            " cookies, credentials and the answer in clear text: anyone on the network path"
            " can read them and change the answer (inject code into a downloaded script,"
            " a different certificate, a redirect). Reported for urllib (`urlopen`,"
            " `urlretrieve`, `Request`, `URLopener`/`OpenerDirector`), requests and httpx (and"
            " their sessions) when the URL is a literal, a local name given only such"
            " literals, or a parameter's default; URLs to this machine (`localhost`,"
            " `127.x`) are not reported.\n\n"
            "**Fix:** use `https://` (and keep certificate checks on); use `ftplib.FTP_TLS`"
            " and call `prot_p()`, or SFTP, instead of FTP.\n\n"
            "Reference: CWE-319 (Cleartext Transmission of Sensitive Information)."
        ),
        references=("CWE-319",),
        check=_cleartext_request,
    ),
    Rule(
        id="py-weak-tls",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.85,
        title="Broken or deprecated SSL/TLS version",
        message="`{version}` selects a broken or deprecated protocol version: use TLS 1.2 or later",
        explanation=(
            "SSL 2.0 and 3.0 are broken (DROWN, POODLE) and TLS 1.0 and 1.1 are deprecated"
            " (RFC 8996): a connection limited to them, or allowing them, can be downgraded"
            " and read by whoever sits on the network path. pyOpenSSL's `SSLv23_METHOD` still"
            " allows SSL 3.0 where the library has it.\n\n"
            "**Fix:** let the library negotiate the newest version:"
            " `ssl.create_default_context()` (or `ssl.PROTOCOL_TLS_CLIENT`), and set"
            " `context.minimum_version = ssl.TLSVersion.TLSv1_2`; in pyOpenSSL use"
            " `SSL.TLS_METHOD` with `set_min_proto_version`.\n\n"
            "Reference: CWE-326 (Inadequate Encryption Strength), CWE-327; RFC 8996."
        ),
        references=("CWE-326", "CWE-327"),
        check=_chooses_version,
    ),
    Rule(
        id="py-ssrf",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="Request to a URL chosen by the client",
        message="The URL's host comes from outside: the server can be made to call any address"
        " (SSRF)",
        explanation=(
            "A value from a web request, the command line or the environment chooses where"
            " the server sends a request: the whole URL (`requests.get(request.args['url'])`)"
            ' or its host (`f"https://{host}/api"`, `"http://%s/" % host`). An attacker'
            " points it at internal services the server can reach and they cannot (cloud"
            " metadata at 169.254.169.254, admin ports, databases), or at their own server to"
            " collect the cookies and tokens sent with it. Values are followed through local"
            " names inside one function; a URL whose scheme and host are constants and only"
            " the path or query comes from outside is not reported.\n\n"
            '**Fix:** keep the host constant (`f"https://api.example.com/{quote(name)}"`), or'
            " check the parsed URL's scheme and host against a list of allowed ones before"
            " the request, and refuse redirects to other hosts.\n\n"
            "Reference: CWE-918 (Server-Side Request Forgery)."
        ),
        references=("CWE-918",),
        check=_request_to_input,
    ),
    Rule(
        id="py-path-traversal",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="File path taken from a web request",
        message="`{fn}` opens a path built from the request: `../` in it reaches any file the"
        " server can read",
        explanation=(
            "A file name or path from a web request (a query or form field, a route"
            " parameter, a header, a Lambda event) is opened or sent as it is. With `../`"
            " segments or an absolute path the client reads or overwrites files outside the"
            " folder meant for it: configuration, keys, source code. Values are followed"
            " through local names inside one function; `os.path.basename()` and"
            " `secure_filename()` end the trail. Paths from the command line are not"
            " reported: a tool opening the file its user names is doing its job.\n\n"
            "**Fix:** serve files with `flask.send_from_directory(folder, name)`, or resolve"
            " the path (`(base / name).resolve()`) and refuse it unless it is inside `base`"
            " (`resolved.is_relative_to(base)`); better, look the file up by an id in a fixed"
            " table.\n\n"
            "Reference: CWE-22 (Path Traversal)."
        ),
        references=("CWE-22",),
        check=_path_from_request,
    ),
    Rule(
        id="py-open-redirect",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="Redirect to a URL taken from the request",
        message="The redirect target comes from the request: a link to this site can send"
        " users anywhere (open redirect)",
        explanation=(
            "`redirect(request.args['next'])` sends the browser wherever the link says. An"
            " attacker mails a link to the real site that bounces to a look-alike login page,"
            " borrowing this site's name for phishing, or steals tokens carried in the URL."
            " Reported when the redirect URL starts with a value from a web request (followed"
            " through local names in one function); a fixed prefix such as"
            ' `"/profile/" + name` keeps the user on this site and is not reported.\n\n'
            "**Fix:** redirect to a named route (`url_for(...)`), or accept only relative"
            " paths of this site: parse the URL and refuse it when it has a scheme or a host"
            " (`urlparse(target).netloc`), or when it starts with `//`.\n\n"
            "Reference: CWE-601 (URL Redirection to Untrusted Site)."
        ),
        references=("CWE-601",),
        check=_redirect_to_request,
    ),
    Rule(
        id="py-weak-crypto",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.85,
        title="Broken cipher or ECB mode",
        message="This cipher or mode is broken: use AES-GCM or ChaCha20-Poly1305",
        explanation=(
            "DES (a 56-bit key, searched in hours), RC4/ARC4 (biased keystream), RC2,"
            " Blowfish, IDEA and CAST5 (64-bit blocks, open to Sweet32 collisions), SEED and"
            " XOR are not safe for new data. ECB mode encrypts equal blocks to equal"
            " ciphertext, so the structure of the data shows through (the well-known"
            " penguin). Reported for the `cryptography` package's `algorithms.*` and"
            " `modes.ECB`, and PyCryptodome's `DES.new`, `ARC4.new`, `XOR.new`..., and any"
            " `MODE_ECB`; import aliases are followed.\n\n"
            "**Fix:** use authenticated encryption: `AESGCM` or `ChaCha20Poly1305` from"
            " `cryptography.hazmat.primitives.ciphers.aead` (or `Fernet`), or"
            " `AES.new(key, AES.MODE_GCM)` in PyCryptodome, with a fresh nonce per message.\n\n"
            "Reference: CWE-327 (Use of a Broken or Risky Cryptographic Algorithm)."
        ),
        references=("CWE-327",),
        check=_weak_cipher,
    ),
    Rule(
        id="py-weak-key",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.9,
        title="Key too short",
        message="`{report}` is too small for this key: use at least 2048 bits (RSA, DSA) or a"
        " 256-bit curve",
        explanation=(
            "RSA and DSA keys under 2048 bits and elliptic curves under 224 bits can be"
            " broken with resources within reach of a well-funded attacker (512-bit RSA in"
            " hours on rented machines, 1024-bit within reach), so what they sign or protect"
            " can be forged or read. Reported for the `cryptography` package's"
            " `rsa`/`dsa`/`ec.generate_private_key` and PyCryptodome's `RSA`/`DSA.generate`"
            " when the size or curve is written as a constant.\n\n"
            "**Fix:** `key_size=3072` (or at least 2048) for RSA and DSA, `ec.SECP256R1()` or"
            " better, or Ed25519 keys, which have no size to choose.\n\n"
            "Reference: CWE-326 (Inadequate Encryption Strength); NIST SP 800-131A."
        ),
        references=("CWE-326",),
        check=_small_key,
    ),
    Rule(
        id="py-csrf-disabled",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.8,
        title="CSRF protection switched off",
        message="CSRF protection is switched off here: any site can submit forms as the"
        " logged-in user",
        explanation=(
            "Cross-site request forgery protection checks that a state-changing request"
            " comes from this site's own pages. Without it, a page on any other site can make"
            " the user's browser post to this one with the user's cookies: change their"
            " email or password, transfer money. Reported for Flask-WTF's"
            " `WTF_CSRF_ENABLED = False` (or `WTF_CSRF_CHECK_DEFAULT`), Pyramid's"
            " `require_csrf=False` and `check_origin=False`, and Django's `@csrf_exempt`;"
            " a configuration that also sets `TESTING = True` is left alone.\n\n"
            "**Fix:** keep the protection on and send the token with each form or AJAX"
            " request (`{{ csrf_token() }}`, the `X-CSRFToken` header). For an API"
            " authenticated by a header token rather than cookies, exempt only that"
            " endpoint and say why.\n\n"
            "Reference: CWE-352 (Cross-Site Request Forgery)."
        ),
        references=("CWE-352",),
        check=_csrf_off_outside_tests,
    ),
    Rule(
        id="py-html-format",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="HTML built from request input",
        message="HTML is built from request input without escaping: a `<script>` in it runs in"
        " the user's browser (XSS)",
        explanation=(
            "HTML text (it has a tag) is built with `%`, `+`, `.format()` or an f-string"
            " from a value of a web request, followed through local names in one function."
            " Whatever the client sent becomes markup: a `<script>` or an `onerror=` attribute"
            " runs in the browser of whoever views the page, with their session (cross-site"
            " scripting). Values passed through `escape()` or rendered by a template first"
            " are not reported.\n\n"
            "**Fix:** render HTML with a template engine that escapes by default (Jinja2 with"
            " autoescape, Django templates), or escape each value: `markupsafe.escape(x)`,"
            " `django.utils.html.format_html(...)`, `html.escape(x, quote=True)`.\n\n"
            "Reference: CWE-79 (Cross-site Scripting)."
        ),
        references=("CWE-79",),
        check=_html_from_request,
    ),
    Rule(
        id="py-autoescape-off",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.8,
        title="Template autoescaping switched off",
        message="Autoescaping is off: every value rendered into this HTML is markup, open to XSS",
        explanation=(
            "With autoescaping off, a template inserts each value as it is, so a value that"
            " holds `<script>` becomes a script in the page (cross-site scripting). Jinja2's"
            " `Environment` does not escape unless told to, and a Django context with"
            " `'autoescape': False` turns it off for the whole template. Reported for"
            " `autoescape=False` (or a name only given false constants) and the Django"
            " context key.\n\n"
            "**Fix:** `jinja2.Environment(autoescape=select_autoescape())` (or `True`), keep"
            " Django's default, and mark only trusted, already-safe fragments with"
            " `Markup`/`mark_safe`.\n\n"
            "Reference: CWE-79 (Cross-site Scripting), CWE-116."
        ),
        references=("CWE-79", "CWE-116"),
        check=_autoescape_off,
    ),
    Rule(
        id="py-ssh-host-key",
        languages=PY,
        category=_S,
        severity=_WARNING,
        confidence=0.9,
        title="SSH host key accepted without checking",
        message="`{policy}` accepts any server's host key: a man in the middle gets the"
        " session and its credentials",
        explanation=(
            "The host key is how an SSH client knows it reached the right server. paramiko's"
            " `AutoAddPolicy` trusts (and saves) whatever key an unknown server presents and"
            " `WarningPolicy` only logs it, so whoever sits on the network path can pose as"
            " the server, collect the password or key exchange and run the session.\n\n"
            "**Fix:** load the known hosts (`client.load_system_host_keys()` or"
            " `client.load_host_keys(path)`) and keep the default `RejectPolicy`; add a new"
            " server's key to known_hosts out of band.\n\n"
            "Reference: CWE-322 (Key Exchange without Entity Authentication), CWE-295."
        ),
        references=("CWE-322", "CWE-295"),
    ),
    Rule(
        id="py-template-injection",
        languages=PY,
        category=_S,
        severity=_ERROR,
        confidence=0.75,
        title="Template compiled from text built at run time",
        message="The template text is built at run time: template syntax in the values runs on"
        " the server (server-side template injection)",
        explanation=(
            "`render_template_string()`, `jinja2.Template()`, `Environment.from_string()` and"
            " mako's `Template()` compile their text as a template. When a value is pasted"
            " into that text (`%`, `+`, `.format()`, an f-string) instead of passed as a"
            " variable, `{{ ... }}` in the value is evaluated: it reads configuration and"
            " secrets, and in Jinja2 reaches Python objects that run commands. A local name"
            " is followed to what it was given in the function; a constant template is not"
            " reported.\n\n"
            "**Fix:** keep the template constant and pass values as variables:"
            ' `render_template_string("<h3>{{ url }}</h3>", url=request.url)`, or use a'
            " template file with `render_template`.\n\n"
            "Reference: CWE-1336 (Improper Neutralization of Special Elements Used in a"
            " Template Engine), CWE-94."
        ),
        references=("CWE-1336", "CWE-94"),
        check=_template_built,
    ),
)
