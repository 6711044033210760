"""The local rules for Go. Patterns: ``queries/go/<rule-id>.scm``."""

from __future__ import annotations

import itertools
import re
import typing

from peer_lsp.findings.model import Category, Severity
from peer_lsp.rules.assignments import enclosing_scope
from peer_lsp.rules.credentials import is_token_name, mentions_password
from peer_lsp.rules.go_flow import (
    Origin,
    bindings,
    depends_on,
    descendants,
    is_built,
    is_constant,
    last_binding,
    origin,
    request_names,
    string_text,
    text_prefixes,
)
from peer_lsp.rules.grammar_nodes import (
    ancestors,
    arguments_of,
    callee_text,
    name_of_target,
    statement_of,
    text,
    unwrap,
)
from peer_lsp.rules.literals import string_value
from peer_lsp.rules.memo import memoized
from peer_lsp.rules.model import Match, Rule
from peer_lsp.rules.secret_sinks import key_is_hardcoded
from peer_lsp.rules.sql import looks_like_sql
from peer_lsp.secret_names import PASSWORD, identifier_words, secret_name

if typing.TYPE_CHECKING:
    from tree_sitter import Node

GO = ("go",)
_S, _B = Category.SECURITY, Category.BUG
_ERROR, _WARNING = Severity.ERROR, Severity.WARNING

_SHELLS = frozenset({"sh", "bash", "zsh", "ksh", "dash", "cmd", "cmd.exe", "powershell", "pwsh"})


_SHELL_FLAGS = frozenset({"-c", "/c", "/C", "-Command"})
_STRINGS = frozenset({"interpreted_string_literal", "raw_string_literal"})
_MAX_DEPTH = 8
"""How many names deep a program name is followed (``sh := "bash"; exec.Command(sh)``)."""


def _command_from_input(match: Match) -> bool:
    """``exec.Command(name, ...)`` (or ``syscall.Exec``/``ForkExec``/``StartProcess``) whose
    program is not a constant, or a shell given ``-c cmd`` (``exec.Command("sh", "-c", cmd)``,
    also behind ``env``) whose ``cmd`` is not. A program name passed in as a parameter is
    known when every call in the file passes a constant (a helper ``run("git", ...)``); a
    shell command is not: a shell string from a caller is still parsed by the shell."""
    args = arguments_of(match.report)
    if match.text("fn") == "CommandContext":
        args = args[1:]
    if not args or args[0].type == "variadic_argument":
        return False
    if not is_constant(args[0], match.data, callers=True):
        return _program_from_input(args[0], args[1:], match)
    if match.text("package") == "syscall":
        return len(args) > 1 and _argv_runs_built(args[1], match.data)
    return _shell_runs_built(args, match.data)


_OUTSIDE = frozenset({"os"})
"""Package names whose values come from outside the program (``os.Args``, ``os.Getenv``)."""


def _parameters(node: Node, data: bytes) -> list[str]:
    """The parameter names of the function around ``node``."""
    parameters = enclosing_scope(node, "go").child_by_field_name("parameters")
    return [
        text(n, data)
        for declaration in (parameters.named_children if parameters is not None else [])
        for n in declaration.children_by_field_name("name")
    ]


def _forwarded(node: Node, parameters: list[str], data: bytes) -> str:
    """The parameter ``node`` passes on as it is (``name``, ``argv[0]``, ``argv[1:]``,
    ``args...``); empty when it is anything else."""
    node = unwrap(node)
    if node.type == "variadic_argument" and node.named_child_count == 1:
        node = unwrap(node.named_children[0])
    if node.type in ("index_expression", "slice_expression"):
        operand = node.child_by_field_name("operand")
        node = unwrap(operand) if operand is not None else node
    name = text(node, data) if node.type == "identifier" else ""
    if name and name not in parameters:
        return (
            _appended_parameter(node, parameters, data)
            or _converted_parameter(node, parameters, data)
            or _looked_up_parameter(node, parameters, data)
        )
    return name if name in parameters else ""


def _looked_up_parameter(node: Node, parameters: list[str], data: bytes) -> str:
    """The parameter a local program name is taken from, when it is given that parameter's
    value (``argv0 := argv[0]``) and else only ``exec.LookPath`` of itself (the linker's
    ``argv0, err = exec.LookPath(argv0)``): the same program, found on the PATH; empty
    otherwise."""
    found = ""
    name = text(node, data)
    for value in map(unwrap, bindings(node, data)):
        args = arguments_of(value) if value.type == "call_expression" else []
        if callee_text(value, data) == "exec.LookPath" and len(args) == 1:
            if text(unwrap(args[0]), data) != name:
                return ""
            continue
        passed = _forwarded(value, parameters, data) if value.type != "identifier" else ""
        if not passed or found not in ("", passed):
            return ""
        found = passed
    return found


def _converted_parameter(node: Node, parameters: list[str], data: bytes) -> str:
    """The variadic parameter a local list is a conversion of, when every value it is given
    is one call passed only ``param...`` (the go command's ``cmdline :=
    str.StringList(cmdargs...)``, which flattens its caller's words into strings); empty
    otherwise."""
    found = ""
    for value in map(unwrap, bindings(node, data)):
        args = arguments_of(value) if value.type == "call_expression" else []
        if len(args) != 1 or args[0].type != "variadic_argument":
            return ""
        passed = args[0].named_children[0] if args[0].named_child_count == 1 else None
        name = text(unwrap(passed), data) if passed is not None else ""
        if name not in parameters or found not in ("", name):
            return ""
        found = name
    return found


def _appended_parameter(node: Node, parameters: list[str], data: bytes) -> str:
    """The parameter a local argument list is made of when every value it is given is
    ``append([]string{"-flag", ...}, param...)`` (constant options before the caller's
    arguments, gccgo's ``append([]string{"-dumpversion"}, args...)``); empty otherwise."""
    found = ""
    values = [unwrap(value) for value in bindings(node, data)]
    for value in values:
        args = arguments_of(value) if value.type == "call_expression" else []
        if callee_text(value, data) != "append" or len(args) != 2:
            return ""
        head, tail = unwrap(args[0]), unwrap(args[1])
        if head.type != "composite_literal" or not is_constant(head, data):
            return ""
        if tail.type != "variadic_argument" or tail.named_child_count != 1:
            return ""
        passed = text(unwrap(tail.named_children[0]), data)
        if passed not in parameters or found not in ("", passed):
            return ""
        found = passed
    return found


def _program_from_input(program: Node, rest: list[Node], match: Match) -> bool:
    """A program that is not a constant is reported when it comes from outside this
    function: one of its parameters, the request it handles, or ``os.Args`` /
    ``os.Getenv`` (followed through local names and ``exec.LookPath``). A program the code
    computes itself (``goCmd()``, a field, a package variable) is its own configuration.
    A wrapper that passes on both the program and the argument list it was given
    (``run(name string, args ...string)``, ``exec.Command(argv[0], argv[1:]...)``) runs
    what its caller chose: the caller is where the choice is made, not the wrapper."""
    parameters = _parameters(match.report, match.data)
    if (
        rest
        and _forwarded(program, parameters, match.data)
        and _forwarded(
            rest[0] if match.text("package") == "syscall" else rest[-1], parameters, match.data
        )
        and not request_names(match.report, match.data)
    ):
        return False
    if _program_variable(_slice_head(program, match.data), match.data):
        return _runs_built_command(rest, match.data)  # ``$SHELL -c cmd`` is still a shell
    sources = frozenset(parameters) | request_names(match.report, match.data) | _OUTSIDE
    return _reaches(_slice_head(program, match.data), sources, match.data)


_PROGRAM_VARIABLES = frozenset(
    {"CC", "CXX", "GCCGO", "FC", "AR", "PKG_CONFIG", "EDITOR", "VISUAL", "PAGER", "BROWSER"}
    | {"GIT_EDITOR", "SHELL"}
)
"""Environment variables that name a program to run by convention (make's ``CC``, POSIX's
``EDITOR``/``PAGER``, the go command's ``GCCGO``): running it is what they are for."""


def _program_variable(program: Node, data: bytes, depth: int = 0) -> bool:
    """Every value of ``program`` is a constant or ``os.Getenv`` of a variable that names a
    program (`_PROGRAM_VARIABLES`), at least one the latter, followed through local names
    and ``exec.LookPath`` (``cc := os.Getenv("CC")`` then ``exec.Command(cc, "-v")``): the
    user who sets ``CC`` chooses the compiler the tool runs, with the user's own rights."""
    node = _element(program)
    if depth > _MAX_DEPTH:
        return False
    if node.type == "identifier":
        values = bindings(node, data)
        found = [v for v in values if not is_constant(v, data)]
        return bool(found) and all(_program_variable(v, data, depth + 1) for v in found)
    args = arguments_of(node) if node.type == "call_expression" else []
    if len(args) != 1:
        return False
    callee = callee_text(node, data)
    if callee == "exec.LookPath":
        return is_constant(args[0], data) or _program_variable(args[0], data, depth + 1)
    variable = _element(args[0])
    return (
        callee == "os.Getenv"
        and variable.type in _STRINGS
        and string_value(variable, data) in _PROGRAM_VARIABLES
    )


def _slice_head(node: Node, data: bytes) -> Node:
    """For ``args[0]`` (any constant index) of a local slice given a ``[]string{...}``
    literal and then only ``append(args, ...)``: that literal's element, which appends at
    the end never change (``args := []string{goCmd, "tool", "cgo"}`` then ``args =
    append(args, flags...)``); else ``node`` itself."""
    node = unwrap(node)
    operand = node.child_by_field_name("operand") if node.type == "index_expression" else None
    index = node.child_by_field_name("index") if operand is not None else None
    if operand is None or index is None or operand.type != "identifier":
        return node
    if index.type != "int_literal":
        return node
    name, position = text(operand, data), int(text(index, data), 0)
    head: Node | None = None
    for value in map(unwrap, bindings(operand, data)):
        if value.type == "call_expression" and callee_text(value, data) == "append":
            first = arguments_of(value)[:1]
            if first and text(first[0], data) == name:
                continue  # appends at the end
            return node
        body = value.child_by_field_name("body") if value.type == "composite_literal" else None
        items = [i for i in body.named_children if i.type != "comment"] if body else []
        if head is not None or len(items) <= position or items[position].type == "keyed_element":
            return node
        head = items[position]
    return _element(head) if head is not None else node


def _reaches(node: Node, names: frozenset[str], data: bytes) -> bool:
    """Whether an identifier in ``names`` is part of ``node``'s value, following local
    names to the values they were given (each name and value visited once, unlike
    `depends_on`, whose walk multiplies on names given many values)."""
    pending, seen = [unwrap(node)], set()
    while pending:
        current = pending.pop()
        key = (current.start_byte, current.end_byte, current.type)
        if key in seen:
            continue
        seen.add(key)
        if current.type == "identifier":
            if text(current, data) in names:
                return True
            pending.extend(bindings(current, data))
        pending.extend(current.named_children)
    return False


def _argv_runs_built(argv: Node, data: bytes) -> bool:
    """``argv`` (a ``[]string{...}`` literal, or a local given one) runs a shell ``-c``
    command that is not a constant."""
    argv = _element(argv)
    if argv.type == "identifier":
        argv = last_binding(argv, data) or argv
    items = argv.child_by_field_name("body") if argv.type == "composite_literal" else None
    return items is not None and _shell_runs_built(items.named_children, data)


def _program_name(node: Node, data: bytes, depth: int = 0) -> str:
    """The file name of the program ``node`` names when it is a constant (``"/bin/sh"``, a
    local given one, ``exec.LookPath("bash")``); empty otherwise."""
    node = _element(node)
    if node.type in _STRINGS:
        return string_value(node, data).rsplit("/", 1)[-1]
    if depth > _MAX_DEPTH:
        return ""
    if node.type == "identifier":
        value = last_binding(node, data)
        return _program_name(value, data, depth + 1) if value is not None else ""
    args = arguments_of(node) if node.type == "call_expression" else []
    if len(args) == 1 and callee_text(node, data) == "exec.LookPath":
        return _program_name(args[0], data, depth + 1)
    return ""


def _shell_runs_built(argv: list[Node], data: bytes) -> bool:
    """``argv`` (program first) runs a shell, maybe behind ``env``, whose ``-c`` command is
    not a constant."""
    if len(argv) > 1 and _program_name(argv[0], data) == "env":
        argv = argv[1:]
    if not argv or _program_name(argv[0], data) not in _SHELLS:
        return False
    for before, command in itertools.pairwise(argv[1:]):
        flag = _element(before)
        if flag.type in _STRINGS and string_value(flag, data) in _SHELL_FLAGS:
            return not is_constant(_element(command), data)
    return False


def _runs_built_command(args: list[Node], data: bytes) -> bool:
    """A ``-c``-like flag among ``args`` followed by a command that is not a constant (the
    program being a shell the user chose, ``os.Getenv("SHELL")``)."""
    for before, command in itertools.pairwise(args):
        flag = _element(before)
        if flag.type in _STRINGS and string_value(flag, data) in _SHELL_FLAGS:
            return not is_constant(_element(command), data)
    return False


def _element(node: Node) -> Node:
    """The expression inside a composite literal's ``literal_element`` (and parentheses)."""
    if node.type == "literal_element" and node.named_child_count == 1:
        node = node.named_children[0]
    return unwrap(node)


def _struct_from_input(match: Match) -> bool:
    """``&exec.Cmd{Path: p, Args: argv}`` whose ``Path`` is not a constant, or whose
    ``argv`` (a literal, or a local given one) runs a shell ``-c`` command that is not."""
    body = match.report.child_by_field_name("body")
    fields: dict[str, Node] = {}
    for element in body.named_children if body is not None else []:
        if element.type == "keyed_element" and element.named_child_count == 2:
            key, value = element.named_children
            fields[text(key, match.data)] = _element(value)
    path = fields.get("Path")
    if path is not None and not is_constant(path, match.data, callers=True):
        return _program_from_input(path, [], match)
    argv = fields.get("Args")
    return argv is not None and _argv_runs_built(argv, match.data)


def _process_from_input(match: Match) -> bool:
    """`_struct_from_input` for an ``exec.Cmd`` literal, `_command_from_input` for a call."""
    if match.report.type == "composite_literal":
        return _struct_from_input(match)
    return _command_from_input(match)


def _sql_built(match: Match) -> bool:
    """The query argument is SQL text built at run time from a part that is not constant
    (`peer_lsp.rules.go_flow`: ``+``, ``+=``, ``fmt.Sprintf``, a builder), followed through
    local names; numbers printed with ``%d`` and quoted identifiers are not input."""
    return is_built(match.report, match.data) and looks_like_sql(
        string_text(match.report, match.data)
    )


class _Names(typing.NamedTuple):
    """A function's calls by callee text and identifiers by name (`_names_in`)."""

    calls: dict[str, list[Node]]
    identifiers: dict[str, list[Node]]


def _names_in(node: Node, data: bytes) -> _Names:
    """The calls and identifiers of the function around ``node``, indexed once per function
    and run of the rules (`peer_lsp.rules.memo`): the password-hash checks look up a hasher's
    writes and sums and a digest's uses by name, which would otherwise walk a long function
    again for each hasher."""
    scope = enclosing_scope(node, "go")

    def build() -> _Names:
        found = _Names({}, {})
        for current in descendants(scope):
            if current.type == "call_expression":
                found.calls.setdefault(callee_text(current, data), []).append(current)
            elif current.type == "identifier":
                found.identifiers.setdefault(text(current, data), []).append(current)
        return found

    key = ("go-names", scope.start_byte, scope.end_byte, scope.type)
    return memoized(data, key, build)


def _password_input(match: Match) -> bool:
    """A fast hash of a password: its input names one (``md5.Sum([]byte(password))``), or
    its sum is stored or checked as one (`_stored_as_password`)."""
    call = match.report
    if match.node("package") is not None:
        if any(mentions_password(arg, match.data) for arg in arguments_of(call)):
            return True
        if _import_path(match.text("package"), match.data) not in _FAST_HASHES:
            return False
    else:
        return _password_digest(call, match.data)
    return _stored_as_password(call, match.data)


def _password_digest(call: Node, data: bytes) -> bool:
    """``h.Sum(nil)`` of a fast hasher (`_fast_hasher_sum`) that was written a password
    (``h.Write([]byte(password))``) or whose digest is kept or checked as one."""
    if not _fast_hasher_sum(call, data):
        return False
    function = call.child_by_field_name("function")
    operand = function.child_by_field_name("operand") if function is not None else None
    if operand is not None and any(
        mentions_password(w, data) for w in _hasher_writes(operand, call, data)
    ):
        return True
    return _stored_as_password(call, data)


def _hasher_writes(hasher: Node, use: Node, data: bytes) -> list[Node]:
    """What is written into the hasher named ``hasher`` before ``use`` in its function:
    ``h.Write(b)``, ``h.WriteString(s)``, ``io.WriteString(h, s)``, ``fmt.Fprint*(h, ...)``."""
    name = text(unwrap(hasher), data)
    calls = _names_in(use, data).calls
    written: list[Node] = []
    for callee in (f"{name}.Write", f"{name}.WriteString"):
        for call in calls.get(callee, []):
            if call.start_byte < use.start_byte:
                written += arguments_of(call)
    for callee in ("io.WriteString", "fmt.Fprint", "fmt.Fprintf", "fmt.Fprintln"):
        for call in calls.get(callee, []):
            args = arguments_of(call)
            if (
                call.start_byte < use.start_byte
                and args
                and text(args[0], data).lstrip("&") == name
            ):
                written += args[1:]
    return written


_FAST_HASHES = frozenset({"crypto/md5", "crypto/sha1", "crypto/sha256", "crypto/sha512"})
_ENCODERS = re.compile(r"(?:^string|EncodeToString|^fmt\.Sprintf?)$")
"""Calls that only re-encode a digest (``hex.EncodeToString(sum[:])``): still the digest."""
_DIGEST_HOPS = 2
"""How many locals a digest is followed through (``sum := md5.Sum(b)``, ``s := hex...(sum[:])``):
each hop looks at every use of the local in the function."""
_PASSING = frozenset({"parenthesized_expression", "slice_expression", "argument_list"})
_PASSING |= {"type_conversion_expression"}


def _fast_hasher_sum(call: Node, data: bytes) -> bool:
    """``h.Sum(nil)`` of a local ``h`` last given ``md5.New()`` (or SHA-1/SHA-2's ``New``)."""
    function = call.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return False
    operand = unwrap(function.child_by_field_name("operand") or function)
    field = function.child_by_field_name("field")
    if operand.type != "identifier" or field is None or text(field, data) != "Sum":
        return False
    value = last_binding(operand, data)
    if value is None or unwrap(value).type != "call_expression":
        return False
    maker = unwrap(value).child_by_field_name("function")
    if maker is None or maker.type != "selector_expression":
        return False
    package = maker.child_by_field_name("operand")
    name = maker.child_by_field_name("field")
    return (
        package is not None
        and name is not None
        and text(name, data) == "New"
        and _import_path(text(package, data), data) in _FAST_HASHES
    )


_NOT_THE_PASSWORD = frozenset({"reset", "token", "code", "otp", "nonce", "salt"})
"""Words that make a password-ish name something else: a reset token or one-time code is random
and long, so a fast hash of it is fine (``resetPasswordTokenHash``)."""


def _keeps_password(name: str) -> bool:
    """``name`` (a callee's last part, a variable, a field) holds or takes a password:
    ``SetPassword``, ``passwordHash``, ``Password``; not ``passwordResetToken``."""
    found = secret_name(name) if name else None
    if found is None or found.kind != PASSWORD:
        return False
    return not _NOT_THE_PASSWORD & set(identifier_words(name).split("_"))


def _stored_as_password(call: Node, data: bytes, depth: int = 0) -> bool:
    """The digest ``call`` makes goes, as it is or only re-encoded (`_ENCODERS`, ``sum[:]``),
    to a call that names a password (``user.SetPassword(h.Sum(nil))``,
    ``checkPassword(md5.Sum(b))``), into a name that does (``passwordHash := ...``,
    ``u.Password = ...``) or is compared with one (``... == user.Password``), also through a
    local it is first put in (``sum := md5.Sum(b)`` then
    ``u.Password = hex.EncodeToString(sum[:])``): a password kept as a fast hash."""
    node = call
    while node.parent is not None and node.parent.type in _PASSING:
        parent = node.parent
        if parent.type == "argument_list":
            outer = parent.parent
            if outer is None or outer.type != "call_expression":
                return False
            callee = callee_text(outer, data)
            last = callee.rsplit(".", 1)[-1]
            if _keeps_password(last):
                return True
            if not _ENCODERS.search(callee):
                return False
            parent = outer
        node = parent
    statement = node.parent
    if statement is not None and statement.type == "binary_expression":
        operator = statement.child_by_field_name("operator")
        others = [c for c in statement.named_children if c is not node]
        compared = operator is not None and text(operator, data) in ("==", "!=")
        return compared and any(mentions_password(other, data) for other in others)
    if statement is not None and statement.type == "expression_list":
        statement = statement.parent
    if statement is None or statement.type not in ("short_var_declaration", "assignment_statement"):
        return False
    targets = _targets(statement, data)
    names = [n.rsplit(".", 1)[-1] for n in targets]
    if any(_keeps_password(n) for n in names):
        return True
    if depth >= _DIGEST_HOPS:
        return False
    locals_ = {n for n in targets if n.isidentifier() and n != "_"}
    identifiers = _names_in(statement, data).identifiers
    return any(
        _stored_as_password(use, data, depth + 1)
        for name in locals_
        for use in identifiers.get(name, [])
        if use.start_byte >= statement.end_byte
    )


_SMALL_LOOP = 4
"""A loop over at most this many values (a literal list, ``i < 3``) defers a bounded few."""
_BREAKS_OUT = frozenset({"expression_switch_statement", "type_switch_statement"})
_BREAKS_OUT |= {"select_statement", "func_literal"}


def _in_loop(match: Match) -> bool:
    """The ``defer`` sits in a ``for`` body of the same function (not in a closure), the
    loop may turn more than a few times (not a range over a short literal list or a
    counter up to a small constant), and the iteration that defers goes on to the next one
    (no ``return`` or ``break`` ends the loop in the defer's own block after it)."""
    node: Node | None = match.report.parent
    while node is not None:
        if node.type == "for_statement":
            return (
                not _bounded(node, match.data)
                and not _ends_loop(match.report, node)
                and not _used_after(match.report, node, match.data)
                and not _timer_case(match.report, node, match.data)
            )
        if node.type in ("func_literal", "function_declaration", "method_declaration"):
            return False
        node = node.parent
    return False


def _timer_case(defer: Node, loop: Node, data: bytes) -> bool:
    """The ``defer`` sits in a ``select`` case receiving from ``t.C`` where ``t`` was only
    given ``time.NewTimer(...)`` and the function calls ``t.Reset`` only under a true
    ``t.Stop()`` (`_after_stop`): the timer fires once, so the case (and its defer) runs
    at most once however often the loop turns."""
    node: Node | None = defer.parent
    while node is not None and node != loop and node.type != "communication_case":
        node = node.parent
    if node is None or node == loop:
        return False
    received = node.child_by_field_name("communication")
    if received is not None and received.type == "receive_statement":
        received = received.child_by_field_name("right")
    if received is None or received.type != "unary_expression":
        return False
    channel = received.child_by_field_name("operand")
    if channel is None or channel.type != "selector_expression":
        return False
    timer = channel.child_by_field_name("operand")
    field = channel.child_by_field_name("field")
    if timer is None or field is None or timer.type != "identifier" or text(field, data) != "C":
        return False
    given = bindings(timer, data)
    if len(given) != 1 or given[0].type != "call_expression":
        return False
    made = given[0].child_by_field_name("function")
    if made is None or text(made, data) != "time.NewTimer":
        return False
    name = text(timer, data)
    function = enclosing_scope(loop, "go")
    if f"{name}.Reset(".encode() not in data[function.start_byte : function.end_byte]:
        return True
    return all(
        _after_stop(call, name, data)
        for call in descendants(function)
        if call.type == "call_expression"
        and (called := call.child_by_field_name("function")) is not None
        and text(called, data) == f"{name}.Reset"
    )


def _after_stop(reset: Node, timer: str, data: bytes) -> bool:
    """``t.Reset`` inside ``if ... t.Stop() ...``: ``Stop`` is true only while the timer has
    not fired, so the reset moves the one firing rather than adding another."""
    node: Node | None = reset.parent
    while node is not None and node.type not in ("func_literal", "function_declaration"):
        condition = node.child_by_field_name("condition") if node.type == "if_statement" else None
        if condition is not None and f"{timer}.Stop()" in text(condition, data):
            return True
        node = node.parent
    return False


def _used_after(defer: Node, loop: Node, data: bytes) -> bool:
    """The deferred call releases an element of a collection (``fd[i]``) that the function
    uses again after the loop: the loop gathers resources that must all stay open until
    then (handles duplicated for a child process), so releasing each at the end of its
    iteration would be the bug."""
    collections = {
        text(operand, data)
        for node in descendants(defer)
        if node.type == "index_expression"
        and (operand := node.child_by_field_name("operand")) is not None
        and operand.type == "identifier"
    }
    if not collections:
        return False
    function = enclosing_scope(loop, "go")
    return any(
        node.type == "identifier" and text(node, data) in collections
        for node in descendants(function)
        if node.start_byte >= loop.end_byte
    )


def _bounded(loop: Node, data: bytes) -> bool:
    """``for _, x := range []T{a, b}`` (or a local only given such a literal), or
    ``for i := 0; i < 3; i++``: the loop turns at most `_SMALL_LOOP` times."""
    for clause in loop.named_children:
        if clause.type == "range_clause":
            values = clause.child_by_field_name("right")
            if values is not None and values.type == "identifier":
                given = bindings(values, data)
                values = given[0] if len(given) == 1 else values
            body = values.child_by_field_name("body") if values is not None else None
            return (
                values is not None
                and values.type == "composite_literal"
                and body is not None
                and body.named_child_count <= _SMALL_LOOP
            )
        if clause.type == "for_clause":
            condition = clause.child_by_field_name("condition")
            right = condition.child_by_field_name("right") if condition is not None else None
            operator = condition.child_by_field_name("operator") if condition is not None else None
            return (
                right is not None
                and operator is not None
                and operator.type in ("<", "<=")
                and right.type == "int_literal"
                and int(text(right, data), 0) <= _SMALL_LOOP
            )
    return False


def _ends_loop(defer: Node, loop: Node) -> bool:
    """A ``return`` (or a ``break`` of this loop) follows the ``defer`` in its own block:
    the iteration that defers is the last one."""
    block = defer.parent
    if block is None:
        return False
    inner: Node | None = block
    while inner is not None and inner != loop:
        if inner.type in _BREAKS_OUT:
            break
        inner = inner.parent
    breaks_loop = inner == loop
    after = False
    for statement in block.named_children:
        if statement == defer:
            after = True
        elif after and (
            statement.type == "return_statement"
            or (
                statement.type == "break_statement"
                and breaks_loop
                and statement.named_child_count == 0
            )
        ):
            return True
    return False


_GO_STATEMENTS = frozenset(
    {"short_var_declaration", "assignment_statement", "var_spec", "return_statement"}
    | {"keyed_element"}
)


def _math_rand_for_secret(match: Match) -> bool:
    """math/rand output ends up in a token-like name (crypto/rand is not imported as rand)."""
    if b'"math/rand' not in match.data or b'"crypto/rand"' in match.data:
        return False
    node = statement_of(
        match.report,
        _GO_STATEMENTS,
        ("block", "func_literal", "function_declaration", "source_file"),
    )
    if node is None:
        return False
    if node.type == "return_statement":
        name = enclosing_scope(node, match.grammar).child_by_field_name("name")
        return name is not None and is_token_name(text(name, match.data))
    field = {"keyed_element": "key", "var_spec": "name"}.get(node.type, "left")
    target = node.child_by_field_name(field)
    if target is None:
        return False
    names = target.named_children if target.type == "expression_list" else [target]
    return any(is_token_name(name_of_target(n, match.data)) for n in names)


_WEAK_CIPHERS = frozenset(
    {"crypto/des", "crypto/rc4", "golang.org/x/crypto/blowfish", "golang.org/x/crypto/cast5"}
    | {"golang.org/x/crypto/tea", "golang.org/x/crypto/xtea", "golang.org/x/crypto/twofish"}
)
_WEAK_HASHES = frozenset(
    {"crypto/md5", "crypto/sha1", "golang.org/x/crypto/md4", "golang.org/x/crypto/ripemd160"}
)
_IMPORT = re.compile(rb'(?:^|[\s(])(?:([A-Za-z_]\w*)\s+)?"([\w./-]+)"')


def _import_path(name: str, data: bytes) -> str:
    """The import path the file imports as package name ``name`` (its last element, or an
    explicit alias); empty when none does."""
    return _imports(data).get(name, "")


def _imports(data: bytes) -> dict[str, str]:
    """Package name -> import path, the first of each name in the file; read once per text
    and run of the rules (`peer_lsp.rules.memo`): asked for every call a rule matches, a
    scan of the file each time made a file of many hash calls quadratic."""

    def build() -> dict[str, str]:
        found: dict[str, str] = {}
        for match in _IMPORT.finditer(data):
            alias, decoded = (match.group(1) or b"").decode(), match.group(2).decode()
            found.setdefault(alias or decoded.rsplit("/", 1)[-1], decoded)
        return found

    return memoized(data, ("go-imports",), build)


def _weak_cipher(match: Match) -> bool:
    return _import_path(match.text("package"), match.data) in _WEAK_CIPHERS


def _weak_hash(match: Match) -> bool:
    """A broken hash from its real import, not already reported as a password hash, nor a
    SHA-1 key identifier (`_key_identifier`)."""
    return (
        _import_path(match.text("package"), match.data) in _WEAK_HASHES
        and not any(mentions_password(arg, match.data) for arg in arguments_of(match.report))
        and not _stored_as_password(match.report, match.data)
        and not any(_password_digest(s, match.data) for s in _sums_of(match.report, match.data))
        and not (
            _import_path(match.text("package"), match.data) == "crypto/sha1"
            and _key_identifier(match.report, match.data)
        )
    )


def _sums_of(maker: Node, data: bytes) -> list[Node]:
    """The ``h.Sum(...)`` calls of the hasher ``h := md5.New()`` makes, in its function
    (reported as a password hash by `_password_input` when a password is kept that way)."""
    statement = maker.parent
    if statement is not None and statement.type == "expression_list":
        statement = statement.parent
    if statement is None or statement.type not in ("short_var_declaration", "assignment_statement"):
        return []
    calls = _names_in(maker, data).calls
    return [call for name in _targets(statement, data) for call in calls.get(f"{name}.Sum", [])]


_KEY_ID = re.compile(r"key_?id(?:entifier)?$", re.IGNORECASE)


def _targets(statement: Node, data: bytes) -> list[str]:
    """The names a ``:=``/``=``/``var`` statement assigns (fields as their full text)."""
    field = "name" if statement.type == "var_spec" else "left"
    target = statement.child_by_field_name(field)
    if target is None:
        return []
    names = target.named_children if target.type == "expression_list" else [target]
    return [name_of_target(n, data) for n in names]


def _key_identifier(call: Node, data: bytes) -> bool:
    """The SHA-1 sum becomes a certificate's key identifier (``subjectKeyId = h[:]`` after
    ``h := sha1.Sum(publicKeyBytes)``, or assigned straight to such a name): RFC 5280's
    method 1 names SHA-1 for it, an identifier to look a key up by, not an integrity check."""
    stops = ("block", "func_literal", "function_declaration", "source_file")
    statement = statement_of(call, _GO_STATEMENTS - {"return_statement"}, stops)
    if statement is None or statement.type == "keyed_element":
        key = statement.child_by_field_name("key") if statement is not None else None
        return key is not None and _KEY_ID.search(text(key, data)) is not None
    names = _targets(statement, data)
    if any(_KEY_ID.search(name) for name in names):
        return True
    if len(names) != 1 or not names[0].isidentifier():
        return False
    scope = enclosing_scope(statement, "go")
    if statement.type == "short_var_declaration":  # a new variable: its block is its scope
        scope = next((a for a in ancestors(statement) if a.type == "block"), scope)
    uses = [
        node
        for node in descendants(scope)
        if node.type == "identifier"
        and node.start_byte >= statement.end_byte
        and text(node, data) == names[0]
    ]
    for use in uses:
        after = statement_of(use, _GO_STATEMENTS - {"return_statement", "keyed_element"}, stops)
        if after is None or not any(_KEY_ID.search(name) for name in _targets(after, data)):
            return False
    return bool(uses)


def _template_trusts_input(match: Match) -> bool:
    """``html/template``'s ``HTML``/``JS``/``URL``... conversion of text built at run time
    (``+``, ``Sprintf``, a builder) from a part that is not constant (`peer_lsp.rules.go_flow`);
    a value passed as it is (a renderer's or sanitiser's output) is left alone."""
    value = match.node("value")
    return (
        value is not None
        and _import_path(match.text("package"), match.data) == "html/template"
        and is_built(value, match.data)
    )


_FIXED_HOST = re.compile(r"^(?:[A-Za-z][\w+.-]*:)?//[^/?#%@]+|^/(?!/)")
"""A URL prefix that already names its host (``https://api.example.com``), or a path."""


def _is_http_client(node: Node, data: bytes) -> bool:
    """``http`` itself, ``http.DefaultClient``, or a local given an ``http.Client``."""
    node = unwrap(node)
    if text(node, data) in ("http", "http.DefaultClient"):
        return True
    if node.type != "identifier":
        return False
    values = [unwrap(v) for v in bindings(node, data)]
    values = [v.named_children[0] if v.type == "unary_expression" else v for v in values]
    return any(
        v.type == "composite_literal"
        and text(v.child_by_field_name("type") or v, data) == "http.Client"
        for v in values
    )


def _url_from_request(match: Match) -> bool:
    """The URL an HTTP client fetches is computed from the request being handled and its
    text does not name a host before the first part that is not constant."""
    client = match.node("client")
    if client is None or not _is_http_client(client, match.data):
        return False
    args = arguments_of(match.report)
    position = {"NewRequest": 1, "NewRequestWithContext": 2}.get(match.text("fn"), 0)
    if len(args) <= position or (position and match.text("client") != "http"):
        return False
    url = args[position]
    requests = request_names(match.report, match.data)
    if not depends_on(url, requests, match.data):
        return False
    return not all(_FIXED_HOST.match(p) for p in text_prefixes(url, match.data))


def _file_mode(node: Node, data: bytes, depth: int = 0) -> int | None:
    """The value of a constant file mode: an integer literal (``0777``, ``0o666``), ``os.ModePerm``,
    their ``|``, or a local given one; None when it is not known."""
    node = unwrap(node)
    if node.type == "int_literal":
        digits = text(node, data).replace("_", "").lower()
        try:
            return (
                int(digits[1:], 8)
                if digits.startswith("0") and digits.isdigit()
                else int(digits, 0)
            )
        except ValueError:
            return None
    if text(node, data) in ("os.ModePerm", "fs.ModePerm"):
        return 0o777
    if node.type == "binary_expression" and depth < 4:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        operator = node.child(1)
        if left is None or right is None or operator is None or text(operator, data) != "|":
            return None
        a, b = _file_mode(left, data, depth + 1), _file_mode(right, data, depth + 1)
        return a | b if a is not None and b is not None else None
    if node.type == "call_expression" and callee_text(node, data) in ("os.FileMode", "fs.FileMode"):
        args = arguments_of(node)
        return _file_mode(args[0], data, depth + 1) if len(args) == 1 else None
    if node.type == "identifier" and depth < 4:
        value = last_binding(node, data)
        return _file_mode(value, data, depth + 1) if value is not None else None
    return None


_UMASK_DEFAULTS = {
    "Mkdir": {0o777},
    "MkdirAll": {0o777},
    "OpenFile": {0o666, 0o777},
    "WriteFile": {0o666, 0o777},
}
"""The modes each creating call is given when the program leaves the permissions to the
user's umask: what ``os.Create`` (``0666``), ``mkdir(1)`` and a linker writing a program
(``0777``) ask for; Go's idiom, ``os.MkdirAll(dir, 0777)``."""

_UMASK_ZERO = re.compile(rb"\b(?:syscall|unix)\.Umask\(\s*0\s*\)")


def _world_writable(match: Match) -> bool:
    """The mode given to a file or folder lets every user write it (``0o002`` set).

    A creating call (``Mkdir``, ``MkdirAll``, ``OpenFile``, ``WriteFile``) given its
    conventional default (`_UMASK_DEFAULTS`) is not reported: the umask removes the bit (022
    makes 0777 a 0755), as for every file ``os.Create`` makes, unless the function sets the
    umask to 0 itself (only the function is read: a unit's findings follow from the unit).
    ``Chmod`` does not pass through the umask, and any other mode with the bit is a
    deliberate choice (``0o776``, ``0o1777``)."""
    mode = match.node("mode")
    fn = match.text("fn")
    if mode is None or (match.text("package") == "ioutil" and fn != "WriteFile"):
        return False
    value = _file_mode(mode, match.data)
    if value is None or not value & 0o002:
        return False
    if value not in _UMASK_DEFAULTS.get(fn, ()):
        return True
    scope = enclosing_scope(match.report, "go")
    return _UMASK_ZERO.search(match.data, scope.start_byte, scope.end_byte) is not None


_DECOMPRESSORS = frozenset(
    {"gzip.NewReader", "zlib.NewReader", "zlib.NewReaderDict", "flate.NewReader"}
    | {"flate.NewReaderDict", "bzip2.NewReader", "lzw.NewReader", "zstd.NewReader"}
    | {"lz4.NewReader", "snappy.NewReader", "xz.NewReader"}
)
_ENTRY_TYPES = re.compile(r"\*?(?:zip\.File|tar\.Header)$")


def _archive_entry(node: Node, data: bytes) -> bool:
    """``node`` names an entry of a zip or tar archive: the variable of ``range r.File``, a
    parameter of type ``*zip.File``/``*tar.Header``, or a local given ``tr.Next()``."""
    node = unwrap(node)
    if node.type != "identifier":
        return False
    name = text(node, data)
    scope = enclosing_scope(node, "go")
    for candidate in descendants(scope):
        if candidate.type == "range_clause" and candidate.start_byte < node.start_byte:
            left, right = (
                candidate.child_by_field_name("left"),
                candidate.child_by_field_name("right"),
            )
            names = [text(n, data) for n in left.named_children] if left is not None else []
            if name in names and right is not None and text(right, data).endswith(".File"):
                return True
        if candidate.type == "parameter_declaration":
            kind = candidate.child_by_field_name("type")
            named = [text(n, data) for n in candidate.children_by_field_name("name")]
            if name in named and kind is not None and _ENTRY_TYPES.search(text(kind, data)):
                return True
    return any(
        v.type == "call_expression" and callee_text(v, data).endswith(".Next")
        for v in bindings(node, data)
    )


def _decompressing(node: Node, data: bytes, depth: int = 0) -> bool:
    """``node`` is a reader that inflates compressed data: made by a decompressor, or an
    archive entry's ``Open()``; locals followed to what they were given."""
    node = unwrap(node)
    if node.type == "identifier" and depth < 4:
        return any(_decompressing(v, data, depth + 1) for v in bindings(node, data))
    if node.type != "call_expression":
        return False
    if callee_text(node, data) in _DECOMPRESSORS:
        return True
    function = node.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return False
    field, operand = function.child_by_field_name("field"), function.child_by_field_name("operand")
    return (
        field is not None
        and operand is not None
        and text(field, data) == "Open"
        and _archive_entry(operand, data)
    )


def _copies_decompressed(match: Match) -> bool:
    source = match.node("source")
    return source is not None and _decompressing(source, match.data)


_CONTAINMENT = re.compile(
    rb"strings\.HasPrefix|filepath\.Rel\(|filepath\.IsLocal|securejoin|"
    rb"strings\.Contains\([^)]*\.\.|\"\.\.\""
)


def _joins_entry_name(match: Match) -> bool:
    """A ``Join`` whose parts include an archive entry's ``Name`` (followed through locals),
    in a function that never checks the result stays inside the target folder."""
    if b'"archive/' not in match.data:
        return False
    names = []
    for argument in arguments_of(match.report):
        part = unwrap(argument)
        candidates = [part, *descendants(part)]
        for value in [
            v for c in candidates if c.type == "identifier" for v in bindings(c, match.data)
        ]:
            candidates += [value, *descendants(value)]
        names += [
            c
            for c in candidates
            if c.type == "selector_expression"
            and text(c.child_by_field_name("field") or c, match.data) == "Name"
            and _archive_entry(c.child_by_field_name("operand") or c, match.data)
        ]
    if not names:
        return False
    scope = enclosing_scope(match.report, "go")
    return _CONTAINMENT.search(match.data[scope.start_byte : scope.end_byte]) is None


def _is_true(node: Node, data: bytes, depth: int = 0) -> bool:
    """``node`` is the constant ``true``: ``true``, ``!false``, or a name given one."""
    node = unwrap(node)
    if node.type == "true":
        return True
    if node.type == "unary_expression" and depth < 6:
        operand = node.child_by_field_name("operand")
        return (
            text(node.child(0) or node, data) == "!"
            and operand is not None
            and unwrap(operand).type == "false"
        )
    if node.type == "identifier" and depth < 6:
        value = last_binding(node, data)
        return value is not None and _is_true(value, data, depth + 1)
    return False


def _skips_verification(match: Match) -> bool:
    value = match.node("value")
    return value is not None and _is_true(value, match.data)


_OLD_VERSIONS = frozenset({"VersionSSL30", "VersionTLS10", "VersionTLS11"})
_WEAK_SUITE = re.compile(r"^TLS_RSA_|_RC4_|_3DES_|_CBC_SHA256$|_NULL_|_EXPORT_")


def _tls_version(node: Node, data: bytes, depth: int = 0) -> int | None:
    """The protocol version a constant names (``tls.VersionTLS10``, ``0x0301``, a name given
    one); None when it is not known."""
    node = unwrap(node)
    field = text(node, data).rsplit(".", 1)[-1]
    versions = {"VersionSSL30": 0x300, "VersionTLS10": 0x301, "VersionTLS11": 0x302}
    versions |= {"VersionTLS12": 0x303, "VersionTLS13": 0x304}
    if field in versions:
        return versions[field]
    if node.type == "int_literal":
        try:
            return int(text(node, data).replace("_", ""), 0)
        except ValueError:
            return None
    if node.type == "identifier" and depth < 6:
        value = last_binding(node, data)
        return _tls_version(value, data, depth + 1) if value is not None else None
    return None


def _old_tls(match: Match) -> bool:
    """A ``tls.Config`` version below TLS 1.2 (0 is Go's default, fine), or cipher suites
    with no forward secrecy or a broken cipher."""
    value = match.node("value")
    if value is None or b'"crypto/tls"' not in match.data:
        return False
    if match.text("field") == "CipherSuites":
        value = unwrap(value)
        if value.type == "identifier":
            value = last_binding(value, match.data) or value
        suites = [text(n, match.data).rsplit(".", 1)[-1] for n in descendants(value)]
        return any(_WEAK_SUITE.search(s) for s in suites if s.startswith("TLS_"))
    version = _tls_version(value, match.data)
    return version is not None and 0 < version < 0x303


_LOOPBACK = re.compile(r"^(?:localhost|127\.|\[::1\])")


_LOCAL_NETWORKS = frozenset({"unix", "unixpacket"})


def _loopback(address: Node, data: bytes) -> bool:
    """Every value of ``address`` starts with a loopback host (``localhost:6060``)."""
    return all(_LOOPBACK.match(p) for p in text_prefixes(address, data))


def _local_listener(listener: Node, data: bytes) -> bool:
    """``listener`` is a local name every value of which is a ``net.Listen`` this function
    made on a Unix socket or a loopback address: only this machine can connect, so a slow
    client is no Slowloris attack (``http.Serve(ln, h)`` after ``ln, err :=
    net.Listen("unix", path)``)."""
    listener = unwrap(listener)
    if listener.type != "identifier":
        return False
    values = bindings(listener, data)
    for value in values:
        call = unwrap(value)
        if call.type != "call_expression" or callee_text(call, data) != "net.Listen":
            return False
        args = arguments_of(call)
        if len(args) != 2:
            return False
        network = unwrap(args[0])
        local_network = is_constant(network, data) and string_text(network, data) in (
            _LOCAL_NETWORKS
        )
        if not local_network and not _loopback(args[1], data):
            return False
    return bool(values)


def _server_without_timeouts(match: Match) -> bool:
    """A package-level ``http.ListenAndServe``-like call, or an ``http.Server`` literal that
    sets neither ``ReadHeaderTimeout`` nor ``ReadTimeout``."""
    fields = match.node("fields")
    if fields is None:
        args = arguments_of(match.report)
        if not args:
            return True
        if match.text("fn").startswith("Listen"):
            return not _loopback(args[0], match.data)
        return not _local_listener(args[0], match.data)
    keys = {
        text(element.named_children[0], match.data)
        for element in fields.named_children
        if element.type == "keyed_element" and element.named_child_count == 2
    }
    return not keys & {"ReadHeaderTimeout", "ReadTimeout"}


def _pprof_served(match: Match) -> bool:
    """net/http/pprof is imported for its side effect, the default mux is served (handler
    ``nil`` or ``http.DefaultServeMux``) and the address is not loopback."""
    if re.search(rb'_\s+"net/http/pprof"', match.data) is None:
        return False
    handler, address = match.node("handler"), match.node("address")
    if handler is None or address is None:
        return False
    if text(handler, match.data) not in ("nil", "http.DefaultServeMux"):
        return False
    prefixes = text_prefixes(address, match.data)
    return not all(_LOOPBACK.match(p) for p in prefixes)


_HTML_TAG = re.compile(r"<[A-Za-z!/]")
_HTML_ESCAPERS = frozenset(
    {"html.EscapeString", "template.HTMLEscapeString", "template.JSEscapeString"}
    | {"url.QueryEscape", "url.PathEscape", "strconv.Itoa", "len"}
)


def _response_writers(node: Node, data: bytes) -> frozenset[str]:
    """The parameters of the function around ``node`` of type ``http.ResponseWriter``."""
    function = enclosing_scope(node, "go")
    parameters = function.child_by_field_name("parameters")
    names: set[str] = set()
    for declaration in parameters.named_children if parameters is not None else []:
        kind = declaration.child_by_field_name("type")
        if kind is not None and text(kind, data).endswith("http.ResponseWriter"):
            names.update(text(n, data) for n in declaration.children_by_field_name("name"))
    return frozenset(names)


def _html_from_request(match: Match) -> bool:
    """The handler writes HTML to its ``http.ResponseWriter`` that is built at run time
    (``+``, ``Sprintf``, ``Fprintf`` arguments) from the request it is serving."""
    writer = match.node("writer")
    if writer is None or text(writer, match.data) not in _response_writers(writer, match.data):
        return False
    args = arguments_of(match.report)
    if match.text("package"):
        args = args[1:]
    if not args:
        return False
    requests = request_names(match.report, match.data)
    if not any(depends_on(a, requests, match.data, stops=_HTML_ESCAPERS) for a in args):
        return False
    if match.text("fn") == "Fprintf":
        html = string_text(args[0], match.data)
        built = any(origin(a, match.data) is not Origin.CONSTANT for a in args[1:])
    else:
        html = " ".join(string_text(a, match.data) for a in args)
        built = any(is_built(a, match.data) for a in args)
    return built and _HTML_TAG.search(html) is not None


def _cookie_unprotected(match: Match) -> bool:
    """An ``http.Cookie`` or gorilla ``sessions.Options`` literal that does not set both
    ``Secure`` and ``HttpOnly`` to true."""
    pair = (match.text("package"), match.text("type"))
    fields = match.node("fields")
    if pair not in (("http", "Cookie"), ("sessions", "Options")) or fields is None:
        return False
    values = {
        text(element.named_children[0], match.data): element.named_children[1]
        for element in fields.named_children
        if element.type == "keyed_element" and element.named_child_count == 2
    }
    if pair == ("http", "Cookie") and ("Name" not in values or _sent_by_client(match.report)):
        return False  # filled in later, or a cookie a client sends (flags are the server's)
    return any(
        flag not in values or _is_false(_element(values[flag]), match.data)
        for flag in ("Secure", "HttpOnly")
    )


def _is_false(node: Node, data: bytes) -> bool:
    """``node`` is the constant ``false`` (``false``, ``!true``, a name given one)."""
    node = unwrap(node)
    if node.type == "false":
        return True
    if node.type == "unary_expression":
        operand = node.child_by_field_name("operand")
        return operand is not None and _is_true(operand, data)
    if node.type == "identifier":
        value = last_binding(node, data)
        return value is not None and _is_false(value, data)
    return False


_COOKIES_RESULT = re.compile(rb"\(?\s*(?:\w+\s+)?\[\]\*http\.Cookie\s*\)?")


def _sent_by_client(node: Node) -> bool:
    """The cookie literal is an argument of ``req.AddCookie(...)``, or made in a function
    that returns ``[]*http.Cookie`` (a cookie jar's ``Cookies(u)``, which hands a client
    the cookies to send) and is given no ``http.ResponseWriter``."""
    scope = enclosing_scope(node, "go")
    result = scope.child_by_field_name("result")
    parameters = scope.child_by_field_name("parameters")
    if (
        result is not None
        and _COOKIES_RESULT.fullmatch(result.text or b"") is not None
        and (parameters is None or b"ResponseWriter" not in (parameters.text or b""))
    ):
        return True
    current = node.parent
    while current is not None and current.type in (
        "composite_literal",
        "unary_expression",
        "argument_list",
    ):
        current = current.parent
    if current is None or current.type != "call_expression":
        return False
    function = current.child_by_field_name("function")
    field = function.child_by_field_name("field") if function is not None else None
    return field is not None and field.text == b"AddCookie"


def _redirect_from_request(match: Match) -> bool:
    """``http.Redirect`` to a URL computed from the request whose text names no fixed host
    (or local path) before the first part that is not constant."""
    url = match.node("url")
    if url is None:
        return False
    requests = request_names(match.report, match.data)
    return (
        depends_on(url, requests, match.data)
        and not all(_FIXED_HOST.match(p) for p in text_prefixes(url, match.data))
        and not _local_url(url, requests, match.data)
    )


_LOCAL_URL_FIELDS = frozenset({"Path", "RawPath", "RawQuery", "ForceQuery", "Fragment"})
_PATH_FIELDS = frozenset({"Path", "RawPath"})


def _local_url(url: Node, requests: frozenset[str], data: bytes) -> bool:
    """``u.String()`` of a local given ``&url.URL{Path: p, RawQuery: r.URL.RawQuery}``: no
    scheme, host or user, and a path the request does not give, so only the query (or the
    fragment) comes from the request and the redirect stays on this site."""
    url = unwrap(url)
    function = url.child_by_field_name("function") if url.type == "call_expression" else None
    operand = function.child_by_field_name("operand") if function is not None else None
    field = function.child_by_field_name("field") if function is not None else None
    if operand is None or field is None or text(field, data) != "String" or arguments_of(url):
        return False
    operand = unwrap(operand)
    values = bindings(operand, data) if operand.type == "identifier" else [operand]
    if not values:
        return False
    for given_value in values:
        literal = unwrap(given_value)
        if literal.type == "unary_expression" and literal.named_child_count:
            literal = unwrap(literal.named_children[-1])
        kind = literal.child_by_field_name("type") if literal.type == "composite_literal" else None
        body = literal.child_by_field_name("body") if kind is not None else None
        if kind is None or body is None or not text(kind, data).endswith("URL"):
            return False
        for item in body.named_children:
            if item.type == "comment":
                continue
            if item.type != "keyed_element" or item.named_child_count != 2:
                return False
            key, given = (unwrap(child) for child in item.named_children)
            name = text(key, data)
            if name not in _LOCAL_URL_FIELDS:
                return False
            if name in _PATH_FIELDS and depends_on(given, requests, data):
                return False
    return True


def _template_from_request(match: Match) -> bool:
    """A template parsed from text built at run time from the request being handled (the
    file imports html/template or text/template)."""
    source = match.node("text")
    if source is None or b'/template"' not in match.data:
        return False
    function = match.report.child_by_field_name("function")
    receiver = function.child_by_field_name("operand") if function is not None else None
    if receiver is None:
        return False
    receiver = unwrap(receiver)
    made = [receiver, *(bindings(receiver, match.data) if receiver.type == "identifier" else [])]
    if not any(b"template." in text(m, match.data).encode() for m in made):
        return False  # url.Parse, time.Parse...: not a template
    requests = request_names(match.report, match.data)
    return is_built(source, match.data) and depends_on(source, requests, match.data)


_ENV_CALLS = frozenset({"os.Setenv", "os.Unsetenv"})


def _valid_env_key(match: Match) -> bool:
    """``os.Setenv("KEY", v)`` / ``os.Unsetenv("KEY")``: a literal key that cannot fail."""
    if match.text("fn") not in _ENV_CALLS:
        return False
    call = match.report.named_children[0] if match.report.named_child_count else None
    args = arguments_of(call) if call is not None else []
    if not args or args[0].type not in _STRINGS:
        return False
    key = string_value(args[0], match.data)
    return bool(key) and "=" not in key and "\x00" not in key


def _error_dropped(match: Match) -> bool:
    """The listed library calls, except ``os.Setenv``/``os.Unsetenv`` of a literal key (they
    fail only on a key that is empty or holds ``=`` or a NUL).

    Functions of the same file are not looked at: whether their error matters would depend
    on their declaration and their other calls, code outside the unit, and a unit's findings
    must follow from the unit alone (they are kept while it is unchanged; the sweep's
    incremental-against-fresh comparison caught a stale one).

    Not reported either: a call the author marks as ignored on purpose (`_said_ignored`), a
    folder made for a later step that uses it and whose own result is kept
    (`_folder_for_later`), and ``os.Setenv``/``Unsetenv`` of a key an earlier checked
    ``os.Setenv`` of the function already accepted (restoring it in a cleanup)."""
    return not (
        _valid_env_key(match)
        or _said_ignored(match)
        or _folder_for_later(match)
        or _key_checked_before(match)
        or _zero_value_tested(match)
    )


_IGNORED_ON_PURPOSE = re.compile(
    rb"best[- ]effort|\bignor\w*\s+(?:any\s+|the\s+|all\s+)?(?:errors?|failures?)\b"
    rb"|\b(?:errors?|failures?)\s+(?:is|are)\s+ignored\b",
    re.IGNORECASE,
)
"""A comment that says the error is dropped on purpose: ``// best effort``, ``// ignore
errors``, ``// the error is ignored``."""


def _said_ignored(match: Match) -> bool:
    """A comment at the end of the call's line, or on the line right above it, says the
    error is ignored on purpose (as ``_ = f()`` says it in code)."""
    data, start = match.data, match.report.start_byte
    line_start = data.rfind(b"\n", 0, start) + 1
    line_end = data.find(b"\n", match.report.end_byte)
    line_end = len(data) if line_end < 0 else line_end
    trailing = data[match.report.end_byte : line_end]
    above_start = data.rfind(b"\n", 0, max(line_start - 1, 0)) + 1
    above = data[above_start : max(line_start - 1, above_start)].strip()
    said = [trailing] + ([above] if above.startswith(b"//") else [])
    return any(b"//" in part and _IGNORED_ON_PURPOSE.search(part) for part in said)


_FOLDER_MAKERS = frozenset({"os.Mkdir", "os.MkdirAll"})


_DECODERS = frozenset({"json.Unmarshal", "xml.Unmarshal", "yaml.Unmarshal", "toml.Unmarshal"})
_ZERO_VALUES = frozenset({'""', "nil", "0", "false"})


def _zero_value_tested(match: Match) -> bool:
    """``json.Unmarshal(data, &cfg)`` whose very next statement is an ``if`` comparing
    ``cfg`` (or a field of it) with its zero value (``if cfg.ImportPath != ""``): a failed
    decode leaves the zero value, and the test right after treats it as "nothing found",
    the best-effort probe of an optional file (cmd/go's Godeps.json lookup)."""
    if match.text("fn") not in _DECODERS:
        return False
    call = match.report.named_children[0] if match.report.named_child_count else None
    args = arguments_of(call) if call is not None else []
    target = args[-1] if args else None
    if target is None or target.type != "unary_expression" or text(target, match.data)[:1] != "&":
        return False
    name = target.child_by_field_name("operand")
    if name is None or name.type != "identifier":
        return False
    following = match.report.next_named_sibling
    condition = following.child_by_field_name("condition") if following is not None else None
    if condition is None or condition.type != "binary_expression":
        return False
    left = condition.child_by_field_name("left")
    right = condition.child_by_field_name("right")
    operator = condition.child_by_field_name("operator")
    while left is not None and left.type == "selector_expression":
        left = left.child_by_field_name("operand")
    return (
        following is not None
        and following.type == "if_statement"
        and left is not None
        and text(left, match.data) == text(name, match.data)
        and operator is not None
        and operator.type in ("==", "!=")
        and right is not None
        and text(right, match.data) in _ZERO_VALUES
    )


def _folder_for_later(match: Match) -> bool:
    """``os.MkdirAll(filepath.Dir(target), 0o777)`` followed in the function by a call given
    the same names (or the same literal folder) whose result is kept (``f, err :=
    os.Create(target)``, ``if err := os.WriteFile(target, ...); ...``): when the folder
    could not be made, that later call fails, and its error is the one that says so."""
    if match.text("fn") not in _FOLDER_MAKERS:
        return False
    call = match.report.named_children[0] if match.report.named_child_count else None
    args = arguments_of(call) if call is not None else []
    if not args:
        return False
    names = _path_names(args[0], match.data)
    if not names:
        return False
    function = enclosing_scope(match.report, "go")
    for node in descendants(function):
        if node.start_byte < match.report.end_byte:
            continue
        kept = node.type in ("short_var_declaration", "assignment_statement", "var_spec")
        kept = kept or (
            node.type == "if_statement" and node.child_by_field_name("initializer") is not None
        )
        if kept and any(
            call.type == "call_expression"
            and any(_path_names(arg, match.data) & names for arg in arguments_of(call))
            for call in descendants(node.child_by_field_name("initializer") or node)
        ):
            return True
    return False


def _path_names(node: Node, data: bytes, depth: int = 0) -> set[str]:
    """The local names and string literals a path expression is made of, following a local
    name once to the value it was given (``dir := filepath.Dir(target)``); package names and
    fields left out."""
    found: set[str] = set()
    for current in [node, *descendants(node)]:
        if current.type in ("interpreted_string_literal", "raw_string_literal"):
            found.add(text(current, data))
        elif current.type == "identifier":
            parent = current.parent
            if parent is not None and parent.type == "selector_expression":
                operand = parent.child_by_field_name("operand")
                if operand is not None and operand.id == current.id:
                    continue  # filepath in filepath.Dir
            found.add(text(current, data))
            if depth == 0 and current is node:
                for value in bindings(current, data):
                    found |= _path_names(value, data, depth + 1)
    return found


def _key_checked_before(match: Match) -> bool:
    """``os.Setenv(key, prev)``/``os.Unsetenv(key)`` where an ``os.Setenv(key, ...)`` whose
    error is checked came before in the function (a closure's enclosing one counted): the
    key was accepted then, and only a malformed key makes these fail."""
    if match.text("fn") not in _ENV_CALLS:
        return False
    call = match.report.named_children[0] if match.report.named_child_count else None
    args = arguments_of(call) if call is not None else []
    if not args:
        return False
    key = text(args[0], match.data)
    scope = enclosing_scope(match.report, "go")
    while scope.type == "func_literal" and scope.parent is not None:
        scope = enclosing_scope(scope.parent, "go")
    for node in descendants(scope):
        if node.start_byte >= match.report.start_byte or node.type != "call_expression":
            continue
        earlier = arguments_of(node)
        if (
            callee_text(node, match.data) == "os.Setenv"
            and earlier
            and text(earlier[0], match.data) == key
            and node.parent is not None
            and node.parent.type != "expression_statement"
        ):
            return True
    return False


_MIN_KEY_BITS = 2048
"""RSA and DSA moduli below this are within reach (NIST SP 800-131A disallows them)."""


def _weak_key(match: Match) -> bool:
    """A crypto/rsa key generated with a constant size under 2048 bits, or crypto/dsa
    parameters of the 1024-bit size (``dsa.L1024N160``)."""
    path = _import_path(match.text("package"), match.data)
    bits = match.node("bits")
    if bits is None:
        return False
    if path == "crypto/dsa":
        return match.text("fn") == "GenerateParameters" and match.text("bits").endswith("L1024N160")
    if path != "crypto/rsa" or match.text("fn") == "GenerateParameters":
        return False
    size = _file_mode(bits, match.data)
    return size is not None and 0 < size < _MIN_KEY_BITS


def _ssh_package(match: Match) -> bool:
    return _import_path(match.text("package"), match.data) == "golang.org/x/crypto/ssh"


_JWT_PACKAGE = re.compile(r"(?:^|/)jwt(?:-go)?(?:/v\d+)?$")
"""golang-jwt/jwt (and its /v4, /v5), dgrijalva/jwt-go, form3tech-oss/jwt-go, ..."""
_VERIFYING = frozenset({"Parse", "ParseWithClaims", "ParseSigned", "Verify", "VerifySignature"})


def _claims_unverified(match: Match) -> bool:
    """``ParseUnverified`` from a JWT package of a token taken from the request being handled
    (``r.Header.Get("Authorization")``), in a function that does not also parse it with its
    signature checked (reading the claims to pick the key, then ``ParseWithClaims``).

    A client reading its own token (the expiry, to renew it) trusts no one's claims, so a
    token that does not come from the request is not reported."""
    args = arguments_of(match.report)
    requests = request_names(match.report, match.data)
    if not args or not depends_on(args[0], requests, match.data):
        return False
    root = match.report
    while root.parent is not None:
        root = root.parent
    imported = [
        string_value(path, match.data)
        for declaration in root.named_children
        if declaration.type == "import_declaration"
        for path in descendants(declaration)
        if path.type in _STRINGS
    ]
    if not any(_JWT_PACKAGE.search(path) for path in imported):
        return False
    callees = _names_in(match.report, match.data).calls
    return not any(callee.rsplit(".", 1)[-1] in _VERIFYING for callee in callees)


RULES: tuple[Rule, ...] = (
    Rule(
        id="go-sql-format",
        languages=GO,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="SQL built by string formatting",
        message="SQL built with `fmt.Sprintf` or `+` is passed to `{method}`: use placeholders",
        explanation=(
            "The query text is built from values that are not constants, so a quote in them"
            " changes the statement (SQL injection).\n\n"
            "**Fix:** keep the SQL constant and pass the values as arguments:"
            ' `db.Query("SELECT * FROM t WHERE id = $1", id)` (`?` for MySQL and SQLite).'
            " Identifiers (table, column names) cannot be placeholders: check them against a"
            " fixed list.\n\n"
            "Reference: CWE-89 (SQL Injection)."
        ),
        references=("CWE-89",),
        check=_sql_built,
    ),
    Rule(
        id="go-shell-injection",
        languages=GO,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="Program or shell command chosen at run time",
        message="`{package}.{fn}` runs a program or `sh -c` command that is not a constant:"
        " whoever controls it runs any command",
        explanation=(
            '`exec.Command("sh", "-c", cmd)` hands `cmd` to a shell, which interprets'
            " `;`, `|`, `$(...)` and quotes in the values that were formatted into it;"
            " `exec.Command(name, ...)` with a `name` from input runs whatever program it"
            " names; so does an `exec.Cmd{Path: ..., Args: ...}` literal. Constants are not"
            " reported: string literals, local variables only ever given literals,"
            ' `exec.LookPath("go")`, and a parameter that every call in the'
            " file passes a literal (a program name, not a shell command). A program that is"
            " not a constant is reported when it comes from outside the function (its"
            " parameters, the request, `os.Args`, `os.Getenv`), not when the code computes it"
            " itself (`goCmd()`, a field, the head of `args := []string{goCmd(), ...}` that"
            " later `append`s leave in place); a wrapper that passes on both the program and"
            " the argument list it was given (`run(name, args...)`, also behind constant"
            ' options: `append([]string{"-v"}, args...)`, or converted whole:'
            " `cmdline := str.StringList(cmdargs...)`, or its head looked up with"
            " `exec.LookPath`) leaves the choice to its caller. A"
            " program named by an environment variable made for that (`CC`, `CXX`, `GCCGO`,"
            " `EDITOR`, `VISUAL`, `PAGER`, `BROWSER`, `SHELL`...) is the user's own choice of"
            " the tool to run, and is not reported, unless it is given `-c` and a command"
            " built at run time (`$SHELL -c cmd` is still a shell).\n\n"
            "**Fix:** run a fixed program directly with one argument per value:"
            ' `exec.Command("git", "log", "--", branch)`; pick the program from a fixed list'
            " when it must vary.\n\n"
            "Reference: CWE-78 (OS Command Injection); gosec G204."
        ),
        references=("CWE-78",),
        check=_process_from_input,
    ),
    Rule(
        id="go-tls-unverified",
        languages=GO,
        category=_S,
        severity=_ERROR,
        confidence=0.9,
        title="TLS certificate verification disabled",
        message="`InsecureSkipVerify: true` accepts any certificate: anyone on the network path"
        " can read and change this traffic",
        explanation=(
            "With `InsecureSkipVerify` the client accepts any certificate for any host, so a"
            " man in the middle can impersonate the server.\n\n"
            "**Fix:** remove it; for a private CA add it to `RootCAs` (`x509.NewCertPool()`"
            " and `AppendCertsFromPEM`), or verify in `VerifyPeerCertificate`.\n\n"
            "Reference: CWE-295 (Improper Certificate Validation)."
        ),
        references=("CWE-295",),
        check=_skips_verification,
    ),
    Rule(
        id="go-hardcoded-secret",
        languages=GO,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="Hard-coded credential",
        message="A credential is written in the code (`{name}`): read it from the environment"
        " or a secret store",
        explanation=(
            "A password, API key or token in the source is readable by everyone with access to"
            " the repository, its history and the compiled binary (`strings` finds it).\n\n"
            '**Fix:** `os.Getenv("DB_PASSWORD")` or a secrets manager; rotate the value that'
            " was committed.\n\n"
            "Reference: CWE-798 (Use of Hard-coded Credentials)."
        ),
        references=("CWE-798",),
        check=key_is_hardcoded,
    ),
    Rule(
        id="go-ignored-error",
        languages=GO,
        category=_B,
        severity=_WARNING,
        confidence=0.75,
        title="Error result ignored",
        message="The error returned by `{fn}` is ignored: check it, or the code goes on with"
        " bad data",
        explanation=(
            "These library calls report failure only through their error result."
            " Calling them as a statement goes on with a zero value or half-written data as"
            " if all went well (an unparsed config, a server that never started listening)."
            " An explicit `_ = f()` or `v, _ := f()` is a deliberate discard and is not"
            " reported, nor is `os.Setenv`/`os.Unsetenv` of a literal key or of a key an"
            " earlier checked `os.Setenv` accepted (they fail only on a malformed key), a call"
            " a comment marks as ignored on purpose (`// best effort`, `// ignore errors`),"
            " an `os.MkdirAll` made for a later step that uses the same path and keeps its"
            " result (`f, err := os.Create(path)`: that error says the folder is"
            " missing), or a `json.Unmarshal(b, &v)` whose next statement tests `v` (or a"
            " field) against its zero value (a best-effort probe: a failed decode leaves"
            " the zero value).\n\n"
            "**Fix:** `if err := json.Unmarshal(b, &v); err != nil { return err }`; where"
            " ignoring is really intended, say so with `_ = f()` and a comment.\n\n"
            "Reference: CWE-252 (Unchecked Return Value); errcheck."
        ),
        references=("CWE-252",),
        check=_error_dropped,
    ),
    Rule(
        id="go-defer-in-loop",
        languages=GO,
        category=_B,
        severity=_WARNING,
        confidence=0.75,
        title="defer inside a loop",
        message="`defer` in a loop runs only when the function returns: resources pile up"
        " until then",
        explanation=(
            "Deferred calls run when the surrounding function returns, not at the end of the"
            " loop iteration. `defer f.Close()` in a loop over files keeps every file open"
            " until the loop and the function finish, and can run out of descriptors. Not"
            " reported: a loop over a few values (a literal list of up to 4, `i < 3`), a"
            " defer followed in its block by a `return` or `break` (the loop ends there), a"
            " defer in a `select` case on a one-shot `time.NewTimer` (reset only under a true"
            " `Stop()`), and"
            " a defer releasing an element of a collection (`fd[i]`) the function uses after"
            " the loop (the resources must stay open together until then).\n\n"
            "**Fix:** move the body into a function (or a closure called each iteration) that"
            " defers, or close explicitly at the end of the iteration.\n\n"
            "Reference: CWE-772 (Missing Release of Resource after Effective Lifetime);"
            " gocritic deferInLoop."
        ),
        references=("CWE-772",),
        check=_in_loop,
    ),
    Rule(
        id="go-weak-password-hash",
        languages=GO,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="Fast hash used for a password",
        message="A fast hash (`{fn}`) protects a password: a leaked hash is cracked in seconds",
        explanation=(
            "MD5, SHA-1 and SHA-256 are built for speed, so hashed passwords fall to"
            " brute force quickly; without a salt, equal passwords share a hash.\n\n"
            "**Fix:** `golang.org/x/crypto/bcrypt` (`bcrypt.GenerateFromPassword`), `scrypt`"
            " or `argon2.IDKey` with a random salt.\n\n"
            "Reference: CWE-916 (Password Hash With Insufficient Computational Effort)."
        ),
        references=("CWE-916", "CWE-328"),
        check=_password_input,
    ),
    Rule(
        id="go-random-secret",
        languages=GO,
        category=_S,
        severity=_WARNING,
        confidence=0.75,
        title="math/rand used for a secret",
        message="`math/rand` is predictable: use `crypto/rand` for tokens and keys",
        explanation=(
            "`math/rand` is a deterministic generator meant for simulations; its outputs can"
            " be predicted, so tokens, passwords and keys made with it can be guessed.\n\n"
            "**Fix:** `crypto/rand`: `rand.Read(b)` then encode, or `rand.Text()` (Go"
            " 1.24).\n\n"
            "Reference: CWE-338 (Use of Cryptographically Weak PRNG)."
        ),
        references=("CWE-338",),
        check=_math_rand_for_secret,
    ),
    Rule(
        id="go-weak-cipher",
        languages=GO,
        category=_S,
        severity=_ERROR,
        confidence=0.85,
        title="Broken cipher (DES, 3DES, RC4, Blowfish)",
        message="`{package}.{fn}` is a broken cipher: use AES-GCM or ChaCha20-Poly1305",
        explanation=(
            "DES keys are brute-forced in hours, 3DES and Blowfish have 64-bit blocks that"
            " leak plaintext after a few gigabytes (Sweet32), and RC4's keystream is biased"
            " enough to recover plaintext. Data encrypted with them is not protected.\n\n"
            "**Fix:** an authenticated cipher: `aes.NewCipher` with a 256-bit key and"
            " `cipher.NewGCM`, or `chacha20poly1305.New`; a fresh random nonce per message.\n\n"
            "Reference: CWE-327 (Use of a Broken or Risky Cryptographic Algorithm); gosec"
            " G405, G502, G503."
        ),
        references=("CWE-327",),
        check=_weak_cipher,
    ),
    Rule(
        id="go-weak-hash",
        languages=GO,
        category=_S,
        severity=Severity.INFO,
        confidence=0.6,
        title="Broken hash (MD5, SHA-1, MD4, RIPEMD-160)",
        message="`{package}.{fn}` is a broken hash: do not use it for signatures, integrity"
        " or tokens",
        explanation=(
            "Collisions are practical for MD5, SHA-1 and MD4 (two inputs with the same hash can"
            " be made on purpose), so a hash that vouches for content, signs, or derives a key"
            " can be forged. As a checksum against accidents, or where a protocol fixes the"
            " hash, it is fine: then dismiss the finding. A SHA-1 sum that becomes a key"
            " identifier (`subjectKeyId`, `AuthorityKeyId`: RFC 5280's method 1) is not"
            " reported.\n\n"
            "**Fix:** `sha256.Sum256` / `sha256.New` (or SHA-3, BLAKE2); for passwords"
            " `bcrypt` or `argon2`; for message authentication `hmac.New(sha256.New, key)`.\n\n"
            "Reference: CWE-328 (Use of Weak Hash); gosec G401, G406, G501, G505."
        ),
        references=("CWE-328",),
        check=_weak_hash,
    ),
    Rule(
        id="go-template-unescaped",
        languages=GO,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="html/template escaping turned off for text built at run time",
        message="`template.{fn}` marks this value as safe: html/template will not escape it"
        " (cross-site scripting)",
        explanation=(
            "`template.HTML`, `JS`, `URL`, `CSS`, `HTMLAttr`, `JSStr` and `Srcset` tell"
            " html/template that the text is already safe, so it is written into the page as"
            " it is. Built from a request value or any text not under the program's control,"
            " a `<script>` or `javascript:` URL in it runs in the visitor's browser."
            " Reported when the text is built here (`+`, `+=`, `fmt.Sprintf`, a"
            " `strings.Builder`) from a part that is not a constant; constants and values"
            " passed as they are (the output of a markdown renderer or a sanitiser) are"
            " not.\n\n"
            "**Fix:** pass the plain string to the template and let it escape; where markup"
            " must be kept, sanitise it first (bluemonday) and convert only the sanitised"
            " result.\n\n"
            "Reference: CWE-79 (Cross-site Scripting); gosec G203."
        ),
        references=("CWE-79",),
        check=_template_trusts_input,
    ),
    Rule(
        id="go-ssrf",
        languages=GO,
        category=_S,
        severity=_ERROR,
        confidence=0.75,
        title="Server-side request to a host taken from the request",
        message="The URL fetched here takes its host from the incoming request: a caller can"
        " make the server reach internal addresses",
        explanation=(
            "The handler builds the URL it fetches (`http.Get`, a client's `Get`/`Post`,"
            " `http.NewRequest`) from the request it is serving, and no fixed scheme and"
            " host come before that value. A caller can then point the server at"
            " `http://169.254.169.254/` (cloud credentials), `localhost` admin ports or"
            " other internal services (server-side request forgery). A value only in the"
            " path or query of a fixed host is not reported.\n\n"
            "**Fix:** choose the host from a fixed list (or a fixed base URL and put the"
            " value in the path with `url.PathEscape`); when the host must vary, resolve it"
            " and refuse private, loopback and link-local addresses.\n\n"
            "Reference: CWE-918 (Server-Side Request Forgery); gosec G107."
        ),
        references=("CWE-918",),
        check=_url_from_request,
    ),
    Rule(
        id="go-world-writable",
        languages=GO,
        category=_S,
        severity=_WARNING,
        confidence=0.85,
        title="File or folder made writable by every user",
        message="`{package}.{fn}` gives write permission to every user of the machine",
        explanation=(
            "A mode with the write bit for others (`0777`, `0666`, `os.ModePerm`) lets any"
            " local user or compromised service rewrite the file or put files in the folder:"
            " replace a script, a config, or data other code trusts. The process umask"
            " usually removes the bit at creation, so a creating call given the conventional"
            " default (`os.Mkdir`/`MkdirAll` with `0777`, `os.OpenFile`/`WriteFile` with"
            " `0666`, as `os.Create` does, or `0777` for a program) leaves the choice to the"
            " user's umask and is not reported, unless the function sets the umask to 0"
            " (`syscall.Umask(0)`); `os.Chmod` does not pass through the umask, and another"
            " mode with the bit is a choice.\n\n"
            "**Fix:** grant only what is needed: `0644` for files others read, `0600` for"
            " private ones, `0755` (or `0750`) for programs and folders.\n\n"
            "Reference: CWE-732 (Incorrect Permission Assignment for Critical Resource);"
            " gosec G301, G302, G306."
        ),
        references=("CWE-732",),
        check=_world_writable,
    ),
    Rule(
        id="go-decompression-bomb",
        languages=GO,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="Decompressed data copied without a size limit",
        message="`io.{fn}` copies everything the decompressor yields: a small archive can"
        " expand to gigabytes (decompression bomb)",
        explanation=(
            "A few kilobytes of gzip, zlib or zip input can inflate to gigabytes. Copying"
            " the decompressing reader to the end (`io.Copy`, `io.CopyBuffer`) fills the"
            " disk or memory of whoever handles an untrusted archive.\n\n"
            "**Fix:** copy at most a known limit, `io.CopyN(dst, r, limit)` or"
            " `io.Copy(dst, io.LimitReader(r, limit))`, and fail when the limit is reached.\n\n"
            "Reference: CWE-409 (Improper Handling of Highly Compressed Data); gosec G110."
        ),
        references=("CWE-409",),
        check=_copies_decompressed,
    ),
    Rule(
        id="go-zip-slip",
        languages=GO,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="Archive entry name joined to a path without a containment check (zip slip)",
        message="An archive entry's name is joined to the target folder: `../` in it writes"
        " outside the folder",
        explanation=(
            "Entry names inside zip and tar archives are chosen by whoever made the archive."
            " `filepath.Join(target, f.Name)` with a name like `../../home/u/.ssh/"
            "authorized_keys` leaves the target folder, so extracting overwrites any file"
            " the process can write (zip slip). The rule stays quiet when the function checks"
            " the result (`strings.HasPrefix`, `filepath.Rel`, `filepath.IsLocal`, a"
            " `..` test).\n\n"
            "**Fix:** refuse names that are not local: `if !filepath.IsLocal(f.Name) {"
            " return errBadName }` (Go 1.20), or check"
            " `strings.HasPrefix(path, filepath.Clean(target)+string(os.PathSeparator))`"
            " after joining.\n\n"
            "Reference: CWE-22 (Path Traversal); gosec G305."
        ),
        references=("CWE-22",),
        check=_joins_entry_name,
    ),
    Rule(
        id="go-tls-old-version",
        languages=GO,
        category=_S,
        severity=_WARNING,
        confidence=0.85,
        title="TLS below 1.2 or weak cipher suites allowed",
        message="This `tls.Config` allows TLS below 1.2 or cipher suites without forward"
        " secrecy: set `MinVersion: tls.VersionTLS12` and keep Go's default suites",
        explanation=(
            "TLS 1.0 and 1.1 (and SSL 3.0) are deprecated (RFC 8996): they rely on SHA-1 and"
            " CBC constructions with known attacks (BEAST, POODLE). Cipher suites with RSA key"
            " exchange (`TLS_RSA_*`) have no forward secrecy, so a key leaked later decrypts"
            " recorded traffic; RC4, 3DES and CBC-SHA256 suites are broken or weak. A"
            " `MinVersion`/`MaxVersion` of 0 is Go's default (TLS 1.2 and up) and is not"
            " reported.\n\n"
            "**Fix:** `MinVersion: tls.VersionTLS12` (or 13), and leave `CipherSuites` unset"
            " or list only ECDHE suites with AES-GCM or ChaCha20-Poly1305.\n\n"
            "Reference: CWE-326 (Inadequate Encryption Strength), CWE-327; gosec G402."
        ),
        references=("CWE-326", "CWE-327"),
        check=_old_tls,
    ),
    Rule(
        id="go-http-no-timeout",
        languages=GO,
        category=_S,
        severity=_WARNING,
        confidence=0.75,
        title="HTTP server without read timeouts",
        message="This HTTP server has no read timeout: slow clients can hold its connections"
        " open forever (Slowloris)",
        explanation=(
            "`http.ListenAndServe`, `http.Serve` and an `http.Server` with neither"
            " `ReadHeaderTimeout` nor `ReadTimeout` wait as long as a client likes for the"
            " request headers. A few hundred connections sending one byte now and then use up"
            " the server's file descriptors and goroutines (Slowloris). A server on a"
            " loopback address (`localhost:6060`), or serving a listener this function opened"
            ' on a Unix socket or a loopback address (`net.Listen("unix", path)`), is not'
            " reported: only this machine reaches it.\n\n"
            "**Fix:** `srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout:"
            " 5 * time.Second}` then `srv.ListenAndServe()`; add `ReadTimeout`,"
            " `WriteTimeout` and `IdleTimeout` where the handlers allow.\n\n"
            "Reference: CWE-400 (Uncontrolled Resource Consumption); gosec G112, G114."
        ),
        references=("CWE-400",),
        check=_server_without_timeouts,
    ),
    Rule(
        id="go-pprof-exposed",
        languages=GO,
        category=_S,
        severity=_WARNING,
        confidence=0.8,
        title="pprof debug endpoints served to the network",
        message="net/http/pprof is imported and the default mux is served on a public address:"
        " /debug/pprof/ is open to anyone who can reach it",
        explanation=(
            "Importing `net/http/pprof` registers `/debug/pprof/` on `http.DefaultServeMux`."
            " Serving that mux on a non-loopback address lets anyone read heap and goroutine"
            " dumps (secrets in memory, internal paths) and start CPU profiles that slow the"
            " service down.\n\n"
            "**Fix:** serve the application on its own `http.NewServeMux()`, and pprof on a"
            " separate listener bound to `localhost` (or behind authentication).\n\n"
            "Reference: CWE-200 (Exposure of Sensitive Information); gosec G108."
        ),
        references=("CWE-200",),
        check=_pprof_served,
    ),
    Rule(
        id="go-html-from-request",
        languages=GO,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="HTML built from the request written to the response",
        message="HTML made from request values is written to the response without escaping"
        " (cross-site scripting)",
        explanation=(
            "The handler formats values from the request (`r.URL.Query()`, `r.FormValue`,"
            " headers) into HTML text and writes it with `w.Write`, `fmt.Fprintf(w, ...)` or"
            " `io.WriteString(w, ...)`. Nothing escapes them, so a `<script>` in the value"
            " runs in the visitor's browser (reflected XSS).\n\n"
            "**Fix:** render with `html/template`, which escapes by context; for a single"
            " value, `html.EscapeString(v)`.\n\n"
            "Reference: CWE-79 (Cross-site Scripting)."
        ),
        references=("CWE-79",),
        check=_html_from_request,
    ),
    Rule(
        id="go-cookie-flags",
        languages=GO,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="Cookie without Secure or HttpOnly",
        message="This cookie is not marked `Secure` and `HttpOnly`: it can travel over plain"
        " HTTP or be read by page scripts",
        explanation=(
            "Without `Secure` the browser also sends the cookie over plain HTTP, where anyone"
            " on the network path reads it; without `HttpOnly` any script on the page (an"
            " injected one too) reads it from `document.cookie`. For session cookies either"
            " gap hands the session to an attacker. Reported for `http.Cookie` literals that"
            " set a `Name` (not those a client adds to its request, nor those a cookie jar's"
            " `Cookies` method returns for a client to send) and gorilla"
            " `sessions.Options` that leave a flag out or set it to `false`; a flag set"
            " from an expression (`Secure: r.TLS != nil`) is the code's decision.\n\n"
            "**Fix:** `Secure: true, HttpOnly: true` (and `SameSite:"
            " http.SameSiteLaxMode`); a cookie that scripts must read can drop `HttpOnly`"
            " on purpose.\n\n"
            "Reference: CWE-614 (Sensitive Cookie Without 'Secure'), CWE-1004 (Sensitive"
            " Cookie Without 'HttpOnly')."
        ),
        references=("CWE-614", "CWE-1004"),
        check=_cookie_unprotected,
    ),
    Rule(
        id="go-open-redirect",
        languages=GO,
        category=_S,
        severity=_WARNING,
        confidence=0.75,
        title="Redirect to a location taken from the request",
        message="`http.Redirect` sends the visitor to a location built from the request: a"
        " link to this site can forward to any other site",
        explanation=(
            "The redirect target comes from the request (a `next` parameter, the `Host`"
            " header) and no fixed host or local path comes before it, so a link to this site"
            " can send visitors on to a look-alike phishing page, with this site's name on"
            " the link (open redirect). A value only in the path or query after a fixed"
            " host, or after a leading `/`, is not reported, nor a `url.URL{Path: p,"
            " RawQuery: r.URL.RawQuery}` without scheme or host whose path the request does"
            " not give.\n\n"
            "**Fix:** redirect only to local paths (check the parsed URL has no scheme or"
            " host and does not start with `//`) or to hosts from a fixed list; build"
            " HTTP-to-HTTPS redirects from the configured host name, not `r.Host`.\n\n"
            "Reference: CWE-601 (URL Redirection to Untrusted Site)."
        ),
        references=("CWE-601",),
        check=_redirect_from_request,
    ),
    Rule(
        id="go-jwt-none",
        languages=GO,
        category=_S,
        severity=_ERROR,
        confidence=0.9,
        title="JWT with the none algorithm",
        message="`jwt.{name}` makes or accepts unsigned tokens: anyone can forge them",
        explanation=(
            "A token with `alg: none` carries no signature, so whoever holds one can change"
            " its claims (user id, roles, expiry) at will; a verifier that accepts `none`"
            " accepts every forged token.\n\n"
            "**Fix:** sign with `jwt.SigningMethodHS256` (a secret of 32+ random bytes) or"
            " `RS256`/`ES256`/`EdDSA`, and check the algorithm in the key function"
            " (`jwt.WithValidMethods`).\n\n"
            "Reference: CWE-327 (Use of a Broken or Risky Cryptographic Algorithm), CWE-347"
            " (Improper Verification of Cryptographic Signature)."
        ),
        references=("CWE-327", "CWE-347"),
    ),
    Rule(
        id="go-template-injection",
        languages=GO,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="Template parsed from text built from the request",
        message="The template text is built from the request: `{{{{ }}}}` actions in the input"
        " run as template code (server-side template injection)",
        explanation=(
            "Values formatted into the template's source (rather than passed as data to"
            " `Execute`) are parsed as template text: `{{.}}`, `{{.Password}}` or method"
            " calls in the input read the data and call methods of the values handed to the"
            " template, and escaping is bypassed.\n\n"
            "**Fix:** keep the template text constant and pass the value as data:"
            ' `tmpl.Execute(w, map[string]any{"Query": query})` with `{{.Query}}` in the'
            " template.\n\n"
            "Reference: CWE-1336 (Improper Neutralization of Special Elements Used in a"
            " Template Engine)."
        ),
        references=("CWE-1336",),
        check=_template_from_request,
    ),
    Rule(
        id="go-weak-key",
        languages=GO,
        category=_S,
        severity=_WARNING,
        confidence=0.9,
        title="Key too short",
        message="`{package}.{fn}` makes a key under 2048 bits: use at least 2048 (3072 for"
        " keys that must last)",
        explanation=(
            "RSA and DSA keys under 2048 bits can be broken with resources within reach of a"
            " well-funded attacker (512-bit RSA in hours on rented machines, 1024-bit within"
            " reach), so what they sign or protect can be forged or read. Reported for"
            " `crypto/rsa`'s `GenerateKey` and `GenerateMultiPrimeKey` when the size is a"
            " constant, and `crypto/dsa` parameters of size `L1024N160`.\n\n"
            "**Fix:** `rsa.GenerateKey(rand.Reader, 3072)` (at least 2048), or an Ed25519 key"
            " (`ed25519.GenerateKey`), which has no size to choose; DSA is deprecated in Go:"
            " use Ed25519 or ECDSA.\n\n"
            "Reference: CWE-326 (Inadequate Encryption Strength); NIST SP 800-131A; gosec"
            " G403."
        ),
        references=("CWE-326",),
        check=_weak_key,
    ),
    Rule(
        id="go-ssh-host-key",
        languages=GO,
        category=_S,
        severity=_WARNING,
        confidence=0.9,
        title="SSH host key accepted without checking",
        message="`ssh.InsecureIgnoreHostKey()` accepts any server's host key: a man in the"
        " middle gets the session and its credentials",
        explanation=(
            "The host key is how an SSH client knows it reached the right server."
            " `ssh.InsecureIgnoreHostKey()` is a `HostKeyCallback` that accepts whatever key"
            " the server presents, so whoever sits on the network path can pose as the"
            " server, collect the password or key exchange and run the session.\n\n"
            "**Fix:** check the key against known hosts:"
            " `golang.org/x/crypto/ssh/knownhosts.New(path)` as the `HostKeyCallback`, or"
            " `ssh.FixedHostKey(key)` for one server whose key you ship.\n\n"
            "Reference: CWE-322 (Key Exchange without Entity Authentication), CWE-295; gosec"
            " G106."
        ),
        references=("CWE-322", "CWE-295"),
        check=_ssh_package,
    ),
    Rule(
        id="go-jwt-unverified",
        languages=GO,
        category=_S,
        severity=_ERROR,
        confidence=0.75,
        title="JWT read without verifying its signature",
        message="`ParseUnverified` does not check the token's signature: anyone can forge its"
        " claims",
        explanation=(
            "`ParseUnverified` returns whatever claims the token holds, signed or not, so a"
            " user can write their own (another user id, an admin role, a later expiry)."
            " Reported when the token comes from the request being handled (a header, a"
            " cookie, a form value of `r *http.Request`, `gin.Context`, ...) and the same"
            " function does not also parse it with a key (`Parse`, `ParseWithClaims`), as"
            " when the unverified claims only pick the key. A client reading its own token"
            " (its expiry) is not reported.\n\n"
            "**Fix:** `jwt.ParseWithClaims(token, claims, keyFunc,"
            ' jwt.WithValidMethods([]string{"RS256"}))` and use the claims only when'
            " `err == nil` and `token.Valid`.\n\n"
            "Reference: CWE-347 (Improper Verification of Cryptographic Signature)."
        ),
        references=("CWE-347",),
        check=_claims_unverified,
    ),
)
