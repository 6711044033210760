"""A project's own rules: ``.peer/rules/<id>.toml`` declarations with tree-sitter queries.

Each rule is one TOML file in the ``.peer/rules`` folder of the project root; the file's name
is the rule's id (lower case, digits and dashes), and its findings carry ``project/<id>``.
Its patterns are the ``query`` key, or else ``<id>.scm`` beside it::

    # .peer/rules/no-print.toml
    language = "python"                 # or languages = ["javascript", "typescript"]
    message = "print() of {arg}: use the logger"
    severity = "warning"                # error, warning, info, hint
    category = "maintainability"        # bug, security, performance, maintainability, style
    report = "call"                     # the capture a finding covers (default: report)
    # optional: title, explanation (Markdown), cwe = "CWE-532" or references = [...],
    #           confidence (0 to 1, default 0.8), enabled (default true), query

    # .peer/rules/no-print.scm
    (call function: (identifier) @fn (#eq? @fn "print")
          arguments: (argument_list . (_) @arg)) @call

``{capture}`` in the message is replaced by the text of that capture. The custom predicates
of the built-in rules (``#not-literal?``, ``#sql?``, ...) work here too.

Every file is checked on its own, and a bad one is a `RuleProblem` naming the file and line
(bad TOML, an unknown or missing key, an unknown language, a query that does not compile,
with tree-sitter's row and column made a line of the file, a reported capture or a message
placeholder the query does not capture, an id that is a built-in rule's); the others load.

The files are untrusted input (a cloned repository brings them): they are data, never code.
They can add findings and nothing else, and their queries run within the query budget of
every rule (`peer_lsp.syntax.budget`). Folders with more than `MAX_RULES` files, and files
over `MAX_FILE_BYTES`, are cut there, with a problem saying so.
"""

from __future__ import annotations

import re
import string
import typing
from dataclasses import dataclass
from pathlib import Path

from peer_lsp.findings.model import Category, Severity
from peer_lsp.rules.catalog import BY_ID
from peer_lsp.rules.compiled import RuleQueryError, compile_rules
from peer_lsp.rules.model import REPORT, Rule
from peer_lsp.rules.ruleset import PROJECT_PREFIX, ExtraRule, RuleProblem
from peer_lsp.syntax.languages import resolve_language

if typing.TYPE_CHECKING:
    from collections.abc import Mapping

RULES_FOLDER = Path(".peer") / "rules"
"""Where a project keeps its rules, relative to its root."""

MAX_RULES = 200
"""Rule files read from one folder; the rest are reported and left out."""

MAX_FILE_BYTES = 64 * 1024
"""The largest declaration or query file read."""

DEFAULT_CONFIDENCE = 0.8

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_KEYS = frozenset(
    {"language", "languages", "message", "severity", "category", "report", "title"}
    | {"explanation", "cwe", "references", "confidence", "enabled", "query"}
)
_REQUIRED = ("message", "severity", "category")
_CATEGORIES = tuple(c.value for c in Category if c is not Category.SYNTAX)
_ROW = re.compile(r"at row (\d+), column (\d+)")
_CAPTURE = re.compile(r"@([A-Za-z_][\w.-]*)")


class _Bad(Exception):
    """One problem with one rule file: the message and the line of the file (1-based)."""

    def __init__(self, message: str, line: int | None = None, path: Path | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.path = message, line, path


@dataclass(frozen=True, slots=True)
class LoadedRules:
    """What a project's rules folder gave: the rules that load, and the problems of the rest."""

    folder: Path | None
    rules: tuple[ExtraRule, ...] = ()
    problems: tuple[RuleProblem, ...] = ()


def rules_folder(root: Path) -> Path:
    return root / RULES_FOLDER


def find_project_root(start: Path) -> Path | None:
    """The nearest folder from ``start`` up that has a ``.peer/rules`` folder, stopping at
    the repository root (the folder holding ``.git``); None when there is none."""
    start = start.absolute()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if rules_folder(candidate).is_dir():
            return candidate
        if (candidate / ".git").exists():
            return None
    return None


def load_project_rules(root: Path) -> LoadedRules:
    """The rules in ``root``'s ``.peer/rules`` folder (none when there is no such folder)."""
    folder = rules_folder(root)
    if not folder.is_dir():
        return LoadedRules(None)
    problems: list[RuleProblem] = []
    files = sorted(folder.glob("*.toml"))
    if len(files) > MAX_RULES:
        problems.append(
            RuleProblem(str(folder), f"{len(files)} rule files; only the first {MAX_RULES} load")
        )
        files = files[:MAX_RULES]
    for stray in sorted(folder.glob("*.scm")):
        if not stray.with_suffix(".toml").is_file():
            problems.append(
                RuleProblem(str(stray), f"no {stray.stem}.toml declares this query; it is unused")
            )
    rules: list[ExtraRule] = []
    for path in files:
        try:
            rules.append(load_rule_file(path))
        except _Bad as bad:
            problems.append(RuleProblem(str(bad.path or path), bad.message, bad.line))
    problems.sort(key=lambda p: (p.origin, p.line or 0))
    return LoadedRules(folder, tuple(rules), tuple(problems))


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _Bad(f"{size} bytes, over the {MAX_FILE_BYTES} a rule file may have", path=path)
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _Bad(f"cannot read: {error}", path=path) from None


def _line_of_key(text: str, key: str) -> int | None:
    found = re.search(rf"(?m)^\s*{re.escape(key)}\s*=", text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def load_rule_file(path: Path) -> ExtraRule:
    """One rule from its declaration file; raises `_Bad` naming what is wrong and where."""
    import tomllib

    rule_id = path.stem
    if not _ID.fullmatch(rule_id):
        raise _Bad(
            f"the file name is the rule's id: {rule_id!r} is not lower-case letters, digits and"
            " dashes (at most 63)"
        )
    if rule_id in BY_ID:
        raise _Bad(f"{rule_id!r} is a built-in rule's id: name the file otherwise")
    text = _read(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"at line (\d+)", str(error))
        raise _Bad(f"not valid TOML: {error}", int(found.group(1)) if found else None) from None
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise _Bad(
            f"unknown key {unknown[0]!r}; known keys: {', '.join(sorted(_KEYS))}",
            _line_of_key(text, unknown[0]),
        )
    for key in _REQUIRED:
        if key not in raw:
            raise _Bad(f"missing key {key!r}")

    def string(key: str, default: str = "") -> str:
        value = raw.get(key, default)
        if not isinstance(value, str) or (key in raw and not value.strip()):
            raise _Bad(f"{key!r} must be a non-empty string", _line_of_key(text, key))
        return value

    def strings(key: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise _Bad(f"{key!r} must be a string or a list of strings", _line_of_key(text, key))
        return tuple(value)

    languages = _languages(raw, text, strings)
    message = string("message")
    try:
        severity = Severity.parse(string("severity"))
    except ValueError as error:
        raise _Bad(str(error), _line_of_key(text, "severity")) from None
    category_name = string("category").lower()
    if category_name not in _CATEGORIES:
        raise _Bad(
            f"unknown category {category_name!r}; expected one of: {', '.join(_CATEGORIES)}",
            _line_of_key(text, "category"),
        )
    confidence = _confidence(raw, text)
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _Bad("'enabled' must be true or false", _line_of_key(text, "enabled"))
    report = string("report", REPORT)
    references = (*strings("cwe"), *strings("references"))
    source, query_path, first_line = _query(path, raw, text)
    source, message = _report_as(report, source, message, query_path, first_line)
    rule = Rule(
        id=PROJECT_PREFIX + rule_id,
        languages=languages,
        category=Category(category_name),
        severity=severity,
        confidence=confidence,
        title=string("title") if "title" in raw else _title(message, rule_id),
        message=message,
        explanation=string("explanation", f"A rule of this project, declared in {path.name}."),
        references=references,
        enabled=enabled,
    )
    queries = dict.fromkeys(languages, source)
    for grammar in languages:
        _compiles(rule, grammar, source, query_path, first_line)
    return ExtraRule(rule, queries, str(path))


def _confidence(raw: Mapping[str, object], text: str) -> float:
    confidence = raw.get("confidence", DEFAULT_CONFIDENCE)
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        raise _Bad("'confidence' must be a number", _line_of_key(text, "confidence"))
    if not 0.0 <= confidence <= 1.0:
        raise _Bad("'confidence' must be within 0 and 1", _line_of_key(text, "confidence"))
    return float(confidence)


def _title(message: str, rule_id: str) -> str:
    """A title from the message: its text before the first colon, placeholders as "..."."""
    head = re.sub(r"\{[^{}]*\}", "...", message).split(":", 1)[0].strip()
    return head or rule_id


def _languages(
    raw: Mapping[str, object], text: str, strings: typing.Callable[[str], tuple[str, ...]]
) -> tuple[str, ...]:
    if ("language" in raw) == ("languages" in raw):
        raise _Bad("give one of 'language' or 'languages'")
    key = "language" if "language" in raw else "languages"
    names = strings(key)
    if not names:
        raise _Bad(f"{key!r} names no language", _line_of_key(text, key))
    grammars: list[str] = []
    for name in names:
        grammar = resolve_language(name, None)
        if grammar is None:
            raise _Bad(
                f"unknown language {name!r} (a tree-sitter grammar name: python, javascript,"
                " typescript, tsx, go, java, c, cpp, rust, ...)",
                _line_of_key(text, key),
            )
        if grammar not in grammars:
            grammars.append(grammar)
    return tuple(grammars)


def _query(path: Path, raw: Mapping[str, object], text: str) -> tuple[str, Path, int]:
    """The rule's patterns, the file they are in and the line they start on (1-based)."""
    if "query" in raw:
        query = raw["query"]
        if not isinstance(query, str) or not query.strip():
            raise _Bad("'query' must be a non-empty string", _line_of_key(text, "query"))
        line = _line_of_key(text, "query") or 1
        # A multi-line string starts on the line after `query = """` when it opens with a
        # newline (TOML drops that newline).
        after = text.split("\n")[line - 1].split("=", 1)[1].strip()
        if after in ('"""', "'''"):
            line += 1
        return query, path, line
    scm = path.with_suffix(".scm")
    if not scm.is_file():
        raise _Bad(f"no query: add a 'query' key or the file {scm.name} beside this one")
    return _read(scm), scm, 1


def _report_as(
    report: str, source: str, message: str, query_path: Path, first_line: int
) -> tuple[str, str]:
    """The patterns and the message with the reported capture renamed ``@report`` (the name
    the runner reports), after checking that every capture they name is there."""
    captures = set(_CAPTURE.findall(_without_comments(source)))
    if report not in captures:
        raise _Bad(
            f"the query has no @{report} capture: capture the node a finding covers"
            + ("" if report != REPORT else " as @report, or name it with 'report'"),
            first_line,
            query_path,
        )
    if report != REPORT:
        if REPORT in captures:
            raise _Bad(
                f"the query captures both @{report} and @{REPORT}: 'report' names the one a"
                " finding covers",
                first_line,
                query_path,
            )
        source = re.sub(rf"@{re.escape(report)}(?![\w.-])", f"@{REPORT}", source)
        message = message.replace(f"{{{report}}}", f"{{{REPORT}}}")
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(message) if name is not None]
    except ValueError as error:
        raise _Bad(
            f"the message is not a valid template ({error}): write {{{{ for a brace"
        ) from None
    for name in names:
        if not name.isidentifier():
            raise _Bad(f"the message has {{{name}}}: a placeholder is a capture's name, a-z 0-9 _")
        if name != REPORT and name not in captures:
            raise _Bad(f"the message names {{{name}}}, which the query does not capture")
    return source, message


def _without_comments(source: str) -> str:
    return "\n".join(line.split(";", 1)[0] for line in source.splitlines())


def _compiles(rule: Rule, grammar: str, source: str, query_path: Path, first_line: int) -> None:
    """Raise `_Bad` with the file and line when the patterns do not compile for ``grammar``."""
    try:
        compile_rules(grammar, [rule], lambda _: source)
    except RuleQueryError as error:
        text = str(error).removeprefix(f"{rule.id} ({grammar}): ").removeprefix(f"{rule.id}: ")
        found = _ROW.search(text)
        line = first_line + int(found.group(1)) if found else first_line
        raise _Bad(f"the query does not compile for {grammar}: {text}", line, query_path) from None
