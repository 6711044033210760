"""The local rules for C and C++. Patterns: ``queries/c/<rule-id>.scm`` (C++ reads C's)."""

from __future__ import annotations

import re
import typing

from peer_lsp.findings.model import Category, Severity
from peer_lsp.rules.grammar_nodes import arguments_of
from peer_lsp.rules.literals import is_literal, string_value
from peer_lsp.rules.model import Match, Rule

if typing.TYPE_CHECKING:
    from tree_sitter import Node

C = ("c", "cpp")
_S, _B = Category.SECURITY, Category.BUG
_ERROR, _WARNING = Severity.ERROR, Severity.WARNING

_FORMAT_POSITION = {
    "printf": 0,
    "fprintf": 1,
    "dprintf": 1,
    "sprintf": 1,
    "snprintf": 2,
    "syslog": 1,
    "wprintf": 0,
    "fwprintf": 1,
    "swprintf": 2,
    "vprintf": 0,
    "vfprintf": 1,
    "vdprintf": 1,
    "vsprintf": 1,
    "vsnprintf": 2,
}
_CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
"""An ALL_CAPS name: by C convention a macro or an enum constant, not data."""
_COPIES = frozenset({"strcpy", "strncpy", "strcat", "strncat", "memcpy", "memmove", "stpcpy"})
_TRANSLATIONS = frozenset({"_", "N_", "gettext", "dgettext", "ngettext", "dcgettext", "tr", "i18n"})


def _format_is_data(match: Match) -> bool:
    """The format argument is not a literal (nor a translated literal, nor a macro that
    names one) and is either the last argument or comes from the program's arguments
    (``argv[1]``, or a buffer ``strcpy``'d from it before in the function)."""
    args = arguments_of(match.report)
    position = _FORMAT_POSITION.get(match.text("fn"))
    if position is None or len(args) <= position:
        return False
    if position and args[0].type in ("string_literal", "concatenated_string"):
        return False  # sprintf("...", x): not the libc function (it cannot write a literal)
    fmt = args[position]
    if is_literal(fmt, match.grammar) or _names_literal(fmt, match):
        return False
    last = len(args) == position + 1 and not match.text("fn").startswith("v")
    if not last and not _from_argv(fmt, match):
        return False  # printf(fmt, x) in a wrapper: the format is the caller's
    if fmt.type == "call_expression":
        function = fmt.child_by_field_name("function")
        if function is not None and match.text(function) in _TRANSLATIONS:
            return False
    return fmt.type != "conditional_expression" or not all(
        is_literal(branch, match.grammar)
        for branch in (
            fmt.child_by_field_name("consequence"),
            fmt.child_by_field_name("alternative"),
        )
        if branch is not None
    )


def _names_literal(node: Node, match: Match) -> bool:
    """``node`` is an ALL_CAPS name (a macro or enum constant by C convention), or a name the
    file ``#define``s as a string literal."""
    if node.type != "identifier":
        return False
    name = match.text(node)
    if _CONSTANT_NAME.match(name):
        return True
    pattern = re.compile(rb"#\s*define\s+" + re.escape(name.encode()) + rb'\s+(?:\w+\s*)*"')
    return pattern.search(match.data) is not None


def _from_argv(node: Node, match: Match) -> bool:
    """``node`` is ``argv[i]``, or a local buffer that a ``strcpy``-like call (or an
    assignment) filled from ``argv[i]`` earlier in the function."""
    if node.type == "subscript_expression":
        argument = node.child_by_field_name("argument")
        return argument is not None and match.text(argument) == "argv"
    if node.type != "identifier":
        return False
    name = match.text(node)
    function = node.parent
    while function is not None and function.type != "function_definition":
        function = function.parent
    if function is None:
        return False
    stack = [function]
    while stack:
        current = stack.pop()
        stack.extend(current.named_children)
        if current.end_byte <= node.start_byte and _fills_from_argv(current, name, match):
            return True
    return False


def _fills_from_argv(node: Node, name: str, match: Match) -> bool:
    """``node`` copies ``argv[i]`` into the buffer ``name`` (``strcpy(name, argv[1])``) or
    points ``name`` at it (``name = argv[1]``)."""
    if node.type == "call_expression":
        callee = node.child_by_field_name("function")
        args = arguments_of(node)
        return (
            callee is not None
            and match.text(callee) in _COPIES
            and len(args) >= 2
            and match.text(args[0]) == name
            and _from_argv(args[1], match)
        )
    if node.type not in ("assignment_expression", "init_declarator"):
        return False
    left = node.child_by_field_name("left") or node.child_by_field_name("declarator")
    right = node.child_by_field_name("right") or node.child_by_field_name("value")
    return (
        left is not None
        and right is not None
        and match.text(left).lstrip("*") == name
        and right.type == "subscript_expression"
        and _from_argv(right, match)
    )


_CONVERSION = re.compile(r"%(%|([-+ #0'*]*)(\d*)(\.\d+|\.\*)?(?:hh|ll|[hlLqjzt])?([a-zA-Z\[]))")
"""One conversion of a printf/scanf format: ``%%``, or flags, width, precision and type."""


def _conversions(value: str) -> list[tuple[str, str, str, str]]:
    """(flags, width, precision, type) of each conversion, ``%%`` left out."""
    return [
        (m.group(2), m.group(3), m.group(4) or "", m.group(5))
        for m in _CONVERSION.finditer(value)
        if m.group(1) != "%"
    ]


def _unbounded_scan(match: Match) -> bool:
    """A ``%s`` or ``%[`` without a width (``*`` assigns nothing, so it is harmless)."""
    fmt = match.node("report")
    if fmt is None or fmt.type != "string_literal":
        return False
    return any(
        kind in ("s", "[") and not width and "*" not in flags
        for flags, width, _, kind in _conversions(string_value(fmt, match.data))
    )


def _unbounded_sprintf(match: Match) -> bool:
    """sprintf/vsprintf whose format has a ``%s`` without a precision (``%.20s``)."""
    fmt = match.node("format")
    if fmt is None or fmt.type != "string_literal":
        return False
    return any(
        kind == "s" and not precision
        for _, _, precision, kind in _conversions(string_value(fmt, match.data))
    )


def _copies_data(match: Match) -> bool:
    if match.text("fn") in ("sprintf", "vsprintf"):
        return _unbounded_sprintf(match)
    source = match.node("source")
    return source is not None and not is_literal(source, match.grammar)


def _same_pointer(match: Match) -> bool:
    target, pointer = match.node("target"), match.node("pointer")
    if target is None or pointer is None:
        return False
    return "".join(match.text(target).split()) == "".join(match.text(pointer).split())


RULES: tuple[Rule, ...] = (
    Rule(
        id="c-gets",
        languages=C,
        category=_S,
        severity=_ERROR,
        confidence=0.95,
        title="gets()",
        message="`gets` cannot limit what it reads: any long line overflows the buffer",
        explanation=(
            "`gets()` writes a whole input line into the buffer whatever its size, so every"
            " caller has a buffer overflow that input controls. It was removed from C11.\n\n"
            "**Fix:** `fgets(buf, sizeof buf, stdin)` (and strip the newline), or `getline()`."
            "\n\nReference: CWE-242 (Use of Inherently Dangerous Function), CWE-120."
        ),
        references=("CWE-242", "CWE-120"),
    ),
    Rule(
        id="c-unbounded-copy",
        languages=C,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="Unbounded string copy",
        message="`{fn}` copies without knowing the destination's size: a longer source"
        " overflows it",
        explanation=(
            "`strcpy`, `strcat`, `stpcpy` (and `sprintf`/`vsprintf` with `%s`) write until the"
            " source's terminator, whatever room the destination has. With a source that is"
            " not a constant, its length is up to the data: a classic buffer overflow.\n\n"
            '**Fix:** `snprintf(dst, sizeof dst, "%s", src)`, `strlcpy`/`strlcat` where'
            " available, or check `strlen(src) < sizeof dst` first; in C++ use"
            " `std::string`.\n\n"
            "Reference: CWE-120 (Buffer Copy without Checking Size of Input)."
        ),
        references=("CWE-120",),
        check=_copies_data,
    ),
    Rule(
        id="c-format-string",
        languages=C,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="Format string from data",
        message="The format of `{fn}` is not a literal: a `%n` or `%s` in the data reads or"
        " writes memory",
        explanation=(
            "When the format string is data (`printf(msg)`), conversions in it are obeyed:"
            " `%s`/`%x` leak stack memory and `%n` writes to it. Attackers who control the"
            " text control the process. Reported when the format is the last argument, or"
            " comes from `argv` (directly or copied into a buffer) whatever follows it."
            " Literals, translated literals, macros `#define`d as literals and ALL_CAPS names"
            " are constant formats.\n\n"
            '**Fix:** `printf("%s", msg)` or `fputs(msg, stdout)`.\n\n'
            "Reference: CWE-134 (Use of Externally-Controlled Format String)."
        ),
        references=("CWE-134",),
        check=_format_is_data,
    ),
    Rule(
        id="c-command-injection",
        languages=C,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="system/popen with a command that is not a literal",
        message="`{fn}` runs the string through a shell: values in it can run other commands",
        explanation=(
            "`system()` and `popen()` hand the string to `/bin/sh`, which interprets `;`, `|`,"
            " `$(...)` and quotes. A command assembled from data (with `sprintf`, `strcat`)"
            " runs whatever the data says.\n\n"
            "**Fix:** `fork()` + `execvp()` (or `posix_spawnp()`) with an argument vector, and"
            " no shell.\n\n"
            "Reference: CWE-78 (OS Command Injection)."
        ),
        references=("CWE-78",),
    ),
    Rule(
        id="c-insecure-tempfile",
        languages=C,
        category=_S,
        severity=_WARNING,
        confidence=0.9,
        title="Insecure temporary file name",
        message="`{fn}` returns a name another process can take first: use `mkstemp`",
        explanation=(
            "`tmpnam`, `tempnam` and `mktemp` only make up a name. Between that and `open()`,"
            " another process can create the file or a symlink there, and the program writes"
            " where the attacker wants.\n\n"
            "**Fix:** `int fd = mkstemp(template);` (or `tmpfile()`), which creates and opens"
            " atomically.\n\n"
            "Reference: CWE-377 (Insecure Temporary File)."
        ),
        references=("CWE-377",),
    ),
    Rule(
        id="c-scanf-unbounded",
        languages=C,
        category=_S,
        severity=_ERROR,
        confidence=0.85,
        title="scanf %s without a width",
        message="`%s` without a width reads any number of characters into the buffer",
        explanation=(
            "A `%s` or `%[` conversion in `scanf`/`fscanf`/`sscanf` stores a whole word"
            " however long it is, overflowing the destination buffer.\n\n"
            '**Fix:** give the width, one less than the buffer: `scanf("%63s", name)` for'
            " `char name[64]`; or read lines with `fgets` and parse them.\n\n"
            "Reference: CWE-120 (Buffer Copy without Checking Size of Input)."
        ),
        references=("CWE-120",),
        check=_unbounded_scan,
    ),
    Rule(
        id="c-realloc-leak",
        languages=C,
        category=_B,
        severity=_WARNING,
        confidence=0.8,
        title="realloc result assigned to its own argument",
        message="If `realloc` fails, `{target}` becomes NULL and the old block leaks",
        explanation=(
            "`realloc` returns NULL on failure and leaves the old block allocated. `p ="
            " realloc(p, n)` overwrites the only pointer to it: the memory leaks, and the next"
            " use of `p` dereferences NULL.\n\n"
            "**Fix:** `void *tmp = realloc(p, n); if (!tmp) { /* handle */ } p = tmp;`.\n\n"
            "Reference: CWE-401 (Missing Release of Memory after Effective Lifetime)."
        ),
        references=("CWE-401",),
        check=_same_pointer,
    ),
    Rule(
        id="c-assignment-in-condition",
        languages=C,
        category=_B,
        severity=_WARNING,
        confidence=0.8,
        title="Assignment used as a condition",
        message="`{report}` assigns; did you mean `==`? (write `((...))` if the assignment is"
        " meant)",
        explanation=(
            "`if (x = 5)` stores 5 in `x` and is always true; it is nearly always a mistyped"
            " `==`. Compilers warn (`-Wparentheses`) and accept double parentheses as the sign"
            " that the assignment is intended.\n\n"
            "**Fix:** `if (x == 5)`, or `if ((c = next()))` when the assignment is meant.\n\n"
            "Reference: CWE-481 (Assigning instead of Comparing)."
        ),
        references=("CWE-481",),
    ),
)
