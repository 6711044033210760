"""Syntax errors as findings: tree-sitter's ERROR and MISSING nodes, in readable words.

Grammars also report errors on code that compiles (C's macros, some TypeScript types), so
what is shown follows a per-language policy (`SyntaxMode`): every error, or only those an
edit introduced, or none.
"""

from __future__ import annotations

import ast
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
    shown: frozenset[str] = frozenset()


class SyntaxReporter:
    """Syntax findings per document under the ``syntaxErrors`` policy.

    In INTRODUCED mode an error is shown when it was not there at open (fingerprints hold no
    position, so an edit elsewhere does not make an old error new) and it lies in a range an
    edit changed; once shown, it stays while it lasts. The errors at open are recorded in
    every mode, so a switch of the setting takes effect without reopening.
    """

    def __init__(self) -> None:
        self._documents: dict[str, _Introduced] = {}

    def opened(self, document: Document, setting: str) -> list[Finding]:
        """Findings of a document just opened (or fully analysed for the first time)."""
        found = syntax_findings(document, _BASELINE_LIMIT)
        fingerprints = frozenset(f.fingerprint for f in found)
        compiled = bool(found) and compiles(document.grammar, document.data)
        self._documents[document.uri] = _Introduced(
            fingerprints, hashlib.blake2b(document.data).digest(), compiled
        )
        return self._shown(document, setting, found, ())

    def changed(
        self, document: Document, setting: str, changed: Sequence[tuple[int, int]] | None
    ) -> list[Finding]:
        """Findings after an edit that changed the byte ranges ``changed`` (None: no edit,
        e.g. a settings change)."""
        if document.uri not in self._documents:
            return self.opened(document, setting)
        mode = self.mode_of(document, setting)
        if mode is SyntaxMode.OFF:
            return []
        limit = MAX_SYNTAX_FINDINGS
        if mode is SyntaxMode.INTRODUCED:  # look past the errors there since open
            limit += len(self._documents[document.uri].at_open)
        return self._shown(document, setting, syntax_findings(document, limit), changed or ())

    def forget(self, uri: str) -> None:
        self._documents.pop(uri, None)

    def mode_of(self, document: Document, setting: str) -> SyntaxMode:
        """The language's mode, but INTRODUCED under ``auto`` where the language's compiler
        accepted the opening text: what the grammar calls an error there is its own fault."""
        state = self._documents.get(document.uri)
        if setting == AUTO and state is not None and state.compiled_at_open:
            return SyntaxMode.INTRODUCED
        return syntax_mode(setting, document.grammar)

    def _shown(
        self,
        document: Document,
        setting: str,
        found: list[Finding],
        changed: Sequence[tuple[int, int]],
    ) -> list[Finding]:
        mode = self.mode_of(document, setting)
        if mode is SyntaxMode.OFF:
            return []
        if mode is SyntaxMode.ALL:
            return found[:MAX_SYNTAX_FINDINGS]
        state = self._documents[document.uri]
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
