"""The local rules for Go. Patterns: ``queries/go/<rule-id>.scm``."""

from __future__ import annotations

import itertools
import typing

from peer_lsp.findings.model import Category, Severity
from peer_lsp.rules.assignments import enclosing_scope
from peer_lsp.rules.credentials import is_token_name, mentions_password
from peer_lsp.rules.grammar_nodes import (
    arguments_of,
    callee_text,
    name_of_target,
    statement_of,
    text,
    unwrap,
)
from peer_lsp.rules.literals import string_value
from peer_lsp.rules.model import Match, Rule
from peer_lsp.rules.secret_sinks import key_is_hardcoded

if typing.TYPE_CHECKING:
    from tree_sitter import Node

GO = ("go",)
_S, _B = Category.SECURITY, Category.BUG
_ERROR, _WARNING = Severity.ERROR, Severity.WARNING

_SHELLS = frozenset({"sh", "bash", "zsh", "ksh", "dash", "cmd", "cmd.exe", "powershell", "pwsh"})


_SHELL_FLAGS = frozenset({"-c", "/c", "/C", "-Command"})
_STRINGS = frozenset({"interpreted_string_literal", "raw_string_literal"})
_NOT_CONSTANT = frozenset({"identifier", "call_expression", "selector_expression"})
_BINDINGS = {
    "short_var_declaration": ("left", "right"),
    "assignment_statement": ("left", "right"),
    "var_spec": ("name", "value"),
    "const_spec": ("name", "value"),
}
_MAX_DEPTH = 8
"""How many names deep a value is followed (``a := "x"; b := a + "y"``)."""


def _bound_value(statement: Node, name: str, data: bytes) -> Node | None:
    """The value ``statement`` gives to ``name``: the matching right-hand expression, or the
    one call on the right of ``x, err := f()``; None when it binds no such name."""
    fields = _BINDINGS.get(statement.type)
    if fields is None:
        return None
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
                return values[index]
            return values[0] if len(values) == 1 and index == 0 else None
    return None


def _last_binding(use: Node, data: bytes) -> Node | None:
    """The value last bound to the identifier ``use`` before it in its function, else by a
    top-level ``var``/``const`` of the file; None when it has none (a parameter, a range
    variable, a package-level name from another file)."""
    name = text(use, data)
    scope = enclosing_scope(use, "go")
    best: tuple[int, Node] | None = None
    stack = [scope]
    while stack:
        node = stack.pop()
        if node.start_byte >= use.start_byte:
            continue
        value = _bound_value(node, name, data)
        later = best is None or node.start_byte > best[0]
        if value is not None and node.end_byte <= use.start_byte and later:
            best = (node.start_byte, value)
        if node is scope or node.type != "func_literal":
            stack.extend(node.named_children)
    if best is not None or scope.type == "source_file":
        return best[1] if best is not None else None
    root = scope
    while root.parent is not None:
        root = root.parent
    for declaration in root.named_children:
        if declaration.type in ("var_declaration", "const_declaration"):
            for spec in declaration.named_children:
                value = _bound_value(spec, name, data)
                if value is not None:
                    return value
    return None


def _is_constant(node: Node, data: bytes, depth: int = 0, *, callers: bool = False) -> bool:
    """Whether ``node`` has the same value on every run: string literals and their ``+``, a
    local name last given such a value, ``exec.LookPath`` of one, ``os.Executable()``, an
    element of a composite literal made only of literals (``commands[runtime.GOOS][0]``);
    with ``callers``, also a parameter that every call in the file gives a constant."""
    node = unwrap(node)
    if node.type in _STRINGS or depth > _MAX_DEPTH:
        return node.type in _STRINGS
    if node.type == "binary_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        return (
            left is not None
            and right is not None
            and _is_constant(left, data, depth + 1)
            and _is_constant(right, data, depth + 1)
        )
    if node.type == "identifier":
        value = _last_binding(node, data)
        if value is None:
            return callers and _parameter_given_constants(node, data, depth)
        return _is_constant(value, data, depth + 1)
    if node.type in ("index_expression", "slice_expression"):
        operand = node.child_by_field_name("operand")
        return operand is not None and _is_constant(operand, data, depth + 1)
    if node.type == "call_expression":
        args = arguments_of(node)
        if callee_text(node, data) == "os.Executable":
            return True  # the running program itself, re-run (a test's helper process)
        return (
            callee_text(node, data) == "exec.LookPath"
            and len(args) == 1
            and _is_constant(args[0], data, depth + 1)
        )
    if node.type == "composite_literal":
        body = node.child_by_field_name("body")
        return body is not None and not any(n.type in _NOT_CONSTANT for n in _descendants(body))
    return False


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
        for n in _descendants(root)
        if n.type == "call_expression" and callee_text(n, data) == text(name, data)
    ]
    return bool(calls) and all(
        len(args) > index and _is_constant(args[index], data, depth + 1) for args in calls
    )


def _descendants(node: Node) -> list[Node]:
    found, stack = [], list(node.named_children)
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.named_children)
    return found


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
    if not _is_constant(args[0], match.data, callers=True):
        return True
    if match.text("package") == "syscall":
        return False
    return _shell_runs_built(args, match.data)


def _program_name(node: Node, data: bytes, depth: int = 0) -> str:
    """The file name of the program ``node`` names when it is a constant (``"/bin/sh"``, a
    local given one, ``exec.LookPath("bash")``); empty otherwise."""
    node = _element(node)
    if node.type in _STRINGS:
        return string_value(node, data).rsplit("/", 1)[-1]
    if depth > _MAX_DEPTH:
        return ""
    if node.type == "identifier":
        value = _last_binding(node, data)
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
            return not _is_constant(_element(command), data)
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
    if path is not None and not _is_constant(path, match.data, callers=True):
        return True
    argv = fields.get("Args")
    if argv is not None and argv.type == "identifier":
        argv = _last_binding(argv, match.data)
    if argv is None or argv.type != "composite_literal":
        return False
    items = argv.child_by_field_name("body")
    return items is not None and _shell_runs_built(items.named_children, match.data)


def _process_from_input(match: Match) -> bool:
    """`_struct_from_input` for an ``exec.Cmd`` literal, `_command_from_input` for a call."""
    if match.report.type == "composite_literal":
        return _struct_from_input(match)
    return _command_from_input(match)


def _password_input(match: Match) -> bool:
    return any(mentions_password(arg, match.data) for arg in arguments_of(match.report))


def _in_loop(match: Match) -> bool:
    """The ``defer`` sits in a ``for`` body of the same function (not in a closure)."""
    node: Node | None = match.report.parent
    while node is not None:
        if node.type == "for_statement":
            return True
        if node.type in ("func_literal", "function_declaration", "method_declaration"):
            return False
        node = node.parent
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
            " file passes a literal (a program name, not a shell command).\n\n"
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
            "These functions report failure only through their error result. Calling them as"
            " a statement, or assigning the error to `_` next to a value, goes on with a zero"
            " value or half-written data as if all went well (an unparsed config, a number"
            " that is silently 0, a server that never started listening).\n\n"
            "**Fix:** `if err := json.Unmarshal(b, &v); err != nil { return err }`; where"
            " ignoring is really intended, say so with `_ = f()` and a comment.\n\n"
            "Reference: CWE-252 (Unchecked Return Value); errcheck."
        ),
        references=("CWE-252",),
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
            " until the loop and the function finish, and can run out of descriptors.\n\n"
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
        message="`{fn}` is a fast hash: a leaked password hash is cracked in seconds",
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
)
