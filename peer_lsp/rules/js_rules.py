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
from peer_lsp.rules.js_flow import (
    Origin,
    bindings_of,
    built_string,
    from_input,
    led_by_input,
    origin,
    scope_of,
    string_text,
)
from peer_lsp.rules.literals import is_built_string
from peer_lsp.rules.model import Edit, Match, Rule
from peer_lsp.rules.secret_sinks import key_is_hardcoded
from peer_lsp.rules.sql import looks_like_sql

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from tree_sitter import Node


JS = ("javascript", "typescript", "tsx")
JSX = ("javascript", "tsx")
_S, _B, _M = Category.SECURITY, Category.BUG, Category.MAINTAINABILITY
_ERROR, _WARNING = Severity.ERROR, Severity.WARNING

_SANITIZED = re.compile(r"saniti[sz]e|escape|purify|DOMPurify|encodeHTML|xss", re.IGNORECASE)


def _not_sanitized(match: Match) -> bool:
    """The HTML is not made only of constants (local names followed to their values) and is
    not passed through something that says it sanitizes or escapes."""
    value = match.node("value") or match.report
    if origin(value, match.data) is Origin.LITERAL:
        return False
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


_SHELLS = re.compile(r"^(?:.*/)?(?:sh|bash|zsh|dash|ksh|cmd(?:\.exe)?|powershell(?:\.exe)?|pwsh)$")


def _shell_command(match: Match) -> bool:
    """child_process's exec of a built string; or a shell program (``sh``, ``bash``, a name
    holding one) given an argument array with an element that is not a constant."""
    if not _from_child_process(match):
        return False
    program = match.node("program")
    if program is None:
        return is_built_string(match.report, match.grammar, match.data)
    if not _SHELLS.match(_constant_text(program, match.data)):
        return False
    return any(
        origin(element, match.data) is not Origin.LITERAL
        for element in match.report.named_children
        if element.type != "comment"
    )


def _constant_text(node: Node, data: bytes) -> str:
    """The text of a string literal, or of the one string a local name was given."""
    if node.type == "identifier":
        values = [b.value for b in bindings_of(node, data) if b.value is not None]
        if len(values) != 1:
            return ""
        node = values[0]
    if node.type != "string":
        return ""
    return text(node, data)[1:-1]


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


_GENERATORS = re.compile(r"(?:compile|generate|codegen|transpile|transform)\w*$", re.IGNORECASE)
"""A call named so makes code: its result is the module's own output, not input."""


def _code_not_constant(match: Match) -> bool:
    """The code is not made only of constants (local names followed to their values), and
    is not one of the three cases where the code is not the outside's: a ``Function``
    constructed and thrown away (a syntax check, nothing runs); a wrapper that passes on
    its own parameters (``new Function(...args)``: its caller chooses the code); code
    produced by the module's own compiler (``const { code } = compile(template)``), unless
    it comes from the request."""
    code = match.node("code")
    if code is None:
        return True
    if origin(code, match.data) is Origin.LITERAL:
        return False
    if match.text("fn") != "Function":
        return not _generated(code, match.data)
    report = match.report
    arguments = [a for a in report.named_children if a.type == "arguments"]
    if report.parent is not None and report.parent.type == "expression_statement":
        return False
    last = arguments[0].named_children[-1] if arguments and arguments[0].named_children else code
    return not _forwards_parameters(report, last, match.data) and not _generated(last, match.data)


def _forwards_parameters(call: Node, code: Node, data: bytes) -> bool:
    """``code`` is ``...args`` where ``args`` is only ever a parameter of a function around
    the call (or ``...arguments``)."""
    if code.type != "spread_element" or code.named_child_count != 1:
        return False
    name = code.named_children[0]
    if name.type != "identifier":
        return False
    if text(name, data) == "arguments":
        return True
    found = bindings_of(name, data)
    return bool(found) and all(
        b.value is None and b.node.type == "formal_parameters" for b in found
    )


def _generated(code: Node, data: bytes) -> bool:
    """Every value of ``code`` (a local name) is the result of a code generator's call
    (``compile(...)``, ``generate(ast)``), or a property of one (``const { code } =
    compile(...)``), and none comes from the request."""
    if code.type != "identifier" or from_input(code, data):
        return False
    values = [b.value for b in bindings_of(code, data)]
    if not values:
        return False
    for given in values:
        value = given
        while value is not None and value.type in ("member_expression", "await_expression"):
            value = value.named_children[0]
        if value is None or value.type != "call_expression":
            return False
        function = value.child_by_field_name("function")
        name = text(function, data).rsplit(".", 1)[-1] if function is not None else ""
        if not _GENERATORS.match(name):
            return False
    return True


def _sql_built(match: Match) -> bool:
    """SQL text built at run time (``+``, ``+=``, template, ``concat``, ``util.format``),
    directly or in the local names it is made of."""
    value = match.report
    return built_string(value, match.data) and looks_like_sql(string_text(value, match.data))


def _url_led_by_input(match: Match) -> bool:
    """The URL's start (scheme and host) comes from the request."""
    return led_by_input(match.report, match.data)


_NOT_HTML = re.compile(
    r"""(?:Content-Type['"]\s*,\s*['"](?!text/html))|\.type\(\s*['"](?!html)""", re.IGNORECASE
)


def _html_from_input(match: Match) -> bool:
    """The body sent holds request input, is not an object (sent as JSON), and the handler
    does not declare a content type other than HTML."""
    body = match.report
    if body.type in ("object", "array"):
        return False
    if not from_input(body, match.data):
        return False
    return _NOT_HTML.search(match.text(scope_of(body))) is None


def _vm_from_input(match: Match) -> bool:
    """The code or the context handed to ``vm`` (or vm2, sandbox) holds request input; for
    ``x.run(...)``, ``x`` is a ``new VM``/``NodeVM``/``Sandbox`` (directly or by name)."""
    call = match.node("call")
    receiver = match.node("receiver")
    if call is None or (receiver is not None and not _is_sandbox(receiver, match.data)):
        return False
    arguments = call.child_by_field_name("arguments")
    return arguments is not None and any(
        from_input(argument, match.data) for argument in arguments.named_children
    )


_SANDBOXES = frozenset({"VM", "NodeVM", "Sandbox"})


def _is_sandbox(node: Node, data: bytes) -> bool:
    """``new VM(...)`` / ``new NodeVM(...)`` / ``new Sandbox(...)``, or a name given one."""
    if node.type == "identifier":
        return any(
            b.value is not None and _is_sandbox(b.value, data) for b in bindings_of(node, data)
        )
    while node.type in ("parenthesized_expression", "await_expression") and node.named_children:
        node = node.named_children[0]
    if node.type != "new_expression":
        return False
    constructor = node.child_by_field_name("constructor")
    return constructor is not None and text(constructor, data) in _SANDBOXES


_PATH_CLEANERS = re.compile(r"^replace(All)?$")
"""A ``replace`` of the input is taken as the removal of ``..`` segments."""
_FILE_SINKS = re.compile(r"^(sendFile|sendfile|download)$|^(fs|fsp|fse|fsPromises)\.")


def _path_from_input(match: Match) -> bool:
    """A path part comes from the request, and (for ``path.join``) the joined path is not
    itself handed straight to a file sink reported on its own."""
    parts = match.node("parts")
    if parts is None:
        return from_input(match.report, match.data, _PATH_CLEANERS)
    outer = match.report.parent
    call = outer.parent if outer is not None and outer.type == "arguments" else None
    function = call.child_by_field_name("function") if call is not None else None
    if function is not None and function.type == "member_expression":
        prop = function.child_by_field_name("property")
        obj = function.child_by_field_name("object")
        if prop is not None and obj is not None:
            name = f"{match.text(obj)}.{match.text(prop)}"
            if _FILE_SINKS.search(match.text(prop)) or _FILE_SINKS.search(name):
                return False
    if _checked_later(match):
        return False
    return any(from_input(part, match.data, _PATH_CLEANERS) for part in parts.named_children[1:])


def _checked_later(match: Match) -> bool:
    """``const full = path.join(base, name)`` and later ``full.startsWith(base)`` (or
    ``indexOf``) in the same function: the joined path is checked before use."""
    declarator = match.report.parent
    if declarator is None or declarator.type != "variable_declarator":
        return False
    name = declarator.child_by_field_name("name")
    if name is None or name.type != "identifier":
        return False
    after = match.data[declarator.end_byte : scope_of(declarator).end_byte]
    pattern = re.escape(match.text(name)) + r"\s*\.\s*(startsWith|indexOf)\s*\("
    return re.search(pattern.encode(), after) is not None


def _template_from_input(match: Match) -> bool:
    """The template text itself holds request input."""
    return from_input(match.report, match.data)


_SERIALIZERS = re.compile(r"""^require\(\s*['"](node-serialize|serialize-to-js)['"]\s*\)$""")


def _from_serializer(match: Match) -> bool:
    """The receiver is ``require("node-serialize")`` (or serialize-to-js), by a local name or
    an ``import`` of the file."""
    module = match.node("module")
    if module is None:
        return False
    for binding in bindings_of(module, match.data):
        if binding.value is not None and _SERIALIZERS.match(
            "".join(match.text(binding.value).split())
        ):
            return True
    name = re.escape(match.text(module))
    imported = (
        rf"""import\s+(?:\*\s+as\s+)?{name}\s+from\s+['"](?:node-serialize|serialize-to-js)['"]"""
    )
    return re.search(imported.encode(), match.data) is not None


_COOKIE_CALLS = re.compile(r"(^|\.)(session|cookieSession|cookie|expressSession)$")


def _in_cookie_options(match: Match) -> bool:
    """The flag sits in cookie options: under a ``cookie:`` key, or in the options object of
    ``session(...)``, ``cookieSession(...)`` or ``res.cookie(...)``."""
    pair = match.report.parent
    options = pair.parent if pair is not None else None
    holder = options.parent if options is not None else None
    if holder is None:
        return False
    if holder.type == "pair":
        key = holder.child_by_field_name("key")
        return key is not None and match.text(key).strip("'\"") == "cookie"
    if holder.type == "arguments" and holder.parent is not None:
        function = holder.parent.child_by_field_name("function")
        return function is not None and bool(_COOKIE_CALLS.search(match.text(function)))
    return False


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
            " remote code execution in Node). Not reported: a `new Function` built and"
            " thrown away (a syntax check), a wrapper passing on its own parameters"
            " (`new Function(...args)`), and code made by the module's own compiler"
            " (`const { code } = compile(template)`) when no request input reaches it.\n\n"
            "**Fix:** parse data with `JSON.parse()`, dispatch through a map of allowed"
            " functions, and pass functions, not strings, to timers.\n\n"
            "Reference: CWE-95 (Eval Injection)."
        ),
        references=("CWE-95",),
        check=_code_not_constant,
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
        check=_sql_built,
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
    Rule(
        id="js-open-redirect",
        languages=JS,
        category=_S,
        severity=_WARNING,
        confidence=0.8,
        title="Redirect to a URL from the request",
        message="The redirect target starts with request input: a link to this page can send"
        " users to any site",
        explanation=(
            "`res.redirect(req.query.next)` sends the browser wherever the request says, and"
            " so does `location.href = ` a value read from the page's own URL"
            " (`location.search`, `location.hash`). An attacker mails a link to your trusted"
            " domain that bounces the victim to a look-alike login page (phishing) or a"
            " `javascript:` URL.\n\n"
            "**Fix:** redirect only to relative paths you recognise (check that the value starts"
            " with a single `/` and not `//`), or look the destination up in a list of allowed"
            " URLs.\n\n"
            "Reference: CWE-601 (URL Redirection to Untrusted Site)."
        ),
        references=("CWE-601",),
        check=_url_led_by_input,
    ),
    Rule(
        id="js-ssrf",
        languages=JS,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="HTTP request to a URL from the request (SSRF)",
        message="The server fetches a URL whose host comes from the request: an attacker can"
        " reach internal services through it",
        explanation=(
            "When the scheme and host of a server-side request come from the client"
            ' (`fetch(req.query.url)`, `axios.get("https://" + req.body.host)`), the'
            " server can be made to call internal addresses, cloud metadata endpoints"
            " (`169.254.169.254`) or other hosts behind the firewall, with its own network"
            " position and credentials (server-side request forgery).\n\n"
            "**Fix:** keep the host fixed in the code and put only checked values in the path"
            " or query, or compare the parsed URL's host with a list of allowed hosts.\n\n"
            "Reference: CWE-918 (Server-Side Request Forgery)."
        ),
        references=("CWE-918",),
        check=_url_led_by_input,
    ),
    Rule(
        id="js-xss-response",
        languages=JS,
        category=_S,
        severity=_ERROR,
        confidence=0.75,
        title="Request input written into an HTML response",
        message="Request input is sent back in the response body without escaping: a"
        " `<script>` in it runs in the user's browser (XSS)",
        explanation=(
            '`res.send("<h1>Hello " + req.query.name)` and `res.write(...)` send text that'
            " Express serves as `text/html`: markup in the input is parsed by the browser, so a"
            " crafted link runs script in your site's origin (reflected cross-site scripting)."
            "\n\n"
            "**Fix:** render through a template engine that escapes (`res.render`), escape the"
            " value (`escape-html`, `xss`), or send it as JSON (`res.json(...)`) or plain"
            ' text (`res.type("text")`).\n\n'
            "Reference: CWE-79 (Cross-site Scripting)."
        ),
        references=("CWE-79",),
        check=_html_from_input,
    ),
    Rule(
        id="js-code-injection",
        languages=JS,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="Node vm / vm2 / sandbox runs code or a context built from request input",
        message="`{callee}` runs with request input in its code or context: `vm` and its"
        " wrappers are no sandbox",
        explanation=(
            "`vm.runInNewContext`, `vm.runInContext`, `vm.runInThisContext`,"
            " `vm.compileFunction` and `new vm.Script` compile and run JavaScript, and so do"
            " vm2 (`new VM().run`, `NodeVM`, `VMScript`) and `sandbox`. Node documents that"
            " `vm` is not a security mechanism, and vm2 is discontinued after repeated escapes:"
            " code that reaches them, or objects put in their context, can escape to the"
            ' process (`this.constructor.constructor("return process")()`), so request input'
            " there means remote code execution.\n\n"
            "**Fix:** do not run code from users; evaluate data with `JSON.parse` or a parser"
            " for the small language you need, and pass values, not code, between"
            " components.\n\n"
            "Reference: CWE-94 (Code Injection)."
        ),
        references=("CWE-94",),
        check=_vm_from_input,
    ),
    Rule(
        id="js-path-traversal",
        languages=JS,
        category=_S,
        severity=_ERROR,
        confidence=0.75,
        title="File path built from request input",
        message="A file path is built from request input: `../` in it reaches files outside"
        " the intended folder",
        explanation=(
            "`path.join(base, req.params.file)`, `res.sendFile(req.query.path)` and `fs.*`"
            " calls with a path from the request resolve `..` segments and absolute paths, so"
            " a client can read or overwrite any file the process can (`../../etc/passwd`)."
            "\n\n"
            "**Fix:** take the base name (`path.basename`), or resolve the path and check that"
            " it still starts with the base folder; for `res.sendFile` pass `{ root: folder }`"
            " and a relative name.\n\n"
            "Reference: CWE-22 (Path Traversal)."
        ),
        references=("CWE-22",),
        check=_path_from_input,
    ),
    Rule(
        id="js-template-injection",
        languages=JS,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="Template compiled from request input",
        message="`{callee}` compiles a template that holds request input: template syntax in it"
        " runs on the server",
        explanation=(
            "Template engines (Pug, EJS, Handlebars, Nunjucks, doT, lodash `template`...)"
            " turn the template text into code. When that text comes from the request, its"
            " expressions run on the server with its rights (server-side template injection,"
            " often remote code execution), and nothing in it is escaped.\n\n"
            "**Fix:** keep templates in files or constants and pass the user's values as data:"
            ' `ejs.render(TEMPLATE, { name: req.query.name })`, `res.render("page", data)`.'
            "\n\n"
            "Reference: CWE-1336 (Improper Neutralization of Special Elements Used in a"
            " Template Engine)."
        ),
        references=("CWE-1336", "CWE-94"),
        check=_template_from_input,
    ),
    Rule(
        id="js-weak-cipher",
        languages=JS,
        category=_S,
        severity=_WARNING,
        confidence=0.85,
        title="Broken or deprecated cipher",
        message="`{report}` uses a broken cipher mode or derives its key without salt or IV:"
        " the data can be read or forged",
        explanation=(
            "`crypto.createCipher()`/`createDecipher()` derive the key from the password with"
            " one round of MD5 and no salt, and use no IV, so equal messages give equal"
            " ciphertexts (removed in Node 22). DES, 3DES, RC2, RC4 and Blowfish are broken or"
            " have 64-bit blocks, and ECB mode shows the patterns of the plaintext.\n\n"
            '**Fix:** `crypto.createCipheriv("aes-256-gcm", key, iv)` with a random 12-byte'
            " IV per message and a key from `crypto.scrypt()`, keeping the auth tag.\n\n"
            "Reference: CWE-327 (Use of a Broken or Risky Cryptographic Algorithm)."
        ),
        references=("CWE-327",),
    ),
    Rule(
        id="js-unsafe-deserialization",
        languages=JS,
        category=_S,
        severity=_ERROR,
        confidence=0.85,
        title="node-serialize / serialize-to-js deserializing data",
        message="`{module}.{method}` evaluates functions embedded in the data: if it comes from"
        " outside, it runs the sender's code",
        explanation=(
            "`node-serialize`'s `unserialize()` and `serialize-to-js`'s `deserialize()`"
            " rebuild functions with `eval`, so a crafted value (`_$$ND_FUNC$$_function(){...}()`)"
            " runs code as soon as it is deserialized (CVE-2017-5941).\n\n"
            "**Fix:** exchange data as JSON (`JSON.parse`) and rebuild objects explicitly;"
            " never deserialize functions from outside.\n\n"
            "Reference: CWE-502 (Deserialization of Untrusted Data)."
        ),
        references=("CWE-502",),
        check=_from_serializer,
    ),
    Rule(
        id="js-cookie-insecure",
        languages=JS,
        category=_S,
        severity=_WARNING,
        confidence=0.85,
        title="Cookie sent without Secure or HttpOnly",
        message="`{flag}: false` in cookie options: the cookie is sent over plain HTTP or"
        " readable by page scripts",
        explanation=(
            "A session cookie without `Secure` travels in clear text over any `http://`"
            " request, and one without `HttpOnly` can be read by any script on the page, so a"
            " single XSS steals the session.\n\n"
            '**Fix:** `cookie: { secure: true, httpOnly: true, sameSite: "lax" }` (behind'
            ' a proxy, also `app.set("trust proxy", 1)`); for local development, set'
            " `secure` from the environment rather than to `false`.\n\n"
            "Reference: CWE-614 (Sensitive Cookie Without 'Secure' Attribute), CWE-1004"
            " (Sensitive Cookie Without 'HttpOnly' Flag)."
        ),
        references=("CWE-614", "CWE-1004"),
        check=_in_cookie_options,
    ),
)
