"""Syntax errors as findings: tree-sitter's ERROR and MISSING nodes, in readable words.

Grammars also report errors on code that compiles (C's macros, some TypeScript types), so
what is shown follows a per-language policy (`SyntaxMode`): every error, or only those an
edit introduced, or none.

Three more kinds of error are not the code's, found judging findings on real code (docs/
benchmarks.md, issue 16's third round):

- A template saved under its output's extension (a Go template as ``common.css``, a Helm
  chart's ``.yaml``, a Jinja ``.html``) is not the language its name says: where an error
  starts inside a template action (``{{ ... }}``, ``{% ... %}``, ``<% ... %>``) of a file of
  such a grammar that has at least two of them when it is opened (`looks_like_template`),
  the file is judged as one whose compiler accepted it: under ``auto``, only the errors an
  edit brings in are shown (`SyntaxMode.INTRODUCED`). ``{{ ... }}`` is also a Go or C
  composite literal and a JSX style object, so Go, C and the like are never templates, and
  in JavaScript an action holding a ``:`` is not one.
- Where a grammar is known to reject valid code, narrowly (`grammar_fault`): a bare ``>`` in
  HTML text (valid HTML; tree-sitter-html takes every ``>`` for the end of a tag), and a
  Dockerfile ``RUN``/``CMD``/``ENTRYPOINT`` whose shell command starts with the ``[`` test
  command (``RUN [ -f x ] && ...``): Docker reads an argument that is not a JSON array as a
  shell command, but the grammar insists on the JSON form once it sees ``[``; and a
  Makefile's escaped dollar ``$$(``, which tree-sitter-make reads as a variable reference.
- Test data (`peer_lsp.rules.test_paths.is_test_data_path`: ``testdata/``, ``fixtures/``, a
  ``*data`` folder inside a test folder) holds invalid code on purpose (go/types' test files,
  tomllib's invalid TOML): under ``testCode`` ``hint`` its syntax errors are hints, as its
  rule findings are (``off``: not shown; ``normal``: errors), whether the file was opened
  with them or an edit brought them, so that a document's findings are those of its text.
  A test module itself (``tests/test_app.py``) is code that should compile: its errors stay
  errors, or a broken test file would pass ``peer check`` unnoticed.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import functools
import hashlib
import logging
import re
import shutil
import subprocess
import typing
import warnings
from dataclasses import dataclass

from peer_lsp.findings.model import Category, Finding, Occurrences, Severity, Span, fingerprint
from peer_lsp.rules.config import TEST_CODE_HINT, TEST_CODE_NORMAL
from peer_lsp.rules.test_paths import is_test_data_path
from peer_lsp.syntax.errors import error_nodes

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from tree_sitter import Node

    from peer_lsp.documents.store import Document

log = logging.getLogger(__name__)

RULE_ID = "syntax-error"
MAX_SYNTAX_FINDINGS = 50
_MAX_TOKEN = 24


def _leaves(node: Node, limit: int = 256) -> list[Node]:
    """The first ``limit`` tokens under ``node``."""
    found: list[Node] = []
    stack = [node]
    while stack and len(found) < limit:
        current = stack.pop()
        if current.child_count == 0:
            found.append(current)
        else:
            stack.extend(reversed(current.children))
    return found


_CLOSERS = {"(": ")", "[": "]", "{": "}"}


def _unclosed_bracket(tokens: Sequence[Node]) -> Node | None:
    open_tokens: list[Node] = []
    for token in tokens:
        if token.type in _CLOSERS:
            open_tokens.append(token)
        elif open_tokens and token.type == _CLOSERS[open_tokens[-1].type]:
            open_tokens.pop()
    return open_tokens[0] if open_tokens else None


def _quote(data: bytes, start: int, end: int) -> str:
    text = data[start:end].decode("utf-8", "replace").strip()
    text = text.splitlines()[0] if text else ""
    if len(text) > _MAX_TOKEN:
        text = text[: _MAX_TOKEN - 1] + "…"
    return text


def describe(node: Node, data: bytes) -> tuple[str, int, int]:
    """Message and byte range for an ERROR or MISSING node.

    A MISSING node names what was expected; an ERROR node is described by a bracket it
    left open, or else by its first token.
    """
    if node.is_missing:
        label = node.type.replace("_", " ") if node.is_named else f"'{node.type}'"
        return f"missing {label}", node.start_byte, node.end_byte
    tokens = _leaves(node)
    bracket = _unclosed_bracket(tokens)
    if bracket is not None:
        return f"'{bracket.type}' was never closed", bracket.start_byte, bracket.end_byte
    first = tokens[0] if tokens else node
    text = _quote(data, first.start_byte, first.end_byte)
    if not text:
        return "syntax error", node.start_byte, node.end_byte
    return f"unexpected '{text}'", first.start_byte, first.end_byte


def syntax_findings(document: Document, limit: int = MAX_SYNTAX_FINDINGS) -> list[Finding]:
    """Findings for every syntax error in the document (at most ``limit``); the same error
    twice in one unit is two findings with two fingerprints."""
    tree = document.tree
    if tree is None or not tree.root_node.has_error:
        return []
    data = document.data
    findings: list[Finding] = []
    occurrences = Occurrences()
    lenient = is_jsonc(document.language_id, document.uri)
    for node in error_nodes(tree.root_node):
        if lenient and _trailing_comma(node, data):
            continue
        if grammar_fault(document.grammar, node, data):
            continue
        message, start, end = describe(node, data)
        unit = document.unit_index.innermost(start, end)
        unit_name = unit.qualified_name if unit else ""
        excerpt = f"{message}\0" + data[node.start_byte : node.end_byte].decode("utf-8", "replace")
        occurrence = occurrences.next(RULE_ID, unit_name, excerpt)
        findings.append(
            Finding(
                span=Span(start, end, document.lines.line_of(start), document.lines.line_of(end)),
                severity=Severity.ERROR,
                category=Category.SYNTAX,
                rule_id=RULE_ID,
                message=message,
                source="syntax",
                fingerprint=fingerprint(RULE_ID, unit_name, excerpt, occurrence),
                unit_hash=unit.exact_hash if unit else "",
                unit_name=unit_name,
            )
        )
        if len(findings) >= limit:
            break
    return findings


_ACTION_REACH = 256
"""The longest template action looked for, in bytes: bounds the search on long lines."""

_TEMPLATE_ACTION = re.compile(
    rb"\{\{[^\n]{0,%d}?\}\}|\{%%[^\n]{0,%d}?%%\}|<%%[^\n]{0,%d}?%%>" % ((_ACTION_REACH,) * 3)
)
"""A template action on one line: Go's, Mustache's, Handlebars' and Jinja's ``{{ }}``, Jinja's
and Liquid's ``{% %}``, ERB's and EJS's ``<% %>``."""

_TEMPLATE_OPENERS = (b"{{", b"{%", b"<%")

_TEMPLATE_ERRORS_CHECKED = 50
"""Errors looked at for a template action: a template's first actions are among its first
errors."""


_TEMPLATE_HOSTS = frozenset(
    {"css", "scss", "less", "html", "yaml", "json", "markdown", "toml", "xml", "javascript"}
)
"""Grammars whose files templates are saved as (a Go template as ``common.css`` or
``common.js``, a Helm chart's ``.yaml``, a Jinja ``.html``). Not Go, C, C++, Java, C#, Rust
or TypeScript, where ``{{1, 2}}`` and ``new T() {{ ... }}`` are code: a table-driven Go test
with an error would lose every error of the file."""


def looks_like_template(root: Node, data: bytes, grammar: str | None = None) -> bool:
    """Whether the file is a template, not the language its name says: a file of a
    `_TEMPLATE_HOSTS` grammar where an error starts inside a template action, and that has at
    least two (one ``{{a}}`` typed in JavaScript is an error, not a template). In JavaScript
    the action must not hold a ``:``, which a JSX style object (``style={{ color: c }}``)
    does and template actions do not."""
    if grammar not in _TEMPLATE_HOSTS:
        return False
    if not any(opener in data for opener in _TEMPLATE_OPENERS):
        return False
    inside = False
    for checked, node in enumerate(error_nodes(root)):
        if checked >= _TEMPLATE_ERRORS_CHECKED:
            break
        _, start, _ = describe(node, data)  # where the error is reported
        low = max(
            data.rfind(b"\n", max(0, start - _ACTION_REACH), start) + 1, start - _ACTION_REACH
        )
        high = start + _ACTION_REACH + 4
        if any(
            m.start() <= start < m.end() and (grammar != "javascript" or b":" not in m.group())
            for m in _TEMPLATE_ACTION.finditer(data, low, high)
        ):
            inside = True
            break
    if not inside:
        return False
    actions = _TEMPLATE_ACTION.finditer(data)
    return next(actions, None) is not None and next(actions, None) is not None


_SHELL_FORM_INSTRUCTIONS = frozenset(
    {"run_instruction", "cmd_instruction", "entrypoint_instruction"}
)
"""Dockerfile instructions whose argument is a shell command when it is not a JSON array."""

_TEST_COMMAND = re.compile(rb"\A\s*\[\s[^,\]]*\s\]", re.DOTALL)
"""The shell's ``[`` test command opening an argument: ``[ "$x" = y ]``; a JSON array (the
exec form) needs commas between two words, and has no space after ``[`` when it has one."""


def grammar_fault(grammar: str | None, node: Node, data: bytes) -> bool:
    """Whether an error node is the grammar's mistake on valid code (module docstring)."""
    if grammar == "html":
        return _bare_angle_bracket(node, data)
    if grammar == "dockerfile":
        return _shell_test_command(node, data)
    if grammar == "make":
        return _escaped_dollar(node, data)
    return False


def _bare_angle_bracket(node: Node, data: bytes) -> bool:
    """An HTML error that starts with a ``>`` in text (``<td>></td>``, ``a > b``): the
    outermost ERROR around ``node`` opens with ``>``, stands among elements and text, and
    holds no ``<`` (so no tag is broken in it)."""
    top = node
    while top.parent is not None and top.parent.is_error:
        top = top.parent
    if node.is_missing or not top.is_error or top.child_count == 0:
        return False
    if top.children[0].type != ">" or top.parent is None:
        return False
    if top.parent.type not in ("element", "document"):
        return False
    return b"<" not in data[top.start_byte : top.end_byte]


def _shell_test_command(node: Node, data: bytes) -> bool:
    """A Dockerfile error inside a ``RUN``/``CMD``/``ENTRYPOINT`` whose argument starts with
    the ``[`` test command (``RUN [ -f x ] && make``), which Docker runs as a shell command."""
    instruction = node.parent
    while instruction is not None and instruction.type not in _SHELL_FORM_INSTRUCTIONS:
        instruction = instruction.parent
    if instruction is None or instruction.child_count < 2:
        return False
    argument = data[instruction.children[0].end_byte : instruction.end_byte]
    return _TEST_COMMAND.match(argument.replace(b"\\\n", b" ")) is not None


def _escaped_dollar(node: Node, data: bytes) -> bool:
    """A Makefile error inside what the grammar took for a variable reference but is ``$$(``:
    an escaped ``$`` (make passes ``$(`` on to the shell), not a reference to check."""
    reference = node.parent
    while reference is not None and reference.type != "variable_reference":
        reference = reference.parent
    if reference is None:
        return False
    before = reference.start_byte
    while before > 0 and data[before - 1] == ord("$"):
        before -= 1
    return (reference.start_byte - before) % 2 == 1


_JSONC_NAMES = re.compile(
    r"""(?:^|/)(?:
        [tj]sconfig(?:\.[\w.-]+)?\.json      # TypeScript's and JavaScript's project files
      | \.vscode/[^/]+\.json | (?:\.)?devcontainer\.json | \.eslintrc\.json | \.babelrc(?:\.json)?
      | \.swcrc | typedoc\.json | deno\.json | api-extractor\.json | [^/]+\.jsonc
    )$""",
    re.VERBOSE,
)
"""JSON files whose readers take comments and trailing commas (JSON with comments)."""


def is_jsonc(language_id: str, uri: str) -> bool:
    """Whether a document is JSON with comments: the editor says so, or its name does."""
    return language_id == "jsonc" or bool(_JSONC_NAMES.search(uri))


_CLOSING = frozenset({"}", "]"})


def _trailing_comma(node: Node, data: bytes) -> bool:
    """Whether an error is only a comma before a closing bracket, after a value (``[1, 2,]``,
    ``{"a": 1,}``): an error in JSON, accepted in JSON with comments. tree-sitter's JSON
    grammar reports it as an ERROR holding the comma, or a value MISSING after it."""
    if node.is_missing:
        comma = _sibling(node, before=True)
        after = _sibling(node, before=False)
        if comma is None or comma.type != "," or after is None or after.type not in _CLOSING:
            return False
        value = _sibling(comma, before=True)
    else:
        if data[node.start_byte : node.end_byte].strip() != b",":
            return False
        after = _sibling(node, before=False)
        if after is None or after.type not in _CLOSING:
            return False
        value = _sibling(node, before=True)
    return value is not None and value.type not in ("{", "[", ",")


def _sibling(node: Node, *, before: bool) -> Node | None:
    """The nearest sibling before or after ``node`` that is not a comment."""
    current = node.prev_sibling if before else node.next_sibling
    while current is not None and current.type == "comment":
        current = current.prev_sibling if before else current.next_sibling
    return current


class SyntaxMode(enum.StrEnum):
    """Which syntax errors are reported (setting ``syntaxErrors``, docs/syntax.md)."""

    ALL = "all"
    """Every error the grammar finds."""
    INTRODUCED = "introduced"
    """Only errors an edit brought in: none at open, none in `peer check`."""
    OFF = "off"


AUTO = "auto"
"""The ``syntaxErrors`` value that picks each language's own default."""

SETTING_CHOICES = (AUTO, *(mode.value for mode in SyntaxMode))

LANGUAGE_DEFAULTS: dict[str, SyntaxMode] = {
    "c": SyntaxMode.INTRODUCED,
    "cpp": SyntaxMode.INTRODUCED,
    "rust": SyntaxMode.INTRODUCED,
    "typescript": SyntaxMode.INTRODUCED,
    "tsx": SyntaxMode.INTRODUCED,
}
"""Languages whose grammar reports errors on code that compiles too often to be trusted at
open (measured by bench/sweep.py; figures in docs/syntax.md). The rest default to ALL."""

_BASELINE_LIMIT = 1_000
"""Most errors recorded at open: a broken minified bundle must not cost seconds."""


def compiles(grammar: str | None, data: bytes) -> bool:
    """Whether the language's own parser accepts ``data``: Python's, in this process, or
    Node's (``node --check``, where Node is installed) for JavaScript. Only parsed, never
    run; asked only when the grammar finds an error at open."""
    if grammar == "python":
        return _python_parses(data)
    if grammar == "javascript":
        return _node_parses(data)
    return False


def _python_parses(data: bytes) -> bool:
    try:
        with warnings.catch_warnings():  # e.g. SyntaxWarning on "\d": not ours to print
            warnings.simplefilter("ignore")
            compile(data, "<document>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


_NODE_CHECK_SECONDS = 5.0


@functools.cache
def _node() -> str | None:
    return shutil.which("node")


def _node_parses(data: bytes) -> bool:
    """``node --check`` on ``data`` as a module, then as a script (either is valid code)."""
    node = _node()
    if node is None:
        return False
    for kind in ("module", "commonjs"):
        try:
            checked = subprocess.run(
                [node, "--check", f"--input-type={kind}", "-"],
                input=data,
                capture_output=True,
                timeout=_NODE_CHECK_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            log.info("node --check could not run; the grammar's errors stand", exc_info=True)
            return False
        if checked.returncode == 0:
            return True
    return False


def syntax_mode(setting: str, grammar: str | None) -> SyntaxMode:
    """The mode in force for a document of ``grammar`` under the ``syntaxErrors`` setting."""
    if setting != AUTO:
        return SyntaxMode(setting)
    return LANGUAGE_DEFAULTS.get(grammar or "", SyntaxMode.ALL)


def _touches(finding: Finding, ranges: Sequence[tuple[int, int]]) -> bool:
    start, end = finding.span.start_byte, finding.span.end_byte
    return any(low <= end and start <= high for low, high in ranges)


@dataclass(slots=True)
class _Introduced:
    """One document's errors at open, and the new errors shown since (by fingerprint)."""

    at_open: frozenset[str]
    text_at_open: bytes
    compiled_at_open: bool = False
    """The language's own compiler accepted the opening text: its errors are the grammar's."""
    template_at_open: bool = False
    """The opening text is a template (`looks_like_template`): judged as INTRODUCED."""
    shown: frozenset[str] = frozenset()


def _in_tests(document: Document, test_code: str, found: list[Finding]) -> list[Finding]:
    """``found`` in test data: hints under ``testCode`` ``hint``, none under ``off``. Whatever
    the edits that led to the text, so that a document's findings are those of its text."""
    if test_code == TEST_CODE_NORMAL or not found or not is_test_data_path(document.uri):
        return found
    if test_code != TEST_CODE_HINT:
        return []
    return [dataclasses.replace(f, severity=Severity.HINT) for f in found]


class SyntaxReporter:
    """Syntax findings per document under the ``syntaxErrors`` policy.

    In INTRODUCED mode an error is shown when it was not there at open (fingerprints hold no
    position, so an edit elsewhere does not make an old error new) and it lies in a range an
    edit changed; once shown, it stays while it lasts. The errors at open are recorded in
    every mode, so a switch of the setting takes effect without reopening.
    """

    def __init__(self) -> None:
        self._documents: dict[str, _Introduced] = {}

    def opened(
        self, document: Document, setting: str, test_code: str = TEST_CODE_HINT
    ) -> list[Finding]:
        """Findings of a document just opened (or fully analysed for the first time);
        ``test_code``: the ``testCode`` setting (module docstring)."""
        found = syntax_findings(document, _BASELINE_LIMIT)
        fingerprints = frozenset(f.fingerprint for f in found)
        compiled = bool(found) and compiles(document.grammar, document.data)
        tree = document.tree
        template = (
            bool(found)
            and tree is not None
            and looks_like_template(tree.root_node, document.data, document.grammar)
        )
        self._documents[document.uri] = _Introduced(
            fingerprints, hashlib.blake2b(document.data).digest(), compiled, template
        )
        return self._shown(document, setting, found, (), test_code)

    def changed(
        self,
        document: Document,
        setting: str,
        changed: Sequence[tuple[int, int]] | None,
        test_code: str = TEST_CODE_HINT,
    ) -> list[Finding]:
        """Findings after an edit that changed the byte ranges ``changed`` (None: no edit,
        e.g. a settings change)."""
        if document.uri not in self._documents:
            return self.opened(document, setting, test_code)
        mode = self.mode_of(document, setting)
        if mode is SyntaxMode.OFF:
            return []
        limit = MAX_SYNTAX_FINDINGS
        if mode is SyntaxMode.INTRODUCED:  # look past the errors there since open
            limit += len(self._documents[document.uri].at_open)
        found = syntax_findings(document, limit)
        return self._shown(document, setting, found, changed or (), test_code)

    def forget(self, uri: str) -> None:
        self._documents.pop(uri, None)

    def mode_of(self, document: Document, setting: str) -> SyntaxMode:
        """The language's mode, but INTRODUCED under ``auto`` where the language's compiler
        accepted the opening text, or the opening text is a template: what the grammar calls
        an error there is its own fault."""
        state = self._documents.get(document.uri)
        judged = state is not None and (state.compiled_at_open or state.template_at_open)
        if setting == AUTO and judged:
            return SyntaxMode.INTRODUCED
        return syntax_mode(setting, document.grammar)

    def _shown(
        self,
        document: Document,
        setting: str,
        found: list[Finding],
        changed: Sequence[tuple[int, int]],
        test_code: str,
    ) -> list[Finding]:
        mode = self.mode_of(document, setting)
        if mode is SyntaxMode.OFF:
            return []
        state = self._documents[document.uri]
        if mode is SyntaxMode.ALL:
            return _in_tests(document, test_code, found)[:MAX_SYNTAX_FINDINGS]
        if hashlib.blake2b(document.data).digest() == state.text_at_open:
            # Back to the opening text (an undo): incremental error recovery may cut the
            # errors differently from the parse at open, but none of them is new.
            state.shown = frozenset()
            return []
        shown = [
            f
            for f in found
            if f.fingerprint not in state.at_open
            and (f.fingerprint in state.shown or _touches(f, changed))
        ]
        state.shown = frozenset(f.fingerprint for f in shown)
        return shown[:MAX_SYNTAX_FINDINGS]
