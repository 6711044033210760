"""The local rules for JavaScript and TypeScript (TSX included).

Patterns: ``queries/javascript/<rule-id>.scm``, which TypeScript and TSX read too (their trees
share those node types); JSX rules run on JavaScript and TSX only.
"""

from __future__ import annotations

import re
import typing

from peer_lsp.findings.model import Category, Severity
from peer_lsp.rules.assignments import enclosing_scope
from peer_lsp.rules.credentials import is_token_name, mentions_password
from peer_lsp.rules.grammar_nodes import name_of_target, statement_of, text
from peer_lsp.rules.html_sinks import safe_markup
from peer_lsp.rules.literals import is_built_string
from peer_lsp.rules.model import Edit, Match, Rule
from peer_lsp.rules.secret_sinks import key_is_hardcoded

if typing.TYPE_CHECKING:
    from collections.abc import Sequence


JS = ("javascript", "typescript", "tsx")
JSX = ("javascript", "tsx")
_S, _B, _M = Category.SECURITY, Category.BUG, Category.MAINTAINABILITY
_ERROR, _WARNING = Severity.ERROR, Severity.WARNING

_SANITIZED = re.compile(r"saniti[sz]e|escape|purify|DOMPurify|encodeHTML|xss", re.IGNORECASE)


def _not_sanitized(match: Match) -> bool:
    """The HTML is not passed through something that says it sanitizes or escapes."""
    value = match.node("value") or match.report
    return _SANITIZED.search(match.text(value)) is None


def _from_child_process(match: Match) -> bool:
    """The file uses child_process, and the callee is its exec (not RegExp.prototype.exec)."""
    if b"child_process" not in match.data:
        return False
    callee = match.node("callee")
    if callee is None:
        return False
    if callee.type == "identifier":
        return True
    obj = callee.child_by_field_name("object")
    name = match.text(obj) if obj is not None else ""
    return bool(re.search(r"child_?process|^cp$|^proc$", name, re.IGNORECASE)) or (
        "require(" in name and "child_process" in name
    )


def _shell_command(match: Match) -> bool:
    return _from_child_process(match) and is_built_string(match.report, match.grammar, match.data)


def _number_is_nan(match: Match) -> Sequence[Edit]:
    """``x === NaN`` → ``Number.isNaN(x)``; ``x !== NaN`` → ``!Number.isNaN(x)``."""
    report, other = match.report, match.node("other")
    assert other is not None
    negated = match.text("op") in ("!==", "!=")
    call = f"{'!' if negated else ''}Number.isNaN({match.text(other)})"
    return [Edit(report.start_byte, report.end_byte, call)]


_TYPEOF_RESULTS = frozenset(
    {"undefined", "object", "boolean", "number", "bigint", "string", "symbol", "function"}
)


def _invalid_typeof(match: Match) -> bool:
    value = match.text("report")[1:-1]
    return value not in _TYPEOF_RESULTS


def _password_input(match: Match) -> bool:
    data = match.node("input")
    return data is not None and mentions_password(data, match.data)


_TARGETS = frozenset(
    {"variable_declarator", "assignment_expression", "pair", "public_field_definition"}
    | {"field_definition", "return_statement", "augmented_assignment_expression"}
)
_STOP = frozenset(
    {"statement_block", "function_declaration", "arrow_function", "function_expression"}
    | {"method_definition", "program", "class_body"}
)


def _random_for_secret(match: Match) -> bool:
    """``Math.random()`` ends up in a token-like name, or a token-like function returns it."""
    node = statement_of(match.report, _TARGETS, _STOP)
    if node is None:
        return False
    if node.type == "return_statement":
        scope = enclosing_scope(node, match.grammar)
        name = scope.child_by_field_name("name")
        if name is None and scope.parent is not None:  # const makeToken = () => ...
            name = scope.parent.child_by_field_name("name")
        return name is not None and is_token_name(text(name, match.data))
    for field in ("name", "left", "key", "property"):
        target = node.child_by_field_name(field)
        if target is not None:
            return is_token_name(name_of_target(target, match.data))
    return False


def _remove_statement(match: Match) -> Sequence[Edit]:
    """Delete the statement and, when it stands alone, its whole line."""
    report, data = match.report, match.data
    start = data.rfind(b"\n", 0, report.start_byte) + 1
    end = data.find(b"\n", report.end_byte)
    end = len(data) if end < 0 else end + 1
    if data[start : report.start_byte].strip() or data[report.end_byte : end].strip():
        return [Edit(report.start_byte, report.end_byte, "")]
    return [Edit(start, end, "")]


def _unsafe_markup(match: Match) -> bool:
    """js-inner-html: not sanitized, and not markup that cannot carry script (Trusted Types,
    escaped substitutions, an inert ``<template>``: `peer_lsp.rules.html_sinks`)."""
    return _not_sanitized(match) and not safe_markup(match)


RULES: tuple[Rule, ...] = (
    Rule(
        id="js-eval",
        languages=JS,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="eval / new Function on a non-literal",
        message="`{fn}` runs code that is not a literal: if it can come from outside, it runs an"
        " attacker's code",
        explanation=(
            "`eval()`, `new Function()` and `setTimeout`/`setInterval` with a string compile"
            " and run text as code with the page's or the process's rights; a value that comes"
            " from a URL, a message or a user turns into script injection (XSS in a browser,"
            " remote code execution in Node).\n\n"
            "**Fix:** parse data with `JSON.parse()`, dispatch through a map of allowed"
            " functions, and pass functions, not strings, to timers.\n\n"
            "Reference: CWE-95 (Eval Injection)."
        ),
        references=("CWE-95",),
    ),
    Rule(
        id="js-inner-html",
        languages=JS,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="innerHTML / document.write with a non-literal",
        message="Markup built from a non-literal is written with `{sink}`: a `<script>` or"
        " `onerror=` in it runs (XSS)",
        explanation=(
            "Assigning to `innerHTML`/`outerHTML`, or calling `insertAdjacentHTML` or"
            " `document.write`, parses the string as HTML. If any part comes from a user, a"
            " URL or a server response, it can carry script (cross-site scripting).\n\n"
            "**Fix:** set `textContent` for text, build elements with `createElement`, or"
            " sanitize the markup first (`DOMPurify.sanitize(html)`).\n\n"
            "Reference: CWE-79 (Cross-site Scripting)."
        ),
        references=("CWE-79",),
        check=_unsafe_markup,
    ),
    Rule(
        id="js-dangerous-html",
        languages=JSX,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="dangerouslySetInnerHTML with a non-literal",
        message="`dangerouslySetInnerHTML` renders markup that is not a literal: sanitize it or"
        " render it as text",
        explanation=(
            "React escapes everything it renders except `dangerouslySetInnerHTML`, which"
            " inserts the `__html` string as markup. Content from users or an API can carry"
            " script (cross-site scripting).\n\n"
            "**Fix:** render the text as children (`<div>{text}</div>`), or sanitize the markup"
            " (`{__html: DOMPurify.sanitize(html)}`).\n\n"
            "Reference: CWE-79 (Cross-site Scripting)."
        ),
        references=("CWE-79",),
        check=_not_sanitized,
    ),
    Rule(
        id="js-shell-injection",
        languages=JS,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="child_process command built from interpolated input",
        message="A shell command is built from interpolated values: a `;` or `$(...)` in them"
        " runs other commands",
        explanation=(
            "`child_process.exec()`/`execSync()` (and `spawn` with `shell: true`) run the"
            " string through `/bin/sh`, which interprets `;`, `|`, `$(...)` and quotes inside"
            " the interpolated values.\n\n"
            '**Fix:** `execFile("git", ["log", branch])` or `spawn(cmd, args)` without a'
            " shell, with each argument as its own array element.\n\n"
            "Reference: CWE-78 (OS Command Injection)."
        ),
        references=("CWE-78",),
        check=_shell_command,
    ),
    Rule(
        id="js-tls-unverified",
        languages=JS,
        category=_S,
        severity=_ERROR,
        confidence=0.85,
        title="TLS certificate verification disabled",
        message="TLS certificate verification is turned off: anyone on the network path can"
        " read and change this traffic",
        explanation=(
            "`rejectUnauthorized: false`, `strictSSL: false` and"
            " `NODE_TLS_REJECT_UNAUTHORIZED=0` accept any certificate, so a man in the middle"
            " can impersonate the server.\n\n"
            "**Fix:** keep verification on; for a private CA pass it with `ca:` (or"
            " `NODE_EXTRA_CA_CERTS`).\n\n"
            "Reference: CWE-295 (Improper Certificate Validation)."
        ),
        references=("CWE-295",),
    ),
    Rule(
        id="js-hardcoded-secret",
        languages=JS,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="Hard-coded credential",
        message="A credential is written in the code (`{name}`): read it from the environment"
        " or a secret store",
        explanation=(
            "A password, API key or token in the source is readable by everyone with access to"
            " the repository, the bundle shipped to browsers and its history, and cannot be"
            " rotated without a release.\n\n"
            "**Fix:** read it at run time (`process.env.API_KEY`, a secrets manager); never"
            " ship server credentials to the browser. Rotate the value that was committed.\n\n"
            "Reference: CWE-798 (Use of Hard-coded Credentials)."
        ),
        references=("CWE-798",),
        check=key_is_hardcoded,
    ),
    Rule(
        id="js-weak-password-hash",
        languages=JS,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="Fast hash used for a password",
        message="A fast hash of a password is cracked in seconds if it leaks: use a password hash",
        explanation=(
            '`createHash("md5"|"sha1"|"sha256")` is built for speed: an attacker with the'
            " hashes tries billions of guesses per second.\n\n"
            "**Fix:** `crypto.scrypt()` / `crypto.scryptSync()` with a random salt, or"
            " bcrypt/argon2 packages.\n\n"
            "Reference: CWE-916 (Password Hash With Insufficient Computational Effort)."
        ),
        references=("CWE-916", "CWE-328"),
        check=_password_input,
    ),
    Rule(
        id="js-random-secret",
        languages=JS,
        category=_S,
        severity=_WARNING,
        confidence=0.75,
        title="Math.random used for a secret",
        message="`Math.random()` is predictable: use `crypto.randomUUID()` or"
        " `crypto.getRandomValues()` for tokens and keys",
        explanation=(
            "`Math.random()` is not a cryptographic generator: its state can be recovered from"
            " a few outputs, so tokens, passwords and reset codes made with it can be"
            " predicted.\n\n"
            "**Fix:** `crypto.randomUUID()`, `crypto.getRandomValues(new Uint8Array(32))`, or"
            ' Node\'s `crypto.randomBytes(32).toString("hex")`.\n\n'
            "Reference: CWE-338 (Use of Cryptographically Weak PRNG)."
        ),
        references=("CWE-338",),
        check=_random_for_secret,
    ),
    Rule(
        id="js-sql-format",
        languages=JS,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="SQL built by string interpolation",
        message="SQL built from interpolated values is passed to `{method}`: use placeholders",
        explanation=(
            "A template literal or `+` puts values straight into the SQL text, so a quote in"
            " them changes the statement (SQL injection).\n\n"
            '**Fix:** placeholders and a values array: `db.query("SELECT * FROM t WHERE id ='
            ' $1", [id])` (`?` for MySQL/SQLite), or a tagged template from your driver'
            " (`sql\\`...${id}\\``) that parameterizes for you.\n\n"
            "Reference: CWE-89 (SQL Injection)."
        ),
        references=("CWE-89",),
    ),
    Rule(
        id="js-nan-comparison",
        languages=JS,
        category=_B,
        severity=_ERROR,
        confidence=0.95,
        title="Comparison with NaN",
        message="Nothing equals `NaN`, not even `NaN`: `{report}` never changes; use"
        " `Number.isNaN()`",
        explanation=(
            "`NaN` is the only value that is not equal to itself, so `x === NaN` is always"
            " false and `x !== NaN` always true.\n\n"
            "**Fix:** `Number.isNaN(x)` (not the global `isNaN`, which converts its argument"
            " first).\n\n"
            "Reference: ESLint `use-isnan`."
        ),
        references=("https://eslint.org/docs/latest/rules/use-isnan",),
        fix=_number_is_nan,
        fix_title="Use `{new}`",
    ),
    Rule(
        id="js-invalid-typeof",
        languages=JS,
        category=_B,
        severity=_ERROR,
        confidence=0.95,
        title="typeof compared with an impossible string",
        message="`typeof` never returns {report}: the comparison is always false (a typo?)",
        explanation=(
            '`typeof` returns one of `"undefined"`, `"object"`, `"boolean"`,'
            ' `"number"`, `"bigint"`, `"string"`, `"symbol"` or `"function"`. Any'
            ' other string, such as `"undefind"` or `"null"`, never matches, so the branch'
            " is dead or always taken.\n\n"
            "**Fix:** correct the spelling; test `null` with `x === null`.\n\n"
            "Reference: ESLint `valid-typeof`."
        ),
        references=("https://eslint.org/docs/latest/rules/valid-typeof",),
        check=_invalid_typeof,
    ),
    Rule(
        id="js-debugger",
        languages=JS,
        category=_M,
        severity=_WARNING,
        confidence=0.9,
        title="debugger statement",
        message="A `debugger` statement is left in the code: it stops every user with the"
        " developer tools open",
        explanation=(
            "`debugger;` pauses execution whenever a debugger is attached. Left in shipped"
            " code it halts users' browsers with devtools open and reveals where the code was"
            " being debugged.\n\n"
            "**Fix:** remove it; use breakpoints in the debugger instead.\n\n"
            "Reference: ESLint `no-debugger`."
        ),
        references=("https://eslint.org/docs/latest/rules/no-debugger",),
        fix=_remove_statement,
        fix_title="Remove the debugger statement",
    ),
)
