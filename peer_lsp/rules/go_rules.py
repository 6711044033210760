"""The local rules for Go. Patterns: ``queries/go/<rule-id>.scm``."""

from __future__ import annotations

import itertools
import typing

from peer_lsp.findings.model import Category, Severity
from peer_lsp.rules.assignments import enclosing_scope
from peer_lsp.rules.credentials import is_token_name, mentions_password
from peer_lsp.rules.grammar_nodes import arguments_of, name_of_target, statement_of, text
from peer_lsp.rules.literals import is_built_string, string_value
from peer_lsp.rules.model import Match, Rule

if typing.TYPE_CHECKING:
    from tree_sitter import Node

GO = ("go",)
_S, _B = Category.SECURITY, Category.BUG
_ERROR, _WARNING = Severity.ERROR, Severity.WARNING

_SHELLS = frozenset({"sh", "bash", "zsh", "ksh", "dash", "cmd", "cmd.exe", "powershell", "pwsh"})


def _shell_with_built_command(match: Match) -> bool:
    """``exec.Command("sh", "-c", cmd)`` where ``cmd`` is built at run time."""
    args = arguments_of(match.report)
    if match.text("fn") == "CommandContext":
        args = args[1:]
    if len(args) < 3 or args[0].type != "interpreted_string_literal":
        return False
    shell = string_value(args[0], match.data).rsplit("/", 1)[-1]
    if shell not in _SHELLS:
        return False
    for flag, command in itertools.pairwise(args[1:]):
        if string_value(flag, match.data) in ("-c", "/c", "/C", "-Command"):
            return is_built_string(command, match.grammar, match.data)
    return False


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
        title="Shell command built from interpolated input",
        message="`sh -c` runs a command built at run time: a `;` or `$(...)` in it runs other"
        " commands",
        explanation=(
            '`exec.Command("sh", "-c", cmd)` hands `cmd` to a shell, which interprets'
            " `;`, `|`, `$(...)` and quotes in the values that were formatted into it.\n\n"
            "**Fix:** run the program directly with one argument per value:"
            ' `exec.Command("git", "log", branch)`.\n\n'
            "Reference: CWE-78 (OS Command Injection)."
        ),
        references=("CWE-78",),
        check=_shell_with_built_command,
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
