"""Suppression comments: ``peer: ignore`` and ``peer: ignore[rule-id, ...]`` in any language.

One reading of the comments serves every producer of findings (models, local rules, syntax)
and both front doors, the server and ``peer check``, so a finding hidden in the editor is also
hidden in CI (design lesson). A suppression is a comment whose text starts with the marker,
written with the language's own comment syntax:

    x = query % args  # peer: ignore[py-sql-format]

    // peer: ignore
    eval(input);

It applies to findings whose first line is the comment's line, and, when the comment stands
alone on its line, to findings starting on the next line. Without brackets (or with empty
ones) it hides every finding there; with them, only the rules named (case-insensitive).

Only lines containing ``peer:`` are read. A marker counts only where it really is a comment:
the syntax tree must put it inside a comment node (a ``# peer: ignore`` inside a string does
nothing); where the grammar has no comment nodes or there is no tree, the quotes before it on
its line must be balanced.
"""

from __future__ import annotations

import functools
import re
import typing
from dataclasses import dataclass, field

from peer_lsp.syntax.languages import get_language
from peer_lsp.syntax.nodes import descendant_for_byte_range

if typing.TYPE_CHECKING:
    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding

MARKER = b"peer:"

_HASH = ("#",)
_SLASH = ("//", "/*")
_DASH = ("--",)
_SEMI = (";",)
_PERCENT = ("%",)
_MARKUP = ("<!--",)

_GROUPS: dict[tuple[str, ...], tuple[str, ...]] = {
    _HASH: (
        "python", "ruby", "bash", "fish", "yaml", "toml", "r", "elixir", "perl", "make",
        "cmake", "dockerfile", "julia", "nim", "powershell", "gdscript", "starlark", "nix",
        "tcl", "gitignore", "gitattributes", "requirements", "ini", "properties", "meson",
        "puppet", "gn", "kconfig", "graphql", "capnp", "sparql", "rego", "po", "ninja",
        "udev", "hyprlang", "smali", "magik",
    ),
    _SLASH: (
        "c", "cpp", "cuda", "objc", "javascript", "typescript", "tsx", "go", "rust", "java",
        "csharp", "kotlin", "swift", "scala", "dart", "groovy", "d", "zig", "odin", "hare",
        "v", "proto", "thrift", "solidity", "glsl", "hlsl", "wgsl", "verilog", "haxe", "apex",
        "jsonnet", "qmljs", "smithy", "prisma", "cairo", "gleam", "arduino", "ispc",
        "actionscript", "squirrel", "kdl", "bicep", "gomod", "tablegen", "typst", "ron",
        "pony", "bsl", "nqc", "netlinx",
    ),
    _DASH: ("sql", "lua", "luau", "haskell", "elm", "purescript", "ada", "vhdl", "agda"),
    _SEMI: (
        "commonlisp", "clojure", "scheme", "racket", "elisp", "fennel", "janet", "llvm",
        "asm", "wat", "wast", "func", "clarity", "firrtl", "yuck", "beancount",
    ),
    _PERCENT: ("erlang", "latex", "matlab", "bibtex"),
    _MARKUP: ("html", "xml", "markdown", "vue", "svelte", "astro", "dtd"),
}  # fmt: skip

_EXTRA: dict[str, tuple[str, ...]] = {
    "php": ("//", "#", "/*"),
    "hcl": ("#", "//", "/*"),
    "terraform": ("#", "//", "/*"),
    "css": ("/*",),
    "scss": ("//", "/*"),
    "ocaml": ("(*",),
    "fsharp": ("//", "(*"),
    "pascal": ("//", "{", "(*"),
    "twig": ("{#",),
    "fortran": ("!",),
    "linkerscript": ("/*",),
}

PREFIXES: dict[str, tuple[str, ...]] = {
    grammar: prefixes for prefixes, grammars in _GROUPS.items() for grammar in grammars
} | _EXTRA
"""The comment openers of each grammar; the first is the one used to write a suppression."""

FALLBACK_PREFIXES = ("#", "//", "/*", "--", ";", "<!--")
"""Openers accepted in documents whose grammar is unknown here (or that have none)."""

_CLOSERS = {"/*": " */", "<!--": " -->", "(*": " *)", "{": " }", "{#": " #}"}
_QUOTES = b"\"'`"


def comment_prefixes(grammar: str | None) -> tuple[str, ...]:
    """How comments open in ``grammar``; block openers (``/*``) included where they exist."""
    if grammar is None:
        return FALLBACK_PREFIXES
    return PREFIXES.get(grammar, FALLBACK_PREFIXES)


@functools.cache
def _pattern(prefixes: tuple[str, ...]) -> re.Pattern[bytes]:
    openers = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    return re.compile(
        rf"(?:{openers})[ \t]*peer:[ \t]*ignore(?![\w-])(?:\[([^\]\r\n]*)\])?".encode()
    )


@dataclass(frozen=True, slots=True)
class Suppression:
    """The suppression comments of one line: ``rules`` None means every rule."""

    line: int
    rules: frozenset[str] | None
    standalone: bool

    def covers(self, rule_id: str) -> bool:
        return self.rules is None or rule_id.lower() in self.rules


@dataclass(frozen=True, slots=True)
class Suppressions:
    """Every suppression comment of a document, by 0-based line."""

    by_line: dict[int, Suppression] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.by_line)

    def __len__(self) -> int:
        return len(self.by_line)


def suppressions(document: Document) -> Suppressions:
    """Read the suppression comments of ``document`` (only lines containing ``peer:``)."""
    data = document.data
    pattern = _pattern(comment_prefixes(document.grammar))
    found: dict[int, Suppression] = {}
    position = data.find(MARKER)
    while position >= 0:
        line = document.lines.line_of(position)
        start = document.lines.line_start(line)
        end = document.lines.line_end(line, data)
        entry = _read_line(document, pattern, line, start, end)
        if entry is not None:
            found[line] = entry
        position = data.find(MARKER, max(end, position + 1))
    return Suppressions(found)


def _read_line(
    document: Document, pattern: re.Pattern[bytes], line: int, start: int, end: int
) -> Suppression | None:
    """The suppression on one line, merging several markers, or None."""
    rules: set[str] | None = set()
    standalone = False
    matched = False
    for match in pattern.finditer(document.data, start, end):
        if not _in_comment(document, start, match.start()):
            continue
        matched = True
        standalone = standalone or not document.data[start : match.start()].strip()
        names = _rule_names(match.group(1))
        rules = None if names is None or rules is None else rules | names
    if not matched:
        return None
    return Suppression(line, None if rules is None else frozenset(rules), standalone)


def _rule_names(raw: bytes | None) -> set[str] | None:
    """The rule ids in ``[a, b]``; None (every rule) without brackets or with empty ones."""
    if raw is None:
        return None
    names = {n.strip().lower() for n in raw.decode("utf-8", "replace").split(",") if n.strip()}
    return names or None


def _in_comment(document: Document, line_start: int, offset: int) -> bool:
    """Whether the comment opener at ``offset`` really opens (or lies in) a comment."""
    tree = document.tree
    if tree is not None and document.grammar and _has_comment_nodes(document.grammar):
        node = descendant_for_byte_range(tree.root_node, offset, offset + 1)
        while node is not None:
            if "comment" in node.type:
                return True
            node = node.parent
        return False
    before = document.data[line_start:offset]
    return all(before.count(quote) % 2 == 0 for quote in _QUOTES)


@functools.cache
def _has_comment_nodes(grammar: str) -> bool:
    """Whether the grammar has a node type for comments (markdown, for one, has none)."""
    language = get_language(grammar)
    return any(
        "comment" in (language.node_kind_for_id(i) or "")
        for i in range(language.node_kind_count)
        if language.node_kind_is_named(i)
    )


def is_suppressed(finding: Finding, found: Suppressions, document: Document) -> bool:
    """Whether a suppression comment hides ``finding`` (same line, or alone on the line above)."""
    if not found:
        return False
    line = document.lines.line_of(finding.span.start_byte)
    same = found.by_line.get(line)
    if same is not None and same.covers(finding.rule_id):
        return True
    above = found.by_line.get(line - 1)
    return above is not None and above.standalone and above.covers(finding.rule_id)


def suppression_comment(grammar: str | None, rule_id: str = "", indent: str = "") -> str:
    """The line (without its line break) that hides a finding when inserted above it."""
    opener = comment_prefixes(grammar)[0]
    marker = f"peer: ignore[{rule_id}]" if rule_id else "peer: ignore"
    return f"{indent}{opener} {marker}{_CLOSERS.get(opener, '')}"
